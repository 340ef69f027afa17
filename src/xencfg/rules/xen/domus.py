"""domUs across the cluster: names, UUIDs and MACs used twice, disks written by two
guests, disks a node lacks (XN001-XN006)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import attrs

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...membership import apart
from .. import make, rule
from ..documents import domu_doc as _domu
from ..documents import drbd_doc as _drbd
from ..documents import multipath_doc as _multipath

if TYPE_CHECKING:
    from ...formats.xen.device_specs import DiskSpec

from ..._lazy import lazy_re
from ...syntax.numbers import decimal
from .common import _domus, _label, _minors, _where, disk_key
from .tickets import one_geo_guest

#: Disks that are the same device on every node (replicated or on the SAN); other
#: device paths and image files are compared per node only.
_SHARED_PREFIXES = (
    "drbd:",
    "/dev/drbd",
    "/dev/mapper/",
    "/dev/evms/",
    "/dev/disk/by-id/",
    "/dev/disk/by-path/",
    "iscsi:",
)


_MPATH_NAME = lazy_re(r"mpath[a-z0-9]+")


_PARTITION = lazy_re(r"(?:-part|p)?\d+$")


#: A WWID as scsi_id prints it (whitespace made '_'): the ID type digit (1 T10 vendor,
#: 2 EUI-64, 3 NAA, 8 name string), then hex or vendor text.
_WWID_NAME = lazy_re(r"[1-8][0-9A-Za-z_.]+")


def _rel(item: Loaded) -> str:
    """The config's path below /etc/xen (``vm/nfs.xm``): equal on every node for a
    shared or copied config."""
    parts = item.file.path.parts
    if "xen" in parts:
        i = len(parts) - 1 - parts[::-1].index("xen")
        return "/".join(parts[i + 1 :])
    return item.file.path.name


def _in_auto(item: Loaded, cluster: Cluster | None) -> bool:
    """Whether the config sits in the folder xendomains starts guests from at boot
    (``XENDOMAINS_AUTO`` of the node's settings, /etc/xen/auto by default)."""
    tree = item.file.tree
    if cluster is None or tree is None:
        return _rel(item).startswith("auto/")
    from .autostart import _auto_dir, _settings

    folder = _auto_dir(_settings(cluster, tree, item.node))
    if folder is None or not folder.startswith("/etc/"):
        return False
    return item.file.path.parent == tree.etc / folder[len("/etc/") :].rstrip("/")


def _guest(item: Loaded) -> str | None:
    """Who the config says the guest is: its ``name``, ``uuid`` and the devices it
    opens. Copies on two nodes that agree on all three are one guest, even when a copy
    sits elsewhere or drifted (memory changed on one node); a copy made for a new
    guest opens other disks and stays a second domU."""
    doc = _domu(item)
    name, uuid = doc.name, doc.uuid
    disks = sorted(k for d in doc.disks if (k := disk_key(d)) is not None)
    if not isinstance(name, str) or not name or not disks:
        return None
    uuid = uuid.lower() if isinstance(uuid, str) else ""
    return f"{name}|{uuid}|{' '.join(disks)}"


def identities(domus: list[Loaded], cluster: Cluster | None = None) -> dict[int, int]:
    """``id(item) -> domU number``: the same config on several nodes (a shared
    /etc/xen/vm, a copy: same path below /etc/xen, same text, or the same name, uuid
    and disks) is one domU, and so is a copy in one node's /etc/xen/auto; configs of
    two separate clusters are never one domU, whatever their path, but for the two
    sites of a geo cluster whose CIBs tie the guest to one booth ticket (it runs at
    one site at a time: :func:`.tickets.one_geo_guest`)."""
    parent = list(range(len(domus)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], list[tuple[int, str | None]]] = defaultdict(list)
    for i, item in enumerate(domus):
        text = item.doc.source or ""
        for key in (
            ("rel", _rel(item)),
            ("text", text),
            ("guest", _guest(item) or f"?{i}"),
        ):
            # the first earlier copy of this node's cluster (of another cluster: another
            # guest, unless the sites of a geo cluster share it under a booth ticket)
            j, node = next(
                (
                    (j, n)
                    for j, n in seen[key]
                    if not apart(cluster, n, item.node)
                    or (cluster is not None and one_geo_guest(cluster, domus[j], item))
                ),
                (-1, None),
            )
            if j < 0:
                seen[key].append((i, item.node))
                continue
            # two files on one node are two domUs, but for a copy in xendomains'
            # auto folder: the boot-time start of the same guest (XN019's concern)
            auto = key[0] != "rel" and (_in_auto(item, cluster) or _in_auto(domus[j], cluster))
            if node != item.node or auto:
                parent[find(i)] = find(j)
    return {id(item): find(i) for i, item in enumerate(domus)}


def _duplicates(
    cluster: Cluster,
    code: str,
    what: str,
    key: str,
    values: Callable[[Loaded], list[str]],
    per_host: bool = False,
) -> Iterator[Finding]:
    """One finding per domU sharing a value (from ``values(item)``) with an earlier one;
    ``per_host``: a value unique per host (a name, a uuid), so domUs of two separate
    clusters (two dom0 clusters on one site), which never share a host, may share it."""
    domus = _domus(cluster)
    ident = identities(domus, cluster)

    def hosts_apart(a: Loaded, b: Loaded) -> bool:
        return per_host and apart(cluster, a.node, b.node)

    first: dict[str, dict[int, Loaded]] = defaultdict(dict)
    for item in domus:
        for v in values(item):
            first[v].setdefault(ident[id(item)], item)
    for value, owners in sorted(first.items()):
        if len(owners) < 2:
            continue
        items = list(owners.values())
        for k, item in enumerate(items[1:], 1):
            ref = next((o for o in items[:k] if not hosts_apart(o, item)), None)
            if ref is None:
                continue
            yield make(
                code,
                f"{what} {value} of domU {_label(item)} is also used by domU {_label(ref)}"
                f" ({ref.file.display})",
                _where(item, key),
                [_where(ref, key)],
            )


@rule("XN001", "duplicate-domu-name", "error", scope="cluster")
def duplicate_name(cluster: Cluster) -> Iterator[Finding]:
    """Two different domU configs use the same ``name``.

    Why it matters: a name is unique per host; xm refuses to start the second
    guest, and after a fail-over or migration the cluster starts or stops the
    wrong one. The same config on several nodes (a shared /etc/xen/vm, or a
    copy at the same path, with the same text, or with the same name, uuid and
    disks) is one domU, not a duplicate.

    Example: /etc/xen/web and /etc/xen/web-new both with ``name = "web"``.

    Two separate clusters on one site (two dom0 clusters sharing a storage pair) may
    each have a guest of one name: their guests never run on the other's hosts.

    Fix: give every guest its own name.
    """

    def names(item: Loaded) -> list[str]:
        n = _domu(item).name
        return [f"'{n}'"] if isinstance(n, str) and n else []

    yield from _duplicates(cluster, "XN001", "name", "name", names, per_host=True)


@rule("XN002", "duplicate-domu-uuid", "error", scope="cluster")
def duplicate_uuid(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs have the same ``uuid``.

    Why it matters: xend identifies managed domains by UUID; the second guest
    replaces or refuses the first, and its saved state and xenstore entries mix.

    Example: a config copied to create a new guest, uuid left unchanged.

    Guests of two separate clusters on one site are compared only within their
    cluster, as their names are (XN001).

    Fix: ``uuidgen`` a new UUID for the copy (or drop the line).
    """

    def uuids(item: Loaded) -> list[str]:
        u = _domu(item).uuid
        return [u.lower()] if isinstance(u, str) and u else []

    yield from _duplicates(cluster, "XN002", "uuid", "uuid", uuids, per_host=True)


@rule("XN003", "duplicate-mac", "error", scope="cluster")
def duplicate_mac(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs (or two vifs of one) use the same MAC address.

    Why it matters: on one bridge, two NICs with one MAC steal each other's
    traffic; after a migration the switch learns the address on the wrong port.

    Example: ``vif = ['mac=00:16:3e:00:00:01']`` in two guests.

    The two sites of a geo cluster may each hold a copy of a guest that both sites'
    CIBs tie to one booth ticket (``rsc_ticket`` on its Xen resource, the ticket in
    booth.conf, a ``loss-policy`` other than ``freeze``): booth grants the ticket to
    one site at a time (boothd(8)) and the site that loses it stops the guest, so the
    copies are one guest.

    Fix: a unique ``00:16:3e:xx:xx:xx`` per vif.
    """

    def macs(item: Loaded) -> list[str]:
        return [v.mac.lower() for v in _domu(item).vifs if v.mac is not None and v.mac_valid]

    yield from _duplicates(cluster, "XN003", "MAC", "vif", macs)


def _cluster_fs(cluster: Cluster, node: str | None) -> bool:
    return any(True for fmt in ("ocfs2", "cman") for _ in cluster.docs(fmt, node))


def _disk_scope(cluster: Cluster, node: str | None, key: str) -> tuple[str, str]:
    """Where a disk is one device, and its key there: a local device or image on its
    node; a multipath alias the node's multipath.conf maps is its WWID, one LUN on the
    whole site; a by-id or by-path name is the LUN itself; the other shared names (DRBD
    resources and minors, unmapped /dev/mapper and EVMS names) are one device within
    one cluster, as two separate clusters may each have an ``r0`` or an ``mpatha``."""
    from ...cluster import short

    if not key.startswith(_SHARED_PREFIXES):
        return node or "", key
    if key.startswith(("/dev/disk/by-id/", "/dev/disk/by-path/")):
        return "", key
    if key.startswith("/dev/mapper/") and node:
        alias = key[len("/dev/mapper/") :]
        for item in cluster.docs("multipath", node):
            for m in _multipath(item).multipaths:
                if m.alias == alias and m.wwid:
                    return "", f"wwid:{str(m.wwid).lower()}"
    members = next(
        (c.members for c in cluster.model.heartbeat_clusters if node and short(node) in c.members),
        None,
    )
    return (" ".join(sorted(members)) if members else ""), key


@rule("XN004", "disk-written-twice", "error", scope="cluster", hazard=True)
def disk_written_twice(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs open one disk writable.

    Why it matters: two kernels writing one ext3/reiserfs file system corrupt
    it within minutes. Only a cluster file system (OCFS2, GFS) opened by both
    with ``w!`` survives that. DRBD resources, multipath aliases and other SAN
    paths are compared across nodes, local devices and images per node. A multipath
    alias is compared by the WWID the node's multipath.conf gives it (two separate
    clusters on one site may give one alias to two LUNs, or two aliases to one);
    DRBD resources and unmapped names only within one cluster.

    Example: ``phy:/dev/vg/data,xvdb,w`` in the configs of two guests.

    Fix: give each guest its own disk, or put a cluster file system on it and
    attach it with ``w!`` in both (xm only: xl's disk parser has no ``w!``, see
    XN014, so under xl each guest needs its own disk).
    """
    domus = _domus(cluster)
    ident = identities(domus, cluster)
    writers: dict[tuple[str, str], dict[int, tuple[Loaded, DiskSpec]]] = defaultdict(dict)
    for item in domus:
        for disk in _domu(item).disks:
            key = disk_key(disk)
            if key is None or not disk.writable or disk.cdrom:
                continue
            scope, key = _disk_scope(cluster, item.node, key)
            writers[(scope, key)].setdefault(ident[id(item)], (item, disk))
    for (_, key), owners in sorted(writers.items()):
        if len(owners) < 2:
            continue
        found = list(owners.values())
        if all(d.shared for _, d in found):
            continue
        first_item, first_disk = found[0]
        for item, disk in found[1:]:
            yield make(
                "XN004",
                f"disk {key} is opened writable by domU {_label(item)} ({disk.mode or 'w'}) and "
                f"domU {_label(first_item)} ({first_disk.mode or 'w'})",
                _where(item, "disk"),
                [_where(first_item, "disk")],
            )


@rule("XN005", "shared-disk-without-cluster-fs", "warning", scope="cluster", hazard=True)
def shared_without_cluster_fs(cluster: Cluster) -> Iterator[Finding]:
    """A domU attaches a disk ``w!`` (writable even if attached elsewhere) on a node
    with no cluster file system configured (no ocfs2/cluster.conf, no cman).

    Why it matters: ``w!`` switches off Xen's only guard against two guests
    writing one disk. Safe only when the disk holds OCFS2 or GFS.

    Example: ``phy:vg/shared,hdb,w!`` on a node without OCFS2.

    Fix: use ``w`` unless the disk really carries a cluster file system, and
    configure that file system's cluster on every node.
    """
    for item in _domus(cluster):
        if item.node is None or _cluster_fs(cluster, item.node):
            continue
        for disk in _domu(item).disks:
            if disk.shared and disk.writable:
                yield make(
                    "XN005",
                    f"disk {disk.target} of domU {_label(item)} is attached w! but {item.node} "
                    "configures no cluster file system (no ocfs2/cluster.conf, no cman)",
                    _where(item, "disk"),
                )


#: A node's DRBD resource names, minors and drbd files.
_DrbdNames = tuple[set[str], set[int], list[Loaded]]


#: A node's multipath aliases, whether user_friendly_names is on, and its files.
_Aliases = tuple[set[str], bool, list[Loaded]]


def _drbd_names(cluster: Cluster, node: str) -> _DrbdNames:
    names: set[str] = set()
    minors: set[int] = set()
    docs = list(cluster.docs("drbd", node))
    for item in docs:
        for res in _drbd(item).resource_list():
            names.add(res.name)
            minors.update(_minors(res))
    return names, minors, docs


def _aliases(cluster: Cluster, node: str) -> _Aliases:
    """The node's map names: multipath.conf's aliases and, with user_friendly_names on,
    the names its bindings file gives (any ``alias_prefix``)."""
    from ..multipath import node_bindings

    aliases: set[str] = set()
    friendly = False
    docs = list(cluster.docs("multipath", node))
    for item in docs:
        doc = _multipath(item)
        aliases.update(m.alias for m in doc.multipaths if m.alias)
        if str(doc.defaults.get("user_friendly_names", "no")).lower() in ("yes", "1", "on"):
            friendly = True
    aliases.update(node_bindings(cluster, node))
    return aliases, friendly, docs


def _alias_known(name: str, aliases: set[str], friendly: bool) -> bool:
    if name in aliases or _PARTITION.sub("", name) in aliases:
        return True
    if friendly and _MPATH_NAME.fullmatch(name):
        return True
    if not friendly and _WWID_NAME.fullmatch(name):
        # without user_friendly_names a map with no alias is named by its WWID
        # (multipath.conf(5)), e.g. 3600508b4... or IET's 1IET_00010001
        return True
    return "-" in name  # VG-LV: an LVM volume's device-mapper name, not multipath's


#: What an unknown /dev/mapper name that need not be multipath's is told.
OTHER_DM = " (fine if it is another device-mapper device: dm-crypt, dmraid)"


def surely_multipath(name: str, aliases: set[str]) -> tuple[bool, str]:
    """Whether a /dev/mapper name no alias gives is surely meant as a multipath map (it
    is close to an alias, or shaped as multipath names maps: ``mpathN``, a WWID), and
    the did-you-mean ending; other names may be dm-crypt or dmraid devices, which no
    file xencfg reads lists."""
    from ...suggest import closest, did_you_mean

    near = closest(name, aliases)
    sure = bool(near or _MPATH_NAME.fullmatch(name) or _WWID_NAME.fullmatch(name))
    return sure, did_you_mean(near)


@rule("XN006", "disk-reference-missing", "error", scope="cluster")
def disk_reference_missing(cluster: Cluster) -> Iterator[Finding]:
    """A domU disk names a DRBD resource (``drbd:RES``, /dev/drbd/by-res/RES), a
    DRBD minor (/dev/drbdN) or a multipath alias (/dev/mapper/ALIAS) that the
    node's drbd.conf or multipath.conf does not define.

    Why it matters: the guest does not start on that node ("Device ... does
    not exist"), typically only at fail-over time. Checked only against a node
    that has such a file; LVM volumes are not checked (no file xencfg reads
    lists them), nor, without ``user_friendly_names``, a map named by its WWID
    (``/dev/mapper/3600508b4...``: multipath names a map without alias so). With
    ``user_friendly_names`` on, a name the node's bindings file gives
    (/etc/multipath/bindings) is defined, whatever its ``alias_prefix``.

    That the node is one of the resource's hosts (has an ``on`` section in it)
    is XN018's check, made where the CIB may start the guest: a config merely
    copied to a node that is no host does no harm.

    Other device-mapper devices (dm-crypt, dmraid) live in /dev/mapper too: a
    name like no alias and not shaped as multipath names maps (``mpathN``, a
    WWID) is a warning.

    Example: ``drbd:vm_web`` while drbd.conf has ``resource web``.

    Fix: correct the name, or define the resource / alias on every node.
    """
    cache: dict[str, tuple[_DrbdNames, _Aliases]] = {}
    for item in _domus(cluster):
        node = item.node
        if node is None:
            continue
        if node not in cache:
            cache[node] = (_drbd_names(cluster, node), _aliases(cluster, node))
        (resources, minors, drbd_docs), (aliases, friendly, mp_docs) = cache[node]
        for disk in _domu(item).disks:
            key = disk_key(disk)
            if key is None:
                continue
            problem, related, sure = None, [], True
            m = re.fullmatch(r"/dev/drbd([0-9]+)", key)
            if key.startswith("drbd:") and drbd_docs and key[5:] not in resources:
                problem = f"DRBD resource '{key[5:]}' is not defined on {node}"
                related = drbd_docs
            elif m and drbd_docs and decimal(m.group(1)) not in minors:
                problem = f"DRBD minor {m.group(1)} ({key}) is not defined on {node}"
                related = drbd_docs
            elif key.startswith("/dev/mapper/") and mp_docs:
                name = key[len("/dev/mapper/") :]
                if not _alias_known(name, aliases, friendly):
                    sure, hint = surely_multipath(name, aliases)
                    problem = f"multipath alias '{name}' is not defined on {node}{hint}"
                    related = mp_docs
            if problem:
                found = make(
                    "XN006",
                    f"domU {_label(item)} disk {disk.target}: {problem}",
                    _where(item, "disk"),
                    [r.where() for r in related],
                )
                yield (
                    found
                    if sure
                    else attrs.evolve(found, severity="warning", message=found.message + OTHER_DM)
                )
