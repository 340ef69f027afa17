"""DRBD 9: quorum and the peers the files connect a node to, against drbdsetup status
(LS030, LS031)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...cluster import Cluster, Loaded
from ...findings import Finding
from .. import make, rule
from .common import _at, _short
from .drbd import _Res, configured_drbd


def _running(cluster: Cluster, r: _Res) -> Iterator[tuple[Loaded, Any]]:
    """The resource as DRBD 9's ``drbdsetup status`` (text or JSON) of its node shows
    it: the forms that name each peer (DRBD 8's XML and drbd-overview do not)."""
    if not cluster.has("drbd-status", node=r.node):
        return
    from ...formats.status.drbd_status import DrbdStatusDocument

    for item, st in cluster.typed("drbd-status", DrbdStatusDocument, r.node):
        live = st.resource(r.name) if st.peers_named else None
        if live is not None:
            yield item, live


def _quorum_option(r: _Res) -> str | None:
    """The ``quorum`` option drbdadm gives the resource on its node (``None``: unset,
    which is ``off``)."""
    try:
        opts = r.res.effective(r.host).sections.get("options", {})
    except KeyError:
        return None
    value = opts.get("quorum")
    return None if value is None else str(value)


@rule("LS030", "drbd-quorum-lost", "error", scope="cluster")
def drbd_quorum_lost(cluster: Cluster) -> Iterator[Finding]:
    """A running DRBD 9 volume has no quorum.

    Why it matters: with ``options { quorum majority; }`` (or ``all``, or a
    number) a DRBD 9 node that sees too few of the resource's nodes loses quorum:
    ``drbdsetup status`` then prints ``quorum:no`` on the volume (drbd-utils
    user/v9/drbdsetup.c ``device_status``: the word is printed when quorum is
    lost, always with ``--verbose``; ``"quorum": false`` in ``--json``,
    ``device_status_json``). A Primary without quorum fails every write
    (``on-no-quorum io-error``, the default) or freezes it (``suspend-io``):
    the domU on it stops; a Secondary without quorum cannot be promoted, so the
    cluster cannot move the domU there. A two-node resource with quorum loses
    it as soon as one node is down, which is why a diskless tiebreaker is added
    as a third node. (``quorum off`` never prints ``quorum:no``: shown with
    ``quorum off`` in the files, the kernel runs older options: ``drbdadm
    adjust`` was not run.)

    Example: drbd.conf ``options { quorum majority; }`` for ``vm-web`` on ash1,
    ash2 and the diskless ash3; ash1's ``drbdsetup status``: ``volume:0
    disk:UpToDate quorum:no`` with ash2 and ash3 ``connection:Connecting``.

    Fix: bring the peers back (their state, the replication network: LS002,
    LS031); ``drbdadm adjust RESOURCE`` after a change of the files.
    """
    for r in configured_drbd(cluster):
        for item, live in _running(cluster, r):
            lost = [v for v in live.volumes if v.quorum is False]
            if not lost:
                continue
            option = _quorum_option(r)
            said = (
                f"the files set quorum {option}"
                if option not in (None, "off")
                else "the files set no quorum (drbdadm adjust not run?)"
            )
            vols = ", ".join(str(v.volume) for v in lost)
            yield make(
                "LS030",
                f"DRBD resource '{r.name}' on {r.node} has no quorum (volume {vols}; "
                f"{said}): a Primary fails or freezes its writes, a Secondary cannot "
                "be promoted",
                _at(item, live.line),
                [r.where()],
            )


def _peers(r: _Res) -> set[str]:
    """The hosts drbdadm 9 connects this node to for the resource (``connection``
    sections, ``connection-mesh``, or the implicit pair), short names."""
    me = _short(r.host)
    out: set[str] = set()
    for link in r.res.links():
        hosts = {_short(h) for h in link.hosts}
        if me in hosts:
            out |= hosts - {me}
    return out


@rule("LS031", "drbd-peer-not-connected-in-kernel", "warning", scope="cluster")
def drbd_peer_missing(cluster: Cluster) -> Iterator[Finding]:
    """A DRBD 9 resource runs without a connection the files give it.

    Why it matters: drbdadm creates one connection per peer the files name
    (``connection`` sections, ``connection-mesh { hosts ...; }``, or the pair of
    a two-host resource), and ``drbdsetup status`` lists each by the peer's name,
    in every state (``Connecting``, ``StandAlone``: LS002, LS003). A peer that is
    not listed at all was never added to the running resource: the files gained
    a node (a diskless tiebreaker, a third replica) and ``drbdadm adjust`` was
    not run, or ran on another node only. That peer gets no replica and counts
    for no quorum: a tiebreaker that is not connected does not keep the
    survivor's quorum when a node fails (LS030).

    Read from DRBD 9's ``drbdsetup status`` / ``drbdadm status`` text and
    ``--json`` (DRBD 8's forms show one unnamed peer and are not judged).

    Example: vm-web's ``connection-mesh { hosts ash1 ash2 ash3; }``; ash1's
    ``drbdsetup status`` lists ``ash2`` only.

    Fix: ``drbdadm adjust RESOURCE`` on every node of the resource (the
    tiebreaker too), then check ``drbdsetup status`` shows each peer.
    """
    for r in configured_drbd(cluster):
        peers = _peers(r)
        if not peers:
            continue
        for item, live in _running(cluster, r):
            listed = {_short(c.peer) for c in live.connections}
            missing = sorted(peers - listed)
            if missing:
                yield make(
                    "LS031",
                    f"DRBD resource '{r.name}' runs on {r.node} without a connection to "
                    f"{', '.join(missing)}, which the files connect it to: drbdadm adjust "
                    "was not run there (no replica, no quorum vote from it)",
                    _at(item, live.line),
                    [r.where()],
                )
