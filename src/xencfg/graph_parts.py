"""What each domain adds to the cluster graph (see :mod:`xencfg.graph`)."""

from __future__ import annotations

from .cluster import Cluster
from .graph import Graph, contributor


@contributor
def multipath_maps(cluster: Cluster, g: Graph) -> None:
    """Each node sees its multipath aliases; an alias is one LUN (its WWID)."""
    for item in cluster.docs("multipath"):
        for m in item.doc.multipaths:  # type: ignore[attr-defined]
            if not m.wwid:
                continue
            label = m.alias or m.wwid
            lun = g.node(f"lun:{m.wwid}", f"{label}\\n{m.wwid[-12:]}", "multipath")
            if item.node:
                g.edge(f"node:{item.node}", lun, "uses", "multipath")
