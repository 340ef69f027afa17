"""What every CIB rule reads: the :class:`Unit` a CIB is checked as (a full CIB, or
all fragments together) and small helpers on elements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...cluster import (
    Cluster,
    Layer,
    Loaded,
    NodeInfo,
    memberships,
    short,
)
from ...formats.cib.model import Primitive, _tag
from ...formats.cib.values import canon_name
from ...versions import PACEMAKER_3_0_2
from ..documents import cib_doc as _cib


@attrs.frozen
class Unit:
    """The CIB documents checked together, and those their references may resolve into."""

    items: tuple[Loaded, ...]
    scope: tuple[Loaded, ...]

    def elements(self, *tags: str) -> Iterator[tuple[Loaded, Any]]:
        for item in self.items:
            for el in _cib(item).iter(*tags):
                if not _in_status(el):
                    yield item, el

    def primitives(self) -> Iterator[tuple[Loaded, Primitive]]:
        for item in self.items:
            for p in _cib(item).primitives:
                yield item, p


def _in_status(el: Any) -> bool:
    return any(_tag(a) == "status" for a in el.iterancestors()) or _tag(el) == "status"


def units(cluster: Cluster) -> list[Unit]:
    """Full CIBs one by one, then every fragment together."""
    docs = list(cluster.docs("cib"))
    full = [i for i in docs if not _cib(i).is_fragment]
    frags = tuple(i for i in docs if _cib(i).is_fragment)
    out = [Unit((i,), (i,)) for i in full]
    if frags:
        out.append(Unit(frags, frags + tuple(full)))
    return out


def _names(cluster: Cluster) -> set[str]:
    """Every node name the cluster declares (ha.cf, drbd, OCFS2, CIB, and the node
    folders of the run except boxes that only serve storage)."""
    model = cluster.model
    names = {n for n in cluster.nodes if n and not _storage_only(model.node(n))}
    for m in memberships(cluster):
        names.update(m.names)
    return names


def _unit_names(cluster: Cluster, unit: Unit) -> set[str]:
    """:func:`_names` as a CIB unit sees them: without the nodes only another heartbeat
    cluster of the run lists (two clusters' CIBs linted together each keep their own
    nodes; cluster.py ``_heartbeat_layer`` tells them apart), with the nodes that run
    it (:func:`~xencfg.membership.cib_nodes`: a target box its corosync nodelist
    names is a member, whatever it serves). A unit in no cluster (fragments) sees
    every name."""
    from ...membership import cib_nodes

    clusters = cluster.model.heartbeat_clusters
    own = own_clusters(cluster, unit)
    names = _names(cluster)
    runs = set(cib_nodes(cluster, unit.items).spelled())
    if not own:
        return names | runs
    mine = frozenset().union(*(c.members for c in own))
    others = frozenset().union(*(c.members for c in clusters if c not in own)) - mine
    return {n for n in names if short(n) not in others} | runs


def own_clusters(cluster: Cluster, unit: Unit) -> list[Layer]:
    """The heartbeat clusters a CIB unit belongs to: those whose evidence holds one of
    its CIBs (cluster.py ``_heartbeat_layer`` tells clusters apart)."""
    files = {id(i) for i in unit.items}
    return [c for c in cluster.model.heartbeat_clusters if any(id(e) in files for e in c.evidence)]


def _storage_only(info: NodeInfo | None) -> bool:
    return info is not None and info.storage_only


def _label(el: Any) -> str:
    tag = _tag(el)
    name = el.get("name")
    return f"{tag} '{name}'" if name and tag in ("nvpair", "op") else tag


def _same_object(a: Any, b: Any) -> bool:
    """Two elements in different fragments that are the same CIB object (an update)."""
    if _tag(a) != _tag(b):
        return False
    if _tag(a) == "nvpair":
        return canon_name(a.get("name", "")) == canon_name(b.get("name", ""))
    if _tag(a) == "op":
        return a.get("name") == b.get("name") and a.get("interval", "0") == b.get("interval", "0")
    return True


def fencing_names_unread(item: Loaded) -> bool:
    """Whether the release this CIB runs on ignores Pacemaker 3.0.2's ``fencing-*``
    option names: a heartbeat 2 CIB, or a Pacemaker known to be older (``dc-version``,
    ``--target``); where the release is not known, the new name implies 3.0.2 or later."""
    older = item.versions.of("pacemaker", item.node).older_than(PACEMAKER_3_0_2)
    return _cib(item).dialect == "heartbeat-2" or older


def _is_ocfs2_fs(prim: Primitive) -> bool:
    return prim.type == "Filesystem" and (prim.param("fstype") or "").lower() == "ocfs2"
