"""xencfg graph: DOT text for a known tree, and a real render through Graphviz."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import unavailable
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
        unavailable("Graphviz is not installed (.ci/run installs it)")
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
        unavailable("Graphviz is not installed (.ci/run installs it)")
    out = tmp_path / "g.svg"
    assert main(["graph", *cluster_tree(tmp_path), "-o", str(out)]) == 0
    svg = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    text = " ".join(svg.getroot().itertext())
    for name in ("alpha", "beta", "web", "vm-web", "g", "storage", "gamma", "data"):
        assert name in text, name


# -- the graph never misleads (issue 19) ------------------------------------------

RED, ORANGE = graph.RED, graph.ORANGE
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def dot_of(paths: list[str]) -> str:
    result = lint.run(paths)
    return graph.to_dot(graph.build(result.cluster, result.findings))


def line_of(dot: str, start: str) -> str:
    return next(ln for ln in dot.splitlines() if ln.startswith(f"  {start}"))


def write(root: Path, files: dict[str, str]) -> str:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return str(root)


W1, W2 = "3600a0b800026b2820000a1b2c3d4e5f6", "3600a0b800026b2820000f6e5d4c3b2a1"


def test_mistakes_graph_shows_the_alias_conflict_in_red() -> None:
    """examples/mistakes: beta's multipath.conf swaps the aliases data and logs (MP004).
    The alias is a red conflict vertex naming both WWIDs, pointing at both LUNs, and the
    web domU's /dev/mapper/data disk is drawn to the LUN each node really opens."""
    dot = dot_of([str(EXAMPLES / "mistakes" / n) for n in ("alpha", "beta")])
    conflict = line_of(dot, '"alias:data" [')
    assert f'color="{RED}"' in conflict and 'shape="hexagon"' in conflict
    assert f"alpha: {W1}" in conflict and f"beta: {W2}" in conflict and "[MP004]" in conflict
    for wwid, node in ((W1, "alpha"), (W2, "beta")):
        edge = line_of(dot, f'"alias:data" -> "lun:{wwid}"')
        assert f'color="{RED}"' in edge and f'label="on {node}"' in edge
        disk = line_of(dot, f'"domu:web" -> "lun:{wwid}"')
        assert f'label="xvdb on {node}"' in disk and f'color="{RED}"' in disk
        # XN004 is about web's DRBD disk on the same line: it does not mark the SAN disk
        assert "XN004" not in disk
    assert "XN004" in line_of(dot, '"domu:web" -> "drbd:web"')
    # the LUN says what each node calls it, and no node edge hides behind "(all nodes)"
    lun = line_of(dot, f'"lun:{W1}" [')
    assert "data on alpha\\nlogs on beta\\na1b2c3d4e5f6" in lun and "(all nodes)" not in lun
    assert 'label="multipath data"' in line_of(dot, f'"node:alpha" -> "lun:{W1}"')
    assert 'label="multipath logs' in line_of(dot, f'"node:beta" -> "lun:{W1}"')


def test_every_located_finding_highlights_its_element_and_a_legend_says_so() -> None:
    dot = dot_of([str(EXAMPLES / "mistakes" / n) for n in ("alpha", "beta")])
    beta1 = line_of(dot, '"node:beta-1" -> "drbd:web"')  # web.res:17, the on beta-1 section
    assert "[DR001 DR005 DR007 HB001]" in beta1 and f'color="{RED}"' in beta1
    assert "web.res:17:2: DR005" in beta1  # the tooltip holds the finding and its place
    fence = line_of(dot, '"res:fence-alpha" [')  # cib.xml:58, warnings only: orange
    assert "[CB009 CB020]" in fence and f'color="{ORANGE}"' in fence
    order = line_of(dot, '"res:storage" -> "res:vm-web"')
    assert "CB002" in order
    assert "[XN003]" in line_of(dot, '"domu:web" [')  # the vif line of web's config
    assert 'subgraph "cluster_legend"' in dot and "lint error here [CODES]" in dot
    # lines that draw nothing (ha.cf, authkeys, xend-config.sxp, the multipath blacklist)
    # mark their node's box
    alpha = line_of(dot, '"node:alpha" [')
    assert "alpha\\n[HB003 HB005 HB008 HB011 MP001 XN008]" in alpha
    assert f'color="{RED}"' in alpha and "ha.cf:12:1: HB003" in alpha


