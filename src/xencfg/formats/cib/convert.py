"""heartbeat v2 (CIB schema pacemaker-0.6) -> Pacemaker 1.0 conversion.

Does what Pacemaker 1.0's ``upgrade06.xsl`` (``cibadmin --upgrade``) does, rule for rule,
but fixes its known bugs (``disabled="yes"`` became ``enabled="true"``, nvpairs outside
``<attributes>`` vanished, option names matched by substring, references to renamed ids
dangled, comments were lost) and reports every rewrite as a :class:`Change` so that an
administrator can review what happened before loading the result.

Fragments (a lone ``primitive``, ``rsc_order``, a ``<resources>`` wrapper ...) are wrapped
into a minimal CIB, converted, and handed back in fragment form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
from lxml import etree

from xencfg.errors import ParseError, caret_snippet
from xencfg.formats.cib import schema as _schema

__all__ = ["Change", "Conversion", "convert"]

# ----------------------------------------------------------------- records


@attrs.frozen
class Change:
    """One rewrite: what kind, on which element (tag, id, source line), and why."""

    kind: str
    element: str
    id: str | None
    line: int | None
    what: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def __str__(self) -> str:
        line = f"line {self.line}: " if self.line else ""
        return f"{line}{self.describe()}"

    def describe(self) -> str:
        """The rewrite without its line: ``<tag id='x'> what (why)``."""
        where = f"<{self.element}{' id=' + repr(self.id) if self.id else ''}>"
        return f"{where} {self.what} ({self.why})"

    def located(self, path: str) -> str:
        """``path:line: kind: ...``, the way every xencfg report names a place."""
        return f"{path}:{self.line or 0}: {self.kind}: {self.describe()}"


@attrs.frozen
class Conversion:
    """The converted XML text plus the list of rewrites that made it."""

    text: str
    changes: list[Change]
    fragment: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "fragment": self.fragment,
            "changes": [c.to_dict() for c in self.changes],
            "text": self.text,
        }


# ----------------------------------------------------------------- tables

#: attributes Pacemaker 1.0 spells with dashes (upgrade06.xsl's explicit list)
DASHED_ATTRS = frozenset(
    {
        "boolean_op",
        "on_fail",
        "have_quorum",
        "dc_uuid",
        "op_status",
        "transition_magic",
        "call_id",
        "rc_code",
        "op_digest",
        "transition_key",
        "op_restart_digest",
        "op_force_restart",
        "score_attribute",
        "score_attribute_mangled",
        "start_delay",
        "node_attribute",
    }
)

#: bookkeeping attributes the CRM wrote and Pacemaker 1.0 no longer accepts
DROPPED_ATTRS = frozenset(
    {
        "generated",
        "ccm_transition",
        "num_peers",
        "cib_last_written",
        "ignore_dtd",
        "cib_feature_revision",
        "crm-debug-origin",
    }
)

#: cluster option names Pacemaker 1.0 renamed (matched exactly, not by substring)
OPTION_NAMES = {
    "default_resource_stickiness": "default-resource-stickiness",
    "no_quorum_policy": "no-quorum-policy",
    "transition_idle_timeout": "cluster-delay",
    "symmetric_cluster": "symmetric-cluster",
    "stonith_enabled": "stonith-enabled",
    "stonith_action": "stonith-action",
    "is_managed_default": "is-managed-default",
    "stop_orphan_resources": "stop-orphan-resources",
    "stop_orphan_actions": "stop-orphan-actions",
    "remove_after_stop": "remove-after-stop",
}

#: instance attributes heartbeat also read as meta attributes; copied into the meta set
META_COPIES = (
    "resource_stickiness",
    "allow_migrate",
    "globally_unique",
    "target_role",
    "clone_max",
    "clone_node_max",
    "master_max",
    "master_node_max",
)

#: containers copied with their attributes and no generated id
PLAIN = frozenset(
    {"configuration", "crm_config", "nodes", "resources", "constraints", "operations", "status"}
)
SETS = frozenset({"cluster_property_set", "instance_attributes", "meta_attributes"})
RESOURCES = frozenset({"primitive", "group", "clone", "master_slave"})
#: ids that name real things outside the CIB (node uuids, LRM resource names): kept verbatim
VERBATIM_IDS = frozenset({"node", "node_state", "lrm_resource"})
#: attributes that refer to a resource id
REFS = frozenset({"rsc", "from", "to", "with-rsc", "first", "then"})
ROLES = {"stopped": "Stopped", "started": "Started", "master": "Master", "slave": "Slave"}

#: fragment root tag -> the CIB section it is loaded into (cibadmin -C -o SECTION);
#: the converter also takes status fragments, which validation does not
SECTION_OF = {**_schema.SECTION_OF, "node_state": "status"}
#: pieces of a resource or set that administrators keep as snippets to apply with ``cibadmin -M``
LOOSE = frozenset(
    {
        "nvpair",
        "op",
        "operations",
        "instance_attributes",
        "meta_attributes",
        "attributes",
        "rule",
        "expression",
        "date_expression",
    }
)
#: heartbeat resource options, which 1.0 reads as meta attributes spelled with dashes
META_NAMES = frozenset(
    {
        "is_managed",
        "multiple_active",
        "restart_type",
        "resource_failure_stickiness",
        "priority",
        "notify",
        "ordered",
        "interleave",
        "collocated",
        *META_COPIES,
    }
)
SECTIONS = ("crm_config", "nodes", "resources", "constraints", "rsc_defaults", "op_defaults")

_NCNAME_BAD = re.compile(r"[^\w.\-]", re.UNICODE)
_NCNAME = re.compile(r"[^\W\d][\w.\-]*\Z", re.UNICODE)
_XML_DECL = re.compile(r"\A(\ufeff?)(<\?xml[^>]*\?>)")

WHY_SCHEMA = "Pacemaker 1.0 schema spelling"


def _parser() -> etree.XMLParser:
    # lxml.etree.XMLParser has no stub for these keywords in every lxml-stubs version
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=False
    )


def _valid_id(value: str) -> bool:
    return bool(_NCNAME.match(value)) and ":" not in value


def normalise_score(value: str) -> str:
    """A 0.6 score as Pacemaker 1.0 spells it: integers only, INFINITY upper-case."""
    if "." in value:
        head = value.split(".", 1)[0]
        return head if head not in ("", "-", "+") else head + "0"
    return value.upper()


# ----------------------------------------------------------------- parsing


def _parse_error(exc: etree.XMLSyntaxError, text: str, path: str | None, shift: int) -> ParseError:
    line, column = exc.position if exc.position else (1, 1)
    line = max(line, 1)
    if line == 1:
        column = max(1, column - shift)
    snippet = caret_snippet(text, line, column)  # masks a password on the line
    message = (exc.msg or "malformed XML").strip()
    message = re.sub(r",? line \d+, column \d+$", "", message)
    return ParseError(
        message, path=path, line=line, column=column, snippet=snippet, expected="well-formed XML"
    )


def parse_roots(text: str, path: str | None = None) -> tuple[list[Any], bool]:
    """The top-level nodes of TEXT and whether it is one whole document.

    A file with several top-level elements (or none with a ``<cib>``) is a fragment list:
    it is parsed inside a throw-away wrapper element on the same line, so error positions
    still name the file's own lines.
    """
    data = text
    try:
        root = etree.fromstring(data.encode("utf-8", "surrogateescape"), _parser())
        if root is None:
            raise ParseError("empty document", path=path)
        nodes = [root]
        prev = root.getprevious()
        while prev is not None:
            nodes.insert(0, prev)
            prev = prev.getprevious()
        nxt = root.getnext()
        while nxt is not None:
            nodes.append(nxt)
            nxt = nxt.getnext()
        return nodes, True
    except etree.XMLSyntaxError as first:
        blanked = _XML_DECL.sub(lambda m: m.group(1) + " " * len(m.group(2)), data)
        opener = "<xencfg-fragments>"
        try:
            wrapper = etree.fromstring(
                (opener + blanked.rstrip() + "</xencfg-fragments>").encode(
                    "utf-8", "surrogateescape"
                ),
                _parser(),
            )
        except etree.XMLSyntaxError as second:
            exc = second if "Extra content" in str(first) or "Premature" in str(first) else first
            shift = len(opener) if exc is second else 0
            raise _parse_error(exc, text, path, shift) from None
        except ValueError as err:
            raise ParseError(str(err), path=path) from None
        return list(wrapper), False
    except ValueError as err:  # e.g. unicode strings with an encoding declaration
        raise ParseError(str(err), path=path) from None


# ----------------------------------------------------------------- converter


class _Converter:
    def __init__(self, *, fragment: bool, pacemaker11: bool) -> None:
        self.fragment = fragment
        self.pacemaker11 = pacemaker11
        self.changes: list[Change] = []
        self.used: set[str] = set()
        self._next_suffix: dict[str, int] = {}
        self.renamed: dict[str, str] = {}
        self.in_status = False
        self.made: dict[Any, Any] = {}
        self.resource_ids: set[str] = set()
        self.clone_ids: set[str] = set()
        self.added: list[Any] = []

    # -- reporting
    def note(self, kind: str, src: Any, what: str, why: str) -> None:
        ident = src.get("id") if src is not None and isinstance(src.tag, str) else None
        tag = src.tag if src is not None and isinstance(src.tag, str) else "cib"
        line = src.sourceline if src is not None else None
        self.changes.append(Change(kind, tag, ident, line, what, why))

    # -- ids
    def unique(self, candidate: str) -> str:
        if self.in_status:
            return candidate
        # start where the last search for this candidate stopped: 20k repeats of one
        # id were quadratic (over 60 s) when every search started again at -2
        n = self._next_suffix.get(candidate, 1)
        new = candidate if n == 1 else f"{candidate}-{n}"
        while new in self.used:
            n += 1
            new = f"{candidate}-{n}"
        self._next_suffix[candidate] = n
        self.used.add(new)
        return new

    def sanitise(self, value: str, tag: str) -> str:
        new = _NCNAME_BAD.sub("-", value.replace(":", "-"))
        if not new or not (new[0].isalpha() or new[0] == "_"):
            new = f"{tag}-{new}"
        return new

    def reserve(self, configuration: Any) -> None:
        """Fix the ids of resources first: constraints refer to them, so a renamed
        resource is renamed in every reference too (upgrade06 left them dangling)."""
        for el in configuration.iter("primitive", "group", "clone", "master_slave"):
            old = el.get("id")
            if old is None:
                continue
            self.resource_ids.add(old)
            if el.tag in ("clone", "master_slave") or any(
                a.tag in ("clone", "master_slave") for a in el.iterancestors()
            ):
                self.clone_ids.add(old)  # its instances are called id:N
            new = old if _valid_id(old) else self.sanitise(old, el.tag)
            if new in self.used:
                new = self.unique(new)
            self.used.add(new)
            if new != old:
                self.renamed[old] = new
                self.note(
                    "id",
                    el,
                    f"id {old!r} -> {new!r} (references rewritten too)",
                    "Pacemaker 1.0 ids must be XML names (no ':' or leading digit)",
                )

    def keep_id(self, src: Any, out: Any, *, generate_from: str | None = None) -> None:
        """Copy (sanitised) or generate the id of OUT."""
        old = src.get("id")
        if src.tag in RESOURCES and old is not None:
            out.set("id", self.renamed.get(old, old))
            return
        if src.tag in VERBATIM_IDS and old is not None:
            out.set("id", old)
            return
        if old is None:
            base = generate_from or f"{self.owner_id(src)}-{src.tag}"
            out.set("id", self.unique(self.sanitise(base, src.tag)))
            return
        new = old if _valid_id(old) else self.sanitise(old, src.tag)
        if not self.in_status and new in self.used:
            new = self.unique(new)
            self.note("id", src, f"duplicate id {old!r} -> {new!r}", "ids must be unique")
        elif new != old:
            self.note("id", src, f"id {old!r} -> {new!r}", "Pacemaker 1.0 ids must be XML names")
        self.used.add(new)
        out.set("id", new)

    def owner_id(self, src: Any) -> str:
        el = src.getparent()
        while el is not None and isinstance(el.tag, str):
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
            self.node(child, out)
            self.in_status = False
        conf_out = out.find("configuration")
        if conf_out is not None:
            self.stonith_default(src, conf_out)
            if self.pacemaker11:
                Pacemaker11(self).apply(conf_out)

    def stonith_default(self, src: Any, conf: Any) -> None:
        """0.6 ran without STONITH unless told otherwise; 1.0 defaults to fencing."""
        if self.fragment:
            return
        for nv in conf.iter("nvpair"):
            if nv.get("name") == "stonith-enabled":
                return
        for nv in src.iter("nvpair"):  # upgrade06 looks anywhere in the document
            if nv.get("name") in ("stonith-enabled", "stonith_enabled"):
                return
        crm = conf.find("crm_config")
        if crm is None:
            crm = etree.Element("crm_config")
            conf.insert(0, crm)
        sid = self.unique("cib-bootstrap-options")
        cps = etree.SubElement(crm, "cluster_property_set", id=sid)
        etree.SubElement(
            cps, "nvpair", id=self.unique(f"{sid}-stonith-enabled"), name="stonith-enabled"
        ).set("value", "false")
        self.note(
            "add-option",
            src,
            'added cluster option stonith-enabled="false"',
            "heartbeat 2 did not fence unless told to; Pacemaker 1.0 fences by default "
            "and refuses to start resources without a STONITH device",
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
                    elif inner.tag == "nvpair":
                        self.nvpair(inner, out, src.tag)
            elif child.tag == "nvpair":
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

    def nvpair(self, src: Any, out_set: Any, kind: str) -> Any:
        name = src.get("name", "")
        meta = kind == "meta_attributes"
        new = name.replace("_", "-") if meta else OPTION_NAMES.get(name, name)
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
        return nv

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
        keep = src.tag in ("primitive", "group")
        for name in META_COPIES:
            for nv in copies.get(name, []):
                new = name.replace("_", "-")
                if new in seen:
                    self.note(
                        "warning",
                        nv,
                        f"instance attribute {name}={nv.get('value')!r} not copied to meta",
                        f"{new} is already set for this resource (the first setting wins)",
                    )
                    continue
                self._meta(meta, new, nv.get("value", ""), seen)
                self.note(
                    "copy-to-meta" if keep else "move-to-meta",
                    nv,
                    f"instance attribute {name} -> meta attribute {new}",
                    "Pacemaker 1.0 reads resource options from meta attributes only",
                )
        return out

    def _meta(self, meta: Any, name: str, value: str, seen: set[str]) -> None:
        seen.add(name)
        nv = etree.SubElement(meta, "nvpair")
        nv.set("id", self.unique(self.sanitise(f"{meta.get('id')}-{name}", "nvpair")))
        nv.set("name", name)
        nv.set("value", value)

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
                    if nv.get("name") not in META_COPIES:
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
    def ref(self, src: Any, value: str) -> str:
        return self.renamed.get(value, value)

    def unrepresentable(self, src: Any) -> str | None:
        """Why constraint SRC cannot be written in 1.0 (an instance or a pseudo action)."""
        for name in ("from", "to", "rsc"):
            value = src.get(name)
            if value and value not in self.resource_ids and ":" in value:
                base = value.rsplit(":", 1)[0]
                if base in self.clone_ids:
                    return f"{name}={value!r} names one instance of the cloned {base!r}"
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
            "Pacemaker 1.0 constraints can name whole resources and start/stop/promote/demote "
            "only; rewrite it by hand",
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
        if get("type") == "before":
            if get("action") is not None:
                out.set("first-action", get("action"))
            if first is not None:
                out.set("first", self.ref(src, first))
            if then is not None:
                out.set("then", self.ref(src, then))
            if get("to_action") is not None:
                out.set("then-action", get("to_action"))
            what = f"from={first!r} before to={then!r} -> first={first!r} then={then!r}"
        elif first is not None or then is not None:
            if then is not None:
                out.set("first", self.ref(src, then))
            if first is not None:
                out.set("then", self.ref(src, first))
            out.set("then-action", get("action") or "start")
            out.set("first-action", get("to_action") or get("action") or "start")
            what = f"from={first!r} after to={then!r} -> first={then!r} then={first!r}"
        else:
            what = ""
        if what:
            self.note(
                "order",
                src,
                what,
                "1.0 orders name the first and the then resource; 0.6 'from' ran after 'to'",
            )
        self.attrs(src, out, skip=("from", "to", "action", "to_action", "type"))
        self.constraint_children(src, out)

    def el_rsc_colocation(self, src: Any, parent: Any) -> None:
        out = self.start_constraint(src, parent, "rsc_colocation")
        if out is None:
            return
        get = src.get
        if get("from") is not None:
            out.set("rsc", self.ref(src, get("from")))
        if get("to") is not None:
            out.set("with-rsc", self.ref(src, get("to")))
        if get("from") is not None or get("to") is not None:
            self.note(
                "colocation",
                src,
                f"from={get('from')!r} to={get('to')!r} -> rsc, with-rsc",
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


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "y", "1", "on", "t")


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -").rstrip("-")


# ----------------------------------------------------------------- 1.0 -> 1.1


class Pacemaker11:
    """Move the deprecated ``default_*`` cluster options where Pacemaker 1.1 reads them."""

    def __init__(self, conv: _Converter) -> None:
        self.conv = conv

    def apply(self, conf: Any) -> None:
        crm = conf.find("crm_config")
        if crm is None:
            return
        found: dict[str, tuple[Any, str]] = {}
        emptied: list[Any] = []
        for cps in crm.findall("cluster_property_set"):
            if cps.find("rule") is not None:
                continue
            for nv in list(cps.findall("nvpair")):
                key = nv.get("name", "").replace("_", "-")
                if key in (
                    "default-resource-stickiness",
                    "default-resource-failure-stickiness",
                    "is-managed-default",
                    "default-action-timeout",
                ):
                    found.setdefault(key, (nv, nv.get("value", "")))
                    cps.remove(nv)
                    emptied.append(cps)
        if not found:
            return
        rsc: list[tuple[str, str]] = []
        ops: list[tuple[str, str]] = []
        stick = found.get("default-resource-stickiness")
        if stick:
            rsc.append(("resource-stickiness", stick[1]))
        if "is-managed-default" in found:
            rsc.append(("is-managed", found["is-managed-default"][1]))
        if "default-action-timeout" in found:
            ops.append(("timeout", found["default-action-timeout"][1]))
        fail = found.get("default-resource-failure-stickiness")
        if fail:
            threshold = migration_threshold(stick[1] if stick else "0", fail[1])
            if threshold is not None:
                rsc.append(("migration-threshold", threshold))
            self.conv.changes.append(
                Change(
                    "pacemaker-1.1",
                    "nvpair",
                    None,
                    None,
                    f"default-resource-failure-stickiness={fail[1]!r} -> "
                    + (f"migration-threshold={threshold!r}" if threshold else "(dropped)"),
                    "1.1 counts failures instead of subtracting a score per failure: a resource "
                    "now leaves a node after migration-threshold failures there (computed as "
                    "the number of failures that used to outweigh its stickiness)",
                )
            )
        for section, pairs in (("rsc_defaults", rsc), ("op_defaults", ops)):
            if not pairs:
                continue
            el = conf.find(section)
            if el is None:
                el = etree.Element(section)
                self.conv.added.append(el)
                crm.addnext(el) if section == "rsc_defaults" or conf.find(
                    "rsc_defaults"
                ) is None else conf.find("rsc_defaults").addnext(el)
            meta = etree.SubElement(
                el,
                "meta_attributes",
                id=self.conv.unique("rsc-options" if section == "rsc_defaults" else "op-options"),
            )
            for name, value in pairs:
                etree.SubElement(
                    meta, "nvpair", id=self.conv.unique(f"{meta.get('id')}-{name}"), name=name
                ).set("value", value)
                if name != "migration-threshold":
                    self.conv.changes.append(
                        Change(
                            "pacemaker-1.1",
                            "nvpair",
                            None,
                            None,
                            f"cluster option -> {section} {name}={value!r}",
                            "Pacemaker 1.1 ignores the deprecated default_* cluster options",
                        )
                    )
        for cps in emptied:
            if len(cps) == 0 and cps.getparent() is crm:  # all moved: an empty set confuses
                crm.remove(cps)


def migration_threshold(stickiness: str, failure: str) -> str | None:
    """Failures after which a resource used to move: stickiness / -failure_stickiness."""
    fail = normalise_score(failure)
    stick = normalise_score(stickiness)
    if fail == "-INFINITY":
        return "1"
    try:
        f = int(fail)
    except ValueError:
        return None
    if f >= 0:
        return None
    if stick in ("INFINITY", "+INFINITY"):
        return None
    try:
        s = max(int(stick), 0)
    except ValueError:
        s = 0
    return str(s // -f + 1)


# ----------------------------------------------------------------- driver


def _wrap(roots: list[Any]) -> tuple[Any, list[Any]]:
    """A minimal 0.6 CIB holding the fragment ROOTS; returns (cib, placed roots)."""
    cib = etree.Element("cib", admin_epoch="0", epoch="0", num_updates="0")
    conf = etree.SubElement(cib, "configuration")
    for name in ("crm_config", "nodes", "resources", "constraints"):
        etree.SubElement(conf, name)
    status = etree.SubElement(cib, "status")
    placed = []
    for node in roots:
        if not isinstance(node.tag, str):
            continue
        tag = node.tag
        if tag == "configuration":
            cib.replace(conf, node)
            conf = node
        elif tag == "status":
            cib.replace(status, node)
            status = node
        elif tag in SECTIONS:
            old = conf.find(tag)
            if old is not None:
                conf.replace(old, node)
            else:
                conf.append(node)
        elif tag in LOOSE:
            pass  # converted on its own, see _Converter.loose
        elif tag in SECTION_OF:
            section = SECTION_OF[tag]
            target = status if section == "status" else conf.find(section)
            assert target is not None, f"the skeleton has a <{section}>"
            target.append(node)
        else:
            raise ParseError(
                f"cannot place a <{tag}> fragment into a CIB",
                line=node.sourceline or 1,
                expected="a <cib>, a section or one of " + ", ".join(sorted(SECTION_OF)),
            )
        placed.append(node)
    return cib, placed


def _render(nodes: Iterator[Any] | list[Any]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node.tag, str):
            etree.indent(node, space="  ")
        parts.append(etree.tostring(node, encoding="unicode", with_tail=False))
    return "\n".join(parts) + "\n"


def convert(text: str, *, path: str | None = None, pacemaker11: bool = False) -> Conversion:
    """Convert a heartbeat v2 CIB (or fragment) to Pacemaker 1.0.

    Raises :class:`xencfg.ParseError` for malformed XML. Never anything but XencfgError.
    """
    try:
        from .xmltext import check_doctype

        check_doctype(text, path)  # the same refusal as every other CIB read
        return _convert(text, path=path, pacemaker11=pacemaker11)
    except ParseError as err:
        if err.path is None and path is not None:
            err.path = path
            err.args = (str(err),)
        raise


def _convert(text: str, *, path: str | None, pacemaker11: bool) -> Conversion:
    nodes, _whole = parse_roots(text, path)
    elements = [n for n in nodes if isinstance(n.tag, str)]
    is_cib = len(elements) == 1 and elements[0].tag == "cib"
    conv = _Converter(fragment=not is_cib, pacemaker11=pacemaker11)
    if not elements:
        raise ParseError("no XML element found", path=path, expected="a CIB or a CIB fragment")
    if is_cib and elements[0].get("validate-with", "").startswith("pacemaker-1"):
        return _already_10(text, elements[0], conv)
    if is_cib:
        holder = etree.Element("holder")
        for node in nodes:
            conv.node(node, holder)
        body = _render(list(holder))
        decl = _XML_DECL.match(text.lstrip("\ufeff"))
        out = ('<?xml version="1.0" encoding="UTF-8"?>\n' if decl else "") + body
        return Conversion(out, conv.changes, fragment=False)
    cib, _placed = _wrap(elements)
    holder = etree.Element("holder")
    conv.node(cib, holder)
    new_cib = holder[0]
    out_nodes: list[Any] = []
    loose = etree.Element("holder")
    for node in nodes:
        if isinstance(node.tag, str) and node.tag in LOOSE:
            conv.loose(node, loose)
    for node in nodes:
        if isinstance(node, etree._Comment):
            out_nodes.append(etree.Comment(node.text))
        elif node in conv.made:
            out_nodes.append(conv.made[node])
    out_nodes.extend(conv.added)  # rsc_defaults/op_defaults made by the 1.1 step
    del new_cib
    body = _render(out_nodes)
    # rewrites of the throw-away skeleton (no source line) are not the user's business
    changes = [c for c in conv.changes if c.line is not None or c.kind == "pacemaker-1.1"]
    return Conversion(body, changes, fragment=True)


def _already_10(text: str, cib: Any, conv: _Converter) -> Conversion:
    """A CIB that already says pacemaker-1.x is left alone (only the optional 1.1 step)."""
    conf = cib.find("configuration")
    if not conv.pacemaker11 or conf is None:
        return Conversion(text, [])
    conv.used = {str(e.get("id")) for e in cib.iter() if isinstance(e.tag, str) and e.get("id")}
    Pacemaker11(conv).apply(conf)
    if not conv.changes:
        return Conversion(text, [])
    return Conversion(_render([cib]), conv.changes)
