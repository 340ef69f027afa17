"""ietd.conf, file by file: LUNs, targets, accounts and lines ietd reads otherwise than written."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ...cluster import Loaded
from ...findings import Finding
from .. import make, repeats, rule, twice
from ..documents import ietd_doc as _ietd
from .common import _node_root, ietd_not_read

#: RFC 1994 lets CHAP secrets be short; the Microsoft initiator, and IET's own
#: documentation, ask for 12 to 16 characters.
MIN_CHAP_SECRET = 12


def _targets(item: Loaded) -> list[Any]:
    """The targets ietd defines from ``item``: none from a file it never reads."""
    return [] if ietd_not_read(item) is not None else list(_ietd(item).targets)


def _lun_repeats(item: Loaded, key: str) -> Iterator[tuple[Any, Any]]:
    """``((target, lun), (first target, first lun))`` where two LUNs share ``key``."""
    luns = [(t, lun) for t in _targets(item) for lun in t.luns]
    return repeats(luns, lambda tl: getattr(tl[1], key) or None)


@rule("IS001", "lun-number-twice", "error", formats=("ietd",))
def lun_twice(item: Loaded) -> Iterator[Finding]:
    """One target exports two LUNs with the same number.

    Why it matters: ietd refuses to add the second LUN, so one of the two
    devices is not exported at all, and which one depends on line order.

    Example: ``Lun 0 Path=/dev/vg/a`` and ``Lun 0 Path=/dev/vg/b`` in one target.

    Fix: number a target's LUNs 0, 1, 2, ...
    """
    for target in _targets(item):
        for lun, first in repeats(target.luns, lambda lun: lun.number):
            yield twice(
                "IS001",
                f"LUN {lun.number} of {target.name} is defined twice",
                item,
                lun.entry,
                first.entry,
            )


@rule("IS002", "target-twice", "error", formats=("ietd",))
def target_twice(item: Loaded) -> Iterator[Finding]:
    """One target name is defined twice.

    Why it matters: ietd refuses the second definition; its LUNs are not
    exported, and initiators that log in to the name see the first one's disks.

    Example: two ``Target iqn.2014-06.com.example:storage.disk2`` blocks.

    Fix: give every target its own name (the part after ``:``).
    """
    targets = _targets(item)
    for target, first in repeats(targets, lambda t: t.name.lower()):
        yield twice(
            "IS002", f"target {target.name} is defined twice", item, target.entry, first.entry
        )


@rule("IS003", "device-exported-twice", "error", formats=("ietd",))
def device_twice(item: Loaded) -> Iterator[Finding]:
    """One device or file is exported by two LUNs.

    Why it matters: initiators see two independent disks that are really
    one; multipath does not join them (different WWIDs), and two writers
    corrupt it.

    Example: ``Path=/dev/sdb1`` under two targets.

    Fix: export each device once; give initiators access to that target.
    """
    for (target, lun), (ftarget, flun) in _lun_repeats(item, "path"):
        yield twice(
            "IS003",
            f"{lun.path} is exported by {ftarget.name} LUN {flun.number} "
            f"and {target.name} LUN {lun.number}",
            item,
            lun.entry,
            flun.entry,
        )


@rule("IS004", "no-lun-zero", "warning", formats=("ietd",))
def no_lun_zero(item: Loaded) -> Iterator[Finding]:
    """A target has LUNs but no LUN 0.

    Why it matters: initiators probe LUN 0 first (REPORT LUNS goes to it);
    without it, Linux and other initiators find no disks behind the target.

    Example: a target that exports only ``Lun 1``, copied from another and
    half edited.

    Fix: number the first LUN of every target 0.
    """
    for target in _targets(item):
        numbers = [lun.number for lun in target.luns if lun.number is not None]
        if numbers and 0 not in numbers:
            yield make(
                "IS004",
                f"{target.name} has LUN {min(numbers)} but no LUN 0",
                item.where(target.entry),
            )


@rule("IS005", "short-chap-secret", "warning", formats=("ietd",))
def short_chap_secret(item: Loaded) -> Iterator[Finding]:
    """A CHAP secret shorter than 12 characters.

    Why it matters: the Microsoft initiator refuses secrets under 12
    characters and IET's documentation asks for 12 to 16; short secrets also
    fall to an offline dictionary attack on a captured login.

    Fix: a random secret of 12 to 16 characters (the message never shows it).
    """
    if ietd_not_read(item) is not None:
        return  # (IS018: ietd never reads the file)
    doc = _ietd(item)
    users = doc.global_users + [u for t in doc.targets for u in t.users]
    for user in users:
        if user.password is not None and len(user.password) < MIN_CHAP_SECRET:
            yield make(
                "IS005",
                f"{user.direction} user {user.name}: CHAP secret shorter than {MIN_CHAP_SECRET}",
                item.where(user.entry),
            )


@rule("IS006", "fileio-on-block-device", "info", formats=("ietd",))
def fileio_on_block_device(item: Loaded) -> Iterator[Finding]:
    """A block device is exported with ``Type=fileio``.

    Why it matters: fileio goes through the target's page cache: writes are
    acknowledged before they reach the disk, and two initiators (a live
    migration) can read stale cached data. ``blockio`` goes to the device.

    Example: ``Lun 0 Path=/dev/mapper/vg00-vault1,Type=fileio``.

    Fix: ``Type=blockio`` for devices; keep fileio for image files.
    """
    for target in _targets(item):
        for lun in target.luns:
            if lun.type == "fileio" and (lun.path or "").startswith("/dev/"):
                yield make(
                    "IS006",
                    f"{lun.path} is a device exported with Type=fileio (page-cached)",
                    item.where(lun.entry),
                )


@rule("IS018", "ietd-conf-not-read", "warning", formats=("ietd",))
def ietd_conf_not_read(item: Loaded) -> Iterator[Finding]:
    """An ietd.conf that ietd never reads: IET 1.4 reads /etc/iet/ietd.conf, and
    /etc/ietd.conf only when that file is missing.

    Why it matters: IET 1.4 (usr/plain.c ``plain_init``) opens /etc/iet/ietd.conf
    and falls back to /etc/ietd.conf only when that cannot be opened; Debian's
    iscsitarget 1.4 package moved the file there, and an upgrade from IET 0.4
    (lenny) can leave the old /etc/ietd.conf behind. Edits made to the old copy
    (a new LUN, a ``ScsiId``, an ``IncomingUser``) take no effect, and the two
    copies drift apart. Lint judges the targets of the file ietd reads only. With
    ``--target iscsitarget=0.4.x`` it is the other way round: IET 0.4 reads
    /etc/ietd.conf alone. (A symlink from one to the other is one file: fine.)

    Example: /etc/iet/ietd.conf with ``ScsiId=vmstore0`` and an old /etc/ietd.conf
    exporting the same target without it.

    Fix: delete the copy ietd does not read (or make it a symlink to the other).
    """
    instead = ietd_not_read(item)
    if instead is not None:
        why = (
            "IET 1.4 reads /etc/iet/ietd.conf, and /etc/ietd.conf only when that is missing"
            if instead == "/etc/iet/ietd.conf"
            else "IET before 1.4 reads /etc/ietd.conf only"
        )
        yield make(
            "IS018",
            f"ietd does not read this file: it reads {instead} ({why}); edits here take "
            "no effect: delete it",
            item.where(),
        )


@rule("IS020", "ietd-misreads-line", "error", formats=("ietd",))
def ietd_misreads_line(item: Loaded) -> Iterator[Finding]:
    """A line of ietd.conf that ietd reads otherwise than it looks: a ``#`` comment
    after a ``Lun`` line's parameters, or a CHAP account on the file's last line
    without its newline.

    Why it matters: ietd.conf(5): "Only lines starting with '#' are ignored. Putting
    '#' in the middle of a line is disallowed." ietd hands the whole rest of a Lun
    line to the kernel (usr/plain.c ``plain_target_init``, usr/ioctl.c
    ``iscsi_lunit_create`` trims only white space), and kernel/volume.c
    ``parse_volume_params`` reads ``Type=%s`` to the end of its comma-separated
    item: ``Type=blockio # data disk`` names no I/O type, ``IOMode=wb # ...`` no
    mode, and a ``Path`` with the comment cannot be opened, so the LUN is not created
    (the target comes up without it). After ``ScsiId=``/``ScsiSN=`` the comment
    becomes part of the id the initiators see (a new WWID for multipath: a warning,
    the LUN is still exported). Comments on the other lines (``IncomingUser``,
    parameters) are harmless: ietd reads their words one by one.

    ietd reads those words with ``target_sep_string``, which returns nothing for a
    word the text ends with (no white space, no newline after it): on the file's last
    line, without a final newline, ``IncomingUser joe SECRET`` loses its password and
    ``plain_account_add`` refuses the account (a target whose only account it was
    then takes logins without CHAP).

    White space inside a Lun line's parameters (``Path=/dev/sdb, Type=blockio``) is
    the same trap; ietd.conf's own check (XC005) reports it, once.

    Example: ``Lun 0 Path=/dev/drbd0,Type=blockio # vm store``; a file ending in
    ``IncomingUser xenpool SECRET`` with no newline.

    Fix: put the comment on a line of its own, above the Lun line; end the file with a
    newline.
    """
    if ietd_not_read(item) is not None:
        return
    doc = _ietd(item)
    lines = doc.source.split("\n")  # (lines as LineIndex counts them: "\n" only)
    for t in doc.targets:
        for lun in t.luns:
            row, _ = doc.position(lun.entry)
            text = lines[row - 1] if 0 < row <= len(lines) else ""
            words = text.split(None, 2)
            if len(words) < 3 or "#" not in words[2] or words[2].lstrip().startswith("#"):
                continue
            spoilt = next(p for p in words[2].split(",") if "#" in p)
            key = spoilt.split("=", 1)[0].strip()
            id_only = key.lower() in ("scsiid", "scsisn")
            effect = (
                "becomes part of the id the initiators see (another WWID)"
                if id_only
                else "is read as part of its value: the kernel refuses it and the LUN is"
                " not created"
            )
            found = make(
                "IS020",
                f"LUN {lun.number} of {t.name}: the '#' comment after {key}= {effect}"
                " (ietd.conf takes '#' only at the start of a line)",
                item.where(lun.entry),
            )
            yield attrs.evolve(found, severity="warning") if id_only else found
    last = lines[-1]
    if not last.strip() or last.lstrip().startswith("#"):
        return  # (the file ends with a newline, or with a comment)
    if last.rstrip(" \t\r\v\f") != last:
        return  # (white space after the last word: ietd reads it)
    yield from _last_line_misread(item, doc, len(lines))


def _last_line_misread(item: Loaded, doc: Any, row: int) -> Iterator[Finding]:
    """IS020's last-line half: what the unterminated last line (``row``) loses."""
    for t in doc.targets:
        for u in t.users:
            if doc.position(u.entry)[0] != row:
                continue
            alone = u.direction == "incoming" and not [
                o for o in t.users if o.direction == "incoming" and doc.position(o.entry)[0] != row
            ]
            then = (
                ": the target then takes logins without CHAP"
                if alone
                else f": {u.name} cannot log in"
            )
            yield make(
                "IS020",
                f"the {u.direction} account {u.name} of {t.name} is the file's last line, "
                "without a newline: ietd drops its last word, the password (usr/plain.c "
                f"target_sep_string), and refuses the account{then}",
                item.where(u.entry),
            )
            return


