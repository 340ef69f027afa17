"""The typed CIB model: views bound onto the lxml tree.

Every view (:class:`Primitive`, :class:`Order`, :class:`NvSet` ...) wraps one
lxml element and reads and writes *through* it, so the tree stays the single
truth and :meth:`CibDocument.dumps` can splice exactly what changed. The views
understand both dialects the issue names:

* heartbeat 2.0/2.1 (pacemaker-0.6): underscore names, ``<attributes>``
  wrappers inside ``instance_attributes``/``meta_attributes``,
  ``rsc_order from/to/type/action``, ``rsc_colocation from/to``,
  ``master_slave``, resource options as XML attributes;
* Pacemaker 1.0: dash names, nvpairs directly in the sets, ``first/then``,
  ``rsc/with-rsc``, ``master``, ``rsc_defaults``/``op_defaults``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from ..._lazy import etree
from ...document import Document
from . import xmltext
from .values import Duration, canon_name, is_secret, parse_bool, parse_score

FORMAT = "cib"

#: Resource elements, by tag.
RESOURCE_TAGS = ("primitive", "group", "clone", "master_slave", "master")
CONSTRAINT_TAGS = ("rsc_order", "rsc_colocation", "rsc_location")
SECTIONS = ("crm_config", "nodes", "resources", "constraints", "rsc_defaults", "op_defaults")
#: Resource options heartbeat 2 read from instance_attributes (later meta attributes).
LEGACY_META = frozenset(
    canon_name(n)
    for n in (
        "target_role", "is_managed", "resource_stickiness", "resource_failure_stickiness",
        "migration_threshold", "allow_migrate", "multiple_active", "restart_type", "priority",
        "clone_max", "clone_node_max", "master_max", "master_node_max", "notify",
        "globally_unique", "ordered", "interleave", "collocated", "failure_timeout",
    )
)  # fmt: skip
#: Names that are also common agent parameters (not resource options) in instance sets.
AGENT_PARAMS = frozenset({"notify", "priority", "ordered"})
MASK = "********"


def _tag(el: Any) -> str:
    return xmltext.local(el.tag) if isinstance(el.tag, str) else ""


_ROLES = {r.lower(): r for r in ("Stopped", "Started", "Slave", "Master", "Unpromoted", "Promoted")}


def canon_role(raw: str | None) -> str | None:
    """A role as the CRM reads it: case-insensitive (``master`` is ``Master``)."""
    if raw is None:
        return None
    return _ROLES.get(raw.strip().lower(), raw)


def _kids(el: Any, *tags: str) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str) and (not tags or _tag(c) in tags)]


def _attr(el: Any, *names: str) -> str | None:
    """The first of ``names`` present on ``el`` (dash and underscore spellings)."""
    for n in names:
        v = el.get(n)
        if v is not None:
            return v
    return None


@attrs.define(eq=False)
class View:
    """A typed view on one element; equality is the element's identity."""

    el: Any

    @property
    def id(self) -> str | None:
        return self.el.get("id")

    @property
    def tag(self) -> str:
        return _tag(self.el)

    @property
    def line(self) -> int:
        """The source line of the element (0 for an element added in code)."""
        return self.el.sourceline or 0

    def get(self, name: str) -> str | None:
        """An XML attribute, under either spelling (``start_delay``/``start-delay``)."""
        return _attr(self.el, name, name.replace("_", "-"), name.replace("-", "_"))

    def set(self, name: str, value: str) -> None:
        """Set an XML attribute, keeping the spelling already used on the element."""
        for n in (name, name.replace("_", "-"), name.replace("-", "_")):
            if self.el.get(n) is not None:
                self.el.set(n, value)
                return
        self.el.set(name, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, View) and other.el is self.el

    def __hash__(self) -> int:
        return id(self.el)


@attrs.define(eq=False)
class NvPair(View):
    """One ``<nvpair id name value>``."""

    @property
    def name(self) -> str:
        return self.el.get("name", "")

    @property
    def value(self) -> str | None:
        return self.el.get("value")

    @value.setter
    def value(self, value: str) -> None:
        self.el.set("value", value)

    @property
    def secret(self) -> bool:
        return is_secret(self.name)


@attrs.define(eq=False)
class NvSet(View):
    """``instance_attributes``, ``meta_attributes`` or ``cluster_property_set``.

    In heartbeat 2 the nvpairs sit in an ``<attributes>`` child, in Pacemaker
    1.0 directly in the set; both are read, and new nvpairs go where the
    existing ones are.
    """

    @property
    def container(self) -> Any:
        wrap = _kids(self.el, "attributes")
        return wrap[0] if wrap else self.el

    @property
    def legacy(self) -> bool:
        """Whether the set uses the heartbeat 2 ``<attributes>`` wrapper."""
        return bool(_kids(self.el, "attributes"))

    @property
    def nvpairs(self) -> list[NvPair]:
        out = [NvPair(c) for c in _kids(self.el, "nvpair")]
        for wrap in _kids(self.el, "attributes"):
            out.extend(NvPair(c) for c in _kids(wrap, "nvpair"))
        return out

    @property
    def rules(self) -> list[Rule]:
        return [Rule(r) for r in _kids(self.el, "rule")]

    @property
    def score(self) -> int | None:
        return parse_score(self.el.get("score"))

    def nvpair(self, name: str) -> NvPair | None:
        """The nvpair called ``name`` (either spelling); the last one wins, as in the CRM."""
        want = canon_name(name)
        found = [p for p in self.nvpairs if canon_name(p.name) == want]
        return found[-1] if found else None

    def get(self, name: str) -> str | None:
        pair = self.nvpair(name)
        return pair.value if pair is not None else None

    def set(self, name: str, value: str) -> NvPair:  # type: ignore[override]
        """Change an nvpair's value, or add one (id ``<set id>-<name>``)."""
        pair = self.nvpair(name)
        if pair is not None:
            pair.value = value
            return pair
        el = etree.SubElement(self.container, "nvpair")
        el.set("id", f"{self.id or 'nvpair'}-{name}")
        el.set("name", name)
        el.set("value", value)
        return NvPair(el)

    def remove(self, name: str) -> bool:
        """Remove every nvpair called ``name``; ``False`` when there was none."""
        want = canon_name(name)
        gone = False
        for p in self.nvpairs:
            if canon_name(p.name) == want:
                p.el.getparent().remove(p.el)
                gone = True
        return gone

    def as_dict(self, show_secrets: bool = True) -> dict[str, str | None]:
        return {p.name: (p.value if show_secrets or not p.secret else MASK) for p in self.nvpairs}


