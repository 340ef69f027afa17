"""CIBs as other people and tools spell them (session 27): 35 small CIBs in
tests/fixtures/cib-spell27, in heartbeat 2's crm.dtd spellings (``<attributes>`` with an id,
rule-scoped sets, date_expression/date_spec, ``score_attribute``, ``boolean_op="or"``,
``#id``, op ``role``/``on_fail``/``start_delay``/``disabled``/``prereq``, underscore
options, a live status section, comments and entities, ids with dots and colons) and in
pacemaker-1.0 to pacemaker-3.9 ones (resource sets with ``sequential``/``require-all``/
``ordering``/``kind``, rsc_defaults/op_defaults both ways, utilization, rsc_ticket, ACLs of
the 1.1 and 2.0 shapes, tags, templates, bundles, alerts, fencing levels by pattern and
attribute, promotable clones with rule expressions, live ``cibadmin -Q`` output).

Each is linted (loose and in a two-node tree), read and written back byte for byte, judged
by crm_verify 2.1.5 (Pacemaker CIBs; conftest ``crm_verify_file``) or by crm.dtd (heartbeat 2
CIBs, which crm_verify 2.x cannot judge: test_cib_truth6), and converted to the current
schema, whose output crm_verify judges. The table is what those runs gave once this
round's fixes were in; what each fix changed is in the tests below it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import xencfg
from conftest import crm_verify_file
from roundtrip import read
from test_cib_hb2_verdicts import dtd_valid
from xencfg import lint
from xencfg.formats.cib import CibDocument
from xencfg.formats.cib.convert import ConversionRefused
from xencfg.formats.cib.upgrade import upgrade

FIXTURES = Path(__file__).parent / "fixtures" / "cib-spell27"

#: name -> (lint's error codes on the loose file, the peer's verdict, the converted CIB's
#: crm_verify verdict). Peer: crm_verify (OK, WARN: warnings only, ERR: "config not
#: valid") or, for heartbeat 2, crm.dtd (DTD-OK / DTD-BAD). CB037 (a node no device
#: fences) is a documented hazard crm_verify does not look for; any other lint error is
#: where crm_verify refuses, and only there. WARN on a converted CIB is "Blind faith"
#: (fencing off, as the admin set it), "unclean but cannot be fenced" / "lack of quorum"
#: (an empty status) or group ordered/collocated (deprecated, kept and reported).
TABLE: dict[str, tuple[set[str], str, str]] = {
    "hb2-attributes-ids.xml": ({"CB037"}, "DTD-BAD", "WARN"),
    "hb2-clone-ia-options.xml": ({"CB037"}, "DTD-OK", "WARN"),
    "hb2-colocation-roles.xml": (set(), "DTD-OK", "OK"),
    "hb2-comments-entities.xml": (set(), "DTD-OK", "OK"),
    "hb2-group-attrs.xml": (set(), "DTD-OK", "WARN"),
    "hb2-ia-rules-per-node.xml": (set(), "DTD-OK", "OK"),
    "hb2-ids-colons.xml": (set(), "DTD-OK", "OK"),
    "hb2-live-status.xml": (set(), "DTD-OK", "OK"),
    "hb2-location-date-range.xml": (set(), "DTD-OK", "OK"),
    "hb2-location-datespec-or.xml": (set(), "DTD-OK", "OK"),
    "hb2-op-spellings.xml": (set(), "DTD-OK", "WARN"),
    "hb2-propset-rule-ping-node.xml": (set(), "DTD-OK", "OK"),  # was ERR: fix 3
    "hb2-score-attribute-pingd.xml": (set(), "DTD-OK", "OK"),
    "hb2-stonith-no-option.xml": (set(), "DTD-OK", "WARN"),
    "hb2-underscore-options.xml": (set(), "DTD-OK", "WARN"),
    "pcmk10-defaults-meta.xml": (set(), "OK", "OK"),
    "pcmk10-defaults-propset.xml": ({"CB023"}, "ERR", "OK"),  # was ERR: fix 5
    "pcmk10-live-status.xml": (set(), "OK", "OK"),
    "pcmk10-odd-xml.xml": (set(), "OK", "OK"),
    "pcmk10-op-spellings.xml": (set(), "WARN", "WARN"),
    "pcmk10-rules-location.xml": ({"CB023"}, "ERR", "OK"),
    "pcmk10-sets-mixed.xml": (set(), "WARN", "OK"),
    "pcmk10-utilization.xml": ({"CB023"}, "ERR", "OK"),
    "pcmk12-fencing-topology.xml": (set(), "WARN", "WARN"),
    "pcmk12-sets-ordering.xml": ({"CB023"}, "ERR", "OK"),  # lint was silent: fix 1
    "pcmk12-ticket-acls11.xml": (set(), "OK", "REFUSED"),  # 1.x ACLs: cibadmin --upgrade
    "pcmk20-acls20-tags.xml": (set(), "OK", "OK"),
    "pcmk20-template.xml": (set(), "OK", "OK"),
    "pcmk21-sets-require-all.xml": ({"CB023"}, "ERR", "OK"),  # lint was silent: fix 1
    "pcmk24-fencing-pattern.xml": (set(), "WARN", "WARN"),
    "pcmk30-bundle.xml": (set(), "OK", "OK"),
    "pcmk310-alerts.xml": (set(), "OK", "OK"),
    "pcmk35-promotable-expr-defaults.xml": ({"CB023"}, "ERR", "OK"),
    "pcmk39-live-status.xml": (set(), "OK", "OK"),
    # already pacemaker-3.9: returned as it is (upgrade's docstring), still refused
    "pcmk39-old-option-names.xml": ({"CB023"}, "ERR", "ERR"),
    # second batch
    "hb2-latin1.xml": (set(), "DTD-OK", "OK"),  # ISO-8859-1: written back as UTF-8
    "hb2-master-rule-role.xml": (set(), "DTD-OK", "OK"),
    "pcmk-none-validate.xml": (set(), "OK", "REFUSED"),  # not heartbeat 2, no schema
    "pcmk10-idref-sets.xml": (set(), "OK", "OK"),
    "pcmk12-quotes-tabs.xml": (set(), "OK", "OK"),
    # loss-policy=fence kept as the admin wrote it; lint was silent: fix 6
    "pcmk20-ticket-fence-nostonith.xml": ({"CB025"}, "ERR", "ERR"),
    # third batch
    "pcmk10-ia-rule-uname.xml": (set(), "OK", "OK"),
    # a recurring start and a duplicate monitor: kept as written (CB030 says why)
    "pcmk10-recurring-start-dup-op.xml": ({"CB030"}, "ERR", "ERR"),
    "pcmk12-stonith-provider.xml": ({"CB023"}, "ERR", "OK"),  # lint said info: fix 7
    "pcmk35-utilization-strategy.xml": (set(), "OK", "OK"),
    "pcmk39-master-target-role.xml": (set(), "OK", "OK"),
    "pcmk39-systemd-service.xml": (set(), "OK", "OK"),
}


def verdict(path: Path) -> str:
    rc, out = crm_verify_file(path)
    return "OK" if rc == 0 else "ERR" if "config not valid" in out else "WARN"


def errors(paths: list[str]) -> set[str]:
    return {f.code for f in lint.run(paths).findings if f.severity == "error"}


def is_hb2(text: str) -> bool:
    start = text.index("<cib")
    return "validate-with" not in text[start : text.index(">", start)]


def test_the_table_names_every_fixture() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.xml")) == sorted(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_round_trip_and_lint_against_the_peer(tmp_path: Path, name: str) -> None:
    path = FIXTURES / name
    text = read(path)  # bytes as they are (hb2-latin1.xml is ISO-8859-1)
    doc = xencfg.loads(text, "cib", path=str(path))
    assert isinstance(doc, CibDocument)
    assert xencfg.dumps(doc) == text
    codes, peer, _ = TABLE[name]
    assert errors([str(path)]) == codes
    # in a node tree (two nodes holding it where their stack keeps it) lint says at least
    # as much, and never less: the tree adds what the other files show
    where = "var/lib/heartbeat/crm/cib.xml" if is_hb2(text) else "var/lib/pacemaker/cib/cib.xml"
    roots = []
    for node in ("xen1", "xen2"):
        (tmp_path / node / where).parent.mkdir(parents=True)
        shutil.copy(path, tmp_path / node / where)
        roots.append(str(tmp_path / node))
    assert codes <= errors(roots)
    if is_hb2(text):
        assert ("DTD-OK" if dtd_valid(path) else "DTD-BAD") == peer
    else:
        assert verdict(path) == peer
        assert bool(codes - {"CB037"}) == (peer == "ERR")


@pytest.mark.parametrize("name", sorted(TABLE))
def test_conversion_keeps_resources_constraints_and_fencing(tmp_path: Path, name: str) -> None:
    """``cib convert --to current``: crm_verify's verdict on the output as tabled, no
    resource lost, no constraint lost (a location of several rules becomes one per rule),
    and stonith-enabled as the input had it (never turned off)."""
    path = FIXTURES / name
    text = read(path)
    expected = TABLE[name][2]
    if expected == "REFUSED":
        with pytest.raises(ConversionRefused):
            upgrade(text, path=name, target="current")
        return
    out = tmp_path / "converted.xml"
    out.write_text(upgrade(text, path=name, target="current").text)
    assert verdict(out) == expected
    before = xencfg.loads(text, "cib")
    after = xencfg.loads(out.read_text(), "cib")
    assert isinstance(before, CibDocument) and isinstance(after, CibDocument)
    assert len(after.all_resources()) == len(before.all_resources())
    assert len(after.constraints) >= len(before.constraints)
    assert after.option("stonith-enabled") == before.option("stonith-enabled")


# -- fix 1: resource_set ordering and kind ------------------------------------------------

SETS = """<cib validate-with="{schema}" admin_epoch="1" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o-s" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/>
      <primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints>
      <rsc_order id="o1">
        <resource_set id="o1-s" {attr}>
          <resource_ref id="a"/>
          <resource_ref id="b"/>
        </resource_set>
      </rsc_order>
    </constraints>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    "attr,refused,taken",
    [
        ('ordering="listed"', "pacemaker-2.0", "pacemaker-2.1"),
        ('kind="Optional"', "pacemaker-2.10", "pacemaker-3.0"),
    ],
)
def test_resource_set_attributes_of_later_schemas(
    tmp_path: Path, attr: str, refused: str, taken: str
) -> None:
    """A resource_set's ``ordering`` came with constraints-2.1.rng (pacemaker-2.1), its
    ``kind`` with constraints-3.0.rng (pacemaker-3.0), as Pacemaker 2.1.5's files have
    them. crm_verify 2.1.5 on pcmk12-sets-ordering.xml: "Invalid attribute ordering for
    element resource_set"; on pcmk21-sets-require-all.xml: "Invalid attribute kind for
    element resource_set", "config not valid". Lint said nothing of either."""
    for schema, bad in ((refused, True), (taken, False)):
        path = tmp_path / f"{schema}.xml"
        path.write_text(SETS.format(schema=schema, attr=attr))
        found = [f for f in lint.run([str(path)], select=["CB023"]).findings]
        assert bool(found) == bad, (schema, found)
        assert (verdict(path) == "ERR") == bad
        if bad:
            assert found[0].line == 15 and attr.split("=")[0] in found[0].message


