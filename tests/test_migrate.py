"""ha.cf -> corosync 3 (xencfg.stack) and ``xencfg migrate`` (xencfg.migrate): every
generated corosync.conf passes ``corosync -c FILE -t`` (corosync 3.1), the report says
what was carried and what was not, nothing is written over the inputs, secrets stay masked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xencfg
from conftest import ROOT, corosync_test, shared_path
from xencfg import migrate
from xencfg.cli import main

EXAMPLE = ROOT / "examples" / "two-node"

HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "192.168.7.1\tn1\n192.168.7.2\tn2\n192.168.7.3\tn3\n"
    "10.7.0.1\tn1-link\n10.7.0.2\tn2-link\n10.7.0.3\tn3-link\n"
)
AUTHKEYS = "auth 1\n1 sha1 0123456789abcdef0123456789abcdef\n"

#: ha.cf media lines per shape; {me}/{peer...} filled per node.
SHAPES = {
    "ucast": ["ucast eth0 {peer0}"],
    "ucast-two-links": ["ucast eth0 {peer0}", "ucast eth1 {peerlink0}"],
    "bcast": ["bcast eth0"],
    "bcast-two-interfaces": ["bcast eth1 eth0"],
    "mcast": ["mcast eth0 239.0.0.43 694 1 0"],
    "serial": ["serial /dev/ttyS0", "baud 19200", "bcast eth0"],
    "serial-only": ["serial /dev/ttyS0"],
}
ADDR = {"n1": "192.168.7.1", "n2": "192.168.7.2", "n3": "192.168.7.3"}
LINK = {"n1": "10.7.0.1", "n2": "10.7.0.2", "n3": "10.7.0.3"}


def _cluster(tmp: Path, shape: str, members: list[str], logd: bool) -> list[str]:
    roots = []
    for me in members:
        peers = [m for m in members if m != me]
        media = []
        for line in SHAPES[shape]:
            if "{peer" in line:  # one ucast line per peer
                for p in peers:
                    media.append(line.format(peer0=ADDR[p], peerlink0=LINK[p]))
            else:
                media.append(line)
        hacf = ["keepalive 1", "deadtime 10", "warntime 5", *media]
        hacf += [f"node {m}" for m in members] + ["crm on"]
        hacf += ["use_logd yes"] if logd else ["logfacility local0", "logfile /var/log/ha-log"]
        etc = tmp / me / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d" / "ha.cf").write_text("\n".join(hacf) + "\n")
        (etc / "ha.d" / "authkeys").write_text(AUTHKEYS)
        (etc / "hosts").write_text(HOSTS)
        (etc / "hostname").write_text(me + "\n")
        if logd:
            (etc / "ha.d" / "ha_logd.cf").write_text("logfacility local3\n")
        roots.append(str(tmp / me))
    return roots


def _accepted(m: migrate.Migration, tmp: Path) -> xencfg.Document:
    """corosync -t on the generated file, with keyfile pointing at the generated key."""
    conf = next(o for o in m.outputs if o.path.endswith("corosync.conf"))
    key = next(o for o in m.outputs if o.path.endswith("authkey"))
    keyfile = tmp / "authkey"
    keyfile.write_bytes(key.data)
    keyfile.chmod(0o400)
    doc = xencfg.loads(conf.data.decode(), "corosync")
    assert doc.totem is not None
    doc.totem.set("keyfile", str(keyfile))
    path = tmp / "corosync.conf"
    path.write_text(xencfg.dumps(doc))
    ring0 = doc.nodes[0].ring_addrs[0]
    ok, out = corosync_test(path, f"{ring0}/32")
    assert ok, f"corosync -t refused:\n{out}\n{xencfg.dumps(doc)}"
    return doc


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("logd", [False, True])
def test_shapes_convert_to_a_file_corosync_accepts(
    tmp_path: Path, shape: str, count: int, logd: bool
) -> None:
    members = ["n1", "n2", "n3"][:count]
    roots = _cluster(tmp_path / "in", shape, members, logd)
    m = migrate.plan(roots, cluster_name="c1")
    doc = _accepted(m, tmp_path)
    assert [(n.name, n.nodeid) for n in doc.nodes] == [(x, i + 1) for i, x in enumerate(members)]
    assert [n.ring_addrs[0] for n in doc.nodes] == [ADDR[x] for x in members]
    if shape == "ucast-two-links":
        assert [n.ring_addrs[1] for n in doc.nodes] == [LINK[x] for x in members]
    assert doc.quorum is not None and doc.quorum.two_node is (count == 2)
    assert doc.logging is not None
    assert doc.logging.get("syslog_facility") == ("local3" if logd else "local0")
    notes = {n.what for n in m.notes}
    if shape.startswith("serial"):
        assert "serial path /dev/ttyS0 dropped" in notes
    if shape == "mcast":
        assert any("multicast group 239.0.0.43" in n.why for n in m.notes)


def test_token_arithmetic_two_and_three_nodes(tmp_path: Path) -> None:
    """deadtime 10 s: effective token 10000 / 2.2 = 4545 -> 4500 ms with two nodes; three
    nodes: corosync adds token_coefficient 650 ms (corosync.conf(5)), so token 3800."""
    two = migrate.plan(_cluster(tmp_path / "a", "bcast", ["n1", "n2"], False))
    three = migrate.plan(_cluster(tmp_path / "b", "bcast", ["n1", "n2", "n3"], False))
    t2 = xencfg.loads(two.outputs[0].data.decode(), "corosync")
    t3 = xencfg.loads(three.outputs[0].data.decode(), "corosync")
    assert t2.totem.token == 4500 and t2.totem.consensus == 5400
    assert t3.totem.token == 3800 and t3.effective_token() == 4450
    assert t3.totem.consensus == 5340 == t3.effective_consensus()
    assert t2.totem.get("token_warning") == "50"  # warntime 5 / deadtime 10
    assert any("10000 / 2.2 = 4545 ms" in line for line in two.timing)


def test_example_two_node(tmp_path: Path) -> None:
    m = migrate.plan([str(EXAMPLE / "alpha"), str(EXAMPLE / "beta")], cluster_name="xen-ha")
    doc = _accepted(m, tmp_path)
    assert [(n.name, n.ring_addrs) for n in doc.nodes] == [
        ("alpha", {0: "192.168.10.11", 1: "10.0.0.11"}),
        ("beta", {0: "192.168.10.12", 1: "10.0.0.12"}),
    ]
    cib = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    assert '<node id="1" uname="alpha"' in cib and '<node id="2" uname="beta"' in cib


@pytest.mark.parametrize("seed", ["s001-drbd-heartbeat", "s002-sles-hasi"])
def test_seed_clusters(tmp_path: Path, seed: str) -> None:
    base = shared_path("seed-examples", seed)
    roots = sorted(str(p) for p in base.iterdir() if list(p.glob("etc/*/ha.cf")))
    assert len(roots) == 2
    m = migrate.plan(roots)
    doc = _accepted(m, tmp_path)
    assert len(doc.nodes) == 2 and all(0 in n.ring_addrs for n in doc.nodes)
    if seed == "s001-drbd-heartbeat":  # `nodes xen-1 xen-2`: no heartbeat directive
        assert any("'nodes xen-1 xen-2' is no heartbeat directive" in n.what for n in m.notes)
        assert [n.ring_addrs[0] for n in doc.nodes] == ["10.0.0.1", "10.0.0.2"]  # drbd.conf


def test_cli_check_writes_nothing_and_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roots = _cluster(tmp_path / "in", "ucast", ["n1", "n2"], True)
    out = tmp_path / "out"
    assert main(["migrate", "--check", "--report", "json", *roots, "-o", str(out)]) == 0
    assert not out.exists()
    report = json.loads(capsys.readouterr().out)
    assert report["members"][0]["name"] == "n1"
    assert {f["path"] for f in report["files"]} == {
        "etc/corosync/corosync.conf",
        "etc/corosync/authkey",
    }
    assert all("text" not in f for f in report["files"] if f["path"].endswith("authkey"))
    assert any(n["what"].startswith("no CIB found") for n in report["not_carried"])
    assert report["steps"][1].startswith("Stop heartbeat on every node")
    assert "0123456789abcdef0123456789abcdef" not in json.dumps(report)


def test_cli_writes_per_node_files_and_refuses_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roots = _cluster(tmp_path / "in", "bcast", ["n1", "n2"], False)
    before = {p: p.read_bytes() for p in (tmp_path / "in").rglob("*") if p.is_file()}
    out = tmp_path / "out"
    assert main(["migrate", *roots, "-o", str(out)]) == 0
    for node in ("n1", "n2"):
        conf = out / node / "etc" / "corosync" / "corosync.conf"
        key = out / node / "etc" / "corosync" / "authkey"
        assert conf.read_bytes() == (out / "n1" / "etc" / "corosync" / "corosync.conf").read_bytes()
        assert key.stat().st_mode & 0o777 == 0o400 and len(key.read_bytes()) == 256
    assert (out / "n1/etc/corosync/authkey").read_bytes() == (
        out / "n2/etc/corosync/authkey"
    ).read_bytes()
    md = (out / "MIGRATION.md").read_text()
    assert "## Cut-over steps" in md and "## Not carried (do by hand)" in md
    assert main(["migrate", *roots, "-o", str(out)]) == 0  # again: the 0400 key is replaced
    # an output folder inside (or holding) the inputs is refused before anything is written
    assert main(["migrate", *roots, "-o", str(tmp_path / "in" / "n1" / "new")]) == 2
    assert main(["migrate", *roots, "-o", str(tmp_path)]) == 2
    assert "overlaps the input" in capsys.readouterr().err
    after = {p: p.read_bytes() for p in (tmp_path / "in").rglob("*") if p.is_file()}
    assert after == before


def test_cli_without_output_or_hacf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roots = _cluster(tmp_path / "in", "bcast", ["n1", "n2"], False)
    assert main(["migrate", *roots]) == 2
    for r in roots:
        os.remove(Path(r) / "etc" / "ha.d" / "ha.cf")
    assert main(["migrate", "--check", *roots]) == 2
    assert "no node has an ha.cf" in capsys.readouterr().err


def test_report_masks_cib_passwords_unless_asked(tmp_path: Path) -> None:
    roots = _cluster(tmp_path / "in", "bcast", ["n1", "n2"], False)
    cib = tmp_path / "cib.xml"
    cib.write_text(
        '<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>'
        '<nodes><node id="u-1" uname="n1" type="normal"/></nodes><resources>'
        '<primitive id="st" class="stonith" type="external/ipmi"><instance_attributes id="ia">'
        '<attributes><nvpair id="p" name="passwd" value="s3cr3tpw"/></attributes>'
        "</instance_attributes></primitive></resources><constraints/></configuration>"
        "<status/></cib>\n"
    )
    m = migrate.plan(roots, cib_file=str(cib))
    assert "s3cr3tpw" not in m.report_json() and "s3cr3tpw" not in m.report_markdown()
    assert "s3cr3tpw" in m.report_json(show_secrets=True)
    assert any("node n1: id 'u-1' -> '1'" in n.what for n in m.notes)
    m10 = migrate.plan(roots, cib_file=str(cib), pacemaker_target="1.0")
    assert any(n.what == "node n1: id u-1 -> 1" for n in m10.notes)


_MEDIA = st.sampled_from(
    [
        "bcast eth0",
        "bcast eth1",
        "mcast eth0 239.1.1.1 694 1 0",
        "ucast eth0 192.168.7.1",
        "ucast eth0 192.168.7.2",
        "ucast eth1 10.7.0.3",
        "ucast eth1 10.9.9.9",
        "serial /dev/ttyS1",
        "ucast6 eth0 fd00::1",
    ]
)
_TIMES = st.sampled_from(["1", "2", "500ms", "10", "30", "60", "x", "0"])


@settings(max_examples=40, deadline=None)
@given(
    media=st.lists(_MEDIA, max_size=4),
    count=st.integers(1, 3),
    deadtime=_TIMES,
    warntime=_TIMES,
    keepalive=_TIMES,
)
def test_any_hacf_converts_or_fails_cleanly(
    media: list[str], count: int, deadtime: str, warntime: str, keepalive: str
) -> None:
    """Whatever ha.cf says, the plan is a corosync.conf that parses back and that no
    corosync error rule (what corosync refuses) flags; or a clear XencfgError."""
    import tempfile

    from xencfg import lint

    with tempfile.TemporaryDirectory() as tmp:
        members = ["n1", "n2", "n3"][:count]
        roots = []
        for me in members:
            etc = Path(tmp) / me / "etc"
            (etc / "ha.d").mkdir(parents=True)
            text = [*media, f"deadtime {deadtime}", f"warntime {warntime}"]
            text += [f"keepalive {keepalive}", *(f"node {m}" for m in members)]
            (etc / "ha.d" / "ha.cf").write_text("\n".join(text) + "\n")
            (etc / "hosts").write_text(HOSTS)
            roots.append(str(Path(tmp) / me))
        try:
            m = migrate.plan(roots)
        except xencfg.XencfgError:
            return
        out = Path(tmp) / "out"
        migrate.write(m, out, roots)
        doc = xencfg.load(out / "n1" / "etc" / "corosync" / "corosync.conf")
        assert [n.name for n in doc.nodes] == members
        result = lint.run([str(out / n) for n in members], select=["CS"])
        assert [f for f in result.findings if f.severity == "error"] == []


def test_v1_cluster_and_unwritable_outdir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roots = _cluster(tmp_path / "in", "bcast", ["n1", "n2"], False)
    for r in roots:
        hacf = Path(r) / "etc" / "ha.d" / "ha.cf"
        hacf.write_text(hacf.read_text().replace("crm on", "crm off"))
    m = migrate.plan(roots)
    assert any("haresources" in n.what and n.kind == "manual" for n in m.notes)
    blocker = tmp_path / "out"
    blocker.write_text("a file where OUTDIR should be\n")
    assert main(["migrate", *roots, "-o", str(blocker)]) == 2
    assert "cannot create" in capsys.readouterr().err


# -- the Xen, DRBD and iSCSI parts (xencfg.migrations) --------------------------------


def test_only_xen_carries_domus_and_xend(tmp_path: Path) -> None:
    m = migrate.plan([str(EXAMPLE / "alpha"), str(EXAMPLE / "beta")], only=("xen",))
    paths = sorted((o.node, o.path) for o in m.outputs)
    assert paths == [
        (node, path)
        for node in ("alpha", "beta")
        for path in ("etc/xen/domains/db", "etc/xen/domains/web", "etc/xen/xl.conf")
    ]
    web = next(o for o in m.outputs if o.path.endswith("web"))
    assert xencfg.loads(web.data.decode(), "xl").get("bootloader") == "pygrub"
    assert not any(o.path.endswith("corosync.conf") for o in m.outputs)


def _drbd83(tmp: Path) -> list[str]:
    roots = []
    for me in ("n1", "n2"):
        etc = tmp / me / "etc"
        etc.mkdir(parents=True)
        (etc / "drbd.conf").write_text(
            "common { syncer { rate 30M; } }   # 8.3\n"
            "resource r0 {\n  protocol C;\n  disk { fencing resource-only; }\n"
            "  on n1 { device /dev/drbd0; disk /dev/sdb1; address 10.7.0.1:7788; "
            "meta-disk internal; }\n"
            "  on n2 { device /dev/drbd0; disk /dev/sdb1; address 10.7.0.2:7788; "
            "meta-disk internal; }\n}\n"
        )
        roots.append(str(tmp / me))
    return roots


@pytest.mark.parametrize("target", ["8.4", "9"])
def test_drbd_to_84_or_9(tmp_path: Path, target: str) -> None:
    m = migrate.plan(_drbd83(tmp_path), only=("drbd",), drbd_target=target)
    out = [o for o in m.outputs if o.path == "etc/drbd.conf"]
    assert [o.node for o in out] == ["n1", "n2"]
    doc = xencfg.loads(out[0].data.decode(), "drbd")
    assert doc.common == {"disk": {"resync-rate": "30M"}}
    res = doc.resources["r0"]
    if target == "9":
        assert res.sections["net"] == {"fencing": "resource-only"}
        assert [h.node_id for h in res.host_list] == [0, 1]
    else:
        assert res.sections["disk"] == {"fencing": "resource-only"}


def _iet(tmp: Path) -> list[str]:
    from xencfg.migrations.lio import iet_wwid

    san = tmp / "san1" / "etc"
    san.mkdir(parents=True)
    (san / "ietd.conf").write_text(
        "Target iqn.2008-01.net.example:san1.vm\n"
        "\tIncomingUser vmuser vmsecret12345\n"
        "\tLun 0 Path=/dev/vg0/vm,Type=blockio,ScsiId=vm0\n"
    )
    roots = [str(tmp / "san1")]
    for me in ("xen1", "xen2"):
        etc = tmp / me / "etc"
        etc.mkdir(parents=True)
        (etc / "multipath.conf").write_text(
            f"multipaths {{\n\tmultipath {{\n\t\twwid {iet_wwid('vm0')}\n\t\talias vm\n\t}}\n}}\n"
        )
        roots.append(str(tmp / me))
    return roots


def test_iscsi_writes_lio_and_names_the_multipath_entries_to_change(tmp_path: Path) -> None:
    m = migrate.plan(_iet(tmp_path), only=("iscsi",))
    saved = next(o for o in m.outputs if o.path == "etc/target/saveconfig.json")
    assert saved.node == "san1" and saved.mode == 0o600
    config = json.loads(saved.data)
    assert config["targets"][0]["wwn"] == "iqn.2008-01.net.example:san1.vm"
    todo = [n for n in m.notes if n.kind == "manual" and "multipath.conf" in n.source]
    assert len(todo) == 2  # the alias on each initiator
    report = m.report_markdown()
    assert "vmsecret12345" not in report and "vmsecret12345" not in m.report_json()
    assert any("targetctl restore" in s for s in m.steps)


def test_cli_parts_and_targets_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roots = _drbd83(tmp_path)
    assert main(["migrate", "--check", "--only", "drbd", "--to", "drbd=9", *roots]) == 0
    assert "node-id" in capsys.readouterr().out
    assert main(["migrate", "--check", "--only", "nfs", *roots]) == 2
    assert "unknown part 'nfs'" in capsys.readouterr().err
    assert main(["migrate", "--check", "--to", "drbd=7", *roots]) == 2
    assert main(["migrate", "--check", "--to", "xen=4.17", *roots]) == 2
    assert "pacemaker=1.0|current" in capsys.readouterr().err
    # (a release is a target since session 26: 2.0 gets pacemaker-3.1, 1.x is refused)
    assert main(["migrate", "--check", "--to", "pacemaker=1.1", *roots]) == 2
    assert "use --to pacemaker=1.0" in capsys.readouterr().err
    assert main(["migrate", "--check", "--to", "pacemaker=2.0", *roots]) == 0
    capsys.readouterr()
    empty = tmp_path / "empty" / "etc"
    empty.mkdir(parents=True)
    (empty / "hosts").write_text("127.0.0.1 localhost\n")
    assert main(["migrate", "--check", str(empty.parent)]) == 2
    assert "nothing to migrate" in capsys.readouterr().err


def test_storage_box_gets_no_corosync(tmp_path: Path) -> None:
    """A target box given with the dom0s (no ha.cf, not in ha.cf's 'node' lines) gets no
    corosync.conf: corosync -t there says 'No valid name found for local host' (it is in no
    nodelist entry), and starting it would fail."""
    roots = _cluster(tmp_path / "in", "ucast", ["n1", "n2", "n3"], False)
    san = tmp_path / "in" / "san1" / "etc"
    san.mkdir(parents=True)
    (san / "ietd.conf").write_text(
        "Target iqn.2001-04.com.example:san1.pool\n\tLun 0 Path=/dev/sdb\n"
    )
    m = migrate.plan([*roots, str(san.parent)])
    corosync_nodes = {o.node for o in m.outputs if o.path.startswith("etc/corosync/")}
    assert corosync_nodes == {"n1", "n2", "n3"}
    assert m.stack_nodes == ["n1", "n2", "n3"]
    assert any(n.source == "san1" and n.target == "corosync.conf" for n in m.notes)
    assert m.steps[0].startswith("On every node (n1, n2, n3):")


def test_heartbeat_clients_and_initdead_get_true_advice(tmp_path: Path) -> None:
    """ipfail and dopd talk to heartbeat's API (they cannot be 'run as a systemd service'
    under corosync); initdead's note names wait_for_all only where two_node sets it
    (votequorum.5: two_node enables wait_for_all; a 3-node cluster has neither)."""
    roots = _cluster(tmp_path / "in", "ucast", ["n1", "n2", "n3"], False)
    for r in roots:
        hacf = Path(r) / "etc" / "ha.d" / "ha.cf"
        hacf.write_text(
            hacf.read_text()
            + "initdead 60\nrespawn hacluster /usr/lib/heartbeat/ipfail\n"
            + "respawn hacluster /usr/lib/heartbeat/dopd\nrespawn root /sbin/evmsd\n"
        )
    m = migrate.plan(roots, only=("stack",))
    why = {n.what: n.why for n in m.notes}
    assert "ocf:pacemaker:ping" in why["respawn hacluster /usr/lib/heartbeat/ipfail"]
    assert "crm-fence-peer.sh" in why["respawn hacluster /usr/lib/heartbeat/dopd"]
    assert "two_node" not in why["initdead 60"]
    assert "cannot run under corosync" in why["respawn root /sbin/evmsd"]


def test_cib_uname_in_other_case_gets_the_nodeid(tmp_path: Path) -> None:
    """A CIB node 'N1' is member n1: heartbeat and Pacemaker's peer cache match names in
    any case (Pacemaker membership.c, pcmk__str_casei), so it takes n1's corosync nodeid;
    kept at heartbeat's UUID it would be a second, unknown node."""
    roots = _cluster(tmp_path / "in", "ucast", ["n1", "n2"], False)
    cib = tmp_path / "cib.xml"
    cib.write_text(
        '<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-1.0">'
        "<configuration><crm_config/><nodes>"
        '<node id="7a4e8b52-3c1d-4f6e-9a0b-2d5c8e1f7a30" uname="N1" type="normal"/>'
        '<node id="c2b9f0e4-6d3a-4b8c-91e7-5f0a2c4d6e81" uname="n2" type="normal"/>'
        "</nodes><resources/><constraints/></configuration><status/></cib>\n"
    )
    m = migrate.plan(roots, only=("stack",), cib_file=str(cib))
    out = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    assert '<node id="1" uname="N1"' in out and '<node id="2" uname="n2"' in out


