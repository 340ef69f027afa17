"""Decimal integers in configuration text, read as the daemons' C code reads them.

``str.isdigit`` says yes to ``'²'`` and ``'①'``, which ``int()`` refuses, and ``int()``
refuses more than 4,300 digits: either was a ValueError in a rule (a crash, XC006) or
a traceback. The daemons read ASCII digits with ``strtol`` and its kin, which saturate;
so does :func:`decimal`, above every range a daemon checks.
"""

from __future__ import annotations

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


def decimal_or_none(text: str) -> int | None:
    """:func:`decimal` of ``text``, or ``None`` when it is not ASCII digits."""
    return decimal(text) if is_decimal(text) else None
