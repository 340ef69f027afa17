"""DRBD lint held to drbdadm (drbd-utils 9.22's 8.3, 8.4 and 9 parsers, through
/work/shared/oracle/peers/peer-drbdadm): each verdict here was first found as a
disagreement between ``xencfg lint`` and the peer, and each test names the
drbd-utils source or the peer's verdict behind the expected finding."""

from __future__ import annotations

from pathlib import Path

from test_rules_drbd import res, run, tree
from xencfg.discover import display_path

GLOBAL = "global { usage-count no; }\n"
COMMON = "common { protocol C; }\n"


def test_dr017_second_global_section_across_drbd_d(tmp_path: Path) -> None:
    # peer-drbdadm (84, 83 and 9): "drbd.d/global_common.conf:1: conflicting use of
    # global section 'global' ... drbd.conf:1: global section 'global' first used
    # here." -- check_uniq("global section", "global") in parse_global
    # (user/v84/drbdadm_parser.c, user/v9/drbdadm_parser.c)
    top = GLOBAL + 'include "drbd.d/*.conf";\ninclude "drbd.d/*.res";\n'
    bad = tree(
        tmp_path / "alpha",
        {
            "etc/drbd.conf": top,
            "etc/drbd.d/global_common.conf": "global { usage-count yes; }\n" + COMMON,
            "etc/drbd.d/r0.res": res("r0"),
        },
    )
    got = run(bad, code="DR017")
    assert [g[:3] for g in got] == [("global_common.conf", 1, [1])]
    assert got[0][3].startswith("a second 'global' section: drbdadm refuses")
    ok = tree(
        tmp_path / "ok" / "alpha",
        {
            "etc/drbd.conf": top,
            "etc/drbd.d/global_common.conf": COMMON,
            "etc/drbd.d/r0.res": res("r0"),
        },
    )
    assert run(ok, code="DR017") == []


def test_dr017_second_global_not_included_is_not_read(tmp_path: Path) -> None:
    # drbdadm reads drbd.conf and what it includes: a drbd.d file nothing includes
    # holds no section of the node's configuration
    top = GLOBAL + 'include "drbd.d/*.res";\n'
    ok = tree(
        tmp_path / "alpha",
        {
            "etc/drbd.conf": top,
            "etc/drbd.d/global_common.conf": GLOBAL,
            "etc/drbd.d/r0.res": res("r0"),
        },
    )
    assert run(ok, code="DR017") == []


def test_dr017_second_common_section(tmp_path: Path) -> None:
    # peer-drbdadm (84, 83 and 9): "c.conf:3: conflicting use of resource section
    # 'common' ... c.conf:2: resource section 'common' first used here." -- common is
    # parsed by parse_resource("common", ...), which calls check_uniq("resource
    # section", res_name) (user/v9/drbdadm_parser.c); the 8.4 parser's my_parse does
    # the same (user/v84/drbdadm_parser.c, case TK_COMMON)
    text = GLOBAL + COMMON + "common { syncer { rate 10M; } }\n" + res("r0", head="")
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="DR017")
    assert [g[:3] for g in got] == [("drbd.conf", 3, [2])]
    assert got[0][3].startswith("a second 'common' section")
    ok = GLOBAL + "common { protocol C; syncer { rate 10M; } }\n" + res("r0", head="")
    assert run(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), code="DR017") == []


def test_dr017_resource_name_twice(tmp_path: Path) -> None:
    # peer-drbdadm 84: "d.conf:10: conflicting use of resource section 'r0' ...
    # d.conf:3: resource section 'r0' first used here." (check_uniq("resource
    # section", res_name) in parse_resource); lint said nothing when the two copies
    # had different disks, ports and minors (so no DR001-DR003 either)
    twice = res("r0") + res("r0", 7789, 1)
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": twice}), code="DR017")
    assert [g[:3] for g in got] == [("drbd.conf", 16, [1])]
    assert "resource 'r0' is defined a second time" in got[0][3]
    ok = res("r0") + res("r1", 7789, 1)
    assert run(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), code="DR017") == []


