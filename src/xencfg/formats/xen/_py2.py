"""Python 2 literals in xm configs, read as xm's Python 2 read them (never run).

xm loaded a domU config with ``execfile(defconfig, globs, locs)`` under Python 2
(tools/python/xen/xm/opts.py, ``Opts.load``, which create.py calls), so admins
wrote Python 2 literal forms Python 3's parser refuses: ``1024L`` and ``0x10L``
(long integers), ``0755`` (an octal: 493), ``ur'...'`` strings. This module reads
them by the Python 2.7 Language Reference, "Lexical analysis" (2.4.1 String
literals, 2.4.4 Integer and long integer literals, 2.4.5 Floating point, 2.4.6
Imaginary) and evaluates a literal expression: numbers, strings (adjacent ones
concatenated), ``True``/``False``/``None``, lists, tuples, dicts, sets, and a
sign before a number, as :func:`~.xm.literal` does for Python 3 syntax.

What Python 2 refuses (``08``: "invalid token"; ``'\\x4'``: "invalid \\x escape")
raises :class:`Py2Error`: xm could not load the file.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..._lazy import lazy_re
from ._base import ESCAPES, MAX_DEPTH

#: One Python 2 token of a literal expression (2.4 Literals, 2.5 Operators, 2.6
#: Delimiters, as far as literals use them). ``BADNUM``: digits Python 2's tokenizer
#: refuses (``08``, ``0779``: a leading 0 makes an octal).
TOKEN = lazy_re(
    "|".join(
        (
            r"(?P<skip>[ \t\f]+|\\(?:\r\n|\r|\n)|#[^\r\n]*)",
            r"(?P<nl>\r\n|\r|\n)",
            r"(?P<STRING>(?:[uU][rR]?|[bB][rR]?|[rR])?(?:"
            r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
            r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
            r"|'[^'\\\r\n]*(?:\\[\s\S][^'\\\r\n]*)*'"
            r'|"[^"\\\r\n]*(?:\\[\s\S][^"\\\r\n]*)*"))',
            # imagnumber, floatnumber, then the integers (2.4.4 to 2.4.6)
            r"(?P<NUMBER>(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[jJ]"
            r"|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+"
            r"|0[xX][0-9a-fA-F]+[lL]?|0[oO][0-7]+[lL]?|0[bB][01]+[lL]?"
            r"|0[0-7]*[lL]?|[1-9][0-9]*[lL]?)(?![\w.]))",
            r"(?P<BADNUM>[0-9][\w.]*)",
            r"(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<OP>[-+\[\](){},:;=])",
        )
    )
)
_CONSTANTS = {"True": True, "False": False, "None": None}


class Py2Error(Exception):
    """Python 2 refuses this text: xm create fails before it reads a setting."""

    def __init__(self, message: str, offset: int) -> None:
        if "xm" not in message:
            message += ": Python 2 (xm's language) refuses it, so xm cannot load the file"
        super().__init__(message)
        self.offset = offset


class NotPy2Literal(Exception):
    """Valid Python 2 perhaps, but not a literal expression (a call, an operator, a name)."""


#: The longest integer read as a literal (4,096 bits: 1,234 decimal digits).
_BITS = 4096


def number(raw: str) -> int | float | complex:
    """The value of a Python 2 NUMBER token: ``1024L`` is 1024, ``0755`` is 493 (an
    ``octinteger`` is ``"0" octdigit+``), ``0x10L`` is 16, ``1.5j`` imaginary."""
    if raw[-1] in "jJ":
        return complex(0.0, float(raw[:-1]))
    if raw[-1] in "lL":
        raw = raw[:-1]
    if raw[:2] in ("0x", "0X", "0o", "0O", "0b", "0B"):
        return int(raw, 0)
    if any(c in raw for c in ".eE"):
        return float(raw)
    if len(raw) > 1 and raw[0] == "0":
        return int(raw, 8)
    return int(raw)


def bad_number(raw: str) -> str:
    """Why Python 2 refuses the digits ``raw`` (a BADNUM token)."""
    why = (
        "a leading 0 makes an octal, whose digits are 0 to 7"
        if raw.isdigit()
        else "its numbers have no '_' between digits, and 'L' ends only an integer"
    )
    return (
        f"'{raw}' is not a Python 2 number (xm's language: {why}); xm stops with"
        " 'SyntaxError: invalid token'"
    )


_SIMPLE = {"\n": "", **ESCAPES}  # a backslash-newline continues the string
_ESCAPE = lazy_re(
    r"\\(\r\n|[0-7]{1,3}|x[0-9a-fA-F]{0,2}|u[0-9a-fA-F]{0,4}|U[0-9a-fA-F]{0,8}"
    r"|N(?:\{[^}]*\})?|[\s\S])"
)
_RAW_UNICODE = lazy_re(r"(\\+)(u[0-9a-fA-F]{0,4}|U[0-9a-fA-F]{0,8})")


def string(raw: str, at: int = 0) -> str:
    """The value of a Python 2 STRING token (2.4.1 String literals).

    A plain (byte) string does not know ``\\u``, ``\\U`` nor ``\\N{...}``: they stay
    with their backslash. ``u''`` decodes them. A raw string keeps every backslash,
    except that ``ur''`` still decodes ``\\uXXXX``. An octal escape in a byte string
    gives one byte (``\\777`` is 0xFF). Byte strings are read as this library reads
    every xm string: one character per byte value (as Python 3 reads ``'\\xe9'``).
    ``at``: the token's offset, for :class:`Py2Error`."""
    i = 0
    while raw[i] not in "'\"":
        i += 1
    prefix = raw[:i].lower()
    q = 3 if raw[i : i + 3] in ("'''", '"""') else 1
    body = raw[i + q : len(raw) - q]
    uni, is_raw = "u" in prefix, "r" in prefix
    if "\\" not in body:
        return body
    if is_raw:
        if not uni:
            return body

        def raw_sub(m: re.Match[str]) -> str:
            slashes, esc = m.group(1), m.group(2)
            if len(slashes) % 2 == 0:  # (``\\u``: the backslash is escaped)
                return m.group()
            need = 4 if esc[0] == "u" else 8
            if len(esc) - 1 != need:
                raise Py2Error(f"truncated \\{esc[0]}XXXX escape in {raw[:40]!r}", at)
            return slashes[:-1] + _char(int(esc[1:], 16), raw, at)

        return _RAW_UNICODE.sub(raw_sub, body)

    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        if e == "\r\n" or e in _SIMPLE:
            return _SIMPLE.get(e, "")
        c = e[0]
        if c in "01234567":
            v = int(e, 8)
            return chr(v if uni else v & 0xFF)
        if c == "x":
            if len(e) != 3:
                raise Py2Error(f"invalid \\x escape in {raw[:40]!r}", at)
            return chr(int(e[1:], 16))
        if uni and c in "uU":
            if len(e) - 1 != (4 if c == "u" else 8):
                raise Py2Error(f"truncated \\{c}XXXX escape in {raw[:40]!r}", at)
            return _char(int(e[1:], 16), raw, at)
        if uni and c == "N":
            try:
                return unicodedata.lookup(e[2:-1]) if len(e) > 2 else _no_name(raw, at)
            except KeyError:
                raise Py2Error(f"unknown Unicode character name in {raw[:40]!r}", at) from None
        return "\\" + e  # not an escape: the backslash stays (2.4.1)

    return _ESCAPE.sub(sub, body)


