"""The differential harness of the line family: every fast path against its Lark grammar.

ha.cf, authkeys, logd.cf, hosts, IET's files, the modprobe files, iscsid.conf,
initiatorname.iscsi, OCFS2's cluster.conf, corosync.conf and shell variable files are read
by one table-driven scanner (xencfg.syntax.lines_scan) before Lark. ``FAST_PATHS`` lists
them as ``(format, fast, lark)``; on every own fixture, example, corpus and seed file of the
format, and on mutations of them, the fast path must build Lark's tree (the same nodes,
offsets, tokens and trivia, rendering the text byte for byte) or decline (``None``), never
accept text Lark refuses, and take every real file. The tables must name the grammars'
terminals, which are Lark's own (syntax/terminals.py, checked current by test_fast_paths).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ROOT, ids, shared_files, shared_path
from fuzzkit import mutate
from roundtrip import read
from xencfg import formats
from xencfg.document import Document
from xencfg.formats import _lines, corosync, ocfs2, shellvars
from xencfg.syntax import lines_scan
from xencfg.syntax.build import finish
from xencfg.syntax.source import decode
from xencfg.syntax.tree import Node, Tok, walk

Scan = Callable[[str], "Document | None"]
LarkParse = Callable[[str, "str | None"], Document]


def _line_class(fmt: str) -> type[_lines.LineDocument] | None:
    for v in vars(formats.module(fmt)).values():
        if isinstance(v, type) and issubclass(v, _lines.LineDocument) and v.format == fmt:
            return v
    return None


def _line_row(fmt: str, cls: type[_lines.LineDocument]) -> tuple[str, Scan, LarkParse]:
    return (fmt, lambda t: _lines.scan_text(cls, t), lambda t, p: _lines.lark_text(cls, t, p))


def _rows() -> list[tuple[str, Scan, LarkParse]]:
    rows = []
    for fmt in xencfg.FORMATS:
        cls = _line_class(fmt)
        if cls is not None and cls.grammar in lines_scan.TABLES:
            rows.append(_line_row(fmt, cls))
    rows.append(("ocfs2", ocfs2.scan_text, ocfs2.lark_text))
    rows.append(("corosync", corosync.scan_text, corosync.lark_text))
    rows.append(("shellvars", shellvars.scan_text, shellvars.lark_text))
    return rows


#: ``(format, fast scanner, Lark parse)``: the scanner (text -> unfinished tree, or
#: ``None`` to decline) and the grammar's parse (text, path -> finished document), the
#: shape of tests/test_fast_paths.py's FAST_PATHS (the brace family's).
FAST_PATHS = _rows()
BY_FORMAT = {fmt: (fast, lark) for fmt, fast, lark in FAST_PATHS}


def test_the_scanner_serves_the_line_family() -> None:
    assert {
        "hacf",
        "authkeys",
        "logd",
        "hosts",
        "modules",
        "iscsid",
        "initiatorname",
        "ietd",
        "iet-allow",
        "ocfs2",
        "corosync",
        "shellvars",
    } <= set(BY_FORMAT)


# -- the tables are the grammars' ---------------------------------------------------------


@pytest.mark.parametrize("grammar", sorted(lines_scan.TABLES))
def test_tables_name_the_grammars_terminals(grammar: str) -> None:
    table = lines_scan.TABLES[grammar]
    names = set(lines_scan.terminals(grammar))
    assert table.skip is None or table.skip in lines_scan.ignores(grammar)
    for moves in table.states.values():
        assert set(moves) <= names
        assert not set(moves) & set(lines_scan.ignores(grammar))
    assert set(table.compiled) == set(table.states)


@pytest.mark.parametrize("grammar", sorted(lines_scan.TABLES))
def test_the_skipped_blanks_start_no_earlier_terminal(grammar: str) -> None:
    """The blanks a table reads ahead of each token are Lark's blank token: no terminal
    Lark tries before that one can start where it matches."""
    table = lines_scan.TABLES[grammar]
    if table.skip is None:
        return
    pats = lines_scan.terminals(grammar)
    skip = re.compile(pats[table.skip])
    earlier = [re.compile(pats[n]) for n in list(pats)[: list(pats).index(table.skip)]]
    starts = [chr(c) for c in range(0x3001) if skip.match(chr(c))] + ["\\\n", "\\\r\n"]
    starts = [s for s in starts if skip.match(s)]
    assert " " in starts and "\t" in starts
    for start in starts:
        for rest in ("a", "=", ":", "{", "}", "#", "\n", "x y", "a:", "a {", ""):
            assert not any(rx.match(start + rest) for rx in earlier), (start, rest)


# -- the trees are Lark's -------------------------------------------------------------------


def _tokens(node: Node) -> list[tuple[str, str, int]]:
    return [(t.kind, t.text, t.pos) for t in node.cst or () if isinstance(t, Tok)]


def check(fmt: str, text: str) -> bool:
    """The fast path builds Lark's tree for ``text`` or declines; returns whether it took it."""
    fast, lark = BY_FORMAT[fmt]
    ours = fast(text)
    if ours is None:
        return False
    ours = finish(ours, text, None)
    try:
        exact = lark(text, None)
    except xencfg.ParseError as exc:
        raise AssertionError(f"the fast path took what Lark refuses: {exc}") from None
    assert type(ours) is type(exact)
    assert ours.child_nodes() == exact.child_nodes()
    mine, theirs = list(walk(ours)), list(walk(exact))
    assert [type(n) for n in mine] == [type(n) for n in theirs]
    assert [n.pos for n in mine] == [n.pos for n in theirs]
    assert [_tokens(n) for n in mine] == [_tokens(n) for n in theirs]  # trivia included
    assert [n.snap for n in mine] == [n.snap for n in theirs]
    assert xencfg.dumps(ours) == text == xencfg.dumps(exact)
    return True


