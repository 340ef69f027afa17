"""XML read as a stream, for the formats that model a few elements of a large file.

libxml2's tree costs about 14 times the text it holds (``xmllint --noout`` itself peaks
there; bench/memory.py shows it beside ours). cman's cluster.conf and crm_mon's XML keep
a small model of their own instead, so they read the file as parser events and free
each element once it has ended: the whole tree never exists.

The parser is the one every XML reader here uses: entities, DTDs and the network off.
libxml2 still replaces an internal entity in an attribute value (the XML standard's
attribute-value normalisation, whatever ``resolve_entities`` says), so a DOCTYPE that
declares entities is refused first, as the CIB's is (issue 22, item 11).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import error_at

#: Characters of the text encoded and fed to the parser at a time.
_CHUNK = 1 << 16
#: An XML declaration where XML allows one: first in the text, after a byte-order mark
#: at most (libxml2 refuses one after anything else: "XML declaration allowed only at
#: the start of the document").
XML_DECLARATION = re.compile(r"\A(\ufeff?)(<\?xml[^>]*\?>)")
#: One after white space (blank lines of a section cut out of captured output, or
#: before cman's and crm_mon's XML, which these readers let stand).
_DECL_AFTER_BLANKS = re.compile(r"\A(\s*)(<\?xml[^>]*\?>)")


def declaration_blanked(text: str, *, after_blanks: bool = False) -> tuple[str, int]:
    """The start of ``text`` through its XML declaration, the declaration turned into
    spaces, and the offset where the rest begins (``("", 0)``: no declaration). The
    declaration may name an encoding other than the UTF-8 the text is fed to libxml2
    in, and inside a wrapper element or a section cut out of a larger capture it
    stands where XML allows none; blanked, every line and column stays."""
    m = (_DECL_AFTER_BLANKS if after_blanks else XML_DECLARATION).match(text)
    return ("", 0) if m is None else (m[1] + " " * len(m[2]), m.end())


def blank_declaration(text: str, *, after_blanks: bool = False) -> str:
    """``text`` with its XML declaration blanked (see :func:`declaration_blanked`)."""
    head, end = declaration_blanked(text, after_blanks=after_blanks)
    return head + text[end:] if end else text


_ENTITY = re.compile(r"<!ENTITY", re.I)


def refuse_entities(text: str, path: str | None) -> None:
    """Raise a :class:`xencfg.ParseError` at the first ``<!ENTITY`` of the DOCTYPE:
    an attribute ``name="&e;"`` would read as the entity's text, so the model would not
    say what the file says (and an edit would not find it). Neither cman's cluster.conf
    nor crm_mon's output ever declares one."""
    if _ENTITY.search(text) is None:  # the usual case: no scan for the DOCTYPE at all
        return
    from .cib.xmltext import doctype_span

    span = doctype_span(text)
    m = None if span is None else _ENTITY.search(text, span[0], span[1])
    if m is not None:
        raise error_at(
            text,
            path,
            m.start(),
            "refused: the DOCTYPE declares entities (libxml2 would put their text in"
            " attribute values, so the file would not read as written)",
        )


def events(text: str, path: str | None = None) -> Iterator[tuple[str, Any]]:
    """``("start" | "end", element)`` for every element of ``text``, in document order.

    At ``start`` an element has its tag, attributes and ``sourceline``; after its
    ``end`` has been handled it is cleared and dropped from its parent. Raises lxml's
    ``XMLSyntaxError`` (with ``position``) for text that is not well-formed, and
    ``ValueError`` for what lxml refuses to read at all, and a ``ParseError`` at ``path``
    for a DOCTYPE that declares entities (:func:`refuse_entities`).
    """
    from lxml import etree

    refuse_entities(text, path)
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_pis=False,
    )
    head, start = declaration_blanked(text, after_blanks=True)
    if start:  # (the whole text blanked and encoded at once would be a second copy of it)
        parser.feed(head.encode("utf-8"))
    for at in range(start, len(text), _CHUNK):
        parser.feed(text[at : at + _CHUNK].encode("utf-8", "surrogateescape"))
        yield from _freeing(parser.read_events())
    parser.close()
    yield from _freeing(parser.read_events())


def line_of(element: Any) -> int:
    """The element's line in the text (0 where libxml2 gives none)."""
    return element.sourceline if isinstance(element.sourceline, int) else 0


def _freeing(pending: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for event, element in pending:
        yield event, element
        if event == "end":
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                del parent[:]  # the element and its earlier siblings: read and done with
