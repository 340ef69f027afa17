"""xend: its relocation server against the CIB's live migration, and xend-config.sxp
itself (XN007-XN009, XN017)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from ...cluster import Cluster, Loaded, hosts_index
from ...findings import Finding, Location
from ...versions import (
    XEN_NO_XEND,
)
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import cman_doc as _cman
from ..documents import xend_doc as _xend

if TYPE_CHECKING:
    from ...formats.cib.resources import Primitive
    from ...formats.cman import Element
    from ...formats.lines.hosts import IPAddress


def _migrating(cluster: Cluster) -> list[tuple[Loaded, Primitive]]:
    out = []
    for item in cluster.docs("cib"):
        for prim in _cib(item).xen_primitives():
            if prim.allow_migrate:
                out.append((item, prim))
    return out


def _rgmanager_vms(cluster: Cluster) -> list[tuple[Loaded, Element]]:
    """rgmanager's ``<vm>`` services: vm.sh's ``xm_migrate`` runs ``xm migrate [-l]
    NAME TARGET`` (``migrate="live"`` is its default, ``pause`` drops the -l) when
    ``clusvcadm -M`` moves one, TARGET the member's cluster.conf name unless
    ``migration_mapping`` maps it."""
    return [(item, vm) for item in cluster.docs("cman") for vm in _cman(item).vms]


def _xend_where(item: Loaded, *names: str) -> Location:
    for n in names:
        s = _xend(item).setting(n)
        if s is not None:
            return item.where(s)
    return item.where()


def _peer_names(node: str, hosts: Loaded | None) -> list[str]:
    """What xend matches its hosts-allow regexes against when ``node`` connects:
    the source address and ``socket.getfqdn`` of it (tools/python/xen/web/
    connection.py ``hostAllowed``: ``h.match(fqdn) or h.match(addrport[0])``).
    getfqdn returns the first name with a dot of the address's hosts line, else its
    canonical name, so ``^xen2$`` does not admit a peer listed as ``10.0.0.2
    xen2.example.net xen2``. The addresses are those this node's /etc/hosts gives
    the peer's name and its ``NAME-...``/``NAME.`` names (the migration may come from
    any of them); without such a line (DNS decides) the peer's name stands for it."""
    if hosts is None:
        return [node]
    index = hosts_index(hosts)
    low = node.lower()
    out: list[str] = []
    for line, address in index.addressed:
        if not any(n == low or n.startswith((low + "-", low + ".")) for n in _lower(line.names)):
            continue
        first = index.at(address)[0]
        fqdn = next((n for n in first.names if "." in n), first.canonical)
        out += [str(line.address), *([fqdn] if fqdn else [])]
    return list(dict.fromkeys(out)) or [node]


def _admits(patterns: list[str], candidates: list[str]) -> bool:
    """Whether xend admits a peer: it matches each regex (Python's ``re``) at the start
    of the peer's name or address. The patterns are the user's, so they run on a
    linear-time automaton (:func:`xencfg.regex.match_prefix`); ``re`` is used only
    for what no automaton runs (a backreference), on names of bounded length."""
    from ...regex import match_prefix

    usable = []
    for p in patterns:
        try:
            re.compile(p)
        except re.error:
            continue
        usable.append(p)
    if not usable:
        return True
    for p in usable:
        for c in candidates:
            hit = match_prefix(p, c)
            if hit is None:
                hit = re.match(p, c[:255]) is not None
            if hit:
                return True
    return False


