"""Safe XML loading and lossless, splice-based XML writing.

lxml parses; this module keeps the source text beside the tree so that an
unchanged document dumps byte for byte and an edit rewrites only what it
touches. A small scanner walks the start and end tags of the source in step
with lxml's elements and records, per element, the span of its start tag,
of each attribute value and of its end tag. :func:`render` compares the tree
with its parse-time snapshot and splices: a changed attribute value is
rewritten between its own quotes, a removed element takes its whole lines
with it, a new element is written on its own line with its sibling's
indentation.

Hostile input is refused *before* lxml sees it: a DOCTYPE that declares
entities (XXE, billion laughs) or points at a URL, and anything lxml itself
rejects (nesting deeper than 256 levels without ``huge_tree``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any, Literal, overload

import attrs

from ..._lazy import etree, lazy_re
from ...errors import ParseError, error_at
from ...syntax.source import LineIndex, encode

#: Name of the element wrapping a fragment of several sibling roots.
WRAPPER = "xencfg-fragments"

_START = re.compile(r"<([^\s/>!?]+)")
_ATTR = lazy_re(r"(\s+)([^\s=/>]+)(\s*=\s*)(?:\"([^\"]*)\"|'([^']*)')")
_TAIL = lazy_re(r"\s*(/?)>")
_URL = lazy_re(r"""["'][a-z][a-z0-9+.-]*://""", re.I)
_XMLDECL = lazy_re(r"\A(\ufeff?)<\?xml\b[^>]*\?>")


@attrs.define(eq=False, slots=True)
class TagSpan:
    """Where one element sits in the source text (offsets into the text)."""

    name: str
    start: int  # '<' of the start tag
    attrs_end: int  # after the last attribute (where a new attribute goes)
    end: int  # after the start tag's '>'
    self_closing: bool
    values: dict[str, tuple[int, int, str]]  # attribute -> (start, end, quote) of its value
    close_start: int = -1  # '<' of the end tag
    close_end: int = -1  # after the end tag (== end when self-closing)


# -- loading -------------------------------------------------------------------


def _parser_options(recover: bool = False) -> dict[str, Any]:
    """How every CIB is parsed: no entities, no network, no DTD, libxml2's depth limit."""
    return {
        "recover": recover,
        "resolve_entities": False,
        "load_dtd": False,
        "no_network": True,
        "huge_tree": False,
        "remove_blank_text": False,
        "remove_comments": False,
        "dtd_validation": False,
        "attribute_defaults": False,
    }


def _parser(recover: bool = False) -> etree.XMLParser:
    return etree.XMLParser(**_parser_options(recover))


def _doctype_start(text: str) -> re.Match[str] | None:
    """The first ``<!DOCTYPE`` that is markup: one inside a comment, a processing
    instruction or a CDATA section is text, and must not hide the real one after it.
    One pass from the start (each comment skipped once: searching again from each
    comment for the next DOCTYPE took quadratic time, 40,000 comments 16 s)."""
    pos = 0
    while True:
        m = _DOCTYPE_OR_OPEN.search(text, pos)
        if m is None or m.lastgroup == "doctype":
            return m
        end = text.find(_CLOSERS[m[0]], m.end())
        if end < 0:
            return None  # unterminated: the whole rest is inside it; the parser refuses
        pos = end + len(_CLOSERS[m[0]])


_CLOSERS = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}
_DOCTYPE_OR_OPEN = re.compile(r"(?P<doctype>(?i:<!DOCTYPE\b))|<!--|<\?|<!\[CDATA\[")


def doctype_span(text: str) -> tuple[int, int] | None:
    """Start and end offsets of the DOCTYPE declaration, if any."""
    if "<!" not in text:  # (no DOCTYPE, comment or CDATA: no scan)
        return None
    m = _doctype_start(text)
    if m is None:
        return None
    i, depth, quote = m.end(), 0, ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == ">" and depth <= 0:
            return m.start(), i + 1
        i += 1
    return m.start(), len(text)