# -- rules -----------------------------------------------------------------------


@attrs.define(eq=False)
class Expression(View):
    """``<expression attribute operation value type>``."""

    @property
    def attribute(self) -> str | None:
        return self.el.get("attribute")

    @property
    def operation(self) -> str | None:
        return self.el.get("operation")

    @property
    def value(self) -> str | None:
        return self.el.get("value")

    @property
    def type(self) -> str:
        return self.el.get("type", "string")

    def to_dict(self) -> dict[str, Any]:
        if self.tag == "date_expression":
            return {"date_expression": dict(self.el.attrib)}
        return {
            "attribute": self.attribute,
            "operation": self.operation,
            "value": self.value,
            "type": self.type,
        }


@attrs.define(eq=False)
class Rule(View):
    """A ``<rule>``: a score and expressions combined with ``boolean_op``."""

    @property
    def score(self) -> int | None:
        return parse_score(self.el.get("score"))

    @property
    def score_attribute(self) -> str | None:
        return self.get("score_attribute")

    @property
    def boolean_op(self) -> str:
        return self.get("boolean_op") or "and"

    @property
    def role(self) -> str | None:
        return canon_role(self.el.get("role"))

    @property
    def expressions(self) -> list[Expression]:
        return [Expression(e) for e in _kids(self.el, "expression", "date_expression")]

    @property
    def rules(self) -> list[Rule]:
        return [Rule(r) for r in _kids(self.el, "rule")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.el.get("score"),
            "score_attribute": self.score_attribute,
            "boolean_op": self.boolean_op,
            "role": self.role,
            "expressions": [e.to_dict() for e in self.expressions],
            "rules": [r.to_dict() for r in self.rules],
        }


# -- resources -------------------------------------------------------------------


@attrs.define(eq=False)
class Op(View):
    """One ``<op>``: name, interval and timeout as :class:`Duration`."""

    @property
    def name(self) -> str | None:
        return self.el.get("name")

    @property
    def interval(self) -> Duration:
        """The interval (absent means 0: not a recurring op)."""
        return Duration.parse(self.el.get("interval")) or Duration("0", 0)

    @property
    def timeout(self) -> Duration | None:
        return Duration.parse(self.el.get("timeout"))

    @timeout.setter
    def timeout(self, value: str) -> None:
        self.el.set("timeout", value)

    @property
    def start_delay(self) -> Duration | None:
        return Duration.parse(self.get("start_delay"))

    @property
    def role(self) -> str | None:
        return canon_role(self.el.get("role"))

    @property
    def on_fail(self) -> str | None:
        return self.get("on_fail")

    @property
    def requires(self) -> str | None:
        """``requires`` (1.0) or heartbeat 2's ``prereq``."""
        return _attr(self.el, "requires", "prereq")

    @property
    def enabled(self) -> bool:
        """``enabled`` (1.0), or heartbeat 2's ``disabled`` inverted; default true."""
        en = parse_bool(self.el.get("enabled"))
        if en is not None:
            return en
        dis = parse_bool(self.el.get("disabled"))
        return not dis if dis is not None else True

    def to_dict(self) -> dict[str, Any]:
        t = self.timeout
        return {
            "id": self.id,
            "name": self.name,
            "interval": self.el.get("interval"),
            "interval_ms": self.interval.ms,
            "timeout": t.raw if t else None,
            "timeout_ms": t.ms if t else None,
            "role": self.role,
            "on_fail": self.on_fail,
            "requires": self.requires,
            "enabled": self.enabled,
        }


