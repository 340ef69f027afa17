"""Captures of the newer cluster shapes against the files beside them: DRBD 9 with a
diskless tiebreaker (sos 4's ``drbdsetup status -vs all``, ``xencfg capture``'s
``drbdsetup status --json``), a geo cluster's booth tickets (sos's booth plugin's
``booth list``, crm_report's live CIB), SLES 12 SP5 libvirt/libxl guests under
VirtualDomain (``virsh list --all`` and ``crm_mon --as-xml`` in ``xencfg capture``'s
layout). The trees are ours (tests/fixtures/live-captures/, README.md there), each one
agreeing with its files; every drift is an edit of a copy.

What captures of these shapes hold (sos: sosreport/sos plugins at 2026-07;
supportconfig: openSUSE/supportutils bin/supportconfig), and what xencfg reads:

================================  ==========================================  =======
output                            where                                       read
================================  ==========================================  =======
``booth list``                    sos booth.py (2026): booth/booth_list;      yes
                                  ``xencfg capture`` booth_list; no           (new)
                                  supportconfig (ha_info runs no booth)
``crm_ticket -L``                 none of them                                no
crm_mon XML ``<tickets>``         ``xencfg capture`` crm_mon_xml (XML always  yes
                                  prints every section); sos and              (new)
                                  supportconfig keep crm_mon's text only
CIB ``<ticket_state>``            sos 3.5+ crm_report/NODE/cib.xml (RUNNING), yes
                                  supportconfig ha.txt ``cibadmin -Q``        (new)
``virsh list --all`` (libxl)      sos virsh.py virsh/virsh_-r_list_--all;     yes
                                  supportconfig xen.txt ``virsh list`` up to
                                  supportutils 3.0 (2017: virt moved out)
``drbdsetup status -vs all``      sos 4.x drbd.py drbd/drbdsetup_status_-vs_  now
                                  all (``node-id:`` before ``role:``)         (fixed)
``drbdsetup status --json``       ``xencfg capture`` drbdsetup_status_json    yes
``drbdadm status`` (9.x text)     supportconfig drbd.txt (3.1, 2019+)         yes
quorum / client / peer-client     the two above (``quorum:no``, ``"quorum"``) yes
                                                                              (new)
``xl list``                       sos xen.py (xm only); supportconfig         yes
                                  xen.txt up to 3.0; ``xencfg capture``
================================  ==========================================  =======
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES
from roundtrip import loads_or_refused, mutate
from test_live_captures_round27 import copy, ls_findings
from xencfg import discover, lint, live
from xencfg.formats.status import booth_list, crm_mon, drbd_status

CAP = FIXTURES / "live-captures"
DRBD9 = CAP / "sos-4-drbd9-tiebreaker" / "sosreport-ash1-2026-12-07-tbrkqzx"
DRBD9_JSON = CAP / "capture-drbd9-json" / "ash1"
GEO = CAP / "sos-4-geo-booth" / "sosreport-pra1-2026-12-07-geobthx"
VIRT = CAP / "capture-sles12sp5-virtualdomain" / "vh1"
SCC12 = CAP / "scc-sles12sp5-drbd9" / "scc_vh1_261207_1200"
TREES = [DRBD9, DRBD9_JSON, GEO, VIRT, SCC12]

VS_ALL = "sos_commands/drbd/drbdsetup_status_-vs_all"
JSON_STATE = "var/lib/xencfg/state/drbdsetup_status_json.txt"
BOOTH = "sos_commands/booth/booth_list"
CIB_LIVE = "sos_commands/pacemaker/crm_report/pra1/cib.xml"
VIRSH = "var/lib/xencfg/state/virsh_list.txt"


@pytest.mark.parametrize("root", TREES, ids=["drbd9-vs", "drbd9-json", "geo", "virt", "scc-12"])
def test_a_capture_that_agrees_with_its_files_gives_no_drift(root: Path) -> None:
    assert ls_findings(root) == []


def test_each_tree_reads_its_captures() -> None:
    """sos 4's drbd.py runs ``drbdsetup status -vs all``, whose ``--verbose`` puts
    ``node-id:N`` before ``role:`` (drbd-utils drbdsetup.c ``resource_status``): the
    sniffer wanted ``role:`` second and the file was never read. sos's booth.py runs
    ``booth list``; crm_report's cib.xml beside RUNNING is ``cibadmin -Ql``."""

    def formats(root: Path) -> dict[str, str | None]:
        (node,) = discover.discover([str(root)]).nodes
        prefix = discover.display_path(root) + "/"
        return {f.display.removeprefix(prefix): f.format for f in node.files}

    assert formats(DRBD9)[VS_ALL] == "drbd-status"
    assert formats(DRBD9_JSON)[JSON_STATE] == "drbd-status"
    assert formats(GEO)[BOOTH] == "booth-list"
    assert formats(GEO)[CIB_LIVE] == "cib-live"
    assert formats(VIRT)[VIRSH] == "xl-list"
    assert live._BY_NAME["booth_list"].format == "booth-list"


