"""heartbeat 2 / Pacemaker 1.x CIB -> the current schema (xencfg.formats.cib.upgrade).

The specification is Pacemaker's own upgrade chain: upgrade-2.10.xsl (installed by Debian's
pacemaker-schemas as /usr/share/pacemaker/upgrade-2.10.xsl) and the upgrade-3.10-*.xsl steps
of Pacemaker 3 (ClusterLabs/pacemaker xml/upgrade-3.10-{0,2,3,4}.xsl). Checks against the
installed Pacemaker (2.1): its RelaxNG schema (pacemaker-3.9.rng) accepts every output,
``crm_verify --xml-file`` finds no error but the missing-STONITH one (which the report names:
fencing is never switched off for the user), and ``cibadmin --upgrade --force`` of our
Pacemaker 1.0 output has the same configuration as our current output, but for the
differences listed in docs/conversion.md (DOCUMENTED below).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import shared_files, shared_path, unavailable
from test_cib_convert import crm_verify_output, hb2_inputs, read
from xencfg.cli import main
from xencfg.formats.cib.convert import ConversionRefused
from xencfg.formats.cib.upgrade import CURRENT, upgrade

SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
BLANKLESS = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=True,
    remove_comments=True,
)  # fmt: skip
PCMK_SCHEMAS = Path("/usr/share/pacemaker")


@cache
def rng39() -> etree.RelaxNG:
    """The installed Pacemaker's own pacemaker-3.9.rng (package pacemaker-schemas)."""
    path = PCMK_SCHEMAS / f"{CURRENT}.rng"
    if not path.exists():
        unavailable(f"{path} is missing (pacemaker-schemas)")
    return etree.RelaxNG(etree.parse(str(path)))


def valid39(text: str) -> etree._Element:
    root = etree.fromstring(text.encode(), SAFE)
    assert rng39().validate(etree.ElementTree(root)), rng39().error_log
    return root


def cib(configuration: str, status: str = "", attrs: str = "") -> str:
    return (
        f'<cib admin_epoch="0" epoch="7" num_updates="3"{attrs}>\n'
        f"<configuration>{configuration}</configuration><status>{status}</status></cib>\n"
    )


def crm(*pairs: tuple[str, str]) -> str:
    nvs = "".join(f'<nvpair id="o-{n}" name="{n}" value="{v}"/>' for n, v in pairs)
    return f'<crm_config><cluster_property_set id="opts">{nvs}</cluster_property_set></crm_config>'


STONITH = (
    '<primitive id="fence" class="stonith" type="fence_ipmilan">'
    '<instance_attributes id="fence-ia"><attributes>'
    '<nvpair id="fence-ip" name="ip" value="10.0.0.9"/></attributes></instance_attributes>'
    "</primitive>"
)
NODES = (
    '<nodes><node id="6125a0df-456a-4395-829a-418e9a380d36" uname="xen1" type="normal"/>'
    '<node id="f6b1a1a5-2b6b-4f0e-9b6a-2d9a1d2c8b11" uname="xen2" type="normal"/></nodes>'
)
DRBD_MS = (
    '<master_slave id="ms_drbd"><instance_attributes id="ms-ia"><attributes>'
    '<nvpair id="ms-1" name="master_max" value="1"/>'
    '<nvpair id="ms-2" name="master_node_max" value="1"/>'
    '<nvpair id="ms-3" name="target_role" value="master"/>'
    "</attributes></instance_attributes>"
    '<primitive id="drbd0" class="ocf" provider="heartbeat" type="drbd">'
    '<operations><op id="drbd0-mon" name="monitor" interval="10s" role="Master"/>'
    '<op id="drbd0-start" name="start" timeout="240s" prereq="fencing"/>'
    '<op id="drbd0-mon2" name="monitor" interval="20s" prereq="nothing"/></operations>'
    "</primitive></master_slave>"
)


def up(text: str, **kw: Any) -> tuple[etree._Element, list[str]]:
    result = upgrade(text, **kw)
    return valid39(result.text), [str(c) for c in result.changes]


def find(root: etree._Element, xpath: str) -> list[Any]:
    found = root.xpath(xpath)
    assert isinstance(found, list)
    return found


# ------------------------------------------------------------- one rule at a time


def test_cib_element_schema_epoch_and_status() -> None:
    """admin_epoch 0 -> 1: Pacemaker's cib_process_replace (lib/cib/cib_ops.c) refuses a
    replacement whose admin_epoch is below the running CIB's, then compares epoch and
    num_updates; a new cluster's CIB has admin_epoch 0, so 1 always wins."""
    root, changes = up(
        cib(
            crm() + NODES + "<resources/><constraints/>",
            '<node_state id="6125a0df-456a-4395-829a-418e9a380d36" uname="xen1"/>',
            ' dc_uuid="6125a0df-456a-4395-829a-418e9a380d36" have_quorum="true" '
            'crm_feature_set="2.0"',
        )
    )
    assert root.get("validate-with") == CURRENT
    assert (root.get("admin_epoch"), root.get("epoch"), root.get("num_updates")) == ("1", "7", "0")
    assert root.get("dc-uuid") is None and root.get("crm_feature_set") is None
    assert len(root.find("status")) == 0
    assert any("admin_epoch '0' -> '1'" in c for c in changes)
    assert any("status section emptied" in c for c in changes)


def test_admin_epoch_above_zero_is_kept() -> None:
    root, changes = up(cib(crm()).replace('admin_epoch="0"', 'admin_epoch="4"'))
    assert root.get("admin_epoch") == "4"
    assert not any("admin_epoch" in c for c in changes)


def test_node_type_and_ids_from_corosync() -> None:
    root, changes = up(cib(crm() + NODES), nodeids={"xen1": 1, "xen2": 2})
    nodes = find(root, "//nodes/node")
    assert [(n.get("id"), n.get("type")) for n in nodes] == [("1", "member"), ("2", "member")]
    assert any("id '6125a0df-456a-4395-829a-418e9a380d36' -> '1'" in c for c in changes)


