"""haresources groups heartbeat runs itself: one that uses a DRBD device before anything in
it promotes it (HB017), and groups in a cluster of more than two nodes (HB019)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster
from ..findings import Finding
from . import make, rule
from .documents import hacf_doc as _hacf
from .documents import haresources_doc as _haresources
from .documents import ietd_doc as _ietd

#: heartbeat resource scripts that make DRBD resources primary on start: drbddisk
#: (``drbdadm primary $RES``, every resource without an argument), drbdupper (a
#: stacked resource), and DRBD 0.6's datadisk.
PROMOTERS = ("drbddisk", "drbdupper", "datadisk")

#: The init scripts of the iSCSI Enterprise Target (iscsitarget's
#: /etc/init.d/iscsi-target on Red Hat and SUSE, iscsitarget on Debian): their start
#: runs ietd, which opens every ``Lun`` path of ietd.conf for writing (block-io.c
#: ``blockio_open_path``), so a LUN on a DRBD device needs the resource primary.
IET_SCRIPTS = ("iscsi-target", "iscsitarget")


def _devices(cluster: Cluster, node: str, resource: Any) -> list[str]:
    """The block devices a haresources resource opens: a Filesystem's device, the
    ``phy:`` disks of a Xen guest's config, the LUN paths of the node's ietd.conf
    for IET's init script."""
    from .cib.guests import _domu_for, phy_devices

    if resource.type == "Filesystem" and resource.args:
        return [resource.args[0]]
    if resource.type in IET_SCRIPTS:
        return [
            lun.path
            for item in cluster.docs("ietd")
            if item.node == node
            for target in _ietd(item).targets
            for lun in target.luns
            if lun.path
        ]
    if resource.type != "Xen" or not resource.args:
        return []
    return [
        device
        for domu in _domu_for(cluster, resource.args[0])
        if domu.node == node
        for device in phy_devices(domu)
    ]


@rule("HB017", "drbd-used-before-promotion", "error", scope="cluster", hazard=True)
def drbd_used_before_promotion(cluster: Cluster) -> Iterator[Finding]:
    """A haresources group mounts or hands a guest a DRBD device before (or without) a
    ``drbddisk`` that makes the resource primary.

    Why it matters: heartbeat starts a group's resources from left to right
    (ResourceManager ``takegroup``) and a DRBD device opens for writing only where the
    resource is primary (a secondary refuses the open: "Wrong medium type"). So
    ``Filesystem::/dev/drbd0::/srv::ext3 drbddisk::r0`` fails its mount at every
    takeover, and a group without ``drbddisk`` works only where the init script's
    ``become-primary-on`` made the node primary at boot, never after a failover. The
    DRBD user's guide writes the group as ``drbddisk::r0 Filesystem::/dev/drbd0::...``.

    Read from the node's own drbd configuration (``/dev/drbdN`` by its minor,
    ``/dev/drbd/by-res/RES``), for ``Filesystem`` and for the ``phy:`` disks of a
    ``Xen::`` guest (a ``drbd:`` disk's block-drbd script promotes the resource
    itself) and for the ``Lun`` paths of ietd.conf that IET's init script
    (``iscsi-target``, Debian's ``iscsitarget``) exports: ietd opens them at start.
    ``drbddisk`` without an argument promotes every resource, and a resource
    with ``become-primary-on both`` and two primaries is primary everywhere. Not when
    the CRM is on (heartbeat does not read haresources then: HB016), nor when another
    group with the same preferred node promotes the resource (they start and fail over
    together; a LUN on a device that group mounts is IS040's).

    Example: ``xen1 IPaddr::10.0.0.50 Filesystem::/dev/drbd0::/srv::ext3 drbddisk::r0``.

    Fix: put ``drbddisk::RES`` before the resources that use its device:
    ``xen1 drbddisk::r0 Filesystem::/dev/drbd0::/srv::ext3 IPaddr::10.0.0.50``.
    """
    from .cib.guests import drbd_resource_of, primary_everywhere

    for item in cluster.docs("haresources"):
        node = item.node
        hacfs = [h for h in cluster.docs("hacf") if h.node == node]
        if node is None or any(_hacf(h).crm_enabled for h in hacfs):
            continue
        groups = _haresources(item).groups
        for group in groups:
            # another group on the same preferred node that promotes the resource: the
            # two start together there and fail over together (IS040 judges a LUN on a
            # device that group mounts), so the start does not meet a secondary
            beside = {
                r.args[0] if r.args and r.type != "datadisk" else "*"
                for g in groups
                if g is not group and g.node == group.node
                for r in g.resources
                if r.type in PROMOTERS
            }
            promoted: set[str] = set()
            everything = False
            for pos, res in enumerate(group.resources):
                if res.type in PROMOTERS:
                    everything |= not res.args or res.type == "datadisk"
                    promoted.update(res.args[:1])
                    continue
                for device in _devices(cluster, node, res):
                    drbd = drbd_resource_of(cluster, device, node)
                    if drbd is None or everything or drbd.name in promoted:
                        continue
                    later = any(
                        r.type in PROMOTERS and (not r.args or r.args[0] == drbd.name)
                        for r in group.resources[pos + 1 :]
                    )
                    if not later and (drbd.name in beside or "*" in beside):
                        continue
                    if primary_everywhere(cluster, drbd, node):
                        continue
                    why = (
                        f"drbddisk::{drbd.name} comes after it (heartbeat starts a group"
                        " left to right)"
                        if later
                        else f"nothing in the group makes '{drbd.name}' primary"
                    )
                    yield make(
                        "HB017",
                        f"'{res.spec}' opens {device} of DRBD resource '{drbd.name}' but"
                        f" {why}: the start fails where the resource is secondary",
                        item.where(group.entries[0]),
                    )


