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
        f"{fixable(r)}"
        f"{suppression(r)}\n"
    )


def fixable(r: Rule) -> str:
    """The line saying ``xencfg lint --fix`` fixes this rule's findings (or nothing)."""
    from ..lint.fixes import describe

    what = describe(r.code)
    if what is None:
        return ""
    return f"Fixable: `xencfg lint --fix` ({what}); `xencfg lint --diff` shows it first.\n\n"


def suppression(r: Rule) -> str:
    """How to silence this rule, in the comment syntax of the formats it checks
    (see :mod:`xencfg.lint.suppress` and docs/settings.md)."""
    from ..lint.suppress import NEXT_LINE_ONLY, XML, how

    fmts = [f for f in r.formats if f != "*"]
    tail = (
        f"per file with `per-file-ignores` (docs/settings.md), or everywhere with "
        f"`--ignore {r.code}`."
    )
    if fmts and len({how(f, r.code) for f in fmts}) == 1:
        text = f"Suppress with {how(fmts[0], r.code)}, {tail}"
        if fmts[0] in XML:
            text += (
                " The CRM rewrites cib.xml on every change and drops its comments, so in a"
                " live CIB use per-file-ignores or a baseline instead."
            )
        return text
    return (
        f"Suppress with `# xencfg: ignore[{r.code}]` on the finding's line"
        f" (`<!-- xencfg: ignore[{r.code}] -->` in the CIB, lost when the CRM rewrites it;"
        f" `# xencfg: ignore-next-line[{r.code}]` on the line before in"
        f" {', '.join(sorted(NEXT_LINE_ONLY))}), {tail}"
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
