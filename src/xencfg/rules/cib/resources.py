"""CIB resources: OCFS2 file systems, resource agents, ids, dependencies, operations,
fencing of a node by itself, placeholder passwords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import attrs

from ...cluster import (
    Cluster,
    Loaded,
    colocation_pairs,
    ocfs2_conf_unread,
    order_pairs,
    short,
)
from ...findings import Finding
from ...formats.cib.model import _tag
from ...formats.cib.views import ids_around
from ...membership import cib_nodes
from ...syntax.numbers import decimal, is_decimal
from .. import make, rule
from .common import _cib, _in_status, _is_ocfs2_fs, units
from .guests import _param_pair

if TYPE_CHECKING:
    from ...formats.lines.ocfs2 import Ocfs2Document
    from ...formats.schema import InForce

# -- OCFS2 -------------------------------------------------------------------------


@rule("CB013", "ocfs2-without-cluster", "error", scope="cluster")
def ocfs2_without_cluster(cluster: Cluster) -> Iterator[Finding]:
    """An OCFS2 Filesystem resource while a node's ocfs2 cluster.conf is missing or lacks a node.

    Why it matters: ``mount -t ocfs2`` needs the o2cb cluster stack running
    with every node that may mount listed in ``/etc/ocfs2/cluster.conf`` on
    that node. A clone instance started on a node missing from it (or
    without the file) fails to mount, and a node the others do not know is
    fenced or refused by the DLM.

    Not for OCFS2 on Pacemaker's own stack: an ``o2cb`` resource (ocf:ocfs2:o2cb,
    ocf:pacemaker:o2cb) switches OCFS2 to the userspace stack ("pcmk" by default,
    ``ocfs2_controld.pcmk``), and a DLM ``controld`` with no cluster.conf on any node
    is that stack too (SLES 11 and later), as is a node whose sysconfig/o2cb says
    ``O2CB_STACK=pcmk`` (or ``cman``): the members are the cluster's, cluster.conf
    is not read.

    Example: a ``Filesystem fstype=ocfs2`` clone over host1 and host2 while
    cluster.conf lists only host1.

    Fix: list every cluster node in cluster.conf, identical on all nodes.
    """
    ocfs: list[tuple[Loaded, Ocfs2Document]] = []
    unread: frozenset[str] = frozenset()
    if cluster.has("ocfs2"):  # (OCFS2's module is imported only then)
        from ...formats.lines.ocfs2 import Ocfs2Document

        # a node whose OCFS2 runs on the pcmk or cman stack reads no cluster.conf
        unread = ocfs2_conf_unread(cluster)
        ocfs = [(d, o) for d, o in cluster.typed("ocfs2", Ocfs2Document) if d.node not in unread]
        if not ocfs:
            return
    if not cluster.nodes and not ocfs:
        return  # a CIB linted alone: nothing to compare with
    for unit in units(cluster):
        if _userspace_stack(unit, have_cluster_conf=bool(ocfs)):
            continue
        # the nodes that run this CIB (a target box with its own heartbeat, or none,
        # is not one of them): membership.cib_nodes, the one answer of the CIB rules
        runs = cib_nodes(cluster, unit.items)
        roots = [n for n in cluster.nodes if n and short(n) in runs.names]
        needed = sorted(set(runs.spelled()))
        for item, prim in unit.primitives():
            if not _is_ocfs2_fs(prim):
                continue
            where = item.where(_param_pair(prim, "fstype") or prim)
            if not ocfs:
                yield make(
                    "CB013",
                    f"OCFS2 filesystem '{prim.id}' but no node has /etc/ocfs2/cluster.conf",
                    where,
                )
                continue
            node_list: list[str | None] = [*roots] or [None]
            for node in node_list:
                if node in unread:
                    continue
                docs = [(d, o) for d, o in ocfs if d.node == node] if node else ocfs
                if not docs:
                    yield make(
                        "CB013",
                        f"OCFS2 filesystem '{prim.id}' but cluster member {node} has no "
                        "/etc/ocfs2/cluster.conf",
                        where,
                    )
                    continue
                listed = {short(n.name) for _, o in docs for n in o.nodes if n.name}
                missing = [n for n in needed if short(n) not in listed]
                if missing:
                    yield make(
                        "CB013",
                        f"OCFS2 filesystem '{prim.id}': cluster.conf"
                        f"{' of ' + node if node else ''} does not list {', '.join(missing)}",
                        where,
                        [docs[0][0].where()],
                    )


def _userspace_stack(unit: Any, have_cluster_conf: bool) -> bool:
    """Whether this CIB runs OCFS2 on the userspace (Pacemaker) stack, where membership
    is Pacemaker's and /etc/ocfs2/cluster.conf is not read: it has an ``o2cb`` agent
    (pacemaker's extra/resources/o2cb: ``OCF_RESKEY_stack`` defaults to pcmk, start
    loads ocfs2_stack_user), or a DLM ``controld`` while no node has a cluster.conf."""
    for _, prim in unit.primitives():
        if prim.rclass != "ocf":
            continue
        if prim.type == "o2cb":
            return True
        if prim.type == "controld" and not have_cluster_conf:
            return True
    return False


# -- resources: agents, ids, dependencies -------------------------------------------


@rule("CB014", "provider-without-ocf", "info", formats=("cib",))
def provider_without_ocf(item: Loaded) -> Iterator[Finding]:
    """A ``provider`` on a primitive whose class is not ``ocf``.

    Why it matters: only OCF agents live in per-provider folders
    (``/usr/lib/ocf/resource.d/PROVIDER``); for ``stonith``, ``lsb`` and
    ``heartbeat`` agents the attribute is ignored, and it suggests an agent
    other than the one that runs.

    Pacemaker's schemas refuse it (CB023 says so); this is heartbeat 2's case, and a
    ``validate-with="none"`` CIB's.

    Example: ``<primitive class="stonith" type="external/ssh" provider="heartbeat">``.

    Fix: remove ``provider``.
    """
    from .schema import _numbered

    if _numbered(_cib(item).validate_with):
        return
    for prim in _cib(item).primitives:
        if prim.provider is not None and prim.rclass not in (None, "ocf"):
            yield make(
                "CB014",
                f"provider '{prim.provider}' of '{prim.id}' is ignored for class '{prim.rclass}'",
                item.where(prim),
            )


#: Every resource class an executor of any release runs: heartbeat 2's and cluster-glue's
#: lrmd (its RAExec plugins ocf, lsb, heartbeat and stonith, upstart from glue 1.0.x),
#: Pacemaker's (2.1.5 include/crm/common/agents.h: ocf, service, lsb, systemd, upstart,
#: nagios, stonith; ``heartbeat`` is lib/fencing's and the 1.1 lrmd's).
_CLASSES = frozenset(
    ("ocf", "lsb", "heartbeat", "stonith", "upstart", "service", "systemd", "nagios")
)


@rule("CB034", "unknown-resource-class", "error", formats=("cib",))
def unknown_resource_class(item: Loaded) -> Iterator[Finding]:
    """A primitive (or template) whose ``class`` no release runs, such as ``init``.

    Why it matters: init scripts are class ``lsb``. heartbeat 2's lrmd (and cluster-glue's,
    which Pacemaker 1.0 used) knows only the classes of its RAExec plugins (ocf, lsb,
    heartbeat, stonith; upstart later) and refuses to add any other resource:
    "on_msg_add_rsc: RA class [init] does not exist." (cluster-glue lrm/lrmd/lrmd.c,
    tags STABLE-2.0.8 to glue-1.0.12), so the resource never runs. Pacemaker 1.1.8 and
    later answer "Unknown resource standard: init" and fail the action
    (lib/services/services.c line 322 at Pacemaker-2.1.5), and every schema from
    pacemaker-1.0 on refuses the value (``class``: ocf, lsb, heartbeat, stonith, ...;
    crm_verify 2.1.5 "Element primitive failed to validate content", "config not
    valid"). A pacemaker-1.0 CIB is CB023's (validated whole).

    The class is compared as written (``LSB`` is no class to the lrmd or a schema), except
    in a ``validate-with="none"`` CIB, which Pacemaker 1.1.8 and later read in any case.

    Example: ``<primitive id="mail" class="init" type="postfix"/>``.

    Fix: ``class="lsb"`` for an /etc/init.d script (``systemd`` or ``service`` on a
    Pacemaker 1.1.8 or later cluster with systemd).
    """
    from ...formats.cib.values import schema_version

    doc = _cib(item)
    if doc.validate_with == "pacemaker-1.0":
        return
    effect = "the resource never starts"
    if schema_version(doc.validate_with) is not None or doc.validate_with == "pacemaker-next":
        effect = f"{doc.validate_with}'s schema refuses it, Pacemaker will not load this CIB"
    # the lrmd compares classes exactly (strncmp in on_msg_add_rsc), and so does every
    # schema's <value>; Pacemaker 1.1.8's and later executors ignore case (strcasecmp in
    # services.c), which only a schema-less CIB leaves to them
    loose = (doc.validate_with or "").lower() == "none"
    for el in doc.iter("primitive", "template"):
        rclass = el.get("class")
        if rclass is None or _in_status(el):
            continue
        if (rclass.lower() if loose else rclass) in _CLASSES:
            continue
        hint = " (an init script is class lsb)" if rclass.lower() in ("init", "sysv") else ""
        yield make(
            "CB034",
            f"{_tag(el)} '{el.get('id')}': no cluster runs resource class '{rclass}'{hint}:"
            f" {effect}",
            item.where(el),
        )


@rule("CB035", "drbd-master-without-notify", "error", formats=("cib",))
def drbd_master_without_notify(item: Loaded) -> Iterator[Finding]:
    """An ``ocf:linbit:drbd`` master/slave set without ``notify=true``.

    Why it matters: the agent (scripts/drbd.ocf, first committed 2009-05-29, 93da245f,
    shipped from DRBD 8.3.2: "Preparing the 8.3.2 release", 73f433f4, 2009-07-03) has,
    since commit 0da228ae "drbd.ocf: enforce notify enabled" (2009-06-24, before that
    release), refused to start or promote when
    Pacemaker sends no notifications: "you really should enable notify when using this
    RA" and OCF_ERR_CONFIGURED, which Pacemaker takes as fatal: the DRBD resource does
    not start anywhere, nor anything placed with it. The agent's
    ``ignore_missing_notifications=true`` parameter (2015, commit f2061fed) lifts the
    check. Where the DRBD release is known to be older than 8.3.2 nothing is said (no
    release shipped the agent then).

    Example: ``<master id="ms-drbd0">`` with ``master-max``, ``clone-max`` and no
    ``notify`` meta attribute, around ``<primitive class="ocf" provider="linbit"
    type="drbd">``.

    Fix: ``<nvpair name="notify" value="true"/>`` in the master's meta_attributes
    (``crm configure ms ms-drbd0 drbd0 meta notify=true``).
    """
    from ...formats.cib.resources import resource_view
    from ...formats.cib.values import parse_bool
    from ...versions import DRBD_RA_NEEDS_NOTIFY

    doc = _cib(item)
    drbd = item.versions.of("drbd", item.node)
    if drbd.older_than(DRBD_RA_NEEDS_NOTIFY):
        return  # (no ocf:linbit:drbd before 8.3.2: heartbeat's ocf:heartbeat:drbd then)
    default = doc.rsc_defaults.get("notify")
    for prim in doc.primitives:
        if (prim.rclass, prim.provider, prim.type) != ("ocf", "linbit", "drbd"):
            continue
        if _in_status(prim.el) or parse_bool(prim.param("ignore_missing_notifications")):
            continue
        owner = prim.el.getparent()
        while owner is not None and _tag(owner) not in ("master", "master_slave", "clone"):
            owner = owner.getparent()
        if owner is None:
            continue
        notify = resource_view(owner).meta("notify")
        if parse_bool(notify if notify is not None else default) is True:
            continue
        if parse_bool(resource_view(prim.el).meta("notify")) is True:
            continue  # (the agent reads CRM_meta_notify, which this sets)
        yield make(
            "CB035",
            f"{_tag(owner)} '{owner.get('id')}' of ocf:linbit:drbd '{prim.id}' has no"
            " notify=true: from DRBD 8.3.2 the agent refuses to start ('you really should"
            f" enable notify when using this RA'; {drbd.describe('DRBD')}), so DRBD does"
            " not start anywhere",
            item.where(owner),
        )


@rule("CB039", "drbd-agent-not-shipped", "error", formats=("cib",))
def drbd_agent_not_shipped(item: Loaded) -> Iterator[Finding]:
    """A primitive of ``ocf:linbit:drbd`` where the node runs a DRBD release older than
    8.3.2 (declared, or read from its packages or files).

    Why it matters: the agent (scripts/drbd.ocf) first shipped with DRBD 8.3.2
    ("Preparing the 8.3.2 release", 73f433f4, 2009-07-03); older releases install
    only heartbeat's ``ocf:heartbeat:drbd`` (and ``drbddisk``). With no
    /usr/lib/ocf/resource.d/linbit/drbd the executor answers "not installed"
    (OCF_ERR_INSTALLED), a hard error on that node: DRBD is not started there, nor
    anything placed with it. Nothing is said where the release is unknown or not known
    to be that old (a declared ``drbd = "8.3"`` is the 8.3 series, which has the agent
    from 8.3.2).

    Example: ``<primitive class="ocf" provider="linbit" type="drbd">`` on a node whose
    packages list drbd8-utils 8.0.14.

    Fix: ``provider="heartbeat"`` (``ocf:heartbeat:drbd``, same ``drbd_resource``
    parameter) until DRBD is upgraded to 8.3.2 or later.
    """
    from ...versions import DRBD_RA_NEEDS_NOTIFY

    drbd = item.versions.of("drbd", item.node)
    if not drbd.older_than(DRBD_RA_NEEDS_NOTIFY):
        return
    for prim in _cib(item).primitives:
        if (prim.rclass, prim.provider, prim.type) != ("ocf", "linbit", "drbd"):
            continue
        if _in_status(prim.el):
            continue
        yield make(
            "CB039",
            f"primitive '{prim.id}' is ocf:linbit:drbd, first shipped with DRBD 8.3.2, and "
            f"the node runs an older release ({drbd.describe('DRBD')}): the agent is not "
            "installed, the resource fails to start, and nothing placed with it runs",
            item.where(prim.el),
        )


_UNSAFE_ID = re.compile(r"^[0-9.-]|:")


@rule("CB015", "resource-id-breaks-upgrade", "warning", formats=("cib",))
def resource_id_breaks_upgrade(item: Loaded) -> Iterator[Finding]:
    """A resource id with ``:`` or a leading digit (not an XML NCName).

    Why it matters: Pacemaker 1.0's schema types ids as ``xsd:ID``. The
    upgrade of a heartbeat 2 CIB (``cibadmin --upgrade``) copies primitive
    ids verbatim and never rewrites references to renamed group or clone
    ids, so the upgraded CIB is refused. ``:`` also clashes with clone
    instance names (``rsc:0``) in ``crm_mon`` and the logs.

    Example: ``<primitive id="web:1" ...>``.

    Fix: use letters, digits, ``-``, ``_`` and ``.``, starting with a letter.
    """
    for res in _cib(item).all_resources():
        if res.id and _UNSAFE_ID.search(res.id):
            yield make(
                "CB015",
                f"{res.kind} id '{res.id}' is not a valid XML NCName (':' or leading digit)",
                item.where(res),
            )


def _in_clone(el: Any) -> bool:
    return any(_tag(a) in ("clone", "master_slave", "master") for a in el.iterancestors())


def _same_group(a: Any, b: Any) -> bool:
    groups = {id(g) for g in a.iterancestors() if _tag(g) == "group"}
    return any(id(g) in groups for g in b.iterancestors() if _tag(g) == "group")


def _positive(score: int | None) -> bool:
    return score is None or score > 0


@rule("CB016", "domu-config-on-unbound-filesystem", "warning", scope="cluster")
def domu_config_on_unbound_filesystem(cluster: Cluster) -> Iterator[Finding]:
    """A Xen resource reads its xmfile from a cluster Filesystem it is not bound to.

    Why it matters: the domU config lives on a filesystem the CRM mounts
    (an OCFS2 "configpool" on ``/etc/xen/vm``). Without a mandatory order
    *and* a colocation, the guest may be started before the mount or on a
    node where it failed, and ``xm create`` finds no config.

    Constraints count in every form: heartbeat 2's ``from``/``to``, Pacemaker
    1.0's ``first``/``then`` and ``rsc``/``with-rsc``, and resource sets (a set
    starts after the sets listed before it and is placed with the sets listed
    after it; inside a sequential set each member follows the one before it;
    Pacemaker Explained 1.0, "Ordering Sets" and "Collocating Sets of Resources").

    Example: ``xmfile=/etc/xen/vm/nfs.xm`` with ``<rsc_order from="nfs"
    to="configpool" score="0"/>`` (advisory) and no colocation.

    Fix: add ``rsc_order`` (score INFINITY) first the filesystem then the
    guest, and ``rsc_colocation`` of the guest with the filesystem (or its clone).
    """
    for unit in units(cluster):
        filesystems = [
            (i, p)
            for i in unit.scope
            for p in _cib(i).primitives
            if p.type == "Filesystem" and p.param("directory")
        ]
        # each constraint's pairs once, indexed by the pair (resource sets expanded)
        ordered: dict[tuple[str, str], list[tuple[Loaded, Any]]] = {}
        for i in unit.scope:
            for o in _cib(i).orders:
                for pair in dict.fromkeys(order_pairs(o)):
                    ordered.setdefault(pair, []).append((i, o))
        colocated: dict[tuple[str, str], list[Any]] = {}
        for i in unit.scope:
            for c in _cib(i).colocations:
                for pair in dict.fromkeys(colocation_pairs(c)):
                    colocated.setdefault(pair, []).append(c)
        for item, prim in unit.primitives():
            xmfile = prim.xmfile if prim.is_xen else None
            if not xmfile:
                continue
            for fitem, fs in filesystems:
                folder = PurePosixPath(fs.param("directory") or "/")
                if folder not in PurePosixPath(xmfile).parents or _same_group(prim.el, fs.el):
                    continue
                fs_ids, vm_ids = set(ids_around(fs.el)), set(ids_around(prim.el))
                pairs = [(f, v) for f in sorted(fs_ids) for v in sorted(vm_ids)]
                order = list({id(o): (i, o) for p in pairs for i, o in ordered.get(p, [])}.values())
                coloc = [c for f, v in pairs for c in colocated.get((v, f), [])]
                problems = []
                if not order:
                    problems.append("no order")
                elif not any(_positive(o.score) for _, o in order):
                    problems.append(f"only an advisory order (score {order[0][1].score_raw})")
                if not any(_positive(c.score) for c in coloc):
                    problems.append("no colocation")
                if not problems:
                    continue
                related = [fitem.where(_param_pair(fs, "directory") or fs)]
                related += [i.where(o) for i, o in order]
                yield make(
                    "CB016",
                    f"Xen resource '{prim.id}' reads '{xmfile}' from filesystem '{fs.id}' "
                    f"({folder}) with {' and '.join(problems)}",
                    item.where(_param_pair(prim, "xmfile") or prim),
                    related,
                )


@rule("CB017", "ocfs2-filesystem-not-cloned", "error", formats=("cib",), hazard=True)
def ocfs2_not_cloned(item: Loaded) -> Iterator[Finding]:
    """A ``Filesystem`` resource with ``fstype=ocfs2`` that is not inside a clone.

    Why it matters: OCFS2 exists to be mounted on every node at once; as a
    plain primitive the CRM mounts it on one node only and the others never get
    it. On heartbeat (SLES 10's OCFS2 integration) the Filesystem agent refuses
    it outright: resource-agents up to 3.9.5, heartbeat/Filesystem ocfs2_init,
    "ocfs2 must be run as a clone." (OCF_ERR_GENERIC; on heartbeat elsewhere
    "ocfs2 is not compatible with your environment"). On openais, cman or
    corosync (``cluster-infrastructure``) the agent returns before that check
    (and 3.9.6 dropped it): the mount works on one node, so the finding is a
    warning there.

    Example: ``<primitive type="Filesystem">`` with ``fstype=ocfs2`` directly
    under ``<resources>``.

    Fix: wrap it in ``<clone>`` (``globally_unique=false``, ``clone_node_max=1``).
    """
    doc = _cib(item)
    stack = (doc.option("cluster-infrastructure") or "").strip().lower()
    mounts_anyway = any(word in stack for word in ("openais", "corosync", "cman"))
    for prim in doc.primitives:
        if _is_ocfs2_fs(prim) and not _in_clone(prim.el):
            found = make(
                "CB017",
                f"OCFS2 filesystem '{prim.id}' is not cloned: it would be mounted on one node",
                item.where(prim),
            )
            yield attrs.evolve(found, severity="warning") if mounts_anyway else found


def _clone_option(res: Any, defaults: dict[str, str | None], name: str) -> tuple[str | None, Any]:
    """A clone's option as the CRM reads it (its own meta, attribute or, in heartbeat 2,
    instance nvpair; else ``rsc_defaults``) and the element that sets it (or ``None``)."""
    from .guests import _meta_place

    value = res.meta(name)
    if value is None:
        return defaults.get(name), None
    place = _meta_place(res, name)
    return value, place if place is not res else None


@rule("CB024", "anonymous-clone-node-max", "error", formats=("cib",))
def anonymous_clone_node_max(item: Loaded) -> Iterator[Finding]:
    """An anonymous clone (``globally-unique`` false) with ``clone-node-max`` above 1.

    Why it matters: the instances of an anonymous clone are interchangeable, so the CRM
    runs at most one per node: it logs a configuration error, uses ``clone-node-max=1``
    and ``crm_verify`` says "Errors found during check: config not valid". Pacemaker's
    clone unpacking has done so since the CRM of Pacemaker 0.6.0 (lib/crm/pengine/clone.c:
    "Anonymous clones (%s) may only support one copy per node"), Pacemaker 1.0.0 to 2.0.3
    with that text, 2.0.4 to 2.1.6 as "Ignoring promoted-max for %s because anonymous
    clones support only one instance per node" (2.1.5's crm_verify prints that, naming the
    wrong option), 2.1.7 and later "Ignoring clone-node-max of %d for %s because ...".
    Whoever wrote 2 wanted two instances per node (a CLUSTERIP clone's two hash buckets
    on one survivor) and gets one.

    Since Pacemaker 1.0.2 a clone without ``globally-unique`` is anonymous
    (lib/pengine/complex.c: unique only when ``crm_is_true``); heartbeat 2's crm.dtd
    defaults ``globally_unique`` to true, so there only an explicit false counts, and the
    finding is a warning: heartbeat 2.1's own CRM may predate the check, but the CIB
    converted for Pacemaker has it (``xencfg cib convert`` writes ``clone-node-max=1``
    for such a clone, as Pacemaker runs it).

    Example: ``<clone id="ip-clone">`` with ``clone-node-max=2`` and no ``globally-unique``.

    Fix: ``globally-unique=true`` if several instances per node are meant (the agent must
    support unique clones: IPaddr2 with ``clusterip_hash``), else ``clone-node-max=1``.
    """
    from ...formats.cib.model import Clone
    from ...formats.cib.values import parse_bool

    doc = _cib(item)
    hb2 = doc.dialect == "heartbeat-2"
    defaults = {} if hb2 else doc.rsc_defaults
    for res in doc.all_resources():
        if not isinstance(res, Clone):
            continue
        raw_max, place = _clone_option(res, defaults, "clone-node-max")
        unique_raw, _ = _clone_option(res, defaults, "globally-unique")
        if hb2 and unique_raw is None:
            continue  # crm.dtd: globally_unique defaults to 'true'
        if parse_bool(unique_raw) is True:
            continue  # crm_is_true: anything else is anonymous
        node_max = (raw_max or "").strip()
        if not is_decimal(node_max) or decimal(node_max) <= 1:
            continue
        found = make(
            "CB024",
            f"{res.kind} '{res.id}' is anonymous (globally-unique "
            f"{'false' if unique_raw is not None else 'unset'}) with clone-node-max={node_max}:"
            " Pacemaker runs one instance per node and calls this a configuration error",
            item.where(place if place is not None else res),
        )
        yield attrs.evolve(found, severity="warning") if hb2 else found


@rule("CB026", "promotable-non-ocf-agent", "error", formats=("cib",))
def promotable_non_ocf_agent(item: Loaded) -> Iterator[Finding]:
    """A master/slave (promotable clone) of an agent that is not OCF.

    Why it matters: only OCF agents have promote and demote actions. Since Pacemaker
    1.1.9 (commit 9ffca15819, lib/pengine/native.c native_unpack: "Resource %s is of
    type %s and therefore cannot be used as a master/slave resource"; 2.1.5: "... as a
    promotable clone resource") the scheduler refuses the primitive, ignores the whole
    master/slave ("Ignoring <master> resource ... because configuration is invalid")
    and every constraint naming it ("... is not a valid resource or tag"): nothing of it
    runs, and crm_verify says "config not valid". An older Pacemaker takes it and then
    asks the script to promote, which a heartbeat resource.d or LSB script cannot do:
    a warning where the release in force may be older than 1.1.9 (a declared ``1.1``:
    1.1.0 to 1.1.8 among it), and in a
    heartbeat 2 CIB (heartbeat 2's CRM takes it; the CIB converted for Pacemaker does
    not run, which ``xencfg cib convert`` names as a manual step).

    Example: ``<master id="ms-r0">`` around ``<primitive class="heartbeat"
    type="drbddisk">``.

    Fix: use an OCF agent that can promote (``ocf:linbit:drbd`` for ``drbddisk``), or
    make it a plain resource or clone.
    """
    from ...versions import PACEMAKER_1_1_9

    doc = _cib(item)
    in_force = item.versions.of("pacemaker", item.node)
    # a release that may be older (a declared "1.1": 1.1.0 to 1.1.8 take it) warns
    older = doc.dialect == "heartbeat-2" or in_force.may_be_older(PACEMAKER_1_1_9)
    note = f" ({in_force.describe('Pacemaker')})" if older and in_force.known else ""
    for prim in doc.primitives:
        if prim.rclass in (None, "ocf"):
            continue
        holder = next(
            (a for a in prim.el.iterancestors() if _tag(a) in ("master", "master_slave")),
            None,
        )
        if holder is None:
            holder = next((a for a in prim.el.iterancestors() if _promotable(a)), None)
        if holder is None:
            continue
        found = make(
            "CB026",
            f"'{prim.id}' ({prim.agent}) is in promotable '{holder.get('id')}': only OCF "
            "agents can be promoted; Pacemaker 1.1.9 and later ignore the whole resource "
            f"and its constraints{note}",
            item.where(prim),
            [item.where(holder)],
        )
        yield attrs.evolve(found, severity="warning") if older else found


def _promotable(el: Any) -> bool:
    """A ``<clone>`` whose meta attributes say ``promotable=true`` (Pacemaker 2)."""
    from ...formats.cib.values import parse_bool

    if _tag(el) != "clone":
        return False
    return any(
        _tag(nv) == "nvpair"
        and nv.get("name") == "promotable"
        and parse_bool(nv.get("value")) is True
        for meta in el
        if _tag(meta) == "meta_attributes"
        for nv in meta
    )


@rule("CB027", "stop-on-fail-not-allowed", "error", formats=("cib",))
def stop_on_fail_not_allowed(item: Loaded) -> Iterator[Finding]:
    """A ``stop`` operation with ``on-fail`` ``standby``, ``stop`` or ``demote``.

    Why it matters: a failed stop leaves the resource in an unknown state, so the
    scheduler does not take these values for it: it reports a configuration error and
    uses the default instead, which is to fence the node (or to block the resource when
    fencing is off), not what the value says. ``standby`` since Pacemaker 1.0.0
    (lib/pengine/utils.c "on-fail=standby is not allowed for stop actions"), ``stop`` and
    ``demote`` since 2.0.5 (valid_stop_on_fail; 2.1.5 lib/pengine/pe_actions.c
    "Resetting 'on-fail' for %s stop action to default value because '%s' is not
    allowed for stop"; crm_verify "config not valid"). Where the release in force is
    declared older than 2.0.5, only ``standby`` is reported; where it may be older (a
    declared ``2.0``: 2.0.0 to 2.0.4 among it) ``stop`` and ``demote`` are a warning.
    ``op_defaults`` count. In a heartbeat 2 CIB (0.6 knew no ``standby`` and reset
    nothing) the finding is a warning for the CIB converted for Pacemaker.

    Example: ``<op name="stop" interval="0" on-fail="stop"/>``.

    Fix: remove ``on-fail`` from the stop operation (fence, or block without fencing)
    or say ``block`` or ``fence``.
    """
    from ...versions import PACEMAKER_2_0_5

    doc = _cib(item)
    hb2 = doc.dialect == "heartbeat-2"
    refused = {"standby"}
    in_force = item.versions.of("pacemaker", item.node)
    if hb2 or not in_force.older_than(PACEMAKER_2_0_5):
        refused |= {"stop", "demote"}
    # a release that may be older than 2.0.5 (a declared "2.0") may take them
    unsure = not hb2 and in_force.may_be_older(PACEMAKER_2_0_5)
    default = (doc.op_defaults.get("on-fail") or "").strip().lower()
    for prim in doc.primitives:
        for op in prim.ops:
            value = (op.on_fail or default).strip().lower()
            if op.name != "stop" or value not in refused:
                continue
            found = make(
                "CB027",
                f"stop of '{prim.id}' says on-fail={value}, which Pacemaker does not allow "
                "for stop: it uses the default instead (fence the node, or block without "
                "fencing) and calls this a configuration error"
                + (" (heartbeat 2 takes it; the CIB converted for Pacemaker not)" if hb2 else ""),
                item.where(op),
            )
            if unsure and value != "standby":
                found = attrs.evolve(
                    found,
                    severity="warning",
                    message=f"{found.message} from Pacemaker 2.0.5 on"
                    f" ({in_force.describe('Pacemaker')}: older releases take it)",
                )
            yield attrs.evolve(found, severity="warning") if hb2 else found


#: target-role values every Pacemaker reads (text2role compares without regard to case;
#: ``default`` means unset); Promoted/Unpromoted only since 2.1.0
_ROLES = frozenset({"default", "stopped", "started", "slave", "master"})
_ROLES_2_1 = frozenset({"promoted", "unpromoted"})


@rule("CB028", "target-role-ignored", "error", formats=("cib",))
def target_role_ignored(item: Loaded) -> Iterator[Finding]:
    """A ``target-role`` Pacemaker does not read: a value that is no role, or a
    promoted/unpromoted role on a resource outside a master/slave.

    Why it matters: the scheduler ignores the option and reports a configuration error,
    so the resource runs as started: a misspelt ``Stopped`` (``Stoped``, ``off``) starts
    what was meant to stay down. Pacemaker 1.0.8 lib/pengine/utils.c get_target_role
    "%s: Unknown value for %s: %s" (crm_config_err; text2role knows Stopped, Started,
    Slave, Master without regard to case), 2.1.5 "Ignoring 'target-role' for %s because
    '%s' is not valid" (pcmk__config_err; Promoted and Unpromoted since 2.1.0). heartbeat
    2 CIBs too: Pacemaker-0.6.0 lib/crm/pengine/complex.c "%s: Unknown value for
    target_role: %s".

    ``Master`` or ``Slave`` (``Promoted``/``Unpromoted``) on a resource that cannot be
    promoted depends on the release. From Pacemaker 1.1.5 it is a configuration error
    (tag Pacemaker-1.1.5 lib/pengine/utils.c line 1346 ``get_target_role``:
    crm_config_err "%s is not part of a master/slave resource, a %s of '%s' makes no
    sense"; 2.1.5 "... only makes sense for promotable clones"; crm_verify: "config not
    valid") and the resource runs started: an error where the release in force is 1.1.5
    or later. 1.0.7 to 1.1.4 ignore it with a warning in the log (1.1.4 line 1338
    pe_warn): the option does nothing, a warning. 1.0.0 to 1.0.6 and heartbeat 2 take
    ``Master`` as written and ask the agent to promote a resource that has no promote
    (commit b136b08b25 "Prevent non-multistate resources from being promoted through
    target-role" came with 1.0.7): a warning naming that. While the release is unknown
    (a ``pacemaker-1.0`` CIB without ``dc-version``) it is a warning, as the older
    releases read it.

    A blank around the role counts too: text2role compares the whole value (crm_verify
    2.1.5 on ``value=" Stopped"``: "Unknown role:  Stopped", "Ignoring 'target-role'",
    and crm_simulate starts the resource).

    Example: ``<nvpair name="target-role" value="Stoped"/>``.

    Fix: ``Stopped``, ``Started`` (or remove it), ``Master``/``Slave`` only inside a
    master/slave.
    """
    from ...formats.cib.model import Master
    from ...versions import PACEMAKER_2_1

    doc = _cib(item)
    in_force = item.versions.of("pacemaker", item.node)
    roles = _ROLES
    if not in_force.older_than(PACEMAKER_2_1):
        roles = roles | _ROLES_2_1
    for res in doc.all_resources():
        value, place = res.meta_source("target-role")  # as get_meta_attributes reads it
        if value is None:
            continue
        role = value.lower()  # (text2role: strcasecmp, no blanks stripped)
        where = item.where(place if place is not None else res)
        if role not in roles:
            yield make(
                "CB028",
                f"target-role '{value}' of '{res.id}' is no role Pacemaker knows: it ignores "
                "the option and starts the resource",
                where,
            )
            continue
        if role in ("master", "slave", "promoted", "unpromoted"):
            chain = [res.el, *res.el.iterancestors()]
            if isinstance(res, Master) or any(
                _tag(a) in ("master", "master_slave") or _promotable(a) for a in chain
            ):
                continue
            error, effect = _role_outside_master(doc.dialect, in_force, role)
            found = make(
                "CB028",
                f"target-role '{value}' of '{res.id}', which is in no master/slave: {effect}",
                where,
            )
            yield found if error else attrs.evolve(found, severity="warning")


def _role_outside_master(dialect: str, in_force: InForce, role: str) -> tuple[bool, str]:
    """Whether a promoted/unpromoted ``target-role`` outside a master/slave is an error
    for the release in force, and what that release does with it (CB028's docstring)."""
    from ...versions import PACEMAKER_1_0_7, PACEMAKER_1_1_5

    promotes = (
        "the CRM asks the agent to promote a resource that has no promote (Pacemaker"
        " before 1.0.7 and heartbeat 2 take the role as written)"
    )
    ignored = "Pacemaker ignores it and runs the resource as started: the option does nothing"
    if dialect == "heartbeat-2" or in_force.older_than(PACEMAKER_1_0_7):
        return False, promotes if role == "master" else ignored
    if in_force.at_least(PACEMAKER_1_1_5):
        return True, (
            "Pacemaker 1.1.5 and later call this a configuration error (crm_verify fails)"
            " and run the resource as started"
        )
    early = role == "master" and not in_force.at_least(PACEMAKER_1_0_7)
    note = "; before 1.0.7 the CRM asks the agent to promote it" if early else ""
    if in_force.older_than(PACEMAKER_1_1_5):
        return False, f"{ignored} (1.1.5 and later call it a configuration error{note})"
    return False, (
        "Pacemaker 1.1.5 and later call this a configuration error (crm_verify fails),"
        f" 1.0.7 to 1.1.4 ignore it; all run the resource as started{note}"
    )


#: Operations that run while a resource is moving away: a start delay slows failover.
_NO_DELAY_OPS = ("stop", "migrate_to", "migrate_from", "demote")


@rule("CB018", "start-delay-on-stop", "warning", formats=("cib",))
def start_delay_on_stop(item: Loaded) -> Iterator[Finding]:
    """A ``start_delay`` on a stop, migrate or demote operation.

    Why it matters: ``start_delay`` makes the LRM wait before running the
    operation. It is meant for a first monitor after start; on stop or
    migrate it adds that delay to every failover and live migration, and can
    push the operation past its timeout.

    Example: ``<op name="stop" timeout="60s" start_delay="10s"/>``.

    Fix: remove ``start_delay`` from these operations.
    """
    for prim in _cib(item).primitives:
        for op in prim.ops:
            delay = op.start_delay
            if op.name in _NO_DELAY_OPS and delay is not None and delay.ms:
                yield make(
                    "CB018",
                    f"'{op.name}' of '{prim.id}' waits start_delay {delay.raw} before running",
                    item.where(op),
                )


def rule_matches(rule: Any, node: str) -> bool | None:
    """Whether a location ``rule`` matches ``node`` as Pacemaker's test_rule evaluates it
    (Pacemaker-1.0.8 lib/pengine/rules.c): ``and`` unless ``boolean_op`` is ``or``,
    nested rules, ``#uname`` compared with strcasecmp (test_attr_expression, type
    string: the default for eq/ne), an empty rule true for ``and`` and false for ``or``.
    ``None`` when the answer depends on what xencfg does not know: a date expression
    (the rule holds at some times), another node attribute, a rule limited to a role,
    ``#uname`` compared as a number or version or with lt/gt."""
    if rule.role is not None:
        return None
    results: list[bool | None] = [_expression_matches(e, node) for e in rule.expressions]
    results += [rule_matches(r, node) for r in rule.rules]
    either = rule.boolean_op == "or"
    if not results:
        return not either
    if either:
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    if any(r is False for r in results):
        return False
    return True if all(r is True for r in results) else None


def _expression_matches(expr: Any, node: str) -> bool | None:
    if expr.tag != "expression" or expr.attribute != "#uname":
        return None
    if expr.el.get("type", "string") != "string":
        return None
    op, value = expr.operation, expr.value
    if op == "defined":
        return True
    if op == "not_defined":
        return False
    if op in ("eq", "ne") and value is not None:
        same = value.lower() == node.lower()
        return same if op == "eq" else not same
    return None


@rule("CB019", "stonith-may-fence-itself", "warning", scope="cluster", hazard=True)
def stonith_may_fence_itself(cluster: Cluster) -> Iterator[Finding]:
    """A STONITH device for one node is allowed to run on that very node.

    Why it matters: when that node hangs, the device meant to fence it is
    running there too: it is the failed node that would have to shoot
    itself, so fencing fails and recovery blocks. The agent for host1 must
    run on the other nodes.

    Example: ``external/riloe`` with ``hostlist=host1`` and no
    ``rsc_location`` scoring it ``-INFINITY`` on host1.

    The ban is read as XN018 reads locations (rules/cib/placement.py): by ``rsc``,
    ``rsc-pattern`` (pacemaker-2.6 and later) or a ``resource_set`` (pacemaker-1.2 and
    later), on the device or a group holding it.

    Fix: add ``<rsc_location rsc="fence-host1" node="host1" score="-INFINITY"/>``
    (or a rule ``#uname eq host1`` with score -INFINITY).
    """
    from .placement import Placement

    for unit in units(cluster):
        placements = [Placement(_cib(i), i.versions.of("pacemaker", i.node)) for i in unit.scope]
        for item, prim in unit.primitives():
            if not prim.is_stonith or _in_clone(prim.el):
                continue
            target = prim.param("hostlist") or prim.param("hostname") or ""
            hosts = target.replace(",", " ").split()
            if len(hosts) != 1:
                continue
            if any(a.bans(hosts[0]) for pl in placements for a in pl.applied(prim.el)):
                continue
            param = _param_pair(prim, "hostlist") or _param_pair(prim, "hostname")
            yield make(
                "CB019",
                f"STONITH resource '{prim.id}' fences {hosts[0]} but may run on {hosts[0]}",
                item.where(prim),
                [item.where(param)] if param is not None else [],
            )


_PLACEHOLDERS = ("password", "passwd", "secret", "changeme", "cleartext", "xxx", "admin")


def is_placeholder(value: str) -> bool:
    """A password nobody chose: a documentation placeholder, a default, or too short."""
    low = value.lower()
    return len(value) < 8 or any(word in low for word in _PLACEHOLDERS)


@rule("CB020", "placeholder-password", "warning", formats=("cib",))
def placeholder_password(item: Loaded) -> Iterator[Finding]:
    """A fencing password is a placeholder, a default, or shorter than 8 characters.

    Why it matters: a management board (iLO, IPMI) with a guessable password
    lets anyone on its network power the node off; a placeholder copied from
    documentation usually means fencing was never tested and fails when needed.

    Example: ``<nvpair name="ilo_password" value="CLEARTEXTPASSWORD"/>``.

    Fix: set a long random password on the board and in the CIB (or its
    password file), then test fencing (``stonith -t TYPE ... -T reset NODE``).
    """
    for pair in _cib(item).secret_nvpairs():
        if pair.name.lower().endswith("method") or pair.value is None:
            continue  # passwd_method=file names where the password is
        if not pair.value.startswith("/") and is_placeholder(pair.value):
            yield make(
                "CB020",
                f"'{pair.name}' holds a placeholder or guessable password",
                item.where(pair),
            )
