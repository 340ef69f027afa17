"""Lint truth on whole cluster trees of shapes no earlier fixture had (session topo4), and
the rules they called for: nodes of one cluster on different messaging layers (HB014),
initiator WWIDs of IET's or LIO's scheme that no target LUN of the run makes (IS030),
LIO's /etc/target/saveconfig.json against the initiators (IS031, IS033, IS034), and a
stacked DRBD resource's address the cluster manager does not move (DR040).

Each case under tests/fixtures/topo4/CASE/ (its README.md says what it is and which
peer checked each file) has a ``good`` cluster the daemons accept, pinned to its exact
findings (each judged true here), and a ``bad`` copy with one mistake planted, which
lint must name and nothing else. Edited copies (``tmp_path``) show each rule can fail
and pass, and where it keeps silent on purpose.

Peers (/work/shared/oracle/peers): peer-drbdadm (--mode 9, 84, 83 as each tree runs),
peer-heartbeat (interfaces set to lo: the namespace has none of the trees'),
peer-crm-verify (only an empty status's fencing warnings), peer-multipath, peer-o2cb,
peer-iscsiadm, peer-xl, peer-xm-python, ``corosync -c FILE -t`` (3.1.7) in a network
namespace with the node's ring address on lo, and rtslib-fb (Debian's
python3-rtslib-fb) through tests/test_migrate_daemons.py's RTSLIB_CHECK for every
saveconfig.json.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import FIXTURES
from xencfg import lint
from xencfg.formats.schema import Version
from xencfg.wwid import iet_wwid, lio_wwid

TOPO4 = FIXTURES / "topo4"
MIXED = "hb3-pcmk-half-moved-to-corosync"
IET = "hb1-iet-pair-four-dom0s-ocfs2-pcmk10"
LIO = "lio-saveconfig-drbd9-pair-three-dom0s"
STACKED = "drbd84-stacked-three-nodes-xm"
#: tree (a) runs DRBD 8.3 and multipath-tools 0.4.8 (its README)
IET_VERSIONS = {"drbd": "8.3", "multipath-tools": "0.4.8"}


def _lint(
    root: Path, select: list[str] | None = None, versions: dict[str, str] | None = None
) -> lint.LintResult:
    declared = {k: Version.parse(v) for k, v in (versions or {}).items()}
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    return lint.run(nodes, select=select or (), versions=declared or None)


def _found(result: lint.LintResult, root: Path) -> list[tuple[str, str, int, str]]:
    """(code, path below the variant folder, line, severity), sorted."""
    out = []
    for f in result.findings:
        rel = Path(f.path).resolve().relative_to(root.resolve())
        out.append((f.code, str(rel), f.line, f.severity))
    return sorted(out)


def _case(case: str, variant: str) -> Path:
    return TOPO4 / case / variant


def _copy(case: str, variant: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(_case(case, variant), root)
    return root


def _no_crash(result: lint.LintResult) -> None:
    assert not [f for f in result.findings if f.code in ("XC001", "XC006")]


# -- (c) heartbeat dom0s, one moved to corosync ahead of the others: HB014 -------------


def test_mixed_stacks_good_is_the_allowed_rolling_upgrade() -> None:
    """pine1 runs Pacemaker 1.1.7 beside 1.0.9 on the same heartbeat stack (Pacemaker
    Explained, "Rolling (node by node)": allowed while every node runs "the same type
    of cluster stack"), and carries the corosync package's example corosync.conf, not
    started: its files show both stacks, so HB014 says nothing. Only CB009 (IPMI
    passwords in the CIB, true advice), once per fencing device."""
    root = _case(MIXED, "good")
    result = _lint(root)
    _no_crash(result)
    assert [(c, s) for c, _, _, s in _found(result, root)] == [("CB009", "warning")] * 3


def test_mixed_stacks_bad_is_hb014_on_each_heartbeat_node() -> None:
    """pine1 switched to corosync 2 (nodelist, votequorum: ``corosync -t`` takes it)
    while pine2 and pine3 still run heartbeat naming it: heartbeat's and corosync's
    protocols never meet, each side forms its own membership (lint said nothing).
    CS010 is the same move seen from the CIB: its node ids are heartbeat's UUIDs,
    not corosync node ids."""
    root = _case(MIXED, "bad")
    result = _lint(root)
    _no_crash(result)
    found = [f for f in _found(result, root) if f[0] != "CB009"]
    assert found == [
        ("CS010", "pine1/etc/corosync/corosync.conf", 14, "warning"),
        ("CS010", "pine1/etc/corosync/corosync.conf", 19, "warning"),
        ("CS010", "pine1/etc/corosync/corosync.conf", 24, "warning"),
        ("HB014", "pine2/etc/ha.d/ha.cf", 11, "error"),
        ("HB014", "pine3/etc/ha.d/ha.cf", 11, "error"),
    ]
    (message, *_) = [f.message for f in result.findings if f.code == "HB014"]
    assert message.startswith("ha.cf of pine2 names pine1 as a member, but pine1 runs corosync")


def test_hb014_from_the_corosync_side_and_with_cman(tmp_path: Path) -> None:
    """When the heartbeat nodes' ha.cf no longer name the moved node (``autojoin``
    lists), the corosync nodelist that names them still shows the split; a cman
    cluster.conf is a corosync stack too."""
    root = _copy(MIXED, "bad", tmp_path)
    for n in ("pine2", "pine3"):
        hacf = root / n / "etc" / "ha.d" / "ha.cf"
        hacf.write_text(hacf.read_text().replace("node\tpine1 pine2 pine3", "node\tpine2 pine3"))
    said = [f.message for f in _lint(root, ["HB014"]).findings]
    assert said == [
        "corosync.conf of pine1 names pine2 as a member, but pine2 runs heartbeat (its "
        f"{root}/pine2/etc/ha.d/ha.cf, no corosync.conf or cman cluster.conf): corosync "
        "and heartbeat nodes never see each other, each side forms a cluster of its own",
        "corosync.conf of pine1 names pine3 as a member, but pine3 runs heartbeat (its "
        f"{root}/pine3/etc/ha.d/ha.cf, no corosync.conf or cman cluster.conf): corosync "
        "and heartbeat nodes never see each other, each side forms a cluster of its own",
    ]
    shutil.rmtree(root / "pine1" / "etc" / "corosync")
    (root / "pine1" / "etc" / "cluster").mkdir()
    (root / "pine1" / "etc" / "cluster" / "cluster.conf").write_text(
        '<?xml version="1.0"?>\n<cluster name="pines" config_version="3">\n<clusternodes>\n'
        '<clusternode name="pine1" nodeid="1"/>\n<clusternode name="pine2" nodeid="2"/>\n'
        '<clusternode name="pine3" nodeid="3"/>\n</clusternodes>\n</cluster>\n'
    )
    assert [f.message.split(":")[0] for f in _lint(root, ["HB014"]).findings] == [
        "cluster.conf of pine1 names pine2 as a member, but pine2 runs heartbeat (its "
        f"{root}/pine2/etc/ha.d/ha.cf, no corosync.conf or cman cluster.conf)",
        "cluster.conf of pine1 names pine3 as a member, but pine3 runs heartbeat (its "
        f"{root}/pine3/etc/ha.d/ha.cf, no corosync.conf or cman cluster.conf)",
    ]


def test_hb014_leaves_separate_clusters_alone(tmp_path: Path) -> None:
    """A corosync cluster beside the heartbeat one, naming none of its nodes (a storage
    pair of its own), is no mixed cluster."""
    root = _copy(MIXED, "good", tmp_path)
    for n in ("elm1", "elm2"):
        etc = root / n / "etc"
        (etc / "corosync").mkdir(parents=True)
        (etc / "hostname").write_text(f"{n}\n")
        (etc / "corosync" / "corosync.conf").write_text(
            "totem {\n\tversion: 2\n\tcluster_name: elms\n\ttransport: knet\n}\n"
            "nodelist {\n\tnode {\n\t\tring0_addr: 10.40.0.1\n\t\tname: elm1\n\t\tnodeid: 1\n\t}\n"
            "\tnode {\n\t\tring0_addr: 10.40.0.2\n\t\tname: elm2\n\t\tnodeid: 2\n\t}\n}\n"
            "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
        )
    assert _lint(root, ["HB014"]).findings == []


# -- (a) heartbeat-1 IET pair, four Pacemaker 1.0 dom0s with OCFS2: IS030 ---------------


def test_iet_pair_four_dom0s_good() -> None:
    """The storage pair's heartbeat and the dom0s' are two clusters (no HB001 across
    them), the dom0s' WWID is the one IET makes for ``ScsiId=ocfs-shared01``
    (iscsitarget's iet_u.h: an 8-byte vendor id and SCSI_ID_LEN 24, so 16 bytes of
    ScsiId after ``IET`` and its padding). Only CB009 (the IPMI passwords)."""
    root = _case(IET, "good")
    result = _lint(root, versions=IET_VERSIONS)
    _no_crash(result)
    assert [(c, s) for c, _, _, s in _found(result, root)] == [("CB009", "warning")] * 4
    assert iet_wwid("ocfs-shared01") in (root / "oak1" / "etc" / "multipath.conf").read_text()


def test_iet_pair_four_dom0s_bad_is_is030_on_each_dom0() -> None:
    """The WWID typed for ``ocfs-shared1`` and copied to every dom0: multipath never
    names the LUN ``shared`` and the Filesystem clone has no device. Lint said
    nothing; IS030 names the ScsiId the WWID carries and the one the boxes have."""
    root = _case(IET, "bad")
    result = _lint(root, versions=IET_VERSIONS)
    _no_crash(result)
    found = [f for f in _found(result, root) if f[0] != "CB009"]
    assert found == [("IS030", f"oak{i}/etc/multipath.conf", 24, "warning") for i in (1, 2, 3, 4)]
    message = next(f.message for f in result.findings if f.code == "IS030")
    assert "ScsiId 'ocfs-shared1', but no LUN on vault1, vault2 has that ScsiId" in message
    assert message.endswith("did you mean ScsiId 'ocfs-shared01'?")


def test_is030_needs_the_targets_and_their_ids(tmp_path: Path) -> None:
    """No verdict without the target boxes in the run, nor when a LUN has no ScsiId
    (IET then makes one of its own the files do not tell)."""
    root = _copy(IET, "bad", tmp_path)
    dom0s = [str(root / f"oak{i}") for i in (1, 2, 3, 4)]
    assert lint.run(dom0s, select=["IS030"]).findings == []
    for box in ("vault1", "vault2"):
        ietd = root / box / "etc" / "ietd.conf"
        ietd.write_text(ietd.read_text().replace(",ScsiId=ocfs-shared01", ""))
    assert _lint(root, ["IS030"]).findings == []


def test_is030_counts_the_luns_pacemaker_creates_on_iet(tmp_path: Path) -> None:
    """A LUN that Pacemaker's iSCSILogicalUnit creates with ietadm (implementation
    ``iet``, or none: the agent picks the target software it finds) is one of the
    run's IET LUNs by its ``scsi_id``; without one (the agent's default) no verdict."""
    root = _copy(IET, "good", tmp_path)
    mp = root / "oak1" / "etc" / "multipath.conf"
    extra = f"\tmultipath {{\n\t\twwid {iet_wwid('web-lun')}\n\t\talias web\n\t}}\n}}\n"
    mp.write_text(mp.read_text().rstrip().removesuffix("}") + extra)
    crm = root / "vault1" / "var" / "lib" / "heartbeat" / "crm"
    crm.mkdir(parents=True)

    def cib(params: str) -> str:
        return (
            '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/>'
            '<resources><primitive id="web-lu" class="ocf" provider="heartbeat" '
            'type="iSCSILogicalUnit"><instance_attributes id="web-lu-ia">'
            f"{params}</instance_attributes></primitive></resources><constraints/>"
            "</configuration><status/></cib>\n"
        )

    lun = '<nvpair id="web-lu-path" name="path" value="/dev/drbd1"/>'
    (crm / "cib.xml").write_text(cib(lun))
    # no scsi_id: the agent's default, ${OCF_RESOURCE_INSTANCE:0:16} (resource-agents
    # iSCSILogicalUnit OCF_RESKEY_scsi_id_default), is 'web-lu', not 'web-lun'
    (f,) = _lint(root, ["IS030"]).findings
    assert "did you mean ScsiId 'web-lu'?" in f.message
    said = '<nvpair id="web-lu-id" name="scsi_id" value="web-lun"/>'
    (crm / "cib.xml").write_text(cib(lun + said))
    assert _lint(root, ["IS030"]).findings == []
    (crm / "cib.xml").write_text(cib(lun + said.replace("web-lun", "web-lun2")))
    (f,) = _lint(root, ["IS030"]).findings
    assert "no LUN on the CIB's web-lu, vault1, vault2 has that ScsiId" in f.message


def test_lint_checks_what_migrate_writes_for_lio(tmp_path: Path) -> None:
    """``xencfg migrate --only iscsi`` turns the vaults' IET into saveconfig.json; the
    dom0s' WWIDs changed as its report says. Lint now checks the result: the
    initiators.allow lines were addresses, which LIO ACLs cannot name (the report's
    TODO), so the portal group has no ACL and LIO refuses every dom0 (IS031 for each
    box and dom0), until one ACL per initiator name is added (then clean)."""
    from xencfg import migrate

    good = _case(IET, "good")
    m = migrate.plan([str(good / n) for n in ("vault1", "vault2")], only=("iscsi",))
    root = _copy(IET, "good", tmp_path)
    for o in m.outputs:
        if o.path == "etc/target/saveconfig.json":
            etc = root / (o.node or "?") / "etc"
            (etc / "target").mkdir()
            (etc / "target" / "saveconfig.json").write_bytes(o.data)
            for old in ("ietd.conf", "initiators.allow"):
                (etc / old).unlink()
    serial = json.loads((root / "vault1" / "etc" / "target" / "saveconfig.json").read_text())[
        "storage_objects"
    ][0]["wwn"]
    assert (
        serial
        == json.loads((root / "vault2" / "etc" / "target" / "saveconfig.json").read_text())[
            "storage_objects"
        ][0]["wwn"]
    )  # a failover pair: one WWID
    for i in (1, 2, 3, 4):
        mp = root / f"oak{i}" / "etc" / "multipath.conf"
        mp.write_text(mp.read_text().replace(iet_wwid("ocfs-shared01"), lio_wwid(serial)))
    select = ["IS030", "IS031", "IS033", "IS034"]
    found = sorted((f.code, Path(f.path).parts[-4]) for f in _lint(root, select).findings)
    assert found == [("IS031", box) for box in ("vault1", "vault2") for _ in range(4)]

    def acls(d: dict[str, Any]) -> None:
        d["targets"][0]["tpgs"][0]["node_acls"] = [
            {
                "node_wwn": f"iqn.2009-06.lan.oakfield:oak{i}",
                "mapped_luns": [{"index": 0, "tpg_lun": 0, "write_protect": False}],
            }
            for i in (1, 2, 3, 4)
        ]

    for box in ("vault1", "vault2"):
        sc = root / box / "etc" / "target" / "saveconfig.json"
        _edit_json(sc, acls)
        _rtslib_takes(sc)
    assert _lint(root, select).findings == []


# -- (d) LIO saveconfig.json on a DRBD 9 pair, three dom0s: IS031, IS033, IS034 ---------


def _rtslib_takes(path: Path) -> None:
    from test_migrate_daemons import _rtslib

    rc, said = _rtslib(path)
    assert rc == 0, said


def test_lio_pair_three_dom0s_good_and_rtslib_reads_it() -> None:
    root = _case(LIO, "good")
    result = _lint(root)
    _no_crash(result)
    assert _found(result, root) == []
    for node in ("nas1", "nas2"):
        _rtslib_takes(root / node / "etc" / "target" / "saveconfig.json")


def test_lio_pair_three_dom0s_bad_is_is031() -> None:
    """nas2's ACL for xen3 is misspelt ``xen03``: the file is valid (rtslib reads it),
    LIO refuses xen3's login to vol-b. Lint said nothing (the file was "not
    checked")."""
    root = _case(LIO, "bad")
    _rtslib_takes(root / "nas2" / "etc" / "target" / "saveconfig.json")
    result = _lint(root)
    _no_crash(result)
    assert _found(result, root) == [("IS031", "nas2/etc/target/saveconfig.json", 21, "error")]
    (finding,) = result.findings
    assert finding.message == (
        "xen3 multipaths LUN 0 of iqn.2019-04.net.pinewood:nas2.vol-b (vol-b), but the "
        "target has no ACL for its initiator iqn.2019-04.net.pinewood:xen3 (it has one for "
        "iqn.2019-04.net.pinewood:xen03: a misspelling?): LIO refuses its login"
    )
    assert [Path(r.path).parts[-3:] for r in finding.related] == [("xen3", "etc", "multipath.conf")]


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def test_lio_wwid_not_made_by_any_serial(tmp_path: Path) -> None:
    """IS030's LIO side: xen2's multipath.conf names a WWID with LIO's prefix that no
    storage object's serial makes (a digit typed wrong); MP004 says the same from the
    other side (the alias vol-b names another WWID on xen1 and xen3)."""
    root = _copy(LIO, "good", tmp_path)
    mp = root / "xen2" / "etc" / "multipath.conf"
    good = lio_wwid("b25f0c7e-91aa-4d2c-8e37-6a0c5d1f9e42")
    mp.write_text(mp.read_text().replace(good, good[:-1] + "6"))
    found = sorted((f.code, Path(f.path).parts[-3]) for f in _lint(root).findings)
    assert found == [("IS030", "xen2"), ("MP004", "xen2")]
    mp.write_text(mp.read_text().replace(good[:-1] + "6", good))
    assert _lint(root).findings == []


