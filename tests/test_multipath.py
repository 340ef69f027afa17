"""multipath.conf: round trips, typed model, edits, errors, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from roundtrip import (
    canonical,
    check_byte_exact,
    check_canonical,
    check_one_edit,
    check_tokens,
    loads_or_refused,
    mutate,
    read,
)
from xencfg import lint
from xencfg.formats.multipath import MultipathDocument, unquote
from xencfg.syntax.blocks import Block, Entry

OWN = sorted((FIXTURES / "multipath" / "valid").iterdir())
CORPUS = shared_files("corpus", "multipath")
SEEDS = [p for p in shared_files("seed-examples", pattern="multipath.conf")]
# Real files whose braces do not balance: multipath-tools warns "missing '}' at end of"
# and reads them; the parser refuses them (lint: XC001 warning).
UNBALANCED = {"rhsyseng-oracle__multipath.conf", "multipath.conf"}
PARSEABLE = [p for p in CORPUS if p.name not in UNBALANCED]
BROKEN_SEED = "seed-examples/s000-iscsi-multipath/node1/etc/multipath.conf"


def _all_files() -> list[Path]:
    return OWN + PARSEABLE


@pytest.mark.parametrize("path", OWN + CORPUS + SEEDS, ids=ids(OWN + CORPUS + SEEDS))
def test_round_trip_byte_exact(path: Path) -> None:
    if path not in OWN:
        shared_path()
    try:
        doc = check_byte_exact(path, "multipath")
    except xencfg.ParseError as exc:
        # only files whose braces really do not balance may fail, at the opener
        from xencfg.syntax.build import find_unclosed

        assert find_unclosed(read(path), "#!") is not None, exc
        assert "never closed" in exc.message
        return
    check_canonical(doc, "multipath")
    check_tokens(doc, "multipath", unquote)


def test_shared_corpus_present() -> None:
    shared_path("corpus", "multipath")
    assert len(CORPUS) >= 20


def test_broken_seed_points_at_the_unclosed_section() -> None:
    path = shared_path(*BROKEN_SEED.split("/"))
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path)
    assert (info.value.line, info.value.column) == (17, 1)
    assert info.value.path == str(path)
    assert "multipaths {" in info.value.message


@pytest.mark.parametrize(
    ("name", "line", "col"),
    [
        ("unclosed-defaults.conf", 1, 1),
        ("section-after-brace.conf", 1, 18),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int) -> None:
    path = FIXTURES / "multipath" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "multipath")
    assert (info.value.line, info.value.column) == (line, col)
    assert str(path) in str(info.value)
    assert "^" in info.value.snippet


#: Section left open only at the end of the file, vs. a '}' missing in the middle.
OPEN_AT_END = 'defaults {\n\tuser_friendly_names yes\n}\nblacklist {\n\twwid "^3600a0b8"\n'
OPEN_IN_MIDDLE = 'defaults {\n\tuser_friendly_names yes\n\nblacklist {\n\twwid "^3600a0b8"\n}\n'
#: A blacklist device left open: its '}' closes it, the devnode lands in the device.
DEVICE_OPEN = 'blacklist {\n\tdevice {\n\t\tvendor "IBM"\n\tdevnode "^sda$"\n}\n'


@pytest.mark.parametrize(
    ("text", "severity"),
    [(OPEN_AT_END, "warning"), (OPEN_IN_MIDDLE, "error"), (DEVICE_OPEN, "error")],
    ids=["end", "mid", "device"],
)
def test_section_open_at_the_end_is_only_a_warning(
    tmp_path: Path, text: str, severity: str
) -> None:
    """multipath-tools reads to the end and closes what is open (0.9.4 parser.c
    process_stream: ``condlog(1, "missing '%s' at end of %s")``, ``r`` unchanged;
    ``multipath -t`` shows the blacklist kept). A '}' missing earlier puts the next
    section inside the open one: "line 4, invalid keyword in the defaults section:
    blacklist", and the blacklist is lost (likewise "line 4, invalid keyword in the
    device section: devnode")."""
    path = tmp_path / "multipath.conf"
    path.write_text(text)
    found = [f for f in lint.run([str(path)]).findings if f.code == "XC001"]
    assert [(f.line, f.severity) for f in found] == [(4 if severity == "warning" else 1, severity)]
    if severity == "warning":
        assert "missing '}' at end of" in found[0].message


def test_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "multipath" / "valid" / "two-nodes.conf")
    assert isinstance(doc, MultipathDocument) and doc.format == "multipath"
    assert doc.defaults["path_selector"] == "round-robin 0"
    assert [(m.wwid, m.alias) for m in doc.multipaths] == [
        ("3600508b40010464900007000000c0000", "vm-web"),
        ("3600508b4001046490000700000360000", "vm-db"),
    ]
    kinds = [(r.kind, r.value, r.vendor) for r in doc.blacklist]
    assert kinds[0] == ("devnode", "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*", None)
    assert kinds[2] == ("device", None, "COMPAQ  ")
    assert doc.blacklist_exceptions[0].value == "3600508b4001046490000700000360000"
    assert doc.multipath("vm-db").wwid == "3600508b4001046490000700000360000"  # type: ignore[union-attr]
    assert list(doc.keyword_problems()) == []


