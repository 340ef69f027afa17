"""Lint configuration held in memory: a tool that generates a drbd.conf, or a whole
cluster tree, checks it before it writes anything to the nodes.

:func:`lint_tree` and :func:`lint_text` put the texts in a private temporary folder
and lint it as ``xencfg lint`` lints a cluster folder or a single file: the same
discovery (node names from ``etc/hostname``, domU configs and CIB fragments told by
content, includes resolved inside the tree), the same engine (:func:`.engine.
run_discovered`), the same rules. Nothing else is read: an include that points outside
the texts given finds nothing. The findings name the files as given
(``alpha/etc/drbd.conf``), never the temporary folder, which is gone when the call
returns; file modes are not checked (texts have none), as for standard input.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import attrs

from ..discover import Discovery, Skipped, discover
from ..errors import UnknownFormatError
from ..findings import Finding, Location
from .engine import LintResult, check_codes_given, run_discovered

if TYPE_CHECKING:
    from ..config import Settings
    from ..formats.schema import Version

#: Node names that would make the temporary folder itself look like a node's ``/``.
_NOT_NODES = frozenset({"", ".", "..", "etc", "var", "proc", "sys", "dev"})


def lint_tree(
    nodes: Mapping[str, Mapping[str, str]],
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    settings: Settings | None = None,
    roles: dict[str, tuple[str, ...]] | None = None,
    versions: Mapping[str, Version] | None = None,
) -> LintResult:
    """Lint a cluster held in memory: ``{node: {path: text}}``, each ``path`` as on the
    node (``etc/drbd.conf``, ``var/lib/heartbeat/crm/cib.xml``; a leading ``/`` is
    dropped). A node that holds only its /etc may give paths relative to it
    (``drbd.conf``), as an etckeeper checkout does.

    The result is :func:`xencfg.lint.run`'s for the same files written to a cluster
    folder, with each finding's ``path`` ``"<node>/<path>"`` and its line in the text
    given. A path that leaves its node (``..``), or a node name that is no folder name,
    raises ``ValueError``; anything but such mappings (a path on disk: that is
    :func:`~xencfg.lint.run`'s) ``TypeError``; an unknown ``select``/``ignore`` code
    :class:`~xencfg.errors.XencfgError`, as :func:`~xencfg.lint.run` does."""
    if not isinstance(nodes, Mapping):
        # (a path is the likely mistake: the folder on disk is xencfg.lint.run's)
        raise TypeError(
            f"lint_tree() takes {{node: {{path: text}}}}, not {type(nodes).__name__}; "
            "to lint folders or files on disk, call xencfg.lint.run([path])"
        )
    select, ignore = check_codes_given(select, ignore)
    files: dict[str, str] = {}
    for node, tree in nodes.items():
        if not isinstance(node, str) or node in _NOT_NODES or "/" in node or "\0" in node:
            raise ValueError(f"{node!r} is not a node name (a folder name other than {node!r})")
        if not isinstance(tree, Mapping):
            raise TypeError(f"{node}: a node's files are {{path: text}}, not {type(tree).__name__}")
        for path, text in tree.items():
            files[f"{node}/{_relative(path)}"] = _text(text, f"{node}/{path}")
    with tempfile.TemporaryDirectory(prefix="xencfg-lint-") as tmp:
        top = Path(tmp)
        _write(top, files)
        found = discover([str(top / node) for node in nodes])
        return _linted(top, found, files, select, ignore, settings, roles, versions)


def lint_text(
    text: str,
    format: str | None = None,
    *,
    path: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    settings: Settings | None = None,
    versions: Mapping[str, Version] | None = None,
) -> LintResult:
    """Lint one file's ``text`` alone, as ``xencfg lint FILE`` lints a file given by
    itself: in ``format`` (a name of :data:`xencfg.FORMATS`), or the one its ``path``
    and content say. ``path`` names the file in the findings (``"-"`` without one);
    one below a folder named ``etc`` (``alpha/etc/drbd.conf``) is that node's, as on
    disk. What the text includes is not read: give a whole tree to :func:`lint_tree`.

    A format that neither ``format``, ``path`` nor the content tells raises
    :class:`~xencfg.errors.UnknownFormatError`."""
    from .. import formats

    select, ignore = check_codes_given(select, ignore)
    if format is not None and format not in formats.FORMATS:
        raise UnknownFormatError(f"unknown format {format!r}")
    name = _relative(path) if path is not None else "-"
    files = {name: _text(text, name)}
    with tempfile.TemporaryDirectory(prefix="xencfg-lint-") as tmp:
        top = Path(tmp)
        _write(top, files)
        found = discover([str(top / name)])
        for f in found.files():
            f.format = format or f.format
            if f.format is None:
                raise UnknownFormatError(
                    f"{name}: format not recognised (name it with format= or path=)", path=name
                )
        found.skipped = [s for s in found.skipped if s.reason != "format not recognised"]
        return _linted(top, found, files, select, ignore, settings, None, versions)


def _relative(path: str) -> str:
    """``path`` as a relative POSIX path, or ``ValueError`` for one that leaves its tree."""
    if not isinstance(path, str) or "\0" in path:
        raise ValueError(f"{path!r} is not a file path")
    parts = PurePosixPath(path.lstrip("/")).parts
    if not parts or any(p in ("..", ".") for p in parts):
        raise ValueError(f"{path!r}: a file path inside the node (no '..') is needed")
    return "/".join(parts)


def _text(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{where}: the text is a str, not {type(text).__name__}")
    return text


def _write(top: Path, files: dict[str, str]) -> None:
    """Write each text below ``top``; a path that is also another's folder is refused."""
    for rel, text in files.items():
        target = top / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(text)
        except (IsADirectoryError, NotADirectoryError, FileExistsError):
            raise ValueError(f"{rel}: both a file and a folder in the texts given") from None
        except OSError as exc:  # a name too long for the file system
            raise ValueError(f"{rel}: not a file name ({exc.strerror})") from None


def _linted(
    top: Path,
    found: Discovery,
    files: dict[str, str],
    select: list[str],
    ignore: list[str],
    settings: Settings | None,
    roles: dict[str, tuple[str, ...]] | None,
    versions: Mapping[str, Version] | None,
) -> LintResult:
    """Run the engine over ``found``, the files named as given, then take the temporary
    folder out of every place that names it."""
    real = top.resolve()
    prefixes = sorted({str(top) + os.sep, str(real) + os.sep}, key=len, reverse=True)
    from ..discover import display_path

    prefixes += [display_path(top) + os.sep, display_path(real) + os.sep]

    def given(text: str) -> str:
        for p in prefixes:
            text = text.replace(p, "")
        return text

    texts: dict[str, str] = {}
    for f in found.files():
        if f.display in found.texts:  # a section of a captured file: named by its display
            rel = given(f.display)
            found.texts[rel] = found.texts.pop(f.display)
        else:
            try:
                rel = Path(os.path.abspath(f.path)).resolve().relative_to(real).as_posix()
            except ValueError:
                rel = given(f.display)
            if rel in files:
                texts[rel] = files[rel]
        f.display = rel
    found.skipped = [Skipped(given(s.path), given(s.reason)) for s in found.skipped]
    result = run_discovered(
        found,
        select=select,
        ignore=ignore,
        settings=settings,
        texts=texts,
        roles=roles,
        versions=versions,
    )
    result.findings = [_untemped(f, given) for f in result.findings]
    for item in result.cluster.loaded:
        item.file.path = Path(item.file.display)
        item.doc.path = None  # the file it was read from is gone: dump() needs a path
    for f in found.files():
        f.path = Path(f.display)
    return result


def _untemped(f: Finding, given: Callable[[str], str]) -> Finding:
    def at(loc: Location) -> Location:
        return attrs.evolve(loc, path=given(loc.path))

    return attrs.evolve(
        f,
        location=at(f.location),
        related=tuple(at(r) for r in f.related),
        message=given(f.message),
    )
