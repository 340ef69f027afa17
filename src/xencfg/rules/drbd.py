"""DRBD rules: per host conflicts across every file of a node, dual-primary
safety, host names, addresses, and drbd.conf agreeing between nodes."""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, cast

import attrs

from ..cluster import Cluster, Loaded, NodeInfo, memberships
from ..findings import Finding, Location
from ..formats.drbd import DrbdDocument, Effective, Host, Resource
from ..formats.lines.hosts import parse_address
from ..formats.schema import Version
from ..syntax.blocks import Block, Entry
from ..syntax.terminals import TERMINALS
from . import make, rule
from .drbd_conflicts import find_conflicts

if TYPE_CHECKING:  # (imported for the types only: a rule module loads no format)
    from ..formats.lines.hacf import HacfDocument
    from ..formats.lines.hostname import HostnameDocument
    from ..formats.lines.hosts import HostsDocument
    from ..formats.lines.ocfs2 import Ocfs2Document


def _drbd(item: Loaded) -> DrbdDocument:
    """The document of a drbd.conf item."""
    return cast(DrbdDocument, item.doc)


def _hacf(item: Loaded) -> HacfDocument:
    """The document of an ha.cf item."""
    return cast("HacfDocument", item.doc)


def _hosts(item: Loaded) -> HostsDocument:
    """The document of an /etc/hosts item."""
    return cast("HostsDocument", item.doc)


def _ocfs2(item: Loaded) -> Ocfs2Document:
    """The document of an ocfs2 cluster.conf item."""
    return cast("Ocfs2Document", item.doc)


def short(name: str) -> str:
    """How drbdadm matches an ``on`` name against ``uname -n``: no domain, any case."""
    return name.split(".", 1)[0].lower()


