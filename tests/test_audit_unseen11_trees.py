"""Lint truth on two shapes no earlier tree had (session 29): Debian 6 dom0s whose
DRBD 8.3.7 dual-primary resource carries OCFS2 on Pacemaker's own stack
(ocf:pacemaker:controld + ocf:ocfs2:o2cb clones under corosync 1.2.1 + Pacemaker
1.0.9) on two of three dom0s, xm guests migrating live between those two; and a
five-node site where a heartbeat 2.1.4 haresources pair (drbddisk + IPaddr +
iscsi-target, IET 0.4.17) serves three CentOS 7.1 dom0s in their own corosync 2.3 +
Pacemaker 1.1.12 cluster over open-iscsi + multipath to the floating portal. Each
tree under tests/fixtures/unseen11/SHAPE/ is one site (README.md there); every
finding lint gives is asserted with why it is true for the releases the tree runs.
Variants are made on a copy.

Peer runs (/work/shared/oracle/peers): peer-drbdadm --mode 83 --node sq1 / sq2 on the
squeeze drbd.conf and --node st1 / st2 on the storage pair's: OK. peer-crm-verify on
sq1's CIB: the empty status's "Scheduling node ... for fencing" and 2.1.5's "Support
for 'score' in rsc_order is deprecated" only; on hv1's: the fencing lines only.
peer-multipath on hv1's multipath.conf: OK; peer-iscsiadm on iscsid.conf: all node.*
keys known; peer-xl on web.cfg (both shapes) and ns.cfg: OK. peer-heartbeat on st1's
ha.cf refuses only what this machine lacks (no eth1 for ``bcast``, CentOS' 64-bit
/usr/lib64/heartbeat/ipfail path): nothing about the file's keys.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found
from xencfg import lint

UNSEEN11 = Path(__file__).parent / "fixtures" / "unseen11"
SQUEEZE = "squeeze-cs121-pcmk109-controld-o2cb-drbd837-dual-ocfs2-xm40-three-dom0s-two-replicas"
IET = "iet-hb214-haresources-pair-serves-cs23-pcmk1112-three-dom0s-multipath-open-iscsi"
SQ_CIB = "var/lib/heartbeat/crm/cib.xml"
HV_CIB = "var/lib/pacemaker/cib/cib.xml"
HV = ("hv1", "hv2", "hv3")


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN11 / shape, tmp_path / shape)


def _releases(root: Path, expected: dict[str, str], node: str | None = None) -> None:
    """-v's release of each component (of ``node``) starts as ``expected`` says."""
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    versions = lint.run(nodes).cluster.versions
    for component, start in expected.items():
        said = versions.of(component, node).describe(component)
        assert said.startswith(f"{component} {start}"), said


def test_drbd_conf_is_not_the_stock_file() -> None:
    """drbd-utils' stock /etc/drbd.conf only includes drbd.d/: these are whole files."""
    for conf in UNSEEN11.glob("*/*/etc/drbd.conf"):
        text = conf.read_text()
        assert "include" not in text and "resource " in text, conf


# -- 1. Debian 6: OCFS2 on dual-primary DRBD 8.3.7, two of three dom0s ------------------


def test_squeeze_site(tmp_path: Path) -> None:
    """sq1-sq3: CB009 on each external/ipmi ``passwd`` (in sq1's copy; the others are
    related), a true warning: Pacemaker 1.0 keeps instance attributes in the CIB as
    written, so the BMC password is in cib.xml, every ``cibadmin -Q`` and every
    hb_report. Nothing else, true: three
    votes with ``no-quorum-policy stop``, fencing per node kept off itself,
    resource-and-stonith with both crm-*-peer.sh handlers, the master and the
    Filesystem clone kept off sq3 (no replica there), the filesystem after the
    promotion and after the controld + o2cb clone. Lint said XN007 three times (an
    error each): sq1's and sq2's hosts-allow not admitting sq3 and sq3's relocation
    server off, though web and mail are colocated (INFINITY) with the Filesystem clone
    that is banned from sq3, so Pacemaker never places or migrates them there
    (placement as XN018 reads it: rules/cib/placement.py, pcmk_sched_primitive.c).
    False; fixed: XN007 checks only the nodes some migrating guest may run on.
    -v: DRBD 8.3.7, corosync 1.2.1, Pacemaker 1.0.9.1, Xen 4.0.1."""
    root = _copy(SQUEEZE, tmp_path)
    assert site_found(root) == {("CB009", f"sq1/{SQ_CIB}", "warning")}
    _releases(
        root,
        {
            "drbd": "8.3.7",
            "corosync": "1.2.1",
            "pacemaker": "1.0.9",
            "xen": "4.0.1",
        },
        "sq1",
    )