def test_lio_dangling_references_are_is033(tmp_path: Path) -> None:
    """A LUN naming no storage object (targetctl: "Could not find matching
    StorageObject for LUN 0, skipped", rtslib_fb/target.py LUN.setup) and a mapped
    LUN naming no TPG LUN ("Could not find matching TPG LUN 1 for MappedLUN 0")."""
    root = _copy(LIO, "good", tmp_path)
    sc1 = root / "nas1" / "etc" / "target" / "saveconfig.json"

    def rename(d: dict[str, Any]) -> None:
        d["targets"][0]["tpgs"][0]["luns"][0]["storage_object"] = "/backstores/block/vol-A"

    _edit_json(sc1, rename)
    assert [f.code for f in _lint(root).findings] == ["IS033"]
    shutil.copy(_case(LIO, "good") / "nas1" / "etc" / "target" / "saveconfig.json", sc1)

    def remap(d: dict[str, Any]) -> None:
        d["targets"][0]["tpgs"][0]["node_acls"][2]["mapped_luns"][0]["tpg_lun"] = 1

    _edit_json(sc1, remap)
    said = sorted((f.code, f.message) for f in _lint(root).findings)
    assert [c for c, _ in said] == ["IS031", "IS033"]
    assert "the ACL of iqn.2019-04.net.pinewood:xen3 maps no LUN onto it" in said[0][1]
    assert said[1][1].startswith("mapped LUN 0 of iqn.2019-04.net.pinewood:xen3 on ")


