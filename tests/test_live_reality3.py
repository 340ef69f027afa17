"""Configuration against reality, third round: captured state that was not read
before (IET's /proc/net/iet, ``iscsiadm -m node``, ``xl list -l``'s JSON, ``virsh
list``), and ``xencfg diff`` / ``xencfg migrate`` over a supportconfig, whose
configuration files are sections of its .txt files. The capture texts are ours, in
the shapes the tools print (the source line behind each shape is named where it is
built); the trees are examples/storage-tier's (test_live_reality's builders)."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from test_live_reality import (
    EXAMPLE,
    NODES,
    build,
    build_scc,
    scc_verdicts,
    section,
    verdicts,
)
from xencfg import ParseError, lint, live, nodediff
from xencfg.migrate import run as migrate_run

SCC = ROOT / "examples" / "supportconfig"


# -- item 6: diff and migrate read a supportconfig's configuration sections ------------


def test_diff_reads_supportconfig_configuration_sections() -> None:
    """Each configuration section is compared as the file it logs (its path on the
    node), not reported as 'cannot read' (its path is not on this machine); the
    captured state (xm list, ip addr, crm_mon) is not configuration and is left to
    lint's drift rules."""
    d = nodediff.diff_nodes(str(SCC / "scc_alpha_261128_0900"), str(SCC / "scc_beta_261128_0900"))
    assert [f.error for f in d.files if f.error] == []
    paths = {f.path for f in d.files}
    assert {"etc/ha.d/ha.cf", "etc/drbd.conf", "var/lib/heartbeat/crm/cib.xml"} <= paths
    assert not any(p.endswith(".txt") for p in paths)  # no command section
    assert not d.differs  # the two nodes' files differ only by their own names


def test_diff_of_supportconfigs_finds_a_real_difference(tmp_path: Path) -> None:
    roots = build_scc(tmp_path, {})
    mp = roots[1] / "mpio.txt"
    text = mp.read_text()
    assert "alias\tweb" in text  # (multipath.conf is logged in mpio.txt)
    mp.write_text(text.replace("alias\tweb", "alias\twww"))
    d = nodediff.diff_nodes(str(roots[0]), str(roots[1]))
    changed = [(f.path, c.path, c.a, c.b) for f in d.files for c in f.changes]
    assert any(p == "etc/multipath.conf" and a == "web" and b == "www" for p, _, a, b in changed), (
        changed
    )


def test_migrate_reads_supportconfig_configuration_sections() -> None:
    m = migrate_run.plan([str(SCC / "scc_alpha_261128_0900"), str(SCC / "scc_beta_261128_0900")])
    said = [n.what for n in m.notes]
    assert not [w for w in said if "cannot read" in w], said
    written = {(o.node, o.path) for o in m.outputs}
    assert ("alpha", "etc/corosync/corosync.conf") in written
    assert ("beta", "etc/xen/domains/web") in written  # the xm config, now xl syntax
    assert any(o.path == "cib.xml" for o in m.outputs)


def test_migrate_names_a_broken_section_at_its_supportconfig_line(tmp_path: Path) -> None:
    root = tmp_path / "scc_alpha_261128_0900"
    root.mkdir()
    (root / "basic-environment.txt").write_text(
        section("Command", "/bin/uname -a", "Linux alpha 2.6.16.60-0.21-xen\n")
    )
    drbd = "resource r0 {\n  protocol C;\n  on alpha {\n    device /dev/drbd0\n"
    text = section("Command", "/bin/cat /proc/drbd", "version: 8.3.11\n") + section(
        "Configuration File", "/etc/drbd.conf", drbd
    )
    (root / "drbd.txt").write_text(text)
    m = migrate_run.plan([str(root)], only=("drbd",))
    notes = [n for n in m.notes if n.what.startswith("not rewritten")]
    assert len(notes) == 1, m.notes
    # the section starts at line 7 of drbd.txt: its error is at drbd.txt's line
    lines = text.split("\n")
    first = lines.index("resource r0 {") + 1
    assert "drbd.txt#etc_drbd.conf:" in notes[0].what
    line = int(notes[0].what.split("drbd.txt#etc_drbd.conf:")[1].split(":")[0])
    assert line >= first + 3, (line, first)


# -- item 1: IET's target side, /proc/net/iet/volume and /proc/net/iet/session ---------

