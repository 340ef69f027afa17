"""Captures in the layouts and versions the real tools write, and the drift verdicts on
them: a sosreport of sos 1.x-2.x (RHEL 5/6) and of sos 3/4, a supportconfig of SLES 10/11
and of today, DRBD 8.3/8.4/9 status, multipath-tools 0.4.7/0.4.8/0.4.9+ ``multipath -ll``.
Each test names the tool source line (or document) behind the shape it feeds; the texts
are ours (tests/fixtures/live-captures/, tests/fixtures/*/valid/)."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES
from lintkit import tree
from xencfg import discover, lint
from xencfg.formats.status import crm_mon, drbd_status, multipath_ll

CAP = FIXTURES / "live-captures"

DRBD_CONF = """resource web {
  protocol C;
  on alpha { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }
}
resource db {
  protocol C;
  on alpha { device /dev/drbd1; disk /dev/sda6; address 10.0.0.1:7789; meta-disk internal; }
  on beta { device /dev/drbd1; disk /dev/sda6; address 10.0.0.2:7789; meta-disk internal; }
}
"""

MULTIPATH_CONF = """defaults {
  user_friendly_names yes
}
multipaths {
  multipath {
    wwid 1494554000000000000000000010000009b0100000f000000
    alias vmstore
  }
}
"""

CIB = """<cib admin_epoch="0" epoch="7" num_updates="0" validate-with="pacemaker-1.0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="a" uname="alpha" type="normal"/><node id="b" uname="beta" type="normal"/>
    </nodes>
    <resources>
      <master id="ms-web">
        <primitive id="drbd-web" class="ocf" provider="linbit" type="drbd">
          <instance_attributes id="drbd-web-ia">
            <nvpair id="drbd-web-res" name="drbd_resource" value="web"/>
          </instance_attributes>
        </primitive>
      </master>
      <master id="ms-db">
        <primitive id="drbd-db" class="ocf" provider="linbit" type="drbd">
          <instance_attributes id="drbd-db-ia">
            <nvpair id="drbd-db-res" name="drbd_resource" value="db"/>
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

DOMU = 'name = "web"\nmemory = 512\ndisk = ["phy:/dev/drbd0,xvda,w"]\n'

IP_O_ADDR = (
    "1: lo    inet 127.0.0.1/8 scope host lo\n"
    "2: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0\n"
    "3: eth1    inet 10.0.1.1/24 brd 10.0.1.255 scope global eth1\n"
)


def cap(name: str) -> str:
    return (CAP / name).read_text()


def ls_codes(*roots: Path) -> list[tuple[str, str]]:
    """(code, message) of every drift finding over the trees."""
    result = lint.run([str(r) for r in roots], select=["LS"])
    return [(f.code, f.message) for f in result.findings]


def formats_of(root: Path) -> dict[str, str]:
    found = discover.discover([str(root)])
    (node,) = found.nodes
    return {f.display.rsplit("/", 1)[-1]: f.format for f in node.files if f.format}


# -- DRBD status forms ------------------------------------------------------------


def test_drbdadm_status_xml_of_drbd_83_and_84() -> None:
    """drbd 8.3/8.4 ``drbdadm status`` is XML: drbdadm's adm_status_xml prints
    ``<drbd-status version=.. api=..>``/``<resources config_file=..>``, drbdsetup's
    status_xml_scmd one ``<resource minor= name= cs= ro1= ro2= ds1= ds2=`` per device
    (8.4 adds ``conn_name=`` and ``volume=``), ``cs="Unconfigured"`` for a device
    that is down, bare ``suspended``/``user_isp`` flags and ``resynced_percent=``."""
    d83 = xencfg.load(FIXTURES / "drbd-status" / "valid" / "drbd83-status.xml", "drbd-status")
    assert isinstance(d83, drbd_status.DrbdStatusDocument)
    assert [r.name for r in d83.resources] == ["web", "db"]  # "old" is Unconfigured
    web, db = d83.resources
    assert (web.role, web.disks, web.connections[0].state) == ("Primary", ["UpToDate"], "Connected")
    c = db.connections[0]
    assert (c.state, c.peer_role, c.volumes[0].peer_disk, c.volumes[0].done) == (
        "SyncSource",
        "Secondary",
        "Inconsistent",
        37.5,
    )
    d84 = xencfg.load(FIXTURES / "drbd-status" / "valid" / "drbd84-status.xml", "drbd-status")
    web, db = d84.resources
    assert [(v.volume, v.minor, v.disk) for v in web.volumes] == [
        (0, 0, "UpToDate"),
        (1, 1, "UpToDate"),
    ]
    # the resource's connection takes its worst device's state
    assert (web.connections[0].peer, web.connections[0].state) == ("beta", "WFConnection")
    assert (db.connections[0].state, db.suspended) == ("StandAlone", "yes")
    text = (FIXTURES / "drbd-status" / "valid" / "drbd83-status.xml").read_text()
    assert drbd_status.sniff(text) and xencfg.dumps(d83) == text


def test_drbdsetup_status_verbose_statistics() -> None:
    """sos 4's drbd plugin runs ``drbdsetup status -vs all`` (plugins/drbd.py): node-id,
    quorum and counters (``size: read: written:``, ``received: sent:``) are extra
    words and lines the model does not need; roles and states are the same."""
    doc = xencfg.load(FIXTURES / "drbd-status" / "valid" / "drbdsetup-status-vs.txt", "drbd-status")
    web, db = doc.resources
    assert (web.role, web.disks, web.connections[0].peer, web.connections[0].state) == (
        "Primary",
        ["UpToDate"],
        "beta",
        "Connected",
    )
    assert web.connections[0].volumes[0].peer_disk == "UpToDate"
    assert (db.connections[0].state, db.connections[0].volumes[0].replication) == (
        "Connecting",
        "Off",
    )


def _drbd_node(tmp: Path, name: str, state: dict[str, str]) -> Path:
    files = {
        "etc/hostname": f"{name}\n",
        "etc/drbd.conf": DRBD_CONF,
        "var/lib/heartbeat/crm/cib.xml": CIB,
        "etc/xen/vm/web": DOMU,
    }
    files.update({f"var/lib/xencfg/state/{k}": v for k, v in state.items()})
    return tree(tmp, name, files)


def test_drbd9_proc_drbd_alone_says_nothing_of_resources(tmp_path: Path) -> None:
    """DRBD 9's /proc/drbd shows the version and transports only (DRBD 9 user's guide,
    "Retrieving status information": use drbdadm status); with no ``drbdadm status``
    captured (drbd-utils missing) no resource is "not running"."""
    nine = _drbd_node(tmp_path / "a", "alpha", {"proc_drbd.txt": cap("proc-drbd-9.txt")})
    assert ls_codes(nine) == []
    # an 8.x /proc/drbd without the resource's minor still is a verdict
    only_web = cap("proc-drbd-8.3.txt").split(" 1: ")[0]
    eight = _drbd_node(tmp_path / "b", "alpha", {"proc_drbd.txt": only_web})
    assert [c for c, _ in ls_codes(eight)] == ["LS001"]