def _node_configs(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Each node's drbd files (the logical configuration: drbd.conf plus drbd.d/*),
    leaving out ``drbdsetup show`` dumps. Computed once per run (``cluster.fact``).

    Where the node has an /etc/drbd.conf, only the files it reaches through its
    ``include`` statements count: drbdadm reads /etc/drbd.conf and what it includes,
    never a drbd.d/ file nothing includes (a commented-out ``#include
    "drbd.d/global_common.conf";``, an old.conf left beside the .res files). Such a
    file's resources conflict with nothing and its ``common`` is not the node's."""

    def compute() -> dict[str, list[Loaded]]:
        out: dict[str, list[Loaded]] = {}
        for node, items in cluster.by_node("drbd").items():
            keep = _included([i for i in items if not _drbd(i).is_drbdsetup_show])
            if keep:
                out[node] = keep
        return out

    return cluster.fact("drbd:configs", compute)


def _parts(path: str) -> list[str]:
    return [p for p in os.path.normpath(path).split(os.sep) if p]


def _matches(path: list[str], pattern: list[str]) -> bool:
    """``path`` matches the glob ``pattern`` component by component (glob(3): ``*``
    stays within one component)."""
    return len(path) == len(pattern) and all(map(fnmatchcase, path, pattern))


def _included(items: list[Loaded]) -> list[Loaded]:
    """``items`` less the files a node's /etc/drbd.conf does not reach by ``include``
    (all of them when there is no /etc/drbd.conf: a drbd.d/ linted alone)."""
    paths = {id(i): _parts(os.path.abspath(i.file.path)) for i in items}
    # the node's /etc/drbd.conf: not one in drbd.d/ (an etckeeper tree's etc has any name)
    tops = [
        i for i in items if paths[id(i)][-1] == "drbd.conf" and paths[id(i)][-2:-1] != ["drbd.d"]
    ]
    if len(tops) != 1:
        return items
    etc = paths[id(tops[0])][:-1]
    reached, todo = {id(tops[0])}, [tops[0]]
    while todo:
        including = todo.pop()
        here = paths[id(including)][:-1]
        for pattern in _drbd(including).includes:
            if pattern.startswith("/"):
                # the node's /etc/... is this tree's etc/; the tree's root is etc's parent
                full = _parts(pattern)
                want = [etc + full[1:]] if full[:1] == ["etc"] else []
                want.append(etc[:-1] + full)
            else:
                want = [_parts(os.path.join(os.sep, *here, pattern))]
            for i in items:
                if id(i) not in reached and any(_matches(paths[id(i)], w) for w in want):
                    reached.add(id(i))
                    todo.append(i)
    return [i for i in items if id(i) in reached]


def _resources(cluster: Cluster, items: list[Loaded]) -> list[tuple[Loaded, Resource]]:
    """Every resource of one node's configuration, with ``common`` from whichever file
    has it; once per run and node, shared by every DRBD rule."""
    memo: dict[int, list[tuple[Loaded, Resource]]] = cluster.fact("drbd:resources", dict)
    key = id(items)  # the lists of _node_configs live as long as the run
    if key not in memo:
        common = None
        for i in items:
            common = _drbd(i).common_block or common
        memo[key] = [(i, res) for i in items for res in _drbd(i).resource_list(common)]
    return memo[key]


def _effective(cluster: Cluster, res: Resource, host: str) -> Effective:
    """``res.effective(host)``, computed once per run for the rules that follow."""
    memo: dict[tuple[int, str], tuple[Resource, Effective]] = cluster.fact("drbd:effective", dict)
    hit = memo.get((id(res), host))
    if hit is None or hit[0] is not res:
        hit = memo[(id(res), host)] = (res, res.effective(host))
    return hit[1]


def _on_hosts(res: Resource) -> Iterator[Host]:
    for h in res.host_list:
        if h.kind == "on":
            yield h


@rule("DR001", "address-reused", "error", scope="cluster")
def address_reused(cluster: Cluster) -> Iterator[Finding]:
    """One ``ip:port`` is the replication address of two host sections on a node.

    Why it matters: drbdadm refuses the configuration ("conflicting use of
    address ..."); if the two resources live in different files (drbd.d/*.res)
    it is easy to miss, and the second resource never connects.

    Example: ``address 10.0.0.1:7788;`` in r0.res and again in r1.res.

    Fix: give every resource its own port (7788, 7789, ...).
    """
    yield from _conflicts(cluster, "address", "DR001")


@rule("DR002", "minor-reused", "error", scope="cluster")
def minor_reused(cluster: Cluster) -> Iterator[Finding]:
    """One device minor is used twice on a host, in one file or across files.

    Why it matters: ``/dev/drbdN`` can belong to one resource only; drbdadm
    refuses the configuration ("conflicting use of device-minor ...").

    Example: ``device /dev/drbd0;`` in two resources that share a host.

    Fix: give each resource its own minor.
    """
    yield from _conflicts(cluster, "device-minor", "DR002")


def _owners_of(cluster: Cluster, items: list[Loaded]) -> dict[int, str]:
    """Resource name by id of the statements drbdadm points at in a conflict."""
    out: dict[int, str] = {}
    for _, res in _resources(cluster, items):
        views: list[Any] = [res, *res.volumes.values()]
        for h in res.host_list:
            views += [h, *h.volumes.values()]
        for v in views:
            for node in (v.block, v.block.entry("device"), v.block.entry("address")):
                if node is not None:
                    out[id(node)] = res.name
    return out


def _conflicts(cluster: Cluster, kind: str, code: str) -> Iterator[Finding]:
    for items in _node_configs(cluster).values():
        owner = {id(i.doc): i for i in items}
        docs = [_drbd(i) for i in items]
        memo: dict[int, Any] = cluster.fact("drbd:conflicts", dict)
        if id(items) not in memo:
            memo[id(items)] = find_conflicts(docs)
        found = [c for c in memo[id(items)] if c.kind == kind]
        names = _owners_of(cluster, items) if found else {}
        for c in found:
            here = owner[id(c.document)]
            first = owner[id(c.first_document)]
            a, b = names.get(id(c.node), "?"), names.get(id(c.first), "?")
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
    when the resources are in different files.

    Example: ``disk /dev/sdb1;`` under ``on alpha`` in r0 and in r1.

    Fix: give every resource its own backing disk and meta-disk index.
    """
    for items in _node_configs(cluster).values():
        seen: dict[tuple[str, str, str], tuple[Loaded, Any, str]] = {}
        for item, res in _resources(cluster, items):
            for h in _on_hosts(res):
                eff = _effective(cluster, res, h.name)
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
                        at = h.block.entry(kind) or res.block.entry(kind) or h.block
                        for name in h.names:
                            key = (kind, short(name), value)
                            first = seen.setdefault(key, (item, at, res.name))
                            if first[1] is not at:
                                yield make(
                                    "DR003",
                                    f"{kind} '{value}' of host '{name}' is used by "
                                    f"resource '{res.name}' and by '{first[2]}'",
                                    item.where(at),
                                    [first[0].where(first[1])],
                                )


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("yes", "true"))


@rule("DR004", "two-primaries-without-protocol-c", "error", scope="cluster", hazard=True)
def two_primaries_protocol(cluster: Cluster) -> Iterator[Finding]:
    """``allow-two-primaries`` with a replication protocol other than C.

    Why it matters: with protocol A or B a write is acknowledged before it
    reached the peer's disk; with both nodes writing (live migration, a
    cluster filesystem) the disks diverge. DRBD refuses dual-primary mode
    without protocol C.

    Example: ``protocol B;`` in ``common`` and ``net { allow-two-primaries; }``
    in a resource.

    Fix: ``protocol C;`` for every resource that allows two primaries.
    """
    for item, res, eff in _dual_primary(cluster):
        proto = (eff.protocol or "C").upper()
        if proto != "C":
            yield make(
                "DR004",
                f"resource '{res.name}' allows two primaries with protocol {proto}",
                item.where(res.block),
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
    box that exports iSCSI targets and runs no DRBD).

    Fix: use the node's ``uname -n`` everywhere.
    """
    lists = _name_lists(cluster)
    if not lists:
        # the roots that may be DRBD hosts: not a target box with no DRBD of its own
        model = cluster.model
        run = tuple(n for n in cluster.nodes if n and _may_host_drbd(model.node(n)))
        if len(run) < 2:
            return
        lists = [_NameList("the linted nodes", run, Location("", 0, 0))]
    for node, items in _node_configs(cluster).items():
        own = [x for x in lists if x.node == (node or None)] or lists
        for item, res in _resources(cluster, items):
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
    etc/hostname, ``--node`` or the folder name). drbdadm 9 matches an ``on``
    name with ``uname -n`` in any case and without the domain when either
    lacks one; drbdadm 8.3 and 8.4 compare the two exactly (strcmp), so where
    the files show DRBD before 9.0 and the node's etc/hostname gives its
    ``uname -n``, ``on BETA`` or ``on beta.example.net`` is not node beta.

    Example: nodes alpha and beta, ``resource r0 { on alpha {...} on gamma {...} }``;
    or, with DRBD 8.4 and etc/hostname ``beta``, ``on BETA {...}``.

    Fix: add an ``on NODE`` section with the node's device, disk and address,
    or write the name as ``uname -n`` prints it.
    """
    configs = _node_configs(cluster)
    if len([n for n in cluster.nodes if n]) < 2:
        return
    for node, items in configs.items():
        if not node:
            continue
        uname = _uname(cluster, node)
        exact = uname is not None and cluster.versions.of("drbd", node).older_than(_V9)
        for item, res in _resources(cluster, items):
            if res.stacked or any(h.kind != "on" for h in res.host_list):
                continue  # floating / stacked: not named per node
            hosts = list(_on_hosts(res))
            names = [n for h in hosts for n in h.names]
            if not hosts or any(
                n == uname if exact else hostnames_equal(n, uname or node) for n in names
            ):
                continue
            near = [n for n in names if hostnames_equal(n, uname or node)]
            why = (
                f"; DRBD before 9.0 compares 'on' names with uname -n '{uname}' exactly"
                f" (etc/hostname), so '{near[0]}' is not this node"
                if near
                else ""
            )
            yield make(
                "DR006",
                f"resource '{res.name}' has no 'on {uname if exact else node}' section "
                f"(it names {', '.join(names)}){why}",
                item.where(res.block),
                [item.where(h.block) for h in hosts],
            )


def _uname(cluster: Cluster, node: str) -> str | None:
    """The node's ``uname -n`` as its etc/hostname writes it (``None`` when no
    etc/hostname says; the node's name then comes from a folder or ``--node``)."""
    for item in cluster.docs("hostname", node):
        name = cast("HostnameDocument", item.doc).name
        if name:
            return name
    return None


def _connection_hosts_of(path: Block) -> list[Any]:
    """The endpoints of a path: ``host`` statements (or ``host ... { via proxy }``
    sections), and ``address``/``_this_host``/``_remote_host`` ones (drbdsetup show;
    parse_hname_address_pair in user/v9/drbdadm_parser.c takes all four)."""
    ends = ("host", "address", "_this_host", "_remote_host")
    return [c for c in path.children if getattr(c, "key", None) in ends]


def hostnames_equal(a: str, b: str) -> bool:
    """How drbdadm 9 matches an ``on`` name with ``uname -n`` (hostnames_equal in
    user/v9/drbdadm_parser.c): two names with a domain compare whole, otherwise the
    host parts do; in any case. (drbdadm 8.3 and 8.4 compare with strcmp instead:
    name_in_names in user/v84/drbdadm_parser.c.)"""
    if "." in a and "." in b:
        return a.lower() == b.lower()
    return short(a) == short(b)


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
        by_address: dict[str, tuple[Any, set[str]]] = {}
        for line in _hosts(hosts).lines:
            if line.address is not None:
                _, owners = by_address.setdefault(str(line.address), (line, set()))
                owners.update(_owners(n) for n in line.names)
        for item, res in _resources(cluster, items):
            others_all = {short(n) for h in _on_hosts(res) for n in h.names}
            for h in _on_hosts(res):
                addr = h.address
                ip = parse_address(addr.ip) if addr is not None and addr.ip else None
                if ip is None or str(ip) not in by_address:
                    continue
                line, owners = by_address[str(ip)]
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


@rule("DR008", "nbsp-whitespace", "error", formats=("drbd",))
def nbsp_whitespace(item: Loaded) -> Iterator[Finding]:
    """A no-break space (U+00A0) used as white space.

    Why it matters: text pasted from a web page often carries U+00A0 where
    a space or an empty line was. drbdadm's scanner does not take it as
    white space and refuses the file, though it looks right in an editor.

    Fix: replace it with a plain space (``sed -i 's/\\xc2\\xa0/ /g'``).
    """
    doc = _drbd(item)
    lines: dict[int, int] = {}
    for off in doc.nbsp_offsets():
        line = item.where(off).line
        lines[line] = lines.get(line, 0) + 1
    for line in sorted(lines):
        loc = item.where(0)
        yield make(
            "DR008",
            f"U+00A0 (no-break space) used as white space ({lines[line]}x); drbdadm refuses it",
            Location(loc.path, line, 1),
        )


def _host_shape(cluster: Cluster, res: Resource) -> dict[str, tuple[Any, ...]]:
    """Per ``on`` host (short name): device, disk, meta-disk of every volume."""
    out: dict[str, tuple[Any, ...]] = {}
    for h in _on_hosts(res):
        eff = _effective(cluster, res, h.name)
        vols = tuple(
            (
                n,
                repr(v.get("device")),
                v.get("disk"),
                repr(v.get("meta_disk")),
            )
            for n, v in sorted(eff.volumes.items())
        )
        for name in h.names:
            out[short(name)] = (vols, h)
    return out


def _per_node_resources(cluster: Cluster) -> list[tuple[str, dict[str, tuple[Loaded, Resource]]]]:
    """Each resource's copies by node, by resource name. Copies of one name whose nodes
    are in separate clusters (a target pair's ``r0`` and the dom0s' ``r0``: neither
    names the other's nodes) are separate resources and come as separate entries."""
    by_res: dict[str, dict[str, tuple[Loaded, Resource]]] = defaultdict(dict)
    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        for item, res in _resources(cluster, items):
            by_res[res.name].setdefault(node, (item, res))
    return [(name, group) for name in sorted(by_res) for group in _connected(by_res[name])]


def _connected(
    copies: dict[str, tuple[Loaded, Resource]],
) -> list[dict[str, tuple[Loaded, Resource]]]:
    """Copies grouped so that two are together when one's node is a host of the other
    (or they share a host)."""
    keys = {
        node: {short(n) for h in _on_hosts(res) for n in h.names} | {short(node)}
        for node, (_, res) in copies.items()
    }
    groups: list[tuple[set[str], dict[str, tuple[Loaded, Resource]]]] = []
    for node in sorted(copies):
        mine, members = set(keys[node]), {node: copies[node]}
        for g in [g for g in groups if g[0] & mine]:
            groups.remove(g)
            mine |= g[0]
            members = {**g[1], **members}
        groups.append((mine, members))
    return [dict(sorted(m.items())) for _, m in groups]


@rule("DR009", "resource-differs-between-nodes", "error", scope="cluster")
def resource_differs(cluster: Cluster) -> Iterator[Finding]:
    """A resource's hosts, devices, disks or protocol differ between the nodes' drbd.conf,
    or a node a resource names does not define it at all.

    Why it matters: DRBD expects the same drbd.conf on every node. Each node
    acts on its own copy, so a difference shows only when the peers refuse
    to connect, or when a failover finds a device that is not what the
    other node replicated.

    Example: ``device /dev/drbd0`` for ``on beta`` in alpha's copy,
    ``/dev/drbd1`` in beta's.

    Fix: copy one drbd.conf (and drbd.d/) to every node.
    """
    configs = _node_configs(cluster)
    for name, per_node in _per_node_resources(cluster):
        nodes = sorted(per_node)
        first_item, first_res = per_node[nodes[0]]
        named = {short(n) for h in _on_hosts(first_res) for n in h.names}
        for node in sorted(configs):
            if node and node not in per_node and short(node) in named:
                yield make(
                    "DR009",
                    f"resource '{name}' names {node}, whose drbd configuration does not "
                    f"define it (defined on {', '.join(nodes)})",
                    configs[node][0].where(),
                    [first_item.where(first_res.block)],
                )
        if len(nodes) < 2:
            continue
        a = _host_shape(cluster, first_res)
        for node in nodes[1:]:
            item, res = per_node[node]
            b = _host_shape(cluster, res)
            diffs: list[str] = []
            if set(a) != set(b):
                diffs.append(f"hosts {sorted(b)} vs {sorted(a)}")
            for host in sorted(set(a) & set(b)):
                if a[host][0] != b[host][0]:
                    diffs.append(f"volumes of '{host}'")
            pa, pb = first_res.protocol or "C", res.protocol or "C"
            if pa != pb:
                diffs.append(f"protocol {pb} vs {pa}")
            if diffs:
                yield make(
                    "DR009",
                    f"resource '{name}' differs on {node} from {nodes[0]}: " + "; ".join(diffs),
                    item.where(res.block),
                    [first_item.where(first_res.block)],
                )


@rule("DR010", "peer-address-mismatch", "error", scope="cluster")
def peer_address_mismatch(cluster: Cluster) -> Iterator[Finding]:
    """Node A's copy gives node B's ``on`` section another address than B's own copy.

    Why it matters: A connects to the address it has for B, while B listens
    on the one in its own file: the resource stays in WFConnection and is
    never replicated, with no error in either configuration.

    Example: alpha's drbd.conf has ``on beta { address 10.0.0.2:7788; }``,
    beta's has ``on beta { address 10.0.0.2:7789; }``.

    Fix: keep drbd.conf identical on every node.
    """
    for name, per_node in _per_node_resources(cluster):
        own: dict[str, tuple[str, Loaded, Host]] = {}
        for node, (item, res) in per_node.items():
            for h in _on_hosts(res):
                if any(short(n) == short(node) for n in h.names) and h.address is not None:
                    own[short(node)] = (h.address.host_port, item, h)
        for node, (item, res) in sorted(per_node.items()):
            for h in _on_hosts(res):
                for n in h.names:
                    peer = short(n)
                    if peer == short(node) or peer not in own or h.address is None:
                        continue
                    theirs, their_item, their_host = own[peer]
                    if h.address.host_port != theirs:
                        yield make(
                            "DR010",
                            f"resource '{name}': {node} has {h.address.host_port} for '{n}', "
                            f"which uses {theirs} itself",
                            item.where(h.block.entry("address") or h.block),
                            [their_item.where(their_host.block.entry("address"))],
                        )


def _settled(cluster: Cluster) -> Iterator[tuple[Loaded, Resource, Effective]]:
    """Every resource with an ``on`` host, and its settings as its first host sees them."""
    for items in _node_configs(cluster).values():
        for item, res in _resources(cluster, items):
            hosts = list(_on_hosts(res))
            if hosts:
                yield item, res, _effective(cluster, res, hosts[0].name)


def _dual_primary(cluster: Cluster) -> Iterator[tuple[Loaded, Resource, Effective]]:
    """Resources whose effective ``net`` section allows two primaries."""
    for item, res, eff in _settled(cluster):
        if _flag(eff.sections.get("net", {}).get("allow-two-primaries")):
            yield item, res, eff


@rule("DR011", "dual-primary-without-fencing", "warning", scope="cluster", hazard=True)
def dual_primary_without_fencing(cluster: Cluster) -> Iterator[Finding]:
    """``allow-two-primaries`` without ``fencing resource-and-stonith``.

    Why it matters: when the replication link fails, both primaries keep
    writing and the data splits; only fencing (with a fence-peer handler and
    STONITH) stops one side before it writes. DRBD's guide requires it for
    dual-primary mode.

    Example: ``net { allow-two-primaries; }`` and no ``fencing`` in ``disk``
    (8.3/8.4) or ``net`` (9).

    Fix: ``disk { fencing resource-and-stonith; }`` with a ``fence-peer``
    handler, and STONITH in the cluster manager.
    """
    for item, res, eff in _dual_primary(cluster):
        fencing = eff.sections.get("disk", {}).get("fencing") or eff.sections.get("net", {}).get(
            "fencing"
        )
        if fencing != "resource-and-stonith":
            yield make(
                "DR011",
                f"resource '{res.name}' allows two primaries with fencing "
                f"{fencing or 'dont-care (default)'}",
                item.where(res.block),
            )


@rule("DR012", "dual-primary-discards-data", "warning", scope="cluster", hazard=True)
def dual_primary_discards(cluster: Cluster) -> Iterator[Finding]:
    """A split-brain policy that throws away a primary's writes while two primaries are allowed.

    Why it matters: with two primaries both sides have written after a split
    brain. ``after-sb-2pri violently-as0p`` (or ``discard-secondary`` for
    one primary) lets DRBD resync over one side's data without asking; with
    a cluster filesystem or a running domU that is silent data loss.

    Example: ``net { allow-two-primaries; after-sb-2pri violently-as0p; }``.

    Fix: ``after-sb-2pri disconnect;`` and resolve split brain by hand.
    """
    for item, res, eff in _dual_primary(cluster):
        net = eff.sections.get("net", {})
        for key, bad in (("after-sb-2pri", "violently-as0p"), ("after-sb-1pri", "violently-as0p")):
            if net.get(key) == bad:
                yield make(
                    "DR012",
                    f"resource '{res.name}' allows two primaries with {key} {bad}",
                    item.where(res.block),
                )


@rule("DR013", "become-primary-on-both", "error", scope="cluster", hazard=True)
def become_primary_on_both(cluster: Cluster) -> Iterator[Finding]:
    """``become-primary-on both`` without ``allow-two-primaries`` or without protocol C.

    Why it matters: the init script promotes both nodes at boot; without
    ``allow-two-primaries`` the second promotion fails, and with protocol
    A or B dual-primary writes are not safe (see DR004).

    Fix: add ``net { allow-two-primaries; }`` and ``protocol C;``, or
    promote one node only.
    """
    for item, res, eff in _settled(cluster):
        if eff.sections.get("startup", {}).get("become-primary-on") != "both":
            continue
        why = []
        if not _flag(eff.sections.get("net", {}).get("allow-two-primaries")):
            why.append("no allow-two-primaries")
        if (eff.protocol or "C").upper() != "C":
            why.append(f"protocol {eff.protocol}")
        if why:
            yield make(
                "DR013",
                f"resource '{res.name}' becomes primary on both nodes with " + ", ".join(why),
                item.where(res.block),
            )


# -- addresses against the host's other files --------------------------------------------


def _belongs(name: str, host: str) -> bool:
    """Whether a hosts-file ``name`` names ``host`` (a short name): itself, its FQDN, or
    a per-network alias such as ``xen1-drbd`` / ``xen1_hb``."""
    s = short(name)
    return s == host or s.startswith((host + "-", host + "_"))


def _known_addresses(cluster: Cluster) -> dict[str, dict[str, Location]]:
    """Short host name -> the addresses other files give that host, with where.

    From every /etc/hosts (the lines naming the host), OCFS2's ``ip_address``
    of the host's ``node:`` stanza, and ha.cf ``ucast`` lines: in a two-member
    heartbeat cluster a ucast address that only one member's ha.cf lists is
    the *other* member's (heartbeat ignores a ucast to its own address, so a
    copied ha.cf lists both and tells nothing)."""
    known: dict[str, dict[str, Location]] = defaultdict(dict)
    for item in cluster.docs("hosts"):
        for line in _hosts(item).lines:
            if line.address is None:
                continue
            for name in line.names:
                for host in {short(name), short(name).split("-")[0].split("_")[0]}:
                    if _belongs(name, host):
                        known[host].setdefault(str(line.address), item.where(line))
    for item in cluster.docs("ocfs2"):
        for n in _ocfs2(item).nodes:
            if n.name and n.ip_address is not None:
                known[short(n.name)].setdefault(str(n.ip_address), item.where(n))
    ucasts: dict[str, dict[str, Location]] = {}
    for item in cluster.docs("hacf"):
        if item.node is None:
            continue
        for m in _hacf(item).comm_paths:
            if m.kind in ("ucast", "ucast6") and m.host is not None:
                ucasts.setdefault(short(item.node), {}).setdefault(str(m.host), item.where(m.node))
    if len(ucasts) == 2:
        (a, at_a), (b, at_b) = ucasts.items()
        for peer, theirs, mine in ((b, at_a, at_b), (a, at_b, at_a)):
            for ip, where in theirs.items():
                if ip not in mine:
                    known[peer].setdefault(ip, where)
    return known


def _network(ip: str) -> Any:
    """The /24 (IPv4) or /64 (IPv6) around ``ip``: "the same network" for DR014."""
    import ipaddress

    return ipaddress.ip_network(f"{ip}/{24 if ':' not in ip else 64}", strict=False)


def _misplaced(ip: str, mine: dict[str, Location], peers: list[str], owners: list[str]) -> bool:
    """Whether evidence says ``ip`` is not the host's: another host owns it, the host has
    another address in its network, or the peers replicate over a network where the
    host has a known address (so its own end belongs there too). A separate
    replication network no file mentions is not judged."""
    if owners:
        return True
    nets = {_network(k) for k in mine}
    if _network(ip) in nets:
        return True
    return any(_network(p) in nets for p in peers)


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
    known = _known_addresses(cluster)
    if not known:
        return
    for items in _node_configs(cluster).values():
        for item, res in _resources(cluster, items):
            ends = []
            for host in _on_hosts(res):
                addr = host.address
                parsed = parse_address(addr.ip) if addr is not None else None
                if parsed is not None:
                    ends.append((host, str(parsed)))
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
                    yield make(
                        "DR014",
                        f"resource {res.name}: address {ip} of host {name} is none of the "
                        f"addresses the other files give {name} ({', '.join(sorted(mine))})"
                        f"{whose}",
                        item.where(host.block.entry("address") or host.block),
                        [next(iter(mine.values()))],
                    )


#: The statements a host section may hold once (drbdadm's parse_host_section:
#: ``check_uniq("disk statement", "%s:%s:disk", ...)`` and its kin, in 8.3, 8.4 and 9;
#: ``meta-disk`` and ``flexible-meta-disk`` share one key).
_ONCE_PER_HOST = {
    "device": "device",
    "disk": "disk",
    "address": "address",
    "meta-disk": "meta-disk",
    "flexible-meta-disk": "meta-disk",
    "node-id": "node-id",  # (DRBD 9: "conflicting use of node-id statement")
}


@rule("DR015", "host-statement-repeated", "error", formats=("drbd",))
def host_statement_repeated(item: Loaded) -> Iterator[Finding]:
    """An ``on HOST`` section gives its ``device``, ``disk``, ``address``, meta-disk or
    ``node-id`` twice.

    Why it matters: drbdadm (8.3, 8.4 and 9) refuses the whole file with
    ``conflicting use of disk statement 'r0:beta:disk'``, so no resource of it
    can be brought up or adjusted; a doubled line is the usual trace of a
    copy and paste. (A resource-level ``disk`` or ``meta-disk``, or one in a
    ``volume``, given twice is not refused: the later one wins. A second
    resource-level ``device`` or ``protocol``, section or ``on`` section for
    one host is: see DR018.)

    A ``volume`` inside an ``on`` section that gives the same ``device`` minor
    twice is refused too ("conflicting use of device-minor").

    Example: ``on beta { disk /dev/sda1; disk /dev/sda2; ... }``.

    Fix: keep the one line the host needs.
    """
    doc = _drbd(item)
    for res in doc.resource_list():
        for host in res.host_list:
            if host.kind not in ("on", "stacked-on-top-of"):
                continue
            first: dict[str, Any] = {}
            for entry in host.block.entries():
                key = _ONCE_PER_HOST.get(entry.key)
                if key is None:
                    continue
                if key not in first:
                    first[key] = entry
                    continue
                yield make(
                    "DR015",
                    f"resource {res.name}: host section '{host.name}' gives '{key}' "
                    "again; drbdadm refuses the file (conflicting use of "
                    f"{key} statement)",
                    item.where(entry),
                    [item.where(first[key])],
                )
            if host.kind == "on":
                yield from _volume_minor_repeated(item, res, host)


def _volume_minor_repeated(item: Loaded, res: Resource, host: Host) -> Iterator[Finding]:
    """A ``volume`` of an ``on`` section giving its ``device`` minor twice: drbdadm
    8.4 and 9 claim the host's minor at each statement (check_uniq device-minor in
    parse_volume_stmt) and refuse the second ("conflicting use of device-minor
    'device-minor:alpha:1'"); another repeated volume statement just wins."""
    for vol in host.block.blocks("volume"):
        seen: dict[str, Any] = {}
        for entry in vol.entries("device"):
            vals = entry.values
            if "minor" in vals and vals.index("minor") + 1 < len(vals):
                minor = vals[vals.index("minor") + 1]
            else:
                m = re.search(r"(\d+)$", vals[0]) if vals else None
                minor = m.group(1) if m else ""
            if minor and minor in seen:
                yield make(
                    "DR015",
                    f"resource {res.name}: volume {' '.join(vol.args)} of host section "
                    f"'{host.name}' gives minor {minor} again; drbdadm refuses the file "
                    f"(conflicting use of device-minor '{host.name}:{minor}')",
                    item.where(vol),  # (drbdadm names the volume section's line)
                    [item.where(seen[minor]), item.where(entry)],
                )
            seen.setdefault(minor, entry)


#: What drbdadm's scanner reads as one unquoted word (drbdadm_scanner.fl, 8.3 to 9:
#: ``STRING [a-zA-Z0-9/._-]{1,128}``; 8.3 allows 80 characters). Any other character
#: is a token of its own (``{};[]:``) or none at all, and the file is refused.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9/._-]+")
#: Where ``:``, ``[`` and ``]`` are drbdadm's own syntax: addresses (``10.0.0.1:7788``,
#: ``[fd00::1]:7788``; ``drbdsetup show`` spells them after ``_this_host`` and
#: ``_remote_host``) and meta-disk indexes (``/dev/sdb1 [0]``).
_ADDRESS_KEYS = frozenset(
    {"address", "alternate-link-address", "outside", "inside", "host", "floating"}
    | {"_this_host", "_remote_host"}
)
_INDEX_KEYS = frozenset({"meta-disk", "flexible-meta-disk"})
_ADDRESS_WORD = re.compile(r"[A-Za-z0-9/._%:\[\]-]+")
_INDEX_WORD = re.compile(r"[A-Za-z0-9/._\[\]-]+")
#: drbdadm's quoted strings hold at most 255 characters (an escape pair counts one).
_QUOTED_MAX = 255
_ESCAPE_OR_CHAR = re.compile(r"\\.|[^\\]", re.S)
_V84 = Version.parse("8.4")
_V9 = Version.parse("9.0")


def _lexed(source: str) -> Iterator[tuple[str, str, int, str]]:
    """drbd.conf's tokens as the grammar reads them: (terminal, text, offset, the first
    word of the statement or section head it belongs to); ``skip`` sections, blanks
    and comments left out."""
    lexer = _drbd_lexer()
    head = ""
    pos = 0
    while pos < len(source):
        m = lexer.match(source, pos)
        if m is None:  # (the file parsed: only a stray character of a recovered one)
            return
        kind, text, pos = m.lastgroup or "", m.group(), m.end()
        if kind in ("SEMICOLON", "LBRACE", "RBRACE"):
            head = ""
        elif kind in ("WORD", "STRING"):
            if not head:
                head = text
            else:
                yield kind, text, m.start(), head


@functools.cache
def _drbd_lexer() -> re.Pattern[str]:
    """One alternation of the drbd grammar's terminals, in Lark's order."""
    return re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in TERMINALS["drbd"]))


