"""CIB ids and references: duplicate ids, ids shared across element types, references to
ids nothing defines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...cluster import (
    Cluster,
    Loaded,
    memberships,
)
from ...findings import Finding
from ...formats.cib.model import ID_REFERENCES, CibDocument, _tag
from ...formats.cib.resources import Clone, Group, Primitive, Resource
from ...formats.cib.values import schema_version
from ...suggest import closest
from .. import make, rule
from .common import _cib, _in_status, _label, _same_object, _unit_names, units


@rule("CB001", "duplicate-id", "error", scope="cluster")
def duplicate_id(cluster: Cluster) -> Iterator[Finding]:
    """Two elements of one CIB share an ``id``.

    Why it matters: the CRM finds objects by id. With two elements of one id,
    ``cibadmin -M`` and ``crm_resource`` change whichever comes first, and
    Pacemaker 1.0's schema refuses the CIB (pacemaker-1.0.rng: ``id`` is of type
    ID): an error. Heartbeat 2 keys objects by type and id, so in its CIBs only a
    reuse within one element type is reported here (across types: CB021), and
    there it is a warning when one CIB file reuses the id of an operation, an
    attribute set, an nvpair, a rule or a constraint: crm.dtd makes every id CDATA,
    heartbeat 2 loads and runs the CIB (Pacemaker 1.0.13's pengine/test06 has such
    CIBs among its own test cases: ``id="any"`` on three instance_attributes in
    1360.xml, two ``rsc_order id="order1"`` in inc1.xml), but ``cibadmin -M`` on
    that id changes only the first, and the upgrade to Pacemaker 1.0 renames the
    others (upgrade06.xsl gives them generated ids such as
    ``instance_attributes.id8``). Two resources of one id stay an error (their
    history in the status section is kept by resource id alone), and so do
    fragments that give one id to different objects (loading the later one with
    ``cibadmin -M`` overwrites the earlier).
    Fragments kept beside the nodes count as one CIB: an id reused for a
    *different* object in another fragment is reported too (the same op or
    nvpair again is an update and is fine).

    Example: ``<primitive id="host1">`` holding ``<instance_attributes id="host1">``.

    A ``<node>`` written twice with its id and uname is not reported (a node id is
    plain text in every schema; Pacemaker warns "More than one node entry has
    name"), nor a node whose id is another element's: Pacemaker 1.1 and later write
    a remote node's ``<node id="rem1" type="remote">`` beside its ``ocf:pacemaker:remote``
    primitive ``rem1``.

    Fix: give every element its own id, for example ``host1-ia``.
    """
    for i, item, el, first_item, first_el in _id_reuses(cluster):
        if _types_differ_in_heartbeat2(item, el, first_item, first_el):
            continue
        found = make(
            "CB001",
            f"id '{i}' of {_label(el)} is already used by {_label(first_el)}",
            item.where(el),
            [first_item.where(first_el)],
        )
        if _heartbeat2_runs_it(item, el, first_item):
            found = attrs.evolve(
                found,
                severity="warning",
                message=found.message
                + ": heartbeat 2 runs it (crm.dtd: ids are CDATA), but cibadmin -M on this"
                " id changes only the first, and the upgrade to Pacemaker 1.0 renames it",
            )
        yield found


#: heartbeat 2 elements whose reused id it runs with (the status keeps no history by them)
_HB2_SUBOBJECTS = frozenset(
    {
        "op", "instance_attributes", "meta_attributes", "attributes", "cluster_property_set",
        "nvpair", "rule", "expression", "date_expression", "date_spec", "duration",
        "rsc_order", "rsc_colocation", "rsc_location", "lifetime",
    }
)  # fmt: skip


def _heartbeat2_runs_it(item: Loaded, el: Any, first_item: Loaded) -> bool:
    """A reuse within one heartbeat 2 CIB file of a sub-object's id (not a resource's,
    not across fragments): heartbeat 2 takes it, the hazard is later edits and the
    upgrade."""
    return (
        item is first_item and _cib(item).dialect == "heartbeat-2" and _tag(el) in _HB2_SUBOBJECTS
    )


_Reuse = tuple[str, Loaded, Any, Loaded, Any]


def _id_reuses(cluster: Cluster) -> Iterator[_Reuse]:
    """``(id, item, element, first item, first element)`` for each element whose id an
    earlier element of the same CIB (its fragments included) already has."""
    for unit in units(cluster):
        # the first holder of each id, the later ones apart: a list per id would cost
        # more than the element tree of a big CIB (issue 22 item 10)
        # a node's id is plain text, no XML ID (nodes-1.0.rng to nodes-3.9.rng), so it
        # is compared with other nodes' ids only: Pacemaker itself writes a remote
        # node's <node> with the id of its ocf:pacemaker:remote primitive
        first: dict[tuple[str, bool], tuple[Loaded, Any]] = {}
        later: dict[tuple[str, bool], list[tuple[Loaded, Any]]] = {}
        for item, el in unit.elements():
            i = el.get("id")
            if i is None or _tag(el) in ID_REFERENCES:
                continue
            key = (i, _tag(el) == "node")
            if key in first:
                later.setdefault(key, []).append((item, el))
            else:
                first[key] = (item, el)
        for key, (first_item, first_el) in first.items():  # (in the order of the ids)
            i = key[0]
            for item, el in later.get(key, ()):
                if item is not first_item and _same_object(first_el, el):
                    continue
                if _same_node(first_el, el):
                    continue
                yield i, item, el, first_item, first_el


def _same_node(a: Any, b: Any) -> bool:
    """Two ``<node>`` entries of one id and one uname: the same node written twice.
    A node's id is plain text in every schema (crm-1.0.dtd ``id CDATA``, nodes-1.0.rng
    to nodes-3.9.rng ``<text/>``), and Pacemaker 2.1.5's crm_verify only warns: "More
    than one node entry has name" (pe_create_node). (One id for two unames is still
    reported: the scheduler then fences the node by the other name.)"""
    return (
        _tag(a) == _tag(b) == "node"
        and (a.get("uname") or "").lower() == (b.get("uname") or "").lower()
    )


def _types_differ_in_heartbeat2(item: Loaded, el: Any, first_item: Loaded, first_el: Any) -> bool:
    """Heartbeat 2 keys objects by type and id: this reuse is CB021, not CB001."""
    return _tag(el) != _tag(first_el) and all(
        _cib(i).dialect == "heartbeat-2" for i in (item, first_item)
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


def _bans(source: Any) -> bool:
    """Whether the location holding ``source`` (its ``rule`` or the ``rsc_location``)
    scores negative: written to keep a resource off the node it names. A score given
    by ``score-attribute`` or none at all counts as a ban (it may be one)."""
    el = source
    while el is not None:
        score = el.get("score")
        if score is not None:
            return score.strip().startswith("-")
        if el.get("score-attribute") is not None or _tag(el) == "rsc_location":
            return True
        el = el.getparent()
    return True


@rule("CB002", "dangling-reference", "error", scope="cluster")
def dangling_reference(cluster: Cluster) -> Iterator[Finding]:
    """A constraint names a resource or node that does not exist.

    Why it matters: the CRM drops a constraint whose resource is missing
    (often silently), so the ordering or placement it was written for does
    not happen; a location on a misspelt node name never matches any node.
    Both heartbeat 2's ``from``/``to`` and Pacemaker 1.0's
    ``first``/``then``/``rsc``/``with-rsc`` forms and ``resource_ref`` in
    sets are checked; node names are those of ``nodes``, ha.cf, drbd.conf
    and OCFS2, the nodes that run the CIB (a corosync nodelist's too, a target box
    it lists included), plus the node folders linted (except boxes that only serve
    storage).

    A location on an unknown node is an error when its score is negative (a
    ban) and the name is a misspelling of a cluster node's, close to it or its
    FQDN (checked with crm_simulate, Pacemaker 2.1.5: ``node="host-2"
    score="-INFINITY"`` beside ``<node uname="host2">`` starts the resource on
    host2, and crm_verify says nothing). It is a warning when the name is like no
    node's (a ban ``crm_resource --ban`` left for a node that has since left the
    cluster does nothing; crm_verify only warns) or when it only gives a
    preference (the resource runs elsewhere, the cluster works).

    Example: ``<rsc_order from="nfs" to="configpool"/>`` with no resource ``nfs``;
    ``<rsc_location rsc="vm1" node="xen-2" score="-INFINITY"/>`` where the node is ``xen2``;
    ``<rsc_colocation rsc="vm1" with-rsc="p_drbd_r0" with-rsc-role="Master"/>`` where
    ``p_drbd_r0`` is the primitive of master/slave ``ms_drbd_r0``.

    Pacemaker 1.1.10 and later make nodes of resources too: an ``ocf:pacemaker:remote``
    primitive is a remote node named by its id, a primitive with the meta attribute
    ``remote-node`` (alone or in a group) a guest node of that name (Pacemaker 2.1.5
    lib/pengine/unpack.c ``unpack_remote_nodes``); a location on either names a node,
    and so does one on a bundle's replica (``web-bundle-0``). A bundle's id is a
    resource a constraint may name.

    A resource inside a clone or master/slave is no name a constraint can use: the
    scheduler knows only its instances (``drbd_r0:0``), and crm_verify 2.1.5 says
    "Ignoring constraint 'c1' because 'drbd_r0' is not a valid resource or tag"
    (pcmk_sched_constraints.c ``pcmk__find_constraint_resource``). It finds it only
    through history the status section keeps under the bare id, which a cleanup or a
    restart of the whole cluster clears: an error, a warning while that history is
    there.

    A colocation of two templates or tags (no resource on either side) is ignored too:
    crm_verify 2.1.5 "Ignoring constraint 'c1' because two templates or tags cannot be
    colocated" (pcmk_sched_colocation.c ``unpack_colocation_tags``).

    Fix: correct the id or node name, or load the resource before the constraint; name
    the clone or master/slave, not the resource inside it; colocate resources, not two
    templates.
    """
    members = memberships(cluster)
    for unit in units(cluster):
        nodes = _unit_names(cluster, unit)
        folded_nodes = {n.lower() for n in nodes}
        declared = [
            m.where(m.names[0]) for m in members if any(n.lower() in folded_nodes for n in m.names)
        ]
        rids: set[str] = set()
        resource_nodes: set[str] = set()
        inside: dict[str, str] = {}  # a clone's inner resource -> the clone
        for item in unit.scope:
            resource_nodes.update(_remote_and_guest_nodes(_cib(item)))
            inside.update(_inside_clones(_cib(item)))
            rids.update(r.id for r in _cib(item).all_resources() if r.id)
            # a constraint may name a template (its primitives) or a tag (the
            # resources it lists): pcmk__valid_resource_or_tag, Pacemaker 2.1.5; or a
            # bundle (pacemaker-2.8 and later), a resource the model does not walk
            rids.update(
                i for e in _cib(item).iter("template", "tag", "bundle") if (i := e.get("id"))
            )
        # the policy engine finds a node by uname in any case (pe_find_node: safe_str_eq,
        # strcasecmp, in 1.0; pcmk__str_casei in 2.x)
        folded = {n.lower() for n in nodes | resource_nodes}
        for item in unit.items:
            yield from _ticket_and_tag_references(item, rids, unit.scope)
            yield from _colocated_templates(item)
            history: set[str] | None = None  # (the status section, read once if needed)
            for ref in _cib(item).references():
                if _in_status(ref.source):
                    continue
                if ref.kind == "resource" and ref.target not in rids:
                    owner = _constraint_of(ref.source)
                    via = "resource_ref" if _tag(ref.source) == "resource_ref" else ref.attribute
                    yield make(
                        "CB002",
                        f"{_tag(owner)} '{owner.get('id')}' names resource '{ref.target}' "
                        f"({via}), which is not defined",
                        item.where(ref.source),
                    )
                elif ref.kind == "resource" and ref.target in inside:
                    owner = _constraint_of(ref.source)
                    clone = inside[ref.target]
                    found = make(
                        "CB002",
                        f"{_tag(owner)} '{owner.get('id')}' names '{ref.target}', which is inside"
                        f" clone '{clone}': Pacemaker knows only the clone's instances"
                        f" ('{ref.target}:0' ...) and ignores the constraint unless the status"
                        f" section still holds '{ref.target}' history; name '{clone}'",
                        item.where(ref.source),
                    )
                    # history under the bare id resolves it to the clone until a cleanup
                    if history is None:
                        history = _with_history(_cib(item))
                    yield (
                        attrs.evolve(found, severity="warning") if ref.target in history else found
                    )
                elif ref.kind == "node" and nodes and ref.target.lower() not in folded:
                    meant = _meant_node(ref.target, nodes | resource_nodes)
                    if not _bans(ref.source):
                        why = ": the preference applies to no node"
                    elif meant:
                        why = (
                            f": if it was meant for '{meant}', the ban holds on no node and"
                            " the resource may run where it was meant not to"
                        )
                    else:
                        why = (
                            ": a ban left from a node that has gone does nothing; if it was"
                            " meant for one of those, the resource may run there"
                        )
                    found = make(
                        "CB002",
                        f"location names node '{ref.target}', which is not a cluster node "
                        f"({', '.join(sorted(nodes | resource_nodes))})" + why,
                        item.where(ref.source),
                        declared,
                    )
                    yield (
                        found
                        if _bans(ref.source) and meant
                        else attrs.evolve(found, severity="warning")
                    )


def _meant_node(name: str, nodes: set[str]) -> str | None:
    """The cluster node an unknown location node is a misspelling of: a spelling close
    to one (``host-2`` for ``host2``, ``node3`` for ``node1``) or its FQDN
    (``xen1.example.com`` for ``xen1``); ``None`` for a name like no node's, such as
    a ban ``crm_resource --ban`` left behind for a node that has since left."""
    known = {n.lower(): n for n in nodes}
    folded = name.lower()
    short = folded.split(".", 1)[0]
    meant = known.get(short) if short != folded else None
    meant = meant or closest(folded, known) or closest(folded.replace("-", ""), known)
    return known.get(meant, meant) if meant else None


def _remote_and_guest_nodes(doc: CibDocument) -> Iterator[str]:
    """The nodes ``doc``'s resources make (Pacemaker 2.1.5 lib/pengine/unpack.c
    ``unpack_remote_nodes``): a top-level ``ocf:pacemaker:remote`` primitive is a remote
    node of its id (remote.c ``xml_contains_remote_node``, case-insensitive), a top-level
    primitive or a group's member with meta ``remote-node`` a guest node of that name
    (``expand_remote_rsc_meta``); a bundle holding a primitive, with an ``ip-range-start``
    or a ``control-port``, a guest node per replica, ``ID-0`` to ``ID-(replicas-1)``
    (bundle.c ``create_remote_resource``; replicas default to promoted-max, else 1)."""
    yield from _bundle_nodes(doc)
    for top in doc.resources:
        if isinstance(top, Primitive) and _is_remote_agent(top):
            if top.id:
                yield top.id
            continue
        if isinstance(top, Primitive):
            candidates: list[Resource] = [top]
        elif isinstance(top, Group) and not isinstance(top, Clone):
            candidates = top.children
        else:
            continue
        for rsc in candidates:
            name = rsc.meta("remote-node") if isinstance(rsc, Primitive) else None
            if name:
                yield name


def _colocated_templates(item: Loaded) -> Iterator[Finding]:
    """CB002 for an ``rsc_colocation`` whose ``rsc`` and ``with-rsc`` both name a
    template or a tag, not a resource: Pacemaker 2.1.5 lib/pacemaker/pcmk_sched_colocation.c
    ``unpack_colocation_tags`` (lines 670-674) says "Ignoring constraint 'c1' because two
    templates or tags cannot be colocated", a configuration error (crm_verify "config not
    valid"; pengine test template-coloc-3)."""
    doc = _cib(item)
    resources = {r.id for r in doc.all_resources() if r.id}
    groups = {e.get("id") for e in doc.iter("template", "tag") if e.get("id")} - resources
    for col in doc.colocations:
        if _in_status(col.el) or col.rsc not in groups or col.with_rsc not in groups:
            continue
        yield make(
            "CB002",
            f"rsc_colocation '{col.id}' colocates '{col.rsc}' with '{col.with_rsc}', two"
            " templates or tags: Pacemaker ignores the constraint (a configuration error);"
            " colocate the resources, or a resource with the template or tag",
            item.where(col.el),
        )


