"""DRBD lint truth, fourth pass: hand-written 8.3, 8.4 and 9 configurations (syncer
sections, stacked and floating resources, volumes, address families, meshes,
connections with paths, ``skip`` sections, drbd.d layouts) and their mutants, held to
drbd-utils 9.22's drbdadm in its 8.3, 8.4 and 9 modes (peer-drbdadm ``--mode
83|84|9``). Each test names the drbd-utils source line (tag v9.22.0) or the peer's
verdict behind the expected finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_rules_drbd import tree
from xencfg import lint
from xencfg.formats.schema import Version


def _lint(root: Path, code: str, drbd: str | None = None) -> list[tuple[int, str, str]]:
    versions = {"drbd": Version.parse(drbd)} if drbd else None
    result = lint.run([str(root)], select=[code], versions=versions)
    return [(f.line, f.severity, f.message) for f in result.findings]


def _res(body: str, name: str = "r0", port: int = 7788, minor: int = 0) -> str:
    """A two-host resource; ``body`` is its line 2."""
    return (
        f"resource {name} {{\n"
        f"  {body}\n"
        f"  device minor {minor}; disk /dev/vg/{name}; meta-disk internal;\n"
        f"  on alpha {{ address 10.0.0.1:{port}; }}\n"
        f"  on beta {{ address 10.0.0.2:{port}; }}\n"
        "}\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        "protocol C; disk { on-io-error; }",
        "protocol C; startup { wfc-timeout; }",
        "protocol C; net { cram-hmac-alg; }",
        "protocol C; handlers { split-brain; }",
        "protocol C; syncer { al-extents; }",
        "protocol C; meta-disk;",
    ],
)
@pytest.mark.parametrize("drbd", ["8.3", "8.4", "9.1", None])
def test_xc005_option_without_its_value(tmp_path: Path, body: str, drbd: str | None) -> None:
    # peer-drbdadm --mode 83 and 84: "Parse error: 'TK_STRING | TK_INTEGER' expected,
    # but got ';'" (parse_options_d: a token_option goes through expect_STRING_or_INT,
    # user/v84/drbdadm_parser.c); --mode 9 accepts the options but reads them as "yes"
    # (parse_option_value, user/v9/drbdadm_parser.c:576: "value = strdup(no_prefix ?
    # "no" : "yes")" without the field's check), so `drbdadm -d up` prints
    # "--on-io-error=yes" / "--cram-hmac-alg=yes", which drbdsetup refuses; meta-disk;
    # every mode refuses ("'TK_STRING' expected"). Lint said nothing.
    key = body.split()[-2 if "{" in body else -1].rstrip(";")
    got = _lint(tree(tmp_path / "alpha", {"etc/drbd.conf": _res(body)}), "XC005", drbd)
    assert [(line, sev) for line, sev, _ in got] == [(2, "error")]
    assert got[0][2].startswith(f"{key} needs a value")
    fixed = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": _res(body.replace(";", " x;"))})
    assert not [m for _, _, m in _lint(fixed, "XC005", drbd) if "needs a value" in m]


def test_xc005_switches_stand_bare(tmp_path: Path) -> None:
    # the flags and switches drbdadm takes without a value (peer-drbdadm --mode 83/84:
    # OK): 8.3's TK_*_SWITCH (user/v83/drbdadm_scanner.fl: allow-two-primaries,
    # no-disk-flushes, wait-after-sb), 8.4's TK_*_FLAG (a bare one is "yes",
    # parse_options_d), stacked-timeouts (startup_delegate)
    body = (
        "protocol C; net { allow-two-primaries; always-asbp; } "
        "disk { no-disk-flushes; no-md-flushes; } startup { wait-after-sb; stacked-timeouts; }"
    )
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": _res(body)})
    assert not [m for _, _, m in _lint(root, "XC005", "8.3") if "needs a value" in m]


def _floating(name: str, port: int, minor: int) -> str:
    return (
        f"resource {name} {{\n"
        f"  protocol C; device minor {minor}; disk /dev/vg/{name}; meta-disk internal;\n"
        f"  floating 10.9.9.100:{port};\n"
        f"  floating 10.9.9.101:{port};\n"
        "}\n"
    )


def test_dr001_floating_statement_address_twice(tmp_path: Path) -> None:
    # ``floating ADDR;`` is a host section without a body (parse_host_section takes
    # ';' after a floating address, user/v84 and user/v9 drbdadm_parser.c); its
    # address is claimed like a section's: peer-drbdadm --mode 84 "f.conf:8:
    # conflicting use of IP '10.9.9.100:7788' ... f.conf:3: IP '10.9.9.100:7788' first
    # used here.", --mode 9 "ipv4:10.9.9.100:7788 is also used". Lint saw no host there.
    bad = _floating("r0", 7788, 0) + _floating("r1", 7788, 1)
    result = lint.run([str(tree(tmp_path / "alpha", {"etc/drbd.conf": bad}))], select=["DR001"])
    got = [(f.line, [r.line for r in f.related], f.message) for f in result.findings]
    assert [g[:2] for g in got] == [(8, [3]), (9, [4])]
    assert got[0][2] == "address 10.9.9.100:7788 of resource 'r1' is already used by 'r0'"
    ok = _floating("r0", 7788, 0) + _floating("r1", 7789, 1)
    assert _lint(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), "DR001") == []


def test_dr024_drbd9_resource_without_host_section(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "n.conf:2: in resource r0: a host sections ('on alpha {
    # ... }') is missing." (user/v9/drbdadm_postparse.c:1569, all_hosts empty);
    # --mode 83 and 84 (node alpha) accept the file: the 8.x parsers ignore a resource
    # without a section for the node. (A mutant of a one-section ``on a b c {}``
    # resource with its section dropped.)
    hostless = (
        "resource r0 {\n  protocol C;\n  device minor 0; disk /dev/sdb1; meta-disk internal;\n}\n"
    )
    text = "global { usage-count no; }\n" + hostless + _res("protocol C;", "r1", 7789, 1)
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": text})
    got = _lint(root, "DR024", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(2, "error")]
    assert "no host section" in got[0][2]
    assert _lint(root, "DR024", "8.4") == []
    assert _lint(root, "DR024", "8.3") == []
    ok = "global { usage-count no; }\n" + _res("protocol C;") + _res("protocol C;", "r1", 7789, 1)
    assert _lint(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), "DR024", "9.1") == []


def test_xc009_discard_my_data_in_drbd_conf(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83, 84 and 9: "d.conf:2: Parse error: 'an option keyword'
    # expected, but got 'discard-my-data'": the scanner's TK_NET_DELEGATE goes to
    # net_delegate, which takes it only when reading `drbdsetup show` output for
    # adjust (flags & PARSE_FOR_ADJUST; user/v84/drbdadm_parser.c net_delegate, user/v9
    # likewise); drbd.conf(5) of 8.3 and 8.4 does not list it. It is drbdadm's
    # command-line option (drbdadm connect --discard-my-data r0). Lint said nothing.
    bad = _res("protocol C; net { discard-my-data; }")
    for drbd in ("8.3", "8.4", "9.1"):
        got = _lint(tree(tmp_path / drbd / "alpha", {"etc/drbd.conf": bad}), "XC009", drbd)
        assert [(line, sev) for line, sev, _ in got] == [(2, "error")], drbd
        assert "keyword 'discard-my-data' is refused here" in got[0][2]
        assert "drbdadm connect --discard-my-data" in got[0][2]
    ok = _res("protocol C; net { after-sb-0pri discard-zero-changes; }")
    assert _lint(tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": ok}), "XC009") == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("syncer { al-extents 5T; }", "al-extents 5T: not a number for DRBD 9"),
        ("disk { al-extents 5T; }", "al-extents 5T: not a number for DRBD 9"),
        ("disk { rs-discard-granularity 5T; }", "rs-discard-granularity 5T: not a number"),
        ("disk { rs-discard-granularity 2M; }", "2097152 is out of range [0..1048576]"),
    ],
)
def test_dr026_drbd9_numbers_it_clamps_or_caps(tmp_path: Path, body: str, said: str) -> None:
    # peer-drbdadm --mode 9: "Parse error: while parsing value ('5T') for al-extents.
    # Value is not a number." (al-extents is NUMERIC with .implicit_clamp in
    # user/v9/config_flags.c:855: clamped, yet read as a number), "... for
    # rs-discard-granularity. Value is too big." for 1048577 and 2M
    # (DRBD_RS_DISCARD_GRANULARITY_MAX 1<<20, config_flags.c:864); --mode 84 accepts
    # all four (drbdadm 8.4 leaves them to the kernel). Lint said nothing.
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": _res("protocol C; " + body)})
    got = _lint(root, "DR026", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(2, "error")]
    assert said in got[0][2]
    assert _lint(root, "DR026", "8.4") == []
    ok = body.replace("5T", "1M").replace("2M", "64K")
    fine = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": _res("protocol C; " + ok)})
    assert _lint(fine, "DR026", "9.1") == []
    big = _res("protocol C; disk { al-extents 99999999; }")  # (clamped: accepted)
    assert _lint(tree(tmp_path / "big" / "alpha", {"etc/drbd.conf": big}), "DR026", "9.1") == []


def test_dr020_drbd9_no_node_id_unless_two_host_sections(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9 on a resource of one host section (a mutant with the other
    # ``on`` section dropped): "one.conf:3: in resource two, on beta { ... }: 'node-id'
    # keyword missing." drbdadm 9 makes node ids up only for the implicit connection
    # of exactly two host sections without any (generate_implicit_node_id,
    # user/v9/drbdadm_postparse.c:239), then derror(host, res, "node-id") for each
    # host still without one (:1182); --mode 84 accepts the file
    one = (
        "resource two {\n"
        "  device minor 3; disk /dev/vg/two; meta-disk internal;\n"
        "  on beta { address 10.1.0.2:7300; }\n"
        "}\n"
    )
    root = tree(tmp_path / "beta", {"etc/drbd.conf": one})
    got = _lint(root, "DR020", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(3, "error")]
    assert "'node-id' keyword missing" in got[0][2]
    assert _lint(root, "DR020", "8.4") == []
    two = _res("protocol C;")  # (two host sections: drbdadm 9 numbers them 0 and 1)
    assert _lint(tree(tmp_path / "two" / "alpha", {"etc/drbd.conf": two}), "DR020", "9.1") == []
    given = one.replace("address 10.1.0.2:7300;", "address 10.1.0.2:7300; node-id 1;")
    assert _lint(tree(tmp_path / "ok" / "beta", {"etc/drbd.conf": given}), "DR020", "9.1") == []


def test_xc001_include_without_its_semicolon(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "inc.conf:2: Parse error: ';' expected, but got
    # 'global' (TK 258)" for an include line that lost its ';' (a mutant of a drbd.conf
    # holding only includes): drbdadm's scanner reads the include's file name, then
    # wants ';' (user/v9/drbdadm_scanner.fl, state INCLUDE). Lint read the next
    # section's words into the include and said nothing.
    bad = 'include "drbd.d/*.res"\nglobal { usage-count no; }\n'
    files = {"etc/drbd.conf": bad, "etc/drbd.d/r0.res": _res("protocol C;")}
    result = lint.run([str(tree(tmp_path / "alpha", files))], select=["XC001"])
    got = [(Path(f.path).name, f.line, f.message) for f in result.findings]
    assert got == [("drbd.conf", 2, "expected ';' after the include's file name, got 'global'")]
    files["etc/drbd.conf"] = bad.replace('"\n', '";\n')
    result = lint.run([str(tree(tmp_path / "ok" / "alpha", files))], select=["XC001"])
    assert result.findings == []


_STACKED = (
    "resource r0 {\n"
    "  device minor 0; disk /dev/sda6; meta-disk internal;\n"
    "  on alice { address 10.0.0.1:7788; }\n"
    "  on bob { address 10.0.0.2:7788; }\n"
    "}\n"
    "resource r0-U {\n"
    "  net { protocol A; }\n"
    "  stacked-on-top-of r0 {\n"
    "    device /dev/drbd10;\n"
    "    LINE\n"
    "  }\n"
    "  on charlie {\n"
    "    device /dev/drbd10; disk /dev/hda6; meta-disk internal;\n"
    "    address 192.168.42.2:7788;\n"
    "  }\n"
    "}\n"
)


def test_dr015_stacked_section_repeats(tmp_path: Path) -> None:
    # a stacked section's statements are not checked per host: parse_stacked_section
    # loops over on_hosts, which are the lower resource's and still empty then
    # (user/v9/drbdadm_parser.c:1188 has the device check commented out).
    # peer-drbdadm 83, 84 and 9 accept a second ``device`` there; a second ``address``
    # 8.x refuses as the same ip:port claimed twice ("st.conf:8: conflicting use of IP
    # '192.168.42.1:7788'"), 9 accepts it. Lint called both an error on every release.
    addr = "address 192.168.42.1:7788;"
    device = _STACKED.replace("LINE", addr + "\n    device /dev/drbd10;")
    root = tree(tmp_path / "dev" / "alice", {"etc/drbd.conf": device})
    for drbd in ("8.3", "8.4", "9.1", None):
        assert _lint(root, "DR015", drbd) == [], drbd
    twice = _STACKED.replace("LINE", addr + "\n    " + addr)
    root = tree(tmp_path / "addr" / "alice", {"etc/drbd.conf": twice})
    assert [(line, sev) for line, sev, _ in _lint(root, "DR015", "8.4")] == [(11, "error")]
    assert _lint(root, "DR015", "9.1") == []
    once = tree(tmp_path / "ok" / "alice", {"etc/drbd.conf": _STACKED.replace("LINE", addr)})
    assert _lint(once, "DR015", "8.4") == []


@pytest.mark.parametrize("index", [" [0]", "[0]"])
def test_xc005_flexible_meta_disk_takes_no_index(tmp_path: Path, index: str) -> None:
    # peer-drbdadm --mode 83, 84 and 9: "fm.conf:3: Parse error: ';' expected, but got
    # '[' (TK 91)": TK_FLEX_META_DISK reads one device, then ';' (user/v84 and user/v9
    # drbdadm_parser.c), while ``meta-disk /dev/x [0]`` takes the index (a mutant of
    # an 8.3 ``meta-disk /dev/vg/meta [4];`` spelled flexible). Lint said nothing.
    def host(name: str, ip: str, md: str) -> str:
        return f"  on {name} {{ device /dev/drbd2; disk /dev/sdb1; address {ip}:7788; {md}; }}\n"

    def conf(md: str) -> str:
        return (
            "resource r0 {\n  protocol C;\n"
            + host("alpha", "10.0.0.1", md)
            + host("beta", "10.0.0.2", md)
            + "}\n"
        )

    bad = tree(tmp_path / "alpha", {"etc/drbd.conf": conf(f"flexible-meta-disk /dev/sdc{index}")})
    got = _lint(bad, "XC005")
    assert [(line, sev) for line, sev, _ in got] == [(3, "error"), (4, "error")]
    assert "a flexible meta-disk takes no [index]" in got[0][2]
    for md in ("flexible-meta-disk /dev/sdc", f"meta-disk /dev/sdc{index}"):
        ok = tree(tmp_path / md.split()[0] / "alpha", {"etc/drbd.conf": conf(md)})
        assert _lint(ok, "XC005") == [], md


def test_dr031_minor_count_below_the_highest_minor_on_83(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83: "The highest minor you have in your config is 4but a
    # minor_count of 2 in your config!" (rc 1; count_resources_or_die, user/v83/
    # drbdadm_main.c:2846 "if (mc && mc < (highest_minor + 1))"); --mode 84 and 9
    # accept the file (no such check: 8.4 and 9 make minors dynamically). A mutant of
    # an 8.3 file's ``minor-count 16`` turned to 1.
    text = "global { usage-count no; minor-count 2; }\n" + _res("protocol C;", minor=4).replace(
        "device minor 4;", "device /dev/drbd4;"
    )
    files = {"etc/drbd.conf": text}
    root = tree(tmp_path / "alpha", files)
    got = _lint(root, "DR031", "8.3")
    assert [(line, sev) for line, sev, _ in got] == [(1, "error")]
    assert "minor-count 2 is not above the highest device minor, 4" in got[0][2]
    assert _lint(root, "DR031", "8.4") == []
    assert _lint(root, "DR031", "9.1") == []
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": text.replace("count 2;", "count 5;")})
    assert _lint(ok, "DR031", "8.3") == []


def test_dr026_drbd83_external_meta_disk_needs_an_index(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83: "md.conf:3: Parse error: '[' expected, but got ';' (TK
    # 59)" for ``meta-disk /dev/sdc;`` (a mutant of an 8.3 ``flexible-meta-disk
    # /dev/vg0/vm03-md;`` respelled): drbdadm 8.3 reads meta-disk as "internal" or
    # DEVICE [INDEX] (user/v83/drbdadm_parser.c parse_meta_disk); --mode 84 and 9
    # accept it, as a flexible meta-disk. Lint said nothing on 8.3.
    def conf(md: str) -> str:
        return _res("protocol C;").replace("meta-disk internal;", md)

    root = tree(tmp_path / "alpha", {"etc/drbd.conf": conf("meta-disk /dev/sdc;")})
    got = _lint(root, "DR026", "8.3")
    assert [(line, sev) for line, sev, _ in got] == [(3, "error")]
    assert "DRBD 8.3 wants an index after an external meta-disk" in got[0][2]
    assert _lint(root, "DR026", "8.4") == _lint(root, "DR026", "9.1") == []
    for ok in ("meta-disk /dev/sdc [0];", "meta-disk /dev/sdc[0];", "flexible-meta-disk /dev/sdc;"):
        fine = tree(tmp_path / ok.split()[-1].strip("[];") / "alpha", {"etc/drbd.conf": conf(ok)})
        assert _lint(fine, "DR026", "8.3") == [], ok


def test_xc005_address_with_blanks_around_the_colon(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9 accept ``address 10.0.0.1 : 7788;`` and ``address
    # ipv6 [fd00::2] : 7788;`` (dump: "address ipv4 10.0.0.1:7788;"): the scanner makes
    # the ip, ':' and the port three tokens and parse_address EXP(':') then
    # EXP(TK_INTEGER) (user/v84 and user/v9 drbdadm_parser.c). Lint said "needs a port
    # from 1 to 65535" (XC005), and the port was lost to DR001.
    text = (
        "resource r0 {\n"
        "  device minor 0; disk /dev/sdb1; meta-disk internal;\n"
        "  on alpha { address 10.0.0.1 : 7788; }\n"
        "  on beta { address ipv6 [fd00::2] : 7788; }\n"
        "}\n"
    )
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": text})
    for drbd in ("8.4", "9.1"):
        assert _lint(root, "XC005", drbd) == [], drbd
    bad = tree(tmp_path / "bad" / "alpha", {"etc/drbd.conf": text.replace(" : 7788", " :")})
    assert [line for line, _, _ in _lint(bad, "XC005", "8.4")] == [3, 4]
    # the typed model reads the port and edits it in place
    import xencfg

    doc = xencfg.loads(text, format="drbd")
    host = doc.resource_list()[0].host_list[0]
    assert host.address is not None and host.address.port == 7788
    host.address.port = 7790
    assert xencfg.dumps(doc) == text.replace("10.0.0.1 : 7788", "10.0.0.1 : 7790")


def test_xc001_volume_number_is_digits(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "vol.conf:2: Parse error: 'TK_INTEGER' expected,
    # but got '-1'": the scanner's TK_INTEGER is [0-9]+ (user/v84 and user/v9
    # drbdadm_scanner.fl); lint took anything int() reads (-1, +1). ``volume 07`` is
    # fine (both modes: OK).
    def conf(number: str) -> str:
        volume = f"volume {number} {{ device minor 0; }}"
        return _res("protocol C;").replace("device minor 0;", volume)

    for number in ("-1", "+1"):
        root = tree(tmp_path / number / "alpha", {"etc/drbd.conf": conf(number)})
        got = _lint(root, "XC001")
        assert [(line, msg) for line, _, msg in got] == [(3, "expected a volume number")]
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": conf("07")})
    assert _lint(ok, "XC001") == []


def test_dr026_skip_with_several_words_before_drbd9(tmp_path: Path) -> None:
    # ``skip resource r9 { ... }`` (a resource switched off by writing skip in front
    # of it): peer-drbdadm --mode 83 and 84: "sk.conf:2: Parse error: '[ some_text ] {'
    # expected, but got 'resource'" (drbd.conf(5): "skip [ some text ] { ... }", one
    # word); --mode 9 accepts it (its scanner skips any words to the brace).
    text = "global { usage-count no; }\nskip resource r9 { whatever }\n" + _res("protocol C;")
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": text})
    for drbd in ("8.3", "8.4"):
        got = _lint(root, "DR026", drbd)
        assert [(line, sev) for line, sev, _ in got] == [(2, "error")], drbd
        assert "takes at most one word between 'skip' and '{'" in got[0][2]
    assert _lint(root, "DR026", "9.1") == []
    one = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": text.replace("skip resource", "skip")})
    assert _lint(one, "DR026", "8.4") == []


def test_dr024_mesh_host_needs_an_address_beside_connections(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9 on a resource with a connection-mesh and connection sections
    # whose hosts give no address of their own: '"connection-mesh" (for "r0") with a
    # host ("alpha") that has no "address" defined' (_set_host_info_in_host_address_pairs,
    # user/v9/drbdadm_postparse.c:172, on the paths the mesh makes). Lint left the
    # address check out wherever connection sections were written.
    def conf(mesh: str) -> str:
        return (
            "resource r0 {\n"
            "  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
            "  on alpha { node-id 0; }\n"
            "  on beta { node-id 1; }\n"
            f"{mesh}"
            "  connection {\n"
            "    host alpha address 10.1.0.1:7200;\n"
            "    host beta address 10.1.0.2:7200;\n"
            "  }\n"
            "}\n"
        )

    root = tree(
        tmp_path / "alpha", {"etc/drbd.conf": conf("  connection-mesh { hosts alpha beta; }\n")}
    )
    got = _lint(root, "DR024", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(3, "error"), (4, "error")]
    assert all("no 'address'" in msg for _, _, msg in got)
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": conf("")})
    assert _lint(ok, "DR024", "9.1") == []


def test_dr003_drbd9_two_volumes_inherit_disk_none(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "dl.conf:3: conflicting use of disk 'disk:alpha:none' ...
    # dl.conf:2: disk 'disk:alpha:none' first used here." drbdadm 9 checks each disk a
    # host inherits from the resource's volume sections (check_uniq_file_line
    # "disk:%s:%s", user/v9/drbdadm_postparse.c:617), ``none`` as well; ``disk none;``
    # in the host's own volume sections is not checked (--mode 9: OK). (A mutant of
    # tests/fixtures/drbd-versions/c9-conns with volume 0's disk made ``none``.)
    def conf(shared: str, own: str) -> str:
        return (
            "resource r0 {\n"
            f"  volume 0 {{ device minor 0;{shared} }}\n"
            f"  volume 1 {{ device minor 1;{shared} }}\n"
            f"  on alpha {{ node-id 0; address 10.0.0.1:7788;{own} }}\n"
            "  on beta { node-id 1; address 10.0.0.2:7788; volume 0 { disk /dev/a;"
            " meta-disk internal; } volume 1 { disk /dev/b; meta-disk internal; } }\n"
            "}\n"
        )

    bad = tree(tmp_path / "alpha", {"etc/drbd.conf": conf(" disk none;", "")})
    got = _lint(bad, "DR003", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(3, "error")]
    assert "conflicting use of disk 'disk:alpha:none'" in got[0][2]
    own = " volume 0 { disk none; } volume 1 { disk none; }"
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": conf("", own)})
    assert _lint(ok, "DR003", "9.1") == []


def test_dr024_connection_host_without_any_address(tmp_path: Path) -> None:
    # peer-drbdadm --mode 9: "hp.conf:7: Resource r0, host beta: cannot determine which
    # address to use" for ``host beta port 7200;`` when ``on beta`` gives no address
    # (set_host_info_in_host_address_pairs, user/v9/drbdadm_postparse.c); with an
    # address in ``on beta`` the file is accepted (OK). Lint said nothing.
    def conf(beta: str) -> str:
        return (
            "resource r0 {\n"
            "  device minor 0; disk /dev/vg/r0; meta-disk internal;\n"
            "  on alpha { node-id 0; address 10.1.0.1:7100; }\n"
            f"  on beta {{ node-id 1;{beta} }}\n"
            "  connection {\n"
            "    host alpha port 7200;\n"
            "    host beta port 7200;\n"
            "  }\n"
            "}\n"
        )

    got = _lint(tree(tmp_path / "alpha", {"etc/drbd.conf": conf("")}), "DR024", "9.1")
    assert [(line, sev) for line, sev, _ in got] == [(7, "error")]
    assert "cannot determine which address to use" in got[0][2]
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": conf(" address 10.1.0.2:7100;")})
    assert _lint(ok, "DR024", "9.1") == []


def test_dr001_drbd9_address_of_a_resource_without_connection(tmp_path: Path) -> None:
    # ``on alpha beta gamma { address ...; node-id 0; }``, one host section for three
    # machines, copied into a second resource: peer-drbdadm --mode 9 accepts it, as
    # drbdadm 9 compares the addresses of connection paths only (check_addr_conflict,
    # user/v9/drbdadm_postparse.c) and a resource of one host section has none; --mode
    # 84 refuses the same pair without node-id ("m.conf:7: conflicting use of IP
    # '10.1.0.1:7301'"). Lint called it an error on DRBD 9 as well.
    def res(name: str, minor: int, node_id: str) -> str:
        return (
            f"resource {name} {{\n"
            f"  device minor {minor}; disk /dev/vg/{name}; meta-disk internal;\n"
            f"  on alpha beta gamma {{ address 10.1.0.1:7301;{node_id} }}\n"
            "}\n"
        )

    nine = res("m1", 1, " node-id 0;") + res("m2", 2, " node-id 0;")
    assert _lint(tree(tmp_path / "9" / "alpha", {"etc/drbd.conf": nine}), "DR001", "9.1") == []
    eight = tree(tmp_path / "84" / "alpha", {"etc/drbd.conf": res("m1", 1, "") + res("m2", 2, "")})
    assert [(line, sev) for line, sev, _ in _lint(eight, "DR001", "8.4")] == [(7, "error")]
    # two host sections make the implicit connection, whose addresses drbdadm 9 compares
    pair = _res("node-id 0;", "r0") + _res("node-id 0;", "r1", 7788, 1)
    pair = pair.replace("  node-id 0;\n", "").replace(
        "address 10.0.0.1", "node-id 0; address 10.0.0.1"
    )
    pair = pair.replace("address 10.0.0.2", "node-id 1; address 10.0.0.2")
    got = _lint(tree(tmp_path / "pair" / "alpha", {"etc/drbd.conf": pair}), "DR001", "9.1")
    assert [line for line, _, _ in got] == [8, 9]  # (peer --mode 9: "is also used")
