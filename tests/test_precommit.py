"""The pre-commit hooks, run by the real pre-commit tool in an etckeeper-shaped repo.

etckeeper keeps /etc itself under git, so the repository root *is* /etc:
``multipath.conf`` and ``ha.d/ha.cf`` sit at the top. Both hooks must work there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from xencfg.discover import ETC_FILES, ROOT_FILES, files_regex

GOOD = "defaults {\n\tuser_friendly_names yes\n}\n"
BROKEN = "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t}\n"


def test_hook_files_regex_matches_discovery() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    regexes = re.findall(r"files: '([^']+)'", text)
    assert regexes == [files_regex()] * 2, "regenerate the files: regex from discover.files_regex()"
    rx = re.compile(files_regex())
    for pattern, _ in ETC_FILES + ROOT_FILES:
        assert rx.search(pattern.replace("*", "r0.res" if pattern.endswith(".res") else "x.conf"))
    assert rx.search("xen/vm/nfs.xm") and rx.search("etc/xen/web")
    assert not rx.search("xen/scripts/network-bridge")
    assert not rx.search("passwd")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.slow
def test_hooks_with_real_pre_commit_in_etckeeper_repo(tmp_path: Path) -> None:
    beside = Path(sys.executable).parent / "pre-commit"
    exe = str(beside) if beside.exists() else shutil.which("pre-commit")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
        pytest.skip("pre-commit is not installed")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "multipath.conf").write_text(GOOD)
    (etc / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    _git(etc, "init", "-q")
    _git(etc, "-c", "user.email=t@example.net", "-c", "user.name=t", "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INPUT": "1"}

    def run(hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        args = [exe, "try-repo", str(ROOT), hook, "--verbose"]
        args += ["--files", *files] if files else ["--all-files"]
        return subprocess.run(args, cwd=etc, env=env, capture_output=True, text=True, timeout=600)

    ok = run("xencfg-lint")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (etc / "multipath.conf").write_text(BROKEN)
    _git(etc, "add", ".")
    bad = run("xencfg-lint", "multipath.conf")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "multipath.conf:1:1: XC001" in bad.stdout
    tree = run("xencfg-lint-tree")
    assert tree.returncode == 1
    assert "multipath.conf:1:1: XC001" in tree.stdout
