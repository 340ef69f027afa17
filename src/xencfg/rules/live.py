"""Drift rules (LS): the configuration against what runs.

They read the live state captured in a node root (``xencfg capture``'s
``var/lib/xencfg/state/``, a sosreport, a supportconfig, or ``lint --live``)
beside the node's files, and say where the two disagree. A node without a
capture of a kind is not judged on it: no rule guesses live state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster, Loaded, memberships
from ..findings import Finding, Location
from ..formats.drbd import DrbdDocument
from . import make, rule

# A status format's module is imported by a rule only once a capture of that format
# was read (it is imported then already): a lint without live state imports none.

#: DRBD 8 connection states in which replication works (or is catching up).
CS_OK = frozenset(
    {"Connected", "SyncSource", "SyncTarget", "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT"}
    # DRBD 0.7's full and quick resyncs (drbd_proc.c cstate names)
    | {"SyncingAll", "SyncingQuick"}
)
#: DRBD 8 states that are a resync under way (disks not UpToDate are expected).
CS_SYNC = CS_OK - {"Connected"}


def _at(item: Loaded, line: int) -> Location:
    return Location(item.file.display, max(line, 1), 1)


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


# -- DRBD: configuration and live state per node ----------------------------------


class _Res:
    """One configured resource on one node, and what runs of it there."""

    def __init__(self, node: str, item: Loaded, res: Any, host: str) -> None:
        self.node, self.item, self.res, self.host = node, item, res, host
        self.name: str = res.name
        try:
            eff = res.effective(host)
        except KeyError:
            eff = None
        self.minors = sorted(
            v["device"].minor
            for v in (eff.volumes.values() if eff is not None else ())
            if v.get("device") is not None and v["device"].minor is not None
        )
        # DRBD 9 diskless clients (``disk none;``): Diskless is their normal state
        me = res.host(host)
        self.diskless = bool(me is not None and me.diskless)
        self.peer_diskless = any(
            h.diskless for h in res.host_list if h.kind == "on" and h.name != host
        )
        net = eff.sections.get("net", {}) if eff is not None else {}
        flag = net.get("allow-two-primaries")
        self.two_primaries = flag is True or str(flag).lower() in ("yes", "true")


def configured_drbd(cluster: Cluster) -> list[_Res]:
    """Every (node, resource) the drbd files give an ``on`` section for that node."""

    def compute() -> list[_Res]:
        out: list[_Res] = []
        for node in cluster.nodes:
            docs = list(cluster.typed("drbd", DrbdDocument, node))
            common = next((d.common_block for _, d in docs if d.common_block is not None), None)
            for item, doc in docs:
                if doc.is_drbdsetup_show:
                    continue
                for res in doc.resource_list(common):
                    for h in res.host_list:
                        if h.kind == "on" and any(_short(n) == _short(node) for n in h.names):
                            out.append(_Res(node, item, res, h.name))
        return out

    return cluster.fact("live:drbd-configured", compute)


class _State:
    """What one node's capture says of one resource: role, connection, disks."""

    def __init__(
        self,
        item: Loaded,
        line: int,
        role: str | None,
        peer_role: str | None,
        conn: str,
        disk: str | None,
        peer_disk: str | None,
        good_disk: str = "UpToDate",
    ) -> None:
        self.item, self.line = item, line
        self.role, self.peer_role, self.conn = role, peer_role, conn
        self.disk, self.peer_disk = disk, peer_disk
        #: the local disk state that is healthy (DRBD 0.7's ``ld:`` has Consistent)
        self.good_disk = good_disk


def live_drbd(cluster: Cluster, r: _Res) -> list[_State] | None:
    """The live states of a configured resource on its node (one per connection, or
    one per minor); ``[]``: captured, not there; ``None``: nothing captured."""
    if not cluster.has("drbd-status", "proc-drbd", node=r.node):
        return None
    from ..formats.status.drbd_status import NOTHING_UP, DrbdStatusDocument
    from ..formats.status.proc_drbd import NO_MODULE, ProcDrbdDocument

    seen = False
    for item, st in cluster.typed("drbd-status", DrbdStatusDocument, r.node):
        if not st.resources:
            # drbdsetup's "nothing up" says it for DRBD 9, whose /proc/drbd cannot; any
            # other message (the tool refused) leaves it to /proc/drbd
            seen = seen or NOTHING_UP in st.source
            continue
        seen = True
        live = st.resource(r.name)
        if live is None:
            continue
        disk = next(
            (d for d in live.disks if d != "UpToDate"), live.disks[0] if live.disks else None
        )
        conns = live.connections or []
        if not conns:
            return [_State(item, live.line, live.role, None, "StandAlone", disk, None)]
        out = []
        for c in conns:
            repl = next(
                (v.replication for v in c.volumes if v.replication not in (None, "Established")),
                None,
            )
            pdisk = next((v.peer_disk for v in c.volumes if v.peer_disk != "UpToDate"), None)
            pdisk = pdisk or next((v.peer_disk for v in c.volumes), None)
            state = c.state if c.state != "Connected" or repl is None else repl
            out.append(
                _State(item, c.line or live.line, live.role, c.peer_role, state, disk, pdisk)
            )
        return out
    for item, pd in cluster.typed("proc-drbd", ProcDrbdDocument, r.node):
        if pd.version is None and not pd.minors:
            if NO_MODULE.search(pd.source):  # no module loaded: nothing runs
                return []
            continue  # not /proc/drbd's text (an error message saved in its place)
        if not pd.minors and re.match(r"(9|[1-9]\d)\.", pd.version or ""):
            continue  # DRBD 9's /proc/drbd has the version only, never a device line
        seen = True
        out = []
        for minor in r.minors:
            m = pd.minor(minor)
            if m is None or m.cs == "Unconfigured":
                continue
            disk, peer_disk = m.disks if m.disks else (None, None)
            # DRBD 0.7's ``ld:``: the local disk only, Consistent its good state
            # (drbd_proc.c: MDF_Consistent)
            good = "Consistent" if m.disks and not peer_disk else "UpToDate"
            out.append(
                _State(item, m.line, m.role, m.peer_role, m.cs, disk, peer_disk or None, good)
            )
        if out or r.minors:
            return out
    return [] if seen else None