def test_lio_portal_on_another_nodes_address_is_is034(tmp_path: Path) -> None:
    """nas2's file copied from nas1 keeps nas1's portal (192.168.50.11, nas1-san by
    /etc/hosts); an address nothing in the run places is not judged, nor 0.0.0.0."""
    root = _copy(LIO, "good", tmp_path)
    sc2 = root / "nas2" / "etc" / "target" / "saveconfig.json"

    def portal(ip: str) -> Callable[[dict[str, Any]], None]:
        def edit(d: dict[str, Any]) -> None:
            d["targets"][0]["tpgs"][0]["portals"][0]["ip_address"] = ip

        return edit

    _edit_json(sc2, portal("192.168.50.11"))
    (f,) = _lint(root, ["IS034"]).findings
    assert f.message == (
        "portal 192.168.50.11:3260 of iqn.2019-04.net.pinewood:nas2.vol-b cannot be created "
        "(not an address of nas2: /etc/hosts gives it to nas1): targetctl restore skips it"
    )
    for ip in ("192.168.50.99", "0.0.0.0"):
        _edit_json(sc2, portal(ip))
        assert _lint(root, ["IS034"]).findings == []
    # an address a cluster manager moves between the two is not judged either
    _edit_json(sc2, portal("192.168.50.11"))
    (root / "nas2" / "etc" / "ha.d").mkdir()
    (root / "nas2" / "etc" / "ha.d" / "haresources").write_text(
        "nas1 IPaddr::192.168.50.11/24/eth1\n"
    )
    assert _lint(root, ["IS034"]).findings == []


