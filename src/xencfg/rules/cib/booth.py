"""CIB tickets: an ``rsc_ticket`` whose ticket booth does not grant, a booth site no
node holds, a ``loss-policy`` of ``demote`` without a Promoted role."""

from __future__ import annotations

from collections.abc import Iterator

from ...booth import booth_tickets
from ...cluster import Cluster, Loaded, ip_key, short
from ...findings import Finding
from .. import make, rule
from .common import _cib, _in_status, _tag, units


@rule("CB042", "ticket-not-granted-by-booth", "warning", scope="cluster")
def ticket_not_granted_by_booth(cluster: Cluster) -> Iterator[Finding]:
    """An ``rsc_ticket`` needs a ticket that no booth.conf of the run defines, while
    the run holds booth.conf files (a geo cluster's sites or arbitrator).

    Why it matters: Pacemaker keeps a resource whose ticket is not granted off every
    node (a ``Master`` role constraint demotes it instead, unless its loss-policy is
    ``stop``): the scheduler adds a -INFINITY location ``__no_ticket__``
    (Pacemaker 1.1 pengine/native.c ``rsc_ticket_constraint``, 2.x
    lib/pacemaker/pcmk_sched_tickets.c), and a ticket is not granted until
    someone grants it. booth grants only the tickets its configuration defines
    (booth src/config.c ``read_config``: each ``ticket = "NAME"``; boothd(8): booth
    "manages tickets which authorizes one of the cluster sites ... to run certain
    resources"), so a ticket spelt otherwise in the CIB (or dropped from booth.conf)
    is never granted at any site: the resource never starts, unless an administrator
    grants it by hand (``crm_ticket --grant``), outside booth's arbitration.

    Example: booth.conf ``ticket = "ticket-web"``; the CIB's ``<rsc_ticket
    id="web-needs-ticket" rsc="vm-web" ticket="ticketweb" loss-policy="fence"/>``.

    Fix: name booth's ticket in the constraint (or add the ticket to booth.conf on
    every site and the arbitrator, and restart boothd).
    """
    tickets = booth_tickets(cluster)
    if not tickets:
        return
    for unit in units(cluster):
        for item in unit.items:
            for con in _cib(item).iter("rsc_ticket"):
                ticket = con.get("ticket")
                if not ticket or ticket in tickets:
                    continue
                what = con.get("rsc") or "its resources"
                yield make(
                    "CB042",
                    f"rsc_ticket '{con.get('id')}' needs ticket '{ticket}', which no"
                    f" booth.conf of the run defines ({', '.join(sorted(tickets))}): booth"
                    f" never grants it, and Pacemaker keeps {what} stopped (or demoted)"
                    " at every site until someone runs crm_ticket --grant",
                    item.where(con),
                )


@rule("CB043", "booth-site-address-not-owned", "error", scope="cluster")
def booth_site_address_not_owned(cluster: Cluster) -> Iterator[Finding]:
    """A CIB runs boothd (``ocf:pacemaker:booth-site``) but none of the ``site``
    addresses of its booth configuration is one this cluster's nodes hold: no
    IPaddr/IPaddr2 resource of the CIB moves one, and none is a node's own address
    (its hosts files and ring addresses, or an interface's address in its network
    files: ifupdown's interfaces, ifcfg-*, netplan, NetworkManager keyfiles, as
    ifaces.py reads them for ``xencfg migrate``).

    Why it matters: the agent runs ``boothd daemon -c CONFIG`` (boothd(8)); boothd
    looks for itself among the configuration's sites and arbitrators by the addresses
    of the machine it runs on, exactly for a daemon (booth src/main.c
    ``setup_config``: ``find_myself``, fuzzy matching for clients only;
    src/transport.c ``_find_myself`` walks the interface addresses) and, finding
    none, logs "Cannot find myself in the configuration." and exits (src/main.c
    ``do_server``). The booth-site resource
    fails at this site, the site takes no part in the ticket's election, and no
    ticket is ever granted here: every resource behind an ``rsc_ticket`` stays
    stopped at this site, also when the other site is lost. pcs and crmsh put the
    site's address in an IPaddr2 grouped with booth-site, the same address booth.conf
    lists as ``site``.

    Judged where the CIB's node tree holds the configuration (/etc/booth/NAME.conf,
    NAME the agent's ``config``, default ``booth``) and every site is written as an
    IP address.

    Example: booth.conf ``site = 10.93.1.100``; the CIB's booth group has
    ``IPaddr2 ip=10.93.1.110``.

    Fix: give the booth group's IPaddr2 the address booth.conf names for this site (or
    correct booth.conf on every site and the arbitrator).
    """
    from ...booth import booth_config
    from ...membership import cib_nodes
    from ..cman import _is_ip

    for unit in units(cluster):
        for item in unit.items:
            tree = cluster.tree(item.node) if item.node else None
            if tree is None:
                continue
            doc = _cib(item)
            sites = [p for p in doc.primitives if p.agent == "ocf:pacemaker:booth-site"]
            for prim in sites:
                if "-s" in str(prim.param("args") or "").split():
                    continue  # (boothd -s SITE: booth takes the site named, not looked up)
                conf = booth_config(tree, str(prim.param("config") or "booth"))
                if conf is None or not conf.sites or not all(_is_ip(s) for s in conf.sites):
                    continue
                owned = {
                    str(p.param("ip"))
                    for p in doc.primitives
                    if (p.type or "").startswith("IPaddr") and p.param("ip")
                }
                members = cib_nodes(cluster, [item]).names
                for name in members:
                    info = cluster.model.node(name)
                    owned |= set(info.addresses) if info is not None else set()
                for node in cluster.nodes:
                    if node and short(node) in members:
                        owned |= _interface_addresses(cluster, node)
                # (one spelling: fd00::0001 is fd00::1 to boothd, which compares addresses)
                if {ip_key(a) for a in owned} & {ip_key(s) for s in conf.sites}:
                    continue
                yield make(
                    "CB043",
                    f"booth-site '{prim.id}' runs boothd with {conf.path}, whose sites"
                    f" ({', '.join(conf.sites)}) are no address this cluster moves or"
                    " its nodes hold: boothd exits ('Cannot find myself in the"
                    " configuration') and no ticket is ever granted at this site",
                    item.where(prim),
                )


