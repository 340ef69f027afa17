"""Drift rules (LS): each with a failing and a passing tree of configuration plus
captured live state (``var/lib/xencfg/state/``, the layout ``xencfg capture`` writes)."""

from __future__ import annotations

from pathlib import Path

from lintkit import Row, found, tree

STATE = "var/lib/xencfg/state/"

DRBD = """resource r0 {
  protocol C;
  on alpha { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }
}
resource r1 {
  protocol C;
  net { %s }
  on alpha { device /dev/drbd1; disk /dev/sda6; address 10.0.0.1:7789; meta-disk internal; }
  on beta { device /dev/drbd1; disk /dev/sda6; address 10.0.0.2:7789; meta-disk internal; }
}
"""

PROC_OK = """version: 8.3.7 (api:88/proto:86-91)
 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r----
    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0
 1: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate C r----
    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0
"""

CIB = """<cib admin_epoch="0" epoch="%d" num_updates="0" validate-with="pacemaker-1.0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="a" uname="alpha" type="normal"/><node id="b" uname="beta" type="normal"/>
    </nodes>
    <resources>
      <master id="ms-r0">
        <primitive id="drbd-r0" class="ocf" provider="linbit" type="drbd">
          <instance_attributes id="drbd-r0-ia">
            <nvpair id="drbd-r0-res" name="drbd_resource" value="r0"/>
          </instance_attributes>
        </primitive>
      </master>
      <primitive id="web" class="ocf" provider="heartbeat" type="Xen">
        <instance_attributes id="web-ia">
          <nvpair id="web-xmfile" name="xmfile" value="/etc/xen/vm/web"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""

HACF = "node alpha beta\nbcast eth1\n"


def node(tmp: Path, name: str, state: dict[str, str], two: str = "", **extra: str) -> Path:
    files = {
        "etc/hostname": f"{name}\n",
        "etc/drbd.conf": DRBD % two,
        "etc/ha.d/ha.cf": HACF,
        "var/lib/heartbeat/crm/cib.xml": CIB % 5,
        "etc/xen/vm/web": 'name = "web"\nmemory = 512\ndisk = ["phy:/dev/drbd0,xvda,w"]\n',
    }
    files.update(extra)
    files.update({STATE + k: v for k, v in state.items()})
    return tree(tmp, name, files)


def codes(rows: list[Row]) -> list[tuple[str, str, int]]:
    return [(c, f, line) for c, f, line, _ in rows]


def test_ls001_configured_resource_not_in_kernel(tmp_path: Path) -> None:
    only_r0 = PROC_OK.split(" 1:")[0]
    bad = node(tmp_path / "a", "alpha", {"proc_drbd.txt": only_r0})
    assert codes(found("LS001", bad)) == [("LS001", "proc_drbd.txt", 1)]
    good = node(tmp_path / "b", "alpha", {"proc_drbd.txt": PROC_OK})
    assert found("LS001", good) == []
    # DRBD 9's drbdadm status: the resource missing from the list
    nine = node(
        tmp_path / "c",
        "alpha",
        {
            "drbdadm_status.txt": (
                "r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n"
            )
        },
    )
    assert [r[0] for r in found("LS001", nine)] == ["LS001"]
    # nothing captured: no verdict
    assert found("LS001", node(tmp_path / "d", "alpha", {})) == []


def test_ls002_not_connected_or_not_uptodate(tmp_path: Path) -> None:
    waiting = PROC_OK.replace(
        " 1: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate",
        " 1: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown",
    )
    bad = node(tmp_path / "a", "alpha", {"proc_drbd.txt": waiting})
    assert codes(found("LS002", bad)) == [("LS002", "proc_drbd.txt", 4)]
    syncing = PROC_OK.replace(
        " 1: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate",
        " 1: cs:SyncTarget ro:Secondary/Secondary ds:Inconsistent/UpToDate",
    )
    assert found("LS002", node(tmp_path / "b", "alpha", {"proc_drbd.txt": syncing})) == []
    assert found("LS002", node(tmp_path / "c", "alpha", {"proc_drbd.txt": PROC_OK})) == []
    # DRBD 9: a client configured diskless ("disk none;") is Diskless by design
    client = {
        "etc/drbd.conf": "resource r0 {\n  on alpha { device /dev/drbd0; disk none; "
        "address 10.0.0.1:7788; node-id 0; }\n  on beta { device /dev/drbd0; "
        "disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; node-id 1; }\n}\n"
    }
    status = "r0 role:Primary\n  disk:Diskless\n  beta role:Secondary\n    peer-disk:UpToDate\n"
    d = node(tmp_path / "d", "alpha", {"drbdadm_status.txt": status}, **client)
    assert found("LS002", d) == []
    e = node(
        tmp_path / "e",
        "beta",
        {
            "drbdadm_status.txt": status.replace("Diskless", "UpToDate")
            .replace("beta role", "alpha role")
            .replace("peer-disk:UpToDate", "peer-disk:Diskless")
        },
        **client,
    )
    assert found("LS002", e) == []
    f = node(
        tmp_path / "f",
        "beta",
        {"drbdadm_status.txt": status.replace("beta role", "alpha role")},
        **client,
    )
    assert codes(found("LS002", f)) == [("LS002", "drbdadm_status.txt", 3)]  # beta's own disk


def test_ls003_standalone_after_split_brain(tmp_path: Path) -> None:
    status = (
        "r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n\n"
        "r1 role:Secondary\n  disk:UpToDate\n  beta connection:StandAlone\n"
    )
    bad = node(tmp_path / "a", "alpha", {"drbdadm_status.txt": status})
    assert codes(found("LS003", bad)) == [("LS003", "drbdadm_status.txt", 8)]
    ok = status.replace("beta connection:StandAlone", "beta role:Secondary")
    assert found("LS003", node(tmp_path / "b", "alpha", {"drbdadm_status.txt": ok})) == []


def test_ls004_primary_no_cib_resource_promotes(tmp_path: Path) -> None:
    r1_primary = PROC_OK.replace(
        "1: cs:Connected ro:Secondary/Secondary", "1: cs:Connected ro:Primary/Secondary"
    )
    bad = node(tmp_path / "a", "alpha", {"proc_drbd.txt": r1_primary})
    assert codes(found("LS004", bad)) == [("LS004", "proc_drbd.txt", 4)]
    # r0 is Primary too, but ms-r0 promotes it
    assert found("LS004", node(tmp_path / "b", "alpha", {"proc_drbd.txt": PROC_OK})) == []
    # a domU with a drbd:r1 disk: Xen's block-drbd promotes r1 when the domU starts
    vm = {"etc/xen/vm/data": 'name = "data"\ndisk = ["drbd:r1,xvdb,w"]\n'}
    assert found("LS004", node(tmp_path / "c", "alpha", {"proc_drbd.txt": r1_primary}, **vm)) == []


def test_ls004_primary_promoted_by_drbd_reactor(tmp_path: Path) -> None:
    """r1 Primary on a node whose CIB runs r0 only, and whose drbd-reactor promoter
    snippet lists r1: no LS004 (drbd-reactor doc/promoter.md: the promoter promotes a
    resource it lists where DRBD allows, and starts its services there; neither by
    hand nor by a boot script). Lint said LS004. A snippet for another resource: LS004."""
    r1_primary = PROC_OK.replace(
        "1: cs:Connected ro:Secondary/Secondary", "1: cs:Connected ro:Primary/Secondary"
    )
    snippet = '[[promoter]]\n[promoter.resources.%s]\nstart = ["db.service"]\n'
    ok = {"etc/drbd-reactor.d/r1.toml": snippet % "r1"}
    assert found("LS004", node(tmp_path / "a", "alpha", {"proc_drbd.txt": r1_primary}, **ok)) == []
    other = {"etc/drbd-reactor.d/r2.toml": snippet % "r2"}
    bad = node(tmp_path / "b", "alpha", {"proc_drbd.txt": r1_primary}, **other)
    assert codes(found("LS004", bad)) == [("LS004", "proc_drbd.txt", 4)]


def test_ls005_dual_primary_without_allow_two_primaries(tmp_path: Path) -> None:
    alone = (
        "version: 8.3.7 (api:88/proto:86-91)\n"
        " 1: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown C r----\n"
    )
    a = node(tmp_path / "bad", "alpha", {"proc_drbd.txt": alone})
    b = node(tmp_path / "bad", "beta", {"proc_drbd.txt": alone})
    rows = found("LS005", a, b)
    assert [(c, f, line) for c, f, line, _ in rows] == [("LS005", "proc_drbd.txt", 2)]
    assert rows[0][3][0] == 2  # the other node's line is related
    a2 = node(tmp_path / "ok", "alpha", {"proc_drbd.txt": alone}, "allow-two-primaries;")
    b2 = node(tmp_path / "ok", "beta", {"proc_drbd.txt": alone}, "allow-two-primaries;")
    assert found("LS005", a2, b2) == []
    # "r1" of another pair of nodes is another resource
    other = {"etc/drbd.conf": (DRBD % "").replace("alpha", "gamma").replace("beta", "delta")}
    a3 = node(tmp_path / "two", "alpha", {"proc_drbd.txt": alone})
    g3 = node(tmp_path / "two", "gamma", {"proc_drbd.txt": alone}, **other)
    assert found("LS005", a3, g3) == []


MPCONF = """multipaths {
  multipath {
    wwid 3600a0b800026105a0000038d4f4e4a4e
    alias web
  }
}
"""
MPLL = """web (3600a0b800026105a0000038d4f4e4a4e) dm-0 IET,VIRTUAL-DISK
size=20G features='0' hwhandler='0' wp=rw
|-+- policy='round-robin 0' prio=1 status=active
| `- 3:0:0:1 sdb 8:16 active ready running
`-+- policy='round-robin 0' prio=1 status=enabled
  `- 4:0:0:1 sdc 8:32 active ready running
"""


def test_ls006_running_alias_or_wwid_differs(tmp_path: Path) -> None:
    renamed = MPLL.replace("web (", "mpatha (")
    a = node(
        tmp_path / "a", "alpha", {"multipath_ll.txt": renamed}, **{"etc/multipath.conf": MPCONF}
    )
    assert codes(found("LS006", a)) == [("LS006", "multipath_ll.txt", 1)]
    other = MPLL.replace("3600a0b800026105a0000038d4f4e4a4e", "3600a0b800026105a0000038d4f4e4a99")
    b = node(tmp_path / "b", "alpha", {"multipath_ll.txt": other}, **{"etc/multipath.conf": MPCONF})
    assert ["gives that alias" in m for m in _messages("LS006", b)] == [True]
    c = node(tmp_path / "c", "alpha", {"multipath_ll.txt": MPLL}, **{"etc/multipath.conf": MPCONF})
    assert found("LS006", c) == []


def _messages(code: str, *roots: Path) -> list[str]:
    from lintkit import messages

    return messages(code, *roots)


def test_ls007_failed_path(tmp_path: Path) -> None:
    failed = MPLL.replace(
        "4:0:0:1 sdc 8:32 active ready running", "4:0:0:1 sdc 8:32 failed faulty offline"
    )
    a = node(tmp_path / "a", "alpha", {"multipath_ll.txt": failed})
    assert codes(found("LS007", a)) == [("LS007", "multipath_ll.txt", 6)]
    assert found("LS007", node(tmp_path / "b", "alpha", {"multipath_ll.txt": MPLL})) == []


def _session(sid: int, portal: str, lun_disk: str, state: str = "LOGGED_IN") -> str:
    return (
        f"\tCurrent Portal: {portal}:3260,1\n"
        "\t\tIface Initiatorname: iqn.2026-11.net.example:alpha\n"
        f"\t\tSID: {sid}\n\t\tiSCSI Session State: {state}\n"
        f"\t\tscsi{sid + 2} Channel 00 Id 0 Lun: 1\n"
        f"\t\t\tAttached scsi disk {lun_disk}\t\tState: running\n"
    )


SESSIONS = (
    "Target: iqn.2026-11.net.example:san1.web (non-flash)\n"
    + _session(1, "192.168.20.1", "sdb")
    + _session(2, "192.168.21.1", "sdc")
)
IETD = "Target iqn.2026-11.net.example:san1.web\n\tLun 1 Path=/dev/vg/web,Type=blockio\n"


def test_ls008_fewer_paths_than_sessions(tmp_path: Path) -> None:
    one_path = MPLL.split("`-+-")[0].replace("| `-", "`-")
    a = node(
        tmp_path / "a", "alpha", {"multipath_ll.txt": one_path, "iscsiadm_session.txt": SESSIONS}
    )
    assert codes(found("LS008", a)) == [("LS008", "multipath_ll.txt", 1)]
    b = node(tmp_path / "b", "alpha", {"multipath_ll.txt": MPLL, "iscsiadm_session.txt": SESSIONS})
    assert found("LS008", b) == []


