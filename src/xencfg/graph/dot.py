"""The graph as DOT text (findings highlighted, a legend), and SVG or PNG through
Graphviz's ``dot``."""

from __future__ import annotations

import shutil
import subprocess

from ..errors import XencfgError
from ..findings import Finding
from ..syntax.source import printable, shown
from .model import EDGE_STYLE, KIND_STYLE, ORANGE, RED, SEVERITY_COLOUR, Graph


def _quote(s: str) -> str:
    # DOT must be valid UTF-8: an undecodable byte of a label is shown as \xNN; so is a
    # control character (a label or tooltip quotes the files, and DOT goes to a terminal)
    s = shown(printable(s))
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
