"""The CIB and the domUs against crm_mon, cibadmin -Q, xl list (LS011-13, LS016-17, LS020-21)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..._lazy import lazy_re
from ...cluster import Cluster, Loaded, memberships
from ...findings import Finding
from .. import Once, make, rule
from .common import _at, _short


def _epoch(cib: Any) -> tuple[int, int] | None:
    root = cib.root
    if root is None or getattr(root, "tag", None) != "cib":
        return None
    try:
        return int(root.get("admin_epoch") or 0), int(root.get("epoch") or 0)
    except ValueError:
        return None


@rule("LS011", "cib-on-disk-not-live", "warning", scope="cluster")
def cib_epoch_drift(cluster: Cluster) -> Iterator[Finding]:
    """The CIB on disk is not the one the cluster runs (admin_epoch/epoch differ).

    Why it matters: the CRM writes cib.xml itself on every change, so a file
    whose epoch differs from ``cibadmin -Q``'s was edited by hand, restored
    from a backup or is stale; what xencfg checks in it is not what runs,
    and a hand edit is refused at the next start (signature mismatch) or
    overwritten.

    Example: cib.xml ``epoch="41"``; ``cibadmin -Q`` ``epoch="57"``.

    Fix: make changes with cibadmin / crm; lint ``cibadmin -Q > cib.xml``.
    """
    from ...formats.cib.model import CibDocument

    for node in cluster.nodes:
        lives = [(i, c, _epoch(c)) for i, c in cluster.typed("cib-live", CibDocument, node)]
        for item, cib in cluster.typed("cib", CibDocument, node):
            disk = _epoch(cib)
            for live_item, live, now in lives:
                if disk is not None and now is not None and disk != now:
                    yield make(
                        "LS011",
                        f"cib.xml of {node} is at admin_epoch/epoch {disk[0]}/{disk[1]}, the "
                        f"running CIB at {now[0]}/{now[1]}",
                        item.where(cib.root),
                        [live_item.where(live.root)],
                    )


def _managed_domus(cluster: Cluster) -> tuple[set[str], bool]:
    """Domain names the CIBs' Xen resources start (``name``, else the xmfile's
    ``name =``, else the xmfile's base name; a VirtualDomain's, the ``<name>`` of its
    libvirt XML), and whether any CIB has one."""
    from ...formats.cib.model import CibDocument
    from ...formats.xen.domu import DomUDocument

    by_file: dict[str, str] = {}
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument):
            if domu.name:
                by_file[item.file.path.name] = str(domu.name)
    names: set[str] = set()
    any_xen = False
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.xen_primitives():
                any_xen = True
                if p.param("name"):
                    names.add(str(p.param("name")))
                xmfile = p.xmfile
                if xmfile:
                    base = xmfile.rsplit("/", 1)[-1]
                    names.add(by_file.get(base, base))
                names.add(str(p.id))
            for p in cib.primitives:
                if (p.type or "").lower() == "virtualdomain":
                    any_xen = True
                    names |= _libvirt_name(cluster, str(p.param("config") or ""))[0]
                    names.add(str(p.id))
    return names, any_xen


def _migrating(name: str) -> tuple[str, bool]:
    """A domain's own name under a live migration's temporary one, and whether it is
    the receiving copy: xend renames the source ``migrating-NAME`` (XendCheckpoint
    save), xl names the target ``NAME--incoming`` and the source
    ``NAME--migratedaway`` (xl_cmdimpl.c migrate_domain / migrate_receive)."""
    if name.startswith("migrating-"):
        return name[len("migrating-") :], False
    if name.endswith("--incoming"):
        return name[: -len("--incoming")], True
    if name.endswith("--migratedaway"):
        return name[: -len("--migratedaway")], False
    return name, False


@rule("LS012", "domu-outside-cib", "warning", scope="cluster")
def domu_outside_cib(cluster: Cluster) -> Iterator[Finding]:
    """A running domU that no CIB Xen resource manages, on a cluster that uses them.

    Why it matters: the CRM neither restarts nor moves it, and does not know it
    holds its disk: when the CRM starts the same disk's resource elsewhere
    (or a second copy of the domain), two guests write one disk. Often a domU
    started by hand with ``xm create`` or by xendomains' auto/ link. (A live
    migration's temporary names, xend's ``migrating-NAME`` and xl's
    ``NAME--incoming`` / ``NAME--migratedaway``, are read as ``NAME``; a dying
    domain, state ``d``, which xl lists as ``(null)`` once its name is gone, and
    a managed domain xend only keeps on record, listed by ``xm`` without an ID,
    do not run.) VirtualDomain resources count as Xen's (libvirt's libxl driver,
    ``virsh list``): the domain of each is the ``<name>`` of the libvirt XML its
    ``config`` names (the file's base name when the run lacks it).

    Example: ``xl list`` shows ``test``; the CIB's Xen resources are ``web``
    and ``db``.

    Fix: shut it down, or add a Xen resource for it (and remove its
    /etc/xen/auto link).
    """
    if not cluster.has("xl-list"):
        return
    from ...formats.status.xl_list import XlListDocument

    names, any_xen = _managed_domus(cluster)
    if not any_xen:
        return
    once = Once()
    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domus:
            if d.state and "d" in d.state:
                continue  # dying: being destroyed, no guest runs (xl names it "(null)")
            # ``xencfg capture`` keeps both ``xl list`` and ``xm list`` where both answer
            if _migrating(d.name)[0] not in names and once((item.node, d.name)):
                yield make(
                    "LS012",
                    f"domU '{d.name}' runs on {item.node or '?'} but no CIB Xen resource "
                    "manages it",
                    _at(item, d.line),
                )


@rule("LS013", "domu-running-twice", "error", scope="cluster")
def domu_running_twice(cluster: Cluster) -> Iterator[Finding]:
    """One domU runs on two nodes at once.

    Why it matters: both guests write the same disk image or LUN with their own
    page caches: the file system is corrupted within minutes. (A live migration
    shows the domain paused on the target for a moment; a paused or dying copy
    is not reported, nor a guest of the same name in another heartbeat cluster
    of the run, nor a domain xend only keeps on record: ``xm list`` shows a
    managed domain that is not running without an ID.)

    Example: ``web`` in the ``xl list`` captures of xen1 and xen2.

    Fix: ``xl destroy`` the copy that should not run (the one the CRM does not
    think runs it), then check the file system; find how it was started
    (xendomains auto/, a manual create, no fencing).
    """
    if not cluster.has("xl-list"):
        return
    from ...formats.status.xl_list import XlListDocument

    running: dict[str, list[tuple[Loaded, Any]]] = {}
    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domus:
            if d.state and ("p" in d.state or "d" in d.state):
                continue
            running.setdefault(d.name, []).append((item, d))
    model = cluster.model
    for name, hits in running.items():
        (item, d), others = hits[0], hits[1:]
        # the same name in another heartbeat cluster of the run is another guest
        rest = [(i, x) for i, x in others if model.same_cluster(item.node or "", i.node or "")]
        nodes = sorted({i.node or "?" for i, _ in [(item, d), *rest]})
        if len(nodes) < 2:
            continue
        yield make(
            "LS013",
            f"domU '{name}' runs on {', '.join(nodes)} at once",
            _at(item, d.line),
            [_at(i, x.line) for i, x in rest],
        )


def _mon_docs(cluster: Cluster) -> list[tuple[Loaded, Any]]:
    """Every captured crm_mon XML with its nodes' short names (the cluster it shows)."""
    if not cluster.has("crm-mon-xml"):
        return []  # (without importing crm_mon's module: most runs capture no state)
    from ...formats.status.crm_mon import CrmMonDocument

    return list(cluster.typed("crm-mon-xml", CrmMonDocument))


@rule("LS016", "cluster-resource-failed", "warning", scope="cluster")
def cluster_resource_failed(cluster: Cluster) -> Iterator[Finding]:
    """The cluster manager reports a resource as failed.

    Why it matters: crm_mon marks a resource ``failed="true"`` when an
    operation on it failed and the failure is not cleaned up (crm_mon's XML,
    Pacemaker 1.1 ``--as-xml`` and 2.x ``--output-as=xml``): a failed start
    leaves the service down on that node, a failed stop blocks the resource
    until the node is fenced, and the fail count keeps it away from the node.
    The configuration may be right while the cluster does not run it.

    Example: ``<resource id="db" resource_agent="ocf:heartbeat:Xen"
    role="Started" failed="true">`` in a node's captured ``crm_mon -1
    --output-as=xml``.

    Fix: read the failed action in ``crm_mon -1`` (its exit reason) and the
    node's logs, fix the cause, then ``crm_resource --cleanup -r ID``.
    """
    once = Once()
    for item, mon in _mon_docs(cluster):
        members = frozenset(_short(n.name) for n in mon.nodes)
        for r in mon.resources:
            key = (members, r.id, tuple(sorted(r.nodes)))
            if not r.failed or not once(key):
                continue  # every node's capture shows the same cluster: once
            where = f" on {', '.join(r.nodes)}" if r.nodes else ""
            yield make(
                "LS016",
                f"cluster resource '{r.id}' ({r.agent or '?'}) failed{where}",
                _at(item, r.line),
            )


def _xen_names(cluster: Cluster) -> dict[str, tuple[set[str], bool]]:
    """Each CIB Xen resource id -> its domain's name as the Xen agent takes it (its
    ``name``, else the xmfile's ``name =``, else the resource id), and whether that
    is sure: not when the xmfile is not in the run (its base name is the guess)."""
    from ...formats.cib.model import CibDocument
    from ...formats.xen.domu import DomUDocument

    by_file: dict[str, str] = {}
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument):
            if domu.name:
                by_file[item.file.path.name] = str(domu.name)
    out: dict[str, tuple[set[str], bool]] = {}
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.xen_primitives():
                if p.param("name"):
                    names, sure = {str(p.param("name"))}, True
                elif p.xmfile:
                    base = p.xmfile.rsplit("/", 1)[-1]
                    names, sure = {by_file.get(base, base)}, base in by_file
                else:
                    names, sure = {str(p.id)}, True
                had = out.get(str(p.id))
                if had is not None:  # (the same resource in cib.xml and cibadmin -Q)
                    names, sure = names | had[0], sure and had[1]
                out[str(p.id)] = (names, sure)
            for p in cib.primitives:
                if (p.type or "").lower() == "virtualdomain" and str(p.id) not in out:
                    out[str(p.id)] = _libvirt_name(cluster, str(p.param("config") or ""))
    return out


