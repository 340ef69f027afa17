"""DRBD dual-primary hazards: two primaries without protocol C or without fencing,
after-split-brain policies that discard a primary's data, ``become-primary-on both``."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.drbd import Effective, Resource
from .. import make, rule
from .common import _effective, _node_configs, _on_hosts, _resources


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

    DRBD 9's quorum does the same job: with ``options { quorum majority; }`` a
    node that loses the majority of its peers fails its writes
    (``on-no-quorum io-error``) or freezes them (``suspend-io``, the default:
    drbd.conf(5) "By default DRBD freezes IO on a device, that lost quorum")
    instead of diverging, so no warning then (drbd-utils' ocf_linbit_drbd(7):
    "To avoid data-divergence, you should enable either DRBD "quorum" and
    "on-no-quorum io-error" (recommended), or configure proper fencing
    policies in both DRBD *and* Pacemaker (fencing resource-and-stonith)";
    drbd-reactor's promoter.md has ``suspend-io`` for resources it freezes).

    Fix: ``disk { fencing resource-and-stonith; }`` (DRBD 9: in ``net``; drbdadm 9
    of drbd-utils before 9.29 refuses it in ``disk``, XC008) with a ``fence-peer``
    handler, and STONITH in the cluster manager; or, on DRBD 9 with three or
    more nodes, ``quorum majority`` with ``on-no-quorum io-error``.
    """
    for item, res, eff in _dual_primary(cluster):
        fencing = eff.sections.get("disk", {}).get("fencing") or eff.sections.get("net", {}).get(
            "fencing"
        )
        if fencing != "resource-and-stonith" and not quorum_on(eff):
            yield make(
                "DR011",
                f"resource '{res.name}' allows two primaries with fencing "
                f"{fencing or 'dont-care (default)'}",
                item.where(res.block),
            )


def quorum_on(eff: Effective) -> bool:
    """DRBD 9 quorum on: a node without it fails (``io-error``) or freezes
    (``suspend-io``, the default) its writes, so neither side diverges (DR011); a
    promoter that sees it off promotes on both sides of a split (DR047)."""
    options = eff.sections.get("options", {})
    return str(options.get("quorum") or "off").lower() != "off"


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
