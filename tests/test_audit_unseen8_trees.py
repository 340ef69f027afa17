"""Lint truth on three sites no earlier tree had (session 27): one IET storage pair
serving two separate dom0 clusters (three clusters on one site, three stacks), Ubuntu
18.04 with the kernel's DRBD 8.4 under drbd-utils 9, and Debian 10 with DRBD 9 and a
diskless tie-breaker. Each tree under tests/fixtures/unseen8/SHAPE/ is one site, per
node, with the files a real node of that distribution has (README.md there); every
finding lint gives is asserted with why it is true for the releases the tree runs.
Variants are made on a copy.

Peer runs on the single files (/work/shared/oracle/peers):
IET site: peer-drbdadm --mode 83 --node san1 and --mode 84 on san1's drbd.conf: OK;
peer-crm-verify on a1's and b1's CIBs: only the empty status's "Scheduling node ... for
fencing" (crm_verify 2.1.5 cannot read san1's crm.dtd CIB, which ``xencfg cib validate``
finds valid against crm.dtd); peer-multipath on a1's and b1's multipath.conf: only
'ignoring deprecated option "getuid_callout"' (0.9.4 dropped it; 0.4.8 and 0.4.9 use
it); peer-iscsiadm on a1's iscsid.conf: OK; peer-o2cb on a1's cluster.conf: OK;
peer-xl on a1's web.cfg and b1's db.cfg: OK.
bionic: peer-drbdadm --mode 84 --node kea1 on global_common.conf + *.res: OK (--mode
9 refuses ``fencing`` in ``disk``, which is why the tree must keep 8.4 syntax for the
8.4 module); peer-crm-verify: only the fencing warnings; peer-xl on db.cfg: OK;
``corosync -t`` (3.1.7) refuses "crypto_cipher & crypto_hash are only valid for the
Knet transport", which corosync 2.4 accepts with udpu (a 3.x check, not the tree's).
buster: peer-drbdadm --mode 9 --node ash1 and --node ash3 (diskless): OK;
peer-crm-verify: only the fencing warnings; peer-xl on db.cfg (block-drbd target):
OK; ``corosync -t`` on ash1's file (keyfile pointed at the tree's authkey): exits
normally.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found
from xencfg import lint
from xencfg.versions import Versions

UNSEEN8 = Path(__file__).parent / "fixtures" / "unseen8"
IET = "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"
BIONIC = "bionic-corosync243-pcmk1118-crmsh-drbd84kmod-utils9-xl-xendomains-save"
BUSTER = "buster-corosync30-pcmk20-drbd9-linbit-diskless-tiebreaker-blockdrbd-xl"
PCS_CIB = "var/lib/pacemaker/cib/cib.xml"
HB_CIB = "var/lib/heartbeat/crm/cib.xml"

#: what each single-cluster tree runs, for the declared runs (the IET site runs three
#: stacks, so a site-wide declaration would be wrong for two of them)
SHIPPED = {
    BIONIC: {
        "drbd": "8.4",
        "drbd-utils": "9.13",
        "pacemaker": "1.1.18",
        "corosync": "2.4.3",
        "xen": "4.9",
    },
    BUSTER: {"drbd": "9.0", "pacemaker": "2.0.1", "corosync": "3.0.1", "xen": "4.11"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN8 / shape, tmp_path / shape)


def _versions(root: Path) -> Versions:

    return lint.run([str(n) for n in sorted(root.iterdir()) if n.is_dir()]).cluster.versions


# -- 1. one IET pair, two dom0 clusters: hb 2.1.4 / hb 3 + pcmk 1.0 / corosync 1.4 + pcmk 1.1


IET_EXPECTED = {
    # drbddisk r0-r2 (class heartbeat) have no monitor op: true, heartbeat's lrmd maps a
    # monitor to the script's ``status`` (raexechb.c), so a Secondary r1 would show
    ("CB008", f"san1/{HB_CIB}", "warning"),
    # external/ipmi's ``passwd`` and fence_ipmilan's ``passwd`` sit in the CIB: true
    ("CB009", f"san1/{HB_CIB}", "warning"),
    ("CB009", f"b1/{PCS_CIB}", "warning"),
    # ``provider="heartbeat"`` on stonith and heartbeat-class primitives: ignored, true
    ("CB014", f"san1/{HB_CIB}", "info"),
    # auto_failback with a CRM (crm yes / crm respawn): heartbeat hands resources to the
    # CRM and reads auto_failback only for haresources; stickiness decides (true)
    *{("HB011", f"{n}/etc/ha.d/ha.cf", "warning") for n in ("a1", "a2", "san1", "san2")},
    # a1, a2 log in with replacement_timeout 20 (iscsid.conf and both portals' node
    # records) under multipath: above the 15 Red Hat's DM Multipath guide asks; b1, b2
    # keep 15 (true warning on cluster A only)
    *{("IS103", f"{n}/etc/iscsi/iscsid.conf", "warning") for n in ("a1", "a2")},
    # devnode "^sda$": the local disk blacklisted by kernel name (true, advice)
    *{("MP005", f"{n}/etc/multipath.conf", "info") for n in ("a1", "a2", "b1", "b2")},
    # getuid_callout: what 0.4.8/0.4.9 read, 0.9 drops (peer-multipath 0.9.4: "ignoring
    # deprecated option"); the advice keeps it while those run (true)
    *{("XC004", f"{n}/etc/multipath.conf", "info") for n in ("a1", "a2", "b1", "b2")},
    # ``syncer { rate }``: drbd83's spelling, 8.4 still reads it (advice, true)
    *{("XC004", f"{n}/etc/drbd.conf", "info") for n in ("san1", "san2")},
}


def test_iet_pair_two_dom0_clusters(tmp_path: Path) -> None:
    """san1, san2, a1, a2, b1, b2: the findings above, each true for its own stack.
    Nothing between the clusters: each target's initiators.allow admits exactly the
    cluster whose multipath names its LUNs (IS016 silent), the OCFS2 cluster.conf is
    cluster A's alone, b1/b2 are asked into no ha.cf or o2cb. No XN007: lint called b1
    and b2 (xl only) an error as migration targets of cluster A's xend guests ("b1
    runs xl only ... but a1, a2 run xend"), though Pacemaker places a resource only on
    its own cluster's members (fixed, tests/test_xend_two_clusters.py)."""
    root = _copy(IET, tmp_path)
    assert site_found(root) == IET_EXPECTED


