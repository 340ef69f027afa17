"""OCFS2 rules: a failing and a passing tree for each, and the s002 seed's notes."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from lintkit import found, tree
from xencfg import lint

CONF = "etc/ocfs2/cluster.conf"


def node(name: str, number: int, ip: str, cluster: str = "pool", port: int = 7777) -> str:
    return (
        f"node:\n\tip_port = {port}\n\tip_address = {ip}\n\tnumber = {number}\n"
        f"\tname = {name}\n\tcluster = {cluster}\n\n"
    )


def conf(count: int, *nodes: str) -> str:
    return f"cluster:\n\tnode_count = {count}\n\tname = pool\n\n" + "".join(nodes)


GOOD = conf(2, node("alpha", 0, "10.0.0.1"), node("beta", 1, "10.0.0.2"))


def test_oc001_what_o2cb_refuses(tmp_path: Path) -> None:
    bad = tree(tmp_path, "alpha", {CONF: GOOD.replace("\tip_port = 7777\n", "", 1)})
    assert found("OC001", bad) == [("OC001", "cluster.conf", 5, [])]
    assert found("OC001", tree(tmp_path / "g", "alpha", {CONF: GOOD})) == []


def test_oc002_node_count(tmp_path: Path) -> None:
    bad = tree(tmp_path, "alpha", {CONF: GOOD.replace("node_count = 2", "node_count = 3")})
    assert found("OC002", bad) == [("OC002", "cluster.conf", 2, [])]
    assert found("OC002", tree(tmp_path / "g", "alpha", {CONF: GOOD})) == []


def test_oc003_number_or_address_twice(tmp_path: Path) -> None:
    text = conf(2, node("alpha", 0, "10.0.0.1"), node("beta", 0, "10.0.0.1"))
    bad = tree(tmp_path, "alpha", {CONF: text})
    assert found("OC003", bad) == [
        ("OC003", "cluster.conf", 12, [5]),
        ("OC003", "cluster.conf", 12, [5]),
    ]
    assert found("OC003", tree(tmp_path / "g", "alpha", {CONF: GOOD})) == []


def test_oc004_node_in_no_cluster(tmp_path: Path) -> None:
    text = conf(1, node("alpha", 0, "10.0.0.1", cluster="other"))
    assert found("OC004", tree(tmp_path, "alpha", {CONF: text})) == [
        ("OC004", "cluster.conf", 10, [])
    ]
    assert found("OC004", tree(tmp_path / "g", "alpha", {CONF: GOOD})) == []


def test_oc005_differs_between_nodes(tmp_path: Path) -> None:
    a = tree(tmp_path, "alpha", {CONF: GOOD})
    b = tree(tmp_path, "beta", {CONF: GOOD.replace("10.0.0.2", "10.0.0.3")})
    assert found("OC005", a, b) == [("OC005", "cluster.conf", 1, [1])]
    same = tree(tmp_path / "s", "beta", {CONF: GOOD})
    assert found("OC005", a, same) == []


def test_oc006_o2cb_boot_settings(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "alpha",
        {
            CONF: GOOD,
            "etc/sysconfig/o2cb": 'O2CB_HEARTBEAT_THRESHOLD=50\nO2CB_HEARTBEAT_MODE="user"\n',
        },
    )
    result = lint.run([str(bad)], select=["OC006"])
    assert sorted(f.message for f in result.findings) == [
        "O2CB_BOOTCLUSTER is not set; cluster.conf defines pool",
        "O2CB_ENABLED is not true: o2cb does not start at boot",
        "O2CB_HEARTBEAT_THRESHOLD has no effect with O2CB_HEARTBEAT_MODE=user",
    ]
    good = tree(
        tmp_path / "g",
        "alpha",
        {CONF: GOOD, "etc/sysconfig/o2cb": "O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=pool\n"},
    )
    assert found("OC006", good) == []


def test_seed_notes_ocfs2() -> None:
    """s002's sysconfig/o2cb (no O2CB_ENABLED or O2CB_BOOTCLUSTER, a disk threshold in
    user mode) is OC006. Out of scope: the interconnect on the LAN NIC rather than the
    HA link (intent), the init services that commenter #5 disputes (prose)."""
    s002 = shared_path("seed-examples", "s002-sles-hasi", "host1")
    got = [f.message for f in lint.run([str(s002)], select=["OC"]).findings]
    assert len(got) == 3 and all("O2CB" in m for m in got)
