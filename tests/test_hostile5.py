"""Hostile inputs, fifth campaign: issue 22's promises re-checked on the code of the last
two sessions (the streaming XML reader, live state, the new rules and edits). Each test is
the smallest reproducer, bounded and fast; the time each shape takes is measured in
bench/pathological.py's series, never here."""

from __future__ import annotations

import pytest

import xencfg
from xencfg.formats.cib.xmltext import doctype_span

# --- the streaming XML reader (cman, crm_mon): internal entities (item 11) ---------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "cman",
            '<?xml version="1.0"?>\n<!DOCTYPE cluster [<!ENTITY p "other">]>\n'
            '<cluster name="&p;" config_version="1"><clusternodes/></cluster>\n',
        ),
        (
            "crm-mon-xml",
            '<!DOCTYPE crm_mon [<!ENTITY p "other">]>\n<crm_mon version="2.0"><nodes>'
            '<node name="&p;" id="1" online="true"/></nodes></crm_mon>\n',
        ),
    ],
)
def test_streamed_xml_refuses_declared_entities(fmt: str, text: str) -> None:
    """libxml2 replaces an internal entity in an attribute value whatever
    resolve_entities says: cman's cluster name read as 'other' where the file says
    '&p;' (the CIB refused such a DOCTYPE already; the stream reader did not)."""
    with pytest.raises(xencfg.ParseError, match="declares entities") as info:
        xencfg.loads(text, fmt, path="f.xml")
    assert info.value.path == "f.xml" and info.value.column == 20


def test_an_entity_in_a_comment_is_no_declaration() -> None:
    text = '<!-- <!ENTITY p "b"> -->\n<cluster name="p" config_version="1"/>\n'
    assert xencfg.loads(text, "cman").to_dict()["name"] == "p"


def test_doctype_behind_many_comments_is_found_in_one_pass() -> None:
    """Each comment before the DOCTYPE started a new search for it that scanned the rest
    of the text for the other openers: quadratic (40,000 comments, 320 KB: 16 s)."""
    text = "<!---->\n" * 3 + "<?pi?><![CDATA[<!DOCTYPE no>]]>" + '<!DOCTYPE cib [<!ENTITY e "x">]>'
    span = doctype_span(text)
    assert span is not None and text[span[0] :].startswith("<!DOCTYPE cib")
    assert doctype_span("<!-- <!DOCTYPE x> -->") is None
    assert doctype_span("<!-- <!DOCTYPE x>") is None
