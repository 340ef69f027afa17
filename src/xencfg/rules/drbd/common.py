"""What every DRBD rule reads: the DRBD (and hosts, ha.cf, OCFS2) documents of a
loaded file, each node's drbd.conf with the files it includes, the resources a node
sees, their settings as a host sees them, and short host names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

import attrs

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from ...formats.drbd import Effective, Host, Resource
from ...formats.drbd.conflicts import Conflict, find_conflicts
from ...syntax.blocks import Block
from .. import make
from ..documents import drbd_doc as _drbd

if TYPE_CHECKING:
    from ...formats.drbd.views import ConnectionHost
    from ...syntax.blocks import Entry


def short(name: str) -> str:
    """How drbdadm matches an ``on`` name against ``uname -n``: no domain, any case."""
    return name.split(".", 1)[0].lower()


def _node_configs(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Each node's drbd files (the logical configuration: drbd.conf plus drbd.d/*),
    leaving out ``drbdsetup show`` dumps. Computed once per run (``cluster.fact``).

    Where the node has an /etc/drbd.conf, only the files it reaches through its
    ``include`` statements count: drbdadm reads /etc/drbd.conf and what it includes,
    never a drbd.d/ file nothing includes (a commented-out ``#include
    "drbd.d/global_common.conf";``, an old.conf left beside the .res files). Such a
    file's resources conflict with nothing and its ``common`` is not the node's."""

    def compute() -> dict[str, list[Loaded]]:
        out: dict[str, list[Loaded]] = {}
        for node, items in cluster.by_node("drbd").items():
            keep = _included([i for i in items if not _drbd(i).is_drbdsetup_show])
            if keep:
                out[node] = keep
        return out

    return cluster.fact("drbd:configs", compute)


def _parts(path: str) -> list[str]:
    return [p for p in os.path.normpath(path).split(os.sep) if p]


def _matches(path: list[str], pattern: list[str]) -> bool:
    """``path`` matches the glob ``pattern`` component by component (glob(3): ``*``
    stays within one component)."""
    return len(path) == len(pattern) and all(
        # plain components are compared, not compiled to a regex (start-up)
        fnmatchcase(p, glob) if any(c in glob for c in "*?[") else p == glob
        for p, glob in zip(path, pattern, strict=True)
    )


def _included(items: list[Loaded]) -> list[Loaded]:
    """``items`` less the files a node's /etc/drbd.conf does not reach by ``include``
    (all of them when there is no /etc/drbd.conf: a drbd.d/ linted alone)."""
    paths = {id(i): _parts(os.path.abspath(i.file.path)) for i in items}
    # the node's /etc/drbd.conf: not one in drbd.d/ (an etckeeper tree's etc has any name)
    tops = [
        i for i in items if paths[id(i)][-1] == "drbd.conf" and paths[id(i)][-2:-1] != ["drbd.d"]
    ]
    if len(tops) != 1:
        return items
    # the node's / and /etc as discovery found them (a loose drbd.conf: its folder)
    tree = tops[0].file.tree
    etc = _parts(os.path.abspath(tree.etc)) if tree is not None else paths[id(tops[0])][:-1]
    slash = tree.slash if tree is not None else None
    root = _parts(os.path.abspath(slash)) if slash is not None else None
    reached, todo = {id(tops[0])}, [tops[0]]
    while todo:
        including = todo.pop()
        here = paths[id(including)][:-1]
        for pattern in _drbd(including).includes:
            if pattern.startswith("/"):
                # the node's /etc/... is this tree's etc/, anything else below its / (a
                # tree that is only an /etc has none)
                full = _parts(pattern)
                want = [etc + full[1:]] if full[:1] == ["etc"] else []
                want += [root + full] if root is not None else []
            else:
                want = [_parts(os.path.join(os.sep, *here, pattern))]
            for i in items:
                if id(i) not in reached and any(_matches(paths[id(i)], w) for w in want):
                    reached.add(id(i))
                    todo.append(i)
    return [i for i in items if id(i) in reached]


def _resources(cluster: Cluster, items: list[Loaded]) -> list[tuple[Loaded, Resource]]:
    """Every resource of one node's configuration, with ``common`` from whichever file
    has it; once per run and node, shared by every DRBD rule."""
    memo: dict[int, list[tuple[Loaded, Resource]]] = cluster.fact("drbd:resources", dict)
    key = id(items)  # the lists of _node_configs live as long as the run
    if key not in memo:
        common = None
        for i in items:
            common = _drbd(i).common_block or common
        memo[key] = [(i, res) for i in items for res in _drbd(i).resource_list(common)]
    return memo[key]


