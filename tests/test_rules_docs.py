"""docs/rules/ is generated from the rules' docstrings and must not go stale."""

from __future__ import annotations

from conftest import ROOT
from xencfg.rules import catalogue


def test_docs_rules_is_current() -> None:
    directory = ROOT / "docs" / "rules"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.md")}
    assert on_disk == catalogue.pages(), "run: xencfg rules --write-docs docs/rules"


def test_readme_counts_the_rules() -> None:
    """The README's "Lint has N rules" is the registry's count (it had fallen behind)."""
    import re

    from xencfg.rules import all_rules

    said = re.search(r"Lint has (\d+) rules", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert said is not None and int(said.group(1)) == len(all_rules())


def test_rule_docs_hold_no_sphinx_roles() -> None:
    """A rule's docstring is what `xencfg rules CODE` prints and docs/rules shows: a
    Sphinx role (``:func:`x```) prints raw there; say what the function does instead."""
    import re

    from xencfg.rules import all_rules

    roles = {r.code: re.findall(r":[a-z]+:`[^`]+`", r.doc) for r in all_rules()}
    assert {code: found for code, found in roles.items() if found} == {}