def _has_subset(decl: str) -> bool:
    """Whether a DOCTYPE declaration has an internal subset (a ``[`` outside quotes)."""
    quote = ""
    for c in decl:
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "[":
            return True
    return False


def check_doctype(text: str, path: str | None) -> tuple[int, int] | None:
    """Refuse DOCTYPEs that could make a parser read or expand anything; the span of
    the DOCTYPE that is left (``None``: none)."""
    span = doctype_span(text)
    if span is None:
        return None
    decl = text[span[0] : span[1]]
    if "<!ENTITY" in decl.upper():
        off = span[0] + decl.upper().index("<!ENTITY")
        raise error_at(
            text,
            path,
            off,
            "refused: the DOCTYPE declares entities (a CIB never needs them; external "
            "entities and entity expansion are a security risk)",
        )
    if _URL.search(decl):
        raise error_at(
            text,
            path,
            span[0],
            "refused: the DOCTYPE points at a URL; xencfg never fetches DTDs from the network",
        )
    if _has_subset(decl):
        raise error_at(
            text, path, span[0], "refused: a DOCTYPE with an internal subset is not a CIB"
        )
    return span


def _syntax_error(exc: etree.XMLSyntaxError, text: str, path: str | None, shift: int) -> ParseError:
    line, col = exc.position if exc.position else (1, 1)
    line = max(line or 1, 1)
    col = max(col or 1, 1)
    if line == 1 and shift:
        col = max(col - shift, 1)
    msg = (exc.msg or str(exc)).split(", line ")[0]
    if "Excessive depth" in msg:
        msg = "elements nested more than 256 deep: refused (no CIB is that deep)"
    m = re.match(r"Premature end of data in tag (\S+) line (\d+)", msg)
    if m is not None:
        tag_line = int(m.group(2))
        lines = text.splitlines()
        src = lines[tag_line - 1] if 0 < tag_line <= len(lines) else ""
        tag_col = src.find("<" + m.group(1)) + 1 or 1
        return ParseError(
            f"<{m.group(1)}> opened here is never closed (the file ends first)",
            path=path,
            line=tag_line,
            column=tag_col,
            text=text,
        )
    quote = unclosed_quote(text)
    if quote is not None:
        ql, qc = LineIndex(text).position(quote)
        if ql <= line:
            return ParseError(
                f"attribute value opened here is never closed (the parser then says: {msg})",
                path=path,
                line=ql,
                column=qc,
                text=text,
            )
    return ParseError(
        f"not well-formed XML: {msg}",
        path=path,
        line=line,
        column=col,
        text=text,
    )


def unclosed_quote(text: str) -> int | None:
    """Offset of an attribute value's opening quote whose value runs into markup."""
    for m in re.finditer(r"=\s*([\"'])", text):
        q = m.group(1)
        end = text.find(q, m.end())
        value = text[m.end() : end if end >= 0 else len(text)]
        if end < 0 or "<" in value:
            return m.start(1)
    return None


#: Characters of the text encoded and fed to the parser at a time.
_CHUNK = 1 << 16


def _fed(text: str) -> Any:
    """The root element of ``text``, which is fed to the parser a piece at a time: the
    whole text encoded at once is a copy of it held beside the text while libxml2 builds
    its tree (the peak of a load)."""
    parser = _parser()
    for at in range(0, len(text), _CHUNK):
        parser.feed(encode(text[at : at + _CHUNK]))
    return parser.close()


