"""One :class:`FormatSpec` per format: everything the rest of xencfg knows about a
format without importing its module.

The registry (:data:`SPECS`) is the one list of formats. Detection order, discovery's
paths (``discover.ETC_FILES``/``ROOT_FILES``, the loose files of a cluster folder),
the pre-commit ``files:`` pattern, cluster membership (the node names a file
declares), how a suppression comment is written, the fuzz and bench lists and the
table of ``docs/formats/index.md`` are all derived from it;
``tests/test_format_specs.py`` checks that every place a spec names exists (module,
grammar, fixtures, docs page) and says what to add when one is missing.

Adding a format (docs/architecture.md, "Adding a format"): a grammar under
``grammars/`` (if Lark reads it), a module in this package or its family's package
(``FORMAT``, ``parse``,
``sniff`` if it can be recognised by content), fixtures under
``tests/fixtures/<name>/valid``, a page under ``docs/formats``, and one
:class:`FormatSpec` line below; then ``xencfg formats --write-docs docs/formats``
(and ``--write-hooks .`` when it adds discovery paths).

This module imports no format module: formats stay imported on first use.
"""

from __future__ import annotations

from typing import Literal

import attrs

#: What a format's ``declares`` hook returns for one document: the node names it
#: declares as cluster members, in order, and the model object declaring each (where
#: a finding about that name points; a name without one points at the file).
Declared = tuple[tuple[str, ...], dict[str, object]]


@attrs.frozen
class FormatSpec:
    """One registered format and every fact about it that lives outside its module.

    ``patterns`` are shell globs matched against the end of a file's path
    (``drbd.d/*.res`` matches ``/etc/drbd.d/r0.res``). ``ambiguous`` patterns
    also name other formats' files, so the content decides (``cluster.conf``).
    """

    #: The registered name (``xencfg.load(path, NAME)``, ``xencfg parse --as NAME``).
    name: str
    #: Its module in ``xencfg.formats`` (imported on first use).
    module: str
    #: One line for ``xencfg formats``.
    title: str
    patterns: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    #: Where the daemons read it, relative to a node's /etc (discovery, in this order).
    etc_files: tuple[str, ...] = ()
    #: Where the daemons read it, relative to the node root (``var/lib/...``).
    root_files: tuple[str, ...] = ()
    #: Read in a cluster folder beside the node trees, recognised by content (CIB
    #: fragments, domU configs kept next to the nodes).
    loose: bool = False
    #: Discovery's paths are not proof: the content decides (``cluster.conf`` is
    #: OCFS2's or cman's, whatever folder it is in).
    by_content: bool = False
    #: The path patterns are too loose to trust without the sniffer's yes.
    sniff_first: bool = False
    #: Recognisable by content alone: files with unknown names are offered to the
    #: sniffers in ascending rank (distinctive formats first). ``None``: never.
    sniff_rank: int | None = None
    #: Captured live state (command output), not a configuration file.
    live: bool = False
    #: The hook naming the cluster members a document declares (returns
    #: :data:`Declared`): a function name in the format's module, or
    #: ``package.module:function``.
    declares: str | None = None
    #: How findings name such a file (``ha.cf``); the format's name when ``None``.
    declares_as: str | None = None
    #: Its files can hold secrets (the document's ``secrets()`` names them).
    secrets: bool = False
    #: How a ``xencfg: ignore`` comment is written in it: at the end of the line
    #: (``trailing``), only on the line before, where the daemon reads a trailing ``#``
    #: as part of the value or knows only whole-line comments (``whole-line``), or as
    #: ``<!-- xencfg: ... -->`` (``xml``).
    comments: Literal["trailing", "whole-line", "xml"] = "trailing"
    #: Its grammar, ``grammars/<grammar>.lark`` (``None``: parsed without Lark).
    grammar: str | None = None
    #: A hand-written fast path reads the usual file; Lark is the fallback.
    fast: bool = False
    #: Its own fixtures (``tests/fixtures/<name>/valid``) feed the API fuzzer.
    fuzz: bool = True
    #: bench/bench.py generates large files of it (``bench.INPUTS[name]``).
    bench: bool = False
    #: Its page under ``docs/formats`` (several formats may share one): ``NAME.md``
    #: unless it says otherwise.
    docs: str = attrs.field(default=attrs.Factory(lambda self: f"{self.name}.md", takes_self=True))
    #: What the docs index says its files are.
    files: str = ""

    @property
    def members_source(self) -> str:
        """How a membership finding names files of this format."""
        return self.declares_as or self.name