def test_aliases_that_differ_are_keyed_per_node(tmp_path: Path) -> None:
    """The same WWID called data on alpha and db on beta: one LUN (the WWID is the disk),
    each node's edge names its alias, nothing says "(all nodes)"."""
    mp = "multipaths {{\n multipath {{\n  wwid {w}\n  alias {a}\n }}\n}}\n"
    a = write(tmp_path / "alpha", {"etc/multipath.conf": mp.format(w=W1, a="data")})
    b = write(tmp_path / "beta", {"etc/multipath.conf": mp.format(w=W1, a="db")})
    dot = dot_of([a, b])
    assert "data on alpha\\ndb on beta\\na1b2c3d4e5f6" in line_of(dot, f'"lun:{W1}" [')
    assert 'label="multipath db\\n[MP004]"' in line_of(dot, f'"node:beta" -> "lun:{W1}"')
    assert "alias:" not in dot  # no alias names two disks


def test_lun_labels_tell_luns_apart(tmp_path: Path) -> None:
    """Two WWIDs with the same last twelve characters get longer tails."""
    twins = ("360000000000000001111aaaabbbbcccc", "360000000000000002111aaaabbbbcccc")
    mp = "multipaths {\n" + "".join(f" multipath {{\n  wwid {w}\n }}\n" for w in twins) + "}\n"
    dot = dot_of([write(tmp_path / "alpha", {"etc/multipath.conf": mp})])
    labels = {line_of(dot, f'"lun:{w}" [').split('label="')[1].split('"')[0] for w in twins}
    assert labels == {"(no alias)\\n1111aaaabbbbcccc", "(no alias)\\n2111aaaabbbbcccc"}


def test_the_iscsi_layer_from_target_box_to_domu() -> None:
    """examples/storage-tier: san1 exports iqn...:san1.web LUN 0 (ScsiId web00001), the
    dom0s see it as WWID 1IET_____web00001 alias web, and domU web uses it."""
    dot = dot_of([str(p) for p in sorted((EXAMPLES / "storage-tier").iterdir()) if p.is_dir()])
    target = "target:iqn.2026-11.net.example:san1.web"
    lun = "iscsi:iqn.2026-11.net.example:san1.web:0"
    line_of(dot, f'"node:san1" -> "{target}"')
    line_of(dot, f'"{target}" -> "{lun}"')
    assert "ScsiId web00001" in line_of(dot, f'"{lun}" [')
    line_of(dot, f'"{lun}" -> "lun:1IET_____web00001"')
    line_of(dot, '"domu:web" -> "lun:1IET_____web00001"')
    line_of(dot, '"res:pool" -> "lun:1IET_____pool0001"')  # a Filesystem on /dev/mapper/pool


PROMOTE_CIB = (
    "<cib><configuration><crm_config/><nodes/><resources>{res}"
    '<primitive id="vm-web" class="ocf" provider="heartbeat" type="Xen">'
    '<instance_attributes id="ia"><attributes>'
    '<nvpair id="x" name="xmfile" value="/etc/xen/vm/web"/></attributes></instance_attributes>'
    "</primitive></resources><constraints/></configuration><status/></cib>\n"
)
MS = (
    '<master_slave id="ms-web"><primitive id="drbd-web" class="ocf" provider="heartbeat"'
    ' type="drbd"><instance_attributes id="d"><attributes>'
    '<nvpair id="dr" name="drbd_resource" value="web"/></attributes></instance_attributes>'
    "</primitive></master_slave>"
)
DRBDDISK = (
    '<primitive id="disk-web" class="heartbeat" type="drbddisk"><instance_attributes id="h">'
    '<attributes><nvpair id="h1" name="1" value="web"/></attributes></instance_attributes>'
    "</primitive>"
)


