"""A target served by a failover pair: SCSI ids, portals, and what else the pair exports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..._lazy import lazy_re
from ...cluster import Cluster, Loaded, short
from ...findings import Finding
from ...syntax.numbers import decimal
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import haresources_doc as _haresources
from ..documents import ietd_doc as _ietd
from ..xen.common import _domu, _domus, _label, _where
from .common import _all_records, _read_ietd

#: udev's path_id name of an iSCSI disk: ip-PORTAL-iscsi-TARGET-lun-N (-partK below it)
_BY_PATH = lazy_re(r"/dev/disk/by-path/ip-(?P<ip>[0-9.]+):\d+-iscsi-(?P<iqn>\S+?)-lun-\d+")


@rule("IS019", "portal-on-one-box", "warning", scope="cluster", hazard=True)
def portal_on_one_box(cluster: Cluster) -> Iterator[Finding]:
    """A node's open-iscsi record logs in to a failover target pair's target at one
    box's own address instead of the floating address heartbeat moves with the target.

    Why it matters: the target runs on one box of the pair at a time (DRBD's primary,
    ``drbddisk IPaddr iscsitarget`` in haresources, or the CIB's group): the
    initiators must reach it at the address that moves with it (LINBIT's HA iSCSI
    guides: "a single virtual IP (VIP) address that floats between the peers ... A
    client can use the VIP to attach to the active node"). A record made by
    discovery against the box's own name or address (``iscsiadm -m discovery -p san1``)
    keeps that address: after a failover the session has no target there, and the
    multipath map loses the path (or the disk, with one portal) until someone logs
    in again by hand.

    Only records the node's tree holds are read (/etc/iscsi/nodes,
    /var/lib/iscsi/nodes), and the node's domU configs: a disk named
    ``/dev/disk/by-path/ip-ADDR:PORT-iscsi-TARGET-lun-N`` (udev's path_id name) exists
    only while a session to that portal is logged in, so a guest whose disk is spelled
    through a box's own address loses it at the failover as well. An address is a
    box's own when /etc/hosts (or the box's other files) give it to the box and no
    haresources ``IPaddr`` or CIB ``IPaddr``/``IPaddr2`` moves it.

    Example: /etc/iscsi/nodes/iqn...:san.vmstore/192.168.10.1,3260,1/default on a
    dom0, with ``192.168.10.1 san1`` in /etc/hosts and the target on san1 and san2.

    Fix: discover through the floating address (``iscsiadm -m discovery -t st -p
    10.0.1.100``), log in there, and delete the record of the box's own address
    (``iscsiadm -m node -o delete -T TARGET -p 192.168.10.1``).
    """
    if not cluster.has("ietd") or not cluster.has("iscsid", "initiatorname"):
        return
    boxes: dict[str, dict[str, tuple[Loaded, Any]]] = {}  # target -> box -> (file, target)
    for item in _read_ietd(cluster):
        if item.node:
            for t in _ietd(item).targets:
                boxes.setdefault(t.name.lower(), {}).setdefault(short(item.node), (item, t))
    pairs = {name: by_box for name, by_box in boxes.items() if len(by_box) > 1}
    if not pairs:
        return
    floating = _floating_addresses(cluster)
    initiators = sorted(
        {i.node for fmt in ("iscsid", "initiatorname") for i in cluster.docs(fmt) if i.node}
    )
    for node in initiators:
        anchor = cluster.first("iscsid", node) or cluster.first("initiatorname", node)
        if anchor is None:
            continue
        for path, values in _all_records(cluster, node):
            name = str(values.get("node.name") or "").lower()
            by_box = pairs.get(name)
            portal = values.get("node.conn[0].address")
            if by_box is None or not portal:
                continue
            for box, item, t, others in _own_box(cluster, by_box, str(portal), floating):
                yield make(
                    "IS019",
                    f"{node}'s node record {path} logs in to {t.name} at {portal}, {box}'s own"
                    f" address: after a failover to {others} the session finds no target"
                    " there; log in through the floating address heartbeat moves",
                    anchor.where(),
                    [item.where(t.entry)],
                )
        for domu in _domus(cluster):
            if domu.node != node:
                continue
            for disk in _domu(domu).disks:
                m = _BY_PATH.match(disk.target or "")
                by_box = pairs.get(m.group("iqn").lower()) if m else None
                if m is None or by_box is None:
                    continue
                for box, item, t, others in _own_box(cluster, by_box, m.group("ip"), floating):
                    yield make(
                        "IS019",
                        f"domU {_label(domu)} on {node} opens {t.name} through {m.group('ip')},"
                        f" {box}'s own address ({disk.target}): after a failover to {others}"
                        " no session reaches that portal and the guest loses its disk; name it"
                        " through the floating address heartbeat moves",
                        _where(domu, "disk"),
                        [item.where(t.entry)],
                    )


def _own_box(
    cluster: Cluster, by_box: dict[str, tuple[Loaded, Any]], address: str, floating: set[str]
) -> Iterator[tuple[str, Loaded, Any, str]]:
    """``(box, its ietd.conf, the target, the other boxes)`` for the box of a target pair
    whose own address ``address`` is: none where a cluster manager moves ``address``
    (``floating``), the address that goes with the target."""
    if address in floating:
        return
    for box, (item, t) in sorted(by_box.items()):
        info = cluster.model.node(box)
        if info is not None and address in info.addresses:
            yield box, item, t, ", ".join(b for b in sorted(by_box) if b != box)


def _floating_addresses(cluster: Cluster) -> set[str]:
    """The addresses a cluster manager moves: haresources ``IPaddr``/``IPaddr2``
    resources and the CIB's IPaddr/IPaddr2 primitives' ``ip``."""
    out: set[str] = set()
    for item in cluster.docs("haresources"):
        for group in _haresources(item).groups:
            for r in group.resources:
                if r.type.startswith("IPaddr") and r.args:
                    out.add(r.args[0].split("/", 1)[0])
    for item in cluster.docs("cib"):
        for p in _cib(item).primitives:
            if (p.type or "").startswith("IPaddr"):
                ip = p.param("ip")
                if ip:
                    out.add(ip)
    return out


@rule("IS013", "failover-scsi-id", "error", scope="cluster", hazard=True)
def failover_scsi_id(cluster: Cluster) -> Iterator[Finding]:
    """A target exported by two storage nodes gives a LUN different SCSI ids, or none.

    Why it matters: in an active/passive target (DRBD under ietd, moved by
    heartbeat) the initiators know a disk by the id and serial number its LUN
    reports. If the other node reports another one after a failover,
    multipath sees a new disk, fails the old map and the domUs lose theirs.
    Without ``ScsiId=`` ietd makes one up: IET 0.4 from the target's number
    and the device's inode (never the same on two nodes), IET 1.4 from an MD5
    of the name and LUN, or from the target's number where the kernel has no
    MD5; whether both nodes agree depends on their versions and kernels. A
    missing ``ScsiSN=`` is derived from the id.

    Example: ``Lun 0 Path=/dev/drbd0,Type=blockio`` under the same ``Target``
    on both storage nodes, or ``ScsiId=web0`` on one and ``ScsiId=web-0`` on
    the other.

    Fix: write the same ``ScsiId=`` (and ``ScsiSN=``) for each LUN on every
    node.
    """
    copies: dict[str, dict[str, tuple[Loaded, Any]]] = {}
    for item in _read_ietd(cluster):
        if item.node is None:
            continue
        for t in _ietd(item).targets:
            copies.setdefault(t.name.lower(), {}).setdefault(item.node, (item, t))
    for by_node in copies.values():
        if len(by_node) < 2:
            continue
        (first_node, (first_item, first)), *others = by_node.items()
        for node, (item, t) in others:
            for lun in t.luns:
                other = first.lun(lun.number) if lun.number is not None else None
                if other is None:
                    continue
                if other.scsi_id is None and lun.scsi_id is None:
                    differ = [
                        f"has no ScsiId on {first_node} or {node}: the ids ietd makes up "
                        "need not match after a failover"
                    ]
                else:
                    differ = [
                        f"has {word} {_shown(a)} on {first_node} but {_shown(b)} on {node}: "
                        "initiators see another disk after a failover"
                        for word, a, b in (
                            ("ScsiId", other.scsi_id, lun.scsi_id),
                            ("ScsiSN", other.scsi_sn, lun.scsi_sn),
                        )
                        if a != b
                    ]
                for what in differ:
                    yield make(
                        "IS013",
                        f"LUN {lun.number} of {t.name} {what}",
                        item.where(lun.entry),
                        [first_item.where(other.entry)],
                    )


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value)


@rule("IS017", "lun-beside-drbd", "error", scope="cluster")
def lun_beside_drbd(cluster: Cluster) -> Iterator[Finding]:
    """A LUN exports a DRBD device the box's drbd.conf does not define, or the backing
    disk under one of its DRBD resources.

    Why it matters: ietd opens the LUN's ``Path`` when it starts the target; a
    ``/dev/drbdN`` minor or ``/dev/drbd/by-res/RES`` that the box's DRBD
    configuration lacks cannot be opened (no such resource is ever brought
    up), so the target comes up without that LUN. Exporting the *backing* disk
    (``Path=/dev/sdb`` where drbd.conf has ``disk /dev/sdb``) fails while DRBD
    holds the disk (it claims it exclusively, as IET's blockio does) and is
    worse where it opens (``Type=fileio``, or DRBD down at ietd's start): the
    initiators write beside DRBD, the peer box never gets those writes, and a
    failover hands the initiators an older disk while DRBD's own writes (a
    resync) overwrite theirs.

    Example: ``Lun 0 Path=/dev/drbd3,Type=blockio`` with only ``resource r0 {
    device /dev/drbd0; }``; ``Lun 0 Path=/dev/sdb`` with ``disk /dev/sdb;``.

    Fix: export the DRBD device of the resource (``/dev/drbd0``), on both boxes.
    """
    if not cluster.has("ietd") or not cluster.has("drbd"):
        return

    from ..drbd.common import _effective, _node_configs, _on_hosts, _resources

    configs = _node_configs(cluster)
    for item in _read_ietd(cluster):
        if not item.node or item.node not in configs:
            continue
        minors: set[int] = set()
        names: set[str] = set()
        disks: dict[str, str] = {}
        for _, res in _resources(cluster, configs[item.node]):
            for h in _on_hosts(res):
                if short(item.node) not in (short(n) for n in h.names):
                    continue
                names.add(res.name)
                for vol in _effective(cluster, res, h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is not None and dev.minor is not None:
                        minors.add(dev.minor)
                    if vol.get("disk") and vol["disk"] != "none":
                        disks[vol["disk"]] = res.name
        if not names:
            continue
        for t in _ietd(item).targets:
            for lun in t.luns:
                path = lun.path or ""
                m = re.fullmatch(r"/dev/drbd([0-9]+)|/dev/drbd/by-res/([^/]+)(?:/[0-9]+)?", path)
                why = None
                if m and m.group(1) and decimal(m.group(1)) not in minors:
                    why = f"no DRBD resource of {item.node} has minor {m.group(1)}"
                elif m and m.group(2) and m.group(2) not in names:
                    why = f"{item.node}'s drbd.conf defines no resource {m.group(2)}"
                elif path in disks:
                    why = (
                        f"it is the backing disk of DRBD resource {disks[path]} (DRBD holds it"
                        " exclusively, so blockio cannot open it; fileio would write beside"
                        " DRBD, unreplicated)"
                    )
                if why:
                    yield make(
                        "IS017",
                        f"LUN {lun.number} of {t.name} exports {path}, but {why}",
                        item.where(lun.entry),
                    )