SAN_LUNS = {
    "san1": {"san1.pool": "/dev/vg0/pool", "san1.web": "/dev/vg0/web"},
    "san2": {"san2.db": "/dev/vg0/db"},
}
IQN = "iqn.2026-11.net.example:"
VOLUME, SESSION = "proc/net/iet/volume", "proc/net/iet/session"


def iet_volume(targets: dict[str, str | None], old: bool = False) -> str:
    """/proc/net/iet/volume: ``tid:%u name:%s`` (kernel/config.c iet_info_show), then
    per LUN ``\\tlun:%u state:%x iotype:%s`` with ``iomode:%s`` and 1.4.20's ``blocks:
    blocksize:`` (kernel/volume.c iet_volume_info_show), then `` path:%s\\n``
    (block-io.c blockio_show); IET 0.4's line stops after the iotype (``old``)."""
    out = []
    for tid, (name, path) in enumerate(targets.items(), 1):
        out.append(f"tid:{tid} name:{IQN}{name}")
        if path is not None:
            mode = "" if old else " iomode:wt blocks:20971520 blocksize:512"
            out.append(f"\tlun:0 state:0 iotype:blockio{mode} path:{path}")
    return "\n".join(out) + "\n"


def iet_session(targets: dict[str, list[tuple[str, str]]]) -> str:
    """/proc/net/iet/session: ``tid:%u name:%s``, per session ``\\tsid:%llu
    initiator:%s`` (kernel/session.c iet_session_info_show), per connection
    ``\\t\\tcid:%u ip:%s state:%s hd:%s dd:%s`` (kernel/conn.c conn_info_show)."""
    out = []
    for tid, (name, who) in enumerate(targets.items(), 1):
        out.append(f"tid:{tid} name:{IQN}{name}")
        for k, (node, ip) in enumerate(who):
            out.append(f"\tsid:{281475110928896 + k * 65536} initiator:{IQN}{node}")
            out.append(f"\t\tcid:0 ip:{ip} state:active hd:none dd:none")
    return "\n".join(out) + "\n"


def logged_in(box: str) -> dict[str, list[tuple[str, str]]]:
    return {t: [(n, f"10.0.2.{n[-1]}") for n in ("xen1", "xen2", "xen3")] for t in SAN_LUNS[box]}


def target_state(**changes: str) -> dict[tuple[str, str], str]:
    """The target boxes' captures as a running, agreeing pair would show them."""
    out = {}
    for box, luns in SAN_LUNS.items():
        out[(box, VOLUME)] = iet_volume(dict(luns))
        out[(box, SESSION)] = iet_session(logged_in(box))
    for key, text in changes.items():
        box, kind = key.split("_")
        out[(box, VOLUME if kind == "volume" else SESSION)] = text
    return out


def ls(roots: list[Path], prefix: str = "LS02") -> list[tuple[str, str, int, str]]:
    return [v for v in verdicts(roots) if v[0].startswith(prefix)]


def test_iet_agreeing_target_boxes_are_clean(tmp_path: Path) -> None:
    assert verdicts(build(tmp_path, target_state())) == []


def test_iet_old_volume_lines_read_the_same(tmp_path: Path) -> None:
    """IET 0.4's volume lines (no iomode, no blocks) give the same model."""
    old = iet_volume(dict(SAN_LUNS["san1"]), old=True)
    assert verdicts(build(tmp_path, target_state(san1_volume=old))) == []


def test_ls024_lun_not_exported(tmp_path: Path) -> None:
    """The web LV was not there when ietd started: the target runs without LUN 0."""
    text = iet_volume({"san1.pool": "/dev/vg0/pool", "san1.web": None})
    got = ls(build(tmp_path, target_state(san1_volume=text)))
    assert [(c, w, line) for c, w, line, _ in got] == [("LS024", "san1/ietd.conf", 12)]
    assert "LUN 0 of iqn.2026-11.net.example:san1.web" in got[0][3]


def test_ls024_target_not_exported_and_path_drift(tmp_path: Path) -> None:
    text = iet_volume({"san1.pool": "/dev/vg1/pool"})  # web missing, pool elsewhere
    got = ls(build(tmp_path, target_state(san1_volume=text)))
    assert [(c, w, line) for c, w, line, _ in got] == [
        ("LS024", "san1/ietd.conf", 6),
        ("LS024", "san1/ietd.conf", 8),
    ]
    assert "runs from /dev/vg1/pool" in got[0][3]
    assert "does not export it" in got[1][3]


def test_ls024_not_judged_where_ietd_serves_nothing(tmp_path: Path) -> None:
    """The module loaded, no target: ietd is stopped (the passive box of a pair)."""
    assert ls(build(tmp_path, target_state(san1_volume=""))) == []


