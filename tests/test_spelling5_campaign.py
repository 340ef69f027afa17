"""multipath.conf in the spellings of storage vendors' recommendations and of
multipath-tools eras (tests/fixtures/multipath/spelling5, our own files): lint gives no
error where ``multipath -t`` 0.9.4 accepts the file, and an error where it refuses it.

The fixtures: NetApp on RHEL 5 (0.4.7) and RHEL 6 (0.4.9), EMC CLARiiON on SLES 10,
Dell MD3000i (RDAC) and EqualLogic on RHEL 5, HP 3PAR on RHEL 6, IBM SVC/DS8000 on
SLES 11, a RHEL 4 (0.4.5) template, RHEL 5's "blacklist everything but" pattern, SLES 11
``prio_args``, and a 0.8/0.9-era file. ``multipath -t`` refuses two (``"*"`` as a regex:
"parsing failed", "error parsing config file"; MP001 says so); it accepts the others,
some with notes on the keywords 0.9.4 no longer reads (XC003/XC004 warnings).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, shared_path, unavailable
from lintkit import tree
from roundtrip import check_scanner
from xencfg import lint
from xencfg.formats import multipath

FILES = sorted((FIXTURES / "multipath" / "spelling5").glob("*.conf"))
#: The errors lint gives, per file (every other file: none).
ERRORS = {
    "dell-md3000-rhel5.conf": ["MP001"],  # blacklist device vendor "*"
    "rhel5-blacklist-all.conf": ["MP001"],  # devnode "*"
}


def _errors(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    root = tree(tmp_path, "n1", {"etc/multipath.conf": text})
    found = lint.run([str(root)]).findings
    return [(f.code, f.line) for f in found if f.severity == "error"]


def test_the_campaign_has_its_files() -> None:
    assert len(FILES) >= 11


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_spelling_loads_losslessly(path: Path) -> None:
    text = path.read_text()
    assert check_scanner("multipath", text, multipath._scan, multipath.parse_lark)
    assert xencfg.dumps(xencfg.load(path, "multipath")) == text


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_lint_errors_only_where_multipath_refuses(tmp_path: Path, path: Path) -> None:
    codes = [c for c, _ in _errors(tmp_path, path.read_text())]
    assert codes == ERRORS.get(path.name, [])


def _peer(tmp_path: Path, text: str) -> str:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(text)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    return out.stdout


@pytest.mark.peer
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_multipath_t_agrees(tmp_path: Path, path: Path) -> None:
    """Refused: "error parsing config file" (rc 1); else accepted, whatever it notes."""
    out = _peer(tmp_path, path.read_text())
    refused = "error parsing config file" in out
    assert refused == (path.name in ERRORS), out[:400]
    if not refused:
        # the merged configuration multipath prints is itself a file lint passes
        dump = out[out.index("\ndefaults {") + 1 :]
        assert _errors(tmp_path / "dump", dump) == []


#: The release each file was written for (its header says which distribution).
ERA = {
    "netapp-rhel5.conf": "0.4.7",
    "emc-clariion-sles10.conf": "0.4.7",
    "dell-md3000-rhel5.conf": "0.4.7",
    "equallogic-rhel5.conf": "0.4.7",
    "rhel5-blacklist-all.conf": "0.4.7",
    "rhel4-0.4.5.conf": "0.4.5",
    "netapp-rhel6.conf": "0.4.9",
    "hp-3par-rhel6.conf": "0.4.9",
    "ibm-svc-sles11.conf": "0.4.9",
    "sles11-prio-args.conf": "0.4.9",
    "modern-0.9.conf": "0.9.4",
}
RED_HAT = "Red Hat Enterprise Linux Server release 5.4 (Tikanga)\n"


@pytest.mark.parametrize("name", sorted(ERA))
@pytest.mark.parametrize("red_hat", [False, True], ids=["upstream", "redhat-release"])
def test_no_error_on_the_release_a_file_was_written_for(
    tmp_path: Path, name: str, red_hat: bool
) -> None:
    """Declared as its era's release: advice only (XC003/XC004), and the '*' regexes
    an error only where the build is upstream's (Red Hat's reads '*' as '.*': MP001)."""
    from xencfg.formats.schema import Version

    files = {"etc/multipath.conf": (FIXTURES / "multipath" / "spelling5" / name).read_text()}
    if red_hat:
        files["etc/redhat-release"] = RED_HAT
    root = tree(tmp_path, "n1", files)
    found = lint.run([str(root)], versions={"multipath-tools": Version.parse(ERA[name])})
    errors = [f.code for f in found.findings if f.severity == "error"]
    assert errors == ([] if red_hat else ERRORS.get(name, []))
