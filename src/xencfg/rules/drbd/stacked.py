"""Stacked resources (``stacked-on-top-of``): the upper resource runs on whichever node
is primary of the lower one, at an address the cluster manager must move with it."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding
from ...formats.drbd import Host
from ...formats.drbd.values import Address, parse_address
from .. import make, rule
from ..iscsi.failover import _floating_addresses
from .common import _node_configs, _resources, node_hosts
from .includes import whole_configuration


@rule("DR040", "stacked-address-not-moved", "error", scope="cluster")
def stacked_address_not_moved(cluster: Cluster) -> Iterator[Finding]:
    """A stacked resource's address (in its ``stacked-on-top-of`` section) is no address
    the node's cluster manager moves (haresources ``IPaddr``/``IPaddr2``, the CIB's
    IPaddr/IPaddr2 ``ip``), on a node that runs the lower resource and has a
    cluster manager's resource list.

    Why it matters: the upper resource comes up on whichever node of the pair is
    primary of the lower one, so its address must follow that node: the DRBD user's
    guide has the cluster manager start an IP address before the stacked resource
    (haresources ``drbddisk::LOWER IPaddr::ADDR drbdupper::UPPER``, or an IPaddr2
    primitive ordered before it). drbdadm 8.4 does not check the address (``drbdadm
    --stacked -d up`` prints the ``connect`` with it on a node without it); the
    kernel then cannot bind it ("bind before connect failed, err = -99",
    EADDRNOTAVAIL) and drops the connection (WFConnection -> Disconnecting), so the
    off-site node is never fed and its copy silently ages. Judged only where the
    node's haresources or CIB exists (a pair started by hand is not).

    With DRBD Proxy (a ``proxy on HOSTS { inside ...; outside ...; }`` in the section)
    DRBD connects to the proxy on the node itself (``address 127.0.0.1:PORT``, which
    any node binds) and the proxy binds the ``outside`` address towards the other
    site (the DRBD user's guide, "Using DRBD Proxy"; peer-drbdadm --mode 84 accepts
    such a section in ``stacked-on-top-of``): that address is the one that must move.

    Example: ``stacked-on-top-of r-local { address 192.168.42.10:7791; }`` while
    haresources says ``alpha drbddisk::r-local IPaddr::192.168.42.11/24/eth2
    drbdupper::r-dr``.

    Fix: make the cluster manager's address and the stacked resource's address the
    same.
    """
    floating: set[str] | None = None
    for node, items in sorted(_node_configs(cluster).items()):
        if not node or not (cluster.has("haresources", node=node) or cluster.has("cib", node=node)):
            continue
        resources = _resources(cluster, items)
        lower_here = {res.name for _, res in resources if node_hosts(res, node)}
        for item, res in resources:
            for h in res.host_list:
                if h.kind != "stacked-on-top-of" or h.name not in lower_here:
                    continue
                address, proxied = _bound(h)
                if address is None or not address.ip:
                    continue
                if floating is None:
                    floating = _floating_addresses(cluster)
                if address.ip in floating:
                    continue
                said = ", ".join(sorted(floating)) or "none"
                who = "DRBD Proxy (outside)" if proxied else "the kernel"
                yield make(
                    "DR040",
                    f"stacked resource '{res.name}' listens on {address.ip}, which no "
                    f"IPaddr of the cluster manager moves (it moves {said}): on {node} "
                    f"{who} cannot bind it, the stacked resource never connects and "
                    "the off-site copy is not updated",
                    item.where(h.block),
                )


@rule("DR046", "stacked-lower-undefined", "error", scope="cluster")
def stacked_lower_undefined(cluster: Cluster) -> Iterator[Finding]:
    """A stacked resource's ``stacked-on-top-of`` names a resource the node's drbd
    configuration does not define.

    Why it matters: drbdadm refuses the whole configuration, 8.3, 8.4 and 9 alike:
    "in resource r0-U, referenced resource 'r0' not defined." (exit 10; peer-drbdadm
    --mode 83/84/9 on the disaster-recovery node's file), so no resource of the node,
    the stacked one included, can be brought up, adjusted or dumped. It happens on
    the off-site node when only the upper resource's file is copied there: that node
    has no ``on`` section in the lower resource, but drbdadm still reads the lower
    resource to place the stacked device, so the DRBD user's guide keeps the same
    configuration, both resources, on all three nodes.

    Judged where the node's configuration is whole: its /etc/drbd.conf is linted and
    every plain ``include`` opens (a drbd.d file linted alone may have the lower
    resource in another file).

    Example: the DR node's drbd.d holds ``r0-U.res`` (``stacked-on-top-of r0 { ... }``
    and ``on dr1 { ... }``) but no ``r0.res``.

    Fix: copy the lower resource's file to the node too (drbdadm ignores a resource
    without a section for the node).
    """
    for node, items in sorted(_node_configs(cluster).items()):
        if not node or not whole_configuration(items):
            continue
        resources = _resources(cluster, items)
        defined = {res.name for _, res in resources}
        for item, res in resources:
            for h in res.host_list:
                if h.kind == "stacked-on-top-of" and h.name and h.name not in defined:
                    yield make(
                        "DR046",
                        f"resource '{res.name}' is stacked on '{h.name}', which {node}'s drbd"
                        " configuration does not define: drbdadm refuses the whole"
                        f" configuration (referenced resource '{h.name}' not defined)",
                        item.where(h.block),
                    )


def _bound(host: Host) -> tuple[Address | None, bool]:
    """The address a node must own for a stacked section, and whether DRBD Proxy binds
    it: the ``address``, or with DRBD Proxy (a loopback ``address`` and a ``proxy on``
    section) the proxy's ``outside``; ``None`` for a loopback address with no proxy
    ``outside``."""
    address = host.address
    if address is None or not (address.ip.startswith("127.") or address.ip == "::1"):
        return address, False
    for proxy in host.block.blocks("proxy"):
        outside = proxy.entry("outside")
        if outside is not None:
            return parse_address(outside.values, 0, outside), True
    return None, False