def test_ls025_target_made_by_hand(tmp_path: Path) -> None:
    luns = {**SAN_LUNS["san2"], "san2.tmp": "/dev/vg0/tmp"}
    got = ls(build(tmp_path, target_state(san2_volume=iet_volume(luns))))
    assert [(c, w, line) for c, w, line, _ in got] == [("LS025", "san2/volume", 3)]
    assert "san2.tmp (tid 2)" in got[0][3]


def test_ls026_session_the_allow_list_refuses(tmp_path: Path) -> None:
    """xen3 logged in to san1.web from 10.0.2.9, an address the list does not admit."""
    who = logged_in("san1")
    who["san1.web"] = [("xen1", "10.0.2.1"), ("xen3", "10.0.2.9")]
    got = ls(build(tmp_path, target_state(san1_session=iet_session(who))))
    assert [(c, w, line) for c, w, line, _ in got] == [("LS026", "san1/session", 11)]
    assert "iqn.2026-11.net.example:xen3 is logged in" in got[0][3]


def test_ls026_an_allow_line_by_initiator_name_admits(tmp_path: Path) -> None:
    roots = build(tmp_path, {})
    allow = roots[3] / "etc" / "initiators.allow"
    allow.write_text(
        allow.read_text().replace(
            "10.0.2.1, 10.0.2.2, 10.0.2.3", r"iqn\.2026-11\.net\.example:xen.*"
        )
    )
    who = {t: [(n, "10.9.9.9") for n in ("xen1", "xen2")] for t in SAN_LUNS["san1"]}
    (roots[3] / SESSION).parent.mkdir(parents=True, exist_ok=True)
    (roots[3] / SESSION).write_text(iet_session(who))
    assert [v for v in ls(roots) if v[0] == "LS026"] == []


def test_iet_proc_in_a_supportconfig(tmp_path: Path) -> None:
    """fs-iscsi.txt logs IET's two files as configuration sections (``conf_files $OF
    /etc/ietd.conf /proc/net/iet/volume /proc/net/iet/session``): read there, at the
    file's lines. LS026 is not judged (supportconfig logs no initiators.allow)."""
    roots = build_scc(tmp_path, {})
    san1 = next(r for r in roots if "san1" in r.name)
    who = logged_in("san1")
    who["san1.web"] = [("xen3", "10.0.2.9")]
    volume = iet_volume({"san1.pool": "/dev/vg0/pool", "san1.web": None})
    with (san1 / "fs-iscsi.txt").open("a") as f:
        f.write(section("Configuration File", "/proc/net/iet/volume", volume))
        f.write(section("Configuration File", "/proc/net/iet/session", iet_session(who)))
    result = lint.run([str(r) for r in roots])
    got = [(f.code, Path(f.path).name) for f in result.findings]
    assert got == [("LS024", "fs-iscsi.txt#etc_ietd.conf")], got


def test_iet_proc_in_our_capture_layout(tmp_path: Path) -> None:
    """``xencfg capture`` keeps ``cat /proc/net/iet/volume`` as iet_volume.txt."""
    names = {c.name: c for c in live.COMMANDS}
    assert names["iet_volume"].argvs == (("cat", "/proc/net/iet/volume"),)
    state = tmp_path / "san1" / live.STATE_DIR
    state.mkdir(parents=True)
    (state / "iet_volume.txt").write_text(iet_volume({"san1.pool": "/dev/vg0/pool"}))
    found = list(live.state_files(tmp_path / "san1", "san1"))
    assert [(f.display, f.format) for f in found] == [
        (f"san1/{live.STATE_DIR}/iet_volume.txt", "iet-proc")
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "said"),
    [
        ("\tlun:0 state:0 iotype:fileio path:/x\n", 1, 2, "before any 'tid:N name:IQN'"),
        (
            "tid:1 name:iqn.2026-11.x:y\n\t\tcid:0 ip:10.0.0.1 state:active hd:none dd:none\n",
            2,
            3,
            "before its session's 'sid:'",
        ),
    ],
)
def test_iet_proc_bad_input_is_located(text: str, line: int, column: int, said: str) -> None:
    with pytest.raises(ParseError) as err:
        xencfg.loads(text, "iet-proc", path="volume")
    assert (err.value.line, err.value.column) == (line, column)
    assert said in err.value.message


