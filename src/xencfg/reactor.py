"""drbd-reactor's promoter: which DRBD resources it promotes on a node, read from
/etc/drbd-reactor.toml and the snippets folder it names (default /etc/drbd-reactor.d,
``*.toml``), here and not in the rules (DR047 and LS004 ask :func:`run_promoted`).

Only the promoter's resource names are read (``[[promoter]]`` then
``[promoter.resources.NAME]``, drbd-reactor doc/promoter.md); a file TOML does not
read is skipped, as drbd-reactor would refuse it and promote nothing from it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Cluster
    from .discover import NodeRoot

#: The largest snippet read (a promoter snippet is a few lines).
_LIMIT = 1 << 20
#: Snippets read of one folder.
_MAX_SNIPPETS = 1000


def _loads(text: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def _promoter_names(data: dict[str, Any]) -> list[str]:
    """The resource names of every promoter instance of one parsed file."""
    promoter = data.get("promoter")
    instances = promoter if isinstance(promoter, list) else [promoter]
    names: list[str] = []
    for inst in instances:
        resources = inst.get("resources") if isinstance(inst, dict) else None
        if isinstance(resources, dict):
            names.extend(str(n) for n in resources)
    return names


def promoted_resources(tree: NodeRoot) -> dict[str, str]:
    """DRBD resource name -> the /etc file whose promoter lists it, for one node;
    empty when the node has no drbd-reactor configuration."""
    from .discover import etc_file_text

    found: dict[str, str] = {}
    main = etc_file_text(tree, tree.etc / "drbd-reactor.toml", _LIMIT)
    data = _loads(main) if main is not None else None
    snippets = "/etc/drbd-reactor.d"
    if data is not None:
        found.update(dict.fromkeys(_promoter_names(data), "/etc/drbd-reactor.toml"))
        value = data.get("snippets")
        if isinstance(value, str) and value.startswith("/etc/") and ".." not in value:
            snippets = value.rstrip("/")
    folder = tree.etc / snippets[len("/etc/") :]
    names: list[str] = []
    try:
        if folder.is_symlink() or not folder.is_dir():
            return found
        for entry in folder.iterdir():
            if entry.name.endswith(".toml"):
                names.append(entry.name)
            if len(names) >= _MAX_SNIPPETS:
                break
    except OSError:
        return found
    for name in sorted(names):
        text = etc_file_text(tree, folder / name, _LIMIT)
        data = _loads(text) if text is not None else None
        if data is not None:
            found.update(dict.fromkeys(_promoter_names(data), f"{snippets}/{name}"))
    return found


def run_promoted(cluster: Cluster, tree: NodeRoot) -> dict[str, str]:
    """:func:`promoted_resources` of ``tree``, read once per run: DR047 asks each node
    and LS004 each Primary resource of it, and each reading parses every snippet."""
    memo: dict[NodeRoot, dict[str, str]] = cluster.fact("reactor-promoted", dict)
    if tree not in memo:
        memo[tree] = promoted_resources(tree)
    return memo[tree]
