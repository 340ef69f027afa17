"""ipfail's job in a haresources cluster, carried into the CIB: an ``ocf:pacemaker:ping``
clone pinging ha.cf's ping nodes and a location rule per resource on its ``pingd``
attribute.

heartbeat's ipfail (respawned by ha.cf) counted the ping nodes each node reached, a
``ping_group`` as one node up while any member answered, and had the node that reached
fewer give its resources to the other (heartbeat ``contrib/ipfail``); a tie moved
nothing. ocf:pacemaker:ping sets ``pingd`` to multiplier x the hosts that answer (its
monitor): a rule scoring ``pingd`` (plain ``ping`` nodes) or 1000 where ``pingd`` > 0 (a
``ping_group``) outweighs haresources' preference (100), and equal scores leave it.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._lazy import etree
from ..stack import NodeFiles
from .migration import Migration, xml_bytes

#: ocf:pacemaker:ping's multiplier: one ping node outweighs the preferred-node score (100)
MULTIPLIER = "1000"


def ipfail_ping(m: Migration, nodes: list[NodeFiles], ping: tuple[list[str], bool]) -> None:
    """The ping clone and rules in the CIB m holds (the last output) where an ha.cf
    respawns ipfail and names ping nodes of one kind (ping lines, or one ping_group);
    the report's TODO lines for them become rewrites."""
    hosts, grouped = ping
    hacf = next((n.hacf for n in nodes if n.hacf is not None), None)
    if hacf is None or not hosts or m.outputs[-1].path != "cib.xml":
        return
    ipfail = any("ipfail" in " ".join(e.values) for e in hacf.entries("respawn"))
    kinds = {e.key for e in hacf.entries() if e.key in ("ping", "ping_group")}
    if not ipfail or kinds == {"ping", "ping_group"} or len(hacf.entries("ping_group")) > 1:
        return  # (ping nodes without ipfail moved nothing; mixed kinds stay TODOs)
    root = etree.fromstring(m.outputs[-1].data)
    resources, constraints = root.find(".//resources"), root.find(".//constraints")
    if resources is None or constraints is None:
        return
    targets = [str(r.get("id")) for r in resources if _placed(r)]
    if not targets:
        return
    clone = etree.SubElement(resources, "clone", id="ping-clone")
    prim = etree.SubElement(
        clone, "primitive", {"id": "ping", "class": "ocf", "provider": "pacemaker", "type": "ping"}
    )
    inst = etree.SubElement(prim, "instance_attributes", id="ping-instance_attributes")
    for name, value in (("host_list", " ".join(hosts)), ("multiplier", MULTIPLIER)):
        etree.SubElement(inst, "nvpair", id=f"ping-{name}", name=name, value=value)
    ops = etree.SubElement(prim, "operations")
    etree.SubElement(
        ops, "op", id="ping-monitor-10s", name="monitor", interval="10s", timeout="60s"
    )
    for rid in targets:
        loc = etree.SubElement(constraints, "rsc_location", id=f"ping-{rid}", rsc=rid)
        rule = etree.SubElement(loc, "rule", id=f"ping-{rid}-rule")
        expr = {"id": f"ping-{rid}-expr", "attribute": "pingd"}
        if grouped:  # (the group is one ping node: up while any member answers)
            rule.set("score", MULTIPLIER)
            expr.update(operation="gt", value="0", type="number")
        else:
            rule.set("score-attribute", "pingd")
            expr.update(operation="defined")
        etree.SubElement(rule, "expression", expr)
    m.outputs[-1] = attrs.evolve(m.outputs[-1], data=xml_bytes(root))
    how = (
        f"location rules +{MULTIPLIER} where pingd > 0 (the ping_group counts as one node)"
        if grouped
        else "location rules scored by pingd"
    )
    sticky = root.find(".//rsc_defaults//nvpair[@name='resource-stickiness']")
    held = sticky is not None and sticky.get("value") in ("INFINITY", "+INFINITY")
    for n in m.notes:
        if n.kind != "manual":
            continue
        if n.what.startswith(("ping ", "ping_group ")) or (
            n.what.startswith("respawn ") and "ipfail" in n.what
        ):
            n.kind, n.target = ("manual" if held else "rewrite"), "cib.xml"
            n.why = (
                f"ipfail's job: clone ping-clone (ocf:pacemaker:ping host_list={' '.join(hosts)}"
                f" multiplier={MULTIPLIER}) and {how} on {', '.join(targets)}: the node that "
                "reaches more ping nodes gets the resources, a tie moves nothing"
                + (
                    "; but the resources' stickiness is INFINITY (heartbeat did not fail back), "
                    f"which no rule outweighs: lower it below {MULTIPLIER} for a lost ping "
                    "node to move them"
                    if held
                    else ""
                )
            )


def _placed(el: Any) -> bool:
    """A resource the rules are for: not a fencing device, not the DRBD clone a group
    follows (the group's rule places its master)."""
    if el.tag == "primitive":
        return el.get("class") != "stonith"
    return el.tag == "group" or (el.tag == "clone" and el.find("primitive[@type='drbd']") is None)
