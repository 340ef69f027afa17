"""``xencfg lint --diff`` and ``--fix`` (issue 19): the safe, mechanical fixes only, shown
before they are made, written atomically, and linted again."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import xencfg
from xencfg import lint
from xencfg.cli import main
from xencfg.lint import fixes

AUTHKEYS = "auth 1\n1 sha1 0123456789abcdef0123456789abcdef\n"
DRBD = (
    "resource r0 {\n"
    "\u00a0 protocol C; # pasted from a web page\n"
    "  on alpha { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788;"
    " meta-disk internal; }\n"
    "  on beta { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788;"
    " meta-disk internal; }\n"
    "}\n"
)


def tree(tmp_path: Path) -> Path:
    etc = tmp_path / "n" / "etc"
    (etc / "ha.d").mkdir(parents=True)
    (etc / "ha.d" / "authkeys").write_text(AUTHKEYS)
    (etc / "ha.d" / "authkeys").chmod(0o644)
    (etc / "drbd.conf").write_text(DRBD)
    return tmp_path / "n"


def test_diff_shows_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tree(tmp_path)
    assert main(["lint", "--diff", str(root)]) == 1
    out = capsys.readouterr().out
    assert "-\u00a0 protocol C; # pasted from a web page\n+  protocol C;" in out
    assert "authkeys: 0644 -> 0600" in out
    assert (root / "etc" / "drbd.conf").read_text() == DRBD
    assert stat.S_IMODE(os.stat(root / "etc" / "ha.d" / "authkeys").st_mode) == 0o644


def test_fix_makes_the_fix_keeps_the_rest_and_lints_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path)
    drbd = root / "etc" / "drbd.conf"
    drbd.chmod(0o640)
    assert main(["lint", str(root)]) == 1
    capsys.readouterr()
    assert main(["lint", "--fix", str(root)]) == 0  # nothing left
    err = capsys.readouterr().err
    assert "fixed DR008" in err and "fixed HB006" in err and "no problems found" in err
    assert drbd.read_text() == DRBD.replace("\u00a0", " ")  # only that character changed
    assert stat.S_IMODE(os.stat(drbd).st_mode) == 0o640  # the mode is kept
    assert stat.S_IMODE(os.stat(root / "etc" / "ha.d" / "authkeys").st_mode) == 0o600
    # the fixed file reads as the same model (nothing but white space changed)
    before = xencfg.loads(DRBD.replace("\u00a0", " "), "drbd").to_dict()
    assert xencfg.load(drbd, "drbd").to_dict() == before
    assert main(["lint", "--diff", str(root)]) == 0  # nothing more to fix


def test_fix_does_not_write_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--fix", "--as", "drbd", "-"]) == 2
    assert "--fix cannot write to standard input" in capsys.readouterr().err


def test_rule_pages_say_which_rules_fix() -> None:
    from conftest import ROOT

    assert "Fixable: `xencfg lint --fix`" in (ROOT / "docs" / "rules" / "HB006.md").read_text()
    assert "Fixable: `xencfg lint --fix`" in (ROOT / "docs" / "rules" / "DR001.md").read_text()
    assert "Fixable" not in (ROOT / "docs" / "rules" / "DR002.md").read_text()


# -- fixes that span both nodes (issue 19) -------------------------------------------

RES = (
    "resource {name} {{\n"
    "  protocol C;   # synchronous\n"
    "  on alpha {{ device /dev/drbd{minor}; disk /dev/vg0/{name};"
    " address 10.0.0.1:{port}; meta-disk internal; }}\n"
    "  on beta {{ device /dev/drbd{minor}; disk /dev/vg0/{name};"
    " address 10.0.0.2:{port}; meta-disk internal; }}\n"
    "}}\n"
)


def two_nodes(tmp_path: Path, files: dict[str, str | dict[str, str]]) -> list[str]:
    roots = []
    for node in ("alpha", "beta"):
        root = tmp_path / node
        for rel, text in {"etc/hostname": node + "\n", **files}.items():
            body = text[node] if isinstance(text, dict) else text
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(body)
        roots.append(str(root))
    return roots


def test_fix_moves_a_reused_drbd_port_in_both_nodes_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DR001 (drbdadm: "conflicting use of address"): the resource that reuses the
    address gets the next port no resource uses, on both hosts, in both nodes' files, and
    nothing else changes (the comment stays)."""
    files: dict[str, str | dict[str, str]] = {
        "etc/drbd.d/db.res": RES.format(name="db", minor=1, port=7788),
        "etc/drbd.d/web.res": RES.format(name="web", minor=0, port=7788),
        "etc/drbd.d/mail.res": RES.format(name="mail", minor=2, port=7790),
        "etc/drbd.conf": 'include "drbd.d/*.res";\n',
    }
    roots = two_nodes(tmp_path, files)
    assert main(["lint", "--select", "DR001", *roots]) == 1
    capsys.readouterr()
    assert main(["lint", "--select", "DR001", "--fix", *roots]) == 0
    err = capsys.readouterr().err
    assert "fixed DR001" in err and "no problems found" in err
    moved = "db" if "'db'" in err else "web"
    for root in roots:
        for name, minor, port in (("db", 1, 7788), ("web", 0, 7788), ("mail", 2, 7790)):
            text = (Path(root) / "etc" / "drbd.d" / f"{name}.res").read_text()
            want = RES.format(name=name, minor=minor, port=7791 if name == moved else port)
            assert text == want
    assert main(["lint", "--select", "DR001,DR009", *roots]) == 0  # the copies still agree


