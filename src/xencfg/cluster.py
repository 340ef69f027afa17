"""All documents of all nodes, indexed for the cross-file and cross-node rules,
and the cluster model built from them.

Rules ask the cluster questions ("every drbd document of every node", "the
node whose ha.cf is this", "the members of the OCFS2 cluster") instead of
walking files themselves, so adding a node or a format never changes a rule.

:class:`ClusterModel` (``cluster.model``) is computed once per run from the
evidence the files give: which node plays which role (heartbeat/Pacemaker
member, OCFS2 member, DRBD peer, iSCSI target box, initiator, xend relocation
peer), which nodes form each layer, each node's names and addresses, and the
storage chain from a target's LUN to the domU disk that uses it. A root the
run was given that no layer names is *not* a cluster member: a separate iSCSI
box beside two dom0s is storage, not a third node. The model's types are in
:mod:`.cluster_model` and its storage layer in :mod:`.storage_chain`; the names
callers use are importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

if TYPE_CHECKING:
    from .formats.cib.model import Colocation, Constraint, Order
    from .formats.drbd import Resource
    from .formats.lines.hosts import HostsDocument, HostsIndex

# the model's types, and the helpers callers import from here (split to cluster_model.py)
from .cluster_model import ROLE_ALIASES as ROLE_ALIASES
from .cluster_model import ROLES as ROLES
from .cluster_model import ClusterModel, Layer, NodeInfo, _NodeOf, joined, short
from .cluster_model import StorageLink as StorageLink
from .cluster_model import parse_roles as parse_roles
from .discover import NodeRoot, SourceFile
from .document import Document
from .findings import Location
from .storage_chain import _iscsi_layers, _storage_chain
from .storage_chain import _wwid_matches as _wwid_matches
from .storage_chain import ietd_not_read as ietd_not_read
from .versions import Versions

T = TypeVar("T")
D = TypeVar("D", bound=Document)


@attrs.define
class Loaded:
    """A file that parsed: the document, where it came from, and its node."""

    file: SourceFile
    doc: Document
    #: The releases in force for the whole run (the cluster's, shared; set by lint).
    versions: Versions = attrs.field(factory=Versions, eq=False, repr=False)
    #: What rules derive from the document once per run (keyword problems, read by
    #: XC003, XC004 and heartbeat rules alike, each with a did-you-mean search).
    derived: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def node(self) -> str | None:
        return self.file.node

    def keyword_uses(self) -> list[tuple[str, str, Any]] | None:
        """The document's ``keyword_uses()`` (``None`` for a format without), listed once
        per run: release inference, the schema verdicts (XC004, XC008, XC009), DR016 and
        DR026 each walked every keyword of the file."""
        if "keyword_uses" not in self.derived:
            uses = getattr(self.doc, "keyword_uses", None)
            self.derived["keyword_uses"] = list(uses()) if uses is not None else None
        found: list[tuple[str, str, Any]] | None = self.derived["keyword_uses"]
        return found

    def where(self, node: object = None) -> Location:
        """The report location of the document or of one of its objects (a syntax node,
        a typed view, a CIB element, an offset): each document places its own."""
        if node is None:
            return Location(self.file.display, 1, 1)
        line, col = self.doc.position(node)
        return Location(self.file.display, line, col)


def hosts_index(item: Loaded) -> HostsIndex:
    """The index of a hosts file item (names and addresses to lines), built once per run
    for every rule and the model that ask it (:class:`~xencfg.formats.lines.hosts.HostsIndex`)."""
    found: HostsIndex | None = item.derived.get("hosts-index")
    if found is None:
        found = item.derived["hosts-index"] = cast("HostsDocument", item.doc).index()
    return found


@attrs.define
class Cluster:
    """The parsed files of every node (and loose files), by node and format."""

    nodes: list[str] = attrs.Factory(list)
    loaded: list[Loaded] = attrs.Factory(list)
    #: Each component's release in force, declared or read from the files.
    versions: Versions = attrs.Factory(Versions)
    #: Roles the user stated (``--role san1=storage``, ``[tool.xencfg.nodes]``), by node name.
    roles: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    _facts: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per run under ``key``: the per-run store every rule shares
        (facts live and die with this cluster; nothing is cached at module level). A
        document added later starts the store afresh."""
        if self._facts.get("") != len(self.loaded):
            self._facts.clear()
            self._facts[""] = len(self.loaded)
        if key not in self._facts:
            self._facts[key] = compute()
        value: T = self._facts[key]
        return value

    @property
    def model(self) -> ClusterModel:
        """The typed cluster model (roles, layers, names, storage chain), built on first use."""
        return self.fact("model", lambda: build_model(self))

    def tree(self, node: str) -> NodeRoot | None:
        """Where ``node``'s files are and the host name its boot files set, as discovery
        found them (each of its files carries the tree); ``None`` for a node of loose
        files outside any ``etc`` folder."""

        def index() -> dict[str, NodeRoot]:
            out: dict[str, NodeRoot] = {}
            for item in self.loaded:
                if item.node and item.file.tree is not None:
                    out.setdefault(item.node, item.file.tree)
            return out

        return self.fact("trees", index).get(node)

    def _by_format(self) -> dict[str, list[Loaded]]:
        def index() -> dict[str, list[Loaded]]:
            out: dict[str, list[Loaded]] = {}
            for item in self.loaded:
                out.setdefault(item.file.format or "", []).append(item)
            return out

        return self.fact("by-format", index)

    def docs(self, fmt: str, node: str | None = None) -> Iterator[Loaded]:
        """Parsed documents of format ``fmt`` (of one node when given)."""
        for item in self._by_format().get(fmt, ()):
            if node is None or item.node == node:
                yield item

    def typed(self, fmt: str, kind: type[D], node: str | None = None) -> Iterator[tuple[Loaded, D]]:
        """Like :meth:`docs`, with each document as its model class (``kind``), so rules
        read typed attributes instead of ``getattr`` on an untyped document."""
        for item in self.docs(fmt, node):
            if isinstance(item.doc, kind):
                yield item, item.doc

    def first(self, fmt: str, node: str | None) -> Loaded | None:
        return next(self.docs(fmt, node), None)

    def has(self, *fmts: str, node: str | None = None) -> bool:
        """Whether a document of one of ``fmts`` was read (of ``node`` when given). Code
        that reads only such documents asks first, and imports the formats' modules
        (for :meth:`typed`) only then: a run without them imports none."""
        return any(self.first(fmt, node) is not None for fmt in fmts)

    def by_node(self, fmt: str) -> dict[str, list[Loaded]]:
        """Documents of ``fmt`` grouped by node name (loose files under '')."""
        out: dict[str, list[Loaded]] = {}
        for item in self.docs(fmt):
            out.setdefault(item.node or "", []).append(item)
        return out


