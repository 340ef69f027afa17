"""DR046: a stacked resource whose lower resource the node's drbd configuration does
not define. The failing tree is a disaster-recovery node given only the upper
resource's file; the passing one has the lower resource's file too (no section for
the node). drbdadm 8.3, 8.4 and 9 (peer-drbdadm) refuse the first and accept the
second."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from lintkit import found, tree

DRBD_CONF = 'global {\n\tusage-count no;\n}\ninclude "drbd.d/*.res";\n'
LOWER = (
    "resource r0 {\n\tprotocol C;\n"
    "\ton alpha {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.1.1:7788;\n\t\tmeta-disk internal;\n\t}\n"
    "\ton beta {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.1.2:7788;\n\t\tmeta-disk internal;\n\t}\n}\n"
)
UPPER = (
    "resource r0-U {\n\tprotocol A;\n"
    "\tstacked-on-top-of r0 {\n\t\tdevice /dev/drbd10;\n\t\taddress 192.168.5.10:7789;\n\t}\n"
    "\ton dr {\n\t\tdevice /dev/drbd10;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 192.168.5.30:7789;\n\t\tmeta-disk internal;\n\t}\n}\n"
)


def _dr_node(tmp: Path, name: str, with_lower: bool) -> Path:
    files = {"etc/hostname": "dr\n", "etc/drbd.conf": DRBD_CONF, "etc/drbd.d/r0-U.res": UPPER}
    if with_lower:
        files["etc/drbd.d/r0.res"] = LOWER
    return tree(tmp, name, files)


def test_dr046_stacked_on_an_undefined_resource(tmp_path: Path) -> None:
    bad = _dr_node(tmp_path, "bad", with_lower=False)
    good = _dr_node(tmp_path, "good", with_lower=True)
    assert found("DR046", bad) == [("DR046", "r0-U.res", 3, [])]
    assert found("DR046", good) == []


def test_dr046_not_judged_without_the_whole_configuration(tmp_path: Path) -> None:
    """The upper resource's file linted alone, or a drbd.conf whose plain include is
    missing (DR027's): the lower resource may be in a file lint does not see."""
    bad = _dr_node(tmp_path, "bad", with_lower=False)
    assert found("DR046", bad / "etc" / "drbd.d" / "r0-U.res") == []
    (bad / "etc" / "drbd.conf").write_text(DRBD_CONF + 'include "drbd.d/r0.conf";\n')
    assert found("DR046", bad) == []


@pytest.mark.parametrize("mode", ["83", "84", "9"])
def test_dr046_verdicts_are_drbdadms(tmp_path: Path, mode: str) -> None:
    """peer-drbdadm --node dr on the two trees' files concatenated (the wrapper puts the
    addresses of the file it is given on lo): "referenced resource 'r0' not defined"
    (rc 10) without r0, OK with it. The 8.4 and 9 parsers take ``protocol`` in ``net``
    (8.4 reads the resource-level one too, 9 does not)."""
    peer = peer_tool("peer-drbdadm", "drbdadm")

    def verdict(text: str) -> tuple[int, str]:
        if mode == "9":
            text = text.replace("\tprotocol C;\n", "\tnet {\n\t\tprotocol C;\n\t}\n")
            text = text.replace("\tprotocol A;\n", "\tnet {\n\t\tprotocol A;\n\t}\n")
        conf = tmp_path / f"dr-{mode}-{len(text)}.conf"
        conf.write_text(text)
        p = subprocess.run(
            [str(peer), "--mode", mode, "--node", "dr", str(conf)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return p.returncode, p.stdout

    rc, out = verdict("global {\n\tusage-count no;\n}\n" + UPPER)
    assert rc == 1 and "referenced resource 'r0' not defined" in out
    assert verdict("global {\n\tusage-count no;\n}\n" + LOWER + UPPER)[0] == 0
