"""Xen domU configuration, xm style: a Python source file, parsed, never executed.

xm ran these files with ``execfile`` (Python 2), so they are Python: literal
assignments, ``#`` comments, ``;``, triple-quoted strings, backslash
continuations, implicit string concatenation — and sometimes real code
(``def vmid_check``, ``if`` blocks, ``os.uname()``). Python's own parser
(:func:`ast.parse`, which only builds a syntax tree) finds the statements and
:mod:`tokenize` their tokens; no Lark grammar could agree with Python on every
edge of its lexical rules. A ``name = <literal>`` statement becomes an
:class:`~.domu.Assignment` whose value is computed here from the syntax tree
(constants, lists, tuples, dicts, sets, signed numbers); every other statement
is an opaque :class:`~.domu.Code` node that renders byte for byte and whose
bound names are reported as computed. Files in Python 2 syntax (xm's
language) are split by the tokenizer; their Python-2-only statements become
code too. Nothing in the file is ever run.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
import warnings
from collections.abc import Iterator
from keyword import iskeyword
from sys import intern
from typing import Any

import attrs

from ..._lazy import lazy_re
from ...errors import ParseError, ValidationError, error_at
from ...problems import ValueProblem
from ...syntax.build import built, finish
from ...syntax.source import LineIndex
from ...syntax.tree import TRIVIA, Node, Tok
from . import _py2 as py2
from . import domu
from ._base import (
    Dialect,
    LazyValue,
    adopt_final_newline,
    flat_elements,
    list_token,
    parses,
    read_rhs,
)
from ._tokens import unclosed_quotes
from .domu import (
    COMPUTED,
    Assignment,
    Code,
    DomUDocument,
    DomUStyle,
    lazy_assignment,
)

FORMAT = "xm"


_TO_PUA = {0xDC80 + i: 0xF780 + i for i in range(128)}
_FROM_PUA = {v: k for k, v in _TO_PUA.items()}
_HAS_SURROGATE = re.compile("[\udc80-\udcff]")
_HAS_PUA = lazy_re("[\uf780-\uf7ff]")


class NotLiteral(Exception):
    """The expression needs evaluation (a call, an operator, a name)."""


#: Python refuses to print integers of more than 4,300 digits (int_max_str_digits).
_MAX_INT_BITS = 4_000 * 3


def literal(n: ast.AST, undecodable: bool = False) -> Any:
    """The value of a literal expression, from its syntax tree (no evaluation).

    ``undecodable``: the source had undecodable bytes, which the parser saw as
    private-use characters; strings get them back as the original bytes.
    (Recursive at module level: a nested closure would make a reference cycle per call.)
    """
    if isinstance(n, ast.Constant):
        if undecodable and isinstance(n.value, str) and _HAS_PUA.search(n.value):
            return n.value.translate(_FROM_PUA)
        if isinstance(n.value, int) and n.value.bit_length() > _MAX_INT_BITS:
            raise NotLiteral("an integer too large to print")  # str() would refuse it
        return n.value
    if isinstance(n, ast.List):
        return [literal(e, undecodable) for e in n.elts]
    if isinstance(n, ast.Tuple):
        return tuple(literal(e, undecodable) for e in n.elts)
    try:  # an unhashable element or key (``{[1]: 2}``) fails when xm runs the file too
        if isinstance(n, ast.Set):
            return {literal(e, undecodable) for e in n.elts}
        if isinstance(n, ast.Dict):
            if any(k is None for k in n.keys):
                raise NotLiteral("** in a dict")
            return {
                literal(k, undecodable): literal(v, undecodable)
                for k, v in zip(n.keys, n.values, strict=False)
                if k is not None  # (none is: ** was refused above)
            }
    except TypeError:
        raise NotLiteral("an unhashable key") from None
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
        v = literal(n.operand, undecodable)
        if isinstance(v, (int, float, complex)) and not isinstance(v, bool):
            return -v if isinstance(n.op, ast.USub) else +v
    raise NotLiteral(type(n).__name__)


def _scalar(v: Any, old: str | None = None) -> str:
    """A Python literal for ``v``, using the quote character of the token it replaces."""
    if isinstance(v, str):
        bare = (old or "").lstrip("uUrRbB")
        q = bare[:1] if bare[:1] in ("'", '"') and not bare.startswith(bare[:1] * 3) else "'"
        return py_str(v, q)
    return repr(v)


def py_str(s: str, q: str = "'") -> str:
    """``s`` as a Python string literal quoted with ``q``, read the same by Python 2
    (xm's) and 3: a character only ``\\u``/``\\U`` can spell makes it a ``u''``
    string (a plain Python 2 string keeps ``\\u`` as two characters)."""
    out = []
    wide = False
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == q:
            out.append("\\" + q)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable() or "\udc80" <= ch <= "\udcff":
            out.append(ch)  # undecodable bytes go back as the bytes they were
        else:
            esc = repr(ch)[1:-1]
            wide = wide or esc[1] in "uU"
            out.append(esc)
    return ("u" if wide else "") + q + "".join(out) + q


def _value(v: Any) -> str:
    """A conventional xm spelling: ``['a', 'b']``, ``512``, ``'x'``."""
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, tuple):
        inner = ", ".join(_value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_value(k)}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (set, frozenset)):
        if not v:
            raise ValidationError("an empty set has no Python literal (set() is a call)")
        return "{" + ", ".join(_value(x) for x in v) + "}"
    if isinstance(v, str):
        return py_str(v, "'")
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        raise ValidationError(f"{v!r} has no Python literal")
    if v is not None and not isinstance(v, (bool, int, float, complex, bytes)):
        raise ValidationError(f"xm configs cannot hold a {type(v).__name__} value: {v!r}")
    return repr(v)


def _literal_elements(literal: str, value: list[Any]) -> list[Tok] | None:
    """The element tokens of a flat list literal: by the streaming reader, else by
    Python's tokenizer (a list with escapes or a bytes literal the reader leaves)."""
    elems = flat_elements(LITERAL, literal, value)
    if elems is not None:
        return elems
    try:
        elems = _elements(value, _tokens(literal, 0))
    except (tokenize.TokenError, SyntaxError):
        elems = None
    if elems is None:  # Python 2 forms (0x2L, ur''), which Python 3's tokenizer splits
        try:
            elems = _elements(value, [Tok(k, t, at) for k, t, at in py2.tokens(literal)])
        except (py2.Py2Error, py2.NotPy2Literal):
            return None
    return elems


#: xend runs xm configs with Python 2: a name is an ASCII identifier, not a keyword
#: (Python 2's own: ``print`` and ``exec`` among them)
_PY2_KEYWORDS = frozenset(keyword.kwlist) | {"print", "exec"}
STYLE = DomUStyle(
    indent="",
    scalar_fn=_scalar,
    value_fn=_value,
    elements_fn=_literal_elements,
    key_pattern=r"[A-Za-z_][A-Za-z0-9_]*",
    reserved=_PY2_KEYWORDS,
)


@attrs.define(weakref_slot=False)
class XmDocument(DomUDocument):
    """A parsed xm-style domU configuration."""

    format = FORMAT
    style = STYLE

    def value_problems(self) -> Iterator[ValueProblem]:
        """What xm (create.py, xend) refuses in the values: :mod:`.xm_values`."""
        from .xm_values import xm_value_problems

        yield from xm_value_problems(self)


# -- parsing ---------------------------------------------------------------------


def _bound_names(stmt: ast.stmt) -> tuple[str, ...]:
    """Names a top-level statement may bind in the module namespace."""
    names: list[str] = []

    def targets(t: ast.AST) -> None:
        for n in ast.walk(t):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                names.append(n.id)

    def visit(s: ast.stmt) -> None:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(s.name)
            return
        if isinstance(s, ast.Assign):
            for t in s.targets:
                targets(t)
        elif isinstance(s, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets(s.target)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                if item.optional_vars is not None:
                    targets(item.optional_vars)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            for a in s.names:
                names.append((a.asname or a.name).split(".")[0])
        elif isinstance(s, ast.Global):
            names.extend(s.names)
        for n in ast.walk(s):  # walrus anywhere, except in nested scopes (close enough)
            if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name):
                names.append(n.target.id)
        for field in ("body", "orelse", "finalbody", "handlers"):
            for child in getattr(s, field, ()) or ():
                if isinstance(child, ast.ExceptHandler):
                    if child.name:
                        names.append(child.name)
                    for c in child.body:
                        visit(c)
                elif isinstance(child, ast.stmt):
                    visit(child)

    visit(stmt)
    return tuple(dict.fromkeys(names))


class _Offsets:
    """AST (line, UTF-8 byte column) to character offsets of the text.

    Python ends lines at ``\\r\\n``, ``\\r`` or ``\\n``, so its line numbers are
    counted the same way here."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def __call__(self, line: int, col: int) -> int:
        start = self.starts[min(line, len(self.starts)) - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        row = self.text[start:end]
        if row.isascii():
            return start + col
        return start + len(row.encode("utf-8", "surrogatepass")[:col].decode("utf-8", "replace"))


_NEWLINE = lazy_re(r"\r\n|\r|\n")


def _syntax_error(exc: SyntaxError, text: str, path: str | None) -> ParseError:
    line = exc.lineno or 1
    col = exc.offset or 1
    msg = exc.msg or "invalid syntax"
    return ParseError(
        f"not valid Python (xm configs are Python source): {msg}",
        path=path,
        line=line,
        column=col,
        text=text,
        expected="a Python statement",
    )


def _tokens(text: str, base: int) -> list[Tok]:
    """Significant tokens of a statement's source (tokenize only lexes)."""
    idx = LineIndex(text)
    out: list[Tok] = []
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    for t in tokenize.generate_tokens(io.StringIO(text).readline):
        if t.type in skip:
            continue
        pos = idx.offset(t.start[0], t.start[1] + 1)
        if text[pos : pos + len(t.string)] != t.string:
            raise tokenize.TokenError("token positions disagree")  # lone CR and the like
        out.append(Tok(tokenize.tok_name[t.exact_type], t.string, base + pos))
    return out


def _elements(value: Any, rhs: list[Tok]) -> list[Tok] | None:
    """One token per element when the right-hand side is ``[a, b, ...]`` of scalars."""
    if not isinstance(value, list) or not value or len(rhs) < 3:
        return None
    if rhs[0].text != "[" or rhs[-1].text != "]":
        return None
    inner = rhs[1:-1]
    if inner and inner[-1].text == ",":
        inner = inner[:-1]
    elems = inner[0::2]
    commas = inner[1::2]
    if len(elems) != len(value) or any(c.text != "," for c in commas):
        return None
    if any(t.kind not in ("STRING", "NUMBER") for t in elems):
        return None
    return elems


#: Literals Python 2 reads otherwise than Python 3: escapes (``'\u00e9'`` is 6 characters
#: in a Python 2 byte string, ``'\777'`` one byte), ``b''`` (a Python 2 str), and digits
#: with ``_`` (Python 2 refuses ``1_024``).
_PY2_DIFFERS = lazy_re(r"\\[uUN4-7]|(?<![\w'\"])[bB][rR]?['\"]|[0-9]_")


def _statement(
    stmt: ast.stmt,
    text: str,
    start: int,
    end: int,
    semi: int | None,
    undecodable: bool,
    scanned: list[Tok] | None = None,
) -> Node:
    """The node of one top-level statement; ``scanned``: its tokens when already lexed."""
    src = text[start:end]
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        try:
            value = literal(stmt.value, undecodable)
        except NotLiteral:
            value = COMPUTED
        if value is not COMPUTED and _PY2_DIFFERS.search(src) is not None:
            found = py2.assignment(src)  # (a Py2Error: the caller says where)
            value = found[3] if found is not None else value
        if value is not COMPUTED:
            try:
                toks = scanned if scanned is not None else _tokens(src, start)
            except (tokenize.TokenError, SyntaxError):
                toks = []
            if not toks:  # a statement the tokenizer cannot map: the whole value is one token
                eq_at = src.find("=", len(stmt.targets[0].id))
                key = Tok("NAME", stmt.targets[0].id, start)
                eq = Tok("EQUAL", "=", start + eq_at)
                rest = src[eq_at + 1 :]
                lead = len(rest) - len(rest.lstrip())
                toks = [key, eq, Tok("VALUE", rest.strip(), start + eq_at + 1 + lead)]
                if not rest.strip() or src[: len(key.text)] != key.text:
                    toks = []
            if len(toks) >= 3 and toks[1].text == "=":
                key, eq, rhs = toks[0], toks[1], toks[2:]
                if isinstance(value, list) and rhs[0].text == "[" and rhs[-1].text == "]":
                    rhs = [list_token(text, rhs[0].pos, rhs[-1].end)]
                a = Assignment(stmt.targets[0].id, value, key_tok=key, rhs=rhs)
                pieces: list[Any] = [key, eq, *rhs]
                if semi is not None:
                    pieces.append(Tok("SEMI", ";", semi))
                a.cst = pieces
                return domu.bind_assignment(a)
    end2 = semi + 1 if semi is not None else end
    code = Code(text[start:end2], _bound_names(stmt))
    code.cst = [Tok("CODE", text[start:end2], start)]
    return built(code, start)


def _py2_statement(found: py2.Py2Assignment, text: str, start: int, semi: int | None) -> Node:
    """The node of ``name = <literal in Python 2 syntax>`` at ``start``: the value as
    xm's Python 2 read it, the tokens as written (an edit keeps ``0755`` it does not touch)."""
    key, key_at, eq_at, value, toks, _ = found
    key_tok = Tok("NAME", key, start + key_at)
    eq = Tok("EQUAL", "=", start + eq_at)
    (kind, first, at), last = toks[0], toks[-1]
    a0, a1 = start + at, start + last[2] + len(last[1])
    if isinstance(value, list) and first == "[" and last[1] == "]":
        rhs = [list_token(text, a0, a1)]
    else:  # one token, or one VALUE token for a signed number, a tuple, a dict
        rhs = [Tok(kind if len(toks) == 1 else "VALUE", text[a0:a1], a0)]
    a = Assignment(key, value, key_tok=key_tok, rhs=rhs)
    a.cst = [key_tok, eq, *rhs]
    if semi is not None:
        a.cst.append(Tok("SEMI", ";", semi))
    return domu.bind_assignment(a)


def _ast(source: str, path: str | None) -> ast.Module:
    """Python's syntax tree of ``source`` (:func:`parse` silences its warnings once)."""
    return ast.parse(source, filename=path or "<string>")


def _span(stmt: ast.stmt, off: _Offsets, src: str) -> tuple[int, int]:
    """Character span of a top-level statement (decorators included)."""
    start = off(stmt.lineno, stmt.col_offset)
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        d = decorators[0]
        start = src.rfind("@", 0, off(d.lineno, d.col_offset))
    assert stmt.end_lineno is not None and stmt.end_col_offset is not None
    return start, off(stmt.end_lineno, stmt.end_col_offset)


#: Python 2 syntax xm accepted and Python 3 refuses.
_PY2 = lazy_re(
    r"^[ \t]*(?:print|exec)\b(?![ \t]*(?:\(|=))|\b0[0-7]+\b|\b[0-9]+[lL]\b|<>|`"
    r"|\bexcept[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:|\braise[ \t]+[\w.]+[ \t]*,|\bur[\"']"
    # 0xFFL; tuple parameters (lambda (a, b): ..., def f((a, b)):); names Python 3
    # made keywords (async, await, nonlocal): all compile in Python 2.7
    r"|\b0[xX][0-9a-fA-F]+[lL]\b|\blambda[ \t]*\(|\bdef[ \t]+\w+[ \t]*\([^)\n]*\("
    r"|\b(?:async|await|nonlocal)\b",
    re.M,
)
_PY2_BINDS = lazy_re(
    r"^[ \t]*(?:(\w+)[ \t]*(?:=(?!=)|[-+*/%|&^]=)|(?:def|class)[ \t]+(\w+)|import[ \t]+(\w+))"
    r"|[:;][ \t]*(\w+)[ \t]*(?:=(?!=)|[-+*/%|&^]=)",  # ``if a <> b: vcpus = 2``
    re.M,
)

#: A statement: its syntax tree (Python 3 reads it), a Python 2 literal assignment
#: (:func:`.py2.assignment`'s answer, offsets within the statement) or ``None`` (code).
Span = tuple["ast.stmt | py2.Py2Assignment | None", int, int, tuple[str, ...]]


_CONTINUATIONS = frozenset({"except", "else", "elif", "finally"})
#: Characters that start no Python token (``$``, ``?``, a lone ``!``, a backtick, a
#: backslash not escaping a quote, newline or backslash, non-word non-ASCII).
_UNLEXABLE = lazy_re(r"[^\w \t\f\r\n+\-*/%&|^~<>=()\[\]{},:;@.'\"#!\\]|!(?!=)|\\(?![\r\n'\"\\])")


def _lexable(src: str) -> str:
    """``src`` with each character no token starts with replaced by ``_`` (same length).

    CPython's pure-Python tokenizer retries its whole pattern at every blank before
    such a character (``x = [`` + 4,000 blanks + ``$``...): quadratic. Statement
    boundaries do not change: the replaced character was a token of its own (an
    error token) and becomes part of a name; inside strings and comments it is text.
    A quote that opens a string its line never closes (``x =`` + 2,000 blanks + ``'``:
    4 s, see :func:`._tokens.unclosed_quotes`) becomes a ``,``: a token of its own, as it was.
    """
    out = _UNLEXABLE.sub("_", src)
    quotes = unclosed_quotes(out)
    if not quotes:
        return out
    chars = list(out)
    for at in quotes:
        chars[at] = ","  # (a token of its own, as the error token was: 'else"' stays 'else')
    return "".join(chars)


def _chunks(src: str) -> list[tuple[int, int]] | None:
    """Top-level statements (a compound one with its block) found by the tokenizer
    alone, which also reads Python 2; None when even that fails."""
    idx = LineIndex(src)
    out: list[tuple[int, int]] = []
    level, new_line = 0, True
    start: int | None = None
    last = 0
    quiet = {tokenize.COMMENT, tokenize.NL}
    brackets: list[tuple[str, tuple[int, int]]] = []
    lexable = _lexable(src)
    try:  # Python 3.12+'s tokenizer refuses what Python 2 read (tabs mixed with spaces)
        for _ in tokenize.generate_tokens(io.StringIO(lexable).readline):
            pass
    except TabError:  # the same length, so offsets hold: only top-level starts matter here
        lexable = re.sub(r"(?m)^[ \t]+", lambda m: " " * len(m.group()), lexable)
    except (SyntaxError, tokenize.TokenError):
        pass
    try:
        for t in tokenize.generate_tokens(io.StringIO(lexable).readline):
            if t.type in quiet:
                continue
            if t.type == tokenize.OP and t.string in "([{":
                brackets.append((t.string, t.start))
            elif t.type == tokenize.OP and t.string in ")]}" and brackets:
                brackets.pop()
            if t.type == tokenize.INDENT:
                level += 1
            elif t.type == tokenize.DEDENT:
                level -= 1
            elif t.type == tokenize.NEWLINE:
                new_line = True
            elif t.type == tokenize.ENDMARKER:
                break
            else:
                pos = idx.offset(t.start[0], t.start[1] + 1)
                if start is None and level > 0:
                    return None  # indented code before any statement
                # "except:", "else:", "elif", "finally:" continue the compound statement
                # above them (a try: whose body holds a Python 2 print, as xm ran it)
                continues = t.type == tokenize.NAME and t.string in _CONTINUATIONS
                if new_line and level == 0 and not (continues and start is not None):
                    if start is not None:
                        out.append((start, last))
                    start = pos
                new_line = False
                last = idx.offset(t.end[0], t.end[1] + 1)
    except IndentationError:
        raise
    except tokenize.TokenError:
        if not brackets:
            return None  # an unterminated triple-quoted string: Python's message is right
        char, (row, col) = brackets[-1]
        err = SyntaxError(f"'{char}' was never closed")
        err.lineno, err.offset = row, col + 1
        raise err from None
    except SyntaxError:
        return None
    if start is not None:
        out.append((start, last))
    return out


def _split_semicolons(src: str, cs: int, ce: int) -> list[tuple[int, int]]:
    """``a = 1; print "x"`` as two pieces, so one Python 2 statement does not
    hide the literal next to it (only for one-line simple statements)."""
    piece = src[cs:ce]
    if ";" not in piece or "\n" in piece.rstrip():
        return [(cs, ce)]
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(_lexable(piece)).readline))
    except (tokenize.TokenError, SyntaxError):
        return [(cs, ce)]
    if any(t.type == tokenize.INDENT for t in toks):
        return [(cs, ce)]
    cuts = [t.start[1] for t in toks if t.exact_type == tokenize.SEMI and t.start[0] == 1]
    out, prev = [], 0
    for c in cuts:
        part = piece[prev:c]
        lead = len(part) - len(part.lstrip())
        if part.strip():
            out.append((cs + prev + lead, cs + prev + lead + len(part.strip())))
        prev = c + 1
    part = piece[prev:]
    lead = len(part) - len(part.lstrip())
    if part.strip():
        out.append((cs + prev + lead, cs + prev + lead + len(part.strip())))
    return out or [(cs, ce)]


