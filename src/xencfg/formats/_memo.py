"""A parse's memo of repeated strings.

Status output and cluster-wide files repeat a few values device after device
(``Connected``, ``active``, ``fence_apc``, ``7777``): a model that keeps each
occurrence as its own string object holds many times the text's size. A parser
passes its values through one :class:`Shared` to keep each distinct value once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V", bound=Hashable)

#: Distinct strings a parse shares at most (beyond, new ones are kept as they come).
_SHARED = 4096


class Shared(Generic[V]):
    """One parse's memo of repeated values (states, names, pairs of them): each distinct
    value is stored once however many devices carry it. Bounded, so that hostile input
    of distinct values costs no more than without it; per parse, never module-global."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[V, V] = {}

    def __call__(self, value: V) -> V:
        got = self._seen.get(value)
        if got is not None:
            return got
        if len(self._seen) < _SHARED:
            self._seen[value] = value
        return value
