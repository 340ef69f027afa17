"""cman's cluster.conf (RHEL 5/6 with rgmanager, no CIB of its own) -> a Pacemaker CIB
for ``xencfg migrate``: the fencing here, rgmanager's services in :mod:`.rgmanager`.

Each ``<fencedevice>`` becomes a ``stonith:AGENT`` primitive whose parameters take
today's fence-agents names (:data:`FENCE_RENAMED`), for the nodes whose ``<fence>
<method>`` names it (``port=`` -> ``pcmk_host_map``); several methods, or a method of
several devices, become fencing levels. ``stonith-enabled`` is always true: a cluster
whose devices do not carry starts nothing until the admin adds one (the report says so).
"""

from __future__ import annotations

from typing import Any

from .._lazy import etree
from ..errors import XencfgError
from ..formats.cman import _tags, is_secret
from ..secrets import MASK
from ..syntax.source import encode
from .common import Member, Note
from .rgmanager import CibBuilder, services

#: cluster.conf's (RHEL 5/6) fence parameter names -> today's: fence-agents' fencing.py
#: keys its ``all_opt`` by the old name with the new one as ``longopt`` ("ipaddr":
#: longopt "ip", "login": "username", "passwd": "password", "passwd_script":
#: "password-script", "port": "plug", "secure": "ssh", "cmd_prompt": "command-prompt").
#: _parse_input_stdin (how Pacemaker passes them) still takes both spellings, but
#: metadata() lists the old ones as deprecated="1": the CIB gets the new ones.
FENCE_RENAMED = {
    "ipaddr": "ip",
    "login": "username",
    "passwd": "password",
    "passwd_script": "password_script",
    "port": "plug",
    "secure": "ssh",
    "cmd_prompt": "command_prompt",
}
#: A ``<device>``'s attributes that name the node on a shared device: they become the
#: node's entry of ``pcmk_host_map`` (fence_xvm's ``domain`` is its port: clufter's
#: ccs_revitalize in filters/cluster/fencedevices/fencedevice; fence_scsi's and
#: fence_manual's ``nodename`` is the node's name, which Pacemaker passes itself).
PORT_ATTRS = ("port", "plug", "domain", "nodename")
#: fenced's agents that cannot be a stonith resource: why, for the report.
FENCE_REFUSED = {
    "fence_manual": "fenced waited for an operator's fence_ack_manual; Pacemaker has no "
    "manual fencing agent (a node is confirmed by hand with 'stonith_admin --confirm "
    "NODE'): configure a device that cuts the node off (IPMI, a power switch)",
}


def cluster_conf_cib(doc: Any, where: str, members: list[Member]) -> tuple[str, list[Note]]:
    """The CIB of a cman cluster.conf ``doc`` (its report name ``where``; ``members``: the
    corosync nodelist, whose nodeids the CIB's nodes take), and its report lines."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(encode(doc.source), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XencfgError(f"{where}: cannot read it as XML for the CIB ({exc})") from None
    # libxml2 gives a start tag's last line; the report names its first, as the stack
    # part's lines do (the format's own scan finds the start tags in the same order)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for el, (start, _, _) in zip(elements, _tags(doc.source), strict=False):
        el.sourceline = doc.position(start)[0]
    cib = CibBuilder(where, members)
    fenced = _fencing(cib, root)
    services(cib, root, [m.name for m in members])
    props = {"stonith-enabled": "true"}
    cib.nvpairs(cib.crm, "cluster_property_set", "cib-bootstrap", props)
    if not fenced:
        cib.note(
            "manual",
            root.find("fencedevices") if root.find("fencedevices") is not None else root,
            "no fence device carried: stonith-enabled stays true",
            "Pacemaker starts no resource before a stonith device can fence each node "
            "(crm_verify: 'Resource start-up disabled since no STONITH resources have been "
            "defined'): add one (pcs stonith create NAME fence_ipmilan ip=... username=... "
            "password=... pcmk_host_list=NODE) before loading the CIB; never set "
            "stonith-enabled=false with shared storage",
        )
    if len(cib.topology):
        cib.config.append(cib.topology)
    return etree.tostring(cib.root, encoding="unicode", pretty_print=True), cib.notes


def _fence_params(cib: CibBuilder, el: Any, attrs: dict[str, str], label: str) -> dict[str, str]:
    """``attrs`` with today's names, ``action`` as pcmk_reboot_action; a line per rename."""
    out: dict[str, str] = {}
    for k, v in attrs.items():
        shown = MASK if is_secret(k) else v
        if k == "action":
            out["pcmk_reboot_action"] = v
            cib.note(
                "rewrite",
                el,
                f"{label} action={v} -> pcmk_reboot_action={v}",
                "fenced ran the device with this action in place of a reboot; Pacemaker's "
                "stonith 'action' parameter is deprecated, pcmk_reboot_action says it",
            )
        elif k in FENCE_RENAMED:
            out[FENCE_RENAMED[k]] = v
            cib.note(
                "rewrite",
                el,
                f"{label} {k}={shown} -> {FENCE_RENAMED[k]}={shown}",
                "today's fence-agents name it so (fencing.py all_opt: the old name is "
                "still read but deprecated in the metadata)",
            )
        else:
            out[k] = v
    return out


