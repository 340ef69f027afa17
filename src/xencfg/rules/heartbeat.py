"""heartbeat rules: membership that disagrees between files and nodes, redundant
communication paths, start-up timing, and keys that differ between nodes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..cluster import Cluster, Loaded, memberships
from ..findings import Finding
from . import make, rule


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


def _intended_nodes(item: Loaded) -> tuple[list[str], object]:
    """ha.cf's members, or what a misspelt ``nodes`` line meant (heartbeat ignores it)."""
    doc = item.doc
    names: list[str] = doc.nodes  # type: ignore[attr-defined]
    if names:
        return names, doc.entry("node")  # type: ignore[attr-defined]
    for node, kind, suggestion in doc.keyword_problems():  # type: ignore[attr-defined]
        if kind == "unknown" and suggestion and suggestion.split()[0] == "node":
            return list(node.values), node
    return [], None


@rule("HB001", "node-names-disagree", "error", scope="cluster")
def node_names_disagree(cluster: Cluster) -> Iterator[Finding]:
    """Files name the cluster's nodes differently (ha.cf, drbd.conf, OCFS2, cman, CIB).

    Why it matters: every layer finds "itself" by ``uname -n``. When ha.cf
    says ``xen-1`` and drbd.conf ``xen1``, one of them never recognises the
    local node: heartbeat does not start, or DRBD refuses the resource, and
    the CIB's location constraints point at nodes that never join.

    Example: ha.cf ``nodes xen-1 xen-2`` (itself a typo for ``node``) while
    drbd.conf has ``on xen1`` and ``on xen2``.

    Fix: use each host's ``uname -n`` everywhere.
    """
    reference: tuple[set[str], str, Loaded, object] | None = None
    for item in cluster.docs("hacf"):
        names, anchor = _intended_nodes(item)
        if names:
            reference = ({_short(n) for n in names}, "ha.cf", item, anchor)
            break
    others = [m for m in memberships(cluster) if m.source != "ha.cf"]
    if reference is None:
        if not others:
            return
        first = others[0]
        reference = ({_short(n) for n in first.names}, first.source, first.item, None)
    ref_names, ref_source, ref_item, ref_anchor = reference
    for item in cluster.docs("hacf"):
        names, anchor = _intended_nodes(item)
        if names and {_short(n) for n in names} != ref_names:
            yield _disagree(
                item, anchor, "ha.cf", names, ref_source, ref_names, ref_item, ref_anchor
            )
    for m in others:
        mine = {_short(n) for n in m.names}
        # a DRBD resource may span some nodes only; names nobody else knows are the error
        differs = not mine <= ref_names if m.source == "drbd" else mine != ref_names
        if differs:
            anchor = m.anchors.get(next((n for n in m.names if _short(n) not in ref_names), ""))
            yield _disagree(
                m.item, anchor, m.source, list(m.names), ref_source, ref_names, ref_item, ref_anchor
            )


def _disagree(
    item: Loaded,
    anchor: object,
    source: str,
    names: list[str],
    ref_source: str,
    ref_names: set[str],
    ref_item: Loaded,
    ref_anchor: object,
) -> Finding:
    return make(
        "HB001",
        f"{source} names nodes {', '.join(names)}; {ref_source} names "
        f"{', '.join(sorted(ref_names))}",
        item.where(anchor),
        [ref_item.where(ref_anchor)],
    )


@rule("HB002", "one-communication-path", "warning", formats=("hacf",))
def one_communication_path(item: Loaded) -> Iterator[Finding]:
    """heartbeat talks over one interface (or serial line) only.

    Why it matters: when that single link fails, each node thinks the other
    died and both take over the resources: split brain, with two nodes
    writing the same DRBD or SAN disks.

    Example: ``bcast eth0`` and nothing else.

    Fix: add a second, independent path: ``ucast eth1 PEER`` on a crossover
    cable, or ``serial /dev/ttyS0``.
    """
    media = item.doc.comm_paths  # type: ignore[attr-defined]
    devices = {d for m in media for d in m.devices}
    if len(devices) == 1:
        yield make(
            "HB002",
            f"only one communication path ({next(iter(devices))}): a failed link splits the "
            "cluster",
            item.where(media[0].node),
        )


@rule("HB003", "initdead-too-short", "warning", formats=("hacf",))
def initdead_too_short(item: Loaded) -> Iterator[Finding]:
    """``initdead`` is less than twice ``deadtime``.

    Why it matters: after a boot the network and the peer take longer to
    appear than a running cluster's deadtime allows; with a short initdead
    a node declares its peer dead at start-up and takes every resource
    (heartbeat's own documentation asks for at least twice deadtime).

    Example: ``deadtime 50`` with ``initdead 50``.

    Fix: ``initdead`` of at least 2 x ``deadtime`` (here 100).
    """
    doc = item.doc
    initdead = doc.initdead  # type: ignore[attr-defined]
    deadtime = doc.deadtime or 30.0  # type: ignore[attr-defined]
    if initdead is not None and initdead < 2 * deadtime:
        yield make(
            "HB003",
            f"initdead {initdead:g}s is less than twice deadtime {deadtime:g}s",
            item.where(doc.entry("initdead")),  # type: ignore[attr-defined]
            [item.where(doc.entry("deadtime"))] if doc.entry("deadtime") else [],  # type: ignore[attr-defined]
        )


@rule("HB004", "own-node-not-a-member", "error", scope="cluster")
def own_node_not_member(cluster: Cluster) -> Iterator[Finding]:
    """A node's ha.cf does not list the node itself.

    Why it matters: heartbeat compares ``uname -n`` with the ``node`` lines;
    a node that is not among them refuses to start ("current node [x] not in
    configuration").

    Example: on ``xen1``, ha.cf says ``node xen-1 xen-2``.

    Fix: list every node by its ``uname -n``.
    """
    for item in cluster.docs("hacf"):
        if not item.node:
            continue
        names = item.doc.nodes  # type: ignore[attr-defined]
        if names and _short(item.node) not in {_short(n) for n in names}:
            yield make(
                "HB004",
                f"node {item.node} is not among its own ha.cf nodes ({', '.join(names)})",
                item.where(item.doc.entry("node")),  # type: ignore[attr-defined]
            )


def _fingerprint(item: Loaded) -> str | None:
    """The active method and key, hashed: enough to compare, nothing to print."""
    active = item.doc.active  # type: ignore[attr-defined]
    if active is None:
        return None
    return hashlib.sha256(f"{active.method}\0{active.secret}".encode()).hexdigest()


@rule("HB005", "authkeys-differ", "error", scope="cluster")
def authkeys_differ(cluster: Cluster) -> Iterator[Finding]:
    """The nodes sign heartbeat messages with different keys (or methods).

    Why it matters: a node drops every message whose signature it cannot
    verify, so the nodes never see each other and each takes over the
    resources: split brain from the first start.

    Example: ``1 sha1 abc...`` on alpha, ``1 sha1 abd...`` on beta.

    Fix: copy one authkeys to every node (mode 0600). The message never shows
    the keys.
    """
    first: tuple[str, Loaded] | None = None
    for item in cluster.docs("authkeys"):
        if not item.node:
            continue
        fp = _fingerprint(item)
        if fp is None:
            continue
        if first is None:
            first = (fp, item)
        elif fp != first[0]:
            yield make(
                "HB005",
                f"authkeys on {item.node} differs from {first[1].node}'s (method or key)",
                item.where(item.doc.entry("auth")),  # type: ignore[attr-defined]
                [first[1].where(first[1].doc.entry("auth"))],  # type: ignore[attr-defined]
            )