def _interface_addresses(cluster: Cluster, node: str) -> frozenset[str]:
    """The addresses ``node``'s network files give its interfaces (ifaces.py), once
    per run."""

    def compute() -> frozenset[str]:
        from ...discover import NodeTree
        from ...ifaces import interface_addresses

        root = cluster.tree(node)
        if root is None:
            return frozenset()
        found = interface_addresses(NodeTree(node, root.root, root.etc))
        return frozenset(address for address, _ in found.values())

    return cluster.fact(f"interface-addresses:{node}", compute)


@rule("CB044", "ticket-demote-without-promoted-role", "warning", formats=("cib",), hazard=True)
def ticket_demote_without_promoted_role(item: Loaded) -> Iterator[Finding]:
    """An ``rsc_ticket`` whose loss-policy demotes a resource that has no Promoted role.

    Why it matters: on the loss of a ticket (and while it is not granted) Pacemaker
    bans the resource from every node, but for ``loss-policy="demote"`` of a
    constraint limited to the Promoted role, where it only takes the promotion away
    (lib/pacemaker/pcmk_sched_tickets.c ``constraints_for_ticket``: ``case
    loss_ticket_demote: if (rsc_ticket->role != pcmk_role_promoted)
    resource_location(... -INFINITY, "__loss_of_ticket__")``; without a loss-policy,
    ``rsc-role="Promoted"`` defaults to demote, ``rsc_ticket_new``; the same test on
    ``RSC_ROLE_MASTER`` in Pacemaker 1.1's pengine/native.c ``rsc_ticket_constraint``).
    So:

    - ``rsc-role="Promoted"`` (or ``Master``) on a resource no promotable clone or
      master/slave holds, with any loss-policy but ``stop``: the resource is never
      promoted, the ticket never keeps it off a node, and it runs whether or not its
      ticket is granted, at every site of a geo cluster at once. crm_verify 2.1.5
      takes the CIB (rc 0); crm_simulate 2.1.5 starts the resource with the ticket
      not granted. An error.
    - ``loss-policy="demote"`` without ``rsc-role="Promoted"``: the resource is
      stopped, as for ``stop`` (a promotable clone: every instance, not a demotion),
      not what the constraint says. A warning.

    Example: ``<rsc_ticket id="t" ticket="T" rsc="vm-web" rsc-role="Promoted"
    loss-policy="demote"/>`` on a primitive.

    Fix: on a primitive or group, write ``loss-policy="stop"`` (or fence/freeze) without
    ``rsc-role``; on a promotable clone that should only lose its promotion, add
    ``rsc-role="Promoted"``.
    """
    from .drbd_order import _promotable

    doc = _cib(item)
    resources = {
        i: el
        for el in doc.iter("primitive", "group", "clone", "master", "master_slave")
        if (i := el.get("id")) and not _in_status(el)
    }
    for con in doc.iter("rsc_ticket"):
        if _in_status(con):
            continue
        loss = (con.get("loss-policy") or "").strip().lower()
        named = [(con.get("rsc"), con.get("rsc-role"), con)] if con.get("rsc") else []
        for rset in con.iter("resource_set"):
            named += [(r.get("id"), rset.get("role"), r) for r in rset.iter("resource_ref")]
        for rid, role, where in named:
            el = resources.get(rid or "")
            if el is None:
                continue  # (a template, tag or bundle, or CB002's)
            promoted = (role or "").lower() in ("promoted", "master")
            ticket = f"rsc_ticket '{con.get('id')}' (ticket '{con.get('ticket')}')"
            if promoted and _promotable(el) is None and loss != "stop":
                policy = loss or "demote (the default with a Promoted role)"
                yield make(
                    "CB044",
                    f"{ticket} limits {_tag(el)} '{rid}' to its Promoted role, which it does"
                    f" not have: with loss-policy {policy}, Pacemaker never keeps it off a"
                    " node for the ticket, so it runs whether or not the ticket is granted",
                    item.where(where),
                    severity="error",
                )
            elif loss == "demote" and not promoted:
                what = (
                    'every instance is stopped, not demoted (add rsc-role="Promoted")'
                    if _promotable(el) is not None
                    else "it has no Promoted role and is stopped, as for loss-policy stop"
                )
                yield make(
                    "CB044",
                    f"{ticket} has loss-policy demote for {_tag(el)} '{rid}' without"
                    f" rsc-role Promoted: when the ticket is lost {what}",
                    item.where(where),
                )
