"""XML read as a stream, for the formats that model a few elements of a large file.

libxml2's tree costs about 14 times the text it holds (``xmllint --noout`` itself peaks
there; bench/memory.py shows it beside ours). cman's cluster.conf and crm_mon's XML keep
a small model of their own instead, so they read the file as parser events and free
each element once it has ended: the whole tree never exists.

The parser is the one every XML reader here uses: entities, DTDs and the network off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: Characters of the text encoded and fed to the parser at a time.
_CHUNK = 1 << 16
#: An XML declaration at the start (after blanks): it may name an encoding other than
#: the UTF-8 we feed, so it is blanked out, keeping every line and column.
_DECL = re.compile(r"\A(\s*)<\?xml[^>]*\?>")


def events(text: str) -> Iterator[tuple[str, Any]]:
    """``("start" | "end", element)`` for every element of ``text``, in document order.

    At ``start`` an element has its tag, attributes and ``sourceline``; after its
    ``end`` has been handled it is cleared and dropped from its parent. Raises lxml's
    ``XMLSyntaxError`` (with ``position``) for text that is not well-formed, and
    ``ValueError`` for what lxml refuses to read at all.
    """
    from lxml import etree

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
