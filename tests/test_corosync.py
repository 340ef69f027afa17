"""corosync.conf: round trips, typed model, edits, located errors, properties, and
corosync 3.1's own parser (``corosync -c FILE -t``) as the referee."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, corosync_test, ids, shared_files
from roundtrip import (
    canonical,
    check_byte_exact,
    check_canonical,
    check_one_edit,
    check_tokens,
    read,
)
from xencfg.formats.lines.corosync import CorosyncDocument

OWN = sorted((FIXTURES / "corosync" / "valid").iterdir())
#: Upstream files, read in place if the shared corpus gains a corosync folder (none today).
CORPUS = shared_files("corpus", "corosync")
INVALID = sorted((FIXTURES / "corosync" / "invalid").iterdir())


@pytest.mark.parametrize("path", OWN + CORPUS, ids=ids(OWN + CORPUS))
def test_round_trip(path: Path) -> None:
    doc = check_byte_exact(path, "corosync")
    check_canonical(doc, "corosync")
    check_tokens(doc, "corosync")
    assert doc.nodes and all(n.nodeid is not None and n.ring_addrs for n in doc.nodes)


@pytest.mark.parametrize("path", OWN, ids=ids(OWN))
def test_one_value_edit_changes_one_line(path: Path) -> None:
    doc = xencfg.load(path, "corosync")
    node = doc.nodes[-1]
    entry = node.block.entry("ring0_addr")
    diff = check_one_edit(doc, entry, lambda: node.set("ring0_addr", "10.99.0.9"))
    assert "ring0_addr: 10.99.0.9" in diff[-1]


def test_this_machines_packaged_file() -> None:
    """The Debian corosync package's /etc/corosync/corosync.conf (TABs, comment lines
    inside sections, logger_subsys), read in place where installed."""
    path = Path("/etc/corosync/corosync.conf")
    if not path.is_file():
        pytest.skip("no /etc/corosync/corosync.conf here (Debian package corosync)")
    doc = check_byte_exact(path, "corosync")
    check_canonical(doc, "corosync")
    assert doc.totem is not None and doc.logging is not None


def test_detected_by_path_and_content() -> None:
    assert xencfg.detect("/etc/corosync/corosync.conf") == "corosync"
    text = read(FIXTURES / "corosync" / "valid" / "knet-two-node.conf")
    assert xencfg.detect("/tmp/cluster-copy.txt", text) == "corosync"


def test_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "corosync" / "valid" / "knet-two-node.conf", "corosync")
    assert doc.totem is not None and doc.quorum is not None
    assert (doc.totem.cluster_name, doc.totem.transport, doc.totem.token) == (
        "xen-ha",
        "knet",
        5000,
    )
    assert (doc.totem.crypto_cipher, doc.totem.crypto_hash) == ("aes256", "sha256")
    assert [(n.name, n.nodeid, n.ring_addrs) for n in doc.nodes] == [
        ("alpha", 1, {0: "192.168.10.1", 1: "10.0.0.1"}),
        ("beta", 2, {0: "192.168.10.2", 1: "10.0.0.2"}),
    ]
    assert doc.quorum.two_node and doc.quorum.expected_votes is None
    assert doc.node(2) is doc.nodes[1] or doc.node(2).name == "beta"
    assert doc.value("nodelist.node.1.ring1_addr") == "10.0.0.2"
    assert doc.value("logging.logfile") == "/var/log/cluster/corosync.log"
    # token 5000 set; two nodes: no token_coefficient; consensus 1.2 * token
    assert (doc.effective_token(), doc.effective_consensus()) == (5000, 6000)
    d = doc.to_dict()
    assert d["nodelist"]["node"][1]["name"] == "beta"
    assert d["quorum"] == {"provider": "corosync_votequorum", "two_node": "1"}


def test_effective_token_counts_nodes_beyond_two() -> None:
    """corosync.conf(5), token_coefficient: 'real token timeout is then computed as
    token + (number_of_nodes - 2) * token_coefficient' (default 650 ms, token 3000 ms)."""
    doc = xencfg.load(FIXTURES / "corosync" / "valid" / "tabs-ipv6-three-nodes.conf", "corosync")
    assert doc.effective_token() == 3000 + 650
    assert doc.effective_consensus() == int(3650 * 1.2)
    assert doc.nodes[2].ring_addrs == {0: "fd00::3"}  # a value holding ':'


def test_inline_hash_is_part_of_the_value() -> None:
    """coroparse.c skips a line only when its first non-blank character is '#';
    corosync 3.1 then refuses 'token: 3000 # ms' as "expected to be integer"."""
    doc = xencfg.loads("totem {\n\ttoken: 3000 # ms\n}\n", "corosync")
    assert doc.totem is not None
    assert doc.totem.get("token") == "3000 # ms" and doc.totem.token is None


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("comment-after-open.conf", 1, 7, "after opening bracket"),
        ("extra-after-close.conf", 10, 7, "expected end of line"),
        ("extra-close.conf", 4, 1, "got '}'"),
        ("missing-close.conf", 1, 1, "never closed"),
        ("no-colon.conf", 3, 5, "expected"),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / "corosync" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "corosync")
    assert (info.value.line, info.value.column) == (line, col)
    assert words in info.value.message
    assert str(path) in str(info.value)
    assert "^" in info.value.snippet