def test_ls009_configured_target_without_session(tmp_path: Path) -> None:
    san = tree(
        tmp_path / "a",
        "san1",
        {
            "etc/hostname": "san1\n",
            "etc/ietd.conf": IETD
            + "Target iqn.2026-11.net.example:san1.db\n\tLun 0 Path=/dev/vg/db,Type=blockio\n",
        },
    )
    a = node(tmp_path / "a", "alpha", {"iscsiadm_session.txt": SESSIONS})
    rows = found("LS009", a, san)
    assert codes(rows) == [("LS009", "iscsiadm_session.txt", 1)]
    san_ok = tree(tmp_path / "b", "san1", {"etc/hostname": "san1\n", "etc/ietd.conf": IETD})
    b = node(tmp_path / "b", "alpha", {"iscsiadm_session.txt": SESSIONS})
    assert found("LS009", b, san_ok) == []
    # the target box's own capture: it exports the target, it does not log in to it
    box = tree(
        tmp_path / "c",
        "san1",
        {
            "etc/hostname": "san1\n",
            "etc/ietd.conf": IETD,
            STATE + "iscsiadm_session.txt": "iscsiadm: No active sessions.\n",
        },
    )
    assert found("LS009", box) == []


def test_ls009_reads_the_ietd_conf_ietd_reads(tmp_path: Path) -> None:
    """A lenny-era /etc/ietd.conf left beside /etc/iet/ietd.conf is never read by IET
    1.4 (usr/plain.c plain_init opens /etc/iet/ietd.conf first): its old target is not
    a configured one, so no initiator is told to log in to it."""
    stale = (
        IETD + "Target iqn.2026-11.net.example:san1.old\n\tLun 0 Path=/dev/vg/old,Type=blockio\n"
    )
    san = tree(
        tmp_path,
        "san1",
        {"etc/hostname": "san1\n", "etc/iet/ietd.conf": IETD, "etc/ietd.conf": stale},
    )
    a = node(tmp_path, "alpha", {"iscsiadm_session.txt": SESSIONS})
    assert found("LS009", a, san) == []


