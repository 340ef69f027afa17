"""multipath: aliases, bindings, paths and maps against multipath -ll (LS006-LS008, LS022)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from .. import Once, make, rule
from .common import _at

if TYPE_CHECKING:
    from ...formats.status.multipath_ll import Map


@rule("LS006", "multipath-alias-drift", "error", scope="cluster")
def multipath_alias_drift(cluster: Cluster) -> Iterator[Finding]:
    """A running multipath map's alias or WWID differs from multipath.conf.

    Why it matters: multipath.conf binds ``alias`` to ``wwid``; domU configs and
    the CIB name the disk ``/dev/mapper/ALIAS``. When the running map of that
    WWID has another name, the configured name does not exist (the domU fails
    to start); when the name is carried by another WWID (a stale bindings file,
    a conf edited without ``multipathd reconfigure``), the domU opens
    another LUN and writes over its data.

    Example: multipath.conf ``wwid 3600a0b8...4e alias web``; ``multipath -ll``
    shows ``web (3600a0b8...99) dm-1``.

    With ``user_friendly_names yes`` a map multipath.conf gives no alias is named
    from the bindings file (/etc/multipath/bindings): a map running under the name
    the file binds to its WWID is no drift; one running under another name, or under
    a name the file binds to another WWID, is (multipathd renames it to the file's
    name at the next ``reconfigure`` or reboot: alias.c ``get_user_friendly_alias``).

    Fix: ``multipathd -k'reconfigure'`` (or ``multipath -r``) after checking
    that nothing has the wrong disk open; fix /etc/multipath/bindings.
    """
    if not cluster.has("multipath-ll"):
        return
    from ...formats.multipath import MultipathDocument
    from ...formats.status.multipath_ll import MultipathLlDocument
    from ..multipath import node_bindings

    for node in cluster.nodes:
        conf: dict[str, tuple[str, Any]] = {}  # wwid -> (alias, where multipath.conf says so)
        for item, conf_doc in cluster.typed("multipath", MultipathDocument, node):
            for m in conf_doc.multipaths:
                if m.wwid and m.alias:
                    conf[m.wwid] = (m.alias, item.where(m.block))
        bound = node_bindings(cluster, node)
        if not conf and not bound:
            continue
        by_alias = {a: (w, at) for w, (a, at) in conf.items()}
        for item, ll in cluster.typed("multipath-ll", MultipathLlDocument, node):
            for mp in ll.maps:
                if mp.wwid not in conf and mp.alias not in by_alias:
                    yield from _bindings_drift(node, item, mp, bound)
                    continue
                want = conf.get(mp.wwid)
                if want is not None and want[0] != mp.alias:
                    yield _drift(node, item, mp, f"multipath.conf names it '{want[0]}'", want[1])
                other = by_alias.get(mp.alias)
                if other is not None and other[0] != mp.wwid:
                    said = f"multipath.conf gives that alias to {other[0]}"
                    yield _drift(node, item, mp, said, other[1], carries=True)


def _drift(
    node: str, item: Loaded, mp: Map, said: str, where: Location, *, carries: bool = False
) -> Finding:
    """LS006 for running map ``mp``: its WWID runs under another name than ``said``
    (multipath.conf's or the bindings file's, at ``where``) gives it, or (``carries``)
    its name is given to another WWID there."""
    if carries:
        head = f"map '{mp.alias}' on {node} carries WWID {mp.wwid}"
    else:
        head = f"map of WWID {mp.wwid} runs as '{mp.alias}' on {node}"
    return make("LS006", f"{head}; {said}", _at(item, mp.line), [where])


def _bindings_drift(node: str, item: Loaded, mp: Map, bound: dict[str, Any]) -> Iterator[Finding]:
    """LS006 for a map multipath.conf gives no alias: its running name against the
    node's bindings file (``bound``: alias -> (WWID, file, line))."""
    if not bound or not mp.wwid:
        return
    names = sorted(a for a, (w, _, _) in bound.items() if w == mp.wwid)
    carried = bound.get(mp.alias)
    if carried is not None and carried[0] != mp.wwid:
        said = f"the bindings file gives that name to {carried[0]}"
        yield _drift(node, item, mp, said, carried[1].where(carried[2]), carries=True)
    elif names and mp.alias not in names:
        first = bound[names[0]]
        said = f"the bindings file names it '{names[0]}'"
        yield _drift(node, item, mp, said, first[1].where(first[2]))


@rule("LS007", "multipath-failed-path", "warning", scope="cluster")
def multipath_failed_path(cluster: Cluster) -> Iterator[Finding]:
    """A path of a running multipath map is failed or faulty.

    Why it matters: the map runs on fewer paths than it was built for; one more
    failure (a switch, a target box reboot) and I/O queues or fails. Nobody
    notices: the map stays up.

    Example: ``` `- 3:0:0:1 sdc 8:32 failed faulty running``. (A path whose
    check is still under way, ``i/o pending``, or was not run, ``undef``, is
    not known to be down and is not reported.)

    Fix: find the path's fault (``iscsiadm -m session -P 3`` for iSCSI, the
    switch, the HBA); ``multipathd -k'reinstate path sdc'`` once it is back.
    """
    if not cluster.has("multipath-ll"):
        return
    from ...formats.status.multipath_ll import MultipathLlDocument

    for item, ll in cluster.typed("multipath-ll", MultipathLlDocument):
        for mp in ll.maps:
            for p in mp.paths:
                if p.failed:
                    yield make(
                        "LS007",
                        f"path {p.device} of map '{mp.alias}' is {p.dm_state}/{p.path_state}",
                        _at(item, p.line),
                    )


