"""docs/rules/ is generated from the rules' docstrings and must not go stale."""

from __future__ import annotations

from conftest import ROOT
from xencfg.rules import catalogue


def test_docs_rules_is_current() -> None:
    directory = ROOT / "docs" / "rules"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.md")}
    assert on_disk == catalogue.pages(), "run: xencfg rules --write-docs docs/rules"