def test_ls010_session_to_a_target_no_config_names(tmp_path: Path) -> None:
    san = tree(
        tmp_path / "a",
        "san1",
        {"etc/hostname": "san1\n", "etc/ietd.conf": IETD.replace("san1.web", "san1.pool")},
    )
    a = node(tmp_path / "a", "alpha", {"iscsiadm_session.txt": SESSIONS})
    assert codes(found("LS010", a, san)) == [
        ("LS010", "iscsiadm_session.txt", 1),
        ("LS010", "iscsiadm_session.txt", 8),  # the second portal's session
    ]
    san_ok = tree(tmp_path / "b", "san1", {"etc/hostname": "san1\n", "etc/ietd.conf": IETD})
    assert (
        found("LS010", node(tmp_path / "b", "alpha", {"iscsiadm_session.txt": SESSIONS}), san_ok)
        == []
    )
    # no target configuration in the run (an external SAN): no verdict
    assert found("LS010", node(tmp_path / "c", "alpha", {"iscsiadm_session.txt": SESSIONS})) == []


def test_ls011_cib_on_disk_not_the_running_one(tmp_path: Path) -> None:
    a = node(tmp_path / "a", "alpha", {"cibadmin_q.txt": CIB % 9})
    assert codes(found("LS011", a)) == [("LS011", "cib.xml", 1)]
    assert found("LS011", node(tmp_path / "b", "alpha", {"cibadmin_q.txt": CIB % 5})) == []