@pytest.mark.parametrize(("res", "manager"), [("", None), (MS, "drbd-web"), (DRBDDISK, "disk-web")])
def test_drbd_promoted_by_the_cib_or_drawn_as_not_promoted(
    tmp_path: Path, res: str, manager: str | None
) -> None:
    """A domU on phy:/dev/drbd0 needs the resource Primary before it starts: an ocf drbd
    master/slave or heartbeat's drbddisk (drbd-utils scripts/drbddisk: ``drbdadm primary
    $RES``) does it; without one the edge and the resource are orange."""
    domu = "name = 'web'\ndisk = ['phy:/dev/drbd0,xvda,w']\n"
    roots = [
        write(
            tmp_path / n,
            {
                "etc/drbd.conf": DRBD,
                "etc/xen/vm/web": domu,
                "var/lib/heartbeat/crm/cib.xml": PROMOTE_CIB.format(res=res),
            },
        )
        for n in ("alpha", "beta")
    ]
    dot = dot_of(roots)
    disk = line_of(dot, '"domu:web" -> "drbd:web"')
    if manager is None:
        assert f'color="{ORANGE}"' in disk and "no CIB resource promotes" in disk
        assert f'color="{ORANGE}"' in line_of(dot, '"drbd:web" [')
    else:
        assert ORANGE not in disk
        assert 'label="promotes"' in line_of(dot, f'"res:{manager}" -> "drbd:web"')


def test_a_drbd_disk_is_promoted_by_block_drbd(tmp_path: Path) -> None:
    """``drbd:web`` goes through Xen's block-drbd script, which makes the resource Primary
    itself (drbd-utils scripts/block-drbd): not drawn as a hazard."""
    roots = [
        write(
            tmp_path / n,
            {
                "etc/drbd.conf": DRBD,
                "etc/xen/vm/web": "name = 'web'\ndisk = ['drbd:web,xvda,w']\n",
                "var/lib/heartbeat/crm/cib.xml": PROMOTE_CIB.format(res=""),
            },
        )
        for n in ("alpha", "beta")
    ]
    assert ORANGE not in line_of(dot_of(roots), '"domu:web" -> "drbd:web"')


def test_the_documented_pictures_show_the_conflict() -> None:
    """The SVG committed beside examples/mistakes (and copied to docs/img) draws the alias
    conflict red with both WWIDs, and docs/graph.md shows its PNG screenshot."""
    svg = etree.parse(
        str(EXAMPLES / "mistakes" / "graph.svg"),
        etree.XMLParser(resolve_entities=False, no_network=True),
    )
    ns = {"s": "http://www.w3.org/2000/svg"}
    title = svg.xpath("//s:g[@class='node'][s:title='alias:data']", namespaces=ns)
    assert title, "the alias conflict is in the picture"
    shape = title[0].xpath(".//s:polygon", namespaces=ns)[0]
    assert shape.get("stroke") == RED
    texts = " ".join(title[0].itertext())
    assert W1 in texts and W2 in texts
    docs = EXAMPLES.parent / "docs"
    assert "![mistakes](img/mistakes.png)" in (docs / "graph.md").read_text()
    assert (docs / "img" / "mistakes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (docs / "img" / "mistakes.svg").read_bytes() == (
        EXAMPLES / "mistakes" / "graph.svg"
    ).read_bytes()


