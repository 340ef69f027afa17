"""Live state, issue 22's remaining gaps: ``xencfg capture -o DIR`` refuses an unsafe
output folder before it runs a command; LIO targets judged by LS009 and LS028 from
saveconfig.json's ACLs and portals; the new live state (IET's /proc, the iSCSI node
records, ``xl list -l``'s JSON, drbd-overview) in lint's JSON ``live`` summary and in
the graph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xencfg import live

# -- capture: the output folder first -----------------------------------------------------

#: A ``uname`` that leaves a mark when run: the test sees whether capture ran commands.
FAKE_UNAME = '#!/bin/sh\ntouch "$XENCFG_TEST_MARK"\necho alpha\n'


def _capture(out: Path, tmp: Path) -> tuple[subprocess.CompletedProcess[str], bool]:
    """``xencfg capture -o out`` with a marking ``uname`` first on PATH; whether it ran."""
    fake = tmp / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "uname").write_text(FAKE_UNAME)
    (fake / "uname").chmod(0o755)
    mark = tmp / "ran"
    mark.unlink(missing_ok=True)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}", XENCFG_TEST_MARK=str(mark))
    done = subprocess.run(
        [sys.executable, "-m", "xencfg", "capture", "-o", str(out), "--timeout", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, mark.exists()


@pytest.mark.parametrize("planted", ["state folder", "output folder"])
def test_capture_refuses_an_unsafe_output_folder_before_running_a_command(
    tmp_path: Path, planted: str
) -> None:
    """A link planted on ``var/lib/xencfg`` (or a dangling ``-o`` link) was refused only
    after every command had run (drbdadm, iscsiadm, crm_mon...: time, and their output
    in hand with nowhere safe to put it); now before the first. The same capture into
    a safe folder runs them (so the mark can appear)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    if planted == "state folder":
        (out / "var" / "lib").mkdir(parents=True)
        (out / "var" / "lib" / "xencfg").symlink_to(elsewhere)
    else:
        out.symlink_to(tmp_path / "nowhere")  # dangling: refused (writer.write_target)
    done, ran = _capture(out, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot write" in done.stderr or "not written" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not ran, "a command ran before the output folder was refused"
    assert list(elsewhere.iterdir()) == []
    safe = tmp_path / "safe"
    done, ran = _capture(safe, tmp_path)
    assert done.returncode == 0 and ran, done.stderr
    assert (safe / live.STATE_DIR / "uname_n.txt").read_text() == "alpha\n"


def test_prepare_makes_the_state_folder_and_refuses_a_link(tmp_path: Path) -> None:
    folder = live.prepare(tmp_path / "out")
    assert folder == tmp_path / "out" / live.STATE_DIR and folder.is_dir()
    (tmp_path / "b" / "var").mkdir(parents=True)
    (tmp_path / "b" / "var" / "lib").symlink_to(tmp_path)
    with pytest.raises(OSError, match="symbolic link"):
        live.prepare(tmp_path / "b")


# -- LIO targets: LS009 from the ACLs, LS028 at LIO portals --------------------------------

STATE = "var/lib/xencfg/state/"
WEB = "iqn.2026-11.net.example:san1.web"
XEN1 = "iqn.2026-11.net.example:xen1"
XEN2 = "iqn.2026-11.net.example:xen2"


def saveconfig(
    acls: list[str], *, demo: bool = False, enable: bool = True, portal: str = "10.0.2.11"
) -> str:
    """A saveconfig.json exporting ``WEB`` to the initiators ``acls`` (targetcli's
    layout: rtslib-fb's ``Target.dump``)."""
    nodes = ", ".join(f'{{"node_wwn": "{a}", "mapped_luns": []}}' for a in acls)
    return (
        '{\n  "storage_objects": [{"name": "web", "plugin": "block", "dev": "/dev/vg0/web"}],\n'
        '  "targets": [\n    {"fabric": "iscsi", "wwn": "' + WEB + '", "tpgs": [\n'
        f'      {{"tag": 1, "enable": {str(enable).lower()},'
        f' "attributes": {{"generate_node_acls": {int(demo)}}},\n'
        '       "luns": [{"index": 0, "storage_object": "/backstores/block/web"}],\n'
        f'       "node_acls": [{nodes}],\n'
        f'       "portals": [{{"ip_address": "{portal}", "port": 3260}}]}}\n'
        "    ]}\n  ]\n}\n"
    )


def session_to(target: str) -> str:
    """``iscsiadm -m session -P 3``: one logged-in session to ``target``."""
    return (
        "iSCSI Transport Class version 2.0-870\nversion 2.0-873\n"
        f"Target: {target} (non-flash)\n"
        "\tCurrent Portal: 10.0.2.11:3260,1\n\tPersistent Portal: 10.0.2.11:3260,1\n"
        "\t\tIface Initiatorname: iqn.2026-11.net.example:xen1\n"
        "\t\tSID: 1\n\t\tiSCSI Connection State: LOGGED IN\n"
        "\t\tiSCSI Session State: LOGGED_IN\n"
    )


NO_SESSION = "iscsiadm: No active sessions.\n"


def lio_cluster(
    acls: list[str], sessions: dict[str, str], **kw: object
) -> dict[str, dict[str, str]]:
    tree = {
        "san1": {"etc/hostname": "san1\n", "etc/target/saveconfig.json": saveconfig(acls, **kw)}
    }  # type: ignore[arg-type]
    for node, iqn in (("xen1", XEN1), ("xen2", XEN2)):
        tree[node] = {
            "etc/hostname": f"{node}\n",
            "etc/iscsi/initiatorname.iscsi": f"InitiatorName={iqn}\n",
            STATE + "iscsiadm_session.txt": sessions.get(node, NO_SESSION),
        }
    return tree


def _found(code: str, tree: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    from xencfg import lint_tree

    return [(f.path, f.message) for f in lint_tree(tree, select=[code]).findings]


def test_ls009_judges_an_lio_target_for_the_nodes_its_acls_admit() -> None:
    """xen1's initiator name is in the target's ACL and xen1 has no session: LS009 (the
    LUN is missing there). xen2 is not in the ACL: the box does not export the target
    to it, so no session is expected. Before issue 22 LIO targets were left out of
    LS009 altogether (their ACLs were not read)."""
    found = _found("LS009", lio_cluster([XEN1], {}))
    assert found == [
        (
            f"xen1/{STATE}iscsiadm_session.txt",
            f"xen1 has no iSCSI session to configured target {WEB}",
        )
    ]
    # logged in: nothing to say
    assert _found("LS009", lio_cluster([XEN1], {"xen1": session_to(WEB)})) == []
    # both admitted, xen2 logged in, xen1 not
    found = _found("LS009", lio_cluster([XEN1, XEN2], {"xen2": session_to(WEB)}))
    assert [p for p, _ in found] == [f"xen1/{STATE}iscsiadm_session.txt"]


@pytest.mark.parametrize("kw", [{"demo": True}, {"enable": False}], ids=["demo mode", "disabled"])
def test_ls009_leaves_an_lio_target_whose_acls_do_not_tell(kw: dict[str, object]) -> None:
    """Demo mode (``generate_node_acls``: any initiator logs in) names no node that
    must; a disabled portal group admits none."""
    assert _found("LS009", lio_cluster([XEN1], {}, **kw)) == []


def test_ls009_an_lio_acl_names_an_initiator_as_written() -> None:
    """The kernel matches the login's initiator name to the ACL's as written
    (target_core_tpg.c): an ACL for ``...:XEN1`` does not admit ``...:xen1``, so xen1
    is not expected to log in."""
    assert _found("LS009", lio_cluster([XEN1.upper()], {})) == []


def test_ls028_judges_records_at_an_lio_portal() -> None:
    """xen1 keeps a record for ``san1.old`` at san1's LIO portal address; san1's
    saveconfig.json (what targetctl restores) has ``san1.web`` only: LS028. A record
    for the target it does export is fine, and with a wildcard portal (0.0.0.0) and no
    other address of san1 known the portal is not known to be san1's: no judgement."""
    old = "iqn.2026-11.net.example:san1.old"
    records = f"10.0.2.11:3260,1 {old}\n10.0.2.11:3260,1 {WEB}\n"
    tree = lio_cluster([XEN1], {"xen1": session_to(WEB)})
    tree["xen1"][STATE + "iscsiadm_node.txt"] = records
    found = _found("LS028", tree)
    assert [(p, old in m, "saveconfig.json" in m) for p, m in found] == [
        (f"xen1/{STATE}iscsiadm_node.txt", True, True)
    ]
    wildcard = lio_cluster([XEN1], {"xen1": session_to(WEB)}, portal="0.0.0.0")
    wildcard["xen1"][STATE + "iscsiadm_node.txt"] = records
    assert _found("LS028", wildcard) == []


# -- the new live state in lint's JSON ``live`` and in the graph ---------------------------

DRBD = """resource mail {
    protocol C;
    on xen1 { device /dev/drbd0; disk /dev/vg0/mail; address 10.0.0.1:7788; meta-disk internal; }
    on xen2 { device /dev/drbd0; disk /dev/vg0/mail; address 10.0.0.2:7788; meta-disk internal; }
}
"""
DOMU = 'name = "web"\nmemory = 512\ndisk = [ "drbd:mail,xvda,w" ]\n'
IETD = (
    f"Target {WEB}\n\tLun 0 Path=/dev/vg0/web,Type=blockio\n"
    "Target iqn.2026-11.net.example:san1.db\n\tLun 0 Path=/dev/vg0/db,Type=blockio\n"
)
OLD = "iqn.2026-11.net.example:san1.old"


def live_cluster(tmp: Path, web_on_xen2: bool) -> Path:
    """Three node trees on disk with the new kinds of live state: ``xl list -l``'s JSON
    (xen1) and ``xl list`` (xen2), drbd-overview (xen1, in drbdadm status's place), a
    session and two node records (xen1), IET's /proc/net/iet (san1)."""
    from conftest import ROOT

    xl_long = (ROOT / "tests" / "fixtures" / "xl-list" / "valid" / "xl-list-long.json").read_text()
    xen2_list = "Name  ID   Mem VCPUs      State   Time(s)\nDomain-0 0 1024 2 r----- 9.0\n"
    if web_on_xen2:
        xen2_list += "web 4 512 1 -b---- 1.0\n"
    files = {
        "xen1": {
            "etc/hostname": "xen1\n",
            "etc/drbd.conf": DRBD,
            "etc/xen/vm/web": DOMU,
            STATE + "xl_list.txt": xl_long,  # web is domain 3 there
            STATE + "drbdadm_status.txt": (
                "  0:mail  Connected Primary/Secondary UpToDate/UpToDate C r----- xen-vbd: *web\n"
            ),
            STATE + "iscsiadm_session.txt": f"tcp: [1] 10.0.2.11:3260,1 {WEB} (non-flash)\n",
            STATE + "iscsiadm_node.txt": f"10.0.2.11:3260,1 {WEB}\n10.0.2.11:3260,1 {OLD}\n",
        },
        "xen2": {
            "etc/hostname": "xen2\n",
            "etc/drbd.conf": DRBD,
            "etc/xen/vm/web": DOMU,
            STATE + "xl_list.txt": xen2_list,
        },
        "san1": {
            "etc/hostname": "san1\n",
            "etc/ietd.conf": IETD,
            STATE + "iet_volume.txt": f"tid:1 name:{WEB}\n"
            "\tlun:0 state:0 iotype:blockio iomode:wt path:/dev/vg0/web\n",
            STATE + "iet_session.txt": f"tid:1 name:{WEB}\n\tsid:281475110928896 initiator:{XEN1}\n"
            "\t\tcid:0 ip:10.0.2.1 state:active hd:none dd:none\n",
        },
    }
    top = tmp / "cluster"
    for node, tree in files.items():
        for rel, text in tree.items():
            (top / node / rel).parent.mkdir(parents=True, exist_ok=True)
            (top / node / rel).write_text(text)
    return top


def test_json_live_summary_shows_domains_sessions_records_targets_and_drbd_overview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``lint --output-format json``'s ``live`` had DRBD and multipath only: the
    domains each hypervisor runs (``xl list -l``'s JSON among them), the initiators'
    sessions and node records and the IET box's exported targets were read by the
    LS rules but not shown. drbd-overview feeds the ``drbd`` entry as drbdadm status
    does."""
    import json

    from xencfg.cli import main

    top = live_cluster(tmp_path, web_on_xen2=False)
    main(["lint", "--output-format", "json", *(str(top / n) for n in ("xen1", "xen2", "san1"))])
    live_json = json.loads(capsys.readouterr().out)["live"]
    xen1, san1 = live_json["xen1"], live_json["san1"]
    assert xen1["drbd"]["mail"] == {
        "role": "Primary",
        "connection": "Connected",
        "disk": "UpToDate",
        "peer_disk": "UpToDate",
    }
    assert xen1["domains"] == {
        "web": {"id": 3, "state": None, "memory": 512, "vcpus": 1, "running": True}
    }
    assert "Domain-0" not in live_json.get("xen2", {}).get("domains", {})
    assert xen1["iscsi"] == {WEB: {"portal": "10.0.2.11:3260,1", "logged_in": True, "state": None}}
    assert sorted(r["target"] for r in xen1["iscsi_records"].values()) == sorted([WEB, OLD])
    assert san1["targets"] == {WEB: {"tid": 1, "luns": {"0": "/dev/vg0/web"}, "initiators": [XEN1]}}


def test_graph_shows_running_domains_sessions_records_and_iet_exports(tmp_path: Path) -> None:
    from xencfg import graph, lint

    top = live_cluster(tmp_path, web_on_xen2=True)
    result = lint.run([str(top / n) for n in ("xen1", "xen2", "san1")])
    edges = {(e.src, e.dst): e for e in graph.build(result.cluster, result.findings).edges}
    # web runs on both dom0s at once: both edges red
    for node in ("xen1", "xen2"):
        e = edges[("domu:web", f"node:{node}")]
        assert "live: running" in e.label and "at once" in e.problem
    session = edges[("node:xen1", f"target:{WEB}")]
    assert "live: session logged in" in session.label and not session.problem
    record = edges[("node:xen1", f"target:{OLD}")]
    assert "no session" in record.label and record.warn
    exported = edges[("node:san1", f"target:{WEB}")]
    assert "live: 1 session(s)" in exported.label and not exported.problem
    gone = edges[("node:san1", "target:iqn.2026-11.net.example:san1.db")]
    assert "not exported" in gone.label and "does not export" in gone.problem
    # one dom0 only: no problem on the running edge
    top2 = live_cluster(tmp_path / "b", web_on_xen2=False)
    result = lint.run([str(top2 / n) for n in ("xen1", "xen2", "san1")])
    edges = {(e.src, e.dst): e for e in graph.build(result.cluster).edges}
    assert not edges[("domu:web", "node:xen1")].problem
    assert ("domu:web", "node:xen2") not in edges or "live" not in edges[
        ("domu:web", "node:xen2")
    ].label
