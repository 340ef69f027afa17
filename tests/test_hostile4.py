"""Hostile inputs, fourth campaign: what a run against the code merged in the session of
xm_eval (migrate's static evaluator), the streaming XML reader, the new rules, edits and
supportconfig sections found. Each test is the smallest reproducer, bounded and fast;
the time each shape takes is in bench/pathological.py's series."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import xencfg
from xencfg.formats.cib.model import CibDocument
from xencfg.formats.lvmlike._base import LvmLikeDocument
from xencfg.migrations.xen import xm_to_xl
from xencfg.migrations.xm_eval import NotStatic, evaluate

# --- xm_eval: every value is bounded, and so is the work of a config ------------------


@pytest.mark.parametrize(
    "expr",
    [
        # 4,096 steps per comprehension, but a comprehension in each step: 16 M steps
        "[[1 for x in range(4096) if 0] for y in range(4096)]",
        "[y for y in range(4096) if [1 for x in range(4096) if 0]]",
        # a megabyte list rebuilt or read in each of 4,096 steps
        "[1 for x in range(4096) if [0] * 1000000 == [0] * 1000000]",
        "[1 for x in range(4096) if str([0] * 300000)]",
        # a thousand references to one megabyte string: a gigabyte to write out
        "['x' * 1000000] * 1000",
        # formatting builds its result before any size check
        "'%999999999d' % 1",
        "'%*d' % (999999999, 1)",
        "'%.999999999f' % 1.0",
        # int() of infinity raised OverflowError (a traceback in migrate)
        "int(1e400)",
    ],
)
def test_xm_eval_hostile_expressions_are_not_static(expr: str) -> None:
    """Each was a hang (> 8 s), a gigabyte allocated, or a traceback; now NotStatic (the
    line stays a TODO), bounded by a work budget per config (xm_eval.WORK)."""
    with pytest.raises(NotStatic):
        evaluate(ast.parse(expr, mode="eval").body, {})


@pytest.mark.parametrize(
    "text",
    [
        # a megabyte list, then line after line of 'disk += disk' (each one bounded)
        "disk = ['x' * 1000000]\n" + "disk += disk\n" * 30,
        # literal '+=' lines, each copying the megabyte list (the xm parser's Assignment)
        "disk = [0] * 1000000\n" + "disk += []\n" * 3000,
    ],
)
def test_xm_to_xl_work_is_bounded_per_config(text: str) -> None:
    """Each line's value was bounded, the lines together were not: 30 doublings of a
    megabyte string hung rendering the report, 3,000 '+=' copied a megabyte each."""
    r = xm_to_xl(xencfg.loads(text, "xm"))
    assert any(c.severity == "action" for c in r.changes)
    assert len(r.text) < 8 << 20


def test_xm_eval_ordinary_values_still_evaluate() -> None:
    """The budget is far above what a real config spends (the migrate4 examples)."""
    expr = "['phy:/dev/vg/%s-disk%d,xvd%s,w' % ('web', i, c) for i, c in enumerate('abcd')]"
    assert evaluate(ast.parse(expr, mode="eval").body, {})[3] == "phy:/dev/vg/web-disk3,xvdd,w"
    assert evaluate(ast.parse("'%-10s|%5.2f' % ('a', 1.5)", mode="eval").body, {}) == (
        "a         | 1.50"
    )


# --- the streaming XML reader ------------------------------------------------------------


def test_cman_element_with_too_many_attributes_is_a_clear_error() -> None:
    """lxml finds each attribute value by walking the element's list, so reading all of
    them is quadratic: 64,000 attributes on <cluster> took 14 s. More than
    cman.MAX_ATTRIBUTES is now a ParseError at the element's line."""
    from xencfg.formats.cman import MAX_ATTRIBUTES

    many = " ".join(f'a{i}="1"' for i in range(MAX_ATTRIBUTES + 1))
    with pytest.raises(xencfg.ParseError, match=r"<cluster> has 1001 attributes") as info:
        xencfg.loads(f'<?xml version="1.0"?>\n<cluster {many}/>\n', "cman")
    assert info.value.line == 2
    ok = " ".join(f'a{i}="1"' for i in range(MAX_ATTRIBUTES - 1))
    text = f'<cluster name="c" {ok}/>\n'
    assert xencfg.dumps(xencfg.loads(text, "cman")) == text