# -- DRBD 9: quorum, diskless peers, the peers the files connect -----------------------


def test_verbose_status_keeps_quorum_and_diskless_clients() -> None:
    doc = drbd_status.parse((DRBD9 / VS_ALL).read_text())
    (res,) = doc.resources
    assert (res.name, res.role, res.suspended) == ("vm-web", "Primary", "no")
    assert [(v.volume, v.minor, v.disk, v.quorum) for v in res.volumes] == [
        (0, 11, "UpToDate", True)
    ]
    assert [(c.peer, c.state, c.peer_role) for c in res.connections] == [
        ("ash2", "Connected", "Secondary"),
        ("ash3", "Connected", "Secondary"),
    ]
    assert res.connections[1].volumes[0].peer_client is True
    assert doc.peers_named


def test_json_keeps_quorum_and_reads_suspended_false_as_running() -> None:
    """drbdsetup.c ``resource_status_json``: ``"suspended": %s`` of bool2json; the
    ``false`` was read as the word "false", which LS002 reported as suspended I/O."""
    doc = drbd_status.parse((DRBD9_JSON / JSON_STATE).read_text())
    (res,) = doc.resources
    assert res.suspended == "no"
    assert (res.volumes[0].quorum, res.volumes[0].client) == (True, False)
    assert [v.peer_client for c in res.connections for v in c.volumes] == [False, True]


def test_json_suspended_true_is_reported(tmp_path: Path) -> None:
    root = copy(DRBD9_JSON, tmp_path, {JSON_STATE: ('"suspended": false', '"suspended": true')})
    assert [c for c, _ in ls_findings(root)] == ["LS002"]
    assert "I/O suspended (yes)" in ls_findings(root)[0][1]


@pytest.mark.parametrize(
    ("root", "rel", "old", "new"),
    [
        (DRBD9, VS_ALL, "quorum:yes", "quorum:no"),
        (DRBD9_JSON, JSON_STATE, '"quorum": true', '"quorum": false'),
    ],
    ids=["text", "json"],
)
def test_ls030_a_volume_without_quorum(
    tmp_path: Path, root: Path, rel: str, old: str, new: str
) -> None:
    """drbdsetup.c ``device_status``: ``quorum:no`` printed whenever quorum is lost;
    ``device_status_json``: ``"quorum": false``."""
    got = ls_findings(copy(root, tmp_path, {rel: (old, new)}))
    assert [c for c, _ in got] == ["LS030"]
    assert "no quorum (volume 0; the files set quorum majority)" in got[0][1]


def test_ls030_from_a_sles12_supportconfig(tmp_path: Path) -> None:
    """supportutils 3.1's drbd_info logs ``drbdadm status`` (2019: "get few drbd output
    & configuration"), DRBD 9's text on SLES 12 SP5: quorum lost with ``on-no-quorum
    suspend-io`` shows ``suspended:quorum`` on the resource line (drbdsetup.c
    ``susp_str``) and ``quorum:no`` on the volume; the peers ``Connecting`` are LS002."""
    up = (
        "vm-web role:Primary\n  disk:UpToDate\n  vh2 role:Secondary\n    peer-disk:UpToDate\n"
        "  vh3 role:Secondary\n    peer-disk:Diskless peer-client:yes\n"
    )
    lost = (
        "vm-web role:Primary suspended:quorum\n  disk:UpToDate quorum:no\n"
        "  vh2 connection:Connecting\n  vh3 connection:Connecting\n"
    )
    got = ls_findings(copy(SCC12, tmp_path, {"drbd.txt": (up, lost)}))
    assert [c for c, _ in got] == ["LS030", "LS002", "LS002"]
    assert "I/O suspended (quorum)" in got[1][1]


