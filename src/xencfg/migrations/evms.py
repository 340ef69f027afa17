"""EVMS -> LVM2: which EVMS volumes LVM2 (or the kernel alone) can take over as they
are, and which need their data moved. A report only: nothing is rewritten.

What the files can tell, and what they cannot: ``/etc/evms.conf`` is the *engine's*
configuration (mode, log, which devices to scan); EVMS keeps its volumes, containers,
segments and features in its own metadata on the disks ("utilities read the metadata
from the disk"; EVMS User Guide, ch. 12 and appendices), which no configuration file
holds. So the report says that, and classifies the volumes the other files *use*
(``/dev/evms/...`` in the CIB's resources and in domU disks) by what EVMS's naming
tells (EVMS User Guide, appendices on the LVM2 plug-in and the Cluster Segment
Manager):

* ``lvm2/VG/LV``: a region of EVMS's LVM2 plug-in, which writes LVM2's own metadata
  format: LVM2 finds the VG as it is (``vgscan``), unless its PVs sit inside a CSM
  container (then as below);
* ``lvm/VG/LV``: an LVM1 region: LVM2 2.03 dropped the LVM1 format; ``vgconvert -M2``
  with an LVM2 2.02 first, or move the data;
* ``md/mdN``: an MD region: mdadm assembles it as it is;
* a partition or disk name (``sdb1``): a compatibility volume: no EVMS metadata,
  the device itself holds the file system;
* ``CONTAINER/NAME``: a segment of a Cluster Segment Manager container: the CSM
  writes its metadata at the start and end of each disk, which hides the disk from
  every other volume manager, LVM2 included: the data must be moved (or mapped by
  hand with a device-mapper table at the segment's offset);
* any other name: an EVMS native volume, whose name (and any drive-link, BBR or
  snapshot feature) lives in EVMS metadata: the data must be moved.

The CIB's ``Evms``/``EvmsSCC`` resources, ``evmsd`` in ha.cf and an lvm.conf filter
that hides the disks get report lines too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from . import Change

#: report line severity per verdict
_SEVERITY = {"as-is": "info", "check": "action", "move": "action"}
_VERDICT = {
    "as-is": "LVM2 takes it over as it is",
    "check": "find out what lies beneath it first",
    "move": "its data must be moved",
}
_EVMS_PATH = re.compile(r"/dev/evms/[^\s'\",:]+")
#: a disk or partition name: what a compatibility volume of a plain segment is called
_DISK = re.compile(r"^(sd|hd|xvd|vd|dasd)[a-z]+\d*$|^cciss/c\d+d\d+(p\d+)?$")


@attrs.frozen
class EvmsVolume:
    """One EVMS volume the files use, and whether LVM2 can take it over as it is."""

    path: str
    kind: str
    #: ``as-is``, ``check`` or ``move``
    verdict: str
    why: str
    #: who uses it: ``(file, line, what)``
    users: tuple[tuple[str, int, str], ...]


@attrs.frozen
class EvmsReport:
    """The volumes found and every report line."""

    volumes: tuple[EvmsVolume, ...]
    changes: tuple[Change, ...]


def classify(path: str, csm: bool) -> tuple[str, str, str]:
    """``(kind, verdict, why)`` of the EVMS volume ``/dev/evms/...`` named ``path``;
    ``csm``: the cluster runs shared CSM containers (an EvmsSCC or Evms resource)."""
    name = path.removeprefix("/dev/evms/").strip("/")
    parts = name.split("/")
    if parts[0] == "lvm2" and len(parts) == 3:
        vg, lv = parts[1], parts[2]
        if csm:
            return (
                "LVM2 region",
                "check",
                f"EVMS's LVM2 plug-in writes LVM2's own metadata: LVM2 finds VG {vg} "
                f"(/dev/{vg}/{lv}) as it is if its PVs are disks or partitions; but this "
                "cluster runs shared CSM containers, and a PV inside one is hidden from LVM2 "
                "by the CSM's metadata: then the data must be moved",
            )
        return (
            "LVM2 region",
            "as-is",
            f"EVMS's LVM2 plug-in writes LVM2's own metadata: `vgscan` finds VG {vg}, "
            f"the volume becomes /dev/{vg}/{lv}",
        )
    if parts[0] == "lvm" and len(parts) == 3:
        return (
            "LVM1 region",
            "move",
            "an LVM1-format region: LVM2 2.03 no longer reads LVM1 metadata; convert it "
            "with `vgconvert -M2` under an LVM2 2.02 first, or move the data",
        )
    if parts[0] == "md" and len(parts) == 2:
        return ("MD region", "as-is", "an MD RAID: mdadm assembles it as it is (/dev/md/...)")
    if _DISK.match(name):
        return (
            "compatibility volume",
            "as-is",
            f"no EVMS metadata: the file system is on /dev/{name} itself (name it by "
            "/dev/disk/by-id, not by the sdX name)",
        )
    if len(parts) == 2:
        return (
            "CSM segment",
            "move",
            f"a segment of the Cluster Segment Manager container '{parts[0]}': the CSM's "
            "metadata at the start and end of each disk hides it from LVM2: move the data "
            "into an LVM2 volume (or map the segment by hand with dmsetup at its offset)",
        )
    return (
        "EVMS native volume",
        "move",
        "an EVMS native volume: its name and any drive-link, BBR or snapshot feature "
        "live in EVMS's own metadata, which LVM2 does not read: move the data",
    )


@attrs.define
class _Report:
    changes: list[Change] = attrs.Factory(list)
    users: dict[str, list[tuple[str, int, str]]] = attrs.Factory(dict)
    csm: bool = False

    def note(self, path: str, line: int, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(line, key, severity, message, path=path))

    def use(self, path: str, where: str, line: int, what: str) -> None:
        users = self.users.setdefault(path, [])
        if (where, line, what) not in users:
            users.append((where, line, what))


def evms_report(
    evms: Iterable[tuple[str, Any]],
    cibs: Iterable[tuple[str, Any]] = (),
    domus: Iterable[tuple[str, Any]] = (),
    lvm: Iterable[tuple[str, Any]] = (),
    hacf: Iterable[tuple[str, Any]] = (),
) -> EvmsReport:
    """The EVMS -> LVM2 report of a cluster: each argument ``(where, document)`` pairs
    (``where``: the file as the report names it)."""
    r = _Report()
    evms = list(evms)
    for where, cib in cibs:
        _cib(r, where, cib)
    for where, domu in domus:
        line = _line(domu, domu.assignment("disk"))
        for disk in getattr(domu, "disks", []):
            target = getattr(disk, "target", None) or ""
            if target.startswith("/dev/evms/"):
                r.use(target, where, line, f"domU {domu.name or '?'} disk {disk.vdev or '?'}")
    for where, doc in evms:
        include = doc.sysfs_include
        mode = doc.engine_mode
        scan = f"scans {', '.join(include)}" if include else "scans every disk"
        r.note(
            where,
            _line(doc, doc.children[0] if doc.children else None),
            None,
            "action",
            f"evms.conf is the EVMS engine's configuration (mode {mode or 'readwrite'}, {scan}): "
            "the volumes, containers and segments are in EVMS's metadata on the disks, which "
            "no file holds; list them on a running node (evmsgui, evmsn or the evms command "
            "line) and check each against the verdicts of this report",
        )
        pinned = doc.pinned_dm_devices()
        if pinned:
            r.note(
                where,
                _line(doc, doc.setting("sysfs_devices/include")),
                "sysfs_devices",
                "warning",
                f"EVMS's disks are the device-mapper maps {', '.join(pinned)}: dm numbers "
                "change between boots; `multipath -ll` names the LUN behind each, and LVM2's "
                "filter should name that LUN by its /dev/mapper alias or WWID",
            )
    if not (evms or r.users or r.changes):
        return EvmsReport((), ())  # no EVMS here: LVM and ha.cf are none of this report's business
    for where, doc in lvm:
        if not doc.accepts("/dev/mapper/mpatha") and not doc.accepts("/dev/sdb"):
            r.note(
                where,
                _line(doc, doc.setting("devices/filter")),
                "devices/filter",
                "action",
                "LVM2 on this node accepts no disk (devices/filter): to take volumes over, "
                "accept the LUNs that hold them (a|^/dev/mapper/ALIAS$|) and keep rejecting "
                "the domUs' own disks",
            )
    for where, doc in hacf:
        for e in doc.entries():
            words = " ".join(e.values)
            if (e.key == "respawn" and "evmsd" in words) or (
                e.key == "apiauth" and words.split()[:1] == ["evms"]
            ):
                r.note(
                    where,
                    doc.position(e)[0],
                    e.key,
                    "info",
                    f"'{e.key} {words}': EVMS's cluster daemon (evmsd), which LVM2 has no "
                    "use for: leave it out of the new cluster",
                )
    volumes = []
    for path in sorted(r.users):
        kind, verdict, why = classify(path, r.csm)
        users = tuple(r.users[path])
        volumes.append(EvmsVolume(path, kind, verdict, why, users))
        used = "; ".join(f"{what} ({w}{':' + str(n) if n else ''})" for w, n, what in users)
        first = users[0]
        r.note(
            first[0],
            first[1],
            path,
            _SEVERITY[verdict],
            f"{kind}, {_VERDICT[verdict]}: {why}; used by {used}",
        )
    if evms and not volumes:
        r.note(
            evms[0][0],
            0,
            None,
            "action",
            "no file names an EVMS volume (/dev/evms/...): nothing here tells which volumes "
            "exist or what they are made of",
        )
    return EvmsReport(tuple(volumes), tuple(r.changes))


def _line(doc: Any, node: Any) -> int:
    """The line of ``node`` in ``doc`` (0: unknown)."""
    if node is None:
        return 0
    try:
        return int(doc.position(node)[0])
    except (AttributeError, TypeError, ValueError):
        return 0


def _cib(r: _Report, where: str, cib: Any) -> None:
    """EVMS resources and the /dev/evms paths of every primitive's parameters."""
    for p in cib.primitives:
        line = cib.element_position(p.el)[0]
        if (p.type or "") in ("Evms", "EvmsSCC", "Evmsd"):
            r.csm = r.csm or p.type in ("EvmsSCC", "Evms")
            r.note(
                where,
                line,
                p.id,
                "action",
                f"resource {p.id} ({p.agent}) activates EVMS "
                + (
                    "shared cluster containers (evms_activate)"
                    if p.type != "Evmsd"
                    else "'s cluster daemon"
                )
                + ": with LVM2, a VG used on several nodes at once needs lvmlockd: clones of "
                "ocf:pacemaker:controld and ocf:heartbeat:lvmlockd, then "
                "ocf:heartbeat:LVM-activate (vg_access_mode=lvmlockd, activation_mode=shared) "
                "in its place; a VG used on one node at a time: LVM-activate with "
                "vg_access_mode=system_id",
            )
        for name, value in p.instance_attributes.items():
            for found in _EVMS_PATH.findall(value or ""):
                r.use(found, where, line, f"CIB resource {p.id} ({p.type} {name})")
