"""Schema validation: our crm.dtd (heartbeat 2) and pacemaker-1.0.rng (Pacemaker 1.0).

A fragment (what ``cibadmin -C -o SECTION -x FILE`` loads) is validated the
way the CIB will hold it: its text is placed, on the same lines, inside a
minimal CIB skeleton. The skeleton's opening tags go on the fragment's first
line, so every error line is the fragment's own line (and columns are
corrected on line 1).
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..._lazy import etree
from ...errors import ParseError, ValidationError
from . import compact, xmltext
from .model import CibDocument
from .views import source_line

DTD = "crm.dtd"
RNG = "pacemaker-1.0.rng"

#: The CIB section a fragment root goes into.
SECTION_OF = {
    "cluster_property_set": "crm_config",
    "node": "nodes",
    "primitive": "resources",
    "group": "resources",
    "clone": "resources",
    "master_slave": "resources",
    "master": "resources",
    "rsc_location": "constraints",
    "rsc_order": "constraints",
    "rsc_colocation": "constraints",
}
SECTIONS = ("crm_config", "nodes", "resources", "constraints")
DEFAULTS = ("rsc_defaults", "op_defaults")
#: Pieces of a resource, validated inside a stand-in primitive.
IN_PRIMITIVE = (
    "nvpair",
    "attributes",
    "op",
    "operations",
    "instance_attributes",
    "meta_attributes",
)
STAND_IN = "xencfg-stand-in"


def schema_path(name: str) -> Path:
    """Our schema files: ``schemas/`` in a checkout, ``xencfg/schemas`` in a wheel."""
    here = Path(__file__).resolve()
    for base in (here.parents[4] / "schemas", here.parents[2] / "schemas"):
        if (base / name).is_file():
            return base / name
    with resources.as_file(resources.files("xencfg") / "schemas" / name) as p:
        return Path(p)


@functools.cache
def _dtd() -> etree.DTD:
    return etree.DTD(str(schema_path(DTD)))


@functools.cache
def _rng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(schema_path(RNG))))


def _cib_open(schema: str) -> str:
    vw = ' validate-with="pacemaker-1.0"' if schema == RNG else ""
    return f'<cib admin_epoch="0" epoch="0" num_updates="0"{vw}>'


def _sections(schema: str, filled: str, body: str) -> str:
    """The configuration sections with ``body`` in ``filled`` and the rest empty."""
    out = []
    names = SECTIONS + (DEFAULTS if schema == RNG and filled in DEFAULTS else ())
    for s in names:
        out.append(body if s == filled else f"<{s}/>")
    return "".join(out)


def _blank(text: str) -> str:
    """The fragment text with its XML declaration and DOCTYPE blanked (lines kept)."""
    m = re.match(r"\ufeff?<\?xml\b[^>]*\?>", text)
    if m is not None:
        text = " " * m.end() + text[m.end() :]
    span = xmltext.doctype_span(text)
    if span is not None:
        text = text[: span[0]] + re.sub(r"[^\n]", " ", text[span[0] : span[1]]) + text[span[1] :]
    return text.lstrip("\ufeff")


def wrap(doc: CibDocument, text: str, schema: str) -> tuple[str, int]:
    """``(full CIB text, columns added on line 1)`` for a fragment's ``text``."""
    tags = {xmltext.local(r.tag) for r in doc.roots}
    body = _blank(text)
    cib = _cib_open(schema)
    places = {SECTION_OF.get(t, t) for t in tags}
    if len(places) != 1:
        raise ValidationError(
            f"cannot place a fragment of <{'>, <'.join(sorted(tags))}> into one CIB section",
            path=doc.path,
            line=1,
            column=1,
        )
    tag = sorted(tags)[0]
    if tag == "configuration":
        prefix, suffix = cib, "<status/></cib>"
    elif tag == "status":
        prefix = cib + "<configuration>" + _sections(schema, "", "") + "</configuration>"
        suffix = "</cib>"
    elif tag in SECTIONS or tag in DEFAULTS:
        before, _, after = _sections(schema, tag, "\0").partition("\0")
        prefix = cib + "<configuration>" + before
        suffix = after + "</configuration><status/></cib>"
    elif tag in SECTION_OF:
        sec = SECTION_OF[tag]
        before, _, after = _sections(schema, sec, f"<{sec}>\0</{sec}>").partition("\0")
        prefix = cib + "<configuration>" + before
        suffix = after + "</configuration><status/></cib>"
    elif tag in IN_PRIMITIVE:
        legacy = schema == DTD
        prim = f'<primitive id="{STAND_IN}" class="ocf" provider="heartbeat" type="Dummy">'
        inner_open = {
            "nvpair": f'<instance_attributes id="{STAND_IN}-ia">'
            + ("<attributes>" if legacy else ""),
            "attributes": f'<instance_attributes id="{STAND_IN}-ia">',
            "op": "<operations>",
        }.get(tag, "")
        inner_close = {
            "nvpair": ("</attributes>" if legacy else "") + "</instance_attributes>",
            "attributes": "</instance_attributes>",
            "op": "</operations>",
        }.get(tag, "")
        before, _, after = _sections(schema, "resources", "<resources>\0</resources>").partition(
            "\0"
        )
        prefix = cib + "<configuration>" + before + prim + inner_open
        suffix = inner_close + "</primitive>" + after + "</configuration><status/></cib>"
    else:
        raise ValidationError(
            f"cannot place a <{tag}> fragment into a CIB (no CIB section holds it)",
            path=doc.path,
            line=1,
            column=1,
        )
    return prefix + body + suffix, len(prefix)