def _chunk_statements(src: str, cs: int, ce: int, text: str, path: str | None) -> list[Span]:
    """Statements of one piece of a file Python 3 refuses as a whole."""
    piece = src[cs:ce]
    try:
        sub = _ast(piece, path)
    except SyntaxError as exc:
        try:  # a literal in Python 2 syntax (1024L, 0755, ur''), read as xm read it
            found = py2.assignment(text[cs:ce])
            bad = None if found is not None else py2.check_numbers(text[cs:ce])
        except py2.Py2Error as why:
            bad = str(why), why.offset
        if bad is not None:
            raise error_at(text, path, cs + bad[1], bad[0]) from None
        if found is not None:
            return [(found, cs, ce, ())]
        # TabError: Python 2 (xm's, run without -tt) reads a tab as up to 8 columns
        # and accepts indentation that mixes tabs and spaces consistently so
        if _PY2.search(piece) is None and not isinstance(exc, TabError):
            line, col = LineIndex(src).position(cs)
            exc.lineno = (exc.lineno or 1) + line - 1
            if exc.lineno == line:
                exc.offset = (exc.offset or 1) + col - 1
            raise _syntax_error(exc, text, path) from None
        names = tuple(dict.fromkeys(n for m in _PY2_BINDS.findall(piece) for n in m if n))
        return [(None, cs, ce, names)]
    off = _Offsets(piece)
    out: list[Span] = []
    for stmt in sub.body:
        s, e = _span(stmt, off, piece)
        out.append((stmt, cs + s, cs + e, ()))
    return out


