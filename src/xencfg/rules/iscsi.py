"""iSCSI rules: the target's LUNs and accounts (ietd.conf) and the initiators
(initiatorname.iscsi, iscsid.conf) as a cluster of nodes uses them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..cluster import Cluster, Loaded, short
from ..findings import Finding, Location
from ..suggest import closest
from ..versions import IET_ETC
from . import make, repeats, rule
from .documents import cib_doc as _cib
from .documents import iet_allow_doc as _allow
from .documents import ietd_doc as _ietd
from .documents import initiatorname_doc as _initiator
from .documents import iscsid_doc as _iscsid
from .documents import multipath_doc as _mp

#: RFC 1994 lets CHAP secrets be short; the Microsoft initiator, and IET's own
#: documentation, ask for 12 to 16 characters.
MIN_CHAP_SECRET = 12


@rule("IS001", "lun-number-twice", "error", formats=("ietd",))
def lun_twice(item: Loaded) -> Iterator[Finding]:
    """One target exports two LUNs with the same number.

    Why it matters: ietd refuses to add the second LUN, so one of the two
    devices is not exported at all, and which one depends on line order.

    Example: ``Lun 0 Path=/dev/vg/a`` and ``Lun 0 Path=/dev/vg/b`` in one target.

    Fix: number a target's LUNs 0, 1, 2, ...
    """
    for target in _ietd(item).targets:
        for lun, first in repeats(target.luns, lambda lun: lun.number):
            yield make(
                "IS001",
                f"LUN {lun.number} of {target.name} is defined twice",
                item.where(lun.entry),
                [item.where(first.entry)],
            )


@rule("IS002", "target-twice", "error", formats=("ietd",))
def target_twice(item: Loaded) -> Iterator[Finding]:
    """One target name is defined twice.

    Why it matters: ietd refuses the second definition; its LUNs are not
    exported, and initiators that log in to the name see the first one's disks.

    Example: two ``Target iqn.2014-06.com.example:storage.disk2`` blocks.

    Fix: give every target its own name (the part after ``:``).
    """
    targets = _ietd(item).targets
    for target, first in repeats(targets, lambda t: t.name.lower()):
        yield make(
            "IS002",
            f"target {target.name} is defined twice",
            item.where(target.entry),
            [item.where(first.entry)],
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
    luns = [(t, lun) for t in _ietd(item).targets for lun in t.luns]
    for (target, lun), (ftarget, flun) in repeats(luns, lambda tl: tl[1].path or None):
        yield make(
            "IS003",
            f"{lun.path} is exported by {ftarget.name} LUN {flun.number} "
            f"and {target.name} LUN {lun.number}",
            item.where(lun.entry),
            [item.where(flun.entry)],
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
    for target in _ietd(item).targets:
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
    for target in _ietd(item).targets:
        for lun in target.luns:
            if lun.type == "fileio" and (lun.path or "").startswith("/dev/"):
                yield make(
                    "IS006",
                    f"{lun.path} is a device exported with Type=fileio (page-cached)",
                    item.where(lun.entry),
                )


@rule("IS101", "initiator-name-reused", "error", scope="cluster")
def initiator_name_reused(cluster: Cluster) -> Iterator[Finding]:
    """Two nodes have the same iSCSI initiator name.

    Why it matters: a target treats one name as one initiator: the second
    node's login ends the first node's session (and its multipath paths),
    and access lists cannot tell the nodes apart.

    Example: a cloned system disk with the template's initiatorname.iscsi.

    Fix: a new name per node (``iscsi-iname`` prints one).
    """
    named = [i for i in cluster.docs("initiatorname") if _initiator(i).name and i.node]
    for item, first in repeats(named, lambda i: (_initiator(i).name or "").lower()):
        if first.node != item.node:
            yield make(
                "IS101",
                f"initiator name {_initiator(item).name} is used by {first.node} and {item.node}",
                item.where(_initiator(item).entry("InitiatorName")),
                [first.where(_initiator(first).entry("InitiatorName"))],
            )


@rule("IS102", "no-login-at-boot", "warning", scope="cluster")
def no_login_at_boot(cluster: Cluster) -> Iterator[Finding]:
    """``node.startup = manual``: no session is logged in at boot.

    Why it matters: after a reboot the node has no iSCSI disks, so neither
    multipath maps nor the domUs' disks exist until someone logs in by hand;
    the cluster fails every resource over to the other node.

    Not reported when the cluster's CIB logs in itself with an ``iscsi``
    resource (ocf:heartbeat:iscsi): then ``manual`` is what you want, so
    that only the node running the resource logs in.

    iscsid.conf only holds the default that ``iscsiadm -m discovery`` copies
    into each new node record (idbm.c ``idbm_node_setup_from_conf``); a record
    set to ``automatic`` afterwards logs in at boot whatever this file says.

    Fix: ``node.startup = automatic`` (and for existing node records:
    ``iscsiadm -m node -o update -n node.startup -v automatic``).
    """
    if any(
        (p.type or "").lower() == "iscsi"
        for item in cluster.docs("cib")
        for p in _cib(item).primitives
    ):
        return
    for item in cluster.docs("iscsid"):
        entry = _iscsid(item).entry("node.startup")
        if entry is not None and entry.values and entry.values[0] == "manual":
            yield make(
                "IS102",
                "node.startup = manual: targets discovered with this default are not logged"
                " in at boot (each node record keeps its own node.startup: check"
                " /etc/iscsi/nodes or /var/lib/iscsi/nodes)",
                item.where(entry),
            )


#: Above this, a dead path holds I/O longer than multipath users expect.
MULTIPATH_REPLACEMENT_TIMEOUT = 15


@rule("IS103", "slow-path-failure-under-multipath", "warning", scope="cluster")
def slow_path_failure(cluster: Cluster) -> Iterator[Finding]:
    """``replacement_timeout`` holds I/O on a dead path for long, under dm-multipath.

    Why it matters: with multipath on top, a failed session should report
    errors within seconds so multipathd switches to the other path; with the
    default 120 s, I/O hangs for two minutes at every path failure.

    Example: ``node.session.timeo.replacement_timeout = 120`` on a node with
    multipath.conf.

    Fix: ``node.session.timeo.replacement_timeout = 5`` (multipath queues
    instead, as ``no_path_retry`` says). Where the node's multipath.conf queues
    nowhere (no ``no_path_retry`` or ``queue_if_no_path``: multipath fails I/O
    as soon as no path is left), lower it only together with a ``no_path_retry``:
    with one portal (a failover target pair behind one address) the 120 s are
    then all that keeps the domUs' I/O alive while the target moves, and the
    message says so.
    """
    from .multipath import _queues

    for item in cluster.docs("iscsid"):
        mp = cluster.first("multipath", item.node)
        if mp is None:
            continue
        seconds = _iscsid(item).replacement_timeout
        if seconds is not None and seconds > MULTIPATH_REPLACEMENT_TIMEOUT:
            advice = (
                "use about 5"
                if _queues(_mp(mp))
                else "use about 5 together with no_path_retry in multipath.conf, which"
                " queues nowhere now: lowered alone, I/O fails as soon as the last path"
                " does, as during a target failover"
            )
            yield make(
                "IS103",
                f"replacement_timeout {seconds}s holds I/O on a dead path before multipath "
                f"may fail over ({advice})",
                item.where(_iscsid(item).entry("node.session.timeo.replacement_timeout")),
            )


@rule("IS007", "target-open-to-all", "warning", scope="cluster")
def target_open_to_all(cluster: Cluster) -> Iterator[Finding]:
    """Targets accept every initiator: no CHAP account and no initiators.allow.

    (An initiators.deny with lines also counts as an access list here; IS010
    asks to move it to initiators.allow.)

    Why it matters: any host that reaches the storage network can log in and
    read or overwrite the domUs' disks; a second, misconfigured initiator
    mounting an ext3 LUN corrupts it.

    Example: ietd.conf with ``Target``/``Lun`` lines only, and no access list.

    Fix: ``IncomingUser`` per target (CHAP), and/or an initiators.allow that
    names the cluster nodes.
    """
    for item in cluster.docs("ietd"):
        doc = _ietd(item)
        if not doc.targets or doc.global_users or any(t.users for t in doc.targets):
            continue
        lists = [_allow(i) for i in cluster.docs("iet-allow", item.node)]
        if any(
            a.kind == "initiators.allow" or (a.kind == "initiators.deny" and a.rules) for a in lists
        ):
            continue  # a deny list with lines refuses someone (IS010 says prefer allow)
        yield make(
            "IS007",
            f"{len(doc.targets)} target(s) accept any initiator (no CHAP, no initiators.allow)",
            item.where(doc.targets[0].entry),
        )


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


@rule("IS009", "unreachable-allow-line", "warning", formats=("iet-allow",))
def unreachable_allow_line(item: Loaded) -> Iterator[Finding]:
    """A line of an IET access list that ietd never reads.

    Why it matters: for each login ietd reads the list down to the first line
    naming the target or ``ALL`` and stops there. A line after an ``ALL``
    line, or a target's second line, is dead: the access it grants or
    refuses is not in effect, whatever it says.

    Example: ``ALL 10.0.0.0/24`` followed by
    ``iqn.2026-11.net.example:storage.web 10.0.0.11``.

    Fix: put the targets' lines first and the ``ALL`` line last; merge a
    target's lines into one comma-separated list.
    """
    for r, earlier in _allow(item).unreachable():
        why = (
            "the ALL line before it answers for every target"
            if earlier.all_targets
            else "ietd reads only the target's first line"
        )
        yield make(
            "IS009",
            f"line for {r.target} is never read: {why}",
            item.where(r.entry),
            [item.where(earlier.entry)],
        )


@rule("IS010", "initiators-deny-deprecated", "info", formats=("iet-allow",))
def initiators_deny_deprecated(item: Loaded) -> Iterator[Finding]:
    """An initiators.deny with rules: IET 1.4 deprecates the file.

    Why it matters: IET 1.4 moved its lists to /etc/iet and declared
    initiators.deny obsolete, and the file changes what initiators.allow
    means: with both, ietd admits every initiator that no deny line matches,
    and initiators.allow only lets denied ones back in. A deny file that
    misses a target leaves it open to everybody, however strict
    initiators.allow is.

    Example: ``iqn.2026-11.net.example:storage.web ALL`` in initiators.deny,
    with only the nodes listed in initiators.allow: the target
    ``...:storage.db`` admits any initiator.

    Fix: list who may log in to each target in initiators.allow (anyone
    else is refused) and delete initiators.deny. On a declared IET older
    than 1.4 (``--target iscsitarget=0.4.17``) the message leaves the
    deprecation out: the file is that release's own mechanism.
    """
    doc = _allow(item)
    if doc.kind == "initiators.deny" and doc.rules:
        older = item.versions.of("iscsitarget", item.node or "").older_than(IET_ETC)
        why = "" if older else " is deprecated since IET 1.4:"
        yield make(
            "IS010",
            f"initiators.deny{why or ':'} ietd admits every initiator it does "
            "not match, whatever initiators.allow says",
            item.where(doc.rules[0].entry),
        )


def _acl(cluster: Cluster, node: str, kind: str) -> Loaded | None:
    """The access list ``kind`` ietd reads on ``node``: in /etc/iet/ first, else /etc/."""
    found = [i for i in cluster.docs("iet-allow", node) if _allow(i).kind == kind]
    found.sort(key=lambda i: i.file.path.parent.name != "iet")
    return found[0] if found else None


@rule("IS011", "allow-names-unknown-target", "warning", scope="cluster")
def allow_names_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """An access-list line names a target that no ietd.conf of its node defines.

    Why it matters: ietd skips the line, so it protects nothing; usually the
    target was renamed or mistyped in one file. The target it was meant for
    falls through to the ``ALL`` line (everybody may log in), or, with no
    ``ALL`` line, nobody may.

    Example: ``iqn.2026-11.net.example:storage.wbe 10.0.0.11`` in
    initiators.allow for the target ``...:storage.web``.

    Fix: spell the target as its ``Target`` line in ietd.conf does.
    """
    for acl in cluster.docs("iet-allow"):
        confs = list(cluster.docs("ietd", acl.node)) if acl.node else []
        if not confs:
            continue  # a loose file, or a node whose ietd.conf is not here
        names = {t.name.lower(): t.name for c in confs for t in _ietd(c).targets}
        for r in _allow(acl).rules:
            if r.all_targets or r.target.lower() in names:
                continue
            close = closest(r.target.lower(), names)
            hint = f" (did you mean {names[close]}?)" if close else ""
            yield make(
                "IS011",
                f"{r.target} is not a target of ietd.conf on {acl.node}: ietd skips "
                f"this line{hint}",
                acl.where(r.entry),
                [c.where() for c in confs],
            )


@rule("IS012", "target-locked-out", "warning", scope="cluster")
def target_locked_out(cluster: Cluster) -> Iterator[Finding]:
    """The access lists shut every initiator out of a target.

    Why it matters: once initiators.allow exists (without initiators.deny),
    ietd refuses every initiator for a target that no line names, and no
    ``ALL`` line covers; once targets.allow exists, a target without a line
    is offered on no portal, and so is one whose line lists only initiator
    names (targets.allow matches portal addresses only). The target is
    defined and exports its LUNs, yet nobody can log in: typically after a
    rename in ietd.conf.

    Example: initiators.allow with a line for ``...:storage.web`` only, and
    ietd.conf exporting ``...:storage.db`` too.

    Fix: add a line for the target (or an ``ALL`` line last) listing the
    initiators' or portals' addresses.
    """
    for item in cluster.docs("ietd"):
        if item.node is None:
            continue  # a loose file: its access lists are unknown
        kinds = ["targets.allow"]
        if _acl(cluster, item.node, "initiators.deny") is None:
            kinds.insert(0, "initiators.allow")  # with a deny file, allow only lets back in
        for kind in kinds:
            acl = _acl(cluster, item.node, kind)
            if acl is None:
                continue
            for t in _ietd(item).targets:
                line = _allow(acl).rule(t.name)
                if line is None:
                    effect = (
                        "ietd refuses every initiator"
                        if kind == "initiators.allow"
                        else "ietd offers it on no portal"
                    )
                    yield make(
                        "IS012",
                        f"no line of {kind} names {t.name} or ALL: {effect}",
                        item.where(t.entry),
                        [acl.where()],
                    )
                elif kind == "targets.allow" and _names_only(line.peers):
                    yield make(
                        "IS012",
                        f"targets.allow's {line.target} line lists only initiator names, but "
                        f"it matches portal addresses: ietd offers {t.name} on no portal",
                        item.where(t.entry),
                        [acl.where(line.entry)],
                    )


def _names_only(peers: list[Any]) -> bool:
    """A list of initiator names only (an empty list is XC005's)."""
    return bool(peers) and all(p.kind == "name" for p in peers)


@rule("IS013", "failover-scsi-id", "error", scope="cluster", hazard=True)
def failover_scsi_id(cluster: Cluster) -> Iterator[Finding]:
    """A target exported by two storage nodes gives a LUN different SCSI ids, or none.

    Why it matters: in an active/passive target (DRBD under ietd, moved by
    heartbeat) the initiators know a disk by the id and serial number its LUN
    reports. If the other node reports another one after a failover,
    multipath sees a new disk, fails the old map and the domUs lose theirs.
    Without ``ScsiId=`` ietd makes one up: IET 0.4 from the target's number
    and the device's inode (never the same on two nodes), IET 1.4 from an MD5
    of the name and LUN, or from the target's number where the kernel has no
    MD5; whether both nodes agree depends on their versions and kernels. A
    missing ``ScsiSN=`` is derived from the id.

    Example: ``Lun 0 Path=/dev/drbd0,Type=blockio`` under the same ``Target``
    on both storage nodes, or ``ScsiId=web0`` on one and ``ScsiId=web-0`` on
    the other.

    Fix: write the same ``ScsiId=`` (and ``ScsiSN=``) for each LUN on every
    node.
    """
    copies: dict[str, dict[str, tuple[Loaded, Any]]] = {}
    for item in cluster.docs("ietd"):
        if item.node is None:
            continue
        for t in _ietd(item).targets:
            copies.setdefault(t.name.lower(), {}).setdefault(item.node, (item, t))
    for by_node in copies.values():
        if len(by_node) < 2:
            continue
        (first_node, (first_item, first)), *others = by_node.items()
        for node, (item, t) in others:
            for lun in t.luns:
                other = first.lun(lun.number) if lun.number is not None else None
                if other is None:
                    continue
                if other.scsi_id is None and lun.scsi_id is None:
                    yield make(
                        "IS013",
                        f"LUN {lun.number} of {t.name} has no ScsiId on {first_node} or "
                        f"{node}: the ids ietd makes up need not match after a failover",
                        item.where(lun.entry),
                        [first_item.where(other.entry)],
                    )
                    continue
                for word, a, b in (
                    ("ScsiId", other.scsi_id, lun.scsi_id),
                    ("ScsiSN", other.scsi_sn, lun.scsi_sn),
                ):
                    if a != b:
                        yield make(
                            "IS013",
                            f"LUN {lun.number} of {t.name} has {word} {_shown(a)} on "
                            f"{first_node} but {_shown(b)} on {node}: initiators see another "
                            f"disk after a failover",
                            item.where(lun.entry),
                            [first_item.where(other.entry)],
                        )


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value)


