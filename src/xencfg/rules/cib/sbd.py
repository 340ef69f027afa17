"""SBD's watchdog timeout (/etc/sysconfig/sbd) against the CIB's
``stonith-watchdog-timeout``, which Pacemaker's controller compares on every node."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.cib.values import canon_name, duration_ms
from ...formats.lines.shellvars import Assignment
from ...membership import cib_nodes
from ...versions import PACEMAKER_SBD_TIMEOUT_CHECK
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import shellvars_doc
from ..drbd.common import short
from .common import units

#: Where sbd's settings live: SUSE's and Red Hat's sysconfig, Debian's default
#: (pacemaker.service: ``EnvironmentFile=-@CONFIGDIR@/sbd``)
SBD_SETTINGS = ("sysconfig/sbd", "default/sbd")


def _sbd_timeouts(cluster: Cluster) -> Iterator[tuple[str, Loaded, Assignment, int]]:
    """(node, file, assignment, ms) of each node's ``SBD_WATCHDOG_TIMEOUT``."""
    for item in cluster.docs("shellvars"):
        tree = item.file.tree
        if not item.node or tree is None:
            continue
        if item.file.path.relative_to(tree.etc).as_posix() not in SBD_SETTINGS:
            continue
        found = shellvars_doc(item).assignment("SBD_WATCHDOG_TIMEOUT")
        if found is None or found.expands:
            continue
        ms = duration_ms(shellvars_doc(item).get("SBD_WATCHDOG_TIMEOUT") or "")
        if ms is not None:
            yield item.node, item, found, ms


@rule("CB040", "stonith-watchdog-timeout-below-sbd", "error", scope="cluster", hazard=True)
def watchdog_timeout_below_sbd(cluster: Cluster) -> Iterator[Finding]:
    """The CIB's positive ``stonith-watchdog-timeout`` is shorter than a node's
    ``SBD_WATCHDOG_TIMEOUT`` (/etc/sysconfig/sbd, /etc/default/sbd).

    Why it matters: Pacemaker's controller checks the option against the watchdog
    timeout sbd runs with, read from the same file (pacemaker.service's
    ``EnvironmentFile=-/etc/sysconfig/sbd``), and stops the node's cluster stack when
    it is shorter: "Shutting down: stonith-watchdog-timeout (5s) too short (must be
    >10000ms)" and ``crm_exit(CRM_EX_FATAL)`` (Pacemaker 2.1.2 lib/common/watchdog.c
    ``pcmk__valid_sbd_timeout``, the same in 3.0.0; 1.1.14 crmd/control.c "is too
    short"), at start and whenever the CIB changes. Peers that wait only the shorter
    time before they take a silent node for self-fenced would otherwise recover its
    resources while it still runs them. Both values are read as ``crm_get_msec`` reads
    them (a bare number is seconds); ``0`` turns watchdog fencing off and a negative
    value means twice SBD's timeout, which is never too short.

    Example: ``stonith-watchdog-timeout=5`` with ``SBD_WATCHDOG_TIMEOUT=10``.

    Fix: set ``stonith-watchdog-timeout`` to twice ``SBD_WATCHDOG_TIMEOUT`` (or to
    ``-1``: Pacemaker doubles it), or to 0 with disk-based SBD; keep
    ``SBD_WATCHDOG_TIMEOUT`` the same on every node.
    """
    sbd = sorted(_sbd_timeouts(cluster), key=lambda t: t[0])
    if not sbd:
        return
    for unit in units(cluster):
        item = unit.items[0]
        doc = _cib(item)
        if doc.dialect == "heartbeat-2":
            continue
        # (the first of a name is the one in effect, either spelling: CibDocument.option)
        want = "stonith-watchdog-timeout"
        pair = next((p for p in doc.option_pairs() if canon_name(p.name) == want), None)
        ms = duration_ms(pair.value or "") if pair is not None else None
        if pair is None or ms is None or ms <= 0:
            continue
        nodes = cib_nodes(cluster, unit.items).names
        for node, there, assignment, sbd_ms in sbd:
            if nodes and short(node) not in nodes:
                continue
            if cluster.versions.of("pacemaker", node).older_than(PACEMAKER_SBD_TIMEOUT_CHECK):
                continue
            if ms < sbd_ms:
                yield make(
                    "CB040",
                    f"stonith-watchdog-timeout {pair.value} is shorter than"
                    f" SBD_WATCHDOG_TIMEOUT ({sbd_ms} ms) on {node}: Pacemaker's controller"
                    f" shuts down there (stonith-watchdog-timeout too short, must be"
                    f" >{sbd_ms}ms)",
                    item.where(pair),
                    [there.where(assignment)],
                )
