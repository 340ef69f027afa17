"""cman cluster.conf rules (RHEL 5/6 clusters): what cman refuses at start."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from ..cluster import Loaded
from ..findings import Finding
from . import make, rule

if TYPE_CHECKING:  # (imported for the types only: a rule module loads no format)
    from ..formats.cman import CmanDocument


def _cman(item: Loaded) -> CmanDocument:
    return cast("CmanDocument", item.doc)


def _atoi(raw: str | None) -> int:
    """C's ``atoi``: the leading digits, 0 when there are none."""
    m = re.match(r"\s*([+-]?\d+)", raw or "")
    return int(m.group(1)) if m else 0


@rule("CM001", "two-node-mismatch", "error", formats=("cman",))
def two_node_mismatch(item: Loaded) -> Iterator[Finding]:
    """``<cman two_node="1">`` on other than two nodes of one vote each.

    Why it matters: cman does not start: "the two-node option requires exactly two nodes
    with one vote each and expected votes of 1 (node_count=3 vote_sum=3)", reported to
    ``cman_tool join`` as "two_node set but there are more than 2 nodes" (the same check
    in RHEL 5's cman_tool join and RHEL 6's cman-preconfig.c; a node whose own
    ``votes`` is not 1 gets "two_node set but votes not set to 1"). A third dom0 added
    to a two-node cluster without removing ``two_node`` keeps the whole cluster down.
    cman reads ``two_node`` with ``atoi``: ``two_node="yes"`` is 0 and not two-node.

    Example: ``<cman two_node="1" expected_votes="1"/>`` with three ``clusternode``
    entries.

    Fix: with three nodes or more remove ``two_node`` and ``expected_votes`` (quorum is
    then a majority of the votes); with two, give each ``votes="1"``.
    """
    doc = _cman(item)
    if doc.cman is None or _atoi(doc.cman.get("two_node")) == 0:
        return
    count, total = len(doc.nodes), doc.expected_votes
    if count != 2 or total != 2:
        yield make(
            "CM001",
            f"two_node on {count} nodes with {total} votes: cman needs exactly two nodes of"
            " one vote each and refuses to start (two_node set but there are more than 2"
            " nodes)",
            item.where(doc.cman),
        )
        return
    for node in doc.nodes:
        if node.votes != 1:
            yield make(
                "CM001",
                f"node {node.name} has {node.votes} votes under two_node: cman refuses to"
                " start there (two_node set but votes not set to 1)",
                item.where(node),
            )
