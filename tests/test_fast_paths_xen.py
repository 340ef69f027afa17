"""xm's fast path against Python's parser, and the lazy lists of xm and xl.

xl's line scanner is a row of tests/test_fast_paths.py (the one differential harness,
against its Lark grammar). xm's reference is not a grammar but Python's own parser, so
its row lives here, in the same ``(format, fast, reference)`` shape: xm's streaming
reader of ``name = literal`` lines (``_xen.py``, which xl shares) must build exactly the
tree Python's parser (:func:`ast.parse`) gives the same statement, and fail where that
fails, on every own fixture (valid and invalid), corpus and seed file and on fuzzkit's
mutations of them.
"""

from __future__ import annotations

import contextlib
import random
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, SHARED, ids, shared_files, shared_path
from fuzzkit import mutate, seed_files
from xencfg.formats.xen import _base as _xen
from xencfg.formats.xen import domu, xl, xm
from xencfg.syntax.source import decode
from xencfg.syntax.tree import Node, Tok

Fast = Callable[[str], Any]
Reference = Callable[[str, "str | None"], Any]


def _xm_reference(text: str, path: str | None) -> xm.XmDocument:
    """Every statement through Python's parser (the reader off)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as xm.parse does
        return xm._parse(text, path, literals=False)


def _xm_fast(text: str) -> xm.XmDocument | None:
    try:
        return xm.parse(text)
    except xencfg.ParseError:
        return None


#: (format, fast path, reference parse).
FAST: list[tuple[str, Fast, Reference]] = [
    ("xm", _xm_fast, _xm_reference),
]
BY_FORMAT = {fmt: (fast, ref) for fmt, fast, ref in FAST}
CORPUS_DIRS = {"xm": "domu-xm"}


def _files() -> list[tuple[Path, str, bool]]:
    out = [(p, fmt, True) for p, fmt, _ in seed_files() if fmt in BY_FORMAT]
    seen = {(p, fmt) for p, fmt, _ in out}
    for fmt, folder in CORPUS_DIRS.items():
        out += [(p, fmt, True) for p in shared_files("corpus", folder) if (p, fmt) not in seen]
    for fmt in BY_FORMAT:
        bad = FIXTURES / fmt / "invalid"
        out += [(p, fmt, False) for p in sorted(bad.iterdir()) if p.is_file()]
    return out


FILES = _files()


def dump(node: Node) -> tuple[str, dict[str, Any]]:
    """Everything a node holds as plain data (tokens as ``(kind, text, offset)``)."""
    place = {id(c): i for i, c in enumerate(node.child_nodes())}
    fields: dict[str, Any] = {}
    for f in attrs.fields(type(node)):
        if f.name in ("snap", "light", "at", "lazy"):
            continue
        value = getattr(node, f.name)
        if f.name == "cst":
            fields["cst"] = [
                ("node", place[id(p)]) if isinstance(p, Node) and id(p) in place else _plain(p)
                for p in value or ()
            ]
        else:
            fields[f.name] = _plain(value)
    fields["snap"] = _plain(node.snap)
    return type(node).__name__, fields


def _plain(value: Any) -> Any:
    if isinstance(value, Tok):
        return ("tok", value.kind, value.text, value.pos)
    if isinstance(value, Node):
        return dump(value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(v) for v in value])
    return (type(value).__name__, repr(value))


def agrees(fmt: str, text: str) -> bool:
    """The fast path reads ``text`` as the reference does; whether the reference takes it."""
    fast, ref_parse = BY_FORMAT[fmt]
    got = fast(text)
    try:
        ref = ref_parse(text, None)
    except xencfg.ParseError:
        assert got is None, f"{fmt}: the fast path takes text the reference refuses"
        return False
    assert got is not None
    for doc in (got, ref):
        doc.path, doc.source = None, text
    assert dump(got) == dump(ref)
    assert xencfg.dumps(got) == text == xencfg.dumps(ref)
    return True


@pytest.mark.parametrize(
    ("path", "fmt", "valid"),
    FILES,
    ids=[f"{f}:{i}" for (_, f, _), i in zip(FILES, ids([p for p, _, _ in FILES]), strict=True)],
)
def test_files(path: Path, fmt: str, valid: bool) -> None:
    if SHARED in path.parents:
        shared_path()
    text = decode(path.read_bytes())
    took = agrees(fmt, text)
    if valid and FIXTURES in path.parents:
        assert took, f"{fmt}: an own valid fixture the reference refuses"


def test_the_reader_serves_real_files() -> None:
    """Not a fast path in name only: the reader takes the statements of real files."""
    from test_fast_paths import FILES as ALL

    texts = [decode(p.read_bytes()) for p, f, valid in ALL if f == "xl" and valid]
    assert texts and sum(xl._scan(t) is not None for t in texts) >= len(texts) * 0.9
    own = FIXTURES / "xm" / "valid"
    read = 0
    for p in sorted(own.iterdir()):
        text = decode(p.read_bytes())
        with contextlib.suppress(xm._NotFast):  # Python 2 syntax: the exact path reads it
            read += sum(isinstance(c, Node) for c in xm._scan_chunks(text, text, 0, True))
    assert read >= 10


@pytest.mark.parametrize("fmt", list(BY_FORMAT))
def test_mutated_files(fmt: str) -> None:
    """fuzzkit's mutations of every file of the format, a fixed sequence."""
    rng = random.Random(21)
    texts = [decode(p.read_bytes()) for p, f, _ in FILES if f == fmt]
    assert texts
    for _ in range(300):
        agrees(fmt, mutate(rng.choice(texts), rng))


