"""Masking secrets (authkeys keys, CHAP and iLO passwords) in everything we print.

Formats say which of their values are secret (:meth:`Document.secrets`); the
CLI passes every output through :func:`redact`, so a secret cannot leak through
a report format, a rule message or a graph label that forgot to mask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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


def mask_values(data: Any, secrets: Iterable[str]) -> Any:
    """JSON-ready ``data`` with every string equal to a secret replaced by :data:`MASK`."""
    values = {s for s in secrets if s}
    if not values:
        return data

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return MASK if v in values else v
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, tuple):
            return tuple(walk(x) for x in v)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return walk(data)


def masked(value: str | None, show: bool = False) -> str | None:
    """A secret value for display: itself when asked for, else :data:`MASK`."""
    if value is None or show:
        return value
    return MASK


#: Lines that hold a secret in the formats we read, with the secret as group "s".
#: Used where no parsed document can say what is secret: the source line an error
#: message quotes. Each pattern is linear: no two neighbouring quantifiers can share
#: a run of characters (a long blank run or many attributes on one line).
_SECRET_LINES = (
    re.compile(r"(?i)^\s*\d+\s+(?:sha1|md5|crc)\s+(?P<s>\S+)"),  # authkeys
    re.compile(r"(?i)\b(?:incoming|outgoing)user\s+\S+\s+(?P<s>\S+)"),  # ietd.conf
    re.compile(r"(?i)password(?:_in)?[ \t]*=[ \t]*(?P<s>[^\s\"'](?:.*\S)?)"),  # iscsid.conf
    re.compile(
        r"(?i)\b(?:passwd|vncpasswd|shared-secret|password|passwords?|secret)\b[\s=:\"'b]+"
        r"(?P<s>[^\s\"';)]+)"
    ),
)
#: An XML attribute, either quote, spaces around ``=`` allowed.
_ATTR = re.compile(r"""([\w:.-]+)[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""")
#: Names of CIB parameters that hold a secret (``passwd``, ``stonith-password``...).
_SECRET_NAME = re.compile(r"(?i)pass|secret|authkey|community")


def _mask_xml(line: str) -> str | None:
    """A CIB/cluster.conf line with each ``value`` of an element whose ``name`` is
    secret-looking masked (attribute order and quotes as they come); None if none."""
    out: list[str] = []
    last = 0
    pos = 0
    for piece in line.split("<"):
        attrs = list(_ATTR.finditer(piece))
        named = {m.group(1).lower(): m for m in attrs}
        name = named.get("name")
        value = named.get("value")
        secret_name = name is not None and _SECRET_NAME.search(
            name.group(2) if name.group(2) is not None else name.group(3) or ""
        )
        if secret_name and value is not None:
            group = 2 if value.group(2) is not None else 3
            if value.group(group) not in _TRIVIAL:
                out.append(line[last : pos + value.start(group)])
                out.append(MASK)
                last = pos + value.end(group)
        pos += len(piece) + 1
    if not out:
        return None
    out.append(line[last:])
    return "".join(out)


def mask_line(line: str) -> str:
    """``line`` with the value of any secret-looking setting replaced by :data:`MASK`."""
    if "=" in line and ("'" in line or '"' in line):
        xml = _mask_xml(line)
        if xml is not None:
            return xml
    for pattern in _SECRET_LINES:
        m = pattern.search(line)
        if m and m.group("s") and m.group("s") not in _TRIVIAL:
            return line[: m.start("s")] + MASK + line[m.end("s") :]
    return line