def _ticket_and_tag_references(
    item: Loaded, rids: set[str], scope: tuple[Loaded, ...]
) -> Iterator[Finding]:
    """CB002 for a ``rsc_ticket`` (pacemaker-1.2 and later) naming no resource, an IDREF
    of the schema (constraints-1.2.rng), so crm_verify 2.1.5 refuses the CIB ("IDREF
    attribute rsc references an unknown ID"); and a tag's ``obj_ref`` naming no id, an
    IDREF of tags-1.3.rng (pacemaker-1.3 to 3.2: "IDREF attribute id references an
    unknown ID") but text in tags-3.3.rng (pacemaker-3.3 on): there crm_verify 2.1.5
    takes the CIB (rc 0) until a constraint names the tag, then refuses it ("tg: No
    resource found for nosuch", "config not valid"), so a warning for a tag no
    constraint names."""
    doc = _cib(item)
    for ticket in doc.iter("rsc_ticket"):
        refs = [(ticket, "rsc")] + [(r, "resource_ref") for r in ticket.iter("{*}resource_ref")]
        for el, via in refs:
            target = el.get("rsc" if via == "rsc" else "id")
            if target is not None and target not in rids:
                yield make(
                    "CB002",
                    f"rsc_ticket '{ticket.get('id')}' names resource '{target}' ({via}),"
                    " which is not defined",
                    item.where(el),
                )
    obj_refs = list(doc.iter("obj_ref"))
    if not obj_refs:
        return
    all_ids = {
        e.get("id")
        for i in scope
        for e in _cib(i).iter()
        if e.get("id") and _tag(e) not in ID_REFERENCES
    }
    version = schema_version(doc.validate_with)
    idref = version is not None and version < (3, 3)  # (tags-1.3.rng; 3.3 on: text)
    named = {
        v
        for i in scope
        for e in _cib(i).iter("rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket")
        for v in [
            *(e.get(a) for a in ("rsc", "with-rsc", "first", "then")),
            *(r.get("id") for r in e.iter("resource_ref")),
        ]
        if v
    }
    for ref in obj_refs:
        target = ref.get("id")
        if target is not None and target not in all_ids:
            tag = ref.getparent()
            tag_id = tag.get("id") if tag is not None else None
            used = tag_id in named or idref
            yield make(
                "CB002",
                f"tag '{tag_id or '?'}' lists '{target}', which is not defined"
                + ("" if used else " (a constraint naming the tag is refused)"),
                item.where(ref),
                severity=None if used else "warning",
            )