@rule("HB019", "haresources-more-than-two-nodes", "error", scope="cluster", hazard=True)
def haresources_more_than_two_nodes(cluster: Cluster) -> Iterator[Finding]:
    """heartbeat runs haresources groups (no CRM) in a cluster whose ha.cf lists more
    than two nodes.

    Why it matters: without the CRM, when a node dies every surviving node runs
    heartbeat's ``mach_down`` script, and each takes over every group whose preferred
    node is the dead one (``ResourceManager takegroup``, with no vote among the
    survivors). The script says so itself: "This script will only work for a two
    machine setup... More than that and you need to vote, or something..." (heartbeat
    3.0.6 lib/mach_down.in), and the resource code keeps the state of one "other"
    node ("nice failback deals with two nodes", heartbeat/hb_resource.c). heartbeat
    starts with such a file (config.c has no node limit for R1 mode), and the first
    failure of a node in a cluster of three starts its groups on both survivors: one
    IP address on two hosts, an ext3 file system mounted twice, a guest booted twice
    from one disk.

    Judged on each node whose ha.cf has no CRM switch on and whose haresources holds
    a group, with that ha.cf's ``node`` lines naming three or more nodes (``ping``
    nodes are no members).

    Example: ``node xen1 xen2 xen3`` in ha.cf without ``crm``, and
    ``xen1 IPaddr::10.0.0.50 Filesystem::/dev/sdb1::/srv::ext3`` in haresources.

    Fix: run the groups under the CRM (``crm respawn``; ``xencfg migrate`` writes them
    as Pacemaker resources), or keep a haresources cluster at two nodes.
    """
    for item in cluster.docs("haresources"):
        hacfs = [h for h in cluster.docs("hacf") if h.node == item.node]
        if item.node is None or len(hacfs) != 1:
            continue
        hacf = _hacf(hacfs[0])
        groups = _haresources(item).groups
        members = list(dict.fromkeys(n.lower() for n in hacf.nodes))
        if hacf.crm_enabled or not groups or len(members) <= 2:
            continue
        nodes = hacf.entries("node")
        yield make(
            "HB019",
            f"heartbeat runs these {len(groups)} resource group(s) itself (no CRM) in a"
            f" cluster of {len(members)} nodes ({', '.join(members)}): when one dies, every"
            " survivor's mach_down takes its groups over, so they start on two nodes at"
            " once (haresources is for two nodes; use the CRM)",
            item.where(groups[0].entries[0]),
            [hacfs[0].where(nodes[0])] if nodes else [],
        )
