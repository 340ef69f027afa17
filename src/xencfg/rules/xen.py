"""Xen rules: domUs that clash (names, UUIDs, MACs, disks), disks that point at
nothing, MAC addresses that may collide, and xend's relocation (live migration)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ..cluster import Cluster, Loaded
from ..findings import Finding
from . import make, rule

DOMU_FORMATS = ("xm", "xl")


@attrs.frozen
class Guest:
    """One domU config file of one node, with what identifies the guest."""

    item: Loaded
    name: str
    uuid: str | None
    disks: tuple[Any, ...]
    macs: tuple[tuple[str, int], ...]

    @property
    def identity(self) -> tuple[str, str | None, tuple[str, ...]]:
        """The same config on two nodes (a copy, a shared /etc/xen/vm) is one guest."""
        return (self.name, self.uuid, tuple(sorted(_disk_key(d) for d in self.disks)))


def _guests(cluster: Cluster) -> list[Guest]:
    out = []
    for fmt in DOMU_FORMATS:
        for item in cluster.docs(fmt):
            doc: Any = item.doc
            name = doc.get("name")
            if not isinstance(name, str) or not name:
                continue
            uuid = doc.get("uuid")
            macs = tuple((v.mac.lower(), i) for i, v in enumerate(doc.vifs) if v.mac_valid)
            out.append(
                Guest(item, name, uuid if isinstance(uuid, str) else None, tuple(doc.disks), macs)
            )
    return out


def _anchor(guest: Guest, key: str) -> Any:
    return guest.item.doc.assignment(key)  # type: ignore[attr-defined]


def _clashes(
    cluster: Cluster, code: str, what: str, keys: Any, anchor_key: str
) -> Iterator[Finding]:
    """Distinct guests (by identity) sharing a key: each later one is a finding."""
    seen: dict[str, Guest] = {}
    for guest in _guests(cluster):
        for key in keys(guest):
            first = seen.setdefault(key, guest)
            if first.identity == guest.identity and first.item is not guest.item:
                continue  # the same guest's config on another node
            if first is guest:
                continue
            yield make(
                code,
                f"{what} {key} is used by domU {first.name} and domU {guest.name}",
                guest.item.where(_anchor(guest, anchor_key)),
                [first.item.where(_anchor(first, anchor_key))],
            )


@rule("XN001", "domu-name-twice", "error", scope="cluster")
def name_twice(cluster: Cluster) -> Iterator[Finding]:
    """Two different domU configs use one name.

    Why it matters: xend knows a domain by its name; the second ``xm create``
    fails, and a migration onto a node that runs the other one is refused.
    A CIB Xen resource starts whichever file it names.

    Example: ``name = "web"`` in /etc/xen/web and in /etc/xen/web-new.

    Fix: one name per guest; keep old configs out of /etc/xen.
    """
    seen: dict[str, Guest] = {}
    for guest in _guests(cluster):
        first = seen.setdefault(guest.name, guest)
        if first is guest:
            continue
        if first.identity == guest.identity and first.item.node != guest.item.node:
            continue  # a copy on the other node
        yield make(
            "XN001",
            f"domU name {guest.name} is used by two configs",
            guest.item.where(_anchor(guest, "name")),
            [first.item.where(_anchor(first, "name"))],
        )


@rule("XN002", "domu-uuid-twice", "error", scope="cluster")
def uuid_twice(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs share a UUID.

    Why it matters: xend and libvirt identify domains by UUID; the second
    guest cannot start, or management tools confuse the two.

    Example: a config copied to make a new guest, UUID left as it was.

    Fix: give the copy a new ``uuid`` (``uuidgen``), or remove the line.
    """
    return _clashes(cluster, "XN002", "uuid", lambda g: [g.uuid] if g.uuid else [], "uuid")