@rule("XN007", "relocation-vs-migration", "error", scope="cluster", hazard=True)
def relocation_vs_migration(cluster: Cluster) -> Iterator[Finding]:
    """The CIB allows live migration of a Xen guest, but xend's relocation server is
    off, listens on different ports on the nodes, or its hosts-allow does not
    admit the other nodes (by name or /etc/hosts address).

    Why it matters: the CRM tries ``xm migrate --live``; it fails, and the guest
    is stopped and started instead (downtime), or the migration hangs.

    Example: ``allow_migrate=true`` on a Xen primitive, and xend-config.sxp
    without ``(xend-relocation-server yes)``.

    So is a relocation server that listens where the peers do not connect:
    ``xend-relocation-address`` is the one address xend binds (relocate.py
    ``listenRelocation`` hands it to the TCP listener; XendRoot.py in 3.0 and
    XendOptions.py from 3.1 to 4.4 default it to '', every address, and the server
    itself to 'no'). The Xen resource agent runs ``xm migrate --live DOMAIN NODE`` with
    the target's node name (unless the primitive sets ``node_ip_attribute``), which the
    migrating node resolves: a loopback address (``127.0.0.1``, ``localhost``) is
    reachable by no peer, another node's address (an xend-config.sxp copied from the
    peer) cannot be bound at all (xend then stops: SrvDaemon.py ``run`` logs
    "Exception starting xend" and exits), and an address other than the one a peer's
    /etc/hosts gives the node's name is not where that peer connects ("Connection
    refused").

    A hosts-allow pattern with a repetition inside a repetition (``^(a+)+$``) is
    reported too: xend matches it with Python's backtracking ``re``, which can take
    minutes on a peer name that almost matches, and the migration hangs meanwhile.

    rgmanager's ``<vm>`` services (RHEL 5 cluster.conf) are checked the same way where
    no CIB allows migration: ``clusvcadm -M`` has vm.sh's ``xm_migrate`` run ``xm
    migrate -l NAME TARGET`` (TARGET the member's name unless ``migration_mapping``
    maps it; "Connection refused" it returns as OCF_ERR_CONFIGURED). rgmanager
    migrates only when asked (a failover restarts the guest), so these are warnings.

    A node that runs xl only (no xend-config.sxp, but an xl.conf or Xen 4.5 or
    later in force) among nodes that run xend, as in a cluster half moved to xl,
    is reported too: ``xm migrate`` to it finds no relocation server (xend is gone
    there), and ``xl migrate`` from it runs ``xl migrate-receive`` over ssh on a
    node whose domains xend holds. The Xen resource agent uses whichever of the
    two the node has. On a site of several clusters (two dom0 clusters on one
    storage pair) each CIB's guests are checked among its own cluster's members
    only: Pacemaker places a resource on its members and on no other node. So are
    they among the nodes the CIB lets some migrating guest run on (as XN018 places
    it: -INFINITY locations, INFINITY colocations, a DRBD master's hosts): a dom0
    without a DRBD replica, whose guests' OCFS2 clone is kept off it, is never a
    migration source or target.

    Fix: ``(xend-relocation-server yes)``, the same ``xend-relocation-port`` on
    every node, ``xend-relocation-address`` '' or the address the peers' /etc/hosts
    give the node, and ``xend-relocation-hosts-allow`` naming the other nodes, each
    pattern without nested repetition (``^peer$``, ``^node[0-9]+$``); move every
    node to xl before allowing migration on a node that runs xl.
    """
    migrating = _migrating(cluster)
    vms = [] if migrating else _rgmanager_vms(cluster)
    # a site of several clusters (two dom0 clusters on one storage pair): a guest
    # migrates only among the nodes of the cluster whose CIB or cluster.conf runs it
    scopes = {_scope(cluster, item) for item, _ in [*migrating, *vms]}
    for scope in sorted(scopes, key=lambda s: sorted(s or ())):
        yield from _migration_in(
            cluster,
            scope,
            [(i, p) for i, p in migrating if _scope(cluster, i) == scope],
            [(i, v) for i, v in vms if _scope(cluster, i) == scope],
        )


def _scope(cluster: Cluster, item: Loaded) -> frozenset[str] | None:
    """The members of the heartbeat/corosync cluster ``item``'s node is in; ``None``
    when no file puts it in one (then every node may be its peer)."""
    from ...cluster import short

    key = short(item.node or "")
    return next((c.members for c in cluster.model.heartbeat_clusters if key in c.members), None)


def _migration_in(
    cluster: Cluster,
    scope: frozenset[str] | None,
    migrating: list[tuple[Loaded, Primitive]],
    vms: list[tuple[Loaded, Element]],
) -> Iterator[Finding]:
    """XN007 for the guests one cluster (``scope``, its members) migrates."""
    cib_where = [item.where(p) for item, p in migrating] + [item.where(v) for item, v in vms]
    # a primitive without id (the schema rules report it) is still a guest to migrate
    names = {p.id or "a Xen primitive without id" for _, p in migrating}
    names |= {v.get("name") or "a <vm> without name" for _, v in vms}
    by_name = any(not p.param("node_ip_attribute") for _, p in migrating) or any(
        not v.get("migration_mapping") for _, v in vms
    )
    allows = "the CIB allows live migration of" if migrating else "clusvcadm -M migrates"
    reach = _reach(cluster, migrating)
    if reach is not None:
        scope = reach if scope is None else scope & reach
    found = _relocation(cluster, scope, ", ".join(sorted(names)), cib_where, by_name, allows)
    for f in found:
        # rgmanager migrates only when asked (a failover restarts the guest): the
        # migration an admin asks for fails, the guest keeps running where it is
        yield f if migrating else attrs.evolve(f, severity="warning")


