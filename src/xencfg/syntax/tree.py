"""The lossless syntax tree every text format shares.

A parsed file is a tree of model nodes (attrs classes deriving from
:class:`Node`). Besides its semantic fields, each node keeps ``cst``: the
ordered *pieces* of source it owns — tokens (:class:`Tok`), trivia tokens
(white space, comments, newlines) and its child nodes. Concatenating every
leaf gives back the file byte for byte.

Trivia ownership (as in libcst): the text between two tokens is split at its
first newline. The part up to and including that newline (same-line spacing,
an inline comment, the newline) belongs to the node that ends before it; the
rest (blank lines, comment lines, indentation) leads the node that starts after
it. So removing a node removes its comments and its line, and nothing else.

Rendering splices (configupdater, iniparse): a node whose semantic state is
the one it was parsed with copies its pieces; a changed node rewrites only its
value tokens (:meth:`Node.splice`); a node built in code (``cst is None``)
renders in the format's canonical style. Child lists are diffed by identity,
so added, removed and reordered children touch only their own lines.

Light documents (:class:`Light`): a parsed file keeps one object per token only
while something needs them. :func:`xencfg.loads` parses *light*: each node keeps
its semantic values and the offset of its first token (in a :class:`LightPart`'s
array, not as an int object of its own), and drops its pieces, token fields and
snapshot (the :data:`SOURCE` fields) as soon as it is built.
The first read of a dropped field parses the text again in full and hands every
node its pieces (:meth:`Light.materialize`); a lint that only reads values never
pays for the lossless tree, and a large file fits in a few times its size.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union

import attrs

TRIVIA = "TRIVIA"

N = TypeVar("N", bound="Node")

#: Deepest nesting of model nodes a file may have. Real configuration files
#: nest a handful of levels; this bound keeps every tree walk far from
#: Python's recursion limit, so hostile input gets a clear error.
MAX_DEPTH = 100


#: attrs metadata of the fields a light node drops (source pieces, token references and
#: the parse-time snapshot): :meth:`Light.materialize` restores them all.
SOURCE: dict[str, bool] = {"source": True}


def token_field(**kwargs: Any) -> Any:
    """An attrs field holding :class:`Tok` objects of the node's source (dropped while light)."""
    return attrs.field(eq=False, repr=False, kw_only=True, metadata=SOURCE, **kwargs)


class NeedsFullTree(BaseException):
    """Code read a dropped field of a light node while the file was still being parsed.

    :func:`xencfg.loads` then parses the file in full. A ``BaseException`` so that no
    ``except Exception`` in a format (or Lark's transformer wrapper) swallows it.
    """


class TooDeep(Exception):
    """Raised by :func:`attach_trivia` for nesting beyond :data:`MAX_DEPTH`; ``pos`` is
    the offset of the node that went too deep."""

    def __init__(self, pos: int) -> None:
        super().__init__(pos)
        self.pos = pos


@attrs.define(weakref_slot=False, eq=False, slots=True)
class Tok:
    """One token of source text. ``pos`` is its offset in the original text (-1 if new)."""

    kind: str
    text: str
    pos: int = -1

    @property
    def is_trivia(self) -> bool:
        return self.kind == TRIVIA

    @property
    def end(self) -> int:
        return self.pos + len(self.text)


Piece = Union[Tok, "Node"]


@attrs.define(eq=False)
class Style:
    """How a format writes new nodes: indentation unit and a per-node renderer."""

    indent: str = "\t"
    newline: str = "\n"
    render: Callable[[Node, str, Style], str] | None = None

    def render_node(self, node: Node, indent: str) -> str:
        """Canonical text of ``node`` (with its newline) at ``indent``."""
        if self.render is None:
            return node.render_canonical(indent, self)
        return self.render(node, indent, self)

    def apart(self, node: Node, indent: str) -> bool:
        """Whether a node added in code at ``indent`` is set apart from the text before
        it by a blank line (drbd.conf's top-level sections are); none by default."""
        return False


def nodes_repr(children: list[Any]) -> str:
    """How a child list shows in ``repr()``: its length, not the whole subtree (a
    document's repr would otherwise hold the whole file)."""
    return f"<{len(children)} node{'s' if len(children) != 1 else ''}>"