def test_iet_proc_model() -> None:
    doc = xencfg.loads(iet_session(logged_in("san2")), "iet-proc")
    assert doc.kind == "session"
    [t] = doc.targets
    assert (t.tid, t.name) == (1, IQN + "san2.db")
    first = t.sessions[0]
    assert (first.initiator, [c.address for c in first.connections]) == (
        IQN + "xen1",
        ["10.0.2.1"],
    )
    v = xencfg.loads(
        "tid:1 name:iqn.x:y\n\tlun:3 state:0 iotype:fileio path:/srv/a b.img\n", "iet-proc"
    )
    assert (v.kind, v.targets[0].volumes[0].lun, v.targets[0].volumes[0].path) == (
        "volume",
        3,
        "/srv/a b.img",
    )
    assert xencfg.dumps(v) == v.source


# -- item 5: xl list -l's JSON, virsh list, and domUs without a config ------------------


def xl_list_json(domains: dict[str, int], array: bool = True) -> str:
    """``xl list -l`` of Xen 4.2 and later: per domain ``{"domid": N, "config":
    <libxl_domain_config as JSON>}`` (xl printf_info_one_json; c_info.name, b_info's
    max_vcpus and target_memkb); one array from 4.5 (list_domains_details'
    yajl_gen_array_open), one object after another before."""
    objs = [
        "{\n"
        f'    "domid": {did},\n'
        '    "config": {\n'
        f'        "c_info": {{"type": "pv", "name": "{name}"}},\n'
        '        "b_info": {"max_vcpus": 1, "target_memkb": 524288}\n'
        "    }\n"
        "}"
        for name, did in domains.items()
    ]
    return ("[\n" + ",\n".join(objs) + "\n]\n") if array else "\n".join(objs) + "\n"


def virsh_list(running: dict[str, int], defined: tuple[str, ...] = ()) -> str:
    """``virsh list --all`` (libvirt virsh-domain-monitor.c cmdList: `` %-5s %-30s %s``
    under `` Id    Name    State`` and a dashed line; ``-`` for a guest not running)."""
    out = [" Id    Name                           State", "-" * 52]
    out.append(f" {0:<5} {'Domain-0':<30} running")
    out += [f" {did:<5} {name:<30} idle" for name, did in running.items()]
    out += [f" {'-':<5} {name:<30} shut off" for name in defined]
    return "\n".join(out) + "\n"


def test_xl_list_json_and_virsh_read_as_the_table() -> None:
    for text in (xl_list_json({"web": 3, "db": 4}), xl_list_json({"web": 3, "db": 4}, False)):
        doc = xencfg.loads(text, "xl-list")
        assert [(d.name, d.id, d.memory, d.vcpus) for d in doc.domus] == [
            ("web", 3, 512, 1),
            ("db", 4, 512, 1),
        ]
        assert [d.line for d in doc.domains] == [2, 9] if text.startswith("[") else [1, 8]
    doc = xencfg.loads(virsh_list({"web": 3}, ("mail",)), "xl-list")
    assert [(d.name, d.id, d.state) for d in doc.domains] == [
        ("Domain-0", 0, "r-----"),
        ("web", 3, "-b----"),
        ("mail", None, "------"),
    ]
    assert [d.name for d in doc.domus] == ["web"]  # mail is only defined


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ('[\n  {"domid": 1, "config": {"b_info": {}}}\n]\n', 2, "without config.c_info.name"),
        ('[\n  {"domid": 1, "config": {"c_info": {"name": "a"}}},\n  oops\n]\n', 3, "not xl's"),
        ("[\n", 2, "not closed"),
        (" Id Name State\n---\n 1 web sleeping\n", 3, "a known virsh state"),
    ],
)
def test_xl_list_json_and_virsh_bad_input_is_located(text: str, line: int, said: str) -> None:
    with pytest.raises(ParseError) as err:
        xencfg.loads(text, "xl-list", path="xl_list")
    assert err.value.line == line and said in err.value.message


WHERE_RUNNING = {"xen1": {"web": 3}, "xen2": {"mail": 3}, "xen3": {"db": 3}}
XM = "xen/xm_list"


@pytest.mark.parametrize("form", ["json", "virsh"])
def test_the_new_forms_agree_with_the_example(tmp_path: Path, form: str) -> None:
    """The storage-tier cluster with xm list replaced by xl list -l's JSON, or with
    virsh list beside it (sos's virsh plugin): clean."""
    changes = {}
    for node, doms in WHERE_RUNNING.items():
        if form == "json":
            changes[(node, XM)] = xl_list_json({"Domain-0": 0, **doms})
        else:
            changes[(node, "virsh/virsh_-r_list_--all")] = virsh_list(doms, ("spare",))
    assert verdicts(build(tmp_path, changes)) == []