@rule("DR016", "word-drbdadm-splits", "error", formats=("drbd",))
def word_drbdadm_splits(item: Loaded) -> Iterator[Finding]:
    """A value drbdadm's scanner does not read as one word: an unquoted word with a
    character other than letters, digits and ``/ . _ -``, or one longer than 128
    characters (80 in DRBD 8.3), or a quoted string longer than 255.

    Why it matters: drbdadm's scanner (drbdadm_scanner.fl) reads an unquoted
    word as ``[a-zA-Z0-9/._-]{1,128}``; ``:``, ``[`` and ``]`` are tokens of
    their own and other characters none at all, so ``disk
    /dev/disk/by-path/pci-0000:00:1f.2-ata-1;`` is refused with ``';' expected,
    but got ':00:1f'`` and no resource of the file comes up. Colons and brackets
    stay allowed where they are drbdadm's syntax (addresses, meta-disk indexes).

    Example: ``disk /dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1;``.

    Fix: put the value in double quotes (``disk "/dev/disk/by-path/..."``), or
    shorten it.
    """
    doc = _drbd(item)
    secret = set(doc.secrets())
    short_words = item.versions.of("drbd", item.node or "").older_than(_V84)
    longest = 80 if short_words else 128
    for kind, text, at, head in _lexed(doc.source or ""):
        shown = "the value" if text.strip('"') in secret else f"'{text}'"
        if kind == "STRING":
            if len(_ESCAPE_OR_CHAR.findall(text[1:-1])) > _QUOTED_MAX:
                yield make(
                    "DR016",
                    f"'{head}': a quoted string longer than {_QUOTED_MAX} characters; "
                    "drbdadm refuses it",
                    item.where(at),
                )
            continue
        allowed = (
            _ADDRESS_WORD
            if head in _ADDRESS_KEYS
            else _INDEX_WORD
            if head in _INDEX_KEYS
            else _PLAIN_WORD
        )
        if allowed.fullmatch(text) is None:
            odd = next(c for c in text if allowed.fullmatch(c) is None)
            yield make(
                "DR016",
                f"'{head}': {shown} holds {odd!r}, which drbdadm's scanner does not read "
                "inside an unquoted word; it refuses the file (quote the value)",
                item.where(at),
            )
        elif allowed is _PLAIN_WORD and len(text) > longest:
            yield make(
                "DR016",
                f"'{head}': {shown} is {len(text)} characters long, more than drbdadm's "
                f"scanner reads as one unquoted word ({longest}); it refuses the file "
                "(quote the value)",
                item.where(at),
            )