#: the line resource-agents' VirtualDomain takes the domain's name from (``DOMAIN_NAME``:
#: ``egrep '[[:space:]]*<name>.*</name>[[:space:]]*$' $OCF_RESKEY_config``, then sed)
_LIBVIRT_NAME = lazy_re(r"^\s*<name>(.*)</name>\s*$", re.M)


def _libvirt_name(cluster: Cluster, config: str) -> tuple[set[str], bool]:
    """A VirtualDomain resource's domain name from the libvirt XML its ``config`` names,
    read from the first node tree that holds it (sure), else the file's base name
    without ``.xml`` (a guess: the XML is outside the run)."""
    from ...discover import etc_file_text

    base = config.rsplit("/", 1)[-1].removesuffix(".xml")
    if config.startswith("/etc/"):
        for node in cluster.nodes:
            tree = cluster.tree(node)
            text = etc_file_text(tree, tree.etc / config[5:], 1 << 20) if tree else None
            found = _LIBVIRT_NAME.search(text or "")
            if found:
                return {found[1]}, True
    return {base}, False


@rule("LS017", "xen-resource-not-where-crm-says", "error", scope="cluster")
def xen_resource_elsewhere(cluster: Cluster) -> Iterator[Finding]:
    """A domU does not run on the node where the cluster manager says its Xen resource runs.

    Why it matters: crm_mon shows the Xen resource started on one node, while
    that node's ``xl list`` / ``xm list`` has no such domain, or another node's
    has it (or the CRM reports the resource stopped while a node runs the
    domain; a paused copy, a live migration's target, is not counted there).
    The CRM's picture is wrong: it will not restart the guest that
    died behind its back, and when it starts it on its node while the copy
    runs elsewhere, two guests write one disk. (Compared only where both the
    crm_mon and the node's domain list were captured, and "missing" only where
    the domain's name is known: the agent's ``name``, the ``name =`` of an
    xmfile the run holds, or the resource id when there is no xmfile.)
    VirtualDomain resources (libvirt's libxl driver, SLES 12 and later) alike,
    against ``virsh list``: the domain's name is the ``<name>`` of the libvirt
    XML the ``config`` parameter names (resource-agents VirtualDomain
    ``DOMAIN_NAME``), known when a node tree of the run holds that file.

    Example: crm_mon ``<resource id="web" resource_agent="ocf:heartbeat:Xen"
    ...><node name="alpha"/>``; alpha's ``xl list`` has only Domain-0, beta's
    has ``web``.

    Fix: find which copy is real (``xl list`` on every node), ``xl destroy``
    a copy the CRM does not know of, then ``crm_resource --cleanup -r ID`` so
    the CRM probes the domain again.
    """
    if not cluster.has("xl-list") or not cluster.has("crm-mon-xml"):
        return
    from ...formats.status.xl_list import XlListDocument

    # node -> (its list, the domains there, those of them not paused: a live
    # migration's target holds the domain paused until it takes over)
    lists: dict[str, tuple[Loaded, set[str], set[str]]] = {}
    for node in cluster.nodes:
        for item, xl in cluster.typed("xl-list", XlListDocument, node):
            if xl.domains:  # a list with Domain-0 at least: the hypervisor answered
                mine = lists.setdefault(_short(node), (item, set(), set()))
                for d in xl.domus:
                    name, target = _migrating(d.name)
                    if not (d.state and "d" in d.state):
                        mine[1].add(name)
                        if not (target or (d.state and "p" in d.state)):
                            mine[2].add(name)
    if not lists:
        return
    names = _xen_names(cluster)
    once = Once()
    for item, mon in _mon_docs(cluster):
        # only the nodes this crm_mon shows: another cluster's node, or one whose name
        # the capture lacks (a folder's name), is no place the CRM put anything
        members = {_short(n.name) for n in mon.nodes}
        for r in mon.resources:
            kind = (r.agent or "").rsplit(":", 1)[-1]
            if kind.lower() not in ("xen", "virtualdomain") or not r.managed:
                continue  # (an unmanaged resource: the CRM does not act on it)
            # (a resource no CIB of the run has: its domain's name is not known)
            domains, sure = names.get(r.base_id, ({r.base_id}, False))
            on = {_short(n) for n in r.nodes} if r.active else set()
            for node, (xl_item, running, unpaused) in lists.items():
                if members and node not in members:
                    continue
                here = bool(domains & running)
                if node in on and not here and sure:
                    text = (
                        f"the CRM reports {kind} resource '{r.id}' started on {node}; "
                        f"{node}'s domain list has no domain {' or '.join(sorted(domains))}"
                    )
                elif node not in on and domains & unpaused:
                    there = f"on {', '.join(r.nodes)}" if on else "stopped"
                    text = (
                        f"domain {' or '.join(sorted(domains & unpaused))} runs on {node}; "
                        f"the CRM reports its resource '{r.id}' {there}"
                    )
                else:
                    continue
                if not once((r.id, node, text)):
                    continue
                yield make("LS017", text, _at(item, r.line), [_at(xl_item, 1)])


