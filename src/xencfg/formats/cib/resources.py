"""The CIB's resource views: primitives, groups, clones, master/slave sets and their
operations, and building a new ``<primitive>`` in either dialect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ..._lazy import etree
from ...errors import need_str
from . import compact, xmltext
from .values import Duration, canon_name, check_id, parse_bool, sanitize_id
from .views import (
    LEGACY_META,
    RESOURCE_TAGS,
    NvPair,
    NvSet,
    View,
    _attr,
    _kids,
    _tag,
    canon_role,
    element_dialect,
    hb2_name,
    in_effect_order,
)

if TYPE_CHECKING:
    from lxml.etree import _Element


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
        """The ``instance_attributes`` sets (the agent's parameters), in order."""
        return [NvSet(s) for s in _kids(self.el, "instance_attributes")]

    @property
    def meta_sets(self) -> list[NvSet]:
        """The ``meta_attributes`` sets (resource options), in order."""
        return [NvSet(s) for s in _kids(self.el, "meta_attributes")]

    def _merged(self, sets: list[NvSet], show_secrets: bool = True) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for s in in_effect_order(sets):
            for name, value in s.as_dict(show_secrets).items():
                out.setdefault(name, value)
        return out

    @property
    def instance_attributes(self) -> dict[str, str | None]:
        """Every instance nvpair merged as the CRM reads them: the first of a name wins,
        sets by score then document order (:func:`in_effect_order`)."""
        return self._merged(self.instance_sets)

    @property
    def meta_attributes(self) -> dict[str, str | None]:
        """Meta nvpairs merged as the CRM reads them (first of a name wins)."""
        return self._merged(self.meta_sets)

    def param(self, name: str) -> str | None:
        """An instance attribute (either spelling), the one the CRM reads (the first)."""
        for s in in_effect_order(self.instance_sets):
            v = s.get(name)
            if v is not None:
                return v
        return None

    @property
    def dialect(self) -> str:
        """The dialect of the document this resource sits in (``"heartbeat-2"`` ...)."""
        return element_dialect(self.el)

    def meta(self, name: str) -> str | None:
        """A resource option, as the daemon of the document's dialect reads it
        (:meth:`meta_source`)."""
        return self.meta_source(name)[0]

    def meta_source(self, name: str) -> tuple[str | None, NvPair | None]:
        """A resource option and the nvpair that sets it (``None``: an XML attribute of
        the resource element, or unset), read as get_meta_attributes reads it
        (heartbeat-2.1.3 / Pacemaker-0.6.0 lib/crm/pengine/complex.c, Pacemaker-1.0.8
        lib/pengine/complex.c): the element's XML attributes (``is_managed="false"``),
        then the meta sets, then — for resource options heartbeat 2 read there — the
        instance sets; sets by score then document order, and nothing overwrites, so the
        first value found is the one in effect. ``#default`` counts as unset
        (add_hash_param and populate_hash skip it).

        The spelling is the dialect's: heartbeat 2 knows only ``target_role``,
        ``is_managed`` (crm.dtd), Pacemaker 1.0 and later only ``target-role``; the
        other spelling is ignored by the CRM and so by this getter.
        """
        if name in ("id", "class", "type", "provider", "description"):
            return None, None
        spelled = hb2_name(name) if self.dialect == "heartbeat-2" else canon_name(name)
        value = self.el.get(spelled)
        if value is not None and value.strip().lower() != "#default":
            return value, None
        places = [self.meta_sets]
        if canon_name(name) in LEGACY_META:
            places.append(self.instance_sets)
        for sets in places:
            for s in in_effect_order(sets):
                for pair in s.nvpairs:
                    if pair.name != spelled or pair.value is None:
                        continue
                    if pair.value.strip().lower() != "#default":
                        return pair.value, pair
        return None, None

    def _hb2_places(self, name: str) -> tuple[list[NvPair], list[NvPair]]:
        """(meta nvpairs, instance nvpairs) spelled the way heartbeat 2 reads ``name``."""
        want = hb2_name(name)
        metas = [p for s in self.meta_sets for p in s.nvpairs if p.name == want]
        inst: list[NvPair] = []
        if canon_name(name) in LEGACY_META:
            inst = [p for s in self.instance_sets for p in s.nvpairs if p.name == want]
        return metas, inst

    def set_meta(self, name: str, value: str) -> NvPair | None:
        """Set a resource option where the document's daemon reads it.

        Pacemaker 1.0 and later: a dash-spelled meta attribute in the first meta set.
        heartbeat 2: the underscore spelling, and every place heartbeat reads the option
        (meta sets, the XML attribute, instance attributes for resource options) is
        changed, so that the new value is the one in effect; ``None`` when the option
        lived only in an XML attribute (no nvpair to hand back).
        """
        if self.dialect != "heartbeat-2":
            sets = in_effect_order(self.meta_sets)
            box = sets[0] if sets else self._first_meta_set()
            return box.set(canon_name(name), value)
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
        el = xmltext.sub_element(box.container, "nvpair")
        el.set("id", f"{box.id or 'nvpair'}-{attr}")
        el.set("name", attr)
        el.set("value", value)
        return NvPair(el)

    def _first_meta_set(self) -> NvSet:
        sets = self.meta_sets
        if sets:
            return sets[0]
        el = xmltext.sub_element(self.el, "meta_attributes")
        el.set("id", f"{self.id}-meta_attributes")
        if any(s.legacy for s in self.instance_sets) or self.dialect == "heartbeat-2":
            etree.SubElement(el, "attributes")
        return NvSet(el)

    def set_param(self, name: str, value: str) -> NvPair:
        """Set an instance attribute in the first instance set (created when missing)."""
        sets = self.instance_sets
        if sets:
            return sets[0].set(name, value)
        el = xmltext.sub_element(self.el, "instance_attributes")
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
        """The resources this group, clone or master holds, in order."""
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


def _template_op_key(op: Any) -> tuple[str | None, str]:
    role = (op.get("role") or "").lower()
    return op.get("name"), "" if role in ("", "started", "slave", "unpromoted") else role


@attrs.define(eq=False)
class Primitive(Resource):
    """A ``<primitive class provider type>`` with its ops and attributes."""

    kind: ClassVar[str] = "primitive"

    @property
    def template(self) -> _Element | None:
        """The ``<template>`` (pacemaker-1.2 and later) this primitive is made from, as
        Pacemaker finds it: by id among the resources (Pacemaker 2.1.5
        lib/pengine/complex.c ``unpack_template``); ``None`` without one."""
        ref = self.el.get("template")
        if ref is None:
            return None
        root = self.el.getroottree().getroot()
        return next((t for t in root.iter("{*}template", "template") if t.get("id") == ref), None)

    def _agent_part(self, name: str) -> str | None:
        """``class``/``provider``/``type``: the template's when the primitive has one
        (``unpack_template`` copies the template and keeps only the primitive's id)."""
        template = self.template
        return self.el.get(name) if template is None else template.get(name)

    @property
    def rclass(self) -> str | None:
        """The resource class (``ocf``, ``lsb``, ``heartbeat``, ``stonith``)."""
        return self._agent_part("class")

    @property
    def provider(self) -> str | None:
        return self._agent_part("provider")

    @property
    def type(self) -> str | None:
        return self._agent_part("type")

    @property
    def agent(self) -> str:
        """``ocf:heartbeat:Xen``-style agent name."""
        parts = [self.rclass or "?", self.provider, self.type or "?"]
        return ":".join(p for p in parts if p)

    @property
    def ops(self) -> list[Op]:
        """The operations, with those of the template (if any) whose name and role the
        primitive does not define (``unpack_template``: ``template_op_key`` is name and
        role, Started and Slave/Unpromoted counting as no role)."""
        own = [Op(o) for ops in _kids(self.el, "operations") for o in _kids(ops, "op")]
        template = self.template
        if template is None:
            return own
        keys = {_template_op_key(o.el) for o in own}
        inherited = [Op(o) for ops in _kids(template, "operations") for o in _kids(ops, "op")]
        return own + [o for o in inherited if _template_op_key(o.el) not in keys]

    def op(self, name: str, interval_ms: int | None = None) -> Op | None:
        """The first op named ``name`` (with that interval in ms when given), else ``None``."""
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
        """The one resource the clone or master holds (``None`` in a broken CIB)."""
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


def need_element(el: object, where: str) -> None:
    """A TypeError unless ``el`` is an element (:meth:`CibDocument.make_primitive`,
    ``etree.fromstring``, or a view's ``el``): a string of XML or a view is the usual
    mistake, which lxml reports only by its own argument names."""
    if not isinstance(el, (etree._Element, compact.Node)):
        raise TypeError(
            f"{where} is an element (make_primitive(), etree.fromstring(xml), a view's .el),"
            f" not {type(el).__name__}"
        )


def need_strs(pairs: dict[str, str], where: str) -> None:
    """A TypeError for a name or value that is not a str (``{"cidr_netmask": 24}``):
    the CIB's attributes are text, and lxml's own error names none of ours."""
    for name, value in pairs.items():
        need_str(name, f"{where} name")
        need_str(value, f"{where}[{name!r}]")


def _nvset(tag: str, set_id: str, pairs: dict[str, str], legacy: bool) -> Any:
    need_strs(pairs, tag)
    el = etree.Element(tag, id=sanitize_id(set_id, legacy=legacy))
    box = etree.SubElement(el, "attributes") if legacy else el
    for name, value in pairs.items():
        pid = sanitize_id(f"{set_id}-{name}", legacy=legacy)
        etree.SubElement(box, "nvpair", id=pid, name=name, value=value)
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
    Pacemaker 1.0 requires an interval, so ``"0"`` is supplied when missing. ``rid``
    must be an id the dialect's schema takes (:func:`.values.check_id`; ValueError
    otherwise); the ids derived from it are made valid as Pacemaker makes its own.
    """
    legacy = dialect != "pacemaker-1.0"
    el = etree.Element("primitive", id=check_id(rid, "primitive id", dialect=dialect))
    need_str(rclass, "make_primitive(rclass)")
    need_str(rtype, "make_primitive(rtype)")
    if provider is not None:
        need_str(provider, "make_primitive(provider)")
    for op in ops or []:
        need_strs(op, "make_primitive(ops)")
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
            oid = sanitize_id(f"{rid}-op-{attrs_.get('name', 'op')}-{n}", legacy=legacy)
            o = etree.SubElement(box, "op", id=oid)
            for k, v in attrs_.items():
                o.set(k, v)
    if params:
        el.append(_nvset("instance_attributes", f"{rid}-instance_attributes", params, legacy))
    if meta:
        el.append(_nvset("meta_attributes", f"{rid}-meta_attributes", meta, legacy))
    return el


def make_group(
    rid: str,
    children: list[Any],
    *,
    meta: dict[str, str] | None = None,
    dialect: str = "pacemaker-1.0",
) -> Any:
    """A new ``<group>`` of ``children`` (``<primitive>`` elements, see
    :func:`make_primitive`): the CRM starts them in that order on one node and stops
    them in reverse. ``meta`` are the group's own resource options (``target-role``
    ...), spelt as ``dialect`` reads them. A child already in a document moves into
    the group. ``rid`` must be an id the dialect's schema takes (ValueError)."""
    legacy = dialect != "pacemaker-1.0"
    el = etree.Element("group", id=check_id(rid, "group id", dialect=dialect))
    if meta:
        el.append(_nvset("meta_attributes", f"{rid}-meta_attributes", meta, legacy))
    for child in children:
        need_element(child, "make_group(children) item")
        el.append(compact.unwrap(child))
    _to_dialect(el, legacy)
    return el


def make_clone(
    rid: str,
    child: Any,
    *,
    meta: dict[str, str] | None = None,
    master: bool = False,
    dialect: str = "pacemaker-1.0",
) -> Any:
    """A new ``<clone>`` of ``child`` (one ``<primitive>`` or ``<group>`` element, as
    both dialects' schemas require), run on several nodes at once; ``master=True``
    makes a master/slave set instead (``<master>`` in Pacemaker 1.0,
    ``<master_slave>`` in heartbeat 2). ``meta`` holds the clone options
    (``{"clone-max": "2", "interleave": "true"}``), written in the spelling
    ``dialect`` reads (``clone_max`` for heartbeat 2). A child already in a document
    moves into the clone. ``rid`` must be an id the dialect's schema takes (ValueError)."""
    legacy = dialect != "pacemaker-1.0"
    tag = ("master_slave" if legacy else "master") if master else "clone"
    el = etree.Element(tag, id=check_id(rid, f"{tag} id", dialect=dialect))
    if meta:
        el.append(_nvset("meta_attributes", f"{rid}-meta_attributes", meta, legacy))
    need_element(child, "make_clone(child)")
    el.append(compact.unwrap(child))
    _to_dialect(el, legacy)
    return el
