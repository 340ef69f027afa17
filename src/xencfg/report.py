"""Findings as text, JSON, SARIF 2.1.0 or GitHub annotations.

The JSON form is a stable contract (design.md)::

    {"version": 1, "files": [...],
     "findings": [{"code", "severity", "message", "path", "line", "column",
                   "related": [{"path", "line", "column"}]}]}
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import attrs

from . import __version__
from . import rules as registry
from .findings import Finding, Location
from .syntax.source import printable

FORMATS = ("text", "json", "sarif", "github")


def render(findings: Sequence[Finding], files: Sequence[str], fmt: str) -> str:
    """The report of ``findings`` over ``files`` in format ``fmt``.

    Machine formats must be valid UTF-8: a byte that is not (a Latin-1 comment quoted
    in a message, a file name) is written ``\\xNN`` there; the text report keeps it."""
    if fmt != "text":
        findings = [_printable(f) for f in findings]
        files = [printable(f) for f in files]
    if fmt == "json":
        return as_json(findings, files)
    if fmt == "sarif":
        return as_sarif(findings)
    if fmt == "github":
        return as_github(findings)
    return as_text(findings)


def _printable(f: Finding) -> Finding:
    def loc(x: Location) -> Location:
        return attrs.evolve(x, path=printable(x.path))

    return attrs.evolve(
        f,
        message=printable(f.message),
        location=loc(f.location),
        related=tuple(loc(r) for r in f.related),
    )


def as_text(findings: Sequence[Finding]) -> str:
    out = []
    for f in findings:
        line = f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"
        out.append(line)
        for r in f.related:
            out.append(f"    related: {r}")
    return "\n".join(out) + ("\n" if out else "")


def summary(findings: Sequence[Finding], nfiles: int) -> str:
    """The closing line of a text report: ``22 files checked: 1 error, 2 warnings.``"""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    checked = f"{nfiles} file{'s' if nfiles != 1 else ''} checked"
    if not findings:
        return f"{checked}, no problems found."
    parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    return f"{checked}: " + ", ".join(parts) + "."


def as_json(findings: Sequence[Finding], files: Sequence[str]) -> str:
    return (
        json.dumps(
            {"version": 1, "files": list(files), "findings": [f.to_dict() for f in findings]},
            indent=2,
        )
        + "\n"
    )


def _github_escape(s: str) -> str:
    """A workflow command's message (``%``, CR and LF escaped, as the runner reads them)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(s: str) -> str:
    """A workflow command's property value (a file name): ``:`` and ``,`` too, or a
    file named ``x,line=1::...`` or holding a newline would inject its own command
    (actions/toolkit ``escapeProperty``)."""
    return _github_escape(s).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding]) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}
    out = [
        f"::{level[f.severity]} file={_github_property(f.path)},line={f.line},col={f.column},"
        f"title={_github_property(f.code)}::"
        f"{_github_escape(f.message)}"
        for f in findings
    ]
    return "\n".join(out) + ("\n" if out else "")


def _sarif_location(path: str, line: int, column: int) -> dict[str, object]:
    region: dict[str, int] = {}
    if line > 0:
        region["startLine"] = line
        if column > 0:
            region["startColumn"] = column
    loc: dict[str, object] = {"artifactLocation": {"uri": path.replace("\\", "/")}}
    if region:
        loc["region"] = region
    return {"physicalLocation": loc}


def as_sarif(findings: Sequence[Finding]) -> str:
    rules = registry.all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    level = {"error": "error", "warning": "warning", "info": "note"}
    results = []
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
                {"id": i, **_sarif_location(r.path, r.line, r.column)}
                for i, r in enumerate(f.related)
            ]
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
                        "rules": [
                            {
                                "id": r.code,
                                "name": r.name,
                                "shortDescription": {"text": r.summary},
                                "fullDescription": {"text": r.doc},
                                "help": {"text": r.doc, "markdown": r.doc},
                                "defaultConfiguration": {"level": level[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
