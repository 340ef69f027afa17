"""load, loads, dumps, dump and detect: the stable entry points."""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, cast, overload

from . import formats
from .document import Document, TreeDocument
from .errors import UnknownFormatError, XencfgError
from .syntax.source import encode, read_text
from .syntax.tree import _BUILDING, Light, NeedsFullTree, TooDeep

if TYPE_CHECKING:  # the overloads' document types; never imported at run time
    from .formats.cib import CibDocument
    from .formats.cman import CmanDocument
    from .formats.drbd import DrbdDocument
    from .formats.lines.authkeys import AuthkeysDocument
    from .formats.lines.corosync import CorosyncDocument
    from .formats.lines.hacf import HacfDocument
    from .formats.lines.haresources import HaresourcesDocument
    from .formats.lines.hostname import HostnameDocument
    from .formats.lines.hosts import HostsDocument
    from .formats.lines.ietallow import IetAllowDocument
    from .formats.lines.ietd import IetdDocument
    from .formats.lines.initiatorname import InitiatorNameDocument
    from .formats.lines.iscsid import IscsidDocument
    from .formats.lines.logd import LogdDocument
    from .formats.lines.modules import ModulesDocument
    from .formats.lines.ocfs2 import Ocfs2Document
    from .formats.lines.shellvars import ShellvarsDocument
    from .formats.lvmlike.evms import EvmsDocument
    from .formats.lvmlike.lvm import LvmDocument
    from .formats.multipath import MultipathDocument
    from .formats.status.crm_mon import CrmMonDocument
    from .formats.status.drbd_status import DrbdStatusDocument
    from .formats.status.ip_addr import IpAddrDocument
    from .formats.status.iscsi_session import IscsiSessionDocument
    from .formats.status.multipath_ll import MultipathLlDocument
    from .formats.status.proc_drbd import ProcDrbdDocument
    from .formats.status.uname import UnameDocument
    from .formats.status.xl_list import XlListDocument
    from .formats.xen.xend import XendDocument
    from .formats.xen.xl import XlDocument
    from .formats.xen.xm import XmDocument

# One overload per format: ``load(path, "multipath")`` is a MultipathDocument to mypy.
# tests/test_typed_api.py checks that every format in FORMATS has one.


@overload
def loads(text: str, format: Literal["drbd"], *, path: str | None = None) -> DrbdDocument: ...


@overload
def loads(
    text: str, format: Literal["multipath"], *, path: str | None = None
) -> MultipathDocument: ...


@overload
def loads(text: str, format: Literal["ietd"], *, path: str | None = None) -> IetdDocument: ...


@overload
def loads(
    text: str, format: Literal["iet-allow"], *, path: str | None = None
) -> IetAllowDocument: ...


@overload
def loads(text: str, format: Literal["iscsid"], *, path: str | None = None) -> IscsidDocument: ...


@overload
def loads(
    text: str, format: Literal["initiatorname"], *, path: str | None = None
) -> InitiatorNameDocument: ...


@overload
def loads(text: str, format: Literal["ocfs2"], *, path: str | None = None) -> Ocfs2Document: ...


@overload
def loads(text: str, format: Literal["cman"], *, path: str | None = None) -> CmanDocument: ...


@overload
def loads(text: str, format: Literal["evms"], *, path: str | None = None) -> EvmsDocument: ...


@overload
def loads(text: str, format: Literal["lvm"], *, path: str | None = None) -> LvmDocument: ...


@overload
def loads(text: str, format: Literal["hosts"], *, path: str | None = None) -> HostsDocument: ...


@overload
def loads(text: str, format: Literal["hacf"], *, path: str | None = None) -> HacfDocument: ...


@overload
def loads(
    text: str, format: Literal["authkeys"], *, path: str | None = None
) -> AuthkeysDocument: ...


@overload
def loads(text: str, format: Literal["logd"], *, path: str | None = None) -> LogdDocument: ...


@overload
def loads(text: str, format: Literal["xend"], *, path: str | None = None) -> XendDocument: ...


