"""CIB resources that run Xen guests: the domU config they name, and live migration over
DRBD."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from ..._lazy import lazy_re
from ...cluster import (
    Cluster,
    Loaded,
)
from ...findings import Finding, Location
from ...formats.cib.model import NvPair, Primitive, in_effect_order
from ...syntax.numbers import decimal
from .. import make, rule
from ..documents import domu_doc as _domu
from ..documents import drbd_doc as _drbd
from .common import units

# -- Xen guests --------------------------------------------------------------------


def _etc_path(item: Loaded) -> str:
    """The path a domU config has on its node (``/etc/xen/...``), from the node tree
    discovery found it in; a file of no tree keeps its path."""
    tree, path = item.file.tree, item.file.path
    if tree is not None and path.is_relative_to(tree.etc):
        return "/etc/" + path.relative_to(tree.etc).as_posix()
    if tree is not None and tree.slash is not None and path.is_relative_to(tree.slash):
        return "/" + path.relative_to(tree.slash).as_posix()
    return str(path)


def _domus(cluster: Cluster) -> list[Loaded]:
    return [*cluster.docs("xm"), *cluster.docs("xl")]


def _domus_by_path(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Every domU config by the path it has on its node, once per run."""

    def index() -> dict[str, list[Loaded]]:
        out: dict[str, list[Loaded]] = {}
        for d in _domus(cluster):
            out.setdefault(_etc_path(d), []).append(d)
        return out

    return cluster.fact("cib:domus-by-path", index)


def _domu_for(cluster: Cluster, xmfile: str) -> list[Loaded]:
    return _domus_by_path(cluster).get(str(PurePosixPath(xmfile)), [])


def _param_pair(prim: Primitive, name: str) -> NvPair | None:
    """The instance nvpair the CRM reads for ``name`` (first by score, then document)."""
    for s in in_effect_order(prim.instance_sets):
        pair = s.nvpair(name)
        if pair is not None:
            return pair
    return None


def _meta_place(prim: Primitive, name: str) -> Any:
    """The element that sets resource option ``name`` (nvpair, or the primitive itself)."""
    for s in in_effect_order(prim.meta_sets):
        pair = s.nvpair(name)
        if pair is not None:
            return pair
    return _param_pair(prim, name) or prim


@rule("CB003", "xmfile-not-found", "warning", scope="cluster")
def xmfile_not_found(cluster: Cluster) -> Iterator[Finding]:
    """A Xen primitive's ``xmfile`` is not among the domU configs linted.

    Why it matters: the Xen agent runs ``xm create XMFILE`` on whichever node
    the CRM picks; a path that does not exist there makes the start fail and
    the guest bounce between nodes until it is blocked.

    Example: ``xmfile=/etc/xen/vm/sles.xm`` while only ``/etc/xen/vm/nfs.xm`` exists.

    An ``ocf:heartbeat:VirtualDomain`` resource's ``config`` (libvirt's domain XML,
    /etc/libvirt/libxl/NAME.xml for a guest libvirt's libxl driver defines) is judged
    per node: a path below /etc missing on a node the CIB may start it on (see XN018
    for how the constraints are read) whose tree holds the config's folder (not a
    sosreport, whose libvirt plugin copies no libxl/*.xml). The agent's start
    there fails "Configuration file ... does not exist or not readable"
    (OCF_ERR_INSTALLED: heartbeat/VirtualDomain ``VirtualDomain_validate_all``). A
    config elsewhere (a shared volume) is not judged: the trees do not hold it.

    Fix: install the domU config on every node at that path (or on the shared
    configuration filesystem), or correct the path (``virsh dumpxml NAME >
    /etc/libvirt/libxl/NAME.xml`` on a node that lacks it, or ``virsh define``).
    """
    if not cluster.nodes:
        return
    from ..xen.libvirt import virtual_domain_config_missing

    yield from virtual_domain_config_missing(cluster)
    by_folder: dict[str, list[Loaded]] = {}
    for path, items in _domus_by_path(cluster).items():
        by_folder.setdefault(str(PurePosixPath(path).parent), []).extend(items)
    for unit in units(cluster):
        for item, prim in unit.primitives():
            xmfile = prim.xmfile if prim.is_xen else None
            if not xmfile or _domu_for(cluster, xmfile):
                continue
            folder = str(PurePosixPath(xmfile).parent)
            near = by_folder.get(folder, [])
            nodes_with = sorted({d.node for d in near if d.node})
            where = f" (that folder holds {', '.join(sorted({_etc_path(d) for d in near}))})"
            yield make(
                "CB003",
                f"Xen resource '{prim.id}' xmfile '{xmfile}' is not a domU config on any node"
                + (where if nodes_with else ""),
                item.where(_param_pair(prim, "xmfile") or prim),
                [d.where() for d in near],
            )