def test_drbd_port_fix_leaves_drbd9_connections_alone(tmp_path: Path) -> None:
    """With DRBD 9 connection paths the addresses are not one decision: no fix."""
    res9 = (
        "resource {name} {{\n"
        "  on alpha {{ device /dev/drbd{minor}; disk /dev/vg0/{name}; address 10.0.0.1:7788;"
        " meta-disk internal; node-id 0; }}\n"
        "  on beta {{ device /dev/drbd{minor}; disk /dev/vg0/{name}; address 10.0.0.2:7788;"
        " meta-disk internal; node-id 1; }}\n"
        "  connection {{ host alpha address 10.0.0.1:7788; host beta address 10.0.0.2:7788; }}\n"
        "}}\n"
    )
    roots = two_nodes(
        tmp_path,
        {
            "etc/drbd.d/a.res": res9.format(name="a", minor=0),
            "etc/drbd.d/b.res": res9.format(name="b", minor=1),
        },
    )
    result = lint.run(roots, select=["DR001"])
    assert result.findings
    assert fixes.plan(result.findings, result.cluster) == []


MP = "multipaths {{\n\tmultipath {{\n\t\twwid  {wwid}\n\t\talias {alias}\n\t}}\n}}\n"
W1, W2 = "3600a0b800026b2820000a1b2c3d4e5f6", "3600a0b800026b2820000f6e5d4c3b2a1"


def test_fix_makes_the_alias_the_domus_use_identical_on_every_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """MP004: beta calls the LUN mpath3, the domU opens /dev/mapper/data: beta gets data."""
    roots = two_nodes(
        tmp_path,
        {
            "etc/multipath.conf": {
                "alpha": MP.format(wwid=W1, alias="data"),
                "beta": "# SAN\n" + MP.format(wwid=W1, alias="mpath3"),
            },
            "etc/xen/vm/web": "name = 'web'\ndisk = ['phy:/dev/mapper/data,xvda,w']\n",
        },
    )
    assert main(["lint", "--select", "MP004", "--diff", *roots]) == 1
    out = capsys.readouterr().out
    assert "-\t\talias mpath3\n+\t\talias data\n" in out and "alpha/etc" not in out
    assert main(["lint", "--select", "MP004", "--fix", *roots]) == 0
    beta = Path(roots[1]) / "etc" / "multipath.conf"
    assert beta.read_text() == "# SAN\n" + MP.format(wwid=W1, alias="data")


@pytest.mark.parametrize(
    ("beta", "domu"),
    [
        # a swap (the mistakes example): which disk is "data" is not for a tool to guess
        (MP.format(wwid=W2, alias="data") + MP.format(wwid=W1, alias="logs"), "data"),
        # nobody uses either name
        (MP.format(wwid=W1, alias="mpath3"), "other"),
    ],
)
def test_alias_fix_leaves_unclear_cases_alone(tmp_path: Path, beta: str, domu: str) -> None:
    alpha = MP.format(wwid=W1, alias="data") + MP.format(wwid=W2, alias="logs")
    roots = two_nodes(
        tmp_path,
        {
            "etc/multipath.conf": {"alpha": alpha, "beta": beta},
            "etc/xen/vm/web": f"name = 'web'\ndisk = ['phy:/dev/mapper/{domu},xvda,w']\n",
        },
    )
    result = lint.run(roots, select=["MP004"])
    assert result.findings
    assert fixes.plan(result.findings, result.cluster) == []


