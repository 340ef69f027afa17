"""Live state: the command-output parsers (DRBD 9 status, crm_mon XML, xl list,
ip addr, iscsiadm sessions, uname), where captured state is found (our layout,
sosreport, supportconfig) and ``xencfg capture`` / ``lint --live`` on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, shared_path
from xencfg import discover, lint, live
from xencfg.errors import ParseError

FIX = FIXTURES


def load(fmt: str, name: str) -> object:
    return xencfg.load(FIX / fmt / "valid" / name, fmt)


# -- parsers ------------------------------------------------------------------------


def test_drbdadm_status_text() -> None:
    """Layout of ``drbdsetup status`` (what ``drbdadm status`` prints), the shape the
    DRBD 9 user's guide shows under "Retrieving status information using drbdadm": the
    peer line shows ``connection:`` only when not Connected, peer volumes are indented
    twice."""
    doc = load("drbd-status", "drbdadm-status.txt")
    home, r0 = doc.resources  # type: ignore[attr-defined]
    assert (home.name, home.role, home.suspended, home.disks) == (
        "home",
        "Secondary",
        "user",
        ["UpToDate", "Inconsistent"],
    )
    alice, bob = home.connections
    assert (alice.peer, alice.state, alice.connected) == ("alice", "Connecting", False)
    assert (bob.state, bob.peer_role) == ("Connected", "Primary")
    assert [(v.volume, v.replication, v.peer_disk, v.done) for v in bob.volumes] == [
        (0, "SyncTarget", "UpToDate", 45.3),
        (1, None, "UpToDate", None),
    ]
    assert (r0.role, r0.disks, r0.connections[0].volumes[0].replication) == (
        "Primary",
        ["UpToDate"],
        "Established",
    )


def test_drbdsetup_status_json() -> None:
    """``drbdsetup status --json``: ``peer_devices`` is spelled with an underscore, as in
    the output ClusterLabs/ha_cluster_exporter's test/fake_drbdsetup.sh replays (its
    DRBD collector reads the same keys)."""
    doc = load("drbd-status", "drbdsetup-status.json")
    (r0,) = doc.resources  # type: ignore[attr-defined]
    assert (r0.name, r0.role, r0.volumes[0].minor, r0.volumes[0].disk) == (
        "r0",
        "Primary",
        0,
        "UpToDate",
    )
    (c,) = r0.connections
    assert (c.peer, c.state, c.peer_role, c.volumes[0].peer_disk) == (
        "beta",
        "Connected",
        "Secondary",
        "UpToDate",
    )


def test_crm_mon_both_dialects() -> None:
    old = load("crm-mon-xml", "pacemaker-1.1-as-xml.xml")
    assert (old.version, old.dc, [n.name for n in old.nodes]) == (
        "1.1.12",
        "alpha",
        ["alpha", "beta"],
    )  # type: ignore[attr-defined]
    roles = {(r.id, r.role, tuple(r.nodes), r.parent) for r in old.resources}  # type: ignore[attr-defined]
    assert ("drbd-r0:0", "Master", ("alpha",), "ms-r0") in roles
    assert ("vm-web", "Started", ("alpha",), "g-web") in roles
    assert [r.base_id for r in old.running("drbd-r0")] == ["drbd-r0", "drbd-r0"]  # type: ignore[attr-defined]
    new = load("crm-mon-xml", "pacemaker-2-output-as-xml.xml")
    beta = new.nodes[1]  # type: ignore[attr-defined]
    assert (beta.online, beta.unclean) == (False, True)
    # Pacemaker 2.1 says Promoted/Unpromoted; read as Master/Slave
    assert [r.role for r in new.resources] == ["Master", "Slave", "Started"]  # type: ignore[attr-defined]
    assert new.resources[2].failed  # type: ignore[attr-defined]


def test_crm_mon_read_as_a_stream_keeps_nesting_and_text() -> None:
    """crm_mon's XML is read as parser events, each element freed once read (its tree
    would cost 14x the text; bench/memory.py). The model is what the whole tree gave:
    only ``resources`` sections directly under the root are read; clones, groups,
    bundles and replicas pass their id (or, without one, their parent's) to the
    resources inside; a resource's direct ``node`` children are where it runs; the
    first ``summary/current_dc`` names the DC. A declaration naming another encoding
    does not garble the text (we feed UTF-8)."""
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<pacemaker-result api-version="2.3">\n'
        '  <summary><current_dc name="n\u00f6de1" with_quorum="true"/></summary>\n'
        '  <nodes><node name="n\u00f6de1" online="true"/><node name="b" standby="true"/></nodes>\n'
        "  <resources>\n"
        '    <bundle id="web-bundle"><replica id="0">\n'
        '      <resource id="web-bundle-docker-0" role="Started" active="true">\n'
        '        <node name="b"/><extra><node name="not-a-place"/></extra>\n'
        "      </resource>\n"
        "    </replica></bundle>\n"
        '    <clone id="c"><group id="g"><resource id="ip:0" managed="false"/></group></clone>\n'
        '    <resource id="lone" failed="true"><node name="n\u00f6de1"/></resource>\n'
        "  </resources>\n"
        '  <node_history><resources><resource id="hidden"/></resources></node_history>\n'
        "</pacemaker-result>\n"
    )
    doc = xencfg.loads(text, "crm-mon-xml")
    assert (doc.version, doc.dc, doc.with_quorum) == ("2.3", "n\u00f6de1", True)  # type: ignore[attr-defined]
    assert [(n.name, n.online, n.standby) for n in doc.nodes] == [  # type: ignore[attr-defined]
        ("n\u00f6de1", True, False),
        ("b", False, True),
    ]
    assert [(r.id, r.parent, r.nodes, r.managed, r.failed, r.line) for r in doc.resources] == [  # type: ignore[attr-defined]
        ("web-bundle-docker-0", "0", ["b"], True, False, 7),
        ("ip:0", "g", [], False, False, 11),
        ("lone", None, ["n\u00f6de1"], True, True, 12),
    ]


def test_xl_list_table_and_long_form() -> None:
    table = load("xl-list", "xl-list.txt")
    assert [(d.name, d.id, d.memory, d.state) for d in table.domus] == [  # type: ignore[attr-defined]
        ("web", 3, 512, "-b----"),
        ("db", 7, 2048, "-b----"),
    ]
    long = load("xl-list", "xm-list-long.sxp")
    assert [(d.name, d.id) for d in long.domains] == [("Domain-0", 0), ("mail", 5)]  # type: ignore[attr-defined]


def test_xl_list_long_of_ganeti_test_data() -> None:
    """ganeti's test/data/xen-xl-list-long-4.0.1.txt: the long form of a real Xen 4.0."""
    path = shared_path("corpus", "other", "ganeti__test_data_xen-xl-list-long-4.0.1.txt")
    doc = xencfg.load(path, "xl-list")
    assert doc.domains and doc.domains[0].name == "Domain-0"  # type: ignore[attr-defined]


def test_ip_addr_one_line_and_plain() -> None:
    for name in ("ip-o-addr.txt", "ip-addr.txt"):
        doc = load("ip-addr", name)
        assert doc.holds("192.168.10.50") and doc.holds("10.0.0.1")  # type: ignore[attr-defined]
        assert not doc.holds("10.0.0.2")  # type: ignore[attr-defined]
        labels = {a.address: a.label for a in doc.addresses}  # type: ignore[attr-defined]
        assert labels["192.168.10.50"] == "eth0:0"
    plain = load("ip-addr", "ip-addr.txt")
    assert {a.interface for a in plain.addresses} == {"lo", "eth0", "xenbr0"}  # type: ignore[attr-defined]


def test_iscsiadm_session_print_level_3_and_short() -> None:
    """``-P 3`` layout of open-iscsi's usr/session_info.c: ``Target:``, then per portal
    the interface, SID and states, and print_scsi_device_info's
    ``\t\tscsi%d Channel 00 Id %d Lun: %d`` / ``\t\t\tAttached scsi disk %s\t\tState: %s``."""
    doc = load("iscsi-session", "session-P3.txt")
    a, b = doc.sessions  # type: ignore[attr-defined]
    assert (a.target, a.portal, a.sid, a.initiator, a.session_state, a.logged_in) == (
        "iqn.2026-11.net.example:san1.pool",
        "192.168.20.1:3260,1",
        1,
        "iqn.2026-11.net.example:xen1",
        "LOGGED_IN",
        True,
    )
    assert [(x.lun, x.disk) for x in a.luns] == [(0, None), (1, "sdb")]
    assert (b.portal, b.sid, b.session_state, b.logged_in, b.luns[0].disk) == (
        "192.168.21.1:3260,1",
        2,
        "FAILED",
        False,
        "sdc",
    )
    short = load("iscsi-session", "session-short.txt")
    assert [(s.sid, s.target.rsplit(":", 1)[1]) for s in short.sessions] == [
        (1, "san1.pool"),
        (3, "san2.db"),
    ]  # type: ignore[attr-defined]
    empty = xencfg.loads("iscsiadm: No active sessions.\n", "iscsi-session")
    assert empty.sessions == []  # type: ignore[attr-defined]


def test_uname_forms() -> None:
    assert load("uname", "uname-a.txt").name == "alpha"  # type: ignore[attr-defined]
    assert xencfg.loads("xen1.example.net\n", "uname").name == "xen1.example.net"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fmt", "text", "line", "column"),
    [
        ("drbd-status", '[\n{"name": "r0",\n  "role" "Primary"}\n]\n', 3, 10),
        ("drbd-status", "  disk:UpToDate\nr0 role:Primary\n", 1, 3),
        ("crm-mon-xml", "<crm_mon>\n  <nodes>\n</crm_mon>\n", 3, 11),
        ("crm-mon-xml", "<cib/>\n", 1, 1),
        ("xl-list", "Name ID Mem VCPUs State Time(s)\nthis is not a row\n", 2, 1),
        ("ip-addr", "    inet 10.0.0.1/24 scope global eth0\n", 1, 5),
        ("iscsi-session", "\t\tSID: 1\n", 1, 3),
        ("uname", "\n\n", 1, 1),
    ],
)
def test_errors_are_located(fmt: str, text: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as exc:
        xencfg.loads(text, fmt, path="captured.txt")
    assert (exc.value.line, exc.value.column) == (line, column), exc.value


def test_crm_mon_entities_are_not_resolved() -> None:
    text = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>\n<crm_mon version="&e;"/>\n'
    try:
        doc = xencfg.loads(text, "crm-mon-xml")
    except ParseError as exc:  # libxml2 refuses the external reference: also safe
        assert "hostname" not in exc.message.split("file:")[0]
        return
    assert doc.version in (None, "")  # type: ignore[attr-defined]


def test_read_only_dumps_are_the_text() -> None:
    for fmt in ("drbd-status", "crm-mon-xml", "xl-list", "ip-addr", "iscsi-session", "uname"):
        for p in sorted((FIX / fmt / "valid").iterdir()):
            text = p.read_text()
            assert xencfg.dumps(xencfg.loads(text, fmt)) == text


# -- where live state is found ------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_sosreport_tree_is_a_node_root(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "sosreport-alpha-2026",
        {
            "etc/hostname": "alpha\n",
            "etc/drbd.conf": "resource r0 { on alpha { address 10.0.0.1:7788; } }\n",
            "proc/drbd": " 0: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown C r----\n",
            "sos_commands/multipath/multipath_-ll": (
                FIX / "multipath-ll" / "valid" / "new-layout.txt"
            ).read_text(),
            "sos_commands/networking/ip_-o_addr": "2: eth0    inet 10.0.0.1/24 scope global eth0\n",
            "sos_commands/pacemaker/crm_mon_-1_--output-as_xml": "<pacemaker-result/>\n",
            "sos_commands/drbd/drbdsetup_show_all": "not state\n",
            "sos_commands/xen/xl_list_-l": "(domain (domid 0) (name Domain-0))\n",
        },
    )
    found = discover.discover([str(tmp_path)])
    (node,) = found.nodes
    got = {Path(f.display).name: f.format for f in node.files}
    assert got == {
        "drbd.conf": "drbd",
        "hostname": "hostname",
        "drbd": "proc-drbd",
        "multipath_-ll": "multipath-ll",
        "ip_-o_addr": "ip-addr",
        "crm_mon_-1_--output-as_xml": "crm-mon-xml",
    }
    assert node.name == "alpha" and discover.is_node_root(root)


