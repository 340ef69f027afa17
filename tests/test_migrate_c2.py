"""corosync 2 clusters (RHEL 7, SLES 12, Debian 9) to corosync 3 (knet).

The fixtures under tests/fixtures/migrate24c2 are written for these tests: ``rhel7`` is
a pcs-made udpu pair (ring0_addr host names, no name lines, crypto_cipher aes256 with
crypto_hash sha1), ``sles12`` a YaST-made three-node udp multicast cluster (two rings,
rrp_mode passive, no nodelist), ``debian9`` a udpu pair with ``secauth: on``, a nodelist
of bare addresses (no name, no nodeid) and a uidgid section. Each written corosync.conf
goes through ``corosync -t`` (corosync 3.1.7) and xencfg lint. What corosync does is read
from its source (corosync/corosync, exec/totemconfig.c of v2.4.5 and v3.1.7).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import xencfg
from test_migrate_round24 import _corosync_accepts, _note
from xencfg import migrate

FIXTURES = Path(__file__).parent / "fixtures" / "migrate24c2"


def _plan(cluster: str, root: Path = FIXTURES, **kw: object) -> migrate.Migration:
    roots = sorted(str(p) for p in (root / cluster).iterdir())
    return migrate.plan(roots, only=("stack",), **kw)  # type: ignore[arg-type]  # (kw: the plan's keyword options)


def _clean(text: str) -> None:
    """xencfg lint finds nothing in the written file."""
    assert not xencfg.lint_text(text, "corosync").findings, text


def test_rhel7_udpu_pair_keeps_its_crypto_and_names_nodes_by_ring0(tmp_path: Path) -> None:
    """pcs's file names each node by ring0_addr only: corosync 3 with knet wants a name
    (pcs and Pacemaker read it), and the host name Pacemaker knew the node by is
    ring0_addr, so it becomes the name. crypto_cipher aes256 / crypto_hash sha1 are
    kept (sha1 is one of 3.1.7's hashes: exec/totemconfig.c:594); transport udpu ->
    knet; two_node from the quorum section; before, the report had only "written for
    corosync 2" and no file."""
    m = _plan("rhel7")
    assert [(mb.name, mb.nodeid, mb.addrs) for mb in m.members] == [
        ("r7-a", 1, {0: "r7-a"}),
        ("r7-b", 2, {0: "r7-b"}),
    ]
    assert m.old_stack == "corosync2"
    assert not any("written for corosync" in n.what for n in m.notes)
    assert _note(m, "name: r7-a added").source.endswith("rhel7/r7-a/etc/corosync/corosync.conf:11")
    assert _note(m, "transport udpu -> knet").kind == "rewrite"
    crypto = _note(m, "crypto_cipher aes256, crypto_hash sha1 ->")
    assert crypto.what.endswith("-> crypto_cipher aes256, crypto_hash sha1")
    assert crypto.source.endswith("corosync.conf:4")
    assert "pcs cluster stop --all" in m.steps[1]
    text = _corosync_accepts_named(m, tmp_path, "r7-a", {"r7-a": "10.30.0.1", "r7-b": "10.30.0.2"})
    for line in (
        "transport: knet",
        "crypto_hash: sha1",
        "name: r7-b",
        "two_node: 1",
        "token: 10000",
    ):
        assert line in text
    _clean(text)


def _corosync_accepts_named(
    m: migrate.Migration, tmp: Path, node: str, addrs: dict[str, str]
) -> str:
    """corosync -t where ring0_addr is a host name (the namespace resolves none: "failed
    to parse node address"): each ring0_addr set to the address /etc/hosts gives it."""
    conf = next(o for o in m.outputs if o.node == node and o.path.endswith("corosync.conf"))
    written = conf.data.decode()
    doc = xencfg.loads(written, "corosync")
    for name, addr in addrs.items():
        entry = doc.node(name)
        assert entry is not None and entry.get("ring0_addr") == name
        entry.set("ring0_addr", addr)
    conf.data = xencfg.dumps(doc).encode()
    _corosync_accepts(m, tmp, node)
    return written


def test_sles12_udp_multicast_two_rings_become_two_knet_links(tmp_path: Path) -> None:
    """YaST's udp file has no nodelist: each ring's bindnetaddr network picks the
    members' addresses from /etc/hosts (the openais path's); rrp_mode passive ->
    link_mode passive; each ring's mcastport stays its link's port (3.1.7 reads
    totem.interface.N.mcastport for knet too: exec/totemconfig.c:1673, though
    corosync.conf(5) says "udp only"); the multicast addresses are dropped with a
    line each; expected_votes and two_node of the quorum section and the logger_subsys
    section (corosync 3 reads it as 2 did) are kept; consensus
    6000 is below 1.2 x (5000 + 650) and left to corosync (lint CS002 otherwise)."""
    m = _plan("sles12")
    assert [mb.addrs for mb in m.members] == [
        {0: "10.20.0.11", 1: "10.21.0.11"},
        {0: "10.20.0.12", 1: "10.21.0.12"},
        {0: "10.20.0.13", 1: "10.21.0.13"},
    ]
    conf = "s12-1/etc/corosync/corosync.conf"
    assert _note(m, "rrp_mode passive -> link_mode passive").source.endswith(f"{conf}:28")
    assert _note(m, "mcastaddr 239.60.1.1").source.endswith(f"{conf}:17")
    assert _note(m, "mcastaddr 239.60.1.2").kind == "dropped"
    assert _note(m, "mcastport 5407 kept").source.endswith(f"{conf}:25")
    assert _note(m, "ringnumber 1 -> linknumber 1").kind == "rewrite"
    assert _note(m, "transport udp -> knet").why.endswith("udp multicast is gone with it")
    assert _note(m, "consensus: 6000").what.endswith("dropped")
    assert _note(m, "logger_subsys QUORUM").kind == "rewrite"
    text = _corosync_accepts(m, tmp_path, "s12-2")
    for line in ("link_mode: passive", "linknumber: 1", "mcastport: 5407", "subsys: QUORUM"):
        assert line in text
    for line in ("expected_votes: 3", "two_node: 0"):
        assert line in text
    # rrp's passive took turns between the rings; knet's passive sends on the up link of
    # highest knet_link_priority (corosync.conf(5) of 3.1: "passive: the active link with
    # the highest priority (highest number) will be used"): ring 0 is set to stay first
    prio = _note(m, "rrp_mode passive -> knet_link_priority link 0: 2, link 1: 1")
    assert prio.source.endswith(f"{conf}:28")
    assert text.count("knet_link_priority: 2") == 1 and text.count("knet_link_priority: 1") == 1
    for gone in ("mcastaddr", "bindnetaddr", "ringnumber", "rrp_mode", "secauth", "consensus"):
        assert gone not in text
    _clean(text)


def test_debian9_secauth_on_and_a_nodelist_without_names_or_ids(tmp_path: Path) -> None:
    """``secauth: on`` meant aes256 with sha1 on corosync 2 (exec/totemconfig.c:411 of
    v2.4.5), while corosync 3 reads it as aes256 with sha256 (v3.1.7:562): the written
    file says aes256/sha1 outright. The nodelist's bare addresses get their names from
    /etc/hosts and new nodeids (knet refuses a node without one: "Knet requires an
    explicit nodeid", v3.1.7:1444); wait_for_all and the uidgid section are kept."""
    m = _plan("debian9")
    assert [(mb.name, mb.nodeid, mb.addrs) for mb in m.members] == [
        ("deb-a", 1, {0: "192.168.50.11"}),
        ("deb-b", 2, {0: "192.168.50.12"}),
    ]
    assert _note(m, "secauth on -> crypto_cipher aes256, crypto_hash sha1").kind == "rewrite"
    assert "etc/hosts" in _note(m, "name: deb-b added").source
    assert _note(m, "node 1 (deb-b): nodeid (none) -> a new id").kind == "rewrite"
    assert _note(m, "uidgid uid hacluster").kind == "rewrite"
    assert _note(m, "bindnetaddr 192.168.50.0").kind == "dropped"
    assert any(o.path.endswith("authkey") for o in m.outputs)
    text = _corosync_accepts(m, tmp_path, "deb-b")
    for line in ("crypto_hash: sha1", "wait_for_all: 1", "uid: hacluster", "nodeid: 2"):
        assert line in text
    assert "secauth" not in text
    _clean(text)


def test_corosync2_secauth_off_stays_off_and_nodes_that_differ_get_a_todo(
    tmp_path: Path,
) -> None:
    """secauth off (and no crypto_*) is no crypto on corosync 2: none is written, no
    key, and a TODO says the cluster is open. deb-b's token differs from deb-a's: the
    file follows deb-a's and a TODO names deb-b's line. A nodeid knet cannot take
    (3232248331, corosync 2's from 192.168.50.11: knet wants < 65536) is renumbered."""
    root = tmp_path / "c2"
    shutil.copytree(FIXTURES / "debian9", root / "debian9")
    for node in ("deb-a", "deb-b"):
        conf = root / "debian9" / node / "etc" / "corosync" / "corosync.conf"
        text = conf.read_text().replace("secauth: on", "secauth: off")
        text = text.replace(
            "ring0_addr: 192.168.50.11", "ring0_addr: 192.168.50.11\n\t\tnodeid: 3232248331"
        )
        if node == "deb-b":
            text = text.replace("token: 3000", "token: 5000")
        conf.write_text(text)
    m = _plan("debian9", root)
    assert _note(m, "secauth off -> no crypto").kind == "manual"
    assert not any(o.path.endswith("authkey") for o in m.outputs)
    assert _note(m, "nodeid 3232248331 -> a new id").kind == "rewrite"
    todo = _note(m, "deb-b: totem.token 5000 (deb-a: 3000)")
    assert todo.kind == "manual" and todo.source.endswith("deb-b/etc/corosync/corosync.conf:5")
    text = _corosync_accepts(m, tmp_path, "deb-a")
    assert "crypto_cipher: none" in text and "token: 3000" in text


CIB = """<cib validate-with="pacemaker-2.10" crm_feature_set="3.0.14" admin_epoch="0" epoch="9"
    num_updates="0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="3232248331" uname="deb-a.example.com"/>
      <node id="3232248332" uname="deb-b.example.com"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def test_corosync2_names_come_from_the_cib_and_its_node_ids_follow(tmp_path: Path) -> None:
    """Pacemaker on corosync 2 named a node with no nodelist name by uname -n and gave
    it corosync's nodeid (here made of its address): the CIB's uname that /etc/hosts
    gives ring0's address is the name, and the converted CIB's node ids are the new
    nodeids. An address /etc/hosts names no member is a TODO (corosync 3 with knet
    needs the name) and the entry is named by its address."""
    root = tmp_path / "c2"
    shutil.copytree(FIXTURES / "debian9", root / "debian9")
    for node in ("deb-a", "deb-b"):
        hosts = root / "debian9" / node / "etc" / "hosts"
        text = hosts.read_text().replace("\tdeb-a\n", "\tdeb-a.example.com deb-a\n")
        hosts.write_text(text.replace("192.168.50.12\tdeb-b\n", ""))
    cib = root / "debian9" / "deb-a" / "var" / "lib" / "pacemaker" / "cib" / "cib.xml"
    cib.parent.mkdir(parents=True)
    cib.write_text(CIB)
    m = _plan("debian9", root)
    assert [(mb.name, mb.nodeid) for mb in m.members] == [
        ("deb-a.example.com", 1),
        ("192.168.50.12", 2),
    ]
    assert _note(m, "name: deb-a.example.com added").kind == "rewrite"
    assert _note(m, "name: 192.168.50.12 (ring0_addr 192.168.50.12)").kind == "manual"
    converted = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    assert '<node id="1" uname="deb-a.example.com"' in converted


TOPO6 = Path(__file__).parent / "fixtures/topo6/rhel6-cman-pcmk-three-node-drbd84-lvm-xl/good"
TWO_NODE_CMAN = """<?xml version="1.0"?>
<cluster config_version="7" name="firs">
  <fence_daemon post_join_delay="30"/>
  <clusternodes>
    <clusternode name="fir1" nodeid="1">
      <fence><method name="ipmi"><device name="ipmi-fir1"/></method></fence>
    </clusternode>
    <clusternode name="fir2" nodeid="2">
      <fence><method name="ipmi"><device name="ipmi-fir2"/></method></fence>
    </clusternode>
  </clusternodes>
  <cman two_node="1" expected_votes="1"/>
  <fencedevices>
    <fencedevice name="ipmi-fir1" agent="fence_ipmilan" ipaddr="10.70.8.1" login="fencer"
        passwd="s3cret" lanplus="1"/>
    <fencedevice name="ipmi-fir2" agent="fence_ipmilan" ipaddr="10.70.8.2" login="fencer"
        passwd="s3cret" lanplus="1"/>
  </fencedevices>
</cluster>
"""


def test_rhel6_cman_becomes_corosync3_and_its_fence_devices_stonith(tmp_path: Path) -> None:
    """RHEL 6's cman wrote corosync's configuration from cluster.conf, and corosync 3 has
    no cman: the clusternodes (names, nodeids, addresses from /etc/hosts) become the
    nodelist, ``<cman two_node="1">`` two_node, and, with no CIB, each fence device (fenced
    is gone) a stonith resource of the CIB made of cluster.conf, its password masked in
    the report (tests/test_migrate_cman_resources.py has the rest).
    topo6's three-node cman + Pacemaker cluster (fence_pcmk, which hands fencing to
    Pacemaker) gets fence_pcmk dropped; corosync -t accepts both files."""
    m = _plan("good", TOPO6.parent)
    assert [(mb.name, mb.nodeid, mb.addrs) for mb in m.members] == [
        ("fir1", 1, {0: "10.70.0.1"}),
        ("fir2", 2, {0: "10.70.0.2"}),
        ("fir3", 3, {0: "10.70.0.3"}),
    ]
    assert m.old_stack == "cman" and "service cman stop" in m.steps[1]
    assert _note(m, "fencedevice pcmk (fence_pcmk)").kind == "dropped"
    assert "cluster_name: firs" in _corosync_accepts(m, tmp_path, "fir2")
    root = tmp_path / "two"
    for node in ("fir1", "fir2"):
        shutil.copytree(TOPO6 / node / "etc", root / node / "etc")
        (root / node / "etc" / "cluster" / "cluster.conf").write_text(TWO_NODE_CMAN)
    m = migrate.plan(sorted(str(p) for p in root.iterdir()), only=("stack",))
    made = _note(m, "fencedevice ipmi-fir2 (fence_ipmilan) -> stonith resource fence-ipmi-fir2")
    assert made.kind == "rewrite" and made.source.endswith("fir1/etc/cluster/cluster.conf:16")
    assert "pcmk_host_list=fir2" in made.what
    assert "s3cret" not in m.report_markdown() and "s3cret" not in made.what
    assert _note(m, 'two_node: 1 (<cman two_node="1">)').kind == "rewrite"
    text = _corosync_accepts(m, tmp_path, "fir1")
    assert "two_node: 1" in text and "crypto_cipher: aes256" in text
    _clean(text)


QDEVICE = """totem {
\tversion: 2
\tcluster_name: qd
\ttransport: udpu
\tcrypto_cipher: aes256
\tcrypto_hash: none
}
nodelist {
\tnode {
\t\tnodeid: 3
\t}
\tnode {
\t\tring0_addr: 10.0.0.1
\t\tname: a
\t\tnodeid: 5
\t}
\tnode {
\t\tring0_addr: 10.0.0.2
\t\tname: b
\t\tnodeid: 5
\t}
}
quorum {
\tprovider: corosync_votequorum
\tdevice {
\t\tmodel: net
\t\tnet {
\t\t\thost: qnetd.example.com
\t\t\talgorithm: ffsplit
\t\t}
\t}
}
"""


def test_corosync2_odd_files_give_todos_and_a_file_corosync_takes(tmp_path: Path) -> None:
    """A cipher without a hash (corosync 2 refused it, exec/totemconfig.c:463 of v2.4.5,
    and 3 does too) gets sha256 and a TODO; a node without ring0_addr is not carried (a
    TODO); a repeated nodeid gets a new one; a qdevice section is kept and then no
    two_node is written ("two_node and quorum device cannot be configured at the same
    time", exec/votequorum.c:1301 of v3.1.7)."""
    conf = tmp_path / "trees" / "a" / "etc" / "corosync" / "corosync.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text(QDEVICE)
    m = _plan("trees", tmp_path)
    assert [(mb.name, mb.nodeid) for mb in m.members] == [("a", 5), ("b", 1)]
    assert _note(m, "crypto_hash none -> crypto_cipher aes256, crypto_hash sha256").kind == "manual"
    assert _note(m, "node 0 has no ring0_addr").kind == "manual"
    assert _note(m, "quorum device { ... } kept").kind == "manual"
    text = _corosync_accepts(m, tmp_path, "a")
    assert "host: qnetd.example.com" in text and "two_node" not in text


def test_a_bare_corosync2_file_is_recognised_by_the_node_release(tmp_path: Path) -> None:
    """totem names only version and cluster_name: no transport, rrp_mode or ringnumber,
    no key of corosync 3 either. corosync 2 ran it over udp multicast (its default
    transport), corosync 3 over knet, so the file alone does not say which ran it; CentOS
    7's release file (corosync 2.4) does. It is carried as corosync 2's, with aes256/sha1
    (2's crypto default, exec/totemconfig.c:411 of v2.4.5) written out, and a report line
    names the release file. The same files without the release file are corosync 3's
    already: nothing to migrate."""
    m = _plan("centos7bare")
    assert m.old_stack == "corosync2"
    said = _note(m, "no transport (corosync 2 by c7-a:/etc/redhat-release (release 7)) -> knet")
    assert said.source.endswith("centos7bare/c7-a/etc/corosync/corosync.conf:1")
    assert [(mb.name, mb.nodeid, mb.addrs) for mb in m.members] == [
        ("c7-a", 1, {0: "10.31.0.1"}),
        ("c7-b", 2, {0: "10.31.0.2"}),
    ]
    text = _corosync_accepts(m, tmp_path, "c7-b")
    for line in ("transport: knet", "crypto_cipher: aes256", "crypto_hash: sha1"):
        assert line in text
    _clean(text)
    with pytest.raises(xencfg.XencfgError, match="nothing to migrate"):
        _plan("nobare")
    # Debian 9 and SLES 12 shipped corosync 2 too; Debian 10 corosync 3
    for i, (name, text, said) in enumerate(
        (
            ("debian_version", "9.13\n", "/etc/debian_version (9.13)"),
            ("os-release", 'ID="sles"\nVERSION_ID="12.5"\n', "/etc/os-release (SLES 12)"),
            ("debian_version", "10.13\n", None),
        )
    ):
        root = tmp_path / f"release{i}"
        shutil.copytree(FIXTURES / "nobare", root / "nobare")
        for node in ("c7-a", "c7-b"):
            (root / "nobare" / node / "etc" / name).write_text(text)
        if said is None:
            with pytest.raises(xencfg.XencfgError, match="nothing to migrate"):
                _plan("nobare", root)
        else:
            assert _note(_plan("nobare", root), f"no transport (corosync 2 by c7-a:{said})")


def test_corosync2_authkey_is_kept_where_corosync3_reads_it(tmp_path: Path) -> None:
    """corosync 2's key (corosync-keygen of 2.x: 128 bytes) is written again, not a new
    one: corosync -t of 3.1.7 takes it (its keyfile set to the written key) and refuses
    127 bytes ("Could only read 1016 bits of minimum 1024 bits", run for this change).
    Keys that differ between the nodes, or one too short, give a new key and say why."""
    m = _plan("centos7bare")
    old = (FIXTURES / "centos7bare/c7-a/etc/corosync/authkey").read_bytes()
    keys = [o.data for o in m.outputs if o.path.endswith("authkey")]
    assert keys == [old, old]
    kept = _note(m, "corosync 2's key kept (128 bytes, 1024 bits)")
    assert kept.source == "c7-a:/etc/corosync/authkey, c7-b:/etc/corosync/authkey"
    _corosync_accepts(m, tmp_path, "c7-a")

    for case, a, b, said in (
        ("short", b"k" * 127, b"k" * 127, "holds 1016 bits"),
        ("differ", b"a" * 128, b"b" * 128, "keys differ"),
    ):
        root = tmp_path / case
        shutil.copytree(FIXTURES / "centos7bare", root / "centos7bare")
        for node, data in (("c7-a", a), ("c7-b", b)):
            key = root / "centos7bare" / node / "etc/corosync/authkey"
            key.write_bytes(data)
            key.chmod(0o600)
        got = _plan("centos7bare", root)
        new = _note(got, "a new random 256-byte key (the old one not kept)")
        assert said in new.why
        written = {o.data for o in got.outputs if o.path.endswith("authkey")}
        assert len(written) == 1 and len(written.pop()) == 256


def test_cman_totem_logging_and_altname_are_carried(tmp_path: Path) -> None:
    """cman handed cluster.conf's ``<totem>`` attributes to corosync's totem and wrote
    ``<logging>`` into its logging section; ``<altname>`` was its second ring. Each is
    carried with a line citing its XML line: token and consensus kept, secauth dropped
    (knet's crypto), the altnames (addresses from /etc/hosts) knet link 1, to_syslog,
    logfile (to_logfile added: corosync 3 writes no file without it) and debug kept.
    corosync -t (3.1.7) accepts the result; with no ``<totem token>`` cman's own 10000
    ms (cman.h of cluster 3: DEFAULT_TOKEN_TIMEOUT) is written out, with what corosync
    3's default would have made of it."""
    m = _plan("cman6")
    conf = "cman6/c6-a/etc/cluster/cluster.conf"
    assert [mb.addrs for mb in m.members] == [
        {0: "10.60.0.1", 1: "10.61.0.1"},
        {0: "10.60.0.2", 1: "10.61.0.2"},
    ]
    assert _note(m, '<altname name="c6-a-ring1"> -> ring1_addr 10.61.0.1').source.endswith(
        f"{conf}:8"
    )
    assert _note(m, '<totem token="21000"> -> token: 21000').source.endswith(f"{conf}:4")
    assert _note(m, '<totem secauth="off">').kind == "dropped"
    assert _note(m, '<logging debug="on"> -> debug: on').source.endswith(f"{conf}:5")
    text = _corosync_accepts(m, tmp_path, "c6-b")
    for line in ("token: 21000", "consensus: 25200", "ring1_addr: 10.61.0.2", "debug: on"):
        assert line in text
    for line in ("to_logfile: yes", "logfile: /var/log/cluster/cluster.log"):
        assert line in text
    assert "secauth" not in text
    _clean(text)

    root = tmp_path / "bare"
    shutil.copytree(FIXTURES / "cman6", root / "cman6")
    for node in ("c6-a", "c6-b"):
        path = root / "cman6" / node / "etc/cluster/cluster.conf"
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(ln for ln in lines if "<totem" not in ln))
    m = _plan("cman6", root)
    said = _note(m, "token: 10000 (cman's default, no <totem token>)")
    assert "corosync 3's default would be 3000 ms here" in said.why
    text = _corosync_accepts(m, tmp_path, "c6-a")
    assert "token: 10000" in text
    _clean(text)
