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
