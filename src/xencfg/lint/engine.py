"""The lint engine: discover, parse, run the rules, filter, sort.

It turns every parse failure into an XC001 finding at its line, so one broken
file never hides the findings of the others, and applies the inline
suppressions (:mod:`xencfg.lint.suppress`), the settings' per-file-ignores and
severity overrides. Findings of identical CIB copies (one per node) are
reported once, on the first copy.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .. import rules as registry
from ..cluster import Cluster, Loaded, parse_roles
from ..discover import Discovery, SourceFile, discover, modes_are_real
from ..distro import shipped
from ..document import Document
from ..drbd_module import evidence as module_evidence
from ..errors import ParseError, XencfgError
from ..findings import Finding, Location
from ..formats._templates import template_marker, template_message
from ..formats.schema import Version
from ..installed import evidence
from ..versions import Versions, infer
from .suppress import FileSuppressions

if TYPE_CHECKING:
    from ..config import Settings


@attrs.define
class LintResult:
    """What a lint run found: the files read and the findings, sorted.

    A path that does not exist is not an error of :func:`run` (the others are still
    linted): it is in ``discovery.missing``, and :meth:`exit_code` is 2 for it, as the
    command line's exit status is."""

    discovery: Discovery
    findings: list[Finding]
    cluster: Cluster
    #: The text of every file read, by report path (for suppressions and fingerprints).
    texts: dict[str, str] = attrs.Factory(dict)
    #: The file line each text starts at, by report path, where it is not 1 (a
    #: supportconfig section): findings give the file's lines, ``texts`` the section.
    first_lines: dict[str, int] = attrs.Factory(dict)

    @property
    def secrets(self) -> set[str]:
        """Every secret value of every document read, for :func:`xencfg.secrets.redact`."""
        return {s for item in self.cluster.loaded for s in item.doc.secrets()}

    @property
    def files(self) -> list[SourceFile]:
        return list(self.discovery.files())

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings of error severity (any finding with ``strict``), 2 a
        path that does not exist (``discovery.missing``): nothing there was checked."""
        if self.discovery.missing:
            return 2
        if any(f.severity == "error" for f in self.findings):
            return 1
        if strict and self.findings:
            return 1
        return 0


def run(
    paths: list[str] | Sequence[os.PathLike[str]],
    *,
    names: dict[str, str] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    force_format: str | None = None,
    settings: Settings | None = None,
    roles: dict[str, tuple[str, ...]] | None = None,
    versions: Mapping[str, Version] | None = None,
) -> LintResult:
    """Lint ``paths`` (node roots, /etc folders, cluster folders or files; ``str`` or
    :class:`~pathlib.Path`). One path alone, not in a list, is a ``TypeError``: its
    letters would be linted as paths.

    ``settings`` adds the per-file-ignores, severity overrides, node roles and
    releases of a settings file (:mod:`xencfg.config`); ``select``/``ignore`` are the
    final choice of rules; ``roles`` states node roles the files do not show (see
    :data:`xencfg.cluster.ROLES`) and ``versions`` component releases (``{"drbd":
    Version(...)}``, see :mod:`xencfg.versions`), each over the settings'; the
    releases nobody states are inferred from the files.

    A code in ``select`` or ``ignore`` that no rule has raises
    :class:`~xencfg.errors.XencfgError`: a misspelt ``select`` would check nothing and
    report a clean cluster.
    """
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError(f"run() takes a list of paths, not one path: [{os.fspath(paths)!r}]")
    if not isinstance(paths, Iterable):
        raise TypeError(f"run() takes a list of paths, not {type(paths).__name__}")
    select, ignore = check_codes_given(select, ignore)
    found = discover([os.fspath(p) for p in paths], names)
    if force_format is not None:
        for f in found.files():
            f.format = force_format
        # ``--as`` names the format: content detection failing is no longer news
        found.skipped = [s for s in found.skipped if s.reason != "format not recognised"]
    return run_discovered(
        found, select=select, ignore=ignore, settings=settings, roles=roles, versions=versions
    )


def check_codes_given(select: Iterable[str], ignore: Iterable[str]) -> tuple[list[str], list[str]]:
    """``select`` and ``ignore`` as lists (a generator is read once), or
    :class:`~xencfg.errors.XencfgError` for a code no rule has."""
    from ..config import check_codes

    for option, given in (("select", select), ("ignore", ignore)):
        if isinstance(given, str):  # its letters would be read as codes
            raise TypeError(f"{option} is a list of codes, not one code: [{given!r}]")
    chosen, left_out = list(select), list(ignore)
    for option, codes in (("select", chosen), ("ignore", left_out)):
        try:
            check_codes(codes)
        except ValueError as exc:
            raise XencfgError(f"{option}: {exc}") from None
    return chosen, left_out


def run_discovered(
    found: Discovery,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    settings: Settings | None = None,
    texts: dict[str, str] | None = None,
    roles: dict[str, tuple[str, ...]] | None = None,
    versions: Mapping[str, Version] | None = None,
) -> LintResult:
    """Lint what :func:`~xencfg.discover.discover` found (see :func:`run` for the
    arguments). ``texts`` gives the text of files that are not on disk (standard
    input), by display path."""
    chosen = registry.selected(select, ignore)
    chosen_codes = {r.code for r in chosen}
    declared = dict(settings.nodes) if settings is not None else {}
    if roles is not None and not isinstance(roles, dict):
        raise TypeError(f"roles is {{node: (role, ...)}}, not {type(roles).__name__}")
    declared.update(parse_roles(roles, "roles") if roles else {})
    cluster = Cluster(nodes=[n.name for n in found.nodes], roles=declared)
    findings: list[Finding] = []
    texts = {**found.texts, **(texts or {})}
    formats: dict[str, str | None] = {}
    checkouts: dict[str, bool] = {}  # this run's "does the checkout keep modes", by folder
    older: list[Older] = []
    for file in found.files():
        formats[file.display] = file.format
        item = _load(file, findings, texts, checkouts, older)
        if item is not None:
            cluster.loaded.append(item)
    releases = dict(settings.versions) if settings is not None else {}
    releases.update(versions or {})
    # (the DRBD module a node loads, where its packages name none: drbd_module.py)
    packaged = (*evidence(found.nodes), *module_evidence(found.nodes, cluster.loaded))
    distro = tuple(shipped(found.nodes))
    inferred = infer(cluster.loaded, packaged, distro)
    cluster.versions = Versions(releases, *inferred, packaged, distro)
    findings = _older_reads(findings, older, cluster.versions)
    for item in cluster.loaded:
        item.versions = cluster.versions
    for item in cluster.loaded:
        for r in chosen:
            if r.scope == "document" and ("*" in r.formats or item.file.format in r.formats):
                findings.extend(_checked(r, item, Location(item.file.display)))
    for r in chosen:
        if r.scope == "cluster":
            anywhere = cluster.loaded[0].file.display if cluster.loaded else "."
            findings.extend(_checked(r, cluster, Location(anywhere)))
    inline: dict[str, FileSuppressions] = {}

    def suppressed(f: Finding) -> bool:
        sup = inline.get(f.path)
        if sup is None:
            if f.path not in texts:
                return False
            sup = inline[f.path] = FileSuppressions(texts[f.path], formats.get(f.path))
        return sup.covers(f.code, f.line)

    kept = [_hinted(f, inline) for f in findings if f.code in chosen_codes and not suppressed(f)]
    if settings is not None:
        kept = [f for f in kept if not _per_file_ignored(f, settings)]
        if settings.severity:
            kept = [_with_severity(f, settings.severity) for f in kept]
    kept = _once_per_identical_cib(kept, cluster, texts)
    first_lines = {f.display: f.first_line for f in found.files() if f.first_line != 1}
    kept = _in_file_lines(kept, first_lines)
    kept = sorted(set(kept), key=Finding.sort_key)
    return LintResult(found, kept, cluster, texts, first_lines)


def _in_file_lines(findings: list[Finding], first_lines: dict[str, int]) -> list[Finding]:
    """The findings with the lines of a text that starts further down its file (a
    supportconfig section, read alone) given as the file's lines."""
    if not first_lines:
        return findings

    def moved(at: Location) -> Location:
        shift = first_lines.get(at.path, 1) - 1
        return attrs.evolve(at, line=at.line + shift) if shift and at.line > 0 else at

    return [
        attrs.evolve(f, location=moved(f.location), related=tuple(moved(r) for r in f.related))
        for f in findings
    ]