@pytest.mark.parametrize("fmt", ["cman", "crm-mon-xml"])
@pytest.mark.parametrize(
    "decl",
    [
        '<?xml version="1.0" encoding="UTF-16"?>\n',  # the text was decoded already
        '<?xml version="1.0" encoding="x-nonexistent"?>\n',
        '\ufeff<?xml version="1.0" encoding="ISO-8859-1"?>\n',
    ],
)
def test_xml_stream_encoding_declarations_name_no_second_decoding(decl: str, fmt: str) -> None:
    """An encoding declaration other than the UTF-8 fed to lxml (or a BOM before one) is
    blanked out, keeping lines and columns: the text reads and writes back byte-exact."""
    root = "cluster" if fmt == "cman" else "crm_mon"
    text = decl + f'<{root} name="\u00e9"/>\n'
    assert xencfg.dumps(xencfg.loads(text, fmt)) == text


# --- the editing API: what a caller passes never adds or cuts what ietd reads ----------

IET = "Target iqn.2006-01.com.example:t1\n\tLun 0 Path=/dev/sdb,Type=blockio\n"


@pytest.mark.parametrize(
    "call",
    [
        # ietd.conf(5): 'Lun N Path=DEV,Type=T,...': a ',' in a value adds an option
        lambda t: t.add_lun("/dev/x,Type=fileio"),
        lambda t: t.add_lun("/dev/x", "fileio,IOMode=wb"),
        lambda t: t.add_lun("/dev/x", ScsiId="a,ScsiSN=b"),
        lambda t: t.add_lun(""),  # 'Path=,Type=blockio': a LUN without a device
        # a NUL ends the line ietd reads: the value was cut short there
        lambda t: t.add_lun("/dev/x\x00y"),
        lambda t: t.add_user("u", "Pw\x0012345678"),
        lambda t: t.set_param("MaxConnections", "1\x002"),
    ],
)
def test_iet_edits_refuse_values_ietd_would_read_otherwise(call: object) -> None:
    doc = xencfg.loads(IET, "ietd")
    with pytest.raises(ValueError):
        call(doc.targets[0])  # type: ignore[operator]
    assert xencfg.dumps(doc) == IET


def test_iet_edits_still_write_ordinary_values() -> None:
    doc = xencfg.loads(IET, "ietd")
    doc.targets[0].add_lun("/dev/vg/web-\u00e9", "fileio", ScsiId="web0")
    doc.targets[0].add_user("u", "Pw,12345678")
    again = xencfg.loads(xencfg.dumps(doc), "ietd").targets[0]
    assert [lun.number for lun in again.luns] == [0, 1]
    assert len(again.users) == 1


# --- lvm.conf integers: strtoll(tok, NULL, 0) saturates ---------------------------------


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("1" * 5000, (1 << 63) - 1),
        ("-" + "1" * 5000, -(1 << 63)),
        ("0" + "7" * 5000, (1 << 63) - 1),  # octal, as strtoll's base 0 reads a leading 0
        ("0" * 5000 + "17", 15),
        ("9223372036854775808", (1 << 63) - 1),
        ("077", 63),
    ],
)
@pytest.mark.parametrize("fmt", ["lvm", "evms"])
def test_lvm_integer_of_thousands_of_digits_saturates(fmt: str, token: str, value: int) -> None:
    """int() of more than 4,300 digits raises ValueError: get() and to_dict() of such a
    setting were a traceback. libdm-config.c's _type reads it with strtoll(), which
    gives LLONG_MAX or LLONG_MIN on overflow (ERANGE, strtol(3))."""
    text = f"global {{\n\tlocking_type = {token}\n}}\n"
    doc = xencfg.loads(text, fmt)
    assert isinstance(doc, LvmLikeDocument)
    assert doc.get("global/locking_type") == value
    doc.to_dict()
    assert xencfg.dumps(doc) == text