def test_lio_portal_beside_a_wildcard_is_is034(tmp_path: Path) -> None:
    """targetcli's default 0.0.0.0:3260 kept, then the node's own address added on the
    same port: the second bind fails ("Could not create NetworkPortal in configFS");
    the same portal on another port is fine."""
    root = _copy(LIO, "good", tmp_path)
    sc1 = root / "nas1" / "etc" / "target" / "saveconfig.json"

    def wildcard_first(d: dict[str, Any]) -> None:
        portals = d["targets"][0]["tpgs"][0]["portals"]
        portals.insert(0, {"ip_address": "0.0.0.0", "port": 3260})

    _edit_json(sc1, wildcard_first)
    (f,) = _lint(root, ["IS034"]).findings
    assert f.message == (
        "portal 192.168.50.11:3260 of iqn.2019-04.net.pinewood:nas1.vol-a cannot be created "
        "(0.0.0.0:3260 of iqn.2019-04.net.pinewood:nas1.vol-a already listens on that port: "
        "the kernel cannot bind both): targetctl restore skips it"
    )

    def other_port(d: dict[str, Any]) -> None:
        d["targets"][0]["tpgs"][0]["portals"][1]["port"] = 3261

    _edit_json(sc1, other_port)
    assert _lint(root, ["IS034"]).findings == []


