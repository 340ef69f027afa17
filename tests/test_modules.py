"""/etc/modules and modprobe files: round trips, options, edits, errors, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.modules import ModulesDocument
from xencfg.syntax.blocks import Entry

VALID = sorted((FIXTURES / "modules" / "valid").iterdir())
SEEDS = [
    p
    for p in shared_files("seed-examples")
    if p.name in ("modules", "modprobe.conf.local") or p.parent.name == "modprobe.d"
]
ALL = VALID + SEEDS
S000 = "seed-examples/s000-iscsi-multipath/node1/etc"
S002 = "seed-examples/s002-sles-hasi/host1/etc/modprobe.conf.local"


FILE_TESTS = file_tests("modules", ALL, new="edited=1", has_values=lambda doc: True)
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_shared_files_present() -> None:
    shared_path("seed-examples")
    assert len(SEEDS) == 6


def test_detected_by_name() -> None:
    assert xencfg.detect("/etc/modules") == "modules"
    assert xencfg.detect("/etc/modprobe.d/sbp2") == "modules"
    assert xencfg.detect("/etc/modprobe.conf.local") == "modules"


def test_s000_modules_and_modprobe_seed() -> None:
    mods = xencfg.load(shared_path(*S000.split("/"), "modules"))
    assert isinstance(mods, ModulesDocument) and not mods.is_modprobe
    assert mods.modules == ["sd_mod", "ieee1394", "ohci1394", "sbp2"]
    assert mods.options_for("sbp2") == {"exclusive_login": "0"}
    probe = xencfg.load(shared_path(*S000.split("/"), "modprobe.d", "sbp2"))
    assert isinstance(probe, ModulesDocument) and probe.is_modprobe
    assert probe.options_for("sbp2") == {"exclusive_login": "0", "serialize_io": "1"}
    assert list(probe.keyword_problems()) == []


def test_s002_modprobe_conf_local() -> None:
    doc = xencfg.load(shared_path(*S002.split("/")))
    assert isinstance(doc, ModulesDocument)
    assert doc.options_for("qla2xxx") == {"qlport_down_retry": "1"}
    assert doc.to_dict()["kind"] == "modprobe"


def test_modprobe_fixture_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "modules" / "valid" / "modprobe.conf")
    assert isinstance(doc, ModulesDocument) and doc.is_modprobe
    assert doc.options_for("drbd") == {"minor_count": "64", "usermode_helper": "/sbin/drbdadm"}
    # a backslash continues the line
    assert doc.options_for("loop") == {"max_loop": "64", "max_part": "8"}
    assert doc.aliases == {"eth0": "e1000"}
    assert doc.blacklist == ["ieee1394_old"]
    # `#` after the start of a line is part of the command, not a comment
    assert doc.install["dummy"].endswith("numdummies=2 # not a comment")
    assert doc.remove_commands == {"dummy": "/bin/true"}
    assert doc.softdeps == {"drbd": {"pre": ["crc32c"], "post": ["drbd_transport_tcp"]}}
    assert list(doc.keyword_problems()) == [] and list(doc.value_problems()) == []


def test_dash_and_underscore_are_the_same_module() -> None:
    doc = xencfg.loads("options ib-ipoib send_queue_size=128\n", "modules")
    assert doc.options_for("ib_ipoib") == {"send_queue_size": "128"}  # type: ignore[attr-defined]


def test_quoted_parameter_with_blank() -> None:
    doc = xencfg.loads('options foo names="a b" x\n', "modules")
    assert doc.options_for("foo") == {"names": "a b", "x": None}  # type: ignore[attr-defined]


def test_unknown_command_is_marked_with_suggestion() -> None:
    doc = xencfg.loads("option sbp2 serialize_io=1\nblacklist pcspkr\n", "modules")
    assert [(n.key, k, s) for n, k, s in doc.keyword_problems()] == [  # type: ignore[attr-defined]
        ("option", "unknown", "options")
    ]


def test_value_problems() -> None:
    doc = xencfg.loads("options\nalias eth0\ninstall foo\n", "modules")
    msgs = [(doc.position(n)[0], m) for n, m in doc.value_problems()]  # type: ignore[attr-defined]
    assert [line for line, _ in msgs] == [1, 2, 3]


def test_set_option_edits_one_token() -> None:
    path = FIXTURES / "modules" / "valid" / "modprobe.conf"
    doc = xencfg.load(path)
    assert isinstance(doc, ModulesDocument)
    doc.set_option("sbp2", "serialize_io", "0")
    doc.set_option("drbd", "disable_sendpage", "1")
    doc.set_option("dm_mod", "use_blk_mq", "Y")
    text = xencfg.dumps(doc)
    original = read(path)
    assert "options sbp2 exclusive_login=0 serialize_io=0\n" in text
    assert (
        'options drbd minor_count=64 usermode_helper="/sbin/drbdadm" disable_sendpage=1\n' in text
    )
    assert text.count("\n") == original.count("\n") + 1
    assert xencfg.loads(text, "modules").options_for("dm-mod") == {"use_blk_mq": "Y"}  # type: ignore[attr-defined]


def test_set_option_in_etc_modules() -> None:
    doc = xencfg.load(FIXTURES / "modules" / "valid" / "modules", "modules")
    assert isinstance(doc, ModulesDocument)
    doc.set_option("loop", "max_loop", "64")
    doc.set_option("ohci1394", "phys_dma", "0")
    text = xencfg.dumps(doc)
    assert "ohci1394 phys_dma=0\n" in text and text.endswith("loop max_loop=64")


def test_model_from_scratch() -> None:
    doc = ModulesDocument(kind="modprobe")
    doc.set_option("sbp2", "exclusive_login", "0")
    doc.set_option("sbp2", "serialize_io", "1")
    doc.add("blacklist", "pcspkr")
    assert xencfg.dumps(doc) == "options sbp2 exclusive_login=0 serialize_io=1\nblacklist pcspkr\n"
    assert xencfg.loads(xencfg.dumps(doc), "modules") == doc


def test_continuation_at_eof_is_a_located_error() -> None:
    path = FIXTURES / "modules" / "invalid" / "continuation-at-eof.conf"
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "modules")
    assert (info.value.line, info.value.column) == (2, 26)
    assert info.value.path == str(path)


_word = st.from_regex(r"[A-Za-z0-9_.=/:#,\"-]{1,12}", fullmatch=True).filter(
    lambda w: not w.startswith("#")
)


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    key = draw(st.one_of(st.sampled_from(["options", "alias", "blacklist", "install"]), _word))
    return Entry(key, draw(st.lists(_word, max_size=4)))


@given(st.lists(_entries(), max_size=8))
def test_generated_models_render_and_reparse_equal(children: list[Entry]) -> None:
    doc = ModulesDocument(list(children))
    again = xencfg.loads(xencfg.dumps(doc), "modules")
    assert again == doc
    again.to_dict()


MUTATE = VALID + SEEDS[:3]


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), '#\\\n \t\r\x00="'), "modules")
