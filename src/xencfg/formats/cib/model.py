"""The typed CIB model: views bound onto the document's element tree.

Every view (:class:`Primitive`, :class:`Order`, :class:`NvSet` ...) wraps one
element (of the document's own compact tree, :mod:`.compact`, until an edit
materializes lxml's) and reads and writes *through* it, so the tree stays the single
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

from array import array
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..._lazy import etree
from ...document import SourceDocument
from ...errors import ValidationError, need_str
from ...problems import KeywordProblem
from . import compact, xmltext
from .constraints import (
    ClusterNode,
    Colocation,
    Constraint,
    Location,
    Order,
    Reference,
    ResourceSet,
    add_node_rule,
    constraint_view,
)
from .resources import (
    Clone,
    Group,
    Master,
    Op,
    Primitive,
    Resource,
    _to_dialect,
    make_clone,
    make_group,
    make_primitive,
    need_element,
    resource_view,
)
from .values import canon_name, check_id, is_secret, sanitize_id
from .views import (
    AGENT_PARAMS,
    CONSTRAINT_TAGS,
    FORMAT,
    LEGACY_META,
    MASK,
    RESOURCE_TAGS,
    SECTIONS,
    Expression,
    NvPair,
    NvSet,
    Rule,
    View,
    _kids,
    _tag,
    canon_role,
    element_dialect,
    hb2_name,
    in_effect_order,
    looks_like_10,
    schema_dialect,
    source_line,
)

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = [
    "AGENT_PARAMS",
    "CONSTRAINT_TAGS",
    "FORMAT",
    "LEGACY_META",
    "MASK",
    "RESOURCE_TAGS",
    "SECTIONS",
    "CibDocument",
    "Clone",
    "ClusterNode",
    "Colocation",
    "Constraint",
    "Expression",
    "Group",
    "Location",
    "Master",
    "NvPair",
    "NvSet",
    "Op",
    "Order",
    "Primitive",
    "Reference",
    "Resource",
    "ResourceOptionProblem",
    "ResourceSet",
    "Rule",
    "View",
    "canon_role",
    "constraint_view",
    "element_dialect",
    "hb2_name",
    "in_effect_order",
    "looks_like_10",
    "make_clone",
    "make_group",
    "make_primitive",
    "resource_view",
    "schema_dialect",
]

# -- the document ----------------------------------------------------------------


@attrs.frozen
class ResourceOptionProblem(KeywordProblem):
    """A resource option (``node``: its :class:`NvPair`) Pacemaker 1.0 does not see.

    ``kind`` is ``"unknown"`` for a heartbeat 2 spelling in ``meta_attributes``
    (``detail``: the dash name 1.0 reads) and ``"misplaced"`` for an option in
    ``instance_attributes`` (``detail``: ``meta_attributes <name>``).
    """

    #: The resource whose option it is.
    resource: Resource = attrs.field(kw_only=True)

    def __iter__(self) -> Iterator[Any]:
        """``resource, nvpair, kind, fix``: the tuple this used to be (its kind
        ``"ignored"`` for what is now ``"unknown"``)."""
        kind = "ignored" if self.kind == "unknown" else self.kind
        return iter((self.resource, self.node, kind, self.detail))


#: Elements whose ``id`` names another element's (an IDREF in the schemas:
#: constraints-1.0.rng ``resource_ref``, tags-1.3.rng ``obj_ref``, acls-1.2.rng
#: ``role_ref``, acls-2.0.rng ``role`` in ``acl_target``/``acl_group``): they define
#: no id.
ID_REFERENCES = ("resource_ref", "obj_ref", "role_ref", "role")


@attrs.define(weakref_slot=False, eq=False)
class CibDocument(SourceDocument):
    """A CIB or a fragment of one, lossless (see :mod:`.xmltext`)."""

    format = FORMAT

    #: The top-level element(s) of a document built in code (see :attr:`roots`).
    _roots: list[Any] = attrs.Factory(list)
    _snapshots: dict[int, xmltext.Snapshot] | None = attrs.field(default=None, repr=False)
    _wrapper: Any = attrs.field(default=None, repr=False)
    #: The source elements (a parse), and the offsets of their start tags, in order
    #: (a wrapper element the parse added for a fragment has none).
    _elements: list[Any] = attrs.field(factory=list, repr=False)
    _offsets: Sequence[int] = attrs.field(factory=list, repr=False)
    _by_id: dict[int, int] | None = attrs.field(default=None, repr=False)
    #: The document's own tree (:mod:`.compact`) until an edit materializes lxml's.
    _tree: compact.Tree | None = attrs.field(default=None, repr=False)
    #: Indentation unit for new nested elements (guessed from the source).
    unit: str = "  "

    def _sync(self) -> None:
        """Once the document's own tree is materialized (an edit, XPath ...: see
        :mod:`.compact`), the document reads lxml's tree, as every document built in
        code does."""
        tree = self._tree
        if tree is None or not tree.done:
            return
        self._tree = None
        self._roots = [compact.soft(r) for r in self._roots]
        self._wrapper = compact.soft(self._wrapper)
        assert tree.root is not None
        nodes = [n for n in tree.root.walk() if isinstance(n._tag, str)]  # (parse order)
        self._elements = [compact.soft(n) for n in nodes]
        self._offsets = array("q", [at for n in nodes if (at := n.offset()) >= 0])
        self._by_id = None

    @property
    def _snaps(self) -> dict[int, xmltext.Snapshot]:
        """Parse-time spans and states of the source elements, for splicing edits.

        Taken on first need from a second parse of the source (the document's own
        tree may have been edited by then); a loaded CIB that is only read and linted
        never holds them.
        """
        if self._tree is not None:
            self._tree.materialize()
        self._sync()
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
    def roots(self) -> list[_Element]:
        """The top-level elements: one for a normal file, several for a multi-root fragment.

        Those of a multi-root fragment sit in an invisible wrapper element
        (``doc.wrapper``); add or remove top-level elements there.
        """
        self._sync()
        if self._wrapper is not None:
            return [c for c in self._wrapper if isinstance(c.tag, str)]
        return self._roots

    @property
    def wrapper(self) -> _Element | None:
        """The element holding a multi-root fragment's roots (``None`` otherwise)."""
        self._sync()
        return self._wrapper

    @property
    def root(self) -> _Element | None:
        """The root element (``cib``, or a fragment's first root); ``None`` for an empty
        fragment."""
        return self.roots[0] if self.roots else None

    @property
    def root_tag(self) -> str:
        return _tag(self.root) if self.root is not None else ""

    @property
    def is_fragment(self) -> bool:
        return self.root_tag != "cib" or len(self.roots) != 1

    @property
    def validate_with(self) -> str | None:
        """The ``validate-with`` of a ``cib`` root (``None``: heartbeat 2, or a fragment)."""
        root = self.root
        return root.get("validate-with") if root is not None and self.root_tag == "cib" else None

    @property
    def dialect(self) -> str:
        """``"pacemaker-1.0"`` or ``"heartbeat-2"`` (the schema this text is written for)."""
        named = schema_dialect(self.validate_with)
        if named is not None:
            return named
        if self.root_tag == "cib" and self.validate_with != "none":
            return "heartbeat-2"
        # (validate-with="none": Pacemaker's CIB without a schema, or a heartbeat 2 one
        # marked so: the content tells, as for a fragment)
        return "pacemaker-1.0" if looks_like_10(self.roots) else "heartbeat-2"

    def iter(self, *tags: str) -> Iterator[_Element]:
        """Every element (of the given tags, in any namespace) in document order."""
        wanted = tuple(f"{{*}}{t}" for t in tags)  # lxml matches these in C
        for r in self.roots:
            yield from r.iter(*wanted) if wanted else xmltext.elements(r)

    def section(self, name: str) -> _Element | None:
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
        """Every cluster option nvpair, in the order the CRM reads them: unpack_config
        reads the set ``cib-bootstrap-options`` first (CIB_OPTIONS_FIRST), then the
        others by score and document order (Pacemaker-1.0.8 lib/pengine/unpack.c,
        rules.c sort_pairs); the first of a name is the one in effect."""
        sets = in_effect_order(self.property_sets)
        sets.sort(key=lambda s: s.id != "cib-bootstrap-options")  # stable
        return self._bare_options() + [p for s in sets for p in s.nvpairs]

    @property
    def options(self) -> dict[str, str | None]:
        """Cluster options by their written name, the one in effect (the first read)."""
        out: dict[str, str | None] = {}
        for p in self.option_pairs():
            out.setdefault(p.name, p.value)
        return out

    def option(self, name: str) -> str | None:
        """A cluster option, either spelling (``stonith-enabled`` finds ``stonith_enabled``),
        the one the CRM reads (:meth:`_in_effect`)."""
        found = self._in_effect(need_str(name, "option(name)"))
        return found[0].value if found else None

    def _in_effect(self, name: str) -> list[NvPair]:
        """The nvpairs of a cluster option, the one the CRM reads first: the dashed
        name before the old underscore one (``cluster_option()``, lib/common/utils.c
        of heartbeat 2.0.8 to Pacemaker 1.1, looks the old name up only when the new
        one is unset; convaudit: ``stonith_enabled=false`` beside
        ``stonith-enabled=true`` fences), and of one spelling the first
        (populate_hash never overwrites)."""
        want = canon_name(name)
        found = [p for p in self.option_pairs() if canon_name(p.name) == want]
        return sorted(found, key=lambda p: "_" in p.name)  # (stable: document order kept)

    def set_option(self, name: str, value: str) -> NvPair:
        """Change a cluster option in place (the nvpair in effect), or add it to the
        first property set."""
        need_str(value, "set_option(value)")
        found = self._in_effect(need_str(name, "set_option(name)"))
        if found:
            found[0].value = value
            return found[0]
        sets = self.property_sets
        if not sets:
            crm = self.section("crm_config")
            if crm is None:
                raise ValidationError("this document has no crm_config section")
            el = xmltext.sub_element(crm, "cluster_property_set")
            el.set("id", "cib-bootstrap-options")
            if self.dialect == "heartbeat-2":
                etree.SubElement(el, "attributes")
            sets = [NvSet(el)]
        return sets[0].set(name, value)

    def meta_problems(self) -> Iterator[ResourceOptionProblem]:
        """Resource options the cluster will not see, one :class:`ResourceOptionProblem` each.

        Pacemaker 1.0 reads resource options only from ``meta_attributes`` and
        only under their dash names: ``allow_migrate`` there is ``"unknown"``
        (detail: ``allow-migrate``), and ``target_role`` in ``instance_attributes``
        is ``"misplaced"`` (heartbeat 2 read it there; 1.0 passes it to the agent).
        """
        if self.dialect != "pacemaker-1.0":
            return
        for res in self.all_resources():
            for s in res.meta_sets:
                for pair in s.nvpairs:
                    canon = canon_name(pair.name)
                    if canon in LEGACY_META and pair.name != canon:
                        yield ResourceOptionProblem(pair, "unknown", pair.name, canon, resource=res)
            for s in res.instance_sets:
                for pair in s.nvpairs:
                    canon = canon_name(pair.name)
                    if canon in LEGACY_META and canon not in AGENT_PARAMS:
                        where = f"meta_attributes {canon}"
                        yield ResourceOptionProblem(
                            pair, "misplaced", pair.name, where, resource=res
                        )

    def option_problems(self) -> Iterator[KeywordProblem]:
        """An ``unknown`` or ``deprecated`` problem (node: the nvpair, detail: the
        suggestion) for each doubtful cluster option.

        Unknown names (typos such as ``symetric_cluster``, mixed spellings such
        as ``no_quorum-policy``) are silently ignored by the CRM.
        """
        from .options import option_problem

        dialect = self.dialect
        for pair in self.option_pairs():
            found = option_problem(pair.name, dialect)
            if found is not None:
                yield KeywordProblem(pair, found[0], pair.name, found[1])

    def _defaults(self, section: str) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for sec in self.iter(section):
            for s in in_effect_order([NvSet(m) for m in _kids(sec, "meta_attributes")]):
                for name, value in s.as_dict().items():
                    out.setdefault(name, value)
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
        """The ``configuration/nodes`` entries (not the status section's)."""
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
        """Every resource at any depth: top-level ones and the children of groups, clones
        and masters."""
        return [r for top in self.resources for r in top.walk()]

    @property
    def primitives(self) -> list[Primitive]:
        """Every primitive at any depth."""
        return [r for r in self.all_resources() if isinstance(r, Primitive)]

    def resource(self, rid: str) -> Resource | None:
        """The resource with id ``rid`` at any depth (a group's or clone's child too)."""
        for r in self.all_resources():
            if r.id == rid:
                return r
        return None

    @property
    def constraints(self) -> list[Constraint]:
        """Every constraint in document order, as its view class (:class:`Order`,
        :class:`Colocation`, :class:`Location`)."""
        return [constraint_view(c) for c in self.iter(*CONSTRAINT_TAGS)]

    @property
    def orders(self) -> list[Order]:
        """The ``rsc_order`` constraints."""
        return [c for c in self.constraints if isinstance(c, Order)]

    @property
    def colocations(self) -> list[Colocation]:
        """The ``rsc_colocation`` constraints."""
        return [c for c in self.constraints if isinstance(c, Colocation)]

    @property
    def locations(self) -> list[Location]:
        """The ``rsc_location`` constraints."""
        return [c for c in self.constraints if isinstance(c, Location)]

    def stonith_resources(self) -> list[Primitive]:
        """The fencing primitives (``class="stonith"``)."""
        return [p for p in self.primitives if p.is_stonith]

    def xen_primitives(self) -> list[Primitive]:
        """The primitives of the ``Xen`` agent (each runs one domU)."""
        return [p for p in self.primitives if p.is_xen]

    # -- what lint needs -------------------------------------------------------
    def ids(self, include_status: bool = False) -> dict[str, list[_Element]]:
        """Every ``id`` with the elements carrying it (more than one: a duplicate).
        ``resource_ref``, a tag's ``obj_ref`` and an ACL's ``role_ref`` name an id in
        their ``id`` (an IDREF in the schemas: constraints-1.0.rng, tags-1.3.rng,
        acls-1.2.rng), they define none."""
        out: dict[str, list[_Element]] = {}
        for el in self.iter():
            i = el.get("id")
            if i is None or _tag(el) in ID_REFERENCES:
                continue
            if not include_status and (_tag(el) == "status" or self._in_status(el)):
                continue
            out.setdefault(i, []).append(el)
        return out

    def duplicate_ids(self) -> dict[str, list[_Element]]:
        """Ids used by more than one element, with those elements (the schema refuses them)."""
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
                    # (no value: the rule matches no node, names none; value-source
                    # param/meta: the value names a resource parameter, not a node)
                    if (
                        e.get("attribute") == "#uname"
                        and e.get("operation") == "eq"
                        and e.get("value")
                        and e.get("value-source", "literal") == "literal"
                    ):
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
        self._sync()
        if self._tree is not None:
            return self.source  # the document's own tree is read-only: nothing was edited
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

    def add_resource(self, el: _Element) -> Resource:
        """Append a resource element (see :meth:`make_primitive`) to ``resources``, in
        this document's dialect: heartbeat 2's ``<attributes>`` wrappers are added or
        removed as the document needs, and Pacemaker 1.0 gets the ``interval`` its
        schema requires on every op. An id (of the element or of anything in it) that
        the configuration already uses is a ValueError: both schemas require ids to be
        unique, and the CIB refuses the update."""
        need_element(el, "add_resource(el)")
        sec = self.section("resources")
        if sec is None:
            raise ValidationError("this document has no resources section")
        taken = self.ids()
        for e in el.iter():
            i = e.get("id") if isinstance(e.tag, str) else None
            if i is None or _tag(e) in ID_REFERENCES:
                continue
            mine = compact.unwrap(e)
            if any(compact.unwrap(other) is not mine for other in taken.get(i, ())):
                # (not itself, moved)
                raise ValidationError(f"id {i!r} is already used in this CIB")
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
    ) -> _Element:
        """:func:`make_primitive` in this document's dialect (not yet added: pass it to
        :meth:`add_resource`, or to a group)."""
        return make_primitive(
            rid, rclass, rtype, provider, params=params, meta=meta, ops=ops, dialect=self.dialect
        )

    def make_group(
        self, rid: str, children: list[_Element], *, meta: dict[str, str] | None = None
    ) -> _Element:
        """:func:`make_group` in this document's dialect (not yet added: pass it to
        :meth:`add_resource`)."""
        return make_group(rid, children, meta=meta, dialect=self.dialect)

    def make_clone(
        self, rid: str, child: _Element, *, meta: dict[str, str] | None = None, master: bool = False
    ) -> _Element:
        """:func:`make_clone` in this document's dialect (not yet added: pass it to
        :meth:`add_resource`). To clone a resource the CIB already has, pass its
        element (``doc.resource("o2cb").el``): it moves into the clone."""
        return make_clone(rid, child, meta=meta, master=master, dialect=self.dialect)

    def _new_id(self, given: str | None, derived: str) -> str:
        """The id of a new constraint: ``given`` (ValueError unless the schema takes it as
        an id, :func:`.values.check_id`), else ``derived`` made one as Pacemaker makes
        the ids it derives (:func:`.values.sanitize_id`); numbered when taken."""
        if given is not None:
            return self._free_id(check_id(given, "constraint id", dialect=self._id_rules))
        return self._free_id(sanitize_id(derived, legacy=self.dialect != "pacemaker-1.0"))

    def _ref(self, rid: str, what: str) -> str:
        """``rid`` as a reference to a resource: an IDREF, so an XML ID (ValueError)."""
        return check_id(rid, what, dialect=self._id_rules)

    @property
    def _id_rules(self) -> str:
        """The rules an id here follows (:func:`.values.check_id`): ``none`` where
        ``validate-with="none"`` turns Pacemaker's validation off (any id goes)."""
        return "none" if self.validate_with == "none" else self.dialect

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
        first, then = self._ref(first, "first"), self._ref(then, "then")
        el = etree.Element("rsc_order", id=self._new_id(id, f"order-{first}-{then}"))
        if self.dialect == "pacemaker-1.0":
            el.set("first", first)
            el.set("then", then)
        else:
            el.set("from", then)
            el.set("type", "after")
            el.set("to", first)
        if score is not None:
            el.set("score", need_str(score, "add_order(score)"))
        return Order(self._constrain(el))

    def add_colocation(
        self, rsc: str, with_rsc: str, *, id: str | None = None, score: str = "INFINITY"
    ) -> Colocation:
        """``rsc`` runs where ``with_rsc`` runs: ``rsc``/``with-rsc`` in Pacemaker 1.0,
        ``from``/``to`` in heartbeat 2."""
        rsc, with_rsc = self._ref(rsc, "rsc"), self._ref(with_rsc, "with-rsc")
        el = etree.Element("rsc_colocation", id=self._new_id(id, f"colocation-{rsc}-{with_rsc}"))
        legacy = self.dialect != "pacemaker-1.0"
        el.set("from" if legacy else "rsc", rsc)
        el.set("to" if legacy else "with-rsc", with_rsc)
        el.set("score", need_str(score, "add_colocation(score)"))
        return Colocation(self._constrain(el))

    def add_location(self, rsc: str, node: str, score: str, *, id: str | None = None) -> Location:
        """``rsc`` prefers (or avoids) ``node``: ``node``/``score`` attributes in
        Pacemaker 1.0; heartbeat 2's crm.dtd has neither, so there it is a rule
        ``#uname eq NODE`` with the score."""
        rsc = self._ref(rsc, "rsc")
        need_str(node, "add_location(node)")
        need_str(score, "add_location(score)")
        lid = self._new_id(id, f"location-{rsc}-{node}")
        el = etree.Element("rsc_location", id=lid, rsc=rsc)
        if self.dialect == "pacemaker-1.0":
            el.set("node", node)
            el.set("score", score)
        else:
            add_node_rule(el, f"{lid}-rule", f"{lid}-expr", score, node)
        return Location(self._constrain(el))

    def add_constraint(self, el: _Element) -> Constraint:
        """Append a constraint element built by hand (:meth:`add_order`,
        :meth:`add_colocation` and :meth:`add_location` build the usual ones)."""
        need_element(el, "add_constraint(el)")
        return constraint_view(self._constrain(el))

    def _constrain(self, el: Any) -> Any:
        """``el`` appended to the constraints section."""
        sec = self.section("constraints")
        if sec is None:
            raise ValidationError("this document has no constraints section")
        sec.append(el)
        return el

    def remove(self, view: View) -> None:
        """Remove an element (its whole lines go with it when dumped)."""
        if not isinstance(view, View):
            raise TypeError(
                f"remove() takes a view of this document (doc.resource(id), ...), "
                f"not {type(view).__name__}"
            )
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

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of an offset in the source, of an element's start
        tag, or of the element a view (:class:`Primitive`, :class:`Order` ...) wraps."""
        if isinstance(where, int):
            return super().position(where)
        el: Any = getattr(where, "el", where)
        if not isinstance(getattr(el, "tag", None), str):
            return (1, 1)
        line, col = self.element_position(el)
        return (line or 1, col or 1)

    def element_position(self, el: _Element) -> tuple[int, int]:
        """1-based (line, column) of an element's start tag in the source."""
        self._sync()
        tree = self._tree
        node: Any = el
        mine = isinstance(node, compact.Node) and node._tree() is tree
        if tree is not None and mine and node.offset() >= 0:  # (this document's own node)
            return self.position(node.offset())
        el = compact.soft(el)
        if self._by_id is None:  # built on first need: most loads never ask
            own = self._elements[len(self._elements) - len(self._offsets) :]
            self._by_id = {id(e): s for e, s in zip(own, self._offsets, strict=True)}
        start = self._by_id.get(id(el))
        if start is None:
            return (source_line(el), 0)
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
