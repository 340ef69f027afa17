"""DRBD resource-level fencing through the CIB: a constraint placed with no handler
to lift it."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded, short
from ...findings import Finding
from ...formats.drbd import Effective
from .. import make, rule
from ..documents import hacf_doc as _hacf
from ..heartbeat import _stacks
from .dual_primary import _settled


def _calls(value: object, script: str) -> bool:
    """Whether a handler's command line runs ``script`` (any directory, any args)."""
    return isinstance(value, str) and script in value


def _peer_fencing(eff: Effective) -> tuple[str, object, object] | None:
    """A resource's fence-peer handler (8.0-8.2: ``outdate-peer``) as ``(keyword,
    command, fencing policy)``, the policy from ``disk`` (DRBD 9: ``net``) or
    ``None`` (``dont-care``, the default); ``None`` without a handler."""
    handlers = eff.sections.get("handlers", {})
    key = next((k for k in ("fence-peer", "outdate-peer") if handlers.get(k)), None)
    if key is None:
        return None
    policy = eff.sections.get("disk", {}).get("fencing") or eff.sections.get("net", {}).get(
        "fencing"
    )
    return key, handlers[key], policy


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
        found = _peer_fencing(eff)
        if found is None or found[2] not in (None, "dont-care"):
            continue
        key, command, fencing = found
        yield make(
            "DR042",
            f"resource '{res.name}' has a {key} handler ({command}) but fencing "
            f"{fencing or 'dont-care (the default)'}: DRBD never calls it, a peer cut off "
            "keeps its stale disk and can be promoted",
            item.where(res.block),
        )


def _no_dopd(stacks: dict[str, tuple[str, Loaded]], node: str) -> tuple[str, Loaded] | None:
    """Why no dopd answers on ``node``, with the file that shows it: its ha.cf starts
    none (no ``respawn ... dopd``), or the node runs corosync or cman and no heartbeat.
    ``None`` where dopd runs or the files do not say (``stacks``, heartbeat's
    ``_stacks``: no stack file, or both stacks, the new one beside the old)."""
    found = stacks.get(short(node))
    if found is None:
        return None
    stack, item = found
    if stack != "heartbeat":
        why = (
            f"it runs {stack} ({item.file.display}), not heartbeat, and dopd is a heartbeat client"
        )
        return why, item
    started = [r.command.split()[0] for r in _hacf(item).respawn if r.command]
    if any(cmd.rsplit("/", 1)[-1] == "dopd" for cmd in started):
        return None
    return "its ha.cf starts no dopd (no 'respawn hacluster .../dopd')", item


@rule("DR045", "outdater-without-dopd", "warning", scope="cluster", hazard=True)
def outdater_without_dopd(cluster: Cluster) -> Iterator[Finding]:
    """A ``fence-peer`` (8.0-8.2: ``outdate-peer``) handler runs
    ``drbd-peer-outdater`` under a ``fencing`` policy, on a node where no dopd runs:
    its ha.cf has no ``respawn ... dopd`` line, or it runs corosync or cman and no
    heartbeat (a cluster moved off heartbeat that kept the old handler).

    Why it matters: drbd-peer-outdater only asks dopd, heartbeat's DRBD outdate-peer
    daemon, to outdate the peer over heartbeat's links. When it cannot reach dopd it
    exits with its default code 5, "down/unreachable" (drbd-peer-outdater.c: ``rc = 5;
    /* default: down/unreachable */``), and DRBD then takes the peer for dead: "peer is
    unreachable, assumed to be dead", its disk marked Outdated without telling it
    (drbd_nl.c, the fence-peer exit codes). The fencing only looks configured: when the
    replication link fails, nothing outdates the peer, and the cluster manager can
    promote its stale disk, so the two copies diverge. The DRBD user's guide sets dopd up
    with ``respawn hacluster /usr/lib/heartbeat/dopd`` and ``apiauth dopd
    gid=haclient uid=hacluster`` in ha.cf.

    Example: ``handlers { fence-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }``
    with ``disk { fencing resource-only; }`` on a node whose only stack file is
    /etc/corosync/corosync.conf.

    Fix: on heartbeat, add the two ha.cf lines above on every node; under Pacemaker
    (any stack), ``fence-peer "/usr/lib/drbd/crm-fence-peer.sh";`` with
    ``after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";`` (DRBD 9: the ``.9.sh``
    scripts, ``unfence-peer``).
    """
    stacks = _stacks(cluster)
    for item, res, eff in _settled(cluster):
        found = _peer_fencing(eff)
        if found is None or not _calls(found[1], "drbd-peer-outdater") or not item.node:
            continue
        if found[2] in (None, "dont-care"):
            continue  # (DRBD never calls the handler: DR042's)
        why = _no_dopd(stacks, item.node)
        if why is None:
            continue
        yield make(
            "DR045",
            f"resource '{res.name}' fences its peer with drbd-peer-outdater, but no dopd "
            f"answers on {item.node}: {why[0]}; the outdater then exits 5 and DRBD takes "
            "the peer for dead without outdating it",
            item.where(res.block),
            [why[1].where()],
        )