def _hinted(f: Finding, inline: dict[str, FileSuppressions]) -> Finding:
    """The finding, told why the trailing suppression on its line was not read."""
    sup = inline.get(f.path)
    why = sup.unread(f.code, f.line) if sup is not None else None
    return f if why is None else attrs.evolve(f, message=f"{f.message} ({why})")


def _per_file_ignored(f: Finding, settings: Settings) -> bool:
    """``per-file-ignores``: globs relative to the settings file's folder (``*``
    crosses ``/``, as in ruff); a glob without ``/`` also matches the file name."""
    if not settings.per_file_ignores:
        return False
    full = os.path.abspath(f.path)
    try:
        rel = Path(os.path.relpath(full, settings.base.resolve())).as_posix()
    except ValueError:
        rel = Path(full).as_posix()
    name = Path(full).name
    for glob, codes in settings.per_file_ignores.items():
        hit = fnmatchcase(rel, glob) or ("/" not in glob and fnmatchcase(name, glob))
        if hit and any(f.code.startswith(c) for c in codes):
            return True
    return False


def _with_severity(f: Finding, overrides: dict[str, str]) -> Finding:
    """The finding with the severity the settings give its code (longest prefix wins)."""
    best = max((c for c in overrides if f.code.startswith(c)), key=len, default=None)
    return f if best is None else attrs.evolve(f, severity=overrides[best])