def _nine_connected(state: str) -> bool:
    return state in CS_OK or state == "Established"


@rule("LS001", "drbd-resource-not-running", "warning", scope="cluster")
def drbd_not_running(cluster: Cluster) -> Iterator[Finding]:
    """A DRBD resource configured for a node is not in that node's kernel.

    Why it matters: ``drbdadm status`` (DRBD 9) or ``/proc/drbd`` (8.x) of the
    node does not list the resource (or shows its minor ``Unconfigured``):
    nothing replicates it, and the cluster manager's first promote fails or
    brings up stale data. Usually ``drbdadm up`` failed at boot (a backing
    disk renamed, an address the node no longer holds, see LS015) and nobody
    looked.

    Example: ``resource r1`` with ``on alpha`` in drbd.conf; alpha's captured
    ``drbdadm status`` lists only ``r0``.

    Fix: ``drbdadm up r1`` on the node and read its messages; or remove the
    resource from the configuration if it is retired.
    """
    for r in configured_drbd(cluster):
        states = live_drbd(cluster, r)
        if states == []:
            where = next(
                (i for fmt in ("drbd-status", "proc-drbd") for i in cluster.docs(fmt, r.node)), None
            )
            if where is None:
                continue
            yield make(
                "LS001",
                f"DRBD resource '{r.name}' is configured for {r.node} but not running there",
                _at(where, 1),
                [r.item.where(r.res)],
            )


@rule("LS002", "drbd-not-connected-uptodate", "warning", scope="cluster")
def drbd_degraded(cluster: Cluster) -> Iterator[Finding]:
    """A running DRBD resource is not Connected, or a disk is not UpToDate.

    Why it matters: in ``WFConnection`` / ``Connecting`` the peer gets no writes,
    and a disk that is ``Inconsistent``, ``Outdated`` or ``Diskless`` outside a
    resync cannot take over: the cluster runs on one copy while the
    configuration promises two. (A resync under way, ``SyncSource`` /
    ``SyncTarget``, is recovery and not reported, and so is ``Diskless`` on a
    DRBD 9 client configured with ``disk none;``.) StandAlone is LS003.

    Example: ``0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown`` in
    /proc/drbd.

    Fix: find why the peer does not connect (its state, the replication link,
    LS015); for a bad disk, ``drbdadm attach`` or ``invalidate`` to resync.
    """
    for r in configured_drbd(cluster):
        for s in live_drbd(cluster, r) or []:
            if s.conn == "StandAlone":
                continue
            problems = []
            if not _nine_connected(s.conn):
                problems.append(f"connection {s.conn}")
            syncing = s.conn in CS_SYNC
            local_ok = (None, s.good_disk, *(("Diskless",) if r.diskless else ()))
            peer_ok = (None, "UpToDate", "Diskless") if r.peer_diskless else (None, "UpToDate")
            if not syncing and s.disk not in local_ok:
                problems.append(f"local disk {s.disk}")
            if not syncing and _nine_connected(s.conn) and s.peer_disk not in peer_ok:
                problems.append(f"peer disk {s.peer_disk}")
            if problems:
                yield make(
                    "LS002",
                    f"DRBD resource '{r.name}' on {r.node}: {', '.join(problems)}",
                    _at(s.item, s.line),
                    [r.item.where(r.res)],
                )


@rule("LS003", "drbd-split-brain", "error", scope="cluster")
def drbd_split_brain(cluster: Cluster) -> Iterator[Finding]:
    """A configured DRBD resource is StandAlone: the trace split-brain leaves.

    Why it matters: DRBD drops the connection and goes StandAlone when it
    detects split brain ("Split-Brain detected, dropping connection!", DRBD
    user guide, *Manual split brain recovery*) and never reconnects on its own;
    the two copies diverge from then on, and a failover brings up the other
    copy's older data. (``drbdadm disconnect`` by hand also leaves it so.)

    Example: ``1: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown``.

    Fix: recover by hand as the guide says: on the victim ``drbdadm secondary
    r0; drbdadm connect --discard-my-data r0``, then ``drbdadm connect r0`` on
    the survivor.
    """
    for r in configured_drbd(cluster):
        for s in live_drbd(cluster, r) or []:
            if s.conn == "StandAlone":
                yield make(
                    "LS003",
                    f"DRBD resource '{r.name}' on {r.node} is StandAlone (split brain, or "
                    "disconnected by hand): its copies are not replicated",
                    _at(s.item, s.line),
                    [r.item.where(r.res)],
                )


