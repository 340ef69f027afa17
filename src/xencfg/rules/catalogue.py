"""The rule catalogue as Markdown: docs/rules/ is generated from the rules' docstrings.

``xencfg rules --write-docs docs/rules`` rewrites it; a test fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

from . import Rule, all_rules


def rule_page(r: Rule) -> str:
    scope = "whole cluster (all nodes)" if r.scope == "cluster" else "one file at a time"
    if r.formats and "*" not in r.formats:
        scope += " — " + ", ".join(r.formats)
    kind = " · Kind: hazard (the daemons accept this; it fails under a fault)" if r.hazard else ""
    return (
        f"# {r.code} {r.name}\n\n"
        f"Severity: **{r.severity}**{kind} · Scope: {scope}\n\n"
        f"{r.doc}\n\n"
        f"Suppress on its line with `# xencfg: ignore[{r.code}]`, or with "
        f"`--ignore {r.code}`.\n"
    )


def index_page(rules: list[Rule]) -> str:
    rows = "\n".join(
        f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity} | {r.summary} |" for r in rules
    )
    return (
        "# Rules\n\n"
        "Generated from the rules' documentation by `xencfg rules --write-docs docs/rules`;\n"
        "do not edit by hand.\n\n"
        "| code | name | severity | what it finds |\n|---|---|---|---|\n"
        f"{rows}\n"
    )


def pages() -> dict[str, str]:
    """File name -> Markdown text for the whole catalogue."""
    rules = [r for r in all_rules() if r.code[:2].isalpha()]
    out = {f"{r.code}.md": rule_page(r) for r in rules}
    out["README.md"] = index_page(rules)
    return out


def write(directory: Path) -> list[Path]:
    """Write the catalogue into ``directory`` (stale pages of removed rules are deleted)."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for old in directory.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    written = []
    for name, text in wanted.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
