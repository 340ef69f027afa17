"""Report lines and rewrites for the agents of a converted CIB whose software is gone or
changed: ocf:heartbeat:IPaddr (ifconfig), IET's resources (the target is LIO now)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..stack import Note
from ..syntax.numbers import decimal, is_decimal


def primitive_note(kind: str, display: str, prim: Any, what: str, why: str) -> Note:
    """A report line on cib.xml at primitive ``prim``: ``<primitive id='ID'> what``."""
    return Note(
        kind,
        f"{display}:{prim.sourceline or 0}",
        "cib.xml",
        f"<primitive id='{prim.get('id')}'> {what}",
        why,
    )


def moved_agents(
    root: Any, display: str, notes: list[Note], old: str, new: str, why: str
) -> Iterator[Any]:
    """Point each primitive of the CIB ``root`` that runs agent ``old``
    (``ocf:PROVIDER:TYPE``) at ``new``, with a rewrite line saying ``why``; yields each
    primitive once it is moved (its own lines follow that one)."""
    _, old_provider, old_type = old.split(":")
    _, provider, type_ = new.split(":")
    for prim in root.iter("primitive"):
        if (prim.get("class"), prim.get("provider"), prim.get("type")) != (
            "ocf",
            old_provider,
            old_type,
        ):
            continue
        prim.set("provider", provider)
        prim.set("type", type_)
        notes.append(primitive_note("rewrite", display, prim, f"{old} -> {new}", why))
        yield prim


#: ocf:heartbeat:IPaddr's parameters that IPaddr2 reads under another name, with the
#: same meaning (``meta-data`` of both agents, resource-agents 4.12)
IPADDR2_NAMES = {
    "ARP_INTERVAL_MS": "arp_interval",
    "ARP_REPEAT": "arp_count",
    "ARP_BACKGROUND": "arp_bg",
}
#: IPaddr's parameters IPaddr2 has no counterpart of, and what to do instead
IPADDR_ONLY = {
    "ARP_NETMASK": "IPaddr2's gratuitous ARPs need no netmask of their own",
    "local_start_script": "IPaddr2 runs no script when the address comes up: make the "
    "script a resource of its own (ocf:heartbeat:anything, a systemd unit) ordered after "
    "the address",
    "local_stop_script": "IPaddr2 runs no script when the address goes: make the script "
    "a resource of its own (ocf:heartbeat:anything, a systemd unit) ordered after the "
    "address",
}


def _prefix_length(mask: str) -> int | None:
    """The prefix length of a dotted-quad netmask (255.255.255.0: 24), None if it is
    none (not four octets, or its ones not contiguous)."""
    parts = mask.split(".")
    if len(parts) != 4 or not all(is_decimal(p) and decimal(p) <= 255 for p in parts):
        return None
    bits = "".join(f"{decimal(p):08b}" for p in parts)
    ones = bits.count("1")
    return ones if bits == "1" * ones + "0" * (32 - ones) else None


def ipaddr2(root: Any, display: str, notes: list[Note]) -> bool:
    """Point each ocf:heartbeat:IPaddr primitive at ocf:heartbeat:IPaddr2; whether
    there was one.

    resource-agents' IPaddr still adds the address with ifconfig: its validate-all
    (run before start) does ``check_binary $IFCONFIG`` and ``check_binary $ROUTE``
    (IPaddr of resource-agents 4.12, ip_validate_all), which exit with
    OCF_ERR_INSTALLED where net-tools is not installed, as on Debian 12 and RHEL 9 by
    default: the address would never come up. IPaddr2 does the same with ip(8) and
    reads ip, nic, cidr_netmask (as a prefix length), broadcast, iflabel and
    lvs_support under the same names; the ARP settings are renamed, and what IPaddr2
    has no counterpart of is dropped with a line."""
    found = False
    for prim in moved_agents(
        root,
        display,
        notes,
        "ocf:heartbeat:IPaddr",
        "ocf:heartbeat:IPaddr2",
        "today's IPaddr adds the address with ifconfig and stops with "
        "OCF_ERR_INSTALLED where net-tools is missing (resource-agents 4.12: "
        "check_binary ifconfig, route before start; net-tools is an optional "
        "package today, Debian 12: Priority optional); IPaddr2 does the same "
        "with ip(8) and takes ip, nic, cidr_netmask, broadcast, iflabel and "
        "lvs_support as they are",
    ):
        found = True
        for nv in prim.iterfind("instance_attributes/nvpair"):
            name, value = nv.get("name"), nv.get("value") or ""
            if name in IPADDR2_NAMES:
                nv.set("name", IPADDR2_NAMES[name])
                notes.append(
                    primitive_note(
                        "rewrite",
                        display,
                        prim,
                        f"{name}={value} -> {IPADDR2_NAMES[name]}={value}",
                        "IPaddr2's name for the same setting",
                    )
                )
            elif name in ("cidr_netmask", "netmask") and "." in value:
                # (both agents read an old 'netmask' as cidr_netmask)
                bits = _prefix_length(value)
                if bits is None:
                    notes.append(
                        primitive_note(
                            "manual",
                            display,
                            prim,
                            f"{name}={value} is no netmask",
                            "IPaddr2 takes a prefix length (24, not 255.255.255.0): set it",
                        )
                    )
                    continue
                nv.set("value", str(bits))
                notes.append(
                    primitive_note(
                        "rewrite",
                        display,
                        prim,
                        f"{name}={value} -> {name}={bits}",
                        "IPaddr read a dotted quad too; IPaddr2 takes the prefix length "
                        "(its meta-data: '24 and not 255.255.255.0')",
                    )
                )
            elif name in IPADDR_ONLY:
                nv.getparent().remove(nv)
                script = name != "ARP_NETMASK"
                notes.append(
                    primitive_note(
                        "manual" if script else "dropped",
                        display,
                        prim,
                        f"{name}={value} dropped (nvpair id='{nv.get('id')}')",
                        IPADDR_ONLY[name],
                    )
                )
    return found


#: IET's init scripts (Debian's iscsitarget, SUSE's and RHEL's packages, the source's
#: own), which heartbeat ran as lsb resources: IET is gone, its targets go to LIO
IET_SCRIPTS = frozenset({"iscsi-target", "iscsitarget", "ietd"})
#: resource-agents' agents that drive an iSCSI target through an ``implementation``
TARGET_AGENTS = frozenset({"iSCSITarget", "iSCSILogicalUnit"})


def iet_resources(root: Any, display: str, notes: list[Note]) -> None:
    """A TODO for each resource that starts IET: its init script (lsb:iscsi-target) no
    longer exists once IET is gone, and resource-agents' iSCSITarget and
    iSCSILogicalUnit with ``implementation=iet`` drive ietadm and /proc/net/iet, which
    neither exists on a current kernel. crm_verify does not look agents up, so the CIB
    passes and the targets never come up."""
    for prim in root.iter("primitive"):
        kind, agent = prim.get("class"), prim.get("type") or ""
        if kind in ("lsb", "service", "systemd") and agent in IET_SCRIPTS:
            notes.append(
                primitive_note(
                    "manual",
                    display,
                    prim,
                    f"{kind}:{agent} starts IET, which is gone",
                    "the targets are LIO's now (the iscsi part writes saveconfig.json): make "
                    "this resource the systemd unit that runs 'targetctl restore' "
                    "(systemd:rtslib-fb-targetctl on Debian, which restores "
                    "/etc/rtslib-fb-target/saveconfig.json; systemd:target on RHEL, "
                    "/etc/target/saveconfig.json) and disable that unit at boot, so that "
                    "only the cluster starts it, where the storage below it (DRBD Primary, "
                    "the volume group) is up",
                )
            )
        elif kind == "ocf" and agent in TARGET_AGENTS:
            for nv in prim.iterfind("instance_attributes/nvpair"):
                if nv.get("name") == "implementation" and nv.get("value") == "iet":
                    notes.append(
                        primitive_note(
                            "manual",
                            display,
                            prim,
                            f"ocf:{prim.get('provider')}:{agent} implementation=iet",
                            "IET is gone (the agent drives ietadm and /proc/net/iet): set "
                            "implementation=lio-t (targetcli) and check its parameters "
                            "against the agent's lio-t branch, or drop the resources and "
                            "let the unit restoring saveconfig.json serve the targets",
                        )
                    )