SUPPORTCONFIG_HA = """#==[ Configuration File ]===========================#
# /etc/drbd.conf - Last Modified Size: 90 Time: 2026-11-20 10:00:00
resource r0 { on alpha { device /dev/drbd0; address 10.0.0.1:7788; } }

#==[ Command ]======================================#
# /usr/sbin/crm_mon -1 -r -n
Stack: corosync

#==[ Command ]======================================#
# /usr/sbin/crm_mon -1 --as-xml
<?xml version="1.0"?>
<crm_mon version="1.1.12">
    <nodes>
        <node name="alpha" id="1" online="true" />
    </nodes>
</crm_mon>

#==[ Command ]======================================#
# /bin/cat /proc/drbd
 0: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown C r----

#==[ Configuration File ]===========================#
# /etc/ha.d/ha.cf - File not found
"""


def test_supportconfig_tree_sections_keep_their_line_numbers(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "scc_alpha_261120_1000",
        {
            "supportconfig.txt": "Script Version: 3.1\n",
            "basic-environment.txt": (
                "#==[ Command ]======================================#\n"
                "# /bin/uname -a\nLinux alpha 4.12.14 #1 SMP x86_64 GNU/Linux\n"
            ),
            "ha.txt": SUPPORTCONFIG_HA,
        },
    )
    found = discover.discover([str(root)])
    (node,) = found.nodes
    assert node.name == "alpha"  # from uname -a: the folder name is scc_...
    got = {f.display.rsplit("#", 1)[1]: f.format for f in node.files}
    assert got == {
        "bin_uname_-a": "uname",
        "etc_drbd.conf": "drbd",
        "usr_sbin_crm_mon_-1_--as-xml": "crm-mon-xml",
        "bin_cat_proc_drbd": "proc-drbd",
    }
    result = lint.run([str(root)], select=["LS003", "XC"])
    assert [(f.code, f.path.rsplit("#", 1)[1], f.line) for f in result.findings] == [
        ("LS003", "bin_cat_proc_drbd", 20)  # line 20 of ha.txt
    ]
    # the section is read alone: its document's lines start at the section's first line
    item = next(iter(result.cluster.docs("crm-mon-xml")))
    assert item.doc.nodes[0].line + item.file.first_line - 1 == 14  # type: ignore[attr-defined]