def _promoted_by_cluster(cluster: Cluster, node: str, name: str) -> bool | None:
    """Whether a CIB (on disk or live) or haresources of ``node`` manages DRBD resource
    ``name``; ``None`` when the node has no cluster manager configuration at all."""
    from ..formats.cib.model import CibDocument

    seen = False
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument, node):
            seen = True
            for p in cib.primitives:
                t = (p.type or "").lower()
                if t == "drbd" and p.param("drbd_resource") == name:
                    return True
                if t == "drbddisk" and name in (p.param("1"), p.param("resource")):
                    return True
    from ..formats.xen.domu import DomUDocument

    for fmt in ("xm", "xl"):
        for _, domu in cluster.typed(fmt, DomUDocument, node):
            # a ``drbd:NAME`` disk: Xen's block-drbd script promotes it when the domU starts
            if any(d.drbd_resource == name for d in domu.disks):
                return True
    for item in cluster.docs("haresources", node):
        seen = True
        if f"drbddisk::{name}" in item.doc.source.split() or f"drbddisk::{name}" in item.doc.source:
            return True
    return False if seen else None


@rule("LS004", "drbd-primary-unmanaged", "warning", scope="cluster")
def drbd_primary_unmanaged(cluster: Cluster) -> Iterator[Finding]:
    """A DRBD resource is Primary on a node while no cluster resource promotes it.

    Why it matters: the node's CIB (or haresources) has no ``ocf:linbit:drbd``
    with ``drbd_resource=NAME`` and no ``drbddisk`` for it, and no domU config
    has a ``drbd:NAME`` disk (which Xen's block-drbd script promotes when the
    domU starts), so the resource was
    promoted by hand or by a boot script: no failover moves it, and nothing
    stops the peer from being promoted too.

    Example: ``r1 role:Primary`` in ``drbdadm status`` on alpha; the CIB's
    DRBD resources are for ``r0`` only.

    Fix: put the resource under the cluster manager (a master/slave
    ``ocf:linbit:drbd`` or a ``drbddisk`` in its group), or demote it.
    """
    for r in configured_drbd(cluster):
        states = live_drbd(cluster, r) or []
        primary = next((s for s in states if s.role == "Primary"), None)
        if primary is None:
            continue
        if _promoted_by_cluster(cluster, r.node, r.name) is False:
            yield make(
                "LS004",
                f"DRBD resource '{r.name}' is Primary on {r.node} but no CIB resource "
                "(ocf:linbit:drbd, drbddisk) or haresources line manages it",
                _at(primary.item, primary.line),
                [r.item.where(r.res)],
            )


@rule("LS005", "drbd-dual-primary-unconfigured", "error", scope="cluster")
def drbd_dual_primary(cluster: Cluster) -> Iterator[Finding]:
    """A DRBD resource is Primary on two nodes without ``allow-two-primaries``.

    Why it matters: DRBD refuses a second Primary while connected unless
    ``net { allow-two-primaries; }`` is set (drbdsetup primary: "Multiple
    primaries not allowed by config"), so two Primaries without it means the
    nodes are disconnected and both write: split brain in progress, with
    two diverging copies.

    Example: alpha's /proc/drbd ``ro:Primary/Unknown`` and beta's
    ``ro:Primary/Unknown`` for the same minor.

    Fix: stop the service on one node, demote it, reconnect with
    ``--discard-my-data`` there; find why the cluster manager let it happen
    (fencing, LS004).
    """
    # keyed by the resource and its hosts: "r0" of another pair of nodes is another resource
    primaries: dict[tuple[str, tuple[str, ...]], list[tuple[_Res, _State]]] = {}
    for r in configured_drbd(cluster):
        hosts = tuple(sorted(_short(n) for h in r.res.host_list if h.kind == "on" for n in h.names))
        for s in live_drbd(cluster, r) or []:
            if s.role == "Primary":
                primaries.setdefault((r.name, hosts), []).append((r, s))
                break
    for (name, _), hits in primaries.items():
        nodes = sorted({r.node for r, _ in hits})
        if len(nodes) < 2 or any(r.two_primaries for r, _ in hits):
            continue
        (r, s), rest = hits[0], hits[1:]
        yield make(
            "LS005",
            f"DRBD resource '{name}' is Primary on {', '.join(nodes)} without "
            "allow-two-primaries: both write, the copies diverge",
            _at(s.item, s.line),
            [_at(x.item, x.line) for _, x in rest] + [r.item.where(r.res)],
        )


# -- multipath ----------------------------------------------------------------------


@rule("LS006", "multipath-alias-drift", "error", scope="cluster")
def multipath_alias_drift(cluster: Cluster) -> Iterator[Finding]:
    """A running multipath map's alias or WWID differs from multipath.conf.

    Why it matters: multipath.conf binds ``alias`` to ``wwid``; domU configs and
    the CIB name the disk ``/dev/mapper/ALIAS``. When the running map of that
    WWID has another name, the configured name does not exist (the domU fails
    to start); when the name is carried by another WWID (a stale bindings file,
    a conf edited without ``multipathd reconfigure``), the domU opens
    another LUN and writes over its data.

    Example: multipath.conf ``wwid 3600a0b8...4e alias web``; ``multipath -ll``
    shows ``web (3600a0b8...99) dm-1``.

    With ``user_friendly_names yes`` a map multipath.conf gives no alias is named
    from the bindings file (/etc/multipath/bindings): a map running under the name
    the file binds to its WWID is no drift; one running under another name, or under
    a name the file binds to another WWID, is (multipathd renames it to the file's
    name at the next ``reconfigure`` or reboot: alias.c ``get_user_friendly_alias``).

    Fix: ``multipathd -k'reconfigure'`` (or ``multipath -r``) after checking
    that nothing has the wrong disk open; fix /etc/multipath/bindings.
    """
    if not cluster.has("multipath-ll"):
        return
    from ..formats.multipath import MultipathDocument
    from ..formats.status.multipath_ll import MultipathLlDocument
    from .multipath import node_bindings

    for node in cluster.nodes:
        conf: dict[str, tuple[str, Any]] = {}  # wwid -> (alias, where multipath.conf says so)
        for item, conf_doc in cluster.typed("multipath", MultipathDocument, node):
            for m in conf_doc.multipaths:
                if m.wwid and m.alias:
                    conf[m.wwid] = (m.alias, item.where(m.block))
        bound = node_bindings(cluster, node)
        if not conf and not bound:
            continue
        by_alias = {a: (w, at) for w, (a, at) in conf.items()}
        for item, ll in cluster.typed("multipath-ll", MultipathLlDocument, node):
            for mp in ll.maps:
                if mp.wwid not in conf and mp.alias not in by_alias:
                    yield from _bindings_drift(node, item, mp.wwid, mp.alias, mp.line, bound)
                    continue
                want = conf.get(mp.wwid)
                if want is not None and want[0] != mp.alias:
                    yield make(
                        "LS006",
                        f"map of WWID {mp.wwid} runs as '{mp.alias}' on {node}; "
                        f"multipath.conf names it '{want[0]}'",
                        _at(item, mp.line),
                        [want[1]],
                    )
                other = by_alias.get(mp.alias)
                if other is not None and other[0] != mp.wwid:
                    yield make(
                        "LS006",
                        f"map '{mp.alias}' on {node} carries WWID {mp.wwid}; multipath.conf "
                        f"gives that alias to {other[0]}",
                        _at(item, mp.line),
                        [other[1]],
                    )


