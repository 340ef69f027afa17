"""The language lvm.conf and evms.conf share (section/setting/list).

EVMS borrowed LVM2's configuration syntax, so both parse with one grammar
(``grammars/lvmlike.lark``) into :class:`Block` sections and :class:`Setting`
statements; the typed models differ (:mod:`.lvm`, :mod:`.evms`).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from sys import intern
from typing import Any, ClassVar

import attrs

from ...document import TreeDocument
from ...errors import ParseError, ValidationError, need_str
from ...problems import KeywordProblem, walk_keywords
from ...syntax.blocks import Block, BlockStyle, Entry, styled_like
from ...syntax.build import (
    built,
    light_values,
    make_block,
    make_root,
    parse_with,
    to_tok,
    value_list,
)
from ...syntax.pipeline import parse_text
from ...syntax.scan import Shape, scan
from ...syntax.tree import Node, Piece, Style, building, render

Value = int | float | str


def unquote(raw: str) -> str:
    r"""A string token's value: quotes removed and, inside ``"..."``, ``\"`` and
    ``\\`` unescaped; a backslash before any other character stays (libdm-config.c
    ``_parse_value``: ``dm_unescape_double_quotes``, libdm-string.c
    ``_unquote_one_character``), so ``"a|drbd\.0|"`` keeps its escaped dot.
    ``'...'`` is taken as written, as LVM's lexer does."""
    if len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return re.sub(r'\\([\\"])', r"\1", raw[1:-1])
    return raw


#: An integer token of LVM's lexer (libdm-config.c ``_get_token``: a sign or digit, then
#: digits).
_C_INT = re.compile(r"[+-]?[0-9]+")


def _strtoll(raw: str) -> int:
    """An integer token as LVM reads it: ``strtoll(tok, NULL, 0)`` (libdm-config.c
    ``_type``), so a leading 0 makes it octal: ``umask = 077`` is 63, and the digits
    8 and 9 end an octal number (``09`` is 0)."""
    sign = -1 if raw[0] == "-" else 1
    digits = raw.lstrip("+-")
    base = 10
    if len(digits) > 1 and digits[0] == "0":
        octal = re.match(r"[0-7]*", digits[1:])
        digits, base = (octal.group() if octal else "").lstrip("0") or "0", 8
    # strtoll saturates at LLONG_MIN/LLONG_MAX (ERANGE); 5,000 digits made int() raise
    # (Python's 4,300-digit limit), a traceback in to_dict()
    value = int(digits, base) if len(digits) <= 24 else 1 << 64
    return max(-(1 << 63), min(sign * value, (1 << 63) - 1))


def typed(raw_token: str) -> Value:
    """A value as LVM reads it: unquoted numbers are int (or float), strings str."""
    if raw_token.startswith(('"', "'")):
        return unquote(raw_token)
    if _C_INT.fullmatch(raw_token):
        return _strtoll(raw_token)
    try:
        return int(raw_token)
    except ValueError:
        try:
            return float(raw_token)
        except ValueError:
            return raw_token


@attrs.define(weakref_slot=False, repr=False)  # (Entry.__repr__)
class Setting(Entry):
    """``key = value`` or ``key = [ v, ... ]``; ``is_list`` keeps which."""

    is_list: bool = attrs.field(default=False, kw_only=True)

    def state(self) -> Any:
        return (self.key, tuple(self.values), self.is_list)

    @property
    def typed_values(self) -> list[Value]:
        """Values typed as LVM does (quoted: str, else int/float/word)."""
        raws = [t.text for t in self.value_toks]
        if [unquote(r) for r in raws] == self.values:
            return [typed(r) for r in raws]
        return [typed(v) if _number(v) else v for v in self.values]

    @property
    def typed_value(self) -> Value | list[Value] | None:
        """A list for a list setting, else the single typed value."""
        vals = self.typed_values
        if self.is_list:
            return vals
        return vals[0] if vals else None

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        key, values, is_list = self.snap
        if is_list != self.is_list or (is_list and len(values) != len(self.values)):
            return None  # shape changed: re-render this statement canonically
        saved, self.snap = self.snap, (key, values)  # Entry.splice reads (key, values)
        try:
            return super().splice(pieces, style)
        finally:
            self.snap = saved


