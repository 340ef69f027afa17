"""The command line's conventions (issue 19 "Pre-commit and CI"): severity and colour in
text output, --quiet, --statistics, --exit-zero, standard input, subcommand usage on
errors, the README's --node example, the CI report formats and CIB copies reported once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import ROOT
from xencfg.cli import main

#: XC004 warning on line 2: 0.5.0 and later ignore udev_dir, and uid_attribute says one runs
WARN = "defaults {\n\tudev_dir /dev\n\tuid_attribute ID_SERIAL\n}\n"
BROKEN = "multipaths {\n"  # XC001 error


def etc(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "n" / "etc"
    for rel, text in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(text)
    return d


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["lint", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_colour_follows_the_option_and_no_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = etc(tmp_path, {"multipath.conf": WARN})
    assert "\033[" not in lint(capsys, str(d))[1]  # not a terminal
    out = lint(capsys, "--color", "always", str(d))[1]
    assert "\033[33m[warning]\033[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert "\033[" not in lint(capsys, "--color", "auto", str(d))[1]
    monkeypatch.delenv("NO_COLOR")
    assert "\033[" in lint(capsys, "--color", "auto", str(d))[1]
    assert "\033[" not in lint(capsys, "--color", "never", str(d))[1]


def test_quiet_statistics_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # (a 'net {' left open: drbdadm refuses it; a resource left open at the end of the
    # file is only a warning, drbdadm reads it as closed there)
    d = etc(tmp_path, {"multipath.conf": WARN, "drbd.conf": "resource r0 {\n  net {\n"})
    rc, out, err = lint(capsys, "-q", str(d))
    assert rc == 1 and "XC001" in out and err == ""
    rc, out, _ = lint(capsys, "--statistics", str(d))
    lines = out.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["1", "XC001", "error"],
        ["1", "XC004", "warning"],
    ]
    assert lint(capsys, "--exit-zero", str(d))[0] == 0


def test_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    def stdin(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    stdin(WARN)
    rc, out, _ = lint(capsys, "--as", "multipath", "-")
    assert rc == 0 and out.startswith("-:2:2: XC004 ")
    stdin(WARN)
    rc, out, _ = lint(capsys, "--stdin-filename", "etc/multipath.conf", "-")
    assert out.startswith("etc/multipath.conf:2:2: XC004 ")
    stdin("nothing to see\n")
    rc, _, err = lint(capsys, "-")
    assert rc == 2 and "format not recognised" in err


def test_subcommand_errors_show_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--node", "alpha"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: xencfg lint") and "--node wants NAME=PATH" in err
    assert main(["lint"]) == 2
    assert capsys.readouterr().err.startswith("usage: xencfg lint")
    assert main(["cib"]) == 2
    assert capsys.readouterr().err.startswith("usage: xencfg cib")
    assert main(["rules", "XX999"]) == 2
    assert capsys.readouterr().err.startswith("usage: xencfg rules")
    assert main(["graph"]) == 2
    assert capsys.readouterr().err.startswith("usage: xencfg graph")


def test_readme_node_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: ``xencfg lint --node alpha=/mnt/a --node beta=/mnt/b`` (no other path)."""
    readme = (ROOT / "README.md").read_text()
    assert "xencfg lint --node alpha=/mnt/a --node beta=/mnt/b" in readme
    for name in ("a", "b"):
        shutil.copytree(
            ROOT / "examples" / "two-node" / ("alpha" if name == "a" else "beta"),
            tmp_path / "mnt" / name,
        )
    for key in (tmp_path / "mnt").glob("*/etc/ha.d/authkeys"):
        key.chmod(0o600)  # as deployed (a checkout's 0644 says nothing; this copy's does)
    monkeypatch.chdir(tmp_path)
    rc = main(["lint", "--node", "alpha=mnt/a", "--node", "beta=mnt/b", "--output-format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["findings"] == []
    assert data["files"]


def test_junit_and_codeclimate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = etc(tmp_path, {"multipath.conf": WARN, "hosts": "127.0.0.1 localhost\n"})
    rc, out, _ = lint(capsys, "--output-format", "junit", str(d))
    assert rc == 0  # a warning only
    suite = ElementTree.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    failures = suite.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["XC004"]
    _rc, out, _ = lint(capsys, "--output-format", "codeclimate", str(d))
    issues = json.loads(out)
    assert issues[0]["check_name"] == "XC004" and issues[0]["severity"] == "minor"
    assert issues[0]["location"]["lines"]["begin"] == 2 and issues[0]["fingerprint"]


def test_json_has_counts_nodes_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = etc(tmp_path, {"multipath.conf": WARN, "xen/README.txt": "notes\n"})
    (d / "hostname").write_text("alpha\n")
    data = json.loads(lint(capsys, "--output-format", "json", str(d))[1])
    assert data["counts"]["warning"] == 1
    assert data["findings"][0]["node"] == "alpha"
    assert all(set(s) == {"path", "reason"} for s in data["skipped"])


CIB = ROOT / "examples" / "mistakes" / "alpha" / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"


def test_identical_cib_copies_report_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each node keeps a copy of the CIB; the same finding twice is noise."""
    for name in ("alpha", "beta"):
        shutil.copytree(ROOT / "examples" / "mistakes" / name, tmp_path / name)
    data = json.loads(lint(capsys, "--output-format", "json", str(tmp_path))[1])
    cib = [f for f in data["findings"] if f["path"].endswith("cib.xml")]
    assert cib, "the mistakes example has CIB findings"
    assert {f["node"] for f in cib} == {"alpha"}
    beta_copy = [f for f in cib if any("beta" in r["path"] for r in f["related"])]
    assert beta_copy  # the other copy is named as a related place
    # each node's own bookkeeping (root attributes, status) does not make copies differ
    other = tmp_path / "beta" / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
    text = other.read_text()
    other.write_text(
        text.replace('epoch="12" num_updates="0"', 'epoch="13" num_updates="7"', 1).replace(
            "<status/>", '<status>\n    <node_state id="beta" uname="beta"/>\n  </status>'
        )
    )
    data = json.loads(lint(capsys, "--output-format", "json", str(tmp_path))[1])
    assert {f["node"] for f in data["findings"] if f["path"].endswith("cib.xml")} == {"alpha"}
    # a copy whose configuration differs is its own
    other.write_text(text.replace("<configuration>", "<configuration>\n", 1))
    data = json.loads(lint(capsys, "--output-format", "json", str(tmp_path))[1])
    nodes = {f["node"] for f in data["findings"] if f["path"].endswith("cib.xml")}
    assert nodes == {"alpha", "beta"}


def test_console_script_exit_codes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", "--select", "XX999", str(ROOT / "examples")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "XX999" in proc.stderr
