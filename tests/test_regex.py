"""POSIX regex traps (xencfg.regex)."""

from __future__ import annotations

import pytest

from xencfg.regex import problems


@pytest.mark.parametrize(
    "pattern",
    [
        "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*",
        "^hd[a-z][0-9]*",
        "^cciss!c[0-9]d[0-9]*(p[0-9]*)?",
        "[]a]",
        "[^]a]",
        "[[:digit:]]+",
        "^drbd[0-9]+",
        "^xvdp*",
    ],
)
def test_good_patterns(pattern: str) -> None:
    assert problems(pattern) == []


def test_seed_hd_pattern_needs_a_literal_bracket() -> None:
    found = problems("^hd[a-z][[0-9]*]")
    assert any("'[[0-9]' is one bracket expression" in p for p in found)
    assert any("literal ']'" in p and "position 16" in p for p in found)


def test_seed_cciss_pattern() -> None:
    assert any("literal ']'" in p for p in problems("^cciss!c[0-9]d[0-9]*[p[0-9]*]"))


@pytest.mark.parametrize(
    ("pattern", "word"),
    [
        ("^sd[a-z", "never closed"),
        ("(a|b", "never closed"),
        ("a)", "no '('"),
        ("a{2,1}", "compile"),
    ],
)
def test_broken_patterns(pattern: str, word: str) -> None:
    assert any(word in p for p in problems(pattern))