@attrs.define(weakref_slot=False)
class Node:
    """Base of every syntax-bound model node.

    Subclasses add semantic attrs fields (compared by ``==``); ``cst`` and
    ``snap`` are bookkeeping, not compared. Subclasses override:

    * :meth:`state` — the node's own scalar semantic values (not children),
      snapshotted at parse time to detect edits;
    * :meth:`child_nodes` — the current ordered children (default none);
    * :meth:`splice` — new pieces for a changed node, rewriting value tokens only;
    * :meth:`render_canonical` — text of a node built in code.
    """

    cst: list[Piece] | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True, metadata=SOURCE
    )
    snap: Any = attrs.field(default=None, eq=False, repr=False, kw_only=True, metadata=SOURCE)
    #: The part of the light document this node belongs to while its source fields are
    #: dropped (:meth:`Light.hold`).
    light: LightPart | None = attrs.field(default=None, eq=False, repr=False, init=False)
    #: While light, where that part keeps the offset of the node's first significant
    #: token (:attr:`pos`); -1: not light.
    at: int = attrs.field(default=-1, eq=False, repr=False, init=False)

    #: Which child list holds the node's children, for the generic helpers.
    children_field: ClassVar[str | None] = None
    #: Whether children sit one indentation level deeper (a block) or not (a document).
    nests: ClassVar[bool] = True

    # -- hooks ---------------------------------------------------------
    def state(self) -> Any:
        """The node's own semantic values, compared with the parse-time snapshot."""
        return None

    def child_nodes(self) -> Sequence[Node]:
        """The node's children (its ``children_field``), or none."""
        if self.children_field is None:
            return ()
        children: Sequence[Node] = getattr(self, self.children_field)
        return children

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        """Pieces for a changed node, or ``None`` to re-render it canonically in place."""
        return None

    def adopt_snapshot(self, twin_snap: Any, mine: dict[int, Node]) -> Any:
        """This node's parse-time snapshot from its twin's (see :class:`Light`).

        ``mine`` maps ``id()`` of the twin tree's nodes to this tree's; only a state
        that holds node identities needs to translate them.
        """
        return twin_snap

    def render_canonical(self, indent: str, style: Style) -> str:
        raise NotImplementedError(f"{type(self).__name__} has no canonical rendering")

    if not TYPE_CHECKING:  # (for type checkers, nodes have only their declared fields)

        def __getattr__(self, name: str) -> Any:
            # Reached only for an unset slot: a light node's dropped source field, or
            # its children left to be read on first use (Light.expand).
            part = object.__getattribute__(self, "light")
            if part is None:
                raise AttributeError(name)
            light = part.light
            if name == self.children_field and light.expand is not None:
                return light.children_of(self)
            if name not in source_fields(type(self)):
                raise AttributeError(name)
            light.materialize()
            return object.__getattribute__(self, name)

    # -- binding ---------------------------------------------------------
    def bind(self, pieces: list[Piece]) -> None:
        """Attach source pieces and snapshot the current state as 'unchanged'."""
        self.cst = pieces
        self.snap = self.state()

    @property
    def is_new(self) -> bool:
        return self.light is None and self.cst is None

    @property
    def pos(self) -> int:
        """Offset of the node's first significant token in the source (-1 if new)."""
        light = self.light
        if light is not None:
            return light.offsets[self.at]
        tok = first_token(self)
        return tok.pos if tok is not None else -1

    def tokens(self) -> Iterator[Tok]:
        """Every leaf token in order, trivia included."""
        for p in self.cst or ():
            if isinstance(p, Tok):
                yield p
            else:
                yield from p.tokens()

    def source_text(self) -> str:
        """The node's text as parsed (ignoring edits)."""
        return "".join(t.text for t in self.tokens())


def source_fields(cls: type) -> tuple[str, ...]:
    """Names of the :data:`SOURCE` fields of a node class (cached per class)."""
    names: tuple[str, ...] | None = _SOURCE_FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in attrs.fields(cls) if f.metadata.get("source"))
        _SOURCE_FIELDS[cls] = names
    return names


_SOURCE_FIELDS: dict[type, tuple[str, ...]] = {}


