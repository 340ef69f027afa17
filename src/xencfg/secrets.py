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


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a secret replaced by :data:`MASK`."""
    values = sorted(
        {s for s in secrets if len(s) >= 3 and s not in _TRIVIAL}, key=len, reverse=True
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