@rule("IS104", "chap-secret-readable", "warning", formats=("iscsid",))
def chap_secret_readable(item: Loaded) -> Iterator[Finding]:
    """iscsid.conf holds a CHAP password and group or others may read it.

    Why it matters: the CHAP secret is what keeps other hosts on the storage
    network away from the domUs' disks; a world-readable iscsid.conf hands it
    to every local user and service account.

    Example: ``node.session.auth.password`` in an iscsid.conf of mode 0644.

    Fix: ``chmod 600 /etc/iscsi/iscsid.conf``. Not checked where modes say
    nothing about the deployed file: in a git checkout (etckeeper, which
    restores modes, excepted) or a read-only copy (see
    :func:`xencfg.discover.modes_are_real`, which leaves ``doc.mode`` unset
    there).
    """
    doc = _iscsid(item)
    lines = doc.secret_lines()
    if doc.mode is None or doc.mode_ok or not lines:
        return
    yield make(
        "IS104",
        f"iscsid.conf mode {doc.mode & 0o777:04o}: its CHAP password is readable by group or "
        f"others (chmod 600)",
        item.where(lines[0]),
    )


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
    luns = [(t, lun) for t in _ietd(item).targets for lun in t.luns]
    for (target, lun), (ftarget, flun) in repeats(luns, lambda tl: tl[1].scsi_id or None):
        if lun.path == flun.path:
            continue  # one device exported twice: IS003 says so
        yield make(
            "IS014",
            f"ScsiId {lun.scsi_id!r} of {target.name} LUN {lun.number} ({lun.path}) is "
            f"also the id of {ftarget.name} LUN {flun.number} ({flun.path}): multipath "
            "takes the two devices for paths of one disk",
            item.where(lun.entry),
            [item.where(flun.entry)],
        )