def _dr006(*roots: Path, versions: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    result = lint.run(
        [str(r) for r in roots],
        select=["DR006"],
        versions={k: Version.parse(v) for k, v in (versions or {}).items()},
    )
    return [(Path(f.path).parent.parent.name, f.line, f.message) for f in result.findings]


def _nodes(root: Path, conf: str, hostnames: tuple[str, str] = ("alpha", "beta")) -> list[Path]:
    out = []
    for node, hostname in zip(("alpha", "beta"), hostnames, strict=True):
        files = {"etc/drbd.conf": conf}
        if hostname:
            files["etc/hostname"] = hostname + "\n"
        out.append(tree(root / node, files))
    return out


#: 8.3 syntax (syncer/rate: DRBD 9 refuses it, so the files say "before 9.0").
SYNCER = "syncer { rate 10M; }"


def test_dr006_drbd8_matches_on_names_exactly(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83 --node beta on ``on BETA``: "WARN: no normal resources
    # defined for this host (beta)!?"; --mode 84 --node beta dumps "# resource r0 on
    # beta: ignored, not stacked" (--mode 9: "not ignored"). drbdadm 8.x's
    # name_in_names is a strcmp (user/v84/drbdadm_parser.c), drbd 9's
    # hostnames_equal a strcasecmp that ignores a missing domain (user/v9/...).
    upper = res("r0", hosts=("alpha", "BETA"), head=SYNCER)
    got = _dr006(*_nodes(tmp_path / "upper", upper))
    assert [g[:2] for g in got] == [("beta", 1)]
    assert got[0][2].startswith("resource 'r0' has no 'on beta' section (it names alpha, BETA)")
    assert "exactly" in got[0][2]
    fqdn = res("r0", hosts=("alpha", "beta.example.net"), head=SYNCER)
    assert [g[:2] for g in _dr006(*_nodes(tmp_path / "fqdn", fqdn))] == [("beta", 1)]
    same = res("r0", hosts=("alpha", "beta"), head=SYNCER)
    assert _dr006(*_nodes(tmp_path / "ok", same)) == []


def test_dr006_drbd8_fqdn_uname_matches_fqdn_on(tmp_path: Path) -> None:
    # uname -n "beta.example.net" (etc/hostname) and ``on beta.example.net``: strcmp
    # equal in 8.x, so the node has its section
    fqdn = res("r0", hosts=("alpha", "beta.example.net"), head=SYNCER)
    roots = _nodes(tmp_path, fqdn, hostnames=("alpha", "beta.example.net"))
    assert _dr006(*roots) == []


def test_dr006_case_is_fine_for_drbd9_or_an_unknown_release(tmp_path: Path) -> None:
    # drbd 9 (hostnames_equal, strcasecmp): ``on BETA`` is node beta; with no sign of
    # the release lint does not guess the stricter 8.x match
    upper = res("r0", hosts=("alpha", "BETA"))
    assert _dr006(*_nodes(tmp_path / "unknown", upper)) == []
    v9 = _nodes(tmp_path / "nine", upper)
    assert _dr006(*v9, versions={"drbd": "9.1"}) == []
    # declared 8.4: the exact match applies
    declared = _nodes(tmp_path / "declared", upper)
    assert [g[:2] for g in _dr006(*declared, versions={"drbd": "8.4"})] == [("beta", 1)]


def test_dr006_drbd8_without_etc_hostname_does_not_guess(tmp_path: Path) -> None:
    # the node's name comes from its folder: uname -n is unknown, so no exact match
    upper = res("r0", hosts=("alpha", "BETA"), head=SYNCER)
    assert _dr006(*_nodes(tmp_path, upper, hostnames=("", ""))) == []


def _dr018(tmp_path: Path, name: str, text: str) -> list[tuple[str, int, list[int], str]]:
    return run(tree(tmp_path / name, {"etc/drbd.conf": text}), code="DR018")


def _resource(extra: str, common: str = "") -> str:
    """r0 with ``extra`` on line 7 (``common`` sits on line 3)."""
    return (
        "global { usage-count no; }\n"
        "common {\n"
        f"  protocol C; {common}\n"
        "}\n"
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        f"  {extra}\n"
        "  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; }\n"
        "}\n"
    )


def test_dr018_section_or_statement_twice_in_a_resource(tmp_path: Path) -> None:
    # peer-drbdadm, all of --mode 83, 84 and 9 on each file: "conflicting use of net
    # section 'r0:net'", "... disk section 'r0:disk'", "... startup section
    # 'r0:startup'", "... protocol statement 'r0: protocol'", "... device statement
    # 'r0:device'" -- check_upr(...) in parse_resource (user/v84/drbdadm_parser.c,
    # user/v9/drbdadm_parser.c); lint had no finding for any of them
    cases = {
        "net": "net { max-buffers 2048; } net { timeout 60; }",
        "disk": "disk { on-io-error detach; } disk { fencing dont-care; }",
        "startup": "startup { wfc-timeout 5; } startup { degr-wfc-timeout 5; }",
        "protocol": "protocol C; protocol C;",
        "device": "device /dev/drbd0;",
    }
    for key, extra in cases.items():
        got = _dr018(tmp_path, key, _resource(extra))
        assert [(g[1], g[2]) for g in got] == [(7, [7 if key != "device" else 6])], key
        assert f"resource r0 gives '{key}' a second time; drbdadm refuses" in got[0][3]
    # a resource-level disk or meta-disk statement may repeat (peer: OK in 83, 84, 9;
    # parse_resource's TK_DISK string case has no check_upr): the later one wins
    for name, extra in {"disk-stmt": "disk /dev/sda2;", "meta": "meta-disk internal;"}.items():
        assert _dr018(tmp_path, name, _resource(extra)) == []
    ok = _resource("net { max-buffers 2048; timeout 60; } disk { on-io-error detach; }")
    assert _dr018(tmp_path, "ok", ok) == []


def test_dr018_twice_in_common(tmp_path: Path) -> None:
    # peer-drbdadm (83, 84, 9): "conflicting use of protocol statement 'common:
    # protocol'" and "... net section 'common:net'" (common is parse_resource too)
    got = _dr018(tmp_path, "proto", _resource("", common="protocol A;"))
    want = "common gives 'protocol' a second time"
    assert [(g[1], g[3].split(";")[0]) for g in got] == [(3, want)]
    got = _dr018(tmp_path, "net", _resource("", common="net { timeout 60; } net { ko-count 4; }"))
    assert [g[1] for g in got] == [3]
    assert _dr018(tmp_path, "ok", _resource("", common="net { timeout 60; ko-count 4; }")) == []


def test_dr018_host_section_twice(tmp_path: Path) -> None:
    # peer-drbdadm (83, 84, 9): "r_on.conf:11: conflicting use of host section 'r0: on
    # alpha' ... r_on.conf:10: ... first used here" (check_upr("host section", "%s:
    # on %s") for each name in parse_host_section)
    got = _dr018(tmp_path, "on", _resource("on alpha { address 10.0.0.1:7789; }"))
    assert [(g[1], g[2]) for g in got] == [(8, [7])]
    assert "host section 'r0: on alpha'" in got[0][3]
    # a volume given twice is accepted by drbdadm 8.4 and 9 (peer: OK): not DR018
    vols = _resource("volume 0 { device /dev/drbd1; } volume 0 { device /dev/drbd2; }")
    assert _dr018(tmp_path, "vol", vols) == []


def test_dr019_quoted_number_address_or_keyword(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "q.conf:3: Parse error: 'TK_INTEGER' expected, but got
    # '0' (TK 281)" for node-id "0"; --mode 84 and 9 alike for minor "0", volume "0",
    # minor-count "5", dialog-refresh "5" and meta-disk /dev/sdc ["0"]: drbdadm's
    # scanner returns a quoted value as TK_STRING, the parser does EXP(TK_INTEGER)
    # there (user/v9/drbdadm_parser.c: parse_global, parse_host_section, TK_VOLUME)
    nine = (
        "resource r0 {\n"
        "  device /dev/drbd0 minor 0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { address 10.0.0.1:7788; node-id 0; }\n"
        "  on beta { address 10.0.0.2:7788; node-id 1; }\n"
        "}\n"
    )
    bad = {
        "node-id": (nine.replace("node-id 0", 'node-id "0"'), 3),
        "minor": (nine.replace("minor 0", 'minor "0"'), 2),
        "minor-count": ('global { minor-count "5"; }\n' + nine, 1),
        "meta-disk": (nine.replace("internal", '/dev/sdc ["0"]'), 2),
        "volume": (
            nine.replace("  device", '  volume "0" { device').replace("internal;", "internal; }"),
            2,
        ),
        # --mode 84 and 9: "'yes | no | ask' expected, but got 'no'" and "'ssocks | sdp |
        # ipv4 | ipv6 | <ipv4 address> ' expected, but got '10.0.0.1:7788'"
        "usage-count": ('global { usage-count "no"; }\n' + nine, 1),
        "address": (nine.replace("address 10.0.0.1:7788", 'address "10.0.0.1:7788"'), 3),
        "family": (nine.replace("address 10.0.0.1:7788", 'address "ipv4" 10.0.0.1:7788'), 3),
        # found by test_daemon_verdicts' quote_value mutant of a proxy section: --mode 9
        # "'ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ' expected, but got '10.0.2.1:7789'"
        "outside": (
            nine.replace(
                "node-id 0; }",
                "node-id 0;\n    proxy on alpha { inside 127.0.0.1:7788;"
                ' outside "10.0.2.1:7789"; } }',
            ),
            4,
        ),
    }
    for key, (text, line) in bad.items():
        got = run(tree(tmp_path / key, {"etc/drbd.conf": text}), code="DR019")
        assert [g[1] for g in got] == [line], key
        assert "is quoted, but drbdadm wants" in got[0][3]
    # option values are converted from strings (peer --mode 9: OK for max-buffers
    # "2048"; 84 and 9: OK for on-io-error "detach", protocol "C", meta-disk
    # "internal", on "alpha", resource "r0", device "/dev/drbd0")
    ok = 'common { net { max-buffers "2048"; } disk { on-io-error "detach"; } }\n' + nine
    for bare, quoted in [("/dev/sda1", '"/dev/sda1"'), ("on alpha", 'on "alpha"')]:
        ok = ok.replace(bare, quoted)
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": ok}), code="DR019") == []


THREE = (
    "resource r0 {\n"
    "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
    "  on alpha { address 10.0.0.1:7788; node-id 0; }\n"
    "  on beta { address 10.0.0.2:7788; node-id 1; }\n"
    "  on gamma { address 10.0.0.3:7788; node-id 2; }\n"
    "  connection-mesh { hosts alpha beta gamma; }\n"
    "}\n"
)


def _lint9(tmp_path: Path, name: str, text: str, code: str) -> list[tuple[int, str]]:
    got = run(tree(tmp_path / name, {"etc/drbd.conf": text}), code=code)
    return [(g[1], g[3]) for g in got]


def test_dr020_node_id_reused_or_missing(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "nodeid_dup.conf:5: conflicting use of node-id 'r0:1' ...
    # :4: node-id 'r0:1' first used here" (check_upr("node-id", "%s:%s") in
    # parse_host_section, user/v9/drbdadm_parser.c) and "in resource r0, on gamma {
    # ... }: 'node-id' keyword missing." (drbdadm_postparse.c: derror(host, res,
    # "node-id") for any host left without one; ids are only made up for two hosts
    # that both lack one, generate_implicit_node_id)
    got = _lint9(tmp_path, "dup", THREE.replace("node-id 2", "node-id 1"), "DR020")
    assert [g[0] for g in got] == [5] and "conflicting use of node-id 'r0:1'" in got[0][1]
    got = _lint9(tmp_path, "missing", THREE.replace(" node-id 2;", ""), "DR020")
    assert [g[0] for g in got] == [5] and "'gamma' has no node-id" in got[0][1]
    assert _lint9(tmp_path, "ok", THREE, "DR020") == []
    # two hosts, neither with a node-id: drbdadm 9 makes them up (peer: OK), 8.4 too
    assert _lint9(tmp_path, "two", res("r0"), "DR020") == []


def test_dr021_connection_names_a_host_without_on_section(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "in resource r0: There is no 'on' section for hostname
    # 'delta' named in the connection-mesh" (find_host_info_or_invalid); "a hostname
    # ("gamma") is given with a "host" keyword, has no "address" keyword, and no
    # matching host section" for ``path { host alpha address ...; host gamma address
    # ...; }`` (set_host_info_in_host_address_pairs: a host named is looked up by name
    # even with an address); "connection needs to have two endpoints"
    # (_must_have_two_hosts), all in user/v9/drbdadm_postparse.c
    mesh = THREE.replace("hosts alpha beta gamma", "hosts alpha beta delta")
    got = _lint9(tmp_path, "mesh", mesh, "DR021")
    assert [g[0] for g in got] == [6] and "names 'delta'" in got[0][1]
    # drbdadm 9 matches names in any case (hostnames_equal; peer: OK)
    assert _lint9(tmp_path, "case", THREE.replace("on gamma", "on Gamma"), "DR021") == []
    assert _lint9(tmp_path, "ok", THREE, "DR021") == []
    path = (
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { node-id 0; }\n"
        "  on beta { node-id 1; }\n"
        "  connection {\n"
        "    path { host alpha address 10.0.0.1:7788; host beta address 10.0.0.2:7788; }\n"
        "  }\n"
        "}\n"
    )
    assert _lint9(tmp_path, "path-ok", path, "DR021") == []
    got = _lint9(tmp_path, "path", path.replace("host beta", "host gamma"), "DR021")
    assert [g[0] for g in got] == [6] and "connection host 'gamma'" in got[0][1]
    one = THREE.replace("connection-mesh { hosts alpha beta gamma; }", "connection { host alpha; }")
    got = _lint9(tmp_path, "one", one, "DR021")
    assert [g[0] for g in got] == [6] and "two endpoints" in got[0][1]


def test_dr022_volume_only_on_one_host(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and --mode 9: "in resource r0, on alpha { ... }: volume 1
    # not defined on beta" (check_volume_sets_equal, user/v9/drbdadm_postparse.c;
    # the 8.4 parser has the same check)
    text = (
        "resource r0 {\n"
        "  volume 0 { device /dev/drbd0; disk /dev/sda1; meta-disk internal; }\n"
        "  on alpha { address 10.0.0.1:7788;\n"
        "    volume 1 { device /dev/drbd1; disk /dev/sdb1; meta-disk internal; } }\n"
        "  on beta { address 10.0.0.2:7788; }\n"
        "}\n"
    )
    got = _lint9(tmp_path, "bad", text, "DR022")
    assert [g[0] for g in got] == [3] and "volume 1 of 'on alpha'" in got[0][1]
    both = text.replace(
        "  on beta { address 10.0.0.2:7788; }",
        "  on beta { address 10.0.0.2:7788;\n"
        "    volume 1 { device /dev/drbd1; disk /dev/sdc1; meta-disk internal; } }",
    )
    assert _lint9(tmp_path, "ok", both, "DR022") == []
    # volumes at resource level reach every host (peer: OK)
    assert _lint9(tmp_path, "inherited", THREE, "DR022") == []


def _volumes(body: str) -> str:
    return (
        "resource r1 {\n"
        f"{body}"
        "  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; }\n"
        "}\n"
    )


def test_dr023_implicit_and_explicit_volumes(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "in resource r1: you must not mix implicit and
    # explicit volumes" (validate: any_implicit && any_non_zero_vnr,
    # user/v9/drbdadm_postparse.c) and "mix2.conf:3: mixing explicit and implicit
    # volumes is not allowed" (volume0() in user/v9/drbdadm_parser.c)
    vol1 = "  volume 1 { device /dev/drbd3; disk /dev/vg/c; meta-disk internal; }\n"
    got = _lint9(tmp_path, "mix", _volumes("  meta-disk internal;\n" + vol1), "DR023")
    assert [g[0] for g in got] == [2] and "you must not mix" in got[0][1]
    vol0 = "  volume 0 { device /dev/drbd2; disk /dev/vg/b; }\n"
    got = _lint9(tmp_path, "after", _volumes(vol0 + "  meta-disk internal;\n"), "DR023")
    assert [g[0] for g in got] == [3] and "mixing explicit and implicit" in got[0][1]
    # the statement before 'volume 0' joins volume 0 (peer: OK in 84 and 9)
    assert _lint9(tmp_path, "before", _volumes("  meta-disk internal;\n" + vol0), "DR023") == []
    ok = vol0.replace("}", "meta-disk internal; }") + vol1
    assert _lint9(tmp_path, "ok", _volumes(ok), "DR023") == []


def test_floating_statement_parses(tmp_path: Path) -> None:
    # drbdadm 8.4 and 9 read ``floating ADDR;`` as well as ``floating ADDR { }``:
    # parse_host_section takes '{' or ';' after the address (user/v9/drbdadm_parser.c
    # "floating <address> {}", user/v84 the same); lint called it a parse error (XC001)
    text = (
        "resource r1 {\n"
        "  volume 0 { device /dev/drbd1; disk /dev/vg/a; meta-disk internal; }\n"
        "  floating 10.1.1.31:7788;\n"
        "  floating 10.1.1.32:7788;\n"
        "}\n"
    )
    assert run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="XC001") == []
    broken = text.replace("floating 10.1.1.32:7788;", "floating 10.1.1.32:7788")
    assert run(tree(tmp_path / "b" / "alpha", {"etc/drbd.conf": broken}), code="XC001") != []


def _dr024(tmp_path: Path, name: str, text: str, version: str | None = None) -> list[str]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    root = tree(tmp_path / name / "alpha", {"etc/drbd.conf": text})
    result = lint.run(
        [str(root)],
        select=["DR024"],
        versions={"drbd": Version.parse(version)} if version else None,
    )
    return [
        f"{f.line}:{f.message.split(':')[0]}:{f.message.split(chr(39))[1]}" for f in result.findings
    ]


def test_dr024_host_statement_missing(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83, 84 and 9 (--node alpha): "miss_disk.conf:4: in resource
    # r0, on beta { ... }: 'disk' keyword missing."; the same for 'device' (all three)
    # and 'address' (83, 84); 'meta-disk' only in 83 and 84 -- drbd 9 defaults it to
    # internal (peer --mode 9: OK). derror() in user/v9/drbdadm_postparse.c.
    full = (
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; }\n"
        "}\n"
    )
    assert _dr024(tmp_path, "ok", full) == []
    no_disk = full.replace(" disk /dev/sda1;", "").replace(
        "on alpha { address 10.0.0.1:7788;", "on alpha { address 10.0.0.1:7788; disk /dev/sda1;"
    )
    assert _dr024(tmp_path, "disk", no_disk) == ["4:resource r0, on beta:disk"]
    no_dev = full.replace("device /dev/drbd0; ", "")
    assert _dr024(tmp_path, "dev", no_dev) == [
        "3:resource r0, on alpha:device",
        "4:resource r0, on beta:device",
    ]
    no_addr = full.replace("on beta { address 10.0.0.2:7788; }", "on beta { }")
    assert _dr024(tmp_path, "addr", no_addr, "8.4") == ["4:resource r0, on beta:address"]
    # drbdadm 9 accepts it (peer --mode 9: OK; create_implicit_connections leaves a
    # host without an address out), so with the release unknown: no error
    assert _dr024(tmp_path, "addr-unknown", no_addr) == []
    # ... but not when a connection-mesh names the host ("connection-mesh ... with a
    # host that has no address defined", set_host_info_in_host_address_pairs)
    mesh = THREE.replace(
        "on gamma { address 10.0.0.3:7788; node-id 2; }", "on gamma { node-id 2; }"
    )
    assert _dr024(tmp_path, "mesh", mesh) == ["5:resource r0, on gamma:address"]
    no_meta = full.replace(" meta-disk internal;", "")
    assert _dr024(tmp_path, "meta-unknown", no_meta) == []  # 9 reads it: no guess
    assert _dr024(tmp_path, "meta-9", no_meta, "9.2") == []
    assert _dr024(tmp_path, "meta-84", no_meta, "8.4") == [
        "3:resource r0, on alpha:meta-disk",
        "4:resource r0, on beta:meta-disk",
    ]


def test_dr024_drbd9_diskless_and_single_host(tmp_path: Path) -> None:
    # drbd-utils' own tests, accepted by drbdadm 9: ``disk none`` (a diskless node),
    # one host without an address (no connection to make), and hosts whose addresses
    # come from connection paths (peer --mode 9: OK on each)
    diskless = THREE.replace(
        "on gamma { address 10.0.0.3:7788; node-id 2; }",
        "on gamma { address 10.0.0.3:7788; node-id 2; disk none; }",
    )
    assert _dr024(tmp_path, "diskless", diskless) == []
    single = "resource r0 {\n  device /dev/drbd0; disk /dev/sda1;\n  on alpha { node-id 0; }\n}\n"
    assert _dr024(tmp_path, "single", single) == []
    paths = (
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { node-id 0; }\n"
        "  on beta { node-id 1; }\n"
        "  connection {\n"
        "    path { host alpha address 10.0.0.1:7788; host beta address 10.0.0.2:7788; }\n"
        "  }\n"
        "}\n"
    )
    assert _dr024(tmp_path, "paths", paths) == []


def test_dr021_path_with_three_hosts(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9 on a path whose 'host' line was doubled: "only two 'host'
    # keywords per path allowed" (parse_path, user/v9/drbdadm_parser.c); a stacked
    # resource's paths are counted too (its host names are the lower resources')
    path = (
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { node-id 0; }\n"
        "  on beta { node-id 1; }\n"
        "  connection {\n"
        "    path { host alpha address 10.0.0.1:7788; host beta address 10.0.0.2:7788; }\n"
        "  }\n"
        "}\n"
    )
    three = path.replace("10.0.0.2:7788; }", "10.0.0.2:7788; host beta address 10.0.0.2:7788; }")
    got = _lint9(tmp_path, "three", three, "DR021")
    # (at the connection's line, as drbdadm: "three.conf:5: only two 'host' keywords")
    assert [g[0] for g in got] == [5] and "a path with 3 'host' statements" in got[0][1]
    # drbdsetup show writes a path's ends as _this_host/_remote_host (drbdadm reads them)
    show = path.replace("host alpha address", "_this_host ipv4").replace(
        "host beta address", "_remote_host ipv4"
    )
    assert not [g for g in _lint9(tmp_path, "show", show, "DR021") if "path" in g[1]]


def test_statement_glued_on_one_line_is_a_parse_error(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "Parse error: ';' expected, but got 'disk' (TK 264)"
    # for ``volume 0 { device minor 1 disk /dev/foo; }`` and "';' expected, but got
    # '/dev/sdb1'" for ``disk /dev/sda1 /dev/sdb1;`` (parse_volume_stmt EXP(';'),
    # user/v9/drbdadm_parser.c); a missing ';' was only found across a line break
    base = (
        "resource r0 {\n"
        "  volume 0 { device minor 1; disk /dev/sda1; meta-disk internal; }\n"
        "  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; }\n"
        "}\n"
    )
    glued = base.replace("device minor 1;", "device minor 1")
    got = run(tree(tmp_path / "glued" / "alpha", {"etc/drbd.conf": glued}), code="XC001")
    assert [(g[1], g[3]) for g in got] == [
        (2, "expected ';' after the value of 'device', got 'disk'")
    ]
    two = base.replace("disk /dev/sda1;", "disk /dev/sda1 /dev/sdb1;")
    got = run(tree(tmp_path / "two" / "alpha", {"etc/drbd.conf": two}), code="XC001")
    assert [g[1] for g in got] == [2]
    for ok in (base, base.replace("device minor 1", "device /dev/drbd1 minor 1")):
        assert run(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), code="XC001") == []


def test_dr018_drbd9_same_host_in_another_case(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9 --node alpha: "in resource r0, on alpha { ... } ... on ALPHA
    # { ... }: There are multiple host sections for this node." (hostnames_equal is a
    # strcasecmp, user/v9/drbdadm_parser.c); node-id makes the file DRBD 9's. With
    # DRBD 8.x syntax the names differ (strcmp) and the file is not reported.
    upper = THREE.replace(
        "on gamma { address 10.0.0.3:7788; node-id 2; }",
        "on gamma { address 10.0.0.3:7788; node-id 2; }\n"
        "  on ALPHA { address 10.0.0.4:7788; node-id 3; }",
    )
    got = _lint9(tmp_path, "upper", upper, "DR018")
    assert [g[0] for g in got] == [6] and "'on ALPHA', the same host" in got[0][1]
    assert _lint9(tmp_path, "ok", THREE, "DR018") == []
    eight = res("r0", hosts=("alpha", "ALPHA"), head="syncer { rate 10M; }")
    assert _lint9(tmp_path, "eight", eight, "DR018") == []


def test_dr024_protocol_missing_before_84(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83 --node alpha: "e8.conf:1: in resource r0: protocol
    # definition missing."; --mode 84: OK (protocol C is the default from 8.4 on)
    text = res("r0", head="syncer { rate 10M; }")
    assert _dr024(tmp_path, "83", text, "8.3") == ["1:resource r0:protocol"]
    assert _dr024(tmp_path, "84", text, "8.4") == []
    assert _dr024(tmp_path, "unknown", text) == []
    common = "common { protocol C; }\n" + text
    assert _dr024(tmp_path, "common", common, "8.3") == []


def test_dr025_three_hosts_without_connections(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9 --node alpha: "OK ... with warnings: Resource r0: Use
    # explicit 'connection' sections (or a 'connection-mesh' section) with more than
    # two 'on' sections." -- accepted, but no connection is made
    # (create_implicit_connections, user/v9/drbdadm_postparse.c)
    bare = THREE.replace("  connection-mesh { hosts alpha beta gamma; }\n", "")
    got = _lint9(tmp_path, "bare", bare, "DR025")
    assert [g[0] for g in got] == [1] and "never replicates" in got[0][1]
    assert _lint9(tmp_path, "mesh", THREE, "DR025") == []
    assert _lint9(tmp_path, "two", res("r0"), "DR025") == []


def test_dr015_device_minor_twice_in_a_host_volume(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "hv.conf:2: conflicting use of device-minor
    # 'device-minor:alpha:1' ..." for a doubled ``device minor 1;`` in alpha's volume 0
    # (check_uniq("device-minor", ...) at each device statement); a doubled disk or
    # meta-disk line there is accepted (peer: OK), the later one wins
    body = "device minor 1; disk /dev/sdb1; meta-disk internal;"
    text = (
        "resource r0 {\n"
        f"  on alpha {{ address 10.0.0.1:7788; volume 0 {{ {body} EXTRA }} }}\n"
        f"  on beta {{ address 10.0.0.2:7788; volume 0 {{ {body} }} }}\n"
        "}\n"
    )
    got = _lint9(tmp_path, "dev", text.replace("EXTRA", "device minor 1;"), "DR015")
    assert [g[0] for g in got] == [2] and "gives minor 1 again" in got[0][1]  # the volume
    for name, extra in {"disk": "disk /dev/sdb1;", "meta": "meta-disk internal;"}.items():
        assert _lint9(tmp_path, name, text.replace("EXTRA", extra), "DR015") == []


def test_dr023_volume0_implicit_on_one_host_only(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9 (mix5): "in resource r1, on alpha resp. beta: volume
    # 0 must not be implicit on one but not the other" (check_volume_sets_equal,
    # user/v9/drbdadm_postparse.c): resource-level device/disk make alpha's volume 0
    # implicit, beta's own 'volume 0 { }' is explicit
    text = (
        "resource r1 {\n"
        "  device /dev/drbd2; disk /dev/vg/b; meta-disk internal;\n"
        "  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; volume 0 { disk /dev/vg/x; } }\n"
        "}\n"
    )
    got = _lint9(tmp_path, "mix", text, "DR023")
    assert [g[0] for g in got] == [4] and "must not be implicit on one" in got[0][1]
    # the same override written outside a volume keeps both implicit (peer: OK)
    same = text.replace("volume 0 { disk /dev/vg/x; }", "disk /dev/vg/x;")
    assert _lint9(tmp_path, "ok", same, "DR023") == []


def test_xc005_number_out_of_drbdadm_range(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83 (--node alpha), 84 and 9 each refuse: "max-epoch-size 20001
    # => 20001 out of range [1..20000]." (8.3/8.4), "Parse error: while parsing value
    # ('20001') for max-epoch-size. Value is too big." (9); the same for ko-count 201,
    # timeout 601 and 0, connect-int 121, ping-int 121, max-buffers 31 and 131073,
    # wfc-timeout 300001 (limits: user/v84/linux/drbd_limits.h); found by an
    # other-release mutant (max-buffers 131072 renamed max-epoch-size)
    bad = {
        "net": [
            "max-epoch-size 20001",
            "ko-count 201",
            "timeout 601",
            "timeout 0",
            "connect-int 121",
            "ping-int 121",
            "max-buffers 31",
            "max-buffers 131073",
        ],
        "startup": ["wfc-timeout 300001"],
    }
    for section, lines in bad.items():
        for line in lines:
            text = res("r0", head=f"protocol C; {section} {{ {line}; }}")
            got = run(
                tree(tmp_path / line.replace(" ", "-"), {"etc/drbd.conf": text}), code="XC005"
            )
            assert [g[1] for g in got] == [2] and "out of range" in got[0][3], line
    # the bounds themselves are accepted (peer: OK in 83, 84 and 9), units are not judged
    ok = "net { max-epoch-size 20000; max-buffers 131072; timeout 600; sndbuf-size 512k; }"
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": res("r0", head=ok)}), code="XC005") == []


def test_xc005_address_of_a_connection_host_with_a_proxy(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "via.conf:7: Parse error: 'ssocks | sdp | ipv4 | ipv6 |
    # <ipv4 address> ' expected, but got '10.0.0.x'"; the ``host ... via proxy on ...
    # { }`` form is a section, whose address lint did not look at (found by an
    # ip_to_name mutant of drbd-utils' tests/v9/adjust_proxy.res)
    text = (
        "resource r0 {\n"
        "  device /dev/drbd0; disk /dev/sda1; meta-disk internal;\n"
        "  on alpha { node-id 0; }\n"
        "  on peer { node-id 1; }\n"
        "  connection {\n"
        "    host alpha address 10.0.0.1:7789 via proxy on alpha"
        " { inside 127.0.0.1:7788; outside 10.0.1.1:7788; }\n"
        "    host peer address 10.0.0.x:7789 via proxy on peer"
        " { inside 127.0.0.2:7788; outside 10.0.1.2:7788; }\n"
        "  }\n"
        "}\n"
    )
    got = _lint9(tmp_path, "bad", text, "XC005")
    assert [g[0] for g in got] == [7] and "'10.0.0.x' is not an IP address" in got[0][1]
    assert _lint9(tmp_path, "ok", text.replace("10.0.0.x", "10.0.0.2"), "XC005") == []


def test_dr024_drbd9_volume_without_disk_or_meta_disk_is_diskless(tmp_path: Path) -> None:
    # drbdadm 9 asks for 'disk' only when the volume has a meta-disk (or disk):
    # check_volume_complete in user/v9/drbdadm_postparse.c; peer --mode 9 accepts a
    # volume with only 'device minor N' (found by a move_stmt mutant of drbd-utils'
    # tests/v9/resync_after.res). With meta-disk it is refused ('disk' keyword missing)
    text = (
        "resource r0 {\n"
        "  on alpha { node-id 0; address 10.0.0.1:7788;\n"
        "    volume 0 { device minor 1; disk /dev/sda1; meta-disk internal; } }\n"
        "  on beta { node-id 1; address 10.0.0.2:7788; volume 0 { device minor 1; } }\n"
        "}\n"
    )
    assert _dr024(tmp_path, "diskless", text) == []
    with_meta = text.replace("{ device minor 1; } }", "{ device minor 1; meta-disk internal; } }")
    assert _dr024(tmp_path, "meta", with_meta) == ["4:resource r0, on beta:disk"]
    assert _dr024(tmp_path, "84", text, "8.4") != []


# -- DR026: numbers with units, by release ------------------------------------------


def _dr026(root: Path, text: str, versions: dict[str, str] | None = None) -> list[str]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    tree(root, {"etc/drbd.conf": text})
    result = lint.run(
        [str(root)],
        select=["DR026"],
        versions={k: Version.parse(v) for k, v in (versions or {}).items()},
    )
    return [f"{f.line}: {f.message}" for f in result.findings]


def _dr026_severities(root: Path, text: str, versions: dict[str, str] | None = None) -> list[str]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    tree(root, {"etc/drbd.conf": text})
    result = lint.run(
        [str(root)],
        select=["DR026"],
        versions={k: Version.parse(v) for k, v in (versions or {}).items()},
    )
    return [f.severity for f in result.findings]


def _nine(name: str, body: str) -> str:
    """A DRBD 9 resource (node-id) with ``body`` at resource level, on line 2."""
    return (
        f"resource {name} {{\n  {body}\n"
        "  on alpha { node-id 0; device /dev/drbd0; disk /dev/sdb1; "
        "address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on beta { node-id 1; device /dev/drbd0; disk /dev/sdb1; "
        "address 10.0.0.2:7788; meta-disk internal; }\n}\n"
    )


def test_dr026_sndbuf_with_a_unit_above_drbd8s_limit(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and --mode 83: "sndbuf-size 16M => 16777216 out of range
    # [0..10485760]." (m_strtoll_range in user/v84/drbdadm_parser.c, limits
    # DRBD_SNDBUF_SIZE_MAX (10<<20) of user/v84/linux/drbd_limits.h); XC005 left values
    # with a unit alone, so lint said nothing
    eight = res("r0", head="net { sndbuf-size 16M; } syncer { rate 40M; }")
    got = _dr026(tmp_path / "a", eight)
    assert len(got) == 1 and got[0].startswith("2: sndbuf-size 16M: 16777216 is out of range")
    assert "[0..10485760] for DRBD 8.3 and 8.4" in got[0]
    ok = res("r0", head="net { sndbuf-size 10M; } syncer { rate 40M; }")
    assert _dr026(tmp_path / "b", ok) == []  # 10M = 10485760: the maximum
    # drbd-headers 40911d1 (drbd-utils 9.29 on, read at the v9.29.0 tag) raised it to
    # 128M; drbd-utils 9.22 (peer-drbdadm --mode 9) still says "Value is too big."
    nine = _nine("r0", "net { sndbuf-size 16M; }")
    assert _dr026(tmp_path / "c", nine, {"drbd-utils": "9.29"}) == []
    assert _dr026_severities(tmp_path / "c2", nine, {"drbd-utils": "9.28"}) == ["error"]


def test_dr026_not_a_number_drbdadm_reads(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84: "512KB is not a valid number" (rc 20: m_strtoll exits,
    # user/shared/shared_tool.c new_strtoll reads one unit letter); --mode 9: "while
    # parsing value ('512KB') for rcvbuf-size. Value is not a number."
    got = _dr026(tmp_path / "a", _nine("r0", "net { rcvbuf-size 512KB; }"))
    assert got == [
        "2: rcvbuf-size 512KB: not a number for DRBD 9 (DRBD 9.0 or later, inferred from "
        f"'node-id' at {display_path(tmp_path / 'a' / 'etc' / 'drbd.conf')}:3:14); drbdadm refuses"
        " the file"
    ]
    assert _dr026(tmp_path / "b", _nine("r0", "net { rcvbuf-size 512K; }")) == []


def test_dr026_limits_move_with_the_release(tmp_path: Path) -> None:
    # al-extents: drbdadm 8.3 "al-extents 4000 => 4000 out of range [7..3833]."; 8.4
    # does not check it (range_check: "ignore; auto-clamped by kernel"), peer-drbdadm
    # --mode 84 says OK. rate 5G: 8.3/8.4 "5242880k out of range [1..4194304]k"; 9's
    # resync-rate takes 8G (DRBD_RESYNC_RATE_MAX (8 << 20)): --mode 9 OK.
    # ping-timeout 301: 8.x has no range for it (OK); 9 "Value is too big." (NUMERIC
    # PING_TIMEO in user/v9/config_flags.c, max 300).
    al = res("r0", head="syncer { al-extents 4000; }")
    assert _dr026(tmp_path / "a", al) == []  # (release unknown: 8.4 takes it)
    got = _dr026(tmp_path / "b", al, {"drbd": "8.3"})
    assert got == [
        "2: al-extents 4000: 4000 is out of range [7..3833] for DRBD 8.3 (DRBD 8.3, "
        "declared); drbdadm refuses the file"
    ]
    assert _dr026(tmp_path / "c", al, {"drbd": "8.4"}) == []
    rate = res("r0", head="syncer { rate 5G; }")
    assert [g[:16] for g in _dr026(tmp_path / "d", rate)] == ["2: rate 5G: 5242"]
    resync = _nine("r0", "disk { resync-rate 5G; }")
    assert _dr026(tmp_path / "e", resync, {"drbd-utils": "9.22"}) == []
    ping = "net { ping-timeout 301; }"
    assert _dr026(tmp_path / "f", res("r0", head=ping)) == []
    assert len(_dr026(tmp_path / "g", _nine("r0", ping))) == 1


def test_protocol_in_lower_case_is_protocol_c(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83/84/9 all say OK to ``protocol c``: 8.4 upper-cases it
    # (range_check case R_PROTOCOL, user/v84/drbdadm_parser.c), 9 reads an
    # ENUM_NOCASE (user/v9/config_flags.c "protocol"), 8.3's drbdsetup conv_protocol
    # takes "c" (user/v83/drbdsetup.c). XC005 said "protocol 'c' is not A, B or C" and
    # DR009 "protocol c vs C" between two nodes' copies.
    lower = res("r0", head="protocol c;")
    alpha = tree(tmp_path / "alpha", {"etc/drbd.conf": lower, "etc/hostname": "alpha\n"})
    beta = tree(tmp_path / "beta", {"etc/drbd.conf": res("r0"), "etc/hostname": "beta\n"})
    assert run(alpha, code="XC005") == []
    assert run(alpha, beta, code="DR009") == []
    bad = tree(tmp_path / "x" / "alpha", {"etc/drbd.conf": res("r0", head="protocol D;")})
    assert [g[1] for g in run(bad, code="XC005")] == [2]
    other = tree(tmp_path / "y" / "alpha", {"etc/drbd.conf": res("r0", head="protocol a;")})
    assert [g[3] for g in run(other, beta, code="DR009")] == [
        "resource 'r0' differs on beta from alpha: protocol C vs A"
    ]


# -- floating sections: the machine that holds the address -------------------------------


def _floating(name: str, port: int, minor: int, disk: str, on_alpha: bool = False) -> str:
    first = (
        f"  on alpha {{ device /dev/drbd{minor}; disk {disk}; address 10.0.0.1:{port}; "
        "meta-disk internal; }\n"
        if on_alpha
        else f"  floating 10.0.0.1:{port} {{ device /dev/drbd{minor}; disk {disk}; "
        "meta-disk internal; }\n"
    )
    return (
        f"resource {name} {{\n  protocol C;\n{first}"
        f"  floating 10.0.0.2:{port} {{ device /dev/drbd{minor}; disk {disk}; "
        "meta-disk internal; }\n}\n"
    )


def test_dr001_floating_address_twice(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84: "f.conf:8: conflicting use of IP '10.0.0.1:7788' ...
    # f.conf:3: IP '10.0.0.1:7788' first used here."; --mode 9: "ipv4:10.0.0.1:7788 is
    # also used ... (resource r0)": a floating section's address is claimed like an on
    # section's
    text = _floating("r0", 7788, 0, "/dev/sdb1") + _floating("r1", 7788, 1, "/dev/sdb2")
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="DR001")
    assert [g[:3] for g in got] == [("drbd.conf", 8, [3]), ("drbd.conf", 9, [4])]
    ok = _floating("r0", 7788, 0, "/dev/sdb1") + _floating("r1", 7789, 1, "/dev/sdb2")
    assert run(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), code="DR001") == []


def test_dr002_dr003_floating_sections_of_one_machine(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and --mode 9 accept two resources whose floating sections
    # at 10.0.0.1 both use /dev/drbd0 and /dev/sdb1: drbdadm claims the minors of on
    # and stacked sections only (user/v84/drbdadm_parser.c). The machine at 10.0.0.1
    # cannot run both: the second `drbdadm up` fails in the kernel (8.4/9 new-minor:
    # ERR_MINOR_OR_VOLUME_EXISTS "Minor or volume exists already (delete it first)";
    # 8.3 disk: ERR_DISK_CONFIGURED "Device is attached to a disk", drbdsetup.c), and
    # two resources on one backing disk overwrite each other.
    text = _floating("r0", 7788, 0, "/dev/sdb1") + _floating("r1", 7789, 0, "/dev/sdb1")
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": text})
    got = run(root, code="DR002")
    assert [g[:3] for g in got] == [("drbd.conf", 8, [3]), ("drbd.conf", 9, [4])]
    assert got[0][3] == (
        "minor 0 of resource 'r1' on the machine at 10.0.0.1 (floating) is already used by 'r0'"
    )
    assert [g[:3] for g in run(root, code="DR003")] == [
        ("drbd.conf", 8, [3]),
        ("drbd.conf", 9, [4]),
    ]
    # an ``on alpha`` section at 10.0.0.1 and a floating 10.0.0.1: one machine
    mixed = _floating("r0", 7788, 0, "/dev/sdb1", on_alpha=True) + _floating(
        "r1", 7789, 0, "/dev/sdb2"
    )
    got = run(tree(tmp_path / "m" / "alpha", {"etc/drbd.conf": mixed}), code="DR002")
    assert [g[3] for g in got][:1] == [
        "minor 0 of resource 'r1' on host 'alpha' (floating 10.0.0.1) is already used by 'r0'"
    ]
    ok = _floating("r0", 7788, 0, "/dev/sdb1") + _floating("r1", 7789, 1, "/dev/sdb2")
    root = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok})
    assert run(root, code="DR002") == [] and run(root, code="DR003") == []


def test_dr026_quorum_words_and_numbers(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "while parsing value ('most') for quorum. Value is not
    # valid."; "('33') ... Value is too big."; "quorum majority", "quorum 2" OK.
    # user/v9/config_flags.c: ENUM_NUM(quorum, QUORUM, 1, DRBD_PEERS_MAX) with quorum_map
    # {off, majority, all}.
    def one(value: str, sub: str) -> list[str]:
        return _dr026(tmp_path / sub, _nine("r0", f"options {{ quorum {value}; }}"))

    assert [g.split(" for ")[0] for g in one("most", "a")] == [
        "2: quorum most: not all, majority, off or a number"
    ]
    assert [g.split(" for ")[0] for g in one("33", "b")] == [
        "2: quorum 33: 33 is out of range [1..32]"
    ]
    assert one("majority", "c") == [] and one("2", "d") == []


def test_dr010_drbd8_peer_section_is_the_other_one_whatever_its_name(tmp_path: Path) -> None:
    # drbdadm 8.x takes its own section by the exact uname (DR006) and the *other*
    # section as the peer, whatever that one is called: `drbdadm -d up r0` (8.4 parser,
    # __DRBD_NODE__=alpha) on "on alpha {...} on BETA.example.com {... 10.0.0.2:7788}"
    # prints "drbdsetup-84 connect r0 ipv4:10.0.0.1:7788 ipv4:10.0.0.2:7788". So
    # matching the peer's name in any case and without the domain (as DR010 does) is
    # what DRBD 8 does too: alpha connects to 7788 while beta's own copy listens on 7789.
    def copy(port: int, peer: str) -> str:
        return res("r0", hosts=("alpha", peer), ports=(7788, port), head=SYNCER)

    a = tree(tmp_path / "alpha", {"etc/drbd.conf": copy(7788, "BETA.example.com")})
    b = tree(tmp_path / "beta", {"etc/drbd.conf": copy(7789, "beta")})
    got = run(a, b, code="DR010")
    assert [g[3] for g in got] == [
        "resource 'r0': alpha has 10.0.0.2:7788 for 'BETA.example.com', which uses "
        "10.0.0.2:7789 itself"
    ]
    same = tree(tmp_path / "ok" / "beta", {"etc/drbd.conf": copy(7788, "beta")})
    assert run(a, same, code="DR010") == []


STACKED = """global { usage-count no; }
common { protocol C; syncer { rate 30M; } }
resource r0 {
  on alpha { device /dev/drbd0; disk /dev/sda6; address 10.0.0.1:7788; meta-disk internal; }
  on bravo { device /dev/drbd0; disk /dev/sda6; address 10.0.0.2:7788; meta-disk internal; }
}
resource r0-U {
  protocol A;
  stacked-on-top-of r0 { device /dev/drbd10; address 192.168.42.1:7788; }
  on charlie { device /dev/drbd10; disk /dev/hda6; address 192.168.42.2:7788; meta-disk internal; }
}
"""


def test_dr017_second_stacked_section_on_one_lower_resource(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and --mode 83: "two-res.conf:15: conflicting use of
    # stacked-on-top-of 'stacked:r0' ... two-res.conf:10: stacked-on-top-of
    # 'stacked:r0' first used here." -- check_uniq("stacked-on-top-of", "stacked:%s")
    # in user/v83|v84|v9 drbdadm_parser.c. Lint said nothing for a second resource
    # stacked on r0, and for a repeat inside r0-U a misleading DR002 ("minor 11 ...
    # already used by 'r0-U'"). The stacked file alone: OK in both modes.
    other = (
        "resource r0-V {\n  protocol A;\n"
        "  stacked-on-top-of r0 { device /dev/drbd11; address 192.168.42.1:7789; }\n"
        "  on delta { device /dev/drbd11; disk /dev/hda7; address 192.168.42.4:7789; "
        "meta-disk internal; }\n}\n"
    )
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": STACKED + other}), code="DR017")
    assert [g[:3] for g in got] == [("drbd.conf", 14, [9])]
    assert got[0][3] == (
        "a second 'stacked-on-top-of r0': drbdadm refuses the configuration (conflicting "
        "use of stacked-on-top-of 'stacked:r0')"
    )
    twice = STACKED.replace(
        "192.168.42.1:7788; }\n",
        "192.168.42.1:7788; }\n  stacked-on-top-of r0 { device /dev/drbd11; "
        "address 192.168.42.3:7788; }\n",
    )
    root = tree(tmp_path / "t" / "alpha", {"etc/drbd.conf": twice})
    assert [g[:3] for g in run(root, code="DR017")] == [("drbd.conf", 10, [9])]
    assert run(root, code="DR002") == []
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": STACKED})
    assert run(ok, code="DR017") == [] and run(ok, code="DR002") == []


def test_dr016_handler_with_unquoted_arguments(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84: "h.conf:3: Parse error: ';' expected, but got 'root'
    # (TK 282)"; --mode 83: "'_is_default | ;' expected, but got 'root'" -- an option
    # takes one value (parse_options_d: expect_STRING_or_INT, then EXP(';')). Quoted,
    # both modes say OK; become-primary-on takes a list (startup_delegate ->
    # parse_hosts): "become-primary-on alpha beta;" OK in --mode 84.
    def handler(text: str, sub: str) -> list[tuple[str, int, list[int], str]]:
        conf = res("r0", head=f"handlers {{ {text} }} {SYNCER}")
        return run(tree(tmp_path / sub / "alpha", {"etc/drbd.conf": conf}), code="DR016")

    got = handler("split-brain /usr/lib/drbd/notify-split-brain.sh root;", "a")
    assert [(g[1], g[3]) for g in got] == [
        (
            2,
            "'split-brain': 2 words where drbdadm reads one value; it refuses the file "
            "(';' expected, but got 'root'): quote the whole value",
        )
    ]
    assert handler('split-brain "/usr/lib/drbd/notify-split-brain.sh root";', "b") == []
    both = res("r0", head="startup { become-primary-on alpha beta; } net { allow-two-primaries; }")
    assert run(tree(tmp_path / "c" / "alpha", {"etc/drbd.conf": both}), code="DR016") == []


def test_dr001_connection_address_of_another_resource(tmp_path: Path) -> None:
    # A DRBD 9 three-node mesh (r0 on-section addresses, port 7000) and r1 with one
    # connection section per pair: peer-drbdadm --mode 9 --node n1 refuses r1's
    # "connection { host n1 address 10.1.1.1:7000; host n2 address 10.1.1.2:7000; }":
    # "in resource r1 ipv4:10.1.1.1:7000 is also used ... (resource r0)"; the same
    # address in two connections of r1 itself is OK (n1:7001 towards n2 and n3).
    hosts = "".join(
        f"  on n{i} {{ node-id {i - 1}; address 10.1.1.{i}:7000; }}\n" for i in (1, 2, 3)
    )
    r0 = (
        "resource r0 {\n  device /dev/drbd0;\n  disk /dev/vg0/r0;\n  meta-disk internal;\n"
        + hosts
        + "  connection-mesh { hosts n1 n2 n3; }\n}\n"
    )

    def r1(port: int, other: int) -> str:
        return (
            "resource r1 {\n  device /dev/drbd1;\n  disk /dev/vg0/r1;\n  meta-disk internal;\n"
            + "".join(f"  on n{i} {{ node-id {i - 1}; }}\n" for i in (1, 2, 3))
            + f"  connection {{ host n1 address 10.1.1.1:{port}; "
            f"host n2 address 10.1.1.2:{port}; }}\n"
            + f"  connection {{ host n1 address 10.1.1.1:{port}; "
            f"host n3 address 10.1.1.3:{other}; }}\n"
            + f"  connection {{ host n2 address 10.1.1.2:{other + 1}; "
            f"host n3 address 10.1.1.3:{other + 1}; }}\n}}\n"
        )

    bad = run(tree(tmp_path / "n1", {"etc/drbd.conf": r0 + r1(7000, 7002)}), code="DR001")
    assert [(g[1], g[2]) for g in bad] == [(17, [5]), (17, [6]), (18, [5])]
    assert bad[0][3].startswith("address 10.1.1.1:7000 of resource 'r1' (a connection's")
    ok = tree(tmp_path / "ok" / "n1", {"etc/drbd.conf": r0 + r1(7001, 7002)})
    assert run(ok, code="DR001") == []


def test_xc005_node_id_range_of_drbdadm_9_and_the_module(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: node-id 31 and 32 OK, 33 "node-id 33 => 33 out of range
    # [0..32]." (range_check(R_NODE_ID) in user/v9/drbdadm_parser.c, DRBD_NODE_ID_MAX
    # = DRBD_PEERS_MAX = 32 in drbd-headers linux/drbd_limits.h and linux/drbd.h); the
    # module then refuses 32 as a peer: drbd_nl.c drbd_adm_prepare "peer node id out
    # of range" (peer_node_id >= DRBD_NODE_ID_MAX), so 32 stays an error, said as such
    def lint_id(n: str) -> list[tuple[int, str]]:
        text = _nine("r0", "net { protocol C; }").replace("node-id 0;", f"node-id {n};")
        return _lint9(tmp_path, f"id{n}", text, "XC005")

    assert lint_id("31") == []
    got = lint_id("32")
    assert [g[0] for g in got] == [3] and "drbdadm 9 reads it" in got[0][1]
    assert "peer node id out of range" in got[0][1]
    got = lint_id("33")
    assert [g[0] for g in got] == [3] and "drbdadm 9 refuses it" in got[0][1]


def test_dr026_drbd9_limits_by_drbd_utils_release(tmp_path: Path) -> None:
    # drbdadm 9 checks with the drbd-headers linux/drbd_limits.h it was built with; at
    # the v9.x.0 tags of LINBIT/drbd-utils: DRBD_SNDBUF_SIZE_MAX (10<<20) up to 9.28,
    # (128U<<20) from 9.29 (drbd-headers 40911d1); DRBD_C_MAX_RATE_MIN 250 up to 9.15,
    # 0 from 9.16 (13493b6: "drbd-utils 9.15 ... c-max-rate 0: Value is too small", as
    # hive-builder's drbd template notes for kmod-drbd 9.0.24 on RHEL 8);
    # DRBD_RESYNC_RATE_MAX (4<<20) up to 9.5, 8<<20 from 9.6. peer-drbdadm (drbd-utils
    # 9.22) --mode 9: "sndbuf-size 16M ... Value is too big.", "c-max-rate 0" OK.
    buf = _nine("r0", "net { sndbuf-size 64M; rcvbuf-size 64M; }")
    unknown = _dr026(tmp_path / "a", buf)
    assert len(unknown) == 2 and "with drbd-utils before 9.29" in unknown[0]
    assert "--target drbd-utils=9.29" in unknown[0]
    assert _dr026_severities(tmp_path / "a2", buf) == ["warning", "warning"]
    assert _dr026_severities(tmp_path / "b", buf, {"drbd-utils": "9.22"}) == ["error"] * 2
    assert "(drbd-utils 9.22, declared)" in _dr026(tmp_path / "b2", buf, {"drbd-utils": "9.22"})[0]
    assert _dr026(tmp_path / "c", buf, {"drbd-utils": "9.30"}) == []
    # beyond every release's limit: an error whatever drbd-utils runs
    big = _nine("r0", "net { sndbuf-size 200M; }")
    assert _dr026_severities(tmp_path / "d", big) == ["error"]
    # c-max-rate 0: DRBD 8.4 (min 250) and drbd-utils before 9.16 refuse it
    cmax = _nine("r0", "disk { c-max-rate 0; }")
    assert _dr026_severities(tmp_path / "e", cmax) == ["warning"]
    assert _dr026_severities(tmp_path / "f", cmax, {"drbd-utils": "9.15"}) == ["error"]
    assert _dr026(tmp_path / "g", cmax, {"drbd-utils": "9.16"}) == []
    ok = _nine("r0", "net { sndbuf-size 10M; } disk { c-max-rate 250; }")
    assert _dr026(tmp_path / "h", ok) == []


def test_dr026_a_number_without_unit_is_in_the_options_unit(tmp_path: Path) -> None:
    # new_strtoll (user/shared/shared_tool.c:911-913) returns a number without a unit
    # letter as it is, in the option's default unit (KiB/s for c-max-rate); lint read
    # "c-max-rate 300" as 300 bytes = 1k and called it below 8.4's minimum of 250k,
    # where peer-drbdadm --mode 84 says OK. 200 (below 250) is refused: "c-max-rate 200
    # => 200k out of range [250..4194304]k."
    text = res("r0", head="disk { c-max-rate 300; }")
    assert _dr026(tmp_path / "a", text, {"drbd": "8.4"}) == []
    low = res("r0", head="disk { c-max-rate 200; }")
    got = _dr026(tmp_path / "b", low, {"drbd": "8.4"})
    assert len(got) == 1 and "200k is out of range [250..4194304]k" in got[0]


def test_drbd9_syncer_section_takes_net_disk_and_resource_options(tmp_path: Path) -> None:
    # user/v9/drbdadm_parser.c parse_options_syncer hands each option of a syncer
    # section to the net, disk (attach) or resource options; peer-drbdadm --mode 9 (drbd-
    # utils 9.22): OK for disk-flushes no, protocol C, quorum majority, size 10G,
    # max-buffers 8000 in syncer; "'a syncer option keyword' expected, but got
    # 'resync-rate'" (a peer-device option) and the same for use-bmbv; --mode 84 refuses
    # disk-flushes there too. Lint called every one of them refused (XC009), found by a
    # mutant that spelt an 8.4 file's disk section as 8.3's syncer.
    def lint_syncer(name: str, body: str, code: str) -> list[tuple[int, str]]:
        return _lint9(tmp_path, name, _nine("r0", f"syncer {{ {body} }}"), code)

    for i, body in enumerate(
        ("disk-flushes no;", "protocol C;", "quorum majority;", "size 10G;", "max-buffers 8000;")
    ):
        assert lint_syncer(f"ok{i}", body, "XC009") == [], body
        assert lint_syncer(f"ok8{i}", body, "XC008") == [], body
    # drbd-utils 9.29 reads resync-rate there (commit e1dcf310, parse_options_syncer
    # looks in peer_device_options_ctx): refused only with an older drbd-utils, an
    # error only once that is declared (XC008; tests/test_drbd_truth3.py)
    assert lint_syncer("rate", "resync-rate 10M;", "XC009") == []
    assert [g[0] for g in lint_syncer("bmbv", "use-bmbv;", "XC009")] == [2]
    # on DRBD 8.4 the 8.4 parser reads the section: disk-flushes is refused there
    text = res("r0", head="syncer { disk-flushes no; }")
    got = _dr026_codes(tmp_path / "84", text, {"drbd": "8.4"}, "XC008")
    assert got == [(2, "error")]


def _dr026_codes(
    root: Path, text: str, versions: dict[str, str], code: str
) -> list[tuple[int, str]]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    tree(root, {"etc/drbd.conf": text})
    result = lint.run(
        [str(root)], select=[code], versions={k: Version.parse(v) for k, v in versions.items()}
    )
    return [(f.line, f.severity) for f in result.findings]


def test_section_keyword_written_as_a_statement(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "Parse error: '{' expected, but got '/dev/x'" for
    # ``syncer /dev/x;`` (a mutant of an 8.3 ``disk /dev/x;`` line), "but got ';'" for
    # ``net;``, "but got 'foo'" for ``handlers foo bar;``: parse_resource wants the
    # section's '{' after net, disk, syncer, startup, handlers and options
    # (user/v84 and user/v9 drbdadm_parser.c). Lint said nothing, or only XC004 for
    # syncer. ``disk DEV;`` stays a statement (resource and host level).
    for line, got in (("syncer /dev/x;", "/dev/x"), ("net;", ";"), ("handlers foo bar;", "foo")):
        text = res("r0", head=line)
        found = run(tree(tmp_path / got.strip("/;") / "a", {"etc/drbd.conf": text}), code="XC001")
        assert [g[1] for g in found] == [2], line
        assert f"expected '{{' after '{line.split()[0].rstrip(';')}', got '{got}'" in found[0][3]
    ok = res("r0", head="disk /dev/sdb1;")
    assert run(tree(tmp_path / "ok" / "a", {"etc/drbd.conf": ok}), code="XC001") == []


def test_xc005_boolean_option_takes_yes_or_no_in_lower_case(tmp_path: Path) -> None:
    # boolean_string_to_int (user/v9 and user/v84 config_flags.c) strcmp()s "yes" and
    # "no": peer-drbdadm --mode 9 refuses "allow-two-primaries Yes", "... on" and
    # "disk-flushes NO" ("Parse error: while parsing value ('Yes') for
    # allow-two-primaries"); 8.4's drbdsetup refuses the option (put_boolean returns
    # false) when the resource comes up. Lint said nothing. A bare switch is yes.
    for i, body in enumerate(
        (
            "net { allow-two-primaries Yes; }",
            "net { allow-two-primaries on; }",
            "disk { disk-flushes NO; }",
        )
    ):
        got = _lint9(tmp_path, f"bad{i}", _nine("r0", body), "XC005")
        assert [g[0] for g in got] == [2] and "is neither yes nor no" in got[0][1], body
    for i, body in enumerate(
        (
            "net { allow-two-primaries; }",
            "net { allow-two-primaries yes; }",
            "disk { md-flushes no; }",
        )
    ):
        assert _lint9(tmp_path, f"ok{i}", _nine("r0", body), "XC005") == [], body
