"""The CIB model reads options as the CRM does: the first nvpair of a name wins.

populate_hash (Pacemaker-1.0.8 lib/pengine/rules.c; heartbeat-2.1.3
lib/crm/pengine/rules.c) adds a name only when the table lacks it (``overwrite`` FALSE
for every option and attribute table), and unpack_instance_attributes reads the sets of
one kind sorted by score (sort_pairs: higher first, document order among equals), the
cluster options' set ``cib-bootstrap-options`` first (CIB_OPTIONS_FIRST in unpack_config).
crm_verify (Pacemaker 2.1.5, /work/shared/oracle/peers) agrees on both fixtures below.
"""

from __future__ import annotations

from pathlib import Path

from conftest import crm_verify_file
from test_cib_convert import crm_verify_output
from xencfg import lint, loads

FIXTURES = Path(__file__).parent / "fixtures" / "cib-truth"

HB2 = """<cib admin_epoch="0" epoch="1" num_updates="0">
 <configuration>
  <crm_config>
   <cluster_property_set id="other"><attributes>
    <nvpair id="o-se" name="stonith_enabled" value="true"/>
   </attributes></cluster_property_set>
   <cluster_property_set id="cib-bootstrap-options"><attributes>
    <nvpair id="b-se" name="stonith_enabled" value="false"/>
    <nvpair id="b-se2" name="stonith_enabled" value="true"/>
   </attributes></cluster_property_set>
  </crm_config>
  <nodes/>
  <resources>
   <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr">
    <instance_attributes id="ip-ia"><attributes>
     <nvpair id="ip-a" name="ip" value="10.0.0.1"/>
     <nvpair id="ip-b" name="ip" value="10.0.0.2"/>
     <nvpair id="ip-r1" name="target_role" value="stopped"/>
    </attributes></instance_attributes>
    <meta_attributes id="ip-m1"><attributes>
     <nvpair id="ip-m1a" name="is_managed" value="false"/>
     <nvpair id="ip-m1b" name="is_managed" value="true"/>
    </attributes></meta_attributes>
    <meta_attributes id="ip-m2" score="100"><attributes>
     <nvpair id="ip-m2a" name="resource_stickiness" value="100"/>
    </attributes></meta_attributes>
    <meta_attributes id="ip-m3" score="0"><attributes>
     <nvpair id="ip-m3a" name="resource_stickiness" value="5"/>
     <nvpair id="ip-m3b" name="target_role" value="started"/>
    </attributes></meta_attributes>
   </primitive>
  </resources>
  <constraints/>
 </configuration>
 <status/>
</cib>
"""


def test_nvset_and_resource_read_the_first_nvpair() -> None:
    """populate_hash never overwrites: the first ``ip`` and ``is_managed`` are read;
    the score-100 set comes before the score-0 set whatever the document order; meta
    sets before instance sets (get_meta_attributes); ``cib-bootstrap-options`` first."""
    doc = loads(HB2, format="cib")
    ip = doc.primitives[0]
    assert ip.instance_sets[0].get("ip") == "10.0.0.1"
    assert ip.param("ip") == "10.0.0.1"
    assert ip.instance_attributes["ip"] == "10.0.0.1"
    assert ip.meta("is-managed") == "false"
    assert ip.meta_attributes["is_managed"] == "false"
    assert ip.meta("resource-stickiness") == "100"
    assert ip.meta("target-role") == "started"  # meta sets are read before instance sets
    value, pair = ip.meta_source("is-managed")
    assert (value, pair.id if pair else None) == ("false", "ip-m1a")
    assert doc.option("stonith-enabled") == "false"
    assert doc.options["stonith_enabled"] == "false"
    doc.set_option("stonith-enabled", "true")
    assert doc.option("stonith-enabled") == "true"  # the nvpair in effect was changed


