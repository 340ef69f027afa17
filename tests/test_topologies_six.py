"""Lint truth on four cluster topologies the earlier trees had little of (session truth3):
three diskful DRBD 9 nodes under corosync 3 + Pacemaker 2; a heartbeat-2 (haresources)
DRBD 8.3 + IET pair serving three separate xm dom0s over dm-multipath; Pacemaker 1.0 on
corosync 1 with dual-primary DRBD 8.3 under OCFS2 and xend; RHEL 6 cman + Pacemaker on
three nodes with DRBD 8.4 pairs under LVM and xl guests.

Each case under tests/fixtures/topo6/CASE/ (its README.md says what it is) has ``good``,
which every peer that reads its files accepts and lint passes (no error, no warning that
is false for the releases it runs), and ``bad``: ``good`` with 3-5 mistakes planted,
each a refusal by the daemon or a documented hazard, which lint must name. Lint runs as
on a cluster never seen (no declared release); ``good`` is also checked with the
releases declared, where the advice for older releases goes away.

Peers (/work/shared/oracle/peers), every one run by the tests below: peer-drbdadm
(--mode 9, 83, 84 as the tree runs, each node with its own name and the drbd.d files
joined), ``corosync -c FILE -t`` (3.1.7), peer-crm-verify, peer-heartbeat (interfaces
set to lo), peer-multipath, peer-xl and peer-xm-python on every guest, peer-o2cb and
``o2cb list-cluster``, peer-iscsiadm, peer-augeas Lvm.lns. No peer reads corosync 1,
ietd.conf, cluster.conf (cman) or xend-config.sxp here: their cases cite the source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, corosync_test, peer_tool, unavailable
from xencfg import lint
from xencfg.formats.schema import Version

TOPO6 = FIXTURES / "topo6"
MESH = "drbd9-mesh-three-node-corosync3-pcmk2-ipmi-xl"
IET = "hb2-v1-drbd83-iet-pair-three-separate-xm-dom0s-multipath"
PCMK10 = "openais-pcmk10-drbd83-dual-primary-ocfs2-xend"
CMAN = "rhel6-cman-pcmk-three-node-drbd84-lvm-xl"

Found = list[tuple[str, str, int, str]]


def _copy(case: str, variant: str, tmp_path: Path) -> Path:
    """The tree with the key files' modes a real node has (git keeps 0644)."""
    root = tmp_path / case / variant
    shutil.copytree(TOPO6 / case / variant, root)
    for keys in root.glob("*/etc/ha.d/authkeys"):
        keys.chmod(0o600)
    for keys in root.glob("*/etc/corosync/authkey"):
        keys.chmod(0o400)
    for conf in root.glob("*/etc/iscsi/iscsid.conf"):
        conf.chmod(0o600)  # it holds the CHAP password (IS104); open-iscsi installs it 0600
    return root


def _run(case: str, variant: str, tmp_path: Path, versions: dict[str, str] | None = None) -> Found:
    """(code, path below the variant, line, severity) of every finding, sorted."""
    root = _copy(case, variant, tmp_path)
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    declared = {k: Version.parse(v) for k, v in (versions or {}).items()}
    result = lint.run(nodes, versions=declared)
    assert not [f for f in result.findings if f.code in ("XC001", "XC006")]
    out = [
        (f.code, str(Path(f.path).relative_to(root)), f.line, f.severity) for f in result.findings
    ]
    return sorted(out)


def _planted(case: str, tmp_path: Path) -> Found:
    """What ``bad`` adds to ``good``'s findings (``good``'s must all stay)."""
    good = _run(case, "good", tmp_path / "g")
    bad = _run(case, "bad", tmp_path / "b")
    assert set(good) <= set(bad)
    return sorted(set(bad) - set(good))


def _peer(tool: str, requires: str, *args: str | Path) -> str:
    """A peer's output; its first line is the verdict (OK, WARN or REJECT ...)."""
    wrapper = peer_tool(tool, requires)
    res = subprocess.run(
        [str(wrapper), *map(str, args)], capture_output=True, text=True, timeout=120
    )
    return res.stdout + res.stderr


