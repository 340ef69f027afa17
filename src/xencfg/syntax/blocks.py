"""Statements and blocks: the shape most configuration languages share.

``key value...`` statements (:class:`Entry`) and ``key args... { ... }``
sections (:class:`Block`) cover drbd.conf, multipath.conf, evms.conf and
lvm.conf, and line formats (ha.cf, iscsid.conf) reuse :class:`Entry`. Values
are kept *unquoted* in the model (``"round-robin 0"`` is ``round-robin 0``);
the source keeps the spelling, and a changed value keeps its old quoting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar

import attrs

from ..errors import ValidationError
from .tree import TRIVIA, Light, Node, Piece, Style, Tok, drop_children, nodes_repr, token_field


def needs_quotes(value: str) -> bool:
    """Whether a value must be quoted to stay one token."""
    return value == "" or any(c.isspace() or c in '"#!;{}' for c in value)


def quote(value: str, old: str | None = None) -> str:
    """Spell ``value``, keeping the quote style of the token it replaces."""
    if (old is not None and old[:1] in "\"'") or needs_quotes(value):
        q = old[0] if old and old[:1] in "\"'" else '"'
        return f"{q}{value}{q}"
    return value


@attrs.define(eq=False)
class BlockStyle(Style):
    """Canonical spelling of a block language.

    ``terminator`` ends a statement (``";"`` in drbd.conf), ``separator`` sits
    between a key and its value (``" "`` or ``" = "``).
    """

    terminator: str = ""
    separator: str = " "
    block_terminator: str = ""
    #: A key as the format's grammar reads it whole (its key terminal): a key that does
    #: not match would be written as a line that reads back otherwise, or not at all.
    key_pattern: ClassVar[str] = r"[^\s\"'#;{}\\\x00]+"

    def quote(self, value: str, old: str | None = None) -> str:
        return quote(value, old)

    def check(self, key: str, values: Iterable[str]) -> None:
        """Refuse (:class:`~xencfg.ValidationError`) a statement this format cannot
        write so that it reads back as it is: a key its grammar does not read whole, a
        value :meth:`quote` cannot spell. Edits call it when they are made, so that a
        bad value is refused at the ``set()`` that gave it, not later at ``dumps()``."""
        if not isinstance(key, str) or re.fullmatch(self.key_pattern, key) is None:
            raise ValidationError(f"{key!r} cannot be written as a keyword in this format")
        for v in values:
            if not isinstance(v, str):
                raise ValidationError(f"a value is text here, not {type(v).__name__}: {v!r}")
            self.quote(v)

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Block):
            head = " ".join([node.key, *(self.quote(a) for a in node.args)])
            inner = "".join(self.render_node(c, indent + self.indent) for c in node.children)
            close = f"{indent}}}{self.block_terminator}{self.newline}"
            return f"{indent}{head} {{{self.newline}{inner}{close}"
        if isinstance(node, Entry):
            if node.values:
                vals = " ".join(self.quote(v) for v in node.values)
                return f"{indent}{node.key}{self.separator}{vals}{self.terminator}{self.newline}"
            return f"{indent}{node.key}{self.terminator}{self.newline}"
        return node.render_canonical(indent, self)


def node_repr(node: Node) -> str:
    """``Entry(key=..., values=[...], ...)``: attrs' repr, with the compact value fields
    shown under their public names."""
    shown = []
    for f in attrs.fields(type(node)):
        if f.name in ("_values", "_args"):
            shown.append(f"{f.alias}={getattr(node, f.alias)!r}")
        elif f.repr:
            value = getattr(node, f.name)
            shown.append(f"{f.alias}={f.repr(value) if callable(f.repr) else repr(value)}")
    return f"{type(node).__name__}({', '.join(shown)})"


def _replace_run(
    pieces: list[Piece], old: Sequence[Tok], new: Sequence[str], style: Style, after: Tok | None
) -> list[Piece]:
    """Replace the tokens ``old`` (a run) by ``new`` texts; insert after ``after`` if none."""
    if len(old) == len(new):
        swap = {id(t): Tok(t.kind, s, -1) for t, s in zip(old, new, strict=True) if t.text != s}
        return [swap.get(id(p), p) for p in pieces]
    joined = " ".join(new)
    if not old:
        out: list[Piece] = []
        for p in pieces:
            out.append(p)
            if p is after and joined:
                out.append(Tok("VALUE", " " + joined, -1))
        return out
    first, last = id(old[0]), id(old[-1])
    out = []
    skipping = False
    for p in pieces:
        if id(p) == first:
            skipping = True
            if joined:
                out.append(Tok("VALUE", joined, -1))
            elif (
                out and isinstance(out[-1], Tok) and out[-1].is_trivia and "\n" not in out[-1].text
            ):
                out.pop()  # the space before a value that is gone
        if not skipping:
            out.append(p)
        if id(p) == last:
            skipping = False
    return out


#: How a light node holds a value list until it is read as one: one value as the
#: string; several as one string, joined by :data:`JOIN`; as a tuple where a value holds
#: a newline (a list costs 80 bytes and more, a tuple 64 and more, a string nothing
#: more: most statements hold one value, and a line of /etc/hosts two names, which as
#: one string cost half as much). See :func:`light_form`.
Values = list[str] | str | tuple[str, ...]

#: What joins several values in one string: a newline, which values read from a line
#: seldom hold (:func:`light_form` keeps those that do in a tuple).
JOIN = "\n"


def light_form(values: list[str]) -> Values:
    """``values`` as a light node holds them (:data:`Values`)."""
    if len(values) == 1:
        v = values[0]
        return v if JOIN not in v else (v,)
    joined = JOIN.join(values)
    return joined if joined.count(JOIN) == len(values) - 1 else tuple(values)


def listed(values: Values) -> list[str]:
    """``values`` as the list it stands for."""
    if type(values) is str:
        return values.split(JOIN) if JOIN in values else [values]
    return list(values)


def viewed(values: Values) -> Sequence[str]:
    """``values`` as a sequence to read (no list made of a list or tuple)."""
    if type(values) is str:
        return values.split(JOIN) if JOIN in values else (values,)
    return values


def _first(values: Values) -> str | None:
    if type(values) is str:
        cut = values.find(JOIN)
        return values if cut < 0 else values[:cut]
    return values[0] if values else None


#: Token kinds that hold values (grammars name their value terminals so).
VALUE_KINDS = frozenset({"WORD", "STRING", "VALUE", "NUMBER", "ADDRESS", "QSTRING"})


def _key_and_values(cst: list[Piece] | None, leading: bool) -> tuple[Tok | None, list[Tok]]:
    """A statement's or section's key token (its first significant token) and the value
    tokens after it in its source: every one, or (``leading``: a section's arguments)
    those before its first other piece. As the builders read them
    (:func:`~xencfg.syntax.build.make_entry`), so a node keeps no list of its own."""
    key: Tok | None = None
    values: list[Tok] = []
    for p in cst or ():
        if not isinstance(p, Tok):
            if leading and key is not None:
                break
            continue
        if p.kind == TRIVIA:
            continue
        if key is None:
            key = p
        elif p.kind in VALUE_KINDS:
            values.append(p)
        elif leading:
            break
    return key, values


E = TypeVar("E", bound="Entry")
B = TypeVar("B", bound="Block")


@attrs.define(weakref_slot=False)
class Entry(Node):
    """A ``key value...`` statement. ``values`` are unquoted strings."""

    key: str
    #: The values (:attr:`values`), a light parse's compact way until first read.
    _values: Values = attrs.field(factory=list, alias="values", eq=listed, repr=False)

    def __repr__(self) -> str:
        return node_repr(self)

    # (read from the source pieces, not kept: two fields fewer make every statement
    # 16 bytes smaller, which a light document of many statements feels)
    @property
    def key_tok(self) -> Tok | None:
        """The key's token (``None`` for a statement built in code)."""
        return _key_and_values(self.cst, False)[0]

    @property
    def value_toks(self) -> list[Tok]:
        """The value tokens after the key, as parsed (edits do not change them)."""
        return _key_and_values(self.cst, False)[1]

    @property
    def values(self) -> list[str]:
        """The values, unquoted: a list, which edits may change in place."""
        v = self._values
        if type(v) is not list:
            v = self._values = listed(v)
        return v

    @values.setter
    def values(self, new: list[str]) -> None:
        self._values = new

    def state(self) -> Any:
        return (self.key, tuple(self.values))

    @classmethod
    def light_new(cls: type[E], key: str, values: Values, light: Light, at: int) -> E:
        """A light statement as a light parse makes it: its semantic fields only (no
        ``__init__`` filling token fields that would be dropped at once; see
        :func:`~xencfg.syntax.tree.light_ready`), its values as :data:`Values`."""
        e = object.__new__(cls)
        e.key, e._values = key, values
        light.hold(e, at)
        return e

    @property
    def values_view(self) -> Sequence[str]:
        """The values, to read and not to change: unlike :attr:`values`, it makes no list
        of a light statement's values (parse-time checks read every statement)."""
        v = self._values  # (viewed(), inline: parse-time checks read every statement)
        if type(v) is str:
            return (v,) if JOIN not in v else v.split(JOIN)
        return v

    @property
    def value(self) -> str | None:
        """The first value (most keywords take exactly one), or ``None``."""
        return _first(self._values)  # (no list made for a light statement's one value)

    @value.setter
    def value(self, new: str) -> None:
        self.values = [new]

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        q = style.quote if isinstance(style, BlockStyle) else quote
        key_old, vals_old = self.snap
        out = pieces
        # values first: a flag that gains a value is inserted after the *old* key token
        key_tok, value_toks = _key_and_values(self.cst, False)
        if tuple(self.values) != vals_old:
            olds = [t.text for t in value_toks]
            new = [q(v, olds[i] if i < len(olds) else None) for i, v in enumerate(self.values)]
            out = _replace_run(out, value_toks, new, style, key_tok)
        if self.key != key_old and key_tok is not None:
            out = _replace_run(out, [key_tok], [self.key], style, None)
        return out


@attrs.define(weakref_slot=False)
class Block(Node):
    """A ``key args... { children }`` section."""

    key: str
    #: The arguments (:attr:`args`), held as :attr:`Entry._values` is.
    _args: Values = attrs.field(factory=list, alias="args", eq=listed, repr=False)
    #: The children (:attr:`children`): a light parse's tuple until first read as a list
    #: (a tuple of two nodes costs 64 bytes, a list of them 112).
    _children: list[Node] | tuple[Node, ...] = attrs.field(
        factory=list, alias="children", eq=list, repr=nodes_repr
    )
    key_tok: Tok | None = token_field(default=None)

    #: (the field itself: a light section's tuple, or unset while deferred, Light.expand)
    children_field = "_children"

    @property
    def arg_toks(self) -> list[Tok]:
        """The argument tokens before ``{``, as parsed (read from the source pieces, as
        :attr:`Entry.value_toks`)."""
        return _key_and_values(self.cst, True)[1]

    def __repr__(self) -> str:
        return node_repr(self)

    def child_nodes(self) -> Sequence[Node]:
        return self._children  # (Node's, without its lookup: every tree walk calls it)

    @property
    def children(self) -> list[Node]:
        """The child statements and sections: a list, which edits may change in place."""
        c = self._children
        if type(c) is not list:
            c = self._children = list(c)
        return c

    @children.setter
    def children(self, new: list[Node]) -> None:
        self._children = new

    @property
    def args(self) -> list[str]:
        """The arguments before ``{``, unquoted: a list, which edits may change in place."""
        v = self._args
        if type(v) is not list:
            v = self._args = listed(v)
        return v

    @args.setter
    def args(self, new: list[str]) -> None:
        self._args = new

    @property
    def args_view(self) -> Sequence[str]:
        """The arguments, to read and not to change (as :attr:`Entry.values_view`)."""
        v = self._args  # (viewed(), inline)
        if type(v) is str:
            return (v,) if JOIN not in v else v.split(JOIN)
        return v

    def state(self) -> Any:
        return (self.key, tuple(self.args))

    @classmethod
    def light_new(
        cls: type[B], key: str, args: Values, children: Sequence[Node], light: Light, at: int
    ) -> B:
        """A light section: its semantic fields only (as :meth:`Entry.light_new`), its
        children as a tuple until read as a list."""
        b = object.__new__(cls)
        b.key, b._args, b._children = key, args, tuple(children)
        light.hold(b, at)
        return b

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        q = style.quote if isinstance(style, BlockStyle) else quote
        key_old, args_old = self.snap
        out = pieces
        if tuple(self.args) != args_old:  # before the key: see Entry.splice
            arg_toks = self.arg_toks
            olds = [t.text for t in arg_toks]
            new = [q(v, olds[i] if i < len(olds) else None) for i, v in enumerate(self.args)]
            out = _replace_run(out, arg_toks, new, style, self.key_tok)
        if self.key != key_old and self.key_tok is not None:
            out = _replace_run(out, [self.key_tok], [self.key], style, None)
        return out

    # -- navigation ------------------------------------------------------
    # (these read ``_children`` as it is, a light parse's tuple too: lint's rules call
    # them some 500,000 times on a node of 2000 DRBD resources)
    def entries(self, key: str | None = None) -> Iterator[Entry]:
        """Direct child statements, optionally only those named ``key``."""
        for c in self._children:
            if isinstance(c, Entry) and (key is None or c.key == key):
                yield c

    def blocks(self, key: str | None = None) -> Iterator[Block]:
        """Direct child sections, optionally only those named ``key``."""
        for c in self._children:
            if isinstance(c, Block) and (key is None or c.key == key):
                yield c

    def entry(self, key: str) -> Entry | None:
        """The *last* statement named ``key`` (the one a daemon's parser keeps)."""
        for c in reversed(self._children):
            if isinstance(c, Entry) and c.key == key:
                return c
        return None

    def block(self, key: str) -> Block | None:
        """The first section named ``key``."""
        for c in self._children:
            if isinstance(c, Block) and c.key == key:
                return c
        return None

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of the last ``key`` statement."""
        e = self.entry(key)
        return e.value if e is not None and e.values else default

    def set(self, key: str, *values: str) -> Entry:
        """Set ``key`` to ``values``: edit the last such statement, or append a new one."""
        e = self.entry(key)
        if e is None:
            e = Entry(key, list(values))
            self.children.append(e)
        else:
            e.values = list(values)
        return e

    def remove(self, key: str) -> int:
        """Remove every statement or section named ``key``; return how many."""
        return drop_children(self.children, lambda c: getattr(c, "key", None) == key)


def last_block(children: list[Node], key: str, *, create: bool = False) -> Block | None:
    """The last section ``key`` among ``children`` (the one the daemons keep), or, when
    asked, a new one appended there; ``None`` when there is none."""
    found = None
    for c in children:
        if isinstance(c, Block) and c.key == key:
            found = c
    if found is None and create:
        found = Block(key)
        children.append(found)
    return found


def bind_tokens(node: Node, pieces: list[Any]) -> list[Piece]:
    """Flatten Lark tokens and nodes into pieces (Lark tokens become :class:`Tok`)."""
    out: list[Piece] = []
    for p in pieces:
        if isinstance(p, (Node, Tok)):
            out.append(p)
        elif isinstance(p, list):
            out.extend(bind_tokens(node, p))
        elif p is not None:  # a lark Token
            out.append(Tok(p.type, str(p), p.start_pos))
    return out


def tok(lark_token: Any) -> Tok:
    """A :class:`Tok` from a Lark token."""
    return Tok(lark_token.type, str(lark_token), lark_token.start_pos)


__all__ = [
    "TRIVIA",
    "Block",
    "BlockStyle",
    "Entry",
    "bind_tokens",
    "last_block",
    "needs_quotes",
    "quote",
    "tok",
]


class LiveSettings(dict[str, Any]):
    """The ``key value`` statements of one section as a dict that edits the document.

    Reading is a plain dict's; assigning a key sets its statement (the last one, or a
    new one at the end of the section, which ``find(True)`` creates when missing),
    deleting removes every statement of that key. ``True`` writes a bare flag where the
    format has flags (``flag=None``), else ``flag[0]``; ``False`` writes ``flag[1]``
    (``"no"`` by default). A copy (``dict(x)``, ``x.copy()``) is a plain dict again.
    With a ``style``, a key or value it cannot write is refused (ValidationError) when
    assigned, before anything changes (:meth:`BlockStyle.check`).
    """

    def __init__(
        self,
        values: dict[str, Any],
        find: Callable[[bool], Block | None],
        flag: tuple[str, str] | None = None,
        style: BlockStyle | None = None,
    ) -> None:
        super().__init__(values)
        self._find = find
        self._flag = flag
        self._style = style

    def __setitem__(self, key: str, value: Any) -> None:
        if value is None:
            raise TypeError(f"{key}: None is not a value (del the key to remove it)")
        if value is True and self._flag is None:
            words: list[str] = []
        elif isinstance(value, bool):
            words = [(self._flag or ("yes", "no"))[0 if value else 1]]
        else:
            words = [str(value)]
        if self._style is not None:
            self._style.check(key, words)
        block = self._find(True)
        if block is None:  # pragma: no cover - find(True) creates
            raise TypeError("this section cannot be created here")
        block.set(key, *words)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        block = self._find(False)
        if block is not None:
            block.remove(key)
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def popitem(self) -> tuple[str, Any]:
        if not self:
            raise KeyError("popitem(): the section is empty")
        key = next(reversed(self))
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(self):
            del self[key]

    # mypy holds an in-place operator to the signature of __or__, which takes dicts only;
    # typeshed's own dict.__ior__ (a mapping or pairs, as update) carries this ignore too
    def __ior__(self, other: Any) -> LiveSettings:  # type: ignore[override,misc]
        self.update(other)
        return self

    def copy(self) -> dict[str, Any]:
        return dict(self)


class LiveSections(dict[str, dict[str, Any]]):
    """Named sections (``net``, ``disk``, ...) as a dict of :class:`LiveSettings`:
    ``x["net"]["protocol"] = "C"`` edits the section, ``x["net"] = {...}`` makes the
    section hold exactly those settings (created when missing), ``del x["net"]`` removes
    it."""

    def __init__(
        self,
        values: dict[str, dict[str, Any]],
        owner: Block,
        flag: tuple[str, str] | None = None,
        style: BlockStyle | None = None,
    ) -> None:
        super().__init__({k: self._live(k, v, owner, flag, style) for k, v in values.items()})
        self._owner = owner
        self._flag_spelling = flag
        self._style = style

    @staticmethod
    def _live(
        name: str,
        values: dict[str, Any],
        owner: Block,
        flag: tuple[str, str] | None,
        style: BlockStyle | None,
    ) -> LiveSettings:
        def find(create: bool) -> Block | None:
            return last_block(owner.children, name, create=create)

        return LiveSettings(values, find, flag, style)

    def __setitem__(self, name: str, values: dict[str, Any]) -> None:
        old = self.get(name)
        live = (
            old
            if isinstance(old, LiveSettings)
            else self._live(name, {}, self._owner, self._flag_spelling, self._style)
        )
        if self._style is not None:
            self._style.check(name, ())
            for key, value in values.items():
                self._style.check(key, [] if isinstance(value, bool) else [str(value)])
        for key in [k for k in live if k not in values]:
            del live[key]
        live.update(values)
        if not values:
            live._find(True)  # an empty section is still a section
        super().__setitem__(name, live)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._owner.remove(name)
        super().__delitem__(name)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def setdefault(self, name: str, default: Any = None) -> dict[str, Any]:
        if name not in self:
            self[name] = dict(default or {})
        return self[name]

    def pop(self, name: str, *default: Any) -> Any:
        if name in self:
            value = dict(self[name])
            del self[name]
            return value
        if default:
            return default[0]
        raise KeyError(name)

    def popitem(self) -> tuple[str, dict[str, Any]]:
        raise TypeError("remove a section by name: del sections[name]")

    def clear(self) -> None:
        for name in list(self):
            del self[name]

    def copy(self) -> dict[str, dict[str, Any]]:
        return dict(self)


def source_layout(source: str) -> tuple[str | None, str]:
    """The indentation unit (``None`` when no line is indented) and line ending of a
    file, so that nodes added to it look like their neighbours."""
    newline = "\r\n" if "\r\n" in source else "\n"
    widths = []
    for line in source.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#") or len(stripped) == len(line):
            continue
        lead = line[: len(line) - len(stripped)]
        if lead.startswith("\t"):
            return "\t", newline
        widths.append(len(lead))
    return (" " * min(widths) if widths else None), newline


S = TypeVar("S", bound=Style)


def styled_like(source: str, style: S) -> S:
    """``style`` with the indentation unit and line ending of ``source`` (unchanged when
    they already agree or the file has no indented line), for the nodes added to it."""
    unit, newline = source_layout(source)
    if unit in (None, style.indent) and newline == style.newline:
        return style
    return attrs.evolve(style, indent=unit or style.indent, newline=newline)


class ComputedView(dict[str, Any]):
    """A dict computed from the file (merged, typed or folded) that writing to could not
    change: every mutation raises, so an edit never seems to succeed while the file stays
    as it was. ``where`` says what to edit instead."""

    def __init__(self, values: dict[str, Any], where: str) -> None:
        super().__init__(
            {k: ComputedView(v, where) if type(v) is dict else v for k, v in values.items()}
        )
        self._where = where

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"this dict is computed from the file and cannot be edited: {self._where}")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def copy(self) -> dict[str, Any]:  # a plain, editable dict
        return {k: v.copy() if isinstance(v, ComputedView) else v for k, v in self.items()}
