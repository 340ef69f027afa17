"""The shared pieces of the formats' typed layer: one suggest(), typed problems,
one keyword walker, Setting descriptors on one View base (issue 21)."""

from __future__ import annotations

import pydoc

import pytest

import xencfg
from xencfg.formats.lines.corosync import Totem
from xencfg.formats.lines.hacf import HacfDocument
from xencfg.formats.lines.logd import BOOLS, DEFAULTS, INTS, KNOWN, LogdDocument
from xencfg.formats.lines.ocfs2 import ClusterNode
from xencfg.formats.multipath import Multipath
from xencfg.formats.view import DURATION, INT, Setting, View, settings_of
from xencfg.problems import KeywordProblem, ValueProblem, walk_keywords
from xencfg.suggest import CUTOFF, closest, did_you_mean, suggest
from xencfg.syntax.blocks import Block, Entry


def test_suggest_one_cutoff() -> None:
    assert closest("nodes", ["node", "ping"]) == "node"
    assert closest("debug", ["udpport"]) is None  # below the one cut-off
    assert CUTOFF == 0.75
    # a keyword glued to its value is split back, the line's values following
    assert suggest("logfile/var/log/ha-log", ["logfile"]) == "logfile /var/log/ha-log"
    assert suggest("logfacilitylocal7", ["logfacility"], ["x"]) == "logfacility local7 x"
    # the one wording lint messages end with (XC003, XC009, CB011, multipath values)
    assert did_you_mean("node") == "; did you mean 'node'?"
    assert did_you_mean(None) == "" and did_you_mean("") == ""


def test_problems_are_typed_and_unpack_as_tuples() -> None:
    doc = xencfg.loads("nodes a b\nudp eth0\n", "hacf")
    problems = list(doc.keyword_problems())  # type: ignore[attr-defined]
    assert all(isinstance(p, KeywordProblem) for p in problems)
    assert [(p.keyword, p.kind, p.detail) for p in problems] == [
        ("nodes", "unknown", "node"),
        ("udp", "deprecated", "bcast"),
    ]
    node, kind, detail = problems[0]
    assert (node, kind, detail) == (problems[0].node, "unknown", "node")
    assert problems[1].suggestion == "bcast"
    bad = xencfg.loads("sendqlen many\n", "logd")
    [vp] = bad.value_problems()  # type: ignore[attr-defined]
    assert isinstance(vp, ValueProblem)
    node, message = vp
    assert message == "sendqlen 'many' is read as 0 (ha_logd reads the leading digits)"
    assert node is vp.node


def test_walker_stops_at_an_unknown_section() -> None:
    inner = Block("bogus", children=[Entry("x", ["1"])])
    root = Block("top", children=[Block("defaults", children=[Entry("a", ["1"])]), inner])
    table = {(): {"defaults"}, ("defaults",): {"b"}}
    found = list(walk_keywords(root, lambda ctx, node: table.get(ctx)))
    assert [(p.keyword, p.kind) for p in found] == [("a", "unknown"), ("bogus", "unknown")]


def test_setting_reads_and_writes_through_the_owner() -> None:
    doc = xencfg.loads("keepalive 2\n", "hacf")
    assert isinstance(doc, HacfDocument)
    assert doc.keepalive == 2.0
    doc.keepalive = 1.5
    assert doc.dumps() == "keepalive 1500ms\n"
    assert isinstance(HacfDocument.keepalive, Setting)
    assert HacfDocument.keepalive.type is DURATION
    # the docstring is the property's help
    assert "in seconds" in pydoc.render_doc(HacfDocument, renderer=pydoc.plaintext)


def test_read_only_setting_refuses_a_write() -> None:
    doc = xencfg.loads("sendqlen 512\n", "logd")
    assert isinstance(doc, LogdDocument)
    with pytest.raises(AttributeError):
        doc.sendqlen = 3  # type: ignore[misc]
    assert doc.dumps() == "sendqlen 512\n"


def test_logd_tables_come_from_its_settings() -> None:
    schema = settings_of(LogdDocument)
    assert frozenset(schema) - {"useapphbd"} == KNOWN
    assert {"sendqlen", "recvqlen"} == INTS
    assert {"useapphbd", "syslogmsgfmt"} == BOOLS
    assert DEFAULTS == {
        "logfacility": "daemon",
        "entity": "logd",
        "useapphbd": False,
        "sendqlen": 256,
        "recvqlen": 256,
    }
    assert schema["sendqlen"].type is INT


def test_view_default_and_identity() -> None:
    totem = Totem(Block("totem"))
    assert totem.transport == "knet"  # corosync 3's default when absent
    totem.set("transport", "udpu")
    assert totem.transport == "udpu"
    node = ClusterNode(Block("node", children=[Entry("number", ["x"])]))
    assert node.number is None  # not a number
    node.number = 3
    assert node.get("number") == "3"
    # equal views: same class, equal blocks; a view is not hashable
    a = Multipath(Block("multipath", children=[Entry("wwid", ["1"])]))
    b = Multipath(Block("multipath", children=[Entry("wwid", ["1"])]))
    assert a == b and isinstance(a, View)
    with pytest.raises(TypeError):
        hash(a)


def test_hacf_settings_agree_with_its_kinds() -> None:
    """ha.cf's typed properties and its KINDS table (lint's value checks) state the
    same type for every keyword both name."""
    from xencfg.formats.lines.hacf import KINDS
    from xencfg.formats.view import BOOL, WORD

    expected = {"duration": DURATION, "int": INT, "port": INT, "bool": BOOL}
    schema = settings_of(HacfDocument)
    assert len(schema) == 19
    for key, setting in schema.items():
        assert setting.type is expected.get(KINDS[key], WORD), key