def _drbdadm(mode: str, node: str, root: Path) -> str:
    """peer-drbdadm on ``node``'s drbd configuration, its include files joined (the
    wrapper puts on lo only the addresses of the file it is given)."""
    etc = root / node / "etc"
    parts = [etc / "drbd.conf"] if not (etc / "drbd.d").is_dir() else []
    parts += sorted((etc / "drbd.d").glob("*")) if (etc / "drbd.d").is_dir() else []
    text = "".join(
        line
        for p in parts
        for line in p.read_text().splitlines(True)
        if not line.startswith("include")
    )
    joined = root.parent / f"{root.name}-{node}-drbd.conf"
    joined.write_text(text)
    return _peer("peer-drbdadm", "drbdadm", "--mode", mode, "--node", node, joined)


def _corosync(root: Path, tmp_path: Path) -> tuple[bool, str]:
    """``corosync -t`` on elm1's file, its key named by ``keyfile`` (the check runs in
    a namespace where /etc/corosync/authkey is the machine's, not the tree's)."""
    conf = tmp_path / "corosync.conf"
    text = (root / "elm1/etc/corosync/corosync.conf").read_text()
    key = root / "elm1/etc/corosync/authkey"
    conf.write_text(text.replace("\ttoken: 3000\n", f"\ttoken: 3000\n\tkeyfile: {key}\n"))
    return corosync_test(conf, "10.20.0.11")


def _heartbeat(root: Path, node: str, tmp_path: Path) -> str:
    """peer-heartbeat on ``node``'s ha.cf with its interfaces moved to lo (all the
    namespace has) and its authkeys."""
    hacf = tmp_path / "ha.cf"
    hacf.write_text(re.sub(r"eth[0-9]", "lo", (root / node / "etc/ha.d/ha.cf").read_text()))
    keys = root / node / "etc/ha.d/authkeys"
    daemon = "/usr/libexec/heartbeat/heartbeat"
    return _peer("peer-heartbeat", daemon, "--node", node, "--authkeys", keys, hacf)


def _accepted(out: str) -> bool:
    return out.startswith("OK")


# -- a. three diskful DRBD 9 nodes, corosync 3 knet, Pacemaker 2, fence_ipmilan, xl ------


def test_mesh_good_is_clean(tmp_path: Path) -> None:
    """Nothing to say: quorum majority with io-error on three diskful nodes, fencing
    resource-and-stonith with both crm-*-peer.9.sh handlers (DR041 satisfied),
    three-vote corosync without two_node, a fence device per node banned from itself
    (CB019), notify on both promotable clones (CB035)."""
    assert _run(MESH, "good", tmp_path) == []


def test_mesh_good_peers_accept(tmp_path: Path) -> None:
    """drbdadm 9 takes each node's files; corosync -t takes the file (with its key);
    crm_verify 2.1.5 says nothing at all (status has the three nodes online); xl
    takes both guests (pvh, key=value disk specs on by-res links)."""
    root = _copy(MESH, "good", tmp_path)
    for node in ("elm1", "elm2", "elm3"):
        assert _accepted(_drbdadm("9", node, root)), node
    ok, said = _corosync(root, tmp_path)
    assert ok, said
    cib = root / "elm1/var/lib/pacemaker/cib/cib.xml"
    assert _peer("peer-crm-verify", "crm_verify", cib).startswith("OK (crm_verify rc=0)")
    for guest in ("vm-mail", "vm-dns"):
        xl = _peer("peer-xl", "/usr/lib/xen-4.17/bin/xl", root / f"elm1/etc/xen/{guest}.cfg")
        assert _accepted(xl), xl


def test_mesh_bad_names_each_planted_mistake(tmp_path: Path) -> None:
    """DR020/DR009: elm3's copy gives elm3 elm2's node-id (drbdadm 9 there: "conflicting
    use of node-id 'vm-mail:1'"); CS006 on every node (corosync: "crypto_cipher requires
    crypto_hash with value other than none"); CB035: ms-vm-dns without notify (the
    linbit agent refuses to start; crm_verify does not look); CB022: no-quorum-policy
    ignore on three nodes, once with the other copies related; DR029: elm2's guest names
    volume 1 of a one-volume resource (xl takes the path; the start fails)."""
    assert _planted(MESH, tmp_path) == [
        ("CB022", "elm1/var/lib/pacemaker/cib/cib.xml", 6, "warning"),
        ("CB035", "elm1/var/lib/pacemaker/cib/cib.xml", 85, "error"),
        ("CB035", "elm2/var/lib/pacemaker/cib/cib.xml", 85, "error"),
        ("CB035", "elm3/var/lib/pacemaker/cib/cib.xml", 85, "error"),
        ("CS006", "elm1/etc/corosync/corosync.conf", 6, "error"),
        ("CS006", "elm2/etc/corosync/corosync.conf", 6, "error"),
        ("CS006", "elm3/etc/corosync/corosync.conf", 6, "error"),
        ("DR009", "elm3/etc/drbd.d/vm-mail.res", 1, "error"),
        ("DR020", "elm3/etc/drbd.d/vm-mail.res", 15, "error"),
        ("DR029", "elm2/etc/xen/vm-mail.cfg", 11, "error"),
    ]