def _bindings_drift(
    node: str, item: Loaded, wwid: str, alias: str, line: int, bound: dict[str, Any]
) -> Iterator[Finding]:
    """LS006 for a map multipath.conf gives no alias: its running name against the
    node's bindings file (``bound``: alias -> (WWID, file, line))."""
    if not bound or not wwid:
        return
    names = sorted(a for a, (w, _, _) in bound.items() if w == wwid)
    carried = bound.get(alias)
    if carried is not None and carried[0] != wwid:
        yield make(
            "LS006",
            f"map '{alias}' on {node} carries WWID {wwid}; the bindings file gives that name"
            f" to {carried[0]}",
            _at(item, line),
            [carried[1].where(carried[2])],
        )
    elif names and alias not in names:
        first = bound[names[0]]
        yield make(
            "LS006",
            f"map of WWID {wwid} runs as '{alias}' on {node}; the bindings file names it"
            f" '{names[0]}'",
            _at(item, line),
            [first[1].where(first[2])],
        )


@rule("LS007", "multipath-failed-path", "warning", scope="cluster")
def multipath_failed_path(cluster: Cluster) -> Iterator[Finding]:
    """A path of a running multipath map is failed or faulty.

    Why it matters: the map runs on fewer paths than it was built for; one more
    failure (a switch, a target box reboot) and I/O queues or fails. Nobody
    notices: the map stays up.

    Example: ``` `- 3:0:0:1 sdc 8:32 failed faulty running``.

    Fix: find the path's fault (``iscsiadm -m session -P 3`` for iSCSI, the
    switch, the HBA); ``multipathd -k'reinstate path sdc'`` once it is back.
    """
    if not cluster.has("multipath-ll"):
        return
    from ..formats.status.multipath_ll import MultipathLlDocument

    for item, ll in cluster.typed("multipath-ll", MultipathLlDocument):
        for mp in ll.maps:
            for p in mp.paths:
                if not p.ok:
                    yield make(
                        "LS007",
                        f"path {p.device} of map '{mp.alias}' is {p.dm_state}/{p.path_state}",
                        _at(item, p.line),
                    )


@rule("LS008", "multipath-fewer-paths-than-sessions", "warning", scope="cluster")
def multipath_fewer_paths(cluster: Cluster) -> Iterator[Finding]:
    """A multipath map has fewer working paths than the node has iSCSI sessions to its LUN.

    Why it matters: each logged-in session (one per portal) gives the LUN a
    disk; a disk that is not a working path of the map (blacklisted, not
    claimed after a rescan, failed) means the redundancy the sessions were
    set up for is not there.

    Example: two sessions to ``iqn...:san1.pool`` each with LUN 1 (``sdb``,
    ``sdc``); map ``pool`` has ``sdb`` only.

    Fix: ``multipath -r``, check the blacklist and ``find_multipaths``; LS007
    for failed paths.
    """
    if not cluster.has("iscsi-session"):
        return
    from ..formats.status.iscsi_session import IscsiSessionDocument
    from ..formats.status.multipath_ll import MultipathLlDocument

    for node in cluster.nodes:
        sessions = [
            (i, s)
            for i, d in cluster.typed("iscsi-session", IscsiSessionDocument, node)
            for s in d.sessions
        ]
        if not sessions:
            continue
        for item, ll in cluster.typed("multipath-ll", MultipathLlDocument, node):
            for mp in ll.maps:
                devs = {p.device for p in mp.paths}
                luns = {
                    (s.target, lun.lun) for _, s in sessions for lun in s.luns if lun.disk in devs
                }
                if not luns:
                    continue
                expected = sum(
                    1
                    for _, s in sessions
                    if s.logged_in and any((s.target, x.lun) in luns for x in s.luns)
                )
                ok = sum(1 for p in mp.paths if p.ok)
                if ok < expected:
                    yield make(
                        "LS008",
                        f"map '{mp.alias}' on {node} has {ok} working path(s) for "
                        f"{expected} logged-in iSCSI session(s) to its LUN",
                        _at(item, mp.line),
                    )


# -- iSCSI ------------------------------------------------------------------------