def test_lio_demo_mode_and_disabled_tpgs_are_not_judged(tmp_path: Path) -> None:
    root = _copy(LIO, "bad", tmp_path)
    sc2 = root / "nas2" / "etc" / "target" / "saveconfig.json"

    def demo(d: dict[str, Any]) -> None:
        d["targets"][0]["tpgs"][0]["attributes"]["generate_node_acls"] = 1

    _edit_json(sc2, demo)
    assert _lint(root, ["IS031"]).findings == []


# -- (b) DRBD 8.4 stacked, three nodes, no SAN: HB001/DR005 were false, DR040 ----------


def test_stacked_three_nodes_good_has_no_false_membership_finding() -> None:
    """charlie is the off-site node of the stacked ``r-dr``: "a standalone server"
    (DRBD 8.4 user's guide, "Adding off-site disaster recovery to Pacemaker
    clusters"), in no ha.cf. Lint said HB001 (error) and DR005 three times."""
    root = _case(STACKED, "good")
    result = _lint(root)
    _no_crash(result)
    assert _found(result, root) == []


def test_a_plain_resource_naming_the_third_node_is_still_hb001(tmp_path: Path) -> None:
    """Only the stacked resource's host is left out: r-dr rewritten as a plain
    resource between alpha and charlie names a node ha.cf does not have."""
    root = _copy(STACKED, "good", tmp_path)
    for n in ("alpha", "bravo", "charlie"):
        res = root / n / "etc" / "drbd.d" / "r-dr.res"
        text = res.read_text().replace("stacked-on-top-of r-local {", "on alpha {")
        res.write_text(
            text.replace(
                "\t\tdevice /dev/drbd10;\n\t\taddress 192.168.42.10",
                (
                    "\t\tdevice /dev/drbd10;\n\t\tdisk /dev/vg_hq/dr;\n\t\tmeta-disk internal;\n"
                    "\t\taddress 192.168.42.10"
                ),
                1,
            )
        )
    assert {f.code for f in _lint(root, ["HB001", "DR005"]).findings} == {"HB001", "DR005"}


