"""Issue 18: what `cib convert` must never do, and what it must keep and report.

Each test is a small CIB for one case; the docstring names the declaration or source that
backs the expectation. crm.dtd is ../shared/oracle/cib/crm.dtd (heartbeat 2.1.3 /
Pacemaker 0.6); pacemaker-1.0.rng is ../shared/oracle/cib/rng-1.0.13; upgrade06.xsl's
behaviour is ../shared/oracle/cib/conversion-rules.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import xencfg
from conftest import shared_path
from xencfg.cli import main
from xencfg.formats import cib as cibfmt
from xencfg.formats.cib import CibDocument
from xencfg.formats.cib.convert import (
    Conversion,
    ConversionRefused,
    InvalidOutput,
    convert,
)

SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def cib(resources: str = "", constraints: str = "", crm: str = "", vw: str = "") -> str:
    """A heartbeat-2 CIB (no validate-with unless VW) with the given sections' content."""
    attr = f' validate-with="{vw}"' if vw else ""
    return (
        f'<cib admin_epoch="0" epoch="1" num_updates="1"{attr}>\n'
        f"<configuration>\n<crm_config>{crm}</crm_config>\n<nodes/>\n"
        f"<resources>\n{resources}\n</resources>\n"
        f"<constraints>\n{constraints}\n</constraints>\n</configuration>\n<status/>\n</cib>\n"
    )


def prim(rid: str, extra: str = "", body: str = "", agent: str = "Dummy") -> str:
    return (
        f'<primitive id="{rid}" class="ocf" provider="heartbeat" type="{agent}"{extra}>'
        f"{body}</primitive>"
    )


def ia(sid: str, **pairs: str) -> str:
    nvs = "".join(f'<nvpair id="{sid}-{k}" name="{k}" value="{v}"/>' for k, v in pairs.items())
    return f'<instance_attributes id="{sid}"><attributes>{nvs}</attributes></instance_attributes>'


def root_of(conv: Conversion) -> etree._Element:
    return etree.fromstring(conv.text.encode(), SAFE)


def rng_ok(text: str) -> bool:
    rng = etree.RelaxNG(
        etree.parse(str(shared_path("oracle", "cib", "rng-1.0.13", "pacemaker-1.0.rng")))
    )
    return bool(rng.validate(etree.ElementTree(etree.fromstring(text.encode(), SAFE))))


def kinds(conv: Conversion) -> list[str]:
    return [c.kind for c in conv.changes]


# -- 1. never downgrade, never weaken fencing ----------------------------------------


