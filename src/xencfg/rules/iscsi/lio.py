"""LIO targets against the nodes that multipath their LUNs: those Pacemaker builds
(``ocf:heartbeat:iSCSITarget`` and ``iSCSILogicalUnit`` with ``implementation=lio-t``:
the CIB is the target's configuration) and those ``targetctl restore`` loads from
/etc/target/saveconfig.json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...cluster import Cluster, Loaded, short
from ...findings import Finding
from ...formats.cib.resources import Primitive
from ...suggest import closest
from ...wwid import lio_wwid
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import initiatorname_doc as _initiator
from ..documents import multipath_doc as _mp
from ..documents import saveconfig_doc as _saveconfig
from .common import agent_scsi_sn, cloned_ids
from .failover import _floating_addresses

if TYPE_CHECKING:
    from ...formats.status.ip_addr import IpAddrDocument

#: The implementations that build an LIO target through configfs (targetcli or lio_node).
_LIO = ("lio", "lio-t")


def _lio(p: Primitive, agent: str) -> bool:
    return (p.type or "") == agent and (p.param("implementation") or "") in _LIO


def _allowed(p: Primitive) -> list[str] | None:
    value = p.param("allowed_initiators")
    return value.split() if value and value.strip() else None


def _pair(p: Primitive, name: str) -> object:
    for s in p.instance_sets:
        for pair in s.nvpairs:
            if pair.name == name:
                return pair
    return p


@rule("IS021", "lio-initiator-not-allowed", "error", scope="cluster")
def lio_initiator_not_allowed(cluster: Cluster) -> Iterator[Finding]:
    """A node multipaths a LUN of an LIO target that Pacemaker creates with
    ``allowed_initiators`` not naming the node's initiator.

    Why it matters: LIO filters by initiator (``generate_node_acls`` stays off, "lio
    does per-initiator filtering by default", the iSCSITarget agent says). With
    ``implementation=lio-t`` the iSCSITarget agent creates one ACL per name of its
    ``allowed_initiators`` (``targetcli /iscsi/IQN/tpg1/acls create``), and targetcli
    maps each LUN the iSCSILogicalUnit agent adds into every existing ACL
    (``auto_add_mapped_luns``, on by default); only when the target lists no one does
    the logical unit's own ``allowed_initiators`` create the ACLs. Any other initiator
    is refused at login: its multipath map never appears, so the volume group or file
    system on it cannot start there, and only a failover to that node shows it. The
    LUN is matched to the node's ``multipaths`` entry by the WWID scsi_id reads for
    LIO's unit serial (``scsi_sn``: ``36001405`` + the serial's hex digits,
    zero-padded). No verdict without ``scsi_sn`` (targetcli then makes a random
    serial) or where neither list is set (CHAP-only targets run permissive).

    Example: the iSCSITarget's ``allowed_initiators="iqn.2023-03.lan.example:xh1
    iqn.2023-03.lan.example:xh2"`` while xh3's initiatorname.iscsi says
    ``iqn.2023-03.lan.example:xh3`` and its multipath.conf has the LUN's WWID.

    Fix: add the node's initiator name to ``allowed_initiators`` of the iSCSITarget
    (and of the iSCSILogicalUnit, so that the two lists agree).
    """
    users = _wwid_users(cluster)
    if not users:
        return
    for item in cluster.docs("cib"):
        cib = _cib(item)
        prims = cib.primitives
        cloned = cloned_ids(cib)
        targets = {p.param("iqn"): p for p in prims if _lio(p, "iSCSITarget")}
        for lu in (p for p in prims if _lio(p, "iSCSILogicalUnit")):
            serial = agent_scsi_sn(lu, cloned)
            target = targets.get(lu.param("target_iqn"))
            decides = _acl_list(target, lu)
            if not serial or decides is None:
                continue
            p, allowed = decides
            for node, iqn, where in users.get(lio_wwid(serial), []):
                if iqn in allowed:
                    continue
                yield make(
                    "IS021",
                    f"{node} multipaths LUN {lu.param('lun') or '?'} of "
                    f"{lu.param('target_iqn')} ({lu.id}), but allowed_initiators of "
                    f"{p.id} does not name its initiator {iqn}: LIO refuses its login",
                    item.where(_pair(p, "allowed_initiators")),
                    [where],
                )


def _acl_list(target: Primitive | None, lu: Primitive) -> tuple[Primitive, list[str]] | None:
    """The resource whose ``allowed_initiators`` become the target's ACLs, and the list:
    the iSCSITarget's; when it lists no one and runs no CHAP (which makes it
    permissive), the logical unit's; else none (no verdict)."""
    if target is None:
        return None
    own = _allowed(target)
    if own is not None:
        return target, own
    if target.param("incoming_username"):
        return None
    lu_list = _allowed(lu)
    return (lu, lu_list) if lu_list is not None else None


