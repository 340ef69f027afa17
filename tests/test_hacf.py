"""ha.cf: round trips, typed model, edits, problems, properties."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from lineformats import check_file, check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.hacf import KNOWN, HacfDocument
from xencfg.problems import ValueProblem
from xencfg.syntax.blocks import Entry

OWN = sorted((FIXTURES / "hacf" / "valid").iterdir()) + sorted(
    (FIXTURES / "hacf" / "invalid").iterdir()
)
CORPUS = shared_files("corpus", "hacf")
SEEDS = shared_files("seed-examples", pattern="ha.cf")
ALL = OWN + CORPUS + SEEDS
S001 = "seed-examples/s001-drbd-heartbeat/xen1/etc/heartbeat/ha.cf"
S002 = "seed-examples/s002-sles-hasi/host2/etc/ha.d/ha.cf"


FILE_TESTS = file_tests("hacf", ALL)
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_shared_files_present() -> None:
    shared_path("corpus", "hacf")
    assert len(CORPUS) >= 10 and len(SEEDS) == 4


def test_detected_by_name() -> None:
    assert xencfg.detect("/etc/ha.d/ha.cf") == "hacf"
    doc = xencfg.load(FIXTURES / "hacf" / "valid" / "two-node-full.cf", "hacf")
    assert isinstance(doc, HacfDocument)


def test_typed_model_full_fixture() -> None:
    doc = xencfg.load(FIXTURES / "hacf" / "valid" / "two-node-full.cf", "hacf")
    assert isinstance(doc, HacfDocument)
    assert doc.nodes == ["xen1", "xen2", "xen3"]
    assert doc.keepalive == 0.5 and doc.deadtime == 10.0 and doc.deadping == 20.0
    assert doc.timings == {
        "keepalive": 0.5,
        "deadtime": 10.0,
        "warntime": 5.0,
        "initdead": 60.0,
        "deadping": 20.0,
    }
    assert doc.udpport == 694 and doc.baud == 19200
    kinds = [(m.kind, m.devices) for m in doc.comm_paths]
    assert kinds == [
        ("serial", ("/dev/ttyS0",)),
        ("bcast", ("eth1", "eth2")),
        ("mcast", ("eth0",)),
        ("ucast", ("eth3",)),
    ]
    mcast = doc.comm_paths[2]
    assert mcast.host == ipaddress.ip_address("225.0.0.1")
    assert (mcast.port, mcast.ttl, mcast.loop) == (694, 1, 0)
    # `10.0.0.2# glued comment`: the address ends at the '#'
    assert doc.comm_paths[3].host == ipaddress.ip_address("10.0.0.2")
    assert doc.crm == "respawn" and doc.crm_enabled
    assert doc.auto_failback == "legacy"
    assert doc.use_logd is False and doc.coredumps is True
    assert doc.traditional_compression is False and doc.compression == "bz2"
    assert doc.ping_nodes == ["10.0.0.254"]
    assert doc.ping_groups == {"routers": ["10.0.0.253", "10.0.0.252"]}
    assert [(r.user, r.command) for r in doc.respawn] == [
        ("hacluster", "/usr/lib/heartbeat/ipfail -v")
    ]
    assert doc.apiauth == {"ipfail": {"gid": ["haclient"], "uid": ["hacluster", "root"]}}
    assert doc.stonith == [
        {"host": "*", "type": "baytech", "params": ["10.0.0.3", "mylogin", "mysecretpassword"]}
    ]
    assert doc.watchdog == "/dev/watchdog" and doc.logfacility == "local0"
    assert list(doc.keyword_problems()) == []
    assert list(doc.value_problems()) == []


def test_to_dict_is_json_ready() -> None:
    import json

    doc = xencfg.load(FIXTURES / "hacf" / "valid" / "two-node-full.cf", "hacf")
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["format"] == "hacf"
    assert data["comm_paths"][2] == {
        "kind": "mcast",
        "devices": ["eth0"],
        "host": "225.0.0.1",
        "port": 694,
        "ttl": 1,
        "loop": 0,
    }
    assert data["settings"]["keepalive"] == 0.5


def test_s002_seed_model() -> None:
    doc = xencfg.load(shared_path(*S002.split("/")), "hacf")
    assert isinstance(doc, HacfDocument)
    assert doc.nodes == ["host1", "host2"]
    # `ucast eth0 192.168.1.1# Other member ...`: the comment needs no space
    assert [(m.devices[0], str(m.host)) for m in doc.comm_paths] == [
        ("eth0", "192.168.1.1"),
        ("eth1", "10.0.1.1"),
    ]
    assert doc.crm == "on" and doc.use_logd is True and doc.autojoin == "none"
    assert doc.respawn[0].command == "/sbin/evmsd"
    assert doc.apiauth == {"evms": {"uid": ["hacluster", "root"]}}


def test_s001_nodes_is_unknown_with_suggestion() -> None:
    doc = xencfg.load(shared_path(*S001.split("/")), "hacf")
    assert isinstance(doc, HacfDocument)
    problems = [(n.key, kind, s, doc.position(n)) for n, kind, s in doc.keyword_problems()]
    assert problems == [("nodes", "unknown", "node", (6, 1))]
    assert doc.nodes == []  # heartbeat sees no member either
    assert doc.entry("nodes").values == ["xen-1", "xen-2"]  # type: ignore[union-attr]
    # "no node line" is lint's HB001 now (with the files that do name members)
    assert not any("no node line" in m for _, m in doc.value_problems())


def test_heartbeat_rejects_fixture_problems_are_located() -> None:
    doc = xencfg.load(FIXTURES / "hacf" / "invalid" / "heartbeat-rejects.cf", "hacf")
    assert isinstance(doc, HacfDocument)
    kw = {doc.position(n)[0]: (k, s) for n, k, s in doc.keyword_problems()}
    assert kw == {4: ("unknown", "node"), 5: ("unknown", None)}
    vals = [(doc.position(n)[0], m) for n, m in doc.value_problems()]
    lines = {line for line, _ in vals}
    assert {3, 6} <= lines
    assert any("missing target IP" in m for line, m in vals if line == 3)
    # timings moved to timing_problems() (lint's HB004/HB005), so XC005 does not repeat them
    timing = [(doc.position(n)[0], k, m) for n, k, m in doc.timing_problems()]
    assert [(line, k) for line, k, _ in timing] == [(2, "deadtime")]
    assert "too small compared to keepalive 2s" in timing[0][2]
    typed = [(p.kind, p.harmless, isinstance(p, ValueProblem)) for p in doc.timing_problems()]
    assert typed == [("deadtime", False, True)]
    assert any("'ninety' is not a number" in m for line, m in vals if line == 6)


def test_deprecated_directives() -> None:
    doc = xencfg.loads("nice_failback on\nudp eth0\nnode a\n", "hacf")
    assert isinstance(doc, HacfDocument)
    assert [(n.key, k, s) for n, k, s in doc.keyword_problems()] == [
        ("nice_failback", "deprecated", "auto_failback"),
        ("udp", "deprecated", "bcast"),
    ]


@pytest.mark.parametrize(
    ("raw", "seconds"),
    # heartbeat 3.0.6 (peer-checked): ms/msec/us suffixes, plain seconds; no `s`, no 0
    [
        ("2", 2.0),
        ("1500ms", 1.5),
        ("0.5", 0.5),
        ("500MS", 0.5),
        ("250msec", 0.25),
        ("500us", 0.0005),
        ("20s", None),
        ("0", None),
        ("-1", None),
        ("x", None),
    ],
)
def test_durations(raw: str, seconds: float | None) -> None:
    doc = xencfg.loads(f"keepalive {raw}\n", "hacf")
    assert doc.keepalive == seconds  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("mcast eth0 10.0.0.1 694 1 0", "not a multicast address"),
        ("mcast eth0 225.0.0.1 694", "needs: device group port ttl loop"),
        ("mcast eth0 225.0.0.1 694 0 0", "ttl"),
        ("auto_failback maybe", "not one of legacy or a boolean"),
        ("crm sometimes", "not one of"),
        ("use_logd perhaps", "not a boolean"),
        ("udpport 70000", "not a UDP port"),
        ("stonith_host * null", "needs its parameters"),  # peer-heartbeat: not started
        ("logfacility local9", "not a syslog facility"),
        ("respawn hacluster", "needs a user and a command"),
        ("ping_group g", "needs a group name"),
        ("deadtime", "has no value"),  # peer: starts (an option line with no word is skipped)
        ("apiauth", "needs a value"),  # peer: "Invalid apiauth directive []", not started
        ("deadping 20s", "not a positive time"),
        ("use_logd no", "nowhere to log"),
        ("crm on\npacemaker on", "used more than once"),
    ],
)
def test_value_problems(line: str, problem: str) -> None:
    doc = xencfg.loads(f"node a\n{line}\n", "hacf")
    msgs = [m for n, m in doc.value_problems()]  # type: ignore[attr-defined]
    assert any(problem in m for m in msgs), msgs


def test_edit_timing_keeps_comment_and_spacing() -> None:
    doc = xencfg.load(shared_path(*S002.split("/")), "hacf")
    assert isinstance(doc, HacfDocument)
    before = xencfg.dumps(doc)
    doc.deadtime = 1.5
    after = xencfg.dumps(doc)
    assert "deadtime 1500ms \t\t        # Time to clarify a member host dead\n" in after
    assert (
        len([a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b])
        == 1
    )


def test_add_and_remove_nodes_touch_only_their_lines() -> None:
    doc = xencfg.load(FIXTURES / "hacf" / "valid" / "two-node-full.cf", "hacf")
    assert isinstance(doc, HacfDocument)
    original = xencfg.dumps(doc)
    doc.add_node("xen4")
    doc.remove_node("xen3")
    doc.remove_node("xen1")
    text = xencfg.dumps(doc)
    assert "node\txen2\nnode xen4\nping 10.0.0.254\n" in text
    assert text.replace("node\txen2\nnode xen4\n", "") == original.replace(
        "node\txen1 xen2\nnode xen3\n", ""
    )
    assert xencfg.loads(text, "hacf").nodes == ["xen2", "xen4"]  # type: ignore[attr-defined]


def test_add_ucast_goes_after_last_medium() -> None:
    doc = xencfg.loads("bcast eth0\nnode a\n", "hacf")
    doc.add_ucast("eth1", "10.0.0.9")  # type: ignore[attr-defined]
    assert xencfg.dumps(doc) == "bcast eth0\nucast eth1 10.0.0.9\nnode a\n"


def test_model_from_scratch_renders_conventionally() -> None:
    doc = HacfDocument()
    doc.keepalive = 2
    doc.deadtime = 30
    doc.udpport = 694
    doc.set("bcast", "eth0")
    doc.add_node("xen1")
    doc.add_node("xen2")
    doc.auto_failback = "off"
    doc.set("crm", "on")
    assert xencfg.dumps(doc) == (
        "keepalive 2\ndeadtime 30\nudpport 694\nbcast eth0\nnode xen1\nnode xen2\n"
        "auto_failback off\ncrm on\n"
    )
    again = xencfg.loads(xencfg.dumps(doc), "hacf")
    assert again == doc and again.nodes == ["xen1", "xen2"]  # type: ignore[attr-defined]


def test_value_with_blank_cannot_be_written() -> None:
    """Refused by set() itself (issue 22: at the edit, not later at dumps), the
    document left as it was; a value put on a statement by hand is still refused
    when written."""
    doc = HacfDocument()
    with pytest.raises(xencfg.ValidationError):
        doc.set("logfile", "/var/log/ha log")
    assert xencfg.dumps(doc) == ""
    doc.set("logfile", "/var/log/ha.log")
    entry = doc.entry("logfile")
    assert entry is not None
    entry.values = ["/var/log/ha log"]
    with pytest.raises(xencfg.XencfgError):
        xencfg.dumps(doc)


def test_crlf_tab_and_missing_final_newline() -> None:
    path = FIXTURES / "hacf" / "valid" / "crlf-no-final-newline.cf"
    doc = check_file(path, "hacf")
    assert doc.nodes == ["a", "b"]  # type: ignore[attr-defined]
    doc.deadtime = 40  # type: ignore[attr-defined]
    assert xencfg.dumps(doc) == read(path).replace("deadtime 30\r\n", "deadtime 40\r\n")


def test_non_utf8_round_trip(tmp_path: Path) -> None:
    raw = b"# h\xe9artbeat \xff\nnode a\xe9\nbcast eth0 # \x80\n"
    f = tmp_path / "ha.cf"
    f.write_bytes(raw)
    doc = xencfg.load(f)
    out = tmp_path / "out.cf"
    xencfg.dump(doc, out)
    assert out.read_bytes() == raw


# -- properties -------------------------------------------------------------

_word = st.from_regex(r"[A-Za-z0-9_./:=,*@-]{1,12}", fullmatch=True)


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    key = draw(
        st.one_of(st.sampled_from(sorted(KNOWN)), st.from_regex(r"[a-z_]{1,10}", fullmatch=True))
    )
    return Entry(key, draw(st.lists(_word, max_size=5)))


@given(st.lists(_entries(), max_size=12))
def test_generated_models_render_and_reparse_equal(children: list[Entry]) -> None:
    doc = HacfDocument(list(children))
    text = xencfg.dumps(doc)
    again = xencfg.loads(text, "hacf")
    assert again == doc
    again.to_dict()
    list(again.value_problems())  # type: ignore[attr-defined]


MUTATE = OWN + CORPUS[:4] + SEEDS[:2]


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = mutated(data, read(path), "#\n \t\r\x00\ufeffms.:0")
    check_mutation(text, "hacf")


def test_appending_keeps_last_lines_comment_on_its_line() -> None:
    # core: the tail of the last line belongs to the last node, not to the document
    doc = xencfg.loads("bcast eth0\nnode a   # last member\n\n# end\n", "hacf")
    doc.add_node("b")  # type: ignore[attr-defined]
    assert xencfg.dumps(doc) == "bcast eth0\nnode a   # last member\nnode b\n\n# end\n"
    doc2 = xencfg.loads("node a # no newline", "hacf")
    doc2.add_node("b")  # type: ignore[attr-defined]
    assert xencfg.dumps(doc2) == "node a # no newline\nnode b\n"


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("nodes", "node"),
        ("keepalive2", "keepalive 2"),
        ("logfacilitylocal0", "logfacility local0"),
        ("logfile/var/log/ha-log", "logfile /var/log/ha-log"),
        ("deadtime_ms", "deadtime"),
        ("autofailback", "auto_failback"),
        ("frobnicate", None),
    ],
)
def test_did_you_mean(word: str, suggestion: str | None) -> None:
    doc = xencfg.loads(f"{word}\n", "hacf")
    assert [s for _, _, s in doc.keyword_problems()] == [suggestion]  # type: ignore[attr-defined]


def test_detection_by_content_and_registry() -> None:
    text = read(FIXTURES / "hacf" / "valid" / "two-node-full.cf")
    assert xencfg.detect(None, text) == "hacf"
    assert xencfg.detect("/etc/ha.d/authkeys") == "authkeys"
    assert {"hacf", "authkeys", "logd"} <= set(xencfg.FORMATS)


@pytest.mark.parametrize(
    ("text", "crm", "auto_failback"),
    [
        ("crm yes\nauto_failback true\n", "on", "on"),
        ("pacemaker 0\nauto_failback n\n", "off", "off"),
        ("crm RESPAWN\nauto_failback Legacy\n", "respawn", "legacy"),
        ("pacemaker minimal\ncrm off\n", "minimal", None),  # pacemaker, the newer name, first
        ("node xen1\n", None, None),
    ],
)
def test_switches_read_any_boolean_spelling_or_their_own_word(
    text: str, crm: str | None, auto_failback: str | None
) -> None:
    """heartbeat's crm/pacemaker and auto_failback take cl_str_to_boolean's spellings
    (on/off) or a word of their own (respawn, minimal, legacy)."""
    doc = xencfg.loads(text, "hacf")
    assert (doc.crm, doc.auto_failback) == (crm, auto_failback)