def light_ready(cls: type, fields: frozenset[str]) -> bool:
    """Whether a light node of ``cls`` is made whole by setting ``fields`` (and ``light``,
    ``at``): its other fields are all source fields (cached per class). A class that
    adds a field of its own is built by its ``__init__`` and then stripped instead."""
    own = _LIGHT_FIELDS.get(cls)
    if own is None:
        names = {f.name for f in attrs.fields(cls) if not f.metadata.get("source")}
        own = _LIGHT_FIELDS[cls] = frozenset(names - {"light", "at"})
    return own == fields


_LIGHT_FIELDS: dict[type, frozenset[str]] = {}


def new_light(cls: type[N], light: Light, at: int, **fields: Any) -> N:
    """A light node of ``cls`` as a light parse makes it: its semantic ``fields`` (all
    of them: see :func:`light_ready`), with no ``__init__`` filling token fields that
    :func:`drop_source` would drop at once."""
    node = object.__new__(cls)
    for name, value in fields.items():
        setattr(node, name, value)
    light.hold(node, at)
    return node


def light_of(node: Node) -> Light | None:
    """The light document ``node`` belongs to (``None``: the node is not light)."""
    part = node.light
    return None if part is None else part.light


class LightPart:
    """The offsets of up to :data:`Light.PART` light nodes, in one array.

    A node's offset as an ``int`` of its own costs 32 bytes (the commonest object of a
    light document after the nodes themselves); here it costs four, and the node holds
    the part and its index there, an int below 257, which Python never allocates.
    """

    __slots__ = ("light", "offsets")

    def __init__(self, light: Light) -> None:
        self.light = light
        self.offsets = array("i")

    def materialize(self) -> None:
        """Give every node of the light document its full source fields back."""
        self.light.materialize()


class Light:
    """A light document's way back to its full tree: the text, and how to parse it.

    While a file is parsed light, :func:`drop_source` strips each node as it is built
    (``ready`` is false, and reading a dropped field raises :class:`NeedsFullTree`).
    :meth:`seal` then strips what is left and records the nodes in tree order;
    :meth:`materialize` parses the text again in full and gives each of them its
    twin's pieces, token fields and snapshot. Edits made meanwhile stay: the snapshot
    is the parse-time state, and children are matched by identity as always.
    """

    __slots__ = ("expand", "memo", "nodes", "offsets", "part", "ready", "reparse")

    #: How many distinct value strings :attr:`memo` holds before it starts afresh.
    MEMO = 1024
    #: How many nodes' offsets one :class:`LightPart` holds: their indexes there are
    #: ints Python keeps once (-5 to 256), so a node's index costs no object.
    PART = 256

    def __init__(self, reparse: Callable[[], Node]) -> None:
        self.reparse = reparse
        self.nodes: list[Node] = []
        self.ready = False
        #: The part the next light node's offset goes to.
        self.part = LightPart(self)
        #: Its offsets (one attribute read less per statement: :func:`~.build.make_entry`).
        self.offsets = self.part.offsets
        #: Value strings read lately, so that a value repeated (``yes``, a device named
        #: on both hosts) is one string: bounded, it costs nothing on unique values.
        self.memo: dict[str, str] = {}
        #: A format's reader of *deferred* children (``None``: the format defers none).
        #: A format whose statements are small beside a node (OCFS2's attributes, an
        #: S-expression's items) leaves the children field of its light containers
        #: unset; the first read of it calls ``expand(node)``, which reads them from the
        #: text at ``node.pos`` as light nodes (:meth:`children_of`). A loaded file then
        #: holds one object per container, not one per token's statement.
        self.expand: Callable[[Node], list[Node]] | None = None

    def children_of(self, node: Node) -> list[Node]:
        """The deferred children of ``node``, read now (see :attr:`expand`) and kept."""
        assert self.expand is not None and node.children_field is not None
        kids = self.expand(node)
        setattr(node, node.children_field, kids)
        if self.ready:  # (before the seal, the seal's walk finds them)
            for kid in kids:  # (its own deferred children are listed when read)
                self.nodes.extend(_level_order(kid, deferring=True))
        return kids

    def hold(self, node: Node, at: int) -> None:
        """Make ``node`` one of this document's light nodes, its first token at ``at``."""
        part = self.part
        offsets = part.offsets
        index = len(offsets)
        if index == self.PART:
            part = self.part = LightPart(self)
            offsets = self.offsets = part.offsets
            index = 0
        try:
            offsets.append(at)
        except OverflowError:  # a text beyond 2 GB: eight bytes an offset
            offsets = part.offsets = self.offsets = array("q", offsets)
            offsets.append(at)
        node.light, node.at = part, index

    def remember(self, value: str) -> str:
        """``value``, now in :attr:`memo` (which starts afresh when full)."""
        memo = self.memo
        if len(memo) >= self.MEMO:
            memo.clear()
        memo[value] = value
        return value

    def share(self, text: str) -> str:
        """``text``, or the equal string read lately (a key, a value): one string for
        all. Not ``sys.intern``: the interpreter's table would grow by every distinct
        key of a file (hosts' addresses, authkeys' numbers) and keep its size."""
        return self.memo.get(text) or self.remember(text)

    def seal(self, root: Node) -> None:
        """Strip every node of ``root`` still holding its source; remember the tree order.

        Raises :class:`TooDeep` for nesting beyond :data:`MAX_DEPTH` (the full parse
        then reports it), as :func:`attach_trivia` does for full trees.
        """
        nodes = _level_order(root, deferring=self.expand is not None)
        for node in reversed(nodes):  # deepest first: a parent's first token may be a child's
            if node.light is None:
                drop_source(node, self, _first_offset(node))
        self.nodes = nodes
        self.ready = True
        self.memo = {}

    def materialize(self) -> None:
        """Give every node of the light document its full source fields back."""
        if not self.ready:
            raise NeedsFullTree
        nodes, self.nodes = self.nodes, []
        if not nodes:
            return
        twins = _level_order(self.reparse())
        if self.expand is not None:
            twins = _twins_by_offset(nodes, twins)
            self.expand = None
        if len(twins) != len(nodes) or any(
            type(a) is not type(b) for a, b in zip(nodes, twins, strict=False)
        ):
            raise RuntimeError("xencfg internal error: the full parse differs from the light one")
        mine = {id(t): n for t, n in zip(twins, nodes, strict=True)}
        for node, twin in zip(nodes, twins, strict=True):
            if _deferred(node):  # never read: the twin's own children (full nodes) serve
                field = node.children_field
                assert field is not None
                kids = getattr(twin, field)
                setattr(node, field, kids)
                mine.update((id(k), k) for k in kids)
            for name in source_fields(type(node)):
                setattr(node, name, getattr(twin, name))
            node.snap = node.adopt_snapshot(twin.snap, mine)
            cst = node.cst
            if cst is not None:
                node.cst = [mine.get(id(p), p) if isinstance(p, Node) else p for p in cst]
            node.light = None
            node.at = -1


