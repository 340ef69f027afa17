"""Lint truth on whole clusters of three shapes no earlier fixture had (the fourth
red-team, session 25), for the rules added or changed that day (CB037, CB038, HB017,
HB018, XN019, CB011 per heartbeat release ...): each tree under
tests/fixtures/unseen4/SHAPE/ is one site, per node, with the release files a real
node has, and every finding lint gives on it is asserted with why it is true for
the releases the tree runs. Variants (a node no fence device names, a guest in
/etc/xen/auto, a service enabled at boot, an IET LUN exported before drbddisk) are
made on a copy. Peer runs on the single files are named in each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import copy_site, edit_site, site_found
from xencfg import lint
from xencfg.formats.schema import Version

UNSEEN4 = Path(__file__).parent / "fixtures" / "unseen4"
KNET = "drbd9-pcmk21-knet-xl"
STORAGE = "centos5-iet-hb1-drbd83-ocfs2-pcmk10-xm"
HB2 = "sles10-hb214-crmdtd-drbd82-xm"

#: what each tree's distribution shipped, for the declared runs
SHIPPED = {
    KNET: {"drbd": "9.2", "pacemaker": "2.1.5", "corosync": "3.1", "xen": "4.17"},
    STORAGE: {"drbd": "8.3", "heartbeat": "2.1.3", "multipath-tools": "0.4.7", "xen": "3.1"},
    HB2: {"drbd": "8.2", "heartbeat": "2.1.4", "xen": "3.2"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN4 / shape, tmp_path / shape)


_found = site_found
_edit = edit_site


# -- 1. DRBD 9 three nodes + Pacemaker 2.1 + corosync 3 knet + xl (Debian 12) --------

ALPHA_CIB = "alpha/var/lib/pacemaker/cib/cib.xml"


def test_drbd9_three_nodes_pacemaker_2_1_knet_xl(tmp_path: Path) -> None:
    """alpha, bravo, charlie: DRBD 9 resource vm1 with node-id and connection-mesh,
    ``quorum majority``; corosync 3 knet with two links and a 2048-bit authkey; a
    pcs-written Pacemaker 2.1.5 CIB (promotable clone, ``Promoted`` roles, colocation
    with ``with-rsc-role="Promoted"`` and an order from ``promote``), fence_ipmilan
    with a pcmk_host_map for the three nodes and one fence_xvm with pcmk_host_list;
    an xl guest ``disk = ['vdev=xvda, target=/dev/drbd/by-res/vm1/0']``; xendomains
    enabled in systemd's wants with an empty /etc/xen/auto.
    Peers: peer-drbdadm --mode 9 --node alpha (global_common + vm1.res): OK;
    peer-crm-verify: only the empty status's "Scheduling node ... for fencing";
    peer-xl vm1.cfg: OK; crm_simulate -S (2.1.5, the three nodes online in status):
    the clone starts on all three and vm1 stays stopped until an instance is promoted
    (no promotion scores before the agent's first monitor).
    Only CB009, true: fence_ipmilan's ``password`` sits in cleartext in the CIB
    (``password_script`` keeps it out). No CB037 (every node is in a host map), no
    CB038 (Promoted colocation + promote order), no XN019 (auto is empty), no HB018
    (drbd.service is not enabled)."""
    root = _copy(KNET, tmp_path)
    expected = {("CB009", ALPHA_CIB, "warning")}
    assert _found(root) == expected
    assert _found(root, SHIPPED[KNET]) == expected


def test_drbd9_variant_node_without_fence_device(tmp_path: Path) -> None:
    """charlie left out of pcmk_host_map and of fence_xvm's pcmk_host_list: CB037,
    true (Pacemaker 2.1.5 fenced_commands.c reads the static list and finds no device
    for charlie: "No devices found in cluster to fence"). Listed by fence_xvm alone it
    is fenced, and nothing is said."""
    root = _copy(KNET, tmp_path)
    cibs = "*/var/lib/pacemaker/cib/cib.xml"
    _edit(root, cibs, ";charlie:10.40.9.13", "")
    assert _found(root, select="CB037") == set()  # fence_xvm still lists charlie
    _edit(root, cibs, 'value="alpha bravo charlie"', 'value="alpha bravo"')
    assert _found(root, select="CB037") == {("CB037", ALPHA_CIB, "error")}


def test_drbd9_variant_autostart_and_drbd_at_boot(tmp_path: Path) -> None:
    """bravo links vm1.cfg into /etc/xen/auto (xendomains is enabled: XN019, a second
    copy at boot after a failover) and charlie enables drbd.service while
    ocf:linbit:drbd runs the resource (HB018: drbd-utils' unit brings the resource up
    outside the cluster). Both true warnings."""
    root = _copy(KNET, tmp_path)
    (root / "bravo/etc/xen/auto").mkdir(exist_ok=True)  # (git keeps no empty folder)
    (root / "bravo/etc/xen/auto/vm1.cfg").symlink_to("../vm1.cfg")
    wants = root / "charlie/etc/systemd/system/multi-user.target.wants"
    (wants / "drbd.service").symlink_to("/lib/systemd/system/drbd.service")
    assert _found(root, select="XN019,HB018") == {
        ("XN019", "bravo/etc/xen/vm1.cfg", "warning"),
        ("HB018", "charlie/var/lib/pacemaker/cib/cib.xml", "warning"),
    }


def test_drbd9_variant_colocation_without_role(tmp_path: Path) -> None:
    """Without ``with-rsc-role`` the guest may run where vm1 is Unpromoted: CB038,
    true even with DRBD 9's auto-promote (a peer is Primary, so the open is refused).
    With ``first-action="start"`` but the Promoted colocation, DRBD 9 auto-promotes
    on open where no peer is primary: nothing (CB038's doc)."""
    root = _copy(KNET, tmp_path)
    cibs = "*/var/lib/pacemaker/cib/cib.xml"
    _edit(root, cibs, 'first-action="promote"', 'first-action="start"')
    assert _found(root, select="CB038") == set()
    _edit(root, cibs, ' with-rsc-role="Promoted"', "")
    assert _found(root, select="CB038") == {("CB038", ALPHA_CIB, "error")}


@pytest.mark.parametrize(
    "host_map",
    [
        "alpha=10.40.9.11 bravo=10.40.9.12,charlie=10.40.9.13",
        "ALPHA.lab.example:10.40.9.11;bravo:10.40.9.12;charlie:10.40.9.13;",
    ],
)
def test_drbd9_host_map_spellings_name_every_node(tmp_path: Path, host_map: str) -> None:
    """pcmk_host_map with ``=`` and mixed separators (Pacemaker's host map takes ``;``,
    ``,`` or blanks between entries and ``:`` or ``=`` inside one), or a node in
    capitals with its domain (names are compared without case and domain): every node
    is named and fence_xvm's comma list no longer needs charlie: no CB037."""
    root = _copy(KNET, tmp_path)
    cibs = "*/var/lib/pacemaker/cib/cib.xml"
    _edit(root, cibs, "alpha:10.40.9.11;bravo:10.40.9.12;charlie:10.40.9.13", host_map)
    _edit(root, cibs, 'value="alpha bravo charlie"', 'value="alpha,bravo"')
    assert _found(root, select="CB037") == set()


@pytest.mark.parametrize(
    "disk",
    [
        "'vdev=xvda, target=/dev/drbd1'",
        "'/dev/drbd/by-res/vm1/0,raw,xvda,rw'",
        "'format=raw, vdev=xvda, access=rw, target=/dev/drbd/by-res/vm1/0'",
    ],
)
def test_drbd9_xl_disk_spellings_reach_cb038(tmp_path: Path, disk: str) -> None:
    """The xl disk spec by minor, positional, and with every key: each opens vm1's
    device (peer-xl: OK on each), so without the Promoted colocation CB038 holds."""
    root = _copy(KNET, tmp_path)
    _edit(root, "*/var/lib/pacemaker/cib/cib.xml", ' with-rsc-role="Promoted"', "")
    _edit(root, "*/etc/xen/vm1.cfg", "'vdev=xvda, target=/dev/drbd/by-res/vm1/0'", disk)
    assert _found(root, select="CB038") == {("CB038", ALPHA_CIB, "error")}


# -- 2. storage tier: two IET boxes (heartbeat haresources, DRBD 8.3), three dom0s ----


def test_storage_tier_iet_haresources_and_ocfs2_dom0s(tmp_path: Path) -> None:
    """stor1/stor2 (CentOS 5.11): heartbeat 2.1.3 in haresources mode
    ``stor1 drbddisk::r0 IPaddr::10.50.0.100/24/eth0 iscsi-target``, DRBD 8.3 r0 on
    /dev/drbd0 exported by IET (ietd.conf Lun 0 Path=/dev/drbd0), boot links with drbd
    and heartbeat on and iscsi-target off. xen1-3: open-iscsi with CHAP, multipath
    0.4.7 with the IET LUN's WWID aliased, OCFS2 on o2cb's own stack (cluster.conf,
    sysconfig/o2cb, o2cb and ocfs2 on at boot), heartbeat 3 + Pacemaker 1.0.12 with
    one external/ipmi per node (hostname, banned from its node), xm guests on OCFS2,
    xendomains off (K01xendomains); the mail guest on DRBD 8.3 ``mail`` between xen1
    and xen2 (crm-fence-peer), as crm shell 1.0 writes it: ``ms`` of ocf:linbit:drbd
    banned from xen3, ``colocation inf: vm-mail ms_drbd_mail:Master``, ``order inf:
    ms_drbd_mail:promote vm-mail:start``, drbd off at boot (K08drbd).
    Peers: peer-drbdadm --mode 83 --node stor1 and --node xen1: OK; peer-heartbeat (eth mapped to
    lo) on stor1's and xen1's ha.cf: "configuration validated"; peer-o2cb: "OK
    clusters: vmpool"; peer-iscsiadm: all keys known; peer-multipath (0.9.4): only
    "ignoring deprecated option getuid_callout" (0.4.7 reads it); peer-crm-verify: the
    empty status's fencing warnings and rsc_order ``score`` (deprecated in 2.x; what
    crm shell wrote for 1.0).
    True findings: HB003 on each dom0 (one mcast path: one failed NIC splits the
    cluster); HB011 on each dom0 (auto_failback is not read with ``crm respawn``);
    MP005 (``devnode "^sda$"`` blacklists by kernel name). Undeclared, XC004's advice
    on DRBD's ``syncer``/``rate`` and multipath's ``getuid_callout`` (both say to keep
    them while the old release runs); declared, those go. Nothing from HB017 (drbddisk
    first), HB018 (iscsi-target off), XN019 (xendomains off), CB037 (a device per
    dom0)."""
    root = _copy(STORAGE, tmp_path)
    dom0s = ("xen1", "xen2", "xen3")
    true = {
        *{("HB003", f"{n}/etc/ha.d/ha.cf", "warning") for n in dom0s},
        *{("HB011", f"{n}/etc/ha.d/ha.cf", "warning") for n in dom0s},
        *{("MP005", f"{n}/etc/multipath.conf", "info") for n in dom0s},
    }
    advice = {
        *{("XC004", f"{n}/etc/multipath.conf", "info") for n in dom0s},
        ("XC004", "stor1/etc/drbd.conf", "info"),
        ("XC004", "stor2/etc/drbd.conf", "info"),
    }
    assert _found(root) == true | advice
    assert _found(root, SHIPPED[STORAGE]) == true


def test_storage_tier_variant_boot_links_on(tmp_path: Path) -> None:
    """iscsi-target enabled at boot on both boxes: HB018 (ietd runs on the standby
    too, where DRBD is secondary); xendomains switched on with web linked into
    xen2's /etc/xen/auto: XN019. All true warnings."""
    root = _copy(STORAGE, tmp_path)
    for node in ("stor1", "stor2"):
        for level in ("rc3.d", "rc5.d"):
            folder = root / node / "etc/rc.d" / level
            (folder / "K13iscsi-target").unlink()
            (folder / "S39iscsi-target").symlink_to("../init.d/iscsi-target")
    for node in ("xen1", "xen2", "xen3"):
        for level in ("rc3.d", "rc5.d"):
            folder = root / node / "etc/rc.d" / level
            (folder / "K01xendomains").unlink()
            (folder / "S99xendomains").symlink_to("../init.d/xendomains")
    (root / "xen2/etc/xen/auto").mkdir(exist_ok=True)  # (git keeps no empty folder)
    (root / "xen2/etc/xen/auto/web").symlink_to("../vm/web")
    assert _found(root, select="HB018,XN019") == {
        ("HB018", "stor1/etc/ha.d/haresources", "warning"),
        ("HB018", "stor2/etc/ha.d/haresources", "warning"),
        ("XN019", "xen2/etc/xen/vm/web", "warning"),
    }


def test_iet_init_script_before_drbddisk_is_hb017(tmp_path: Path) -> None:
    """Was missed: ``IPaddr iscsi-target drbddisk::r0`` (or no drbddisk at all).
    IET's init script starts ietd, which opens each ``Lun`` path for writing
    (iscsitarget block-io.c ``blockio_open_path``, as IS rules on mounted LUNs cite),
    and DRBD refuses a writer where the resource is secondary: at every takeover the
    target comes up without its LUN. HB017 now reads the LUN paths of the node's
    ietd.conf for ``iscsi-target``/``iscsitarget``."""
    root = _copy(STORAGE, tmp_path)
    hares = "stor*/etc/ha.d/haresources"
    good = "stor1\tdrbddisk::r0 IPaddr::10.50.0.100/24/eth0 iscsi-target"
    late = "stor1\tIPaddr::10.50.0.100/24/eth0 iscsi-target drbddisk::r0"
    _edit(root, hares, good, late)
    expected = {
        ("HB017", "stor1/etc/ha.d/haresources", "error"),
        ("HB017", "stor2/etc/ha.d/haresources", "error"),
    }
    assert _found(root, select="HB017") == expected
    _edit(root, hares, late, "stor1\tIPaddr::10.50.0.100/24/eth0 iscsi-target")
    assert _found(root, select="HB017") == expected
    _edit(root, hares, "iscsi-target", "drbddisk iscsi-target")  # every resource
    assert _found(root, select="HB017") == set()
    # Debian's spelling: /etc/iet/ietd.conf, the init script iscsitarget, by-res path
    _edit(root, hares, "drbddisk iscsi-target", "iscsitarget drbddisk::r0")
    for node in ("stor1", "stor2"):
        (root / node / "etc/iet").mkdir()
        (root / node / "etc/ietd.conf").rename(root / node / "etc/iet/ietd.conf")
    _edit(root, "stor*/etc/iet/ietd.conf", "Path=/dev/drbd0", "Path=/dev/drbd/by-res/r0")
    assert _found(root, select="HB017") == expected


def test_storage_tier_variant_pacemaker_1_0_order_and_drbd_at_boot(tmp_path: Path) -> None:
    """The dom0s' Pacemaker 1.0 CIB: an order without ``first-action="promote"``
    starts vm-mail after the ms's start, before its promotion (DRBD 8.3 has no
    auto-promote): CB038, a true error. drbd switched on at boot on xen1/xen2 while
    ocf:linbit:drbd runs ``mail``: HB018, true warnings (drbd83's init script brings
    the resource up outside the cluster)."""
    root = _copy(STORAGE, tmp_path)
    _edit(root, "xen*/var/lib/heartbeat/crm/cib.xml", ' first-action="promote"', "")
    cib = "xen1/var/lib/heartbeat/crm/cib.xml"
    assert _found(root, select="CB038") == {("CB038", cib, "error")}
    for node in ("xen1", "xen2"):
        for level in ("rc3.d", "rc5.d"):
            folder = root / node / "etc/rc.d" / level
            (folder / "K08drbd").unlink()
            (folder / "S70drbd").symlink_to("../init.d/drbd")
    assert _found(root, select="HB018") == {
        ("HB018", f"{n}/var/lib/heartbeat/crm/cib.xml", "warning") for n in ("xen1", "xen2")
    }


def test_storage_tier_variant_numbers_as_the_daemons_hold_them(tmp_path: Path) -> None:
    """iscsid.conf numbers past 32 bits on xen2: XC005 warnings, true (open-iscsi's
    idbm stores ``strtoul`` into an int: 4294967311 runs as 15, 4294967424 as 128).
    xen3's ``O2CB_HEARTBEAT_THRESHOLD=4294967327`` is 31 in the kernel
    (``(unsigned int) simple_strtoul``), the same as xen1/xen2 hold: no OC008, and no
    OC009 (31 is a working threshold). lvm.conf ``locking_type = 3`` on xen1/xen2 and
    1 on xen3, which reaches the LUN by multipath and iSCSI: LV002, a true error;
    stor1's local locking is not compared (it only serves storage)."""
    root = _copy(STORAGE, tmp_path)
    iscsid = "xen2/etc/iscsi/iscsid.conf"
    _edit(root, iscsid, "cmds_max = 128", "cmds_max = 4294967424")
    _edit(root, iscsid, "replacement_timeout = 15", "replacement_timeout = 4294967311")
    _edit(root, "xen3/etc/sysconfig/o2cb", "THRESHOLD=31", "THRESHOLD=4294967327")
    for node, locking in (("xen1", 3), ("xen2", 3), ("xen3", 1), ("stor1", 1)):
        (root / node / "etc/lvm").mkdir()
        (root / node / "etc/lvm/lvm.conf").write_text(
            f"global {{\n    locking_type = {locking}\n}}\n"
        )
    assert _found(root, select="XC005,OC008,OC009,LV002") == {
        ("XC005", iscsid, "warning"),
        ("LV002", "xen3/etc/lvm/lvm.conf", "error"),
    }


# -- 3. heartbeat 2.1.4 with a crm.dtd CIB (SLES 10 SP2), and the same on 2.0.7 -----

HB1_CIB = "hb1/var/lib/heartbeat/crm/cib.xml"


def test_heartbeat_2_1_4_crm_dtd_cib(tmp_path: Path) -> None:
    """hb1/hb2: heartbeat 2.1.4 ``crm yes``; the CIB in heartbeat 2's dialect
    (``<attributes>`` wrappers, crm.dtd DOCTYPE): a group drbddisk_r0 -> Filesystem
    /dev/drbd0 -> Xen web; drbddisk_r1 with Xen db (phy:/dev/drbd1) tied by
    ``rsc_colocation from/to`` and ``rsc_order from/to type="after"``; a master_slave
    of ocf:heartbeat:drbd r2 with Filesystem /dev/drbd2 by ``to_role="master"`` and
    ``to_action="promote"``; external/riloe per node with ``hostlist``, banned from its
    own node by a #uname rule. Peers: peer-drbdadm --mode 83 --node hb1: OK;
    peer-heartbeat (eth mapped to lo): "configuration validated"; peer-crm-verify
    (Pacemaker 2.1.5) refuses the dialect itself ("cluster_property_set has extra
    content: attributes"): no peer for heartbeat 2's CRM on this machine.
    True: CB008 (no monitor on drbddisk/Filesystem/drbd, the CRM never learns they
    failed); CB009 (ilo_password in cleartext); CB014 (``provider`` is ignored for
    the stonith and heartbeat classes: hb_gui wrote it); undeclared, XC004's advice
    on ``syncer``. No CB038 (each user placed with and started after what promotes
    it), no CB037 (riloe hostlists name both)."""
    root = _copy(HB2, tmp_path)
    true = {
        ("CB008", HB1_CIB, "warning"),
        ("CB009", HB1_CIB, "warning"),
        ("CB014", HB1_CIB, "info"),
    }
    advice = {("XC004", "hb1/etc/drbd.conf", "info"), ("XC004", "hb2/etc/drbd.conf", "info")}
    assert _found(root) == true | advice
    assert _found(root, SHIPPED[HB2]) == true


def test_heartbeat_2_0_7_reads_only_underscore_options(tmp_path: Path) -> None:
    """The same cluster on heartbeat 2.0.7 (SLES 10 GA, declared): CB011 on the
    dashed cluster options, true (2.0.7 reads only underscore names; the aliases came
    with 2.0.8, commit 2cfb5f2899), but not on ``dc-version``, which the DC writes
    itself (CB011 said it was "not read": no setting, nothing to fix). Was a false
    CB037 error: with ``stonith-enabled``
    unread, 2.0.7's CRM runs with STONITH off (heartbeat 2's default), so a node no
    device names is no fencing failure there; ``stonith_enabled`` still counts."""
    root = _copy(HB2, tmp_path)
    declared = {**SHIPPED[HB2], "heartbeat": "2.0.7"}
    assert _found(root, declared) == {
        ("CB008", HB1_CIB, "warning"),
        ("CB009", HB1_CIB, "warning"),
        ("CB011", HB1_CIB, "warning"),
        ("CB014", HB1_CIB, "info"),
    }
    versions = {k: Version.parse(v) for k, v in declared.items()}
    nodes = [str(root / "hb1"), str(root / "hb2")]
    cb011 = lint.run(nodes, select=["CB011"], versions=versions).findings
    assert sorted(f.message.split("'")[1] for f in cb011) == [
        "default-resource-stickiness",
        "stonith-action",
        "stonith-enabled",
    ]  # (was dc-version too, a false warning: the DC writes it, nothing to set)
    cibs = "*/var/lib/heartbeat/crm/cib.xml"
    _edit(root, cibs, 'name="hostlist" value="hb2"', 'name="hostlist" value="hb1"')
    assert _found(root, declared, select="CB037") == set()
    assert _found(root, SHIPPED[HB2], select="CB037") == {("CB037", HB1_CIB, "error")}
    _edit(root, cibs, 'name="stonith-enabled"', 'name="stonith_enabled"')
    assert _found(root, declared, select="CB037") == {("CB037", HB1_CIB, "error")}


def test_heartbeat_2_constraints_missing_role_or_order(tmp_path: Path) -> None:
    """CB038 in heartbeat 2's spelling: without the rsc_order for vm_db a warning
    (colocated, both start at once); without ``to_role`` or ``to_action`` on the
    master_slave an error. True per CB038's doc (the DRBD user's guide's heartbeat 2
    constraints)."""
    root = _copy(HB2, tmp_path)
    cibs = "*/var/lib/heartbeat/crm/cib.xml"
    order = '<rsc_order id="ord_r1_vm_db" from="vm_db" type="after" to="drbddisk_r1"/>'
    _edit(root, cibs, order, "")
    assert _found(root, select="CB038") == {("CB038", HB1_CIB, "warning")}
    root = _copy(HB2, tmp_path / "role")
    _edit(root, cibs, ' to_role="master"', "")
    assert _found(root, select="CB038") == {("CB038", HB1_CIB, "error")}
    root = _copy(HB2, tmp_path / "action")
    _edit(root, cibs, ' to_action="promote"', "")
    assert _found(root, select="CB038") == {("CB038", HB1_CIB, "error")}
