"""CIB quorum: ignoring loss of quorum on three or more nodes."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding
from ...formats.cib.values import canon_name
from ...membership import cib_nodes
from .. import make, rule
from .common import _cib, units

# -- quorum --------------------------------------------------------------------------


@rule("CB022", "no-quorum-ignored-on-three-nodes", "warning", scope="cluster")
def no_quorum_ignored(cluster: Cluster) -> Iterator[Finding]:
    """``no-quorum-policy=ignore`` on a cluster of three or more members.

    Why it matters: ``ignore`` tells a partition without quorum to go on
    managing resources. Two-node clusters need it (one survivor never has
    quorum), but with three or more members a majority exists: with
    ``ignore`` a node cut off from the others keeps its resources and starts
    theirs, while the majority does the same: split brain on the shared
    disks, or a fencing race the minority may win. Pacemaker Explained
    (cluster options) and Clusters from Scratch name ``ignore`` for two-node
    clusters only; the default ``stop`` stops resources in a minority.

    Example: ``<nvpair name="no-quorum-policy" value="ignore"/>`` in a CIB
    whose ``<nodes>`` (or the ha.cf ``node`` lines, the corosync nodelist or cman's
    clusternodes of the nodes that hold it) name dom0a, dom0b and dom0c. A CIB
    that is not a copy of the cluster linted beside it (a loose CIB whose nodes
    have other ids there) counts its own nodes only.

    Fix: remove the option (the default is ``stop``) or set ``stop``
    (``freeze`` keeps what runs but starts nothing).
    """
    for unit in units(cluster):
        members = cib_nodes(cluster, unit.items).names
        if len(members) < 3:
            continue
        last = None  # in each CIB the first the CRM reads (option_pairs order), the last CIB
        for item in unit.items:
            for pair in _cib(item).option_pairs():
                if canon_name(pair.name) == "no-quorum-policy":
                    last = (item, pair)
                    break
        if last is None or (last[1].value or "").strip().lower() != "ignore":
            continue
        yield make(
            "CB022",
            f"no-quorum-policy=ignore on a cluster of {len(members)} members "
            f"({', '.join(sorted(members))}): a partition without quorum keeps running "
            "and starts the others' resources",
            last[0].where(last[1]),
        )
