"""Lint-truth gaps the session 27 closing note left (session 28, truthgaps4): the
release lines of a site of several clusters, which nodes run a CIB for the graph and
CB013, DRBD 9 syntax against an in-tree 8.4 kernel module, XN020 and ``xl -V``, and
target boxes that are full cluster members."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import tree
from xencfg import lint
from xencfg.cli import main
from xencfg.versions import Versions

UNSEEN8 = Path(__file__).parent / "fixtures" / "unseen8"
IET = UNSEEN8 / "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"


def test_verbose_prints_each_clusters_releases(capsys: pytest.CaptureFixture[str]) -> None:
    """The IET site is three clusters: san1/san2 on heartbeat 2.1.4's own CRM, a1/a2
    on heartbeat 3 + Pacemaker 1.0.9, b1/b2 on corosync 1.4 + Pacemaker 1.1.8 (each
    CIB's dc-version). One site-wide line said "Pacemaker 1.1.8 or later, before 1.2"
    for a1/a2 too, and "heartbeat 2.1.4" for a1/a2's heartbeat 3."""
    main(["lint", "-v", "-q", "--exit-zero", *map(str, sorted(IET.iterdir()))])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("version ")]
    said = {ln.split(": ", 1)[0]: ln.split(": ", 1)[1] for ln in lines}
    assert said["version pacemaker in cluster a1, a2"].startswith(
        "Pacemaker 1.0.9 or later, before 1.1, inferred from the DC's 'dc-version 1.0.9-"
    )
    assert said["version pacemaker in cluster b1, b2"].startswith(
        "Pacemaker 1.1.8 or later, before 1.2, inferred from the DC's 'dc-version 1.1.8-"
    )
    assert said["version heartbeat in cluster san1, san2"].startswith("heartbeat 2.1.4,")
    assert said["version heartbeat in cluster a1, a2"].startswith("heartbeat 2.0 or later,")
    assert "san1" not in said["version heartbeat in cluster a1, a2"]
    assert not [k for k in said if k.count(" ") == 1]  # no site-wide line


def test_rules_never_read_the_sites_release_on_a_site_of_clusters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every release a rule asks for on the IET site is its node's own (by_node) or
    unknown, never the site-wide inference that mixes the three clusters' releases."""
    site_wide: list[tuple[str, str | None]] = []
    of = Versions.of

    def spy(self: Versions, component: str, node: str | None = None) -> object:
        found = of(self, component, node)
        if (component, node or "") not in self.by_node and found is self.inferred.get(component):
            site_wide.append((component, node))
        return found

    monkeypatch.setattr(Versions, "of", spy)
    lint.run(sorted(IET.iterdir()))
    assert site_wide == []


# -- which nodes run a CIB: CB013 and the graph read membership.cib_nodes ----------------


def _corosync(cluster: str, *names: str) -> str:
    """A corosync 2 corosync.conf (udpu) whose nodelist names ``names``."""
    nodes = "".join(
        f"\tnode {{\n\t\tring0_addr: {n}\n\t\tname: {n}\n\t\tnodeid: {i}\n\t}}\n"
        for i, n in enumerate(names, 1)
    )
    return (
        f"totem {{\n\tversion: 2\n\tcluster_name: {cluster}\n\ttransport: udpu\n}}\n"
        f"nodelist {{\n{nodes}}}\n"
        "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
    )


def _ocfs2(*names: str) -> str:
    nodes = "".join(
        f"node:\n\tip_port = 7777\n\tip_address = 10.0.{i}.1\n\tnumber = {i}\n"
        f"\tname = {n}\n\tcluster = ocfs2\n\n"
        for i, n in enumerate(names)
    )
    return nodes + f"cluster:\n\tnode_count = {len(names)}\n\tname = ocfs2\n"


#: A CIB no DC has written yet (no <nodes>), with an OCFS2 filesystem clone and a domU.
_FRESH_CIB = """<cib validate-with="pacemaker-2.10" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <clone id="fs-clone">
        <primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem">
          <instance_attributes id="fs-ia">
            <nvpair id="fs-dev" name="device" value="/dev/sdc1"/>
            <nvpair id="fs-dir" name="directory" value="/srv"/>
            <nvpair id="fs-t" name="fstype" value="ocfs2"/>
          </instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def _two_corosync_clusters(tmp_path: Path) -> list[Path]:
    """Two corosync 2 clusters on one site, x1/x2 and y1/y2, each with its own nodelist,
    OCFS2 cluster.conf and a fresh CIB (no <nodes> yet), and a domU config on its dom0s."""
    roots = []
    for pair in (("x1", "x2"), ("y1", "y2")):
        for name in pair:
            roots.append(
                tree(
                    tmp_path,
                    name,
                    {
                        "etc/hostname": f"{name}\n",
                        "etc/corosync/corosync.conf": _corosync(pair[0][0], *pair),
                        "etc/ocfs2/cluster.conf": _ocfs2(*pair),
                        "var/lib/pacemaker/cib/cib.xml": _FRESH_CIB,
                        f"etc/xen/vm-{pair[0][0]}.cfg": f'name = "vm-{pair[0][0]}"\nmemory = 512\n',
                    },
                )
            )
    return roots


def test_cb013_reads_the_nodes_that_run_the_cib_not_the_whole_site(tmp_path: Path) -> None:
    """A CIB without <nodes> runs on its corosync nodelist's members (Pacemaker names
    them from nodelist.node.N.name: lib/cluster/corosync.c pcmk__corosync_name), here
    x1/x2 or y1/y2. CB013 asked ModelCluster.cluster_of, which knows only ha.cf and the
    CIB's <nodes> and fell back to every member of the run: "cluster.conf of x1 does
    not list y1, y2", though y1/y2 are another cluster that never mounts x's OCFS2."""
    result = lint.run(_two_corosync_clusters(tmp_path), select=["CB013"])
    assert [f.message for f in result.findings] == []
    # (a member the nodelist names and cluster.conf does not is still found)
    conf = tmp_path / "x1" / "etc" / "ocfs2" / "cluster.conf"
    conf.write_text(_ocfs2("x1"))
    got = lint.run(_site(tmp_path), select=["CB013"]).findings
    assert [f.message for f in got] == [
        "OCFS2 filesystem 'fs': cluster.conf of x1 does not list x2"
    ]


def _site(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.iterdir() if p.is_dir())


def test_graph_draws_a_domu_on_all_of_its_own_clusters_nodes(tmp_path: Path) -> None:
    """The graph's "(all nodes)" domU is one every node that runs its cluster holds:
    vm-x on x1 and x2 is on all of x's nodes. The old layer (cluster_of: every member
    of the run, without <nodes> or ha.cf) asked y1 and y2 to hold it too."""
    from xencfg.graph import build

    result = lint.run(_two_corosync_clusters(tmp_path))
    g = build(result.cluster, result.findings)
    labels = {k: v.label for k, v in g.nodes.items() if k.startswith("domu:")}
    assert labels == {"domu:vm-x": "vm-x\\n(all nodes)", "domu:vm-y": "vm-y\\n(all nodes)"}
