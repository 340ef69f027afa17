"""heartbeat v2 -> Pacemaker 1.0 conversion (xencfg.formats.cib.convert).

The specification is upgrade06.xsl as described in ../shared/oracle/cib/conversion-rules.md;
its outputs for every DTD-valid test CIB are in ../shared/oracle/cib/upgraded/. We must equal
them after normalising generated ids, except where we deliberately fix upgrade06's bugs
(DELIBERATE below), and every output must satisfy upstream's pacemaker-1.0.rng.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from conftest import SHARED, shared_files, shared_path, unavailable
from xencfg.errors import ParseError, XencfgError
from xencfg.formats.cib.convert import (
    META_COPIES,
    META_NAMES,
    Change,
    Conversion,
    convert,
    migration_threshold,
    option_name,
)

ORACLE = ("oracle", "cib")
SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
BLANKLESS = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=True
)

#: file -> why our conversion differs from upgrade06.xsl's (each a bug of upgrade06 we fix)
DELIBERATE = {
    "pcmk__crm_pengine_testcases_stonith-1.xml": (
        "primitive ids like '192.168.100.181' are not XML names: upgrade06 keeps them and "
        "makes an RNG-invalid CIB; we rename them 'primitive-192.168.100.181' (and every reference)"
    ),
    "pcmk__crm_pengine_testcases_master-ordering.xml": (
        "a colocation naming clone instance 'drbd_mysql:0' cannot be written in 1.0 (upgrade06 "
        "emits a dangling IDREF): we keep it as a comment; and target_role set twice in one "
        "instance set is copied to meta once (first wins), not twice"
    ),
    "pcmk__crm_pengine_testcases_novell-239079.xml": (
        "an rsc_order on notify pseudo-actions (pre_notify_promote) cannot be written in 1.0: "
        "kept as a comment instead of an RNG-invalid rsc_order"
    ),
    "inc9.xml": (
        "an anonymous clone (globally_unique=false) with clone_node_max=2: Pacemaker runs it "
        "one instance per node and calls it a configuration error (lib/pengine/clone.c, "
        "clone_unpack: 'Anonymous clones (%s) may only support one copy per node', since "
        "0.6.0); we write clone-node-max=1, what runs, where upgrade06 kept 2"
    ),
}

GENERATED = re.compile(r"(\.id\d+$|auto-\d+$|^nvp\.id)")


@cache
def dtd() -> etree.DTD:
    return etree.DTD(str(shared_path(*ORACLE, "crm.dtd")))


@cache
def rng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(shared_path(*ORACLE, "rng-1.0.13", "pacemaker-1.0.rng"))))


def hb2_inputs() -> list[tuple[Path, Path]]:
    """(input, upgraded) for every heartbeat-2 CIB upstream's DTD accepts."""
    pairs = []
    for path in shared_files(*ORACLE, "upstream-test06", pattern="*.xml"):
        if path.name.endswith(".expected.xml"):
            continue
        pairs.append((path, path.parents[1] / "upgraded" / f"{path.stem}.upgraded.xml"))
    for path in shared_files("corpus", "cib-hb2"):
        if path.name in ("MANIFEST.tsv", "REPORT.md"):
            continue
        pairs.append(
            (path, path.parents[2] / "oracle/cib/upgraded/corpus" / f"{path.name}.upgraded.xml")
        )
    valid = []
    for src, up in pairs:
        try:
            tree = etree.parse(str(src), SAFE)
        except etree.XMLSyntaxError:
            continue
        if dtd().validate(tree):
            valid.append((src, up))
    return valid