@attrs.frozen
class Membership:
    """The node names one file declares as cluster members, and where.

    ``source`` says which kind of file (``ha.cf``, ``drbd``, ``ocfs2``,
    ``cman``, ``cib``); ``anchors`` maps each name to the model node that
    declares it, for the finding's location.
    """

    source: str
    item: Loaded
    names: tuple[str, ...]
    anchors: dict[str, object] = attrs.field(factory=dict, eq=False)

    def where(self, name: str) -> Location:
        return self.item.where(self.anchors.get(name))


def _memberships(item: Loaded) -> Membership | None:
    """The members a file declares, by its format spec's ``declares`` hook."""
    from . import formats

    fmt = item.file.format
    hook = formats.declares_hook(fmt) if fmt else None
    if fmt is None or hook is None:
        return None
    names, anchors = hook(item.doc)
    return Membership(formats.info(fmt).members_source, item, names, anchors)


def memberships(cluster: Cluster) -> list[Membership]:
    """Every file that names cluster members, with the names it declares.

    DRBD's ``on`` sections count too: for drbdadm they must equal ``uname -n``
    of the node, the same name heartbeat, OCFS2 and the CIB must use.
    Files that name no member (an empty CIB ``nodes`` section, a drbd.conf
    with only ``common``) are left out.
    """

    def compute() -> list[Membership]:
        out = []
        unread = ocfs2_conf_unread(cluster)
        for item in cluster.loaded:
            if item.file.format == "ocfs2" and item.node in unread:
                continue
            m = _memberships(item)
            if m is not None and m.names:
                out.append(m)
        return out

    # once per run (a CIB's node list is a walk of its XML), a new list for each caller
    return list(cluster.fact("memberships", compute))