def _fencing(cib: CibBuilder, root: Any) -> bool:
    """Stonith primitives and fencing levels of the fencedevices and the nodes' fence
    methods; whether any device was carried."""
    devices = {d.get("name"): d for d in root.iterfind("fencedevices/fencedevice")}
    # (device name, the <device>'s own attributes but the port) -> [(node, port, el)]
    uses: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[str, str | None, Any]]] = {}
    levels: list[tuple[str, int, list[tuple[str, tuple[tuple[str, str], ...]]], Any]] = []
    for node in root.iterfind("clusternodes/clusternode"):
        name = node.get("name") or "?"
        for i, method in enumerate(node.iterfind("fence/method"), 1):
            keys = []
            for dev in method.iterfind("device"):
                dname = dev.get("name") or "?"
                own = {k: v for k, v in dev.attrib.items() if k != "name"}
                port = next((own.pop(p) for p in PORT_ATTRS if p in own), None)
                action = own.get("action") if len(method) > 1 else None
                if action in ("on", "off"):
                    del own["action"]
                    cib.note(
                        "dropped",
                        dev,
                        f"{name}: <device name={dname!r} action={action!r}>",
                        "fenced needed an off and an on line per device to cut every power "
                        "supply; Pacemaker turns every device of a level off, then on",
                    )
                key = (dname, tuple(sorted(own.items())))
                if key not in keys:
                    keys.append(key)
                entry = (name, port, dev)
                if entry[:2] not in [u[:2] for u in uses.get(key, [])]:
                    uses.setdefault(key, []).append(entry)
            if keys:
                levels.append((name, i, keys, method))
    made: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
    per_device: dict[str, int] = {}
    for key in uses:
        per_device[key[0]] = per_device.get(key[0], 0) + 1
    refused: set[str] = set()
    for key, users in uses.items():
        dname, own_items = key
        dev = devices.get(dname)
        if dev is None:
            cib.note(
                "manual",
                users[0][2],
                f"fence device {dname!r} of {', '.join(u[0] for u in users)} is not defined",
                "no <fencedevice> of that name in cluster.conf: fenced could not use it either",
            )
            continue
        agent = dev.get("agent") or "?"
        if agent == "fence_pcmk":
            continue  # (cman handed fencing to Pacemaker: a line of its own in the stack part)
        if agent in FENCE_REFUSED:
            if dname in refused:
                continue
            refused.add(dname)
            cib.note(
                "manual", dev, f"fencedevice {dname} ({agent}) not carried", FENCE_REFUSED[agent]
            )
            continue
        nodes = [u[0] for u in users]
        rid = cib.new_id("fence", dname, *(nodes if per_device[dname] > 1 else []))
        label = f"fencedevice {dname}"
        params = _fence_params(
            cib, dev, {k: v for k, v in dev.attrib.items() if k not in ("name", "agent")}, label
        )
        params.update(
            _fence_params(cib, users[0][2], dict(own_items), f"{nodes[0]}'s device {dname}")
        )
        ported = [(n, p) for n, p, _ in users if p is not None]
        if ported:
            params["pcmk_host_map"] = ";".join(f"{n}:{p or n}" for n, p, _ in users)
            host = f"pcmk_host_map={params['pcmk_host_map']}"
        else:
            params["pcmk_host_list"] = " ".join(nodes)
            host = f"pcmk_host_list={params['pcmk_host_list']}"
        cib.primitive(cib.resources, rid, f"stonith:{agent}", params, "60s")
        made[key] = rid
        cib.note(
            "rewrite",
            dev,
            f"fencedevice {dname} ({agent}) -> stonith resource {rid}, {host}",
            "fenced is gone with cman; Pacemaker's fencer runs the same agent for the nodes "
            "whose <fence> methods name the device (each node's port in the host map)",
        )
    _levels(cib, levels, made)
    cib.unused(
        devices,
        {k[0] for k in uses},
        lambda name, dev: f"fencedevice {name} ({dev.get('agent')}): no node's <fence> names it",
        "fenced never ran it either; a stonith resource needs the nodes it fences",
    )
    if made and any("passwd" in d.attrib for d in devices.values()):
        cib.note(
            "manual",
            root.find("fencedevices"),
            "fence passwords carried into cib.xml in cleartext, as cluster.conf held them",
            "every node and 'cibadmin -Q' shows them (lint CB009): password_script=PATH "
            "reads a password from a root-only script instead",
        )
    return bool(made)


def _levels(
    cib: CibBuilder,
    levels: list[tuple[str, int, list[tuple[str, tuple[tuple[str, str], ...]]], Any]],
    made: dict[tuple[str, tuple[tuple[str, str], ...]], str],
) -> None:
    """fencing-topology levels where a node has several methods (fenced tried them in
    order) or a method of several devices (all of which had to succeed)."""
    nodes = {n for n, i, _, _ in levels if i > 1} | {n for n, _, keys, _ in levels if len(keys) > 1}
    for name, i, keys, method in levels:
        if name not in nodes:
            continue
        ids = [made[k] for k in keys if k in made]
        if len(ids) < len(keys):
            cib.note(
                "manual",
                method,
                f"{name}: fence method {i} ({method.get('name')}) not carried whole",
                "one of its devices has no stonith resource (see its line): add it to "
                "this fencing level",
            )
        if not ids:
            continue
        etree.SubElement(
            cib.topology,
            "fencing-level",
            {
                "id": cib.new_id("fl", name, str(i)),
                "target": name,
                "index": str(i),
                "devices": ",".join(ids),
            },
        )
        cib.note(
            "rewrite",
            method,
            f"{name}: fence method {i} ({method.get('name')}) -> fencing level {i}: "
            + ",".join(ids),
            "fenced tried a node's methods in order, each with all its devices; Pacemaker's "
            "fencing levels do the same",
        )