def test_node_uuid_without_nodelist_is_a_manual_step() -> None:
    result = upgrade(cib(crm() + NODES))
    manual = [c for c in result.changes if c.kind == "manual"]
    assert len(manual) == 2 and "corosync nodeid" in manual[0].what
    valid39(result.text)


@pytest.mark.parametrize(
    "name,value",
    [
        ("cluster-infrastructure", "Heartbeat"),
        ("dc-version", "2.1.4-node: aa909246edb386137b986c5773344b98c6969999"),
        ("expected-quorum-votes", "2"),
        ("remove-after-stop", "false"),
        ("notification-agent", "/usr/local/bin/notify.sh"),
    ],
)
def test_dropped_cluster_options(name: str, value: str) -> None:
    root, changes = up(cib(crm((name, value), ("no-quorum-policy", "stop"))))
    assert not find(root, f"//nvpair[@name='{name}']")
    assert find(root, "//nvpair[@name='no-quorum-policy']")
    assert any(f"{name}={value!r} dropped" in c for c in changes)


def test_underscore_options_and_poweroff() -> None:
    root, _ = up(
        cib(crm(("stonith_action", "poweroff"), ("startup_fencing", "true"), ("dc_deadtime", "1m")))
    )
    names = {nv.get("name"): nv.get("value") for nv in find(root, "//crm_config//nvpair")}
    assert names == {"stonith-action": "off", "startup-fencing": "true", "dc-deadtime": "1m"}


def test_default_migration_threshold_goes_to_rsc_defaults() -> None:
    root, _ = up(cib(crm(("default-migration-threshold", "3"))))
    assert find(root, "//rsc_defaults//nvpair[@name='migration-threshold']/@value") == ["3"]
    assert not find(root, "//crm_config//nvpair")


def test_pacemaker11_moves_are_included() -> None:
    """The 1.1 stop is on the way: default_* options end in rsc_defaults/op_defaults."""
    root, _ = up(
        cib(
            crm(
                ("default_resource_stickiness", "100"),
                ("default_resource_failure_stickiness", "-INFINITY"),
                ("default_action_timeout", "60s"),
            )
        )
    )
    rd = {nv.get("name"): nv.get("value") for nv in find(root, "//rsc_defaults//nvpair")}
    assert rd == {"resource-stickiness": "100", "migration-threshold": "1"}
    assert find(root, "//op_defaults//nvpair[@name='timeout']/@value") == ["60s"]


def test_master_becomes_promotable_clone_with_new_role_names() -> None:
    root, changes = up(cib(crm() + "<nodes/><resources>" + DRBD_MS + "</resources>"))
    clone = find(root, "//resources/clone")[0]
    meta = {nv.get("name"): nv.get("value") for nv in clone.iterfind("meta_attributes/nvpair")}
    assert meta["promotable"] == "true"
    assert meta["promoted-max"] == "1" and meta["promoted-node-max"] == "1"
    assert meta["target-role"] == "Promoted"
    assert "master-max" not in meta and not find(root, "//master")
    assert find(root, "//op[@name='monitor' and @interval='10s']/@role") == ["Promoted"]
    assert any("<master> -> <clone> with promotable=true" in c for c in changes)


def test_op_requires_start_to_meta_others_dropped() -> None:
    root, changes = up(cib(crm() + "<nodes/><resources>" + DRBD_MS + "</resources>"))
    assert find(
        root, "//primitive[@id='drbd0']/meta_attributes/nvpair[@name='requires']/@value"
    ) == ["fencing"]
    assert not find(root, "//op/@requires")
    assert any("(monitor) requires='nothing' dropped" in c for c in changes)


def test_constraint_roles_and_colocation_score_attribute() -> None:
    constraints = (
        '<constraints><rsc_colocation id="c1" from="fs" to="ms_drbd" to_role="master" '
        'score="INFINITY"/>'
        '<rsc_location id="l1" rsc="ms_drbd"><rule id="l1-r" score="100" role="master">'
        '<expression id="l1-e" attribute="#uname" operation="eq" value="xen1"/></rule>'
        "</rsc_location></constraints>"
    )
    fs = '<primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem"/>'
    root, _ = up(cib(crm() + "<nodes/><resources>" + DRBD_MS + fs + "</resources>" + constraints))
    assert find(root, "//rsc_colocation/@with-rsc-role") == ["Promoted"]
    assert find(root, "//rule/@role") == ["Promoted"]


@pytest.mark.parametrize(("score", "kind"), [("0", "Optional"), ("INFINITY", None), ("-50", None)])
def test_order_score_becomes_kind(score: str, kind: str | None) -> None:
    """Pacemaker 2.1 lib/pacemaker/pcmk_sched_ordering.c get_ordering_type(): without
    'kind', a score of 0 is Optional and any other score Mandatory (and deprecated)."""
    res = "".join(
        f'<primitive id="{r}" class="ocf" provider="heartbeat" type="Dummy"/>' for r in "ab"
    )
    order = f'<constraints><rsc_order id="o" from="b" to="a" score="{score}"/></constraints>'
    root, _ = up(cib(crm() + "<nodes/><resources>" + res + "</resources>" + order))
    assert find(root, "//rsc_order/@score") == []
    assert find(root, "//rsc_order/@kind") == ([kind] if kind else [])


def test_location_with_several_rules_is_split() -> None:
    """upgrade-3.10-2.xsl: one top-level rule per rsc_location."""
    loc = (
        '<constraints><rsc_location id="l" rsc="ip">'
        '<rule id="r1" score="100"><expression id="e1" attribute="#uname" operation="eq" '
        'value="xen1"/></rule>'
        '<rule id="r2" score="-INFINITY"><expression id="e2" attribute="pingd" '
        'operation="not_defined"/></rule></rsc_location></constraints>'
    )
    ip = '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/>'
    root, changes = up(cib(crm() + "<nodes/><resources>" + ip + "</resources>" + loc))
    locs = find(root, "//rsc_location")
    assert [len(x.findall("rule")) for x in locs] == [1, 1]
    assert [x.get("rsc") for x in locs] == ["ip", "ip"]
    assert any("2 top-level rules split" in c for c in changes)


