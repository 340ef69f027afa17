"""Storage stack rules: EVMS device pinning, kernel module options, and LVM's filter
against the DRBD and multipath layers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .. import regex
from ..cluster import Cluster, Loaded
from ..findings import Finding
from ..versions import LVM2_NO_CLVMD
from . import make, repeats, rule
from .documents import drbd_doc as _drbd
from .documents import evms_doc as _evms
from .documents import lvm_doc as _lvm
from .documents import modules_doc as _modules
from .documents import multipath_doc as _mp

if TYPE_CHECKING:
    from ..formats.lvmlike.lvm import LvmDocument
    from ..formats.schema import InForce


@rule("EV001", "evms-pins-dm-minor", "warning", formats=("evms",))
def evms_pins_dm_minor(item: Loaded) -> Iterator[Finding]:
    """evms.conf scans a device-mapper device by its minor number (``dm-1``).

    Why it matters: dm minors are handed out in the order maps are created, so
    they change when a LUN, a path or an LVM volume is added, and differ
    between nodes. EVMS then scans another device, or none, and the volumes
    on the intended one disappear.

    Example: ``sysfs_devices { include = [ dm-1 ] }`` meant for the multipath
    map ``mpath2``.

    Fix: name the stable device: ``include = [ mapper/mpath2 ]`` (or the
    alias multipath.conf gives the LUN).
    """
    doc = _evms(item)
    pinned = doc.pinned_dm_devices()
    if pinned:
        where = doc.setting("sysfs_devices/include")
        names = ", ".join(pinned)
        yield make(
            "EV001",
            f"sysfs_devices include names {names} by dm minor; use the /dev/mapper name",
            item.where(where),
        )


@rule("MD001", "module-option-set-twice", "warning", scope="cluster")
def module_option_twice(cluster: Cluster) -> Iterator[Finding]:
    """A kernel module parameter is set in two places on one node.

    Why it matters: modprobe applies every ``options`` line it finds, in an
    order that depends on file names and the modprobe version; with two values
    the one in effect is not the one you read. Even when both agree, the next
    edit changes one of them.

    Example: ``sbp2 exclusive_login=0`` in /etc/modules and
    ``options sbp2 exclusive_login=0`` in /etc/modprobe.d/sbp2.

    Fix: keep each parameter in one file (a ``/etc/modprobe.d/*.conf``).
    """
    for _node, items in cluster.by_node("modules").items():
        options = [(item, *o) for item in items for o in _modules(item).option_lines()]
        for later, first in repeats(options, lambda o: o[1:3]):
            item, module, param, value, line = later
            first_item, _, _, first_value, first_line = first
            differ = "" if value == first_value else f" (first {first_value}, here {value})"
            yield make(
                "MD001",
                f"option {param} of module {module} is set again{differ}",
                item.where(line),
                [first_item.where(first_line)],
            )


@rule("MD002", "modprobe-file-ignored", "warning", formats=("modules",))
def modprobe_file_ignored(item: Loaded) -> Iterator[Finding]:
    """A file in modprobe.d whose name does not end in ``.conf``.

    Why it matters: module-init-tools 3.8 and every kmod read only ``*.conf``
    files there, so after an upgrade its options silently stop applying.

    Example: ``/etc/modprobe.d/sbp2``.

    Fix: rename it to ``/etc/modprobe.d/sbp2.conf``.
    """
    path = str(item.file.path)
    if os.path.basename(os.path.dirname(path)) == "modprobe.d" and not path.endswith(".conf"):
        yield make(
            "MD002",
            f"modprobe reads only *.conf in modprobe.d: rename to {os.path.basename(path)}.conf",
            item.where(),
        )


# -- LVM's device filter against the layers below and above it ----------------------------

#: A path no filter means to name: a rule matching it is a catch-all (``a|.*|``).
_PROBE = "/dev/xencfg-probe/0"

#: SCSI disk names a SAN's paths get (sda is left out: usually the local disk).
_PATH_NAMES = ("sdc", "sdq", "sdz", "sdaa")


def _first_match(rules: list[Any], name: str) -> tuple[bool, Any]:
    """``(judged, rule)``: the first rule matching ``name`` (LVM: first match
    decides; ``None`` for no match); ``judged`` is false when a regex cannot be read."""
    for r in rules:
        hit = regex.search(r.regex, name)
        if hit is None:
            return False, None
        if hit:
            return True, r
    return True, None


def _passes(rules: list[Any], names: list[str]) -> bool | None:
    """Whether a device known by ``names`` passes one filter list, as LVM2's
    filter-regex.c ``_accept_p``: per name the first matching pattern decides; any
    name accepted accepts the device, a rejected name with none accepted rejects it,
    no match at all accepts. ``None`` when a regex cannot be judged."""
    rejected = False
    for name in names:
        judged, r = _first_match(rules, name)
        if not judged:
            return None
        if r is None:
            continue
        if r.accept:
            return True
        rejected = True
    return not rejected


def _accepted(doc: LvmDocument, names: list[str]) -> bool | None:
    """Whether LVM scans the device: it must pass ``global_filter`` and ``filter``."""
    a = _passes(doc.global_filter, names)
    b = _passes(doc.filter, names)
    if a is None or b is None:
        return None
    return a and b


def _specific(doc: LvmDocument, names: list[str], accept_only: bool = False) -> bool:
    """Whether a rule that is not a catch-all matches one of ``names`` (evidence the
    admin wrote the filter with that layer in mind)."""
    for r in doc.global_filter + doc.filter:
        if accept_only and not r.accept:
            continue
        if regex.search(r.regex, _PROBE) is not False:
            continue
        if any(regex.search(r.regex, n) for n in names):
            return True
    return False


def _lv_aliases(path: str) -> list[str]:
    """``/dev/vg/lv`` is also ``/dev/mapper/vg-lv`` (dashes doubled) to LVM's scan."""
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "dev" and parts[2] not in ("mapper", "disk", "drbd"):
        vg, lv = parts[2].replace("-", "--"), parts[3].replace("-", "--")
        return [path, f"/dev/mapper/{vg}-{lv}"]
    return [path]


def _drbd_layers(items: list[Loaded], node: str) -> Iterator[tuple[str, list[str], list[str], Any]]:
    """``(what, upper names, lower names, anchor item/block)`` per DRBD volume of ``node``."""
    for item in items:
        for res in _drbd(item).resource_list():
            for host in res.host_list:
                if host.kind != "on" or node.lower() not in (
                    n.split(".")[0].lower() for n in host.names
                ):
                    continue
                for vol in res.effective(host.name).volumes.values():
                    dev, disk = vol.get("device"), vol.get("disk")
                    if dev is None or not disk or disk == "none":
                        continue
                    upper = [f"/dev/drbd{dev.minor}"] if dev.minor is not None else []
                    upper += [dev.path] if dev.path else []
                    upper.append(f"/dev/drbd/by-res/{res.name}")
                    yield f"DRBD resource {res.name}", upper, _lv_aliases(disk), (item, host)


def _multipath_layers(
    items: list[Loaded], lvm: LvmDocument
) -> Iterator[tuple[str, list[str], list[str], Any]]:
    """The multipath maps of a node with the SCSI paths multipath takes for them."""
    if lvm.get("devices/multipath_component_detection") == 1:
        return  # LVM2 2.02.85+ skips the paths itself when asked to
    for item in items:
        doc = _mp(item)
        devnodes = [r.value for r in doc.blacklist if r.kind == "devnode" and r.value]
        paths = [f"/dev/{n}" for n in _PATH_NAMES if not any(regex.search(p, n) for p in devnodes)]
        for m in doc.multipaths:
            if m.alias and paths:
                upper = [f"/dev/mapper/{m.alias}", f"/dev/mpath/{m.alias}"]
                yield f"multipath map {m.alias}", upper, paths, (item, m.block)


@rule("LV001", "lvm-filter-scans-lower-layer", "warning", scope="cluster")
def lvm_filter_lower_layer(cluster: Cluster) -> Iterator[Finding]:
    """lvm.conf's filter lets LVM scan the device *under* DRBD or multipath.

    Why it matters: a PV on ``/dev/drbd0`` is also visible on DRBD's backing
    disk, and a PV on a multipath map on every SCSI path of the LUN. LVM then
    reports "Found duplicate PV" and may activate the volume group through the
    lower device: writes bypass DRBD (the peer never gets them) or multipath
    (no failover). With the DRBD device rejected and its backing disk
    accepted, LVM sits on the wrong layer outright. The DRBD User's Guide
    ("Configuring LVM to recognize the DRBD resource") and Red Hat's DM
    Multipath guide both say to reject the lower devices. LVM's filter
    semantics (lvm.conf(5), filter-regex.c): the first pattern that matches a
    device name decides, ``a`` accepts, ``r`` rejects, no match accepts, and
    a device is scanned when any of its names is accepted; ``global_filter``
    applies as well.

    The check runs only when the filter names the layer (a rule that is not a
    catch-all matches the DRBD or multipath device, or accepts the lower
    one), and skips multipath when ``multipath_component_detection = 1``
    (LVM2 2.02.85 and later then skip the paths themselves).

    Example: ``filter = [ "a|^/dev/drbd|", "a|^/dev/sd|", "r|.*|" ]`` with
    ``disk /dev/sdb1`` under ``/dev/drbd0``.

    Fix: reject the lower devices before accepting anything else:
    ``filter = [ "a|^/dev/drbd|", "r|.*|" ]`` (plus the local system disk).
    """
    drbd, multipath = cluster.by_node("drbd"), cluster.by_node("multipath")
    for node, lvms in cluster.by_node("lvm").items():
        if not node:
            continue  # a loose lvm.conf belongs to no node's storage stack
        lvm = lvms[0]
        doc = _lvm(lvm)
        layers = list(_drbd_layers(drbd.get(node, []), node))
        layers += list(_multipath_layers(multipath.get(node, []), doc))
        for what, upper, lower, (item, anchor) in layers:
            lower_in = _accepted(doc, lower) if what.startswith("DRBD") else None
            if not what.startswith("DRBD"):  # every path of the LUN must be scanned
                verdicts = [_accepted(doc, [p]) for p in lower]
                lower_in = None if None in verdicts else all(verdicts)
            if not lower_in:
                continue
            if not (_specific(doc, upper) or _specific(doc, lower, accept_only=True)):
                continue
            upper_in = _accepted(doc, upper)
            if upper_in is None:
                continue
            if upper_in:
                effect = "each PV on it is seen twice (duplicate PVs)"
            else:
                effect = f"LVM uses the layer below {upper[0]}"
            yield make(
                "LV001",
                f"lvm.conf's filter accepts {lower[0]} under {what} ({upper[0]}): {effect}; "
                "reject the lower device",
                lvm.where(doc.setting("devices/filter") or doc.setting("devices/global_filter")),
                [item.where(anchor)],
            )


#: lvm.conf's locking types that lock through the cluster (lib/locking/locking.c):
#: 3, clvmd built in, and 2, an external library (RHEL 4's liblvm2clusterlock.so)
_CLUSTER_LOCKING = (2, 3)


def _clvmd(lvm: InForce) -> bool:
    """Whether the LVM release in force may lock through clvmd (2.03 removed it)."""
    return not lvm.at_least(LVM2_NO_CLVMD)


#: Files that show a node reaching disks other nodes share.
_SHARED_DISK_FORMATS = ("multipath", "initiatorname", "iscsid", "drbd")


@rule("LV002", "clvm-locking-differs", "error", scope="cluster", hazard=True)
def clvm_locking_differs(cluster: Cluster) -> Iterator[Finding]:
    """One cluster node's lvm.conf locks through clvmd, another node's does not.

    Why it matters: a volume group made while clvmd locks (``locking_type = 3``,
    what ``lvmconf --enable-cluster`` writes) is clustered, and LVM on a node with
    local locking refuses it: ``Skipping clustered volume group`` (lvm2
    lib/metadata/metadata.c, ``vg_is_clustered(vg) && !locking_is_clustered()``),
    so that node activates none of its LVs and every guest or GFS on them fails to
    start there. A VG made without the cluster flag is worse: the node with local
    locking changes its metadata while the others hold cluster locks, and the
    metadata is lost. Red Hat's Cluster Logical Volume Manager guide and SUSE's
    HAE guide both set ``locking_type = 3`` on every node, whether clvmd runs under
    cman or as ``ocf:lvm2:clvmd`` in Pacemaker. A node whose lvm.conf leaves it
    unset locks locally (the default is 1); a node that only serves storage is
    not compared. A warning where none of the node's files shows it reaching the
    shared disks (no multipath, iSCSI initiator or DRBD configuration: a quorum node,
    say), since only a node that sees a clustered volume group is refused it.

    LVM 2.03 has no clvmd: a node known to run it (declared ``--target lvm2=2.03.11``,
    or its lvm2 package) locks locally whatever lvm.conf says (``locking_type = 3``:
    "WARNING: locking_type (3) is deprecated, using file locking", lvmcmdline.c of
    2.03.16), so it differs from a 2.02 node that locks through clvmd.

    Example: ``locking_type = 3`` on xen1 and xen2, ``locking_type = 1`` on xen3; or
    ``locking_type = 3`` on all three, xen3 upgraded to LVM 2.03.

    Fix: ``lvmconf --enable-cluster`` (``locking_type = 3``) on every node, then
    restart clvmd; for LVM 2.03, move every node's shared VGs to lvmlockd
    (``vgchange --lock-type dlm``, lvmlockd(8)) before a node upgrades.
    """
    model = cluster.model
    members = model.members()
    locking: dict[str, tuple[Loaded, int]] = {}
    for node, lvms in cluster.by_node("lvm").items():
        if not node or (members and not model.is_member(node)):
            continue
        doc = _lvm(lvms[0])
        written = doc.setting("global/locking_type")
        if written is not None and doc.locking_type is None:
            continue  # a value LVM does not read as a number (XC005's)
        locking[node] = (lvms[0], 1 if doc.locking_type is None else doc.locking_type)
    lvm = {n: cluster.versions.of("lvm2", n) for n in locking}
    clustered = sorted(
        n for n, (_, t) in locking.items() if t in _CLUSTER_LOCKING and _clvmd(lvm[n])
    )
    for node, (item, kind) in sorted(locking.items()):
        peers = [n for n in clustered if n != node and model.same_cluster(n, node)]
        if node in clustered or not peers:
            continue
        other, (there, theirs) = peers[0], locking[peers[0]]
        doc = _lvm(item)
        shown = "unset (1, local)" if doc.setting("global/locking_type") is None else kind
        if kind in _CLUSTER_LOCKING:  # LVM 2.03 or later: no clvmd
            shown = f"{kind}, which {lvm[node].describe('LVM')} ignores (file locking)"
        found = make(
            "LV002",
            f"lvm.conf on {node} has locking_type {shown} but {other} locks through"
            f" clvmd (locking_type {theirs}): LVM on {node} skips the clustered volume"
            " groups, or changes a shared one without the cluster's locks",
            item.where(doc.setting("global/locking_type")),
            [there.where(_lvm(there).setting("global/locking_type"))],
        )
        if not any(any(True for _ in cluster.docs(f, node)) for f in _SHARED_DISK_FORMATS):
            found = attrs.evolve(found, severity="warning")  # it may not see the shared disks
        yield found


@rule("LV003", "lvm-locking-off", "warning", formats=("lvm",))
def lvm_locking_off(item: Loaded) -> Iterator[Finding]:
    """lvm.conf's ``locking_type`` turns LVM's locking off (0; 5 on LVM 2.03) or makes
    it read-only (4).

    Why it matters: with ``locking_type = 0`` no LVM command takes a lock, so two
    commands at once (a guest's start running ``vgchange -ay`` while an admin runs
    ``lvextend``, say) can write the metadata over each other: LVM 2.02 says
    "WARNING: Locking disabled. Be careful! This could corrupt your metadata."
    (lib/locking/locking.c ``init_locking`` case 0), and 2.03 runs every command as
    ``--nolocking`` for 0 and 5 ("WARNING: locking_type (0) is deprecated, using
    --nolocking", tools/lvmcmdline.c of 2.03.16 line 3252; pvcreate with lvm2 2.03.16
    here takes it and goes on). ``locking_type = 4`` is read-only locking: 2.02's
    "Read-only locking selected. Only read operations permitted.", 2.03's ``--sysinit
    --readonly``: every command that writes metadata fails (pvcreate with 2.03.16
    here: "Operation prohibited while --readonly is set."). LVM 2.03 ignores the
    other values (file locking), so they are XC004's. Where the release is not known
    to be 2.03 or later, 5 is not said (2.02 read it otherwise).

    Example: ``locking_type = 0`` left over from a rescue boot.

    Fix: ``locking_type = 1`` (or remove the line); for shared volume groups on
    LVM 2.03, lvmlockd (``use_lvmlockd = 1``).
    """
    doc = _lvm(item)
    kind = doc.locking_type
    release = item.versions.of("lvm2", item.node)
    if kind == 4:
        what = "read-only locking: LVM refuses every metadata change (lvcreate, lvextend, ...)"
    elif kind == 0 or (kind == 5 and release.at_least(LVM2_NO_CLVMD)):
        what = (
            "no locking: LVM commands run at once can write the volume group metadata"
            " over each other"
        )
    else:
        return
    if release.at_least(LVM2_NO_CLVMD):
        said = "--sysinit --readonly" if kind == 4 else "--nolocking"
        what += f"; every command runs as {said} ({release.describe('LVM')})"
    yield make(
        "LV003",
        f"locking_type {kind} is {what}",
        item.where(doc.setting("global/locking_type")),
    )


#: The init scripts and units that start clvmd: Red Hat's and SUSE's ``clvmd``, Debian's
#: and Ubuntu's ``clvm`` (package clvm, /etc/init.d/clvm), RHEL 7's ``lvm2-clvmd``.
_CLVMD_SERVICES = ("clvmd", "clvm", "lvm2-clvmd")


@rule("LV004", "clvmd-never-started", "warning", scope="cluster")
def clvmd_never_started(cluster: Cluster) -> Iterator[Finding]:
    """lvm.conf locks through clvmd (``locking_type = 3``) and nothing starts clvmd on
    the node: the init system does not at boot, and no cluster resource runs it.

    Why it matters: LVM 2.02 then finds no clvmd socket ("connect() failed on local
    socket", "Internal cluster locking initialisation failed") and, as
    ``fallback_to_local_locking`` is on by default, falls back to file locking:
    "WARNING: Falling back to local file-based locking. Volume Groups with the
    clustered attribute will be inaccessible." (lib/locking/locking.c
    ``init_locking``), and every clustered volume group is skipped ("Skipping
    clustered volume group", lib/metadata/metadata.c): its LVs are not activated and
    the guests or GFS on them do not start. With ``fallback_to_local_locking = 0``
    every LVM command fails. clvmd is started by its own init script on cman stacks
    (``chkconfig clvmd on``; cman's does not start it), or by a CIB resource
    (``ocf:lvm2:clvmd``, ``ocf:heartbeat:clvm``, ``lsb:clvmd``) under Pacemaker.

    Judged only where the node's tree shows what its init system starts (runlevel
    links, OpenRC's runlevels, systemd wants, a captured ``chkconfig --list``: see
    HB018) and the LVM release may have clvmd (2.03 has none: LV002, XC004). Which
    volume groups are clustered is not in the files, so this is a warning.

    Example: a RHEL 6 node with ``locking_type = 3`` and ``K76clvmd`` (no ``S??clvmd``)
    in /etc/rc.d/rc3.d, and no clvmd in the CIB.

    Fix: ``chkconfig clvmd on`` (after cman), or a cloned clvmd resource ordered after
    the DLM; or, for local volume groups only, ``lvmconf --disable-cluster``.
    """
    from ..bootlinks import run_links
    from ..versions import _clvmd_resource
    from .boot import _items
    from .documents import cib_doc

    for node, lvms in sorted(cluster.by_node("lvm").items()):
        tree = cluster.tree(node) if node else None
        doc = _lvm(lvms[0])
        if tree is None or doc.locking_type != 3:
            continue
        if not _clvmd(cluster.versions.of("lvm2", node)):
            continue
        links = run_links(cluster, tree)
        if links is None or any(name in links for name in _CLVMD_SERVICES):
            continue
        cibs = [i for i in _items(cluster, node) if i.file.format == "cib"]
        if any(_clvmd_resource("cib", cib_doc(i), i) for i in cibs):
            continue
        fallback = doc.setting("global/fallback_to_local_locking")
        off = fallback is not None and [str(v).strip() for v in fallback.values] == ["0"]
        effect = (
            "every LVM command fails (fallback_to_local_locking = 0)"
            if off
            else "LVM falls back to file locking and skips every clustered volume group"
        )
        yield make(
            "LV004",
            f"lvm.conf on {node} locks through clvmd (locking_type 3) but nothing starts"
            f" clvmd there (not enabled at boot, no cluster resource runs it): {effect}",
            lvms[0].where(doc.setting("global/locking_type")),
        )
