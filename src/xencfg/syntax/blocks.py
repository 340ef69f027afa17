"""Statements and blocks: the shape most configuration languages share.

``key value...`` statements (:class:`Entry`) and ``key args... { ... }``
sections (:class:`Block`) cover drbd.conf, multipath.conf, evms.conf and
lvm.conf, and line formats (ha.cf, iscsid.conf) reuse :class:`Entry`. Values
are kept *unquoted* in the model (``"round-robin 0"`` is ``round-robin 0``);
the source keeps the spelling, and a changed value keeps its old quoting.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from .tree import TRIVIA, Node, Piece, Style, Tok, nodes_repr, token_field


def needs_quotes(value: str) -> bool:
    """Whether a value must be quoted to stay one token."""
    return value == "" or any(c.isspace() or c in '"#!;{}' for c in value)


def quote(value: str, old: str | None = None) -> str:
    """Spell ``value``, keeping the quote style of the token it replaces."""
    if (old is not None and old[:1] in "\"'") or needs_quotes(value):
        q = old[0] if old and old[:1] in "\"'" else '"'
        return f"{q}{value}{q}"
    return value


@attrs.define(eq=False)
class BlockStyle(Style):
    """Canonical spelling of a block language.

    ``terminator`` ends a statement (``";"`` in drbd.conf), ``separator`` sits
    between a key and its value (``" "`` or ``" = "``).
    """

    terminator: str = ""
    separator: str = " "
    block_terminator: str = ""

    def quote(self, value: str, old: str | None = None) -> str:
        return quote(value, old)

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Block):
            head = " ".join([node.key, *(self.quote(a) for a in node.args)])
            inner = "".join(self.render_node(c, indent + self.indent) for c in node.children)
            close = f"{indent}}}{self.block_terminator}{self.newline}"
            return f"{indent}{head} {{{self.newline}{inner}{close}"
        if isinstance(node, Entry):
            if node.values:
                vals = " ".join(self.quote(v) for v in node.values)
                return f"{indent}{node.key}{self.separator}{vals}{self.terminator}{self.newline}"
            return f"{indent}{node.key}{self.terminator}{self.newline}"
        return node.render_canonical(indent, self)


def _replace_run(
    pieces: list[Piece], old: Sequence[Tok], new: Sequence[str], style: Style, after: Tok | None
) -> list[Piece]:
    """Replace the tokens ``old`` (a run) by ``new`` texts; insert after ``after`` if none."""
    if len(old) == len(new):
        swap = {id(t): Tok(t.kind, s, -1) for t, s in zip(old, new, strict=True) if t.text != s}
        return [swap.get(id(p), p) for p in pieces]
    joined = " ".join(new)
    if not old:
        out: list[Piece] = []
        for p in pieces:
            out.append(p)
            if p is after and joined:
                out.append(Tok("VALUE", " " + joined, -1))
        return out
    first, last = id(old[0]), id(old[-1])
    out = []
    skipping = False
    for p in pieces:
        if id(p) == first:
            skipping = True
            if joined:
                out.append(Tok("VALUE", joined, -1))
            elif (
                out and isinstance(out[-1], Tok) and out[-1].is_trivia and "\n" not in out[-1].text
            ):
                out.pop()  # the space before a value that is gone
        if not skipping:
            out.append(p)
        if id(p) == last:
            skipping = False
    return out


@attrs.define(weakref_slot=False)
class Entry(Node):
    """A ``key value...`` statement. ``values`` are unquoted strings."""

    key: str
    values: list[str] = attrs.Factory(list)
    key_tok: Tok | None = token_field(default=None)
    value_toks: list[Tok] = token_field(factory=list)

    def state(self) -> Any:
        return (self.key, tuple(self.values))

    @property
    def value(self) -> str | None:
        """The first value (most keywords take exactly one), or ``None``."""
        return self.values[0] if self.values else None

    @value.setter
    def value(self, new: str) -> None:
        self.values = [new]

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        q = style.quote if isinstance(style, BlockStyle) else quote
        key_old, vals_old = self.snap
        out = pieces
        # values first: a flag that gains a value is inserted after the *old* key token
        if tuple(self.values) != vals_old:
            olds = [t.text for t in self.value_toks]
            new = [q(v, olds[i] if i < len(olds) else None) for i, v in enumerate(self.values)]
            anchor = self.key_tok
            out = _replace_run(out, self.value_toks, new, style, anchor)
        if self.key != key_old and self.key_tok is not None:
            out = _replace_run(out, [self.key_tok], [self.key], style, None)
        return out


@attrs.define(weakref_slot=False)
class Block(Node):
    """A ``key args... { children }`` section."""

    key: str
    args: list[str] = attrs.Factory(list)
    children: list[Node] = attrs.field(factory=list, repr=nodes_repr)
    key_tok: Tok | None = token_field(default=None)
    arg_toks: list[Tok] = token_field(factory=list)

    children_field = "children"

    def state(self) -> Any:
        return (self.key, tuple(self.args))

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        q = style.quote if isinstance(style, BlockStyle) else quote
        key_old, args_old = self.snap
        out = pieces
        if tuple(self.args) != args_old:  # before the key: see Entry.splice
            olds = [t.text for t in self.arg_toks]
            new = [q(v, olds[i] if i < len(olds) else None) for i, v in enumerate(self.args)]
            out = _replace_run(out, self.arg_toks, new, style, self.key_tok)
        if self.key != key_old and self.key_tok is not None:
            out = _replace_run(out, [self.key_tok], [self.key], style, None)
        return out

    # -- navigation ------------------------------------------------------
    def entries(self, key: str | None = None) -> Iterator[Entry]:
        """Direct child statements, optionally only those named ``key``."""
        for c in self.children:
            if isinstance(c, Entry) and (key is None or c.key == key):
                yield c

    def blocks(self, key: str | None = None) -> Iterator[Block]:
        """Direct child sections, optionally only those named ``key``."""
        for c in self.children:
            if isinstance(c, Block) and (key is None or c.key == key):
                yield c

    def entry(self, key: str) -> Entry | None:
        """The *last* statement named ``key`` (the one a daemon's parser keeps)."""
        found = None
        for e in self.entries(key):
            found = e
        return found

    def block(self, key: str) -> Block | None:
        """The first section named ``key``."""
        return next(self.blocks(key), None)

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of the last ``key`` statement."""
        e = self.entry(key)
        return e.value if e is not None and e.values else default

    def set(self, key: str, *values: str) -> Entry:
        """Set ``key`` to ``values``: edit the last such statement, or append a new one."""
        e = self.entry(key)
        if e is None:
            e = Entry(key, list(values))
            self.children.append(e)
        else:
            e.values = list(values)
        return e

    def remove(self, key: str) -> int:
        """Remove every statement or section named ``key``; return how many."""
        before = len(self.children)
        self.children[:] = [c for c in self.children if getattr(c, "key", None) != key]
        return before - len(self.children)


def bind_tokens(node: Node, pieces: list[Any]) -> list[Piece]:
    """Flatten Lark tokens and nodes into pieces (Lark tokens become :class:`Tok`)."""
    out: list[Piece] = []
    for p in pieces:
        if isinstance(p, (Node, Tok)):
            out.append(p)
        elif isinstance(p, list):
            out.extend(bind_tokens(node, p))
        elif p is not None:  # a lark Token
            out.append(Tok(p.type, str(p), p.start_pos))
    return out


def tok(lark_token: Any) -> Tok:
    """A :class:`Tok` from a Lark token."""
    return Tok(lark_token.type, str(lark_token), lark_token.start_pos)


__all__ = ["TRIVIA", "Block", "BlockStyle", "Entry", "bind_tokens", "needs_quotes", "quote", "tok"]
