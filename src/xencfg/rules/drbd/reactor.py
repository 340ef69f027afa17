"""A DRBD resource drbd-reactor's promoter runs without DRBD quorum (DR047)."""

from __future__ import annotations

from collections.abc import Iterator

from ...bootlinks import started_at_boot
from ...cluster import Cluster
from ...findings import Finding
from ...reactor import run_promoted
from .. import make, rule
from .common import _effective, _node_configs, own_hosts
from .dual_primary import quorum_on


@rule("DR047", "promoter-without-quorum", "warning", scope="cluster", hazard=True)
def promoter_without_quorum(cluster: Cluster) -> Iterator[Finding]:
    """drbd-reactor's promoter runs a DRBD resource whose ``quorum`` is off.

    Why it matters: the promoter promotes a resource, and starts its services,
    on whichever node DRBD reports it may be promoted; it runs no fence-peer
    handler and no STONITH. When the replication network splits, each side sees
    no Primary peer and good data, so both promote and start the guest: two
    copies write apart. Only DRBD's quorum stops the side without a majority
    (drbd-reactor doc/promoter.md, "DRBD resource configuration": ``quorum
    majority;`` and ``on-no-quorum io-error;``, or ``suspend-io`` to freeze).

    Example: /etc/drbd-reactor.d/web.toml has ``[promoter.resources.vm-web]``,
    and vm-web's ``options`` (and common's) set no ``quorum``.

    Fix: ``options { quorum majority; on-no-quorum io-error; }`` for the
    resource, with three nodes (a diskless tiebreaker will do), on every node.
    """
    for node, items in _node_configs(cluster).items():
        tree = cluster.tree(node)
        if tree is None or started_at_boot(cluster, tree, "drbd-reactor") is False:
            continue
        promoted = run_promoted(cluster, tree)
        for item, res, host in own_hosts(cluster, items, node):
            where = promoted.get(res.name)
            if where is None:
                continue
            if not quorum_on(_effective(cluster, res, host.name)):
                yield make(
                    "DR047",
                    f"drbd-reactor's promoter ({where}) runs resource '{res.name}' on "
                    f"{node}, whose quorum is off: both sides of a split promote it",
                    item.where(res.block),
                )