def ocfs2_conf_unread(cluster: Cluster) -> frozenset[str]:
    """The nodes whose OCFS2 runs on a userspace stack, where ocfs2_controld takes the
    members from the cluster and nothing reads /etc/ocfs2/cluster.conf (a leftover of
    o2cb's own stack names no member there): ``O2CB_STACK=pcmk`` or ``cman`` in the
    node's sysconfig/o2cb (else default/o2cb, as o2cb.init.sh picks), or an
    ``ocf:ocfs2:o2cb`` / ``ocf:pacemaker:o2cb`` resource in its CIB, which loads
    ocfs2_stack_user and writes its ``stack`` (pcmk by default) to cluster_stack
    (Pacemaker's extra/resources/o2cb)."""

    from .formats.cib import CibDocument
    from .formats.lines.shellvars import ShellvarsDocument

    def compute() -> frozenset[str]:
        out: set[str] = set()
        seen: set[str] = set()
        settings = sorted(
            cluster.typed("shellvars", ShellvarsDocument),
            key=lambda pair: "default/o2cb" in pair[0].file.display,
        )
        for item, doc in settings:
            path = item.file.display.replace("\\", "/")
            if not item.node or item.node in seen:
                continue
            if path.endswith(("sysconfig/o2cb", "default/o2cb")):
                seen.add(item.node)
                if doc.get("O2CB_STACK") in ("pcmk", "cman"):
                    out.add(item.node)
        for item, cib in cluster.typed("cib", CibDocument):
            if item.node and any(
                p.type == "o2cb" and p.provider in ("ocfs2", "pacemaker") for p in cib.primitives
            ):
                out.add(item.node)
        return frozenset(out)

    return cluster.fact("ocfs2-conf-unread", compute)


# -- the cluster model ---------------------------------------------------------------


def build_model(cluster: Cluster) -> ClusterModel:
    """Read roles, layers, names and addresses from every document once."""
    model = ClusterModel()

    def node(name: str) -> NodeInfo:
        key = short(name)
        info = model.nodes.get(key)
        if info is None:
            info = model.nodes[key] = NodeInfo(key)
        info.names.add(name)
        return info

    for name in cluster.nodes:
        if name:
            node(name).root = True
    ucast, lists = _heartbeat_layer(cluster, model, node)
    _ocfs2_layer(cluster, model, node)
    _drbd_layers(cluster, model, node)
    from .formats.xen.xend import XendDocument

    for item, xend in cluster.typed("xend", XendDocument):
        if item.node and xend.relocation_server:
            node(item.node).roles.add("relocation")
    _host_names(cluster, model, ucast)
    _drbd_floating(cluster, model)
    _iscsi_layers(cluster, model, node)
    _stack_members(cluster, model, node)
    _clusters(cluster, model, lists)
    for name, roles in cluster.roles.items():
        info = node(name)
        info.declared = roles
        info.roles.update(roles)
    model.chain = _storage_chain(cluster, model)
    return model


#: One member list for :func:`_clusters`: (the keys it joins on, (its members, its file)).
_List = tuple[set[str], tuple[set[str], Loaded]]


