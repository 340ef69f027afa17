"""iSCSI rules: a failing and a passing tree for each, and the s000 seed's notes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import shared_path
from lintkit import found, messages, tree
from xencfg import lint

T1 = "iqn.2026-11.net.example:storage.web"
T2 = "iqn.2026-11.net.example:storage.db"


def target(name: str, *luns: str, user: str = "IncomingUser alpha Hx4mP8vR2kLw") -> str:
    return f"Target {name}\n\t{user}\n" + "".join(f"\t{lun}\n" for lun in luns)


LUN0 = "Lun 0 Path=/dev/vg/web,Type=blockio"
LUN1 = "Lun 1 Path=/dev/vg/log,Type=blockio"
DB0 = "Lun 0 Path=/dev/vg/db,Type=blockio"
#: ietd.conf with T1 on lines 1-3 and T2 on lines 4-6.
TWO = target(T1, LUN0) + target(T2, DB0)


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
    ietd = {"etc/ietd.conf": f"Target {T1}\n\t{LUN0}\n"}
    denied = tree(tmp_path / "d", "s", {**ietd, "etc/initiators.deny": "ALL ALL\n"})
    assert found("IS007", denied) == []  # old style, but not open (IS010 says so)
    empty = tree(tmp_path / "e", "s", {**ietd, "etc/initiators.deny": "# nobody\n"})
    assert found("IS007", empty) == [("IS007", "ietd.conf", 1, [])]


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
    # only a default for new node records (idbm.c idbm_node_setup_from_conf): say so
    assert "each node record keeps its own node.startup" in messages("IS102", bad)[0]
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


def test_is008_parameters_against_defaults(tmp_path: Path) -> None:
    """One burst length written against the other's default (a global line does not
    count: ietd reads parameters only in targets), and NOPTimeout above NOPInterval."""
    conf = (
        "MaxBurstLength 1048576\n"
        + target(T1, LUN0, "FirstBurstLength 524288")
        + target(T2, DB0, "MaxBurstLength 32768", "NOPInterval 5", "NOPTimeout 30")
    )
    bad = tree(tmp_path, "s", {"etc/ietd.conf": conf})
    assert found("IS008", bad) == [
        ("IS008", "ietd.conf", 5, [1]),
        ("IS008", "ietd.conf", 9, []),
        ("IS008", "ietd.conf", 11, [10]),
    ]
    assert "default MaxBurstLength 262144" in messages("IS008", bad)[0]
    good = target(T1, LUN0, "FirstBurstLength 524288", "MaxBurstLength 1048576")
    good += target(T2, DB0, "NOPInterval 30", "NOPTimeout 10")
    assert found("IS008", tree(tmp_path / "g", "s", {"etc/ietd.conf": good})) == []
    both = tree(tmp_path / "b", "s", {"etc/ietd.conf": target(T1, LUN0, *BOTH_BURSTS)})
    assert found("IS008", both) == []  # both written: XC005 says it, once
    assert [row[2] for row in found("XC005", both)] == [4]


BOTH_BURSTS = ("FirstBurstLength 524288", "MaxBurstLength 262144")


def test_is009_unreachable_allow_lines(tmp_path: Path) -> None:
    """ietd stops at the first line naming the target or ALL."""
    acl = f"{T1} 10.0.0.11\n{T1} 10.0.0.12\nALL 10.0.0.0/24\n{T2} 10.0.0.13\n"
    bad = tree(tmp_path, "s", {"etc/ietd.conf": TWO, "etc/initiators.allow": acl})
    assert found("IS009", bad) == [
        ("IS009", "initiators.allow", 2, [1]),
        ("IS009", "initiators.allow", 4, [3]),
    ]
    acl = f"{T1} 10.0.0.11, 10.0.0.12\n{T2} 10.0.0.13\nALL 10.0.0.0/24\n"
    good = tree(tmp_path / "g", "s", {"etc/ietd.conf": TWO, "etc/initiators.allow": acl})
    assert found("IS009", good) == []


def test_is010_initiators_deny(tmp_path: Path) -> None:
    files = {"etc/ietd.conf": target(T1, LUN0), "etc/initiators.allow": f"{T1} 10.0.0.11\n"}
    deny = {"etc/initiators.deny": "# the rest\nALL ALL\n"}
    assert found("IS010", tree(tmp_path, "s", files | deny)) == [
        ("IS010", "initiators.deny", 2, [])
    ]
    comments = {"etc/initiators.deny": "# ALL ALL\n"}
    assert found("IS010", tree(tmp_path / "c", "s", files | comments)) == []
    assert found("IS010", tree(tmp_path / "g", "s", files)) == []


def test_is011_allow_names_unknown_target(tmp_path: Path) -> None:
    typo = T1.replace("web", "wbe")
    acl = f"{typo} 10.0.0.11\nALL 10.0.0.0/24\n"
    bad = tree(tmp_path, "s", {"etc/ietd.conf": TWO, "etc/initiators.allow": acl})
    assert found("IS011", bad) == [("IS011", "initiators.allow", 1, [1])]
    assert f"did you mean {T1}?" in messages("IS011", bad)[0]
    acl = f"{T1} 10.0.0.11\nALL 10.0.0.0/24\n"
    good = tree(tmp_path / "g", "s", {"etc/ietd.conf": TWO, "etc/initiators.allow": acl})
    assert found("IS011", good) == []
    no_conf = tree(tmp_path / "n", "s", {"etc/initiators.allow": f"{typo} 10.0.0.11\n"})
    assert found("IS011", no_conf) == []  # nothing to compare with


def test_is012_target_locked_out(tmp_path: Path) -> None:
    """initiators.allow without a line for T2 (nor ALL) refuses every initiator for it;
    targets.allow listing only initiator names matches no portal."""
    allow = {"etc/ietd.conf": TWO, "etc/initiators.allow": f"{T1} 10.0.0.11\n"}
    assert found("IS012", tree(tmp_path, "s", allow)) == [("IS012", "ietd.conf", 4, [1])]
    names = {"etc/ietd.conf": TWO, "etc/targets.allow": "ALL iqn.2026-11.net.example:alpha\n"}
    assert found("IS012", tree(tmp_path / "t", "s", names)) == [
        ("IS012", "ietd.conf", 1, [1]),
        ("IS012", "ietd.conf", 4, [1]),
    ]
    all_line = {"etc/initiators.allow": f"{T1} 10.0.0.11\nALL 10.0.0.0/24\n"}
    assert found("IS012", tree(tmp_path / "a", "s", allow | all_line)) == []
    # with initiators.deny, ietd admits whoever it does not match
    deny = {"etc/initiators.deny": "ALL 192.168.0.0/16\n"}
    assert found("IS012", tree(tmp_path / "d", "s", allow | deny)) == []
    # ietd reads /etc/iet/initiators.allow when it exists, not /etc/initiators.allow
    iet = {"etc/iet/initiators.allow": f"{T1} 10.0.0.11\n{T2} 10.0.0.11\n"}
    assert found("IS012", tree(tmp_path / "i", "s", allow | iet)) == []


def test_is013_failover_scsi_id(tmp_path: Path) -> None:
    """The same target on two storage nodes: each LUN needs the same ScsiId (and ScsiSN)."""

    def storage(where: Path, name: str, options: str) -> Path:
        lun = f"Lun 0 Path=/dev/drbd0,Type=blockio{options}"
        return tree(where, name, {"etc/ietd.conf": target(T1, lun)})

    alpha = storage(tmp_path, "alpha", ",ScsiId=web0,ScsiSN=0001")
    beta = storage(tmp_path, "beta", ",ScsiId=web-0,ScsiSN=0001")
    assert found("IS013", alpha, beta) == [("IS013", "ietd.conf", 3, [3])]
    assert "ScsiId 'web0' on alpha but 'web-0' on beta" in messages("IS013", alpha, beta)[0]
    plain_a = storage(tmp_path / "p", "alpha", "")
    plain_b = storage(tmp_path / "p", "beta", "")
    assert found("IS013", plain_a, plain_b) == [("IS013", "ietd.conf", 3, [3])]
    assert "has no ScsiId on alpha or beta" in messages("IS013", plain_a, plain_b)[0]
    same = storage(tmp_path / "g", "beta", ",ScsiId=web0,ScsiSN=0001")
    assert found("IS013", alpha, same) == []
    assert found("IS013", plain_a) == []  # one node: nothing fails over


def test_is104_readable_chap_secret(tmp_path: Path) -> None:
    """Only where modes are real: a live tree, not a git checkout (see HB006)."""
    conf = (
        "node.session.auth.authmethod = CHAP\nnode.session.auth.username = alpha\n"
        "node.session.auth.password = Hx4mP8vR2kLw\n"
    )
    live = tree(tmp_path, "live", {"etc/iscsi/iscsid.conf": conf})
    path = live / "etc" / "iscsi" / "iscsid.conf"
    path.chmod(0o644)
    assert found("IS104", live) == [("IS104", "iscsid.conf", 3, [])]
    assert "Hx4mP8vR2kLw" not in messages("IS104", live)[0]
    path.chmod(0o600)
    assert found("IS104", live) == []
    no_chap = tree(tmp_path, "plain", {"etc/iscsi/iscsid.conf": "node.startup = automatic\n"})
    (no_chap / "etc" / "iscsi" / "iscsid.conf").chmod(0o644)
    assert found("IS104", no_chap) == []
    repo = tree(tmp_path, "repo", {"etc/iscsi/iscsid.conf": conf})
    (repo / "etc" / "iscsi" / "iscsid.conf").chmod(0o644)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert found("IS104", repo) == []  # a clone: git kept no mode


def test_seed_notes_iscsi() -> None:
    """s000: LUN 1 without LUN 0 (IS004), fileio on LVs (IS006), open targets (IS007),
    manual startup (IS102), replacement_timeout 120 under multipath (IS103),
    the 2.0-7xx ``node.cnx`` keys (XC004). Out of scope: vault2's WWID missing
    from multipath.conf (a LUN's WWID is not in ietd.conf), the unofficial apt
    source (not a cluster file). ``MaxConnections = 0`` is no error: open-iscsi
    never reads it for a login (usr/login.c offers "MaxConnections", "1" as a
    constant, from 2006 to 2.1.x; see test_audit_trees)."""
    base = shared_path("seed-examples", "s000-iscsi-multipath")
    got = {(f.code, Path(f.path).name, f.line) for f in lint.run([str(base)]).findings}
    assert {
        ("IS004", "ietd.conf", 4),
        ("IS006", "ietd.conf", 2),
        ("IS007", "ietd.conf", 1),
        ("IS102", "iscsid.conf", 2),
        ("IS103", "iscsid.conf", 3),
        ("XC004", "iscsid.conf", 13),
    } <= got
    assert ("XC005", "iscsid.conf", 12) not in got


def test_lio_saveconfig_is_read_not_skipped(tmp_path: Path) -> None:
    """A LIO storage box keeps its whole target setup in saveconfig.json (targetcli,
    rtslib-fb's ``/etc/target``; older rtslib-fb ``/etc/rtslib-fb-target``). It was
    listed as skipped ("not checked") until topo4 gave it a format: now both are read
    (format ``lio-saveconfig``), none is skipped, and a broken one is XC001 at the
    line and column Python's json names (targetctl reads it with json)."""
    lio = '{"storage_objects": [], "targets": []}\n'
    box = tree(
        tmp_path / "lio",
        "san1",
        {"etc/target/saveconfig.json": lio, "etc/rtslib-fb-target/saveconfig.json": lio},
    )
    result = lint.run([str(box)])
    assert result.discovery.skipped == []
    read = sorted(str(f.path).split("/etc/")[1] for f in result.discovery.files())
    assert read == ["rtslib-fb-target/saveconfig.json", "target/saveconfig.json"]
    assert {f.format for f in result.discovery.files()} == {"lio-saveconfig"}
    assert result.findings == []
    broken = tree(tmp_path / "broken", "san1", {"etc/target/saveconfig.json": '{"targets": [}\n'})
    assert [(f.code, f.line, f.column) for f in lint.run([str(broken)]).findings] == [
        ("XC001", 1, 14)
    ]
    plain = tree(tmp_path / "iet", "san2", {"etc/ietd.conf": target(T1, LUN0)})
    assert lint.run([str(plain)]).discovery.skipped == []