def _statements(src: str, text: str, path: str | None) -> list[Span]:
    """``(stmt, start, end, names)`` per top-level statement. A file Python 3
    refuses is split by the tokenizer; statements in Python 2 syntax (``print
    "x"``, ``0755``) become code (stmt None, ``names`` it may bind); any other
    syntax error is reported where Python reports it."""
    try:
        tree = _ast(src, path)
    except SyntaxError as exc:
        try:
            chunks = _chunks(src)
        except SyntaxError as tok_exc:  # the tokenizer's own, better located error
            raise _syntax_error(tok_exc, text, path) from None
        if chunks is None:
            raise _syntax_error(exc, text, path) from None
        out: list[Span] = []
        for cs, ce in chunks:
            for ps, pe in _split_semicolons(src, cs, ce):
                out.extend(_chunk_statements(src, ps, pe, text, path))
        return out
    off = _Offsets(src)
    return [(stmt, *_span(stmt, off, src), ()) for stmt in tree.body]


#: Python's tokens, as far as domU configs use them: a fast lexer for the usual file.
#: Anything it does not know (Python 2 numbers, backticks, stray characters) sends the
#: file down the exact path (ast.parse of the whole file, the tokenize module).
_PY_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<skip>[ \t\f]+|\\(?:\r\n|\r|\n)|#[^\r\n]*)",
            r"(?P<nl>\r\n|\r|\n)",
            r"(?P<STRING>(?:[rRbBfF][rRbB]?|[uU])?(?:"
            r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
            r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
            r"|'[^'\\\r\n]*(?:\\[\s\S][^'\\\r\n]*)*'"
            r'|"[^"\\\r\n]*(?:\\[\s\S][^"\\\r\n]*)*"))',
            r"(?P<NUMBER>(?:0[xXoObB][0-9a-fA-F_]+|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)"
            r"(?:[eE][-+]?[0-9][0-9_]*)?)[jJ]?(?![\w.]))",
            r"(?P<NAME>[^\W\d]\w*)",
            r"(?P<OP>\*\*=|//=|>>=|<<=|!=|->|\.\.\.|:=|[-+*/%&|^@<>=]=|\*\*|//|<<|>>"
            r"|[-+*/%&|^~<>()\[\]{},:;.=@])",
        )
    )
)
_OP_KIND = {op: tokenize.tok_name[t] for op, t in tokenize.EXACT_TOKEN_TYPES.items()}
_CONTINUES = frozenset({"else", "elif", "except", "finally"})