def _configured_targets(cluster: Cluster) -> dict[str, Location]:
    """Targets the configuration names: ietd.conf ``Target`` lines and CIB
    ``iscsi`` resources' ``target`` parameter."""
    from ..formats.cib.model import CibDocument
    from ..formats.lines.ietd import IetdDocument

    out: dict[str, Location] = {}
    for item, ietd in cluster.typed("ietd", IetdDocument):
        for t in ietd.targets:
            out.setdefault(t.name, item.where(t.block if hasattr(t, "block") else None))
    for item, cib in cluster.typed("cib", CibDocument):
        for p in cib.primitives:
            if (p.type or "").lower() == "iscsi" and p.param("target"):
                out.setdefault(str(p.param("target")), item.where(p))
    return out


@rule("LS009", "iscsi-target-without-session", "warning", scope="cluster")
def iscsi_target_no_session(cluster: Cluster) -> Iterator[Finding]:
    """A configured target has no session from an initiator that should log in.

    Why it matters: the target is exported (ietd.conf) and admits the node (or
    the CIB logs in to it), yet the node's ``iscsiadm -m session`` has no
    session to it: its LUNs are missing on that node, and the domU or file
    system that needs them cannot start or fail over there.

    Example: ietd.conf ``Target iqn.2026-11.net.example:san1.web``; xen2's
    captured sessions list ``san1.pool`` only.

    Fix: ``iscsiadm -m discovery -t st -p PORTAL`` and ``iscsiadm -m node -T
    IQN -l`` on the node; check initiators.allow and node.startup.
    """
    if not cluster.has("iscsi-session"):
        return
    from ..formats.status.iscsi_session import IscsiSessionDocument

    targets = _configured_targets(cluster)
    if not targets:
        return
    layers = cluster.model.targets
    for node in cluster.nodes:
        own_files = {i.file.display for i in cluster.docs("ietd", node)}
        docs = [
            (i, d)
            for i, d in cluster.typed("iscsi-session", IscsiSessionDocument, node)
            if d.sessions or "No active sessions" in d.source
        ]  # anything else is a message of a tool that could not ask iscsid
        if not docs:
            continue
        info = cluster.model.node(node)
        if info is not None and info.storage_only:
            continue  # a target box: it exports, it does not log in
        have = {s.target for _, d in docs for s in d.sessions if s.logged_in}
        for name, where in targets.items():
            if where.path in own_files:
                continue  # this node's own ietd.conf exports it
            layer = layers.get(name)
            if layer is not None and layer.members and _short(node) not in layer.members:
                continue
            if name not in have:
                yield make(
                    "LS009",
                    f"{node} has no iSCSI session to configured target {name}",
                    _at(docs[0][0], 1),
                    [where],
                )


@rule("LS010", "iscsi-session-to-unknown-target", "warning", scope="cluster")
def iscsi_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """A node has an iSCSI session to a target no configuration of the run names.

    Why it matters: the run holds the target boxes' ietd.conf (or the CIB's
    iscsi resources), and none exports or logs in to this target: a leftover
    from a retired LUN or a manual login that survives in the node database
    and logs in at every boot, with disks that multipath may claim under
    another name.

    Example: session to ``iqn.2026-11.net.example:san1.old``; san1's ietd.conf
    has ``san1.pool`` and ``san1.web`` only.

    Fix: ``iscsiadm -m node -T IQN -u`` then ``iscsiadm -m node -T IQN -o
    delete``; or add the target to the configuration if it is in use. Not
    judged when the run has no target configuration (an external SAN).
    """
    if not cluster.has("iscsi-session"):
        return
    from ..formats.status.iscsi_session import IscsiSessionDocument

    targets = _configured_targets(cluster)
    if not targets:
        return
    said: set[tuple[str | None, str, str | None]] = set()
    for item, d in cluster.typed("iscsi-session", IscsiSessionDocument):
        for s in d.sessions:
            # supportconfig keeps ``iscsiadm -m session`` and ``-P 1`` of the same node
            key = (item.node, s.target, s.portal)
            if s.target not in targets and key not in said:
                said.add(key)
                yield make(
                    "LS010",
                    f"session to {s.target} on {item.node or '?'}: no ietd.conf or CIB "
                    "resource of this run names that target",
                    _at(item, s.line),
                )


# -- CIB and domUs ---------------------------------------------------------------


def _epoch(cib: Any) -> tuple[int, int] | None:
    root = cib.root
    if root is None or getattr(root, "tag", None) != "cib":
        return None
    try:
        return int(root.get("admin_epoch") or 0), int(root.get("epoch") or 0)
    except ValueError:
        return None


@rule("LS011", "cib-on-disk-not-live", "warning", scope="cluster")
def cib_epoch_drift(cluster: Cluster) -> Iterator[Finding]:
    """The CIB on disk is not the one the cluster runs (admin_epoch/epoch differ).

    Why it matters: the CRM writes cib.xml itself on every change, so a file
    whose epoch differs from ``cibadmin -Q``'s was edited by hand, restored
    from a backup or is stale; what xencfg checks in it is not what runs,
    and a hand edit is refused at the next start (signature mismatch) or
    overwritten.

    Example: cib.xml ``epoch="41"``; ``cibadmin -Q`` ``epoch="57"``.

    Fix: make changes with cibadmin / crm; lint ``cibadmin -Q > cib.xml``.
    """
    from ..formats.cib.model import CibDocument

    for node in cluster.nodes:
        lives = [(i, c, _epoch(c)) for i, c in cluster.typed("cib-live", CibDocument, node)]
        for item, cib in cluster.typed("cib", CibDocument, node):
            disk = _epoch(cib)
            for live_item, live, now in lives:
                if disk is not None and now is not None and disk != now:
                    yield make(
                        "LS011",
                        f"cib.xml of {node} is at admin_epoch/epoch {disk[0]}/{disk[1]}, the "
                        f"running CIB at {now[0]}/{now[1]}",
                        item.where(cib.root),
                        [live_item.where(live.root)],
                    )


