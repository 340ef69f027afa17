"""multipath.conf rules: regexes, repeated sections, aliases and WWIDs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import regex
from ..cluster import Cluster, Loaded
from ..findings import Finding
from . import make, rule


@rule("MP001", "bad-regex", "error", formats=("multipath",))
def bad_regex(item: Loaded) -> Iterator[Finding]:
    """A blacklist or exception regex that does not compile or cannot match what it means.

    Why it matters: multipath-tools hands these patterns to regcomp(3). A
    pattern with a stray ``]`` compiles but only matches names containing
    ``]``, so the devices it was meant to blacklist are grabbed by multipathd.

    Example: ``devnode "^hd[a-z][[0-9]*]"`` (``[[0-9]`` is one bracket
    expression, the last ``]`` is literal): IDE disks are *not* blacklisted.

    Fix: ``devnode "^hd[a-z][0-9]*"``.
    """
    doc = item.doc
    for rules in (doc.blacklist, doc.blacklist_exceptions):  # type: ignore[attr-defined]
        for r in rules:
            if r.kind == "device":
                pats = [("vendor", r.vendor), ("product", r.product)]
            else:
                pats = [(r.kind, r.value)]
            for kind, pat in pats:
                if not pat:
                    continue
                found = regex.problems(pat)
                if found:
                    msg = f"{kind} regex '{pat}': " + "; ".join(found)
                    yield make("MP001", msg, item.where(r.node))


@rule("MP002", "repeated-section", "warning", formats=("multipath",))
def repeated_section(item: Loaded) -> Iterator[Finding]:
    """A top-level section (``defaults``, ``blacklist``, ...) appears more than once.

    Why it matters: multipath-tools versions differ on whether repeated
    sections merge or the later one replaces the earlier, so the effective
    settings depend on the installed version.

    Example: two ``defaults { }`` blocks, the first holding only
    ``user_friendly_names yes``.

    Fix: merge the sections into one.
    """
    doc = item.doc
    for name in (
        "defaults",
        "blacklist",
        "blacklist_exceptions",
        "multipaths",
        "devices",
        "overrides",
    ):
        blocks = doc.sections(name)  # type: ignore[attr-defined]
        for b in blocks[1:]:
            yield make(
                "MP002",
                f"section '{name}' appears {len(blocks)} times; merge them",
                item.where(b),
                [item.where(blocks[0])],
            )


@rule("MP003", "duplicate-multipath", "error", formats=("multipath",))
def duplicate_multipath(item: Loaded) -> Iterator[Finding]:
    """Two ``multipath`` entries share a WWID or an alias in one file.

    Why it matters: for a repeated WWID multipath-tools keeps one entry
    (``merge_mptable: duplicate multipath config section``); a repeated alias
    for two WWIDs is not even detected, and the second map fails to create.

    Fix: give every LUN one entry and a unique alias.
    """
    for attr in ("wwid", "alias"):
        seen: dict[str, object] = {}
        for m in item.doc.multipaths:  # type: ignore[attr-defined]
            value = getattr(m, attr)
            if value is None:
                continue
            if value in seen:
                yield make(
                    "MP003",
                    f"{attr} '{value}' is used by two multipath entries",
                    item.where(m.block),
                    [item.where(seen[value])],
                )
            else:
                seen[value] = m.block


@rule("MP004", "alias-differs-between-nodes", "error", scope="cluster")
def alias_differs(cluster: Cluster) -> Iterator[Finding]:
    """An alias maps to different WWIDs on two nodes (or a WWID to different aliases).

    Why it matters: domU configs and the CIB name disks as
    ``/dev/mapper/ALIAS``. If the alias points at another LUN on the other
    node, a migrated guest opens somebody else's disk.

    Fix: keep multipath.conf's ``multipaths`` section identical on every node.
    """
    by_alias: dict[str, dict[str, tuple[str, Loaded, object]]] = defaultdict(dict)
    by_wwid: dict[str, dict[str, tuple[str, Loaded, object]]] = defaultdict(dict)
    for item in cluster.docs("multipath"):
        if item.node is None:
            continue
        for m in item.doc.multipaths:  # type: ignore[attr-defined]
            if m.alias and m.wwid:
                by_alias[m.alias].setdefault(item.node, (m.wwid, item, m.block))
                by_wwid[m.wwid].setdefault(item.node, (m.alias, item, m.block))
    for kind, table, other in (("alias", by_alias, "WWID"), ("WWID", by_wwid, "alias")):
        for key, per_node in sorted(table.items()):
            values = {v for v, _, _ in per_node.values()}
            if len(values) < 2:
                continue
            nodes = sorted(per_node)
            first = per_node[nodes[0]]
            for node in nodes[1:]:
                value, item, block = per_node[node]
                if value == first[0]:
                    continue
                yield make(
                    "MP004",
                    f"{kind} '{key}' is {other} '{value}' on {node} but '{first[0]}' on {nodes[0]}",
                    item.where(block),
                    [first[1].where(first[2])],
                )


def _devnode_rules(item: Loaded) -> Iterator[tuple[object, str]]:
    for r in item.doc.blacklist:  # type: ignore[attr-defined]
        if r.kind == "devnode" and r.value:
            yield r.node, r.value


@rule("MP005", "blacklist-by-kernel-name", "info", formats=("multipath",))
def blacklist_by_kernel_name(item: Loaded) -> Iterator[Finding]:
    """A SCSI disk is blacklisted by its kernel name (``sdX``).

    Why it matters: ``sd`` names are handed out in discovery order; adding a
    LUN or a path renames the disks, so the blacklist then hides a SAN path
    (or lets the local disk through) without any message.

    Example: ``devnode "^sd[e-z][0-9]*"``.

    Fix: blacklist by ``wwid`` (``/lib/udev/scsi_id -g -u /dev/sdX`` tells it),
    or by ``device { vendor product }``.
    """
    for node, pattern in _devnode_rules(item):
        if pattern.lstrip("^").startswith("sd"):
            yield make(
                "MP005",
                f"devnode '{pattern}' blacklists disks by kernel name; names change "
                "when LUNs or paths are added: blacklist by wwid",
                item.where(node),
            )


@rule("MP006", "regex-tail-does-nothing", "warning", formats=("multipath",))
def regex_tail_does_nothing(item: Loaded) -> Iterator[Finding]:
    """A blacklist regex ends in ``c*`` without an end anchor: that part matches nothing.

    Why it matters: regexes match anywhere unless anchored, so a final
    starred letter adds nothing; it is usually a typo for a class and the
    pattern matches more (or other) devices than its author meant.

    Example: ``devnode "^xvdp*"`` matches every ``xvd*`` device, exactly like
    ``^xvd``.

    Fix: write what was meant: ``^xvd[a-z]*`` or ``^xvd``.
    """
    for node, pattern in _devnode_rules(item):
        message = regex.redundant_tail(pattern)
        if message:
            yield make("MP006", f"devnode {message}", item.where(node))


def _queue_seconds(doc: object) -> list[tuple[object, float, str]]:
    """``(entry, seconds, setting)`` for each ``no_path_retry`` that queues I/O."""
    defaults = doc.defaults  # type: ignore[attr-defined]
    try:
        interval = float(defaults.get("polling_interval", "5"))
    except ValueError:
        interval = 5.0
    out: list[tuple[object, float, str]] = []
    sections = [doc.section("defaults")] + [d.block for d in doc.devices]  # type: ignore[attr-defined]
    sections += [m.block for m in doc.multipaths]  # type: ignore[attr-defined]
    sections.append(doc.section("overrides"))  # type: ignore[attr-defined]
    for block in sections:
        if block is None:
            continue
        entry = block.entry("no_path_retry")
        if entry is None or not entry.values:
            continue
        value = entry.values[0]
        if value == "queue":
            out.append((entry, float("inf"), "no_path_retry queue"))
        elif value.isdigit() and int(value) > 0:
            out.append((entry, int(value) * interval, f"no_path_retry {value}"))
    return out


@rule("MP007", "queueing-outlasts-failover", "warning", scope="cluster", hazard=True)
def queueing_outlasts_failover(cluster: Cluster) -> Iterator[Finding]:
    """multipath queues I/O longer than heartbeat waits before declaring a node dead.

    Why it matters: with every path gone, ``no_path_retry`` makes I/O wait
    (``queue``: forever; ``N``: N checker intervals). Processes on the node
    hang instead of failing, while the cluster has already moved the
    resources: the node neither serves nor gets out of the way.

    Example: ``no_path_retry 60`` with ``polling_interval 5`` queues for
    300 s, while ha.cf says ``deadtime 50``.

    Fix: keep the queueing time (``no_path_retry`` x ``polling_interval``)
    below heartbeat's deadtime, or use fencing that resets the node.
    """
    for node, items in cluster.by_node("multipath").items():
        hacf = cluster.first("hacf", node or None)
        if hacf is None:
            continue
        deadtime = getattr(hacf.doc, "deadtime", None) or 30.0
        anchor = hacf.doc.entry("deadtime")  # type: ignore[attr-defined]
        for item in items:
            for entry, seconds, setting in _queue_seconds(item.doc):
                if seconds <= deadtime:
                    continue
                waits = "forever" if seconds == float("inf") else f"for {seconds:g} s"
                yield make(
                    "MP007",
                    f"{setting} queues I/O {waits}, longer than heartbeat's deadtime "
                    f"{deadtime:g} s",
                    item.where(entry),
                    [hacf.where(anchor)],
                )


@rule("MP008", "alias-not-defined", "error", scope="cluster")
def alias_not_defined(cluster: Cluster) -> Iterator[Finding]:
    """A CIB resource uses ``/dev/mapper/ALIAS`` but no node's multipath.conf defines it.

    Why it matters: the Filesystem (or other) resource fails to start on
    every node: the device does not exist, and the cluster fails it over
    until it runs out of nodes. (domU disks are checked by XN005.)

    Example: ``<nvpair name="device" value="/dev/mapper/pool"/>`` with the
    alias spelt ``cfgpool`` in multipath.conf.

    Fix: use the alias multipath.conf gives the LUN, on every node.
    """
    mp = list(cluster.docs("multipath"))
    if not mp:
        return
    aliases = {m.alias for item in mp for m in item.doc.multipaths if m.alias}  # type: ignore[attr-defined]
    for item in cluster.docs("cib"):
        for res in item.doc.primitives:  # type: ignore[attr-defined]
            for value in res.instance_attributes.values():
                if not value or not value.startswith("/dev/mapper/"):
                    continue
                name = value[len("/dev/mapper/") :].split("/", 1)[0]
                # LVM's vg-lv names and partitions (aliasN, alias-partN) live there too
                if name in aliases or "-" in name or name.rstrip("0123456789p") in aliases:
                    continue
                yield make(
                    "MP008",
                    f"{res.id} uses {value}, but no multipath.conf defines alias '{name}'",
                    item.where(res),
                    [mp[0].where()],
                )
