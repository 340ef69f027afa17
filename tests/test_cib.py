"""CIB: loading, byte-exact round trips, minimal edits, typed model, hostile XML, properties."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from roundtrip import changed_lines, loads_or_refused, mutate, read
from xencfg.formats import cib
from xencfg.formats.cib import (
    INFINITY,
    CibDocument,
    Duration,
    Master,
    Primitive,
    make_primitive,
    parse_score,
)
from xencfg.problems import KeywordProblem

OWN = sorted((FIXTURES / "cib" / "valid").iterdir())
SEEDS = [
    p for p in shared_files("seed-examples") if "/cib/" in str(p) and p.suffix in (".xml", ".xm")
]
BROKEN_SEED = "ilo-v1-snippet.xml"
CORPUS = shared_files("corpus", "cib-hb2") + shared_files("corpus", "cib-pcmk1")
ORACLE = shared_files("oracle", "cib", pattern="*.xml")
#: Real files that are not well-formed XML (a duplicated attribute): every XML parser refuses.
NOT_WELL_FORMED = {"pcmk__crm_pengine_testcases_notify-4.xml", "notify-4.xml"}
ALL_FILES = OWN + SEEDS + CORPUS + ORACLE


def _load(path: Path) -> CibDocument:
    doc = xencfg.loads(read(path), "cib", path=str(path))
    assert isinstance(doc, CibDocument)
    return doc


def _seed(*parts: str) -> Path:
    return shared_path("seed-examples", *parts)


# -- round trips ------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_round_trip_byte_exact(path: Path) -> None:
    if path not in OWN:
        shared_path()
    text = read(path)
    if path.name == BROKEN_SEED or path.name in NOT_WELL_FORMED:
        with pytest.raises(xencfg.ParseError):
            xencfg.loads(text, "cib", path=str(path))
        return
    doc = xencfg.loads(text, "cib", path=str(path))
    assert xencfg.dumps(doc) == text
    # nothing dropped: the tree written conventionally re-parses to an equal model
    again = xencfg.loads(doc.canonical(), "cib")
    assert again == doc
    assert again.to_dict(show_secrets=True) == doc.to_dict(show_secrets=True)
    json.dumps(doc.to_dict())  # what `xencfg parse` prints


def test_shared_material_present() -> None:
    shared_path("corpus", "cib-hb2")
    assert len(shared_files("corpus", "cib-hb2")) >= 90
    assert len(shared_files("corpus", "cib-pcmk1")) >= 30
    assert len(SEEDS) >= 20


def _first_value_edit(doc: CibDocument) -> tuple[object, str, str] | None:
    for el in doc.iter():
        for name, value in el.attrib.items():
            if name != "id":
                return el, name, value
    return None


@pytest.mark.parametrize("path", OWN + SEEDS + CORPUS, ids=ids(OWN + SEEDS + CORPUS))
def test_one_attribute_edit_changes_one_line(path: Path) -> None:
    if path not in OWN:
        shared_path()
    if path.name == BROKEN_SEED or path.name in NOT_WELL_FORMED:
        return
    doc = _load(path)
    before = xencfg.dumps(doc)
    # edit the last element carrying a non-id attribute (deep in the file)
    target = None
    for el in doc.iter():
        for name in el.attrib:
            if name != "id":
                target = (el, name)
    assert target is not None
    el, name = target
    el.set(name, 'new "value" & <more>')
    after = xencfg.dumps(doc)
    diff = changed_lines(before, after)
    assert len([d for d in diff if d.startswith("- ")]) == 1, diff
    assert len([d for d in diff if d.startswith("+ ")]) == 1, diff
    again = xencfg.loads(after, "cib")
    assert again == doc
    assert list(again.iter())[list(doc.iter()).index(el)].get(name) == 'new "value" & <more>'


def test_edit_keeps_quote_character_and_crlf() -> None:
    path = FIXTURES / "cib" / "valid" / "hb2-crlf.xml"
    doc = _load(path)
    assert doc.root.get("epoch") == "12"
    doc.root.set("epoch", "13")
    doc.set_option("stonith-enabled", "false")  # written stonith_enabled
    out = xencfg.dumps(doc)
    assert "epoch='13'" in out
    assert '<nvpair id="opt-stonith" name="stonith_enabled" value="false"/>\r\n' in out
    assert out.count("\r\n") == read(path).count("\r\n")
    assert len(changed_lines(read(path), out)) == 4


def test_add_and_remove_nvpairs_touch_only_their_lines() -> None:
    path = _seed("s001-drbd-heartbeat", "cib", "host1.xml")
    doc = _load(path)
    original = read(path)
    prim = doc.primitives[0]
    prim.set_param("shutdown_timeout", "120")
    assert prim.instance_sets[0].remove("target_role")
    out = xencfg.dumps(doc)
    diff = changed_lines(original, out)
    assert diff == [
        '-         <nvpair id="host1-attr02" name="target_role" value="started"/>\n',
        '+         <nvpair id="host1-shutdown_timeout" name="shutdown_timeout" value="120"/>\n',
    ]
    assert xencfg.loads(out, "cib").primitives[0].param("shutdown-timeout") == "120"


def test_add_resource_with_sibling_indentation() -> None:
    path = _seed("s001-drbd-heartbeat", "cib", "host1.xml")
    doc = _load(path)
    doc.add_resource(
        make_primitive(
            "host3",
            "ocf",
            "Xen",
            "heartbeat",
            params={"xmfile": "/etc/xen/host3.dom"},
            ops=[{"name": "monitor", "interval": "10s", "timeout": "60s"}],
            dialect="heartbeat-2",
        )
    )
    out = xencfg.dumps(doc)
    assert out.startswith(read(path)[: -len("</resources>\n")])
    assert out.endswith(
        '  <primitive id="host3" class="ocf" provider="heartbeat" type="Xen">\n'
        "    <operations>\n"
        '      <op id="host3-op-monitor-1" name="monitor" interval="10s" timeout="60s"/>\n'
        "    </operations>\n"
        '    <instance_attributes id="host3-instance_attributes">\n'
        "      <attributes>\n"
        '        <nvpair id="host3-instance_attributes-xmfile" name="xmfile"'
        ' value="/etc/xen/host3.dom"/>\n'
        "      </attributes>\n"
        "    </instance_attributes>\n"
        "  </primitive>\n"
        "</resources>\n"
    )
    assert [p.id for p in xencfg.loads(out, "cib").primitives] == ["host1", "host3"]
    assert cib.validate(xencfg.loads(out, "cib")) == []


def test_remove_constraint_and_fill_empty_section() -> None:
    doc = _load(FIXTURES / "cib" / "valid" / "pcmk10.xml")
    doc.remove(doc.colocations[0])
    nodes = doc.section("nodes")
    from lxml import etree

    etree.SubElement(nodes, "node", id="n1", uname="alpha", type="normal")
    out = xencfg.dumps(doc)
    assert "web-on-master" not in out
    assert '\t\t<nodes>\n\t\t\t<node id="n1" uname="alpha" type="normal"/>\n\t\t</nodes>\n' in out
    again = xencfg.loads(out, "cib")
    assert [n.uname for n in again.nodes] == ["alpha"]
    assert cib.validate(again) == []


def test_model_from_scratch_renders_conventionally() -> None:
    doc = CibDocument.new("pacemaker-1.0")
    doc.add_resource(make_primitive("d", "ocf", "Dummy", "pacemaker"))
    assert xencfg.dumps(doc) == (
        '<cib admin_epoch="0" epoch="0" num_updates="0" validate-with="pacemaker-1.0">\n'
        "  <configuration>\n    <crm_config/>\n    <nodes/>\n    <resources>\n"
        '      <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>\n'
        "    </resources>\n    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n"
    )
    assert cib.validate(doc) == []
    assert cib.validate(CibDocument.new("heartbeat-2")) == []


# -- errors -----------------------------------------------------------------


def test_broken_seed_points_at_the_unclosed_quote() -> None:
    path = _seed("s002-sles-hasi", "cib", BROKEN_SEED)
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "cib")
    assert (info.value.line, info.value.column) == (2, 64)
    assert info.value.path == str(path)
    assert "never closed" in info.value.message


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("unclosed-primitive.xml", 1, 1, "<primitive> opened here is never closed"),
        ("unquoted-score.xml", 1, 42, "AttValue"),
        ("mismatched-end.xml", 3, 12, "tag mismatch"),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / "cib" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "cib")
    assert (info.value.line, info.value.column) == (line, col)
    assert words in info.value.message
    assert "^" in info.value.snippet


@pytest.mark.parametrize("text", ["", "   \n", "not xml at all", "<!-- only a comment -->"])
def test_empty_or_non_xml_is_a_parse_error(text: str) -> None:
    with pytest.raises(xencfg.ParseError):
        xencfg.loads(text, "cib")


# -- hostile XML --------------------------------------------------------------

HOSTILE = {
    "xxe": '<?xml version="1.0"?>\n<!DOCTYPE cib [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n'
    "]>\n<cib>&x;</cib>\n",
    "billion-laughs": '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY a "lollollol">\n'
    + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n<lolz>&j;</lolz>\n",
    "network-dtd": '<?xml version="1.0"?>\n<!DOCTYPE cib SYSTEM "http://192.0.2.1/crm.dtd">\n'
    '<cib admin_epoch="0" epoch="0" num_updates="0"/>\n',
    "network-public": '<!DOCTYPE cib PUBLIC "-//x//y" "https://example.com/x.dtd"><cib/>',
    "parameter-entity": '<!DOCTYPE cib [<!ENTITY % p SYSTEM "http://192.0.2.1/p">%p;]><cib/>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_doctype_is_refused_quickly(name: str) -> None:
    start = time.perf_counter()
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(HOSTILE[name], "cib", path="evil.xml")
    assert time.perf_counter() - start < 1.0
    assert info.value.message.startswith("refused:")
    assert info.value.line >= 1
    assert "passwd" not in str(info.value.message)


def test_deep_nesting_is_a_clear_error() -> None:
    text = "<cib>" + "<a>" * 10_000 + "</a>" * 10_000 + "</cib>"
    start = time.perf_counter()
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "cib")
    assert time.perf_counter() - start < 2.0
    assert "nested more than 256" in info.value.message


def test_local_doctype_without_entities_is_accepted_and_not_read() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE cib SYSTEM "/nonexistent/crm.dtd">\n<cib/>\n'
    doc = xencfg.loads(text, "cib")
    assert xencfg.dumps(doc) == text


# -- typed model ----------------------------------------------------------------


def test_bootstrap_options_both_spellings() -> None:
    doc = _load(_seed("s001-drbd-heartbeat", "cib", "bootstrap.xml"))
    assert doc.is_fragment and doc.root_tag == "cluster_property_set"
    assert doc.option("stonith-enabled") == "false"
    assert doc.option("stonith_enabled") == "false"
    assert doc.option("default-resource-failure-stickiness") == "-500"  # wrapped over 2 lines
    assert doc.option("cluster-delay") is None  # a rename, not a spelling: the converter's job
    assert doc.options["transition_idle_timeout"] == "60"
    assert len(doc.options) == 10
    sles = _load(_seed("s002-sles-hasi", "cib", "cibbootstrap.xml"))
    assert sles.option("default_resource_stickiness") == "INFINITY"
    assert parse_score(sles.option("default-resource-stickiness")) == INFINITY


def test_host1_primitive() -> None:
    doc = _load(_seed("s001-drbd-heartbeat", "cib", "host1.xml"))
    assert doc.root_tag == "resources" and doc.dialect == "heartbeat-2"
    (prim,) = doc.primitives
    assert isinstance(prim, Primitive)
    assert (prim.id, prim.rclass, prim.provider, prim.type) == ("host1", "ocf", "heartbeat", "Xen")
    assert prim.agent == "ocf:heartbeat:Xen"
    assert prim.is_xen and not prim.is_stonith
    assert prim.xmfile == "/etc/xen/host1.dom"
    assert prim.allow_migrate is True
    assert prim.target_role == "started"  # read from instance_attributes, as heartbeat 2 did
    assert [(o.name, o.interval.ms, o.timeout.ms if o.timeout else None) for o in prim.ops] == [
        ("monitor", 10_000, 60_000),
        ("start", 0, 60_000),
        ("stop", 0, 300_000),
    ]
    assert prim.ops[0].requires == "nothing"
    assert prim.ops[1].start_delay == Duration("0", 0)
    # the instance_attributes reuse the primitive's id
    assert {k: len(v) for k, v in doc.duplicate_ids().items()} == {"host1": 2}
    assert [p.id for p in doc.xen_primitives()] == ["host1"]


def test_sles_seed_and_clones() -> None:
    sles = _load(_seed("s002-sles-hasi", "cib", "sles.xml"))
    (prim,) = sles.primitives
    assert prim.xmfile == "/etc/xen/vm/sles.xm" and prim.allow_migrate is True
    assert {o.name: o.start_delay.ms for o in prim.ops if o.start_delay} == {
        "start": 10_000,
        "stop": 10_000,
        "monitor": 10_000,
        "migrate_to": 10_000,
    }
    clone = _load(_seed("s002-sles-hasi", "cib", "configpoolcloneset.xml"))
    (top,) = clone.resources
    assert top.kind == "clone" and top.meta("clone_max") == "2"
    assert top.meta("globally-unique") == "false"  # an XML attribute in heartbeat 2
    assert [c.id for c in top.children] == ["configpool-child"]
    assert clone.primitives[0].param("fstype") == "ocfs2"


def test_stonith_secrets_masked() -> None:
    doc = _load(_seed("s002-sles-hasi", "cib", "stonithhost1.xml"))
    assert [p.id for p in doc.stonith_resources()] == ["STONITH-iLO-host1"]
    data = doc.to_dict()
    attrs_ = data["resources"][0]["instance_attributes"]
    assert attrs_["ilo_password"] == "********"
    assert attrs_["ilo_user"] == "Administrator"
    assert (
        doc.to_dict(show_secrets=True)["resources"][0]["instance_attributes"]["ilo_password"]
        == "CLEARTEXTPASSWORD"
    )
    assert [p.name for p in doc.secret_nvpairs()] == ["ilo_password"]
    assert doc.secrets() and all(isinstance(s, str) for s in doc.secrets())


def test_constraints_both_dialects() -> None:
    order = _load(_seed("s002-sles-hasi", "cib", "configpool_to_evms_order.xml")).orders[0]
    # from=configpool to=evms, type defaults to "after": evms first, then configpool
    assert (order.first, order.then, order.score) == ("evms", "configpool", 0)
    loc = _load(_seed("s002-sles-hasi", "cib", "nfs_to_pingd_constraint.xml")).locations[0]
    assert loc.rsc == "nfs"
    (rule,) = loc.rules
    assert (rule.score, rule.boolean_op) == (-INFINITY, "or")
    assert [(e.attribute, e.operation, e.value) for e in rule.expressions] == [
        ("pingd", "not_defined", None),
        ("pingd", "lte", "0"),
    ]
    st1 = _load(_seed("s002-sles-hasi", "cib", "stonithhost1_constraint.xml"))
    assert st1.locations[0].nodes() == ["host1"]
    assert {(r.kind, r.target) for r in st1.references()} == {
        ("resource", "STONITH-iLO-host1"),
        ("node", "host1"),
    }

    hb2 = _load(FIXTURES / "cib" / "valid" / "hb2-crlf.xml")
    (o,) = hb2.orders
    assert (o.first, o.then, o.first_action, o.then_action) == (
        "fence-alpha",
        "vm-web",
        "start",
        "start",
    )
    (c,) = hb2.colocations
    assert (c.rsc, c.with_rsc, c.score) == ("vm-web", "fence-alpha", -INFINITY)
    assert hb2.locations[0].score == INFINITY  # "+INFINITY"

    p10 = _load(FIXTURES / "cib" / "valid" / "pcmk10.xml")
    assert p10.dialect == "pacemaker-1.0"
    (o,) = p10.orders
    assert (o.first, o.first_action, o.then, o.then_action) == (
        "ms-drbd",
        "promote",
        "web",
        "start",
    )
    (c,) = p10.colocations
    assert (c.rsc, c.with_rsc, c.with_rsc_role) == ("web", "ms-drbd", "Master")
    assert p10.locations[0].rules[0].expressions[1].type == "number"


def test_pacemaker_10_resources() -> None:
    doc = _load(FIXTURES / "cib" / "valid" / "pcmk10.xml")
    ms, grp = doc.resources
    assert isinstance(ms, Master) and ms.meta("notify") == "true"
    assert ms.child is not None and ms.child.id == "drbd0"
    assert [r.id for r in grp.children] == ["ip", "apache"]
    drbd = doc.resource("drbd0")
    assert isinstance(drbd, Primitive)
    assert drbd.param("drbd_resource") == "r0"
    assert (drbd.ops[0].role, drbd.ops[0].on_fail) == ("Master", "restart")
    apache = doc.resource("apache")
    assert isinstance(apache, Primitive) and apache.provider is None and apache.rclass == "lsb"
    assert doc.option("no_quorum_policy") == "ignore"
    assert doc.rsc_defaults == {"resource-stickiness": "100"}
    assert doc.op_defaults == {}


def test_hb2_fixture_model() -> None:
    doc = _load(FIXTURES / "cib" / "valid" / "hb2-crlf.xml")
    assert [(n.uname, n.type) for n in doc.nodes] == [("alpha", "normal"), ("beta", "normal")]
    web = doc.resource("vm-web")
    assert isinstance(web, Primitive)
    assert web.xmfile == "/etc/xen/vm/web & mail"  # entity decoded
    assert web.ops[0].interval == Duration("PT10S", 10_000)
    assert web.ops[0].timeout == Duration("2min", 120_000)
    assert web.ops[1].timeout == Duration("120", 120_000)  # a bare number is seconds
    assert doc.to_dict()["resources"][1]["instance_attributes"]["ilo_password"] == "********"


@pytest.mark.parametrize(
    ("raw", "ms"),
    [("10s", 10_000), ("2min", 120_000), ("1h", 3_600_000), ("500ms", 500), ("60", 60_000),
     ("PT1M30S", 90_000), ("P1D", 86_400_000), ("soon", None), ("", None)],
)  # fmt: skip
def test_durations(raw: str, ms: int | None) -> None:
    assert Duration.parse(raw) == Duration(raw, ms)


@pytest.mark.parametrize(
    ("raw", "score"),
    [("INFINITY", INFINITY), ("+INFINITY", INFINITY), ("-INFINITY", -INFINITY),
     ("infinity", INFINITY), ("100", 100), ("-500", -500), ("100.9", 100),
     ("99999999", INFINITY), ("x", None), (None, None)],
)  # fmt: skip
def test_scores(raw: str | None, score: int | None) -> None:
    assert parse_score(raw) == score


def test_multi_root_nvpair_fragment() -> None:
    doc = _load(FIXTURES / "cib" / "valid" / "two-nvpairs.xml")
    assert [r.get("name") for r in doc.roots] == ["target_role", "is_managed"]
    doc.roots[1].set("value", "true")
    out = xencfg.dumps(doc)
    assert out.splitlines()[1] == '<nvpair id="web-managed" name="is_managed" value="true"/>'


# -- sniffing and detection -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<?xml version="1.0"?>\n<!-- x -->\n<cib admin_epoch="0">', True),
        ("<rsc_order id='o' from='a' to='b'/>", True),
        ('<nvpair id="a" name="b" value="c"/>', True),
        ("<master_slave id='ms'>", True),
        ("<cluster xmlns='x'/>", False),
        ("defaults {\n}\n", False),
        ("", False),
        ('\ufeff<?xml version="1.0"?>\n<!DOCTYPE cib SYSTEM "crm.dtd">\n<cib>', True),
        ('<!DOCTYPE cib [\n<!ENTITY e "<x>">\n]>\n<cib>', True),
        ("  \n<resources>", True),
        # (prose before the first tag: XML allows only white space, comments and
        # declarations there; migrate's MIGRATION.md quotes '<cib>' in its lines)
        ("# Migration of cluster c\n\n- cib.xml: <cib> validate-with 'pacemaker-1.0'", False),
        ("junk <cib>", False),
        ("<?xml version='1.0'", False),
    ],
)
def test_sniff(text: str, expected: bool) -> None:
    assert cib.sniff(text) is expected


def test_lint_of_a_migrate_output_folder_reads_no_report_as_a_cib(tmp_path: Path) -> None:
    """``xencfg lint OUTDIR`` after ``xencfg migrate -o OUTDIR``: the report beside the
    node trees is Markdown, not a CIB that is "not well-formed XML" (XC001)."""
    from xencfg import lint

    (tmp_path / "MIGRATION.md").write_text(
        "# Migration of cluster c\n\n- `a/cib.xml:1` -> cib.xml: <cib> validate-with "
        "'pacemaker-1.0' -> 'pacemaker-3.9'\n"
    )
    (tmp_path / "cib.xml").write_text('<cib validate-with="pacemaker-3.9"><configuration/></cib>')
    result = lint.run([tmp_path])
    assert not [f for f in result.findings if f.path.endswith("MIGRATION.md")]


def test_detect_by_content() -> None:
    path = _seed("s002-sles-hasi", "cib", "xenvmnfs.xm")
    assert xencfg.detect("/tmp/anything.xml", read(path)) == "cib"
    assert xencfg.detect("/var/lib/heartbeat/crm/cib.xml", "<cib/>") == "cib"


# -- properties -------------------------------------------------------------------

_ident = st.from_regex(r"[A-Za-z][A-Za-z0-9_.:-]{0,15}", fullmatch=True)
#: a resource id: an XML ID (the API refuses ``:``, test_cib_truth6)
_rid = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,15}", fullmatch=True)
_value = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n<>&\"'"))


@given(
    rid=_rid,
    rclass=st.sampled_from(["ocf", "lsb", "heartbeat", "stonith"]),
    rtype=_ident,
    params=st.dictionaries(_ident, _value, max_size=4),
    meta=st.dictionaries(_ident, _value, max_size=3),
    ops=st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["start", "stop", "monitor"]),
             "timeout": st.from_regex(r"[0-9]{1,4}(s|ms|min)?", fullmatch=True)}
        ),
        max_size=3,
    ),
    dialect=st.sampled_from(["pacemaker-1.0", "heartbeat-2"]),
)  # fmt: skip
def test_generated_primitives_render_and_reparse_equal(
    rid: str, rclass: str, rtype: str, params: dict, meta: dict, ops: list, dialect: str
) -> None:
    el = make_primitive(
        rid,
        rclass,
        rtype,
        "heartbeat" if rclass == "ocf" else None,
        params=params,
        meta=meta,
        ops=ops,
        dialect=dialect,
    )
    doc = CibDocument([el])
    text = xencfg.dumps(doc)
    if not doc.roots:  # every element removed: nothing left but comments and blanks
        assert "<" not in text.replace("<!--", "").replace("<?", "")
        return
    again = xencfg.loads(text, "cib")
    assert again == doc
    (prim,) = again.primitives
    assert prim.instance_attributes == params
    assert prim.meta_attributes == meta
    assert [o.name for o in prim.ops] == [o["name"] for o in ops]
    assert xencfg.dumps(again) == text


_MUTATE = sorted(OWN + [p for p in SEEDS if p.name != BROKEN_SEED])[:8]


@pytest.mark.parametrize("path", _MUTATE, ids=ids(_MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = read(path)
    mutated = mutate(data, text, "<>/=\"'&;!?[]-\n \tabc\x00\ufeff", 5, 4)
    doc = loads_or_refused(mutated, "cib")
    if doc is None:
        return
    doc.to_dict()
    for el in list(doc.iter())[:3]:
        el.set("xencfg-probe", "1")
    edited = xencfg.dumps(doc)
    assert len(re.findall("xencfg-probe", edited)) == min(3, len(list(doc.iter())))
    with contextlib.suppress(xencfg.XencfgError):
        cib.validate(doc)


_EDIT_FILES = sorted(OWN + [p for p in SEEDS if p.name != BROKEN_SEED])


@pytest.mark.parametrize("path", _EDIT_FILES[:10], ids=ids(_EDIT_FILES[:10]))
@given(data=st.data())
def test_random_edits_render_what_the_tree_holds(path: Path, data: st.DataObject) -> None:
    """Any mix of attribute and element edits dumps to text that parses back to the tree."""
    from lxml import etree

    if path not in OWN:
        shared_path()
    doc = _load(path)
    for _ in range(data.draw(st.integers(1, 6))):
        els = list(doc.iter())
        if not els:
            break
        el = data.draw(st.sampled_from(els))
        action = data.draw(st.sampled_from(["set", "add", "drop", "child", "remove", "move"]))
        if action == "set" and el.attrib:
            el.set(data.draw(st.sampled_from(sorted(el.attrib))), data.draw(_value))
        elif action == "add":
            el.set(data.draw(_ident.filter(lambda n: ":" not in n)), data.draw(_value))
        elif action == "drop" and el.attrib:
            del el.attrib[data.draw(st.sampled_from(sorted(el.attrib)))]
        elif action == "child":
            kid = etree.Element("nvpair", id=data.draw(_ident), name="n", value="v")
            el.insert(data.draw(st.integers(0, len(el))), kid)
        elif action == "remove" and el.getparent() is not None:
            el.getparent().remove(el)
        elif action == "move" and el.getparent() is not None:
            inside = set(el.iter())
            targets = [e for e in els if e not in inside]
            if not targets:
                continue
            target = data.draw(st.sampled_from(targets))
            target.append(el)  # an existing element (with its subtree) moved elsewhere
            if data.draw(st.booleans()):
                el.set("moved", "yes")
    text = xencfg.dumps(doc)
    if not doc.roots:  # every element removed: nothing left but comments and blanks
        assert "<" not in text.replace("<!--", "").replace("<?", "")
        return
    again = xencfg.loads(text, "cib")
    assert again == doc


def test_latin1_file_edits_stay_latin1(tmp_path: Path) -> None:
    raw = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<primitive id="caf\xe9" class="lsb" type="x" description="\xe9t\xe9"/>\n'
    )
    f = tmp_path / "p.xml"
    f.write_bytes(raw)
    doc = xencfg.load(f, "cib")
    assert doc.primitives[0].id == "café"
    doc.primitives[0].el.set("description", "hiver \u00e9 \u20ac")
    xencfg.dump(doc, f)
    assert f.read_bytes().endswith(b'description="hiver &#233; &#8364;"/>\n')
    assert xencfg.load(f, "cib").primitives[0].description == "hiver \u00e9 \u20ac"


def test_fragment_with_declaration_and_several_roots() -> None:
    text = (
        '<?xml version="1.0"?>\n<!-- two orders -->\n'
        '<rsc_order id="a" from="x" to="y"/>\n<rsc_order id="b" from="y" to="z"/>\n'
    )
    doc = xencfg.loads(text, "cib")
    assert [o.id for o in doc.orders] == ["a", "b"]
    assert xencfg.dumps(doc) == text
    assert cib.validate(doc) == []
    doc.orders[1].el.set("to", "w")
    assert xencfg.dumps(doc) == text.replace('to="z"', 'to="w"')


def _original_of(upgraded: Path) -> Path:
    """The heartbeat-2 input upstream's upgrade06.xsl turned into ``upgraded``."""
    name = upgraded.name[: -len(".upgraded.xml")]
    if upgraded.parent.name == "corpus":
        return upgraded.parents[4] / "corpus" / "cib-hb2" / name
    return upgraded.parents[1] / "upstream-test06" / (name + ".xml")


