"""Each format's document, typed: one accessor per format that rules read.

A rule registered for a format (``formats=("cib",)``), or reading ``cluster.docs("cib")``,
gets :class:`~xencfg.cluster.Loaded` items whose ``doc`` is that format's document class;
``Loaded.doc`` is typed as the :class:`~xencfg.document.Document` protocol only. These
accessors say which class it is, so rules read typed attributes (no ``getattr``, no mypy
ignore). They are casts, not checks: the format decides the class, and a rule
module loads no format module (the classes are imported for the types only), so a lint
imports only the formats of the files it read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..cluster import Loaded
    from ..formats.cib.model import CibDocument
    from ..formats.drbd import DrbdDocument
    from ..formats.lines.authkeys import AuthkeysDocument
    from ..formats.lines.corosync import CorosyncDocument
    from ..formats.lines.hacf import HacfDocument
    from ..formats.lines.haresources import HaresourcesDocument
    from ..formats.lines.hostname import HostnameDocument
    from ..formats.lines.hosts import HostsDocument
    from ..formats.lines.ietallow import IetAllowDocument
    from ..formats.lines.ietd import IetdDocument
    from ..formats.lines.initiatorname import InitiatorNameDocument
    from ..formats.lines.iscsid import IscsidDocument
    from ..formats.lines.modules import ModulesDocument
    from ..formats.lines.ocfs2 import Ocfs2Document
    from ..formats.lines.shellvars import ShellvarsDocument
    from ..formats.lvmlike.evms import EvmsDocument
    from ..formats.multipath import MultipathDocument
    from ..formats.xen.domu import DomUDocument
    from ..formats.xen.xend import XendDocument


def authkeys_doc(item: Loaded) -> AuthkeysDocument:
    """The document of an authkeys item."""
    return cast("AuthkeysDocument", item.doc)


def cib_doc(item: Loaded) -> CibDocument:
    """The document of a CIB item (``cib`` and ``cib-live``; partial CIBs included)."""
    return cast("CibDocument", item.doc)


def corosync_doc(item: Loaded) -> CorosyncDocument:
    """The document of a corosync.conf item."""
    return cast("CorosyncDocument", item.doc)


def domu_doc(item: Loaded) -> DomUDocument:
    """The document of a domU config item (``xm`` or ``xl``)."""
    return cast("DomUDocument", item.doc)


def drbd_doc(item: Loaded) -> DrbdDocument:
    """The document of a drbd.conf item."""
    return cast("DrbdDocument", item.doc)


def evms_doc(item: Loaded) -> EvmsDocument:
    """The document of an evms.conf item."""
    return cast("EvmsDocument", item.doc)


def hacf_doc(item: Loaded) -> HacfDocument:
    """The document of an ha.cf item."""
    return cast("HacfDocument", item.doc)


def haresources_doc(item: Loaded) -> HaresourcesDocument:
    """The document of a haresources item."""
    return cast("HaresourcesDocument", item.doc)


def hostname_doc(item: Loaded) -> HostnameDocument:
    """The document of an /etc/hostname item."""
    return cast("HostnameDocument", item.doc)


def hosts_doc(item: Loaded) -> HostsDocument:
    """The document of an /etc/hosts item."""
    return cast("HostsDocument", item.doc)


def iet_allow_doc(item: Loaded) -> IetAllowDocument:
    """The document of an IET access list item (initiators.allow, targets.allow)."""
    return cast("IetAllowDocument", item.doc)


def ietd_doc(item: Loaded) -> IetdDocument:
    """The document of an ietd.conf item."""
    return cast("IetdDocument", item.doc)


def initiatorname_doc(item: Loaded) -> InitiatorNameDocument:
    """The document of an initiatorname.iscsi item."""
    return cast("InitiatorNameDocument", item.doc)


def iscsid_doc(item: Loaded) -> IscsidDocument:
    """The document of an iscsid.conf item."""
    return cast("IscsidDocument", item.doc)


def modules_doc(item: Loaded) -> ModulesDocument:
    """The document of a modprobe file item (modprobe.conf, /etc/modules)."""
    return cast("ModulesDocument", item.doc)


def multipath_doc(item: Loaded) -> MultipathDocument:
    """The document of a multipath.conf item."""
    return cast("MultipathDocument", item.doc)


def ocfs2_doc(item: Loaded) -> Ocfs2Document:
    """The document of a cluster.conf (OCFS2) item."""
    return cast("Ocfs2Document", item.doc)


def shellvars_doc(item: Loaded) -> ShellvarsDocument:
    """The document of a sysconfig/o2cb item."""
    return cast("ShellvarsDocument", item.doc)


def xend_doc(item: Loaded) -> XendDocument:
    """The document of an xend-config.sxp item."""
    return cast("XendDocument", item.doc)