_CIB_ROOT = re.compile(r"<cib\b[^>]*>")
_CIB_STATUS = re.compile(r"<status\b(?:[^>]*/>|.*?</status>)", re.S)


def _once_per_identical_cib(
    findings: list[Finding], cluster: Cluster, texts: dict[str, str]
) -> list[Finding]:
    """Each node keeps its copy of the CIB; when the copies are the same (but for the
    bookkeeping each node keeps itself: the root's epoch/num_updates/quorum attributes
    and the ``<status>`` section), a finding found at the same place with the same
    message in each copy is reported once, on the first copy, with the other copies
    as related places."""
    cibs = list(cluster.docs("cib"))
    if len(cibs) < 2:  # (and no copy of a lone CIB's text without its status: 1x more)
        return findings
    first_of: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for item in cibs:
        text = texts.get(item.file.display)
        if text is None:
            continue
        same = _CIB_STATUS.sub("", _CIB_ROOT.sub("<cib>", text, count=1), count=1)
        first = by_text.setdefault(same, item.file.display)
        if first != item.file.display:
            first_of[item.file.display] = first
    if not first_of:
        return findings
    on_first = {(f.code, f.line, f.column, f.message, f.path) for f in findings}
    copies: dict[str, list[str]] = {}
    for copy, first in first_of.items():
        copies.setdefault(first, []).append(copy)
    out = []
    for f in findings:
        original = first_of.get(f.path)
        if original is not None and (f.code, f.line, f.column, f.message, original) in on_first:
            continue
        if f.path in copies:
            extra = tuple(Location(c, f.line, f.column) for c in copies[f.path])
            f = attrs.evolve(f, related=f.related + tuple(x for x in extra if x not in f.related))
        out.append(f)
    return out


