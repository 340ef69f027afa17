"""IET's init script as a cluster resource (``lsb:iscsi-target`` under heartbeat) made the
LIO resource agents: ocf:heartbeat:iSCSITarget and iSCSILogicalUnit with
``implementation=lio-t``, their parameters from the saveconfig.json the iscsi part writes
for the same targets (so the LUNs keep the unit serials, and the initiators the WWIDs, of
that file). What the agents cannot say stays a TODO.

What the agents do (resource-agents heartbeat/iSCSITarget.in and iSCSILogicalUnit.in,
their ``lio-t`` branches): the target runs ``targetcli /iscsi create IQN``, a portal per
``portals`` entry but ``0.0.0.0:3260`` (``auto_add_default_portal=false`` first, so that
one gives no portal at all), ``additional_parameters`` into tpgt_1/param, an ACL per
``allowed_initiators`` entry with ``incoming_username``/``incoming_password`` as its CHAP
account; a logical unit makes ``/backstores/block`` (block only) from ``path``, writes
``scsi_sn`` to wwn/vpd_unit_serial and maps ``lun`` to each allowed initiator under the
same number."""

from __future__ import annotations

import json
from typing import Any

from .._lazy import etree
from ..stack import Note
from .agents import IET_SCRIPTS
from .migration import Migration

#: what the cut-over says instead of ``targetctl restore`` once the cluster runs LIO
LIO_STEP = (
    "LIO: the cluster makes the targets now (iSCSITarget/iSCSILogicalUnit with "
    "implementation=lio-t run targetcli on the active node): keep LIO's restore unit from "
    "starting at boot (`systemctl disable target` on RHEL, `systemctl disable "
    "rtslib-fb-targetctl` on Debian) and do not `targetctl restore` the written "
    "saveconfig.json (the same targets, for reference); then on every initiator write the "
    "new WWIDs into multipath.conf, rescan (`iscsiadm -m session --rescan`) and reload "
    "multipath (`multipath -r`)."
)


def lio_agents(m: Migration) -> bool:
    """The IET init-script primitives of the CIB ``m`` writes, made LIO's agents where the
    saveconfig.json written for the cluster's nodes gives what they need; whether any was."""
    cib = m.cib_output
    nodes = set(m.stack_nodes or m.nodes)
    saved = {o.data for o in m.outputs if o.node in nodes and o.path.endswith("saveconfig.json")}
    if cib is None or not saved:
        return False
    root = etree.fromstring(cib.data)
    prims = [
        p
        for p in root.iter("primitive")
        if p.get("class") in ("lsb", "service", "systemd") and p.get("type") in IET_SCRIPTS
    ]
    if not prims:
        return False
    display = m.cib_input[0] if m.cib_input else cib.path
    why = ""
    if len(saved) > 1:
        why = "the storage nodes' saveconfig.json files differ: the agents would serve one set"
    elif len(prims) > 1:
        # (IET's init script starts the one ietd with every target: which target each
        # resource stands for is in no file)
        why = "several resources start the one IET daemon: which targets each serves is unsaid"
    if why:
        m.notes += [_note(display, cib.path, p, "not made LIO's agents", why) for p in prims]
        return False
    config = json.loads(next(iter(saved)))
    done = False
    for prim in prims:
        made, left = _agents(prim, config)
        if left:
            m.notes.append(
                _note(display, cib.path, prim, "not made LIO's agents: " + "; ".join(left), "")
            )
            continue
        _replace(prim, made)
        said = f"<primitive id='{prim.get('id')}'> {prim.get('class')}:{prim.get('type')} starts"
        m.notes[:] = [n for n in m.notes if not n.what.startswith(said)]
        for el in made:
            pairs = [(str(nv.get("name")), nv.get("value")) for nv in el.iter("nvpair")]
            shown = " ".join(f"{k}={'***' if 'password' in k else v}" for k, v in pairs)
            m.notes.append(
                Note(
                    "rewrite",
                    display,
                    f"{cib.path} <primitive id='{el.get('id')}'>",
                    f"{prim.get('class')}:{prim.get('type')} (IET) -> "
                    f"ocf:heartbeat:{el.get('type')} {shown}",
                    "IET is gone; the LIO agents serve the same target from the "
                    "saveconfig.json written for it (same IQN, portals, ACLs, CHAP, LUNs and "
                    "unit serials: the initiators see its WWIDs): resource-agents "
                    "iSCSITarget/iSCSILogicalUnit, lio-t",
                )
            )
        done = True
    if done:
        cib.data = etree.tostring(root, encoding="unicode").encode() + b"\n"
    return done