def test_first_nvpair_decides_cb028(tmp_path: Path) -> None:
    """crm_verify 2.1.5 on a set holding target-role 'Stoped' then 'Stopped': "Ignoring
    'target-role' for web because 'Stoped' is not valid" (the first is read: 1.0.8
    lib/pengine/rules.c populate_hash); a 'Stoped' set before a score=10 set saying
    'Stopped': rc 0 (sort_pairs puts the higher score first)."""
    good = (FIXTURES / "cb028-stopped.xml").read_text()
    pair = '<nvpair id="web-role" name="target-role" value="Stopped"/>'
    first_bad = tmp_path / "first-bad.xml"
    first_bad.write_text(
        good.replace(
            pair,
            '<nvpair id="web-role" name="target-role" value="Stoped"/>'
            '<nvpair id="web-role2" name="target-role" value="Stopped"/>',
        )
    )
    found = lint.run([str(first_bad)], select=["CB028"]).findings
    assert [(f.code, f.line) for f in found] == [("CB028", 13)]
    assert "'Stoped' is not valid" in crm_verify_output(first_bad.read_text(), tmp_path)
    by_score = tmp_path / "by-score.xml"
    by_score.write_text(
        good.replace(
            f"{pair}\n    </meta_attributes>",
            '<nvpair id="web-role" name="target-role" value="Stoped"/>\n'
            '    </meta_attributes>\n    <meta_attributes id="web-meta2" score="10">\n'
            '     <nvpair id="web-role2" name="target-role" value="Stopped"/>\n'
            "    </meta_attributes>",
        )
    )
    assert 'score="10"' in by_score.read_text()
    assert lint.run([str(by_score)], select=["CB028"]).findings == []
    rc, out = crm_verify_file(by_score)
    assert rc == 0, out


def test_first_stonith_enabled_decides_cb005(tmp_path: Path) -> None:
    """stonith_enabled false then true in cib-bootstrap-options: heartbeat 2 reads the
    first (populate_hash), so STONITH is off and CB005 (no device) has nothing to say;
    the two values swapped turn it on."""
    off = tmp_path / "off.xml"
    off.write_text(HB2)
    assert lint.run([str(off)], select=["CB005"]).findings == []
    on = tmp_path / "on.xml"
    on.write_text(
        HB2.replace(
            '"b-se" name="stonith_enabled" value="false"', '"b-se" name="stonith_enabled" value="x"'
        )
        .replace(
            '"b-se2" name="stonith_enabled" value="true"',
            '"b-se2" name="stonith_enabled" value="false"',
        )
        .replace('value="x"', 'value="true"')
    )
    assert [f.code for f in lint.run([str(on)], select=["CB005"]).findings] == ["CB005"]


def test_first_no_quorum_policy_decides_cb022(tmp_path: Path) -> None:
    """no-quorum-policy stop then ignore on three nodes: the CRM reads 'stop' (populate_hash
    never overwrites), so CB022 has nothing to say; swapped, 'ignore' is in effect."""
    nodes = "".join(f'<node id="n{i}" uname="xen{i}" type="normal"/>' for i in (1, 2, 3))
    base = HB2.replace("<nodes/>", f"<nodes>{nodes}</nodes>").replace(
        '<nvpair id="b-se2" name="stonith_enabled" value="true"/>',
        '<nvpair id="q1" name="no-quorum-policy" value="stop"/>'
        '<nvpair id="q2" name="no-quorum-policy" value="ignore"/>',
    )
    first_stop = tmp_path / "stop.xml"
    first_stop.write_text(base)
    assert lint.run([str(first_stop)], select=["CB022"]).findings == []
    first_ignore = tmp_path / "ignore.xml"
    first_ignore.write_text(
        base.replace('value="stop"', 'value="X"')
        .replace(
            '"q2" name="no-quorum-policy" value="ignore"',
            '"q2" name="no-quorum-policy" value="stop"',
        )
        .replace('value="X"', 'value="ignore"')
    )
    assert [f.code for f in lint.run([str(first_ignore)], select=["CB022"]).findings] == ["CB022"]