def _own() -> list[tuple[Path, str]]:
    out = []
    for fmt in BY_FORMAT:
        base = FIXTURES / fmt
        out += [(p, fmt) for p in sorted(base.rglob("*")) if p.is_file()]
    for p in sorted((ROOT / "examples").rglob("*")):
        if p.is_file() and p.stat().st_size < 200_000:
            fmt = xencfg.detect(str(p), decode(p.read_bytes()))
            if fmt in BY_FORMAT:
                out.append((p, fmt))
    return out


def _shared() -> list[tuple[Path, str]]:
    out = []
    for p in shared_files("corpus") + shared_files("seed-examples"):
        fmt = xencfg.detect(str(p), decode(p.read_bytes()))
        if fmt in BY_FORMAT:
            out.append((p, fmt))
    return out


OWN = _own()
VALID = [(p, fmt) for p, fmt in OWN if "invalid" not in p.parts]
SHARED = _shared()


@pytest.mark.parametrize(("path", "fmt"), OWN, ids=ids([p for p, _ in OWN]))
def test_own_files(path: Path, fmt: str) -> None:
    text = read(path)
    took = check(fmt, text)
    if "invalid" not in path.parts:
        # a valid file is read by the fast path, or the speed is lost unseen
        assert took


@pytest.mark.parametrize(("path", "fmt"), SHARED, ids=ids([p for p, _ in SHARED]))
def test_corpus_and_seed_files(path: Path, fmt: str) -> None:
    shared_path()
    text = read(path)
    assert check(fmt, text)  # every real file is read by the fast path


def test_every_format_has_valid_files() -> None:
    assert {f for _, f in VALID} >= set(BY_FORMAT) - {"hostname"}


_BITS = st.sampled_from(
    [
        "#",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\\",
        "\\\n",
        "\u00a0",
        "\u2003",
        "\u2028",
        "\x85",
        "a",
        "=",
        "==",
        ":",
        "{",
        "}",
        "\x0b",
        "node:",
        "\tname = x",
        "x {\n",
        "}\n",
        "k: v",
        '"',
        "'",
        "`",
        "$(",
        "export ",
        "A=",
    ]
)


