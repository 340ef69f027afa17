"""Turning bytes into text and back without losing a single byte.

Configuration files are mostly ASCII, sometimes UTF-8 (Japanese comments in
drbd.conf), sometimes Latin-1 or plain garbage. We decode as UTF-8 with
``surrogateescape`` so every undecodable byte survives as a lone surrogate and
is written back unchanged; a BOM stays part of the text. CRLF, CR and a
missing final newline are kept as they are: the grammars treat ``\\r`` as
white space.
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from ..errors import XencfgError

#: Files larger than this are refused by :func:`read_text`, so a stray disk
#: image named like a config file cannot exhaust memory.
MAX_FILE_SIZE = 64 * 1024 * 1024


def decode(data: bytes) -> str:
    """Bytes to text; invertible by :func:`encode` for any input."""
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    """Text to bytes; the inverse of :func:`decode`."""
    return text.encode("utf-8", "surrogateescape")


def read_text(path: str | os.PathLike[str], *, limit: int = MAX_FILE_SIZE) -> str:
    """Read a regular file as text (see :func:`decode`).

    Raises :class:`XencfgError` rather than ``OSError`` so callers have one
    error class to catch; refuses FIFOs, devices and files over ``limit``.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise XencfgError(f"{path}: cannot read: {exc.strerror or exc}") from None
    import stat as _stat

    if not _stat.S_ISREG(st.st_mode):
        raise XencfgError(f"{path}: not a regular file")
    if st.st_size > limit:
        raise XencfgError(f"{path}: {st.st_size} bytes is over the {limit}-byte limit")
    try:
        with open(p, "rb") as fh:
            return decode(fh.read(limit + 1))
    except OSError as exc:
        raise XencfgError(f"{path}: cannot read: {exc.strerror or exc}") from None


class LineIndex:
    """Offsets to 1-based (line, column) pairs, in O(log n)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a 0-based character offset."""
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """The inverse of :meth:`position`."""
        return self._starts[line - 1] + column - 1