UPGRADED = [
    p
    for p in shared_files("oracle", "cib", "upgraded", pattern="*.upgraded.xml")
    if _original_of(p).exists()
]


def _signature(doc: CibDocument) -> tuple[object, ...]:
    from collections import Counter

    return (
        Counter((o.first, o.then, o.first_action, o.then_action) for o in doc.orders),
        Counter((c.rsc, c.with_rsc, c.rsc_role, c.with_rsc_role, c.score) for c in doc.colocations),
        Counter((loc.rsc, loc.node, loc.score, len(loc.rules)) for loc in doc.locations),
        sorted(
            (p.id, p.rclass, p.type, p.provider if p.rclass == "ocf" else None, len(p.ops))
            for p in doc.primitives
        ),
        sorted((r.id, r.kind, r.target_role, r.is_managed) for r in doc.all_resources()),
        sorted((n.uname, n.type) for n in doc.nodes),
    )


@pytest.mark.parametrize("upgraded", UPGRADED, ids=ids(UPGRADED))
def test_both_dialects_read_the_same(upgraded: Path) -> None:
    """A heartbeat-2 CIB and upstream's own Pacemaker 1.0 conversion of it mean the same
    thing: the typed model (orders normalised to first/then, colocations, locations,
    resources, nodes) must read them identically."""
    shared_path()
    hb2, p10 = _load(_original_of(upgraded)), _load(upgraded)
    assert hb2.dialect == "heartbeat-2" and p10.dialect == "pacemaker-1.0"
    assert _signature(hb2) == _signature(p10)


