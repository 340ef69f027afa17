"""The graph itself: vertices, edges, the styles of their kinds, and the
spans of source lines each one is drawn from."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..cluster import Cluster
from ..findings import Finding

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
    "target": {"shape": "tab", "style": "filled", "fillcolor": "#efe3f7"},
    "iscsi-lun": {"shape": "note", "style": "filled", "fillcolor": "#f3ecf9"},
    "missing": {"shape": "box", "style": "dashed", "color": "#c0392b", "fontcolor": "#c0392b"},
    "conflict": {
        "shape": "hexagon",
        "style": "filled,bold",
        "fillcolor": "#fadbd8",
        "color": "#c0392b",
        "fontcolor": "#c0392b",
        "penwidth": "2",
    },
}

RED, ORANGE = "#c0392b", "#d35400"
SEVERITY_COLOUR = {"error": RED, "warning": ORANGE, "info": "#2471a3"}

#: A place in a file an element of the picture comes from: display path, first and last line.
Span = tuple[str, int, int]

EDGE_STYLE: dict[str, dict[str, str]] = {
    "replica": {"arrowhead": "none", "color": "#4a7d3a"},
    "uses": {},
    "runs-on": {"style": "dotted"},
    "order": {"color": "#2c5f9e", "label": "then"},
    "colocation": {"color": "#8e44ad", "style": "bold", "arrowhead": "odiamond"},
    "location": {"color": "#7f8c8d", "style": "dashed"},
    "member": {"arrowhead": "none", "style": "dotted"},
    "exports": {"color": "#6c3483"},
    "seen-as": {"color": "#6c3483", "style": "dashed"},
    "resolves": {"color": "#c0392b", "style": "bold"},
    "manages": {"color": "#4a7d3a", "style": "bold", "label": "promotes"},
}


@attrs.define
class GNode:
    """A vertex: a stable id, its label, its kind (a key of :data:`KIND_STYLE`)."""

    id: str
    label: str
    kind: str
    problem: str = ""
    #: a hazard that is not a lint finding (drawn orange and dashed), e.g. "not promoted"
    warn: str = ""
    spans: list[Span] = attrs.field(factory=list, eq=False)
    findings: list[Finding] = attrs.field(factory=list, eq=False)


@attrs.define
class GEdge:
    """An edge between two vertex ids; ``problem`` marks it red with the reason."""

    src: str
    dst: str
    kind: str
    label: str = ""
    problem: str = attrs.field(default="", eq=False)
    warn: str = attrs.field(default="", eq=False)
    spans: list[Span] = attrs.field(factory=list, eq=False)
    findings: list[Finding] = attrs.field(factory=list, eq=False)


@attrs.define
class Graph:
    nodes: dict[str, GNode] = attrs.Factory(dict)
    edges: list[GEdge] = attrs.Factory(list)
    #: the vertex (a node's box) a finding in a file marks when no element of the
    #: picture comes from its lines, by display path
    files: dict[str, str] = attrs.Factory(dict)

    def node(self, id: str, label: str, kind: str) -> str:
        """Add a vertex once (the first label wins) and return its id."""
        self.nodes.setdefault(id, GNode(id, label, kind))
        return id

    def edge(self, src: str, dst: str, kind: str, label: str = "") -> GEdge:
        """Add an edge once and return it (the existing one when already there)."""
        e = GEdge(src, dst, kind, label)
        for old in self.edges:
            if old == e:
                return old
        self.edges.append(e)
        return e

    def place(self, element: GNode | GEdge | str, span: Span | None) -> None:
        """Remember that ``element`` (an edge or a vertex, or a vertex id) comes from
        ``span``, so that findings located there highlight it."""
        target = self.nodes.get(element) if isinstance(element, str) else element
        if target is not None and span is not None and span not in target.spans:
            target.spans.append(span)

    def ensure(self, id: str, label: str, why: str) -> str:
        """A vertex that should exist; added as 'missing' (red) when nothing defined it."""
        if id not in self.nodes:
            self.nodes[id] = GNode(id, f"{label}\\n(missing)", "missing", why)
        return id


Contributor = Callable[[Cluster, Graph], None]


def _name(el: GNode | GEdge) -> str:
    """The name an element stands for (a vertex's id after its kind, an edge's target's)."""
    vid = el.dst if isinstance(el, GEdge) else el.id
    return vid.split(":", 1)[-1]
