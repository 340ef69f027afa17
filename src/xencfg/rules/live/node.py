"""The node itself: the addresses it holds and its uname -n (LS014, LS015, LS018, LS023)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...cluster import Cluster, memberships, moved_addresses
from ...findings import Finding, Location
from .. import make, rule
from ..drbd.common import hostnames_equal
from ..xen.xend import relocation_address
from .common import _at, _short
from .drbd import configured_drbd


def _own_addresses(cluster: Cluster, node: str) -> list[tuple[str, str, Location]]:
    """``(address, what gives it, where)`` the files make this node bind to, or send to
    it at: its DRBD ``on`` sections, its OCFS2 node stanza, its xend relocation
    server's ``xend-relocation-address``, and the other nodes' ha.cf ``ucast`` lines
    to an address /etc/hosts gives this node. Once per run and node (LS014 and LS018
    both ask)."""
    return cluster.fact(f"live:own-addresses:{node}", lambda: _find_own(cluster, node))


def _find_own(cluster: Cluster, node: str) -> list[tuple[str, str, Location]]:
    from ...formats.lines.ocfs2 import Ocfs2Document

    out: list[tuple[str, str, Location]] = []
    for r in configured_drbd(cluster):
        if r.node != node:
            continue
        h = r.res.host(r.host)
        addr = getattr(h, "address", None) if h is not None else None
        host = addr.ip if addr is not None else None
        if addr is not None and addr.family in ("ipv4", "ipv6") and host not in ("0.0.0.0", "::"):
            out.append((str(host), f"DRBD resource '{r.name}' binds it", r.item.where(h.block)))
    for item, o in cluster.typed("ocfs2", Ocfs2Document):
        for n in o.nodes:
            if n.name and _short(n.name) == _short(node) and n.ip_address is not None:
                out.append((str(n.ip_address), "the OCFS2 node binds it", item.where(n)))
    for item in cluster.docs("xend", node):
        listen = relocation_address(cluster, item)
        if listen is not None and not listen[1].is_loopback:  # (lo: every node has it)
            raw, bound, where = listen
            said = "" if raw.strip() == str(bound) else f" ('{raw.strip()}' by /etc/hosts)"
            out.append((str(bound), f"xend's relocation server binds it{said}", where))
    from ...formats.lines.hacf import HacfDocument

    info = cluster.model.node(node)
    mine = set(info.addresses) if info is not None else set()
    for item, hacf in cluster.typed("hacf", HacfDocument):
        if item.node is not None and _short(item.node) == _short(node):
            continue  # heartbeat skips a ucast to its own address
        for m in hacf.comm_paths:
            if m.kind in ("ucast", "ucast6") and m.host is not None and str(m.host) in mine:
                where = item.where(m.node) if m.node is not None else item.where(None)
                what = f"ha.cf of {item.node or '?'} sends heartbeats to it"
                out.append((str(m.host), what, where))
    return out


@rule("LS014", "address-not-held", "error", scope="cluster")
def address_not_held(cluster: Cluster) -> Iterator[Finding]:
    """A node does not hold the address its DRBD, OCFS2, xend or heartbeat configuration
    gives it.

    Why it matters: drbdsetup binds the ``address`` of the node's ``on``
    section, o2net listens on its ``ip_address`` and xend's relocation server
    (``(xend-relocation-server yes)``) on its ``xend-relocation-address``
    (relocate.py ``listenRelocation`` hands it to tcp.py's ``TCPListener``,
    which binds it as it starts); with the address not on any interface (``ip -o
    addr``), the bind fails ("Cannot assign requested address"): DRBD stays
    StandAlone/WFConnection, the node cannot join the OCFS2 cluster, and xend
    does not start at all (SrvDaemon.py ``run`` logs "Exception starting xend"
    and exits 1): no ``xm`` command works there, no guest migrates to it. An empty
    ``xend-relocation-address``, ``0.0.0.0`` or ``::`` binds every address and
    is not judged. A peer's ha.cf ``ucast`` to an address of this node
    (by /etc/hosts) that no interface has is a dead heartbeat path: one
    communication path fewer than the configuration shows. Typically after a
    renumbering or an interface renamed.

    Example: ``on alpha { address 10.0.0.1:7788; }``; alpha's ``ip -o addr``
    has 10.0.1.1 only; or ``(xend-relocation-address '10.0.0.5')`` in its
    xend-config.sxp and no interface with 10.0.0.5.

    Fix: give the interface its address again, or correct the configuration
    on every node.
    """
    if not cluster.has("ip-addr"):
        return
    import ipaddress

    from ...formats.status.ip_addr import IpAddrDocument

    for node in cluster.nodes:
        docs = [(i, d) for i, d in cluster.typed("ip-addr", IpAddrDocument, node) if d.addresses]
        if not docs:
            continue
        item = docs[0][0]
        for address, what, where in _own_addresses(cluster, node):
            try:
                ipaddress.ip_address(address)
            except ValueError:
                continue  # a host name: resolved at run time, not judged here
            if not any(d.holds(address) for _, d in docs):
                yield make(
                    "LS014",
                    f"{node} does not hold {address} ({what}): no interface has it",
                    where,
                    [_at(item, 1)],
                )


def _names_it(m: Any, uname: str, node: str, drbd9: bool) -> bool:
    """Whether membership ``m`` finds the node called ``uname`` (as ``uname -n`` prints
    it) the way its daemon looks: exactly, in any case, except that cman's
    ``verify_nodename`` also tries the name without its domain and each cluster.conf
    name without its domain (cman_tool's join); drbdadm 9 matches an ``on`` name by
    ``hostnames_equal`` (user/v9/drbdadm_parser.c: two names with a domain compare
    whole, otherwise the host parts do, in any case), drbdadm 8.3 and 8.4 with strcmp
    (``name_in_names``: case counts). A drbd.conf that names neither ``uname`` nor the
    node (a copy on a dom0 that is no host of any resource) says nothing of its name."""
    if m.source == "drbd":
        if any(hostnames_equal(n, uname) if drbd9 else n == uname for n in m.names):
            return True
        short = {_short(n) for n in m.names}
        return _short(uname) not in short and _short(node) not in short
    names = {n.lower() for n in m.names}
    if uname.lower() in names:
        return True
    return m.source == "cman" and _short(uname) in {_short(n) for n in names}


@rule("LS015", "uname-not-node-name", "error", scope="cluster")
def uname_not_node_name(cluster: Cluster) -> Iterator[Finding]:
    """``uname -n`` of a node is not the name its cluster files give it.

    Why it matters: each daemon finds its own section by the kernel's node
    name: drbdadm picks the ``on`` section equal to ``uname -n`` ("no
    resources defined for this host" otherwise), heartbeat stops with
    "Current node [NAME] not in configuration!", o2cb and the CRM match
    ``name =`` and the CIB's ``uname`` the same way. A node renamed (or
    booted with a DHCP-given name) leaves the cluster without any file
    changing. Each file is read the way its daemon looks: cman also takes the
    name without its domain, either way round (cman_tool ``verify_nodename``),
    drbdadm 9 compares host parts, in any case, when one name has no domain and
    whole names otherwise (``hostnames_equal``: ``alpha.a.com`` is not ``on
    alpha.b.com``), drbdadm 8.3 and 8.4 compare exactly; a drbd.conf copy that
    names neither this node nor its ``uname -n`` (a dom0 that is no host of any
    resource) is not judged.

    Example: ha.cf ``node xen1 xen2``; xen1's captured ``uname -n`` is
    ``localhost``.

    Fix: set the host name back (``hostname xen1`` and /etc/hostname), or
    rename the node in every cluster file.
    """
    if not cluster.has("uname"):
        return
    from ...formats.status.uname import UnameDocument
    from ...versions import DRBD_9

    declared = memberships(cluster)
    for node in cluster.nodes:
        drbd9 = not cluster.versions.of("drbd", node).older_than(DRBD_9)
        for item, un in cluster.typed("uname", UnameDocument, node):
            own = [m for m in declared if m.item.node == node and m.source != "cib"]
            own += [m for m in declared if m.item.node == node and m.source == "cib"][:1]
            missed = [m for m in own if not _names_it(m, un.name, node, drbd9)]
            if not missed:
                continue
            listed = sorted({n for m in missed for n in m.names})
            sources = ", ".join(dict.fromkeys(m.source for m in missed))
            related = []
            for m in missed:
                near = next((n for n in m.names if _short(n) == _short(un.name)), m.names[0])
                related.append(m.where(near))
            yield make(
                "LS015",
                f"uname -n is '{un.name}', which {sources} do(es) not name "
                f"(they name {', '.join(listed)})",
                _at(item, 1),
                related,
            )


def _named_addresses(cluster: Cluster) -> dict[str, str]:
    """Addresses the files give to one place at a time, with what gives them: each
    node's own (what it binds, see :func:`_own_addresses`; its /etc/hosts names),
    and what a cluster manager moves (haresources ``IPaddr``/``IPaddr2``, CIB
    IPaddr/IPaddr2 primitives' ``ip``). An IPaddr2 inside a clone is left out: with
    ``clusterip_hash`` it is meant to be on every node (iptables CLUSTERIP)."""
    out = {ip: what for ip, (what, _) in moved_addresses(cluster).items()}
    for node in cluster.nodes:
        for address, what, _ in _own_addresses(cluster, node):
            out.setdefault(address, f"{what}, on {node}")
    for name, info in cluster.model.nodes.items():
        for address in info.addresses:
            out.setdefault(address, f"the files give it to {name}")
    return out


@rule("LS018", "address-held-twice", "error", scope="cluster")
def address_held_twice(cluster: Cluster) -> Iterator[Finding]:
    """An address the configuration gives to one node is on two nodes' interfaces.

    Why it matters: two machines answering ARP for one address take its traffic
    in turns: an iSCSI initiator logs in to whichever box answered (another
    target, or the passive node of a target pair, whose LUNs are stale), a DRBD
    peer or heartbeat talks to the wrong machine. For a floating address that
    haresources or the CIB moves (IPaddr, IPaddr2) it means the resource manager
    lost track of it: the old holder kept it after a failover (a failed stop, an
    ``ifconfig`` by hand), or both nodes run the resource (split brain). Judged
    only for addresses the files name (/etc/hosts, DRBD, OCFS2, xend, ha.cf,
    haresources, the CIB) on two nodes whose ``ip addr`` was captured; loopback interfaces (the
    virtual address of an LVS direct-routing real server) and IPaddr2 clones
    (``clusterip_hash``, on every node by design) are not. The captures of two
    nodes are taken at different moments: a failover between them shows the
    address twice, so check the times of both.

    Example: /etc/hosts ``10.0.2.11 san1``; san1's and san2's ``ip -o addr``
    both have ``inet 10.0.2.11/24``.

    Fix: ``ip addr del ADDRESS/PREFIX dev IF`` on the node that must not hold it;
    for a floating address, clean up the resource (``crm_resource -C``) and find
    why its stop did not remove it.
    """
    if not cluster.has("ip-addr"):
        return
    import ipaddress

    from ...formats.status.ip_addr import IpAddrDocument

    named = _named_addresses(cluster)
    holders: dict[str, list[tuple[str, Location]]] = {}
    for node in cluster.nodes:
        seen: set[str] = set()
        for item, doc in cluster.typed("ip-addr", IpAddrDocument, node):
            for a in doc.addresses:
                try:
                    ip = ipaddress.ip_address(a.address)
                except ValueError:
                    continue
                if ip.is_loopback or ip.is_link_local or a.interface.split("@")[0] == "lo":
                    continue
                key = str(ip)
                if key in named and key not in seen:
                    seen.add(key)
                    holders.setdefault(key, []).append((node, _at(item, a.line)))
    for address, held in holders.items():
        if len(held) < 2:
            continue
        nodes = ", ".join(n for n, _ in held)
        yield make(
            "LS018",
            f"{address} is on {nodes} at once ({named[address]})",
            held[1][1],
            [where for _, where in held[:1] + held[2:]],
        )


@rule("LS023", "address-not-where-crm-says", "error", scope="cluster")
def address_not_where_crm_says(cluster: Cluster) -> Iterator[Finding]:
    """The cluster manager reports an IPaddr/IPaddr2 resource started on a node that
    does not hold its address.

    Why it matters: the CRM believes the service address (an iSCSI portal, a
    domU's service address) is up on that node, and places what depends on it
    there; the node's ``ip addr`` has no such address, so clients reach nobody,
    or whichever other node still holds it (named in the finding). The agents'
    monitor would fail the resource at its next run, unless there is no monitor
    operation, the resource is unmanaged, or the address was removed by hand
    (``ip addr del``) after the probe. (Compared only where both crm_mon and that
    node's ``ip addr`` were captured; captures taken at different moments can
    straddle a failover: check their times.)

    Example: crm_mon ``ip-san (ocf::heartbeat:IPaddr2): Started st1``; st1's
    ``ip -o addr`` has no 10.0.2.10, st2's has it.

    Fix: ``crm_resource --cleanup -r ID`` (the probe finds where it is), remove
    the stale copy from the other node, and give the resource a monitor
    operation.
    """
    if not cluster.has("ip-addr") or not cluster.has("crm-mon-xml"):
        return
    from ...formats.cib.model import CibDocument
    from ...formats.status.crm_mon import CrmMonDocument
    from ...formats.status.ip_addr import IpAddrDocument

    ips: dict[str, str] = {}  # resource id -> its address
    for fmt in ("cib-live", "cib"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.primitives:
                if (p.type or "").startswith("IPaddr") and p.param("ip"):
                    ips.setdefault(str(p.id), str(p.param("ip")).split("/", 1)[0])
    if not ips:
        return
    held: dict[str, list[IpAddrDocument]] = {}
    for node in cluster.nodes:
        found = [d for _, d in cluster.typed("ip-addr", IpAddrDocument, node) if d.addresses]
        if found:
            held[_short(node)] = found
    said: set[str] = set()
    for item, mon in cluster.typed("crm-mon-xml", CrmMonDocument):
        for r in mon.resources:
            ip = ips.get(r.base_id)
            if ip is None or not r.active or not r.managed or r.base_id in said:
                continue
            for node in r.nodes:
                docs = held.get(_short(node))
                if docs is None or any(d.holds(ip) for d in docs):
                    continue
                said.add(r.base_id)
                others = sorted(n for n, ds in held.items() if any(d.holds(ip) for d in ds))
                where = f"; {', '.join(others)} hold(s) it" if others else ""
                yield make(
                    "LS023",
                    f"the CRM reports '{r.id}' ({ip}) started on {node}, which does not hold "
                    f"the address{where}",
                    _at(item, r.line),
                )
