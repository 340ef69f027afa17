"""Checks every text format's tests run on every file (design.md, "Lossless round trip").

1. byte-exact: ``dumps(load(x)) == x``;
2. canonical: the model rendered without its source re-parses to an equal model;
3. nothing dropped: the significant tokens of the canonical render equal the source's;
4. minimal diff: changing one value changes exactly the line(s) holding it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

import xencfg
from xencfg.syntax.build import finish
from xencfg.syntax.source import decode
from xencfg.syntax.tree import Node, Tok, detached, significant


def read(path: Path) -> str:
    return decode(path.read_bytes())


def check_byte_exact(path: Path, fmt: str) -> xencfg.Document:
    text = read(path)
    doc = xencfg.loads(text, fmt, path=str(path))
    assert xencfg.dumps(doc) == text
    return doc


def byte_exact_or_refused(path: Path, fmt: str) -> bool:
    """False where the file does not parse (a ParseError); else its bytes come back
    unchanged from ``dumps(load(path))`` (asserted) and True."""
    from xencfg.errors import ParseError

    raw = path.read_bytes()
    try:
        doc = xencfg.load(path, fmt)
    except ParseError:
        return False
    assert xencfg.dumps(doc).encode("utf-8", "surrogateescape") == raw
    return True


def mutate(data: st.DataObject, text: str, alphabet: str, size: int, cut: int) -> str:
    """``text`` with up to ``size`` characters of ``alphabet`` put in at a drawn place,
    over up to ``cut`` characters of it: the mutation every format's "mutated files
    never crash" property draws."""
    pos = data.draw(st.integers(0, max(len(text) - 1, 0)))
    junk = data.draw(st.text(alphabet=alphabet, max_size=size))
    return text[:pos] + junk + text[pos + data.draw(st.integers(0, cut)) :]


def loads_or_refused(text: str, fmt: str) -> xencfg.Document | None:
    """``None`` where ``text`` is refused (an XencfgError, never another exception);
    else its document, whose ``dumps`` is asserted to give ``text`` back."""
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        return None
    assert xencfg.dumps(doc) == text
    return doc


def canonical(doc: xencfg.Document) -> str:
    return xencfg.dumps(detached(doc))  # type: ignore[arg-type]


def check_canonical(doc: xencfg.Document, fmt: str) -> xencfg.Document:
    text = canonical(doc)
    again = xencfg.loads(text, fmt)
    assert again == doc, f"canonical render does not re-parse equal:\n{text}"
    return again


def check_tokens(doc: xencfg.Document, fmt: str, normalize: Callable[[str], str] = str) -> None:
    again = xencfg.loads(canonical(doc), fmt)
    src = [normalize(t) for t in significant(doc)]
    new = [normalize(t) for t in significant(again)]
    assert src == new


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(True), after.splitlines(True))
        if line[:1] in "+-"
    ]


def check_one_edit(doc: xencfg.Document, node: Node, edit: Callable[[], None]) -> list[str]:
    """Apply ``edit`` (which changes ``node``) and return the diff; it must touch one line."""
    before = xencfg.dumps(doc)
    line_no, _ = doc.position(node)
    edit()
    after = xencfg.dumps(doc)
    diff = changed_lines(before, after)
    removed = [d for d in diff if d.startswith("- ")]
    added = [d for d in diff if d.startswith("+ ")]
    assert len(removed) == 1 and len(added) == 1, diff
    assert before.splitlines(True)[line_no - 1] == removed[0][2:]
    return diff


def dump(node: Node) -> tuple[str, dict[str, Any]]:
    """Everything a node holds, as plain data: its class, every attrs field (tokens as
    ``(kind, text, offset)``, child nodes dumped), and its pieces (``cst``) with child
    nodes named by their place among :meth:`~Node.child_nodes`, so that the pieces and
    the children are checked to be the same objects."""
    place = {id(c): i for i, c in enumerate(node.child_nodes())}
    fields: dict[str, Any] = {}
    for f in attrs.fields(type(node)):
        if f.name in ("snap", "light", "at"):
            continue
        value = getattr(node, f.name)
        if f.name == "cst":
            fields["cst"] = [
                ("node", place[id(p)]) if isinstance(p, Node) and id(p) in place else _plain(p)
                for p in value or ()
            ]
        else:
            fields[f.name] = _plain(value)
    return type(node).__name__, fields


def _plain(value: Any) -> Any:
    if isinstance(value, Tok):
        return ("tok", value.kind, value.text, value.pos)
    if isinstance(value, Node):
        return dump(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def check_scanner(
    fmt: str, text: str, fast: Callable[[str], Any], lark: Callable[[str, str | None], Any]
) -> bool:
    """A scanner (text -> unfinished tree, or ``None`` to decline) reads ``text`` as its
    Lark parse does: the same dumped tree and the same bytes back; it takes nothing the
    grammar refuses and declines nothing it accepts. Returns whether the grammar accepts
    ``text``."""
    got = fast(text)
    try:
        ref = lark(text, None)
    except xencfg.ParseError:
        assert got is None, f"{fmt}: the scanner takes text the grammar refuses"
        return False
    assert got is not None, f"{fmt}: the scanner declines text the grammar accepts"
    got = finish(got, text, None)
    for doc in (got, ref):
        doc.path, doc.source = None, text
    assert dump(got) == dump(ref)
    assert xencfg.dumps(got) == text == xencfg.dumps(ref)
    return True
