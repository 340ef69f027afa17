"""Shared base of the read-only command-output parsers (multipath -ll, /proc/drbd).

Their text is scraped more often than copied: headers go missing, indentation
is stripped, prompts and artifacts slip in. The parsers are line-based and
lenient: each recognised line feeds the typed model, every other line is
kept in :attr:`StatusDocument.unparsed` (with its line number) instead of
failing. Only a line that cannot belong where it stands (a path before any
map, counters before any device) is a :class:`xencfg.ParseError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...document import SourceDocument
from ...errors import ParseError


@attrs.define(weakref_slot=False)
class StatusDocument(SourceDocument):
    """Read-only: :meth:`dumps` is the original text; the model is not rendered."""

    #: ``(line number, text)`` of lines no rule recognised (artifacts, prompts, elisions).
    unparsed: list[tuple[int, str]] = attrs.field(factory=list, eq=False)

    def dumps(self) -> str:
        return self.source

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """The format, then the model's fields in declaration order, records as dicts
        (:func:`as_dict`); fields kept out of ``repr`` (secrets, bookkeeping) left out."""
        base = {f.name for f in attrs.fields(StatusDocument)}
        return {"format": self.format} | {
            f.name: as_dict(getattr(self, f.name))
            for f in attrs.fields(type(self))
            if f.name not in base and f.repr is not False
        }


#: Digits in a count any of these commands prints (a 64-bit counter has 20); longer is
#: not state, and ``int()`` refuses strings past 4,300 digits with a ValueError.
MAX_DIGITS = 20


@attrs.define
class Record:
    """A record read from captured output. :attr:`line` is where it was read, for the
    findings that point at it: given by keyword (``Volume(..., line=no)``), not compared
    (the same state read from two captures is equal) and not shown (:func:`as_dict`
    leaves it out)."""

    line: int = attrs.field(default=0, eq=False, repr=False, kw_only=True)


def number(s: str | None) -> int | None:
    """An optional count: ``s`` as an int (``,`` thousands separators allowed), or
    ``None`` when absent, not ASCII digits, or longer than :data:`MAX_DIGITS`."""
    if not s:
        return None
    digits = s.replace(",", "")
    sign = digits[:1] == "-"
    body = digits[1:] if sign else digits
    if not body or len(body) > MAX_DIGITS or not body.isascii() or not body.isdigit():
        return None
    return -int(body) if sign else int(body)


def lines(text: str) -> Iterator[tuple[int, str]]:
    """``(1-based number, line without its newline/CR)`` of every line, one at a time
    (a list of them all would hold a second copy of the text while the model is built)."""
    start, n = 0, len(text)
    no = 1
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        yield no, text[start:end].rstrip("\r")
        start, no = end + 1, no + 1


def fail(message: str, text: str, path: str | None, line: int, column: int = 1) -> ParseError:
    return ParseError(message, path=path, line=line, column=column, text=text)


def misplaced(message: str, text: str, path: str | None, no: int, ln: str) -> ParseError:
    """A line that cannot stand where it does (a detail before its header, a row under
    a table's header that is not one): the error points at line ``no``'s first
    non-blank character (``ln`` is its text)."""
    return fail(message, text, path, no, first_col(ln))


def first_col(line: str) -> int:
    """1-based column of the first non-blank character."""
    return len(line) - len(line.lstrip()) + 1


def as_dict(obj: Any) -> Any:
    """attrs objects -> dicts, recursively (fields marked ``repr=False`` left out)."""
    if attrs.has(type(obj)):
        return {
            f.name: as_dict(getattr(obj, f.name))
            for f in attrs.fields(type(obj))
            if f.repr is not False
        }
    if isinstance(obj, (list, tuple)):
        return [as_dict(x) for x in obj]
    return obj