_BITS = st.sampled_from(
    [
        "[",
        "]",
        "=",
        "+=",
        "==",
        ",",
        ";",
        '"',
        "'",
        "u'",
        "b'",
        "\\",
        "#",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\f",
        "\v",
        "\ufeff",
        "a",
        "1",
        "0",
        "-",
        "(",
        "if",
        '"x"',
        "'x'",
        "[1, 'a']",
    ]
)


@given(st.data())
def test_noise(data: st.DataObject) -> None:
    """Random edits of the punctuation both syntaxes care about."""
    fmt = data.draw(st.sampled_from(list(BY_FORMAT)))
    own = [p for p, f, valid in FILES if f == fmt and valid and SHARED not in p.parents]
    text = decode(data.draw(st.sampled_from(own)).read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(_BITS) + text[at + data.draw(st.integers(0, 2)) :]
    agrees(fmt, text)


@given(st.text(alphabet="ab_1 =+[],;\"'#\\\n\r\t\fu", max_size=40))
def test_short_noise(text: str) -> None:
    for fmt in BY_FORMAT:
        agrees(fmt, text)


# -- the lazy list of a light parse ------------------------------------------------------

BIG = "name = 'big'\nmemory = 256\nextra = [" + ", ".join(f"'{i}'" for i in range(20_000))


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_a_light_list_is_read_on_first_use(fmt: str) -> None:
    text = BIG + "]  # end\n"
    doc = xencfg.loads(text, fmt)
    a = doc.assignment("extra")
    assert a is not None and a.unread()  # nothing read yet
    assert doc.get("extra") == [str(i) for i in range(20_000)]
    assert not a.unread()  # read once, then a plain list the API hands out as before
    a.value.append("x")  # an edit in place is an edit
    assert doc.dumps().endswith(", 'x']  # end\n") or doc.dumps().endswith(', "x"]  # end\n')
    assert doc.dumps().replace(", 'x'", "").replace(', "x"', "") == text


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_an_unread_light_list_round_trips_and_edits(fmt: str) -> None:
    text = "disk = [ 'phy:/dev/a,xvda,w',\n  'phy:/dev/b,xvdb,w' ]\nmemory = 512\n"
    doc = xencfg.loads(text, fmt)
    assert xencfg.dumps(doc) == text
    doc.set("memory", 1024)  # the list is never read: its line stays as it was
    assert doc.assignment("disk").unread()  # type: ignore[union-attr]
    assert xencfg.dumps(doc) == text.replace("512", "1024")
    doc.disks[0]
    doc.add_disk("phy:/dev/c,xvdc,w")
    assert xencfg.dumps(doc).splitlines()[1].endswith("'phy:/dev/b,xvdb,w', 'phy:/dev/c,xvdc,w' ]")


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_a_list_set_before_it_was_read_is_the_new_value(fmt: str) -> None:
    doc = xencfg.loads("disk = [ 'a',\n  'b' ]  # keep\nname = 'x'\n", fmt)
    doc.set("disk", ["a", "b", ""])
    assert xencfg.loads(xencfg.dumps(doc), fmt).get("disk") == ["a", "b", ""]
    assert xencfg.dumps(doc).endswith("]  # keep\nname = 'x'\n")


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_a_light_parse_of_a_huge_list_holds_no_value(fmt: str) -> None:
    """Issue 22 item 10 (the figure itself is bench/memory.py's): the light parse of a
    long list allocates a small multiple of the text, whatever the list's length."""
    text = BIG + "]\n"
    xencfg.loads(BIG[:40] + "]\n", fmt)  # imports and grammar out of the figure
    tracemalloc.start()
    doc = xencfg.loads(text, fmt)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert doc.name == "big"
    assert peak < 2 * len(text)  # (the values would take over 10x)


def test_the_lazy_value_reads_what_the_parse_read() -> None:
    lazy = _xen.LazyValue(xl.LITERAL, "x = 1\ny = [ 1, [ 'a' ], 0x10 ]")
    assert lazy.read(6) == [1, ["a"], 16]


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_a_lazy_list_unread_after_the_full_tree_came_back(fmt: str) -> None:
    """An edit elsewhere brings the tokens back (the full parse); the list is read then,
    from where its key token says."""
    doc = xencfg.loads("memory = 512\nextra = [ 1, 2 ]  # two\n", fmt)
    doc.set("memory", 1024)
    assert xencfg.dumps(doc) == "memory = 1024\nextra = [ 1, 2 ]  # two\n"
    a = doc.assignment("extra")
    assert a is not None and a.unread()
    assert a.value == [1, 2] and a == domu.Assignment("extra", [1, 2])
