"""Masking secrets (authkeys keys, CHAP and iLO passwords) in everything we print.

Formats say which of their values are secret (:meth:`Document.secrets`); the
CLI passes every output through :func:`redact`, so a secret cannot leak through
a report format, a rule message or a graph label that forgot to mask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "********"

#: Values this short or this common are not worth masking (and would mangle output).
_TRIVIAL = frozenset({"", "none", "None", "yes", "no", "true", "false", "0", "1"})


def _spellings(secret: str) -> set[str]:
    """The forms a secret takes in our outputs: itself, escaped in XML (the CIB and
    cluster.conf as written), in JSON, and both (a converted CIB inside a JSON report)."""
    import json
    from xml.sax.saxutils import escape

    xmls = {escape(secret, {'"': "&quot;"}), escape(secret, {'"': "&quot;", "'": "&apos;"})}
    return {secret, *xmls} | {json.dumps(v)[1:-1] for v in (secret, *xmls)}


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a secret, however escaped, replaced by :data:`MASK`."""
    values = sorted(
        {v for s in secrets if len(s) >= 3 and s not in _TRIVIAL for v in _spellings(s)},
        key=len,
        reverse=True,
    )
    if not values:
        return text
    pattern = re.compile("|".join(re.escape(v) for v in values))
    return pattern.sub(MASK, text)


def masked(value: str | None, show: bool = False) -> str | None:
    """A secret value for display: itself when asked for, else :data:`MASK`."""
    if value is None or show:
        return value
    return MASK


#: Lines that hold a secret in the formats we read, with the secret as group "s".
#: Used where no parsed document can say what is secret: the source line an error
#: message quotes.
_SECRET_LINES = (
    re.compile(r"(?i)^\s*\d+\s+(?:sha1|md5)\s+(?P<s>\S+)"),  # authkeys
    re.compile(r"(?i)\b(?:incoming|outgoing)user\s+\S+\s+(?P<s>\S+)"),  # ietd.conf
    re.compile(r"(?i)password(?:_in)?\s*=\s*(?P<s>\S.*?)\s*$"),  # iscsid.conf
    re.compile(r"(?i)name=\"[^\"]*pass[^\"]*\"[^>]*?\bvalue=\"(?P<s>[^\"]*)"),  # CIB nvpair
    re.compile(r"(?i)\b(?:passwd|vncpasswd|shared-secret|password)\b[\s=:\"']+(?P<s>[^\s\"';]+)"),
)


def mask_line(line: str) -> str:
    """``line`` with the value of any secret-looking setting replaced by :data:`MASK`."""
    for pattern in _SECRET_LINES:
        m = pattern.search(line)
        if m and m.group("s") and m.group("s") not in _TRIVIAL:
            return line[: m.start("s")] + MASK + line[m.end("s") :]
    return line
