"""``xencfg graph``: the cluster's dependency graph, drawn from the same view lint uses.

The seed documents recommend drawing this graph "as part of your cluster
documentation". Each domain adds what it knows (:data:`CONTRIBUTORS`): cluster
nodes, DRBD replicas, multipath aliases, domUs and their disks, CIB resources
and constraints. Lint findings are marked on it: an edge to something that
does not exist is drawn red and dashed, to a node labelled "missing".

DOT is always produced; SVG and PNG go through Graphviz's ``dot`` when installed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable

import attrs

from .cluster import Cluster
from .errors import XencfgError
from .findings import Finding
from .syntax.source import printable

KIND_STYLE: dict[str, dict[str, str]] = {
    "node": {"shape": "box3d", "style": "filled", "fillcolor": "#dde8f5"},
    "drbd": {"shape": "cylinder", "style": "filled", "fillcolor": "#e6f2e1"},
    "disk": {"shape": "cylinder", "style": "filled", "fillcolor": "#f4f4f4"},
    "multipath": {"shape": "cylinder", "style": "filled", "fillcolor": "#f7ecd9"},
    "domu": {"shape": "component", "style": "filled", "fillcolor": "#fbe3e3"},
    "resource": {"shape": "ellipse", "style": "filled", "fillcolor": "#fff9d6"},
    "group": {"shape": "folder", "style": "filled", "fillcolor": "#fff3b0"},
    "clone": {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#fff3b0"},
    "stonith": {"shape": "octagon", "style": "filled", "fillcolor": "#eeeeee"},
    "missing": {"shape": "box", "style": "dashed", "color": "#c0392b", "fontcolor": "#c0392b"},
}

EDGE_STYLE: dict[str, dict[str, str]] = {
    "replica": {"arrowhead": "none", "color": "#4a7d3a"},
    "uses": {},
    "runs-on": {"style": "dotted"},
    "order": {"color": "#2c5f9e", "label": "then"},
    "colocation": {"color": "#8e44ad", "style": "bold", "arrowhead": "odiamond"},
    "location": {"color": "#7f8c8d", "style": "dashed"},
    "member": {"arrowhead": "none", "style": "dotted"},
}


@attrs.define
class GNode:
    """A vertex: a stable id, its label, its kind (a key of :data:`KIND_STYLE`)."""

    id: str
    label: str
    kind: str
    problem: str = ""


@attrs.define
class GEdge:
    """An edge between two vertex ids; ``problem`` marks it red with the reason."""

    src: str
    dst: str
    kind: str
    label: str = ""
    problem: str = ""


@attrs.define
class Graph:
    nodes: dict[str, GNode] = attrs.Factory(dict)
    edges: list[GEdge] = attrs.Factory(list)

    def node(self, id: str, label: str, kind: str) -> str:
        """Add a vertex once (the first label wins) and return its id."""
        self.nodes.setdefault(id, GNode(id, label, kind))
        return id

    def edge(self, src: str, dst: str, kind: str, label: str = "") -> GEdge:
        e = GEdge(src, dst, kind, label)
        if e not in self.edges:
            self.edges.append(e)
        return e

    def ensure(self, id: str, label: str, why: str) -> str:
        """A vertex that should exist; added as 'missing' (red) when nothing defined it."""
        if id not in self.nodes:
            self.nodes[id] = GNode(id, f"{label}\\n(missing)", "missing", why)
        return id


Contributor = Callable[[Cluster, Graph], None]

#: Functions that add one domain's vertices and edges, in drawing order.
CONTRIBUTORS: list[Contributor] = []


def contributor(fn: Contributor) -> Contributor:
    """Register a function that adds what one domain knows to the graph."""
    CONTRIBUTORS.append(fn)
    return fn


def build(cluster: Cluster, findings: Iterable[Finding] = ()) -> Graph:
    """The dependency graph of a cluster, with edges to missing things marked."""
    from . import graph_parts  # noqa: F401  (registers the contributors)

    g = Graph()
    for name in cluster.nodes:
        g.node(f"node:{name}", name, "node")
    for add in CONTRIBUTORS:
        add(cluster, g)
    for e in g.edges:
        for end in (g.nodes.get(e.dst), g.nodes.get(e.src)):
            if end is not None and end.kind == "missing" and not e.problem:
                e.problem = end.problem or "refers to something that does not exist"
    _mark_findings(g, findings)
    return g


def _mark_findings(g: Graph, findings: Iterable[Finding]) -> None:
    """Findings whose message names a vertex's label mark that vertex (tooltip = message)."""
    by_label = {n.label: n for n in g.nodes.values()}
    for f in findings:
        if f.severity != "error":
            continue
        for label, n in by_label.items():
            if f"'{label}'" in f.message and not n.problem:
                n.problem = f"{f.code} {f.message}"


def _quote(s: str) -> str:
    # DOT must be valid UTF-8: an undecodable byte of a label is shown as \xNN
    s = printable(s)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'


def _attrs(d: dict[str, str]) -> str:
    return ", ".join(f"{k}={_quote(v)}" for k, v in sorted(d.items()))


def to_dot(g: Graph, title: str = "cluster") -> str:
    """Deterministic DOT text (same cluster, same bytes: diffable documentation)."""
    lines = [
        f"digraph {_quote(title)} {{",
        '  graph [rankdir="LR", fontname="Helvetica", nodesep="0.3", ranksep="0.8"];',
        '  node [fontname="Helvetica", fontsize="10"];',
        '  edge [fontname="Helvetica", fontsize="9"];',
    ]
    for n in sorted(g.nodes.values(), key=lambda n: (n.kind, n.id)):
        a = dict(KIND_STYLE.get(n.kind, {}))
        a["label"] = n.label
        if n.problem:
            a.update(color="#c0392b", penwidth="2", tooltip=n.problem)
        lines.append(f"  {_quote(n.id)} [{_attrs(a)}];")
    for e in sorted(g.edges, key=lambda e: (e.kind, e.src, e.dst)):
        a = dict(EDGE_STYLE.get(e.kind, {}))
        if e.label:
            a["label"] = e.label
        if e.problem:
            a.update(
                color="#c0392b",
                fontcolor="#c0392b",
                style="dashed",
                penwidth="2",
                tooltip=e.problem,
            )
        lines.append(f"  {_quote(e.src)} -> {_quote(e.dst)} [{_attrs(a)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes from DOT text through Graphviz; a clear error when it is absent."""
    exe = shutil.which("dot")
    if exe is None:
        raise XencfgError(
            f"Graphviz's 'dot' is not installed, so no {fmt.upper()} can be made "
            "(apt-get install graphviz); write DOT with -o FILE.dot instead"
        )
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"],
            input=dot_text.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        raise XencfgError("Graphviz took longer than 120 s; try -o FILE.dot") from None
    if proc.returncode != 0:
        raise XencfgError(f"Graphviz failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout
