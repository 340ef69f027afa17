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
    # both nodes map the LUN: one vertex saying so, no edge per node
    assert 'label="data\\n0a1234567890\\n(all nodes)"' in dot
    assert '"node:alpha" -> "lun:3600a1234567890"' not in dot
    (tmp_path / "beta" / "etc" / "multipath.conf").write_text("defaults {\n}\n")
    result = lint.run([str(tmp_path / "alpha"), str(tmp_path / "beta")])
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    assert '"node:alpha" -> "lun:3600a1234567890"' in dot  # only alpha maps it now
    assert '"node:beta" -> "lun:3600a1234567890"' not in dot
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


DRBD = (
    "resource web {\n  net { protocol C; allow-two-primaries yes; }\n"
    "  on alpha {\n    device /dev/drbd0; disk /dev/vg0/web;\n"
    "    address 10.0.0.1:7788; meta-disk internal;\n  }\n"
    "  on beta {\n    device /dev/drbd0; disk /dev/vg0/web;\n"
    "    address 10.0.0.2:7788; meta-disk internal;\n  }\n}\n"
)
DOMU = "name = 'web'\nmemory = 256\ndisk = ['drbd:web,xvda,w', 'phy:/dev/mapper/data,xvdb,w']\n"
CIB = (
    "<cib><configuration><crm_config/><nodes/><resources>"
    '<group id="g"><primitive id="vm-web" class="ocf" provider="heartbeat" type="Xen">'
    '<instance_attributes id="ia"><attributes>'
    '<nvpair id="x" name="xmfile" value="/etc/xen/vm/web"/></attributes></instance_attributes>'
    "</primitive></group></resources><constraints>"
    '<rsc_order id="o" from="vm-web" to="storage" type="after"/>'
    '<rsc_location id="l" rsc="g" node="gamma" score="100"/>'
    "</constraints></configuration><status/></cib>\n"
)


def cluster_tree(tmp_path: Path) -> list[str]:
    roots = []
    for n in ("alpha", "beta"):
        root = tmp_path / n
        for rel, text in {
            "etc/drbd.conf": DRBD,
            "etc/multipath.conf": MP,
            "etc/xen/vm/web": DOMU,
            "var/lib/heartbeat/crm/cib.xml": CIB,
        }.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        roots.append(str(root))
    return roots


def test_dot_of_drbd_domu_and_cib(tmp_path: Path) -> None:
    result = lint.run(cluster_tree(tmp_path))
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    edges = {
        (line.split('"')[1], line.split('"')[3]) for line in dot.splitlines() if " -> " in line
    }
    assert {
        ("node:alpha", "drbd:web"),
        ("node:beta", "drbd:web"),
        ("domu:web", "drbd:web"),
        ("domu:web", "lun:3600a1234567890"),
        ("res:vm-web", "domu:web"),
        ("res:g", "res:vm-web"),
        ("res:storage", "res:vm-web"),  # hb2: vm-web runs after storage
        ("res:g", "node:gamma"),
    } <= edges
    assert "web\\n(all nodes)" in dot  # the domU's config is on every node
    vertices = [line for line in dot.splitlines() if line.startswith('  "drbd:web" [')]
    assert len(vertices) == 1  # one vertex for both nodes' copies
    for line in dot.splitlines():
        if '"res:storage" ->' in line or '-> "node:gamma"' in line:
            assert 'style="dashed"' in line and 'color="#c0392b"' in line
    assert "storage\\n(missing)" in dot


def test_svg_names_every_resource(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Graphviz is not installed (.ci/run installs it)")
        pytest.skip("Graphviz's dot is not installed")
    out = tmp_path / "g.svg"
    assert main(["graph", *cluster_tree(tmp_path), "-o", str(out)]) == 0
    svg = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    text = " ".join(svg.getroot().itertext())
    for name in ("alpha", "beta", "web", "vm-web", "g", "storage", "gamma", "data"):
        assert name in text, name