@pytest.mark.parametrize("vw", ["pacemaker-2.0", "pacemaker-3.0", "pacemaker-3.5", "none"])
def test_newer_cib_is_refused(vw: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pacemaker-2.x/3.x CIB converted to pacemaker-1.0 lost settings and fencing (issue 18
    point 1): it is refused with a message and exit 2, and nothing is written."""
    text = cib(vw=vw)
    with pytest.raises(ConversionRefused, match=vw):
        convert(text)
    src, out = tmp_path / "cib.xml", tmp_path / "out.xml"
    src.write_text(text)
    assert main(["cib", "convert", str(src), "-o", str(out)]) == 2
    assert "not a heartbeat-2 CIB" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("vw", ["pacemaker-1.0", "pacemaker-1.2"])
def test_pacemaker_1x_is_left_as_it_is(vw: str) -> None:
    text = cib(prim("p"), vw=vw).replace("<cib ", '<cib cib-last-written="x" ')
    conv = convert(text)
    assert conv.text == text and not conv.changed


@pytest.mark.parametrize("vw", ["pacemaker-0.6", "transitional-0.6"])
def test_heartbeat2_schema_names_are_converted(vw: str) -> None:
    """Pacemaker 1.0 stamps validate-with="pacemaker-0.6" on a 0.6 CIB it loaded without
    upgrading it (Pacemaker-1.0.13 xml/crm.dtd declares the attribute): still heartbeat 2."""
    root = root_of(convert(cib(prim("p"), vw=vw)))
    assert root.get("validate-with") == "pacemaker-1.0"


@pytest.mark.parametrize("value", ["true", "false"])
def test_explicit_stonith_setting_is_kept(value: str) -> None:
    """Only the administrator's own stonith_enabled is written, renamed (upgrade06's table)."""
    crm = (
        '<cluster_property_set id="o"><attributes>'
        f'<nvpair id="s" name="stonith_enabled" value="{value}"/></attributes>'
        "</cluster_property_set>"
    )
    conv = convert(cib(crm=crm))
    pairs = [(n.get("name"), n.get("value")) for n in root_of(conv).iter("nvpair")]
    assert pairs == [("stonith-enabled", value)]
    assert "safety" not in kinds(conv)


def test_stonith_device_present_still_no_false() -> None:
    device = '<primitive id="f" class="stonith" type="external/ipmi"/>'
    conv = convert(cib(device))
    assert not [n for n in root_of(conv).iter("nvpair") if n.get("name") == "stonith-enabled"]
    (note,) = [c for c in conv.changes if c.kind == "safety"]
    assert "no STONITH device" not in note.what


# -- 2. heartbeat 2 defaults kept where Pacemaker changed them ------------------------


def _meta(root: etree._Element, rid: str) -> dict[str, str]:
    el = root.find(f".//*[@id='{rid}']")
    assert el is not None
    return {n.get("name"): n.get("value") for n in el.findall("meta_attributes/nvpair")}


@pytest.mark.parametrize("tag", ["clone", "master_slave"])
def test_clone_without_globally_unique_stays_unique(tag: str) -> None:
    """crm.dtd: <!ATTLIST clone ... globally_unique (true|yes|1|false|no|0) 'true'> (and the
    same for master_slave); Pacemaker's default is false (pacemaker-1.0.rng has none, the
    scheduler reads a missing globally-unique as false). A CLUSTERIP clone with
    clone_node_max=2 keeps its two instances per node only if it stays unique."""
    body = ia("c-ia", clone_max="2", clone_node_max="2") + prim("ip", agent="IPaddr2")
    text = cib(f'<{tag} id="c">{body}</{tag}>')
    conv = convert(text)
    root = root_of(conv)
    assert _meta(root, "c")["globally-unique"] == "true"
    assert _meta(root, "c")["clone-node-max"] == "2"
    assert "default" in kinds(conv)
    assert rng_ok(conv.text)


@pytest.mark.parametrize(
    "where",
    [
        ' globally_unique="false"',  # a resource option as an XML attribute (crm.dtd)
        "ia",  # as an instance attribute, which heartbeat also read
        "meta",  # as a meta attribute
    ],
)
def test_explicit_globally_unique_is_not_overridden(where: str) -> None:
    attr = where if where.startswith(" ") else ""
    body = prim("d")
    if where == "ia":
        body = ia("c-ia", globally_unique="false") + body
    elif where == "meta":
        body = (
            '<meta_attributes id="c-ma"><attributes><nvpair id="c-gu" name="globally_unique" '
            'value="false"/></attributes></meta_attributes>' + body
        )
    conv = convert(cib(f'<clone id="c"{attr}>{body}</clone>'))
    values = [
        n.get("value") for n in root_of(conv).iter("nvpair") if n.get("name") == "globally-unique"
    ]
    assert values == ["false"]
    assert "default" not in kinds(conv)


def test_primitive_gets_no_clone_defaults() -> None:
    assert "default" not in kinds(convert(cib(prim("p"))))


# -- 3. the output is validated --------------------------------------------------------


def test_bare_resource_cib_is_refused_with_the_schema_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2004-era CIBs with a bare <resource> (crm.dtd has no such element) cannot become a
    valid 1.0 CIB: exit 1, pacemaker-1.0.rng's message with the input line, nothing written."""
    text = cib('<resource id="r" class="ocf" type="Dummy"/>')
    with pytest.raises(InvalidOutput) as info:
        convert(text)
    assert any("resource" in e and "line 5" in e for e in info.value.errors)
    src, out = tmp_path / "cib.xml", tmp_path / "out.xml"
    src.write_text(text)
    assert main(["cib", "convert", str(src), "-o", str(out)]) == 1
    assert "fails pacemaker-1.0.rng" in capsys.readouterr().err
    assert not out.exists()


def test_bare_crm_config_nvpairs_are_put_into_a_property_set() -> None:
    """2005-era CIBs put nvpairs straight into crm_config; pacemaker-1.0.rng's crm_config
    holds cluster_property_set elements only. Named repair, valid output."""
    text = cib(crm='<nvpair id="a" name="symmetric_cluster" value="true"/>')
    conv = convert(text)
    cps = root_of(conv).find("configuration/crm_config/cluster_property_set")
    assert cps is not None and cps[0].get("name") == "symmetric-cluster"
    assert "repair" in kinds(conv) and rng_ok(conv.text)


