"""The root of every parsed file.

A :class:`Document` is an attrs model and the root node of its lossless
tree. It remembers where it came from (``path``, the original ``source`` and
the file ``mode``) so that :func:`xencfg.dumps` can splice edits into the
original text and :func:`xencfg.dump` can write it back with the same mode.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from .syntax.source import LineIndex
from .syntax.tree import Node, Style, render


@attrs.define(weakref_slot=False)
class Document(Node):
    """Base class of every format's document model."""

    #: The registered format name (``"drbd"``, ``"multipath"``, ...).
    format: ClassVar[str] = ""
    #: How new nodes of this format are written.
    style: ClassVar[Style] = Style()
    #: Kinds of ``keyword_problems()`` the daemon refuses the whole file for
    #: (drbdadm: an unknown or misplaced keyword; heartbeat: an illegal directive).
    #: Lint reports those as XC009 errors; every other kind it skips or ignores.
    refused_keyword_kinds: ClassVar[frozenset[str]] = frozenset()
    nests = False

    path: str | None = attrs.field(default=None, eq=False, kw_only=True)
    source: str = attrs.field(default="", eq=False, repr=False, kw_only=True)
    #: Permission bits of the file it was loaded from (``None`` for text).
    mode: int | None = attrs.field(default=None, eq=False, kw_only=True)
    _index: LineIndex | None = attrs.field(default=None, eq=False, repr=False, init=False)

    def dumps(self) -> str:
        """The document's text: the source where untouched, edits spliced in."""
        return render(self, self.style)

    def secrets(self) -> list[str]:
        """Secret values in this document (keys, passwords), to be masked in every output."""
        return []

    def render_canonical(self, indent: str, style: Style) -> str:
        """A document built in code: its children, one after the other."""
        return "".join(style.render_node(c, indent) for c in self.child_nodes())

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """A JSON-ready view of the typed model (what ``xencfg parse`` prints).

        Secrets (keys, passwords) are masked unless ``show_secrets`` is true.
        """
        return {"format": self.format}

    # -- locations -------------------------------------------------------
    def position(self, where: Node | int) -> tuple[int, int]:
        """1-based ``(line, column)`` of a node or offset in the original source."""
        if isinstance(where, Node):
            where = where.pos
        if where < 0:
            return (0, 0)
        if self._index is None:
            self._index = LineIndex(self.source)
        return self._index.position(where)

    def location(self, where: Node | int) -> str:
        """``path:line:col`` of a node, as error messages print it."""
        line, col = self.position(where)
        return f"{self.path or '<string>'}:{line}:{col}"
