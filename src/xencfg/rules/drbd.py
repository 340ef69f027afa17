"""DRBD rules: per host conflicts across every file of a node, dual-primary
safety, host names, addresses, and drbd.conf agreeing between nodes."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import attrs

from ..cluster import Cluster, Loaded, memberships
from ..findings import Finding, Location
from ..formats.drbd import DrbdDocument, Effective, Host, Resource, find_conflicts
from ..formats.hosts import parse_address
from . import make, rule


def short(name: str) -> str:
    """How drbdadm matches an ``on`` name against ``uname -n``: no domain, any case."""
    return name.split(".", 1)[0].lower()


_memo: tuple[weakref.ref[Cluster], dict[str, Any]] | None = None


def _cache(cluster: Cluster) -> dict[str, Any]:
    """Per-run store so the DRBD rules compute each node's resources, their
    effective settings and drbdadm's conflicts once, not once per rule."""
    global _memo
    if _memo is None or _memo[0]() is not cluster:
        _forget()
        _memo = (weakref.ref(cluster), {})
        # free the run's models with the run: a long-lived process (a test
        # session, an editor plugin) must not keep the last cluster alive
        weakref.finalize(cluster, _forget)
    return _memo[1]


def _forget() -> None:
    global _memo
    _memo = None
    _res_memo.clear()
    _eff_memo.clear()


