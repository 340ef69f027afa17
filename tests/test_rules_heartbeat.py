"""heartbeat rules: a failing and a passing tree for each, and the seeds' heartbeat
mistakes (NOTES.md) found."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from lintkit import found, tree
from xencfg import lint

HACF = "keepalive 2\ndeadtime 30\ninitdead 60\nbcast eth0\nucast eth1 10.0.1.2\nnode alpha beta\n"
DRBD = (
    "resource r0 {{\n  on {a} {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788; meta-disk internal;\n  }}\n"
    "  on {b} {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788; meta-disk internal;\n  }}\n}}\n"
)
KEYS = "auth 1\n1 sha1 {key}\n"


def test_hb001_names_disagree(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {"etc/ha.d/ha.cf": HACF, "etc/drbd.conf": DRBD.format(a="alpha", b="beta-1")},
    )
    assert found("HB001", bad) == [("HB001", "drbd.conf", 6, [6])]
    misspelt = tree(
        tmp_path / "m",
        "xen1",
        {
            "etc/ha.d/ha.cf": HACF.replace("node alpha beta", "nodes xen-1 xen-2"),
            "etc/drbd.conf": DRBD.format(a="xen1", b="xen2"),
        },
    )
    result = lint.run([str(misspelt)], select=["HB001"])
    [f] = result.findings
    assert f.message == "drbd names nodes xen1, xen2; ha.cf names xen-1, xen-2"
    good = tree(
        tmp_path / "g",
        "alpha",
        {"etc/ha.d/ha.cf": HACF, "etc/drbd.conf": DRBD.format(a="alpha", b="beta")},
    )
    assert found("HB001", good) == []


def test_hb001_ha_cf_differs_between_nodes(tmp_path: Path) -> None:
    a = tree(tmp_path, "alpha", {"etc/ha.d/ha.cf": HACF})
    b = tree(
        tmp_path, "beta", {"etc/ha.d/ha.cf": HACF.replace("node alpha beta", "node alpha gamma")}
    )
    assert found("HB001", a, b) == [("HB001", "ha.cf", 6, [6])]


def test_hb002_one_path(tmp_path: Path) -> None:
    bad = tree(tmp_path, "alpha", {"etc/ha.d/ha.cf": HACF.replace("ucast eth1 10.0.1.2\n", "")})
    assert found("HB002", bad) == [("HB002", "ha.cf", 4, [])]
    good = tree(tmp_path / "g", "alpha", {"etc/ha.d/ha.cf": HACF})
    assert found("HB002", good) == []


def test_hb003_initdead(tmp_path: Path) -> None:
    bad = tree(tmp_path, "alpha", {"etc/ha.d/ha.cf": HACF.replace("initdead 60", "initdead 50")})
    assert found("HB003", bad) == [("HB003", "ha.cf", 3, [2])]
    good = tree(tmp_path / "g", "alpha", {"etc/ha.d/ha.cf": HACF})
    assert found("HB003", good) == []


def test_hb004_own_node_missing(tmp_path: Path) -> None:
    bad = tree(tmp_path, "gamma", {"etc/ha.d/ha.cf": HACF})
    assert found("HB004", bad) == [("HB004", "ha.cf", 6, [])]
    good = tree(tmp_path, "alpha", {"etc/ha.d/ha.cf": HACF})
    assert found("HB004", good) == []


def test_hb005_keys_differ_without_showing_them(tmp_path: Path) -> None:
    one, two = (
        "3f786850e387550fdab836ed7e6dc881de23001b",
        "89e6c98d92887913cadf06b2adb97f26cde4849b",
    )
    a = tree(tmp_path, "alpha", {"etc/ha.d/authkeys": KEYS.format(key=one)})
    b = tree(tmp_path, "beta", {"etc/ha.d/authkeys": KEYS.format(key=two)})
    result = lint.run([str(a), str(b)], select=["HB005"])
    [f] = result.findings
    assert (Path(f.path).parent.parent.parent.name, f.line) == ("beta", 1)
    assert one not in f.message and two not in f.message
    same = tree(tmp_path / "s", "beta", {"etc/ha.d/authkeys": KEYS.format(key=one)})
    assert found("HB005", a, same) == []


def test_seed_notes_heartbeat() -> None:
    """s001: ``nodes xen-1 xen-2`` (XC003, and HB001 against drbd's xen1/xen2), a
    placeholder key (XC005), one path; s002: ``initdead`` equal to ``deadtime``,
    ``logfacilitylocal7`` and ``logfile/var/log/ha-log`` glued (XC003 with the split)."""
    s001 = lint.run([str(shared_path("seed-examples", "s001-drbd-heartbeat"))]).findings
    got = {(f.code, Path(f.path).name, f.line) for f in s001 if "xen1" in f.path}
    assert {
        ("XC003", "ha.cf", 6),
        ("HB001", "drbd.conf", 31),
        ("HB002", "ha.cf", 4),
        ("XC005", "authkeys", 2),
    } <= got
    s002 = lint.run([str(shared_path("seed-examples", "s002-sles-hasi"))]).findings
    got = {(f.code, Path(f.path).name, f.line) for f in s002 if "host1" in f.path}
    assert {("HB003", "ha.cf", 4), ("XC003", "ha_logd.cf", 3)} <= got
    glued = [f.message for f in s002 if f.code == "XC003" and "logfacility" in f.message]
    assert glued and "did you mean 'logfacility local7'" in glued[0]
