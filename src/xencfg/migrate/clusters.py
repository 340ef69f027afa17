"""The clusters of a site: which node trees :func:`xencfg.migrate.plan` migrates
together (:func:`site_clusters`).

A site is often more than one cluster: three dom0s on heartbeat 2 beside an IET
storage pair on heartbeat 1, each with its own ha.cf ``node`` lines, udpport and
authkeys. Migrating them as one wrote a single corosync nodelist of all five nodes
(which neither cluster had: each heartbeat only talks to the nodes of its own ha.cf)
and dropped the second cluster's haresources. Each messaging layer's members are read
as its daemon reads them (:func:`xencfg.membership.stack_lists`: ha.cf node lines or
autojoin, a corosync nodelist or udpu members, cman's clusternodes); node trees whose
lists share a member are one cluster."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..cluster import short
from ..discover import NodeTree
from ..errors import XencfgError
from .migration import Migration, Reads, loaded_cluster
from .order import plan_order
from .part_storage import plan_wwids

#: The files that make a node a member of a messaging layer (its stack files), and
#: those that give the addresses a corosync ring0_addr or udpu member may name.
STACK = ("hacf", "corosync", "cman")
_ADDRESSES = ("hosts", "drbd", "ocfs2")


@attrs.frozen
class SiteCluster:
    """One cluster of the site: its node trees, in the site's order (``stack`` false:
    the trees that run no messaging layer, migrated as stand-alone nodes)."""

    trees: tuple[NodeTree, ...]
    stack: bool = True

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.trees]


def site_clusters(found: Any, reads: Reads | None = None) -> list[SiteCluster]:
    """The clusters among ``found.nodes``, in the order of their first tree; the trees
    with no stack file that no list names come last, as one stand-alone group. Trees
    whose stack files list nobody (a multicast openais.conf) are one cluster, as the
    migration took every tree before."""
    cluster = loaded_cluster(found, (*STACK, *_ADDRESSES), reads)
    stacked = {short(t.name) for t in found.nodes if any(f.format in STACK for f in t.files)}
    from ..membership import stack_lists

    parent: dict[str, str] = {}

    def root(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    listed: set[str] = set()  # the trees with a list, and every name a list gives
    for s in stack_lists(cluster):
        if s.item.node:
            tree = short(s.item.node)
            listed |= {tree, *s.names}
            for name in s.names:
                parent[root(name)] = root(tree)
    groups: dict[str, list[NodeTree]] = {}
    unlisted: list[NodeTree] = []  # stack files that list nobody
    alone: list[NodeTree] = []
    for tree in found.nodes:
        k = short(tree.name)
        if k in listed:
            groups.setdefault(root(k), []).append(tree)
        elif k in stacked:
            unlisted.append(tree)
        else:
            alone.append(tree)
    out = [SiteCluster(tuple(trees)) for trees in groups.values()]
    if unlisted:
        out.append(SiteCluster(tuple(unlisted)))
    if alone:
        out.append(SiteCluster(tuple(alone), stack=False))
    return out


def plan_site(
    found: Any,
    groups: list[SiteCluster],
    one: Any,
    cluster_name: str | None,
    cib_file: str | None,
    reads: Reads | None = None,
) -> Migration:
    """The migration of a site of several clusters: each cluster planned on its own by
    ``one`` (run.py's Planner: its corosync.conf nodelist, cluster_name, authkey, CIB and
    cut-over), the stand-alone trees' own files, and the initiators' WWID lines of every
    target the site moves to LIO (a storage pair's LUNs reach the other clusters' dom0s),
    and the order in which to cut the clusters over (:func:`.order.plan_order`)."""
    stacked = [g for g in groups if g.stack]
    if cluster_name is not None or cib_file is not None:
        given = "--cluster-name" if cluster_name is not None else "--cib"
        raise XencfgError(
            f"{given} names one cluster, and these node trees hold {len(stacked)}: "
            + "; ".join(", ".join(g.names) for g in stacked)
            + f". Migrate each cluster on its own (its node trees only) to give {given}, "
            f"or leave {given} out: each cluster then keeps the name and CIB of its own files"
        )
    sections = []
    for g in groups:
        sub = attrs.evolve(found, nodes=list(g.trees))
        if g.stack:
            sections.append(one(sub, None, None, explicit=False))
        else:
            mc = attrs.evolve(one, parts=tuple(p for p in one.parts if p != "stack"))(
                sub, None, None
            )
            mc.title = "stand-alone nodes " + ", ".join(g.names)
            sections.append(mc)
    _distinct(found, sections, stacked, one)
    site = Migration(
        nodes=[t.name for t in found.nodes],
        outputs=[o for mc in sections for o in mc.outputs],
        notes=[],
        timing=[],
        steps=[],
        members=[],
        cluster_name="",
        clusters=sections,
    )
    for mc in sections:
        site.secrets.extend(mc.secrets)
        site.lio.extend(mc.lio)
    said = {(n.kind, n.source, n.what) for mc in sections for n in mc.notes}
    plan_wwids(site, found, reads)  # (the lines a cluster's own plan already gave are left out)
    site.notes = [n for n in site.notes if (n.kind, n.source, n.what) not in said]
    plan_order(site, found, groups, reads)
    return site


def _distinct(found: Any, sections: list[Migration], stacked: list[SiteCluster], one: Any) -> None:
    """Give each cluster a name of its own, planned again under it where two share one
    (two heartbeat clusters both became 'hacluster': DLM and shared volume groups record
    the name, and crm_mon, corosync-cmapctl and the logs show two clusters alike), and
    its CIB a file of its own: OUTDIR/cib-NAME.xml, in its cut-over steps and lines."""
    names = [mc.cluster_name for mc in sections[: len(stacked)]]
    for i, g in enumerate(stacked):
        was = names[i]
        if was and names.count(was) > 1:  # (none: its stack is not migrated)
            name = f"{was}-{short(g.names[0])}"
            mc = one(attrs.evolve(found, nodes=list(g.trees)), name, None, explicit=False)
            for n in mc.notes:
                if n.source == "--cluster-name":
                    n.kind, n.source, n.target = "manual", "-", "corosync.conf totem cluster_name"
                    n.what = f"cluster_name {name}"
                    n.why = (
                        f"{names.count(was)} clusters of these node trees are named {was}: "
                        "each gets its own name (DLM, clvmd and shared volume groups record "
                        "it); choose another with --cluster-name, migrating this cluster's "
                        "node trees on their own"
                    )
            sections[i] = mc
    for mc in sections[: len(stacked)]:
        # (a name from the files, such as OCFS2's, is no safe file name as it is)
        cib = f"cib-{re.sub(r'[^A-Za-z0-9._-]', '_', mc.cluster_name)}.xml"
        for o in mc.outputs:
            if not o.node and o.path == "cib.xml":
                o.path = cib
        mc.steps = [s.replace("OUTDIR/cib.xml", f"OUTDIR/{cib}") for s in mc.steps]
        for n in mc.notes:
            if n.target.startswith("cib.xml"):
                n.target = cib + n.target.removeprefix("cib.xml")