def load(text: str, path: str | None) -> tuple[Any, bool]:
    """Parse ``text`` with lxml: ``(root element, wrapped)``.

    A fragment of several sibling elements (two ``nvpair`` lines, say) is
    parsed inside a wrapper element; ``wrapped`` tells so.
    """
    check_doctype(text, path)
    try:
        return _fed(text), False
    except (etree.XMLSyntaxError, ValueError):
        pass  # the whole text at once gives the error (or the fragment) as it always has
    data = encode(text)
    try:
        return etree.fromstring(data, _parser()), False
    except etree.XMLSyntaxError as exc:
        first = exc
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise error_at(text, path, 0, f"not loadable XML: {exc}") from None
    if "Extra content at the end of the document" not in (first.msg or ""):
        raise _syntax_error(first, text, path, 0)
    # several roots? parse them inside a wrapper (same lines; columns of line 1 shift)
    m = _XMLDECL.match(text)
    body = text if m is None else text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    span = doctype_span(body)
    if span is not None:
        body = body[: span[0]] + re.sub(r"[^\n]", " ", body[span[0] : span[1]]) + body[span[1] :]
    prefix = f"<{WRAPPER}>"
    try:
        root = etree.fromstring(encode(prefix + body + f"</{WRAPPER}>"), _parser())
    except etree.XMLSyntaxError:
        raise _syntax_error(first, text, path, 0) from None
    kids = [c for c in root if isinstance(c.tag, str)]
    loose = [root.text, *(c.tail for c in root)]
    if not kids or any(s and s.strip() for s in loose):
        # only white space, comments and PIs may sit between a fragment's elements
        raise _syntax_error(first, text, path, 0)
    return root, True


# -- scanning ------------------------------------------------------------------


#: libxml2 errors whose recovery keeps every element where it was written: an attribute
#: written twice (the first is kept). Recovery from a tag mismatch or an unclosed tag
#: moves or drops elements: another CIB than the one written.
_KEEPS_ELEMENTS = frozenset({"ERR_ATTRIBUTE_REDEFINED"})


