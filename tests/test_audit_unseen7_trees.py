"""Lint truth on whole clusters of three shapes no earlier tree had (session 27): each
tree under tests/fixtures/unseen7/SHAPE/ is one site, per node, with the files a real
node of that distribution has (README.md there), and every finding lint gives on it is
asserted with why it is true for the releases the tree runs. Variants are made on a copy.

Peer runs on the single files (/work/shared/oracle/peers), all three trees:
peer-drbdadm --mode 9 (SLES, every node, drbd.d concatenated: the wrapper puts the
addresses of the file it is given on lo) and --mode 84 (trusty, nyc1, nyc2, dr1): OK;
peer-xl on every domU config: OK; peer-crm-verify on each CIB: only the empty status's
"Scheduling node ... for fencing" (and, on the crmsh 1.2 CIB, crm_verify 2.1.5's
"Support for 'score' in rsc_order is deprecated", which 1.1.10 reads as its own);
peer-multipath and peer-iscsiadm on sanx1's multipath.conf and iscsid.conf: OK;
``corosync -t`` (3.1.7) on hv1's and sanx1's corosync.conf: exits normally.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found

UNSEEN7 = Path(__file__).parent / "fixtures" / "unseen7"
SLES = "sles15sp4-hae-crmsh-sbd-drbd9-ocfs2pcmk-xl"
TRUSTY = "trusty-corosync23-pcmk1110-drbd84-stacked-dr-xl"
JAMMY = "jammy-openiscsi-multipath-lvmlockd-dlm-pcs010-xl"
CIB = "var/lib/pacemaker/cib/cib.xml"

#: what each tree runs, for the declared runs (SLES: SP4's Pacemaker, DRBD and Xen with
#: the corosync 3 the brief asked for; as far as we know SP4 itself shipped corosync 2.4)
SHIPPED = {
    SLES: {"drbd": "9.0", "pacemaker": "2.1.2", "corosync": "3.1", "xen": "4.16"},
    TRUSTY: {"drbd": "8.4", "pacemaker": "1.1.10", "corosync": "2.3", "xen": "4.4"},
    JAMMY: {
        "pacemaker": "2.1.2",
        "corosync": "3.1",
        "multipath-tools": "0.8.8",
        "open-iscsi": "2.1.5",
        "lvm2": "2.03.11",
        "xen": "4.16",
    },
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN7 / shape, tmp_path / shape)


# -- 1. SLES 15 SP4 HAE: corosync 3 knet, crmsh, SBD, DRBD 9 mesh, OCFS2 on pcmk, xl ------


def test_sles_sbd_drbd9_ocfs2_xl(tmp_path: Path) -> None:
    """hv1-hv3. CS002 on each node, a true warning: crmsh's ``token: 5000`` with
    ``consensus: 6000`` is 1.2 x the written token, but on three nodes totem runs
    with token + 650 ms (token_coefficient) = 5650 ms, and corosync's own default for
    consensus is 1.2 x that adjusted token, 6780 ms (corosync 3.1 exec/totemconfig.c
    ``totem_volatile_config_read``: ``token_timeout += (member_count - 2) * u32``
    before ``totem.consensus`` defaults to ``1.2 * token_timeout``); ``corosync -t``
    still accepts the file. CB008 once (hv1's copy, the others related), a true
    warning: crmsh 4.x's ``stonith-sbd`` has no monitor op, so a lost SBD disk never
    shows in crm_mon until a fence is due. Nothing else: no CB013 for the OCFS2
    Filesystem without /etc/ocfs2/cluster.conf (the pcmk stack, controld in the same
    cloned group), the DRBD 9 clones are tied to their guests by a Master colocation
    and a promote order, the web guest lives on the cloned OCFS2 group."""
    root = _copy(SLES, tmp_path)
    expected = {
        ("CB008", f"hv1/{CIB}", "warning"),
        *{("CS002", f"{n}/etc/corosync/corosync.conf", "warning") for n in ("hv1", "hv2", "hv3")},
    }
    assert site_found(root) == expected
    assert site_found(root, SHIPPED[SLES]) == expected
    edit_site(root, "*/etc/corosync/corosync.conf", "\tconsensus: 6000\n", "")
    edit_site(
        root,
        f"*/{CIB}",
        '<nvpair id="stonith-sbd-instance_attributes-pcmk_delay_max" name="pcmk_delay_max"'
        ' value="30s"/>\n        </instance_attributes>\n',
        '<nvpair id="stonith-sbd-instance_attributes-pcmk_delay_max" name="pcmk_delay_max"'
        ' value="30s"/>\n        </instance_attributes>\n        <operations>\n'
        '          <op name="monitor" interval="600s" timeout="20s" id="stonith-sbd-monitor"/>\n'
        "        </operations>\n",
    )
    assert site_found(root) == set()


def test_sles_releases_read_off_the_files(tmp_path: Path) -> None:
    """-v: DRBD 9.0 or later (``node-id``), corosync 3.0 or later (``linknumber``), Xen
    4.1 or later (xl.conf), and Pacemaker 2.1.2 before 2.2 from SUSE's dc-version
    ``2.1.2+20211124.ada5c3b36-150400...`` (the package's snapshot after a ``+``; lint
    read only ``-`` there and fell back to validate-with's 2.1.0 or later)."""
    from xencfg import lint

    root = _copy(SLES, tmp_path)
    result = lint.run([str(n) for n in sorted(root.iterdir()) if n.is_dir()])
    of = result.cluster.versions.of
    assert of("pacemaker").describe("Pacemaker").startswith("Pacemaker 2.1.2 or later, before 2.2")
    assert of("drbd").describe("DRBD").startswith("DRBD 9.0 or later")
    assert of("corosync").describe("corosync").startswith("corosync 3.0 or later")
    assert of("xen").describe("Xen").startswith("Xen 4.1 or later")


def test_sles_fqdn_hostnames(tmp_path: Path) -> None:
    """/etc/hostname with the FQDN on every node, the cluster files short: nothing,
    true. drbdadm 9 finds its ``on hv1`` section for uname ``hv1.hae.example.net``
    (peer-drbdadm --mode 9 --node hv1.hae.example.net: "resource vm-db on
    hv1.hae.example.net: not ignored"; 8.4 ignores it, DR006's case), corosync 3
    strips the domain to find its nodelist entry (exec/totemconfig.c
    ``find_local_node``) and Pacemaker names the node by the nodelist's ``name``."""
    root = _copy(SLES, tmp_path)
    base = site_found(root)
    for n in ("hv1", "hv2", "hv3"):
        (root / n / "etc/hostname").write_text(f"{n}.hae.example.net\n")
    assert site_found(root) == base


def test_sles_variants(tmp_path: Path) -> None:
    """``no-quorum-policy=ignore`` on three nodes: CB022, true (a partition of one keeps
    running its resources). hv3's copy of vm-db giving hv3 node-id 1 (hv2's): DR009 and
    DR020, true (drbdadm 9 refuses two hosts with one node-id: peer-drbdadm --mode 9
    --node hv3 "conflicting use of node-id 'vm-db:1'"; and the copies differ). STONITH
    off while OCFS2 is mounted on every node: CB006, true (dlm blocks every lock until
    a fence is confirmed)."""
    root = _copy(SLES, tmp_path)
    base = site_found(root)
    edit_site(
        root,
        f"*/{CIB}",
        'name="no-quorum-policy" value="stop"',
        'name="no-quorum-policy" value="ignore"',
    )
    assert site_found(root) - base == {("CB022", f"hv1/{CIB}", "warning")}
    root = _copy(SLES, tmp_path / "b")
    edit_site(root, "hv3/etc/drbd.d/vm-db.res", "node-id 2;", "node-id 1;")
    assert site_found(root) - base == {
        ("DR009", "hv3/etc/drbd.d/vm-db.res", "error"),
        ("DR020", "hv3/etc/drbd.d/vm-db.res", "error"),
    }
    root = _copy(SLES, tmp_path / "c")
    edit_site(
        root,
        f"*/{CIB}",
        'name="stonith-enabled" value="true"',
        'name="stonith-enabled" value="false"',
    )
    assert site_found(root) - base == {("CB006", f"hv1/{CIB}", "error")}


def test_sles_watchdog_timeout_below_sbds(tmp_path: Path) -> None:
    """``stonith-watchdog-timeout=3`` (diskless-SBD style) while /etc/sysconfig/sbd
    says ``SBD_WATCHDOG_TIMEOUT=5``: CB040 per node (one location, hv1's CIB), true, a
    new rule (lint said nothing before, and did not read sysconfig/sbd): Pacemaker
    2.1.2's controller exits on each node, "Shutting down: stonith-watchdog-timeout
    (3) too short (must be >5000ms)" (lib/common/watchdog.c
    ``pcmk__valid_sbd_timeout``). Ten seconds, twice SBD's, is what sbd(8) and
    Pacemaker's ``-1`` give: nothing."""
    root = _copy(SLES, tmp_path)
    base = site_found(root)
    option = 'name="stonith-watchdog-timeout" value='
    edit_site(root, f"*/{CIB}", option + '"0"', option + '"3"')
    assert site_found(root, SHIPPED[SLES]) - base == {("CB040", f"hv1/{CIB}", "error")}
    edit_site(root, f"*/{CIB}", option + '"3"', option + '"10"')
    assert site_found(root, SHIPPED[SLES]) == base


# -- 2. Ubuntu 14.04: corosync 2.3 + Pacemaker 1.1.10, DRBD 8.4 stacked to a DR node ------


def test_trusty_stacked_three_site(tmp_path: Path) -> None:
    """nyc1, nyc2, dr1: nothing to say, undeclared and with trusty's releases. dr1 is
    named only by r0-U's ``on`` section and runs no cluster manager, so it is asked into
    no corosync nodelist or CIB; its drbd init script is on at boot (S70drbd), which is
    right without a CRM, while nyc1 and nyc2 have it off (K08drbd) under Pacemaker; the
    stacked address 192.168.50.10 is the IPaddr2 Pacemaker colocates with r0's Master
    and orders before ms_drbd_r0-U; the guest runs after r0-U's promote. -v: DRBD 8.4
    or later before 9.0, corosync before 3.0 (``ringnumber``), Pacemaker 1.1.10 or
    later before 1.2 (the DC's dc-version), Xen 4.1 or later (xl.conf)."""
    root = _copy(TRUSTY, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[TRUSTY]) == set()


def test_trusty_stacked_address_not_the_ip(tmp_path: Path) -> None:
    """r0-U's HQ end moved to 192.168.50.11 while Pacemaker's IPaddr2 holds .10: DR040
    on nyc1 and nyc2, true (the kernel cannot bind an address no node holds; dr1 is
    never fed)."""
    root = _copy(TRUSTY, tmp_path)
    edit_site(
        root, "*/etc/drbd.d/r0-U.res", "address 192.168.50.10:7789", "address 192.168.50.11:7789"
    )
    assert site_found(root) == {
        ("DR040", "nyc1/etc/drbd.d/r0-U.res", "error"),
        ("DR040", "nyc2/etc/drbd.d/r0-U.res", "error"),
    }


def test_trusty_stacked_agent_not_after_the_ip(tmp_path: Path) -> None:
    """ms_drbd_r0-U's colocation with and order after the floating IP taken out: CB038,
    true, which lint missed (it read only Filesystem and Xen users): the stacked
    agent opens /dev/drbd0, and crm_simulate 2.1.5 then starts it on the node where
    r0 is Secondary (tests/test_rules_drbd_stacked.py)."""
    root = _copy(TRUSTY, tmp_path)
    for cid in ("c_r0-U_on_ip", "o_ip_before_r0-U"):
        for cib in root.glob(f"nyc*/{CIB}"):
            lines = cib.read_text().splitlines(keepends=True)
            cib.write_text("".join(x for x in lines if f'id="{cid}"' not in x))
    assert site_found(root) == {("CB038", f"nyc1/{CIB}", "error")}


def test_trusty_dr_node_given_only_the_upper_resource(tmp_path: Path) -> None:
    """dr1's drbd.d without r0.res (only the file of the resource it runs copied
    there): DR046, true, a new rule (lint said nothing before). drbdadm reads the
    lower resource to place the stacked device and refuses dr1's whole configuration:
    peer-drbdadm --mode 84 --node dr1 "in resource r0-U, referenced resource 'r0' not
    defined." (rc 10), so r0-U never comes up on the DR node at boot."""
    root = _copy(TRUSTY, tmp_path)
    (root / "dr1/etc/drbd.d/r0.res").unlink()
    assert site_found(root) == {("DR046", "dr1/etc/drbd.d/r0-U.res", "error")}


# -- 3. Ubuntu 22.04: open-iscsi + multipath, lvmlockd + dlm, pcs 0.10, xl -----------------


def test_jammy_san_lvmlockd_xl(tmp_path: Path) -> None:
    """sanx1-sanx3. CB009 per fence device (hv1's copy, the others related), true:
    ``password`` of fence_ipmilan is cleartext in the CIB, as ``pcs stonith create``
    writes it (``password_script`` keeps it out). Nothing else: the aliases and WWIDs
    agree on all nodes, the global_filter accepts only the maps and the system disk,
    replacement_timeout 15 suits dm-multipath, each guest's LV is activated
    exclusively in the guest's group after locking-clone. -v: Pacemaker 2.1.2 or later
    before 2.2 (dc-version), corosync 3.0 or later (knet), LVM 2.02.124 or later
    (``use_lvmlockd``), multipath-tools 0.4.9 or later (``find_multipaths``: a floor,
    Ubuntu's 0.8.8 is not read off /etc/os-release)."""
    root = _copy(JAMMY, tmp_path)
    expected = {("CB009", f"sanx1/{CIB}", "warning")}
    assert site_found(root) == expected
    assert site_found(root, SHIPPED[JAMMY]) == expected


def test_jammy_variants(tmp_path: Path) -> None:
    """sanx3's alias vmstore1 renamed: MP004, true (the guests' LVs are on the map,
    but the alias names another map on sanx3 than on its peers). replacement_timeout
    back to open-iscsi's 120: IS103 on each node, true (dm-multipath waits 120 s on a
    dead path before failing over). ``validate-with="pacemaker-3.8"`` with Pacemaker
    2.1.2 declared: CB031, true (3.8 came with 2.1.3; 2.1.2 refuses the CIB)."""
    root = _copy(JAMMY, tmp_path)
    base = site_found(root)
    edit_site(root, "sanx3/etc/multipath.conf", "alias vmstore1", "alias vmstoreX")
    assert site_found(root) - base == {("MP004", "sanx3/etc/multipath.conf", "error")}
    root = _copy(JAMMY, tmp_path / "b")
    edit_site(
        root, "*/etc/iscsi/iscsid.conf", "replacement_timeout = 15", "replacement_timeout = 120"
    )
    assert site_found(root) - base == {
        ("IS103", f"{n}/etc/iscsi/iscsid.conf", "warning") for n in ("sanx1", "sanx2", "sanx3")
    }
    root = _copy(JAMMY, tmp_path / "c")
    edit_site(root, f"*/{CIB}", 'validate-with="pacemaker-3.7"', 'validate-with="pacemaker-3.8"')
    assert site_found(root, SHIPPED[JAMMY]) - base == {("CB031", f"sanx1/{CIB}", "error")}


def test_jammy_lvmlockd_off_on_one_node(tmp_path: Path) -> None:
    """sanx2's lvm.conf with ``use_lvmlockd = 0``: nothing, true while the CIB runs
    ``ocf:heartbeat:lvmlockd`` there. LVM alone would refuse the shared VG ("Cannot
    access VG vg_san with lock type dlm that requires lvmlockd."), but the agent's
    start rewrites the setting first (resource-agents v4.7.0, Ubuntu 22.04's,
    heartbeat/lvmlockd ``setup_lvm_config``: 'setting "use_lvmlockd=1" in
    /etc/lvm/lvm.conf', a sed of the line), and locking-clone starts before every
    guest's LVM-activate."""
    root = _copy(JAMMY, tmp_path)
    base = site_found(root)
    edit_site(root, "sanx2/etc/lvm/lvm.conf", "use_lvmlockd = 1", "use_lvmlockd = 0")
    assert site_found(root, SHIPPED[JAMMY]) == base