XL = (
    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
    "Domain-0                                     0  1024     2     r-----    10.0\n%s"
)
WEB = "web                                          3   512     1     -b----     9.0\n"


def test_ls012_domu_no_cib_resource_manages(tmp_path: Path) -> None:
    test = "test                                         4   256     1     -b----     1.0\n"
    a = node(tmp_path / "a", "alpha", {"xl_list.txt": XL % (WEB + test)})
    assert codes(found("LS012", a)) == [("LS012", "xl_list.txt", 4)]
    assert found("LS012", node(tmp_path / "b", "alpha", {"xl_list.txt": XL % WEB})) == []


def test_ls013_domu_running_on_two_nodes(tmp_path: Path) -> None:
    a = node(tmp_path / "bad", "alpha", {"xl_list.txt": XL % WEB})
    b = node(tmp_path / "bad", "beta", {"xl_list.txt": XL % WEB})
    assert codes(found("LS013", a, b)) == [("LS013", "xl_list.txt", 3)]
    paused = WEB.replace("-b----", "--p---")  # the target of a live migration
    b2 = node(tmp_path / "ok", "beta", {"xl_list.txt": XL % paused})
    a2 = node(tmp_path / "ok", "alpha", {"xl_list.txt": XL % WEB})
    assert found("LS013", a2, b2) == []
    # another heartbeat cluster of the run may have its own guest of that name
    other = {
        "etc/ha.d/ha.cf": "node gamma delta\nbcast eth1\n",
        "var/lib/heartbeat/crm/cib.xml": (CIB % 5)
        .replace("alpha", "gamma")
        .replace("beta", "delta"),
        "etc/drbd.conf": (DRBD % "").replace("alpha", "gamma").replace("beta", "delta"),
    }
    a3 = node(tmp_path / "two", "alpha", {"xl_list.txt": XL % WEB})
    g3 = node(tmp_path / "two", "gamma", {"xl_list.txt": XL % WEB}, **other)
    assert found("LS013", a3, g3) == []