def _wwid_users(cluster: Cluster) -> dict[str, list[tuple[str, str, object]]]:
    """WWID (lower case) -> (node, its initiator name, the multipath entry) of every node
    that names the WWID in its ``multipaths`` and has an initiator name."""
    out: dict[str, list[tuple[str, str, object]]] = {}
    for node, items in sorted(cluster.by_node("multipath").items()):
        named = cluster.first("initiatorname", node) if node else None
        iqn = _initiator(named).name if named is not None else None
        if not iqn:
            continue
        for item in items:
            for m in _mp(item).multipaths:
                if m.wwid:
                    out.setdefault(m.wwid.lower(), []).append((node, iqn, _where(item, m)))
    return out


def _where(item: Loaded, m: object) -> object:
    return item.where(getattr(m, "block", None))


# -- LIO's own file: /etc/target/saveconfig.json ---------------------------------------


@rule("IS031", "lio-acl-refuses-initiator", "error", scope="cluster")
def lio_acl_refuses_initiator(cluster: Cluster) -> Iterator[Finding]:
    """A node multipaths a LUN that an LIO target exports (its ``saveconfig.json``), but
    the target's portal group has no ACL for the node's initiator name, or its ACL
    maps no LUN onto that one.

    Why it matters: with ``generate_node_acls`` off (targetcli's default) LIO admits
    only the initiators its ``node_acls`` name (``node_wwn``, the name of the node's
    /etc/iscsi/initiatorname.iscsi) and shows each one only its ``mapped_luns``. Any
    other initiator is refused at login ("Initiator ... not authorized", and
    iscsiadm: "authorization failure"); an ACL without the LUN logs in and sees no
    disk. Either way the node's multipath map never appears, and the guests or file
    system on it cannot start there, which only a failover shows. The LUN is matched
    to the node's ``multipaths`` entry by the WWID its unit serial makes
    (``36001405`` + the serial's hex digits). A portal group in demo mode
    (``generate_node_acls`` 1) or disabled is not judged.

    Example: the TPG of ``iqn.2019-04.net.pinewood:nas1.vol-a`` has ACLs for
    ``...:xen1`` and ``...:xen2`` while xen3's initiatorname.iscsi says
    ``InitiatorName=iqn.2019-04.net.pinewood:xen3`` and its multipath.conf names the
    LUN's WWID.

    Fix: ``targetcli /iscsi/TARGET/tpg1/acls create IQN`` (it maps every LUN while
    ``auto_add_mapped_luns`` is on), then ``targetcli saveconfig``.
    """
    if not cluster.has("lio-saveconfig"):
        return
    users = _wwid_users(cluster)
    if not users:
        return
    for item in cluster.docs("lio-saveconfig"):
        doc = _saveconfig(item)
        for t in doc.iscsi_targets:
            for tpg in t.tpgs:
                if tpg.generate_node_acls or not tpg.enable:
                    continue
                acls = {(a.node_wwn or "").lower(): a for a in tpg.node_acls}
                for lun in tpg.luns:
                    so = doc.storage_object(lun.storage_object)
                    if so is None or not so.wwn or lun.index is None:
                        continue
                    for node, iqn, where in users.get(lio_wwid(so.wwn), []):
                        acl = acls.get(iqn.lower())
                        if acl is None:
                            near = closest(iqn.lower(), [k for k in acls if k])
                            hint = f" (it has one for {near}: a misspelling?)" if near else ""
                            yield make(
                                "IS031",
                                f"{node} multipaths LUN {lun.index} of {t.wwn} ({so.name}), "
                                f"but the target has no ACL for its initiator {iqn}{hint}: "
                                "LIO refuses its login",
                                item.where(tpg),
                                [where],
                            )
                        elif not any(m.tpg_lun == lun.index for m in acl.mapped_luns):
                            yield make(
                                "IS031",
                                f"{node} multipaths LUN {lun.index} of {t.wwn} ({so.name}), "
                                f"but the ACL of {iqn} maps no LUN onto it: the node logs "
                                "in and sees no such disk",
                                item.where(acl),
                                [where],
                            )