class _NotFast(Exception):
    """The fast lexer met something only Python's own tools read right."""


def _xm_scalar(kind: str, raw: str) -> Any:
    """A STRING or NUMBER token :data:`LITERAL` accepts, read as Python reads it."""
    if kind == "NUMBER":  # 1024L is 1024 and 0755 is 493 (Python 2 longs and octals)
        return int(raw) if raw[0] != "0" and raw[-1] not in "lL" else py2.number(raw)
    return raw[2:-1] if raw[0] in "uU" else raw[1:-1]


#: The literals the streaming reader takes without Python's parser: strings without a
#: backslash (``u`` prefix at most: no bytes, f-strings, raw strings or escapes to
#: decode), decimal integers (Python 2 octals and ``L`` longs too), and lists of them.
#: Anything else (``-1``, ``0x10``, ``True``, ``'a' 'b'``, a tuple) goes through
#: :func:`ast.parse`.
LITERAL = Dialect(
    re.compile(
        "|".join(
            (
                r"(?P<skip>[ \t\f]+|\\(?:\r\n|\r|\n)|#[^\r\n]*|\r\n|\r|\n)",
                r"""(?P<STRING>[uU]?(?:'[^'\\\r\n]*'|"[^"\\\r\n]*"))""",
                r"(?P<NUMBER>(?:0[0-7]{0,999}|[1-9][0-9]{0,999})[lL]?(?![\w.]))",
                r"(?P<LSQB>\[)|(?P<RSQB>\])|(?P<COMMA>,)",
            )
        )
    ),
    _xm_scalar,
)
#: ``name =`` at the start of a line (Python's NFKC-normalised identifiers left to it).
_HEAD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t\f]*(=)(?!=)[ \t\f]*")
#: What may follow a literal on its line: ``;``, a comment, the newline.
_TAIL = re.compile(r"[ \t\f]*(?:(;)[ \t\f]*)?(?:#[^\r\n]*)?(?:\r\n|\r|\n|\Z)")