@given(st.data())
def test_mutated_files(data: st.DataObject) -> None:
    path, fmt = data.draw(st.sampled_from(VALID))
    text = read(path)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(_BITS) + text[at + data.draw(st.integers(0, 2)) :]
    check(fmt, text)


@pytest.mark.parametrize("fmt", sorted(BY_FORMAT))
def test_fuzzkit_mutations(fmt: str) -> None:
    """The API fuzzer's mutators (tests/fuzzkit.py) on every valid file of the format."""
    rng = random.Random(f"lines-{fmt}")
    texts = [read(p) for p, f in VALID if f == fmt]
    for _ in range(300):
        check(fmt, mutate(rng.choice(texts), rng))


#: Hand-picked corners: ``(format, text, whether the fast path takes it)``. A text Lark
#: refuses must be declined; the rest must be taken (with Lark's tree).
EDGES = [
    ("hacf", "", True),
    ("hacf", "# only a comment", True),
    ("hacf", "node a b", True),  # no final newline
    ("hacf", "node a#b c\r\n", True),
    ("hacf", "node a\rb\n", True),  # a lone CR is a blank to heartbeat's grammar
    ("hacf", "node a\u2003b\n", False),  # a blank the grammar refuses
    ("hacf", "node a\u2028b\n", False),
    ("modules", "options a b=1 \\\n  c=2\n", True),
    ("modules", "install a /bin/x \\\n#not a comment? it is\n", True),
    ("modules", " #x y\n#z\n", True),
    ("modules", "options a \\", False),  # continued into the end of the file
    ("modules", "options a\\b\n", True),
    ("iscsid", "node.startup = manual\n", True),
    ("iscsid", "a = b = c # d  \n", True),
    ("iscsid", "a =\n", True),
    ("iscsid", "a\n", False),
    ("iscsid", "a #c = 1\n", False),
    ("iscsid", "=1\n", False),
    ("iscsid", "a = b\rc\n", False),
    ("initiatorname", "InitiatorName=iqn.2026-01.x:y", True),
    ("ocfs2", "cluster:\n\tname = c\n\tnode_count = 2\n", True),
    ("ocfs2", "\tname = c\ncluster:\n", False),  # an attribute before any stanza
    ("ocfs2", "cluster:\nname = c\n", False),  # not indented
    ("ocfs2", " cluster:\n\tname = c\n", False),  # header not in column 1
    ("ocfs2", "cluster: # c\n\tname = #c\n", True),
    ("ocfs2", "cluster: name = c\n", False),
    ("ocfs2", "\n\n# c\n", True),
    ("corosync", "totem {\n\tversion: 2\n}\n", True),
    ("corosync", "totem {\n\tversion: 2\n", False),  # never closed
    ("corosync", "}\n", False),
    ("corosync", "totem { # c\n}\n", False),  # corosync 3 refuses text after '{'
    ("corosync", "totem {\n} x\n", False),
    ("corosync", "a {\nb {\nk: v: w # x\n}\n}\n", True),
    ("corosync", "k:\n", True),
    ("shellvars", 'A="a\nb"\nexport B=1\nexport C\n. /etc/x\n', True),
    ("shellvars", "A=1 B\n", False),
    ("shellvars", 'A="open\n', False),
    ("shellvars", "a \\\nb\n\\\nc\n", True),
]


@pytest.mark.parametrize(("fmt", "text", "takes"), EDGES)
def test_corners(fmt: str, text: str, takes: bool) -> None:
    assert check(fmt, text) is takes
    if not takes:
        try:
            BY_FORMAT[fmt][1](text, None)
        except xencfg.ParseError:
            return
        raise AssertionError("declined though the grammar takes it")
