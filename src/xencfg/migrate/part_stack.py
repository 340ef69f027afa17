"""The ``stack`` part: heartbeat 1/2 to corosync 3 + Pacemaker (corosync.conf, authkey,
the CIB), for :func:`xencfg.migrate.plan`."""

from __future__ import annotations

import secrets as _random
from pathlib import Path
from typing import Any

from .. import api
from ..discover import NodeTree, SourceFile, display_path, etc_file_text
from ..errors import XencfgError
from ..ifaces import interface_addresses
from ..stack import Member, NodeFiles, Note, StackResult, to_corosync
from ..syntax.source import encode
from .agents import iet_resources, ipaddr2, moved_agents
from .agents import primitive_note as _primitive_note
from .drbddisk import drbddisk_beyond_two, drbddisk_masters
from .fencing import fence_agents
from .migration import KEY_BYTES, Migration, Output, load_as, notes_of, parse_failure, unreadable
from .part_ais import (
    ais_nodes,
    ais_stack,
    c2_nodes,
    cman_cib,
    cman_dlm,
    cman_nodes,
    cman_stack,
    cman_sysconfig,
    report_stack,
)
from .ping import ipfail_ping


def _old_corosync(found: Any) -> list[Note]:
    """A report line for each corosync.conf written for corosync 1 or 2 (openais, the
    Pacemaker plugin of SLES 11 and RHEL 6): the stack part carries heartbeat only, so
    without this line the report said nothing of a stack today's Pacemaker cannot run on
    (Pacemaker 2 dropped the plugin and cman; corosync 3 has knet and no multicast)."""
    from ..formats.lines.corosync import release_evidence

    notes: list[Note] = []
    for tree in found.nodes:
        for f in tree.files:
            if f.format != "corosync":
                continue
            doc = load_as(f, f.format)
            seen = release_evidence(doc) if doc is not None else None
            if seen is None or seen[0] == "3.0":
                continue
            generation = "1 (openais)" if seen[0] == "<2.0" else "2"
            why = (
                "Pacemaker 2 and later run only on corosync 2 or 3 through votequorum "
                "and a nodelist"
                if seen[0] == "<2.0"
                else "today's distributions ship corosync 3, whose knet replaces udp/udpu "
                "and the interface sections"
            )
            notes.append(
                Note(
                    "manual",
                    f"{tree.name}:{f.display}:{doc.position(seen[2])[0] + f.first_line - 1}",
                    "corosync.conf",
                    f"written for corosync {generation} ('{seen[1]}'), which xencfg migrate "
                    "does not carry (it migrates heartbeat clusters)",
                    f"{why}; write corosync 3's corosync.conf by hand (transport knet, "
                    "a nodelist, quorum provider corosync_votequorum) and convert the "
                    "CIB with 'xencfg cib convert --to current'",
                )
            )
    return notes


def _node_files(
    tree: NodeTree, secrets: list[str], failed: list[tuple[SourceFile, str, str]] | None = None
) -> tuple[NodeFiles, Any]:
    """One node's stack files as documents, and its CIB; ``failed`` gets (file, format,
    report name) of each that does not parse."""
    nf = NodeFiles(tree.name, ifaces=interface_addresses(tree))
    cib = None
    for f in tree.files:
        if f.format not in ("hacf", "authkeys", "logd", "hosts", "drbd", "ocfs2", "cman", "cib"):
            continue
        doc = load_as(f, f.format)
        if doc is None:
            if failed is not None and f.format in ("hacf", "logd", "cib"):
                failed.append((f, f.format, f"{tree.name}:{f.display}"))
            continue
        nf.where[id(doc)] = f"{tree.name}:{f.display}"
        secrets.extend(doc.secrets())
        if f.format == "drbd":
            nf.drbd.append(doc)
        elif f.format == "ocfs2":
            for c in doc.clusters:
                if c.name:
                    nf.cluster_names.append((c.name, f"{tree.name}:{f.display}"))
        elif f.format == "cman":
            name = getattr(doc, "name", None)
            if name:
                nf.cluster_names.append((name, f"{tree.name}:{f.display}"))
        elif f.format == "cib":
            cib = cib or (f, doc)
        elif getattr(nf, f.format) is None:
            setattr(nf, f.format, doc)
    return nf, cib


