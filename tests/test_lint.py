"""Discovery, the lint engine, reports and the CLI, on trees we build here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.cli import main
from xencfg.discover import discover

GOOD = (
    "defaults {\n\tuser_friendly_names yes\n}\n"
    "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t\talias data\n\t}\n}\n"
)


def node(tmp: Path, name: str, files: dict[str, str]) -> Path:
    root = tmp / name
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def codes(result: lint.LintResult) -> list[tuple[str, str, int]]:
    return [(f.code, Path(f.path).name, f.line) for f in result.findings]


def test_discovery_of_node_root_etc_and_cluster_folder(tmp_path: Path) -> None:
    a = node(tmp_path, "a", {"etc/multipath.conf": GOOD, "etc/hostname": "alpha.example.net\n"})
    node(tmp_path, "b", {"etc/multipath.conf": GOOD})
    found = discover([str(a), str(tmp_path / "b" / "etc")])
    assert [n.name for n in found.nodes] == ["alpha", "b"]
    assert [f.format for f in found.files()] == ["multipath", "hostname", "multipath"]
    cluster = discover([str(tmp_path)])
    assert sorted(n.name for n in cluster.nodes) == ["alpha", "b"]


def test_node_names_from_option(tmp_path: Path) -> None:
    a = node(tmp_path, "x", {"etc/multipath.conf": GOOD})
    found = discover([str(a)], {str(a): "beta"})
    assert found.nodes[0].name == "beta"


def test_fifo_and_symlink_loops_are_never_followed(tmp_path: Path) -> None:
    root = node(tmp_path, "n", {"etc/hosts.txt": ""})
    os.mkfifo(root / "etc" / "multipath.conf")
    (root / "etc" / "xen").mkdir()
    (root / "etc" / "xen" / "loop").symlink_to(root / "etc" / "xen")
    found = discover([str(root)])  # must return: opening the FIFO would block forever
    assert list(found.files()) == []
    assert any("not a regular file" in s.reason for s in found.skipped)


def test_a_file_linked_twice_is_read_once(tmp_path: Path) -> None:
    root = node(tmp_path, "n", {"etc/multipath.conf": GOOD})
    (root / "etc" / "multipath" / "conf.d").mkdir(parents=True)
    (root / "etc" / "multipath" / "conf.d" / "same.conf").symlink_to(
        root / "etc" / "multipath.conf"
    )
    found = discover([str(root)])
    assert len(list(found.files())) == 1


def test_syntax_error_is_a_finding_with_location(tmp_path: Path) -> None:
    # 'multipaths {' lacks its '}', so 'defaults' lands inside it (multipath: "line 4,
    # invalid keyword in the multipaths section: defaults"); a section only left open
    # at the end is a warning (test_multipath.py)
    text = "multipaths {\n\tmultipath {\n\t}\ndefaults {\n}\n"
    root = node(tmp_path, "n", {"etc/multipath.conf": text})
    result = lint.run([str(root)], select=["XC001"])
    assert codes(result) == [("XC001", "multipath.conf", 1)]
    assert result.exit_code() == 1


def test_seed_regex_trap_and_repeated_section(tmp_path: Path) -> None:
    text = (
        "defaults {\n\tuser_friendly_names yes\n}\n"
        "defaults {\n\tpolling_interval 5\n}\n"
        'blacklist {\n\tdevnode "^hd[a-z][[0-9]*]"\n\tdevnode "^sd[a-z]"\n}\n'
    )
    root = node(tmp_path, "n", {"etc/multipath.conf": text})
    result = lint.run([str(root)])
    assert ("MP001", "multipath.conf", 8) in codes(result)
    assert ("MP002", "multipath.conf", 4) in codes(result)
    mp2 = next(f for f in result.findings if f.code == "MP002")
    assert [r.line for r in mp2.related] == [1]
    # a sane regex is no MP001 (blacklisting sd names is only MP005's info)
    assert [f.code for f in result.findings if f.line == 9] == ["MP005"]


def test_alias_that_differs_between_nodes(tmp_path: Path) -> None:
    a = node(tmp_path, "a", {"etc/multipath.conf": GOOD})
    b = node(tmp_path, "b", {"etc/multipath.conf": GOOD.replace("3600a", "3600b")})
    result = lint.run([str(a), str(b)])
    mp4 = [f for f in result.findings if f.code == "MP004"]
    # alias 'data' names two WWIDs; each WWID exists on one node only, so no second finding
    assert [f.message for f in mp4] == ["alias 'data' is WWID '3600b' on b but '3600a' on a"]
    assert "b" in Path(mp4[0].path).parts and mp4[0].line == 5
    assert "a" in Path(mp4[0].related[0].path).parts


def test_clean_tree_and_select_ignore(tmp_path: Path) -> None:
    a = node(tmp_path, "a", {"etc/multipath.conf": GOOD})
    assert lint.run([str(a)]).findings == []
    root = node(tmp_path, "n", {"etc/multipath.conf": "defaults {\n\tudev_dir /dev\n}\n"})
    assert codes(lint.run([str(root)])) == [("XC004", "multipath.conf", 2)]
    assert lint.run([str(root)], ignore=["XC"]).findings == []
    assert lint.run([str(root)], select=["MP"]).findings == []


def test_inline_suppression(tmp_path: Path) -> None:
    text = (
        "defaults {\n\tudev_dir /dev # xencfg: ignore[XC004]\n"
        "\tselector x # xencfg: ignore[MP001]\n}\n"
    )
    root = node(tmp_path, "n", {"etc/multipath.conf": text})
    assert codes(lint.run([str(root)])) == [("XC004", "multipath.conf", 3)]


def test_cli_text_json_sarif_github(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = node(tmp_path, "n", {"etc/multipath.conf": "defaults {\n\tudev_dir /dev\n}\n"})
    assert main(["lint", str(root)]) == 0  # a warning only
    out = capsys.readouterr()
    assert out.out.endswith(
        ": XC004 deprecated keyword 'udev_dir': multipath-tools 0.5.0 and later ignore it; drop "
        "the line (advice for any multipath-tools release; declare yours: "
        "--target multipath-tools=VERSION) [info]\n"
    )  # the severity is shown: info, as any release may run, 0.4.x among them that reads it
    assert ":2:2: XC004" in out.out
    assert main(["lint", "--strict", str(root)]) == 1  # --strict fails on any finding
    capsys.readouterr()
    main(["lint", "--output-format", "json", str(root)])
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and len(data["files"]) == 1
    assert set(data["findings"][0]) == {
        "code",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "related",
        "node",
    }
    assert data["findings"][0]["node"] == "n"
    assert data["counts"] == {"error": 0, "warning": 0, "info": 1}
    main(["lint", "--output-format", "sarif", str(root)])
    sarif = json.loads(capsys.readouterr().out)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert run["results"][0]["ruleId"] == "XC004"
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 2,
    }
    assert any(r["id"] == "XC004" and r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    main(["lint", "--output-format", "github", str(root)])
    assert capsys.readouterr().out.startswith("::notice file=")


def test_cli_parse_broken_file_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "multipath.conf"
    f.write_text("multipaths {\n")
    assert main(["parse", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:1:1:" in err and "Traceback" not in err


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "missing")]) == 2
    assert main(["lint", "--node", "oops", str(tmp_path)]) == 2
    assert main(["rules", "ZZ999"]) == 2
    assert main(["rules", "MP001"]) == 0
    assert "Fix:" in capsys.readouterr().out


def test_a_folder_with_nothing_to_read_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hook pointed at the wrong folder must not pass in silence: a path that holds
    nothing to check is a usage error (issue 15 part 4), as an empty folder is."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("nothing here\n")
    assert main(["lint", str(tmp_path / "notes")]) == 2
    err = capsys.readouterr().err
    assert "notes: nothing to check there (no etc/ and no known configuration file)" in err
    (tmp_path / "empty").mkdir()
    assert main(["lint", str(tmp_path / "empty")]) == 2
    assert "empty: nothing to check there" in capsys.readouterr().err
    (tmp_path / "n" / "etc").mkdir(parents=True)  # a node root with an empty etc/
    assert main(["lint", str(tmp_path / "n")]) == 2
    assert "n: nothing to check there (no file xencfg reads)" in capsys.readouterr().err
    (tmp_path / "m" / "etc").mkdir(parents=True)  # beside a node that has files: said
    (tmp_path / "m" / "etc" / "hosts").write_text("127.0.0.1 localhost\n")
    assert main(["lint", str(tmp_path / "m"), str(tmp_path / "n")]) == 0
    assert "n: nothing to check there" in capsys.readouterr().err


def test_python_dash_m_matches_console_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "xencfg", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("xencfg ")


def test_every_rule_is_documented() -> None:
    from xencfg import rules

    for r in rules.all_rules():
        assert r.severity in ("error", "warning", "info")
        assert "Why it matters" in r.doc and "Fix" in r.doc, r.code


def test_seed_s000_multipath_mistakes_are_all_reported() -> None:
    from conftest import shared_path

    root = shared_path("seed-examples", "s000-iscsi-multipath", "node1")
    result = lint.run([str(root)], select=["MP", "XC001"])
    got = [(f.code, f.line) for f in result.findings if f.path.endswith("multipath.conf")]
    # unclosed multipaths (17), the two broken blacklist regexes (14, 15), two defaults (4)
    assert got == [("MP002", 4), ("MP001", 14), ("MP001", 15), ("XC001", 17)]
    hd = next(f for f in result.findings if f.code == "MP001")
    assert "'[[0-9]' is one bracket expression" in hd.message and "literal ']'" in hd.message


def test_memberships_name_every_declaring_file(tmp_path: Path) -> None:
    from xencfg.cluster import memberships

    drbd = (
        "resource r0 {\n  on alpha {\n    device /dev/drbd0; disk /dev/sdb1;\n"
        "    address 10.0.0.1:7788; meta-disk internal;\n  }\n"
        "  on beta {\n    device /dev/drbd0; disk /dev/sdb1;\n"
        "    address 10.0.0.2:7788; meta-disk internal;\n  }\n}\n"
    )
    root = node(
        tmp_path,
        "alpha",
        {"etc/ha.d/ha.cf": "bcast eth0\nnode alpha\nnode beta\n", "etc/drbd.conf": drbd},
    )
    result = lint.run([str(root)])
    got = {(m.source, m.names) for m in memberships(result.cluster)}
    assert got == {("ha.cf", ("alpha", "beta")), ("drbd", ("alpha", "beta"))}
    hacf = next(m for m in memberships(result.cluster) if m.source == "ha.cf")
    assert hacf.where("beta").line == 3
    dr = next(m for m in memberships(result.cluster) if m.source == "drbd")
    assert dr.where("beta").line == 6


@pytest.mark.parametrize(
    "example",
    [
        "alpha/etc/drbd.d/db.res",
        "alpha/etc/ha.d/ha.cf",
        "alpha/etc/ha.d/authkeys",
        "alpha/etc/xen/xend-config.sxp",
        "alpha/var/lib/heartbeat/crm/cib.xml",
    ],
)
def test_ansible_validate_on_a_temporary_name(
    example: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ansible's ``validate: xencfg lint %s`` hands over a file named like
    ``.../ansible-tmp-123/source``: the content must decide, and a broken file fail."""
    from conftest import ROOT

    text = (ROOT / "examples" / "two-node" / example).read_text()
    src = tmp_path / "ansible-tmp-1700000000.1-42" / "source"
    src.parent.mkdir()
    src.write_text(text)
    src.chmod(0o600)
    assert main(["lint", str(src)]) == 0, capsys.readouterr()
    assert "1 file checked" in capsys.readouterr().err
    broken = text.replace("}", "", 1) if "}" in text else text.replace(">", "", 1)
    if example.endswith(".sxp"):
        broken = text + "(xend-relocation-port\n"
    if example.endswith(("ha.cf", "authkeys")):
        broken = text + "auth 9\n" if "auth" in text else text + "deadtime x\n"
    src.write_text(broken)
    assert main(["lint", str(src)]) == 1
    src.write_text("something else entirely\n")
    assert main(["lint", str(src)]) == 2
    assert "format not recognised" in capsys.readouterr().err