def test_ls027_domain_without_config(tmp_path: Path) -> None:
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    got = [v for v in verdicts(roots) if v[0] == "LS027"]
    assert [(c, w, line) for c, w, line, _ in got] == [("LS027", "xen2/virsh_-r_list_--all", 5)]
    assert "domU 'test' runs on xen2" in got[0][3]


def test_ls027_not_judged_without_whole_domu_configs(tmp_path: Path) -> None:
    """A supportconfig logs some domU configs only (here web and db, not mail): the
    domain without a logged config is not judged."""
    roots = build_scc(tmp_path, {})
    assert [v for v in scc_verdicts(roots) if v[0] == "LS027"] == []
    xen2 = next(r for r in roots if "xen2" in r.name)
    assert "mail" in (xen2 / "xen.txt").read_text()  # it runs there, unlogged


# -- item 2: open-iscsi's node records, ``iscsiadm -m node`` ----------------------------

PORTALS = {"san1.pool": "10.0.2.11", "san1.web": "10.0.2.11", "san2.db": "10.0.2.12"}
NODE_P1 = "iscsi/iscsiadm_-m_node_-P_1"


def node_p1(records: dict[str, list[str]]) -> str:
    """``iscsiadm -m node -P 1`` (open-iscsi idbm.c idbm_print_node_tree: ``Target:
    %s``, ``\\tPortal: %s:%d,%d``; idbm_print_node_and_iface_tree: ``\\t\\tIface Name:
    %s``)."""
    out = []
    for target, portals in records.items():
        out.append(f"Target: {IQN}{target}")
        for p in portals:
            out += [f"\tPortal: {p}:3260,1", "\t\tIface Name: default"]
    return "\n".join(out) + "\n"


def node_show(target: str, address: str, startup: str) -> str:
    """``iscsiadm -m node -o show`` (idbm_print: ``# BEGIN RECORD %s``, ``%s = %s`` per
    key, ``# END RECORD``), shortened to the keys that matter here."""
    return (
        "# BEGIN RECORD 2.0-873\n"
        f"node.name = {IQN}{target}\n"
        "node.tpgt = 1\n"
        f"node.startup = {startup}\n"
        "iface.iscsi_ifacename = default\n"
        "node.session.auth.authmethod = CHAP\n"
        "node.session.auth.username = xen2\n"
        "node.session.auth.password = bY7hUe3nC9xQ2rTb\n"
        f"node.conn[0].address = {address}\n"
        "node.conn[0].port = 3260\n"
        "# END RECORD\n"
    )


def records_state(**extra: list[str]) -> dict[tuple[str, str], str]:
    base = {t: [p] for t, p in PORTALS.items()}
    for t, ps in extra.items():
        base.setdefault(t.replace("_", "."), []).extend(ps)
    return {(n, NODE_P1): node_p1(base) for n in ("xen1", "xen2", "xen3")}


def test_node_records_agreeing_are_clean(tmp_path: Path) -> None:
    assert verdicts(build(tmp_path, records_state())) == []


def test_ls028_record_of_a_retired_target(tmp_path: Path) -> None:
    changes = records_state(san1_old=["10.0.2.11"])
    got = [v for v in verdicts(build(tmp_path, changes)) if v[0] == "LS028"]
    assert [(c, w, line) for c, w, line, _ in got] == [
        ("LS028", f"{n}/iscsiadm_-m_node_-P_1", 11) for n in ("xen1", "xen2", "xen3")
    ]
    assert "node record for iqn.2026-11.net.example:san1.old at 10.0.2.11" in got[0][3]


def test_ls028_a_manual_record_logs_in_only_when_asked(tmp_path: Path) -> None:
    show = "iscsi/iscsiadm_-m_node_--op_show"
    manual = {("xen2", show): node_show("san1.old", "10.0.2.11", "manual")}
    assert [v for v in verdicts(build(tmp_path, manual)) if v[0] == "LS028"] == []
    auto = {("xen2", show): node_show("san1.old", "10.0.2.11", "automatic")}
    got = [v for v in verdicts(build(tmp_path / "auto", auto)) if v[0] == "LS028"]
    assert [(c, w, line) for c, w, line, _ in got] == [
        ("LS028", "xen2/iscsiadm_-m_node_--op_show", 1)
    ]