def _managed_domus(cluster: Cluster) -> tuple[set[str], bool]:
    """Domain names the CIBs' Xen resources start (``name``, else the xmfile's
    ``name =``, else the xmfile's base name), and whether any CIB has one."""
    from ..formats.cib.model import CibDocument
    from ..formats.xen.domu import DomUDocument

    by_file: dict[str, str] = {}
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument):
            if domu.name:
                by_file[item.file.path.name] = str(domu.name)
    names: set[str] = set()
    any_xen = False
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.xen_primitives():
                any_xen = True
                if p.param("name"):
                    names.add(str(p.param("name")))
                xmfile = p.xmfile
                if xmfile:
                    base = xmfile.rsplit("/", 1)[-1]
                    names.add(by_file.get(base, base))
                names.add(str(p.id))
    return names, any_xen


def _migrating(name: str) -> tuple[str, bool]:
    """A domain's own name under a live migration's temporary one, and whether it is
    the receiving copy: xend renames the source ``migrating-NAME`` (XendCheckpoint
    save), xl names the target ``NAME--incoming`` and the source
    ``NAME--migratedaway`` (xl_cmdimpl.c migrate_domain / migrate_receive)."""
    if name.startswith("migrating-"):
        return name[len("migrating-") :], False
    if name.endswith("--incoming"):
        return name[: -len("--incoming")], True
    if name.endswith("--migratedaway"):
        return name[: -len("--migratedaway")], False
    return name, False


@rule("LS012", "domu-outside-cib", "warning", scope="cluster")
def domu_outside_cib(cluster: Cluster) -> Iterator[Finding]:
    """A running domU that no CIB Xen resource manages, on a cluster that uses them.

    Why it matters: the CRM neither restarts nor moves it, and does not know it
    holds its disk: when the CRM starts the same disk's resource elsewhere
    (or a second copy of the domain), two guests write one disk. Often a domU
    started by hand with ``xm create`` or by xendomains' auto/ link. (A live
    migration's temporary names, xend's ``migrating-NAME`` and xl's
    ``NAME--incoming`` / ``NAME--migratedaway``, are read as ``NAME``.)

    Example: ``xl list`` shows ``test``; the CIB's Xen resources are ``web``
    and ``db``.

    Fix: shut it down, or add a Xen resource for it (and remove its
    /etc/xen/auto link).
    """
    if not cluster.has("xl-list"):
        return
    from ..formats.status.xl_list import XlListDocument

    names, any_xen = _managed_domus(cluster)
    if not any_xen:
        return
    said: set[tuple[str | None, str]] = set()
    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domus:
            # ``xencfg capture`` keeps both ``xl list`` and ``xm list`` where both answer
            if _migrating(d.name)[0] not in names and (item.node, d.name) not in said:
                said.add((item.node, d.name))
                yield make(
                    "LS012",
                    f"domU '{d.name}' runs on {item.node or '?'} but no CIB Xen resource "
                    "manages it",
                    _at(item, d.line),
                )


@rule("LS013", "domu-running-twice", "error", scope="cluster")
def domu_running_twice(cluster: Cluster) -> Iterator[Finding]:
    """One domU runs on two nodes at once.

    Why it matters: both guests write the same disk image or LUN with their own
    page caches: the file system is corrupted within minutes. (A live migration
    shows the domain paused on the target for a moment; a paused or dying copy
    is not reported, nor a guest of the same name in another heartbeat cluster
    of the run.)

    Example: ``web`` in the ``xl list`` captures of xen1 and xen2.

    Fix: ``xl destroy`` the copy that should not run (the one the CRM does not
    think runs it), then check the file system; find how it was started
    (xendomains auto/, a manual create, no fencing).
    """
    if not cluster.has("xl-list"):
        return
    from ..formats.status.xl_list import XlListDocument

    running: dict[str, list[tuple[Loaded, Any]]] = {}
    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domus:
            if d.state and ("p" in d.state or "d" in d.state):
                continue
            running.setdefault(d.name, []).append((item, d))
    model = cluster.model
    for name, hits in running.items():
        (item, d), others = hits[0], hits[1:]
        # the same name in another heartbeat cluster of the run is another guest
        rest = [(i, x) for i, x in others if model.same_cluster(item.node or "", i.node or "")]
        nodes = sorted({i.node or "?" for i, _ in [(item, d), *rest]})
        if len(nodes) < 2:
            continue
        yield make(
            "LS013",
            f"domU '{name}' runs on {', '.join(nodes)} at once",
            _at(item, d.line),
            [_at(i, x.line) for i, x in rest],
        )


def _mon_docs(cluster: Cluster) -> list[tuple[Loaded, Any]]:
    """Every captured crm_mon XML with its nodes' short names (the cluster it shows)."""
    from ..formats.status.crm_mon import CrmMonDocument

    return list(cluster.typed("crm-mon-xml", CrmMonDocument))


