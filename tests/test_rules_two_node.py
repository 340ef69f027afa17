"""CS018: two one-vote nodes under votequorum without ``two_node``.

Source: votequorum(5), two_node: "With a standard two node cluster, each node with a
single vote, there are 2 votes in the cluster. Using the simple majority calculation
(50% of the votes + 1) to calculate quorum, the quorum would be 2. This means that the
both nodes would always have to be alive for the cluster to be quorate and operate."
Pacemaker's default ``no-quorum-policy`` is ``stop`` (Pacemaker Explained, cluster
options): the survivor stops its resources.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import corosync_pair, found, tree

CIB = """<cib validate-with="pacemaker-3.9" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-q" name="no-quorum-policy" value="POLICY"/>
    </cluster_property_set></crm_config>
    <nodes/><resources/><constraints/>
  </configuration>
  <status/>
</cib>
"""


def _pair(tmp: Path, quorum: str = "", policy: str | None = None) -> list[Path]:
    files = {"etc/corosync/corosync.conf": corosync_pair(quorum)}
    if policy is not None:
        files["var/lib/pacemaker/cib/cib.xml"] = CIB.replace("POLICY", policy)
    return [tree(tmp, name, files) for name in ("alpha", "beta")]


def test_two_nodes_without_two_node_fails(tmp_path: Path) -> None:
    rows = found("CS018", *_pair(tmp_path))
    assert rows == [("CS018", "corosync.conf", 18, []), ("CS018", "corosync.conf", 18, [])]


@pytest.mark.parametrize(
    "quorum",
    [
        "\ttwo_node: 1\n",
        "\tauto_tie_breaker: 1\n",
        "\tdevice {\n\t\tmodel: net\n\t\tvotes: 1\n\t}\n",
    ],
)
def test_two_node_tie_breaker_or_device_passes(tmp_path: Path, quorum: str) -> None:
    assert found("CS018", *_pair(tmp_path, quorum)) == []


def test_no_quorum_policy_ignore_passes_and_stop_fails(tmp_path: Path) -> None:
    """The Pacemaker 1.x way for two nodes: the survivor ignores the loss of quorum."""
    assert found("CS018", *_pair(tmp_path / "ignore", policy="ignore")) == []
    assert len(found("CS018", *_pair(tmp_path / "stop", policy="stop"))) == 2


def test_three_nodes_or_a_stale_nodelist_not_judged(tmp_path: Path) -> None:
    """Three nodes have a majority; a node whose file's nodelist lacks it never runs it
    (corosync: "No valid name found for local host"; CS010/CS012 say so)."""
    three = corosync_pair().replace(
        "\tnode {\n\t\tname: beta",
        "\tnode {\n\t\tname: gamma\n\t\tnodeid: 3\n\t\tring0_addr: 10.0.0.3\n\t}\n"
        "\tnode {\n\t\tname: beta",
    )
    roots = [tree(tmp_path, n, {"etc/corosync/corosync.conf": three}) for n in ("alpha", "beta")]
    assert found("CS018", *roots) == []
    stale = tree(tmp_path / "s", "gamma", {"etc/corosync/corosync.conf": corosync_pair()})
    assert found("CS018", stale) == []