def test_drbd83_xml_status_verdicts(tmp_path: Path) -> None:
    """The 8.3 XML status agrees with the files: no finding; a StandAlone device is
    LS003, a WFConnection one LS002, an Unconfigured one LS001 (drbdsetup prints
    ``cs="Unconfigured"`` for a minor with no disk and no connection)."""
    good = _drbd_node(
        tmp_path / "a", "alpha", {"drbdadm_status.txt": cap("drbdadm-status-8.3.xml")}
    )
    assert ls_codes(good) == []
    bad_text = (
        cap("drbdadm-status-8.3.xml")
        .replace('name="web" cs="Connected"', 'name="web" cs="StandAlone"')
        .replace(
            '<resource minor="1" name="db" cs="Connected" ro1="Secondary" ro2="Primary" '
            'ds1="UpToDate" ds2="UpToDate" />',
            '<resource minor="1" name="db" cs="Unconfigured" />',
        )
    )
    bad = _drbd_node(tmp_path / "b", "alpha", {"drbdadm_status.txt": bad_text})
    assert sorted(c for c, _ in ls_codes(bad)) == ["LS001", "LS003"]
    waiting = cap("drbdadm-status-8.3.xml").replace(
        'name="web" cs="Connected" ro1="Primary" ro2="Secondary" ds1="UpToDate" ds2="UpToDate"',
        'name="web" cs="WFConnection" ro1="Primary" ro2="Unknown" ds1="UpToDate" ds2="DUnknown"',
    )
    w = _drbd_node(tmp_path / "c", "alpha", {"drbdadm_status.txt": waiting})
    assert ls_codes(w) == [("LS002", "DRBD resource 'web' on alpha: connection WFConnection")]


# -- multipath -ll of each multipath-tools --------------------------------------------


def test_multipath_ll_0_4_7_header_has_no_dm_name() -> None:
    """multipath-tools 0.4.7 libmultipath/print.c snprint_multipath_topology: the header
    is ``%n`` plus `` (%w)`` when the alias is not the WWID, nothing else; then
    ``[size=%S][features=%f][hwhandler=%h]`` (0.4.7's snprint_size: ``20 GB``),
    ``\\_ %s [prio=%p]%t`` and `` \\_ %i %d %D %t%T``. 0.4.8 adds ``%d`` and vendor."""
    path = FIXTURES / "multipath-ll" / "no-dm-name" / "multipath-0.4.7.txt"
    text = path.read_text()
    assert multipath_ll.sniff(text)
    doc = xencfg.load(path, "multipath-ll")
    assert isinstance(doc, multipath_ll.MultipathLlDocument)
    assert [(m.alias, m.wwid, m.dm, m.size, m.line) for m in doc.maps] == [
        ("mpath0", "3600a0b80000f4b3a000004614a3eaa4c", None, "20 GB", 1),
        (
            "3600a0b80000f4b3a0000046e4a3eab1d",
            "3600a0b80000f4b3a0000046e4a3eab1d",
            None,
            "10 GB",
            8,
        ),
    ]
    assert doc.maps[0].queue_if_no_path and doc.maps[0].hwhandler == "1 rdac"
    assert [(p.device, p.ok) for m in doc.maps for p in m.paths] == [
        ("sdc", True),
        ("sdb", True),  # ghost: a standby path of an RDAC array
        ("sdd", False),
    ]
    assert doc.unparsed == [] and xencfg.dumps(doc) == text
    eight = xencfg.load(FIXTURES / "multipath-ll" / "valid" / "multipath-0.4.8.txt", "multipath-ll")
    (m,) = eight.maps
    assert (m.alias, m.dm, m.vendor, m.product, m.size) == (
        "web",
        "dm-1",
        "IBM",
        "1815      FAStT",
        "20G",
    )


def test_multipath_v4_debug_lines_are_not_maps() -> None:
    """``multipath -v4 -ll`` (what sos 1.x/2.x's devicemapper plugin ran) prints its
    debug lines and the ``paths list`` table before the topology: only the topology
    makes maps and paths."""
    doc = multipath_ll.parse(cap("multipath-v4-ll-0.4.7.txt"))
    (m,) = doc.maps
    assert (m.alias, m.wwid, m.dm, [p.device for p in m.paths]) == (
        "vmstore",
        "1494554000000000000000000010000009b0100000f000000",
        None,
        ["sda", "sdb"],
    )


# -- sosreport layouts ------------------------------------------------------------------


def _sos_etc() -> dict[str, str]:
    return {
        "etc/drbd.conf": DRBD_CONF,
        "etc/multipath.conf": MULTIPATH_CONF,
        "etc/xen/vm/web": DOMU,
        "var/lib/heartbeat/crm/cib.xml": CIB,
    }


def test_sosreport_of_sos_1_and_2(tmp_path: Path) -> None:
    """RHEL 5's sos: no etc/hostname (RHEL keeps it in sysconfig/network), the name from
    general/hostname (general.py ``hostname``); ``multipath -v4 -ll`` in the
    devicemapper plugin (devicemapper.py, 2007-2013), ``xm list`` in xen.py, ``ip -o
    addr`` in networking.py, /proc/drbd copied. State agreeing with the files: no
    drift finding."""
    files = _sos_etc() | {
        "sos_commands/general/hostname": "alpha\n",
        "sos_commands/kernel/uname_-a": "Linux alpha 2.6.18-348.el5xen #1 SMP x86_64 GNU/Linux\n",
        "sos_commands/devicemapper/multipath_-v4_-ll": cap("multipath-v4-ll-0.4.7.txt"),
        "sos_commands/devicemapper/dmsetup_table": "vmstore: 0 83886080 multipath 0 0 1 1\n",
        "sos_commands/xen/xm_list": cap("xm-list.txt"),
        "sos_commands/xen/xm_list_--long": "(domain (domid 0) (name Domain-0))\n",
        "sos_commands/networking/ip_-o_addr": IP_O_ADDR,
        "proc/drbd": cap("proc-drbd-8.3.txt"),
    }
    root = tree(tmp_path, "sosreport-alpha.1234567-20261128", files)
    got = formats_of(root)
    assert {
        k: v for k, v in got.items() if k not in ("drbd.conf", "multipath.conf", "web", "cib.xml")
    } == {
        "hostname": "uname",
        "uname_-a": "uname",
        "multipath_-v4_-ll": "multipath-ll",
        "xm_list": "xl-list",
        "ip_-o_addr": "ip-addr",
        "drbd": "proc-drbd",
    }
    found = discover.discover([str(root)])
    assert found.nodes[0].name == "alpha"
    assert ls_codes(root) == []
    # the bindings disagree: the map of that WWID runs under another name
    renamed = tree(
        tmp_path,
        "sosreport-alpha-renamed",
        files
        | {
            "sos_commands/devicemapper/multipath_-v4_-ll": cap("multipath-v4-ll-0.4.7.txt").replace(
                "vmstore (", "mpath0 ("
            )
        },
    )
    assert ls_codes(renamed) == [
        (
            "LS006",
            "map of WWID 1494554000000000000000000010000009b0100000f000000 runs as 'mpath0' "
            "on alpha; multipath.conf names it 'vmstore'",
        )
    ]