def test_mesh_bad_peers_refuse(tmp_path: Path) -> None:
    root = _copy(MESH, "bad", tmp_path)
    out = _drbdadm("9", "elm3", root)
    assert not _accepted(out) and "conflicting use of node-id 'vm-mail:1'" in out
    assert _accepted(_drbdadm("9", "elm1", root))
    ok, said = _corosync(root, tmp_path)
    assert not ok and "crypto_cipher requires crypto_hash" in said


def test_mesh_other_spellings_stay_clean(tmp_path: Path) -> None:
    """Other admins' spelling of the same cluster: the pacemaker-3.7 schema with
    Promoted/Unpromoted roles (crm_verify 2.1.5: OK), ``on-no-quorum suspend-io``, and
    xl's positional disk spec ``/dev/drbd/by-res/vm-mail/0,raw,xvda,rw`` (peer-xl: OK,
    the same disk). ``fencing`` in ``disk`` (8.4's place) is the one thing drbdadm 9 of
    drbd-utils 9.22 refuses ("'resync-rate | c-plan-ahead | ...' expected, but got
    'fencing'"): XC008, a warning while the drbd-utils release is unknown."""
    root = _copy(MESH, "good", tmp_path)
    for node in ("elm1", "elm2", "elm3"):
        cib = root / node / "var/lib/pacemaker/cib/cib.xml"
        text = cib.read_text().replace("pacemaker-3.2", "pacemaker-3.7")
        text = text.replace('role="Master"', 'role="Promoted"')
        cib.write_text(text.replace('role="Slave"', 'role="Unpromoted"'))
        gc = root / node / "etc/drbd.d/global_common.conf"
        gc.write_text(gc.read_text().replace("on-no-quorum io-error", "on-no-quorum suspend-io"))
        guest = root / node / "etc/xen/vm-mail.cfg"
        spec = "'format=raw, vdev=xvda, access=rw, target=/dev/drbd/by-res/vm-mail/0'"
        guest.write_text(
            guest.read_text().replace(spec, "'/dev/drbd/by-res/vm-mail/0,raw,xvda,rw'")
        )
    nodes = [str(root / n) for n in ("elm1", "elm2", "elm3")]
    assert lint.run(nodes).findings == []
    for node in ("elm1", "elm2", "elm3"):
        gc = root / node / "etc/drbd.d/global_common.conf"
        text = gc.read_text().replace("\t\tfencing resource-and-stonith;\n", "")
        gc.write_text(text.replace("\tdisk {\n", "\tdisk {\n\t\tfencing resource-and-stonith;\n"))
    found = [(f.code, f.severity) for f in lint.run(nodes).findings]
    assert found == [("XC008", "warning")] * 3
    assert not _accepted(_drbdadm("9", "elm1", root))


# -- b. heartbeat 2 (v1) DRBD 8.3 + IET pair, three separate xm dom0s on multipath -------

#: what the tree runs: Debian lenny's DRBD 8.3.7, multipath-tools 0.4.8, IET 0.4.16
IET_RELEASES = {"drbd": "8.3", "multipath-tools": "0.4.8", "iscsitarget": "0.4.16"}