@rule("DR017", "section-defined-twice", "error", scope="cluster")
def section_defined_twice(cluster: Cluster) -> Iterator[Finding]:
    """A node's drbd configuration defines a resource name, ``global`` or ``common``
    twice, in one file or across the files drbd.conf includes.

    Why it matters: drbdadm (8.3, 8.4 and 9 alike) refuses the whole
    configuration: "conflicting use of resource section 'r0' ..." (``common``
    is a resource section to it too) or "conflicting use of global section
    'global' ...", so no resource of the node can be brought up or adjusted.
    It happens when a drbd.d/*.res file is copied to make a new resource and
    the name is left, or when global_common.conf and an old drbd.conf both
    hold ``global``/``common`` sections.

    Example: ``global { usage-count no; }`` in drbd.conf and
    ``global { usage-count yes; }`` in drbd.d/global_common.conf.

    Fix: rename the copied resource, or merge the two sections into one.
    """
    for items in _node_configs(cluster).values():
        owner = {id(i.doc): i for i in items}
        memo: dict[int, Any] = cluster.fact("drbd:conflicts", dict)
        if id(items) not in memo:
            memo[id(items)] = find_conflicts([_drbd(i) for i in items])
        for c in memo[id(items)]:
            if c.kind == "global":
                what = "a second 'global' section"
            elif c.kind == "resource" and c.key == "common" and c.node.key == "common":
                what = "a second 'common' section"
            elif c.kind == "resource":
                what = f"resource '{c.key}' is defined a second time"
            else:
                continue
            yield make(
                "DR017",
                f"{what}: drbdadm refuses the configuration (conflicting use of "
                f"{'global' if c.kind == 'global' else 'resource'} section '{c.key}')",
                owner[id(c.document)].where(c.node),
                [owner[id(c.first_document)].where(c.first)],
            )