def test_missing_status_is_added_and_named() -> None:
    """crm.dtd: <!ELEMENT cib (configuration, status)>; pacemaker-1.0.rng requires it too."""
    text = cib(prim("p")).replace("<status/>\n", "")
    conv = convert(text)
    assert root_of(conv).find("status") is not None
    assert any(c.kind == "repair" and "<status/>" in c.what for c in conv.changes)
    assert rng_ok(conv.text)


# -- 4. duplicate ids -------------------------------------------------------------------


def test_duplicate_resource_ids_each_get_their_own() -> None:
    """crm.dtd declares primitive ids CDATA (not ID), and haresources2cib.py wrote the same
    id twice; pacemaker-1.0.rng's ids are xsd:ID. The first keeps the id, the second gets
    its own; a reference to the id is reported as ambiguous, with the ids of the output."""
    text = cib(prim("ip") + prim("ip"), '<rsc_location id="l" rsc="ip" node="n1" score="1"/>')
    conv = convert(text)
    root = root_of(conv)
    assert [p.get("id") for p in root.iter("primitive")] == ["ip", "ip-2"]
    (amb,) = [c for c in conv.changes if c.kind == "warning" and "ambiguous" in c.what]
    assert "'ip'" in amb.what and "'ip-2'" in amb.what
    renames = [c.what for c in conv.changes if c.kind == "id"]
    assert renames == ["duplicate resource id 'ip' -> 'ip-2'"]
    assert rng_ok(conv.text)


def test_duplicate_invalid_ids_and_their_references() -> None:
    text = cib(prim("a:1") + prim("a:1"), '<rsc_location id="l" rsc="a:1" node="n" score="1"/>')
    conv = convert(text)
    root = root_of(conv)
    assert [p.get("id") for p in root.iter("primitive")] == ["a-1", "a-1-2"]
    assert root.find(".//rsc_location").get("rsc") == "a-1"
    assert rng_ok(conv.text)


def test_valid_id_is_never_renamed_to_make_room() -> None:
    """'a:1' sanitises to 'a-1', which a later resource already has: that one keeps it."""
    text = cib(
        prim("a:1") + prim("a-1"),
        '<rsc_order id="o" from="a:1" to="a-1"/>',
    )
    conv = convert(text)
    root = root_of(conv)
    assert [p.get("id") for p in root.iter("primitive")] == ["a-1-2", "a-1"]
    order = root.find(".//rsc_order")
    assert (order.get("first"), order.get("then")) == ("a-1", "a-1-2")
    (rename,) = [c for c in conv.changes if c.kind == "id"]
    assert rename.what == "id 'a:1' -> 'a-1-2'; references that follow it: <rsc_order id='o'> from"
    refs = [c.what for c in conv.changes if c.kind == "reference"]
    assert refs == ["from='a:1' -> 'a-1-2'"]
    assert rng_ok(conv.text)


def test_other_duplicate_ids_are_renamed_and_reported() -> None:
    text = cib(
        prim("p", body='<operations><op id="x" name="monitor" interval="10s"/></operations>'),
        '<rsc_location id="x" rsc="p" node="n" score="1"/>',
    )
    conv = convert(text)
    root = root_of(conv)
    assert root.find(".//op").get("id") == "x"
    assert root.find(".//rsc_location").get("id") == "x-2"
    assert "duplicate id 'x' -> 'x-2'" in [c.what for c in conv.changes]
    assert rng_ok(conv.text)


# -- 5. validation -------------------------------------------------------------------------


def test_validate_accepts_pacemaker_06_stamp() -> None:
    """Pacemaker-1.0.13's crm.dtd (oracle crm-1.0.13.dtd) declares validate-with; a
    heartbeat-2 CIB carrying validate-with="pacemaker-0.6" is valid."""
    doc = xencfg.loads(cib(prim("p"), vw="pacemaker-0.6"), "cib")
    assert isinstance(doc, CibDocument)
    assert cibfmt.validate(doc) == []
    dtd = etree.DTD(str(shared_path("oracle", "cib", "crm-1.0.13.dtd")))
    assert dtd.validate(etree.fromstring(doc.dumps().encode(), SAFE))