IP = (
    "1: lo    inet 127.0.0.1/8 scope host lo\n"
    "2: eth1    inet %s/24 brd 10.0.0.255 scope global eth1\n"
)


def test_ls014_address_not_held(tmp_path: Path) -> None:
    a = node(tmp_path / "a", "alpha", {"ip_addr.txt": IP % "10.0.1.1"})
    assert codes(found("LS014", a)) == [("LS014", "drbd.conf", 3), ("LS014", "drbd.conf", 9)]
    assert found("LS014", node(tmp_path / "b", "alpha", {"ip_addr.txt": IP % "10.0.0.1"})) == []
    # beta's ha.cf sends heartbeats to 10.0.0.1, alpha's address by /etc/hosts
    hosts = {"etc/hosts": "10.0.0.1 alpha\n10.0.0.2 beta\n"}
    ucast = {"etc/ha.d/ha.cf": HACF + "ucast eth1 10.0.0.1\n", **hosts}
    a = node(tmp_path / "c", "alpha", {"ip_addr.txt": IP % "10.0.1.1"}, **hosts)
    b = node(tmp_path / "c", "beta", {}, **ucast)
    rows = [r for r in found("LS014", a, b) if r[1] == "ha.cf"]
    assert codes(rows) == [("LS014", "ha.cf", 3)]
    a2 = node(tmp_path / "d", "alpha", {"ip_addr.txt": IP % "10.0.0.1"}, **hosts)
    b2 = node(tmp_path / "d", "beta", {}, **ucast)
    assert found("LS014", a2, b2) == []


def test_ls014_xend_relocation_address_not_held(tmp_path: Path) -> None:
    """xend binds ``xend-relocation-address`` as it starts (relocate.py
    ``listenRelocation`` -> tcp.py ``TCPListener.createSocket``: ``sock.bind((interface,
    port))``); a bind error ends xend (SrvDaemon.py ``run``: "Exception starting xend",
    exit 1). '' is every address (XendOptions.py's default), as 0.0.0.0 is."""
    ip = IP % "10.0.0.1"
    sxp = "(xend-relocation-server yes)\n(xend-relocation-address '%s')\n"
    bad = node(
        tmp_path / "a",
        "alpha",
        {"ip_addr.txt": ip},
        **{"etc/xen/xend-config.sxp": sxp % "10.0.0.5"},
    )
    assert codes(found("LS014", bad)) == [("LS014", "xend-config.sxp", 2)]
    (message,) = _messages("LS014", bad)
    assert "alpha does not hold 10.0.0.5 (xend's relocation server binds it)" in message
    # a name: what the node's /etc/hosts gives it
    named = {"etc/xen/xend-config.sxp": sxp % "alpha-mig", "etc/hosts": "10.0.0.5 alpha-mig\n"}
    b = node(tmp_path / "b", "alpha", {"ip_addr.txt": ip}, **named)
    assert codes(found("LS014", b)) == [("LS014", "xend-config.sxp", 2)]
    assert (
        "10.0.0.5 (xend's relocation server binds it ('alpha-mig' by /etc/hosts))"
        in (_messages("LS014", b)[0])
    )
    held = IP % "10.0.0.1" + "3: eth2    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth2\n"
    for i, (state, value) in enumerate(
        [(held, "10.0.0.5"), (ip, ""), (ip, "0.0.0.0"), (ip, "::"), (ip, "localhost")]
    ):
        ok = node(
            tmp_path / f"ok{i}",
            "alpha",
            {"ip_addr.txt": state},
            **{"etc/xen/xend-config.sxp": sxp % value},
        )
        assert found("LS014", ok) == [], value
    # the relocation server off (XendOptions.py's default): nothing is bound
    off = {"etc/xen/xend-config.sxp": "(xend-relocation-address '10.0.0.5')\n"}
    assert found("LS014", node(tmp_path / "off", "alpha", {"ip_addr.txt": ip}, **off)) == []


