"""Lint truth on cluster topologies no earlier fixture had (session topo3): two separate
clusters in one run (a storage pair beside the dom0s, each with its own corosync or
heartbeat), DRBD 9 with quorum on three dom0s, a rolling upgrade with one dom0 on newer
packages, and an OCFS2 cluster grown to four nodes by a node installed later. Each case
under tests/fixtures/lint-trees/CASE/ (its README.md says what it is) has a ``good``
cluster the daemons accept, pinned to its exact findings (each one judged true in its
test's docstring), and a ``bad`` copy with one mistake planted, which lint must name.

Checked with the peers of /work/shared/oracle/peers: peer-drbdadm (--mode 9, 84, 83 as
each tree runs), peer-crm-verify (only the empty status section's "Scheduling node X for
fencing" warnings on the Pacemaker 2 CIBs), peer-multipath, peer-o2cb, peer-xl,
peer-iscsiadm, and ``corosync -c FILE -t`` (corosync 3.1.7) in a network namespace with
the node's ring addresses on lo ("Corosync Cluster Engine exiting normally")."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_audit_trees import TREES
from test_audit_unseen_trees import _found, _no_crash, _run
from xencfg import lint
from xencfg.formats.schema import Version
from xencfg.versions import Versions

LIO = "lio-drbd9-pcmk2-pair-three-xl-hosts"
HB2 = "hb2-three-dom0s-ucast-drbd83-iet-pair"
QUORUM = "drbd9-quorum-three-xl-dom0s-pcmk2"
ROLLING = "wheezy-jessie-rolling-upgrade-three-dom0s"
OCFS2 = "ocfs2-four-dom0s-one-added-later"


def _copy(case: str, variant: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(TREES / case / variant, root)
    return root


def _lint(root: Path, select: list[str]) -> list[tuple[str, str]]:
    """(code, message) of each finding over the node trees under ``root``."""
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    return sorted((f.code, f.message) for f in lint.run(nodes, select=select).findings)


def test_lio_target_pair_beside_three_xl_hosts_is_two_corosync_clusters() -> None:
    """sto1/sto2 (corosync 3 cluster ``storage``, two_node, DRBD 9 ``vmpool`` promoted
    under an LIO iSCSITarget/iSCSILogicalUnit group with two floating portals) and
    xh1-xh3 (corosync 3 cluster ``xenpool``, three votes, dlm + lvmlockd, xl guests on
    an LVM-activate LV of the multipathed LUN). Both corosync.conf pass ``corosync -t``
    on their own nodes; peer-drbdadm --mode 9 OK; peer-crm-verify only the fencing
    warnings of an empty status; peer-multipath OK; peer-xl OK.

    Lint compared every corosync.conf with the first one (CS012: 39 errors such as
    "totem.cluster_name is xenpool on xh1 but storage on sto1") and every corosync
    nodelist with every CIB (CS010: 30 warnings such as "CIB node 'xh1' is not in the
    nodelist" on sto1). A node only talks to the members of its own nodelist
    (corosync.conf(5), nodelist) and each cluster keeps its own CIB: the copies are
    now grouped into the clusters their nodelists form. ``bad``: xh3 kept the
    corosync.conf from before it joined, so its own nodelist lacks it (corosync there:
    "No valid name found for local host"): CS012 within ``xenpool`` and CS010, once,
    with the three copies of the CIB that name xh3 related (it said it once per copy)."""
    good = _run(LIO, "good")
    _no_crash(good)
    assert _found(good) == []
    bad = _found(_run(LIO, "bad"))
    assert (
        bad
        == [("CS010", "xh3/etc/corosync/corosync.conf", 10, 1, "warning")]
        + [("CS012", "xh3/etc/corosync/corosync.conf", 1, 1, "error")] * 4
    )
    (cs010,) = [f for f in _run(LIO, "bad").findings if f.code == "CS010"]
    assert sorted(Path(r.path).parts[-6] for r in cs010.related) == ["xh1", "xh2", "xh3"]
    messages = {f.message for f in _run(LIO, "bad").findings if f.code == "CS012"}
    assert "nodelist.node.2.name is unset on xh3 but xh3 on xh1" in messages
    assert not any("sto" in m for m in messages)


def test_corosync_clusters_still_compare_copies_that_share_a_node(tmp_path: Path) -> None:
    """The grouping keeps one cluster one: xh2's copy with another cluster_name (it
    shares its nodes with xh1's) is still CS012, while the storage pair's copies,
    which share no node with the Xen hosts', are not compared with them."""
    root = _copy(LIO, "good", tmp_path)
    conf = root / "xh2" / "etc" / "corosync" / "corosync.conf"
    conf.write_text(conf.read_text().replace("cluster_name: xenpool", "cluster_name: xenpool2"))
    assert _lint(root, ["CS012"]) == [
        ("CS012", "totem.cluster_name is xenpool2 on xh2 but xenpool on xh1")
    ]


def test_heartbeat2_dom0s_with_ucast_beside_a_drbd83_iet_pair() -> None:
    """dom1-dom3: heartbeat 2.1.4 with the CRM, ``ucast`` to the two peers on eth1
    (each ha.cf lists other addresses) and ``mcast`` on eth0, OCFS2 ``xenpool`` on
    three nodes, open-iscsi with CHAP, multipath 0.4.8 (IET device, getuid_callout),
    xm guests on the OCFS2 volume; san1/san2: their own heartbeat cluster (udpport
    695, haresources ``drbddisk::vmstore IPaddr iscsitarget``), DRBD 8.3, IET 0.4.16.
    peer-drbdadm --mode 83 --node san1 OK (only dopd's drbdsetup permission note),
    peer-o2cb OK, peer-iscsiadm every key known, peer-multipath only "ignoring
    deprecated option getuid_callout" (0.9.4; 0.4.8 reads it). peer-heartbeat stops
    at the namespace's missing eth0/eth1, before any semantic check.

    Declared drbd 8.3 and multipath-tools 0.4.8, the findings are true: CB009 (IPMI
    passwords in the CIB), CB014 (heartbeat 2 ignores ``provider`` for class stonith),
    MP005 (sda blacklisted by kernel name). No HB001 or OC006 across the two
    heartbeat clusters, no difference reported between the per-node ucast lines.
    ``bad``: dom3 kept the two-node cluster.conf: OC005 (its copy lacks dom3, and
    node_count), OC006 (ha.cf names dom3), CB013 (the OCFS2 clone may run on dom3)."""
    good = _run(HB2, "good", drbd="8.3", multipath_tools="0.4.8")
    _no_crash(good)
    assert {(c, p.split("/")[0], s) for c, p, _, _, s in _found(good)} == {
        ("CB009", "dom1", "warning"),
        ("CB014", "dom1", "info"),
        ("MP005", "dom1", "info"),
        ("MP005", "dom2", "info"),
        ("MP005", "dom3", "info"),
    }
    bad = _found(_run(HB2, "bad", drbd="8.3", multipath_tools="0.4.8"))
    assert [f for f in bad if f[4] == "error" or f[0].startswith("OC")] == [
        ("CB013", "dom1/var/lib/heartbeat/crm/cib.xml", 79, 15, "error"),
        ("OC005", "dom3/etc/ocfs2/cluster.conf", 1, 1, "error"),
        ("OC005", "dom3/etc/ocfs2/cluster.conf", 15, 1, "error"),
        ("OC006", "dom3/etc/ocfs2/cluster.conf", 15, 1, "warning"),
    ]


def test_drbd9_quorum_on_three_dom0s_needs_no_fencing() -> None:
    """hv1-hv3: DRBD 9 (drbd-utils 9.22) with ``quorum majority; on-no-quorum
    io-error;`` in common, vm-db on three disks and vm-web on two with hv3 a diskless
    tie-breaker, both in a connection-mesh with ``allow-two-primaries`` for live
    migration; corosync 3 with two knet links; Pacemaker 2 CIB with fence_ipmilan
    and two migrating Xen guests on /dev/drbd/by-res/vm-db/0 and /dev/drbd101.
    peer-drbdadm --mode 9 OK, corosync -t OK, peer-xl OK on both guests.

    DR011 said "allows two primaries with fencing dont-care" for both resources: but a
    node without quorum fails its writes, so the data cannot diverge; drbd-utils'
    ocf_linbit_drbd(7): "To avoid data-divergence, you should enable either DRBD
    "quorum" and "on-no-quorum io-error" (recommended), or configure proper fencing
    policies in both DRBD *and* Pacemaker". ``bad``: hv3's copy of vm-db.res swaps the
    node-ids of hv2 and hv3; DRBD 9 peers check the node-id the other presents when
    they connect ("Peer presented a node_id of 2 instead of 3", then Connecting ->
    NetworkFailure), so hv3 never connects: DR009 (lint said nothing)."""
    good = _run(QUORUM, "good")
    _no_crash(good)
    assert _found(good) == []
    assert _found(_run(QUORUM, "bad")) == [("DR009", "hv3/etc/drbd.d/vm-db.res", 2, 1, "error")]
    (message,) = [f.message for f in _run(QUORUM, "bad").findings]
    assert message == (
        "resource 'vm-db' differs on hv3 from hv1: node-id of hv2 2 in hv3's copy, 1 in "
        "hv1's; node-id of hv3 1 in hv3's copy, 2 in hv1's"
    )


def test_dr011_quorum_without_io_error_freezes_and_quorum_off_warns(tmp_path: Path) -> None:
    """Quorum without ``on-no-quorum io-error`` freezes a minority node's writes
    (drbd.conf(5): "By default DRBD freezes IO on a device, that lost quorum"), so
    neither primary diverges: no DR011 (lint said DR011 here until session 29's
    unseen10). Without ``quorum majority`` nothing guards the two primaries: DR011
    for both dual-primary resources on every node."""
    root = _copy(QUORUM, "good", tmp_path)
    for node in ("hv1", "hv2", "hv3"):
        conf = root / node / "etc" / "drbd.d" / "global_common.conf"
        conf.write_text(conf.read_text().replace("\t\ton-no-quorum io-error;\n", ""))
    assert [c for c, _ in _lint(root, ["DR011"])] == []
    for node in ("hv1", "hv2", "hv3"):
        conf = root / node / "etc" / "drbd.d" / "global_common.conf"
        conf.write_text(conf.read_text().replace("\t\tquorum majority;\n", ""))
    assert [c for c, _ in _lint(root, ["DR011"])] == ["DR011"] * 6


def test_rolling_upgrade_one_dom0_on_newer_packages() -> None:
    """xen01-xen03 on heartbeat 3 + Pacemaker 1.1.7; xen03 already upgraded to jessie:
    multipath-tools 0.5 (``uid_attribute``), DRBD 8.4 with drbd-utils 8.9 (8.4 syntax,
    drbd.d/), while xen02 keeps wheezy's DRBD 8.3 syntax for the same dual-primary
    r-mail. peer-drbdadm --mode 84 normalises xen02's 8.3 file and xen03's 8.4 file to
    the same dump (so DR009/DR028 rightly say nothing), --mode 83 --node xen02 OK.

    XC004 told xen01 and xen02, which run multipath-tools 0.4.9, to "write
    'uid_attribute' (advice for multipath-tools 0.5.0 or later, inferred from
    'uid_attribute' at xen03/etc/multipath.conf)": 0.4.9 does not read uid_attribute.
    Another node's files prove nothing of this node's release now; the advice stays
    general ("older releases ignore that: keep 'getuid_callout' while one runs"), true
    for any release. The other findings (XC004 on xen02's syncer/rate, hedged for
    releases before 9.0) are true advice. ``bad``: rewriting r-mail for 8.4, xen03
    lost ``allow-two-primaries``: DR028 (the peers refuse to connect: incompatible
    two-primaries setting) and CB004 (vm-mail migrates live)."""
    good = _run(ROLLING, "good")
    _no_crash(good)
    assert [(c, p) for c, p, _, _, _ in _found(good)] == [
        ("XC004", "xen01/etc/multipath.conf"),
        ("XC004", "xen02/etc/drbd.conf"),
        ("XC004", "xen02/etc/drbd.conf"),
        ("XC004", "xen02/etc/multipath.conf"),
    ]
    said = [f.message for f in good.findings if f.path.endswith("multipath.conf")]
    assert said and all("keep 'getuid_callout' while one runs" in m for m in said)
    assert not any("inferred from 'uid_attribute'" in m for m in said)
    bad = [f for f in _found(_run(ROLLING, "bad")) if f[4] == "error"]
    assert bad == [
        ("CB004", "xen01/var/lib/heartbeat/crm/cib.xml", 78, 11, "error"),
        ("DR028", "xen03/etc/drbd.d/r-mail.res", 1, 1, "error"),
    ]


def test_versions_of_a_node_without_evidence_is_not_another_nodes() -> None:
    """``Versions.of``: a node's own evidence wins; a node with none gets no release
    another node's files prove (it may not run it yet); a declared release and the
    cluster-wide question (no node) are as before."""
    from xencfg.formats.schema import InForce

    v05 = InForce(low=Version.parse("0.5"), source="inferred from 'uid_attribute'")
    versions = Versions(
        inferred={"multipath-tools": v05}, by_node={("multipath-tools", "xen03"): v05}
    )
    assert versions.of("multipath-tools", "xen03") is v05
    assert not versions.of("multipath-tools", "xen01").known
    assert versions.of("multipath-tools") is v05
    assert versions.of("multipath-tools", "") is v05  # loose files: the cluster's
    declared = Versions(
        declared={"multipath-tools": Version.parse("0.4.9")},
        by_node={("multipath-tools", "xen03"): v05},
    )
    assert declared.of("multipath-tools", "xen03").exact == Version.parse("0.4.9")


def test_ocfs2_grown_to_four_nodes_by_a_later_install() -> None:
    """vmh1-vmh4: OCFS2 ``vmpool`` (node numbers 1-4), heartbeat 3 + Pacemaker 1.0 on
    two mcast rings, an OCFS2 Filesystem clone and a migrating guest whose xm config
    lives on the volume. vmh4 was installed later with ocfs2-tools 1.8: ``o2cb
    add-node`` appended its stanza to the others' copy (after ``cluster:``), and vmh4's
    own copy is o2cb 1.8's rewrite (``cluster:`` first, ``heartbeat_mode = local``,
    its attribute order). peer-o2cb lists both copies identically.

    OC005 said "cluster.conf on vmh4 differs in cluster 'vmpool' (heartbeat_mode)"
    (an error): o2cb reads no heartbeat_mode as local (ocfs2-tools o2cb list-cluster:
    ``if (!hbmode) hbmode = strdup(O2CB_LOCAL_HEARTBEAT_TAG)``). ``bad``: vmh4 kept a
    fresh install's /etc/default/o2cb (threshold 31, idle timeout 30000 where the
    others raised them to 61 and 60000): OC008 twice."""
    good = _run(OCFS2, "good")
    _no_crash(good)
    assert _found(good) == []
    assert _found(_run(OCFS2, "bad")) == [
        ("OC008", "vmh4/etc/default/o2cb", 8, 1, "error"),
        ("OC008", "vmh4/etc/default/o2cb", 11, 1, "error"),
    ]


def test_oc005_still_sees_global_heartbeat_on_one_node(tmp_path: Path) -> None:
    """A real heartbeat mode difference stays an error: global heartbeat on vmh4 only
    (o2cb then starts the global heartbeat regions there, local on the others)."""
    root = _copy(OCFS2, "good", tmp_path)
    conf = root / "vmh4" / "etc" / "ocfs2" / "cluster.conf"
    conf.write_text(conf.read_text().replace("heartbeat_mode = local", "heartbeat_mode = global"))
    assert _lint(root, ["OC005"]) == [
        (
            "OC005",
            "cluster.conf on vmh4 differs in cluster 'vmpool' (heartbeat_mode) compared with vmh1",
        )
    ]


def _swap_replication_addresses(root: Path) -> None:
    """san1's and san2's drbd.conf give each box the other's replication address."""
    for node in ("san1", "san2"):
        conf = root / node / "etc" / "drbd.conf"
        text = (
            conf.read_text()
            .replace("10.30.0.1:7788", "@")
            .replace("10.30.0.2:7788", "10.30.0.1:7788")
        )
        conf.write_text(text.replace("@", "10.30.0.2:7788"))


def test_ucast_addresses_tell_the_pair_apart_beside_three_dom0s(tmp_path: Path) -> None:
    """The storage pair's ha.cf each ucast to the other box's replication address
    (10.30.0.x, in no /etc/hosts): that is how DR014 knows 10.30.0.2 is san2's when
    both copies give it to san1 (drbdadm on san1: "IP 10.30.0.2 not found on this
    host"). The inference took exactly two ha.cf with ucast lines in the run, so the
    three dom0s' ucast lines beside the pair turned it off and DR014 said nothing; it
    now works per heartbeat cluster (heartbeat ignores a ucast to its own address)."""
    root = _copy(HB2, "good", tmp_path)
    _swap_replication_addresses(root)
    said = _lint(root, ["DR014"])
    assert [c for c, _ in said] == ["DR014"] * 4
    assert said[0][1].endswith("it is san2's") or said[0][1].endswith("it is san1's")


def test_dom0_added_later_missing_from_the_target_pairs_allow_list(tmp_path: Path) -> None:
    """The storage pair's initiators.allow still admits only the first two dom0s'
    iSCSI addresses: ietd refuses dom3's login on whichever box holds the target
    (IET's initiators.allow: a target line lists the addresses or names it admits),
    and dom3's multipath map for the OCFS2 volume never appears. IS016 at both boxes.
    (It needs the dom0s' multipath WWID to be the one scsi_id reads for the LUN: ``1``
    + ``IET`` + the ScsiId in hex, which links the alias to the target.)"""
    root = _copy(HB2, "good", tmp_path)
    for box in ("san1", "san2"):
        allow = root / box / "etc" / "initiators.allow"
        allow.write_text(allow.read_text().replace(", 10.20.0.3", ""))
    assert _lint(root, ["IS016"]) == [
        (
            "IS016",
            "dom3 multipaths LUN(s) of iqn.2009-06.lan.example:san.vmstore, but ietd on "
            f"{box} refuses its login: {box}'s initiators.allow does not admit dom3",
        )
        for box in ("san1", "san2")
    ]


def _cibs(root: Path) -> list[Path]:
    return [root / n / "var/lib/pacemaker/cib/cib.xml" for n in ("sto1", "sto2")]


def test_is021_lio_target_not_admitting_a_xen_host(tmp_path: Path) -> None:
    """The storage pair's CIB builds the LIO target (iSCSITarget, iSCSILogicalUnit,
    ``implementation=lio-t``); xh3 multipaths its LUN by the WWID scsi_id reads for
    ``scsi_sn=5c2b8f0e`` (``36001405`` + the serial's hex digits, zero-padded to 25:
    target_core_spc.c ``spc_parse_naa_6h_vendor_specific``). With xh3 left out of the
    iSCSITarget's ``allowed_initiators``, the agent creates no ACL for it (resource-agents
    heartbeat/iSCSITarget.in, lio-t: ``targetcli /iscsi/IQN/tpg1/acls create`` per
    allowed initiator; "lio does per-initiator filtering by default"): IS021 at the
    target's list, once for the two identical CIB copies. The logical unit's own list
    decides only when the target lists no one (without CHAP); the good tree is clean."""
    root = _copy(LIO, "good", tmp_path)
    for cib in _cibs(root):
        # the iSCSITarget's list comes first in the file, the logical unit's after it
        text = cib.read_text().replace(" iqn.2023-03.lan.example:xh3", "", 1)
        assert text != cib.read_text()
        cib.write_text(text)
    result = lint.run([str(n) for n in sorted(root.iterdir())], select=["IS021"])
    (finding,) = result.findings
    assert finding.message == (
        "xh3 multipaths LUN 0 of iqn.2023-03.lan.example:storage.vmpool (iscsi-lun0), but "
        "allowed_initiators of iscsi-target does not name its initiator "
        "iqn.2023-03.lan.example:xh3: LIO refuses its login"
    )
    assert (Path(finding.path).parts[-6], finding.line) == ("sto1", 84)
    assert next(Path(r.path).parts[-3] for r in finding.related) == "xh3"


def test_is021_only_the_logical_units_list_is_no_verdict_when_the_target_lists(
    tmp_path: Path,
) -> None:
    """xh3 missing from the logical unit's list alone: targetcli maps a new LUN into
    every existing ACL (``auto_add_mapped_luns``), and the target made one for xh3, so
    xh3 sees the LUN: no IS021. With the target's list gone, the logical unit's list
    makes the ACLs, and leaving xh3 out of it is IS021 there."""
    root = _copy(LIO, "good", tmp_path)
    for cib in _cibs(root):
        text = cib.read_text()
        lu = text.index('<primitive id="iscsi-lun0"')
        head, tail = text[:lu], text[lu:]
        tail = tail.replace(" iqn.2023-03.lan.example:xh3", "", 1)
        cib.write_text(head + tail)
    nodes = [str(n) for n in sorted(root.iterdir())]
    assert lint.run(nodes, select=["IS021"]).findings == []
    for cib in _cibs(root):
        lines = cib.read_text().splitlines(True)
        cib.write_text(
            "".join(x for x in lines if "iscsi-target-instance_attributes-allowed" not in x)
        )
    (finding,) = lint.run(nodes, select=["IS021"]).findings
    assert "allowed_initiators of iscsi-lun0 does not name" in finding.message