SPECS: tuple[FormatSpec, ...] = (
    FormatSpec(
        "drbd",
        "drbd",
        "DRBD configuration (drbd.conf, drbd.d/*.res)",
        ("drbd.conf", "drbd.d/*.res", "drbd.d/*.conf", "*.res", "global_common.conf"),
        etc_files=("drbd.conf", "drbd.d/*.res", "drbd.d/*.conf"),
        sniff_first=True,
        sniff_rank=150,
        declares="declared_nodes",
        secrets=True,
        grammar="drbd",
        fast=True,
        bench=True,
        files="drbd.conf, drbd.d/*.res",
    ),
    FormatSpec(
        "multipath",
        "multipath",
        "multipath-tools configuration (multipath.conf)",
        ("multipath.conf", "multipath/conf.d/*.conf", "multipath.conf.*"),
        etc_files=("multipath.conf", "multipath/conf.d/*.conf"),
        sniff_rank=160,
        grammar="multipath",
        fast=True,
        bench=True,
        files="multipath.conf",
    ),
    FormatSpec(
        "ietd",
        "lines.ietd",
        "iSCSI Enterprise Target configuration (ietd.conf)",
        ("ietd.conf", "iet/ietd.conf"),
        etc_files=("ietd.conf", "iet/ietd.conf"),
        sniff_rank=100,
        secrets=True,
        grammar="lines",
        fast=True,
        bench=True,
        files="ietd.conf, iet/ietd.conf",
        comments="whole-line",
    ),
    FormatSpec(
        "iet-allow",
        "lines.ietallow",
        "iSCSI Enterprise Target access lists",
        ("initiators.allow", "initiators.deny", "targets.allow", "targets.deny"),
        etc_files=(
            "initiators.allow",
            "initiators.deny",
            "targets.allow",
            "iet/initiators.allow",
            "iet/initiators.deny",
            "iet/targets.allow",
        ),
        grammar="lines",
        fast=True,
        bench=True,
        files="initiators.allow, initiators.deny, targets.allow",
        comments="whole-line",
    ),
    FormatSpec(
        "iscsid",
        "lines.iscsid",
        "open-iscsi initiator configuration (iscsid.conf)",
        ("iscsid.conf", "iscsi/iscsid.conf", "iscsi.conf"),
        etc_files=("iscsid.conf", "iscsi/iscsid.conf"),
        sniff_rank=110,
        secrets=True,
        grammar="keyvalue",
        fast=True,
        bench=True,
        files="iscsi/iscsid.conf",
        comments="whole-line",
    ),
    FormatSpec(
        "initiatorname",
        "lines.initiatorname",
        "open-iscsi initiator name",
        ("initiatorname.iscsi",),
        etc_files=("initiatorname.iscsi", "iscsi/initiatorname.iscsi"),
        sniff_rank=120,
        grammar="keyvalue",
        fast=True,
        bench=True,
        files="iscsi/initiatorname.iscsi",
        comments="whole-line",
    ),
    FormatSpec(
        "ocfs2",
        "lines.ocfs2",
        "OCFS2 cluster layout (ocfs2/cluster.conf)",
        ("ocfs2/cluster.conf",),
        ("cluster.conf",),
        etc_files=("ocfs2/cluster.conf",),
        by_content=True,
        sniff_first=True,
        sniff_rank=170,
        declares="declared_nodes",
        grammar="ocfs2",
        fast=True,
        bench=True,
        files="ocfs2/cluster.conf",
        comments="whole-line",
    ),
    FormatSpec(
        "cman",
        "cman",
        "Red Hat cman cluster.conf (XML)",
        ("cluster/cluster.conf",),
        ("cluster.conf",),
        etc_files=("cluster/cluster.conf",),
        by_content=True,
        sniff_first=True,
        sniff_rank=20,
        declares="declared_nodes",
        secrets=True,
        bench=True,
        files="cluster/cluster.conf (XML)",
        comments="xml",
    ),
    FormatSpec(
        "corosync",
        "lines.corosync",
        "corosync cluster engine configuration (corosync.conf)",
        ("corosync/corosync.conf", "corosync.conf"),
        etc_files=("corosync/corosync.conf",),
        sniff_rank=180,
        secrets=True,
        grammar="corosync",
        fast=True,
        files="corosync/corosync.conf",
    ),
    FormatSpec(
        "evms",
        "lvmlike.evms",
        "EVMS configuration (evms.conf)",
        ("evms.conf",),
        etc_files=("evms.conf",),
        sniff_rank=140,
        grammar="lvmlike",
        fast=True,
        bench=True,
        files="evms.conf",
    ),
    FormatSpec(
        "lvm",
        "lvmlike.lvm",
        "LVM2 configuration (lvm.conf)",
        ("lvm.conf", "lvm/lvm.conf"),
        etc_files=("lvm/lvm.conf", "lvm.conf"),
        sniff_rank=130,
        grammar="lvmlike",
        fast=True,
        bench=True,
        files="lvm/lvm.conf",
    ),
    FormatSpec(
        "hosts",
        "lines.hosts",
        "host name table (/etc/hosts)",
        ("etc/hosts", "hosts"),
        etc_files=("hosts",),
        grammar="lines",
        fast=True,
        bench=True,
        files="/etc/hosts",
    ),
    FormatSpec(
        "hostname",
        "lines.hostname",
        "the node's own name (/etc/hostname)",
        ("etc/hostname", "hostname"),
        etc_files=("hostname",),
        grammar="lines",
        fast=True,
        files="/etc/hostname",
    ),
    FormatSpec(
        "hacf",
        "lines.hacf",
        "heartbeat main configuration (ha.cf)",
        ("ha.cf",),
        etc_files=("ha.d/ha.cf", "heartbeat/ha.cf"),
        sniff_rank=210,
        declares="declared_nodes",
        declares_as="ha.cf",
        secrets=True,
        grammar="lines",
        fast=True,
        bench=True,
        files="ha.d/ha.cf",
    ),
    FormatSpec(
        "haresources",
        "lines.haresources",
        "heartbeat 1 resource groups (haresources)",
        ("haresources",),
        etc_files=("ha.d/haresources", "heartbeat/haresources"),
        grammar="lines",
        fast=True,
        files="ha.d/haresources",
    ),
    FormatSpec(
        "authkeys",
        "lines.authkeys",
        "heartbeat authentication keys (authkeys)",
        ("authkeys",),
        etc_files=("ha.d/authkeys", "heartbeat/authkeys"),
        sniff_rank=200,
        secrets=True,
        grammar="lines",
        fast=True,
        bench=True,
        files="ha.d/authkeys",
        comments="whole-line",
    ),
    FormatSpec(
        "logd",
        "lines.logd",
        "heartbeat logging daemon configuration (ha_logd.cf, logd.cf)",
        ("ha_logd.cf", "logd.cf"),
        etc_files=("ha.d/ha_logd.cf", "heartbeat/ha_logd.cf", "ha_logd.cf", "logd.cf"),
        grammar="lines",
        fast=True,
        bench=True,
        files="ha_logd.cf, logd.cf",
    ),
    FormatSpec(
        "xend",
        "xen.xend",
        "Xen xend configuration (xend-config.sxp)",
        ("xend-config.sxp", "xend-*.sxp", "*.sxp"),
        etc_files=("xen/xend-config.sxp",),
        sniff_first=True,
        sniff_rank=190,
        secrets=True,
        grammar="xend",
        fast=True,
        bench=True,
        files="xen/xend-config.sxp",
    ),
    FormatSpec(
        "xm",
        "xen.xm",
        "Xen domU configuration, xm style (Python syntax)",
        ("*.xm", "xmexample*", "xen/auto/*"),
        loose=True,
        sniff_first=True,
        sniff_rank=220,
        secrets=True,
        fast=True,
        bench=True,
        docs="domu.md",
        files="Xen domU configs",
    ),
    FormatSpec(
        "xl",
        "xen.xl",
        "Xen domU configuration, xl style",
        ("*.cfg", "xlexample*", "xl.conf"),
        etc_files=("xen/xl.conf",),
        loose=True,
        sniff_first=True,
        sniff_rank=230,
        secrets=True,
        grammar="xl",
        fast=True,
        bench=True,
        docs="domu.md",
        files="Xen domU configs",
    ),
    FormatSpec(
        "shellvars",
        "lines.shellvars",
        "shell variable files (/etc/sysconfig/*, /etc/default/*)",
        ("sysconfig/*", "default/*"),
        etc_files=(
            "sysconfig/o2cb",
            "default/o2cb",
            "sysconfig/xend",
            "sysconfig/xendomains",
            "default/xendomains",
        ),
        sniff_first=True,
        grammar="shellvars",
        fast=True,
        bench=True,
        files="sysconfig/*, default/*",
    ),
    FormatSpec(
        "modules",
        "lines.modules",
        "kernel modules list and modprobe options",
        ("etc/modules", "modprobe.d/*", "modprobe.conf", "modprobe.conf.local"),
        etc_files=("modules", "modprobe.conf", "modprobe.conf.local", "modprobe.d/*"),
        grammar="modules",
        fast=True,
        bench=True,
        files="modules, modprobe.d/*",
        comments="whole-line",
    ),
    FormatSpec(
        "cib",
        "cib",
        "heartbeat v2 / Pacemaker CIB (cib.xml and fragments)",
        ("cib.xml", "crm/cib.xml", "*.xml"),
        root_files=("var/lib/heartbeat/crm/cib.xml", "var/lib/pacemaker/cib/cib.xml"),
        loose=True,
        sniff_first=True,
        sniff_rank=10,
        declares="declared_nodes",
        secrets=True,
        bench=True,
        files="cib.xml and CIB fragments",
        comments="xml",
    ),
    FormatSpec(
        "multipath-ll",
        "status.multipath_ll",
        "output of multipath -ll",
        sniff_rank=40,
        live=True,
        bench=True,
        files="output of multipath -ll",
    ),
    FormatSpec(
        "proc-drbd",
        "status.proc_drbd",
        "contents of /proc/drbd",
        ("proc/drbd",),
        sniff_rank=30,
        live=True,
        bench=True,
        files="/proc/drbd",
    ),
    FormatSpec(
        "drbd-status",
        "status.drbd_status",
        "output of drbdadm status / drbdsetup status [--json] (DRBD 9)",
        sniff_rank=60,
        live=True,
        docs="live-state.md",
        files="drbdadm status, drbdsetup status [--json]",
    ),
    FormatSpec(
        "crm-mon-xml",
        "status.crm_mon",
        "output of crm_mon -1 --as-xml / --output-as=xml",
        sniff_rank=50,
        live=True,
        docs="live-state.md",
        files="crm_mon -1 --as-xml / --output-as=xml",
        comments="xml",
    ),
    FormatSpec(
        "cib-live",
        "status.cib_live",
        "the running CIB (output of cibadmin -Q)",
        live=True,
        secrets=True,
        docs="live-state.md",
        files="cibadmin -Q",
        comments="xml",
    ),
    FormatSpec(
        "xl-list",
        "status.xl_list",
        "output of xl list / xm list",
        sniff_rank=80,
        live=True,
        docs="live-state.md",
        files="xl list, xm list (also -l)",
    ),
    FormatSpec(
        "ip-addr",
        "status.ip_addr",
        "output of ip -o addr / ip addr",
        sniff_rank=90,
        live=True,
        docs="live-state.md",
        files="ip -o addr, ip addr",
    ),
    FormatSpec(
        "iscsi-session",
        "status.iscsi_session",
        "output of iscsiadm -m session -P 3",
        sniff_rank=70,
        live=True,
        docs="live-state.md",
        files="iscsiadm -m session [-P 3]",
    ),
    FormatSpec(
        "uname",
        "status.uname",
        "output of uname -n / uname -a / hostname",
        live=True,
        docs="live-state.md",
        files="uname -n, uname -a, hostname",
    ),
)

