"""Hazard rules of session 29: a working configuration that fails under a fault."""

from __future__ import annotations

import shutil
from pathlib import Path

from xencfg import lint

FIXTURES = Path(__file__).parent / "fixtures"

_CLUSTER_CONF = """cluster:
\tnode_count = 2
\tname = xenpool

node:
\tip_port = 7777
\tip_address = 10.0.0.1
\tnumber = 0
\tname = xen1
\tcluster = xenpool

node:
\tip_port = 7777
\tip_address = 10.0.0.2
\tnumber = 1
\tname = xen2
\tcluster = xenpool
"""

_MULTIPATH = """defaults {
\tuser_friendly_names yes
\tno_path_retry 12
}
multipaths {
\tmultipath {
\t\twwid 36001405a1b2c3d4e5f60718293a4b5c6
\t\talias vmstore
\t}
}
"""


_TARGET = "iqn.2010-11.lan.example:san.vmstore"


def _ocfs2_on_iscsi(
    root: Path,
    threshold: str | None,
    timeout: int | None,
    portals: tuple[str, ...] = ("10.0.1.100", "10.0.2.100"),
) -> list[str]:
    """Two dom0s mounting OCFS2 on a multipathed iSCSI LUN (the o2cb stack's disk
    heartbeat) through ``portals``, with O2CB_HEARTBEAT_THRESHOLD and replacement_timeout
    as given (unset when ``None``)."""
    nodes = []
    for name in ("xen1", "xen2"):
        etc = root / name / "etc"
        for rel, text in (
            ("ocfs2/cluster.conf", _CLUSTER_CONF),
            ("multipath.conf", _MULTIPATH),
            (
                "iscsi/iscsid.conf",
                "node.startup = automatic\n"
                + (f"node.session.timeo.replacement_timeout = {timeout}\n" if timeout else ""),
            ),
            (
                "sysconfig/o2cb",
                "O2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=xenpool\n"
                + (f"O2CB_HEARTBEAT_THRESHOLD={threshold}\n" if threshold else ""),
            ),
        ):
            (etc / rel).parent.mkdir(parents=True, exist_ok=True)
            (etc / rel).write_text(text)
        for portal in portals:  # one record per path, as discovery writes them
            record = etc / "iscsi" / "nodes" / _TARGET / f"{portal},3260,1" / "default"
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(
                f"node.name = {_TARGET}\nnode.conn[0].address = {portal}\n"
                + (f"node.session.timeo.replacement_timeout = {timeout}\n" if timeout else "")
            )
        nodes.append(str(root / name))
    return nodes


def _oc012(nodes: list[str]) -> list[str]:
    return [f.message for f in lint.run(nodes, select=["OC012"]).findings]


def test_oc012_o2hb_fences_before_iscsi_fails_a_path_over(tmp_path: Path) -> None:
    """o2hb fences a node whose heartbeat write hangs (threshold - 1) x 2 s
    (fs/ocfs2/cluster/heartbeat.c o2hb_write_timeout, O2HB_MAX_WRITE_TIMEOUT_MS), and
    open-iscsi holds I/O on a dead session replacement_timeout s (DEF_REPLACEMENT_TIMEO
    120, usr/config.h) before multipath may use another path; Oracle's OCFS2 guide asks
    for a threshold of 61 or more with multipath. The default 31 (60 s) with the
    default 120 s reboots both nodes when one path dies."""
    said = _oc012(_ocfs2_on_iscsi(tmp_path / "bad", None, None))
    assert len(said) == 2
    assert said[0].startswith("on xen1, o2hb fences the node after 60 s")
    assert "120 s (open-iscsi's default)" in said[0]
    said = _oc012(_ocfs2_on_iscsi(tmp_path / "written", "31", 120))
    assert len(said) == 2 and "O2CB_HEARTBEAT_THRESHOLD=31" in said[0]


def test_oc012_quiet_when_path_failover_beats_the_heartbeat(tmp_path: Path) -> None:
    """replacement_timeout 5 (multipath queues meanwhile), or a threshold of 91 (180 s)
    above the 120 s: the path fails over before o2hb gives up."""
    assert _oc012(_ocfs2_on_iscsi(tmp_path / "short", None, 5)) == []
    assert _oc012(_ocfs2_on_iscsi(tmp_path / "high", "91", 120)) == []