def test_ls029_record_at_an_address_no_exporting_box_holds(tmp_path: Path) -> None:
    changes = records_state(san1_web=["10.0.9.99"])
    got = [v for v in verdicts(build(tmp_path, changes)) if v[0] == "LS029"]
    assert [(c, w, line) for c, w, line, _ in got] == [
        ("LS029", f"{n}/iscsiadm_-m_node_-P_1", 7) for n in ("xen1", "xen2", "xen3")
    ]
    assert "points at 10.0.9.99, which san1" in got[0][3]


def test_ls029_not_judged_without_the_boxes_addresses(tmp_path: Path) -> None:
    roots = build(tmp_path, records_state(san1_web=["10.0.9.99"]))
    (roots[3] / "sos_commands" / "networking" / "ip_-o_addr").unlink()  # san1's
    assert [v for v in verdicts(roots) if v[0] == "LS029"] == []


def test_node_record_forms_and_secrets() -> None:
    flat = f"10.0.2.11:3260,1 {IQN}san1.pool\n[fd00:2::11]:3260,1 {IQN}san1.web\n"
    doc = xencfg.loads(flat, "iscsi-node")
    assert [(r.target[len(IQN) :], r.address, r.port, r.tpgt) for r in doc.records] == [
        ("san1.pool", "10.0.2.11", 3260, 1),
        ("san1.web", "fd00:2::11", 3260, 1),
    ]
    shown = xencfg.loads(node_show("san1.web", "10.0.2.11", "automatic"), "iscsi-node")
    [r] = shown.records
    assert (r.startup, r.iface) == ("automatic", "default")
    assert "bY7hUe3nC9xQ2rTb" in shown.secrets()
    assert "bY7hUe3nC9xQ2rTb" not in str(shown.to_dict())
    empty = xencfg.loads("iscsiadm: No records found\n", "iscsi-node")
    assert empty.records == []


@pytest.mark.parametrize(
    ("text", "line", "column", "said"),
    [
        ("\tPortal: 10.0.2.11:3260,1\n", 1, 2, "before any 'Target:'"),
        ("node.name = x\n# BEGIN RECORD 2.0-873\n# END RECORD\n", 1, 1, "before '# BEGIN"),
        ("# BEGIN RECORD 2.0-873\nnode.tpgt = 1\n# END RECORD\n", 1, 1, "without node.name"),
    ],
)
def test_node_records_bad_input_is_located(text: str, line: int, column: int, said: str) -> None:
    with pytest.raises(ParseError) as err:
        xencfg.loads(text, "iscsi-node", path="nodes")
    assert (err.value.line, err.value.column) == (line, column)
    assert said in err.value.message


def test_node_records_in_a_supportconfig(tmp_path: Path) -> None:
    roots = build_scc(tmp_path, {})
    xen2 = next(r for r in roots if "xen2" in r.name)
    with (xen2 / "fs-iscsi.txt").open("a") as f:
        f.write(section("Command", "/sbin/iscsiadm -m node", f"10.0.2.11:3260,1 {IQN}san1.old\n"))
    got = [(c, w) for c, w, _ in scc_verdicts(roots)]
    assert got == [("LS028", "xen2/fs-iscsi.txt#sbin_iscsiadm_-m_node")]


def test_migrate_does_not_open_a_supportconfig_target_to_everyone(tmp_path: Path) -> None:
    """supportconfig logs ietd.conf, never initiators.allow (fs-iscsi.txt): converted
    without it, LIO would admit any initiator (generate_node_acls=1) where IET admitted
    three. No LIO config is written; a TODO says why."""
    roots = build_scc(tmp_path, {})
    san1 = next(r for r in roots if "san1" in r.name)
    m = migrate_run.plan([str(san1)], only=("iscsi",))
    assert not [o for o in m.outputs if o.path.startswith("etc/target/")]
    [todo] = [n for n in m.notes if "not converted to LIO" in n.what]
    assert todo.kind == "manual" and "fs-iscsi.txt#etc_ietd.conf" in todo.source
    # the node's own tree (with its initiators.allow) converts as before
    own = migrate_run.plan([str(EXAMPLE / "san1")], only=("iscsi",))
    assert [o.path for o in own.outputs if o.path.startswith("etc/target/")]


