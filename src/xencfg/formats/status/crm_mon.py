"""``crm_mon`` XML: ``crm_mon -1 --as-xml`` / ``-X`` (Pacemaker 1.1, root
``<crm_mon>``) and ``crm_mon -1 --output-as=xml`` (Pacemaker 2, root
``<pacemaker-result>``): read-only.

Only what the drift rules compare is modelled: the nodes (online, standby,
unclean) and every resource instance with its role and the nodes it runs on,
clone and group members flattened with their parent's id, and the tickets (granted or
revoked at this site: a geo cluster's). ``Promoted`` /
``Unpromoted`` (Pacemaker 2.1) read as ``Master`` / ``Slave``. The XML is
parsed with entities and the network off.

The text of ``crm_mon -1`` gives the same model where sosreport and
supportconfig keep no XML (sos's pacemaker plugin runs ``crm_mon -1 -A -n -r
-t``, supportconfig ``crm_mon -r -1``): Pacemaker 1.0/1.1 (``Online: [ a b ]``,
`` web (ocf::heartbeat:Xen): Started alpha``, ``Node alpha: online`` with
``-n``) and 2.x (``* Online: [ a b ]``, ``* web (ocf:heartbeat:Xen): Started
alpha``, ``* Node alpha: online:`` with ``-n``). A primitive's line is a
resource; ``FAILED`` marks it failed, ``(unmanaged)`` unmanaged; with ``-n`` a
resource without a node is on the node whose block it is in. Lines of the
other sections (attributes, operations, failed actions) are kept in
``unparsed``; clone summaries (``Masters: [ a ]``) are not instances.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .._xmlstream import events, line_of
from ._status import Record, StatusDocument, fail, lines

FORMAT = "crm-mon-xml"

_ROLES = {"Promoted": "Master", "Unpromoted": "Slave"}


def _yes(v: str | None) -> bool:
    return (v or "").lower() == "true"


@attrs.define
class MonNode(Record):
    """A cluster node as crm_mon sees it."""

    name: str
    online: bool = False
    standby: bool = False
    unclean: bool = False
    maintenance: bool = False


@attrs.define
class MonResource(Record):
    """One resource instance: agent, role, health and the nodes running it."""

    id: str
    agent: str | None = None
    role: str | None = None
    active: bool = False
    failed: bool = False
    managed: bool = True
    nodes: list[str] = attrs.Factory(list)
    #: the enclosing clone / group / bundle id, if any.
    parent: str | None = None

    @property
    def base_id(self) -> str:
        """The id without a clone instance suffix (``drbd:0`` -> ``drbd``)."""
        return self.id.split(":", 1)[0]


@attrs.define
class MonTicket(Record):
    """A ticket as the CIB's status has it (crm_mon XML ``<tickets><ticket id=..
    status="granted|revoked" standby=..>``, Pacemaker 1.1 ``print_cluster_ticket`` and
    2.x ``pe__ticket_xml``; XML output shows every section)."""

    id: str
    granted: bool = False
    standby: bool = False


@attrs.define(weakref_slot=False)
class CrmMonDocument(StatusDocument):
    """Parsed crm_mon XML."""

    format = FORMAT
    version: str | None = None
    dc: str | None = None
    with_quorum: bool | None = None
    nodes: list[MonNode] = attrs.Factory(list)
    resources: list[MonResource] = attrs.Factory(list)
    tickets: list[MonTicket] = attrs.Factory(list)

    def running(self, rid: str) -> list[MonResource]:
        """The instances of resource ``rid`` (clone instances included)."""
        return [r for r in self.resources if rid in (r.id, r.base_id)]


_SECTION = re.compile(r"^(?P<name>[A-Z][A-Za-z ]*):\s*$")
#: sections whose lines are nodes or resources (1.x prints its node lines before any)
_NODE_SECTIONS = {"", "node list"}
_RSC_SECTIONS = {"", "node list", "full list of resources", "inactive resources"}
_NODE = re.compile(r"^\s*(?:\* )?Node:?\s+(?P<name>[^\s:()]+)(?:\s*\([^)]*\))?:\s*(?P<state>.*)$")
_LIST = re.compile(
    r"^\s*(?:\* )?(?P<kind>Online|OFFLINE|GuestOnline|RemoteOnline):\s*\[(?P<names>[^\]]*)\]"
)
#: a primitive: ``ID<TAB>(AGENT):<TAB>[ORPHANED ]STATE[ ROLE] NODE (flags)`` (pengine
#: native_print; 1.0 appends `` (unmanaged)`` and `` FAILED`` after the node; with
#: ``-n`` 1.0 prints ``ID<TAB>(AGENT)`` alone, pe_print_rsconly)
_PRIMITIVE = re.compile(
    r"^\s*(?:\* )?(?P<id>[^\s()]+)\s+\((?P<agent>[^()\s]+)\)"
    r"(?::\s*(?:ORPHANED\s+)?(?P<state>[A-Za-z]+)"
    r"(?:\s+(?P<role>Promoted|Unpromoted|Master|Slave|Started))?"
    r"(?:\s+(?:\[\s*(?P<list>[^\]]*)\]|(?P<node>[^\s()\[]+)))?)?(?P<rest>.*)$"
)


def _node_state(text: str) -> str:
    """A node line's state without its trailing ``:`` and blanks (in Python, not a lazy
    ``.*?`` before ``:?\\s*$``, which was quadratic on a blank run)."""
    text = text.rstrip()
    return text[:-1] if text.endswith(":") else text


def _bracketed(text: str) -> str | None:
    """What the first ``[...]`` of ``text`` holds (``None``: none), found in one pass (a
    regex search restarted at every ``[`` of a long run of them: quadratic)."""
    start = text.find("[")
    end = text.find("]", start + 1) if start >= 0 else -1
    return text[start + 1 : end] if end >= 0 else None


_DC = re.compile(r"Current DC:\s*(?P<dc>\S+)(?:\s+\((?:version\s+(?P<v>[^)\s]*))?[^)]*\))?")
_ACTIVE = {
    "Started",
    "Master",
    "Slave",
    "Promoted",
    "Unpromoted",
    "FAILED",
    "Starting",
    "Stopping",
    "Migrating",
}


def _parse_text(text: str, path: str | None) -> CrmMonDocument:
    """``crm_mon -1`` text of Pacemaker 1.0 to 2.x (see the module docstring)."""
    doc = CrmMonDocument(path=path, source=text)
    section, node = "", ""
    nodes: dict[str, MonNode] = {}
    for no, ln in lines(text):
        if not ln.strip():
            continue
        if m := _SECTION.match(ln):
            section, node = m["name"].strip().lower(), ""
            continue
        if (m := _DC.search(ln)) and doc.dc is None:
            doc.dc = None if m["dc"] == "NONE" else m["dc"]
            v = (m["v"] or "").split("-")[0]
            doc.version = doc.version or (v if v and v != "unknown" else None)
            doc.with_quorum = True if "with quorum" in ln else False if "WITHOUT" in ln else None
            continue
        if ln.startswith("Version:") and doc.version is None:  # Pacemaker 1.0
            doc.version = ln.split(":", 1)[1].strip().split("-")[0] or None
            continue
        if section in _NODE_SECTIONS and (m := _LIST.match(ln)):
            for name in m["names"].split():
                n = nodes.setdefault(name, MonNode(name, line=no))
                n.online = m["kind"] != "OFFLINE"
            continue
        if section in _NODE_SECTIONS and (m := _NODE.match(ln)) and "(" not in m["state"][:1]:
            said = _node_state(m["state"]).lower()
            n = nodes.setdefault(m["name"], MonNode(m["name"], line=no))
            n.online = said.startswith(("online", "standby", "maintenance"))
            n.standby, n.unclean = "standby" in said, "unclean" in said
            n.maintenance = "maintenance" in said
            node = m["name"]
            continue
        if section in _RSC_SECTIONS and (m := _PRIMITIVE.match(ln)):
            state, rest = m["state"], m["rest"] or ""
            where = (m["list"] or "").split() or ([m["node"]] if m["node"] else [])
            if state is None:  # 1.0's ``-n``: no state, the node's block says where
                listed = _bracketed(rest)
                where = listed.split() if listed is not None else [node] if node else []
                state = "Started" if where else None
            if state not in _ACTIVE and state != "Stopped":
                doc.unparsed.append((no, ln))
                continue
            if not where and node and state in _ACTIVE:
                where = [node]  # ``-n``: the block of the node it runs on
            role = m["role"] or ("Started" if state == "FAILED" else state)
            doc.resources.append(
                MonResource(
                    m["id"],
                    m["agent"],
                    _ROLES.get(role, role),
                    state in _ACTIVE and bool(where),
                    state == "FAILED" or re.search(r"\bFAILED\b", rest) is not None,
                    "unmanaged" not in rest,
                    where,
                    line=no,
                )
            )
            continue
        doc.unparsed.append((no, ln))
    doc.nodes = list(nodes.values())
    return doc


def parse(text: str, path: str | None = None) -> CrmMonDocument:
    """Parse crm_mon XML or text; raises :class:`xencfg.ParseError` (with line and column) for
    text that is not well-formed or whose root is neither ``crm_mon`` nor
    ``pacemaker-result``."""
    if not text.lstrip().startswith("<"):
        return _parse_text(text, path)
    from lxml import etree

    doc = CrmMonDocument(path=path, source=text)
    # one frame an open element: the resources it collects into (a ``resources``
    # section or a clone / group / bundle / replica in one) and their parent's id, or
    # the resource whose ``node`` children name where it runs, or nothing to collect
    frames: list[_Frame] = []
    try:
        for event, e in events(text, path):
            if event == "end":
                frames.pop()
                continue
            tag = e.tag if isinstance(e.tag, str) else ""
            if not frames and tag not in ("crm_mon", "pacemaker-result"):
                raise fail(
                    f"root element is <{tag}>, crm_mon XML has <crm_mon> or <pacemaker-result>",
                    text,
                    path,
                    line_of(e) or 1,
                )
            frames.append(_read(doc, e, tag, frames))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise fail(
            f"not well-formed XML: {exc.msg}", text, path, max(line, 1), max(col, 1)
        ) from None
    except ValueError as exc:
        raise fail(f"cannot read XML: {exc}", text, path, 1) from None
    return doc


@attrs.define
class _Frame:
    """What an open element of crm_mon's XML collects (see :func:`parse`)."""

    tag: str
    #: resources directly inside go to the document, with this parent id
    collects: bool = False
    parent: str | None = None
    #: the resource whose ``node`` children are read
    resource: MonResource | None = None


def _read(doc: CrmMonDocument, e: Any, tag: str, frames: list[_Frame]) -> _Frame:
    """Take what element ``e`` (just opened, inside ``frames``) adds to ``doc``."""
    if not frames:
        doc.version = e.get("version") or e.get("api-version")
        return _Frame(tag)
    up = frames[-1]
    if up.resource is not None:
        if tag == "node":
            up.resource.nodes.append(e.get("name", "?"))
    elif up.collects and tag == "resource":
        res = MonResource(
            e.get("id", "?"),
            e.get("resource_agent"),
            _ROLES.get(e.get("role", ""), e.get("role")),
            _yes(e.get("active")),
            _yes(e.get("failed")),
            e.get("managed", "true").lower() != "false",
            [],
            up.parent,
            line=line_of(e),
        )
        doc.resources.append(res)
        return _Frame(tag, resource=res)
    elif up.collects and tag in ("clone", "group", "bundle", "replica"):
        return _Frame(tag, collects=True, parent=e.get("id") or up.parent)
    elif len(frames) == 1 and tag == "resources":
        return _Frame(tag, collects=True)
    elif len(frames) == 2 and (up.tag, tag) == ("summary", "current_dc") and doc.dc is None:
        doc.dc = e.get("name")
        doc.with_quorum = _yes(e.get("with_quorum")) if e.get("with_quorum") else None
    elif len(frames) == 2 and (up.tag, tag) == ("tickets", "ticket"):
        status = e.get("status", "")
        doc.tickets.append(
            MonTicket(
                e.get("id", "?"), status == "granted", _yes(e.get("standby")), line=line_of(e)
            )
        )
    elif len(frames) == 2 and (up.tag, tag) == ("nodes", "node"):
        doc.nodes.append(
            MonNode(
                e.get("name", "?"),
                _yes(e.get("online")),
                _yes(e.get("standby")),
                _yes(e.get("unclean")),
                _yes(e.get("maintenance")),
                line=line_of(e),
            )
        )
    return _Frame(tag)


def sniff(text: str) -> bool:
    head = text[:4096]
    if re.search(r"<(crm_mon|pacemaker-result)\b", head) is not None:
        return True
    # crm_mon's text: its summary and a resource or node list
    return re.search(r"^[^\S\n]*(?:\* )?Current DC:", head, re.M) is not None and (
        re.search(r"^[^\S\n]*(?:\* )?(?:Online: \[|OFFLINE: \[|Node:? \S+)", head, re.M) is not None
    )
