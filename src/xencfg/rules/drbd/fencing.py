"""DRBD resource-level fencing through the CIB: a constraint placed with no handler
to lift it."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding
from .. import make, rule
from .dual_primary import _settled


def _calls(value: object, script: str) -> bool:
    """Whether a handler's command line runs ``script`` (any directory, any args)."""
    return isinstance(value, str) and script in value


@rule("DR041", "crm-fence-without-unfence", "error", scope="cluster", hazard=True)
def crm_fence_without_unfence(cluster: Cluster) -> Iterator[Finding]:
    """A ``fence-peer`` handler runs ``crm-fence-peer.sh`` (or ``.9.sh``), and no
    ``after-resync-target`` or ``unfence-peer`` handler runs ``crm-unfence-peer``.

    Why it matters: when the peer is lost, crm-fence-peer.sh puts a location
    constraint ``drbd-fence-by-handler-RES-MS`` into the CIB that forbids the
    Master role everywhere but on this node. Only the same script called as
    crm-unfence-peer.sh removes it (drbd-utils' scripts/crm-fence-peer.sh: ``case
    $PROG in ... crm-unfence-peer.sh) drbd_peer_fencing unfence``); the DRBD user's
    guide sets it as ``after-resync-target`` next to the ``fence-peer`` handler. Without
    it the constraint outlives the resync: after the first network outage the peer,
    UpToDate again, can never be promoted, and the next failover of the guests
    fails until an admin deletes the constraint by hand.

    Example: ``handlers { fence-peer "/usr/lib/drbd/crm-fence-peer.sh"; }`` and no
    ``after-resync-target``.

    Fix: ``after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";`` (DRBD 9:
    ``unfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh";``).
    """
    for item, res, eff in _settled(cluster):
        handlers = eff.sections.get("handlers", {})
        fence = handlers.get("fence-peer")
        if not (_calls(fence, "crm-fence-peer.sh") or _calls(fence, "crm-fence-peer.9.sh")):
            continue
        if any(
            _calls(handlers.get(k), "crm-unfence-peer")
            for k in ("after-resync-target", "unfence-peer")
        ):
            continue
        yield make(
            "DR041",
            f"resource '{res.name}' fences its peer with {fence} but no after-resync-target "
            "(or unfence-peer) handler runs crm-unfence-peer.sh: the constraint it places in "
            "the CIB stays after the resync and the peer can never be promoted",
            item.where(res.block),
        )


@rule("DR042", "fence-peer-never-called", "warning", scope="cluster", hazard=True)
def fence_peer_never_called(cluster: Cluster) -> Iterator[Finding]:
    """A ``fence-peer`` (8.0-8.2: ``outdate-peer``) handler while the resource's
    ``fencing`` policy is ``dont-care``, the default.

    Why it matters: DRBD calls the handler only under ``fencing resource-only`` or
    ``resource-and-stonith``; drbd.conf(5) of 8.3 and 8.4: "dont-care: This is the
    default policy. No fencing actions are taken." The handler (heartbeat's dopd
    outdater, crm-fence-peer.sh) looks like protection but never runs: when the
    replication link fails, the peer's stale disk is not outdated and the cluster
    manager can promote it, so the two copies diverge. Guides of the heartbeat era
    (Ubuntu's HighlyAvailableiSCSITarget among them) set the handler and forgot the
    policy.

    Example: ``handlers { outdate-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }``
    and no ``fencing`` in ``disk`` (DRBD 9: ``net``).

    Fix: ``disk { fencing resource-only; }`` (DRBD 9: in ``net``) (or
    ``resource-and-stonith`` with a handler that can STONITH).
    """
    for item, res, eff in _settled(cluster):
        handlers = eff.sections.get("handlers", {})
        key = next((k for k in ("fence-peer", "outdate-peer") if handlers.get(k)), None)
        if key is None:
            continue
        fencing = eff.sections.get("disk", {}).get("fencing") or eff.sections.get("net", {}).get(
            "fencing"
        )
        if fencing not in (None, "dont-care"):
            continue
        yield make(
            "DR042",
            f"resource '{res.name}' has a {key} handler ({handlers[key]}) but fencing "
            f"{fencing or 'dont-care (the default)'}: DRBD never calls it, a peer cut off "
            "keeps its stale disk and can be promoted",
            item.where(res.block),
        )
