"""DRBD rules on a resource's copies on the nodes: drbd.conf differing between the
nodes (DR009) and a peer's address that its own copy does not give it (DR010).
Split from :mod:`.nodes`, which keeps what crosses resources on one host and the
addresses against the host's other files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ...cluster import Cluster, Loaded, joined
from ...findings import Finding
from ...formats.drbd import Host, Resource
from .. import make, rule
from .common import (
    _connection_addresses,
    _effective,
    _node_configs,
    _on_hosts,
    _resources,
    protocol_per_connection,
    short,
)


def _host_shape(cluster: Cluster, res: Resource) -> dict[str, tuple[Any, ...]]:
    """Per ``on`` host (short name) and ``floating`` host (``floating IP:PORT``, however
    written: a section or ``floating ADDR;``, with or without ``ipv4``): device, disk,
    meta-disk of every volume."""
    out: dict[str, tuple[Any, ...]] = {}
    for h in res.host_list:
        if h.kind not in ("on", "floating"):
            continue
        eff = _effective(cluster, res, h.name)
        vols = tuple(
            (
                n,
                v.get("device"),
                v.get("disk"),
                v.get("meta_disk"),
            )
            for n, v in sorted(eff.volumes.items())
        )
        for name in _host_keys(h):
            out[name] = (vols, h)
    return out


def _host_keys(h: Host) -> list[str]:
    """How copies of a resource on two nodes name one host: an ``on`` section by its
    short names, a floating one by its address (drbdadm picks it by the address)."""
    if h.floating:
        addr = h.address
        return [f"floating {addr.host_port if addr is not None else h.name}"]
    return [short(n) for n in h.names]


def _node_id_diffs(
    theirs: dict[str, tuple[Any, ...]], mine: dict[str, tuple[Any, ...]], me: str, them: str
) -> list[str]:
    """DRBD 9 ``node-id``s that two copies give one host differently. A peer says its
    own node-id when it connects, and the kernel drops a connection whose id is not the
    one its own copy gives that peer ("Peer presented a node_id of 2 instead of 3",
    then Connecting -> NetworkFailure): hosts whose ids two copies swap never connect."""
    out = []
    for host in sorted(set(theirs) & set(mine)):
        a, b = theirs[host][1].node_id, mine[host][1].node_id
        if a is not None and b is not None and a != b:
            out.append(f"node-id of {host} {b} in {me}'s copy, {a} in {them}'s")
    return out


def _volume_diffs(
    pairs: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]], mine: str, theirs: str
) -> list[str]:
    """What differs in the hosts' volumes, ``(theirs, mine)`` per host, as an admin
    reads it: ``volume 1 device /dev/drbd112 in vm3's copy, /dev/drbd111 in vm1's (for
    hosts vm1, vm2)``; a resource-level volume differs alike on every host: said once."""
    said: dict[str, list[str]] = {}
    for host, (there, here) in pairs.items():
        a, b = {v[0]: v[1:] for v in there}, {v[0]: v[1:] for v in here}
        for n in sorted(set(a) | set(b), key=str):
            if n not in a or n not in b:
                only = f"volume {n} only in {mine if n in b else theirs}'s copy"
                said.setdefault(only, []).append(host)
                continue
            for label, x, y in zip(("device", "disk", "meta-disk"), b[n], a[n], strict=True):
                if x != y:
                    what = f"volume {n} {label} {_shown(x)} in {mine}'s copy, {_shown(y)}"
                    what += f" in {theirs}'s"
                    said.setdefault(what, []).append(host)
    return [f"{what} (for hosts {', '.join(hosts)})" for what, hosts in said.items()]


def _shown(value: Any) -> str:
    """A device, disk or meta-disk as drbd.conf writes it."""
    words = value.values() if hasattr(value, "values") else None
    return " ".join(words) if isinstance(words, list) and words else str(value)


def _per_node_resources(cluster: Cluster) -> list[tuple[str, dict[str, tuple[Loaded, Resource]]]]:
    """Each resource's copies by node, by resource name. Copies of one name whose nodes
    are in separate clusters (a target pair's ``r0`` and the dom0s' ``r0``: neither
    names the other's nodes) are separate resources and come as separate entries.
    Once per run (``cluster.fact``): DR009, DR010 (twice) and DR028 read it."""

    def compute() -> list[tuple[str, dict[str, tuple[Loaded, Resource]]]]:
        by_res: dict[str, dict[str, tuple[Loaded, Resource]]] = defaultdict(dict)
        for node, items in _node_configs(cluster).items():
            if not node:
                continue
            for item, res in _resources(cluster, items):
                by_res[res.name].setdefault(node, (item, res))
        return [(name, group) for name in sorted(by_res) for group in _connected(by_res[name])]

    return cluster.fact("drbd:per-node", compute)


def _connected(
    copies: dict[str, tuple[Loaded, Resource]],
) -> list[dict[str, tuple[Loaded, Resource]]]:
    """Copies grouped so that two are together when one's node is a host of the other
    (or they share a host)."""
    keys = {
        node: {k for h in res.host_list if h.kind in ("on", "floating") for k in _host_keys(h)}
        | {short(node)}
        for node, (_, res) in copies.items()
    }
    groups = joined((keys[node], (node, copies[node])) for node in sorted(copies))
    return [dict(sorted(members)) for _, members in groups]


@rule("DR009", "resource-differs-between-nodes", "error", scope="cluster")
def resource_differs(cluster: Cluster) -> Iterator[Finding]:
    """A resource's hosts, devices, disks, protocol or (DRBD 9) node-ids differ between the
    nodes' drbd.conf, or a node a resource names does not define it at all.

    Why it matters: DRBD expects the same drbd.conf on every node. Each node
    acts on its own copy, so a difference shows only when the peers refuse
    to connect, or when a failover finds a device that is not what the
    other node replicated.

    Example: ``device /dev/drbd0`` for ``on beta`` in alpha's copy,
    ``/dev/drbd1`` in beta's; or, on three DRBD 9 nodes, ``node-id 1`` for hv3 in hv3's
    copy and ``node-id 2`` in the others' (each peer checks the node-id the other
    presents when it connects, and drops the connection when it differs).

    ``protocol`` is compared here where it is the resource's (or ``common``'s);
    where a DRBD 9 copy sets it in a ``connection`` or ``connection-mesh``
    ``net``, each connection's own protocol is compared by DR028 instead.

    A ``floating ADDR`` host (a section or a ``floating ADDR;`` statement) is
    compared by its address, as drbdadm picks it by the address: copies that
    share a floating address are one resource.

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
            shared = {h: (a[h][0], b[h][0]) for h in sorted(set(a) & set(b))}
            diffs += _volume_diffs(shared, node, nodes[0])
            # (in any case: drbdadm reads ``protocol c`` as C, see XC005); a copy with
            # a per-connection protocol is compared connection by connection by DR028
            pa, pb = (first_res.protocol or "C").upper(), (res.protocol or "C").upper()
            per_connection = protocol_per_connection(first_res) or protocol_per_connection(res)
            if pa != pb and not per_connection:
                diffs.append(f"protocol {pb} vs {pa}")
            diffs += _node_id_diffs(a, b, node, nodes[0])
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

    The same holds for DRBD 9's ``connection`` sections, which give each pair of
    hosts its own addresses (``host n2 address 10.1.1.2:7003; host n3 address
    10.1.1.3:7003;``): n2 connects to the address its copy gives n3 for that
    connection, n3 listens on the one its own copy gives.

    Fix: keep drbd.conf identical on every node.
    """
    yield from _connection_address_mismatch(cluster)
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


def _connection_address_mismatch(cluster: Cluster) -> Iterator[Finding]:
    """DR010 for DRBD 9 ``connection`` sections: node X's copy gives peer P, for the
    connection X-P, addresses P's own copy does not give itself there."""
    for name, per_node in _per_node_resources(cluster):
        by_node = {
            short(n): (n, item, _connection_addresses(res)) for n, (item, res) in per_node.items()
        }
        for x, (node, item, mine) in sorted(by_node.items()):
            for pair, hosts in mine.items():
                if x not in pair:
                    continue
                (peer,) = pair - {x}
                if peer not in by_node or peer not in hosts:
                    continue
                theirs = by_node[peer][2].get(pair, {}).get(peer)
                if not theirs:
                    continue
                own = {a for a, _ in theirs}
                for addr, where in hosts[peer]:
                    if addr not in own:
                        yield make(
                            "DR010",
                            f"resource '{name}': {node}'s connection to '{peer}' has "
                            f"{addr} for it, which uses {', '.join(sorted(own))} itself "
                            "for that connection",
                            item.where(where),
                            [by_node[peer][1].where(theirs[0][1])],
                        )