def _literal_statement(
    text: str, start: int, memo: dict[str, Any], reader: LazyValue
) -> tuple[Node, int] | None:
    """``name = literal`` on lines of its own at ``start``, read without Python's parser:
    its node, and where the next line starts. ``None`` for anything else. ``memo`` and
    ``reader``: the parse's shared values and the reader of its lazy lists."""
    head = _HEAD.match(text, start)
    if head is None:
        return None
    key = head.group(1)
    if iskeyword(key) or key == "__debug__":
        return None
    at = head.end()
    found = read_rhs(LITERAL, text, at, memo)
    if found is None:
        return None
    end, value, rhs = found
    tail = _TAIL.match(text, end)
    if tail is None:
        return None
    semi = tail.start(1)
    next_line = tail.end()
    key = intern(key)
    if rhs is None:  # light: the value (a list read on first use), no tokens
        if text.startswith("[", at):
            return lazy_assignment(key, "=", reader, start), next_line
        a = Assignment(key, value)
        return built(a, start), next_line
    key_tok = Tok("NAME", key, start)
    eq = Tok("EQUAL", "=", head.start(2))
    a = Assignment(key, value, key_tok=key_tok, rhs=rhs)
    pieces: list[Any] = [key_tok, eq, *rhs]
    if semi >= 0:
        pieces.append(Tok("SEMI", ";", semi))
    a.cst = pieces
    return domu.bind_assignment(a), next_line