def test_iet_good_is_advice_only(tmp_path: Path) -> None:
    """No release declared: XC004 on ``syncer``/``rate`` and ``getuid_callout`` says
    which release renames them and to keep them while an older one runs (true for
    8.3 and 0.4.8, where they are the only spelling), as info, since the release in
    force may be one of those; IS010 (info) on initiators.deny.
    Declared, only IS010 is left: on IET 0.4 the deny file is the mechanism
    (usr/plain.c 0.4.14 ``plain_initiator_access``: refused only where deny matches and
    allow does not), and the message then leaves the deprecation out."""
    advice = [
        ("XC004", f"{n}/etc/drbd.conf", line, "info") for n in ("nas1", "nas2") for line in (8, 9)
    ] + [("XC004", f"{n}/etc/multipath.conf", 20, "info") for n in ("xen1", "xen2", "xen3")]
    deny = [("IS010", f"{n}/etc/initiators.deny", 1, "info") for n in ("nas1", "nas2")]
    assert _run(IET, "good", tmp_path) == sorted(advice + deny)
    assert _run(IET, "good", tmp_path / "v", IET_RELEASES) == deny


def test_iet_good_peers_accept(tmp_path: Path) -> None:
    """drbdadm-83 on each box; heartbeat 3.0.6 starts with each ha.cf (its interfaces
    moved to lo, which is all the namespace has) and the authkeys; iscsiadm knows every
    key of iscsid.conf; xm (peer-xm-python) and xl take each guest. multipath 0.9.4's
    only word is "ignoring deprecated option getuid_callout": it reads uid_attribute
    instead, which 0.4.8 does not know (the XC004 above)."""
    root = _copy(IET, "good", tmp_path)
    for node in ("nas1", "nas2"):
        assert _accepted(_drbdadm("83", node, root)), node
    hb = _heartbeat(root, "nas1", tmp_path)
    assert _accepted(hb), hb
    mp = _peer("peer-multipath", "multipath", root / "xen1/etc/multipath.conf")
    assert mp.startswith("REJECT (multipath rc=0, 1 diagnostics)")
    assert 'ignoring deprecated option "getuid_callout"' in mp
    iscsi = _peer("peer-iscsiadm", "iscsiadm", root / "xen1/etc/iscsi/iscsid.conf")
    assert iscsi.startswith("OK all node.* keys known")
    for node, guest in (("xen1", "web"), ("xen2", "db"), ("xen3", "mail")):
        cfg = root / node / "etc/xen" / f"{guest}.cfg"
        assert _accepted(_peer("peer-xm-python", "python3", cfg))
        assert _accepted(_peer("peer-xl", "/usr/lib/xen-4.17/bin/xl", cfg))


def test_iet_bad_names_each_planted_mistake(tmp_path: Path) -> None:
    """IS013 twice (ScsiId and ScsiSN of LUN 1 differ between the boxes: after a
    failover the dom0s see another disk, multipath maps no alias to it); HB004 on both
    boxes (heartbeat: "Dead time [4000] is too small compared to keeplive [2000]");
    IS016 on both boxes (xen3, added later, is in no initiators.allow line while the
    deny file refuses everyone else); MP004 + IS030 (xen3's WWID for ``mail`` is no
    LUN's: multipath sets up no map named mail and its guest cannot start); DR010
    (nas2's copy has nas2 on port 7791, nas1's on 7790: each drbdadm takes its own
    file, the pair never connects)."""
    assert _planted(IET, tmp_path) == [
        ("DR010", "nas1/etc/drbd.conf", 70, "error"),
        ("HB004", "nas1/etc/ha.d/ha.cf", 4, "error"),
        ("HB004", "nas2/etc/ha.d/ha.cf", 4, "error"),
        ("IS013", "nas2/etc/ietd.conf", 7, "error"),
        ("IS016", "nas1/etc/ietd.conf", 3, "warning"),
        ("IS016", "nas2/etc/ietd.conf", 3, "warning"),
        ("IS030", "xen3/etc/multipath.conf", 34, "warning"),
        ("MP004", "xen3/etc/multipath.conf", 34, "error"),
    ]


def test_iet_bad_heartbeat_refuses_and_drbdadm_takes_each_copy(tmp_path: Path) -> None:
    root = _copy(IET, "bad", tmp_path)
    hb = _heartbeat(root, "nas2", tmp_path)
    assert not _accepted(hb) and "Dead time [4000] is too small" in hb
    for node in ("nas1", "nas2"):
        assert _accepted(_drbdadm("83", node, root)), node


# -- c. Pacemaker 1.0 on corosync 1, dual-primary DRBD 8.3 + OCFS2, xend ---------------


