"""A LUN whose device the same box's cluster manager mounts as a filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding, Location
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import haresources_doc as _haresources
from ..documents import ietd_doc as _ietd
from .common import _read_ietd


def _mounted(cluster: Cluster, node: str) -> dict[str, tuple[str, Location]]:
    """Device -> (mount point, where) for every Filesystem the node's haresources or
    CIB mounts (``Filesystem::DEV::DIR::TYPE``, a Filesystem primitive's ``device``)."""
    out: dict[str, tuple[str, Location]] = {}
    for item in cluster.docs("haresources", node):
        for group in _haresources(item).groups:
            for r in group.resources:
                if r.type == "Filesystem" and len(r.args) >= 2:
                    where = item.where(group.entries[0]) if group.entries else item.where()
                    out.setdefault(r.args[0], (r.args[1], where))
    for item in cluster.docs("cib", node):
        for p in _cib(item).primitives:
            device, directory = p.param("device"), p.param("directory")
            if p.type == "Filesystem" and device:
                out.setdefault(device, (directory or "?", item.where(p)))
    return out


@rule("IS040", "lun-on-mounted-device", "error", scope="cluster", hazard=True)
def lun_on_mounted_device(cluster: Cluster) -> Iterator[Finding]:
    """A LUN of a box's ietd.conf exports a device that the same box's haresources or
    CIB mounts as a filesystem (``Filesystem::/dev/drbd0::/srv/...``, a Filesystem
    primitive's ``device``).

    Why it matters: the box mounts the device and ietd serves it as the initiators'
    disk at the same time. With ``Type=blockio`` IET opens the device exclusively
    (block-io.c: ``FMODE_EXCL`` in blockio_open_path) while the mount holds it, so
    ietd refuses the LUN ("Can't open device /dev/drbd0, error -16") and the dom0s
    find a target without the disk; with ``Type=fileio`` nothing stops it and the
    box's filesystem and the guests overwrite each other's blocks. A slip of one
    minor is enough where a pair keeps ietd.conf on a small DRBD filesystem of its
    own beside the exported resource.

    Example: haresources ``stor1 drbddisk::iscsi.config
    Filesystem::/dev/drbd0::/srv/iscsi.config::ext3`` and ietd.conf ``Lun 0
    Path=/dev/drbd0,Type=blockio`` (the exported resource is /dev/drbd1).

    Fix: export the device of the resource meant for the initiators, never one the
    cluster manager mounts.
    """
    for item in _read_ietd(cluster):
        if item.node is None:
            continue
        mounted = _mounted(cluster, item.node)
        if not mounted:
            continue
        for t in _ietd(item).targets:
            for lun in t.luns:
                if lun.path is None or lun.path not in mounted:
                    continue
                directory, where = mounted[lun.path]
                yield make(
                    "IS040",
                    f"{t.name} LUN {lun.number} exports {lun.path}, which {item.node}'s cluster "
                    f"manager mounts at {directory}: ietd cannot open it exclusively "
                    "(blockio refuses the LUN) or, fileio, the filesystem and the "
                    "initiators overwrite each other",
                    item.where(lun.entry),
                    [where],
                )
