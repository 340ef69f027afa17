"""Light documents (xencfg.syntax.tree.Light): what loads() returns holds no tokens until
something needs them, and then gives exactly what a full parse gives (issue 7: memory).

Every own fixture, corpus and seed file is loaded light and compared with a full parse
of the same text: the same nodes in the same places, the same text back, and the same
positions; edits made before the tokens come back are spliced as on a full tree.
"""

from __future__ import annotations

import copy
import gc
from pathlib import Path

import attrs
import pytest

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from xencfg import formats
from xencfg.api import _parse
from xencfg.document import TreeDocument
from xencfg.syntax.blocks import Block, Entry, light_form, listed, viewed
from xencfg.syntax.source import decode
from xencfg.syntax.tree import Light, NeedsFullTree, Node, Tok, light_of, source_fields, walk

OWN = sorted(p for p in FIXTURES.glob("*/valid/*") if p.is_file())
SHARED_FILES = shared_files("corpus") + shared_files("seed-examples")


def _detected(path: Path) -> tuple[str, str] | None:
    text = decode(path.read_bytes())
    fmt = xencfg.detect(str(path), text)
    return (fmt, text) if fmt is not None else None


def _full(fmt: str, text: str) -> xencfg.Document:
    return _parse(formats.module(fmt), text, None, None)


def _reachable_toks(doc: xencfg.Document, kind: type = Tok) -> int:
    """How many Tok objects (or ``kind`` objects) the document keeps alive (through
    any reference)."""
    seen: set[int] = set()
    stack: list[object] = [doc]
    count = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (str, int, type)):
            continue
        seen.add(id(obj))
        if isinstance(obj, kind):
            count += 1
        if isinstance(obj, Light):
            continue  # its parser closure holds the text, not tokens
        stack.extend(gc.get_referents(obj))
    return count


#: Files whose parse reads tokens, so loads() parses them in full (correct, just not light).
FULL_ON_PURPOSE = {
    # a value that is a DRBD keyword: the glued-statement check reads the line breaks
    "drbdutils__tests_v9_drbdsetup_show_bitmap_unknown.txt",
}


def _check_light(fmt: str, text: str, name: str = "") -> None:
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        return
    full = _full(fmt, text)
    if not isinstance(doc, TreeDocument):  # the CIB, cman, outputs: no syntax tree to lighten
        assert _reachable_toks(doc) == 0
        assert xencfg.dumps(doc) == text
        return
    if name in FULL_ON_PURPOSE:
        assert doc.light is None
        return
    assert doc.light is not None, f"{fmt}: the parse fell back to a full tree"
    assert _reachable_toks(doc) == 0
    ours = list(walk(doc))
    theirs = list(walk(full))
    assert [type(n) for n in ours] == [type(n) for n in theirs]
    assert [n.state() for n in ours] == [n.state() for n in theirs] or fmt == "xend"
    # positions come from the kept offsets, before and after the tokens return
    assert [doc.position(n) for n in ours] == [full.position(n) for n in theirs]
    assert xencfg.dumps(doc) == text
    doc.cst  # noqa: B018 (the first read of a dropped field brings every token back)
    assert doc.light is None and all(n.light is None for n in ours)
    assert xencfg.dumps(doc) == text
    assert [doc.position(n) for n in ours] == [full.position(n) for n in theirs]
    assert [n.snap for n in ours if fmt != "xend"] == [n.snap for n in theirs if fmt != "xend"]


@pytest.mark.parametrize("path", OWN, ids=ids(OWN))
def test_own_fixtures_load_light(path: Path) -> None:
    _check_light(path.parent.parent.name, decode(path.read_bytes()), path.name)


@pytest.mark.parametrize("path", SHARED_FILES, ids=ids(SHARED_FILES))
def test_corpus_and_seed_files_load_light(path: Path) -> None:
    shared_path()
    found = _detected(path)
    if found is None:
        pytest.skip("not a configuration file xencfg reads")
    _check_light(*found, path.name)


def test_every_format_loads_light() -> None:
    light = {p.parent.parent.name for p in OWN}
    assert set(xencfg.FORMATS) <= light


def test_edits_before_the_tokens_return_are_spliced() -> None:
    text = (
        "resource r0 {\n  on alpha {\n    device /dev/drbd0;  # keep me\n"
        "    address 10.0.0.1:7788;\n  }\n}\n"
    )
    doc = xencfg.loads(text, "drbd")
    assert doc.light is not None
    doc.resources["r0"].hosts["alpha"].address.port = 7790  # type: ignore[union-attr]
    assert xencfg.dumps(doc) == text.replace("7788", "7790")


