"""Lint truth on whole clusters of four stack shapes no earlier fixture had (the
third red-team, session 25): each tree under tests/fixtures/unseen3/SHAPE/ is one
cluster, per node, written from what the distribution shipped, with the release
files a real node has (/etc/SuSE-release, /etc/debian_version, /etc/lsb-release,
/etc/redhat-release). Every finding lint gives on it is asserted here with why it
is true for the releases the tree runs; the single files were run through the peers
in /work/shared/oracle/peers (each test says which). The trees' README.md says
what each node runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lintkit import copy_site, tree
from xencfg import lint
from xencfg.formats.schema import Version

UNSEEN3 = Path(__file__).parent / "fixtures" / "unseen3"
SLES = "sles11sp2-hae-ocfs2-pcmk"
WHEEZY = "wheezy-hb3-pcmk11-drbd83-xl-xm-iet"
PRECISE = "precise-corosync14-pcmk116-drbd83-xl"
RHEL5 = "rhel5-cman-rgmanager-clvm-gfs-xm"

#: what each tree's distribution shipped (its README), for the declared runs
SHIPPED = {
    SLES: {
        "drbd": "8.4",
        "corosync": "1.4",
        "pacemaker": "1.1.6",
        "multipath-tools": "0.4.9",
        "xen": "4.1",
    },
    WHEEZY: {
        "drbd": "8.3",
        "heartbeat": "3.0.5",
        "pacemaker": "1.1.7",
        "xen": "4.1",
        "iscsitarget": "1.4.20",
        "open-iscsi": "2.0.873",
    },
    PRECISE: {"drbd": "8.3", "corosync": "1.4", "pacemaker": "1.1.6", "xen": "4.1"},
    RHEL5: {"multipath-tools": "0.4.7", "cman": "2.0", "xen": "3.0"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN3 / shape, tmp_path / shape)


def _lint(root: Path, declared: bool = False, select: list[str] | None = None) -> lint.LintResult:
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    versions = {k: Version.parse(v) for k, v in SHIPPED[root.name].items()} if declared else None
    return lint.run(nodes, select=select or (), versions=versions)


def _found(result: lint.LintResult, root: Path) -> set[tuple[str, str, int, str]]:
    """{(code, path below the shape folder, line, severity)}; no rule failed."""
    assert not [f for f in result.findings if f.code in ("XC001", "XC002", "XC006")]
    top = os.path.abspath(root)  # (a report path may be relative, with '..' in it)
    return {
        (f.code, os.path.relpath(os.path.abspath(f.path), top), f.line, f.severity)
        for f in result.findings
    }


# -- SLES 11 SP2 HAE: openais/corosync 1.4 + pcmk plugin, OCFS2 on the pcmk stack ----


def test_sles11_hae_ocfs2_on_the_pcmk_stack_is_clean(tmp_path: Path) -> None:
    """Two dom0s: corosync 1.4 with ``service { ver: 0 name: pacemaker }`` (the plugin
    starts the daemons; SUSE's use_mgmtd/use_logd), two rings ``rrp_mode: passive``,
    ``secauth: on`` with a 0400 authkey; a Pacemaker 1.1.6 CIB (pacemaker-1.2) with
    SBD, a cloned controld/o2cb (ocf:ocfs2:o2cb)/clvmd (ocf:lvm2:clvmd)/LVM/OCFS2
    group, three ocf:heartbeat:Xen guests with xm files; DRBD 8.4 in SUSE's
    drbd.d/global_common.conf + *.res layout; multipath 0.4.9 on an EVA. No
    /etc/ocfs2/cluster.conf (ocfs2_controld.pcmk takes the members from the cluster),
    /etc/sysconfig/o2cb with ``O2CB_STACK=pcmk`` on hae1 and none on hae2.
    Peers: peer-drbdadm --mode 84 --node hae1/hae2 (the includes pasted into one file):
    OK; peer-multipath: OK; peer-crm-verify: only the empty status section's
    "Scheduling node ... for fencing"; peer-xm-python on web01, db01, mail: OK.
    Nothing to say, undeclared or with the shipped releases declared: no nodelist
    asked of corosync 1 (CS016 is corosync 3's), no cluster.conf nor o2cb node names
    asked of OCFS2 on the pcmk stack."""
    root = _copy(SLES, tmp_path)
    assert _found(_lint(root), root) == set()
    assert _found(_lint(root, declared=True), root) == set()


def test_o2cb_settings_are_not_compared_where_the_init_script_does_not_start_o2cb(
    tmp_path: Path,
) -> None:
    """Was a false OC008 error (three) once hae2 got ocfs2-tools' sysconfig file with
    other timeouts: ocfs2-tools' o2cb.init.sh ``start()`` exits unless
    ``O2CB_ENABLED=true`` (1.8.7's /etc/init.d/o2cb, line 1744), and on the pcmk stack
    ocf:ocfs2:o2cb (Pacemaker's extra/resources/o2cb) writes ``OCF_RESKEY_stack``
    (default pcmk) to /sys/fs/ocfs2/cluster_stack and starts ocfs2_controld.pcmk
    without reading the file. Only ``online_o2cb()`` calls ``set_timeouts_o2cb``, so
    between two enabled nodes on the pcmk stack the timeouts are not compared either;
    the stack itself still is, and enabled o2cb-stack nodes keep every check."""
    root = _copy(SLES, tmp_path)
    sysconfig = root / "hae2" / "etc" / "sysconfig"
    sysconfig.mkdir(parents=True)
    timeouts = "O2CB_IDLE_TIMEOUT_MS=60000\nO2CB_HEARTBEAT_THRESHOLD=61\n"
    (sysconfig / "o2cb").write_text("O2CB_ENABLED=false\nO2CB_BOOTCLUSTER=\n" + timeouts)
    assert _found(_lint(root, select=["OC008"]), root) == set()

    def oc008(a: str, b: str) -> list[str]:
        one = tree(tmp_path / a[:12] / b[:12], "one", {"etc/sysconfig/o2cb": a})
        two = tree(tmp_path / a[:12] / b[:12], "two", {"etc/sysconfig/o2cb": b})
        found = lint.run([str(one), str(two)], select=["OC008"]).findings
        return [f.message.split(" is ")[0] for f in found]

    pcmk = "O2CB_ENABLED=true\nO2CB_STACK=pcmk\n"
    assert oc008(pcmk, pcmk + timeouts) == []
    assert oc008(pcmk, "O2CB_ENABLED=true\nO2CB_STACK=o2cb\n") == ["O2CB_STACK"]
    enabled = "O2CB_ENABLED=true\n"
    assert oc008(enabled, enabled + timeouts) == [
        "O2CB_IDLE_TIMEOUT_MS",
        "O2CB_HEARTBEAT_THRESHOLD",
    ]


LEFTOVER = (
    "node:\n\tip_port = 7777\n\tip_address = 192.168.100.11\n\tnumber = 0\n\tname = hae1\n"
    "\tcluster = ocfs2\n\ncluster:\n\tnode_count = 1\n\tname = ocfs2\n"
)


@pytest.mark.parametrize("evidence", ["cib", "sysconfig"])
def test_a_leftover_ocfs2_cluster_conf_on_the_pcmk_stack_names_no_member(
    tmp_path: Path, evidence: str
) -> None:
    """Was three false errors (HB001 twice, for the CIB's and DRBD's hae2) and OC006,
    DR005 warnings: an /etc/ocfs2/cluster.conf left from o2cb's own stack (ocfs2console
    wrote it with hae1 only) on both nodes of the SLES 11 tree. On the pcmk stack
    nothing reads it: ocf:ocfs2:o2cb (Pacemaker's extra/resources/o2cb) loads
    ocfs2_stack_user, writes ``OCF_RESKEY_stack`` (pcmk) to cluster_stack and starts
    ocfs2_controld.pcmk, which takes the members from the cluster; o2cb.init.sh with
    ``O2CB_STACK=pcmk`` runs ``online_user`` (no ``register_cluster_o2cb``). Either
    sign is enough: the CIB's o2cb resource, or sysconfig/o2cb's stack. The same file
    on o2cb's own stack (neither sign) keeps HB001 and OC006."""
    root = _copy(SLES, tmp_path)
    for node in ("hae1", "hae2"):
        (root / node / "etc" / "ocfs2").mkdir()
        (root / node / "etc" / "ocfs2" / "cluster.conf").write_text(LEFTOVER)
    if evidence == "sysconfig":  # no o2cb resource: o2cb.init.sh starts the pcmk stack
        for node in ("hae1", "hae2"):
            cib = root / node / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
            cib.write_text(cib.read_text().replace('type="o2cb"', 'type="Dummy"'))
        o2cb = root / "hae1" / "etc" / "sysconfig" / "o2cb"
        o2cb.write_text(o2cb.read_text().replace("O2CB_ENABLED=false", "O2CB_ENABLED=true"))
        (root / "hae2" / "etc" / "sysconfig").mkdir()
        shutil.copy(o2cb, root / "hae2" / "etc" / "sysconfig")
    assert _found(_lint(root), root) == set()
    for node in ("hae1", "hae2"):
        cib = root / node / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
        cib.write_text(cib.read_text().replace('type="o2cb"', 'type="Dummy"'))
        o2cb = root / node / "etc" / "sysconfig" / "o2cb"
        if o2cb.exists():
            o2cb.write_text(o2cb.read_text().replace("O2CB_STACK=pcmk", "O2CB_STACK=o2cb"))
    codes = {code for code, _, _, _ in _found(_lint(root), root)}
    assert {"HB001", "OC006"} <= codes


# -- Debian wheezy: heartbeat 3.0.5 + Pacemaker 1.1.7, DRBD 8.3, xm and xl, IET box --


def test_wheezy_heartbeat3_drbd83_xm_and_xl_on_an_iet_box(tmp_path: Path) -> None:
    """castor and pollux (wheezy, /etc/debian_version 7.11): ha.cf ``pacemaker
    respawn`` (heartbeat 3.0.4's spelling of ``crm respawn``), ucast on the crossover
    and bcast on the LAN; Pacemaker 1.1.7's CIB on heartbeat (external/ipmi with
    ``passwd_method file``, two DRBD masters, four ocf:heartbeat:Xen guests); DRBD 8.3
    with drbd.conf's ``include "drbd.d/*.res"``; Xen 4.1 with xend-config.sxp *and*
    xl.conf (xen-utils-4.1 ships both, /etc/default/xen ``TOOLSTACK=xm``); open-iscsi
    with CHAP to tank (squeeze, 6.0.10, iscsitarget 1.4.20.2 in /etc/iet).
    Peers: peer-heartbeat --node castor (ha.cf with eth0/eth1 mapped to lo):
    "configuration validated"; peer-drbdadm --mode 83 --node castor/pollux: OK;
    peer-crm-verify: the empty status's fencing warnings and rsc_order ``score``
    (deprecated in 2.x, what crm shell wrote for 1.1.7); peer-xm-python and peer-xl
    on ns1.cfg and web.cfg: OK; peer-iscsiadm: every node.* key known.

    Undeclared, only XC004's advice, as info, on ``syncer`` and ``rate`` in both
    dom0s' global_common.conf: the files prove only "DRBD before 9.0" (lint reads no
    release off /etc/debian_version), and the advice says it holds from 8.4 on and
    to keep ``rate`` while 8.3 runs: true. With wheezy's DRBD 8.3 declared, nothing
    (``syncer``/``rate`` are 8.3's own spelling). Xen is read as 4.1-4.4 from both
    files: no complaint that xm and xl sit side by side."""
    root = _copy(WHEEZY, tmp_path)
    common = "{}/etc/drbd.d/global_common.conf"
    assert _found(_lint(root), root) == {
        # DRBD 8.4 reads 'syncer' as an old spelling; advice conditioned on 8.4 (info)
        ("XC004", common.format("castor"), 34, "info"),
        ("XC004", common.format("pollux"), 34, "info"),
        # 'rate' -> 'resync-rate' from 8.4 on; 9.0 with drbd-utils < 9.29 refuse it
        ("XC004", common.format("castor"), 35, "info"),
        ("XC004", common.format("pollux"), 35, "info"),
    }
    assert _found(_lint(root, declared=True), root) == set()


def test_the_same_dom0s_on_squeeze_with_xen40_and_pacemaker10(tmp_path: Path) -> None:
    """The wheezy dom0s as squeeze had them (6.0.10): heartbeat 3.0.3 ``crm respawn``,
    Pacemaker 1.0.9 (``validate-with="pacemaker-1.0"``, its dc-version), Xen 4.0 with
    xm only (no xl.conf, xen-utils-4.0's pygrub and squeeze's 2.6.32-5-xen kernel),
    ``TOOLSTACK=`` empty. Read as Pacemaker 1.0.9-1.0.x and Xen before 4.5; the same
    four XC004 infos undeclared, nothing with squeeze's releases declared."""
    root = _copy(WHEEZY, tmp_path)
    for node in ("castor", "pollux"):
        etc = root / node / "etc"
        (etc / "debian_version").write_text("6.0.10\n")
        (etc / "xen" / "xl.conf").unlink()
        hacf = etc / "ha.d" / "ha.cf"
        hacf.write_text(hacf.read_text().replace("pacemaker respawn", "crm respawn"))
        (etc / "default" / "xen").write_text("TOOLSTACK=\n")
        for cfg in (etc / "xen").glob("*.cfg"):
            text = cfg.read_text().replace("xen-4.1", "xen-4.0")
            cfg.write_text(text.replace("3.2.0-4-amd64", "2.6.32-5-xen-amd64"))
        cib = root / node / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
        text = cib.read_text().replace('"pacemaker-1.2" crm_feature_set="3.0.6"', '"pacemaker-1.0"')
        cib.write_text(text.replace("1.1.7-ee0730e1", "1.0.9-74392a28"))
    result = _lint(root)
    assert {f.code for f in result.findings} == {"XC004"}
    assert "Pacemaker 1.0.9 or later, before 1.1" in result.cluster.versions.describe()["pacemaker"]
    squeeze = {"drbd": "8.3", "heartbeat": "3.0.3", "pacemaker": "1.0.9", "xen": "4.0"}
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    declared = {k: Version.parse(v) for k, v in squeeze.items()}
    assert lint.run(nodes, versions=declared).findings == []


# -- Ubuntu 12.04: corosync 1.4.2 (ver: 1) + Pacemaker 1.1.6, DRBD 8.3.11, xl --------


def test_precise_corosync14_ver1_udpu_three_nodes_drbd_on_two(tmp_path: Path) -> None:
    """kvm1-3 (12.04.5: /etc/lsb-release, debian_version ``wheezy/sid``): corosync
    1.4.2 ``transport: udpu`` with ``member { memberaddr }`` in the interface (how
    corosync 1.4 lists unicast peers: no nodelist, which came with 2.0),
    ``service { ver: 1 name: pacemaker }`` (pacemakerd from its own init script),
    ``secauth: off``; Pacemaker 1.1.6 (ids = unames, as on the plugin); DRBD 8.3
    between kvm1 and kvm2 only (``location ... kvm3 -inf`` on the master), xl with
    /etc/default/xen ``TOOLSTACK=xl``.
    Peers: peer-drbdadm --mode 83 --node kvm1/kvm2: OK; peer-crm-verify: fencing of
    the empty status and rsc_order ``score`` only; peer-xl on gitlab.cfg and
    build.cfg: OK.
    Undeclared, XC004's conditional advice on the 8.3 spellings (``no-disk-barrier``,
    ``no-disk-flushes``, ``syncer``, ``rate``) as info on the two DRBD nodes: true
    (each says from DRBD 8.4 on, keep it while an older release runs); declared 8.3,
    nothing. No CS016 (a nodelist is corosync 2's and 3's), no CS006/CS008 (secauth
    off on corosync 1: no key read).
    Not seen (open, no file shows it): 12.04 ships resource-agents 3.9.2, whose
    ocf:heartbeat:Xen runs ``xm`` only (``check_binary xm``, ``xm create``, ``xm
    migrate --live``); xl came to the agent with f1456730c "Replace use of xm with
    xl", first in v3.9.6. With ``TOOLSTACK=xl`` these guests start only while xend
    runs too; lint knows no resource-agents release to say so."""
    root = _copy(PRECISE, tmp_path)
    common = "{}/etc/drbd.d/global_common.conf"
    expected = set()
    for node in ("kvm1", "kvm2"):
        # 21 no-disk-barrier, 22 no-disk-flushes: 8.4 spells 'disk-barrier no' ...;
        # 31 syncer, 32 rate: 8.4 moves them to disk/net/options ('resync-rate')
        expected |= {("XC004", common.format(node), line, "info") for line in (21, 22, 31, 32)}
    assert _found(_lint(root), root) == expected
    assert _found(_lint(root, declared=True), root) == set()


# -- RHEL 5.8: cman 2 + rgmanager <vm> services, CLVM, GFS, multipath 0.4.7 ----------


def test_rhel5_cman_rgmanager_clvm_gfs_three_dom0s(tmp_path: Path) -> None:
    """rhx1-3 (RHEL 5.8): cluster.conf with three fence_ipmilan nodes and three
    ``<vm migrate="live" path="/etc/xen">`` services in a restricted failover domain;
    lvm.conf ``locking_type = 3`` (lvmconf --enable-cluster) on all three; GFS on a
    clustered LV (/etc/fstab, the gfs init script mounts it); xend relocation open to
    ``^rhx[123]\\.example\\.com$``; device-mapper-multipath 0.4.7 on a CLARiiON
    (``prio_callout mpath_prio_emc``, ``getuid_callout scsi_id``).
    Peers: peer-multipath takes the file (0.9.4 only says it ignores getuid_callout,
    prio_callout, selector and udev_dir, which 0.4.7 reads); peer-xm-python on the
    three guests: OK.
    Undeclared, XC004's advice as info on ``udev_dir``, ``selector``,
    ``getuid_callout`` (twice) and ``prio_callout`` (twice) per node: the file proves
    only "multipath-tools 0.4.7 or later", and each message names the release from
    which the keyword is ignored and says to keep it while an older one runs: true.
    Declared RHEL 5's 0.4.7: nothing."""
    root = _copy(RHEL5, tmp_path)
    expected = set()
    for node in ("rhx1", "rhx2", "rhx3"):
        # 8 udev_dir, 10 selector (0.5.0 ignores), 12/26 getuid_callout (0.9.0),
        # 13/27 prio_callout (0.4.9 ignores; 'prio' from then on)
        for line in (8, 10, 12, 13, 26, 27):
            expected.add(("XC004", f"{node}/etc/multipath.conf", line, "info"))
    assert _found(_lint(root), root) == expected
    assert _found(_lint(root, declared=True), root) == set()


# -- LV002: lvm.conf's locking differs between cluster nodes -------------------------


@pytest.mark.parametrize(("shape", "node"), [(RHEL5, "rhx2"), (SLES, "hae2")])
def test_one_node_with_local_lvm_locking_in_a_clvm_cluster(
    tmp_path: Path, shape: str, node: str
) -> None:
    """Missed before, under cman and under pcmk alike: one node's lvm.conf back at
    ``locking_type = 1`` (a package update restored the default, or lvmconf was never
    run there). lvm2 lib/metadata/metadata.c ``_vg_bad_status_bits``: a clustered VG
    with ``!locking_is_clustered()`` logs "Skipping clustered volume group", so that
    node activates no LV of vg_xen and its guests cannot start there."""
    root = _copy(shape, tmp_path)
    conf = root / node / "etc" / "lvm" / "lvm.conf"
    text = conf.read_text()
    line = text[: text.index("locking_type = 3")].count("\n") + 1
    conf.write_text(text.replace("locking_type = 3", "locking_type = 1"))
    rel = f"{node}/etc/lvm/lvm.conf"
    assert _found(_lint(root, select=["LV002"]), root) == {("LV002", rel, line, "error")}


def test_lv002_compares_cluster_nodes_only(tmp_path: Path) -> None:
    """An unset locking_type is LVM's default 1 (local); a node that only serves
    storage (an IET box with its own VG) is not compared; every node at 3, or every
    node local, is nothing to say."""
    clvm = "global {\n    locking_type = 3\n}\n"
    local = "global {\n    umask = 077\n}\n"
    cib = (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/>'
        '<nodes><node id="a" uname="a"/><node id="b" uname="b"/></nodes>'
        "<resources/><constraints/></configuration></cib>"
    )
    ietd = "Target iqn.2001-04.com.example:vg\n\tLun 0 Path=/dev/san/vg,Type=blockio\n"

    def lv002(b_lvm: str, box: bool = False) -> list[tuple[str, int]]:
        at = tmp_path / f"{len(b_lvm)}-{box}"
        cib_path = "var/lib/heartbeat/crm/cib.xml"
        roots = [
            tree(at, "a", {"etc/lvm/lvm.conf": clvm, cib_path: cib}),
            tree(at, "b", {"etc/lvm/lvm.conf": b_lvm, cib_path: cib}),
        ]
        if box:
            roots.append(tree(at, "san", {"etc/lvm/lvm.conf": local, "etc/ietd.conf": ietd}))
        found = lint.run([str(r) for r in roots], select=["LV002"]).findings
        return [(Path(f.path).parent.parent.parent.name, f.line) for f in found]

    assert lv002(local) == [("b", 1)]
    assert lv002(clvm, box=True) == []
    assert lv002(clvm) == []


def test_lv002_on_a_node_without_shared_disks_is_a_warning(tmp_path: Path) -> None:
    """A member whose files show no path to the shared disks (no multipath, iSCSI or
    DRBD configuration: a quorum node) is told, but as a warning: lvm2 refuses a
    clustered VG only on a node that sees it."""
    clvm = "global {\n    locking_type = 3\n}\n"
    cib = (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/>'
        '<nodes><node id="a" uname="a"/><node id="b" uname="b"/></nodes>'
        "<resources/><constraints/></configuration></cib>"
    )
    mp = "multipaths {\n  multipath {\n    wwid 3600a0b80001\n    alias data\n  }\n}\n"
    cib_path = "var/lib/heartbeat/crm/cib.xml"
    a = tree(tmp_path, "a", {"etc/lvm/lvm.conf": clvm, cib_path: cib, "etc/multipath.conf": mp})
    b = tree(tmp_path, "b", {"etc/lvm/lvm.conf": "global {\n}\n", cib_path: cib})
    found = lint.run([str(a), str(b)], select=["LV002"]).findings
    assert [f.severity for f in found] == ["warning"]
    (b / "etc/multipath.conf").write_text(mp)
    found = lint.run([str(a), str(b)], select=["LV002"]).findings
    assert [f.severity for f in found] == ["error"]


def test_openais_080_reads_its_key_beside_openais_conf(tmp_path: Path) -> None:
    """Was a false CS008 error on the SLES 11 tree laid out as SLES 11 GA has it
    (/etc/ais/openais.conf, ``secauth: on``, the key from ais-keygen in
    /etc/ais/authkey): openais 0.80's exec/totemconfig.c reads
    ``getenv("OPENAIS_TOTEM_AUTHKEY_FILE")``, else "/etc/ais/authkey" (ais-keygen
    writes it there, "Writing openais key to /etc/ais/authkey"), never corosync's
    /etc/corosync/authkey. A missing key, or one only where corosync looks, stays
    CS008."""
    text = (UNSEEN3 / SLES / "hae1" / "etc" / "corosync" / "corosync.conf").read_text()
    key = "k" * 128

    def cs008(files: dict[str, str]) -> list[str]:
        root = tree(tmp_path / str(len(files)) / next(iter(files))[4:8], "n", files)
        found = lint.run([str(root)], select=["CS008"]).findings
        return [Path(f.path).name for f in found]

    conf = {"etc/ais/openais.conf": text}
    assert cs008({**conf, "etc/ais/authkey": key}) == []
    assert cs008(conf) == ["openais.conf"]
    assert cs008({"etc/corosync/authkey": key, **conf}) == ["openais.conf"]


def test_vm_configs_on_the_shared_gfs_are_not_known_missing(tmp_path: Path) -> None:
    """Was a false CM007 warning per ``<vm>`` on every node of the RHEL 5 tree once
    the guests' configs moved to the GFS (``path="/gfs/xen"``, what Red Hat's
    Virtualization guide for RHEL 5 clusters advises so that every node sees one copy)
    while one local guest stayed in /etc/xen: vm.sh runs ``xm create --path=/gfs/xen
    NAME``, and a node's /etc tree holds nothing of /gfs, so "no node has a guest
    config" is not known. A path under /etc, or one a read config lies in, is still
    checked."""
    root = _copy(RHEL5, tmp_path)
    for node in ("rhx1", "rhx2", "rhx3"):
        conf = root / node / "etc" / "cluster" / "cluster.conf"
        conf.write_text(conf.read_text().replace('path="/etc/xen"', 'path="/gfs/xen"'))
        for guest in ("erp", "intranet", "ldap"):
            (root / node / "etc" / "xen" / guest).unlink()
        scratch = (
            'name = "scratch"\nmemory = 512\ndisk = [ "phy:/dev/VolGroup00/scratch,xvda,w" ]\n'
        )
        (root / node / "etc" / "xen" / "scratch").write_text(scratch)
    assert _found(_lint(root, select=["CM007"]), root) == set()
    for node in ("rhx1", "rhx2", "rhx3"):  # the files should have been in /etc/xen
        conf = root / node / "etc" / "cluster" / "cluster.conf"
        conf.write_text(conf.read_text().replace('path="/gfs/xen"', 'path="/etc/xen"'))
    assert len(_found(_lint(root, select=["CM007"]), root)) == 9


def test_rgmanager_live_migration_against_xend_relocation(tmp_path: Path) -> None:
    """Missed before: XN007 read only the CIB's allow-migrate. rgmanager's vm.sh
    (``xm_migrate``: ``cmd="xm migrate $migrate_opt $OCF_RESKEY_name $target"``,
    ``-l`` for the default ``migrate="live"``) migrates a ``<vm>`` service on
    ``clusvcadm -M`` to the member's name; rhx2's hosts-allow narrowed to
    ``^rhx[23]...`` refuses rhx1 (xend's ``hostAllowed`` matches the peer's address
    and getfqdn). A warning: rgmanager migrates only when asked."""
    root = _copy(RHEL5, tmp_path)
    sxp = root / "rhx2" / "etc" / "xen" / "xend-config.sxp"
    text = sxp.read_text()
    line = text[: text.index("xend-relocation-hosts-allow")].count("\n") + 1
    sxp.write_text(text.replace("^rhx[123]", "^rhx[23]"))
    found = _lint(root, select=["XN007"])
    assert _found(found, root) == {("XN007", "rhx2/etc/xen/xend-config.sxp", line, "warning")}
    assert "rhx1 cannot migrate erp, intranet, ldap here" in found.findings[0].message


def _nodelist_instead_of_members(root: Path) -> None:
    """The precise tree's corosync.conf with its ``member`` lines swapped for a
    corosync 2 ``nodelist`` of the three nodes."""
    import re

    nodelist = "".join(
        f"\tnode {{\n\t\tring0_addr: 10.20.0.{i}\n\t\tnodeid: {i}\n\t}}\n" for i in (1, 2, 3)
    )
    for node in ("kvm1", "kvm2", "kvm3"):
        conf = root / node / "etc" / "corosync" / "corosync.conf"
        text = re.sub(r"\t\tmember \{\n\t\t\tmemberaddr: [0-9.]+\n\t\t\}\n", "", conf.read_text())
        conf.write_text(text + "\nnodelist {\n" + nodelist + "}\n")


def test_corosync1_udpu_with_a_nodelist_and_no_member(tmp_path: Path) -> None:
    """Missed before, and a false CS002 beside it. A corosync 2 ``nodelist`` pasted
    into Ubuntu 12.04's corosync 1.4.2 file in place of the ``member`` lines: v1.4.9
    exec/totemconfig.c fills the udpu member list only from
    ``interface.member.memberaddr`` and its validation asks for none; totemudpu.c sends
    to that list only, so each node stays alone: CS017 (error) on each node. CS002 had
    counted corosync 2.3.4's ``token_coefficient`` (650 ms per node beyond two, commit
    58176d67 "Add token_coefficient option", first in v2.3.4) on the nodelist: consensus
    3600 is 1.2 x token 3000 on corosync 1, where there is no coefficient; it stays a
    warning where corosync 2.4 is declared (token 3650)."""
    root = _copy(PRECISE, tmp_path)
    _nodelist_instead_of_members(root)
    found = _found(_lint(root, declared=True), root)
    iface = [f for f in found if f[0] == "CS017"]
    assert [(code, path) for code, path, _, _ in sorted(iface)] == [
        ("CS017", f"{n}/etc/corosync/corosync.conf") for n in ("kvm1", "kvm2", "kvm3")
    ]
    assert found == set(iface)
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    on_2_4 = lint.run(nodes, select=["CS002"], versions={"corosync": Version.parse("2.4")})
    assert [f.message.split(" is ")[0] for f in on_2_4.findings] == ["consensus 3600 ms"] * 3


def test_a_dom0_using_an_iet_lun_by_path_is_shut_out(tmp_path: Path) -> None:
    """Missed before: IS016 knew a target's users only by multipath WWIDs, and the
    wheezy dom0s name tank's LUNs by udev's path (``/dev/disk/by-path/ip-10.0.2.30:
    3260-iscsi-IQN-lun-0``, no multipath). tank's initiators.allow narrowed to pollux
    (iscsitarget 1.4 usr/plain.c ``initiator_match``: only the listed addresses log
    in), then castor's CHAP password changed (usr/chap.c "No valid user/pass
    combination"): each is castor's IS016, at its disk line as related location."""
    root = _copy(WHEEZY, tmp_path)
    allow = root / "tank" / "etc" / "iet" / "initiators.allow"
    allow.write_text(allow.read_text().replace("10.0.2.21, 10.0.2.22", "10.0.2.22"))
    found = _lint(root, select=["IS016"]).findings
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (2, "castor uses LUN(s) of iqn.2013-02.org.example")
    ]
    assert "initiators.allow does not admit castor" in found[0].message
    assert [Path(r.path).name for r in found[0].related] == ["initiators.allow", "mail.cfg"]
    allow.write_text(allow.read_text().replace("10.0.2.22", "10.0.2.21, 10.0.2.22"))
    iscsid = root / "castor" / "etc" / "iscsi" / "iscsid.conf"
    iscsid.write_text(iscsid.read_text().replace("Dai5ohvaeb7o", "Dai5ohvaeb7X"))
    found = _lint(root, select=["IS016"]).findings
    assert ["another password than IncomingUser" in f.message for f in found] == [True]