@rule("LS016", "cluster-resource-failed", "warning", scope="cluster")
def cluster_resource_failed(cluster: Cluster) -> Iterator[Finding]:
    """The cluster manager reports a resource as failed.

    Why it matters: crm_mon marks a resource ``failed="true"`` when an
    operation on it failed and the failure is not cleaned up (crm_mon's XML,
    Pacemaker 1.1 ``--as-xml`` and 2.x ``--output-as=xml``): a failed start
    leaves the service down on that node, a failed stop blocks the resource
    until the node is fenced, and the fail count keeps it away from the node.
    The configuration may be right while the cluster does not run it.

    Example: ``<resource id="db" resource_agent="ocf:heartbeat:Xen"
    role="Started" failed="true">`` in a node's captured ``crm_mon -1
    --output-as=xml``.

    Fix: read the failed action in ``crm_mon -1`` (its exit reason) and the
    node's logs, fix the cause, then ``crm_resource --cleanup -r ID``.
    """
    said: set[tuple[frozenset[str], str, tuple[str, ...]]] = set()
    for item, mon in _mon_docs(cluster):
        members = frozenset(_short(n.name) for n in mon.nodes)
        for r in mon.resources:
            key = (members, r.id, tuple(sorted(r.nodes)))
            if not r.failed or key in said:
                continue  # every node's capture shows the same cluster: once
            said.add(key)
            where = f" on {', '.join(r.nodes)}" if r.nodes else ""
            yield make(
                "LS016",
                f"cluster resource '{r.id}' ({r.agent or '?'}) failed{where}",
                _at(item, r.line),
            )


def _xen_names(cluster: Cluster) -> dict[str, tuple[set[str], bool]]:
    """Each CIB Xen resource id -> its domain's name as the Xen agent takes it (its
    ``name``, else the xmfile's ``name =``, else the resource id), and whether that
    is sure: not when the xmfile is not in the run (its base name is the guess)."""
    from ..formats.cib.model import CibDocument
    from ..formats.xen.domu import DomUDocument

    by_file: dict[str, str] = {}
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument):
            if domu.name:
                by_file[item.file.path.name] = str(domu.name)
    out: dict[str, tuple[set[str], bool]] = {}
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.xen_primitives():
                if p.param("name"):
                    names, sure = {str(p.param("name"))}, True
                elif p.xmfile:
                    base = p.xmfile.rsplit("/", 1)[-1]
                    names, sure = {by_file.get(base, base)}, base in by_file
                else:
                    names, sure = {str(p.id)}, True
                had = out.get(str(p.id))
                if had is not None:  # (the same resource in cib.xml and cibadmin -Q)
                    names, sure = names | had[0], sure and had[1]
                out[str(p.id)] = (names, sure)
    return out


@rule("LS017", "xen-resource-not-where-crm-says", "error", scope="cluster")
def xen_resource_elsewhere(cluster: Cluster) -> Iterator[Finding]:
    """A domU does not run on the node where the cluster manager says its Xen resource runs.

    Why it matters: crm_mon shows the Xen resource started on one node, while
    that node's ``xl list`` / ``xm list`` has no such domain, or another node's
    has it (or the CRM reports the resource stopped while a node runs the
    domain; a paused copy, a live migration's target, is not counted there).
    The CRM's picture is wrong: it will not restart the guest that
    died behind its back, and when it starts it on its node while the copy
    runs elsewhere, two guests write one disk. (Compared only where both the
    crm_mon and the node's domain list were captured, and "missing" only where
    the domain's name is known: the agent's ``name``, the ``name =`` of an
    xmfile the run holds, or the resource id when there is no xmfile.)

    Example: crm_mon ``<resource id="web" resource_agent="ocf:heartbeat:Xen"
    ...><node name="alpha"/>``; alpha's ``xl list`` has only Domain-0, beta's
    has ``web``.

    Fix: find which copy is real (``xl list`` on every node), ``xl destroy``
    a copy the CRM does not know of, then ``crm_resource --cleanup -r ID`` so
    the CRM probes the domain again.
    """
    if not cluster.has("xl-list") or not cluster.has("crm-mon-xml"):
        return
    from ..formats.status.xl_list import XlListDocument

    # node -> (its list, the domains there, those of them not paused: a live
    # migration's target holds the domain paused until it takes over)
    lists: dict[str, tuple[Loaded, set[str], set[str]]] = {}
    for node in cluster.nodes:
        for item, xl in cluster.typed("xl-list", XlListDocument, node):
            if xl.domains:  # a list with Domain-0 at least: the hypervisor answered
                mine = lists.setdefault(_short(node), (item, set(), set()))
                for d in xl.domus:
                    name, target = _migrating(d.name)
                    if not (d.state and "d" in d.state):
                        mine[1].add(name)
                        if not (target or (d.state and "p" in d.state)):
                            mine[2].add(name)
    if not lists:
        return
    names = _xen_names(cluster)
    said: set[tuple[str, str, str]] = set()
    for item, mon in _mon_docs(cluster):
        # only the nodes this crm_mon shows: another cluster's node, or one whose name
        # the capture lacks (a folder's name), is no place the CRM put anything
        members = {_short(n.name) for n in mon.nodes}
        for r in mon.resources:
            if not (r.agent or "").lower().endswith(":xen") or not r.managed:
                continue  # (an unmanaged resource: the CRM does not act on it)
            # (a resource no CIB of the run has: its domain's name is not known)
            domains, sure = names.get(r.base_id, ({r.base_id}, False))
            on = {_short(n) for n in r.nodes} if r.active else set()
            for node, (xl_item, running, unpaused) in lists.items():
                if members and node not in members:
                    continue
                here = bool(domains & running)
                if node in on and not here and sure:
                    text = (
                        f"the CRM reports Xen resource '{r.id}' started on {node}; "
                        f"{node}'s domain list has no domain {' or '.join(sorted(domains))}"
                    )
                elif node not in on and domains & unpaused:
                    there = f"on {', '.join(r.nodes)}" if on else "stopped"
                    text = (
                        f"domain {' or '.join(sorted(domains & unpaused))} runs on {node}; "
                        f"the CRM reports its resource '{r.id}' {there}"
                    )
                else:
                    continue
                if (r.id, node, text) in said:
                    continue
                said.add((r.id, node, text))
                yield make("LS017", text, _at(item, r.line), [_at(xl_item, 1)])


