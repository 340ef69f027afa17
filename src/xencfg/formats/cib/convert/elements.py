"""The converter's element handlers: resources (primitives, clones, operations) and
constraints with their rules, each rewritten as upgrade06.xsl does, its bugs fixed."""

from __future__ import annotations

from typing import Any

from ...._lazy import etree
from ....syntax.numbers import decimal, is_decimal
from .base import ConverterBase
from .tables import (
    CHANGED_DEFAULTS,
    META_COPIES,
    META_NAMES,
    RESOURCES,
    ROLES,
    WHY_SCHEMA,
)


class Converter(ConverterBase):
    # -- resources
    def resource(self, src: Any, parent: Any) -> Any:
        tag = "master" if src.tag == "master_slave" else src.tag
        if tag != src.tag:
            self.note("rename-element", src, "<master_slave> -> <master>", WHY_SCHEMA)
        out = etree.SubElement(parent, tag)
        self.keep_id(src, out)
        own = ("id", "class", "type", "provider", "description")
        if src.tag == "primitive":
            for name in ("class", "type", "provider"):
                if src.get(name) is not None:
                    self.attr(src, out, name, src.get(name))
        if src.get("description") is not None:
            out.set("description", src.get("description"))
        meta = etree.SubElement(out, "meta_attributes")
        meta_id = f"{src.tag}-{src.get('id', self.owner_id(src))}.meta"
        meta.set("id", self.unique(self.sanitise(meta_id, "meta_attributes")))
        seen: set[str] = set()
        for name, value in src.attrib.items():
            if name in own:
                continue
            new = name.replace("_", "-")
            self._meta(meta, new, value, seen)
            self.note(
                "move-to-meta",
                src,
                f"attribute {name}={value!r} -> meta attribute {new}",
                "resource options are meta attributes in 1.0",
            )
        copies: dict[str, list[Any]] = {}
        for ia in src.findall("instance_attributes"):
            for nv in ia.iter("nvpair"):
                if nv.get("name") in META_COPIES:
                    copies.setdefault(nv.get("name"), []).append(nv)
        for name in META_COPIES:
            for nv in copies.get(name, []):
                self._to_meta(
                    nv,
                    meta,
                    seen,
                    "instance attribute",
                    "Pacemaker 1.0 reads resource options from meta attributes only",
                )
        # heartbeat 2 read every resource's instance attributes as its options too
        # ("populate from the regular attributes until the GUI can create meta
        # attributes", common_unpack in ClusterLabs/pacemaker lib/crm/pengine/complex.c
        # of 2006 and Pacemaker-0.6.0): is_managed, priority, notify, multiple_active,
        # restart_type, resource_failure_stickiness there were obeyed. 1.0 reads options
        # from meta only and upgrade06 copied just META_COPIES: an unmanaged primitive
        # became managed, a DRBD master/slave lost notify=true (drbd.ocf then refuses
        # to start)
        clone = src.tag in ("clone", "master_slave")
        for ia in src.findall("instance_attributes"):
            for nv in ia.iter("nvpair"):
                name = nv.get("name", "")
                if name in META_COPIES or name not in META_NAMES:
                    continue
                self._to_meta(
                    nv,
                    meta,
                    seen,
                    "clone instance attribute" if clone else "instance attribute",
                    "heartbeat 2 read a resource's instance attributes as its options "
                    "(0.6 common_unpack); Pacemaker 1.0 reads meta attributes only",
                )
        self.changed_defaults(src, meta, seen)
        return out

    def _to_meta(self, nv: Any, meta: Any, seen: set[str], what: str, why: str) -> None:
        """Move the instance attribute ``nv`` to ``meta`` under its dashed name, or drop it
        where that option is already set (the first setting wins); a report line either way."""
        name = nv.get("name", "")
        new = name.replace("_", "-")
        self.moved.add(nv)
        if new in seen:
            self.note(
                "warning",
                nv,
                f"{what} {name}={nv.get('value')!r} dropped, not moved to meta",
                f"{new} is already set for this resource (the first setting wins)",
            )
            return
        self.made[nv] = self._meta(meta, new, nv.get("value", ""), seen)
        self.note("move-to-meta", nv, f"{what} {name} -> meta attribute {new}", why)

    def changed_defaults(self, src: Any, meta: Any, seen: set[str]) -> None:
        """Write heartbeat 2's value where Pacemaker changed the default (see CHANGED_DEFAULTS)."""
        for tags, name, value, why in CHANGED_DEFAULTS:
            if src.tag not in tags or name in seen:
                continue
            spellings = {name, name.replace("-", "_")}
            if any(nv.get("name") in spellings for nv in src.iter("nvpair") if _own(nv, src)):
                continue  # set in one of its own sets (a meta set is converted after this)
            self._meta(meta, name, value, seen)
            self.note("default", src, f"{name}={value!r} written explicitly", why)

    def _meta(self, meta: Any, name: str, value: str, seen: set[str]) -> Any:
        seen.add(name)
        nv = etree.SubElement(meta, "nvpair")
        nv.set("id", self.unique(self.sanitise(f"{meta.get('id')}-{name}", "nvpair")))
        nv.set("name", name)
        nv.set("value", value)
        return nv

    def el_primitive(self, src: Any, parent: Any) -> None:
        self.children(src, self.resource(src, parent))

    el_group = el_primitive

    def el_clone(self, src: Any, parent: Any) -> None:
        out = self.resource(src, parent)
        kids = [
            c for c in src if getattr(c, "tag", None) in ("meta_attributes", "primitive", "group")
        ]
        for child in src:
            tag = getattr(child, "tag", None)
            if tag == "instance_attributes":
                for nv in child.iter("nvpair"):
                    if nv.get("name") not in META_COPIES and nv not in self.moved:
                        self.note(
                            "drop-element",
                            nv,
                            f"dropped clone instance attribute {nv.get('name')}="
                            f"{nv.get('value')!r}",
                            "clones and masters take no instance attributes in 1.0",
                        )
            elif isinstance(tag, str) and tag not in ("meta_attributes", "primitive", "group"):
                self.note("drop-element", child, f"dropped <{tag}>", "not allowed in a clone")
        # meta attributes first, then the child resource (the 1.0 schema's order)
        kids.sort(key=lambda c: c.tag != "meta_attributes")
        for child in kids:
            self.node(child, out)
        self.anonymous_node_max(src, out)

    def anonymous_node_max(self, src: Any, out: Any) -> None:
        """``clone-node-max`` above 1 on a clone that is anonymous in Pacemaker becomes 1:
        Pacemaker runs such a clone one instance per node whatever it says and calls it a
        configuration error (lib/pengine/clone.c, clone_unpack: "Anonymous clones (%s) may
        only support one copy per node", since Pacemaker 0.6.0). Writing 1 keeps what the
        cluster runs and leaves crm_verify nothing to refuse; the report says so."""
        first: dict[str, Any] = {}  # Pacemaker 1.0 reads the first of a name
        for meta in out.findall("meta_attributes"):
            for nv in meta.findall("nvpair"):
                first.setdefault(nv.get("name", ""), nv)
        unique, node_max = first.get("globally-unique"), first.get("clone-node-max")
        if node_max is None or _crm_is_true(unique.get("value") if unique is not None else None):
            return
        value = (node_max.get("value") or "").strip()
        if not is_decimal(value) or decimal(value) <= 1:
            return
        node_max.set("value", "1")
        self.note(
            "warning",
            src,
            f"clone-node-max={value!r} -> '1': the clone is anonymous (globally-unique "
            f"{unique.get('value')!r}), which Pacemaker runs one instance per node"
            if unique is not None
            else f"clone-node-max={value!r} -> '1': the clone is anonymous, which Pacemaker "
            "runs one instance per node",
            "Pacemaker ignores a higher clone-node-max on an anonymous clone and reports a "
            "configuration error (crm_verify: 'anonymous clones support only one instance "
            "per node'); set globally-unique=true if several instances per node were meant",
        )

    el_master_slave = el_clone

    def el_op(self, src: Any, parent: Any) -> None:
        out = etree.SubElement(parent, "op")
        if src.get("name") is not None:
            out.set("name", src.get("name"))
        out.set("interval", src.get("interval", "0"))
        if src.get("interval") is None:
            self.note("set-attribute", src, 'interval="0" made explicit', "required in 1.0")
        rid = self.owner_id(src)
        generated = f"{rid}-{src.get('name', 'op')}-{src.get('interval', '0')}"
        self.keep_id(src, out, generate_from=generated)
        self.attrs(src, out, skip=("name", "interval"))
        self.children(src, out)

    # -- constraints
    def ref(self, src: Any, value: str, attr: str = "rsc") -> str:
        """The output spelling of a resource reference (a renamed resource is followed)."""
        if value in self.ambiguous:
            others = self.ambiguous[value]
            kept = value in self.owner and self.owner[value].tag in RESOURCES
            new = value if kept else others[0]
            rest = [n for n in others if n != new]
            self.note(
                "warning",
                src,
                f"{attr}={value!r} is ambiguous: it now names {new!r}"
                + (f", not {', '.join(repr(n) for n in rest)}" if rest else ""),
                "several resources had this id; check which one the constraint meant",
            )
            return new
        new = self.renamed.get(value, value)
        if new != value:
            self.note(
                "reference",
                src,
                f"{attr}={value!r} -> {new!r}",
                "follows the renamed resource",
            )
        return new

    def unrepresentable(self, src: Any) -> str | None:
        """Why constraint SRC cannot be written in 1.0 (an instance or a pseudo action)."""
        for name in ("from", "to", "rsc"):
            value = src.get(name)
            if value and value not in self.resource_ids and ":" in value:
                base = value.rsplit(":", 1)[0]
                if base in self.clone_ids:
                    return f"{name}={value!r} names one instance of the cloned {base!r}"
        if not self.fragment:
            for name in ("from", "to", "rsc"):
                value = src.get(name)
                if value is not None and value not in self.resource_ids:
                    # the 0.6 policy engine ignored it ("No resource"); 1.0's schema
                    # refuses the whole CIB over the dangling IDREF
                    return f"{name}={value!r} names no resource of this CIB"
        if src.tag == "rsc_order":
            for name in ("action", "to_action"):
                value = src.get(name)
                if value is not None and value not in ("start", "stop", "promote", "demote"):
                    return f"{name}={value!r} is an internal action"
        return None

    def comment_out(self, src: Any, parent: Any, reason: str) -> bool:
        copy = etree.fromstring(etree.tostring(src, with_tail=False))
        parent.append(
            etree.Comment(" " + _comment_safe(etree.tostring(copy, encoding="unicode")) + " ")
        )
        self.note(
            "comment-out",
            src,
            f"constraint kept only as an XML comment: {reason}",
            "heartbeat 2 ignored a constraint on a resource it did not have, and Pacemaker 1.0 "
            "refuses a CIB with one; restore it if the resource comes back"
            if "names no resource" in reason
            else "Pacemaker 1.0 constraints can name whole resources and "
            "start/stop/promote/demote only; rewrite it by hand",
        )
        return True

    def start_constraint(self, src: Any, parent: Any, tag: str) -> Any:
        """The converted constraint element with the old id, or ``None`` when 1.0
        cannot express ``src`` (it is then kept as a comment)."""
        reason = self.unrepresentable(src)
        if reason:
            self.comment_out(src, parent, reason)
            return None
        out = etree.SubElement(parent, tag)
        self.keep_id(src, out)
        return out

    def el_rsc_order(self, src: Any, parent: Any) -> None:
        out = self.start_constraint(src, parent, "rsc_order")
        if out is None:
            return
        get = src.get
        first, then = get("from"), get("to")
        before = get("type") == "before"
        if before:
            # crm.dtd: 'from' runs before 'to'; actions as given (1.0's then-action
            # defaults to first-action as 0.6's to_action defaulted to action)
            if get("action") is not None:
                out.set("first-action", get("action"))
            if first is not None:
                out.set("first", self.ref(src, first, "from"))
            if then is not None:
                out.set("then", self.ref(src, then, "to"))
            if get("to_action") is not None:
                out.set("then-action", get("to_action"))
            why = "type='before': 'from' runs first, so from/to become first/then in order"
        elif first is not None or then is not None:
            # crm.dtd's default type='after': 'from' runs after 'to', the flip
            if then is not None:
                out.set("first", self.ref(src, then, "to"))
            if first is not None:
                out.set("then", self.ref(src, first, "from"))
            out.set("then-action", get("action") or "start")
            out.set("first-action", get("to_action") or get("action") or "start")
            why = "type='after' (crm.dtd's default): 'from' ran after 'to', so 'to' is first"
        else:
            why = ""
        if why:
            old = " ".join(
                f"{n}={get(n)!r}" for n in ("from", "type", "to", "action", "to_action") if get(n)
            )
            new = " ".join(
                f"{n}={out.get(n)!r}"
                for n in ("first", "first-action", "then", "then-action")
                if out.get(n) is not None
            )
            self.note("order", src, f"{old} -> {new}", why)
        self.attrs(src, out, skip=("from", "to", "action", "to_action", "type"))
        self.constraint_children(src, out)

    def el_rsc_colocation(self, src: Any, parent: Any) -> None:
        out = self.start_constraint(src, parent, "rsc_colocation")
        if out is None:
            return
        get = src.get
        if get("from") is not None:
            out.set("rsc", self.ref(src, get("from"), "from"))
        if get("to") is not None:
            out.set("with-rsc", self.ref(src, get("to"), "to"))
        if get("from") is not None or get("to") is not None:
            self.note(
                "colocation",
                src,
                f"from={get('from')!r} to={get('to')!r} -> "
                f"rsc={out.get('rsc')!r} with-rsc={out.get('with-rsc')!r}",
                WHY_SCHEMA,
            )
        for old, new in (("from_role", "rsc-role"), ("to_role", "with-rsc-role")):
            if get(old) is not None:
                role = ROLES.get(get(old).lower(), get(old))
                out.set(new, role)
                self.note(
                    "rename-attribute", src, f"{old}={get(old)!r} -> {new}={role!r}", WHY_SCHEMA
                )
        if get("symmetrical") is not None:
            self.note(
                "drop-attribute",
                src,
                f"dropped symmetrical={get('symmetrical')!r}",
                "colocations are not symmetrical in 1.0",
            )
        self.attrs(src, out, skip=("from", "to", "from_role", "to_role", "symmetrical"))
        self.constraint_children(src, out)

    def el_rsc_location(self, src: Any, parent: Any) -> None:
        out = self.start_constraint(src, parent, "rsc_location")
        if out is None:
            return
        if src.get("description") is not None:
            out.append(etree.Comment(f" {_comment_safe(src.get('description'))} "))
            self.note(
                "drop-attribute",
                src,
                "description kept as an XML comment",
                "pacemaker-1.0 does not allow a description on rsc_location",
            )
        for name, value in src.attrib.items():
            if name == "rsc":
                out.set("rsc", self.ref(src, value))
            elif name != "description":
                self.attr(src, out, name, value)
        self.constraint_children(src, out, lifetime_last=True)

    def constraint_children(self, src: Any, out: Any, *, lifetime_last: bool = False) -> None:
        lifetimes = [c for c in src if getattr(c, "tag", None) == "lifetime"]
        if not lifetime_last:
            for lt in lifetimes:
                self.lifetime(lt, out)
        for child in src:
            if getattr(child, "tag", None) != "lifetime":
                self.node(child, out)
        if lifetime_last:
            for lt in lifetimes:
                self.lifetime(lt, out)

    def lifetime(self, src: Any, out: Any) -> None:
        lt = etree.SubElement(out, "lifetime")
        self.children(src, lt)
        self.note(
            "lifetime",
            src,
            "<lifetime> id dropped"
            + (" and moved after the rules" if out.tag == "rsc_location" else ""),
            "pacemaker-1.0 lifetimes have no id and follow the location rules",
        )

    def el_rule(self, src: Any, parent: Any) -> None:
        out = etree.SubElement(parent, "rule")
        self.keep_id(src, out)
        self.attrs(src, out)
        if not {"score", "score_attribute", "score-attribute"} & set(src.attrib):
            out.set("score", "0")
            self.note("set-attribute", src, 'score="0" made explicit', "required in 1.0")
        elements = [c for c in src if isinstance(c.tag, str)]
        self.children(src, out)
        if not elements:
            rid = out.get("id")
            etree.SubElement(
                out,
                "expression",
                id=self.unique(f"{rid}-expression"),
                attribute="#uname",
                operation="defined",
            )
            self.note(
                "add-element",
                src,
                'empty rule given the always-true expression "#uname defined"',
                "an empty rule matched everywhere in 0.6; 1.0 needs one expression",
            )

    def el_expression(self, src: Any, parent: Any) -> None:
        out = etree.SubElement(parent, "expression")
        rid = parent.get("id") or self.owner_id(src)
        out.set("id", self.unique(self.sanitise(f"{rid}-expression", "expression")))
        self.attrs(src, out)

    def el_date_expression(self, src: Any, parent: Any) -> None:
        out = self.generic(src, parent)
        if src.get("operation") is None:
            out.set("operation", "in_range")
            self.note("set-attribute", src, 'operation="in_range" made explicit', "required in 1.0")


def _crm_is_true(value: str | None) -> bool:
    """Pacemaker's crm_is_true: only these spellings are true (anything else is false)."""
    return (value or "").strip().lower() in ("true", "on", "yes", "y", "1")


def _own(nv: Any, resource: Any) -> bool:
    """Whether nvpair NV belongs to RESOURCE itself (not to a child resource)."""
    for anc in nv.iterancestors():
        if anc is resource:
            return True
        if anc.tag in RESOURCES:
            return False
    return False


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -").rstrip("-")