@rule("IS033", "lio-saveconfig-dangling", "error", formats=("lio-saveconfig",))
def lio_saveconfig_dangling(doc: Loaded) -> Iterator[Finding]:
    """A LUN of saveconfig.json names a storage object the file does not define, or a
    mapped LUN of an ACL names a LUN its portal group does not have.

    Why it matters: ``targetctl restore`` (rtslib-fb's ``LUN.setup`` and
    ``MappedLUN.setup`` in target.py) looks each one up by ``/backstores/PLUGIN/NAME``
    and by ``tpg_lun``, and skips what it does not find ("Could not find matching
    StorageObject for LUN 0, skipped", "Could not find matching TPG LUN 0 for
    MappedLUN 0, skipped"), then exits 0: the target comes up and the initiators log
    in to a portal group without that disk.

    Example: ``"storage_object": "/backstores/block/vol-A"`` while the storage object
    is ``{"plugin": "block", "name": "vol-a", ...}``.

    Fix: name the storage object as it is defined (plugin and name), or the LUN the
    mapped LUN should show; ``targetcli ls`` after ``targetctl restore`` shows the
    result.
    """
    sc = _saveconfig(doc)
    for t in sc.targets:
        for tpg in t.tpgs:
            for lun in tpg.luns:
                if sc.storage_object(lun.storage_object) is None:
                    yield make(
                        "IS033",
                        f"LUN {lun.index} of {t.wwn} names {lun.storage_object!r}, which no "
                        "storage object of this file is: targetctl restore skips the LUN",
                        doc.where(lun),
                    )
            indexes = {lun.index for lun in tpg.luns}
            for acl in tpg.node_acls:
                for m in acl.mapped_luns:
                    if m.tpg_lun not in indexes:
                        yield make(
                            "IS033",
                            f"mapped LUN {m.index} of {acl.node_wwn} on {t.wwn} shows TPG LUN "
                            f"{m.tpg_lun}, which the portal group does not have: targetctl "
                            "restore skips it",
                            doc.where(m),
                        )


@rule("IS035", "lio-serial-not-saved", "warning", formats=("lio-saveconfig",))
def lio_serial_not_saved(doc: Loaded) -> Iterator[Finding]:
    """A storage object of saveconfig.json has no ``wwn`` (its unit serial).

    Why it matters: the initiators' ``scsi_id`` makes the LUN's WWID from the unit
    serial (``36001405`` + its hex digits, the kernel's VPD page 0x83), and multipath
    knows the disk by that WWID (``multipaths`` entries, the bindings file behind
    ``user_friendly_names``). ``targetctl restore`` creates each storage object with
    the file's ``wwn``; without one, rtslib-fb makes a new random serial
    (rtslib/root.py ``restore`` calls the class with the file's keys; tcm.py
    ``StorageObject._configure``: ``generate_wwn('unit_serial')``, a fresh
    ``uuid4``) at every restore, that is at every start of the target service, until
    someone saves the configuration again. So after a restart of the target the
    initiators see a new disk: their ``multipaths`` entry no longer matches (no
    alias, ``/dev/mapper/NAME`` missing), and the two boxes of a failover pair never
    give one LUN the same WWID, so multipath makes two maps instead of one with paths
    to both. targetcli always saves the serial; a file without it was written by
    hand or by a tool. A ``pscsi`` object passes the device's own ids through and
    has none.

    Example: ``{"plugin": "block", "name": "vol-a", "dev": "/dev/drbd10"}`` with no
    ``"wwn"`` key.

    Fix: add ``"wwn"`` with the serial the LUN has now (``targetcli
    /backstores/block/vol-a info`` shows it; ``targetctl save`` writes it), the same
    serial on both boxes of a pair.
    """
    sc = _saveconfig(doc)
    for so in sc.storage_objects:
        if so.wwn or so.plugin == "pscsi":
            continue
        yield make(
            "IS035",
            f"storage object {so.name} ({so.plugin}) has no 'wwn': targetctl restore gives it"
            " a new random unit serial each time (rtslib-fb generate_wwn), so the"
            " initiators see a new WWID (36001405 + the serial's hex digits) after every"
            " restart of the target, which no multipaths entry or binding names",
            doc.where(so),
        )


