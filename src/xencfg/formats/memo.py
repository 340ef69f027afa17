"""A parse's memo of repeated strings.

Status output and cluster-wide files repeat a few values device after device
(``Connected``, ``active``, ``fence_apc``, ``7777``): a model that keeps each
occurrence as its own string object holds many times the text's size. A parser
passes its values through one :class:`Shared` to keep each distinct value once.
"""

from __future__ import annotations

#: Distinct strings a parse shares at most (beyond, new ones are kept as they come).
_SHARED = 4096


class Shared:
    """One parse's memo of repeated short strings (states, names): each distinct value
    is stored once however many devices carry it. Bounded, so that hostile input of
    distinct values costs no more than without it; per parse, never module-global."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, s: str) -> str:
        got = self._seen.get(s)
        if got is not None:
            return got
        if len(self._seen) < _SHARED:
            self._seen[s] = s
        return s