@rule("XN003", "mac-twice", "error", scope="cluster")
def mac_twice(cluster: Cluster) -> Iterator[Finding]:
    """Two domUs (or two interfaces of one) have the same MAC address.

    Why it matters: on one bridge, two NICs with one MAC steal each other's
    traffic; the guests lose their network by turns.

    Example: ``vif = ['mac=00:16:3e:00:00:01']`` in two configs.

    Fix: a unique MAC per interface (Xen's 00:16:3e range, or a locally
    administered one).
    """
    yield from _clashes(cluster, "XN003", "MAC", lambda g: sorted({m for m, _ in g.macs}), "vif")
    for guest in _guests(cluster):
        macs = [m for m, _ in guest.macs]
        for mac in sorted({m for m in macs if macs.count(m) > 1}):
            yield make(
                "XN003",
                f"MAC {mac} is used by two interfaces of domU {guest.name}",
                guest.item.where(_anchor(guest, "vif")),
            )


def _disk_key(disk: Any) -> str:
    """What a disk names, so that two spellings of one device compare equal."""
    if disk.drbd_resource:
        return f"drbd:{disk.drbd_resource}"
    return disk.target or disk.raw


@rule("XN004", "disk-shared-by-domus", "error", scope="cluster")
def disk_shared(cluster: Cluster) -> Iterator[Finding]:
    """Two domUs write to one disk.

    Why it matters: two kernels writing one block device with an ordinary
    file system (ext3, swap) corrupt it within minutes. Only a cluster file
    system (OCFS2, GFS) copes, and then every guest must say ``w!``.

    Example: ``phy:/dev/vg/shared,hdb,w`` in linva04 and linva06.

    Fix: give each guest its own disk, or use a cluster file system and
    ``w!`` in every config that shares it.
    """
    seen: dict[str, tuple[Guest, Any]] = {}
    for guest in _guests(cluster):
        for disk in guest.disks:
            if not disk.writable or disk.cdrom:
                continue
            key = _disk_key(disk)
            first = seen.setdefault(key, (guest, disk))
            other, other_disk = first
            if other is guest or other.identity == guest.identity:
                continue
            if disk.shared and other_disk.shared:
                continue
            yield make(
                "XN004",
                f"disk {key} is writable in domU {other.name} and domU {guest.name}"
                " (only w! on a cluster file system may share)",
                guest.item.where(_anchor(guest, "disk")),
                [other.item.where(_anchor(other, "disk"))],
            )


_DRBD_MINOR = re.compile(r"^/dev/drbd(\d+)$")
_MAPPER = re.compile(r"^/dev/mapper/([^/]+)$")
_FRIENDLY = re.compile(r"^mpath[a-z0-9]+$")