def test_pcmk10_good_is_advice_only(tmp_path: Path) -> None:
    """Unknown DRBD release: the XC004 advice on ``syncer``/``rate`` (keep them while
    8.3 runs), as info. Declared 8.3: nothing. The pacemaker-1.0 CIB's ``score`` on rsc_order is
    that schema's own (constraints-1.0.rng takes ``score`` or ``kind``): crm_verify
    2.1.5's "Support for 'score' in rsc_order is deprecated" is about 2.x, and lint,
    right, says nothing; external/ipmi reads its password from a file
    (``passwd_method=file``: no CB009)."""
    drbd = [
        ("XC004", f"{n}/etc/drbd.conf", line, "info") for n in ("lark1", "lark2") for line in (8, 9)
    ]
    assert _run(PCMK10, "good", tmp_path) == drbd
    assert _run(PCMK10, "good", tmp_path / "v", {"drbd": "8.3"}) == []


def test_pcmk10_good_peers_accept(tmp_path: Path) -> None:
    """drbdadm-83 on each node; o2cb loads cluster.conf; crm_verify warns only of the
    ``score`` above; xm and xl take both guests."""
    root = _copy(PCMK10, "good", tmp_path)
    for node in ("lark1", "lark2"):
        assert _accepted(_drbdadm("83", node, root)), node
    assert _peer("peer-o2cb", "o2cb", root / "lark1/etc/ocfs2/cluster.conf").startswith(
        "OK clusters: larkfs"
    )
    verify = _peer("peer-crm-verify", "crm_verify", root / "lark1/var/lib/heartbeat/crm/cib.xml")
    warnings = [line for line in verify.splitlines() if "warning:" in line or "error:" in line]
    assert verify.startswith("WARN") and warnings
    assert all("Support for 'score' in rsc_order is deprecated" in w for w in warnings)
    for guest in ("web", "mail"):
        cfg = root / "lark1/etc/xen/vm" / guest
        assert _accepted(_peer("peer-xm-python", "python3", cfg))
        assert _accepted(_peer("peer-xl", "/usr/lib/xen-4.17/bin/xl", cfg))


def test_pcmk10_bad_names_each_planted_mistake(tmp_path: Path) -> None:
    """DR004 on both nodes: protocol B under allow-two-primaries (drbdadm-83 takes the
    file, the kernel refuses the net config: drbd_nl.c ``if (new_conf->two_primaries &&
    (new_conf->wire_protocol != DRBD_PROT_C)) retcode = ERR_NOT_PROTO_C``, "Protocol C
    required"); CB006 (STONITH off under dual-primary DRBD and OCFS2); OC007 (lark2's
    O2CB_BOOTCLUSTER=ocfs2: ``o2cb list-cluster ocfs2`` says "Unknown cluster"); XN007
    on both (relocation server on the DRBD link, while the Xen agent migrates to the
    node name, 10.60.0.x); CB002 (an order names ``cl-ocfs``: crm_verify "IDREF
    attribute first references an unknown ID")."""
    assert _planted(PCMK10, tmp_path) == [
        ("CB002", "lark1/var/lib/heartbeat/crm/cib.xml", 127, "error"),
        ("CB006", "lark1/var/lib/heartbeat/crm/cib.xml", 8, "error"),
        ("DR004", "lark1/etc/drbd.conf", 14, "error"),
        ("DR004", "lark2/etc/drbd.conf", 14, "error"),
        ("OC007", "lark2/etc/default/o2cb", 3, "error"),
        ("XN007", "lark1/etc/xen/xend-config.sxp", 7, "error"),
        ("XN007", "lark2/etc/xen/xend-config.sxp", 7, "error"),
    ]


def test_pcmk10_bad_peers(tmp_path: Path) -> None:
    root = _copy(PCMK10, "bad", tmp_path)
    verify = _peer("peer-crm-verify", "crm_verify", root / "lark1/var/lib/heartbeat/crm/cib.xml")
    assert verify.startswith("REJECT") and 'references an unknown ID "cl-ocfs"' in verify
    assert _accepted(_drbdadm("83", "lark1", root))  # protocol B: only the kernel refuses
    o2cb = shutil.which("o2cb")
    if o2cb is None:
        unavailable("o2cb (ocfs2-tools) is not installed")
    conf = root / "lark2/etc/ocfs2/cluster.conf"
    res = subprocess.run(
        [str(o2cb), f"--config-file={conf}", "list-cluster", "ocfs2"],
        capture_output=True,
        text=True,
    )
    assert "Unknown cluster 'ocfs2'" in res.stdout + res.stderr