def test_removed_and_added_children_of_a_light_tree() -> None:
    text = "defaults {\n\tpolling_interval 5  # five\n\tfind_multipaths yes\n}\n"
    doc = xencfg.loads(text, "multipath")
    block = doc.children[0]
    block.remove("polling_interval")
    block.set("max_fds", "8192")
    assert xencfg.dumps(doc) == "defaults {\n\tfind_multipaths yes\n\tmax_fds 8192\n}\n"


def test_a_copy_of_a_light_document_is_whole() -> None:
    doc = xencfg.loads("node alpha\nnode beta\n", "hacf")
    clone = copy.deepcopy(doc)
    clone.set("keepalive", "2")
    assert xencfg.dumps(clone) == "node alpha\nnode beta\nkeepalive 2\n"
    assert xencfg.dumps(doc) == "node alpha\nnode beta\n"


def test_a_parser_reading_tokens_falls_back_to_a_full_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    mod = formats.module("hacf")
    real = mod.parse

    def reads_tokens(text: str, path: str | None = None) -> xencfg.Document:
        doc = real(text, path)
        for n in walk(doc):
            if n is not doc:
                n.cst  # noqa: B018 (a read of a dropped field during the parse)
        return doc

    monkeypatch.setattr(mod, "parse", reads_tokens)
    doc = xencfg.loads("node alpha\n", "hacf")
    assert doc.light is None and all(n.cst is not None for n in walk(doc))


def test_reading_a_dropped_field_while_parsing_is_a_signal_not_an_error() -> None:
    light = Light(lambda: xencfg.loads("", "hacf"))
    with pytest.raises(NeedsFullTree):
        light.materialize()
    assert not issubclass(NeedsFullTree, Exception)  # no `except Exception` swallows it


def test_bad_input_gives_the_full_parse_error() -> None:
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads("defaults {\n\tpolling_interval 5\n", "multipath")
    assert info.value.line == 1 and info.value.partial is not None
    partial = info.value.partial
    assert partial.light is None and xencfg.dumps(partial).startswith("defaults {")


def test_source_fields_cover_every_token_field() -> None:
    """A field holding tokens that a light node kept would pin them (and go stale)."""
    from xencfg.formats.lines import shellvars
    from xencfg.formats.xen import domu, xend
    from xencfg.syntax.blocks import Block, Entry

    # a statement's key and value tokens, a section's arguments, are read from its cst
    # (test_token_fields_are_read_from_the_source); every other field is a value
    assert {"cst", "snap"} <= set(source_fields(Entry))
    kept = {f.name for f in attrs.fields(Entry)} - set(source_fields(Entry))
    assert kept == {"key", "_values", "light", "at"}
    assert "key_tok" in source_fields(Block)
    kept = {f.name for f in attrs.fields(Block)} - set(source_fields(Block))
    assert kept == {"key", "_args", "_children", "light", "at"}
    assert {"key_tok", "rhs", "parsed"} <= set(source_fields(domu.Assignment))
    assert {"name_tok", "value_tok"} <= set(source_fields(shellvars.Assignment))
    assert "tok" in source_fields(xend.Atom)
    assert not set(source_fields(Node)) - {"cst", "snap"}


def test_a_loaded_cib_takes_its_edit_states_only_when_first_needed() -> None:
    text = (
        '<cib validate-with="pacemaker-1.0">\n  <configuration>\n    <crm_config/>\n'
        "    <nodes/>\n    <resources>\n"
        '      <primitive id="vm1" class="ocf" provider="heartbeat" type="Xen">\n'
        '        <instance_attributes id="vm1-ia">\n'
        '          <nvpair id="vm1-xmfile" name="xmfile" value="/etc/xen/vm/vm1"/>\n'
        "        </instance_attributes>\n      </primitive>\n    </resources>\n"
        "    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n"
    )
    doc = xencfg.loads(text, "cib")
    vm1 = doc.resource("vm1")
    assert vm1.param("xmfile") == "/etc/xen/vm/vm1"
    assert doc._snapshots is None  # reading (what lint does) needs no spans
    vm1.set_param("xmfile", "/etc/xen/vm/web")
    assert xencfg.dumps(doc) == text.replace('/vm/vm1"', '/vm/web"')