def _banned(cib: Any) -> dict[str, list[tuple[Any, set[str], bool]]]:
    """Resource id -> the ``-INFINITY`` locations on it: ``(element, node names,
    only)``: the nodes it may never run on, or (``only``) the one it may only run on
    (``#uname ne NODE``). Only the forms whose meaning is plain: ``node=`` with
    ``score="-INFINITY"``, or rules of that score made of ``#uname`` expressions
    alone (heartbeat 2 writes every location so); a role, a date or any other
    attribute leaves the constraint out."""
    from ...formats.cib.values import INFINITY

    out: dict[str, list[tuple[Any, set[str], bool]]] = {}
    for loc in cib.locations:
        if not loc.rsc or loc.role is not None:
            continue
        if loc.node and loc.score == -INFINITY:
            out.setdefault(loc.rsc, []).append((loc.el, {_short(loc.node)}, False))
        for when in loc.rules:
            exprs = when.expressions
            if when.score != -INFINITY or when.role is not None or when.rules or not exprs:
                continue
            if any(e.attribute != "#uname" or e.value is None for e in exprs):
                continue
            ops = {e.operation for e in exprs}
            names = {_short(e.value or "") for e in exprs}
            if ops == {"eq"} and (len(exprs) == 1 or when.boolean_op == "or"):
                out.setdefault(loc.rsc, []).append((when.el, names, False))
            elif ops == {"ne"} and len(exprs) == 1:
                out.setdefault(loc.rsc, []).append((when.el, names, True))
    return out