def _reach(cluster: Cluster, migrating: list[tuple[Loaded, Primitive]]) -> frozenset[str] | None:
    """The nodes some of ``migrating`` may run on as the CIB places it (XN018's
    placement: -INFINITY locations, INFINITY colocations with what it runs with, a
    DRBD master's hosts; not its dependents' bans, which Pacemaker may roll back):
    a node none may run on is never a migration source or target (a guest colocated
    with an OCFS2 clone kept off a dom0 without a DRBD replica). ``None`` when no
    CIB lists its nodes (every node may be a peer)."""
    from ...cluster import short
    from ...membership import cib_nodes
    from ..cib.placement import Placement
    from .placement import _drbd_agent, _drbd_hosts, _Hosts

    if not migrating:
        return None
    hosts = _Hosts(_drbd_hosts(cluster))
    facts: dict[int, Placement] = {}
    out: set[str] = set()
    # every copy: a copy alone (no <nodes>, no stack file) knows only its own node
    for item, prim in migrating:
        cib = _cib(item)
        if id(cib) not in facts:
            facts[id(cib)] = Placement(
                cib, item.versions.of("pacemaker", item.node), dependents=False
            )
        nodes = cib_nodes(cluster, [item]).spelled()
        if not nodes:
            return None
        out |= {short(n) for n in facts[id(cib)].nodes(prim.el, nodes, hosts.hosts, _drbd_agent)}
    return frozenset(out)


def _relocation(
    cluster: Cluster,
    scope: frozenset[str] | None,
    prim_names: str,
    cib_where: list[Location],
    by_name: bool,
    allows: str,
) -> Iterator[Finding]:
    """XN007's findings for the guests ``prim_names`` (``allows``: who migrates them)
    among the nodes ``scope`` (``None``: every node)."""
    from ...cluster import short
    from ...regex import catastrophic

    xends: dict[str, Loaded] = {}
    for item in cluster.docs("xend"):
        if item.node is not None and (scope is None or short(item.node) in scope):
            xends.setdefault(item.node, item)
    ports: dict[int, list[str]] = defaultdict(list)
    for node, item in sorted(xends.items()):
        doc = _xend(item)
        if not (
            doc.effective("xend-relocation-server") or doc.effective("xend-relocation-ssl-server")
        ):
            yield make(
                "XN007",
                f"xend relocation server is off on {node} but {allows} {prim_names}",
                _xend_where(item, "xend-relocation-server"),
                cib_where,
            )
            continue
        port = doc.effective("xend-relocation-port")
        if isinstance(port, int):
            ports[port].append(node)
        yield from _unreachable_listener(cluster, node, item, xends, by_name, prim_names, cib_where)
        allow = doc.effective("xend-relocation-hosts-allow") or []
        for pattern in allow:
            if catastrophic(pattern):
                yield make(
                    "XN007",
                    f"xend-relocation-hosts-allow on {node}: '{pattern}' nests a repetition"
                    " inside a repetition; xend's backtracking regex engine can hang matching"
                    " a peer name against it",
                    _xend_where(item, "xend-relocation-hosts-allow"),
                    cib_where,
                )
        hosts = cluster.first("hosts", node)
        for other in sorted(set(xends) - {node}):
            candidates = _peer_names(other, hosts)
            if not _admits(allow, candidates):
                yield make(
                    "XN007",
                    f"xend-relocation-hosts-allow on {node} ({' '.join(allow)}) admits none of"
                    f" {', '.join(candidates)}: {other} cannot migrate {prim_names} here",
                    _xend_where(item, "xend-relocation-hosts-allow"),
                    cib_where,
                )
    yield from _xl_only_nodes(cluster, scope, xends, prim_names, cib_where, allows)
    if len(ports) > 1:
        common = Counter({p: len(n) for p, n in ports.items()}).most_common(1)[0][0]
        ref = ports[common][0]
        for port, nodes in sorted(ports.items()):
            if port == common:
                continue
            for node in nodes:
                yield make(
                    "XN007",
                    f"xend relocation port {port} on {node} but {common} on {ref}:"
                    " xm migrate uses one port",
                    _xend_where(xends[node], "xend-relocation-port"),
                    [_xend_where(xends[ref], "xend-relocation-port")],
                )


def _listen_address(cluster: Cluster, node: str, raw: str) -> IPAddress | None:
    """The address ``xend-relocation-address`` binds: an address as written, or a name
    the node's own /etc/hosts resolves (``localhost`` is the loopback address where no
    line names it); ``None`` for every address ('') or what is not known here."""
    import ipaddress

    text = raw.strip()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    hosts = cluster.first("hosts", node)
    found = hosts_index(hosts).resolve(text) if hosts is not None else None
    if found is None and text.lower() in ("localhost", "localhost.localdomain"):
        return ipaddress.ip_address("127.0.0.1")
    return found