def test_ls030_says_when_the_files_set_no_quorum(tmp_path: Path) -> None:
    root = copy(
        DRBD9,
        tmp_path,
        {
            VS_ALL: ("quorum:yes", "quorum:no"),
            "etc/drbd.d/global_common.conf": ("quorum majority;", "quorum off;"),
        },
    )
    (got,) = ls_findings(root)
    assert got[0] == "LS030" and "the files set no quorum (drbdadm adjust not run?)" in got[1]


def _without_ash3_text(text: str) -> str:
    return text[: text.index("  ash3")]


def test_ls031_the_tiebreaker_missing_from_the_kernel(tmp_path: Path) -> None:
    """The files' connection-mesh gives ash1 the peers ash2 and ash3 (drbdadm's
    create_connections_from_mesh); the running resource lists ash2 only."""
    root = tmp_path / "t"
    shutil.copytree(DRBD9, root)
    p = root / VS_ALL
    p.write_text(_without_ash3_text(p.read_text()))
    got = ls_findings(root)
    assert [c for c, _ in got] == ["LS031"]
    assert "without a connection to ash3" in got[0][1]


def test_ls031_from_json(tmp_path: Path) -> None:
    root = tmp_path / "t"
    shutil.copytree(DRBD9_JSON, root)
    p = root / JSON_STATE
    data = json.loads(p.read_text())
    data[0]["connections"] = data[0]["connections"][:1]
    p.write_text(json.dumps(data, indent=2))
    assert [c for c, _ in ls_findings(root)] == ["LS031"]


def test_ls031_leaves_drbd8_forms_alone() -> None:
    """DRBD 8.4's ``drbdadm status`` XML shows one unnamed peer: not judged."""
    xml = (CAP / "drbdadm-status-8.3.xml").read_text()
    assert not drbd_status.parse(xml).peers_named


# -- booth tickets -----------------------------------------------------------------------


def test_booth_list_both_generations() -> None:
    """booth 1.x src/ticket.c ``list_ticket``: ``leader: NONE`` (site_string(NULL)),
    ``expires`` only while owned, `` [manual mode]``; booth 0.x: ``owner: None``,
    ``expires`` always, ``ballot`` after it."""
    new = booth_list.parse(
        "ticket: web, leader: 10.93.1.100, expires: 2026-12-07 18:04:11\n"
        "ticket: db, leader: NONE\n"
        "ticket: man, leader: 10.93.2.100, expires: INF [manual mode]\n"
    )
    assert [(t.name, t.leader, t.expires, t.manual) for t in new.tickets] == [
        ("web", "10.93.1.100", "2026-12-07 18:04:11", False),
        ("db", None, None, False),
        ("man", "10.93.2.100", "INF", True),
    ]
    old = booth_list.parse("ticket: web, owner: None, expires: INF, ballot: 3\n")
    assert [(t.name, t.leader) for t in old.tickets] == [("web", None)]
    assert not booth_list.sniff("ticket web granted\n")


def test_crm_mon_xml_keeps_the_tickets() -> None:
    """Pacemaker 2.x ``pe__ticket_xml`` (1.1 ``print_cluster_ticket`` alike)."""
    doc = crm_mon.parse(
        '<pacemaker-result api-version="2.3" request="crm_mon --output-as=xml">\n'
        "  <tickets>\n"
        '    <ticket id="ticket-web" status="granted" standby="false" last-granted="x"/>\n'
        '    <ticket id="ticket-db" status="revoked" standby="true"/>\n'
        "  </tickets>\n"
        "</pacemaker-result>\n"
    )
    assert [(t.id, t.granted, t.standby, t.line) for t in doc.tickets] == [
        ("ticket-web", True, False, 3),
        ("ticket-db", False, True, 4),
    ]


