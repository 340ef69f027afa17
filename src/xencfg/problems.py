"""What a document's checks hand to the rules: typed keyword and value problems,
and the one walker that finds a format's keyword problems from its table.

A problem used to travel as a tuple whose second item was a string kind,
and rules reached its keyword with ``getattr(node, "key", "?")``. These are
frozen attrs classes instead: the rules read named, typed fields. They still
unpack as the tuples did (``for node, kind, hint in doc.keyword_problems()``,
``for node, message in doc.value_problems()``), so callers written against
the tuples keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs

from .syntax.tree import Node

if TYPE_CHECKING:
    from .formats.schema import InForce, Version

#: What is wrong with a keyword:
#: ``unknown`` (the daemon does not know it; ``detail``: a did-you-mean),
#: ``deprecated`` (an old spelling; ``detail``: the replacement or a sentence),
#: ``misplaced`` (valid, but not in this section; ``detail``: where it is read),
#: ``newer`` (known only to later releases; ``detail``: which),
#: ``duplicate`` (assigned again), ``computed`` (a domU value computed by code),
#: ``command`` (a shell file line that runs code when sourced).
KeywordKind = Literal[
    "unknown", "deprecated", "misplaced", "newer", "duplicate", "computed", "command"
]


@attrs.frozen
class KeywordProblem:
    """A keyword the daemon refuses, skips, or reads under another name."""

    #: The statement or section: a syntax node, or the object a document without
    #: a syntax tree locates itself (a CIB ``nvpair``); rules hand it to ``where``.
    node: Node | Any
    kind: KeywordKind
    #: The keyword as written (the node's key or name).
    keyword: str
    #: What the kind says more: a suggestion, the replacement, places, releases.
    detail: str | None = None

    @property
    def suggestion(self) -> str | None:
        """The did-you-mean of an ``unknown``, the replacement of a ``deprecated``."""
        return self.detail if self.kind in ("unknown", "deprecated") else None

    def __iter__(self) -> Iterator[Any]:
        """``node, kind, detail``: the tuple this used to be."""
        return iter((self.node, self.kind, self.detail))

    @classmethod
    def of(cls, problem: KeywordProblem | tuple[Any, str, Any]) -> KeywordProblem:
        """A problem from a format that still yields ``(node, kind, detail)`` tuples."""
        if isinstance(problem, KeywordProblem):
            return problem
        node, kind, detail = problem
        key = getattr(node, "key", None) or getattr(node, "name", None) or "?"
        return cls(node, cast(KeywordKind, kind), str(key), detail)


@attrs.frozen
class ValueProblem:
    """A value the daemon refuses, caps, or reads differently from what is written."""

    #: The statement (``None``: the file as a whole).
    node: Node | None
    message: str
    #: The daemon starts and works with what it reads, which is not quite what is
    #: written (words it skips, a number it wraps): lint warns instead of erring.
    harmless: bool = False
    #: ``(component, release)``: the daemon refuses the value from that release on
    #: (lint: an error there, a warning while the release is unknown, nothing before).
    since: tuple[str, Version] | None = None
    #: ``(first, after)``: releases from ``first`` up to (not including) ``after``
    #: take the value again although ``since`` refuses it (xl 4.7 to 4.9 took
    #: ``device_model_version = "none"``, 4.2 to 4.6 and 4.10 on refuse it).
    reprieve: tuple[Version, Version] | None = None

    def __iter__(self) -> Iterator[Any]:
        """``node, message``: the tuple this used to be."""
        return iter((self.node, self.message))

    def refused_in(self, release: InForce) -> bool | None:
        """Whether the release in force refuses the value: ``True`` every release it
        may be does, ``False`` none does, ``None`` some do (the release is not known
        well enough). Without ``since`` every release refuses it."""
        if self.since is None:
            return True
        first = self.since[1]
        spans: list[tuple[Version, Version | None]] = [(first, None)]
        if self.reprieve is not None:
            spans = [(first, self.reprieve[0]), (self.reprieve[1], None)]
        if release.exact is not None:
            v = release.exact
            return any(lo <= v and (hi is None or v < hi) for lo, hi in spans)
        low, below = release.low, release.below
        if any(
            low is not None and lo <= low and (hi is None or (below is not None and below <= hi))
            for lo, hi in spans
        ):
            return True
        if all(
            (hi is not None and low is not None and hi <= low)
            or (below is not None and below <= lo)
            for lo, hi in spans
        ):
            return False
        return None


#: The keywords valid in a context (the keys of the blocks above a node), for
#: a node: ``None`` when anything goes (the context is not checked).
KeywordTable = Callable[[tuple[str, ...], Node], "Container[str] | None"]
#: What to say of a keyword not in its table: a problem, or ``None`` for nothing.
Judge = Callable[[Node, str, tuple[str, ...], Container[str]], "KeywordProblem | None"]


def unknown(
    node: Node, key: str, context: tuple[str, ...], known: Container[str]
) -> KeywordProblem:
    """The plain verdict: an unknown keyword, with no suggestion."""
    return KeywordProblem(node, "unknown", key)


def walk_keywords(
    root: Node,
    table: KeywordTable,
    judge: Judge = unknown,
    also: Callable[[Node, str, tuple[str, ...]], KeywordProblem | None] | None = None,
) -> Iterator[KeywordProblem]:
    """Every keyword problem under ``root``, in file order.

    Each keyed child is looked up in ``table(context, node)``; one not in it is
    ``judge``-d and not descended into (the daemon skips an unknown section
    whole); a known one is shown to ``also`` (a deprecated spelling, say), and a
    known block is walked with its key added to the context.
    """
    for c in root.child_nodes():
        key = getattr(c, "key", None)
        if key is not None:
            yield from _visit(c, key, (), table, judge, also)


def _visit(
    node: Node,
    key: str,
    context: tuple[str, ...],
    table: KeywordTable,
    judge: Judge,
    also: Callable[[Node, str, tuple[str, ...]], KeywordProblem | None] | None,
) -> Iterator[KeywordProblem]:
    known = table(context, node)
    if known is not None and key not in known:
        problem = judge(node, key, context, known)
        if problem is not None:
            yield problem
        return
    if also is not None and (problem := also(node, key, context)) is not None:
        yield problem
    inner = (*context, key)
    for c in node.child_nodes():
        k = getattr(c, "key", None)
        if k is not None:
            yield from _visit(c, k, inner, table, judge, also)


__all__ = [
    "Judge",
    "KeywordKind",
    "KeywordProblem",
    "KeywordTable",
    "ValueProblem",
    "unknown",
    "walk_keywords",
]
