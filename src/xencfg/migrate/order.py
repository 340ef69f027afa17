"""In which order a site's clusters are cut over (:func:`plan_order`).

A storage pair's IET targets serve the dom0 clusters whose initiators log in to them.
Cutting the pair over stops ietd and brings LIO up with new WWIDs (the site's WWID TODO
lines): the dom0s' disks on those LUNs are gone for the while, and their multipath maps
name the old WWIDs. So the storage cluster goes first, inside a window in which the
served clusters stop their guests, and each served cluster then rescans, moves its
aliases to the new WWIDs and cuts over itself, starting its guests under Pacemaker on
the new maps: one outage of the guests, not two.

Which cluster serves which is read from the cluster model's pairing of targets and
initiators (:func:`xencfg.cluster.build_model`: ietd.conf targets, initiators.allow,
initiatorname.iscsi/iscsid.conf, multipath aliases by ScsiId), not a second time here."""

from __future__ import annotations

from typing import Any

from ..cluster import short
from .migration import Migration, Reads, loaded_cluster

#: The files the model pairs targets and initiators (and LUNs and aliases) from.
_PAIRING = ("initiatorname", "iscsid", "ietd", "iet-allow", "hosts", "multipath")
_WWIDS = "initiators' WWIDs"


def plan_order(site: Migration, found: Any, groups: list[Any], reads: Reads | None = None) -> None:
    """Set each cluster's ``order`` and ``serves`` and the site's ``order_steps``
    (``groups``: :func:`xencfg.migrate.clusters.site_clusters`, one per section)."""
    sections = site.clusters
    index = {short(t.name): i for i, g in enumerate(groups) for t in g.trees}
    model = loaded_cluster(found, _PAIRING, reads).model
    aliases: dict[str, list[str]] = {}
    for link in model.chain:
        if link.target and link.alias and link.alias not in aliases.get(link.target, []):
            aliases.setdefault(link.target, []).append(link.alias)
    # storage section -> served section -> its targets (in the model's order)
    serves: dict[int, dict[int, list[str]]] = {}
    for name, layer in model.targets.items():
        box = next((short(e.node) for e in layer.evidence if e.node), None)
        if box not in index:
            continue
        for member in sorted(layer.members, key=lambda n: index.get(n, len(groups))):
            i, j = index[box], index.get(member)
            if j is not None and j != i:
                targets = serves.setdefault(i, {}).setdefault(j, [])
                if name not in targets:
                    targets.append(name)
    if not serves:
        return
    order = _ordered(len(sections), serves)
    for pos, i in enumerate(order, start=1):
        sections[i].order = pos
        sections[i].serves = [
            {
                "cluster": _label(sections[j]),
                "nodes": sections[j].nodes,
                "targets": targets,
                "aliases": [a for t in targets for a in aliases.get(t, [])],
            }
            for j, targets in serves.get(i, {}).items()
        ]
    site.order_steps = _steps(site, found, order, serves, aliases)


def initiators_by_address(found: Any, reads: Reads | None = None) -> dict[str, tuple[str, str]]:
    """Each address of the site's initiator nodes -> (node, its initiatorname.iscsi
    IQN), by the cluster model's addresses (its /etc/hosts names, ...): an address of
    IET's initiators.allow then names the initiator for LIO, which admits by name only
    (migrations/lio.py). An address two nodes claim is left out; so is every address
    where no node tree holds an ietd.conf."""
    if not any(f.format == "ietd" for t in found.nodes for f in t.files):
        return {}
    from ..formats.lines.initiatorname import InitiatorNameDocument

    cluster = loaded_cluster(found, _PAIRING, reads)
    model = cluster.model
    out: dict[str, tuple[str, str]] = {}
    claimed: dict[str, set[str]] = {}
    for item, doc in cluster.typed("initiatorname", InitiatorNameDocument):
        info = model.node(item.node) if item.node else None
        if info is None or not doc.name:
            continue
        for address in info.addresses:
            claimed.setdefault(address, set()).add(info.name)
            out.setdefault(address, (info.name, str(doc.name)))
    return {a: who for a, who in out.items() if len(claimed[a]) == 1}