def _deferred(node: Node) -> bool:
    """Whether ``node``'s children are deferred and not read yet (see :attr:`Light.expand`)."""
    field = node.children_field
    if field is None or node.light is None:
        return False
    try:
        object.__getattribute__(node, field)
    except AttributeError:
        return True
    return False


def _twins_by_offset(nodes: list[Node], twins: list[Node]) -> list[Node]:
    """The twin of each light node of a deferring format, found by its type and first
    offset (its level-order place differs: children read after the seal are listed at
    the end, and children never read have no light node at all)."""
    by_place: dict[tuple[type, int], Node] = {}
    for twin in twins:
        tok = first_token(twin)
        by_place.setdefault((type(twin), -1 if tok is None else tok.pos), twin)
    found = [by_place.get((type(n), n.pos)) for n in nodes]
    if any(t is None for t in found) or len({id(t) for t in found}) != len(found):
        raise RuntimeError("xencfg internal error: the full parse differs from the light one")
    return [t for t in found if t is not None]


def _level_order(root: Node, deferring: bool = False) -> list[Node]:
    """``root`` and its descendants, level by level (the order :class:`Light` pairs by).

    Read breadth first into the one list it returns (a list per level would double
    the peak of a file whose statements are all at the top). ``deferring``: children
    not read yet (:attr:`Light.expand`) stay unread."""
    out: list[Node] = [root]
    depth, level_end, i = 0, 1, 0
    while i < len(out):
        if i == level_end:
            depth += 1
            level_end = len(out)
            if depth > MAX_DEPTH:
                first = out[i]
                raise TooDeep(first.pos if first.light is not None else _first_offset(first))
        node = out[i]
        if node.children_field is not None and not (deferring and _deferred(node)):
            out.extend(node.child_nodes())  # (a statement has no children field: no call)
        i += 1
    return out