def _char(code: int, raw: str, at: int) -> str:
    if code > 0x10FFFF:
        raise Py2Error(f"illegal Unicode character in {raw[:40]!r}", at)
    return chr(code)


def _no_name(raw: str, at: int) -> str:
    raise Py2Error(f"malformed \\N character escape in {raw[:40]!r}", at)


def tokens(src: str, start: int = 0, end: int | None = None) -> list[tuple[str, str, int]]:
    """``(kind, text, offset)`` of the significant tokens of ``src[start:end]``.

    Raises :class:`Py2Error` at digits Python 2 refuses, :class:`NotPy2Literal` at
    anything a literal has no use for."""
    end = len(src) if end is None else end
    out: list[tuple[str, str, int]] = []
    pos = start
    depth = 0
    ended = False  # a newline outside brackets ends the statement
    while pos < end:
        m = TOKEN.match(src, pos, end)
        if m is None:
            raise NotPy2Literal(f"{src[pos]!r} at {pos}")
        kind = m.lastgroup or ""
        if kind == "BADNUM":
            raise Py2Error(bad_number(m.group()), pos)
        if kind == "nl":
            ended = ended or depth == 0
        elif kind != "skip":
            if ended:
                raise NotPy2Literal("a second statement")
            text = m.group()
            if kind == "OP":
                depth += (text in "([{") - (text in ")]}")
            out.append((kind, text, pos))
        pos = m.end()
    return out


def check_numbers(src: str) -> tuple[str, int] | None:
    """The first number Python 2 refuses in ``src`` (``08``) and its offset, skipping
    strings and comments; for code the reader keeps as code but xm never loaded."""
    pos, n = 0, len(src)
    while pos < n:
        m = TOKEN.match(src, pos)
        if m is None:
            pos += 1
            continue
        if m.lastgroup == "BADNUM":
            return bad_number(m.group()), pos
        pos = m.end()
    return None


