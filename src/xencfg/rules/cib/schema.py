"""The CIB against the schema its ``validate-with`` names (Pacemaker refuses a CIB
that fails it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..._lazy import lazy_re
from ...cluster import Loaded
from ...findings import Finding, Location
from ...formats.cib.model import _tag
from ...versions import PACEMAKER_1_1
from .. import make, rule
from .common import _cib, _in_status

if TYPE_CHECKING:
    from ...errors import ValidationError
    from ...formats.cib.model import CibDocument
    from ...formats.schema import InForce

#: RNG errors CB001 (an id defined twice) and CB002 (an IDREF to nothing) report.
_ID_ERRORS = lazy_re(r"ID \S+ redefined|references an unknown ID")


@rule("CB023", "schema-refused", "error", formats=("cib",))
def schema_refused(item: Loaded) -> Iterator[Finding]:
    """A CIB its schema refuses: pacemaker-1.0.rng's errors, a cluster option pacemaker-3.x refuses.

    Why it matters: Pacemaker validates the CIB against the schema it names before it
    uses it, and refuses one that fails: ``crm_verify`` (Pacemaker 2.1.5, which still
    reads pacemaker-1.0 CIBs) says "Relax-NG validity error : Type integer doesn't allow
    value 'fifty'" / "Did not expect element rsc_locatio there" / "Invalid sequence in
    interleave" (a primitive without ``type``) and "Errors found during check: config not
    valid" (lib/common/schemas.c, ``validate_with_relaxng``), and the CIB manager
    refuses an update that fails it ("Update does not conform to the configured
    schema"). A misspelt element or
    attribute is not ignored as a misspelt option is: the whole configuration is refused.

    Later releases read pacemaker-1.0 CIBs with a pacemaker-1.0.rng that grew: Pacemaker
    2.1.5's takes ``kind`` on ``rsc_order`` (Pacemaker 1.0.13's refuses it), so ``kind``
    is only an error where the release in force is older than 1.1: declared
    (``--target pacemaker=1.0``) or read from the CIB's ``dc-version``.

    Only the first error is reported (libxml2 adds one for each enclosing element);
    ids defined twice and references to no id are CB001/CB002. heartbeat 2 CIBs (no
    ``validate-with``) are not held to crm.dtd: heartbeat 2.0/2.1 ran CIBs its DTD
    refuses (48 of the 98 heartbeat 2 CIBs in the corpus), only ``cibadmin --upgrade``
    to Pacemaker 1.0 needs them valid (``xencfg cib validate`` checks that).

    Of CIBs of later schemas, what a schema of the other releases has and the declared
    one has not is checked: an element newer than the declared schema (``<tags>`` in a
    pacemaker-1.2 CIB: crm_verify 2.1.5 "Element configuration has extra content:
    tags"; ``rsc_ticket``, ``template``, ``fencing-topology`` and ``acls`` since 1.2,
    ``tags`` 1.3, ``acl_target``/``acl_group``/``acl_permission`` 2.0, ``alerts`` 2.5,
    ``bundle`` 2.8, ``podman`` 3.2) or one it dropped (``acl_user`` in 2.0). A
    ``pacemaker-1.1`` CIB on Pacemaker 1.1.1 to 1.1.11 (the release declared or read from
    ``dc-version``) is held to pacemaker-1.2's elements: those releases' pacemaker-1.1.rng
    is pacemaker-1.2.rng plus ``domains`` (the two files at tags Pacemaker-1.1.1 to
    -1.1.11; at 1.1.1 the two are the same), so ``<tags>`` there is refused; 1.1.12 to
    1.1.24 read the name as pacemaker-next, which takes every element but ``domains``.
    Syntax whose schema depends on the release is checked the same way (rules/cib/
    placement.py ``SCHEMA_FEATURES``): ``<domains>`` and ``rsc_location``'s ``domain``
    (pacemaker-1.1 of 1.1.2-1.1.11 only), ``rsc-instance``, ``with-rsc-instance``,
    ``first-instance`` and ``then-instance`` (that and pacemaker-next only: crm_verify
    2.1.5 "Invalid attribute with-rsc-instance for element rsc_colocation" in a
    pacemaker-3.9 CIB), ``rsc-pattern`` (pacemaker-2.6, and pacemaker-1.1 from 1.1.11),
    a location ``resource_set`` (pacemaker-1.2 from 1.1.12), a ``resource_set``'s
    ``ordering`` (pacemaker-2.1) and ``kind`` (pacemaker-3.0: crm_verify 2.1.5 on a
    pacemaker-2.1 CIB "Invalid attribute kind for element resource_set"), a resource
    set's ``require-all`` (pacemaker-1.2 from 1.1.8, pacemaker-1.1 from 1.1.7),
    ``rsc_order``'s own ``require-all`` (pacemaker-2.3 on: crm_verify 2.1.5 "Invalid
    attribute require-all for element rsc_order" in a pacemaker-1.2 CIB) and
    ``instance_attributes``
    in ``rsc_defaults`` (no schema: "Extra element rsc_defaults in interleave"). Of a
    pacemaker-3.0 or later CIB, the cluster options are checked too: options-3.0.rng to
    options-3.9.rng refuse, in a ``cluster_property_set``, the names Pacemaker 2.x's
    upgrade-2.10.xsl renames, moves or drops (``stonith_enabled``, ``no_quorum_policy``,
    ``default-resource-stickiness``, ``default-action-timeout``, ``expected-quorum-votes``,
    ...) and
    ``cluster-infrastructure`` ``heartbeat``/``openais``/``cman``: crm_verify 2.1.5
    says "Element cluster_property_set failed to validate content" and "config not
    valid". Pacemaker converts a CIB of an older schema in memory (lib/common/schemas.c
    ``cli_config_update``), so the same names are only deprecated there (CB012).

    Pacemaker 3.0's pacemaker-4.0 schema lists other names (options-4.0.rng): the
    ``crmd-*-timeout``/``crmd-transition-delay`` and ``remove-after-stop`` options 3.0
    dropped, and ``stonith-action`` ``poweroff`` (write ``off``); the 3.x names above are
    custom properties there again. It has no ``master`` (write a ``clone`` with
    ``promotable="true"``), ``rkt`` or constraint ``lifetime`` either (resources-4.0.rng,
    constraints-4.0.rng; the 3.0.0 ChangeLog's "drop support for deprecated ``master``
    resources"): a pacemaker-4.0 CIB that has one is refused, while an older CIB keeps
    them and Pacemaker 3.0 converts it in memory (upgrade-3.10-*.xsl).

    An ``rsc_order`` ``kind`` other than ``Optional``, ``Mandatory`` or ``Serialize``
    (as written) is refused by every schema from pacemaker-1.2 on (crm_verify 2.1.5
    "Invalid attribute kind for element rsc_order"); in a ``validate-with="none"`` CIB
    the scheduler makes the order Mandatory and calls it a configuration error
    ("Resetting 'kind' for constraint o1 to 'Mandatory' because 'foo' is not valid",
    pcmk_sched_ordering.c ``get_ordering_type``).

    The typed attributes every later schema shares are checked too: a ``score``
    (score.rng: an integer, ``INFINITY``, ``+INFINITY`` or ``-INFINITY``, as written:
    crm_verify 2.1.5 on ``score="-infinity"`` in a pacemaker-3.9 CIB "Invalid attribute
    score for element rsc_colocation"), the booleans ``symmetrical``, ``sequential`` and
    ``require-all`` (xsd:boolean: true, false, 1 or 0; "Invalid attribute symmetrical
    for element rsc_order" on ``no``; a colocation's ``influence`` is any text to the
    schema, but the scheduler calls one that is not yes/no, on/off, true/false or 1/0 a
    configuration error: "has invalid value for influence") and a fencing level's
    ``index`` (positiveInteger: ``0`` makes "Element configuration failed to validate
    content").

    A ``provider`` on a primitive or template whose class is not ``ocf`` is refused by
    every schema (resources-1.0.rng to -3.9.rng: ``provider`` only with ``class="ocf"``;
    crm_verify 2.1.5 on a pacemaker-1.2 CIB: "Invalid attribute provider for element
    primitive"); heartbeat 2 ignored it (CB014). So is a primitive that names both a
    ``template`` and a class, provider or type ("Invalid attribute template for element
    primitive"), and a bundle's integers (``replicas``, ``replicas-per-host``,
    ``control-port``, ``host-netmask``, a port mapping's ``port`` and ``internal-port``:
    "Invalid attribute replicas for element docker" on ``two``).

    An IDREF that names no id of the CIB is refused by libxml2 (crm_verify 2.1.5 "IDREF
    attribute template references an unknown ID"): a primitive's ``template``, an ACL
    permission's ``reference``, an ACL target's or group's ``role`` (``role_ref`` in
    pacemaker-1.2), an ``id-ref`` of a rule, a resource set or an attribute set (CB002
    follows the constraints' resources); a ``template`` naming an id that is no
    ``<template>`` makes the scheduler drop the primitive ("No template named"). So is
    a fencing level's ``devices`` that is not ids separated by commas (``f, g``) and a
    bundle port mapping's ``range`` that is not digits and dashes (``9000:9010``), as
    written: libxml2 keeps the blanks of these strings. A device ``devices`` names that
    no primitive defines is taken (crm_verify 2.1.5 rc 0).

    The roles ``Promoted`` and ``Unpromoted`` came with pacemaker-3.7 (Pacemaker 2.1.0):
    an older schema refuses them in a constraint's or an operation's role (crm_verify
    2.1.5 on a pacemaker-3.2 CIB: "Invalid attribute with-rsc-role for element
    rsc_colocation"); write ``Master``/``Slave`` there, or raise validate-with.

    Beyond these, a pacemaker-1.2 to pacemaker-3.9 CIB is held to the vocabulary of its
    schema (rules/cib/schema_vocab.py, read from the pacemaker-X.Y.rng files crm_verify
    2.1.5 validates with): an element or attribute no schema takes where it stands (a
    misspelling: ``<rsc_colocaton>``, ``provder``, ``rsc-role`` on a ticket's
    ``resource_set``: crm_verify 2.1.5 "Invalid attribute rsc-role for element
    resource_set"), one that needs a later schema (``op_expression`` before pacemaker-3.4,
    a ``date_spec``'s ``seconds`` before 3.9, ``target-attribute`` before 2.4) or that a
    later one dropped (a node's ``type="normal"`` after 2.10), a value outside its
    enumeration (``kind="reed"``, ``on-fail="demote"`` before 3.4) or type, and an element
    without what it needs (an ``nvpair`` without ``id``, an ``rsc_location`` with a node
    and no score, an ``ocf`` primitive without ``provider``). The first is reported, with
    the count of the others, where the checks above found nothing.

    Example: ``<rsc_location id="l1" rsc="web" node="alpha" score="fifty"/>``;
    ``<nvpair name="default-resource-stickiness" value="100"/>`` in a pacemaker-3.7 CIB.

    Fix: correct the element or value the message names (move an option where the
    message says); ``xencfg cib validate
    cib.xml`` lists every schema error.
    """
    doc = _cib(item)
    if doc.is_fragment:
        return
    for pair in doc.option_pairs():
        why = refused_option(doc, pair.el)
        if why is not None:
            yield make(
                "CB023",
                f"{doc.validate_with}'s schema refuses cluster option {why};"
                " Pacemaker will not load this CIB",
                item.where(pair.el),
            )
    specific = [
        *_elements_of_other_schemas(item, doc),
        *_syntax_by_release(item, doc),
        *_order_kinds(item, doc),
        *_new_roles(item, doc),
        *_providers(item, doc),
        *_typed_values(item, doc),
        *_unknown_ids(item, doc),
    ]
    yield from specific
    if not specific:
        yield from _vocabulary(item, doc)
    if doc.validate_with != "pacemaker-1.0":
        return
    from ...formats.cib.schema import validate_source

    # the text as read (lint never edits), not re-rendered: rendering takes the
    # parse-time snapshots of every element, ~40x the file (issue 22 item 10)
    errors = validate_source(doc, "pacemaker-1.0")
    if errors and not item.versions.of("pacemaker", item.node).older_than(PACEMAKER_1_1):
        errors = _later_schema_errors(doc, errors)
    if not errors or any(_ID_ERRORS.search(e.message) for e in errors):
        return
    first = errors[0]
    message = first.message.removeprefix("pacemaker-1.0.rng: ")
    more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
    yield make(
        "CB023",
        f"pacemaker-1.0.rng refuses this CIB: {message}{more}; Pacemaker will not load it",
        Location(item.file.display, first.line, first.column),
    )


def _vocabulary(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for the first element, attribute or value of the configuration section the
    declared schema (pacemaker-1.2 to 3.9) does not take (schema_vocab.py, read from
    the RNG files crm_verify 2.1.5 validates with): a misspelt element or attribute,
    one that needs a later schema, a value outside its enumeration or type, a missing
    required attribute. Only where the specific checks above found nothing (they say
    it better); pacemaker-1.1 depends on the release (and pacemaker-1.0 is validated
    whole)."""
    from ...formats.cib.values import schema_version
    from .schema_vocab import refusals

    version = schema_version(doc.validate_with)
    kids = doc.root if doc.root is not None else ()
    config = next((c for c in kids if _tag(c) == "configuration"), None)
    if version is None or version == (1, 1) or config is None:
        return
    found = list(refusals(config, version))
    if not found:
        return
    el, what = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    yield make(
        "CB023",
        f"{doc.validate_with}'s schema refuses {what}{more}; Pacemaker will not load this CIB",
        item.where(el),
    )


#: Cluster option names pacemaker-3.0 and later refuse in a ``cluster_property_set``
#: (options-3.0.rng to options-3.9.rng, ``cluster_property_set.nvpair.name-value-
#: unsupported``): what Pacemaker 2.x's upgrade-2.10.xsl renames, moves or drops.
_REFUSED_IN_3X = {
    "cluster_recheck_interval": "cluster-recheck-interval",
    "dc_deadtime": "dc-deadtime",
    "default-action-timeout": "op_defaults timeout",
    "default_action_timeout": "op_defaults timeout",
    "default-migration-threshold": "rsc_defaults migration-threshold",
    "default_migration_threshold": "rsc_defaults migration-threshold",
    "default-resource-failure-stickiness": "rsc_defaults migration-threshold",
    "default_resource_failure_stickiness": "rsc_defaults migration-threshold",
    "default-resource-stickiness": "rsc_defaults resource-stickiness",
    "default_resource_stickiness": "rsc_defaults resource-stickiness",
    "election_timeout": "election-timeout",
    "expected-quorum-votes": "corosync's quorum section (remove it)",
    "is-managed-default": "rsc_defaults is-managed",
    "is_managed_default": "rsc_defaults is-managed",
    "no_quorum_policy": "no-quorum-policy",
    "notification-agent": "an alerts section",
    "notification-recipient": "an alerts section",
    "remove_after_stop": "remove-after-stop",
    "shutdown_escalation": "shutdown-escalation",
    "startup_fencing": "startup-fencing",
    "stonith_action": "stonith-action",
    "stonith_enabled": "stonith-enabled",
    "stop_orphan_actions": "stop-orphan-actions",
    "stop_orphan_resources": "stop-orphan-resources",
    "symmetric_cluster": "symmetric-cluster",
    "transition_idle_timeout": "cluster-delay",
}
#: ``cluster-infrastructure`` values the same schemas refuse.
_REFUSED_STACKS = frozenset(
    {"heartbeat", "openais", "classic openais", "classic openais (with plugin)", "cman"}
)


#: Cluster options pacemaker-4.0 (Pacemaker 3.0) refuses instead: options-4.0.rng
#: ``cluster_property_set.nvpair.unsupported`` lists only the options 3.0 dropped (and
#: ``stonith-action`` ``poweroff``); the 3.x names above are custom properties again.
_REFUSED_IN_4X = {
    "crmd-finalization-timeout": "remove it (Pacemaker 3.0 dropped it; join-finalization-timeout)",
    "crmd-integration-timeout": "remove it (Pacemaker 3.0 dropped it; join-integration-timeout)",
    "crmd-transition-delay": "remove it (Pacemaker 3.0 dropped it; transition-delay)",
    "remove-after-stop": "remove it (Pacemaker 3.0 dropped it)",
}


def refused_option(doc: CibDocument, pair: Any) -> str | None:
    """Why the schema of ``doc`` (pacemaker-3.0 or later) refuses the cluster option
    nvpair ``pair`` (``'stonith_enabled' (use stonith-enabled)``); None if it does not.

    Pacemaker 2.x converts a CIB of an older schema in memory with upgrade-2.10.xsl,
    which renames these (Pacemaker 2.1.5 lib/common/schemas.c ``cli_config_update``);
    a pacemaker-3.x CIB is validated as it is, and its schema lists these names (and
    the old stacks as values of ``cluster-infrastructure``) as unsupported. The
    pacemaker-4.0 schema of Pacemaker 3.0 lists other names (options-4.0.rng)."""
    from ...formats.cib.values import schema_version

    version = schema_version(doc.validate_with)
    if version is None or version < (3, 0) or pair is None:
        return None
    if _tag(pair.getparent()) != "cluster_property_set":
        return None
    name = pair.get("name") or ""
    if version >= (4, 0):
        if name in _REFUSED_IN_4X:
            return f"'{name}' ({_REFUSED_IN_4X[name]})"
        if name == "stonith-action" and pair.get("value") == "poweroff":
            return "stonith-action 'poweroff' (write 'off'; Pacemaker 3.0 dropped 'poweroff')"
        return None
    if name in _REFUSED_IN_3X:
        return f"'{name}' (use {_REFUSED_IN_3X[name]})"
    if name == "cluster-infrastructure" and pair.get("value") in _REFUSED_STACKS:
        return f"cluster-infrastructure '{pair.get('value')}' (Pacemaker 2 runs on corosync 2+)"
    return None


def ignored_in_4x(doc: CibDocument, pair: Any) -> str | None:
    """The name to use for a cluster option nvpair ``pair`` that options-3.x refused and a
    pacemaker-4.0 (or later) CIB holds: options-4.0.rng takes it again as a custom
    property, and nothing renames it (upgrade-2.10.xsl runs only on an older CIB), so
    Pacemaker 3.0 ignores it. None otherwise."""
    from ...formats.cib.values import schema_version

    version = schema_version(doc.validate_with)
    if version is None or version < (4, 0) or pair is None:
        return None
    if _tag(pair.getparent()) != "cluster_property_set":
        return None
    return _REFUSED_IN_3X.get(pair.get("name") or "")


#: Configuration elements and the first pacemaker-X.Y schema that takes them (the
#: element definitions each pacemaker-X.Y.rng of Pacemaker 2.1.5 includes).
_ELEMENT_SINCE = {
    "acls": (1, 2),
    "fencing-topology": (1, 2),
    "rsc_ticket": (1, 2),
    "template": (1, 2),
    "tags": (1, 3),
    "acl_target": (2, 0),
    "acl_group": (2, 0),
    "acl_permission": (2, 0),
    "alerts": (2, 5),
    "bundle": (2, 8),
    "podman": (3, 2),
}
#: ... and those the schemas take no more from this one on (pacemaker-4.0 of Pacemaker
#: 3.0: resources-4.0.rng has no ``master`` or ``rkt``, constraints-4.0.rng no ``lifetime``).
_ELEMENT_UNTIL = {
    "acl_user": ((2, 0), "<acl_target>"),
    "master": ((4, 0), '<clone> with meta attribute promotable="true"'),
    "rkt": ((4, 0), "<docker> or <podman>"),
    "lifetime": ((4, 0), "a rule with a date_expression"),
}


def _elements_of_other_schemas(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for the first configuration element of each kind the declared
    ``pacemaker-X.Y`` schema has not yet, or no longer, any definition of (a
    pacemaker-1.2 CIB with ``<tags>``: crm_verify 2.1.5 "Element configuration has extra
    content: tags", "config not valid"). pacemaker-1.0 CIBs are validated whole."""
    from ...formats.cib.values import schema_version
    from ...versions import PACEMAKER_1_1_12

    version = schema_version(doc.validate_with)
    if version == (1, 1):
        # pacemaker-1.1.rng of Pacemaker 1.1.1-1.1.11 is pacemaker-1.2.rng plus <domains>
        # (diff of the two at tags Pacemaker-1.1.1 to -1.1.11); 1.1.12-1.1.24 read the
        # name as pacemaker-next (any element), 2.0 refuses it (CB031)
        in_force = item.versions.of("pacemaker", item.node)
        if not in_force.older_than(PACEMAKER_1_1_12):
            return
        version = (1, 2)
    if version is None or version == (1, 0):
        return
    seen: set[str] = set()
    for el in doc.iter(*_ELEMENT_SINCE, *_ELEMENT_UNTIL):
        tag = _tag(el)
        if tag in seen or any(_tag(a) == "status" for a in el.iterancestors()):
            continue
        since = _ELEMENT_SINCE.get(tag)
        if since is not None and version < since:
            seen.add(tag)
            yield make(
                "CB023",
                f"<{tag}> needs schema pacemaker-{since[0]}.{since[1]} or later, and this CIB"
                f" declares {doc.validate_with}: Pacemaker will not load it (raise"
                " validate-with, cibadmin --upgrade)",
                item.where(el),
            )
        until = _ELEMENT_UNTIL.get(tag)
        if until is not None and version >= until[0]:
            seen.add(tag)
            yield make(
                "CB023",
                f"<{tag}> is refused by schema pacemaker-{until[0][0]}.{until[0][1]} and"
                f" later, and this CIB declares {doc.validate_with}: Pacemaker will not load"
                f" it (write {until[1]})",
                item.where(el),
            )


#: Where each piece of syntax of :data:`placement.SCHEMA_FEATURES` stands: (feature,
#: element, attribute or None for the element itself, parent element or None, label).
_FEATURE_SYNTAX = (
    ("domains", "domains", None, None, "<domains>"),
    ("domains", "rsc_location", "domain", None, "rsc_location's domain"),
    ("location-set", "resource_set", None, "rsc_location", "a resource_set in rsc_location"),
    ("rsc-pattern", "rsc_location", "rsc-pattern", None, "rsc_location's rsc-pattern"),
    ("set-require-all", "resource_set", "require-all", None, "a resource_set's require-all"),
    ("order-require-all", "rsc_order", "require-all", None, "rsc_order's require-all"),
    ("instance", "rsc_colocation", "rsc-instance", None, "rsc-instance"),
    ("instance", "rsc_colocation", "with-rsc-instance", None, "with-rsc-instance"),
    ("instance", "rsc_order", "first-instance", None, "first-instance"),
    ("instance", "rsc_order", "then-instance", None, "then-instance"),
    ("set-ordering", "resource_set", "ordering", None, "resource_set's ordering"),
    ("set-kind", "resource_set", "kind", None, "resource_set's kind"),
    (
        "rsc-defaults-instance-attributes",
        "instance_attributes",
        None,
        "rsc_defaults",
        "instance_attributes in rsc_defaults",
    ),
)


def _syntax_by_release(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for the first use of each piece of syntax the declared schema surely refuses
    on the release in force (placement.py ``SCHEMA_FEATURES``): ``<domains>`` outside
    pacemaker-1.1 of Pacemaker 1.1.2-1.1.11, the ``*-instance`` constraint attributes
    outside it and pacemaker-next, ``rsc-pattern`` before pacemaker-2.6, a location set
    before pacemaker-1.2 (or on a release before 1.1.12), ``instance_attributes`` in
    ``rsc_defaults`` in any schema. crm_verify 2.1.5 on a pacemaker-1.2 CIB: "Element
    configuration has extra content: domains", "Invalid attribute with-rsc-instance for
    element rsc_colocation", "Extra element rsc_defaults in interleave", "config not
    valid". pacemaker-1.0 CIBs are validated whole; ``none`` takes anything."""
    from .placement import schema_has

    vw = doc.validate_with
    if vw is None or vw == "pacemaker-1.0" or vw.lower() == "none":
        return
    in_force = item.versions.of("pacemaker", item.node)
    seen: set[str] = set()
    for feature, tag, attr, parent, label in _FEATURE_SYNTAX:
        if label in seen or schema_has(vw, feature, in_force):
            continue
        for el in doc.iter(tag):
            if attr is not None and el.get(attr) is None:
                continue
            up = el.getparent()
            if parent is not None and (up is None or _tag(up) != parent):
                continue
            if _in_status(el):
                continue
            seen.add(label)
            yield make(
                "CB023",
                f"{vw}'s schema refuses {label}"
                f" ({in_force.describe('Pacemaker')}): Pacemaker will not load this CIB",
                item.where(el),
            )
            break


#: The ``kind`` values of an ``rsc_order`` (constraints-1.2.rng to constraints-4.0.rng
#: ``order-types``, compared as written; the scheduler compares them in any case).
_ORDER_KINDS = ("Optional", "Mandatory", "Serialize")


def _order_kinds(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for an ``rsc_order`` (or ordered ``resource_set``) ``kind`` that is none of
    Optional, Mandatory, Serialize: the schemas from pacemaker-1.2 on refuse it (crm_verify
    2.1.5 "Invalid attribute kind for element rsc_order"); under
    ``validate-with="none"`` the scheduler resets it to Mandatory, a configuration error
    (Pacemaker 2.1.5 lib/pacemaker/pcmk_sched_ordering.c ``get_ordering_type``, lines
    95-108: "Resetting 'kind' for constraint o1 to 'Mandatory' because 'foo' is not
    valid"). pacemaker-1.0 CIBs are validated whole; heartbeat 2 CIBs have no kind."""
    from ...formats.cib.values import schema_version

    vw = doc.validate_with
    none = (vw or "").lower() == "none"
    version = schema_version(vw)
    if not none and (vw is None or version == (1, 0)):
        return
    for el in doc.iter("rsc_order", "resource_set"):
        kind = el.get("kind")
        if kind is None or _in_status(el):
            continue
        if (
            none
            and _tag(el) == "rsc_order"
            and kind.lower() not in ("optional", "mandatory", "serialize")
        ):
            yield make(
                "CB023",
                f"rsc_order '{el.get('id')}': kind '{kind}' is not Optional, Mandatory or"
                " Serialize: Pacemaker calls this a configuration error and makes the order"
                " Mandatory",
                item.where(el),
            )
        elif not none and kind not in _ORDER_KINDS:
            yield make(
                "CB023",
                f"{_tag(el)} '{el.get('id')}': {vw}'s schema refuses kind '{kind}' (write"
                " Optional, Mandatory or Serialize, as written here); Pacemaker will not"
                " load this CIB",
                item.where(el),
            )


#: The role attributes the schemas before pacemaker-3.7 hold to Stopped, Started, Master
#: and Slave (constraints-3.6.rng ``attribute-roles``, resources-3.5.rng's ``op``
#: ``role``); pacemaker-3.7 (Pacemaker 2.1.0) added Promoted and Unpromoted.
_ROLE_ATTRS = (
    ("rsc_location", "role"),
    ("resource_set", "role"),
    ("rsc_colocation", "rsc-role"),
    ("rsc_colocation", "with-rsc-role"),
    ("rsc_ticket", "rsc-role"),
    ("op", "role"),
)
_OLD_ROLE = {"Promoted": "Master", "Unpromoted": "Slave"}


def _new_roles(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for the first Promoted or Unpromoted role in a CIB whose schema is older
    than pacemaker-3.7: crm_verify 2.1.5 on a pacemaker-3.2 CIB with
    ``with-rsc-role="Promoted"``: "Invalid attribute with-rsc-role for element
    rsc_colocation", "CIB did not pass schema validation". pacemaker-1.0 CIBs are
    validated whole; ``none`` and pacemaker-next take the names."""
    from ...formats.cib.values import schema_version

    version = schema_version(doc.validate_with)
    if version is None or version <= (1, 0) or version >= (3, 7):
        return
    attrs_of = {tag: [a for t, a in _ROLE_ATTRS if t == tag] for tag, _ in _ROLE_ATTRS}
    for el in doc.iter(*attrs_of):  # document order: the first one crm_verify names
        tag = _tag(el)
        attr = next((a for a in attrs_of[tag] if el.get(a) in _OLD_ROLE), None)
        if attr is None or _in_status(el):
            continue
        value = str(el.get(attr))
        yield make(
            "CB023",
            f"{doc.validate_with}'s schema refuses {attr} '{value}' on <{tag}>"
            f" (Promoted and Unpromoted came with pacemaker-3.7, Pacemaker 2.1: write"
            f" '{_OLD_ROLE[value]}'); Pacemaker will not load this CIB",
            item.where(el),
        )
        return


def _providers(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for a ``provider`` beside a class other than ``ocf``: resources-1.2.rng to
    resources-3.9.rng (``element-resource-class``) take ``provider`` only in the ``ocf``
    group. pacemaker-1.0 CIBs are validated whole; ``none`` and heartbeat 2 take it
    (CB014)."""
    if not _numbered(doc.validate_with) or doc.validate_with == "pacemaker-1.0":
        return
    for el in doc.iter("primitive"):
        agent = [a for a in ("class", "provider", "type") if el.get(a) is not None]
        if el.get("template") is not None and agent and not _in_status(el):
            yield make(
                "CB023",
                f"{doc.validate_with}'s schema refuses primitive '{el.get('id')}' naming "
                f"both template '{el.get('template')}' and {'/'.join(agent)} (the template "
                "gives the agent: remove them); Pacemaker will not load this CIB",
                item.where(el),
            )
    for el in doc.iter("primitive", "template"):
        rclass = el.get("class")
        if el.get("provider") is not None and rclass not in (None, "ocf") and not _in_status(el):
            yield make(
                "CB023",
                f"{doc.validate_with}'s schema refuses provider '{el.get('provider')}' on "
                f"{_tag(el)} '{el.get('id')}' of class '{rclass}' (only ocf agents have "
                "one: remove it); Pacemaker will not load this CIB",
                item.where(el),
            )


#: (tag or None for any, attribute, what the schema wants, the value's pattern):
#: score.rng, xsd:boolean and xsd:positiveInteger as libxml2 reads them (whitespace
#: around the value collapsed)
_TYPED = (
    (None, "score", "an integer or [+-]INFINITY", lazy_re(r"\s*([+-]?\d+|[+-]?INFINITY)\s*")),
    ("rsc_order", "symmetrical", "true, false, 1 or 0", lazy_re(r"\s*(true|false|1|0)\s*")),
    ("resource_set", "sequential", "true, false, 1 or 0", lazy_re(r"\s*(true|false|1|0)\s*")),
    ("resource_set", "require-all", "true, false, 1 or 0", lazy_re(r"\s*(true|false|1|0)\s*")),
    ("fencing-level", "index", "a positive integer", lazy_re(r"\s*\+?0*[1-9]\d*\s*")),
    *(
        (tag, attr, "an integer", lazy_re(r"\s*[+-]?\d+\s*"))
        for tag, attr in (
            ("docker", "replicas"),
            ("docker", "replicas-per-host"),
            ("podman", "replicas"),
            ("podman", "replicas-per-host"),
            ("rkt", "replicas"),
            ("rkt", "replicas-per-host"),
            ("network", "control-port"),
            ("network", "host-netmask"),
            ("port-mapping", "port"),
            ("port-mapping", "internal-port"),
        )
    ),
    # xsd:string patterns (no blanks collapsed): fencing-1.2.rng/-2.4.rng ``devices``,
    # resources-2.8.rng to -3.9.rng a port mapping's ``range`` (crm_verify 2.1.5 on
    # devices="f, g": "Element configuration failed to validate content"; on
    # range="9000:9010": "Element bundle failed to validate content")
    (
        "fencing-level",
        "devices",
        "device ids separated by commas, without blanks",
        lazy_re(r"[a-zA-Z0-9_.\-]+(,[a-zA-Z0-9_.\-]+)*"),
    ),
    ("port-mapping", "range", "ports and dashes (N-M), without blanks", lazy_re(r"[0-9\-]+")),
)

#: IDREF attributes of pacemaker-1.2 to 3.9 that CB002 does not follow (it follows the
#: constraints' resources): a primitive's ``template`` (resources-X.Y.rng), an ACL
#: permission's ``reference`` and a target's or group's ``role`` (acls-2.0.rng,
#: -3.8.rng), acls-1.2.rng's ``role_ref`` and every ``id-ref`` (nvsets, rules,
#: resource sets)
_IDREFS = (
    ("primitive", "template"),
    ("acl_permission", "reference"),
    ("role", "id"),
    ("role_ref", "id"),
    (None, "id-ref"),
)
#: Elements whose ``id`` is an IDREF, not an id of their own.
_REFERRING = frozenset({"role", "role_ref", "resource_ref", "obj_ref"})


def _unknown_ids(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for an IDREF to no id (libxml2 checks IDREFs against the document's ids:
    crm_verify 2.1.5 "IDREF attribute template references an unknown ID", "config not
    valid"), and a ``template`` that names no ``<template>`` (the scheduler's "No
    template named 'a'": it ignores the primitive, "config not valid"). pacemaker-1.0
    CIBs are validated whole."""
    if not _numbered(doc.validate_with) or doc.validate_with == "pacemaker-1.0":
        return
    ids: dict[str, str] = {}
    for el in doc.iter():
        if (i := el.get("id")) is not None and _tag(el) not in _REFERRING:
            ids.setdefault(i, _tag(el))
    for tag, attr in _IDREFS:
        for el in doc.iter(*(() if tag is None else (tag,))):
            value = el.get(attr)
            if value is None or _in_status(el):
                continue
            if value not in ids:
                message = (
                    f"{doc.validate_with}'s schema refuses {attr} '{value}' on <{_tag(el)}>:"
                    f" no element has id '{value}'; Pacemaker will not load this CIB"
                )
            elif attr == "template" and ids[value] != "template":
                message = (
                    f"primitive '{el.get('id')}' names template '{value}', which is a"
                    f" <{ids[value]}>: Pacemaker ignores the primitive (No template named"
                    f" '{value}') and calls the configuration invalid"
                )
            else:
                continue
            yield make("CB023", message, item.where(el))


def _typed_values(item: Loaded, doc: CibDocument) -> Iterator[Finding]:
    """CB023 for a score, boolean or fencing index a later schema's datatype refuses
    (pacemaker-1.0 CIBs are validated whole), and a colocation ``influence`` that is no
    boolean."""
    from ...formats.cib.values import parse_bool

    if not _numbered(doc.validate_with) or doc.validate_with == "pacemaker-1.0":
        return
    for el in doc.iter("rsc_colocation"):
        # constraints-3.6.rng to -3.9.rng take any text; the scheduler reads a boolean
        # (crm_str_to_boolean: yes/on/true/1...) and calls anything else a configuration
        # error: crm_verify 2.1.5 "Constraint 'col-1' has invalid value for influence
        # (using default)", "config not valid"; it passes influence="yes"
        # (nor blanks: " true " and "yes " too, crm_verify 2.1.5 -V: "Constraint 'c' has
        # invalid value for influence (using default)"; crm_str_to_boolean trims nothing)
        value = el.get("influence")
        if (
            value is not None
            and (parse_bool(value) is None or value != value.strip())
            and not _in_status(el)
        ):
            yield make(
                "CB023",
                f"rsc_colocation '{el.get('id')}': influence '{value}' is not a boolean"
                " (true/false, yes/no, on/off, 1/0, without blanks): Pacemaker calls this a"
                " configuration error and uses the default (true)",
                item.where(el),
            )
    for tag, attr, wanted, pattern in _TYPED:
        for el in doc.iter(*(() if tag is None else (tag,))):
            value = el.get(attr)
            if value is None or pattern.fullmatch(value) or _in_status(el):
                continue
            yield make(
                "CB023",
                f"{doc.validate_with}'s schema refuses {attr} '{value}' on <{_tag(el)}>"
                f" (it wants {wanted}); Pacemaker will not load this CIB",
                item.where(el),
            )


def _numbered(validate_with: str | None) -> bool:
    """A pacemaker-X.Y or pacemaker-next schema (not heartbeat 2, not ``none``)."""
    from ...formats.cib.values import schema_version

    return validate_with == "pacemaker-next" or schema_version(validate_with) is not None


def _later_schema_errors(doc: CibDocument, errors: list[ValidationError]) -> list[ValidationError]:
    """The schema errors of ``doc`` (``errors`` as Pacemaker 1.0 sees them) as a later
    Pacemaker's pacemaker-1.0.rng sees them: ``rsc_order``'s ``kind`` (Pacemaker 2.1.5
    constraints-1.0.rng: ``score`` or ``kind``) taken out of the text before validating
    (the lines stay where they are, the ids too)."""
    from ...formats.cib.schema import validate_source

    lenient = _ORDER_KIND.sub(r"\1", doc.source)
    if lenient == doc.source:
        return errors
    return validate_source(doc, "pacemaker-1.0", lenient)


#: (the attributes before ``kind`` end in a non-blank: a lazy run that could end inside a
#: run of blanks tried ``\s+kind`` from each of them, quadratic in the blanks of a tag)
_ORDER_KIND = lazy_re(r"""(<rsc_order\b(?:[^>]*?\S)?)\s+kind\s*=\s*(["'])[^"']*\2""")


#: Schema names Pacemaker 1.0 and 1.1 knew and 2.0.0 dropped (1.1.7 lib/common/xml.c
#: ``known_schemas``; 1.1.12-1.1.24 took ``pacemaker-1.1`` for ``pacemaker-next``).
_DROPPED_IN_2_0 = {
    "pacemaker-0.6": "cibadmin --upgrade on the Pacemaker 1.x cluster, or xencfg cib convert",
    "transitional-0.6": "cibadmin --upgrade on the Pacemaker 1.x cluster, or xencfg cib convert",
    "pacemaker-0.7": 'validate-with="pacemaker-1.0" (the same schema file)',
    "pacemaker-1.1": "cibadmin --upgrade on the Pacemaker 1.1 cluster (to pacemaker-1.2 or later)",
}


@rule("CB031", "schema-unknown-to-release", "error", formats=("cib",))
def schema_unknown_to_release(item: Loaded) -> Iterator[Finding]:
    """The CIB's ``validate-with`` names a schema the Pacemaker in force does not know.

    Why it matters: Pacemaker looks the name up among the schemas it ships (Pacemaker
    2.1.5 lib/common/schemas.c ``get_schema_version``, case-insensitive) and refuses a
    CIB whose schema it does not find: crm_verify 2.1.5 says "CIB did not pass schema
    validation" and "config not valid" on ``validate-with="pacemaker-1.1"``, and the
    cluster does not start with it. Pacemaker 2.0.0 dropped the names ``pacemaker-0.6``,
    ``transitional-0.6``, ``pacemaker-0.7`` and ``pacemaker-1.1`` that 1.0 and 1.1 knew
    (1.1.7 lib/common/xml.c ``known_schemas``; 1.1.12 to 1.1.24 read ``pacemaker-1.1``
    as ``pacemaker-next``), so a CIB carried from such a cluster to a 2.x one is refused
    there. A ``pacemaker-X.Y`` newer than the release is refused too: pacemaker-1.1 and
    pacemaker-1.2 came with 1.1.1 (Pacemaker-1.1.1 lib/common/xml.c ``known_schemas``;
    1.0 and 1.1.0 know none after pacemaker-1.0), pacemaker-2.0
    came with 1.1.12, pacemaker-3.0 with 2.0.0, pacemaker-3.7 with 2.1.0, pacemaker-3.9
    with 2.1.5, pacemaker-3.10 with 2.1.8, pacemaker-4.0 with 3.0.0 (the rng files at each
    ClusterLabs/pacemaker tag). Pacemaker 3.0 no longer knows ``pacemaker-next`` (3.0.0
    ChangeLog.md). The name is case-sensitive: the ``cib`` element's ``validate-with``
    is a value of versions.rng (crm_verify 2.1.5 "Invalid attribute validate-with for
    element cib" on ``Pacemaker-3.7``), and 3.0 looks it up case-sensitively
    (lib/common/schemas.c ``pcmk__get_schema``). The release is the declared one
    (``--target pacemaker=3.0``, ``[tool.xencfg.versions]``) or the CIB's own
    ``dc-version``; a name no release has ever known (a typo) is reported whatever the
    release. A ``pacemaker-X.Y`` newer than
    every schema xencfg knows (after pacemaker-4.0) is an error only where the release
    in force is older than 3.0.0; otherwise it is a warning that lint cannot tell (a
    later release may know it), never "unknown".

    Example: ``<cib validate-with="pacemaker-1.1" ...>`` linted with ``--target
    pacemaker=2.1``.

    Fix: upgrade the CIB's schema on the old cluster before the move (``cibadmin
    --upgrade``; ``xencfg cib convert`` for heartbeat 2 and ``pacemaker-0.6`` CIBs), or
    correct the name.
    """
    from ...versions import (
        PACEMAKER_2_0,
        PACEMAKER_3_0,
        PACEMAKER_SCHEMA_SINCE,
        pacemaker_reading,
        pacemaker_schema,
    )

    doc = _cib(item)
    vw = doc.validate_with
    if doc.is_fragment or vw is None:
        return
    name = vw.lower()
    in_force = item.versions.of("pacemaker", item.node)
    release = in_force.describe("Pacemaker")
    where = item.where(doc.root)
    if name in _DROPPED_IN_2_0:
        first = pacemaker_reading(name)  # pacemaker-1.1: Pacemaker 1.1.1 brought it
        if first is not None and in_force.older_than(first):
            yield make(
                "CB031",
                f'validate-with="{vw}" needs Pacemaker {first} or later, and this cluster'
                f" runs {release}: Pacemaker refuses the whole CIB",
                where,
            )
        elif in_force.at_least(PACEMAKER_2_0):
            yield make(
                "CB031",
                f'validate-with="{vw}" is a schema Pacemaker 2.0 and later no longer know'
                f" ({release}): Pacemaker refuses the whole CIB; fix: {_DROPPED_IN_2_0[name]}",
                where,
            )
        return
    if name == "none":
        return
    first = pacemaker_reading(name)
    known = first is not None or name == "pacemaker-next"
    if vw != name and known and not in_force.older_than(PACEMAKER_1_1):
        # the cib element's validate-with is a value of versions.rng (xml/Makefile.am
        # since 1.1.x), case-sensitive: crm_verify 2.1.5 "Invalid attribute
        # validate-with for element cib"; 3.0 looks the name up case-sensitively too
        yield make(
            "CB031",
            f'validate-with="{vw}" is not a schema name as Pacemaker writes it: the'
            " names are lower case and Pacemaker compares them case-sensitively"
            f" ({release}): Pacemaker refuses the whole CIB; fix: write {name}",
            where,
        )
        return
    if name == "pacemaker-next":
        # Pacemaker 3.0 knows no pacemaker-next (3.0.0 ChangeLog.md; lib/common/schemas.c
        # adds only the pacemaker-X.Y.rng files and "none")
        if in_force.at_least(PACEMAKER_3_0):
            yield make(
                "CB031",
                f'validate-with="{vw}" is a schema Pacemaker 3.0 and later do not know'
                f" ({release}): Pacemaker refuses the whole CIB; fix: cibadmin --upgrade"
                " before the move (to a pacemaker-X.Y schema)",
                where,
            )
        return
    if first is None:
        newest = max(PACEMAKER_SCHEMA_SINCE)
        numbers = pacemaker_schema(name)
        if numbers is not None and numbers > newest:
            yield from _newer_than_table(vw, in_force, newest, where)
            return
        yield make(
            "CB031",
            f'validate-with="{vw}" names no schema any Pacemaker release knows: Pacemaker'
            ' refuses the whole CIB (names look like "pacemaker-1.2" or "pacemaker-3.7")',
            where,
        )
        return
    if in_force.older_than(first):
        yield make(
            "CB031",
            f'validate-with="{vw}" needs Pacemaker {first} or later, and this cluster runs'
            f" {release}: Pacemaker refuses the whole CIB",
            where,
        )


def _newer_than_table(
    vw: str, in_force: InForce, newest: tuple[int, int], where: Location
) -> Iterator[Finding]:
    """CB031 for a ``pacemaker-X.Y`` newer than every schema xencfg's table knows: an
    error only where the release in force is surely older than the release that
    brought the newest known schema (it cannot know a later one); else a warning that
    lint cannot tell (a release after the table's may know it)."""
    from ...versions import PACEMAKER_SCHEMA_SINCE

    last = PACEMAKER_SCHEMA_SINCE[newest]
    known = f"pacemaker-{newest[0]}.{newest[1]}, Pacemaker {last}"
    if in_force.older_than(last):
        yield make(
            "CB031",
            f'validate-with="{vw}" is newer than any schema of the Pacemaker in force'
            f" ({in_force.describe('Pacemaker')}; the newest it can know is {known}):"
            " Pacemaker refuses the whole CIB",
            where,
        )
        return
    found = make(
        "CB031",
        f'validate-with="{vw}" is newer than the schemas xencfg knows (up to {known}),'
        " so lint cannot tell which Pacemaker reads it; run crm_verify on the cluster",
        where,
    )
    yield attrs.evolve(found, severity="warning")