def _inside_clones(doc: CibDocument) -> Iterator[tuple[str, str]]:
    """``(id, clone id)`` of each resource inside a clone or master/slave: the scheduler
    renames them to instances (``drbd_r0:0``), which a constraint cannot name (Pacemaker
    2.1.5 pcmk_sched_constraints.c ``pcmk__find_constraint_resource`` matches an
    instance's ``clone_name``, set only from status history)."""
    for top in doc.resources:
        if _tag(top.el) not in ("clone", "master", "master_slave") or not top.id:
            continue
        for rsc in top.walk():
            if rsc is not top and rsc.id:
                yield rsc.id, top.id


def _constraint_of(el: Any) -> Any:
    """The order, colocation or location a resource reference stands in."""
    while _tag(el) not in ("rsc_order", "rsc_colocation", "rsc_location"):
        el = el.getparent()
    return el


def _with_history(doc: CibDocument) -> set[str]:
    """The resource ids the status section holds history for (``lrm_resource``)."""
    return {i for e in doc.iter("lrm_resource") if (i := e.get("id"))}


def _bundle_nodes(doc: CibDocument) -> Iterator[str]:
    for bundle in doc.iter("bundle"):
        network = next((c for c in bundle if _tag(c) == "network"), None)
        if not any(_tag(c) == "primitive" for c in bundle) or network is None:
            continue
        if network.get("ip-range-start") is None and network.get("control-port") is None:
            continue
        engine = next((c for c in bundle if _tag(c) in ("docker", "podman", "rkt")), None)
        if engine is None:
            continue
        count = engine.get("replicas") or engine.get("promoted-max") or engine.get("masters")
        try:
            replicas = max(int(count or "1"), 1)
        except ValueError:
            replicas = 1
        for i in range(min(replicas, 1000)):
            yield f"{bundle.get('id')}-{i}"


