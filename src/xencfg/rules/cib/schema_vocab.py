"""What each pacemaker-X.Y schema from 1.2 to 3.9 takes in the configuration section.

CB023 validates pacemaker-1.0 CIBs against pacemaker-1.0.rng; the later schemas are not
in the repository, so this is their vocabulary, read from the pacemaker-X.Y.rng files
crm_verify 2.1.5 validates with (pacemaker-cli-utils 2.1.5, /usr/share/pacemaker):
for each element, as "parent/tag", the schemas that take it, its attributes, what it
needs (``id+name | id-ref``: an nvpair has an id and a name, or an id-ref), and the
values and types of its attributes. ``name@1.2-1.3`` is taken by 1.2 to
1.3 only, ``name@3.7`` from 3.7 on; a name without a span is taken where its element is.
tests/rng_vocab.py reads the RNG files and writes these tables (``python
tests/rng_vocab.py``); test_cib_schema_round28 checks that they agree. What an alternative
forbids (a ``template`` beside a ``class``: CB023's own check) and IDREFs (CB002) are
not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import attrs

from ...formats.cib.model import _tag

#: The schemas the tables speak for (crm_verify 2.1.5's newest is pacemaker-3.9).
FIRST, LAST = (1, 2), (3, 9)

Span = tuple[tuple[int, int], tuple[int, int]]

#: "parent/tag": "schemas; attributes; what it needs" (alternatives, ``|``: each the
#: attributes and ``<child>`` elements it has, ``+``; an element with none is refused).
VOCABULARY: dict[str, str] = {
    "acl_group/role": "2.0; id; id",
    "acl_role/acl_permission": (
        "2.0; attribute description id kind object-type reference xpath; id+kind+object-type | "
        "id+kind+reference | id+kind+xpath"
    ),
    "acl_role/deny": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acl_role/read": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acl_role/write": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acl_target/role": "2.0; id; id",
    "acl_user/deny": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acl_user/read": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acl_user/role_ref": "1.2-1.3; id; id",
    "acl_user/write": "1.2-1.3; attribute id ref tag xpath; id+ref | id+tag | id+xpath",
    "acls/acl_group": "2.0; id name@3.8; id",
    "acls/acl_role": "1.2; description@2.0 id; id",
    "acls/acl_target": "2.0; id name@3.8; id",
    "acls/acl_user": "1.2-1.3; id; id",
    "alert/instance_attributes": "2.5; id id-ref score; id | id-ref",
    "alert/meta_attributes": "2.5; id id-ref score; id | id-ref",
    "alert/recipient": "2.5; description id value; id+value",
    "alert/select": "2.10; ;",
    "alerts/alert": "2.5; description id path; id+path",
    "bundle/docker": (
        "2.8; image masters network options promoted-max@3.0 replicas replicas-per-host "
        "run-command; image"
    ),
    "bundle/instance_attributes": "2.8; id id-ref score; id | id-ref",
    "bundle/meta_attributes": "2.8; id id-ref score; id | id-ref",
    "bundle/network": "2.8; add-host@3.0 control-port host-interface host-netmask ip-range-start;",
    "bundle/podman": (
        "3.2; image masters network options promoted-max replicas replicas-per-host run-command; "
        "image"
    ),
    "bundle/primitive": (
        "2.8; class description id provider template type; class+id+type | id+template"
    ),
    "bundle/rkt": (
        "2.10; image masters network options promoted-max@3.0 replicas replicas-per-host "
        "run-command; image"
    ),
    "bundle/storage": "2.8; ;",
    "cib/configuration": "1.2; ; <constraints>+<crm_config>+<nodes>+<resources>",
    "clone/group": "1.2; description id; <primitive>+id",
    "clone/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "clone/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "clone/primitive": (
        "1.2; class description id provider template type; class+id+type | id+template"
    ),
    "cluster_property_set/nvpair": "1.2; id id-ref@3.0 name value; id+name | id-ref",
    "cluster_property_set/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "configuration/acls": "1.2; ;",
    "configuration/alerts": "2.5; ;",
    "configuration/constraints": "1.2; ;",
    "configuration/crm_config": "1.2; ;",
    "configuration/fencing-topology": "1.2; ;",
    "configuration/nodes": "1.2; ;",
    "configuration/op_defaults": "1.2; ;",
    "configuration/resources": "1.2; ;",
    "configuration/rsc_defaults": "1.2; ;",
    "configuration/tags": "1.3; ;",
    "constraints/rsc_colocation": (
        "1.2; id influence@3.6 node-attribute rsc rsc-role score score-attribute@1.2-2.10 "
        "score-attribute-mangle@1.2-2.10 with-rsc with-rsc-role; <resource_set>+id | "
        "id+rsc+with-rsc"
    ),
    "constraints/rsc_location": (
        "1.2; id node resource-discovery@2.2 role rsc rsc-pattern@2.6 score; "
        "<resource_set>+<rule>+id | <resource_set>+id+node+score | <rule>+id+rsc | "
        "<rule>+id+rsc-pattern | id+node+rsc+score | id+node+rsc-pattern+score"
    ),
    "constraints/rsc_order": (
        "1.2; first first-action id kind require-all@2.3 score symmetrical then then-action; "
        "<resource_set>+id | first+id+then"
    ),
    "constraints/rsc_ticket": (
        "1.2; id loss-policy rsc rsc-role ticket; <resource_set>+id+ticket | id+rsc+ticket"
    ),
    "crm_config/cluster_property_set": "1.2; id id-ref score; id | id-ref",
    "date_expression/date_spec": (
        "1.2; hours id minutes@3.9 monthdays months moon seconds@3.9 weekdays weeks weekyears "
        "yeardays@3.9 years yearsdays; id"
    ),
    "date_expression/duration": (
        "1.2; days@3.9 hours id minutes@3.9 monthdays months moon seconds@3.9 weekdays weeks "
        "weekyears years yearsdays; id"
    ),
    "fencing-topology/fencing-level": (
        "1.2; devices id index target target-attribute@2.4 target-pattern target-value@2.4; "
        "devices+id+index+target | devices+id+index+target-attribute+target-value | "
        "devices+id+index+target-pattern"
    ),
    "group/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "group/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "group/primitive": (
        "1.2; class description id provider template type; class+id+type | id+template"
    ),
    "instance_attributes/nvpair": "1.2; id id-ref@1.3 name value; id+name | id-ref",
    "instance_attributes/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "lifetime/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "master/group": "1.2; description id; <primitive>+id",
    "master/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "master/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "master/primitive": (
        "1.2; class description id provider template type; class+id+type | id+template"
    ),
    "meta_attributes/nvpair": "1.2; id id-ref@1.3 name value; id+name | id-ref",
    "meta_attributes/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "network/port-mapping": "2.8; id internal-port port range; id+port | id+range",
    "node/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "node/utilization": "1.2; id id-ref score; id | id-ref",
    "nodes/node": "1.2; description id score type uname; id+uname",
    "op/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "op/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "op_defaults/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "operations/op": (
        "1.2; description enabled id interval interval-origin name on-fail record-pending "
        "requires@1.2-2.10 role start-delay timeout; id+interval+name"
    ),
    "primitive/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "primitive/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "primitive/operations": "1.2; id id-ref;",
    "primitive/utilization": "1.2; id id-ref score; id | id-ref",
    "recipient/instance_attributes": "2.5; id id-ref score; id | id-ref",
    "recipient/meta_attributes": "2.5; id id-ref score; id | id-ref",
    "resource_set/resource_ref": "1.2; id; id",
    "resources/bundle": "2.8; description id; <docker>+id | <podman>+id | <rkt>+id",
    "resources/clone": "1.2; description id; <group>+id | <primitive>+id",
    "resources/group": "1.2; description id; <primitive>+id",
    "resources/master": "1.2; description id; <group>+id | <primitive>+id",
    "resources/primitive": (
        "1.2; class description id provider template type; class+id+type | id+template"
    ),
    "resources/template": "1.2; class description id provider type; class+id+type",
    "rsc_colocation/lifetime": "1.2; ; <rule>",
    "rsc_colocation/resource_set": (
        "1.2; action id id-ref kind@3.0 ordering@2.1 require-all role score sequential; "
        "<resource_ref>+id | id-ref"
    ),
    "rsc_defaults/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "rsc_location/lifetime": "1.2; ; <rule>",
    "rsc_location/resource_set": (
        "1.2; action id id-ref kind@3.0 ordering@2.1 require-all role score sequential; "
        "<resource_ref>+id | id-ref"
    ),
    "rsc_location/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "rsc_order/lifetime": "1.2; ; <rule>",
    "rsc_order/resource_set": (
        "1.2; action id id-ref kind@3.0 ordering@2.1 require-all role score sequential; "
        "<resource_ref>+id | id-ref"
    ),
    "rsc_ticket/resource_set": (
        "1.2; action id id-ref kind@3.0 ordering@2.1 require-all role score sequential; "
        "<resource_ref>+id | id-ref"
    ),
    "rule/date_expression": (
        "1.2; end id operation start; <date_spec>+id+operation | end+id+operation | "
        "id+operation+start"
    ),
    "rule/expression": (
        "1.2; attribute id operation type value value-source@2.9; attribute+id+operation"
    ),
    "rule/op_expression": "3.4; id interval name; id+name",
    "rule/rsc_expression": "3.4; class id provider type; id",
    "rule/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
    "select/select_attributes": "2.10; ;",
    "select/select_fencing": "2.10; ;",
    "select/select_nodes": "2.10; ;",
    "select/select_resources": "2.10; ;",
    "select_attributes/attribute": "2.10; id name; id+name",
    "storage/storage-mapping": (
        "2.8; id options source-dir source-dir-root target-dir; id+source-dir+target-dir | "
        "id+source-dir-root+target-dir"
    ),
    "tag/obj_ref": "1.3; id; id",
    "tags/tag": "1.3; id; <obj_ref>+id",
    "template/instance_attributes": "1.2; id id-ref score; id | id-ref",
    "template/meta_attributes": "1.2; id id-ref score; id | id-ref",
    "template/operations": "1.2; id id-ref;",
    "template/utilization": "1.2; id id-ref score; id | id-ref",
    "utilization/nvpair": "1.2; id id-ref@1.3 name value; id+name | id-ref",
    "utilization/rule": (
        "1.2; boolean-op id id-ref role score score-attribute; <date_expression>+id | "
        "<expression>+id | <op_expression>+id | <rsc_expression>+id | <rule>+id | id-ref"
    ),
}
#: "parent/tag@attribute": its values (an enumeration), each with its schemas.
VALUES: dict[str, str] = {
    "acl_role/acl_permission@kind": "deny read write",
    "bundle/primitive@class": "heartbeat lsb nagios ocf service stonith systemd upstart",
    "clone/primitive@class": "heartbeat lsb nagios ocf service stonith systemd upstart",
    "cluster_property_set/rule@boolean-op": "and or",
    "constraints/rsc_colocation@rsc-role": (
        "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7"
    ),
    "constraints/rsc_colocation@with-rsc-role": (
        "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7"
    ),
    "constraints/rsc_location@resource-discovery": "always exclusive never",
    "constraints/rsc_location@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "constraints/rsc_order@first-action": "demote promote start stop",
    "constraints/rsc_order@kind": "Mandatory Optional Serialize",
    "constraints/rsc_order@then-action": "demote promote start stop",
    "constraints/rsc_ticket@loss-policy": "demote fence freeze stop",
    "constraints/rsc_ticket@rsc-role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "group/primitive@class": "heartbeat lsb nagios ocf service stonith systemd upstart",
    "instance_attributes/rule@boolean-op": "and or",
    "lifetime/rule@boolean-op": "and or",
    "master/primitive@class": "heartbeat lsb nagios ocf service stonith systemd upstart",
    "meta_attributes/rule@boolean-op": "and or",
    "nodes/node@type": "member normal@1.2-2.10 ping remote@1.3",
    "operations/op@on-fail": "block demote@3.4 fence ignore restart restart-container standby stop",
    "operations/op@requires": "fencing nothing quorum unfencing@1.3-2.10",
    "operations/op@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "resources/primitive@class": "heartbeat lsb nagios ocf service stonith systemd upstart",
    "resources/template@class": (
        "heartbeat lsb nagios@2.7 ocf service@2.7 stonith systemd@2.7 upstart"
    ),
    "rsc_colocation/resource_set@action": "demote promote start stop",
    "rsc_colocation/resource_set@kind": "Mandatory Optional Serialize",
    "rsc_colocation/resource_set@ordering": "group listed",
    "rsc_colocation/resource_set@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "rsc_location/resource_set@action": "demote promote start stop",
    "rsc_location/resource_set@kind": "Mandatory Optional Serialize",
    "rsc_location/resource_set@ordering": "group listed",
    "rsc_location/resource_set@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "rsc_location/rule@boolean-op": "and or",
    "rsc_order/resource_set@action": "demote promote start stop",
    "rsc_order/resource_set@kind": "Mandatory Optional Serialize",
    "rsc_order/resource_set@ordering": "group listed",
    "rsc_order/resource_set@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "rsc_ticket/resource_set@action": "demote promote start stop",
    "rsc_ticket/resource_set@kind": "Mandatory Optional Serialize",
    "rsc_ticket/resource_set@ordering": "group listed",
    "rsc_ticket/resource_set@role": "Master Promoted@3.7 Slave Started Stopped Unpromoted@3.7",
    "rule/date_expression@operation": "date_spec gt in_range lt",
    "rule/expression@operation": "defined eq gt gte lt lte ne not_defined",
    "rule/expression@type": "integer@3.5 number string version",
    "rule/expression@value-source": "literal meta param",
    "rule/rule@boolean-op": "and or",
    "utilization/rule@boolean-op": "and or",
}
#: "parent/tag@attribute": its XML Schema datatype (boolean, integer ...).
TYPES: dict[str, str] = {
    "bundle/docker@masters": "integer",
    "bundle/docker@promoted-max": "integer",
    "bundle/docker@replicas": "integer",
    "bundle/docker@replicas-per-host": "integer",
    "bundle/network@add-host": "boolean",
    "bundle/network@control-port": "integer",
    "bundle/network@host-netmask": "integer",
    "bundle/podman@masters": "integer",
    "bundle/podman@promoted-max": "integer",
    "bundle/podman@replicas": "integer",
    "bundle/podman@replicas-per-host": "integer",
    "bundle/rkt@masters": "integer",
    "bundle/rkt@promoted-max": "integer",
    "bundle/rkt@replicas": "integer",
    "bundle/rkt@replicas-per-host": "integer",
    "constraints/rsc_order@require-all": "boolean",
    "constraints/rsc_order@symmetrical": "boolean",
    "fencing-topology/fencing-level@index": "positiveInteger",
    "network/port-mapping@internal-port": "integer",
    "network/port-mapping@port": "integer",
    "operations/op@enabled": "boolean",
    "operations/op@record-pending": "boolean",
    "rsc_colocation/resource_set@require-all": "boolean",
    "rsc_colocation/resource_set@sequential": "boolean",
    "rsc_location/resource_set@require-all": "boolean",
    "rsc_location/resource_set@sequential": "boolean",
    "rsc_order/resource_set@require-all": "boolean",
    "rsc_order/resource_set@sequential": "boolean",
    "rsc_ticket/resource_set@require-all": "boolean",
    "rsc_ticket/resource_set@sequential": "boolean",
}


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def _span(text: str, default: Span) -> Span:
    """``1.2`` (from 1.2 on), ``1.2-1.3`` or ``""`` (DEFAULT)."""
    if not text:
        return default
    first, _, last = text.partition("-")
    return _version(first), _version(last) if last else LAST


def _words(text: str, default: Span) -> dict[str, Span]:
    """``name name@1.2-1.3 ...`` -> name -> the schemas that take it."""
    out = {}
    for word in text.split():
        name, _, span = word.partition("@")
        out[name] = _span(span, default)
    return out


@attrs.frozen
class Element:
    """One element of the vocabulary: what the schemas of ``span`` take."""

    span: Span
    attributes: dict[str, Span]
    #: alternatives: the attributes and ``<child>`` elements of each (empty: no need)
    needs: tuple[frozenset[str], ...]


@cache
def vocabulary() -> dict[tuple[str, str], Element]:
    """:data:`VOCABULARY` read: (parent, tag) -> :class:`Element`."""
    out = {}
    for key, row in VOCABULARY.items():
        span_text, names, needs = (part.strip() for part in row.split(";"))
        parent, tag = key.split("/")
        span = _span(span_text, (FIRST, LAST))
        alternatives = (frozenset(alt.split("+")) for alt in needs.split(" | ") if alt)
        out[parent, tag] = Element(span, _words(names, span), tuple(alternatives))
    return out


@cache
def _values(label: str, default: Span) -> dict[str, Span]:
    return _words(VALUES[label], default)


def _in(version: tuple[int, int], span: Span) -> bool:
    return span[0] <= version <= span[1]


def _taken(what: str, span: Span, version: tuple[int, int]) -> str:
    """Why ``what`` (taken by the schemas of SPAN) is refused at VERSION."""
    if version < span[0]:
        return f"{what} (it needs pacemaker-{span[0][0]}.{span[0][1]} or later)"
    return f"{what} (no schema after pacemaker-{span[1][0]}.{span[1][1]} takes it)"


#: The datatypes of :data:`TYPES`, as libxml2 reads them (blanks around the value
#: collapsed).
_TYPES = {
    "boolean": ("true, false, 1 or 0", lambda v: v in ("true", "false", "1", "0")),
    "integer": ("an integer", lambda v: v.lstrip("+-").isdigit() and v.isascii()),
    "nonNegativeInteger": (
        "a non-negative integer",
        lambda v: v.lstrip("+").isdigit() and v.isascii(),
    ),
    "positiveInteger": (
        "a positive integer",
        lambda v: v.lstrip("+").isdigit() and v.isascii() and v.strip("+0") != "",
    ),
}


def refusals(configuration: Any, version: tuple[int, int]) -> Iterator[tuple[Any, str]]:
    """(element, what the pacemaker-X.Y schema ``version`` refuses there) for each
    element, attribute and value under ``configuration`` (the CIB's element) that no
    schema takes there, that another schema takes, or that is missing; in document
    order. Nothing for a version outside :data:`FIRST`..:data:`LAST`."""
    if not FIRST <= version <= LAST:
        return
    known = vocabulary()
    todo = [(configuration, "cib")]
    while todo:
        el, parent = todo.pop()
        tag = _tag(el)
        entry = known.get((parent, tag))
        if entry is None:
            yield el, f"element <{tag}> in <{parent}> (no schema takes it there)"
            continue
        if not _in(version, entry.span):
            yield el, _taken(f"element <{tag}> in <{parent}>", entry.span, version)
            continue
        yield from ((el, why) for why in _attribute_refusals(el, parent, tag, entry, version))
        kids = [c for c in el if isinstance(c.tag, str)]
        todo += [(c, tag) for c in reversed(kids)]


def _attribute_refusals(
    el: Any, parent: str, tag: str, entry: Element, version: tuple[int, int]
) -> Iterator[str]:
    for name, raw in el.attrib.items():
        span = entry.attributes.get(name)
        where = f"attribute {name} on <{tag}>"
        if span is None:
            yield f"{where} (no schema takes it there)"
            continue
        if not _in(version, span):
            yield _taken(where, span, version)
            continue
        label = f"{parent}/{tag}@{name}"
        value = " ".join(raw.split())
        if label in VALUES:
            spans = _values(label, span)
            if value not in spans:
                yield f"{name}='{raw}' on <{tag}> (it takes {', '.join(sorted(spans))})"
            elif not _in(version, spans[value]):
                yield _taken(f"{name}='{raw}' on <{tag}>", spans[value], version)
        elif label in TYPES:
            wanted, fits = _TYPES[TYPES[label]]
            if not fits(value):
                yield f"{name}='{raw}' on <{tag}> (it wants {wanted})"
    if (
        tag in ("primitive", "template")
        and el.get("class") == "ocf"
        and "provider" not in el.attrib
    ):
        # (resources-1.2.rng to -3.9.rng element-resource-class: class ocf with a provider)
        yield (
            f'<{tag}> of class ocf without a provider (write provider="heartbeat",'
            ' "pacemaker" or the agent\'s folder under /usr/lib/ocf/resource.d)'
        )
    if entry.needs:
        has = {*el.attrib, *(f"<{_tag(c)}>" for c in el if isinstance(c.tag, str))}
        if not any(alt <= has for alt in entry.needs):
            # (the alternative it is nearest to: fewest missing, most in common)
            alt = min(entry.needs, key=lambda a: (len(a - has), -len(a & has), sorted(a)))
            yield f"<{tag}> without {' and '.join(sorted(alt - has))}"