def relocation_address(cluster: Cluster, item: Loaded) -> tuple[str, IPAddress, Location] | None:
    """What xend's relocation server on ``item``'s node binds, as XN007 and LS014 read
    it: ``(the setting as written, the address, where)``. ``None`` when xend binds no
    relocation listener (server and SSL server off: relocate.py ``listenRelocation``
    starts a listener only then), binds every address ('', ``0.0.0.0``, ``::``; the
    default in XendRoot.py / XendOptions.py), or the name is not known here."""
    doc = _xend(item)
    on = doc.effective("xend-relocation-server") or doc.effective("xend-relocation-ssl-server")
    raw = doc.effective("xend-relocation-address")
    if not on or not isinstance(raw, str) or item.node is None:
        return None
    bound = _listen_address(cluster, item.node, raw)
    if bound is None or bound.is_unspecified:
        return None
    return raw, bound, _xend_where(item, "xend-relocation-address")


def _lower(names: list[str]) -> list[str]:
    return [n.lower() for n in names]


def _unreachable_listener(
    cluster: Cluster,
    node: str,
    item: Loaded,
    xends: dict[str, Loaded],
    by_name: bool,
    prim_names: str,
    cib_where: list[Location],
) -> Iterator[Finding]:
    """XN007 for a relocation server bound where no peer connects: a loopback
    address, or (the agent migrating to the node's name, ``by_name``) another address
    than the one a peer's /etc/hosts gives ``node``."""
    listen = relocation_address(cluster, item)
    if listen is None:
        return
    raw, bound, where = listen
    if bound.is_loopback:
        yield make(
            "XN007",
            f"xend-relocation-address '{raw}' on {node} is a loopback address: no peer reaches"
            f" its relocation server, so live migration of {prim_names} to {node} fails",
            where,
            cib_where,
        )
        return
    model = cluster.model
    owners = sorted(n for n in xends if n != node and str(bound) in model.addresses_of(n))
    if owners and str(bound) not in model.addresses_of(node):
        # (an xend-config.sxp copied from the peer: the bind fails with "Cannot assign
        # requested address", and SrvDaemon.py's run logs "Exception starting xend" and
        # exits: no xend at all)
        yield make(
            "XN007",
            f"xend-relocation-address {bound} on {node} is {owners[0]}'s address (by the"
            f" cluster's /etc/hosts): xend cannot bind it here and stops at start"
            f" ('Exception starting xend'), so live migration of {prim_names} to {node} fails",
            where,
            cib_where,
        )
        return
    if not by_name:
        return
    low = node.lower()
    for other in sorted(set(xends) - {node}):
        hosts = cluster.first("hosts", other)
        if hosts is None:
            continue  # (DNS decides)
        named = hosts_index(hosts).named(low)
        line = named[0][0] if named else None
        if line is None or line.address == bound:
            continue  # (DNS decides, or the peer connects where xend listens)
        yield make(
            "XN007",
            f"xend relocation server on {node} listens on {bound} only, but {other}'s"
            f" /etc/hosts gives {node} as {line.address}: xm migrate --live from {other}"
            f" connects there and is refused, so {prim_names} cannot migrate to {node}",
            where,
            [hosts.where(line), *cib_where],
        )


def _xl_only_nodes(
    cluster: Cluster,
    scope: frozenset[str] | None,
    xends: dict[str, Loaded],
    prim_names: str,
    cib_where: list[Location],
    allows: str,
) -> Iterator[Finding]:
    """Nodes that run xl only (no xend-config.sxp; an xl.conf, or xl domU configs and
    Xen 4.5 or later in force) in a cluster whose other nodes run xend: live
    migration between the two kinds fails (xm migrate reaches no relocation server
    on an xl node; xl migrate runs ``xl migrate-receive`` over ssh, which a xend
    node does not answer)."""
    from ...cluster import short

    if not xends:
        return
    for node in sorted(set(cluster.nodes) - set(xends)):
        if scope is not None and short(node) not in scope:
            continue  # another cluster's node: never a migration target of these guests
        xl_conf = next((i for i in cluster.docs("xl", node) if i.file.path.name == "xl.conf"), None)
        # (a node with no xl file at all, a storage box say, runs no guests)
        if xl_conf is None and not (
            cluster.has("xl", node=node) and cluster.versions.of("xen", node).at_least(XEN_NO_XEND)
        ):
            continue
        others = ", ".join(sorted(xends))
        yield make(
            "XN007",
            f"{node} runs xl only (no xend-config.sxp) but {others} run xend, and {allows}"
            f" {prim_names}: xm migrate finds no relocation"
            f" server on {node}, and xl migrate no xl it may use on {others} (xend runs"
            " there); move every node to xl before allowing migration across them",
            xl_conf.where() if xl_conf is not None else cib_where[0],
            cib_where,
        )


