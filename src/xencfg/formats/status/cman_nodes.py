"""``cman_tool nodes`` (cman of RHEL 5 and 6): the cluster's membership as cman has
it, read-only.

cman_tool/main.c (show_nodes, print_node): a header ``Node  Sts   Inc   Joined
Name``, then one row per node, ``%4u   %c  %5d   %s  %s`` (node id, state, incarnation,
the time it joined or 19 blanks, name); ``-a`` adds an ``Addresses: A B`` line after
each row, and disallowed nodes put a ``NOTE: There are N disallowed nodes,`` pair of
lines first. The state is ``M`` (a member), ``X`` (not: dead or never joined), ``d``
(disallowed: it rejoined with state cman refuses) or ``?``. sosreport's cluster plugin
runs it (sos 1.7 ``cman_tool -af nodes``, sos 2.2 and 3.x ``cman_tool nodes`` and
``-a nodes``): the only view of a cman cluster's membership a RHEL 5/6 report holds.
"""

from __future__ import annotations

import re

import attrs

from ._status import Record, StatusDocument, lines, number

FORMAT = "cman-nodes"

HEADER = re.compile(r"^Node\s+Sts\s+Inc\s+Joined\s+Name\s*$")
_ROW = re.compile(
    r"^\s*(?P<id>\d{1,10})\s+(?P<sts>[MXd?])\s+(?P<inc>-?\d{1,10})\s+"
    r"(?:(?P<joined>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+)?(?P<name>\S+)\s*$"
)
_ADDRESSES = re.compile(r"^\s+Addresses:\s*(?P<list>.*)$")


@attrs.define
class CmanNode(Record):
    """One node of ``cman_tool nodes``: id, state letter, name, addresses (``-a``)."""

    id: int | None
    state: str
    name: str
    joined: str | None = None
    addresses: list[str] = attrs.Factory(list)

    @property
    def member(self) -> bool:
        return self.state == "M"


@attrs.define(weakref_slot=False)
class CmanNodesDocument(StatusDocument):
    """Parsed ``cman_tool nodes`` output."""

    format = FORMAT
    nodes: list[CmanNode] = attrs.Factory(list)


def parse(text: str, path: str | None = None) -> CmanNodesDocument:
    """Parse the output; lines that are neither a row nor its addresses (the header,
    the NOTE, a message) are kept in ``unparsed``."""
    doc = CmanNodesDocument(path=path, source=text)
    for no, ln in lines(text):
        if m := _ROW.match(ln):
            doc.nodes.append(CmanNode(number(m["id"]), m["sts"], m["name"], m["joined"], line=no))
        elif (m := _ADDRESSES.match(ln)) and doc.nodes:
            doc.nodes[-1].addresses = m["list"].split()
        elif ln.strip():
            doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    """The header line among the first lines (after the NOTE on disallowed nodes)."""
    return any(HEADER.match(ln) for ln in text[:4096].split("\n")[:4])
