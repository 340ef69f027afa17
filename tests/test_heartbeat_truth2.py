"""ha.cf spellings other people write, judged as heartbeat 3.0.6 judges them.

Each case is an ha.cf as found in how-tos and running clusters, with heartbeat's verdict
(does it start?) and the config.c / HBcomm plugin line behind it (heartbeat 3.0.6,
``heartbeat/config.c``; ``lib/plugins/HBcomm/mcast.c``; ``include/heartbeat.h``).
``test_lint_verdict`` checks that lint errs exactly where heartbeat refuses (no
error where it starts), always; ``test_heartbeat_verdict`` starts the real daemon
through ``peer-heartbeat`` (skipped without the peer or root, failed under CI=true).

The reading rules behind most of the cases, from config.c parse_config:

* a line is cut at the first ``#`` (line 762) and at the first CR or LF (line 767), so
  comments after values, tabs and CRLF files read as the plain line;
* directive names are compared with ``strcmp`` (islegaldirective, line 1153): ``Node``
  and ``Keepalive`` are "Illegal directive";
* a directive of the Directives[] table is read word by word (lines 841-852: one
  add_option per word), and words end at blanks *or commas* (DELIMS ``", \\t\\n\\r\\f"``,
  include/heartbeat.h line 150): ``node xen1,xen2`` is two nodes, ``keepalive 2,`` is 2,
  ``keepalive 2 3`` runs with 3;
* the whole-line directives (WLdirectives[], line 190: stonith, stonith_host, apiauth,
  respawn, failfast) and the media plugins with a ``parse`` function (ucast, mcast,
  ping_group) get the rest of the line in one piece.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import SHARED, unavailable
from lintkit import tree
from xencfg import lint

AUTHKEYS = "auth 1\n1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182\n"
UCAST = "ucast lo 127.0.0.2\n"

#: (id, ha.cf, heartbeat starts, lint errs anyway: a documented hazard heartbeat does
#: not refuse). The peer's node (hostname) is the first node name.
CASES: list[tuple[str, str, bool, bool]] = [
    # -- directive case: strcmp (config.c islegaldirective, line 1153)
    ("directive-case", "node xen1\nKeepalive 2\n" + UCAST, False, False),
    ("node-case", "Node xen1\nnode xen1\n" + UCAST, False, False),
    # -- node lines: add_normal_node per word (line 1518), names lowercased (line 1362)
    ("node-several-names", "node xen1 xen2 xen3\n" + UCAST, True, False),
    ("node-several-lines", "node xen1\nnode xen2\n" + UCAST, True, False),
    ("node-commas", "node xen1,xen2\n" + UCAST, True, False),
    ("node-comma-blank", "node xen1, xen2\n" + UCAST, True, False),
    ("node-stray-commas", "node ,xen1,\n" + UCAST, True, False),
    ("node-name-case", "node xen1 XEN2\n" + UCAST, True, False),
    # -- media: ucast to both nodes' addresses (one file for both nodes), bcast with two
    #    interfaces (bcast.c has a 'new' per word), mcast with ttl/loop, serial + baud
    (
        "ucast-both-addresses",
        "node xen1 xen2\nucast lo 127.0.0.1\nucast lo 127.0.0.2\n",
        True,
        False,
    ),
    ("bcast-two-interfaces", "node xen1\nbcast lo lo\n", True, False),
    ("bcast-comma", "node xen1\nbcast lo,lo\n", True, False),
    ("mcast", "node xen1\nmcast lo 239.0.0.1 694 1 0\n", True, False),
    ("mcast-loop-1", "node xen1\nmcast lo 239.0.0.1 694 3 1\n", True, False),
    ("mcast-ttl-4", "node xen1\nmcast lo 239.0.0.1 694 4 0\n", True, False),
    # mcast.c mcast_parse line 261: "bad ttl" above 4, after the u_char cast of atoi
    ("mcast-ttl-5", "node xen1\nmcast lo 239.0.0.1 694 5 0\n", False, False),
    # TTL 0 (and 256, cast to 0) starts, but the kernel never sends the packet out
    # (RFC 1112 6.1; Linux ip_mc_output: "Multicasts with ttl 0 must not go beyond the
    # host"); doc/ha.cf: the ttl "Must be greater than zero"
    ("mcast-ttl-0", "node xen1\nmcast lo 239.0.0.1 694 0 0\n", True, True),
    ("mcast-ttl-256", "node xen1\nmcast lo 239.0.0.1 694 256 0\n", True, True),
    # mcast.c line 277: "bad loop" above 1; 256 is cast to 0
    ("mcast-loop-2", "node xen1\nmcast lo 239.0.0.1 694 1 2\n", False, False),
    ("mcast-loop-256", "node xen1\nmcast lo 239.0.0.1 694 1 256\n", True, False),
    ("mcast-extra-word", "node xen1\nmcast lo 239.0.0.1 694 1 0 extra\n", True, False),
    ("serial-baud", "node xen1\nbaud 19200\nserial /dev/ttyS0\n" + UCAST, True, False),
    # set_baudrate line 1640 "Baudrate multiply specified", even the same speed
    ("baud-twice", "node xen1\nbaud 19200\nbaud 19200\n" + UCAST, False, False),
    ("baud-comma", "node xen1\nbaud 19200,19200\n" + UCAST, False, False),
    # set_watchdogdev line 1589 "Watchdog device multiply specified"
    (
        "watchdog-twice",
        "node xen1\nwatchdog /dev/watchdog\nwatchdog /dev/watchdog\n" + UCAST,
        False,
        False,
    ),
    ("udpport-twice", "node xen1\nudpport 694\nudpport 694\n" + UCAST, True, False),
    # -- autojoin (set_autojoin, strcasecmp, line 2796); 'any' needs no node line
    ("autojoin-any", "autojoin any\ncrm on\n" + UCAST, True, False),
    ("autojoin-other", "node xen1\nautojoin other\ncrm on\n" + UCAST, True, False),
    ("autojoin-none", "node xen1\nautojoin none\n" + UCAST, True, False),
    # -- clients: apiauth, respawn, failfast (WLdirectives[], line 190)
    (
        "apiauth-ipfail",
        "node xen1\napiauth ipfail gid=haclient uid=hacluster\n" + UCAST,
        True,
        False,
    ),
    ("respawn", "node xen1\nrespawn hacluster /bin/sleep 3600\n" + UCAST, True, False),
    (
        "respawn-ipfail",
        "node xen1\nrespawn hacluster /usr/lib/heartbeat/ipfail\n" + UCAST,
        True,
        False,
    ),
    ("failfast", "node xen1\nfailfast hacluster /bin/sleep 3600\n" + UCAST, True, False),
    # add_client_child_base line 2167: "Client child command [ipfail] is not full pathname"
    ("respawn-relative", "node xen1\nrespawn hacluster ipfail\n" + UCAST, False, False),
    ("failfast-relative", "node xen1\nfailfast hacluster bin/sleep\n" + UCAST, False, False),
    # set_api_authorization lines 2434-2467: uid=/gid= lists only, each once, one at least
    (
        "apiauth-lists",
        "node xen1\napiauth evms uid=hacluster,root gid=haclient\n" + UCAST,
        True,
        False,
    ),
    ("apiauth-client-only", "node xen1\napiauth evms\n" + UCAST, False, False),
    (
        "apiauth-two-uid-lists",
        "node xen1\napiauth evms uid=root uid=hacluster\n" + UCAST,
        False,
        False,
    ),
    ("apiauth-bare-user", "node xen1\napiauth evms hacluster\n" + UCAST, False, False),
    # ucast.c reads the rest of the line: one peer, no comma list ("cannot resolve hostname")
    ("ucast-comma", "node xen1\nucast lo 127.0.0.2,127.0.0.3\n", False, False),
    # -- the CRM switch: cl_str_to_boolean or set_pcmk_support's words (lines 2741-2751)
    *[
        (f"crm-{v}", f"node xen1\ncrm {v}\n" + UCAST, True, False)
        for v in ("yes", "on", "respawn", "true", "Yes", "y", "1", "minimal", "manual")
    ],
    ("crm-valgrind", "node xen1\ncrm valgrind\n" + UCAST, True, False),
    ("crm-ccm-only", "node xen1\ncrm ccm-only\n" + UCAST, True, False),
    ("pacemaker-respawn", "node xen1\npacemaker respawn\n" + UCAST, True, False),
    # set_pcmk_support line 2735: a second word is "used multiple times!"
    ("crm-two-words", "node xen1\ncrm on,off\n" + UCAST, False, False),
    # apiauth for a client the switch authorises (lines 2696-2705, 2768)
    ("crm-on-apiauth-pingd", "node xen1\ncrm on\napiauth pingd uid=root\n" + UCAST, False, False),
    (
        "crm-on-apiauth-stonith-ng",
        "node xen1\ncrm on\napiauth stonith-ng uid=root\n" + UCAST,
        False,
        False,
    ),
    (
        "crm-minimal-apiauth-cib",
        "node xen1\ncrm minimal\napiauth cib uid=hacluster\n" + UCAST,
        False,
        False,
    ),
    (
        "crm-minimal-apiauth-attrd",
        "node xen1\ncrm minimal\napiauth attrd uid=hacluster\n" + UCAST,
        True,
        False,
    ),
    (
        "crm-valgrind-apiauth-attrd",
        "node xen1\ncrm valgrind\napiauth attrd uid=hacluster\n" + UCAST,
        False,
        False,
    ),
    # crmd_spawns_pengine before the switch only (set_pengine_by_crm, line 2581)
    ("spawns-pengine-before", "node xen1\ncrmd_spawns_pengine yes\ncrm on\n" + UCAST, True, False),
    ("spawns-pengine-after", "node xen1\ncrm on\ncrmd_spawns_pengine yes\n" + UCAST, False, False),
    # set_crm_daemon_dir line 2572 takes fail_if_after_pacemaker's HA_OK for a failure
    (
        "crm-daemon-dir",
        "node xen1\ncrm_daemon_dir /usr/lib/heartbeat\ncrm on\n" + UCAST,
        False,
        False,
    ),
    (
        "crm-daemon-dir-alone",
        "node xen1\ncrm_daemon_dir /usr/lib/heartbeat\n" + UCAST,
        False,
        False,
    ),
    # -- compression, logging, realtime (Directives[], lines 137-181)
    ("compression-bz2", "node xen1\ncompression bz2\n" + UCAST, True, False),
    ("traditional-compression", "node xen1\ntraditional_compression yes\n" + UCAST, True, False),
    ("deadping", "node xen1\ndeadping 40\nping 127.0.0.3\n" + UCAST, True, False),
    # init_config line 481: "Ping dead time [3000] is too small compared to keeplive
    # [2000]", ping node or not
    (
        "deadping-small",
        "node xen1\nkeepalive 2\ndeadping 3\nping 127.0.0.3\n" + UCAST,
        False,
        False,
    ),
    ("deadping-small-no-ping", "node xen1\nkeepalive 2\ndeadping 4\n" + UCAST, False, False),
    ("ping-two", "node xen1\nping 127.0.0.3 127.0.0.4\n" + UCAST, True, False),
    ("ping-comma", "node xen1\nping 127.0.0.3,127.0.0.4\n" + UCAST, True, False),
    ("ping-group", "node xen1\nping_group group1 127.0.0.3 127.0.0.4\n" + UCAST, True, False),
    ("realtime", "node xen1\nrealtime on\n" + UCAST, True, False),
    ("debugfile", "node xen1\ndebugfile /var/log/ha-debug\n" + UCAST, True, False),
    ("use-logd", "node xen1\nuse_logd yes\n" + UCAST, True, False),
    # set_logdconntime line 2094: cl_get_msec, as keepalive; 0 is refused
    ("conn-logd-time", "node xen1\nconn_logd_time 60\n" + UCAST, True, False),
    ("conn-logd-time-ms", "node xen1\nconn_logd_time 500ms\n" + UCAST, True, False),
    ("conn-logd-time-0", "node xen1\nconn_logd_time 0\n" + UCAST, False, False),
    ("auto-failback-legacy", "node xen1\nauto_failback legacy\n" + UCAST, True, False),
    ("upper-case-values", "node xen1\ncrm Yes\nauto_failback ON\n" + UCAST, True, False),
    # -- timings: keepalive units (cl_get_msec), warntime is only checked for > 0
    #    (set_warntime_ms line 1796), initdead only against deadtime (line 481)
    ("keepalive-500ms", "node xen1\nkeepalive 500ms\ndeadtime 10\n" + UCAST, True, False),
    ("keepalive-comma", "node xen1\nkeepalive 2,\n" + UCAST, True, False),
    ("keepalive-two-words", "node xen1\nkeepalive 2 3\n" + UCAST, True, False),
    ("deadtime-comma", "node xen1\ndeadtime 30,\n" + UCAST, True, False),
    (
        "warntime-over-deadtime",
        "node xen1\nkeepalive 2\nwarntime 40\ndeadtime 30\ninitdead 60\n" + UCAST,
        True,
        False,
    ),
    (
        "initdead-under-twice-deadtime",
        "node xen1\nkeepalive 2\ndeadtime 30\ninitdead 40\n" + UCAST,
        True,
        False,
    ),
    # -- comments after values, tabs, CRLF (lines 762, 767)
    (
        "comments-after-values",
        "node xen1 # me\nkeepalive 2 # two seconds\ndeadtime 30# glued\n" + UCAST,
        True,
        False,
    ),
    ("tabs", "node\txen1\txen2\nkeepalive\t2\n\tdeadtime\t30\n" + UCAST, True, False),
    (
        "crlf",
        "node xen1 xen2\r\nkeepalive 2\r\ndeadtime 30\r\ncrm on\r\nucast lo 127.0.0.2\r\n",
        True,
        False,
    ),
    # (a program that exists: the peer's stub for a missing one keeps the CR in its name)
    (
        "crlf-respawn",
        "node xen1 xen2\r\nrespawn hacluster /bin/sleep 3600\r\nucast lo 127.0.0.2\r\n",
        True,
        False,
    ),
]

IDS = [c[0] for c in CASES]


def _first_node(text: str) -> str:
    for line in text.splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) > 1 and parts[0] == "node":
            return parts[1].lower()
    return "peercheck"


def _errors(tmp: Path, text: str) -> list[str]:
    """lint's errors on ha.cf in a node tree named as heartbeat's node (its etc/hostname)."""
    host = _first_node(text)
    root = tree(tmp, host, {"etc/ha.d/authkeys": AUTHKEYS, "etc/hostname": host + "\n"})
    (root / "etc/ha.d/ha.cf").write_bytes(text.encode())
    found = lint.run([str(root)]).findings
    return [f"{f.code} {f.message}" for f in found if f.severity == "error"]


@pytest.mark.parametrize(("case", "text", "starts", "hazard"), CASES, ids=IDS)
def test_lint_verdict(case: str, text: str, starts: bool, hazard: bool, tmp_path: Path) -> None:
    errors = _errors(tmp_path, text)
    if starts and not hazard:
        assert errors == [], errors
    else:
        assert errors, (
            f"{case}: heartbeat {'starts but the medium is dead' if hazard else 'refuses'}"
        )


def test_comma_names_are_members_across_nodes(tmp_path: Path) -> None:
    """``node xen1,xen2`` on both nodes beside drbd.conf's ``on xen1``/``on xen2``:
    one member list, no HB001/HB002 (heartbeat reads two nodes, config.c line 841)."""
    drbd = (
        "resource r0 {\n  protocol C;\n"
        "  on xen1 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788;"
        " meta-disk internal; }\n"
        "  on xen2 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788;"
        " meta-disk internal; }\n"
        "}\n"
    )
    hacf = "node xen1,xen2\nucast eth1 10.0.0.1\nucast eth1 10.0.0.2\nbcast eth0\ncrm on\n"
    roots = [
        tree(
            tmp_path,
            n,
            {
                "etc/hostname": f"{n}\n",
                "etc/ha.d/ha.cf": hacf,
                "etc/ha.d/authkeys": AUTHKEYS,
                "etc/drbd.conf": drbd,
            },
        )
        for n in ("xen1", "xen2")
    ]
    found = lint.run([str(r) for r in roots], select=["HB001", "HB002"]).findings
    assert found == []
    # the failing twin: a name no file declares is still reported
    (roots[1] / "etc/ha.d/ha.cf").write_text(hacf.replace("xen2", "xen-2", 1))
    found = lint.run([str(r) for r in roots], select=["HB001", "HB002"]).findings
    assert {f.code for f in found} >= {"HB001", "HB002"}


def test_words_and_last_word_win() -> None:
    """The model reads what heartbeat runs with: ``keepalive 2 3`` is 3 s, ``node a,b``
    two members, ``bcast eth0,eth1`` two interfaces."""
    import xencfg
    from xencfg.formats.lines.hacf import HacfDocument

    doc = xencfg.loads("node a,b\nnode c\nkeepalive 2 3\nbcast eth0,eth1\n", "hacf")
    assert isinstance(doc, HacfDocument)
    assert doc.nodes == ["a", "b", "c"]
    assert doc.keepalive == 3.0
    assert doc.comm_paths[0].devices == ("eth0", "eth1")
    assert xencfg.dumps(doc) == "node a,b\nnode c\nkeepalive 2 3\nbcast eth0,eth1\n"


# -- the real daemon -------------------------------------------------------------

PEER = SHARED / "oracle" / "peers" / "peer-heartbeat"
HEARTBEAT_BIN = Path("/usr/libexec/heartbeat/heartbeat")


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize(("case", "text", "starts", "hazard"), CASES, ids=IDS)
def test_heartbeat_verdict(
    case: str, text: str, starts: bool, hazard: bool, tmp_path: Path
) -> None:
    if not PEER.exists():
        unavailable(f"{PEER} is missing")
    if os.geteuid() != 0:
        unavailable("peer-heartbeat needs root (namespaces, overlay mounts)")
    if not HEARTBEAT_BIN.exists():
        unavailable(f"{HEARTBEAT_BIN} is not installed (apt: heartbeat)")
    if "/dev/ttyS0" in text and not Path("/dev/ttyS0").exists():
        pytest.skip("no /dev/ttyS0 here")
    cf = tmp_path / "ha.cf"
    cf.write_bytes(text.encode())
    ak = tmp_path / "authkeys"
    ak.write_text(AUTHKEYS)
    ak.chmod(0o600)
    proc = subprocess.run(
        [str(PEER), "--node", _first_node(text), "--authkeys", str(ak), str(cf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == (0 if starts else 1), proc.stdout + proc.stderr
