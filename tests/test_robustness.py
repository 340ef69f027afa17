"""Hostile and odd input, for every format in xencfg.FORMATS (issue 7).

Each case must give back the exact input or a clear XencfgError — never another
exception, never a hang. The sample of each format is its first own fixture
(tests/fixtures/<format>/valid/), so a new format is covered as soon as it has one.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES
from xencfg.syntax.source import decode


def _sample(fmt: str) -> str | None:
    folder = FIXTURES / fmt / "valid"
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return decode(files[0].read_bytes()) if files else None


FORMATS_WITH_SAMPLES = [f for f in xencfg.FORMATS if _sample(f) is not None]


def _variants(text: str) -> dict[str, str]:
    lines = text.splitlines(True)
    return {
        "bom": "\ufeff" + text,
        "crlf": text.replace("\n", "\r\n"),
        "mixed-newlines": "".join(
            ln.replace("\n", "\r\n") if i % 2 else ln for i, ln in enumerate(lines)
        ),
        "no-final-newline": text.rstrip("\n"),
        "nul-byte": text[: len(text) // 2] + "\x00" + text[len(text) // 2 :],
        "invalid-utf8": text + decode(b"# \xff\xfe\xc3\n"),
        "long-line": text + "# " + "x" * 100_000 + "\n",
        "empty": "",
        "only-comment": "# nothing here\n",
        "tabs-and-spaces": text.replace("\t", " \t "),
    }


def test_every_format_has_a_fixture() -> None:
    missing = [f for f in xencfg.FORMATS if f not in FORMATS_WITH_SAMPLES]
    assert not missing, f"formats without tests/fixtures/<format>/valid/ samples: {missing}"


@pytest.mark.parametrize("fmt", FORMATS_WITH_SAMPLES)
@pytest.mark.parametrize("case", sorted(_variants("x\n")))
def test_odd_input_round_trips_or_fails_cleanly(fmt: str, case: str) -> None:
    text = _variants(_sample(fmt) or "")[case]
    try:
        doc = xencfg.loads(text, fmt, path=f"sample.{case}")
    except xencfg.ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1 and exc.path == f"sample.{case}"
        return
    except xencfg.XencfgError:
        return
    assert xencfg.dumps(doc) == text


@pytest.mark.parametrize("fmt", FORMATS_WITH_SAMPLES)
def test_deep_nesting_is_a_clear_error(fmt: str) -> None:
    for opener, closer in (("a {\n", "}\n"), ("(a ", ")"), ("[", "]"), ("<a>", "</a>")):
        text = opener * 10_000 + closer * 10_000
        start = time.perf_counter()
        with contextlib.suppress(xencfg.XencfgError):
            xencfg.loads(text, fmt)
        assert time.perf_counter() - start < 10


def test_deep_braces_name_the_line() -> None:
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads("defaults {\n" * 10_000 + "}\n" * 10_000, "multipath")
    assert "nested more than" in info.value.message
    assert info.value.line > 1


def test_unreadable_and_special_files(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "multipath.conf"
    os.mkfifo(fifo)
    with pytest.raises(xencfg.XencfgError):
        xencfg.load(fifo)  # must not block
    d = tmp_path / "drbd.conf"
    d.mkdir()
    with pytest.raises(xencfg.XencfgError):
        xencfg.load(d)


@pytest.mark.parametrize("root", ["/", "/etc"])
def test_lint_of_this_machines_real_etc(root: str) -> None:
    """The machine's own /etc (drbd-utils, open-iscsi, heartbeat, xen-utils installed real
    files there in CI): no crash, no hang, every finding located in a file that exists."""
    from xencfg import lint

    start = time.perf_counter()
    result = lint.run([root])
    assert time.perf_counter() - start < 60
    assert result.discovery.nodes, "the root must be taken for a node"
    for f in result.findings:
        assert f.code[:2].isalpha() and f.line >= 0
        assert Path(f.path).exists() or Path(root, f.path).exists(), f


@pytest.mark.parametrize("fmt", FORMATS_WITH_SAMPLES)
@pytest.mark.parametrize("flags", [[], ["--show-secrets"]])
def test_cli_parse_every_format(
    fmt: str, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from xencfg.cli import main

    folder = FIXTURES / fmt / "valid"
    sample = sorted(p for p in folder.iterdir() if p.is_file())[0]
    assert main(["parse", "--as", fmt, *flags, str(sample)]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == fmt


def _without_root_powers() -> list[str]:
    """A command prefix under which mode 000 means unreadable: root keeps its uid (and
    so its Python) but loses the capabilities that read any file."""
    if os.geteuid() != 0:
        return []
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): mode 000 cannot bite")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all"]


def test_lint_reports_unreadable_and_oversized_files_and_goes_on(tmp_path: Path) -> None:
    """An unreadable or oversized file is a located XC002 finding, an unreadable or
    misnamed directory is skipped (shown by -v), and the rest of the node is checked."""
    from xencfg.lint import LINT_MAX_SIZE

    etc = tmp_path / "n1" / "etc"
    (etc / "xen").mkdir(parents=True)
    (etc / "xen" / "vm1").write_text('name = "vm1"\n')
    (etc / "drbd.conf").write_text("global { usage-count no; }\n")
    (etc / "multipath.conf").mkdir()
    (etc / "ha.d").mkdir()
    padding = "# padding\n" * (LINT_MAX_SIZE // 10 + 1)
    (etc / "ha.d" / "ha.cf").write_text(padding)
    (etc / "hosts").write_text("127.0.0.1 localhost\n")
    (etc / "drbd.conf").chmod(0)
    (etc / "xen").chmod(0)
    try:
        out = subprocess.run(
            [*_without_root_powers(), sys.executable, "-m", "xencfg", "lint", "-v", "n1"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        (etc / "xen").chmod(0o755)
    assert "Traceback" not in out.stderr
    assert out.returncode == 1, out
    assert "n1/etc/drbd.conf:0:0: XC002 cannot read: Permission denied" in out.stdout
    assert f"n1/etc/ha.d/ha.cf:0:0: XC002 {len(padding)} bytes is over" in out.stdout
    assert "skipped n1/etc/xen: cannot list: Permission denied" in out.stderr
    assert "skipped n1/etc/multipath.conf: directory" in out.stderr
    assert "read n1/etc/hosts as hosts" in out.stderr
    assert "3 files checked: 2 errors." in out.stderr