def test_migrate_report_lines_are_the_supportconfig_files() -> None:
    """A report line names the line of xen.txt the admin has, not of the section."""
    alpha = SCC / "scc_alpha_261128_0900"
    m = migrate_run.plan([str(alpha), str(SCC / "scc_beta_261128_0900")], only=("xen",))
    [note] = [
        n for n in m.notes if n.source.startswith("alpha:") and "xend-relocation-port" in n.what
    ]
    line = int(note.source.rsplit(":", 1)[1])
    text = (alpha / "xen.txt").read_text().split("\n")
    assert "xend-relocation-port" in text[line - 1], (line, text[line - 1])


# -- item 3: DRBD 8's drbd-overview -----------------------------------------------------

OVERVIEW = "drbd/drbd-overview"


def drbd_overview(cs: str, ro: str, ds: str, flags: str = "r-----") -> str:
    """drbd-overview.pl of DRBD 8: ``%3u:%s`` (minor:resource), then /proc/drbd's
    words without ``cs:``/``ro:``/``ds:``, columns padded, then what uses the device
    (here a domU: ``xen-vbd: *NAME``, ``*`` running)."""
    return f"  0:mail  {cs} {ro} {ds} C {flags} xen-vbd: *mail\n"


def overview_state(cs1: str, ro1: str, ds1: str, cs2: str, ro2: str, ds2: str) -> dict:
    """drbd-overview in place of /proc/drbd on xen1 and xen2 (the build writes
    /proc/drbd for both: an empty /proc/drbd would read as 'no module')."""
    return {
        ("xen1", OVERVIEW): drbd_overview(cs1, ro1, ds1),
        ("xen2", OVERVIEW): drbd_overview(cs2, ro2, ds2),
    }


def test_drbd_overview_agreeing_is_clean(tmp_path: Path) -> None:
    changes = overview_state(
        "Connected", "Secondary/Primary", "UpToDate/UpToDate",
        "Connected", "Primary/Secondary", "UpToDate/UpToDate",
    )  # fmt: skip
    assert verdicts(build(tmp_path, changes)) == []


def test_drbd_overview_split_brain(tmp_path: Path) -> None:
    """drbd-overview is read before /proc/drbd (as drbdadm status is): its StandAlone
    is LS003's, at its line."""
    changes = overview_state(
        "StandAlone", "Secondary/Unknown", "UpToDate/DUnknown",
        "StandAlone", "Primary/Unknown", "UpToDate/DUnknown",
    )  # fmt: skip
    got = [(c, w, line) for c, w, line, _ in verdicts(build(tmp_path, changes))]
    assert got == [("LS003", "xen1/drbd-overview", 1), ("LS003", "xen2/drbd-overview", 1)]


def test_drbd_overview_models() -> None:
    text = (
        "  0:web/0  Connected Primary/Secondary UpToDate/UpToDate C r----- /srv ext3 9.9G\n"
        "  1:db/0   SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C s-----\n"
        "\t[==>.................] sync'ed: 15.3% (8680/10236)M\n"
        "  2:r2     Unconfigured . . . .\n"
    )
    doc = xencfg.loads(text, "drbd-status")
    got = [
        (r.name, r.role, r.suspended, r.disks, r.connections[0].state, r.connections[0].peer_role)
        for r in doc.resources
    ]
    assert got == [
        ("web", "Primary", None, ["UpToDate"], "Connected", "Secondary"),
        ("db", "Primary", "yes", ["UpToDate"], "SyncSource", "Secondary"),
    ]
    assert doc.unparsed == []
    # drbd-utils 9's drbd-overview abbreviates its states: not read, not judged
    nine = xencfg.loads(" 0:r0/0  Connected(2*) Primar/Second UpToDa/UpToDa\n", "drbd-status")
    assert nine.resources == [] and len(nine.unparsed) == 1


# -- item 4: pcs status / crm status, crm_mon's text inside ------------------------------


def pcs_status(failed: str = "") -> str:
    """``pcs status --full`` of pcs 0.9 / Pacemaker 1.1 (pcs status.py: ``Cluster name:``,
    then crm_mon's text, then ``PCSD Status:`` and ``Daemon Status:``)."""
    out = ["Cluster name: xencluster", "Stack: corosync"]
    out += ["Current DC: xen1 (version 1.1.23) - partition with quorum", ""]
    out += ["3 nodes configured", "4 resource instances configured", ""]
    out += ["Online: [ xen1 xen2 xen3 ]", "", "Full list of resources:", ""]
    out += [" Clone Set: pool-clone [pool]", "     Started: [ xen1 xen2 xen3 ]"]
    for rsc, (on, _) in (
        ("vm-web", ("xen1", "web")),
        ("vm-mail", ("xen2", "mail")),
        ("vm-db", ("xen3", "db")),
    ):
        state = f"FAILED {on}" if rsc == failed else f"Started {on}"
        out.append(f" {rsc}\t(ocf::heartbeat:Xen):\t{state}")
    out += ["", "PCSD Status:", "  xen1: Online", "  xen2: Online", "  xen3: Online", ""]
    out += ["Daemon Status:", "  corosync: active/enabled", "  pacemaker: active/enabled"]
    return "\n".join(out) + "\n"