def test_cib_report_lines_name_the_input_line(tmp_path: Path) -> None:
    """migrate runs ``cib convert --to current``: the notes for cluster options current
    Pacemaker ignores (and the fencing-off safety note) name the input CIB's line, not
    ``cib.xml:0`` (the 1.0 step renames the nvpairs' ids)."""
    roots = _cluster(tmp_path / "in", "bcast", ["n1", "n2"], False)
    cib = tmp_path / "cib.xml"
    cib.write_text(
        '<cib admin_epoch="0" epoch="1" num_updates="0">\n<configuration>\n<crm_config>\n'
        '<cluster_property_set id="cps"><attributes>\n'
        '<nvpair id="o1" name="stonith_enabled" value="false"/>\n'
        '<nvpair id="o2" name="short-resource-names" value="true"/>\n'
        "</attributes></cluster_property_set>\n</crm_config>\n"
        '<nodes><node id="u-1" uname="n1" type="normal"/></nodes>\n'
        "<resources/><constraints/></configuration>\n<status/></cib>\n"
    )
    m = migrate.plan(roots, cib_file=str(cib))
    cib_notes = [n for n in m.notes if n.target == "cib.xml"]
    assert cib_notes and not [n.source for n in cib_notes if n.source.endswith(":0")]
    (ignored,) = [n for n in cib_notes if "short-resource-names" in n.what]
    (safety,) = [n for n in cib_notes if n.why == "safety"]
    assert ignored.source.endswith(":6") and safety.source.endswith(":5")
