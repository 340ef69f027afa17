"""DRBD net settings of each connection: those the peers compare when they connect
and that differ between the nodes' copies of a resource (DR028), and a mesh's that
drbdadm 9 cannot inherit beside the resource's (DR030)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from ...formats.drbd import Resource, sections_84, settings_of
from ...syntax.blocks import Block
from ...versions import DRBD_9
from .. import make, rule
from .common import (
    _drbd,
    _effective,
    _node_configs,
    _on_hosts,
    _resources,
    node_hosts,
    protocol_per_connection,
    short,
)
from .copies import _per_node_resources
from .ranges import to_number

#: after-sb-* policies: the kernel maps the peer's discard-local to discard-remote
#: and back (convert_after_sb / cmp_after_sb in drbd_receiver.c), everything else
#: must be equal.
_MIRROR = {"discard-local": "discard-remote", "discard-remote": "discard-local"}
#: Defaults where a copy does not set one (drbd.conf(5); drbdsetup's net options).
_DEFAULTS = {
    "after-sb-0pri": "disconnect",
    "after-sb-1pri": "disconnect",
    "after-sb-2pri": "disconnect",
    "allow-two-primaries": "no",
    "discard-my-data": "no",
    "data-integrity-alg": "",
    "csums-alg": "",
    "verify-alg": "",
    "cram-hmac-alg": "",
    "shared-secret": "",
}
#: Where each setting may stand in a resource (8.3's ``syncer`` or 8.4/9's ``net``).
_SECTIONS = {
    "verify-alg": ("net", "syncer"),
    "csums-alg": ("net", "syncer"),
}


def _yes(value: object) -> str:
    return "yes" if value is True or str(value).lower() in ("yes", "true", "on") else "no"


def _discard_node(key: str, value: str, node: str) -> str:
    """``after-sb-0pri discard-node-NAME`` as drbdadm hands it to the kernel on ``node``:
    discard-local on NAME, discard-remote elsewhere (convert_discard_opt in
    user/v84/drbdadm_main.c, user/v9/drbdadm_postparse.c; only for after-sb-0pri)."""
    if key != "after-sb-0pri" or not value.startswith("discard-node-"):
        return value
    return "discard-local" if short(value[13:]) == short(node) else "discard-remote"


def _handshake(net: Mapping[str, str | bool], node: str) -> dict[str, str]:
    """The handshake settings of one connection of ``node`` (``net`` in 8.4 form),
    defaults filled in."""
    out = {}
    for key, default in _DEFAULTS.items():
        value = net.get(key)
        if value is None:
            out[key] = default
        elif key in ("allow-two-primaries", "discard-my-data"):
            out[key] = _yes(value)
        elif key.startswith("after-sb"):
            out[key] = _discard_node(key, str(value).lower(), node)
        else:
            out[key] = str(value)
    return out


@attrs.frozen
class _Side:
    """One node's end of a connection: its settings and the section they come from
    (a ``connection`` or ``connection-mesh``; None: the resource's own)."""

    item: Loaded
    res: Resource
    settings: dict[str, str]
    link: Block | None

    @property
    def protocol(self) -> str:
        """The resource's protocol (common's, else C: DRBD_PROTOCOL_DEF)."""
        return (self.res.protocol or "C").upper()


def _link_protocol(side: _Side) -> str | None:
    """The protocol the side's ``connection`` or ``connection-mesh`` ``net`` sets."""
    if side.link is None:
        return None
    for net in side.link.blocks("net"):
        value = net.get("protocol")
        if value is not None:
            return str(value).upper()
    return None


def _sides(cluster: Cluster, node: str, item: Loaded, res: Resource) -> dict[str, _Side]:
    """``node``'s connections in its own copy of ``res``, by the peer's short name: what
    drbdadm 9 hands the kernel for each (user/v9/drbdadm_postparse.c: a connection's
    own ``net``, or its mesh's, over the resource's, itself over common's; expand_common),
    8.x's one connection with the resource's settings. Empty where the copy has no
    ``on`` section for ``node`` (drbdadm there does not run the resource)."""
    mine = node_hosts(res, node)
    if not mine:
        return {}
    me = {short(n) for n in mine[0].names}
    base = _effective(cluster, res, mine[0].name).sections_84.get("net", {})
    out: dict[str, _Side] = {}
    if not res.connections and not res.connection_mesh:
        for h in _on_hosts(res):
            if h.block is not mine[0].block:
                for n in h.names:
                    out.setdefault(short(n), _Side(item, res, _handshake(base, node), None))
        return out
    for link in res.links():
        names = {short(n) for n in link.hosts}
        if not names & me:
            continue
        own = next(iter(link.block.blocks("net")), None) if link.block is not None else None
        net = {**base, **sections_84({"net": settings_of(own)}).get("net", {})} if own else base
        for peer in names - me:
            found = res.host(peer)
            for n in found.names if found is not None else [peer]:
                out.setdefault(short(n), _Side(item, res, _handshake(net, node), link.block))
    return out


def _where(cluster: Cluster, node: str, side: _Side, key: str) -> Location:
    """Where ``key`` is set for the node's end of the connection: its ``connection``
    (or ``connection-mesh``) ``net`` statement, the resource's ``net`` (or
    ``syncer``) statement, else the ``common`` one of whichever file holds it, else
    the connection or resource (the default applies)."""
    item, res = side.item, side.res
    sections = _SECTIONS.get(key, ("net",))
    if side.link is not None:
        for b in side.link.blocks("net"):
            found = b.entry(key)
            if found is not None:
                return item.where(found)
    for name in sections:
        for b in res.block.blocks(name):
            found = b.entry(key)
            if found is not None:
                return item.where(found)
    if key == "protocol" and res.block.entry(key) is not None:  # (8.x: resource level)
        return item.where(res.block.entry(key))
    # the last file's common is the one in force (as _resources reads it)
    for other in reversed(_node_configs(cluster).get(node, [])):
        common = _drbd(other).common_block
        if common is None:
            continue
        for name in sections:
            for b in common.blocks(name):
                found = b.entry(key)
                if found is not None:
                    return other.where(found)
        break
    return item.where(side.link if side.link is not None else res.block)


def _mismatches(a: dict[str, str], b: dict[str, str], verify: bool) -> list[str]:
    """The settings the handshake refuses, ``b`` the peer of ``a``."""
    out = []
    for key in ("after-sb-0pri", "after-sb-1pri", "after-sb-2pri"):
        if _MIRROR.get(a[key], a[key]) != b[key]:
            want = _MIRROR.get(a[key], a[key])
            out.append(f"{key} {b[key]} here, {a[key]} there (needs {want})")
    if a["allow-two-primaries"] != b["allow-two-primaries"]:
        out.append(
            f"allow-two-primaries {b['allow-two-primaries']} here, {a['allow-two-primaries']} there"
        )
    if a["discard-my-data"] == "yes" and b["discard-my-data"] == "yes":
        out.append("discard-my-data on both")
    # drbd_do_auth runs where cram-hmac-alg is set: the HMAC of the peer's challenge
    # must match ("Authentication of peer failed"); a side without it sends no
    # challenge ("expected AuthChallenge packet, received: ReportProtocol")
    if a["cram-hmac-alg"] != b["cram-hmac-alg"]:
        out.append(
            f"cram-hmac-alg {b['cram-hmac-alg'] or '(none)'} here, "
            f"{a['cram-hmac-alg'] or '(none)'} there"
        )
    elif a["cram-hmac-alg"] and a["shared-secret"] != b["shared-secret"]:
        out.append("shared-secret differs (values not shown)")
    for key in ("data-integrity-alg", "csums-alg", *(("verify-alg",) if verify else ())):
        if a[key] != b[key]:
            out.append(f"{key} {b[key] or '(none)'} here, {a[key] or '(none)'} there")
    return out


@rule("DR028", "handshake-settings-differ", "error", scope="cluster")
def handshake_settings_differ(cluster: Cluster) -> Iterator[Finding]:
    """Two nodes' copies of a resource differ in a net setting the peers compare when
    they connect.

    Why it matters: on connect each node sends its settings and the receiver drops
    the connection when they disagree (receive_protocol in the kernel's
    drbd_receiver.c: "incompatible after-sb-0pri settings" in 8.3, "incompatible
    %s settings" in 8.4 and 9): the after-split-brain policies ``after-sb-0pri``,
    ``after-sb-1pri``, ``after-sb-2pri`` (equal, except that ``discard-local``
    on one side pairs with ``discard-remote`` on the other),
    ``allow-two-primaries``, ``data-integrity-alg``, and ``discard-my-data``
    set on both. Then receive_SyncParam refuses a different ``csums-alg``
    ("Different csums-alg settings", 8.3 to 9) and, in 8.3 and 8.4, a different
    ``verify-alg`` (DRBD 9 only warns and refuses online verify: that one is
    reported only where both nodes are known to run DRBD 8). Before all that,
    drbd_connect authenticates the peer where ``cram-hmac-alg`` is set: another
    algorithm or ``shared-secret`` on the peer ("Authentication of peer
    failed"), or none there ("expected AuthChallenge packet"), ends the
    connection (the secret itself is never shown). The resource stays
    StandAlone/WFConnection and nothing is replicated. ``protocol`` is compared
    too: by DR009 where the resource (or ``common``) sets it, here, connection by
    connection, where a DRBD 9 copy sets it in a ``connection`` or
    ``connection-mesh`` (a connection without its own inherits the resource's).

    The settings compared are those drbdadm hands the kernel for each connection,
    on each of its two nodes: ``common`` inherited, 8.3's ``syncer`` algorithms
    taken as 8.4 moves them to ``net``, defaults filled in; in DRBD 9 a
    ``connection`` or ``connection-mesh`` section's own ``net`` options over the
    resource's (expand_common in user/v9/drbdadm_postparse.c; ``drbdadm -d up``
    shows them on each ``new-peer``), and every pair of nodes a mesh or
    connection joins. A node whose copy has no ``on`` section for it does not run
    the resource and is left out.

    Example: ``after-sb-1pri discard-secondary;`` in alpha's common section,
    ``after-sb-1pri consensus;`` in beta's; or, in a three-node DRBD 9 resource,
    ``connection { host b; host c; net { allow-two-primaries yes; } }`` in b's
    copy only.

    Fix: copy one drbd.conf (and drbd.d/) to every node.
    """
    for name, per_node in _per_node_resources(cluster):
        nodes = sorted(per_node)
        if len(nodes) < 2:
            continue
        sides = {n: _sides(cluster, n, *per_node[n]) for n in nodes}
        for i, first in enumerate(nodes):
            for node in nodes[i + 1 :]:
                a = sides[first].get(short(node))
                b = sides[node].get(short(first))
                if a is None or b is None:
                    continue  # (one copy does not connect the two: DR009's and DR010's)
                verify = all(
                    cluster.versions.of("drbd", n).older_than(DRBD_9) for n in (first, node)
                )
                found = _mismatches(a.settings, b.settings, verify)
                # (a protocol of the resource, common's included, is DR009's; one a
                # connection or mesh sets is compared here: receive_protocol,
                # "incompatible protocol settings")
                pa, pb = _link_protocol(a), _link_protocol(b)
                linked = pa or pb or any(protocol_per_connection(s.res) for s in (a, b))
                if linked and (pa or a.protocol) != (pb or b.protocol):
                    found.append(f"protocol {pb or b.protocol} here, {pa or a.protocol} there")
                if found:
                    key = next(
                        (k for k in (*_DEFAULTS, "protocol") if found[0].startswith(k)), "net"
                    )
                    yield make(
                        "DR028",
                        f"resource '{name}' on {node} and {first}: "
                        + "; ".join(found)
                        + "; the peers refuse to connect (incompatible settings)",
                        _where(cluster, node, b, key),
                        [_where(cluster, first, a, key)],
                    )


def _same(a: str | bool, b: str | bool) -> bool:
    """Whether drbdadm 9 takes two values of one option as equal (is_equal in
    user/v9/config_flags.c: numbers with their units, enums and booleans by word;
    read leniently here: any case, quotes dropped)."""
    x, y = (("yes" if v is True else str(v)).strip('"').lower() for v in (a, b))
    if x == y:
        return True
    nx, ny = to_number(x, "1"), to_number(y, "1")
    return nx is not None and nx == ny


@rule("DR030", "mesh-net-ambiguous", "error", scope="cluster")
def mesh_net_ambiguous(cluster: Cluster) -> Iterator[Finding]:
    """A ``connection-mesh`` section's ``net`` option that the resource's own ``net``
    (or ``common``'s, or a resource-level ``protocol``) sets to another value.

    Why it matters: drbdadm 9 gives each connection of a mesh the mesh's net
    options as inherited ones, then inherits the resource's into the same
    connection; an inherited option met twice with two values is refused
    (expand_opts in user/v9/drbdadm_postparse.c: "ambiguous inheritance for option
    "after-sb-1pri". should be "consensus" and "discard-secondary" at the same
    time"), and drbdadm refuses the whole configuration: no resource comes up or
    is adjusted. A ``connection`` section's own ``net`` options are not inherited
    and override the resource's without complaint.

    Example: ``net { after-sb-1pri discard-secondary; }`` in the resource and
    ``connection-mesh { hosts a b c; net { after-sb-1pri consensus; } }``.

    Fix: set the option in one place: the resource's ``net`` (every connection) or
    the mesh's, or write per-connection ``connection`` sections.
    """
    for node, items in _node_configs(cluster).items():
        for item, res in _resources(cluster, items):
            meshes = [b for b in res.block.blocks("connection-mesh") if b.blocks("net")]
            hosts = list(_on_hosts(res))
            if not meshes or not hosts:
                continue
            base = _effective(cluster, res, hosts[0].name).sections_84.get("net", {})
            for mesh in meshes:
                names = {v for e in mesh.entries("hosts") for v in e.values}
                if len(names) < 2:
                    continue  # (no connection is made from it)
                for net in mesh.blocks("net"):
                    own = sections_84({"net": settings_of(net)}).get("net", {})
                    for key, value in own.items():
                        other = base.get(key)
                        if other is None or _same(value, other):
                            continue
                        yield make(
                            "DR030",
                            f"resource '{res.name}': the connection-mesh sets {key} {value}, "
                            f"the resource's net (or common's) {other}: drbdadm 9 refuses "
                            "the configuration (ambiguous inheritance)",
                            item.where(net.entry(key) or net),
                            [_where(cluster, node, _Side(item, res, {}, None), key)],
                        )
