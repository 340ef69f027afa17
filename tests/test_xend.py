"""xend-config.sxp: round trips, typed model, duplicates, edits, errors, properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
from xencfg.formats.xen import xend
from xencfg.formats.xen.xend import Atom, SList, XendDocument, unquote

OWN = sorted((FIXTURES / "xend" / "valid").iterdir())
CORPUS = shared_files("corpus", "xend-sxp")
SEEDS = shared_files("seed-examples", pattern="xend-config.sxp")
#: Other xend S-expression files (memory maps, vnet): the generic list model reads them.
OTHER = [p for p in shared_files("corpus", "other") if p.suffix == ".sxp"]
#: libvirt test data with one ')' too many (libvirt's reader stops after the first list).
UNBALANCED = {"libvirt__sexpr2xmldata_sexpr2xml-pv-vfb-new.sexpr": (1, 520)}
S000 = "seed-examples/s000-iscsi-multipath/node1/etc/xen/xend-config.sxp"


@pytest.mark.parametrize(
    "path", OWN + CORPUS + SEEDS + OTHER, ids=ids(OWN + CORPUS + SEEDS + OTHER)
)
def test_round_trip(path: Path) -> None:
    if path not in OWN:
        shared_path()
    if path.name in UNBALANCED:
        with pytest.raises(xencfg.ParseError) as info:
            xencfg.load(path, "xend")
        assert (info.value.line, info.value.column) == UNBALANCED[path.name]
        assert "closes no open list" in info.value.message
        return
    doc = check_byte_exact(path, "xend")
    json.dumps(doc.to_dict())  # what `xencfg parse` prints
    check_canonical(doc, "xend")
    check_tokens(doc, "xend", unquote)
    # one-value edit: the first single-word setting on one line
    for s in doc.children:
        if isinstance(s, SList) and len(s.items) == 2 and isinstance(s.items[1], Atom):
            atom = s.items[1]
            if atom.tok is not None and "\n" not in atom.tok.text:
                check_one_edit(doc, atom, lambda a=atom: setattr(a, "value", a.value + "x"))
                again = xencfg.loads(xencfg.dumps(doc), "xend")
                assert atom.value in [to.items[1].value for to in again.settings_all(s.name)]
                break


def test_shared_corpus_present() -> None:
    shared_path("corpus", "xend-sxp")
    assert len(CORPUS) >= 14 and len(SEEDS) >= 6 and len(OTHER) >= 2
    # not xend-config files: detection does not claim them, an explicit format reads them
    assert all(xencfg.detect(p) is None for p in OTHER)


def test_seed_duplicate_is_visible() -> None:
    doc = xencfg.load(shared_path(*S000.split("/")))
    assert doc.format == "xend"
    assert [s.items[1].value for s in doc.settings_all("xend-relocation-address")] == ["", ""]
    assert list(doc.duplicates()) == ["xend-relocation-address"]
    assert [(n.name, k) for n, k, _ in doc.keyword_problems()] == [
        ("xend-relocation-address", "duplicate")
    ]
    assert doc.relocation_server is True and doc.relocation_port == 8002
    assert doc.relocation_address == "" and doc.relocation_hosts_allow == []
    assert doc.relocation_open_to_all
    assert doc.to_dict()["duplicates"] == ["xend-relocation-address"]


def test_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "xend" / "valid" / "relocation.sxp")
    assert isinstance(doc, XendDocument)
    assert doc.relocation_server is True and doc.relocation_port == 8002
    # repeated: xend keeps the first one (XendOptions.get_config_value is
    # sxp.child_value; sxp.child returns the first match); every occurrence stays visible
    assert doc.relocation_address == ""
    assert [
        to for to in (s.items[1].value for s in doc.settings_all("xend-relocation-address"))
    ] == ["", "10.0.0.1"]
    assert doc.relocation_hosts_allow == ["^localhost$", "^node[12]\\.example\\.org$"]
    assert not doc.relocation_open_to_all
    assert doc.http_server is False and doc.unix_server is True
    assert doc.xen_api_server == [
        [["9363", "pam", "^localhost$ admin\\.example\\.org$"], ["unix", "none"]]
    ]
    assert doc.network_script == "network-bridge netdev=eth1" and doc.vif_script == "vif-bridge"
    assert (doc.dom0_min_mem, doc.dom0_cpus, doc.enable_dom0_ballooning) == (256, 0, False)
    assert (doc.vnc_listen, doc.console_limit) == ("127.0.0.1", 1024)
    assert doc.vncpasswd == "s3cret" and doc.secrets() == ["s3cret"]
    d = doc.to_dict()
    assert d["settings"]["vncpasswd"] == "********"
    assert doc.to_dict(show_secrets=True)["settings"]["vncpasswd"] == "s3cret"
    assert d["settings"]["xend-relocation-port"] == 8002
    problems = [(n.key, k, s) for n, k, s in doc.keyword_problems()]
    assert ("xend-relocation-port-typo", "unknown", "xend-relocation-port") in problems
    assert ("xend-relocation-address", "duplicate", None) in problems


def test_old_options_are_deprecated() -> None:
    path = shared_path("corpus", "xend-sxp", "xen__tools_examples_xend-config.sxp@2005-03")
    doc = xencfg.load(path, "xend")
    kinds = {n.name: k for n, k, _ in doc.keyword_problems()}
    assert kinds["xend-event-port"] == "deprecated" and kinds["console-port-base"] == "deprecated"


def test_corpus_values() -> None:
    doc = xencfg.load(shared_path("corpus", "xend-sxp", "xen__tools_examples_xend-config.sxp"))
    assert doc.relocation_hosts_allow == ["^localhost$", "^localhost\\.localdomain$"]
    assert doc.relocation_server is True
    quirks = xencfg.load(
        shared_path("corpus", "xend-sxp", "xen__tools_examples_xend-pci-quirks.sxp"), "xend"
    )
    tg3 = quirks.setting("tg3")
    assert tg3 is not None and tg3.to_py()[1][0] == "pci_ids"
    assert tg3.to_py()[1][1][0] == "14e4:1644"
    dom = xencfg.load(
        shared_path("corpus", "xend-sxp", "libvirt__sexpr2xmldata_sexpr2xml-pci-devs.sexpr"), "xend"
    )
    assert dom.get("domain")[1] == ["name", "pvtest"]


def test_escapes() -> None:
    doc = xencfg.loads("(a 'it\\'s \\\\ \"x\"' \"q\\\"\\n\" '\\101' '\\.')\n", "xend")
    assert doc.get("a") == ['it\'s \\ "x"', 'q"\n', "A", "\\."]
    again = xencfg.loads(canonical(doc), "xend")
    assert again == doc


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("unclosed.sxp", 2, 1, "never closed"),
        ("stray-paren.sxp", 2, 19, "closes no open list"),
        # xend's sxp.py Parser.state_atom ends a word at '#' and starts a comment, so
        # the ')' is commented out and sxp.parse raises "unexpected EOF" at the end:
        # XendOptions re-raises it and xend does not start.
        ("hash-in-word.sxp", 2, 1, "'#' starts a comment even inside a word"),
    ],
)
def test_invalid_fixtures(name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / "xend" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "xend")
    assert (info.value.line, info.value.column) == (line, col), str(info.value)
    assert words in info.value.message and str(path) in str(info.value)
    assert "^" in info.value.snippet


def test_words_outside_lists_are_read_and_ignored_like_xend() -> None:
    """xend's sxp.py (Parser.state_start) reads a word or string outside any list as a
    value; XendOptions.get_config_value takes only lists (sxp.child_value/elementp). So
    ``; comment`` lines and stray words are accepted and set nothing: no XC001."""
    text = "; xend-config.sxp\n;; see (man xend)\n(xend-http-server yes)\nstray 'words'\n"
    for parse in (xend.parse, xend.parse_lark):
        doc = parse(text)
        assert doc.dumps() == text
        # the parenthesised words of a ";" line are a list to xend too
        assert doc.names == ["man", "xend-http-server"] and doc.get("xend-http-server") == "yes"
    path = FIXTURES / "xend" / "bare-word.sxp"  # the parentheses lost: the port is unset
    doc = xencfg.load(path, "xend")
    assert doc.names == ["xend-relocation-server"] and doc.dumps() == path.read_text()
    # ... which lint says (XC003, a warning: xend starts, with the default port); a
    # comment word is no option and says nothing
    assert [(p.keyword, p.kind) for p in doc.keyword_problems()] == [
        ("xend-relocation-port", "misplaced")
    ]
    # (the "(man xend)" of the ';' line is a list to xend: an unknown option)
    assert [(p.keyword, p.kind) for p in xend.parse(text).keyword_problems()] == [
        ("man", "unknown")
    ]
    # a lone ';' line with an unbalanced quote still fails, as sxp.py's string state does
    with pytest.raises(xencfg.ParseError):
        xend.parse("; don't\n(xend-http-server yes)\n")


def test_hash_inside_a_word_starts_a_comment() -> None:
    """sxp.py Parser.state_atom: '#' ends the word (in_comment_class) and a comment runs
    to the end of the line, so ``a#b`` is the word ``a``; a value with '#' is quoted."""
    doc = xend.parse("(vnc-listen 0.0.0.0#x\n)\n")
    assert doc.get("vnc-listen") == "0.0.0.0" and doc.dumps() == "(vnc-listen 0.0.0.0#x\n)\n"
    doc.set("vncpasswd", "a#b")
    assert "(vncpasswd 'a#b')" in doc.dumps()
    assert xend.parse(doc.dumps()).get("vncpasswd") == "a#b"


