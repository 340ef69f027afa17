"""``xencfg cib convert --to current`` on heartbeat 2 leftovers: ping nodes and cluster
options the current Pacemaker does not read."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from conftest import crm_verify_file
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
