"""open-iscsi's node records (``iscsiadm -m node``) against the targets of the run
(LS028, LS029)."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding
from .. import make, rule
from .common import _at
from .iscsi import _configured_targets, _elsewhere, _portal_address


@rule("LS028", "iscsi-record-unknown-target", "warning", scope="cluster")
def iscsi_record_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """A node keeps an open-iscsi node record for a target no configuration of the
    run names.

    Why it matters: the record is what ``iscsiadm -m node --loginall=automatic``
    (the boot script) and ``iscsiadm -m node -l`` log in to. A record left from a
    retired target logs in again at every boot where a target still answers
    under that name (its disks appear, and multipath may claim them), or holds
    the boot while iscsid retries a portal nobody answers on. Sessions show only
    what is logged in now (LS010); the records show what will be.

    Read from ``iscsiadm -m node`` (flat, ``-P 1`` or ``-o show``; sos's iscsi
    plugin keeps ``-P 1`` and ``--op=show``). A record whose ``node.startup`` is
    shown as ``manual`` logs in only when asked, and is not reported. Not judged
    when the run holds no target configuration (an external SAN).

    Example: xen2's records list ``10.0.2.11:3260,1
    iqn.2026-11.net.example:san1.old``; san1's ietd.conf exports ``san1.pool``
    and ``san1.web`` only.

    Fix: ``iscsiadm -m node -T IQN -p PORTAL -o delete`` (log out first if a
    session is open); or add the target to the configuration if it is in use.
    """
    if not cluster.has("iscsi-node"):
        return
    from ...formats.status.iscsi_node import IscsiNodeDocument

    targets = _configured_targets(cluster)
    if not targets:
        return
    said: set[tuple[str | None, str]] = set()
    for item, doc in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in doc.records:
            if r.target in targets or r.startup == "manual" or (item.node, r.target) in said:
                continue
            said.add((item.node, r.target))
            yield make(
                "LS028",
                f"{item.node or '?'} has a node record for {r.target} at {r.address}: no "
                "ietd.conf or CIB resource of this run names that target",
                _at(item, r.line),
            )


@rule("LS029", "iscsi-record-portal-not-target", "warning", scope="cluster")
def iscsi_record_portal_not_target(cluster: Cluster) -> Iterator[Finding]:
    """A node record of a configured target points at a portal that none of the
    boxes exporting the target holds.

    Why it matters: the target moved (a new address, a new box) and the old
    record stayed: at boot, or at ``iscsiadm -m node -T IQN -l``, open-iscsi logs
    in at that address too. Nobody answers (the boot waits on the retries), or
    another machine does: a retired box still running, or the address now
    someone else's, whose LUN under the same name multipath may add as one more
    path of the map (see LS019, which judges the sessions).

    Read from ``iscsiadm -m node`` beside the ietd.conf of the boxes exporting
    the target and their captured addresses (``ip addr``); judged only when
    every such box had its addresses captured.

    Example: san1 exports ``iqn.2026-11.net.example:san1.web`` and holds
    10.0.2.11; xen2's records hold ``10.0.2.11:3260,1`` and ``10.0.9.99:3260,1``
    for it.

    Fix: ``iscsiadm -m node -T IQN -p OLD-ADDRESS -o delete``; discover the
    target again at its portal (``iscsiadm -m discovery -t st -p ADDRESS``).
    """
    if not cluster.has("iscsi-node") or not cluster.has("ip-addr"):
        return
    from ...formats.status.iscsi_node import IscsiNodeDocument

    said: set[tuple[str | None, str, str]] = set()
    for item, doc in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in doc.records:
            address = _portal_address(f"[{r.address}]:0" if ":" in r.address else f"{r.address}:0")
            boxes = _elsewhere(cluster, r.target, address)
            if boxes is None or address is None or (item.node, r.target, address) in said:
                continue
            said.add((item.node, r.target, address))
            yield make(
                "LS029",
                f"{item.node or '?'}'s node record for {r.target} points at {address}, "
                f"which {', '.join(boxes)} (exporting the target) do(es) not hold",
                _at(item, r.line),
            )