AUTHKEYS = "auth 1\n1 sha1 9f3c1e2b7a6d5c4e3f2a1b0c9d8e7f6a\n"


def test_authkeys_mode_only_where_modes_are_real(tmp_path: Path) -> None:
    """heartbeat refuses an authkeys open to others: report it on a real file system,
    not in a git checkout (git stores 0644) nor in a read-only copy."""

    def mode_findings(root: Path) -> list[tuple[str, int]]:
        result = lint.run([str(root)], select=["HB006"])
        return [(Path(f.path).name, f.line) for f in result.findings]

    live = node(tmp_path, "live", {"etc/ha.d/authkeys": AUTHKEYS})
    keys = live / "etc" / "ha.d" / "authkeys"
    keys.chmod(0o644)
    assert mode_findings(live) == [("authkeys", 1)]
    keys.chmod(0o600)
    assert mode_findings(live) == []

    repo = node(tmp_path, "repo", {"etc/ha.d/authkeys": AUTHKEYS})
    (repo / "etc" / "ha.d" / "authkeys").chmod(0o644)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert mode_findings(repo) == []  # a clone: git kept no mode
    etckeeper = node(tmp_path, "etckeeper", {"ha.d/authkeys": AUTHKEYS, ".etckeeper": ""})
    (etckeeper / "ha.d" / "authkeys").chmod(0o644)
    subprocess.run(["git", "init", "-q", str(etckeeper)], check=True)
    assert mode_findings(etckeeper) == [("authkeys", 1)]  # etckeeper restores modes

    frozen = node(tmp_path, "frozen", {"etc/ha.d/authkeys": AUTHKEYS})
    (frozen / "etc" / "ha.d" / "authkeys").chmod(0o444)
    (frozen / "etc" / "ha.d").chmod(0o555)
    try:
        assert mode_findings(frozen) == []  # an archive or read-only share
    finally:
        (frozen / "etc" / "ha.d").chmod(0o755)


def test_every_rule_module_loads_even_after_one_was_imported_alone() -> None:
    import subprocess

    code = (
        "import xencfg.rules.heartbeat\n"
        "from xencfg import rules\n"
        "print(sorted({r.code[:2] for r in rules.all_rules()}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(
        sorted(
            {
                "CB",
                "CM",
                "CS",
                "DR",
                "EV",
                "HB",
                "HS",
                "IS",
                "LS",
                "LV",
                "MD",
                "MP",
                "OC",
                "XC",
                "XN",
            }
        )
    )


def test_paths_are_shown_the_shorter_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative to the working directory below it, absolute when that is shorter
    (`xencfg lint /` run from /tmp reports /etc/hosts, not ../etc/hosts)."""
    from xencfg.discover import display_path

    (tmp_path / "work" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    assert display_path(tmp_path / "work" / "sub" / "drbd.conf") == "sub/drbd.conf"
    assert display_path(Path("sub/drbd.conf")) == "sub/drbd.conf"
    assert display_path(tmp_path / "cib.xml") == "../cib.xml"
    monkeypatch.chdir(tmp_path / "work" / "sub")
    assert display_path(Path("/etc/hosts")) == "/etc/hosts"
