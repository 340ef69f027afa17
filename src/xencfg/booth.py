"""booth's configuration (/etc/booth/*.conf on the sites and the arbitrator): its
sites, arbitrators and tickets, read here, not in the rules (CB042, CB043 and the geo
guests of XN001-XN004 ask :func:`booth_tickets` / :func:`booth_config`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._lazy import lazy_re

if TYPE_CHECKING:
    from pathlib import Path

    from .cluster import Cluster
    from .discover import NodeRoot

#: A ``key = value`` line of booth.conf as booth's src/config.c ``read_config`` cuts it:
#: a key of letters, digits, ``-`` and ``_``; a value in double or single quotes, else
#: the rest of the line without its trailing blanks (a ``#`` there is part of it).
#: ``ticket = "NAME"`` opens a ticket, ``__defaults__`` the defaults.
_KEY_VALUE = lazy_re(r"""\s*([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(.*\S))""")


@attrs.frozen
class BoothConfig:
    """One booth configuration: its file on the node and what it lists."""

    path: str
    sites: tuple[str, ...]
    arbitrators: tuple[str, ...]
    tickets: tuple[str, ...]


def _parse(path: str, text: str) -> BoothConfig:
    found: dict[str, list[str]] = {"site": [], "arbitrator": [], "ticket": []}
    for line in text.splitlines():
        m = _KEY_VALUE.match(line)
        value = (m[2] or m[3] or m[4]) if m else None
        if m and m[1] in found and value and value != "__defaults__":
            found[m[1]].append(value)
    return BoothConfig(
        path, tuple(found["site"]), tuple(found["arbitrator"]), tuple(found["ticket"])
    )


def _read(file: Path) -> str | None:
    from .errors import XencfgError
    from .syntax.source import read_text

    try:
        return read_text(file, limit=1 << 20, follow=False)
    except XencfgError:  # (absent, unreadable, not a regular file)
        return None


def booth_config(tree: NodeRoot, name: str) -> BoothConfig | None:
    """The booth configuration ``name`` of a node: boothd's ``-c`` (the booth-site
    agent's ``config``, default ``booth``), a file name when it holds a ``/``, else
    /etc/booth/NAME.conf; ``None`` when the tree does not hold it."""
    from .discover import etc_file_text

    path = name if "/" in name else f"/etc/booth/{name}.conf"
    if not path.startswith("/etc/"):
        return None
    text = etc_file_text(tree, tree.etc / path[len("/etc/") :], 1 << 20)
    return None if text is None else _parse(path, text)


def booth_confs(tree: NodeRoot) -> list[Path] | None:
    """The booth configurations of a node tree (/etc/booth/*.conf, not through a linked
    folder), sorted; ``None`` where the folder cannot be read."""
    folder = tree.etc / "booth"
    try:
        if folder.is_symlink() or not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.name.endswith(".conf"))
    except OSError:
        return None


def booth_tickets(cluster: Cluster) -> frozenset[str]:
    """The tickets the booth.conf files of the run's trees (/etc/booth/*.conf) define."""

    def compute() -> frozenset[str]:
        names: set[str] = set()
        for node in cluster.nodes:
            tree = cluster.tree(node) if node else None
            for conf in (booth_confs(tree) or []) if tree is not None else []:
                text = _read(conf)
                if text is not None:
                    names.update(_parse(str(conf), text).tickets)
        return frozenset(names)

    return cluster.fact("booth:tickets", compute)
