"""IET's target side: ietd.conf and initiators.allow against what the kernel module
runs (``/proc/net/iet/volume`` and ``/proc/net/iet/session``): LS024, LS025, LS026."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ...cluster import Cluster, Loaded
from ...findings import Finding
from .. import make, rule
from ..documents import ietd_doc as _ietd
from ..iscsi.common import _read_ietd
from .common import _at

if TYPE_CHECKING:
    from ...formats.status.iet_proc import IetProcDocument


class _Named(Protocol):
    """A target of ietd.conf or of /proc/net/iet/volume: paired by name."""

    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)
U = TypeVar("U")


def _which(item: Loaded, doc: IetProcDocument) -> str | None:
    """``volume`` or ``session``: by the captured file's name (``proc/net/iet/volume``,
    ``iet_volume.txt``, a supportconfig section ``#proc_net_iet_volume``), else by
    its lines."""
    name = PurePath(item.file.display).name
    for kind in ("volume", "session"):
        if name.endswith((kind, f"{kind}.txt")):
            return kind
    return doc.kind


def _captures(cluster: Cluster, node: str, kind: str) -> list[tuple[Loaded, IetProcDocument]]:
    from ...formats.status.iet_proc import IetProcDocument

    return [
        (i, d) for i, d in cluster.typed("iet-proc", IetProcDocument, node) if _which(i, d) == kind
    ]


def _crm_targets(cluster: Cluster) -> set[str]:
    """Targets a CIB's ``iSCSITarget`` resources create (the resource agent runs
    ``ietadm --op new`` where the cluster starts it): not ietd.conf's to hold."""
    from ...formats.cib.model import CibDocument

    out: set[str] = set()
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.primitives:
                if (p.type or "").lower() in ("iscsitarget", "iscsilogicalunit"):
                    iqn = p.param("iqn") or p.param("target_iqn")
                    if iqn:
                        out.add(str(iqn))
    return out


def _namesakes(
    targets: Iterable[T], other: dict[str, U], managed: set[str]
) -> Iterator[tuple[T, U | None]]:
    """Each of ``targets`` (of ietd.conf, or of the running IET) that no CIB resource
    creates, with its namesake on the other side (``None``: the other side lacks it)."""
    for t in targets:
        if t.name not in managed:
            yield t, other.get(t.name)


@rule("LS024", "iet-target-not-exported", "warning", scope="cluster")
def iet_target_not_exported(cluster: Cluster) -> Iterator[Finding]:
    """A target or LUN of ietd.conf that the running IET does not export.

    Why it matters: ietd reads ietd.conf once, at start. A target added to the
    file since is not served until ietd restarts; a ``Lun`` whose ``Path`` did
    not exist (or was busy) when ietd started is left out of its target, with
    one line in the log (``volume_add`` failed), while the target itself runs.
    The initiators then find the target without its disk, or no target at
    all: the domU or file system on it cannot start on any node. Also a LUN
    that runs from another ``Path`` than the file says: the file was edited
    and ietd not restarted (or ``ietadm --op new`` set it by hand); the next
    restart (a failover of the target box) exports the other device.

    Read from ``/proc/net/iet/volume`` (iscsitarget kernel/volume.c
    ``iet_volume_info_show``: ``tid:N name:IQN``, then ``\\tlun:N state:S
    iotype:T ... path:P`` per LUN), as ``xencfg capture`` and supportconfig's
    fs-iscsi.txt keep it. Not judged where the file lists no target at all (ietd
    stopped, or the passive box of a target pair), nor for a target a CIB
    ``iSCSITarget`` resource creates.

    Example: ietd.conf ``Target iqn.2026-11.net.example:san1.web`` with ``Lun 0
    Path=/dev/vg0/web``; san1's /proc/net/iet/volume lists the target with no
    ``lun:`` line.

    Fix: check the device (``ls -l /dev/vg0/web``, ``lvchange -ay``), then
    ``ietadm --op new --tid=N --lun=0 --params Path=...,Type=blockio`` or a
    restart of ietd when no initiator is logged in.
    """
    if not cluster.has("iet-proc"):
        return
    from ...formats.lines.ietd import IetdDocument

    managed = _crm_targets(cluster)
    for item in _read_ietd(cluster):
        if item.node is None or not isinstance(item.doc, IetdDocument):
            continue
        for cap, proc in _captures(cluster, item.node, "volume"):
            if not proc.targets:
                continue  # ietd not serving here (stopped, the passive box of a pair)
            running = {t.name: t for t in proc.targets}
            for t, live in _namesakes(item.doc.targets, running, managed):
                if live is None:
                    yield make(
                        "LS024",
                        f"target {t.name} is in ietd.conf but {item.node}'s IET does not "
                        "export it (/proc/net/iet/volume)",
                        item.where(t.entry),
                        [_at(cap, 1)],
                    )
                    continue
                volumes = {v.lun: v for v in live.volumes}
                for lun in t.luns:
                    if lun.number is None:
                        continue
                    v = volumes.get(lun.number)
                    if v is None:
                        said = (
                            f"({lun.path}) is in ietd.conf but {item.node}'s IET does not "
                            "export it: the target runs without it"
                        )
                    elif lun.path and v.path and lun.path != v.path:
                        said = (
                            f"runs from {v.path} on {item.node}, ietd.conf says {lun.path}: "
                            "a restart of ietd exports the other"
                        )
                    else:
                        continue
                    yield make(
                        "LS024",
                        f"LUN {lun.number} of {t.name} {said}",
                        item.where(lun.entry),
                        [_at(cap, live.line if v is None else v.line)],
                    )


