"""DRBD rules: a failing and a passing tree for each, asserting code, file, line and
related lines; and the seeds' DRBD mistakes (NOTES.md) found or named out of scope."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from lintkit import found, messages, tree
from xencfg import lint


def res(
    name: str,
    minor: int,
    port: int,
    *,
    hosts: tuple[str, str] = ("alpha", "beta"),
    disk: str = "/dev/sdb1",
    net: str = "",
    protocol: str = "C",
) -> str:
    a, b = hosts
    return (
        f"resource {name} {{\n"
        f"  protocol {protocol};\n"
        f"  net {{ {net} }}\n"
        f"  on {a} {{\n"
        f"    device /dev/drbd{minor}; disk {disk};\n"
        f"    address 10.0.0.1:{port}; meta-disk internal;\n"
        f"  }}\n"
        f"  on {b} {{\n"
        f"    device /dev/drbd{minor}; disk {disk};\n"
        f"    address 10.0.0.2:{port}; meta-disk internal;\n"
        f"  }}\n"
        f"}}\n"
    )


def test_dr001_resource_twice_across_included_files(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/drbd.conf": 'include "drbd.d/*.res";\n',
            "etc/drbd.d/a.res": res("r0", 0, 7788),
            "etc/drbd.d/b.res": res("r0", 1, 7789),
        },
    )
    assert found("DR001", bad) == [("DR001", "b.res", 1, [1])]
    good = tree(tmp_path / "g", "alpha", {"etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR001", good) == []


def test_dr002_port_and_dr003_minor_twice(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/drbd.d/a.res": res("r0", 0, 7788),
            "etc/drbd.d/b.res": res("r1", 0, 7788, disk="/dev/sdc1"),
        },
    )
    assert found("DR002", bad) == [
        ("DR002", "b.res", 6, [6]),
        ("DR002", "b.res", 10, [10]),
    ]
    assert found("DR003", bad) == [
        ("DR003", "b.res", 5, [5]),
        ("DR003", "b.res", 9, [9]),
    ]
    assert messages("DR003", bad)[0].startswith("minor 0 is used twice on alpha")
    good = tree(
        tmp_path / "g",
        "alpha",
        {
            "etc/drbd.d/a.res": res("r0", 0, 7788),
            "etc/drbd.d/b.res": res("r1", 1, 7789, disk="/dev/sdc1"),
        },
    )
    assert found("DR002", good) == [] and found("DR003", good) == []


def test_dr004_disk_twice(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {"etc/drbd.d/a.res": res("r0", 0, 7788), "etc/drbd.d/b.res": res("r1", 1, 7789)},
    )
    assert found("DR004", bad) == [("DR004", "b.res", 5, [5]), ("DR004", "b.res", 9, [9])]
    assert messages("DR004", bad)[0] == "disk /dev/sdb1 on alpha is used by r0/0 and r1/0"
    good = tree(
        tmp_path / "g",
        "alpha",
        {
            "etc/drbd.d/a.res": res("r0", 0, 7788),
            "etc/drbd.d/b.res": res("r1", 1, 7789, disk="/dev/sdc1"),
        },
    )
    assert found("DR004", good) == []


def test_dr005_two_primaries_need_protocol_c(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {"etc/drbd.conf": res("r0", 0, 7788, net="allow-two-primaries;", protocol="A")},
    )
    assert found("DR005", bad) == [("DR005", "drbd.conf", 1, [])]
    good = tree(
        tmp_path / "g", "alpha", {"etc/drbd.conf": res("r0", 0, 7788, net="allow-two-primaries;")}
    )
    assert found("DR005", good) == []


def test_dr006_on_names_no_cluster_node(tmp_path: Path) -> None:
    hacf = "bcast eth0\nnode xen1 xen2\n"
    bad = tree(
        tmp_path,
        "xen1",
        {"etc/ha.d/ha.cf": hacf, "etc/drbd.conf": res("r0", 0, 7788, hosts=("xen-1", "xen2"))},
    )
    assert found("DR006", bad) == [("DR006", "drbd.conf", 4, [])]
    assert "'on xen-1' names no cluster node" in messages("DR006", bad)[0]
    good = tree(
        tmp_path / "g",
        "xen1",
        {"etc/ha.d/ha.cf": hacf, "etc/drbd.conf": res("r0", 0, 7788, hosts=("xen1", "xen2"))},
    )
    assert found("DR006", good) == []


def test_dr007_node_without_on_section(tmp_path: Path) -> None:
    bad = tree(tmp_path, "gamma", {"etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR007", bad) == [("DR007", "drbd.conf", 1, [])]
    good = tree(tmp_path, "alpha", {"etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR007", good) == []


def test_dr008_address_of_the_peer(tmp_path: Path) -> None:
    hosts = "10.0.0.1 alpha-drbd\n10.0.0.2 beta-drbd\n"
    swapped = res("r0", 0, 7788, hosts=("beta", "alpha"))
    bad = tree(tmp_path, "alpha", {"etc/hosts": hosts, "etc/drbd.conf": swapped})
    assert found("DR008", bad) == [("DR008", "drbd.conf", 6, [1]), ("DR008", "drbd.conf", 10, [2])]
    assert messages("DR008", bad)[0] == "address 10.0.0.1 of 'on beta' is alpha's in /etc/hosts"
    good = tree(tmp_path / "g", "alpha", {"etc/hosts": hosts, "etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR008", good) == []


def test_dr009_no_break_space(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {"etc/drbd.conf": res("r0", 0, 7788).replace("\n  on beta", "\n\u00a0\n  on beta")},
    )
    assert found("DR009", bad) == [("DR009", "drbd.conf", 8, [])]
    good = tree(tmp_path / "g", "alpha", {"etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR009", good) == []


def test_dr010_config_differs_between_nodes(tmp_path: Path) -> None:
    a = tree(tmp_path, "alpha", {"etc/drbd.conf": res("r0", 0, 7788)})
    b = tree(tmp_path, "beta", {"etc/drbd.conf": res("r0", 0, 7789)})
    assert found("DR010", a, b) == [("DR010", "drbd.conf", 1, [1])]
    assert messages("DR010", a, b) == ["resource r0 differs between alpha and beta"]
    same = tree(tmp_path / "s", "beta", {"etc/drbd.conf": res("r0", 0, 7788)})
    assert found("DR010", a, same) == []


def test_seed_notes_drbd() -> None:
    """s004's NBSP lines are DR009; the other DRBD notes are out of scope:

    * s004 ``rate 500M``: whether a rate suits the link needs the link's speed,
      which no configuration file states;
    * s004 missing allow-two-primaries with live migration: the live migration
      is in the prose (``xm migrate --live``), not in a configuration file;
    * s001 ``xen-1`` in ha.cf against drbd's ``xen1``: ha.cf's ``nodes`` line is
      an unknown keyword (XC003) that declares no node for DR006; HB001 compares
      what it meant (tests/test_rules_heartbeat.py).
    """
    s004 = shared_path("seed-examples", "s004-drbd-lvm")
    got = {(f.code, f.line) for f in lint.run([str(s004)]).findings if f.path.endswith("drbd.conf")}
    assert {("DR009", n) for n in (4, 6, 8, 12, 17, 21, 25)} <= got
    s001 = shared_path("seed-examples", "s001-drbd-heartbeat")
    result = lint.run([str(s001)])
    assert not [f for f in result.findings if f.code.startswith("DR")]
    assert any(f.code == "XC003" and "'nodes'" in f.message for f in result.findings)
