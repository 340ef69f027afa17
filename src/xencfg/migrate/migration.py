"""What a migration is: its files per node (:class:`Output`), its report
(:class:`Migration`, with the ordered cut-over steps and MIGRATION.md), and the reading
helpers every part shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from .. import api
from ..discover import SourceFile
from ..errors import ParseError, XencfgError
from ..stack import Member, Note

#: The parts of a migration, in the order the report lists them.
PARTS = ("stack", "xen", "drbd", "iscsi", "multipath", "iscsid", "evms")


#: DRBD generations ``--to drbd=`` takes (8.4 is the module mainline Linux ships).
DRBD_TARGETS = ("8.4", "9")


#: CIB schemas ``--to pacemaker=`` takes (current: pacemaker-3.9, see formats/cib/upgrade.py)
PACEMAKER_TARGETS = ("1.0", "current")


#: corosync-keygen's default key: 2048 bits (knet takes 1024 to 4096 bytes... we keep 256).
KEY_BYTES = 256


@attrs.define
class Output:
    """One file to write: ``OUTDIR/<node>/<path>`` (``node`` empty: the cluster's own)."""

    node: str
    path: str
    data: bytes = attrs.field(repr=False)
    mode: int
    why: str
    secret: bool = False

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "node": self.node,
            "path": self.path,
            "mode": f"{self.mode:04o}",
            "why": self.why,
        }
        if not self.secret:
            d["text"] = self.data.decode("utf-8", "surrogateescape")
        return d


@attrs.define
class Migration:
    """The whole plan: new files, the report's notes and the cut-over steps."""

    nodes: list[str]
    outputs: list[Output]
    notes: list[Note]
    timing: list[str]
    steps: list[str]
    members: list[Member]
    cluster_name: str
    secrets: list[str] = attrs.Factory(list)
    #: the LIO conversions of the storage nodes (their WWIDs reach the initiators)
    lio: list[Any] = attrs.Factory(list)
    #: the nodes that get corosync and Pacemaker (those that ran heartbeat)
    stack_nodes: list[str] = attrs.Factory(list)
    #: the stack the cluster ran: "heartbeat", "openais" (openais / corosync 1) or
    #: "corosync2" or "cman"
    old_stack: str = "heartbeat"
    #: corosync.conf encrypts (an authkey is written); off where openais had secauth off
    crypto: bool = True
    #: a site of several clusters: each one's own migration (this one holds all their
    #: files, and the lines that concern the whole site)
    clusters: list[Migration] = attrs.Factory(list)
    #: the report's heading for a part that is no cluster (stand-alone nodes)
    title: str = ""
    #: a site's cluster: its place in the site's cut-over (1 first; 0: no order) and
    #: the clusters whose initiators log in to its targets (migrate/order.py)
    order: int = 0
    serves: list[dict[str, Any]] = attrs.Factory(list)
    #: a site: the clusters' cut-over in order, across clusters (migrate/order.py)
    order_steps: list[str] = attrs.Factory(list)
    #: the CIB file the written cib.xml is converted from: (its name, its text); None
    #: where the migration made the CIB (of haresources or cluster.conf)
    cib_input: tuple[str, str] | None = attrs.field(default=None, repr=False)

    @property
    def cib_output(self) -> Output | None:
        """The CIB this migration writes (the one output of no node that is XML)."""
        return next((o for o in self.outputs if not o.node and o.path.endswith(".xml")), None)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        notes = self.all_notes()
        out: dict[str, Any] = {
            "cluster_name": self.cluster_name,
            "nodes": self.nodes,
            "members": [attrs.asdict(m) for m in self.members],
            "files": [o.to_dict(show_secrets) for o in self.outputs],
            "rewrites": [n.to_dict() for n in notes if n.kind in ("rewrite", "info")],
            "not_carried": [n.to_dict() for n in notes if n.kind in ("manual", "dropped")],
            "timing": self.timing,
            "steps": self.steps,
        }
        if self.title:
            out["title"] = self.title
        if self.order:
            out["order"], out["serves"] = self.order, self.serves
        if self.order_steps:
            out["order_steps"] = self.order_steps
        if self.clusters:  # (the lists above hold every cluster's; here each one's own)
            out["clusters"] = [c.to_dict(show_secrets) for c in self.clusters]
        return out

    def all_notes(self) -> list[Note]:
        """The report's lines: this migration's and those of each of its clusters."""
        return [*self.notes, *(n for c in self.clusters for n in c.all_notes())]

    def report_json(self, show_secrets: bool = False) -> str:
        text = json.dumps(self.to_dict(show_secrets), indent=2)
        return text if show_secrets else _redact(text, self.secrets)

    def report_markdown(self, show_secrets: bool = False) -> str:
        text = _markdown(self)
        return text if show_secrets else _redact(text, self.secrets)


