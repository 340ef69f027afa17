"""multipath-tools' bindings file (``ALIAS WWID`` lines, user_friendly_names).

Round trips over our fixtures, one-line edits, the typed model as libmultipath/alias.c
reads the file (``lookup_binding``/``rlookup_binding`` up to 0.9.6, ``read_binding``
from 0.9.7: a line is cut at the first ``#``, split on blanks and tabs, an alias
without WWID is ignored, extra words are ignored), located errors, hypothesis
generation and mutation, detection and discovery at both of the daemon's paths.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg import discover
from xencfg.formats.lines.bindings import HEADER, WWID_MAX, BindingsDocument

FMT = "multipath-bindings"


def own() -> list[Path]:
    return sorted((FIXTURES / FMT / "valid").iterdir()) + sorted(
        (FIXTURES / FMT / "invalid").iterdir()
    )


def _parses(p: Path) -> bool:
    try:
        xencfg.load(p, FMT)
    except xencfg.ParseError:
        return False
    return True


FILES = [p for p in own() if _parses(p)]

test_round_trip, test_one_edit = file_tests(FMT, FILES)


def bindings(text: str) -> BindingsDocument:
    doc = xencfg.loads(text, FMT)
    assert isinstance(doc, BindingsDocument)
    return doc


def test_detection_at_both_paths() -> None:
    """/var/lib/multipath/bindings up to 0.4.8, /etc/multipath/bindings from 0.4.9
    (multipath-tools commit 8ee04831 "move bindings file location")."""
    assert xencfg.detect("/etc/multipath/bindings") == FMT
    assert xencfg.detect("/var/lib/multipath/bindings") == FMT
    assert xencfg.detect("/tmp/x", HEADER + "mpatha 3600\n") is None  # not sniffed by content


def test_typed_model_as_alias_c_reads_it() -> None:
    doc = xencfg.load(FIXTURES / FMT / "valid" / "hand-edited-no-final-newline", FMT)
    assert isinstance(doc, BindingsDocument)
    # '#' cuts the line wherever it is (strpbrk(buf, "#\n\r")): the comment is no word
    assert doc.aliases() == {
        "mpatha": "36001405a1b2c3d4e5f60718293a4b5c6",
        "mpathb": "36001405f0e1d2c3b4a5968778695a4b3",
    }
    assert doc.alias_of("36001405f0e1d2c3b4a5968778695a4b3") == "mpathb"
    assert doc.wwid_of("mpathc") is None
    assert list(doc.value_problems()) == []
    old = xencfg.load(FIXTURES / FMT / "valid" / "rhel5-var-lib-mpathN", FMT)
    assert [b.alias for b in old.bindings] == ["mpath0", "mpath1"]  # 0.4.7's "mpath%d"


def test_first_line_wins_and_ignored_lines() -> None:
    """``rlookup_binding`` and ``lookup_binding`` return at the first match; a line
    without WWID is skipped ("Ignoring malformed line"), extra words too."""
    doc = bindings("mpatha 3600A\nmpatha 3600B\nmpathb 3600A\nmpathc\nmpathd 3600D junk\n")
    assert doc.wwid_of("mpatha") == "3600A"
    assert doc.alias_of("3600A") == "mpatha"
    assert [b.alias for b in doc.bindings] == ["mpatha", "mpatha", "mpathb", "mpathd"]
    assert doc.wwid_of("mpathc") is None and doc.wwid_of("mpathd") == "3600D"
    long = bindings("mpathx " + "3" * (WWID_MAX + 1) + "\n")
    assert long.bindings == []


def test_problems_are_located_and_ignored_lines_are_warnings() -> None:
    doc = xencfg.load(FIXTURES / FMT / "invalid" / "malformed-lines", FMT)
    found = list(doc.value_problems())
    assert [m for _, m in found] == [
        "'mpathb' has no WWID: multipathd ignores the line (malformed line)",
        "'mpathc 36001405f0e1d2c3b4a5968778695a4b3' is followed by 'stray': multipathd"
        " ignores the extra words (0.9.7 logs 'extra args')",
    ]
    assert all(p.harmless for p in found)  # the daemon runs: warnings, not errors
    assert [doc.position(p.node)[0] for p in found] == [9, 10]
    slash = bindings("vg/lv 3600A\n")
    (bad,) = slash.value_problems()
    assert not bad.harmless and "check_name" in bad.message


def test_located_parse_error() -> None:
    with pytest.raises(xencfg.ParseError) as err:
        xencfg.load(FIXTURES / FMT / "invalid" / "line-separator", FMT)
    assert (err.value.line, err.value.column) == (8, 41)
    assert str(err.value.path).endswith("line-separator")


def test_add_binding_appends_one_line_as_multipathd_does() -> None:
    doc = bindings(HEADER + "mpatha 3600A   # web\n")
    doc.add_binding("mpathb", "3600B")
    assert xencfg.dumps(doc) == HEADER + "mpatha 3600A   # web\nmpathb 3600B\n"
    assert doc.to_dict() == {
        "format": FMT,
        "bindings": [{"alias": "mpatha", "wwid": "3600A"}, {"alias": "mpathb", "wwid": "3600B"}],
    }
    for alias, wwid in (("mpath c", "3600C"), ("mpathc", "3600#C"), ("", "3600C")):
        with pytest.raises(xencfg.XencfgError):
            doc.add_binding(alias, wwid)  # one word or nothing: the reader has no quoting


def test_discovery_reads_both_paths(tmp_path: Path) -> None:
    for rel in ("etc/multipath/bindings", "var/lib/multipath/bindings"):
        node = tmp_path / rel.split("/")[0] / "n"
        (node / rel).parent.mkdir(parents=True)
        (node / rel).write_text(HEADER + "mpatha 3600A\n")
        (node / "etc").mkdir(exist_ok=True)
        (node / "etc" / "hostname").write_text("n\n")
        found = discover.discover([str(node)])
        assert [f.format for f in found.files() if f.path.name == "bindings"] == [FMT]


ALIAS = st.from_regex(
    re.compile(r"mpath[a-z]{1,3}|mpath[0-9]{1,3}|[a-z][a-z0-9_-]{0,10}"), fullmatch=True
)
WWID = st.from_regex(re.compile(r"3[0-9a-f]{8,32}|1IET_[0-9]{8}"), fullmatch=True)


@given(st.lists(st.tuples(ALIAS, WWID), max_size=6), st.booleans())
def test_generated_model_round_trips(rows: list[tuple[str, str]], header: bool) -> None:
    doc = bindings(HEADER if header else "")
    for alias, wwid in rows:
        doc.add_binding(alias, wwid)
    text = xencfg.dumps(doc)
    again = bindings(text)
    assert [(b.alias, b.wwid) for b in again.bindings] == rows
    assert xencfg.dumps(again) == text


@pytest.mark.parametrize("path", own(), ids=ids(own()))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), " \t\n\r#/\x00é\u2028"), FMT)