_DRBD_DEV = lazy_re(r"^/dev/drbd([0-9]+)$")


def _drbd_resources(cluster: Cluster, node: str) -> list[tuple[Loaded, Any]]:
    """A node's DRBD resources (``common`` from whichever file has it), once per run."""

    def compute() -> list[tuple[Loaded, Any]]:
        docs = list(cluster.docs("drbd", node))
        blocks = (_drbd(d).common_block for d in docs)
        common = next((b for b in blocks if b is not None), None)
        return [(d, r) for d in docs for r in _drbd(d).resource_list(common)]

    return cluster.fact(f"cib:drbd:{node}", compute)


def _effective(cluster: Cluster, res: Any, host: str) -> Any:
    """``res.effective(host)`` once per run (``None``: no section for that host)."""
    memo: dict[tuple[int, str], tuple[Any, Any]] = cluster.fact("cib:drbd-effective", dict)
    hit = memo.get((id(res), host))
    if hit is None or hit[0] is not res:
        try:
            eff = res.effective(host)
        except KeyError:
            eff = None
        hit = memo[(id(res), host)] = (res, eff)
    return hit[1]


def _two_primaries(cluster: Cluster, res: Any, host: str) -> bool | None:
    eff = _effective(cluster, res, host)
    if eff is None:
        return None
    v = eff.sections.get("net", {}).get("allow-two-primaries")
    return v is True or (isinstance(v, str) and v.lower() in ("yes", "true", "on"))


def drbd_resource_of(cluster: Cluster, device: str, node: str) -> Any:
    """The DRBD resource a device path names on ``node`` (``/dev/drbdN`` by its minor,
    ``/dev/drbd/by-res/RES[/VOL]``); ``None`` when it names none the node defines."""
    path = PurePosixPath(device)
    by_res = path.parts[:4] == ("/", "dev", "drbd", "by-res") and len(path.parts) > 4
    digits = path.name[len("drbd") :] if path.parent == PurePosixPath("/dev") else ""
    if by_res:
        res = _drbd_index(cluster, node).get(("name", path.parts[4]))
        if res is None or len(path.parts) == 5:
            return res
        # by-res/RES/VOL: udev links each volume by its number as drbdadm sh-udev
        # prints it (``%u``: no leading zero); an implicit volume is volume 0
        eff = _effective(cluster, res, node)
        numbers = set(eff.volumes) if eff is not None and eff.volumes else {0}
        return res if path.parts[5] in {str(n) for n in numbers} else None
    if path.name.startswith("drbd") and digits.isdigit():
        return _drbd_index(cluster, node).get(("minor", decimal(digits)))
    return None


def _drbd_index(cluster: Cluster, node: str) -> dict[tuple[str, Any], Any]:
    """A node's DRBD resources by ``("name", NAME)`` and ``("minor", N)`` (the first
    resource that has it), once per run."""

    def compute() -> dict[tuple[str, Any], Any]:
        out: dict[tuple[str, Any], Any] = {}
        for _, res in _drbd_resources(cluster, node):
            out.setdefault(("name", res.name), res)
            eff = _effective(cluster, res, node)
            if eff is not None and eff.device is not None and eff.device.minor is not None:
                out.setdefault(("minor", eff.device.minor), res)
        return out

    return cluster.fact(f"cib:drbd-index:{node}", compute)


