"""DRBD 9 and 8.3 lint truth, third pass: configurations written by other people
(per-connection ``net`` sections, meshes, the spellings drbd.conf(5) allows that our
fixtures never used), held to drbd-utils' drbdadm (the 8.3, 8.4 and 9 parsers of
drbd-utils 9.22, run directly or through /work/shared/oracle/peers/peer-drbdadm).
Each test names the drbd-utils source line (tag v9.22.0 unless it says otherwise)
behind the expected verdict."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import unavailable
from test_rules_drbd import tree
from xencfg import lint

#: (drbd-utils' drbdadm, the peer-drbdadm wrapper's program, run here directly)
pytestmark = pytest.mark.peer

GLOBAL = "global { usage-count no; }\n"


def _drbdadm() -> str:
    """drbdadm of drbd-utils (the peer tools' Debian package), else skip (fail under CI)."""
    found = shutil.which("drbdadm")
    if found is None:
        unavailable("drbdadm (drbd-utils) is not installed")
    assert found is not None
    return found


def _new_peers(conf: Path, node: str) -> dict[str, str]:
    """What ``drbdadm -d up`` on ``node`` hands the kernel for each peer: the net
    options of its first ``drbdsetup new-peer`` (a second one for the same peer is
    refused by drbdsetup), by peer name. drbdadm 9 without a drbd module reads the
    file with its own parser; ``__DRBD_NODE__`` makes it act as ``node``."""
    env = {**os.environ, "DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0", "__DRBD_NODE__": node}
    out = subprocess.run(
        [_drbdadm(), "-c", str(conf), "-d", "up", "all"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    peers: dict[str, str] = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(?:\S*/)?drbdsetup new-peer \S+ \d+ --_name=(\S+)(.*)", line)
        if m is not None:
            peers.setdefault(m[1], m[2].strip())
    return peers


def _drbdadm_9(conf: Path, node: str, *cmd: str) -> tuple[int, str]:
    """drbdadm 9's verdict on ``conf`` as ``node`` (default ``sh-nop``, which runs
    its whole validation, expand_common included): (exit status, stderr)."""
    env = {**os.environ, "DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0", "__DRBD_NODE__": node}
    out = subprocess.run(
        [_drbdadm(), "-c", str(conf), *(cmd or ("sh-nop",))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return out.returncode, out.stderr


def _run(*roots: Path, code: str) -> list[tuple[str, str, int, list[int], str]]:
    result = lint.run([str(r) for r in roots], select=[code])
    return [
        (
            Path(f.path).parts[-3],
            Path(f.path).name,
            f.line,
            [r.line for r in f.related],
            f.message,
        )
        for f in result.findings
    ]


def _mesh(extra: str = "", mesh_net: str = "", hosts: str = "a b c") -> str:
    """A three-node DRBD 9 resource (after GLOBAL: line 2 ``resource``, 7 ``connection-mesh``,
    8 onwards ``extra``)."""
    net = f" net {{ {mesh_net} }}" if mesh_net else ""
    return (
        "resource r0 {\n"
        "  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
        "  on a { address 10.0.0.1:7788; node-id 0; }\n"
        "  on b { address 10.0.0.2:7788; node-id 1; }\n"
        "  on c { address 10.0.0.3:7788; node-id 2; }\n"
        f"  connection-mesh {{ hosts {hosts};{net} }}\n"
        f"{extra}"
        "}\n"
    )


def _nodes(root: Path, copies: dict[str, str]) -> list[Path]:
    return [tree(root / n, {"etc/drbd.conf": GLOBAL + text}) for n, text in copies.items()]


# -- DR028: what drbdadm 9 hands the kernel per connection ----------------------


def test_dr028_per_connection_net_compared(tmp_path: Path) -> None:
    # expand_common (user/v9/drbdadm_postparse.c:1303-1305): a connection's own net
    # options stay, the resource's fill the rest; drbdadm -d up on a prints
    # "new-peer r0 2 --_name=c --after-sb-1pri=consensus", on c "new-peer r0 0
    # --_name=a" (no option): receive_protocol refuses "incompatible after-sb-1pri
    # settings". Lint left every resource with a connection net section out.
    conn = "  connection { host a; host c; net { after-sb-1pri consensus; } }\n"
    plain = "  connection { host a; host c; }\n"
    roots = _nodes(tmp_path / "bad", {"a": _mesh(conn), "b": _mesh(conn), "c": _mesh(plain)})
    a_conf = roots[0] / "etc/drbd.conf"
    c_conf = roots[2] / "etc/drbd.conf"
    assert _new_peers(a_conf, "a") == {"c": "--after-sb-1pri=consensus", "b": ""}
    assert _new_peers(c_conf, "c") == {"a": "", "b": ""}
    got = _run(*roots, code="DR028")
    # at c's connection (the default applies there), related: a's net statement
    assert [g[:4] for g in got] == [("c", "drbd.conf", 8, [8])]
    assert "after-sb-1pri disconnect here, consensus there" in got[0][4]
    assert got[0][4].startswith("resource 'r0' on c and a:")
    # b is not in that connection: its copy agrees with a's and c's on a-b and b-c
    ok = _nodes(tmp_path / "ok", {n: _mesh(conn) for n in "abc"})
    assert _run(*ok, code="DR028") == []


def test_dr028_connection_net_over_resource_net(tmp_path: Path) -> None:
    # the connection's own option wins over the resource's (expand_opts inserts only
    # what the connection lacks): a and c both end with consensus on a-c although
    # c's resource net says discard-secondary for its other connections
    res_net = "  net { after-sb-1pri discard-secondary; }\n"
    conn = "  connection { host a; host c; net { after-sb-1pri consensus; } }\n"
    copies = {n: _mesh(res_net + conn) for n in "abc"}
    roots = _nodes(tmp_path, copies)
    assert _new_peers(roots[2] / "etc/drbd.conf", "c")["a"] == "--after-sb-1pri=consensus"
    assert _run(*roots, code="DR028") == []


def test_dr028_every_mesh_pair_compared(tmp_path: Path) -> None:
    # a mesh makes a connection for every pair of its hosts
    # (create_connections_from_mesh, drbdadm_postparse.c:840): b and c connect to
    # each other, not only to the first node. discard-local on a pairs with
    # discard-remote on b and c (convert_after_sb in drbd_receiver.c), but b and c
    # both say discard-remote: "incompatible after-sb-0pri settings" on b-c, which
    # comparing each copy with the first node's never saw.
    local = "  net { after-sb-0pri discard-local; }\n"
    remote = "  net { after-sb-0pri discard-remote; }\n"
    roots = _nodes(tmp_path / "bad", {"a": _mesh(local), "b": _mesh(remote), "c": _mesh(remote)})
    got = _run(*roots, code="DR028")
    assert [g[:4] for g in got] == [("c", "drbd.conf", 8, [8])]
    assert got[0][4].startswith("resource 'r0' on c and b: after-sb-0pri discard-remote here")
    same = "  net { after-sb-0pri discard-younger-primary; }\n"
    ok = _nodes(tmp_path / "ok", {n: _mesh(same) for n in "abc"})
    assert _run(*ok, code="DR028") == []


def test_dr028_mesh_net_compared(tmp_path: Path) -> None:
    # a mesh's net options go to each of its connections (expand_opts(res,
    # &show_net_options_ctx, &mesh->net_options, &conn->net_options),
    # drbdadm_postparse.c:868): c's copy without them refuses a's and b's
    two = "allow-two-primaries yes;"
    roots = _nodes(
        tmp_path / "bad",
        {"a": _mesh(mesh_net=two), "b": _mesh(mesh_net=two), "c": _mesh()},
    )
    assert _new_peers(roots[0] / "etc/drbd.conf", "a")["c"] == "--allow-two-primaries=yes"
    got = _run(*roots, code="DR028")
    assert [(g[0], g[2], g[3]) for g in got] == [("c", 7, [7]), ("c", 7, [7])]
    assert [g[4].split(":")[0] for g in got] == [
        "resource 'r0' on c and a",
        "resource 'r0' on c and b",
    ]
    ok = _nodes(tmp_path / "ok", {n: _mesh(mesh_net=two) for n in "abc"})
    assert _run(*ok, code="DR028") == []


def test_dr028_two_meshes_pair_their_own_hosts(tmp_path: Path) -> None:
    # one connection per pair within each mesh (create_connections_from_mesh runs
    # once per mesh): with meshes {a b} and {b c}, a and c never connect, so their
    # different net settings meet no handshake (drbdadm -d up on a: no new-peer c)
    meshes = "  connection-mesh { hosts b c; }\n"
    a = _mesh(meshes, mesh_net="cram-hmac-alg sha1; shared-secret s;", hosts="a b")
    b = _mesh(meshes + "  net { cram-hmac-alg sha1; shared-secret s; }\n", hosts="a b")
    c = _mesh(meshes, hosts="a b")
    roots = _nodes(tmp_path, {"a": a, "b": b, "c": c})
    assert set(_new_peers(roots[0] / "etc/drbd.conf", "a")) == {"b"}
    got = _run(*roots, code="DR028")
    # b's second mesh inherits b's resource net: b-c refuses; a-c is no connection
    assert [g[0] for g in got] == ["c"]
    assert got[0][4].startswith("resource 'r0' on c and b: cram-hmac-alg (none) here, sha1")


def test_dr028_node_without_on_section_left_out(tmp_path: Path) -> None:
    # drbdadm on a node no on section names does not run the resource ("'r0' not
    # defined in your config (for this host).", user/v9/drbdadm_main.c:3511): a
    # stale copy of r0 on gamma connects to nothing.
    # Lint compared it as if it were alpha's.
    pair = (
        "resource r0 {\n  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
        "  on alpha { address 10.0.0.1:7788; }\n  on beta { address 10.0.0.2:7788; }\n"
        "  net { %s }\n}\n"
    )
    roots = _nodes(
        tmp_path,
        {
            "alpha": pair % "protocol C;",
            "beta": pair % "protocol C;",
            "gamma": pair % "allow-two-primaries yes;",
        },
    )
    assert _run(*roots, code="DR028") == []
    rc, err = _drbdadm_9(roots[2] / "etc/drbd.conf", "gamma", "-d", "up", "r0")
    assert rc != 0 and "'r0' not defined in your config (for this host)" in err


# -- 8.4 spellings only drbd-utils 9.29's drbdadm 9 reads --------------------------


def _two(body: str) -> str:
    """A two-node DRBD 9 resource with ``body`` on line 6."""
    return (
        GLOBAL + "resource r0 {\n"
        "  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
        "  on a { address 10.0.0.1:7788; node-id 0; }\n"
        "  on b { address 10.0.0.2:7788; node-id 1; }\n"
        f"  {body}\n}}\n"
    )


def _xc008(root: Path, **versions: str) -> list[tuple[int, str, str]]:
    from xencfg.versions import parse_declared

    result = lint.run(
        [str(root)], select=["XC008", "XC009"], versions=parse_declared(versions, "test")
    )
    return [(f.line, f.code, f.severity) for f in result.findings]


@pytest.mark.parametrize(
    "body",
    [
        "syncer { c-plan-ahead 20; }",
        "syncer { c-max-rate 100M; }",
        "syncer { c-min-rate 4M; }",
        "syncer { c-fill-target 1M; }",
        "syncer { c-delay-target 10; }",
        "syncer { rate 10M; }",
        "syncer { resync-rate 10M; }",
        "disk { fencing resource-only; }",
    ],
)
def test_utils_9_29_reads_84_spellings(tmp_path: Path, body: str) -> None:
    # drbd-utils 9.22 (this machine's drbdadm 9): parse_options_syncer looks in the net,
    # attach and resource options only, "'a syncer option keyword' expected, but got
    # 'c-plan-ahead'" (user/v9/drbdadm_parser.c:626); a resource's disk section takes
    # attach and peer-device options, "... expected, but got 'fencing'" (:687).
    # drbd-utils 9.29 (commit e1dcf310 "drbdadm: Fix parsing of drbd-8.4 configs",
    # v9.29.0-rc.1) also looks in peer_device_options_ctx there (HEAD :642, ``rate``
    # through check_deprecated_alias) and moves disk's fencing to net (HEAD :735).
    # So: an error only with drbd-utils before 9.29 declared, a warning while the
    # drbd-utils release is unknown, nothing from 9.29 on.
    root = tree(tmp_path / "a", {"etc/drbd.conf": _two(body)})
    rc, err = _drbdadm_9(root / "etc/drbd.conf", "a")
    assert rc == 10 and "expected" in err, err
    assert _xc008(root, drbd="9.1", **{"drbd-utils": "9.22"}) == [(6, "XC008", "error")]
    assert _xc008(root, drbd="9.1") == [(6, "XC008", "warning")]
    assert _xc008(root, drbd="9.1", **{"drbd-utils": "9.29"}) == []
    # inferred DRBD 9 (node-id), nothing declared: advice only
    assert _xc008(root) == [(6, "XC008", "warning")]


def test_84_reads_syncer_c_options_not_resync_rate(tmp_path: Path) -> None:
    # drbdadm 8.4 (peer-drbdadm --mode 84) takes syncer { c-plan-ahead 20; } and
    # refuses syncer { resync-rate 10M; } ("'a syncer option keyword' expected")
    text = (
        GLOBAL + "resource r0 {\n  syncer { %s }\n"
        "  on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    ok = tree(tmp_path / "ok" / "a", {"etc/drbd.conf": text % "c-plan-ahead 20;"})
    assert _xc008(ok, drbd="8.4") == []
    bad = tree(tmp_path / "bad" / "a", {"etc/drbd.conf": text % "resync-rate 10M;"})
    assert _xc008(bad, drbd="8.4") == [(3, "XC008", "error")]


def test_connection_disk_takes_peer_device_options_only(tmp_path: Path) -> None:
    # parse_connection: "disk {" -> parse_options(&peer_device_options_ctx)
    # (user/v9/drbdadm_parser.c:1607, HEAD:1730), and a connection's volume N { disk {
    # } } alike (parse_peer_device, :1460): "Parse error: 'resync-rate | c-plan-ahead |
    # c-delay-target | c-fill-target | c-max-rate | c-min-rate | bitmap' expected, but
    # got 'al-extents'". Lint said nothing.
    for i, body in enumerate(
        (
            "connection { host a; host b; disk { al-extents 257; } }",
            "connection { host a; host b; volume 0 { disk { on-io-error detach; } } }",
        )
    ):
        bad = tree(tmp_path / f"bad{i}" / "a", {"etc/drbd.conf": _two(body)})
        rc, err = _drbdadm_9(bad / "etc/drbd.conf", "a")
        assert rc == 10 and "'resync-rate | c-plan-ahead" in err, err
        assert [g[:2] for g in _xc008(bad)] == [(6, "XC009")]
    ok = (
        "connection { host a; host b; disk { c-plan-ahead 20; }"
        " volume 0 { disk { c-max-rate 100M; } } }"
    )
    good = tree(tmp_path / "ok" / "a", {"etc/drbd.conf": _two(ok)})
    assert _drbdadm_9(good / "etc/drbd.conf", "a")[0] == 0
    assert _xc008(good) == []


# -- DR030: a mesh's net options beside the resource's ---------------------------


def test_dr030_mesh_net_against_resource_net(tmp_path: Path) -> None:
    # expand_opts (user/v9/drbdadm_postparse.c:1209): a mesh's net options enter each
    # of its connections as inherited (create_connections_from_mesh, :868), the
    # resource's follow (expand_common, :1305); an inherited option with two values is
    # "ambiguous inheritance for option "after-sb-1pri". should be "consensus" and
    # "discard-secondary" at the same time" and drbdadm exits 10 (E_CONFIG_INVALID)
    res_net = "  net { after-sb-1pri discard-secondary; }\n"
    bad = _nodes(tmp_path / "bad", {"a": _mesh(res_net, mesh_net="after-sb-1pri consensus;")})
    rc, err = _drbdadm_9(bad[0] / "etc/drbd.conf", "a")
    assert rc == 10 and 'ambiguous inheritance for option "after-sb-1pri"' in err
    got = _run(*bad, code="DR030")
    assert [g[:4] for g in got] == [("a", "drbd.conf", 7, [8])]
    assert "sets after-sb-1pri consensus, the resource's net (or common's) discard" in got[0][4]
    # common's net reaches the resource first (expand_common, :1271), then the mesh's
    # connections: the same refusal, related to common's statement
    common = "common { net { protocol A; } }\n"
    via = tree(
        tmp_path / "common" / "a",
        {"etc/drbd.conf": GLOBAL + common + _mesh(mesh_net="protocol C;")},
    )
    rc, err = _drbdadm_9(via / "etc/drbd.conf", "a")
    assert rc == 10 and 'ambiguous inheritance for option "protocol"' in err
    assert [g[:4] for g in _run(via, code="DR030")] == [("a", "drbd.conf", 8, [2])]
    # a resource-level protocol statement goes into the resource's net options too
    # (parse_resource: case TK_STRING "protocol", drbdadm_parser.c): related to it
    stated = _mesh("  protocol A;\n", mesh_net="protocol C;")
    at = tree(tmp_path / "stated" / "a", {"etc/drbd.conf": GLOBAL + stated})
    assert _drbdadm_9(at / "etc/drbd.conf", "a")[0] == 10
    assert [g[:4] for g in _run(at, code="DR030")] == [("a", "drbd.conf", 7, [8])]
    # the same value twice (is_equal: 1M and 1024K are one number), an option only the
    # mesh sets, a connection's own net over the resource's: all accepted
    same = "  net { sndbuf-size 1M; after-sb-1pri consensus; }\n"
    conn = "  connection { host a; host b; net { after-sb-1pri discard-secondary; } }\n"
    ok = _nodes(
        tmp_path / "ok",
        {
            "a": _mesh(
                same + conn,
                mesh_net="sndbuf-size 1024K; after-sb-1pri consensus; max-buffers 8000;",
            )
        },
    )
    assert _drbdadm_9(ok[0] / "etc/drbd.conf", "a")[0] == 0
    assert _run(*ok, code="DR030") == []


def test_dr026_discard_node_on_drbd_9(tmp_path: Path) -> None:
    # user/v9/config_flags.c after_sb_0p_map (v9.0.0 to HEAD) has no discard-node-NAME
    # and parse_option_value checks the enum as it reads (drbdadm_parser.c:580):
    # "Parse error: while parsing value ('discard-node-a') for after-sb-0pri. Value
    # is not valid." drbdadm 8.4 reads it (peer-drbdadm --mode 84: OK).
    body = "net { after-sb-0pri discard-node-a; }"
    root = tree(tmp_path / "a", {"etc/drbd.conf": _two(body)})
    rc, err = _drbdadm_9(root / "etc/drbd.conf", "a")
    assert rc == 10 and "for after-sb-0pri. Value is not valid" in err
    got = _run(root, code="DR026")
    assert [g[:3] for g in got] == [("a", "drbd.conf", 6)]
    assert got[0][4].startswith("after-sb-0pri discard-node-a: drbdadm 9 takes no")
    ok = tree(
        tmp_path / "ok" / "a", {"etc/drbd.conf": _two("net { after-sb-0pri discard-local; }")}
    )
    assert _drbdadm_9(ok / "etc/drbd.conf", "a")[0] == 0
    assert _run(ok, code="DR026") == []
    # an 8.4 file (no node-id): drbdadm 8.4 takes it
    eight = GLOBAL + (
        "resource r0 {\n  net { after-sb-0pri discard-node-a; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    old = tree(tmp_path / "84" / "a", {"etc/drbd.conf": eight})
    assert _run(old, code="DR026") == []


def test_dr001_connection_host_statements_beside_paths(tmp_path: Path) -> None:
    # parse_connection (user/v9/drbdadm_parser.c:1585-1592): a connection's own "host
    # NAME address ..." statements make path0 (:1501), path sections add more paths;
    # drbdadm -d up adds both ("new-path r0 1 ipv4:10.0.0.1:7788 ipv4:10.0.0.2:7788"
    # and "new-path r0 1 ipv4:192.168.0.1:7788 ipv4:192.168.0.2:7788"), so another
    # resource's use of 10.0.0.1:7788 is "ipv4:10.0.0.1:7788 is also used ...
    # (resource r0)". Lint read the path sections only.
    r0 = (
        "resource r0 {\n  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
        "  on a { node-id 0; }\n  on b { node-id 1; }\n  connection {\n"
        "    host a address 10.0.0.1:7788;\n    host b address 10.0.0.2:7788;\n"
        "    path { host a address 192.168.0.1:7788; host b address 192.168.0.2:7788; }\n"
        "  }\n}\n"
    )
    r1 = (
        "resource r1 {\n  device minor 1; disk /dev/vg/r1; meta-disk internal;\n"
        "  on a { node-id 0; }\n  on b { node-id 1; }\n"
        "  connection { host a address 10.0.0.1:%d; host b address 10.0.0.2:%d; }\n}\n"
    )
    bad = tree(tmp_path / "bad" / "a", {"etc/drbd.conf": GLOBAL + r0 + r1 % (7788, 7788)})
    rc, err = _drbdadm_9(bad / "etc/drbd.conf", "a")
    assert rc == 10 and "ipv4:10.0.0.1:7788 is also used" in err
    assert [g[:4] for g in _run(bad, code="DR001")] == [
        ("a", "drbd.conf", 16, [7]),
        ("a", "drbd.conf", 16, [8]),
    ]
    ok = tree(tmp_path / "ok" / "a", {"etc/drbd.conf": GLOBAL + r0 + r1 % (7789, 7789)})
    assert _drbdadm_9(ok / "etc/drbd.conf", "a")[0] == 0
    assert _run(ok, code="DR001") == []
    assert _new_peers(ok / "etc/drbd.conf", "a") == {"b": ""}


def test_dr021_connection_host_after_path(tmp_path: Path) -> None:
    # path0 (user/v9/drbdadm_parser.c:1501-1518): a host statement after an explicit
    # path section is "Explicit and implicit paths not allowed" (config_valid = 0)
    conn = (
        "connection {\n    path { host a address 10.0.0.1:7788; host b address 10.0.0.2:7788; }\n"
        "    host a port 7011;\n  }"
    )
    bad = tree(tmp_path / "bad" / "a", {"etc/drbd.conf": _two(conn)})
    rc, err = _drbdadm_9(bad / "etc/drbd.conf", "a")
    assert rc == 10 and "Explicit and implicit paths not allowed" in err
    got = _run(bad, code="DR021")
    assert [g[:3] for g in got] == [("a", "drbd.conf", 8)]
    ok = tree(
        tmp_path / "ok" / "a",
        {
            "etc/drbd.conf": _two(
                "connection {\n    host a address 10.0.0.1:7788; host b address 10.0.0.2:7788;\n"
                "    path { host a address 10.1.0.1:7788; host b address 10.1.0.2:7788; }\n  }"
            )
        },
    )
    assert _drbdadm_9(ok / "etc/drbd.conf", "a")[0] == 0
    assert _run(ok, code="DR021") == []


def test_dr028_three_node_tree_with_mesh_and_connection(tmp_path: Path) -> None:
    """tests/fixtures/lint-trees/drbd9-mesh-connection-net (README.md there): what
    ``drbdadm -d up r0`` on each node of ``bad`` hands the kernel, and DR028 on the
    three connections whose two ends disagree."""
    from test_audit_trees import TREES, _codes

    case = TREES / "drbd9-mesh-connection-net"

    def joined(variant: str, node: str) -> Path:
        etc = case / variant / node / "etc" / "drbd.d"
        out = tmp_path / f"{variant}-{node}.conf"
        out.write_text((etc / "global_common.conf").read_text() + (etc / "r0.res").read_text())
        return out

    n1 = _new_peers(joined("bad", "n1"), "n1.example.com")
    n2 = _new_peers(joined("bad", "n2"), "n2.example.com")
    assert "--after-sb-0pri=discard-zero-changes" in n1["n2.example.com"]
    assert "after-sb-0pri" not in n2["n1.example.com"]
    n3 = _new_peers(joined("bad", "n3"), "n3.example.com")
    assert "--allow-two-primaries=yes" in n3["n1.example.com"]
    assert "--allow-two-primaries=no" in n1["n3.example.com"]
    assert _codes("drbd9-mesh-connection-net", "good", ["DR", "XC"]) == []
    assert _codes("drbd9-mesh-connection-net", "bad", ["DR", "XC"]) == [
        ("DR028", "r0.res", 6),
        ("DR028", "r0.res", 6),
        ("DR028", "r0.res", 7),
    ]


def test_net_section_in_on_section_refused(tmp_path: Path) -> None:
    # parse_host_section (user/v9/drbdadm_parser.c:1024, the same in HEAD) takes disk,
    # device, meta-disk, address, proxy, volume, node-id, options and skip: "Parse
    # error: 'disk | device | address | meta-disk | flexible-meta-disk | node-id |
    # skip' expected, but got 'net'"; drbdadm 8.3 and 8.4 alike (peer-drbdadm --mode
    # 83/84). Lint took a host's net section as known.
    text = _two("").replace(
        "node-id 0; }", "node-id 0; net { max-buffers 8000; } options { cpu-mask 1; } }"
    )
    root = tree(tmp_path / "a", {"etc/drbd.conf": text})
    rc, err = _drbdadm_9(root / "etc/drbd.conf", "a")
    assert rc == 10 and "but got 'net'" in err
    assert [g[:2] for g in _xc008(root)] == [(4, "XC009")]
    ok = tree(
        tmp_path / "ok" / "a", {"etc/drbd.conf": text.replace(" net { max-buffers 8000; }", "")}
    )
    assert _drbdadm_9(ok / "etc/drbd.conf", "a")[0] == 0
    assert _xc008(ok) == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("net { skip { protocol A; } max-buffers 8000; }", 6),
        ("disk { skip { x } }", 6),
        ("options { skip { } quorum off; }", 6),
        ("connection-mesh { hosts a b; skip { } }", 6),
        (
            "connection { path { host a address 10.0.0.1:7788; host b address 10.0.0.2:7788; "
            "skip { } } }",
            6,
        ),
    ],
)
def test_skip_refused_in_option_sections(tmp_path: Path, body: str, line: int) -> None:
    # drbdadm 9 takes "skip { }" at top level and in resource, common, host, volume and
    # connection sections only (case TK_SKIP in my_parse :2071, parse_resource :1805,
    # parse_host_section :1127, parse_volume_stmt :954, parse_connection :1602 of
    # user/v9/drbdadm_parser.c); in an option section "'an option keyword' expected,
    # but got 'skip'", in a mesh "'hosts | net | }' expected", in a path "'host | }'
    # expected". Lint took skip anywhere.
    root = tree(tmp_path / "a", {"etc/drbd.conf": _two(body)})
    rc, err = _drbdadm_9(root / "etc/drbd.conf", "a")
    assert rc == 10 and "but got 'skip'" in err, err
    assert [g[:2] for g in _xc008(root)] == [(line, "XC009")]


def test_skip_where_drbdadm_9_takes_it(tmp_path: Path) -> None:
    text = "skip { top }\n" + _two(
        "skip { r }\n  connection { host a; host b; skip { c } }\n"
        "  volume 0 { device minor 0; skip { v } }"
    ).replace("device minor 0; disk /dev/vg/r0;", "disk /dev/vg/r0;").replace(
        "node-id 0; }", "node-id 0; skip { h } }"
    )
    root = tree(tmp_path / "a", {"etc/drbd.conf": text})
    assert _drbdadm_9(root / "etc/drbd.conf", "a")[0] == 0
    assert _xc008(root) == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "connection { host a; host b; net { max-buffers 8000; } net { protocol C; } }",
            "only one 'net' section per connection allowed",
        ),
        (
            "connection-mesh { hosts a b; net { max-buffers 8000; } net { protocol C; } }",
            "only one 'net' section allowed",
        ),
    ],
)
def test_dr018_second_net_in_connection(tmp_path: Path, body: str, said: str) -> None:
    # parse_connection (user/v9/drbdadm_parser.c:1592-1597) and parse_connection_mesh
    # (:1651-1656) refuse a second net section (config_valid = 0); lint said nothing
    root = tree(tmp_path / "a", {"etc/drbd.conf": _two(body)})
    rc, err = _drbdadm_9(root / "etc/drbd.conf", "a")
    assert rc == 10 and said in err
    got = _run(root, code="DR018")
    assert [g[:4] for g in got] == [("a", "drbd.conf", 6, [6])]
    assert said in got[0][4]
    one = body.replace(" net { protocol C; }", "")
    ok = tree(tmp_path / "ok" / "a", {"etc/drbd.conf": _two(one)})
    assert _drbdadm_9(ok / "etc/drbd.conf", "a")[0] == 0
    assert _run(ok, code="DR018") == []


def test_dr028_protocol_of_a_mesh_or_connection(tmp_path: Path) -> None:
    # receive_protocol (LINBIT/drbd drbd_receiver.c, 9.x): "incompatible %s settings"
    # for "protocol" when the peers' wire protocols differ. A mesh's net { protocol A; }
    # reaches each of its connections (drbdadm -d up: "--protocol=A" on a's new-peer
    # c, nothing on c's); DR009 compares the resource's and common's protocol only.
    proto = "protocol A;"
    roots = _nodes(
        tmp_path / "bad",
        {"a": _mesh(mesh_net=proto), "b": _mesh(mesh_net=proto), "c": _mesh()},
    )
    assert _new_peers(roots[0] / "etc/drbd.conf", "a")["c"] == "--protocol=A"
    assert _new_peers(roots[2] / "etc/drbd.conf", "c")["a"] == ""
    got = _run(*roots, code="DR028")
    assert [(g[0], g[2], g[3]) for g in got] == [("c", 7, [7]), ("c", 7, [7])]
    assert all("protocol C here, A there" in g[4] for g in got)
    assert _run(*roots, code="DR009") == []
    ok = _nodes(tmp_path / "ok", {n: _mesh(mesh_net=proto) for n in "abc"})
    assert _run(*ok, code="DR028") == []