@cache
def _inputs() -> list[tuple[Path, Path]]:
    return hb2_inputs() if SHARED.joinpath(*ORACLE, "crm.dtd").exists() else []


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def structure_diff(ours: etree._Element, theirs: etree._Element, where: str = "") -> list[str]:
    """Differences of element trees, ignoring whitespace, comments, attribute order and the
    ids upgrade06 generates (``*.idN``, ``*.auto-N``): those only need to be unique."""
    out: list[str] = []
    a, b = dict(ours.attrib), dict(theirs.attrib)
    if ours.tag != theirs.tag:
        return [f"{where}: <{ours.tag}> vs <{theirs.tag}>"]
    if GENERATED.search(b.get("id", "")):
        a.pop("id", None)
        b.pop("id", None)
    here = f"{where}/{ours.tag}[{ours.get('id')}]"
    if a != b:
        out.append(f"{here}: ours {a} theirs {b}")
    ka = [c for c in ours if isinstance(c.tag, str)]
    kb = [c for c in theirs if isinstance(c.tag, str)]
    if [c.tag for c in ka] != [c.tag for c in kb]:
        return [*out, f"{here}: children {[c.tag for c in ka]} vs {[c.tag for c in kb]}"]
    for x, y in zip(ka, kb, strict=True):
        out += structure_diff(x, y, here)
    return out


def without_deliberate_additions(ours: etree._Element, theirs: etree._Element) -> None:
    """Take out of both trees what we differ in on purpose, everywhere (issue 18):
    upgrade06 adds ``stonith-enabled=false`` (we never weaken fencing) and leaves clones
    without ``globally-unique`` (we write heartbeat 2's default, crm.dtd's 'true')."""
    for nv in list(theirs.iter("nvpair")):
        if nv.get("name") == "stonith-enabled" and nv.get("id", "").startswith("nvp."):
            cps = nv.getparent()
            cps.remove(nv)
            if len(cps) == 0:
                cps.getparent().remove(cps)
    for nv in theirs.iter("nvpair"):  # every known option dashed, not only upgrade06's list
        if nv.getparent().tag == "cluster_property_set":
            nv.set("name", option_name(nv.get("name")))
    ours_by_id = {r.get("id"): r for r in ours.iter("primitive", "group")}
    for rsc in theirs.iter("primitive", "group"):  # resource options moved, not copied
        for ia in rsc.findall("instance_attributes"):
            moved = [nv for nv in ia.findall("nvpair") if nv.get("name") in META_NAMES]
            for nv in moved:
                ia.remove(nv)
                # heartbeat 2 obeyed the other options there too (0.6 common_unpack);
                # upgrade06 left them as parameters, we move them to meta as well
                mine = ours_by_id.get(rsc.get("id"))
                dashed = nv.get("name").replace("_", "-")
                if nv.get("name") in META_COPIES or mine is None:
                    continue
                for meta in mine.findall("meta_attributes"):
                    for own in meta.findall("nvpair"):
                        if own.get("name") == dashed:
                            meta.remove(own)
            if moved and len(ia) == 0:
                rsc.remove(ia)
    their_sets = {m.get("id"): m for m in theirs.iter("meta_attributes")}
    for nv in list(ours.iter("nvpair")):
        meta = nv.getparent()
        if nv.get("name") != "globally-unique" or meta.get("id") not in their_sets:
            continue
        if not any(x.get("name") == "globally-unique" for x in their_sets[meta.get("id")]):
            meta.remove(nv)


def wrap10(text: str) -> etree._ElementTree:
    """A converted fragment placed into a minimal pacemaker-1.0 CIB (like oracle.py wrap)."""
    section_of = {
        "cluster_property_set": "crm_config",
        "primitive": "resources",
        "group": "resources",
        "clone": "resources",
        "master": "resources",
        "rsc_location": "constraints",
        "rsc_order": "constraints",
        "rsc_colocation": "constraints",
    }
    cib = etree.fromstring(
        '<cib admin_epoch="0" epoch="0" num_updates="0" validate-with="pacemaker-1.0">'
        "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
        "<status/></cib>"
    )
    frag = etree.fromstring(f"<x>{text}</x>", SAFE)
    conf = cib[0]
    for el in [c for c in frag if isinstance(c.tag, str)]:
        if el.tag in section_of:
            conf.find(section_of[el.tag]).append(el)
        else:
            conf.replace(conf.find(el.tag), el)
    return etree.ElementTree(cib)


