"""Typed CIB values: scores, durations, booleans and option names.

Kept apart from the model so that lint rules and the converter can use them
on plain strings.
"""

from __future__ import annotations

import re

import attrs

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
_ISO = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.I
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
        return sum(int(g) * f for g, f in zip(iso.groups(), _ISO_MS, strict=True) if g)
    return None


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
