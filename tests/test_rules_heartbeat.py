"""heartbeat rules (HB001-HB011): a failing and a passing tree each, asserting the
code, file, line and related lines; the seed notes' heartbeat oddities."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import shared_path
from xencfg import lint
from xencfg.formats.schema import Version

KEY = "0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182"
HACF = "keepalive 2\ndeadtime 30\nbcast eth0\nucast eth1 10.0.0.2\nnode alpha beta\n"
DRBD = (
    "resource r0 {\n  protocol C;\n"
    "  on alpha { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
    "  on beta { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
    "}\n"
)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def run(paths: list[Path], code: str) -> list[tuple[str, int, str, list[tuple[str, int]]]]:
    result = lint.run([str(p) for p in paths], select=[code])
    return [
        (
            Path(f.path).name,
            f.line,
            f.message,
            [("/".join(Path(r.path).parts[-2:]), r.line) for r in f.related],
        )
        for f in result.findings
        if f.code == code
    ]


def test_hb001_hacf_without_node_and_drbd_names(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "xen1",
        {
            "etc/heartbeat/ha.cf": "crm on\nbcast eth0\nnodes xen-1 xen-2\n",
            "etc/drbd.conf": DRBD.replace("alpha", "xen1").replace("beta", "xen2"),
        },
    )
    [(name, line, msg, related)] = run([bad], "HB001")
    assert (name, line) == ("ha.cf", 3)  # the misspelt 'nodes' line
    assert msg == (
        "ha.cf declares no node while drbd names xen1, xen2:"
        " heartbeat refuses to start without members"
    )
    assert related == [("etc/drbd.conf", 3), ("etc/drbd.conf", 4)]


def test_hb001_names_differ_between_hacf_and_drbd(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "alpha",
        {"etc/ha.d/ha.cf": HACF.replace("alpha", "alpha-1"), "etc/drbd.conf": DRBD},
    )
    [(name, line, msg, related)] = run([bad], "HB001")
    assert (name, line) == ("drbd.conf", 3)
    assert msg == ("drbd names node(s) alpha that ha.cf does not declare (ha.cf has alpha-1, beta)")
    assert related == [("ha.d/ha.cf", 5)]
    good = write(tmp_path / "good", {"etc/ha.d/ha.cf": HACF, "etc/drbd.conf": DRBD})
    assert run([good], "HB001") == []


def test_hb001_member_lists_differ_between_nodes(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"etc/hostname": "alpha\n", "etc/ha.d/ha.cf": HACF})
    b = write(
        tmp_path / "b",
        {"etc/hostname": "beta\n", "etc/ha.d/ha.cf": HACF.replace("node alpha beta", "node beta")},
    )
    [(name, line, msg, related)] = run([a, b], "HB001")
    assert (name, line, msg) == ("ha.cf", 5, "ha.cf on beta lists beta but on alpha alpha, beta")
    assert related == [("ha.d/ha.cf", 5)]
    b2 = write(tmp_path / "b2", {"etc/hostname": "beta\n", "etc/ha.d/ha.cf": HACF})
    assert run([a, b2], "HB001") == []


def test_hb001_haresources_node_not_in_hacf(tmp_path: Path) -> None:
    """heartbeat 3.0.6 with the CRM off refuses an haresources line whose node ha.cf
    lacks: "ERROR: Bad nodename in /etc/ha.d//haresources [lisa]" (peer-heartbeat with
    this haresources installed; heartbeat/config.c ``parse_ha_resources``, which
    ``lookup_node``s the first word of every line). The node matches in any case
    (``ALPHA`` starts); with ``crm on`` haresources is not read (it starts)."""
    hares = "# groups\nalpha IPaddr::10.0.0.9/24 apache\nlisa 10.0.0.10 \\\n  httpd\n"
    bad = write(tmp_path / "bad", {"etc/ha.d/ha.cf": HACF, "etc/ha.d/haresources": hares})
    assert run([bad], "HB001") == [
        (
            "haresources",
            3,
            "haresources names node lisa, which ha.cf does not declare (alpha, beta): "
            "heartbeat refuses to start",
            [("ha.d/ha.cf", 5)],
        )
    ]
    good = write(
        tmp_path / "good",
        {"etc/ha.d/ha.cf": HACF, "etc/ha.d/haresources": hares.replace("lisa", "ALPHA")},
    )
    crm = write(
        tmp_path / "crm",
        {"etc/ha.d/ha.cf": HACF + "crm on\n", "etc/ha.d/haresources": hares},
    )
    assert run([good], "HB001") == run([crm], "HB001") == []


def test_hb001_one_mistake_is_one_finding(tmp_path: Path) -> None:
    """An FQDN in ha.cf against short names was reported once per file naming the node
    (each of drbd.d's resource files) and once per haresources line: one finding now,
    its other places related (heartbeat stops at the first bad line anyway)."""
    fqdn = HACF.replace("node alpha beta", "node alpha.example.com beta")
    hares = "alpha IPaddr::10.0.0.9/24\nalpha drbddisk::r0\nbeta IPaddr::10.0.0.8/24\n"
    bad = write(
        tmp_path / "alpha",
        {
            "etc/ha.d/ha.cf": fqdn,
            "etc/ha.d/haresources": hares,
            "etc/drbd.d/r0.res": DRBD,
            "etc/drbd.d/r1.res": DRBD.replace("r0", "r1").replace("drbd0", "drbd1"),
        },
    )
    assert run([bad], "HB001") == [
        (
            "r0.res",
            3,
            "drbd names node(s) alpha that ha.cf does not declare (ha.cf has alpha.example.com,"
            " beta)",
            [("drbd.d/r1.res", 3), ("ha.d/ha.cf", 5)],
        ),
        (
            "haresources",
            1,
            "haresources names node alpha, which ha.cf does not declare (alpha.example.com, "
            "beta): heartbeat refuses to start",
            [("ha.d/haresources", 2), ("ha.d/ha.cf", 5)],
        ),
    ]


def test_hb004_initdead_below_deadtime(tmp_path: Path) -> None:
    """heartbeat 3.0.6 refuses initdead below deadtime (peer-heartbeat: "ERROR: Initial
    dead time [10000] is smaller than deadtime [30000]"); at deadtime itself it starts
    and HB005 warns (less than twice deadtime)."""
    bad = write(
        tmp_path / "bad",
        {"etc/ha.d/ha.cf": HACF.replace("deadtime 30", "deadtime 30\ninitdead 10")},
    )
    good = write(
        tmp_path / "good",
        {"etc/ha.d/ha.cf": HACF.replace("deadtime 30", "deadtime 30\ninitdead 30")},
    )
    assert [(f, line, m) for f, line, m, _ in run([bad], "HB004")] == [
        ("ha.cf", 3, "initdead 10s is smaller than deadtime 30s (heartbeat refuses to start)")
    ]
    assert run([good], "HB004") == [] and len(run([good], "HB005")) == 1


def test_xc005_hacf_autojoin_without_crm_and_no_media(tmp_path: Path) -> None:
    """heartbeat 3.0.6 (peer-heartbeat) refuses ``autojoin other``/``any`` without the CRM
    ("R1 style resource management conflicts with autojoin set"; with ``crm respawn``
    it starts, ``autojoin none`` too) and an ha.cf with no medium, crm on or off ("No
    heartbeat media defined")."""
    cases = {
        "autojoin": (HACF + "autojoin other\n", ["autojoin other without crm"]),
        "autojoin-crm": (HACF + "autojoin any\ncrm respawn\n", []),
        "autojoin-none": (HACF + "autojoin none\n", []),
        "no-media": (
            HACF.replace("bcast eth0\nucast eth1 10.0.0.2\n", "") + "crm on\n",
            ["no bcast/mcast/ucast/serial line"],
        ),
    }
    for name, (text, words) in cases.items():
        root = write(tmp_path / name, {"etc/ha.d/ha.cf": text})
        got = [m for _, _, m, _ in run([root], "XC005")]
        assert [w for w in words if any(w in m for m in got)] == words and len(got) == len(words)


def test_authkeys_second_auth_line_is_a_repeat_not_an_error(tmp_path: Path) -> None:
    """heartbeat 3.0.6 starts with two ``auth`` lines (peer-heartbeat --check-authkeys:
    "configuration validated"; auth.c reads each with ``sscanf(bp, "auth %d")``, the
    later overwriting the method-id) and with a method-id written twice (the later line
    replaces ``auth_config[i]``): XC007, a repeated setting (warning), not XC005."""
    k = "1 sha1 a8f3c9e2b7d14e6f9a0b1c2d3e4f5a6b\n"
    twice = write(tmp_path / "twice", {"etc/ha.d/authkeys": "auth 1\nauth 1\n" + k})
    once = write(tmp_path / "once", {"etc/ha.d/authkeys": "auth 1\n" + k})
    for root in (twice, once):
        (root / "etc/ha.d/authkeys").chmod(0o600)
    assert run([twice], "XC005") == []
    assert [(f, line) for f, line, _, _ in run([twice], "XC007")] == [("authkeys", 2)]
    assert run([once], "XC007") == []


def test_hb002_own_node_not_member(tmp_path: Path) -> None:
    bad = write(tmp_path / "n", {"etc/hostname": "gamma\n", "etc/ha.d/ha.cf": HACF})
    assert run([bad], "HB002") == [
        ("ha.cf", 5, "this node 'gamma' (etc/hostname) is not among ha.cf's nodes alpha, beta", [])
    ]
    good = write(tmp_path / "g", {"etc/hostname": "alpha.example.net\n", "etc/ha.d/ha.cf": HACF})
    assert run([good], "HB002") == []
    # a folder name says nothing about uname -n: no finding without etc/hostname
    nameless = write(tmp_path / "folder", {"etc/ha.d/ha.cf": HACF})
    assert run([nameless], "HB002") == []


def test_hb003_single_comm_path(tmp_path: Path) -> None:
    one = "bcast eth0\nnode a b\n"
    bad = write(tmp_path / "n", {"etc/ha.d/ha.cf": one})
    assert run([bad], "HB003") == [
        (
            "ha.cf",
            1,
            "only one communication path (bcast eth0): one failed link splits the cluster",
            [],
        )
    ]
    same_nic = write(
        tmp_path / "s", {"etc/ha.d/ha.cf": "ucast eth0 10.0.0.2\nucast eth0 10.0.0.3\n"}
    )
    [(_, line, _, related)] = run([same_nic], "HB003")
    assert (line, related) == (1, [("ha.d/ha.cf", 2)])
    none = write(tmp_path / "z", {"etc/ha.d/ha.cf": "node a b\n"})
    assert [m for _, _, m, _ in run([none], "HB003")] == [
        "no communication path (bcast/mcast/ucast/serial): heartbeat cannot reach any peer"
    ]
    good = write(tmp_path / "g", {"etc/ha.d/ha.cf": HACF})
    assert run([good], "HB003") == []


def test_hb004_deadtime_too_short_and_not_in_xc005(tmp_path: Path) -> None:
    bad = write(tmp_path / "n", {"etc/ha.d/ha.cf": "keepalive 2\ndeadtime 3\n" + HACF[24:]})
    [(name, line, msg, related)] = run([bad], "HB004")
    assert (name, line) == ("ha.cf", 2)
    assert msg.startswith("deadtime 3s is too small compared to keepalive 2s")
    assert related == [("ha.d/ha.cf", 1)]
    assert run([bad], "XC005") == []  # reported once, by HB004
    # heartbeat's default deadtime (30 s) against a long keepalive
    slow = write(tmp_path / "s", {"etc/ha.d/ha.cf": "keepalive 20\nbcast eth0\nnode a\n"})
    assert [line for _, line, _, _ in run([slow], "HB004")] == [1]
    good = write(tmp_path / "g", {"etc/ha.d/ha.cf": HACF})
    assert run([good], "HB004") == []


def test_hb005_timing_order(tmp_path: Path) -> None:
    text = "keepalive 2\nwarntime 40\ndeadtime 30\ninitdead 50\nbcast eth0 eth1\nnode a\n"
    bad = write(tmp_path / "n", {"etc/ha.d/ha.cf": text})
    found = run([bad], "HB005")
    assert [(line, rel) for _, line, _, rel in found] == [
        (2, [("ha.d/ha.cf", 1), ("ha.d/ha.cf", 3)]),
        (4, [("ha.d/ha.cf", 1), ("ha.d/ha.cf", 3)]),
    ]
    assert found[0][2] == "warntime 40s should lie between keepalive 2s and deadtime 30s"
    assert found[1][2].startswith("initdead 50s is less than twice deadtime 30s")
    good_text = "keepalive 2\nwarntime 10\ndeadtime 30\ninitdead 60\nbcast eth0 eth1\nnode a\n"
    good = write(tmp_path / "g", {"etc/ha.d/ha.cf": good_text})
    assert run([good], "HB005") == []


def _authkeys(root: Path, text: str, mode: int) -> Path:
    write(root, {"etc/ha.d/authkeys": text})
    os.chmod(root / "etc/ha.d/authkeys", mode)
    return root


def test_hb006_authkeys_mode(tmp_path: Path) -> None:
    text = f"auth 1\n1 sha1 {KEY}\n"
    bad = _authkeys(tmp_path / "bad", text, 0o644)
    assert run([bad], "HB006") == [
        (
            "authkeys",
            1,
            "authkeys mode 0644: heartbeat refuses a key file open to group or others (chmod 600)",
            [],
        )
    ]
    assert run([bad], "XC005") == []  # no longer repeated by XC005
    assert run([_authkeys(tmp_path / "ok", text, 0o600)], "HB006") == []
    in_git = _authkeys(tmp_path / "git", text, 0o644)
    subprocess.run(["git", "init", "-q", str(in_git)], check=True)
    assert run([in_git], "HB006") == []


def test_hb007_weak_key_never_shows_it(tmp_path: Path) -> None:
    bad = _authkeys(tmp_path / "b", "auth 1\n1 sha1 SomeLongStringWithRandomChars\n", 0o600)
    found = run([bad], "HB007")
    assert found == [
        ("authkeys", 2, "method-id 1 (sha1): the key is a published placeholder or its hash", [])
    ]
    short = _authkeys(tmp_path / "s", "auth 2\n2 md5 x7Gq\n", 0o600)
    assert [m for _, _, m, _ in run([short], "HB007")] == ["method-id 2 (md5): the key is short"]
    assert "x7Gq" not in str(lint.run([str(short)]).findings)
    assert run([_authkeys(tmp_path / "g", f"auth 1\n1 sha1 {KEY}\n", 0o600)], "HB007") == []


def test_hb008_crc(tmp_path: Path) -> None:
    bad = _authkeys(tmp_path / "b", "auth 1\n1 crc\n", 0o600)
    assert run([bad], "HB008") == [
        (
            "authkeys",
            1,
            "auth 1 selects crc: no authentication (safe only on a private link;"
            " anyone who can reach the heartbeat network can forge messages)",
            [("ha.d/authkeys", 2)],
        )
    ]
    ok = _authkeys(tmp_path / "g", f"auth 2\n1 crc\n2 sha1 {KEY}\n", 0o600)
    assert run([ok], "HB008") == []


def test_hb009_missing_index(tmp_path: Path) -> None:
    bad = _authkeys(tmp_path / "b", f"auth 2\n1 sha1 {KEY}\n", 0o600)
    assert run([bad], "HB009") == [
        ("authkeys", 1, "auth 2 names no usable method-id (listed: 1)", [])
    ]
    assert run([bad], "XC005") == []
    assert run([_authkeys(tmp_path / "g", f"auth 1\n1 sha1 {KEY}\n", 0o600)], "HB009") == []


def test_hb010_authkeys_differ(tmp_path: Path) -> None:
    a = _authkeys(tmp_path / "alpha", f"auth 1\n1 sha1 {KEY}\n", 0o600)
    b = _authkeys(tmp_path / "beta", f"auth 1\n1 sha1 {KEY[::-1]}\n", 0o600)
    found = run([a, b], "HB010")
    assert [(n, line, rel) for n, line, _, rel in found] == [
        ("authkeys", 2, [("ha.d/authkeys", 1)]),
        ("authkeys", 2, [("ha.d/authkeys", 1)]),
    ]
    assert found[0][2] == (
        "alpha signs with method-id 1 (sha1) but the authkeys of beta"
        " has another key or none for it"
    )
    assert KEY not in str(found) and KEY[::-1] not in str(found)
    # key rotation: beta still sends with 1, alpha already with 2 but accepts 1; beta lacks 2
    b2 = _authkeys(tmp_path / "b2" / "beta", f"auth 1\n1 sha1 {KEY}\n", 0o600)
    a2 = _authkeys(tmp_path / "a2" / "alpha", f"auth 2\n1 sha1 {KEY}\n2 sha1 {KEY[::-1]}\n", 0o600)
    assert [m.split(" but")[0] for _, _, m, _ in run([a2, b2], "HB010")] == [
        "alpha signs with method-id 2 (sha1)"
    ]
    same = _authkeys(tmp_path / "s" / "beta", f"auth 1\n1 sha1 {KEY}\n", 0o600)
    assert run([a, same], "HB010") == []


def test_hb011_auto_failback_ignored(tmp_path: Path) -> None:
    bad = write(tmp_path / "b", {"etc/ha.d/ha.cf": HACF + "crm true\nauto_failback off\n"})
    assert run([bad], "HB011") == [
        (
            "ha.cf",
            7,
            "auto_failback off has no effect with crm true: the CIB's resource stickiness decides",
            [("ha.d/ha.cf", 6)],
        )
    ]
    v1 = write(tmp_path / "g", {"etc/ha.d/ha.cf": HACF + "auto_failback off\n"})
    assert run([v1], "HB011") == []


def test_logd_bad_facility_is_xc005(tmp_path: Path) -> None:
    bad = write(tmp_path / "b", {"etc/ha.d/ha_logd.cf": "logfacility local9\n"})
    assert run([bad], "XC005") == [
        ("ha_logd.cf", 1, "logfacility 'local9' is not a syslog facility", [])
    ]
    good = write(tmp_path / "g", {"etc/ha.d/ha_logd.cf": "logfacility local7\n"})
    assert run([good], "XC005") == []


# -- the seed notes ------------------------------------------------------------


def _seed(name: str) -> lint.LintResult:
    return lint.run([str(shared_path("seed-examples", name))])


def _codes(result: lint.LintResult, *prefixes: str) -> set[tuple[str, str, int]]:
    out = set()
    for f in result.findings:
        if f.code.startswith(prefixes) and "etc" in Path(f.path).parts:
            parts = Path(f.path).parts
            out.add((f.code, "/".join(parts[parts.index("etc") - 1 :]), f.line))
    return out


def test_seed_notes_s001_heartbeat() -> None:
    found = _codes(_seed("s001-drbd-heartbeat"), "HB", "XC")
    for node in ("xen1", "xen2"):
        # `nodes xen-1 xen-2`: an illegal directive (heartbeat refuses the file: XC009),
        # so no member, while drbd says xen1/xen2
        assert ("XC009", f"{node}/etc/heartbeat/ha.cf", 6) in found
        assert ("HB001", f"{node}/etc/heartbeat/ha.cf", 6) in found
        # bcast eth0 is the only path
        assert ("HB003", f"{node}/etc/heartbeat/ha.cf", 4) in found
        # the placeholder secret SomeLongStringWithRandomChars
        assert ("HB007", f"{node}/etc/heartbeat/authkeys", 2) in found
    # the seed copy is read-only (0444 in a 0555 tree): its mode says nothing
    assert not any(code == "HB006" for code, _, _ in found)
    result = _seed("s001-drbd-heartbeat")
    [hb001] = [f for f in result.findings if f.code == "HB001" and "xen1/" in f.path]
    assert {Path(r.path).name for r in hb001.related} == {"drbd.conf"}
    # Out of scope: the /etc/heartbeat path (Debian's package reads it there too),
    # and "no keepalive/deadtime" (heartbeat's defaults are sound).


def test_seed_notes_s002_heartbeat() -> None:
    result = _seed("s002-sles-hasi")
    found = _codes(result, "HB", "XC")
    for node in ("host1", "host2"):
        # initdead 50 == deadtime 50
        assert ("HB005", f"{node}/etc/ha.d/ha.cf", 4) in found
        # auto_failback off with crm true
        assert ("HB011", f"{node}/etc/ha.d/ha.cf", 10) in found
        # sha1("yoursecretpassword\n")
        assert ("HB007", f"{node}/etc/ha.d/authkeys", 2) in found
        # logfacilitylocal7 / logfile/var/log/ha-log: glued directives, with the split;
        # ha_logd refuses the file for them ("Illegal directive", logd.c parse_config)
        assert ("XC009", f"{node}/etc/ha.d/ha_logd.cf", 1) in found
        assert ("XC009", f"{node}/etc/ha.d/ha_logd.cf", 3) in found
    messages = {f.message for f in result.findings if f.code == "XC009"}
    assert (
        "unknown keyword 'logfacilitylocal7' (the daemon refuses the file);"
        " did you mean 'logfacility local7'?"
    ) in messages
    # Nothing else: the two ucast paths are redundant, the member lists agree.
    assert not any(code in ("HB001", "HB002", "HB003", "HB004") for code, _, _ in found)
    # Out of scope, with the reason:
    # - the evms_activate one-liner that greps `node` lines with their comment: a shell
    #   command in the document, not configuration (heartbeat cuts the comment);
    # - host2's `192.168.1.1#` without a blank: heartbeat reads it the same way;
    # - trailing blanks in ha_logd.cf: ha_logd strips them;
    # - logrotate/syslog-ng expecting /var/log/ha-log and local7: xencfg reads neither format;
    # - etc/logd.cf: a symlink to ha.d/ha_logd.cf in the document, stored here as a plain
    #   file holding the link target (the XC009 on it is about this copy, not the cluster).


@pytest.mark.parametrize("seed", ["s000-iscsi-multipath", "s003-aoe", "s004-drbd-lvm"])
def test_seed_notes_without_heartbeat(seed: str) -> None:
    # These seeds carry no heartbeat files: no HB finding may appear.
    assert _codes(_seed(seed), "HB") == set()


# -- XC005 on ha.cf/authkeys values heartbeat 3.0.6 starts with (all run with peer-heartbeat;
# tests/test_heartbeat_peer.py and tests/test_daemon_verdicts.py hold the daemon to them)

HB_BASE = "node alpha beta\nucast eth0 10.0.0.2\nkeepalive 2\ndeadtime 30\n"


@pytest.mark.parametrize(
    ("extra", "severity", "words"),
    [
        # config.c set_udpport refuses only port <= 0; the media plugins' htons() keeps
        # the low 16 bits: 70000 starts and runs on 4464 (peer: OK), 65536 wraps to 0
        ("udpport 70000\n", "warning", "uses port 4464"),
        ("udpport 65536\n", "error", "port 0"),
        ("udpport 0\n", "error", "not a UDP port"),  # peer: REJECT
        ("udpport 694\n", None, ""),
        # mcast.c get_port: (u_short)atoi(port), then port <= 0 refused (peer: 70000
        # starts; 65536 "mcast [lo] bad port [0]", not started)
        ("mcast eth0 225.0.0.1 70000 1 0\n", "warning", "uses port 4464"),
        ("mcast eth0 225.0.0.1 65536 1 0\n", "error", "port 0"),
        ("mcast eth0 225.0.0.1 694 1 0\n", None, ""),
        # config.c set_nice_failback (peer: starts, logs ERROR, add_option shows the value):
        # alone, on and off both run 'auto_failback legacy' (fail back)
        ("nice_failback on\n", "error", "runs 'auto_failback legacy'"),
        ("nice_failback off\n", "warning", "runs 'auto_failback legacy'"),
        # after an auto_failback on/off line it sets 'off' whatever its value (peer: "'nice_
        # failback on' has been changed to 'auto_failback off'"); an auto_failback line
        # after it wins (the add_option trace shows only the lines as written)
        ("auto_failback on\nnice_failback on\n", "warning", "runs 'auto_failback off'"),
        ("auto_failback on\nnice_failback off\n", "error", "runs 'auto_failback off'"),
        ("auto_failback off\nnice_failback on\n", None, ""),
        ("crm on\nnice_failback on\n", None, ""),  # the CRM reads no auto_failback
        # config.c set_stonith_host_info (peer: "Invalid Stonith configuration parameter
        # []", not started); suicide lists no parameter (stonith -t suicide -n) and starts
        ("stonith_host * null\n", "error", "STONITH type [null] needs its parameters"),
        ("stonith_host * null alpha beta\n", None, ""),
        ("stonith_host * suicide\n", None, ""),
        # config.c parse_config calls add_option once per word of an option directive:
        # with none the line is skipped (peer: logfile, keepalive, deadtime, crm,
        # auto_failback, udpport with no value all start); whole-line directives get
        # the empty rest and refuse it (peer: "Invalid apiauth directive []", "Invalid
        # uid [] specified for client child", not started) -- found by hacf mutants
        ("logfile\n", "warning", "has no value"),
        ("keepalive\n", "warning", "has no value"),
        ("crm\n", "warning", "has no value"),
        ("apiauth\n", "error", "needs a value"),
        ("respawn\n", "error", "needs a value"),
        # set_udpport/set_baudrate read atoi's leading digits (peer: 'udpport 694s' and
        # 'baud 19200x' start, 'udpport abc' is not started)
        ("udpport 694s\n", "warning", "read as 694"),
        # the facility is matched exactly (peer: 'LOCAL0' / 'Daemon' "Log facility(...)
        # not valid", not started; 'local7' and 'none' start) -- a hacf mutant
        ("logfacility LOCAL0\n", "error", "not a syslog facility"),
        ("logfacility local7\n", None, ""),
        ("udpport abc\n", "error", "not a number"),
    ],
)
def test_xc005_hacf_values_heartbeat_starts_with_are_warnings(
    tmp_path: Path, extra: str, severity: str | None, words: str
) -> None:
    tree = write(tmp_path / "alpha", {"etc/ha.d/ha.cf": HB_BASE + extra})
    found = [f for f in lint.run([str(tree)], select=["XC005"]).findings if f.code == "XC005"]
    if severity is None:
        assert found == []
    else:
        [f] = found
        assert (f.severity, f.line) == (severity, HB_BASE.count("\n") + extra.count("\n"))
        assert words in f.message


@pytest.mark.parametrize(
    ("text", "severity", "line", "words"),
    [
        # auth.c parse_authfile: sscanf(bp, "auth %d") and sscanf(bp, "%d%s%s"): words
        # after the number or the key are skipped (peer: heartbeat starts with both)
        (f"auth 1 2\n1 sha1 {KEY}\n", "warning", 1, "skips '2'"),
        (f"auth 1abc\n1 sha1 {KEY}\n", "warning", 1, "reads 'auth 1' and skips 'abc'"),
        # no leading number: "Invalid auth line" (auth.c), heartbeat does not start
        (f"auth one\n1 sha1 {KEY}\n", "error", 1, "must be a number"),
        (f"auth 1\n1 sha1 {KEY} more words\n", "warning", 2, "first word only"),
        (f"auth 1\n1 sha1 {KEY}\n", None, 0, ""),
    ],
)
def test_xc005_authkeys_skipped_words_are_warnings_not_syntax_errors(
    tmp_path: Path, text: str, severity: str | None, line: int, words: str
) -> None:
    tree = write(tmp_path / "alpha", {"etc/ha.d/authkeys": text})
    os.chmod(tree / "etc/ha.d/authkeys", 0o600)
    found = [
        f
        for f in lint.run([str(tree)], select=["XC001", "XC005"]).findings
        if f.code in ("XC001", "XC005")
    ]
    if severity is None:
        assert found == []
    else:
        [f] = found
        assert (f.code, f.severity, f.line) == (
            "XC005" if severity == "warning" else "XC001",
            severity,
            line,
        )
        assert words in f.message


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ("crm on\napiauth cib uid=hacluster\n", [6]),  # peer: Duplicate apiauth ... cib
        ("apiauth crmd uid=hacluster\ncrm respawn\n", [5]),  # either order (peer: refused)
        ("crm on\napiauth attrd uid=hacluster\n", [6]),  # peer: refused
        ("apiauth evms uid=hacluster\napiauth evms uid=root\n", [6]),  # peer: refused
        ("apiauth cib uid=hacluster\n", []),  # no crm: peer starts
        ("crm on\napiauth evms uid=hacluster\napiauth ipfail uid=hacluster\n", []),  # starts
    ],
)
def test_hb012_apiauth_refused(tmp_path: Path, extra: str, found: list[int]) -> None:
    """heartbeat refuses a second apiauth for one client, and one for a client ``crm
    on`` authorises itself (config.c set_release2mode: cib, stonithd, crmd, attrd):
    "Duplicate apiauth directive for API client cib" (peer-heartbeat 3.0.6; the cases
    are also in test_daemon_verdicts.HACF_CASES); other clients pass. attrd came with
    heartbeat 2.1: a declared 2.0 takes it."""
    tree = write(tmp_path / "alpha", {"etc/ha.d/ha.cf": HB_BASE + extra})
    lines = [f.line for f in lint.run([str(tree)], select=["HB012"]).findings]
    assert lines == found
    if "attrd" in extra:
        old = {"heartbeat": Version.parse("2.0.8")}
        assert lint.run([str(tree)], select=["HB012"], versions=old).findings == []
