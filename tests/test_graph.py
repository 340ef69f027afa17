"""xencfg graph: DOT text for a known tree, and a real render through Graphviz."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

from xencfg import graph, lint
from xencfg.cli import main

MP = "multipaths {\n\tmultipath {\n\t\twwid 3600a1234567890\n\t\talias data\n\t}\n}\n"


def tree(tmp_path: Path) -> list[str]:
    for n in ("alpha", "beta"):
        etc = tmp_path / n / "etc"
        etc.mkdir(parents=True)
        (etc / "multipath.conf").write_text(MP)
    return [str(tmp_path / "alpha"), str(tmp_path / "beta")]


def test_dot_names_nodes_and_edges(tmp_path: Path) -> None:
    result = lint.run(tree(tmp_path))
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    assert '"node:alpha" [' in dot and '"node:beta" [' in dot
    assert '"node:alpha" -> "lun:3600a1234567890"' in dot
    assert 'label="data\\n0a1234567890"' in dot
    assert dot == graph.to_dot(graph.build(result.cluster, result.findings))  # deterministic


def test_missing_targets_are_red() -> None:
    g = graph.Graph()
    g.node("res:a", "a", "resource")
    g.edge("res:a", g.ensure("res:b", "b", "constraint names b"), "order")
    from xencfg.cluster import Cluster

    graph.CONTRIBUTORS.append(lambda c, gg: gg.nodes.update(g.nodes) or gg.edges.extend(g.edges))
    try:
        dot = graph.to_dot(graph.build(Cluster()))
    finally:
        graph.CONTRIBUTORS.pop()
    line = next(ln for ln in dot.splitlines() if '"res:a" -> "res:b"' in ln)
    assert 'color="#c0392b"' in line and 'style="dashed"' in line
    assert "(missing)" in dot


def test_svg_render_through_dot(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Graphviz is not installed (.ci/run installs it)")
        pytest.skip("Graphviz's dot is not installed")
    out = tmp_path / "g.svg"
    assert main(["graph", *tree(tmp_path), "-o", str(out)]) == 0
    svg = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    text = " ".join(svg.getroot().itertext())
    assert "alpha" in text and "beta" in text and "data" in text


def test_clear_message_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["graph", *tree(tmp_path), "-o", str(tmp_path / "g.png")]) == 2
    assert "apt-get install graphviz" in capsys.readouterr().err