@attrs.define(eq=False)
class LvmStyle(BlockStyle):
    """``key = value``, lists as ``[ "a", "b" ]`` (``comma=False``: EVMS's ``[ a b ]``)."""

    comma: bool = True
    quote_strings: bool = True
    #: lvmlike.lark's WORD: a section or key name
    key_pattern = r"[^\s\"'\[\]{},=#\x00][^\s\"\[\]{},=#\x00]*"

    def quote(self, value: str, old: str | None = None) -> str:
        """The token for ``value``. Refused: a newline (our reader, as lint's, takes a
        string to end on its line) and a NUL, where LVM's lexer ends the file
        (libdm-config.c ``_get_token``: ``!*p->tb`` is ``TOK_EOF``, and a string ends
        at ``*te == 0``), so the section is left open and the whole file refused. CR,
        U+0085 and U+2028 are bytes like any other to it: written inside quotes."""
        if "\n" in value or "\x00" in value:
            raise ValidationError(
                f"{value!r} cannot be written here: a value is one line, without a NUL"
                " (LVM reads the file as ending there)"
            )
        if old is not None:
            if old.startswith("'") and "'" not in value:
                return "'" + value + "'"
            if old.startswith('"'):
                return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if _bare(value):
                return value
        if not self.quote_strings and _bare(value):
            return value
        if _number(value):
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Setting) and node.is_list:
            sep = ", " if self.comma else " "
            inner = sep.join(self.quote(v) for v in node.values)
            body = f"[ {inner} ]" if inner else "[ ]"
            return f"{indent}{node.key} = {body}{self.newline}"
        return super().render_node(node, indent)


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _bare(value: str) -> bool:
    return (
        value != ""
        and not value.startswith("'")
        and not any(c.isspace() or c in '"[]{},=#' for c in value)
    )


@attrs.define(weakref_slot=False)
class LvmLikeDocument(TreeDocument):
    """Root of an lvm.conf/evms.conf: top-level sections (and stray settings)."""

    style: ClassVar[LvmStyle] = LvmStyle()

    def dumps(self) -> str:
        """The text, with added settings and sections indented like the rest of the file."""
        return render(self, styled_like(self.source, self.style))

    def sections(self, name: str) -> list[Block]:
        """Every top-level section ``name``, repeats included, in file order."""
        return [c for c in self.children if isinstance(c, Block) and c.key == name]

    def section(self, name: str, *, create: bool = False) -> Block | None:
        """The first section ``name`` (LVM ignores repeats: see :meth:`duplicates`)."""
        found = self.sections(name)
        if found:
            return found[0]
        if not create:
            return None
        b = Block(name)
        self.children.append(b)
        return b

    def setting(self, path: str) -> Setting | None:
        """The setting at ``section/key`` (``/``-separated, as ``lvmconfig`` names them)."""
        *secs, key = need_str(path, "setting(path)").split("/")
        node: Node = self
        for s in secs:
            kids = getattr(node, "children", [])
            nxt = next((c for c in kids if isinstance(c, Block) and c.key == s), None)
            if nxt is None:
                return None
            node = nxt
        kids = getattr(node, "children", [])
        return next((c for c in kids if isinstance(c, Setting) and c.key == key), None)

    def get(self, path: str, default: Any = None) -> Any:
        """Typed value at ``section/key`` (a list for list settings)."""
        s = self.setting(need_str(path, "get(path)"))
        return s.typed_value if s is not None else default

    def set(self, path: str, value: Value | list[Value]) -> Setting:
        """Set ``section/key`` (created, sections too, when missing). A name or value
        the file cannot hold (a blank in a name, a newline in a value, a value neither
        text nor a number) is refused here (ValidationError), not at dumps."""
        *secs, key = need_str(path, "set(path)").split("/")
        items = value if isinstance(value, list) else [value]
        for v in items:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise ValidationError(f"an LVM value is text or a number, not {v!r}")
        vals = [str(v) for v in items]
        for name in secs:
            self.style.check(name, ())
        self.style.check(key, vals)
        s = self.setting(path)
        if s is None:
            parent: Block | LvmLikeDocument = self
            for name in secs:
                kids = parent.children
                nxt = next((c for c in kids if isinstance(c, Block) and c.key == name), None)
                if nxt is None:
                    nxt = Block(name)
                    kids.append(nxt)
                parent = nxt
            s = Setting(key, vals, is_list=isinstance(value, list))
            parent.children.append(s)
        else:
            s.values = vals
            s.is_list = isinstance(value, list)
        return s

    def flat(self) -> dict[str, Any]:
        """Every setting as ``{"section/key": typed value}``, as LVM sees them: the
        first of repeated names wins, a repeated section is ignored whole."""
        out: dict[str, Any] = {}

        def visit(node: Node, prefix: str) -> None:
            seen: set[str] = set()
            for c in node.child_nodes():
                key = getattr(c, "key", None)
                if not isinstance(c, (Setting, Block)) or key in seen:
                    continue
                seen.add(c.key)
                if isinstance(c, Setting):
                    out[prefix + c.key] = c.typed_value
                else:
                    visit(c, f"{prefix}{c.key}/")

        visit(self, "")
        return out

    def duplicates(self) -> Iterator[Duplicate]:
        """A :class:`Duplicate` for each repeated section/setting: libdm warns
        "Ignoring duplicate config node" and uses the first one only."""

        def visit(node: Node, prefix: str) -> Iterator[Duplicate]:
            seen: set[str] = set()
            for c in node.child_nodes():
                if not isinstance(c, (Setting, Block)):
                    continue
                if c.key in seen:
                    yield Duplicate(c, "duplicate", c.key, prefix + c.key)
                    continue
                seen.add(c.key)
                if isinstance(c, Block):
                    yield from visit(c, f"{prefix}{c.key}/")

        return visit(self, "")

    def walk_settings(self) -> Iterator[tuple[tuple[str, ...], Setting]]:
        """Every setting with the names of the sections around it, in file order."""

        def visit(node: Node, ctx: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Setting]]:
            for c in node.child_nodes():
                if isinstance(c, Setting):
                    yield ctx, c
                elif isinstance(c, Block):
                    yield from visit(c, (*ctx, c.key))

        return visit(self, ())


