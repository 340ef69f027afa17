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
