"""From a Lark parse to a bound, lossless model tree.

Formats pass a builder that makes model nodes from tokens (with :func:`make_entry` /
:func:`make_block` for the statement/block shape); :func:`parse_with` runs it as Lark's
transformer, restores the trivia and converts Lark's errors into :class:`xencfg.ParseError`.

A builder is a plain class with a method per grammar rule (and per terminal it converts),
not a ``lark.Transformer`` subclass: Lark's tree-less LALR parse looks the callbacks up by
name (``getattr`` in lark/parse_tree_builder.py ``create_callback`` and
lark/parser_frontends.py ``_get_lexer_callbacks``), so importing a format, and parsing
it on its fast path, never imports Lark.
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..errors import ParseError
from .blocks import JOIN, VALUE_KINDS, Block, Entry, Values
from .grammar import parse_error, parser
from .tree import (
    _BUILDING,
    MAX_DEPTH,
    Light,
    Node,
    Piece,
    Tok,
    TooDeep,
    attach_trivia,
    building,
    drop_source,
    light_ready,
    walk,
)

if TYPE_CHECKING:  # (document.py builds on the syntax tree: the type only)
    from ..document import TreeDocument

D = TypeVar("D", bound="TreeDocument")
N = TypeVar("N", bound=Node)
E = TypeVar("E", bound=Entry)


def to_tok(t: Any) -> Tok:
    """A :class:`Tok` from a Lark token (a :class:`Tok` from a hand-written scanner as is)."""
    if isinstance(t, Tok):
        return t
    return Tok(t.type, str(t), t.start_pos)


def built(node: N, at: int) -> N:
    """``node`` as a builder returns it: stripped of its source fields in a light parse.

    Builders call this on each node they finish (``at``: its first token's offset), so a
    light parse never holds more than one statement's tokens.
    """
    light = building()
    if light is not None:
        drop_source(node, light, at)
    return node


def value_list(toks: list[Tok], unquote: Callable[[str], str]) -> list[str]:
    """The values of ``toks``, in a list no longer than they need: one value per
    statement is the rule, and a comprehension would reserve room for four."""
    if len(toks) == 1:
        return [unquote(toks[0].text)]
    return [unquote(t.text) for t in toks]


def light_values(toks: list[Tok], unquote: Callable[[str], str], light: Light) -> Values:
    """The values of ``toks`` as a light node holds them (:func:`~.blocks.light_form`),
    each string shared with the same one read shortly before (``light.memo``: ``yes``,
    ``internal``, a device named twice)."""
    if len(toks) == 1:
        v = unquote(toks[0].text)
        if JOIN in v:
            return (v,)
        return light.memo.get(v) or light.remember(v)
    if not toks:
        return ()
    values = [unquote(t.text) for t in toks]
    joined = JOIN.join(values)  # (light_form and Light.share inline: once per line of hosts)
    if joined.count(JOIN) == len(values) - 1:
        return light.memo.get(joined) or light.remember(joined)
    return tuple([light.share(v) for v in values])


@overload
def make_entry(children: list[Any], unquote: Callable[[str], str]) -> Entry: ...
@overload
def make_entry(children: list[Any], unquote: Callable[[str], str], cls: type[E]) -> E: ...
def make_entry(
    children: list[Any], unquote: Callable[[str], str], cls: type[Entry] = Entry
) -> Entry:
    """An :class:`Entry` from ``KEY VALUE*`` tokens (other named tokens kept as pieces)."""
    light = _BUILDING[-1] if _BUILDING else None  # (building(), once per statement)
    key = children[0]
    if light is not None and type(key) is Tok and (cls is Entry or light_ready(cls, _ENTRY_FIELDS)):
        # the scanner's tokens, of which a light node keeps the key and values only;
        # Entry.light_new, light_values and Light.share inline (once per statement)
        memo = light.memo
        n = len(children)
        second = children[1] if n > 1 else None
        third = children[2] if n == 3 else None
        if (
            n <= 3
            and type(second) is Tok
            and second.kind in VALUE_KINDS
            and (type(third) is not Tok or third.kind not in VALUE_KINDS)
        ):  # key value [end]: the commonest statement
            v = unquote(second.text)
            values: Values | None = memo.get(v) if JOIN not in v else (v,)
            if values is None:
                if len(memo) >= light.MEMO:
                    memo.clear()
                memo[v] = values = v
        else:
            vals = [c for c in children[1:] if type(c) is Tok and c.kind in VALUE_KINDS]
            values = light_values(vals, unquote, light)
        e = object.__new__(cls)
        text = key.text
        e.key = memo.get(text) or light.remember(text)
        e._values = values
        # light.hold(e, key.pos), its common case inline
        offsets = light.offsets
        index = len(offsets)
        if index < _PART:
            try:
                offsets.append(key.pos)
                e.light, e.at = light.part, index
            except OverflowError:
                light.hold(e, key.pos)
        else:
            light.hold(e, key.pos)
        return e
    pieces, key, vals = _head(children, False)
    # keys repeat on every line: one shared string each, not one per statement
    e = cls(intern(key.text), value_list(vals, unquote))
    return _bound(e, pieces, key, light)


def make_block(
    children: list[Any], unquote: Callable[[str], str], cls: type[Block] = Block
) -> Block:
    """A :class:`Block` from ``KEY ARG* { child* }`` pieces."""
    light = _BUILDING[-1] if _BUILDING else None
    key = children[0]
    if light is not None and type(key) is Tok and (cls is Block or light_ready(cls, _BLOCK_FIELDS)):
        args: list[Tok] = []
        for c in children[1:]:
            if type(c) is not Tok or c.kind not in VALUE_KINDS:
                break
            args.append(c)
        # Block.light_new and Light.share inline (once per section)
        memo = light.memo
        b = object.__new__(cls)
        text = key.text
        b.key = memo.get(text) or light.remember(text)
        b._args = light_values(args, unquote, light)
        b._children = tuple([c for c in children if isinstance(c, Node)])
        light.hold(b, key.pos)  # a call once per section; make_entry inlines its common case
        return b
    pieces, key, args = _head(children, True)
    kids = [p for p in pieces if isinstance(p, Node)]
    b = cls(intern(key.text), value_list(args, unquote), kids, key_tok=key)
    return _bound(b, pieces, key, light)


def _head(children: list[Any], leading: bool) -> tuple[list[Piece], Tok, list[Tok]]:
    """The pieces of a statement or block, its key token and its value tokens: every
    value after the key, or (``leading``: a block's arguments) only those before the
    first other piece."""
    pieces = [c if isinstance(c, Node) else to_tok(c) for c in children]
    key = pieces[0]
    assert isinstance(key, Tok)
    vals: list[Tok] = []
    for p in pieces[1:]:
        if isinstance(p, Tok) and p.kind in VALUE_KINDS:
            vals.append(p)
        elif leading:
            break
    return pieces, key, vals


def _bound(node: N, pieces: list[Piece], key: Tok, light: Light | None) -> N:
    node.cst = pieces
    if light is not None:  # (a node class with fields of its own: the general way)
        drop_source(node, light, key.pos)
    return node


#: How many nodes a light part holds (:meth:`~.tree.Light.hold`, inline in
#: :func:`make_entry`).
_PART = Light.PART

#: The fields :meth:`Entry.light_new` and :meth:`Block.light_new` set: a subclass with
#: others is built the general way.
_ENTRY_FIELDS = frozenset({"key", "_values"})
_BLOCK_FIELDS = frozenset({"key", "_args", "_children"})


def make_root(cls: type[D], children: list[Any]) -> D:
    """A document root from a grammar's ``start`` children: its nodes, and every piece
    (trivia tokens between them included) as its concrete syntax."""
    if building() is not None and all(isinstance(c, Node) for c in children):
        # light, and nothing but nodes (a scanner's tree): one list as long as the file,
        # not three; the pieces are dropped at the end of the parse
        doc = cls(children)
        doc.cst = children
        return doc
    doc = cls([c for c in children if isinstance(c, Node)])
    doc.cst = list(children)
    return doc


def parse_with(
    grammar: str,
    text: str,
    path: str | None,
    transformer: Any,
    *,
    words: dict[str, str] | None = None,
    context: Callable[[Exception], str] | None = None,
    start: str = "start",
    comment: str = "#",
) -> Any:
    """Parse ``text`` with ``grammars/<grammar>.lark`` and ``transformer``.

    The root returned by the transformer gets its trivia back and every node is
    bound (its parse-time state snapshotted). A missing final newline is
    supplied to the parser only; the model still renders the text as it was.
    """
    from lark.exceptions import LarkError, UnexpectedInput

    p = parser(grammar, start, transformer=transformer)
    feed = text if text.endswith("\n") or not text else text + "\n"
    try:
        root = p.parse(feed)
    except UnexpectedInput as exc:
        unclosed = _unclosed_at_eof(exc, text, comment)
        if unclosed:
            error = _unclosed_error(text, path, unclosed[-1])
            error.partial = _recover(p, feed, text, len(unclosed))
            raise error from None
        raise parse_error(exc, text, path, words, context(exc) if context else "") from None
    except LarkError as exc:  # e.g. an error raised inside the transformer
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, ParseError):
            inner.path = inner.path or path
            raise inner from None
        raise ParseError(str(exc), path=path) from None
    except ParseError as exc:  # raised by a builder, which does not know the path
        exc.path = exc.path or path
        raise
    except RecursionError:
        raise ParseError("nesting too deep", path=path) from None
    assert isinstance(root, Node), "the transformer must build a model node"
    return finish(root, text, path)


def too_deep_error(text: str, path: str | None, pos: int) -> ParseError:
    """The error for input nested beyond :data:`~xencfg.syntax.tree.MAX_DEPTH` levels."""
    from .source import LineIndex

    line, col = LineIndex(text).position(min(pos, len(text)))
    return ParseError(
        f"nested more than {MAX_DEPTH} levels deep; no configuration needs that",
        path=path,
        line=line,
        column=col,
        text=text,
    )


def finish(root: D, text: str, path: str | None) -> D:
    """Restore trivia and snapshot state for a tree a format built without Lark;
    nesting beyond the limit becomes a located :class:`ParseError`."""
    try:
        return _finish(root, text)
    except TooDeep as exc:
        raise too_deep_error(text, path, exc.pos) from None


def _finish(root: D, text: str) -> D:
    if building() is not None:
        return root  # light: no trivia, no snapshots (Light.seal and materialize do the rest)
    attach_trivia(root, text)  # raises TooDeep before any other walk can recurse too far
    for node in walk(root):
        node.snap = node.state()
    return root


def _recover(p: Any, feed: str, text: str, missing: int) -> Node | None:
    """The document as the daemon sees it when it closes open blocks at the end of the
    file (multipath-tools does), so lint can check the rest; ``None`` if that fails too."""
    try:
        root = p.parse(feed + "}\n" * missing)
        _drop_beyond(root, len(text))
        return _finish(root, text)
    except Exception:
        return None


def _drop_beyond(node: Node, end: int) -> None:
    """Remove the tokens :func:`_recover` added after the end of the real text."""
    node.cst = [p for p in node.cst or () if not (isinstance(p, Tok) and p.pos >= end)]
    for p in node.cst:
        if isinstance(p, Node):
            _drop_beyond(p, end)


def _unclosed_at_eof(exc: Exception, text: str, comment: str) -> list[int]:
    """Offsets of the ``{`` left open when the parser hit the end of the file."""
    from lark.exceptions import UnexpectedEOF, UnexpectedToken

    at_end = isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    )
    if not at_end or "RBRACE" not in getattr(exc, "expected", ()):
        return []
    return unclosed_braces(text, comment)


def find_unclosed(text: str, comment: str = "#", quotes: str = '"') -> int | None:
    """Offset of the last ``{`` without its ``}`` (skipping comments and strings)."""
    found = unclosed_braces(text, comment, quotes)
    return found[-1] if found else None


def unclosed_braces(text: str, comment: str = "#", quotes: str = '"') -> list[int]:
    """Offsets of every ``{`` without its ``}``, outermost first."""
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in comment:
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in quotes:
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            stack.pop()
        i += 1
    return stack


def _unclosed_error(text: str, path: str | None, brace: int) -> ParseError:
    from .source import LineIndex

    line_start = text.rfind("\n", 0, brace) + 1
    opener = text[line_start:brace].strip() or "{"
    line, _ = LineIndex(text).position(brace)
    col = len(text[line_start:brace]) - len(text[line_start:brace].lstrip()) + 1
    what = f"'{opener} {{'" if opener != "{" else "'{'"
    return ParseError(
        f"{what} opened here is never closed: expected '}}' before the end of the file",
        path=path,
        line=line,
        column=col,
        text=text,
        expected="'}'",
    )