def test_the_first_of_repeated_settings_and_items_is_what_xend_reads() -> None:
    """XendOptions.get_config_value(name) is sxp.child_value(config, name): sxp.child
    returns the first ``(name ...)`` list, child_at(kid, 0) its first item. So a repeat
    changes nothing, and unquoted ``^a$ ^b$`` admits only ``^a$``."""
    doc = xend.parse(
        "(xend-relocation-port 8002)\n(xend-relocation-port 9000)\n"
        "(xend-relocation-hosts-allow ^a$ ^b$)\n"
    )
    assert doc.relocation_port == 8002 and doc.relocation_hosts_allow == ["^a$"]
    doc.set("xend-relocation-port", 8003)
    assert doc.dumps().splitlines()[:2] == [
        "(xend-relocation-port 8003)",
        "(xend-relocation-port 9000)",
    ]


def test_separators_end_a_word_as_in_xend() -> None:
    """sxp.py Parser.state_atom ends a word at one of is_separator's ``{}()<>[]!;``
    (begin_atom takes any first character), so an unquoted ``^[a-z]+$`` is three
    words and xend's get_config_value (sxp.child_value: the first item) reads ``^``.
    A value with a separator is quoted when written."""
    text = "(xend-relocation-hosts-allow ^[a-z]+$)\n(xend-relocation-address ;x)\n"
    for parse in (xend.parse, xend.parse_lark):
        doc = parse(text)
        assert doc.dumps() == text
        assert doc.get("xend-relocation-hosts-allow") == ["^", "[a-z", "]+$"]
        assert doc.get("xend-relocation-address") == ";x"
    doc.set("xend-relocation-hosts-allow", "^peer[12]$")
    assert "(xend-relocation-hosts-allow '^peer[12]$')" in doc.dumps()


