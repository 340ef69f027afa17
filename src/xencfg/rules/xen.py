"""Xen rules: domU identities, disks, MACs, xend relocation against the CIB."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..cluster import Cluster, Loaded
from ..findings import Finding, Location
from ..versions import (
    XEN_BOOTLOADER_ANY_TYPE,
    XEN_BOOTLOADER_SPLIT,
    XEN_NO_XEND,
    XEN_TYPE,
    XEN_XL,
)
from . import make, rule
from .documents import cib_doc as _cib
from .documents import domu_doc as _domu
from .documents import drbd_doc as _drbd
from .documents import hosts_doc as _hosts
from .documents import multipath_doc as _multipath
from .documents import xend_doc as _xend
from .documents import xl_doc as _xl

if TYPE_CHECKING:
    from ..formats.cib.constraints import Location as CibLocation
    from ..formats.cib.model import CibDocument
    from ..formats.cib.resources import Primitive
    from ..formats.drbd import Resource as DrbdResource
    from ..formats.lines.hosts import IPAddress
    from ..formats.xen.domu import DiskSpec, DomUDocument

DOMU_FORMATS = ("xm", "xl")
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
_MPATH_NAME = re.compile(r"mpath[a-z0-9]+")
_PARTITION = re.compile(r"(?:-part|p)?\d+$")
#: A WWID as scsi_id prints it (whitespace made '_'): the ID type digit (1 T10 vendor,
#: 2 EUI-64, 3 NAA, 8 name string), then hex or vendor text.
_WWID_NAME = re.compile(r"[1-8][0-9A-Za-z_.]+")


#: The templates Xen's packages install in /etc/xen (``xlexample.hvm``, ``xmexample1``):
#: syntax-checked like any file, but no domU, so they share no disk, name or MAC.
_TEMPLATE = re.compile(r"^(?:xl|xm)example")


def _is_domu(item: Loaded) -> bool:
    return (
        item.file.format in DOMU_FORMATS
        and (item.file.format != "xl" or _xl(item).is_domu)
        and not _TEMPLATE.match(item.file.path.name)
    )


def _domus(cluster: Cluster) -> list[Loaded]:
    return [item for item in cluster.loaded if _is_domu(item)]


def _rel(item: Loaded) -> str:
    """The config's path below /etc/xen (``vm/nfs.xm``): equal on every node for a
    shared or copied config."""
    parts = item.file.path.parts
    if "xen" in parts:
        i = len(parts) - 1 - parts[::-1].index("xen")
        return "/".join(parts[i + 1 :])
    return item.file.path.name


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


def identities(domus: list[Loaded]) -> dict[int, int]:
    """``id(item) -> domU number``: the same config on several nodes (a shared
    /etc/xen/vm, a copy: same path below /etc/xen, same text, or the same name, uuid
    and disks) is one domU."""
    parent = list(range(len(domus)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], tuple[int, str | None]] = {}
    for i, item in enumerate(domus):
        text = item.doc.source or ""
        for key in (
            ("rel", _rel(item)),
            ("text", hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()),
            ("guest", _guest(item) or f"?{i}"),
        ):
            if key in seen:
                j, node = seen[key]
                if node != item.node:  # two files on one node are two domUs
                    parent[find(i)] = find(j)
            else:
                seen[key] = (i, item.node)
    return {id(item): find(i) for i, item in enumerate(domus)}


def _where(item: Loaded, key: str) -> Location:
    return item.where(_domu(item).assignment(key))


def _label(item: Loaded) -> str:
    name = _domu(item).name
    return f"'{name}'" if name else f"in {item.file.path.name}"


def _duplicates(
    cluster: Cluster, code: str, what: str, key: str, values: Callable[[Loaded], list[str]]
) -> Iterator[Finding]:
    """One finding per domU sharing a value (from ``values(item)``) with an earlier one."""
    domus = _domus(cluster)
    ident = identities(domus)
    first: dict[str, dict[int, Loaded]] = defaultdict(dict)
    for item in domus:
        for v in values(item):
            first[v].setdefault(ident[id(item)], item)
    for value, owners in sorted(first.items()):
        if len(owners) < 2:
            continue
        items = list(owners.values())
        for item in items[1:]:
            yield make(
                code,
                f"{what} {value} of domU {_label(item)} is also used by domU {_label(items[0])}"
                f" ({items[0].file.display})",
                _where(item, key),
                [_where(items[0], key)],
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

    Fix: give every guest its own name.
    """

    def names(item: Loaded) -> list[str]:
        n = _domu(item).name
        return [f"'{n}'"] if isinstance(n, str) and n else []

    yield from _duplicates(cluster, "XN001", "name", "name", names)