@pytest.mark.parametrize(
    ("edits", "expected", "severity"),
    [
        (
            {BOOTH: ("leader: 10.93.1.100, expires: 2026-12-07 18:04:11", "leader: NONE"),
             CIB_LIVE: ('granted="true"', 'granted="false"')},
            "booth grants ticket 'ticket-web' to no site",
            "warning",
        ),
        (
            {BOOTH: ("leader: 10.93.1.100, expires: 2026-12-07 18:04:11", "leader: NONE")},
            "granted in pra1's CIB while booth grants it to no site",
            "warning",
        ),
        (
            {BOOTH: ("18:04:11\n", "18:04:11\n\nWARNING: The ticket ticket-web is granted to "
                     "multiple sites: 10.93.1.100, 10.93.2.100. Revoke the ticket from the "
                     "faulty sites.\n")},
            "granted to several sites (10.93.1.100, 10.93.2.100)",
            "error",
        ),
        (
            {BOOTH: ("ticket-web", "ticket-db")},
            "booth on pra1 does not know ticket 'ticket-web'",
            "warning",
        ),
    ],
    ids=["no-site", "by-hand", "two-sites", "unknown"],
)  # fmt: skip
def test_ls032_ticket_drift(
    tmp_path: Path, edits: dict[str, tuple[str, str]], expected: str, severity: str
) -> None:
    result = lint.run([str(copy(GEO, tmp_path, edits))], select=["LS"])
    assert [(f.code, f.severity) for f in result.findings] == [("LS032", severity)]
    assert expected in result.findings[0].message


def test_json_summary_shows_the_booth_tickets() -> None:
    cluster = lint.run([str(GEO)], select=["LS"]).cluster
    assert live.summary(cluster)["pra1"]["tickets"] == {
        "ticket-web": {"leader": "10.93.1.100", "expires": "2026-12-07 18:04:11", "sites": None}
    }


def test_ls032_leaves_an_unknown_ticket_to_a_second_booth(tmp_path: Path) -> None:
    """``booth list`` asks the default configuration's boothd (booth.conf); a node
    that also runs booth@other may hold the ticket there."""
    root = copy(GEO, tmp_path, {BOOTH: ("ticket-web", "ticket-db")})
    (root / "etc/booth/other.conf").write_text('site = 10.93.1.101\nticket = "ticket-web"\n')
    assert ls_findings(root) == []


def test_ls032_needs_an_rsc_ticket(tmp_path: Path) -> None:
    """No CIB needs the ticket: booth's view of it is nobody's drift."""
    root = copy(
        GEO,
        tmp_path,
        {
            BOOTH: ("leader: 10.93.1.100, expires: 2026-12-07 18:04:11", "leader: NONE"),
            CIB_LIVE: (
                '<rsc_ticket id="ticket-web-ip-geo" rsc="ip-geo" ticket="ticket-web" '
                'loss-policy="stop"/>',
                "",
            ),
        },
    )
    assert ls_findings(root) == []


# -- VirtualDomain (libvirt's libxl driver) ----------------------------------------------

WEB_ROW = " 3     web                            running"


def test_ls017_a_virtualdomain_guest_the_crm_says_started_that_virsh_lacks(
    tmp_path: Path,
) -> None:
    """resource-agents VirtualDomain: DOMAIN_NAME is the ``<name>`` line of the XML
    ``config`` names (web), not the resource id (vm-web)."""
    shut = " -     web                            shut off"
    got = ls_findings(copy(VIRT, tmp_path, {VIRSH: (WEB_ROW, shut)}))
    assert got == [
        (
            "LS017",
            "the CRM reports VirtualDomain resource 'vm-web' started on vh1; "
            "vh1's domain list has no domain web",
        )
    ]


def test_ls017_a_virtualdomain_guest_running_that_the_crm_says_stopped(tmp_path: Path) -> None:
    db = " -     db                             shut off"
    got = ls_findings(copy(VIRT, tmp_path, {VIRSH: (db, db.replace("-  ", "4  ").replace(
        "shut off", "running "))}))  # fmt: skip
    assert [c for c, _ in got] == ["LS017"]
    assert "domain db runs on vh1; the CRM reports its resource 'vm-db' stopped" in got[0][1]