def _redact(text: str, values: list[str]) -> str:
    from ..secrets import redact

    return redact(text, values)


def load_as(source: Path | SourceFile, fmt: str) -> Any:
    """The document of a file, or ``None`` when it does not parse. A discovered
    :class:`SourceFile` that is a section of a larger file (a supportconfig's
    ``#==[ Configuration File ]==#``) is read from its text: its path names the file on
    the node, which is not on this machine."""
    try:
        return _load(source, fmt)
    except XencfgError:
        return None


#: The documents the passes that only read them share (which trees form a cluster, the
#: iSCSI pairing, the cut-over order, the WWID and EVMS reports), by file and format: one
#: parse per file for all of them. The conversions parse their own: they edit in place.
Reads = dict[tuple[int, str], Any]


def loaded_cluster(found: Any, formats: tuple[str, ...], reads: Reads | None = None) -> Any:
    """A lint :class:`~xencfg.cluster.Cluster` of the node trees' files of ``formats``
    (each read as :func:`load_as` reads it, or taken from ``reads``), for asking the
    cluster model what they say."""
    from ..cluster import Cluster, Loaded

    cluster = Cluster(nodes=[t.name for t in found.nodes])
    for tree in found.nodes:
        for f in tree.files:
            if f.format in formats:
                doc = read_once(reads, f, f.format)
                if doc is not None:
                    cluster.loaded.append(Loaded(f, doc))
    return cluster


def read_once(reads: Reads | None, f: SourceFile, fmt: str) -> Any:
    """:func:`load_as` of ``f``, parsed once for every pass that shares ``reads`` (and
    only reads the document)."""
    if reads is None:
        return load_as(f, fmt)
    key = (id(f), fmt)
    if key not in reads:
        reads[key] = load_as(f, fmt)
    return reads[key]


def _load(source: Path | SourceFile, fmt: str) -> Any:
    if isinstance(source, Path):
        return api.load(source, fmt)
    if source.text is None:
        return api.load(source.path, fmt)
    return api.loads(source.text, fmt, path=str(source.path))


def unreadable(m: Migration, source: Path | SourceFile, fmt: str, where: str) -> None:
    """A TODO for a file that does not parse (left as it is)."""
    m.notes.append(parse_failure(source, fmt, where))


def parse_failure(source: Path | SourceFile, fmt: str, where: str) -> Note:
    try:
        _load(source, fmt)
        said = "it could not be read"
    except ParseError as exc:
        said = str(exc).splitlines()[0]
        if isinstance(source, SourceFile) and source.text is not None:
            # a section: at its line of the supportconfig file the admin has
            line = exc.line + source.first_line - 1 if exc.line else 0
            said = f"{source.display}:{line}:{exc.column}: {exc.message}"
    except XencfgError as exc:
        said = str(exc).splitlines()[0]
    except OSError as exc:
        said = str(exc)
    return Note(
        "manual",
        where,
        fmt,
        f"not rewritten: {said}",
        "it does not parse, so nothing of it was converted: fix the file first, then migrate again",
    )


def notes_of(changes: Any, where: str, target: str, shift: int = 0) -> list[Note]:
    """The report lines of one converted file (:class:`xencfg.migrations.Change`);
    ``shift``: the lines before the text in the file the admin has (a supportconfig
    section's first line, less one)."""
    kinds = {"info": "rewrite", "warning": "rewrite", "action": "manual"}
    out = []
    for c in changes:
        # line 0: the file as a whole (what it lacks has no line)
        at = f":{c.line + (0 if c.path else shift)}" if c.line else ""
        source = f"{c.path or where}{at}"
        what = f"{c.key}: {c.message}" if c.key else c.message
        why = "check it" if c.severity == "warning" else ""
        out.append(Note(kinds.get(c.severity, "rewrite"), source, target, what, why))
    return out