def test_validate_refuses_idref_into_status() -> None:
    """pacemaker-1.0.rng: rsc_location/@rsc is an IDREF, and the status section's ids are
    plain text there: a constraint on a deleted resource whose history is still in
    <status> is invalid (Pacemaker refuses the CIB)."""
    text = (
        '<cib admin_epoch="0" epoch="1" num_updates="1" validate-with="pacemaker-1.0">'
        "<configuration><crm_config/><nodes/><resources/><constraints>"
        '<rsc_location id="l" rsc="gone" node="n1" score="100"/>'
        '</constraints></configuration><status><node_state id="n1"><lrm id="n1"><lrm_resources>'
        '<lrm_resource id="gone" type="Dummy" class="ocf"/></lrm_resources></lrm></node_state>'
        "</status></cib>"
    )
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc, CibDocument)
    errors = cibfmt.validate(doc)
    assert errors and "gone" in errors[0].message


def test_validate_names_a_schema_it_does_not_have() -> None:
    doc = xencfg.loads(cib(vw="pacemaker-3.5"), "cib")
    assert isinstance(doc, CibDocument)
    (err,) = cibfmt.validate(doc)
    assert "pacemaker-3.5" in err.message


# -- 6. the model speaks the document's dialect ---------------------------------------


def _doc(text: str) -> CibDocument:
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc, CibDocument)
    return doc


def test_hb2_set_meta_writes_what_heartbeat_reads() -> None:
    """heartbeat 2 reads target_role (crm.dtd spells every resource option with '_'; the
    CRM also read them from instance_attributes): set_meta changes that nvpair, adds no
    dash-named one, and the getter reports the new value."""
    doc = _doc(cib(prim("p", body=ia("p-ia", target_role="started"))))
    (p,) = doc.primitives
    p.set_meta("target-role", "stopped")
    out = doc.dumps()
    assert "target-role" not in out and 'name="target_role" value="stopped"' in out
    assert p.target_role == "stopped"


def test_hb2_getter_ignores_the_dash_spelling() -> None:
    meta = (
        '<meta_attributes id="p-ma"><attributes><nvpair id="p-tr" name="target-role" '
        'value="stopped"/></attributes></meta_attributes>'
    )
    doc = _doc(cib(prim("p", body=meta + ia("p-ia", target_role="started"))))
    assert doc.primitives[0].target_role == "started"


def test_hb2_set_meta_on_an_xml_attribute() -> None:
    doc = _doc(cib(prim("p", ' is_managed="true"')))
    (p,) = doc.primitives
    assert p.set_meta("is-managed", "false") is None
    assert 'is_managed="false"' in doc.dumps() and p.is_managed is False


def test_hb2_set_meta_new_option_uses_underscores() -> None:
    doc = _doc(cib(prim("p")))
    (p,) = doc.primitives
    pair = p.set_meta("resource-stickiness", "100")
    assert pair is not None and pair.name == "resource_stickiness"
    assert p.meta("resource-stickiness") == "100"


def test_pacemaker10_set_meta_uses_dashes() -> None:
    doc = _doc(cib(prim("p"), vw="pacemaker-1.0"))
    (p,) = doc.primitives
    pair = p.set_meta("target_role", "Stopped")
    assert pair is not None and pair.name == "target-role"
    assert p.target_role == "Stopped"


# -- 7. the report --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attrs,first,then",
    [
        # crm.dtd: type (before|after) 'after': from runs after to
        ('from="a:1" to="b"', "b", "a-1"),
        ('from="a:1" to="b" type="before"', "a-1", "b"),
    ],
)
def test_order_lines_print_the_output(attrs: str, first: str, then: str) -> None:
    text = cib(prim("a:1") + prim("b"), f'<rsc_order id="o" {attrs}/>')
    conv = convert(text)
    order = root_of(conv).find(".//rsc_order")
    assert (order.get("first"), order.get("then")) == (first, then)
    (line,) = [c.what for c in conv.changes if c.kind == "order"]
    assert f"first={first!r}" in line and f"then={then!r}" in line
    (ref,) = [c.what for c in conv.changes if c.kind == "reference"]
    assert ref == "from='a:1' -> 'a-1'"


def test_drop_status(tmp_path: Path) -> None:
    status = '<status><node_state id="n1" uname="a"><lrm id="x"/></node_state></status>'
    text = cib(prim("p")).replace("<status/>", status)
    conv = convert(text, drop_status=True)
    assert len(root_of(conv).find("status")) == 0 and "drop-status" in kinds(conv)
    kept = convert(text)
    assert len(root_of(kept).find("status")) == 1
    src, out = tmp_path / "cib.xml", tmp_path / "out.xml"
    src.write_text(text)
    assert main(["cib", "convert", "--drop-status", str(src), "-o", str(out)]) == 0
    assert "node_state" not in out.read_text()