def test_location_lifetime_becomes_an_and_rule() -> None:
    """upgrade-3.10-3.xsl: a lifetime's rule joins the location's own with 'and'."""
    loc = (
        '<constraints><rsc_location id="l" rsc="ip" node="xen1" score="100">'
        '<lifetime id="lt"><rule id="lt-r" score="0"><date_expression id="d" '
        'operation="lt" end="2030-01-01"/></rule></lifetime></rsc_location></constraints>'
    )
    ip = '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/>'
    root, _ = up(cib(crm() + "<nodes/><resources>" + ip + "</resources>" + loc))
    assert not find(root, "//lifetime")
    top = find(root, "//rsc_location/rule")[0]
    assert top.get("boolean-op") == "and" and top.get("score") == "100"
    assert find(top, "rule/expression[@attribute='#uname']/@value") == ["xen1"]
    assert find(top, "rule/date_expression/@end") == ["2030-01-01"]


def test_meta_restart_type_default_values_and_duplicates() -> None:
    prim = (
        '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2" '
        'restart_type="ignore" is_managed="default">'
        '<instance_attributes id="ia"><attributes>'
        '<nvpair id="ia-1" name="resource_stickiness" value="10"/>'
        '<nvpair id="ia-2" name="resource_stickiness" value="20"/>'
        "</attributes></instance_attributes></primitive>"
    )
    root, changes = up(cib(crm() + "<nodes/><resources>" + prim + "</resources>"))
    meta = [
        (nv.get("name"), nv.get("value")) for nv in find(root, "//primitive/meta_attributes/nvpair")
    ]
    assert meta == [("resource-stickiness", "10")]
    assert any("restart-type='ignore' dropped" in c for c in changes)
    assert any("is-managed='default' dropped" in c for c in changes)


def test_group_flags_true_dropped_false_kept_and_reported() -> None:
    grp = (
        '<group id="g" ordered="true" collocated="false">'
        '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/></group>'
    )
    result = upgrade(cib(crm() + "<nodes/><resources>" + grp + "</resources>"))
    root = valid39(result.text)
    meta = {nv.get("name"): nv.get("value") for nv in find(root, "//group/meta_attributes/nvpair")}
    assert meta == {"collocated": "false"}
    assert any(c.kind == "manual" and "collocated='false' kept" in c.what for c in result.changes)


def test_stonith_plugin_attribute_renames() -> None:
    prim = (
        '<primitive id="f" class="stonith" type="fence_apc"><instance_attributes id="fi">'
        '<attributes><nvpair id="fi-1" name="pcmk_reboot_cmd" value="reboot"/>'
        '<nvpair id="fi-2" name="pcmk_arg_map" value="port:plug"/></attributes>'
        "</instance_attributes></primitive>"
    )
    root, _ = up(cib(crm() + "<nodes/><resources>" + prim + "</resources>"))
    names = {nv.get("name"): nv.get("value") for nv in find(root, "//primitive//nvpair")}
    assert names == {"pcmk_reboot_action": "reboot", "pcmk_host_argument": "plug"}


def test_constraint_on_a_clone_child_names_the_clone() -> None:
    """Pacemaker 2.1 crm_verify: "Ignoring constraint ... because 'drbd0' is not a valid
    resource or tag" (test06 master-ordering); the clone is what a constraint can name."""
    fs = '<primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem"/>'
    col = (
        '<constraints><rsc_colocation id="c" from="fs" to="drbd0" to_role="master" '
        'score="INFINITY"/></constraints>'
    )
    result = upgrade(cib(crm() + "<nodes/><resources>" + DRBD_MS + fs + "</resources>" + col))
    root = valid39(result.text)
    assert find(root, "//rsc_colocation/@with-rsc") == ["ms_drbd"]
    assert any(c.kind == "warning" and "the clone around it" in c.what for c in result.changes)


def test_promoted_target_role_on_a_plain_resource_goes() -> None:
    """crm_verify: "Ignoring 'target-role' for rsc because 'Promoted' only makes sense for
    promotable clones" (test06 target-1): Pacemaker runs it as started either way."""
    prim = (
        '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">'
        '<instance_attributes id="ia"><attributes><nvpair id="t" name="target_role" '
        'value="master"/></attributes></instance_attributes></primitive>'
    )
    result = upgrade(cib(crm() + "<nodes/><resources>" + prim + "</resources>"))
    assert not find(valid39(result.text), "//nvpair[@name='target-role']")
    assert any(c.kind == "warning" and "is not promotable" in c.what for c in result.changes)


def test_heartbeat_agent_in_a_promotable_clone_is_a_manual_step() -> None:
    """crm_verify: "is of type heartbeat and therefore cannot be used as a promotable clone
    resource" (test06 master-1): kept, and the report says the clone will not run."""
    ms = DRBD_MS.replace(
        'class="ocf" provider="heartbeat" type="drbd"', 'class="heartbeat" type="drbddisk"'
    )
    result = upgrade(cib(crm() + "<nodes/><resources>" + ms + "</resources>"))
    valid39(result.text)
    assert any(c.kind == "manual" and "ignores the whole clone" in c.what for c in result.changes)


def test_unique_clone_of_lsb_agents_is_a_finding() -> None:
    """crm_verify (Pacemaker 2.1 clone unpacking): "Ignoring globally-unique for c because
    lsb resources such as p:0 can be used only as anonymous clones"."""
    clone = '<clone id="c"><primitive id="p" class="lsb" type="nfs-kernel-server"/></clone>'
    result = upgrade(cib(crm() + "<nodes/><resources>" + clone + "</resources>"))
    root = valid39(result.text)
    assert find(root, "//clone//nvpair[@name='globally-unique']/@value") == ["true"]
    assert any(c.kind == "warning" and "anonymous clones" in c.what for c in result.changes)


