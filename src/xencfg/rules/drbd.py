"""DRBD rules: what drbdadm refuses across files, dual-primary safety, and how the
resources fit the cluster (node names, addresses, identical configs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster, Loaded, memberships
from ..findings import Finding
from . import make, rule


def _node_configs(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Every node's drbd documents (drbd.conf, drbd.d/*.res, ...): its logical configuration."""
    return cluster.by_node("drbd")


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


def _item_of(items: list[Loaded], doc: object) -> Loaded:
    return next(i for i in items if i.doc is doc)


_CONFLICT = {
    "resource": ("DR001", "resource '{key}' is defined twice"),
    "address": ("DR002", "address {key} is used by two host sections"),
    "device-minor": ("DR003", "minor {minor} is used twice on {host}"),
}


def _conflicts(cluster: Cluster, code: str) -> Iterator[Finding]:
    from ..formats.drbd import find_conflicts

    for items in _node_configs(cluster).values():
        for c in find_conflicts([i.doc for i in items]):  # type: ignore[misc]
            want, template = _CONFLICT[c.kind]
            if want != code:
                continue
            host, _, minor = c.key.rpartition(":")
            message = template.format(key=c.key, host=host, minor=minor)
            yield make(
                code,
                f"{message}: drbdadm refuses the configuration",
                _item_of(items, c.document).where(c.node),
                [_item_of(items, c.first_document).where(c.first)],
            )


@rule("DR001", "resource-defined-twice", "error", scope="cluster")
def resource_twice(cluster: Cluster) -> Iterator[Finding]:
    """One resource name is defined twice in a node's DRBD configuration.

    Why it matters: drbdadm refuses the whole configuration ("conflicting use
    of resource"), so no resource of the node can be started or adjusted.

    Example: ``resource r0`` in drbd.conf and again in drbd.d/r0.res.

    Fix: keep each resource in one file; rename the copy.
    """
    return _conflicts(cluster, "DR001")


@rule("DR002", "address-used-twice", "error", scope="cluster")
def address_twice(cluster: Cluster) -> Iterator[Finding]:
    """One IP:port is the replication address of two host sections.

    Why it matters: each resource needs its own TCP port on each host;
    drbdadm refuses the configuration ("conflicting use of IP").

    Example: ``address 10.0.0.1:7788;`` in resources r0 and r1.

    Fix: give every resource its own port (7788, 7789, ...).
    """
    return _conflicts(cluster, "DR002")


@rule("DR003", "minor-used-twice", "error", scope="cluster")
def minor_twice(cluster: Cluster) -> Iterator[Finding]:
    """One device minor (``/dev/drbdN``) is used by two resources on one host.

    Why it matters: the kernel has one ``/dev/drbdN``; drbdadm refuses the
    configuration ("conflicting use of device-minor").

    Example: ``device /dev/drbd0;`` in resources r0 and r1.

    Fix: give every resource (and volume) its own minor.
    """
    return _conflicts(cluster, "DR003")


@rule("DR004", "disk-used-twice", "error", scope="cluster")
def disk_twice(cluster: Cluster) -> Iterator[Finding]:
    """One backing disk, or one external meta-disk slot, serves two resources on a host.

    Why it matters: two resources writing one block device destroy each
    other's data; two resources in one meta-data slot overwrite each other's
    generation identifiers, which makes DRBD pick the wrong sync direction.

    Example: ``disk /dev/sdb1;`` under ``on alpha`` of r0 and of r1.

    Fix: give each resource its own disk and its own meta-disk index.
    """
    for items in _node_configs(cluster).values():
        seen: dict[tuple[str, str], tuple[Loaded, Any, str]] = {}
        for item in items:
            for name, claim, where, owner in _disk_claims(item):
                first = seen.setdefault((name, claim), (item, where, owner))
                if first[2] != owner:
                    yield make(
                        "DR004",
                        f"{claim} on {name} is used by {first[2]} and {owner}",
                        item.where(where),
                        [first[0].where(first[1])],
                    )