def test_a_light_statement_keeps_one_value_as_its_string_until_read_as_a_list() -> None:
    """A light node holds one value as the string, several as one string joined by a
    newline (a list costs 80 bytes, a tuple 64; issue 22 item 10): ``value`` reads it
    without making a list, ``values`` makes the list once and keeps it, so edits in place
    reach the file."""
    text = "defaults {\n\tpolling_interval 5  # five\n\tuid_attribute ID SERIAL\n}\n"
    doc = xencfg.loads(text, "multipath")
    one, two = doc.children[0].children
    assert isinstance(one, Entry) and isinstance(two, Entry)
    assert one.value == "5" and one.values_view == ("5",)
    assert one._values == "5" and two._values == "ID\nSERIAL"  # no list made yet
    assert two.value == "ID" and two.values_view == ["ID", "SERIAL"]
    assert one == Entry("polling_interval", ["5"]) and two == Entry(
        "uid_attribute", ["ID", "SERIAL"]
    )
    assert repr(one) == "Entry(key='polling_interval', values=['5'])"
    assert one.values is one.values  # made once, then kept
    one.values.append("6")
    two.values[1] = "SHORT"
    assert xencfg.dumps(doc) == text.replace("5 ", "5 6 ").replace("SERIAL", "SHORT")


def test_a_light_section_keeps_its_argument_as_a_string() -> None:
    doc = xencfg.loads("resource r0 {\n\ton alpha { device /dev/drbd0; }\n}\n", "drbd")
    res = doc.children[0]
    assert isinstance(res, Block) and res._args == "r0" and res.args_view == ("r0",)
    res.args[0] = "r1"
    assert xencfg.dumps(doc).startswith("resource r1 {")


def test_equal_keys_and_values_of_a_light_parse_are_one_string() -> None:
    """Repeated keys and values (``meta-disk internal`` on both hosts) share one string
    (Light.memo), rather than one per statement."""
    text = "resource r0 {\n on a { meta-disk internal; }\n on b { meta-disk internal; }\n}\n"
    a, b = (host.children[0] for host in xencfg.loads(text, "drbd").children[0].children)
    assert a.key is b.key and a.value is b.value


@pytest.mark.parametrize(
    "values",
    [[], [""], ["", ""], ["a"], ["a", "b c", "d"], ["a\nb"], ["a\nb", "c"], ["x", "\n"]],
)
def test_a_light_value_list_reads_back_as_it_was(values: list[str]) -> None:
    """Several values held as one string joined by a newline (or a tuple where a value
    holds one) read back as the very list, whatever the values hold. (No scanned
    grammar's value token holds a newline, so only a direct call reaches the tuple.)"""
    held = light_form(values)
    assert listed(held) == values and list(viewed(held)) == values
    assert Entry("k", values) == Entry.light_new("k", held, Light(lambda: Entry("k")), 0)
    assert (type(held) is str) == (values != [] and all("\n" not in v for v in values))


def test_a_light_section_keeps_its_children_as_a_tuple_until_read_as_a_list() -> None:
    """A light section's children are a tuple (64 bytes for two, a list 112; issue 22
    item 10) that tree walks read as it is; ``children`` makes the list once and keeps
    it, so edits in place reach the file."""
    text = "multipaths {\n\tmultipath {\n\t\twwid 3600\n\t\talias a\n\t}\n}\n"
    doc = xencfg.loads(text, "multipath")
    section = doc.children[0]
    inner = section.child_nodes()[0]
    assert isinstance(inner, Block) and type(inner._children) is tuple
    assert [c.key for c in inner.child_nodes()] == ["wwid", "alias"]  # still a tuple
    assert type(inner._children) is tuple
    assert inner == Block("multipath", [], [Entry("wwid", ["3600"]), Entry("alias", ["a"])])
    assert repr(inner) == "Block(key='multipath', args=[], children=<2 nodes>)"
    assert inner.children is inner.children  # made once, then kept
    del inner.children[1]
    assert xencfg.dumps(doc) == text.replace("\t\talias a\n", "")


def test_light_offsets_beyond_one_part_are_each_nodes_own() -> None:
    """Offsets kept in parts of Light.PART nodes: every node of a file of many parts
    (a part's last and the next one's first included) has the position of the full tree."""
    text = "".join(f"resource r{i} {{\n on a {{ device /dev/drbd{i}; }}\n}}\n" for i in range(300))
    doc, full = xencfg.loads(text, "drbd"), _full("drbd", text)
    assert len(list(walk(doc))) > 3 * Light.PART
    assert [n.pos for n in walk(doc)] == [n.pos for n in walk(full)]


