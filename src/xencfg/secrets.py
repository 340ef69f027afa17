"""Masking secrets (authkeys keys, CHAP and iLO passwords) in everything we print.

Formats say which of their values are secret (:meth:`Document.secrets`); the
CLI passes every output through :func:`redact`, so a secret cannot leak through
a report format, a rule message or a graph label that forgot to mask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ._lazy import lazy_re

MASK = "********"


def is_masked(value: str) -> bool:
    """Whether a secret's value was masked by whoever collected the file: asterisks
    only, as sos's iscsi plugin writes CHAP passwords in iscsid.conf and the node
    records (``\\1********``, sos/report/plugins/iscsi.py ``do_path_regex_sub``).
    Such a value is not known, so it cannot be compared with another."""
    return bool(value) and set(value) == {"*"}


#: Values this short or this common are not worth masking (and would mangle output).
_TRIVIAL = frozenset({"", "none", "None", "yes", "no", "true", "false", "0", "1"})
#: Placeholder passwords that are words of our own output ("'ilo_password' holds a
#: placeholder or guessable password"): masked where they stand as a value (quoted,
#: after ``=``), never inside other text, which they garbled ("'ilo_********' holds a
#: placeholder or guessable ********").
_WORDS = frozenset({"password", "passwd", "secret"})


def _spellings(secret: str) -> set[str]:
    """The forms a secret takes in our outputs: itself, escaped in XML (the CIB and
    cluster.conf as written), in JSON, and both (a converted CIB inside a JSON report)."""
    # (xml.sax.saxutils.escape, spelled out: importing it pulls in urllib and costs
    # every lint 40 ms of start-up)
    xml = secret.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    xml = xml.replace('"', "&quot;")
    xmls = {xml, xml.replace("'", "&apos;")}
    return {secret, *xmls} | {_in_json(v) for v in (secret, *xmls)}


def _in_json(text: str) -> str:
    """``text`` as a JSON string holds it, quotes left off. JSON escapes only quotes,
    backslashes and what is not printable ASCII; a text without them is itself, which
    spares a lint the json module's import (its report is text)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text
    import json

    return json.dumps(text)[1:-1]


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a secret, however escaped, replaced by :data:`MASK`."""
    given = set(secrets)
    values = sorted(
        {v for s in given if len(s) >= 3 and s not in _TRIVIAL | _WORDS for v in _spellings(s)},
        key=len,
        reverse=True,
    )
    # a word of ours only where it stands as a value: quoted, or after '=' or '>'
    # (a backslash after it too: JSON inside JSON, ``password=secret\n`` in a string)
    words = [rf"(?<=[\"'=>]){w}(?=[\\\"'<,;\s]|\Z)" for w in sorted(_WORDS & given)]
    if not values and not words:
        return text
    pattern = re.compile("|".join([re.escape(v) for v in values] + words))
    return pattern.sub(MASK, text)


def mask_values(data: Any, secrets: Iterable[str]) -> Any:
    """JSON-ready ``data`` with every secret masked: a string equal to one, and any
    string (dict keys too) holding one of at least 4 characters (``vncpasswd=s3cret``
    inside a spec, a value glued to junk on a broken line)."""
    values = {s for s in secrets if s and s not in _TRIVIAL}
    if not values:
        return data
    long = sorted((s for s in values if len(s) >= 4 and s not in _WORDS), key=len, reverse=True)

    def text(v: str) -> str:
        if v in values:
            return MASK
        for s in long:
            if s in v:
                v = v.replace(s, MASK)
        return v

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, tuple):
            return tuple(walk(x) for x in v)
        if isinstance(v, dict):
            return {text(k) if isinstance(k, str) else k: walk(x) for k, x in v.items()}
        return v

    return walk(data)


def masked(value: str | None, show: bool = False) -> str | None:
    """A secret value for display: itself when asked for, else :data:`MASK`."""
    if value is None or show:
        return value
    return MASK


#: Where a secret starts on a source line, in the formats we read: after an authkeys
#: method (``1 sha1 KEY``), CHAP users (``IncomingUser joe PASS``), or any keyword
#: naming a password or secret, even glued to junk (a broken line still holds the
#: value). Used where no parsed document can say what is secret: the source line an
#: error message quotes; everything after the start is masked, word by word.
_SECRET_START = (
    lazy_re(r"(?i)^\s*\d+\s+(?:sha1|md5|crc)\b"),  # authkeys
    lazy_re(r"(?i)\b(?:incoming|outgoing)user\b"),  # ietd.conf (user and password)
    lazy_re(r"(?i)\bstonith_host\b"),  # ha.cf: a plugin's parameters hold its password
    lazy_re(r"(?i)passw(?:or)?d|\bsecret|\bcommunity"),  # iscsid, xm/xl, xend, drbd, CIB
)
#: A word after the start: what masking replaces (quotes and punctuation stay).
_WORD = lazy_re(r"[^\s\"'=:;,()\[\]{}<>]+")
#: A line that ends where a secret's value should begin (the value broke onto the next line).
_DANGLING = lazy_re(
    r"(?i)(?:passw(?:or)?d(?:_in)?|secret)[\s\"']*[=:]?[\s\"']*$"
    r"|name\s*=\s*[\"'][^\"'<>]*(?:pass|secret)[^\"'<>]*[\"'][^<>]*?value\s*=\s*[\"'][^\"'<>]*$"
)
#: An XML attribute, either quote, spaces around ``=`` allowed. (The name starts where a
#: word starts: tried at every character of a long word, it was quadratic.)
_ATTR = lazy_re(r"""(?<![\w:.-])([\w:.-]+)[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""")
#: Names of CIB parameters that hold a secret (``passwd``, ``stonith-password``...).
_SECRET_NAME = lazy_re(r"(?i)pass|secret|authkey|community")


def _mask_xml(line: str, found: list[str]) -> str | None:
    """A CIB/cluster.conf line with each ``value`` of an element whose ``name`` is
    secret-looking masked (attribute order and quotes as they come); None if none.
    The masked values are appended to ``found``."""
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
                found.append(value.group(group))
                out.append(line[last : pos + value.start(group)])
                out.append(MASK)
                last = pos + value.end(group)
        pos += len(piece) + 1
    if not out:
        return None
    out.append(line[last:])
    return "".join(out)


def _mask(line: str, previous: str, found: list[str]) -> str:
    def word(w: re.Match[str]) -> str:
        if w.group(0) in _TRIVIAL:
            return w.group(0)
        found.append(w.group(0))
        return MASK

    # (the window keeps the search linear; blanks after the keyword do not count)
    if previous and _DANGLING.search(previous.rstrip()[-200:]) and line.strip():
        return _WORD.sub(word, line)
    if "=" in line and ("'" in line or '"' in line):
        xml = _mask_xml(line, found)
        if xml is not None:
            return xml
    for pattern in _SECRET_START:
        m = pattern.search(line)
        if m is not None:
            return line[: m.end()] + _WORD.sub(word, line[m.end() :])
    return line


def mask_line(line: str, previous: str = "") -> str:
    """``line`` with every word after a secret-looking keyword replaced by :data:`MASK`
    (and the values of secret CIB attributes); all of it when ``previous`` (the line
    before) ends where a secret value should start."""
    return _mask(line, previous, [])


def secret_words(lines: list[str]) -> set[str]:
    """Every word :func:`mask_line` would mask on any of ``lines`` (at least 4
    characters): a value set on a secret line may be quoted again on a broken one."""
    found: list[str] = []
    previous = ""
    for line in lines:
        _mask(line, previous, found)
        previous = line
    return {w for w in found if len(w) >= 4}


def mask_words(text: str, words: Iterable[str]) -> str:
    """``text`` with each of ``words``, and a cut-off start of one (``Zq6291...``), masked;
    also as an error message spells them, undecodable bytes escaped (``\\udce9``)."""
    spelled = {w.encode("utf-8", "backslashreplace").decode("utf-8") for w in words}
    for w in sorted(set(words) | spelled, key=len, reverse=True):
        if w in text:
            text = text.replace(w, MASK)
        elif "..." in text:
            for k in range(len(w) - 1, 3, -1):
                if w[:k] + "..." in text:
                    text = text.replace(w[:k] + "...", MASK + "...")
                    break
    return text
