"""Exceptions raised by xencfg.

Everything xencfg raises on bad input is an :class:`XencfgError`, so a caller
(and our own CLI) can catch one class and never show a traceback to a user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .formats.schema import Version


class XencfgError(Exception):
    """Base class of every error xencfg raises on purpose."""


class UnknownFormatError(XencfgError):
    """The format of a file could not be detected, or its name is not known.

    ``path`` is the file whose format could not be told (``None`` for an unknown
    format name)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:  # kw-only args pickle too
        return (_rebuild_unknown_format, (str(self), self.path))


def _rebuild_unknown_format(message: str, path: str | None) -> UnknownFormatError:
    return UnknownFormatError(message, path=path)


class _FileError(XencfgError):
    """A file could not be read or written: ``path`` and the ``reason`` (the message
    after the path), kept apart so that a caller handling many files tells which one
    failed, and why, without parsing the text."""

    def __init__(self, reason: str, *, path: str | None = None) -> None:
        self.reason = reason
        self.path = path
        super().__init__(reason if path is None else f"{path}: {reason}")

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:  # kw-only args pickle too
        return (_rebuild_file_error, (type(self), self.reason, self.path))


def _rebuild_file_error(cls: type[_FileError], reason: str, path: str | None) -> _FileError:
    return cls(reason, path=path)


class ReadError(_FileError):
    """A file could not be read: missing, not a regular file, unreadable, too big.

    ``path`` is the file as given, ``reason`` the rest of the message (``cannot read:
    No such file or directory``), as :class:`WriteError` has them: a caller that
    loads many files tells which one failed, and why, without parsing the text.
    """


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
        text: str | None = None,
    ) -> None:
        if text is not None and not snippet:  # the offending line of ``text``, with a caret
            snippet = caret_snippet(text, line, column)
        if isinstance(snippet, Snippet) and snippet.secrets:  # a got-token quoting them
            from .secrets import mask_words

            message = mask_words(message, snippet.secrets)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.snippet = snippet
        self.expected = expected
        #: What could still be read, for lint (e.g. blocks closed at the end of the
        #: file as the daemon does); ``None`` when nothing could.
        self.partial: object | None = None
        #: How lint reports it (XC001): ``"warning"`` where the daemon reads the
        #: file as its author meant anyway (multipath closing sections at its end).
        self.severity = "error"
        #: ``(component, release)``: the releases before it read the file as meant (they
        #: skip what a later one refuses); lint makes the error a warning where the
        #: component's release in force is older (corosync's stray lines).
        self.older_reads: tuple[str, Version] | None = None
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

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle every field but :attr:`partial` (what could be read: a model that need
        not pickle, and that a process handing the error on has no use for)."""
        return (
            _rebuild_parse_error,
            (
                self.message,
                self.path,
                self.line,
                self.column,
                self.snippet,
                self.expected,
                self.severity,
                self.older_reads,
            ),
        )


def _rebuild_parse_error(
    message: str,
    path: str | None,
    line: int,
    column: int,
    snippet: str,
    expected: str,
    severity: str = "error",
    older_reads: tuple[str, Version] | None = None,
) -> ParseError:
    error = ParseError(
        message, path=path, line=line, column=column, snippet=snippet, expected=expected
    )
    error.severity = severity
    error.older_reads = older_reads
    return error


class ValidationError(XencfgError, ValueError):
    """A document parses but breaks its schema (the CIB against crm.dtd, for example),
    or an edit is refused: a value the format cannot hold, a name already used, a
    keyword the dialect lacks. The document is left as it was.

    It is a ``ValueError`` too, so that ``except ValueError`` (a bad value, as Python's
    own calls raise it), ``except ValidationError`` and ``except XencfgError`` all
    catch a refused edit, whatever the format. Without a place (an edit: no
    ``path``, no ``line``) its text is the message alone."""

    def __init__(self, message: str, *, path: str | None = None, line: int = 0, column: int = 0):
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        placed = path is not None or line > 0
        super().__init__(f"{self.location}: {message}" if placed else message)

    @property
    def location(self) -> str:
        """``path:line:col`` (``<string>`` when the text had no path), as ParseError's."""
        return f"{self.path or '<string>'}:{self.line}:{self.column}"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle with its place: the keyword-only ``path``, ``line`` and ``column`` are
        not in ``args``, so the default pickling gave back an error with none (a
        multiprocessing worker's refusal lost where it was)."""
        return (_rebuild_validation_error, (self.message, self.path, self.line, self.column))


def _rebuild_validation_error(
    message: str, path: str | None, line: int, column: int
) -> ValidationError:
    return ValidationError(message, path=path, line=line, column=column)


class WriteError(_FileError):
    """A file could not be written safely (it changed on disk, or the write failed).

    ``path`` is the file (or the folder) the write failed on, as the message names it
    first: a followed symlink's target, not the link; ``reason`` is the rest of the
    message. A caller that writes many files can tell which one failed without parsing
    the text, as :attr:`ParseError.path` tells it which one did not parse.
    """


def caret_snippet(text: str, line: int, column: int, *, width: int = 160) -> str:
    """The 1-based ``line`` of ``text`` with a caret under ``column``.

    Long lines are cut around the column so an error about a 100,000-character
    line stays readable; the value of a secret-looking setting on the line is
    masked (the file did not parse, so no model can say what is secret).
    """
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    from .secrets import mask_line, mask_words, secret_words

    before = lines[line - 2] if line > 1 else ""
    raw = lines[line - 1].expandtabs(1)
    src = mask_line(raw, before)  # an error must not quote a password
    words = {w for w in secret_words(lines) if w in raw}  # set on another line, quoted here
    src = mask_words(src, words)
    col = max(column - 1, 0)
    if len(src) > width:
        start = max(col - width // 2, 0)
        src = src[start : start + width]
        col -= start
    out = Snippet(f"    {src}\n    {' ' * col}^")
    out.secrets = frozenset(words | {w for w in secret_words([before, raw]) if w in raw})
    return out


class Snippet(str):
    """A caret snippet that knows the secret words its line held (and masks), so that
    the error's message can mask them too (``got 'SECRET'``)."""

    secrets: frozenset[str] = frozenset()


def error_at(
    text: str, path: str | None, offset: int, message: str, expected: str = ""
) -> ParseError:
    """A :class:`ParseError` located at ``offset`` of ``text``, for checks made after
    parsing (the parser's own errors carry their place already)."""
    from .syntax.source import LineIndex

    line, col = LineIndex(text).position(offset)
    return ParseError(message, path=path, line=line, column=col, text=text, expected=expected)


def need_str(value: object, where: str) -> str:
    """``value`` when it is a str, else the ``TypeError`` Python's own calls give for the
    wrong kind of argument: a tool passing ``None`` or an int as a name must read its
    mistake (``where``: the call and argument, ``add_target(name)``), not an
    ``AttributeError`` from inside a parser."""
    if not isinstance(value, str):
        raise TypeError(f"{where} is a str, not {type(value).__name__}")
    return value
