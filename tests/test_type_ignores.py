"""mypy's ``type: ignore`` comments stay where a correct type cannot replace them (issue 21:
most were rules reading untyped documents). Rules read each format's document through
``rules/documents.py``, the graph through ``Cluster.typed``; an ignore left elsewhere says
why on the lines just above it."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "xencfg"
#: Where documents are read: typed accessors leave no reason for an ignore there.
TYPED = ("rules", "graph", "versions.py", "lint")


def ignores(text: str) -> list[tuple[int, bool]]:
    """``(line, explained)`` of each ``type: ignore`` in ``text``: explained when a
    comment line sits right above it."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if "# type: ignore" in line:
            above = lines[i - 1].strip() if i else ""
            out.append((i + 1, above.startswith("#")))
    return out


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py"))}


def test_rules_graph_and_versions_read_typed_documents() -> None:
    found = [
        f"{p.relative_to(SRC)}:{n}"
        for p, text in _sources().items()
        if p.relative_to(SRC).parts[0] in TYPED
        for n, _ in ignores(text)
    ]
    assert found == []


def test_every_ignore_left_says_why() -> None:
    unexplained = [
        f"{p.relative_to(SRC)}:{n}"
        for p, text in _sources().items()
        for n, why in ignores(text)
        if not why
    ]
    assert unexplained == []


def test_the_check_sees_an_ignore_and_its_reason() -> None:
    text = (
        "x = 1\n"
        "y = f()  # type: ignore[misc]\n"
        "# (no stub for g)\n"
        "z = g()  # type: ignore[attr-defined]\n"
    )
    assert ignores(text) == [(2, False), (4, True)]
