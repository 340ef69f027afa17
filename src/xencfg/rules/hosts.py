"""/etc/hosts and /etc/hostname rules: names the resolver can never return, and a
node name the daemons will not find."""

from __future__ import annotations

from collections.abc import Iterator

from ..cluster import Cluster, Loaded, hosts_index, memberships
from ..discover import display_path
from ..findings import Finding, Location
from ..versions import DRBD_9
from . import make, rule, twice
from .documents import hostname_doc as _hostname


@rule("HS001", "name-shadowed", "warning", formats=("hosts",))
def name_shadowed(item: Loaded) -> Iterator[Finding]:
    """A host name given to two addresses of one family: only the first line answers.

    Why it matters: a forward lookup returns the first matching line, so the
    later address is never used for that name. A cluster that means the
    second line (its interconnect address) talks over the first (the LAN),
    and reverse lookups give one name two addresses.

    Example: ``192.168.1.1 host1`` and later ``10.0.1.1 host1``.

    Fix: give each address its own name (``host1-hb``, ``host1-drbd``).
    """
    for line, names, earlier in hosts_index(item).shadowed():
        quoted = ", ".join(f"'{n}'" for n in names)
        yield twice(
            "HS001",
            f"{quoted} already resolve(s) to {earlier.key}; {line.key} is never returned",
            item,
            line,
            earlier,
        )


@rule("HS002", "hostname-is-fqdn", "error", scope="cluster")
def hostname_is_fqdn(cluster: Cluster) -> Iterator[Finding]:
    """/etc/hostname (RHEL 5/6: HOSTNAME=) holds an FQDN, the cluster files the short name.

    RHEL 5/6 have no /etc/hostname: there it is HOSTNAME= of /etc/sysconfig/network.

    Why it matters: Debian's ``hostname.sh`` and systemd give the kernel the
    file's name as written, and so does RHEL 5/6's rc.sysinit with HOSTNAME= of
    /etc/sysconfig/network (``hostname ${HOSTNAME}``), so ``uname -n`` prints
    ``xen1.example.net``, and the daemons look themselves up by exactly that
    name: heartbeat 3.0.6 stops with "Current node [xen1.example.net] not in
    configuration!" when ha.cf says ``node xen1 xen2``; drbdadm 8.3 warns "no
    normal resources defined for this host (xen1.example.net)" and 8.4 marks
    every resource "ignored" (the ``on xen1`` sections are not this host; drbdadm 9
    takes ``on xen1`` for xen1.example.net, so DRBD's names count only where its
    release is known to be older than 9.0); o2cb
    and the CRM match OCFS2's ``name =`` and the CIB's ``<nodes>`` the same way.
    HB002 takes the short name too, so this is the check for the name as the
    daemons see it. (SUSE's /etc/HOSTNAME is not judged: its boot scripts set the
    short name. Nor is cman's cluster.conf: ``cman_tool join`` also tries
    ``uname -n`` without its domain, cman's ``verify_nodename``; CM009 judges it.
    Nor is the CIB of a node whose corosync.conf nodelist gives it that ``name``:
    Pacemaker on corosync 2 and later takes its own name from there before
    ``uname -n`` (Pacemaker Explained, "Where Pacemaker Gets the Node Name"), nor the
    CIB of a node whose cman cluster.conf names it: Pacemaker 1.1 on cman takes its
    name from cman (lib/cluster/cluster.c get_local_node_name: ``cman_node_name(0)``),
    which found itself without the domain.)

    Example: /etc/hostname ``xen1.example.net`` (or ``HOSTNAME=xen1.example.net``
    in /etc/sysconfig/network) with ``node xen1 xen2`` in ha.cf.

    Fix: write the short name to /etc/hostname or HOSTNAME= (keep the FQDN in
    /etc/hosts), or name the node by its FQDN in every cluster file.
    """
    declared = memberships(cluster)
    listed = _nodelist_names(cluster)
    listed |= {
        (m.item.node, n.lower())
        for m in declared
        if m.source == "cman" and m.item.node
        for n in m.names
    }
    for node, name, said, where in _fqdn_unames(cluster):
        fqdn = name.lower()
        short = fqdn.split(".", 1)[0]
        own = [
            m
            for m in declared
            if m.item.node == node
            and m.source != "cman"
            and not (m.source == "drbd" and _drbd9_matches_short(cluster, node))
            and not (m.source == "cib" and (node, short) in listed)
        ]
        named = {n.lower(): m for m in own for n in m.names}
        if fqdn in named or short not in named:
            continue
        m = named[short]
        yield make(
            "HS002",
            f"{said} says '{name}' (uname -n), but {m.source} names this node "
            f"'{short}': the daemons do not find themselves",
            where,
            [m.where(next(n for n in m.names if n.lower() == short))],
        )


def _nodelist_names(cluster: Cluster) -> set[tuple[str, str]]:
    """``(node, name)`` of each ``name:`` in a node's corosync.conf nodelist (lower case):
    the name Pacemaker's controller takes for itself on corosync 2 and later."""
    if not cluster.has("corosync"):
        return set()  # (and no import of a format the run has no file of)
    from ..formats.lines.corosync import CorosyncDocument

    return {
        (item.node, str(n.name).lower())
        for item, doc in cluster.typed("corosync", CorosyncDocument)
        if item.node is not None
        for n in doc.nodes
        if n.name
    }


def _drbd9_matches_short(cluster: Cluster, node: str) -> bool:
    """Whether the node's drbdadm finds ``on xen1`` for ``uname -n`` xen1.example.net:
    drbdadm 9 does (hostnames_equal in user/v9/drbdadm_parser.c compares the host
    parts when either name lacks a domain), 8.3 and 8.4 do not (strcmp). Only a
    release known to be older than 9.0 keeps the DRBD side of HS002."""
    return not cluster.versions.of("drbd", node).older_than(DRBD_9)


def _fqdn_unames(cluster: Cluster) -> Iterator[tuple[str, str, str, Location]]:
    """``(node, uname -n, which file says it, where)`` of each node whose boot files give
    it a name with a domain: its /etc/hostname, or the HOSTNAME= discovery read from its
    /etc/sysconfig/network where that names the node (a RHEL 5/6 tree: rc.sysinit never
    reads /etc/hostname, so a stale one there is not ``uname -n``)."""
    for item in cluster.docs("hostname"):
        doc = _hostname(item)
        name = doc.name  # None only when the file is empty, and then it is no FQDN
        boot = item.file.tree.uname if item.file.tree is not None else None
        if boot is not None and boot.file != "etc/hostname":
            continue  # RHEL 5/6's rc.sysinit names the node from sysconfig/network
        if item.node is not None and name is not None and doc.is_fqdn:
            yield item.node, name, "/etc/hostname", item.where(doc.entries()[0])
    for node in cluster.nodes:
        tree = cluster.tree(node)
        boot = tree.uname if tree is not None else None
        if boot is None or boot.file != "etc/sysconfig/network" or "." not in boot.name.strip("."):
            continue
        where = Location(display_path(boot.path), boot.line, 1)
        yield node, boot.name, "/etc/sysconfig/network", where