# --- new live rules over large captures --------------------------------------------------


def test_ls020_finds_each_crm_mon_resource_in_the_cib_by_id() -> None:
    """LS020 looked each crm_mon resource up with cib.resource(), a scan of every CIB
    resource: quadratic (2,000 took 8 s; bench/pathological.py). One index per CIB,
    the first resource of an id winning as cib.resource() finds it."""
    from xencfg.rules.live.cib import _by_id, _lineage

    cib = xencfg.loads(
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">'
        "<configuration><crm_config/><nodes/><resources>"
        '<group id="g"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></group>'
        '<primitive id="p" class="ocf" provider="heartbeat" type="IPaddr"/>'
        "</resources><constraints/></configuration><status/></cib>",
        "cib",
    )
    assert isinstance(cib, CibDocument)
    index = _by_id(cib)
    first = cib.resource("p")
    assert first is not None and index["p"].el is first.el
    assert _lineage(index, "p") == ["p", "g"]
    assert _lineage(index, "missing") == ["missing"]


# --- CIB numbers of thousands of digits (int() raises past 4,300) ------------------------


@pytest.mark.parametrize(
    "validate_with", ["pacemaker-" + "9" * 5000 + ".0", "pacemaker-1." + "9" * 5000]
)
def test_cib_schema_name_of_thousands_of_digits_lints(tmp_path: Path, validate_with: str) -> None:
    """CB031 (and versions.pacemaker_reading) read the schema name's numbers with int():
    5,000 digits raised ValueError, a traceback in lint. No Pacemaker schema has such a
    name: CB031 calls it unknown."""
    from xencfg import lint

    cib = tmp_path / "n1" / "var/lib/pacemaker/cib/cib.xml"
    cib.parent.mkdir(parents=True)
    cib.write_text(
        f'<cib validate-with="{validate_with}" admin_epoch="0" epoch="1" num_updates="0">'
        "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
        "<status/></cib>"
    )
    codes = {f.code for f in lint.run([str(tmp_path / "n1")]).findings}
    assert "CB031" in codes


def test_cib_scores_and_durations_of_thousands_of_digits() -> None:
    """parse_score clamps as Pacemaker's char2score does (strtoll, then +-INFINITY);
    a duration of more than 18 digits is unreadable (None), not a traceback; only
    ASCII digits are digits ('\\u0661' is no number to Pacemaker)."""
    from xencfg.formats.cib.values import INFINITY, duration_ms, parse_score

    assert parse_score("9" * 5000) == INFINITY
    assert parse_score("-" + "9" * 5000) == -INFINITY
    assert parse_score("0" * 5000 + "5") == 5
    assert parse_score("100.9") == 100
    assert parse_score("\u0661") is None
    assert duration_ms("9" * 5000) is None
    assert duration_ms("0" * 5000 + "10s") == 10000
    assert duration_ms(" 5 min ") == 300000


# --- xm integers too long for decimal (the merged Python 2 literals) -------------------


@pytest.mark.parametrize(
    "literal",
    [
        "0" + "7" * 5000,
        "0x" + "f" * 5000 + "L",
        "-0" + "7" * 6000,
        "0o" + "7" * 5000,
        "[0x" + "f" * 5000 + "]",
    ],
)
def test_xm_hex_and_octal_literals_of_thousands_of_digits(literal: str) -> None:
    """Octal and hex literals have no 4,300-digit limit, but their value's repr() does:
    loads() raised ValueError (the setting's state), migrate raised it writing the xl
    value. Such a number is no setting's value: the line is code (a TODO)."""
    text = f"memory = {literal}\n"
    doc = xencfg.loads(text, "xm")
    doc.to_dict()
    assert xencfg.dumps(doc) == text
    r = xm_to_xl(doc)
    assert any(c.severity == "action" for c in r.changes)
