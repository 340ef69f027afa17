"""Checks shared by the tests of the line formats (ha.cf, authkeys, logd, shellvars, modules).

They wrap ``roundtrip.py``: every file must round-trip byte for byte, render
canonically to an equal model with the same significant tokens, and take a
one-value edit as a one-line change; mutated files may only raise
``XencfgError``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

import xencfg
from conftest import ids
from roundtrip import (
    canonical,
    check_byte_exact,
    check_canonical,
    check_one_edit,
    check_tokens,
    read,
)
from xencfg.syntax.blocks import Entry
from xencfg.syntax.tree import Node, walk


def check_file(path: Path, fmt: str, normalize: Callable[[str], str] = str) -> xencfg.Document:
    """Byte-exact, canonical and token checks on one file; returns the parsed document."""
    doc = check_byte_exact(path, fmt)
    check_canonical(doc, fmt)
    check_tokens(doc, fmt, normalize)
    return doc


def editable(doc: xencfg.Document, new: str = "edited") -> tuple[Node, Callable[[], None]] | None:
    """The first node holding a value, and an edit that sets that value to ``new``."""
    for node in walk(doc):
        if isinstance(node, Entry) and node.values:
            values = node.values

            def edit(n: Entry = node, vals: list[str] = values) -> None:
                n.values = [*vals[:-1], new]

            return node, edit
        value = getattr(node, "value", None)
        if node is not doc and isinstance(value, str) and hasattr(node, "name"):

            def edit_var(n: Node = node) -> None:
                n.value = new  # type: ignore[attr-defined]

            return node, edit_var
    return None


def check_edit(doc: xencfg.Document, fmt: str, new: str = "edited") -> bool:
    """Edit one value: exactly its line changes and the result re-parses to the edited model."""
    found = editable(doc, new)
    if found is None:
        return False
    node, edit = found
    diff = check_one_edit(doc, node, edit)
    assert any(new in line for line in diff if line.startswith("+ "))
    again = xencfg.loads(xencfg.dumps(doc), fmt)
    assert again == doc
    return True


def mutated(data: st.DataObject, text: str, alphabet: str) -> str:
    """``text`` with a few characters replaced by junk at a drawn position."""
    pos = data.draw(st.integers(0, max(len(text) - 1, 0)))
    junk = data.draw(st.text(alphabet=alphabet, max_size=4))
    cut = data.draw(st.integers(0, 3))
    return text[:pos] + junk + text[pos + cut :]


def check_mutation(text: str, fmt: str) -> None:
    """Parse a mutated text: a ParseError (an XencfgError) or a lossless model."""
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        return
    assert xencfg.dumps(doc) == text
    try:
        canonical(doc)
        doc.to_dict()
    except xencfg.XencfgError:
        pass


def file_tests(
    fmt: str,
    files: list[Path],
    *,
    new: str = "edited",
    normalize: Callable[[str], str] = str,
    has_values: Callable[[Any], bool] = lambda doc: bool(doc.entries()),
) -> tuple[Callable[[Path], None], Callable[[Path], None]]:
    """The two tests every line format runs on each of its files: the checks of
    :func:`check_file`, and a one-value edit that changes one line (a file
    without values, ``not has_values(doc)``, has nothing to edit). Bind them to
    ``test_*`` names in the test module so pytest collects them."""

    @pytest.mark.parametrize("path", files, ids=ids(files))
    def round_trip(path: Path) -> None:
        check_file(path, fmt, normalize)

    @pytest.mark.parametrize("path", files, ids=ids(files))
    def one_edit(path: Path) -> None:
        doc = xencfg.loads(read(path), fmt, path=str(path))
        if not check_edit(doc, fmt, new):
            assert not has_values(doc), f"{path}: no value could be edited"

    return round_trip, one_edit
