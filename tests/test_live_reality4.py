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