def test_sosreport_of_sos_4_reads_multipath_once(tmp_path: Path) -> None:
    """sos 4's multipath plugin runs both ``multipath -ll`` and ``multipath -v4 -ll``
    (plugins/multipath.py); names are mangled by _mangle_command (``[^\\w\\-\\./]+`` ->
    ``_``). The -v4 copy is not read beside the plain one: a failed path is one
    finding, not two. ``drbdsetup status -vs all`` is the DRBD state; ``crm_mon -1 -A
    -n -r -t`` (text) is not read as XML."""
    ll = (
        "vmstore (1494554000000000000000000010000009b0100000f000000) dm-2 IET,VIRTUAL-DISK\n"
        "size=40G features='1 queue_if_no_path' hwhandler='0' wp=rw\n"
        "`-+- policy='service-time 0' prio=1 status=active\n"
        "  |- 1:0:0:1 sda 8:0  active ready running\n"
        "  `- 2:0:0:1 sdb 8:16 failed faulty running\n"
    )
    status = (
        "web role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n\n"
        "db role:Secondary\n  disk:UpToDate\n  beta role:Primary\n    peer-disk:UpToDate\n"
    )
    files = _sos_etc() | {
        "etc/hostname": "alpha\n",
        "sos_commands/multipath/multipath_-ll": ll,
        "sos_commands/multipath/multipath_-v4_-ll": "Dec 06 10:00:00 | loading checkers\n" + ll,
        "sos_commands/multipath/multipath_-t": "defaults {\n}\n",
        "sos_commands/drbd/drbdsetup_status_-vs_all": status,
        "sos_commands/drbd/drbdadm_dump": DRBD_CONF,
        "sos_commands/pacemaker/crm_mon_-1_-A_-n_-r_-t": "Cluster Summary:\n  * Stack: corosync\n",
        "sos_commands/networking/ip_-o_addr": IP_O_ADDR,
        "sos_commands/networking/ip_address": "2: eth0: <UP>\n    inet 10.0.0.1/24 brd +\n",
        "proc/drbd": cap("proc-drbd-9.txt"),
    }
    root = tree(tmp_path, "sosreport-alpha-2026-11-28-xkqzvbn", files)
    got = formats_of(root)
    assert got["multipath_-ll"] == "multipath-ll" and "multipath_-v4_-ll" not in got
    assert got["drbdsetup_status_-vs_all"] == "drbd-status"
    assert "crm_mon_-1_-A_-n_-r_-t" not in got and "drbdadm_dump" not in got
    assert ls_codes(root) == [("LS007", "path sdb of map 'vmstore' is failed/faulty")]


# -- supportconfig layouts ---------------------------------------------------------------


def _section(kind: str, header: str, body: str) -> str:
    banner = {
        "command": "#==[ Command ]======================================#",
        "conf": "#==[ Configuration File ]===========================#",
    }[kind]
    return f"{banner}\n# {header}\n{body}\n"


