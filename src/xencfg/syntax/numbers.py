"""Decimal integers in configuration text, read as the daemons' C code reads them.

``str.isdigit`` says yes to ``'²'`` and ``'①'``, which ``int()`` refuses, and ``int()``
refuses more than 4,300 digits: either was a ValueError in a rule (a crash, XC006) or
a traceback. The daemons read ASCII digits with ``strtol`` and its kin, which saturate;
so does :func:`decimal`, above every range a daemon checks.
"""

from __future__ import annotations

import re

#: Significant digits past any C integer (a 128-bit one has 39).
MAX_DIGITS = 40
#: What a longer number reads as: above every range a daemon checks.
HUGE = 10**MAX_DIGITS


def is_decimal(text: str) -> bool:
    """Whether ``text`` is ASCII digits only (at least one)."""
    return text.isascii() and text.isdigit()


def decimal(text: str) -> int:
    """The value of ``text`` (:func:`is_decimal` says yes); :data:`HUGE` past
    :data:`MAX_DIGITS` significant digits."""
    body = text.lstrip("0") or "0"
    return int(body) if len(body) <= MAX_DIGITS else HUGE


def signed_decimal(text: str) -> int:
    """:func:`decimal` of ``[+-]DIGITS`` with its sign (``strtol`` reads a sign)."""
    sign = -1 if text[:1] == "-" else 1
    return sign * decimal(text[1:] if text[:1] in "+-" else text)


def atoi(text: str | None) -> int:
    """C's ``atoi``: the leading blanks skipped, then a sign and ASCII digits read as far
    as they go (:func:`signed_decimal`, saturating), 0 where there are none."""
    m = _ATOI.match(text or "")
    return signed_decimal(m.group(1)) if m else 0


_ATOI = re.compile(r"\s*([+-]?[0-9]+)")

#: ``ULONG_MAX`` of a 64-bit C library: where :func:`strtoul` saturates.
ULONG_MAX = 2**64 - 1
_STRTOUL = re.compile(r"[ \t\n\v\f\r]*([+-]?)([0-9]+)")


def strtoul(text: str, at: int = 0) -> tuple[int, int] | None:
    """``(value, end)`` of C's ``strtoul(text + at, &end, 10)``: C blanks skipped, a sign,
    ASCII digits; saturating at :data:`ULONG_MAX`, a ``-`` negating modulo 2**64.
    ``None`` where it reads no digit."""
    m = _STRTOUL.match(text, at)
    if m is None:
        return None
    n = min(decimal(m.group(2)), ULONG_MAX)
    if m.group(1) == "-" and n:
        n = ULONG_MAX + 1 - n
    return n, m.end()


#: ``LONG_MAX`` of a 64-bit C library: where ``strtol`` (and glibc's ``atoi``) saturate.
LONG_MAX = 2**63 - 1


def int32(n: int) -> int:
    """What a 32-bit C ``int`` holds when ``n`` is stored in it: its low 32 bits, signed
    (``*(int *)p = strtoul(...)``)."""
    low = n & 0xFFFFFFFF
    return low - 2**32 if low >= 2**31 else low


def c_int(n: int) -> int:
    """What ``int x = atoi(s)`` holds for the number ``n`` in ``s`` (glibc: ``(int)
    strtol(s)``): ``n`` saturated to a long, then its low 32 bits, signed; a number
    with thousands of digits is -1."""
    return int32(min(max(n, -LONG_MAX - 1), LONG_MAX))


def shown(n: int) -> str:
    """``n`` for a message: a saturated reading (:data:`HUGE`) is no number the file
    holds, so it shows as what is true of it."""
    if abs(n) >= HUGE:
        return f"{'-' if n < 0 else ''}10^{MAX_DIGITS} or more"
    return str(n)


def written(text: str, most: int = MAX_DIGITS) -> str:
    """A number (or word) as the file writes it, for a message: past ``most``
    characters, its start and its length (a message is no place for 5,000 digits)."""
    return text if len(text) <= most else f"{text[:12]}... ({len(text)} characters)"


def decimal_or_none(text: str) -> int | None:
    """:func:`decimal` of ``text``, or ``None`` when it is not ASCII digits."""
    return decimal(text) if is_decimal(text) else None


def simple_strtoul(text: str, base: int = 10) -> int | None:
    """What a Linux configfs ``store`` that reads ``simple_strtoul(page, &p, base)`` and
    refuses any rest but the newline (``if (*p && (*p != '\\n')) return -EINVAL``) takes
    from ``echo TEXT``: the number modulo 2**64 (simple_strtoul wraps, it does not
    saturate), ``None`` where the store refuses it (no digit first, a sign, a blank,
    any other character). Base 0 reads ``0x...`` as hex and ``0...`` as octal."""
    if base == 0:
        low = text[:3].lower()
        hexa = low[:2] == "0x" and low[2:3] != "" and low[2:3] in _HEX
        base = 16 if hexa else 8 if low[:1] == "0" else 10
        if hexa:
            text = text[2:]
    digits = _HEX[:base]
    value = 0
    for ch in text.lower():
        if ch not in digits:
            return None
        value = (value * base + digits.index(ch)) & ULONG_MAX
    return value if text else None


_HEX = "0123456789abcdef"
