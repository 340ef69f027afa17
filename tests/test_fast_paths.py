"""Every fast path against its Lark grammar: issue 21's one differential harness.

A format with a hand-written or table-driven scanner has two parsers; Lark's is the
specification. On every own fixture (valid and invalid), corpus and seed file of the
format, and on mutations of them, the scanner must build exactly Lark's tree (the same
node types, semantic fields, tokens with their kinds, texts and offsets, trivia) and
the same bytes back, or decline (``None``) and leave the text to Lark. It must never
take text the grammar refuses, and it must take every real file the grammar accepts
(else it is no fast path).

Adding a format is one line of :data:`FAST_PATHS`: its name, its scanner (text ->
unfinished tree or ``None``) and its Lark parse (text, path -> finished document).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import ROOT, SHARED, ids, shared_files, shared_path
from fuzzkit import FIXTURES, mutate, seed_files
from roundtrip import check_scanner
from xencfg import formats
from xencfg.formats import drbd, multipath
from xencfg.formats.lines import _base as _lines
from xencfg.formats.lines import corosync, ocfs2, shellvars
from xencfg.formats.lvmlike import evms, lvm
from xencfg.formats.lvmlike._base import lark_lvmlike, scan_lvmlike
from xencfg.formats.xen import xend, xl
from xencfg.syntax import lines_scan, scan, terminals
from xencfg.syntax.source import decode

Scan = Callable[[str], Any]
LarkParse = Callable[[str, "str | None"], Any]


def _line_rows() -> list[tuple[str, Scan, LarkParse]]:
    """The line family: every line-document format whose grammar has a lines_scan table,
    and the three with their own builders."""
    rows: list[tuple[str, Scan, LarkParse]] = []
    for fmt in xencfg.FORMATS:
        for cls in vars(formats.module(fmt)).values():
            if (
                isinstance(cls, type)
                and issubclass(cls, _lines.LineDocument)
                and cls.format == fmt
                and cls.grammar in lines_scan.TABLES
            ):
                rows.append(
                    (
                        fmt,
                        _lines.line_reader(cls).scan,
                        _lines.line_reader(cls).lark,
                    )
                )
                break
    rows.append(("ocfs2", ocfs2.READER.scan, ocfs2.READER.lark))
    rows.append(("corosync", corosync.READER.scan, corosync.READER.lark))
    rows.append(("shellvars", shellvars.READER.scan, shellvars.READER.lark))
    return rows


#: (format, fast scanner, Lark parse): every fast path and the reference it must equal.
FAST_PATHS: list[tuple[str, Scan, LarkParse]] = [
    ("drbd", drbd.reader._scan, drbd.parse_lark),
    ("multipath", multipath._scan, multipath.parse_lark),
    ("lvm", lambda t: scan_lvmlike(t, lvm._BUILDER), lambda t, p: lark_lvmlike(t, p, lvm._BUILDER)),
    (
        "evms",
        lambda t: scan_lvmlike(t, evms._BUILDER),
        lambda t, p: lark_lvmlike(t, p, evms._BUILDER),
    ),
    ("xend", xend._scan, xend.parse_lark),
    ("xl", xl._scan, xl.parse_lark),
    *_line_rows(),
]
_BY_FORMAT = {fmt: (fast, lark) for fmt, fast, lark in FAST_PATHS}


#: Corpus folders read whole with their format's grammar, whatever detect() calls a file
#: (drbd's holds drbdsetup show outputs, which the same grammar reads).
CORPUS_DIRS = {"drbd": "drbd", "multipath": "multipath", "xend": "xend-sxp", "xl": "domu-xl"}


def _files() -> list[tuple[Path, str, bool]]:
    """``(path, format, valid)``: own valid and invalid fixtures, examples, corpus and seed files
    (``valid``: not an own invalid fixture; some corpus files are broken, too)."""
    out = [(p, fmt, True) for p, fmt, _ in seed_files() if fmt in _BY_FORMAT]
    seen = {(p, fmt) for p, fmt, _ in out}
    for fmt in _BY_FORMAT:  # (seed_files reads one level: drbd's include-set is deeper)
        own = sorted(p for p in (FIXTURES / fmt / "valid").rglob("*") if p.is_file())
        out += [(p, fmt, True) for p in own if (p, fmt) not in seen]
    for p in sorted((ROOT / "examples").rglob("*")):
        if p.is_file() and p.stat().st_size < 200_000:
            fmt = xencfg.detect(str(p), decode(p.read_bytes()))
            if fmt in _BY_FORMAT:
                out.append((p, fmt, True))
    seen = {(p, fmt) for p, fmt, _ in out}
    for fmt, folder in CORPUS_DIRS.items():
        out += [(p, fmt, True) for p in shared_files("corpus", folder) if (p, fmt) not in seen]
    for fmt in _BY_FORMAT:
        bad = FIXTURES / fmt / "invalid"
        if bad.is_dir():
            out += [(p, fmt, False) for p in sorted(bad.iterdir()) if p.is_file()]
    return out


FILES = _files()


def agrees(fmt: str, text: str) -> bool:
    """The fast path of ``fmt`` reads ``text`` as Lark does (declining nothing the
    grammar accepts); whether the grammar accepts it."""
    fast, lark = _BY_FORMAT[fmt]
    return check_scanner(fmt, text, fast, lark)


# -- the terminal tables ----------------------------------------------------------------


def test_terminal_tables_are_the_grammars() -> None:
    """syntax/terminals.py is what Lark makes of grammars/*.lark today: regenerate it
    with ``python -m xencfg.syntax.scan`` (then ``ruff format``) after editing a grammar."""
    assert scan.lark_terminals() == (terminals.TERMINALS, terminals.IGNORED)


def test_every_fast_path_is_checked() -> None:
    """The formats whose spec says ``fast`` are the rows of FAST_PATHS (xm's literal
    reader, whose reference is Python's parser, is checked in test_fast_paths_xen)."""
    fast = {s.name for s in formats.specs() if s.fast}
    assert fast - {"xm"} == set(_BY_FORMAT)

    def scanned(fmt: str) -> bool:
        mod = formats.module(fmt)
        mods = [mod, getattr(mod, "reader", None)]
        return any(
            isinstance(getattr(m, "SHAPE", None), scan.Shape)
            or hasattr(m, "_scan")
            or isinstance(getattr(m, "READER", None), _lines.LineReader)
            for m in mods
        )

    assert {f for f in xencfg.FORMATS if scanned(f)} <= set(_BY_FORMAT)


def test_shapes_name_their_grammars_terminals() -> None:
    """A misspelt terminal in a Shape would make the scanner decline everything."""
    from xencfg.formats.lvmlike import _base as _lvmlike

    for shape in (drbd.reader.SHAPE, multipath.SHAPE, _lvmlike.SHAPE, xend.SHAPE):
        names = {n for n, _ in terminals.TERMINALS[shape.grammar]}
        used = {*shape.key, *shape.values, *shape.blank, *shape.atoms, shape.open, shape.close}
        used |= {
            t for t in (shape.end, shape.assign, shape.after_open, shape.open_gap) if t is not None
        }
        used |= set(shape.list_terms or ())
        assert used <= names, shape.grammar


# -- files and mutations ----------------------------------------------------------------


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
        assert took, f"{fmt}: an own valid fixture the grammar refuses"


@pytest.mark.parametrize("fmt", list(_BY_FORMAT))
def test_mutated_files(fmt: str) -> None:
    """fuzzkit's mutations (junk inserted, bytes deleted, lines doubled, truncation) of
    every file of the format, a fixed sequence so that a failure repeats."""
    rng = random.Random(21)
    texts = [decode(p.read_bytes()) for p, f, _ in FILES if f == fmt]
    assert texts
    for _ in range(300):
        agrees(fmt, mutate(rng.choice(texts), rng))


#: Heads the brace scanner reads in one match after the key (``key [value] end`` and
#: ``key [value] {``: syntax/scan.py ``_one_value``), and the near misses it must leave
#: to the token-by-token reader: each with whether drbd.lark / multipath.lark accept it.
QUICK_HEADS = [
    ("drbd", "a b;\n", True),
    ("drbd", "a;\n", True),
    ("drbd", 'a "b c" ;\n', True),
    ("drbd", "a b c;\n", True),
    ("drbd", "a b # c\n;\n", True),
    ("drbd", "a\n\tb\n;\n", True),
    ("drbd", "a b\xa0;\n", True),
    ("drbd", "a b;c d;", True),
    ("drbd", "r x {\n}\n", True),
    ("drbd", "r {}\n", True),
    ("drbd", "r x y {\n}\n", True),
    ("drbd", 'r "x" { a b; }', True),
    ("drbd", "a b", False),
    # an empty statement is an item (EMPTY: a DRBD Proxy plugin block's empty line; the
    # reader refuses it elsewhere), a stray '}' is not
    ("drbd", "a b;;\n", True),
    ("drbd", "a b;}\n", False),
    ("drbd", 'a "b;\n', False),
    ("drbd", "skip a;\n", True),
    ("multipath", "defaults {\n\tx y\n}\n", True),
    ("multipath", "defaults {\n\tx\n}\n", True),
    ("multipath", 'defaults {\n\tx "y ""z"""  \n}\n', True),
    ("multipath", "defaults {\r\n\tx y\r\n}\r\n", True),
    ("multipath", "defaults {\n\tx y # c\n}\n", True),
    ("multipath", "defaults {\n\tx y z\n}\n", True),
    ("multipath", "multipaths {\n\tmultipath {\n\t}\n}\n", True),
    # words before the '{' are the section's arguments: multipath reads the section
    # (0.9.4 validate_config_strvec "expecting '{'", tests/test_spelling5_multipath.py)
    ("multipath", "blacklist x {\n}\n", True),
    ("multipath", "defaults {}\n", False),
    # a '{' on a later line, a statement after '{' (tests/test_multipath_braces.py)
    ("multipath", "defaults\n{\n\tx y\n}\n", True),
    ("multipath", "defaults # c\n\n# d\n  {\n}\n", True),
    ("multipath", "defaults\r\n{\r\n}\r\n", True),
    ("multipath", 'devices {\n\tdevice { vendor "X"\n\t}\n}\n', True),
    ("multipath", "defaults\n{ x y\n}\n", True),
    ("multipath", "defaults x\n{\n}\n", True),
    ("multipath", "a {\n\tb { c\n\t{\n\t}\n}\n", False),
    ("multipath", "a { b {\n}\n}\n", False),
    ("multipath", "defaults\n{}\n", False),
    ("multipath", "defaults\n{\n", False),
]


@pytest.mark.parametrize(("fmt", "text", "accepted"), QUICK_HEADS)
def test_heads_read_in_one_match(fmt: str, text: str, accepted: bool) -> None:
    assert agrees(fmt, text) is accepted


_BITS = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "=",
        ",",
        ";",
        '"',
        "'",
        '""',
        "\\",
        "#",
        "!",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\u00a0",
        "\x1c",
        "\ufeff",
        "a",
        "1",
        "skip",
        "skip {",
        '"x"',
        "'x'",
    ]
)


@given(st.data())
def test_noise(data: st.DataObject) -> None:
    """Random edits of the punctuation every grammar of the family cares about."""
    fmt = data.draw(st.sampled_from(list(_BY_FORMAT)))
    own = [p for p, f, valid in FILES if f == fmt and valid and SHARED not in p.parents]
    text = decode(data.draw(st.sampled_from(own)).read_bytes()) if own else ""
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(_BITS) + text[at + data.draw(st.integers(0, 2)) :]
    agrees(fmt, text)


@given(st.text(alphabet="skip{}();=[],\"'#!\\\n \t\u00a0\x1cab:", max_size=40))
def test_short_noise(text: str) -> None:
    for fmt in _BY_FORMAT:
        agrees(fmt, text)