def test_anonymous_clone_node_max_is_written_as_one() -> None:
    """Pacemaker's clone_unpack (lib/pengine/clone.c, since 0.6.0; 2.1.5: "Ignoring
    promoted-max for c because anonymous clones support only one instance per node")
    runs an anonymous clone one instance per node and calls a higher clone-node-max a
    configuration error: the conversion writes 1 (what runs) and says so."""
    clone = (
        '<clone id="c" globally_unique="false"><instance_attributes id="ci"><attributes>'
        '<nvpair id="c1" name="clone_node_max" value="2"/></attributes></instance_attributes>'
        '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>'
    )
    result = upgrade(cib(crm() + "<nodes/><resources>" + clone + "</resources>"))
    root = valid39(result.text)
    assert find(root, "//clone//nvpair[@name='clone-node-max']/@value") == ["1"]
    assert any(c.kind == "warning" and "anonymous" in c.what for c in result.changes)


def test_anonymous_clone_node_max_of_a_pacemaker_cib_is_written_as_one() -> None:
    """The same for a Pacemaker 1.0 CIB (no 1.0 step): the current step writes 1."""
    clone = (
        '<clone id="c"><meta_attributes id="cm"><nvpair id="c1" name="clone-node-max" '
        'value="2"/></meta_attributes>'
        '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>'
    )
    body = crm() + "<nodes/><resources>" + clone + "</resources><constraints/>"
    text = cib(body, attrs=' validate-with="pacemaker-1.0"')
    result = upgrade(text)
    root = valid39(result.text)
    assert find(root, "//clone//nvpair[@name='clone-node-max']/@value") == ["1"]
    assert any(c.kind == "warning" and "anonymous clone" in c.what for c in result.changes)
    unique = text.replace(
        '<nvpair id="c1"', '<nvpair id="c0" name="globally-unique" value="true"/><nvpair id="c1"'
    )
    root = valid39(upgrade(unique).text)
    assert find(root, "//clone//nvpair[@name='clone-node-max']/@value") == ["2"]


# ------------------------------------------------------------- fencing: never weakened


def test_on_fail_fence_with_fencing_off_is_kept_and_named() -> None:
    """crm_verify: "Resetting 'on-fail' ... to 'stop' because 'fence' is not valid when
    fencing is disabled" (test06 master-group)."""
    prim = (
        '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><operations>'
        '<op id="p-start" name="start" on_fail="fence"/></operations></primitive>'
    )
    result = upgrade(
        cib(crm(("stonith-enabled", "false")) + "<nodes/><resources>" + prim + "</resources>")
    )
    assert find(valid39(result.text), "//op/@on-fail") == ["fence"]
    assert any(c.kind == "warning" and "on-fail='fence'" in c.what for c in result.changes)


def test_no_stonith_device_is_a_finding_and_nothing_is_added() -> None:
    result = upgrade(cib(crm() + "<nodes/><resources/>"))
    root = valid39(result.text)
    assert not find(root, "//nvpair[@name='stonith-enabled']")
    safety = [c for c in result.changes if c.kind == "safety"]
    assert any("no STONITH device" in c.what for c in safety)


@pytest.mark.parametrize("value", ["false", "true"])
def test_stonith_enabled_is_kept_as_set(value: str) -> None:
    res = "<nodes/><resources>" + STONITH + "</resources>"
    result = upgrade(cib(crm(("stonith_enabled", value)) + res))
    root = valid39(result.text)
    assert find(root, "//nvpair[@name='stonith-enabled']/@value") == [value]
    safety = [c for c in result.changes if c.kind == "safety"]
    assert bool(safety) == (value == "false")  # fencing off is a finding


def test_cluster_glue_plugin_is_kept_with_a_warning() -> None:
    prim = '<primitive id="f" class="stonith" type="external/ipmi"/>'
    result = upgrade(cib(crm() + "<nodes/><resources>" + prim + "</resources>"))
    assert find(valid39(result.text), "//primitive/@type") == ["external/ipmi"]
    assert any(c.kind == "warning" and "cluster-glue" in c.what for c in result.changes)


# ------------------------------------------------------------- stops, inputs, refusals


def test_stops_are_the_existing_converter() -> None:
    text = cib(crm(("default_resource_stickiness", "5")) + "<nodes/><resources/>")
    r10 = upgrade(text, target="pacemaker-1.0")
    r11 = upgrade(text, target="pacemaker-1.1")
    assert 'validate-with="pacemaker-1.0"' in r10.text and "rsc_defaults" not in r10.text
    assert 'validate-with="pacemaker-1.0"' in r11.text and "rsc_defaults" in r11.text
    with pytest.raises(ValueError):
        upgrade(text, target="pacemaker-2.0")


def test_current_input_is_returned_unchanged() -> None:
    text = (
        f'<cib admin_epoch="1" epoch="1" num_updates="0" validate-with="{CURRENT}">'
        "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
        "<status/></cib>\n"
    )
    result = upgrade(text)
    assert result.text == text and not result.changes


@pytest.mark.parametrize("vw", ["pacemaker-3.10", "pacemaker-4.0"])
def test_newer_cib_is_refused(vw: str) -> None:
    with pytest.raises(ConversionRefused, match="newer than"):
        upgrade(cib("").replace("<cib ", f'<cib validate-with="{vw}" '))


def test_pacemaker_12_acls_are_refused() -> None:
    text = cib('<crm_config/><nodes/><resources/><constraints/><acls><acl_user id="u"/></acls>')
    with pytest.raises(ConversionRefused, match="ACLs"):
        upgrade(text.replace("<cib ", '<cib validate-with="pacemaker-1.2" '))


def test_pacemaker_2x_cib_gets_the_3x_steps_only() -> None:
    text = (
        '<cib admin_epoch="2" epoch="1" num_updates="0" validate-with="pacemaker-2.0">'
        "<configuration><crm_config/><nodes/><resources>"
        '<master id="ms"><primitive id="p" class="ocf" provider="pacemaker" type="Stateful"/>'
        "</master></resources><constraints/></configuration><status/></cib>"
    )
    root, _ = up(text)
    assert find(root, "//clone/meta_attributes/nvpair[@name='promotable']/@value") == ["true"]