def _scan_chunks(
    src: str, text: str, pos: int, literals: bool
) -> Iterator[tuple[int, int, list[Tok]] | Node]:
    """Top-level statements (``start``, ``end``, significant tokens) by the fast lexer,
    one at a time; raises :class:`_NotFast` for what it does not know. ``literals``:
    a ``name = literal`` statement comes as its finished node (:func:`_literal_statement`)."""
    match = _PY_TOKEN.match
    n = len(src)
    toks: list[Tok] = []
    depth = 0
    line_start = pos  # offset where the current physical line begins (depth 0)
    at_line_start = True
    decorating = False
    memo: dict[str, Any] = {}  # equal values share one object
    reader = LazyValue(LITERAL, text)
    while pos < n:
        m = match(src, pos)
        if m is None:
            raise _NotFast
        kind = m.lastgroup
        start, pos = pos, m.end()
        if kind == "skip":
            if pos == n and src[start] == "\\":
                raise _NotFast  # a continuation into the end of the file: Python refuses it
            continue
        if kind == "nl":
            if depth == 0:
                at_line_start, line_start = True, pos
            continue
        word = text[start:pos]
        if at_line_start and depth == 0:
            at_line_start = False
            if start == line_start:  # column 0: a new statement, unless it continues one
                if toks and word not in _CONTINUES and not decorating:
                    yield toks[0].pos, toks[-1].end, toks
                    toks = []
                if literals and not toks and kind == "NAME":
                    found = _literal_statement(text, start, memo, reader)
                    if found is not None:
                        node, pos = found
                        yield node
                        at_line_start, line_start = True, pos
                        continue
                decorating = word == "@"  # a decorator line: the def that follows is its
            elif not toks:
                raise _NotFast  # indented code before any statement
        if kind == "OP":
            if word in "([{":
                depth += 1
            elif word in ")]}":
                depth -= 1
                if depth < 0:
                    raise _NotFast
            kind = _OP_KIND.get(word, "OP")
        assert kind is not None
        toks.append(Tok(kind, word, start))
    if depth:
        raise _NotFast
    if toks:
        yield toks[0].pos, toks[-1].end, toks