def test_our_layout_reads_outputs_and_reports_refusals(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "alpha",
        {
            live.STATE_DIR + "/uname_n.txt": "alpha\n",
            live.STATE_DIR + "/ip_addr.txt": "2: eth0    inet 10.0.0.1/24 scope global eth0\n",
            live.STATE_DIR + "/hostname_f.txt": "alpha.example.net\n",
            live.STATE_DIR + "/multipath_ll.refused.txt": (
                "DM multipath kernel driver not loaded\n(exit status 1)\n"
            ),
        },
    )
    found = discover.discover([str(root)])
    (node,) = found.nodes
    assert sorted(f.format for f in node.files) == ["ip-addr", "uname"]
    assert any("refused: DM multipath" in s.reason for s in found.skipped)


# -- capture on this machine -------------------------------------------------------


def test_capture_runs_here_writes_only_under_its_folder(tmp_path: Path) -> None:
    """The peer packages are installed without kernel modules or devices: the tools
    refuse, and the refusals are kept as text; nothing is written elsewhere."""
    out, cwd, home = tmp_path / "out", tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    env = dict(os.environ, HOME=str(home), TMPDIR=str(home))
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "xencfg", "capture", "-o", str(out), "--timeout", "5"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - start < len(live.COMMANDS) * 5 + 10
    assert list(cwd.iterdir()) == [] and list(home.iterdir()) == []
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and all(p.parent == out / live.STATE_DIR for p in written)
    assert (out / live.STATE_DIR / "uname_n.txt").read_text().strip() == os.uname().nodename
    # every line of the summary says what became of one command
    statuses = {ln.split()[0] for ln in done.stderr.splitlines() if ln.strip()}
    assert statuses <= {"ok", "refused", "absent", "timeout"}
    # and the folder is a node root lint reads without flags
    result = lint.run([str(out)])
    assert any(f.format == "uname" for f in result.files)


