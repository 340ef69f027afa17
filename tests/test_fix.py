"""``xencfg lint --diff`` and ``--fix`` (issue 19): the safe, mechanical fixes only, shown
before they are made, written atomically, and linted again."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import xencfg
from xencfg.cli import main

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
    assert "Fixable" not in (ROOT / "docs" / "rules" / "DR001.md").read_text()