@attrs.define(eq=False)
class Resource(View):
    """Common to primitives, groups, clones and master/slave sets."""

    kind: ClassVar[str] = "resource"

    @property
    def description(self) -> str | None:
        return self.el.get("description")

    @property
    def instance_sets(self) -> list[NvSet]:
        return [NvSet(s) for s in _kids(self.el, "instance_attributes")]

    @property
    def meta_sets(self) -> list[NvSet]:
        return [NvSet(s) for s in _kids(self.el, "meta_attributes")]

    def _merged(self, sets: list[NvSet], show_secrets: bool = True) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for s in sets:
            out.update(s.as_dict(show_secrets))
        return out

    @property
    def instance_attributes(self) -> dict[str, str | None]:
        """Every instance nvpair merged in order (later sets win)."""
        return self._merged(self.instance_sets)

    @property
    def meta_attributes(self) -> dict[str, str | None]:
        """Meta nvpairs merged in order (later sets win)."""
        return self._merged(self.meta_sets)

    def param(self, name: str) -> str | None:
        """An instance attribute (either spelling)."""
        for s in reversed(self.instance_sets):
            v = s.get(name)
            if v is not None:
                return v
        return None

    @property
    def dialect(self) -> str:
        """The dialect of the document this resource sits in (``"heartbeat-2"`` ...)."""
        return element_dialect(self.el)

    def meta(self, name: str) -> str | None:
        """A resource option, as the daemon of the document's dialect reads it.

        Looked up in ``meta_attributes``, then as an XML attribute of the
        resource element (``is_managed="false"``), then — for options
        heartbeat 2 read there — in ``instance_attributes``. heartbeat 2 knows
        only the underscore spelling (crm.dtd: ``is_managed``, ``resource_stickiness``;
        ``target_role``): a dash-spelled nvpair in a heartbeat-2 CIB is ignored by
        the CRM and so by this getter.
        """
        if self.dialect == "heartbeat-2":
            return self._hb2_meta(name)
        for s in reversed(self.meta_sets):
            v = s.get(name)
            if v is not None:
                return v
        v = self.get(name)
        if v is not None and name not in ("id", "class", "type", "provider", "description"):
            return v
        if canon_name(name) in LEGACY_META:
            return self.param(name)
        return None

    def _hb2_places(self, name: str) -> tuple[list[NvPair], list[NvPair]]:
        """(meta nvpairs, instance nvpairs) spelled the way heartbeat 2 reads ``name``."""
        want = hb2_name(name)
        metas = [p for s in self.meta_sets for p in s.nvpairs if p.name == want]
        inst: list[NvPair] = []
        if canon_name(name) in LEGACY_META:
            inst = [p for s in self.instance_sets for p in s.nvpairs if p.name == want]
        return metas, inst

    def _hb2_meta(self, name: str) -> str | None:
        if name in ("id", "class", "type", "provider", "description"):
            return None
        metas, inst = self._hb2_places(name)
        if metas:
            return metas[-1].value
        v = self.el.get(hb2_name(name))
        if v is not None:
            return v
        return inst[-1].value if inst else None

    def set_meta(self, name: str, value: str) -> NvPair | None:
        """Set a resource option where the document's daemon reads it.

        Pacemaker 1.0 and later: a dash-spelled meta attribute in the first meta set.
        heartbeat 2: the underscore spelling, and every place heartbeat reads the option
        (meta sets, the XML attribute, instance attributes for resource options) is
        changed, so that the new value is the one in effect; ``None`` when the option
        lived only in an XML attribute (no nvpair to hand back).
        """
        if self.dialect != "heartbeat-2":
            return self._first_meta_set().set(canon_name(name), value)
        metas, inst = self._hb2_places(name)
        attr = hb2_name(name)
        for p in metas + inst:
            p.value = value
        if self.el.get(attr) is not None:
            self.el.set(attr, value)
            if not metas and not inst:
                return None
        if metas or inst:
            return (metas + inst)[0]
        box = self._first_meta_set()
        el = etree.SubElement(box.container, "nvpair")
        el.set("id", f"{box.id or 'nvpair'}-{attr}")
        el.set("name", attr)
        el.set("value", value)
        return NvPair(el)

    def _first_meta_set(self) -> NvSet:
        sets = self.meta_sets
        if sets:
            return sets[0]
        el = etree.SubElement(self.el, "meta_attributes")
        el.set("id", f"{self.id}-meta_attributes")
        if any(s.legacy for s in self.instance_sets) or self.dialect == "heartbeat-2":
            etree.SubElement(el, "attributes")
        return NvSet(el)

    def set_param(self, name: str, value: str) -> NvPair:
        """Set an instance attribute in the first instance set (created when missing)."""
        sets = self.instance_sets
        if sets:
            return sets[0].set(name, value)
        el = etree.SubElement(self.el, "instance_attributes")
        el.set("id", f"{self.id}-instance_attributes")
        return NvSet(el).set(name, value)

    @property
    def target_role(self) -> str | None:
        return self.meta("target-role")

    @property
    def is_managed(self) -> bool | None:
        return parse_bool(self.meta("is-managed"))

    @property
    def children(self) -> list[Resource]:
        return [resource_view(c) for c in _kids(self.el, *RESOURCE_TAGS)]

    def walk(self) -> Iterator[Resource]:
        """This resource and every resource inside it."""
        yield self
        for c in self.children:
            yield from c.walk()

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "id": self.id}
        if self.description is not None:
            d["description"] = self.description
        d["instance_attributes"] = self._merged(self.instance_sets, show_secrets)
        d["meta_attributes"] = self._merged(self.meta_sets, show_secrets)
        return d


@attrs.define(eq=False)
class Primitive(Resource):
    """A ``<primitive class provider type>`` with its ops and attributes."""

    kind: ClassVar[str] = "primitive"

    @property
    def rclass(self) -> str | None:
        """The resource class (``ocf``, ``lsb``, ``heartbeat``, ``stonith``)."""
        return self.el.get("class")

    @property
    def provider(self) -> str | None:
        return self.el.get("provider")

    @property
    def type(self) -> str | None:
        return self.el.get("type")

    @property
    def agent(self) -> str:
        """``ocf:heartbeat:Xen``-style agent name."""
        parts = [self.rclass or "?", self.provider, self.type or "?"]
        return ":".join(p for p in parts if p)

    @property
    def ops(self) -> list[Op]:
        return [Op(o) for ops in _kids(self.el, "operations") for o in _kids(ops, "op")]

    def op(self, name: str, interval_ms: int | None = None) -> Op | None:
        for o in self.ops:
            if o.name == name and (interval_ms is None or o.interval.ms == interval_ms):
                return o
        return None

    @property
    def is_stonith(self) -> bool:
        return self.rclass == "stonith"

    @property
    def is_xen(self) -> bool:
        return self.type == "Xen"

    @property
    def xmfile(self) -> str | None:
        """The Xen agent's domU config file (``xmfile`` parameter)."""
        return self.param("xmfile")

    @property
    def allow_migrate(self) -> bool | None:
        """``allow-migrate``/``allow_migrate`` wherever it is set (None when unset)."""
        return parse_bool(self.meta("allow-migrate"))

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d = super().to_dict(show_secrets)
        d.update(
            {"class": self.rclass, "provider": self.provider, "type": self.type},
            ops=[o.to_dict() for o in self.ops],
        )
        return d