def _conflicts_of(cluster: Cluster, items: list[Loaded]) -> list[Conflict]:
    """:func:`find_conflicts` over one node's configuration, once per run: DR001,
    DR002 and DR017 read the same list (with the resources and settings already held)."""
    memo: dict[int, list[Conflict]] = cluster.fact("drbd:conflicts", dict)
    if id(items) not in memo:
        memo[id(items)] = find_conflicts(
            [_drbd(i) for i in items],
            [(_drbd(i), r) for i, r in _resources(cluster, items)],
            lambda r, h: _effective(cluster, r, h),
        )
    return memo[id(items)]


@attrs.frozen
class _Claim:
    """A resource's use of something one node may give once (an address, a minor, a
    disk), where it is written: the first one is what DR001 to DR003 report a later
    resource's use against, which may stand in another file of the node."""

    item: Loaded
    at: Any
    resource: str
    floating: bool = False

    def where(self) -> Location:
        return self.item.where(self.at)

    def clash(self, code: str, message: str, first: _Claim) -> Finding:
        """Rule ``code``'s finding at this use, ``first`` as related: ``twice()``
        across the files of a node."""
        return make(code, message, self.where(), [first.where()])


def _effective(cluster: Cluster, res: Resource, host: str) -> Effective:
    """``res.effective(host)``, computed once per run for the rules that follow."""
    memo: dict[tuple[int, str], tuple[Resource, Effective]] = cluster.fact("drbd:effective", dict)
    hit = memo.get((id(res), host))
    if hit is None or hit[0] is not res:
        hit = memo[(id(res), host)] = (res, res.effective(host))
    return hit[1]


def _on_hosts(res: Resource) -> Iterator[Host]:
    """``res``'s ``on`` sections (of :attr:`Resource.host_list`, the others not made:
    rules ask fifteen times a resource)."""
    for c in res.block.child_nodes():
        if isinstance(c, Block) and c.key == "on":
            yield Host(c)


def written(ch: ConnectionHost) -> Entry | Block:
    """Where a connection's ``host`` is written, where findings about it point: the
    statement, or the section (``host NAME { via proxy ... }``)."""
    return ch.entry if ch.entry is not None else ch.block


def own_hosts(
    cluster: Cluster, items: list[Loaded], node: str
) -> Iterator[tuple[Loaded, Resource, Host]]:
    """Each DRBD resource of ``node``'s files with the ``on`` section that is ``node``'s
    own (names compared by their host part)."""
    for item, res in _resources(cluster, items):
        for h in node_hosts(res, node):
            yield item, res, h


def node_hosts(res: Resource, node: str) -> list[Host]:
    """``res``'s ``on`` sections that name ``node`` (by their host part, see :func:`short`)."""
    want = short(node)
    return [h for h in _on_hosts(res) if want in {short(n) for n in h.names}]


def hostnames_equal(a: str, b: str) -> bool:
    """How drbdadm 9 matches an ``on`` name with ``uname -n`` (hostnames_equal in
    user/v9/drbdadm_parser.c): two names with a domain compare whole, otherwise the
    host parts do; in any case. (drbdadm 8.3 and 8.4 compare with strcmp instead:
    name_in_names in user/v84/drbdadm_parser.c.)"""
    if "." in a and "." in b:
        return a.lower() == b.lower()
    return short(a) == short(b)


def protocol_per_connection(res: Resource) -> bool:
    """Whether a DRBD 9 ``connection`` or ``connection-mesh`` section of ``res`` sets
    ``protocol`` in its ``net``: drbdadm 9 then hands each connection its own
    (expand_common in user/v9/drbdadm_postparse.c: the section's net options over the
    resource's), so the resource-level one is not every connection's."""
    return any(
        net.get("protocol") is not None
        for kind in ("connection", "connection-mesh")
        for link in res.block.blocks(kind)
        for net in link.blocks("net")
    )


def _connection_addresses(res: Resource) -> dict[frozenset[str], dict[str, list[Any]]]:
    """Per pair of hosts (short names) of the resource's ``connection`` sections: each
    host's addresses written in them (``host NAME address IP:PORT``), with the
    statement."""
    out: dict[frozenset[str], dict[str, list[Any]]] = {}
    for conn in res.connections:
        for ends in conn.all_paths:
            names = frozenset(short(ch.name) for ch in ends)
            if len(names) != 2:
                continue
            for ch in ends:
                addr = ch.address
                if addr is not None and addr.ip and addr.port is not None:
                    where = written(ch)
                    out.setdefault(names, {}).setdefault(short(ch.name), []).append(
                        (addr.host_port, where)
                    )
    return out
