"""Findings as text, JSON, SARIF 2.1.0, GitHub annotations, JUnit XML or Code Climate.

The JSON form is a stable contract (design.md); keys are only ever added::

    {"version": 1, "files": [...],
     "counts": {"error": n, "warning": n, "info": n},
     "skipped": [{"path", "reason"}],
     "findings": [{"code", "severity", "message", "path", "line", "column", "node",
                   "related": [{"path", "line", "column"}]}],
     "live": {NODE: {"drbd": {RES: {"role", "connection", "disk", "peer_disk"}},
                     "multipath": {ALIAS: {"wwid", "paths", "working"}},
                     "domains": {NAME: {"id", "state", "memory", "vcpus", "running"}},
                     "iscsi": {TARGET: {"portal", "logged_in", "state"}},
                     "iscsi_records": {"TARGET PORTAL": {"target", "portal", "startup"}},
                     "targets": {TARGET: {"tid", "luns": {LUN: PATH}, "initiators"}}}}}

``live`` is there only when some node's live state was captured.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from .. import __version__
from .. import rules as registry
from .._lazy import lazy_re
from ..findings import SEVERITIES, Finding, Location
from ..syntax.source import printable, shown

FORMATS = ("text", "json", "sarif", "github", "junit", "codeclimate")


@attrs.define
class Context:
    """What a report may say beyond the findings: the node of each file, the files
    skipped and why, each finding's stable fingerprint (:mod:`xencfg.lint.baseline`)."""

    nodes: Mapping[str, str | None] = attrs.Factory(dict)
    skipped: Sequence[tuple[str, str]] = ()
    fingerprints: Sequence[str] = ()
    color: bool = False
    #: live state per node where it was captured (:func:`xencfg.live.summary`).
    live: Mapping[str, object] = attrs.Factory(dict)


def render(
    findings: Sequence[Finding], files: Sequence[str], fmt: str, context: Context | None = None
) -> str:
    """The report of ``findings`` over ``files`` in format ``fmt``."""
    ctx = context or Context()
    # machine formats must be valid UTF-8: a byte that is not (a Latin-1 comment quoted
    # in a message, a file name) is written \\xNN there; the text report keeps it
    if fmt != "text":
        findings = [_printable(f) for f in findings]
        files = [printable(f) for f in files]
    if fmt == "json":
        return as_json(findings, files, ctx)
    if fmt == "sarif":
        return as_sarif(findings, ctx)
    if fmt == "github":
        return as_github(findings)
    if fmt == "junit":
        return as_junit(findings, files)
    if fmt == "codeclimate":
        return as_codeclimate(findings, ctx)
    return as_text(findings, color=ctx.color)


def _printable(f: Finding) -> Finding:
    def loc(x: Location) -> Location:
        return attrs.evolve(x, path=printable(x.path))

    return attrs.evolve(
        f,
        message=printable(f.message),
        location=loc(f.location),
        related=tuple(loc(r) for r in f.related),
    )


_COLOURS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if on else text


def as_text(findings: Sequence[Finding], *, color: bool = False) -> str:
    """``path:line:col: CODE message [severity]``, one line each (the ``path:line:col:``
    prefix that editors and CI jump to), with the related places below. Terminal
    controls from the files are shown escaped (:func:`shown`); other bytes stay."""
    out = []
    for f in findings:
        where = _paint(f"{shown(f.path)}:{f.line}:{f.column}:", "1", color)
        code = _paint(f.code, "1;" + _COLOURS.get(f.severity, "0"), color)
        sev = _paint(f"[{f.severity}]", _COLOURS.get(f.severity, "0"), color)
        out.append(f"{where} {code} {shown(f.message)} {sev}")
        for r in f.related:
            out.append(f"    related: {shown(str(r))}")
    return "\n".join(out) + ("\n" if out else "")


