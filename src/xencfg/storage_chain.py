"""The storage layer of the cluster model: target boxes and the initiators each
target admits, which ietd.conf ietd reads, and the chain from an IET LUN to the
domU or CIB resource using it (LUN -> WWID -> alias -> users). Split from
:mod:`.cluster`, whose ``build_model`` calls it (and which re-exports
:func:`ietd_not_read`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ._lazy import lazy_re
from .cluster_model import Layer, StorageLink, _NodeOf, short
from .regex import bre_fullmatch
from .versions import IET_ETC
from .wwid import iet_wwid

if TYPE_CHECKING:
    from .cluster import Cluster, Loaded
    from .cluster_model import ClusterModel
    from .formats.lines.ietallow import Rule as IetRule


def ietd_not_read(item: Loaded) -> str | None:
    """The ietd.conf ietd reads on the node instead of ``item``, when ``item`` is one
    it never reads; ``None`` when it reads ``item``.

    IET 1.4 (usr/plain.c ``plain_init``) opens /etc/iet/ietd.conf and falls back to
    /etc/ietd.conf only when that cannot be opened ("ietd.conf's location is
    depreciated"): with both present, /etc/ietd.conf (a lenny-era copy left behind by
    an upgrade) is dead. IET 0.4 reads /etc/ietd.conf alone: with ``--target
    iscsitarget=0.4.x`` the /etc/iet copy is the dead one. A copy that is the same
    file as the other (a symlink) is read; a file of no node tree (given alone, or
    standard input) is taken as read."""
    path = item.file.path
    if path.name != "ietd.conf" or item.node is None:
        return None  # (a loose file or standard input: its neighbours are not known)
    older = item.versions.of("iscsitarget", item.node).older_than(IET_ETC)
    if path.parent.name == "iet":
        other = path.parent.parent / "ietd.conf"
        return "/etc/ietd.conf" if older and not _same_file(path, other) else None
    if path.parent.name != "etc" or older:
        return None
    other = path.parent / "iet" / "ietd.conf"
    try:
        there = other.is_file()
    except OSError:
        return None
    return "/etc/iet/ietd.conf" if there and not _same_file(path, other) else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _iscsi_layers(cluster: Cluster, model: ClusterModel, node: _NodeOf) -> None:
    """Target boxes (ietd.conf with targets) and, per target, the initiators its access
    lists admit (all initiator nodes when it has none)."""
    if not cluster.has("initiatorname", "iscsid", "ietd"):
        return
    from .formats.lines.ietallow import IetAllowDocument
    from .formats.lines.ietd import IetdDocument
    from .formats.lines.initiatorname import InitiatorNameDocument

    initiators: dict[str, str | None] = {}  # short node name -> initiator IQN
    for item, named in cluster.typed("initiatorname", InitiatorNameDocument):
        if item.node:
            info = node(item.node)
            info.roles.add("initiator")
            initiators[info.name] = named.name
    for item in cluster.docs("iscsid"):
        if item.node:
            info = node(item.node)
            info.roles.add("initiator")
            initiators.setdefault(info.name, None)
    for item, ietd in cluster.typed("ietd", IetdDocument):
        targets = ietd.targets
        if not targets:
            continue
        box = node(item.node).name if item.node else None
        if box is not None:
            model.nodes[box].roles.add("storage")
        if ietd_not_read(item) is not None:
            continue  # a stale /etc/ietd.conf beside /etc/iet/ietd.conf: ietd reads the other
        # the access list beside the ietd.conf ietd reads (/etc/iet/ or /etc/, as it)
        lists = [
            (a_item, a)
            for a_item, a in cluster.typed("iet-allow", IetAllowDocument, item.node)
            if a.kind == "initiators.allow"
        ]
        allow = next(
            (a for a_item, a in lists if a_item.file.path.parent == item.file.path.parent),
            lists[0][1] if lists else None,
        )
        for t in targets:
            admitted = set()
            rule = allow.rule(t.name) if allow is not None else None
            for ini, iqn in initiators.items():
                if ini == box:
                    continue
                if rule is None:
                    if allow is None:
                        admitted.add(ini)
                    continue
                if _admits(rule, iqn, model.nodes[ini].addresses):
                    admitted.add(ini)
            model.targets[t.name] = Layer("iscsi", t.name, frozenset(admitted), (item,))


def _admits(rule: IetRule, iqn: str | None, addresses: Iterable[str]) -> bool:
    """Whether an initiators.allow line admits an initiator by its IQN or an address."""
    for peer in rule.peers:
        if peer.kind == "all":
            return True
        # IET matches the name as a case-sensitive BRE anchored ^...$ (initiator_match)
        if peer.kind == "name" and iqn and bre_fullmatch(peer.text, iqn) is not False:
            return True
    for address in addresses:
        try:
            if rule.admits(address):
                return True
        except ValueError:
            continue
    return False


def _wwid_matches(scsi_id: str, wwid: str) -> bool:
    """Whether multipath's WWID carries IET's ScsiId (scsi_id reports it inside the
    vendor-specific designator, after the type digit and vendor; spaces as '_'), as
    text or, as IET's binary T10 designator reads, in hex (``1`` + ``IET`` + the id:
    ``14945540000000000766d61696c...`` for ``ScsiId=vmail``)."""
    want = _WWID_GAPS.sub("_", scsi_id.strip(" _")).lower()
    have = _WWID_GAPS.sub("_", wwid.strip(" _")).lower()
    if have.replace("_", "") == iet_wwid(scsi_id):
        return True
    # the id ends the designator, after the vendor's padding: ``vm01`` is not ``vm011``
    return len(want) >= 4 and (have == want or have.endswith("_" + want))


#: Runs of blanks and of the '_' scsi_id writes for them.
_WWID_GAPS = lazy_re(r"[ _]+")


def _storage_chain(cluster: Cluster, model: ClusterModel) -> list[StorageLink]:
    """LUN -> WWID -> alias -> users, joined by key (each step one dictionary look-up)."""
    if not cluster.has("ietd", "multipath"):
        return []  # no LUN and no alias: no link
    from .formats.cib.model import CibDocument
    from .formats.lines.ietd import IetdDocument
    from .formats.multipath import MultipathDocument
    from .formats.xen.domu import DomUDocument

    aliases: dict[str, str | None] = {}
    for _, mp in cluster.typed("multipath", MultipathDocument):
        for m in mp.multipaths:
            if m.wwid:
                aliases[m.wwid] = aliases.get(m.wwid) or m.alias
    users: dict[str, list[str]] = {}
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument):
            for disk in domu.disks:
                dev = disk.target or ""
                if dev.startswith("/dev/mapper/"):
                    label = f"domU {domu.name or item.file.path.name}"
                    users.setdefault(dev[len("/dev/mapper/") :], []).append(label)
    for _, cib in cluster.typed("cib", CibDocument):
        for prim in cib.primitives:
            for value in prim.instance_attributes.values():
                if value and value.startswith("/dev/mapper/"):
                    name = value[len("/dev/mapper/") :].split("/", 1)[0]
                    users.setdefault(name, []).append(f"CIB resource {prim.id}")
    out: list[StorageLink] = []
    matched: set[str] = set()
    for item, ietd in cluster.typed("ietd", IetdDocument):
        box = short(item.node) if item.node else None
        for t in ietd.targets:
            for lun in t.luns:
                wwid = None
                if lun.scsi_id:
                    wwid = next((w for w in aliases if _wwid_matches(lun.scsi_id, w)), None)
                alias = aliases.get(wwid) if wwid else None
                if wwid:
                    matched.add(wwid)
                used = tuple(dict.fromkeys(users.get(alias, []))) if alias else ()
                out.append(StorageLink(t.name, lun.number, box, lun.scsi_id, wwid, alias, used))
    for wwid, alias in aliases.items():
        if wwid not in matched:
            used = tuple(dict.fromkeys(users.get(alias, []))) if alias else ()
            out.append(StorageLink(None, None, None, None, wwid, alias, used))
    return out
