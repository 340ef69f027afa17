"""The CIB's constraint views (order, colocation, location, in both dialects), the
``nodes`` section's nodes and the references between elements."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ..._lazy import etree
from . import xmltext
from .values import parse_bool, parse_score
from .views import NvSet, Rule, View, _attr, _kids, _tag, canon_role, in_effect_order


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
        return [s.members for s in self.sets]

    @property
    def sets(self) -> list[ResourceSet]:
        """The ``resource_set`` children, in order (colocations and orders since
        pacemaker-1.0, locations since pacemaker-1.2)."""
        return [ResourceSet(s) for s in _kids(self.el, "resource_set")]

    def resources(self) -> list[str]:
        """Every resource id the constraint names."""
        return [r for s in self.resource_sets for r in s]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "score": self.score_raw}


@attrs.define(eq=False)
class ResourceSet(View):
    """A constraint's ``resource_set``: members, ``sequential``, and the ``score`` and
    ``role`` it may give its members instead of the constraint's."""

    @property
    def members(self) -> list[str]:
        return [r.get("id", "") for r in _kids(self.el, "resource_ref")]

    @property
    def sequential(self) -> bool:
        """Pacemaker's default is true (an unreadable value counts as unset)."""
        return parse_bool(self.el.get("sequential")) is not False

    @property
    def score_raw(self) -> str | None:
        return self.el.get("score")

    @property
    def score(self) -> int | None:
        return parse_score(self.el.get("score"))

    @property
    def role(self) -> str | None:
        return canon_role(self.el.get("role"))


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
    def rsc_pattern(self) -> str | None:
        """``rsc-pattern`` (pacemaker-2.6 and later): a POSIX extended regex over the
        top-level resources' ids, inverted by a leading ``!``."""
        return self.el.get("rsc-pattern")

    @property
    def role(self) -> str | None:
        return canon_role(self.el.get("role"))

    @property
    def node(self) -> str | None:
        return self.el.get("node")

    @property
    def rules(self) -> list[Rule]:
        return [Rule(r) for r in _kids(self.el, "rule")]

    def resources(self) -> list[str]:
        return ([self.rsc] if self.rsc else []) + super().resources()

    def nodes(self) -> list[str]:
        """Node names the constraint names (``node=`` or ``#uname eq X`` expressions)."""
        out = [self.node] if self.node else []
        for e in self.el.iter("expression"):
            value = e.get("value")
            if e.get("attribute") == "#uname" and e.get("operation") == "eq" and value:
                out.append(value)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(rsc=self.rsc, node=self.node, rules=[r.to_dict() for r in self.rules])
        return d


def add_node_rule(parent: Any, rule_id: str, expr_id: str, score: str, node: str) -> Any:
    """Append ``<rule score=SCORE><expression #uname eq NODE/></rule>`` to ``parent``:
    a location's preference for one node as heartbeat 2 writes it (crm.dtd gives
    ``rsc_location`` no ``node``/``score``); :meth:`Location.nodes` reads it back."""
    rule = xmltext.sub_element(parent, "rule", id=rule_id, score=score)
    etree.SubElement(rule, "expression", id=expr_id, attribute="#uname", operation="eq", value=node)
    return rule


_CONSTRAINTS: dict[str, type[Constraint]] = {
    "rsc_order": Order,
    "rsc_colocation": Colocation,
    "rsc_location": Location,
}


def constraint_view(el: Any) -> Constraint:
    """The typed view of an ``rsc_order``, ``rsc_colocation`` or ``rsc_location``."""
    return _CONSTRAINTS[_tag(el)](el)


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
        for s in in_effect_order([NvSet(s) for s in _kids(self.el, "instance_attributes")]):
            for name, value in s.as_dict().items():
                out.setdefault(name, value)  # the first of a name is read
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
