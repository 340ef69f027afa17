"""DRBD rules across nodes and resources: addresses, minors and devices used twice on
a host, host names the other files do not know, addresses that are not the host's.
A resource's copies agreeing between the nodes (DR009, DR010) is :mod:`.copies`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import attrs

from ...cluster import (
    Cluster,
    Loaded,
    NodeInfo,
    captured_addresses,
    floating_addresses,
    hosts_index,
    memberships,
    moved_addresses,
)
from ...discover import BootName
from ...findings import Finding, Location
from ...formats.drbd import Host, Resource
from ...formats.lines.hosts import IPAddress, parse_address
from ...versions import DRBD_9
from .. import make, rule
from ..documents import hacf_doc as _hacf
from ..documents import ocfs2_doc as _ocfs2
from .common import (
    _Claim,
    _conflicts_of,
    _connection_addresses,
    _effective,
    _node_configs,
    _on_hosts,
    _resources,
    hostnames_equal,
    short,
)
from .floating import two_sections_here

#: Where a file gives a host an address: the file and its line (a Location is made only
#: for a finding: hosts files run long)
_Said = tuple[Loaded, object]


@rule("DR001", "address-reused", "error", scope="cluster")
def address_reused(cluster: Cluster) -> Iterator[Finding]:
    """One ``ip:port`` is the replication address of two host sections on a node.

    Why it matters: drbdadm refuses the configuration ("conflicting use of
    address ..."); if the two resources live in different files (drbd.d/*.res)
    it is easy to miss, and the second resource never connects.

    Example: ``address 10.0.0.1:7788;`` in r0.res and again in r1.res.

    DRBD 9's ``connection`` sections give addresses too (``host n1 address
    10.1.1.1:7000;``): one of another resource's addresses there is refused by
    drbdadm 9 ("ipv4:10.1.1.1:7000 is also used ... (resource r0)"), while one
    resource may use its own address in several connections. drbdadm 9 compares
    the addresses connection paths use only, so the address of a resource of one
    host section (no connection) is not reported on DRBD 9.

    Fix: give every resource its own port (7788, 7789, ...).
    """
    yield from _conflicts(cluster, "address", "DR001")
    for items in _node_configs(cluster).values():
        owners: dict[str, _Claim] = {}
        later: list[tuple[str, _Claim]] = []
        for item, res in _resources(cluster, items):
            for h in res.host_list:
                a = h.address
                if a is not None and a.port is not None and not _loopback(a.ip):
                    where = h.block.entry("address") or h.block
                    owners.setdefault(a.host_port, _Claim(item, where, res.name))
            for hosts in _connection_addresses(res).values():
                for claims in hosts.values():
                    for addr, where in claims:
                        later.append((addr, _Claim(item, where, res.name)))
        for addr, claim in later:
            if addr.split(":", 1)[0].startswith("127."):
                continue
            first = owners.setdefault(addr, claim)
            if first.resource != claim.resource:
                yield claim.clash(
                    "DR001",
                    f"address {addr} of resource '{claim.resource}' (a connection's host "
                    f"address) is already used by '{first.resource}'; drbdadm 9 refuses the "
                    "file (is also used)",
                    first,
                )


def _loopback(ip: str) -> bool:
    """A loopback address (a DRBD proxy's): each machine has its own."""
    return ip.startswith("127.") or ip == "::1"


@rule("DR002", "minor-reused", "error", scope="cluster")
def minor_reused(cluster: Cluster) -> Iterator[Finding]:
    """One device minor is used twice on a host, in one file or across files.

    Why it matters: ``/dev/drbdN`` can belong to one resource only; drbdadm
    refuses the configuration ("conflicting use of device-minor ...").

    A ``floating ADDR:PORT`` section belongs to the machine that holds ADDR (the
    ``on`` host with that address, else whichever machine has it). drbdadm does
    not compare the minors of floating sections (8.4 and 9 accept two resources
    with ``floating 10.0.0.1:7788``/``:7789`` on ``/dev/drbd0``), but the machine
    at 10.0.0.1 cannot have both: bringing up the second fails (DRBD 8.4 and 9:
    "Minor or volume exists already"; 8.3: "Device is attached to a disk").

    Example: ``device /dev/drbd0;`` in two resources that share a host.

    Fix: give each resource its own minor.
    """
    yield from _conflicts(cluster, "device-minor", "DR002")
    for items in _node_configs(cluster).values():
        owner = _ip_owners(cluster, items)
        seen: dict[tuple[str, int], _Claim] = {}
        for item, res in _resources(cluster, items):
            for h in res.host_list:
                if h.kind not in ("on", "floating"):
                    continue
                floating = h.kind == "floating"
                for vol in _effective(cluster, res, h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is None or dev.minor is None:
                        continue
                    at = h.block.entry("device") or res.block.entry("device") or h.node
                    claim = _Claim(item, at, res.name, floating)
                    for machine, words in _machines(h, owner):
                        first = seen.setdefault((machine, dev.minor), claim)
                        # (two ``on`` sections: drbdadm's own conflict, reported above)
                        if first.resource != res.name and (floating or first.floating):
                            yield claim.clash(
                                "DR002",
                                f"minor {dev.minor} of resource '{res.name}' on {words} is "
                                f"already used by '{first.resource}'",
                                first,
                            )


def _ip_owners(cluster: Cluster, items: list[Loaded]) -> dict[str, str]:
    """IP -> the ``on`` host (short name) whose address it is, in one node's files;
    once per run and node (DR002 and DR003 both ask)."""
    memo: dict[int, dict[str, str]] = cluster.fact("drbd:ip-owners", dict)
    if id(items) in memo:
        return memo[id(items)]
    out = memo[id(items)] = {}
    for _, res in _resources(cluster, items):
        for h in _on_hosts(res):
            names = h.names
            a = h.address if len(names) == 1 else None
            if a is not None and a.ip:
                out.setdefault(a.ip, short(names[0]))
    return out


def _machines(h: Host, owner: dict[str, str]) -> list[tuple[str, str]]:
    """``(key, words)`` of the machines a host section stands for: its names, or for
    ``floating`` the ``on`` host holding its address, else ``@IP`` (whichever machine
    holds it)."""
    if h.kind != "floating":
        return [(short(n), f"host '{n}'") for n in h.names]
    ip = h.address.ip if h.address is not None else " ".join(h.block.args)
    if ip in owner:
        return [(owner[ip], f"host '{owner[ip]}' (floating {ip})")]
    return [("@" + ip, f"the machine at {ip} (floating)")]


def _owners_of(cluster: Cluster, items: list[Loaded]) -> dict[int, str]:
    """Resource name by id of the statements drbdadm points at in a conflict."""
    out: dict[int, str] = {}
    for _, res in _resources(cluster, items):
        views: list[Any] = [res, *res.volumes.values()]
        for h in res.host_list:
            out[id(h.node)] = res.name  # (``floating ADDR;``: a host without a body)
            views += [h, *h.volumes.values()]
        for v in views:
            for node in (v.block, v.block.entry("device"), v.block.entry("address")):
                if node is not None:
                    out[id(node)] = res.name
    return out


def _conflicts(cluster: Cluster, kind: str, code: str) -> Iterator[Finding]:
    for node, items in _node_configs(cluster).items():
        owner = {id(i.doc): i for i in items}
        found = [c for c in _conflicts_of(cluster, items) if c.kind == kind]
        names = _owners_of(cluster, items) if found else {}
        unused = set()
        if kind == "address" and found and not cluster.versions.of("drbd", node).older_than(DRBD_9):
            # drbdadm 9 compares the addresses of connection paths only
            # (check_addr_conflict, user/v9/drbdadm_postparse.c): a resource of one host
            # section (``on a b c {}`` included) has no connection, its address is
            # never used (peer-drbdadm --mode 9 accepts a copy of it; 8.x refuses)
            unused = {
                r.name
                for _, r in _resources(cluster, items)
                if len(r.host_list) == 1 and not r.connections and not r.connection_mesh
            }
        for c in found:
            here = owner[id(c.document)]
            first = owner[id(c.first_document)]
            a, b = names.get(id(c.node), "?"), names.get(id(c.first), "?")
            if a in unused or b in unused:
                continue
            if kind == "address":
                msg = f"address {c.key.rsplit('/', 1)[-1]} of resource '{a}' is already used"
            else:
                host, minor = c.key.rsplit(":", 1)
                msg = f"minor {minor} of resource '{a}' on host '{host}' is already used"
            yield make(code, f"{msg} by '{b}'", here.where(c.node), [first.where(c.first)])


@rule("DR003", "device-reused", "error", scope="cluster")
def device_reused(cluster: Cluster) -> Iterator[Finding]:
    """A device path, backing disk or external meta-disk index is used twice on a host
    (``/dev/drbdN`` paths are DR002's minors).

    Why it matters: two resources writing one backing disk (or one
    metadata slot) destroy each other's data; drbdadm does not always notice
    when the resources are in different files. drbdadm 9 also refuses two volumes
    of one host that take ``disk none`` from the resource's ``volume`` sections
    ("conflicting use of disk 'disk:alpha:none'").

    Example: ``disk /dev/sdb1;`` under ``on alpha`` in r0 and in r1.

    Fix: give every resource its own backing disk and meta-disk index.
    """
    for node, items in _node_configs(cluster).items():
        owner = _ip_owners(cluster, items)
        drbd9 = cluster.versions.of("drbd", node).at_least(DRBD_9)
        seen: dict[tuple[str, str, str], _Claim] = {}
        for item, res in _resources(cluster, items):
            for h in res.host_list:
                if h.kind not in ("on", "floating"):
                    continue
                eff = _effective(cluster, res, h.name)
                if drbd9 and h.kind == "on":
                    yield from _inherited_none(item, res, h, eff.volumes)
                for vol in eff.volumes.values():
                    claims = []
                    dev = vol.get("device")
                    if dev is not None and dev.path and not dev.path.endswith(f"drbd{dev.minor}"):
                        claims.append(("device", dev.path))  # /dev/drbdN: DR002's minor
                    if vol.get("disk") and vol["disk"] != "none":
                        claims.append(("disk", vol["disk"]))
                    meta = vol.get("meta_disk")
                    if meta is not None and not meta.internal and meta.device:
                        idx = "" if meta.index is None else f"[{meta.index}]"
                        claims.append(("meta-disk", meta.device + idx))
                    for kind, value in claims:
                        at = h.block.entry(kind) or res.block.entry(kind) or h.node
                        claim = _Claim(item, at, res.name)
                        for machine, words in _machines(h, owner):
                            first = seen.setdefault((kind, machine, value), claim)
                            # (one resource giving a floating address twice: DR001's)
                            if first.at is not at and not (
                                h.floating and first.resource == res.name
                            ):
                                yield claim.clash(
                                    "DR003",
                                    f"{kind} '{value}' of {words} is used by "
                                    f"resource '{res.name}' and by '{first.resource}'",
                                    first,
                                )


def _inherited_none(item: Loaded, res: Resource, host: Host, volumes: Any) -> Iterator[Finding]:
    """DRBD 9: two volumes of one host that take ``disk none`` from the resource's
    ``volume`` sections. drbdadm 9 checks each disk a host inherits for uniqueness,
    ``none`` too: "conflicting use of disk 'disk:alpha:none'" (check_uniq_file_line
    "disk:%s:%s" in user/v9/drbdadm_postparse.c:617, peer-drbdadm --mode 9); written
    in the host's own volume sections it is not checked."""
    first: Any = None
    for number in sorted(volumes):
        own = host.volumes.get(number)
        if own is not None and own.block.entry("disk") is not None:
            continue
        shared = res.volumes.get(number)
        at = shared.block.entry("disk") if shared is not None else None
        if at is None or at.values != ["none"]:
            continue
        if first is None:
            first = at
            continue
        yield make(
            "DR003",
            f"disk 'none' of host '{host.name}' comes from two volume sections of resource"
            f" '{res.name}'; drbdadm 9 refuses the file (conflicting use of disk "
            f"'disk:{host.name}:none'); write 'disk none;' in the host's own volume sections",
            item.where(at),
            [item.where(first)],
        )


@attrs.frozen
class _NameList:
    """Node names one non-DRBD file declares, where, and how it spells them."""

    source: str
    names: tuple[str, ...]
    where: Location
    node: str | None = None
    note: str = ""


def _name_lists(cluster: Cluster) -> list[_NameList]:
    """ha.cf, CIB and cluster.conf node lists; an ha.cf that only has the misspelt
    ``nodes`` directive counts with a note (its author meant those names)."""
    out = [
        _NameList(m.source, m.names, m.where(m.names[0]), m.item.node)
        for m in memberships(cluster)
        if m.source != "drbd"
    ]
    declared = {id(m.item) for m in memberships(cluster)}
    for item in cluster.docs("hacf"):
        if id(item) in declared:
            continue
        for e in _hacf(item).entries("nodes"):
            if e.values:
                note = " (written 'nodes', which heartbeat ignores)"
                out.append(_NameList("ha.cf", tuple(e.values), item.where(e), item.node, note))
    return out


def _may_host_drbd(info: NodeInfo | None) -> bool:
    return info is None or not info.storage_only or "drbd" in info.roles


@rule("DR005", "unknown-host", "warning", scope="cluster")
def unknown_host(cluster: Cluster) -> Iterator[Finding]:
    """An ``on`` section names a host that the cluster's node lists do not have.

    Why it matters: drbdadm picks the section whose name equals ``uname -n``,
    the same name heartbeat, OCFS2 and the CIB use. A section named
    differently (``on xen1`` while ha.cf says ``node xen-1``) means one of the
    two is not the machine's name: either drbdadm refuses the resource, or
    heartbeat does not know the node that runs it.

    The ``on`` names are compared with every node list ha.cf, the CIB and
    cluster.conf (OCFS2, cman) declare, without domain and case; with none,
    with the node names of the run when there are at least two (leaving out a
    box that exports iSCSI targets and runs no DRBD). A target box whose own
    files name no cluster (its sosreport: sos copies no /etc/ha.d) is not
    compared with the other nodes' lists. The ``on`` host of a stacked resource
    (``stacked-on-top-of``) is the off-site disaster-recovery node, "a standalone
    server" outside the pair's cluster (DRBD 8.4 user's guide): not compared. Nor is,
    on a node, a resource of another pair that its copy of a shared drbd.conf carries
    (two or more hosts, all nodes of the run or its lists, none this node: a geo
    site's drbd.conf holds both sites' lower resources, and drbdadm passes the other
    site's by, "ignored, not stacked"), nor the other site's lower resource of a
    stacked resource that also stacks on one of this node (with the other site's
    trees left out of the run); the nodes it names judge it against their own
    cluster's lists.

    Fix: use the node's ``uname -n`` everywhere.
    """
    lists = _name_lists(cluster)
    known = _known_names(cluster)
    if not lists:
        # the roots that may be DRBD hosts: not a target box with no DRBD of its own
        model = cluster.model
        run = tuple(n for n in cluster.nodes if n and _may_host_drbd(model.node(n)))
        if len(run) < 2:
            return
        lists = [_NameList("the linted nodes", run, Location("", 0, 0))]
    for node, items in _node_configs(cluster).items():
        own = [x for x in lists if x.node == (node or None)]
        info = cluster.model.node(node) if node else None
        if not own and info is not None and info.storage_only:
            # a target box whose own files name no cluster (a sosreport: sos copies no
            # /etc/ha.d): the dom0s' lists say nothing of the pair it replicates with
            continue
        own = own or lists
        pairs = _resources(cluster, items)
        theirs = _other_site([r for _, r in pairs], node) if node else set()
        for item, res in pairs:
            if res.stacked:
                continue  # its ``on`` host is the off-site node, outside the cluster
            names = [n for h in _on_hosts(res) for n in h.names]
            if res.name in theirs or (node and _another_pairs(names, node, known)):
                continue  # judged on the nodes it names, against their own lists
            for h in _on_hosts(res):
                for name in h.names:
                    missing = [x for x in own if short(name) not in {short(n) for n in x.names}]
                    if not missing:
                        continue
                    x = missing[0]
                    yield make(
                        "DR005",
                        f"resource '{res.name}': host '{name}' is not a node in {x.source} "
                        f"({', '.join(x.names)}){x.note}",
                        item.where(h.block),
                        [m.where for m in missing if m.where.path],
                    )


@rule("DR006", "node-without-section", "error", scope="cluster")
def node_without_section(cluster: Cluster) -> Iterator[Finding]:
    """A node's drbd configuration has a resource with no ``on`` section for that node.

    Why it matters: drbdadm on that node says the resource is "not defined
    for this host" and cannot bring it up; the resource is never redundant.
    Checked when the run has several nodes (node names come from
    etc/hostname, SUSE's etc/HOSTNAME, HOSTNAME= of RHEL's etc/sysconfig/network,
    ``--node`` or the folder name). drbdadm 9 matches an ``on`` name with
    ``uname -n`` in any case and without the domain when either lacks one;
    drbdadm 8.3 and 8.4 compare the two exactly (strcmp), so where the files
    show DRBD before 9.0 and the node's boot files give its ``uname -n``
    (etc/hostname or HOSTNAME= of etc/sysconfig/network as written, an FQDN
    too; SUSE's boot scripts set the short name of etc/HOSTNAME), ``on BETA``
    or ``on beta.example.net`` is not node beta.

    A resource with a ``floating ADDR`` host (a section or ``floating ADDR;``)
    is judged by address: drbdadm picks a floating section by an address
    configured on the machine, not by ``uname -n`` (drbd.conf(5): "floating ...
    matched by IP address instead of host name"), so a node named in no ``on``
    section but holding the address runs the resource. It is reported only
    where the node's ``ip addr`` was captured, holds none of the floating
    addresses, and no cluster manager moves one of them there (haresources or
    CIB IPaddr/IPaddr2: the LINBIT user's guide's floating peers bind "virtual
    cluster IP addresses", absent from the passive node by design).

    The other way round, a node whose captured ``ip addr`` holds two of a resource's
    floating addresses (or one while an ``on`` section names it) has two host sections
    for itself: drbdadm 8.3, 8.4 and 9 refuse the whole file there ("There are multiple
    host sections for this node", rc 10; drbd-utils 9.22 in a network namespace holding
    both addresses). An address a cluster manager moves is not counted.

    A node whose configuration merely carries a resource of two or more other
    cluster nodes (one drbd.conf copied to every node of a three-dom0
    cluster) is not reported: drbdadm there accepts the file (peer-drbdadm
    --mode 84 on the third node: OK) and refuses only to bring that resource
    up on it, which harms only a guest started there (XN018). Nor is, in a geo
    cluster's drbd.conf, the other site's lower resource of a stacked resource that
    also stacks on one of this node's (``stacked-on-top-of web-pra`` and
    ``stacked-on-top-of web-brn``): drbdadm needs it defined and passes it by here
    ("ignored, not stacked"), whether or not that site's trees are linted.

    Example: nodes alpha and beta, ``resource r0 { on alpha {...} on gamma {...} }``;
    or, with DRBD 8.4 and etc/hostname ``beta``, ``on BETA {...}``; or, on RHEL 5
    with ``HOSTNAME=beta.example.net`` in etc/sysconfig/network, ``on beta {...}``.

    Fix: add an ``on NODE`` section with the node's device, disk and address,
    or write the name as ``uname -n`` prints it.
    """
    configs = _node_configs(cluster)
    if len([n for n in cluster.nodes if n]) < 2:
        return
    known = _known_names(cluster)
    for node, items in configs.items():
        if not node:
            continue
        boot = _uname(cluster, node)
        uname = boot.name if boot is not None else None
        exact = uname is not None and cluster.versions.of("drbd", node).older_than(DRBD_9)
        pairs = _resources(cluster, items)
        theirs = _other_site([r for _, r in pairs], uname or node)
        for item, res in pairs:
            if res.stacked or res.name in theirs:
                continue  # stacked: not named per node; another geo site's lower resource
            hosts = list(_on_hosts(res))
            names = [n for h in hosts for n in h.names]
            mine = any(n == uname if exact else hostnames_equal(n, uname or node) for n in names)
            floating = floating_addresses(res)
            twice = two_sections_here(cluster, node, floating, mine)
            if twice:
                yield make("DR006", f"resource '{res.name}': {twice}", item.where(res.block))
                continue
            if mine:
                continue
            if floating:
                gone = _floating_never_here(cluster, node, floating, names, known)
                if gone:
                    yield make("DR006", f"resource '{res.name}' {gone}", item.where(res.block))
                continue
            if not hosts:
                continue
            if _another_pairs(names, uname or node, known):
                continue  # another pair's resource in a copied drbd.conf: not this node's
            near = [n for n in names if hostnames_equal(n, uname or node)]
            why = (
                f"; DRBD before 9.0 compares 'on' names with uname -n '{uname}' exactly"
                f" ({boot.file}), so '{near[0]}' is not this node"
                if near and boot is not None
                else ""
            )
            yield make(
                "DR006",
                f"resource '{res.name}' has no 'on {uname if exact else node}' section "
                f"(it names {', '.join(names)}){why}",
                item.where(res.block),
                [item.where(h.block) for h in hosts],
            )


def _known_names(cluster: Cluster) -> set[str]:
    """The short names of the run's nodes and of every node list its files declare."""
    known = {short(n) for n in cluster.nodes if n}
    return known | {short(n) for x in _name_lists(cluster) for n in x.names}


def _another_pairs(names: list[str], node: str, known: set[str]) -> bool:
    """Whether a resource whose ``on`` hosts are ``names`` is another pair's, carried in
    ``node``'s copy of a shared drbd.conf: two hosts or more, every one a known node,
    none this one. drbdadm on ``node`` passes it by (peer-drbdadm --mode 84 --node brn1
    on a geo site's drbd.conf: "# resource web-pra on brn1: ignored, not stacked")."""
    return len(names) >= 2 and all(
        short(n) in known and not hostnames_equal(n, node) for n in names
    )


def _other_site(resources: list[Resource], node: str) -> set[str]:
    """The resources a geo cluster's shared drbd.conf holds for another site: each a
    ``stacked-on-top-of`` lower resource of a stacked resource that also stacks on one
    with an ``on`` section for ``node``. drbdadm needs them defined (the upper
    resource's other side) and passes them by on this node (peer-drbdadm --mode 84
    --node brn1: "# resource web-pra on brn1: ignored, not stacked")."""
    mine = {
        r.name
        for r in resources
        if any(hostnames_equal(n, node) for h in _on_hosts(r) for n in h.names)
    }
    out: set[str] = set()
    for r in resources:
        lowers = {h.name for h in r.host_list if h.kind == "stacked-on-top-of"}
        if lowers & mine:
            out |= lowers - mine
    return out


def _floating_never_here(
    cluster: Cluster, node: str, floating: set[str], names: list[str], known: set[str]
) -> str | None:
    """Why ``node``, named in no ``on`` section, can never take a ``floating`` host of
    the resource, or None when it may: its captured ``ip addr`` holds none of the
    addresses and no cluster manager moves one of them (a floating peer's address is
    a virtual cluster address, on whichever node the cluster manager puts it); not
    where every host is another node's (a copied drbd.conf, as for ``on`` hosts)."""
    captured = captured_addresses(cluster)
    here = captured.get(node)
    if here is None or floating & here:
        return None
    if any(ip in moved_addresses(cluster) for ip in floating):
        return None
    others = {ip for other, ips in captured.items() if other != node for ip in ips}
    for name, info in cluster.model.nodes.items():
        if name != short(node):
            others |= {ip for ip in info.addresses}
    theirs = floating <= others and all(short(n) in known for n in names)
    if theirs and len(floating) + len(names) >= 2:
        return None
    return (
        f"has no 'on {node}' section and {node} holds none of its floating addresses "
        f"({', '.join(sorted(floating))}; its ip addr was captured), which no cluster "
        "manager moves: drbdadm ignores the resource there"
    )


def _uname(cluster: Cluster, node: str) -> BootName | None:
    """The node's ``uname -n`` as its boot files set it (etc/hostname as written, the
    short name of SUSE's etc/HOSTNAME, HOSTNAME= of RHEL's etc/sysconfig/network;
    discovery reads them); ``None`` when no file says (the node's name then comes from
    a folder or ``--node``)."""
    tree = cluster.tree(node)
    return tree.uname if tree is not None else None


def _owners(name: str) -> str:
    """The host a name stands for: ``alpha-drbd.example`` and ``alpha_hb`` are alpha's."""
    return short(name).split("-", 1)[0].split("_", 1)[0]


@rule("DR007", "address-not-of-host", "warning", scope="cluster")
def address_not_of_host(cluster: Cluster) -> Iterator[Finding]:
    """An ``on HOST`` section's address is another host's per /etc/hosts.

    Why it matters: the replication link then runs to the wrong machine,
    or both sections claim one machine; drbdadm cannot tell, it only binds
    the address it is given. Checked only for addresses the node's
    /etc/hosts names after another host of the resource or cluster
    (``alpha-drbd`` counts as alpha's).

    Example: ``on alpha { address 10.0.0.2:7788; }`` with
    ``10.0.0.2 beta`` in /etc/hosts.

    Fix: write the host's own address (or correct /etc/hosts).
    """
    nodes = {short(n) for n in cluster.nodes if n}
    for x in _name_lists(cluster):
        nodes |= {short(n) for n in x.names}
    for node, items in _node_configs(cluster).items():
        hosts = cluster.first("hosts", node or None)
        if hosts is None:
            continue
        index = hosts_index(hosts)
        for item, res in _resources(cluster, items):
            others_all = {short(n) for h in _on_hosts(res) for n in h.names}
            for h in _on_hosts(res):
                addr = h.address
                ip = parse_address(addr.ip) if addr is not None and addr.ip else None
                lines = index.at(ip) if ip is not None else None
                if not lines:
                    continue
                line, owners = lines[0], {_owners(n) for x in lines for n in x.values}
                mine = {short(n) for n in h.names}
                others = (others_all | nodes) - mine
                if owners & mine or not owners & others:
                    continue
                yield make(
                    "DR007",
                    f"resource '{res.name}': address {ip} of host '{h.name}' "
                    f"is {', '.join(line.names)} in /etc/hosts",
                    item.where(h.block.entry("address") or h.block),
                    [hosts.where(line)],
                )


# -- addresses against the host's other files --------------------------------------------


def _belongs(name: str, host: str) -> bool:
    """Whether a hosts-file ``name`` names ``host`` (a short name): itself, its FQDN, or
    a per-network alias such as ``xen1-drbd`` / ``xen1_hb``."""
    s = short(name)
    return s == host or s.startswith((host + "-", host + "_"))


def _known_addresses(
    cluster: Cluster, hosts: set[str], ips: set[IPAddress]
) -> dict[str, dict[str, _Said]]:
    """Short host name -> the addresses other files give that host, with where: all of
    them for ``hosts``, and for the other hosts whether they are given one of ``ips``
    (of a hosts file, which runs long, only the lines that may say either are read).

    From every /etc/hosts (the lines naming the host), OCFS2's ``ip_address``
    of the host's ``node:`` stanza, and ha.cf ``ucast`` lines: in a heartbeat
    cluster a ucast address that every member's ha.cf but one lists is that
    member's (heartbeat ignores a ucast to its own address, so a copied ha.cf
    lists every member and tells nothing), see :func:`_ucast_groups`."""
    known: dict[str, dict[str, _Said]] = defaultdict(dict)
    for item in cluster.docs("hosts"):
        for line, address in hosts_index(item).select(hosts, ips):
            ip = str(address)
            for name in line.values:
                for host in {short(name), short(name).split("-")[0].split("_")[0]}:
                    if _belongs(name, host):
                        known[host].setdefault(ip, (item, line))
    for item in cluster.docs("ocfs2"):
        for n in _ocfs2(item).nodes:
            if n.name and n.ip_address is not None:
                known[short(n.name)].setdefault(str(n.ip_address), (item, n))
    ucasts: dict[str, dict[str, _Said]] = {}
    for item in cluster.docs("hacf"):
        if item.node is None:
            continue
        for m in _hacf(item).comm_paths:
            if m.kind in ("ucast", "ucast6") and m.host is not None:
                ucasts.setdefault(short(item.node), {}).setdefault(str(m.host), (item, m.node))
    for lists in _ucast_groups(cluster, ucasts):
        for ip in sorted({ip for listed in lists.values() for ip in listed}):
            lacking = [n for n, listed in lists.items() if ip not in listed]
            if len(lacking) == 1:
                where = next(listed[ip] for listed in lists.values() if ip in listed)
                known[lacking[0]].setdefault(ip, where)
    return known


def _ucast_groups(
    cluster: Cluster, ucasts: dict[str, dict[str, _Said]]
) -> list[dict[str, dict[str, _Said]]]:
    """The ucast lists of each heartbeat cluster's members (two or more lists). A ucast
    address every member but one lists is that one's: it does not list its own. So in
    a pair, an address one ha.cf lists and the other does not; in three dom0s that each
    list their two peers, the address the other two list. Clusters apart (a storage
    pair's heartbeat beside the dom0s') are apart here too; without node lists, the
    two ha.cf of a run of two."""
    groups = [
        {n: ucasts[n] for n in sorted(c.members) if n in ucasts}
        for c in cluster.model.heartbeat_clusters
    ]
    groups = [g for g in groups if len(g) >= 2]
    if not groups and len(ucasts) == 2:
        groups = [ucasts]
    return groups


def _network(ip: str) -> Any:
    """The /24 (IPv4) or /64 (IPv6) around ``ip``: "the same network" for DR014;
    ``None`` for what is no address (an ha.cf ``ucast eth0 -0.0.0.2`` is read as written,
    and ipaddress raised ValueError: a crash of the rule)."""
    import ipaddress

    try:
        return ipaddress.ip_network(f"{ip}/{24 if ':' not in ip else 64}", strict=False)
    except ValueError:
        return None


def _misplaced(ip: str, mine: dict[str, _Said], peers: list[str], owners: list[str]) -> bool:
    """Whether evidence says ``ip`` is not the host's: another host owns it, the host has
    another address in its network, or the peers replicate over a network where the
    host has a known address (so its own end belongs there too). A separate
    replication network no file mentions is not judged."""
    if owners:
        return True
    nets = {n for k in mine if (n := _network(k)) is not None}
    return any(_network(a) in nets for a in (ip, *peers))


@rule("DR014", "address-not-the-hosts", "warning", scope="cluster")
def address_not_the_hosts(cluster: Cluster) -> Iterator[Finding]:
    """A host section's ``address`` is not the host's, by the addresses other files give it.

    Why it matters: drbdadm brings a resource up only on a host that owns the
    ``address`` of its own ``on`` section; otherwise it stops with "in
    resource R, on xen1: IP 10.0.0.1 not found on this host." (drbdadm 8.3,
    exit 10; see ../shared/oracle/peers/README.md), and the peer's section
    with a wrong address never connects. An address that /etc/hosts, ha.cf's
    ucast lines or OCFS2's ``ip_address`` give another host, or that differs
    from the host's known address in the same network (or from its known
    address on the network the peers replicate over), is usually a
    copy-paste slip or a renumbered network.

    It is a warning, not an error: lint reads files, not the interfaces. It
    is checked only for hosts other files give addresses, and a separate
    replication network that no other file mentions is not judged.

    Example: ``on xen1 { address 10.0.0.2:7788; }`` where /etc/hosts says
    ``10.0.0.1 xen1-drbd`` and ``10.0.0.2 xen2-drbd``.

    Fix: put the host's own replication address in its ``on`` section (or
    add the address to /etc/hosts under the host's name).
    """
    sections: list[tuple[Loaded, Resource, list[tuple[Host, IPAddress]]]] = []
    for items in _node_configs(cluster).values():
        for item, res in _resources(cluster, items):
            found = []
            for host in _on_hosts(res):
                addr = host.address
                parsed = parse_address(addr.ip) if addr is not None else None
                if parsed is not None:
                    found.append((host, parsed))
            sections.append((item, res, found))
    # (the hosts and addresses asked about, so that a long hosts file is not read whole)
    names = {short(n) for _, _, found in sections for host, _ in found for n in host.names}
    known = _known_addresses(cluster, names, {ip for _, _, found in sections for _, ip in found})
    for item, res, found in sections:
        ends = [(host, str(ip)) for host, ip in found]
        for host, ip in ends:
            peers = [p for h, p in ends if h is not host]
            for name in host.names:
                mine = known.get(short(name))
                if not mine or ip in mine:
                    continue
                owners = sorted(h for h, ips in known.items() if ip in ips)
                if not _misplaced(ip, mine, peers, owners):
                    continue
                whose = f"; it is {owners[0]}'s" if owners else ""
                said, anchor = next(iter(mine.values()))
                yield make(
                    "DR014",
                    f"resource {res.name}: address {ip} of host {name} is none of the "
                    f"addresses the other files give {name} ({', '.join(sorted(mine))})"
                    f"{whose}",
                    item.where(host.block.entry("address") or host.block),
                    [said.where(anchor)],
                )