# -- d. RHEL 6 cman + Pacemaker, three nodes, DRBD 8.4 pairs under LVM, xl --------------


def test_cman_good_is_clean(tmp_path: Path) -> None:
    """The same drbd.d on every node, each resource with ``on`` sections for its pair
    only: drbdadm-84 on the third node ignores it, and so does lint (no DR006); the
    masters are banned from the third node (no DR043); fence_pcmk for every node."""
    assert _run(CMAN, "good", tmp_path) == []


def test_cman_good_peers_accept(tmp_path: Path) -> None:
    root = _copy(CMAN, "good", tmp_path)
    for node in ("fir1", "fir2", "fir3"):
        assert _accepted(_drbdadm("84", node, root)), node
    cib = root / "fir1/var/lib/pacemaker/cib/cib.xml"
    assert _peer("peer-crm-verify", "crm_verify", cib).startswith("OK (crm_verify rc=0)")
    lvm = _peer(
        "peer-augeas",
        "/usr/share/augeas/lenses/dist/lvm.aug",
        "Lvm.lns",
        root / "fir1/etc/lvm/lvm.conf",
    )
    assert _accepted(lvm), lvm
    for node, guest in (("fir1", "web"), ("fir3", "db")):
        xl = _peer("peer-xl", "/usr/lib/xen-4.17/bin/xl", root / node / "etc/xen" / f"{guest}.cfg")
        assert _accepted(xl), xl


def test_cman_bad_names_each_planted_mistake(tmp_path: Path) -> None:
    """CM001 (two_node on three nodes: cman refuses, "two_node set but there are more
    than 2 nodes", cman_preconfig.c); CM005 (fir3 without the fence_pcmk method: fenced
    cannot fence it and DLM users block; the message now says so for a cman + Pacemaker
    cluster instead of naming rgmanager); DR002 (r1 left at minor 0: drbdadm-84 on
    every node, "conflicting use of device-minor 'device-minor:fir2:0'"); LV001 (the
    filter accepts the disks under DRBD: duplicate PVs); DR043, new: ms-r1 may run on
    fir1, where r1 has no ``on`` section (the linbit agent: "DRBD resource r1 not found
    in configuration file", OCF_ERR_INSTALLED, "probably misconfigured constraint
    somewhere"; lint said nothing)."""
    cm = [
        (code, f"{n}/etc/cluster/cluster.conf", line, "error")
        for n in ("fir1", "fir2", "fir3")
        for code, line in (("CM001", 22), ("CM005", 20))
    ]
    assert _planted(CMAN, tmp_path) == sorted(
        cm
        + [("DR002", f"{n}/etc/drbd.d/r1.res", 3, "error") for n in ("fir1", "fir2", "fir3")]
        + [("DR043", "fir1/var/lib/pacemaker/cib/cib.xml", 103, "warning")]
        + [("LV001", f"{n}/etc/lvm/lvm.conf", 6, "warning") for n in ("fir1", "fir2", "fir3")]
    )


def test_cman_bad_drbdadm_refuses_the_minor(tmp_path: Path) -> None:
    root = _copy(CMAN, "bad", tmp_path)
    for node in ("fir1", "fir2", "fir3"):
        out = _drbdadm("84", node, root)
        assert not _accepted(out) and "conflicting use of device-minor 'device-minor:fir2:0'" in out


def test_cm005_names_pacemaker_where_fence_pcmk_redirects(tmp_path: Path) -> None:
    """Without fence_pcmk the message keeps rgmanager/GFS (an rgmanager cluster)."""
    root = _copy(CMAN, "bad", tmp_path)
    said = {f.message for f in lint.run([str(root / "fir1")], select=["CM005"]).findings}
    assert said == {
        "node fir3: it has no fence device, so when it fails fenced cannot fence it: the"
        " fence_pcmk redirect to Pacemaker is missing and DLM users (clvmd, GFS2) block"
    }
    conf = root / "fir1/etc/cluster/cluster.conf"
    conf.write_text(conf.read_text().replace('agent="fence_pcmk"', 'agent="fence_ipmilan"'))
    said = {f.message for f in lint.run([str(root / "fir1")], select=["CM005"]).findings}
    assert said == {
        "node fir3: it has no fence device, so when it fails fenced cannot fence it:"
        " rgmanager/GFS never recover"
    }