def test_option_problems() -> None:
    text = (
        '<cluster_property_set id="o"><attributes>\n'
        '<nvpair id="a" name="symetric_cluster" value="true"/>\n'
        '<nvpair id="b" name="no_quorum-policy" value="ignore"/>\n'
        '<nvpair id="c" name="default_resource_stickiness" value="100"/>\n'
        '<nvpair id="d" name="require_quorum" value="true"/>\n'
        '<nvpair id="e" name="stonith_enabled" value="true"/>\n'
        "</attributes></cluster_property_set>\n"
    )
    doc = xencfg.loads(text, "cib")
    assert [(p.name, kind, hint) for p, kind, hint in doc.option_problems()] == [
        ("symetric_cluster", "unknown", "symmetric-cluster"),
        ("no_quorum-policy", "unknown", "no-quorum-policy"),
        ("require_quorum", "deprecated", "no-quorum-policy"),
    ]
    p10 = xencfg.load(FIXTURES / "cib" / "valid" / "pcmk10.xml", "cib")
    assert list(p10.option_problems()) == []
    p10.set_option("default-resource-stickiness", "100")
    p10.set_option("stonith_action", "poweroff")
    assert [(p.name, k, h) for p, k, h in p10.option_problems()] == [
        ("default-resource-stickiness", "deprecated", "rsc_defaults resource-stickiness"),
        ("stonith_action", "deprecated", "stonith-action"),
    ]


