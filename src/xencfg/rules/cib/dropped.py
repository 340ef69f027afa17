"""What Pacemaker 3.0 dropped from the CIB, on a cluster that runs (or moves to) 3.x."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ...cluster import Loaded
from ...findings import Finding
from ...formats.cib.model import _tag
from ...syntax.numbers import decimal, is_decimal
from .. import make, rule
from .common import _cib, _in_status

if TYPE_CHECKING:
    from ...formats.cib.model import CibDocument


@attrs.frozen
class Gone:
    """One thing Pacemaker 3.0.0 dropped (its ChangeLog.md, "Features added since
    Pacemaker-2.1.9"): what it is, what 3.0 does with it in a CIB of an older schema
    (the in-memory upgrade-3.10-*.xsl), whether a resource is lost then (an error on a
    3.x cluster; otherwise a warning), whether the pacemaker-4.0 schema refuses it, and
    the fix."""

    what: str
    effect: str
    lost: bool
    refused_by_4_0: bool
    fix: str


#: Pacemaker 3.0's removals from CIB content, keyed by kind. The release facts are
#: versions.py's (``PACEMAKER_3_0``; the pacemaker-4.0 schema it brought is in
#: ``PACEMAKER_SCHEMA_SINCE``); the elements pacemaker-4.0 refuses (``rkt``, ``master``,
#: ``lifetime``) are CB023's for a pacemaker-4.0 CIB (schema.py ``_ELEMENT_UNTIL``).
GONE_IN_3_0: dict[str, Gone] = {
    "class": Gone(
        "the nagios and upstart resource classes",
        "it drops the resource, and a group or clone left empty with it"
        ' (upgrade-3.10-4.xsl "Dropping resource"): nothing manages it any more',
        lost=True,
        refused_by_4_0=True,  # resources-4.0.rng element-resource-class
        fix="use the systemd or lsb class (or an OCF agent) for the same service",
    ),
    "rkt": Gone(
        "bundles of rkt containers",
        'it drops the bundle (upgrade-3.10-4.xsl "Dropping bundle resource")',
        lost=True,
        refused_by_4_0=True,  # resources-4.0.rng has no rkt (CB023)
        fix="use a <docker> or <podman> container",
    ),
    "o2cb": Gone(
        "the ocf:pacemaker:o2cb agent",
        'the agent is not installed (3.0.0 ChangeLog: "drop ocf:pacemaker:o2cb resource'
        ' agent"), so the resource fails ("not installed") and the OCFS2 mounts that'
        " need it with it",
        lost=True,
        refused_by_4_0=False,
        fix="start the OCFS2 stack outside Pacemaker (ocfs2-tools' o2cb init service) or,"
        " for the DLM-based stack, with ocf:pacemaker:controld",
    ),
    "restart-type": Gone(
        "the restart-type resource option",
        "it is ignored (upgrade-3.10-4.xsl drops it)",
        lost=False,
        refused_by_4_0=False,
        fix='remove it; set kind="Mandatory" on the orders that should restart dependents',
    ),
    "can-fail": Gone(
        "the can-fail, can_fail and role_after_failure operation options",
        "they are ignored (upgrade-3.10-4.xsl drops them): a failure of the operation"
        " is handled as any other",
        lost=False,
        refused_by_4_0=False,
        fix='remove them; set on-fail on the operation (on-fail="ignore" for can-fail)',
    ),
    "ping": Gone(
        'nodes of type="ping"',
        "it makes the node a cluster member with every resource banned from it and"
        " probes off (upgrade-3.10-2.xsl): it must then run the full stack",
        lost=False,
        refused_by_4_0=True,  # nodes-4.0.rng type: member or remote
        fix="remove the node entry (quorum comes from corosync, a quorum device for a tie-breaker)",
    ),
    "moon": Gone(
        "the moon attribute of date_spec",
        'it is dropped from the rule (upgrade-3.10-1.xsl "Dropping moon attribute"),'
        " which then matches whatever the moon's phase",
        lost=False,
        refused_by_4_0=False,
        fix="remove moon and express the condition with other date_spec fields",
    ),
    "level": Gone(
        "fencing levels with an index above 9",
        "it drops the level (upgrade-3.10-1.xsl): its devices no longer fence that target",
        lost=True,
        refused_by_4_0=True,  # fencing-4.0.rng: index 1 to 9 (3.0.0 ChangeLog)
        fix="renumber the levels from 1 to 9",
    ),
    "template": Gone(
        "nagios and upstart resource templates",
        'it drops the template (upgrade-3.10-4.xsl "Dropping template ... because nagios'
        ' resources are no longer supported") and every primitive made from it',
        lost=False,  # (each primitive made from it is an error of its own)
        refused_by_4_0=True,  # resources-4.0.rng element-template: element-resource-class
        fix="use the systemd or lsb class (or an OCF agent) in the template",
    ),
    "instance": Gone(
        "the rsc-instance, with-rsc-instance, first-instance and then-instance constraint options",
        "they are ignored (2.1.5's pcmk_sched_colocation.c line 526 and"
        " pcmk_sched_ordering.c line 443 read them, 3.0.0's do not), so the constraint"
        " holds for the whole clone, not the one instance",
        lost=False,
        refused_by_4_0=True,  # constraints-4.0.rng has none (CB023: no numbered schema did)
        fix="remove them; constrain the whole clone (or use a resource set)",
    ),
    "rsc-defaults-ia": Gone(
        "instance_attributes in rsc_defaults",
        'they are ignored (commit e043f330 "scheduler: ignore instance attributes in'
        ' rsc_defaults"): no resource gets these parameters from there any more',
        lost=False,
        refused_by_4_0=True,  # (no schema ever took them: CB023)
        fix="set the parameters in each resource's instance_attributes (or a template's)",
    ),
    "id-ref-name": Gone(
        "a name on an nvpair that has id-ref",
        "the name is ignored: 3.0.0's lib/pengine/rules.c populate_hash takes name and value"
        " from the referenced nvpair, so the value is set under that nvpair's name (in a"
        " CIB of a numbered schema upgrade-3.10-0.xsl rewrites it first, keeping its"
        " meaning)",
        lost=False,
        refused_by_4_0=True,  # nvset-4.0.rng: an nvpair with id-ref has no name
        fix="write an nvpair of its own (id, name and value) instead of the reference",
    ),
    "masters": Gone(
        "the masters attribute of a bundle's container",
        "upgrade-3.10-2.xsl renames it promoted-max, meaning kept",
        lost=False,
        refused_by_4_0=True,  # resources-4.0.rng: docker and podman take promoted-max only
        fix="write promoted-max instead of masters",
    ),
}

#: Kinds only a CIB of these schemas can hold (any other schema refuses them: CB023);
#: ``pacemaker-next`` and ``pacemaker-1.1`` on 3.0 are CB031's (3.0 refuses the names).
_SCHEMA_LESS = {
    "instance": ("none", "pacemaker-next", "pacemaker-1.1"),
    "rsc-defaults-ia": ("none",),
}

_OP_OPTIONS = frozenset({"can_fail", "can-fail", "role_after_failure", "role-after-failure"})
_CONSTRAINTS = {
    "rsc_colocation": ("rsc-instance", "with-rsc-instance"),
    "rsc_order": ("first-instance", "then-instance"),
    "rsc_ticket": ("rsc-instance",),
}
_RESOURCE_TAGS = frozenset({"template", "primitive", "group", "clone", "master", "bundle"})


def _uses(doc: CibDocument) -> Iterator[tuple[str, Any, str]]:
    """``(kind, element, label)`` for every use of a :data:`GONE_IN_3_0` kind in the
    configuration of ``doc``."""
    for prim in doc.primitives:
        if _in_status(prim.el):
            continue
        rclass = (prim.rclass or "").lower()
        if rclass in ("nagios", "upstart"):
            yield "class", prim.el, f"primitive '{prim.id}' (class {prim.rclass})"
        elif rclass == "ocf" and prim.provider == "pacemaker" and prim.type == "o2cb":
            yield "o2cb", prim.el, f"primitive '{prim.id}' (ocf:pacemaker:o2cb)"
    for el in doc.iter(
        "bundle", "nvpair", "node", "date_spec", "fencing-level", "template", *_CONSTRAINTS
    ):
        if _in_status(el):
            continue
        tag = _tag(el)
        if tag == "template":
            if (el.get("class") or "").lower() in ("nagios", "upstart"):
                yield "template", el, f"template '{el.get('id')}' (class {el.get('class')})"
            continue
        if tag in _CONSTRAINTS:
            names = [a for a in _CONSTRAINTS[tag] if el.get(a) is not None]
            if names:
                yield "instance", el, f"{tag} '{el.get('id')}' {', '.join(names)}"
            continue
        if tag == "nvpair" and el.get("id-ref") is not None and el.get("name") is not None:
            yield "id-ref-name", el, f"nvpair id-ref '{el.get('id-ref')}' name '{el.get('name')}'"
            continue
        up = el.getparent()
        if tag == "nvpair" and up is not None and _tag(up) == "instance_attributes":
            owner = up.getparent()
            if owner is not None and _tag(owner) == "rsc_defaults":
                yield "rsc-defaults-ia", el, f"rsc_defaults nvpair '{el.get('name')}'"
                continue
        if tag == "date_spec":
            if el.get("moon") is not None:
                yield "moon", el, f"date_spec '{el.get('id')}' moon"
            continue
        if tag == "fencing-level":
            index = el.get("index") or ""
            if is_decimal(index) and decimal(index) > 9:
                yield "level", el, f"fencing-level '{el.get('id')}' (index {index})"
            continue
        if tag == "bundle":
            if any(_tag(c) == "rkt" for c in el):
                yield "rkt", el, f"bundle '{el.get('id')}' (rkt)"
            for c in el:
                if _tag(c) in ("docker", "podman") and c.get("masters") is not None:
                    yield "masters", c, f"bundle '{el.get('id')}' {_tag(c)} masters"
            continue
        if tag == "node":
            if (el.get("type") or "").lower() == "ping":
                yield "ping", el, f"node '{el.get('uname') or el.get('id')}' (type ping)"
            continue
        parent = el.getparent()
        owner = parent.getparent() if parent is not None else None
        if parent is None or owner is None or _tag(parent) != "meta_attributes":
            continue
        name = el.get("name") or ""
        if name == "restart-type" and _tag(owner) in _RESOURCE_TAGS | {"rsc_defaults"}:
            yield "restart-type", el, f"{_tag(owner)} '{owner.get('id') or ''}' {name}"
        elif name in _OP_OPTIONS and _tag(owner) in ("op", "op_defaults"):
            yield "can-fail", el, f"{_tag(owner)} '{owner.get('id') or ''}' {name}"


@rule("CB032", "dropped-in-pacemaker-3", "error", formats=("cib",))
def dropped_in_pacemaker_3(item: Loaded) -> Iterator[Finding]:
    """The CIB uses what Pacemaker 3.0 dropped, on a cluster that runs (or moves to) 3.x.

    Why it matters: Pacemaker 3.0.0 (ChangeLog.md, "CIB: drop support for ...") converts
    a CIB of an older schema in memory (xml/upgrade-3.10-*.xsl at tag Pacemaker-3.0.0)
    and drops what it no longer supports: a resource of class ``nagios`` or ``upstart``
    (and a group or clone left empty) and a bundle of ``rkt`` containers are dropped,
    so nothing manages them any more; the ``ocf:pacemaker:o2cb`` agent is no longer
    installed, so its resource fails; ``restart-type`` and the operation options
    ``can_fail``/``can-fail``/``role_after_failure`` are ignored; a node of
    ``type="ping"`` becomes a cluster member banned from every resource; a
    ``date_spec`` loses its ``moon`` and a fencing level of index 10 or more is dropped
    (upgrade-3.10-1.xsl); a ``nagios`` or ``upstart`` ``template`` is dropped with the
    primitives made from it. Not in the stylesheets but gone from the scheduler: the
    ``rsc-instance``/``with-rsc-instance``/``first-instance``/``then-instance``
    constraint options (read by 2.1.5, not by 3.0.0: the constraint then holds for the
    whole clone) and ``instance_attributes`` in ``rsc_defaults`` (commit e043f330),
    which only a ``validate-with="none"`` CIB (the options also a pacemaker-next one)
    can hold, every other schema refuses them (CB023); and a ``name`` on an ``nvpair``
    with ``id-ref``, which 3.0 ignores in a ``none`` CIB (the value goes under the
    referenced nvpair's name) while upgrade-3.10-0.xsl rewrites it, meaning kept, in a
    CIB of an older numbered schema (nothing said there). A
    pacemaker-4.0 CIB is not converted: its schema refuses the nagios and upstart
    classes (resources-4.0.rng, templates too), ping nodes (nodes-4.0.rng), fencing level
    indexes above 9 (fencing-4.0.rng), a name beside ``id-ref`` (nvset-4.0.rng) and a
    bundle container's ``masters`` (resources-4.0.rng: ``promoted-max`` only; in an older
    CIB upgrade-3.10-2.xsl renames it, nothing said), and
    Pacemaker does not
    load it (``rkt`` there is CB023's).

    Reported as an error where a resource is lost (a warning for the options and ping
    nodes) when the release in force is 3.0 or later: declared (``--target
    pacemaker=3.0``, ``[tool.xencfg.versions]``) or read from the CIB (``dc-version``,
    a pacemaker-4.0 schema). Where the release is unknown it is advice for the move
    (info); on a cluster surely older than 3.0 nothing is said. heartbeat 2 CIBs are
    left to ``xencfg cib convert``, which reports what it rewrites.

    Example: ``<primitive id="web" class="upstart" type="apache2"/>`` linted with
    ``--target pacemaker=3.0``.

    Fix: what the message says, before the move (``systemd`` for ``upstart``; ``on-fail``
    for ``can-fail``; ``kind`` on orders for ``restart-type``).
    """
    from ...formats.cib.values import schema_version
    from ...versions import PACEMAKER_3_0

    doc = _cib(item)
    if doc.dialect == "heartbeat-2":
        return
    in_force = item.versions.of("pacemaker", item.node)
    if in_force.older_than(PACEMAKER_3_0):
        return
    version = schema_version(doc.validate_with)
    new_schema = version is not None and version >= (4, 0)
    on_3 = new_schema or in_force.at_least(PACEMAKER_3_0)
    release = in_force.describe("Pacemaker")
    vw = (doc.validate_with or "").lower()
    for kind, el, label in _uses(doc):
        gone = GONE_IN_3_0[kind]
        schemas = _SCHEMA_LESS.get(kind)
        if schemas is not None and (vw not in schemas or (vw != "none" and on_3)):
            continue  # (the schema refuses it: CB023; the schema name on 3.0: CB031)
        if kind == "id-ref-name" and vw != "none" and not new_schema:
            continue  # upgrade-3.10-0.xsl turns it into an nvpair of its own: same meaning
        if kind == "masters" and not new_schema:
            continue  # upgrade-3.10-2.xsl renames it promoted-max: same meaning
        if new_schema and gone.refused_by_4_0:
            if kind == "rkt":
                continue  # (CB023 says the schema refuses the element: _ELEMENT_UNTIL)
            found = make(
                "CB032",
                f"{label}: {doc.validate_with}'s schema refuses {gone.what} (Pacemaker 3.0"
                f" dropped them): Pacemaker will not load this CIB; fix: {gone.fix}",
                item.where(el),
            )
        elif on_3:
            found = make(
                "CB032",
                f"{label}: Pacemaker 3.0 dropped {gone.what} ({release}): {gone.effect};"
                f" fix: {gone.fix}",
                item.where(el),
            )
            if not gone.lost:
                found = attrs.evolve(found, severity="warning")
        else:
            found = make(
                "CB032",
                f"{label}: Pacemaker 3.0 dropped {gone.what}; on a 3.x cluster {gone.effect}."
                f" Before a move to 3.x: {gone.fix}",
                item.where(el),
            )
            found = attrs.evolve(found, severity="info")
        yield found