def _heartbeat_layer(
    cluster: Cluster, model: ClusterModel, node: _NodeOf
) -> tuple[list[tuple[str, str]], list[_List]]:
    """ha.cf ``node`` lines (or ``autojoin`` with the node itself) and the CIB's nodes,
    as lists :func:`_clusters` joins into clusters. Returns the ucast peers' addresses
    (their owner is known once /etc/hosts is read) and the lists.

    A loose CIB (no node folder says whose it is) joins another list only as a copy of
    one cluster's CIB would: one list holds the other (a node added since), and no node
    both name has another node id in the other CIB (two clusters both called
    node1/node2 have their own heartbeat UUIDs). Otherwise it is a cluster of its own:
    CIBs of two clusters linted together keep their own nodes."""
    ucast: list[tuple[str, str]] = []
    lists: list[_List] = []
    cib_ids: dict[int, dict[str, str]] = {}  # id(CIB item) -> node ids by short uname

    def add(item: Loaded, listed: list[str], ids: dict[str, str] | None = None) -> None:
        members = {short(n) for n in listed}
        for name in listed:
            node(name).roles.add("member")
        keys = members | ({short(item.node)} if item.node else set())
        if ids is not None:
            if not item.node and any(
                keys & k and not _copies(members, ids, m, cib_ids.get(id(i), {}))
                for k, (m, i) in lists
            ):
                keys = {f"{n}\0{item.file.display}" for n in members}  # a cluster of its own
            cib_ids[id(item)] = ids
        lists.append((keys, (members, item)))

    from .formats.cib.model import CibDocument
    from .formats.lines.hacf import HacfDocument

    for item, doc in cluster.typed("hacf", HacfDocument):
        listed = list(doc.nodes)
        if not listed and item.node and (doc.autojoin or "none").lower() != "none":
            listed = [item.node]  # autojoin: the node joins under its own name
        if listed:
            add(item, listed)
        for medium in doc.comm_paths:
            if medium.kind in ("ucast", "ucast6") and medium.host is not None:
                ucast.append((str(medium.host), f"ha.cf ucast of {item.node or '?'}"))
    for item, cib in cluster.typed("cib", CibDocument):
        unames = [n.uname for n in cib.nodes if n.uname]
        if unames:
            ids = {short(n.uname): i for n in cib.nodes if n.uname and (i := n.el.get("id"))}
            add(item, unames, ids)
        elif item.node:  # (no <nodes> yet: the CIB of its tree's cluster)
            lists.append(({short(item.node)}, (set(), item)))
    return ucast, lists


def _clusters(cluster: Cluster, model: ClusterModel, lists: list[_List]) -> None:
    """The separate clusters of the run (``model.heartbeat_clusters``): the ha.cf and
    CIB lists, and the corosync nodelists / udpu members and cman clusternodes
    (``model.stack``: membership.py reads them once addresses have owners), joined
    where they share a node or sit on one of its nodes. Disjoint lists are separate
    clusters: a target pair with its own heartbeat beside the dom0s, or two corosync
    clusters on one site, each with its own nodelist (corosync talks only to the
    nodes its nodelist names: exec/totemconfig.c ``nodelist.node.%u.ring0_addr``)."""
    lists = lists + [
        ({short(s.item.node), *s.names} if s.item.node else set(s.names), (set(s.names), s.item))
        for s in model.stack
        if s.kind != "ha.cf"  # (read above with the CIB's)
    ]
    clusters = []
    for _, group in joined(lists):
        members = frozenset(n for listed, _ in group for n in listed)
        if members:
            clusters.append(Layer("heartbeat", "", members, tuple(i for _, i in group)))
    model.heartbeat_clusters = clusters
    model.listed = frozenset(n for c in clusters for n in c.members).union(
        *(s.names for s in model.stack)
    )


