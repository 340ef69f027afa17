"""The CIB: heartbeat 2 / Pacemaker cluster configuration (cib.xml and fragments).

Full CIBs (``/var/lib/heartbeat/crm/cib.xml``, ``cibadmin -Q`` output) and the
fragments administrators load with ``cibadmin -C -o SECTION -x FILE`` (a
``primitive``, a ``clone``, an ``rsc_order``, a ``<resources>`` wrapper, bare
``nvpair`` lines ...) parse into a :class:`CibDocument`: its own element tree
(:mod:`.compact`; lxml's once edited), typed views on it, and the source text so
that dumps are byte-exact and edits minimal. ``validate(doc)`` checks against our
crm.dtd (heartbeat 2) or our Pacemaker 1.0 RelaxNG schema.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..._lazy import etree
from ...errors import ParseError
from . import compact, model, xmltext
from .model import *  # noqa: F403  (the package offers model's API, listed once there)
from .model import CibDocument
from .values import INFINITY, Duration, parse_bool, parse_score

if TYPE_CHECKING:
    from ...errors import ValidationError

__all__ = [
    "INFINITY",
    "Duration",
    "declared_nodes",
    "parse",
    "parse_bool",
    "parse_score",
    "sniff",
    "validate",
]
__all__ += model.__all__

#: Root elements a CIB file or a cibadmin fragment starts with.
ROOTS = frozenset(
    {
        "cib", "configuration", "status", "crm_config", "nodes", "node", "resources",
        "constraints", "rsc_defaults", "op_defaults", "primitive", "group", "clone",
        "master_slave", "master", "rsc_order", "rsc_colocation", "rsc_location",
        "cluster_property_set", "instance_attributes", "meta_attributes", "attributes",
        "nvpair", "operations", "op",
    }
)  # fmt: skip


def parse(text: str, path: str | None = None) -> CibDocument:
    """Parse a CIB or fragment; raises :class:`xencfg.ParseError` (with line and column)."""
    try:
        root, wrapped, starts = _read(text, path)
    except ParseError as exc:
        raise _recoverable(exc, text, path) from None
    return _document(root, wrapped, text, path, starts)


def _read(text: str, path: str | None) -> tuple[compact.Node, bool, Sequence[int]]:
    """The document's own tree (:mod:`.compact`) and whether it wraps a fragment of
    several roots; the offsets of (the first) start tags. A single root is read from libxml2's
    SAX events (no libxml2 tree); anything else (a fragment, a DOCTYPE, an error) is
    read whole by :func:`.xmltext.load` as before, and its tree copied."""
    if xmltext.check_doctype(text, path) is None:
        try:
            return compact.build(text, path), False, xmltext.tag_starts(text, _UNIT_SAMPLE)
        except (etree.XMLSyntaxError, ValueError):
            pass  # read the old way: the same error, or the fragment
    root, wrapped = xmltext.load(text, path)
    starts = xmltext.tag_starts(text)
    mode = "wrapped" if wrapped else "plain"
    return compact.from_lxml(root, text, path, mode, starts), wrapped, starts


def _recoverable(exc: ParseError, text: str, path: str | None) -> ParseError:
    """``exc``, or — for malformed XML whose every element libxml2's RECOVER mode still
    reads (an attribute written twice, say) — a warning carrying the document Pacemaker
    reads: it parses a CIB file with XML_PARSE_RECOVER (lib/common/xml.c filename2xml,
    Pacemaker 1.1 to 2.1; crm_verify 2.1.5 logs "Couldn't fully parse" and exits 0).
    Where recovery loses or moves elements (a tag left open), the daemon reads another
    CIB than the one written: the error stands."""
    if not exc.message.startswith("not well-formed XML"):
        return exc
    root = xmltext.recovered(text)
    if root is None:
        return exc
    try:
        starts = xmltext.tag_starts(text)
        own = compact.from_lxml(root, text, path, "recovered", starts)
        doc = _document(own, False, text, path, starts)
    except ParseError:
        return exc  # the elements do not line up with the text: not the same CIB
    found = ParseError(
        f"{exc.message}: malformed XML that Pacemaker recovers from (it parses CIB files "
        'with XML_PARSE_RECOVER and logs "Couldn\'t fully parse"); xmllint and other '
        "XML tools refuse the file",
        path=path,
        line=exc.line,
        column=exc.column,
        snippet=exc.snippet,
    )
    found.severity = "warning"
    found.partial = doc
    return found


def _document(
    root: compact.Node, wrapped: bool, text: str, path: str | None, starts: Sequence[int]
) -> CibDocument:
    doc = CibDocument([root], path=path, source=text)
    doc._wrapper = root if wrapped else None
    # each node holds the offset of its start tag: the positions need nothing else
    # until an edit materializes lxml's tree (CibDocument._sync)
    doc._tree = root._tree()
    doc.unit = _guess_unit(text, starts)
    return doc


#: The start tags whose indentation tells a file's indentation step.
_UNIT_SAMPLE = 200


def _guess_unit(text: str, starts: Sequence[int]) -> str:
    """The indentation step of the file (a tab, or the smallest space step)."""
    steps: list[str] = []
    for start in starts[:_UNIT_SAMPLE]:
        ls = text.rfind("\n", 0, start) + 1
        lead = text[ls:start]
        if lead and not lead.strip():
            steps.append(lead)
    if any(x.startswith("\t") for x in steps):
        return "\t"
    widths = sorted({len(x) for x in steps if x})
    diffs = [b - a for a, b in itertools.pairwise(widths)] + widths[:1]
    return " " * min(diffs) if diffs else "  "


_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")
#: What may stand before the root element, by its opening and closing marks: comments
#: and processing instructions (the XML declaration among them).
_SKIPPED = (("<!--", "-->"), ("<?", "?>"))


def sniff(text: str) -> bool:
    """A CIB or fragment: its first element is one of :data:`ROOTS`, with nothing but
    white space, comments and declarations before it (as XML allows: a Markdown report
    that quotes ``<cib>`` in its prose is no CIB)."""
    i = 0
    head = text[:65536].removeprefix("\ufeff")
    while True:
        start = i
        i = head.find("<", i)
        if i < 0 or head[start:i].strip():
            return False
        closer = next((c for o, c in _SKIPPED if head.startswith(o, i)), None)
        if closer is not None:
            j = head.find(closer, i)
            if j < 0:
                return False
            i = j + len(closer)
            continue
        if head.startswith("<!", i):  # (a DOCTYPE, its internal subset in [ ])
            close, bracket = head.find(">", i), head.find("[", i)
            if 0 <= bracket < close:
                close = head.find(">", max(head.find("]", bracket), bracket))
            if close < 0:
                return False
            i = close + 1
            continue
        m = _FIRST_TAG.match(head, i)
        return m is not None and m.group(1) in ROOTS


def declared_nodes(doc: CibDocument) -> tuple[tuple[str, ...], dict[str, object]]:
    """The ``unames`` of the ``nodes`` section: the members the CRM knows (the
    spec's ``declares`` hook)."""
    anchors: dict[str, object] = {}
    for n in doc.nodes:
        if n.uname:
            anchors.setdefault(n.uname, n)
    return tuple(anchors), anchors


def validate(doc: CibDocument, schema: str | None = None) -> list[ValidationError]:
    """Schema errors of a CIB or fragment (see :mod:`.schema`)."""
    from .schema import validate as _validate

    return _validate(doc, schema)