def _guess_line(tree: Any, message: str, shift: int) -> int:
    """A line for a libxml2 RelaxNG message that came without one (0 if none fits).

    ``IDREF attribute A references an unknown ID "X"`` names the element with
    ``A="X"``; ``Extra element E ...`` the first element ``E``. Elements of the
    skeleton a fragment was wrapped in are never chosen.
    """
    m = re.search(r'IDREF attribute (\S+) references an unknown ID "([^"]*)"', message)
    if m is not None:
        attr, value = m.groups()
        match = lambda el: el.get(attr) == value  # noqa: E731
    else:
        m = re.search(r"[Ee]lement (\w+)", message)
        if m is None:
            return 0
        tag = m.group(1)
        match = lambda el: el.tag == tag  # noqa: E731
    for el in tree.getroot().iter():
        if isinstance(el.tag, str) and match(el):
            if el.get("id", "").startswith(STAND_IN):
                continue
            return el.sourceline or 0
    return 0


def _tag_column(text: str, line: int) -> int:
    """Column of the first tag on ``line`` (libxml2's DTD errors carry no column)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return 0
    return lines[line - 1].find("<") + 1


#: ``validate-with`` values of a heartbeat-2 CIB: Pacemaker 1.0 stamps ``pacemaker-0.6`` on
#: a 0.6 CIB it loaded without upgrading it, and its crm.dtd declares the attribute
#: (Pacemaker-1.0.13 xml/crm.dtd: ``validate-with CDATA #IMPLIED``)
HB2_SCHEMAS = ("pacemaker-0.6", "transitional-0.6")


def choose(doc: CibDocument) -> str:
    """Which of our schemas the document is written for (ValidationError: none of them)."""
    vw = doc.validate_with
    if vw is not None and not vw.startswith("pacemaker-1") and vw not in HB2_SCHEMAS:
        raise ValidationError(
            f"validate-with={vw!r}: xencfg validates heartbeat-2 CIBs (crm.dtd) and "
            "pacemaker-1.x CIBs (pacemaker-1.0.rng) only; check it with that release's "
            "crm_verify",
            path=doc.path,
            line=(source_line(doc.root) if doc.root is not None else 0) or 1,
            column=1,
        )
    return RNG if doc.dialect == "pacemaker-1.0" else DTD


def _schema_of(doc: CibDocument, schema: str | None) -> str:
    """Our schema file for ``schema`` (its aliases, or by default the document's own);
    ValidationError: the document names a schema we do not hold."""
    if schema in ("dtd", "heartbeat-2", "pacemaker-0.6"):
        schema = DTD
    elif schema in ("rng", "pacemaker-1.0"):
        schema = RNG
    if schema is None:
        schema = choose(doc)
    if schema not in (DTD, RNG):
        raise ValueError(f"unknown schema {schema!r}")
    return schema


def validate(doc: CibDocument, schema: str | None = None) -> list[ValidationError]:
    """Schema errors of ``doc`` (its current text, edits included), each with path/line/column.

    ``schema`` is ``"crm.dtd"`` or ``"pacemaker-1.0.rng"``; by default the
    document's ``validate-with`` decides (heartbeat 2 CIBs have none), and for a
    fragment its dialect.
    """
    try:
        schema = _schema_of(doc, schema)
    except ValidationError as exc:
        return [exc]
    return _check(doc, doc.dumps(), schema, None)


def validate_source(
    doc: CibDocument, schema: str | None = None, text: str | None = None
) -> list[ValidationError]:
    """Schema errors of the text an unedited ``doc`` was read from (what lint checks), or
    of ``text``, a version of that text with the same ids.

    :func:`validate` renders the document, which takes the parse-time snapshots of every
    element (about 40 times the size of the file); the source needs no rendering. The
    text is parsed afresh by libxml2 for the check (the document's own tree is not
    libxml2's, :mod:`.compact`), unless an edit has already given it lxml's tree.
    """
    if not doc.source:  # built in code: there is no text but the rendered one
        return validate(doc, schema)
    try:
        schema = _schema_of(doc, schema)
    except ValidationError as exc:
        return [exc]
    own = compact.soft(doc.root)  # lxml's tree, once an edit has materialized it
    if text is None and not doc.is_fragment and not isinstance(own, compact.Node):
        return _check(doc, doc.source, schema, own)
    return _check(doc, doc.source if text is None else text, schema, None)


def _check(doc: CibDocument, text: str, schema: str, own_tree: Any) -> list[ValidationError]:
    """Schema errors of ``text`` (parsed here unless ``own_tree`` is its tree); ``doc``'s
    ids tell a cascade of unknown-ID errors from a true one."""
    shift = 0
    own = text
    if doc.is_fragment:
        try:
            text, shift = wrap(doc, text, schema)
        except ValidationError as exc:
            return [exc]
    try:
        root = own_tree if own_tree is not None else xmltext.load(text, doc.path)[0]
    except ParseError as exc:
        return [ValidationError(exc.message, path=doc.path, line=exc.line, column=exc.column)]
    del text  # (a wrapped fragment's copy)
    tree = etree.ElementTree(root)
    validator: Any = _dtd() if schema == DTD else _rng()
    if validator.validate(tree):
        return []
    errors: list[ValidationError] = []
    # ids in <status> do not satisfy IDREFs of the configuration: pacemaker-1.0.rng types
    # status attributes as plain text, and Pacemaker refuses a constraint naming a deleted
    # resource whose history is still in status. Only configuration ids hide a cascade.
    known = set(doc.ids(include_status=schema == DTD))
    seen: set[tuple[int, int, str]] = set()
    for e in validator.error_log:
        m = re.search(r'references an unknown ID "([^"]*)"', e.message)
        if m is not None and m.group(1) in known:
            continue  # a cascade: the id sits inside an element that failed already
        if (e.line, e.column, e.message) in seen:
            continue
        seen.add((e.line, e.column, e.message))
        line, col = e.line or 0, e.column or 0
        if line == 0:
            line = _guess_line(tree, e.message, shift)
        if line == 1 and shift:
            col = max(col - shift, 0)
        if col == 0 and line > 0:
            col = _tag_column(own, line)
        where = f"{schema}: "
        errors.append(ValidationError(f"{where}{e.message}", path=doc.path, line=line, column=col))
    # libxml2 checks IDREFs last, walking a hash table seeded at random per process: its
    # unknown-ID errors come after all others, in an order that changes between runs.
    # Sorted by place and message, the same file gives the same report every time.
    errors.sort(key=_report_order)
    return errors


#: what libxml2 says of an IDREF naming no ID (DTD and RelaxNG alike)
_UNKNOWN_ID = "references an unknown ID"


def _report_order(error: ValidationError) -> tuple[bool, tuple[int, int, str]]:
    """Sort key: other errors first, as libxml2 reported them (a stable sort keeps their
    order); then the unknown-ID errors by line, column and message."""
    if _UNKNOWN_ID not in error.message:
        return (False, (0, 0, ""))
    return (True, (error.line or 0, error.column or 0, error.message))
