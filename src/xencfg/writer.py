"""Atomic file replacement that keeps mode, owner and group."""

from __future__ import annotations

import contextlib
import os
import tempfile

from .errors import WriteError
from .syntax.source import encode


def write_atomic(
    path: str, data: bytes, *, mode: int | None = None, expect: str | None = None
) -> None:
    """Replace ``path`` with ``data`` atomically.

    ``expect`` is the text the caller loaded; if the file now holds something
    else, someone changed it meanwhile and we refuse (no lost update). The new
    file gets the old file's mode, owner and group (or ``mode`` for a new file).
    A symlink is followed: its target is replaced and the link stays a link
    (``/etc/logd.cf -> ha.d/ha_logd.cf``).
    """
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot stat: {exc.strerror}") from None
    if expect is not None and st is not None:
        try:
            with open(path, "rb") as fh:
                current = fh.read()
        except OSError as exc:
            raise WriteError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if current != encode(expect):
            raise WriteError(f"{path}: changed on disk since it was loaded; not written")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xencfg-", dir=directory)
    except OSError as exc:  # read-only or full file system, no write permission
        raise WriteError(f"{path}: cannot create a temporary file: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
            with contextlib.suppress(PermissionError):
                os.chown(tmp, st.st_uid, st.st_gid)
        elif mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"{path}: write failed: {exc.strerror or exc}") from None
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
