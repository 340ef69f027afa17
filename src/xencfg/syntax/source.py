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
import errno
import os
from pathlib import Path

from .._lazy import lazy_re
from ..errors import ReadError, XencfgError

#: Files larger than this are refused by :func:`read_text`, so a stray disk
#: image named like a config file cannot exhaust memory.
MAX_FILE_SIZE = 64 * 1024 * 1024


def decode(data: bytes) -> str:
    """Bytes to text; invertible by :func:`encode` for any input."""
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    """Text to bytes; the inverse of :func:`decode`."""
    return text.encode("utf-8", "surrogateescape")


def printable(text: str) -> str:
    """``text`` with each undecodable byte (a lone surrogate from :func:`decode`)
    written ``\\xNN``: for outputs that must be valid UTF-8 (DOT, JSON, SARIF, GitHub
    annotations), where the raw byte would make the output itself invalid."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return "".join(f"\\x{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c for c in text)


#: What a terminal acts on rather than shows: C0 controls but the tab, DEL, C1 controls,
#: and the undecodable bytes 0x80-0x9F (C1 to an 8-bit terminal).
_CONTROL = lazy_re("[\x00-\x08\x0a-\x1f\x7f-\x9f\udc80-\udc9f]")


def shown(text: str) -> str:
    """``text`` with each terminal control written ``\\xNN``: a keyword or value a
    finding quotes comes from the linted file, and ``ESC ] 0 ; ... BEL`` in a hostile
    tree's multipath.conf retitled the admin's terminal (other sequences write its
    clipboard, or its screen); a newline in one forged a finding line of its own."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]) & 0xFF:02X}", text)


_JSON_SURROGATE = lazy_re(r"(?<!\\)((?:\\\\)*)\\ud[cC]([89a-fA-F][0-9a-fA-F])")


def json_printable(text: str) -> str:
    """JSON text (``ensure_ascii``) with each escaped lone surrogate (``\\udce9``, an
    undecodable byte) written ``\\\\xE9``: strict JSON readers refuse lone surrogates."""
    return _JSON_SURROGATE.sub(lambda m: m.group(1) + "\\\\x" + m.group(2).upper(), text)


def read_text(
    path: str | os.PathLike[str],
    *,
    limit: int = MAX_FILE_SIZE,
    follow: bool = True,
    head: bool = False,
) -> str:
    """Read a regular file as text (see :func:`decode`).

    Raises :class:`ReadError` (an :class:`XencfgError`, with the ``path``) rather
    than ``OSError`` so callers have one error class to catch; refuses FIFOs,
    devices and files over ``limit``.
    The file is opened non-blocking and the checks are made on the open
    descriptor, so a file swapped for a FIFO between a check and the open
    cannot hang the read. ``follow=False`` refuses a final symlink
    (``O_NOFOLLOW``): for paths already resolved by :func:`resolve_in_root`.
    ``head=True`` reads the first ``limit`` bytes of a larger file instead of
    refusing it (for sniffing a file's kind).
    """
    import stat as _stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise ReadError("is a symlink; not followed", path=os.fspath(path)) from None
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=os.fspath(path)) from None
    try:
        st = os.fstat(fd)
        if not _stat.S_ISREG(st.st_mode):
            raise ReadError("not a regular file", path=os.fspath(path))
        if st.st_size > limit and not head:
            raise ReadError(
                f"{st.st_size} bytes is over the {limit}-byte limit", path=os.fspath(path)
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            if not head:
                raise ReadError(f"over the {limit}-byte limit", path=os.fspath(path))
            chunks[-1] = chunks[-1][: len(chunks[-1]) - (size - limit)]
        return decode(b"".join(chunks))
    except OSError as exc:  # EAGAIN from a blocking pseudo-file such as /proc/kmsg
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=os.fspath(path)) from None
    finally:
        os.close(fd)


class OutsideRoot(XencfgError):
    """A path that, resolved as a chroot at the node root would, leaves the root."""


#: As many symlinks as Linux follows in one path lookup (``MAXSYMLINKS``).
MAX_SYMLINKS = 40


def resolve_in_root(root: str | os.PathLike[str], relative: str, *, slash: str = "") -> Path:
    """``relative`` below ``root``, its symlinks resolved as a chroot at ``root`` sees them.

    A mounted node image's links are the node's: ``etc/hosts -> /etc/hosts`` means
    the node's own file, never the host's. An absolute target is taken from the
    node's ``/``, which is ``root`` (or, for a tree that is only an /etc, ``root``
    stands for ``slash``, say ``/etc``, and an absolute target elsewhere is outside).
    A ``..`` above the root raises :class:`OutsideRoot`; so does a loop or more than
    :data:`MAX_SYMLINKS` links. Missing components are kept as they are (the read
    then fails as the daemon's would). The result is below ``root`` and has no
    symlink in it (unless the tree changes meanwhile: read it with ``follow=False``).
    """
    base = Path(root)
    top = os.fspath(base)  # (components are tried as text: a Path per step cost more)
    done: list[str] = []
    pending = [c for c in relative.split("/") if c not in ("", ".")][::-1]
    hops = 0
    while pending:
        comp = pending.pop()
        if comp in ("", "."):
            continue
        if comp == "..":
            if not done:
                raise OutsideRoot(f"{relative}: leads above the node root {root}")
            done.pop()
            continue
        here = os.path.join(top, *done, comp)
        try:
            is_link = os.path.islink(here)
        except OSError:
            is_link = False
        if not is_link:
            done.append(comp)
            continue
        hops += 1
        if hops > MAX_SYMLINKS:
            raise OutsideRoot(f"{relative}: too many levels of symbolic links below {root}")
        try:
            target = os.readlink(here)
        except OSError as exc:
            raise OutsideRoot(f"{relative}: cannot read the link: {exc.strerror}") from None
        if target.startswith("/"):
            rel = target
            if slash:
                if target != slash and not target.startswith(slash.rstrip("/") + "/"):
                    raise OutsideRoot(
                        f"{relative}: links to {target}, outside the node tree {root}"
                    )
                rel = target[len(slash.rstrip("/")) :]
            done = []
            pending.extend([c for c in rel.split("/") if c not in ("", ".")][::-1])
        else:
            pending.extend([c for c in target.split("/") if c not in ("", ".")][::-1])
    return base.joinpath(*done)


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
