"""Lint settings: ``.xencfg.toml`` or ``[tool.xencfg]`` in pyproject.toml.

The file is looked up from the linted path upwards (so etckeeper's
``/etc/.xencfg.toml`` applies to ``xencfg lint /etc`` run from anywhere, and to
``xencfg lint /``: a node root's ``etc/.xencfg.toml`` comes first), then from the
working directory; the first file found wins, as in ruff.
``--config FILE`` names it instead. Command-line options override it.

Every key and value is checked, because a wrong setting must not switch checks
off in silence: ``ignore = "XC004"`` (a string where a list belongs), an unknown
key or a code no rule has is an error naming the key (exit 2). Each key is one
line of :data:`SCHEMA`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import XencfgError
from .findings import SEVERITIES

OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit", "codeclimate")


class SettingsError(XencfgError):
    """A settings file or option that is wrong: a usage error (exit 2)."""


@attrs.define
class Settings:
    """The settings in force for one lint run, after validation.

    ``path`` is the file they came from (``None``: defaults); ``per_file_ignores``
    globs are matched against paths relative to that file's folder.
    """

    path: Path | None = None
    select: list[str] = attrs.Factory(list)
    extend_select: list[str] = attrs.Factory(list)
    ignore: list[str] = attrs.Factory(list)
    per_file_ignores: dict[str, list[str]] = attrs.Factory(dict)
    strict: bool = False
    exit_zero: bool = False
    output_format: str | None = None
    severity: dict[str, str] = attrs.Factory(dict)
    baseline: str | None = None
    #: ``[tool.xencfg.nodes]``: node name -> role(s); read by the cluster model.
    nodes: dict[str, Any] = attrs.Factory(dict)
    #: ``[tool.xencfg.versions]``: component -> version; read by version-aware rules.
    versions: dict[str, Any] = attrs.Factory(dict)

    @property
    def base(self) -> Path:
        """The folder that ``per-file-ignores`` globs and the baseline path are relative to."""
        return self.path.parent if self.path is not None else Path.cwd()


# -- value checkers: each returns the clean value or raises ValueError(why) -------------


def known_code(code: str) -> bool:
    """Whether ``code`` is a rule code or the prefix of one (``MP``, ``MP0``, ``MP001``)."""
    from . import rules

    up = code.upper()
    return bool(up) and any(r.code.startswith(up) for r in rules.all_rules())


def check_codes(value: object, what: str = "codes") -> list[str]:
    """A list of rule codes or prefixes, each matching at least one rule."""
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f'wants a list of rule codes, like ["XC004"], got {value!r}')
    unknown = [c for c in value if not known_code(c.strip())]
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ValueError(f"no rule has the code {names} (see 'xencfg rules')")
    return [c.strip().upper() for c in value]


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"wants true or false, got {value!r}")
    return value


def _output_format(value: object) -> str:
    if value not in OUTPUT_FORMATS:
        raise ValueError(f"wants one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return str(value)


def _string(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"wants a file name, got {value!r}")
    return value


def _table(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"wants a table, got {value!r}")
    return dict(value)


def _roles(value: object) -> dict[str, tuple[str, ...]]:
    """``[tool.xencfg.nodes] san1 = "storage"``: roles where the files say too little."""
    from .cluster import parse_roles

    try:
        return parse_roles(_table(value), "nodes")
    except XencfgError as exc:
        raise ValueError(str(exc)) from None


def _versions(value: object) -> dict[str, Any]:
    """``[tool.xencfg.versions] drbd = "8.3"``: the releases the cluster runs."""
    from .versions import parse_declared

    try:
        return dict(parse_declared(_table(value), "versions"))
    except XencfgError as exc:
        raise ValueError(str(exc)) from None


def _per_file_ignores(value: object) -> dict[str, list[str]]:
    table = _table(value)
    out = {}
    for glob, codes in table.items():
        try:
            out[glob] = check_codes(codes)
        except ValueError as exc:
            raise ValueError(f"{glob!r}: {exc}") from None
    return out


def _severity(value: object) -> dict[str, str]:
    table = _table(value)
    out = {}
    for code, sev in table.items():
        if not known_code(code):
            raise ValueError(f"no rule has the code {code!r} (see 'xencfg rules')")
        if sev not in SEVERITIES:
            raise ValueError(f"{code}: wants one of {', '.join(SEVERITIES)}, got {sev!r}")
        out[code.upper()] = str(sev)
    return out


#: Every setting: its key in the file -> (the Settings attribute, its checker).
SCHEMA: dict[str, tuple[str, Callable[[object], Any]]] = {
    "select": ("select", check_codes),
    "extend-select": ("extend_select", check_codes),
    "ignore": ("ignore", check_codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "strict": ("strict", _bool),
    "exit-zero": ("exit_zero", _bool),
    "output-format": ("output_format", _output_format),
    "severity": ("severity", _severity),
    "baseline": ("baseline", _string),
    "nodes": ("nodes", _roles),
    "versions": ("versions", _versions),
}

#: Kept for callers of the old module: the known keys.
KEYS = set(SCHEMA)


def parse(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Validate ``data`` (the ``xencfg`` table) into :class:`Settings`; a wrong key or
    value raises :class:`SettingsError` naming the file and the key."""
    where = f"{path}: " if path is not None else ""
    settings = Settings(path=path)
    for key, value in data.items():
        entry = SCHEMA.get(key)
        if entry is None:
            known = ", ".join(sorted(SCHEMA))
            raise SettingsError(f"{where}unknown xencfg setting {key!r} (known: {known})")
        attr, checker = entry
        try:
            setattr(settings, attr, checker(value))
        except ValueError as exc:
            raise SettingsError(f"{where}setting {key!r}: {exc}") from None
    return settings


