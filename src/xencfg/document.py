"""The root of every parsed file.

:class:`Document` is the protocol every format's document follows: where it came from
(``path``, the original ``source``, the file ``mode``), its text (:meth:`~Document.dumps`,
the source with edits spliced in), its secrets, a JSON-ready view, and the place of any of
its own objects in the source (:meth:`~Document.position`, :meth:`~Document.location`).

Two bases implement it. :class:`TreeDocument` is the root node of a lossless syntax tree
(every text format: drbd, multipath, ha.cf, xm ...), whose nodes know their offsets.
:class:`SourceDocument` holds the text beside a model of its own (the CIB's lxml tree,
cman's elements, the live-state outputs) and locates its objects itself.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from .syntax.source import LineIndex
from .syntax.tree import Node, Style, nodes_repr, render


@runtime_checkable
class Document(Protocol):
    """What every format's document offers (``xencfg.load`` returns one)."""

    #: The registered format name (``"drbd"``, ``"multipath"``, ...).
    format: ClassVar[str]
    #: Kinds of ``keyword_problems()`` the daemon refuses the whole file for
    #: (drbdadm: an unknown or misplaced keyword; heartbeat: an illegal directive).
    #: Lint reports those as XC009 errors; every other kind it skips or ignores.
    refused_keyword_kinds: ClassVar[frozenset[str]]
    path: str | None
    source: str
    #: Permission bits of the file it was loaded from (``None`` for text).
    mode: int | None

    def dumps(self) -> str:
        """The document's text: the source where untouched, edits spliced in."""
        ...

    def secrets(self) -> list[str]:
        """Secret values in this document (keys, passwords), to be masked in every output."""
        ...

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """A JSON-ready view of the typed model (what ``xencfg parse`` prints)."""
        ...

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of an offset in the source or of one of the
        document's own objects (a syntax node or a view on one, a CIB element ...)."""
        ...

    def location(self, where: object) -> str:
        """``path:line:col`` of an offset or object, as error messages print it."""
        ...


def _masking(inner: Any) -> Any:
    def __repr__(self: _Common) -> str:
        from .secrets import redact

        text: str = inner(self)
        try:
            secrets = self.secrets()
        except Exception:  # a half-built document: mask what mask_line finds
            from .secrets import mask_line

            return mask_line(text)
        return redact(text, secrets)

    __repr__.__dict__["masks_secrets"] = True  # (the mark __init_subclass__ reads)
    return __repr__


def _masking_view(inner: Any) -> Any:
    """``to_dict`` made safe whatever the format's own masking missed: every secret
    the document declares is masked in keys and values unless ``show_secrets``."""

    def to_dict(self: _Common, show_secrets: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = inner(self, show_secrets=show_secrets)
        if show_secrets:
            return out
        from .secrets import mask_values

        masked: dict[str, Any] = mask_values(out, self.secrets())
        return masked

    # inner's name, module and docstring: help() and inspect.getdoc then find the base
    # class's docstring when the format's own to_dict has none
    functools.update_wrapper(to_dict, inner)
    to_dict.__dict__["masks_secrets"] = True
    return to_dict


class _Indexed(Protocol):
    """A document whose base holds the line index in a slot of its own (``_Common``
    has empty ``__slots__``: it sits beside ``Node``'s in ``TreeDocument``)."""

    source: str
    _index: LineIndex | None


class _Common:
    """What both document bases share: masking, the defaults, offsets to lines."""

    __slots__ = ()

    format: ClassVar[str] = ""
    refused_keyword_kinds: ClassVar[frozenset[str]] = frozenset()
    path: str | None
    source: str
    _index: LineIndex | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every format's ``repr`` masks the document's secrets (attrs writes a
        ``__repr__`` per class that would print a CHAP password in a traceback, a
        debugger or a log line)."""
        super().__init_subclass__(**kwargs)
        for name, masking in (("__repr__", _masking), ("to_dict", _masking_view)):
            own = cls.__dict__.get(name)
            if own is not None and not getattr(own, "masks_secrets", False):
                setattr(cls, name, masking(own))

    def secrets(self) -> list[str]:
        """Secret values in this document (keys, passwords), to be masked in every output."""
        return []

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """A JSON-ready view of the typed model (what ``xencfg parse`` prints).

        Secrets (keys, passwords) are masked unless ``show_secrets`` is true.
        """
        return {"format": self.format}

    def _offset_position(self: _Indexed, offset: int) -> tuple[int, int]:
        if offset < 0:
            return (0, 0)
        if self._index is None:  # each base declares the slot (_Common has none of its own)
            self._index = LineIndex(self.source)
        # past the end: the end of the file (an offset of an edited text, or a stale one,
        # read as a column of a billion on the last line)
        return self._index.position(min(offset, len(self.source)))

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of an offset in the source (``(1, 1)`` for an
        object the document does not place)."""
        return self._offset_position(where) if isinstance(where, int) else (1, 1)

    def location(self, where: object) -> str:
        """``path:line:col`` of an offset or object, as error messages print it."""
        line, col = self.position(where)
        return f"{self.path or '<string>'}:{line}:{col}"


@attrs.define(weakref_slot=False)
class TreeDocument(_Common, Node):
    """Base of the text formats' documents: the root node of the lossless syntax tree."""

    #: How new nodes of this format are written.
    style: ClassVar[Style] = Style()
    nests = False

    path: str | None = attrs.field(default=None, eq=False, kw_only=True)
    source: str = attrs.field(default="", eq=False, repr=False, kw_only=True)
    #: Permission bits of the file it was loaded from (``None`` for text).
    mode: int | None = attrs.field(default=None, eq=False, kw_only=True)
    _index: LineIndex | None = attrs.field(default=None, eq=False, repr=False, init=False)
    #: The top-level nodes, in file order.
    children: list[Node] = attrs.field(factory=list, repr=nodes_repr)
    children_field: ClassVar[str | None] = "children"

    def dumps(self) -> str:
        """The document's text: the source where untouched, edits spliced in."""
        return render(self, self.style)

    def render_canonical(self, indent: str, style: Style) -> str:
        """A document built in code: its children, one after the other (a blank line
        before each the style sets apart, but the first)."""
        out: list[str] = []
        for c in self.child_nodes():
            if out and style.apart(c, indent):
                out.append(style.newline)
            out.append(style.render_node(c, indent))
        return "".join(out)

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of a node, a typed view on a block, or an offset
        in the original source (``(0, 0)`` for a node added in code)."""
        block = getattr(where, "block", None)
        if isinstance(block, Node):  # a typed view on a block
            where = block
        if isinstance(where, Node):
            where = where.pos
        return super().position(where)


@attrs.define(weakref_slot=False)
class SourceDocument(_Common):
    """Base of the documents without a syntax tree (the CIB, cman, live-state outputs):
    the source text beside a model of their own, which they place in the source
    themselves (:meth:`position`)."""

    path: str | None = attrs.field(default=None, eq=False, kw_only=True)
    source: str = attrs.field(default="", eq=False, repr=False, kw_only=True)
    #: Permission bits of the file it was loaded from (``None`` for text).
    mode: int | None = attrs.field(default=None, eq=False, kw_only=True)
    _index: LineIndex | None = attrs.field(default=None, eq=False, repr=False, init=False)

    def dumps(self) -> str:
        """The document's text (the source: a read-only format; editable ones override)."""
        return self.source