#: The first cut-over steps, by the stack the cluster ran: back up, stop, disable.
_OLD_STEPS = {
    "heartbeat": (
        "back up /etc/ha.d (or /etc/heartbeat) and /var/lib/heartbeat/crm/cib.xml.",
        "Stop heartbeat on every node, one at a time, the DC last "
        "(`/etc/init.d/heartbeat stop`); the resources stop with it.",
        "Keep heartbeat from starting at boot (`update-rc.d heartbeat disable` or "
        "`chkconfig heartbeat off`).",
    ),
    "openais": (
        "back up /etc/ais, /etc/corosync and the CIB (`cibadmin -Q > cib-backup.xml`).",
        "Stop the cluster on every node, one at a time, the DC last: `rcopenais stop` "
        "(SLES 11), or `service pacemaker stop; service corosync stop` (RHEL 6); the "
        "resources stop with it.",
        "Keep it from starting at boot (`chkconfig openais off`, or `chkconfig pacemaker "
        "off; chkconfig corosync off`).",
    ),
    "corosync2": (
        "back up /etc/corosync and the CIB (`cibadmin -Q > cib-backup.xml`).",
        "Stop the cluster on every node (`pcs cluster stop --all`, or `systemctl stop "
        "pacemaker corosync` on each, the DC last); the resources stop with it. corosync 2 "
        "and 3 cannot form one cluster (udp/udpu and knet do not talk).",
    ),
    "cman": (
        "back up /etc/cluster and the CIB (`cibadmin -Q > cib-backup.xml`).",
        "Stop the cluster on every node: `service pacemaker stop; service cman stop` (or "
        "`service rgmanager stop` first); the resources stop with it.",
        "Keep it from starting at boot (`chkconfig pacemaker off; chkconfig cman off`).",
    ),
}


def cutover_steps(
    nodes: list[str],
    has_cib: bool | None,
    storage: set[str],
    members: list[str] | None = None,
    old_stack: str = "heartbeat",
    crypto: bool = True,
    openrc: tuple[str, ...] = (),
) -> list[str]:
    """The cut-over, in order: ``has_cib`` None when the stack is not migrated;
    ``storage``: the other parts that wrote files; ``members``: the nodes that get
    corosync (default: every node); ``old_stack``: what they ran (:data:`_OLD_STEPS`);
    ``crypto``: whether an authkey is written; ``openrc``: the members booted by OpenRC
    (/etc/runlevels), told rc-service and rc-update instead of systemctl."""
    each = ", ".join(nodes)
    if has_cib is None:
        return _storage_steps(each, storage)
    cluster = ", ".join(members or nodes)
    steps = [f"On every node ({cluster}): {_OLD_STEPS[old_stack][0]}", *_OLD_STEPS[old_stack][1:]]
    steps += [
        "Install corosync 3 and Pacemaker on every node (`apt-get install pacemaker "
        "corosync` or `zypper in pacemaker corosync`).",
        *_storage_steps(each, storage),
        "Install the files: on each node NODE, copy OUTDIR/NODE/etc/corosync/corosync.conf to "
        "/etc/corosync/corosync.conf (0644)"
        + (
            " and OUTDIR/NODE/etc/corosync/authkey to /etc/corosync/authkey (owner root, mode "
            "0400). Or run `corosync-keygen` on one node and copy its /etc/corosync/authkey to "
            "the others: the key must be the same everywhere."
            if crypto
            else " (it sets no crypto, as the old stack ran: see the secauth line)."
        ),
        "Check the file on every node: `corosync -t` (corosync 3.1 and later).",
        f"Start corosync on every node ({_init('start corosync', openrc, cluster)}); "
        "`corosync-cfgtool -s` shows every link connected, `corosync-quorumtool -s` every "
        "member and 'Quorate: Yes'.",
        f"Start Pacemaker on every node ({_init('start pacemaker', openrc, cluster)}); "
        "`crm_mon -1` shows every node online.",
    ]
    if has_cib:
        steps += [
            "Check the converted CIB: `crm_verify --xml-file OUTDIR/cib.xml -V`.",
            "Load it on one node: `cibadmin --replace --xml-file OUTDIR/cib.xml`.",
        ]
    else:
        steps.append("Write the CIB (resources, constraints, fencing) and load it with cibadmin.")
    steps += [
        "Check the running cluster: `crm_verify -L -V`, `crm_mon -1` (every resource started "
        "where expected), and `xencfg lint` on the nodes' trees.",
        "Start corosync and Pacemaker at boot "
        f"({_init('enable corosync pacemaker', openrc, cluster)}).",
    ]
    if openrc and old_stack == "corosync2":
        # (the old stack's stop step names systemctl: OpenRC stops a service by its script)
        steps[1] += (
            f" OpenRC ({', '.join(openrc)}): `rc-service pacemaker stop; rc-service corosync stop`."
        )
    return steps