def rng_errors(tree: etree._ElementTree, *, dangling_ok: bool = False) -> list[str]:
    if rng().validate(tree):
        return []
    errors = [str(e) for e in rng().error_log]
    if dangling_ok:
        errors = [e for e in errors if "references an unknown ID" not in e]
    return errors


# ------------------------------------------------------------- the oracle


@pytest.mark.shared
@pytest.mark.parametrize("src,upgraded", _inputs(), ids=lambda p: p.name)
def test_equals_upgrade06(src: Path, upgraded: Path) -> None:
    assert upgraded.exists(), f"no upgrade06 output for {src.name}"
    conv = convert(read(src), path=str(src))
    ours = etree.fromstring(conv.text.encode(), BLANKLESS)
    theirs = etree.parse(str(upgraded), BLANKLESS).getroot()
    without_deliberate_additions(ours, theirs)
    diff = structure_diff(ours, theirs)
    if src.name in DELIBERATE:
        assert diff, f"{src.name} is listed as deliberately different but now equals upgrade06"
    else:
        assert diff == []
    assert conv.changed and conv.changes


def test_dtd_valid_inputs_found() -> None:
    shared_path(*ORACLE)
    # 200-odd test06 CIBs and 50 corpus CIBs pass upstream's DTD: a broken filter would hide tests
    assert len(_inputs()) >= 240


