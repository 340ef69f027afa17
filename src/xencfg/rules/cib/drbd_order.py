"""CIB resources that open a DRBD device the CIB does not tie to the DRBD primary (CB038).

The constraints are read as the scheduler reads them (Pacemaker 2.1.5's crm_simulate is
the oracle: tests/test_rules_cib_drbd_order.py cites its output): a group places its
members together and starts them in order; an INFINITY ``rsc_colocation`` (either way
round, in a pair or in resource sets) places two resources together, and only one with
the ``Master``/``Promoted`` role places a resource with the promoted instance of a
master/slave set; an ``rsc_order`` (heartbeat 2's from/to/action/to_action, Pacemaker's
first/then/first-action/then-action, sets with their ``action``) starts one resource
after another's action, through chains of both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import Any

from ...cluster import Cluster, Loaded, colocation_pairs, order_pairs
from ...findings import Finding
from ...formats.cib.model import CibDocument, Primitive
from ...formats.cib.values import INFINITY, parse_bool
from ...formats.cib.views import _kids, _tag
from ...versions import DRBD_9
from .. import Once, make, rule
from ..documents import cib_doc as _cib
from ..haresources import PROMOTERS
from .common import units
from .guests import (
    _domu_for,
    _drbd_resources,
    _effective,
    _param_pair,
    drbd_resource_of,
    phy_devices,
    primary_everywhere,
)

_HOLDERS = ("group", "clone", "master", "master_slave", "bundle")
_PROMOTED = ("Master", "Promoted")


def _promotable(el: Any) -> Any:
    """The master/slave set (``master``, ``master_slave``, or a clone with
    ``promotable=true``) holding ``el``; ``None`` when there is none."""
    from ...formats.cib.resources import resource_view

    for a in [el, *el.iterancestors()]:
        tag = _tag(a)
        if tag in ("master", "master_slave"):
            return a
        if tag == "clone" and parse_bool(resource_view(a).meta("promotable")) is True:
            return a
    return None


def _holders(el: Any) -> list[Any]:
    """``el`` and the groups and clones holding it, innermost first."""
    out = [el]
    for a in el.iterancestors():
        if _tag(a) not in _HOLDERS:
            break
        out.append(a)
    return out


def _group_does(group: Any, what: str) -> bool:
    """Whether a group is ``ordered`` / ``collocated`` (the default; heartbeat 2's
    attribute, or the meta nvpair): without, its members start at once / anywhere
    (crm_simulate 2.1.5 on the converted heartbeat 2 groups in
    tests/test_rules_cib_drbd_order.py)."""
    from ...formats.cib.resources import resource_view

    return parse_bool(resource_view(group).meta(what)) is not False


#: How a group's ``ordered`` / ``collocated`` is read (``_Constraints.does`` remembers it).
GroupDoes = Callable[[Any, str], bool]


def _placing(el: Any, does: GroupDoes) -> list[Any]:
    """``el`` and the holders whose placement carries to it: up to the first group
    with ``collocated=false``, whose INFINITY colocations the scheduler drops ("Cannot
    perform mandatory colocation between non-colocated group", pcmk_sched_group.c)."""
    out = []
    for h in _holders(el):
        if _tag(h) == "group" and not does(h, "collocated"):
            break
        out.append(h)
    return out


def _ids(els: list[Any]) -> set[str]:
    """The ids of ``els`` and of every resource inside them."""
    return {e.get("id") for el in els for e in el.iter() if _tag(e) in ("primitive", *_HOLDERS)} - {
        None
    }


def _together(el: Any, does: GroupDoes) -> set[str]:
    """The ids a colocation may name to place ``el``: itself, its holders, and every
    member of a group holding it (a group places its members together)."""
    placing = _placing(el, does)
    out = {h.get("id") for h in placing} - {None}
    for h in placing:
        if _tag(h) == "group":
            out |= _ids([h])
    return out


def _started_after(el: Any, does: GroupDoes) -> set[str]:
    """The ids that start only after ``el`` starts: itself and what it holds, and the
    members after it in each group holding it (a group starts its members in order)."""
    out = _ids([el])
    child = el
    for h in _holders(el)[1:]:
        if _tag(h) == "group" and does(h, "ordered"):
            kids = [k for k in _kids(h) if _tag(k) in ("primitive", *_HOLDERS)]
            if child in kids:
                out |= _ids(kids[kids.index(child) + 1 :])
        child = h
    return out


def _lapses(constraint: Any) -> bool:
    """Whether a constraint holds only while its ``lifetime`` rules do (heartbeat 2,
    Pacemaker up to 2.1, deprecated): not a lasting tie. crm_simulate 2.1.5 drops one
    whose date rule has passed and starts the user apart from / before the promotion
    (tests/test_rules_cib_drbd_order.py, "lifetime" cases)."""
    return bool(_kids(constraint.el, "lifetime"))


class _Constraints:
    """One CIB's colocations and orders as pairs by resource id, read once. A tag
    (pacemaker-1.3+) stands for the resources it lists, a template for the primitives
    made from it (pcmk__tag_to_set)."""

    def __init__(self, cib: CibDocument) -> None:
        # a group's ordered/collocated, read once: each member asks, and reading the
        # group's settings walks all its children (quadratic in a group of thousands)
        self._does: dict[tuple[int, str], bool] = {}
        self.resources = {r.id: r.el for r in cib.all_resources() if r.id}
        self.aliases: dict[str, set[str]] = {}
        for tag in cib.iter("tag"):
            refs = {o.get("id") for o in _kids(tag, "obj_ref")} - {None}
            self.aliases.setdefault(tag.get("id") or "", set()).update(refs)
        for rid, el in self.resources.items():
            template = el.get("template")
            if template:
                self.aliases.setdefault(template, set()).add(rid)
        # id -> (the other id, this one's role, score) for each colocation pair, both ways
        self.colocated: dict[str, list[tuple[str, str | None, int]]] = {}
        for c in cib.colocations:
            if _lapses(c):
                continue
            sets = c.sets
            where = {m: n for n in reversed(range(len(sets))) for m in sets[n].members}
            for a, b in colocation_pairs(c):
                score, ra, rb = c.score, c.rsc_role, c.with_rsc_role
                if sets:
                    ra, rb = sets[where[a]].role, sets[where[b]].role
                    inner = sets[where[a]] if where[a] == where[b] else None
                    if inner is not None and inner.score_raw is not None:
                        score = inner.score  # (a set's own score within it)
                for x, y, rx in ((a, b, ra), (b, a, rb)):
                    for x1 in self._expand(x):
                        self.colocated.setdefault(x1, []).extend(
                            (y1, rx, score or 0) for y1 in self._expand(y)
                        )
        # first id -> (its action, then id, its action)
        self.ordered: dict[str, list[tuple[str, str, str]]] = {}
        for o in cib.orders:
            if _lapses(o):
                continue
            actions = {m: s.el.get("action") or "start" for s in o.sets for m in s.members}
            # a set of require-all="false" lets what follows go after any one of its
            # members (crm_simulate 2.1.5: a one-or-more:SET pseudo action), so a member
            # of a set of several orders nothing after the set by itself
            some = {
                m: set(s.members)
                for s in o.sets
                if len(s.members) > 1 and parse_bool(s.el.get("require-all")) is False
                for m in s.members
            }
            for f, t in order_pairs(o):
                if f in some and t not in some[f]:
                    continue
                fa, ta = (
                    (o.first_action, o.then_action)
                    if o.first and o.then
                    else (
                        actions.get(f, "start"),
                        actions.get(t, "start"),
                    )
                )
                for f1 in self._expand(f):
                    self.ordered.setdefault(f1, []).extend((fa, t1, ta) for t1 in self._expand(t))
        self._after: dict[tuple[frozenset[str], str], set[str]] = {}
        self._with: dict[tuple[frozenset[str], tuple[str, ...], int], set[str]] = {}
        self._around: dict[str, tuple[set[str], set[str]]] = {}
        # a group member's id -> the next member's (a group starts them in order)
        self.next_member: dict[str, list[str]] = {}
        for group in cib.iter("group"):
            if not self.does(group, "ordered"):
                continue
            kids = [k.get("id") for k in _kids(group) if _tag(k) in ("primitive", *_HOLDERS)]
            for a, b in pairwise(kids):
                if a and b:
                    self.next_member.setdefault(a, []).append(b)

    def does(self, group: Any, what: str) -> bool:
        """:func:`_group_does`, remembered for this CIB."""
        key = (id(group), what)
        if key not in self._does:
            self._does[key] = _group_does(group, what)
        return self._does[key]

    def _expand(self, rid: str) -> set[str]:
        return {rid} | self.aliases.get(rid, set())

    def around(self, disk: Any) -> tuple[set[str], set[str]]:
        """A promoting script's ids as constraints name it: placed with it (``_together``)
        and started after it (``_started_after`` and its holders), once per script."""
        key = disk.get("id") or str(id(disk))
        if key not in self._around:
            done = _started_after(disk, self.does) | {h.get("id") for h in _holders(disk)}
            self._around[key] = (_together(disk, self.does), done - {None})
        return self._around[key]

    def placed_with(self, user: Any, target: set[str], roles: tuple[str, ...], least: int) -> bool:
        """Whether colocations of score ``least`` or more (chains through resources
        outside master/slave sets) place ``user`` with ``target`` in one of ``roles``
        (any role when empty)."""
        key = (frozenset(target), roles, least)
        if key not in self._with:
            # walked from the target once: what reaches it, whichever user asks; a group
            # once, whichever member reaches it (a group places its members together)
            reached: set[str] = set()
            groups: set[Any] = set()
            todo = [
                other
                for t in target
                for other, role, score in self.colocated.get(t, ())
                if score >= least and (not roles or role in roles)
            ]
            while todo:
                rid = todo.pop()
                el = self.resources.get(rid)
                if rid in reached or rid in target or el is None or _promotable(el) is not None:
                    continue
                new = {rid}
                for h in _placing(el, self.does):
                    new.add(h.get("id"))
                    if _tag(h) == "group" and (h.get("id") or id(h)) not in groups:
                        groups.add(h.get("id") or id(h))
                        new |= _ids([h])
                new -= reached | {None}
                reached |= new
                todo += [o for n in new for o, _, sc in self.colocated.get(n, ()) if sc >= least]
            self._with[key] = reached
        placed = self._with[key] | target
        return any(
            h.get("id") in placed or self._set_joins(h, placed, target, roles, least)
            for h in _placing(user, self.does)
        )

    def _set_joins(
        self, holder: Any, placed: set[str], target: set[str], roles: tuple[str, ...], least: int
    ) -> bool:
        """Whether a master/slave set holding the user (a stacked DRBD resource's) is
        colocated with what reaches the target: the walk stops at such sets, so the
        user's own set is looked at from its side (with the target's role, when it is
        the target it meets)."""
        rid = holder.get("id")
        if rid is None or _promotable(holder) is None:
            return False
        for other, _, score in self.colocated.get(rid, ()):
            if score < least or other not in placed:
                continue
            if other not in target or not roles:
                return True
            back = self.colocated.get(other, ())
            if any(o == rid and r in roles and s >= least for o, r, s in back):
                return True
        return False

    def started_after(self, user: Any, first: set[str], action: str) -> bool:
        """Whether orders (chains of them through other starts) start ``user`` after
        ``action`` of a resource in ``first``: then-action ``start`` each (a
        ``promote`` of a primitive that is never promoted orders nothing)."""
        key = (frozenset(first), action)
        if key not in self._after:
            after: set[str] = set()
            todo = [(t, ta) for f in first for a, t, ta in self.ordered.get(f, ()) if a == action]
            while todo:
                t, ta = todo.pop()
                el = self.resources.get(t)
                if ta != "start" or el is None or t in after:
                    continue
                after.add(t)
                # what it holds, the next member of its group, what is ordered after it
                todo += [(k, "start") for k in _ids([el]) - after]
                todo += [(k, "start") for k in self.next_member.get(t, ())]
                todo += [(n, na) for a, n, na in self.ordered.get(t, ()) if a == "start"]
            self._after[key] = after
        return user.get("id") in self._after[key]


def _users(cluster: Cluster, item: Loaded, prim: Primitive) -> Iterator[tuple[str, Any, str]]:
    """``(device, DRBD resource, node)`` for each DRBD device ``prim`` opens: a
    Filesystem's ``device``, the ``phy:`` disks of a Xen guest's domU config, each read
    with the drbd configuration of a node that has one."""
    nodes = [n for n in dict.fromkeys([item.node, *cluster.nodes]) if n]
    nodes = [n for n in nodes if _drbd_resources(cluster, n)]
    pairs: list[tuple[str, str]] = []
    if prim.type == "Filesystem":
        device = prim.param("device") or (prim.param("1") if prim.rclass == "heartbeat" else None)
        pairs = [(device, n) for n in nodes] if device else []
    elif prim.is_xen and prim.xmfile:
        pairs = [
            (d, domu.node)
            for domu in _domu_for(cluster, prim.xmfile)
            if domu.node in nodes
            for d in phy_devices(domu)
        ]
    elif (prim.rclass, prim.provider, prim.type) == ("ocf", "linbit", "drbd"):
        yield from _stacked_lower(cluster, prim.param("drbd_resource"), nodes)
        return
    done = set()
    for device, node in pairs:
        res = None if device in done else drbd_resource_of(cluster, device, node)
        if res is not None:
            done.add(device)
            yield device, res, node


def _stacked_lower(
    cluster: Cluster, upper: str | None, nodes: list[str]
) -> Iterator[tuple[str, Any, str]]:
    """``(device, lower resource, node)`` for an ``ocf:linbit:drbd`` of a stacked
    resource: it opens the lower resource's device (``drbdadm --stacked up``: the upper
    resource's backing disk), which only a Primary lets it open. With two
    ``stacked-on-top-of`` sections (a geo cluster's, one per site) the lower resource
    is the one with an ``on`` section for the node (peer-drbdadm --mode 84 --node brn1
    dumps web-geo's ``stacked-on-top-of web-brn`` as "# on brn1 brn2")."""
    from ..drbd.common import _on_hosts, hostnames_equal

    for node in nodes:
        by_name = {r.name: r for _, r in _drbd_resources(cluster, node)}
        res = by_name.get(upper or "")
        lowers = [
            by_name[h.name]
            for h in (res.host_list if res is not None else ())
            if h.kind == "stacked-on-top-of" and h.name in by_name
        ]
        here = [
            r
            for r in lowers
            if any(hostnames_equal(n, node) for h in _on_hosts(r) for n in h.names)
        ]
        for lower in (here or lowers)[:1]:
            yield f"the device under stacked resource '{upper}'", lower, node
            return


def _agents(cib: CibDocument) -> list[tuple[str, str | None, Any]]:
    """The CIB's DRBD agents as ``(kind, DRBD resource or None, element)``: ``master``
    for the master/slave set of an ``ocf:linbit:drbd`` (or ``ocf:heartbeat:drbd``)
    primitive, ``other`` for one never promoted, ``disk`` for heartbeat's promoting
    scripts (HB017's; ``None``: every resource)."""
    out: list[tuple[str, str | None, Any]] = []
    for p in cib.primitives:
        if p.type == "drbd" and p.rclass == "ocf" and p.provider in ("linbit", "heartbeat"):
            owner = _promotable(p.el)
            kind = "other" if owner is None else "master"
            out.append((kind, p.param("drbd_resource"), p.el if owner is None else owner))
        elif p.type in PROMOTERS and p.rclass == "heartbeat":
            target = None if p.type == "datadisk" else p.param("1") or p.param("resource")
            out.append(("disk", target, p.el))
    return out


def _managers(
    agents: list[tuple[str, str | None, Any]], name: str
) -> tuple[list[Any], list[Any], bool]:
    """The master/slave sets and promoting scripts of DRBD resource ``name``, and
    whether another agent may manage it (one never promoted, or a master/slave set
    with no ``drbd_resource``: not judged here)."""
    mine = [(kind, target is None, el) for kind, target, el in agents if target in (None, name)]
    masters = [el for kind, anyone, el in mine if kind == "master" and not anyone]
    disks = [el for kind, _, el in mine if kind == "disk"]
    other = any(kind == "other" or (kind == "master" and anyone) for kind, anyone, _ in mine)
    return masters, disks, other


def _auto_promote(cluster: Cluster, res: Any, node: str) -> bool:
    """DRBD 9's ``auto-promote`` (on by default: drbd.conf(5) 9, "options"): opening the
    device for writing makes the resource primary where no peer is."""
    if not cluster.versions.of("drbd", node).at_least(DRBD_9):
        return False
    eff = _effective(cluster, res, node)
    said = eff.sections.get("options", {}).get("auto-promote") if eff is not None else None
    return said is None or said is True or parse_bool(str(said)) is not False


def _master_verdict(cons: _Constraints, user: Any, ms: Any, auto: bool) -> tuple[str, str] | None:
    """``(severity, why)`` when ``user`` is not placed with the Master of ``ms`` and
    started after its promote."""
    ids, name = _ids([ms]), ms.get("id")
    if not cons.placed_with(user, ids, _PROMOTED, INFINITY):
        if cons.placed_with(user, ids, _PROMOTED, 1):
            how = f"its colocation with the Master of '{name}' is below INFINITY (a preference)"
        elif cons.placed_with(user, ids, (), INFINITY):
            how = f"it is colocated with '{name}' but not with its Master (Promoted) role"
        else:
            how = f"no colocation ties it to the Master (Promoted) role of '{name}'"
        severity = "warning" if "preference" in how else "error"
        return severity, f"{how}: the scheduler may start it where the resource is Secondary"
    if auto or cons.started_after(user, ids, "promote"):
        return None
    if cons.started_after(user, ids, "start"):
        how = f"it is ordered after the start of '{name}', not after its promote"
    else:
        how = f"it is not ordered after the promote of '{name}'"
    return "error", f"{how}: the scheduler starts it before the promotion"


def _disk_verdict(cons: _Constraints, user: Any, disk: Any, auto: bool) -> tuple[str, str] | None:
    """``(severity, why)`` when ``user`` is not placed with ``drbddisk`` primitive
    ``disk`` and started after it."""
    name, kind = disk.get("id"), disk.get("type")
    together, done = cons.around(disk)
    holding = _holders(disk)[1:]
    for group in _placing(user, cons.does)[1:]:
        if (
            _tag(group) == "group"
            and any(h is group for h in holding)
            and cons.does(group, "ordered")
        ):
            if user.get("id") in done:
                return None
            return "error", (
                f"{kind} '{name}' comes after it in group '{group.get('id')}' (a group"
                " starts its members in order)"
            )
    if not cons.placed_with(user, together, (), INFINITY):
        return "error", (
            f"no INFINITY colocation ties it to {kind} '{name}': the scheduler may start"
            " it on another node"
        )
    if auto or cons.started_after(user, done, "start"):
        return None
    return "warning", (
        f"it is not ordered after {kind} '{name}': both start at once and its start"
        " fails when it opens the device first"
    )


def _verdict(
    cons: _Constraints, user: Any, masters: list[Any], disks: list[Any], auto: bool
) -> tuple[str, str] | None:
    """The first manager's verdict, ``None`` when any manager is tied to ``user``
    (``auto``: DRBD 9 promotes on open, so only where it runs counts)."""
    verdicts = [
        *(_master_verdict(cons, user, ms, auto) for ms in masters),
        *(_disk_verdict(cons, user, d, auto) for d in disks),
    ]
    if not verdicts or any(v is None for v in verdicts):
        return None
    return verdicts[0]


@rule("CB038", "drbd-user-not-tied-to-primary", "error", scope="cluster", hazard=True)
def drbd_user_not_tied_to_primary(cluster: Cluster) -> Iterator[Finding]:
    """A CIB resource opens a DRBD device (a ``Filesystem`` on /dev/drbdN or
    /dev/drbd/by-res/RES, a ``Xen`` guest with a ``phy:`` disk there, the
    ``ocf:linbit:drbd`` of a stacked resource, whose backing disk is the lower
    resource's device) that the CIB does not place with the DRBD primary and start
    after its promotion.

    Why it matters: a DRBD device opens only where its resource is primary (a
    secondary refuses: "Wrong medium type"). With an ``ocf:linbit:drbd`` master/slave
    set, the user must be colocated (INFINITY) with its ``Master`` (``Promoted``) role
    and ordered after its ``promote``; Pacemaker 2.1.5's crm_simulate shows what
    happens otherwise: without the role the Filesystem starts on the node where the
    resource is Unpromoted, and with only ``first-action="start"`` (or
    ``first-action="promote"`` without ``then-action``: the promote of a primitive
    orders nothing) it starts before the promotion. heartbeat 2's ``drbddisk``
    (``drbdadm primary``) must start before it on the same node: in the same group
    before it, or colocated and ordered; colocated without an order, both start at
    once (a race: warning). With nothing in the CIB that promotes the resource only
    the init script's ``become-primary-on`` does, at boot on one node: a warning, as
    the first start may work but every failover fails (not where the resource is
    primary everywhere: ``become-primary-on both`` with two primaries). DRBD 9's
    ``auto-promote`` (the default) makes the resource primary when the device is
    opened where no peer is primary, so there only the placement is checked.

    Constraints are read through groups (members placed together, started in order),
    colocations either way round (the Master placed with the user works too: the
    scheduler promotes where the user runs), in pairs or resource sets (a set's
    ``role`` and ``action``), tags and templates, and chains of colocations and orders
    through other resources (a colocation with the Master below INFINITY is only a
    preference: a warning). A group with ``ordered=false`` starts its members at once
    and one with ``collocated=false`` places them apart (the scheduler drops its
    INFINITY colocations); a constraint with a ``lifetime`` holds only while its rules
    do, so it is no lasting tie; an ``Optional`` order (or ``score="0"``) counts, as
    the start and the promote it needs are always in one transition, and so does a
    ``Serialize`` one (the scheduler keeps the order written within the transition)
    and one with ``symmetrical="false"`` (only the stops are not reversed); a member
    of a resource set with ``require-all="false"`` and other members orders nothing
    after the set by itself (the scheduler waits for any one of them: crm_simulate
    2.1.5 runs in tests/test_rules_cib_drbd_order.py). heartbeat 2's
    ``from``/``to``/``to_role``/``action``/``to_action``, Pacemaker 1.0's
    ``first-action``/``with-rsc-role`` and 2.1's ``Promoted`` role. The device names
    the resource by each node's own drbd configuration (minor or by-res, as HB017);
    a ``drbd:`` disk's block-drbd script promotes the resource itself, so it is not
    checked. Fragments are not (their constraints may be in a CIB not linted).

    A stacked resource's master/slave set may follow the lower Master directly (the
    DRBD user's guide: ``colocation ... inf: ms_drbd_r0-U ms_drbd_r0:Master`` and
    ``order ... inf: ms_drbd_r0:promote ms_drbd_r0-U:start``) or through the IPaddr2
    its address needs (crm_simulate 2.1.5 in tests/test_rules_drbd_stacked.py: without
    either it starts p_drbd_r0-U on the node where r0 is Secondary).

    Example: ``<rsc_colocation id="fs-on-drbd" rsc="fs" with-rsc="ms-r0"
    score="INFINITY"/>`` and ``<rsc_order first="ms-r0" then="fs"/>`` for a Filesystem
    on /dev/drbd0 of ``ms-r0``.

    Fix: ``with-rsc-role="Master"`` (``Promoted`` on Pacemaker 2.1 and later) on the
    colocation and ``first-action="promote" then-action="start"`` on the order
    (``crm configure colocation fs-on-drbd inf: fs ms-r0:Master`` and ``order
    fs-after-drbd inf: ms-r0:promote fs:start``); for heartbeat 2, ``drbddisk`` first in
    the group.
    """
    once = Once()
    for unit in units(cluster):
        if len(unit.items) != 1 or _cib(unit.items[0]).is_fragment:
            continue
        item = unit.items[0]
        cib = _cib(item)
        cons: _Constraints | None = None
        agents: list[tuple[str, str | None, Any]] | None = None
        text = ""
        for _, prim in unit.primitives():
            for device, res, node in _users(cluster, item, prim):
                cons = cons or _Constraints(cib)
                agents = _agents(cib) if agents is None else agents
                text = text or cib.dumps()
                masters, disks, other = _managers(agents, res.name)
                auto = _auto_promote(cluster, res, node)
                if masters or disks:
                    verdict = _verdict(cons, prim.el, masters, disks, auto)
                elif other or auto or primary_everywhere(cluster, res, node):
                    verdict = None
                else:
                    verdict = (
                        "warning",
                        (
                            "nothing in the CIB promotes it, only the init script's"
                            " become-primary-on at boot: the start fails after a failover"
                        ),
                    )
                if verdict is None or not once((text, prim.id, device)):
                    continue
                what = "Xen guest" if prim.is_xen else prim.type
                param = "xmfile" if prim.is_xen else "device"
                related = [item.where(m) for m in masters] + [item.where(d) for d in disks]
                yield make(
                    "CB038",
                    f"{what} '{prim.id}' opens {device} of DRBD resource '{res.name}':"
                    f" {verdict[1]}; a Secondary refuses the open ('Wrong medium type')",
                    item.where(_param_pair(prim, param) or prim),
                    related,
                    severity=verdict[0],
                )
