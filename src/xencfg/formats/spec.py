"""One :class:`FormatSpec` per format: everything the rest of xencfg knows about a
format without importing its module.

The registry (:data:`SPECS`) is the one list of formats. Detection order, discovery's
paths (``discover.ETC_FILES``/``ROOT_FILES``, the loose files of a cluster folder),
the pre-commit ``files:`` pattern, cluster membership (the node names a file
declares), how a suppression comment is written, the fuzz and bench lists, the
table of ``docs/formats/index.md``, README.md's "Supported today" and api.py's typed
``load``/``loads`` overloads are all derived from it;
``tests/test_format_specs.py`` checks that every place a spec names exists (module,
grammar, fixtures, docs page) and says what to add when one is missing.

Adding a format (docs/architecture.md, "Adding a format"): a grammar under
``grammars/`` (if Lark reads it), a module in this package or its family's package
(``FORMAT``, ``parse``,
``sniff`` if it can be recognised by content), fixtures under
``tests/fixtures/<name>/valid``, a page under ``docs/formats``, and one
:class:`FormatSpec` line below; then ``xencfg formats --write-docs docs/formats
--write-readme . --write-api .`` (and ``--write-hooks .`` when it adds discovery
paths).

This module imports no format module: formats stay imported on first use.
"""

from __future__ import annotations

from typing import Literal

import attrs

#: What a format's ``declares`` hook returns for one document: the node names it
#: declares as cluster members, in order, and the model object declaring each (where
#: a finding about that name points; a name without one points at the file).
Declared = tuple[tuple[str, ...], dict[str, object]]