@rule("IS008", "inconsistent-parameters", "warning", formats=("ietd",))
def inconsistent_parameters(item: Loaded) -> Iterator[Finding]:
    """A target's iSCSI parameters contradict each other once ietd's defaults count.

    Why it matters: RFC 3720 (12.14) forbids a FirstBurstLength above
    MaxBurstLength; initiators that check it refuse the login, the others
    negotiate lengths nobody chose. A default counts: ``FirstBurstLength
    524288`` alone exceeds the default MaxBurstLength 262144, and a
    MaxBurstLength written before the first ``Target`` applies to no target
    (ietd reads parameters only inside one). A NOPTimeout above NOPInterval is
    not used: ietd logs "Adjusting NOPTimeout" and waits only the interval, so
    a slow initiator is dropped sooner than the timeout says.

    Example: ``FirstBurstLength 524288`` in a target without MaxBurstLength;
    ``NOPInterval 5`` with ``NOPTimeout 30``.

    Fix: set MaxBurstLength in the target too, at least as large as
    FirstBurstLength; keep NOPTimeout at or below NOPInterval. (Both burst
    lengths written in one target are reported as XC005.)
    """
    if ietd_not_read(item) is not None:
        return  # (IS018: ietd never reads the file)
    doc = _ietd(item)
    globals_ = {e.key.lower(): e for e in doc.global_lines}
    for t in doc.targets:
        burst = _burst_against_default(t)
        if burst is not None:
            line, message, default = burst
            message += f" in {t.name} (RFC 3720 12.14)"
            ignored = globals_.get(default.lower())
            if ignored is not None:
                message += f"; the {default} before the first Target applies to no target"
            yield make(
                "IS008",
                message,
                item.where(line),
                [item.where(ignored)] if ignored is not None else [],
            )
        interval, interval_line = t.number("NOPInterval")
        timeout, timeout_line = t.number("NOPTimeout")
        if interval and timeout is not None and timeout_line is not None and timeout > interval:
            yield make(
                "IS008",
                f"NOPTimeout {timeout} exceeds NOPInterval {interval} in {t.name}: "
                f"ietd waits {interval}s",
                item.where(timeout_line),
                [item.where(interval_line)],
            )


