"""A resource's operations as the scheduler keys them: by name and interval."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Loaded
from ...findings import Finding
from .. import make, rule
from .common import _cib, _in_status


def _cannot_recur(item: Loaded) -> frozenset[str]:
    """The actions the Pacemaker in force refuses to repeat (none before 1.1.4)."""
    from ...versions import PACEMAKER_1_1_4, PACEMAKER_2_1_5

    in_force = item.versions.of("pacemaker", item.node)
    if in_force.older_than(PACEMAKER_1_1_4):
        return frozenset()
    base = frozenset({"start", "stop", "promote", "demote"})
    if in_force.older_than(PACEMAKER_2_1_5):
        return base
    return base | {"migrate_to", "migrate_from", "reload-agent"}


@rule("CB030", "duplicate-recurring-op", "error", formats=("cib",))
def duplicate_recurring_op(item: Loaded) -> Iterator[Finding]:
    """A resource has two recurring operations of one name and one interval, or a
    recurring operation of an action that cannot recur (a start every 10s).

    Why it matters: the scheduler and the LRM know a recurring operation by resource,
    name and interval (``drbd_r0_monitor_10000``), not by role. Pacemaker 2.1.5 skips
    every operation of such a pair: "Operation drbd_r0-monitor-Slave is duplicate of
    drbd_r0-monitor-Master (do not use same name and interval combination more than
    once per resource)" (lib/pacemaker/pcmk_sched_recurring.c ``is_op_dup``, a
    configuration error: crm_verify says "config not valid"), so the resource is not
    monitored at all; Pacemaker 1.0 and 1.1 say "Operation %s is a duplicate of %s"
    (pengine/native.c ``is_op_dup``) and schedule neither. The classic case is a DRBD
    master/slave with one monitor for each role at the same interval: the DRBD
    documentation asks for two different intervals. Intervals are compared in
    milliseconds (``10`` and ``10s`` are one), as Pacemaker 2.x compares them.

    Example: ``<op name="monitor" interval="10s" role="Master"/>`` and ``<op
    name="monitor" interval="10s" role="Slave"/>`` in one primitive.

    An operation that cannot recur given a nonzero interval is skipped the same way:
    a ``start``, ``stop``, ``promote`` or ``demote`` from Pacemaker 1.1.4 on ("Invalid
    recurring action", pengine/native.c ``RecurringOp``), also ``migrate_to``,
    ``migrate_from`` and ``reload-agent`` from 2.1.5 on: crm_verify 2.1.5 says "Ignoring
    app-start because start action cannot be recurring", "config not valid"
    (lib/pacemaker/pcmk_sched_recurring.c ``op_cannot_recur`` and
    ``is_recurring_history``, lines 105-143). Pacemaker runs such a start with its
    defaults instead: the timeout written there does not apply.

    Fix: give each a different interval (``29s`` for Master, ``31s`` for Slave); write
    ``interval="0"`` on a start, stop, promote or demote.
    """
    doc = _cib(item)
    # heartbeat 2's CRM, like Pacemaker 1.0 (1.0.8 pengine/native.c), has no such check
    cannot = frozenset() if doc.dialect == "heartbeat-2" else _cannot_recur(item)
    for prim in doc.primitives:
        if _in_status(prim.el):
            continue
        first: dict[tuple[str, int], str] = {}
        for op in prim.ops:
            ms = op.interval.ms
            if not ms or op.name is None:
                continue
            if op.name in cannot:
                yield make(
                    "CB030",
                    f"'{prim.id}' has a {op.name} operation every {op.interval.raw}"
                    f" ('{op.id}'): a {op.name} cannot recur, Pacemaker calls this a"
                    ' configuration error and ignores the operation (write interval="0")',
                    item.where(op.el),
                )
                continue
            key = (op.name, ms)
            seen = first.get(key)
            if seen is None:
                first[key] = op.id or op.name
                continue
            yield make(
                "CB030",
                f"'{prim.id}' has two {op.name} operations every {op.interval.raw}"
                f" ('{seen}' and '{op.id}'): Pacemaker keys them by name and interval,"
                " calls this a configuration error and runs neither",
                item.where(op.el),
            )
