"""``xencfg cib convert --to current`` on heartbeat 2 leftovers: ping nodes and cluster
options the current Pacemaker does not read."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import crm_verify_file
from xencfg.cli import main
from xencfg.formats.cib.upgrade import upgrade

HB2 = """<cib admin_epoch="0" epoch="1" num_updates="0">
 <configuration>
  <crm_config>
   <cluster_property_set id="cib-bootstrap-options"><attributes>
    <nvpair id="o1" name="stonith_enabled" value="false"/>
    <nvpair id="o2" name="suppress_cluster_status" value="true"/>
    <nvpair id="o3" name="short-resource-names" value="true"/>
    <nvpair id="o4" name="no-quorum-policy" value="ignore"/>
   </attributes></cluster_property_set>
  </crm_config>
  <nodes>
   <node id="1" uname="xen1" type="normal"/>
   <node id="2" uname="xen2" type="normal"/>
   <node id="gw" uname="10.0.0.254" type="ping"/>
  </nodes>
  <resources/>
  <constraints/>
 </configuration>
 <status/>
</cib>
"""


def test_ping_node_is_dropped_for_ocf_pacemaker_ping(tmp_path: Path) -> None:
    """heartbeat 2's ``<node type="ping">`` (crm.dtd: normal|member|ping) is gone since
    Pacemaker 3 (upgrade-3.10-0.xsl); as a member node the router would be a cluster node
    that never joins. The conversion drops it and says ocf:pacemaker:ping replaces it;
    crm_verify 2.1.5 takes the result (rc 0)."""
    result = upgrade(HB2)
    root = etree.fromstring(result.text.encode())
    assert [n.get("uname") for n in root.iter("node")] == ["xen1", "xen2"]
    assert root.find(".//rsc_location") is None  # no ban on a node that is not there
    lines = [c.what for c in result.changes if "ping node" in c.what]
    assert len(lines) == 1 and "ocf:pacemaker:ping" in lines[0] and "10.0.0.254" in lines[0]
    out = tmp_path / "cib.xml"
    out.write_text(result.text)
    rc, text = crm_verify_file(out)
    assert rc == 0, text
    plain = upgrade(HB2.replace('   <node id="gw" uname="10.0.0.254" type="ping"/>\n', ""))
    assert not any("ping node" in c.what for c in plain.changes)


def test_each_kept_option_current_pacemaker_ignores_is_reported() -> None:
    """suppress_cluster_status (heartbeat 2's) and short-resource-names (gone with 1.0)
    are no cluster option of Pacemaker 2.1 (pacemaker-schedulerd/-controld/-based
    metadata): kept, one report line each; no-quorum-policy and stonith-enabled, which it
    reads, get none."""
    result = upgrade(HB2)
    ignored = [c.what for c in result.changes if "current Pacemaker ignores" in c.what]
    assert ignored == [
        "cluster option suppress_cluster_status='true' kept, but current Pacemaker ignores it",
        "cluster option short-resource-names='true' kept, but current Pacemaker ignores it",
    ]
    root = etree.fromstring(result.text.encode())
    names = [nv.get("name") for nv in root.iter("nvpair")]
    assert "suppress_cluster_status" in names and "no-quorum-policy" in names


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_report_lines_name_the_input_line_through_the_1_0_renames(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 1.0 step renames every cluster nvpair (``o3`` -> ``cib-bootstrap-options-
    short-resource-names``), so the later step found no line for it and printed
    ``cib.xml:0``: each line now names the input line of its element (the ignored options
    and the fencing-off ``safety`` line), through ``xencfg cib convert --to current``."""
    result = upgrade(HB2)
    line = {c.what.split("=")[0]: c.line for c in result.changes if c.element == "nvpair"}
    assert line["cluster option suppress_cluster_status"] == _line_of(HB2, 'id="o2"')
    assert line["cluster option short-resource-names"] == _line_of(HB2, 'id="o3"')
    assert line["stonith-enabled"] == _line_of(HB2, 'id="o1"')  # the safety line
    assert all(c.line for c in result.changes)
    cib = tmp_path / "cib.xml"
    cib.write_text(HB2)
    assert main(["cib", "convert", "--to", "current", str(cib)]) == 0
    err = capsys.readouterr().err
    o1, o3 = _line_of(HB2, 'id="o1"'), _line_of(HB2, 'id="o3"')
    assert f"{cib}:{o3}: manual: " in err and f"{cib}:{o1}: safety: " in err
    assert f"{cib}:0:" not in err


def test_report_lines_of_moved_defaults_and_created_elements() -> None:
    """The 1.1 step's moves of default_* options (once lineless) name the option's line;
    an element a step creates (a resource's meta set, the rsc_defaults) names what it
    came from; the <status> section, which has no id, names its own line."""
    text = HB2.replace(
        '<nvpair id="o4" name="no-quorum-policy" value="ignore"/>',
        '<nvpair id="o4" name="no-quorum-policy" value="ignore"/>\n'
        '    <nvpair id="o5" name="default_resource_stickiness" value="100"/>\n'
        '    <nvpair id="o6" name="default_resource_failure_stickiness" value="-40"/>',
    ).replace("<status/>", '<status>\n  <node_state id="1" uname="xen1"/>\n </status>')
    result = upgrade(text)
    assert all(c.line for c in result.changes)
    moved = {c.what.split("=")[0]: c.line for c in result.changes if c.kind == "pacemaker-1.1"}
    assert moved["cluster option -> rsc_defaults resource-stickiness"] == _line_of(text, '"o5"')
    assert moved["default-resource-failure-stickiness"] == _line_of(text, '"o6"')
    (status,) = [c for c in result.changes if c.element == "status"]
    assert status.line == _line_of(text, "<status>")


def test_report_lines_of_a_fragment() -> None:
    """A fragment (wrapped in a throw-away CIB by the 1.0 step) names its own lines."""
    frag = (
        '<cluster_property_set id="cps">\n <attributes>\n'
        '  <nvpair id="a" name="no_quorum_policy" value="stop"/>\n'
        '  <nvpair id="b" name="short_resource_names" value="true"/>\n'
        " </attributes>\n</cluster_property_set>\n"
    )
    result = upgrade(frag)
    (ignored,) = [c for c in result.changes if "ignores it" in c.what]
    assert ignored.line == 4