def _init(command: str, openrc: tuple[str, ...], cluster: str) -> str:
    """``systemctl COMMAND``, and what OpenRC nodes run instead: ``rc-service NAME start``
    (OpenRC's man/rc-service.8) and ``rc-update add NAME default`` (man/rc-update.8: links
    /etc/runlevels/default/NAME, the runlevel a boot ends in; bootlinks.OPENRC_DIRS)."""
    verb, *names = command.split()
    said = f"`systemctl {command}`"
    if not openrc:
        return said
    each = "; ".join(
        f"rc-update add {n} default" if verb == "enable" else f"rc-service {n} {verb}"
        for n in names
    )
    if ", ".join(openrc) == cluster:  # (every member)
        return f"OpenRC: `{each}`"
    return f"{said}; on the OpenRC nodes {', '.join(openrc)}: `{each}`"


def _storage_steps(each: str, parts: set[str]) -> list[str]:
    """Installing the Xen, DRBD and iSCSI files of the ``parts`` that wrote any."""
    if not parts:
        return []
    files = parts - {"evms"}  # the EVMS part writes a report, no files
    software = {
        "xen": "xen-utils with xl",
        "drbd": "drbd-utils",
        "iscsi": "targetcli-fb",
        "multipath": "multipath-tools",
        "iscsid": "open-iscsi",
        "evms": "lvm2",
    }
    steps = []
    if files:
        steps.append(
            f"On every node ({each}): after installing the new software "
            f"({', '.join(software[p] for p in sorted(files))}), put the rewritten files from "
            "OUTDIR/NODE/ in place of the old ones; do every TODO line of this report first."
        )
    if "drbd" in parts:
        steps.append(
            "DRBD: `drbdadm dump all` on each node shows every resource; `drbdadm adjust "
            "all` with the resources down."
        )
    if "xen" in parts:
        steps.append("Xen: `xl create -n FILE` (a dry run) of each domU config before its start.")
    if "iscsi" in parts:
        steps.append(
            "LIO: `targetctl restore /etc/target/saveconfig.json` on each storage node (the "
            "unit that restores it at boot reads /etc/target/saveconfig.json on RHEL, "
            "/etc/rtslib-fb-target/saveconfig.json on Debian: put the file there), then "
            "on every initiator write the new WWIDs into multipath.conf, rescan (`iscsiadm -m "
            "session --rescan`) and reload multipath (`multipath -r`)."
        )
    if "multipath" in parts:
        steps.append(
            "multipath: `multipath -t` prints no 'invalid keyword' or 'deprecated' line; "
            "`multipath -r` reloads the maps and `multipath -ll` shows the same WWIDs and "
            "aliases as before."
        )
    if "iscsid" in parts:
        steps.append(
            "open-iscsi: iscsid.conf gives only new node records their settings: after "
            "`systemctl restart iscsid`, update the existing ones (`iscsiadm -m node -o "
            "update -n KEY -v VALUE`) or discover the targets again."
        )
    if "evms" in parts:
        steps.append(
            f"EVMS: keep EVMS until every TODO line of the EVMS report is done: install "
            f"{software['evms']} on every node ({each}), move the data of each volume LVM2 "
            "cannot read into an LVM2 volume, point the CIB and domU configs at the new "
            "/dev/VG/LV paths, then remove EVMS and evmsd."
        )
    return steps


