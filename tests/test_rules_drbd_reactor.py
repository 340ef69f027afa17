"""DR047: drbd-reactor's promoter runs a DRBD resource without DRBD quorum.

drbd-reactor doc/promoter.md ("DRBD resource configuration") has the promoter's
resources set ``quorum majority`` with ``on-no-quorum io-error`` (or ``suspend-io`` to
freeze): the promoter promotes wherever DRBD says the resource may be promoted and runs
no fencing of its own, so without quorum both sides of a split promote. peer-drbdadm
--mode 9 --node alpha takes the resource below with and without the ``options``.
"""

from __future__ import annotations

import os
from pathlib import Path

from lintkit import found, tree

RES = """resource r0 {
  device /dev/drbd0;
  disk /dev/vg0/r0;
  meta-disk internal;
OPTIONS  on alpha { node-id 0; address 192.0.2.1:7789; }
  on beta { node-id 1; address 192.0.2.2:7789; }
  on gamma { node-id 2; address 192.0.2.3:7789; disk none; }
  connection-mesh { hosts alpha beta gamma; }
}
"""
QUORUM = "  options { quorum majority; on-no-quorum io-error; }\n"
PROMOTER = '[[promoter]]\n[promoter.resources.r0]\nstart = ["xl-domu@web.service"]\n'
WANTS = "etc/systemd/system/multi-user.target.wants"


def _node(tmp: Path, options: str, reactor: dict[str, str]) -> Path:
    files = {"etc/hostname": "alpha\n", "etc/drbd.conf": RES.replace("OPTIONS", options)}
    return tree(tmp, "alpha", {**files, **reactor})


def test_dr047_promoter_without_quorum(tmp_path: Path) -> None:
    """A snippet in /etc/drbd-reactor.d lists r0, whose options set no quorum: DR047 at
    the resource; with ``quorum majority``: nothing."""
    bad = _node(tmp_path / "bad", "", {"etc/drbd-reactor.d/r0.toml": PROMOTER})
    assert found("DR047", bad) == [("DR047", "drbd.conf", 1, [])]
    ok = _node(tmp_path / "ok", QUORUM, {"etc/drbd-reactor.d/r0.toml": PROMOTER})
    assert found("DR047", ok) == []


def test_dr047_needs_the_promoter_to_list_the_resource(tmp_path: Path) -> None:
    """No drbd-reactor configuration, a promoter for another resource, a snippet TOML
    does not read (drbd-reactor refuses it), drbd-reactor's main file listing r0 while
    its snippets folder is elsewhere: nothing, nothing, nothing, DR047."""
    assert found("DR047", _node(tmp_path / "a", "", {})) == []
    other = PROMOTER.replace("resources.r0", "resources.r1")
    assert found("DR047", _node(tmp_path / "b", "", {"etc/drbd-reactor.d/r1.toml": other})) == []
    broken = {"etc/drbd-reactor.d/r0.toml": PROMOTER + "start = [\n"}
    assert found("DR047", _node(tmp_path / "c", "", broken)) == []
    main = {"etc/drbd-reactor.toml": 'snippets = "/etc/reactor.d"\n' + PROMOTER}
    assert found("DR047", _node(tmp_path / "d", "", main)) == [("DR047", "drbd.conf", 1, [])]


def test_dr047_reactor_not_started_at_boot(tmp_path: Path) -> None:
    """The node's systemd starts no drbd-reactor (other units enabled, not it): the
    promoter does not run, so nothing; with drbd-reactor.service wanted: DR047."""
    snippet = {"etc/drbd-reactor.d/r0.toml": PROMOTER}
    root = _node(tmp_path, "", snippet)
    (root / WANTS).mkdir(parents=True)
    os.symlink("/lib/systemd/system/ssh.service", root / WANTS / "ssh.service")
    assert found("DR047", root) == []
    os.symlink("/lib/systemd/system/drbd-reactor.service", root / WANTS / "drbd-reactor.service")
    assert found("DR047", root) == [("DR047", "drbd.conf", 1, [])]


def test_dr047_snippet_that_is_a_fifo_or_a_link_out(tmp_path: Path) -> None:
    """A FIFO and a link to this machine's /etc/passwd as snippets: read as nothing, no
    hang, no traceback (discover.etc_file_text reads regular files inside the tree)."""
    root = _node(tmp_path, "", {})
    folder = root / "etc/drbd-reactor.d"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "r0.toml")
    os.symlink("/etc/passwd", folder / "out.toml")
    assert found("DR047", root) == []