def _burst_against_default(t: Any) -> tuple[Any, str, str] | None:
    """``(line, message, defaulted key)`` when a target's one written burst length
    contradicts the other's default (both written: XC005 reports it)."""
    first, first_line = t.number("FirstBurstLength")
    most, most_line = t.number("MaxBurstLength")
    if first is None or most is None or first <= most:
        return None
    if first_line is not None and most_line is None:
        message = f"FirstBurstLength {first} exceeds the default MaxBurstLength {most}"
        return first_line, message, "MaxBurstLength"
    if most_line is not None and first_line is None:
        message = f"MaxBurstLength {most} is below the default FirstBurstLength {first}"
        return most_line, message, "FirstBurstLength"
    return None


@rule("IS014", "scsi-id-twice", "error", formats=("ietd",))
def scsi_id_twice(item: Loaded) -> Iterator[Finding]:
    """Two LUNs of one target box report the same ``ScsiId`` for different devices.

    Why it matters: ietd hands ``ScsiId=`` to initiators as the LUN's device
    identifier (SCSI VPD page 0x83), the id ``scsi_id -g -u`` reads and
    multipath uses as the WWID. Two different devices with one id look like
    two *paths* of one disk: multipath puts them in one map and spreads a
    guest's I/O over both devices, corrupting both. Check with
    ``/lib/udev/scsi_id -g -u -s /block/sdX`` on an initiator: both disks
    print the same WWID. (The same device exported twice is IS003.)

    Example: ``Lun 0 Path=/dev/vg/web,ScsiId=web0`` under one target and
    ``Lun 0 Path=/dev/vg/db,ScsiId=web0`` under another, copied and half
    edited.

    Fix: give every exported device its own ``ScsiId=`` (and ``ScsiSN=``).
    """
    for (target, lun), (ftarget, flun) in _lun_repeats(item, "scsi_id"):
        if lun.path == flun.path:
            continue  # one device exported twice: IS003 says so
        yield twice(
            "IS014",
            f"ScsiId {lun.scsi_id!r} of {target.name} LUN {lun.number} ({lun.path}) is "
            f"also the id of {ftarget.name} LUN {flun.number} ({flun.path}): multipath "
            "takes the two devices for paths of one disk",
            item,
            lun.entry,
            flun.entry,
        )


