"""The CIB document's own element tree: compact, and not libxml2's.

libxml2's tree of an attribute-dense CIB costs about 12x the file (an ``xmlAttr``, a
text node and a string per attribute); a load of ours must stay under 10x. The tree
here holds what the views and the rules read, and nothing else: each element is one
:class:`Node` with ``__slots__``, its attribute names a tuple shared by every element
written with the same names, its values a tuple of strings, no list for an element
without children.

It is read from libxml2's SAX events through lxml's parser-target interface (the same
parser and options as every other read, :func:`.xmltext._parser_options`, fed a piece
at a time): libxml2 builds no tree, and the tags, attribute values, comments and errors
are still libxml2's. The offsets of the start tags are placed on first need
(:meth:`Tree.place`), and ``sourceline`` is read from the text as libxml2 counts it.
What libxml2 checks only as it builds its tree (namespaces, ``xml:id``, its depth
limit), a fragment of several roots, a DOCTYPE and any error are read by lxml's tree as
before and copied (:func:`from_lxml`).

A :class:`Node` answers the read part of lxml's element API that the views, the rules
and the document use (``tag``, ``get``, ``attrib``, ``iter``, ``getparent`` ...).
Anything else (an edit, XPath, ``text``) *materializes* the tree: the text is parsed
again by lxml, each node is paired with its twin there, and from then on every node
forwards every call to its twin (:class:`_Twin`), and the document reads the lxml tree
(:meth:`.model.CibDocument._sync`), exactly as before this module existed.
"""

from __future__ import annotations

import bisect
import copy
import functools
import operator
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..._lazy import etree, lazy_re
from ...errors import ParseError
from ...syntax.source import encode

#: Characters of the text encoded and fed to the parser at a time.
_CHUNK = 1 << 16


class Tree:
    """What a tree needs to materialize: its text and how it was parsed (the root
    node's parent slot holds it)."""

    __slots__ = ("done", "found", "mode", "newlines", "path", "root", "text")

    def __init__(self, text: str, path: str | None, mode: str) -> None:
        self.text = text
        self.path = path
        #: "plain" (one root), "wrapped" (a fragment of several) or "recovered"
        self.mode = mode
        self.root: Node | None = None
        self.done = False
        #: the root's elements of each tag filter asked (the views ask for the same few
        #: again and again, and a walk in Python costs what lxml's in C did not)
        self.found: dict[tuple[Any, ...], list[Node]] = {}
        #: the offset of each line break of the text (on first need: lines are asked
        #: for the few elements a finding names)
        self.newlines: array[int] | None = None

    def place(self) -> None:
        """Give each element node the offset of its start tag (on first need: a load
        that is only read never asks), from :func:`.xmltext.tag_starts`."""
        from .xmltext import tag_starts

        assert self.root is not None
        nodes = [n for n in self.root.walk() if isinstance(n._tag, str)]
        if self.mode == "wrapped":
            nodes[0]._at = -1  # the wrapper, which the text does not have
            nodes = nodes[1:]
        starts = tag_starts(self.text)
        if len(starts) != len(nodes):
            raise ParseError("internal: the tag scanner lost step with the XML parser")
        for n, at in zip(nodes, starts, strict=True):
            n._at = at

    def line_at(self, at: int) -> int:
        """lxml's ``sourceline`` of the element whose start tag is at offset ``at``:
        libxml2 makes the element at the end of its start tag and counts ``\\n`` only
        (``<b\\n x="1"\\n/>`` is on line 3 of its own); 1 for a fragment's wrapper."""
        if at < 0:
            return 1
        if self.newlines is None:
            self.newlines = array("q", [m.start() for m in re.finditer("\n", self.text)])
        end = _TAG_END.match(self.text, at)
        stop = end.end() - 1 if end is not None else at
        return bisect.bisect_left(self.newlines, stop) + 1

    def materialize(self) -> None:
        """Parse the text with lxml and make every node forward to its twin there."""
        if self.done:
            return
        from . import xmltext

        if self.mode == "recovered":
            twin_root = xmltext.recovered(self.text)
        else:
            twin_root = xmltext.load(self.text, self.path)[0]
        assert self.root is not None
        mine = list(self.root.walk())
        twins = [] if twin_root is None else list(twin_root.iter())
        if len(mine) != len(twins) or any(
            m._tag != t.tag for m, t in zip(mine, twins, strict=True)
        ):
            raise ParseError("internal: the CIB's tree lost step with lxml's", path=self.path)
        for m, t in zip(mine, twins, strict=True):
            m._v = t  # (the walk below the node, _k, stays: an iteration may be running)
            m.__class__ = _Twin
        self.done = True


