"""The registry of formats: names, where their files usually live, and detection.

Each format is a module in this package exposing::

    FORMAT: str                                   # its registered name
    def parse(text: str, path: str | None = None) -> Document   # raises ParseError
    def sniff(text: str) -> bool                  # optional: "this text is mine"
    LIGHT: bool                                   # optional: False opts out of light
                                                  # parsing (xencfg.syntax.tree.Light)

Modules are imported only when a file of their format is met, so importing
xencfg stays cheap. ``FORMATS`` lists the formats whose module is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from fnmatch import fnmatchcase
from types import ModuleType

import attrs

from ..errors import UnknownFormatError


@attrs.frozen
class FormatInfo:
    """One registered format.

    ``patterns`` are shell globs matched against the end of a file's path
    (``drbd.d/*.res`` matches ``/etc/drbd.d/r0.res``). ``ambiguous`` patterns
    also name other formats' files, so the content decides (``cluster.conf``).
    """

    name: str
    module: str
    title: str
    patterns: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


_REGISTRY: tuple[FormatInfo, ...] = (
    FormatInfo(
        "drbd",
        "drbd",
        "DRBD configuration (drbd.conf, drbd.d/*.res)",
        ("drbd.conf", "drbd.d/*.res", "drbd.d/*.conf", "*.res", "global_common.conf"),
    ),
    FormatInfo(
        "multipath",
        "multipath",
        "multipath-tools configuration (multipath.conf)",
        ("multipath.conf", "multipath/conf.d/*.conf", "multipath.conf.*"),
    ),
    FormatInfo(
        "ietd",
        "ietd",
        "iSCSI Enterprise Target configuration (ietd.conf)",
        ("ietd.conf", "iet/ietd.conf"),
    ),
    FormatInfo(
        "iet-allow",
        "ietallow",
        "iSCSI Enterprise Target access lists",
        ("initiators.allow", "initiators.deny", "targets.allow", "targets.deny"),
    ),
    FormatInfo(
        "iscsid",
        "iscsid",
        "open-iscsi initiator configuration (iscsid.conf)",
        ("iscsid.conf", "iscsi/iscsid.conf", "iscsi.conf"),
    ),
    FormatInfo(
        "initiatorname", "initiatorname", "open-iscsi initiator name", ("initiatorname.iscsi",)
    ),
    FormatInfo(
        "ocfs2",
        "ocfs2",
        "OCFS2 cluster layout (ocfs2/cluster.conf)",
        ("ocfs2/cluster.conf",),
        ("cluster.conf",),
    ),
    FormatInfo(
        "cman",
        "cman",
        "Red Hat cman cluster.conf (XML)",
        ("cluster/cluster.conf",),
        ("cluster.conf",),
    ),
    FormatInfo(
        "corosync",
        "corosync",
        "corosync cluster engine configuration (corosync.conf)",
        ("corosync/corosync.conf", "corosync.conf"),
    ),
    FormatInfo("evms", "evms", "EVMS configuration (evms.conf)", ("evms.conf",)),
    FormatInfo("lvm", "lvm", "LVM2 configuration (lvm.conf)", ("lvm.conf", "lvm/lvm.conf")),
    FormatInfo("hosts", "hosts", "host name table (/etc/hosts)", ("etc/hosts", "hosts")),
    FormatInfo(
        "hostname", "hostname", "the node's own name (/etc/hostname)", ("etc/hostname", "hostname")
    ),
    FormatInfo("hacf", "hacf", "heartbeat main configuration (ha.cf)", ("ha.cf",)),
    FormatInfo(
        "haresources", "haresources", "heartbeat 1 resource groups (haresources)", ("haresources",)
    ),
    FormatInfo("authkeys", "authkeys", "heartbeat authentication keys (authkeys)", ("authkeys",)),
    FormatInfo(
        "logd",
        "logd",
        "heartbeat logging daemon configuration (ha_logd.cf, logd.cf)",
        ("ha_logd.cf", "logd.cf"),
    ),
    FormatInfo(
        "xend",
        "xend",
        "Xen xend configuration (xend-config.sxp)",
        ("xend-config.sxp", "xend-*.sxp", "*.sxp"),
    ),
    FormatInfo(
        "xm",
        "xm",
        "Xen domU configuration, xm style (Python syntax)",
        ("*.xm", "xmexample*", "xen/auto/*"),
    ),
    FormatInfo("xl", "xl", "Xen domU configuration, xl style", ("*.cfg", "xlexample*", "xl.conf")),
    FormatInfo(
        "shellvars",
        "shellvars",
        "shell variable files (/etc/sysconfig/*, /etc/default/*)",
        ("sysconfig/*", "default/*"),
    ),
    FormatInfo(
        "modules",
        "modules",
        "kernel modules list and modprobe options",
        ("etc/modules", "modprobe.d/*", "modprobe.conf", "modprobe.conf.local"),
    ),
    FormatInfo(
        "cib",
        "cib",
        "heartbeat v2 / Pacemaker CIB (cib.xml and fragments)",
        ("cib.xml", "crm/cib.xml", "*.xml"),
    ),
    FormatInfo("multipath-ll", "status.multipath_ll", "output of multipath -ll"),
    FormatInfo("proc-drbd", "status.proc_drbd", "contents of /proc/drbd", ("proc/drbd",)),
    FormatInfo(
        "drbd-status",
        "status.drbd_status",
        "output of drbdadm status / drbdsetup status [--json] (DRBD 9)",
    ),
    FormatInfo("crm-mon-xml", "status.crm_mon", "output of crm_mon -1 --as-xml / --output-as=xml"),
    FormatInfo("cib-live", "status.cib_live", "the running CIB (output of cibadmin -Q)"),
    FormatInfo("xl-list", "status.xl_list", "output of xl list / xm list"),
    FormatInfo("ip-addr", "status.ip_addr", "output of ip -o addr / ip addr"),
    FormatInfo("iscsi-session", "status.iscsi_session", "output of iscsiadm -m session -P 3"),
    FormatInfo("uname", "status.uname", "output of uname -n / uname -a / hostname"),
)

_BY_NAME = {f.name: f for f in _REGISTRY}


def _module_name(info: FormatInfo) -> str:
    return f"{__name__}.{info.module}"


def _available(info: FormatInfo) -> bool:
    return importlib.util.find_spec(_module_name(info)) is not None


#: Names of every format this installation can read.
FORMATS: tuple[str, ...] = tuple(f.name for f in _REGISTRY if _available(f))


def info(name: str) -> FormatInfo:
    """The registry entry of a format name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UnknownFormatError(f"unknown format {name!r} (known: {known})") from None


def module(name: str) -> ModuleType:
    """The module implementing ``name`` (imported on first use)."""
    entry = info(name)
    if name not in FORMATS:
        raise UnknownFormatError(f"format {name!r} is not implemented in this version")
    return importlib.import_module(_module_name(entry))


def _tail_matches(path: str, pattern: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    depth = pattern.count("/") + 1
    return fnmatchcase("/".join(parts[-depth:]), pattern)


def candidates(path: str) -> list[str]:
    """Formats whose usual paths match ``path``, most specific first."""
    found: list[tuple[int, str]] = []
    for f in _REGISTRY:
        if f.name not in FORMATS:
            continue
        for pat in f.patterns + f.ambiguous:
            if _tail_matches(path, pat):
                # deeper and wildcard-free patterns are more specific
                score = pat.count("/") * 10 + (0 if "*" in pat else 5)
                found.append((score, f.name))
                break
    found.sort(key=lambda sf: -sf[0])
    return [name for _, name in found]


def sniff(name: str, text: str) -> bool:
    """Whether ``text`` looks like format ``name`` (formats without a sniffer say no)."""
    fn = getattr(module(name), "sniff", None)
    return bool(fn(text)) if fn is not None else False


def detect(path: str | None, text: str | None = None) -> str | None:
    """The format of a file from its path, and from its content where needed.

    A path that names exactly one format decides alone, unless that format's
    names are too loose to trust (``*.xml``, ``cluster.conf``, domU configs):
    then its sniffer must accept the text. Files with unknown names are tried
    against the sniffers of formats recognisable by content. Returns ``None``
    when nothing fits.
    """
    names = candidates(path) if path else []
    if len(names) == 1 and names[0] not in _SNIFF_FIRST:
        return names[0]
    if path is not None and names[:1] == ["xl"] and _tail_matches(path, "xen/xl.conf"):
        # xl's own settings file: Xen ships it all comments, which no sniffer can
        # recognise; lint reads it by this path, and so does detect()
        return "xl"
    if text is None and path is not None:
        from ..syntax.source import read_text

        try:
            text = read_text(path, limit=4 * 1024 * 1024)
        except Exception:
            return names[0] if names else None
    if text is None:
        return names[0] if names else None
    for name in names:
        fn = getattr(module(name), "sniff", None)
        if fn is None or fn(text):
            return name
    # the name misled us (a CIB fragment saved as ``vm.xm``): let the content decide
    for name in _SNIFF_ANYWHERE:
        if name in FORMATS and name not in names and sniff(name, text):
            return name
    return None


#: Formats whose path patterns are too loose to trust without a look at the text.
_SNIFF_FIRST = frozenset({"cib", "xm", "xl", "ocfs2", "cman", "xend", "drbd", "shellvars"})
#: Formats recognisable by content alone, tried in this order for unknown names.
#: Distinctive ones first; xm before xl, which reads plain ``key = value`` files alike.
_SNIFF_ANYWHERE = (
    "cib",
    "cman",
    "proc-drbd",
    "multipath-ll",
    "crm-mon-xml",
    "drbd-status",
    "iscsi-session",
    "xl-list",
    "ip-addr",
    "ietd",
    "iscsid",
    "initiatorname",
    "lvm",
    "evms",
    "drbd",
    "multipath",
    "ocfs2",
    "corosync",
    "xend",
    "authkeys",
    "hacf",
    "xm",
    "xl",
)