@rule("IS034", "lio-portal-not-created", "error", scope="cluster")
def lio_portal_not_created(cluster: Cluster) -> Iterator[Finding]:
    """A portal of saveconfig.json that LIO cannot create: on an address that is not
    the storage node's (another node's by /etc/hosts, or one its captured ``ip addr``
    does not show), or beside a wildcard portal (``0.0.0.0`` or ``::``) on the same
    port of the same node.

    Why it matters: LIO binds each portal when ``targetctl restore`` creates it. An
    address the node does not have fails (EADDRNOTAVAIL), and so does a second
    listener on a port a wildcard portal already holds (EADDRINUSE: targetcli's
    default ``0.0.0.0:3260`` then a portal on one address is the usual case);
    rtslib-fb reports "Creating NetworkPortal object IP:PORT failed: Could not
    create NetworkPortal in configFS" (rtslib_fb/target.py ``NetworkPortal.setup``),
    skips the portal and exits 0, and the initiators that log in there find no
    target. The same address in several portal groups is one listener (LIO shares
    it) and fine; a wildcard alone listens on every address. Addresses nothing in
    the run places, and those a cluster manager moves (IPaddr, IPaddr2), are not
    judged.

    Example: nas2's saveconfig.json, copied from nas1, keeps the portal
    ``192.168.50.11`` that /etc/hosts gives ``nas1-san``.

    Fix: ``targetcli /iscsi/TARGET/tpg1/portals delete IP 3260``, then ``create``
    the node's own address (or keep only ``0.0.0.0``), and ``targetcli saveconfig``.
    """
    if not cluster.has("lio-saveconfig"):
        return
    owners: dict[str, set[str]] = {}
    for info in cluster.model.nodes.values():
        for address in info.addresses:
            owners.setdefault(address, set()).add(info.name)
    moved = _floating_addresses(cluster)
    for item in cluster.docs("lio-saveconfig"):
        if not item.node:
            continue
        me = short(item.node)
        live = _live_addresses(cluster, item.node)
        listening: dict[tuple[str, int | None], str] = {}  # (address, port) -> target
        for t in _saveconfig(item).iscsi_targets:
            for tpg in t.tpgs:
                for portal in tpg.portals:
                    ip = (portal.ip_address or "").strip("[]")
                    if not ip:
                        continue
                    clash = next(
                        (
                            (other, where)
                            for (other, port), where in listening.items()
                            if port == portal.port and _clash(ip, other)
                        ),
                        None,
                    )
                    listening.setdefault((ip, portal.port), t.wwn or "?")
                    why = None
                    if clash is not None:
                        why = (
                            f"{clash[0]}:{portal.port} of {clash[1]} already listens on that "
                            "port: the kernel cannot bind both"
                        )
                    elif ip not in _WILDCARDS and ip not in moved:
                        others = sorted(owners.get(ip, set()) - {me})
                        if others and me not in owners.get(ip, set()):
                            why = (
                                f"not an address of {me}: /etc/hosts gives it to "
                                f"{', '.join(others)}"
                            )
                        elif live is not None and not any(d.holds(ip) for d in live):
                            why = f"not an address of {me}: its ip addr does not show it"
                    if why is None:
                        continue
                    yield make(
                        "IS034",
                        f"portal {ip}:{portal.port} of {t.wwn} cannot be created ({why}): "
                        "targetctl restore skips it",
                        item.where(portal),
                    )


#: The addresses a portal listens on all of.
_WILDCARDS = ("0.0.0.0", "::", "::0")


def _clash(a: str, b: str) -> bool:
    """Whether two portals on one port of one node cannot both be bound: different
    addresses, one a wildcard (an IPv4 wildcard leaves IPv6 addresses alone)."""
    if a == b or (a not in _WILDCARDS and b not in _WILDCARDS):
        return False
    if "0.0.0.0" in (a, b):
        other = b if a == "0.0.0.0" else a
        return other in _WILDCARDS or ":" not in other
    return True


def _live_addresses(cluster: Cluster, node: str) -> list[IpAddrDocument] | None:
    """The node's captured ``ip addr`` outputs, or ``None`` (no capture)."""
    from ...formats.status.ip_addr import IpAddrDocument

    found = [doc for _, doc in cluster.typed("ip-addr", IpAddrDocument, node)]
    return found or None