def test_ls012_ls027_a_guest_started_by_hand_beside_virtualdomain_resources(
    tmp_path: Path,
) -> None:
    """LS012 judged Xen resources only, LS027 nodes with /etc/xen configs only: on a
    VirtualDomain cluster a transient guest (``virsh create /tmp/test.xml``: no
    /etc/libvirt/libxl/test.xml, libxl_conf.h ``LIBXL_CONFIG_DIR``) passed both."""
    extra = WEB_ROW + "\n 5     test                           running"
    got = ls_findings(copy(VIRT, tmp_path, {VIRSH: (WEB_ROW, extra)}))
    assert [c for c, _ in got] == ["LS012", "LS027"]
    assert all("domU 'test' runs on vh1" in m for _, m in got)


def test_ls017_does_not_call_a_guest_missing_when_its_xml_is_outside_the_run(
    tmp_path: Path,
) -> None:
    """A config on a shared volume the capture lacks: the name is a guess, so a
    domain list without it is not reported."""
    root = copy(
        VIRT,
        tmp_path,
        {
            "var/lib/pacemaker/cib/cib.xml": ("/etc/libvirt/libxl/web.xml", "/srv/vm/web.xml"),
            VIRSH: (WEB_ROW, " -     web                            shut off"),
        },
    )
    assert ls_findings(root) == []


# -- the parsers: lossless, and never a crash on mutated or hostile input ---------------

SAMPLES = [
    ("booth-list", GEO / BOOTH),
    ("booth-list", FIXTURES / "booth-list" / "valid" / "booth-0.1-list.txt"),
    ("drbd-status", DRBD9 / VS_ALL),
    ("drbd-status", DRBD9_JSON / JSON_STATE),
    ("crm-mon-xml", VIRT / "var/lib/xencfg/state/crm_mon_xml.txt"),
]


@pytest.mark.parametrize(("fmt", "path"), SAMPLES, ids=[p.name for _, p in SAMPLES])
def test_round_trip_is_byte_exact(fmt: str, path: Path) -> None:
    text = path.read_text()
    assert xencfg.dumps(xencfg.loads(text, fmt)) == text


@pytest.mark.parametrize(("fmt", "path"), SAMPLES, ids=[p.name for _, p in SAMPLES])
@given(data=st.data())
def test_mutated_captures_never_crash(fmt: str, path: Path, data: st.DataObject) -> None:
    text = path.read_text()
    mutated = mutate(data, text, '[]{}()"=:,/ \n\t\r\x00a1<>&;-', 6, 6)
    doc = loads_or_refused(mutated, fmt)
    if doc is None:
        return
    doc.to_dict()


def test_hostile_json_and_xml_are_refused_or_inert() -> None:
    """JSON nested past the recursion limit or with a number of 10,000 digits is a
    ParseError (not a traceback); crm_mon XML whose DOCTYPE declares entities is
    refused before anything is expanded or fetched (entities and network off)."""
    with pytest.raises(xencfg.ParseError):
        drbd_status.parse("[" * 100_000 + "]" * 100_000)
    with pytest.raises(xencfg.ParseError):
        drbd_status.parse('[{"name": "r", "devices": [{"quorum": ' + "9" * 10_000 + "}]}]")
    doc = drbd_status.parse('[{"name": "r", "devices": [{"quorum": "maybe", "client": []}]}]')
    assert (doc.resources[0].volumes[0].quorum, doc.resources[0].volumes[0].client) == (None, None)
    evil = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">'
        '<!ENTITY w "granted">]>\n<crm_mon version="1.1.23"><tickets>'
        '<ticket id="&e;" status="&w;" standby="false"/></tickets></crm_mon>\n'
    )
    with pytest.raises(xencfg.ParseError, match="declares entities"):
        crm_mon.parse(evil)


@given(st.text(alphabet="ticket:leadrowns ,NOE[]\n\t.0123456789WARNIG", max_size=400))
def test_booth_list_takes_any_text(text: str) -> None:
    """Lenient: any text parses (unknown lines kept), dumps as read."""
    doc = booth_list.parse(text)
    assert doc.dumps() == text
    assert all(t.name and t.leader != "NONE" for t in doc.tickets)
    booth_list.sniff(text)
