"""Hand-written DRBD 8.3, 8.4 and 9 configurations (tests/fixtures/drbd-versions/, as
admins write them from drbd.conf(5) of each release and the DRBD user's guides:
syncer sections, stacked and floating resources, flexible and indexed meta-disks,
volumes, ipv6/sdp/ssocks addresses, meshes, connections with paths, skip sections,
drbd.conf + drbd.d/ layouts with include globs) held to drbd-utils 9.22's drbdadm in
each mode: lint reports an error (other than a hazard rule's) on the release exactly
where that release's drbdadm refuses the files. VERDICTS holds what
peer-drbdadm --mode 83|84|9 said; test_verdicts_are_drbdadms reruns it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import peer_tool
from xencfg import lint
from xencfg import rules as registry
from xencfg.formats.schema import Version

CASES = Path(__file__).parent / "fixtures" / "drbd-versions"
#: drbdadm mode -> the DRBD release lint is told (peer-drbdadm's
#: DRBD_DRIVER_VERSION_OVERRIDE: 8.3.16, 8.4.11, 9.2.0)
RELEASES = {"83": "8.3.16", "84": "8.4.11", "9": "9.2.0"}
#: case -> (mode -> accepted), from peer-drbdadm (8.3 as the case's first ``on`` host)
VERDICTS: dict[str, dict[str, bool]] = {
    # (8.3: not run: the wrapper puts both floating addresses on lo, and drbdadm 8.3 then
    # finds two sections for one machine; one address per machine is the real case)
    "c83-floating": {"84": True, "9": True},
    "c83-misc": {"83": True, "84": True, "9": False},
    "c83-stacked": {"83": True, "84": True, "9": False},
    "c83-syncer": {"83": True, "84": True, "9": False},
    "c84-layout": {"83": False, "84": True, "9": True},
    "c84-misc": {"83": False, "84": True, "9": True},
    "c84-volumes": {"83": False, "84": True, "9": False},
    "c9-conns": {"83": False, "84": False, "9": True},
    "c9-float": {"83": False, "84": False, "9": True},
    "c9-mesh": {"83": False, "84": False, "9": True},
    "c9-skip": {"83": False, "84": False, "9": True},
}
CASE_MODES = [(c, m) for c, modes in VERDICTS.items() for m in modes]


def _node(case: str) -> str:
    import re

    for p in sorted((CASES / case).rglob("*")):
        if p.is_file():
            m = re.search(r"^\s*on\s+([^\s{]+)", p.read_text(), re.M)
            if m:
                return m[1]
    return "alpha"


def _place(case: str, tmp_path: Path) -> Path:
    """The case as a node's /etc (``NODE/etc/drbd.conf`` and its drbd.d/)."""
    root = tmp_path / _node(case)
    shutil.copytree(CASES / case, root / "etc")
    return root


def test_every_case_has_verdicts() -> None:
    assert sorted(p.name for p in CASES.iterdir()) == sorted(VERDICTS)


@pytest.mark.parametrize(("case", "mode"), CASE_MODES, ids=[f"{c}-{m}" for c, m in CASE_MODES])
def test_lint_errors_where_drbdadm_refuses(case: str, mode: str, tmp_path: Path) -> None:
    root = _place(case, tmp_path)
    # (drbd-utils 9.22: the peer's; 9.29 reads 8.4's syncer spellings again)
    versions = {"drbd": Version.parse(RELEASES[mode]), "drbd-utils": Version.parse("9.22")}
    result = lint.run([str(root)], versions=versions)
    errors = [
        f"{f.code} {Path(f.path).name}:{f.line} {f.message}"
        for f in result.findings
        if f.severity == "error" and not getattr(registry.get(f.code), "hazard", False)
    ]
    if VERDICTS[case][mode]:
        assert errors == []
    else:
        assert errors, f"drbdadm {mode} refuses {case}, lint found no error"


@pytest.mark.parametrize("path", sorted(p for p in CASES.rglob("*") if p.is_file()), ids=str)
def test_round_trip_and_typed_edit(path: Path) -> None:
    text = path.read_text()
    doc = xencfg.load(path, format="drbd")
    assert xencfg.dumps(doc) == text
    touched = 0
    for res in doc.resource_list():
        for h in res.host_list:
            e = h.block.entry("address")
            if e is not None:
                h.address = " ".join(e.values).rsplit(":", 1)[0] + ":9999"
                touched += 1
                break
    out = xencfg.dumps(doc).splitlines()
    before = text.splitlines()
    assert len(out) == len(before)
    changed = [(a, b) for a, b in zip(before, out, strict=True) if a != b]
    assert len(changed) == touched
    assert all(b == a.replace(a.rsplit(":", 1)[1].rstrip(";} "), "9999", 1) for a, b in changed)


@pytest.mark.peer
@pytest.mark.parametrize(("case", "mode"), CASE_MODES, ids=[f"{c}-{m}" for c, m in CASE_MODES])
def test_verdicts_are_drbdadms(case: str, mode: str, tmp_path: Path) -> None:
    peer = peer_tool("peer-drbdadm", "drbdadm")
    root = _place(case, tmp_path)
    node = ["--node", root.name] if mode == "83" else []
    conf = root / "etc" / "drbd.conf"
    out = subprocess.run(
        [str(peer), "--mode", mode, *node, str(conf)],
        capture_output=True,
        text=True,
        cwd=conf.parent,
        timeout=120,
        check=False,
    )
    assert (out.returncode == 0) == VERDICTS[case][mode], out.stdout[:400]