def test_ten_thousand_deep_is_a_clear_parse_error() -> None:
    text = "(a " * 10000 + ")" * 10000
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "xend")
    assert "nested more than" in info.value.message and info.value.line == 1
    # parentheses inside strings and comments do not count
    ok = "(a '" + "(" * 200 + "')\n# " + "(" * 200 + "\n"
    assert xencfg.loads(ok, "xend").get("a") == "(" * 200


def test_edits_touch_only_their_line() -> None:
    doc = xencfg.load(FIXTURES / "xend" / "valid" / "relocation.sxp")
    port = doc.setting("xend-relocation-port")
    check_one_edit(doc, port, lambda: doc.set("xend-relocation-port", 8003))
    hosts = doc.setting("xend-relocation-hosts-allow")
    check_one_edit(doc, hosts, lambda: doc.set("xend-relocation-hosts-allow", "^node3$"))
    text = xencfg.dumps(doc)
    assert "(xend-relocation-port 8003)\n" in text
    assert "(xend-relocation-hosts-allow '^node3$')\n" in text
    assert "(xend-relocation-server yes)    # needed for live migration\n" in text
    # changing the shape of a value rewrites only that setting
    srv = doc.setting("xend-relocation-server")
    check_one_edit(doc, srv, lambda: doc.set("xend-relocation-server", "yes", "extra"))
    again = xencfg.loads(xencfg.dumps(doc), "xend")
    assert again.relocation_port == 8003 and again.relocation_hosts_allow == ["^node3$"]


def test_add_and_remove() -> None:
    path = FIXTURES / "xend" / "valid" / "relocation.sxp"
    doc = xencfg.load(path)
    doc.set("xend-relocation-ssl-server", "no")
    doc.set("xen-api-server", [[9363, "pam", "^a$"]])
    assert doc.remove("xend-relocation-address") == 2
    text = xencfg.dumps(doc)
    assert text.endswith("(xend-relocation-ssl-server no)\n")
    assert "(xen-api-server ((9363 pam ^a$)))\n" in text
    assert "xend-relocation-address" not in text
    again = xencfg.loads(text, "xend")
    assert again.relocation_ssl_server is False and again.relocation_address is None
    assert read(path).split("(xen-api-server")[0] == text.split("(xen-api-server")[0]


def test_model_from_scratch() -> None:
    doc = XendDocument()
    doc.set("xend-relocation-server", True)
    doc.set("xend-relocation-port", 8002)
    doc.set("xend-relocation-hosts-allow", "^node1$ ^node2$")
    doc.set("xen-api-server", [["unix", "none"]])
    assert xencfg.dumps(doc) == (
        "(xend-relocation-server yes)\n(xend-relocation-port 8002)\n"
        "(xend-relocation-hosts-allow '^node1$ ^node2$')\n(xen-api-server ((unix none)))\n"
    )


