"""What drbdadm's parser refuses across resources: a name, a minor or an address
claimed twice (drbdadm's ``conflicting use of ...`` errors).

The detection reads the typed views only, so it sits with the format (formats below
rules, docs/architecture.md): ``DrbdDocument.conflicts()``, ``Config.conflicts()``
and lint's DR001/DR002 (:mod:`xencfg.rules.drbd`, which word and place the
findings) all call :func:`find_conflicts`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ...syntax.blocks import Block
from .views import Host, Resource, Volume

if TYPE_CHECKING:
    from ...syntax.tree import Node
    from .document import DrbdDocument
    from .views import Effective


@attrs.frozen
class Conflict:
    """Two places that claim the same thing, as drbdadm reports them
    (``conflicting use of KIND 'KEY' ...`` / ``... first used here``).

    ``kind`` is ``resource`` (a name defined twice, ``common`` included: drbdadm
    reads ``common`` as a resource section of that name), ``global`` (a second
    ``global`` section), ``device-minor`` (one minor used twice on a host),
    ``address`` (one ``ip:port`` for two host sections) or ``stacked`` (a second
    ``stacked-on-top-of`` one lower resource, in any resource); ``node`` is the later
    statement, ``first`` the earlier.
    """

    kind: str
    key: str
    node: Node = attrs.field(eq=False, repr=False)
    first: Node = attrs.field(eq=False, repr=False)
    document: DrbdDocument | None = attrs.field(default=None, eq=False, repr=False)
    first_document: DrbdDocument | None = attrs.field(default=None, eq=False, repr=False)

    def lines(self) -> tuple[int, int]:
        """Line of the conflicting use and of the first use (each in its own file)."""
        a = self.document.position(self.node)[0] if self.document else 0
        b = self.first_document.position(self.first)[0] if self.first_document else 0
        return a, b


def find_conflicts(
    docs: list[DrbdDocument],
    resources: list[tuple[DrbdDocument, Resource]] | None = None,
    effective: Callable[[Resource, str], Effective] | None = None,
) -> list[Conflict]:
    """Duplicate ``global`` and ``common`` sections, resource names, device minors
    per host, replication addresses and stacked sections on one lower resource.

    A caller that holds them already (lint's per-run store) hands in ``resources``,
    each document's resources with the last ``common`` applied, in order, and
    ``effective``, ``Resource.effective`` remembered: on a node of 2000 resources
    both cost more than the search itself."""
    out: list[Conflict] = []
    seen: dict[tuple[str, str], tuple[Node, DrbdDocument]] = {}

    def claim(kind: str, key: str, node: Node, doc: DrbdDocument) -> None:
        first = seen.setdefault((kind, key), (node, doc))
        if first[0] is not node:
            out.append(Conflict(kind, key, node, first[0], doc, first[1]))

    common = None
    for d in docs:
        common = d.common_block or common
        # drbdadm: check_uniq("global section", "global") in parse_global, and
        # check_uniq("resource section", "common") in parse_resource (drbdadm_parser.c)
        for top in d.children:
            if isinstance(top, Block) and top.key in ("global", "common"):
                kind = "global" if top.key == "global" else "resource"
                claim(kind, top.key, top, d)
    # a stacked resource's device lives on the machines of the resource below it
    if resources is None:
        resources = [(doc, res) for doc in docs for res in doc.resource_list(common)]
    every = resources
    lower = {r.name: r for _, r in every}
    stacked_twice: set[int] = set()
    for doc, res in every:
        claim("resource", res.name, res.block, doc)
        # check_uniq("stacked-on-top-of", "stacked:%s", lower) in parse_stacked_section
        # (user/v83, v84 and v9 drbdadm_parser.c): one stacked section per lower resource
        for h in res.host_list:
            if h.kind == "stacked-on-top-of":
                before = len(out)
                claim("stacked", h.name, h.block, doc)
                if len(out) > before:
                    stacked_twice.add(id(h.block))
    # drbdadm claims the stacked resources' minors and addresses after the others
    for doc, res in sorted(every, key=lambda dr: dr[1].stacked):
        # (``floating ADDR;`` is a host without a body, in host_list too: its address
        # is claimed like a section's, "conflicting use of IP", peer-drbdadm 83/84/9)
        for h in res.host_list:
            addr = h.address
            where = h.block.entry("address") or h.node
            # (no IP literal, e.g. a '10.0.0.x' placeholder: drbdadm stops at it, "Parse
            # error: ... <ipv4 address> expected", before comparing any: XC005's alone)
            if addr is not None and addr.port is not None and addr.family is not None:
                key = addr.host_port
                if addr.ip.startswith("127.") or addr.ip == "::1":
                    # loopback (DRBD proxy): each machine has its own
                    key = f"{' '.join(h.names)}/{key}"
                claim("address", key, where, doc)
            if h.kind == "on":
                machines = h.names
            elif id(h.block) in stacked_twice:
                continue  # (its volumes are the first section's to the views: no minors)
            elif h.kind == "stacked-on-top-of" and h.name in lower:
                machines = [n for x in lower[h.name].host_list for n in x.names]
            else:
                continue
            eff = effective(res, h.name) if effective is not None else res.effective(h.name)
            for n, vol in eff.volumes.items():
                dev = vol.get("device")
                if dev is None or dev.minor is None:
                    continue
                node = _device_node(res, h, n) or h.block
                for name in machines:
                    claim("device-minor", f"{name}:{dev.minor}", node, doc)
    return out


def _device_node(res: Resource, host: Host, volume: int) -> Node | None:
    """Where ``host`` gets its minor for ``volume``: the ``volume`` section holding a
    ``device`` (drbdadm reports the section's line), else the ``device`` statement."""
    for view in (host.volumes.get(volume), host, res.volumes.get(volume), res):
        if view is None or (isinstance(view, (Host, Resource)) and volume != 0):
            continue
        e = view.block.entry("device")
        if e is not None:
            return view.block if isinstance(view, Volume) else e
    return None


__all__ = ["Conflict", "find_conflicts"]
