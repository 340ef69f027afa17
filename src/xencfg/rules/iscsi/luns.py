"""The initiators' WWIDs against the LUNs the target boxes of the run export: a WWID
made by a target's vendor scheme (IET's T10 vendor id, LIO's NAA id) that no LUN of
those targets makes names a map multipath never sees."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded, ietd_not_read, short
from ...findings import Finding
from ...suggest import closest
from ...wwid import IET_VENDOR_HEX, iet_wwid, lio_wwid
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import ietd_doc as _ietd
from ..documents import multipath_doc as _mp
from ..documents import saveconfig_doc as _saveconfig
from .common import agent_scsi_id, agent_scsi_sn, cloned_ids

#: What an IET WWID starts with: the T10 designator type and "IET" padded to 8 bytes.
IET_PREFIX = "1" + IET_VENDOR_HEX
#: What an LIO WWID starts with: NAA type 6 and LIO's OUI 00:14:05.
LIO_PREFIX = "36001405"


def _iet_id(wwid: str) -> str | None:
    """The ScsiId an IET WWID carries (its 16 bytes up to the first NUL), or ``None``
    when the hex does not decode."""
    try:
        raw = bytes.fromhex(wwid[len(IET_PREFIX) :])
    except ValueError:
        return None
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _iet_luns(cluster: Cluster) -> tuple[dict[str, str], list[str]] | None:
    """WWID -> ScsiId of every LUN of the ietd.conf files ietd reads and of the CIB's
    iSCSILogicalUnit resources that may run on IET, and where they are; ``None`` when
    the run holds no IET target or a LUN has no ScsiId (IET or the agent then makes
    one of its own, which these files do not tell)."""
    wwids: dict[str, str] = {}
    boxes: list[str] = []
    for item in cluster.docs("ietd"):
        targets = _ietd(item).targets
        if not targets or ietd_not_read(item) is not None:
            continue
        boxes.append(short(item.node) if item.node else item.file.display)
        for t in targets:
            for lun in t.luns:
                if not lun.scsi_id:
                    return None
                wwids[iet_wwid(lun.scsi_id)] = lun.scsi_id
    # LUNs Pacemaker's iSCSILogicalUnit creates with ietadm (implementation iet, or
    # none: the agent then picks whichever target software it finds)
    for item in cluster.docs("cib"):
        cib = _cib(item)
        cloned = cloned_ids(cib)
        for p in cib.primitives:
            if p.type != "iSCSILogicalUnit" or (p.param("implementation") or "iet") != "iet":
                continue
            scsi_id = agent_scsi_id(p, cloned)
            if not scsi_id:
                return None  # (a cloned unit's default: not worked out)
            wwids[iet_wwid(scsi_id)] = scsi_id
            boxes.append(f"the CIB's {p.id}")
    return (wwids, sorted(set(boxes))) if boxes else None


def _lio_luns(cluster: Cluster) -> tuple[dict[str, str], list[str]] | None:
    """WWID -> storage object of every LIO LUN the run's saveconfig.json files and
    Pacemaker's ``iSCSILogicalUnit`` resources that may run on LIO export, and where
    they are; ``None`` when there is none or one has no serial (the kernel makes one
    up)."""
    wwids: dict[str, str] = {}
    where: list[str] = []
    for item in cluster.docs("lio-saveconfig"):
        doc = _saveconfig(item)
        if not doc.storage_objects:
            continue
        where.append(short(item.node) if item.node else item.file.display)
        for so in doc.storage_objects:
            if not so.wwn:
                return None
            wwids[lio_wwid(so.wwn)] = so.name or "?"
    for item in cluster.docs("cib"):
        cib = _cib(item)
        cloned = cloned_ids(cib)
        for p in cib.primitives:
            if p.type != "iSCSILogicalUnit" or p.param("implementation") not in (
                "lio",
                "lio-t",
                None,
                "",
            ):
                continue
            serial = agent_scsi_sn(p, cloned)
            if not serial:
                return None
            wwids[lio_wwid(serial)] = p.id or "?"
            where.append(f"the CIB's {p.id}")
    return (wwids, sorted(set(where))) if where else None


def _multipaths(cluster: Cluster) -> Iterator[tuple[Loaded, object, str]]:
    for item in cluster.docs("multipath"):
        for m in _mp(item).multipaths:
            if m.wwid:
                yield item, m, m.wwid


@rule("IS030", "wwid-matches-no-target-lun", "warning", scope="cluster")
def wwid_matches_no_target_lun(cluster: Cluster) -> Iterator[Finding]:
    """A ``multipaths`` entry's WWID is one IET or LIO makes, but no LUN of the IET or
    LIO targets linted with it makes that WWID.

    Why it matters: multipath sets a map up under the WWID udev's ``scsi_id`` reads
    from the LUN (VPD page 0x83), compared as a string; an entry whose WWID no LUN
    has is never used: no alias, no per-map settings, and the domU or file system that
    names ``/dev/mapper/ALIAS`` finds nothing. Each target writes its WWIDs one way:
    IET a T10 vendor id, ``1`` + ``IET`` padded to 8 bytes + the LUN's ``ScsiId`` (16
    bytes, NUL-padded) in hex (iscsitarget's VPD 0x83 reply); LIO an NAA id,
    ``36001405`` + the first 25 hex digits of the storage object's unit serial (the
    kernel's target_core_spc.c, ``spc_parse_naa_6h_vendor_specific``). So a WWID
    starting with ``1494554000000000`` is an IET LUN's, and its ScsiId can be read
    back from it. Judged only when the run holds that vendor's targets (ietd.conf,
    saveconfig.json, or Pacemaker's ``iSCSILogicalUnit`` with ``implementation=lio-t``)
    and every LUN of them names its id (a LUN without ``ScsiId``, or a storage object
    without serial, gets one the files do not tell: IS035). Pacemaker's
    ``iSCSILogicalUnit`` without ``scsi_id`` or ``scsi_sn`` uses its defaults: the
    first 16 characters of the resource's id, and the first 8 hex digits of its MD5
    (resource-agents' OCF_RESKEY_scsi_id_default and _scsi_sn_default; a cloned one
    is not worked out). A target box that is not linted
    with the initiators may export the LUN: lint it along, or ignore the finding.

    Example: ietd.conf on the storage pair says ``Lun 0 Path=/dev/drbd0,Type=blockio,
    ScsiId=ocfs-shared01`` while a dom0's multipath.conf has ``wwid
    149455400000000006f6366732d736861726564303200000000`` (``ocfs-shared02``).

    Fix: copy the WWID from ``multipath -ll`` (or ``scsi_id -g -u -d /dev/sdX``) on
    the initiator, or correct the ``ScsiId`` on the target.
    """
    entries = list(_multipaths(cluster))
    if not entries:
        return
    iet = _iet_luns(cluster) if any(w.lower().startswith(IET_PREFIX) for *_, w in entries) else None
    lio = _lio_luns(cluster) if any(w.lower().startswith(LIO_PREFIX) for *_, w in entries) else None
    for item, m, wwid in entries:
        low = wwid.lower()
        if iet is not None and low.startswith(IET_PREFIX) and low not in iet[0]:
            said = _iet_id(low)
            ids = sorted(iet[0].values())
            near = closest(said, ids) if said else None
            hint = f"; did you mean ScsiId '{near}'?" if near else ""
            message = (
                f"WWID {wwid} is an IET LUN's with ScsiId {said!r}, but no LUN on "
                f"{', '.join(iet[1])} has that ScsiId (they have {', '.join(ids) or 'none'}): "
                f"multipath never sets this map up{hint}"
            )
        elif lio is not None and low.startswith(LIO_PREFIX) and low not in lio[0]:
            message = (
                f"WWID {wwid} is an LIO LUN's, but no storage object of "
                f"{', '.join(lio[1])} has a unit serial that makes it "
                f"({', '.join(sorted(lio[0]))}): multipath never sets this map up"
            )
        else:
            continue
        yield make("IS030", message, item.where(getattr(m, "block", None)))