def _dr043(root: Path) -> list[str]:
    nodes = [str(root / n) for n in ("fir1", "fir2", "fir3")]
    return [f"{f.message}" for f in lint.run(nodes, select=["DR043"]).findings]


@pytest.mark.parametrize(
    "ban",
    [
        '<rsc_location id="loc-ms-r1" rsc="ms-r1" node="fir1" score="-INFINITY"/>',
        '<rsc_location id="loc-ms-r1" rsc="drbd-r1" node="fir1" score="-INFINITY"/>',
        '<rsc_location id="loc-ms-r1" rsc="ms-r1"><rule id="loc-ms-r1-rule" score="-INFINITY"'
        ' boolean-op="and"><expression id="loc-ms-r1-e1" attribute="#uname" operation="ne"'
        ' value="fir2"/><expression id="loc-ms-r1-e2" attribute="#uname" operation="ne"'
        ' value="fir3"/></rule></rsc_location>',
    ],
)
def test_dr043_passes_with_a_ban(tmp_path: Path, ban: str) -> None:
    """A ban on the master, on its primitive, or a rule keeping it to its hosts."""
    root = _copy(CMAN, "bad", tmp_path)
    assert len(_dr043(root)) == 1
    for node in ("fir1", "fir2", "fir3"):
        cib = root / node / "var/lib/pacemaker/cib/cib.xml"
        text = cib.read_text().replace("    </constraints>", f"      {ban}\n    </constraints>")
        cib.write_text(text)
    assert _dr043(root) == []


def test_dr043_fails_on_a_node_with_no_drbd_configuration(tmp_path: Path) -> None:
    """A CIB node whose tree has no drbd.conf: the agent finds no configuration file
    there (OCF_ERR_INSTALLED as well); the other nodes' files tell the hosts."""
    root = _copy(CMAN, "good", tmp_path)
    for f in ("etc/drbd.conf", "etc/drbd.d"):
        p = root / "fir3" / f
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    for node in ("fir1", "fir2", "fir3"):
        cib = root / node / "var/lib/pacemaker/cib/cib.xml"
        cib.write_text(
            cib.read_text().replace(
                'rsc="ms-r0" node="fir3" score="-INFINITY"', 'rsc="ms-r0" node="fir3" score="0"'
            )
        )
    [said] = _dr043(root)
    assert said.startswith("the CIB may start 'drbd-r0' (ocf:linbit:drbd of 'r0') on fir3,")


def test_pcmk10_order_kind_is_refused_by_1_0_only(tmp_path: Path) -> None:
    """Another admin's spelling: ``kind="Mandatory" symmetrical="true"`` on the guests'
    orders, corosync 1.3's ``transport: udpu`` with ``member`` blocks, ``rsc-role`` on
    the colocation. crm_verify 2.1.5 takes ``kind`` (its pacemaker-1.0.rng has it), but
    Pacemaker 1.0 does not: ``kind`` came with commit 281700fcd6 ("Simplify the
    rsc_order syntax", xml/constraints.rng.in), whose first tag is Pacemaker-1.1.0;
    Pacemaker-1.0.8's constraints.rng.in has no ``kind``. So CB023 under the CIB's
    dc-version 1.0.9, nothing on a declared 1.1.7 (or with no dc-version: not known)."""
    root = _copy(PCMK10, "good", tmp_path)
    for node in ("lark1", "lark2"):
        cib = root / node / "var/lib/heartbeat/crm/cib.xml"
        text = re.sub(
            r'(<rsc_order id="ord-fs-\w+" first="cl-ocfs2" then="vm-\w+") score="INFINITY"',
            r'\1 kind="Mandatory" symmetrical="true"',
            cib.read_text(),
        )
        cib.write_text(
            text.replace('rsc="cl-ocfs2" with-rsc', 'rsc="cl-ocfs2" rsc-role="Started" with-rsc')
        )
        conf = root / node / "etc/corosync/corosync.conf"
        text = conf.read_text().replace("\trrp_mode: passive\n", "\ttransport: udpu\n")
        text = re.sub(r"\tinterface \{\n\t\tringnumber: 1\n.*?\n\t\}\n", "", text, flags=re.S)
        members = "".join(f"\t\tmember {{\n\t\t\tmemberaddr: 10.60.0.{i}\n\t\t}}\n" for i in (1, 2))
        conf.write_text(text.replace("\t\tmcastaddr: 226.94.1.60\n", members))
    nodes = [str(root / n) for n in ("lark1", "lark2")]
    declared = {"drbd": Version.parse("8.3")}
    found = [(f.code, f.line) for f in lint.run(nodes, versions=declared).findings]
    assert found == [("CB023", 127)]
    declared["pacemaker"] = Version.parse("1.1.7")
    assert lint.run(nodes, versions=declared).findings == []
    verify = _peer("peer-crm-verify", "crm_verify", root / "lark1/var/lib/heartbeat/crm/cib.xml")
    assert not verify.startswith("REJECT"), verify


