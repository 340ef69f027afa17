"""All documents of all nodes, indexed for the cross-file and cross-node rules.

Rules ask the cluster questions ("every drbd document of every node", "the
node whose ha.cf is this") instead of walking files themselves, so adding a
node or a format never changes a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from .discover import SourceFile
from .document import Document
from .findings import Location


@attrs.define
class Loaded:
    """A file that parsed: the document, where it came from, and its node."""

    file: SourceFile
    doc: Document
    #: What rules derive from the document once per run (keyword problems, read by
    #: XC003, XC004 and heartbeat rules alike, each with a did-you-mean search).
    derived: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def node(self) -> str | None:
        return self.file.node

    def where(self, node: object = None) -> Location:
        """The report location of the document or of one of its nodes."""
        from .syntax.tree import Node

        block = getattr(node, "block", None)
        if isinstance(block, Node):  # a typed view on a block
            node = block
        if isinstance(node, Node):
            line, col = self.doc.position(node)
            return Location(self.file.display, line, col)
        if isinstance(node, int):
            line, col = self.doc.position(node)
            return Location(self.file.display, line, col)
        element_position = getattr(self.doc, "element_position", None)
        if element_position is not None and node is not None:
            # CIB: a model view (``.el``) or a bare lxml element
            line, col = element_position(getattr(node, "el", node))
            return Location(self.file.display, line or 1, col or 1)
        return Location(self.file.display, 1, 1)


@attrs.define
class Cluster:
    """The parsed files of every node (and loose files), by node and format."""

    nodes: list[str] = attrs.Factory(list)
    loaded: list[Loaded] = attrs.Factory(list)

    def docs(self, fmt: str, node: str | None = None) -> Iterator[Loaded]:
        """Parsed documents of format ``fmt`` (of one node when given)."""
        for item in self.loaded:
            if item.file.format == fmt and (node is None or item.node == node):
                yield item

    def first(self, fmt: str, node: str | None) -> Loaded | None:
        return next(self.docs(fmt, node), None)

    def by_node(self, fmt: str) -> dict[str, list[Loaded]]:
        """Documents of ``fmt`` grouped by node name (loose files under '')."""
        out: dict[str, list[Loaded]] = {}
        for item in self.docs(fmt):
            out.setdefault(item.node or "", []).append(item)
        return out


@attrs.frozen
class Membership:
    """The node names one file declares as cluster members, and where.

    ``source`` says which kind of file (``ha.cf``, ``drbd``, ``ocfs2``,
    ``cman``, ``cib``); ``anchors`` maps each name to the model node that
    declares it, for the finding's location.
    """

    source: str
    item: Loaded
    names: tuple[str, ...]
    anchors: dict[str, object] = attrs.field(factory=dict, eq=False)

    def where(self, name: str) -> Location:
        return self.item.where(self.anchors.get(name))


def _memberships(item: Loaded) -> Membership | None:
    doc: object = item.doc
    fmt = item.file.format
    anchors: dict[str, object] = {}
    if fmt == "hacf":
        for e in doc.entries("node"):  # type: ignore[attr-defined]
            for name in e.values:
                anchors.setdefault(name, e)
        return Membership("ha.cf", item, tuple(anchors), anchors)
    if fmt == "drbd":
        for res in doc.resource_list():  # type: ignore[attr-defined]
            for host in res.host_list:
                if host.kind == "on":
                    for name in host.names:
                        anchors.setdefault(name, host.block)
        return Membership("drbd", item, tuple(anchors), anchors)
    if fmt == "ocfs2":
        for n in doc.nodes:  # type: ignore[attr-defined]
            if n.name:
                anchors.setdefault(n.name, n)
        return Membership("ocfs2", item, tuple(anchors), anchors)
    if fmt == "cman":
        names = tuple(n.name for n in doc.nodes if n.name)  # type: ignore[attr-defined]
        return Membership("cman", item, names)
    if fmt == "cib":
        for n in doc.nodes:  # type: ignore[attr-defined]
            if n.uname:
                anchors.setdefault(n.uname, n)
        return Membership("cib", item, tuple(anchors), anchors)
    return None


def memberships(cluster: Cluster) -> list[Membership]:
    """Every file that names cluster members, with the names it declares.

    DRBD's ``on`` sections count too: for drbdadm they must equal ``uname -n``
    of the node, the same name heartbeat, OCFS2 and the CIB must use.
    Files that name no member (an empty CIB ``nodes`` section, a drbd.conf
    with only ``common``) are left out.
    """
    out = []
    for item in cluster.loaded:
        m = _memberships(item)
        if m is not None and m.names:
            out.append(m)
    return out
