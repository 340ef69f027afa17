"""Hypothesis draws texts from our own grammars (``hypothesis.extra.lark.from_lark``):
whatever they produce, each format's parser answers with a model that renders the
text back byte for byte, or with an XencfgError; never another exception."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

import xencfg
from xencfg.syntax.grammar import data_dir

#: grammar file -> a format parsed with it
GRAMMARS = {
    "drbd": "drbd",
    "multipath": "multipath",
    "lines": "hacf",
    "keyvalue": "iscsid",
    "xend": "xend",
    "ocfs2": "ocfs2",
    "corosync": "corosync",
    "lvmlike": "lvm",
    "modules": "modules",
    "shellvars": "shellvars",
    "xl": "xl",
}


@functools.cache
def grammar(name: str) -> Lark:
    """A fresh parser object (from_lark reads its grammar, which cached ones lack)."""
    text = (data_dir("grammars") / f"{name}.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual")


def test_every_grammar_is_fuzzed() -> None:
    shipped = {p.stem for p in data_dir("grammars").glob("*.lark")}
    assert shipped == set(GRAMMARS)


@pytest.mark.parametrize("name", sorted(GRAMMARS))
@settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_texts_from_the_grammar_parse_or_fail_cleanly(name: str, data: st.DataObject) -> None:
    text = data.draw(from_lark(grammar(name)))
    fmt = GRAMMARS[name]
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        return
    assert xencfg.dumps(doc) == text
