"""iSCSI rules: a failing and a passing tree for each, and the s000 seed's notes."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from lintkit import found, tree
from xencfg import lint

T1 = "iqn.2026-11.net.example:storage.web"
T2 = "iqn.2026-11.net.example:storage.db"


def target(name: str, *luns: str, user: str = "IncomingUser alpha Hx4mP8vR2kLw") -> str:
    return f"Target {name}\n\t{user}\n" + "".join(f"\t{lun}\n" for lun in luns)


LUN0 = "Lun 0 Path=/dev/vg/web,Type=blockio"
LUN1 = "Lun 1 Path=/dev/vg/log,Type=blockio"


def test_is001_lun_twice(tmp_path: Path) -> None:
    bad = tree(
        tmp_path, "s", {"etc/ietd.conf": target(T1, LUN0, "Lun 0 Path=/dev/vg/x,Type=blockio")}
    )
    assert found("IS001", bad) == [("IS001", "ietd.conf", 4, [3])]
    good = tree(tmp_path / "g", "s", {"etc/ietd.conf": target(T1, LUN0, LUN1)})
    assert found("IS001", good) == []


def test_is002_target_twice_and_is003_device_twice(tmp_path: Path) -> None:
    bad = tree(tmp_path, "s", {"etc/ietd.conf": target(T1, LUN0) + target(T1, LUN0)})
    assert found("IS002", bad) == [("IS002", "ietd.conf", 4, [1])]
    assert found("IS003", bad) == [("IS003", "ietd.conf", 6, [3])]
    good = tree(
        tmp_path / "g",
        "s",
        {"etc/ietd.conf": target(T1, LUN0) + target(T2, LUN1.replace("Lun 1", "Lun 0"))},
    )
    assert found("IS002", good) == [] and found("IS003", good) == []


def test_is004_no_lun_zero(tmp_path: Path) -> None:
    bad = tree(tmp_path, "s", {"etc/ietd.conf": target(T1, LUN1)})
    assert found("IS004", bad) == [("IS004", "ietd.conf", 1, [])]
    good = tree(tmp_path / "g", "s", {"etc/ietd.conf": target(T1, LUN0, LUN1)})
    assert found("IS004", good) == []


def test_is005_short_secret_never_shown(tmp_path: Path) -> None:
    bad = tree(tmp_path, "s", {"etc/ietd.conf": target(T1, LUN0, user="IncomingUser alpha s3cret")})
    result = lint.run([str(bad)], select=["IS005"])
    assert [(f.line, "s3cret" in f.message) for f in result.findings] == [(2, False)]
    good = tree(tmp_path / "g", "s", {"etc/ietd.conf": target(T1, LUN0)})
    assert found("IS005", good) == []


def test_is006_fileio_on_a_device(tmp_path: Path) -> None:
    bad = tree(tmp_path, "s", {"etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=fileio")})
    assert found("IS006", bad) == [("IS006", "ietd.conf", 3, [])]
    good = tree(
        tmp_path / "g", "s", {"etc/ietd.conf": target(T1, "Lun 0 Path=/srv/web.img,Type=fileio")}
    )
    assert found("IS006", good) == []


def test_is007_open_target(tmp_path: Path) -> None:
    open_ = tree(tmp_path, "s", {"etc/ietd.conf": f"Target {T1}\n\t{LUN0}\n"})
    assert found("IS007", open_) == [("IS007", "ietd.conf", 1, [])]
    listed = tree(
        tmp_path / "l",
        "s",
        {"etc/ietd.conf": f"Target {T1}\n\t{LUN0}\n", "etc/initiators.allow": f"{T1} 10.0.0.11\n"},
    )
    assert found("IS007", listed) == []
    chap = tree(tmp_path / "c", "s", {"etc/ietd.conf": target(T1, LUN0)})
    assert found("IS007", chap) == []


def test_is101_initiator_name_reused(tmp_path: Path) -> None:
    name = "InitiatorName=iqn.2026-11.net.example:node\n"
    a = tree(tmp_path, "alpha", {"etc/iscsi/initiatorname.iscsi": name})
    b = tree(tmp_path, "beta", {"etc/iscsi/initiatorname.iscsi": name})
    assert found("IS101", a, b) == [("IS101", "initiatorname.iscsi", 1, [1])]
    c = tree(tmp_path, "gamma", {"etc/iscsi/initiatorname.iscsi": name.replace("node", "gamma")})
    assert found("IS101", a, c) == []


def test_is102_manual_startup_and_is103_slow_failure(tmp_path: Path) -> None:
    conf = "node.startup = manual\nnode.session.timeo.replacement_timeout = 120\n"
    mp = "defaults {\n\tpolling_interval 5\n}\n"
    bad = tree(tmp_path, "a", {"etc/iscsi/iscsid.conf": conf, "etc/multipath.conf": mp})
    assert found("IS102", bad) == [("IS102", "iscsid.conf", 1, [])]
    assert found("IS103", bad) == [("IS103", "iscsid.conf", 2, [])]
    good_conf = "node.startup = automatic\nnode.session.timeo.replacement_timeout = 5\n"
    good = tree(tmp_path / "g", "a", {"etc/iscsi/iscsid.conf": good_conf, "etc/multipath.conf": mp})
    assert found("IS102", good) == [] and found("IS103", good) == []
    alone = tree(tmp_path / "n", "a", {"etc/iscsi/iscsid.conf": conf})
    assert found("IS103", alone) == []  # no multipath: the default is fine


def test_is102_not_when_the_cib_logs_in(tmp_path: Path) -> None:
    """With an ocf:heartbeat:iscsi resource the cluster logs in: manual is right."""
    cib = (
        '<cib><configuration><crm_config/><nodes/><resources><primitive id="lun"'
        ' class="ocf" provider="heartbeat" type="iscsi"/></resources><constraints/>'
        "</configuration><status/></cib>\n"
    )
    conf = {"etc/iscsi/iscsid.conf": "node.startup = manual\n"}
    managed = tree(tmp_path, "a", {**conf, "var/lib/heartbeat/crm/cib.xml": cib})
    assert found("IS102", managed) == []
    other = tree(
        tmp_path / "o", "a", {**conf, "var/lib/heartbeat/crm/cib.xml": cib.replace("iscsi", "Xen")}
    )
    assert found("IS102", other) == [("IS102", "iscsid.conf", 1, [])]


def test_seed_notes_iscsi() -> None:
    """s000: LUN 1 without LUN 0 (IS004), fileio on LVs (IS006), open targets (IS007),
    manual startup (IS102), replacement_timeout 120 under multipath (IS103),
    MaxConnections = 0 (XC005), the 2.0-7xx ``node.cnx`` keys (XC004). Out of
    scope: vault2's WWID missing from multipath.conf (a LUN's WWID is not in
    ietd.conf), the unofficial apt source (not a cluster file)."""
    base = shared_path("seed-examples", "s000-iscsi-multipath")
    got = {(f.code, Path(f.path).name, f.line) for f in lint.run([str(base)]).findings}
    assert {
        ("IS004", "ietd.conf", 4),
        ("IS006", "ietd.conf", 2),
        ("IS007", "ietd.conf", 1),
        ("IS102", "iscsid.conf", 2),
        ("IS103", "iscsid.conf", 3),
        ("XC005", "iscsid.conf", 12),
        ("XC004", "iscsid.conf", 13),
    } <= got
