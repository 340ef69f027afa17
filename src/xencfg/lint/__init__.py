"""``xencfg lint``: discover, parse, run the rules, filter, sort.

:func:`run` lints paths (node roots, files) and returns a :class:`LintResult`;
:func:`lint_tree` and :func:`lint_text` lint texts held in memory the same way
(:mod:`.memory`). The engine is :mod:`.engine`. The package holds what lint needs beyond the rules:
:mod:`.cli` (the command), :mod:`.report` (output formats), :mod:`.baseline`,
:mod:`.suppress` and :mod:`.fixes`.

The engine's names are imported on first use, as ``xencfg``'s own are: the CLI
reads the report formats when it starts without importing the engine (the cluster
model, discovery, the rule registry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..findings import Finding
    from .engine import LINT_MAX_SIZE, LintResult, run, run_discovered
    from .memory import lint_text, lint_tree

__all__ = [
    "LINT_MAX_SIZE",
    "Finding",
    "LintResult",
    "lint_text",
    "lint_tree",
    "run",
    "run_discovered",
]
#: The module of each name (the engine's unless said).
_HOME = {"lint_text": "memory", "lint_tree": "memory"}


def __getattr__(name: str) -> Any:
    if name not in __all__:  # a submodule not imported yet, or a typo
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_HOME.get(name, 'engine')}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The lazy names too, so that ``dir()`` and ``help()`` show :func:`run`."""
    return sorted({*globals(), *__all__})