def _node_drbd(cluster: Cluster, node: str | None) -> tuple[set[str], set[int]] | None:
    items = list(cluster.docs("drbd", node))
    if not items:
        return None
    names: set[str] = set()
    minors: set[int] = set()
    for item in items:
        for res in item.doc.resource_list():  # type: ignore[attr-defined]
            names.add(res.name)
            for h in res.host_list:
                for vol in res.effective(h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is not None and dev.minor is not None:
                        minors.add(dev.minor)
    return names, minors


def _node_aliases(cluster: Cluster, node: str | None) -> set[str] | None:
    items = list(cluster.docs("multipath", node))
    if not items:
        return None
    return {m.alias for i in items for m in i.doc.multipaths if m.alias}  # type: ignore[attr-defined]


@rule("XN005", "disk-names-nothing", "error", scope="cluster")
def disk_names_nothing(cluster: Cluster) -> Iterator[Finding]:
    """A domU disk names a DRBD resource, DRBD minor or multipath alias that the
    node's configuration does not define.

    Why it matters: the guest fails to start on that node ("block-drbd: no
    such resource", "/dev/mapper/x: no such device"); as a cluster resource it
    fails over to a node where it may not start either.

    Example: ``drbd:vm_web`` while drbd.conf defines ``resource vm-web``.

    Fix: correct the name, or define the resource or alias on every node
    that may run the guest.
    """
    for guest in _guests(cluster):
        node = guest.item.node
        drbd = _node_drbd(cluster, node)
        aliases = _node_aliases(cluster, node)
        for disk in guest.disks:
            target = disk.target or ""
            problem = None
            if disk.drbd_resource and drbd is not None and disk.drbd_resource not in drbd[0]:
                problem = f"DRBD resource {disk.drbd_resource}"
            m = _DRBD_MINOR.match(target)
            if m and drbd is not None and int(m.group(1)) not in drbd[1]:
                problem = f"DRBD minor {m.group(1)} ({target})"
            m = _MAPPER.match(target)
            if (
                m
                and aliases is not None
                and m.group(1) not in aliases
                and not _FRIENDLY.match(m.group(1))
                and "-" not in m.group(1)  # LVM's vg-lv names live in /dev/mapper too
            ):
                problem = f"multipath alias {m.group(1)}"
            if problem:
                yield make(
                    "XN005",
                    f"domU {guest.name} uses {problem}, "
                    f"which {node or 'this node'} does not define",
                    guest.item.where(_anchor(guest, "disk")),
                )


@rule("XN006", "mac-not-local", "warning", scope="cluster")
def mac_not_local(cluster: Cluster) -> Iterator[Finding]:
    """A domU MAC is a vendor's (globally administered) or a multicast address.

    Why it matters: a vendor MAC can collide with a real card on the same
    LAN; a multicast MAC is refused by the network stack.

    Example: ``mac=a0:00:00:01:00:01``.

    Fix: use Xen's range ``00:16:3e:xx:xx:xx`` or a locally administered
    address (second hex digit 2, 6, A or E).
    """
    for guest in _guests(cluster):
        for vif in guest.item.doc.vifs:  # type: ignore[attr-defined]
            kind = vif.mac_kind
            if kind in ("global", "multicast"):
                what = "a vendor's (globally administered)" if kind == "global" else "multicast"
                yield make(
                    "XN006",
                    f"MAC {vif.mac} of domU {guest.name} is {what}",
                    guest.item.where(_anchor(guest, "vif")),
                )


@rule("XN007", "xend-setting-twice", "warning", formats=("xend",))
def xend_setting_twice(item: Loaded) -> Iterator[Finding]:
    """A xend-config.sxp setting appears more than once.

    Why it matters: xend silently keeps the last one; the earlier line reads
    as if it were in effect.

    Example: two ``(xend-relocation-address '')`` lines.

    Fix: keep one.
    """
    for name, found in item.doc.duplicates().items():  # type: ignore[attr-defined]
        for later in found[1:]:
            yield make(
                "XN007",
                f"{name} is set {len(found)} times; xend uses the last",
                item.where(later),
                [item.where(found[0])],
            )


def _relocation(item: Loaded) -> tuple[bool, int, list[str]]:
    doc: Any = item.doc
    allow = doc.effective("xend-relocation-hosts-allow") or []
    return (
        bool(doc.effective("xend-relocation-server")),
        doc.effective("xend-relocation-port") or 8002,
        [a for a in allow if a],
    )


@rule("XN008", "relocation-open-to-anyone", "warning", formats=("xend",))
def relocation_open(item: Loaded) -> Iterator[Finding]:
    """xend accepts live migrations from any host.

    Why it matters: the relocation protocol has no authentication; whoever
    reaches the port can push a domain onto the host, or read a migrating
    guest's memory from the wire.

    Example: ``(xend-relocation-server yes)`` with ``(xend-relocation-hosts-allow '')``.

    Fix: list the cluster nodes: ``(xend-relocation-hosts-allow '^alpha$ ^beta$')``.
    """
    server, _, allow = _relocation(item)
    if server and not allow:
        doc: Any = item.doc
        where = doc.setting("xend-relocation-hosts-allow") or doc.setting("xend-relocation-server")
        yield make(
            "XN008",
            "relocation server accepts migrations from any host (hosts-allow is empty)",
            item.where(where),
        )


def _live_migration(cluster: Cluster) -> tuple[Loaded, Any] | None:
    for item in cluster.docs("cib"):
        for p in item.doc.xen_primitives():  # type: ignore[attr-defined]
            if p.allow_migrate:
                return item, p
    return None


@rule("XN009", "migration-without-relocation", "error", scope="cluster")
def migration_without_relocation(cluster: Cluster) -> Iterator[Finding]:
    """The CIB live-migrates a domU, but xend on some node does not accept it.

    Why it matters: with ``allow_migrate`` the cluster moves the guest with
    ``xm migrate --live``; if the target's relocation server is off, listens
    on another port, or its hosts-allow does not admit the source, the
    migration fails and the cluster stops and restarts the guest instead.

    Example: ``allow_migrate=true`` in the CIB, no ``xend-relocation-server``
    in xend-config.sxp.

    Fix: ``(xend-relocation-server yes)``, one ``xend-relocation-port`` on
    all nodes, and every node in ``xend-relocation-hosts-allow``.
    """
    migrating = _live_migration(cluster)
    if migrating is None:
        return
    cib_item, primitive = migrating
    related = [cib_item.where(primitive)]
    ports: dict[int, Loaded] = {}
    for item in cluster.docs("xend"):
        server, port, allow = _relocation(item)
        doc: Any = item.doc
        if not server:
            yield make(
                "XN009",
                f"{primitive.id} may live-migrate, but xend on {item.node or 'this node'} "
                "does not accept migrations (xend-relocation-server is off)",
                item.where(doc.setting("xend-relocation-server")),
                related,
            )
            continue
        first = ports.setdefault(port, item)
        if len(ports) > 1 and first is item:
            other = next(i for p, i in ports.items() if p != port)
            yield make(
                "XN009",
                f"relocation port {port} on {item.node} differs from "
                f"{_relocation(other)[1]} on {other.node}",
                item.where(doc.setting("xend-relocation-port")),
                [other.where(other.doc.setting("xend-relocation-port")), *related],  # type: ignore[attr-defined]
            )
        others = [n for n in cluster.nodes if n != item.node]
        refused = [n for n in others if allow and not any(re.search(a, n) for a in _safe(allow))]
        if refused:
            yield make(
                "XN009",
                f"xend-relocation-hosts-allow on {item.node} does not admit {', '.join(refused)}",
                item.where(doc.setting("xend-relocation-hosts-allow")),
                related,
            )


def _safe(patterns: list[str]) -> list[str]:
    out = []
    for p in patterns:
        try:
            re.compile(p)
        except re.error:
            continue
        out.append(p)
    return out


@rule("XN010", "domu-cannot-start", "warning", formats=DOMU_FORMATS)
def domu_cannot_start(item: Loaded) -> Iterator[Finding]:
    """A domU config without a name, or without a kernel, bootloader or HVM builder.

    Why it matters: ``xm create`` (and the Xen resource agent) refuse a
    config without ``name``, and a paravirtual guest needs a ``kernel`` or a
    ``bootloader``; the file is a fragment that fails when the cluster first
    starts the guest.

    Example: a config with only ``nfs_root``, ``nfs_server`` and ``extra``.

    Fix: add ``name``, and ``kernel`` (with ``ramdisk``) or ``bootloader``
    (``builder = 'hvm'`` for a fully virtualised guest).
    """
    doc: Any = item.doc
    if doc.computed:
        return  # Python code may set anything: say nothing rather than guess
    missing = []
    if not doc.get("name"):
        missing.append("name")
    if not any(doc.get(k) for k in ("kernel", "bootloader", "builder", "type")):
        missing.append("kernel or bootloader")
    if missing:
        yield make(
            "XN010",
            f"domU config has no {' and no '.join(missing)}: xm create refuses it",
            item.where(),
        )