@attrs.define(eq=False)
class Group(Resource):
    """A ``<group>``: its member primitives start in order and run on one node."""

    kind: ClassVar[str] = "group"

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d = super().to_dict(show_secrets)
        d["children"] = [c.to_dict(show_secrets) for c in self.children]
        return d


@attrs.define(eq=False)
class Clone(Group):
    """A ``<clone>`` (or ``<master>``/``<master_slave>``): one resource run on many nodes."""

    kind: ClassVar[str] = "clone"

    @property
    def child(self) -> Resource | None:
        kids = self.children
        return kids[0] if kids else None


@attrs.define(eq=False)
class Master(Clone):
    """``master_slave`` (heartbeat 2) or ``master`` (Pacemaker 1.0)."""

    kind: ClassVar[str] = "master"


_VIEWS: dict[str, type[Resource]] = {
    "primitive": Primitive,
    "group": Group,
    "clone": Clone,
    "master_slave": Master,
    "master": Master,
}


def resource_view(el: Any) -> Resource:
    return _VIEWS.get(_tag(el), Resource)(el)


# -- constraints -----------------------------------------------------------------


@attrs.define(eq=False)
class Constraint(View):
    """Any constraint element; :class:`Order`, :class:`Colocation` and :class:`Location`
    read their own attributes."""

    kind: ClassVar[str] = "constraint"

    @property
    def score(self) -> int | None:
        return parse_score(self.el.get("score"))

    @property
    def score_raw(self) -> str | None:
        return self.el.get("score")

    @property
    def resource_sets(self) -> list[list[str]]:
        """Pacemaker 1.0 ``resource_set`` members (resource ids per set)."""
        return [
            [r.get("id", "") for r in _kids(s, "resource_ref")]
            for s in _kids(self.el, "resource_set")
        ]

    def resources(self) -> list[str]:
        """Every resource id the constraint names."""
        return [r for s in self.resource_sets for r in s]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "score": self.score_raw}


@attrs.define(eq=False)
class Order(Constraint):
    """``rsc_order``, normalised to *first* then *then* whatever the dialect.

    heartbeat 2's ``from="A" to="B"`` (default ``type="after"``) means A after
    B: first B, then A; ``type="before"`` keeps the order as written.
    """

    kind: ClassVar[str] = "order"

    @property
    def legacy(self) -> bool:
        return self.el.get("from") is not None or self.el.get("to") is not None

    @property
    def before(self) -> bool:
        return "before" in (self.el.get("type") or "after")

    @property
    def first(self) -> str | None:
        if not self.legacy:
            return self.el.get("first")
        return self.el.get("from") if self.before else self.el.get("to")

    @property
    def then(self) -> str | None:
        if not self.legacy:
            return self.el.get("then")
        return self.el.get("to") if self.before else self.el.get("from")

    @property
    def first_action(self) -> str:
        if not self.legacy:
            return self.el.get("first-action") or "start"
        if self.before:
            return self.el.get("action") or "start"
        return _attr(self.el, "to_action", "action") or "start"

    @property
    def then_action(self) -> str:
        if not self.legacy:
            return self.el.get("then-action") or self.first_action
        if self.before:
            return _attr(self.el, "to_action", "action") or "start"
        return self.el.get("action") or "start"

    @property
    def symmetrical(self) -> bool:
        return parse_bool(self.el.get("symmetrical")) is not False

    def resources(self) -> list[str]:
        return [r for r in (self.first, self.then) if r] + super().resources()

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(
            first=self.first,
            then=self.then,
            first_action=self.first_action,
            then_action=self.then_action,
        )
        if self.resource_sets:
            d["sets"] = self.resource_sets
        return d


@attrs.define(eq=False)
class Colocation(Constraint):
    """``rsc_colocation``: ``rsc`` placed with ``with_rsc`` (heartbeat 2: from/to)."""

    kind: ClassVar[str] = "colocation"

    @property
    def rsc(self) -> str | None:
        return _attr(self.el, "rsc", "from")

    @property
    def with_rsc(self) -> str | None:
        return _attr(self.el, "with-rsc", "to")

    @property
    def rsc_role(self) -> str | None:
        return canon_role(_attr(self.el, "rsc-role", "from_role"))

    @property
    def with_rsc_role(self) -> str | None:
        return canon_role(_attr(self.el, "with-rsc-role", "to_role"))

    def resources(self) -> list[str]:
        return [r for r in (self.rsc, self.with_rsc) if r] + super().resources()

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(
            rsc=self.rsc,
            with_rsc=self.with_rsc,
            rsc_role=self.rsc_role,
            with_rsc_role=self.with_rsc_role,
        )
        return d


@attrs.define(eq=False)
class Location(Constraint):
    """``rsc_location``: a node and score, or rules."""

    kind: ClassVar[str] = "location"

    @property
    def rsc(self) -> str | None:
        return self.el.get("rsc")

    @property
    def node(self) -> str | None:
        return self.el.get("node")

    @property
    def rules(self) -> list[Rule]:
        return [Rule(r) for r in _kids(self.el, "rule")]

    def resources(self) -> list[str]:
        return [self.rsc] if self.rsc else []

    def nodes(self) -> list[str]:
        """Node names the constraint names (``node=`` or ``#uname eq X`` expressions)."""
        out = [self.node] if self.node else []
        for e in self.el.iter("expression"):
            if e.get("attribute") == "#uname" and e.get("operation") == "eq" and e.get("value"):
                out.append(e.get("value"))
        return out

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(rsc=self.rsc, node=self.node, rules=[r.to_dict() for r in self.rules])
        return d