class _Reader:
    """Recursive descent over one literal expression's tokens (depth-limited)."""

    def __init__(self, toks: list[tuple[str, str, int]]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> str:
        return self.toks[self.i][1] if self.i < len(self.toks) else ""

    def take(self, text: str) -> bool:
        if self.peek() == text and self.toks[self.i][0] == "OP":
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.take(text):
            raise NotPy2Literal(f"expected {text!r}")

    def exprlist(self) -> Any:
        """``a`` or ``a, b`` (a tuple), as the right-hand side of ``=`` allows."""
        first = self.expr()
        if not self.take(","):
            return first
        items = [first]
        while self.i < len(self.toks):
            items.append(self.expr())
            if not self.take(","):
                break
        return tuple(items)

    def items(self, close: str) -> list[Any]:
        out: list[Any] = []
        while not self.take(close):
            out.append(self.expr())
            if not self.take(","):
                self.expect(close)
                break
        return out

    def expr(self) -> Any:
        if self.i >= len(self.toks):
            raise NotPy2Literal("end of the expression")
        kind, text, at = self.toks[self.i]
        if kind == "OP" and text in "-+":
            self.i += 1
            v = self.nested(self.expr)
            if isinstance(v, (int, float, complex)) and not isinstance(v, bool):
                return -v if text == "-" else +v
            raise NotPy2Literal("a sign before a non-number")
        self.i += 1
        if kind == "NUMBER":
            try:
                v = number(text)
            except ValueError:  # (int() refuses over 4,300 decimal digits: past _BITS)
                raise NotPy2Literal("a number too long to write in decimal") from None
            if isinstance(v, int) and v.bit_length() > _BITS:
                # (0x + 5,000 digits: repr() and str() of it raise past 4,300 decimal
                # digits; no setting takes such a number, so the line is code)
                raise NotPy2Literal("a number too long to write in decimal")
            return v
        if kind == "STRING":
            parts = [string(text, at)]
            while self.i < len(self.toks) and self.toks[self.i][0] == "STRING":
                parts.append(string(self.toks[self.i][1], self.toks[self.i][2]))
                self.i += 1
            return "".join(parts)
        if kind == "NAME" and text in _CONSTANTS:
            return _CONSTANTS[text]
        if kind == "OP" and text == "[":
            return self.nested(lambda: self.items("]"))
        if kind == "OP" and text == "(":
            return self.nested(self.paren)
        if kind == "OP" and text == "{":
            return self.nested(self.brace)
        raise NotPy2Literal(text)

    def nested(self, read: Any) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NotPy2Literal("nested too deeply")
        try:
            return read()
        finally:
            self.depth -= 1

    def paren(self) -> Any:
        if self.take(")"):
            return ()
        first = self.expr()
        if self.take(")"):
            return first  # (a parenthesised value, not a tuple)
        self.expect(",")
        return tuple([first, *self.items(")")])

    def brace(self) -> Any:
        if self.take("}"):
            return {}
        first = self.expr()
        if self.take(":"):
            pairs = [(first, self.expr())]
            while self.take(","):
                if self.take("}"):
                    break
                k = self.expr()
                self.expect(":")
                pairs.append((k, self.expr()))
            else:
                self.expect("}")
            try:
                return dict(pairs)
            except TypeError:
                raise NotPy2Literal("an unhashable key") from None
        try:
            if self.take("}"):
                return {first}
            self.expect(",")
            return {first, *self.items("}")}
        except TypeError:
            raise NotPy2Literal("an unhashable element") from None


def value(toks: list[tuple[str, str, int]]) -> Any:
    """The value of the literal expression ``toks`` (all of them)."""
    r = _Reader(toks)
    v = r.exprlist()
    if r.i != len(toks):
        raise NotPy2Literal(f"{toks[r.i][1]!r} after the value")
    return v


#: ``(name, name offset, '=' offset, value, value tokens, ';' offset)``
Py2Assignment = tuple[str, int, int, Any, list[tuple[str, str, int]], "int | None"]

_HEAD = lazy_re(r"[ \t\f]*([A-Za-z_][A-Za-z0-9_]*)[ \t\f]*(=)(?!=)")


def assignment(src: str) -> Py2Assignment | None:
    """``name = <Python 2 literal>`` (and an optional ``;``) in the statement ``src``:
    ``(name, name offset, '=' offset, value, value tokens, ';' offset)``, or ``None``
    when it is something else. Raises :class:`Py2Error` where Python 2 refuses it."""
    head = _HEAD.match(src)
    if head is None or head.group(1) in ("print", "exec") or head.group(1) in _KEYWORDS:
        return None
    try:
        toks = tokens(src, head.end())
    except NotPy2Literal:
        return None
    semi = None
    if toks and toks[-1][:2] == ("OP", ";"):
        semi = toks.pop()[2]
    if not toks or any(t[:2] == ("OP", "=") for t in toks):
        return None  # (``a = b = 1``: chained, left to the code path)
    try:
        v = value(toks)
    except NotPy2Literal:
        return None
    return head.group(1), head.start(1), head.start(2), v, toks, semi


#: Python 2.7's keywords (2.3.1): none of them is a name that ``=`` assigns.
_KEYWORDS = frozenset(
    [
        "and",
        "as",
        "assert",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "exec",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "not",
        "or",
        "pass",
        "print",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
    ]
)