def primary_everywhere(cluster: Cluster, res: Any, node: str) -> bool:
    """``become-primary-on both`` with two primaries: the init script keeps the
    resource primary on every node, whatever the group does."""
    eff = _effective(cluster, res, node)
    both = eff is not None and eff.sections.get("startup", {}).get("become-primary-on") == "both"
    return both and bool(_two_primaries(cluster, res, node))


def phy_devices(domu: Loaded) -> list[str]:
    """The block devices a domU config's ``phy:`` disks open (``/dev/`` added to a bare
    name); a ``drbd:`` disk is not one: its block-drbd script promotes the resource."""
    return [
        disk.target if disk.target.startswith("/") else f"/dev/{disk.target}"
        for disk in _domu(domu).disks
        if disk.kind in (None, "phy") and disk.target and disk.drbd_resource is None
    ]


def _drbd_disk(cluster: Cluster, res: Any, host: str, target: str, minor: int | None) -> bool:
    if minor is None:
        return bool(res.name == target)
    eff = _effective(cluster, res, host)
    dev = eff.device if eff is not None else None
    return dev is not None and dev.minor == minor


@rule("CB004", "migrate-without-dual-primary", "error", scope="cluster", hazard=True)
def migrate_without_dual_primary(cluster: Cluster) -> Iterator[Finding]:
    """``allow-migrate`` is true for a domU on DRBD that does not allow two primaries.

    Why it matters: during a live migration the guest's disk is open on both
    nodes at once, so both must be DRBD primary. Without
    ``net { allow-two-primaries; }`` the promotion on the target fails and the
    migration aborts (or the CRM falls back to stop/start, which is not live).

    Example: ``allow_migrate=true`` on a Xen primitive whose domU has
    ``disk = ['drbd:vm_shaolin,hda1,w']`` and drbd.conf has no ``net`` section.

    Fix: add ``allow-two-primaries`` (with protocol C and fencing) to the
    resource's ``net`` section on every node, or set ``allow-migrate`` false.
    """
    for unit in units(cluster):
        for item, prim in unit.primitives():
            if not prim.is_xen or prim.allow_migrate is not True or not prim.xmfile:
                continue
            # (resource, disk) -> nodes lacking dual primary, and the places involved
            lacking: dict[tuple[str, str], tuple[list[str], list[Location]]] = {}
            for domu in _domu_for(cluster, prim.xmfile):
                if domu.node is None:
                    continue
                for disk in _domu(domu).disks:
                    res_name = disk.drbd_resource
                    m = _DRBD_DEV.match(disk.target or "")
                    if res_name is None and m is None:
                        continue
                    minor = decimal(m.group(1)) if m else None  # (int(): 5,000 digits raised)
                    for ditem, res in _drbd_resources(cluster, domu.node):
                        if not _drbd_disk(cluster, res, domu.node, res_name or "", minor):
                            continue
                        if _two_primaries(cluster, res, domu.node) is False:
                            nodes, places = lacking.setdefault((res.name, disk.raw), ([], []))
                            nodes.append(domu.node)
                            disk_at = _domu(domu).assignment("disk")
                            places += [domu.where(disk_at), ditem.where(res)]
            for (res_name, raw), (nodes, places) in lacking.items():
                yield make(
                    "CB004",
                    f"Xen resource '{prim.id}' allows live migration but DRBD resource "
                    f"'{res_name}' (disk '{raw}') does not allow two primaries on "
                    f"{', '.join(sorted(set(nodes)))}",
                    item.where(_meta_place(prim, "allow-migrate")),
                    list(dict.fromkeys(places)),
                )
