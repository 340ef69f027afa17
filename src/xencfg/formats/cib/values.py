"""Typed CIB values: scores, durations, booleans and option names.

Kept apart from the model so that lint rules and the converter can use them
on plain strings.
"""

from __future__ import annotations

import re

import attrs

from ..._lazy import lazy_re
from ...errors import ValidationError
from ...syntax.numbers import decimal

#: Pacemaker's INFINITY: scores are clamped to +-1,000,000.
INFINITY = 1_000_000

_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0"})


def parse_bool(raw: str | None) -> bool | None:
    """CRM booleans (``crm_is_true``): true/yes/y/on/1; ``None`` when not a boolean."""
    if raw is None:
        return None
    v = raw.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def parse_score(raw: str | None) -> int | None:
    """A score as an int: ``INFINITY``/``+INFINITY`` -> 1000000, ``-INFINITY`` -> -1000000.

    Like Pacemaker's ``char2score``, integers beyond INFINITY are clamped and
    heartbeat 2's fractional scores (``"100.9"``) keep their integer part.
    ``None`` for an absent or unreadable score.
    """
    if raw is None:
        return None
    v = raw.strip()
    low = v.lower()
    if low in ("infinity", "+infinity"):
        return INFINITY
    if low == "-infinity":
        return -INFINITY
    m = re.fullmatch(r"([+-]?)([0-9]+)(?:\.[0-9]*)?", v)
    if m is None:
        return None
    # (Pacemaker's char2score: strtoll, then clamped; int() of 5,000 digits raised)
    digits = m.group(2).lstrip("0") or "0"
    number = int(digits) if len(digits) <= 18 else INFINITY
    return max(-INFINITY, min(INFINITY, -number if m.group(1) == "-" else number))


_UNITS = {
    "": 1000,
    "s": 1000,
    "sec": 1000,
    "ms": 1,
    "msec": 1,
    "us": 0.001,
    "usec": 0.001,
    "m": 60_000,
    "min": 60_000,
    "h": 3_600_000,
    "hr": 3_600_000,
}
_DURATION = re.compile(r"\s*0*([0-9]{1,18})\s*([a-z]*)\s*", re.I)  # (int() of 5,000 digits raised)
_ISO = lazy_re(
    r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
    r"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?",
    re.I,
)
_ISO_MS = (365 * 86_400_000, 30 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000)


@attrs.frozen
class Duration:
    """An interval or timeout: the raw spelling and its value in milliseconds.

    ``crm_get_msec`` rules: a bare number is *seconds*; units ms/msec, us/usec,
    s/sec, m/min, h/hr; ISO 8601 (``PT10S``) as Pacemaker accepts for intervals.
    ``ms`` is ``None`` when the spelling is not a duration at all.
    """

    raw: str
    ms: int | None

    @classmethod
    def parse(cls, raw: str | None) -> Duration | None:
        if raw is None:
            return None
        return cls(raw, duration_ms(raw))

    @property
    def seconds(self) -> float | None:
        return None if self.ms is None else self.ms / 1000


def duration_ms(raw: str) -> int | None:
    """Milliseconds of a CIB duration (see :class:`Duration`), ``None`` if unreadable."""
    m = _DURATION.fullmatch(raw)
    if m is not None:
        factor = _UNITS.get(m.group(2).lower())
        return None if factor is None else int(int(m.group(1)) * factor)
    iso = _ISO.fullmatch(raw.strip())
    if iso is not None and any(iso.groups()):
        # (decimal, saturating: int() of 5,000 digits raised)
        return sum(decimal(g) * f for g, f in zip(iso.groups(), _ISO_MS, strict=True) if g)
    return None


_VERSION = re.compile(r"pacemaker-([0-9]{1,9})\.([0-9]{1,9})\Z")  # (int() of 5,000 digits raises)