def _first_offset(node: Node) -> int:
    """Offset of a node's first significant token, reading light children's ``at``."""
    for p in node.cst or ():
        if isinstance(p, Tok):
            if not p.is_trivia:
                return p.pos
        else:
            at = p.pos if p.light is not None else _first_offset(p)
            if at >= 0:
                return at
    return -1


#: The light parses under way, innermost last (``None``: a full parse nested in one).
_BUILDING: list[Light | None] = []


def building() -> Light | None:
    """The light document being parsed now, if any (builders strip what they make)."""
    return _BUILDING[-1] if _BUILDING else None


def drop_source(node: Node, light: Light, at: int) -> None:
    """Make ``node`` light: keep its values and first offset, drop its source fields."""
    light.hold(node, at)
    for name in source_fields(type(node)):  # (all set: a node is dropped only once)
        delattr(node, name)


def first_token(node: Node) -> Tok | None:
    """The first non-trivia token of a node, or ``None``."""
    for p in node.cst or ():
        if isinstance(p, Tok):
            if not p.is_trivia:
                return p
        else:
            tok = first_token(p)
            if tok is not None:
                return tok
    return None


def _first_pos(piece: Piece) -> int:
    if isinstance(piece, Tok):
        return -1 if piece.is_trivia else piece.pos
    tok = first_token(piece)
    return -1 if tok is None else tok.pos


def _last_end(piece: Piece) -> int:
    if isinstance(piece, Tok):
        return -1 if piece.is_trivia else piece.end
    for p in reversed(piece.cst or ()):
        end = _last_end(p)
        if end >= 0:
            return end
    return -1


def split_gap(gap: str) -> tuple[str, str]:
    """Trailing part (through the first newline) and leading part of inter-token text."""
    i = gap.find("\n")
    if i < 0:
        return gap, ""
    return gap[: i + 1], gap[i + 1 :]


def attach_trivia(root: Node, text: str) -> None:
    """Fill every gap between the tokens of ``root`` with trivia tokens.

    Parsers drop white space and comments (``%ignore``); this puts them back,
    owned as the module docstring says, so that ``render(root) == text``.
    """
    end = _fill(root, text, 0, 0)
    pieces = root.cst if root.cst is not None else []
    first = _first_pos(root)
    if first < 0:
        # No token at all (empty file, or comments only): all of it is trivia.
        if text:
            pieces.insert(0, Tok(TRIVIA, text, 0))
        root.cst = pieces
        return
    if first > 0:
        _prepend_trivia(pieces, text[:first], 0)
    if end < len(text):
        # The last line's tail (spacing, comment, newline) belongs to the last
        # node, as between nodes; only what follows goes to the root.
        trail, lead = split_gap(text[end:])
        last = next((p for p in reversed(pieces) if _last_end(p) >= 0), None)
        if isinstance(last, Node) and last.cst is not None and _last_end(last) == end:
            last.cst.append(Tok(TRIVIA, trail, end))
            if lead:
                pieces.append(Tok(TRIVIA, lead, end + len(trail)))
        else:
            pieces.append(Tok(TRIVIA, text[end:], end))
    root.cst = pieces


def _prepend_trivia(pieces: list[Piece], gap: str, pos: int) -> None:
    for i, p in enumerate(pieces):
        if _first_pos(p) >= 0:
            if isinstance(p, Node) and p.cst is not None:
                p.cst.insert(0, Tok(TRIVIA, gap, pos))
            else:
                pieces.insert(i, Tok(TRIVIA, gap, pos))
            return
    pieces.insert(0, Tok(TRIVIA, gap, pos))


def _fill(node: Node, text: str, cursor: int, depth: int) -> int:
    """Insert trivia between the significant pieces of ``node``; return the end offset."""
    if depth > MAX_DEPTH:
        raise TooDeep(cursor)
    pieces = node.cst
    if not pieces:
        return cursor
    out: list[Piece] = []
    prev: Piece | None = None
    started = False
    for piece in pieces:
        start = _first_pos(piece)
        if start < 0:
            if isinstance(piece, Tok) and piece.is_trivia:
                out.append(piece)
            elif isinstance(piece, Node):
                out.append(piece)  # an empty node: nothing to fill
            continue
        if started and start > cursor:
            trail, lead = split_gap(text[cursor:start])
            if trail:
                if isinstance(prev, Node) and prev.cst is not None:
                    prev.cst.append(Tok(TRIVIA, trail, cursor))
                else:
                    out.append(Tok(TRIVIA, trail, cursor))
            if lead:
                lead_tok = Tok(TRIVIA, lead, cursor + len(trail))
                if isinstance(piece, Node) and piece.cst is not None:
                    piece.cst.insert(0, lead_tok)
                else:
                    out.append(lead_tok)
        started = True
        cursor = _fill(piece, text, start, depth + 1) if isinstance(piece, Node) else piece.end
        out.append(piece)
        prev = piece
    node.cst = out
    return cursor