def test_capture_time_limit_and_absent_tools() -> None:
    slow = live.Command("slow", (("sleep", "30"),), None)
    start = time.monotonic()
    got = live.run_one(slow, timeout=0.3)
    assert (got.status, time.monotonic() - start < 5) == ("timeout", True)
    missing = live.Command("missing", (("no-such-tool-xencfg", "-x"),), None)
    assert live.run_one(missing).status == "absent"
    # drbdadm would modprobe drbd: never run without the module
    guarded = live.Command("g", (("true",),), None, requires="/nonexistent/proc/drbd")
    assert live.run_one(guarded).status == "absent"


def test_capture_refuses_to_write_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "var" / "lib").mkdir(parents=True)
    (tmp_path / "out" / "var" / "lib" / "xencfg").symlink_to(tmp_path / "elsewhere")
    ok = live.Captured(live.COMMANDS[-2], "ok", "alpha\n")
    with pytest.raises(OSError):
        live.write([ok], tmp_path / "out")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_lint_live_runs_here() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", "--live", "--select", "LS", "-v"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert "live:uname_n as uname" in done.stderr


def test_graph_shows_live_state_on_drbd_and_lun_edges() -> None:
    """A DRBD replica edge carries its node's live role/connection/disk (red when not
    Connected/UpToDate); a node's running multipath map its working paths."""
    from conftest import ROOT
    from xencfg import graph

    sos = lint.run([str(ROOT / "examples" / "sosreport")])
    edges = {(e.src, e.dst): e for e in graph.build(sos.cluster).edges}
    beta_web = edges[("node:beta", "drbd:web")]
    assert "live: Secondary, StandAlone, UpToDate" in beta_web.label and beta_web.problem
    scc = lint.run([str(ROOT / "examples" / "supportconfig")])
    edges = {(e.src, e.dst): e for e in graph.build(scc.cluster).edges}
    alpha_web = edges[("node:alpha", "drbd:web")]
    assert "live: Primary, Connected, UpToDate" in alpha_web.label and not alpha_web.problem
    lun = "lun:3600a0b800026105a0000038d4f4e4a4e"
    assert (edges[("node:alpha", lun)].label, edges[("node:alpha", lun)].problem) == (
        "live: 2/2 paths",
        "",
    )
    assert (
        edges[("node:beta", lun)].label == "live: 1/2 paths" and edges[("node:beta", lun)].problem
    )


