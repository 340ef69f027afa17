"""Which nodes run a CIB: the one answer every rule that asks it reads
(:func:`cib_nodes`), and the member lists of the messaging layers it is built from
(:func:`stack_lists`).

The CRM runs on the members of its messaging layer; each daemon reads them from
its own file:

- heartbeat: each ``node`` line of ha.cf adds a member (heartbeat/config.c,
  ``Directives``: ``KEY_HOST`` -> ``add_normal_node``); with ``autojoin any`` a node
  no line names adds itself at start ("Current node [%s] added to configuration",
  ``init_config``), else it refuses to start ("Current node [%s] not in
  configuration!"). (sipwise/heartbeat, heartbeat 3.0.)
- corosync 2 and 3: the ``nodelist``'s ``node`` entries; Pacemaker names each by its
  ``name``, else by ``ring0_addr`` (lib/cluster/corosync.c ``pcmk__corosync_name``:
  ``nodelist.node.%d.name``, then ``nodelist.node.%d.ring0_addr``). corosync 1 (and
  corosync 2 without a nodelist) reaches the ``interface { member { memberaddr } }``
  addresses under udpu (exec/totemconfig.c ``totem.interface.%u.member.``); the
  node is whoever owns the address.
- cman: each ``<clusternode name=...>`` of cluster.conf (cman/daemon/cmanconfig.c
  ``read_cman_nodes``: ``add_ccs_node`` for each clusternode's ``name``).

The CIB's own ``<nodes>`` are the members the CRM has seen join (Pacemaker adds
each on its first join); ping and remote nodes are no members of the layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from .cluster import Cluster, Loaded, memberships, short
from .cluster_model import joined
from .findings import Location

if TYPE_CHECKING:
    from .cluster_model import ClusterModel
    from .formats.cib.model import CibDocument

#: The formats whose member lists make a messaging layer, and how they are named.
STACK_FORMATS = {"hacf": "ha.cf", "corosync": "corosync", "cman": "cman"}


@attrs.frozen
class StackList:
    """The members one messaging-layer file lists: ``names`` maps each short name
    to (the name as written, the object naming it, for the finding's place)."""

    kind: str
    item: Loaded
    names: dict[str, tuple[str, object]] = attrs.field(eq=False)

    def where(self, key: str) -> Location:
        return self.item.where(self.names[key][1])


def stack_lists(cluster: Cluster) -> list[StackList]:
    """Every ha.cf, corosync.conf and cman cluster.conf member list of the run (see
    the module docstring for what each daemon reads), as the cluster model read them
    (``model.stack``: its "member" role comes from these lists, the one answer)."""
    return list(cluster.model.stack)


def read_stack_lists(cluster: Cluster, model: ClusterModel) -> list[StackList]:
    """The lists :func:`stack_lists` answers, read once while ``model`` is built (a
    corosync address names the node ``model`` gives it). A format's module is
    imported only when the run has a file of it."""
    out: list[StackList] = []
    for m in memberships(cluster):
        if m.source == "ha.cf":
            names = {short(n): (n, m.anchors.get(n)) for n in m.names}
            out.append(StackList(m.source, m.item, names))
    listed = {id(s.item) for s in out}
    if cluster.has("hacf"):
        from .formats.lines.hacf import HacfDocument

        for item, doc in cluster.typed("hacf", HacfDocument):
            autojoin = (doc.autojoin or "none").lower() != "none"
            if id(item) not in listed and item.node and autojoin:
                # autojoin: the node joins under its own name
                out.append(StackList("ha.cf", item, {short(item.node): (item.node, None)}))
    if cluster.has("corosync"):
        for item in cluster.docs("corosync"):
            if names := _corosync_names(model, item):
                out.append(StackList("corosync", item, names))
    if cluster.has("cman"):
        from .formats.cman import CmanDocument

        for item, conf in cluster.typed("cman", CmanDocument):
            cman: dict[str, tuple[str, object]] = {
                short(n.name): (n.name, n) for n in conf.nodes if n.name
            }
            if cman:
                out.append(StackList("cman", item, cman))
    return out


def listed_by(cluster: Cluster, item: Loaded) -> dict[str, tuple[str, object]]:
    """The members one ha.cf, corosync.conf or cluster.conf lists (see
    :func:`stack_lists`), by short name."""
    return next((s.names for s in stack_lists(cluster) if s.item is item), {})


def _corosync_names(model: ClusterModel, item: Loaded) -> dict[str, tuple[str, object]]:
    """The members a corosync.conf lists: each nodelist ``node`` by its ``name``, else
    its ring0 address (a host name, or the node that owns the IP); without a nodelist
    the udpu ``member`` addresses' owners. An address no node owns names nobody."""
    from .formats.lines.corosync import CorosyncDocument, ring_address

    doc = item.doc
    if not isinstance(doc, CorosyncDocument):
        return {}
    owners: dict[str, str] = {}
    for info in model.nodes.values():
        for address in info.addresses:
            owners.setdefault(address, info.name)

    def owner(address: str) -> str | None:
        address = address.strip()
        if not address:
            return None
        return owners.get(address) if ring_address(address) is not None else address

    out: dict[str, tuple[str, object]] = {}
    if doc.sections("nodelist"):
        for n in doc.nodes:
            name = n.name or owner(n.ring_addrs.get(0, ""))
            if name:
                out.setdefault(short(name), (name, n.block))
        return out
    for totem in doc.sections("totem"):
        for iface in totem.blocks("interface"):
            for member in iface.blocks("member"):
                entry = member.entry("memberaddr")
                name = owner(" ".join(entry.values)) if entry is not None else None
                if name:
                    out.setdefault(short(name), (name, entry))
    return out


@attrs.frozen
class Member:
    """One node that runs a CIB: its name (as the CIB spells it, else its node tree,
    else the first list), its ``<node>`` in the CIB and the stack-file lines naming it."""

    name: str
    in_cib: Location | None = None
    listed: tuple[Location, ...] = ()


@attrs.frozen
class CibNodes:
    """The answer of :func:`cib_nodes`: ``members`` by short name; ``said`` is false
    where no file says which nodes run the CIB (then the members are every cluster
    member of the run, never a box that only serves storage)."""

    members: dict[str, Member] = attrs.field(eq=False)
    said: bool = True

    @property
    def names(self) -> frozenset[str]:
        """The members' short names."""
        return frozenset(self.members)

    def spelled(self) -> list[str]:
        return [m.name for m in self.members.values()]


def _cib_members(doc: CibDocument) -> Iterable[tuple[str, object]]:
    """The CIB's ``<nodes>`` that are members of the messaging layer (not ping or
    remote nodes: nothing in corosync or heartbeat knows them as such)."""
    for n in doc.nodes:
        if n.uname and (n.type or "normal").lower() in ("normal", "member"):
            yield n.uname, n


def cib_nodes(cluster: Cluster, items: Iterable[Loaded]) -> CibNodes:
    """The nodes that run the CIB held in ``items`` (one CIB's copies, or fragments
    checked together): ONE messaging layer's members, as its daemon reads them (the
    module docstring cites heartbeat's, corosync's and cman's source). CB006, CB013,
    CB022, CB037, XN018, DR043 and the graph's domU layer ask this, and nothing else.

    They are the CIB's own ``<nodes>`` (normal members), the heartbeat cluster(s)
    the model puts its files in (ha.cf lists and CIB copies that share a node, a
    loose CIB only where it is a copy: cluster.py ``_heartbeat_layer``), and the
    members each stack file lists (ha.cf ``node`` lines or autojoin, a corosync
    nodelist or udpu members, cman's clusternodes) on the node trees that hold the
    CIB or its cluster's files, or that list a tree holding it. A loose CIB with
    ``<nodes>`` takes the lists of a corosync or cman cluster that has the same
    nodes, one list holding the other; and the nodes the user declares members
    (``--role NAME=member``). Where nothing says (fragments or a loose CIB
    without ``<nodes>``): every member of the run's layers, no storage-only box;
    with none, every node tree but those; with none of those either, nobody."""
    items = tuple(items)
    key = "cib-nodes:" + ",".join(str(id(i)) for i in items)
    return cluster.fact(key, lambda: _cib_nodes(cluster, items))


def _cib_nodes(cluster: Cluster, items: tuple[Loaded, ...]) -> CibNodes:
    from .formats.cib.model import CibDocument

    model = cluster.model
    roots = {short(n): n for n in cluster.nodes if n}
    cib_names: dict[str, tuple[str, Location | None]] = {}  # the CIB's spelling, its <node>
    listed_as: dict[str, str] = {}  # the first list's spelling
    lines: dict[str, list[Location]] = {}

    def in_cib(item: Loaded, where: bool) -> None:
        if isinstance(item.doc, CibDocument):
            for name, node in _cib_members(item.doc):
                if short(name) not in cib_names or (where and cib_names[short(name)][1] is None):
                    cib_names[short(name)] = (name, item.where(node) if where else None)

    mine = {id(i) for i in items}
    holders = {short(i.node) for i in items if i.node}
    for item in items:
        in_cib(item, True)
    own_nodes = set(cib_names)
    own = [c for c in model.heartbeat_clusters if any(id(e) in mine for e in c.evidence)]
    evidence = [e for c in own for e in c.evidence]
    for e in evidence:
        if id(e) not in mine:
            in_cib(e, False)  # another copy of the cluster's CIB
    trees = holders | {short(e.node) for e in evidence if e.node}
    for s in stack_lists(cluster):
        tree = short(s.item.node) if s.item.node else None
        names = set(s.names)
        if (
            any(s.item is e for e in evidence)
            or tree in trees
            or (tree is not None and names & holders)
            or (not holders and own_nodes and _copy_of(cluster, s, own_nodes))
        ):
            for k, (written, _) in s.names.items():
                listed_as.setdefault(k, written)
                lines.setdefault(k, []).append(s.where(k))
    keys = set(cib_names) | set(listed_as)
    if not keys:
        # A tree holding a CIB runs it; but where the CIB's <nodes> or a list names the
        # members, a holder they do not name is the same node under its folder's name
        # (a sosreport's, a test's), or one that has not joined: not a member of its own.
        keys = set(holders)
    said = bool(keys)
    keys |= model.declared_members()  # (--role NAME=member: the user says it runs it)
    if not said:  # (a box a messaging layer lists is a member, whatever it serves)
        keys = set(model.members())
        if not keys:
            keys = {k for k in roots if not _storage_only(cluster, k)}
    members = {}
    for k in sorted(keys):
        name, where = cib_names.get(k, (None, None))
        spelled = name or roots.get(k) or listed_as.get(k) or k
        members[k] = Member(spelled, where, tuple(lines.get(k, ())))
    return CibNodes(members, said)


def _copy_of(cluster: Cluster, s: StackList, nodes: set[str]) -> bool:
    """Whether a loose CIB naming ``nodes`` runs on the corosync or cman cluster of
    ``s``: the lists meet and one holds the other (a node added since), as a copy of
    its configuration would. Not for ha.cf, nor a list on a tree that holds a CIB:
    there cluster.py ``_heartbeat_layer`` judged the copy (node ids and all)."""
    if s.kind == "ha.cf" or (s.item.node and cluster.has("cib", node=s.item.node)):
        return False
    names = set(s.names)
    return bool(names & nodes) and (names <= nodes or nodes <= names)


def _storage_only(cluster: Cluster, key: str) -> bool:
    info = cluster.model.node(key)
    return info is not None and info.storage_only


def site_clusters(cluster: Cluster) -> list[list[str]]:
    """The node trees of the run grouped into their clusters, in the run's order: trees
    whose stack files (:func:`stack_lists`) or CIB ``<nodes>`` (the model's heartbeat
    clusters) share a member are one cluster. Trees in none are in no group."""
    lists = [({short(s.item.node), *s.names}, 0) for s in stack_lists(cluster) if s.item.node]
    lists += [(set(c.members), 0) for c in cluster.model.heartbeat_clusters]
    trees = [n for n in cluster.nodes if n]
    out = [[n for n in trees if short(n) in keys] for keys, _ in joined(lists)]
    return sorted((g for g in out if g), key=lambda g: trees.index(g[0]))


def apart(cluster: Cluster | None, a: str | None, b: str | None) -> bool:
    """Whether two nodes are members of two separate clusters (two dom0 clusters on
    one site, each with its own heartbeat or corosync): nothing of one runs on the
    other's hosts. Nodes no file puts in a cluster are never apart."""
    if cluster is None or not a or not b:
        return False
    clusters = cluster.model.heartbeat_clusters
    ca = next((c for c in clusters if short(a) in c.members), None)
    cb = next((c for c in clusters if short(b) in c.members), None)
    return ca is not None and cb is not None and ca is not cb
