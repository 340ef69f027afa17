"""What the iSCSI rules share: the ietd.conf ietd reads, its targets, the node's tree."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...cluster import Cluster, Loaded, ietd_not_read


def _read_ietd(cluster: Cluster, node: str | None = None) -> Iterator[Loaded]:
    """The ietd.conf files ietd reads (of ``node``, or of every node): not those
    :func:`ietd_not_read` finds dead."""
    return (i for i in cluster.docs("ietd", node) if ietd_not_read(i) is None)


def _node_root(item: Loaded) -> Path | None:
    """The node's ``/`` as discovery found it, or ``None`` when the file has no tree
    with one (a loose file outside any ``etc`` folder, an etckeeper checkout): then
    nothing tells where the node's other files are."""
    return item.file.tree.slash if item.file.tree is not None else None


#: The node record keys of a CHAP login (open-iscsi idbm.c).
_AUTH_KEYS = (
    "node.session.auth.authmethod",
    "node.session.auth.username",
    "node.session.auth.password",
)


#: What lint reads of a node record: the login, whether it logs in at boot, how long a
#: dead session holds I/O (open-iscsi idbm.c ``idbm_recinfo_node``).
_RECORD_KEYS = (
    *_AUTH_KEYS,
    "node.name",
    "node.startup",
    "node.session.timeo.replacement_timeout",
    "node.conn[0].address",
)


def _all_records(cluster: Cluster, node: str | None) -> list[tuple[str, dict[str, Any]]]:
    """Every open-iscsi node record of ``node`` (all its targets), as
    :func:`_node_records` reads them; none for a loose file."""
    if not node:
        return []

    def compute() -> list[tuple[str, dict[str, Any]]]:
        return [r for t in _record_targets(cluster, node) for r in _node_records(cluster, node, t)]

    return cluster.fact(f"iscsi-node-records:{node}:*", compute)


def _record_targets(cluster: Cluster, node: str) -> list[str]:
    """The target folders of ``node``'s node record databases (resolved inside the node
    root, as :func:`_node_records` resolves them)."""
    from ...errors import XencfgError
    from ...syntax.source import resolve_in_root

    item = cluster.first("iscsid", node) or cluster.first("initiatorname", node)
    root = _node_root(item) if item is not None else None
    if root is None:
        return []
    names: set[str] = set()
    for base in _NODE_DIRS:
        try:
            folder = resolve_in_root(root, base)
        except XencfgError:
            continue
        names.update(e.name for e in _plain_entries(folder) if e.is_dir(follow_symlinks=False))
    return sorted(names)


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
    from ...errors import XencfgError
    from ...formats.lines import iscsid
    from ...syntax.source import read_text, resolve_in_root

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
        values = {k: doc.value(k) for k in _RECORD_KEYS}
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


# -- what ocf:heartbeat:iSCSILogicalUnit uses when a parameter is not set -----------------
# resource-agents heartbeat/iSCSILogicalUnit(.in), since 2009-07 (b89b20670): the
# defaults come from $OCF_RESOURCE_INSTANCE, the resource's id (a clone's instance adds
# ":N", so a cloned logical unit's defaults are not worked out here).


def cloned_ids(cib: Any) -> set[str]:
    """The ids of the resources inside a clone or master of a CIB document."""
    return {
        x.id
        for r in cib.all_resources()
        if r.kind in ("clone", "master")
        for x in r.walk()
        if x is not r
    }


def agent_scsi_id(p: Any, cloned: set[str]) -> str | None:
    """The ScsiId the agent hands IET: ``scsi_id``, else ``${OCF_RESOURCE_INSTANCE:0:16}``
    (OCF_RESKEY_scsi_id_default); ``None`` for a cloned resource without it."""
    given = p.param("scsi_id")
    if given:
        return str(given)
    return None if p.id in cloned or not p.id else str(p.id)[:16]


def agent_scsi_sn(p: Any, cloned: set[str]) -> str | None:
    """The unit serial the agent gives LIO (``wwn=`` / vpd_unit_serial): ``scsi_sn``, else
    the first 8 hex digits of the MD5 of ``$OCF_RESOURCE_INSTANCE``
    (OCF_RESKEY_scsi_sn_default, ``echo -n ... | md5sum``); ``None`` for a cloned
    resource without it."""
    import hashlib

    given = p.param("scsi_sn")
    if given:
        return str(given)
    if p.id in cloned or not p.id:
        return None
    return hashlib.md5(str(p.id).encode("utf-8", "surrogateescape")).hexdigest()[:8]