#: What drbdadm's parse_resource reads once per ``resource`` or ``common`` (its
#: check_upr calls, user/v84 and user/v9 drbdadm_parser.c): statements, and sections
#: (``disk`` only as ``disk { }``: a resource-level ``disk /dev/..`` may repeat).
_ONCE_PER_RESOURCE = {
    "protocol": ("statement", "protocol statement '{}: protocol'"),
    "device": ("statement", "device statement '{}:device'"),
    "disk": ("section", "disk section '{}:disk'"),
    "net": ("section", "net section '{}:net'"),
    "syncer": ("section", "syncer section '{}:syncer'"),
    "startup": ("section", "startup section '{}:startup'"),
    "handlers": ("section", "handlers section '{}:handlers'"),
    "proxy": ("section", "proxy section '{}:proxy'"),
    "options": ("section", "resource options section '{}:res_options'"),
}


@rule("DR018", "resource-section-repeated", "error", formats=("drbd",))
def resource_section_repeated(item: Loaded) -> Iterator[Finding]:
    """A ``resource`` or ``common`` section gives a ``net``, ``disk``, ``syncer``,
    ``startup``, ``handlers``, ``proxy`` or ``options`` section twice, its
    ``protocol`` or resource-level ``device`` twice, or two ``on`` sections for
    one host name.

    Why it matters: drbdadm (8.3, 8.4 and 9) reads each of these once per
    resource and refuses the whole file on the second: ``conflicting use of
    net section 'r0:net' ...``, ``conflicting use of protocol statement
    'common: protocol'``, ``conflicting use of host section 'r0: on alpha'``
    (check_upr in parse_resource and parse_host_section, drbdadm_parser.c).
    No resource of the file can then be brought up or adjusted. Where the files
    show DRBD 9, ``on alpha`` and ``on ALPHA`` (or ``on alpha.example.net``) are
    one host too: drbdadm 9 matches names in any case and without the domain,
    and refuses the file on alpha ("There are multiple host sections for this
    node", drbdadm_postparse.c). It comes of
    adding a setting in a new ``net { }`` below the old one, or of moving
    ``protocol C;`` into ``common`` and leaving the old line.

    Example: ``resource r0 { net { max-buffers 8000; } ... net { timeout 60; } }``.

    Fix: merge the two sections into one (keep one ``protocol``/``device`` line).
    """
    doc = _drbd(item)
    blocks = [b for b in doc.children if isinstance(b, Block) and b.key in ("resource", "common")]
    nine = item.versions.of("drbd", item.node or "").at_least(_V9)
    if nine:
        yield from _same_host_twice_9(item, doc)
    for block in blocks:
        owner = block.args[0] if block.key == "resource" and block.args else block.key
        first: dict[str, Any] = {}
        for child in block.children:
            key = getattr(child, "key", None)
            if key == "on" and isinstance(child, Block):
                claims = [(f"on {n}", f"host section '{owner}: on {n}'") for n in child.args]
            elif key in _ONCE_PER_RESOURCE:
                shape, what = _ONCE_PER_RESOURCE[key]
                if (shape == "section") != isinstance(child, Block):
                    continue
                claims = [(key, what.format(owner))]
            else:
                continue
            for claim, what in claims:
                if claim not in first:
                    first[claim] = child
                    continue
                yield make(
                    "DR018",
                    f"{'common' if block.key == 'common' else f'resource {owner}'} gives "
                    f"'{claim}' a second time; "
                    f"drbdadm refuses the file (conflicting use of {what})",
                    item.where(child),
                    [item.where(first[claim])],
                )