def _disk_claims(item: Loaded) -> Iterator[tuple[str, str, Any, str]]:
    """``(host, "disk DEV" | "meta-disk DEV[i]", node, resource/volume)`` per ``on`` host."""
    for res in item.doc.resource_list():  # type: ignore[attr-defined]
        for host in res.host_list:
            if host.kind != "on":
                continue
            where = host.block.entry("disk") or host.block
            for number, vol in res.effective(host.name).volumes.items():
                claims = [f"disk {vol['disk']}"] if vol.get("disk") else []
                meta = vol.get("meta_disk")
                if meta is not None and not meta.internal and meta.device:
                    claims.append(f"meta-disk {meta.device}[{meta.index or 0}]")
                for claim in claims:
                    for name in host.names:
                        yield name, claim, where, f"{res.name}/{number}"


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() not in ("no", "false"))


@rule("DR005", "two-primaries-without-protocol-c", "error", formats=("drbd",))
def two_primaries_protocol(item: Loaded) -> Iterator[Finding]:
    """``allow-two-primaries`` with a protocol other than C.

    Why it matters: with two primaries both nodes write; only protocol C
    waits for the peer's disk before completing a write. With A or B a node
    failure loses writes the other primary has already built upon, and DRBD
    8.4 refuses the combination.

    Example: ``protocol A; net { allow-two-primaries; }``.

    Fix: ``protocol C;`` for every dual-primary resource.
    """
    for res in item.doc.resource_list():  # type: ignore[attr-defined]
        hosts = [h for h in res.host_list if h.kind == "on"]
        if not hosts:
            continue
        eff = res.effective(hosts[0].name)
        net = eff.sections_84.get("net", {})
        if _truthy(net.get("allow-two-primaries")) and (eff.protocol or "C").upper() != "C":
            yield make(
                "DR005",
                f"resource {res.name} allows two primaries with protocol {eff.protocol}",
                item.where(res.block),
            )


def _cluster_names(cluster: Cluster) -> set[str]:
    """Node names other sources than DRBD know: the lint nodes, ha.cf, the CIB, cluster.conf."""
    names = {_short(n) for n in cluster.nodes}
    for m in memberships(cluster):
        if m.source != "drbd":
            names.update(_short(n) for n in m.names)
    return names


@rule("DR006", "host-not-a-cluster-node", "warning", scope="cluster")
def host_not_in_cluster(cluster: Cluster) -> Iterator[Finding]:
    """An ``on HOST`` section names a host that is not a node of the cluster.

    Why it matters: drbdadm picks the section whose name equals ``uname -n``;
    a name that no node has (``xen-1`` for ``xen1``) makes drbdadm refuse the
    resource on every node ("not defined in your config for this host").

    Example: ha.cf says ``node xen1 xen2``, drbd.conf says ``on xen-1 { ... }``.

    Fix: use each node's ``uname -n`` in its ``on`` section.
    """
    known = _cluster_names(cluster)
    if not known:
        return
    for m in memberships(cluster):
        if m.source != "drbd":
            continue
        for name in m.names:
            if _short(name) not in known:
                yield make(
                    "DR006",
                    f"'on {name}' names no cluster node (nodes: {', '.join(sorted(known))})",
                    m.where(name),
                )


@rule("DR007", "node-without-on-section", "warning", scope="cluster")
def node_without_section(cluster: Cluster) -> Iterator[Finding]:
    """A node carries a resource that has no ``on`` section for it.

    Why it matters: drbdadm on that node finds no section for its own host
    name and refuses the resource, so it never starts there.

    Example: node ``gamma`` has drbd.conf with ``on alpha`` and ``on beta`` only.

    Fix: add an ``on gamma`` section, or remove the resource from gamma.
    """
    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        for item in items:
            for res in item.doc.resource_list():  # type: ignore[attr-defined]
                names = {_short(n) for h in res.host_list if h.kind == "on" for n in h.names}
                if names and _short(node) not in names and not res.stacked:
                    yield make(
                        "DR007",
                        f"resource {res.name} has no 'on {node}' section "
                        f"(only {', '.join(sorted(names))})",
                        item.where(res.block),
                    )


