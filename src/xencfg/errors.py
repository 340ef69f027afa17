"""Exceptions raised by xencfg.

Everything xencfg raises on bad input is an :class:`XencfgError`, so a caller
(and our own CLI) can catch one class and never show a traceback to a user.
"""

from __future__ import annotations

import re


class XencfgError(Exception):
    """Base class of every error xencfg raises on purpose."""


class UnknownFormatError(XencfgError):
    """The format of a file could not be detected, or its name is not known."""


class ParseError(XencfgError):
    """A file does not follow its format's syntax.

    ``line`` and ``column`` are 1-based. ``expected`` says in words what the
    parser wanted (``"'{' after the resource name"``); ``snippet`` is the
    offending source line with a caret under the column.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int = 1,
        column: int = 1,
        snippet: str = "",
        expected: str = "",
    ) -> None:
        if snippet and "********" in snippet:
            message = _mask_quoted(message, snippet)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.snippet = snippet
        self.expected = expected
        #: What could still be read, for lint (e.g. blocks closed at the end of the
        #: file as the daemon does); ``None`` when nothing could.
        self.partial: object | None = None
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        """``path:line:col`` (``<string>`` when the text had no path)."""
        return f"{self.path or '<string>'}:{self.line}:{self.column}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.snippet:
            text += "\n" + self.snippet
        return text

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:  # kw-only args pickle too
        return (
            _rebuild_parse_error,
            (self.message, self.path, self.line, self.column, self.snippet, self.expected),
        )


_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")  # pairs, left to right


def _mask_quoted(message: str, snippet: str) -> str:
    """``message`` with each quoted token that the (masked) snippet no longer shows
    masked too: ``expected '=', got 'SECRET'`` on a password line quoted the very
    value the snippet hides."""

    def sub(m: re.Match[str]) -> str:
        token = m.group(1) if m.group(1) is not None else m.group(2)
        if len(token) < 3 or token in snippet:
            return m.group(0)
        return m.group(0).replace(token, "********")

    return _QUOTED.sub(sub, message)


def _rebuild_parse_error(
    message: str, path: str | None, line: int, column: int, snippet: str, expected: str
) -> ParseError:
    return ParseError(
        message, path=path, line=line, column=column, snippet=snippet, expected=expected
    )


class ValidationError(XencfgError):
    """A document parses but breaks its schema (the CIB against crm.dtd, for example)."""

    def __init__(self, message: str, *, path: str | None = None, line: int = 0, column: int = 0):
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(f"{path or '<string>'}:{line}:{column}: {message}")


class WriteError(XencfgError):
    """A file could not be written safely (it changed on disk, or the write failed)."""


def caret_snippet(text: str, line: int, column: int, *, width: int = 160) -> str:
    """The 1-based ``line`` of ``text`` with a caret under ``column``.

    Long lines are cut around the column so an error about a 100,000-character
    line stays readable; the value of a secret-looking setting on the line is
    masked (the file did not parse, so no model can say what is secret).
    """
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    from .secrets import mask_line

    src = mask_line(lines[line - 1].expandtabs(1))  # an error must not quote a password
    col = max(column - 1, 0)
    if len(src) > width:
        start = max(col - width // 2, 0)
        src = src[start : start + width]
        col -= start
    return f"    {src}\n    {' ' * col}^"