def test_op_meta_upgrade_3_10_4_drops_goes_from_ops_and_op_defaults() -> None:
    """upgrade-3.10-4.xsl drops can_fail and role_after_failure from op meta sets; an op's
    report names on-fail, which replaces them."""
    text = (
        '<cib admin_epoch="2" epoch="1" num_updates="0" validate-with="pacemaker-2.0">'
        "<configuration><crm_config/><nodes/><resources>"
        '<primitive id="p" class="ocf" provider="pacemaker" type="Dummy"><operations>'
        '<op id="p-mon" name="monitor" interval="10s"><meta_attributes id="p-mon-meta">'
        '<nvpair id="p-mon-cf" name="can_fail" value="true"/></meta_attributes></op>'
        "</operations></primitive></resources>"
        '<op_defaults><meta_attributes id="od"><nvpair id="od-raf" name="role_after_failure" '
        'value="Stopped"/><nvpair id="od-t" name="timeout" value="30s"/></meta_attributes>'
        "</op_defaults><constraints/></configuration><status/></cib>"
    )
    root, changes = up(text)
    assert find(root, "//nvpair[@name='can_fail' or @name='role_after_failure']") == []
    assert find(root, "//op_defaults//nvpair/@name") == ["timeout"]
    assert any("op meta can_fail='true' dropped" in c and "use on-fail" in c for c in changes)
    assert any("op default role_after_failure dropped" in c for c in changes)


def test_fragment_is_upgraded_as_a_fragment() -> None:
    result = upgrade(DRBD_MS)
    assert result.fragment and result.text.startswith('<clone id="ms_drbd">')


# ------------------------------------------------------------- CLI


def test_cli_convert_to_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "cib.xml"
    src.write_text(cib(crm() + "<nodes/><resources>" + DRBD_MS + "</resources>"))
    out = tmp_path / "new.xml"
    assert main(["cib", "convert", str(src), "--to", "current", "-o", str(out)]) == 0
    valid39(out.read_text())
    err = capsys.readouterr().err
    assert "current: <master_slave id='ms_drbd'>" not in err  # the master is named as 'master'
    assert "promotable=true" in err and "safety" in err


def test_cli_pacemaker11_flag_contradicting_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "cib.xml"
    src.write_text(cib(crm()))
    assert main(["cib", "convert", str(src), "--pacemaker-1.1", "--to", "current"]) == 2
    assert "contradict" in capsys.readouterr().err


# ------------------------------------------------------------- against the installed Pacemaker


def pcmk1_inputs() -> list[Path]:
    return [p for p in shared_files("corpus", "cib-pcmk1") if p.suffix not in (".tsv", ".md")]


def all_inputs() -> list[Path]:
    return [src for src, _ in hb2_inputs()] + pcmk1_inputs()


@pytest.mark.shared
def test_every_converted_cib_satisfies_the_installed_schema() -> None:
    """pacemaker-3.9.rng of the installed Pacemaker, on every DTD-valid test06 input, every
    DTD-valid heartbeat 2 CIB of the corpus and every Pacemaker 1.x CIB of the corpus."""
    shared_path("oracle", "cib")
    inputs = all_inputs()
    assert len(inputs) > 250
    failures = []
    for path in inputs:
        text = upgrade(read(path), path=str(path)).text
        root = etree.fromstring(text.encode(), SAFE)
        if root.get("validate-with") != CURRENT or not rng39().validate(etree.ElementTree(root)):
            failures.append(f"{path.name}: {rng39().error_log.last_error}")
    assert not failures, failures[:10]


#: crm_verify messages about the missing STONITH device: the report names it ('safety'),
#: and converting never turns fencing off to silence it
NO_STONITH = re.compile(
    r"STONITH|stonith-enabled|Clusters with shared data need|Errors found during check"
)
ERROR = re.compile(r"error|Relax-NG|schema", re.I)


def crm_sample() -> list[Path]:
    """Every 6th input (crm_verify takes 0.1-0.5 s a CIB), test06 and corpus alike."""
    return all_inputs()[::6]


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", crm_sample(), ids=lambda p: p.name)
def test_crm_verify_accepts_the_current_cib(path: Path, tmp_path: Path) -> None:
    result = upgrade(read(path), path=str(path))
    output = crm_verify_output(result.text, tmp_path)
    errors = [ln for ln in output.splitlines() if ERROR.search(ln) and not NO_STONITH.search(ln)]
    errors = [e for e in errors if not _named_in_report(e, result)]
    if any("is not valid when fencing is disabled" in e for e in errors):
        # the input's own: on-fail=fence with stonith-enabled=false (test06 master-group)
        assert any(c.kind == "warning" and "on-fail='fence'" in c.what for c in result.changes)
        errors = [e for e in errors if "when fencing is disabled" not in e]
    if any("anonymous clones support only one instance" in e for e in errors):
        # the input's own mistake (test06 inc9: clone_node_max=2 on an anonymous clone):
        # crm_verify says it of cibadmin --upgrade's result too; our report names it
        assert any(c.kind == "warning" and "anonymous clone" in c.what for c in result.changes)
        errors = [e for e in errors if "anonymous clones" not in e]
    assert not errors, output
    if NO_STONITH.search(output):
        assert any(c.kind == "safety" for c in result.changes)


def _named_in_report(error: str, result: Any) -> bool:
    """An error about a promotable clone of heartbeat-class resources (which Pacemaker
    ignores, with every constraint on it): the report says so as a manual step."""
    root = etree.fromstring(result.text.encode(), SAFE)
    ids: set[str] = set()
    for change in result.changes:
        if change.kind == "manual" and "ignores the whole clone" in change.what:
            prim = find(root, f"//primitive[@id='{change.id}']")
            for el in prim[:1]:
                ids |= {a.get("id") for a in el.iterancestors("clone")} | {change.id}
    return any(f"'{i}'" in error or f" {i}:" in error for i in ids)


def seed_fragments() -> list[Path]:
    files = shared_files("seed-examples", pattern="*.xml")
    return [
        p for p in files if p.parent.name in ("cib", "snippets") and p.name != "ilo-v1-snippet.xml"
    ]