def test_squeeze_guests_free_to_run_on_sq3(tmp_path: Path) -> None:
    """Without web's and mail's colocation with the Filesystem clone Pacemaker may
    place them on sq3 and migrate them to and from it: XN007 on sq1 and sq2 (their
    hosts-allow admits sq1 and sq2 only) and on sq3 (relocation server off), true
    errors: ``xm migrate --live`` from or to sq3 is refused (xend relocate.py /
    connection.py ``hostAllowed``). This keeps the fix from dropping real ones."""
    root = _copy(SQUEEZE, tmp_path)
    for guest in ("web", "mail"):
        edit_site(
            root,
            f"*/{SQ_CIB}",
            f'      <rsc_colocation id="c-{guest}-on-fs" rsc="vm-{guest}" score="INFINITY"'
            ' with-rsc="cl-fs-vmstore"/>\n',
            "",
        )
    assert site_found(root, select="XN007") == {
        ("XN007", f"{n}/etc/xen/xend-config.sxp", "error") for n in ("sq1", "sq2", "sq3")
    }


# -- 2. IET haresources pair + corosync 2.3 / Pacemaker 1.1.12 dom0s --------------------


def test_iet_site(tmp_path: Path) -> None:
    """st1, st2, hv1-hv3. True, each:
    - CB009 on each fence_ipmilan ``passwd`` (hv1's copy), warning: in the CIB as
      written; fence-agents 4.0 reads ``passwd_script`` instead.
    - MP005 on ``devnode "^sda$"`` per dom0, info: sd names follow probe order (a new
      iSCSI session can come up first), wwid blacklisting does not move.
    - IS007 on each box's ietd.conf, warning: IET 0.4.17 (usr/plain.c
      ``plain_initiator_access``, as rules/iscsi/access.py cites) reads
      initiators.allow only to let back in whom initiators.deny refuses: with no
      initiators.deny every initiator reaches the target, whatever
      initiators.allow says.
    Nothing on the haresources pair's failover (drbddisk before the address and the
    target, the same ScsiId on both boxes so the dom0s keep one WWID, multipath
    queueing while the portal moves) nor on the dom0 cluster's quorum, fencing or
    migration. -v: heartbeat 2.1.4, DRBD 8.3.13, IET 0.4.17, corosync 2.3.4, Pacemaker
    1.1.12, open-iscsi 2.0.873, multipath-tools 0.4.9, Xen 4.4.2."""
    root = _copy(IET, tmp_path)
    assert site_found(root) == {
        ("CB009", f"hv1/{HV_CIB}", "warning"),
        *{("MP005", f"{n}/etc/multipath.conf", "info") for n in HV},
        *{("IS007", f"{n}/etc/ietd.conf", "warning") for n in ("st1", "st2")},
    }
    _releases(
        root,
        {"heartbeat": "2.1.4", "drbd": "8.3.13", "iscsitarget": "0.4.17"},
        "st1",
    )
    _releases(
        root,
        {
            "corosync": "2.3.4",
            "pacemaker": "1.1.12",
            "open-iscsi": "2.0.873",
            "multipath-tools": "0.4.9",
            "xen": "4.4.2",
        },
        "hv1",
    )


def test_iet_deny_all_closes_the_target(tmp_path: Path) -> None:
    """``ALL ALL`` in /etc/initiators.deny on both boxes: IS007 goes, true (only the
    three dom0s initiators.allow names get in)."""
    root = _copy(IET, tmp_path)
    for box in ("st1", "st2"):
        (root / box / "etc/initiators.deny").write_text("ALL ALL\n")
    assert not {f for f in site_found(root) if f[0] == "IS007"}


def test_iet_newer_schema_than_pacemaker_1112(tmp_path: Path) -> None:
    """``validate-with="pacemaker-2.3"`` (what pcs on 1.1.13 writes) on 1.1.12: CB031
    per dom0, true errors: 1.1.12's xml/ ends at pacemaker-2.0 (versions.py
    PACEMAKER_SCHEMA_SINCE), and a CIB naming an unknown schema is refused whole."""
    root = _copy(IET, tmp_path)
    edit_site(root, f"*/{HV_CIB}", 'validate-with="pacemaker-2.0"', 'validate-with="pacemaker-2.3"')
    assert {f for f in site_found(root) if f[0] == "CB031"} == {
        ("CB031", f"{n}/{HV_CIB}", "error") for n in HV
    }