def _fast_children(
    analysis: str, text: str, bom: int, undecodable: bool, literals: bool = True
) -> list[Node] | None:
    """The statements of a file that the fast lexer reads and Python 3 parses piece by
    piece; ``None`` sends the file down the exact path. Each statement's tokens and
    syntax tree are dropped once its node is built: a large file never holds them all."""
    children: list[Node] = []
    semi_re = re.compile(r"[ \t\f]*;")
    # the streaming reader reads the text itself: not where the analysis differs from it
    literals = literals and analysis is text
    try:
        for chunk in _scan_chunks(analysis, text, bom, literals):
            if isinstance(chunk, Node):
                children.append(chunk)
                continue
            cs, ce, toks = chunk
            piece = analysis[cs:ce]
            off = _Offsets(piece)
            for stmt in _ast(piece, None).body:
                s, e = _span(stmt, off, piece)
                start, end = cs + s, cs + e
                m = semi_re.match(analysis, end)
                semi = m.end() - 1 if m else None
                own = [t for t in toks if start <= t.pos < end]
                children.append(_statement(stmt, text, start, end, semi, undecodable, own))
    except (_NotFast, SyntaxError, RecursionError, MemoryError, ValueError, py2.Py2Error):
        return None
    return children


def parse(text: str, path: str | None = None) -> XmDocument:
    """Parse an xm domU config (Python syntax); raises :class:`xencfg.ParseError`."""
    # One warnings filter for the whole parse, not one per statement (setting a filter
    # invalidates the warnings registry: it was 14% of the parse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes are the file's business
        return _parse(text, path)