def test_token_fields_are_read_from_the_source() -> None:
    """``key_tok``, ``value_toks`` and ``arg_toks`` are the tokens the builder read: the
    key, every value after it (a statement), the arguments before ``{`` (a section);
    on a light node the first read brings the tokens back."""
    text = 'resource "r0" {\n\ton alpha { device /dev/drbd0 minor 0; }  # c\n}\n'
    full = _full("drbd", text)
    res = full.children[0]
    host = res.children[0]
    dev = host.children[0]
    assert isinstance(res, Block) and isinstance(host, Block) and isinstance(dev, Entry)
    assert [t.text for t in res.arg_toks] == ['"r0"'] and res.key_tok.text == "resource"
    assert [t.text for t in host.arg_toks] == ["alpha"]
    assert dev.key_tok is not None and dev.key_tok.text == "device"
    assert [t.text for t in dev.value_toks] == ["/dev/drbd0", "minor", "0"]
    assert Entry("device", ["/dev/drbd0"]).key_tok is None
    assert Entry("device", ["/dev/drbd0"]).value_toks == []
    light = xencfg.loads(text, "drbd")
    assert light.light is not None
    entry = light.children[0].child_nodes()[0].child_nodes()[0]
    assert isinstance(entry, Entry) and [t.pos for t in entry.value_toks] == [
        t.pos for t in dev.value_toks
    ]
    assert light.light is None


OCFS2_TEXT = (
    "cluster:\n\tnode_count = 3\n\tname = pool\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = a  # first\n"
    "\tcluster = pool\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.2\n\tnumber = 1\n\tname = b\n"
    "\tcluster = pool\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.3\n\tnumber = 2\n\tname = c\n"
    "\tcluster = pool\n"
)


def test_deferred_children_are_read_on_first_use_and_whole_after_the_tokens_return() -> None:
    """OCFS2's stanzas and xend's lists keep their children in the text until first read
    (Light.expand): a stanza read, one edited and one never read all render and
    materialize as on a full tree."""
    doc = xencfg.loads(OCFS2_TEXT, "ocfs2")
    light = light_of(doc)  # (a node's ``light`` is its part of the document: LightPart)
    assert light is not None and light.expand is not None
    first, second, third = doc.nodes
    assert first.name == "a  # first"  # read: its attributes are now light nodes
    second.block.remove("ip_port")  # edited before the tokens return
    assert third.block.light is not None  # never read until the tokens return
    assert xencfg.dumps(doc) == OCFS2_TEXT.replace(
        "\tip_port = 7777\n\tip_address = 10.0.0.2", "\tip_address = 10.0.0.2"
    )
    assert doc.light is None and all(n.light is None for n in walk(doc))
    assert _reachable_toks(doc) > 0
    third.ip_port = 7778  # the never-read stanza's attributes are the full parse's
    assert xencfg.dumps(doc).endswith(
        "\tip_port = 7778\n\tip_address = 10.0.0.3\n\tnumber = 2\n\tname = c\n\tcluster = pool\n"
    )
    full = _full("ocfs2", OCFS2_TEXT)
    fresh = xencfg.loads(OCFS2_TEXT, "ocfs2")
    assert _reachable_toks(fresh) == 0
    assert [n.state() for n in walk(fresh)] == [n.state() for n in walk(full)]


def test_deferred_lists_of_xend() -> None:
    text = '(a 1)\n(b (c \'x y\') 2) # note\nword\n(d "q\\"")\n'
    doc = xencfg.loads(text, "xend")
    assert doc.get("b") == [["c", "x y"], "2"]
    doc.set("a", "9")
    assert xencfg.dumps(doc) == text.replace("(a 1)", "(a 9)")
    assert doc.light is None and all(n.light is None for n in walk(doc))
    assert doc.get("d") == 'q"'
    doc.set("d", "r")
    assert xencfg.dumps(doc) == text.replace("(a 1)", "(a 9)").replace('"q\\""', '"r"')


def test_deferred_statements_of_hacf() -> None:
    """ha.cf's light document reads its statements on first use: edits before and after
    that, and the tokens brought back before it, render as on a full tree."""
    text = "keepalive 2  # fast\nnode alpha beta\n\nucast eth0 10.0.0.2\n"
    doc = xencfg.loads(text, "hacf")
    light = light_of(doc)  # (a node's ``light`` is its part of the document: LightPart)
    assert light is not None and light.expand is not None
    assert _reachable_toks(doc) == 0
    assert doc.position(doc) == (1, 1)
    doc.cst  # noqa: B018 (the tokens return before any statement was read)
    assert [n.state() for n in walk(doc)] == [n.state() for n in walk(_full("hacf", text))]
    doc.keepalive = 1
    assert xencfg.dumps(doc) == text.replace("keepalive 2", "keepalive 1")
    doc = xencfg.loads(text, "hacf")
    doc.add_node("gamma")  # read, then edited while light
    assert doc.light is not None
    assert xencfg.dumps(doc) == text.replace("beta\n", "beta\nnode gamma\n")