@pytest.mark.shared
@pytest.mark.parametrize("pacemaker11", [False, True])
@pytest.mark.parametrize("src,upgraded", _inputs(), ids=lambda p: p.name)
def test_output_validates_against_pacemaker10_rng(
    src: Path, upgraded: Path, pacemaker11: bool
) -> None:
    conv = convert(read(src), path=str(src), pacemaker11=pacemaker11)
    tree = etree.ElementTree(etree.fromstring(conv.text.encode(), SAFE))
    assert rng_errors(tree) == []
    ids = [e.get("id") for e in tree.getroot().find("configuration").iter() if e.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.shared
def test_deterministic_and_readable_ids() -> None:
    src = shared_path(*ORACLE, "upstream-test06", "1360.xml")
    first, second = convert(read(src)), convert(read(src))
    assert first.text == second.text
    assert 'id="VIP-instance_attributes-ip"' in first.text
    assert 'id="preferred_where_is_dolly-expression"' in first.text
    assert not re.search(r'id="[^"]*\.id\d+"', first.text)


# ------------------------------------------------------------- seeds


def seed_fragments() -> list[Path]:
    files = shared_files("seed-examples", pattern="*.xml")
    return [
        p for p in files if p.parent.name in ("cib", "snippets") and p.name != "ilo-v1-snippet.xml"
    ]


@pytest.mark.shared
@pytest.mark.parametrize("path", seed_fragments(), ids=lambda p: f"{p.parents[1].name}/{p.name}")
def test_seed_fragment_converts_and_validates(path: Path) -> None:
    conv = convert(read(path), path=str(path))
    roots = [c for c in etree.fromstring(f"<x>{conv.text}</x>", SAFE) if isinstance(c.tag, str)]
    source = [
        c
        for c in etree.fromstring(f"<x>{re.sub(r'<[?]xml[^>]*>', '', read(path))}</x>", SAFE)
        if isinstance(c.tag, str)
    ]
    assert [r.tag for r in roots] == [
        "master" if s.tag == "master_slave" else s.tag for s in source
    ]
    assert "validate-with" not in conv.text  # still a fragment, not a whole CIB
    if roots[0].tag in ("nvpair", "op"):
        return  # cibadmin -M snippets: no section to validate them in
    # references to resources of other seed files may dangle; nothing else may be wrong
    assert rng_errors(wrap10(conv.text), dangling_ok=True) == []


@pytest.mark.shared
def test_seed_s001_bootstrap() -> None:
    conv = convert(
        read(shared_path("seed-examples", "s001-drbd-heartbeat", "cib", "bootstrap.xml"))
    )
    root = etree.fromstring(conv.text.encode(), SAFE)
    names = [nv.get("name") for nv in root.iter("nvpair")]
    assert "stonith-enabled" not in names or names.count("stonith-enabled") == 1
    assert all("_" not in n for n in names if n.startswith(("no", "symmetric", "stonith")))


@pytest.mark.shared
def test_seed_s002_snippets() -> None:
    base = shared_path("seed-examples", "s002-sles-hasi", "cib")
    text = convert(read(base / "snippets" / "is_managed-false.xml")).text
    assert text == '<nvpair id="xen-sles-op-05" name="is-managed" value="false"/>\n'
    order = convert(read(base / "configpool_to_evms_order.xml"))
    assert order.text == (
        '<rsc_order id="configpool_depends_evms" first="evms" then="configpool" '
        'then-action="start" first-action="start" score="0"/>\n'
    )
    assert [c.kind for c in order.changes] == ["order"]
    assert order.changes[0].line == 1


@pytest.mark.shared
def test_broken_seed_gives_parse_error_at_its_line() -> None:
    path = shared_path("seed-examples", "s002-sles-hasi", "cib", "ilo-v1-snippet.xml")
    with pytest.raises(ParseError) as info:
        convert(read(path), path=str(path))
    assert info.value.line == 2
    assert info.value.path == str(path)
    assert "1.2/>" in info.value.snippet


# ------------------------------------------------------------- crm_verify

CRM_SCHEMA_FAILURE = re.compile(
    r"Relax-NG validity error|did not pass schema|schema validation|Couldn't fully parse|XML Error",
    re.I,
)


def crm_verify_output(text: str, tmp_path: Path) -> str:
    if shutil.which("crm_verify") is None or not Path("/work/shared/oracle/peers").exists():
        reason = "crm_verify (pacemaker-cli-utils) is not installed"
        unavailable(reason)
    out = tmp_path / "cib.xml"
    out.write_text(text)
    proc = subprocess.run(
        ["crm_verify", "--xml-file", str(out), "-V"], capture_output=True, text=True, timeout=60
    )
    return proc.stdout + proc.stderr


def crm_subset() -> list[tuple[Path, Path]]:
    pairs = _inputs()
    return pairs[::12] + [p for p in pairs if p[0].name in DELIBERATE]


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("src,upgraded", crm_subset(), ids=lambda p: p.name)
def test_crm_verify_accepts_schema(src: Path, upgraded: Path, tmp_path: Path) -> None:
    output = crm_verify_output(convert(read(src)).text, tmp_path)
    assert not CRM_SCHEMA_FAILURE.search(output), output


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", seed_fragments(), ids=lambda p: f"{p.parents[1].name}/{p.name}")
def test_crm_verify_on_seeds(path: Path, tmp_path: Path) -> None:
    conv = convert(read(path))
    root = etree.fromstring(f"<x>{conv.text}</x>", SAFE)
    if root[0].tag in ("nvpair", "op"):
        pytest.skip("a cibadmin -M snippet is not a CIB section")
    tree = wrap10(conv.text)
    for ref in ("rsc", "first", "then", "with-rsc"):  # other seed files define these
        for el in tree.iter("rsc_location", "rsc_order", "rsc_colocation"):
            if el.get(ref) is not None and not tree.xpath(f"//*[@id='{el.get(ref)}']"):
                el.getparent().remove(el)
                break
    output = crm_verify_output(etree.tostring(tree, encoding="unicode"), tmp_path)
    assert not CRM_SCHEMA_FAILURE.search(output), output


# ------------------------------------------------------------- rules, one by one


def cib(configuration: str, status: str = "") -> str:
    return (
        '<cib admin_epoch="0" epoch="1" num_updates="2">\n'
        f"<configuration>{configuration}</configuration><status>{status}</status></cib>\n"
    )


def conv_root(text: str, **kw: bool) -> tuple[etree._Element, Conversion]:
    conv = convert(text, **kw)
    return etree.fromstring(conv.text.encode(), SAFE), conv


OP_DISABLED = (
    '<crm_config/><nodes/><resources><primitive id="r" class="ocf" provider="heartbeat" '
    'type="IPaddr"><operations>'
    '<op id="m1" name="monitor" interval="10s" disabled="{}"/></operations></primitive>'
    "</resources><constraints/>"
)


@pytest.mark.parametrize(
    "value,enabled",
    [
        ("yes", "false"),
        ("1", "false"),
        ("true", "false"),
        ("TRUE", "false"),
        ("false", "true"),
        ("no", "true"),
        ("0", "true"),
    ],
)
def test_disabled_becomes_inverted_enabled(value: str, enabled: str) -> None:
    root, conv = conv_root(cib(OP_DISABLED.format(value)))
    op = root.find(".//op")
    assert op.get("enabled") == enabled and op.get("disabled") is None
    assert any("disabled" in c.what and c.element == "op" for c in conv.changes)


def test_nvpairs_outside_attributes_are_kept() -> None:
    root, _ = conv_root(
        cib(
            '<crm_config><cluster_property_set id="o"><nvpair id="a" name="no_quorum_policy" '
            'value="ignore"/><attributes><nvpair id="b" name="symmetric_cluster" value="true"/>'
            "</attributes></cluster_property_set></crm_config><nodes/><resources/><constraints/>"
        )
    )
    names = [(nv.get("name"), nv.get("value")) for nv in root.find(".//cluster_property_set")]
    assert names == [("no-quorum-policy", "ignore"), ("symmetric-cluster", "true")]


def test_option_names_match_exactly_not_by_substring() -> None:
    root, _ = conv_root(
        cib(
            '<crm_config><cluster_property_set id="o"><attributes>'
            '<nvpair id="a" name="my_default_resource_stickiness" value="1"/>'
            '<nvpair id="b" name="transition_idle_timeout" value="60s"/>'
            '<nvpair id="c" name="stonith_enabled" value="true"/>'
            "</attributes></cluster_property_set></crm_config><nodes/><resources/><constraints/>"
        )
    )
    names = [nv.get("name") for nv in root.iter("nvpair")]
    assert names == ["my_default_resource_stickiness", "cluster-delay", "stonith-enabled"]


def test_fencing_is_never_turned_off() -> None:
    """upgrade06.xsl added stonith-enabled=false where the CIB had none (conversion-rules.md,
    'Then, if the document has no nvpair named stonith-enabled'); Pacemaker's own default is
    true (pacemaker-schedulerd metadata: stonith-enabled default "true"). We keep that safe
    default, add nothing, and say so (issue 18 point 1)."""
    root, conv = conv_root(cib("<crm_config/><nodes/><resources/><constraints/>"))
    assert [nv.get("name") for nv in root.iter("nvpair")] == []
    safety = [c for c in conv.changes if c.kind == "safety"]
    assert len(safety) == 1 and "no STONITH device" in safety[0].what
    root, conv = conv_root(
        cib(
            '<crm_config><cluster_property_set id="o"><attributes><nvpair id="s" '
            'name="stonith-enabled" value="true"/></attributes></cluster_property_set></crm_config>'
            "<nodes/><resources/><constraints/>"
        )
    )
    assert [nv.get("value") for nv in root.iter("nvpair")] == ["true"]
    assert "safety" not in [c.kind for c in conv.changes]


@pytest.mark.parametrize(
    "attrs,expected",
    [
        (
            'from="a" to="b" score="0"',
            {
                "first": "b",
                "then": "a",
                "then-action": "start",
                "first-action": "start",
                "score": "0",
            },
        ),
        (
            'from="a" action="stop" type="after" to="b" to_action="promote" score="infinity"',
            {
                "first": "b",
                "then": "a",
                "then-action": "stop",
                "first-action": "promote",
                "score": "INFINITY",
            },
        ),
        (
            'from="a" action="start" type="before" to="b" to_action="demote" score="100.9"',
            {
                "first-action": "start",
                "first": "a",
                "then": "b",
                "then-action": "demote",
                "score": "100",
            },
        ),
    ],
)
def test_rsc_order_direction(attrs: str, expected: dict[str, str]) -> None:
    root, _ = conv_root(
        cib(
            '<crm_config/><nodes/><resources><primitive id="a" class="ocf" provider="heartbeat" '
            'type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>'
            f'</resources><constraints><rsc_order id="o" {attrs}/></constraints>'
        )
    )
    order = dict(root.find(".//rsc_order").attrib)
    assert order.pop("id") == "o"
    assert order == expected


def test_colocation_and_renamed_references() -> None:
    root, conv = conv_root(
        cib(
            '<crm_config/><nodes/><resources><group id="g:1"><primitive id="p" class="lsb" '
            'type="x" provider="ignored"/></group><master_slave id="ms"><primitive id="d" '
            'class="ocf" provider="heartbeat" type="drbd"/></master_slave></resources>'
            '<constraints><rsc_colocation id="c:1" from="g:1" to="ms" to_role="master" '
            'symmetrical="true" score="-infinity"/></constraints>'
        )
    )
    colo = root.find(".//rsc_colocation")
    assert dict(colo.attrib) == {
        "id": "c-1",
        "rsc": "g-1",
        "with-rsc": "ms",
        "with-rsc-role": "Master",
        "score": "-INFINITY",
    }
    assert root.find(".//group").get("id") == "g-1"
    assert root.find(".//group/meta_attributes").get("id") == "group-g-1.meta"
    assert root.find(".//primitive").get("provider") is None
    assert root.find(".//master") is not None and root.find(".//master_slave") is None
    assert rng_errors(etree.ElementTree(root)) == []
    assert {"id", "colocation", "rename-element"} <= {c.kind for c in conv.changes}


def test_resource_attributes_and_instance_meta_names_go_to_meta() -> None:
    root, conv = conv_root(
        cib(
            '<crm_config/><nodes/><resources><clone id="c" notify="true" globally_unique="false">'
            '<instance_attributes id="i"><attributes><nvpair id="n1" name="clone_max" value="2"/>'
            '<nvpair id="n2" name="foo" value="bar"/></attributes></instance_attributes>'
            '<primitive id="p" class="ocf" provider="heartbeat" type="Dummy" is_managed="false">'
            '<instance_attributes id="i2"><attributes><nvpair id="n3" name="target_role" '
            'value="stopped"/></attributes></instance_attributes></primitive></clone></resources>'
            "<constraints/>"
        )
    )
    meta = {
        nv.get("name"): nv.get("value")
        for nv in root.find("./configuration/resources/clone/meta_attributes")
    }
    assert meta == {"notify": "true", "globally-unique": "false", "clone-max": "2"}
    pmeta = root.find(".//primitive/meta_attributes")
    assert [(nv.get("name"), nv.get("value")) for nv in pmeta] == [
        ("is-managed", "false"),
        ("target-role", "stopped"),
    ]
    # the primitive keeps its instance copy (upgrade06 does too); the clone's set is gone
    assert root.find("./configuration/resources/clone/instance_attributes") is None
    assert any("foo" in c.what and c.kind == "drop-element" for c in conv.changes)


def test_rules_locations_lifetimes() -> None:
    root, conv = conv_root(
        cib(
            '<crm_config/><nodes/><resources><primitive id="p" class="ocf" provider="heartbeat" '
            'type="Dummy"/></resources><constraints>'
            '<rsc_location id="l" rsc="p" description="prefer \u00e9 -- node1">'
            '<lifetime id="lt"><rule id="lr">'
            '<date_expression id="d" start="2008-01-01" end="2009-01-01"/></rule>'
            '</lifetime><rule id="1rule" boolean_op="or"/></rsc_location></constraints>'
        )
    )
    loc = root.find(".//rsc_location")
    assert [c.tag if isinstance(c.tag, str) else "comment" for c in loc] == [
        "comment",
        "rule",
        "lifetime",
    ]
    rule = loc.find("rule")
    assert rule.get("id") == "rule-1rule" and rule.get("score") == "0"
    assert rule.get("boolean-op") == "or"
    assert rule.find("expression").get("operation") == "defined"
    assert loc.find("lifetime").get("id") is None
    assert loc.find(".//date_expression").get("operation") == "in_range"
    assert rng_errors(etree.ElementTree(root)) == []
    assert {"lifetime", "add-element"} <= {c.kind for c in conv.changes}


def test_comments_are_kept() -> None:
    text = "<!-- top -->\n" + cib("<!-- in conf --><crm_config/><nodes/><resources/><constraints/>")
    _, conv = conv_root(text)
    assert "<!-- top -->" in conv.text and "<!-- in conf -->" in conv.text


def test_cib_attributes() -> None:
    root, _ = conv_root(
        '<cib generated="true" admin_epoch="1" epoch="2" num_updates="3" have_quorum="true" '
        'dc_uuid="abc" ccm_transition="4"><configuration><crm_config/><nodes/><resources/>'
        "<constraints/></configuration><status/></cib>"
    )
    assert dict(root.attrib) == {
        "admin_epoch": "1",
        "epoch": "2",
        "num_updates": "3",
        "dc-uuid": "abc",
        "have-quorum": "true",
        "remote-tls-port": "0",
        "validate-with": "pacemaker-1.0",
    }


def test_pacemaker_10_cib_is_left_alone() -> None:
    text = cib("<crm_config/><nodes/><resources/><constraints/>").replace(
        "<cib ", '<cib validate-with="pacemaker-1.0" '
    )
    conv = convert(text)
    assert conv.text == text and not conv.changed


def test_pacemaker11_step() -> None:
    text = cib(
        '<crm_config><cluster_property_set id="o"><attributes>'
        '<nvpair id="a" name="default_resource_stickiness" value="100"/>'
        '<nvpair id="b" name="default_resource_failure_stickiness" value="-30"/>'
        '<nvpair id="c" name="stonith_enabled" value="false"/>'
        "</attributes></cluster_property_set></crm_config><nodes/><resources/><constraints/>"
    )
    plain, _ = conv_root(text)
    assert plain.find(".//rsc_defaults") is None  # off by default
    root, conv = conv_root(text, pacemaker11=True)
    defaults = {
        nv.get("name"): nv.get("value") for nv in root.find(".//rsc_defaults/meta_attributes")
    }
    assert defaults == {"resource-stickiness": "100", "migration-threshold": "4"}
    assert [nv.get("name") for nv in root.find(".//crm_config").iter("nvpair")] == [
        "stonith-enabled"
    ]
    assert any("migration-threshold" in c.what and "failures" in c.why for c in conv.changes)
    assert rng_errors(etree.ElementTree(root)) == []


@pytest.mark.parametrize(
    "stick,fail,expected",
    [
        ("100", "-30", "4"),
        ("0", "-INFINITY", "1"),
        ("0", "-1", "1"),
        ("INFINITY", "-5", None),
        ("10", "0", None),
        ("10", "5", None),
        ("50", "-50", "2"),
    ],
)
def test_migration_threshold(stick: str, fail: str, expected: str | None) -> None:
    assert migration_threshold(stick, fail) == expected


def test_fragment_forms() -> None:
    conv = convert(
        '<?xml version="1.0"?>\n<resources><primitive id="p" class="heartbeat" '
        'type="drbddisk" provider="heartbeat"/></resources>\n'
    )
    assert conv.fragment and conv.text.startswith("<resources>")
    assert "provider" not in conv.text and "stonith" not in conv.text
    two = convert(
        '<rsc_order id="a" from="x" to="y"/>\n<!-- c -->\n<rsc_order id="b" from="y" to="z"/>'
    )
    assert two.text.count("<rsc_order") == 2 and "<!-- c -->" in two.text


def test_change_records() -> None:
    conv = convert('<rsc_order id="a" from="x" to="y"/>', path="f.xml")
    change = conv.changes[0]
    assert isinstance(change, Change)
    assert change.to_dict() == {
        "kind": "order",
        "element": "rsc_order",
        "id": "a",
        "line": 1,
        "what": change.what,
        "why": change.why,
    }
    data = conv.to_dict()
    assert data["changed"] is True and data["changes"][0]["kind"] == "order"
    assert "line 1" in str(change)


@pytest.mark.parametrize(
    "text,line",
    [
        ("<cib>\n<configuration>\n</cib>", 3),
        ("", 1),
        ("<a x='1' x='2'/>", 1),
        ("<primitive id='p'>\n\n<bogus", 3),
    ],
)
def test_malformed_xml_is_a_parse_error(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        convert(text, path="x.xml")
    assert info.value.line == line and info.value.path == "x.xml"


def test_unknown_fragment_and_entities_refused() -> None:
    with pytest.raises(XencfgError):
        convert("<bogus/>")
    hostile = (
        '<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<cib admin_epoch='0' epoch='0' num_updates='0'><configuration><crm_config/>"
        "<nodes/><resources>&x;</resources><constraints/></configuration></cib>"
    )
    with pytest.raises(XencfgError):
        convert(hostile)


# ------------------------------------------------------------- hypothesis


@cache
def _mutation_sources() -> list[str]:
    picks = [p for p, _ in _inputs()][::25]
    picks += seed_fragments()[:4]
    return [read(p) for p in picks]


@pytest.mark.shared
@given(data=st.data())
def test_mutations_never_raise_anything_but_xencfg_error(data: st.DataObject) -> None:
    sources = _mutation_sources()
    if not sources:
        shared_path(*ORACLE)
    text = data.draw(st.sampled_from(sources))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(
        st.sampled_from(
            [
                "",
                "<",
                ">",
                '"',
                ":",
                "1",
                "_",
                "<attributes>",
                "</attributes>",
                'disabled="yes" ',
                "<rule id='r'/>",
                "<!-- x -->",
                "&amp;",
                "&x;",
                "<lifetime/>",
                'score="1.5" ',
                'from="a:1" ',
                '<nvpair id="n" name="target_role" value="x"/>',
                "\x00",
            ]
        )
    )
    mutated = text[:start] + insert + text[end:]
    try:
        result = convert(mutated, pacemaker11=data.draw(st.booleans()))
    except XencfgError:
        return
    assert isinstance(result.text, str)


def test_change_report_is_in_source_line_order(capsys: pytest.CaptureFixture[str]) -> None:
    """The passes rewrite in their own order (``--to current``: the 1.0 -> 1.1 step's
    lines 7, 8 and 11, then the later steps' lines 1 and 4); the report an administrator
    reads beside the file goes by source line, stable where lines are equal (one
    element's rewrites keep the order they were made in), in the API and the CLI."""
    from xencfg.cli import main
    from xencfg.formats.cib.upgrade import upgrade

    src = Path(__file__).parent / "fixtures" / "cib-truth" / "cb024-anonymous.xml"
    result = upgrade(src.read_text(), path=str(src), target="current")
    lines = [c.line or 0 for c in result.changes]
    assert len(lines) > 3 and lines == sorted(lines) and lines[0] == 1 and lines[-1] == 11
    # stable: rewrites of one line stay in the order the pass made them
    first, second, other = (
        Change(k, "nvpair", "a", n, "x", "y") for k, n in (("a", 5), ("b", 5), ("c", 2))
    )
    assert Conversion("", [first, other, second]).changes == [other, first, second]
    main(["cib", "convert", "--to", "current", str(src)])
    reported = [int(line.split(":")[1]) for line in capsys.readouterr().err.splitlines()]
    assert reported == lines
    # a change with no line (the document as a whole) comes first, as line 0
    whole = Change("set-attribute", "cib", None, None, "x", "y")
    at = Change("rename-option", "nvpair", "a", 4, "x", "y")
    assert Conversion("", [at, whole]).changes == [whole, at]