def test_deprecated_and_unknown_keywords_are_kept_and_marked(tmp_path: Path) -> None:
    doc = xencfg.loads(
        'defaults {\n\tdefault_selector "round-robin 0"\n\tpolling_intervall 5\n'
        "\tauto_resize grow_on\n\tzzz 1\n}\n"
        "multipaths {\n\tmultipath {\n\t\twwid 1\n\t\tpath_checker tur\n\t}\n}\n",
        "multipath",
    )
    problems = [(n.key, kind, repl) for n, kind, repl in doc.keyword_problems()]
    assert problems == [
        ("default_selector", "deprecated", "path_selector"),
        ("polling_intervall", "unknown", "polling_interval"),
        ("auto_resize", "newer", "multipath-tools 0.9.7 and later"),
        ("zzz", "unknown", None),
        # a path setting: not per multipath in 0.9.4
        ("path_checker", "misplaced", "defaults, device, overrides"),
    ]
    # a typo of an old spelling gets that spelling (and XC004 once it is fixed)
    old = xencfg.loads("devices {\n\tdevice {\n\t\tprior_callout x\n\t}\n}\n", "multipath")
    assert [(n.key, s) for n, _, s in old.keyword_problems()] == [("prior_callout", "prio_callout")]
    (tmp_path / "multipath.conf").write_text(doc.dumps())
    found = lint.run([str(tmp_path / "multipath.conf")], select=["XC003"]).findings
    assert [(f.line, f.message) for f in found if "path_checker" in f.message] == [
        (10, "keyword 'path_checker' is not read here, only in: defaults, device, overrides")
    ]


def test_edit_alias_changes_one_line() -> None:
    doc = xencfg.load(FIXTURES / "multipath" / "valid" / "two-nodes.conf")
    mp = doc.multipaths[1]
    node = mp.block.entry("alias")
    diff = check_one_edit(doc, node, lambda: setattr(mp, "alias", "vm-database"))
    assert diff[1].strip() == "+ \t\talias\tvm-database".strip()


def test_edit_keeps_quotes_and_inline_comment() -> None:
    doc = xencfg.load(FIXTURES / "multipath" / "valid" / "two-nodes.conf")
    sec = doc.section("defaults")
    check_one_edit(doc, sec.entry("polling_interval"), lambda: sec.set("polling_interval", "10"))
    assert "\tpolling_interval\t10    # seconds\n" in xencfg.dumps(doc)
    check_one_edit(
        doc, sec.entry("path_selector"), lambda: sec.set("path_selector", "service-time 0")
    )
    assert '\tpath_selector\t\t"service-time 0"\n' in xencfg.dumps(doc)


def test_add_and_remove_multipath() -> None:
    path = FIXTURES / "multipath" / "valid" / "two-nodes.conf"
    doc = xencfg.load(path)
    doc.add_multipath("3600aaa", "vm-mail")
    doc.remove_multipath("vm-web")
    text = xencfg.dumps(doc)
    assert "vm-web" not in text and "3600508b40010464900007000000c0000" not in text
    assert "\tmultipath {\n\t\twwid 3600aaa\n\t\talias vm-mail\n\t}\n" in text
    again = xencfg.loads(text, "multipath")
    assert [m.alias for m in again.multipaths] == ["vm-db", "vm-mail"]
    # everything outside the multipaths section is untouched
    original = read(path)
    assert text.split("multipaths {")[0] == original.split("multipaths {")[0]


def test_model_from_scratch_renders_conventionally() -> None:
    doc = MultipathDocument()
    doc.section("defaults", create=True).set("user_friendly_names", "yes")
    doc.add_multipath("3600bbb", "data")
    assert xencfg.dumps(doc) == (
        "defaults {\n\tuser_friendly_names yes\n}\n"
        "multipaths {\n\tmultipath {\n\t\twwid 3600bbb\n\t\talias data\n\t}\n}\n"
    )


def test_crlf_and_missing_newline_round_trip() -> None:
    path = FIXTURES / "multipath" / "valid" / "crlf-no-final-newline.conf"
    doc = check_byte_exact(path, "multipath")
    assert doc.defaults == {"polling_interval": "10"}
    assert doc.blacklist[0].value == "x y"


def test_non_utf8_bytes_round_trip(tmp_path: Path) -> None:
    raw = b"# caf\xe9 \xff\xfe\ndefaults {\n\tpolling_interval 5 # \x80\n}\n"
    f = tmp_path / "multipath.conf"
    f.write_bytes(raw)
    doc = xencfg.load(f)
    out = tmp_path / "out.conf"
    xencfg.dump(doc, out)
    assert out.read_bytes() == raw


