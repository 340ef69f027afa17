"""CIB lint and conversion verdicts checked against Pacemaker's and the agents' sources
(clusters we have not seen: Pacemaker 1.0 syntax, heartbeat 2 and openais CIBs).

Each test names the source line that backs the expected behaviour; the fixtures are in
tests/fixtures/cib-truth/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import crm_verify_file
from test_cib_convert import crm_verify_output
from xencfg import lint
from xencfg.formats.cib.convert import convert
from xencfg.formats.cib.upgrade import upgrade

FIXTURES = Path(__file__).parent / "fixtures" / "cib-truth"
SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def findings(path: Path, code: str) -> list[tuple[str, str, int]]:
    return [(f.code, f.severity, f.line) for f in lint.run([str(path)], select=[code]).findings]


def meta(text: str, rsc: str) -> dict[str, str]:
    """The meta nvpairs of resource ``rsc`` in a converted CIB (first of a name wins)."""
    root = etree.fromstring(text.encode(), SAFE)
    el = root.find(f".//*[@id='{rsc}']")
    assert el is not None
    out: dict[str, str] = {}
    for nv in el.iterfind("meta_attributes/nvpair"):
        out.setdefault(nv.get("name", ""), nv.get("value", ""))
    return out


# -- anonymous clones with clone-node-max > 1 ----------------------------------------


def test_cb024_anonymous_clone_node_max(tmp_path: Path) -> None:
    """Pacemaker's clone unpacking forces an anonymous clone to one instance per node and
    flags a configuration error: Pacemaker-1.0.0 lib/pengine/clone.c clone_unpack
    ("Anonymous clones (%s) may only support one copy per node"), 2.1.5 lib/pengine/clone.c
    l.315-318 (pcmk__config_err "Ignoring promoted-max for %s because anonymous clones
    support only one instance per node"); crm_verify 2.1.5 exits 78 "config not valid".
    A clone without globally-unique is anonymous since 1.0.2 (lib/pengine/complex.c:
    ``if(crm_is_true(value) || top->variant < pe_clone)``). With globally-unique=true
    crm_verify takes it (rc 0) and CB024 is quiet."""
    bad, good = FIXTURES / "cb024-anonymous.xml", FIXTURES / "cb024-unique.xml"
    assert findings(bad, "CB024") == [("CB024", "error", 14)]
    assert findings(good, "CB024") == []
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out
    verbose = crm_verify_output(bad.read_text(), tmp_path)
    assert "anonymous clones support only one instance per node" in verbose
    rc, out = crm_verify_file(good)
    assert rc == 0, out


def test_cb024_heartbeat2_counts_only_an_explicit_false() -> None:
    """crm.dtd: <!ATTLIST clone globally_unique (true|yes|1|false|no|0) 'true'>: a
    heartbeat 2 clone without it is unique, so only an explicit false counts, and as a
    warning (heartbeat 2.1's own CRM may predate the check, Pacemaker 0.6.0 has it:
    lib/crm/pengine/clone.c "Anonymous clones (%s) may only support one copy")."""
    assert findings(FIXTURES / "cb024-hb2-anonymous.xml", "CB024") == [("CB024", "warning", 14)]
    assert findings(FIXTURES / "cb024-hb2-default.xml", "CB024") == []


def test_convert_never_writes_anonymous_clone_node_max(tmp_path: Path) -> None:
    """``cib convert`` (to 1.0 and to current) writes clone-node-max=1 for a heartbeat 2
    clone with globally_unique=false and clone_node_max=2 (what Pacemaker runs, see
    above), reports it as a warning, and crm_verify then finds no error; the same clone
    with heartbeat's default uniqueness keeps 2 (globally-unique=true is written)."""
    src = fixture("cb024-hb2-anonymous.xml")
    for result in (convert(src), upgrade(src)):
        assert meta(result.text, "ip-clone")["clone-node-max"] == "1"
        assert any(c.kind == "warning" and "anonymous" in c.what for c in result.changes)
    current = tmp_path / "current.xml"
    current.write_text(upgrade(src).text)
    rc, out = crm_verify_file(current)
    assert rc == 0, out
    kept = convert(fixture("cb024-hb2-default.xml")).text
    assert meta(kept, "ip-clone")["clone-node-max"] == "2"
    assert meta(kept, "ip-clone")["globally-unique"] == "true"


# -- a clone's options in heartbeat 2 instance attributes -----------------------------


def test_convert_keeps_notify_of_a_drbd_master_slave(tmp_path: Path) -> None:
    """heartbeat 2 read every instance attribute of a resource, a clone's too, as its
    options (Pacemaker-0.6.0 lib/crm/pengine/complex.c get_meta_attributes: "populate from
    the regular attributes until the GUI can create meta attributes"; common_unpack then
    reads XML_RSC_ATTR_NOTIFY from rsc->meta). upgrade06 dropped a clone's instance
    attributes but eight names, so ``notify=yes`` went, and ocf:linbit:drbd refuses to
    start without notifications (drbd-utils scripts/drbd.ocf _drbd_validate_all: "you
    really should enable notify when using this RA", OCF_ERR_CONFIGURED). It is moved
    to meta."""
    src = fixture("drbd-ms-hb2.xml")
    for result in (convert(src), upgrade(src)):
        assert meta(result.text, "ms-r0")["notify"] == "yes"
        assert not any(c.kind == "drop-element" and "notify" in c.what for c in result.changes)
    dropped = src.replace('name="notify"', 'name="bogus_option"')
    assert any("bogus_option" in c.what for c in convert(dropped).changes)


def test_drbd_master_slave_globally_unique_is_not_refused(tmp_path: Path) -> None:
    """heartbeat 2's default uniqueness (crm.dtd 'true') is written for a DRBD
    master/slave too, and that is no refusal: drbd-utils scripts/drbd.ocf
    _drbd_validate_all checks clone-node-max = 1, master-node-max = 1, master-max <= 2 and
    (DRBD 8) clone-max <= 2 with meta_expect, never globally-unique (no version of drbd.ocf
    in LINBIT/drbd or drbd-utils reads OCF_RESKEY_CRM_meta_globally_unique), and
    Pacemaker accepts a unique promotable clone (crm_verify rc 0). So the conversion keeps
    it, with no warning about it, and lint says nothing."""
    src = fixture("drbd-ms-hb2.xml")
    result = upgrade(src)
    assert meta(result.text, "ms-r0")["globally-unique"] == "true"
    assert not any(
        c.kind in ("warning", "manual", "safety") and "unique" in c.what for c in result.changes
    )
    out = tmp_path / "ms.xml"
    out.write_text(result.text)
    rc, text = crm_verify_file(out)
    assert rc == 0, text
    found = lint.run([str(out)], select=["CB"]).findings
    assert not [f for f in found if f.severity == "error"], found


# -- node ids by the stack that wrote them --------------------------------------------


@pytest.mark.parametrize(
    ("stack", "ids", "says"),
    [
        ("", "uuid", "is heartbeat's UUID"),
        ("Heartbeat", "uuid", "is heartbeat's UUID"),
        ("openais", "uname", "as Pacemaker on openais (the classic plugin) names a node"),
        ("classic openais (with plugin)", "uname", "on openais (the classic plugin)"),
        ("cman", "uname", "as Pacemaker on cman names a node"),
        ("", "uname", "as Pacemaker on openais or cman names a node"),
    ],
)
def test_node_id_is_named_by_its_stack(stack: str, ids: str, says: str) -> None:
    """heartbeat names a node by its UUID; Pacemaker on openais (classic plugin) and cman
    by its uname (Pacemaker-1.0.8 lib/common/cluster.c get_uuid: ``if(is_openais_cluster())
    uuid_calc = crm_strdup(uname)``; Pacemaker-1.1.10 lib/cluster/cluster.c crm_peer_uuid:
    pcmk_cluster_cman and pcmk_cluster_classic_ais use the uname). The report says which,
    not "heartbeat's UUID" for every CIB."""
    src = fixture("drbd-ms-hb2.xml")
    if ids == "uname":
        src = src.replace('id="6d3f2c1e-1111-2222-3333-444455556666"', 'id="xen1"')
    if stack:
        src = src.replace(
            '<nvpair id="o1"',
            f'<nvpair id="o2" name="cluster-infrastructure" value="{stack}"/><nvpair id="o1"',
        )
    notes = [c.what for c in upgrade(src).changes if c.kind == "manual" and "xen1" in c.what]
    assert len(notes) == 1 and says in notes[0], notes
    if stack.lower() not in ("", "heartbeat"):
        assert "heartbeat" not in notes[0]


# -- OCFS2 outside a clone, by stack ----------------------------------------------------

OCFS2_CIB = """<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-1.0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o1" name="stonith-enabled" value="false"/>{stack}
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="pool" class="ocf" provider="heartbeat" type="Filesystem">
        <instance_attributes id="pool-ia">
          <nvpair id="pool-dev" name="device" value="/dev/sdb1"/>
          <nvpair id="pool-dir" name="directory" value="/etc/xen/vm"/>
          <nvpair id="pool-fs" name="fstype" value="ocfs2"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    ("stack", "severity"),
    [("", "error"), ("Heartbeat", "error"), ("openais", "warning"), ("cman", "warning")],
)
def test_cb017_severity_follows_the_stack(tmp_path: Path, stack: str, severity: str) -> None:
    """resource-agents <= 3.9.5 heartbeat/Filesystem ocfs2_init: on heartbeat (SLES 10's
    OCFS2 integration) "ocfs2 must be run as a clone." (OCF_ERR_GENERIC); on openais,
    corosync or cman it returns before that check (3.9.6, a753a0fdf, dropped it), so a
    plain OCFS2 primitive mounts on one node: a warning there, an error elsewhere."""
    option = (
        f'\n        <nvpair id="o2" name="cluster-infrastructure" value="{stack}"/>'
        if stack
        else ""
    )
    path = tmp_path / "cib.xml"
    path.write_text(OCFS2_CIB.format(stack=option))
    assert [f[:2] for f in findings(path, "CB017")] == [("CB017", severity)]


# -- crm_verify's configuration errors lint lacked: on-fail=fence, promotable non-OCF ----


def test_cb025_on_fail_fence_without_fencing(tmp_path: Path) -> None:
    """Pacemaker 2.1.5 lib/pengine/pe_actions.c (unpack_operation): "Resetting 'on-fail'
    for operation 'web_monitor_10000' to 'stop' because 'fence' is not valid when fencing
    is disabled" (pcmk__config_err; since 0.6.0's "Specifying on_fail=fence and
    stonith-enabled=false makes no sense"); crm_verify exits 78, and takes on-fail=block."""
    bad, good = FIXTURES / "cb025-fence-off.xml", FIXTURES / "cb025-block.xml"
    assert findings(bad, "CB025") == [("CB025", "error", 13)]
    assert findings(good, "CB025") == []
    verbose = crm_verify_output(bad.read_text(), tmp_path)
    assert "'fence' is not valid when fencing is disabled" in verbose
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    on = bad.read_text().replace('value="false"', 'value="true"')
    (tmp_path / "on.xml").write_text(on)
    assert findings(tmp_path / "on.xml", "CB025") == []


def test_cb025_counts_op_defaults_and_heartbeat2_default(tmp_path: Path) -> None:
    """op_defaults' on-fail applies to every op; a heartbeat 2 CIB without
    stonith_enabled runs without fencing (crm.dtd era default)."""
    text = (FIXTURES / "cb025-fence-off.xml").read_text()
    text = text.replace(' on-fail="fence"', "").replace(
        "<constraints/>",
        '<constraints/><op_defaults><meta_attributes id="od"><nvpair id="od1" '
        'name="on-fail" value="fence"/></meta_attributes></op_defaults>',
    )
    path = tmp_path / "defaults.xml"
    path.write_text(text)
    assert [f[0] for f in findings(path, "CB025")] == ["CB025", "CB025"]
    hb2 = (
        '<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>'
        "<nodes/><resources>"
        '<primitive id="web" class="ocf" provider="heartbeat" type="Dummy"><operations>'
        '<op id="m" name="monitor" interval="10s" on_fail="fence"/></operations></primitive>'
        "</resources><constraints/></configuration><status/></cib>\n"
    )
    path = tmp_path / "hb2.xml"
    path.write_text(hb2)
    assert [f[0] for f in findings(path, "CB025")] == ["CB025"]


def test_cb026_promotable_non_ocf_agent(tmp_path: Path) -> None:
    """Pacemaker 2.1.5 lib/pengine/native.c native_unpack: "Resource r0:0 is of type
    heartbeat and therefore cannot be used as a promotable clone resource", then
    unpack_resources "Ignoring <master> resource 'ms-r0' because configuration is
    invalid" (since 1.1.9, commit 9ffca15819); ocf:linbit:drbd in the same master is
    taken (rc 0). Declared older than 1.1.9: a warning."""
    from xencfg.formats.schema import Version

    bad, good = FIXTURES / "cb026-heartbeat-master.xml", FIXTURES / "cb026-ocf-master.xml"
    assert findings(bad, "CB026") == [("CB026", "error", 15)]
    assert findings(good, "CB026") == []
    verbose = crm_verify_output(bad.read_text(), tmp_path)
    assert "cannot be used as a promotable clone resource" in verbose
    assert "Ignoring <master> resource 'ms-r0'" in verbose
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    old = {"pacemaker": Version.parse("1.0.12")}
    found = lint.run([str(bad)], select=["CB026"], versions=old).findings
    assert [f.severity for f in found] == ["warning"]


def test_cb027_stop_on_fail_not_allowed(tmp_path: Path) -> None:
    """Pacemaker 2.1.5 lib/pengine/pe_actions.c unpack_operation_on_fail
    (valid_stop_on_fail: not standby, demote or stop, since 2.0.5): "Resetting 'on-fail'
    for web stop action to default value because 'stop' is not allowed for stop";
    crm_verify exits 78, and takes on-fail=block (the fixture's status has web running
    on xen1, banned there, so a stop is scheduled). Declared older than 2.0.5 only
    standby is refused (1.0's utils.c "on-fail=standby is not allowed for stop
    actions")."""
    from xencfg.formats.schema import Version

    bad, good = FIXTURES / "cb027-stop-on-fail-stop.xml", FIXTURES / "cb027-stop-on-fail-block.xml"
    assert findings(bad, "CB027") == [("CB027", "error", 14)]
    assert findings(good, "CB027") == []
    verbose = crm_verify_output(bad.read_text(), tmp_path)
    assert "because 'stop' is not allowed for stop" in verbose
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    old = {"pacemaker": Version.parse("1.1.12")}
    assert lint.run([str(bad)], select=["CB027"], versions=old).findings == []
    standby = tmp_path / "standby.xml"
    standby.write_text(bad.read_text().replace('on-fail="stop"', 'on-fail="standby"'))
    found = lint.run([str(standby)], select=["CB027"], versions=old).findings
    assert [f.code for f in found] == ["CB027"]


def test_cb028_target_role_ignored(tmp_path: Path) -> None:
    """Pacemaker 2.1.5 lib/pengine/utils.c get_target_role: "Ignoring 'target-role' for
    web because 'Stoped' is not valid" (pcmk__config_err after text2role "Unknown role:
    Stoped"; 1.0.8: "%s: Unknown value for %s: %s"): the resource starts, so an error;
    'Master' on a primitive: "... because 'Master' only makes sense for promotable
    clones" (1.0.8 only pe_warn): it runs started as it would anyway, a warning;
    'Stopped' is taken (rc 0). The first nvpair of a name in a set wins and '#default'
    means unset (1.0.8 lib/pengine/rules.c populate_hash), as crm_verify reads them."""
    bad = FIXTURES / "cb028-misspelt.xml"
    assert findings(bad, "CB028") == [("CB028", "error", 13)]
    assert "'Stoped' is not valid" in crm_verify_output(bad.read_text(), tmp_path)
    master = FIXTURES / "cb028-master-on-primitive.xml"
    assert findings(master, "CB028") == [("CB028", "warning", 13)]
    assert "only makes sense for promotable" in crm_verify_output(master.read_text(), tmp_path)
    good = FIXTURES / "cb028-stopped.xml"
    assert findings(good, "CB028") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    second = tmp_path / "second.xml"
    second.write_text(
        good.read_text().replace(
            '<nvpair id="web-role" name="target-role" value="Stopped"/>',
            '<nvpair id="web-role" name="target-role" value="Stopped"/>'
            '<nvpair id="web-role2" name="target-role" value="1000"/>',
        )
    )
    assert findings(second, "CB028") == []
    rc, out = crm_verify_file(second)
    assert rc == 0, out
    unset = tmp_path / "unset.xml"
    unset.write_text(good.read_text().replace('value="Stopped"', 'value="#default"'))
    assert findings(unset, "CB028") == []


def test_heartbeat2_cibs_get_the_converted_cib_s_errors_as_warnings(tmp_path: Path) -> None:
    """heartbeat 2's CRM (Pacemaker-0.6.0) takes a heartbeat-class master/slave and
    on_fail=stop on a stop, which the CIB converted for Pacemaker does not: CB026 and
    CB027 warn there (the conversion keeps both, tests/test_cib_differential.py), while
    a target_role that is no role is an error in 0.6 as well (complex.c "Unknown value
    for target_role"); two target_role nvpairs: the first one counts (get_meta_attributes
    never overwrites)."""
    src = fixture("drbd-ms-hb2.xml").replace(
        'class="ocf" provider="heartbeat" type="drbd"', 'class="heartbeat" type="drbddisk"'
    )
    path = tmp_path / "hb2.xml"
    path.write_text(src)
    assert [f[:2] for f in findings(path, "CB026")] == [("CB026", "warning")]
    stop = src.replace(
        '<primitive id="drbd-r0" class="heartbeat" type="drbddisk">',
        '<primitive id="drbd-r0" class="heartbeat" type="drbddisk"><operations>'
        '<op id="d-stop" name="stop" on_fail="stop"/></operations>',
    )
    path.write_text(stop)
    assert [f[:2] for f in findings(path, "CB027")] == [("CB027", "warning")]
    role = src.replace(
        '<nvpair id="d1" name="drbd_resource" value="r0"/>',
        '<nvpair id="d1" name="drbd_resource" value="r0"/>'
        '<nvpair id="d2" name="target_role" value="started"/>'
        '<nvpair id="d3" name="target_role" value="1000"/>',
    )
    path.write_text(role)
    assert findings(path, "CB028") == []
    path.write_text(role.replace('value="started"', 'value="stoped"'))
    assert [f[:2] for f in findings(path, "CB028")] == [("CB028", "error")]
