"""The typed API (issue 19 "The typed API"): py.typed ships, load()/loads() name each
format's document class, mypy --strict accepts the README's Python examples, new files
get 0644 (0600 where the format holds secrets), repr() is short."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import xencfg
from conftest import ROOT


def test_py_typed_ships() -> None:
    from importlib.resources import files

    assert files("xencfg").joinpath("py.typed").is_file()


def test_every_format_has_a_load_overload() -> None:
    text = (ROOT / "src" / "xencfg" / "api.py").read_text()
    for fn in ("load", "loads"):
        named = set(re.findall(rf'def {fn}\(\s*\w+: [^,]+, format: Literal\["([^"]+)"\]', text))
        assert named == set(xencfg.FORMATS), fn


def _readme_python() -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert blocks
    return "\n".join(blocks)


@pytest.mark.slow
def test_mypy_strict_accepts_the_readme_examples(tmp_path: Path) -> None:
    """mypy --strict on the README's Python, as a user's script would be checked; the
    same script with a wrong attribute is refused (so the check can fail)."""
    good = tmp_path / "readme_example.py"
    good.write_text(_readme_python())
    bad = tmp_path / "wrong.py"
    bad.write_text(_readme_python().replace("doc.multipaths", "doc.resources"))

    def mypy(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                "--config-file",
                "/dev/null",
                str(path),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={"MYPYPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )

    ok = mypy(good)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    wrong = mypy(bad)
    assert (
        wrong.returncode == 1 and '"MultipathDocument" has no attribute "resources"' in wrong.stdout
    )


@pytest.mark.parametrize(
    ("fmt", "text", "mode"),
    [
        ("multipath", "defaults {\n\tuser_friendly_names yes\n}\n", 0o644),
        ("authkeys", "auth 1\n1 sha1 0123456789abcdef0123456789abcdef\n", 0o600),
        ("iscsid", "node.session.auth.password = s3cret-pass\n", 0o600),
        ("iscsid", "node.startup = automatic\n", 0o644),
    ],
)
def test_new_files_are_0644_unless_they_hold_secrets(
    tmp_path: Path, fmt: str, text: str, mode: int
) -> None:
    """A new file used to be created 0600 (mkstemp's mode) whatever it held."""
    import os

    doc = xencfg.loads(text, fmt)
    target = tmp_path / "new.conf"
    xencfg.dump(doc, target)
    assert os.stat(target).st_mode & 0o777 == mode
    target.chmod(0o640)  # an existing file keeps its own mode
    xencfg.dump(xencfg.load(target, fmt), target)
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_repr_is_short() -> None:
    """A document's repr names it; it does not hold the whole file."""
    from xencfg.discover import discover

    for node in ("alpha", "beta"):
        for f in discover([str(ROOT / "examples" / "mistakes" / node)]).files():
            assert f.format is not None
            doc = xencfg.load(f.path, f.format)
            assert len(repr(doc)) < 200 + len(str(f.path)), f.path
    drbd = xencfg.load(ROOT / "examples" / "two-node" / "alpha" / "etc" / "drbd.conf", "drbd")
    assert "children=<" in repr(drbd) and "children=<" in repr(drbd.children[0])
