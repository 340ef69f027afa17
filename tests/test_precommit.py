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

from conftest import ROOT, unavailable
from xencfg.discover import ETC_FILES, ROOT_FILES, files_regex

GOOD = "defaults {\n\tuser_friendly_names yes\n}\n"
#: A stray '}' (multipath says "unmatched '}'" and stops): an error. (A section merely left
#: open at the end is only a warning: multipath reads the file to its end.)
BROKEN = "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t}\n}\n{\n"


def test_hook_files_regex_matches_discovery() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    regexes = re.findall(r"files: '([^']+)'", text)
    assert regexes == [files_regex()] * 2, "run: xencfg formats --write-hooks ."
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
        unavailable("pre-commit is not installed (pip install -e '.[test]')")
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
    assert "multipath.conf:6:1: XC001" in bad.stdout
    tree = run("xencfg-lint-tree")
    assert tree.returncode == 1
    assert "multipath.conf:6:1: XC001" in tree.stdout


def test_files_regex_is_not_fooled_by_ansible_or_an_inventory() -> None:
    """Issue 19: ``files:`` matched roles/xen/tasks/main.yml and an inventory ``hosts``."""
    rx = re.compile(files_regex())
    for path in ("hosts", "etc/hosts", "nodes/alpha/etc/hosts", "etc/xen/vm/web", "xen/vm/web"):
        assert rx.search(path), path
    for path in (
        "inventory/hosts",
        "roles/xen/tasks/main.yml",
        "roles/drbd/tasks/main.yml",
        "group_vars/xen/all.yml",
        "myetc/hosts",
    ):
        assert not rx.search(path), path
    assert rx.search("nodes/alpha/var/lib/heartbeat/crm/cib.xml")


DRBD_OLD = """resource r0 {
  protocol C;
  on alpha { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }
}
resource r1 {
  protocol C;
  on alpha { device /dev/drbd1; disk /dev/sda2; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd1; disk /dev/sda2; address 10.0.0.2:7789; meta-disk internal; }
}
"""


