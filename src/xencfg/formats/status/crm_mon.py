"""``crm_mon`` XML: ``crm_mon -1 --as-xml`` / ``-X`` (Pacemaker 1.1, root
``<crm_mon>``) and ``crm_mon -1 --output-as=xml`` (Pacemaker 2, root
``<pacemaker-result>``): read-only.

Only what the drift rules compare is modelled: the nodes (online, standby,
unclean) and every resource instance with its role and the nodes it runs on,
clone and group members flattened with their parent's id. ``Promoted`` /
``Unpromoted`` (Pacemaker 2.1) read as ``Master`` / ``Slave``. The XML is
parsed with entities and the network off.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ._status import StatusDocument, as_dict, fail

FORMAT = "crm-mon-xml"

_ROLES = {"Promoted": "Master", "Unpromoted": "Slave"}
_DECL = re.compile(r"^(\s*)<\?xml[^>]*\?>")


def _yes(v: str | None) -> bool:
    return (v or "").lower() == "true"


@attrs.define
class MonNode:
    """A cluster node as crm_mon sees it."""

    name: str
    online: bool = False
    standby: bool = False
    unclean: bool = False
    maintenance: bool = False
    line: int = attrs.field(default=0, eq=False, repr=False)


@attrs.define
class MonResource:
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
    line: int = attrs.field(default=0, eq=False, repr=False)

    @property
    def base_id(self) -> str:
        """The id without a clone instance suffix (``drbd:0`` -> ``drbd``)."""
        return self.id.split(":", 1)[0]


@attrs.define(weakref_slot=False)
class CrmMonDocument(StatusDocument):
    """Parsed crm_mon XML."""

    format = FORMAT
    version: str | None = None
    dc: str | None = None
    with_quorum: bool | None = None
    nodes: list[MonNode] = attrs.Factory(list)
    resources: list[MonResource] = attrs.Factory(list)

    def running(self, rid: str) -> list[MonResource]:
        """The instances of resource ``rid`` (clone instances included)."""
        return [r for r in self.resources if rid in (r.id, r.base_id)]

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "dc": self.dc,
            "with_quorum": self.with_quorum,
            "nodes": as_dict(self.nodes),
            "resources": as_dict(self.resources),
        }


def _line(e: Any) -> int:
    return e.sourceline if isinstance(e.sourceline, int) else 0


def _walk(el: Any, parent: str | None, out: list[MonResource]) -> None:
    for kid in el:
        tag = kid.tag if isinstance(kid.tag, str) else ""
        if tag == "resource":
            res = MonResource(
                kid.get("id", "?"),
                kid.get("resource_agent"),
                _ROLES.get(kid.get("role", ""), kid.get("role")),
                _yes(kid.get("active")),
                _yes(kid.get("failed")),
                kid.get("managed", "true").lower() != "false",
                [n.get("name", "?") for n in kid if n.tag == "node"],
                parent,
                line=_line(kid),
            )
            out.append(res)
        elif tag in ("clone", "group", "bundle", "replica"):
            _walk(kid, kid.get("id") or parent, out)


def parse(text: str, path: str | None = None) -> CrmMonDocument:
    """Parse crm_mon XML; raises :class:`xencfg.ParseError` (with line and column) for
    text that is not well-formed or whose root is neither ``crm_mon`` nor
    ``pacemaker-result``."""
    from lxml import etree

    body = _DECL.sub(lambda m: m[1] + " " * (len(m[0]) - len(m[1])), text, count=1)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(body.encode("utf-8", "surrogateescape"), parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise fail(
            f"not well-formed XML: {exc.msg}", text, path, max(line, 1), max(col, 1)
        ) from None
    except ValueError as exc:
        raise fail(f"cannot read XML: {exc}", text, path, 1) from None
    if root.tag not in ("crm_mon", "pacemaker-result"):
        raise fail(
            f"root element is <{root.tag}>, crm_mon XML has <crm_mon> or <pacemaker-result>",
            text,
            path,
            _line(root) or 1,
        )
    doc = CrmMonDocument(path=path, source=text)
    doc.version = root.get("version") or root.get("api-version")
    dc = root.find("summary/current_dc")
    if dc is not None:
        doc.dc = dc.get("name")
        doc.with_quorum = _yes(dc.get("with_quorum")) if dc.get("with_quorum") else None
    for n in root.findall("nodes/node"):
        doc.nodes.append(
            MonNode(
                n.get("name", "?"),
                _yes(n.get("online")),
                _yes(n.get("standby")),
                _yes(n.get("unclean")),
                _yes(n.get("maintenance")),
                line=_line(n),
            )
        )
    for section in root.findall("resources"):
        _walk(section, None, doc.resources)
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    return re.search(r"<(crm_mon|pacemaker-result)\b", head) is not None
