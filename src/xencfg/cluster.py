"""All documents of all nodes, indexed for the cross-file and cross-node rules.

Rules ask the cluster questions ("every drbd document of every node", "the
node whose ha.cf is this") instead of walking files themselves, so adding a
node or a format never changes a rule.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from .discover import SourceFile
from .document import Document
from .findings import Location


@attrs.define
class Loaded:
    """A file that parsed: the document, where it came from, and its node."""

    file: SourceFile
    doc: Document

    @property
    def node(self) -> str | None:
        return self.file.node

    def where(self, node: object = None) -> Location:
        """The report location of the document or of one of its nodes."""
        from .syntax.tree import Node

        if isinstance(node, Node):
            line, col = self.doc.position(node)
            return Location(self.file.display, line, col)
        if isinstance(node, int):
            line, col = self.doc.position(node)
            return Location(self.file.display, line, col)
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
