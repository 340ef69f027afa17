"""A heartbeat 2 CIB's ``heartbeat:drbddisk`` primitives as promotable ocf:linbit:drbd
clones, as a haresources ``drbddisk::NAME`` becomes (migrations/haresources.py).

heartbeat 2.1's CIBs ran DRBD as the first members of a group (``heartbeat:drbddisk``
with the resource as argument ``1``: the group's node promoted it). Pacemaker 2 dropped
the heartbeat class (formats/cib/upgrade_resources.py: the executor knows ocf, lsb,
service and stonith), so the group never starts: the converted CIB kept the primitive
with a TODO. Each such primitive of a two-node cluster now leaves its group as a
promotable clone of ocf:linbit:drbd (drbd-utils' agent, ``drbd_resource`` the same
argument) whose Promoted instance the group is colocated with and ordered after
(``promote`` then ``start``), the shape of the DRBD user's guide and of haresources'.
A bare drbddisk (``drbdadm primary all``), one alone in its group, one outside a group,
or a cluster of more nodes (on which of them the DRBD resource has a disk is drbd.conf's,
not the CIB's) keeps its TODO.
"""

from __future__ import annotations

from typing import Any

from .._lazy import etree
from ..stack import Note
from .agents import primitive_note


def drbddisk_masters(root: Any, display: str, notes: list[Note]) -> bool:
    """Each heartbeat:drbddisk NAME of a group in the CIB ``root`` (a two-node cluster)
    as a promotable ocf:linbit:drbd clone the group follows; whether one was."""
    resources = root.find("configuration/resources")
    constraints = root.find("configuration/constraints")
    if resources is None or constraints is None or len(root.findall(".//nodes/node")) != 2:
        return False
    legacy = root.get("validate-with") == "pacemaker-1.0"  # (--to pacemaker=1.0: <master>)
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str)}
    changed = False
    for prim in list(resources.iter("primitive")):
        group = prim.getparent()
        names = [nv.get("value") for nv in prim.iterfind("instance_attributes/nvpair")]
        if (
            (prim.get("class"), prim.get("type")) != ("heartbeat", "drbddisk")
            or group.tag != "group"
            or group.getparent() is not resources
            or len(names) != 1
            or not names[0]
            or all(c is prim or c.tag != "primitive" for c in group)
        ):
            continue
        ms = _clone(resources, group, prim, str(names[0]), legacy, ids)
        gid, ms_id = str(group.get("id")), str(ms.get("id"))
        role = "Master" if legacy else "Promoted"
        col = {"id": _new(ids, f"col_{gid}_{ms_id}"), "rsc": gid, "with-rsc": ms_id}
        etree.SubElement(
            constraints, "rsc_colocation", {**col, "score": "INFINITY", "with-rsc-role": role}
        )
        order = {"id": _new(ids, f"order_{ms_id}_{gid}"), "first": ms_id, "then": gid}
        etree.SubElement(
            constraints, "rsc_order", {**order, "first-action": "promote", "then-action": "start"}
        )
        said = primitive_note(
            "rewrite",
            display,
            prim,
            f"heartbeat:drbddisk {names[0]} -> promotable clone {ms_id} of ocf:linbit:drbd "
            f"(drbd_resource={names[0]}); group {gid} with its {role} and after its promote",
            "Pacemaker 2 runs no heartbeat class script (the group would never start); "
            "drbd-utils' agent promotes the same resource where the group runs, as "
            "drbddisk did",
        )
        # (in place of the conversion's TODO, at the input line it names)
        kept = f"<primitive id='{prim.get('id')}'> heartbeat:drbddisk kept"
        todo = next((i for i, n in enumerate(notes) if n.what.startswith(kept)), None)
        if todo is None:
            notes.append(said)
        else:
            said.source = notes[todo].source
            notes[todo] = said
        changed = True
    if changed:  # (the new elements indented as the rest)
        etree.indent(root, space="  ")
    return changed


def _new(ids: set[Any], wanted: str) -> str:
    """``wanted``, or ``wanted-N``: an id the CIB does not hold yet (then held)."""
    out, n = wanted, 1
    while out in ids:
        n += 1
        out = f"{wanted}-{n}"
    ids.add(out)
    return out


def _clone(resources: Any, group: Any, prim: Any, name: str, legacy: bool, ids: set[Any]) -> Any:
    """The promotable clone of ocf:linbit:drbd for DRBD resource ``name``, before
    ``group``, holding ``prim`` (moved out of the group, its id kept: the constraints
    that name it still find it) with its ops and parameters replaced."""
    ms_id = _new(ids, f"ms_drbd_{name}")
    ms = etree.Element("master" if legacy else "clone", {"id": ms_id})
    meta = etree.SubElement(ms, "meta_attributes", {"id": _new(ids, f"{ms_id}-meta")})
    options = {"promotable": "true", "promoted-max": "1", "promoted-node-max": "1"}
    if legacy:
        options = {"master-max": "1", "master-node-max": "1"}
    for key, value in {
        **options,
        "clone-max": "2",
        "clone-node-max": "1",
        "notify": "true",
    }.items():
        etree.SubElement(
            meta, "nvpair", {"id": _new(ids, f"{ms_id}-{key}"), "name": key, "value": value}
        )
    group.addprevious(ms)
    pid = str(prim.get("id"))
    for child in list(prim):
        prim.remove(child)
    prim.attrib.update({"class": "ocf", "provider": "linbit", "type": "drbd"})
    params = etree.SubElement(prim, "instance_attributes", {"id": _new(ids, f"{pid}-params")})
    nv = {"id": _new(ids, f"{pid}-drbd_resource"), "name": "drbd_resource", "value": name}
    etree.SubElement(params, "nvpair", nv)
    ops = etree.SubElement(prim, "operations")
    roles = ("Master", "Slave") if legacy else ("Promoted", "Unpromoted")
    for interval, role in zip(("29s", "31s"), roles, strict=True):
        op = {"id": _new(ids, f"{pid}-monitor-{interval}"), "name": "monitor"}
        etree.SubElement(ops, "op", {**op, "interval": interval, "role": role})
    ms.append(prim)
    return ms