_CONSTRAINTS: dict[str, type[Constraint]] = {
    "rsc_order": Order,
    "rsc_colocation": Colocation,
    "rsc_location": Location,
}


@attrs.define(eq=False)
class ClusterNode(View):
    """A ``<node id uname type>`` of the ``nodes`` section."""

    @property
    def uname(self) -> str | None:
        return self.el.get("uname")

    @property
    def type(self) -> str | None:
        return self.el.get("type")

    @property
    def attributes(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for s in _kids(self.el, "instance_attributes"):
            out.update(NvSet(s).as_dict())
        return out


@attrs.frozen
class Reference:
    """One place where the CIB names a resource or node by id."""

    source: Any = attrs.field(eq=False, repr=False)  # the referring element
    attribute: str
    target: str
    kind: str  # "resource" | "node"

    @property
    def line(self) -> int:
        return self.source.sourceline or 0


# -- the document ----------------------------------------------------------------


@attrs.define(weakref_slot=False, eq=False)
class CibDocument(Document):
    """A CIB or a fragment of one, lossless (see :mod:`.xmltext`)."""

    format = FORMAT

    #: The top-level element(s) of a document built in code (see :attr:`roots`).
    _roots: list[Any] = attrs.Factory(list)
    _snapshots: dict[int, xmltext.Snapshot] | None = attrs.field(default=None, repr=False)
    _wrapper: Any = attrs.field(default=None, repr=False)
    #: The source elements (a parse), and the offsets of their start tags, in order
    #: (a wrapper element the parse added for a fragment has none).
    _elements: list[Any] = attrs.field(factory=list, repr=False)
    _offsets: list[int] = attrs.field(factory=list, repr=False)
    _by_id: dict[int, int] | None = attrs.field(default=None, repr=False)
    #: Indentation unit for new nested elements (guessed from the source).
    unit: str = "  "

    @property
    def _snaps(self) -> dict[int, xmltext.Snapshot]:
        """Parse-time spans and states of the source elements, for splicing edits.

        Taken on first need from a second parse of the source (the document's own
        tree may have been edited by then); a loaded CIB that is only read and linted
        never holds them.
        """
        if self._snapshots is None:
            self._snapshots = {}
            if self._elements:
                again, wrapped = xmltext.load(self.source, self.path)
                self._snapshots = xmltext.snapshot(
                    again, xmltext.scan(self.source), wrapped, len(self.source), self._elements
                )
        return self._snapshots

    # -- structure -----------------------------------------------------------
    @property
    def roots(self) -> list[Any]:
        """The top-level elements: one for a normal file, several for a multi-root fragment.

        Those of a multi-root fragment sit in an invisible wrapper element
        (``doc.wrapper``); add or remove top-level elements there.
        """
        if self._wrapper is not None:
            return [c for c in self._wrapper if isinstance(c.tag, str)]
        return self._roots

    @property
    def wrapper(self) -> Any:
        """The element holding a multi-root fragment's roots (``None`` otherwise)."""
        return self._wrapper

    @property
    def root(self) -> Any:
        return self.roots[0] if self.roots else None

    @property
    def root_tag(self) -> str:
        return _tag(self.root) if self.root is not None else ""

    @property
    def is_fragment(self) -> bool:
        return self.root_tag != "cib" or len(self.roots) != 1

    @property
    def validate_with(self) -> str | None:
        return self.root.get("validate-with") if self.root_tag == "cib" else None

    @property
    def dialect(self) -> str:
        """``"pacemaker-1.0"`` or ``"heartbeat-2"`` (the schema this text is written for)."""
        named = schema_dialect(self.validate_with)
        if named is not None:
            return named
        if self.root_tag == "cib":
            return "heartbeat-2"
        return "pacemaker-1.0" if looks_like_10(self.roots) else "heartbeat-2"

    def iter(self, *tags: str) -> Iterator[Any]:
        """Every element (of the given tags) in document order."""
        for r in self.roots:
            for el in xmltext.elements(r):
                if not tags or _tag(el) in tags:
                    yield el

    def section(self, name: str) -> Any:
        """The ``configuration/<name>`` element (or the fragment itself if it is one)."""
        for el in self.iter(name):
            return el
        return None

    def _in_status(self, el: Any) -> bool:
        return any(_tag(a) == "status" for a in el.iterancestors())

    # -- crm_config ----------------------------------------------------------
    @property
    def property_sets(self) -> list[NvSet]:
        return [NvSet(s) for s in self.iter("cluster_property_set") if not self._in_status(s)]

    def _bare_options(self) -> list[NvPair]:
        """2006-era CIBs put nvpairs straight into ``crm_config``."""
        return [NvPair(p) for c in self.iter("crm_config") for p in _kids(c, "nvpair")]

    def option_pairs(self) -> list[NvPair]:
        return self._bare_options() + [p for s in self.property_sets for p in s.nvpairs]

    @property
    def options(self) -> dict[str, str | None]:
        """Cluster options by their written name (the last set wins)."""
        return {p.name: p.value for p in self.option_pairs()}

    def option(self, name: str) -> str | None:
        """A cluster option, either spelling (``stonith-enabled`` finds ``stonith_enabled``)."""
        want = canon_name(name)
        found = [p for p in self.option_pairs() if canon_name(p.name) == want]
        return found[-1].value if found else None

    def set_option(self, name: str, value: str) -> NvPair:
        """Change a cluster option in place, or add it to the first property set."""
        want = canon_name(name)
        found = [p for p in self.option_pairs() if canon_name(p.name) == want]
        if found:
            found[-1].value = value
            return found[-1]
        sets = self.property_sets
        if not sets:
            crm = self.section("crm_config")
            if crm is None:
                raise ValueError("this document has no crm_config section")
            el = etree.SubElement(crm, "cluster_property_set")
            el.set("id", "cib-bootstrap-options")
            if self.dialect == "heartbeat-2":
                etree.SubElement(el, "attributes")
            sets = [NvSet(el)]
        return sets[0].set(name, value)

    def meta_problems(self) -> Iterator[tuple[Resource, NvPair, str, str]]:
        """``(resource, nvpair, kind, fix)`` for resource options the cluster will not see.

        Pacemaker 1.0 reads resource options only from ``meta_attributes`` and
        only under their dash names: ``allow_migrate`` there is ``"ignored"``
        (fix: ``allow-migrate``), and ``target_role`` in ``instance_attributes``
        is ``"misplaced"`` (heartbeat 2 read it there; 1.0 passes it to the agent).
        """
        if self.dialect != "pacemaker-1.0":
            return
        for res in self.all_resources():
            for s in res.meta_sets:
                for pair in s.nvpairs:
                    canon = canon_name(pair.name)
                    if canon in LEGACY_META and pair.name != canon:
                        yield res, pair, "ignored", canon
            for s in res.instance_sets:
                for pair in s.nvpairs:
                    canon = canon_name(pair.name)
                    if canon in LEGACY_META and canon not in AGENT_PARAMS:
                        yield res, pair, "misplaced", f"meta_attributes {canon}"

    def option_problems(self) -> Iterator[tuple[NvPair, str, str | None]]:
        """``(nvpair, "unknown"|"deprecated", suggestion)`` for each doubtful cluster option.

        Unknown names (typos such as ``symetric_cluster``, mixed spellings such
        as ``no_quorum-policy``) are silently ignored by the CRM.
        """
        from .options import option_problem

        dialect = self.dialect
        for pair in self.option_pairs():
            found = option_problem(pair.name, dialect)
            if found is not None:
                yield pair, found[0], found[1]

    def _defaults(self, section: str) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for sec in self.iter(section):
            for s in _kids(sec, "meta_attributes"):
                out.update(NvSet(s).as_dict())
        return out

    @property
    def rsc_defaults(self) -> dict[str, str | None]:
        """Pacemaker 1.0 resource defaults (``rsc_defaults`` meta attributes)."""
        return self._defaults("rsc_defaults")

    @property
    def op_defaults(self) -> dict[str, str | None]:
        """Pacemaker 1.0 operation defaults (``op_defaults`` meta attributes)."""
        return self._defaults("op_defaults")

    # -- nodes, resources, constraints ----------------------------------------
    @property
    def nodes(self) -> list[ClusterNode]:
        return [ClusterNode(n) for n in self.iter("node") if not self._in_status(n)]

    @property
    def resources(self) -> list[Resource]:
        """Top-level resources (a group's members are its ``children``)."""
        out = []
        for el in self.iter(*RESOURCE_TAGS):
            parent = el.getparent()
            if parent is None or _tag(parent) not in RESOURCE_TAGS:
                out.append(resource_view(el))
        return out

    def all_resources(self) -> list[Resource]:
        return [r for top in self.resources for r in top.walk()]

    @property
    def primitives(self) -> list[Primitive]:
        return [r for r in self.all_resources() if isinstance(r, Primitive)]

    def resource(self, rid: str) -> Resource | None:
        for r in self.all_resources():
            if r.id == rid:
                return r
        return None

    @property
    def constraints(self) -> list[Constraint]:
        return [_CONSTRAINTS[_tag(c)](c) for c in self.iter(*CONSTRAINT_TAGS)]

    @property
    def orders(self) -> list[Order]:
        return [c for c in self.constraints if isinstance(c, Order)]

    @property
    def colocations(self) -> list[Colocation]:
        return [c for c in self.constraints if isinstance(c, Colocation)]

    @property
    def locations(self) -> list[Location]:
        return [c for c in self.constraints if isinstance(c, Location)]

    def stonith_resources(self) -> list[Primitive]:
        return [p for p in self.primitives if p.is_stonith]

    def xen_primitives(self) -> list[Primitive]:
        return [p for p in self.primitives if p.is_xen]

    # -- what lint needs -------------------------------------------------------
    def ids(self, include_status: bool = False) -> dict[str, list[Any]]:
        """Every ``id`` with the elements carrying it (more than one: a duplicate)."""
        out: dict[str, list[Any]] = {}
        for el in self.iter():
            i = el.get("id")
            if i is None or _tag(el) in ("resource_ref",):
                continue
            if not include_status and (_tag(el) == "status" or self._in_status(el)):
                continue
            out.setdefault(i, []).append(el)
        return out

    def duplicate_ids(self) -> dict[str, list[Any]]:
        return {k: v for k, v in self.ids().items() if len(v) > 1}

    def references(self) -> list[Reference]:
        """Every resource or node named by a constraint."""
        out: list[Reference] = []
        for c in self.constraints:
            el = c.el
            for a in ("rsc", "with-rsc", "first", "then", "from", "to"):
                v = el.get(a)
                if v is not None:
                    out.append(Reference(el, a, v, "resource"))
            for ref in el.iter("resource_ref"):
                out.append(Reference(ref, "id", ref.get("id", ""), "resource"))
            if isinstance(c, Location):
                if c.node:
                    out.append(Reference(el, "node", c.node, "node"))
                for e in el.iter("expression"):
                    if e.get("attribute") == "#uname" and e.get("operation") == "eq":
                        out.append(Reference(e, "value", e.get("value", ""), "node"))
        return out

    def secret_nvpairs(self) -> list[NvPair]:
        """nvpairs holding passwords (replicated in cleartext to every node)."""
        return [NvPair(p) for p in self.iter("nvpair") if is_secret(p.get("name"))]

    def secrets(self) -> list[str]:
        """The password values, for masking in every output."""
        return [v for p in self.secret_nvpairs() if (v := p.value)]

    # -- output ----------------------------------------------------------------
    def dumps(self) -> str:
        """The source with edits spliced in; canonical XML for a document built in code."""
        if not self.source and not self._snaps:
            return self.canonical()
        top = [self._wrapper] if self._wrapper is not None else self._roots
        return xmltext.render(self.source, top, self._snaps, self.unit)

    def canonical(self) -> str:
        """The tree written conventionally, ignoring the source (comments are not kept)."""
        nl = "\n"
        return "".join(xmltext.serialize(r, "", self.unit, nl) + nl for r in self.roots)

    @classmethod
    def new(cls, dialect: str = "pacemaker-1.0") -> CibDocument:
        """An empty CIB built in code (``"pacemaker-1.0"`` or ``"heartbeat-2"``)."""
        root = etree.Element("cib", admin_epoch="0", epoch="0", num_updates="0")
        if dialect == "pacemaker-1.0":
            root.set("validate-with", "pacemaker-1.0")
        conf = etree.SubElement(root, "configuration")
        for s in SECTIONS[:4]:
            etree.SubElement(conf, s)
        etree.SubElement(root, "status")
        return cls([root])

    def add_resource(self, el: Any) -> Resource:
        """Append a resource element (see :meth:`make_primitive`) to ``resources``, in
        this document's dialect: heartbeat 2's ``<attributes>`` wrappers are added or
        removed as the document needs, and Pacemaker 1.0 gets the ``interval`` its
        schema requires on every op."""
        sec = self.section("resources")
        if sec is None:
            raise ValueError("this document has no resources section")
        _to_dialect(el, legacy=self.dialect != "pacemaker-1.0")
        sec.append(el)
        return resource_view(el)

    def make_primitive(
        self,
        rid: str,
        rclass: str,
        rtype: str,
        provider: str | None = None,
        *,
        params: dict[str, str] | None = None,
        meta: dict[str, str] | None = None,
        ops: list[dict[str, str]] | None = None,
    ) -> Any:
        """:func:`make_primitive` in this document's dialect (not yet added: pass it to
        :meth:`add_resource`, or to a group)."""
        return make_primitive(
            rid, rclass, rtype, provider, params=params, meta=meta, ops=ops, dialect=self.dialect
        )

    def _free_id(self, wanted: str) -> str:
        taken = {el.get("id") for el in self.iter() if el.get("id")}
        rid, n = wanted, 1
        while rid in taken:
            n += 1
            rid = f"{wanted}-{n}"
        return rid

    def add_order(
        self, first: str, then: str, *, id: str | None = None, score: str | None = None
    ) -> Order:
        """``then`` starts after ``first``: ``first``/``then`` in Pacemaker 1.0,
        ``from``/``to`` with ``type="after"`` in heartbeat 2 (crm.dtd)."""
        el = etree.Element("rsc_order", id=self._free_id(id or f"order-{first}-{then}"))
        if self.dialect == "pacemaker-1.0":
            el.set("first", first)
            el.set("then", then)
        else:
            el.set("from", then)
            el.set("type", "after")
            el.set("to", first)
        if score is not None:
            el.set("score", score)
        return self.add_constraint(el)  # type: ignore[return-value]

    def add_colocation(
        self, rsc: str, with_rsc: str, *, id: str | None = None, score: str = "INFINITY"
    ) -> Colocation:
        """``rsc`` runs where ``with_rsc`` runs: ``rsc``/``with-rsc`` in Pacemaker 1.0,
        ``from``/``to`` in heartbeat 2."""
        el = etree.Element("rsc_colocation", id=self._free_id(id or f"colocation-{rsc}-{with_rsc}"))
        legacy = self.dialect != "pacemaker-1.0"
        el.set("from" if legacy else "rsc", rsc)
        el.set("to" if legacy else "with-rsc", with_rsc)
        el.set("score", score)
        return self.add_constraint(el)  # type: ignore[return-value]

    def add_location(self, rsc: str, node: str, score: str, *, id: str | None = None) -> Location:
        """``rsc`` prefers (or avoids) ``node``: ``node``/``score`` attributes in
        Pacemaker 1.0; heartbeat 2's crm.dtd has neither, so there it is a rule
        ``#uname eq NODE`` with the score."""
        lid = self._free_id(id or f"location-{rsc}-{node}")
        el = etree.Element("rsc_location", id=lid, rsc=rsc)
        if self.dialect == "pacemaker-1.0":
            el.set("node", node)
            el.set("score", score)
        else:
            rule = etree.SubElement(el, "rule", id=f"{lid}-rule", score=score)
            etree.SubElement(
                rule,
                "expression",
                id=f"{lid}-expr",
                attribute="#uname",
                operation="eq",
                value=node,
            )
        return self.add_constraint(el)  # type: ignore[return-value]

    def add_constraint(self, el: Any) -> Constraint:
        sec = self.section("constraints")
        if sec is None:
            raise ValueError("this document has no constraints section")
        sec.append(el)
        return _CONSTRAINTS[_tag(el)](el)

    def remove(self, view: View) -> None:
        """Remove an element (its whole lines go with it when dumped)."""
        parent = view.el.getparent()
        if parent is not None:
            parent.remove(view.el)

    def structure(self) -> list[Any]:
        """The element tree as nested tuples (for equality: tags, attributes, children)."""

        def one(el: Any) -> tuple[Any, ...]:
            return (_tag(el), sorted(el.attrib.items()), [one(c) for c in _kids(el)])

        return [one(r) for r in self.roots]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CibDocument) and self.structure() == other.structure()

    __hash__ = None

    def element_position(self, el: Any) -> tuple[int, int]:
        """1-based (line, column) of an element's start tag in the source."""
        if self._by_id is None:  # built on first need: most loads never ask
            own = self._elements[len(self._elements) - len(self._offsets) :]
            self._by_id = {id(e): s for e, s in zip(own, self._offsets, strict=True)}
        start = self._by_id.get(id(el))
        if start is None:
            return (el.sourceline or 0, 0)
        return self.position(start)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """The typed model as JSON-ready data; password-like values masked by default."""
        return {
            "format": FORMAT,
            "root": self.root_tag,
            "fragment": self.is_fragment,
            "dialect": self.dialect,
            "validate_with": self.validate_with,
            "options": {
                p.name: (p.value if show_secrets or not p.secret else MASK)
                for p in self.option_pairs()
            },
            "rsc_defaults": self.rsc_defaults,
            "op_defaults": self.op_defaults,
            "nodes": [{"id": n.id, "uname": n.uname, "type": n.type} for n in self.nodes],
            "resources": [r.to_dict(show_secrets) for r in self.resources],
            "constraints": [c.to_dict() for c in self.constraints],
        }