@pytest.mark.peer
@pytest.mark.shared
def test_crm_verify_accepts_the_seeds_in_one_current_cib(tmp_path: Path) -> None:
    """Each seed's CIB fragments, upgraded one by one and loaded into one current CIB as
    cibadmin -C would (loose nvpair/op snippets are for cibadmin -M and are left out)."""
    seeds = sorted(
        {p.parents[1] if p.parent.name == "snippets" else p.parent for p in seed_fragments()}
    )
    assert seeds, shared_path("seed-examples")
    for seed in seeds:
        skeleton = etree.fromstring(
            f'<cib admin_epoch="1" epoch="1" num_updates="0" validate-with="{CURRENT}">'
            "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
            "<status/></cib>"
        )
        conf = skeleton.find("configuration")
        sections = {"cluster_property_set": "crm_config", "primitive": "resources",
                    "group": "resources", "clone": "resources", "rsc_location": "constraints",
                    "rsc_order": "constraints", "rsc_colocation": "constraints"}  # fmt: skip
        for path in [p for p in seed_fragments() if seed in p.parents]:
            result = upgrade(read(path), path=str(path))
            for el in etree.fromstring(f"<x>{result.text}</x>".encode(), SAFE):
                if isinstance(el.tag, str) and el.tag in sections:
                    conf.find(sections[el.tag]).append(el)
                elif isinstance(el.tag, str) and el.tag in ("rsc_defaults", "op_defaults"):
                    conf.append(el)
        ids = {e.get("id") for e in skeleton.iter() if e.get("id")}
        for el in list(conf.find("constraints")):  # constraints on resources of other files
            if any(el.get(a) not in ids for a in ("rsc", "with-rsc", "first", "then") if el.get(a)):
                conf.find("constraints").remove(el)
        text = etree.tostring(skeleton, encoding="unicode")
        valid39(text)
        output = crm_verify_output(text, tmp_path)
        errors = [
            ln for ln in output.splitlines() if ERROR.search(ln) and not NO_STONITH.search(ln)
        ]
        assert not errors, f"{seed.name}: {output}"


# ------------------------------------------------------------- cibadmin --upgrade

#: What we do beyond (or instead of) the installed cibadmin --upgrade (Pacemaker 2.1, which
#: stops at upgrade-2.10.xsl + pacemaker-3.9); docs/conversion.md lists them with reasons.
#: Each entry maps their element/attribute to ours (None: we drop it).
DOCUMENTED_OPTION_DROPS = (
    "cluster-infrastructure", "dc-version", "expected-quorum-votes", "remove-after-stop",
    "last-lrm-refresh",
)  # fmt: skip


def normalise_theirs(root: etree._Element) -> None:
    """cibadmin --upgrade's result with the documented differences applied (see
    docs/conversion.md, "1.0 -> current compared with cibadmin --upgrade")."""
    conf = root.find("configuration")
    # 1. the 3.10 steps Pacemaker 2.1 does not have: promotable clones, role names,
    #    restart-type, ordered/collocated=true, 'default' values, one nvpair per name
    for m in list(conf.iter("master")):
        m.tag = "clone"
        meta = m.find("meta_attributes")
        if meta is None:
            meta = etree.SubElement(m, "meta_attributes")
        etree.SubElement(meta, "nvpair", name="promotable", value="true")
    for nv in list(conf.iter("nvpair")):
        name, value = nv.get("name"), nv.get("value", "")
        parent = nv.getparent()
        if name in ("master-max", "master-node-max"):
            nv.set("name", name.replace("master", "promoted"))
        if name == "target-role" and value.lower() in ("master", "slave"):
            nv.set("value", "Promoted" if value.lower() == "master" else "Unpromoted")
        if name == "restart-type" or (name in ("ordered", "collocated") and value == "true"
                                      and parent.getparent().tag == "group"):  # fmt: skip
            parent.remove(nv)
        if value == "default" and name in ("is-managed", "resource-stickiness", "target-role"):
            parent.remove(nv)
        # 2. options Pacemaker maintains itself or corosync replaces
        if parent.tag == "cluster_property_set" and name in DOCUMENTED_OPTION_DROPS:
            parent.remove(nv)
        if name == "stonith-action" and value == "poweroff":
            nv.set("value", "off")
    for el in conf.iter():
        for attr in ("role", "rsc-role", "with-rsc-role"):
            value = el.get(attr)
            if value in ("Master", "Slave"):
                el.set(attr, "Promoted" if value == "Master" else "Unpromoted")
    # 3. upgrade-2.10.xsl moves the op's requires only when it is set on start/promote:
    #    the same; and it moves default-migration-threshold nowhere (we keep it in rsc_defaults)
    # 4. constraints on a clone's child name the clone; target-role Promoted/Unpromoted on
    #    a resource that cannot be promoted goes (Pacemaker ignores both)
    parent = {
        c.get("id"): clone.get("id")
        for clone in conf.iter("clone")
        for c in clone
        if isinstance(c.tag, str) and c.tag in ("primitive", "group")
    }
    for con in conf.iter("rsc_location", "rsc_colocation", "rsc_order"):
        for attr in ("rsc", "with-rsc", "first", "then"):
            if con.get(attr) in parent:
                con.set(attr, parent[con.get(attr)])
    for nv in list(conf.iter("nvpair")):
        owner = nv.getparent().getparent()
        if nv.get("name") == "target-role" and nv.get("value") in ("Promoted", "Unpromoted"):
            chain = [owner, *owner.iterancestors("clone")]
            if not any(
                el.tag == "clone"
                and el.find("meta_attributes/nvpair[@name='promotable']") is not None
                for el in chain
            ):
                nv.getparent().remove(nv)
    # rsc_order score: 0 is kind=Optional, other scores the default Mandatory
    for order in conf.iter("rsc_order"):
        score = order.attrib.pop("score", None)
        if score is not None and order.get("kind") is None and score in ("0", "+0", "-0"):
            order.set("kind", "Optional")
    # 5. one nvpair of a name per set, and per rsc_defaults/op_defaults (the first: what
    #    Pacemaker reads; upgrade-3.10-2.xsl); resource-failure-stickiness, which 2.10 leaves
    #    on clones and groups and Pacemaker ignores, is a migration-threshold in ours
    for section in conf.iter("cluster_property_set", "meta_attributes", "instance_attributes",
                             "rsc_defaults", "op_defaults"):  # fmt: skip
        seen: set[str] = set()
        for nv in list(section.iter("nvpair")):
            if section.tag in ("meta_attributes", "instance_attributes") and (
                nv.getparent() is not section
            ):
                continue
            if nv.get("name") in seen or nv.get("name") == "resource-failure-stickiness":
                nv.getparent().remove(nv)
            seen.add(nv.get("name"))
    # 6. empty attribute sets and cluster property sets go
    containers = ("meta_attributes", "instance_attributes", "cluster_property_set")
    for el in reversed(list(conf.iter(*containers, "rsc_defaults", "op_defaults"))):
        if not any(isinstance(c.tag, str) for c in el):
            el.getparent().remove(el)


