"""Configuration against reality, third round: captured state that was not read
before (IET's /proc/net/iet, ``iscsiadm -m node``, ``xl list -l``'s JSON, ``virsh
list``), and ``xencfg diff`` / ``xencfg migrate`` over a supportconfig, whose
configuration files are sections of its .txt files. The capture texts are ours, in
the shapes the tools print (the source line behind each shape is named where it is
built); the trees are examples/storage-tier's (test_live_reality's builders)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from test_live_reality import build_scc, section
from xencfg import nodediff
from xencfg.migrate import run as migrate_run

SCC = ROOT / "examples" / "supportconfig"


# -- item 6: diff and migrate read a supportconfig's configuration sections ------------


def test_diff_reads_supportconfig_configuration_sections() -> None:
    """Each configuration section is compared as the file it logs (its path on the
    node), not reported as 'cannot read' (its path is not on this machine); the
    captured state (xm list, ip addr, crm_mon) is not configuration and is left to
    lint's drift rules."""
    d = nodediff.diff_nodes(
        str(SCC / "scc_alpha_261128_0900"), str(SCC / "scc_beta_261128_0900")
    )
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
    assert any(
        p == "etc/multipath.conf" and a == "web" and b == "www" for p, _, a, b in changed
    ), changed


def test_migrate_reads_supportconfig_configuration_sections() -> None:
    m = migrate_run.plan(
        [str(SCC / "scc_alpha_261128_0900"), str(SCC / "scc_beta_261128_0900")]
    )
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
