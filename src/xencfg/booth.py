"""booth's configuration (/etc/booth/*.conf on the sites and the arbitrator): the
tickets it grants, read here, not in the rules (CB042 and the geo guests of XN001-XN004
ask :func:`booth_tickets`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_re

if TYPE_CHECKING:
    from .cluster import Cluster

#: A ``key = value`` line of booth.conf (booth src/config.c ``read_config``: the value
#: may be quoted; ``ticket = "NAME"`` opens a ticket, ``__defaults__`` the defaults).
_KEY_VALUE = lazy_re(r'\s*([A-Za-z-]+)\s*=\s*"?([^"\s#]*)')


def booth_tickets(cluster: Cluster) -> frozenset[str]:
    """The tickets the booth.conf files of the run's trees (/etc/booth/*.conf) define."""

    def compute() -> frozenset[str]:
        from .errors import XencfgError
        from .syntax.source import read_text

        names: set[str] = set()
        for node in cluster.nodes:
            tree = cluster.tree(node) if node else None
            folder = tree.etc / "booth" if tree is not None else None
            try:
                if folder is None or folder.is_symlink() or not folder.is_dir():
                    continue
                confs = sorted(p for p in folder.iterdir() if p.name.endswith(".conf"))
            except OSError:
                continue
            for conf in confs:
                try:
                    text = read_text(conf, limit=1 << 20, follow=False)
                except XencfgError:  # (unreadable, not a regular file)
                    continue
                for line in text.splitlines():
                    m = _KEY_VALUE.match(line)
                    if m and m[1] == "ticket" and m[2] and m[2] != "__defaults__":
                        names.add(m[2])
        return frozenset(names)

    return cluster.fact("booth:tickets", compute)