def test_iet_releases_per_node(tmp_path: Path) -> None:
    """-v: each node's release from its own files: a1 Pacemaker 1.0.9 before 1.1 (its
    DC's dc-version), b1 Pacemaker 1.1.8 before 1.2 and corosync before 2.0 (the
    ``service`` plugin section), san1 heartbeat 2.1.4 (dc-version ``2.1.4-node:``) and
    DRBD before 9.0, a1 Xen 4.0 or later (its guests' pygrub under /usr/lib/xen-4.0)
    and before 4.5 (xend), b1 Xen 4.1 or later (xl.conf). (The
    site-wide summary line mixes the clusters: see the report.)"""
    of = _versions(_copy(IET, tmp_path)).of
    assert of("pacemaker", "a1").describe("P").startswith("P 1.0.9 or later, before 1.1")
    assert of("pacemaker", "b1").describe("P").startswith("P 1.1.8 or later, before 1.2")
    assert of("corosync", "b1").describe("c").startswith("c before 2.0")
    assert of("heartbeat", "san1").describe("h").startswith("h 2.1.4")
    assert of("drbd", "san1").describe("D").startswith("D before 9.0")
    assert of("xen", "a1").describe("X").startswith("X 4.0 or later, before 4.5")
    assert of("xen", "b1").describe("X").startswith("X 4.1 or later")


def test_iet_allow_lists_swapped_or_copied(tmp_path: Path) -> None:
    """vmpool-a's line admitting a typo'd IQN instead of a1, a2: IS016 on both
    storage nodes, true (ietd refuses a login initiators.allow does not admit:
    iscsitarget 1.4 usr/plain.c ``initiator_match``). b1, b2's multipath.conf also
    naming vmpool-a's LUN (copied from a1): IS016 for b1, b2, true (their logins to
    vmpool-a are refused, the per-cluster line is doing its job; the warning says the
    map never appears)."""
    root = _copy(IET, tmp_path)
    edit_site(
        root,
        "san*/etc/iet/initiators.allow",
        "example:a1, iqn.2013-05.net.example:a2",
        "example:a9",
    )
    assert site_found(root) - IET_EXPECTED == {
        ("IS016", "san1/etc/iet/ietd.conf", "warning"),
        ("IS016", "san2/etc/iet/ietd.conf", "warning"),
    }
    root = _copy(IET, tmp_path / "b")
    a_entry = (root / "a1/etc/multipath.conf").read_text().split("multipaths {\n")[1]
    for n in ("b1", "b2"):
        path = root / n / "etc/multipath.conf"
        text = path.read_text()
        path.write_text(text[: text.rindex("}")] + a_entry)
    assert site_found(root) - IET_EXPECTED == {
        ("IS016", "san1/etc/iet/ietd.conf", "warning"),
        ("IS016", "san2/etc/iet/ietd.conf", "warning"),
    }


