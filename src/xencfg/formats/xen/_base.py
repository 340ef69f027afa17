"""Helpers shared by the Xen formats (xend, xm, xl).

Nesting guard: refuse absurdly deep nesting early.

Lark's LALR parser is iterative, but the model (deep copies, ``repr``, tree
walks) is not; a hostile ``((((...`` or ``[[[[...`` would end in a
RecursionError. Real files nest a few levels, so a clear ParseError at the
offending bracket is the better answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..._lazy import lazy_re
from ...errors import ParseError, error_at
from ...syntax.tree import _BUILDING, TRIVIA, Light, Node, Style, Tok, building

#: The C escapes xend (Python's ``shlex``-like reader), libxlu and Python 2 all decode.
ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
}
_OCTAL_ESC = re.compile(r"\\([0-7]{1,3}|.)", re.S)
_HEX_ESC = lazy_re(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)


def unescape(body: str, *, hex_escapes: bool) -> str:
    """A quoted string's body with its C escapes decoded (``\\xHH`` too where the
    reader knows it). An unknown escape such as ``\\.`` keeps its backslash, so
    regexes survive."""
    if "\\" not in body:
        return body

    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        try:
            if e[0] == "x" and len(e) > 1:
                return chr(int(e[1:], 16))
            if e[0] in "01234567":
                return chr(int(e, 8))
        except (ValueError, OverflowError):  # past U+10FFFF: kept as written
            return "\\" + e
        return ESCAPES.get(e, "\\" + e)

    return (_HEX_ESC if hex_escapes else _OCTAL_ESC).sub(sub, body)


#: Deeper nesting is refused (real xend and domU files nest at most 4 levels).
MAX_DEPTH = 100


def check_depth(
    text: str, path: str | None, scan: re.Pattern[str], opener: str, closer: str
) -> None:
    """Raise ParseError at the first ``opener`` nested deeper than :data:`MAX_DEPTH`.

    ``scan`` matches brackets, strings and comments (so brackets inside those
    do not count)."""
    if text.count(opener) <= MAX_DEPTH:
        return
    depth = 0
    for m in scan.finditer(text):
        c = m.group()
        if c == opener:
            depth += 1
            if depth > MAX_DEPTH:
                raise error_at(
                    text,
                    path,
                    m.start(),
                    f"'{opener}' nested more than {MAX_DEPTH} deep (real files nest a few levels)",
                )
        elif c == closer:
            depth = max(depth - 1, 0)


def parses(parse: Callable[[str], Node | None], text: str) -> bool:
    """Whether ``parse`` takes ``text`` (a document, neither ``None`` nor a ParseError),
    parsed light (as :func:`xencfg.loads` does: no tokens kept, lists not read): a
    sniffer needs the verdict, not the tree, and a full tree of a large file is many
    times its size."""

    def reparse() -> Node:  # (what a read of a dropped field would ask for)
        doc = parse(text)
        assert doc is not None
        return doc

    _BUILDING.append(Light(reparse))
    try:
        return parse(text) is not None
    except ParseError:
        return False
    finally:
        _BUILDING.pop()


def adopt_final_newline(doc: Node) -> None:
    """Give the last statement the end of its own line.

    The core leaves all trivia after the last token to the document, so a
    statement appended at the end would land before the file's final newline
    (and get a second one). Moving the rest of the last line, through its
    newline, to the last child keeps appends clean; bytes are unchanged.
    """
    pieces = doc.cst
    if not pieces or not isinstance(pieces[-1], Tok) or not pieces[-1].is_trivia:
        return
    last_child = next((p for p in reversed(pieces) if isinstance(p, Node)), None)
    if last_child is None or last_child.cst is None or pieces[-2] is not last_child:
        return
    tail = pieces[-1]
    cut = tail.text.find("\n") + 1
    if cut <= 0:
        return
    own = Tok(TRIVIA, tail.text[:cut], tail.pos)
    last_child.cst.append(own)
    rest = tail.text[cut:]
    if rest:
        pieces[-1] = Tok(TRIVIA, rest, tail.pos + cut)
    else:
        pieces.pop()


def source_style(style: Style, source: str) -> Style:
    """``style`` with the file's own line ending: lines added to a CRLF file end in
    CRLF too (the canonical style writes LF)."""
    nl = source.find("\n")
    if nl > 0 and source[nl - 1] == "\r" and style.newline != "\r\n":
        import attrs

        return attrs.evolve(style, newline="\r\n")
    return style


# -- literal values: one streaming reader for xm and xl ---------------------------


class Dialect:
    """How a format spells a literal value, for :func:`read_value`.

    ``token`` matches one token at a position, in named groups: ``skip`` (what may
    stand between the tokens of a list: blanks, newlines, comments), ``STRING``,
    ``NUMBER``, ``LSQB``, ``RSQB`` and ``COMMA`` (the group names are the token
    kinds). ``scalar`` turns a STRING or NUMBER token's text into its value; a
    dialect's patterns accept only what ``scalar`` reads exactly as the format's
    own parser does, so a file the reader does not know takes the parser.
    """

    __slots__ = ("scalar", "token")

    def __init__(self, token: re.Pattern[str], scalar: Callable[[str, str], Any]) -> None:
        self.token = token
        self.scalar = scalar


#: A value read more often than this many distinct token texts is not memoised further.
_MEMO = 4096
_VALUE = frozenset({"STRING", "NUMBER"})


def read_value(
    dialect: Dialect,
    text: str,
    pos: int,
    toks: list[Tok] | None = None,
    build: bool = True,
    memo: dict[str, Any] | None = None,
) -> tuple[int, Any, list[Tok] | None] | None:
    """Read the literal at ``pos``: a STRING, a NUMBER or a list of them (lists nest).

    Returns ``(end, value, elems)`` or ``None`` when the text there is not such a
    literal. ``toks``: where to append every token of the value. ``elems``: the
    element tokens of a non-empty flat list (for element-wise edits), when ``toks``
    is given. ``build=False`` only checks the syntax and finds the end (value
    ``None``): a light parse reads a list when it is first asked for, and a long
    list costs nothing until then. One pass, no recursion; equal tokens share one
    value object (a 900,000-element list holds 900,000 references, not as many strings),
    also across the values of a parse that passes the same ``memo``.
    """
    match = dialect.token.match
    scalar = dialect.scalar
    m = match(text, pos)
    if m is None:
        return None
    kind = m.lastgroup
    if memo is None:
        memo = {}
    if kind in _VALUE:
        raw = m.group()
        if toks is not None:
            toks.append(Tok(kind, raw, pos))
        if not build:
            return m.end(), None, None
        v = memo.get(raw)
        if v is None:
            v = scalar(kind, raw)
            if len(memo) < _MEMO:
                memo[raw] = v
        return m.end(), v, None
    if kind != "LSQB":
        return None
    stack: list[list[Any]] = [[]]
    elems: list[Tok] | None = [] if toks is not None else None
    flat = True
    depth = 0
    after_value = False  # (else: after '[' or ',')
    while m is not None:
        kind = m.lastgroup or ""  # (every alternative is a named group: never "")
        start, pos = pos, m.end()
        if kind == "skip":
            m = match(text, pos)
            continue
        raw = m.group()
        tok = Tok(kind, raw, start) if toks is not None else None
        if kind in _VALUE:
            if after_value:
                return None
            if build:
                v = memo.get(raw)
                if v is None:
                    v = scalar(kind, raw)
                    if len(memo) < _MEMO:
                        memo[raw] = v
                stack[-1].append(v)
            if depth == 1 and elems is not None and tok is not None:
                elems.append(tok)
            after_value = True
        elif kind == "LSQB":
            if after_value or depth >= MAX_DEPTH:
                return None
            depth += 1
            flat = depth == 1 and flat
            if build and depth > 1:
                stack.append([])
            after_value = False
        elif kind == "RSQB":
            depth -= 1
            if build and depth > 0:
                inner = stack.pop()
                stack[-1].append(inner)
            after_value = True
        elif not after_value:  # a COMMA after '[' or ','
            return None
        else:
            after_value = False
        if toks is not None and tok is not None:  # (tok is made when toks is given)
            toks.append(tok)
        if depth == 0:
            value = stack[0] if build else None
            flat_elems = elems if flat and elems else None
            return pos, value, flat_elems
        m = match(text, pos)
    return None


#: The kind of the one token that holds a whole list literal (see
#: :attr:`~.domu.Assignment.rhs`).
LIST = "LIST"


def list_token(text: str, start: int, end: int) -> Tok:
    """The :data:`LIST` token of the literal ``text[start:end]``."""
    return Tok(LIST, text[start:end], start)


def read_rhs(
    dialect: Dialect, text: str, at: int, memo: dict[str, Any]
) -> tuple[int, Any, list[Tok] | None] | None:
    """The right-hand side of an assignment at ``at``: ``(end, value, rhs tokens)``, or
    ``None`` when it is not a literal the dialect reads. A light parse keeps no tokens
    (``rhs`` is ``None``) and leaves a list unread (its value is read on first use); a
    full parse holds a list as one :data:`LIST` token."""
    light = building() is not None
    is_list = text.startswith("[", at)
    toks: list[Tok] | None = None if light or is_list else []
    found = read_value(dialect, text, at, toks, not (light and is_list), memo)
    if found is None:
        return None
    end, value, _ = found
    if light:
        return end, value, None
    return end, value, [list_token(text, at, end)] if toks is None else toks


def flat_elements(dialect: Dialect, literal: str, value: list[Any]) -> list[Tok] | None:
    """The element tokens (offsets within ``literal``) of a flat list literal that reads
    as ``value``, or ``None`` (nested, or not the dialect's): what an element-wise edit
    of a :data:`~.domu.LIST` token splices."""
    found = read_value(dialect, literal, 0, [], build=False)
    if found is None or found[0] != len(literal):
        return None
    elems = found[2]
    return elems if elems is not None and len(elems) == len(value) else None


class LazyValue:
    """How a light parse reads its list values on first use: the text and its dialect,
    one object per parse, shared by every lazy assignment (which knows its own offset:
    the value is the first ``[`` after the start of the statement, as no key holds one)."""

    __slots__ = ("dialect", "text")

    def __init__(self, dialect: Dialect, text: str) -> None:
        self.dialect = dialect
        self.text = text

    def read(self, at: int) -> Any:
        """The list value of the statement starting at offset ``at``."""
        found = read_value(self.dialect, self.text, self.text.index("[", at))
        assert found is not None, "a lazy value the parse accepted"
        return found[1]