def test_stacked_three_nodes_bad_is_dr040() -> None:
    """haresources moves 192.168.42.11, r-dr listens on 192.168.42.10: drbdadm 8.4
    prints the ``connect`` anyway (``drbdadm --stacked -d up r-dr`` on a node without
    the address), the kernel cannot bind it ("bind before connect failed, err =
    -99") and the off-site copy is never fed (lint said nothing)."""
    root = _case(STACKED, "bad")
    result = _lint(root)
    _no_crash(result)
    assert _found(result, root) == [
        ("DR040", "alpha/etc/drbd.d/r-dr.res", 7, "error"),
        ("DR040", "bravo/etc/drbd.d/r-dr.res", 7, "error"),
    ]


def test_dr040_needs_a_cluster_manager(tmp_path: Path) -> None:
    """A pair started by hand (no haresources, no CIB) is not judged."""
    root = _copy(STACKED, "bad", tmp_path)
    for n in ("alpha", "bravo"):
        (root / n / "etc" / "ha.d" / "haresources").unlink()
    assert _lint(root, ["DR040"]).findings == []


# -- the saveconfig.json format --------------------------------------------------------


def test_saveconfig_reads_and_places_its_objects() -> None:
    path = _case(LIO, "good") / "nas1" / "etc" / "target" / "saveconfig.json"
    doc = xencfg.load(str(path), "lio-saveconfig")
    assert doc.dumps() == path.read_text()
    (so,) = doc.storage_objects
    assert (so.plugin, so.name, so.dev) == ("block", "vol-a", "/dev/drbd10")
    tpg = doc.targets[0].tpgs[0]
    assert doc.storage_object(tpg.luns[0].storage_object) is so
    assert [a.node_wwn for a in tpg.node_acls] == [
        f"iqn.2019-04.net.pinewood:xen{i}" for i in (1, 2, 3)
    ]
    lines = path.read_text().splitlines()
    for obj, key in ((so, '"attributes"'), (tpg.node_acls[1], '"attributes"')):
        line, col = doc.position(obj)
        assert lines[line - 1][col - 1] == "{" and key in lines[line]


