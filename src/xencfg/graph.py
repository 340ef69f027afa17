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


def _name(el: GNode | GEdge) -> str:
    """The name an element stands for (a vertex's id after its kind, an edge's target's)."""
    vid = el.dst if isinstance(el, GEdge) else el.id
    return vid.split(":", 1)[-1]


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
        if n.warn:
            a.update(color=ORANGE, penwidth="2", style="dashed,filled", tooltip=n.warn)
        if n.problem:
            a.update(color=RED, penwidth="2", tooltip=n.problem)
        _highlight(a, n.findings, n.problem or n.warn)
        lines.append(f"  {_quote(n.id)} [{_attrs(a)}];")
    for e in sorted(g.edges, key=lambda e: (e.kind, e.src, e.dst, e.label)):
        a = dict(EDGE_STYLE.get(e.kind, {}))
        if e.label:
            a["label"] = e.label
        if e.warn:
            a.update(color=ORANGE, fontcolor=ORANGE, style="dashed", penwidth="2", tooltip=e.warn)
        if e.problem:
            a.update(color=RED, fontcolor=RED, style="dashed", penwidth="2", tooltip=e.problem)
        _highlight(a, e.findings, e.problem or e.warn)
        lines.append(f"  {_quote(e.src)} -> {_quote(e.dst)} [{_attrs(a)}];")
    lines += _legend()
    lines.append("}")
    return "\n".join(lines) + "\n"


def _highlight(a: dict[str, str], findings: list[Finding], reason: str) -> None:
    """Colour an element by its worst finding; its codes join its label, the messages
    its tooltip (SVG)."""
    if not findings:
        return
    order = {"error": 0, "warning": 1, "info": 2}
    worst = min(findings, key=lambda f: order.get(f.severity, 3)).severity
    codes = " ".join(sorted({f.code for f in findings}))
    colour = SEVERITY_COLOUR.get(worst, RED)
    a["label"] = f"{a['label']}\\n[{codes}]" if a.get("label") else f"[{codes}]"
    if "fillcolor" in a:
        a["color"] = colour
    else:
        a.update(color=colour, fontcolor=colour)
    a["penwidth"] = "3"
    tips = [reason] if reason else []
    tips += [f"{f.location}: {f.code} {f.message}" for f in sorted(findings, key=Finding.sort_key)]
    a["tooltip"] = "\\n".join(tips)


#: What the colours mean, drawn in a corner of every graph.
LEGEND: tuple[tuple[str, dict[str, str]], ...] = (
    ("lint error here [CODES]", {"shape": "box", "color": RED, "penwidth": "3"}),
    ("lint warning here [CODES]", {"shape": "box", "color": ORANGE, "penwidth": "3"}),
    ("refers to something missing", KIND_STYLE["missing"]),
    ("names different things on two nodes", KIND_STYLE["conflict"]),
    (
        "hazard: nothing makes it ready (e.g. DRBD not promoted)",
        {"shape": "box", "style": "dashed", "color": ORANGE, "penwidth": "2"},
    ),
)


def _legend() -> list[str]:
    out = [
        '  subgraph "cluster_legend" {',
        '    graph [label="legend", fontsize="10", style="rounded", color="#aaaaaa"];',
    ]
    for n, (text, style) in enumerate(LEGEND):
        a = {**style, "label": text, "fontsize": "9"}
        out.append(f"    {_quote(f'legend:{n}')} [{_attrs(a)}];")
    out.append("  }")
    return out


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
