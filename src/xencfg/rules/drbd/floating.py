"""Which host sections of a DRBD resource a node holds by address (DR006)."""

from __future__ import annotations

from ...cluster import Cluster, captured_addresses


def two_sections_here(cluster: Cluster, node: str, floating: set[str], mine: bool) -> str | None:
    """Why drbdadm on ``node`` finds two host sections of one resource, or None: its
    captured ``ip addr`` holds two of the floating addresses, or one while an ``on``
    section names it (``mine``). drbdadm 8.3, 8.4 and 9 (drbd-utils 9.22, each parser, in
    a network namespace holding the addresses) then refuse the whole file: "in resource
    r0, on 10.0.0.1:7788 { ... } ... on 10.0.0.2:7788 { ... }: There are multiple host
    sections for this node." (rc 10). An address a cluster manager moves is not counted:
    it is there only some of the time."""
    here = captured_addresses(cluster).get(node)
    if not floating or here is None:
        return None
    held = sorted(floating & here)
    if len(held) + int(mine) < 2:
        return None
    also = " and is named in an 'on' section" if mine else ""
    return (
        f"{node} holds its floating addresses {', '.join(held)} (its ip addr was"
        f" captured){also}: drbdadm there finds two host sections for the node and refuses"
        " the file ('There are multiple host sections for this node')"
    )
