"""What the line-oriented formats share: ``directive value...`` per line.

ha.cf, authkeys, ha_logd.cf and the modprobe files are lists of
:class:`~xencfg.syntax.blocks.Entry` statements in a document; they differ in
their grammar (where a comment may start), their keyword tables and their
typed views. This module holds the common part once: the document base with
navigation and edits, the keyword checks with did-you-mean suggestions, the
builder that turns a parse into entries (Lark's, or the tokens of the line
scanner, :mod:`xencfg.syntax.lines_scan`, which reads the text first), located
errors for checks made after parsing, and the value converters (booleans,
integers, durations) the daemons use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from ...document import TreeDocument
from ...errors import ValidationError
from ...problems import KeywordProblem, ValueProblem, walk_keywords
from ...suggest import suggest
from ...syntax.blocks import BlockStyle, Entry
from ...syntax.build import make_entry, make_root, parse_with, to_tok
from ...syntax.lines_scan import TABLES, scan
from ...syntax.pipeline import parse_text
from ...syntax.tree import _BUILDING, Node, building, drop_children, drop_source, light_of

#: a document a reader builds
D = TypeVar("D", bound=TreeDocument)
L = TypeVar("L", bound="LineDocument")


class LineStyle(BlockStyle):
    """Canonical ``key value...`` lines; these formats have no quoting at all.

    A value with blanks (or the format's comment character) cannot be written,
    so rendering one is an error rather than a silently different file.
    """

    forbidden: str = "#"
    #: lines.lark's WORD: a key is one word, no ``#`` (a comment starts there)
    key_pattern = r"[^\s#]+"

    def quote(self, value: str, old: str | None = None) -> str:
        if value == "" or any(c.isspace() or c in self.forbidden for c in value):
            raise ValidationError(f"{value!r} cannot be written as one word in this format")
        return value


#: ``key value`` lines, ``#`` anywhere starting a comment: every line format's
#: style unless it says otherwise (ha.cf, authkeys, logd.cf, haresources, hostname,
#: multipath bindings, ietd access lists).
PLAIN_STYLE = LineStyle(indent="", separator=" ")


def _identity(raw: str) -> str:
    return raw


@attrs.define(weakref_slot=False)
class LineDocument(TreeDocument):
    """A document that is a flat list of statements (comments are trivia)."""

    #: The grammar under ``grammars/`` this format is parsed with.
    grammar: ClassVar[str] = "lines"
    #: How new lines are written, and what they may hold (:meth:`check`).
    style: ClassVar[BlockStyle] = PLAIN_STYLE
    #: Every directive the daemon knows (``None``: do not check).
    known: ClassVar[frozenset[str] | None] = None
    #: Old spellings: directive -> replacement (``None``: dropped without one).
    deprecated: ClassVar[Mapping[str, str | None]] = {}
    #: Directives that may appear more than once; every other one is read once and a
    #: later line silently overrides it. ``None``: the format does not say.
    repeatable: ClassVar[frozenset[str] | None] = None
    #: Whether a light document reads its statements from the text on first use
    #: (:attr:`xencfg.syntax.tree.Light.expand`) rather than at load: for files of many
    #: short lines, where a statement object weighs five times its line.
    deferred: ClassVar[bool] = False

    # -- hooks -------------------------------------------------------------
    @classmethod
    def entry_class(cls, key: str) -> type[Entry]:
        """The node class a line starting with ``key`` is built as."""
        return Entry

    def validate(self, text: str) -> None:
        """Structural checks the grammar cannot express; raise :func:`error_at`."""

    # -- navigation --------------------------------------------------------
    def entries(self, key: str | None = None) -> list[Entry]:
        """Statements in file order, optionally only those named ``key``."""
        return [c for c in self.children if isinstance(c, Entry) and (key is None or c.key == key)]

    def entry(self, key: str) -> Entry | None:
        """The *last* statement named ``key``: a later line overrides an earlier one."""
        found = self.entries(key)
        return found[-1] if found else None

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of the last ``key`` statement."""
        e = self.entry(key)
        return e.values[0] if e is not None and e.values else default

    def values(self, key: str) -> list[str]:
        """The values of every ``key`` line, concatenated (``node a b`` + ``node c``)."""
        return [v for e in self.entries(key) for v in e.values]

    def set(self, key: str, *values: str) -> Entry:
        """Set ``key``: edit its last line in place, or append a new line. A key or
        value the format cannot write is refused here (ValidationError), not at dumps."""
        self.check(key, values)
        e = self.entry(key)
        if e is None:
            e = self.entry_class(key)(key, list(values))
            self.children.append(e)
        else:
            e.values = list(values)
        return e

    def add(self, key: str, *values: str, after: str | None = None) -> Entry:
        """Append a ``key`` line (after the last ``after`` line when there is one);
        ValidationError for a key or value the format cannot write."""
        self.check(key, values)
        e = self.entry_class(key)(key, list(values))
        anchor = self.entry(after) if after is not None else None
        if anchor is None:
            anchor = self.entry(key)
        return self.insert_after(anchor, e)

    def insert_after(self, anchor: Node | None, e: Entry) -> Entry:
        """Put ``e`` just after the statement ``anchor`` (at the end when ``None``)."""
        if anchor is None:
            self.children.append(e)
        else:
            # by identity: two equal lines (same key, same values) are still two lines
            at = next((i for i, c in enumerate(self.children) if c is anchor), None)
            if at is None:  # (a bare next() raised StopIteration out of the call)
                raise ValidationError("insert_after: the anchor is not a line of this document")
            self.children.insert(at + 1, e)
        return e

    def check(self, key: str, values: Iterable[str]) -> None:
        """Refuse (ValidationError) a ``key values...`` line this format cannot write so
        that it reads back as it is (:meth:`BlockStyle.check`); formats whose keys or
        values are narrower than their grammar's words add their own rules."""
        self.style.check(key, values)

    def remove(self, key: str) -> int:
        """Remove every ``key`` line; return how many went."""
        return drop_children(self.children, lambda c: getattr(c, "key", None) == key)

    # -- checks ------------------------------------------------------------
    def repeated(self) -> list[tuple[Entry, Entry]]:
        """``(later, first)`` for each single-valued directive set again (the later wins)."""
        if self.repeatable is None:
            return []
        first: dict[str, Entry] = {}
        out: list[tuple[Entry, Entry]] = []
        for e in self.entries():
            if e.key in self.repeatable:
                continue
            earlier = first.setdefault(e.key, e)
            if earlier is not e:
                out.append((e, earlier))
        return out

    def value_problems(self) -> Iterable[ValueProblem]:
        """Values the daemon refuses (formats override)."""
        return ()

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """An ``"unknown"`` (with a did-you-mean) or ``"deprecated"`` (with its
        replacement) problem for each directive the daemon refuses."""
        if self.known is None:
            return
        yield from walk_keywords(self, lambda context, node: self.known, self._judge)

    def _judge(
        self, node: Node, key: str, context: tuple[str, ...], known: Container[str]
    ) -> KeywordProblem:
        if key in self.deprecated:
            return KeywordProblem(node, "deprecated", key, self.deprecated[key])
        values = node.values if isinstance(node, Entry) else []
        return KeywordProblem(node, "unknown", key, suggest(key, self.known or (), values))


def end_of(e: Entry) -> int:
    """Offset just after the last significant token of a statement."""
    toks = [t for t in e.tokens() if not t.is_trivia]
    return toks[-1].end if toks else 0


class LineBuilder:
    """Builds a :class:`LineDocument` subclass from ``entry: WORD+`` parses.

    With ``text``, in a light parse of a format whose statements are deferred
    (:attr:`LineDocument.deferred`), it builds the document alone: the statements are
    read from ``text`` on first use (:func:`_statements`)."""

    def __init__(self, doc_cls: type[LineDocument], text: str | None = None) -> None:
        super().__init__()
        self.doc_cls = doc_cls
        light = building() if text is not None and doc_cls.deferred else None
        self.light = light
        self.first = -1  # the offset of the first statement (the document's own)
        if light is not None and text is not None:
            light.expand = functools.partial(_statements, doc_cls, text)

    def entry(self, children: list[Any]) -> Entry | None:
        if self.light is not None:  # deferred: read again on first use
            if self.first < 0:
                self.first = to_tok(children[0]).pos
            return None
        key = to_tok(children[0]).text  # (a Lark token, or a Tok from the fast path)
        return make_entry(children, _identity, self.doc_cls.entry_class(key))

    def start(self, children: list[Any]) -> LineDocument:
        if self.light is not None:  # a light document whose children field is unset
            doc = self.doc_cls()
            del doc.children
            drop_source(doc, self.light, self.first)
            return doc
        return make_root(self.doc_cls, children)


def _statements(doc_cls: type[LineDocument], text: str, doc: Node) -> list[Node]:
    """The statements of a light document of a deferring format, read again from the
    text as light nodes (the load read it whole: it holds no error)."""
    light = light_of(doc)
    builder = LineBuilder(doc_cls)
    _BUILDING.append(light)
    try:
        table = TABLES.get(doc_cls.grammar)
        whole = None if table is None else scan(table, text, builder)
        if whole is None:  # (text the table leaves to the grammar)
            whole = parse_with(doc_cls.grammar, text, None, builder)
    finally:
        _BUILDING.pop()
    kids: list[Node] = whole.children
    return kids


class LineReader(Generic[D]):
    """A line-family format's two readers of one tree: its table in
    :mod:`xencfg.syntax.lines_scan` (three to four times faster than Lark) and its Lark
    grammar (the specification, the error reporter and the fallback)."""

    def __init__(self, grammar: str, builder: Callable[[str], Any], words: dict[str, str]) -> None:
        #: ``grammars/<grammar>.lark``, and the name of its table.
        self.grammar = grammar
        #: text -> the transformer both readers build the tree with
        self.builder = builder
        #: what a person calls the grammar's own terminals, for its errors
        self.words = words

    def scan(self, text: str) -> D | None:
        """The tree the grammar builds, read by the table; ``None`` for anything the table
        does not take (errors included), which the grammar then reads and reports."""
        table = TABLES.get(self.grammar)
        return None if table is None else scan(table, text, self.builder(text))

    def lark(self, text: str, path: str | None) -> D:
        """The tree of the Lark grammar."""
        doc: D = parse_with(self.grammar, text, path, self.builder(text), words=self.words)
        return doc

    def parse(
        self,
        text: str,
        path: str | None,
        checks: Iterable[Callable[[D, str, str | None], None]] = (),
    ) -> D:
        """The tree by the table if it takes the text, else by the grammar; then ``checks``."""
        return parse_text(text, path, scan=self.scan, lark=self.lark, checks=checks)


def line_reader(doc_cls: type[L]) -> LineReader[L]:
    """The reader of a :class:`LineDocument` format (its grammar, the generic builder)."""
    words = {"WORD": "a directive or value"}
    return LineReader(doc_cls.grammar, lambda text: LineBuilder(doc_cls, text), words)


def _validate(doc: LineDocument, text: str, path: str | None) -> None:
    doc.validate(text)


def parser_for(doc_cls: type[LineDocument]) -> Callable[[str, str | None], Any]:
    """The ``parse(text, path)`` function of a line format."""
    reader = line_reader(doc_cls)

    def parse(text: str, path: str | None = None) -> Any:
        return reader.parse(text, path, checks=(_validate,))

    parse.__doc__ = f"Parse {doc_cls.format} text; raises :class:`xencfg.ParseError`."
    return parse


__all__ = [
    "PLAIN_STYLE",
    "LineBuilder",
    "LineDocument",
    "LineReader",
    "LineStyle",
    "end_of",
    "line_reader",
    "parser_for",
]