# -- fix 2: the first Promoted role in document order ------------------------------------


def test_first_new_role_is_the_one_crm_verify_names_first() -> None:
    """pcmk35-promotable-expr-defaults.xml (pacemaker-3.5) has ``role="Promoted"`` on an
    op (line 23) and ``with-rsc-role="Promoted"`` on a colocation (line 36); crm_verify
    2.1.5's first error is the op's ("...:23: element op: Relax-NG validity error"). Lint
    named the colocation (it went through the attributes in a fixed order)."""
    path = FIXTURES / "pcmk35-promotable-expr-defaults.xml"
    _, out = crm_verify_file(path)
    assert "pcmk35-promotable-expr-defaults.xml:23:" in out
    found = lint.run([str(path)], select=["CB023"]).findings
    assert [(f.line, "<op>" in f.message) for f in found] == [(23, True)]


# -- fix 3: a rule-scoped heartbeat option set ------------------------------------------

RULED = """<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <attributes>
          <nvpair id="o1" name="stonith-enabled" value="false"/>
          <nvpair id="o2" name="default-resource-stickiness" value="0"/>
        </attributes>
      </cluster_property_set>
      <cluster_property_set id="day" score="100">
        <rule id="day-rule">
          <date_expression id="day-date" operation="date_spec">
            <date_spec id="day-spec" hours="9-17"/>
          </date_expression>
        </rule>
        <attributes>
          <nvpair id="d1" name="default_resource_stickiness" value="INFINITY"/>
          <nvpair id="d2" name="default_action_timeout" value="60s"/>
          <nvpair id="d3" name="is_managed_default" value="false"/>
        </attributes>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def test_a_rule_scoped_option_set_moves_with_its_rule(tmp_path: Path) -> None:
    """A heartbeat 2 cluster_property_set with a rule (crm.dtd: ``(rule*, attributes)``)
    that sets default_* options: the 1.1 step moved them out of the sets without a rule
    only, so they stayed in crm_config, where options-3.9.rng refuses them: crm_verify
    2.1.5 on the converted hb2-propset-rule-ping-node.xml said "Element
    cluster_property_set failed to validate content", "config not valid" (and
    ``xencfg cib convert --to current`` exited 0). Now they go to rsc_defaults and
    op_defaults sets with the same rule and score, as upgrade-2.10.xsl's
    ``ProcessDefaultsRuleClusterProperties`` does, and the set goes once empty. The
    report says the move changes what applies: cib-bootstrap-options was read first
    whatever the scores (crm.dtd: such sets "are treated as if they have a score of
    INFINITY"), so the rule's stickiness never won before."""
    conv = upgrade(RULED, target="current")
    out = tmp_path / "out.xml"
    out.write_text(conv.text)
    assert verdict(out) == "OK"
    doc = xencfg.loads(conv.text, "cib")
    assert isinstance(doc, CibDocument)
    sets = {
        s.get("id"): (s.getparent().tag, s.get("score"), s.find("rule") is not None)
        for s in doc.iter("meta_attributes")
    }
    assert sets["day-rsc_defaults"] == ("rsc_defaults", "100", True)
    assert sets["day-op_defaults"] == ("op_defaults", "100", True)
    assert [s.get("id") for s in doc.iter("cluster_property_set")] == ["cib-bootstrap-options"]
    rule_ids = [r.get("id") for r in doc.iter("rule")]
    assert len(rule_ids) == len(set(rule_ids)) == 2  # the second set has a renamed copy
    moved = [c.what for c in conv.changes if "under rule" in c.what]
    assert len(moved) == 3
    assert [m for m in moved if "resource-stickiness" in m and "check it" in m]
    assert not [m for m in moved if "timeout" in m and "check it" in m]


# -- fix 4: #id expressions follow the node's new id -------------------------------------


def test_id_expression_follows_the_node_id() -> None:
    """hb2-location-datespec-or.xml tests ``#id`` against a node's heartbeat UUID.
    ``xencfg migrate`` gives nodes their corosync nodeids and left the expression on the
    UUID: the rule stopped matching silently. crm_simulate 2.1.5 on a pacemaker-3.9 CIB
    (nodes 1 and 2, a rule ``#id eq 2`` score 100): "d allocation score on n2: 100"; with
    the old UUID as value: "score on n2: 0". Now the value follows the id; without the
    nodeids (``cib convert``) the report says to change it by hand."""
    text = (FIXTURES / "hb2-location-datespec-or.xml").read_text()
    old = "7e1c4a52-2222-4ccc-8ddd-000000000002"
    conv = upgrade(text, target="current", nodeids={"dom0a": 1, "dom0b": 2})
    assert 'attribute="#id" operation="eq" value="2"' in conv.text and old not in conv.text
    assert any(c.what == f"#id {old!r} -> '2'" for c in conv.changes)
    plain = upgrade(text, target="current")
    assert any(c.kind == "manual" and c.what.startswith(f"#id {old!r}") for c in plain.changes)


# -- fix 5: rsc_defaults written as cluster_property_set ---------------------------------


def test_cluster_property_set_in_rsc_defaults_becomes_meta_attributes() -> None:
    """pcmk10-defaults-propset.xml writes rsc_defaults/op_defaults with crm_config's
    ``cluster_property_set``: crm_verify 2.1.5 "Extra element rsc_defaults in interleave",
    and lint's CB023 agrees. The converter kept the sets, so its output was refused as
    well; it now writes the ``meta_attributes`` every schema wants there and warns that
    the defaults start to apply (the scheduler reads nothing else there)."""
    text = (FIXTURES / "pcmk10-defaults-propset.xml").read_text()
    conv = upgrade(text, target="current")
    doc = xencfg.loads(conv.text, "cib")
    assert isinstance(doc, CibDocument)
    assert doc.rsc_defaults == {"resource-stickiness": "100"}
    assert doc.op_defaults == {"timeout": "60s"}
    assert len([c for c in conv.changes if c.kind == "warning" and "now apply" in c.what]) == 2


# -- fix 6: rsc_ticket loss-policy=fence without fencing --------------------------------


def test_ticket_loss_policy_fence_without_fencing(tmp_path: Path) -> None:
    """crm_verify 2.1.5 on pcmk20-ticket-fence-nostonith.xml: "(rsc_ticket_new) error:
    Resetting 'loss-policy' for ticket 'site-a' to 'stop' because fencing is not
    configured", "config not valid"; lint said nothing. CB025 (on-fail=fence without
    fencing) now names the ticket too; with STONITH on (and a device) it is silent, and
    crm_verify takes the same CIB."""
    path = FIXTURES / "pcmk20-ticket-fence-nostonith.xml"
    found = lint.run([str(path)], select=["CB025"]).findings
    assert [(f.line, "loss-policy" in f.message) for f in found] == [(23, True)]
    on = tmp_path / "on.xml"
    on.write_text(
        path.read_text()
        .replace('name="stonith-enabled" value="false"', 'name="stonith-enabled" value="true"')
        .replace(
            "    <resources>\n",
            '    <resources>\n      <primitive id="f" class="stonith" type="fence_ipmilan">'
            '<instance_attributes id="f-ia"><nvpair id="f-ia-h" name="pcmk_host_list" '
            'value="n1 n2"/></instance_attributes></primitive>\n',
        )
    )
    assert lint.run([str(on)], select=["CB025"]).findings == []
    assert verdict(on) != "ERR"


# -- fix 7: a provider beside a class other than ocf -------------------------------------


def test_provider_on_a_stonith_primitive(tmp_path: Path) -> None:
    """Every Pacemaker schema takes ``provider`` only with ``class="ocf"``
    (resources-1.0.rng to -3.9.rng); crm_verify 2.1.5 on pcmk12-stonith-provider.xml:
    "Invalid attribute provider for element primitive", "config not valid". Lint said
    only CB014 (info: "ignored", which is heartbeat 2's reading, crm.dtd declaring
    ``provider`` for every class); now CB023 errs for Pacemaker schemas and CB014 stays
    heartbeat 2's. The converter drops the attribute (upgrade06.xsl did the same for
    heartbeat 2 CIBs), so the converted CIB loads."""
    path = FIXTURES / "pcmk12-stonith-provider.xml"
    found = lint.run([str(path)], select=["CB014", "CB023"]).findings
    assert [(f.code, f.line) for f in found] == [("CB023", 15)]
    hb2 = tmp_path / "hb2.xml"
    hb2.write_text(
        (FIXTURES / "hb2-attributes-ids.xml")
        .read_text()
        .replace('class="stonith" type=', 'class="stonith" provider="heartbeat" type=')
    )
    found = lint.run([str(hb2)], select=["CB014", "CB023"]).findings
    assert [(f.code, f.severity) for f in found] == [("CB014", "info")]
    conv = upgrade(path.read_text(), target="current")
    assert 'provider="heartbeat"' not in conv.text
    assert any(c.what == "provider 'heartbeat' dropped" for c in conv.changes)


# -- fix 8: typed values of the later schemas ---------------------------------------------

#: (fixture, text, replacement, crm_verify refuses): slips of a hand-edited later CIB
TYPED = [
    ("pcmk39-systemd-service.xml", 'score="-100"', 'score="-infinity"', True),
    ("pcmk39-systemd-service.xml", 'score="-100"', 'score="-inf"', True),
    ("pcmk39-systemd-service.xml", 'score="-100"', 'score="+INFINITY"', False),
    ("pcmk39-systemd-service.xml", 'score="-100"', 'score=" -100 "', False),
    ("pcmk39-systemd-service.xml", ' symmetrical="false"', ' symmetrical="no"', True),
    ("pcmk39-systemd-service.xml", ' symmetrical="false"', ' symmetrical="0"', False),
    ("pcmk21-sets-require-all.xml", 'require-all="false">', 'require-all="False">', True),
    ("pcmk24-fencing-pattern.xml", 'index="1"', 'index="0"', True),
    ("pcmk24-fencing-pattern.xml", 'index="1"', 'index="01"', False),
    ("pcmk30-bundle.xml", 'replicas="2"', 'replicas="two"', True),
    ("pcmk30-bundle.xml", 'port="80"', 'port="80" internal-port="8080"', False),
    (
        "pcmk20-template.xml",
        'template="xen-guest">',
        'template="xen-guest" class="ocf" provider="heartbeat" type="Xen">',
        True,
    ),
]


@pytest.mark.parametrize("name,old,new,refused", TYPED, ids=[t[2] for t in TYPED])
def test_typed_values_of_later_schemas(
    tmp_path: Path, name: str, old: str, new: str, refused: bool
) -> None:
    """score.rng (an integer or INFINITY, +INFINITY, -INFINITY as written), xsd:boolean,
    a fencing level's positiveInteger ``index``, a bundle's integers and a primitive
    naming both a template and an agent, in pacemaker-2.x/3.x CIBs: crm_verify 2.1.5
    "Invalid attribute score for element rsc_colocation" (``-infinity``, ``-inf``),
    "Invalid attribute symmetrical for element rsc_order" (``no``), "Element
    configuration failed to validate content" (``index="0"``), "Invalid attribute
    replicas for element docker", "Invalid attribute template for element primitive".
    Lint checked these only in pacemaker-1.0 CIBs (validated whole). Each slip: CB023
    exactly where crm_verify refuses."""
    text = (FIXTURES / name).read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    before = {f.line for f in lint.run([str(FIXTURES / name)], select=["CB023"]).findings}
    found = [f for f in lint.run([str(path)], select=["CB023"]).findings if f.line not in before]
    assert bool(found) == refused, found
    assert (verdict(path) == "ERR") == (refused or bool(before))


#: Spellings of a pacemaker-3.9 CIB crm_verify 2.1.5 takes (a mutant run on
#: pcmk39-systemd-service.xml): lint must not err on them either.
_S = "pcmk39-systemd-service.xml"
ACCEPTED = [
    ('score="-100"', 'score="+100"'),
    ('score="-100"', 'score=" 100"'),
    (' symmetrical="false"', ' symmetrical="1"'),
    ('score="-100"/>', 'score="-100" influence="false" node-attribute="rack"/>'),
    (
        "<constraints>",
        '<constraints><rsc_location id="l1" rsc="db-clone" node="elsewhere" score="10"'
        ' resource-discovery="never"/>',
    ),
    (
        "<constraints>",
        '<constraints><rsc_location id="l2" rsc="db-clone"><rule id="l2-r"'
        ' score-attribute="pingd" boolean-op="or"><expression id="l2-e" attribute="pingd"'
        ' operation="gt" value="0" type="integer"/><expression id="l2-e2"'
        ' attribute="#uname" operation="eq" value="n1"/></rule></rsc_location>',
    ),
    (
        "<constraints>",
        '<constraints><rsc_location id="l3" rsc="db-clone" role="Unpromoted" node="n1"'
        ' score="-INFINITY"/>',
    ),
    (
        'name="promotable" value="true"/>',
        'name="promotable" value="true"/><nvpair id="m3" name="multiple-active"'
        ' value="stop_unexpected"/><nvpair id="m4" name="critical" value="false"/>',
    ),
    ('interval="10s" role="Promoted"/>', 'interval="10s" role="Promoted" on-fail="demote"/>'),
    (
        "</resources>",
        '<primitive id="p.dots_and-dash" class="ocf" provider="heartbeat"'
        ' type="Dummy"/></resources>',
    ),
    (
        "</crm_config>",
        '</crm_config><rsc_defaults><meta_attributes id="rd"><nvpair id="rd-s"'
        ' name="resource-stickiness" value="INFINITY"/></meta_attributes></rsc_defaults>',
    ),
]


@pytest.mark.parametrize("old,new", ACCEPTED, ids=[n[:40] for _, n in ACCEPTED])
def test_later_schema_spellings_crm_verify_takes(tmp_path: Path, old: str, new: str) -> None:
    text = (FIXTURES / _S).read_text()
    assert old in text
    path = tmp_path / _S
    path.write_text(text.replace(old, new, 1))
    assert verdict(path) != "ERR"
    assert errors([str(path)]) == set()


# -- fix 9: cluster option values Pacemaker's validators refuse (CB041) ------------------

OPTION_VALUES = [
    ("symmetric-cluster", "Yes", False),
    ("symmetric-cluster", "on", False),
    ("symmetric-cluster", "enabled", True),
    ("maintenance-mode", " true", True),
    ("stop-orphan-resources", "t", True),
    ("no-quorum-policy", "FREEZE", False),
    ("no-quorum-policy", "halt", True),
    ("placement-strategy", "Balanced", False),
    ("placement-strategy", "balance", True),
    ("stonith-action", "poweroff", False),
    ("stonith-action", "Off", True),
]


@pytest.mark.parametrize(
    "name,value,refused", OPTION_VALUES, ids=[f"{n}={v}" for n, v, _ in OPTION_VALUES]
)
def test_cluster_option_values(tmp_path: Path, name: str, value: str, refused: bool) -> None:
    """crm_verify 2.1.5 on pcmk35-utilization-strategy.xml with ``placement-strategy``
    ``balance``: "Using default value for cluster option 'placement-strategy' because
    'balance' is invalid", "config not valid"; lint said nothing, nor of
    ``stonith-enabled=flase`` (which turns fencing on). CB041 errs exactly where
    crm_verify refuses (booleans and the two policies in any case, stonith-action as
    written, nothing stripped), and says nothing of a heartbeat 2 CIB."""
    text = (FIXTURES / "pcmk39-systemd-service.xml").read_text()
    old = 'name="stonith-enabled" value="false"/>'
    path = tmp_path / "o.xml"
    path.write_text(text.replace(old, old + f'<nvpair id="x1" name="{name}" value="{value}"/>', 1))
    found = lint.run([str(path)], select=["CB041"]).findings
    assert bool(found) == refused, found
    assert (verdict(path) == "ERR") == refused
    hb2 = tmp_path / "hb2.xml"
    hb2.write_text(
        (FIXTURES / "hb2-comments-entities.xml")
        .read_text()
        .replace('name="stonith-enabled" value="false"', f'name="{name}" value="{value}"')
    )
    assert lint.run([str(hb2)], select=["CB041"]).findings == []