def _pcs_only(tmp: Path, failed: str = "") -> list[Path]:
    roots = build(tmp, {("xen1", "pacemaker/pcs_status_--full"): pcs_status(failed)})
    for r in roots:  # sos without the crm_mon text: pcs status is the one read
        crm = r / "sos_commands" / "pacemaker" / "crm_mon_-1_-A_-n_-r_-t"
        if crm.exists():
            crm.unlink()
    return roots


def test_pcs_status_is_read_where_sos_has_no_crm_mon(tmp_path: Path) -> None:
    assert [v for v in verdicts(_pcs_only(tmp_path)) if v[0].startswith("LS")] == []
    got = [(c, w) for c, w, _, _ in verdicts(_pcs_only(tmp_path / "f", "vm-db"))]
    assert ("LS016", "xen1/pcs_status_--full") in got


def test_pcs_status_is_not_read_beside_crm_mon(tmp_path: Path) -> None:
    """crm_mon's own text is there: pcs status (the same state again) is not read."""
    roots = build(tmp_path, {("xen1", "pacemaker/pcs_status_--full"): pcs_status("vm-db")})
    assert [v for v in verdicts(roots) if v[1].endswith("pcs_status_--full")] == []


def test_ls025_lun_added_by_hand(tmp_path: Path) -> None:
    """``ietadm --op new --tid=1 --lun=1 --params Path=...``: LUN 1 of san2.db runs,
    san2's ietd.conf has LUN 0 only."""
    text = iet_volume(dict(SAN_LUNS["san2"])) + (
        "\tlun:1 state:0 iotype:fileio iomode:wt blocks:2097152 blocksize:512"
        " path:/srv/scratch.img\n"
    )
    got = ls(build(tmp_path, target_state(san2_volume=text)))
    assert [(c, w, line) for c, w, line, _ in got] == [("LS025", "san2/volume", 3)]
    assert "LUN 1 of iqn.2026-11.net.example:san2.db (/srv/scratch.img)" in got[0][3]


def test_ls024_ls025_leave_the_crm_s_targets_alone(tmp_path: Path) -> None:
    """A CIB ``iSCSITarget`` resource creates its target where the cluster starts it
    (the agent's ``ietadm --op new``): neither its absence from /proc/net/iet nor its
    presence there without an ietd.conf line is drift of ietd.conf."""
    text = iet_volume({"san1.pool": "/dev/vg0/pool", "san1.extra": "/dev/vg0/extra"})
    roots = build(tmp_path, target_state(san1_volume=text))
    assert {v[0] for v in ls(roots)} == {"LS024", "LS025"}  # web missing, extra by hand
    primitive = (
        '      <primitive id="tgt" class="ocf" provider="heartbeat" type="iSCSITarget">\n'
        '        <instance_attributes id="tgt-params">\n'
        f'          <nvpair id="tgt-iqn" name="iqn" value="{IQN}{{}}"/>\n'
        "        </instance_attributes>\n"
        "      </primitive>\n"
    )
    for node in ("xen1", "xen2", "xen3"):
        cib = roots[NODES.index(node)] / "var/lib/heartbeat/crm/cib.xml"
        body = cib.read_text()
        at = body.index('      <primitive id="vm-web"')
        extra = primitive.format("san1.web") + primitive.replace("tgt", "tgx").format("san1.extra")
        cib.write_text(body[:at] + extra + body[at:])
    assert [v for v in ls(roots) if v[0] in ("LS024", "LS025")] == []


def test_ls027_not_judged_beside_a_computed_name(tmp_path: Path) -> None:
    """An xm config is Python: ``name = "test" + suffix`` may be the running domain."""
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    (roots[NODES.index("xen2")] / "etc/xen/vm/computed").write_text(
        'suffix = ""\nname = "test" + suffix\nmemory = 256\nkernel = "/boot/vmlinuz-xen"\n'
    )
    assert [v for v in verdicts(roots) if v[0] == "LS027"] == []