def _lineage(resources: dict[str, Any], rid: str) -> list[str]:
    """``rid`` and the groups and clones that hold it in the CIB (a location on any
    of them binds it); ``resources`` is the CIB's by id (see :func:`_by_id`)."""
    from ...formats.cib.views import ids_around

    res = resources.get(rid)
    return [rid] if res is None else ids_around(res.el)


def _by_id(cib: Any) -> dict[str, Any]:
    """The CIB's resources by id, the first of an id as ``cib.resource()`` finds it (one
    lookup per crm_mon resource scanned them all: quadratic, 2,000 took 8 s)."""
    out: dict[str, Any] = {}
    for r in cib.all_resources():
        out.setdefault(r.id, r)
    return out


@rule("LS020", "resource-where-cib-forbids", "error", scope="cluster")
def resource_where_forbidden(cluster: Cluster) -> Iterator[Finding]:
    """The cluster manager reports a resource on a node where the CIB forbids it.

    Why it matters: a ``-INFINITY`` location (``rsc_location rsc=R node=N
    score="-INFINITY"``, or a rule ``#uname eq N`` of that score) keeps the
    resource off the node whatever else happens: the policy engine never starts
    it there (Pacemaker Explained, *Scores*: "-INFINITY ... the resource can
    never run there"). crm_mon showing it there means the cluster does not run
    this configuration: the CIB on disk was edited or restored and never
    loaded, or a constraint was removed live and the file is stale, or the
    resource was started by hand outside the CRM (unmanaged, maintenance mode).
    Such constraints keep a domU off a node without its DRBD disk, a fencing
    device off the node it fences.

    Example: cib.xml ``<rsc_location id="mail-not-on-xen3" rsc="vm-mail"
    node="xen3" score="-INFINITY"/>``; xen1's ``crm_mon -1 -n`` lists
    ``vm-mail`` under ``Node xen3``.

    Fix: compare ``cibadmin -Q`` with cib.xml (LS011), load the intended CIB
    (``cibadmin --replace``), and move the resource away (``crm_resource
    --move``, or stop it by hand where it was started outside the CRM).
    """
    if not cluster.has("crm-mon-xml"):
        return
    from ...formats.cib.model import CibDocument

    once = Once()
    for item, mon in _mon_docs(cluster):
        cibs = [
            (i, c)
            for fmt in ("cib-live", "cib")
            for i, c in cluster.typed(fmt, CibDocument, item.node)
        ]
        for cib_item, cib in cibs:
            banned = _banned(cib)
            if not banned:
                continue
            resources = _by_id(cib)
            for r in mon.resources:
                if not r.active:
                    continue
                for rid in _lineage(resources, r.base_id):
                    for el, names, only in banned.get(rid, ()):
                        for node in r.nodes:
                            short = _short(node)
                            if (short in names) == only or not once((r.base_id, short)):
                                continue
                            yield make(
                                "LS020",
                                f"the CRM reports '{r.id}' on {node}; the CIB forbids it there "
                                f"(a -INFINITY location on '{rid}')",
                                _at(item, r.line),
                                [cib_item.where(el)],
                            )