def config_items(root: etree._Element) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """(element path, attributes without ids) of every configuration element; node ids and
    the ids a resource reference names are attribute values, so they still count."""
    out = set()
    conf = root.find("configuration")
    for el in conf.iter():
        if not isinstance(el.tag, str):
            continue
        path = "/".join(a.tag for a in reversed(list(el.iterancestors())) if a is not root)
        attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if k != "id"))
        out.add((f"{path}/{el.tag}", attrs))
    return out


def ours_only_by_design(only_ours: set[Any], ours10: str) -> set[Any]:
    """Our migration-threshold where cibadmin has none: computed from a finite failure
    stickiness (the 1.1 stop: the failures that used to outweigh the stickiness; 2.10 drops
    all but -INFINITY) or moved from default-migration-threshold (2.10 drops it), with the
    rsc_defaults that holds it. docs/conversion.md lists both."""
    lost = "<rsc_defaults/>" in ours10 and "default-resource-stickiness" in ours10
    if (
        "failure-stickiness" not in ours10
        and "default-migration-threshold" not in ours10
        and not lost
    ):
        return set()
    return {
        item
        for item in only_ours
        if ("name", "migration-threshold") in item[1]
        # upgrade-2.10.xsl loses default-resource-stickiness when the CIB already has an
        # empty <rsc_defaults/> (corpus bug-lf-2153, bug-lf-2317); we keep it
        or (lost and ("name", "resource-stickiness") in item[1])
        or item
        in {("configuration/rsc_defaults", ()), ("configuration/rsc_defaults/meta_attributes", ())}
    }


