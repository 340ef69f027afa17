"""CIB rules (ciblint's heritage): ids, references, STONITH, Xen guests, options.

A cluster holds one CIB, but it reaches us in pieces: a full ``cib.xml`` per
node, and the fragments administrators load with ``cibadmin`` kept beside the
nodes. :func:`units` groups them: every full CIB is checked on its own, all
fragments together (they end up in one CIB), and a fragment may refer to what
a full CIB defines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, cast

import attrs

from ..cluster import (
    Cluster,
    Loaded,
    Membership,
    NodeInfo,
    colocation_pairs,
    memberships,
    order_pairs,
    short,
)
from ..findings import Finding, Location
from ..formats.cib.model import RESOURCE_TAGS, CibDocument, NvPair, Primitive, _tag
from ..formats.cib.values import canon_name, parse_bool
from ..formats.cib.xmltext import WRAPPER
from ..formats.ocfs2 import Ocfs2Document
from . import make, rule


@attrs.frozen
class Unit:
    """The CIB documents checked together, and those their references may resolve into."""

    items: tuple[Loaded, ...]
    scope: tuple[Loaded, ...]

    def elements(self, *tags: str) -> Iterator[tuple[Loaded, Any]]:
        for item in self.items:
            for el in item.doc.iter(*tags):  # type: ignore[attr-defined]
                if not _in_status(el):
                    yield item, el

    def primitives(self) -> Iterator[tuple[Loaded, Primitive]]:
        for item in self.items:
            for p in item.doc.primitives:  # type: ignore[attr-defined]
                yield item, p


def _cib(item: Loaded) -> CibDocument:
    """A CIB item's document, typed (units are built from ``cluster.docs("cib")``, whose
    documents, partial ones included, are all :class:`CibDocument`)."""
    return cast(CibDocument, item.doc)


def _in_status(el: Any) -> bool:
    return any(_tag(a) == "status" for a in el.iterancestors()) or _tag(el) == "status"


def units(cluster: Cluster) -> list[Unit]:
    """Full CIBs one by one, then every fragment together."""
    docs = list(cluster.docs("cib"))
    full = [i for i in docs if not i.doc.is_fragment]  # type: ignore[attr-defined]
    frags = tuple(i for i in docs if i.doc.is_fragment)  # type: ignore[attr-defined]
    out = [Unit((i,), (i,)) for i in full]
    if frags:
        out.append(Unit(frags, frags + tuple(full)))
    return out


def _names(cluster: Cluster) -> set[str]:
    """Every node name the cluster declares (ha.cf, drbd, OCFS2, CIB, and the node
    folders of the run except boxes that only serve storage)."""
    model = cluster.model
    names = {n for n in cluster.nodes if n and not _storage_only(model.node(n))}
    for m in memberships(cluster):
        names.update(m.names)
    return names


def _storage_only(info: NodeInfo | None) -> bool:
    return info is not None and info.storage_only


def _label(el: Any) -> str:
    tag = _tag(el)
    name = el.get("name")
    return f"{tag} '{name}'" if name and tag in ("nvpair", "op") else tag


def _same_object(a: Any, b: Any) -> bool:
    """Two elements in different fragments that are the same CIB object (an update)."""
    if _tag(a) != _tag(b):
        return False
    if _tag(a) == "nvpair":
        return canon_name(a.get("name", "")) == canon_name(b.get("name", ""))
    if _tag(a) == "op":
        return a.get("name") == b.get("name") and a.get("interval", "0") == b.get("interval", "0")
    return True


@rule("CB001", "duplicate-id", "error", scope="cluster")
def duplicate_id(cluster: Cluster) -> Iterator[Finding]:
    """Two elements of one CIB share an ``id``.

    Why it matters: the CRM finds objects by id. With two elements of one id,
    ``cibadmin -M`` and ``crm_resource`` change whichever comes first, and
    Pacemaker 1.0's schema refuses the CIB. Heartbeat 2 keys objects by type
    and id, so in its CIBs only a reuse within one element type is reported
    here (across types: CB021).
    Fragments kept beside the nodes count as one CIB: an id reused for a
    *different* object in another fragment is reported too (the same op or
    nvpair again is an update and is fine).

    Example: ``<primitive id="host1">`` holding ``<instance_attributes id="host1">``.

    Fix: give every element its own id, for example ``host1-ia``.
    """
    for i, item, el, first_item, first_el in _id_reuses(cluster):
        if not _types_differ_in_heartbeat2(item, el, first_item, first_el):
            yield make(
                "CB001",
                f"id '{i}' of {_label(el)} is already used by {_label(first_el)}",
                item.where(el),
                [first_item.where(first_el)],
            )


_Reuse = tuple[str, Loaded, Any, Loaded, Any]


def _id_reuses(cluster: Cluster) -> Iterator[_Reuse]:
    """``(id, item, element, first item, first element)`` for each element whose id an
    earlier element of the same CIB (its fragments included) already has."""
    for unit in units(cluster):
        seen: dict[str, list[tuple[Loaded, Any]]] = {}
        for item, el in unit.elements():
            i = el.get("id")
            if i is None or _tag(el) == "resource_ref":
                continue
            seen.setdefault(i, []).append((item, el))
        for i, places in seen.items():
            first_item, first_el = places[0]
            for item, el in places[1:]:
                if item is not first_item and _same_object(first_el, el):
                    continue
                yield i, item, el, first_item, first_el


def _types_differ_in_heartbeat2(item: Loaded, el: Any, first_item: Loaded, first_el: Any) -> bool:
    """Heartbeat 2 keys objects by type and id: this reuse is CB021, not CB001."""
    return _tag(el) != _tag(first_el) and all(
        getattr(i.doc, "dialect", "") == "heartbeat-2" for i in (item, first_item)
    )


@rule("CB021", "id-shared-across-types", "warning", scope="cluster")
def id_shared_across_types(cluster: Cluster) -> Iterator[Finding]:
    """A heartbeat 2 CIB gives one id to elements of different types.

    Why it matters: heartbeat 2 finds an object by its type and id, so a
    ``primitive`` and its ``instance_attributes``, or a group and an order,
    may share one (its GUI and its own test CIBs do). Pacemaker 1.0 wants
    ids unique across the whole CIB: ``xencfg cib convert`` renames the later
    one and reports it, but a script or ``cibadmin`` command that names the
    old id then reaches the other element. Two elements of the *same* type
    with one id are an error in every version (CB001).

    Example: ``<primitive id="db-fs">`` holding ``<instance_attributes id="db-fs">``.

    Fix: rename the inner one (``db-fs-ia``): heartbeat 2 does not need it,
    but every later tool does, and the new id is then your choice.
    """
    for i, item, el, first_item, first_el in _id_reuses(cluster):
        if _types_differ_in_heartbeat2(item, el, first_item, first_el):
            yield make(
                "CB021",
                f"id '{i}' of {_label(el)} is also the id of {_label(first_el)}:"
                " fine in heartbeat 2, renamed by the conversion to Pacemaker 1.0",
                item.where(el),
                [first_item.where(first_el)],
            )


@rule("CB002", "dangling-reference", "error", scope="cluster")
def dangling_reference(cluster: Cluster) -> Iterator[Finding]:
    """A constraint names a resource or node that does not exist.

    Why it matters: the CRM drops a constraint whose resource is missing
    (often silently), so the ordering or placement it was written for does
    not happen; a location on a misspelt node name never matches any node.
    Both heartbeat 2's ``from``/``to`` and Pacemaker 1.0's
    ``first``/``then``/``rsc``/``with-rsc`` forms and ``resource_ref`` in
    sets are checked; node names are those of ``nodes``, ha.cf, drbd.conf
    and OCFS2 plus the node folders linted (except boxes that only serve storage).

    Example: ``<rsc_order from="nfs" to="configpool"/>`` with no resource ``nfs``.

    Fix: correct the id or node name, or load the resource before the constraint.
    """
    nodes = _names(cluster)
    declared = [m.where(m.names[0]) for m in memberships(cluster)]
    for unit in units(cluster):
        rids: set[str] = set()
        for item in unit.scope:
            rids.update(r.id for r in item.doc.all_resources() if r.id)  # type: ignore[attr-defined]
        for item in unit.items:
            for ref in item.doc.references():  # type: ignore[attr-defined]
                if _in_status(ref.source):
                    continue
                if ref.kind == "resource" and ref.target not in rids:
                    owner = ref.source
                    while _tag(owner) not in ("rsc_order", "rsc_colocation", "rsc_location"):
                        owner = owner.getparent()
                    via = "resource_ref" if _tag(ref.source) == "resource_ref" else ref.attribute
                    yield make(
                        "CB002",
                        f"{_tag(owner)} '{owner.get('id')}' names resource '{ref.target}' "
                        f"({via}), which is not defined",
                        item.where(ref.source),
                    )
                elif ref.kind == "node" and nodes and ref.target not in nodes:
                    yield make(
                        "CB002",
                        f"location names node '{ref.target}', which is not a cluster node "
                        f"({', '.join(sorted(nodes))})",
                        item.where(ref.source),
                        declared,
                    )


# -- Xen guests --------------------------------------------------------------------


def _etc_path(item: Loaded) -> str:
    """The path a domU config has on its node (``/etc/xen/...``)."""
    parts = item.file.path.parts
    if "etc" in parts:
        i = len(parts) - 1 - parts[::-1].index("etc")
        return "/" + "/".join(parts[i:])
    return str(item.file.path)


def _domus(cluster: Cluster) -> list[Loaded]:
    return [*cluster.docs("xm"), *cluster.docs("xl")]


def _domus_by_path(cluster: Cluster) -> dict[str, list[Loaded]]:
    """Every domU config by the path it has on its node, once per run."""

    def index() -> dict[str, list[Loaded]]:
        out: dict[str, list[Loaded]] = {}
        for d in _domus(cluster):
            out.setdefault(_etc_path(d), []).append(d)
        return out

    return cluster.fact("cib:domus-by-path", index)


def _domu_for(cluster: Cluster, xmfile: str) -> list[Loaded]:
    return _domus_by_path(cluster).get(str(PurePosixPath(xmfile)), [])


def _param_pair(prim: Primitive, name: str) -> NvPair | None:
    for s in reversed(prim.instance_sets):
        pair = s.nvpair(name)
        if pair is not None:
            return pair
    return None


def _meta_place(prim: Primitive, name: str) -> Any:
    """The element that sets resource option ``name`` (nvpair, or the primitive itself)."""
    for s in reversed(prim.meta_sets):
        pair = s.nvpair(name)
        if pair is not None:
            return pair
    return _param_pair(prim, name) or prim


@rule("CB003", "xmfile-not-found", "warning", scope="cluster")
def xmfile_not_found(cluster: Cluster) -> Iterator[Finding]:
    """A Xen primitive's ``xmfile`` is not among the domU configs linted.

    Why it matters: the Xen agent runs ``xm create XMFILE`` on whichever node
    the CRM picks; a path that does not exist there makes the start fail and
    the guest bounce between nodes until it is blocked.

    Example: ``xmfile=/etc/xen/vm/sles.xm`` while only ``/etc/xen/vm/nfs.xm`` exists.

    Fix: install the domU config on every node at that path (or on the shared
    configuration filesystem), or correct the path.
    """
    if not cluster.nodes:
        return
    by_folder: dict[str, list[Loaded]] = {}
    for path, items in _domus_by_path(cluster).items():
        by_folder.setdefault(str(PurePosixPath(path).parent), []).extend(items)
    for unit in units(cluster):
        for item, prim in unit.primitives():
            xmfile = prim.xmfile if prim.is_xen else None
            if not xmfile or _domu_for(cluster, xmfile):
                continue
            folder = str(PurePosixPath(xmfile).parent)
            near = by_folder.get(folder, [])
            nodes_with = sorted({d.node for d in near if d.node})
            where = f" (that folder holds {', '.join(sorted({_etc_path(d) for d in near}))})"
            yield make(
                "CB003",
                f"Xen resource '{prim.id}' xmfile '{xmfile}' is not a domU config on any node"
                + (where if nodes_with else ""),
                item.where(_param_pair(prim, "xmfile") or prim),
                [d.where() for d in near],
            )


_DRBD_DEV = re.compile(r"^/dev/drbd(\d+)$")


def _drbd_resources(cluster: Cluster, node: str) -> list[tuple[Loaded, Any]]:
    """A node's DRBD resources (``common`` from whichever file has it), once per run."""

    def compute() -> list[tuple[Loaded, Any]]:
        docs = list(cluster.docs("drbd", node))
        common = next((d.doc.common_block for d in docs if d.doc.common_block is not None), None)  # type: ignore[attr-defined]
        return [(d, r) for d in docs for r in d.doc.resource_list(common)]  # type: ignore[attr-defined]

    return cluster.fact(f"cib:drbd:{node}", compute)