def test_a_captured_file_linked_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    secret = _write(tmp_path / "outside", {"multipath_-ll": "not yours\n"})
    root = _write(tmp_path / "tree" / "sosreport-alpha", {"etc/hostname": "alpha\n"})
    (root / "sos_commands" / "multipath").mkdir(parents=True)
    (root / "sos_commands" / "multipath" / "multipath_-ll").symlink_to(secret / "multipath_-ll")
    (root / "sos_commands" / "host").mkdir(parents=True)
    (root / "hostname").write_text("alpha\n")
    (root / "sos_commands" / "host" / "hostname").symlink_to(root / "hostname")  # inside
    (node,) = discover.discover([str(root)]).nodes
    assert sorted(f.format or "" for f in node.files if f.refused is None) == ["hostname", "uname"]
    # not read, and reported (XC002), as a link out of the root under etc/ is
    [refused] = [f for f in node.files if f.refused is not None]
    assert refused.path.name == "multipath_-ll" and "outside the node tree" in refused.refused


def test_json_report_carries_live_state_where_captured() -> None:
    import json

    from conftest import ROOT

    def report(*paths: str) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-m", "xencfg", "lint", "--output-format", "json", *paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        data: dict[str, object] = json.loads(done.stdout)
        return data

    live_state = report("examples/supportconfig/")["live"]
    assert live_state["alpha"]["drbd"]["web"] == {  # type: ignore[index]
        "role": "Primary",
        "connection": "Connected",
        "disk": "UpToDate",
        "peer_disk": "UpToDate",
    }
    assert live_state["beta"]["multipath"]["mpatha"]["working"] == 1  # type: ignore[index]
    assert "live" not in report("examples/two-node/alpha", "examples/two-node/beta")


def test_a_failed_command_saved_by_sos_is_skipped_not_an_error(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "sosreport-alpha",
        {
            "etc/hostname": "alpha\n",
            "sos_commands/pacemaker/crm_mon_-1_--output-as_xml": (
                "crm_mon: Connection to cluster failed: Transport endpoint is not connected\n"
            ),
            "sos_commands/host/hostname": "bash: hostname: command not found\n",
            "sos_commands/iscsi/iscsiadm_-m_session_-P_3": "iscsiadm: No active sessions.\n",
        },
    )
    found = discover.discover([str(root)])
    (node,) = found.nodes
    assert sorted(f.format or "" for f in node.files) == ["hostname", "iscsi-session"]
    assert sum("the command failed?" in s.reason for s in found.skipped) == 2
    assert [f.code for f in lint.run([str(root)], select=["XC"]).findings] == []
