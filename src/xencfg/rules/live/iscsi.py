"""iSCSI: configured targets against the initiators' sessions (LS009, LS010)."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, ip_key, moved_addresses
from ...findings import Finding, Location
from .. import Once, make, rule
from ..iscsi.common import _read_ietd
from .common import _at, _short


def _configured_targets(cluster: Cluster, lio: bool = True) -> dict[str, Location]:
    """Targets the configuration names: ``Target`` lines of the ietd.conf ietd reads
    (see :func:`..iscsi.common.ietd_not_read`), the iSCSI targets of an LIO box's
    saveconfig.json (what ``targetctl restore`` builds) and CIB ``iscsi`` resources'
    ``target`` parameter. ``lio=False`` leaves LIO's out."""
    from ...formats.cib.model import CibDocument
    from ...formats.lines.ietd import IetdDocument
    from ...formats.lio_saveconfig import SaveconfigDocument

    out: dict[str, Location] = {}
    for item in _read_ietd(cluster):  # not a stale /etc/ietd.conf that ietd never reads
        ietd = item.doc
        if not isinstance(ietd, IetdDocument):
            continue
        for t in ietd.targets:
            out.setdefault(t.name, item.where(t.block if hasattr(t, "block") else None))
    for item, saved in cluster.typed("lio-saveconfig", SaveconfigDocument) if lio else ():
        for target in saved.iscsi_targets:
            if target.wwn:
                out.setdefault(target.wwn, item.where(target))
    for item, cib in cluster.typed("cib", CibDocument):
        for p in cib.primitives:
            if (p.type or "").lower() == "iscsi" and p.param("target"):
                out.setdefault(str(p.param("target")), item.where(p))
    return out


def _initiator_names(cluster: Cluster) -> dict[str, str]:
    """Each node's iSCSI initiator name (its initiatorname.iscsi), by node."""
    from ...formats.lines.initiatorname import InitiatorNameDocument

    out: dict[str, str] = {}
    for item, doc in cluster.typed("initiatorname", InitiatorNameDocument):
        if item.node and doc.name:
            out.setdefault(item.node, doc.name)
    return out


def lio_logins(cluster: Cluster) -> dict[str, set[str]]:
    """LIO target IQN -> the nodes that should log in to it: those whose initiator name
    (initiatorname.iscsi) an ACL of one of its enabled portal groups names
    (``node_acls[].node_wwn`` in saveconfig.json). The kernel admits an initiator by
    its ACL (target_core_tpg.c ``core_tpg_get_initiator_node_acl``, names compared
    as written), so these are the nodes the box exports the target to. A target in
    demo mode (``generate_node_acls``) admits anyone, and a node without an
    initiatorname.iscsi cannot be told: neither is listed, so no node is judged."""
    from ...formats.lio_saveconfig import SaveconfigDocument

    by_name: dict[str, set[str]] = {}
    for node, iqn in _initiator_names(cluster).items():
        by_name.setdefault(iqn, set()).add(node)
    out: dict[str, set[str]] = {}
    for _, saved in cluster.typed("lio-saveconfig", SaveconfigDocument):
        for target in saved.iscsi_targets:
            if not target.wwn:
                continue
            nodes = out.setdefault(target.wwn, set())
            for tpg in target.tpgs:
                if not tpg.enable or tpg.generate_node_acls:
                    continue
                for acl in tpg.node_acls:
                    nodes |= by_name.get(acl.node_wwn or "", set())
    return out


