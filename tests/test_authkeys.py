"""authkeys: round trips, secrets kept out of sight, file mode, errors, properties."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.authkeys import MASK, AuthkeysDocument, KeyLine, is_weak_key
from xencfg.syntax.blocks import Entry

VALID = sorted((FIXTURES / "authkeys" / "valid").iterdir())
CORPUS = shared_files("corpus", "authkeys")
SEEDS = shared_files("seed-examples", pattern="authkeys")
ALL = VALID + CORPUS + SEEDS
S001 = "seed-examples/s001-drbd-heartbeat/xen1/etc/heartbeat/authkeys"
S002 = "seed-examples/s002-sles-hasi/host1/etc/ha.d/authkeys"
SECRET = "f00dfacecafebeef0123456789abcdef"


FILE_TESTS = file_tests("authkeys", ALL, new="7")
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_shared_files_present() -> None:
    shared_path("corpus", "authkeys")
    assert len(CORPUS) >= 5 and len(SEEDS) == 4


def test_typed_model_rotation() -> None:
    doc = xencfg.load(FIXTURES / "authkeys" / "valid" / "rotation.keys", "authkeys")
    assert isinstance(doc, AuthkeysDocument) and doc.format == "authkeys"
    assert doc.selected == 2
    assert sorted(doc.methods) == [1, 2]
    assert doc.active is not None
    assert (doc.active.index, doc.active.method, doc.active.secret) == (2, "sha1", SECRET)
    assert not doc.uses_crc
    assert [m for _, m in doc.problems() if "mode" not in m] == []


def test_crc_is_reported() -> None:
    doc = xencfg.load(FIXTURES / "authkeys" / "valid" / "crc-crlf.keys", "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    assert doc.active is not None and doc.active.method == "crc" and doc.active.secret is None
    assert doc.uses_crc
    assert any("crc gives no authentication" in m for _, m in doc.problems())


def test_secrets_never_in_repr_or_default_dict() -> None:
    doc = xencfg.load(FIXTURES / "authkeys" / "valid" / "rotation.keys", "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    for text in (repr(doc), str(doc), repr(doc.children), repr(doc.active), repr(doc.methods)):
        assert SECRET not in text
        assert "0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e" not in text
    d = doc.to_dict()
    assert SECRET not in str(d)
    assert d["active"] == {"index": 2, "method": "sha1", "key": MASK}
    assert d["methods"]["1"]["key"] == MASK
    shown = doc.to_dict(show_secrets=True)
    assert shown["active"]["key"] == SECRET


def test_parse_error_snippet_masks_the_key() -> None:
    path = FIXTURES / "authkeys" / "invalid" / "index-not-a-number.keys"
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "authkeys")
    assert "hiddensecretvalue0001" not in str(info.value)
    assert "*********************" in info.value.snippet
    assert (info.value.line, info.value.column) == (1, 1)


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("auth-without-index.keys", 1, 5, "needs the method-id"),
        ("auth-not-a-number.keys", 1, 6, "must be a number"),
        ("sha1-without-key.keys", 3, 7, "auth method [sha1] requires a key"),
        ("index-not-a-number.keys", 1, 1, "expected 'auth' or a method-id number"),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / "authkeys" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "authkeys")
    assert (info.value.line, info.value.column) == (line, col)
    assert info.value.path == str(path)
    assert words in info.value.message
    assert "^" in info.value.snippet


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [("frob sha1 k\n", 1, 1), ("auth 1\n1\n", 2, 2), ("1 md5\n", 1, 6)],
)
def test_more_structural_errors(text: str, line: int, col: int) -> None:
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "authkeys")
    assert (info.value.line, info.value.column) == (line, col)


def test_words_after_auth_number_are_skipped_not_a_syntax_error() -> None:
    # heartbeat 3.0.6 auth.c parse_authfile: sscanf(bp, "auth %d", &authnum) reads the
    # number and skips the rest; peer-heartbeat starts with "auth 1 2" (the former
    # XC001 "'auth' takes one method-id" was a false error; tests/test_heartbeat_peer.py
    # words-after-auth checks the daemon). Lint warns (XC005, harmless).
    doc = xencfg.loads("auth 1 2\n1 sha1 " + SECRET + "\n", "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    assert doc.selected == 1 and doc.active is not None
    [p] = doc.value_problems()
    assert p.harmless and "heartbeat reads 'auth 1' and skips '2'" in p.message
    clean = xencfg.loads("auth 1\n1 sha1 " + SECRET + "\n", "authkeys")
    assert list(clean.value_problems()) == []  # type: ignore[attr-defined]


def test_semantic_problems_are_not_parse_errors() -> None:
    doc = xencfg.loads("auth 2\n1 sha3 abcdefabcdefabcdefabcdef\n16 md5 short\n", "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    msgs = [m for _, m in doc.problems()]
    assert any("invalid authtype [sha3]" in m for m in msgs)
    assert any("invalid authnum [16]" in m for m in msgs)
    assert any("weak or placeholder key" in m for m in msgs)
    assert any("auth key [2] not found" in m for m in msgs)
    assert doc.active is None


@pytest.mark.parametrize(
    ("key", "weak"),
    [
        ("SomeLongStringWithRandomChars", True),
        ("7769bf61f294d7bb91dd3583198d2e16acd8cd76", True),  # sha1("yoursecretpassword\n")
        ("superstrongpassword", True),
        ("short", True),
        ("", True),
        (SECRET, False),
        ("p3q4unfwiu4enfwoiufesi", False),
    ],
)
def test_is_weak_key(key: str, weak: bool) -> None:
    assert is_weak_key(key) is weak


@pytest.mark.parametrize("seed", [S001, S002])
def test_seed_keys_are_weak(seed: str) -> None:
    doc = xencfg.load(shared_path(*seed.split("/")), "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    assert doc.active is not None and doc.active.method == "sha1"
    assert is_weak_key(doc.active.secret)
    assert any("weak or placeholder" in m for _, m in doc.problems())


def test_mode_is_loaded_checked_and_kept_by_dump(tmp_path: Path) -> None:
    f = tmp_path / "authkeys"
    f.write_text(read(FIXTURES / "authkeys" / "valid" / "rotation.keys"))
    os.chmod(f, 0o600)
    doc = xencfg.load(f)
    assert isinstance(doc, AuthkeysDocument)
    assert doc.mode == 0o600 and doc.mode_ok
    doc.selected = 1
    xencfg.dump(doc)
    assert os.stat(f).st_mode & 0o7777 == 0o600
    assert f.read_text().startswith("auth 1\n# rotate")
    # a new file written from a loaded document gets the document's mode
    copy = tmp_path / "authkeys.new"
    xencfg.dump(doc, copy)
    assert os.stat(copy).st_mode & 0o7777 == 0o600


def test_wrong_mode_is_a_problem(tmp_path: Path) -> None:
    f = tmp_path / "authkeys"
    f.write_text("auth 1\n1 sha1 " + SECRET + "\n")
    os.chmod(f, 0o644)
    doc = xencfg.load(f)
    assert isinstance(doc, AuthkeysDocument)
    assert doc.mode_ok is False
    assert any("mode 0644" in m for _, m in doc.problems())
    assert doc.to_dict()["mode"] == "0644"


def test_set_key_edits_one_line() -> None:
    doc = xencfg.load(FIXTURES / "authkeys" / "valid" / "rotation.keys", "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    doc.set_key(2, "sha1", "0123456789abcdef0123456789abcdef")
    text = xencfg.dumps(doc)
    assert "2 sha1 0123456789abcdef0123456789abcdef   # new\n" in text
    assert text.count("\n") == read(FIXTURES / "authkeys" / "valid" / "rotation.keys").count("\n")


def test_model_from_scratch() -> None:
    doc = AuthkeysDocument()
    doc.selected = 1
    doc.set_key(1, "sha1", SECRET)
    assert xencfg.dumps(doc) == f"auth 1\n1 sha1 {SECRET}\n"
    again = xencfg.loads(xencfg.dumps(doc), "authkeys")
    assert again == doc
    assert isinstance(again.children[1], KeyLine)


# -- properties -------------------------------------------------------------

_key = st.from_regex(r"[A-Za-z0-9!@$%^&*+/=]{1,40}", fullmatch=True)


@st.composite
def _docs(draw: st.DrawFn) -> AuthkeysDocument:
    children: list[Entry] = [Entry("auth", [str(draw(st.integers(1, 15)))])]
    for i in draw(st.lists(st.integers(1, 15), max_size=4, unique=True)):
        method = draw(st.sampled_from(["crc", "md5", "sha1"]))
        vals = [method] if method == "crc" else [method, draw(_key)]
        children.append(KeyLine(str(i), vals))
    return AuthkeysDocument(list(children))


@given(_docs())
def test_generated_models_render_and_reparse_equal(doc: AuthkeysDocument) -> None:
    again = xencfg.loads(xencfg.dumps(doc), "authkeys")
    assert again == doc
    assert again.to_dict() == doc.to_dict()


MUTATE = VALID + CORPUS[:3] + SEEDS[:2]


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = mutated(data, read(path), "#\n \t\r\x00auth1sh")
    check_mutation(text, "authkeys")


@pytest.mark.parametrize(
    ("text", "problem", "usable"),
    [
        # all checked against heartbeat 3.0.6 (tests/test_heartbeat_peer.py)
        ("1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e\nauth 1\n", "comes before 'auth'", False),
        ("auth 1\n1 crc extra\n", "crc takes no key", False),
        ("auth 1\n1 SHA1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e\n", "case matters", True),
        ("auth 1\n1 md5 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e more\n", "words after the key", True),
        ("auth 0\n0 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e\n", None, True),
    ],
)
def test_what_heartbeat_skips_or_refuses(text: str, problem: str | None, usable: bool) -> None:
    doc = xencfg.loads(text, "authkeys")
    assert isinstance(doc, AuthkeysDocument)
    msgs = [m for _, m in doc.problems()]
    if problem is None:
        assert msgs == []
    else:
        assert any(problem in m for m in msgs), msgs
    assert (doc.active is not None) is usable
