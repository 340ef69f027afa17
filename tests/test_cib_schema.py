"""CIB validation: our crm.dtd and pacemaker-1.0.rng give upstream's verdicts, and validate()."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

import xencfg
from conftest import FIXTURES, ROOT, ids, shared_files, shared_path
from roundtrip import read
from xencfg.formats import cib
from xencfg.formats.cib import CibDocument

OUR_DTD = ROOT / "schemas" / "crm.dtd"
OUR_RNG = ROOT / "schemas" / "pacemaker-1.0.rng"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)

#: Not well-formed (a duplicated attribute): no validator can judge them.
NOT_WELL_FORMED = {"notify-4.xml", "pcmk__crm_pengine_testcases_notify-4.xml"}
HB2 = [
    p
    for p in shared_files("oracle", "cib", "upstream-test06", pattern="*.xml")
    + shared_files("oracle", "cib", "seeds", pattern="*.xml")
    + shared_files("corpus", "cib-hb2")
    if p.name not in NOT_WELL_FORMED
]
PCMK10 = (
    shared_files("corpus", "cib-pcmk1")
    + shared_files("oracle", "cib", "upgraded", pattern="*.xml")
    + shared_files("oracle", "cib", "upstream-test06", pattern="*.expected.xml")
)
SEEDS = [
    p
    for p in shared_files("seed-examples")
    if "/cib/" in str(p) and p.suffix in (".xml", ".xm") and p.name != "ilo-v1-snippet.xml"
]


def _oracle() -> ModuleType:
    path = shared_path("oracle", "cib", "oracle.py")
    spec = importlib.util.spec_from_file_location("cib_oracle", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_VALIDATORS: dict[str, Any] = {}


def _validators(kind: str) -> tuple[Any, Any]:
    """(ours, upstream's) DTD or RelaxNG validator."""
    if kind not in _VALIDATORS:
        up_dir = shared_path("oracle", "cib")
        if kind == "dtd":
            _VALIDATORS[kind] = (etree.DTD(str(OUR_DTD)), etree.DTD(str(up_dir / "crm.dtd")))
        else:
            _VALIDATORS[kind] = (
                etree.RelaxNG(etree.parse(str(OUR_RNG))),
                etree.RelaxNG(etree.parse(str(up_dir / "rng-1.0.13" / "pacemaker-1.0.rng"))),
            )
    return _VALIDATORS[kind]


def _same_verdict(kind: str, tree: Any) -> bool:
    ours, theirs = _validators(kind)
    a, b = ours.validate(tree), theirs.validate(tree)
    assert a == b, (
        f"ours={a} upstream={b}: ours says {ours.error_log.last_error}, "
        f"upstream says {theirs.error_log.last_error}"
    )
    return bool(a)


# -- whole files -------------------------------------------------------------------


# Each schema is also run over the other dialect's files: mostly "invalid" for both,
# which checks that ours rejects what upstream's rejects.
@pytest.mark.parametrize("path", HB2 + PCMK10, ids=ids(HB2 + PCMK10))
def test_dtd_verdict_equals_upstream(path: Path) -> None:
    shared_path()
    tree, _ = _oracle().wrap(str(path), "0.6")  # a full CIB stays as it is
    _same_verdict("dtd", tree)


@pytest.mark.parametrize("path", PCMK10 + HB2, ids=ids(PCMK10 + HB2))
def test_rng_verdict_equals_upstream(path: Path) -> None:
    shared_path()
    tree, _ = _oracle().wrap(str(path), "1.0")
    _same_verdict("rng", tree)


def test_verdicts_are_not_trivial() -> None:
    """Both sets hold valid and invalid files, so equal verdicts mean something."""
    shared_path("corpus", "cib-hb2")
    dtd = [_validators("dtd")[0].validate(etree.parse(str(p), PARSER)) for p in HB2[:150]
           if not p.name.startswith("seed")]  # fmt: skip
    rng = [_validators("rng")[0].validate(etree.parse(str(p), PARSER)) for p in PCMK10]
    assert 20 < sum(dtd) < len(dtd)
    assert 20 < sum(rng) < len(rng)


# -- mutated negatives -------------------------------------------------------------------

_BOGUS_TAGS = ("primitive", "group", "nvpair", "attributes", "rule", "op", "status", "bogus")


def _mutants(tree: Any, limit: int = 120) -> Iterator[tuple[str, Any]]:
    """Small structural mutations of a valid CIB, one at a time."""
    root = tree.getroot()
    els = [e for e in root.iter() if isinstance(e.tag, str)][:limit]
    for i in range(len(els)):

        def fresh(i: int = i) -> tuple[Any, Any]:
            t = copy.deepcopy(tree)
            return t, [e for e in t.getroot().iter() if isinstance(e.tag, str)][i]

        el0 = els[i]
        for name in list(el0.attrib):
            t, el = fresh()
            del el.attrib[name]
            yield f"{el0.tag}[{i}] drop @{name}", t
            for value in ("bogus", "-1", "Started", "INFINITY", "true", "12abc"):
                t, el = fresh()
                el.set(name, value)
                yield f"{el0.tag}[{i}] @{name}={value}", t
        for attr in ("class", "bogus", "description", "score", "interval", "provider"):
            t, el = fresh()
            el.set(attr, "x")
            yield f"{el0.tag}[{i}] add @{attr}", t
        if i:
            t, el = fresh()
            el.getparent().remove(el)
            yield f"{el0.tag}[{i}] removed", t
            t, el = fresh()
            el.addnext(copy.deepcopy(el))
            yield f"{el0.tag}[{i}] duplicated", t
            t, el = fresh()
            prev = el.getprevious()
            if prev is not None:
                prev.addprevious(el)
                yield f"{el0.tag}[{i}] moved up", t
        for tag in _BOGUS_TAGS:
            t, el = fresh()
            el.tag = tag
            yield f"{el0.tag}[{i}] renamed {tag}", t


def _valid_sample(files: list[Path], kind: str, count: int) -> list[Path]:
    ours, _ = _validators(kind)
    out = []
    for p in files:
        try:
            if ours.validate(etree.parse(str(p), PARSER)):
                out.append(p)
        except etree.XMLSyntaxError:
            continue
    step = max(len(out) // count, 1)
    return out[::step][:count]


def test_dtd_agrees_on_mutated_cibs() -> None:
    shared_path("corpus", "cib-hb2")
    sample = [*_valid_sample(HB2, "dtd", 6), FIXTURES / "cib" / "valid" / "hb2-crlf.xml"]
    checked = invalid = 0
    for path in sample:
        for what, tree in _mutants(etree.parse(str(path), PARSER)):
            try:
                invalid += not _same_verdict("dtd", tree)
            except AssertionError as exc:
                raise AssertionError(f"{path.name}: {what}: {exc}") from None
            checked += 1
    assert checked > 1000 and invalid > checked // 3


def test_rng_agrees_on_mutated_cibs() -> None:
    shared_path("corpus", "cib-pcmk1")
    sample = [*_valid_sample(PCMK10, "rng", 6), FIXTURES / "cib" / "valid" / "pcmk10.xml"]
    checked = invalid = 0
    for path in sample:
        for what, tree in _mutants(etree.parse(str(path), PARSER)):
            try:
                invalid += not _same_verdict("rng", tree)
            except AssertionError as exc:
                raise AssertionError(f"{path.name}: {what}: {exc}") from None
            checked += 1
    assert checked > 1000 and invalid > checked // 3


# -- the validate() API ------------------------------------------------------------


def _oracle_verdict(path: Path, schema: str) -> bool:
    oracle = _oracle()
    tree, _ = oracle.wrap(str(path), schema)
    tree, _ = oracle.reparse(tree)
    ok, _ = oracle.dtd_check(tree) if schema == "0.6" else oracle.rng_check(tree)
    return bool(ok)


_WRAPPABLE = ("cib", "primitive", "group", "clone", "master_slave", "rsc_order",
              "rsc_location", "rsc_colocation", "cluster_property_set", "resources",
              "constraints", "crm_config")  # fmt: skip


#: The oracle's wrap() places section fragments only, not the nvpair/op snippets.
_API_FILES = [p for p in SEEDS if p.parent.name != "snippets"] + HB2[:60]


@pytest.mark.parametrize("path", _API_FILES, ids=ids(_API_FILES))
def test_validate_api_agrees_with_oracle(path: Path) -> None:
    shared_path()
    doc = xencfg.loads(read(path), "cib", path=str(path))
    assert isinstance(doc, CibDocument)
    assert doc.root_tag in _WRAPPABLE
    assert (cib.validate(doc, "crm.dtd") == []) == _oracle_verdict(path, "0.6")
    assert (cib.validate(doc, "pacemaker-1.0.rng") == []) == _oracle_verdict(path, "1.0")


@pytest.mark.parametrize("path", SEEDS, ids=ids(SEEDS))
def test_seed_fragments_validate_against_crm_dtd(path: Path) -> None:
    shared_path()
    doc = xencfg.load(path, "cib")
    errors = cib.validate(doc)
    if path.name == "monitor-op-disabled.xml":
        # "enabled" is Pacemaker 1.0's spelling; heartbeat 2.1 knew only "disabled"
        assert [(e.line, e.column) for e in errors] == [(1, 1)]
        assert "enabled" in errors[0].message
    else:
        assert errors == []


def test_fragment_error_names_its_own_line() -> None:
    text = (
        '<primitive id="web" class="ocf" type="apache" provider="heartbeat">\n'
        "  <operations>\n"
        '    <op id="web-mon" name="monitor" interval="10s"/>\n'
        '    <op id="web-start" name="start" on_fail="reboot"/>\n'
        "  </operations>\n"
        "</primitive>\n"
    )
    doc = xencfg.loads(text, "cib", path="web.xml")
    (err,) = cib.validate(doc)
    assert isinstance(err, xencfg.ValidationError)
    assert (err.path, err.line, err.column) == ("web.xml", 4, 5)
    assert "on_fail" in err.message


def test_fragment_error_on_line_one_has_the_fragment_column() -> None:
    doc = xencfg.loads('  <rsc_order id="o" from="a"/>\n', "cib")
    errors = cib.validate(doc)
    assert errors and {(e.line, e.column) for e in errors} == {(1, 3)}
    assert any("to" in e.message for e in errors)


def test_schema_chosen_by_validate_with() -> None:
    p10 = xencfg.load(FIXTURES / "cib" / "valid" / "pcmk10.xml", "cib")
    hb2 = xencfg.load(FIXTURES / "cib" / "valid" / "hb2-crlf.xml", "cib")
    assert cib.validate(p10) == [] and cib.validate(hb2) == []
    # each is invalid under the other dialect's schema
    assert cib.validate(p10, "crm.dtd") and cib.validate(hb2, "pacemaker-1.0.rng")
    op = p10.resource("drbd0").ops[0]  # type: ignore[union-attr]
    op.el.set("on-fail", "reboot")
    errors = cib.validate(p10)
    assert errors and all("pacemaker-1.0.rng" in e.message for e in errors)
    assert 25 in {e.line for e in errors}
    assert not any("unknown ID" in e.message for e in errors)  # cascades dropped
    assert all(e.line > 0 for e in errors)  # libxml2 gave some no line: we find one


def test_rng_dangling_reference_points_at_the_constraint() -> None:
    doc = xencfg.load(FIXTURES / "cib" / "valid" / "pcmk10.xml", "cib")
    doc.orders[0].el.set("then", "nothere")
    (err,) = cib.validate(doc)
    assert (err.line, err.column) == (40, 4)
    assert 'unknown ID "nothere"' in err.message


def test_validation_sees_edits() -> None:
    doc = xencfg.load(FIXTURES / "cib" / "valid" / "hb2-crlf.xml", "cib")
    doc.primitives[0].el.set("class", "systemd")
    (err,) = cib.validate(doc)
    assert err.line == 18 and "class" in err.message


def test_validate_source_checks_the_text_as_read_without_rendering() -> None:
    """Lint (CB023) checks the file as read: the same errors as ``validate`` of the
    unedited document, on the tree parsed from it, without the parse-time snapshots a
    rendering takes (~40x the file; issue 22 item 10)."""
    from xencfg.formats.cib.schema import validate_source

    text = read(FIXTURES / "cib" / "valid" / "pcmk10.xml")
    text = text.replace('on-fail="restart"', 'on-fail="reboot"')
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc, CibDocument)
    errors = validate_source(doc)
    # ``text``: a version of the source (same ids), parsed afresh
    good = validate_source(doc, "pacemaker-1.0", text.replace('"reboot"', '"restart"'))
    assert good == [] and doc._snapshots is None  # not rendered
    assert errors and [str(e) for e in errors] == [str(e) for e in cib.validate(doc)]
    # a document built in code has no source: its rendering is checked
    built = CibDocument.new()
    assert validate_source(built) == cib.validate(built) == []


def test_pacemaker_10_fragment_uses_rng() -> None:
    text = (
        '<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">\n'
        '  <instance_attributes id="ip-ia">\n'
        '    <nvpair id="ip-ip" name="ip" value="192.0.2.1"/>\n'
        "  </instance_attributes>\n"
        "</primitive>\n"
    )
    doc = xencfg.loads(text, "cib")
    assert doc.dialect == "pacemaker-1.0"
    assert cib.validate(doc) == []
    assert cib.validate(doc, "crm.dtd")  # no <attributes> wrapper: heartbeat 2 refuses


def test_unplaceable_fragment_is_a_validation_error() -> None:
    doc = xencfg.loads('<rule id="r" score="1"/>', "cib")
    (err,) = cib.validate(doc)
    assert "cannot place" in err.message


def test_nvpair_snippets_validate_in_a_stand_in_primitive() -> None:
    doc = xencfg.load(FIXTURES / "cib" / "valid" / "two-nvpairs.xml", "cib")
    assert cib.validate(doc) == []
    doc.roots[0].attrib.pop("name")
    (err,) = cib.validate(doc)
    assert (err.line, "name" in err.message) == (1, True)