def _effective(cluster: Cluster, res: Any, host: str) -> Any:
    """``res.effective(host)`` once per run (``None``: no section for that host)."""
    memo: dict[tuple[int, str], tuple[Any, Any]] = cluster.fact("cib:drbd-effective", dict)
    hit = memo.get((id(res), host))
    if hit is None or hit[0] is not res:
        try:
            eff = res.effective(host)
        except KeyError:
            eff = None
        hit = memo[(id(res), host)] = (res, eff)
    return hit[1]


def _two_primaries(cluster: Cluster, res: Any, host: str) -> bool | None:
    eff = _effective(cluster, res, host)
    if eff is None:
        return None
    v = eff.sections.get("net", {}).get("allow-two-primaries")
    return v is True or (isinstance(v, str) and v.lower() in ("yes", "true", "on"))


def _drbd_disk(cluster: Cluster, res: Any, host: str, target: str, minor: int | None) -> bool:
    if minor is None:
        return bool(res.name == target)
    eff = _effective(cluster, res, host)
    dev = eff.device if eff is not None else None
    return dev is not None and dev.minor == minor


@rule("CB004", "migrate-without-dual-primary", "error", scope="cluster", hazard=True)
def migrate_without_dual_primary(cluster: Cluster) -> Iterator[Finding]:
    """``allow-migrate`` is true for a domU on DRBD that does not allow two primaries.

    Why it matters: during a live migration the guest's disk is open on both
    nodes at once, so both must be DRBD primary. Without
    ``net { allow-two-primaries; }`` the promotion on the target fails and the
    migration aborts (or the CRM falls back to stop/start, which is not live).

    Example: ``allow_migrate=true`` on a Xen primitive whose domU has
    ``disk = ['drbd:vm_shaolin,hda1,w']`` and drbd.conf has no ``net`` section.

    Fix: add ``allow-two-primaries`` (with protocol C and fencing) to the
    resource's ``net`` section on every node, or set ``allow-migrate`` false.
    """
    for unit in units(cluster):
        for item, prim in unit.primitives():
            if not prim.is_xen or prim.allow_migrate is not True or not prim.xmfile:
                continue
            # (resource, disk) -> nodes lacking dual primary, and the places involved
            lacking: dict[tuple[str, str], tuple[list[str], list[Location]]] = {}
            for domu in _domu_for(cluster, prim.xmfile):
                if domu.node is None:
                    continue
                for disk in domu.doc.disks:  # type: ignore[attr-defined]
                    res_name = disk.drbd_resource
                    m = _DRBD_DEV.match(disk.target or "")
                    if res_name is None and m is None:
                        continue
                    minor = int(m.group(1)) if m else None
                    for ditem, res in _drbd_resources(cluster, domu.node):
                        if not _drbd_disk(cluster, res, domu.node, res_name or "", minor):
                            continue
                        if _two_primaries(cluster, res, domu.node) is False:
                            nodes, places = lacking.setdefault((res.name, disk.raw), ([], []))
                            nodes.append(domu.node)
                            disk_at = domu.doc.assignment("disk")  # type: ignore[attr-defined]
                            places += [domu.where(disk_at), ditem.where(res)]
            for (res_name, raw), (nodes, places) in lacking.items():
                yield make(
                    "CB004",
                    f"Xen resource '{prim.id}' allows live migration but DRBD resource "
                    f"'{res_name}' (disk '{raw}') does not allow two primaries on "
                    f"{', '.join(sorted(set(nodes)))}",
                    item.where(_meta_place(prim, "allow-migrate")),
                    list(dict.fromkeys(places)),
                )


