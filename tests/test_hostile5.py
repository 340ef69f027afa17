"""Hostile inputs, fifth campaign: issue 22's promises re-checked on the code of the last
two sessions (the streaming XML reader, live state, the new rules and edits). Each test is
the smallest reproducer, bounded and fast; the time each shape takes is measured in
bench/pathological.py's series, never here."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from xencfg.cli import main
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


# --- lint --fix never writes a supportconfig section's place on the node (item 2) ---------

_NBSP_DRBD = (
    "resource r0 {\n  on n1 {\n    device /dev/drbd0;\n    disk /dev/sda1;\n"
    "    address 10.0.0.1:7788;\n    meta-disk\u00a0internal;\n  }\n  on n2 {\n"
    "    device /dev/drbd0;\n    disk /dev/sda1;\n    address 10.0.0.2:7788;\n"
    "    meta-disk internal;\n  }\n}\n"
)


def test_fix_never_writes_through_a_supportconfig_section(tmp_path: Path) -> None:
    """A supportconfig section is named by its place on the node (root/etc/drbd.conf);
    --fix wrote there when a file at that place had the section's text. With a planted
    ``etc -> /etc`` link beside drbd.txt, that was the host's own /etc/drbd.conf."""
    host_etc = tmp_path / "host-etc"
    host_etc.mkdir()
    (host_etc / "drbd.conf").write_text(_NBSP_DRBD)
    scc = tmp_path / "scc_n1_261206_1000"
    scc.mkdir()
    (scc / "basic-environment.txt").write_text(
        "#==[ Command ]======================================#\n# /bin/uname -a\n"
        "Linux n1 2.6.16 #1 SMP x86_64\n\n"
    )
    (scc / "drbd.txt").write_text(
        "#==[ Configuration File ]===========================#\n# /etc/drbd.conf\n"
        + _NBSP_DRBD
    )
    (scc / "etc").symlink_to(host_etc)
    assert main(["lint", "--fix", str(scc)]) == 1  # the DR008 error stays, reported
    assert (host_etc / "drbd.conf").read_text() == _NBSP_DRBD