# -- properties -------------------------------------------------------------

_word = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
_value = st.one_of(
    st.from_regex(r"[A-Za-z0-9_./^$|()*+-]{1,16}", fullmatch=True),
    st.text(alphabet="abc xyz-0123456789^$[]()!#", min_size=0, max_size=12),
)


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    return Entry(draw(_word), draw(st.lists(_value, max_size=3)))


@st.composite
def _blocks(draw: st.DrawFn, depth: int = 0) -> Block:
    kids = draw(
        st.lists(
            _entries() if depth >= 2 else st.one_of(_entries(), _blocks(depth + 1)), max_size=4
        )
    )
    return Block(draw(_word), children=kids)


@given(st.lists(st.one_of(_entries(), _blocks()), max_size=6))
def test_generated_models_render_and_reparse_equal(children: list) -> None:
    doc = MultipathDocument(children)
    text = xencfg.dumps(doc)
    assert xencfg.loads(text, "multipath") == doc


@pytest.mark.parametrize("path", OWN + PARSEABLE[:8], ids=ids(OWN + PARSEABLE[:8]))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = read(path)
    mutated = mutate(data, text, '{}"#!\n \t\r\x00\ufeffab', 4, 3)
    doc = loads_or_refused(mutated, "multipath")
    if doc is None:
        return
    canonical(doc)


#: MP010: sections multipath drops whole (0.9.4 config.c merge_mptable and
#: factorize_hwtable; multipath -t: "multipaths config section missing wwid",
#: "device config in ... missing vendor or product parameter").
DROPPED = (
    "multipaths {\n\tmultipath {\n\t\talias vm-data\n\t}\n}\n"
    'devices {\n\tdevice {\n\t\tvendor "IET"\n\t\tpath_checker tur\n\t}\n}\n'
)
KEPT = (
    "multipaths {\n\tmultipath {\n\t\twwid 3600a0b80001\n\t\talias vm-data\n\t}\n}\n"
    'devices {\n\tdevice {\n\t\tvendor "IET"\n\t\tproduct ".*"\n\t\tpath_checker tur\n\t}\n}\n'
)


def test_sections_multipath_drops_are_errors(tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.conf", tmp_path / "good.conf"
    bad.write_text(DROPPED)
    good.write_text(KEPT)
    found = [(f.line, f.severity) for f in lint.run([str(bad)], select=["MP010"]).findings]
    assert found == [(2, "error"), (7, "error")]
    assert lint.run([str(good)], select=["MP010"]).findings == []


def test_unknown_section_inside_a_section_drops_the_rest(tmp_path: Path) -> None:
    """multipath -t on 'blacklist { DEVICE { vendor "HP" } devnode "^sda$" }': "line 2,
    invalid keyword in the blacklist section: DEVICE", then "line 5, invalid keyword:
    devnode" and "unmatched '}' at line 6": DEVICE's '}' ended the blacklist."""
    bad = tmp_path / "bad.conf"
    bad.write_text('blacklist {\n\tDEVICE {\n\t\tvendor "HP"\n\t}\n\tdevnode "^sda$"\n}\n')
    good = tmp_path / "good.conf"
    good.write_text('blacklist {\n\tdevice {\n\t\tvendor "HP"\n\t}\n\tdevnode "^sda$"\n}\n')
    found = [(f.line, f.severity) for f in lint.run([str(bad)], select=["MP010"]).findings]
    assert found == [(2, "error")]
    assert lint.run([str(good)], select=["MP010"]).findings == []


def test_keyword_without_value_is_ignored() -> None:
    """parser.c set_value: "missing value for option 'enable_foreign' on line 2"
    (multipath -t), and the line has no effect."""
    doc = xencfg.loads("defaults {\n\tenable_foreign\n\tpolling_interval 5\n}\n", "multipath")
    assert [m for _, m in doc.value_problems()] == [
        "missing value for enable_foreign: multipath ignores the line"
    ]


def test_star_regex_says_what_each_build_does(tmp_path: Path) -> None:
    """'wwid "*"' (RHEL's DM Multipath guide, anaconda): multipath -t 0.9.4 says
    "parsing failed" and drops it; Red Hat's device-mapper-multipath patch "RH: warn
    on invalid regex instead of failing" reads it as ".*". '.*' works everywhere."""
    bad = tmp_path / "bad.conf"
    bad.write_text('blacklist {\n\twwid "*"\n}\n')
    [finding] = lint.run([str(bad)], select=["MP001"]).findings
    assert "only Red Hat's build reads it as '.*'" in finding.message
    good = tmp_path / "good.conf"
    good.write_text('blacklist {\n\twwid ".*"\n}\n')
    assert lint.run([str(good)], select=["MP001"]).findings == []