# -- rendering ---------------------------------------------------------------


def render(node: Node, style: Style) -> str:
    """The text of ``node``: source pieces where unchanged, splices where edited."""
    out: list[str] = []
    _render(node, style, out, "")
    return "".join(out)


def _indent_before(pieces: Sequence[Piece]) -> str | None:
    """Indentation of the line a node starts on, read from its leading trivia."""
    if pieces and isinstance(pieces[0], Tok) and pieces[0].is_trivia:
        last = pieces[0].text.rsplit("\n", 1)[-1]
        if last.strip() == "":
            return last
    return None


def _child_indent(node: Node, own_indent: str, style: Style) -> str:
    for child in node.cst or ():
        if isinstance(child, Node) and child.cst is not None:
            ind = _indent_before(child.cst)
            if ind is not None:
                return ind
    return own_indent + style.indent if node.nests else own_indent


def _ends_blank(out: list[str]) -> bool:
    """Whether the text so far is empty or ends with a blank line."""
    tail = "".join(out[-2:])
    return len(tail) == 0 or tail.endswith("\n\n") or tail.endswith("\n\r\n")


def _emit_new(child: Node, indent: str, style: Style, out: list[str]) -> None:
    if out and out[-1] and not out[-1].endswith("\n"):
        out.append(style.newline)
    if style.apart(child, indent) and not _ends_blank(out):
        out.append(style.newline)
    above, inline = _moved_comments(child)
    out.extend(indent + line + style.newline for line in above)
    text = style.render_node(child, indent)
    if inline and text.endswith(style.newline) and "\n" not in text[: -len(style.newline)]:
        text = text[: -len(style.newline)] + " " + inline + style.newline
    out.append(text)


def _moved_comments(node: Node) -> tuple[list[str], str]:
    """The comment lines above and the comment after a node that was parsed in another
    place and moved here (a new node has none): they move with it."""
    pieces = node.cst or []
    if not pieces:
        return [], ""
    first, last = pieces[0], pieces[-1]
    above: list[str] = []
    if isinstance(first, Tok) and first.is_trivia and len(pieces) > 1:
        above = [ln.strip() for ln in first.text.split("\n") if ln.strip()]
    inline = ""
    if isinstance(last, Tok) and last.is_trivia:
        inline = last.text.split("\n", 1)[0].strip()
    return above, inline


def _render(node: Node, style: Style, out: list[str], indent: str) -> None:
    if node.cst is None:
        out.append(style.render_node(node, indent))
        return
    pieces: list[Piece] = node.cst
    own_indent = _indent_before(pieces)
    if own_indent is not None:
        indent = own_indent
    if node.state() != node.snap:
        spliced = node.splice(pieces, style)
        if spliced is None:
            out.append(_rerender_in_place(node, pieces, indent, style))
            return
        pieces = spliced
    originals = [p for p in pieces if isinstance(p, Node)]
    current = list(node.child_nodes())
    same = len(originals) == len(current)
    if same and all(a is b for a, b in zip(originals, current, strict=True)):
        for p in pieces:
            if isinstance(p, Tok):
                out.append(p.text)
            else:
                _render(p, style, out, indent)
        return
    _render_changed_children(node, pieces, originals, current, style, out, indent)


