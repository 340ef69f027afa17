"""``xencfg graph``: the cluster's dependency graph, drawn from the same view lint uses.

The seed documents recommend drawing this graph "as part of your cluster
documentation". Each domain adds what it knows (:data:`CONTRIBUTORS`): cluster
nodes, DRBD replicas, multipath aliases, domUs and their disks, CIB resources
and constraints. Lint findings are marked on it: an edge to something that
does not exist is drawn red and dashed, to a node labelled "missing". Each
vertex and edge remembers the lines of the files it comes from (its *spans*), so
every finding located in one of them highlights it (red for errors, orange for
warnings, the codes in its label, the messages as its tooltip); a legend says so.

DOT is always produced; SVG and PNG go through Graphviz's ``dot`` when installed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..cluster import Cluster
from ..findings import Finding
from .dot import LEGEND, render, to_dot
from .model import (
    EDGE_STYLE,
    KIND_STYLE,
    ORANGE,
    RED,
    SEVERITY_COLOUR,
    Contributor,
    GEdge,
    GNode,
    Graph,
    Span,
    _name,
)
from .parts import CONTRIBUTORS

__all__ = [
    "CONTRIBUTORS",
    "EDGE_STYLE",
    "KIND_STYLE",
    "LEGEND",
    "ORANGE",
    "RED",
    "SEVERITY_COLOUR",
    "Contributor",
    "GEdge",
    "GNode",
    "Graph",
    "Span",
    "build",
    "contributor",
    "render",
    "to_dot",
]


def contributor(fn: Contributor) -> Contributor:
    """Register a function that adds what one domain knows to the graph."""
    CONTRIBUTORS.append(fn)
    return fn


def build(cluster: Cluster, findings: Iterable[Finding] = ()) -> Graph:
    """The dependency graph of a cluster, with edges to missing things marked."""
    g = Graph()
    for name in cluster.nodes:
        g.node(f"node:{name}", name, "node")
    for add in CONTRIBUTORS:
        add(cluster, g)
    for e in g.edges:
        for end in (g.nodes.get(e.dst), g.nodes.get(e.src)):
            if end is not None and end.kind == "missing" and not e.problem:
                e.problem = end.problem or "refers to something that does not exist"
    _place_node_files(cluster, g)
    _mark_findings(g, findings)
    return g


def _place_node_files(cluster: Cluster, g: Graph) -> None:
    """Every file of a node belongs to the node's box: a finding on lines that draw
    nothing of their own (ha.cf, authkeys, xend-config.sxp, a multipath blacklist)
    marks the node."""
    for item in cluster.loaded:
        vid = f"node:{item.node}"
        if item.node and vid in g.nodes:
            g.files.setdefault(item.file.display, vid)


def _mark_findings(g: Graph, findings: Iterable[Finding]) -> None:
    """Each finding highlights the elements drawn from the lines it points at: those of
    the narrowest span holding its line (a DRBD host section rather than its whole
    resource). An error located nowhere in the picture marks a vertex whose label its
    message quotes."""
    elements: list[GNode | GEdge] = [*g.nodes.values(), *g.edges]
    by_path: dict[str, list[tuple[Span, GNode | GEdge]]] = {}
    for el in elements:
        for span in el.spans:
            by_path.setdefault(span[0], []).append((span, el))
    by_label = {n.label.split("\\n", 1)[0]: n for n in g.nodes.values() if n.kind != "missing"}
    for f in findings:
        hits = [
            (span[2] - span[1], el)
            for span, el in by_path.get(f.path, ())
            if f.line and span[1] <= f.line <= span[2]
        ]
        if hits:
            narrowest = min(w for w, _ in hits)
            tied = [el for w, el in hits if w == narrowest]
            # one line may draw several elements (a domU's disk list): those the
            # message names, if it names any
            named = [el for el in tied if f"{_name(el)}" in f.message]
            for el in named or tied:
                if f not in el.findings:
                    el.findings.append(f)
            continue
        owner = g.nodes.get(g.files.get(f.path, ""))
        if owner is not None:
            if f not in owner.findings:
                owner.findings.append(f)
            continue
        if f.severity == "error":
            for label, n in by_label.items():
                if f"'{label}'" in f.message and f not in n.findings:
                    n.findings.append(f)