#: The lines around the generated table of ``docs/formats/index.md``.
TABLE_START = (
    "<!-- generated from src/xencfg/formats/spec.py by "
    "`xencfg formats --write-docs docs/formats`: edit the specs, not this table -->"
)
TABLE_END = "<!-- end of the generated table -->"


def index_table(specs: tuple[FormatSpec, ...] = SPECS) -> str:
    """The table of docs/formats/index.md: one row per format, in
    registry order (formats sharing a page and a description share a row: xm, xl)."""
    rows: list[tuple[list[str], str, str]] = []
    for f in specs:
        if rows and rows[-1][1:] == (f.files, f.docs):
            rows[-1][0].append(f.name)
        else:
            rows.append(([f.name], f.files, f.docs))
    lines = ["| format | files | page |", "|---|---|---|"]
    for names, files, page in rows:
        lines.append(f"| `{', '.join(names)}` | {files} | [{page[:-3]}]({page}) |")
    return "\n".join(lines) + "\n"


def index_page(current: str) -> str:
    """``current`` (docs/formats/index.md) with its generated table brought up to date;
    the prose around the markers is kept as written."""
    head, start, rest = current.partition(TABLE_START)
    _, end, tail = rest.partition(TABLE_END)
    if not start or not end:
        raise ValueError(f"docs/formats/index.md lacks the lines {TABLE_START!r} and {TABLE_END!r}")
    # (blank lines around the table: Markdown reads an HTML comment up to a blank line)
    return head + start + "\n\n" + index_table() + "\n" + end + tail
