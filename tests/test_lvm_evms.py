"""lvm.conf and evms.conf: one language (shared grammar), two typed models."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, SHARED, ids, shared_files, shared_path
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
from xencfg.formats.lvmlike._base import Setting, unquote
from xencfg.formats.lvmlike.evms import EvmsDocument
from xencfg.formats.lvmlike.lvm import FilterRule, LvmDocument, parse_filter
from xencfg.syntax.blocks import Block

LVM_OWN = sorted((FIXTURES / "lvm" / "valid").iterdir())
EVMS_OWN = sorted((FIXTURES / "evms" / "valid").iterdir())
LVM_SEEDS = shared_files("seed-examples", pattern="lvm.conf")
EVMS_SEEDS = shared_files("seed-examples", pattern="evms.conf")
CASES = [(p, "lvm") for p in LVM_OWN + LVM_SEEDS] + [(p, "evms") for p in EVMS_OWN + EVMS_SEEDS]
CASE_IDS = [f"{fmt}:{i}" for (_, fmt), i in zip(CASES, ids([p for p, _ in CASES]), strict=True)]


def _need(path: Path) -> None:
    if SHARED in path.parents:
        shared_path()


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=CASE_IDS)
def test_round_trip(path: Path, fmt: str) -> None:
    _need(path)
    doc = check_byte_exact(path, fmt)
    check_canonical(doc, fmt)
    check_tokens(doc, fmt, unquote)
    assert doc.flat()


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=CASE_IDS)
def test_one_value_edit_changes_one_line(path: Path, fmt: str) -> None:
    _need(path)
    doc = xencfg.load(path, fmt)
    _, setting = next((c, s) for c, s in doc.walk_settings() if not s.is_list)
    new = "42" if isinstance(setting.typed_value, int) else "changed"
    diff = check_one_edit(doc, setting, lambda: setattr(setting, "values", [new]))
    assert new in diff[-1]


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=CASE_IDS)
def test_one_list_item_edit_changes_one_line(path: Path, fmt: str) -> None:
    _need(path)
    doc = xencfg.load(path, fmt)
    setting = next(s for _, s in doc.walk_settings() if s.is_list and s.values)
    vals = list(setting.values)
    vals[0] = "sdq*"
    diff = check_one_edit(doc, setting, lambda: setattr(setting, "values", vals))
    assert "sdq*" in diff[-1]


def test_seeds_present_and_typed() -> None:
    shared_path("seed-examples")
    assert len(LVM_SEEDS) == 2 and len(EVMS_SEEDS) == 2
    lvm = xencfg.load(LVM_SEEDS[0])
    assert isinstance(lvm, LvmDocument)
    assert lvm.filter == [FilterRule("r", ".*", "r|.*|")]
    assert lvm.get("devices/write_cache_state") == 1 and lvm.get("devices/scan") == ["/dev"]
    assert not lvm.accepts("/dev/sda")  # the seed hides every device from the host's LVM
    evms = xencfg.load(EVMS_SEEDS[0])
    assert isinstance(evms, EvmsDocument)
    assert evms.pinned_dm_devices() == ["dm-1"]  # the known mistake lint reports
    assert evms.sysfs_exclude == ["iseries!vcd*"]
    assert evms.get("engine/remote_request_timeout") == 12 and evms.engine_mode == "readwrite"


def test_lvm_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "lvm" / "valid" / "clustered.conf", "lvm")
    assert [(r.action, r.regex) for r in doc.filter] == [
        ("a", "^/dev/mapper/mpath.*"),
        ("a", "^/dev/sda[0-9]*$"),
        ("r", ".*"),
    ]
    assert doc.global_filter == [parse_filter("r|/dev/drbd.*|")]
    assert doc.accepts("/dev/mapper/mpath0") and doc.accepts("/dev/sda1")
    assert not doc.accepts("/dev/sdb")
    assert doc.locking_type == 3
    # umask = 077 is octal: libdm-config.c _type reads integers with strtoll(tok, NULL, 0)
    assert doc.global_settings["umask"] == 0o77 and doc.global_settings["max_size"] == 1.5
    assert doc.get("log/level") == -1
    assert doc.get("log/prefix") == '  "lvm" '  # escapes resolved
    assert doc.get("devices/preferred_names") == []
    assert doc.get("tags/tag1/host_list") == ["xen1"]
    assert doc.to_dict()["filter"][2] == {"action": "r", "regex": ".*"}
    assert list(doc.keyword_problems()) == []


def test_bad_filter_rules_are_reported_not_fatal() -> None:
    doc = xencfg.loads('devices {\n\tfilter = [ "x|a|", "a|unclosed", "r|.*|" ]\n}\n', "lvm")
    assert [r.raw for r in doc.filter] == ["r|.*|"]
    msgs = [m for _, m in doc.filter_problems()]
    assert len(msgs) == 2 and "Pattern must begin with 'a' or 'r'" in msgs[0]


def test_set_filter_and_new_sections() -> None:
    doc = xencfg.load(FIXTURES / "lvm" / "valid" / "clustered.conf", "lvm")
    doc.set_filter([("a", "^/dev/mapper/"), ("r", ".*")])
    doc.set("global/use_lvmetad", 0)
    doc.set("backup/retain_days", 30)
    text = xencfg.dumps(doc)
    # the list changed length: re-rendered in place with the file's own indentation
    assert '\n    filter = [ "a|^/dev/mapper/|", "r|.*|" ]\n    global_filter' in text
    assert "backup {\n\tretain_days = 30\n}\n" in text
    again = xencfg.loads(text, "lvm")
    assert again.get("global/use_lvmetad") == 0 and again.get("backup/retain_days") == 30


def test_new_top_level_section_is_not_indented() -> None:
    """Core fix: a document's children sit at column 0 even when the only
    existing one gives no indentation to copy (tree._child_indent)."""
    doc = xencfg.loads("a {\n\tb = 1\n}", "lvm")
    doc.set("c/d", 2)
    assert xencfg.dumps(doc) == "a {\n\tb = 1\n}\nc {\n\td = 2\n}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a {\n\tb = 1\n}\n", "a {\n\tb = 1\n}\nc {\n\td = 2\n}\n"),
        ("a {\n\tb = 1\n} # x\n\n# end\n", "a {\n\tb = 1\n} # x\nc {\n\td = 2\n}\n\n# end\n"),
    ],
)
def test_section_appended_at_end_of_file(text: str, expected: str) -> None:
    """Core fix: the last node owns its line end (tree.attach_trivia), so an
    appended section adds no stray blank line and stays before trailing comments."""
    doc = xencfg.loads(text, "lvm")
    doc.set("c/d", 2)
    assert xencfg.dumps(doc) == expected


def test_from_scratch_styles() -> None:
    lvm = LvmDocument()
    lvm.set("devices/filter", ["a|sd|", "r|.*|"])
    lvm.set("global/locking_type", 3)
    assert xencfg.dumps(lvm) == (
        'devices {\n\tfilter = [ "a|sd|", "r|.*|" ]\n}\nglobal {\n\tlocking_type = 3\n}\n'
    )
    evms = EvmsDocument()
    evms.set("sysfs_devices/include", ["sd*", "hd*"])
    evms.set("engine/mode", "readwrite")
    assert xencfg.dumps(evms) == (
        "sysfs_devices {\n\tinclude = [ sd* hd* ]\n}\nengine {\n\tmode = readwrite\n}\n"
    )


def test_evms_unknown_sections_marked() -> None:
    doc = xencfg.loads("engine {\n\tmode = readwrite\n\tmodes = x\n}\nbogus {\n}\n", "evms")
    assert [getattr(n, "key", None) for n, k, _ in doc.keyword_problems()] == ["modes", "bogus"]
    assert xencfg.load(
        FIXTURES / "evms" / "valid" / "pinned-dm.conf", "evms"
    ).pinned_dm_devices() == [
        "dm-3",
        "dm-4",
    ]


@pytest.mark.parametrize(
    ("fmt", "name", "line", "col", "words"),
    [
        ("lvm", "unclosed-devices.conf", 1, 1, "never closed"),
        ("lvm", "missing-value.conf", 3, 1, "got '}'"),
        ("lvm", "stray-bracket.conf", 2, 22, "got ']'"),
        ("evms", "unclosed-engine.conf", 1, 1, "'engine {' opened here"),
        ("evms", "missing-equals.conf", 2, 7, "expected '='"),
    ],
)
def test_invalid_fixtures_give_located_errors(
    fmt: str, name: str, line: int, col: int, words: str
) -> None:
    path = FIXTURES / fmt / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, fmt)
    assert (info.value.line, info.value.column) == (line, col)
    assert words in info.value.message
    assert str(path) in str(info.value)


def test_detect_by_name_and_content() -> None:
    assert xencfg.detect("/etc/lvm/lvm.conf") == "lvm"
    assert xencfg.detect("/etc/evms.conf") == "evms"


# -- properties -------------------------------------------------------------

_key = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
_val = st.one_of(
    st.integers(-1000, 10**9).map(str),
    st.text(alphabet='abc /|.*^$"\\#,[]{}=-', max_size=10),
)


@st.composite
def _setting(draw: st.DrawFn) -> Setting:
    if draw(st.booleans()):
        return Setting(draw(_key), draw(st.lists(_val, max_size=3)), is_list=True)
    return Setting(draw(_key), [draw(_val)])


@st.composite
def _section(draw: st.DrawFn, depth: int = 0) -> Block:
    inner = _setting() if depth >= 1 else st.one_of(_setting(), _section(depth + 1))
    return Block(draw(_key), children=draw(st.lists(inner, max_size=4)))


@given(st.lists(_section(), max_size=4), st.sampled_from([LvmDocument, EvmsDocument]))
def test_generated_models_render_and_reparse_equal(children: list, cls: type) -> None:
    doc = cls(children)
    text = xencfg.dumps(doc)
    again = xencfg.loads(text, cls.format)
    assert again == doc, text


MUTATE = CASES[:2] + CASES[-3:]


@pytest.mark.parametrize(("path", "fmt"), MUTATE, ids=[f"{f}:{p.name}" for p, f in MUTATE])
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, fmt: str, data: st.DataObject) -> None:
    _need(path)
    text = read(path)
    mutated = mutate(data, text, '{}[]",=#\\\n \t\r\x00\ufeffa1', 4, 3)
    doc = loads_or_refused(mutated, fmt)
    if doc is None:
        return
    canonical(doc)
    doc.to_dict()


def test_non_utf8_bytes_round_trip(tmp_path: Path) -> None:
    raw = b'# caf\xe9\ndevices {\n\tdir = "/dev/\xff"\n\tfilter = [ "r|.*|" ]\n}\n'
    f = tmp_path / "lvm.conf"
    f.write_bytes(raw)
    doc = xencfg.load(f)
    out = tmp_path / "out.conf"
    xencfg.dump(doc, out)
    assert out.read_bytes() == raw


def test_pinned_dm_device_resolves_through_multipath_ll() -> None:
    """What lint needs: the seed's pinned dm-1 is host1's mpath2 (NOTES.md)."""
    evms = xencfg.load(shared_path("seed-examples", "s002-sles-hasi", "host1", "etc", "evms.conf"))
    mpll = xencfg.load(
        shared_path("seed-examples", "s002-sles-hasi", "output", "multipath-ll-host1.txt"),
        "multipath-ll",
    )
    (dm,) = evms.pinned_dm_devices()
    node = evms.setting("sysfs_devices/include")
    assert evms.position(node) == (10, 2)
    m = mpll.map(dm)
    assert m is not None and (m.alias, m.wwid) == ("mpath2", "3600508b4001046490000700000360000")


def test_repeated_names_first_wins_like_libdm() -> None:
    text = (
        "global {\n\tlocking_type = 3\n\tlocking_type = 2\n}\n"
        "global {\n\tlocking_type = 1\n\tumask = 022\n}\n"
    )
    doc = xencfg.loads(text, "lvm")
    assert doc.get("global/locking_type") == 3 and doc.locking_type == 3
    assert doc.flat() == {"global/locking_type": 3}  # the second section is ignored whole
    assert [(p, doc.position(n)[0]) for n, p in doc.duplicates()] == [
        ("global/locking_type", 3),
        ("global", 5),
    ]
    typed = [(d.kind, d.keyword, d.path) for d in doc.duplicates()]
    assert typed == [
        ("duplicate", "locking_type", "global/locking_type"),
        ("duplicate", "global", "global"),
    ]


# -- the fast path (the shared scanner) against Lark: tests/test_fast_paths.py -----------


def test_repeated_lvm_settings_say_which_release_reads_which(tmp_path: Path) -> None:
    """LVM2 2.02 (lib/config/config.c _find_config_node) reads the first of repeated
    names and ignores a repeated section whole ("Ignoring duplicate config node");
    libdm's later parser merges sections and keeps the last value ("Ignoring
    duplicate config value"). lint said nothing: an appended filter went unseen."""
    from xencfg import lint

    bad = tmp_path / "bad" / "lvm.conf"
    bad.parent.mkdir()
    bad.write_text(
        'devices {\n\tfilter = [ "a/.*/" ]\n\tfilter = [ "r/drbd.*/", "a/.*/" ]\n}\n'
        'devices {\n\ttypes = [ "drbd", 16 ]\n}\n'
    )
    found = [(f.line, f.message) for f in lint.run([str(bad)], select=["XC007"]).findings]
    assert [line for line, _ in found] == [3, 5]
    assert "LVM2 2.02 reads the first one" in found[0][1]
    assert "LVM2 2.02 ignores this one whole" in found[1][1]
    good = tmp_path / "good" / "lvm.conf"
    good.parent.mkdir()
    good.write_text('devices {\n\tfilter = [ "r/drbd.*/", "a/.*/" ]\n\ttypes = [ "drbd", 16 ]\n}\n')
    assert lint.run([str(good)], select=["XC007"]).findings == []
