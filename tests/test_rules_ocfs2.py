"""OCFS2 rules (OC0xx): a failing and a passing tree each, asserting code, file,
line and related lines; the seed notes' OCFS2 items."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from test_rules_drbd import res, run, tree
from xencfg import lint


def node(name: str, number: int, ip: str, port: int = 7777, cluster: str = "ocfs2") -> str:
    """A node stanza of 7 lines (header, 5 attributes, blank line)."""
    return (
        f"node:\n\tip_port = {port}\n\tip_address = {ip}\n\tnumber = {number}\n"
        f"\tname = {name}\n\tcluster = {cluster}\n\n"
    )


def conf(*nodes: str, count: int | None = None, name: str = "ocfs2") -> str:
    """Node stanzas first (7 lines each), then the cluster stanza (node_count on its 2nd line)."""
    n = len(nodes) if count is None else count
    return "".join(nodes) + f"cluster:\n\tnode_count = {n}\n\tname = {name}\n"


A = node("alpha", 0, "10.0.0.1")
B = node("beta", 1, "10.0.0.2")
CONF = "etc/ocfs2/cluster.conf"


def test_oc001_node_count_mismatch(tmp_path: Path) -> None:
    bad = tree(tmp_path / "alpha", {CONF: conf(A, B, count=3)})
    assert run(bad, code="OC001") == [
        ("cluster.conf", 16, [1, 8], "cluster 'ocfs2' has node_count = 3 but 2 node stanza(s)")
    ]
    assert run(tree(tmp_path / "ok", {CONF: conf(A, B)}), code="OC001") == []


def test_oc002_duplicate_number_and_address(tmp_path: Path) -> None:
    twin = node("beta", 0, "10.0.0.1")
    got = run(tree(tmp_path / "alpha", {CONF: conf(A, twin)}), code="OC002")
    assert sorted(got) == [
        ("cluster.conf", 8, [1], "node ip:port 10.0.0.1:7777 is used by 'beta' and 'alpha'"),
        ("cluster.conf", 8, [1], "node number 0 (cluster ocfs2) is used by 'beta' and 'alpha'"),
    ]
    same_name = node("alpha", 1, "10.0.0.2")
    got = run(tree(tmp_path / "n2", {CONF: conf(A, same_name)}), code="OC002")
    assert [g[3] for g in got] == ["node name alpha is used by 'alpha' and 'alpha'"]
    # the same port on another address is fine
    ok = conf(A, node("beta", 1, "10.0.0.2", 7777))
    assert run(tree(tmp_path / "ok", {CONF: ok}), code="OC002") == []


def test_oc003_node_in_undefined_cluster(tmp_path: Path) -> None:
    text = conf(A, node("beta", 1, "10.0.0.2", cluster="xen"))
    assert run(tree(tmp_path / "alpha", {CONF: text}), code="OC003") == [
        ("cluster.conf", 13, [15], "node 'beta' is in cluster 'xen', which is not defined (ocfs2)")
    ]
    assert run(tree(tmp_path / "ok", {CONF: conf(A, B)}), code="OC003") == []


def test_oc004_what_o2cb_rejects(tmp_path: Path) -> None:
    text = conf(A, B.replace("\tnumber = 1\n", "\tnumber = one\n"))
    assert run(tree(tmp_path / "alpha", {CONF: text}), code="OC004") == [
        ("cluster.conf", 11, [], "node number is not a number")
    ]
    assert run(tree(tmp_path / "ok", {CONF: conf(A, B)}), code="OC004") == []


def test_oc005_cluster_conf_differs_between_nodes(tmp_path: Path) -> None:
    a = tree(tmp_path / "alpha", {CONF: conf(A, B)})
    b = tree(tmp_path / "beta", {CONF: conf(A, node("beta", 1, "10.0.0.3"))})
    assert run(a, b, code="OC005") == [
        (
            "cluster.conf",
            8,
            [8],
            "cluster.conf on beta differs in node 'beta' (ip_address) compared with alpha",
        )
    ]
    same = tree(tmp_path / "x" / "beta", {CONF: conf(A, B).replace(" = ", "=")})
    assert run(a, same, code="OC005") == []


def test_oc006_cluster_member_missing_from_cluster_conf(tmp_path: Path) -> None:
    hacf = "bcast eth1\nnode alpha\nnode beta gamma\n"
    bad = tree(tmp_path / "alpha", {"etc/ha.d/ha.cf": hacf, CONF: conf(A, B)})
    assert run(bad, code="OC006") == [
        ("cluster.conf", 15, [3], "node 'gamma' (ha.cf) is not in cluster.conf (alpha, beta)")
    ]
    ok = tree(tmp_path / "ok", {"etc/ha.d/ha.cf": "node alpha beta\n", CONF: conf(A, B)})
    assert run(ok, code="OC006") == []
    # DRBD's hosts count too
    drbd = tree(
        tmp_path / "d",
        {"etc/drbd.conf": res("r0", hosts=("alpha", "delta")), CONF: conf(A, B)},
    )
    assert [g[3] for g in run(drbd, code="OC006")] == [
        "node 'delta' (drbd) is not in cluster.conf (alpha, beta)"
    ]


def test_oc006_a_storage_pairs_drbd_is_another_cluster(tmp_path: Path) -> None:
    """Two storage boxes replicate the LUN with DRBD and export it over iSCSI to the
    OCFS2 nodes, which have no cluster manager file of their own: san1 and san2
    never mount the filesystem, so they are no missing members. A DRBD peer of
    the OCFS2 nodes themselves still is."""
    sans = [
        tree(tmp_path / "x" / s, {"etc/drbd.conf": res("vmstore", hosts=("san1", "san2"))})
        for s in ("san1", "san2")
    ]
    doms = [tree(tmp_path / "x" / d, {CONF: conf(A, B)}) for d in ("alpha", "beta")]
    assert run(*sans, *doms, code="OC006") == []
    gamma = tree(tmp_path / "y" / "gamma", {"etc/drbd.conf": res("r0", hosts=("alpha", "gamma"))})
    dom = tree(tmp_path / "y" / "alpha", {CONF: conf(A, B)})
    assert [g[3] for g in run(gamma, dom, code="OC006")] == [
        "node 'gamma' (drbd) is not in cluster.conf (alpha, beta)"
    ]


def test_oc007_bootcluster_not_in_cluster_conf(tmp_path: Path) -> None:
    o2cb = "O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=xen\n"
    bad = tree(tmp_path / "alpha", {"etc/sysconfig/o2cb": o2cb, CONF: conf(A, B)})
    assert run(bad, code="OC007") == [
        ("o2cb", 2, [15], "O2CB_BOOTCLUSTER=xen names no cluster of cluster.conf (ocfs2)")
    ]
    ok = tree(
        tmp_path / "ok",
        {"etc/default/o2cb": o2cb.replace("xen", "ocfs2"), CONF: conf(A, B)},
    )
    assert run(ok, code="OC007") == []


def test_seed_notes_ocfs2_s002() -> None:
    """s002: the OCFS2 side is consistent (identical copies, node names as in ha.cf and
    the CIB), so no OC rule fires. Out of scope, with the reason:

    - trailing spaces after ``node:``/``cluster:``: o2cb 1.8.7 (oracle/peers/peer-o2cb)
      reads the file as it is;
    - the interconnect on the LAN (192.168.1.x) rather than the HA link: no file
      says which network is dedicated;
    - sysconfig/o2cb without O2CB_ENABLED/O2CB_BOOTCLUSTER: the scrape cut those
      lines (``-snip-``), a fragment we cannot tell from a mistake;
    - o2cb/ocfs2 as init services: a runlevel question, not configuration text.
    """
    seed = shared_path("seed-examples", "s002-sles-hasi")
    result = lint.run([str(seed / "host1"), str(seed / "host2")], select=["OC", "DR"])
    # the one OCFS2 oddity a linter can see: the disk heartbeat threshold in user mode
    assert [(f.code, Path(f.path).parent.parent.parent.name, f.line) for f in result.findings] == [
        ("OC009", "host1", 1),
        ("OC009", "host2", 1),
    ]
    assert "has no effect with O2CB_HEARTBEAT_MODE=user" in result.findings[0].message


O2CB = "etc/sysconfig/o2cb"


def test_oc008_o2cb_settings_differ_between_nodes(tmp_path: Path) -> None:
    text = "O2CB_ENABLED=true\nO2CB_IDLE_TIMEOUT_MS=30000\n"
    a = tree(tmp_path / "alpha", {O2CB: text})
    b = tree(tmp_path / "beta", {O2CB: "O2CB_ENABLED=true\nO2CB_IDLE_TIMEOUT_MS=10000\n"})
    assert run(a, b, code="OC008") == [
        ("o2cb", 2, [2], "O2CB_IDLE_TIMEOUT_MS is 10000 on beta but 30000 on alpha")
    ]
    same = tree(tmp_path / "x" / "beta", {O2CB: "O2CB_IDLE_TIMEOUT_MS=30000\n"})
    assert run(a, same, code="OC008") == []


def test_oc009_o2cb_timeouts(tmp_path: Path) -> None:
    text = "O2CB_IDLE_TIMEOUT_MS=3000\nO2CB_KEEPALIVE_DELAY_MS=5000\n"
    assert run(tree(tmp_path / "alpha", {O2CB: text}), code="OC009") == [
        (
            "o2cb",
            2,
            [1],
            "O2CB_KEEPALIVE_DELAY_MS=5000 is not below O2CB_IDLE_TIMEOUT_MS=3000: o2nm refuses"
            " it and 2000 ms stays",
        )
    ]
    ok = "O2CB_IDLE_TIMEOUT_MS=30000\nO2CB_KEEPALIVE_DELAY_MS=2000\nO2CB_HEARTBEAT_THRESHOLD=31\n"
    assert run(tree(tmp_path / "ok", {O2CB: ok}), code="OC009") == []
    # a shell file elsewhere is not sysconfig/o2cb
    assert run(tree(tmp_path / "other", {"etc/sysconfig/xendomains": text}), code="OC009") == []


def test_oc010_node_values_out_of_range(tmp_path: Path) -> None:
    text = conf(A, node("beta", 300, "10.0.0.2", port=70000))
    assert run(tree(tmp_path / "alpha", {CONF: text}), code="OC010") == [
        ("cluster.conf", 9, [], "node 'beta' has ip_port 70000, not a TCP port"),
        ("cluster.conf", 11, [], "node 'beta' has number 300; o2nm allows 0-254"),
    ]
    ok = conf(A, node("beta", 254, "10.0.0.2", port=65535))
    assert run(tree(tmp_path / "ok", {CONF: ok}), code="OC010") == []