def _site_markdown(m: Migration) -> str:
    """The report of a site of several clusters: what each is, then a section per
    cluster (its own report, one heading level down), then the whole site's lines."""
    lines = [
        f"# Migration of {len([c for c in m.clusters if not c.title])} clusters: "
        + ", ".join(m.nodes),
        "",
        "These node trees hold several clusters (nodes whose ha.cf, corosync.conf or "
        "cluster.conf list each other): each is migrated on its own, with its own "
        "corosync.conf nodelist, cluster_name, authkey, CIB and cut-over steps. Nodes "
        "that run no cluster stack keep only their own files.",
        "",
    ]
    for c in m.clusters:
        cib = c.cib_output.path if c.cib_output is not None else ""
        if not c.outputs and not c.notes:
            lines.append(f"- {c.title or 'cluster ' + ', '.join(c.nodes)}: nothing to migrate")
        elif c.title:
            lines.append(f"- {c.title}: no messaging layer, their own files only")
        else:
            lines.append(
                f"- cluster {c.cluster_name or '(stack not migrated)'}: {', '.join(c.nodes)}"
                + (f"; its CIB: OUTDIR/{cib}" if cib else "; no CIB written")
            )
    if m.order_steps:
        lines += ["", "## Order of the cut-over", ""]
        lines += [f"{i}. {s}" for i, s in enumerate(m.order_steps, start=1)]
    for c in m.clusters:
        lines += ["", *("#" + x if x.startswith("#") else x for x in _markdown(c).splitlines())]
    lines += ["", "## The whole site: initiators' WWIDs", ""]
    lines += [f"- {_line(n)}" for n in m.notes] or ["- nothing beyond each cluster's lines"]
    return "\n".join(lines) + "\n"


def _line(n: Note) -> str:
    if n.kind in ("rewrite", "info"):
        return f"`{n.source}` -> {n.target}: {n.what}" + (f" ({n.why})" if n.why else "")
    tag = "TODO" if n.kind == "manual" else "dropped"
    return f"{tag} `{n.source}`: {n.what}" + (f": {n.why}" if n.why else "")


def _markdown(m: Migration) -> str:
    if m.clusters:
        return _site_markdown(m)
    lines = [
        f"# Migration of {m.title}"
        if m.title
        else f"# Migration of cluster {m.cluster_name or ', '.join(m.nodes)}",
        "",
        f"Nodes: {', '.join(m.nodes)}."
        + (" Members: " if m.members else "")
        + ", ".join(
            f"{x.name} (nodeid {x.nodeid}; "
            + (
                ", ".join(f"ring{k}_addr {a}" for k, a in sorted(x.addrs.items()))
                or f"ring0_addr {x.name}, its name: see the TODO"
            )
            + ")"
            for x in m.members
        )
        + ("." if m.members else ""),
        "",
        "## New files",
        "",
    ]
    for o in m.outputs:
        where = f"OUTDIR/{o.node}/{o.path}" if o.node else f"OUTDIR/{o.path}"
        lines.append(f"- `{where}` (mode {o.mode:04o}): {o.why}")
    if not m.outputs:
        lines.append("- none")
    lines += ["", "## Rewrites (old location -> new location: what, why)", ""]
    lines += [f"- {_line(n)}" for n in m.notes if n.kind in ("rewrite", "info")]
    if m.timing:
        lines += ["", "## Timing arithmetic", ""]
        lines += [f"- {t}" for t in m.timing]
    lines += ["", "## Not carried (do by hand)", ""]
    manual = [n for n in m.notes if n.kind in ("manual", "dropped")]
    lines += [f"- {_line(n)}" for n in manual]
    if not manual:
        lines.append("- nothing")
    lines += ["", "## Cut-over steps", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(m.steps, start=1)]
    return "\n".join(lines) + "\n"


def xml_bytes(root: Any) -> bytes:
    """A CIB written again after an edit: indented as the converter writes it, a
    newline at the end."""
    from lxml import etree

    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, encoding="UTF-8")) + b"\n"