def test_sniff() -> None:
    assert xend.sniff("#(xend-relocation-server no)\n")
    assert xend.sniff("(dom0-min-mem 1024)\n")
    assert not xend.sniff("name = 'x'\n")


def test_non_utf8_round_trip(tmp_path: Path) -> None:
    raw = b"# caf\xe9\n(vnc-listen '\xff\xfe')\r\n(dom0-cpus 0) # \x80"
    f = tmp_path / "xend-config.sxp"
    f.write_bytes(raw)
    doc = xencfg.load(f)
    assert doc.dom0_cpus == 0
    out = tmp_path / "out.sxp"
    xencfg.dump(doc, out)
    assert out.read_bytes() == raw


# -- properties ---------------------------------------------------------------------

_word = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
_atom_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)


def _tree(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    return st.recursive(
        _atom_text, lambda inner: st.lists(inner, max_size=3), max_leaves=max_leaves
    )


@given(st.lists(st.tuples(_word, st.lists(_tree(), max_size=3)), max_size=6))
def test_generated_models_reparse_equal(settings: list[tuple[str, list[Any]]]) -> None:
    doc = XendDocument()
    for name, values in settings:
        doc.children.append(SList([Atom(name), *(xend.from_py(v) for v in values)], top=True))
    text = xencfg.dumps(doc)
    assert xencfg.loads(text, "xend") == doc


_MUTANTS = OWN + [p for p in CORPUS if p.name not in UNBALANCED][:6]


@pytest.mark.parametrize("path", _MUTANTS, ids=ids(_MUTANTS))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = read(path)
    mutated = mutate(data, text, "()'\"#\\\n \t\r\x00\ufeffab", 4, 3)
    doc = loads_or_refused(mutated, "xend")
    if doc is None:
        return
    doc.to_dict()
    list(doc.keyword_problems())
    canonical(doc)


def test_xen_api_listeners_and_bad_regexes() -> None:
    doc = xencfg.load(FIXTURES / "xend" / "valid" / "relocation.sxp")
    assert doc.xen_api_listeners == [
        {
            "listener": "9363",
            "auth": "pam",
            "hosts_allow": ["^localhost$", "admin\\.example\\.org$"],
        },
        {"listener": "unix", "auth": "none", "hosts_allow": []},
    ]
    assert doc.bad_host_regexes() == []
    bad = xencfg.loads("(xend-relocation-hosts-allow '^ok$ ^node[12$')\n", "xend")
    assert bad.bad_host_regexes() == ["^node[12$"]
    assert XendDocument().xen_api_listeners == []


def test_byte_order_mark_is_trivia() -> None:
    text = "\ufeff(xend-relocation-server yes)\n"
    doc = xencfg.loads(text, "xend")
    assert xencfg.dumps(doc) == text and doc.relocation_server is True


def test_every_option_of_the_xen_examples_is_known() -> None:
    """The shipped examples mention (mostly commented out) every option xend read."""
    import re

    shared_path("corpus", "xend-sxp")

    names: set[str] = set()
    for p in CORPUS:
        if p.name.startswith("xen__tools_examples_xend-config") or "xend_tests" in p.name:
            names |= set(re.findall(r"^#?\(([a-z][\w-]*)", read(p), re.M))
    assert names and names <= set(xend.OPTIONS) | set(xend.DEPRECATED)


def test_effective_values_use_xend_defaults() -> None:
    doc = xencfg.loads("(xend-relocation-server yes)\n", "xend")
    assert doc.relocation_port is None  # not in the file
    assert doc.effective("xend-relocation-port") == 8002  # what xend listens on
    assert doc.effective("enable-dom0-ballooning") is True
    assert doc.effective("xend-relocation-hosts-allow") == []
    assert doc.relocation_open_to_all  # on, every address, no hosts-allow
    assert doc.effective("logfile") is None
    assert not XendDocument().relocation_open_to_all  # the server is off by default


def test_lines_added_to_crlf_files_end_in_crlf() -> None:
    doc = xencfg.load(FIXTURES / "xend" / "valid" / "crlf-no-final-newline.sxp")
    doc.set("dom0-cpus", 1)
    out = xencfg.dumps(doc)
    assert out.endswith("(dom0-min-mem 196)\r\n(dom0-cpus 1)\r\n")


def test_repeated_values_are_one_string_each() -> None:
    # issue 22 item 10: equal words and quoted values share one string per parse
    text = "(vnc-listen '0.0.0.0')\n(xend-address '0.0.0.0')\n(dom0-cpus 0)\n(dom0-cpus 0)\n"
    doc = xencfg.loads(text, "xend")
    a, b, c, d = doc.children
    assert a.items[1].value == "0.0.0.0" and a.items[1].value is b.items[1].value
    assert c.items[0].value is d.items[0].value and c.items[1].value is d.items[1].value
    assert xencfg.dumps(doc) == text