def _whole_cib(text: str, display: str) -> Any:
    """The converted CIB's root element; a clear error when the file is no whole CIB
    (a fragment read as one: a bare ``<nvpair/>``, or several elements at the top,
    which lxml refused with a traceback): cibadmin --replace wants a ``<cib>``."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        root = etree.fromstring(encode(text), parser)
    except etree.XMLSyntaxError as exc:
        raise XencfgError(
            f"{display}: not a whole CIB ({exc}); migrate converts a cib.xml"
        ) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "cib":
        raise XencfgError(
            f"{display}: a CIB fragment (<{etree.QName(root).localname}>), not a whole CIB"
            " (<cib>); migrate converts a cib.xml (give it with --cib FILE)"
        )
    return root


def _cib_output(
    text: str,
    display: str,
    members: list[Member],
    notes: list[Note],
    target: str = "current",
    ping_nodes: tuple[list[str], bool] = ([], False),
) -> Output:
    """The CIB through ``xencfg cib convert --to TARGET``, with the node ids corosync gives
    (heartbeat's UUIDs mean nothing to it) and no status. ``current`` does both itself
    (:mod:`xencfg.formats.cib.upgrade`); ``pacemaker-1.0`` gets them here. ``ping_nodes``:
    ha.cf's ping nodes (and whether ping_group lines gave some), which a pingd resource
    without host_list pinged."""
    from lxml import etree

    from ..formats.cib.upgrade import upgrade

    ids = {m.name: m.nodeid for m in members}
    # heartbeat and Pacemaker's peer cache match node names in any case (membership.c,
    # pcmk__str_casei): a CIB uname 'Alpha' is member 'alpha' and takes its nodeid
    folded = {m.name.casefold(): m.nodeid for m in members}
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(encode(text), parser)
    except etree.XMLSyntaxError:
        root = None  # upgrade() reports what it cannot read
    if root is not None and root.tag != "cib":
        # a fragment (a <cluster_property_set> snippet given as the CIB): upgrade()
        # converts fragments for 'cib convert', and the result, several elements
        # without a root, made lxml raise here (a traceback from 'xencfg migrate')
        raise XencfgError(
            f"{display}: not a whole CIB: its root element is <{root.tag}>, not <cib> "
            "(cibadmin --replace takes a whole CIB)"
        )
    for node in root.iter("node") if root is not None else ():
        uname = node.get("uname")
        if uname and uname not in ids and uname.casefold() in folded:
            ids[uname] = folded[uname.casefold()]
    # the lines of the given CIB's primitives, which the agents' report lines name
    lines: dict[str, int] = {
        str(el.get("id")): el.sourceline if isinstance(el.sourceline, int) else 0
        for el in (root.iter("primitive") if root is not None else ())
        if el.get("id")
    }
    if target == "current":
        result = upgrade(text, path=display, target="current", nodeids=ids)
        for ch in result.changes:
            notes.append(_cib_note(ch, display))
        root = _whole_cib(result.text, display)
        if not _agents(root, display, notes, ping_nodes, lines):
            return Output(
                "", "cib.xml", encode(result.text), 0o600, "the CIB for cibadmin --replace"
            )
        out = etree.tostring(root, encoding="unicode") + "\n"
        return Output("", "cib.xml", encode(out), 0o600, "the CIB for cibadmin --replace")
    result = upgrade(text, path=display, target="pacemaker-1.0")
    for ch in result.changes:
        notes.append(_cib_note(ch, display))
    root = _whole_cib(result.text, display)
    _agents(root, display, notes, ping_nodes, lines)
    for node in root.iterfind("configuration/nodes/node"):
        uname = node.get("uname")
        if uname in ids and node.get("id") != str(ids[uname]):
            notes.append(
                Note(
                    "rewrite",
                    f"{display}:{node.sourceline or 0}",
                    "cib.xml nodes",
                    f"node {uname}: id {node.get('id')} -> {ids[uname]}",
                    "Pacemaker on corosync names a node by its corosync nodeid",
                )
            )
            node.set("id", str(ids[uname]))
    status = root.find("status")
    if status is not None and len(status):
        for child in list(status):
            status.remove(child)
        notes.append(
            Note(
                "rewrite",
                display,
                "cib.xml status",
                "status section emptied",
                "it records heartbeat's run-time state; Pacemaker rebuilds it",
            )
        )
    out = etree.tostring(root, encoding="unicode") + "\n"
    return Output("", "cib.xml", encode(out), 0o600, "the CIB for cibadmin --replace")


def _agents(
    root: Any,
    display: str,
    notes: list[Note],
    ping_nodes: tuple[list[str], bool],
    lines: dict[str, int],
) -> bool:
    """:func:`_current_agents`, its lines on a primitive pointed at that primitive's
    line in the given CIB (``lines``, by id), not at its line in the converted text
    (upgrade() adds and removes lines before it)."""
    before = {id(n) for n in notes}  # (a line may replace a TODO in place)
    changed = _current_agents(root, display, notes, ping_nodes)
    for n in (n for n in notes if id(n) not in before):
        if n.what.startswith("<primitive id='") and n.source.startswith(display + ":"):
            pid = n.what.removeprefix("<primitive id='").split("'", 1)[0]
            n.source = f"{display}:{lines[pid]}" if lines.get(pid) else display
    return changed


def _renamed_ids(text: str, out: bytes, display: str, notes: list[Note]) -> None:
    """One line for the ids of the CIB's configuration that the written CIB no longer
    has and no other line names: upgrade06.xsl (Pacemaker's heartbeat-2 upgrade, which
    the converter follows) gives nvpairs, expressions and attribute sets ids of its own,
    and scripts that address them by id (cibadmin --xpath, crm_attribute --id) break."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        old, new = etree.fromstring(encode(text), parser), etree.fromstring(out, parser)
    except (etree.XMLSyntaxError, ValueError):
        return
    config = old.find("configuration")
    if config is None:
        return
    kept = {el.get("id") for el in new.iter() if isinstance(el.tag, str) and el.get("id")}
    said = " ".join(n.what for n in notes)
    gone = [
        str(el.get("id"))
        for el in config.iter()
        if isinstance(el.tag, str)
        and el.get("id")
        and el.tag != "node"  # (node ids: a line each)
        and el.get("id") not in kept
        and f"id='{el.get('id')}'" not in said
    ]
    if gone:
        shown = ", ".join(gone[:12]) + (f" and {len(gone) - 12} more" if len(gone) > 12 else "")
        notes.append(
            Note(
                "rewrite",
                display,
                "cib.xml ids",
                f"{len(gone)} element ids are new: {shown}",
                "the heartbeat-2 conversion (as Pacemaker's upgrade06.xsl) gives nvpairs, "
                "expressions and attribute sets ids of its own; commands and scripts that "
                "name these ids (cibadmin --xpath, crm_attribute --id) need the new ones",
            )
        )


def _cib_note(change: Any, display: str) -> Note:
    """The report line of one change of the CIB converter: what the admin must see to
    (a safety, manual or warning change: no STONITH device while Pacemaker fences by
    default, a heartbeat-class resource) is a TODO for either target. ``--to
    pacemaker=1.0`` reported them all as rewrites, so its report said nothing under
    "Not carried" while crm_verify refused to start any resource ("Resource start-up
    disabled since no STONITH resources have been defined")."""
    kind = "manual" if change.kind in ("manual", "safety", "warning") else "rewrite"
    return Note(kind, f"{display}:{change.line or 0}", "cib.xml", change.describe(), change.kind)


def _linbit_drbd(root: Any, display: str, notes: list[Note]) -> bool:
    """Point each ocf:heartbeat:drbd primitive of the converted CIB ``root`` at
    ocf:linbit:drbd; whether there was one.

    resource-agents 4 ships no heartbeat drbd agent (Debian 12's resource-agents 4.12:
    /usr/lib/ocf/resource.d/heartbeat holds none); drbd-utils installs ocf:linbit:drbd,
    which takes the same ``drbd_resource``. crm_verify does not look agents up, so
    without this the CIB passes every check and the DRBD resource never starts. (Done
    here, not in ``cib convert``: that one matches ``cibadmin --upgrade``, which keeps
    agents as they are.)"""
    moved = moved_agents(
        root,
        display,
        notes,
        "ocf:heartbeat:drbd",
        "ocf:linbit:drbd",
        "today's resource-agents ship no ocf:heartbeat:drbd (the resource would "
        "never start); drbd-utils' ocf:linbit:drbd takes the same drbd_resource",
    )
    return bool(list(moved))


def _current_agents(
    root: Any, display: str, notes: list[Note], ping_nodes: tuple[list[str], bool]
) -> bool:
    """The agents of the converted CIB ``root`` that today's packages no longer run,
    pointed at the ones that do their job; whether any changed."""
    drbd = _linbit_drbd(root, display, notes)
    drbd = drbddisk_masters(root, display, notes) or drbd
    ipaddr = ipaddr2(root, display, notes)
    iet_resources(root, display, notes)
    fenced = fence_agents(root, display, notes)
    _gone_agents(root, display, notes)
    return _pacemaker_ping(root, display, notes, ping_nodes) or drbd or ipaddr or fenced


_CLVMD_GONE = (
    "clvmd is gone: LVM2 2.03.00 dropped it, with lvmlockd as the replacement (Debian "
    "12 ships no clvmd; resource-agents' ocf:heartbeat:clvm stops at check_binary with "
    "OCF_ERR_INSTALLED): use ocf:heartbeat:lvmlockd in the DLM clone and activate the "
    "shared volume groups with ocf:heartbeat:LVM-activate (vg_access_mode=lvmlockd) "
    "after 'vgchange --locktype dlm'"
)
_O2CB_GONE = (
    "no agent starts o2cb on today's stack: ocfs2-tools 1.8 ships neither an OCF agent "
    "nor ocfs2_controld, which Pacemaker's ocf:pacemaker:o2cb starts "
    "(/usr/sbin/ocfs2_controld.pcmk): OCFS2 on Pacemaker now takes the DLM of "
    "ocf:pacemaker:controld directly: remove this resource and keep controld and the "
    "Filesystem (fstype=ocfs2) in the clone"
)
#: OCF agents of heartbeat-era CIBs whose daemon today's packages no longer ship: the
#: resource would fail to start (crm_verify does not look agents up); the replacement
#: needs more than a new agent name, so each is a TODO.
GONE_AGENTS: dict[tuple[str, str], str] = {
    ("lvm2", "clvmd"): _CLVMD_GONE,
    ("heartbeat", "clvm"): _CLVMD_GONE,
    ("ocfs2", "o2cb"): _O2CB_GONE,
    ("pacemaker", "o2cb"): _O2CB_GONE,
}


def _gone_agents(root: Any, display: str, notes: list[Note]) -> None:
    """A TODO for each primitive of :data:`GONE_AGENTS`."""
    for prim in root.iter("primitive"):
        provider, agent = prim.get("provider"), prim.get("type")
        why = GONE_AGENTS.get((provider or "", agent or ""))
        if prim.get("class") == "ocf" and why is not None:
            what = f"ocf:{provider}:{agent} would never start"
            notes.append(_primitive_note("manual", display, prim, what, why))


def cman_storage(
    found: Any, nodes: list[NodeFiles], cman: list[tuple[NodeFiles, Any]]
) -> list[Note]:
    """TODOs for the shared storage cman's init scripts ran beside it, which no CIB line
    names, so nothing else reports it: clvmd (lvm.conf ``locking_type = 3``, started by
    its init script after cman) and GFS/GFS2 mounts of /etc/fstab (the gfs/gfs2 init
    scripts mounted them once cman's DLM was up). Without cman neither starts."""
    members = {id(nf) for nf, _ in cman}
    clvmd: list[str] = []
    mounts: list[Note] = []
    for tree, nf in zip(found.nodes, nodes, strict=True):
        if id(nf) not in members:
            continue
        for f in tree.files:
            doc = load_as(f, "lvm") if f.format == "lvm" else None
            if doc is not None and doc.locking_type == 3:
                clvmd.append(f"{tree.name}:{f.display}")
        mounts.extend(_cluster_mounts(tree))
    out = []
    if clvmd:
        out.append(
            Note(
                "manual",
                clvmd[0] if len(clvmd) == 1 else f"{clvmd[0]} (and {len(clvmd) - 1} more)",
                "cib.xml",
                "lvm.conf locking_type = 3 (clustered LVM through clvmd, started after cman)",
                _CLVMD_GONE + "; then locking_type = 1 and use_lvmlockd = 1 in lvm.conf",
            )
        )
    return out + mounts


def _cluster_mounts(tree: NodeTree) -> list[Note]:
    """A TODO for each gfs/gfs2 line of the node's /etc/fstab (fields: device, mount
    point, type, as fstab(5))."""
    path = tree.etc / "fstab"
    text = etc_file_text(tree, path) or ""
    out = []
    for no, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if len(fields) < 3 or fields[2] not in ("gfs", "gfs2"):
            continue
        why = (
            "the gfs/gfs2 init script mounted it once cman's DLM ran; on corosync 3 the DLM "
            "(and lvmlockd for a clustered LV) run as Pacemaker resources: mount it with a "
            "cloned ocf:heartbeat:Filesystem (fstype=gfs2) after ocf:pacemaker:controld, and "
            "mark the fstab line noauto"
        )
        if fields[2] == "gfs":
            why = (
                "GFS (1) has no kernel module on today's kernels (RHEL 6 dropped it, "
                "mainline never had it): convert it with gfs2_convert (unmounted, on one "
                "node) before the cut-over; then: " + why
            )
        out.append(
            Note(
                "manual",
                f"{tree.name}:{display_path(path)}:{no}",
                "cib.xml",
                f"{fields[2]} mount {fields[1]} ({fields[0]}) in fstab",
                why,
            )
        )
    return out


#: pingd's parameters that ocf:pacemaker:ping reads under the same name and meaning
#: (``ping meta-data`` of Pacemaker 2.1.5: name, dampen, multiplier, host_list, ...)
PING_KEEPS = frozenset(
    {"pidfile", "name", "dampen", "multiplier", "host_list", "attempts", "timeout", "options"}
)


def _pacemaker_ping(
    root: Any, display: str, notes: list[Note], ping_nodes: tuple[list[str], bool]
) -> bool:
    """Point each pingd primitive (ocf:heartbeat:pingd, ocf:pacemaker:pingd) at
    ocf:pacemaker:ping; whether there was one.

    ocf:heartbeat:pingd starts heartbeat's pingd daemon (``${HA_BIN}/pingd``), which no
    package ships any more (Debian 12: resource-agents 4.12 has the agent, heartbeat and
    Pacemaker 2.1.5 no daemon), and Pacemaker 2 removed ocf:pacemaker:pingd: the
    resource fails to start, its attribute (``pingd`` unless ``name`` says otherwise)
    stays undefined, and a location rule such as ``pingd not_defined -> -INFINITY`` keeps
    the resources it guards off every node. crm_verify does not look agents up.
    ocf:pacemaker:ping sets the same attribute (default name ``pingd``) to multiplier x
    the hosts that answer, but only on its monitor, and needs ``host_list`` (pingd
    without one pinged ha.cf's ping nodes)."""
    from lxml import etree

    found = False
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for prim in root.iter("primitive"):
        agent = (prim.get("class"), prim.get("provider"), prim.get("type"))
        if agent not in (("ocf", "heartbeat", "pingd"), ("ocf", "pacemaker", "pingd")):
            continue
        found = True
        pid = prim.get("id")
        where = f"{display}:{prim.sourceline or 0}"
        prim.set("provider", "pacemaker")
        prim.set("type", "ping")
        notes.append(
            Note(
                "rewrite",
                where,
                "cib.xml",
                f"<primitive id='{pid}'> ocf:{agent[1]}:pingd -> ocf:pacemaker:ping",
                "no package ships the pingd daemon ocf:heartbeat:pingd starts, and "
                "Pacemaker 2 removed ocf:pacemaker:pingd (the resource would never start "
                "and rules on its attribute would keep resources off every node); "
                "ocf:pacemaker:ping sets the same attribute",
            )
        )
        params = {}
        for attrs_el in prim.findall("instance_attributes"):
            for nv in attrs_el.findall("nvpair"):
                name = nv.get("name")
                params[name] = nv.get("value")
                if name not in PING_KEEPS:
                    attrs_el.remove(nv)
                    notes.append(
                        Note(
                            "dropped",
                            f"{display}:{nv.sourceline or 0}",
                            "cib.xml",
                            f"<primitive id='{pid}'> pingd parameter {name}="
                            f"{nv.get('value')!r} dropped",
                            "ocf:pacemaker:ping has no such parameter",
                        )
                    )
        if not params.get("host_list"):
            hosts, grouped = ping_nodes
            if hosts:
                inst = prim.find("instance_attributes")
                if inst is None:
                    inst = etree.SubElement(prim, "instance_attributes", id=f"{pid}-ping-ia")
                nv_id = f"{pid}-ping-host_list"
                etree.SubElement(inst, "nvpair", id=nv_id, name="host_list", value=" ".join(hosts))
                notes.append(
                    Note(
                        "manual" if grouped else "rewrite",
                        where,
                        "cib.xml",
                        f"<primitive id='{pid}'> host_list='{' '.join(hosts)}' (ha.cf's ping "
                        "nodes, which pingd without host_list pinged)",
                        "ocf:pacemaker:ping needs host_list"
                        + (
                            "; it counts every host of a ping_group, where heartbeat "
                            "counted a group as one node: check the scores of the rules "
                            "on its attribute"
                            if grouped
                            else ""
                        ),
                    )
                )
            else:
                notes.append(
                    Note(
                        "manual",
                        where,
                        "cib.xml",
                        f"<primitive id='{pid}'> ocf:pacemaker:ping has no host_list",
                        "pingd without host_list pinged ha.cf's ping nodes, and no ha.cf "
                        "here has any: set host_list to the hosts to ping",
                    )
                )
        ops = prim.find("operations")
        monitors = [] if ops is None else [o for o in ops if o.get("name") == "monitor"]
        if not monitors:
            if ops is None:
                ops = etree.SubElement(prim, "operations")
            op_id = f"{pid}-monitor-10s"
            while op_id in ids:
                op_id += "-ping"
            ids.add(op_id)
            etree.SubElement(ops, "op", id=op_id, name="monitor", interval="10s", timeout="60s")
            notes.append(
                Note(
                    "rewrite",
                    where,
                    "cib.xml",
                    f"<primitive id='{pid}'> monitor every 10s added",
                    "ocf:pacemaker:ping updates its attribute on each monitor (pingd's "
                    "daemon did so by itself); 10s and 60s are the agent's own defaults",
                )
            )
    return found


def plan_stack(
    m: Migration,
    found: Any,
    cluster_name: str | None,
    cib_file: str | None,
    explicit: bool,
    cib_target: str = "current",
) -> bool | None:
    """heartbeat -> corosync 3 + Pacemaker into ``m``: whether a CIB came along, or None
    when no node runs heartbeat."""
    secrets: list[str] = m.secrets
    nodes: list[NodeFiles] = []
    cibs = []
    failed: list[tuple[SourceFile, str, str]] = []
    for tree in found.nodes:
        nf, node_cib = _node_files(tree, secrets, failed)
        nodes.append(nf)
        if node_cib is not None:
            cibs.append(node_cib)
    # (the copies' differences are said only where a stack is migrated: nodes of today's
    # stack, or of two clusters given together, have nothing to merge)
    differ: list[Note] = []
    cib = _newest_cib(cibs, differ)
    for source, fmt, where in failed:  # (a CIB that does not parse read as 'no CIB found')
        unreadable(m, source, fmt, where)
    heartbeat = any(n.hacf is not None for n in nodes)
    ais = [] if heartbeat else ais_nodes(found, nodes)
    was = "openais"
    if not heartbeat and not ais:
        ais, was = c2_nodes(found, nodes), "corosync2"
    cman = [] if heartbeat or ais else cman_nodes(found, nodes)
    if not heartbeat and not ais and not cman:
        old = _old_corosync(found)
        if explicit:
            raise XencfgError(
                "no node has an ha.cf (ha.d/ha.cf or heartbeat/ha.cf): nothing to migrate"
                + (f" ({old[0].target}: {old[0].what})" if old else "")
            )
        m.notes.extend(old)
        return None
    m.notes.extend(differ)
    if cib_file is not None:
        from ..discover import SourceFile, display_path

        p = Path(cib_file)
        cib = (SourceFile(p, display_path(p), "cib"), api.load(p, "cib"))
        if cib[1].is_fragment:
            # a cluster_property_set or a primitive alone: the migration replaces the
            # whole CIB (cibadmin --replace), so a piece of one cannot stand for it
            raise XencfgError(
                f"{display_path(p)}: --cib wants a whole CIB (<cib>), not a fragment"
                f" (<{cib[1].root_tag}>)"
            )
        secrets.extend(cib[1].secrets())
    if ais or cman:
        if cman:
            moved, crypto = cman_stack(m, cman, cib, cluster_name)
            m.notes.extend(cman_storage(found, nodes, cman) + cman_sysconfig(found, cman))
        else:
            moved, crypto = ais_stack(m, ais, cib, cluster_name, was)
        runs = [a.files for a in ais] + [nf for nf, _ in cman]
        running = [any(r is nf for r in runs) for nf in nodes]
        stack_files(m, found, moved, running, "openais or corosync", crypto)
        if cib is None and cman:
            return cman_cib(m, cman, moved.members, cib_target)
        if cib is None:
            m.notes.append(
                Note(
                    "manual",
                    "-",
                    "cib.xml",
                    "no CIB found (var/lib/heartbeat/crm/cib.xml, var/lib/pacemaker/cib/cib.xml)",
                    "no CIB copied: give it with --cib FILE (cibadmin -Q > FILE on a node), "
                    "or write the resources, constraints and fencing by hand",
                )
            )
        loaded = cib is not None and convert_cib(m, cib[0], moved.members, cib_target)
        if loaded and cman and cib is not None:
            m.notes.extend(cman_dlm(m, cib[0].display))
        return loaded
    # (no cib: the no-quorum-policy TODO of report_stack is the plugin paths' own)
    stack, _ = report_stack(m, to_corosync(nodes, cluster_name), True, "heartbeat", None)
    stack_files(m, found, stack, [nf.hacf is not None for nf in nodes], "heartbeat (no ha.cf)")
    haresources = _haresources(found, nodes, m.notes)
    if cib is not None:
        if not convert_cib(m, cib[0], stack.members, cib_target, _ping_nodes(nodes)):
            cib = None  # (the cut-over then says to write the CIB, not to load it)
        else:  # (drbddisk in a cluster of three or more: where drbd.conf has its disks)
            drbddisk_beyond_two(m, _drbd_hosts(nodes))
    elif haresources is not None:
        from ..migrations.haresources import STONITH_PARAMS, haresources_to_cib, stonith_devices

        hr_doc, display, hacf = haresources
        devices: list[dict[str, Any]] = []
        for nf in nodes:  # (each node's ha.cf: heartbeat read its own)
            for d in stonith_devices(nf.hacf):
                if d not in devices:
                    devices.append(d)
        try:
            made = haresources_to_cib(
                hr_doc, hacf, len(stack.members), _drbd_hosts(nodes), stonith=devices
            )
        except UnicodeEncodeError as exc:  # (lxml takes no undecodable byte)
            byte = exc.object[exc.start : exc.start + 1].encode("utf-8", "surrogateescape")
            raise XencfgError(
                f"{display}: a resource, node or stonith value holds the byte "
                f"\\x{byte.hex().upper()}, which is not UTF-8: the CIB holds UTF-8 text "
                "only; write the value in UTF-8 (iconv -f latin1 -t utf-8) and migrate again"
            ) from None
        except ValueError as exc:  # lxml: "All strings must be XML compatible"
            if "XML compatible" not in str(exc):
                raise
            raise XencfgError(
                f"{display}: a resource, node or stonith value holds a NUL or another control"
                " character, which XML (the CIB) cannot hold: remove it and migrate again"
            ) from None
        m.notes.extend(notes_of(made.changes, display, "cib.xml"))
        converted = len(m.notes)
        m.outputs.append(
            _cib_output(made.text, display, stack.members, m.notes, cib_target, _ping_nodes(nodes))
        )
        ipfail_ping(m, nodes, _ping_nodes(nodes))
        for n in m.notes[converted:]:
            # (the conversion's lines are those of the CIB made of haresources, which is
            # written nowhere: 'haresources:125' named a line haresources does not have)
            if n.source.startswith(display + ":"):
                n.source = display
        cib = haresources
        # the ha.cf lines of the devices the CIB now holds need no second TODO
        carried = {
            "stonith_host " + " ".join([d["host"], d["type"], *map(str, d["params"])])
            for d in devices
            if not d.get("file") and d["type"] in STONITH_PARAMS and d["params"]
        }
        for i, n in enumerate(m.notes):
            if n.kind == "manual" and n.target == "CIB" and n.what.startswith("auto_failback"):
                # (the CIB made of haresources has the stickiness: no TODO is left)
                m.notes[i] = Note(
                    "rewrite",
                    n.source,
                    "cib.xml",
                    n.what,
                    "made the CIB's default resource stickiness (see its line)",
                )
            if n.kind == "manual" and n.target == "CIB" and n.what in carried:
                m.notes[i] = Note(
                    "rewrite",
                    n.source,
                    "cib.xml",
                    n.what,
                    "made a stonith resource of the CIB (see its line)",
                )
    else:
        m.notes.append(
            Note(
                "manual",
                "-",
                "cib.xml",
                "no CIB found (var/lib/heartbeat/crm/cib.xml) and no haresources "
                "(etc/ha.d/haresources)",
                "no CIB and no haresources copied: write the CIB (resources, constraints, "
                "fencing) by hand",
            )
        )
    if any(n.what.endswith("-> ocf:pacemaker:ping") for n in m.notes):
        # the CIB's pingd resource, now ocf:pacemaker:ping, pings ha.cf's ping nodes:
        # the ha.cf lines need no second clone
        for i, n in enumerate(m.notes):
            first = n.what.split(" ")[0]
            if n.kind == "manual" and n.target == "CIB" and first in ("ping", "ping_group"):
                m.notes[i] = Note(
                    "rewrite",
                    n.source,
                    "cib.xml",
                    n.what,
                    "the CIB's pingd resource, now ocf:pacemaker:ping, pings these hosts "
                    "(see its lines); corosync itself has no ping nodes",
                )
    return cib is not None


def convert_cib(
    m: Migration,
    f: SourceFile,
    members: list[Member],
    cib_target: str,
    ping_nodes: tuple[list[str], bool] = ([], False),
) -> bool:
    """The CIB file ``f`` converted into ``m`` (cib.xml and its lines); whether it was:
    a CIB the converter cannot carry gets a TODO instead, and corosync.conf and the
    other parts are still written (that refusal used to end the whole migration)."""
    from ..syntax.source import read_text

    try:
        text = f.text if f.text is not None else read_text(str(f.path))
        made_cib = _cib_output(text, f.display, members, m.notes, cib_target, ping_nodes)
        m.outputs.append(made_cib)
        m.cib_input = (f.display, text)  # (checked as cib convert's output: cib_check.py)
        _renamed_ids(text, made_cib.data, f.display, m.notes)
    except XencfgError as exc:
        said = str(exc).splitlines()[0]
        for where in (str(f.path), f.display):
            said = said.removeprefix(f"{where}: ")
        why = (
            "no cib.xml written: the CIB is newer than the schema asked for; migrate with "
            "--to pacemaker=current (or the 2.x release the nodes will run)"
            if "refusing to convert it to pacemaker-1.0" in said
            else "no cib.xml written: fix the CIB (crm.dtd of heartbeat 2, 'xencfg cib "
            "validate'), then migrate again, or write the CIB by hand"
        )
        m.notes.append(
            Note("manual", f.display, "cib.xml", f"the CIB is not converted: {said}", why)
        )
        return False
    return True


def stack_files(
    m: Migration, found: Any, stack: StackResult, runs: list[bool], old: str, crypto: bool = True
) -> None:
    """corosync.conf (and with ``crypto`` the one authkey: ``stack.key``, the kept one,
    else a new one) for each node tree that ``runs`` the old stack or is a member; a
    storage box (neither: ``old`` names what it does not run) gets none: corosync there
    would not find itself in the nodelist ('No valid name found for local host'). A node
    whose corosync.conf is already the generated one gets no new copy."""
    conf = encode(api.dumps(stack.corosync))
    key = stack.key or _random.token_bytes(KEY_BYTES)
    members = {mb.name.lower() for mb in stack.members}
    for tree, running in zip(found.nodes, runs, strict=True):
        if not running and tree.name.lower() not in members:
            m.notes.append(
                Note(
                    "info",
                    tree.name,
                    "corosync.conf",
                    f"{tree.name} runs no {old} and is no member",
                    "no corosync.conf or authkey for it: it stays outside the cluster",
                )
            )
            continue
        m.stack_nodes.append(tree.name)
        existing = etc_file_text(tree, tree.etc / "corosync" / "corosync.conf")
        if existing is not None and encode(existing) == conf:
            continue
        m.outputs.append(
            Output(tree.name, "etc/corosync/corosync.conf", conf, 0o644, "corosync 3 (knet)")
        )
        if crypto:
            m.outputs.append(
                Output(
                    tree.name,
                    "etc/corosync/authkey",
                    key,
                    0o400,
                    "knet's shared key (the same on every node)",
                    secret=True,
                )
            )


def _ping_nodes(nodes: list[NodeFiles]) -> tuple[list[str], bool]:
    """The first ha.cf's ping nodes (``ping`` lines and ``ping_group`` hosts) and whether
    a ping_group gave some. ``ping`` is read as heartbeat reads it: word by word, split at
    blanks and commas (``ping 10.0.0.254,10.0.0.253`` is two ping nodes)."""
    from ..formats.lines.hacf_directives import words

    for nf in nodes:
        if nf.hacf is None:
            continue
        hosts = [h for e in nf.hacf.entries("ping") for h in words(e)]
        groups = [h for e in nf.hacf.entries("ping_group") for h in e.values[1:]]
        return hosts + [h for h in groups if h not in hosts], bool(groups)
    return [], False


def _drbd_hosts(nodes: list[NodeFiles]) -> dict[str, list[str]]:
    """DRBD resource name -> the hosts its ``on`` sections name, over every node's
    drbd.conf (where a ``drbddisk::NAME``'s master/slave may run)."""
    out: dict[str, list[str]] = {}
    for nf in nodes:
        for doc in nf.drbd:
            for res in doc.resources.values():
                names = out.setdefault(res.name, [])
                names.extend(h for h in res.hosts if h not in names)
    return {name: hosts for name, hosts in out.items() if hosts}


def _cib_version(doc: Any) -> tuple[int, int, int]:
    """(admin_epoch, epoch, num_updates): the order in which Pacemaker and heartbeat's
    CRM rank copies of the CIB (the highest wins when nodes join)."""
    root = doc.root
    out = []
    for key in ("admin_epoch", "epoch", "num_updates"):
        try:
            out.append(int(root.get(key, "0")) if root is not None else 0)
        except ValueError:
            out.append(0)
    return out[0], out[1], out[2]


def _newest_cib(cibs: list[Any], notes: list[Note]) -> Any:
    """The newest of the nodes' CIB copies ((file, document) pairs). heartbeat's CRM
    replicated it, but a node that was down keeps an older copy; the first node's was
    taken whatever its age, so changes made while it was down were lost unsaid."""
    if not cibs:
        return None
    best = max(cibs, key=lambda c: _cib_version(c[1]))  # (first of the newest)
    older = [c for c in cibs if _cib_version(c[1]) < _cib_version(best[1])]
    if older:
        v = ".".join(map(str, _cib_version(best[1])))
        notes.append(
            Note(
                "manual",
                best[0].display,
                "cib.xml",
                f"the nodes' CIBs differ: the newest (version {v}, {best[0].display}) is "
                "converted; older copies: "
                + ", ".join(
                    f"{c[0].display} ({'.'.join(map(str, _cib_version(c[1])))})" for c in older
                ),
                "the CRM (heartbeat's, Pacemaker) keeps the copy with the highest "
                "(admin_epoch, epoch, num_updates) when nodes join; check that no change was "
                "made only on a node whose copy is older",
            )
        )
    return best


def _haresources(
    found: Any, nodes: list[NodeFiles], notes: list[Note]
) -> tuple[Any, str, Any] | None:
    """A heartbeat 1 cluster's haresources (the first node's), with its ha.cf; a note
    for each node whose haresources gives other groups (heartbeat wants the same file
    on every node: each node starts what its own copy says)."""
    copies = []
    for tree, nf in zip(found.nodes, nodes, strict=True):
        for f in tree.files:
            if f.format == "haresources":
                doc = load_as(f, "haresources")
                if doc is not None:
                    copies.append((doc, f"{tree.name}:{f.display}", nf.hacf))
                else:
                    notes.append(parse_failure(f, "haresources", f"{tree.name}:{f.display}"))
    if not copies:
        return None

    def groups(doc: Any) -> list[tuple[str, list[str]]]:
        return [(g.node, [r.spec for r in g.resources]) for g in doc.groups]

    first = copies[0]
    for other in copies[1:]:
        if groups(other[0]) != groups(first[0]):
            notes.append(
                Note(
                    "manual",
                    other[1],
                    "cib.xml",
                    f"haresources differs from {first[1]}'s, which the CIB is made from",
                    "heartbeat wants the same haresources on every node (each node took "
                    "over what its own copy listed): merge the differences into the CIB "
                    "by hand",
                )
            )
    return first
