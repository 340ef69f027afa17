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
#: An XML declaration at the start (after blanks): it may name an encoding other than
#: the UTF-8 we feed, so it is blanked out, keeping every line and column.
_DECL = re.compile(r"\A(\s*)<\?xml[^>]*\?>")
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
    decl = _DECL.match(text)
    start = 0
    if decl is not None:  # the whole text encoded at once would be a second copy of it
        parser.feed((decl[1] + " " * (decl.end() - decl.end(1))).encode("utf-8"))
        start = decl.end()
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
