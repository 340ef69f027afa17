"""The documentation: every CLI example in docs/ and the README runs and prints what it shows,
and the site builds with warnings as errors."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str, str]]:
    """(page, command, expected stdout) for every ``$ xencfg ...`` line in console blocks."""
    out = []
    for page in PAGES:
        for block in _BLOCK.findall(page.read_text(encoding="utf-8")):
            cmd, expected = None, []
            for line in block.splitlines():
                if line.startswith("$ "):
                    if cmd is not None:
                        out.append((page.name, cmd, "\n".join(expected)))
                    cmd, expected = line[2:], []
                else:
                    expected.append(line)
            if cmd is not None:
                out.append((page.name, cmd, "\n".join(expected)))
    return out


EXAMPLES = examples()


def test_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("page", "command", "expected"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_cli_example(page: str, command: str, expected: str) -> None:
    argv = shlex.split(command)
    assert argv[0] == "xencfg", f"{page}: examples must run xencfg, got {command!r}"
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", *argv[1:]], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.stdout.rstrip("\n") == expected.rstrip("\n"), f"{page}: {command}"


@pytest.mark.slow
def test_site_builds_strict(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    exe = str(mkdocs) if mkdocs.exists() else shutil.which("mkdocs")
    if exe is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[test]')")
    proc = subprocess.run(
        [exe, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
