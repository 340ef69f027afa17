"""Round 24 of lint verdicts on real files from public repositories, against the daemons.

Each test is a minimal file written here in our own words after the pattern of a real
file (the repository and path are cited); the expected verdict is backed by the peer run
named in the test (the real daemon, see ../shared/oracle/peers/README.md).
"""

from __future__ import annotations

from pathlib import Path

from conftest import corosync_test, crm_verify_file
from lintkit import found, messages, tree
from xencfg import lint
from xencfg.formats.schema import Version

THREE = {"corosync": Version.parse("3.1")}
TWO = {"corosync": Version.parse("2.4")}

#: corosync 2's way to find the members: multicast on the ring's network, no nodelist
#: (the pattern of Nuurek/PacemakerDRBDCluster corosync.conf, michaail/pacemaker-drbd
#: corosync.conf and VoiSmart/freeswitch-mod-cpg corosync.conf).
MULTICAST = (
    "totem {\n\tversion: 2\n\tcrypto_cipher: none\n\tcrypto_hash: none\n"
    "\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 10.9.0.0\n"
    "\t\tmcastaddr: 239.255.9.9\n\t\tmcastport: 5405\n\t}\n}\n"
    "logging {\n\tto_stderr: yes\n}\n"
    "quorum {\n\tprovider: corosync_votequorum\n\texpected_votes: 2\n}\n"
)
#: the same cluster as corosync 3 wants it: the members in a nodelist
NODELIST = (
    "totem {\n\tversion: 2\n\tcluster_name: c\n\tcrypto_cipher: none\n\tcrypto_hash: none\n}\n"
    "logging {\n\tto_stderr: yes\n}\n"
    "nodelist {\n\tnode {\n\t\tname: a\n\t\tnodeid: 1\n\t\tring0_addr: 10.9.0.1\n\t}\n"
    "\tnode {\n\t\tname: b\n\t\tnodeid: 2\n\t\tring0_addr: 10.9.0.2\n\t}\n}\n"
    "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
)


def _coro(tmp: Path, name: str, text: str) -> Path:
    return tree(tmp, name, {"etc/corosync/corosync.conf": text})


def test_cs016_corosync3_needs_a_nodelist(tmp_path: Path) -> None:
    """corosync 3.1.7 ``corosync -t`` refuses a file without nodelist, the local address
        on lo or not: "parse error in config: No valid name found for local host" (peer run
        on the five real corosync 2 files above, every one refused). A file that shows
        corosync 2 (bindnetaddr, mcastaddr) is only held to that when corosync 3 is declared;
        a file that shows nothing older (``linknumber``) reads as corosync 3's and is refused as
    it stands."""
    old = _coro(tmp_path, "old", MULTICAST)
    assert found("CS016", old) == []
    assert lint.run([str(old)], select=["CS016"], versions=TWO).findings == []
    three = lint.run([str(old)], select=["CS016"], versions=THREE).findings
    assert [(f.code, f.line) for f in three] == [("CS016", 1)]
    assert "No valid name found for local host" in three[0].message
    link = MULTICAST.replace("ringnumber: 0", "linknumber: 0").replace(
        "\t\tbindnetaddr: 10.9.0.0\n", ""
    )
    new = _coro(tmp_path, "new", link.replace("\t\tmcastaddr: 239.255.9.9\n", ""))
    assert found("CS016", new) == [("CS016", "corosync.conf", 1, [])]
    bare = _coro(tmp_path, "bare", MULTICAST.split("\tinterface")[0] + "}\n")
    assert found("CS016", bare) == []  # XC005 has it: "No interfaces defined" in every release
    assert found("XC005", bare) == [("XC005", "corosync.conf", 1, [])]
    good = _coro(tmp_path, "good", NODELIST)
    assert found("CS016", good) == []
    assert lint.run([str(good)], select=["CS016"], versions=THREE).findings == []
    conf = old / "etc" / "corosync" / "corosync.conf"
    ok, out = corosync_test(conf, "10.9.0.1/32")
    assert not ok and "No valid name found for local host" in out
    assert corosync_test(good / "etc" / "corosync" / "corosync.conf", "10.9.0.1/32")[0]


def test_cs003_names_nodes_without_name_by_address(tmp_path: Path) -> None:
    """A corosync 2 nodelist of ring addresses only (denniskkkk/pace corosync.conf: six
    nodes, five with nodeid 2) was reported as "used by 'None' and 'None'". corosync 3.1.7
    ``corosync -t``: "Nodeid 2 appears twice in corosync.conf"."""
    text = NODELIST.replace("\t\tname: a\n", "").replace("\t\tname: b\n", "")
    root = _coro(tmp_path, "dup", text.replace("nodeid: 1", "nodeid: 2"))
    assert messages("CS003", root) == ["nodeid 2 is used by '10.9.0.2' and '10.9.0.1'"]
    ok, out = corosync_test(root / "etc" / "corosync" / "corosync.conf", "10.9.0.1/32")
    assert not ok and "Nodeid 2 appears twice" in out


#: a Pacemaker CIB that turns fencing off under Pacemaker 3.0.2's name (the pattern of
#: ClusterLabs/crmsh test/cibtests/001.exp.xml, whose crm_config says
#: fencing-enabled=false); DC stands for the dc-version line, when there is one
FENCING_OFF = """<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">DC
        <nvpair id="o-fe" name="fencing-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources>
      <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="d-m" name="monitor" interval="30s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def _cib(tmp: Path, name: str, dc: str) -> Path:
    line = f'\n        <nvpair id="o-dc" name="dc-version" value="{dc}"/>' if dc else ""
    return tree(tmp, name, {"var/lib/heartbeat/crm/cib.xml": FENCING_OFF.replace("DC", line)})


def test_fencing_enabled_is_pacemaker_302s_name(tmp_path: Path) -> None:
    """Pacemaker 3.0.2 renamed stonith-enabled to fencing-enabled (tag Pacemaker-3.0.2
    lib/common/options.c: ``PCMK_OPT_FENCING_ENABLED, "stonith-enabled"``, the old name an
    alias): lint called it an "unknown cluster option" and, reading STONITH as on, raised
    CB005. Where the DC is 3.0.2 (or the release is not known: the name implies it) the
    switch is off and nothing is wrong; where it is older the name is ignored, as
    crm_verify 2.1.5 shows (peer run: "Resource start-up disabled since no STONITH
    resources have been defined")."""
    new = _cib(tmp_path, "new", "3.0.2-1.el10")
    assert found("CB011", new) == [] and found("CB005", new) == []
    unknown = _cib(tmp_path, "unknown", "")
    assert found("CB011", unknown) == [] and found("CB005", unknown) == []
    old = _cib(tmp_path, "old", "2.1.5-a3f44794f94")
    assert messages("CB011", old) == [
        "cluster option 'fencing-enabled' is Pacemaker 3.0.2's name for 'stonith-enabled': "
        "the release this CIB runs on ignores it; write 'stonith-enabled'"
    ]
    assert [row[:2] for row in found("CB005", old)] == [("CB005", "cib.xml")]
    rc, out = crm_verify_file(old / "var" / "lib" / "heartbeat" / "crm" / "cib.xml")
    assert rc != 0 and "Errors found during check" in out  # -V: "no STONITH resources ..."