def _matcher(tags: tuple[Any, ...]) -> Callable[[Any], bool] | None:
    """lxml's tag filter (``name`` is ``{}name``, ``{*}name`` any namespace or none,
    ``*`` any element); ``None`` for what only lxml answers (a filter such as
    ``etree.Comment``)."""
    exact: set[str] = set()
    local: set[str] = set()
    for t in tags:
        if not isinstance(t, str):
            return None
        if t in ("*", "{*}*"):
            return lambda tag: isinstance(tag, str)
        if t.startswith("{*}"):
            local.add(t[3:])
        elif t.startswith("{") and t.endswith("}*"):
            return None
        elif t.startswith("{}"):
            exact.add(t[2:])
        else:
            exact.add(t)
    if not local:
        return lambda tag: tag in exact
    return lambda tag: (
        isinstance(tag, str)
        and (tag in exact or (tag.rsplit("}", 1)[-1] if "}" in tag else tag) in local)
    )


class Attrib(Mapping[str, str]):
    """``node.attrib``, read-only: a write materializes the tree (then lxml's)."""

    __slots__ = ("_node",)

    def __init__(self, node: Node) -> None:
        self._node = node

    def __getitem__(self, key: str) -> str:
        value = self._node.get(key)
        if value is None:
            raise KeyError(key)
        return str(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._node.keys())

    def __len__(self) -> int:
        return len(self._node.keys())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._node.get(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        return self._node.get(key, default)

    def items(self) -> Any:
        return self._node.items()

    def keys(self) -> Any:
        return self._node.keys()

    def values(self) -> Any:
        return self._node.values()

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def _lxml(self) -> Any:
        self._node.materialize()
        return self._node.attrib

    def __setitem__(self, key: str, value: str) -> None:
        self._lxml()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._lxml()[key]

    def pop(self, key: str, *default: Any) -> Any:
        return self._lxml().pop(key, *default)

    def update(self, *args: Any, **kw: Any) -> None:
        self._lxml().update(*args, **kw)

    def clear(self) -> None:
        self._lxml().clear()


class RootTree:
    """What ``getroottree()`` gives: the document's root (:meth:`getroot`)."""

    __slots__ = ("_root",)

    def __init__(self, root: Node) -> None:
        self._root = root

    def getroot(self) -> Node:
        return self._root

    def __getattr__(self, name: str) -> Any:
        return getattr(unwrap(self._root).getroottree(), name)


class Node:
    """An element (or a comment or processing instruction: ``tag`` is then
    ``etree.Comment`` / ``etree.PI``, as in lxml) of the CIB document.

    Slots: ``_tag``; ``_at`` the offset of its start tag (``None`` until asked:
    :meth:`Tree.place`; -1: a fragment's wrapper, which the text does not have; the
    ``sourceline`` is read from the text on demand); ``_p`` the parent (the
    :class:`Tree` for the root); ``_k`` the children (a tuple, ``None`` for none);
    ``_n`` the attribute names (a shared tuple; a PI's target); ``_v`` their values (a
    comment's text; the lxml twin once materialized).
    """

    __slots__ = ("_at", "_k", "_n", "_p", "_tag", "_v")

    def __init__(self, tag: Any, at: int | None, parent: Any, names: Any, values: Any) -> None:
        self._tag = tag
        self._at = at
        self._p = parent
        self._k: tuple[Node, ...] | None = None
        self._n = names
        self._v = values

    # -- materializing ------------------------------------------------------------
    def _tree(self) -> Tree:
        n = self
        while isinstance(n._p, Node):
            n = n._p
        tree = n._p
        assert isinstance(tree, Tree)
        return tree

    def materialize(self) -> None:
        """Switch the whole tree to lxml's (see the module's docstring)."""
        self._tree().materialize()

    def __getattr__(self, name: str) -> Any:
        # the rest of lxml's element API: lxml answers it, on the twin (any other name
        # is an AttributeError, as on lxml's element: getattr(el, "x", None) probes must
        # not materialize the tree)
        if name.startswith("_") or name not in _lxml_names():
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.materialize()
        return getattr(self, name)

    # -- lxml's read API ----------------------------------------------------------
    def _set_tag(self, value: Any) -> None:
        self.materialize()
        self.tag = value

    #: (a C getter: the rules read tags millions of times)
    tag = property(operator.attrgetter("_tag"), _set_tag)

    def offset(self) -> int:
        """The offset of the start tag in the text (-1: a fragment's wrapper)."""
        if self._at is None:
            self._tree().place()
        # (place() sets every node's offset; mypy cannot see it through the call)
        return self._at  # type: ignore[return-value]

    @property
    def sourceline(self) -> int | None:
        return self._tree().line_at(self.offset())

    @property
    def text(self) -> str | None:
        self.materialize()
        return self.text

    @text.setter
    def text(self, value: str | None) -> None:
        self.materialize()
        self.text = value

    @property
    def tail(self) -> str | None:
        self.materialize()
        return self.tail

    @tail.setter
    def tail(self, value: str | None) -> None:
        self.materialize()
        self.tail = value

    @property
    def attrib(self) -> Attrib:
        return Attrib(self)

    def get(self, key: str, default: Any = None) -> Any:
        names = self._n
        if key in names:
            return self._v[names.index(key)]
        return default

    def keys(self) -> list[str]:
        return list(self._n)

    def values(self) -> list[str]:
        return list(self._v)

    def items(self) -> list[tuple[str, str]]:
        return list(zip(self._n, self._v, strict=True))

    def as_dict(self) -> dict[str, str]:
        """The attributes (``dict(el.attrib)``), in one pass."""
        return dict(zip(self._n, self._v, strict=True))

    def __len__(self) -> int:
        return len(self._k) if self._k else 0

    def __iter__(self) -> Iterator[Node]:
        return iter(self._k or ())

    def __getitem__(self, i: Any) -> Any:
        kids = self._k or ()
        return list(kids[i]) if isinstance(i, slice) else kids[i]

    def __contains__(self, x: object) -> bool:
        return any(k is x for k in self._k or ())

    def index(self, child: Any, start: int | None = None, stop: int | None = None) -> int:
        kids = self._k or ()
        for i in range(len(kids))[slice(start, stop)]:
            if kids[i] is child:
                return i
        raise ValueError("list.index(x): x not in list")

    def getparent(self) -> Node | None:
        p = self._p
        return p if isinstance(p, Node) else None

    def _siblings(self) -> tuple[tuple[Node, ...], int]:
        p = self._p
        if not isinstance(p, Node) or not p._k:
            return (), -1
        for i, k in enumerate(p._k):
            if k is self:
                return p._k, i
        return (), -1

    def getnext(self) -> Node | None:
        kids, i = self._siblings()
        return kids[i + 1] if 0 <= i < len(kids) - 1 else None

    def getprevious(self) -> Node | None:
        kids, i = self._siblings()
        return kids[i - 1] if i > 0 else None

    def getroottree(self) -> RootTree:
        n = self
        while isinstance(n._p, Node):
            n = n._p
        return RootTree(n)

    def walk(self) -> Iterator[Node]:
        """This node and every node under it, in document order."""
        stack = [self]
        pop, push = stack.pop, stack.extend
        while stack:
            n = pop()
            yield n
            if n._k:
                push(reversed(n._k))

    def _filtered(
        self, nodes: Iterator[Node], tag: Any, tags: tuple[Any, ...], name: str, **kw: Any
    ) -> Iterator[Any]:
        if tag is None and not tags:
            return nodes
        return self._matching(nodes, (tag, *tags) if tag is not None else tags, name, **kw)

    def _matching(
        self, nodes: Iterator[Node], tags: tuple[Any, ...], name: str, **kw: Any
    ) -> Iterator[Any]:
        match = _matcher(tags)
        if match is None:
            self.materialize()
            yield from getattr(self, name)(*tags, **kw)
            return
        for n in nodes:
            if match(n._tag):
                yield n

    def iter(self, tag: Any = None, *tags: Any) -> Iterator[Any]:
        tree = self._p
        if isinstance(tree, Tree) and (tag is not None or tags):
            key = (tag, *tags)
            found = tree.found.get(key)
            if found is None:
                found = tree.found[key] = list(self._filtered(self.walk(), tag, tags, "iter"))
            return iter(found)
        return self._filtered(self.walk(), tag, tags, "iter")

    def iterdescendants(self, tag: Any = None, *tags: Any) -> Iterator[Any]:
        nodes = self.walk()
        next(nodes)
        return self._filtered(nodes, tag, tags, "iterdescendants")

    def iterchildren(self, tag: Any = None, *tags: Any, reversed: bool = False) -> Iterator[Any]:
        kids = self._k or ()
        nodes = iter(kids[::-1] if reversed else kids)
        return self._filtered(nodes, tag, tags, "iterchildren", reversed=reversed)

    def iterancestors(self, tag: Any = None, *tags: Any) -> Iterator[Any]:
        def up() -> Iterator[Node]:
            p = self._p
            while isinstance(p, Node):
                yield p
                p = p._p

        return self._filtered(up(), tag, tags, "iterancestors")

    def itersiblings(self, tag: Any = None, *tags: Any, preceding: bool = False) -> Iterator[Any]:
        kids, i = self._siblings()
        nodes = iter(kids[:i][::-1] if preceding else kids[i + 1 :]) if i >= 0 else iter(())
        return self._filtered(nodes, tag, tags, "itersiblings", preceding=preceding)

    def __copy__(self) -> Any:
        self.materialize()
        return copy.copy(self)

    def __deepcopy__(self, memo: Any) -> Any:
        self.materialize()
        return copy.deepcopy(self, memo)

    def __repr__(self) -> str:
        return f"<Element {self._tag} at 0x{id(self):x}>"


@functools.cache
def _lxml_names() -> frozenset[str]:
    """The public names of lxml's element class (what a node materializes for)."""
    return frozenset(n for n in dir(etree._Element) if not n.startswith("_"))


def _forward(name: str) -> Callable[..., Any]:
    def method(self: Node, *args: Any, **kw: Any) -> Any:
        return getattr(self._v, name)(*[unwrap(a) for a in args], **kw)

    method.__name__ = name
    return method


def _forward_property(name: str) -> property:
    def fget(self: Node) -> Any:
        return getattr(self._v, name)

    def fset(self: Node, value: Any) -> None:
        setattr(self._v, name, value)

    return property(fget, fset)


class _Twin(Node):
    """A node of a materialized tree: every call goes to its lxml twin (``_v``)."""

    __slots__ = ()

    def materialize(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in Node.__slots__:
            raise AttributeError(name)
        found = getattr(self._v, name)
        if not callable(found):
            return found

        def call(*args: Any, **kw: Any) -> Any:
            return found(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kw.items()})

        return call

    def __iter__(self) -> Iterator[Any]:
        return iter(self._v)

    def __len__(self) -> int:
        return len(self._v)

    def __contains__(self, x: object) -> bool:
        return unwrap(x) in self._v

    def __eq__(self, other: object) -> bool:
        # once materialized, the document hands out the lxml twins: the same element
        return other is self or other is self._v or (type(other) is _Twin and other._v is self._v)

    __hash__ = Node.__hash__

    def as_dict(self) -> dict[str, str]:
        from .xmltext import attributes

        return attributes(self._v)

    def __copy__(self) -> Any:
        return copy.copy(self._v)

    def __deepcopy__(self, memo: Any) -> Any:
        return copy.deepcopy(self._v, memo)


for _name in ("tag", "sourceline", "text", "tail", "attrib"):
    setattr(_Twin, _name, _forward_property(_name))
for _name in (
    "get", "keys", "values", "items", "__getitem__", "__setitem__", "__delitem__", "index",
    "getparent", "getnext", "getprevious", "getroottree", "iter", "iterdescendants",
    "iterchildren", "iterancestors", "itersiblings",
):  # fmt: skip
    setattr(_Twin, _name, _forward(_name))


def unwrap(x: Any) -> Any:
    """The lxml element for ``x`` (its twin, materializing the tree, for a :class:`Node`;
    a list of them for a list)."""
    if isinstance(x, Node):
        x.materialize()
        return x._v
    if isinstance(x, list | tuple) and any(isinstance(i, Node) for i in x):
        return [unwrap(i) for i in x]
    return x


def soft(x: Any) -> Any:
    """``x``'s lxml twin if its tree is materialized, else ``x`` itself (no parse)."""
    return x._v if type(x) is _Twin else x


# -- building ------------------------------------------------------------------------


#: The rest of a start tag from its ``<``, up to its ``>`` (quoted values may hold ``>``).
_TAG_END = lazy_re(r"""[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>""")


#: Nesting from which a text is read by lxml's tree instead (libxml2 refuses more than
#: 256 levels without ``huge_tree``, and says so only when it builds its tree).
_DEPTH = 200


class _Builder:
    """The target of lxml's parser (libxml2's SAX events, no tree built): the nodes."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.stack: list[Node] = []
        self.kids: list[list[Node]] = []
        self.shapes: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self.strings: dict[str, str] = {}

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        strings = self.strings
        # what libxml2 refuses only when it builds its tree (see _namespaced too):
        # nesting deeper than its limit
        if len(self.stack) >= _DEPTH:
            raise ValueError("read by lxml's tree")
        if attrib:
            names = tuple(attrib)
            names = self.shapes.setdefault(names, names)
            setdefault = strings.setdefault
            # (libxml2 hands a target "&" written &amp; or &#38; as "&#38;", which its
            # tree builder decodes: the only reference left in a value, xmlParseAttValue)
            values = tuple(
                [
                    (v if k == "id" else setdefault(v, v))
                    if "&" not in v
                    else v.replace("&#38;", "&")
                    for k, v in attrib.items()
                ]
            )
        else:
            names = values = ()
        stack = self.stack
        node = Node(strings.setdefault(tag, tag), None, None, names, values)
        if stack:
            node._p = stack[-1]
            self.kids[-1].append(node)
        else:
            node._p = self.tree
            self.tree.root = node
        stack.append(node)
        self.kids.append([])

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        kids = self.kids.pop()
        if kids:
            node._k = tuple(kids)

    def comment(self, text: str) -> None:
        if self.stack:  # (a comment or PI outside the root is no node, as in lxml)
            self.kids[-1].append(_Misc(etree.Comment, -1, self.stack[-1], (), text))

    def pi(self, target: str, data: str | None) -> None:
        if self.stack:
            self.kids[-1].append(_Misc(etree.PI, -1, self.stack[-1], target, data))

    def close(self) -> Node | None:
        return self.tree.root


#: A run of name characters, and what follows a colon in an attribute name.
_NAME_RUN = re.compile(r"""[^\s<>/="'!?]*""")
_ATTR_REST = re.compile(r"""[^\s<>/="']*\s*=""")


def _namespaced(text: str) -> bool:
    """Whether ``text`` may hold a prefixed name or a namespace declaration: what lxml's
    parser target does not check (libxml2 reports an undeclared prefix, an ``xml:id``
    twice ... only as it builds its tree). Such a text is read by lxml's tree."""
    if "xmlns" in text:
        return True
    i = text.find(":")
    while i >= 0:
        lt = text.rfind("<", max(0, i - 1024), i)
        if _NAME_RUN.fullmatch(text, lt + 1 if lt >= 0 else max(0, i - 1024), i):
            return True  # a tag name with a colon
        if _ATTR_REST.match(text, i + 1):
            return True  # an attribute name with a colon
        i = text.find(":", i + 1)
    return False


def build(text: str, path: str | None) -> Node:
    """The tree of a well-formed, single-root ``text``, from libxml2's SAX events (fed a
    piece at a time; no libxml2 tree is built); lxml's error (``XMLSyntaxError``,
    ``ValueError``) for any other text (the caller then reads it the old way:
    :func:`from_lxml`)."""
    from .xmltext import _parser_options

    if _namespaced(text):
        raise ValueError("read by lxml's tree")
    tree = Tree(text, path, "plain")
    builder = _Builder(tree)
    target: Any = builder
    parser = etree.XMLParser(target=target, **_parser_options())
    for at in range(0, len(text), _CHUNK):
        parser.feed(encode(text[at : at + _CHUNK]))
    parser.close()
    # an error libxml2 raises only when it builds its tree (an undeclared namespace
    # prefix, an xml:id twice ...) is in the log all the same: the tree then tells
    errors = [e for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
    root = tree.root
    if root is None or builder.stack or errors:
        raise ValueError("not one root element, or an error for lxml's tree to tell")
    return root


class _Misc(Node):
    """A comment, PI or entity reference: its text is ``_v`` (a PI's target ``_n``); its
    line is lxml's (the builder does not place them)."""

    __slots__ = ()

    def _set_text(self, value: str | None) -> None:
        self.materialize()
        self.text = value

    text = property(operator.attrgetter("_v"), _set_text)

    @property
    def sourceline(self) -> int | None:
        self.materialize()
        return self.sourceline


def from_lxml(root: Any, text: str, path: str | None, mode: str, starts: Any) -> Node:
    """The tree of lxml's ``root`` (a fragment's wrapper, a recovered CIB ...);
    ``starts``: the offsets of the start tags in the text (a wrapper has none)."""
    tree = Tree(text, path, mode)
    shapes: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    skip = len(elements) - len(starts)
    if skip not in (0, 1) or (skip and mode != "wrapped"):
        raise ParseError("internal: the tag scanner lost step with the XML parser", path=path)
    at = {id(el): a for el, a in zip(elements[skip:], starts, strict=True)}

    def one(el: Any, parent: Any) -> Node:
        tag = el.tag
        if isinstance(tag, str):
            items = el.items()
            names = tuple(k for k, _ in items)
            names = shapes.setdefault(names, names)
            values = tuple(v for _, v in items)
            return Node(tag, at.get(id(el), -1), parent, names, values)
        if tag is etree.PI:
            return _Misc(tag, -1, parent, el.target, el.text)
        return _Misc(tag, -1, parent, (), el.text)

    top = one(root, tree)
    stack = [(root, top)]
    while stack:
        el, node = stack.pop()
        kids = [one(c, node) for c in el]
        if kids:
            node._k = tuple(kids)
            stack.extend(zip(el, kids, strict=True))
    tree.root = top
    return top
