"""Xen rules: a failing and a passing tree for each, and the seeds' Xen mistakes."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from lintkit import found, tree
from xencfg import lint


def domu(name: str, disk: str, mac: str = "00:16:3e:00:00:01", uuid: str = "") -> str:
    extra = f'uuid = "{uuid}"\n' if uuid else ""
    return (
        f'name = "{name}"\nmemory = 256\n{extra}'
        f"disk = ['{disk}']\nvif = ['mac={mac}, bridge=xenbr0']\n"
        "bootloader = '/usr/bin/pygrub'\n"
    )


DRBD = (
    "resource vm {\n  on alpha {\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788; meta-disk internal;\n  }\n"
    "  on beta {\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788; meta-disk internal;\n  }\n}\n"
)


def test_xn001_name_twice_but_a_copy_is_one_guest(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/xen/a.xm": domu("web", "phy:/dev/vg/a,xvda,w"),
            "etc/xen/b.xm": domu("web", "phy:/dev/vg/b,xvda,w"),
        },
    )
    assert found("XN001", bad) == [("XN001", "b.xm", 1, [1])]
    a = tree(tmp_path / "c", "alpha", {"etc/xen/web.xm": domu("web", "phy:/dev/vg/a,xvda,w")})
    b = tree(tmp_path / "c", "beta", {"etc/xen/web.xm": domu("web", "phy:/dev/vg/a,xvda,w")})
    assert found("XN001", a, b) == []


def test_xn002_uuid_twice(tmp_path: Path) -> None:
    u = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w", "00:16:3e:00:00:01", u),
            "etc/xen/b.xm": domu("b", "phy:/dev/vg/b,xvda,w", "00:16:3e:00:00:02", u),
        },
    )
    assert found("XN002", bad) == [("XN002", "b.xm", 3, [3])]
    good = tree(
        tmp_path / "g", "alpha", {"etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w", uuid=u)}
    )
    assert found("XN002", good) == []


def test_xn003_mac_twice(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w"),
            "etc/xen/b.xm": domu("b", "phy:/dev/vg/b,xvda,w"),
        },
    )
    assert found("XN003", bad) == [("XN003", "b.xm", 4, [4])]
    good = tree(
        tmp_path / "g",
        "alpha",
        {
            "etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w"),
            "etc/xen/b.xm": domu("b", "phy:/dev/vg/b,xvda,w", "00:16:3e:00:00:02"),
        },
    )
    assert found("XN003", good) == []


def test_xn004_disk_shared_unless_both_w_bang(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/xen/a.xm": domu("a", "phy:/dev/vg/shared,hdb,w"),
            "etc/xen/b.xm": domu("b", "phy:/dev/vg/shared,hdb,w!", "00:16:3e:00:00:02"),
        },
    )
    assert found("XN004", bad) == [("XN004", "b.xm", 3, [3])]
    good = tree(
        tmp_path / "g",
        "alpha",
        {
            "etc/xen/a.xm": domu("a", "phy:/dev/vg/shared,hdb,w!"),
            "etc/xen/b.xm": domu("b", "phy:/dev/vg/shared,hdb,w!", "00:16:3e:00:00:02"),
        },
    )
    assert found("XN004", good) == []


def test_xn005_disk_names_nothing(tmp_path: Path) -> None:
    mp = "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t\talias data\n\t}\n}\n"
    bad = tree(
        tmp_path,
        "alpha",
        {
            "etc/drbd.conf": DRBD,
            "etc/multipath.conf": mp,
            "etc/xen/a.xm": domu("a", "drbd:vm_web,xvda,w"),
            "etc/xen/b.xm": domu("b", "phy:/dev/drbd7,xvda,w", "00:16:3e:00:00:02"),
            "etc/xen/c.xm": domu("c", "phy:/dev/mapper/dta,xvda,w", "00:16:3e:00:00:03"),
        },
    )
    result = lint.run([str(bad)], select=["XN005"])
    assert [(Path(f.path).name, f.line) for f in result.findings] == [
        ("a.xm", 3),
        ("b.xm", 3),
        ("c.xm", 3),
    ]
    assert "DRBD resource vm_web" in result.findings[0].message
    good = tree(
        tmp_path / "g",
        "alpha",
        {
            "etc/drbd.conf": DRBD,
            "etc/multipath.conf": mp,
            "etc/xen/a.xm": domu("a", "drbd:vm,xvda,w"),
            "etc/xen/c.xm": domu("c", "phy:/dev/mapper/data,xvdb,w", "00:16:3e:00:00:03"),
        },
    )
    assert found("XN005", good) == []


def test_xn006_vendor_mac(tmp_path: Path) -> None:
    bad = tree(
        tmp_path, "alpha", {"etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w", "a0:00:00:01:00:01")}
    )
    assert found("XN006", bad) == [("XN006", "a.xm", 4, [])]
    good = tree(
        tmp_path / "g",
        "alpha",
        {"etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w", "02:00:00:01:00:01")},
    )
    assert found("XN006", good) == []


XEND = (
    "(xend-relocation-server yes)\n(xend-relocation-port 8002)\n"
    "(xend-relocation-hosts-allow '{allow}')\n"
)


def test_xn007_xend_setting_twice_and_xn008_open_relocation(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {"etc/xen/xend-config.sxp": XEND.format(allow="") + "(xend-relocation-port 8002)\n"},
    )
    assert found("XN007", bad) == [("XN007", "xend-config.sxp", 4, [2])]
    assert found("XN008", bad) == [("XN008", "xend-config.sxp", 3, [])]
    good = tree(tmp_path / "g", "alpha", {"etc/xen/xend-config.sxp": XEND.format(allow="^beta$")})
    assert found("XN007", good) == [] and found("XN008", good) == []


CIB = (
    "<cib><configuration><crm_config/><nodes/><resources>"
    '<primitive id="vm" class="ocf" provider="heartbeat" type="Xen">'
    '<meta_attributes id="vm-meta"><attributes>'
    '<nvpair id="vm-am" name="allow_migrate" value="true"/></attributes></meta_attributes>'
    '<instance_attributes id="vm-ia"><attributes>'
    '<nvpair id="vm-xm" name="xmfile" value="/etc/xen/vm"/>'
    "</attributes></instance_attributes></primitive></resources><constraints/>"
    "</configuration><status/></cib>\n"
)


def test_xn009_live_migration_needs_relocation(tmp_path: Path) -> None:
    cib = "var/lib/heartbeat/crm/cib.xml"
    off = tree(
        tmp_path, "alpha", {cib: CIB, "etc/xen/xend-config.sxp": "(xend-relocation-server no)\n"}
    )
    beta = tree(
        tmp_path, "beta", {cib: CIB, "etc/xen/xend-config.sxp": XEND.format(allow="^alpha$")}
    )
    assert found("XN009", off, beta) == [("XN009", "xend-config.sxp", 1, [1])]
    narrow = tree(
        tmp_path / "n", "alpha", {cib: CIB, "etc/xen/xend-config.sxp": XEND.format(allow="^gamma$")}
    )
    beta2 = tree(
        tmp_path / "n", "beta", {cib: CIB, "etc/xen/xend-config.sxp": XEND.format(allow="^alpha$")}
    )
    result = lint.run([str(narrow), str(beta2)], select=["XN009"])
    assert [f.message for f in result.findings] == [
        "xend-relocation-hosts-allow on alpha does not admit beta"
    ]
    good = tree(
        tmp_path / "g", "alpha", {cib: CIB, "etc/xen/xend-config.sxp": XEND.format(allow="^beta$")}
    )
    assert found("XN009", good, beta) == []


def test_seed_notes_xen() -> None:
    """s000: relocation address twice (XN007), relocation open to anyone (XN008);
    s002: live migration without relocation (XN009); s004: vendor MAC (XN006)."""
    base = shared_path("seed-examples")
    s000 = {
        (f.code, f.line) for f in lint.run([str(base / "s000-iscsi-multipath" / "node1")]).findings
    }
    assert {("XN007", 4), ("XN008", 5)} <= s000
    s002 = {f.code for f in lint.run([str(base / "s002-sles-hasi")]).findings}
    assert "XN009" in s002
    s004 = {
        (f.code, Path(f.path).name, f.line)
        for f in lint.run([str(base / "s004-drbd-lvm" / "mk1")]).findings
    }
    assert ("XN006", "shaolin", 8) in s004


def test_xn010_domu_that_cannot_start(tmp_path: Path) -> None:
    fragment = "nfs_root = '/xen/domains/test'\nextra = 'ip=dhcp'\n"
    bad = tree(tmp_path, "alpha", {"etc/xen/test": fragment})
    assert found("XN010", bad) == [("XN010", "test", 1, [])]
    good = tree(tmp_path / "g", "alpha", {"etc/xen/a.xm": domu("a", "phy:/dev/vg/a,xvda,w")})
    assert found("XN010", good) == []  # pygrub is its bootloader


def test_seed_notes_s003_and_the_outputs() -> None:
    """s003's domU fragment (no name, no kernel) is XN010. Out of scope everywhere:
    the output/ samples (multipath -ll, /proc/drbd, crm_mon, xentop, lvs, netstat),
    which record state rather than configuration (xencfg parses multipath -ll and
    /proc/drbd for tools, but a sample's odd state is no configuration mistake); the
    crm_mon CGI and guests' fstab, which are not cluster configuration files."""
    s003 = shared_path("seed-examples", "s003-aoe")
    assert [(f.code, f.line) for f in lint.run([str(s003)]).findings] == [("XN010", 1)]