def test_iet_guest_names_repeated_across_clusters(tmp_path: Path) -> None:
    """Cluster B's guests renamed web and app, cluster A's names (in db.cfg and
    mail.cfg): nothing new, true (xl and xm refuse a second domain of one name on one
    host, and Pacemaker B places its guests on b1, b2 only). Lint called it XN001 on
    b1, an error, before the fix; one MAC in both clusters is still XN003 (the
    clusters share the storage site's network)."""
    root = _copy(IET, tmp_path)
    edit_site(root, "b*/etc/xen/db.cfg", 'name = "db"', 'name = "web"')
    edit_site(root, "b*/etc/xen/mail.cfg", 'name = "mail"', 'name = "app"')
    assert site_found(root) == IET_EXPECTED
    edit_site(root, "b*/etc/xen/db.cfg", "00:16:3e:70:0b:01", "00:16:3e:70:0a:01")
    assert site_found(root) - IET_EXPECTED == {("XN003", "b1/etc/xen/db.cfg", "error")}


def test_iet_one_alias_in_both_clusters(tmp_path: Path) -> None:
    """Both dom0 clusters call one of their LUNs ``vmstore0`` (A the pool LUN, B the
    db LUN, two WWIDs) and a1's web guest opens its own on ``phy:``: nothing new, true
    (two LUNs). Lint called it XN004 on b1 ("disk /dev/mapper/vmstore0 is opened
    writable by domU 'db' and domU 'web'"), comparing the alias text across the site;
    it now compares the WWID each node's multipath.conf gives the alias."""
    root = _copy(IET, tmp_path)
    edit_site(root, "a*/etc/multipath.conf", "alias vmpool-a\n", "alias vmstore0\n")
    edit_site(root, "b*/etc/multipath.conf", "alias vmpool-b-db\n", "alias vmstore0\n")
    edit_site(root, "a*/etc/fstab", "/dev/mapper/vmpool-a ", "/dev/mapper/vmstore0 ")
    edit_site(root, "b*/etc/xen/db.cfg", "vmpool-b-db,", "vmstore0,")
    edit_site(
        root,
        "a*/etc/xen/web.cfg",
        "'file:/srv/vmpool/web.img,xvda,w'",
        "'phy:/dev/mapper/vmstore0,xvda,w'",
    )
    assert site_found(root) == IET_EXPECTED


def test_iet_each_dom0_cluster_its_own_ocfs2(tmp_path: Path) -> None:
    """Cluster B with its own o2cb cluster ``vmpoolb`` (b1, b2 in its cluster.conf,
    O2CB_BOOTCLUSTER=vmpoolb): nothing new, true (o2cb reads only the node's own
    cluster.conf; the two OCFS2 clusters never meet). Lint called every stanza an
    OC005 error on b1 and b2 ("cluster.conf on b1 has no node 'a1' compared with a1").
    b2's copy with another port for b2: OC005 on b2, compared with b1, as before."""
    root = _copy(IET, tmp_path)
    conf = (root / "a1/etc/ocfs2/cluster.conf").read_text()
    for a, b in (("vmpoola", "vmpoolb"), ("a1", "b1"), ("a2", "b2"), (".0.2", ".0.3")):
        conf = conf.replace(a, b)
    for n in ("b1", "b2"):
        (root / n / "etc/ocfs2").mkdir()
        (root / n / "etc/ocfs2/cluster.conf").write_text(conf)
        (root / n / "etc/sysconfig/o2cb").write_text(
            "O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=vmpoolb\n"
        )
    assert site_found(root) == IET_EXPECTED
    edit_site(root, "b2/etc/ocfs2/cluster.conf", "ip_port = 7777", "ip_port = 7778")
    assert site_found(root) - IET_EXPECTED == {("OC005", "b2/etc/ocfs2/cluster.conf", "error")}


# -- 2. Ubuntu 18.04: corosync 2.4.3 + Pacemaker 1.1.18, kernel DRBD 8.4 + drbd-utils 9 --


BIONIC_EXPECTED = {
    # /etc/default/xendomains as Ubuntu ships it: XENDOMAINS_SAVE=/var/lib/xen/save,
    # XENDOMAINS_RESTORE=true, no AUTO_ONLY, xendomains enabled: Xen's xendomains
    # ``stop`` saves every running domain (Pacemaker's db and web too) and ``start``
    # restores the images before Pacemaker runs (tools/hotplug/Linux/xendomains.in);
    # true, a new case of XN019 (lint said nothing before)
    *{("XN019", f"{n}/etc/default/xendomains", "warning") for n in ("kea1", "kea2")},
}


