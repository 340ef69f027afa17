"""heartbeat v2 (CIB schema pacemaker-0.6) -> Pacemaker 1.0 conversion.

Does what Pacemaker 1.0's ``upgrade06.xsl`` (``cibadmin --upgrade``) does, rule for rule,
but fixes its known bugs (``disabled="yes"`` became ``enabled="true"``, nvpairs outside
``<attributes>`` vanished, option names matched by substring, references to renamed ids
dangled, comments were lost) and reports every rewrite as a :class:`Change` so that an
administrator can review what happened before loading the result.

Fragments (a lone ``primitive``, ``rsc_order``, a ``<resources>`` wrapper ...) are wrapped
into a minimal CIB, converted, and handed back in fragment form.

What it must never do (issue 18): touch a CIB newer than heartbeat 2 (``pacemaker-1.x`` is
returned as it is, anything newer refused), turn fencing off, change what heartbeat 2 meant
where Pacemaker changed a default (``globally-unique``), or hand out a CIB that
pacemaker-1.0.rng refuses (it is checked; :class:`InvalidOutput`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from xencfg._lazy import etree
from xencfg.errors import ParseError, XencfgError, caret_snippet
from xencfg.formats.cib import options as _options
from xencfg.formats.cib import schema as _schema
from xencfg.formats.cib.values import canon_name

__all__ = ["Change", "Conversion", "ConversionRefused", "InvalidOutput", "convert"]

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


class ConversionRefused(XencfgError):
    """The input is not a heartbeat-2 CIB this converter may touch (``pacemaker-2.x`` ...).

    Converting a newer CIB down to ``pacemaker-1.0`` would drop what 1.0 cannot say and
    reset defaults (fencing among them), so it is refused, never attempted.
    """


class InvalidOutput(XencfgError):
    """The converted CIB does not satisfy pacemaker-1.0.rng; it is not handed out as valid.

    ``errors`` are the schema's messages (``line N: message``, lines of the converted text),
    ``conversion`` the rejected result, for callers that want to look at it.
    """

    def __init__(self, message: str, errors: list[str], conversion: Conversion) -> None:
        super().__init__(message)
        self.errors = errors
        self.conversion = conversion


# ----------------------------------------------------------------- tables

#: ``validate-with`` values of a heartbeat-2 (schema 0.6) CIB: none (heartbeat 2.0/2.1),
#: or what Pacemaker 1.0 stamps on a 0.6 CIB it loaded without upgrading it
HB2_SCHEMAS = frozenset({"pacemaker-0.6", "transitional-0.6"})

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
#: elements whose ids the converter derives from their owner (the source id is not kept)
REGENERATED = frozenset(
    {"nvpair", "instance_attributes", "meta_attributes", "attributes", "expression", "lifetime"}
)
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

#: (resource tags, meta attribute, heartbeat 2's value, why) for every resource option whose
#: default differs between crm.dtd and Pacemaker; docs/conversion.md lists the comparison.
CHANGED_DEFAULTS = (
    (
        frozenset({"clone", "master_slave"}),
        "globally-unique",
        "true",
        "crm.dtd: <!ATTLIST clone|master_slave globally_unique ... 'true'>; Pacemaker makes "
        "clones anonymous (globally-unique=false) unless told otherwise, which would merge "
        "instances that heartbeat 2 kept apart (a CLUSTERIP clone loses its second bucket)",
    ),
)

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


def option_name(name: str) -> str:
    """A cluster option's Pacemaker 1.0 name: upgrade06's renames, and the dash spelling of
    every other option the CRM knows under its underscore alias (mixed spellings in one
    CIB are what CB010 warns about; unknown names are left as they are)."""
    if name in OPTION_NAMES:
        return OPTION_NAMES[name]
    canon = canon_name(name)
    if name not in (canon, canon.replace("-", "_")):
        return name  # a mixed spelling the CRM never read: left for lint to report
    if canon == "transition-idle-timeout":
        # heartbeat 2 read either spelling; Pacemaker 1.0 reads neither, only cluster-delay
        return "cluster-delay"
    if canon in _options.KNOWN:
        return canon
    return name


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

    def nvpair(self, src: Any, out_set: Any, kind: str) -> Any:
        name = src.get("name", "")
        meta = kind == "meta_attributes"
        if meta:
            new = name.replace("_", "-")
        elif kind == "cluster_property_set":
            new = option_name(name)
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
        for name in META_COPIES:
            for nv in copies.get(name, []):
                new = name.replace("_", "-")
                if new in seen:
                    self.moved.add(nv)
                    self.note(
                        "warning",
                        nv,
                        f"instance attribute {name}={nv.get('value')!r} dropped, not moved to meta",
                        f"{new} is already set for this resource (the first setting wins)",
                    )
                    continue
                self._meta(meta, new, nv.get("value", ""), seen)
                self.moved.add(nv)
                self.note(
                    "move-to-meta",
                    nv,
                    f"instance attribute {name} -> meta attribute {new}",
                    "Pacemaker 1.0 reads resource options from meta attributes only",
                )
        self.changed_defaults(src, meta, seen)
        return out

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


def _own(nv: Any, resource: Any) -> bool:
    """Whether nvpair NV belongs to RESOURCE itself (not to a child resource)."""
    for anc in nv.iterancestors():
        if anc is resource:
            return True
        if anc.tag in RESOURCES:
            return False
    return False


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


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -").rstrip("-")


# ----------------------------------------------------------------- 1.0 -> 1.1


class Pacemaker11:
    """Move the deprecated ``default_*`` cluster options where Pacemaker 1.1 reads them."""

    def __init__(self, conv: _Converter) -> None:
        self.conv = conv
        #: converted resource -> its source element (for the report's line numbers)
        self.source = {out: src for src, out in conv.made.items() if src.tag in RESOURCES}

    def apply(self, conf: Any) -> None:
        stickiness = self.cluster(conf)
        if stickiness is None:
            for nv in conf.findall("rsc_defaults/meta_attributes/nvpair"):
                if nv.get("name") == "resource-stickiness":
                    stickiness = nv.get("value")
        for rsc in list(conf.iter("primitive", "group", "clone", "master")):
            self.failure_stickiness(rsc, stickiness or "0")
            if rsc.tag == "primitive":
                self.op_requires(rsc)

    def _set(self, rsc: Any, tag: str) -> Any:
        sets = rsc.findall(tag)
        if sets:
            return sets[0]
        el = etree.Element(tag, id=self.conv.unique(f"{rsc.get('id')}-{tag}"))
        rsc.insert(0, el)
        return el

    def _note(self, rsc: Any, what: str, why: str) -> None:
        src = self.source.get(rsc)
        line = src.sourceline if src is not None else None
        self.conv.changes.append(Change("pacemaker-1.1", rsc.tag, rsc.get("id"), line, what, why))

    def failure_stickiness(self, rsc: Any, default_stickiness: str) -> None:
        """A resource's own failure stickiness becomes its migration-threshold."""
        names = ("resource-failure-stickiness", "resource_failure_stickiness")
        found = [
            nv
            for tag in ("meta_attributes", "instance_attributes")
            for s in rsc.findall(tag)
            for nv in s.findall("nvpair")
            if nv.get("name") in names and (tag == "meta_attributes" or "_" in nv.get("name"))
        ]
        if not found:
            return
        meta = {nv.get("name"): nv for s in rsc.findall("meta_attributes") for nv in s}
        stick = meta["resource-stickiness"].get("value") if "resource-stickiness" in meta else None
        fail = found[0].get("value", "")
        threshold = migration_threshold(stick or default_stickiness, fail)
        for nv in found:
            nv.getparent().remove(nv)
        if threshold is not None and "migration-threshold" not in meta:
            box = self._set(rsc, "meta_attributes")
            etree.SubElement(
                box,
                "nvpair",
                id=self.conv.unique(f"{box.get('id')}-migration-threshold"),
                name="migration-threshold",
                value=threshold,
            )
        self._note(
            rsc,
            f"resource-failure-stickiness={fail!r} -> "
            + (f"migration-threshold={threshold!r}" if threshold else "(dropped)"),
            "1.1 ignores the per-resource failure stickiness and counts failures instead "
            "(computed from this resource's stickiness "
            f"{stick or default_stickiness!r} as for the cluster-wide option)",
        )

    def op_requires(self, rsc: Any) -> None:
        """The start op's ``requires`` becomes the resource's ``requires`` meta attribute."""
        meta = {nv.get("name") for s in rsc.findall("meta_attributes") for nv in s}
        for op in rsc.findall("operations/op"):
            value = op.get("requires")
            if value is None:
                continue
            if op.get("name") != "start":
                self._note(
                    rsc,
                    f"op {op.get('id')!r} ({op.get('name')}) keeps requires={value!r}: "
                    "check it by hand",
                    "Pacemaker 1.1 reads 'requires' as a resource meta attribute, which "
                    "applies to start (and promote) only",
                )
                continue
            del op.attrib["requires"]
            if "requires" in meta:
                what = f"op {op.get('id')!r} requires={value!r} dropped (the resource sets it)"
            else:
                box = self._set(rsc, "meta_attributes")
                etree.SubElement(
                    box,
                    "nvpair",
                    id=self.conv.unique(f"{box.get('id')}-requires"),
                    name="requires",
                    value=value,
                )
                meta.add("requires")
                what = f"start op {op.get('id')!r} requires={value!r} -> meta requires"
            self._note(rsc, what, "Pacemaker 1.1 deprecates the op-level 'requires'")

    def cluster(self, conf: Any) -> str | None:
        """The cluster-wide moves; returns the default stickiness it found (or None)."""
        crm = conf.find("crm_config")
        if crm is None:
            return None
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
            return None
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
        return stick[1] if stick else None


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


