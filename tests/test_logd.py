"""ha_logd.cf / logd.cf: round trips, typed model, glued directives, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.logd import KNOWN, LogdDocument
from xencfg.syntax.blocks import Entry

OWN = sorted((FIXTURES / "logd" / "valid").iterdir()) + sorted(
    (FIXTURES / "logd" / "invalid").iterdir()
)
CORPUS = shared_files("corpus", "other", pattern="*ha_logd.cf*")
SEEDS = shared_files("seed-examples", pattern="ha_logd.cf") + shared_files(
    "seed-examples", pattern="logd.cf"
)
ALL = OWN + CORPUS + SEEDS
S002 = "seed-examples/s002-sles-hasi/host1/etc/ha.d/ha_logd.cf"


FILE_TESTS = file_tests("logd", ALL, has_values=lambda doc: any(e.values for e in doc.entries()))
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_shared_files_present() -> None:
    shared_path("corpus", "other")
    assert len(CORPUS) == 2 and len(SEEDS) >= 2


def test_detected_by_name() -> None:
    assert xencfg.detect("/etc/ha.d/ha_logd.cf") == "logd"
    assert xencfg.detect("/etc/logd.cf") == "logd"


def test_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "logd" / "valid" / "full.cf", "logd")
    assert isinstance(doc, LogdDocument)
    assert doc.logfacility == "daemon" and doc.entity == "logd"
    assert doc.logfile == "/var/log/ha-log" and doc.debugfile == "/var/log/ha-debug"
    assert doc.sendqlen == 512 and doc.recvqlen == 1024 and doc.logmode == 0o640
    assert list(doc.keyword_problems()) == [] and doc.value_problems() == []
    assert doc.to_dict()["settings"]["recvqlen"] == 1024


def test_effective_uses_defaults() -> None:
    doc = xencfg.loads("logfile /var/log/x\n", "logd")
    assert isinstance(doc, LogdDocument)
    eff = doc.effective()
    assert eff["logfacility"] == "daemon" and eff["sendqlen"] == 256
    assert eff["logfile"] == "/var/log/x"


def test_s002_glued_directives_are_unknown_with_split_suggestion() -> None:
    doc = xencfg.load(shared_path(*S002.split("/")), "logd")
    assert isinstance(doc, LogdDocument)
    problems = [(doc.position(n), n.key, k, s) for n, k, s in doc.keyword_problems()]
    assert problems == [
        ((1, 1), "logfacilitylocal7", "unknown", "logfacility local7"),
        ((3, 1), "logfile/var/log/ha-log", "unknown", "logfile /var/log/ha-log"),
    ]
    # what ha_logd really uses: no logfile, no facility from this file
    assert doc.logfacility is None and doc.logfile is None
    assert doc.debugfile == "/var/log/ha-debug"


def test_logd_cf_seed_symlink_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "ha.d" / "ha_logd.cf"
    real.parent.mkdir()
    real.write_text(read(shared_path(*S002.split("/"))))
    link = tmp_path / "logd.cf"
    link.symlink_to("ha.d/ha_logd.cf")
    doc = xencfg.load(link)
    assert isinstance(doc, LogdDocument) and doc.debugfile == "/var/log/ha-debug"
    doc.set("logfacility", "local7")
    xencfg.dump(doc)
    # the link stays a link; its target holds the edit (writer follows symlinks)
    assert link.is_symlink()
    assert real.read_text() == xencfg.dumps(doc)
    assert real.read_text().endswith("logfile/var/log/ha-log \nlogfacility local7\n")


def test_invalid_fixture_problems() -> None:
    doc = xencfg.load(FIXTURES / "logd" / "invalid" / "glued-and-bad.cf", "logd")
    assert isinstance(doc, LogdDocument)
    # ha_logd atoi-s the queue lengths (logd.c set_sendqlen): 'many' runs as 0
    assert [(doc.position(n)[0], m) for n, m in doc.value_problems()] == [
        (4, "sendqlen 'many' is read as 0 (ha_logd reads the leading digits)")
    ]


def test_edit_keeps_trailing_blank() -> None:
    doc = xencfg.load(shared_path(*S002.split("/")), "logd")
    assert isinstance(doc, LogdDocument)
    doc.debugfile = "/var/log/ha-debug.log"
    assert xencfg.dumps(doc).splitlines()[1] == "debugfile /var/log/ha-debug.log "


def test_model_from_scratch() -> None:
    doc = LogdDocument()
    doc.logfacility = "local7"
    doc.logfile = "/var/log/ha-log"
    assert xencfg.dumps(doc) == "logfacility local7\nlogfile /var/log/ha-log\n"
    assert xencfg.loads(xencfg.dumps(doc), "logd") == doc


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    key = draw(
        st.one_of(st.sampled_from(sorted(KNOWN)), st.from_regex(r"[a-z/]{1,12}", fullmatch=True))
    )
    return Entry(
        key, draw(st.lists(st.from_regex(r"[A-Za-z0-9/._-]{1,10}", fullmatch=True), max_size=2))
    )


@given(st.lists(_entries(), max_size=8))
def test_generated_models_render_and_reparse_equal(children: list[Entry]) -> None:
    doc = LogdDocument(list(children))
    again = xencfg.loads(xencfg.dumps(doc), "logd")
    assert again == doc
    again.to_dict()


MUTATE = OWN + CORPUS + SEEDS[:1]


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), "#\n \t\r\x00lo"), "logd")


def test_useapphbd_is_deprecated_but_read() -> None:
    # heartbeat 2.x's logd took it; cluster-glue's ha_logd (heartbeat 3) refuses it
    doc = xencfg.loads("useapphbd yes\nlogmode 0x1\n", "logd")
    assert isinstance(doc, LogdDocument)
    assert doc.useapphbd is True
    assert [(n.key, k) for n, k, _ in doc.keyword_problems()] == [("useapphbd", "deprecated")]
    assert [m for _, m in doc.value_problems()] == ["logmode '0x1' is not an octal mode"]