@rule("LS025", "iet-target-not-configured", "warning", scope="cluster")
def iet_target_not_configured(cluster: Cluster) -> Iterator[Finding]:
    """IET exports a target or LUN that the node's ietd.conf does not hold.

    Why it matters: it was made by hand (``ietadm --op new``), which lasts
    until ietd restarts; the next restart, a reboot or the failover of the
    target box, drops it, and every initiator using it loses its disk. Or
    ietd.conf lost the target since ietd started, and the same happens.

    Read from ``/proc/net/iet/volume`` (see LS024) beside the ietd.conf ietd
    reads; not judged for a target a CIB ``iSCSITarget`` resource creates, nor on
    a node whose capture holds no ietd.conf.

    Example: san1's /proc/net/iet/volume lists ``tid:3
    name:iqn.2026-11.net.example:san1.tmp``; san1's ietd.conf has ``san1.pool``
    and ``san1.web`` only.

    Fix: add the ``Target`` and ``Lun`` lines to ietd.conf (on both boxes of a
    target pair), or remove the target once no initiator uses it (``ietadm
    --op delete --tid=N``).
    """
    if not cluster.has("iet-proc"):
        return
    from ...formats.lines.ietd import IetdDocument

    managed = _crm_targets(cluster)
    for node in cluster.nodes:
        confs = [i for i in _read_ietd(cluster, node) if isinstance(i.doc, IetdDocument)]
        if not confs:
            continue  # no ietd.conf in the capture: nothing to compare with
        configured = {t.name: (c, t) for c in confs for t in _ietd(c).targets}
        for cap, proc in _captures(cluster, node, "volume"):
            for live, found in _namesakes(proc.targets, configured, managed):
                if found is None:
                    yield make(
                        "LS025",
                        f"{node}'s IET exports {live.name} (tid {live.tid}), which its "
                        "ietd.conf does not hold: a restart of ietd drops it",
                        _at(cap, live.line),
                        [c.where() for c in confs],
                    )
                    continue
                conf, t = found
                numbers = {lun.number for lun in t.luns}
                for v in live.volumes:
                    if v.lun not in numbers:
                        yield make(
                            "LS025",
                            f"{node}'s IET exports LUN {v.lun} of {live.name} ({v.path or '?'}), "
                            "which its ietd.conf does not hold: a restart of ietd drops it",
                            _at(cap, v.line),
                            [conf.where(t.entry)],
                        )


