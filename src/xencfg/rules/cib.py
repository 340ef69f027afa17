"""CIB rules (ciblint's heritage): ids, dangling constraints, fencing, monitoring,
passwords, option names, and how the CIB fits the domU, DRBD and OCFS2 files.

The CIB fragments of one cluster (files loaded with ``cibadmin -C``) are one
CIB to these rules: a constraint in one fragment may name a resource of another.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Cluster, Loaded, memberships
from ..findings import Finding
from . import make, rule

#: STONITH agents meant for testing: they cannot fence a hung or powerless node.
TEST_STONITH = frozenset({"null", "ssh", "external/ssh", "suicide"})


def _cibs(cluster: Cluster) -> list[Loaded]:
    return list(cluster.docs("cib"))


def _tag(el: Any) -> str:
    return str(el.tag).rsplit("}", 1)[-1]


@rule("CB001", "duplicate-id", "error", scope="cluster")
def duplicate_id(cluster: Cluster) -> Iterator[Finding]:
    """Two CIB elements share an ``id``.

    Why it matters: the CIB addresses every object by id. ``cibadmin``
    replaces or merges the wrong element, and heartbeat 2 reports "duplicate
    id" and refuses the update. Across fragments, the same id on a different
    kind of element (or another attribute name) overwrites what the first
    fragment created.

    Example: ``<primitive id="host1">`` with ``<instance_attributes id="host1">``.

    Fix: make every id unique, e.g. ``host1-ia`` for the attribute set.
    """
    first_seen: dict[str, tuple[Loaded, Any]] = {}
    for item in _cibs(cluster):
        for ident, elements in item.doc.ids().items():  # type: ignore[attr-defined]
            for el in elements[1:]:
                yield make(
                    "CB001",
                    f"id '{ident}' is used by <{_tag(elements[0])}> and <{_tag(el)}>",
                    item.where(el),
                    [item.where(elements[0])],
                )
            el = elements[0]
            other = first_seen.setdefault(ident, (item, el))
            if other[0] is item:
                continue
            prev = other[1]
            # a later fragment that modifies the same object (same tag, same name) is an edit
            if _tag(prev) != _tag(el) or prev.get("name") != el.get("name"):
                yield make(
                    "CB001",
                    f"id '{ident}' is {_describe(prev)} in one fragment and {_describe(el)} here",
                    item.where(el),
                    [other[0].where(prev)],
                )


def _describe(el: Any) -> str:
    name = el.get("name")
    return f"<{_tag(el)} name='{name}'>" if name else f"<{_tag(el)}>"


def _resource_ids(cluster: Cluster) -> set[str]:
    return {
        r.id
        for item in _cibs(cluster)
        for r in item.doc.all_resources()  # type: ignore[attr-defined]
        if r.id
    }


@rule("CB002", "constraint-names-missing-resource", "error", scope="cluster")
def missing_resource(cluster: Cluster) -> Iterator[Finding]:
    """A constraint names a resource no CIB file defines.

    Why it matters: the cluster ignores the constraint (Pacemaker 1.0 refuses
    the whole update), so the ordering or placement it was written for does
    not happen: a domU starts before its storage.

    Example: ``<rsc_order from="nfs" to="configpool"/>`` with the clone
    called ``configpool-clone``.

    Fix: use the resource's id (for a clone: the clone's id).
    """
    known = _resource_ids(cluster)
    if not known:
        return
    for item in _cibs(cluster):
        for ref in item.doc.references():  # type: ignore[attr-defined]
            if ref.kind == "resource" and ref.target not in known:
                yield make(
                    "CB002",
                    f"{_tag(ref.source)} {ref.attribute}='{ref.target}' names no resource",
                    item.where(ref.source),
                )


def _node_names(cluster: Cluster) -> set[str]:
    names = {n.lower() for n in cluster.nodes}
    for m in memberships(cluster):
        names.update(n.lower() for n in m.names)
    return names


@rule("CB003", "constraint-names-missing-node", "error", scope="cluster")
def missing_node(cluster: Cluster) -> Iterator[Finding]:
    """A location constraint names a node that is not in the cluster.

    Why it matters: the preference or ban applies to a node that never
    joins; the resource runs where nobody meant it to (often: not where its
    storage is).

    Example: ``<rsc_location ... node="xen-1">`` in a cluster of xen1 and xen2.

    Fix: use the node's ``uname -n``.
    """
    known = _node_names(cluster)
    if not known:
        return
    for item in _cibs(cluster):
        for ref in item.doc.references():  # type: ignore[attr-defined]
            if ref.kind == "node" and ref.target.lower() not in known:
                yield make(
                    "CB003",
                    f"location names node '{ref.target}', not a cluster node "
                    f"({', '.join(sorted(known))})",
                    item.where(ref.source),
                )


def _xmfile(p: Any) -> str | None:
    value = p.instance_attributes.get("xmfile")
    return value if isinstance(value, str) and value else None


def _domu_files(cluster: Cluster) -> dict[str, Loaded]:
    """domU configs by the path a node sees them at (``/etc/xen/vm/nfs.xm``)."""
    out: dict[str, Loaded] = {}
    for fmt in ("xm", "xl"):
        for item in cluster.docs(fmt):
            display = item.file.display.replace("\\", "/")
            at = display.find("/etc/")
            out["/" + display[at + 1 :] if at >= 0 else display] = item
    return out


@rule("CB004", "xmfile-not-found", "warning", scope="cluster")
def xmfile_not_found(cluster: Cluster) -> Iterator[Finding]:
    """A Xen resource's ``xmfile`` is not among the domU configs of the nodes.

    Why it matters: the Xen agent runs ``xm create FILE``; a missing file
    means the guest cannot start on that node, and the cluster marks the
    resource failed there.

    Example: ``xmfile=/etc/xen/vm/sles.xm`` with no such file on the nodes.

    Fix: put the config on every node (or on the shared config pool) at
    that path, or correct the path.
    """
    if not cluster.nodes:
        return  # linting CIB files on their own: no node to look in
    files = _domu_files(cluster)
    for item in _cibs(cluster):
        for p in item.doc.xen_primitives():  # type: ignore[attr-defined]
            path = _xmfile(p)
            if path and path not in files:
                yield make(
                    "CB004",
                    f"Xen resource {p.id} uses xmfile {path}, which no node has",
                    item.where(p),
                )


def _allows_two_primaries(cluster: Cluster, resource: str) -> bool | None:
    for item in cluster.docs("drbd"):
        for res in item.doc.resource_list():  # type: ignore[attr-defined]
            if res.name != resource:
                continue
            hosts = [h for h in res.host_list if h.kind == "on"]
            if not hosts:
                return None
            net = res.effective(hosts[0].name).sections_84.get("net", {})
            value = net.get("allow-two-primaries")
            return value is True or (isinstance(value, str) and value.lower() not in ("no",))
    return None


@rule("CB005", "migration-without-dual-primary", "error", scope="cluster")
def migration_without_dual_primary(cluster: Cluster) -> Iterator[Finding]:
    """A Xen resource may live-migrate, but its DRBD disk allows one primary only.

    Why it matters: during a live migration the guest runs on both nodes for
    a moment, so both must have the DRBD device primary; without
    ``allow-two-primaries`` the target cannot open the disk and the
    migration fails (the cluster then stops and restarts the guest).

    Example: ``allow_migrate=true`` on a domU with ``drbd:vm_shaolin`` whose
    resource has no ``net { allow-two-primaries; }``.

    Fix: add ``allow-two-primaries`` (with protocol C) to the resource, or
    drop ``allow-migrate``.
    """
    files = _domu_files(cluster)
    for item in _cibs(cluster):
        for p in item.doc.xen_primitives():  # type: ignore[attr-defined]
            path = _xmfile(p)
            if not p.allow_migrate or path is None or path not in files:
                continue
            for disk in files[path].doc.disks:  # type: ignore[attr-defined]
                res = disk.drbd_resource
                if res and _allows_two_primaries(cluster, res) is False:
                    yield make(
                        "CB005",
                        f"{p.id} may live-migrate, but DRBD resource {res} allows one primary",
                        item.where(p),
                        [files[path].where(files[path].doc.assignment("disk"))],  # type: ignore[attr-defined]
                    )


def _stonith_enabled(doc: Any) -> bool | None:
    value = doc.option("stonith-enabled")
    if value is None:
        return None
    return value.lower() in ("true", "yes", "on", "1")


def _complete_cibs(cluster: Cluster) -> list[Loaded]:
    return [i for i in _cibs(cluster) if not i.doc.is_fragment]  # type: ignore[attr-defined]


def _has_stonith(cluster: Cluster) -> bool:
    return any(i.doc.stonith_resources() for i in _cibs(cluster))  # type: ignore[attr-defined]


@rule("CB006", "stonith-enabled-without-device", "error", scope="cluster")
def stonith_without_device(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is enabled but no STONITH resource exists.

    Why it matters: the cluster must fence a failed node before it takes
    over its resources; with nothing to fence with, it waits forever and
    nothing fails over (Pacemaker 1.0 refuses to start resources at all).

    Example: Pacemaker 1.0 (stonith-enabled defaults to true) with no
    ``class="stonith"`` primitive.

    Fix: add a STONITH resource for each node (iLO, IPMI, a power switch).
    """
    if _has_stonith(cluster):
        return
    for item in _complete_cibs(cluster):
        doc: Any = item.doc
        enabled = _stonith_enabled(doc)
        if enabled is None:
            enabled = doc.dialect == "pacemaker-1.0"  # heartbeat 2 defaulted to off
        if enabled and doc.all_resources():
            yield make(
                "CB006",
                "STONITH is enabled but the CIB has no STONITH resource",
                item.where(_option_pair(doc, "stonith-enabled")),
            )