def test_haresources_drbddisk_promotes(tmp_path: Path) -> None:
    """heartbeat 1: ``drbddisk::web`` in haresources makes web Primary on the node that
    takes the group, so a phy:/dev/drbd0 domU disk is not a hazard."""
    roots = [
        write(
            tmp_path / n,
            {
                "etc/drbd.conf": DRBD,
                "etc/xen/vm/web": "name = 'web'\ndisk = ['phy:/dev/drbd0,xvda,w']\n",
                "etc/ha.d/haresources": "alpha drbddisk::web xendomains\n",
            },
        )
        for n in ("alpha", "beta")
    ]
    dot = dot_of(roots)
    assert ORANGE not in line_of(dot, '"domu:web" -> "drbd:web"')
    assert 'label="promotes"' in line_of(dot, '"res:haresources:alpha" -> "drbd:web"')
    (tmp_path / "alpha" / "etc/ha.d/haresources").write_text("alpha xendomains\n")
    (tmp_path / "beta" / "etc/ha.d/haresources").write_text("alpha xendomains\n")
    assert ORANGE in line_of(dot_of(roots), '"domu:web" -> "drbd:web"')


def test_iet_luns_are_labelled_by_their_scsi_id() -> None:
    """IET's binary T10 designator is read in hex: ``1``, ``IET`` padded, then the
    ScsiId NUL-padded to 16 bytes (``14945540000000000766d61696c00...`` for
    ``ScsiId=vmail``): the tail of every short id is zeros, and the label grew a run of
    zeros until it differed. rhel5-cman-iscsi has two IET LUNs (vmail, vintranet):
    each is labelled with its ScsiId."""
    root = Path(__file__).parent / "fixtures" / "lint-trees" / "rhel5-cman-iscsi" / "good"
    dot = dot_of([str(p) for p in sorted(root.iterdir()) if p.is_dir()])
    mail = line_of(dot, '"lun:14945540000000000766d61696c0000000000000000000000" [')
    intranet = line_of(dot, '"lun:1494554000000000076696e7472616e657400000000000000" [')
    assert 'label="vm_mail\\nIET vmail\\n(all nodes)"' in mail
    assert 'label="vm_intranet\\nIET vintranet\\n(all nodes)"' in intranet


def test_iet_labels_stay_unique() -> None:
    """An id that is not printable is shown in hex without its padding; the same hex in
    two cases is two WWIDs to multipath, so both keep a tail; other WWIDs keep theirs."""
    from xencfg.graph.parts import _unique_labels

    head = "14945540000000000"
    mail = head + "766d61696c".ljust(32, "0")
    binary = head + "01ff".ljust(32, "0")
    upper = head + "766D61696C".ljust(32, "0")
    other = "360000000000000001111aaaabbbbcccc"
    labels = _unique_labels([mail, binary, other])
    assert labels == {mail: "IET vmail", binary: "IET 01ff", other: "1111aaaabbbbcccc"[-12:]}
    both = _unique_labels([mail, upper])
    assert both[mail] != both[upper] and "IET" not in both[mail] + both[upper]


def test_a_supportconfig_section_is_placed_at_the_lines_of_its_file(tmp_path: Path) -> None:
    """A section of a supportconfig file is read alone; the picture places what it
    draws at the lines of the file (mpio.txt), where lint reports its findings."""
    cmd = "#==[ Command ]======================================#\n"
    conf = "#==[ Configuration File ]===========================#\n"
    root = tmp_path / "scc_alpha_261128_0900"
    root.mkdir()
    (root / "supportconfig.txt").write_text("Script Version: 3.1\n")
    (root / "basic-environment.txt").write_text(cmd + "# /bin/uname -a\nLinux alpha 4.12 #1\n")
    mpio = cmd + "# /bin/rpm -q multipath-tools\nmultipath-tools-0.4.9\n\n" + conf
    (root / "mpio.txt").write_text(mpio + "# /etc/multipath.conf\n" + MP)
    result = lint.run([str(root)])
    g = graph.build(result.cluster, result.findings)
    spans = [s for n in g.nodes.values() for s in n.spans if s[0].endswith("#etc_multipath.conf")]
    assert spans
    lines = (root / "mpio.txt").read_text().splitlines()
    for _, first, last in spans:
        assert lines[first - 1].strip().startswith(("multipath", "wwid")), (first, last)
        assert lines[last - 1].strip() in ("}", "alias data", "wwid 3600a1234567890"), last
