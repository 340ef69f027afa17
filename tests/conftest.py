"""Shared fixtures: where ../shared is, and how tests that need it skip or fail.

Tests over ../shared (corpus, seed examples, oracles) run wherever it exists.
Elsewhere they skip with a reason, except under CI=true, where its absence is a
failure: CI always has it, so a skip there would hide a broken checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# a crashing lint rule must fail its test, not become an XC006 finding
os.environ.setdefault("XENCFG_DEBUG", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XENCFG_SHARED", ROOT.parent / "shared"))
FIXTURES = ROOT / "tests" / "fixtures"

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fast", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test (fails under CI=true) when missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        unavailable(f"{path} is missing (../shared holds the corpus, seeds and oracles)")
    return path


def shared_files(*parts: str, pattern: str = "*") -> list[Path]:
    """Files under a ../shared folder, for parametrising. Empty when ../shared is absent
    (the test using them then calls :func:`shared_path` to skip or fail)."""
    base = SHARED.joinpath(*parts)
    if not base.exists():
        return []
    return sorted(p for p in base.rglob(pattern) if p.is_file())


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SHARED)) if SHARED in p.parents else p.name for p in paths]


@pytest.fixture
def shared() -> Path:
    return shared_path()


def unavailable(reason: str) -> None:
    """Skip for want of a tool or file; under CI=true, where everything is installed, fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def crm_verify_file(path: Path) -> tuple[int, str]:
    """``crm_verify --xml-file PATH``: its exit code and what it printed (the test skips
    without pacemaker-cli-utils, or fails under CI=true)."""
    exe = shutil.which("crm_verify")
    if exe is None:
        unavailable("crm_verify (pacemaker-cli-utils) is not installed")
    p = subprocess.run([exe, "--xml-file", str(path)], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def migrate_drbd_pair(tmp_path: Path, text: str, target: str) -> tuple[str, list[str]]:
    """``xencfg migrate --only drbd`` of two nodes holding ``text`` as drbd.conf: node a's
    output and the report's lines."""
    from xencfg import migrate

    for node in ("a", "b"):
        (tmp_path / "in" / node / "etc").mkdir(parents=True)
        (tmp_path / "in" / node / "etc" / "drbd.conf").write_text(text)
    m = migrate.plan(
        [str(tmp_path / "in" / "a"), str(tmp_path / "in" / "b")],
        only=("drbd",),
        drbd_target=target,
    )
    out = next(o for o in m.outputs if o.node == "a").data.decode()
    return out, [n.what for n in m.notes]


def peer_tool(tool: str, *requires: str) -> Path:
    """The ../shared/oracle/peers wrapper ``tool``, once the paths or programs it
    ``requires`` exist and we are root (its namespaces and overlays need it); else the
    test skips, or fails under CI=true, where everything is installed."""
    wrapper = shared_path("oracle", "peers", tool)
    missing = [r for r in requires if not (Path(r).exists() or shutil.which(r))]
    if missing:
        unavailable(f"{tool} needs {', '.join(missing)} (not installed)")
    if os.geteuid() != 0:
        unavailable(f"{tool} needs root (namespaces, overlays)")
    return wrapper


def augeas_lens(lens_file: str) -> Path:
    """The peer-augeas wrapper, once its lens (``hosts.aug``) is installed and we are root.

    CI installs augeas-lenses and runs as root, so there a missing lens fails.
    """
    peer = shared_path("oracle", "peers", "peer-augeas")
    if os.geteuid() != 0:
        unavailable("peer-augeas needs root")
    if not Path("/usr/share/augeas/lenses/dist", lens_file).exists():
        unavailable(f"augeas' {lens_file} lens (augeas-lenses) is not installed")
    return peer


def augeas_tree(peer: Path, lens: str, path: Path) -> tuple[bool, list[tuple[str, str | None]]]:
    """Run ``peer-augeas LENS PATH --tree``: (accepted, ``[(tree path, value or None)]``)."""
    import ast
    import subprocess

    res = subprocess.run(
        [str(peer), lens, str(path), "--tree"], capture_output=True, text=True, timeout=120
    )
    pairs: list[tuple[str, str | None]] = []
    for line in res.stdout.splitlines()[1:]:
        key, sep, value = line.partition(" = ")
        pairs.append((key, ast.literal_eval(value) if sep else None))
    return res.stdout.startswith("OK"), pairs


#: The npm package that carries the OASIS SARIF 2.1.0 JSON schema (no PyPI package does).
SARIF_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def sarif_schema() -> dict[str, object]:
    """The SARIF 2.1.0 schema, from ``$XENCFG_SARIF_SCHEMA`` or fetched once with
    ``npm pack`` into ~/.cache/xencfg-tests (never into the repository)."""
    import json
    import shutil
    import subprocess
    import tarfile
    import tempfile

    given = os.environ.get("XENCFG_SARIF_SCHEMA")
    cached = Path.home() / ".cache" / "xencfg-tests" / "sarif-2.1.0.json"
    path = Path(given) if given else cached
    if not path.exists() and not given and shutil.which("npm"):
        with tempfile.TemporaryDirectory() as tmp:
            got = subprocess.run(
                ["npm", "pack", "-q", SARIF_PACKAGE],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=180,
            )
            tgz = Path(tmp) / got.stdout.strip().splitlines()[-1] if got.stdout.strip() else None
            if got.returncode == 0 and tgz is not None and tgz.exists():
                with tarfile.open(tgz) as tar:
                    member = tar.extractfile(SARIF_MEMBER)
                    if member is not None:
                        cached.parent.mkdir(parents=True, exist_ok=True)
                        cached.write_bytes(member.read())
    if not path.exists():
        unavailable(f"the SARIF schema is not available (npm pack {SARIF_PACKAGE} failed)")
    return json.loads(path.read_text(encoding="utf-8"))


def corosync_test(conf: Path, local: str, hosts: Path | None = None) -> tuple[bool, str]:
    """``corosync -c CONF -t`` (corosync 3.1), the daemon's own configuration check.

    corosync only accepts a file naming this host in its nodelist ("No valid name found
    for local host", exec/main.c), so it runs in a private network namespace
    (``unshare -n``) where ``local`` (a ring0 address of the file) is put on ``lo``.
    ``hosts``: the node's /etc/hosts, bound over this machine's in a private mount
    namespace, for a file whose ring addresses are host names (corosync resolves them
    with getaddrinfo). Skips where corosync, unshare or root is missing (fails under
    CI=true, where .ci/run installs corosync and runs as root). Returns (accepted, output).
    """
    import shutil
    import subprocess

    if shutil.which("corosync") is None:
        unavailable("corosync is not installed (Debian package corosync)")
    if shutil.which("unshare") is None or os.geteuid() != 0:
        unavailable("corosync -t needs root and unshare -n to own the ring0 address")
    script = 'ip link set lo up && ip addr add "$1" dev lo && exec corosync -c "$2" -t'
    unshare = ["unshare", "-n"]
    if hosts is not None:
        script = 'mount --bind "$3" /etc/hosts && ' + script
        unshare.append("-m")
    proc = subprocess.run(
        [*unshare, "sh", "-c", script, "sh", local, str(conf), str(hosts or "")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr
