"""CB038: a CIB resource on a DRBD device that the CIB does not tie to the DRBD primary.

The oracle is Pacemaker 2.1.5's scheduler: ``crm_simulate -x CIB -S -G GRAPH`` on the
same CIB, with both nodes online and the master scores the drbd agent would set
(``master-drbd-r0``: xen2 preferred). :func:`oracle` reads where it starts the
Filesystem, where DRBD is promoted (or drbddisk started), and which actions the
Filesystem's start waits for in the transition graph. heartbeat 2 CIBs are simulated
after xencfg's conversion to Pacemaker 1.0 (2.1.5 reads no crm.dtd CIB), with the
``heartbeat`` class of drbddisk read as ``lsb`` (this build refuses the class: "Invalid
class for dd: heartbeat"; the scheduler treats both alike). A DRBD secondary refuses
the open (drbd_main.c ``drbd_open``: ``-EMEDIUMTYPE`` unless primary).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import shared_path, unavailable
from xencfg import lint
from xencfg.formats.cib.convert import convert

NODES = ("xen1", "xen2")
CIB = "var/lib/heartbeat/crm/cib.xml"

DRBD = """resource r0 {
  protocol C;{STARTUP}
  on xen1 { device /dev/drbd0; disk /dev/sda5;
    address 10.0.0.1:7788; meta-disk internal; }
  on xen2 { device /dev/drbd0; disk /dev/sda5;
    address 10.0.0.2:7788; meta-disk internal; }
}
"""
DOMU = 'name = "web"\nmemory = 512\ndisk = [ "{DISK},xvda,w" ]\n'


def _nv(prefix: str, pairs: dict[str, str], hb2: bool) -> str:
    body = "".join(f'<nvpair id="{prefix}-{k}" name="{k}" value="{v}"/>' for k, v in pairs.items())
    return f"<attributes>{body}</attributes>" if hb2 else body


def prim(rid: str, agent: str, params: dict[str, str], hb2: bool = False) -> str:
    parts = agent.split(":")
    cls = f'class="{parts[0]}"' + (f' provider="{parts[1]}"' if len(parts) == 3 else "")
    ia = f'<instance_attributes id="{rid}-ia">{_nv(rid, params, hb2)}</instance_attributes>'
    return f'<primitive id="{rid}" {cls} type="{parts[-1]}">{ia}</primitive>'


def master(hb2: bool = False, promotable_clone: bool = False) -> str:
    agent = "ocf:heartbeat:drbd" if hb2 else "ocf:linbit:drbd"
    inner = prim("drbd-r0", agent, {"drbd_resource": "r0"}, hb2)
    if hb2:
        meta = _nv("ms", {"master_max": "1", "clone_max": "2", "notify": "true"}, True)
        ia = f'<instance_attributes id="ms-ia">{meta}</instance_attributes>'
        return f'<master_slave id="ms-r0">{ia}{inner}</master_slave>'
    key = {"promotable": "true"} if promotable_clone else {"master-max": "1"}
    meta = _nv("ms", {**key, "clone-max": "2", "notify": "true"}, False)
    tag = "clone" if promotable_clone else "master"
    return (
        f'<{tag} id="ms-r0"><meta_attributes id="ms-meta">{meta}</meta_attributes>{inner}</{tag}>'
    )


def fs(hb2: bool = False, device: str = "/dev/drbd0") -> str:
    params = {"device": device, "directory": "/srv", "fstype": "ext3"}
    return prim("fs", "ocf:heartbeat:Filesystem", params, hb2)


DD = prim("dd", "heartbeat:drbddisk", {"1": "r0"}, True)
IP = prim("ip", "ocf:heartbeat:IPaddr2", {"ip": "10.0.0.50"})
XEN = prim("web", "ocf:heartbeat:Xen", {"xmfile": "/etc/xen/vm/web"})


def cib(
    resources: str, constraints: str = "", schema: str | None = "pacemaker-1.0", extra: str = ""
) -> str:
    """A two-node CIB (heartbeat 2's when ``schema`` is None) whose status has both
    nodes online and master scores preferring xen2."""
    hb2 = schema is None
    scores = {"master-drbd-r0": "", "master-drbd-r0:0": "", "master-drbd-r0:1": ""}
    states = ""
    for n, node in enumerate(NODES, 1):
        attrs = _nv(f"ta{n}", {k: "100" if n == 1 else "10000" for k in scores}, hb2)
        states += (
            f'<node_state id="{n}" uname="{node}" in_ccm="true" crmd="online" join="member"'
            f' expected="member"{" ha=" + chr(34) + "active" + chr(34) if hb2 else ""}>'
            f'<transient_attributes id="{n}"><instance_attributes id="ta{n}">{attrs}'
            "</instance_attributes></transient_attributes></node_state>"
        )
    ntype = "member" if schema and schema.startswith("pacemaker-3") else "normal"
    nodes = "".join(f'<node id="{n}" uname="{u}" type="{ntype}"/>' for n, u in enumerate(NODES, 1))
    head = (
        '<cib admin_epoch="0" epoch="1" num_updates="0" have_quorum="true" dc_uuid="1">'
        if hb2
        else f'<cib validate-with="{schema}" admin_epoch="0" epoch="1" num_updates="0"'
        ' have-quorum="1" dc-uuid="1">'
    )
    opts = _nv("o", {"stonith-enabled": "false"}, hb2)
    return (
        f'{head}\n <configuration>\n  <crm_config><cluster_property_set id="cps">{opts}'
        f"</cluster_property_set></crm_config>\n  <nodes>{nodes}</nodes>\n"
        f"  <resources>\n{resources}\n  </resources>\n"
        f"  <constraints>{constraints}</constraints>{extra}\n </configuration>\n"
        f" <status>{states}</status>\n</cib>\n"
    )


def tree(tmp_path: Path, text: str, *, startup: str = "", disk: str = "") -> Path:
    for node in NODES:
        etc = tmp_path / node / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d/ha.cf").write_text("node xen1 xen2\nbcast eth0\nbcast eth1\ncrm on\n")
        (etc / "ha.d/authkeys").write_text("auth 1\n1 sha1 a-long-secret-string-here\n")
        os.chmod(etc / "ha.d/authkeys", 0o600)
        (etc / "drbd.conf").write_text(DRBD.replace("{STARTUP}", startup))
        if disk:
            (etc / "xen/vm").mkdir(parents=True)
            (etc / "xen/vm/web").write_text(DOMU.replace("{DISK}", disk))
        (tmp_path / node / CIB).parent.mkdir(parents=True)
        (tmp_path / node / CIB).write_text(text)
    return tmp_path


def cb038(root: Path) -> list[tuple[str, str]]:
    found = lint.run([str(root / n) for n in NODES], select=["CB038"]).findings
    return [(f.severity, f.message) for f in found]


def oracle(text: str, tmp_path: Path, user: str = "fs") -> tuple[str, str, list[str]]:
    """``(node the user starts on, node DRBD is promoted on / drbddisk starts on, the
    actions the user's start waits for, directly or not)`` in crm_simulate's
    transition."""
    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")
    if "validate-with" not in text:
        text = convert(text).text.replace('class="heartbeat"', 'class="lsb"')
    path, graph = tmp_path / "sim.xml", tmp_path / "graph.xml"
    path.write_text(text)
    p = subprocess.run(
        [str(exe), "-x", str(path), "-S", "-G", str(graph)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = p.stdout
    started = re.search(rf"Resource action: {user} +start on (\S+)", out)
    primary = re.search(r"Resource action: (?:drbd-r0:\d +promote|dd +start) on (\S+)", out)
    assert started and primary, out
    waits: dict[str, list[str]] = {}
    for syn in etree.parse(str(graph)).iter("synapse"):
        action = syn.find("action_set/*")
        if action is not None:
            key = action.get("operation_key") or ""
            waits.setdefault(key, []).extend(
                t.get("operation_key") or "" for t in syn.findall("inputs/trigger/*")
            )
    inputs, todo = [], list(waits.get(f"{user}_start_0", []))
    while todo:  # (what it waits for, through pseudo actions such as g_start_0)
        key = todo.pop()
        if key not in inputs:
            inputs.append(key)
            todo += waits.get(key, [])
    return started.group(1), primary.group(1), inputs


PROMOTED = "ms-r0_confirmed-post_notify_promoted_0"


def pcmk10(constraints: str = "") -> str:
    """Pacemaker 1.0's form: a ``master``, a pacemaker-1.0 CIB."""
    return cib(master() + fs(), constraints)


def pcmk3(constraints: str, extra: str = "") -> str:
    """Pacemaker 2.1+'s form: a promotable clone, a pacemaker-3.7 CIB."""
    return cib(master(promotable_clone=True) + fs(), constraints, "pacemaker-3.7", extra)


COLO = '<rsc_colocation id="c" score="INFINITY" rsc="fs" with-rsc="ms-r0" with-rsc-role="{R}"/>'
ORDER = (
    '<rsc_order id="o" score="INFINITY" first="ms-r0" first-action="promote" then="fs"'
    ' then-action="start"/>'
)
PREFER = '<rsc_location id="l" rsc="fs" node="xen1" score="1000"/>'
SETS = (
    '<rsc_colocation id="c" score="INFINITY"><resource_set id="cs1"><resource_ref id="fs"/>'
    '</resource_set><resource_set id="cs2"{ROLE}><resource_ref id="ms-r0"/></resource_set>'
    '</rsc_colocation><rsc_order id="o"><resource_set id="os1" action="promote">'
    '<resource_ref id="ms-r0"/></resource_set><resource_set id="os2">'
    '<resource_ref id="fs"/></resource_set></rsc_order>'
)

_INF = 'score="INFINITY"'
#: an order of two sets: the promote of ms-r0 and of ip (unordered), then fs
REQUIRE_ALL = (
    '<rsc_order id="o"><resource_set id="os1" action="promote" sequential="false"{ALL}>'
    '<resource_ref id="ms-r0"/><resource_ref id="ip"/></resource_set>'
    '<resource_set id="os2"><resource_ref id="fs"/></resource_set></rsc_order>'
)
_MCOLO = COLO.replace("{R}", "Master")


def _life(n: str) -> str:
    """A ``lifetime`` whose date rule passed in 2009."""
    return (
        f'<lifetime><rule id="lt-{n}" score="INFINITY" boolean-op="and"><date_expression'
        f' id="lt-{n}-d" operation="lt" end="2009-01-01"/></rule></lifetime>'
    )


#: heartbeat 2's spelling (crm.dtd: the lifetime's id, the rule's boolean_op)
_HB2_LIFE = _life("h").replace("<lifetime>", '<lifetime id="lt">').replace("-op=", "_op=")


def _group(false: str, members: str) -> str:
    """Group g of ``members`` with the meta option ``false`` set to false."""
    meta = f'<meta_attributes id="gm"><nvpair id="gm-1" name="{false}" value="false"/>'
    return f'<group id="g">{meta}</meta_attributes>{members}</group>'


_GROUP_TIES = COLO.replace("{R}", "Master").replace('rsc="fs"', 'rsc="g"') + ORDER.replace(
    'then="fs"', 'then="g"'
)

#: name -> (CIB, what CB038 says or None, whether the scheduler starts fs on the node
#: where r0 is promoted, whether fs's start waits for the promotion)
MASTER_CASES: dict[str, tuple[str, tuple[str, str] | None, bool, bool]] = {
    # Pacemaker 1.0: no constraint -> fs on xen1, Promoted on xen2
    "none": (
        pcmk10(),
        ("error", "no colocation ties it to the Master (Promoted) role of 'ms-r0'"),
        False,
        False,
    ),
    # colocated with ms-r0 in any role: "Start fs (xen1)", "Promote drbd-r0:0 (xen2)"
    "any-role": (
        pcmk10(COLO.replace(' with-rsc-role="{R}"', "") + ORDER),
        ("error", "colocated with 'ms-r0' but not with its Master (Promoted) role"),
        False,
        True,
    ),
    # with the Master, no order: "fs start on xen2" is executed before "promote on xen2"
    "no-order": (
        pcmk10(COLO.replace("{R}", "Master")),
        ("error", "it is not ordered after the promote of 'ms-r0'"),
        True,
        False,
    ),
    # after the ms's start only: fs starts before the promotion
    "after-start": (
        pcmk10(
            COLO.replace("{R}", "Master")
            + '<rsc_order id="o" score="INFINITY" first="ms-r0" then="fs"/>',
        ),
        ("error", "it is ordered after the start of 'ms-r0', not after its promote"),
        True,
        False,
    ),
    # first-action promote without then-action: then-action defaults to promote (of fs:
    # nothing), so the scheduler starts fs before the promotion
    "then-action-promote": (
        pcmk10(
            COLO.replace("{R}", "Master")
            + '<rsc_order id="o" score="INFINITY" first="ms-r0" first-action="promote"'
            ' then="fs"/>',
        ),
        ("error", "it is not ordered after the promote of 'ms-r0'"),
        True,
        False,
    ),
    "good": (pcmk10(COLO.replace("{R}", "Master") + ORDER), None, True, True),
    # the Master placed with fs (the other way round): crm_simulate promotes on xen1,
    # where fs starts, against the master scores
    "master-with-fs": (
        pcmk10(
            '<rsc_colocation id="c" score="INFINITY" rsc="ms-r0" rsc-role="Master"'
            ' with-rsc="fs"/>' + ORDER
        ),
        None,
        True,
        True,
    ),
    # a colocation below INFINITY is a preference: a location of fs scoring xen1 1000
    # outweighs it ("Start fs (xen1)", "Promoted xen2"); a warning, as it depends on
    # the other scores; at INFINITY the same location does not separate them
    "finite": (
        pcmk10(PREFER + COLO.replace("{R}", "Master").replace("INFINITY", "500") + ORDER),
        ("warning", "its colocation with the Master of 'ms-r0' is below INFINITY"),
        False,
        True,
    ),
    "infinite": (pcmk10(PREFER + COLO.replace("{R}", "Master") + ORDER), None, True, True),
    # a group colocated and ordered as a whole covers its members
    "group": (
        cib(
            master() + '<group id="g">' + fs() + IP + "</group>",
            COLO.replace("{R}", "Master").replace('rsc="fs"', 'rsc="g"')
            + ORDER.replace('then="fs"', 'then="g"'),
        ),
        None,
        True,
        True,
    ),
    # Pacemaker 2.1+: a promotable clone and the Promoted role
    "promoted": (
        pcmk3(COLO.replace("{R}", "Promoted") + ORDER),
        None,
        True,
        True,
    ),
    "unpromoted": (
        pcmk3(COLO.replace("{R}", "Unpromoted") + ORDER),
        ("error", "colocated with 'ms-r0' but not with its Master (Promoted) role"),
        False,
        True,
    ),
    # resource sets (pacemaker-1.2+): the set's role and action
    "sets": (
        pcmk3(SETS.replace("{ROLE}", ' role="Promoted"')),
        None,
        True,
        True,
    ),
    "sets-no-role": (
        pcmk3(SETS.replace("{ROLE}", "")),
        ("error", "colocated with 'ms-r0' but not with its Master (Promoted) role"),
        False,
        True,
    ),
    # a tag (pacemaker-1.3+) naming fs in both constraints
    "tag": (
        pcmk3(
            (COLO.replace("{R}", "Promoted") + ORDER).replace('"fs"', '"t-fs"'),
            '<tags><tag id="t-fs"><obj_ref id="fs"/></tag></tags>',
        ),
        None,
        True,
        True,
    ),
    # a chain: fs with ip, ip with the Master; promote, then ip, then fs
    "chain": (
        cib(
            master() + fs() + IP,
            '<rsc_colocation id="c1" score="INFINITY" rsc="fs" with-rsc="ip"/>'
            + COLO.replace("{R}", "Master").replace('rsc="fs"', 'rsc="ip"')
            + ORDER.replace('then="fs"', 'then="ip"')
            + '<rsc_order id="o2" score="INFINITY" first="ip" then="fs"/>',
        ),
        None,
        True,
        True,
    ),
    # the same chain without ip's order: fs waits for ip only, which waits for nothing
    "chain-no-order": (
        cib(
            master() + fs() + IP,
            '<rsc_colocation id="c1" score="INFINITY" rsc="fs" with-rsc="ip"/>'
            + COLO.replace("{R}", "Master").replace('rsc="fs"', 'rsc="ip"')
            + '<rsc_order id="o2" score="INFINITY" first="ip" then="fs"/>',
        ),
        ("error", "it is not ordered after the promote of 'ms-r0'"),
        True,
        False,
    ),
    # heartbeat 2: from/to/to_role/action/to_action
    "hb2-none": (
        cib(master(hb2=True) + fs(hb2=True), schema=None),
        ("error", "no colocation ties it to the Master (Promoted) role of 'ms-r0'"),
        False,
        False,
    ),
    "hb2-good": (
        cib(
            master(hb2=True) + fs(hb2=True),
            '<rsc_order id="o" from="fs" action="start" type="after" to="ms-r0"'
            ' to_action="promote"/><rsc_colocation id="c" from="fs" to="ms-r0"'
            ' to_role="master" score="INFINITY"/>',
            None,
        ),
        None,
        True,
        True,
    ),
    "hb2-after-start": (
        cib(
            master(hb2=True) + fs(hb2=True),
            '<rsc_order id="o" from="fs" type="after" to="ms-r0"/><rsc_colocation id="c"'
            ' from="fs" to="ms-r0" to_role="master" score="INFINITY"/>',
            None,
        ),
        ("error", "it is ordered after the start of 'ms-r0', not after its promote"),
        True,
        False,
    ),
    # an Optional order (kind, or Pacemaker 1.0's score="0") applies when both actions
    # are in one transition: a start with the Master colocation always is with the
    # promote it needs (crm_simulate: fs_start_0 waits for the promotion): nothing
    "optional-order": (
        pcmk10(COLO.replace("{R}", "Master") + ORDER.replace(_INF, 'kind="Optional"')),
        None,
        True,
        True,
    ),
    "score-0-order": (
        pcmk10(COLO.replace("{R}", "Master") + ORDER.replace(_INF, 'score="0"')),
        None,
        True,
        True,
    ),
    # a constraint with a lifetime holds only while its rules do: crm_simulate drops
    # one whose date has passed ("Start fs (xen1)", "Promote drbd-r0:0 (xen2)"; fs
    # starts before the promotion): not a lasting tie
    "lifetime-colocation": (
        pcmk10(_MCOLO.replace("/>", f">{_life('c')}</rsc_colocation>") + ORDER),
        ("error", "no colocation ties it to the Master (Promoted) role of 'ms-r0'"),
        False,
        True,
    ),
    "lifetime-order": (
        pcmk10(_MCOLO + ORDER.replace("/>", f">{_life('o')}</rsc_order>")),
        ("error", "it is not ordered after the promote of 'ms-r0'"),
        True,
        False,
    ),
    # a group with collocated=false: the scheduler drops its INFINITY colocations
    # ("Cannot perform mandatory colocation between non-colocated group"): fs apart
    "group-not-collocated": (
        cib(master() + _group("collocated", IP + fs()), _GROUP_TIES),
        ("error", "no colocation ties it to the Master (Promoted) role of 'ms-r0'"),
        False,
        True,
    ),
    # kind="Serialize" (pacemaker-1.2+; constraints-3.7.rng): crm_simulate 2.1.5 still
    # makes fs_start_0 wait for the promotion when both are in one transition, as for
    # Optional: nothing; symmetrical="false" changes only the stop order: nothing
    "serialize-order": (
        pcmk3(COLO.replace("{R}", "Promoted") + ORDER.replace(_INF, 'kind="Serialize"')),
        None,
        True,
        True,
    ),
    "not-symmetrical": (
        pcmk3(COLO.replace("{R}", "Promoted") + ORDER.replace(_INF, _INF + ' symmetrical="false"')),
        None,
        True,
        True,
    ),
    # a set of require-all="false" (constraints-1.2.rng on): crm_simulate 2.1.5 makes
    # fs_start_0 wait for a "one-or-more:os1" pseudo action, which waits only for
    # ms-r0_promote_0 (the promotion beginning), not for its end: fs is not ordered
    # after the promotion. (With require-all left true this CIB blocks fs: "unrunnable
    # ip promote"; a set of require-all="false" with one member is that member.)
    "require-all-false": (
        cib(
            master(promotable_clone=True) + fs() + IP,
            COLO.replace("{R}", "Promoted") + REQUIRE_ALL.replace("{ALL}", ' require-all="false"'),
            "pacemaker-3.7",
        ),
        ("error", "it is not ordered after the promote of 'ms-r0'"),
        True,
        False,
    ),
    # ordered=false: the group's order after the promote still holds for each member
    "group-not-ordered": (
        cib(master() + _group("ordered", IP + fs()), _GROUP_TIES),
        None,
        True,
        True,
    ),
}


@pytest.mark.parametrize("name", MASTER_CASES)
def test_master_slave(name: str, tmp_path: Path) -> None:
    text, expected, _, _ = MASTER_CASES[name]
    found = cb038(tree(tmp_path, text))
    if expected is None:
        assert found == []
    else:
        assert [(s, expected[1] in m) for s, m in found] == [(expected[0], True)], found


@pytest.mark.parametrize("name", MASTER_CASES)
def test_master_slave_oracle(name: str, tmp_path: Path) -> None:
    """What the scheduler does with each CIB: the findings' claims."""
    text, _, together, after = MASTER_CASES[name]
    fs_node, promoted_on, inputs = oracle(text, tmp_path)
    assert (fs_node == promoted_on, PROMOTED in inputs) == (together, after), inputs


#: heartbeat 2's drbddisk: name -> (resources, constraints, what CB038 says, same node,
#: fs's start waits for dd's)
DISK_CASES: dict[str, tuple[str, str, tuple[str, str] | None, bool, bool]] = {
    # the group starts fs, then dd (dd_start_0 waits for fs_start_0)
    "group-after": (
        f'<group id="g">{fs(hb2=True)}{DD}</group>',
        "",
        ("error", "drbddisk 'dd' comes after it in group 'g'"),
        True,
        False,
    ),
    "group-before": (f'<group id="g">{DD}{fs(hb2=True)}</group>', "", None, True, True),
    # no constraint: "Start dd (xen1)", "Start fs (xen2)"
    "apart": (
        DD + fs(hb2=True),
        "",
        ("error", "no INFINITY colocation ties it to drbddisk 'dd'"),
        False,
        False,
    ),
    # colocated, not ordered: fs_start_0 waits for nothing of dd's (a race)
    "colocated": (
        DD + fs(hb2=True),
        '<rsc_colocation id="c" from="fs" to="dd" score="INFINITY"/>',
        ("warning", "it is not ordered after drbddisk 'dd'"),
        True,
        False,
    ),
    "colocated-ordered": (
        DD + fs(hb2=True),
        '<rsc_order id="o" from="fs" to="dd" type="after"/>'
        '<rsc_colocation id="c" from="fs" to="dd" score="INFINITY"/>',
        None,
        True,
        True,
    ),
    # heartbeat 2's group options (crm.dtd: ordered, collocated; an attribute, or an
    # nvpair in meta or instance attributes): ordered="false" starts dd and fs at once
    # (fs_start_0 waits for nothing of dd's: the race), collocated="false" places them
    # apart ("Start dd (xen1)", "Start fs (xen2)")
    "group-unordered": (
        f'<group id="g" ordered="false">{DD}{fs(hb2=True)}</group>',
        "",
        ("warning", "it is not ordered after drbddisk 'dd'"),
        True,
        False,
    ),
    "group-meta-unordered": (
        f'<group id="g"><meta_attributes id="gm"><attributes><nvpair id="gm-o" name="ordered"'
        f' value="false"/></attributes></meta_attributes>{DD}{fs(hb2=True)}</group>',
        "",
        ("warning", "it is not ordered after drbddisk 'dd'"),
        True,
        False,
    ),
    "group-not-collocated": (
        f'<group id="g" collocated="false">{DD}{fs(hb2=True)}</group>',
        "",
        ("error", "no INFINITY colocation ties it to drbddisk 'dd'"),
        False,
        True,
    ),
    "group-ia-not-collocated": (
        f'<group id="g"><instance_attributes id="gi"><attributes><nvpair id="gi-c"'
        f' name="collocated" value="false"/></attributes></instance_attributes>{DD}'
        f"{fs(hb2=True)}</group>",
        "",
        ("error", "no INFINITY colocation ties it to drbddisk 'dd'"),
        False,
        True,
    ),
    # heartbeat 2's lifetime (crm.dtd, with its id): a colocation whose date passed is
    # dropped (after the conversion, crm_simulate: dd on xen1, fs on xen2)
    "lifetime-colocation": (
        DD + fs(hb2=True),
        '<rsc_order id="o" from="fs" to="dd" type="after"/><rsc_colocation id="c" from="fs"'
        f' to="dd" score="INFINITY">{_HB2_LIFE}</rsc_colocation>',
        ("error", "no INFINITY colocation ties it to drbddisk 'dd'"),
        False,
        True,
    ),
    # ordered only: dd on xen1, fs on xen2
    "ordered": (
        DD + fs(hb2=True),
        '<rsc_order id="o" from="fs" to="dd" type="after"/>',
        ("error", "no INFINITY colocation ties it to drbddisk 'dd'"),
        False,
        True,
    ),
}


@pytest.mark.parametrize("name", DISK_CASES)
def test_drbddisk(name: str, tmp_path: Path) -> None:
    resources, constraints, expected, _, _ = DISK_CASES[name]
    found = cb038(tree(tmp_path, cib(resources, constraints, None)))
    if expected is None:
        assert found == []
    else:
        assert [(s, expected[1] in m) for s, m in found] == [(expected[0], True)], found


@pytest.mark.parametrize("name", DISK_CASES)
def test_drbddisk_oracle(name: str, tmp_path: Path) -> None:
    resources, constraints, _, together, after = DISK_CASES[name]
    fs_node, dd_node, inputs = oracle(cib(resources, constraints, None), tmp_path)
    assert (fs_node == dd_node, "dd_start_0" in inputs) == (together, after), inputs


def test_xen_guest_phy_disk(tmp_path: Path) -> None:
    """A Xen guest with ``phy:/dev/drbd0`` and no colocation: the scheduler starts web
    on xen1, promotes r0 on xen2 (oracle below); with ``drbd:r0`` block-drbd promotes
    the resource itself on the guest's node, so nothing is said."""
    text = cib(master() + XEN)
    found = cb038(tree(tmp_path / "phy", text, disk="phy:/dev/drbd0"))
    assert [(s, m.split(": ")[0]) for s, m in found] == [
        ("error", "Xen guest 'web' opens /dev/drbd0 of DRBD resource 'r0'")
    ]
    assert cb038(tree(tmp_path / "drbd", text, disk="drbd:r0")) == []
    web_node, promoted_on, _ = oracle(text, tmp_path, "web")
    assert web_node != promoted_on


def test_by_res_path(tmp_path: Path) -> None:
    found = cb038(tree(tmp_path, cib(master() + fs(device="/dev/drbd/by-res/r0"))))
    assert [s for s, _ in found] == ["error"]


def test_nothing_promotes(tmp_path: Path) -> None:
    """No drbd agent nor drbddisk: only the init script's ``become-primary-on`` makes
    r0 primary, at boot; a warning (the first start may work, a failover fails). With
    ``become-primary-on both`` and two primaries r0 is primary everywhere."""
    found = cb038(tree(tmp_path / "one", cib(fs())))
    assert [(s, "nothing in the CIB promotes it" in m) for s, m in found] == [("warning", True)]
    both = "\n  startup { become-primary-on both; }\n  net { allow-two-primaries; }"
    assert cb038(tree(tmp_path / "both", cib(fs()), startup=both)) == []


def test_no_drbd_device(tmp_path: Path) -> None:
    assert cb038(tree(tmp_path / "sdb", cib(master() + fs(device="/dev/sdb1")))) == []
    assert cb038(tree(tmp_path / "minor", cib(master() + fs(device="/dev/drbd7")))) == []


DRBD9 = """resource r0 {
  options { auto-promote {AUTO}; }
  on xen1 { node-id 0; device /dev/drbd0; disk /dev/sda5;
    address 10.0.0.1:7788; meta-disk internal; }
  on xen2 { node-id 1; device /dev/drbd0; disk /dev/sda5;
    address 10.0.0.2:7788; meta-disk internal; }
  connection-mesh { hosts xen1 xen2; }
}
"""


@pytest.mark.parametrize("auto", ["yes", "no"])
def test_drbd9_auto_promote(auto: str, tmp_path: Path) -> None:
    """DRBD 9 (inferred from ``node-id``) promotes on open (``auto-promote``, on by
    default): nothing that promotes and no order is needed; the placement still is (a
    peer already primary keeps the open from promoting)."""
    conf = DRBD9.replace("{AUTO}", auto)
    bare = tree(tmp_path / "bare", cib(fs()))
    unordered = tree(tmp_path / "unordered", pcmk10(COLO.replace("{R}", "Master")))
    apart = tree(tmp_path / "apart", pcmk10())
    for root in (bare, unordered, apart):
        for node in NODES:
            (root / node / "etc/drbd.conf").write_text(conf)
    promotes = auto == "yes"
    assert [s for s, _ in cb038(bare)] == ([] if promotes else ["warning"])
    assert [s for s, _ in cb038(unordered)] == ([] if promotes else ["error"])
    assert [s for s, _ in cb038(apart)] == ["error"]


DRBD9_VOLUMES = """resource r0 {
  options { auto-promote no; }
  volume 0 { device /dev/drbd0; disk /dev/sda5; meta-disk internal; }
  volume 1 { device /dev/drbd1; disk /dev/sda6; meta-disk internal; }
  on xen1 { node-id 0; address 10.0.0.1:7788; }
  on xen2 { node-id 1; address 10.0.0.2:7788; }
  connection-mesh { hosts xen1 xen2; }
}
"""


@pytest.mark.parametrize(
    ("conf", "device", "judged"),
    [
        (DRBD9_VOLUMES, "/dev/drbd/by-res/r0/1", True),
        (DRBD9_VOLUMES, "/dev/drbd/by-res/r0/0", True),
        (DRBD9_VOLUMES, "/dev/drbd/by-res/r0/7", False),
        (DRBD9_VOLUMES, "/dev/drbd/by-res/r0/01", False),
        (DRBD9.replace("{AUTO}", "no"), "/dev/drbd/by-res/r0", True),
        (DRBD9.replace("{AUTO}", "no"), "/dev/drbd/by-res/r0/0", True),
        (DRBD9.replace("{AUTO}", "no"), "/dev/drbd/by-res/r0/1", False),
    ],
)
def test_drbd9_by_res_volume(conf: str, device: str, judged: bool, tmp_path: Path) -> None:
    """DRBD 9 ``/dev/drbd/by-res/RES/VOL``: udev links a volume by its number as
    ``drbdadm sh-udev`` prints it (drbd-utils 9.22, run here: ``SYMLINK_BY_RES=
    drbd/by-res/r0/1`` for volume 1, ``drbd/by-res/r9`` for an implicit volume);
    a number the resource has no volume of names no DRBD device (no CB038: the path
    does not exist). An implicit volume's ``RES/0`` is taken as volume 0
    (``udev-always-use-vnr`` links it so). Without any tie, the devices that exist are
    the error."""
    root = tree(tmp_path, pcmk10().replace("/dev/drbd0", device))
    for node in NODES:
        (root / node / "etc/drbd.conf").write_text(conf)
    assert [s for s, _ in cb038(root)] == (["error"] if judged else [])


#: (what is taken out of the upstream CIB, what CB038 then says)
UPSTREAM_EDITS = [
    ("", None),
    (' to_role="master"', "colocated with 'ms-drbd0' but not with its Master (Promoted) role"),
    (' to_action="promote"', "it is ordered after the start of 'ms-drbd0', not after its promote"),
]


@pytest.mark.parametrize(("cut", "expected"), UPSTREAM_EDITS)
def test_upstream_heartbeat2_cib(cut: str, expected: str | None, tmp_path: Path) -> None:
    """Pacemaker's pengine test novell-239079 (a heartbeat 2 CIB of two dom0s, read in
    place): fs_1 on /dev/drbd0 ``to_role="master"`` of ms-drbd0 and after its
    ``to_action="promote"``: nothing to say; without either, the error."""
    text = shared_path("oracle", "cib", "upstream-test06", "novell-239079.xml").read_text()
    assert cut in text
    for node in ("xen-1", "xen-2"):
        etc = tmp_path / node / "etc"
        etc.mkdir(parents=True)
        (etc / "drbd.conf").write_text(DRBD.replace("{STARTUP}", "").replace("xen", "xen-"))
        (tmp_path / node / CIB).parent.mkdir(parents=True)
        (tmp_path / node / CIB).write_text(text.replace(cut, "") if cut else text)
    found = lint.run([str(tmp_path / n) for n in ("xen-1", "xen-2")], select=["CB038"]).findings
    assert [expected in f.message for f in found] == ([] if expected is None else [True])
