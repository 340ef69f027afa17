"""The line formats' fast path (formats/_lines._fast_parse) against their Lark grammars.

ha.cf, authkeys, ha_logd.cf, /etc/hosts, IET's files and the modprobe files are read by one
regex; on every own fixture, corpus and seed file of those formats, and on thousands of
mutated ones, the result must be the grammar's (or the same error).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from roundtrip import check_fast_path, read
from xencfg import formats
from xencfg.formats import _lines
from xencfg.syntax.source import decode


def _grammar(fmt: str) -> str | None:
    mod = formats.module(fmt)
    for v in vars(mod).values():
        if isinstance(v, type) and issubclass(v, _lines.LineDocument) and v.format == fmt:
            return v.grammar
    return None


FAST = [f for f in xencfg.FORMATS if _grammar(f) in _lines._FAST_TOKENS]
OWN = [(p, p.parent.parent.name) for f in FAST for p in sorted((FIXTURES / f / "valid").iterdir())]


def _shared() -> list[tuple[Path, str]]:
    out = []
    for p in shared_files("corpus") + shared_files("seed-examples"):
        fmt = xencfg.detect(str(p), decode(p.read_bytes()))
        if fmt in FAST:
            out.append((p, fmt))
    return out


SHARED = _shared()


def _declined(fmt: str, text: str) -> bool:
    """What the fast path leaves to the grammar on purpose: modprobe's backslashes."""
    return fmt == "modules" and "\\" in text


def test_the_fast_path_covers_the_line_grammars() -> None:
    assert {"hacf", "authkeys", "logd", "hosts", "modules"} <= set(FAST)


@pytest.mark.parametrize(("path", "fmt"), OWN, ids=ids([p for p, _ in OWN]))
def test_own_files(path: Path, fmt: str) -> None:
    text = read(path)
    assert check_fast_path(fmt, text, _lines, "_fast_parse") or _declined(fmt, text)


@pytest.mark.parametrize(("path", "fmt"), SHARED, ids=ids([p for p, _ in SHARED]))
def test_corpus_and_seed_files(path: Path, fmt: str) -> None:
    shared_path()
    text = read(path)
    assert check_fast_path(fmt, text, _lines, "_fast_parse") or _declined(fmt, text)


_BITS = st.sampled_from(
    ["#", "\n", "\r\n", "\r", " ", "\t", "\\", "\\\n", "\u00a0", "\u2003", "a", "=", "\x0b"]
)


@given(st.data())
def test_mutated_files(data: st.DataObject) -> None:
    path, fmt = data.draw(st.sampled_from(OWN))
    text = read(path)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(_BITS) + text[at + data.draw(st.integers(0, 2)) :]
    check_fast_path(fmt, text, _lines, "_fast_parse")
