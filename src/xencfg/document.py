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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every format's ``repr`` masks the document's secrets (attrs writes a
        ``__repr__`` per class that would print a CHAP password in a traceback, a
        debugger or a log line)."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__repr__")
        if own is not None and not getattr(own, "masks_secrets", False):
            cls.__repr__ = _masking(own)  # type: ignore[method-assign]
        view = cls.__dict__.get("to_dict")
        if view is not None and not getattr(view, "masks_secrets", False):
            cls.to_dict = _masking_view(view)  # type: ignore[method-assign]

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


def _masking(inner: Any) -> Any:
    def __repr__(self: Document) -> str:
        from .secrets import redact

        text: str = inner(self)
        try:
            secrets = self.secrets()
        except Exception:  # a half-built document: mask what mask_line finds
            from .secrets import mask_line

            return mask_line(text)
        return redact(text, secrets)

    __repr__.masks_secrets = True  # type: ignore[attr-defined]
    return __repr__


def _masking_view(inner: Any) -> Any:
    """``to_dict`` made safe whatever the format's own masking missed: every secret
    the document declares is masked in keys and values unless ``show_secrets``."""

    def to_dict(self: Document, show_secrets: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = inner(self, show_secrets=show_secrets)
        if show_secrets:
            return out
        from .secrets import mask_values

        masked: dict[str, Any] = mask_values(out, self.secrets())
        return masked

    to_dict.__doc__ = inner.__doc__
    to_dict.masks_secrets = True  # type: ignore[attr-defined]
    return to_dict
