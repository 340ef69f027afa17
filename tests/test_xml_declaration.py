"""The one XML-declaration blanking (formats/_xmlstream.py) that the streaming readers,
supportconfig sections (live.py) and the CIB fragment reader (cib/convert/tables.py)
each did with a pattern of their own. Each caller's inputs still come out as they did:
the patterns the callers had are kept here as the reference.

libxml2 takes a declaration only first in the document, after a byte-order mark at
most, and says "XML declaration allowed only at the start of the document" otherwise
(lxml runs it here: the last tests see that message), so a CIB with a blank line before
its declaration stays a parse error, as the Pacemaker daemons reading it with libxml2
refuse it."""

from __future__ import annotations

import re

import pytest

import xencfg
from xencfg.formats._xmlstream import blank_declaration, declaration_blanked, events
from xencfg.formats.cib.convert.tables import parse_roots
from xencfg.live import _section_text

# the patterns each caller had before they shared one helper
OLD_STREAM = re.compile(r"\A(\s*)<\?xml[^>]*\?>")
OLD_LIVE = re.compile(r"\A(\n*)(<\?xml[^>]*\?>)")
OLD_TABLES = re.compile(r"\A(\ufeff?)(<\?xml[^>]*\?>)")

DECL = '<?xml version="1.0" encoding="ISO-8859-1"?>'
TEXTS = [
    "",
    "<cib/>",
    f"{DECL}\n<cib/>\n",
    f"\ufeff{DECL}<cib/>",
    f"\n\n{DECL}\n<cib/>",
    f"\ufeff\n{DECL}<cib/>",
    f" \t\n{DECL}<cib/>",
    f"<cib/>{DECL}",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_cib_fragment_readers_inputs_blank_as_before(text: str) -> None:
    old = OLD_TABLES.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    assert blank_declaration(text) == old
    assert len(blank_declaration(text)) == len(text)


@pytest.mark.parametrize("text", [t for t in TEXTS if not re.match(r"[ \t]", t)])
def test_a_sections_blank_lines_and_declaration_blank_as_before(text: str) -> None:
    # (the old pattern took newlines only; the helper takes any white space)
    old = OLD_LIVE.sub(lambda m: m[1] + " " * len(m[2]), text, count=1)
    assert blank_declaration(text, after_blanks=True) == old


@pytest.mark.parametrize("text", TEXTS)
def test_the_stream_readers_head_is_as_before(text: str) -> None:
    decl = OLD_STREAM.match(text)
    old = ("", 0) if decl is None else (decl[1] + " " * (decl.end() - decl.end(1)), decl.end())
    assert declaration_blanked(text, after_blanks=True) == old


def test_blanking_keeps_lines_columns_and_a_byte_order_mark() -> None:
    assert blank_declaration(f"\ufeff{DECL}\n<cib/>") == "\ufeff" + " " * len(DECL) + "\n<cib/>"
    assert blank_declaration(f"\n{DECL}<cib/>") == f"\n{DECL}<cib/>"  # not where XML allows
    assert blank_declaration(f"\n{DECL}<cib/>", after_blanks=True) == (
        "\n" + " " * len(DECL) + "<cib/>"
    )


def test_stream_reads_a_latin1_declaration_after_blank_lines_as_utf8() -> None:
    text = f'\n{DECL}\n<cluster name="\u00e9" config_version="1"/>\n'
    got = [(e, el.tag, el.get("name"), el.sourceline) for e, el in events(text)]
    assert got == [("start", "cluster", "\u00e9", 3), ("end", "cluster", "\u00e9", 3)]


def test_fragments_after_a_byte_order_mark_and_declaration() -> None:
    nodes, whole = parse_roots(f'\ufeff{DECL}<primitive id="a"/><primitive id="b"/>')
    assert ([n.get("id") for n in nodes], whole) == (["a", "b"], False)


def test_a_cib_with_a_blank_line_before_its_declaration_stays_refused() -> None:
    with pytest.raises(xencfg.ParseError, match="XML declaration allowed only at the start"):
        parse_roots(f"\n{DECL}<cib/>")


def test_a_supportconfig_section_keeps_its_lines() -> None:
    lines = ["", '<?xml version="1.0"?>', "<cib/>", ""]
    assert _section_text(lines, 1, 4) == "\n" + " " * 21 + "\n<cib/>\n"