def _etc(tmp_path: Path) -> Path:
    """An etckeeper-shaped /etc holding an old finding (DR001 in drbd.conf)."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "drbd.conf").write_text(DRBD_OLD)
    (etc / "multipath.conf").write_text(GOOD)
    (etc / "hosts").write_text("127.0.0.1 localhost\n10.0.0.1 alpha\n")
    return etc


def test_context_mode_reports_only_the_committed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    etc = _etc(tmp_path)
    monkeypatch.chdir(etc)
    assert main(["lint", "--context", ".", "hosts"]) == 0  # old DR001 elsewhere: not shown
    assert "DR001" not in capsys.readouterr().out
    assert main(["lint", "--context", ".", "drbd.conf"]) == 1
    out = capsys.readouterr().out
    assert out.count("DR001") == 1  # printed once
    (etc / "multipath.conf").write_text(BROKEN)
    assert main(["lint", "--context", ".", "multipath.conf", "hosts"]) == 1
    out = capsys.readouterr().out
    assert "multipath.conf:6:1: XC001" in out and "DR001" not in out
    assert main(["lint", "--context", "."]) == 0  # nothing committed that we read


def test_baseline_records_then_only_new_findings_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    etc = _etc(tmp_path)
    monkeypatch.chdir(etc)
    assert main(["lint", "--baseline", "base.json", "."]) == 0  # records
    assert "recorded 1 finding(s) in base.json" in capsys.readouterr().err
    assert main(["lint", "--baseline", "base.json", "."]) == 0
    assert "1 known finding(s)" in capsys.readouterr().err
    # the per-file hook with the baseline: the committed file's old finding is known
    assert main(["lint", "--context", ".", "--baseline", "base.json", "drbd.conf"]) == 0
    assert "DR001" not in capsys.readouterr().out
    # lines added above the old finding shift it: still known
    (etc / "drbd.conf").write_text("# managed by hand\n\n" + DRBD_OLD)
    assert main(["lint", "--baseline", "base.json", "."]) == 0
    # a new finding fails, and is the only one shown
    (etc / "drbd.conf").write_text(DRBD_OLD.replace("10.0.0.2:7789", "10.0.0.2:7788"))
    assert main(["lint", "--baseline", "base.json", "."]) == 1
    out = capsys.readouterr().out
    assert out.count("DR001") == 1 and "10.0.0.2:7788" in out
    # in the hook, a missing baseline is an error, not a silent pass
    assert main(["lint", "--context", ".", "--baseline", "none.json", "drbd.conf"]) == 2


def _docs_hook() -> str:
    """The ``.pre-commit-config.yaml`` docs/integration.md shows."""
    text = (ROOT / "docs" / "integration.md").read_text()
    m = re.search(r"```yaml\n(repos:\n  - repo: local\n.*?)```", text, re.S)
    assert m, "docs/integration.md lost its repo: local example"
    return m.group(1)


def test_docs_hook_is_the_shipped_hook() -> None:
    import yaml

    shown = yaml.safe_load(_docs_hook())["repos"][0]["hooks"][0]
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    for key in ("id", "entry", "files", "require_serial"):
        assert shown[key] == shipped[key], key


@pytest.mark.slow
def test_docs_hook_with_real_pre_commit_and_git_commit(tmp_path: Path) -> None:
    """The hook of docs/integration.md, installed with the real pre-commit in an
    etckeeper-shaped repository: an unrelated commit passes while an old finding
    exists; a new finding in the committed file blocks; a baseline adopts the tree."""
    bindir = Path(sys.executable).parent
    exe = str(bindir / "pre-commit") if (bindir / "pre-commit").exists() else None
    exe = exe or shutil.which("pre-commit")
    if exe is None:
        unavailable("pre-commit is not installed (pip install -e '.[test]')")
    etc = _etc(tmp_path)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.net",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.net",
    }

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=etc, env=env, capture_output=True, text=True, timeout=600)

    (etc / ".pre-commit-config.yaml").write_text(_docs_hook())
    assert sh("git", "init", "-q").returncode == 0
    assert sh(exe, "install").returncode == 0
    sh("git", "add", ".")
    assert sh("git", "commit", "-q", "--no-verify", "-m", "the tree as it was").returncode == 0

    (etc / "hosts").write_text("127.0.0.1 localhost\n10.0.0.1 alpha\n10.0.0.2 beta\n")
    sh("git", "add", "hosts")
    unrelated = sh("git", "commit", "-m", "hosts: beta")
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr

    (etc / "multipath.conf").write_text(BROKEN)
    sh("git", "add", "multipath.conf")
    blocked = sh("git", "commit", "-m", "multipath: broken")
    assert blocked.returncode != 0
    said = blocked.stdout + blocked.stderr  # git prints a hook's output on stderr
    assert said.count("multipath.conf:6:1: XC001") == 1, said
    assert "DR001" not in said
    sh("git", "checkout", "multipath.conf")
    sh("git", "reset", "-q", "multipath.conf")
    (etc / "multipath.conf").write_text(GOOD)

    # adopt the whole-tree hook with a baseline
    tree_hook = _docs_hook().replace("entry: xencfg lint --context .", "entry: xencfg lint .")
    tree_hook = tree_hook.replace(
        "require_serial: true",
        "require_serial: true\n        pass_filenames: false\n        always_run: true",
    )
    (etc / ".pre-commit-config.yaml").write_text(tree_hook)
    (etc / ".xencfg.toml").write_text('baseline = ".xencfg-baseline.json"\n')
    assert sh("xencfg", "lint", ".").returncode == 0  # records the baseline
    assert (etc / ".xencfg-baseline.json").is_file()
    sh("git", "add", ".")
    adopted = sh("git", "commit", "-m", "adopt xencfg with a baseline")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    (etc / "drbd.conf").write_text(DRBD_OLD.replace("10.0.0.2:7789", "10.0.0.2:7788"))
    sh("git", "add", "drbd.conf")
    new = sh("git", "commit", "-m", "drbd: r1 on beta's port")
    said = new.stdout + new.stderr
    assert new.returncode != 0 and said.count("DR001") == 1, said


def test_context_mode_finds_the_nodes_below_the_repository_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repository keeping ``nodes/alpha/etc/...``: the cross-node checks still run for
    the committed file (HB001: the nodes' ha.cf member lists differ)."""
    from xencfg.cli import main

    for name in ("alpha", "beta"):
        shutil.copytree(ROOT / "examples" / "two-node" / name, tmp_path / "nodes" / name)
    monkeypatch.chdir(tmp_path)
    hacf = Path("nodes/beta/etc/ha.d/ha.cf")
    assert main(["lint", "--context", ".", str(hacf)]) == 0
    capsys.readouterr()
    hacf.write_text(hacf.read_text().replace("node\t\tbeta", "node\t\tbeta gamma"))
    assert main(["lint", "--context", ".", str(hacf)]) == 1
    out = capsys.readouterr().out
    assert "HB001" in out, out
    assert main(["lint", "--context", ".", "nodes/alpha/etc/hosts"]) == 0  # not related


def test_baseline_file_masks_secrets(tmp_path: Path) -> None:
    """A baseline is committed beside the configuration: secrets stay masked in it."""
    from xencfg.findings import Finding, Location
    from xencfg.lint import baseline

    f = Finding("CB009", "warning", "password 'S3cretPw!' in cleartext", Location("cib.xml", 3, 1))
    out = tmp_path / "b.json"
    baseline.write(out, [f], ["x:1"], hide={"S3cretPw!"})
    assert "S3cretPw!" not in out.read_text() and baseline.read(out) == {"x:1"}
