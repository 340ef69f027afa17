"""Node names on cman + Pacemaker (RHEL 6) with an FQDN ``uname -n``: which daemon
finds itself by which name (HS002, HB001).

cman finds its clusternode from ``uname -n`` without the domain (cman_tool join's
verify_nodename); Pacemaker 1.1 on cman takes its own name from cman
(lib/cluster/cluster.c get_local_node_name: ``cman_node_name(0)``); drbdadm 8.4 needs
``uname -n`` exactly; drbd-utils 8.4's crm-fence-peer.sh bans the Master where
``#uname ne $(uname -n)``.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import tree
from xencfg import lint

CLUSTER_CONF = """<?xml version="1.0"?>
<cluster config_version="3" name="c">
  <clusternodes>
    <clusternode name="a1" nodeid="1"><fence><method name="pcmk-redirect">
      <device name="pcmk" port="a1"/></method></fence></clusternode>
    <clusternode name="a2" nodeid="2"><fence><method name="pcmk-redirect">
      <device name="pcmk" port="a2"/></method></fence></clusternode>
  </clusternodes>
  <cman two_node="1" expected_votes="1"/>
  <fencedevices><fencedevice agent="fence_pcmk" name="pcmk"/></fencedevices>
</cluster>
"""
CIB = """<cib validate-with="pacemaker-1.2" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-ci" name="cluster-infrastructure" value="cman"/>
    </cluster_property_set></crm_config>
    <nodes><node id="a1" uname="a1"/><node id="a2" uname="a2"/></nodes>
    <resources/><constraints/>
  </configuration>
</cib>
"""
DRBD = """resource r0 {{
  disk {{ fencing resource-only; }}
  handlers {{ {HANDLER} }}
  on {A1} {{ device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7789; meta-disk internal; }}
  on {A2} {{ device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7789; meta-disk internal; }}
}}
"""
FENCE = 'fence-peer "/usr/lib/drbd/crm-fence-peer.sh";'


def _site(tmp: Path, drbd: str | None = None) -> list[str]:
    nodes = []
    for n in ("a1", "a2"):
        files = {
            "etc/redhat-release": "CentOS release 6.10 (Final)\n",
            "etc/sysconfig/network": f"NETWORKING=yes\nHOSTNAME={n}.example.net\n",
            "etc/cluster/cluster.conf": CLUSTER_CONF,
            "var/lib/pacemaker/cib/cib.xml": CIB,
        }
        if drbd is not None:
            files["etc/drbd.conf"] = drbd
        nodes.append(str(tree(tmp, n, files)))
    return nodes


def _codes(nodes: list[str], select: str) -> list[tuple[str, str]]:
    found = lint.run(nodes, select=select.split(",")).findings
    return sorted((f.code, Path(f.path).name) for f in found)


def test_cib_on_cman_takes_cmans_name(tmp_path: Path) -> None:
    """HOSTNAME=a1.example.net, short names in cluster.conf and the CIB: cman and
    Pacemaker find themselves; no HS002 (it was an error on the CIB before)."""
    assert _codes(_site(tmp_path), "HS002") == []


def test_drbd_fqdn_beside_short_cman_names(tmp_path: Path) -> None:
    """DRBD ``on a1.example.net`` beside cman's ``a1``: both find themselves, nothing;
    with crm-fence-peer.sh its ``#uname`` ban names a1.example.net, which Pacemaker
    (names from cman) never has: HB001, true. Short DRBD names with the FQDN uname:
    drbdadm 8.4 finds no section (DR006, when 8.4 is known) and HS002."""
    fqdn = DRBD.format(HANDLER="", A1="a1.example.net", A2="a2.example.net")
    assert _codes(_site(tmp_path / "plain", fqdn), "HB001,HS002") == []
    fenced = DRBD.format(HANDLER=FENCE, A1="a1.example.net", A2="a2.example.net")
    assert _codes(_site(tmp_path / "fenced", fenced), "HB001,HS002") == [
        ("HB001", "drbd.conf"),
        ("HB001", "drbd.conf"),
    ]
    short = DRBD.format(HANDLER=FENCE, A1="a1", A2="a2")
    assert _codes(_site(tmp_path / "short", short), "HB001,HS002") == [
        ("HS002", "network"),
        ("HS002", "network"),
    ]
