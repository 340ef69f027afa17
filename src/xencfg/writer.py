"""Atomic file replacement that keeps mode, owner and group, and follows no planted link."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator

from .errors import WriteError
from .syntax.source import encode

#: As many links as the kernel follows in one lookup.
_MAX_LINKS = 40


def _target(path: str) -> str:
    """The file a write to ``path`` replaces.

    A final symlink is followed only when it is owned by the writer or by root:
    that is the admin's own link (``/etc/logd.cf -> ha.d/ha_logd.cf``, an
    etckeeper tree's links), and rewriting its target is what the admin asked.
    A link someone else planted (a sticky /tmp) is refused, as the kernel's
    ``protected_symlinks`` would refuse it; so is a dangling link, whose target
    would otherwise be created wherever it points.
    """
    me = os.geteuid() if hasattr(os, "geteuid") else 0
    for _ in range(_MAX_LINKS):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return path
        except OSError as exc:
            raise WriteError(f"cannot stat: {exc.strerror}", path=path) from None
        if not stat.S_ISLNK(st.st_mode):
            return path
        if st.st_uid not in (me, 0):
            raise WriteError(
                f"a symlink owned by uid {st.st_uid}, not by you or root; not followed", path=path
            )
        link = os.readlink(path)
        nxt = os.path.join(os.path.dirname(os.path.abspath(path)), link)
        if not os.path.lexists(nxt):
            raise WriteError(f"a dangling symlink (to {link}); not written", path=path)
        path = os.path.normpath(nxt)
    raise WriteError("too many levels of symbolic links", path=path)


def write_target(path: str) -> str:
    """Where a write to ``path`` (a file or an output folder) goes, its final links
    followed only as :func:`_target` allows; a :class:`WriteError` for a link someone
    else planted or a dangling one. For outputs written below a folder the user names
    (``migrate -o``, ``capture -o``): a planted ``/tmp/out -> /etc`` sent every file
    there."""
    return _target(path)


@contextlib.contextmanager
def _locked(directory: str) -> Iterator[None]:
    """An exclusive advisory lock on the target's directory, held across the
    compare and the rename, so that two writers of one file cannot both pass the
    lost-update check (the second then sees the first one's text and refuses)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # a file system without locks: as before
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str, data: bytes, *, mode: int | None = None, expect: str | None = None
) -> None:
    """Replace ``path`` with ``data`` atomically.

    ``expect`` is the text the caller loaded; if the file now holds something
    else, someone changed it meanwhile and we refuse (no lost update; the check
    and the rename happen under a lock on the directory). The new file gets the
    old file's mode (setuid included), owner and group; a new file gets ``mode``,
    or 0666 less the umask; a device, FIFO, socket or folder is never replaced. A
    symlink is followed only if it is the writer's or root's and its target exists
    (see :func:`_target`). When the owner cannot be
    kept (a non-root editor of a group-writable file), the file is rewritten in
    place from a complete temporary copy instead, so it stays its owner's.
    """
    path = _target(path)
    directory = os.path.dirname(os.path.abspath(path))
    with _locked(directory):
        try:
            st: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise WriteError(f"cannot stat: {exc.strerror}", path=path) from None
        if st is not None and not stat.S_ISREG(st.st_mode):
            # (the rename would put a regular file in its place: as root, ``-o
            # /dev/null`` replaced the machine's /dev/null, and a FIFO lost its reader)
            raise WriteError("not a regular file; not replaced", path=path)
        if expect is not None and st is not None:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
                with os.fdopen(fd, "rb") as fh:
                    current = fh.read()
            except OSError as exc:
                raise WriteError(f"cannot read: {exc.strerror or exc}", path=path) from None
            if current != encode(expect):
                raise WriteError("changed on disk since it was loaded; not written", path=path)
        _replace(path, directory, data, st, mode)
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _replace(
    path: str, directory: str, data: bytes, st: os.stat_result | None, mode: int | None
) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xencfg-", dir=directory)
    except OSError as exc:  # read-only or full file system, no write permission
        # (the temporary file is ours, not the user's: name the folder it goes in)
        raise WriteError(
            f"cannot write into {directory or '.'}: {exc.strerror or exc}", path=path
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            kept = True
            try:  # chown first: it clears setuid/setgid, which chmod then restores
                os.chown(tmp, st.st_uid, st.st_gid)
            except PermissionError:
                kept = False
            if not kept and _in_place(path, data):
                return
            os.chmod(tmp, st.st_mode & 0o7777)
        else:
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        raise WriteError(f"write failed: {exc.strerror or exc}", path=path) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _in_place(path: str, data: bytes) -> bool:
    """Rewrite ``path`` in place (its owner stays); False when we may not.

    Only after the complete temporary copy was written, so a full disk fails
    before the file is touched."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            return False
        raise
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())
    return True