def _checked(r: registry.Rule, subject: object, where: Location) -> list[Finding]:
    """Run one rule; a rule that crashes is a finding, not a traceback, unless
    ``XENCFG_DEBUG`` is set (the test suite sets it, so a crash fails the test)."""
    try:
        return list(r.check(subject))
    except Exception as exc:
        if os.environ.get("XENCFG_DEBUG"):
            raise
        message = (
            f"rule {r.code} failed on this input ({type(exc).__name__}: {exc}); please report it"
        )
        return [Finding("XC006", "error", message, where)]


#: Larger files are reported (XC002) and not parsed: no cluster configuration file is
#: this big, and a hook must not spend minutes on a log file named like one.
LINT_MAX_SIZE = 4 * 1024 * 1024


#: A syntax error only later releases refuse: the finding, the component, the first
#: release that refuses it, the node (ParseError.older_reads).
Older = tuple[Finding, str, Version, str | None]


def _older_reads(findings: list[Finding], older: list[Older], versions: Versions) -> list[Finding]:
    """The findings, those of ``older`` a warning where the release in force is older than
    the first one that refuses the file (the older ones read it as meant)."""
    lower = {id(f) for f, comp, v, node in older if versions.of(comp, node).older_than(v)}
    return [attrs.evolve(f, severity="warning") if id(f) in lower else f for f in findings]


def _load(
    file: SourceFile,
    findings: list[Finding],
    texts: dict[str, str],
    checkouts: dict[str, bool] | None = None,
    older: list[Older] | None = None,
) -> Loaded | None:
    from .. import api
    from ..syntax.source import read_text

    if file.refused is not None:
        message = f"not read: {_strip_path(file.refused, file)}"
        findings.append(Finding("XC002", "error", message, Location(file.display)))
        return None
    if file.format is None:
        return None
    given = texts.get(file.display)
    try:
        # discovery resolved any link inside the node's tree; follow none now
        text = (
            given
            if given is not None
            else read_text(file.path, limit=LINT_MAX_SIZE, follow=file.node is None)
        )
    except XencfgError as exc:
        findings.append(
            Finding("XC002", "error", _strip_path(str(exc), file), Location(file.display))
        )
        return None
    texts[file.display] = text
    marker = template_marker(text, file.format)
    if marker is not None:  # an Ansible/Chef/Puppet template: no finding but this one
        # In a node's tree it is what the daemon reads, unrendered (an error); a loose
        # file (a role's or a module's templates folder) is a template as meant.
        line, column, found = marker
        where = Location(file.display, line, column)
        severity = "error" if file.tree is not None else "warning"
        findings.append(Finding("XC001", severity, template_message(found), where))
        return None
    try:
        doc = api.loads(text, file.format, path=str(file.path))
    except ParseError as exc:
        at = Location(file.display, exc.line, exc.column)
        findings.append(Finding("XC001", exc.severity, exc.message, at))
        if exc.older_reads is not None and older is not None:
            older.append((findings[-1], *exc.older_reads, file.node))
        if not isinstance(exc.partial, Document):
            return None
        doc = exc.partial  # still worth checking: the daemon reads it this way
        doc.path, doc.source = str(file.path), text
    except XencfgError as exc:
        findings.append(
            Finding("XC002", "error", _strip_path(str(exc), file), Location(file.display))
        )
        return None
    if given is not None:
        doc.mode = None  # standard input: no file, no mode
    elif modes_are_real(file.path, checkouts):
        with contextlib.suppress(OSError):
            doc.mode = os.stat(file.path).st_mode & 0o7777
    else:
        doc.mode = None  # a checkout or a read-only copy: its modes say nothing
    return Loaded(file, doc)


def _strip_path(message: str, file: SourceFile) -> str:
    for p in (str(file.path), file.display):
        if message.startswith(p + ": "):
            return message[len(p) + 2 :]
    return message
