"""Captures of sos and supportconfig versions not read before, against the files beside
them: a RHEL 6 sosreport of sos 2.2 (cman + Pacemaker, DRBD 8.4), a RHEL 9 sosreport of
sos 4 (pcs / corosync 3, DRBD 9) and a SLES 11 SP4 supportconfig (supportutils 3.0).
The trees are ours (tests/fixtures/live-captures/*/, README.md there), in the layouts
and shapes the tools write; each test names the source line behind the shape it adds.
A capture that agrees with the files gives no drift finding; each drift gives its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES
from lintkit import tree
from xencfg import discover, lint
from xencfg.formats.status import drbd_status, multipath_ll, proc_drbd

CAP = FIXTURES / "live-captures"
SOS22 = CAP / "sos-2.2-rhel6" / "sosreport-alpha.1234567-20261128120000"
SOS4 = CAP / "sos-4-rhel9" / "sosreport-alpha-2026-11-28-qwzvkpt"
SCC11 = CAP / "scc-sles11sp4" / "nts_alpha_261128_1200"
IQN = "iqn.2026-11.net.example:san1.web"


def ls_findings(*roots: Path) -> list[tuple[str, str]]:
    """(code, message) of every drift finding over the trees."""
    result = lint.run([str(r) for r in roots], select=["LS"])
    return [(f.code, f.message) for f in result.findings]


def read_as(root: Path) -> dict[str, str | None]:
    """What each captured file of a node tree is read as, by its path below the tree."""
    (node,) = discover.discover([str(root)]).nodes
    prefix = discover.display_path(root) + "/"
    return {f.display.removeprefix(prefix): f.format for f in node.files}


def copy(src: Path, tmp: Path, edits: dict[str, tuple[str, str]] | None = None) -> Path:
    """The fixture tree copied below ``tmp``, with ``old -> new`` edits per file."""
    root = tmp / src.name
    shutil.copytree(src, root)
    for rel, (old, new) in (edits or {}).items():
        p = root / rel
        text = p.read_text()
        assert old in text, (rel, old)
        p.write_text(text.replace(old, new))
    return root


@pytest.mark.parametrize("root", [SOS22, SOS4, SCC11], ids=["sos-2.2", "sos-4", "scc-11"])
def test_a_capture_that_agrees_with_its_files_gives_no_drift(root: Path) -> None:
    """Every capture here shows the running state its files configure: lint reads its
    state (see the next tests) and reports no drift."""
    assert ls_findings(root) == []


# -- RHEL 6, sos 2.2 ----------------------------------------------------------------------


def test_sos22_reads_its_commands_and_its_node_record_files() -> None:
    """sos 2.2 (tag sos-2.2-24.el6): general.py ``/bin/hostname``, kernel.py ``/bin/uname
    -a``, networking.py ``/sbin/ip address``, xen.py ``/usr/sbin/xm list``,
    devicemapper.py ``/sbin/multipath -v4 -ll`` (plugintools.mangleCommand: the
    /sbin/ prefix dropped, ``[^\\w\\-\\.\\/]+`` -> ``_``). Its iscsi.py runs no iscsiadm
    and copies /var/lib/iscsi: the record files (idbm.c, ``nodes/IQN/ADDR,PORT,TPGT/
    IFACE``, written as ``-o show`` prints) are its only view of the node records, and
    read so; its cluster.py's ``cman_tool nodes`` is cman's membership. No drbd plugin
    (sos 4.0 added it), no crm_mon: nothing said of DRBD or the CRM, and no LS001 for a
    resource whose state was never captured."""
    got = read_as(SOS22)
    state = {k: v for k, v in got.items() if not k.startswith(("etc/", "var/lib/pacemaker"))}
    assert state == {
        "var/lib/multipath/bindings": "multipath-bindings",
        "sos_commands/xen/xm_list": "xl-list",
        "sos_commands/networking/ip_address": "ip-addr",
        "sos_commands/general/hostname": "uname",
        "sos_commands/kernel/uname_-a": "uname",
        "sos_commands/devicemapper/multipath_-v4_-ll": "multipath-ll",
        "sos_commands/cluster/cman_tool_nodes": "cman-nodes",
        f"var/lib/iscsi/nodes/{IQN}/10.0.2.11,3260,1/default": "iscsi-node",
        f"var/lib/iscsi/nodes/{IQN}/10.0.3.11,3260,1/default": "iscsi-node",
    }


def test_sos22_drifts(tmp_path: Path) -> None:
    """A failed path in ``multipath -v4 -ll`` (0.4.9's ``failed faulty running``), the
    DRBD address gone from ``ip address``: one finding each; the host renamed (``hostname``
    of general.py): LS015."""
    root = copy(
        SOS22,
        tmp_path,
        {
            "sos_commands/devicemapper/multipath_-v4_-ll": (
                "`- 4:0:0:1 sdc 8:32 active ready running",
                "`- 4:0:0:1 sdc 8:32 failed faulty running",
            ),
            "sos_commands/networking/ip_address": ("inet 10.0.1.1/24", "inet 10.0.7.1/24"),
        },
    )
    assert ls_findings(root) == [
        (
            "LS014",
            "alpha does not hold 10.0.1.1 (DRBD resource 'web' binds it): no interface has it",
        ),
        ("LS007", "path sdc of map 'vmstore' is failed/faulty"),
    ]
    renamed = copy(
        SOS22, tmp_path / "renamed", {"sos_commands/general/hostname": ("alpha", "alpha2")}
    )
    assert ls_findings(renamed) == [
        ("LS015", "uname -n is 'alpha2', which cman, cib do(es) not name (they name alpha, beta)")
    ]


def test_sos22_record_of_a_retired_target(tmp_path: Path) -> None:
    """A record file of a target the target box beside the report no longer exports:
    LS028, judged from the record file (``node.startup = automatic``: it logs in at
    every boot)."""
    cluster = tmp_path / "site"
    alpha = copy(SOS22, cluster)
    old = alpha / "var/lib/iscsi/nodes" / f"{IQN}.old" / "10.0.2.11,3260,1" / "default"
    old.parent.mkdir(parents=True)
    src = alpha / "var/lib/iscsi/nodes" / IQN / "10.0.2.11,3260,1" / "default"
    old.write_text(src.read_text().replace(f"node.name = {IQN}", f"node.name = {IQN}.old"))
    tree(
        cluster,
        "san1",
        {
            "etc/hostname": "san1\n",
            "etc/ietd.conf": f"Target {IQN}\n\tLun 1 Path=/dev/vg0/web,Type=blockio\n",
            "var/lib/xencfg/state/ip_addr.txt": (
                "2: eth0    inet 10.0.2.11/24 brd 10.0.2.255 scope global eth0\n"
                "3: eth1    inet 10.0.3.11/24 brd 10.0.3.255 scope global eth1\n"
            ),
        },
    )
    assert [f for f in ls_findings(cluster) if f[0] == "LS028"] == [
        (
            "LS028",
            f"alpha has a node record for {IQN}.old at 10.0.2.11: no ietd.conf, "
            "saveconfig.json or CIB resource of this run names that target",
        )
    ]


def test_record_files_are_not_read_beside_iscsiadm_node_output() -> None:
    """sos 3.0 and later run ``iscsiadm -m node -P 1`` and ``--op=show`` (iscsi.py) and
    copy /var/lib/iscsi too: the outputs are read, the record files (the same records
    again) are not."""
    got = read_as(SOS4)
    assert got["sos_commands/iscsi/iscsiadm_-m_node_-P_1"] == "iscsi-node"
    assert not [k for k in got if k.startswith("var/lib/iscsi")]


# -- RHEL 9, sos 4 ------------------------------------------------------------------------


def test_sos4_reads_drbd9_pcs_and_crm_report_state() -> None:
    """sos 4 (tags 4.0-4.11): drbd.py ``drbdsetup status all``, pacemaker.py ``crm_mon
    -1 -A -n -r -t`` (Pacemaker 2.1's text) and crm_report's cib.xml (``RUNNING``
    beside it: the running CIB), iscsi.py ``iscsiadm -m session -P 3`` of open-iscsi
    2.1 and ``-m node -P 1`` / ``--op=show``, networking.py ``ip -o addr`` (iproute2 5's
    ``\\       valid_lft`` tails), host.py ``hostname``. ``pcs status --full`` (the same
    text) and ``multipath -v4 -ll`` (the same maps) are not read beside them; DRBD 9's
    /proc/drbd names no resource."""
    got = read_as(SOS4)
    state = {k: v for k, v in got.items() if not k.startswith("etc/")}
    assert state == {
        "sos_commands/drbd/drbdsetup_status_all": "drbd-status",
        "sos_commands/multipath/multipath_-ll": "multipath-ll",
        "sos_commands/iscsi/iscsiadm_-m_session_-P_3": "iscsi-session",
        "sos_commands/iscsi/iscsiadm_-m_node_--op_show": "iscsi-node",
        "sos_commands/iscsi/iscsiadm_-m_node_-P_1": "iscsi-node",
        "sos_commands/networking/ip_-o_addr": "ip-addr",
        "sos_commands/host/hostname": "uname",
        "sos_commands/kernel/uname_-a": "uname",
        "sos_commands/pacemaker/crm_mon_-1_-A_-n_-r_-t": "crm-mon-xml",
        "sos_commands/pacemaker/crm_report/alpha/cib.xml": "cib-live",
        "proc/drbd": "proc-drbd",
    }


STATUS = "sos_commands/drbd/drbdsetup_status_all"
CRM_MON = "sos_commands/pacemaker/crm_mon_-1_-A_-n_-r_-t"


@pytest.mark.parametrize(
    ("edits", "want"),
    [
        (
            {STATUS: ("  beta role:Secondary\n", "  beta connection:Connecting\n")},
            [("LS002", "DRBD resource 'web' on alpha: connection Connecting")],
        ),
        (
            {
                STATUS: (
                    "web role:Primary\n  disk:UpToDate\n",
                    "web role:Primary\n  disk:Outdated\n",
                )
            },
            [("LS002", "DRBD resource 'web' on alpha: local disk Outdated")],
        ),
        (
            {"sos_commands/networking/ip_-o_addr": ("inet 10.0.0.100/24", "inet 10.0.0.101/24")},
            [
                (
                    "LS023",
                    "the CRM reports 'vip' (10.0.0.100) started on alpha, which does not hold "
                    "the address",
                )
            ],
        ),
        (
            {
                CRM_MON: (
                    "      * drbd-web\t(ocf:linbit:drbd):\t Unpromoted",
                    "      * drbd-web\t(ocf:linbit:drbd):\t FAILED",
                )
            },
            [("LS016", "cluster resource 'drbd-web' (ocf:linbit:drbd) failed on beta")],
        ),
    ],
    ids=["connecting", "outdated", "vip-missing", "failed"],
)
def test_sos4_drifts(
    tmp_path: Path, edits: dict[str, tuple[str, str]], want: list[tuple[str, str]]
) -> None:
    """DRBD 9's ``drbdsetup status``: a peer shown ``connection:Connecting``, a local
    disk ``Outdated``; the CRM's IPaddr2 shown Started on alpha without its address in
    ``ip -o addr``; Pacemaker 2.1's ``-n`` text with a resource ``FAILED`` in beta's
    block."""
    assert ls_findings(copy(SOS4, tmp_path, edits)) == want


# -- SLES 11 SP4, supportconfig 3.0 -------------------------------------------------------


def test_sles11_supportconfig_reads_the_drbd_init_script_status() -> None:
    """supportutils 3.0 (the script before commit 5961f37): drbd_info's ``check_service
    $OF drbd`` logs ``/etc/init.d/drbd status`` where there is no systemd (log_cmd: the
    command's full path), the only DRBD state drbd.txt holds before supportutils 3.1
    (commit 604a51d, 2019: drbd-overview, drbdadm status, cat /proc/drbd). Read as
    drbd-status; ``crm_mon -r -n -1`` (the same state by node) is not read beside
    ``crm_mon -r -1``."""
    got = {k.rsplit("#", 1)[1]: v for k, v in read_as(SCC11).items()}
    assert got["etc_init.d_drbd_status"] == "drbd-status"
    assert got["usr_sbin_crm_mon_-r_-1"] == "crm-mon-xml"
    assert "usr_sbin_crm_mon_-r_-n_-1" not in got
    assert got["usr_sbin_xm_list"] == "xl-list"


DRBD_TXT = "drbd.txt"
ROW = "0:web  Connected  Primary/Secondary  UpToDate/UpToDate  C"


@pytest.mark.parametrize(
    ("old", "new", "want"),
    [
        (
            ROW,
            "0:web  WFConnection  Primary/Unknown  UpToDate/DUnknown  C",
            [("LS002", "DRBD resource 'web' on alpha: connection WFConnection")],
        ),
        (
            ROW,
            "0:web  StandAlone  Primary/Unknown  UpToDate/DUnknown  r-----",
            [
                (
                    "LS003",
                    "DRBD resource 'web' on alpha is StandAlone (split brain, or disconnected "
                    "by hand): its copies are not replicated",
                )
            ],
        ),
        (
            ROW + "\n",
            "",
            [("LS001", "DRBD resource 'web' is configured for alpha but not running there")],
        ),
    ],
    ids=["wfconnection", "standalone", "empty-table"],
)
def test_sles11_drbd_drifts(
    tmp_path: Path, old: str, new: str, want: list[tuple[str, str]]
) -> None:
    """The init script's row read as drbd-overview's (drbd_pretty_status strips
    ``cs:``/``ro:``/``ds:``): a peer gone, a split brain; a table with no row says no
    resource is up (the script drops only ``Unconfigured`` minors)."""
    assert ls_findings(copy(SCC11, tmp_path, {DRBD_TXT: (old, new)})) == want


def test_sles11_drbd_not_loaded(tmp_path: Path) -> None:
    """Without /proc/drbd the init script says ``drbd not loaded`` (exit 3; log_cmd keeps
    stderr): no resource runs. LS001 for the resource the files give alpha."""
    root = copy(SCC11, tmp_path, {DRBD_TXT: (init_status(), "drbd not loaded")})
    assert ls_findings(root) == [
        ("LS001", "DRBD resource 'web' is configured for alpha but not running there")
    ]


def init_status() -> str:
    """The output of drbd.txt's ``/etc/init.d/drbd status`` section."""
    text = (SCC11 / DRBD_TXT).read_text()
    start = text.index("drbd driver loaded OK")
    return text[start : text.index("\n#==[", start)]


DRBD_07 = """drbd driver loaded OK; device status:
version: 0.7.22 (api:79/proto:74)
SVN Revision: 2572 build by lmb@dale, 2006-10-25 18:17:21
 0: cs:{cs} st:Primary/{peer} ld:Consistent
    ns:0 nr:0 dw:4 dr:2120 al:1 bm:1 lo:0 pe:0 ua:0 ap:0"""


@pytest.mark.parametrize(
    ("cs", "peer", "want"),
    [
        ("Connected", "Secondary", []),
        (
            "WFConnection",
            "Unknown",
            [("LS002", "DRBD resource 'web' on alpha: connection WFConnection")],
        ),
    ],
)
def test_sles10_init_script_cats_proc_drbd(
    tmp_path: Path, cs: str, peer: str, want: list[tuple[str, str]]
) -> None:
    """DRBD 0.7's and 8.0's init script (scripts/drbd ``status`` up to drbd-8.0.6) prints
    ``cat $PROC_DRBD`` after its first line: SLES 10's supportconfig keeps /proc/drbd
    there. The section is read as /proc/drbd (its rows, 0.7's ``ld:`` local disk)."""
    text = DRBD_07.format(cs=cs, peer=peer)
    root = copy(SCC11, tmp_path, {DRBD_TXT: (init_status(), text)})
    got = {k.rsplit("#", 1)[1]: v for k, v in read_as(root).items()}
    assert got["etc_init.d_drbd_status"] == "proc-drbd" and got["etc_drbd.conf"] == "drbd"
    assert ls_findings(root) == want


def test_sles11_domu_not_where_the_crm_says(tmp_path: Path) -> None:
    """crm_mon -r -1 of Pacemaker 1.1.12 says vm-web Started alpha; ``xm list`` has no web."""
    root = copy(
        SCC11,
        tmp_path,
        {
            "xen.txt": (
                "web                                          3  1024     1     -b----    411.2\n",
                "",
            )
        },
    )
    assert ls_findings(root) == [
        (
            "LS017",
            "the CRM reports Xen resource 'vm-web' started on alpha; alpha's domain list has "
            "no domain web",
        )
    ]


# -- the init script's status: its forms -------------------------------------------------


INIT_84 = """drbd driver loaded OK; device status:
version: 8.4.4 (api:1/proto:86-101)
GIT-hash: 3c1f46cb19993f98b22fdf7e18958c21ad75176d build by SuSE Build Service
m:res  cs          ro                 ds                 p  mounted  fstype
0:web  SyncSource  Primary/Secondary  UpToDate/Inconsistent  C
...    sync'ed:    12.5%              (3580/4092)M
1:db   Connected   Secondary/Primary  UpToDate/UpToDate  C
"""

INIT_80 = """drbd driver loaded OK; device status:
version: 8.0.14 (api:86/proto:86)
GIT-hash: 1ff3a9d7337173a26f7265e5025df23741d9cc7e build by phil@fat-tyre, 2008-10-29 12:32:14
m:res   cs            st                 ds                     p  mounted  fstype
0:data  WFConnection  Secondary/Unknown  Inconsistent/DUnknown  B
"""


def test_init_script_status_forms_are_read() -> None:
    """drbd 8.4's scripts/drbd ``status``: ``echo "drbd driver loaded OK; device
    status:"``, drbd_pretty_status (``sed -e '2q'`` of /proc/drbd, then ``echo m:res cs
    ro ds p mounted fstype`` and the rows through ``column -t``; a resync's progress as
    a ``... ... sync'ed:`` row); drbd 8.0's header says ``st`` (its /proc/drbd's word).
    The text is kept byte for byte; the preamble and progress rows are not state."""
    doc = drbd_status.parse(INIT_84)
    assert doc.dumps() == INIT_84
    assert [(r.name, r.role, r.connections[0].state, r.disks) for r in doc.resources] == [
        ("web", "Primary", "SyncSource", ["UpToDate"]),
        ("db", "Secondary", "Connected", ["UpToDate"]),
    ]
    assert doc.resources[0].connections[0].volumes[0].peer_disk == "Inconsistent"
    assert not doc.none_up
    old = drbd_status.parse(INIT_80)
    assert [
        (r.name, r.connections[0].state, r.connections[0].peer_role) for r in old.resources
    ] == [("data", "WFConnection", "Unknown")]
    assert drbd_status.sniff(INIT_84) and drbd_status.sniff(INIT_80)


@pytest.mark.parametrize(
    ("text", "none_up"),
    [
        (INIT_84.split("0:web")[0], True),  # the table's header, no row: nothing is up
        ("drbd driver loaded OK; device status:\nversion: 8.4.4 (api:1/proto:86-101)\n", False),
        ("drbd not loaded\n", True),
        (  # no column(1): the script cats /proc/drbd, whose rows are not read
            "drbd driver loaded OK; device status:\nversion: 8.4.4 (api:1/proto:86-101)\n"
            " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n",
            False,
        ),
        ("No currently configured DRBD found.\n", True),
        ("Command 'drbdsetup status' terminated with exit code 20\n", False),
    ],
    ids=["empty-table", "no-table", "not-loaded", "cat-proc-drbd", "drbdsetup-none", "refused"],
)
def test_what_says_no_resource_is_up(text: str, none_up: bool) -> None:
    """Only an output that says so counts as "nothing up" (LS001 for every resource of
    the node); a preamble without the table, /proc/drbd's rows or a refusal say nothing."""
    doc = drbd_status.parse(text)
    assert doc.resources == [] and doc.none_up is none_up
    assert doc.dumps() == text


# -- /proc/drbd: an online verify, and the progress of proc_details ----------------------


VERIFY_84 = """version: 8.4.3 (api:1/proto:86-101)
srcversion: 88927CDF07AEA4F7F2580B2
 0: cs:VerifyS ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
    ns:10 nr:0 dw:10 dr:1456 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
\t[==>.................] verified: 15.3% (8672/10236)M
\tfinish: 0:00:41 speed: 216,576 (216,576) want: 0 K/sec
"""

DETAILS_83 = """version: 8.3.16 (api:88/proto:86-97)
GIT-hash: a798fa7e274428a357657fb52f0ecf40192c1985 build by phil@Build64R6, 2014-11-24 14:51:37
 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----
    ns:0 nr:3145728 dw:3145728 dr:0 al:0 bm:192 lo:0 pe:5 ua:0 ap:0 ep:1 wo:f oos:7340032
\t[=====>..............] sync'ed: 30.0% (7168/10240)M
\tfinish: 0:02:59 speed: 40,960 (41,100 -- 39,212) want: 102,400 K/sec (stalled)
\t 30% sector pos: 6291456/20971520
\tresync: used:1/61 hits:49150 misses:192 starving:0 dirty:0 changed:192
\tact_log: used:0/257 hits:0 misses:0 starving:0 dirty:0 changed:0
"""


def test_proc_drbd_online_verify_progress_is_read() -> None:
    """drbd_proc.c drbd_syncer_progress (8.3 line 89, 8.4 line 134): ``verified:`` in
    place of ``sync'ed:`` while ``state.conn`` is VerifyS/VerifyT. It was kept unread,
    and the ``finish:`` line after it made a progress of 0% of 0 K."""
    doc = proc_drbd.parse(VERIFY_84)
    assert doc.dumps() == VERIFY_84 and doc.unparsed == []
    sync = doc.minors[0].sync
    assert sync is not None
    assert (sync.percent, sync.left, sync.total, sync.speed, sync.want) == (
        15.3,
        8672,
        10236,
        216576,
        0,
    )


def test_proc_drbd_progress_with_proc_details() -> None:
    """With the module's ``proc_details`` at 1 or more (drbd_proc.c, 8.3 and 8.4) the
    speed's parenthesis is ``(~3 s average -- average since the start)``, then ``want:``
    (SyncTarget, VerifyS); the long-term average and ``want`` were lost. The sector
    position line stays unread."""
    doc = proc_drbd.parse(DETAILS_83)
    assert doc.dumps() == DETAILS_83
    sync = doc.minors[0].sync
    assert sync is not None
    assert (sync.finish, sync.speed, sync.average, sync.want) == ("0:02:59", 40960, 39212, 102400)
    assert [ln for _, ln in doc.unparsed] == ["\t 30% sector pos: 6291456/20971520"]
    assert set(doc.minors[0].tables) == {"resync", "act_log"}


@pytest.mark.parametrize(
    "where",
    [
        "var/lib/iscsi/nodes/{iqn}/10.0.2.11,3260",  # before 2.0-870: the portal a file
        "etc/iscsi/nodes/{iqn}/10.0.2.11,3260,1/default",  # upstream's and SUSE's root
    ],
    ids=["old-style-portal-file", "etc-iscsi"],
)
def test_node_record_file_layouts(tmp_path: Path, where: str) -> None:
    """open-iscsi idbm.c (2.0.873): NODE_CONFIG_DIR is ISCSI_CONFIG_ROOT "nodes"
    (/etc/iscsi/ upstream, /var/lib/iscsi/ in Red Hat's build); a record is
    ``TARGET/ADDR,PORT,TPGT/IFACE``, or, the "old style" it still reads,
    ``TARGET/ADDR,PORT`` a file itself. Both are read from a sosreport's copy."""
    record = (SOS22 / "var/lib/iscsi/nodes" / IQN / "10.0.2.11,3260,1/default").read_text()
    rel = where.format(iqn=IQN)
    root = tree(
        tmp_path,
        "sosreport-alpha-2009",
        {"sos_commands/general/hostname": "alpha\n", rel: record},
    )
    assert read_as(root) == {"sos_commands/general/hostname": "uname", rel: "iscsi-node"}


# -- multipath -ll: a map whose WWID, holding blanks, is its name -------------------------

SPACED = """mpatha (1IET     00080001) dm-0 IET,VIRTUAL-DISK
size=16G features='0' hwhandler='0' wp=rw
|-+- policy='round-robin 0' prio=1 status=active
| `- 3:0:0:1 sdb 8:16 active ready running
`-+- policy='round-robin 0' prio=1 status=enabled
  `- 4:0:0:1 sdc 8:32 active ready running
1IET     00080002 dm-1 IET,VIRTUAL-DISK
size=16G features='0' hwhandler='0' wp=rw
|-+- policy='round-robin 0' prio=1 status=active
| `- 3:0:0:2 sdd 8:48 active ready running
`-+- policy='round-robin 0' prio=1 status=enabled
  `- 4:0:0:2 sde 8:64 failed faulty running
"""

SPACED_047 = """1IET     00080002
[size=16 GB][features=0][hwhandler=0]
\\_ round-robin 0 [prio=1][active]
 \\_ 3:0:0:2 sdd 8:48  [active][ready]
"""


def test_multipath_map_named_by_a_wwid_with_blanks() -> None:
    """print.c snprint_multipath_topology (0.4.7 line 664, 0.4.8 line 685, 0.4.9 line
    796, 0.8.7 line 1163): the header is ``"%n"``, `` (%w)`` only when the alias is not
    the WWID, then ``" %d %s"`` (0.4.8+). With user_friendly_names off the name is the
    WWID, and scsi_id without --replace-whitespace (RHEL 5/6's getuid_callout) gives
    IET's LUNs one with blanks (``1IET     00080002``). That header was not read: its
    paths went to the map before it (mpatha had four, one failed)."""
    doc = multipath_ll.parse(SPACED)
    assert doc.dumps() == SPACED and doc.unparsed == []
    assert [(m.alias, m.wwid, m.dm, m.vendor, [p.device for p in m.paths]) for m in doc.maps] == [
        ("mpatha", "1IET     00080001", "dm-0", "IET", ["sdb", "sdc"]),
        ("1IET     00080002", "1IET     00080002", "dm-1", "IET", ["sdd", "sde"]),
    ]
    old = multipath_ll.parse(SPACED_047)
    assert [(m.alias, m.dm, len(m.paths)) for m in old.maps] == [("1IET     00080002", None, 1)]
    # a prompt or a debug line before a size line names no map
    for junk in ("$ multipath -ll", "Nov 28 12:00:01 | sdb: uid = x", "status = 2 0 0 0 1 1"):
        text = SPACED.replace("1IET     00080002 dm-1 IET,VIRTUAL-DISK", junk)
        assert [m.alias for m in multipath_ll.parse(text).maps] == ["mpatha"]


def test_uptime_is_not_drbd_overview() -> None:
    """drbd-overview's rows start ``MINOR:RESOURCE STATE ROLE/PEER`` (drbd-overview.pl;
    drbd-utils 9's abbreviated states too) or ``MINOR:RESOURCE Unconfigured``; procps
    uptime's `` 2:41pm  up 5 days ...`` (a SLES 10 capture beside the others) starts
    with digits and a colon too and was detected as drbd-status."""
    assert (
        xencfg.detect("uptime.txt", " 2:41pm  up 5 days 18:08,  4 users,  load average: 0.09\n")
        is None
    )
    for row in (
        "  0:web  Connected  Primary/Secondary  UpToDate/UpToDate  C  r-----\n",
        "  0:web/0  Connected(2*) Secondar/Primary UpToDa/UpToDa\n",
        "  1:r1  Unconfigured\n",
        "  1:db  ^^0  Connected  Primary/Secondary  UpToDate/UpToDate  C  r-----\n",
    ):
        assert drbd_status.sniff(row)


# -- cman_tool nodes: RHEL 5/6 membership ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "row", "want"),
    [
        (
            "cman_tool_nodes",  # sos 1.9-3.x cluster.py
            "   2   X    264                        beta",
            "member beta is not a cman member: the cluster runs without it "
            "(cman_tool nodes of alpha)",
        ),
        (
            "cman_tool_-af_nodes",  # sos 1.7 (tag rhel-5-start) cluster.py
            "   2   d    264   2026-11-28 10:50:12  beta",
            "member beta is disallowed by cman (it rejoined with state the cluster refuses) "
            "(cman_tool nodes of alpha)",
        ),
    ],
    ids=["dead", "disallowed"],
)
def test_sos_cman_tool_nodes_member_not_in(tmp_path: Path, name: str, row: str, want: str) -> None:
    """cman_tool/main.c print_node: ``%4u   %c  %5d   %s  %s`` with ``M`` a member, ``X``
    not, ``d`` disallowed; the join time is 19 blanks for a node not in. cluster.conf
    names beta a clusternode: LS021, once (sos also keeps ``cman_tool -a nodes``)."""
    old = "   2   M    264   2026-11-28 10:50:12  beta"
    root = copy(SOS22, tmp_path, {"sos_commands/cluster/cman_tool_nodes": (old, row)})
    folder = root / "sos_commands/cluster"
    (folder / "cman_tool_nodes").rename(folder / name)
    shutil.copy(folder / name, folder / "cman_tool_-a_nodes")
    assert ls_findings(root) == [("LS021", want)]


def test_cman_tool_nodes_forms() -> None:
    """The header, the NOTE cman_tool prints first when nodes are disallowed, ``-a``'s
    ``Addresses:`` line after each row: the text is kept byte for byte."""
    text = (FIXTURES / "cman-nodes" / "valid" / "cman-tool-a-nodes.txt").read_text()
    doc = xencfg.loads(text, "cman-nodes")
    assert doc.dumps() == text
    assert [(n.id, n.state, n.name, n.member, n.addresses) for n in doc.nodes] == [
        (1, "M", "alpha", True, ["10.0.0.1"]),
        (2, "d", "beta", False, ["10.0.0.2"]),
        (3, "X", "gamma", False, []),
    ]
    assert xencfg.detect("cman_tool_nodes", text) is None  # (read by its capture's name)
