"""OCFS2 rules: what o2cb refuses, cluster.conf's internal consistency, copies that
differ between nodes, and the O2CB init settings that go with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster, Loaded
from ..findings import Finding
from . import make, rule


@rule("OC001", "o2cb-refuses", "error", formats=("ocfs2",))
def o2cb_refuses(item: Loaded) -> Iterator[Finding]:
    """cluster.conf parses, but o2cb (ocfs2-tools) refuses to load it.

    Why it matters: o2cb's parser is stricter than the format looks: CRLF
    line ends, a node without ``number`` or ``ip_port``, an IPv6 address or a
    repeated node name make ``o2cb online`` fail, and no OCFS2 volume mounts.

    Example: a node stanza without ``ip_port``.

    Fix: as the message says; ``o2cb_ctl`` (or ocfs2console) writes a file
    o2cb accepts.
    """
    for node, message in item.doc.problems():  # type: ignore[attr-defined]
        yield make("OC001", message, item.where(node))


def _members(doc: Any, cluster_name: str | None) -> list[Any]:
    return [n for n in doc.nodes if n.cluster == cluster_name]


@rule("OC002", "node-count-mismatch", "warning", formats=("ocfs2",))
def node_count_mismatch(item: Loaded) -> Iterator[Finding]:
    """``node_count`` differs from the number of node stanzas of the cluster.

    Why it matters: o2cb does not check it, but tools that resize the
    cluster (``o2cb_ctl``, ocfs2console) trust it, and a mismatch usually
    means a node was added on one machine and forgotten on the others.

    Example: ``node_count = 3`` with two ``node:`` stanzas.

    Fix: set node_count to the number of nodes.
    """
    doc: Any = item.doc
    for c in doc.clusters:
        count = len(_members(doc, c.name))
        if c.node_count is not None and c.node_count != count:
            yield make(
                "OC002",
                f"cluster {c.name} declares node_count {c.node_count} but has {count} node(s)",
                item.where(c.block.entry("node_count")),
            )


@rule("OC003", "node-number-or-address-twice", "error", formats=("ocfs2",))
def node_twice(item: Loaded) -> Iterator[Finding]:
    """Two nodes of one cluster share a node number or an ip_address:ip_port.

    Why it matters: the number identifies the node in the disk heartbeat
    and in locks; two nodes with one number evict each other. One address
    for two nodes means one of them never joins.

    Example: ``number = 0`` in both node stanzas.

    Fix: number the nodes 0, 1, 2, ... and give each its own address.
    """
    doc: Any = item.doc
    for c in doc.clusters:
        seen: dict[tuple[str, str], Any] = {}
        for n in _members(doc, c.name):
            keys = []
            if n.number is not None:
                keys.append(("number", str(n.number)))
            if n.ip_address is not None and n.ip_port is not None:
                keys.append(("address", f"{n.ip_address}:{n.ip_port}"))
            for kind, value in keys:
                first = seen.setdefault((kind, value), n)
                if first is not n:
                    yield make(
                        "OC003",
                        f"nodes {first.name} and {n.name} share {kind} {value}",
                        item.where(n.block),
                        [item.where(first.block)],
                    )


@rule("OC004", "node-in-no-cluster", "error", formats=("ocfs2",))
def node_in_no_cluster(item: Loaded) -> Iterator[Finding]:
    """A node stanza names a cluster that has no ``cluster:`` stanza.

    Why it matters: o2cb loads only the nodes of the clusters it knows; the
    node is silently left out and cannot mount the volume.

    Example: ``cluster = ocfs2`` while the stanza says ``name = cfgpool``.

    Fix: use the ``cluster:`` stanza's name.
    """
    doc: Any = item.doc
    names = {c.name for c in doc.clusters}
    for n in doc.nodes:
        if n.cluster is not None and n.cluster not in names:
            yield make(
                "OC004",
                f"node {n.name} belongs to cluster {n.cluster}, which is not defined here",
                item.where(n.block.entry("cluster")),
            )


@rule("OC005", "cluster-conf-differs", "error", scope="cluster")
def cluster_conf_differs(cluster: Cluster) -> Iterator[Finding]:
    """/etc/ocfs2/cluster.conf differs between nodes.

    Why it matters: each node's o2cb builds the cluster from its own copy;
    nodes with different member lists or numbers refuse each other's
    connections, and mounts hang.

    Example: a node added to cluster.conf on alpha only.

    Fix: copy one cluster.conf to every node, then restart o2cb.
    """
    first: tuple[Any, Loaded] | None = None
    for item in cluster.docs("ocfs2"):
        if not item.node:
            continue
        model = item.doc.to_dict()
        if first is None:
            first = (model, item)
        elif model != first[0]:
            yield make(
                "OC005",
                f"cluster.conf on {item.node} differs from {first[1].node}'s",
                item.where(),
                [first[1].where()],
            )


def _o2cb(cluster: Cluster, node: str | None) -> Loaded | None:
    for item in cluster.docs("shellvars", node):
        if item.file.display.replace("\\", "/").endswith(("sysconfig/o2cb", "default/o2cb")):
            return item
    return None


@rule("OC006", "o2cb-boot-settings", "warning", scope="cluster")
def o2cb_boot_settings(cluster: Cluster) -> Iterator[Finding]:
    """The O2CB init settings do not bring up the cluster cluster.conf defines.

    Why it matters: at boot the o2cb init script starts only
    ``O2CB_BOOTCLUSTER``, and only when ``O2CB_ENABLED=true``; otherwise no
    OCFS2 volume mounts until someone runs ``o2cb online`` by hand.
    ``O2CB_HEARTBEAT_THRESHOLD`` counts disk heartbeats and does nothing in
    user (cluster-stack) heartbeat mode.

    Example: /etc/sysconfig/o2cb without O2CB_ENABLED and O2CB_BOOTCLUSTER.

    Fix: ``O2CB_ENABLED=true`` and ``O2CB_BOOTCLUSTER=<cluster:'s name>``.
    """
    for item in cluster.docs("ocfs2"):
        conf = _o2cb(cluster, item.node)
        if conf is None:
            continue
        doc: Any = conf.doc
        o2cb = doc.o2cb
        names = [c.name for c in item.doc.clusters]  # type: ignore[attr-defined]
        if o2cb.enabled is not True:
            yield make(
                "OC006",
                "O2CB_ENABLED is not true: o2cb does not start at boot",
                conf.where(doc.assignment("O2CB_ENABLED")),
            )
        if o2cb.bootcluster is None or o2cb.bootcluster not in names:
            what = o2cb.bootcluster or "not set"
            yield make(
                "OC006",
                f"O2CB_BOOTCLUSTER is {what}; cluster.conf defines {', '.join(names) or 'none'}",
                conf.where(doc.assignment("O2CB_BOOTCLUSTER")),
                [item.where()],
            )
        mode = (o2cb.heartbeat_mode or "").lower()
        if mode == "user" and o2cb.heartbeat_threshold is not None:
            yield make(
                "OC006",
                "O2CB_HEARTBEAT_THRESHOLD has no effect with O2CB_HEARTBEAT_MODE=user",
                conf.where(doc.assignment("O2CB_HEARTBEAT_THRESHOLD")),
            )