def recovered(text: str) -> Any | None:
    """The root element libxml2 makes of malformed ``text`` in RECOVER mode, which is how
    Pacemaker reads a CIB file (lib/common/xml.c filename2xml: ``XML_PARSE_NOBLANKS |
    XML_PARSE_RECOVER``, then "Couldn't fully parse" and the partial tree is used), when
    every error is one whose recovery keeps the elements as written; ``None`` otherwise."""
    parser = _parser(recover=True)
    try:
        root = etree.fromstring(encode(text), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    errors = [e for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
    if root is None or not errors or any(e.type_name not in _KEEPS_ELEMENTS for e in errors):
        return None
    return root


def tag_starts(text: str, limit: int = -1) -> array[int]:
    """The offset of every start tag (the first ``limit``), in document order: all a
    document needs to place its elements until an edit asks for the full spans (see
    :class:`Snapshot`); in an array, 8 bytes each (a list of ints costs 40)."""
    return scan(text, starts_only=True, limit=limit)


@overload
def scan(text: str, starts_only: Literal[False] = False, limit: int = -1) -> list[TagSpan]: ...
@overload
def scan(text: str, starts_only: Literal[True], limit: int = -1) -> array[int]: ...
def scan(text: str, starts_only: bool = False, limit: int = -1) -> list[TagSpan] | array[int]:
    """Every element's :class:`TagSpan`, in document order (the text is well-formed);
    with ``starts_only``, the offsets of the start tags instead (in an array)."""
    out: Any = array("q") if starts_only else []
    stack: list[TagSpan] = []
    i, n = 0, len(text)
    find = text.find
    while True:
        i = find("<", i)
        if i < 0 or i >= n:
            break
        if text.startswith("<!--", i):
            j = find("-->", i + 4)
            i = n if j < 0 else j + 3
        elif text.startswith("<![CDATA[", i):
            j = find("]]>", i)
            i = n if j < 0 else j + 3
        elif text.startswith("<?", i):
            j = find("?>", i)
            i = n if j < 0 else j + 2
        elif text.startswith("<!", i):
            span = doctype_span(text[i:])
            i = n if span is None else i + span[1]
        elif text.startswith("</", i):
            j = find(">", i)
            if stack:
                tag = stack.pop()
                tag.close_start, tag.close_end = i, j + 1
            i = j + 1
        else:
            m = _START.match(text, i)
            if m is None:
                i += 1
                continue
            if starts_only:  # ('<' cannot occur inside an attribute value)
                out.append(i)
                if len(out) == limit:
                    break
                i = m.end()
                continue
            pos = m.end()
            values: dict[str, tuple[int, int, str]] = {}
            while True:
                a = _ATTR.match(text, pos)
                if a is None:
                    break
                g = 4 if a.group(4) is not None else 5
                values[a.group(2)] = (a.start(g), a.end(g), text[a.start(g) - 1])
                pos = a.end()
            t = _TAIL.match(text, pos)
            end = t.end() if t else pos
            closing = bool(t and t.group(1))
            tag = TagSpan(m.group(1), i, pos, end, closing, values)
            if closing:
                tag.close_start = tag.close_end = end
            else:
                stack.append(tag)
            out.append(tag)
            i = end
    return out


def elements(root: Any) -> Iterator[Any]:
    """The elements of a tree in document order (comments and PIs skipped)."""
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


def attributes(el: Any) -> dict[str, str]:
    """``dict(el.attrib)`` in linear time. lxml reads each attribute's value by a
    search of libxml2's attribute list, so ``dict(el.attrib)`` is quadratic in the
    number of attributes (16,000 on one element: 0.7 s per read); XPath's ``@*``
    walks the list once."""
    as_dict = getattr(el, "as_dict", None)  # the document's own tree (.compact)
    if as_dict is not None:
        return as_dict()
    if len(el.attrib) <= 32:
        return dict(el.attrib)
    return {v.attrname: str(v) for v in el.xpath("@*")}


def sub_element(parent: Any, tag: str, attrib: dict[str, str] | None = None, **extra: Any) -> Any:
    """``etree.SubElement`` under ``parent``, which may be a node of the document's own
    tree (:mod:`.compact`: the tree is then materialized, and the new element added to
    the lxml twin)."""
    from .compact import unwrap

    return etree.SubElement(unwrap(parent), tag, attrib or {}, **extra)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# -- writing -------------------------------------------------------------------

_ESC_ATTR = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape_attr(value: str, quote: str = '"') -> str:
    """An attribute value as it must be written between ``quote`` characters."""
    out = "".join(_ESC_ATTR.get(c, c) for c in value)
    return out.replace(quote, "&quot;" if quote == '"' else "&apos;")


def serialize(el: Any, indent: str, unit: str, nl: str) -> str:
    """An element built in code, conventionally: one element per line (no trailing newline)."""
    attrs_text = "".join(f' {k}="{escape_attr(v)}"' for k, v in el.attrib.items())
    kids = [c for c in el if isinstance(c.tag, str)]
    name = local(el.tag)
    if not kids:
        text = (el.text or "").strip()
        if text:
            return f"{indent}<{name}{attrs_text}>{escape_attr(text)}</{name}>"
        return f"{indent}<{name}{attrs_text}/>"
    inner = nl.join(serialize(c, indent + unit, unit, nl) for c in kids)
    return f"{indent}<{name}{attrs_text}>{nl}{inner}{nl}{indent}</{name}>"


@attrs.define(eq=False)
class Snapshot:
    """The parse-time state of one source element."""

    span: TagSpan
    attrib: dict[str, str]
    children: list[Any]
    #: The element itself: holding it keeps lxml's proxy (and so its ``id()``) alive.
    el: Any = None


def snapshot(
    root: Any, spans: list[TagSpan], skip_root: bool, size: int = 0, own: list[Any] | None = None
) -> dict[int, Snapshot]:
    """Parse-time state of every source element (``size``: length of the text).

    ``own``: when ``root`` is a second parse of the same text, the document's own
    elements as :func:`elements` listed them at parse time (a light document's snapshot
    is taken on first need, maybe after edits): states are read from ``root`` and keyed
    by the element of ``own`` at the same place.
    """
    els = list(elements(root))
    mine = els if own is None else own
    twin = {id(e): m for e, m in zip(els, mine, strict=True)}
    if skip_root:
        els = els[1:]
    if len(els) != len(spans) or any(
        local(e.tag) != local(s.name.rsplit(":", 1)[-1]) and local(e.tag) != s.name
        for e, s in zip(els, spans, strict=False)
    ):
        raise ParseError("internal: the tag scanner lost step with the XML parser")

    def kids(e: Any) -> list[Any]:
        return [twin[id(c)] for c in e if isinstance(c.tag, str)]

    snaps = {
        id(twin[id(e)]): Snapshot(s, attributes(e), kids(e), twin[id(e)])
        for e, s in zip(els, spans, strict=False)
    }
    if skip_root:
        # the wrapper of a multi-root fragment spans the whole text, so that
        # adding, removing and moving top-level elements is rendered too
        whole = TagSpan(WRAPPER, 0, 0, 0, False, {}, size, size)
        snaps[id(twin[id(root)])] = Snapshot(whole, {}, kids(root), twin[id(root)])
    return snaps


def declared_encoding(text: str) -> str:
    """The encoding named by the XML declaration, lower-cased (UTF-8 when none)."""
    m = re.match(r"\ufeff?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)", text)
    return m.group(1).lower() if m else "utf-8"


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _indent_of(text: str, pos: int) -> str:
    start = _line_start(text, pos)
    lead = text[start:pos]
    return lead if lead.strip() == "" else lead[: len(lead) - len(lead.lstrip(" \t"))]


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole lines when nothing else shares them."""
    ls = _line_start(text, start)
    if text[ls:start].strip():
        return start, end
    le = text.find("\n", end)
    le = len(text) if le < 0 else le + 1
    if text[end:le].strip():
        return start, end
    return ls, le


@attrs.define(eq=False)
class _Ctx:
    """What every splice of one render needs."""

    text: str
    snaps: dict[int, Snapshot]
    unit: str
    nl: str
    ascii_only: bool


def render(text: str, roots: list[Any], snaps: dict[int, Snapshot], unit: str) -> str:
    """The source text with every difference between tree and snapshot spliced in."""
    ctx = _Ctx(
        text,
        snaps,
        unit,
        "\r\n" if "\r\n" in text else "\n",
        declared_encoding(text) not in ("utf-8", "utf8"),
    )
    return _apply(text, _collect(ctx, roots), 0)


def _apply(text: str, edits: list[tuple[int, int, str, int]], base: int) -> str:
    """``text`` (starting at offset ``base`` of the source) with ``edits`` applied."""
    out = text
    for start, end, new, _ in sorted(edits, key=lambda e: (e[0], e[3]), reverse=True):
        out = out[: start - base] + new + out[end - base :]
    return out


def _staying(snap: Snapshot, kids: list[Any]) -> set[int]:
    """Ids of the children still in their source place (in source order, greedily).

    The others — new, moved in from elsewhere, or reordered — are written out
    at their new place (moved source elements with their own text and edits).
    """
    where = {id(c): i for i, c in enumerate(snap.children)}
    stay: set[int] = set()
    last = -1
    for k in kids:
        i = where.get(id(k))
        if i is not None and i > last:
            stay.add(id(k))
            last = i
    return stay


def _collect(ctx: _Ctx, roots: list[Any]) -> list[tuple[int, int, str, int]]:
    """The splices turning the source of ``roots`` into their current state."""
    edits: list[tuple[int, int, str, int]] = []

    def add(start: int, end: int, new: str) -> None:
        if ctx.ascii_only:  # new text must survive in a Latin-1 (or other) file
            new = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in new)
        edits.append((start, end, new, len(edits)))

    stack = list(reversed(roots))
    while stack:
        el = stack.pop()
        snap = ctx.snaps.get(id(el))
        if snap is None:
            continue
        cur = attributes(el)
        if cur != snap.attrib:
            _attr_edits(ctx.text, snap.span, snap.attrib, cur, add)
        kids = [c for c in el if isinstance(c.tag, str)]
        stay = {id(c) for c in kids}
        if kids != snap.children:
            stay = _staying(snap, kids)
            _child_edits(ctx, snap, kids, stay, add)
        stack.extend(reversed([k for k in kids if id(k) in stay]))
    return edits


def _moved_text(ctx: _Ctx, el: Any, indent: str) -> str:
    """A source element written at a new place: its own text, edits, re-indented."""
    s = ctx.snaps[id(el)].span
    body = _apply(ctx.text[s.start : s.close_end], _collect(ctx, [el]), s.start)
    old = _indent_of(ctx.text, s.start)
    lines = body.split("\n")
    for i in range(1, len(lines)):
        if lines[i].startswith(old):
            lines[i] = indent + lines[i][len(old) :]
    return indent + "\n".join(lines)


def _attr_edits(
    text: str, span: TagSpan, old: dict[str, str], cur: dict[str, str], add: Any
) -> None:
    for name, value in old.items():
        pos = span.values.get(name)
        if pos is None:
            continue
        if name not in cur:
            # from the white space before the name to the closing quote
            name_at = text.rfind(name, span.start, pos[0])
            ws = name_at
            while ws > span.start and text[ws - 1] in " \t\r\n":
                ws -= 1
            add(ws, pos[1] + 1, "")
        elif cur[name] != value:
            add(pos[0], pos[1], escape_attr(cur[name], pos[2]))
    new = "".join(f' {k}="{escape_attr(v)}"' for k, v in cur.items() if k not in old)
    if new:
        add(span.attrs_end, span.attrs_end, new)


def _child_edits(ctx: _Ctx, snap: Snapshot, kids: list[Any], stay: set[int], add: Any) -> None:
    text, snaps, unit, nl = ctx.text, ctx.snaps, ctx.unit, ctx.nl
    span = snap.span
    for old in snap.children:
        if id(old) not in stay and id(old) in snaps:
            s = snaps[id(old)].span
            start, end = _whole_lines(text, s.start, s.close_end)
            add(start, end, "")
    own_indent = _indent_of(text, span.start)
    originals = [k for k in kids if id(k) in stay]
    if originals:
        child_indent = _indent_of(text, snaps[id(originals[0])].span.start)
    elif snap.children and id(snap.children[0]) in snaps:
        child_indent = _indent_of(text, snaps[id(snap.children[0])].span.start)
    else:
        child_indent = own_indent + unit
    prev: Any = None
    pending: list[Any] = []

    def write(c: Any) -> str:
        if id(c) in snaps:
            return _moved_text(ctx, c, child_indent)
        return serialize(c, child_indent, unit, nl)

    def flush(before: Any) -> None:
        if not pending:
            return
        body = nl.join(write(c) for c in pending)
        if prev is not None:
            at = snaps[id(prev)].span.close_end
            add(at, at, nl + body)
        elif before is not None:
            at = _line_start(text, snaps[id(before)].span.start)
            if text[at : snaps[id(before)].span.start].strip():
                at = snaps[id(before)].span.start
                add(at, at, body.lstrip(" \t") + nl + child_indent)
            else:
                add(at, at, body + nl)
        elif span.self_closing:
            close = f"{nl}{own_indent}</{span.name}>"
            slash = text.rfind("/", span.start, span.end)
            add(slash, span.end, ">" + nl + body + close)
        else:
            at = span.close_start
            ls = _line_start(text, at)
            if text[ls:at].strip() == "" and ls > span.end:
                add(ls, ls, body + nl)
            else:
                add(at, at, nl + body + nl + own_indent)
        pending.clear()

    for k in kids:
        if id(k) in stay:
            flush(k)
            prev = k
        else:
            pending.append(k)
    flush(None)
