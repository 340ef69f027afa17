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


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        ("(a+)+$", True),  # a repetition around a repetition
        ("(a|aa)*$", True),  # around an alternation
        (".*.*.*x", True),  # three unbounded in a row: n**3
        ("^sd[a-z]", False),
        ("^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*", False),
        (".*", False),
    ],
)
def test_user_patterns_that_backtrack_run_in_linear_time(pattern: str, risky: bool) -> None:
    """A multipath blacklist or lvm filter is the admin's pattern, matched against every
    WWID and device: patterns a backtracking engine could take exponential time on run
    on the automaton (a WWID-length near miss of ``(a+)+$`` took 1.2 s for 25
    characters with ``re``, doubling with each), the everyday ones on ``re``. Both give
    regexec's answer."""
    from xencfg.regex import backtracks, search

    assert backtracks(pattern) is risky
    near_miss = "a" * 60 + "b"  # (a+)+$ on 60 characters: centuries with re
    assert search(pattern, near_miss) is (pattern in ("(a|aa)*$", ".*"))
