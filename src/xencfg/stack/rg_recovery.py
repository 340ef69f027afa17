"""How rgmanager recovered a failed service or subtree, in Pacemaker's terms: the
``recovery`` policies that stop rather than move (rgmanager(8): disable,
restart-disable) and ``__independent_subtree`` below a service's children (RHEL 5.6
Cluster Administration, appendix D "Failure Recovery and Independent Subtrees"), for
:mod:`xencfg.stack.rgmanager`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._lazy import etree
from ..syntax.numbers import decimal_or_none

if TYPE_CHECKING:
    from .rgmanager import CibBuilder


#: why rgmanager's failure handling of a nested resource is not carried
NESTED_WHY = (
    "rgmanager's failure handling of a nested resource: Pacemaker recovers a group member "
    "with the members after it; take the resource out into a group of its own (colocated "
    "with and ordered after the service) to recover it alone"
)


def carry_subtree(cib: CibBuilder, targets: list[Any], a: dict[str, str], mode: str) -> str:
    """An independent subtree's settings on ``targets`` (its group or its primitives):
    ``"2"`` (non-critical) on-fail=stop on their operations, ``__max_restarts`` and
    ``__restart_expire_time`` as migration-threshold (restarts + 1: the failure that
    moves it) and failure-timeout; those meta attributes as the report shows them."""
    meta: dict[str, str] = {}
    restarts = decimal_or_none(a.get("__max_restarts") or "")
    if restarts:
        meta["migration-threshold"] = str(restarts + 1)
    expire = decimal_or_none(a.get("__restart_expire_time") or "")
    if expire:
        meta["failure-timeout"] = f"{expire}s"
    for target in targets:
        for op in target.iter("op") if mode == "2" else ():
            op.set("on-fail", "stop")
        if meta:
            cib.meta(target, meta)
    return "".join(f", {k}={v}" for k, v in meta.items())


def disable(cib: CibBuilder, el: Any, target: Any, what: str, at_once: bool) -> None:
    """recovery=disable: monitor on-fail=stop (Pacemaker stops it and starts it nowhere
    else, as rgmanager disabled the service on a failure); restart-disable: start
    on-fail=stop (the monitor's default restarts it in place; a start that fails then
    stops it instead of moving it, as rgmanager disabled the service when its restart
    failed). rgmanager(8), "recovery"."""
    prims = [target] if target.tag == "primitive" else list(target.iter("primitive"))
    for prim in prims:
        ops = prim.find("operations")
        if ops is None:
            ops = etree.SubElement(prim, "operations")
        if at_once:
            for op in ops.iterfind("op[@name='monitor']"):
                op.set("on-fail", "stop")
        else:
            rid = str(prim.get("id"))
            attrs = {"name": "start", "interval": "0s", "on-fail": "stop"}
            etree.SubElement(ops, "op", {"id": cib.new_id(rid, "start", "0s"), **attrs})
    cib.note(
        "rewrite",
        el,
        f"{what} -> {'monitor' if at_once else 'start'} on-fail=stop",
        "a failed resource is stopped and started on no other node, as rgmanager "
        "disabled the service"
        + (" (its members after the failed one stop with it)" if at_once else "")
        + ("" if at_once else " when the restart in place failed"),
    )


def nested(cib: CibBuilder) -> None:
    """Independent subtrees inside a service's group (``CibBuilder.nested``: below a
    child, or a child its siblings start after). In the group a member's failure
    restarts the members after it; rgmanager restarted only the subtree. One whose
    resources end the group stays there (no member after it: it restarts alone), "2"
    with on-fail=stop, its ``__max_restarts``/``__restart_expire_time`` on its
    primitives. One with members after it goes into a group of its own (:func:`_apart`).
    One whose resources another subtree took already is a TODO."""
    entries = []
    for el, a, group, start, end in cib.nested:  # (the primitives, before any move)
        prims = [c for c in group if c.tag == "primitive"]
        entries.append((el, a, group, prims[start:end]))
    for el, a, group, mine in entries:
        mode = str(a.get("__independent_subtree"))
        prims = [c for c in group if c.tag == "primitive"]
        ids = ", ".join(str(p.get("id")) for p in mine)
        what = f"<{el.tag} __independent_subtree={mode!r}> ({ids})"
        if not mine or any(p not in prims for p in mine):
            cib.note("manual", el, f"{what} not carried", NESTED_WHY)
            continue
        end = prims.index(mine[-1]) + 1
        if end < len(prims):
            first = prims.index(mine[0])
            _apart(cib, el, a, group, mine, prims[first - 1] if first else None, prims[end])
            continue
        shown = carry_subtree(cib, mine, a, mode)
        cib.note(
            "rewrite",
            el,
            f"{what} nested, last in group {group.get('id')}"
            + (": monitor on-fail=stop" if mode == "2" else "")
            + shown,
            "in the group's tail its failure restarts only itself, as rgmanager restarted "
            "only the subtree"
            + (" (non-critical: stopped, the service kept)" if mode == "2" else ""),
        )


def _apart(
    cib: CibBuilder,
    el: Any,
    a: dict[str, str],
    group: Any,
    mine: list[Any],
    before: Any,
    after: Any,
) -> None:
    """An independent subtree with members after it, out of the service's ``group`` into
    a group of its own, which keeps rgmanager's start order and recovery: colocated with
    the service; started after the member ``before`` it (mandatory: when that member or
    one before it restarts, the subtree restarts with it, as rgmanager restarted a
    parent's children); and before the member ``after`` it with an *optional* order,
    which orders their starts and stops in one transition but lets the subtree restart
    alone (Pacemaker Explained, "Ordering Constraints": kind Optional "only applies if
    both resources are executing the specified action"). crm_simulate checks both
    (tests/test_migrate_unseen7.py)."""
    gid = str(group.get("id"))
    sub = etree.Element("group", {"id": cib.new_id(gid, el.tag, a.get("name") or "")})
    group.addnext(sub)
    for prim in mine:
        sub.append(prim)  # (moved out of the service's group)
    sid = str(sub.get("id"))
    col = {"id": cib.new_id("col", sid, gid), "rsc": sid, "with-rsc": gid, "score": "INFINITY"}
    etree.SubElement(cib.constraints, "rsc_colocation", col)
    if before is not None:
        first = str(before.get("id"))
        order = {"id": cib.new_id("order", first, sid), "first": first, "then": sid}
        etree.SubElement(cib.constraints, "rsc_order", {**order, "kind": "Mandatory"})
    then = str(after.get("id"))
    order = {"id": cib.new_id("order", sid, then), "first": sid, "then": then}
    etree.SubElement(cib.constraints, "rsc_order", {**order, "kind": "Optional"})
    mode = str(a.get("__independent_subtree"))
    shown = carry_subtree(cib, [sub], a, mode)
    cib.note(
        "rewrite",
        el,
        f"<{el.tag} {a.get('name') or ''}> __independent_subtree={mode} -> group {sid} with "
        f"{gid}"
        + (f", after {before.get('id')}" if before is not None else "")
        + f", before {then} (optional order)"
        + (", monitor on-fail=stop" if mode == "2" else "")
        + shown,
        "rgmanager restarted only this subtree when it failed (stopped it and kept the "
        "service running, non-critical)"
        if mode == "2"
        else "rgmanager restarted only this subtree when it failed; the members after it "
        "still start after it, but (an optional order) a start of it that fails no longer "
        "keeps them from starting, as rgmanager's failed service start did: check they "
        "run without it",
    )


def max_restarts_elsewhere(cib: CibBuilder, el: Any, what: str, recovery: str) -> None:
    """A service's ``max_restarts`` under a recovery other than restart (whose
    migration-threshold carries it); it was dropped without a line. restart-disable
    (rgmanager(8): restart in place, disable when that fails) never moved the service,
    and Pacemaker's only restart count, migration-threshold, moves it: a TODO, not a
    setting that would move it. relocate and disable act on the first failure."""
    if recovery == "restart-disable":
        cib.note(
            "manual",
            el,
            f"{what} with recovery=restart-disable not carried",
            "Pacemaker restarts it in place until a restart fails (start on-fail=stop, "
            "written); its only restart count, migration-threshold, moves the service to "
            "another node, which restart-disable never did: set it only if that is "
            "acceptable, else watch the fail count (crm_mon --failcounts)",
        )
    else:
        cib.note(
            "dropped",
            el,
            f"{what} (recovery={recovery})",
            f"rgmanager's {recovery} acts on the first failure: no restart to count",
        )
