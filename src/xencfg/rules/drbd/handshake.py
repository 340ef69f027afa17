"""DRBD net settings that the peers compare when they connect, and that differ
between the nodes' copies of a resource."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from ...formats.drbd import Resource
from ...syntax.blocks import Block
from ...versions import DRBD_9
from .. import make, rule
from .common import _drbd, _effective, _node_configs, _on_hosts, node_hosts, short
from .nodes import _per_node_resources

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


def _net(cluster: Cluster, node: str, res: Resource) -> dict[str, str]:
    """The handshake settings of ``node``'s copy of ``res`` (common inherited, 8.3's
    ``syncer`` algorithms moved to ``net`` as 8.4 does), defaults filled in."""
    hosts = list(_on_hosts(res))
    mine = node_hosts(res, node)
    if not (mine or hosts):
        return {}
    eff = _effective(cluster, res, (mine or hosts)[0].name)
    net = eff.sections_84.get("net", {})
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


def _where(cluster: Cluster, node: str, item: Loaded, res: Resource, key: str) -> Location:
    """Where ``key`` is set for the node's copy: the resource's ``net`` (or ``syncer``)
    statement, else the ``common`` one of whichever file holds it, else the resource
    (the default applies)."""
    sections = _SECTIONS.get(key, ("net",))
    for name in sections:
        for b in res.block.blocks(name):
            found = b.entry(key)
            if found is not None:
                return item.where(found)
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
    return item.where(res.block)


def _per_connection_net(res: Resource) -> bool:
    """DRBD 9 ``connection { net { ... } }`` sections: each link has its own net
    options, which the resource-wide comparison here does not model."""
    return any(isinstance(c, Block) and c.blocks("net") for c in res.block.blocks("connection"))


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
    too, by DR009.

    The settings compared are the effective ones: ``common`` inherited, 8.3's
    ``syncer`` algorithms taken as 8.4 moves them to ``net``, defaults filled in.
    A DRBD 9 resource with per-connection ``net`` sections is left out.

    Example: ``after-sb-1pri discard-secondary;`` in alpha's common section,
    ``after-sb-1pri consensus;`` in beta's.

    Fix: copy one drbd.conf (and drbd.d/) to every node.
    """
    for name, per_node in _per_node_resources(cluster):
        nodes = sorted(per_node)
        if len(nodes) < 2:
            continue
        first_item, first_res = per_node[nodes[0]]
        if _per_connection_net(first_res):
            continue
        a = _net(cluster, nodes[0], first_res)
        for node in nodes[1:]:
            item, res = per_node[node]
            if not a or _per_connection_net(res):
                continue
            b = _net(cluster, node, res)
            if not b:
                continue
            verify = all(
                cluster.versions.of("drbd", n).older_than(DRBD_9) for n in (nodes[0], node)
            )
            found = _mismatches(a, b, verify)
            if found:
                key = next((k for k in _DEFAULTS if found[0].startswith(k)), "net")
                yield make(
                    "DR028",
                    f"resource '{name}' on {node} and {nodes[0]}: "
                    + "; ".join(found)
                    + "; the peers refuse to connect (incompatible settings)",
                    _where(cluster, node, item, res, key),
                    [_where(cluster, nodes[0], first_item, first_res, key)],
                )