def test_oc012_quiet_in_user_heartbeat_mode(tmp_path: Path) -> None:
    """With O2CB_HEARTBEAT_MODE=user (pacemaker's stack) o2hb writes no disk heartbeat."""
    nodes = _ocfs2_on_iscsi(tmp_path / "user", None, None)
    for n in nodes:
        conf = Path(n) / "etc" / "sysconfig" / "o2cb"
        conf.write_text(conf.read_text() + "O2CB_HEARTBEAT_MODE=user\n")
    assert _oc012(nodes) == []


def test_oc012_quiet_with_one_portal(tmp_path: Path) -> None:
    """One portal (a failover target pair behind one floating address, as
    lint-trees/iscsi-target-pair-four-dom0s): no other path to fail over to, so a
    shorter replacement_timeout would not keep o2hb's writes going; and without node
    records the number of paths is not known."""
    assert _oc012(_ocfs2_on_iscsi(tmp_path / "one", None, None, ("10.0.1.100",))) == []
    assert _oc012(_ocfs2_on_iscsi(tmp_path / "none", None, None, ())) == []


def test_oc012_on_unseen8_with_the_default_timeouts(tmp_path: Path) -> None:
    """unseen8's a1/a2 mount OCFS2 (o2cb stack) on a LUN they reach through two portals
    (node records 10.70.1.100 and 10.70.2.100) under multipath: with
    O2CB_HEARTBEAT_THRESHOLD=61 and replacement_timeout 15/20 the path fails over long
    before o2hb gives up (quiet); put back to the defaults (31, 120), both are named.
    b1/b2 run the pacemaker stack (no o2cb disk heartbeat of their own) and are not."""
    src = FIXTURES / "unseen8" / "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"
    root = tmp_path / "u8"
    shutil.copytree(src, root)
    for key in root.rglob("authkeys"):
        key.chmod(0o600)
    nodes = sorted(str(n) for n in root.iterdir() if (n / "etc").is_dir())
    assert _oc012(nodes) == []
    for path in [*root.rglob("iscsid.conf"), *root.rglob("nodes/*/*/default")]:
        text = path.read_text()
        for old in ("replacement_timeout = 15", "replacement_timeout = 20"):
            text = text.replace(old, "replacement_timeout = 120")
        path.write_text(text)
    for path in root.rglob("o2cb"):
        if path.is_file():
            path.write_text(path.read_text().replace("THRESHOLD=61", "THRESHOLD=31"))
    said = _oc012(nodes)
    assert [m.split(",")[0] for m in said] == ["on a1", "on a2"]


def _target_pair(tmp_path: Path, deadtime: str) -> list[str]:
    """lint-trees/iscsi-target-pair-four-dom0s/good (two IET boxes under heartbeat 1,
    four dom0s with OCFS2 on the o2cb stack, O2CB_HEARTBEAT_THRESHOLD=31: 60 s) with
    the boxes' ha.cf deadtime set to ``deadtime``."""
    root = tmp_path / deadtime
    shutil.copytree(
        FIXTURES / "lint-trees" / "iscsi-target-pair-four-dom0s" / "good",
        root,
    )
    for box in ("st1", "st2"):
        conf = root / box / "etc" / "ha.d" / "ha.cf"
        conf.write_text(conf.read_text().replace("deadtime 30", f"deadtime {deadtime}"))
    for key in root.rglob("authkeys"):
        key.chmod(0o600)
    return sorted(str(n) for n in root.iterdir())


def test_oc013_o2hb_fences_during_a_target_failover(tmp_path: Path) -> None:
    """No heartbeat write of the dom0s completes until the second box took the LUN over,
    which starts after heartbeat's deadtime on the boxes (ha.cf(5)); o2hb fences after
    (threshold - 1) x 2 s (heartbeat.c o2hb_write_timeout). With deadtime 60 against
    60 s every dom0 reboots at each storage failover; as written (30) the fixture is
    quiet."""
    said = [f.message for f in lint.run(_target_pair(tmp_path, "60"), select=["OC013"]).findings]
    assert [m.split(",")[0] for m in said] == ["on x1", "on x2", "on x3", "on x4"]
    assert "target box st1 waits 60 s (deadtime)" in said[0]
    assert lint.run(_target_pair(tmp_path, "30"), select=["OC013"]).findings == []
    assert lint.run(_target_pair(tmp_path, "59"), select=["OC013"]).findings == []
