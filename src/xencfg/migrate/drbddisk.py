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
In a cluster of three or more nodes the clone must run only where the DRBD resource has
a disk, which drbd.conf says, not the CIB (DRBD 8 has two peers; drbdadm refuses a node
its ``on`` sections do not name): with the hosts of the nodes' drbd.conf the clone gets
clone-max = their count and a -INFINITY location on every other node (as haresources'
drbddisk::NAME does, migrations/haresources.py ``master``); without them it stays a TODO
that says so. A bare drbddisk (``drbdadm primary all``), one alone in its group or one
outside a group keeps its TODO.
"""

from __future__ import annotations

from typing import Any

from .._lazy import etree
from ..stack import Note
from .agents import primitive_note
from .migration import Migration


def drbddisk_masters(
    root: Any, display: str, notes: list[Note], hosts: dict[str, list[str]] | None = None
) -> bool:
    """Each heartbeat:drbddisk NAME of a group in the CIB ``root`` as a promotable
    ocf:linbit:drbd clone the group follows; whether one was. A cluster of other than two
    nodes needs ``hosts`` (DRBD resource -> the hosts drbd.conf names)."""
    resources = root.find("configuration/resources")
    constraints = root.find("configuration/constraints")
    nodes = [str(n.get("uname")) for n in root.iterfind("configuration/nodes/node")]
    if resources is None or constraints is None or (len(nodes) != 2) != (hosts is not None):
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
        on = _short_set(hosts.get(str(names[0]), [])) if hosts is not None else set()
        others = [n for n in nodes if n.split(".")[0].casefold() not in on]
        if hosts is not None and (not on or len(others) + len(on) != len(nodes)):
            _todo(notes, prim, display, len(nodes), str(names[0]), sorted(on))
            continue
        ms = _clone(resources, group, prim, str(names[0]), legacy, ids, max(len(on), 2))
        if others and hosts is not None:
            _keep_off(constraints, ms, others, ids)
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
        off = f"; never on {', '.join(others)} (drbd.conf: no disk there)" if others else ""
        said = primitive_note(
            "rewrite",
            display,
            prim,
            f"heartbeat:drbddisk {names[0]} -> promotable clone {ms_id} of ocf:linbit:drbd "
            f"(drbd_resource={names[0]}); group {gid} with its {role} and after its "
            f"promote{off}",
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


def drbddisk_beyond_two(m: Migration, hosts: dict[str, list[str]]) -> None:
    """:func:`drbddisk_masters` on the CIB ``m`` writes when its cluster has other than
    two nodes, with the hosts of the nodes' drbd.conf files (``hosts``)."""
    out = m.cib_output
    if out is None:
        return
    root = etree.fromstring(out.data)
    display = m.cib_input[0] if m.cib_input else out.path
    if drbddisk_masters(root, display, m.notes, hosts):
        out.data = etree.tostring(root, encoding="unicode").encode() + b"\n"


def _short_set(names: list[str]) -> set[str]:
    """Host names without their domain, in any case (drbdadm matches an FQDN section by
    the short name too; Pacemaker's node names are matched in any case)."""
    return {n.split(".")[0].casefold() for n in names}


def _todo(notes: list[Note], prim: Any, display: str, count: int, name: str, on: list[str]) -> None:
    """The conversion's TODO for ``prim``, saying what the clone needs that no file gave."""
    kept = f"<primitive id='{prim.get('id')}'> heartbeat:drbddisk kept"
    todo = next((n for n in notes if n.what.startswith(kept)), None)
    why = (
        f"{count} nodes, and no drbd.conf of the nodes names the hosts of DRBD resource {name}"
        if not on
        else f"drbd.conf names hosts of {name} ({', '.join(on)}) the CIB has no node for"
    ) + (
        ": make it a promotable ocf:linbit:drbd clone (drbd_resource, promoted-max 1, "
        "clone-max the number of its hosts) with a -INFINITY location on every node "
        "without its disk, the group colocated with its Promoted instance and ordered after "
        "its promote"
    )
    if todo is not None:
        todo.why = why
    else:
        notes.append(primitive_note("manual", display, prim, "heartbeat:drbddisk kept", why))


def _keep_off(constraints: Any, ms: Any, others: list[str], ids: set[Any]) -> None:
    """A -INFINITY location keeping clone ``ms`` off the nodes in ``others``."""
    ms_id = str(ms.get("id"))
    loc = etree.SubElement(
        constraints, "rsc_location", {"id": _new(ids, f"loc_{ms_id}_no_disk"), "rsc": ms_id}
    )
    rule = etree.SubElement(
        loc,
        "rule",
        {"id": _new(ids, f"loc_{ms_id}_no_disk-rule"), "score": "-INFINITY", "boolean-op": "or"},
    )
    for node in others:
        expr = {"id": _new(ids, f"loc_{ms_id}_no_disk-{node}"), "attribute": "#uname"}
        etree.SubElement(rule, "expression", {**expr, "operation": "eq", "value": node})


def _new(ids: set[Any], wanted: str) -> str:
    """``wanted``, or ``wanted-N``: an id the CIB does not hold yet (then held)."""
    out, n = wanted, 1
    while out in ids:
        n += 1
        out = f"{wanted}-{n}"
    ids.add(out)
    return out


def _clone(
    resources: Any, group: Any, prim: Any, name: str, legacy: bool, ids: set[Any], count: int = 2
) -> Any:
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
        "clone-max": str(count),
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