def _note(display: str, target: str, prim: Any, what: str, why: str) -> Note:
    return Note(
        "manual",
        display,
        target,
        f"<primitive id='{prim.get('id')}'> {prim.get('class')}:{prim.get('type')} {what}",
        why
        or "make the resources by hand (ocf:heartbeat:iSCSITarget and iSCSILogicalUnit, "
        "implementation=lio-t) or run the unit restoring saveconfig.json as the resource",
    )


def _agents(prim: Any, config: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """The iSCSITarget and iSCSILogicalUnit primitives standing for ``prim`` (an IET
    init script) from LIO's ``config``, and what keeps them from being made."""
    left: list[str] = []
    made: list[Any] = []
    objects = {
        f"/backstores/{so.get('plugin')}/{so.get('name')}": so
        for so in config.get("storage_objects", [])
    }
    targets = [t for t in config.get("targets", []) if t.get("fabric") == "iscsi"]
    pid = str(prim.get("id"))
    for k, t in enumerate(targets):
        iqn = str(t.get("wwn"))
        tpgs = t.get("tpgs") or [{}]
        if len(tpgs) != 1:
            left.append(f"{iqn} has {len(tpgs)} TPGs (the agents make tpg1 only)")
            continue
        tpg = tpgs[0]
        tid = pid if k == 0 else f"{pid}-{k}"
        acls = tpg.get("node_acls", [])
        params = {"implementation": "lio-t", "iqn": iqn}
        portals = [f"{p.get('ip_address')}:{p.get('port')}" for p in tpg.get("portals", [])]
        address = _group_address(prim)
        portals = [
            f"{address}:{p.rsplit(':', 1)[1]}" if p.startswith("0.0.0.0:") and address else p
            for p in portals
        ]
        if not portals or any(p.startswith("0.0.0.0:") for p in portals):
            left.append(
                f"{iqn} listens on every address (0.0.0.0): the lio-t agent makes no "
                "portal for 0.0.0.0:3260, and no address resource comes before it"
            )
        params["portals"] = " ".join(portals)
        if acls:
            params["allowed_initiators"] = " ".join(str(a.get("node_wwn")) for a in acls)
        elif not tpg.get("chap_userid"):
            left.append(f"{iqn} admits every initiator without CHAP (the agent has no such mode)")
        chap = {(a.get("chap_userid"), a.get("chap_password")) for a in acls} or {
            (tpg.get("chap_userid"), tpg.get("chap_password"))
        }
        if len(chap) > 1:
            left.append(f"{iqn}: its initiators log in with different CHAP accounts")
        user, password = next(iter(chap))
        if user:
            params["incoming_username"], params["incoming_password"] = user, password or ""
        if any(a.get("chap_mutual_userid") for a in acls) or tpg.get("chap_mutual_userid"):
            left.append(f"{iqn} uses mutual CHAP (OutgoingUser): the agent has none")
        extra = [f"{n}={v}" for n, v in (tpg.get("parameters") or {}).items()]
        if any(len(e.split()) != 1 for e in extra):
            left.append(
                f"{iqn}: a target parameter with a blank (additional_parameters splits there)"
            )
        if extra:
            params["additional_parameters"] = " ".join(extra)
        made.append(_primitive(prim, tid, "iSCSITarget", params))
        for lun in tpg.get("luns", []):
            so = objects.get(str(lun.get("storage_object")), {})
            index = lun.get("index")
            if so.get("plugin") != "block":
                left.append(
                    f"{iqn} LUN {index} is a {so.get('plugin')} backstore: the lio-t agent "
                    "makes block backstores only"
                )
                continue
            if so.get("readonly") or lun.get("write_protect"):
                left.append(f"{iqn} LUN {index} is read-only: the agent has no such setting")
            mapped = [
                a for a in acls for ml in a.get("mapped_luns", []) if ml.get("tpg_lun") == index
            ]
            if any(
                ml.get("index") != ml.get("tpg_lun")
                for a in acls
                for ml in a.get("mapped_luns", [])
                if ml.get("tpg_lun") == index
            ):
                left.append(f"{iqn} LUN {index} is mapped under another number")
            lu = {
                "implementation": "lio-t",
                "target_iqn": iqn,
                "lun": str(index),
                "path": str(so.get("dev")),
                "scsi_sn": str(so.get("wwn")),
            }
            if mapped:
                lu["allowed_initiators"] = " ".join(str(a.get("node_wwn")) for a in mapped)
            made.append(_primitive(prim, f"{tid}-lun{index}", "iSCSILogicalUnit", lu))
    if not targets:
        left.append("the saveconfig.json written holds no iSCSI target")
    return made, left


def _group_address(prim: Any) -> str | None:
    """The address of the IPaddr/IPaddr2 resource before ``prim`` in its group: the
    address the initiators reached the target at (IET listened on every address)."""
    parent = prim.getparent()
    if parent is None or parent.tag != "group":
        return None
    address = None
    for el in parent:
        if el is prim:
            return address
        if el.tag == "primitive" and el.get("type") in ("IPaddr", "IPaddr2"):
            for nv in el.iterfind("instance_attributes/nvpair"):
                if nv.get("name") == "ip":
                    address = str(nv.get("value")).split("/")[0]
    return address


def _primitive(old: Any, pid: str, agent: str, params: dict[str, str]) -> Any:
    """An ocf:heartbeat:AGENT primitive ``pid`` with ``params`` and ``old``'s operations."""
    el = old.makeelement(
        "primitive", {"id": pid, "class": "ocf", "provider": "heartbeat", "type": agent}
    )
    ia = etree.SubElement(el, "instance_attributes", {"id": f"{pid}-instance_attributes"})
    for name, value in params.items():
        etree.SubElement(
            ia, "nvpair", {"id": f"{pid}-instance_attributes-{name}", "name": name, "value": value}
        )
    ops = old.find("operations")
    if ops is not None:
        copy = etree.SubElement(el, "operations")
        for op in ops.iterfind("op"):
            attrs = dict(op.attrib)
            attrs["id"] = f"{pid}-{op.get('name')}-{op.get('interval', '0')}"
            etree.SubElement(copy, "op", attrs)
    return el


def _replace(prim: Any, made: list[Any]) -> None:
    """``made`` where ``prim`` was: in its group, or as a group of their own (the target
    first: the agents want it before its LUNs)."""
    parent = prim.getparent()
    where = parent.index(prim)
    depth = sum(1 for _ in prim.iterancestors())
    before = prim.getprevious()
    inner = before.tail if before is not None else parent.text
    for el in made:  # (indented as the file around it)
        etree.indent(el, space="  ", level=depth)
        el.tail = inner
    made[-1].tail = prim.tail
    parent.remove(prim)
    if parent.tag != "group" and len(made) > 1:
        group = parent.makeelement("group", {"id": f"{prim.get('id')}-group"})
        group.extend(made)
        etree.indent(group, space="  ", level=depth)
        group.tail = prim.tail
        made = [group]
    for k, el in enumerate(made):
        parent.insert(where + k, el)
