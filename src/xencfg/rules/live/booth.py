"""A geo cluster's tickets: what the CIBs need against booth list and the CIB's own
ticket state (LS032)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...booth import booth_confs
from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from .. import Once, make, rule
from .common import _at

if TYPE_CHECKING:
    from ...formats.status.booth_list import BoothListDocument


def _needed(cluster: Cluster) -> dict[str, tuple[list[str], Location]]:
    """Ticket -> the resources that need it (``rsc_ticket``'s ``rsc``, or its resource
    sets' members) and the first constraint naming it, over every CIB of the run."""
    from ...formats.cib.model import CibDocument

    out: dict[str, tuple[list[str], Location]] = {}
    for fmt in ("cib", "cib-live"):
        for item, cib in cluster.typed(fmt, CibDocument):
            for con in cib.iter("rsc_ticket"):
                ticket = con.get("ticket")
                if not ticket:
                    continue
                rscs, _ = out.setdefault(ticket, ([], item.where(con)))
                refs = con.iter("{*}resource_ref")  # (inside its resource sets)
                names = [con.get("rsc"), *(r.get("id") for r in refs)]
                rscs.extend(n for n in names if n and n not in rscs)
    return out


def _granted_here(cluster: Cluster, node: str) -> dict[str, Location]:
    """The tickets the node's live CIB holds granted: crm_mon XML's ``<ticket
    status="granted">``, ``cibadmin -Q``'s ``<ticket_state granted="true">`` (its status
    section: supportconfig's only view of tickets)."""
    out: dict[str, Location] = {}
    if cluster.has("crm-mon-xml", node=node):
        from ...formats.status.crm_mon import CrmMonDocument

        for item, mon in cluster.typed("crm-mon-xml", CrmMonDocument, node):
            for t in mon.tickets:
                if t.granted:
                    out.setdefault(t.id, _at(item, t.line))
    if cluster.has("cib-live", node=node):
        from ...formats.cib.model import CibDocument

        for item, cib in cluster.typed("cib-live", CibDocument, node):
            for st in cib.iter("ticket_state"):
                if (st.get("granted") or "").lower() == "true" and st.get("id"):
                    out.setdefault(str(st.get("id")), item.where(st))
    return out


def _one_booth(cluster: Cluster, node: str) -> bool:
    """Whether the node runs one booth at most: ``booth list`` asks the default
    configuration's daemon (/etc/booth/booth.conf), so with a second one
    (``booth@other``) a ticket it lacks may be the other's."""
    tree = cluster.tree(node)
    confs = booth_confs(tree) if tree is not None else []
    return confs is not None and len(confs) <= 1


def _lists(cluster: Cluster) -> Iterator[tuple[str, Loaded, BoothListDocument]]:
    """Every captured ``booth list`` with its node."""
    if not cluster.has("booth-list"):
        return
    from ...formats.status.booth_list import BoothListDocument

    for node in cluster.nodes:
        for item, doc in cluster.typed("booth-list", BoothListDocument, node):
            yield node, item, doc


@rule("LS032", "booth-ticket-not-granted", "warning", scope="cluster")
def booth_ticket_not_granted(cluster: Cluster) -> Iterator[Finding]:
    """A ticket the CIB needs is granted at no site, by hand only, or at two sites.

    Why it matters: a resource behind an ``rsc_ticket`` runs only where its ticket
    is granted (Pacemaker keeps it off every node of a site without it, CB042), and
    booth decides which site holds it. ``booth list`` on a site or the arbitrator
    prints each ticket of the running boothd with the site that leads it (booth
    src/ticket.c ``list_ticket``: ``ticket: NAME, leader: ADDRESS, expires: ...``;
    ``leader: NONE`` when no site holds it; 0.x printed ``owner: None``). Drift it
    shows:

    * ``leader: NONE``: no site holds the ticket, so its resources are stopped
      at every site: it was never granted (``booth grant`` after setup), or
      every site lost it and none reacquired it;
    * the same, while the node's CIB holds it granted (crm_mon XML ``<ticket
      status="granted">``, ``cibadmin -Q``'s ``<ticket_state granted="true">``):
      granted by hand (``crm_ticket --grant``) outside booth, which may grant it
      to the other site too, and both sites run the resources;
    * booth's ``WARNING: The ticket NAME is granted to multiple sites``: both
      sites run them now (an error);
    * the ticket is not in the list at all: the running boothd's configuration
      lacks it (booth.conf changed and boothd not restarted, or spelt otherwise
      than in the CIB), so booth never grants it (not judged on a node with a
      second booth configuration: ``booth list`` asks the default one only).

    Judged for the tickets an ``rsc_ticket`` of a CIB of the run needs, where a
    ``booth list`` was captured (``xencfg capture``, sos's booth plugin).

    Example: the CIB's ``<rsc_ticket rsc="vm-web" ticket="ticket-web"/>``; pra1's
    ``booth list``: ``ticket: ticket-web, leader: NONE``.

    Fix: ``booth grant ticket-web`` at the site that should run the resources
    (``booth revoke`` at a site that holds it wrongly, and ``crm_ticket --revoke``
    for a grant made by hand); restart boothd on every site and the arbitrator
    after changing booth.conf.
    """
    lists = list(_lists(cluster))
    if not lists:
        return
    needed = _needed(cluster)
    once = Once()
    for node, item, doc in lists:
        for name, sites in doc.multiple.items():
            if once(("multiple", name)):
                yield make(
                    "LS032",
                    f"booth on {node} says ticket '{name}' is granted to several sites "
                    f"({', '.join(sites)}): each runs the resources that need it",
                    item.where(),
                    severity="error",
                )
        if not needed:
            continue
        granted = _granted_here(cluster, node)
        known = {t.name: t for t in doc.tickets}
        for ticket, (rscs, where) in sorted(needed.items()):
            what = ", ".join(rscs) or "its resources"
            t = known.get(ticket)
            if t is None:
                if known and _one_booth(cluster, node) and once(("unknown", ticket, node)):
                    yield make(
                        "LS032",
                        f"booth on {node} does not know ticket '{ticket}', which the CIB "
                        f"needs for {what} (it lists {', '.join(sorted(known))}): booth "
                        "never grants it",
                        item.where(),
                        [where],
                    )
                continue
            if t.leader is not None or ticket in doc.multiple:
                continue
            if ticket in granted:
                if once(("by-hand", ticket, node)):
                    yield make(
                        "LS032",
                        f"ticket '{ticket}' is granted in {node}'s CIB while booth grants "
                        "it to no site: granted by hand (crm_ticket --grant), outside "
                        f"booth, which may grant it elsewhere too ({what} would run twice)",
                        _at(item, t.line),
                        [granted[ticket], where],
                    )
            elif once(("none", ticket)):
                yield make(
                    "LS032",
                    f"booth grants ticket '{ticket}' to no site (booth list on {node}: no "
                    f"leader): Pacemaker keeps {what} stopped at every site",
                    _at(item, t.line),
                    [where],
                )
