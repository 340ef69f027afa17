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
    """Independent subtrees below a service's children (``CibBuilder.nested``): one
    whose resources end its group restarts alone there (a group member's failure
    restarts the members after it: none), "2" with on-fail=stop, its
    ``__max_restarts``/``__restart_expire_time`` on its primitives; another is a TODO."""
    for el, a, group, start, end in cib.nested:
        prims = [c for c in group if c.tag == "primitive"]
        mode = a.get("__independent_subtree")
        ids = ", ".join(str(p.get("id")) for p in prims[start:end])
        what = f"<{el.tag} __independent_subtree={mode!r}> ({ids})"
        if end < len(prims) or start == end:
            cib.note(
                "manual",
                el,
                f"{what} not carried",
                NESTED_WHY,
            )
            continue
        shown = carry_subtree(cib, prims[start:end], a, str(mode))
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
