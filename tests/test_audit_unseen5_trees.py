"""Lint truth on whole clusters of three shapes no earlier fixture had (the fifth
red-team, session 26): each tree under tests/fixtures/unseen5/SHAPE/ is one site, per
node, with the release files a real node has (README.md there), and every finding lint
gives on it is asserted with why it is true for the releases the tree runs. Variants
(another spelling of the same thing, a true mistake) are made on a copy. Peer runs on
the single files are named in each test."""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found

UNSEEN5 = Path(__file__).parent / "fixtures" / "unseen5"
SLES = "sles10sp2-hb213-evms-ocfs2-sshfence"
LIO = "lio-alua-pcmk20-drbd9-four-xl-dom0s-qdevice"
LENNY = "lenny-openais080-pcmk10-drbd80-xentools"

#: what each tree's distribution shipped, for the declared runs
SHIPPED = {
    SLES: {"heartbeat": "2.1.3", "multipath-tools": "0.4.7", "xen": "3.2"},
    LIO: {"drbd": "9.0", "pacemaker": "2.1.5", "corosync": "3.1", "xen": "4.17"},
    LENNY: {"drbd": "8.0.14", "pacemaker": "1.0.8", "xen": "3.2"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN5 / shape, tmp_path / shape)


# -- 1. SLES 10 SP2: heartbeat 2.1.3, hb_gui CIB, EVMS, OCFS2 1.2, external/ssh ------

SLES_NODES = ("vmhost1", "vmhost2", "vmhost3")
SLES_CIB = "vmhost1/var/lib/heartbeat/crm/cib.xml"


def test_sles10_heartbeat2_evms_ocfs2_external_ssh(tmp_path: Path) -> None:
    """vmhost1-3: heartbeat 2.1.3 ``crm true``, a crm.dtd CIB as hb_gui writes it, an
    external/ssh STONITH clone, EvmsSCC + OCFS2 clones, two Xen guests with
    allow_migrate, xend relocating on every address with hosts-allow, multipath 0.4.7.
    Peers: peer-heartbeat (eth0/eth1 mapped to lo) on ha.cf + authkeys: "configuration
    validated"; xmllint --dtdvalid schemas/crm.dtd on the CIB: valid; peer-o2cb: "OK
    clusters: xenpool"; peer-multipath (0.9.4): only "ignoring deprecated option
    getuid_callout" and "invalid keyword prio_callout" (0.4.7 reads both).
    True findings:
    CB007: external/ssh is the testing plugin (its own description: "ssh-based host
    reset. Fine for testing, but not suitable for production!"): it needs the victim
    to answer ssh, which a hung node does not.
    CB014 (info): ``provider`` is ignored for class stonith.
    HB011: auto_failback is not read with ``crm true``; stickiness decides.
    XC004 (ha_logd.cf): ``useapphbd`` is what ha_logd of heartbeat 3 / cluster-glue
    refuses ("Illegal directive"); ``no`` is 2.1.3's default, so dropping it is safe now.
    MP001: ``^hd[a-z][[0-9]*]`` holds the bracket expression ``[[0-9]``, so it needs a
    literal ``]`` and blacklists no IDE disk (POSIX ERE, as regcomp reads it).
    XC004 (multipath, info): getuid_callout/prio_callout, to keep while 0.4.7 runs;
    declared 0.4.7, that advice goes.
    Nothing from XN007/XN008 (relocation on '' with hosts-allow), CB037 (the clone's
    hostlist names all three), OC00x, CS0xx, EV001 (no dm-N)."""
    root = _copy(SLES, tmp_path)
    true = {
        ("CB007", SLES_CIB, "warning"),
        ("CB014", SLES_CIB, "info"),
        *{("HB011", f"{n}/etc/ha.d/ha.cf", "warning") for n in SLES_NODES},
        *{("XC004", f"{n}/etc/ha.d/ha_logd.cf", "warning") for n in SLES_NODES},
        *{("MP001", f"{n}/etc/multipath.conf", "error") for n in SLES_NODES},
    }
    advice = {("XC004", f"{n}/etc/multipath.conf", "info") for n in SLES_NODES}
    assert site_found(root) == true | advice
    assert site_found(root, SHIPPED[SLES]) == true


def test_sles10_variant_copy_in_auto_is_xn019_only(tmp_path: Path) -> None:
    """``cp /etc/xen/vm/ldap /etc/xen/auto/`` on vmhost1 (a copy, not a link):
    xendomains starts the guest the cluster runs at boot, XN019, a true warning. Was
    also XN001-XN004 (two domUs sharing name, uuid, MAC, disk): false, it is one guest."""
    root = _copy(SLES, tmp_path)
    auto = root / "vmhost1/etc/xen/auto"
    auto.mkdir()
    (auto / "ldap").write_text((root / "vmhost1/etc/xen/vm/ldap").read_text())
    assert site_found(root, select="XN001,XN002,XN003,XN004,XN019") == {
        ("XN019", "vmhost1/etc/xen/auto/ldap", "warning")
    }


def test_sles10_variant_other_spellings(tmp_path: Path) -> None:
    """Other people's spelling of the same site: ucast by host name, the node list on
    one line, ``crm yes``, ``stonith_enabled`` (heartbeat 2.1.3 reads both spellings),
    ``hb_gui``'s ``ssh`` plugin instead of external/ssh (CB007 still: it is the other
    testing plugin). Nothing new."""
    root = _copy(SLES, tmp_path)
    hacf = "*/etc/ha.d/ha.cf"
    edit_site(root, hacf, "ucast\teth1 192.168.77.12", "ucast\teth1 vmhost2-hb")
    edit_site(
        root, hacf, "node\tvmhost1\nnode\tvmhost2\nnode\tvmhost3", "node vmhost1 vmhost2 vmhost3"
    )
    edit_site(root, hacf, "crm\ttrue", "crm\tyes")
    cibs = "*/var/lib/heartbeat/crm/cib.xml"
    edit_site(root, cibs, 'name="stonith-enabled"', 'name="stonith_enabled"')
    edit_site(root, cibs, 'type="external/ssh" provider="heartbeat"', 'type="ssh"')
    expected = site_found(_copy(SLES, tmp_path / "base")) - {("CB014", SLES_CIB, "info")}
    assert site_found(root) == expected


# -- 2. two LIO boxes (Pacemaker 2.0, DRBD 9) + four xl dom0s (2.1.5, qdevice) --------

LIO_CIB = "lio1/var/lib/pacemaker/cib/cib.xml"
DOM0S = ("xd1", "xd2", "xd3", "xd4")


def test_lio_pair_and_four_xl_dom0s_with_qdevice(tmp_path: Path) -> None:
    """lio1/lio2: Pacemaker 2.0.1 (pacemaker-3.2, ``Master`` roles), DRBD 9 two volumes,
    lio-t target behind two floating portals, lio1's saveconfig.json saved while active
    (portals on the floating addresses, ACLs for xd1-4). xd1-4: corosync 3 with a qnetd
    device, fence_ipmilan per node, Xen guests with allow-migrate on multipath aliases
    of the LIO LUNs (``wwid ".*"`` blacklisted, ``^36001405`` excepted).
    Peers: peer-drbdadm --mode 9 --node lio1 (global_common + vmstore.res): OK;
    peer-crm-verify on both CIBs: only the empty status's "Scheduling node ... for
    fencing"; peer-multipath: OK; peer-xl web.cfg: OK; peer-iscsiadm: all keys known.
    No finding, declared or not: IS034 does not take the floating portals for another
    box's address, MP009 honours the wwid exception, CS005 is quiet without
    expected_votes, IS021/IS031 find every dom0 admitted."""
    root = _copy(LIO, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[LIO]) == set()


def test_lio_variant_expected_votes_with_the_device(tmp_path: Path) -> None:
    """``expected_votes: 5`` on four nodes and a one-vote device is right (corosync
    v3.1.7 votequorum_readconfig counts the device's votes); it was CS005, a false
    warning. 4 is short of the five votes: CS005, true. Without the device's ``votes``
    corosync refuses to start (``corosync -f``: "quorum.device.votes must be specified
    when quorum.expected_votes is set")."""
    root = _copy(LIO, tmp_path)
    conf = "xd*/etc/corosync/corosync.conf"
    edit_site(
        root,
        conf,
        "provider: corosync_votequorum",
        "provider: corosync_votequorum\n\texpected_votes: 5",
    )
    assert site_found(root, select="CS005") == set()
    edit_site(root, conf, "expected_votes: 5", "expected_votes: 4")
    files = {f"{n}/etc/corosync/corosync.conf" for n in DOM0S}
    assert site_found(root, select="CS005") == {("CS005", f, "warning") for f in files}
    edit_site(root, conf, "\t\tvotes: 1\n", "")
    assert site_found(root, select="CS005") == {("CS005", f, "warning") for f in files}


def test_lio_variant_promoted_role_on_pacemaker_2_0(tmp_path: Path) -> None:
    """``with-rsc-role="Promoted"`` in the storage pair's pacemaker-3.2 CIB: crm_verify
    2.1.5 refuses it ("Invalid attribute with-rsc-role for element rsc_colocation",
    "CIB did not pass schema validation"), and 2.0.1 does too: CB023, a true error that
    was missed. Raised to pacemaker-3.7 (Pacemaker 2.1), it is taken."""
    root = _copy(LIO, tmp_path)
    cibs = "lio*/var/lib/pacemaker/cib/cib.xml"
    edit_site(root, cibs, 'with-rsc-role="Master"', 'with-rsc-role="Promoted"')
    assert site_found(root, select="CB023") == {("CB023", LIO_CIB, "error")}
    edit_site(root, cibs, 'validate-with="pacemaker-3.2"', 'validate-with="pacemaker-3.7"')
    assert site_found(root, select="CB023") == set()


def test_lio_variant_a_dom0_left_out(tmp_path: Path) -> None:
    """xd4 missing from allowed_initiators (the CIB) and from lio1's saveconfig ACLs:
    IS021 and IS031, true (LIO refuses the login of an initiator without an ACL when
    generate_node_acls is 0; the RA writes one ACL per allowed initiator)."""
    root = _copy(LIO, tmp_path)
    xd4 = "iqn.1993-08.org.debian:01:xd4a7c3e9"
    edit_site(root, "lio*/var/lib/pacemaker/cib/cib.xml", f" {xd4}", "")
    edit_site(root, "lio1/etc/target/saveconfig.json", xd4, "iqn.1993-08.org.debian:01:xd5")
    assert site_found(root, select="IS021,IS031") == {
        ("IS021", LIO_CIB, "error"),
        ("IS031", "lio1/etc/target/saveconfig.json", "error"),
    }


# -- 3. Debian lenny: openais 0.80 + Pacemaker 1.0 + DRBD 8.0 + xen-tools ------------

LENNY_CIB = "lenny1/var/lib/heartbeat/crm/cib.xml"


def test_lenny_openais_pacemaker10_drbd80_xen_tools(tmp_path: Path) -> None:
    """lenny1/lenny2: openais 0.80 with the Pacemaker service plugin and secauth (key in
    /etc/ais/authkey), a crm-shell Pacemaker 1.0.8 CIB (ms of ocf:heartbeat:drbd, a
    group of Filesystem on /dev/drbd0 and two Xen guests colocated with the Master and
    ordered after promote), drbd8-utils 8.0.14 spelling, xen-tools 3.9 guests.
    Peers: peer-drbdadm --mode 83 --node lenny1: OK; peer-crm-verify: only the
    deprecated rsc_order ``score`` (what crm shell 1.0 wrote) and the empty status's
    fencing; peer-xm-python web.cfg: OK (11 variables); peer-xl web.cfg: OK.
    True findings: CB009 (``passwd`` of both external/ipmi devices in cleartext;
    cluster-glue's external/ipmi reads ``passwd_method file``); undeclared, XC004's
    advice on ``syncer``/``rate`` (keep while DRBD before 8.4 runs); declared 8.0.14,
    that goes. Nothing from CS002 (openais 0.80 has no consensus minimum), CS008 (the
    key is there), CB038 (Master colocation, promote order)."""
    root = _copy(LENNY, tmp_path)
    true = {("CB009", LENNY_CIB, "warning")}
    advice = {("XC004", f"{n}/etc/drbd.conf", "info") for n in ("lenny1", "lenny2")}
    assert site_found(root) == true | advice
    assert site_found(root, SHIPPED[LENNY]) == true


def test_lenny_variant_true_mistakes(tmp_path: Path) -> None:
    """The openais key left out (openais 0.80 exec/totemconfig.c reads /etc/ais/authkey
    when secauth is on, and aisexec exits without it): CS008. The group colocated with
    the ms but not its Master role: CB038 (DRBD 8.0 has no auto-promote: the mount
    fails on the Secondary). ``become-primary-on both`` without allow-two-primaries:
    DR013. All true errors."""
    root = _copy(LENNY, tmp_path)
    for node in ("lenny1", "lenny2"):
        (root / node / "etc/ais/authkey").unlink()
    edit_site(root, "*/var/lib/heartbeat/crm/cib.xml", ' with-rsc-role="Master"', "")
    edit_site(
        root,
        "*/etc/drbd.conf",
        "degr-wfc-timeout 120;",
        "degr-wfc-timeout 120;\n    become-primary-on both;",
    )
    assert site_found(root, select="CS008,CB038,DR013") == {
        ("CS008", "lenny1/etc/ais/openais.conf", "error"),
        ("CS008", "lenny2/etc/ais/openais.conf", "error"),
        ("CB038", LENNY_CIB, "error"),
        ("DR013", "lenny1/etc/drbd.conf", "error"),
        ("DR013", "lenny2/etc/drbd.conf", "error"),
    }


def test_lenny_variant_other_spellings(tmp_path: Path) -> None:
    """squeeze's drbd8-utils 8.3.7 spelling (``common { syncer { rate 30M; } }``),
    ``memory = 512`` unquoted, ``secauth: off`` without a key: nothing new (XC004's
    advice moves to ``common``)."""
    root = _copy(LENNY, tmp_path)
    drbd = "*/etc/drbd.conf"
    edit_site(
        root, drbd, "resource xen {\n", "common {\n  syncer { rate 30M; }\n}\n\nresource xen {\n"
    )
    edit_site(root, drbd, "    rate 30M;\n    al-extents 257;", "    al-extents 257;")
    edit_site(root, "*/etc/xen/web.cfg", "memory      = '512'", "memory      = 512")
    edit_site(root, "*/etc/ais/openais.conf", "secauth:        on", "secauth:        off")
    for node in ("lenny1", "lenny2"):
        (root / node / "etc/ais/authkey").unlink()
    assert site_found(root) == site_found(_copy(LENNY, tmp_path / "base"))