def cibadmin_sample() -> list[Path]:
    return all_inputs()[3::8]


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", cibadmin_sample(), ids=lambda p: p.name)
def test_cibadmin_upgrade_of_our_10_output_matches_our_current_output(
    path: Path, tmp_path: Path
) -> None:
    if shutil.which("cibadmin") is None:
        reason = "cibadmin (pacemaker-cli-utils) is not installed"
        unavailable(reason)
    text = read(path)
    ours10 = upgrade(text, target="pacemaker-1.0").text
    current = upgrade(text).text
    work = tmp_path / "cib.xml"
    work.write_text(ours10)
    proc = subprocess.run(
        ["cibadmin", "--upgrade", "--force"],
        env={**os.environ, "CIB_file": str(work)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = etree.fromstring(work.read_bytes(), BLANKLESS)
    assert theirs.get("validate-with") == CURRENT
    normalise_theirs(theirs)
    ours = etree.fromstring(current.encode(), BLANKLESS)
    only_theirs = config_items(theirs) - config_items(ours)
    only_ours = config_items(ours) - config_items(theirs)
    only_ours -= ours_only_by_design(only_ours, ours10)
    assert not only_theirs and not only_ours, (sorted(only_theirs), sorted(only_ours))


def test_the_converted_example_cib_round_trips_and_lints_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16's item 6: what we write parses back byte for byte and xencfg lint finds
    nothing in it (examples/two-node's heartbeat 2 CIB, to the current schema)."""
    from xencfg import api

    example = Path(__file__).parents[1] / "examples" / "two-node" / "alpha"
    src = example / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
    text = upgrade(read(src), nodeids={"alpha": 1, "beta": 2}).text
    valid39(text)
    assert api.dumps(api.loads(text, "cib")) == text
    cib_file = tmp_path / "cib.xml"
    cib_file.write_text(text)
    capsys.readouterr()
    assert main(["lint", str(cib_file)]) == 0
    out = capsys.readouterr()
    assert "no problems found" in out.err and not out.out


def test_comments_around_the_root_are_kept() -> None:
    text = (
        "<!-- cluster of the web team -->\n"
        '<cib admin_epoch="2" epoch="1" num_updates="0" validate-with="pacemaker-2.0">'
        "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
        "<status/></cib>\n<!-- end -->\n"
    )
    out = upgrade(text).text
    assert out.startswith("<!-- cluster of the web team -->\n<cib ")
    assert out.rstrip().endswith("<!-- end -->")
    frag = upgrade("<!-- the DRBD pair -->\n" + DRBD_MS)
    assert frag.text.startswith("<!-- the DRBD pair -->\n<clone ")


@pytest.mark.parametrize(
    "text",
    [
        '<cib validate-with="pacemaker-2.0"/>',
        '<cib validate-with="pacemaker-2.5"><configuration/></cib>',
        '<nodes><node id="n" uname="a" type="ping"/></nodes>',
        '<nvpair id="x" name="target-role" value="Master"/>',
        '<rsc_location id="l" rsc="r"><lifetime id="lt"/></rsc_location>',
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config>'
        '<cluster_property_set id="c"/></crm_config></configuration></cib>',
        "<cib><configuration><resources><master_slave id='m'/></resources></configuration></cib>",
        "<!-- only a comment --><op id='o' name='monitor' requires='nothing'/>",
    ],
)
def test_odd_inputs_convert_or_fail_cleanly(text: str) -> None:
    from xencfg.errors import XencfgError

    try:
        result = upgrade(text)
    except XencfgError:
        return
    etree.fromstring(f"<x>{result.text}</x>".encode(), SAFE)


@pytest.mark.peer
def test_migrate_writes_a_current_cib_pacemaker_accepts(tmp_path: Path) -> None:
    """xencfg migrate on examples/two-node: the CIB is in the current schema, its node ids
    are the corosync nodeids of the nodelist it writes, and crm_verify finds no error."""
    from xencfg import migrate

    example = Path(__file__).parents[1] / "examples" / "two-node"
    m = migrate.plan([str(example / "alpha"), str(example / "beta")], cluster_name="xen-ha")
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    root = valid39(text)
    assert {n.get("uname"): n.get("id") for n in find(root, "//nodes/node")} == {
        mb.name: str(mb.nodeid) for mb in m.members
    }
    assert len(root.find("status")) == 0
    output = crm_verify_output(text, tmp_path)
    assert not [ln for ln in output.splitlines() if ERROR.search(ln)], output
    m10 = migrate.plan([str(example / "alpha"), str(example / "beta")], pacemaker_target="1.0")
    old = next(o for o in m10.outputs if o.path == "cib.xml").data.decode()
    assert 'validate-with="pacemaker-1.0"' in old and '<node id="1" uname="alpha"' in old


@pytest.mark.peer
def test_migrate_of_a_v1_cluster_writes_a_current_cib(tmp_path: Path) -> None:
    """haresources (heartbeat 1) -> CIB -> the current schema, through the same chain."""
    from xencfg import migrate

    roots = []
    for me in ("alpha", "beta"):
        etc = tmp_path / me / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d" / "ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nbcast eth0\nnode alpha\nnode beta\nauto_failback on\n"
        )
        (etc / "ha.d" / "haresources").write_text(
            "alpha 10.0.0.5 drbddisk::r0 Filesystem::/dev/drbd0::/srv::ext3 apache\n"
        )
        roots.append(str(tmp_path / me))
    m = migrate.plan(roots, only=("stack",))
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    valid39(text)
    output = crm_verify_output(text, tmp_path)
    errors = [ln for ln in output.splitlines() if ERROR.search(ln) and not NO_STONITH.search(ln)]
    assert not errors, output
    assert any(n.kind == "manual" and "STONITH" in n.what for n in m.notes)


def test_cli_check_and_json_report_of_the_current_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    src = tmp_path / "cib.xml"
    src.write_text(cib(crm(("dc-version", "2.1.3")) + NODES))
    assert main(["cib", "convert", str(src), "--to", "current", "--check", "--report", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    kinds = {c["kind"] for c in report["changes"]}
    assert {"current", "manual", "safety"} <= kinds
    assert f'validate-with="{CURRENT}"' in report["text"]
    assert src.read_text() == cib(crm(("dc-version", "2.1.3")) + NODES)  # --check writes nothing


_PIECES = st.lists(
    st.sampled_from(
        [
            DRBD_MS,
            STONITH,
            '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2" '
            'restart_type="ignore" target_role="slave"/>',
            '<group id="g" ordered="false"><primitive id="g1" class="heartbeat" '
            'type="drbddisk"/></group>',
            '<clone id="cl" globally_unique="false"><instance_attributes id="cli"><attributes>'
            '<nvpair id="cl1" name="clone_node_max" value="2"/></attributes>'
            '</instance_attributes><primitive id="cp" class="lsb" type="x"/></clone>',
        ]
    ),
    max_size=4,
    unique=True,
)
_CONSTRAINTS = st.lists(
    st.sampled_from(
        [
            '<rsc_order id="o1" from="ip" to="ms_drbd" score="0"/>',
            '<rsc_colocation id="c1" from="ip" to="drbd0" to_role="master" score="INFINITY"/>',
            '<rsc_location id="l1" rsc="ip"><rule id="r1" score="10"><expression id="e1" '
            'attribute="#uname" operation="eq" value="xen1"/></rule><rule id="r2" '
            'score="-INFINITY"><expression id="e2" attribute="pingd" operation="not_defined"/>'
            '</rule><lifetime id="lt"><rule id="lr" score="0"><date_expression id="d" '
            'operation="lt" end="2030-01-01"/></rule></lifetime></rsc_location>',
            '<rsc_location id="l2" rsc="g" node="xen2" score="50"/>',
        ]
    ),
    max_size=3,
    unique=True,
)
_OPTIONS = st.lists(
    st.sampled_from(
        [
            ("stonith_enabled", "false"),
            ("stonith-action", "poweroff"),
            ("default-migration-threshold", "-5"),
            ("dc-version", "2.1.3"),
            ("default_resource_failure_stickiness", "-30"),
            ("cluster-infrastructure", "Heartbeat"),
        ]
    ),
    max_size=4,
    unique_by=lambda p: p[0],
)


@settings(max_examples=60, deadline=None)
@given(pieces=_PIECES, constraints=_CONSTRAINTS, options=_OPTIONS, ids=st.booleans())
def test_any_mix_converts_to_the_installed_schema_or_fails_cleanly(
    pieces: list[str], constraints: list[str], options: list[tuple[str, str]], ids: bool
) -> None:
    """Mixes of the cases above: a XencfgError (the 1.0 step's schema check, a constraint
    on a resource the mix lacks) or a CIB pacemaker-3.9.rng accepts; fencing as it was."""
    from xencfg.errors import XencfgError

    text = cib(
        crm(*options) + NODES + "<resources>" + "".join(pieces) + "</resources>"
        "<constraints>" + "".join(constraints) + "</constraints>"
    )
    try:
        result = upgrade(text, nodeids={"xen1": 1, "xen2": 2} if ids else None)
    except XencfgError:
        return
    root = valid39(result.text)
    before = dict(options).get("stonith_enabled")
    assert find(root, "//nvpair[@name='stonith-enabled']/@value") == ([before] if before else [])