def test_meta_problems_in_a_pacemaker_10_cib() -> None:
    text = (
        '<primitive id="nfs" class="ocf" provider="heartbeat" type="Xen">\n'
        '  <instance_attributes id="nfs-ia">\n'
        '    <nvpair id="nfs-xm" name="xmfile" value="/etc/xen/vm/nfs.xm"/>\n'
        '    <nvpair id="nfs-tr" name="target_role" value="started"/>\n'
        "  </instance_attributes>\n"
        '  <meta_attributes id="nfs-ma">\n'
        '    <nvpair id="nfs-am" name="allow_migrate" value="true"/>\n'
        '    <nvpair id="nfs-im" name="is-managed" value="true"/>\n'
        "  </meta_attributes>\n"
        "</primitive>\n"
    )
    doc = xencfg.loads(text, "cib")
    assert doc.dialect == "pacemaker-1.0"
    assert [(r.id, p.name, k, fix) for r, p, k, fix in doc.meta_problems()] == [
        ("nfs", "allow_migrate", "ignored", "allow-migrate"),
        ("nfs", "target_role", "misplaced", "meta_attributes target-role"),
    ]
    # typed: KeywordProblems with their resource, read by name (CB011)
    typed = [(m.resource.id, m.keyword, m.kind, m.detail) for m in doc.meta_problems()]
    assert typed == [
        ("nfs", "allow_migrate", "unknown", "allow-migrate"),
        ("nfs", "target_role", "misplaced", "meta_attributes target-role"),
    ]
    assert all(isinstance(m, KeywordProblem) for m in doc.meta_problems())
    # heartbeat 2 read both where they are: nothing to report in a heartbeat 2 CIB
    seed = _load(_seed("s002-sles-hasi", "cib", "xenvmnfs.xm"))
    assert seed.dialect == "heartbeat-2" and list(seed.meta_problems()) == []


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_doctype_never_reaches_the_parser(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Refused before lxml sees a byte: nothing can be fetched, read or expanded."""
    from xencfg.formats.cib import xmltext

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the XML parser was called")

    monkeypatch.setattr(xmltext.etree, "fromstring", no_parse)
    secret = tmp_path / "secret"
    secret.write_text("MARKER-4711")
    text = HOSTILE[name].replace("file:///etc/passwd", secret.as_uri())
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "cib")
    assert "MARKER" not in str(info.value)


def test_reorder_and_move_keep_source_text_of_moved_elements() -> None:
    path = _seed("s002-sles-hasi", "cib", "sles.xml")
    doc = _load(path)
    prim = doc.primitives[0].el
    ops = prim.find("operations")
    meta = prim.find("meta_attributes")
    prim.remove(meta)
    prim.insert(0, meta)  # meta_attributes first now
    meta.find("attributes/nvpair").set("value", "false")
    ops.append(ops[0])  # start op last
    out = xencfg.dumps(doc)
    assert out.splitlines()[1:6] == [
        '\t<meta_attributes id="sles-ma"> ',
        "\t\t<attributes> ",
        '\t\t\t<nvpair id="xen-sles-ma-01" name="allow_migrate" value="false"/> ',
        "\t\t</attributes> ",
        "\t</meta_attributes>",
    ]
    again = xencfg.loads(out, "cib")
    assert again == doc
    assert [o.name for o in again.primitives[0].ops] == ["stop", "monitor", "migrate_to", "start"]
    assert again.primitives[0].allow_migrate is False


def test_positions_for_lint() -> None:
    doc = _load(_seed("s002-sles-hasi", "cib", "nfs_to_pingd_constraint.xml"))
    expr = list(doc.iter("expression"))[1]
    assert doc.element_position(expr) == (5, 3)  # after a two-line expression
    assert [(r.attribute, r.target, r.line) for r in doc.references()] == [("rsc", "nfs", 1)]
    dup = _load(_seed("s001-drbd-heartbeat", "cib", "host1.xml")).duplicate_ids()
    assert [el.sourceline for el in dup["host1"]] == [2, 8]


# -- large files: fed to the parser in pieces (issue 22 item 10) --------------------------


def _many_primitives(n: int, name: str = "vm") -> str:
    body = "".join(
        f'      <primitive id="{name}{i}" class="ocf" provider="heartbeat" type="Xen">\n'
        f'        <instance_attributes id="{name}{i}-ia">\n'
        f'          <nvpair id="{name}{i}-x" name="xmfile" value="/etc/xen/{name}{i}"/>\n'
        "        </instance_attributes>\n      </primitive>\n"
        for i in range(n)
    )
    return (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">\n'
        f"  <configuration>\n    <crm_config/>\n    <nodes/>\n    <resources>\n{body}"
        "    </resources>\n    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n"
    )


def test_large_cib_keeps_non_ascii_across_the_pieces_it_is_read_in() -> None:
    # 1,000 primitives are ~290 K characters, several of the 64 K pieces the loader feeds
    # libxml2; a name of 1-, 2-, 3- and 4-byte characters falls across piece boundaries
    text = _many_primitives(1000, "vé€😀")
    assert len(text) > 3 * 65536
    doc = xencfg.loads(text, "cib")
    values = [el.get("value") for el in doc.iter("nvpair")]
    assert values == [f"/etc/xen/vé€😀{i}" for i in range(1000)]
    assert xencfg.dumps(doc) == text


def test_large_latin1_cib_is_read_in_its_declared_encoding() -> None:
    # a Latin-1 byte is a lone surrogate in the text (decode's surrogateescape); libxml2
    # must still see the declaration first and the bytes as they were
    body = _many_primitives(1000, "v\udce9")
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body
    doc = xencfg.loads(text, "cib")
    assert doc.section("resources")[999].get("id") == "v\u00e9999"
    assert xencfg.dumps(doc) == text


def test_error_in_a_later_piece_of_a_large_cib_is_placed_as_in_one_piece() -> None:
    text = _many_primitives(1000)
    lines = text.split("\n")
    at = 5 + 5 * 800 + 2  # primitive 800's nvpair: in the fourth piece
    assert "<nvpair" in lines[at]
    lines[at] = lines[at].replace('name="xmfile"', 'name="xmfile" name="twice"')
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads("\n".join(lines), "cib", path="big.xml")
    assert (info.value.line, info.value.path) == (at + 1, "big.xml")
    assert info.value.message.startswith("not well-formed XML: Attribute name redefined")