def statistics(findings: Sequence[Finding]) -> str:
    """``--statistics``: how many findings of each rule, most frequent first."""
    counts = Counter(f.code for f in findings)
    severity = {f.code: f.severity for f in findings}
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        r = registry.get(code)
        lines.append(f"{n:5}  {code:6} {severity[code]:8} {r.summary if r else ''}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """The number of findings of each severity."""
    return {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}


def summary(findings: Sequence[Finding], nfiles: int) -> str:
    """The closing line of a text report: ``22 files checked: 1 error, 2 warnings.``"""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    checked = f"{nfiles} file{'s' if nfiles != 1 else ''} checked"
    if not findings:
        return f"{checked}, no problems found."
    parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    return f"{checked}: " + ", ".join(parts) + "."


def as_json(findings: Sequence[Finding], files: Sequence[str], ctx: Context | None = None) -> str:
    import json  # (here, as in each JSON report: the text report, the usual one, needs none)

    ctx = ctx or Context()
    data = {
        "version": 1,
        # sorted, as the findings are: the same trees give the same bytes whatever
        # order the paths were given in (a report kept in git diffs cleanly)
        "files": sorted(files),
        "counts": counts(findings),
        "skipped": [{"path": p, "reason": r} for p, r in sorted(ctx.skipped)],
        "findings": [{**f.to_dict(), "node": ctx.nodes.get(f.path)} for f in findings],
    }
    if ctx.live:
        data["live"] = dict(ctx.live)
    return json.dumps(data, indent=2) + "\n"


def as_junit(findings: Sequence[Finding], files: Sequence[str]) -> str:
    """JUnit XML (Jenkins, GitLab's ``junit`` report, Azure): one test case per file
    checked, failing with one ``<failure>`` per finding of that file."""
    from xml.sax.saxutils import quoteattr

    by_file: dict[str, list[Finding]] = {p: [] for p in sorted(files)}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    cases = []
    for path, found in by_file.items():
        body = "".join(
            f"\n      <failure type={quoteattr(_xml_safe(f.code))}"
            f" message={quoteattr(_xml_safe(f.message))}>"
            f"{_xml_text(f'{f.path}:{f.line}:{f.column}: {f.code} {f.message} [{f.severity}]')}"
            "</failure>"
            for f in found
        )
        end = "\n    </testcase>" if body else "/>"
        open_tag = f'    <testcase classname="xencfg" name={quoteattr(_xml_safe(path))}'
        cases.append(open_tag + (">" + body + end if body else end))
    failing = sum(1 for fs in by_file.values() if fs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="xencfg" tests="{len(by_file)}" failures="{failing}">\n'
        f'  <testsuite name="xencfg lint" tests="{len(by_file)}" failures="{failing}"'
        f' errors="0">\n' + "".join(c + "\n" for c in cases) + "  </testsuite>\n</testsuites>\n"
    )


#: What XML 1.0 refuses in text and attribute values (a NUL or other control byte
#: quoted from a file in a message made the whole report unreadable to the CI).
_NOT_XML = lazy_re("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(s: str) -> str:
    """``s`` with each character XML cannot hold written ``\\xNN`` (as :func:`printable`
    writes an undecodable byte)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group(0)):02X}", s)


def _xml_text(s: str) -> str:
    from xml.sax.saxutils import escape

    return escape(_xml_safe(s))


def as_codeclimate(findings: Sequence[Finding], ctx: Context | None = None) -> str:
    """Code Climate JSON, which GitLab reads as a ``codequality`` report."""
    import json

    ctx = ctx or Context()
    severity = {"error": "major", "warning": "minor", "info": "info"}
    prints = list(ctx.fingerprints) or [
        f"{f.code}:{f.path}:{f.line}:{f.column}:{i}" for i, f in enumerate(findings)
    ]
    issues = [
        {
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "categories": ["Bug Risk"],
            "severity": severity.get(f.severity, "info"),
            "fingerprint": fp,
            "location": {"path": f.path, "lines": {"begin": max(f.line, 1)}},
        }
        for f, fp in zip(findings, prints, strict=True)
    ]
    return json.dumps(issues, indent=2) + "\n"