def test_supportconfig_of_sles10_with_xm_and_multipath_047(tmp_path: Path) -> None:
    """supportconfig 2.25 (SLES 10/11, scripts/supportconfig): log_cmd writes the
    ``#==[ Command ]==#`` banner, ``# /full/path args`` and the output; conf_files
    the ``#==[ Configuration File ]==#`` banner and ``# /path`` with comments and blank
    lines removed. xen.txt has ``xm list`` and ``xm list -l``, mpio.txt ``multipath
    -ll`` of 0.4.7, fs-iscsi.txt ``iscsiadm -m session``; drbd.txt has no state then."""
    ll = (CAP.parent / "multipath-ll" / "no-dm-name" / "multipath-0.4.7.txt").read_text()
    ll = ll.replace(
        "mpath0 (3600a0b80000f4b3a000004614a3eaa4c)",
        "vmstore (1494554000000000000000000010000009b0100000f000000)",
    )
    files = {
        "supportconfig.txt": "Script Version: 2.25-390.3\n",
        "basic-environment.txt": _section(
            "command", "/bin/uname -a", "Linux alpha 2.6.16.60-0.21-xen #1 SMP x86_64 GNU/Linux"
        ),
        "drbd.txt": _section("conf", "/etc/drbd.conf", DRBD_CONF),
        "mpio.txt": _section("command", "/sbin/multipath -ll", ll)
        + _section("conf", "/etc/multipath.conf", MULTIPATH_CONF),
        "xen.txt": _section("command", "/usr/sbin/xm list", cap("xm-list.txt"))
        + _section("conf", "/etc/xen/vm/web", DOMU)
        + _section("command", "/usr/sbin/xm list -l", "(domain (domid 3) (name web))"),
        "ha.txt": _section(
            "command", "/usr/sbin/crm_mon -r -1", "Last updated: Sat Nov 28 09:00:01 2026\n"
        )
        + _section("command", "/usr/sbin/cibadmin -Q", CIB),
        "network.txt": _section(
            "command",
            "/sbin/ip addr",
            "2: eth0: <UP>\n    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0",
        ),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    got = {k.rsplit("#", 1)[1]: v for k, v in formats_of_sc(root).items()}
    assert got == {
        "bin_uname_-a": "uname",
        "etc_drbd.conf": "drbd",
        "sbin_multipath_-ll": "multipath-ll",
        "etc_multipath.conf": "multipath",
        "usr_sbin_xm_list": "xl-list",
        "etc_xen_vm_web": "xm",
        "usr_sbin_cibadmin_-Q": "cib-live",
        "sbin_ip_addr": "ip-addr",
    }
    codes = ls_codes(root)
    # the second map is failed on its only path; nothing else disagrees
    assert codes == [
        ("LS007", "path sdd of map '3600a0b80000f4b3a0000046e4a3eab1d' is failed/faulty")
    ]
    # plain ``ip addr`` (network.txt has no ``-o``) is state too: renumbered eth0
    moved = tree(
        tmp_path / "moved",
        "scc_alpha_261128_0900",
        files | {"network.txt": files["network.txt"].replace("10.0.0.1/24", "10.0.9.1/24")},
    )
    assert sorted(c for c, _ in ls_codes(moved)) == ["LS007", "LS014", "LS014"]


def test_supportconfig_findings_give_the_lines_of_the_file(tmp_path: Path) -> None:
    """A section is read alone, not padded with the empty lines before it (a file of
    many sections then cost quadratic time: bench/pathological.py's "supportconfig of
    many sections"); its findings still give the line of the file (mpio.txt), and a
    baseline fingerprint reads the same line as over the whole file."""
    from xencfg.lint import baseline

    ll = (CAP.parent / "multipath-ll" / "no-dm-name" / "multipath-0.4.7.txt").read_text()
    files = {
        "supportconfig.txt": "Script Version: 2.25-390.3\n",
        "basic-environment.txt": _section(
            "command", "/bin/uname -a", "Linux alpha 2.6.16.60-0.21-xen #1 SMP x86_64 GNU/Linux"
        ),
        "mpio.txt": _section("conf", "/etc/multipath.conf", MULTIPATH_CONF)
        + _section("command", "/sbin/multipath -ll", ll),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    result = lint.run([str(root)], select=["LS007"])
    (f,) = result.findings
    whole = (root / "mpio.txt").read_text()
    section = result.texts[f.path]
    shift = result.first_lines[f.path] - 1
    assert shift > len(MULTIPATH_CONF.splitlines())
    assert "sdd" in whole.splitlines()[f.line - 1]
    assert whole.splitlines()[f.line - 1] == section.splitlines()[f.line - 1 - shift]
    padded = {f.path: "\n" * shift + section}
    assert baseline.fingerprints([f], result.texts, tmp_path, result.first_lines) == (
        baseline.fingerprints([f], padded, tmp_path)
    )


def test_supportconfig_command_logged_twice_is_two_documents(tmp_path: Path) -> None:
    """network.txt with ``ip addr`` logged twice (eth0, then eth1): each section is
    its own document with its own text and lines, the second named ``...~2``; one
    name for both once gave both the text of the last, and eth0's address was lost."""
    cmd = "#==[ Command ]======================================#\n"
    files = {
        "supportconfig.txt": "Script Version: 3.1\n",
        "basic-environment.txt": cmd + "# /bin/uname -a\nLinux alpha 4.12 #1 SMP x86_64\n",
        "network.txt": cmd
        + "# /sbin/ip addr\n2: eth0    inet 10.0.0.1/24 scope global eth0\n\n"
        + cmd
        + "# /sbin/ip addr\n3: eth1    inet 10.0.1.1/24 scope global eth1\n",
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    result = lint.run([str(root)])
    got = [
        (i.file.display.rsplit("#", 1)[1], i.file.first_line, [a.address for a in i.doc.addresses])
        for i in result.cluster.docs("ip-addr")
    ]
    assert got == [("sbin_ip_addr", 3, ["10.0.0.1"]), ("sbin_ip_addr~2", 7, ["10.0.1.1"])]


def formats_of_sc(root: Path) -> dict[str, str]:
    found = discover.discover([str(root)])
    (node,) = found.nodes
    assert node.name == "alpha"
    return {f.display: f.format for f in node.files if f.format}


def test_supportconfig_two_session_listings_one_finding(tmp_path: Path) -> None:
    """Today's supportconfig (bin/supportconfig iscsi_info) logs ``iscsiadm -m
    session`` and ``iscsiadm -m session -P 1`` for each mode: the same session twice.
    A session to a target no configuration names is one LS010 finding."""
    san = tree(
        tmp_path,
        "san1",
        {"etc/hostname": "san1\n", "etc/ietd.conf": "Target iqn.2026-11.net.example:san1.web\n"},
    )
    files = {
        "supportconfig.txt": "Script Version: 3.2.5\n",
        "basic-environment.txt": _section(
            "command", "/usr/bin/uname -a", "Linux alpha 5.14.21 #1 SMP x86_64 GNU/Linux"
        ),
        "fs-iscsi.txt": _section(
            "command",
            "/usr/sbin/iscsiadm -m session",
            "tcp: [1] 10.0.1.10:3260,1 iqn.2026-11.net.example:san1.pool (non-flash)",
        )
        + _section("command", "/usr/sbin/iscsiadm -m session -P 1", cap("iscsiadm-session-P1.txt")),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    result = lint.run([str(root), str(san)], select=["LS010"])
    assert [(f.code, f.path.rsplit("#", 1)[1]) for f in result.findings] == [
        ("LS010", "usr_sbin_iscsiadm_-m_session")
    ]


def test_our_capture_with_both_xl_and_xm_lists_one_finding(tmp_path: Path) -> None:
    """``xencfg capture`` runs ``xl list`` and ``xm list`` (Xen 4.0/4.1 answer both):
    a domU outside the CIB is one LS012 finding."""
    table = (
        cap("xm-list.txt")
        + "test                                       4      256     1 -b----      1.0\n"
    )
    root = _drbd_node(tmp_path, "alpha", {"xl_list.txt": table, "xm_list.txt": table})
    result = lint.run([str(root)], select=["LS012"])
    assert [f.message for f in result.findings] == [
        "domU 'test' runs on alpha but no CIB Xen resource manages it"
    ]


# -- archives ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scc_alpha_261128_0900.txz", "sosreport-alpha-20261128.tar.xz"])
def test_an_unpacked_archive_is_asked_for(tmp_path: Path, name: str) -> None:
    """supportconfig writes ``scc_HOST_DATE.txz`` and sos ``sosreport-HOST-....tar.xz``:
    xencfg reads them unpacked and says so instead of 'format not recognised'."""
    import subprocess
    import sys

    archive = tmp_path / name
    archive.write_bytes(b"\xfd7zXZ\x00\x00")
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "an archive: unpack it" in proc.stderr and "tar xf" in proc.stderr


def test_iscsi_session_state_unknown_is_read_from_the_connection(tmp_path: Path) -> None:
    """open-iscsi session.c prints ``iSCSI Session State: Unknown`` when it cannot read
    the session's sysfs state (RHEL 5's kernels); its ``iSCSI Connection State: LOGGED
    IN`` still says the session is up: no LS009. A FAILED session is one."""
    san = tree(
        tmp_path,
        "san1",
        {"etc/hostname": "san1\n", "etc/ietd.conf": "Target iqn.2026-11.net.example:san1.pool\n"},
    )
    text = cap("iscsiadm-session-P3-2.0-868.txt")
    up = tree(
        tmp_path / "up",
        "sosreport-alpha",
        _sos_etc()
        | {"etc/hostname": "alpha\n", "sos_commands/iscsi/iscsiadm_-m_session_-P_3": text},
    )
    assert lint.run([str(up), str(san)], select=["LS008", "LS009", "LS010"]).findings == []
    failed = text.replace("Session State: Unknown", "Session State: FAILED").replace(
        "Connection State: LOGGED IN", "Connection State: TRANSPORT WAIT"
    )
    down = tree(
        tmp_path / "down",
        "sosreport-alpha",
        _sos_etc()
        | {"etc/hostname": "alpha\n", "sos_commands/iscsi/iscsiadm_-m_session_-P_3": failed},
    )
    result = lint.run([str(down), str(san)], select=["LS009"])
    assert [f.message for f in result.findings] == [
        "alpha's iSCSI session to configured target iqn.2026-11.net.example:san1.pool is not "
        "logged in (session FAILED, connection TRANSPORT WAIT)"
    ]


# -- the CRM's view against the hypervisors' ------------------------------------------

XEN_CIB = CIB.replace(
    "    </resources>",
    """      <primitive id="db" class="ocf" provider="heartbeat" type="Xen">
        <instance_attributes id="db-ia">
          <nvpair id="db-xmfile" name="xmfile" value="/etc/xen/vm/db"/>
        </instance_attributes>
      </primitive>
    </resources>""",
)

XL_HEAD = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
XL_DOM0 = "Domain-0                                     0  1024     2     r-----     812.3\n"


def _xl_row(name: str, domid: int) -> str:
    return f"{name:<40} {domid:5d} {512:5d} {1:5d}     -b----      31.0\n"


def _crm_node(tmp: Path, name: str, mon: str, xl: str) -> Path:
    files = {
        "etc/hostname": f"{name}\n",
        "var/lib/heartbeat/crm/cib.xml": XEN_CIB,
        "etc/xen/vm/web": DOMU,
        "etc/xen/vm/db": DOMU.replace('"web"', '"db"'),
        "var/lib/xencfg/state/crm_mon_xml.txt": mon,
        "var/lib/xencfg/state/xl_list.txt": xl,
    }
    return tree(tmp, name, files)


def test_ls017_domu_where_the_crm_says(tmp_path: Path) -> None:
    """crm_mon's XML (pacemaker ``--output-as=xml``, the shape crm_mon 2.1.5 prints:
    ``<resource id= resource_agent="ocf:heartbeat:Xen" active= managed= failed=>``
    with ``<node name=>`` children) against each node's ``xl list`` (xl's header
    ``Name ID Mem VCPUs<TAB>State<TAB>Time(s)``). Agreeing: nothing; both nodes'
    captures show one cluster, so a disagreement is said once."""
    mon = cap("crm-mon-2.1.xml")
    a = _crm_node(tmp_path, "alpha", mon, XL_HEAD + XL_DOM0 + _xl_row("web", 3))
    b = _crm_node(tmp_path, "beta", mon, XL_HEAD + XL_DOM0 + _xl_row("db", 5))
    assert lint.run([str(a), str(b)], select=["LS012", "LS013", "LS016", "LS017"]).findings == []
    # web died on alpha behind the CRM's back and was started by hand on beta
    b2 = _crm_node(
        tmp_path / "x", "beta", mon, XL_HEAD + XL_DOM0 + _xl_row("db", 5) + _xl_row("web", 6)
    )
    a2 = _crm_node(tmp_path / "x", "alpha", mon, XL_HEAD + XL_DOM0)
    got = sorted(f.message for f in lint.run([str(a2), str(b2)], select=["LS017"]).findings)
    assert got == [
        "domain web runs on beta; the CRM reports its resource 'web' on alpha",
        "the CRM reports Xen resource 'web' started on alpha; alpha's domain list has no "
        "domain web",
    ]
    # a resource the CRM reports stopped, whose domain runs
    stopped = mon.replace(
        'id="db" resource_agent="ocf:heartbeat:Xen" role="Started" active="true"',
        'id="db" resource_agent="ocf:heartbeat:Xen" role="Stopped" active="false"',
    ).replace(
        'nodes_running_on="1">\n      <node name="beta" id="2" cached="true"/>',
        'nodes_running_on="0">',
    )
    b3 = _crm_node(tmp_path / "y", "beta", stopped, XL_HEAD + XL_DOM0 + _xl_row("db", 5))
    got = [f.message for f in lint.run([str(b3)], select=["LS017"]).findings]
    assert got == ["domain db runs on beta; the CRM reports its resource 'db' stopped"]


def test_ls016_failed_resource_once_per_cluster(tmp_path: Path) -> None:
    """crm_mon marks ``failed="true"`` on a resource whose operation failed (as crm_mon
    2.1.5 prints for a start with rc-code 1 in the CIB status); Pacemaker 1.1's
    ``--as-xml`` has the same attribute."""
    mon = cap("crm-mon-2.1.xml").replace(
        'id="db" resource_agent="ocf:heartbeat:Xen" role="Started" active="true" '
        'orphaned="false" blocked="false" managed="true" failed="false"',
        'id="db" resource_agent="ocf:heartbeat:Xen" role="Started" active="true" '
        'orphaned="false" blocked="false" managed="true" failed="true"',
    )
    a = _crm_node(tmp_path, "alpha", mon, XL_HEAD + XL_DOM0 + _xl_row("web", 3))
    b = _crm_node(tmp_path, "beta", mon, XL_HEAD + XL_DOM0 + _xl_row("db", 5))
    result = lint.run([str(a), str(b)], select=["LS016"])
    assert [(f.message, f.line) for f in result.findings] == [
        ("cluster resource 'db' (ocf:heartbeat:Xen) failed on beta", 17)
    ]
    ok = _crm_node(tmp_path / "ok", "alpha", cap("crm-mon-2.1.xml"), XL_HEAD + XL_DOM0)
    assert lint.run([str(ok)], select=["LS016"]).findings == []


def test_supportconfig_without_uname_is_named_after_its_folder(tmp_path: Path) -> None:
    """supportconfig names its folder ``scc_HOST_YYMMDD_HHMM`` (bin/supportconfig; before
    SLES 12 ``nts_HOST_...``): a tree that lost basic-environment.txt still gives the
    state to that host, so its ``on`` sections are found (the drbd.txt of supportconfig
    3.x runs ``cat /proc/drbd``, drbd_info)."""
    conf = DRBD_CONF.replace("alpha", "xen-node1")
    proc = cap("proc-drbd-8.3.txt").replace(
        " 0: cs:Connected ro:Primary/Secondary", " 0: cs:StandAlone ro:Primary/Unknown"
    )
    files = {
        "supportconfig.txt": "Script Version: 3.1.11\n",
        "drbd.txt": _section("command", "/usr/bin/cat /proc/drbd", proc)
        + _section("conf", "/etc/drbd.conf", conf),
    }
    for folder in ("scc_xen-node1_261128_0900", "nts_xen-node1_101128_0900"):
        root = tree(tmp_path, folder, files)
        found = discover.discover([str(root)])
        assert [n.name for n in found.nodes] == ["xen-node1"]
        assert [c for c, _ in ls_codes(root)] == ["LS003"]


def test_multipath_checker_states_of_two_words() -> None:
    """multipath-tools print.c snprint_chk_state prints ``i/o pending`` and ``i/o
    timeout`` (two words) in the path line's checker column, before the sysfs state."""
    doc = multipath_ll.parse(
        "web (3600a0b800026105a0000038d4f4e4a4e) dm-1 IBM,1815      FAStT\n"
        "size=20G features='0' hwhandler='0' wp=rw\n"
        "`-+- policy='service-time 0' prio=50 status=active\n"
        "  |- 1:0:0:1 sdb 8:16 active i/o pending running\n"
        "  `- 2:0:0:1 sdc 8:32 failed i/o timeout offline\n"
    )
    assert [(p.device, p.dm_state, p.path_state, p.online_state) for p in doc.maps[0].paths] == [
        ("sdb", "active", "i/o pending", "running"),
        ("sdc", "failed", "i/o timeout", "offline"),
    ]


def test_a_file_of_a_supportconfig_is_not_linted_as_a_cib(tmp_path: Path) -> None:
    """ha.txt holds ``cibadmin -Q`` XML after its banners (bin/supportconfig ha_info):
    given alone it is no CIB (XC001 "not well-formed" was the answer); lint says to
    give its folder. A folder that lost supportconfig.txt and basic-environment.txt is
    still a supportconfig by its files' banners."""
    import subprocess
    import sys

    ha = _section("command", "/usr/sbin/crm_mon -r -1", "Stack: heartbeat") + _section(
        "command", "/usr/sbin/cibadmin -Q", CIB
    )
    root = tree(
        tmp_path, "part", {"ha.txt": ha, "drbd.txt": _section("conf", "/etc/drbd.conf", DRBD_CONF)}
    )
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", str(root / "ha.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "XC001" not in proc.stdout
    assert "a file of a supportconfig: lint its folder" in proc.stderr
    assert discover.is_node_root(root)
    got = {f.display.rsplit("#", 1)[1]: f.format for f in discover.discover([str(root)]).files()}
    assert got == {"usr_sbin_cibadmin_-Q": "cib-live", "etc_drbd.conf": "drbd"}


# -- crm_mon's text, where sos and supportconfig keep no XML ---------------------------


def _mon(name: str) -> crm_mon.CrmMonDocument:
    doc = xencfg.load(FIXTURES / "crm-mon-xml" / "valid" / name, "crm-mon-xml")
    assert isinstance(doc, crm_mon.CrmMonDocument)
    return doc


def _rows(doc: crm_mon.CrmMonDocument) -> list[tuple[str, str | None, bool, bool, list[str]]]:
    return [(r.id, r.role, r.failed, r.managed, r.nodes) for r in doc.resources]


def test_crm_mon_text_of_pacemaker_1_0_and_heartbeat_2_1() -> None:
    """Pacemaker 1.0's crm_mon (print_status: ``Online: [%s ]``; pengine native_print
    ``"%s%s\\t(%s%s%s:%s):\\t%s %s%s%s"``: role, node, `` (unmanaged)``, `` FAILED``
    last); with ``-n`` the node's line ``Node %s (%s): %s`` and, indented, each
    resource as ``ID\\t(AGENT)`` alone (pe_print_rsconly), heartbeat 2.1's agent
    spelled provider::class:type."""
    one = _mon("pacemaker-1.0-text.txt")
    assert (one.version, one.dc, one.with_quorum) == ("1.0.12", "alpha", True)
    assert [(n.name, n.online) for n in one.nodes] == [("alpha", True), ("beta", True)]
    assert _rows(one) == [
        ("web", "Started", False, True, ["alpha"]),
        ("db", "Started", True, False, ["beta"]),
        ("mail", "Stopped", False, True, []),
        ("drbd-r0:0", "Master", False, True, ["alpha"]),
        ("drbd-r0:1", "Slave", False, True, ["beta"]),
    ]
    hb = _mon("heartbeat-2.1-by-node.txt")
    assert (hb.dc, hb.version) == ("alpha", None)  # the parenthesis is the DC's uuid
    assert _rows(hb) == [
        ("web", "Started", False, True, ["alpha"]),
        ("drbd-r0:0", "Started", False, True, ["alpha"]),
        ("db", "Started", False, True, ["beta"]),
    ]


def test_crm_mon_text_of_pacemaker_1_1_and_2_1_by_node() -> None:
    """Pacemaker 1.1's ``crm_mon -1 -A -n -r`` (sos runs it with ``-t``): ``Node alpha:
    online`` blocks with ``ID\\t(AGENT):\\tState `` lines, then ``Inactive resources:``,
    ``Node Attributes:`` and ``Migration summary:`` (whose ``* Node alpha:`` lines are
    no node list). 2.1 (the shape crm_mon 2.1.5 prints): ``* Node alpha: online:``,
    ``Promoted``/``Unpromoted``, `` FAILED`` for a failed resource (pe native_print:
    ``" FAILED"`` or ``" FAILED %s"`` with the role above Slave)."""
    one = _mon("pacemaker-1.1-A-n-r.txt")
    assert (one.version, [(n.name, n.standby) for n in one.nodes]) == (
        "1.1.12",
        [("alpha", False), ("beta", True)],
    )
    assert _rows(one) == [
        ("web", "Started", False, True, ["alpha"]),
        ("drbd-r0", "Master", False, True, ["alpha"]),
        ("drbd-r0", "Slave", False, True, ["beta"]),
        ("db", "Stopped", False, True, []),
    ]
    two = _mon("pacemaker-2.1-n-r.txt")
    assert (two.version, two.dc) == ("2.1.5", "beta")
    assert _rows(two) == [
        ("web", "Started", False, True, ["alpha"]),
        ("drbd-r0", "Master", False, True, ["alpha"]),
        ("drbd-r0", "Slave", False, True, ["beta"]),
        ("db", "Started", True, True, ["beta"]),
        ("mail", "Stopped", False, True, []),
    ]
    assert crm_mon.sniff(two.source) and not crm_mon.sniff("Connection to cluster failed\n")


def test_sosreport_crm_mon_text_gives_the_crm_verdicts(tmp_path: Path) -> None:
    """sos's pacemaker plugin keeps ``crm_mon -1 -A -n -r -t`` (plugins/pacemaker.py
    setup_crm_mon), text only: LS016/LS017 judge it like the XML."""
    mon = (FIXTURES / "crm-mon-xml" / "valid" / "pacemaker-2.1-n-r.txt").read_text()

    def sos(name: str, xl: str) -> Path:
        files = {
            "etc/hostname": f"{name}\n",
            "var/lib/heartbeat/crm/cib.xml": XEN_CIB,
            "etc/xen/vm/web": DOMU,
            "etc/xen/vm/db": DOMU.replace('"web"', '"db"'),
            "sos_commands/pacemaker/crm_mon_-1_-A_-n_-r_-t": mon,
            "sos_commands/xen/xm_list": xl,
        }
        return tree(tmp_path, f"sosreport-{name}-2026-11-28-abcdefg", files)

    a = sos("alpha", XL_HEAD + XL_DOM0 + _xl_row("web", 3))
    b = sos("beta", XL_HEAD + XL_DOM0 + _xl_row("db", 5))
    assert formats_of(a)["crm_mon_-1_-A_-n_-r_-t"] == "crm-mon-xml"
    result = lint.run([str(a), str(b)], select=["LS016", "LS017"])
    assert [(f.code, f.message) for f in result.findings] == [
        ("LS016", "cluster resource 'db' (ocf:heartbeat:Xen) failed on beta")
    ]


def test_supportconfig_crm_mon_r_1_is_read_once(tmp_path: Path) -> None:
    """supportconfig's ha_info logs ``crm_mon -r -1``, ``crm_mon -r -n -1`` and ``crm_mon
    -A -1``: the first is read, the others are the same state again."""
    mon = (FIXTURES / "crm-mon-xml" / "valid" / "pacemaker-1.1-A-n-r.txt").read_text()
    files = {
        "supportconfig.txt": "Script Version: 3.0\n",
        "basic-environment.txt": _section(
            "command", "/bin/uname -a", "Linux alpha 3.0.101-63-xen #1 SMP x86_64 GNU/Linux"
        ),
        "ha.txt": _section("command", "/usr/sbin/crm_mon -r -1", mon)
        + _section("command", "/usr/sbin/crm_mon -r -n -1", mon)
        + _section("command", "/usr/sbin/crm_mon -A -1", mon),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    got = {k.rsplit("#", 1)[1]: v for k, v in formats_of_sc(root).items()}
    assert got == {"bin_uname_-a": "uname", "usr_sbin_crm_mon_-r_-1": "crm-mon-xml"}


def test_ls017_only_on_the_nodes_crm_mon_shows(tmp_path: Path) -> None:
    """A node the crm_mon does not list (another cluster, or a capture named after its
    folder for want of a host name) is not where the CRM put anything: no LS017."""
    mon = cap("crm-mon-2.1.xml")
    a = _crm_node(tmp_path, "alpha", mon, XL_HEAD + XL_DOM0 + _xl_row("web", 3))
    other = _crm_node(tmp_path, "gamma", mon, XL_HEAD + XL_DOM0 + _xl_row("web", 4))
    assert lint.run([str(a), str(other)], select=["LS017"]).findings == []


def test_drbd_0_7_proc_drbd_consistent_is_its_good_state(tmp_path: Path) -> None:
    """DRBD 0.7's drbd_proc.c prints ``%2d: cs:%s st:%s/%s ld:%s`` with ``ld:`` the local
    disk only, ``Consistent`` (MDF_Consistent) or ``Inconsistent``, and resyncs as
    ``SyncingAll``/``SyncingQuick``: a connected Consistent device and a device in a
    full resync are no LS002; a WFConnection one is."""
    proc = cap("proc-drbd-0.7.txt")
    ok = _drbd_node(tmp_path / "a", "alpha", {"proc_drbd.txt": proc})
    assert ls_codes(ok) == []
    # the JSON report keeps what the kernel said
    from xencfg import live

    summary = live.summary(lint.run([str(ok)], select=["LS"]).cluster)
    assert summary["alpha"]["drbd"]["web"] == {
        "role": "Primary",
        "connection": "Connected",
        "disk": "Consistent",
        "peer_disk": None,
    }
    waiting = proc.replace(
        "cs:Connected st:Primary/Secondary", "cs:WFConnection st:Primary/Unknown"
    )
    bad = _drbd_node(tmp_path / "b", "alpha", {"proc_drbd.txt": waiting})
    assert ls_codes(bad) == [("LS002", "DRBD resource 'web' on alpha: connection WFConnection")]


def test_a_capture_one_folder_too_deep_is_named(tmp_path: Path) -> None:
    """A supportconfig unpacked into a case folder (``cases/1234/scc_alpha_...``): lint
    of ``cases`` says where the node tree is instead of only 'nothing to check'."""
    import subprocess
    import sys

    tree(
        tmp_path / "cases" / "1234",
        "scc_alpha_261128_0900",
        {
            "supportconfig.txt": "Script Version: 3.1\n",
            "drbd.txt": _section("conf", "/etc/drbd.conf", DRBD_CONF),
        },
    )
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", str(tmp_path / "cases")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "node trees one folder down (1234/scc_alpha_261128_0900)" in proc.stderr


def test_multipath_alias_holding_dm_is_not_cut() -> None:
    """The header is ``%n (%w) %d %s`` (print.c snprint_multipath_topology): an alias
    that itself holds ``dm-N`` (``vm-dm-1``) is the alias, the last ``dm-N`` the map;
    multipathd's fixed-width form glues the WWID to the dm name and still parses."""
    body = (
        "size=20G features='0' hwhandler='0' wp=rw\n"
        "`-+- policy='round-robin 0' prio=1 status=active\n"
        "  `- 1:0:0:1 sdb 8:16 active ready running\n"
    )
    doc = multipath_ll.parse(
        "vm-dm-1 (3600a0b800026105a0000038d4f4e4a4e) dm-3 IET,VIRTUAL-DISK\n" + body
    )
    (m,) = doc.maps
    assert (m.alias, m.wwid, m.dm, m.vendor) == (
        "vm-dm-1",
        "3600a0b800026105a0000038d4f4e4a4e",
        "dm-3",
        "IET",
    )
    glued = multipath_ll.parse("36000402001f45eb56424ca6800000000dm-0  NEXSAN  ,SATABoy2\n" + body)
    assert (glued.maps[0].alias, glued.maps[0].dm) == ("36000402001f45eb56424ca6800000000", "dm-0")


def test_ls017_no_missing_domain_when_its_name_is_unknown(tmp_path: Path) -> None:
    """The Xen agent names the domain by its ``name`` parameter, else by the xmfile's
    ``name =`` (ocf:heartbeat:Xen), which a capture may not hold: then the domain
    cannot be said missing; a sure name still can."""
    mon = cap("crm-mon-2.1.xml")
    cib = XEN_CIB.replace("/etc/xen/vm/web", "/etc/xen/vm/web.cfg")
    files = {
        "etc/hostname": "alpha\n",
        "var/lib/heartbeat/crm/cib.xml": cib,
        "var/lib/xencfg/state/crm_mon_xml.txt": mon,
        "var/lib/xencfg/state/xl_list.txt": XL_HEAD + XL_DOM0 + _xl_row("web", 3),
    }
    a = tree(tmp_path, "alpha", files)
    assert lint.run([str(a)], select=["LS017"]).findings == []
    named = cib.replace(
        '<nvpair id="web-xmfile" name="xmfile" value="/etc/xen/vm/web.cfg"/>',
        '<nvpair id="web-name" name="name" value="www"/>',
    )
    b = tree(tmp_path / "b", "alpha", files | {"var/lib/heartbeat/crm/cib.xml": named})
    assert [f.message for f in lint.run([str(b)], select=["LS017"]).findings] == [
        "the CRM reports Xen resource 'web' started on alpha; alpha's domain list has no domain www"
    ]


def test_ls017_a_migration_target_holds_the_domain_paused(tmp_path: Path) -> None:
    """During ``xm migrate --live`` the target holds the domain paused (state ``--p---``)
    until it takes over, while crm_mon still shows the source: not 'elsewhere'."""
    mon = cap("crm-mon-2.1.xml")
    a = _crm_node(tmp_path, "alpha", mon, XL_HEAD + XL_DOM0 + _xl_row("web", 3))
    paused = _xl_row("web", 9).replace("-b----", "--p---")
    b = _crm_node(tmp_path, "beta", mon, XL_HEAD + XL_DOM0 + _xl_row("db", 5) + paused)
    assert lint.run([str(a), str(b)], select=["LS017"]).findings == []


def test_drbd9_nothing_up_is_said_by_drbdadm_status(tmp_path: Path) -> None:
    """drbd-utils' drbdsetup show_resource_list prints ``No currently configured DRBD
    found.`` and exits non-zero when the kernel holds no resource; DRBD 9's /proc/drbd
    cannot say it (version only). supportconfig's drbd.txt keeps both (drbd_info
    ``drbdadm status`` and ``cat /proc/drbd``): every configured resource is down."""
    files = {
        "supportconfig.txt": "Script Version: 3.1.11\n",
        "basic-environment.txt": _section(
            "command", "/usr/bin/uname -a", "Linux alpha 5.14.21 #1 SMP x86_64 GNU/Linux"
        ),
        "drbd.txt": _section(
            "command", "/usr/sbin/drbdadm status", "No currently configured DRBD found."
        )
        + _section("command", "/usr/bin/cat /proc/drbd", cap("proc-drbd-9.txt"))
        + _section("conf", "/etc/drbd.conf", DRBD_CONF),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    assert sorted(m for c, m in ls_codes(root)) == [
        "DRBD resource 'db' is configured for alpha but not running there",
        "DRBD resource 'web' is configured for alpha but not running there",
    ]


def test_capture_keeps_drbdadms_nothing_up_as_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``xencfg capture`` keeps drbdadm's "nothing up" answer (a non-zero exit) as the
    state it is, not as a refusal."""
    import attrs

    from xencfg import live

    fake = tmp_path / "bin" / "drbdadm"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'No currently configured DRBD found.'\nexit 10\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    cmd = attrs.evolve(live._BY_NAME["drbdadm_status"], requires=None)
    got = live.run_one(cmd)
    assert (got.status, got.text) == ("ok", "No currently configured DRBD found.\n")


def test_proc_drbd_missing_in_supportconfig_means_no_module(tmp_path: Path) -> None:
    """supportconfig's drbd_info runs ``cat /proc/drbd`` whenever /etc/drbd.conf is not
    empty and keeps what it prints on standard error too (log_cmd: ``2>&1``): ``cat:
    /proc/drbd: No such file or directory`` is a node without the drbd module, on
    which no configured resource runs."""
    files = {
        "supportconfig.txt": "Script Version: 3.0\n",
        "basic-environment.txt": _section(
            "command", "/bin/uname -a", "Linux alpha 3.0.101-63-xen #1 SMP x86_64 GNU/Linux"
        ),
        "drbd.txt": _section(
            "command", "/bin/cat /proc/drbd", "/bin/cat: /proc/drbd: No such file or directory"
        )
        + _section("conf", "/etc/drbd.conf", DRBD_CONF),
    }
    root = tree(tmp_path, "scc_alpha_261128_0900", files)
    assert [c for c, _ in ls_codes(root)] == ["LS001", "LS001"]


@pytest.mark.parametrize(
    ("source", "target"),
    [("migrating-web", "web"), ("web--migratedaway", "web--incoming"), ("web", "web--incoming")],
)
def test_a_live_migration_under_way(tmp_path: Path, source: str, target: str) -> None:
    """A live migration renames the domain for its duration: xend's XendCheckpoint.save
    ``dominfo.setName('migrating-' + domain_name)`` on the source; xl's migrate_domain /
    migrate_receive ``NAME--incoming`` on the target and ``NAME--migratedaway`` on the
    source; xend's target holds the domain under its own name, paused until the
    restore ends. Neither is a domU outside the CIB (LS012) nor web missing from the
    node the CRM reports (LS017); the receiving copy is not 'elsewhere'."""
    mon = cap("crm-mon-2.1.xml")
    a = _crm_node(tmp_path, "alpha", mon, XL_HEAD + XL_DOM0 + _xl_row(source, 3))
    receiving = _xl_row(target, 9)
    if target == "web":
        receiving = receiving.replace("-b----", "--p---")
    b = _crm_node(tmp_path, "beta", mon, XL_HEAD + XL_DOM0 + _xl_row("db", 5) + receiving)
    assert lint.run([str(a), str(b)], select=["LS012", "LS017"]).findings == []


def test_capture_keeps_a_missing_proc_drbd(tmp_path: Path) -> None:
    """No /proc/drbd is no drbd module: ``xencfg capture`` keeps cat's message, which
    lint reads as 'nothing runs' (LS001 for each resource the node's files configure)."""
    import attrs

    from xencfg import live

    cmd = attrs.evolve(live._BY_NAME["proc_drbd"], argvs=(("cat", str(tmp_path / "proc-drbd")),))
    got = live.run_one(cmd)
    assert got.status == "ok" and got.text.endswith("proc-drbd: No such file or directory\n")
    text = got.text.replace(str(tmp_path / "proc-drbd"), "/proc/drbd")
    node = _drbd_node(tmp_path, "alpha", {"proc_drbd.txt": text})
    assert [c for c, _ in ls_codes(node)] == ["LS001", "LS001"]


def test_sosreport_crm_report_cib_of_the_node(tmp_path: Path) -> None:
    """sos 3/4's pacemaker plugin runs ``crm_report --sos-mode -S`` (-S: this node only;
    plugins/pacemaker.py), whose folder for the node holds ``cib.xml`` (report.common
    ``CIB_F=cib.xml``; getconfig: ``cibadmin -Ql`` when the cluster runs, and ``touch RUNNING``
    file). It is the only CIB a sosreport has: read as the node's running CIB, it
    tells a Primary nobody manages (LS004). Two nodes' folders: neither is read."""
    no_db = CIB.replace(
        CIB[CIB.index('      <master id="ms-db">') : CIB.index('      <primitive id="web"')], ""
    )
    status = (
        "web role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n\n"
        "db role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n"
    )
    files = {
        "etc/hostname": "alpha\n",
        "etc/drbd.conf": DRBD_CONF,
        "sos_commands/drbd/drbdsetup_status_-vs_all": status,
        "sos_commands/pacemaker/crm_report/alpha/cib.xml": no_db,
        "sos_commands/pacemaker/crm_report/alpha/RUNNING": "",
    }
    root = tree(tmp_path, "sosreport-alpha-2026-11-28-abcdefg", files)
    assert formats_of(root)["cib.xml"] == "cib-live"
    assert [m for c, m in ls_codes(root) if c == "LS004"] == [
        "DRBD resource 'db' is Primary on alpha but no CIB resource (ocf:linbit:drbd, "
        "drbddisk) or haresources line manages it"
    ]
    two = tree(
        tmp_path / "two",
        "sosreport-alpha-2026-11-28-abcdefg",
        files | {"sos_commands/pacemaker/crm_report/beta/cib.xml": no_db},
    )
    assert "cib.xml" not in formats_of(two)


def test_a_session_to_an_lio_target_of_the_run_is_no_unknown_target(tmp_path: Path) -> None:
    """LS010 knows the targets an LIO box's saveconfig.json holds (``targetctl restore``
    builds them: rtslib-fb root.py ``restore``), as it knows ietd.conf's: a session to
    one is no leftover; a session to a target neither box holds still is."""
    lio = (
        '{"storage_objects": [], "targets": [{"fabric": "iscsi", "wwn": '
        '"iqn.2026-11.net.example:lio1.web", "tpgs": []}]}\n'
    )
    san = tree(
        tmp_path,
        "san1",
        {"etc/hostname": "san1\n", "etc/ietd.conf": "Target iqn.2026-11.net.example:san1.web\n"},
    )
    box = tree(tmp_path, "lio1", {"etc/hostname": "lio1\n", "etc/target/saveconfig.json": lio})
    sessions = (
        "tcp: [1] 10.0.1.10:3260,1 iqn.2026-11.net.example:san1.web (non-flash)\n"
        "tcp: [2] 10.0.1.20:3260,1 iqn.2026-11.net.example:lio1.web (non-flash)\n"
    )
    node = tree(
        tmp_path,
        "xen1",
        {"etc/hostname": "xen1\n", "sos_commands/iscsi/iscsiadm_-m_session": sessions},
    )
    result = lint.run([str(node), str(san), str(box)], select=["LS010"])
    assert result.findings == []
    stale = sessions + "tcp: [3] 10.0.1.20:3260,1 iqn.2026-11.net.example:lio1.old (non-flash)\n"
    (node / "sos_commands/iscsi/iscsiadm_-m_session").write_text(stale)
    result = lint.run([str(node), str(san), str(box)], select=["LS010"])
    assert [f.message.split(":", 1)[0] for f in result.findings] == [
        "session to iqn.2026-11.net.example"
    ]
    assert "lio1.old" in result.findings[0].message