def _render_changed_children(
    node: Node,
    pieces: list[Piece],
    originals: list[Node],
    current: list[Node],
    style: Style,
    out: list[str],
    indent: str,
) -> None:
    orig_ids = {id(c) for c in originals}
    kept = [c for c in current if id(c) in orig_ids]
    kept_ids = {id(c) for c in kept}
    new_after: dict[int | None, list[Node]] = {}
    prev: Node | None = None
    for c in current:
        if id(c) in orig_ids:
            prev = c
        else:
            new_after.setdefault(id(prev) if prev is not None else None, []).append(c)
    child_indent = _child_indent(node, indent, style)
    slots = iter(kept)
    leading_new = new_after.get(None, [])
    if kept:
        first_slot = next(
            i for i, p in enumerate(pieces) if isinstance(p, Node) and id(p) in kept_ids
        )
        insert_at = first_slot
    else:
        insert_at = node_insert_index(node, pieces)
    for i, p in enumerate(pieces):
        if i == insert_at and leading_new:
            for c in leading_new:
                _emit_new(c, child_indent, style, out)
            leading_new = []
            after = p.source_text().lstrip(" \t") if isinstance(p, Node) else ""
            if isinstance(p, Node) and style.apart(p, child_indent) and after[:1] not in "\r\n":
                out.append(style.newline)  # (and from the text after it)
        if isinstance(p, Tok):
            if not p.is_trivia and out and out[-1].endswith("\n") and i > 0:
                prev_piece = pieces[i - 1]
                if isinstance(prev_piece, Node) and not prev_piece.source_text().endswith("\n"):
                    # a one-line block that new lines were added to: indent its closer
                    out.append(indent)
            out.append(p.text)
            continue
        if id(p) not in kept_ids:
            # removed: its owned trivia goes with it; but a node that ended a line it did
            # not start (multipath's ``device { vendor "X"``) leaves the line break, or
            # the next line would join the line of what stood before it
            text = p.source_text()
            last = next((chunk for chunk in reversed(out) if chunk), "\n")
            if text.endswith("\n") and not last.endswith("\n"):
                out.append("\r\n" if text.endswith("\r\n") else "\n")
            continue
        child = next(slots)
        _render(child, style, out, indent)
        for c in new_after.get(id(child), ()):
            _emit_new(c, child_indent, style, out)
    for c in leading_new:  # insertion point at the very end
        _emit_new(c, child_indent, style, out)


def node_insert_index(node: Node, pieces: Sequence[Piece]) -> int:
    """Where new children go when a node has none: before its closing token.

    A closing token is a ``}`` or ``)``; for a document (no closer) it is the
    end. Leading trivia of the closer (a comment line before ``}``) stays last.
    """
    closer = getattr(node, "closer", ("}", ")"))
    for i in range(len(pieces) - 1, -1, -1):
        p = pieces[i]
        if isinstance(p, Tok) and not p.is_trivia and p.text in closer:
            j = i
            while j > 0:
                prev = pieces[j - 1]
                if not (isinstance(prev, Tok) and prev.is_trivia):
                    break
                if "\n" in prev.text:
                    # keep a same-line tail ("{ # x\n") before the insertion point
                    break
                j -= 1
            return j
    return len(pieces)


def _rerender_in_place(node: Node, pieces: list[Piece], indent: str, style: Style) -> str:
    """Canonical text for a changed node, keeping its leading and trailing trivia."""
    lead = ""
    if pieces and isinstance(pieces[0], Tok) and pieces[0].is_trivia:
        lead = pieces[0].text
        cut = lead.rfind("\n") + 1
        if lead[cut:].strip() == "":
            lead = lead[:cut]
    trail = ""
    if len(pieces) > 1 and isinstance(pieces[-1], Tok) and pieces[-1].is_trivia:
        trail = pieces[-1].text
    body = style.render_node(node, indent)
    if trail and body.endswith(style.newline):
        body = body[: -len(style.newline)]
    return lead + body + trail


def significant(node: Node) -> list[str]:
    """Non-trivia token texts, in order (used by tests: nothing dropped)."""
    return [t.text for t in node.tokens() if not t.is_trivia]


def drop_children(children: list[Any], gone: Callable[[Any], bool]) -> int:
    """Remove the nodes ``gone`` picks from ``children`` (the list itself, which the
    document holds); return how many went."""
    before = len(children)
    children[:] = [c for c in children if not gone(c)]
    return before - len(children)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every descendant model node, depth first, in current order."""
    yield node
    for child in node.child_nodes():
        yield from walk(child)


def detached(node: Node) -> Node:
    """A deep copy of ``node`` that forgot its source: it renders canonically."""
    import copy

    clone = copy.deepcopy(node)
    for n in walk(clone):
        n.cst = None
        n.snap = None
    return clone
