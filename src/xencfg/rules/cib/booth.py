"""CIB tickets against booth: an ``rsc_ticket`` whose ticket booth does not grant."""

from __future__ import annotations

from collections.abc import Iterator

from ...booth import booth_tickets
from ...cluster import Cluster
from ...findings import Finding
from .. import make, rule
from .common import _cib, units


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
