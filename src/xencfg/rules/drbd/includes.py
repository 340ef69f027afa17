"""DRBD ``include`` statements that name a file the node does not have."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ...cluster import Cluster, Loaded
from ...errors import XencfgError
from ...findings import Finding
from ...formats.drbd.include import resolve_include
from ...syntax.blocks import Entry
from ...versions import DRBD_INCLUDE_NULLGLOB
from .. import make, rule
from .common import _drbd, _node_configs


def _is_glob(pattern: str) -> bool:
    # drbdadm's own test: strchr for '*', '?' and '[' (include_stmt)
    return any(c in pattern for c in "*?[")


def _tree(items: list[Loaded]) -> tuple[Path, Path] | None:
    """``(root, etc)`` of the node whose /etc/drbd.conf is among ``items`` (discovery's
    :class:`~xencfg.discover.NodeRoot`): where the node's ``/`` and ``/etc`` are on this
    machine (``root == etc`` for an etckeeper checkout, which has no ``/``). None
    without one /etc/drbd.conf (drbdadm reads nothing else) or without a tree (a
    loose file outside any ``etc`` folder)."""
    tops = [
        i
        for i in items
        if Path(i.file.path).name == "drbd.conf" and Path(i.file.path).parent.name != "drbd.d"
    ]
    if len(tops) != 1 or tops[0].file.tree is None:
        return None
    tree = tops[0].file.tree
    return Path(os.path.abspath(tree.root)), Path(os.path.abspath(tree.etc))


def _found(pattern: str, including: Path, root: Path, etc: Path) -> list[str] | None:
    """The files an ``include`` opens on the node: :func:`resolve_include`, the format's
    include following (inside the node's tree, links followed as the node would,
    never out of it). None when the tree cannot tell (an absolute path outside an
    etckeeper checkout's /etc, a pattern that matches too much)."""
    base = including.parent  # drbdadm chdirs to the including file's folder (include_stmt)
    if root == etc and pattern.startswith("/"):
        if not pattern.startswith("/etc/"):
            return None
        pattern, base = pattern[len("/etc/") :], etc
    try:
        return resolve_include(pattern, str(base), root=str(root))
    except XencfgError:
        return None


def _in_sections(pattern: str, including: Path, root: Path, known: set[Path]) -> list[str]:
    """The files an ``include`` opens among the node's documents, for a drbd.conf read
    from a supportconfig section: its files exist only as other sections (drbd_info
    logs drbd.conf and every file of its include folders, ``find -L $DIR -type f``),
    none of them on disk here."""
    from fnmatch import fnmatchcase

    base = root if pattern.startswith("/") else including.parent
    want = os.path.normpath(os.path.join(str(base), pattern.lstrip("/")))
    if _is_glob(pattern):
        return sorted(str(p) for p in known if fnmatchcase(str(p), want))
    return [want] if Path(want) in known else []


def _opens(
    pattern: str, including: Path, root: Path, etc: Path, sections: set[Path] | None
) -> list[str] | None:
    """What an ``include`` opens: among ``sections`` (a drbd.conf read from a
    supportconfig), else in the node's tree."""
    if sections is not None:
        return _in_sections(pattern, including, root, sections)
    return _found(pattern, including, root, etc)


def _includes(
    items: list[Loaded], root: Path, etc: Path
) -> Iterator[tuple[Loaded, Entry, list[str] | None]]:
    """Each ``include`` of a node's drbd files, with what it opens (:func:`_opens`)."""
    known = {Path(os.path.abspath(i.file.path)) for i in items}
    for item in items:
        including = Path(os.path.abspath(item.file.path))
        # a supportconfig section: its file is not on disk, its includes are sections
        sections = known if item.file.is_section else None
        for entry in _drbd(item).children:
            if isinstance(entry, Entry) and entry.key == "include" and entry.value:
                yield item, entry, _opens(entry.value, including, root, etc, sections)


def whole_configuration(items: list[Loaded]) -> bool:
    """Whether ``items`` are a node's whole drbd configuration as drbdadm reads it: its
    /etc/drbd.conf in a node tree, and every plain ``include`` of them opens (a
    drbd.d file linted alone, or one whose include is missing (DR027's), may have the
    rest of its configuration elsewhere)."""
    tree = _tree(items)
    return tree is not None and all(
        opened or _is_glob(entry.value or "") for _, entry, opened in _includes(items, *tree)
    )


@rule("DR027", "include-file-missing", "error", scope="cluster")
def include_file_missing(cluster: Cluster) -> Iterator[Finding]:
    """An ``include`` names a file that the node does not have.

    Why it matters: drbdadm refuses the whole configuration ("drbd.conf:2: Failed
    to open include file 'drbd.d/missing.conf'.", exit 10), so no resource of the
    node can be brought up, adjusted or even dumped. Every release that has
    ``include`` (8.3, 8.4, 9: include_stmt in drbdadm_parser.c) refuses a plain
    path it cannot open. A pattern (``drbd.d/*.res``) that matches nothing is
    accepted from 8.3.8 on (glob's GLOB_NOMATCH is ignored when the name has
    ``*``, ``?`` or ``[``); drbdadm before 8.3.8 refuses that too, so it is
    reported where the node's DRBD is known to be older.

    The file is looked for in the node's own tree (a relative name from the
    including file's folder, an absolute one from the node's ``/``), following
    links as the node would, never out of the tree.

    Example: ``include "drbd.d/global_common.conf";`` after the file was
    renamed to global_common.conf.orig.

    Fix: restore the file, correct the name, or use a pattern
    (``include "drbd.d/*.conf";``) on DRBD 8.3.8 or later.
    """
    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        tree = _tree(items)
        if tree is None:
            continue
        release = cluster.versions.of("drbd", node)
        for item, entry, opened in _includes(items, *tree):
            pattern = entry.value or ""
            glob = _is_glob(pattern)
            if opened != [] or (glob and not release.older_than(DRBD_INCLUDE_NULLGLOB)):
                continue
            if glob:
                what = f" matches no file on {node}: drbdadm before 8.3.8 refuses"
                which = release.describe("DRBD")
            else:
                what = f": no such file on {node}; drbdadm refuses"
                which = "DRBD 8.3, 8.4 and 9"
            yield make(
                "DR027",
                f"include '{pattern}'{what} the configuration (Failed to open include "
                f"file; {which})",
                item.where(entry),
            )
