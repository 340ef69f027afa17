"""open-iscsi's node records (``iscsiadm -m node``) against the targets of the run
(LS028, LS029)."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, captured_addresses, ip_key, moved_addresses
from ...findings import Finding
from .. import Once, make, rule
from ..iscsi.common import _read_ietd
from .common import _at
from .iscsi import _configured_targets, _elsewhere, _portal_address
from .target import _crm_targets


@rule("LS028", "iscsi-record-unknown-target", "warning", scope="cluster")
def iscsi_record_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """A node keeps an open-iscsi node record for a target no configuration of the
    run names.

    Why it matters: the record is what ``iscsiadm -m node --loginall=automatic``
    (the boot script) and ``iscsiadm -m node -l`` log in to. A record left from a
    retired target logs in again at every boot where a target still answers
    under that name (its disks appear, and multipath may claim them), or holds
    the boot while iscsid retries a portal nobody answers on. Sessions show only
    what is logged in now (LS010); the records show what will be.

    Read from ``iscsiadm -m node`` (flat, ``-P 1`` or ``-o show``; sos's iscsi
    plugin keeps ``-P 1`` and ``--op=show``). A record whose ``node.startup`` is
    shown as ``manual`` logs in only when asked, and is not reported. A target a
    CIB ``iSCSITarget`` resource creates (its ``iqn``) is named by the run. Judged only
    at a portal whose address is known to be a target box's of the run, IET's
    (ietd.conf) or LIO's (saveconfig.json, whose targets ``targetctl restore``
    builds: a target it does not list is not there after a restart either): its
    captured ``ip addr``, its name's address in the files, an address its cluster
    manager moves, or an LIO portal's own address. A record at a filer or SAN
    outside the run is for targets no file here lists.

    Example: xen2's records list ``10.0.2.11:3260,1
    iqn.2026-11.net.example:san1.old``; san1's ietd.conf exports ``san1.pool``
    and ``san1.web`` only.

    Fix: ``iscsiadm -m node -T IQN -p PORTAL -o delete`` (log out first if a
    session is open); or add the target to the configuration if it is in use.
    """
    if not cluster.has("iscsi-node"):
        return
    from ...formats.status.iscsi_node import IscsiNodeDocument

    targets = set(_configured_targets(cluster)) | _crm_targets(cluster)
    if not targets:
        return
    portals = _box_addresses(cluster)
    once = Once()
    for item, doc in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in doc.records:
            if r.target in targets or r.startup == "manual":
                continue
            if ip_key(r.address) not in portals:
                continue  # a portal of a box outside the run: its targets are not here
            if not once((item.node, r.target)):
                continue
            yield make(
                "LS028",
                f"{item.node or '?'} has a node record for {r.target} at {r.address}: no "
                "ietd.conf, saveconfig.json or CIB resource of this run names that target",
                _at(item, r.line),
            )


def _box_addresses(cluster: Cluster) -> set[str]:
    """The addresses of the run's target boxes (nodes whose ietd.conf, as ietd reads
    it, or whose LIO saveconfig.json has iSCSI targets): captured (``ip addr``), given
    by the files for their names (/etc/hosts and the like), moved to them by their
    cluster manager (a target pair's service address), or named by an LIO portal
    (``portals[].ip_address``, but the wildcards ``0.0.0.0`` and ``::``, which listen
    on every address the box has)."""
    from ...formats.lines.ietd import IetdDocument
    from ...formats.lio_saveconfig import SaveconfigDocument

    boxes = {
        item.node
        for item in _read_ietd(cluster)
        if item.node and isinstance(item.doc, IetdDocument) and item.doc.targets
    }
    out: set[str] = set()
    for item, saved in cluster.typed("lio-saveconfig", SaveconfigDocument):
        if item.node and saved.iscsi_targets:
            boxes.add(item.node)
        for target in saved.iscsi_targets:
            for tpg in target.tpgs:
                for portal in tpg.portals:
                    ip = (portal.ip_address or "").strip("[]")
                    if ip and ip not in ("0.0.0.0", "::"):
                        out.add(ip_key(ip))
    captured = captured_addresses(cluster)
    for box in boxes:
        out |= captured.get(box, set())
        info = cluster.model.node(box)
        if info is not None:
            out |= {ip_key(a) for a in info.addresses}
    for ip, (_, movers) in moved_addresses(cluster).items():
        if movers & boxes:
            out.add(ip)
    return out


@rule("LS029", "iscsi-record-portal-not-target", "warning", scope="cluster")
def iscsi_record_portal_not_target(cluster: Cluster) -> Iterator[Finding]:
    """A node record of a configured target points at a portal that none of the
    boxes exporting the target holds.

    Why it matters: the target moved (a new address, a new box) and the old
    record stayed: at boot, or at ``iscsiadm -m node -T IQN -l``, open-iscsi logs
    in at that address too. Nobody answers (the boot waits on the retries), or
    another machine does: a retired box still running, or the address now
    someone else's, whose LUN under the same name multipath may add as one more
    path of the map (see LS019, which judges the sessions).

    Read from ``iscsiadm -m node`` beside the ietd.conf of the boxes exporting
    the target and their captured addresses (``ip addr``); judged only when
    every such box had its addresses captured, and not at an address their
    cluster manager moves (a target pair's service address, on the active box
    only).

    Example: san1 exports ``iqn.2026-11.net.example:san1.web`` and holds
    10.0.2.11; xen2's records hold ``10.0.2.11:3260,1`` and ``10.0.9.99:3260,1``
    for it.

    Fix: ``iscsiadm -m node -T IQN -p OLD-ADDRESS -o delete``; discover the
    target again at its portal (``iscsiadm -m discovery -t st -p ADDRESS``).
    """
    if not cluster.has("iscsi-node") or not cluster.has("ip-addr"):
        return
    from ...formats.status.iscsi_node import IscsiNodeDocument

    once = Once()
    for item, doc in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in doc.records:
            address = _portal_address(f"[{r.address}]:0" if ":" in r.address else f"{r.address}:0")
            boxes = _elsewhere(cluster, r.target, address)
            if boxes is None or address is None or not once((item.node, r.target, address)):
                continue
            yield make(
                "LS029",
                f"{item.node or '?'}'s node record for {r.target} points at {address}, "
                f"which {', '.join(boxes)} (exporting the target) do(es) not hold",
                _at(item, r.line),
            )
