"""``xencfg migrate`` on a site of several clusters: three (or four) dom0s on heartbeat
beside a separate IET storage pair on heartbeat of its own (its own ha.cf ``node``
lines, udpport and authkeys). heartbeat only talks to the nodes of its own ha.cf
(heartbeat/config.c ``add_normal_node``; membership.py cites it), so these are two
clusters, and migrate used to merge them: ONE corosync nodelist of all nodes, one
cluster_name, one authkey, and one cib.xml holding the dom0s' CIB only: the pair's
haresources (drbddisk, IPaddr2, the iSCSI target) were lost without a line, and the
merged cluster had fencing for three of five nodes (``xencfg lint``: CB037).

Now each cluster is migrated on its own (migrate/clusters.py): its own nodelist,
cluster_name, authkey, CIB (OUTDIR/cib-NAME.xml) and cut-over steps, one MIGRATION.md
with a section per cluster. Each output is judged by the tool that reads it: corosync
3.1's ``corosync -t`` (as test_migrate_unseen5), Pacemaker 2.1's crm_verify on each CIB,
and ``xencfg lint`` on the node trees as they are after the cut-over.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import xencfg
from test_migrate_daemons import _crm_errors
from test_migrate_unseen4 import _lint, _roots, check_corosync, migrate_trees
from xencfg import migrate
from xencfg.cli import main
from xencfg.discover import discover
from xencfg.errors import XencfgError
from xencfg.migrate.clusters import site_clusters

FIXTURES = Path(__file__).parent / "fixtures"
#: the fixture sites of several heartbeat clusters, and each cluster's nodes
SITES = {
    "hb2-dom0s-iet-pair": (
        FIXTURES / "lint-trees/hb2-three-dom0s-ucast-drbd83-iet-pair/good",
        [["dom1", "dom2", "dom3"], ["san1", "san2"]],
    ),
    "topo4-hb1-iet-pair-four-dom0s": (
        FIXTURES / "topo4/hb1-iet-pair-four-dom0s-ocfs2-pcmk10/good",
        [["oak1", "oak2", "oak3", "oak4"], ["vault1", "vault2"]],
    ),
    "unseen4-centos5-iet-hb1": (
        FIXTURES / "unseen4/centos5-iet-hb1-drbd83-ocfs2-pcmk10-xm",
        [["stor1", "stor2"], ["xen1", "xen2", "xen3"]],
    ),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[migrate.Migration, Path]]:
    """Each site migrated once, its nodes after the cut-over on disk (each node with its
    own cluster's files and CIB: test_migrate_unseen4._merged)."""
    return migrate_trees({name: site for name, (site, _) in SITES.items()}, tmp_path_factory)


def _members(m: migrate.Migration, node: str) -> list[str]:
    conf = next(o for o in m.outputs if o.node == node and o.path.endswith("corosync.conf"))
    doc = xencfg.loads(conf.data.decode(), "corosync")
    return sorted(str(n.name) for n in doc.nodes)


@pytest.mark.parametrize("name", SITES)
def test_the_clusters_are_found(name: str) -> None:
    """Trees whose ha.cf node lines list each other are one cluster; the others
    another (membership.stack_lists reads the lists)."""
    site, clusters = SITES[name]
    found = discover(_roots(site))
    found.nodes.sort(key=lambda t: t.name)
    assert sorted(g.names for g in site_clusters(found)) == clusters


@pytest.mark.parametrize("name", SITES)
def test_each_cluster_gets_its_own_nodelist_name_key_and_cib(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """Each node's corosync.conf lists its own cluster's nodes (the merge listed all),
    each cluster has a name, an authkey and a CIB of its own."""
    m, _ = migrated[name]
    clusters = SITES[name][1]
    assert sorted(c.nodes for c in m.clusters) == clusters
    for c in m.clusters:
        for node in c.nodes:
            assert _members(m, node) == c.nodes
        keys = {o.data for o in c.outputs if o.path.endswith("authkey")}
        assert len(keys) == 1
        assert [o.path for o in c.outputs if not o.node] == [f"cib-{c.cluster_name}.xml"]
        assert f"OUTDIR/cib-{c.cluster_name}.xml" in " ".join(c.steps)
    assert len({c.cluster_name for c in m.clusters}) == len(clusters)
    keys = [{o.data for o in c.outputs if o.path.endswith("authkey")} for c in m.clusters]
    assert not keys[0] & keys[1]
    assert not [o for o in m.outputs if o.path == "cib.xml"]


@pytest.mark.parametrize("name", SITES)
def test_no_resource_of_any_cluster_is_dropped_silently(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """Every haresources resource and every CIB primitive of each cluster is in that
    cluster's written CIB (or in a line of its report): the storage pair's haresources
    were lost before."""
    from lxml import etree

    site, _ = SITES[name]
    m, _ = migrated[name]
    for c in m.clusters:
        cib = next(o for o in c.outputs if not o.node)
        written = etree.fromstring(cib.data)
        ids = {p.get("id") for p in written.iter("primitive")}
        said = " ".join(n.what for n in c.notes)
        node = c.nodes[0]
        hr = site / node / "etc/ha.d/haresources"
        old_cib = site / node / "var/lib/heartbeat/crm/cib.xml"
        if old_cib.is_file():
            for p in etree.parse(str(old_cib)).iter("primitive"):
                assert p.get("id") in ids or f"'{p.get('id')}'" in said, p.get("id")
        elif hr.is_file():
            wanted = [r for g in xencfg.load(str(hr), "haresources").groups for r in g.resources]
            assert wanted and len(ids) >= len(wanted), (ids, [r.spec for r in wanted])
        else:
            pytest.fail(f"{node}: neither a CIB nor haresources")


@pytest.mark.parametrize("name", SITES)
def test_the_report_has_a_section_per_cluster(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """One MIGRATION.md: a list of the clusters with their members and CIB files, then
    each cluster's own report; the JSON report has each cluster's own."""
    m, _ = migrated[name]
    text = m.report_markdown()
    assert text.startswith(f"# Migration of {len(m.clusters)} clusters: ")
    for c in m.clusters:
        assert f"- cluster {c.cluster_name}: {', '.join(c.nodes)}; its CIB: OUTDIR/cib-" in text
        assert f"\n## Migration of cluster {c.cluster_name}\n" in text
    data = json.loads(m.report_json())
    assert [c["cluster_name"] for c in data["clusters"]] == [c.cluster_name for c in m.clusters]
    assert len(data["not_carried"]) == sum(
        len([n for n in c.notes if n.kind in ("manual", "dropped")]) for c in m.clusters
    ) + len([n for n in m.notes if n.kind in ("manual", "dropped")])


@pytest.mark.peer
@pytest.mark.parametrize("name", SITES)
def test_corosync_accepts_every_written_corosync_conf(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """corosync -t (corosync 3.1.7) on each member's file, its key beside it, in a
    network namespace that owns the node's ring0 address (conftest.corosync_test)."""
    m, base = migrated[name]
    check_corosync(m, base, tmp_path)


@pytest.mark.peer
@pytest.mark.parametrize("name", SITES)
def test_crm_verify_accepts_each_cib(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """crm_verify -V (Pacemaker 2.1.5) finds no error in any cluster's written CIB."""
    m, _ = migrated[name]
    for c in m.clusters:
        cib = next(o for o in c.outputs if not o.node)
        path = tmp_path / cib.path
        path.write_bytes(cib.data)
        assert _crm_errors(path) == set(), cib.path


@pytest.mark.parametrize("name", SITES)
def test_lint_finds_no_error_in_the_migrated_trees(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """``xencfg lint`` on the nodes after the cut-over: no error (the merged nodelist
    gave CB037: the dom0s' fencing devices left the storage pair unfenced)."""
    _, base = migrated[name]
    found = _lint(sorted(p for p in base.iterdir() if p.is_dir()))
    assert not [f for f in found if f["severity"] == "error"], found


def test_one_cluster_beside_storage_boxes_is_migrated_as_before() -> None:
    """A pair on heartbeat beside dom0s that run no cluster stack (topo6) is one
    cluster: no sections, OUTDIR/cib.xml as before, the dom0s outside the nodelist."""
    site = FIXTURES / "topo6/hb2-v1-drbd83-iet-pair-three-separate-xm-dom0s-multipath/good"
    m = migrate.plan(_roots(site))
    assert m.clusters == []
    assert [o.path for o in m.outputs if not o.node] == ["cib.xml"]
    assert m.report_markdown().startswith("# Migration of cluster ")


@pytest.mark.parametrize("option", ["--cluster-name=vms", "--cib=CIB"])
def test_one_cluster_option_is_refused_for_several(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--cluster-name and --cib name ONE cluster: given with several, which one is
    ambiguous, so migrate refuses and says how to name each."""
    site, _ = SITES["hb2-dom0s-iet-pair"]
    cib = site / "dom1/var/lib/heartbeat/crm/cib.xml"
    arg = option.replace("CIB", str(cib))
    assert main(["migrate", str(site), "--check", arg]) != 0
    said = capsys.readouterr().err
    assert "these node trees hold 2: dom1, dom2, dom3; san1, san2" in said
    assert "Migrate each cluster on its own" in said
    with pytest.raises(XencfgError, match="names one cluster"):
        migrate.plan(_roots(site), cluster_name="vms")


def test_two_clusters_of_one_name_get_names_of_their_own(tmp_path: Path) -> None:
    """Without the dom0s' OCFS2 cluster.conf (where 'xenpool' came from) both heartbeat
    clusters would be 'hacluster': each gets its first node's name after it, with a
    TODO saying why, and its own CIB file."""
    site, _ = SITES["hb2-dom0s-iet-pair"]
    copy = tmp_path / "site"
    shutil.copytree(site, copy, symlinks=True)
    for conf in copy.glob("*/etc/ocfs2/cluster.conf"):
        conf.unlink()
    for key in copy.glob("*/etc/ha.d/authkeys"):
        key.chmod(0o600)
    m = migrate.plan(_roots(copy))
    assert [c.cluster_name for c in m.clusters] == ["hacluster-dom1", "hacluster-san1"]
    assert sorted(o.path for o in m.outputs if not o.node) == [
        "cib-hacluster-dom1.xml",
        "cib-hacluster-san1.xml",
    ]
    todo = [n for c in m.clusters for n in c.notes if n.target.endswith("cluster_name")]
    assert all("2 clusters of these node trees are named hacluster" in n.why for n in todo)
    assert len(todo) == 2


def test_clusters_already_on_corosync_3_are_not_compared_as_copies() -> None:
    """A LIO pair and three xl hosts, each its own corosync 3 + Pacemaker 2 cluster:
    nothing to migrate. Merged, the report's one line compared the pair's CIB with the
    hosts' as if they were copies of one ('the nodes' CIBs differ')."""
    site = FIXTURES / "lint-trees/lio-drbd9-pcmk2-pair-three-xl-hosts/good"
    with pytest.raises(XencfgError, match="nothing to migrate"):
        migrate.plan(_roots(site))


def test_the_storage_pairs_new_wwids_reach_the_other_clusters_initiators(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """The san pair's move to LIO gives its LUN a new WWID; the dom0s' multipath.conf,
    another cluster's, names the old one: the whole site's section has that TODO (each
    cluster alone would see its own trees only), and the report never masks less: no
    secret of any cluster is shown."""
    m, _ = migrated["hb2-dom0s-iet-pair"]
    lines = [n for n in m.notes if n.target == "initiators' WWIDs"]
    assert [n.source.split("/good/")[1] for n in lines] == [
        f"dom{i}/etc/multipath.conf:26" for i in (1, 2, 3)
    ]
    assert all("alias 'vmstore'" in n.what for n in lines)
    text = m.report_markdown() + m.report_json()
    assert m.secrets and not [s for s in m.secrets if s in text]


def test_stand_alone_nodes_keep_their_own_files(tmp_path: Path) -> None:
    """A dom0 with no stack file that no list names (topo6's xen1) beside the two
    clusters: its multipath.conf and xl.conf are written in a section of its own, and
    it gets no corosync.conf (corosync there would find itself in no nodelist)."""
    site, _ = SITES["hb2-dom0s-iet-pair"]
    copy = tmp_path / "site"
    shutil.copytree(site, copy, symlinks=True)
    xen1 = FIXTURES / "topo6/hb2-v1-drbd83-iet-pair-three-separate-xm-dom0s-multipath/good/xen1"
    shutil.copytree(xen1, copy / "xen1", symlinks=True)
    for key in copy.glob("*/etc/ha.d/authkeys"):
        key.chmod(0o600)
    m = migrate.plan(_roots(copy))
    alone = m.clusters[-1]
    assert (alone.title, alone.nodes) == ("stand-alone nodes xen1", ["xen1"])
    assert sorted(o.path for o in alone.outputs) == ["etc/multipath.conf", "etc/xen/xl.conf"]
    assert not [o for o in m.outputs if o.node == "xen1" and "corosync" in o.path]
    assert "- stand-alone nodes xen1: no messaging layer, their own files only" in (
        m.report_markdown()
    )


#: each site's storage cluster and the clusters its targets serve (by first node), as
#: the cluster model pairs them: an ietd.conf target with the initiators its
#: initiators.allow admits (cluster.py _iscsi_layers; IET's initiator_match)
UNSEEN8 = FIXTURES / "unseen8/iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"
SERVES = {
    "hb2-dom0s-iet-pair": (SITES["hb2-dom0s-iet-pair"][0], "san1", {"dom1": ["san.vmstore"]}),
    "topo4-hb1-iet-pair-four-dom0s": (
        SITES["topo4-hb1-iet-pair-four-dom0s"][0],
        "vault1",
        {"oak1": ["vault.shared"]},
    ),
    "unseen4-centos5-iet-hb1": (
        SITES["unseen4-centos5-iet-hb1"][0],
        "stor1",
        {"xen1": ["stor:vmstore"]},
    ),
    # one pair, two dom0 clusters: the access list gives each its own target
    "unseen8-san-serves-two": (UNSEEN8, "san1", {"a1": ["vmpool-a"], "b1": ["vmpool-b"]}),
}


@pytest.fixture(scope="module")
def ordered() -> dict[str, migrate.Migration]:
    return {name: migrate.plan(_roots(site)) for name, (site, _, _) in SERVES.items()}


@pytest.mark.parametrize("name", SERVES)
def test_the_storage_cluster_is_cut_over_first_and_says_whom_it_serves(
    name: str, ordered: dict[str, migrate.Migration]
) -> None:
    """The storage cluster's cut-over stops ietd and brings LIO up with new WWIDs under
    the dom0s' disks, so it goes first (in hb2's site the dom0 cluster sorts first: the
    order comes from the pairing, not from the site's order), and its JSON entry names
    the clusters its targets serve; every other cluster is served and serves none."""
    m = ordered[name]
    _, storage, served = SERVES[name]
    data = json.loads(m.report_json())["clusters"]
    by_first = {c["nodes"][0]: c for c in data}
    assert sorted(c["order"] for c in data) == list(range(1, len(data) + 1))
    assert by_first[storage]["order"] == 1
    got = {s["nodes"][0]: s["targets"] for s in by_first[storage]["serves"]}
    assert list(got) == list(served)
    for first, ends in served.items():
        assert len(got[first]) == len(ends)
        assert all(t.endswith(end) for t, end in zip(got[first], ends, strict=True))
    for first in served:
        assert by_first[first]["order"] > 1 and by_first[first]["serves"] == []
    assert m.order_steps and json.loads(m.report_json())["order_steps"] == m.order_steps


@pytest.mark.parametrize("name", SERVES)
def test_the_order_part_stops_the_guests_before_and_rescans_after(
    name: str, ordered: dict[str, migrate.Migration]
) -> None:
    """The report's "Order of the cut-over" (after the list of clusters, before the
    clusters' sections): for each served cluster, stop its guests before the storage
    cluster's cut-over, log in, rescan and do its WWID TODO lines (each named by file
    and line, as the whole site's section lists them) after LIO is up, then cut it
    over itself: the guests stop once."""
    m = ordered[name]
    _, storage, served = SERVES[name]
    text = m.report_markdown()
    part = text.index("\n## Order of the cut-over\n")
    assert text.index("\n- cluster ") < part < text.index("\n## Migration of ")
    label = {c.nodes[0]: f"cluster {c.cluster_name}" for c in m.clusters}
    steps = m.order_steps
    cut = steps.index(
        # (LIO's targets: restored by targetctl, or made by the cluster's lio-t agents)
        f"Cut over {label[storage]} (its own steps, LIO's targets included); `targetcli "
        "ls` shows every target, LUN and ACL."
    )
    for first in served:
        c = next(c for c in m.clusters if c.nodes[0] == first)
        before = next(
            i
            for i, s in enumerate(steps)
            if s.startswith(f"Before {label[storage]}: on {label[first]} (")
        )
        after = next(
            i for i, s in enumerate(steps) if s.startswith(f"After LIO is up: on {label[first]} (")
        )
        own = next(i for i, s in enumerate(steps) if s.startswith(f"Cut over {label[first]} ("))
        assert before < cut < after < own, steps
        assert "stop the guests on the LUNs of" in steps[before]
        assert "`iscsiadm -m session --rescan`" in steps[after] and "`multipath -r`" in steps[after]
        todo = [
            n.source
            for n in m.all_notes()
            if n.target == "initiators' WWIDs" and any(f"/{x}/" in n.source for x in c.nodes)
        ]
        for source in todo:
            assert f"`{source}`" in steps[after]
        assert f"{len(steps)}. " in text.split("\n## Migration of ", 1)[0]


def test_the_order_names_each_wwid_todo_line_of_the_served_nodes(
    ordered: dict[str, migrate.Migration],
) -> None:
    """hb2's dom0s each have one WWID TODO line (multipath.conf:26, the 'vmstore' alias)
    and unseen8's b cluster two per node (vmpool-b-db, vmpool-b-mail): the after-step
    of each cluster names all of them and no other cluster's."""
    steps = ordered["hb2-dom0s-iet-pair"].order_steps
    after = next(s for s in steps if s.startswith("After LIO is up"))
    assert [f"dom{i}/etc/multipath.conf:26`" in after for i in (1, 2, 3)] == [True] * 3
    steps = ordered["unseen8-san-serves-two"].order_steps
    a, b = [s for s in steps if s.startswith("After LIO is up")]
    assert a.count("multipath.conf:") == 2 and "/b1/" not in a
    assert b.count("multipath.conf:") == 4 and "/a1/" not in b
    # unseen4's dom0s name the LUN under a WWID that carries no ScsiId of it: no TODO
    # line, and the step says to check the maps by hand
    steps = ordered["unseen4-centos5-iet-hb1"].order_steps
    after = next(s for s in steps if s.startswith("After LIO is up"))
    assert "no WWID TODO line names these nodes" in after


def test_clusters_that_serve_none_get_no_order(tmp_path: Path) -> None:
    """Without the dom0s' initiator files nothing pairs them with the pair's target: the
    report has no order part and the JSON no ``order``/``serves`` (as before)."""
    site, _ = SITES["hb2-dom0s-iet-pair"]
    copy = tmp_path / "site"
    shutil.copytree(site, copy, symlinks=True)
    for key in copy.glob("*/etc/ha.d/authkeys"):
        key.chmod(0o600)
    for f in copy.glob("dom*/etc/iscsi/*"):
        f.unlink()
    m = migrate.plan(_roots(copy))
    assert len(m.clusters) == 2 and not m.order_steps
    assert "Order of the cut-over" not in m.report_markdown()
    data = json.loads(m.report_json())
    assert "order_steps" not in data
    assert not [c for c in data["clusters"] if "order" in c or "serves" in c]