def _github_escape(s: str) -> str:
    """A workflow command's message (``%``, CR and LF escaped, as the runner reads them)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(s: str) -> str:
    """A workflow command's property value (a file name): ``:`` and ``,`` too, or a
    file named ``x,line=1::...`` or holding a newline would inject its own command
    (actions/toolkit ``escapeProperty``)."""
    return _github_escape(s).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding]) -> str:
    """GitHub workflow commands, one per finding. A finding about the whole file (line
    0: unreadable, too large) is annotated on the file: the runner's ``line`` and ``col``
    count from 1, as SARIF's region does (which leaves it out too)."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for f in findings:
        where = f"file={_github_property(f.path)}"
        if f.line > 0:
            where += f",line={f.line}" + (f",col={f.column}" if f.column > 0 else "")
        out.append(
            f"::{level[f.severity]} {where},title={_github_property(f.code)}::"
            f"{_github_escape(f.message)}"
        )
    return "\n".join(out) + ("\n" if out else "")


def _sarif_uri(path: str) -> str:
    """A finding's path as the URI reference SARIF's ``artifactLocation.uri`` is: the
    file a captured section (``supportconfig/drbd.txt#bin_cat_proc_drbd``) was cut from,
    whose line numbers it keeps, and percent-encoded (a space or ``#`` in a file name is
    not the URI's own)."""
    from urllib.parse import quote

    file, hash_, _ = path.partition("#")
    if hash_ and not os.path.lexists(path) and os.path.isfile(file):
        path = file
    return quote(path.replace("\\", "/"), safe="/")


def _sarif_location(path: str, line: int, column: int) -> dict[str, object]:
    region: dict[str, int] = {}
    if line > 0:
        region["startLine"] = line
        if column > 0:
            region["startColumn"] = column
    loc: dict[str, object] = {"artifactLocation": {"uri": _sarif_uri(path)}}
    if region:
        loc["region"] = region
    return {"physicalLocation": loc}


def docs_url() -> str | None:
    """Where the rule pages are published (``{code}`` is the rule's code): the
    ``XENCFG_DOCS_URL`` environment variable, else the package's ``Documentation``
    project URL + ``rules/{code}/``; ``None`` when neither exists."""
    env = os.environ.get("XENCFG_DOCS_URL")
    if env:
        return env
    try:
        from importlib.metadata import metadata

        for entry in metadata("xencfg").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation":
                return url.strip().rstrip("/") + "/rules/{code}/"
    except Exception:  # not installed as a distribution
        return None
    return None


def as_sarif(findings: Sequence[Finding], ctx: Context | None = None) -> str:
    import json

    from ..rules.catalogue import rule_page

    ctx = ctx or Context()
    url = docs_url()
    rules = registry.all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    level = {"error": "error", "warning": "warning", "info": "note"}
    results: list[dict[str, object]] = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [_sarif_location(f.path, f.line, f.column)],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    **_sarif_location(r.path, r.line, r.column),
                    "message": {"text": f"also involved in {f.code}: {f.message}"},
                }
                for i, r in enumerate(f.related)
            ]
        if ctx.fingerprints:
            result["partialFingerprints"] = {"xencfg/v1": ctx.fingerprints[len(results)]}
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "xencfg",
                        "version": __version__,
                        "rules": [_sarif_rule(r, level, url, rule_page(r)) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _sarif_rule(
    r: registry.Rule, level: Mapping[str, str], url: str | None, markdown: str
) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "help": {"text": r.doc, "markdown": markdown},
        "defaultConfiguration": {"level": level[r.severity]},
    }
    if url is not None:
        rule["helpUri"] = url.replace("{code}", r.code)
    return rule