def schema_version(name: str | None) -> tuple[int, int] | None:
    """``pacemaker-X.Y`` -> (X, Y); None for heartbeat 2's names and anything else.
    (Here, not in :mod:`.upgrade`, whose converter the rules asking this never need.)"""
    m = _VERSION.match(name or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def canon_name(name: str) -> str:
    """An option or attribute name with ``_`` and ``-`` made the same (``stonith-enabled``)."""
    return name.strip().replace("_", "-").lower()


#: nvpair names whose values are secrets, masked in :meth:`to_dict`.
_SECRET = re.compile(r"passw(or)?d|passphrase|secret|community|(^|[-_])(pass|pw|pin|key)$", re.I)


#: ...but ``passwd_method`` says *how* the password is given (``file``), not what it is,
#: and fence agents' ``password_script`` / ``passwd_script`` name the program that
#: prints it (fencing library: "Script to run to retrieve password").
_NOT_SECRET = re.compile(r"[-_](method|file|length|len|script)$", re.I)


def is_secret(name: str | None) -> bool:
    """Whether an nvpair called ``name`` holds a password-like value."""
    if not name or _NOT_SECRET.search(name):
        return False
    return _SECRET.search(name) is not None


# -- ids ---------------------------------------------------------------------------------

#: XML 1.0 (5th edition) NameStartChar without ``:`` and NameChar: an NCName, what the
#: ``xsd:ID`` type of every ``id`` in pacemaker-1.0.rng and later takes (libxml2's
#: xmlValidateNCName; crm_verify 2.1.5 "Type ID doesn't allow value").
_NAME_START = (
    "A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_MORE = _NAME_START + r"\-.0-9\xb7\u0300-\u036f\u203f-\u2040"
_NCNAME = lazy_re(f"[{_NAME_START}][{_NAME_MORE}]*")
#: heartbeat 2's crm.dtd types ids as CDATA and says "a short name consisting simple
#: ascii characters [a-zA-Z0-9_\-]" (crm.dtd line 20): a digit may lead there.
_HB2_ID = lazy_re(r"[A-Za-z0-9_-]+")


def is_xml_id(text: str) -> bool:
    """Whether ``text`` is an XML NCName, what Pacemaker's schemas take as an ``id``."""
    return _NCNAME.fullmatch(text) is not None


def check_id(text: object, what: str = "id", *, dialect: str = "pacemaker-1.0") -> str:
    """``text`` if the CIB of ``dialect`` can carry it as an id (or a reference to one);
    else ValueError. Pacemaker's schemas type ids as ``xsd:ID`` (an NCName: no leading
    digit, ``-`` or ``.``, no ``:``, space or ``#``) and refuse the whole CIB otherwise;
    heartbeat 2's crm.dtd takes any CDATA but documents ``[a-zA-Z0-9_-]``, which the
    upgrade to Pacemaker 1.0 keeps only when it is an NCName too (CB015). ``dialect``
    ``none``: a CIB with ``validate-with="none"``, which Pacemaker does not validate."""
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be a string, not {type(text).__name__}")
    if is_xml_id(text) or (dialect == "none" and text):
        return text  # ("none": validate-with="none", no schema, Pacemaker takes any id)
    if dialect != "pacemaker-1.0" and _HB2_ID.fullmatch(text):
        return text
    raise ValidationError(
        f"{what} {text!r} is not an XML ID (NCName): Pacemaker's schema refuses the CIB;"
        " start with a letter or '_', then letters, digits, '-', '_' or '.'"
    )


def sanitize_id(text: str, *, legacy: bool = False) -> str:
    """An id made of other names (``{rid}-op-{name}-{n}``) made an NCName as Pacemaker 3.0
    makes the ids it derives (lib/common/xml_element.c ``pcmk__xe_set_id`` by
    ``pcmk__xml_sanitize_id``, lib/common/xml.c line 654: a bad first character becomes
    ``_``, any other bad one ``.``; its unit test pcmk__xe_set_id_test.c: ``-ab`` ->
    ``_ab``, ``a$b`` -> ``a.b``).
    ``legacy``: a heartbeat 2 CIB, whose crm.dtd also takes a leading digit."""
    if is_xml_id(text) or (legacy and _HB2_ID.fullmatch(text)):
        return text
    first = re.compile(f"[{_NAME_START}]")
    more = re.compile(f"[{_NAME_MORE}]")
    out = [text[0] if text and first.fullmatch(text[0]) else "_"]
    out.extend(c if more.fullmatch(c) else "." for c in text[1:])
    return "".join(out)
