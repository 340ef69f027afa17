"""``include`` statements, and the logical configuration of a drbd.conf and what it pulls in."""

from __future__ import annotations

import os
import re
from typing import Any

import attrs

from ...errors import XencfgError
from ...syntax.blocks import (
    Block,
    ComputedView,
    Entry,
)
from .conflicts import Conflict, find_conflicts
from .document import FORMAT, DrbdDocument
from .reader import parse
from .views import Resource, _merge_sections

# -- includes and the logical configuration -------------------------------------


@attrs.define(eq=False)
class Config:
    """A drbd.conf and every file its ``include`` statements pull in.

    ``documents`` holds each file's own document (each renders back on its
    own); ``resources`` and ``common`` are the merged view drbdadm sees, and
    ``origin`` tells which document a resource came from.
    """

    documents: list[DrbdDocument]
    missing: list[str] = attrs.Factory(list)

    @property
    def common_block(self) -> Block | None:
        found = None
        for d in self.documents:
            found = d.common_block or found
        return found

    @property
    def resources(self) -> dict[str, Resource]:
        """The resources of every file by name, each inheriting the ``common`` of
        whichever file has it; edits go to the file that holds the resource."""
        common = self.common_block
        return {r.name: r for d in self.documents for r in d.resource_list(common)}

    def changed(self) -> list[DrbdDocument]:
        """The documents edited since they were read (their text would change):
        ``for doc in cfg.changed(): xencfg.dump(doc)`` saves every file an edit
        through :attr:`resources` touched, and only those."""
        return [d for d in self.documents if d.dumps() != d.source]

    def origin(self, resource: str) -> DrbdDocument:
        """The document that holds ``resource``."""
        found = None
        for d in self.documents:
            if any(b.args[:1] == [resource] for b in d._top("resource")):
                found = d
        if found is None:
            raise KeyError(resource)
        return found

    @property
    def global_(self) -> dict[str, str | bool]:
        """``global`` merged over every file (read-only: edit one document's)."""
        merged: dict[str, str | bool] = {}
        for d in self.documents:
            merged.update(d.global_)
        return ComputedView(merged, "edit the global_ of the document that holds it")

    @property
    def common(self) -> dict[str, dict[str, str | bool]]:
        """``common`` merged over every file (read-only: edit one document's)."""
        merged: dict[str, dict[str, str | bool]] = {}
        for d in self.documents:
            merged = _merge_sections(merged, d.common)
        return ComputedView(merged, "edit the common of the document that holds it")

    def conflicts(self) -> list[Conflict]:
        """ "Conflicting use of ..." across every included file (see :mod:`.conflicts`)."""
        return find_conflicts(self.documents)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "files": [d.path for d in self.documents],
            "missing": self.missing,
            "global": self.global_,
            "common": self.common,
            "resources": [
                {**r.to_dict(), "file": self.origin(name).path}
                for name, r in self.resources.items()
            ],
        }


#: At most this many directory entries are looked at to expand one ``include`` glob,
#: so ``include "/*/*/*/*/*/*"`` cannot walk a whole disk.
MAX_GLOB_ENTRIES = 10_000
#: Includes nested deeper than this are refused (a chain, not a configuration).
MAX_INCLUDE_DEPTH = 32


def resolve_include(
    pattern: str, base_dir: str, *, root: str | None = None, limit: int = MAX_GLOB_ENTRIES
) -> list[str]:
    """Files an ``include`` pattern names: relative to the including file's directory, sorted.

    With ``root`` (a mounted node image), an absolute pattern means the node's ``/``
    and every match is resolved inside ``root``; a match whose links leave it is
    dropped. Raises :class:`XencfgError` when the glob would look at more than
    ``limit`` directory entries.
    """
    from fnmatch import fnmatchcase

    from ...syntax.source import OutsideRoot, resolve_in_root

    if os.path.isabs(pattern):
        full = os.path.join(root, pattern.lstrip("/")) if root is not None else pattern
    else:
        full = os.path.join(base_dir, pattern)
    head = "/" if full.startswith("/") else ""
    parts = [c for c in full.split("/") if c]
    paths = [head]
    looked = 0
    for part in parts:
        if not any(c in part for c in "*?["):
            paths = [os.path.join(p, part) if p else part for p in paths]
            continue
        nxt: list[str] = []
        for d in paths:
            try:
                entries = os.scandir(d or ".")
            except OSError:
                continue
            with entries:
                for e in entries:
                    looked += 1
                    if looked > limit:
                        raise XencfgError(
                            f"include {pattern!r}: the pattern matches more than {limit} entries"
                        )
                    if e.name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatchcase(e.name, part):
                        nxt.append(os.path.join(d, e.name) if d else e.name)
        paths = nxt
    out: list[str] = []
    for p in paths:
        if root is not None:
            try:
                rel = os.path.relpath(os.path.abspath(p), os.path.abspath(root))
                if rel.startswith(".."):
                    continue
                p = str(resolve_in_root(root, rel))
            except OutsideRoot:
                continue
        if os.path.isfile(p):
            out.append(p)
    return sorted(set(out))


def load_config(
    path: str | os.PathLike[str],
    *,
    max_files: int = 1000,
    root: str | os.PathLike[str] | None = None,
    max_depth: int = MAX_INCLUDE_DEPTH,
) -> Config:
    """Load a drbd.conf and, recursively, what it includes (each file once).

    With ``root`` (a mounted node image or a linted tree), includes resolve inside
    it as drbdadm on that node would see them, and nothing outside is read; an
    include that reaches outside counts as missing. Includes nested deeper than
    ``max_depth`` raise :class:`XencfgError` (as does a glob that matches too much).
    """
    from ...syntax.source import read_text

    docs: list[DrbdDocument] = []
    missing: list[str] = []
    seen: set[str] = set()
    root_s = os.fspath(root) if root is not None else None
    stack: list[tuple[str, int]] = [(os.fspath(path), 0)]
    while stack:
        p, depth = stack.pop()
        if depth > max_depth:
            raise XencfgError(f"{p}: includes nested more than {max_depth} deep")
        real = os.path.realpath(p)
        if real in seen or len(seen) >= max_files:
            continue
        seen.add(real)
        doc = parse(read_text(p, follow=root_s is None or depth == 0), p)
        docs.append(doc)
        children: list[str] = []
        for child in doc.children:
            if isinstance(child, Entry) and child.key == "include" and child.value:
                found = resolve_include(child.value, os.path.dirname(p), root=root_s)
                if not found and not any(c in child.value for c in "*?["):
                    missing.append(child.value)
                children.extend(found)
        stack.extend((f, depth + 1) for f in reversed(children))
    return Config(docs, missing)


_INCLUDE = re.compile(r'^[ \t]*include[ \t]+"?([^";\s]+)"?[ \t]*;', re.M)


def referenced(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The files a drbd.conf ``include``s (globs, relative to its folder unless
    absolute), found by a light scan of the text, without parsing it: discovery
    reads them as drbd.conf too (the spec's ``references`` hook)."""
    return [(pattern, (FORMAT,)) for pattern in _INCLUDE.findall(text)]