def _node_root(item: Loaded) -> Path | None:
    """The node's ``/`` as discovery found it, or ``None`` when the file has no tree
    with one (a loose file outside any ``etc`` folder, an etckeeper checkout): then
    nothing tells where the node's other files are."""
    return item.file.tree.slash if item.file.tree is not None else None


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
    for target in _ietd(item).targets:
        for lun in target.luns:
            if lun.type == "blockio" and lun.path and _file_in_tree(root, lun.path):
                yield make(
                    "IS015",
                    f"{lun.path} is a regular file, but LUN {lun.number} of {target.name} "
                    "says Type=blockio: ietd cannot open it as a device and drops the LUN; "
                    "use Type=fileio",
                    item.where(lun.entry),
                )


@rule("IS016", "initiator-shut-out", "warning", scope="cluster")
def initiator_shut_out(cluster: Cluster) -> Iterator[Finding]:
    """A node multipaths a LUN of an IET target that will not let it log in: the
    target's initiators.allow does not admit the node, or the CHAP login of the
    node's iscsid.conf matches no ``IncomingUser`` of the target.

    Why it matters: the node's multipath.conf names the LUN's WWID (IET's
    ``ScsiId`` inside it), so its domUs or filesystems expect
    ``/dev/mapper/ALIAS``; but ietd refuses the login (an initiators.allow
    line that lists the other nodes only; a target with ``IncomingUser``
    accounts takes CHAP logins with one of them and no other: iscsitarget's
    usr/iscsid.c skips ``AuthMethod=None`` while incoming accounts exist, usr/chap.c
    says "No valid user/pass combination for initiator"), so the device
    never appears on that node: typically the node added last, whose guests then
    fail to start there at the first failover. Each daemon accepts its own file;
    only the files of both sides show it.

    The CHAP check reads the node's open-iscsi node records for the target
    where its tree holds them (``/etc/iscsi/nodes/TARGET/PORTAL/default``, or
    ``/var/lib/iscsi/nodes`` on Red Hat; ``iscsiadm -o update`` changes these,
    and iscsid logs in with them): it reports only when every record's login
    is refused. Without records it reads iscsid.conf, the defaults new records
    take, which a later ``iscsiadm -o update`` may have overridden: hence a
    warning. A line that admits an address (or network) where no file gives
    any initiator node an address gives no verdict: the node may log in from it
    (dom0s on a storage network that /etc/hosts does not list). The nodes one
    initiators.allow line shuts out of a target are one finding (one edit admits
    them), naming each, with the line and each node's ``multipaths`` entry as
    related locations; a CHAP refusal is each node's own.

    Example: ``iqn...:store.vm 10.0.2.1, 10.0.2.2, 10.0.2.3`` in initiators.allow
    while x4 (10.0.2.4) multipaths ``1IET_____vmstor01``; or x4's
    ``node.session.auth.password`` differing from its ``IncomingUser x4`` line.

    Fix: admit the node in initiators.allow and give it an ``IncomingUser``
    account that its iscsid.conf uses, on every box that exports the target.
    """
    if not cluster.has("ietd") or not cluster.has("multipath"):
        return
    model = cluster.model
    # WWID -> node -> its first multipaths entry naming the WWID
    wanted: dict[str, dict[str, Location]] = {}
    for node, items in cluster.by_node("multipath").items():
        for item in items:
            for m in _mp(item).multipaths:
                if node and m.wwid:
                    wanted.setdefault(m.wwid, {}).setdefault(node, item.where(m.block))
    for item in cluster.docs("ietd"):
        if item.node is None:
            continue
        box = short(item.node)
        acl = _acl(cluster, item.node, "initiators.allow")
        for t in _ietd(item).targets:
            nodes: dict[str, Location] = {}
            for link in model.chain:
                if link.target == t.name and link.box == box and link.wwid:
                    nodes = {**wanted.get(link.wwid, {}), **nodes}
            layer = model.targets.get(t.name)
            incoming = [u for u in t.users if u.direction == "incoming" and u.name]
            line = _allow(acl).rule(t.name) if acl is not None else None
            shut: list[str] = []  # refused by the one initiators.allow line
            chap: list[tuple[str, str]] = []
            for node in sorted(nodes):
                info = model.node(node)
                if info is None or info.name == box:
                    continue
                if (
                    layer is not None
                    and info.name not in layer.members
                    and acl is not None
                    and info.addresses
                    and not _named_by_pattern(cluster, node, line)
                    and not _unattributed(model, line)
                ):
                    shut.append(node)
                elif incoming:
                    why = _chap_refused(cluster, node, t.name, incoming)
                    if why:
                        chap.append((node, why))
            if shut and acl is not None:
                # one finding for the line: fixing it (or the nodes' addresses) admits all
                names = ", ".join(shut)
                several = len(shut) > 1
                rule_at = acl.where(line.entry) if line is not None else acl.where()
                yield make(
                    "IS016",
                    f"{names} multipath{'' if several else 's'} LUN(s) of {t.name}, but ietd "
                    f"on {box} refuses {'their logins' if several else 'its login'}: "
                    f"{box}'s initiators.allow does not admit {names}",
                    item.where(t.entry),
                    [rule_at, *(nodes[n] for n in shut)],
                )
            for node, why in chap:  # each node's own CHAP settings: one finding each
                yield make(
                    "IS016",
                    f"{node} multipaths LUN(s) of {t.name}, but ietd on {box} refuses its "
                    f"login: {why}",
                    item.where(t.entry),
                    [nodes[node]],
                )


