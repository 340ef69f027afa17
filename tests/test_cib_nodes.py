"""The one answer to "which nodes run this CIB" (xencfg.membership.cib_nodes), which
CB006, CB022, CB037, XN018 and DR043 read: the CIB's own member ``<nodes>`` and the
members its messaging layer lists (ha.cf ``node`` lines, a corosync nodelist, cman's
clusternodes) on the trees that hold it. The sensitive cases: a loose CIB (no tree
holds it) and a storage-only box (targets, no CIB) linted beside the dom0s.

What each daemon reads is cited in membership.py's docstring: heartbeat 3.0
heartbeat/config.c (``KEY_HOST`` -> ``add_normal_node``; ``init_config`` adds the
local node under ``autojoin any``), Pacemaker lib/cluster/corosync.c
``pcmk__corosync_name`` (``nodelist.node.%d.name``, then ``ring0_addr``), cman
cman/daemon/cmanconfig.c ``read_cman_nodes`` (``add_ccs_node`` per clusternode).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT
from lintkit import tree
from xencfg import lint
from xencfg.membership import cib_nodes

CIB = """<cib validate-with="pacemaker-1.0" admin_epoch="1" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="opts">{options}</cluster_property_set></crm_config>
    <nodes>{nodes}</nodes>
    <resources>{resources}</resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""
CIB_PATH = "var/lib/heartbeat/crm/cib.xml"
IGNORE = '<nvpair id="o-q" name="no-quorum-policy" value="ignore"/>'
FENCING_OFF = '<nvpair id="o-s" name="stonith-enabled" value="false"/>'
FENCING_ON = '<nvpair id="o-s" name="stonith-enabled" value="true"/>'


def cib(names: str = "", options: str = "", resources: str = "", ids: str = "") -> str:
    """A CIB whose ``<nodes>`` are ``names`` (ids ``ids``, else 1, 2, ...)."""
    listed = names.split()
    given = ids.split() or [str(i) for i in range(1, len(listed) + 1)]
    nodes = "".join(
        f'<node id="{i}" uname="{n}" type="normal"/>' for i, n in zip(given, listed, strict=True)
    )
    return CIB.format(options=options, nodes=nodes, resources=resources)


def hacf(names: str) -> str:
    return f"node {names}\nbcast eth0\ncrm on\n"


def corosync(names: str) -> str:
    """A corosync 2 corosync.conf whose nodelist names ``names``."""
    nodes = "".join(
        f"\tnode {{\n\t\tname: {n}\n\t\tnodeid: {i}\n\t\tring0_addr: 10.0.0.{i}\n\t}}\n"
        for i, n in enumerate(names.split(), 1)
    )
    return (
        "totem {\n\tversion: 2\n\tcluster_name: dom0s\n\ttransport: udpu\n}\n"
        f"nodelist {{\n{nodes}}}\n"
        "quorum {\n\tprovider: corosync_votequorum\n}\n"
    )


def cman(names: str) -> str:
    nodes = "".join(
        f'<clusternode name="{n}" nodeid="{i}" votes="1"/>' for i, n in enumerate(names.split(), 1)
    )
    head = '<?xml version="1.0"?>\n<cluster name="dom0s" config_version="1">'
    return f"{head}<clusternodes>{nodes}</clusternodes></cluster>\n"


#: A target box: IET exports a LUN; nothing makes it a cluster member.
IETD = "Target iqn.2026-12.net.example:san1.lun\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
MULTIPATH = "multipaths {\n\tmultipath {\n\t\twwid 3600a0b80000f1e2d\n\t\talias lun0\n\t}\n}\n"


def storage_box(tmp: Path, name: str = "san1", **extra: str) -> Path:
    return tree(tmp, name, {"etc/hostname": name + "\n", "etc/ietd.conf": IETD, **extra})


def dom0(tmp: Path, name: str, files: dict[str, str]) -> Path:
    return tree(tmp, name, {"etc/hostname": name + "\n", **files})


def messages(code: str, *paths: Path) -> list[str]:
    return [f.message for f in lint.run([str(p) for p in paths], select=[code]).findings]


# -- the API ------------------------------------------------------------------------


