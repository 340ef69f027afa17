"""Geo clusters: the tickets booth grants (booth.conf) and the Xen guests whose CIB
resource needs one (``rsc_ticket``). Booth "manages tickets which authorizes one of
the cluster sites ... to run certain resources" (boothd(8)), so a guest that each
site's CIB ties to one booth ticket runs at one site at a time: the two sites' copies
of its config are one guest, not two that share a name, a MAC or a disk."""

from __future__ import annotations

from ...booth import booth_tickets
from ...cluster import Cluster, Loaded


def _guest_tickets(cluster: Cluster, node: str) -> dict[str, str]:
    """The booth ticket each Xen resource of ``node``'s CIB needs, by its ``xmfile``
    and its ``name``: an ``rsc_ticket`` naming it or a group or clone holding it
    (``rsc``, or a ``resource_ref`` of its set) whose ``loss-policy`` stops it where
    the ticket is lost (the default, ``stop``: crm(8) ``rsc_ticket``). ``freeze``
    leaves it running there, unmanaged (Pacemaker 1.1 pengine/native.c
    ``rsc_ticket_constraint``, ``loss_ticket_freeze``: a running resource is made
    unmanaged and blocked), so when booth grants the ticket to the other site the
    guest runs at both: no evidence of one guest."""
    from ..boot import _items
    from ..documents import cib_doc

    def compute() -> dict[str, str]:
        tickets = booth_tickets(cluster)
        out: dict[str, str] = {}
        if not tickets:
            return out
        for item in _items(cluster, node):
            if item.file.format != "cib":
                continue
            doc = cib_doc(item)
            needs: dict[str, str] = {}
            for con in doc.iter("rsc_ticket"):
                ticket = con.get("ticket")
                loss = (con.get("loss-policy") or "stop").strip().lower()
                if ticket is None or ticket not in tickets or loss == "freeze":
                    continue
                refs = [con.get("rsc"), *(r.get("id") for r in con.iter("{*}resource_ref"))]
                needs.update((r, ticket) for r in refs if r)
            for prim in doc.primitives if needs else ():
                if not prim.is_xen:
                    continue
                ids = [prim.id, *(a.get("id") for a in prim.el.iterancestors())]
                owner = next((needs[i] for i in ids if i in needs), None)
                if owner is None:
                    continue
                for key in (prim.xmfile, prim.param("name")):
                    if key:
                        out.setdefault(str(key), owner)
        return out

    return cluster.fact(f"xen:guest-tickets:{node}", compute)


def one_geo_guest(cluster: Cluster, a: Loaded, b: Loaded) -> bool:
    """Whether domU configs ``a`` and ``b`` (of two separate clusters) are one geo
    guest: each node's CIB ties the Xen resource of its config (by xmfile path or
    domain ``name``) to the same booth ticket."""
    from ..cib.guests import _etc_path
    from ..documents import domu_doc

    def ticket(item: Loaded) -> str | None:
        if not item.node:
            return None
        found = _guest_tickets(cluster, item.node)
        name = domu_doc(item).name
        return found.get(_etc_path(item)) or (found.get(name) if isinstance(name, str) else None)

    first = ticket(a)
    return first is not None and first == ticket(b)