@rule("LS009", "iscsi-target-without-session", "warning", scope="cluster")
def iscsi_target_no_session(cluster: Cluster) -> Iterator[Finding]:
    """A configured target has no session from an initiator that should log in.

    Why it matters: the target is exported (ietd.conf) and admits the node (or
    the CIB logs in to it), yet the node's ``iscsiadm -m session`` has no
    session to it: its LUNs are missing on that node, and the domU or file
    system that needs them cannot start or fail over there.

    Example: ietd.conf ``Target iqn.2026-11.net.example:san1.web``; xen2's
    captured sessions list ``san1.pool`` only. An LIO target (saveconfig.json) is
    judged for the nodes its enabled portal groups' ACLs admit: those whose
    initiatorname.iscsi an ACL's ``node_wwn`` names (one in demo mode,
    ``generate_node_acls``, admits anyone, and is judged for no node). A session
    that exists but is not logged in (``iSCSI Session State: FAILED``, connection
    ``TRANSPORT WAIT``: the portal does not answer and open-iscsi keeps retrying)
    gives the LUN no more than a missing one, and is named as such.

    Fix: ``iscsiadm -m discovery -t st -p PORTAL`` and ``iscsiadm -m node -T
    IQN -l`` on the node; check initiators.allow and node.startup.
    """
    if not cluster.has("iscsi-session"):
        return
    from ...formats.status.iscsi_session import IscsiSessionDocument

    targets = _configured_targets(cluster)
    if not targets:
        return
    layers = cluster.model.targets
    lio = lio_logins(cluster)
    lio_files = {i.file.display for i in cluster.docs("lio-saveconfig")}
    for node in cluster.nodes:
        own_files = {
            i.file.display for fmt in ("ietd", "lio-saveconfig") for i in cluster.docs(fmt, node)
        }
        docs = [
            (i, d)
            for i, d in cluster.typed("iscsi-session", IscsiSessionDocument, node)
            if d.sessions or "No active sessions" in d.source
        ]  # anything else is a message of a tool that could not ask iscsid
        if not docs:
            continue
        info = cluster.model.node(node)
        if info is not None and info.storage_only:
            continue  # a target box: it exports, it does not log in
        have = {s.target for _, d in docs for s in d.sessions if s.logged_in}
        # a session that is there but not logged in (FAILED, in TRANSPORT WAIT: the
        # portal does not answer, open-iscsi retries): said as such, at its line
        down = {s.target: (i, s) for i, d in docs for s in d.sessions if not s.logged_in}
        for name, where in targets.items():
            if where.path in own_files:
                continue  # this node's own ietd.conf exports it
            if where.path in lio_files:
                if node not in lio.get(name, set()):
                    continue  # not admitted by the target's ACLs (or they do not tell)
            else:
                layer = layers.get(name)
                if layer is not None and layer.members and _short(node) not in layer.members:
                    continue
            if name in have:
                continue
            if name in down:
                i, s = down[name]
                states = ", ".join(
                    f"{what} {v}"
                    for what, v in (
                        ("session", s.session_state),
                        ("connection", s.connection_state),
                    )
                    if v
                )
                yield make(
                    "LS009",
                    f"{node}'s iSCSI session to configured target {name} is not logged in"
                    + (f" ({states})" if states else ""),
                    _at(i, s.line),
                    [where],
                )
                continue
            yield make(
                "LS009",
                f"{node} has no iSCSI session to configured target {name}",
                _at(docs[0][0], 1),
                [where],
            )


@rule("LS010", "iscsi-session-to-unknown-target", "warning", scope="cluster")
def iscsi_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """A node has an iSCSI session to a target no configuration of the run names.

    Why it matters: the run holds the target boxes' ietd.conf or LIO
    saveconfig.json (or the CIB's iscsi resources), and none exports or logs in
    to this target: a leftover
    from a retired LUN or a manual login that survives in the node database
    and logs in at every boot, with disks that multipath may claim under
    another name.

    Example: session to ``iqn.2026-11.net.example:san1.old``; san1's ietd.conf
    has ``san1.pool`` and ``san1.web`` only.

    Fix: ``iscsiadm -m node -T IQN -u`` then ``iscsiadm -m node -T IQN -o
    delete``; or add the target to the configuration if it is in use. Not
    judged when the run has no target configuration (an external SAN).
    """
    if not cluster.has("iscsi-session"):
        return
    from ...formats.status.iscsi_session import IscsiSessionDocument

    targets = _configured_targets(cluster)
    if not targets:
        return
    once = Once()
    for item, d in cluster.typed("iscsi-session", IscsiSessionDocument):
        for s in d.sessions:
            # supportconfig keeps ``iscsiadm -m session`` and ``-P 1`` of the same node
            key = (item.node, s.target, s.portal)
            if s.target not in targets and once(key):
                yield make(
                    "LS010",
                    f"session to {s.target} on {item.node or '?'}: no ietd.conf, "
                    "saveconfig.json or CIB resource of this run names that target",
                    _at(item, s.line),
                )