@rule("XN002", "duplicate-domu-uuid", "error", scope="cluster")
def duplicate_uuid(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs have the same ``uuid``.

    Why it matters: xend identifies managed domains by UUID; the second guest
    replaces or refuses the first, and its saved state and xenstore entries mix.

    Example: a config copied to create a new guest, uuid left unchanged.

    Fix: ``uuidgen`` a new UUID for the copy (or drop the line).
    """

    def uuids(item: Loaded) -> list[str]:
        u = _domu(item).uuid
        return [u.lower()] if isinstance(u, str) and u else []

    yield from _duplicates(cluster, "XN002", "uuid", "uuid", uuids)


@rule("XN003", "duplicate-mac", "error", scope="cluster")
def duplicate_mac(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs (or two vifs of one) use the same MAC address.

    Why it matters: on one bridge, two NICs with one MAC steal each other's
    traffic; after a migration the switch learns the address on the wrong port.

    Example: ``vif = ['mac=00:16:3e:00:00:01']`` in two guests.

    Fix: a unique ``00:16:3e:xx:xx:xx`` per vif.
    """

    def macs(item: Loaded) -> list[str]:
        return [v.mac.lower() for v in _domu(item).vifs if v.mac is not None and v.mac_valid]

    yield from _duplicates(cluster, "XN003", "MAC", "vif", macs)


def disk_key(disk: DiskSpec) -> str | None:
    """The device a disk spec opens, spelled one way (``drbd:RES``, ``/dev/...``,
    ``file:/path``); ``None`` when it names no device."""
    target = disk.target
    if not target:
        return None
    res = disk.drbd_resource
    if res:
        return f"drbd:{res}"
    kind = disk.kind or ""
    if kind in ("", "phy"):
        path = target if target.startswith("/") else f"/dev/{target}"
        m = re.fullmatch(r"/dev/drbd/by-res/([^/]+)(?:/0)?", path)
        return f"drbd:{m.group(1)}" if m else path
    if kind.startswith(("file", "tap")) or kind in ("aio", "qcow", "qcow2", "vhd"):
        return f"file:{target}"
    return f"{kind}:{target}"


def _cluster_fs(cluster: Cluster, node: str | None) -> bool:
    return any(True for fmt in ("ocfs2", "cman") for _ in cluster.docs(fmt, node))


@rule("XN004", "disk-written-twice", "error", scope="cluster", hazard=True)
def disk_written_twice(cluster: Cluster) -> Iterator[Finding]:
    """Two different domUs open one disk writable.

    Why it matters: two kernels writing one ext3/reiserfs file system corrupt
    it within minutes. Only a cluster file system (OCFS2, GFS) opened by both
    with ``w!`` survives that. DRBD resources, multipath aliases and other SAN
    paths are compared across nodes, local devices and images per node.

    Example: ``phy:/dev/vg/data,xvdb,w`` in the configs of two guests.

    Fix: give each guest its own disk, or put a cluster file system on it and
    attach it with ``w!`` in both (xm only: xl's disk parser has no ``w!``, see
    XN014, so under xl each guest needs its own disk).
    """
    domus = _domus(cluster)
    ident = identities(domus)
    writers: dict[tuple[str, str], dict[int, tuple[Loaded, DiskSpec]]] = defaultdict(dict)
    for item in domus:
        for disk in _domu(item).disks:
            key = disk_key(disk)
            if key is None or not disk.writable or disk.cdrom:
                continue
            scope = "" if key.startswith(_SHARED_PREFIXES) else item.node or ""
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


def _minors(res: DrbdResource) -> Iterator[int]:
    """The minors a resource's ``device`` statements give, at every level (resource,
    host, volume): /dev/drbdN names that resource wherever N is written."""
    views = [res, *res.volumes.values()]
    for host in res.host_list:
        views += [host, *host.volumes.values()]
    for v in views:
        dev = v.device
        if dev is not None and dev.minor is not None:
            yield dev.minor


def _aliases(cluster: Cluster, node: str) -> _Aliases:
    """The node's map names: multipath.conf's aliases and, with user_friendly_names on,
    the names its bindings file gives (any ``alias_prefix``)."""
    from .multipath import node_bindings

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
    from ..suggest import closest, did_you_mean

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
            m = re.fullmatch(r"/dev/drbd(\d+)", key)
            if key.startswith("drbd:") and drbd_docs and key[5:] not in resources:
                problem = f"DRBD resource '{key[5:]}' is not defined on {node}"
                related = drbd_docs
            elif m and drbd_docs and int(m.group(1)) not in minors:
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


def _drbd_hosts(cluster: Cluster) -> dict[str, dict[str, tuple[Loaded, DrbdResource]]]:
    """``node -> DRBD resource name -> (file, resource)`` as each node's own drbd
    configuration defines it, with /dev/drbdN also indexed as ``minor:N``."""
    from .drbd.common import _node_configs, _resources

    out: dict[str, dict[str, tuple[Loaded, DrbdResource]]] = {}
    for node, items in _node_configs(cluster).items():
        mine = out.setdefault(node, {})
        for item, res in _resources(cluster, items):
            mine.setdefault(res.name, (item, res))
            for minor in _minors(res):
                mine.setdefault(f"minor:{minor}", (item, res))
    return out


def _drbd_keys(item: Loaded) -> list[tuple[str, DiskSpec]]:
    """``(drbd:RES or minor:N, disk)`` for each disk of a domU that is a DRBD device."""
    out = []
    for disk in _domu(item).disks:
        key = disk_key(disk)
        if key is None:
            continue
        m = re.fullmatch(r"/dev/drbd(\d+)", key)
        if key.startswith("drbd:"):
            out.append((key[5:], disk))
        elif m:
            out.append((f"minor:{int(m.group(1))}", disk))
    return out


def _prefers(loc: CibLocation, node: str) -> bool:
    """Whether a location may give ``node`` a positive score (``node=``, or a rule that
    scores above 0 or by a node attribute and may match ``node``, at some time or for
    some node attributes): what lets a resource run there when ``symmetric-cluster`` is
    false."""
    from .cib.resources import rule_matches

    if loc.node == node and (loc.score or 0) > 0:
        return True
    return any(
        ((r.score or 0) > 0 or (r.score is None and bool(r.score_attribute)))
        and rule_matches(r, node) is not False
        for r in loc.rules
    )


def _drbd_agent(el: Any) -> str | None:
    """The DRBD resource an ``ocf:linbit:drbd`` (``drbd_resource``) or heartbeat
    ``drbddisk`` (its argument) primitive in ``el``'s subtree manages."""
    from ..formats.cib.resources import Primitive
    from ..formats.cib.views import _tag

    for p in [el, *el.iterdescendants()]:
        if _tag(p) != "primitive":
            continue
        prim = Primitive(p)
        name = None
        if prim.type == "drbd":
            name = prim.param("drbd_resource")
        elif prim.type == "drbddisk":
            name = prim.param("1") or prim.param("resource")
        if name:
            return name
    return None


class _Constraints:
    """What :func:`_placement` reads of one CIB, read once: the model walks the tree on
    every ``locations``/``colocations``/``option`` call, and XN018 places every Xen
    resource of every node's copy."""

    def __init__(self, cib: CibDocument) -> None:
        from ..formats.cib.values import INFINITY, parse_bool

        self.cib = cib
        self.locations = cib.locations
        self.colocations = [
            c for c in cib.colocations if c.score is not None and c.score >= INFINITY
        ]
        self.symmetric = parse_bool(cib.option("symmetric-cluster")) is not False


def _placement(
    facts: _Constraints,
    el: Any,
    nodes: list[str],
    hosts: Callable[[str, str], str | None],
    seen: frozenset[str],
) -> set[str]:
    """The nodes of ``nodes`` the CIB lets resource ``el`` run on: none a -INFINITY
    location keeps it (or a group/clone holding it) off; with ``symmetric-cluster``
    false only those a location prefers; and only where each resource it is
    colocated with (score INFINITY) may run, which for a DRBD agent's clone
    (``ocf:linbit:drbd``, ``drbddisk``) means the DRBD resource's hosts
    (``hosts(name)``)."""
    from ..cluster import colocation_pairs
    from .cib.resources import _banned_from, _ids_around

    ids = _ids_around(el)
    locations = [loc for loc in facts.locations if loc.rsc in ids]
    allowed = {n for n in nodes if not any(_banned_from(loc, n) for loc in locations)}
    if not facts.symmetric:
        allowed = {n for n in allowed if any(_prefers(loc, n) for loc in locations)}
    for c in facts.colocations:
        for rsc, with_rsc in colocation_pairs(c):
            if rsc not in ids or with_rsc in ids or with_rsc in seen:
                continue
            other = facts.cib.resource(with_rsc)
            if other is None:
                continue
            allowed &= _placement(facts, other.el, nodes, hosts, seen | {with_rsc})
            drbd = _drbd_agent(other.el)
            if drbd is not None:
                allowed = {n for n in allowed if hosts(drbd, n) is None}
    return allowed


@rule("XN018", "domu-placed-off-drbd-hosts", "warning", scope="cluster", hazard=True)
def domu_placed_off_drbd_hosts(cluster: Cluster) -> Iterator[Finding]:
    """The CIB lets a Xen resource run on a node that is not a host of the DRBD
    resource its domU's disk uses (``drbd:RES``, /dev/drbd/by-res/RES, /dev/drbdN).

    Why it matters: with three or four dom0s sharing one drbd.conf (the same
    file copied to every node), ``resource r0`` names two of them in ``on``
    sections. On a third node drbdadm accepts the file but refuses the
    resource: "'r0' not defined in your config (for this host)"; the block-drbd
    script cannot promote it (``/dev/drbd0`` is no replica there either), so
    ``xm create`` fails. When the CRM picks that node (at fail-over, or when
    the guest first starts), the start fails, the node is banned for the guest
    (start failures are fatal by default) and the guest starts on another
    node: a failed action and a longer outage, or no start at all when that
    node is the only one left. DRBD 9 can serve the disk to a node without a
    replica, but only a diskless client with its own ``on`` section
    (``node-id``, ``disk none``), which counts as a host here.

    A domU config merely present on a node that is not a host is not reported:
    it does no harm until something starts it there. The nodes are the CIB's;
    a node is kept when no ``rsc_location`` scores the resource (or its group
    or clone) -INFINITY there, when ``symmetric-cluster`` is false only where
    a location may prefer it, and only where every resource it is colocated with
    (score INFINITY) may run: a colocation with the DRBD resource's
    ``ocf:linbit:drbd`` master (or ``drbddisk`` group) keeps it on the hosts.
    A colocation below INFINITY places nothing (a positive one is a preference,
    -INFINITY only keeps it apart from one resource), so it keeps every node.
    Location rules are read as Pacemaker's test_rule reads them (lib/pengine/rules.c:
    ``and`` unless ``boolean-op`` is ``or``, nested rules, ``#uname`` ``eq``/``ne``
    compared without regard to case): ``#uname ne xen1`` and ``#uname ne xen2``
    at -INFINITY keep it off xen3. A -INFINITY rule that also needs a date
    expression (it holds some of the time), another node attribute or a role is
    no ban, so the node is kept (a warning where the ban may not hold); in an
    opt-in cluster such a rule with a positive score may prefer the node.
    Each node's own drbd configuration decides (another node's when it has
    none); a resource with ``floating`` sections is not checked.

    Example: nodes xen1, xen2, xen3; ``resource r0 { on xen1 {...} on xen2
    {...} }``; ``<primitive type="Xen">`` with ``xmfile=/etc/xen/vm/web``,
    whose ``disk = [ "drbd:r0,xvda,w" ]``, and no constraint.

    Fix: ``<rsc_location rsc="web" node="xen3" score="-INFINITY"/>`` (or a
    colocation with the DRBD master), or, with DRBD 9, an ``on xen3``
    section (a diskless client if xen3 keeps no replica).
    """
    if not cluster.has("cib") or not any(True for _ in cluster.docs("drbd")):
        return
    from .cib.common import units
    from .cib.guests import _param_pair
    from .drbd.common import _on_hosts, hostnames_equal

    by_node = _drbd_hosts(cluster)
    domus = _domus(cluster)

    def definition(name: str, node: str) -> tuple[Loaded, DrbdResource] | None:
        """``name``'s (file, resource) as ``node`` reads it, else as another does."""
        own = by_node.get(node)
        if own is not None:
            return own.get(name)
        return next((d[name] for d in by_node.values() if name in d), None)

    def problem(name: str, node: str) -> tuple[str, list[Location]] | None:
        """Why ``node`` cannot open DRBD resource ``name`` (``None`` when it can)."""
        found = definition(name, node)
        if found is None:
            if node in by_node and any(name in d for d in by_node.values()):
                label = name[6:] if name.startswith("minor:") else name
                what = f"DRBD minor {label}" if name.startswith("minor:") else f"'{name}'"
                return f"{node}'s drbd configuration does not define {what}", []
            return None
        item, res = found
        if res.stacked or any(h.kind != "on" for h in res.host_list):
            return None
        on = list(_on_hosts(res))
        names = [n for h in on for n in h.names]
        if not names or any(hostnames_equal(n, node) for n in names):
            return None
        return (
            f"DRBD resource '{res.name}' has 'on' sections for {', '.join(names)} only"
            f" ({item.file.display})",
            [item.where(res.block)],
        )

    def hosts(name: str, node: str) -> str | None:
        found = problem(name, node)
        return found[0] if found else None

    by_name: dict[str, list[Loaded]] = defaultdict(list)
    for d in domus:
        by_name[d.file.path.name].append(d)
    facts: dict[int, _Constraints | None] = {}  # by CIB; None: a copy of one placed
    placed: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    for unit in units(cluster):
        for item, prim in unit.primitives():
            xmfile = prim.xmfile if prim.is_xen else None
            if not xmfile:
                continue
            copies = [
                d
                for d in by_name.get(Path(xmfile).name, [])
                if d.file.path.as_posix().endswith(xmfile)
            ]
            if not copies:
                continue
            cib = _cib(item)
            if id(cib) not in facts:
                text = cib.dumps()
                facts[id(cib)] = None if text in placed else _Constraints(cib)
                placed.add(text)
            here = facts[id(cib)]
            if here is None:
                continue  # every node's copy of one CIB: the first copy's findings
            nodes = [n.uname for n in cib.nodes if n.uname] or [n for n in cluster.nodes if n]
            for node in sorted(_placement(here, prim.el, nodes, hosts, frozenset())):
                domu = next((d for d in copies if d.node == node), copies[0])
                for key, disk in _drbd_keys(domu):
                    why = problem(key, node)
                    once = (prim.id or xmfile, node, key)  # the same CIB on every node
                    if why is None or once in seen:
                        continue
                    seen.add(once)
                    yield make(
                        "XN018",
                        f"the CIB may start Xen resource {_named(prim)} ({xmfile}) on {node},"
                        f" but its disk {disk_key(disk)} is not there: {why[0]}; drbdadm there"
                        " says it is not defined for this host, the start fails and the"
                        " CRM moves the guest to another node",
                        item.where(_param_pair(prim, "xmfile") or prim),
                        [_where(domu, "disk"), *why[1]],
                    )


def _named(prim: Primitive) -> str:
    """A primitive as messages name it: ``'web'``, or one without id (the CIB's schema
    rules report that) as such, not as ``'None'``."""
    return f"'{prim.id}'" if prim.id else "without id"


def _migrating(cluster: Cluster) -> list[tuple[Loaded, Primitive]]:
    out = []
    for item in cluster.docs("cib"):
        for prim in _cib(item).xen_primitives():
            if prim.allow_migrate:
                out.append((item, prim))
    return out


def _xend_where(item: Loaded, *names: str) -> Location:
    for n in names:
        s = _xend(item).setting(n)
        if s is not None:
            return item.where(s)
    return item.where()


def _peer_names(node: str, hosts: Loaded | None) -> list[str]:
    """What xend matches its hosts-allow regexes against when ``node`` connects:
    the source address and ``socket.getfqdn`` of it (tools/python/xen/web/
    connection.py ``hostAllowed``: ``h.match(fqdn) or h.match(addrport[0])``).
    getfqdn returns the first name with a dot of the address's hosts line, else its
    canonical name, so ``^xen2$`` does not admit a peer listed as ``10.0.0.2
    xen2.example.net xen2``. The addresses are those this node's /etc/hosts gives
    the peer's name and its ``NAME-...``/``NAME.`` names (the migration may come from
    any of them); without such a line (DNS decides) the peer's name stands for it."""
    if hosts is None:
        return [node]
    doc = _hosts(hosts)
    low = node.lower()
    out: list[str] = []
    for line in doc.lines:
        names = [n.lower() for n in line.names]
        if line.address is None or not any(
            n == low or n.startswith((low + "-", low + ".")) for n in names
        ):
            continue
        first = next((entry for entry in doc.lines if entry.address == line.address), line)
        fqdn = next((n for n in first.names if "." in n), first.canonical)
        out += [str(line.address), *([fqdn] if fqdn else [])]
    return list(dict.fromkeys(out)) or [node]


def _admits(patterns: list[str], candidates: list[str]) -> bool:
    """Whether xend admits a peer: it matches each regex (Python's ``re``) at the start
    of the peer's name or address. The patterns are the user's, so they run on a
    linear-time automaton (:func:`xencfg.regex.match_prefix`); ``re`` is used only
    for what no automaton runs (a backreference), on names of bounded length."""
    from ..regex import match_prefix

    usable = []
    for p in patterns:
        try:
            re.compile(p)
        except re.error:
            continue
        usable.append(p)
    if not usable:
        return True
    for p in usable:
        for c in candidates:
            hit = match_prefix(p, c)
            if hit is None:
                hit = re.match(p, c[:255]) is not None
            if hit:
                return True
    return False


@rule("XN007", "relocation-vs-migration", "error", scope="cluster", hazard=True)
def relocation_vs_migration(cluster: Cluster) -> Iterator[Finding]:
    """The CIB allows live migration of a Xen guest, but xend's relocation server is
    off, listens on different ports on the nodes, or its hosts-allow does not
    admit the other nodes (by name or /etc/hosts address).

    Why it matters: the CRM tries ``xm migrate --live``; it fails, and the guest
    is stopped and started instead (downtime), or the migration hangs.

    Example: ``allow_migrate=true`` on a Xen primitive, and xend-config.sxp
    without ``(xend-relocation-server yes)``.

    So is a relocation server that listens where the peers do not connect:
    ``xend-relocation-address`` is the one address xend binds (relocate.py
    ``listenRelocation`` hands it to the TCP listener; XendRoot.py in 3.0 and
    XendOptions.py from 3.1 to 4.4 default it to '', every address, and the server
    itself to 'no'). The Xen resource agent runs ``xm migrate --live DOMAIN NODE`` with
    the target's node name (unless the primitive sets ``node_ip_attribute``), which the
    migrating node resolves: a loopback address (``127.0.0.1``, ``localhost``) is
    reachable by no peer, another node's address (an xend-config.sxp copied from the
    peer) cannot be bound at all, and an address other than the one a peer's
    /etc/hosts gives the node's name is not where that peer connects ("Connection
    refused").

    A hosts-allow pattern with a repetition inside a repetition (``^(a+)+$``) is
    reported too: xend matches it with Python's backtracking ``re``, which can take
    minutes on a peer name that almost matches, and the migration hangs meanwhile.

    A node that runs xl only (no xend-config.sxp, but an xl.conf or Xen 4.5 or
    later in force) among nodes that run xend, as in a cluster half moved to xl,
    is reported too: ``xm migrate`` to it finds no relocation server (xend is gone
    there), and ``xl migrate`` from it runs ``xl migrate-receive`` over ssh on a
    node whose domains xend holds. The Xen resource agent uses whichever of the
    two the node has.

    Fix: ``(xend-relocation-server yes)``, the same ``xend-relocation-port`` on
    every node, ``xend-relocation-address`` '' or the address the peers' /etc/hosts
    give the node, and ``xend-relocation-hosts-allow`` naming the other nodes, each
    pattern without nested repetition (``^peer$``, ``^node[0-9]+$``); move every
    node to xl before allowing migration on a node that runs xl.
    """
    from ..regex import catastrophic

    migrating = _migrating(cluster)
    if not migrating:
        return
    cib_where = [item.where(prim) for item, prim in migrating]
    # a primitive without id (the schema rules report it) is still a guest to migrate
    prim_names = ", ".join(sorted({p.id or "a Xen primitive without id" for _, p in migrating}))
    xends: dict[str, Loaded] = {}
    for item in cluster.docs("xend"):
        if item.node is not None:
            xends.setdefault(item.node, item)
    ports: dict[int, list[str]] = defaultdict(list)
    for node, item in sorted(xends.items()):
        doc = _xend(item)
        if not (
            doc.effective("xend-relocation-server") or doc.effective("xend-relocation-ssl-server")
        ):
            yield make(
                "XN007",
                f"xend relocation server is off on {node} but the CIB allows live migration"
                f" of {prim_names}",
                _xend_where(item, "xend-relocation-server"),
                cib_where,
            )
            continue
        port = doc.effective("xend-relocation-port")
        if isinstance(port, int):
            ports[port].append(node)
        by_name = not all(p.param("node_ip_attribute") for _, p in migrating)
        yield from _unreachable_listener(cluster, node, item, xends, by_name, prim_names, cib_where)
        allow = doc.effective("xend-relocation-hosts-allow") or []
        for pattern in allow:
            if catastrophic(pattern):
                yield make(
                    "XN007",
                    f"xend-relocation-hosts-allow on {node}: '{pattern}' nests a repetition"
                    " inside a repetition; xend's backtracking regex engine can hang matching"
                    " a peer name against it",
                    _xend_where(item, "xend-relocation-hosts-allow"),
                    cib_where,
                )
        hosts = cluster.first("hosts", node)
        for other in sorted(set(xends) - {node}):
            candidates = _peer_names(other, hosts)
            if not _admits(allow, candidates):
                yield make(
                    "XN007",
                    f"xend-relocation-hosts-allow on {node} ({' '.join(allow)}) admits none of"
                    f" {', '.join(candidates)}: {other} cannot migrate {prim_names} here",
                    _xend_where(item, "xend-relocation-hosts-allow"),
                    cib_where,
                )
    yield from _xl_only_nodes(cluster, xends, prim_names, cib_where)
    if len(ports) > 1:
        common = Counter({p: len(n) for p, n in ports.items()}).most_common(1)[0][0]
        ref = ports[common][0]
        for port, nodes in sorted(ports.items()):
            if port == common:
                continue
            for node in nodes:
                yield make(
                    "XN007",
                    f"xend relocation port {port} on {node} but {common} on {ref}:"
                    " xm migrate uses one port",
                    _xend_where(xends[node], "xend-relocation-port"),
                    [_xend_where(xends[ref], "xend-relocation-port")],
                )


def _listen_address(cluster: Cluster, node: str, raw: str) -> IPAddress | None:
    """The address ``xend-relocation-address`` binds: an address as written, or a name
    the node's own /etc/hosts resolves (``localhost`` is the loopback address where no
    line names it); ``None`` for every address ('') or what is not known here."""
    import ipaddress

    text = raw.strip()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    hosts = cluster.first("hosts", node)
    found = _hosts(hosts).resolve(text) if hosts is not None else None
    if found is None and text.lower() in ("localhost", "localhost.localdomain"):
        return ipaddress.ip_address("127.0.0.1")
    return found


def _lower(names: list[str]) -> list[str]:
    return [n.lower() for n in names]


def _unreachable_listener(
    cluster: Cluster,
    node: str,
    item: Loaded,
    xends: dict[str, Loaded],
    by_name: bool,
    prim_names: str,
    cib_where: list[Location],
) -> Iterator[Finding]:
    """XN007 for a relocation server bound where no peer connects: a loopback
    address, or (the agent migrating to the node's name, ``by_name``) another address
    than the one a peer's /etc/hosts gives ``node``."""
    raw = _xend(item).effective("xend-relocation-address")
    where = _xend_where(item, "xend-relocation-address")
    bound = _listen_address(cluster, node, raw) if isinstance(raw, str) else None
    if bound is None or bound.is_unspecified:
        return
    if bound.is_loopback:
        yield make(
            "XN007",
            f"xend-relocation-address '{raw}' on {node} is a loopback address: no peer reaches"
            f" its relocation server, so live migration of {prim_names} to {node} fails",
            where,
            cib_where,
        )
        return
    model = cluster.model
    owners = sorted(n for n in xends if n != node and str(bound) in model.addresses_of(n))
    if owners and str(bound) not in model.addresses_of(node):
        # (an xend-config.sxp copied from the peer: the bind fails with "Cannot assign
        # requested address" and xend runs without its relocation server)
        yield make(
            "XN007",
            f"xend-relocation-address {bound} on {node} is {owners[0]}'s address (by the"
            f" cluster's /etc/hosts): xend cannot bind it here, so {node} runs no relocation"
            f" server and live migration of {prim_names} to {node} fails",
            where,
            cib_where,
        )
        return
    if not by_name:
        return
    low = node.lower()
    for other in sorted(set(xends) - {node}):
        hosts = cluster.first("hosts", other)
        if hosts is None:
            continue  # (DNS decides)
        line = next(
            (h for h in _hosts(hosts).lines if h.address is not None and low in _lower(h.names)),
            None,
        )
        if line is None or line.address == bound:
            continue  # (DNS decides, or the peer connects where xend listens)
        yield make(
            "XN007",
            f"xend relocation server on {node} listens on {bound} only, but {other}'s"
            f" /etc/hosts gives {node} as {line.address}: xm migrate --live from {other}"
            f" connects there and is refused, so {prim_names} cannot migrate to {node}",
            where,
            [hosts.where(line), *cib_where],
        )


def _xl_only_nodes(
    cluster: Cluster, xends: dict[str, Loaded], prim_names: str, cib_where: list[Location]
) -> Iterator[Finding]:
    """Nodes that run xl only (no xend-config.sxp; an xl.conf, or xl domU configs and
    Xen 4.5 or later in force) in a cluster whose other nodes run xend: live
    migration between the two kinds fails (xm migrate reaches no relocation server
    on an xl node; xl migrate runs ``xl migrate-receive`` over ssh, which a xend
    node does not answer)."""
    if not xends:
        return
    for node in sorted(set(cluster.nodes) - set(xends)):
        xl_conf = next((i for i in cluster.docs("xl", node) if i.file.path.name == "xl.conf"), None)
        # (a node with no xl file at all, a storage box say, runs no guests)
        if xl_conf is None and not (
            cluster.has("xl", node=node) and cluster.versions.of("xen", node).at_least(XEN_NO_XEND)
        ):
            continue
        others = ", ".join(sorted(xends))
        yield make(
            "XN007",
            f"{node} runs xl only (no xend-config.sxp) but {others} run xend, and the CIB"
            f" allows live migration of {prim_names}: xm migrate finds no relocation"
            f" server on {node}, and xl migrate no xl it may use on {others} (xend runs"
            " there); move every node to xl before allowing migration across them",
            xl_conf.where() if xl_conf is not None else cib_where[0],
            cib_where,
        )


@rule("XN008", "relocation-open", "warning", formats=("xend",), hazard=True)
def relocation_open(item: Loaded) -> Iterator[Finding]:
    """xend's relocation server is on, listens on every address and admits every
    host.

    Why it matters: relocation is unauthenticated: anyone who reaches the port
    (8002) can push a domain into dom0, i.e. run code as root on the host.

    Example: ``(xend-relocation-server yes)`` with
    ``(xend-relocation-hosts-allow '')`` and ``(xend-relocation-address '')``.

    Fix: ``(xend-relocation-hosts-allow '^peer$ ^peer-hb$')`` and
    ``(xend-relocation-address 'REPLICATION-LINK-IP')``.
    """
    if _xend(item).relocation_open_to_all:
        where = _xend_where(item, "xend-relocation-hosts-allow", "xend-relocation-server")
        server = _xend_where(item, "xend-relocation-server")
        yield make(
            "XN008",
            "xend relocation server admits any host on every address:"
            " anyone reaching the port can push a domain into dom0",
            where,
            [server] if server != where else [],
        )


@rule("XN009", "xend-duplicate-setting", "warning", formats=("xend",))
def xend_duplicate(item: Loaded) -> Iterator[Finding]:
    """A setting appears more than once in xend-config.sxp.

    Why it matters: xend silently uses the first one (XendOptions.get_config_value
    is sxp.child_value, which takes the first list of that name); whoever edits
    a later one changes nothing.

    Example: ``(xend-relocation-address '')`` on line 1 and line 4.

    Fix: keep one line per setting.
    """
    for name, found in _xend(item).duplicates().items():
        for s in found[1:]:
            yield make(
                "XN009",
                f"({name}) is set {len(found)} times; xend uses only the first one",
                item.where(s),
                [item.where(found[0])],
            )


@rule("XN017", "xend-value-cut", "warning", formats=("xend",), hazard=True)
def xend_value_cut(item: Loaded) -> Iterator[Finding]:
    """A one-value xend setting written as several words: xend reads the first word
    only and drops the rest without a message.

    Why it matters: xend's S-expression reader ends an unquoted word at a blank and
    at each of ``{}()<>[]!;`` (tools/python/xen/xend/sxp.py, ``Parser.is_separator``
    and ``state_atom``), and XendOptions.get_config_value reads a setting with
    ``sxp.child_value``, its first item. So ``(network-script network-bridge
    netdev=eth1)`` builds the bridge on the default NIC, ``(vif-script vif-bridge
    bridge=xenbr1)`` attaches every vif to the default bridge, and
    ``(xend-relocation-hosts-allow ^xen[12]$)`` admits ``^xen``: every host whose
    name starts with xen. Only the first occurrence of a setting counts (xend reads
    that one; XN009 reports repeats).

    Example: ``(network-script network-bridge netdev=eth1)``.

    Fix: quote the whole value: ``(network-script 'network-bridge netdev=eth1')``,
    ``(xend-relocation-hosts-allow '^xen[12]$ ^localhost$')``.
    """
    from ..formats.xen.xend import OPTIONS, Atom, quote

    doc = _xend(item)
    for name in dict.fromkeys(doc.names):
        if OPTIONS.get(name, ("raw", ""))[0] not in ("bool", "int", "regexes", "str"):
            continue
        s = doc.setting(name)
        values = s.values if s is not None else []
        atoms = [v for v in values if isinstance(v, Atom)]
        if len(values) < 2 or len(atoms) != len(values):
            continue
        first, last = atoms[0].tok, atoms[-1].tok
        if doc.source and first is not None and last is not None:
            meant = doc.source[first.pos : last.pos + len(last.text)]
        else:
            meant = " ".join(a.value for a in atoms)
        dropped = " ".join(repr(a.value) for a in atoms[1:])
        # the words as written, in quotes (their backslashes then become escapes)
        suggested = f"'{meant}'" if "'" not in meant else quote(meant)
        yield make(
            "XN017",
            f"({name} ...): xend reads only {atoms[0].value!r} and drops {dropped} (an"
            " unquoted word ends at a blank or at one of {}()<>[]!;); quote the value:"
            f" ({name} {suggested})",
            item.where(s),
        )


@rule("XN010", "vif-without-mac", "warning", formats=DOMU_FORMATS)
def vif_without_mac(item: Loaded) -> Iterator[Finding]:
    """A vif has no ``mac=``.

    Why it matters: Xen invents a random MAC at every start, so after each
    fail-over the guest's udev renames eth0 to eth1, DHCP leases and ARP
    caches are wrong.

    Example: ``vif = ['bridge=xenbr0']``.

    Fix: ``vif = ['mac=00:16:3e:XX:XX:XX,bridge=xenbr0']`` with a fixed MAC.
    """
    if not _is_domu(item):
        return
    for i, v in enumerate(_domu(item).vifs):
        if v.mac is None:
            yield make(
                "XN010",
                f"vif {i} ({v.raw.strip() or 'empty'}) of domU {_label(item)} has no mac=:"
                " a new random MAC on every start",
                _where(item, "vif"),
            )


@rule("XN011", "vif-bad-mac", "warning", formats=DOMU_FORMATS)
def vif_bad_mac(item: Loaded) -> Iterator[Finding]:
    """A vif MAC that is malformed, multicast, or a vendor's (globally
    administered) address outside Xen's 00:16:3e range.

    Why it matters: a multicast MAC is refused by the bridge; a vendor address
    may collide with real hardware on the LAN.

    Example: ``mac=a0:00:00:01:00:01``.

    Fix: ``00:16:3e:XX:XX:XX`` (or a locally administered ``02:...`` MAC).
    """
    if not _is_domu(item):
        return
    for i, v in enumerate(_domu(item).vifs):
        if v.mac is None or v.mac_kind in ("xen", "local"):
            continue
        why = {
            None: "is not a MAC address",
            "multicast": "is a multicast address (a NIC cannot use it)",
            "global": "is a vendor's address outside Xen's 00:16:3e range: it may collide",
        }[v.mac_kind]
        yield make(
            "XN011", f"vif {i} mac {v.mac} of domU {_label(item)} {why}", _where(item, "vif")
        )


@rule("XN012", "domu-incomplete", "warning", formats=DOMU_FORMATS)
def domu_incomplete(item: Loaded) -> Iterator[Finding]:
    """A domU config without a ``name``, or a PV guest with neither ``kernel`` nor
    ``bootloader``.

    Why it matters: xl refuses a config without a name and the cluster cannot
    tell guests apart; a PV guest without a kernel or bootloader does not boot.

    Example: a fragment with only ``root`` and ``extra``.

    Fix: add ``name = "..."`` and ``kernel`` (or ``bootloader = "pygrub"``).
    An xl-style config reports both as XC005 errors instead: xl refuses it. A CPU
    pool definition (``name``, ``sched``, ``cpus``: ``xm pool-create``,
    xlcpupool.cfg(5)) is no domU config.
    """
    if not _is_domu(item) or item.file.format == "xl":
        return
    doc = _domu(item)
    if _NOT_DOMU_NAME.search(item.file.path.name) or _cpupool(doc):
        return
    computed = set(doc.computed)
    missing = []
    if doc.name is None and "name" not in computed:
        missing.append("no name")
    if (
        not doc.is_hvm
        and not ({"kernel", "bootloader", "builder", "type"} & computed)
        and doc.kernel is None
        and doc.bootloader is None
    ):
        missing.append("neither kernel nor bootloader")
    if missing:
        yield make(
            "XN012",
            f"domU config {Path(item.file.display).name} has {' and '.join(missing)}",
            item.where(),
        )


@rule("XN013", "memory-above-maxmem", "warning", formats=DOMU_FORMATS)
def memory_above_maxmem(item: Loaded) -> Iterator[Finding]:
    """``memory`` is larger than ``maxmem``.

    Why it matters: the guest cannot balloon up to what it was given; xend
    raises maxmem silently, xl refuses the config.

    Example: ``memory = 1024`` with ``maxmem = 512``.

    Fix: ``maxmem`` >= ``memory``.
    """
    if not _is_domu(item):
        return
    doc = _domu(item)
    mem, top = doc.memory, doc.maxmem
    if isinstance(mem, int) and isinstance(top, int) and mem > top:
        yield make(
            "XN013",
            f"memory {mem} MiB is above maxmem {top} MiB",
            _where(item, "memory"),
            [_where(item, "maxmem")],
        )


def _xl_severity(item: Loaded, found: Finding) -> Finding | None:
    """An xl refusal as it stands in the release in force: an error where xl is the
    only toolstack (Xen 4.5 or later), a warning while xm may still read the file
    (release unknown, or before 4.5), nothing before Xen 4.1, which had no xl."""
    xen = item.versions.of("xen", item.node or "")
    if xen.older_than(XEN_XL):
        return None
    return found if xen.at_least(XEN_NO_XEND) else attrs.evolve(found, severity="warning")


@rule("XN015", "xl-syntax-refused", "error", formats=("xl",))
def xl_syntax_refused(item: Loaded) -> Iterator[Finding]:
    """Text in an xl-style domU config that xl's scanner refuses, though the file
    reads here (and xm, which ran Python, read it).

    Why it matters: ``xl create`` stops with "config parsing error near ...:
    lexical error" and the domU does not start. xl's scanner (libxlu_cfg_l.l)
    knows only blanks and tabs as space, names of lower-case letters, digits,
    ``_`` and ``.`` that start with a letter, numbers of digits, ``a``-``f`` and
    ``x``, and a comment up to a newline; its string reader (libxlu_cfg.c
    ``xlu__cfgl_dequote``) refuses unknown escapes and every ``\\x`` one. So a
    CRLF file, a byte-order mark, ``Memory = 512``, ``memory = 512.5``, a last
    line ``# end`` with no newline, or ``extra = "a\\qb"`` stop it. An error
    where xl is the only toolstack (Xen 4.5 or later in force), a warning while
    xm may still read the file, nothing before Xen 4.1.

    Example: a domU config saved with CRLF line ends, on Xen 4.17.

    Fix: ``dos2unix`` the file, write names in lower case, end the file with a
    newline, write numbers as integers.
    """
    from ..formats.xen.xl import lexical_error

    doc = _domu(item)
    if not _is_domu(item) or not doc.source:
        return
    found = lexical_error(doc.source)
    if found is not None:
        at, why = found
        out = _xl_severity(item, make("XN015", f"xl refuses the file: {why}", item.where(at)))
        if out is not None:
            yield out


@rule("XN014", "xl-disk-spec-refused", "error", formats=("xl",))
def xl_disk_spec_refused(item: Loaded) -> Iterator[Finding]:
    """A ``disk`` entry of an xl-style config that xl's disk parser refuses.

    Why it matters: ``xl create`` stops with "config parsing error in disk
    specification" and the domU does not start. xm read the same spec: xl has
    no ``w!`` access, reads ``/dev/vg/lv,xvda,w`` (no ``phy:``) as
    target,format,vdev (``xvda`` is no format), keeps a space after a
    parameter (``w `` is no access), and knows ``phy:``, ``file:``, ``tap:``,
    ``aio:``, ``drbd:``, ``iscsi:``, ``nbd:`` and format prefixes only
    (tools/libs/util/libxlu_disk_l.l, xl-disk-configuration(5)). An error where
    xl is the only toolstack (Xen 4.5 or later in force); a warning while xm
    may still read the file (release unknown, or before 4.5); nothing before
    Xen 4.1, which had no xl.

    Example: ``disk = [ 'phy:/dev/vg/web,xvda,w!' ]`` on Xen 4.17.

    Fix: write the spec xl reads: ``phy:/dev/vg/web,xvda,w``, or
    ``format=raw, vdev=xvda, access=rw, target=/dev/vg/web``.
    """
    from ..formats.xen.xl import disk_spec_error

    doc = _domu(item)
    if not _is_domu(item) or "disk" in doc.computed:
        return
    for spec in doc._list("disk"):
        why = disk_spec_error(spec)
        if why is None:
            continue
        found = make(
            "XN014",
            f"xl refuses disk '{spec}' of domU {_label(item)}: {why}",
            _where(item, "disk"),
        )
        out = _xl_severity(item, found)
        if out is not None:
            yield out


def _cpupool(doc: DomUDocument) -> bool:
    """A CPU pool definition: ``sched`` (no domU key of xm or xl), and nothing a domU
    needs (``xm pool-create`` and ``xl cpupool-create`` read these)."""
    keys = {a.key for a in doc.assignments()}
    return "sched" in keys and not keys & {"memory", "kernel", "disk", "vif", "bootloader"}


#: xl-syntax files that are no domU config: xl.conf and cpupool definitions.
_NOT_DOMU_NAME = re.compile(r"^xl\.conf$|cpupool", re.I)


@rule("XN016", "xl-domu-refused", "error", formats=("xl",))
def xl_domu_refused(item: Loaded) -> Iterator[Finding]:
    """An xl domU config that ``xl create`` refuses for its domain type or for having
    no settings at all, or on which it crashes, though it parses.

    Why it matters: the domU does not start. xl_parse.c reads ``type`` (Xen 4.10
    on) as a prefix of hvm, pv or pvh and ``builder`` as a prefix of hvm or generic,
    case-sensitively, so ``type = "HVM"`` and xm's ``builder = "linux"`` stop it
    with "Invalid domain type HVM."; a ``builder`` whose type differs from ``type``
    stops it with "Contradicting "builder" and "type" options specified."; a file
    with no settings (all comments) with "Domain name must be specified.". A
    ``bootloader_args`` string with no word in it (``""``) crashes xl (segmentation
    fault): xl_parse.c splits a string there (Xen 4.2 on, deprecated) with
    ``split_string_into_string_list``, which counts one word where ``strtok_r``
    finds none and ``strdup()``s NULL; xl reads the key of PV guests, and of every
    type in Xen 4.17. Checked with xl 4.17. An error where xl is the only toolstack
    (Xen 4.5 or later in force; for type and builder 4.10 or later), a warning
    while the release is unknown or xm may still read the file, nothing for type
    and builder before Xen 4.10 (xl then took any builder but hvm as PV and ignored
    ``type``), nothing for ``bootloader_args`` before 4.2 (xl took the string
    whole), nothing before Xen 4.1. xl.conf and cpupool files are no domU configs.

    Example: ``type = "HVM"``; ``builder = "hvm"`` with ``type = "pv"``;
    ``bootloader_args = ""``.

    Fix: write ``type = "hvm"`` (or pv, pvh) in lower case and remove ``builder``;
    give the config at least a ``name``; remove an empty ``bootloader_args`` or
    write the arguments as a list (``bootloader_args = [ "-q" ]``).
    """
    doc = _xl(item)
    if item.file.format != "xl" or _TEMPLATE.match(item.file.path.name):
        return
    if _NOT_DOMU_NAME.search(item.file.path.name):
        return
    found: list[Finding] = []
    if not doc.assignments():
        found.append(
            make(
                "XN016",
                "no settings at all: xl refuses the config ('Domain name must be specified.')",
                item.where(None),
            )
        )
    elif not item.versions.of("xen", item.node or "").older_than(XEN_TYPE):
        for p in doc.domain_type_problems():
            found.append(make("XN016", p.message, item.where(p.node)))
    xen = item.versions.of("xen", item.node or "")
    if doc.assignments() and not xen.older_than(XEN_BOOTLOADER_SPLIT):
        crash = doc.bootloader_args_problem(xen.at_least(XEN_BOOTLOADER_ANY_TYPE))
        if crash is not None:
            found.append(make("XN016", crash.message, item.where(crash.node)))
    for f in found:
        out = _xl_severity(item, f)
        if out is not None:
            yield out
