"""CIB lint truth on the CIBs of Pacemaker 1.1 and 2.x (``cibadmin -Q`` output, crm shell
ids, guest and remote nodes, the ``validate-with`` names each release knows).

Lint's errors and warnings were compared with crm_verify 2.1.5 (oracle/peers/README.md) on
Pacemaker's own scheduler test CIBs of Pacemaker-1.1.12 (pengine/test10) and
Pacemaker-2.1.5 (cts/scheduler/xml) and on CIBs written as admins write them. The
sources quoted are ClusterLabs/pacemaker at the tag named in each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from xencfg import lint
from xencfg.versions import parse_targets

#: A two-node Xen cluster as Pacemaker 2.1.5's ``cibadmin -Q`` prints it (pcs-style ids),
#: with a fencing device (a power switch serving both nodes); ``{VW}``, ``{DC}``,
#: ``{RESOURCES}`` and ``{CONSTRAINTS}`` are filled in per test.
CIB = """<cib crm_feature_set="3.16.2" validate-with="{VW}" epoch="7"
     num_updates="0" admin_epoch="0" have-quorum="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-dc-version" name="dc-version" value="{DC}"/>
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="xen1"/>
      <node id="2" uname="xen2"/>
    </nodes>
    <resources>
      <primitive class="stonith" id="fence-xen1" type="fence_ipmilan">
        <instance_attributes id="fence-xen1-instance_attributes">
          <nvpair id="fence-xen1-instance_attributes-ip" name="ip" value="10.0.1.1"/>
          <nvpair id="fence-xen1-ia-hosts" name="pcmk_host_list" value="xen1 xen2"/>
        </instance_attributes>
        <operations>
          <op id="fence-xen1-monitor-interval-60s" interval="60s" name="monitor"/>
        </operations>
      </primitive>
{RESOURCES}
    </resources>
    <constraints>
{CONSTRAINTS}
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="xen1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="xen2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
"""

XEN_GUEST = """      <primitive class="ocf" id="vm-web" provider="heartbeat" type="Xen">
        <instance_attributes id="vm-web-instance_attributes">
          <nvpair id="vm-web-instance_attributes-xmfile" name="xmfile" value="/etc/xen/vm/web"/>
        </instance_attributes>
        <meta_attributes id="vm-web-meta_attributes">
          <nvpair id="vm-web-meta_attributes-remote-node" name="remote-node" value="{GUEST}"/>
        </meta_attributes>
        <operations>
          <op id="vm-web-monitor-interval-10s" interval="10s" name="monitor"/>
        </operations>
      </primitive>
      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">
        <operations>
          <op id="app-monitor-interval-10s" interval="10s" name="monitor"/>
        </operations>
      </primitive>"""

REMOTE = """      <primitive class="ocf" id="{REMOTE}" provider="pacemaker" type="remote">
        <instance_attributes id="remote-instance_attributes">
          <nvpair id="remote-instance_attributes-server" name="server" value="10.0.0.9"/>
        </instance_attributes>
        <operations>
          <op id="remote-monitor-interval-60s" interval="60s" name="monitor"/>
        </operations>
      </primitive>
      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">
        <operations>
          <op id="app-monitor-interval-10s" interval="10s" name="monitor"/>
        </operations>
      </primitive>"""


def cib(
    tmp_path: Path,
    *,
    vw: str = "pacemaker-3.9",
    dc: str = "2.1.5-a3f44794f94",
    resources: str = "",
    constraints: str = "",
    name: str = "cib.xml",
) -> Path:
    text = (
        CIB.replace("{VW}", vw)
        .replace("{DC}", dc)
        .replace("{RESOURCES}", resources)
        .replace("{CONSTRAINTS}", constraints)
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def findings(path: Path, code: str, *targets: str) -> list[tuple[str, str, int, str]]:
    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], select=[code], force_format="cib", versions=versions)
    return [(f.code, f.severity, f.line, f.message) for f in result.findings]


# -- CB002: guest and remote nodes are nodes -------------------------------------------


@pytest.mark.parametrize(
    "resources,node",
    [
        (XEN_GUEST.replace("{GUEST}", "web-guest"), "web-guest"),
        (REMOTE.replace("{REMOTE}", "remote1"), "remote1"),
        # a guest node inside a group is read too (unpack_remote_nodes walks a group's
        # members); the match is case-insensitive (pe_find_node: pcmk__str_casei)
        (
            '      <group id="g-web">\n'
            + XEN_GUEST.replace("{GUEST}", "web-guest").split(
                '      <primitive class="ocf" id="app"'
            )[0]
            + "      </group>\n"
            + '      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy"/>',
            "WEB-GUEST",
        ),
    ],
    ids=["guest-node", "remote-node", "guest-in-group"],
)
def test_cb002_location_on_guest_or_remote_node(tmp_path: Path, resources: str, node: str) -> None:
    """Pacemaker 1.1.10 and later make nodes of resources: Pacemaker-2.1.5
    lib/pengine/unpack.c ``unpack_remote_nodes`` (l.625-690) creates a node named by the
    id of each top-level ``ocf:pacemaker:remote`` primitive (remote.c
    ``xml_contains_remote_node``) and by the ``remote-node`` meta attribute of a
    primitive, alone or in a group (``expand_remote_rsc_meta``). A location on such a
    node names a node: crm_verify accepts the CIB, and CB002 was a false error on
    Pacemaker's own bug-rh-1097457.xml and container-is-remote-node.xml (1.1.12
    pengine/test10). A misspelt node stays an error."""
    good = cib(
        tmp_path,
        resources=resources,
        constraints=f'<rsc_location id="app-on-guest" rsc="app" node="{node}" score="-INFINITY"/>',
    )
    assert findings(good, "CB002") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    misspelt = node.lower().replace("e", "", 1)  # web-guest -> wb-guest, remote1 -> rmote1
    bad = cib(
        tmp_path,
        resources=resources,
        constraints=f'<rsc_location id="app-on-guest" rsc="app" node="{misspelt}" '
        'score="-INFINITY"/>',
        name="bad.xml",
    )
    [(code, severity, _, message)] = findings(bad, "CB002")
    assert (code, severity) == ("CB002", "error")
    assert f"'{misspelt}'" in message and node.lower() in message.lower()


@pytest.mark.parametrize(
    "node,severity",
    [
        ("xen-2", "error"),  # close to xen2: a misspelt ban, the resource may run there
        ("XEN2.example.com", "error"),  # xen2's FQDN: uname is the short name
        ("oldnode", "warning"),  # like no node: a ban left for a node that has left
    ],
)
def test_cb002_ban_on_unknown_node_error_only_when_misspelt(
    tmp_path: Path, node: str, severity: str
) -> None:
    """A ``-INFINITY`` location on a name no cluster node has: crm_simulate 2.1.5 starts
    the resource on the node the name was meant for when it is a misspelling (the DOC
    of CB002), which is the hazard; a ban that ``crm_resource --ban`` left for a node
    that has since left (ClusterLabs/pcs' cib-all.xml has such a location) constrains
    nothing that exists, and crm_verify 2.1.5 accepts the CIB with a warning at most:
    a warning, never an error."""
    resources = '<primitive class="ocf" id="app" provider="heartbeat" type="Dummy"/>'
    path = cib(
        tmp_path,
        resources=resources,
        constraints=f'<rsc_location id="ban" rsc="app" node="{node}" score="-INFINITY"/>',
    )
    [(code, found, _, message)] = findings(path, "CB002")
    assert (code, found) == ("CB002", severity), message
    assert ("if it was meant for 'xen2'" in message) == (severity == "error")
    rc, out = crm_verify_file(path)
    assert rc == 0, out


def test_cb002_remote_node_needs_pacemaker_remote_agent(tmp_path: Path) -> None:
    """Only ``ocf:pacemaker:remote`` makes a remote node of its id (remote.c
    ``xml_contains_remote_node`` checks class, provider and type): a location on the id
    of another primitive names no node. ``remote1`` is like neither cluster node's
    name, so it is CB002's warning (a ban on a node that does not exist)."""
    resources = REMOTE.replace("{REMOTE}", "remote1").replace(
        'provider="pacemaker" type="remote"', 'provider="heartbeat" type="Dummy"'
    )
    path = cib(
        tmp_path,
        resources=resources,
        constraints='      <rsc_location id="l" rsc="app" node="remote1" score="-INFINITY"/>',
    )
    assert [(c, s) for c, s, _, _ in findings(path, "CB002")] == [("CB002", "warning")]


# -- the schema a CIB declares bounds the release that runs it -------------------------

PROMOTABLE = """      <clone id="drbd-r0-clone">
        <primitive class="ocf" id="drbd-r0" provider="linbit" type="drbd">
          <instance_attributes id="drbd-r0-instance_attributes">
            <nvpair id="drbd-r0-instance_attributes-drbd_resource" name="drbd_resource" value="r0"/>
          </instance_attributes>
          <operations>
            <op id="drbd-r0-mon-29s" interval="29s" name="monitor" role="{PROMOTED}"/>
            <op id="drbd-r0-mon-31s" interval="31s" name="monitor" role="{UNPROMOTED}"/>
          </operations>
        </primitive>
        <meta_attributes id="drbd-r0-clone-meta_attributes">
          <nvpair id="drbd-r0-clone-ma-promotable" name="promotable" value="true"/>
          <nvpair id="drbd-r0-clone-ma-target-role" name="target-role" value="{PROMOTED}"/>
          <nvpair id="drbd-r0-clone-ma-notify" name="notify" value="true"/>
        </meta_attributes>
      </clone>"""


def promotable(promoted: str = "Promoted", unpromoted: str = "Unpromoted") -> str:
    return PROMOTABLE.replace("{PROMOTED}", promoted).replace("{UNPROMOTED}", unpromoted)


def test_cb028_promoted_in_a_pacemaker_3_7_cib_with_a_stale_dc_version(tmp_path: Path) -> None:
    """``target-role="Promoted"`` is a role since Pacemaker 2.1.0 (2.1.5
    lib/pengine/common.c ``text2role`` knows it; 1.1.24's knows Stopped, Started, Slave,
    Master only). A CIB declaring ``validate-with="pacemaker-3.7"`` runs on 2.1.0 or later
    (pacemaker-3.7's rng files first appear at tag Pacemaker-2.1.0; an older release has
    no such schema and refuses the CIB), whatever a stale ``dc-version`` says: CB028 was
    a false error on Pacemaker's own bug-lf-2544.xml and promoted-pseudo.xml (2.1.5
    cts/scheduler/xml, pacemaker-3.7 with dc-version 1.1.x), which crm_verify accepts.
    Under pacemaker-2.10 (Pacemaker 1.1.18 to 1.1.24, which refuse Promoted) it stays."""
    path = cib(tmp_path, vw="pacemaker-3.7", dc="1.1.6-b988976485", resources=promotable())
    assert findings(path, "CB028") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    old = cib(
        tmp_path,
        vw="pacemaker-2.10",
        dc="1.1.18-2b07d5c5a9",
        resources=promotable("Master", "Slave").replace(
            'name="target-role" value="Master"', 'name="target-role" value="Promoted"'
        ),
        name="old.xml",
    )
    assert [(c, s) for c, s, _, _ in findings(old, "CB028")] == [("CB028", "error")]


def test_cb027_stop_on_fail_stop_in_a_pacemaker_3_0_cib_with_a_stale_dc_version(
    tmp_path: Path,
) -> None:
    """``on-fail="stop"`` on a stop operation is reset to the default since 2.0.5
    (Pacemaker-2.1.5 lib/pengine/utils.c ``unpack_operation_on_fail``: "Resetting
    'on-fail' for %s stop action to default value because 'stop' is not allowed for stop",
    which crm_verify prints once a stop of the resource is scheduled, as in that CIB's
    status section). A pacemaker-3.0 CIB runs on 2.0.0 or later,
    so the rule no longer takes a stale ``dc-version 1.0.x`` for the release in force:
    CB027 missed clone-anon-failcount.xml (2.1.5 cts/scheduler/xml), where crm_verify
    says exactly this. A pacemaker-1.0 CIB of dc-version 1.0.x stays quiet (1.0 runs
    the stop op's on-fail as written)."""
    dummy = """      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">
        <operations>
          <op id="app-monitor-interval-10s" interval="10s" name="monitor"/>
          <op id="app-stop-interval-0s" interval="0s" name="stop" timeout="60s" on-fail="stop"/>
        </operations>
      </primitive>"""
    path = cib(tmp_path, vw="pacemaker-3.0", dc="1.0.8-9881a7350d6", resources=dummy)
    assert [(c, s) for c, s, _, _ in findings(path, "CB027")] == [("CB027", "error")]
    old = cib(tmp_path, vw="pacemaker-1.0", dc="1.0.8-9881a7350d6", resources=dummy, name="o.xml")
    assert findings(old, "CB027") == []


# -- CB001: a remote node's <node> shares its connection resource's id -----------------


def test_cb001_remote_node_entry_shares_the_resource_id(tmp_path: Path) -> None:
    """A node's id is plain text, no XML ID, in every schema (nodes-1.0.rng to
    nodes-3.9.rng: ``<attribute name="id"><text/></attribute>``), and Pacemaker 1.1 and
    later write a remote node's ``<node id="remote1" type="remote">`` beside the
    ``ocf:pacemaker:remote`` primitive ``remote1`` (Pacemaker's own
    bundle-nested-colocation.xml and bundle-order-stop-on-remote.xml, 2.1.5
    cts/scheduler/xml): crm_verify accepts it, CB001 called it a duplicate id. Two
    primitives of one id stay an error."""
    resources = REMOTE.replace("{REMOTE}", "remote1")
    path = cib(tmp_path, resources=resources)
    text = path.read_text().replace(
        '<node id="2" uname="xen2"/>',
        '<node id="2" uname="xen2"/>\n      <node id="remote1" type="remote" uname="remote1"/>',
    )
    path.write_text(text)
    assert findings(path, "CB001") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    path.write_text(text.replace('id="app" provider', 'id="remote1" provider'))
    assert [(c, s) for c, s, _, _ in findings(path, "CB001")] == [("CB001", "error")]


# -- CB002: bundles, and resources inside clones ----------------------------------------

BUNDLE = """      <bundle id="web-bundle">
        <docker image="pcmk:web" replicas="2"/>
        <network ip-range-start="192.168.122.131" control-port="3121"/>
        <primitive class="ocf" id="web" provider="heartbeat" type="apache"/>
      </bundle>
      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy"/>"""


def test_cb002_bundle_and_its_replica_nodes(tmp_path: Path) -> None:
    """A constraint may name a bundle (pacemaker-2.8 and later; resources-3.9.rng
    ``<element name="bundle">`` with an ID), and a bundle holding a primitive with an
    ``ip-range-start`` or ``control-port`` makes a guest node per replica named
    ``BUNDLE-N`` (Pacemaker-2.1.5 lib/pengine/bundle.c ``create_remote_resource``:
    ``crm_strdup_printf("%s-%d", data->prefix, replica->offset)``; ``replicas`` default
    to promoted-max, else 1). CB002 called ``rsc="redis-bundle"`` undefined and
    ``node="rabbitmq-bundle-0"`` no node on Pacemaker's own bundle-*.xml; crm_verify
    accepts both. Replica 2 of two does not exist."""
    constraints = """<rsc_colocation id="c" rsc="app" with-rsc="web-bundle" score="INFINITY"/>
      <rsc_location id="l" rsc="app" node="web-bundle-1" score="-INFINITY"/>"""
    path = cib(tmp_path, vw="pacemaker-3.0", resources=BUNDLE, constraints=constraints)
    assert findings(path, "CB002") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    over = cib(
        tmp_path,
        vw="pacemaker-3.0",
        resources=BUNDLE,
        constraints=constraints.replace("web-bundle-1", "web-bundle-2"),
        name="over.xml",
    )
    [(code, severity, _, message)] = findings(over, "CB002")
    assert (code, severity) == ("CB002", "error") and "'web-bundle-2'" in message


def test_cb002_constraint_on_the_primitive_inside_a_master_slave(tmp_path: Path) -> None:
    """A DRBD master/slave's primitive is no name a constraint can use: the scheduler
    renames it to instances (``drbd-r0:0``), and Pacemaker-2.1.5
    lib/pacemaker/pcmk_sched_constraints.c ``pcmk__find_constraint_resource`` matches an
    instance by ``clone_name`` only, which is set from history in the status section.
    crm_verify 2.1.5 on such a CIB with an empty status: "Ignoring constraint 'vm-with-
    drbd' because 'drbd-r0' is not a valid resource or tag", "config not valid" (also on
    Pacemaker's master-ordering.xml, which lint missed). Naming the clone is right; with
    the instance's history in the status crm_verify accepts it (whitebox-ms-ordering.xml),
    and CB002 warns: a cleanup clears that history."""
    resources = (
        promotable()
        + "\n"
        + XEN_GUEST.replace("{GUEST}", "web-guest")
        .split('      <primitive class="ocf" id="app"')[0]
        .replace(
            """        <meta_attributes id="vm-web-meta_attributes">
          <nvpair id="vm-web-meta_attributes-remote-node" name="remote-node" value="web-guest"/>
        </meta_attributes>
""",
            "",
        )
    )
    colo = (
        '<rsc_colocation id="vm-with-drbd" rsc="vm-web" with-rsc="{W}"'
        ' with-rsc-role="Promoted" score="INFINITY"/>'
    )
    bad = cib(tmp_path, resources=resources, constraints=colo.replace("{W}", "drbd-r0"))
    [(code, severity, _, message)] = findings(bad, "CB002")
    assert (code, severity) == ("CB002", "error") and "inside clone 'drbd-r0-clone'" in message
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out
    good = cib(
        tmp_path,
        resources=resources,
        constraints=colo.replace("{W}", "drbd-r0-clone"),
        name="good.xml",
    )
    assert findings(good, "CB002") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    history = bad.read_text().replace(
        '<node_state id="1" uname="xen1" in_ccm="true" crmd="online" join="member"'
        ' expected="member"/>',
        """<node_state id="1" uname="xen1" in_ccm="true" crmd="online" join="member"
      expected="member">
      <lrm id="1">
        <lrm_resources>
          <lrm_resource id="drbd-r0" type="drbd" class="ocf" provider="linbit"/>
        </lrm_resources>
      </lrm>
    </node_state>""",
    )
    bad.write_text(history)
    [(code, severity, _, _)] = findings(bad, "CB002")
    assert (code, severity) == ("CB002", "warning")


# -- CB030: two recurring operations of one name and interval ---------------------------


@pytest.mark.parametrize(
    "promoted,unpromoted,dialect",
    [
        ("Promoted", "Unpromoted", "pacemaker-3.9"),
        ("Master", "Slave", "pacemaker-1.2"),
    ],
)
def test_cb030_one_monitor_interval_for_both_roles(
    tmp_path: Path, promoted: str, unpromoted: str, dialect: str
) -> None:
    """Pacemaker-2.1.5 lib/pacemaker/pcmk_sched_recurring.c ``is_op_dup`` (l.58-85)
    keys a recurring operation by name and interval, not role: "Operation drbd-r0-mon-31s
    is duplicate of drbd-r0-mon-29s (do not use same name and interval combination more
    than once per resource)", a configuration error, and ``is_recurring_history`` skips
    both. Pacemaker-1.0.8 and 1.1.x pengine/native.c ``is_op_dup``: "Operation %s is a
    duplicate of %s" and RecurringOp returns. crm_verify 2.1.5 says so on this CIB; CB030
    agreed with it on all 41 of Pacemaker's scheduler CIBs where it reports the pair and
    crm_verify reaches scheduling. Different intervals (29s and 31s) are right."""
    resources = promotable(promoted, unpromoted).replace('interval="31s"', 'interval="29s"')
    bad = cib(tmp_path, vw=dialect, resources=resources)
    [(code, severity, line, message)] = findings(bad, "CB030")
    assert (code, severity) == ("CB030", "error") and "every 29s" in message
    assert (
        'interval="29s" name="monitor" role="' + unpromoted
        in bad.read_text().splitlines()[line - 1]
    )
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out
    good = cib(tmp_path, vw=dialect, resources=promotable(promoted, unpromoted), name="g.xml")
    assert findings(good, "CB030") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


def test_cb030_intervals_compared_in_milliseconds(tmp_path: Path) -> None:
    """Pacemaker 2.x compares the parsed interval (``xe_interval``, crm_parse_interval_spec:
    a bare number is seconds), so ``10`` and ``10s`` are one interval; a non-recurring
    operation (interval 0) is not keyed this way."""
    ops = """      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">
        <operations>
          <op id="app-mon-a" interval="10" name="monitor"/>
          <op id="app-mon-b" interval="10s" name="monitor" timeout="30s"/>
          <op id="app-start" interval="0" name="start"/>
          <op id="app-start-again" interval="0s" name="start" timeout="90s"/>
        </operations>
      </primitive>"""
    path = cib(tmp_path, resources=ops)
    assert [(c, line) for c, _, line, _ in findings(path, "CB030")] == [("CB030", 27)]
    assert "app-mon-b" in path.read_text().splitlines()[26]


# -- CB031: a validate-with the release in force does not know -------------------------


@pytest.mark.parametrize("name", ["pacemaker-1.1", "pacemaker-0.7", "Pacemaker-0.6"])
def test_cb031_names_pacemaker_2_dropped(tmp_path: Path, name: str) -> None:
    """Pacemaker 1.0 and 1.1 knew ``pacemaker-0.6``, ``transitional-0.6``,
    ``pacemaker-0.7`` and ``pacemaker-1.1`` (Pacemaker-1.1.7 lib/common/xml.c
    ``known_schemas``; 1.1.12-1.1.24 schemas.c "1.1 was the old name for -next");
    Pacemaker-2.0.0 lib/common/schemas.c has none of them, and 2.1.5's
    ``get_schema_version`` (case-insensitive) finds no such schema: crm_verify 2.1.5
    says "CIB did not pass schema validation", "config not valid". Under ``--target
    pacemaker=2.1`` CB031 says so (on 321 of Pacemaker's 1.1-era scheduler CIBs, all
    refused by crm_verify); on the 1.1 cluster the CIB names it is fine."""
    path = cib(tmp_path, vw=name, dc="1.1.8-7.el6-394e906", resources=promotable("Master", "Slave"))
    [(code, severity, line, message)] = findings(path, "CB031", "pacemaker=2.1")
    assert (code, severity, line) == ("CB031", "error", 1) and f'"{name}"' in message
    assert findings(path, "CB031") == []  # dc-version 1.1.8: the release that wrote it
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out


def test_cb031_schema_newer_than_the_release(tmp_path: Path) -> None:
    """pacemaker-3.7 came with Pacemaker 2.1.0 (its rng files first appear at tag
    Pacemaker-2.1.0; 2.0.5's newest is 3.5), so 2.0.5 refuses a CIB declaring it. A
    declared ``2.1`` may be any 2.1.x (none is older than 2.1.0), and a declared ``1.1``
    is not surely older than 1.1.12 (pacemaker-2.0): neither is reported. crm_verify 2.1.5
    (which knows up to pacemaker-3.9) accepts the 3.7 CIB."""
    path = cib(tmp_path, vw="pacemaker-3.7", resources=promotable())
    [(code, _, _, message)] = findings(path, "CB031", "pacemaker=2.0.5")
    assert code == "CB031" and "needs Pacemaker 2.1.0 or later" in message
    assert findings(path, "CB031", "pacemaker=2.1") == []
    assert findings(path, "CB031") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    two = cib(tmp_path, vw="pacemaker-2.0", resources=promotable("Master", "Slave"), name="2.xml")
    assert findings(two, "CB031", "pacemaker=1.1") == []
    assert [c for c, _, _, _ in findings(two, "CB031", "pacemaker=1.1.11")] == ["CB031"]


def test_cb031_a_name_no_release_knows(tmp_path: Path) -> None:
    """A typo is refused by every release (``get_schema_version`` returns -1: crm_verify
    2.1.5 "config not valid"); a ``pacemaker-X.Y`` newer than every release xencfg knows
    may be a later release's and is left alone."""
    bad = cib(tmp_path, vw="pacemaker1.2", resources=promotable())
    assert [c for c, _, _, _ in findings(bad, "CB031")] == ["CB031"]
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out
    future = cib(tmp_path, vw="pacemaker-4.0", resources=promotable(), name="f.xml")
    assert findings(future, "CB031") == []


# -- CB023: the cluster options pacemaker-3.x refuses -----------------------------------


def _with_options(path: Path) -> Path:
    text = path.read_text().replace(
        '<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>',
        '<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith_enabled" value="true"/>\n'
        '        <nvpair id="o-stick" name="default-resource-stickiness" value="100"/>',
    )
    path.write_text(text)
    return path


def test_cb023_cluster_options_a_pacemaker_3_schema_refuses(tmp_path: Path) -> None:
    """options-3.0.rng to options-3.9.rng (Pacemaker 2.0.0 to 2.1.5) refuse, in a
    ``cluster_property_set``, the names upgrade-2.10.xsl renames or moves
    (``stonith_enabled``, ``default-resource-stickiness``, ...): crm_verify 2.1.5 says
    "Element cluster_property_set failed to validate content", "config not valid". The
    same CIB declared pacemaker-2.10 is converted in memory first (Pacemaker-2.1.5
    lib/common/schemas.c ``cli_config_update``, as the scheduler does) and accepted:
    there the names are deprecated (CB012, info), not refused. CB012 said "deprecated"
    of the pacemaker-3.x CIB too, which Pacemaker does not load at all."""
    new = _with_options(cib(tmp_path, vw="pacemaker-3.0", resources=promotable("Master", "Slave")))
    got = findings(new, "CB023")
    assert [(c, s, line) for c, s, line, _ in got] == [("CB023", "error", 7), ("CB023", "error", 8)]
    assert "'stonith_enabled' (use stonith-enabled)" in got[0][3]
    assert "(use rsc_defaults resource-stickiness)" in got[1][3]
    assert findings(new, "CB012") == []
    rc, out = crm_verify_file(new)
    assert rc != 0 and "config not valid" in out
    old = _with_options(
        cib(tmp_path, vw="pacemaker-2.10", resources=promotable("Master", "Slave"), name="o.xml")
    )
    assert findings(old, "CB023") == []
    assert [c for c, _, _, _ in findings(old, "CB012")] == ["CB012", "CB012"]
    rc, out = crm_verify_file(old)
    assert rc == 0, out


# -- CB005: watchdog fencing (SBD without a device) ------------------------------------


@pytest.mark.parametrize(
    "timeout,reported", [("10s", False), ("-1", False), ("0", True), (None, True)]
)
def test_cb005_watchdog_fencing(tmp_path: Path, timeout: str | None, reported: bool) -> None:
    """With SBD running (``have-watchdog=true``, which the controller writes) and a nonzero
    ``stonith-watchdog-timeout`` a node that must be fenced resets itself: Pacemaker-2.1.5
    lib/pengine/unpack.c ``unpack_config`` l.222-227 counts the watchdog as a fencing
    resource ("Watchdog-based self-fencing will be performed via SBD if fencing is
    required and stonith-watchdog-timeout is nonzero"), and crm_verify accepts a CIB
    without any stonith primitive. A negative timeout is computed from SBD's. With the
    timeout unset or 0 nothing fences (the finding stays, as on Pacemaker's
    partial-live-migration-multiple-active.xml)."""
    path = cib(tmp_path, resources=promotable())
    text = path.read_text().replace(
        '<primitive class="stonith" id="fence-xen1" type="fence_ipmilan">',
        '<primitive class="ocf" id="fence-xen1" provider="heartbeat" type="Dummy">',
    )
    extra = '<nvpair id="o-wd" name="have-watchdog" value="true"/>'
    if timeout is not None:
        extra += f'\n        <nvpair id="o-swt" name="stonith-watchdog-timeout" value="{timeout}"/>'
    text = text.replace(
        '<nvpair id="cib-bootstrap-options-stonith-enabled"',
        extra + '\n        <nvpair id="cib-bootstrap-options-stonith-enabled"',
    )
    path.write_text(text)
    assert [c for c, _, _, _ in findings(path, "CB005")] == (["CB005"] if reported else [])
    rc, out = crm_verify_file(path)
    assert rc == 0, out


# -- CB002: rsc_ticket and tags; CB008: a fragment made from the live CIB's template --


def test_cb002_ticket_and_tag_naming_nothing(tmp_path: Path) -> None:
    """``rsc_ticket``'s ``rsc`` (constraints-1.2.rng to 3.9) and a tag's ``obj_ref``
    (tags-1.3.rng) are IDREFs: crm_verify 2.1.5 refuses a CIB where they name nothing
    ("IDREF attribute rsc references an unknown ID", "config not valid"). Lint said
    nothing of either; naming the resource is fine."""
    resources = REMOTE.replace("{REMOTE}", "remote1")
    for bad, code in (
        ('<rsc_ticket id="t" ticket="siteA" rsc="ap" loss-policy="stop"/>', "rsc_ticket 't'"),
        ("", "tag 'vms'"),
    ):
        path = cib(tmp_path, vw="pacemaker-3.0", resources=resources, constraints=bad)
        text = path.read_text()
        tag_target = "app" if bad else "ap"
        text = text.replace(
            "  </configuration>",
            f'    <tags>\n      <tag id="vms"><obj_ref id="{tag_target}"/></tag>\n    </tags>\n'
            "  </configuration>",
        )
        path.write_text(text)
        [(c, s, _, message)] = findings(path, "CB002")
        assert (c, s) == ("CB002", "error") and message.startswith(code)
        rc, out = crm_verify_file(path)
        assert rc != 0 and "config not valid" in out
    path.write_text(text.replace('<obj_ref id="ap"/>', '<obj_ref id="app"/>'))
    assert findings(path, "CB002") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out


def test_cb008_fragment_made_from_a_template_elsewhere(tmp_path: Path) -> None:
    """A ``cibadmin -C -o resources -x vm3.xml`` fragment that names the running CIB's
    template takes the template's operations (Pacemaker-2.1.5 lib/pengine/complex.c
    ``unpack_template``), monitor included: CB008 said "has no monitor operation" of it.
    A template in the same file is still read (its monitor counts, its absence too)."""
    frag = tmp_path / "vm3.xml"
    frag.write_text(
        '<primitive id="vm3" template="vm-template">\n'
        '  <instance_attributes id="vm3-ia">\n'
        '    <nvpair id="vm3-ia-xmfile" name="xmfile" value="/etc/xen/vm/vm3"/>\n'
        "  </instance_attributes>\n"
        "</primitive>\n"
    )
    assert findings(frag, "CB008") == []
    whole = tmp_path / "whole.xml"
    whole.write_text(
        "<resources>\n"
        '  <template id="vm-template" class="ocf" provider="heartbeat" type="Xen"/>\n'
        + frag.read_text()
        + "</resources>\n"
    )
    assert [c for c, _, _, _ in findings(whole, "CB008")] == ["CB008"]


def test_cb011_agent_replication_state_is_no_option(tmp_path: Path) -> None:
    """The mysql, mariadb and redis agents keep their replication state as a cluster
    property of their own set (ClusterLabs/resource-agents heartbeat/mysql-common.sh
    l.119, redis.in l.235: ``crm_attribute --type crm_config --name
    ${INSTANCE_ATTR_NAME}_REPL_INFO -s redis_replication``): CB011 called
    ``redis_REPL_INFO`` an unknown cluster option on Pacemaker's own
    bundle-order-partial-start-2.xml. crm_verify accepts it; a misspelt option beside it
    is still reported."""
    path = cib(tmp_path, resources=promotable())
    path.write_text(
        path.read_text().replace(
            "    </crm_config>",
            '      <cluster_property_set id="redis_replication">\n'
            '        <nvpair id="redis-repl" name="redis_REPL_INFO" value="xen1"/>\n'
            '        <nvpair id="typo" name="stonith-enabeld" value="true"/>\n'
            "      </cluster_property_set>\n"
            "    </crm_config>",
        )
    )
    [(code, _, _, message)] = findings(path, "CB011")
    assert code == "CB011" and "stonith-enabeld" in message
    rc, out = crm_verify_file(path)
    assert rc == 0, out


# -- CB023: elements newer (or older) than the declared schema --------------------------


@pytest.mark.parametrize(
    "vw,section,refused",
    [
        ("pacemaker-1.2", '<tags><tag id="vms"><obj_ref id="app"/></tag></tags>', True),
        ("pacemaker-1.3", '<tags><tag id="vms"><obj_ref id="app"/></tag></tags>', False),
        (
            "pacemaker-2.0",
            '<acls><acl_user id="nagios"><read id="r" xpath="/cib"/></acl_user></acls>',
            True,
        ),
        (
            "pacemaker-1.2",
            '<acls><acl_user id="nagios"><read id="r" xpath="/cib"/></acl_user></acls>',
            False,
        ),
        (
            "pacemaker-2.4",
            '<alerts><alert id="a" path="/usr/local/bin/alert.sh"/></alerts>',
            True,
        ),
        (
            "pacemaker-2.5",
            '<alerts><alert id="a" path="/usr/local/bin/alert.sh"/></alerts>',
            False,
        ),
    ],
)
def test_cb023_element_and_declared_schema(
    tmp_path: Path, vw: str, section: str, refused: bool
) -> None:
    """Each pacemaker-X.Y.rng of Pacemaker 2.1.5 (/usr/share/pacemaker, the peer's) takes
    ``tags`` from 1.3 (tags-1.3.rng), ``alerts`` from 2.5 (alerts-2.5.rng) and
    ``acl_user`` only in 1.2 and 1.3 (acls-1.2.rng; acls-2.0.rng has acl_target).
    crm_verify refuses a CIB whose declared schema lacks the element ("Element
    configuration has extra content: tags", "config not valid"); lint was silent on a
    crm shell CIB of pacemaker-1.2 with a tag. Over Pacemaker's 1.1.x and 2.1.5
    scheduler CIBs of schemas after 1.0 no such element appears (CB023 silent, crm_verify
    agreeing)."""
    resources = REMOTE.replace("{REMOTE}", "remote1")
    path = cib(tmp_path, vw=vw, resources=resources)
    path.write_text(
        path.read_text().replace("  </configuration>", f"    {section}\n  </configuration>")
    )
    got = [c for c, _, _, _ in findings(path, "CB023")]
    assert got == (["CB023"] if refused else [])
    rc, out = crm_verify_file(path)
    assert (rc != 0 and "config not valid" in out) if refused else rc == 0, out


# -- XN018: a pacemaker-1.1 CIB may hold what pacemaker-next holds ----------------------


@pytest.mark.parametrize("schema", ["pacemaker-1.1", "pacemaker-next", "pacemaker-1.2"])
def test_xn018_location_set_in_a_pacemaker_1_1_cib(tmp_path: Path, schema: str) -> None:
    """Pacemaker 1.1.12 to 1.1.24 load ``validate-with="pacemaker-1.1"`` with
    pacemaker-next.rng (Pacemaker-1.1.18 lib/common/schemas.c l.339-341: "1.1 was the old
    name for -next"), which takes location sets, and the scheduler applies a set's ban
    (pcmk_sched_location.c ``unpack_location_set``; crm_simulate shows web at -INFINITY
    on xen3 for the pacemaker-1.2 form, test_cib_truth2). XN018 read no set in a
    pacemaker-1.1 CIB and warned that web may run on xen3."""
    from test_xen_drbd_hosts import _copy, _edit_cib, _findings

    root = _copy(tmp_path / schema.replace(".", "_"))
    _edit_cib(root, 'validate-with="pacemaker-1.0"', f'validate-with="{schema}"')
    _edit_cib(
        root,
        "    <constraints/>",
        '    <constraints><rsc_location id="off" node="xen3" score="-INFINITY">'
        '<resource_set id="s"><resource_ref id="web"/></resource_set></rsc_location>'
        "</constraints>",
    )
    found = _findings(root, ["XN018"])
    assert not [f for f in found if "on xen3" in f[4]], found
