"""The initiators: initiatorname.iscsi, iscsid.conf and the node records, as the dom0s log in."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded
from ...findings import Finding
from .. import make, repeats, rule
from ..documents import cib_doc as _cib
from ..documents import initiatorname_doc as _initiator
from ..documents import iscsid_doc as _iscsid
from ..documents import multipath_doc as _mp
from .common import _all_records


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
    set to ``automatic`` afterwards logs in at boot whatever this file says. Where
    the node's tree holds its records (/etc/iscsi/nodes, /var/lib/iscsi/nodes on
    Red Hat), they decide: no finding when every record says ``automatic`` (Debian
    ships iscsid.conf with ``manual`` and its guide sets the records), and the
    message names the records that say ``manual``.

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
        if entry is None or not entry.values or entry.values[0] != "manual":
            continue
        records = _all_records(cluster, item.node)
        manual = [p for p, v in records if str(v.get("node.startup") or "manual") == "manual"]
        if records and not manual:
            continue  # every record logs in at boot (set with iscsiadm -o update)
        said = (
            f"node.startup = manual, and so do the node record(s) {', '.join(manual)}:"
            " they are not logged in at boot"
            if manual
            else "node.startup = manual: targets discovered with this default are not"
            " logged in at boot (each node record keeps its own node.startup: check"
            " /etc/iscsi/nodes or /var/lib/iscsi/nodes)"
        )
        yield make("IS102", said, item.where(entry))


#: The node record key of how long a dead session holds I/O.
_TIMEOUT = "node.session.timeo.replacement_timeout"


#: Above this, a dead path holds I/O longer than multipath users expect.
MULTIPATH_REPLACEMENT_TIMEOUT = 15


def replacement_seconds(cluster: Cluster, item: Loaded) -> tuple[int | None, str]:
    """How long a dead session on the node of iscsid.conf ``item`` holds I/O, and where
    that is said: the node's open-iscsi records' largest value where the tree holds them
    (iscsid uses the records; iscsid.conf only seeds new ones), else iscsid.conf's."""
    timeouts = [
        (v[_TIMEOUT], path)
        for path, v in _all_records(cluster, item.node)
        if isinstance(v.get(_TIMEOUT), int)
    ]
    if timeouts:
        seconds, path = max(timeouts)
        return seconds, f" (node record {path})"
    return _iscsid(item).replacement_timeout, ""


@rule("IS103", "slow-path-failure-under-multipath", "warning", scope="cluster")
def slow_path_failure(cluster: Cluster) -> Iterator[Finding]:
    """``replacement_timeout`` holds I/O on a dead path for long, under dm-multipath.

    Why it matters: with multipath on top, a failed session should report
    errors within seconds so multipathd switches to the other path; with the
    default 120 s, I/O hangs for two minutes at every path failure.

    Example: ``node.session.timeo.replacement_timeout = 120`` on a node with
    multipath.conf.

    Where the node's tree holds its open-iscsi node records, their values count (the
    largest), not iscsid.conf's, which only seeds new records: a record fixed with
    ``iscsiadm -o update`` is not reported, one left at 120 is.

    Fix: ``node.session.timeo.replacement_timeout = 5`` (multipath queues
    instead, as ``no_path_retry`` says). Where the node's multipath.conf queues
    nowhere (no ``no_path_retry`` or ``queue_if_no_path``: multipath fails I/O
    as soon as no path is left), lower it only together with a ``no_path_retry``:
    with one portal (a failover target pair behind one address) the 120 s are
    then all that keeps the domUs' I/O alive while the target moves, and the
    message says so.
    """
    from ..multipath import _queues

    for item in cluster.docs("iscsid"):
        mp = cluster.first("multipath", item.node)
        if mp is None:
            continue
        seconds, source = replacement_seconds(cluster, item)
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
                f"replacement_timeout {seconds}s{source} holds I/O on a dead path before "
                f"multipath may fail over ({advice})",
                item.where(_iscsid(item).entry(_TIMEOUT)),
            )


@rule("IS104", "chap-secret-readable", "warning", formats=("iscsid",))
def chap_secret_readable(item: Loaded) -> Iterator[Finding]:
    """iscsid.conf holds a CHAP password and group or others may read it.

    Why it matters: the CHAP secret is what keeps other hosts on the storage
    network away from the domUs' disks; a world-readable iscsid.conf hands it
    to every local user and service account.

    Example: ``node.session.auth.password`` in an iscsid.conf of mode 0644.

    Fix: ``chmod 600 /etc/iscsi/iscsid.conf``. Not checked where modes say
    nothing about the deployed file: in a git checkout (etckeeper, which
    restores modes, excepted, as git records only 0644 and 0755), or a read-only
    copy (an archive or a shared mount keeps the files, not their deployed modes).
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