def test_holders_own_nodes_and_their_corosync_list(tmp_path: Path) -> None:
    """A CIB held by xen1 runs on its member <nodes> (not a ping node: no messaging
    layer knows it) and on the nodes xen1's corosync nodelist names (xen3, which has
    not joined yet); never on the storage box beside them."""
    ping = '<node id="p" uname="gw" type="ping"/>'
    text = cib("xen1 xen2").replace("</nodes>", ping + "</nodes>")
    trees = [
        dom0(
            tmp_path,
            "xen1",
            {CIB_PATH: text, "etc/corosync/corosync.conf": corosync("xen1 xen2 xen3")},
        ),
        dom0(tmp_path, "xen2", {"etc/corosync/corosync.conf": corosync("xen1 xen2 xen3")}),
        storage_box(tmp_path),
    ]
    cluster = lint.run([str(t) for t in trees]).cluster
    [item] = cluster.docs("cib")
    found = cib_nodes(cluster, [item])
    assert found.said and found.names == {"xen1", "xen2", "xen3"}
    assert found.members["xen1"].in_cib is not None and found.members["xen3"].in_cib is None
    assert [loc.path.endswith("corosync.conf") for loc in found.members["xen3"].listed] == [
        True,
        True,
    ]


def test_nothing_says_every_member_but_no_storage_box(tmp_path: Path) -> None:
    """A loose CIB without <nodes>: nothing says where it runs, so every member of the
    run's layers counts (xen1 and xen2 by ha.cf), never the target box; without any
    member list, every node tree but the target box."""
    loose = tmp_path / "cib.xml"
    loose.write_text(cib())
    dom0s = [dom0(tmp_path, n, {"etc/ha.d/ha.cf": hacf("xen1 xen2")}) for n in ("xen1", "xen2")]
    san = storage_box(tmp_path)
    cluster = lint.run([str(loose), *map(str, dom0s), str(san)]).cluster
    found = cib_nodes(cluster, list(cluster.docs("cib")))
    assert not found.said and found.names == {"xen1", "xen2"}
    for d in dom0s:
        (d / "etc/ha.d/ha.cf").unlink()
    cluster = lint.run([str(loose), *map(str, dom0s), str(san)]).cluster
    assert cib_nodes(cluster, list(cluster.docs("cib"))).names == {"xen1", "xen2"}