#: Statements whose first argument drbdadm's parser reads as a number (EXP(TK_INTEGER)
#: in parse_global, parse_host_section and parse_resource, drbdadm_parser.c).
_INTEGER_FIRST = frozenset(
    {"node-id", "volume", "minor-count", "dialog-refresh"}
    | {"cmd-timeout-short", "cmd-timeout-medium", "cmd-timeout-long"}
)
#: Statements whose every argument is an address token (__parse_address: a family
#: keyword, then an IP, ``:``, a port; proxy ``inside``/``outside`` too), and
#: ``usage-count``'s yes/no/ask keywords.
_TOKENS_ONLY = frozenset({"address", "floating", "inside", "outside", "usage-count"})


def _quoted_tokens(source: str) -> Iterator[tuple[str, int, str, str]]:
    """(text, offset, statement, what drbdadm wants) of each quoted argument drbdadm
    reads as a number, an address or a keyword."""
    lexer = _drbd_lexer()
    words: list[str] = []
    pos = 0
    while pos < len(source):
        m = lexer.match(source, pos)
        if m is None:
            return
        kind, text, pos = m.lastgroup or "", m.group(), m.end()
        if kind in ("SEMICOLON", "LBRACE", "RBRACE"):
            words = []
        elif kind in ("WORD", "STRING"):
            if kind == "STRING" and words:
                head, prev = words[0], words[-1]
                if (
                    (head in _INTEGER_FIRST and len(words) == 1)
                    or (head == "device" and prev == "minor")
                    or (head in _INDEX_KEYS and prev.endswith("["))
                ):
                    yield text, m.start(), head, "a number ('TK_INTEGER' expected)"
                elif head in _TOKENS_ONLY or (head == "host" and prev in ("address", "port")):
                    want = "yes, no or ask" if head == "usage-count" else "an address"
                    yield text, m.start(), head, want
            words.append(text)


@rule("DR019", "value-must-be-bare", "error", formats=("drbd",))
def value_must_be_bare(item: Loaded) -> Iterator[Finding]:
    """A value drbdadm reads as a number, an address or a keyword is written in
    double quotes: ``node-id``, ``volume``, ``minor`` of ``device``, a meta-disk
    index, ``minor-count``, ``dialog-refresh``, a ``cmd-timeout-*``, an
    ``address`` (or its family) or ``usage-count``.

    Why it matters: drbdadm's scanner makes every quoted value a string, and its
    parser wants another token there, so it refuses the whole file: ``Parse
    error: 'TK_INTEGER' expected, but got '0'``, ``'ssocks | sdp | ipv4 | ipv6
    | <ipv4 address> ' expected, but got '10.0.0.1:7788'``, ``'yes | no | ask'
    expected, but got 'no'`` (drbdadm 8.3, 8.4 and 9 alike). Option values such
    as ``max-buffers "8000"`` or ``on-io-error "detach"``, names and paths may
    be quoted: those are read as strings. Configuration generators that quote
    every value write this.

    Example: ``on alpha { node-id "0"; address "10.0.0.1:7788"; }``.

    Fix: write the value without quotes.
    """
    doc = _drbd(item)
    for text, at, head, want in _quoted_tokens(doc.source or ""):
        yield make(
            "DR019",
            f"'{head}': {text} is quoted, but drbdadm wants {want} here; it refuses "
            "the file (drop the quotes)",
            item.where(at),
        )


@rule("DR020", "node-id-missing-or-reused", "error", formats=("drbd",))
def node_id_missing_or_reused(item: Loaded) -> Iterator[Finding]:
    """DRBD 9: two host sections of a resource give the same ``node-id``, or some
    give one and others do not.

    Why it matters: drbdadm 9 refuses the file: ``conflicting use of node-id
    'r0:1'`` (check_upr("node-id", ...) in parse_host_section) or ``in resource
    r0, on gamma { ... }: 'node-id' keyword missing`` (drbdadm_postparse.c:
    node ids are made up only for a resource of two host sections that both
    lack one). DRBD 8.4 refuses ``node-id`` altogether. A copied ``on`` section
    keeps its ``node-id`` and the third node added to a resource often has none.

    Example: ``on alpha { node-id 0; ... } on beta { node-id 1; ... } on gamma
    { node-id 1; ... }``.

    Fix: give every host section of the resource its own ``node-id`` (0, 1, 2, ...).
    """
    for res in _drbd(item).resource_list():
        hosts = [h for h in res.host_list if not h.kind.startswith("_")]
        given = [h for h in hosts if h.block.entry("node-id") is not None]
        if not given:
            continue
        seen: dict[str, Any] = {}
        for h in given:
            entry = h.block.entry("node-id")
            assert entry is not None
            value = " ".join(entry.values)
            if value in seen:
                yield make(
                    "DR020",
                    f"resource {res.name}: node-id {value} of '{h.name}' is already "
                    f"'{seen[value][0]}''s; drbdadm refuses the file (conflicting use of "
                    f"node-id '{res.name}:{value}')",
                    item.where(entry),
                    [item.where(seen[value][1])],
                )
            else:
                seen[value] = (h.name, entry)
        for h in hosts:
            if h not in given:
                yield make(
                    "DR020",
                    f"resource {res.name}: host section '{h.name}' has no node-id while "
                    "others have one; drbdadm 9 refuses the file ('node-id' keyword "
                    "missing)",
                    item.where(h.block),
                    [item.where(g.block) for g in given[:1]],
                )


