"""Lint truth on whole clusters of the middle generation of stacks (session 26): each
tree under tests/fixtures/unseen6/SHAPE/ is one site, per node, with the release files a
real node has (README.md there), and every finding lint gives on it is asserted with why
it is true for the releases the tree runs. Variants are made on a copy.

Peer runs on the single files (/work/shared/oracle/peers), all three trees:
peer-drbdadm --mode 84 on each node's drbd.conf: OK; peer-xl on each domU config: OK;
peer-crm-verify on each CIB: only the empty status's "Scheduling node ... for fencing".
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found

UNSEEN6 = Path(__file__).parent / "fixtures" / "unseen6"
CMAN = "centos6-cman-fencepcmk-pcs09-drbd84-clvm-gfs2-xm"
PCS = "centos7-xen4centos-pcs09-corosync2-drbd84-elrepo-xl"
XENIAL = "xenial-corosync235-pcmk114-crmsh-drbd84-ocfs2pcmk-xl"

#: what each tree's distribution shipped, for the declared runs
SHIPPED = {
    CMAN: {"drbd": "8.4", "pacemaker": "1.1.18", "cman": "3.0", "xen": "4.6"},
    PCS: {"drbd": "8.4", "pacemaker": "1.1.18", "corosync": "2.4", "xen": "4.12"},
    XENIAL: {"drbd": "8.4", "pacemaker": "1.1.14", "corosync": "2.3", "xen": "4.6"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN6 / shape, tmp_path / shape)


# -- 1. CentOS 6: cman + Pacemaker 1.1 (fence_pcmk), DRBD 8.4, CLVM + GFS2, xm ------------


def test_centos6_cman_pacemaker_clvm_gfs2(tmp_path: Path) -> None:
    """oak1, oak2: nothing to say, undeclared and with CentOS 6.10's releases. The
    fence_pcmk redirect hands cman's fencing to Pacemaker, which has a fence_ipmilan
    per node (pcmk_host_list, passwd_script: no cleartext password); ms_drbd_r0 is
    tied to db (Master colocation + promote order), the dual-primary ms_drbd_r1 to
    the clustered VG's LVM clone, GFS2 after it, web after GFS2; drbd is off at boot
    (K08drbd), /etc/xen/auto absent."""
    root = _copy(CMAN, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[CMAN]) == set()


def test_centos6_fqdn_hostname_short_names(tmp_path: Path) -> None:
    """HOSTNAME=oak1.cluster.lan with the short names everywhere: DR006 and HS002 for
    drbd, true (drbdadm 8.4 compares ``on`` names with ``uname -n`` exactly: peer-drbdadm
    --mode 84 --node oak1.cluster.lan on oak1's drbd.conf prints "# resource r0 on
    oak1.cluster.lan: ignored, not stacked", and the same for r1).
    No HS002 for the CIB: Pacemaker 1.1 on cman takes its name from cman
    (lib/cluster/cluster.c get_local_node_name: ``cman_node_name(0)``), and cman finds
    ``oak1`` from the FQDN (cman_tool's verify_nodename drops the domain)."""
    root = _copy(CMAN, tmp_path)
    for n in ("oak1", "oak2"):
        edit_site(root, f"{n}/etc/sysconfig/network", f"HOSTNAME={n}", f"HOSTNAME={n}.cluster.lan")
    found = site_found(root, SHIPPED[CMAN], select="HS002,DR006,HB001")
    assert found == {("HS002", f"{n}/etc/sysconfig/network", "error") for n in ("oak1", "oak2")} | {
        ("DR006", f"{n}/etc/drbd.d/{r}.res", "error")
        for n in ("oak1", "oak2")
        for r in ("r0", "r1")
    }


def test_centos6_fqdn_drbd_names_with_crm_fence_peer(tmp_path: Path) -> None:
    """HOSTNAME and DRBD's ``on`` sections in FQDN, cluster.conf short: drbdadm and cman
    both find themselves. HB001 stays, true, because r0 and r1 call crm-fence-peer.sh
    (drbd-utils 8.4 scripts/crm-fence-peer.sh: ``HOSTNAME=$(uname -n)``, then a Master
    ban where ``#uname ne oak1.cluster.lan``; Pacemaker names the node ``oak1``, so the
    ban holds on both nodes). Without the handlers nothing is said."""
    root = _copy(CMAN, tmp_path)
    for n in ("oak1", "oak2"):
        edit_site(root, f"{n}/etc/sysconfig/network", f"HOSTNAME={n}", f"HOSTNAME={n}.cluster.lan")
    for n in ("oak1", "oak2"):
        edit_site(root, "*/etc/drbd.d/r*.res", f"on {n} {{", f"on {n}.cluster.lan {{")
    found = site_found(root, SHIPPED[CMAN], select="HS002,DR006,HB001")
    assert found == {("HB001", f"{n}/etc/drbd.d/r0.res", "error") for n in ("oak1", "oak2")}
    edit_site(root, "*/etc/drbd.d/r*.res", '\t\tfence-peer "', '\t\t# fence-peer "')
    assert site_found(root, SHIPPED[CMAN], select="HS002,DR006,HB001") == set()


def test_centos6_fencing_in_net_refused_by_drbd84(tmp_path: Path) -> None:
    """``net { fencing resource-only; }`` is DRBD 9's place for it: with 8.4 declared,
    XC008 error, true (peer-drbdadm --mode 84: "drbd.d/r0.res:4: Parse error: 'an
    option keyword' expected, but got 'fencing'")."""
    root = _copy(CMAN, tmp_path)
    edit_site(root, "*/etc/drbd.d/r0.res", "\tdisk {\n\t\tfencing", "\tnet {\n\t\tfencing")
    found = site_found(root, SHIPPED[CMAN], select="XC008")
    assert found == {("XC008", f"{n}/etc/drbd.d/r0.res", "error") for n in ("oak1", "oak2")}


def test_centos6_drbd_on_at_boot(tmp_path: Path) -> None:
    """``chkconfig drbd on`` on oak2 (S70drbd in rc3.d and rc5.d) while Pacemaker runs
    ocf:linbit:drbd: HB018, a true warning (the init script adjusts every resource
    outside the cluster; LINBIT's user guide asks to turn it off under a CRM)."""
    root = _copy(CMAN, tmp_path)
    for level in ("rc3.d", "rc5.d"):
        links = root / "oak2/etc/rc.d" / level
        (links / "K08drbd").unlink()
        (links / "S70drbd").symlink_to("../init.d/drbd")
    assert site_found(root, select="HB018") == {
        ("HB018", "oak2/var/lib/pacemaker/cib/cib.xml", "warning")
    }


# -- 2. CentOS 7 Xen4CentOS: pcs 0.9 + corosync 2, DRBD 8.4 (ELRepo), xl -------------------

PCS_CIB = "var/lib/pacemaker/cib/cib.xml"


def test_centos7_pcs_corosync2_drbd84_xl(tmp_path: Path) -> None:
    """cedar1, cedar2. CB009 (one finding per device, both on cedar1's copy, cedar2's
    as related): fence_ipmilan's ``passwd`` is in cleartext in the CIB, which pcs 0.9
    writes so (``passwd_script`` keeps it out), true. HB018 on each node, true:
    drbd.service is enabled in multi-user.target.wants while ocf:linbit:drbd runs the
    resource; drbd84-utils' unit runs the init script (``drbd start``: adjust, wait
    for the peer) outside Pacemaker, and the unit's own description says "DRBD --
    please disable. Unless you are NOT using a cluster manager." xendomains is
    enabled with no /etc/xen/auto, but its sysconfig keeps ``XENDOMAINS_SAVE`` and
    ``XENDOMAINS_RESTORE=true``: XN019 on each node (session 27, unseen8), true: Xen's
    xendomains ``stop`` saves every running domain, Pacemaker's vm1 too, and ``start``
    restores the images at boot (tools/hotplug/Linux/xendomains.in)."""
    root = _copy(PCS, tmp_path)
    expected = {
        ("CB009", f"cedar1/{PCS_CIB}", "warning"),
        ("HB018", f"cedar1/{PCS_CIB}", "warning"),
        ("HB018", f"cedar2/{PCS_CIB}", "warning"),
        *{("XN019", f"{n}/etc/sysconfig/xendomains", "warning") for n in ("cedar1", "cedar2")},
    }
    assert site_found(root) == expected
    assert site_found(root, SHIPPED[PCS]) == expected


def test_centos7_variants(tmp_path: Path) -> None:
    """drbd.service disabled: HB018 goes. vm1.cfg linked into /etc/xen/auto on cedar2,
    with xendomains enabled: XN019, true (xendomains starts the guest at boot, a second
    copy beside the one Pacemaker runs)."""
    root = _copy(PCS, tmp_path)
    for n in ("cedar1", "cedar2"):
        (root / n / "etc/systemd/system/multi-user.target.wants/drbd.service").unlink()
    assert site_found(root, select="HB018") == set()
    (root / "cedar2/etc/xen/auto").mkdir()
    (root / "cedar2/etc/xen/auto/vm1.cfg").symlink_to("../vm1.cfg")
    assert site_found(root, select="XN019") == {
        ("XN019", "cedar2/etc/xen/vm1.cfg", "warning"),
        *{("XN019", f"{n}/etc/sysconfig/xendomains", "warning") for n in ("cedar1", "cedar2")},
    }


# -- 3. Ubuntu 16.04: corosync 2.3.5 + Pacemaker 1.1.14 (crmsh), OCFS2 on pcmk, xl ---------


def test_xenial_crmsh_ocfs2_pcmk_xl(tmp_path: Path) -> None:
    """elm1, elm2. HS001 on each, true: the installer's ``127.0.1.1 elmN.example.org
    elmN`` stays above the cluster address, so the node's name resolves to 127.0.1.1
    (glibc's files backend returns the first line that has it). corosync's nodelist
    uses addresses, so the ring still forms: a warning. Nothing else: external/ipmi
    reads its password from a file (passwd_method file), the OCFS2 group clone is
    placed with ms_drbd_r1's Master and ordered after its promote, O2CB_STACK=pcmk
    needs no /etc/ocfs2/cluster.conf, drbd/o2cb/ocfs2 are off at boot (K01). XN019 on
    each node (session 27, unseen8), true: /etc/default/xendomains as Ubuntu ships it
    (``XENDOMAINS_SAVE=/var/lib/xen/save``, ``XENDOMAINS_RESTORE=true``) has xendomains
    save the cluster's guest web at shutdown and restore it at boot
    (tools/hotplug/Linux/xendomains.in ``stop``/``start``)."""
    root = _copy(XENIAL, tmp_path)
    saves = {("XN019", f"{n}/etc/default/xendomains", "warning") for n in ("elm1", "elm2")}
    expected = {
        ("HS001", "elm1/etc/hosts", "warning"),
        ("HS001", "elm2/etc/hosts", "warning"),
        *saves,
    }
    assert site_found(root) == expected
    assert site_found(root, SHIPPED[XENIAL]) == expected
    for n in ("elm1", "elm2"):
        edit_site(root, f"{n}/etc/hosts", f"127.0.1.1\t{n}.example.org\t{n}\n", "")
    assert site_found(root) == saves


def test_xenial_ocfs2_not_ordered_after_promote(tmp_path: Path) -> None:
    """The OCFS2 clone's order after ms_drbd_r1's promote taken out: CB038, true
    (Filesystem p_fs_shared on /dev/drbd1 may mount before r1 is Primary)."""
    root = _copy(XENIAL, tmp_path)
    edit_site(
        root,
        f"*/{PCS_CIB}",
        '<rsc_order id="o_drbd_before_ocfs2" kind="Mandatory" first="ms_drbd_r1"'
        ' first-action="promote" then="cl_ocfs2" then-action="start"/>',
        "",
    )
    assert site_found(root, select="CB038") == {("CB038", f"elm1/{PCS_CIB}", "error")}