def test_dr043_cib_without_nodes_is_placed_on_its_cluster_only(tmp_path: Path) -> None:
    """A CIB with no ``<nodes>`` yet (as ``xencfg migrate`` writes it: Pacemaker adds
    each node when it joins) runs on the members of the cluster holding it, not on a
    storage box linted beside them: no DR043 for ``sto``, which only exports an IET
    LUN and runs no cluster stack (migunseen5's three dom0s + store tree). fir3 stays
    a candidate: with its ban lifted the finding remains."""
    root = _copy(CMAN, "good", tmp_path)
    sto = root / "sto" / "etc"
    sto.mkdir(parents=True)
    (sto / "ietd.conf").write_text(
        "Target iqn.2009-01.com.example:sto.lun0\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
    )
    for node in ("fir1", "fir2", "fir3"):
        cib = root / node / "var/lib/pacemaker/cib/cib.xml"
        cib.write_text(re.sub(r"<nodes>.*?</nodes>", "<nodes/>", cib.read_text(), flags=re.S))
    nodes = [str(root / n) for n in ("fir1", "fir2", "fir3", "sto")]
    assert [f.message for f in lint.run(nodes, select=["DR043"]).findings] == []
    for node in ("fir1", "fir2", "fir3"):
        cib = root / node / "var/lib/pacemaker/cib/cib.xml"
        cib.write_text(
            cib.read_text().replace(
                'rsc="ms-r0" node="fir3" score="-INFINITY"', 'rsc="ms-r0" node="fir3" score="0"'
            )
        )
    [said] = [f.message for f in lint.run(nodes, select=["DR043"]).findings]
    assert " on fir3," in said and "sto" not in said.split(", where")[0]


STORAGE_PAIR = FIXTURES / "lint-trees" / "iscsi-target-pair-four-dom0s" / "good"
_NO_FENCING_CIB = """<cib validate-with="pacemaker-3.9" admin_epoch="1" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="opts">
      <nvpair id="opts-stonith" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes>{nodes}</nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def _with_cib(root: Path, holders: tuple[str, ...]) -> None:
    nodes = "".join(f'<node id="{i}" uname="{n}"/>' for i, n in enumerate(holders, 1))
    for n in holders:
        path = root / n / "var/lib/pacemaker/cib/cib.xml"
        path.parent.mkdir(parents=True)
        path.write_text(_NO_FENCING_CIB.format(nodes=nodes))


def _cb006(root: Path) -> list[str]:
    trees = [str(p) for p in sorted(root.iterdir()) if p.is_dir()]
    return [f.message for f in lint.run(trees, select=["CB006"]).findings]


def test_cb006_judges_a_cib_by_its_own_clusters_storage(tmp_path: Path) -> None:
    """Separate storage boxes: the target pair st1/st2 (heartbeat, DRBD single-primary,
    IET) serves four dom0s that use its LUNs through multipath. A CIB of the target pair
    without fencing shares no storage among ITS nodes (the dom0s' multipath LUNs are not
    theirs): no CB006, where the dom0s' LUNs used to be counted for it (migrate's output
    of this tree said so, a false error). The same CIB on the dom0s: CB006, true."""
    root = tmp_path / "site"
    shutil.copytree(STORAGE_PAIR, root)
    _with_cib(root, ("st1", "st2"))
    assert _cb006(root) == []
    _with_cib(root, ("x1", "x2", "x3", "x4"))
    assert _cb006(root) == ["STONITH is disabled but nodes share multipath SAN LUNs"]
