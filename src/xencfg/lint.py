"""``xencfg lint``: discover, parse, run the rules, filter, sort.

The engine turns every parse failure into an XC001 finding at its line, so
one broken file never hides the findings of the others, and applies inline
suppressions (``# xencfg: ignore[CODE]`` or ``<!-- xencfg: ignore[CODE] -->``
on the finding's line).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable

import attrs

from . import rules as registry
from .cluster import Cluster, Loaded
from .discover import Discovery, SourceFile, discover, modes_are_real
from .document import Document
from .errors import ParseError, XencfgError
from .findings import Finding, Location

_IGNORE = re.compile(r"xencfg:\s*ignore(?:\[([A-Za-z0-9_, ]*)\])?")


@attrs.define
class LintResult:
    """What a lint run found: the files read and the findings, sorted."""

    discovery: Discovery
    findings: list[Finding]
    cluster: Cluster

    @property
    def secrets(self) -> set[str]:
        """Every secret value of every document read, for :func:`xencfg.secrets.redact`."""
        return {s for item in self.cluster.loaded for s in item.doc.secrets()}

    @property
    def files(self) -> list[SourceFile]:
        return list(self.discovery.files())

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings of error severity (any finding with ``strict``)."""
        if any(f.severity == "error" for f in self.findings):
            return 1
        if strict and self.findings:
            return 1
        return 0


def run(
    paths: list[str],
    *,
    names: dict[str, str] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    force_format: str | None = None,
) -> LintResult:
    """Lint ``paths`` (node roots, /etc folders, cluster folders or files)."""
    found = discover(paths, names)
    if force_format is not None:
        for f in found.files():
            f.format = force_format
        # ``--as`` names the format: content detection failing is no longer news
        found.skipped = [s for s in found.skipped if s.reason != "format not recognised"]
    chosen = registry.selected(select, ignore)
    chosen_codes = {r.code for r in chosen}
    cluster = Cluster(nodes=[n.name for n in found.nodes])
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for file in found.files():
        item = _load(file, findings, texts)
        if item is not None:
            cluster.loaded.append(item)
    for item in cluster.loaded:
        for r in chosen:
            if r.scope == "document" and ("*" in r.formats or item.file.format in r.formats):
                findings.extend(_checked(r, item, Location(item.file.display)))
    for r in chosen:
        if r.scope == "cluster":
            anywhere = cluster.loaded[0].file.display if cluster.loaded else "."
            findings.extend(_checked(r, cluster, Location(anywhere)))
    split: dict[str, list[str]] = {}
    memo: dict[object, frozenset[str]] = {}
    kept = [
        f for f in findings if f.code in chosen_codes and not _suppressed(f, texts, split, memo)
    ]
    kept = sorted(set(kept), key=Finding.sort_key)
    return LintResult(found, kept, cluster)


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


def _load(file: SourceFile, findings: list[Finding], texts: dict[str, str]) -> Loaded | None:
    from . import api
    from .syntax.source import read_text

    if file.refused is not None:
        message = f"not read: {_strip_path(file.refused, file)}"
        findings.append(Finding("XC002", "error", message, Location(file.display)))
        return None
    if file.format is None:
        return None
    try:
        # discovery resolved any link inside the node's tree; follow none now
        text = read_text(file.path, limit=LINT_MAX_SIZE, follow=file.node is None)
    except XencfgError as exc:
        findings.append(
            Finding("XC002", "error", _strip_path(str(exc), file), Location(file.display))
        )
        return None
    texts[file.display] = text
    try:
        doc = api.loads(text, file.format, path=str(file.path))
    except ParseError as exc:
        findings.append(
            Finding("XC001", "error", exc.message, Location(file.display, exc.line, exc.column))
        )
        if not isinstance(exc.partial, Document):
            return None
        doc = exc.partial  # still worth checking: the daemon reads it this way
        doc.path, doc.source = str(file.path), text
    except XencfgError as exc:
        findings.append(
            Finding("XC002", "error", _strip_path(str(exc), file), Location(file.display))
        )
        return None
    if modes_are_real(file.path):
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


#: What a line's ``xencfg: ignore`` suppresses: every code (``ALL``), some, or nothing.
ALL = frozenset({"*"})


def _suppressed(
    finding: Finding,
    texts: dict[str, str],
    split: dict[str, list[str]],
    memo: dict[object, frozenset[str]],
) -> bool:
    """Whether the finding's line carries ``xencfg: ignore`` (for its code, or all).
    ``split`` caches each file's lines and ``memo`` each line's verdict for the run, so
    many findings on one long line (a one-line CIB) read that line once."""
    if finding.line < 1:
        return False
    key = (finding.path, finding.line)
    codes = memo.get(key)
    if codes is None:
        codes = memo[key] = _ignored(_line(texts, split, finding.path, finding.line))
    return codes is ALL or finding.code in codes


def _ignored(line: str | None) -> frozenset[str]:
    if line is None or "xencfg" not in line:
        return frozenset()
    m = _IGNORE.search(line)
    if m is None:
        return frozenset()
    if m.group(1) is None:
        return ALL
    return frozenset(c.strip().upper() for c in m.group(1).split(","))


def _line(texts: dict[str, str], split: dict[str, list[str]], path: str, n: int) -> str | None:
    lines = split.get(path)
    if lines is None:
        text = texts.get(path)
        if text is None:
            return None
        lines = split[path] = text.splitlines()
    return lines[n - 1] if n <= len(lines) else None