@rule("XN008", "relocation-open", "warning", formats=("xend",), hazard=True)
def relocation_open(item: Loaded) -> Iterator[Finding]:
    """xend's relocation server is on, listens on every address and admits every
    host.

    Why it matters: relocation is unauthenticated: anyone who reaches the port
    (8002) can push a domain into dom0, i.e. run code as root on the host.

    Example: ``(xend-relocation-server yes)`` with
    ``(xend-relocation-hosts-allow '')`` and ``(xend-relocation-address '')``.

    Fix: ``(xend-relocation-hosts-allow '^peer$ ^peer-hb$')`` and
    ``(xend-relocation-address 'REPLICATION-LINK-IP')``.
    """
    if _xend(item).relocation_open_to_all:
        where = _xend_where(item, "xend-relocation-hosts-allow", "xend-relocation-server")
        server = _xend_where(item, "xend-relocation-server")
        yield make(
            "XN008",
            "xend relocation server admits any host on every address:"
            " anyone reaching the port can push a domain into dom0",
            where,
            [server] if server != where else [],
        )


@rule("XN009", "xend-duplicate-setting", "warning", formats=("xend",))
def xend_duplicate(item: Loaded) -> Iterator[Finding]:
    """A setting appears more than once in xend-config.sxp.

    Why it matters: xend silently uses the first one (XendOptions.get_config_value
    is sxp.child_value, which takes the first list of that name); whoever edits
    a later one changes nothing.

    Example: ``(xend-relocation-address '')`` on line 1 and line 4.

    Fix: keep one line per setting.
    """
    for name, found in _xend(item).duplicates().items():
        for s in found[1:]:
            yield make(
                "XN009",
                f"({name}) is set {len(found)} times; xend uses only the first one",
                item.where(s),
                [item.where(found[0])],
            )


@rule("XN017", "xend-value-cut", "warning", formats=("xend",), hazard=True)
def xend_value_cut(item: Loaded) -> Iterator[Finding]:
    """A one-value xend setting written as several words: xend reads the first word
    only and drops the rest without a message.

    Why it matters: xend's S-expression reader ends an unquoted word at a blank and
    at each of ``{}()<>[]!;`` (tools/python/xen/xend/sxp.py, ``Parser.is_separator``
    and ``state_atom``), and XendOptions.get_config_value reads a setting with
    ``sxp.child_value``, its first item. So ``(network-script network-bridge
    netdev=eth1)`` builds the bridge on the default NIC, ``(vif-script vif-bridge
    bridge=xenbr1)`` attaches every vif to the default bridge, and
    ``(xend-relocation-hosts-allow ^xen[12]$)`` admits ``^xen``: every host whose
    name starts with xen. Only the first occurrence of a setting counts (xend reads
    that one; XN009 reports repeats).

    Example: ``(network-script network-bridge netdev=eth1)``.

    Fix: quote the whole value: ``(network-script 'network-bridge netdev=eth1')``,
    ``(xend-relocation-hosts-allow '^xen[12]$ ^localhost$')``.
    """
    from ...formats.xen.xend import OPTIONS, Atom, quote

    doc = _xend(item)
    for name in dict.fromkeys(doc.names):
        if OPTIONS.get(name, ("raw", ""))[0] not in ("bool", "int", "regexes", "str"):
            continue
        s = doc.setting(name)
        values = s.values if s is not None else []
        atoms = [v for v in values if isinstance(v, Atom)]
        if len(values) < 2 or len(atoms) != len(values):
            continue
        first, last = atoms[0].tok, atoms[-1].tok
        if doc.source and first is not None and last is not None:
            meant = doc.source[first.pos : last.pos + len(last.text)]
        else:
            meant = " ".join(a.value for a in atoms)
        dropped = " ".join(repr(a.value) for a in atoms[1:])
        # the words as written, in quotes (their backslashes then become escapes)
        suggested = f"'{meant}'" if "'" not in meant else quote(meant)
        yield make(
            "XN017",
            f"({name} ...): xend reads only {atoms[0].value!r} and drops {dropped} (an"
            " unquoted word ends at a blank or at one of {}()<>[]!;); quote the value:"
            f" ({name} {suggested})",
            item.where(s),
        )
