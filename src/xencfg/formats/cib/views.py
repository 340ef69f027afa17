"""The CIB's base views: :class:`View`, name/value pairs and their sets, rules.

Every view wraps one element (of the document's own tree, :mod:`.compact`, or lxml's)
and reads and writes *through* it (see :mod:`.model`). The dialect helpers here tell
heartbeat 2 text from Pacemaker 1.0 text, which every view that spells an option needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from . import compact, xmltext
from .values import canon_name, is_secret, parse_score

if TYPE_CHECKING:
    from lxml.etree import _Element

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


def source_line(el: _Element) -> int:
    """The source line of ``el``; 0 for an element added in code (lxml-stubs leave
    ``sourceline`` untyped)."""
    line: int | None = getattr(el, "sourceline", None)
    return line or 0


def _tag(el: Any) -> str:
    """The local name of an element's tag; ``""`` for a comment or PI."""
    tag = el.tag
    if tag.__class__ is not str:
        return ""
    return tag if "}" not in tag else tag.rsplit("}", 1)[-1]


def ids_around(el: Any, tags: tuple[str, ...] = RESOURCE_TAGS) -> list[str]:
    """The ids of resource ``el`` and of the groups and clones holding it, innermost
    first: a constraint naming any of them names ``el``. ``tags`` are the elements
    that count as holders (placement adds ``bundle``)."""
    out = []
    while el is not None and _tag(el) in tags:
        if el.get("id"):
            out.append(el.get("id"))
        el = el.getparent()
    return out


_ROLES = {r.lower(): r for r in ("Stopped", "Started", "Slave", "Master", "Unpromoted", "Promoted")}


def canon_role(raw: str | None) -> str | None:
    """A role as the CRM reads it: case-insensitive (``master`` is ``Master``)."""
    if raw is None:
        return None
    return _ROLES.get(raw.strip().lower(), raw)


def _kids(el: Any, *tags: str) -> list[Any]:
    if not tags:
        return [c for c in el if _tag(c)]
    return [c for c in el if _tag(c) in tags]


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

    #: The lxml element the view reads and writes through.
    el: _Element

    @property
    def id(self) -> str | None:
        return self.el.get("id")

    @property
    def tag(self) -> str:
        return _tag(self.el)

    @property
    def line(self) -> int:
        """The source line of the element (0 for an element added in code)."""
        return source_line(self.el)

    def get(self, name: str) -> str | None:
        """An XML attribute, under either spelling (``start_delay``/``start-delay``)."""
        return _attr(self.el, name, name.replace("_", "-"), name.replace("-", "_"))

    def set(self, name: str, value: str) -> View | None:
        """Set an XML attribute, keeping the spelling already used on the element
        (``None``; a view that sets a child element returns its view: :meth:`NvSet.set`)."""
        for n in (name, name.replace("_", "-"), name.replace("-", "_")):
            if self.el.get(n) is not None:
                self.el.set(n, value)
                return None
        self.el.set(name, value)
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, View) and compact.soft(other.el) is compact.soft(self.el)

    def __hash__(self) -> int:
        return id(compact.soft(self.el))


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
    def container(self) -> _Element:
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
        """The nvpair called ``name`` (either spelling) that the CRM reads: the first.

        populate_hash adds a name only when it is not in the table yet (Pacemaker-1.0.8
        lib/pengine/rules.c, heartbeat-2.1.3 lib/crm/pengine/rules.c: ``overwrite`` is
        FALSE for every option and attribute table), so a second nvpair of a name is dead.
        """
        want = canon_name(name)
        for p in self.nvpairs:
            if canon_name(p.name) == want:
                return p
        return None

    def get(self, name: str) -> str | None:
        pair = self.nvpair(name)
        return pair.value if pair is not None else None

    def set(self, name: str, value: str) -> NvPair:
        """Change an nvpair's value, or add one (id ``<set id>-<name>``)."""
        pair = self.nvpair(name)
        if pair is not None:
            pair.value = value
            return pair
        el = xmltext.sub_element(self.container, "nvpair")
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
                parent = p.el.getparent()
                if parent is not None:
                    parent.remove(p.el)
                gone = True
        return gone

    def as_dict(self, show_secrets: bool = True) -> dict[str, str | None]:
        """The set's nvpairs by written name, the first of a name winning (:meth:`nvpair`)."""
        out: dict[str, str | None] = {}
        for p in self.nvpairs:
            out.setdefault(p.name, p.value if show_secrets or not p.secret else MASK)
        return out


def in_effect_order(sets: list[NvSet]) -> list[NvSet]:
    """Sets of one kind in the order the CRM reads them: higher ``score`` first, document
    order among equal scores (sort_pairs + stable g_list_sort, Pacemaker-1.0.8
    lib/pengine/rules.c unpack_instance_attributes), so with populate_hash never
    overwriting, the first set that names an option gives its value. Rules on the sets
    are not evaluated: a set is read as if its rule held."""
    return sorted(sets, key=lambda s: -(s.score or 0))


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


def hb2_name(name: str) -> str:
    """The spelling heartbeat 2 reads for a resource option (``target-role`` -> ``target_role``)."""
    return canon_name(name).replace("-", "_")


def schema_dialect(validate_with: str | None) -> str | None:
    """The dialect a ``validate-with`` value names (``None``: no ``validate-with``, or
    ``none``, which names no schema: Pacemaker then validates nothing, crm_verify 2.1.5
    "Schema validation of configuration is disabled", and the content tells)."""
    if validate_with is None or validate_with == "none":
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
        named = schema_dialect(root.get("validate-with"))
        if named is not None or root.get("validate-with") != "none":
            return named or "heartbeat-2"
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