def hb2_name(name: str) -> str:
    """The spelling heartbeat 2 reads for a resource option (``target-role`` -> ``target_role``)."""
    return canon_name(name).replace("-", "_")


def schema_dialect(validate_with: str | None) -> str | None:
    """The dialect a ``validate-with`` value names (``None``: no ``validate-with``)."""
    if validate_with is None:
        return None
    # pacemaker-0.6 / transitional-0.6: a heartbeat-2 CIB that Pacemaker 1.0 loaded
    # without upgrading it; every later pacemaker-N.M spells options with dashes
    if validate_with in ("pacemaker-0.6", "transitional-0.6"):
        return "heartbeat-2"
    return "pacemaker-1.0" if validate_with.startswith("pacemaker-") else "heartbeat-2"


def element_dialect(el: Any) -> str:
    """The dialect of the document (or fragment) element ``el`` belongs to."""
    root = el.getroottree().getroot()
    if _tag(root) == "cib":
        return schema_dialect(root.get("validate-with")) or "heartbeat-2"
    roots = list(root) if _tag(root) == xmltext.WRAPPER else [root]
    return "pacemaker-1.0" if looks_like_10(roots) else "heartbeat-2"


def looks_like_10(roots: list[Any]) -> bool:
    """Whether a fragment is written in the Pacemaker 1.0 dialect."""
    for r in roots:
        for el in xmltext.elements(r):
            t = _tag(el)
            if t in ("master", "rsc_defaults", "op_defaults", "resource_set"):
                return True
            if t in ("instance_attributes", "meta_attributes", "cluster_property_set") and (
                _kids(el, "nvpair")
            ):
                return True
            if t == "rsc_order" and el.get("first") is not None:
                return True
            if t == "rsc_colocation" and el.get("with-rsc") is not None:
                return True
    return False