@overload
def loads(text: str, format: Literal["xm"], *, path: str | None = None) -> XmDocument: ...


@overload
def loads(text: str, format: Literal["xl"], *, path: str | None = None) -> XlDocument: ...


@overload
def loads(
    text: str, format: Literal["shellvars"], *, path: str | None = None
) -> ShellvarsDocument: ...


@overload
def loads(text: str, format: Literal["modules"], *, path: str | None = None) -> ModulesDocument: ...


@overload
def loads(text: str, format: Literal["cib"], *, path: str | None = None) -> CibDocument: ...


@overload
def loads(
    text: str, format: Literal["multipath-ll"], *, path: str | None = None
) -> MultipathLlDocument: ...


@overload
def loads(
    text: str, format: Literal["proc-drbd"], *, path: str | None = None
) -> ProcDrbdDocument: ...


@overload
def loads(
    text: str, format: Literal["drbd-status"], *, path: str | None = None
) -> DrbdStatusDocument: ...


@overload
def loads(
    text: str, format: Literal["crm-mon-xml"], *, path: str | None = None
) -> CrmMonDocument: ...


@overload
def loads(text: str, format: Literal["cib-live"], *, path: str | None = None) -> CibDocument: ...


@overload
def loads(text: str, format: Literal["xl-list"], *, path: str | None = None) -> XlListDocument: ...


@overload
def loads(text: str, format: Literal["ip-addr"], *, path: str | None = None) -> IpAddrDocument: ...


@overload
def loads(
    text: str, format: Literal["iscsi-session"], *, path: str | None = None
) -> IscsiSessionDocument: ...


@overload
def loads(text: str, format: Literal["uname"], *, path: str | None = None) -> UnameDocument: ...


@overload
def loads(
    text: str, format: Literal["corosync"], *, path: str | None = None
) -> CorosyncDocument: ...


@overload
def loads(
    text: str, format: Literal["haresources"], *, path: str | None = None
) -> HaresourcesDocument: ...


@overload
def loads(
    text: str, format: Literal["hostname"], *, path: str | None = None
) -> HostnameDocument: ...


@overload
def loads(text: str, format: str, *, path: str | None = None) -> Document: ...


def loads(text: str, format: str, *, path: str | None = None) -> Document:
    """Parse ``text`` as ``format`` (a name from :data:`xencfg.FORMATS`).

    Raises :class:`xencfg.ParseError` (with path, line and column) when the
    text does not follow the format's syntax.

    The document is *light* (see :class:`xencfg.syntax.tree.Light`): its nodes
    keep their values and positions, and the tokens that make the round trip
    lossless are parsed again on first use (an edit rendered, ``tokens()``).
    """
    mod = formats.module(format)
    if not getattr(mod, "LIGHT", True):  # a format may opt out of light parsing
        return _parse(mod, text, path, None)
    light = Light(lambda: cast(TreeDocument, _parse(mod, text, path, None)))
    try:
        doc = _parse(mod, text, path, light)
        if isinstance(doc, TreeDocument):  # the others hold no syntax tree to make light
            light.seal(doc)
    except (NeedsFullTree, TooDeep, XencfgError):
        # Code that needs the tokens ran during the parse, or the text is bad: the
        # full parse gives the same document (or the error with its partial tree).
        return _parse(mod, text, path, None)
    return doc


def _parse(mod: ModuleType, text: str, path: str | None, light: Light | None) -> Document:
    """Run a format's parser, light (``light`` given) or in full."""
    # A parse builds many objects and frees few: the cyclic collector would
    # rescan them all again and again, making large files superlinear.
    collecting = gc.isenabled()
    gc.disable()
    _BUILDING.append(light)
    try:
        doc: Document = mod.parse(text, path)
    finally:
        _BUILDING.pop()
        if collecting:
            gc.enable()
    return doc


@overload
def load(path: str | os.PathLike[str], format: Literal["drbd"]) -> DrbdDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["multipath"]) -> MultipathDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["ietd"]) -> IetdDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["iet-allow"]) -> IetAllowDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["iscsid"]) -> IscsidDocument: ...