COROSYNC_TEXT = (
    "# a comment with { and }\ntotem {\n\tversion: 2\n\t# } not a close {\n"
    "\tinterface {\n\t\tlinknumber: 0\n\t}\n\ttoken: 3000 } # ms\n}\n\n"
    "nodelist {\n\tnode {\n\t\tring0_addr: 10.0.0.1\n\t\tname: a\n\t\tnodeid: 1\n\t}\n"
    "\tnode {\n\t\tring0_addr: 10.0.0.2\n\t\tname: b\n\t\tnodeid: 2\n\t}\n"
    "\tnode {\n\t\tring0_addr: 10.0.0.3\n\t\tname: c\n\t\tnodeid: 3\n\t}\n}\n"
    "top: level\n"
)


def test_deferred_sections_of_corosync() -> None:
    """corosync.conf's sections keep their children in the text until first read, a
    level at a time (reading the nodelist makes its node blocks, not their lines): a
    node read, one edited and one never read render and materialize as on a full tree."""
    doc = xencfg.loads(COROSYNC_TEXT, "corosync")
    light = light_of(doc)
    assert light is not None and light.expand is not None
    assert _reachable_toks(doc, Entry) == 1  # top: level
    first, second, third = doc.nodes  # the node blocks, their lines still in the text
    assert _reachable_toks(doc, Entry) == 1
    assert first.name == "a" and first.nodeid == 1  # read: now its lines are light nodes
    assert doc.value("totem.token") == "3000 } # ms"
    assert [(n, v) for n, v, _ in doc.flat()][:3] == [
        ("totem.version", "2"),
        ("totem.interface.linknumber", "0"),
        ("totem.token", "3000 } # ms"),
    ]
    second.block.remove("ring0_addr")  # edited before the tokens return
    assert third.block.light is not None and doc.light is not None
    assert xencfg.dumps(doc) == COROSYNC_TEXT.replace("\t\tring0_addr: 10.0.0.2\n", "")
    assert doc.light is None and all(n.light is None for n in walk(doc))
    doc.nodes[2].block.entry("name").values = ["z"]  # never read: the full parse's lines
    assert xencfg.dumps(doc).endswith("\t\tname: z\n\t\tnodeid: 3\n\t}\n}\ntop: level\n")
    full = _full("corosync", COROSYNC_TEXT)
    fresh = xencfg.loads(COROSYNC_TEXT, "corosync")
    assert _reachable_toks(fresh) == 0
    assert [n.state() for n in walk(fresh)] == [n.state() for n in walk(full)]
    assert [n.pos for n in walk(fresh)] == [n.pos for n in walk(full)]
    crlf = COROSYNC_TEXT.replace("\n", "\r\n")
    fresh = xencfg.loads(crlf, "corosync")
    assert [n.state() for n in walk(fresh)] == [n.state() for n in walk(_full("corosync", crlf))]
    assert xencfg.dumps(fresh) == crlf


@pytest.mark.parametrize(
    ("fmt", "text", "kind", "kept"),
    [
        ("hacf", "keepalive 2\nnode a\nnode b\nucast eth0 10.0.0.2\n", Entry, 0),
        ("ocfs2", OCFS2_TEXT, Entry, 0),
        # the two sections at the top (not the interface, not the nodes), and the line there
        ("corosync", COROSYNC_TEXT, Block, 2),
        ("corosync", COROSYNC_TEXT, Entry, 1),
        # the root, the lists (a 1) and (b ...), the word outside them: not their items
        ("xend", "(a 1)\n(b (c d) 'e')\nloose\n", Node, 4),
    ],
)
def test_a_deferring_load_holds_no_statement_until_read(
    fmt: str, text: str, kind: type, kept: int
) -> None:
    """What makes the load of ha.cf, cluster.conf, xend-config.sxp and corosync.conf a few
    times their size (bench/memory.py): statements and items are not objects until first
    read."""
    doc = xencfg.loads(text, fmt)
    assert _reachable_toks(doc, kind) == kept
    every = list(walk(doc))  # read: now they are
    assert _reachable_toks(doc, kind) == len([n for n in every if isinstance(n, kind)]) > kept