def _unattributed(model: Any, line: Any) -> bool:
    """Whether an initiators.allow line admits an address or network holding no address
    the files give any initiator node: the dom0s' storage-network addresses
    (``10.30.0.11`` beside ``10.20.0.11 xen01`` in /etc/hosts) are often in no file, so
    a node whose known addresses the line misses may still log in from one of those."""
    import ipaddress

    known = [
        ipaddress.ip_address(a)
        for n in model.nodes.values()
        if "initiator" in n.roles
        for a in _ips(n.addresses)
    ]
    nets = [p.network for p in (line.peers if line is not None else []) if p.network is not None]
    return any(not any(ip in net for ip in known) for net in nets)


def _ips(addresses: Any) -> list[str]:
    """The addresses that parse as IP addresses (host names are kept elsewhere)."""
    import ipaddress

    out = []
    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            continue
        out.append(a)
    return out


def _named_by_pattern(cluster: Cluster, node: str, line: Any) -> bool:
    """Whether an initiators.allow line may admit ``node`` by a name pattern: IET reads
    a name as a regular expression (``iqn\\.2026-12\\.net\\.example:.*``), and a node
    whose initiator name is unknown may match one."""
    import re

    names = [p.text for p in (line.peers if line is not None else []) if p.kind == "name"]
    if not names:
        return False
    named = cluster.first("initiatorname", node)
    iqn = _initiator(named).name if named is not None else None
    if not iqn:
        return True
    for pattern in names:
        try:
            if re.search(pattern, iqn, re.IGNORECASE):
                return True
        except re.error:
            return True  # (a pattern Python cannot read: no verdict)
    return False