@overload
def load(
    path: str | os.PathLike[str], format: Literal["initiatorname"]
) -> InitiatorNameDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["ocfs2"]) -> Ocfs2Document: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["cman"]) -> CmanDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["evms"]) -> EvmsDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["lvm"]) -> LvmDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["hosts"]) -> HostsDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["hacf"]) -> HacfDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["authkeys"]) -> AuthkeysDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["logd"]) -> LogdDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["xend"]) -> XendDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["xm"]) -> XmDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["xl"]) -> XlDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["shellvars"]) -> ShellvarsDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["modules"]) -> ModulesDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["cib"]) -> CibDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["multipath-ll"]) -> MultipathLlDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["proc-drbd"]) -> ProcDrbdDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["drbd-status"]) -> DrbdStatusDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["crm-mon-xml"]) -> CrmMonDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["cib-live"]) -> CibDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["xl-list"]) -> XlListDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["ip-addr"]) -> IpAddrDocument: ...


@overload
def load(
    path: str | os.PathLike[str], format: Literal["iscsi-session"]
) -> IscsiSessionDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["uname"]) -> UnameDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["corosync"]) -> CorosyncDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["haresources"]) -> HaresourcesDocument: ...


@overload
def load(path: str | os.PathLike[str], format: Literal["hostname"]) -> HostnameDocument: ...


@overload
def load(path: str | os.PathLike[str], format: str | None = None) -> Document: ...


def load(path: str | os.PathLike[str], format: str | None = None) -> Document:
    """Read and parse a file; the format is detected when not given.

    Bytes that are not UTF-8 survive a round trip; the file's permission bits
    are kept in ``doc.mode`` so that :func:`dump` can preserve them.
    """
    p = os.fspath(path)
    text = read_text(p)
    if format is None:
        format = formats.detect(p, text)
        if format is None:
            raise UnknownFormatError(
                f"{p}: cannot tell the format of this file (use --as FORMAT / format=...)"
            )
    doc = loads(text, format, path=p)
    with contextlib.suppress(OSError):
        doc.mode = os.stat(p).st_mode & 0o7777
    return doc


def dumps(doc: Document) -> str:
    """The text of a document: its source with any edits spliced in.

    For a document built in code, the format's canonical rendering.
    """
    return doc.dumps()


def dump(doc: Document, path: str | os.PathLike[str] | None = None) -> None:
    """Write a document atomically, keeping the target's mode, owner and group.

    The text goes to a temporary file in the same directory, is flushed to
    disk, and replaces the target by ``rename``; if anything fails the
    original file is untouched. When the file changed on disk since it was
    loaded, nothing is written and :class:`xencfg.WriteError` is raised.
    """
    from .writer import write_atomic

    target = os.fspath(path) if path is not None else doc.path
    if target is None:
        raise XencfgError("dump: the document has no path; give one")
    expected = doc.source if (doc.path is not None and Path(doc.path) == Path(target)) else None
    write_atomic(target, encode(dumps(doc)), mode=new_file_mode(doc), expect=expected)


#: Formats whose files are secret whatever they hold (heartbeat refuses an authkeys
#: readable by others).
SECRET_FORMATS = frozenset({"authkeys"})


def new_file_mode(doc: Document) -> int:
    """The mode of a file that ``dump`` creates: the loaded file's, else 0644 as
    /etc's files are, or 0600 when the document holds secrets (authkeys, an
    iscsid.conf with CHAP passwords, a CIB with a fencing password). An existing
    file keeps its own mode whatever this says."""
    if doc.mode is not None:
        return doc.mode
    if doc.format in SECRET_FORMATS or doc.secrets():
        return 0o600
    return 0o644


def detect(path: str | os.PathLike[str] | None, text: str | None = None) -> str | None:
    """The format name of a file (by its path, and its content where needed), or ``None``."""
    return formats.detect(os.fspath(path) if path is not None else None, text)