@rule("LS008", "multipath-fewer-paths-than-sessions", "warning", scope="cluster")
def multipath_fewer_paths(cluster: Cluster) -> Iterator[Finding]:
    """A multipath map has fewer working paths than the node has iSCSI sessions to its LUN.

    Why it matters: each logged-in session (one per portal) gives the LUN a
    disk; a disk that is not a working path of the map (blacklisted, not
    claimed after a rescan, failed) means the redundancy the sessions were
    set up for is not there.

    Example: two sessions to ``iqn...:san1.pool`` each with LUN 1 (``sdb``,
    ``sdc``); map ``pool`` has ``sdb`` only.

    Fix: ``multipath -r``, check the blacklist and ``find_multipaths``; LS007
    for failed paths.
    """
    if not cluster.has("iscsi-session"):
        return
    from ...formats.status.iscsi_session import IscsiSessionDocument
    from ...formats.status.multipath_ll import MultipathLlDocument

    for node in cluster.nodes:
        sessions = [
            (i, s)
            for i, d in cluster.typed("iscsi-session", IscsiSessionDocument, node)
            for s in d.sessions
        ]
        if not sessions:
            continue
        for item, ll in cluster.typed("multipath-ll", MultipathLlDocument, node):
            for mp in ll.maps:
                devs = {p.device for p in mp.paths}
                luns = {
                    (s.target, lun.lun) for _, s in sessions for lun in s.luns if lun.disk in devs
                }
                if not luns:
                    continue
                expected = sum(
                    1
                    for _, s in sessions
                    if s.logged_in and any((s.target, x.lun) in luns for x in s.luns)
                )
                # (a path whose check is still pending is not known to be down)
                ok = sum(1 for p in mp.paths if not p.failed)
                if ok < expected:
                    yield make(
                        "LS008",
                        f"map '{mp.alias}' on {node} has {ok} working path(s) for "
                        f"{expected} logged-in iSCSI session(s) to its LUN",
                        _at(item, mp.line),
                    )


@rule("LS022", "multipath-map-not-running", "warning", scope="cluster")
def multipath_map_not_running(cluster: Cluster) -> Iterator[Finding]:
    """A LUN the node is logged in to has no running multipath map, though
    multipath.conf names it.

    Why it matters: the node's iSCSI session to the target is logged in, the
    target box's ietd.conf exports the LUN with the ``ScsiId`` whose WWID
    multipath.conf binds to an alias; yet ``multipath -ll`` shows no map of that
    WWID: ``/dev/mapper/ALIAS`` does not exist on the node, so the domU or file
    system that opens it cannot start there (or someone pointed it at the bare
    ``sdX``, one path with no failover). Usually the disk was blacklisted
    (``find_multipaths`` without the WWID in /etc/multipath/wwids, a blacklist
    pattern too wide) or multipathd was not told of a new login.

    Example: multipath.conf ``wwid 1IET_____db000001 alias db``; san2's
    ietd.conf ``Lun 0 Path=/dev/vg0/db,ScsiId=db000001`` in ``san2.db``; xen3
    is logged in to ``san2.db`` and its ``multipath -ll`` has ``pool`` and
    ``web`` only.

    Fix: ``multipath -v2`` (or ``multipath -a /dev/sdX`` then ``multipath
    -r``) and read why it leaves the disk out (``multipath -v3``); check the
    blacklist. Judged only where both ``multipath -ll`` (with a map) and the
    sessions were captured.
    """
    if not cluster.has("iscsi-session") or not cluster.has("multipath-ll"):
        return
    from ...formats.multipath import MultipathDocument
    from ...formats.status.iscsi_session import IscsiSessionDocument
    from ...formats.status.multipath_ll import MultipathLlDocument

    chain = [link for link in cluster.model.chain if link.target and link.wwid]
    if not chain:
        return
    for node in cluster.nodes:
        lls = [(i, d) for i, d in cluster.typed("multipath-ll", MultipathLlDocument, node)]
        lls = [(i, d) for i, d in lls if d.maps]
        logged = {
            s.target
            for _, d in cluster.typed("iscsi-session", IscsiSessionDocument, node)
            for s in d.sessions
            if s.logged_in
        }
        if not lls or not logged:
            continue
        running = {x for _, d in lls for mp in d.maps for x in (mp.wwid, mp.alias)}
        conf: dict[str, tuple[str | None, Any]] = {}  # wwid -> (alias, where)
        for item, doc in cluster.typed("multipath", MultipathDocument, node):
            for m in doc.multipaths:
                if m.wwid:
                    conf.setdefault(m.wwid, (m.alias, item.where(m.block)))
        once = Once()
        for link in chain:
            wwid = link.wwid or ""
            if link.target not in logged or wwid not in conf:
                continue
            alias, where = conf[wwid]
            if wwid in running or (alias and alias in running) or not once(wwid):
                continue
            name = f"'{alias}' ({wwid})" if alias else wwid
            yield make(
                "LS022",
                f"{node} is logged in to {link.target} (LUN {link.lun} on {link.box or '?'}), "
                f"but no multipath map {name} runs there",
                _at(lls[0][0], 1),
                [where],
            )