def _file_in_tree(root: Path, path: str) -> bool:
    """Whether ``path`` (absolute on the node) is a regular file in the node tree.

    Symlinks are not followed out of the tree: a path that resolves outside
    ``root`` is not judged."""
    if not path.startswith("/"):
        return False
    candidate = root / path.lstrip("/")
    try:
        real = candidate.resolve()
        if not real.is_relative_to(root.resolve()):
            return False
        return stat.S_ISREG(real.stat().st_mode)
    except (OSError, RuntimeError, ValueError):
        return False


@rule("IS015", "blockio-on-a-file", "error", formats=("ietd",))
def blockio_on_a_file(item: Loaded) -> Iterator[Finding]:
    """A LUN with ``Type=blockio`` whose ``Path`` is a regular file in the node's tree.

    Why it matters: IET's blockio opens the path as a block device
    (``blockio_open_path`` in block-io.c calls ``blkdev_get_by_path``), which
    fails for a file: ietd logs "Can't open device PATH, error -15" and
    "Error attaching Lun N", and the target comes up without that LUN, so
    the initiators find no disk. Only paths that exist in the node tree
    given to lint are judged.

    Example: ``Lun 0 Path=/srv/iscsi/web.img,Type=blockio``.

    Fix: ``Type=fileio`` for image files (or export a block device).
    """
    root = _node_root(item)
    if root is None:
        return
    for target in _targets(item):
        for lun in target.luns:
            if lun.type == "blockio" and lun.path and _file_in_tree(root, lun.path):
                yield make(
                    "IS015",
                    f"{lun.path} is a regular file, but LUN {lun.number} of {target.name} "
                    "says Type=blockio: ietd cannot open it as a device and drops the LUN; "
                    "use Type=fileio",
                    item.where(lun.entry),
                )
