"""DRBD lint held to drbdadm (drbd-utils 9.22's 8.3, 8.4 and 9 parsers, through
/work/shared/oracle/peers/peer-drbdadm): each verdict here was first found as a
disagreement between ``xencfg lint`` and the peer, and each test names the
drbd-utils source or the peer's verdict behind the expected finding."""

from __future__ import annotations

from pathlib import Path

from test_rules_drbd import res, run, tree

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
