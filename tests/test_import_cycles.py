"""No import cycle between xencfg's modules at import time (issue 21: "no import cycle").

The import graph is read from the source, not from ``sys.modules``: an edge for every
import a module runs when it is imported (module level, class bodies, ``if``/``try``
blocks), none for the imports under ``if TYPE_CHECKING:`` (never run) or inside functions
(run on first call, after every module involved has finished importing). ``from pkg import
name`` is an edge to ``pkg.name`` when that is a module, else to ``pkg`` itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src"


def _modules(src: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _import_time(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when a module with this body is imported."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _type_checking(node.test):
                yield from _import_time(node.body)
            yield from _import_time(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _import_time(block)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            yield from _import_time(node.body)


def import_graph(src: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``src`` it imports at import time."""
    mods = _modules(src)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in _import_time(ast.parse(path.read_text(), str(path)).body):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [*subs, mod]
            edges[name].update(t for t in targets if t in mods and t != name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


def test_no_import_cycle_between_xencfg_modules() -> None:
    graph = import_graph(SRC)
    assert "xencfg.graph" in graph and graph["xencfg.api"], "the walk found no modules"
    assert cycles(graph) == []


def test_the_walk_sees_a_cycle_and_ignores_what_does_not_run(tmp_path: Path) -> None:
    """The check can fail: a cycle through ``from . import``, a relative import and a
    class body is found; TYPE_CHECKING and function-level imports are no edges."""
    pkg = tmp_path / "p"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("class C:\n    from .sub.c import x\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from ..a import y\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .e import z\n"
    )
    (pkg / "e.py").write_text("def f():\n    from .d import w\n")
    graph = import_graph(tmp_path)
    assert graph["p.a"] == {"p.b"} and graph["p.sub.c"] == {"p.a"}
    assert graph["p.d"] == set() and graph["p.e"] == set()
    assert cycles(graph) == [["p.a", "p.b", "p.sub.c"]]


def test_the_cli_parser_reads_report_formats_without_the_lint_engine() -> None:
    """``xencfg.lint`` imports its engine on first use: building the CLI (which lists
    the report formats of ``xencfg.lint.report``) loads no cluster model nor discovery."""
    import subprocess
    import sys

    code = (
        "import sys; from xencfg.cli import _parser; _parser(); "
        "print(sorted(m for m in ('xencfg.lint.engine', 'xencfg.cluster', 'xencfg.discover') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from xencfg import lint

    assert lint.run.__module__ == "xencfg.lint.engine"  # and the names still resolve


def _every_import(path: Path, name: str) -> Iterator[str]:
    """The absolute module names a module imports anywhere (functions included)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            yield ".".join([*base, *([node.module] if node.module else [])])


def test_formats_import_no_rules() -> None:
    """docs/architecture.md: formats sit below rules and lint, even on first use (drbd's
    ``conflicts()`` reached rules/drbd_conflicts.py lazily until its detection moved to
    formats/drbd/conflicts.py)."""
    mods = _modules(SRC)
    above = ("xencfg.rules", "xencfg.lint")
    found = [
        f"{name} -> {target}"
        for name, path in mods.items()
        if name.startswith("xencfg.formats")
        for target in _every_import(path, name)
        if target.startswith(above)
    ]
    assert [n for n in mods if n.startswith("xencfg.formats.drbd")], "the walk found no modules"
    assert found == []


def test_no_module_over_a_thousand_lines() -> None:
    """Issue 21: a module one head can hold. A module that grows past 1,000 lines is
    split by concern into a package (as rules/cib/, rules/drbd/, rules/live/ were)."""
    src = Path(__file__).resolve().parent.parent / "src" / "xencfg"
    big = {
        str(p.relative_to(src)): n
        for p in src.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 1000
    }
    assert big == {}