def _parse(text: str, path: str | None, literals: bool = True) -> XmDocument:
    """:func:`parse`; ``literals=False`` reads every statement with Python's parser (the
    reference the streaming reader of ``name = literal`` lines is tested against)."""
    # The AST needs encodable text: undecodable bytes (lone surrogates from
    # surrogateescape) are mapped one-to-one to private-use characters for the
    # analysis and mapped back in string values; positions stay the same.
    undecodable = _HAS_SURROGATE.search(text) is not None
    analysis = text.translate(_TO_PUA) if undecodable else text
    if "\x00" in analysis:
        analysis = analysis.replace("\x00", "?")
    # A byte-order mark is not Python; it stays in the text as leading trivia.
    bom = 1 if analysis.startswith("\ufeff") else 0
    fast = _fast_children(analysis, text, bom, undecodable, literals)
    if fast is not None:
        return _document(fast, text, path)
    try:
        spans = _statements(analysis[bom:], text[bom:], path)
        if bom:
            spans = [(st, s + bom, e + bom, names) for st, s, e, names in spans]
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ParseError(f"cannot parse as Python: {type(exc).__name__}", path=path) from None
    children: list[Node] = []
    semi_re = re.compile(r"[ \t\f]*;")
    for stmt, start, end, names in spans:
        m = semi_re.match(analysis, end)
        semi = m.end() - 1 if m else None
        if isinstance(stmt, tuple):
            children.append(_py2_statement(stmt, text, start, semi))
            continue
        if stmt is None:
            end2 = semi + 1 if semi is not None else end
            code = Code(text[start:end2], names)
            code.cst = [Tok("CODE", text[start:end2], start)]
            children.append(built(code, start))
            continue
        try:
            children.append(_statement(stmt, text, start, end, semi, undecodable))
        except py2.Py2Error as why:
            raise error_at(text, path, start + why.offset, str(why)) from None
        except RecursionError:
            raise error_at(text, path, start, "expression nested too deeply") from None
    return _document(children, text, path)


def _document(children: list[Node], text: str, path: str | None) -> XmDocument:
    doc = XmDocument(children)
    doc.cst = list(children)
    finish(doc, text, path)
    adopt_final_newline(doc)
    doc.path = path
    doc.source = text
    return doc


_DOMU_LINE = re.compile(r"^[ \t]*(?:" + "|".join(domu.DOMU_KEYS) + r")[ \t]*=", re.M)


def sniff(text: str) -> bool:
    """A domU config in xm style: assigns a domU setting at the start of a line
    and is valid Python. Files that are both valid xm and xl (plain
    ``key = "value"`` lines) count as xm: xm accepts every such file the same."""
    if _DOMU_LINE.search(text) is None:
        return False
    return parses(parse, text)


__all__ = ["FORMAT", "STYLE", "TRIVIA", "XmDocument", "literal", "parse", "sniff"]