def test_drbdadm_refuses_the_reused_port_and_accepts_the_fix(tmp_path: Path) -> None:
    """drbdadm 8.4's parser (drbd-utils: "conflicting use of IP '...' ...") refuses the
    file before the fix and accepts it after."""
    import subprocess

    from test_drbd_peer import _peer

    peer = _peer()
    conf = RES.format(name="db", minor=1, port=7788) + RES.format(name="web", minor=0, port=7788)
    roots = two_nodes(tmp_path, {"etc/drbd.conf": conf})

    def verdict() -> str:
        path = Path(roots[0]) / "etc" / "drbd.conf"
        cmd = [str(peer), "--mode", "84", "--node", "alpha", "--cmd", "dump", str(path)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        return out.stdout.split("\n", 1)[0]

    assert "conflicting use of IP '10.0.0.1:7788'" in verdict()
    assert main(["lint", "--select", "DR001", "--fix", *roots]) == 0
    assert verdict().startswith("OK"), verdict()


PM_CIB = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="options">
        <nvpair id="o1" name="stonith-enabled" value="true"/>
        <nvpair id="o2" name="symmetric_cluster" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="vm" class="ocf" provider="heartbeat" type="Xen">
        <meta_attributes id="vm-meta">
          <nvpair id="m1" name="allow_migrate" value="true"/>
          <nvpair id="m2" name="target-role" value="Started"/>
        </meta_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""

HB2_CIB = """<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="options"><attributes>
        <nvpair id="o1" name="stonith_enabled" value="true"/>
        <nvpair id="o2" name="symmetric_cluster" value="true"/>
      </attributes></cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="vm" class="ocf" provider="heartbeat" type="Xen">
        <meta_attributes id="vm-meta"><attributes>
          <nvpair id="m1" name="allow_migrate" value="true"/>
          <nvpair id="m2" name="target-role" value="Started"/>
        </attributes></meta_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    ("cib", "renamed"),
    [
        # Pacemaker 1.0 reads resource options only with dashes; crm_config underscores
        # are the deprecated heartbeat 2 alias (options.py)
        (PM_CIB, {"symmetric_cluster": "symmetric-cluster", "allow_migrate": "allow-migrate"}),
        # heartbeat 2's crm.dtd knows target_role only; its crm_config reads both
        (HB2_CIB, {"target-role": "target_role"}),
    ],
)
def test_fix_spells_cib_options_as_the_dialect_reads_them(
    tmp_path: Path, cib: str, renamed: dict[str, str]
) -> None:
    path = tmp_path / "n" / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
    path.parent.mkdir(parents=True)
    (tmp_path / "n" / "etc").mkdir()
    path.write_text(cib)
    root = str(tmp_path / "n")
    assert main(["lint", "--select", "CB010", root]) == 0  # a warning
    result = lint.run([root], select=["CB010"])
    assert [f.code for f in result.findings] == ["CB010"]
    assert main(["lint", "--select", "CB010", "--fix", root]) == 0
    want = cib
    for old, new in renamed.items():
        want = want.replace(f'name="{old}"', f'name="{new}"')
    assert path.read_text() == want  # only those names changed, byte for byte
    assert lint.run([root], select=["CB010"]).findings == []


OLD_MULTIPATH = (
    "defaults {\n"
    '\tdefault_selector "round-robin 0"   # old spelling\n'
    "\tdefault_path_checker tur\n"
    '\tgetuid_callout "/sbin/scsi_id -g -u -s /block/%n"\n'
    "}\n"
    'devnode_blacklist {\n\tdevnode "^sda"\n}\n'
)


def _fixed(tmp_path: Path, name: str, text: str, target: str) -> str:
    etc = tmp_path / "n" / "etc"
    etc.mkdir(parents=True)
    (etc / name).write_text(text)
    assert main(["lint", "--fix", "--exit-zero", "--target", target, str(tmp_path / "n")]) == 0
    return (etc / name).read_text()


def test_fix_renames_deprecated_keywords_the_release_in_force_reads(tmp_path: Path) -> None:
    # multipath-tools 0.9.4 (libmultipath/dict.c) reads path_selector, path_checker and
    # blacklist; the callout is no plain rename (a program vs a udev property): left alone
    out = _fixed(tmp_path, "multipath.conf", OLD_MULTIPATH, "multipath-tools=0.9.4")
    assert out == (
        OLD_MULTIPATH.replace("default_selector", "path_selector")
        .replace("default_path_checker", "path_checker")
        .replace("devnode_blacklist", "blacklist")
    )


def test_fix_renames_nothing_an_older_release_would_not_read(tmp_path: Path) -> None:
    # 0.4.6 reads the default_* spellings, no path_selector yet (renamed in 0.5) and
    # devnode_blacklist, not blacklist (0.4.6 dict.c line 699 is its only blacklist root)
    out = _fixed(tmp_path / "046", "multipath.conf", OLD_MULTIPATH, "multipath-tools=0.4.6")
    assert out == OLD_MULTIPATH
    # 0.4.7 put devnode_blacklist under #if 0 (dict.c line 1340) and reads "blacklist"
    # (line 1331): that one section is renamed, the default_* spellings stay
    out = _fixed(tmp_path / "047", "multipath.conf", OLD_MULTIPATH, "multipath-tools=0.4.7")
    assert out == OLD_MULTIPATH.replace("devnode_blacklist", "blacklist")


def test_fix_renames_drbd_keywords_in_place_but_never_moves_them(tmp_path: Path) -> None:
    # drbdadm 8.4 reads rate/after in disk as old spellings of resync-rate/resync-after
    # (check_and_change_deprecated_alias); syncer's options move sections: not a --fix
    text = (
        "resource r0 {\n  disk { rate 10M; after r1; }\n  syncer { rate 20M; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    out = _fixed(tmp_path, "drbd.conf", text, "drbd=8.4")
    assert out == text.replace(
        "disk { rate 10M; after r1; }", "disk { resync-rate 10M; resync-after r1; }"
    )