def _portal_address(portal: str | None) -> str | None:
    """The address of iscsiadm's ``ADDRESS:PORT,TPGT`` (``[ADDRESS]:PORT,TPGT`` for
    IPv6: open-iscsi session_info.c ``session_info_print_tree`` prints ``Current
    Portal: %s:%d,%d``, bracketed when the address has no dot). An IPv6 portal
    without brackets (older flat listings) is ambiguous: ``None``, not judged."""
    import ipaddress

    if not portal:
        return None
    host = portal.split(",", 1)[0]
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    elif ":" in host:
        return None  # fe80::1:3260: where the address ends is not known
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    # a link-local portal is an address of some interface of every host: not judged
    return None if ip.is_link_local else str(ip)


def _exporters(cluster: Cluster) -> dict[str, tuple[set[str], bool]]:
    """Each target the run's ietd.conf files export: the nodes exporting it, and
    whether every one of them had its addresses captured (``ip addr``)."""

    def compute() -> dict[str, tuple[set[str], bool]]:
        from ...formats.lines.ietd import IetdDocument
        from ...formats.status.ip_addr import IpAddrDocument

        boxes: dict[str, set[str]] = {}
        for item in _read_ietd(cluster):
            if isinstance(item.doc, IetdDocument) and item.node is not None:
                for t in item.doc.targets:
                    boxes.setdefault(t.name, set()).add(item.node)
        held = {
            n: any(d.addresses for _, d in cluster.typed("ip-addr", IpAddrDocument, n))
            for ns in boxes.values()
            for n in ns
        }
        return {t: (ns, all(held[n] for n in ns)) for t, ns in boxes.items()}

    return cluster.fact("live.iscsi.exporters", compute)


def _elsewhere(cluster: Cluster, target: str, address: str | None) -> list[str] | None:
    """The boxes exporting ``target`` when none of them holds ``address`` (the portal
    is served by another machine), else ``None``: also when the address is not
    known, some exporting box's addresses were not captured, or the boxes' cluster
    manager moves the address (haresources or CIB IPaddr/IPaddr2: the pair's service
    address, held by the active box only)."""
    from ...formats.status.ip_addr import IpAddrDocument

    boxes, known = _exporters(cluster).get(target, (set(), False))
    if not boxes or not known or address is None:
        return None
    moved = moved_addresses(cluster).get(ip_key(address))
    if moved is not None and moved[1] & boxes:
        return None  # a target pair's service address: on whichever box is active now
    for b in boxes:
        if any(d.holds(address) for _, d in cluster.typed("ip-addr", IpAddrDocument, b)):
            return None
    return sorted(boxes)


@rule("LS019", "iscsi-session-portal-not-target", "warning", scope="cluster")
def iscsi_portal_not_target(cluster: Cluster) -> Iterator[Finding]:
    """A session to a configured target goes through a portal that none of the boxes
    exporting the target holds.

    Why it matters: the target's name is exported by the run's ietd.conf on
    known boxes, whose addresses were captured (``ip addr``); a session to that
    name at an address none of them has is served by another machine: a retired
    target box still running, a clone of the box, an old address in the node
    record that someone else now holds. Its LUN is not the one the other
    initiators write to, and multipath may take it as one more path of the same
    map (same name, same ScsiId): writes are spread over two different disks.

    Example: san1's ietd.conf exports ``iqn.2026-11.net.example:san1.web``, san1
    holds 10.0.2.11; xen2's session to it shows ``Current Portal:
    10.0.9.99:3260,1``.

    Fix: log out of the session (``iscsiadm -m node -T IQN -p PORTAL -u``),
    delete the stale node record (``-o delete``), find what answers at that
    address; log in through the target box's portal. Judged only when every box
    exporting the target had its addresses captured, and not at an address
    their cluster manager moves (a target pair's service address); a target
    reached through NAT (the portal is the router's address) is reported too:
    dismiss it there.
    """
    if not cluster.has("iscsi-session") or not cluster.has("ip-addr"):
        return
    from ...formats.status.iscsi_session import IscsiSessionDocument

    once = Once()
    for item, d in cluster.typed("iscsi-session", IscsiSessionDocument):
        for s in d.sessions:
            address = _portal_address(s.portal)
            boxes = _elsewhere(cluster, s.target, address)
            if boxes is None or address is None:
                continue
            if not once((item.node, s.target, address)):
                continue
            yield make(
                "LS019",
                f"session to {s.target} on {item.node or '?'} goes to {address}, which "
                f"{', '.join(sorted(boxes))} (exporting the target) do(es) not hold",
                _at(item, s.line),
            )
