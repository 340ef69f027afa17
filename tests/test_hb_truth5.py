"""Cluster-messaging files in other people's spelling, judged as the daemons judge them.

tests/fixtures/hb-truth5 holds ha.cf directives beyond test_heartbeat_truth2's (msgfmt,
compression, time units, rtprio, debug, coredumps, uuidfrom, respawn with arguments,
stonith_host, mcast/ping_group slips, each after ``node xen1`` and one ucast),
corosync.conf (1.x openais era, 2.x nodelist with votequorum two_node, 3.x knet
links), OCFS2 cluster.conf (tabs or spaces, ``cluster:`` first or last, node numbers
with gaps, global heartbeat stanzas), haresources (continuations, IPaddr's
``/24/eth0/bcast``, ``::`` arguments) and authkeys (methods and key spellings), written
for these tests. A name ending in ``.refused`` (before the
extension) is a file the daemon refuses; every other one it accepts.

``test_lint_verdict`` checks that lint has an error exactly where the daemon refuses.
The ``test_*_daemon`` tests run the real daemon on the same files (skipped without it
or root, failed under CI=true):

* corosync 3.1.7 ``corosync -t -c FILE`` in a net namespace that owns the ring
  addresses, with a 1024-bit key in a private /etc/corosync. It judges what
  corosync 3 refuses; the 1.x file is judged as corosync 1.4 reads it (objdb_get_int
  is ``atoi``: ``token: 3000   # ms`` is 3000), so its corosync -t verdict is not
  asked for;
* ocfs2-tools 1.8.7 ``o2cb list-cluster`` (peer-o2cb);
* cluster-glue 1.0.12's ``ha_logd -v -c FILE`` for ha_logd.cf, in private mount, net
  and pid namespaces with /run and /var/log on tmpfs: refused is "Config file [...] is
  incorrect" (exit 6), accepted is still running after 2 s (``useapphbd``, which
  heartbeat 2.x's ha_logd read and cluster-glue refuses, is left to the release
  checks);
* heartbeat 3.0.6 for ha.cf (``peer-heartbeat``, authkeys ``1 crc``) and authkeys
  (``peer-heartbeat --check-authkeys``).

Left out on purpose, as they depend on the node and not the file: ``respawn nosuchuser
...`` ("Invalid uid"), ``bcast nosuchif0`` ("No such device"); and ``nice_failback on``,
which heartbeat starts with but runs as ``auto_failback legacy`` (lint's error there is
the documented hazard: "nice_failback on has been strictly interpreted as 'auto_failback
legacy'").

haresources' verdicts were measured with heartbeat 3.0.6 started on the file (a copy of
peer-heartbeat that installs it as /etc/ha.d/haresources, not kept: the shared wrapper
always writes an empty one). heartbeat/config.c parse_ha_resources is what judges it:
the first word of each line must be a node (``lookup_node``, "Bad nodename in
/etc/ha.d//haresources [drbddisk::r0]"), and a line goes on only where
``buf[strlen(buf)-2]=='\\\\'``: the backslash right before the newline. A blank, a
comment or a CR after the backslash ends the line, so the next line's first word is
read as a node name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SHARED, unavailable
from lintkit import tree
from xencfg import lint

FIXTURES = Path(__file__).parent / "fixtures" / "hb-truth5"
AUTHKEYS = "auth 1\n1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182\n"
HACF = "node xen1\nucast lo 127.0.0.2\n"
KEY = bytes(range(128))  # corosync 3 reads at least 1024 bits (totemconfig.c)

#: fixture folder -> where the file goes in a node tree, and the files beside it
PLACES: dict[str, tuple[str, dict[str, str]]] = {
    "hacf": ("etc/ha.d/ha.cf", {"etc/ha.d/authkeys": AUTHKEYS}),
    "corosync": ("etc/corosync/corosync.conf", {}),
    "ocfs2": ("etc/ocfs2/cluster.conf", {}),
    "haresources": (
        "etc/ha.d/haresources",
        {"etc/ha.d/authkeys": AUTHKEYS},
    ),
    "authkeys": ("etc/ha.d/authkeys", {"etc/ha.d/ha.cf": HACF}),
    "logd": ("etc/ha.d/ha_logd.cf", {}),
}


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.name != "ha.cf")


def _refused(path: Path) -> bool:
    return ".refused" in path.name


ALL = [p for kind in PLACES for p in _cases(kind)]


def _errors(tmp: Path, path: Path) -> list[str]:
    kind = path.parent.name
    rel, beside = PLACES[kind]
    files = {"etc/hostname": "xen1\n", **beside}
    if kind == "haresources":
        files["etc/ha.d/ha.cf"] = (FIXTURES / kind / "ha.cf").read_text()
    root = tree(tmp, "xen1", files)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    if kind == "authkeys":
        target.chmod(0o600)  # heartbeat's 0600 check (HB006) is not what these test
    if kind == "corosync":
        (root / "etc/corosync/authkey").write_bytes(KEY)
        (root / "etc/corosync/authkey").chmod(0o400)
    found = lint.run([str(root)]).findings
    return [f"{f.code} {f.message}" for f in found if f.severity == "error"]


@pytest.mark.parametrize("path", ALL, ids=[f"{p.parent.name}/{p.name}" for p in ALL])
def test_lint_verdict(path: Path, tmp_path: Path) -> None:
    errors = _errors(tmp_path, path)
    if _refused(path):
        assert errors, f"{path.name}: the daemon refuses it, lint says nothing"
    else:
        assert errors == [], errors


def test_knet_transport_word(tmp_path: Path) -> None:
    """CS015 for a link's knet_transport: corosync 3.1.7 "Unrecognised knet_transport.
    expected 'udp' or 'sctp'" (exec/totemconfig.c get_interface_params, strcmp), so a
    comment after the word or ``SCTP`` is refused; ``sctp`` and ``udp`` run."""
    bad = FIXTURES / "corosync" / "v3-knet-transport-comment.refused.conf"
    assert any(
        e.startswith("CS015 knet_transport sctp # or udp") for e in _errors(tmp_path / "a", bad)
    )
    good = FIXTURES / "corosync" / "v3-knet-two-links.conf"
    assert _errors(tmp_path / "b", good) == []


@pytest.mark.parametrize(
    ("line", "severity"),
    [
        ("rtprio 0", "error"),
        ("rtprio 100", "error"),
        ("rtprio abc", "error"),
        ("rtprio 99", None),
        ("rtprio 5x", "warning"),
        ("debug -1", "error"),
        ("debug 256", "error"),
        ("debug high", "warning"),
        ("debug 3x", "warning"),
        ("debug 255", None),
    ],
)
def test_rtprio_and_debug_as_atoi(line: str, severity: str | None, tmp_path: Path) -> None:
    """config.c set_realtime_prio: ``atoi``, refused outside
    sched_get_priority_min/max(SCHED_FIFO) (1..99: "Illegal realtime priority [100]");
    set_debuglevel: ``atoi``, refused outside 0..255, so ``debug high`` runs as 0."""
    root = tree(
        tmp_path,
        "xen1",
        {
            "etc/hostname": "xen1\n",
            "etc/ha.d/authkeys": AUTHKEYS,
            "etc/ha.d/ha.cf": f"{HACF}{line}\n",
        },
    )
    found = [f for f in lint.run([str(root)], select=["XC005"]).findings]
    assert [f.severity for f in found] == ([severity] if severity else []), found


def test_haresources_continuation_needs_backslash_last() -> None:
    """heartbeat/config.c parse_ha_resources: ``while (buf[strlen(buf)-2]=='\\\\')`` joins
    the next line only when the backslash is the last character before the newline;
    after a blank, a comment or a CR the next line is a group of its own."""
    import xencfg
    from xencfg.formats.lines.haresources import HaresourcesDocument

    joined = xencfg.loads("xen1 IPaddr::10.0.0.100 \\\n\tdrbddisk::r0\n", "haresources")
    assert isinstance(joined, HaresourcesDocument)
    assert [g.node for g in joined.groups] == ["xen1"]
    for tail in (" \\  \n", " \\ # vip\n", " \\\r\n"):
        doc = xencfg.loads(f"xen1 IPaddr::10.0.0.100{tail}\tdrbddisk::r0\n", "haresources")
        assert isinstance(doc, HaresourcesDocument)
        assert [g.node for g in doc.groups] == ["xen1", "drbddisk::r0"], repr(tail)


# -- the real daemons --------------------------------------------------------------


def _need_root() -> None:
    if os.geteuid() != 0:
        unavailable("the daemon runs in namespaces, which needs root")


COROSYNC_CASES = [p for p in _cases("corosync") if not p.name.startswith("v1-")]


@pytest.mark.peer
@pytest.mark.parametrize("path", COROSYNC_CASES, ids=[p.name for p in COROSYNC_CASES])
def test_corosync_daemon(path: Path, tmp_path: Path) -> None:
    corosync = shutil.which("corosync") or "/usr/sbin/corosync"
    if not Path(corosync).exists():
        unavailable("corosync is not installed (apt: corosync)")
    _need_root()
    key = tmp_path / "authkey"
    key.write_bytes(KEY)
    script = (
        "ip link set lo up; ip addr add 10.0.0.1/24 dev lo; ip addr add 192.168.1.1/24 dev lo;"
        ' mount -t tmpfs none /etc/corosync && cp "$1" /etc/corosync/authkey &&'
        ' chmod 400 /etc/corosync/authkey && exec "$2" -t -c "$0"'
    )
    proc = subprocess.run(
        ["unshare", "-m", "-n", "sh", "-c", script, str(path), str(key), corosync],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode != 0) == _refused(path), proc.stdout + proc.stderr


OCFS2_CASES = _cases("ocfs2")
PEER_O2CB = SHARED / "oracle" / "peers" / "peer-o2cb"


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", OCFS2_CASES, ids=[p.name for p in OCFS2_CASES])
def test_o2cb_daemon(path: Path) -> None:
    if not PEER_O2CB.exists():
        unavailable(f"{PEER_O2CB} is missing")
    if shutil.which("o2cb") is None and not Path("/usr/sbin/o2cb").exists():
        unavailable("o2cb is not installed (apt: ocfs2-tools)")
    proc = subprocess.run(
        [str(PEER_O2CB), str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (proc.returncode != 0) == _refused(path), proc.stdout + proc.stderr


HACF_CASES = _cases("hacf")
PEER_HB = SHARED / "oracle" / "peers" / "peer-heartbeat"


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", HACF_CASES, ids=[p.name for p in HACF_CASES])
def test_hacf_daemon(path: Path) -> None:
    if not PEER_HB.exists():
        unavailable(f"{PEER_HB} is missing")
    if not Path("/usr/libexec/heartbeat/heartbeat").exists():
        unavailable("heartbeat is not installed (apt: heartbeat)")
    _need_root()
    proc = subprocess.run(
        [str(PEER_HB), "--node", "xen1", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode != 0) == _refused(path), proc.stdout + proc.stderr


LOGD_CASES = _cases("logd")
HA_LOGD = Path("/usr/lib/heartbeat/ha_logd")


@pytest.mark.peer
@pytest.mark.parametrize("path", LOGD_CASES, ids=[p.name for p in LOGD_CASES])
def test_logd_daemon(path: Path) -> None:
    if not HA_LOGD.exists():
        unavailable(f"{HA_LOGD} is not installed (apt: cluster-glue)")
    _need_root()
    script = (
        "mount -t tmpfs none /run && mount -t tmpfs none /var/log && mkdir -p /run/heartbeat"
        ' && timeout 2 "$1" -v -c "$0"'
    )
    proc = subprocess.run(
        [
            "unshare",
            "-m",
            "-n",
            "-p",
            "-f",
            "--mount-proc",
            "sh",
            "-c",
            script,
            str(path),
            str(HA_LOGD),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = proc.stdout + proc.stderr
    refused = "is incorrect" in out
    assert refused or proc.returncode == 124, out  # (124: still running when timed out)
    assert refused == _refused(path), out


AUTHKEYS_CASES = _cases("authkeys")


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", AUTHKEYS_CASES, ids=[p.name for p in AUTHKEYS_CASES])
def test_authkeys_daemon(path: Path, tmp_path: Path) -> None:
    if not PEER_HB.exists():
        unavailable(f"{PEER_HB} is missing")
    if not Path("/usr/libexec/heartbeat/heartbeat").exists():
        unavailable("heartbeat is not installed (apt: heartbeat)")
    _need_root()
    ak = tmp_path / "authkeys"
    ak.write_bytes(path.read_bytes())
    ak.chmod(0o600)
    proc = subprocess.run(
        [str(PEER_HB), "--check-authkeys", str(ak)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode != 0) == _refused(path), proc.stdout + proc.stderr