def _chap_refused(cluster: Cluster, node: str, target: str, incoming: list[Any]) -> str | None:
    """Why the CHAP login of ``node`` to ``target`` matches none of ``incoming``: by
    its node records for the target where the tree holds them (every record refuses),
    else by its iscsid.conf (the defaults new records take)."""
    records = cluster.fact(
        f"iscsi-node-records:{node}:{target}", lambda: _node_records(cluster, node, target)
    )
    if records:
        whys = [
            _login_refused(values, f"{node}'s node record {name}", incoming)
            for name, values in records
        ]
        return None if None in whys else whys[0]
    conf = cluster.first("iscsid", node)
    if conf is None:
        return None
    doc = _iscsid(conf)
    values = {k: doc.value(k) for k in _AUTH_KEYS}
    return _login_refused(values, f"{node}'s iscsid.conf", incoming)


#: The node record keys of a CHAP login (open-iscsi idbm.c).
_AUTH_KEYS = (
    "node.session.auth.authmethod",
    "node.session.auth.username",
    "node.session.auth.password",
)


def _login_refused(values: dict[str, Any], source: str, incoming: list[Any]) -> str | None:
    """Why the login settings ``values`` (of ``source``) match none of ``incoming``."""
    method = str(values.get("node.session.auth.authmethod") or "None")
    if method.lower() != "chap":
        return (
            f"the target takes CHAP logins only (IncomingUser), {source} logs "
            f"in with authmethod {method}"
        )
    user = values.get("node.session.auth.username")
    secret = values.get("node.session.auth.password")
    if user is None or secret is None:
        return None
    accounts = {(u.name, u.password) for u in incoming}
    if (str(user), str(secret)) in accounts:
        return None
    if any(u.name == str(user) for u in incoming):
        return f"{source} gives user {user} another password than IncomingUser"
    return f"no IncomingUser is {user}, the user {source} logs in as"