def _ordered(n: int, serves: dict[int, dict[int, list[str]]]) -> list[int]:
    """The sections in cut-over order: a cluster before those it serves, else in the
    site's order (a loop, two clusters serving each other, keeps the site's order)."""
    before = {j: {i for i in serves if j in serves[i]} for j in range(n)}
    out: list[int] = []
    while len(out) < n:
        ready = [j for j in range(n) if j not in out and not before[j] - set(out)]
        out.append(ready[0] if ready else next(j for j in range(n) if j not in out))
    return out


def _label(c: Migration) -> str:
    return c.title or f"cluster {c.cluster_name or ', '.join(c.nodes)}"


def _steps(
    site: Migration,
    found: Any,
    order: list[int],
    serves: dict[int, dict[int, list[str]]],
    aliases: dict[str, list[str]],
) -> list[str]:
    """The site's cut-over, one line a step, naming the TODO lines each step does."""
    sections = site.clusters
    # (a line names its file as the document read it: shown or full path)
    node_of = {k: t.name for t in found.nodes for f in t.files for k in (f.display, str(f.path))}
    wwid_lines = [n for n in site.all_notes() if n.target == _WWIDS]

    def todo(nodes: list[str]) -> str:
        mine = [
            n.source
            for n in wwid_lines
            if node_of.get(n.source.rsplit(":", 1)[0], node_of.get(n.source)) in nodes
        ]
        if not mine:
            return (
                "check multipath.conf's WWIDs against `multipath -ll` (no WWID TODO line "
                "names these nodes: their multipath.conf matched no LUN's old WWID)"
            )
        shown = ", ".join(f"`{s}`" for s in dict.fromkeys(mine))
        return f"do the WWID TODO lines of {shown} (the same aliases on the new WWIDs)"

    steps: list[str] = []
    done: set[int] = set()
    for i in order:
        if i in done:
            continue
        served = serves.get(i, {})
        if not served:
            steps.append(
                f"Cut over {_label(sections[i])} (its own steps)"
                + (
                    "."
                    if any(i in s for s in serves.values())
                    else ": it serves none of the others' initiators and logs in to none"
                    " of their targets, so its turn does not matter."
                )
            )
            done.add(i)
            continue
        storage = _label(sections[i])
        for j, targets in served.items():
            luns = ", ".join(targets)
            names = [a for t in targets for a in aliases.get(t, [])]
            maps = f" (multipath {', '.join(names)})" if names else ""
            steps.append(
                f"Before {storage}: on {_label(sections[j])} ({', '.join(sections[j].nodes)}) "
                f"stop the guests on the LUNs of {luns}{maps}, or migrate them to other "
                "disks, and unmount or deactivate what sits on those disks (OCFS2, LVM); "
                f"log out (`iscsiadm -m node -T {targets[0]} -u`"
                + (", and each other target" if len(targets) > 1 else "")
                + "): ietd stops and "
                "LIO comes up with new WWIDs."
            )
        steps.append(
            f"Cut over {storage} (its own steps, LIO's targets included); "
            "`targetcli ls` shows every target, LUN and ACL."
        )
        done.add(i)
        for j in served:
            nodes = sections[j].nodes
            steps.append(
                f"After LIO is up: on {_label(sections[j])} ({', '.join(nodes)}) log in "
                "again (`iscsiadm -m node -l`, `iscsiadm -m session --rescan`), "
                f"{todo(nodes)}, `multipath -r`, "
                "and check `multipath -ll` shows each alias on its new WWID."
            )
        for j in served:
            # (a cluster that serves others, or that waits for another storage
            # cluster, has its own turn)
            waits = {k for k in serves if j in serves[k]} - done
            if j not in done and j not in serves and not waits:
                steps.append(
                    f"Cut over {_label(sections[j])} (its own steps; its multipath.conf "
                    "carries the new WWIDs), which starts its guests again."
                )
                done.add(j)
    return steps