@pytest.mark.parametrize(
    ("text", "where", "said"),
    [
        ('{\n  "targets": [\n    {"wwn": "iqn.x",}\n  ]\n}\n', (3, 21), "not JSON: Expecting"),
        ("[]\n", (1, 1), "expected a JSON object"),
        ('{"targets": 1' + "0" * 5000 + "}", (1, 1), "a number too long"),
        ("[" * 100000, (1, 1), "nested too deep"),
    ],
)
def test_saveconfig_errors_are_located(text: str, where: tuple[int, int], said: str) -> None:
    with pytest.raises(xencfg.ParseError) as exc:
        xencfg.loads(text, "lio-saveconfig")
    assert (exc.value.line, exc.value.column) == where
    assert said in str(exc.value)


def test_saveconfig_odd_types_read_as_absent() -> None:
    """Members of a type rtslib would not take are read as absent: no traceback."""
    doc = xencfg.loads(
        '{"storage_objects": {"a": 1}, "targets": [1, {"tpgs": [null, {"luns": "x",'
        ' "portals": [{"ip_address": 5, "port": "3260"}], "node_acls": [{"mapped_luns": 7}],'
        ' "attributes": []}]}]}',
        "lio-saveconfig",
    )
    assert doc.storage_objects == []
    tpg = doc.targets[0].tpgs[0]
    assert (tpg.portals[0].ip_address, tpg.portals[0].port) == (None, None)
    assert tpg.node_acls[0].mapped_luns == [] and tpg.attributes == {}


def test_saveconfig_secrets_are_masked() -> None:
    path = FIXTURES / "lio-saveconfig" / "valid" / "chap-demo-mode.json"
    doc = xencfg.load(str(path), "lio-saveconfig")
    assert sorted(doc.secrets()) == ["c4tch-me-if-u-can", "n0t-s0-s3cret-pw"]
    shown = json.dumps(doc.to_dict()) + repr(doc)
    assert not re.search("c4tch|n0t-s0", shown)
