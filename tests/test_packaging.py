"""The wheel carries its grammars and schemas and works from a fresh virtualenv.

Built with ``python -m build --wheel --no-isolation`` (hatchling comes with the
test extra), installed into a new venv (its dependencies from the package
index), then used from a folder outside the checkout so nothing is imported
from ``src/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, ROOT, unavailable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    [whl] = out.glob("xencfg-*.whl")
    return whl


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env)
    pip = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if pip.returncode != 0:
        reason = f"cannot install the wheel's dependencies: {pip.stderr.strip()[-300:]}"
        unavailable(reason)
    return env


def run(env: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=env,  # outside the checkout: only the installed package can be imported
        env={**os.environ, "PATH": f"{env / 'bin'}:{os.environ['PATH']}", "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wheel_holds_every_grammar_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("grammars", "schemas"):
        ours = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        assert ours, folder
        assert {f"xencfg/{folder}/{n}" for n in ours} <= names
    assert "xencfg/py.typed" in names  # mypy reads the installed package's types


def test_installed_wheel_parses_lints_and_says_its_version(fresh: Path) -> None:
    py = str(fresh / "bin" / "python")
    where = run(fresh, py, "-c", "import xencfg; print(xencfg.__file__)")
    assert str(fresh) in where.stdout, where.stderr
    version = run(fresh, str(fresh / "bin" / "xencfg"), "--version")
    assert version.stdout.strip() == f"xencfg {xencfg.__version__}"
    assert run(fresh, py, "-m", "xencfg", "--version").stdout == version.stdout
    drbd = FIXTURES / "drbd" / "valid"
    sample = sorted(drbd.iterdir())[0]
    parsed = run(fresh, str(fresh / "bin" / "xencfg"), "parse", "--as", "drbd", str(sample))
    assert parsed.returncode == 0, parsed.stderr
    assert '"format": "drbd"' in parsed.stdout
    cib = run(
        fresh,
        str(fresh / "bin" / "xencfg"),
        "cib",
        "validate",
        str(
            ROOT
            / "examples"
            / "two-node"
            / "alpha"
            / "var"
            / "lib"
            / "heartbeat"
            / "crm"
            / "cib.xml"
        ),
    )
    assert cib.returncode == 0, cib.stdout + cib.stderr  # the DTD is read from the wheel
    lint = run(fresh, str(fresh / "bin" / "xencfg"), "lint", str(ROOT / "examples" / "two-node"))
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_import_builds_no_parser(fresh: Path) -> None:
    code = (
        "import sys, xencfg; xencfg.FORMATS; "
        "print(sorted(m for m in ('lark', 'lxml', 'xmlschema') if m in sys.modules))"
    )
    out = run(fresh, str(fresh / "bin" / "python"), "-c", code)
    assert out.stdout.strip() == "[]", out.stderr