def convert(
    text: str,
    *,
    path: str | None = None,
    pacemaker11: bool = False,
    drop_status: bool = False,
) -> Conversion:
    """Convert a heartbeat v2 CIB (or fragment) to Pacemaker 1.0.

    Only heartbeat-2 input is converted (no ``validate-with``, or ``pacemaker-0.6`` /
    ``transitional-0.6``); a ``pacemaker-1.x`` CIB is returned as it is (with
    ``pacemaker11`` only the 1.1 option moves are applied); anything newer raises
    :class:`ConversionRefused`. The result is checked against pacemaker-1.0.rng: a result
    the schema refuses raises :class:`InvalidOutput`. Malformed XML raises
    :class:`xencfg.ParseError`. Never anything but XencfgError.
    """
    try:
        from .xmltext import check_doctype

        check_doctype(text, path)  # the same refusal as every other CIB read
        return _convert(text, path=path, pacemaker11=pacemaker11, drop_status=drop_status)
    except (ParseError, ConversionRefused, InvalidOutput) as err:
        if isinstance(err, ParseError) and err.path is None and path is not None:
            err.path = path
            err.args = (str(err),)
        raise


def _convert(text: str, *, path: str | None, pacemaker11: bool, drop_status: bool) -> Conversion:
    nodes, _whole = parse_roots(text, path)
    elements = [n for n in nodes if isinstance(n.tag, str)]
    is_cib = len(elements) == 1 and elements[0].tag == "cib"
    conv = _Converter(fragment=not is_cib, pacemaker11=pacemaker11, drop_status=drop_status)
    if not elements:
        raise ParseError("no XML element found", path=path, expected="a CIB or a CIB fragment")
    schema = elements[0].get("validate-with") if is_cib else None
    if schema is not None and schema.startswith("pacemaker-1"):
        return _already_10(text, elements[0], conv, path)
    if schema is not None and schema not in HB2_SCHEMAS:
        raise ConversionRefused(
            f"{path or '<input>'}: validate-with={schema!r} is not a heartbeat-2 CIB: "
            "refusing to convert it to pacemaker-1.0 (that would drop newer settings and "
            "reset defaults such as fencing); use the Pacemaker release that wrote it "
            "(cibadmin --upgrade) instead"
        )
    if is_cib:
        holder = etree.Element("holder")
        for node in nodes:
            conv.node(node, holder)
        body = _render(list(holder))
        decl = _XML_DECL.match(text.lstrip("\ufeff"))
        out = ('<?xml version="1.0" encoding="UTF-8"?>\n' if decl else "") + body
        result = Conversion(out, conv.changes, fragment=False)
        new = next(n for n in holder if isinstance(n.tag, str))
        _check(result, new, conv.made, path)
        return result
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
    # rewrites of the throw-away skeleton (no source line) are not the user's business
    changes = [c for c in conv.changes if c.line is not None or c.kind == "pacemaker-1.1"]
    body = _render(out_nodes)
    result = Conversion(body, changes, fragment=True)
    _check(result, new_cib, conv.made, path, dangling_ok=True)
    return result


