"""Malformed CIB XML that Pacemaker recovers from: a warning, and the CIB it reads is
checked. Pacemaker parses a CIB file with ``XML_PARSE_NOBLANKS | XML_PARSE_RECOVER``
(lib/common/xml.c filename2xml, 1.1 to 2.1), logs "Parsing failed ...", "Couldn't fully
parse" and goes on with the recovered tree."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import crm_verify_file, shared_path
from xencfg import lint

GOOD = """<cib admin_epoch="0" epoch="1" num_updates="0">
 <configuration>
  <crm_config/>
  <nodes/>
  <resources>
   <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr">
    <operations>
     <op id="ip-mon" name="monitor" interval="10s" timeout="20s"/>
    </operations>
   </primitive>
  </resources>
  <constraints/>
 </configuration>
 <status/>
</cib>
"""


def xc001(path: Path) -> list[tuple[str, int]]:
    found = lint.run([str(path)], select=["XC001"]).findings
    return [(f.severity, f.line) for f in found]


def test_notify4_duplicate_attribute_is_a_warning(tmp_path: Path) -> None:
    """Pacemaker 1.0.13 pengine/test06/notify-4.xml writes op_digest twice in one
    lrm_rsc_op of its status: crm_verify 2.1.5 logs "Parsing failed (domain=1, level=3,
    code=42): Attribute op_digest redefined" and "Couldn't fully parse", and exits 0."""
    f = shared_path("oracle", "cib", "upstream-test06", "notify-4.xml")
    rc, out = crm_verify_file(f)
    assert rc == 0, out
    assert xc001(f) == [("warning", 72)]
    found = lint.run([str(f)], select=["XC001", "CB011"]).findings
    assert "recovers" in found[-1].message or "recovers" in found[0].message
    assert "CB011" in {x.code for x in found}  # the recovered CIB is still checked
    with pytest.raises(xencfg.ParseError):  # the API still refuses malformed XML
        xencfg.load(f)


def test_recovery_that_moves_elements_stays_an_error(tmp_path: Path) -> None:
    """An attribute written twice: libxml2's recovery keeps the first and every element
    (a warning, the first value read). A mismatched end tag: recovery puts the elements
    that follow elsewhere, the daemon reads another CIB than the one written: an error."""
    dup = tmp_path / "dup.xml"
    dup.write_text(GOOD.replace('type="IPaddr"', 'type="IPaddr" type="IPaddr2"'))
    assert xc001(dup) == [("warning", 6)]
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(dup)
    assert info.value.partial.primitives[0].type == "IPaddr"  # type: ignore[attr-defined]
    bad = tmp_path / "mismatch.xml"
    bad.write_text(GOOD.replace("  </resources>", "  </resourcez>"))
    assert xc001(bad) == [("error", 11)]
    ok = tmp_path / "ok.xml"
    ok.write_text(GOOD)
    assert xc001(ok) == []