def test_iet_wwid_off_by_a_digit(tmp_path: Path) -> None:
    """A multipaths WWID one hex digit short of the IET LUN's (scsi_id's ``1`` + the
    8-byte vendor + the 16-byte ScsiId): IS030 per dom0, true warnings: multipath
    never matches it, so ``vmlun`` is never set up and the guests' disks are missing."""
    root = _copy(IET, tmp_path)
    wwid = "14945540000000000766d6c756e3000000000000000000000"
    edit_site(root, "hv*/etc/multipath.conf", wwid, wwid[:-1])
    assert {f for f in site_found(root) if f[0] == "IS030"} == {
        ("IS030", f"{n}/etc/multipath.conf", "warning") for n in HV
    }


def test_iet_pair_failover_mistakes(tmp_path: Path) -> None:
    """Two ways the pair's failover breaks, each an error on the changed files, true:
    st2's LUN with another ScsiId/ScsiSN (IS013: IET builds the VPD page 0x83 id and
    the serial from them, so after a takeover scsi_id gives the dom0s another WWID and
    multipath's ``vmlun`` map loses its path), and haresources starting iscsi-target
    before drbddisk::vmlun (HB017: heartbeat's ResourceManager starts a line's
    resources left to right, so ietd opens /dev/drbd0 while it is Secondary and the
    blockio open fails with EMEDIUMTYPE)."""
    root = _copy(IET, tmp_path)
    edit_site(
        root, "st2/etc/ietd.conf", "ScsiId=vmlun0,ScsiSN=vmlun0", "ScsiId=vmlun1,ScsiSN=vmlun1"
    )
    assert {f for f in site_found(root) if f[2] == "error"} == {
        ("IS013", "st2/etc/ietd.conf", "error")
    }
    root = _copy(IET, tmp_path / "order")
    edit_site(
        root,
        "st*/etc/ha.d/haresources",
        "drbddisk::vmlun IPaddr::10.90.1.100/24/eth1 iscsi-target",
        "iscsi-target drbddisk::vmlun IPaddr::10.90.1.100/24/eth1",
    )
    assert {f for f in site_found(root) if f[2] == "error"} == {
        ("HB017", f"{n}/etc/ha.d/haresources", "error") for n in ("st1", "st2")
    }


def test_squeeze_variants(tmp_path: Path) -> None:
    """Three mistakes on the squeeze site, each true:
    - ``fencing resource-and-stonith`` gone: DR011 (two primaries, OCFS2 on both, and
      nothing stops a split brain from writing both sides) and DR042 (drbd 8.3.7 calls
      the fence-peer handler only with fencing resource-only or resource-and-stonith)
      on sq1's and sq2's drbd.conf.
    - the master's and the Filesystem clone's bans on sq3 gone: DR043 on the CIB,
      Pacemaker may start drbd-vmstore on sq3, which has no 'on' section (drbdadm: "not
      defined in your config (for this host)"); no XN007: the filesystem still follows
      the master, which the DRBD hosts keep on sq1 and sq2.
    - ``no-quorum-policy ignore`` on three votes: CB022, a lone partition keeps
      running and starts the others' guests."""
    root = _copy(SQUEEZE, tmp_path / "fence")
    edit_site(root, "*/etc/drbd.conf", "\t\tfencing resource-and-stonith;\n", "")
    assert site_found(root) - {("CB009", f"sq1/{SQ_CIB}", "warning")} == {
        (code, f"{n}/etc/drbd.conf", "warning")
        for code in ("DR011", "DR042")
        for n in ("sq1", "sq2")
    }
    root = _copy(SQUEEZE, tmp_path / "bans")
    for ban, rsc in (("vmstore", "ms-vmstore"), ("fs", "cl-fs-vmstore")):
        edit_site(
            root,
            f"*/{SQ_CIB}",
            f'      <rsc_location id="l-{ban}-not-sq3" node="sq3" rsc="{rsc}"'
            ' score="-INFINITY"/>\n',
            "",
        )
    assert site_found(root) - {("CB009", f"sq1/{SQ_CIB}", "warning")} == {
        ("DR043", f"sq1/{SQ_CIB}", "warning")
    }
    root = _copy(SQUEEZE, tmp_path / "quorum")
    edit_site(
        root, f"*/{SQ_CIB}", '"no-quorum-policy" value="stop"', '"no-quorum-policy" value="ignore"'
    )
    assert site_found(root) - {("CB009", f"sq1/{SQ_CIB}", "warning")} == {
        ("CB022", f"sq1/{SQ_CIB}", "warning")
    }