def _node_configs(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Each node's drbd files (the logical configuration: drbd.conf plus drbd.d/*),
    leaving out ``drbdsetup show`` dumps."""
    cache = _cache(cluster)
    if "configs" not in cache:
        out: dict[str, list[Loaded]] = {}
        for node, items in cluster.by_node("drbd").items():
            keep = [i for i in items if not i.doc.is_drbdsetup_show]  # type: ignore[attr-defined]
            if keep:
                out[node] = keep
        cache["configs"] = out
    configs: dict[str, list[Loaded]] = cache["configs"]
    return configs


def _resources(items: list[Loaded]) -> list[tuple[Loaded, Resource]]:
    """Every resource of one node's configuration, with ``common`` from whichever file has it."""
    key = id(items[0]) if items else 0
    found = _res_memo.get(key)
    if found is not None and found[0] is items:
        return found[1]
    common = None
    for i in items:
        common = i.doc.common_block or common  # type: ignore[attr-defined]
    out = [(i, res) for i in items for res in i.doc.resource_list(common)]  # type: ignore[attr-defined]
    _res_memo[key] = (items, out)  # cleared with the run's cache
    return out


_res_memo: dict[int, tuple[list[Loaded], list[tuple[Loaded, Resource]]]] = {}


_eff_memo: dict[tuple[int, str], tuple[Resource, Effective]] = {}


def _effective(res: Resource, host: str) -> Effective:
    """``res.effective(host)``, remembered for the rules that follow."""
    key = (id(res), host)
    hit = _eff_memo.get(key)
    if hit is None or hit[0] is not res:
        if len(_eff_memo) > 100_000:
            _eff_memo.clear()
        hit = (res, res.effective(host))
        _eff_memo[key] = hit
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


def _owners_of(items: list[Loaded]) -> dict[int, str]:
    """Resource name by id of the statements drbdadm points at in a conflict."""
    out: dict[int, str] = {}
    for _, res in _resources(items):
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
        docs: list[DrbdDocument] = [i.doc for i in items]  # type: ignore[misc]
        memo = _cache(cluster).setdefault("conflicts", {})
        if id(items) not in memo:
            memo[id(items)] = find_conflicts(docs)
        found = [c for c in memo[id(items)] if c.kind == kind]
        names = _owners_of(items) if found else {}
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
        for item, res in _resources(items):
            for h in _on_hosts(res):
                eff = _effective(res, h.name)
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
    for items in _node_configs(cluster).values():
        for item, res in _resources(items):
            hosts = list(_on_hosts(res))
            if not hosts:
                continue
            eff = _effective(res, hosts[0].name)
            if not _flag(eff.sections.get("net", {}).get("allow-two-primaries")):
                continue
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
        for e in item.doc.entries("nodes"):  # type: ignore[attr-defined]
            if e.values:
                note = " (written 'nodes', which heartbeat ignores)"
                out.append(_NameList("ha.cf", tuple(e.values), item.where(e), item.node, note))
    return out


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
    with the node names of the run when there are at least two.

    Fix: use the node's ``uname -n`` everywhere.
    """
    lists = _name_lists(cluster)
    if not lists:
        run = tuple(n for n in cluster.nodes if n)
        if len(run) < 2:
            return
        lists = [_NameList("the linted nodes", run, Location("", 0, 0))]
    for node, items in _node_configs(cluster).items():
        own = [x for x in lists if x.node == (node or None)] or lists
        for item, res in _resources(items):
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
    etc/hostname, ``--node`` or the folder name).

    Example: nodes alpha and beta, ``resource r0 { on alpha {...} on gamma {...} }``.

    Fix: add an ``on NODE`` section with the node's device, disk and address.
    """
    configs = _node_configs(cluster)
    if len([n for n in cluster.nodes if n]) < 2:
        return
    for node, items in configs.items():
        if not node:
            continue
        for item, res in _resources(items):
            if res.stacked or any(h.kind != "on" for h in res.host_list):
                continue  # floating / stacked: not named per node
            hosts = list(_on_hosts(res))
            if hosts and not any(short(n) == short(node) for h in hosts for n in h.names):
                names = ", ".join(n for h in hosts for n in h.names)
                yield make(
                    "DR006",
                    f"resource '{res.name}' has no 'on {node}' section (it names {names})",
                    item.where(res.block),
                    [item.where(h.block) for h in hosts],
                )


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
        for line in hosts.doc.lines:  # type: ignore[attr-defined]
            if line.address is not None:
                _, owners = by_address.setdefault(str(line.address), (line, set()))
                owners.update(_owners(n) for n in line.names)
        for item, res in _resources(items):
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
    doc = item.doc
    lines: dict[int, int] = {}
    for off in doc.nbsp_offsets():  # type: ignore[attr-defined]
        line = item.where(off).line
        lines[line] = lines.get(line, 0) + 1
    for line in sorted(lines):
        loc = item.where(0)
        yield make(
            "DR008",
            f"U+00A0 (no-break space) used as white space ({lines[line]}x); drbdadm refuses it",
            Location(loc.path, line, 1),
        )


def _host_shape(res: Resource) -> dict[str, tuple[Any, ...]]:
    """Per ``on`` host (short name): device, disk, meta-disk of every volume."""
    out: dict[str, tuple[Any, ...]] = {}
    for h in _on_hosts(res):
        eff = _effective(res, h.name)
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


def _per_node_resources(cluster: Cluster) -> dict[str, dict[str, tuple[Loaded, Resource]]]:
    by_res: dict[str, dict[str, tuple[Loaded, Resource]]] = defaultdict(dict)
    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        for item, res in _resources(items):
            by_res[res.name].setdefault(node, (item, res))
    return by_res


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
    for name, per_node in sorted(_per_node_resources(cluster).items()):
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
        a = _host_shape(first_res)
        for node in nodes[1:]:
            item, res = per_node[node]
            b = _host_shape(res)
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
    for name, per_node in sorted(_per_node_resources(cluster).items()):
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


def _dual_primary(cluster: Cluster) -> Iterator[tuple[Loaded, Resource, Effective]]:
    """Resources whose effective ``net`` section allows two primaries."""
    for items in _node_configs(cluster).values():
        for item, res in _resources(items):
            hosts = list(_on_hosts(res))
            if hosts:
                eff = _effective(res, hosts[0].name)
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
    for items in _node_configs(cluster).values():
        for item, res in _resources(items):
            hosts = list(_on_hosts(res))
            if not hosts:
                continue
            eff = _effective(res, hosts[0].name)
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
