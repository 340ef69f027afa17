"""A geo cluster's booth files and tickets in the migration report: booth.conf is kept
as it is, each rsc_ticket of the written CIB is named, and the cut-over says where the
ticket has to be granted again."""

from __future__ import annotations

from typing import Any

from .._lazy import etree
from ..booth import booth_config
from ..stack import Note
from .migration import Migration

#: Why booth.conf needs nothing: boothd speaks its own UDP/TCP protocol between the
#: sites and arbitrators booth.conf lists, and reaches its site's cluster only through
#: Pacemaker's tools (booth src/pacemaker.c ``pcmk_grant_ticket``: ``crm_ticket -t T -g
#: --force``; ``pcmk_revoke_ticket``: ``-r``), never through corosync.
KEPT = (
    "boothd talks to the other sites and arbitrators itself and to its own cluster only "
    "through crm_ticket (booth src/pacemaker.c pcmk_grant_ticket/pcmk_revoke_ticket), "
    "not through corosync: nothing in it changes with corosync 3; keep it and its "
    "authfile (mode 0600) as they are, the same file at every site and arbitrator"
)


def plan_booth(m: Migration, found: Any) -> None:
    """Lines for the booth.conf of each node of ``found`` and the rsc_ticket constraints
    of the CIB ``m`` writes."""
    kept: dict[Any, list[str]] = {}
    for t in found.nodes:
        conf = booth_config(t.tree, "booth") if t.tree is not None else None
        if conf is not None:
            kept.setdefault(conf, []).append(t.name)
    for conf, names in kept.items():
        m.notes.append(
            Note(
                "rewrite",
                f"{', '.join(names)}:{conf.path}",
                f"{conf.path} (kept)",
                f"booth.conf kept: sites {', '.join(conf.sites) or '-'}, arbitrators "
                f"{', '.join(conf.arbitrators) or '-'}, tickets {', '.join(conf.tickets) or '-'}",
                KEPT,
            )
        )
    cib = m.cib_output
    if cib is None:
        return
    source = m.cib_input[0] if m.cib_input else cib.path
    tickets: dict[str, list[str]] = {}
    for el in etree.fromstring(cib.data).iter("rsc_ticket"):
        role = f" ({el.get('rsc-role')})" if el.get("rsc-role") else ""
        m.notes.append(
            Note(
                "rewrite",
                source,
                f"{cib.path} rsc_ticket",
                f"rsc_ticket '{el.get('id')}' kept: {el.get('rsc')}{role} runs only where "
                f"ticket {el.get('ticket')} is granted (loss-policy "
                f"{el.get('loss-policy') or 'stop'})",
                "Pacemaker 2 reads rsc_ticket as 1.1 did (the role in its new name)",
            )
        )
        tickets.setdefault(str(el.get("ticket")), []).append(str(el.get("rsc")))
    for ticket, rscs in tickets.items():
        m.notes.append(
            Note(
                "manual",
                source,
                f"booth ticket {ticket}",
                f"{', '.join(rscs)} run only where {ticket} is granted. Cut the sites over "
                f"one at a time; at the site holding it first `crm_ticket -t {ticket} "
                "--standby` (its resources stop or demote without their loss-policy: "
                "Pacemaker's ticket standby, 'relinquishing tickets gracefully'), then "
                f"`booth revoke {ticket}` and `booth grant -s OTHER-SITE {ticket}`. The new "
                "cluster starts with the ticket revoked (Pacemaker keeps its state in the "
                f"CIB's status, crm_ticket -L): `booth grant {ticket}` to run them here again",
                "a ticket revoked while its resources run applies their loss-policy "
                "(fence fences their nodes)",
            )
        )