def _option_pair(doc: Any, name: str) -> Any:
    from ..formats.cib.values import canon_name

    found = [p for p in doc.option_pairs() if canon_name(p.name) == name]
    return found[-1] if found else None


def _shared_storage(cluster: Cluster) -> str | None:
    """Why the cluster's storage is shared (dual-primary DRBD, OCFS2), or None."""
    for item in cluster.docs("drbd"):
        for res in item.doc.resource_list():  # type: ignore[attr-defined]
            if _allows_two_primaries(cluster, res.name):
                return f"DRBD resource {res.name} allows two primaries"
    for item in _cibs(cluster):
        if _ocfs2_filesystems(item):
            return "an OCFS2 file system is mounted on several nodes"
    return None


@rule("CB007", "stonith-disabled-with-shared-storage", "error", scope="cluster")
def stonith_disabled_shared(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is disabled although nodes share storage.

    Why it matters: without fencing, a node that merely stopped answering
    keeps writing to the shared disk while the survivor takes over: two
    writers on dual-primary DRBD or OCFS2 corrupt the data.

    Example: ``stonith_enabled=false`` with ``allow-two-primaries`` in drbd.conf.

    Fix: configure STONITH devices and set stonith-enabled to true.
    """
    why = _shared_storage(cluster)
    if why is None:
        return
    for item in _cibs(cluster):
        if _stonith_enabled(item.doc) is False:
            yield make(
                "CB007",
                f"STONITH is disabled while {why}",
                item.where(_option_pair(item.doc, "stonith-enabled")),
            )


@rule("CB008", "test-stonith-agent", "warning", scope="cluster")
def test_stonith(cluster: Cluster) -> Iterator[Finding]:
    """A STONITH resource uses an agent meant for testing.

    Why it matters: ``ssh``/``external/ssh`` ask the failed node to reboot
    itself over the network, which a hung or cut-off node cannot do; ``null``
    and ``suicide`` fence nothing. The cluster believes the node is fenced
    and takes over its disks.

    Example: ``<primitive class="stonith" type="external/ssh">``.

    Fix: a power or management-board agent (``external/riloe``, ``ipmilan``).
    """
    for item in _cibs(cluster):
        for p in item.doc.stonith_resources():  # type: ignore[attr-defined]
            if p.type in TEST_STONITH:
                yield make(
                    "CB008",
                    f"STONITH resource {p.id} uses {p.type}, a test agent that cannot fence "
                    "a hung node",
                    item.where(p),
                )


@rule("CB009", "no-monitor-op", "warning", scope="cluster")
def no_monitor(cluster: Cluster) -> Iterator[Finding]:
    """A resource has no ``monitor`` operation.

    Why it matters: without a monitor the cluster only notices a failure
    when it next tries to stop or start the resource; a crashed service or a
    lost mount stays failed indefinitely.

    Example: the EVMS clone's primitive with no ``<operations>``.

    Fix: add ``<op name="monitor" interval="20s" timeout="60s"/>``.
    """
    for item in _cibs(cluster):
        for p in item.doc.primitives:  # type: ignore[attr-defined]
            if not any(o.name == "monitor" for o in p.ops):
                yield make("CB009", f"resource {p.id} has no monitor operation", item.where(p))


@rule("CB010", "cleartext-password", "info", scope="cluster")
def cleartext_password(cluster: Cluster) -> Iterator[Finding]:
    """A password is stored in the CIB in cleartext.

    Why it matters: the CIB is replicated to every node, shown by
    ``cibadmin -Q`` and ``crm_mon``, copied into bug reports and backups: the
    iLO or IPMI password leaks with it, and that gives power control of the node.

    Example: ``<nvpair name="ilo_password" value="..."/>``.

    Fix: use an agent that reads the password from a root-only file, or a
    dedicated account whose only right is power control. (xencfg masks the
    value in every output.) Most fencing agents of this era take the password
    only this way, hence an info; a placeholder password is CB014.
    """
    for item in _cibs(cluster):
        for pair in item.doc.secret_nvpairs():  # type: ignore[attr-defined]
            if pair.value:
                yield make(
                    "CB010",
                    f"nvpair {pair.name} holds a password in cleartext",
                    item.where(pair),
                )


@rule("CB011", "mixed-option-spelling", "warning", scope="cluster")
def mixed_spelling(cluster: Cluster) -> Iterator[Finding]:
    """One CIB spells option names both with underscores and with dashes.

    Why it matters: heartbeat 2 reads ``target_role``, Pacemaker 1.0 reads
    ``target-role`` only (and ignores the other spelling without a word); a
    mix means some of the options are not in effect, whichever version runs.

    Example: ``cluster-delay`` in crm_config, ``allow_migrate`` on a resource.

    Fix: convert the whole CIB (``xencfg cib convert``) and use dashes.
    """
    styles: dict[str, list[tuple[Loaded, Any]]] = {"underscores": [], "dashes": []}
    for item in _cibs(cluster):
        for pair in item.doc.iter("nvpair"):  # type: ignore[attr-defined]
            name = pair.get("name", "")
            if "_" in name:
                styles["underscores"].append((item, pair))
            elif "-" in name:
                styles["dashes"].append((item, pair))
    if not styles["underscores"] or not styles["dashes"]:
        return
    few, many = sorted(styles, key=lambda k: len(styles[k]))
    per_file: dict[str, list[tuple[Loaded, Any]]] = {}
    for item, pair in styles[few]:
        per_file.setdefault(item.file.display, []).append((item, pair))
    example = styles[many][0]
    for pairs in per_file.values():
        item, first = pairs[0]
        names = ", ".join(dict.fromkeys(p.get("name") for _, p in pairs))
        yield make(
            "CB011",
            f"{len(pairs)} name(s) spelt with {few} ({names}); the rest of the CIB uses {many}",
            item.where(first),
            [example[0].where(example[1])],
        )


@rule("CB012", "unknown-cluster-option", "warning", scope="cluster")
def unknown_option(cluster: Cluster) -> Iterator[Finding]:
    """A cluster or resource option the CIB's schema version does not know.

    Why it matters: the CRM ignores names it does not know, so a typo (or a
    heartbeat 2 spelling under Pacemaker 1.0) leaves the default in effect.

    Example: ``symetric_cluster``; ``allow_migrate`` in a pacemaker-1.0 CIB.

    Fix: the name the message suggests.
    """
    for item in _cibs(cluster):
        doc: Any = item.doc
        for pair, kind, suggestion in doc.option_problems():
            hint = f"; use {suggestion}" if suggestion else ""
            yield make(
                "CB012",
                f"cluster option {pair.name} is {kind} in {doc.dialect}{hint}",
                item.where(pair),
            )
        for res, pair, kind, fix in doc.meta_problems():
            yield make(
                "CB012",
                f"{pair.name} of {res.id} is {kind} in {doc.dialect}; use {fix}",
                item.where(pair),
            )


def _ocfs2_filesystems(item: Loaded) -> list[Any]:
    out = []
    for p in item.doc.primitives:  # type: ignore[attr-defined]
        if p.type == "Filesystem" and (p.instance_attributes.get("fstype") or "") == "ocfs2":
            out.append(p)
    return out


@rule("CB013", "ocfs2-without-cluster", "error", scope="cluster")
def ocfs2_without_cluster(cluster: Cluster) -> Iterator[Finding]:
    """An OCFS2 Filesystem resource, but no OCFS2 cluster.conf covering every node.

    Why it matters: mounting OCFS2 needs the o2cb cluster stack to know
    every node that mounts it; on a node missing from cluster.conf the mount
    fails ("o2cb: node not configured"), and the clone instance there fails.

    Example: ``fstype=ocfs2`` cloned over host1 and host2, cluster.conf
    lists host1 only.

    Fix: list every node in /etc/ocfs2/cluster.conf (identical on all nodes).
    """
    ocfs2 = list(cluster.docs("ocfs2"))
    members = {n.name.lower() for i in ocfs2 for n in i.doc.nodes if n.name}  # type: ignore[attr-defined]
    nodes = {n.lower() for n in cluster.nodes}
    for item in _cibs(cluster):
        for p in _ocfs2_filesystems(item):
            if cluster.nodes and not ocfs2:
                yield make(
                    "CB013",
                    f"{p.id} mounts OCFS2, but no node has /etc/ocfs2/cluster.conf",
                    item.where(p),
                )
            elif ocfs2 and nodes - members:
                yield make(
                    "CB013",
                    f"{p.id} mounts OCFS2, but cluster.conf lacks "
                    f"{', '.join(sorted(nodes - members))}",
                    item.where(p),
                    [ocfs2[0].where()],
                )


_PLACEHOLDERS = ("password", "passwd", "secret", "changeme", "cleartext", "xxx", "admin")


def is_placeholder(value: str) -> bool:
    """A password nobody chose: a documentation placeholder, a default, or too short."""
    low = value.lower()
    return len(value) < 8 or any(word in low for word in _PLACEHOLDERS)


@rule("CB014", "placeholder-password", "warning", scope="cluster")
def placeholder_password(cluster: Cluster) -> Iterator[Finding]:
    """A fencing password is a placeholder, a default, or shorter than 8 characters.

    Why it matters: a management board (iLO, IPMI) with a guessable password
    lets anyone on its network power the node off; a placeholder copied from
    documentation usually means fencing was never tested and fails when needed.

    Example: ``<nvpair name="ilo_password" value="CLEARTEXTPASSWORD"/>``.

    Fix: set a long random password on the board and in the CIB, then test
    fencing (``stonith -t TYPE ... -T reset NODE``).
    """
    for item in _cibs(cluster):
        for pair in item.doc.secret_nvpairs():  # type: ignore[attr-defined]
            if pair.value and is_placeholder(pair.value):
                yield make(
                    "CB014",
                    f"nvpair {pair.name} holds a placeholder or guessable password",
                    item.where(pair),
                )