#: Where open-iscsi keeps its node records (idbm.h NODE_CONFIG_DIR), below the node's
#: root: /etc/iscsi/nodes (Debian, SUSE, upstream) and /var/lib/iscsi/nodes (Red Hat).
_NODE_DIRS = ("etc/iscsi/nodes", "var/lib/iscsi/nodes")


def _node_records(cluster: Cluster, node: str, target: str) -> list[tuple[str, dict[str, Any]]]:
    """The login settings of ``node``'s open-iscsi node records for ``target``, with the
    record's path on the node: ``NODES/TARGET/IP,PORT`` (a flat record, as ``iscsiadm
    -o new`` writes it) or ``NODES/TARGET/IP,PORT,TPGT/IFACE`` (from discovery; IFACE
    is ``default`` unless ifaces are bound). iscsiadm and iscsid log in with the record,
    whatever iscsid.conf says now (it only seeds new records). Links on the way to
    the target's folder are resolved inside the node root (never onto the host);
    links below it are not followed; a record that cannot be read or whose
    ``node.name`` is another target is skipped."""
    from ..errors import XencfgError
    from ..formats.lines import iscsid
    from ..syntax.source import read_text, resolve_in_root

    item = cluster.first("iscsid", node) or cluster.first("initiatorname", node)
    root = _node_root(item) if item is not None else None
    if root is None or "/" in target or target in ("", ".", ".."):
        return []
    files: list[Path] = []
    for base in _NODE_DIRS:
        try:  # (etc/iscsi -> /etc/iscsi in a mounted image is the node's, never the host's)
            folder = resolve_in_root(root, f"{base}/{target}")
        except XencfgError:
            continue
        for entry in _plain_entries(folder):
            if entry.is_file(follow_symlinks=False):
                files.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                files += [
                    Path(e.path)
                    for e in _plain_entries(Path(entry.path))
                    if e.is_file(follow_symlinks=False)
                ]
    out = []
    for path in sorted(files):
        try:
            doc = iscsid.parse(read_text(path, limit=1 << 20, follow=False), str(path))
        except XencfgError:
            continue
        if doc.value("node.name") not in (None, target):
            continue
        values = {k: doc.value(k) for k in _AUTH_KEYS}
        values = {k: (None if v == "<empty>" else v) for k, v in values.items()}
        out.append(("/" + str(path.relative_to(root)), values))
    return out