# -- the node itself --------------------------------------------------------------


def _own_addresses(cluster: Cluster, node: str) -> list[tuple[str, str, Location]]:
    """``(address, what gives it, where)`` the files make this node bind to, or send to
    it at: its DRBD ``on`` sections, its OCFS2 node stanza, and the other nodes' ha.cf
    ``ucast`` lines to an address /etc/hosts gives this node."""
    from ..formats.lines.ocfs2 import Ocfs2Document

    out: list[tuple[str, str, Location]] = []
    for r in configured_drbd(cluster):
        if r.node != node:
            continue
        h = r.res.host(r.host)
        addr = getattr(h, "address", None) if h is not None else None
        host = addr.ip if addr is not None else None
        if addr is not None and addr.family in ("ipv4", "ipv6") and host not in ("0.0.0.0", "::"):
            out.append((str(host), f"DRBD resource '{r.name}' binds it", r.item.where(h.block)))
    for item, o in cluster.typed("ocfs2", Ocfs2Document):
        for n in o.nodes:
            if n.name and _short(n.name) == _short(node) and n.ip_address is not None:
                out.append((str(n.ip_address), "the OCFS2 node binds it", item.where(n)))
    from ..formats.lines.hacf import HacfDocument

    info = cluster.model.node(node)
    mine = set(info.addresses) if info is not None else set()
    for item, hacf in cluster.typed("hacf", HacfDocument):
        if item.node is not None and _short(item.node) == _short(node):
            continue  # heartbeat skips a ucast to its own address
        for m in hacf.comm_paths:
            if m.kind in ("ucast", "ucast6") and m.host is not None and str(m.host) in mine:
                where = item.where(m.node) if m.node is not None else item.where(None)
                what = f"ha.cf of {item.node or '?'} sends heartbeats to it"
                out.append((str(m.host), what, where))
    return out


@rule("LS014", "address-not-held", "error", scope="cluster")
def address_not_held(cluster: Cluster) -> Iterator[Finding]:
    """A node does not hold the address its DRBD, OCFS2 or heartbeat configuration gives it.

    Why it matters: drbdsetup binds the ``address`` of the node's ``on``
    section and o2net listens on its ``ip_address``; with the address not on
    any interface (``ip -o addr``), the bind fails ("Cannot assign requested
    address"): DRBD stays StandAlone/WFConnection, the node cannot join
    the OCFS2 cluster. A peer's ha.cf ``ucast`` to an address of this node
    (by /etc/hosts) that no interface has is a dead heartbeat path: one
    communication path fewer than the configuration shows. Typically after a
    renumbering or an interface renamed.

    Example: ``on alpha { address 10.0.0.1:7788; }``; alpha's ``ip -o addr``
    has 10.0.1.1 only.

    Fix: give the interface its address again, or correct the configuration
    on every node.
    """
    if not cluster.has("ip-addr"):
        return
    import ipaddress

    from ..formats.status.ip_addr import IpAddrDocument

    for node in cluster.nodes:
        docs = [(i, d) for i, d in cluster.typed("ip-addr", IpAddrDocument, node) if d.addresses]
        if not docs:
            continue
        item = docs[0][0]
        for address, what, where in _own_addresses(cluster, node):
            try:
                ipaddress.ip_address(address)
            except ValueError:
                continue  # a host name: resolved at run time, not judged here
            if not any(d.holds(address) for _, d in docs):
                yield make(
                    "LS014",
                    f"{node} does not hold {address} ({what}): no interface has it",
                    where,
                    [_at(item, 1)],
                )


@rule("LS015", "uname-not-node-name", "error", scope="cluster")
def uname_not_node_name(cluster: Cluster) -> Iterator[Finding]:
    """``uname -n`` of a node is not the name its cluster files give it.

    Why it matters: each daemon finds its own section by the kernel's node
    name: drbdadm picks the ``on`` section equal to ``uname -n`` ("no
    resources defined for this host" otherwise), heartbeat stops with
    "Current node [NAME] not in configuration!", o2cb and the CRM match
    ``name =`` and the CIB's ``uname`` the same way. A node renamed (or
    booted with a DHCP-given name) leaves the cluster without any file
    changing.

    Example: ha.cf ``node xen1 xen2``; xen1's captured ``uname -n`` is
    ``localhost``.

    Fix: set the host name back (``hostname xen1`` and /etc/hostname), or
    rename the node in every cluster file.
    """
    if not cluster.has("uname"):
        return
    from ..formats.status.uname import UnameDocument

    declared = memberships(cluster)
    for node in cluster.nodes:
        for item, un in cluster.typed("uname", UnameDocument, node):
            own = [m for m in declared if m.item.node == node and m.source != "cib"]
            own += [m for m in declared if m.item.node == node and m.source == "cib"][:1]
            name = un.name.lower()
            missed = [m for m in own if name not in {n.lower() for n in m.names}]
            if not missed:
                continue
            listed = sorted({n for m in missed for n in m.names})
            sources = ", ".join(dict.fromkeys(m.source for m in missed))
            related = []
            for m in missed:
                near = next((n for n in m.names if _short(n) == _short(un.name)), m.names[0])
                related.append(m.where(near))
            yield make(
                "LS015",
                f"uname -n is '{un.name}', which {sources} do(es) not name "
                f"(they name {', '.join(listed)})",
                _at(item, 1),
                related,
            )