@rule("LS021", "cluster-member-not-online", "warning", scope="cluster")
def member_not_online(cluster: Cluster) -> Iterator[Finding]:
    """A node the cluster files make a member is offline, or UNCLEAN, in crm_mon (or
    not a member in ``cman_tool nodes``).

    Why it matters: ha.cf, corosync.conf, cluster.conf or the CIB count the node in; the
    captured ``crm_mon`` of a node shows it ``OFFLINE`` (the cluster runs
    without it: one more failure and services stop, and with two nodes quorum
    rests on the survivor alone) or ``UNCLEAN`` (it left without being fenced:
    the CRM cannot know what it still writes, and holds back its resources
    until fencing succeeds). A node in standby or maintenance is online and is
    not reported; a node whose own crm_mon shows the others offline is a
    partition (split brain): each capture says what its node sees. On a cman
    cluster (RHEL 5/6, rgmanager or Pacemaker), whose sosreports hold no crm_mon
    before sos 3.3, ``cman_tool nodes`` (sos's cluster plugin) tells the same: a node
    shown ``X`` is not a member, ``d`` was disallowed (it rejoined with state the
    cluster refuses, cman_tool/main.c print_node).

    Example: ha.cf ``node xen1 xen2 xen3``; xen1's ``crm_mon -1`` has
    ``OFFLINE: [ xen3 ]``.

    Fix: bring the node back (heartbeat or pacemaker started, its links up);
    for UNCLEAN, fix fencing (``stonith_admin``, the fence device's log)
    before anything else.
    """
    if not cluster.has("crm-mon-xml") and not cluster.has("cman-nodes"):
        return
    declared: dict[str, Any] = {}  # short name -> where a member file names it
    for m in memberships(cluster):
        if m.source in ("ha.cf", "corosync", "cman", "cib"):
            for name in m.names:
                declared.setdefault(_short(name), m.where(name))
    once = Once()  # once per node: every member's capture shows the same
    for item, name, line, state, shown_by in _out_of_cluster(cluster):
        short = _short(name)
        if short not in declared or not once(short):
            continue
        yield make(
            "LS021",
            f"member {name} is {state} ({shown_by} of {item.node or '?'})",
            _at(item, line),
            [declared[short]],
        )


#: cman_tool nodes' states of a node out of the cluster (cman_tool/main.c print_node)
_CMAN_OUT = {
    "X": "not a cman member: the cluster runs without it",
    "d": "disallowed by cman (it rejoined with state the cluster refuses)",
}


def _out_of_cluster(cluster: Cluster) -> Iterator[tuple[Loaded, str, int, str, str]]:
    """Each node a capture shows out of the cluster, with why and which capture says
    so: crm_mon's OFFLINE or UNCLEAN, cman_tool nodes' ``X`` or ``d``."""
    for item, mon in _mon_docs(cluster):
        for n in mon.nodes:
            if n.unclean:
                why = "UNCLEAN: it left without being fenced, the CRM holds its resources back"
                yield item, n.name, n.line, why, "crm_mon"
            elif not n.online:
                yield item, n.name, n.line, "OFFLINE: the cluster runs without it", "crm_mon"
    if cluster.has("cman-nodes"):
        from ...formats.status.cman_nodes import CmanNodesDocument

        for item, doc in cluster.typed("cman-nodes", CmanNodesDocument):
            for c in doc.nodes:
                if c.state in _CMAN_OUT:
                    yield item, c.name, c.line, _CMAN_OUT[c.state], "cman_tool nodes"