def test_add_and_remove_node_touch_only_their_lines() -> None:
    path = FIXTURES / "corosync" / "valid" / "knet-two-node.conf"
    doc = xencfg.load(path, "corosync")
    before = xencfg.dumps(doc)
    doc.add_node("gamma", 3, "192.168.10.3", "10.0.0.3")
    text = xencfg.dumps(doc)
    # the new node goes after beta, in the file's own four-space indentation
    assert text == before.replace(
        "        nodeid: 2\n    }\n",
        "        nodeid: 2\n    }\n    node {\n        ring0_addr: 192.168.10.3\n"
        "        ring1_addr: 10.0.0.3\n        name: gamma\n        nodeid: 3\n    }\n",
    )
    again = xencfg.loads(text, "corosync")
    assert [n.name for n in again.nodes] == ["alpha", "beta", "gamma"]
    assert again.remove_node("gamma") and not again.remove_node("nope")
    assert xencfg.dumps(again) == before


def test_setting_a_new_key_and_refusing_unwritable_values() -> None:
    doc = xencfg.load(FIXTURES / "corosync" / "valid" / "knet-two-node.conf", "corosync")
    assert doc.totem is not None
    doc.totem.set("consensus", 6000)
    assert "    token: 5000\n    consensus: 6000\n}" in xencfg.dumps(doc)
    for bad in ("a\nb", "x { y", " lead"):
        with pytest.raises(xencfg.ValidationError):
            doc.totem.set("cluster_name", bad)


def test_new_file_renders_canonically() -> None:
    doc = CorosyncDocument.new(
        {
            "totem": {"version": 2, "cluster_name": "c"},
            "nodelist": {"node": [{"name": "a", "nodeid": 1, "ring0_addr": "10.0.0.1"}]},
            "quorum": {"provider": "corosync_votequorum"},
        }
    )
    assert xencfg.dumps(doc) == (
        "totem {\n\tversion: 2\n\tcluster_name: c\n}\n\n"
        "nodelist {\n\tnode {\n\t\tname: a\n\t\tnodeid: 1\n\t\tring0_addr: 10.0.0.1\n\t}\n}\n\n"
        "quorum {\n\tprovider: corosync_votequorum\n}\n"
    )


_NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
_VALUE = st.from_regex(
    r"[A-Za-z0-9_./:-]([A-Za-z0-9_./: #}-]{0,15}[A-Za-z0-9_./:#}-])?", fullmatch=True
)
_SECTION = st.recursive(
    st.dictionaries(_NAME, _VALUE, max_size=4),
    lambda inner: st.dictionaries(_NAME, st.one_of(_VALUE, inner), max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(_NAME, _SECTION, min_size=1, max_size=4))
def test_model_renders_and_parses_back_equal(sections: dict) -> None:
    doc = CorosyncDocument.new(sections)
    text = xencfg.dumps(doc)
    again = xencfg.loads(text, "corosync")
    assert again == doc
    assert xencfg.dumps(again) == text


@given(st.data())
def test_mutated_files_never_crash(data: st.DataObject) -> None:
    text = read(data.draw(st.sampled_from(OWN)))
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, min(len(text), i + 8)))
    junk = data.draw(st.text(alphabet="{}:#\n\r \tab1", max_size=6))
    mutated = text[:i] + junk + text[j:]
    try:
        doc = xencfg.loads(mutated, "corosync")
    except xencfg.ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    assert xencfg.dumps(doc) == mutated
    xencfg.dumps(xencfg.loads(canonical(doc), "corosync"))


# -- corosync 3.1 itself ------------------------------------------------------


def _parser_error_line(output: str) -> int | None:
    m = re.search(r"parser error: [^:]*:(\d+):", output)
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("path", OWN, ids=ids(OWN))
def test_corosync_parses_what_we_parse(path: Path) -> None:
    """Our valid fixtures pass corosync's parser (coroparse.c); what fails later (no
    key file, host names that do not resolve offline) is not a syntax matter."""
    _, out = corosync_test(path, "10.0.0.1/32")
    assert _parser_error_line(out) is None and "parser error" not in out, out


@pytest.mark.parametrize("path", INVALID, ids=ids(INVALID))
def test_corosync_refuses_what_we_refuse_on_the_same_line(path: Path) -> None:
    ok, out = corosync_test(path, "10.0.0.1/32")
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "corosync")
    assert not ok
    line = _parser_error_line(out)
    if "Missing closing brace" in out:
        # corosync names the file's last line; we name the section left open
        assert line == read(path).count("\n") and "never closed" in info.value.message
    else:
        assert line == info.value.line, out


def test_key_in_the_file_is_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """corosync.conf(5), totem key: 'Shared key stored in configuration instead of
    authkey file': a secret, masked in every output unless asked for."""
    from xencfg.cli import main

    text = "totem {\n\tversion: 2\n\tkey: s3cr3t-cluster-key\n}\n"
    doc = xencfg.loads(text, "corosync")
    assert doc.secrets() == ["s3cr3t-cluster-key"]
    assert doc.to_dict()["totem"]["key"] == "********"
    assert doc.to_dict(show_secrets=True)["totem"]["key"] == "s3cr3t-cluster-key"
    path = tmp_path / "corosync.conf"
    path.write_text(text)
    assert main(["parse", str(path)]) == 0
    assert "s3cr3t" not in capsys.readouterr().out