def _is_remote_agent(prim: Primitive) -> bool:
    return (
        (prim.rclass or "").lower() == "ocf"
        and (prim.provider or "").lower() == "pacemaker"
        and (prim.type or "").lower() == "remote"
    )


@rule("CB029", "rsc-pattern-refused", "error", formats=("cib",))
def rsc_pattern_refused(item: Loaded) -> Iterator[Finding]:
    """An ``rsc_location``'s ``rsc-pattern`` is no POSIX extended regex.

    Why it matters: Pacemaker compiles the pattern with ``regcomp(..., REG_EXTENDED)``
    and, when that fails, drops the whole constraint: "Ignoring constraint 'off'
    because rsc-pattern has invalid value '(web'" (Pacemaker 2.1.5
    lib/pacemaker/pcmk_sched_location.c ``unpack_simple_location``, a
    ``pcmk__config_err``: crm_verify says "Errors found during check: config not
    valid"). The ban or preference it was written for holds for no resource. A leading
    ``!`` (inverting the match) is not part of the regex. Only what glibc surely refuses
    is reported (checked against glibc's regcomp in the tests: an unclosed ``(`` or ``[``, a
    trailing backslash, a repetition with nothing before it such as Perl's ``(?i)``);
    a lone ``)`` is an ordinary character there. ``rsc-pattern`` exists since the
    pacemaker-2.6 schema (Pacemaker 1.1.16); an older CIB's schema refuses the
    attribute itself (CB023 for pacemaker-1.0).

    Example: ``<rsc_location id="off" rsc-pattern="(web" node="xen3"
    score="-INFINITY"/>``.

    Fix: close the group (``^(web|db)$``), escape a literal character (``\\(``), or
    use POSIX syntax instead of Perl's (``[Ww]eb`` for ``(?i)web``).
    """
    from ...regex import regcomp_refuses
    from .placement import schema_has

    doc = _cib(item)
    in_force = item.versions.of("pacemaker", item.node)
    if doc.validate_with is not None and not schema_has(doc.validate_with, "rsc-pattern", in_force):
        return
    for loc in doc.locations:
        raw = loc.rsc_pattern
        if raw is None or _in_status(loc.el):
            continue
        why = regcomp_refuses(raw[1:] if raw.startswith("!") else raw)
        if why is None:
            continue
        yield make(
            "CB029",
            f"rsc_location '{loc.id}': rsc-pattern '{raw}' is no POSIX extended regex"
            f" (regcomp: {why}): Pacemaker ignores the whole constraint",
            item.where(loc.el),
        )
