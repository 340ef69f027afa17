"""The unseen10 sites' files run through the real daemons' own checks (peers in
../shared/oracle/peers), so the "true" verdicts of test_audit_unseen10_trees rest on
runs, not on reading: drbdadm per node in the mode of the node's module, xl on every
guest, corosync -t on the Ubuntu site, heartbeat on the Debian 7 pair."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import corosync_test, peer_tool
from lintkit import copy_site
from test_audit_unseen10_trees import NOBLE, REACTOR, UNSEEN10, WHEEZY

XL = "/usr/lib/xen-4.17/bin/xl"


def _peer(tool: str, requires: str, *args: str | Path) -> str:
    """A peer's output; its first line is the verdict (OK, WARN or REJECT ...)."""
    wrapper = peer_tool(tool, requires)
    res = subprocess.run(
        [str(wrapper), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )
    return res.stdout + res.stderr


def _drbdadm(mode: str, node: str, etc: Path, tmp_path: Path) -> str:
    """peer-drbdadm as ``node`` on the drbd configuration below ``etc``, its include
    files joined (the wrapper puts on lo only the addresses of the file it is given)."""
    parts = sorted((etc / "drbd.d").glob("*")) if (etc / "drbd.d").is_dir() else []
    text = "".join(
        line
        for p in parts or [etc / "drbd.conf"]
        for line in p.read_text().splitlines(True)
        if not line.startswith("include")
    )
    joined = tmp_path / f"{etc.parent.name}-{mode}-{node}.conf"
    joined.write_text(text)
    return _peer("peer-drbdadm", "drbdadm", "--mode", mode, "--node", node, joined)


def test_noble_peers(tmp_path: Path) -> None:
    """drbdadm-84 takes each node's files (a resource not naming the node is skipped);
    drbdadm 9 refuses ``fencing`` in ``disk``; xl takes the three guests; corosync 3.1
    takes the two-link knet file (its key named by ``keyfile``)."""
    root = copy_site(UNSEEN10 / NOBLE, tmp_path / "site")
    for node in ("nob1", "nob2", "nob3"):
        said = _drbdadm("84", node, root / node / "etc", tmp_path)
        assert said.startswith("OK"), said
    said = _drbdadm("9", "nob1", root / "nob1/etc", tmp_path)
    assert said.startswith("REJECT") and "but got 'fencing'" in said, said
    for guest in ("web", "app", "db"):
        said = _peer("peer-xl", XL, root / f"nob1/etc/xen/{guest}.cfg")
        assert said.startswith("OK"), said
    conf = tmp_path / "corosync.conf"
    key = root / "nob1/etc/corosync/authkey"
    text = (root / "nob1/etc/corosync/corosync.conf").read_text()
    conf.write_text(text.replace("totem {\n", f"totem {{\n    keyfile: {key}\n", 1))
    ok, said = corosync_test(conf, "10.110.0.11")
    assert ok, said


def test_reactor_peers(tmp_path: Path) -> None:
    """drbdadm 9 takes each node's files (the diskless tiebreaker's too); xl takes both
    guests."""
    root = UNSEEN10 / REACTOR
    for node in ("bk1", "bk2", "bk3"):
        said = _drbdadm("9", node, root / node / "etc", tmp_path)
        assert said.startswith("OK"), said
    for guest in ("web", "db"):
        said = _peer("peer-xl", XL, root / f"bk1/etc/xen/{guest}.cfg")
        assert said.startswith("OK"), said


def test_wheezy_peers(tmp_path: Path) -> None:
    """wa's 8.4 files: drbdadm-84 as wa OK, drbdadm-83 as wb refuses ``resync-rate``
    (the XC008 of the copied-files variant); wb's 8.3 file: drbdadm-83 as wb OK and
    drbdadm-84 as wa OK; heartbeat takes wa's ha.cf and authkeys (its interfaces
    moved to lo, all the namespace has)."""
    root = copy_site(UNSEEN10 / WHEEZY, tmp_path / "site")
    wa, wb = root / "wa/etc", root / "wb/etc"
    assert _drbdadm("84", "wa", wa, tmp_path).startswith("OK")
    said = _drbdadm("83", "wb", wa, tmp_path)
    assert said.startswith("REJECT") and "but got 'resync-rate'" in said, said
    assert _drbdadm("83", "wb", wb, tmp_path).startswith("OK")
    assert _drbdadm("84", "wa", wb, tmp_path).startswith("OK")
    hacf = tmp_path / "ha.cf"
    hacf.write_text(re.sub(r"eth[0-9]", "lo", (wa / "ha.d/ha.cf").read_text()))
    daemon = "/usr/libexec/heartbeat/heartbeat"
    said = _peer("peer-heartbeat", daemon, "--node", "wa", "--authkeys", wa / "ha.d/authkeys", hacf)
    assert said.startswith("OK"), said