def _plain_entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of ``folder`` (none when it is missing, a symlink or unreadable)."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return []
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


@rule("IS017", "lun-beside-drbd", "error", scope="cluster")
def lun_beside_drbd(cluster: Cluster) -> Iterator[Finding]:
    """A LUN exports a DRBD device the box's drbd.conf does not define, or the backing
    disk under one of its DRBD resources.

    Why it matters: ietd opens the LUN's ``Path`` when it starts the target; a
    ``/dev/drbdN`` minor or ``/dev/drbd/by-res/RES`` that the box's DRBD
    configuration lacks cannot be opened (no such resource is ever brought
    up), so the target comes up without that LUN. Exporting the *backing* disk
    (``Path=/dev/sdb`` where drbd.conf has ``disk /dev/sdb``) fails while DRBD
    holds the disk (it claims it exclusively, as IET's blockio does) and is
    worse where it opens (``Type=fileio``, or DRBD down at ietd's start): the
    initiators write beside DRBD, the peer box never gets those writes, and a
    failover hands the initiators an older disk while DRBD's own writes (a
    resync) overwrite theirs.

    Example: ``Lun 0 Path=/dev/drbd3,Type=blockio`` with only ``resource r0 {
    device /dev/drbd0; }``; ``Lun 0 Path=/dev/sdb`` with ``disk /dev/sdb;``.

    Fix: export the DRBD device of the resource (``/dev/drbd0``), on both boxes.
    """
    if not cluster.has("ietd") or not cluster.has("drbd"):
        return
    import re

    from .drbd.common import _effective, _node_configs, _on_hosts, _resources

    configs = _node_configs(cluster)
    for item in cluster.docs("ietd"):
        if not item.node or item.node not in configs:
            continue
        minors: set[int] = set()
        names: set[str] = set()
        disks: dict[str, str] = {}
        for _, res in _resources(cluster, configs[item.node]):
            for h in _on_hosts(res):
                if short(item.node) not in (short(n) for n in h.names):
                    continue
                names.add(res.name)
                for vol in _effective(cluster, res, h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is not None and dev.minor is not None:
                        minors.add(dev.minor)
                    if vol.get("disk") and vol["disk"] != "none":
                        disks[vol["disk"]] = res.name
        if not names:
            continue
        for t in _ietd(item).targets:
            for lun in t.luns:
                path = lun.path or ""
                m = re.fullmatch(r"/dev/drbd(\d+)|/dev/drbd/by-res/([^/]+)(?:/\d+)?", path)
                why = None
                if m and m.group(1) and int(m.group(1)) not in minors:
                    why = f"no DRBD resource of {item.node} has minor {m.group(1)}"
                elif m and m.group(2) and m.group(2) not in names:
                    why = f"{item.node}'s drbd.conf defines no resource {m.group(2)}"
                elif path in disks:
                    why = (
                        f"it is the backing disk of DRBD resource {disks[path]} (DRBD holds it"
                        " exclusively, so blockio cannot open it; fileio would write beside"
                        " DRBD, unreplicated)"
                    )
                if why:
                    yield make(
                        "IS017",
                        f"LUN {lun.number} of {t.name} exports {path}, but {why}",
                        item.where(lun.entry),
                    )