def _check(
    result: Conversion,
    cib: Any,
    made: dict[Any, Any],
    path: str | None,
    *,
    dangling_ok: bool = False,
) -> None:
    """Raise :class:`InvalidOutput` when pacemaker-1.0.rng refuses the converted CIB.

    Each schema message names the input line of the element it is about. A fragment is
    checked inside its skeleton CIB; its references to resources defined elsewhere
    (``dangling_ok``) are its loader's business, as with ``cibadmin -C``.
    """
    rng = _schema._rng()
    tree = etree.ElementTree(cib)
    # validated re-parsed: libxml2 registers xsd:ID values (for the IDREF checks) only
    # while parsing; error paths are the same in both trees
    copy = etree.ElementTree(etree.fromstring(etree.tostring(cib), _parser()))
    if rng.validate(copy):
        return
    source_of = {out: src for src, out in made.items()}
    errors = []
    for e in rng.error_log:
        if dangling_ok and "references an unknown ID" in e.message:
            continue
        where = ""
        try:
            found = tree.xpath(e.path) if e.path else []
        except etree.XPathError:
            found = []
        el: Any = found[0] if isinstance(found, list) and found else None
        while el is not None and source_of.get(el) is None:
            el = el.getparent()
        src = source_of.get(el) if el is not None else None
        if src is not None and src.sourceline:
            ident = f" id={src.get('id')!r}" if src.get("id") else ""
            where = f"line {src.sourceline}: <{src.tag}{ident}>: "
        errors.append(f"{where}{e.message}")
    if not errors:
        return
    raise InvalidOutput(
        f"{path or '<input>'}: the converted CIB fails pacemaker-1.0.rng, not written: "
        + "; ".join(errors[:5]),
        errors,
        result,
    )


def _already_10(text: str, cib: Any, conv: _Converter, path: str | None) -> Conversion:
    """A CIB that already says pacemaker-1.x is left alone (only the optional 1.1 step)."""
    conf = cib.find("configuration")
    if not conv.pacemaker11 or conf is None:
        return Conversion(text, [])
    conv.used = {str(e.get("id")) for e in cib.iter() if isinstance(e.tag, str) and e.get("id")}
    Pacemaker11(conv).apply(conf)
    if not conv.changes:
        return Conversion(text, [])
    result = Conversion(_render([cib]), conv.changes)
    if cib.get("validate-with") == "pacemaker-1.0":  # later 1.x schemas are not ours
        _check(result, cib, {}, path)
    return result