# -- STONITH -----------------------------------------------------------------------


def _stonith_option(unit: Unit) -> tuple[Loaded, NvPair] | None:
    last = None
    for item in unit.items:
        for pair in item.doc.option_pairs():  # type: ignore[attr-defined]
            if canon_name(pair.name) == "stonith-enabled":
                last = (item, pair)
    return last


def _stonith_enabled(unit: Unit) -> tuple[bool | None, Location | None]:
    """Whether STONITH is on (explicitly, or the dialect's default for a full CIB)."""
    opt = _stonith_option(unit)
    if opt is not None:
        return parse_bool(opt[1].value), opt[0].where(opt[1])
    full = [i for i in unit.items if not i.doc.is_fragment]  # type: ignore[attr-defined]
    if not full:
        return None, None
    # heartbeat 2 defaults to off, Pacemaker 1.0 to on
    on = full[0].doc.dialect == "pacemaker-1.0"  # type: ignore[attr-defined]
    return on, full[0].where(full[0].doc.section("crm_config"))  # type: ignore[attr-defined]


@rule("CB005", "stonith-without-device", "error", scope="cluster", hazard=True)
def stonith_without_device(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is enabled but the CIB defines no STONITH resource.

    Why it matters: the CRM must fence a failed node before it recovers its
    resources. With nothing to fence with, every node failure blocks
    recovery (Pacemaker 1.0 refuses to start any resource at all).

    Example: ``stonith-enabled=true`` and no ``<primitive class="stonith">``.

    Fix: configure a fencing device (iLO, IPMI, a PDU) for every node.
    """
    for unit in units(cluster):
        on, where = _stonith_enabled(unit)
        if not on or where is None:
            continue
        if any(p.is_stonith for i in unit.scope for p in i.doc.primitives):  # type: ignore[attr-defined]
            continue
        yield make("CB005", "STONITH is enabled but no STONITH resource is defined", where)


def _shared_storage(cluster: Cluster, unit: Unit) -> list[tuple[str, Location]]:
    out: list[tuple[str, Location]] = []
    for item, prim in unit.primitives():
        if _is_ocfs2_fs(prim):
            out.append((f"OCFS2 filesystem '{prim.id}'", item.where(prim)))
    return out + cluster.fact("cib:shared-storage", lambda: _nodes_share(cluster))


def _nodes_share(cluster: Cluster) -> list[tuple[str, Location]]:
    """The storage the nodes share whatever the CIB says (once per run, not per copy)."""
    out: list[tuple[str, Location]] = []
    for node in cluster.nodes:
        for ditem, res in _drbd_resources(cluster, node):
            if _two_primaries(cluster, res, node):
                out.append((f"dual-primary DRBD '{res.name}'", ditem.where(res)))
                break
    for mp in cluster.docs("multipath"):
        if mp.doc.multipaths:  # type: ignore[attr-defined]
            out.append(("multipath SAN LUNs", mp.where()))
            break
    return out


@rule("CB006", "stonith-disabled-with-shared-storage", "error", scope="cluster", hazard=True)
def stonith_disabled_shared(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is disabled while nodes share storage (OCFS2, dual-primary DRBD, SAN).

    Why it matters: without fencing, a node that stops answering is assumed
    dead; if it is only hung or cut off it keeps writing to the shared disk
    while the other node mounts or promotes it: split brain and a corrupted
    filesystem.

    Example: ``stonith_enabled=false`` with ``allow-two-primaries`` in drbd.conf.

    Fix: set ``stonith-enabled=true`` and configure a real fencing device;
    for DRBD also ``fencing resource-and-stonith`` with the CRM fence handlers.
    """
    for unit in units(cluster):
        on, where = _stonith_enabled(unit)
        if on is not False or where is None:
            continue
        shared = _shared_storage(cluster, unit)
        if shared:
            what = ", ".join(dict.fromkeys(s for s, _ in shared))
            yield make("CB006", f"STONITH is disabled but nodes share {what}", where,
                       [loc for _, loc in shared])  # fmt: skip


#: STONITH agents that cannot fence a hung node (and say so in their own description).
TEST_AGENTS = {
    "ssh": "fine for testing, not for production: it needs a healthy node to log in to",
    "external/ssh": "fine for testing, not for production: it needs a healthy node to log in to",
    "null": "a do-nothing device for tests: it claims success and fences nothing",
    "suicide": "the node must reboot itself, which a hung node cannot do",
}


@rule("CB007", "test-only-stonith", "warning", formats=("cib",), hazard=True)
def test_only_stonith(item: Loaded) -> Iterator[Finding]:
    """A STONITH resource uses an agent meant for testing (ssh, external/ssh, null, suicide).

    Why it matters: fencing is needed exactly when a node is hung, cut off
    or has lost its network, and then ssh cannot reach it and suicide cannot
    run; ``null`` never fences at all. The cluster believes the node is dead
    while it still writes to shared storage. (``meatware``, manual fencing
    confirmed with ``meatclient``, is real fencing and is not reported.)

    Example: ``<primitive class="stonith" type="external/ssh">``.

    Fix: use a power or management device: ``external/riloe`` (iLO),
    ``external/ipmi``, a PDU agent, or ``external/sbd`` on shared storage.
    """
    for prim in item.doc.stonith_resources():  # type: ignore[attr-defined]
        why = TEST_AGENTS.get(prim.type or "")
        if why:
            yield make(
                "CB007", f"STONITH resource '{prim.id}' uses '{prim.type}': {why}",
                item.where(prim),
            )  # fmt: skip


@rule("CB008", "no-monitor-op", "warning", formats=("cib",))
def no_monitor(item: Loaded) -> Iterator[Finding]:
    """A primitive has no (enabled) recurring ``monitor`` operation.

    Why it matters: without a monitor the CRM only learns about a resource
    when it starts or stops it; a crashed daemon, an unmounted filesystem or
    a dead guest stays "started" and is never recovered.

    Example: ``<primitive id="evms-child" type="EvmsSCC"></primitive>``.

    Fix: add ``<op name="monitor" interval="20s" timeout="60s"/>``.
    """
    for prim in item.doc.primitives:  # type: ignore[attr-defined]
        if not any(o.name == "monitor" and o.enabled and o.interval.ms for o in prim.ops):
            yield make(
                "CB008", f"resource '{prim.id}' ({prim.agent}) has no monitor operation",
                item.where(prim),
            )  # fmt: skip


@rule("CB009", "cleartext-password", "warning", formats=("cib",))
def cleartext_password(item: Loaded) -> Iterator[Finding]:
    """A password (iLO, IPMI, DRAC ...) is stored in cleartext in the CIB.

    Why it matters: the CIB is replicated to every node, readable by
    ``cibadmin -Q``/``crm_mon`` users and copied into every report and bug
    ticket (hb_report). Whoever reads it can power the nodes off.

    Example: ``<nvpair name="ilo_password" value="..."/>`` (the value is
    never printed by xencfg).

    Fix: use the agent's file option where it has one (``external/ipmi``:
    ``passwd_method=file`` with ``passwd`` naming a root-only file), a
    dedicated management account with only power rights, and keep the CIB
    out of tickets.
    """
    for pair in item.doc.secret_nvpairs():  # type: ignore[attr-defined]
        if not pair.value:
            continue
        parent = pair.el.getparent()
        siblings = [NvPair(p) for p in parent if _tag(p) == "nvpair"] if parent is not None else []
        if any(
            canon_name(s.name).endswith("-method") and (s.value or "").lower() == "file"
            for s in siblings
        ):
            continue
        owner = pair.el
        while owner is not None and _tag(owner) not in ("primitive", "node", "crm_config"):
            owner = owner.getparent()
        whose = f" of '{owner.get('id')}'" if owner is not None and owner.get("id") else ""
        yield make(
            "CB009", f"'{pair.name}'{whose} is stored in cleartext in the CIB",
            item.where(pair),
        )  # fmt: skip


# -- option names ------------------------------------------------------------------


def _option_spellings(item: Loaded) -> Iterator[tuple[str, Any]]:
    """``(name, element)`` for every CRM option name written as an nvpair.

    XML attributes (``start_delay``, ``globally_unique``) are left out: their
    spelling is dictated by the schema of the dialect, not chosen.
    """
    from ..formats.cib.model import LEGACY_META
    from ..formats.cib.options import KNOWN

    doc: Any = item.doc
    for pair in doc.option_pairs():
        if canon_name(pair.name) in KNOWN:
            yield pair.name, pair.el
    for res in doc.all_resources():
        for s in (*res.meta_sets, *res.instance_sets):
            for pair in s.nvpairs:
                if canon_name(pair.name) in LEGACY_META:
                    yield pair.name, pair.el
    for pair_el in doc.iter("nvpair"):  # bare nvpair fragments (cibadmin -M snippets)
        if pair_el.getparent() is None or _tag(pair_el.getparent()) == WRAPPER:
            name = pair_el.get("name", "")
            if canon_name(name) in LEGACY_META | KNOWN:
                yield name, pair_el


@rule("CB010", "mixed-option-spelling", "warning", scope="cluster")
def mixed_spelling(cluster: Cluster) -> Iterator[Finding]:
    """One CIB writes option names both with dashes and with underscores.

    Why it matters: heartbeat 2 took underscores (``allow_migrate``),
    Pacemaker 1.0 reads resource options only under their dash names
    (``allow-migrate``) and ignores the others; a CIB that mixes both was
    pasted from two generations of documentation and, after an upgrade,
    part of it silently stops applying.

    Example: ``stonith-enabled`` in crm_config but ``allow_migrate`` and
    ``clone_max`` on the resources.

    Fix: use one spelling everywhere: dashes for Pacemaker 1.0
    (``xencfg cib convert`` rewrites a heartbeat 2 CIB).
    """
    for unit in units(cluster):
        dash: list[tuple[Loaded, str, Any]] = []
        under: list[tuple[Loaded, str, Any]] = []
        for item in unit.items:
            for name, el in _option_spellings(item):
                if "_" in name and "-" not in name:
                    under.append((item, name, el))
                elif "-" in name and "_" not in name:
                    dash.append((item, name, el))
        if not dash or not under:
            continue
        # report the minority spelling once per file, pointing at the majority
        few, many, kind = (under, dash, "underscore") if len(under) <= len(dash) else (
            dash, under, "dash")  # fmt: skip
        other = "dashes" if kind == "underscore" else "underscores"
        sample = ", ".join(list(dict.fromkeys(n for _, n, _ in many))[:3])
        by_file: dict[str, list[tuple[Loaded, str, Any]]] = {}
        for entry in few:
            by_file.setdefault(entry[0].file.display, []).append(entry)
        for entries in by_file.values():
            item, _, el = entries[0]
            names = list(dict.fromkeys(n for _, n, _ in entries))
            shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
            yield make(
                "CB010",
                f"option names {shown} use the {kind} spelling while the rest of this CIB "
                f"uses {other} ({sample})",
                item.where(el),
                [many[0][0].where(many[0][2])],
            )


@rule("CB011", "unknown-option", "warning", formats=("cib",))
def unknown_option(item: Loaded) -> Iterator[Finding]:
    """A cluster or resource option name the CRM of this schema version does not read.

    Why it matters: the CRM ignores names it does not know, silently: a typo
    such as ``symetric_cluster`` or a half-converted ``no_quorum-policy``
    leaves the default in force. In a Pacemaker 1.0 CIB, resource options
    under heartbeat 2 names (``allow_migrate``) or in ``instance_attributes``
    (``target_role``) are not seen either.

    Example: ``<nvpair name="stonith_enabeld" value="true"/>``.

    Fix: use the suggested name (and, in Pacemaker 1.0, put resource options
    in ``meta_attributes``).
    """
    doc: Any = item.doc
    for pair, kind, suggestion in doc.option_problems():
        if kind != "unknown":
            continue
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        yield make("CB011", f"unknown cluster option '{pair.name}'{hint}", item.where(pair))
    for res, pair, kind, fix in doc.meta_problems():
        what = "is ignored by Pacemaker 1.0" if kind == "ignored" else "is not read from here"
        yield make(
            "CB011", f"resource option '{pair.name}' of '{res.id}' {what}; use '{fix}'",
            item.where(pair),
        )  # fmt: skip


@rule("CB012", "deprecated-option", "info", formats=("cib",))
def deprecated_option(item: Loaded) -> Iterator[Finding]:
    """A cluster option that still works but has a successor in this schema version.

    Why it matters: deprecated options disappear in a later release and then
    their setting silently reverts to the default.

    Example: ``default-resource-stickiness`` in a Pacemaker 1.0 CIB.

    Fix: move the setting where the message says (``rsc_defaults``,
    ``op_defaults`` or the new option name).
    """
    for pair, kind, suggestion in item.doc.option_problems():  # type: ignore[attr-defined]
        if kind == "deprecated":
            hint = f"; use {suggestion}" if suggestion else "; it has no effect"
            yield make("CB012", f"deprecated cluster option '{pair.name}'{hint}",
                       item.where(pair))  # fmt: skip


# -- OCFS2 -------------------------------------------------------------------------


def _is_ocfs2_fs(prim: Primitive) -> bool:
    return prim.type == "Filesystem" and (prim.param("fstype") or "").lower() == "ocfs2"


@rule("CB013", "ocfs2-without-cluster", "error", scope="cluster")
def ocfs2_without_cluster(cluster: Cluster) -> Iterator[Finding]:
    """An OCFS2 Filesystem resource while a node's ocfs2 cluster.conf is missing or lacks a node.

    Why it matters: ``mount -t ocfs2`` needs the o2cb cluster stack running
    with every node that may mount listed in ``/etc/ocfs2/cluster.conf`` on
    that node. A clone instance started on a node missing from it (or
    without the file) fails to mount, and a node the others do not know is
    fenced or refused by the DLM.

    Example: a ``Filesystem fstype=ocfs2`` clone over host1 and host2 while
    cluster.conf lists only host1.

    Fix: list every cluster node in cluster.conf, identical on all nodes.
    """
    ocfs = list(cluster.typed("ocfs2", Ocfs2Document))
    if not cluster.nodes and not ocfs:
        return  # a CIB linted alone: nothing to compare with
    model = cluster.model
    for unit in units(cluster):
        cib_nodes = [n.uname for i in unit.scope for n in _cib(i).nodes if n.uname]
        hosts = [i.node for i in unit.items if i.node]
        # the members of this CIB's cluster (a target box with its own heartbeat, or
        # none, is not one of them)
        members = model.cluster_of([*cib_nodes, *hosts]) | {short(n) for n in cib_nodes}
        roots = [n for n in cluster.nodes if n and short(n) in members]
        spelled = {short(n): n for n in [*sorted(members), *roots, *cib_nodes]}
        needed = sorted(set(spelled.values()))
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


# -- resources: agents, ids, dependencies -------------------------------------------


@rule("CB014", "provider-without-ocf", "info", formats=("cib",))
def provider_without_ocf(item: Loaded) -> Iterator[Finding]:
    """A ``provider`` on a primitive whose class is not ``ocf``.

    Why it matters: only OCF agents live in per-provider folders
    (``/usr/lib/ocf/resource.d/PROVIDER``); for ``stonith``, ``lsb`` and
    ``heartbeat`` agents the attribute is ignored, and it suggests an agent
    other than the one that runs.

    Example: ``<primitive class="stonith" type="external/ssh" provider="heartbeat">``.

    Fix: remove ``provider``.
    """
    for prim in item.doc.primitives:  # type: ignore[attr-defined]
        if prim.provider is not None and prim.rclass not in (None, "ocf"):
            yield make(
                "CB014",
                f"provider '{prim.provider}' of '{prim.id}' is ignored for class '{prim.rclass}'",
                item.where(prim),
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
    for res in item.doc.all_resources():  # type: ignore[attr-defined]
        if res.id and _UNSAFE_ID.search(res.id):
            yield make(
                "CB015",
                f"{res.kind} id '{res.id}' is not a valid XML NCName (':' or leading digit)",
                item.where(res),
            )


def _ids_around(el: Any) -> set[str]:
    """The id of a resource and of the groups/clones holding it."""
    out = set()
    while el is not None and _tag(el) in RESOURCE_TAGS:
        if el.get("id"):
            out.add(el.get("id"))
        el = el.getparent()
    return out


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
            for p in i.doc.primitives  # type: ignore[attr-defined]
            if p.type == "Filesystem" and p.param("directory")
        ]
        # each constraint's pairs once, indexed by the pair (resource sets expanded)
        ordered: dict[tuple[str, str], list[tuple[Loaded, Any]]] = {}
        for i in unit.scope:
            for o in i.doc.orders:  # type: ignore[attr-defined]
                for pair in dict.fromkeys(order_pairs(o)):
                    ordered.setdefault(pair, []).append((i, o))
        colocated: dict[tuple[str, str], list[Any]] = {}
        for i in unit.scope:
            for c in i.doc.colocations:  # type: ignore[attr-defined]
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
                fs_ids, vm_ids = _ids_around(fs.el), _ids_around(prim.el)
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
    plain primitive the CRM mounts it on one node only, the others never get
    it, and the Filesystem agent refuses OCFS2 outside a clone.

    Example: ``<primitive type="Filesystem">`` with ``fstype=ocfs2`` directly
    under ``<resources>``.

    Fix: wrap it in ``<clone>`` (``globally_unique=false``, ``clone_node_max=1``).
    """
    for prim in item.doc.primitives:  # type: ignore[attr-defined]
        if _is_ocfs2_fs(prim) and not _in_clone(prim.el):
            yield make(
                "CB017",
                f"OCFS2 filesystem '{prim.id}' is not cloned: it would be mounted on one node",
                item.where(prim),
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
    for prim in item.doc.primitives:  # type: ignore[attr-defined]
        for op in prim.ops:
            delay = op.start_delay
            if op.name in _NO_DELAY_OPS and delay is not None and delay.ms:
                yield make(
                    "CB018",
                    f"'{op.name}' of '{prim.id}' waits start_delay {delay.raw} before running",
                    item.where(op),
                )


def _banned_from(loc: Any, node: str) -> bool:
    """Whether a location constraint keeps its resource off ``node`` (-INFINITY)."""
    from ..formats.cib.values import INFINITY

    if loc.node == node and loc.score == -INFINITY:
        return True
    for r in loc.rules:
        if r.score != -INFINITY:
            continue
        exprs = r.expressions
        names = any(
            e.attribute == "#uname" and e.operation == "eq" and e.value == node for e in exprs
        )
        if names and (r.boolean_op == "or" or len(exprs) == 1):
            return True
    return False


@rule("CB019", "stonith-may-fence-itself", "warning", scope="cluster", hazard=True)
def stonith_may_fence_itself(cluster: Cluster) -> Iterator[Finding]:
    """A STONITH device for one node is allowed to run on that very node.

    Why it matters: when that node hangs, the device meant to fence it is
    running there too: it is the failed node that would have to shoot
    itself, so fencing fails and recovery blocks. The agent for host1 must
    run on the other nodes.

    Example: ``external/riloe`` with ``hostlist=host1`` and no
    ``rsc_location`` scoring it ``-INFINITY`` on host1.

    Fix: add ``<rsc_location rsc="fence-host1" node="host1" score="-INFINITY"/>``
    (or a rule ``#uname eq host1`` with score -INFINITY).
    """
    for unit in units(cluster):
        locations = [c for i in unit.scope for c in i.doc.locations]  # type: ignore[attr-defined]
        for item, prim in unit.primitives():
            if not prim.is_stonith or _in_clone(prim.el):
                continue
            target = prim.param("hostlist") or prim.param("hostname") or ""
            hosts = target.replace(",", " ").split()
            if len(hosts) != 1:
                continue
            ids = _ids_around(prim.el)
            if any(loc.rsc in ids and _banned_from(loc, hosts[0]) for loc in locations):
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
    for pair in item.doc.secret_nvpairs():  # type: ignore[attr-defined]
        if pair.name.lower().endswith("method") or pair.value is None:
            continue  # passwd_method=file names where the password is
        if not pair.value.startswith("/") and is_placeholder(pair.value):
            yield make(
                "CB020",
                f"'{pair.name}' holds a placeholder or guessable password",
                item.where(pair),
            )


# -- quorum --------------------------------------------------------------------------


def _crm_members(declared: list[Membership], unit: Unit) -> set[str]:
    """The members of the heartbeat/Pacemaker cluster a CIB unit belongs to, in
    heartbeat's case-insensitive spelling: the unit's own ``<nodes>`` and the ha.cf
    ``node`` lines of the node trees its files come from (of every node tree when
    the files lie beside the nodes, as CIB fragments in a cluster folder do).
    Unrelated CIBs given together are not one cluster. (One place, so a richer
    cluster model with node roles can answer instead.)"""
    trees = {i.node for i in unit.items}
    mine = {id(i) for i in unit.items}
    names: set[str] = set()
    for m in declared:
        own_cib = m.source == "cib" and id(m.item) in mine
        hacf = m.source == "ha.cf" and m.item.node is not None
        if own_cib or (hacf and (m.item.node in trees or None in trees)):
            names.update(n.lower() for n in m.names)
    return names


@rule("CB022", "no-quorum-ignored-on-three-nodes", "warning", scope="cluster")
def no_quorum_ignored(cluster: Cluster) -> Iterator[Finding]:
    """``no-quorum-policy=ignore`` on a cluster of three or more members.

    Why it matters: ``ignore`` tells a partition without quorum to go on
    managing resources. Two-node clusters need it (one survivor never has
    quorum), but with three or more members a majority exists: with
    ``ignore`` a node cut off from the others keeps its resources and starts
    theirs, while the majority does the same: split brain on the shared
    disks, or a fencing race the minority may win. Pacemaker Explained
    (cluster options) and Clusters from Scratch name ``ignore`` for two-node
    clusters only; the default ``stop`` stops resources in a minority.

    Example: ``<nvpair name="no-quorum-policy" value="ignore"/>`` in a CIB
    whose ``<nodes>`` (or ha.cf ``node`` lines) name dom0a, dom0b and dom0c.

    Fix: remove the option (the default is ``stop``) or set ``stop``
    (``freeze`` keeps what runs but starts nothing).
    """
    declared = memberships(cluster)
    for unit in units(cluster):
        members = _crm_members(declared, unit)
        if len(members) < 3:
            continue
        last = None
        for item in unit.items:
            for pair in item.doc.option_pairs():  # type: ignore[attr-defined]
                if canon_name(pair.name) == "no-quorum-policy":
                    last = (item, pair)
        if last is None or (last[1].value or "").strip().lower() != "ignore":
            continue
        yield make(
            "CB022",
            f"no-quorum-policy=ignore on a cluster of {len(members)} members "
            f"({', '.join(sorted(members))}): a partition without quorum keeps running "
            "and starts the others' resources",
            last[0].where(last[1]),
        )