@rule("DR021", "connection-host-unknown", "error", formats=("drbd",))
def connection_host_unknown(item: Loaded) -> Iterator[Finding]:
    """DRBD 9: a ``connection-mesh`` or a ``connection``'s ``host`` names a host the
    resource has no ``on`` section for, or a ``connection`` (without paths) or a
    ``path`` has other than two ``host`` statements.

    Why it matters: drbdadm 9 refuses the file: ``There is no 'on' section for
    hostname 'delta' named in the connection-mesh``, ``a hostname ("gamma") is
    given with a "host" keyword, has no "address" keyword, and no matching
    host section``, ``connection needs to have two endpoints`` (drbdadm_postparse.c)
    or ``only two 'host' keywords per path allowed`` (drbdadm_parser.c). Names
    match as drbdadm 9 matches them: in any case, without the domain when either
    lacks one. A node renamed in its ``on``
    section but not in the mesh is the usual cause.

    Example: ``on alpha {...} on beta {...} connection-mesh { hosts alpha beta
    gamma; }``.

    Fix: name in ``hosts`` and ``host`` only hosts that have an ``on`` section,
    two per connection.
    """
    for res in _drbd(item).resource_list():
        # stacked and floating hosts are named otherwise: only the counts are checked
        named = not res.stacked and all(h.kind == "on" for h in res.host_list)
        names = [n for h in _on_hosts(res) for n in h.names]

        def known(name: str, names: list[str] = names, named: bool = named) -> bool:
            return not named or any(hostnames_equal(name, n) for n in names)

        for mesh in res.block.blocks("connection-mesh"):
            for e in mesh.entries("hosts"):
                for name in e.values:
                    if not known(name):
                        yield make(
                            "DR021",
                            f"resource {res.name}: connection-mesh names '{name}', which "
                            "has no 'on' section; drbdadm 9 refuses the file",
                            item.where(e),
                        )
        for conn in res.connections:
            hosts = conn.hosts
            for ch in hosts + [h for p in conn.paths for h in p]:
                if ch.name and not ch.name.startswith("_") and not known(ch.name):
                    yield make(
                        "DR021",
                        f"resource {res.name}: connection host '{ch.name}' has no 'on' "
                        "section; drbdadm 9 refuses the file (an address does not "
                        "stand in for it)",
                        item.where(ch.entry if ch.entry is not None else ch.block),
                    )
            for path in conn.block.blocks("path"):
                ends = _connection_hosts_of(path)
                if len(ends) != 2:
                    yield make(
                        "DR021",
                        f"resource {res.name}: a path with {len(ends)} 'host' statements; "
                        "drbdadm 9 refuses the file (only two 'host' keywords per path "
                        "allowed / path needs to have two endpoints)",
                        item.where(conn.block),  # (the line drbdadm names)
                        [item.where(path)],
                    )
            if not conn.paths and len(hosts) != 2:
                yield make(
                    "DR021",
                    f"resource {res.name}: a connection with {len(hosts)} 'host' "
                    "statements; drbdadm 9 refuses the file (connection needs to have "
                    "two endpoints)",
                    item.where(conn.block),
                )


@rule("DR022", "volume-sets-differ", "error", formats=("drbd",))
def volume_sets_differ(item: Loaded) -> Iterator[Finding]:
    """The ``on`` sections of a resource end up with different volumes (after the
    resource-level ``volume`` sections are inherited): one host has a ``volume 1``
    another lacks.

    Why it matters: drbdadm 8.4 and 9 refuse the file: ``in resource r0, on alpha
    { ... }: volume 1 not defined on beta`` (check_volume_sets_equal,
    drbdadm_postparse.c); a volume exists on both sides of a connection or on
    neither. It happens when a volume is added inside one host's section only.

    Example: ``volume 0 {...}`` at resource level, ``on alpha { volume 1 {...} }``
    and ``on beta {...}`` without it.

    Fix: add the volume to every host section, or define it at resource level with
    per-host ``disk`` lines where the disks differ.
    """
    for res in _drbd(item).resource_list():
        hosts = list(_on_hosts(res))
        if len(hosts) < 2 or res.stacked:
            continue
        sets = [(h, set(res.effective(h.name).volumes)) for h in hosts if h.name]
        first_host, first_set = sets[0]
        for h, vols in sets[1:]:
            if vols == first_set:
                continue
            extra = sorted(vols ^ first_set)
            n = extra[0]
            has, lacks = (h, first_host) if n in vols else (first_host, h)
            yield make(
                "DR022",
                f"resource {res.name}: volume {n} of 'on {has.name}' is not defined on "
                f"'{lacks.name}'; drbdadm refuses the file (volume {n} not defined on "
                f"{lacks.name})",
                item.where(has.block),
                [item.where(lacks.block)],
            )


#: Statements that go to a resource's or host's implicit volume 0 when written outside
#: a ``volume`` section (volume0() in drbdadm_parser.c).
_IMPLICIT_VOLUME = frozenset({"device", "disk", "meta-disk", "flexible-meta-disk"})


@rule("DR023", "implicit-and-explicit-volumes", "error", formats=("drbd",))
def implicit_and_explicit_volumes(item: Loaded) -> Iterator[Finding]:
    """A resource mixes ``device``/``disk``/``meta-disk`` statements outside a
    ``volume`` section (the implicit volume 0) with ``volume N`` sections other
    than 0, writes such a statement after a ``volume`` section of the same
    resource or host section, or leaves volume 0 implicit on one host while
    another has a ``volume 0`` section.

    Why it matters: drbdadm 8.4 and 9 refuse the file: ``in resource r1: you
    must not mix implicit and explicit volumes`` (drbdadm_postparse.c) or
    ``mixing explicit and implicit volumes is not allowed`` (volume0() in
    drbdadm_parser.c) or ``volume 0 must not be implicit on one but not the
    other``. A ``meta-disk internal;`` left at resource level when the
    resource was split into volumes is the usual cause.

    Example: ``resource r1 { meta-disk internal; volume 1 { device /dev/drbd2;
    ... } ... }``.

    Fix: move the statement into each ``volume`` section (or number the single
    volume 0).
    """
    for res in _drbd(item).resource_list():
        scopes = [res.block, *(h.block for h in res.host_list if h.kind == "on")]
        implicit: list[Any] = []
        nonzero: list[Block] = []
        for scope in scopes:
            seen_volume = False
            for child in scope.children:
                if isinstance(child, Block) and child.key == "volume":
                    seen_volume = True
                    if child.args and child.args[0] != "0":
                        nonzero.append(child)
                elif isinstance(child, Entry) and child.key in _IMPLICIT_VOLUME:
                    implicit.append(child)
                    if seen_volume:
                        yield make(
                            "DR023",
                            f"resource {res.name}: '{child.key}' outside a volume after a "
                            "'volume' section; drbdadm refuses the file (mixing explicit "
                            "and implicit volumes is not allowed)",
                            item.where(child),
                        )
        yield from _volume0_kinds_differ(item, res)
        if implicit and nonzero:
            yield make(
                "DR023",
                f"resource {res.name}: '{implicit[0].key}' outside a volume (the implicit "
                f"volume 0) beside 'volume {nonzero[0].args[0]}'; drbdadm refuses the file "
                "(you must not mix implicit and explicit volumes)",
                item.where(implicit[0]),
                [item.where(nonzero[0])],
            )