def _stack_members(cluster: Cluster, model: ClusterModel, node: _NodeOf) -> None:
    """The "member" role of every node a messaging layer lists: ha.cf, a corosync
    nodelist (or udpu members), cman's clusternodes (membership.py reads them, once,
    after the hosts files say who owns a corosync address); the CIB's nodes have it
    from :func:`_heartbeat_layer`."""
    from .membership import read_stack_lists

    model.stack = tuple(read_stack_lists(cluster, model))
    for s in model.stack:
        for written, _ in s.names.values():
            node(written).roles.add("member")


def _copies(
    members: set[str], ids: dict[str, str], theirs: set[str], their_ids: dict[str, str]
) -> bool:
    """Whether a loose CIB naming ``members`` (node ids ``ids``) may be a copy of the
    cluster another list names (``theirs``, ``their_ids`` if it is a CIB): one node list
    holds the other, and the nodes both name have the same ids."""
    if not (members <= theirs or theirs <= members):
        return False
    return all(their_ids.get(n, i) == i for n, i in ids.items())


def _ocfs2_layer(cluster: Cluster, model: ClusterModel, node: _NodeOf) -> None:
    if not cluster.has("ocfs2"):
        return
    members: set[str] = set()
    evidence: list[Loaded] = []
    from .formats.lines.ocfs2 import Ocfs2Document

    unread = ocfs2_conf_unread(cluster)
    for item, doc in cluster.typed("ocfs2", Ocfs2Document):
        if item.node in unread:
            continue  # (OCFS2 on the pcmk or cman stack: nothing reads it)
        for n in doc.nodes:
            if not n.name:
                continue
            info = node(n.name)
            info.roles.add("ocfs2")
            members.add(info.name)
            if n.ip_address is not None:
                info.add_address(str(n.ip_address), "ocfs2 cluster.conf ip_address")
        evidence.append(item)
    if members:
        model.ocfs2 = Layer("ocfs2", "", frozenset(members), tuple(evidence))


def _drbd_layers(cluster: Cluster, model: ClusterModel, node: _NodeOf) -> None:
    hosts: dict[str, set[str]] = {}
    evidence: dict[str, list[Loaded]] = {}
    from .formats.drbd import DrbdDocument

    for item, doc in cluster.typed("drbd", DrbdDocument):
        for res in doc.resource_list():
            for h in res.host_list:
                if h.kind != "on":
                    continue
                for name in h.names:
                    info = node(name)
                    info.roles.add("drbd")
                    hosts.setdefault(res.name, set()).add(info.name)
                    addr = h.address
                    if addr is not None and addr.ip:
                        info.add_address(addr.ip, f"drbd resource {res.name}")
            evidence.setdefault(res.name, []).append(item)
    for name, members in hosts.items():
        model.drbd[name] = Layer("drbd", name, frozenset(members), tuple(evidence[name]))


def _drbd_floating(cluster: Cluster, model: ClusterModel) -> None:
    """The nodes a ``floating ADDR`` host stands for: drbdadm picks a floating section
    by an address configured on the machine (drbd.conf(5): "matched by IP address
    instead of host name"), so a node is that host where the files give it the
    address (/etc/hosts, ha.cf ucast, OCFS2), its captured ``ip addr`` holds it, or
    its own cluster manager moves it there (the LINBIT user's guide, "floating
    peers": the addresses "must be virtual cluster IP addresses"; see
    :func:`moved_addresses`). After :func:`_host_names`, which gives the addresses."""
    from .formats.drbd import DrbdDocument

    floating = [
        (item, res, ips)
        for item, doc in cluster.typed("drbd", DrbdDocument)
        for res in doc.resource_list()
        if (ips := floating_addresses(res))
    ]
    if not floating:
        return
    held: dict[str, set[str]] = {}
    for info in model.nodes.values():
        held[info.name] = {ip_key(a) for a in info.addresses}
    for name, ips in captured_addresses(cluster).items():
        held.setdefault(short(name), set()).update(ips)
    for ip, (_, movers) in moved_addresses(cluster).items():
        for name in movers:
            held.setdefault(short(name), set()).add(ip)
    for item, res, ips in floating:
        found = {name for name, mine in held.items() if ips & mine and name in model.nodes}
        if not found:
            continue
        for name in found:
            model.nodes[name].roles.add("drbd")
        layer = model.drbd.get(res.name)
        members = found | (layer.members if layer is not None else frozenset())
        evidence = layer.evidence if layer is not None else ()
        if item not in evidence:
            evidence = (*evidence, item)
        model.drbd[res.name] = Layer("drbd", res.name, frozenset(members), evidence)