#: What a format's ``references`` hook returns for one file's text: the files the
#: daemon reads because of it, as ``(path, formats)`` (see :attr:`FormatSpec.references`).
References = list[tuple[str, tuple[str, ...]]]


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
    #: The hook naming the files a document makes its daemon read (drbd.conf's
    #: ``include``, a CIB's ``xmfile``), named as ``declares`` is: it takes the file's
    #: text and returns ``(path, formats)`` pairs, the path as the daemon reads it
    #: (absolute, or relative to the file's folder; a glob) and the formats it may be
    #: (several: the content decides). Discovery reads those files too.
    references: str | None = None
    #: Folders under a node's /etc where a file of any name may be of this format
    #: (``xen`` for the domU configs): discovery offers each file there to the
    #: formats of its folder, in ``sniff_rank`` order, those whose ``patterns``
    #: match the name first.
    etc_dirs: tuple[str, ...] = ()
    #: Its files can hold secrets (the document's ``secrets()`` names them).
    secrets: bool = False
    #: Its files are secret whatever they hold: a new one is written 0600, not 0644
    #: (heartbeat refuses an authkeys that others can read); ``api.SECRET_FORMATS``.
    secret_file: bool = False
    #: Its document class, what ``xencfg.load(path, NAME)`` returns (to mypy too: the
    #: generated overloads of ``api.py``): a class of its module, or ``module:Class``
    #: (a module of ``xencfg.formats``) when it is another format's (``cib-live``).
    document: str = ""
    #: How a ``xencfg: ignore`` comment is written in it: at the end of the line
    #: (``trailing``), only on the line before, where the daemon reads a trailing ``#``
    #: as part of the value or knows only whole-line comments (``whole-line``), or as
    #: ``<!-- xencfg: ... -->`` (``xml``).
    comments: Literal["trailing", "whole-line", "xml"] = "trailing"
    #: Its grammar, ``grammars/<grammar>.lark`` (``None``: parsed without Lark).
    grammar: str | None = None
    #: A hand-written fast path reads the usual file; Lark is the fallback. Every format
    #: with a grammar has one (``xm``'s literal reader is one without).
    fast: bool = attrs.field(
        default=attrs.Factory(lambda self: self.grammar is not None, takes_self=True)
    )
    #: The cluster component whose files these are (``versions.COMPONENTS``: the
    #: release lint infers from them, ``--target COMPONENT=VERSION``).
    component: str | None = None
    #: Its module's ``SCHEMA`` says in which release each keyword came or went:
    #: lint infers the release in force from the keywords (versions.py) and checks
    #: them against the declared one (XC008).
    keyword_releases: bool = False
    #: Its own fixtures (``tests/fixtures/<name>/valid``) feed the API fuzzer.
    fuzz: bool = True
    #: bench/bench.py generates large files of it (``bench.INPUTS[name]``).
    bench: bool = True
    #: Its page under ``docs/formats`` (several formats may share one): ``NAME.md``, or
    #: ``live-state.md`` for live state, unless it says otherwise.
    docs: str = attrs.field(
        default=attrs.Factory(
            lambda self: "live-state.md" if self.live else f"{self.name}.md", takes_self=True
        )
    )
    #: What the docs index says its files are.
    files: str = ""
    #: How README.md's "Supported today" names it, in the README's words (formats with
    #: the same words share them: xm and xl); live state is listed as "the output of ...".
    readme: str = ""

    @property
    def members_source(self) -> str:
        """How a membership finding names files of this format."""
        return self.declares_as or self.name

    @property
    def document_class(self) -> tuple[str, str]:
        """``(module, class)`` of its document class, the module relative to
        ``xencfg.formats`` (see :attr:`document`)."""
        where, _, cls = self.document.rpartition(":")
        return where or self.module, cls


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
        component="drbd",
        keyword_releases=True,
        references="xencfg.formats.drbd.include:referenced",
        document="DrbdDocument",
        readme="drbd.conf (0.7 to 9, includes)",
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
        component="multipath-tools",
        keyword_releases=True,
        references="xencfg.formats.lines.bindings:referenced",
        document="MultipathDocument",
        readme="multipath.conf",
        files="multipath.conf",
    ),
    FormatSpec(
        "multipath-bindings",
        "lines.bindings",
        "multipath-tools bindings file (user_friendly_names)",
        ("multipath/bindings",),
        etc_files=("multipath/bindings",),
        root_files=("var/lib/multipath/bindings",),
        grammar="lines",
        component="multipath-tools",
        document="BindingsDocument",
        readme="multipath's bindings file",
        files="multipath/bindings, /var/lib/multipath/bindings",
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
        component="iscsitarget",
        document="IetdDocument",
        readme="iSCSI Enterprise Target's ietd.conf and access lists",
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
        component="iscsitarget",
        document="IetAllowDocument",
        readme="iSCSI Enterprise Target's ietd.conf and access lists",
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
        component="open-iscsi",
        document="IscsidDocument",
        readme="open-iscsi's iscsid.conf and initiatorname.iscsi",
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
        component="open-iscsi",
        document="InitiatorNameDocument",
        readme="open-iscsi's iscsid.conf and initiatorname.iscsi",
        files="iscsi/initiatorname.iscsi",
        comments="whole-line",
    ),
    FormatSpec(
        "lio-saveconfig",
        "lio_saveconfig",
        "LIO target configuration (targetcli's saveconfig.json)",
        ("target/saveconfig.json", "rtslib-fb-target/saveconfig.json", "saveconfig.json"),
        etc_files=("target/saveconfig.json", "rtslib-fb-target/saveconfig.json"),
        secrets=True,
        document="SaveconfigDocument",
        readme="LIO target's saveconfig.json (targetcli)",
        files="target/saveconfig.json, rtslib-fb-target/saveconfig.json",
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
        document="Ocfs2Document",
        readme="OCFS2 cluster.conf",
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
        document="CmanDocument",
        readme="cman cluster.conf",
        files="cluster/cluster.conf (XML)",
        comments="xml",
    ),
    FormatSpec(
        "corosync",
        "lines.corosync",
        "corosync cluster engine configuration (corosync.conf)",
        ("corosync/corosync.conf", "corosync.conf", "ais/openais.conf"),
        etc_files=("corosync/corosync.conf", "ais/openais.conf"),
        sniff_rank=180,
        component="corosync",
        secrets=True,
        grammar="corosync",
        document="CorosyncDocument",
        readme="corosync.conf",
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
        document="EvmsDocument",
        readme="EVMS",
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
        component="lvm2",
        document="LvmDocument",
        keyword_releases=True,
        readme="LVM",
        files="lvm/lvm.conf",
    ),
    FormatSpec(
        "hosts",
        "lines.hosts",
        "host name table (/etc/hosts)",
        ("etc/hosts", "hosts"),
        etc_files=("hosts",),
        grammar="lines",
        document="HostsDocument",
        readme="/etc/hosts",
        files="/etc/hosts",
    ),
    FormatSpec(
        "hostname",
        "lines.hostname",
        "the node's own name (/etc/hostname)",
        ("etc/hostname", "hostname"),
        etc_files=("hostname",),
        grammar="lines",
        bench=False,
        document="HostnameDocument",
        readme="/etc/hostname",
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
        component="heartbeat",
        document="HacfDocument",
        keyword_releases=True,
        readme="ha.cf",
        files="ha.d/ha.cf",
    ),
    FormatSpec(
        "haresources",
        "lines.haresources",
        "heartbeat 1 resource groups (haresources)",
        ("haresources",),
        etc_files=("ha.d/haresources", "heartbeat/haresources"),
        grammar="lines",
        document="HaresourcesDocument",
        readme="haresources",
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
        secret_file=True,
        grammar="lines",
        component="heartbeat",
        document="AuthkeysDocument",
        readme="authkeys",
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
        component="heartbeat",
        document="LogdDocument",
        readme="ha_logd.cf",
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
        component="xen",
        document="XendDocument",
        readme="xend-config.sxp",
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
        docs="domu.md",
        component="xen",
        etc_dirs=("xen",),
        document="XmDocument",
        readme="Xen domU configs (xm and xl)",
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
        docs="domu.md",
        component="xen",
        etc_dirs=("xen",),
        document="XlDocument",
        readme="Xen domU configs (xm and xl)",
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
            "sysconfig/sbd",
            "default/sbd",
        ),
        sniff_first=True,
        grammar="shellvars",
        document="ShellvarsDocument",
        readme="sysconfig shell files",
        files="sysconfig/*, default/*",
    ),
    FormatSpec(
        "modules",
        "lines.modules",
        "kernel modules list and modprobe options",
        ("etc/modules", "modprobe.d/*", "modprobe.conf", "modprobe.conf.local"),
        etc_files=("modules", "modprobe.conf", "modprobe.conf.local", "modprobe.d/*"),
        grammar="modules",
        document="ModulesDocument",
        readme="modules/modprobe",
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
        references="xencfg.formats.cib.references:xmfiles",
        document="CibDocument",
        readme="the CIB (heartbeat 2, Pacemaker 1.0 and later, with validation and conversion)",
        files="cib.xml and CIB fragments",
        comments="xml",
    ),
    FormatSpec(
        "multipath-ll",
        "status.multipath_ll",
        "output of multipath -ll",
        sniff_rank=40,
        live=True,
        docs="multipath-ll.md",
        document="MultipathLlDocument",
        readme="`multipath -ll`",
        files="output of multipath -ll",
    ),
    FormatSpec(
        "proc-drbd",
        "status.proc_drbd",
        "contents of /proc/drbd",
        ("proc/drbd",),
        sniff_rank=30,
        live=True,
        docs="proc-drbd.md",
        document="ProcDrbdDocument",
        readme="`/proc/drbd`",
        files="/proc/drbd",
    ),
    FormatSpec(
        "drbd-status",
        "status.drbd_status",
        "output of drbdadm status / drbdsetup status [--json] (DRBD 9)",
        sniff_rank=60,
        live=True,
        document="DrbdStatusDocument",
        readme="`drbdadm status` / `drbdsetup status --json`",
        files="drbdadm status, drbdsetup status [--json], drbd-overview, /etc/init.d/drbd status",
    ),
    FormatSpec(
        "crm-mon-xml",
        "status.crm_mon",
        "output of crm_mon -1 --as-xml / --output-as=xml (or its text, crm_mon -1)",
        sniff_rank=50,
        live=True,
        document="CrmMonDocument",
        readme="`crm_mon` XML",
        files="crm_mon -1 --as-xml / --output-as=xml, crm_mon -1 (text), pcs status, crm status",
        comments="xml",
    ),
    FormatSpec(
        "cib-live",
        "status.cib_live",
        "the running CIB (output of cibadmin -Q)",
        live=True,
        secrets=True,
        document="cib:CibDocument",
        readme="`cibadmin -Q`",
        files="cibadmin -Q",
        comments="xml",
    ),
    FormatSpec(
        "xl-list",
        "status.xl_list",
        "output of xl list / xm list / virsh list",
        sniff_rank=80,
        live=True,
        document="XlListDocument",
        readme="`xl list` / `xm list` / `virsh list`",
        files="xl list, xm list (also -l), virsh list",
    ),
    FormatSpec(
        "ip-addr",
        "status.ip_addr",
        "output of ip -o addr / ip addr",
        sniff_rank=90,
        live=True,
        document="IpAddrDocument",
        readme="`ip addr`",
        files="ip -o addr, ip addr",
    ),
    FormatSpec(
        "iscsi-session",
        "status.iscsi_session",
        "output of iscsiadm -m session -P 3",
        sniff_rank=70,
        live=True,
        document="IscsiSessionDocument",
        readme="`iscsiadm -m session -P 3`",
        files="iscsiadm -m session [-P 3]",
    ),
    FormatSpec(
        "iscsi-node",
        "status.iscsi_node",
        "output of iscsiadm -m node (flat, -P 1, -o show)",
        live=True,
        secrets=True,
        document="IscsiNodeDocument",
        readme="`iscsiadm -m node`",
        files="iscsiadm -m node (flat, -P 1, -o show), the node record files",
    ),
    FormatSpec(
        "iet-proc",
        "status.iet_proc",
        "contents of IET's /proc/net/iet/volume and /proc/net/iet/session",
        ("proc/net/iet/volume", "proc/net/iet/session"),
        live=True,
        document="IetProcDocument",
        readme="IET's `/proc/net/iet/volume` and `session`",
        files="/proc/net/iet/volume, /proc/net/iet/session",
    ),
    FormatSpec(
        "cman-nodes",
        "status.cman_nodes",
        "output of cman_tool nodes (cman of RHEL 5/6)",
        live=True,
        bench=False,
        document="CmanNodesDocument",
        readme="`cman_tool nodes`",
        files="cman_tool nodes (also -a)",
    ),
    FormatSpec(
        "booth-list",
        "status.booth_list",
        "output of booth list (a geo cluster's tickets at a site or arbitrator)",
        live=True,
        bench=False,
        document="BoothListDocument",
        readme="`booth list`",
        files="booth list (booth 1.x leader:, 0.x owner:)",
    ),
    FormatSpec(
        "uname",
        "status.uname",
        "output of uname -n / uname -a / hostname",
        live=True,
        bench=False,
        document="UnameDocument",
        readme="`uname`",
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
    # (blank lines around the table: Markdown reads an HTML comment up to a blank line)
    table = "\n\n" + index_table() + "\n"
    return _between(current, TABLE_START, TABLE_END, table, "docs/formats/index.md")


def _between(current: str, start: str, end: str, body: str, where: str) -> str:
    """``current`` with what lies between the lines ``start`` and ``end`` replaced by
    ``body``; the rest is kept as written."""
    head, found, rest = current.partition(start)
    _, ended, tail = rest.partition(end)
    if not found or not ended:
        raise ValueError(f"{where} lacks the lines {start!r} and {end!r}")
    return head + start + body + end + tail


# -- README.md's "Supported today" -------------------------------------------------------------

#: The lines around the generated list of README.md's "Supported today".
README_START = (
    "<!-- generated from src/xencfg/formats/spec.py by `xencfg formats --write-readme .`: "
    "edit the specs, not this list -->"
)
README_END = "<!-- end of the generated list -->"


def _phrases(specs: list[FormatSpec]) -> list[str]:
    """Each spec's ``readme`` words, once for a run of specs that share them."""
    out: list[str] = []
    for f in specs:
        if not out or out[-1] != f.readme:
            out.append(f.readme)
    return out


def readme_list(specs: tuple[FormatSpec, ...] = SPECS) -> str:
    """The paragraph of README.md's "Supported today": the configuration formats, then
    the live state, in registry order, wrapped at 96 columns (never inside a `code`
    span or a link's text)."""
    import textwrap

    files = _phrases([f for f in specs if not f.live])
    live = _phrases([f for f in specs if f.live])
    said = ", ".join(files)
    if live:
        outputs = ", ".join(live[:-1]) + " and " + live[-1] if len(live) > 1 else live[0]
        said += f", and the output of {outputs} ([live\0state](docs/formats/live-state.md))"
    # a space inside a code span is not a place to break the line
    parts = said.split("`")
    kept = "`".join(p.replace(" ", "\0") if i % 2 else p for i, p in enumerate(parts))
    wrapped = textwrap.fill(kept + ".", 96, break_long_words=False, break_on_hyphens=False)
    return wrapped.replace("\0", " ") + "\n"


def readme(current: str) -> str:
    """``current`` (README.md) with its generated list of formats brought up to date;
    the prose around the markers is kept as written."""
    return _between(current, README_START + "\n", README_END, readme_list(), "README.md")


# -- api.py's overloads ------------------------------------------------------------------------

#: The lines around each generated part of src/xencfg/api.py (``imports``, ``loads``, ``load``).
API_START = "# -- {} generated by `xencfg formats --write-api .`: edit formats/spec.py"
API_END = "# -- end of the generated {}"

_LOADS = 'def loads(text: str, format: Literal["{name}"], *, path: str | None = None) -> {cls}: ...'
_LOADS_WRAPPED = (
    "def loads(\n"
    '    text: str, format: Literal["{name}"], *, path: str | None = None\n'
    ") -> {cls}: ..."
)
_LOAD = 'def load(path: str | os.PathLike[str], format: Literal["{name}"]) -> {cls}: ...'
_LOAD_WRAPPED = (
    'def load(\n    path: str | os.PathLike[str], format: Literal["{name}"]\n) -> {cls}: ...'
)


def api_parts(specs: tuple[FormatSpec, ...] = SPECS) -> dict[str, str]:
    """The generated parts of api.py: the document classes' imports (for the types
    only) and one ``loads`` and one ``load`` overload per format, in registry order,
    so that mypy knows ``xencfg.load(path, "multipath")`` is a MultipathDocument."""
    imports = sorted({f.document_class for f in specs})
    parts = {
        "imports": "".join(f"    from .formats.{m} import {c}\n" for m, c in imports),
    }
    for part, short, wrapped in (
        ("loads", _LOADS, _LOADS_WRAPPED),
        ("load", _LOAD, _LOAD_WRAPPED),
    ):
        defs = []
        for f in specs:
            cls = f.document_class[1]
            line = short.format(name=f.name, cls=cls)
            if len(line) > 100:  # as ruff format wraps it (line-length 100)
                line = wrapped.format(name=f.name, cls=cls)
            defs.append(f"\n\n@overload\n{line}\n")
        parts[part] = "".join(defs) + "\n\n"  # (ruff format's two blank lines)
    return parts


def api_module(current: str) -> str:
    """``current`` (src/xencfg/api.py) with its generated parts brought up to date."""
    for part, body in api_parts().items():
        indent = "    " if part == "imports" else ""
        current = _between(
            current,
            indent + API_START.format(part) + "\n",
            indent + API_END.format(part) + "\n",
            body,
            "src/xencfg/api.py",
        )
    return current
