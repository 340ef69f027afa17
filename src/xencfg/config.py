"""Lint settings from ``.xencfg.toml`` or ``[tool.xencfg]`` in pyproject.toml.

Looked up from the working directory upwards, the first file found wins
(as ruff does). Command-line options override it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import XencfgError

KEYS = {"select", "ignore", "strict", "output-format"}


def _toml_load(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise XencfgError(f"{path}: cannot read settings: {exc}") from None


def find(start: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """The settings file that applies from ``start`` and its ``xencfg`` settings."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        own = d / ".xencfg.toml"
        if own.is_file():
            return own, _checked(own, _toml_load(own))
        project = d / "pyproject.toml"
        if project.is_file():
            data = _toml_load(project).get("tool", {}).get("xencfg")
            if data is not None:
                return project, _checked(project, data)
    return None, {}


def _checked(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - KEYS
    if unknown:
        raise XencfgError(f"{path}: unknown xencfg setting(s): {', '.join(sorted(unknown))}")
    for key, value in data.items():
        if key in ("select", "ignore"):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            want = 'a list of rule codes or prefixes (["MP", "XC004"])'
        elif key == "strict":
            ok, want = isinstance(value, bool), "true or false"
        else:
            ok = value in ("text", "json", "sarif", "github")
            want = "a format name (text, json, sarif, github)"
        if not ok:
            raise XencfgError(f"{path}: {key} = {value!r}: expected {want}")
    return data