#: A settings file is a few lines; more is not one (and is not read whole).
MAX_SETTINGS_SIZE = 1 << 20


def _toml_load(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    from .errors import XencfgError
    from .syntax.source import read_text

    # the safe opener: a settings file in a tree someone else submitted may be a link
    # to /proc/kmsg (an open() read blocked lint forever), a FIFO or a huge file
    try:
        text = read_text(path, limit=MAX_SETTINGS_SIZE)
    except XencfgError as exc:
        raise SettingsError(f"cannot read settings: {exc}") from None
    try:
        text.encode("utf-8")  # (TOML is UTF-8: an undecodable byte is a lone surrogate here)
    except UnicodeEncodeError as exc:
        byte = ord(text[exc.start]) - 0xDC00
        raise SettingsError(
            f"{path}: cannot read settings: byte 0x{byte:02X} is not UTF-8 (TOML is)"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib words the place "(at line 2, column 10)" at the end of its message; an
        # editor and a CI log jump to path:line:col, as with every other error
        text = str(exc)
        at = re.search(r" \(at line (\d+), column (\d+)\)$", text)
        if at is None:
            raise SettingsError(f"{path}: cannot read settings: {text}") from None
        raise SettingsError(
            f"{path}:{at[1]}:{at[2]}: cannot read settings: {text[: at.start()]}"
        ) from None


def _tool_table(data: dict[str, Any]) -> object:
    """``[tool.xencfg]`` of a pyproject.toml (``None`` when absent)."""
    tool = data.get("tool")
    return tool.get("xencfg") if isinstance(tool, dict) else None


def _own_file_table(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``.xencfg.toml`` holds the keys at top level or in ``[tool.xencfg]`` (the README
    shows the latter for both files); not both."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "xencfg" in tool:
        rest = {k for k in data if k != "tool"} | {k for k in tool if k != "xencfg"}
        if rest:
            raise SettingsError(
                f"{path}: settings both in [tool.xencfg] and outside it: {', '.join(sorted(rest))}"
            )
        table = tool["xencfg"]
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: tool.xencfg wants a table")
        return table
    return data


def load(path: Path | str) -> Settings:
    """The settings of one file (``--config FILE``): a pyproject.toml's ``[tool.xencfg]``,
    or any other TOML file's top level / ``[tool.xencfg]``."""
    path = Path(path)
    data = _toml_load(path)
    if path.name == "pyproject.toml":
        table = _tool_table(data)
        if table is None:
            table = {}
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: tool.xencfg wants a table")
        return parse(table, path)
    return parse(_own_file_table(path, data), path)


def _search(start: Path) -> Settings | None:
    try:
        here = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop (Python < 3.13: RuntimeError)
        here = start.absolute()
    if not here.is_dir():
        here = here.parent
    for d in (here, *here.parents):
        own = d / ".xencfg.toml"
        if own.is_file():
            return load(own)
        project = d / "pyproject.toml"
        if project.is_file() and _tool_table(_toml_load(project)) is not None:
            return load(project)
    return None


def discover(paths: Iterable[str] = (), config: str | None = None) -> Settings:
    """The settings for a run over ``paths``: ``config`` when given, else the first
    settings file from the first linted path upwards, else from the working directory."""
    if config is not None:
        if not Path(config).is_file():
            raise SettingsError(f"{config}: no such settings file")
        return load(config)
    starts = [*[Path(p) for p in paths if p != "-"][:1], Path.cwd()]
    own = starts[0] / "etc" / ".xencfg.toml"
    if len(starts) > 1 and own.is_file():  # a node root: its etckeeper'd /etc's settings
        return load(own)
    for start in starts:
        found = _search(start)
        if found is not None:
            return found
    return Settings()


def find(start: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """The settings file that applies from ``start`` and its raw ``xencfg`` table
    (validated). Kept for older callers; new code uses :func:`discover`."""
    found = _search(start or Path.cwd())
    if found is None or found.path is None:
        return None, {}
    data = _toml_load(found.path)
    if found.path.name == "pyproject.toml":
        table = _tool_table(data)
        return found.path, table if isinstance(table, dict) else {}
    return found.path, _own_file_table(found.path, data)
