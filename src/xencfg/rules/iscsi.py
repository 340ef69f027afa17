"""iSCSI rules: the target's LUNs and accounts (ietd.conf) and the initiators
(initiatorname.iscsi, iscsid.conf) as a cluster of nodes uses them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster, Loaded
from ..findings import Finding
from . import make, repeats, rule

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
    for target in item.doc.targets:  # type: ignore[attr-defined]
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
    targets = item.doc.targets  # type: ignore[attr-defined]
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
    luns = [(t, lun) for t in item.doc.targets for lun in t.luns]  # type: ignore[attr-defined]
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
    for target in item.doc.targets:  # type: ignore[attr-defined]
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
    doc: Any = item.doc
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
    for target in item.doc.targets:  # type: ignore[attr-defined]
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
    seen: dict[str, Loaded] = {}
    for item in cluster.docs("initiatorname"):
        name = item.doc.name  # type: ignore[attr-defined]
        if not name or not item.node:
            continue
        first = seen.setdefault(name.lower(), item)
        if first is not item and first.node != item.node:
            yield make(
                "IS101",
                f"initiator name {name} is used by {first.node} and {item.node}",
                item.where(item.doc.entry("InitiatorName")),  # type: ignore[attr-defined]
                [first.where(first.doc.entry("InitiatorName"))],  # type: ignore[attr-defined]
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

    Fix: ``node.startup = automatic`` (and for existing node records:
    ``iscsiadm -m node -o update -n node.startup -v automatic``).
    """
    if any(
        (p.type or "").lower() == "iscsi"
        for item in cluster.docs("cib")
        for p in item.doc.primitives  # type: ignore[attr-defined]
    ):
        return
    for item in cluster.docs("iscsid"):
        entry = item.doc.entry("node.startup")  # type: ignore[attr-defined]
        if entry is not None and entry.values and entry.values[0] == "manual":
            yield make("IS102", "node.startup = manual: no login at boot", item.where(entry))


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
    instead, as ``no_path_retry`` says).
    """
    for item in cluster.docs("iscsid"):
        if cluster.first("multipath", item.node) is None:
            continue
        seconds = item.doc.replacement_timeout  # type: ignore[attr-defined]
        if seconds is not None and seconds > MULTIPATH_REPLACEMENT_TIMEOUT:
            yield make(
                "IS103",
                f"replacement_timeout {seconds}s holds I/O on a dead path before multipath "
                f"may fail over (use about 5)",
                item.where(item.doc.entry("node.session.timeo.replacement_timeout")),  # type: ignore[attr-defined]
            )


@rule("IS007", "target-open-to-all", "warning", scope="cluster")
def target_open_to_all(cluster: Cluster) -> Iterator[Finding]:
    """Targets accept every initiator: no CHAP account and no initiators.allow.

    Why it matters: any host that reaches the storage network can log in and
    read or overwrite the domUs' disks; a second, misconfigured initiator
    mounting an ext3 LUN corrupts it.

    Example: ietd.conf with ``Target``/``Lun`` lines only, and no access list.

    Fix: ``IncomingUser`` per target (CHAP), and/or an initiators.allow that
    names the cluster nodes.
    """
    for item in cluster.docs("ietd"):
        doc: Any = item.doc
        if not doc.targets or doc.global_users or any(t.users for t in doc.targets):
            continue
        if any(
            str(i.file.path).endswith("initiators.allow")
            for i in cluster.docs("iet-allow", item.node)
        ):
            continue
        yield make(
            "IS007",
            f"{len(doc.targets)} target(s) accept any initiator (no CHAP, no initiators.allow)",
            item.where(doc.targets[0].entry),
        )
