"""Each format's document, typed: one accessor per format that rules read.

A rule registered for a format (``formats=("cib",)``), or reading ``cluster.docs("cib")``,
gets :class:`~xencfg.cluster.Loaded` items whose ``doc`` is that format's document class;
``Loaded.doc`` is typed as the :class:`~xencfg.document.Document` protocol only. These
accessors say which class it is, so rules read typed attributes (no ``getattr``, no mypy
ignore). They are casts, not checks: the format decides the class, and a rule
module loads no format module (the classes are imported for the types only), so a lint
imports only the formats of the files it read. The checks some formats offer and
others do not (``value_problems``, ...) are protocols at the end, which rules test
with ``isinstance``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from ..cluster import Loaded
    from ..formats.cib.model import CibDocument
    from ..formats.cman import CmanDocument
    from ..formats.drbd import DrbdDocument
    from ..formats.lines.authkeys import AuthkeysDocument
    from ..formats.lines.bindings import BindingsDocument
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
    from ..formats.lio_saveconfig import SaveconfigDocument
    from ..formats.lvmlike.evms import EvmsDocument
    from ..formats.lvmlike.lvm import LvmDocument
    from ..formats.multipath import MultipathDocument
    from ..formats.xen.domu import DomUDocument
    from ..formats.xen.xend import XendDocument
    from ..formats.xen.xl import XlDocument
    from ..problems import KeywordProblem, ValueProblem


def authkeys_doc(item: Loaded) -> AuthkeysDocument:
    """The document of an authkeys item."""
    return cast("AuthkeysDocument", item.doc)


def bindings_doc(item: Loaded) -> BindingsDocument:
    """The document of a multipath bindings file item."""
    return cast("BindingsDocument", item.doc)


def cib_doc(item: Loaded) -> CibDocument:
    """The document of a CIB item (``cib`` and ``cib-live``; partial CIBs included)."""
    return cast("CibDocument", item.doc)


def cman_doc(item: Loaded) -> CmanDocument:
    """The document of a cman cluster.conf item."""
    return cast("CmanDocument", item.doc)


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


def lvm_doc(item: Loaded) -> LvmDocument:
    """The document of an lvm.conf item."""
    return cast("LvmDocument", item.doc)


def modules_doc(item: Loaded) -> ModulesDocument:
    """The document of a modprobe file item (modprobe.conf, /etc/modules)."""
    return cast("ModulesDocument", item.doc)


def saveconfig_doc(item: Loaded) -> SaveconfigDocument:
    """The document of an LIO saveconfig.json item."""
    return cast("SaveconfigDocument", item.doc)


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


def xl_doc(item: Loaded) -> XlDocument:
    """The document of an xl-syntax item (a domU config, xl.conf or a cpupool file):
    :func:`domu_doc`'s reads plus xl's own (``is_domu``, ``domain_type_problems``)."""
    return cast("XlDocument", item.doc)


# -- checks a format may offer (rules/general.py reads them for every format) --------


@runtime_checkable
class KeywordChecked(Protocol):
    """A document that reports keywords its daemon refuses, skips or renames (XC003,
    XC004, XC009)."""

    def keyword_problems(self) -> Iterable[KeywordProblem]: ...


@runtime_checkable
class KeywordUsing(Protocol):
    """A document that lists ``(context, keyword, node)`` for each keyword it uses, for
    its format's schema to judge against the release in force (XC004, XC008, fixes)."""

    def keyword_uses(self) -> Iterable[tuple[str, str, Any]]: ...


@runtime_checkable
class ValueChecked(Protocol):
    """A document that reports values its daemon refuses or reads otherwise (XC005)."""

    def value_problems(self) -> Iterable[ValueProblem]: ...


@runtime_checkable
class RepeatChecked(Protocol):
    """A document that reports ``(later, first)`` settings set twice (XC007)."""

    def repeated(self) -> Iterable[tuple[Any, Any]]: ...


@runtime_checkable
class RepeatExplained(Protocol):
    """A document whose daemon reads another line than the last of a repeated setting,
    and says which (XC007's message)."""

    def repeat_message(self, later: Any) -> str: ...