def test_ls015_uname_not_the_node_name(tmp_path: Path) -> None:
    a = node(tmp_path / "a", "alpha", {"uname_n.txt": "localhost\n"})
    (message,) = _messages("LS015", a)
    assert message.endswith("which drbd, ha.cf, cib do(es) not name (they name alpha, beta)")
    assert found("LS015", node(tmp_path / "b", "alpha", {"uname_n.txt": "alpha\n"})) == []


def test_a_saved_error_message_is_no_state(tmp_path: Path) -> None:
    """A sosreport keeps what a command printed even when it failed: such text is not
    read as "nothing runs" (no resources, no sessions, no addresses)."""
    refused = {
        "drbdadm_status.txt": "Command 'drbdsetup status' terminated with exit code 20\n",
        "iscsiadm_session.txt": "iscsiadm: can not connect to iSCSI daemon (111)!\n",
        "ip_addr.txt": "Cannot open netlink socket: Permission denied\n",
    }
    san = tree(tmp_path, "san1", {"etc/hostname": "san1\n", "etc/ietd.conf": IETD})
    a = node(tmp_path, "alpha", refused)
    for code in ("LS001", "LS009", "LS014"):
        assert found(code, a, san) == [], code
    # while "No active sessions." is a real answer
    a2 = node(tmp_path / "b", "alpha", {"iscsiadm_session.txt": "iscsiadm: No active sessions.\n"})
    san2 = tree(tmp_path / "b", "san1", {"etc/hostname": "san1\n", "etc/ietd.conf": IETD})
    assert [r[0] for r in found("LS009", a2, san2)] == ["LS009"]


BINDINGS_HEADER = "# Multipath bindings, Version : 1.0\n# alias wwid\n#\n"
UFN = "defaults {\n  user_friendly_names yes\n}\n"
WWID_WEB = "3600a0b800026105a0000038d4f4e4a4e"


def test_ls006_a_map_named_by_the_bindings_file_is_no_drift(tmp_path: Path) -> None:
    """With user_friendly_names a map multipath.conf gives no alias is named from
    /etc/multipath/bindings (alias.c ``get_user_friendly_alias``: the WWID's binding,
    which a ``reconfigure`` gives the map back): running under that name is no drift;
    under another name, or a name the file gives another WWID, it is."""
    mpatha = MPLL.replace("web (", "mpatha (")

    def run(sub: str, bindings: str, ll: str, conf: str = UFN) -> list[str]:
        root = node(
            tmp_path / sub,
            "alpha",
            {"multipath_ll.txt": ll},
            **{"etc/multipath.conf": conf, "etc/multipath/bindings": BINDINGS_HEADER + bindings},
        )
        return _messages("LS006", root)

    assert run("named", f"mpatha {WWID_WEB}\n", mpatha) == []
    assert run("second", f"mpathb {WWID_WEB}\nmpatha {WWID_WEB}\n", mpatha) == []
    [renamed] = run("renamed", f"mpathb {WWID_WEB}\n", mpatha)
    assert "runs as 'mpatha'" in renamed and "names it 'mpathb'" in renamed
    [other] = run("other", "mpatha 3600a0b800026105a0000038d4f4e4a99\n", mpatha)
    assert "gives that name to 3600a0b800026105a0000038d4f4e4a99" in other
    # without user_friendly_names multipathd never reads the file
    assert run("off", f"mpathb {WWID_WEB}\n", mpatha, conf="defaults {\n}\n") == []
    # multipath.conf's alias still wins over the file
    assert len(run("conf", f"mpatha {WWID_WEB}\n", mpatha, conf=UFN + MPCONF)) == 1