def floating_addresses(res: Resource) -> set[str]:
    """The addresses of ``res``'s ``floating`` hosts, in one spelling (:func:`ip_key`)."""
    return {
        ip_key(h.address.ip)
        for h in res.host_list
        if h.kind == "floating" and h.address is not None and h.address.ip
    }


def ip_key(address: str) -> str:
    """An address as one spelling (``fd00::0001`` is ``fd00::1``); not an IP: as written."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(address.strip("[]")))
    except ValueError:
        return address


def captured_addresses(cluster: Cluster) -> dict[str, set[str]]:
    """Each node's addresses as its captured ``ip addr`` shows them (nodes with no
    capture left out), in one spelling (:func:`ip_key`). Once per run."""

    def compute() -> dict[str, set[str]]:
        if not cluster.has("ip-addr"):
            return {}
        from .formats.status.ip_addr import IpAddrDocument

        out: dict[str, set[str]] = {}
        for item, doc in cluster.typed("ip-addr", IpAddrDocument):
            if item.node and doc.addresses:
                out.setdefault(item.node, set()).update(ip_key(a.address) for a in doc.addresses)
        return out

    return cluster.fact("captured-addresses", compute)


def moved_addresses(cluster: Cluster) -> dict[str, tuple[str, frozenset[str]]]:
    """Addresses a cluster manager moves between nodes, one node at a time: haresources
    ``IPaddr``/``IPaddr2`` and the CIB's IPaddr/IPaddr2 primitives' ``ip`` (one inside
    a clone is left out: with ``clusterip_hash`` it is on every node at once); each
    with what moves it and the nodes whose files say so. Once per run."""

    def compute() -> dict[str, tuple[str, frozenset[str]]]:
        found: dict[str, tuple[str, set[str]]] = {}

        def add(ip: str, what: str, item: Loaded) -> None:
            entry = found.setdefault(ip_key(ip), (what, set()))
            if item.node:
                entry[1].add(item.node)

        if cluster.has("haresources"):
            from .formats.lines.haresources import HaresourcesDocument

            for item, hr in cluster.typed("haresources", HaresourcesDocument):
                for group in hr.groups:
                    for r in group.resources:
                        if r.type.startswith("IPaddr") and r.args:
                            what = f"haresources moves it ({r.type}), one node at a time"
                            add(r.args[0].split("/", 1)[0], what, item)
        if cluster.has("cib"):
            from .formats.cib.model import CibDocument
            from .formats.cib.resources import Primitive

            for item, cib in cluster.typed("cib", CibDocument):
                for top in cib.resources:
                    if top.kind in ("clone", "master"):
                        continue
                    for res in top.walk():
                        if not isinstance(res, Primitive) or not (res.type or "").startswith(
                            "IPaddr"
                        ):
                            continue
                        moved = res.param("ip")
                        if moved:
                            what = f"the CIB's {res.type} resource '{res.id}' moves it"
                            add(str(moved), what + ", one node at a time", item)
        return {ip: (what, frozenset(nodes)) for ip, (what, nodes) in found.items()}

    return cluster.fact("moved-addresses", compute)


def _host_names(cluster: Cluster, model: ClusterModel, ucast: list[tuple[str, str]]) -> None:
    """/etc/hosts: the addresses each known node has (``NODE-IF`` names count as NODE's),
    and its other names; then the
    ha.cf ucast addresses of the nodes that own them."""
    for item in cluster.docs("hosts"):
        # (only the lines with a name that may stand for a node: a hosts file runs long)
        for line, ip in hosts_index(item).select(model.nodes):
            for name in line.values:
                # "xen1-iscsi", "xen1_hb": an interface name of xen1 ("dom0-a-san": of dom0-a)
                base = short(name)
                first = base.split("-", 1)[0].split("_", 1)[0]
                stems = (base, base.rsplit("-", 1)[0], base.rsplit("_", 1)[0], first)
                info = next((model.nodes[s] for s in stems if s in model.nodes), None)
                if info is not None:
                    info.add_address(str(ip), f"/etc/hosts of {item.node or '?'}")
                    info.names.update(line.values)
                    break
    owners: dict[str, list[NodeInfo]] = {}  # (one look-up per ucast line, not a walk)
    for info in model.nodes.values():
        for address in info.addresses:
            owners.setdefault(address, []).append(info)
    for address, source in ucast:
        for info in owners.get(address, ()):
            info.add_address(address, source)


# -- CIB constraints, resource sets included -----------------------------------------


def _sets(constraint: Constraint) -> list[tuple[list[str], bool]]:
    """A constraint's ``resource_set`` children: member ids in order, and ``sequential``."""
    from .formats.cib.model import _tag
    from .formats.cib.values import parse_bool

    out = []
    for s in constraint.el:
        if _tag(s) != "resource_set":
            continue
        ids = [r.get("id", "") for r in s if _tag(r) == "resource_ref" and r.get("id")]
        out.append((ids, parse_bool(s.get("sequential")) is not False))
    return out


def _set_pairs(sets: list[tuple[list[str], bool]], closure: bool) -> list[tuple[str, str]]:
    """``(earlier, later)`` for the resources the sets put in sequence: members of a
    sequential set in their order, and the members of a set with those of the later
    sets. The relation is transitive: ``closure`` lists every pair, else only
    neighbours (for drawing)."""
    out: list[tuple[str, str]] = []
    for i, (ids, sequential) in enumerate(sets):
        if sequential:
            out += [
                (a, b) for k, a in enumerate(ids) for b in ids[k + 1 : None if closure else k + 2]
            ]
        for later, _ in sets[i + 1 : None if closure else i + 2]:
            out += [(a, b) for a in ids for b in later]
    return out


def order_pairs(order: Order, closure: bool = True) -> list[tuple[str, str]]:
    """``(first, then)`` pairs of an ``rsc_order``: heartbeat 2's from/to, Pacemaker 1.0's
    first/then, and its resource sets (Pacemaker Explained 1.0, "Ordering Sets of
    Resources": a sequential set starts its members in order, and each set starts after
    the sets listed before it)."""
    if order.first and order.then:
        return [(order.first, order.then)]
    return _set_pairs(_sets(order), closure)


def colocation_pairs(colocation: Colocation, closure: bool = True) -> list[tuple[str, str]]:
    """``(rsc, with_rsc)`` pairs of an ``rsc_colocation``, resource sets included
    (Pacemaker Explained 1.0, "Collocating Sets of Resources": in a sequential set each
    member is placed with the one before it; a set is placed with the sets listed after
    it, which the cluster places first)."""
    if colocation.rsc and colocation.with_rsc:
        return [(colocation.rsc, colocation.with_rsc)]
    sets = _sets(colocation)
    within = {(a, b) for ids, seq in sets if seq for a in ids for b in ids}
    # within one sequential set the later member goes with the earlier one
    return [(b, a) if (a, b) in within else (a, b) for a, b in _set_pairs(sets, closure)]
