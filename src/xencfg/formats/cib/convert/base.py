"""The converter's core: the change report, ids (kept, sanitised, made unique, renamed
with their references), attributes, the generic element walk, the document element and
the attribute sets. :mod:`.elements` adds resources, constraints and rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xencfg._lazy import etree
from xencfg.errors import ParseError

from .pacemaker11 import Pacemaker11
from .records import Change
from .tables import (
    _NCNAME_BAD,
    DASHED_ATTRS,
    DROPPED_ATTRS,
    META_NAMES,
    OPTION_NAMES,
    PLAIN,
    REGENERATED,
    RESOURCES,
    SETS,
    VERBATIM_IDS,
    WHY_SCHEMA,
    _valid_id,
    normalise_score,
    option_name,
    unique_id,
)


class ConverterBase:
    def __init__(self, *, fragment: bool, pacemaker11: bool, drop_status: bool = False) -> None:
        self.fragment = fragment
        self.pacemaker11 = pacemaker11
        self.drop_status = drop_status
        self.changes: list[Change] = []
        self.used: set[str] = set()
        #: old resource id -> its new id, for ids one resource carried (references follow)
        self._next_suffix: dict[str, int] = {}
        self.renamed: dict[str, str] = {}
        #: resource ids more than one resource carried: a reference cannot tell which
        self.ambiguous: dict[str, list[str]] = {}
        #: each resource element -> the id it gets (duplicates each get their own)
        self.rsc_id: dict[Any, str] = {}
        #: valid id -> the first configuration element carrying it (it keeps the id)
        self.owner: dict[str, Any] = {}
        self.in_status = False
        self.made: dict[Any, Any] = {}
        self.resource_ids: set[str] = set()
        self.clone_ids: set[str] = set()
        self.added: list[Any] = []
        #: instance nvpairs moved into the meta set (not copied into the instance set)
        self.moved: set[Any] = set()
        #: a ruled option set (None: the sets without a rule) -> the names written in it
        self._dashed: dict[Any, set[str]] = {}

    # -- reporting
    def note(self, kind: str, src: Any, what: str, why: str) -> None:
        ident = src.get("id") if src is not None and isinstance(src.tag, str) else None
        tag = src.tag if src is not None and isinstance(src.tag, str) else "cib"
        line = src.sourceline if src is not None else None
        self.changes.append(Change(kind, tag, ident, line, what, why))

    # -- ids
    def unique(self, candidate: str) -> str:
        """A free id (the status section keeps its ids as they are)."""
        if self.in_status:
            return candidate
        return unique_id(candidate, self.used, self._next_suffix)

    def sanitise(self, value: str, tag: str) -> str:
        new = _NCNAME_BAD.sub("-", value.replace(":", "-"))
        if not new or not (new[0].isalpha() or new[0] == "_"):
            new = f"{tag}-{new}"
        return new

    def reserve(self, configuration: Any) -> None:
        """Fix the ids of resources first: constraints refer to them, so a renamed
        resource is renamed in every reference too (upgrade06 left them dangling).

        Every valid id keeps its first carrier: it is reserved before any id is
        sanitised or generated, so a sanitised ``a:1`` never pushes an existing
        ``a-1`` aside. A second resource with the same id (crm.dtd's ``id`` is CDATA,
        and haresources2cib.py wrote such CIBs) gets its own new id.
        """
        resources = list(configuration.iter("primitive", "group", "clone", "master_slave"))
        # resources first: constraints name them, so they keep their ids over anything else
        for el in [*resources, *configuration.iter()]:
            if not isinstance(el.tag, str) or el.tag in REGENERATED:
                continue
            old = el.get("id")
            if old is not None and _valid_id(old) and old not in self.owner:
                self.owner[old] = el
                self.used.add(old)
        carriers: dict[str, list[Any]] = {}
        for el in resources:
            if el.get("id") is not None:
                carriers.setdefault(el.get("id"), []).append(el)
        refs = _references(configuration)
        for el in resources:
            old = el.get("id")
            if old is None:
                continue
            self.resource_ids.add(old)
            if el.tag in ("clone", "master_slave") or any(
                a.tag in ("clone", "master_slave") for a in el.iterancestors()
            ):
                self.clone_ids.add(old)  # its instances are called id:N
            if _valid_id(old) and self.owner.get(old) is el:
                self.rsc_id[el] = old
                continue
            new = self.unique(self.sanitise(old, el.tag))
            self.rsc_id[el] = new
            if len(carriers[old]) == 1:
                self.renamed[old] = new
                following = ", ".join(f"<{t} id={i!r}> {a}" for t, i, a in refs.get(old, []))
                self.note(
                    "id",
                    el,
                    f"id {old!r} -> {new!r}"
                    + (f"; references that follow it: {following}" if following else ""),
                    "Pacemaker 1.0 ids must be XML names (no ':' or leading digit)",
                )
            else:
                self.ambiguous.setdefault(old, []).append(new)
                self.note(
                    "id",
                    el,
                    f"duplicate resource id {old!r} -> {new!r}",
                    f"{len(carriers[old])} resources are called {old!r}; ids must be unique",
                )

    def keep_id(self, src: Any, out: Any, *, generate_from: str | None = None) -> None:
        """Copy (sanitised) or generate the id of OUT."""
        old = src.get("id")
        if src.tag in RESOURCES and old is not None and src in self.rsc_id:
            out.set("id", self.rsc_id[src])
            return
        if src.tag in VERBATIM_IDS and old is not None:
            out.set("id", old)
            return
        if old is None:
            base = generate_from or f"{self.owner_id(src)}-{src.tag}"
            out.set("id", self.unique(self.sanitise(base, src.tag)))
            return
        if self.in_status:
            out.set("id", old if _valid_id(old) else self.sanitise(old, src.tag))
            return
        if _valid_id(old) and self.owner.get(old, src) is src:
            self.used.add(old)
            self.owner[old] = src
            out.set("id", old)
            return
        new = self.unique(old if _valid_id(old) else self.sanitise(old, src.tag))
        if _valid_id(old):
            self.note("id", src, f"duplicate id {old!r} -> {new!r}", "ids must be unique")
        elif new != old:
            self.note("id", src, f"id {old!r} -> {new!r}", "Pacemaker 1.0 ids must be XML names")
        out.set("id", new)

    def owner_id(self, src: Any) -> str:
        el = src.getparent()
        while el is not None and isinstance(el.tag, str):
            if el in self.rsc_id:
                return self.rsc_id[el]
            ident = el.get("id")
            if ident:
                return self.renamed.get(ident, ident)
            el = el.getparent()
        return "cib"

    # -- attributes
    def attr(self, src: Any, out: Any, name: str, value: str) -> None:
        """The generic attribute rules of upgrade06 (renames, drops, score)."""
        tag = src.tag
        if name in DROPPED_ATTRS:
            self.note("drop-attribute", src, f"dropped {name}={value!r}", "CRM bookkeeping")
            return
        if name == "id":
            return
        if name == "provider" and src.get("class") != "ocf":
            self.note(
                "drop-attribute",
                src,
                f"dropped provider={value!r}",
                "only OCF resource agents have a provider",
            )
            return
        new_name, new_value, why = name, value, WHY_SCHEMA
        if name in DASHED_ATTRS:
            new_name = name.replace("_", "-")
        elif name == "prereq":
            new_name = "requires"
        elif name == "disabled":
            new_name = "enabled"
            new_value = "false" if _truthy(value) else "true"
            why = "'disabled' became the inverted 'enabled'"
        elif name == "action" and tag != "rsc_order":
            new_name = "rsc-action"
        elif name == "to_action" and tag != "rsc_order":
            new_name = "before-rsc-action"
        elif name == "score":
            new_value = normalise_score(value)
            why = "Pacemaker 1.0 scores are integers or [+-]INFINITY"
        elif name == "name" and tag != "nvpair":
            new_name, new_value = name, OPTION_NAMES.get(value, value)
        if (new_name, new_value) != (name, value):
            self.note("rename-attribute", src, f"{name}={value!r} -> {new_name}={new_value!r}", why)
        out.set(new_name, new_value)

    def attrs(self, src: Any, out: Any, skip: Iterable[str] = ()) -> None:
        skipped = set(skip)
        for name, value in src.attrib.items():
            if name not in skipped:
                self.attr(src, out, name, value)

    # -- generic
    def children(self, src: Any, out: Any) -> None:
        for child in src:
            self.node(child, out)

    def node(self, src: Any, parent: Any) -> None:
        """Convert one source node (element, comment, PI) and append it to PARENT."""
        if isinstance(src, etree._Comment):
            parent.append(etree.Comment(src.text))
            return
        if isinstance(src, etree._ProcessingInstruction):
            parent.append(etree.ProcessingInstruction(src.target, src.text or ""))
            return
        if isinstance(src, etree._Entity):
            raise ParseError(
                f"entity reference &{src.name}; is not expanded",
                line=src.sourceline or 1,
                expected="no entity references",
            )
        if not isinstance(src.tag, str):
            return
        handler = getattr(self, "el_" + src.tag.replace("-", "_"), None)
        # the last child before and after, not len(parent): lxml counts children one by
        # one, so a section of 20k resources was quadratic
        last = next(reversed(parent), None)
        self._dispatch(handler, src, parent)
        if next(reversed(parent), None) is not last:
            self.made[src] = last.getnext() if last is not None else parent[0]

    def _dispatch(self, handler: Any, src: Any, parent: Any) -> None:
        if handler is not None:
            handler(src, parent)
        elif src.tag in SETS:
            self.nvset(src, parent)
        elif src.tag in PLAIN:
            out = etree.SubElement(parent, src.tag, dict(src.attrib))
            self.children(src, out)
        else:
            self.generic(src, parent)

    def generic(self, src: Any, parent: Any, tag: str | None = None) -> Any:
        out = etree.SubElement(parent, tag or src.tag)
        self.keep_id(src, out)
        self.attrs(src, out)
        if src.text and src.text.strip():
            out.text = src.text
        self.children(src, out)
        return out

    # -- the document element
    def el_cib(self, src: Any, parent: Any) -> None:
        out = etree.SubElement(parent, "cib")
        get = src.get
        if get("crm_feature_set"):
            out.set("crm_feature_set", get("crm_feature_set"))
        for name in ("admin_epoch", "epoch", "num_updates"):
            if get(name) is None:  # upgrade06 writes "", which the 1.0 schema refuses
                self.note("add-attribute", src, f"{name}='0'", "the 1.0 schema requires it")
            out.set(name, get(name) or "0")
        for new, old, default in (
            ("dc-uuid", "dc_uuid", "0"),
            ("have-quorum", "have_quorum", "false"),
            ("remote-tls-port", "remote_access_port", "0"),
        ):
            value = get(new) or get(old) or default
            out.set(new, value)
            if get(new) is None and get(old) is not None:
                self.note("rename-attribute", src, f"{old} -> {new}", WHY_SCHEMA)
        kept = {"crm_feature_set", "admin_epoch", "epoch", "num_updates", "validate-with"}
        kept |= {"dc-uuid", "dc_uuid", "have-quorum", "have_quorum"}
        kept |= {"remote-tls-port", "remote_access_port"}
        for name, value in src.attrib.items():
            if name not in kept:
                self.note(
                    "drop-attribute",
                    src,
                    f"dropped {name}={value!r}",
                    "not a Pacemaker 1.0 <cib> attribute",
                )
        if get("validate-with") != "pacemaker-1.0":
            self.note(
                "set-attribute",
                src,
                'validate-with="pacemaker-1.0"',
                "tells Pacemaker which schema the CIB follows",
            )
        out.set("validate-with", "pacemaker-1.0")
        configuration = src.find("configuration")
        if configuration is not None:
            self.reserve(configuration)
        for child in src:
            self.in_status = getattr(child, "tag", None) == "status"
            if self.in_status and self.drop_status:
                etree.SubElement(out, "status")
                self.note(
                    "drop-status",
                    child,
                    "heartbeat-era status section left out (an empty <status/> is written)",
                    "--drop-status: the cluster rebuilds the status from its nodes; the old "
                    "history (0.6 operation records) is what Pacemaker 2 complains about",
                )
            else:
                self.node(child, out)
            self.in_status = False
        self.repair_skeleton(src, out)
        conf_out = out.find("configuration")
        if conf_out is not None:
            self.stonith_default(src, conf_out)
            if self.pacemaker11:
                Pacemaker11(self).apply(conf_out)

    def repair_skeleton(self, src: Any, out: Any) -> None:
        """Add the sections pacemaker-1.0.rng requires and a 0.6 CIB may lack (named repairs).

        crm.dtd: ``<!ELEMENT cib (configuration, status)>`` and a configuration of all four
        sections; an empty ``<status/>`` is what the cluster fills in itself.
        """
        if self.fragment:
            return
        conf = out.find("configuration")
        if conf is None:
            conf = etree.Element("configuration")
            status = out.find("status")
            if status is not None:
                status.addprevious(conf)
            else:
                out.append(conf)
            self.note("repair", src, "added an empty <configuration>", "required by the schema")
        for n, name in enumerate(("crm_config", "nodes", "resources", "constraints")):
            if conf.find(name) is None:
                el = etree.Element(name)
                later = [conf.find(x) for x in ("nodes", "resources", "constraints")[n:]]
                later = [x for x in later if x is not None]
                if later:
                    later[0].addprevious(el)
                else:
                    conf.append(el)
                self.note("repair", src, f"added an empty <{name}>", "required by the schema")
        if out.find("status") is None:
            etree.SubElement(out, "status")
            self.note(
                "repair",
                src,
                "added an empty <status/>",
                "crm.dtd and pacemaker-1.0.rng require it; the cluster fills it in",
            )

    def el_crm_config(self, src: Any, parent: Any) -> None:
        """Bare nvpairs straight in crm_config (2005-era CIBs) go into a property set."""
        out = etree.SubElement(parent, "crm_config", dict(src.attrib))
        bare: Any = None
        for child in src:
            if getattr(child, "tag", None) == "nvpair":
                if bare is None:
                    bare = etree.SubElement(out, "cluster_property_set")
                    bare.set("id", self.unique("cib-bootstrap-options"))
                    self.note(
                        "repair",
                        child,
                        f"bare nvpairs put into <cluster_property_set id={bare.get('id')!r}>",
                        "pacemaker-1.0.rng allows options only inside a cluster_property_set",
                    )
                self.nvpair(child, bare, "cluster_property_set")
            else:
                self.node(child, out)

    def stonith_default(self, src: Any, conf: Any) -> None:
        """heartbeat 2 did not fence unless told to; Pacemaker 1.0 fences by default.

        The safe default is kept (no ``stonith-enabled=false`` is ever added): the change
        is reported so that the administrator configures a STONITH device, or turns
        fencing off knowingly.
        """
        if self.fragment:
            return
        for nv in conf.iter("nvpair"):
            if nv.get("name") == "stonith-enabled" and nv.getparent().tag in (
                "cluster_property_set",
                "crm_config",
            ):
                return
        devices = [p for p in conf.iter("primitive") if p.get("class") == "stonith"]
        self.note(
            "safety",
            src,
            "stonith-enabled is not set: heartbeat 2 did not fence by default, Pacemaker 1.0 "
            "does; left at Pacemaker's default (true), nothing added"
            + ("" if devices else "; this CIB has no STONITH device"),
            "fencing protects shared data; Pacemaker will not start resources without a "
            "STONITH device: configure one (or set stonith-enabled=false yourself)",
        )

    # -- attribute sets
    def nvset(self, src: Any, parent: Any) -> None:
        out = etree.SubElement(parent, src.tag)
        if src.tag == "cluster_property_set":
            self.keep_id(src, out)
        else:
            owner = parent if parent.get("id") else None
            base = f"{owner.get('id') if owner is not None else self.owner_id(src)}-{src.tag}"
            out.set("id", self.unique(self.sanitise(base, src.tag)))
        self.attrs(src, out)
        rules: list[Any] = []
        for child in src:
            if isinstance(child, etree._Comment):
                out.append(etree.Comment(child.text))
            elif child.tag == "attributes":
                self.note(
                    "unwrap", child, "<attributes> wrapper removed", "nvpairs sit in the set in 1.0"
                )
                for inner in child.iter():
                    if inner is child:
                        continue
                    if isinstance(inner, etree._Comment):
                        out.append(etree.Comment(inner.text))
                    elif inner.tag == "nvpair" and inner not in self.moved:
                        self.nvpair(inner, out, src.tag)
            elif child.tag == "nvpair":
                if child not in self.moved:
                    self.nvpair(child, out, src.tag)
            elif child.tag == "rule":
                rules.append(child)
            elif isinstance(child.tag, str):
                self.note("drop-element", child, f"dropped <{child.tag}>", "not allowed in a set")
        for n, rule in enumerate(rules):
            if n == 1:
                self.note(
                    "warning",
                    rule,
                    "more than one <rule> in one attribute set",
                    "Pacemaker 1.0 allows one rule per set: split the set by hand",
                )
            self.node(rule, out)
        moved = [nv for nv in src.iter("nvpair") if nv in self.moved]
        if moved and len(out) == 0 and not rules:
            parent.remove(out)  # everything in it was a resource option, now a meta attribute
            self.note(
                "drop-element",
                src,
                "instance set left empty by the moves to meta removed",
                "its nvpairs were resource options, which Pacemaker 1.0 reads as meta attributes",
            )

    def nvpair(self, src: Any, out_set: Any, kind: str) -> Any | None:
        name = src.get("name", "")
        meta = kind == "meta_attributes"
        if meta:
            new = name.replace("_", "-")
        elif kind == "cluster_property_set":
            new = option_name(name)
            if new != name and new == name.replace("_", "-") and new in self.dashed(src):
                self.note(
                    "warning",
                    src,
                    f"{name}={src.get('value')!r} dropped: this CIB also sets {new}",
                    f"the CRM reads {new} and its old name only when {new} is unset "
                    "(cluster_option in heartbeat 2's and Pacemaker 1.0's lib/crm/common/utils.c); "
                    "both renamed, the first would win",
                )
                return None
        else:
            new = OPTION_NAMES.get(name, name)
        if new != name:
            why = (
                "meta attributes are spelled with dashes in 1.0"
                if kind == "meta_attributes"
                else "renamed cluster option"
            )
            self.note("rename-option", src, f"{name} -> {new}", why)
        nv = etree.SubElement(out_set, "nvpair")
        nv.set("id", self.unique(self.sanitise(f"{out_set.get('id')}-{new}", "nvpair")))
        nv.set("name", new)
        if src.get("value") is not None:
            nv.set("value", src.get("value"))
        for extra in set(src.attrib) - {"id", "name", "value"}:
            self.note("drop-attribute", src, f"dropped {extra}", "nvpairs have id/name/value only")
        self.made[src] = nv  # renamed: a later step finds its source line through this
        return nv

    def dashed(self, src: Any) -> set[str]:
        """The option names written with dashes in the set of the nvpair ``src`` and, for
        a set without a rule, in every other set without one (a rule's set applies only
        when its rule does)."""
        own = next((a for a in src.iterancestors("cluster_property_set")), None)
        if own is None:
            return set()
        key = own if own.find("rule") is not None else None
        if key not in self._dashed:
            root = src.getroottree().getroot()
            sets = [own] if key is not None else [
                s for s in root.iter("cluster_property_set") if s.find("rule") is None
            ]  # fmt: skip
            self._dashed[key] = {str(nv.get("name")) for s in sets for nv in s.iter("nvpair")}
        return self._dashed[key]

    def loose(self, src: Any, parent: Any) -> None:
        """A snippet outside any CIB context: a lone nvpair keeps its id (it names the
        nvpair to modify) and a heartbeat resource option becomes its 1.0 meta spelling."""
        if src.tag == "attributes":
            for nv in src.iter("nvpair"):
                self.loose(nv, parent)
            return
        if src.tag != "nvpair":
            self.node(src, parent)
            return
        name = src.get("name", "")
        if name in META_NAMES:
            new = name.replace("_", "-")
            why = "a resource option: Pacemaker 1.0 reads it as a meta attribute with dashes"
        else:
            new = OPTION_NAMES.get(name, name)
            why = "renamed cluster option"
        out = etree.SubElement(parent, "nvpair")
        self.keep_id(src, out)
        out.set("name", new)
        if src.get("value") is not None:
            out.set("value", src.get("value"))
        if new != name:
            self.note("rename-option", src, f"{name} -> {new}", why)
        self.made[src] = out


def _references(configuration: Any) -> dict[str, list[tuple[str, str, str]]]:
    """Resource id -> the constraints naming it: (tag, constraint id, attribute)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for el in configuration.iter("rsc_order", "rsc_colocation", "rsc_location"):
        for attr in ("from", "to", "rsc"):
            value = el.get(attr)
            if value is not None:
                out.setdefault(value, []).append((el.tag, el.get("id", ""), attr))
    return out


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "y", "1", "on", "t")
