"""upgrade06.xsl's tables (which names, attributes and defaults change between heartbeat 2
and Pacemaker 1.0), the name and id helpers, and parsing a CIB or fragment safely."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from xencfg._lazy import etree
from xencfg.errors import ParseError, caret_snippet
from xencfg.formats._xmlstream import blank_declaration
from xencfg.formats.cib import options as _options
from xencfg.formats.cib import schema as _schema
from xencfg.formats.cib.values import canon_name

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


def unique_id(candidate: str, used: set[str], resume: dict[str, int]) -> str:
    """``candidate``, or it with the first free ``-N`` suffix; the id is added to ``used``.

    ``resume`` keeps where each candidate's search stopped (``used`` only grows): 20k
    repeats of one id were quadratic (over 60 s) when every search started again at -2.
    """
    n = resume.get(candidate, 1)
    new = candidate if n == 1 else f"{candidate}-{n}"
    while new in used:
        n += 1
        new = f"{candidate}-{n}"
    resume[candidate] = n
    used.add(new)
    return new


def add_nvpair(nvset: Any, name: str, value: str, unique: Callable[[str], str]) -> Any:
    """Append ``<nvpair name=value>`` to ``nvset``, its id ``<set id>-<name>`` passed
    through the converter's ``unique`` (ids must not clash)."""
    return etree.SubElement(
        nvset, "nvpair", id=unique(f"{nvset.get('id')}-{name}"), name=name, value=value
    )


def source_line(el: Any, lines: Mapping[Any, int | None]) -> int | None:
    """The input line element EL stands for: ``lines[el]`` (a rewritten element's source
    line), else its own line (an input element kept as it is), else its nearest
    ancestor's (an element a rewrite made belongs to what holds it)."""
    while el is not None:
        line = lines.get(el, el.sourceline)
        if line:
            return int(line)
        el = el.getparent()
    return None


def element_lines(nodes: Iterable[Any], lines: Mapping[Any, int | None]) -> tuple[int | None, ...]:
    """:func:`source_line` of every element under NODES, in document order: the order a
    re-parse of their rendering meets them (see :attr:`.Conversion.lines`)."""
    return tuple(
        source_line(el, lines)
        for node in nodes
        if isinstance(node.tag, str)
        for el in node.iter(etree.Element)
    )


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
        blanked = blank_declaration(data)
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