def _allow_verdict(line: Any, raw: str, initiator: str, addresses: list[str]) -> bool:
    """``False`` when ietd refuses the initiator by the target's initiators.allow
    ``line`` (``None``: no line names the target or ``ALL``), read as iscsitarget 1.4
    usr/plain.c does (see IS016): a name is a POSIX basic regex matched against the
    whole initiator name, an address or network matches a connection's address.
    ``True`` when it admits it, or when this gives no verdict: a pattern we cannot
    translate, a line ietd reads otherwise than its words (no final newline, a
    ``#`` after the target: IS012's and IS016's)."""
    import ipaddress

    from ... import regex

    if line is None:
        return False
    if not raw.endswith("\n") or "#" in raw.split(None, 1)[-1]:
        return True  # ietd reads it otherwise than its words: IS012 / IS016 say so
    for p in line.peers:
        if p.kind == "all":
            return True
        if p.kind == "name":
            match = regex.bre_fullmatch(p.text, initiator)
            if match is not False:
                return True  # admitted, or a pattern we cannot translate: no verdict
        elif p.network is not None:
            for a in addresses:
                try:
                    if ipaddress.ip_address(a.split("%", 1)[0]) in p.network:
                        return True
                except ValueError:
                    return True  # an address we cannot read: no verdict
    return False


@rule("LS026", "iet-session-not-allowed", "warning", scope="cluster")
def iet_session_not_allowed(cluster: Cluster) -> Iterator[Finding]:
    """An initiator is logged in to a target that initiators.allow no longer admits it to.

    Why it matters: ietd checks the list at login only (iscsitarget usr/iscsid.c
    ``login_start``: ``target_find_by_name(...) < 0 || cops->initiator_access(...)
    < 0`` answers "target not found"). A session older than the list keeps
    running; the first time it logs in again (the target box fails over, the
    network blips, the initiator reboots) ietd refuses it, and the node loses
    the disk in the middle of a failover. Or the list was meant to shut this
    initiator out and does not yet.

    Read from ``/proc/net/iet/session`` (kernel/session.c
    ``iet_session_info_show``: ``\\tsid:N initiator:IQN``, then ``\\t\\tcid:N
    ip:ADDRESS ...`` per connection) beside the initiators.allow ietd reads.
    Judged only where the node's tree holds initiators.allow and no
    initiators.deny (supportconfig logs neither: not judged there); a line read
    otherwise than its words (no final newline, a ``#`` inside) is IS012's and
    IS016's.

    Example: initiators.allow ``iqn.2026-11.net.example:san1.web 10.0.2.1,
    10.0.2.2``; san1's /proc/net/iet/session shows ``initiator:iqn...:xen3``
    logged in to it from ``ip:10.0.2.3``.

    Fix: admit the initiator in initiators.allow (on both boxes of a target
    pair); or, if it is to be shut out, log it out on its side (``iscsiadm -m
    node -T IQN -u``) before it writes more.
    """
    if not cluster.has("iet-proc", "iet-allow"):
        return
    from ...formats.lines.ietallow import IetAllowDocument

    for node in cluster.nodes:
        lists = [
            (i, d)
            for i, d in cluster.typed("iet-allow", IetAllowDocument, node)
            if not i.file.is_section
        ]
        if not lists or any(d.kind == "initiators.deny" for _, d in lists):
            continue
        allow = sorted(
            ((i, d) for i, d in lists if d.kind == "initiators.allow"),
            key=lambda x: x[0].file.path.parent.name != "iet",  # /etc/iet first, as ietd
        )
        if not allow:
            continue
        acl_item, acl = allow[0]
        text = acl.source.split("\n")
        for cap, proc in _captures(cluster, node, "session"):
            for t in proc.targets:
                line = acl.rule(t.name)
                raw = ""
                if line is not None:
                    row, _ = acl.position(line.entry)
                    raw = text[row - 1] + ("\n" if row < len(text) else "") if row else ""
                for s in t.sessions:
                    addresses = [c.address for c in s.connections]
                    if _allow_verdict(line, raw, s.initiator, addresses):
                        continue
                    if line is not None and not addresses:
                        continue  # its address is not shown: no verdict on an address list
                    said = (
                        f"its line ({line.target}) admits neither the name nor "
                        f"{', '.join(addresses)}"
                        if line is not None
                        else "no line names the target or ALL"
                    )
                    yield make(
                        "LS026",
                        f"{s.initiator} is logged in to {t.name} on {node}, but "
                        f"initiators.allow refuses it ({said}): ietd refuses its next login",
                        _at(cap, s.line),
                        [acl_item.where(line.entry) if line is not None else acl_item.where()],
                    )