def test_bionic_drbd84_utils9_xendomains_save(tmp_path: Path) -> None:
    """kea1, kea2: only XN019 (above), undeclared and with bionic's releases. -v: DRBD
    8.4 or later before 9.0 (``volume`` and ``fencing`` in ``disk``), corosync before
    3.0 (``ringnumber``), Pacemaker 1.1.18 before 1.2 (dc-version). XENDOMAINS_RESTORE
    false: nothing."""
    root = _copy(BIONIC, tmp_path)
    assert site_found(root) == BIONIC_EXPECTED
    assert site_found(root, SHIPPED[BIONIC]) == BIONIC_EXPECTED
    of = _versions(root).of
    assert of("drbd").describe("D").startswith("D 8.4 or later, before 9.0")
    assert of("corosync").describe("c").startswith("c before 3.0")
    assert of("pacemaker").describe("P").startswith("P 1.1.18 or later, before 1.2")
    edit_site(root, "*/etc/default/xendomains", "RESTORE=true", "RESTORE=false")
    assert site_found(root) == set()


def test_bionic_drbd9_spelling_on_the_84_module(tmp_path: Path) -> None:
    """``fencing`` moved to ``net`` (DRBD 9's place) with the 8.4 module declared:
    XC008 on both nodes, true: drbd-utils 9's drbdadm hands an 8.4 module's
    configuration to drbdadm-84, which refuses it (peer-drbdadm --mode 84: "Parse
    error: 'an option keyword' expected"). Undeclared, lint reads DRBD 9 off that same
    keyword and says nothing: the kernel's module is not in the files (see the
    report)."""
    root = _copy(BIONIC, tmp_path)
    gc = "*/etc/drbd.d/global_common.conf"
    edit_site(root, gc, "\t\tfencing resource-only;\n\t\tresync", "\t\tresync")
    edit_site(root, gc, "\t\tprotocol C;\n", "\t\tprotocol C;\n\t\tfencing resource-only;\n")
    assert site_found(root, SHIPPED[BIONIC]) - BIONIC_EXPECTED == {
        ("XC008", f"{n}/etc/drbd.d/global_common.conf", "error") for n in ("kea1", "kea2")
    }
    assert site_found(root) == BIONIC_EXPECTED


# -- 3. Debian 10: corosync 3.0 + Pacemaker 2.0, DRBD 9 with a diskless tie-breaker ------


def test_buster_drbd9_diskless_tiebreaker(tmp_path: Path) -> None:
    """ash1-ash3: nothing, undeclared and with buster's releases; true: ash3's ``disk
    none`` is DRBD 9's intentional diskless peer (peer-drbdadm --mode 9 --node ash3
    OK), it runs no Xen and no guest (both kept off it by -INFINITY locations), the
    guests' ``drbd:`` style block-drbd disks promote the resource themselves, after
    the clone's promote. -v: DRBD 9.0 or later (``node-id``), corosync 3.0 or later
    (knet), Pacemaker 2.0.1 before 2.1."""
    root = _copy(BUSTER, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[BUSTER]) == set()
    of = _versions(root).of
    assert of("drbd").describe("D").startswith("D 9.0 or later")
    assert of("corosync").describe("c").startswith("c 3.0")
    assert of("pacemaker").describe("P").startswith("P 2.0.1 or later, before 2.1")


def test_buster_variants(tmp_path: Path) -> None:
    """ash2's fence device naming ``ash-2``: CB037, true (no device fences ash2, and
    Pacemaker 2.0's fencer matches pcmk_host_list exactly). ash3's copy of vm-db
    giving it ash1's node-id 0: DR009 and DR020, true (drbdadm 9: "conflicting use of
    node-id"). no-quorum-policy=ignore on three nodes: CB022, true."""
    root = _copy(BUSTER, tmp_path)
    edit_site(
        root,
        f"*/{PCS_CIB}",
        'name="pcmk_host_list" value="ash2"',
        'name="pcmk_host_list" value="ash-2"',
    )
    assert site_found(root) == {("CB037", f"ash1/{PCS_CIB}", "error")}
    root = _copy(BUSTER, tmp_path / "b")
    edit_site(root, "ash3/etc/drbd.d/vm-db.res", "node-id 2;", "node-id 0;")
    assert site_found(root) == {
        ("DR009", "ash3/etc/drbd.d/vm-db.res", "error"),
        ("DR020", "ash3/etc/drbd.d/vm-db.res", "error"),
    }
    root = _copy(BUSTER, tmp_path / "c")
    edit_site(root, f"*/{PCS_CIB}", 'value="stop"', 'value="ignore"')
    assert site_found(root) == {("CB022", f"ash1/{PCS_CIB}", "warning")}
