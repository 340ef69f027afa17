"""heartbeat v2 (CIB schema pacemaker-0.6) -> Pacemaker 1.0 conversion.

Does what Pacemaker 1.0's ``upgrade06.xsl`` (``cibadmin --upgrade``) does, rule for rule,
but fixes its known bugs (``disabled="yes"`` became ``enabled="true"``, nvpairs outside
``<attributes>`` vanished, option names matched by substring, references to renamed ids
dangled, comments were lost) and reports every rewrite as a :class:`Change` so that an
administrator can review what happened before loading the result.

Fragments (a lone ``primitive``, ``rsc_order``, a ``<resources>`` wrapper ...) are wrapped
into a minimal CIB, converted, and handed back in fragment form.

What it must never do (issue 18): touch a CIB newer than heartbeat 2 (``pacemaker-1.x`` is
returned as it is, anything newer refused), turn fencing off, change what heartbeat 2 meant
where Pacemaker changed a default (``globally-unique``), or hand out a CIB that
pacemaker-1.0.rng refuses (it is checked; :class:`InvalidOutput`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from xencfg._lazy import etree
from xencfg.errors import ParseError
from xencfg.formats._xmlstream import XML_DECLARATION
from xencfg.formats.cib import schema as _schema

from .elements import Converter as _Converter
from .pacemaker11 import Pacemaker11
from .pacemaker11 import migration_threshold as migration_threshold
from .records import Change, Conversion, ConversionRefused, InvalidOutput
from .tables import (
    HB2_SCHEMAS,
    LOOSE,
    SECTION_OF,
    SECTIONS,
    _parser,
    element_lines,
    parse_roots,
)
from .tables import META_COPIES as META_COPIES
from .tables import META_NAMES as META_NAMES
from .tables import option_name as option_name

__all__ = ["Change", "Conversion", "ConversionRefused", "InvalidOutput", "convert"]

# ----------------------------------------------------------------- driver


def _wrap(roots: list[Any]) -> tuple[Any, list[Any]]:
    """A minimal 0.6 CIB holding the fragment ROOTS; returns (cib, placed roots)."""
    cib = etree.Element("cib", admin_epoch="0", epoch="0", num_updates="0")
    conf = etree.SubElement(cib, "configuration")
    for name in ("crm_config", "nodes", "resources", "constraints"):
        etree.SubElement(conf, name)
    status = etree.SubElement(cib, "status")
    placed = []
    for node in roots:
        if not isinstance(node.tag, str):
            continue
        tag = node.tag
        if tag == "configuration":
            cib.replace(conf, node)
            conf = node
        elif tag == "status":
            cib.replace(status, node)
            status = node
        elif tag in SECTIONS:
            old = conf.find(tag)
            if old is not None:
                conf.replace(old, node)
            else:
                conf.append(node)
        elif tag in LOOSE:
            pass  # converted on its own, see _Converter.loose
        elif tag in SECTION_OF:
            section = SECTION_OF[tag]
            target = status if section == "status" else conf.find(section)
            assert target is not None, f"the skeleton has a <{section}>"
            target.append(node)
        else:
            raise ParseError(
                f"cannot place a <{tag}> fragment into a CIB",
                line=node.sourceline or 1,
                expected="a <cib>, a section or one of " + ", ".join(sorted(SECTION_OF)),
            )
        placed.append(node)
    return cib, placed


def _render(nodes: Iterator[Any] | list[Any]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node.tag, str):
            etree.indent(node, space="  ")
        parts.append(etree.tostring(node, encoding="unicode", with_tail=False))
    return "\n".join(parts) + "\n"


def convert(
    text: str,
    *,
    path: str | None = None,
    pacemaker11: bool = False,
    drop_status: bool = False,
) -> Conversion:
    """Convert a heartbeat v2 CIB (or fragment) to Pacemaker 1.0.

    Only heartbeat-2 input is converted (no ``validate-with``, or ``pacemaker-0.6`` /
    ``transitional-0.6``); a ``pacemaker-1.x`` CIB is returned as it is (with
    ``pacemaker11`` only the 1.1 option moves are applied); anything newer raises
    :class:`ConversionRefused`. The result is checked against pacemaker-1.0.rng: a result
    the schema refuses raises :class:`InvalidOutput`. Malformed XML raises
    :class:`xencfg.ParseError`. Never anything but XencfgError.
    """
    try:
        from ..xmltext import check_doctype

        check_doctype(text, path)  # the same refusal as every other CIB read
        return _convert(text, path=path, pacemaker11=pacemaker11, drop_status=drop_status)
    except (ParseError, ConversionRefused, InvalidOutput) as err:
        if isinstance(err, ParseError) and err.path is None and path is not None:
            err.path = path
            err.args = (str(err),)
        raise


def _convert(text: str, *, path: str | None, pacemaker11: bool, drop_status: bool) -> Conversion:
    nodes, _whole = parse_roots(text, path)
    elements = [n for n in nodes if isinstance(n.tag, str)]
    is_cib = len(elements) == 1 and elements[0].tag == "cib"
    conv = _Converter(fragment=not is_cib, pacemaker11=pacemaker11, drop_status=drop_status)
    if not elements:
        raise ParseError("no XML element found", path=path, expected="a CIB or a CIB fragment")
    schema = elements[0].get("validate-with") if is_cib else None
    if schema is not None and schema.startswith("pacemaker-1"):
        return _already_10(text, elements[0], conv, path)
    if schema is not None and schema not in HB2_SCHEMAS:
        raise ConversionRefused(
            f"{path or '<input>'}: validate-with={schema!r} is not a heartbeat-2 CIB: "
            "refusing to convert it to pacemaker-1.0 (that would drop newer settings and "
            "reset defaults such as fencing); use the Pacemaker release that wrote it "
            "(cibadmin --upgrade) instead"
        )
    if is_cib:
        holder = etree.Element("holder")
        for node in nodes:
            conv.node(node, holder)
        body = _render(list(holder))
        decl = XML_DECLARATION.match(text.lstrip("\ufeff"))
        out = ('<?xml version="1.0" encoding="UTF-8"?>\n' if decl else "") + body
        lines = element_lines(list(holder), _source_lines(conv))
        result = Conversion(out, conv.changes, fragment=False, lines=lines)
        new = next(n for n in holder if isinstance(n.tag, str))
        _check(result, new, conv.made, path)
        return result
    cib, _placed = _wrap(elements)
    holder = etree.Element("holder")
    conv.node(cib, holder)
    new_cib = holder[0]
    out_nodes: list[Any] = []
    loose = etree.Element("holder")
    for node in nodes:
        if isinstance(node.tag, str) and node.tag in LOOSE:
            conv.loose(node, loose)
    for node in nodes:
        if isinstance(node, etree._Comment):
            out_nodes.append(etree.Comment(node.text))
        elif node in conv.made:
            out_nodes.append(conv.made[node])
    out_nodes.extend(conv.added)  # rsc_defaults/op_defaults made by the 1.1 step
    # rewrites of the throw-away skeleton (no source line) are not the user's business
    changes = [c for c in conv.changes if c.line is not None or c.kind == "pacemaker-1.1"]
    body = _render(out_nodes)
    result = Conversion(
        body, changes, fragment=True, lines=element_lines(out_nodes, _source_lines(conv))
    )
    _check(result, new_cib, conv.made, path, dangling_ok=True)
    return result


def _source_lines(conv: _Converter) -> dict[Any, int | None]:
    """Each converted element -> the input line of the element it was made from."""
    return {out: src.sourceline for src, out in conv.made.items()}


def _check(
    result: Conversion,
    cib: Any,
    made: dict[Any, Any],
    path: str | None,
    *,
    dangling_ok: bool = False,
) -> None:
    """Raise :class:`InvalidOutput` when pacemaker-1.0.rng refuses the converted CIB.

    Each schema message names the input line of the element it is about. A fragment is
    checked inside its skeleton CIB; its references to resources defined elsewhere
    (``dangling_ok``) are its loader's business, as with ``cibadmin -C``.
    """
    rng = _schema._rng()
    tree = etree.ElementTree(cib)
    # validated re-parsed: libxml2 registers xsd:ID values (for the IDREF checks) only
    # while parsing; error paths are the same in both trees
    copy = etree.ElementTree(etree.fromstring(etree.tostring(cib), _parser()))
    if rng.validate(copy):
        return
    source_of = {out: src for src, out in made.items()}
    errors = []
    for e in rng.error_log:
        if dangling_ok and "references an unknown ID" in e.message:
            continue
        where = ""
        try:
            found = tree.xpath(e.path) if e.path else []
        except etree.XPathError:
            found = []
        el: Any = found[0] if isinstance(found, list) and found else None
        while el is not None and source_of.get(el) is None:
            el = el.getparent()
        src = source_of.get(el) if el is not None else None
        if src is not None and src.sourceline:
            ident = f" id={src.get('id')!r}" if src.get("id") else ""
            where = f"line {src.sourceline}: <{src.tag}{ident}>: "
        errors.append(f"{where}{e.message}")
    if not errors:
        return
    raise InvalidOutput(
        f"{path or '<input>'}: the converted CIB fails pacemaker-1.0.rng, not written: "
        + "; ".join(errors[:5]),
        errors,
        result,
    )


def _already_10(text: str, cib: Any, conv: _Converter, path: str | None) -> Conversion:
    """A CIB that already says pacemaker-1.x is left alone (only the optional 1.1 step)."""
    conf = cib.find("configuration")
    if not conv.pacemaker11 or conf is None:
        return Conversion(text, [])
    conv.used = {str(e.get("id")) for e in cib.iter() if isinstance(e.tag, str) and e.get("id")}
    Pacemaker11(conv).apply(conf)
    if not conv.changes:
        return Conversion(text, [])
    result = Conversion(
        _render([cib]), conv.changes, lines=element_lines([cib], _source_lines(conv))
    )
    if cib.get("validate-with") == "pacemaker-1.0":  # later 1.x schemas are not ours
        _check(result, cib, {}, path)
    return result
