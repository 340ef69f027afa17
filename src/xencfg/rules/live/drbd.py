"""DRBD: each configured resource against /proc/drbd or drbdadm status (LS001-LS005)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from ...formats.drbd import DrbdDocument
from .. import make, rule
from .common import CS_OK, CS_SYNC, _at, _short


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

    def where(self) -> Location:
        """The resource's section in the drbd file: what a drift finding points back to."""
        return self.item.where(self.res)


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
        suspended: str | None = None,
    ) -> None:
        self.item, self.line = item, line
        self.role, self.peer_role, self.conn = role, peer_role, conn
        self.disk, self.peer_disk = disk, peer_disk
        #: the local disk state that is healthy (DRBD 0.7's ``ld:`` has Consistent)
        self.good_disk = good_disk
        #: why I/O is suspended (DRBD 9's ``suspended:user|no-data|fencing|quorum``;
        #: ``""`` for 8.x, whose /proc/drbd shows an ``s`` only), ``None``: it runs
        self.suspended = suspended

    def where(self) -> Location:
        """The capture's line that shows this state: where a drift finding is."""
        return _at(self.item, self.line)


def live_drbd(cluster: Cluster, r: _Res) -> list[_State] | None:
    """The live states of a configured resource on its node (one per connection, or
    one per minor); ``[]``: captured, not there; ``None``: nothing captured."""
    if not cluster.has("drbd-status", "proc-drbd", node=r.node):
        return None
    from ...formats.status.drbd_status import DrbdStatusDocument
    from ...formats.status.proc_drbd import NO_MODULE, ProcDrbdDocument

    seen = False
    for item, st in cluster.typed("drbd-status", DrbdStatusDocument, r.node):
        if not st.resources:
            # drbdsetup's "nothing up" says it for DRBD 9, whose /proc/drbd cannot (the
            # init script's empty table too); any other message (the tool refused)
            # leaves it to /proc/drbd
            seen = seen or st.none_up
            continue
        seen = True
        live = st.resource(r.name)
        if live is None:
            continue
        disk = next(
            (d for d in live.disks if d != "UpToDate"), live.disks[0] if live.disks else None
        )
        conns = live.connections or []
        why = live.suspended if live.suspended not in (None, "no") else None
        if not conns:
            return [
                _State(item, live.line, live.role, None, "StandAlone", disk, None, suspended=why)
            ]
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
                _State(
                    item,
                    c.line or live.line,
                    live.role,
                    c.peer_role,
                    state,
                    disk,
                    pdisk,
                    suspended=why,
                )
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
            # the flags' first letter: ``s`` when I/O is suspended, else ``r`` (drbd_proc.c,
            # 8.4: ``drbd_suspended(device) ? 's' : 'r'``; 8.0-8.3 alike)
            why = "" if m.flags and m.flags[0] == "s" else None
            out.append(
                _State(item, m.line, m.role, m.peer_role, m.cs, disk, peer_disk or None, good, why)
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
                [r.where()],
            )


@rule("LS002", "drbd-not-connected-uptodate", "warning", scope="cluster")
def drbd_degraded(cluster: Cluster) -> Iterator[Finding]:
    """A running DRBD resource is not Connected, or a disk is not UpToDate.

    Why it matters: in ``WFConnection`` / ``Connecting`` the peer gets no writes,
    and a disk that is ``Inconsistent``, ``Outdated`` or ``Diskless`` outside a
    resync cannot take over: the cluster runs on one copy while the
    configuration promises two. (A resync under way, ``SyncSource`` /
    ``SyncTarget``, is recovery and not reported, and so is ``Diskless`` on a
    DRBD 9 client configured with ``disk none;``.) I/O suspended is reported
    too: every write on the device waits, so the domU on it hangs (DRBD 9's
    ``suspended:quorum`` after ``on-no-quorum suspend-io``, ``suspended:fencing``
    while the fence-peer handler runs, ``suspended:user`` after ``drbdadm
    suspend-io``; the ``s`` that starts /proc/drbd's flags, ``s-----``, in 8.x).
    StandAlone is LS003.

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
            if s.suspended is not None:
                problems.append(
                    f"I/O suspended ({s.suspended})" if s.suspended else "I/O suspended"
                )
            if problems:
                yield make(
                    "LS002",
                    f"DRBD resource '{r.name}' on {r.node}: {', '.join(problems)}",
                    s.where(),
                    [r.where()],
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
                    s.where(),
                    [r.where()],
                )


def _promoted_by_cluster(cluster: Cluster, node: str, name: str) -> bool | None:
    """Whether a CIB (on disk or live) or haresources of ``node`` manages DRBD resource
    ``name``; ``None`` when the node has no cluster manager configuration at all."""
    from ...formats.cib.model import CibDocument

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
    from ...formats.xen.domu import DomUDocument

    for fmt in ("xm", "xl"):
        for _, domu in cluster.typed(fmt, DomUDocument, node):
            # a ``drbd:NAME`` disk: Xen's block-drbd script promotes it when the domU starts
            if any(d.drbd_resource == name for d in domu.disks):
                return True
    for item in cluster.docs("haresources", node):
        seen = True
        if f"drbddisk::{name}" in item.doc.source.split() or f"drbddisk::{name}" in item.doc.source:
            return True
    tree = cluster.tree(node)
    if seen and tree is not None:
        from ...reactor import run_promoted

        # drbd-reactor's promoter promotes it (beside a CIB for other services)
        if name in run_promoted(cluster, tree):
            return True
    return False if seen else None


@rule("LS004", "drbd-primary-unmanaged", "warning", scope="cluster")
def drbd_primary_unmanaged(cluster: Cluster) -> Iterator[Finding]:
    """A DRBD resource is Primary on a node while no cluster resource promotes it.

    Why it matters: the node's CIB (or haresources) has no ``ocf:linbit:drbd``
    with ``drbd_resource=NAME`` and no ``drbddisk`` for it, no domU config
    has a ``drbd:NAME`` disk (which Xen's block-drbd script promotes when the
    domU starts), and no drbd-reactor promoter lists it (/etc/drbd-reactor.d),
    so the resource was
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
                primary.where(),
                [r.where()],
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
            s.where(),
            [x.where() for _, x in rest] + [r.where()],
        )