def test_pacemaker11_per_resource_failure_stickiness_and_op_requires() -> None:
    """Pacemaker 1.1 reads neither resource-failure-stickiness nor op-level requires
    (crm_verify 1.1: 'moving ... under rsc_defaults'); they become migration-threshold and
    the resource's requires meta attribute, like the cluster-wide options."""
    ops = (
        '<operations><op id="p-start" name="start" prereq="fencing"/>'
        '<op id="p-mon" name="monitor" interval="10s"/></operations>'
    )
    crm = (
        '<cluster_property_set id="o"><attributes><nvpair id="s" '
        'name="default_resource_stickiness" value="100"/></attributes></cluster_property_set>'
    )
    text = cib(
        prim("p", ' resource_failure_stickiness="-30"', ops)
        + prim("q", body=ia("q-ia", resource_failure_stickiness="-60", resource_stickiness="200")),
        crm=crm,
    )
    conv = convert(text, pacemaker11=True)
    root = root_of(conv)
    assert _meta(root, "p") == {"migration-threshold": "4", "requires": "fencing"}
    assert _meta(root, "q") == {"resource-stickiness": "200", "migration-threshold": "4"}
    assert "requires" not in root.find(".//op[@id='p-start']").attrib
    assert "failure" not in conv.text.split("<resources>")[1]
    assert rng_ok(conv.text)


@pytest.mark.peer
def test_crm_verify_keeps_both_clusterip_instances(tmp_path: Path) -> None:
    """crm_verify (Pacemaker 2.1, pacemaker-cli-utils) on the converted CLUSTERIP clone:
    accepted; the same CIB without globally-unique (what upgrade06 wrote) is refused with
    'anonymous clones support only one instance per node' (lib/pengine/clone.c, clone_unpack)."""
    from test_cib_convert import crm_verify_output

    ip = ia("ip-ia", ip="10.0.0.1", clusterip_hash="sourceip")
    crm = (
        '<cluster_property_set id="o"><attributes><nvpair id="s" name="stonith_enabled" '
        'value="false"/></attributes></cluster_property_set>'
    )
    body = ia("c-ia", clone_max="2", clone_node_max="2") + prim("ip", body=ip, agent="IPaddr2")
    text = cib(f'<clone id="c">{body}</clone>', crm=crm).replace(
        "<nodes/>", '<nodes><node id="n1" uname="a" type="normal"/></nodes>'
    )
    out = convert(text).text
    assert "anonymous" not in crm_verify_output(out, tmp_path)
    anonymous = out.replace('name="globally-unique" value="true"', 'name="x" value="1"')
    assert "anonymous clones" in crm_verify_output(anonymous, tmp_path)


def test_cli_json_report_of_invalid_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "cib.xml"
    src.write_text(cib('<resource id="r"/>'))
    assert main(["cib", "convert", "--report", "json", str(src)]) == 1
    import json

    report = json.loads(capsys.readouterr().err)
    assert report["errors"] and report["text"] is None


def test_dash_spelled_transition_idle_timeout_becomes_cluster_delay() -> None:
    """heartbeat 2 read transition-idle-timeout under either spelling (options.py); Pacemaker
    1.0 reads only cluster-delay, so a dash spelling left alone would silently be lost."""
    crm = (
        '<cluster_property_set id="o"><attributes><nvpair id="t" '
        'name="transition-idle-timeout" value="5min"/></attributes></cluster_property_set>'
    )
    names = [n.get("name") for n in root_of(convert(cib(crm=crm))).iter("nvpair")]
    assert names == ["cluster-delay"]


def test_resource_keeps_its_id_over_another_element() -> None:
    """Constraints name resources: when a property set carries a resource's id, the set
    gives way, and the constraint still names the resource."""
    crm = '<cluster_property_set id="web"><attributes/></cluster_property_set>'
    conv = convert(cib(prim("web"), '<rsc_location id="l" rsc="web" node="n" score="1"/>', crm))
    root = root_of(conv)
    assert root.find(".//primitive").get("id") == "web"
    assert root.find(".//cluster_property_set").get("id") == "web-2"
    assert root.find(".//rsc_location").get("rsc") == "web"
    assert rng_ok(conv.text)