def _nvset(tag: str, set_id: str, pairs: dict[str, str], legacy: bool) -> Any:
    el = etree.Element(tag, id=set_id)
    box = etree.SubElement(el, "attributes") if legacy else el
    for name, value in pairs.items():
        etree.SubElement(box, "nvpair", id=f"{set_id}-{name}", name=name, value=value)
    return el


def _to_dialect(el: Any, legacy: bool) -> None:
    """Rewrite a resource element built for the other dialect: nvpairs inside (heartbeat
    2) or straight under (Pacemaker 1.0) ``<attributes>``; an ``interval`` on every op
    for Pacemaker 1.0."""
    for nvset in el.iter("instance_attributes", "meta_attributes"):
        wrappers = [c for c in nvset if c.tag == "attributes"]
        if legacy and not wrappers:
            box = etree.Element("attributes")
            for child in list(nvset):
                if child.tag == "nvpair":
                    box.append(child)
            nvset.append(box)
        elif not legacy:
            for box in wrappers:
                at = list(nvset).index(box)
                for n, child in enumerate(list(box)):
                    nvset.insert(at + n, child)
                nvset.remove(box)
    for meta in el.iter("meta_attributes"):  # the option names each dialect reads
        for pair in meta.iter("nvpair"):
            canon = canon_name(pair.get("name", ""))
            if canon in LEGACY_META:
                pair.set("name", canon.replace("-", "_") if legacy else canon)
    if not legacy:
        for op in el.iter("op"):
            if op.get("interval") is None:
                op.set("interval", "0")