@rule("DR024", "host-statement-missing", "error", scope="cluster")
def host_statement_missing(cluster: Cluster) -> Iterator[Finding]:
    """An ``on`` section ends up without a ``device``, ``disk``, ``address`` or (before
    DRBD 9) ``meta-disk``, after what it inherits from the resource and its
    volumes.

    Why it matters: drbdadm refuses the whole configuration: ``in resource r0, on
    beta { ... }: 'disk' keyword missing.`` (8.3, 8.4 and 9 alike for ``device``
    and ``disk``, though DRBD 9 reads a volume with neither ``disk`` nor
    ``meta-disk`` as diskless; ``address`` before 9.0, and in DRBD 9 for a host
    a ``connection-mesh`` names; ``meta-disk`` before 9.0, which defaults it to
    internal). The
    check runs for every host section, not only the node's own. Before DRBD 8.4
    a resource needs a ``protocol`` too ("protocol definition missing"; 8.4 and
    later default to C).

    Example: ``resource r0 { device /dev/drbd0; meta-disk internal; on alpha {
    disk /dev/sda1; address ...; } on beta { address ...; } }``.

    Fix: give the statement in the host section, or once at resource level (a
    DRBD 9 diskless node writes ``disk none;``).
    """
    for node, items in _node_configs(cluster).items():
        before9 = cluster.versions.of("drbd", node).older_than(_V9)
        before84 = cluster.versions.of("drbd", node).older_than(_V84)
        for item, res in _resources(cluster, items):
            if _drbd(item).is_drbdsetup_show or res.stacked:
                continue
            if before84 and res.protocol is None:
                yield make(
                    "DR024",
                    f"resource {res.name}: no 'protocol' (in the resource or common); "
                    "drbdadm before 8.4 refuses the configuration (protocol definition "
                    "missing); 8.4 and later default to C",
                    item.where(res.block),
                )
            hosts = list(_on_hosts(res))
            # drbdadm 8.x wants an address in every host section; 9 only of the hosts a
            # connection-mesh names ("with a host that has no address defined"): it
            # leaves the implicit connection of two hosts out without one, and takes
            # addresses from connection paths
            mesh = res.connection_mesh
            for h in hosts:
                needs_address = not res.connections and (
                    before9 or any(hostnames_equal(n, m) for n in h.names for m in mesh)
                )
                numbers = set(_effective(cluster, res, h.name).volumes)
                missing: list[str] = []
                wanted = ["device", "disk"] + (["meta-disk"] if before9 else [])
                for word in wanted:
                    if any(
                        not _stated(res, h, n, word)
                        # DRBD 9: a volume with neither disk nor meta-disk is diskless
                        # (check_volume_complete, drbdadm_postparse.c)
                        and (word != "disk" or before9 or _stated(res, h, n, "meta-disk"))
                        for n in numbers
                    ):
                        missing.append(word)
                if needs_address and h.block.entry("address") is None:
                    missing.append("address")
                for word in missing:
                    yield make(
                        "DR024",
                        f"resource {res.name}, on {h.name}: no '{word}' (in the host, its "
                        f"volumes or the resource); drbdadm refuses the configuration "
                        f"('{word}' keyword missing)",
                        item.where(h.block),
                    )


def _stated(res: Resource, host: Host, number: int, word: str) -> bool:
    """Whether volume ``number`` of ``host`` has a ``word`` statement, in its own
    ``volume`` section, the host, the resource's ``volume`` or the resource (as
    written: ``disk none`` counts)."""
    words = ("meta-disk", "flexible-meta-disk") if word == "meta-disk" else (word,)
    blocks = [v.block for v in (host.volumes.get(number), res.volumes.get(number)) if v]
    if number == 0:
        blocks += [host.block, res.block]
    return any(b.entry(w) is not None for b in blocks for w in words)


def _same_host_twice_9(item: Loaded, doc: DrbdDocument) -> Iterator[Finding]:
    """DRBD 9 matches ``on`` names in any case and without a domain when one lacks it
    (hostnames_equal), so ``on alpha`` and ``on ALPHA`` (or ``on alpha.example.net``)
    are both the node alpha: "There are multiple host sections for this node"
    (drbdadm_postparse.c). Exact repeats are check_upr's, reported above."""
    for res in doc.resource_list():
        seen: list[tuple[str, Any]] = []
        for h in _on_hosts(res):
            for name in h.names:
                first = next((b for n, b in seen if n != name and hostnames_equal(n, name)), None)
                if first is not None:
                    yield make(
                        "DR018",
                        f"resource {res.name} gives 'on {name}', the same host as an "
                        "earlier 'on' section to DRBD 9 (names match in any case, "
                        "without the domain); drbdadm refuses the file on that node "
                        "(multiple host sections for this node)",
                        item.where(h.block),
                        [item.where(first)],
                    )
                seen.append((name, h.block))


@rule("DR025", "hosts-without-connections", "warning", formats=("drbd",))
def hosts_without_connections(item: Loaded) -> Iterator[Finding]:
    """A resource with more than two ``on`` sections has neither ``connection``
    sections nor a ``connection-mesh``.

    Why it matters: DRBD 9 makes the implicit connection only between exactly two
    hosts; with three or more drbdadm warns "Use explicit 'connection' sections
    (or a 'connection-mesh' section) with more than two 'on' sections"
    (create_implicit_connections, drbdadm_postparse.c) and connects nothing, so
    the resource comes up on every node without a peer and never replicates.

    Example: ``on alpha {...} on beta {...} on gamma {...}`` and no
    ``connection-mesh``.

    Fix: add ``connection-mesh { hosts alpha beta gamma; }``.
    """
    for res in _drbd(item).resource_list():
        hosts = list(_on_hosts(res))
        if len(hosts) <= 2 or res.connections or any(res.block.blocks("connection-mesh")):
            continue
        yield make(
            "DR025",
            f"resource {res.name}: {len(hosts)} 'on' sections and no 'connection' or "
            "'connection-mesh': drbdadm 9 makes no connection, the resource never "
            "replicates",
            item.where(res.block),
            [item.where(h.block) for h in hosts],
        )


def _volume0_kinds_differ(item: Loaded, res: Resource) -> Iterator[Finding]:
    """Volume 0 implicit on one ``on`` section and explicit on another: "in resource
    r0, on alpha resp. beta: volume 0 must not be implicit on one but not the
    other" (check_volume_sets_equal, drbdadm_postparse.c). A host's volume 0 is
    implicit when it has statements outside a volume or inherits the resource's
    implicit one, explicit when it has (or inherits) a ``volume 0`` section."""

    def outside(block: Block) -> bool:
        return any(
            not isinstance(c, Block) and getattr(c, "key", None) in _IMPLICIT_VOLUME
            for c in block.children
        )

    def has_volume0(block: Block) -> bool:
        return any(b.args[:1] == ["0"] for b in block.blocks("volume"))

    res_implicit, res_volume0 = outside(res.block), has_volume0(res.block)
    kinds: list[tuple[str, Host]] = []
    for h in _on_hosts(res):
        own_implicit, own_volume0 = outside(h.block), has_volume0(h.block)
        if own_implicit and own_volume0:
            continue  # (order decides; reported above when it is refused)
        if own_implicit or (not own_volume0 and res_implicit):
            kinds.append(("implicit", h))
        elif own_volume0 or res_volume0:
            kinds.append(("explicit", h))
    first = {kind: h for kind, h in reversed(kinds)}
    if len(first) == 2:
        imp, exp = first["implicit"], first["explicit"]
        yield make(
            "DR023",
            f"resource {res.name}: volume 0 is implicit on '{imp.name}' (statements "
            f"outside a volume) and a 'volume 0' section on '{exp.name}'; drbdadm "
            "refuses the file (volume 0 must not be implicit on one but not the other)",
            item.where(exp.block),
            [item.where(imp.block)],
        )