class Builder:
    """Builds Setting/Block nodes and a ``doc_cls`` root."""

    def __init__(self, doc_cls: type[LvmLikeDocument]) -> None:
        super().__init__()
        self.doc_cls = doc_cls

    def array(self, children: list[Any]) -> list[Any]:
        return children

    def setting(self, children: list[Any]) -> Setting:
        flat: list[Any] = []
        is_list = False
        for c in children:
            if isinstance(c, list):
                is_list = True
                flat.extend(c)
            else:
                flat.append(c)
        pieces = [to_tok(c) for c in flat]
        vals = [p for p in pieces[2:] if p.kind in ("WORD", "STRING")]
        light = building()
        if light is not None:  # its semantic fields only (see Entry.light_new)
            s = Setting.light_new(
                light.share(pieces[0].text),
                light_values(vals, unquote, light),
                light,
                pieces[0].pos,
            )
            s.is_list = is_list
            return s
        s = Setting(
            intern(pieces[0].text),
            value_list(vals, unquote),
            is_list=is_list,
        )
        s.cst = list(pieces)
        return built(s, pieces[0].pos)

    def block(self, children: list[Any]) -> Block:
        return make_block(children, unquote)

    def start(self, children: list[Any]) -> LvmLikeDocument:
        return make_root(self.doc_cls, children)


WORDS = {"WORD": "a name or value"}


#: lvmlike.lark's shape: ``WORD = value`` or ``WORD = [ list ]`` settings, ``WORD { ... }``
#: sections; newlines are plain white space.
SHAPE = Shape(
    "lvmlike",
    assign="EQ",
    list_terms=("LSQB", "RSQB", "COMMA"),
    block_args=False,
    rules=("setting", "block", "array", "start"),
)


def scan_lvmlike(text: str, builder: Builder) -> Any:
    """The tree Lark builds, from the shared scanner (three times faster); ``None`` for
    anything it does not take (errors, odd lists), which Lark then parses and reports."""
    return scan(text, SHAPE, builder)


def lark_lvmlike(text: str, path: str | None, builder: Builder, _depth: int = 0) -> Any:
    """Parse with ``grammars/lvmlike.lark`` only (the reference the scanner must equal);
    a syntax error on a stray top-level line carries the document read without it."""
    try:
        return parse_with("lvmlike", text, path, builder, words=WORDS)
    except ParseError as err:
        if err.partial is None and _depth < 3:
            err.partial = _without_garbage_line(text, path, builder, err.line, _depth)
        raise


def parse_lvmlike(text: str, path: str | None, builder: Builder, _depth: int = 0) -> Any:
    return parse_text(
        text,
        path,
        scan=lambda t: scan_lvmlike(t, builder),
        lark=lambda t, p: lark_lvmlike(t, p, builder, _depth),
    )


def _without_garbage_line(
    text: str, path: str | None, builder: Builder, line: int | None, depth: int
) -> Any:
    """The document read without the unindented line a syntax error is on (a pasted
    shell command, ``cat /etc/lvm/lvm.conf``, above ``devices { ... }``): lint still
    checks the sections after it, beside the XC001 on that line. None when that line
    is not top-level garbage or the rest does not parse either."""
    lines = text.splitlines(keepends=True)
    if not line or line > len(lines):
        return None
    bad = lines[line - 1]
    if not bad.strip() or bad[0].isspace() or bad.lstrip().startswith(("}", "#")):
        return None
    lines[line - 1] = "".join(c if c in "\r\n" else " " for c in bad)
    try:
        return parse_lvmlike("".join(lines), path, builder, depth + 1)
    except ParseError as err:
        return err.partial


@attrs.frozen
class Duplicate(KeywordProblem):
    """A section or setting of a name already used above it (kind ``"duplicate"``,
    ``detail``: its path, ``global/locking_type``), which LVM ignores whole."""

    @property
    def path(self) -> str:
        """``section/key`` of the ignored node."""
        return self.detail or self.keyword

    def __iter__(self) -> Iterator[Any]:
        """``node, path``: the tuple this used to be."""
        return iter((self.node, self.path))


def keyword_problems_for(
    doc: LvmLikeDocument, known: dict[str, frozenset[str]]
) -> Iterator[KeywordProblem]:
    """An ``"unknown"`` problem for each top-level section (or setting: there are
    none at the top) outside ``known``, and each setting outside its section's
    keywords (an empty set: not checked)."""

    def table(context: tuple[str, ...], node: Node) -> Container[str] | None:
        if not context:
            return known.keys() if isinstance(node, Block) else ()
        return (known.get(context[0]) or None) if len(context) == 1 else None

    return walk_keywords(doc, table)