def make_primitive(
    rid: str,
    rclass: str,
    rtype: str,
    provider: str | None = None,
    *,
    params: dict[str, str] | None = None,
    meta: dict[str, str] | None = None,
    ops: list[dict[str, str]] | None = None,
    dialect: str = "pacemaker-1.0",
) -> Any:
    """A new ``<primitive>`` element in either dialect, ids derived from ``rid``.

    ``ops`` are attribute dicts (``{"name": "monitor", "interval": "10s"}``);
    Pacemaker 1.0 requires an interval, so ``"0"`` is supplied when missing.
    """
    legacy = dialect != "pacemaker-1.0"
    el = etree.Element("primitive", id=rid)
    el.set("class", rclass)
    if provider is not None:
        el.set("provider", provider)
    el.set("type", rtype)
    if ops:
        box = etree.SubElement(el, "operations")
        for n, op in enumerate(ops, 1):
            attrs_ = dict(op)
            if not legacy:
                attrs_.setdefault("interval", "0")
            o = etree.SubElement(box, "op", id=f"{rid}-op-{attrs_.get('name', 'op')}-{n}")
            for k, v in attrs_.items():
                o.set(k, v)
    if params:
        el.append(_nvset("instance_attributes", f"{rid}-instance_attributes", params, legacy))
    if meta:
        el.append(_nvset("meta_attributes", f"{rid}-meta_attributes", meta, legacy))
    return el