def test_formats_absent_from_the_run_are_not_imported() -> None:
    """A heartbeat cluster (examples/two-node) is answered without importing the
    corosync or cman modules."""
    code = (
        "import sys\nfrom xencfg.cli import main\n"
        "try:\n    main(['lint', '-q', '--exit-zero', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m in ('xencfg.membership',"
        " 'xencfg.formats.lines.corosync', 'xencfg.formats.cman')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "examples" / "two-node")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "['xencfg.membership']", out.stderr


# -- CB022 --------------------------------------------------------------------------


def test_cb022_a_loose_cib_of_another_cluster_is_not_counted_with_it(tmp_path: Path) -> None:
    """A loose two-node CIB (node ids 1, 2) linted beside three dom0s whose own CIBs
    give xen1 and xen2 other ids: cluster.py's _heartbeat_layer keeps it a cluster of
    its own (two clusters both calling nodes xen1/xen2), so it has two members and
    ``ignore`` is right for it. CB022 used to count the dom0s' ha.cf nodes for any
    loose CIB (found by the cibnodes audit: cib-truth6 CIBs beside examples/storage-tier).
    The same loose CIB where the dom0s keep no CIB of their own is a copy of theirs
    (its nodes are a part of the ha.cf list): three members, CB022."""
    loose = tmp_path / "cib.xml"
    loose.write_text(cib("xen1 xen2", options=IGNORE))
    theirs = cib("xen1 xen2 xen3", ids="u-1 u-2 u-3")
    trees = [
        dom0(tmp_path, n, {"etc/ha.d/ha.cf": hacf("xen1 xen2 xen3"), CIB_PATH: theirs})
        for n in ("xen1", "xen2", "xen3")
    ]
    assert messages("CB022", loose, *trees) == []
    for t in trees:
        (t / CIB_PATH).unlink()
    [said] = messages("CB022", loose, *trees)
    assert "cluster of 3 members (xen1, xen2, xen3)" in said


def test_cb022_counts_cman_clusternodes(tmp_path: Path) -> None:
    """Pacemaker on cman (RHEL 6): cman's members are cluster.conf's clusternodes
    (cmanconfig.c read_cman_nodes), so a CIB that has seen two of three join still runs
    a three-node cluster. (cman's module is imported only because a cluster.conf is
    there.)"""
    held = cib("n1 n2", options=IGNORE)
    trees = [
        dom0(tmp_path, "n1", {CIB_PATH: held, "etc/cluster/cluster.conf": cman("n1 n2 n3")}),
        dom0(tmp_path, "n2", {"etc/cluster/cluster.conf": cman("n1 n2 n3")}),
    ]
    [said] = messages("CB022", *trees)
    assert "cluster of 3 members (n1, n2, n3)" in said
    for t in trees:
        (t / "etc/cluster/cluster.conf").write_text(cman("n1 n2"))
    assert messages("CB022", *trees) == []


# -- CB037 --------------------------------------------------------------------------

DEVICE = (
    '<primitive id="fence" class="stonith" type="external/ipmi">'
    '<instance_attributes id="fence-ia">'
    '<nvpair id="fence-hosts" name="pcmk_host_list" value="{hosts}"/>'
    "</instance_attributes></primitive>"
)


def test_cb037_fences_the_nodes_corosync_names(tmp_path: Path) -> None:
    """corosync 2's nodelist names a third dom0 the CIB has not seen join; Pacemaker
    names members by the nodelist (corosync.c pcmk__corosync_name), and the device
    fences xen1 and xen2 only: xen3's failure cannot be fenced. The finding points at
    the nodelist's node."""
    held = cib("xen1 xen2", options=FENCING_ON, resources=DEVICE.format(hosts="xen1 xen2"))
    conf = corosync("xen1 xen2 xen3")
    trees = [
        dom0(tmp_path, "xen1", {CIB_PATH: held, "etc/corosync/corosync.conf": conf}),
        dom0(tmp_path, "xen2", {"etc/corosync/corosync.conf": conf}),
    ]
    result = lint.run([str(t) for t in trees], select=["CB037"])
    [finding] = result.findings
    assert "fences node xen3" in finding.message
    assert [r.path.endswith("corosync.conf") for r in finding.related][:2] == [True, True]
    for t in trees:
        (t / "etc/corosync/corosync.conf").write_text(corosync("xen1 xen2"))
    assert messages("CB037", *trees) == []


def test_cb037_name_corosync_gives_a_node(tmp_path: Path) -> None:
    """lint-trees/corosync-cib-name-case/bad: the nodelist names node 2 ``node-2``
    (CS010), while the device's pcmk_host_list says node2. Pacemaker takes the
    nodelist's name (corosync.c pcmk__corosync_name), so nothing fences node-2 (the
    cibnodes audit's one new finding; the good tree has none)."""
    case = FIXTURES / "lint-trees" / "corosync-cib-name-case"
    bad = [p for p in sorted((case / "bad").iterdir()) if p.is_dir()]
    good = [p for p in sorted((case / "good").iterdir()) if p.is_dir()]
    assert [m.split(":")[0] for m in messages("CB037", *bad)] == [
        "no STONITH resource fences node node-2"
    ]
    assert messages("CB037", *good) == []


def test_cb037_leaves_a_cib_nobody_says_runs_where(tmp_path: Path) -> None:
    """Fragments (no <nodes>, no tree holds them) beside two dom0s: which nodes they
    run on is a guess, so CB037 names no node the devices miss."""
    frag = tmp_path / "fence.xml"
    frag.write_text(
        f"<configuration><crm_config><cluster_property_set id='o'>{FENCING_ON}"
        f"</cluster_property_set></crm_config><resources>{DEVICE.format(hosts='xen1')}"
        "</resources></configuration>\n"
    )
    dom0s = [dom0(tmp_path, n, {"etc/ha.d/ha.cf": hacf("xen1 xen2")}) for n in ("xen1", "xen2")]
    assert messages("CB037", frag, *dom0s) == []


# -- CB006 and placement: the storage box -------------------------------------------


def test_cb006_a_loose_cib_does_not_run_on_a_storage_box(tmp_path: Path) -> None:
    """A loose CIB without <nodes> and fencing off, beside two dom0s and a target box
    that imports a SAN LUN through multipath to export it: the target box runs no
    cluster stack, so its LUN is no storage the CIB's nodes share (CB006 used to take
    every tree for such a CIB). When a dom0 has the LUN, CB006 stands."""
    loose = tmp_path / "cib.xml"
    loose.write_text(cib(options=FENCING_OFF))
    dom0s = [dom0(tmp_path, n, {"etc/ha.d/ha.cf": hacf("xen1 xen2")}) for n in ("xen1", "xen2")]
    san = storage_box(tmp_path, **{"etc/multipath.conf": MULTIPATH})
    assert messages("CB006", loose, *dom0s, san) == []
    (dom0s[0] / "etc/multipath.conf").write_text(MULTIPATH)
    assert messages("CB006", loose, *dom0s, san) == [
        "STONITH is disabled but nodes share multipath SAN LUNs"
    ]


DRBD = """resource r0 {
  protocol C;
  on xen1 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; meta-disk internal; }
  on xen2 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; meta-disk internal; }
}
"""
MASTER = (
    '<master id="ms-r0"><primitive id="r0" class="ocf" provider="linbit" type="drbd">'
    '<instance_attributes id="r0-ia"><nvpair id="r0-res" name="drbd_resource" value="r0"/>'
    "</instance_attributes></primitive></master>"
)


def test_dr043_places_a_cib_without_nodes_on_its_corosync_members(tmp_path: Path) -> None:
    """A CIB without <nodes> (as migrate writes it) on xen1 and xen2, whose corosync
    nodelist names xen3 as well: the CRM places the DRBD clone on any of the three, and
    r0 has no 'on xen3' section (DR043); the target box beside them is never a place.
    Before, such a CIB was placed on the heartbeat/DRBD members only (xen3 has neither)."""
    conf = corosync("xen1 xen2 xen3")
    held = cib(resources=MASTER)
    trees = [
        dom0(
            tmp_path, n, {CIB_PATH: held, "etc/corosync/corosync.conf": conf, "etc/drbd.conf": DRBD}
        )
        for n in ("xen1", "xen2")
    ]
    trees.append(
        dom0(tmp_path, "xen3", {"etc/corosync/corosync.conf": conf, "etc/drbd.conf": DRBD})
    )
    san = storage_box(tmp_path)
    [said] = messages("DR043", *trees, san)
    assert " on xen3," in said and "san1" not in said
    for t in trees:
        (t / "etc/corosync/corosync.conf").write_text(corosync("xen1 xen2"))
    assert messages("DR043", *trees, san) == []


def test_cb006_a_loose_cib_runs_on_the_only_messaging_layer(tmp_path: Path) -> None:
    """migrate's output for a target pair with its own heartbeat beside separate xm
    dom0s (topo6 hb2-v1-drbd83-iet-pair-three-separate-xm-dom0s-multipath): a loose
    CIB without <nodes>, fencing off, corosync on the pair only, multipath LUNs on the
    dom0s. The pair's corosync is the one layer that can run it, target boxes or not:
    the dom0s' LUNs are not its nodes' (CB006 used to count every tree). Once a dom0's
    corosync lists the pair too, the dom0 is a member and its LUNs count."""
    loose = tmp_path / "cib.xml"
    loose.write_text(cib(options=FENCING_OFF))
    conf = corosync("san1 san2")
    pair = [
        storage_box(tmp_path, n, **{"etc/corosync/corosync.conf": conf}) for n in ("san1", "san2")
    ]
    dom0s = [dom0(tmp_path, n, {"etc/multipath.conf": MULTIPATH}) for n in ("xen1", "xen2")]
    assert messages("CB006", loose, *pair, *dom0s) == []
    (dom0s[0] / "etc/corosync/corosync.conf").parent.mkdir(parents=True)
    (dom0s[0] / "etc/corosync/corosync.conf").write_text(corosync("san1 san2 xen1"))
    assert messages("CB006", loose, *pair, *dom0s) == [
        "STONITH is disabled but nodes share multipath SAN LUNs"
    ]


def test_cb037_a_target_box_in_the_nodelist_is_a_member(tmp_path: Path) -> None:
    """migrate's output for dom0s beside a target pair that ran its own heartbeat
    (topo4 hb1-iet-pair-four-dom0s-ocfs2-pcmk10, lint-trees
    hb2-three-dom0s-ucast-drbd83-iet-pair): one corosync nodelist over both, and the
    dom0s' CIB, loose, with the dom0s' devices. Every corosync.conf makes the target
    box a member of the cluster that runs this CIB (its <nodes> are a part of the
    nodelist), and no device fences it: CB037 names it, target box or not."""
    loose = tmp_path / "cib.xml"
    loose.write_text(
        cib("xen1 xen2", options=FENCING_ON, resources=DEVICE.format(hosts="xen1 xen2"))
    )
    conf = {"etc/corosync/corosync.conf": corosync("xen1 xen2 san1")}
    trees = [dom0(tmp_path, n, conf) for n in ("xen1", "xen2")] + [storage_box(tmp_path, **conf)]
    assert [m.split(":")[0] for m in messages("CB037", loose, *trees)] == [
        "no STONITH resource fences node san1"
    ]
    for t in trees[:2]:
        (t / "etc/corosync/corosync.conf").write_text(corosync("xen1 xen2"))
    (trees[2] / "etc/corosync/corosync.conf").write_text(corosync("san1"))
    assert messages("CB037", loose, *trees) == []


def test_a_node_the_user_declares_a_member_runs_the_cib(tmp_path: Path) -> None:
    """``--role backup=member``: the user says a node the files leave out (no CIB, no
    member list) is a member, so it runs the CIB too (cluster.py declared_members)."""
    held = cib("xen1 xen2", options=IGNORE)
    trees = [dom0(tmp_path, n, {CIB_PATH: held}) for n in ("xen1", "xen2")]
    trees.append(
        dom0(tmp_path, "backup", {"etc/iscsi/initiatorname.iscsi": "InitiatorName=iqn.x:b\n"})
    )
    paths = [str(t) for t in trees]
    assert lint.run(paths, select=["CB022"]).findings == []
    [finding] = lint.run(paths, select=["CB022"], roles={"backup": ("member",)}).findings
    assert "cluster of 3 members (backup, xen1, xen2)" in finding.message
