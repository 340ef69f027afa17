"""A resource's operations as the scheduler keys them: by name and interval."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Loaded
from ...findings import Finding
from .. import make, rule
from .common import _cib, _in_status


@rule("CB030", "duplicate-recurring-op", "error", formats=("cib",))
def duplicate_recurring_op(item: Loaded) -> Iterator[Finding]:
    """A resource has two recurring operations of one name and one interval.

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

    Fix: give each a different interval (``29s`` for Master, ``31s`` for Slave).
    """
    doc = _cib(item)
    for prim in doc.primitives:
        if _in_status(prim.el):
            continue
        first: dict[tuple[str, int], str] = {}
        for op in prim.ops:
            ms = op.interval.ms
            if not ms or op.name is None:
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
