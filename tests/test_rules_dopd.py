"""DR045: drbd-peer-outdater as the fence-peer handler where no dopd runs.

The verdict rests on two sources (read through the search tool):
- drbd-peer-outdater.c (heartbeat's tools, later drbd-utils' user/): ``new_client->rc = 5;
  /* default: down/unreachable */`` and, when the dopd channel cannot be opened, "Could
  not connect to ... channel" then ``dop_exit(new_client)`` with that code;
- drbd_nl.c (8.3, 8.4 and 9), the fence-peer exit codes: ``case 5: /* peer was down */``
  with an UpToDate disk sets the peer's disk Outdated, "peer is unreachable, assumed to be
  dead": the peer is never asked.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import corosync_pair, found, messages, tree

DRBD = """resource r0 {
\tprotocol C;
\tdisk { fencing resource-only; }
\thandlers { fence-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }
\ton alpha { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }
\ton beta { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }
}
"""
HACF = """node alpha beta
bcast eth0
ucast eth1 10.0.0.1
auto_failback off
"""
DOPD = "respawn hacluster /usr/lib/heartbeat/dopd\napiauth dopd gid=haclient uid=hacluster\n"
AUTHKEYS = "auth 1\n1 sha1 0c5bd29e6d8a1f4b7e3c9a02f8d1b6e4\n"
COROSYNC = corosync_pair("\ttwo_node: 1\n")


def _pair(tmp: Path, extra: dict[str, str], drbd: str = DRBD) -> list[Path]:
    return [tree(tmp, name, {"etc/drbd.conf": drbd, **extra}) for name in ("alpha", "beta")]


def _heartbeat(hacf: str) -> dict[str, str]:
    return {"etc/ha.d/ha.cf": hacf, "etc/ha.d/authkeys": AUTHKEYS}


def test_heartbeat_with_dopd_passes(tmp_path: Path) -> None:
    """The DRBD user's guide's set-up: ha.cf respawns dopd and lets it sign on."""
    assert found("DR045", *_pair(tmp_path, _heartbeat(HACF + DOPD))) == []


def test_heartbeat_without_dopd_fails(tmp_path: Path) -> None:
    """ha.cf starts no dopd: the outdater exits 5 on each node."""
    rows = found("DR045", *_pair(tmp_path, _heartbeat(HACF)))
    assert rows == [("DR045", "drbd.conf", 1, [1]), ("DR045", "drbd.conf", 1, [1])]
    said = messages("DR045", *_pair(tmp_path / "again", _heartbeat(HACF)))
    assert "no dopd answers on alpha: its ha.cf starts no dopd" in said[0]


def test_corosync_node_keeps_heartbeat_handler_fails(tmp_path: Path) -> None:
    """A cluster moved to corosync that kept the heartbeat-era handler."""
    roots = _pair(tmp_path, {"etc/corosync/corosync.conf": COROSYNC})
    said = messages("DR045", *roots)
    assert len(said) == 2
    assert "it runs corosync" in said[0] and "dopd is a heartbeat client" in said[0]


def test_crm_fence_peer_on_corosync_passes(tmp_path: Path) -> None:
    """Pacemaker's own handler needs no dopd."""
    drbd = DRBD.replace(
        '"/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }',
        '"/usr/lib/drbd/crm-fence-peer.sh";\n'
        '\t\tafter-resync-target "/usr/lib/drbd/crm-unfence-peer.sh"; }',
    )
    roots = _pair(tmp_path, {"etc/corosync/corosync.conf": COROSYNC}, drbd)
    assert found("DR045", *roots) == []


def test_no_fencing_policy_is_dr042s(tmp_path: Path) -> None:
    """Under ``dont-care`` DRBD never calls the handler: DR042 says so, not DR045."""
    drbd = DRBD.replace("\tdisk { fencing resource-only; }\n", "")
    roots = _pair(tmp_path, _heartbeat(HACF), drbd)
    assert found("DR045", *roots) == []
    assert len(found("DR042", *roots)) == 2


def test_both_stacks_or_none_not_judged(tmp_path: Path) -> None:
    """ha.cf beside corosync.conf (the new stack installed ahead of the switch), or no
    stack file at all: the files cannot say whether dopd runs."""
    both = _pair(tmp_path / "both", {**_heartbeat(HACF), "etc/corosync/corosync.conf": COROSYNC})
    assert found("DR045", *both) == []
    assert found("DR045", *_pair(tmp_path / "none", {})) == []