def _of_host(name: str, host: str) -> bool:
    """``alpha``, ``alpha-drbd``, ``alpha_hb`` all name host alpha's addresses."""
    return name == host or name.startswith((host + "-", host + "_"))


@rule("DR008", "address-of-another-host", "warning", scope="cluster")
def address_of_another_host(cluster: Cluster) -> Iterator[Finding]:
    """The address under ``on HOST`` belongs to another host, per /etc/hosts.

    Why it matters: drbdadm binds the local section's address; if it is the
    peer's, the node listens on an address it does not have, or both nodes
    connect to the same machine, and the resource never connects.

    Example: ``on alpha { address 10.0.0.2:7788; }`` while /etc/hosts says
    ``10.0.0.2 beta``.

    Fix: put each host's own replication address in its section.
    """
    for node, items in _node_configs(cluster).items():
        hosts = cluster.first("hosts", node or None)
        if hosts is None:
            continue
        for item in items:
            for res in item.doc.resource_list():  # type: ignore[attr-defined]
                peers = {_short(n) for h in res.host_list if h.kind == "on" for n in h.names}
                for h in res.host_list:
                    if h.kind != "on" or h.address is None:
                        continue
                    mine = {_short(n) for n in h.names}
                    owners = hosts.doc.short_names(h.address.ip)  # type: ignore[attr-defined]
                    if any(_of_host(o, m) for o in owners for m in mine):
                        continue
                    others = sorted(p for p in peers - mine if any(_of_host(o, p) for o in owners))
                    if not others:
                        continue  # a name we cannot tie to any host of the resource
                    yield make(
                        "DR008",
                        f"address {h.address.ip} of 'on {' '.join(h.names)}' is "
                        f"{others[0]}'s in /etc/hosts",
                        item.where(h.block.entry("address") or h.block),
                        [hosts.where(_line_of(hosts.doc, h.address.ip))],
                    )


def _line_of(doc: Any, ip: str) -> Any:
    """The first hosts line of ``ip``."""
    from ..formats.hosts import parse_address

    want = parse_address(ip)
    return next(line for line in doc.lines if line.address == want)


@rule("DR009", "no-break-space", "error", formats=("drbd",))
def no_break_space(item: Loaded) -> Iterator[Finding]:
    """A no-break space (U+00A0) stands where white space should.

    Why it matters: text pasted from a web page carries them; drbdadm's
    scanner does not take U+00A0 as white space and refuses the file.

    Fix: replace it with a plain space (``sed -i 's/\\xc2\\xa0/ /g'``).
    """
    offsets = item.doc.nbsp_offsets()  # type: ignore[attr-defined]
    lines: set[int] = set()
    for off in offsets:
        where = item.where(off)
        if where.line not in lines:
            lines.add(where.line)
            yield make("DR009", "no-break space (U+00A0): drbdadm refuses it", where)


@rule("DR010", "config-differs-between-nodes", "warning", scope="cluster")
def config_differs(cluster: Cluster) -> Iterator[Finding]:
    """A resource is configured differently on two nodes.

    Why it matters: both nodes must agree on hosts, addresses, devices,
    disks and protocol; drbdadm on each node reads only its own copy, so the
    difference shows up as a resource that never connects, or one that
    connects with settings the other side does not expect.

    Example: r0 uses port 7788 in alpha's drbd.conf and 7789 in beta's.

    Fix: keep drbd.conf (and drbd.d/) identical on all nodes (csync2, etckeeper).
    """
    by_resource: dict[str, list[tuple[str, Loaded, Any]]] = {}
    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        for item in items:
            for res in item.doc.resource_list():  # type: ignore[attr-defined]
                by_resource.setdefault(res.name, []).append((node, item, res))
    for name, copies in sorted(by_resource.items()):
        first_node, first_item, first_res = copies[0]
        first = first_res.to_dict()
        for node, item, res in copies[1:]:
            if res.to_dict() != first:
                yield make(
                    "DR010",
                    f"resource {name} differs between {first_node} and {node}",
                    item.where(res.block),
                    [first_item.where(first_res.block)],
                )
