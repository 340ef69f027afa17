"""Lint truth on three shapes no earlier tree had (session 29): Ubuntu 24.04 dom0s whose
drbd-utils 9 drives the kernel's own DRBD 8.4 module (corosync 3.1 with two knet links,
Pacemaker 2.1.6 by pcs 0.11, an external SAN over open-iscsi + multipath), Debian 12
dom0s whose DRBD 9.2 resources drbd-reactor's promoter runs (no corosync, no CIB), and
a heartbeat 3.0.5 + Pacemaker 1.1.7 pair caught half way through an upgrade (DRBD 8.4
and Xen 4.4 xl on one node, DRBD 8.3.13 and Xen 4.1 xend on the other). Each tree under
tests/fixtures/unseen10/SHAPE/ is one site (README.md there); every finding lint gives
is asserted with why it is true for the releases the tree runs, from the node's dpkg
status. Variants are made on a copy.

Peer runs (/work/shared/oracle/peers) on the single files (a node's global_common.conf
and .res files put in one file: the wrapper puts only the addresses of the file it is
given on lo):
noble: peer-drbdadm --mode 84 --node nob1, nob2, nob3: OK (nob1 has no vm-app host
section, nob3 none of vm-web: drbdadm-84 skips a resource that does not name the node);
--mode 9 refuses ``fencing`` in ``disk`` (the tree is 8.4 syntax for the 8.4 module);
peer-crm-verify on nob1's CIB: only the empty status's "Scheduling node ... for
fencing"; peer-multipath: OK; peer-iscsiadm on iscsid.conf: all keys known; peer-xl on
web.cfg, app.cfg, db.cfg: OK; ``corosync -t`` (3.1) with the key given as keyfile:
exits normally.
reactor: peer-drbdadm --mode 9 --node bk1, bk2, bk3: OK; peer-xl on web.cfg and db.cfg: OK.
wheezy: peer-drbdadm --mode 84 --node wa on wa's files: OK; --mode 83 --node wb on wb's
drbd.conf: OK, and --mode 84 --node wa on it too (8.4's drbdadm reads 8.3 syntax);
--mode 83 --node wb on wa's 8.4 files: "Parse error: 'an option keyword' expected, but
got 'resync-rate'"; peer-heartbeat --node wa on ha.cf: OK.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found
from xencfg import lint
from xencfg.versions import Versions

UNSEEN10 = Path(__file__).parent / "fixtures" / "unseen10"
NOBLE = "noble-xen417-corosync31-knet2links-pcmk216-pcs011-drbdutils9-intree84-multipath-iscsi-san"
REACTOR = "bookworm-drbd92-linbit-drbd-reactor-promoter-quorum-diskless-tiebreaker-xl-no-pacemaker"
WHEEZY = "wheezy-hb305-pcmk117-rolling-drbd84-vs-drbd83-xl44-vs-xm41-pair"
STATE = "var/lib/xencfg/state"
DOM0S = ("bk1", "bk2")
RES = ("vm-web", "vm-db")


def _copy(shape: str, tmp_path: Path) -> Path:
    return copy_site(UNSEEN10 / shape, tmp_path / shape)


def _versions(root: Path) -> Versions:
    return lint.run([str(n) for n in sorted(root.iterdir()) if n.is_dir()]).cluster.versions


def _releases(root: Path, expected: dict[str, str], node: str | None = None) -> None:
    """-v's release of each component (of ``node``) starts as ``expected`` says."""
    versions = _versions(root)
    for component, start in expected.items():
        said = versions.of(component, node).describe(component)
        assert said.startswith(f"{component} {start}"), said


# -- 1. Ubuntu 24.04: drbd-utils 9 over the in-tree DRBD 8.4 module, SAN, corosync 3.1 ------


def test_noble_site_is_clean(tmp_path: Path) -> None:
    """nob1-nob3: nothing to say, and -v has the releases the dpkg status lists: the
    kernel's own DRBD 8.4 module (no drbd-dkms: linux-image 6.8 carries DRBD 8.4.11),
    drbd-utils 9.22 (whose drbdadm runs drbdadm-84 for it, so 8.4 syntax is right),
    corosync 3.1.7, Pacemaker 2.1.6, Xen 4.17, multipath-tools 0.9.4 (a minimum:
    distributions backport), open-iscsi 2.1.9. True: two knet links per node (ring0
    and ring1 addresses, three votes, no two_node), a fence_ipmilan per node kept off
    itself, each two-host DRBD 8.4 resource's clone kept off the third node, the
    guests after promotion, fencing resource-and-stonith with both crm-*-peer.sh
    handlers, the SAN's LUN by WWID on both portals' records."""
    root = _copy(NOBLE, tmp_path)
    assert site_found(root) == set()
    noble = {
        "drbd": "8.4 or later, before 9.0",
        "drbd-utils": "9.22.0",
        "corosync": "3.1.7",
        "pacemaker": "2.1.6",
        "xen": "4.17.3",
        "multipath-tools": "0.9.4 or later",
        "open-iscsi": "2.1.9",
    }
    _releases(root, noble)


def test_noble_with_drbd_dkms_9_refuses_84_fencing(tmp_path: Path) -> None:
    """LINBIT's drbd-dkms 9.2 installed on every node (the module drbdadm then finds is
    9): XC008 on ``fencing`` in ``disk`` per node, an error and true: drbd-utils 9.22's
    own v9 parser refuses it there (peer-drbdadm --mode 9: "'resync-rate | c-plan-ahead
    | ... | bitmap' expected, but got 'fencing'"); -v says DRBD 9.2.12."""
    root = _copy(NOBLE, tmp_path)
    for status in root.glob("*/var/lib/dpkg/status"):
        with status.open("a") as f:
            f.write("\nPackage: drbd-dkms\nStatus: install ok installed\nVersion: 9.2.12-1\n")
    gc = "etc/drbd.d/global_common.conf"
    assert site_found(root) == {("XC008", f"{n}/{gc}", "error") for n in ("nob1", "nob2", "nob3")}
    _releases(root, {"drbd": "9.2.12"})


# -- 2. Debian 12: DRBD 9.2 under drbd-reactor's promoter, no Pacemaker --------------------


def test_reactor_site_is_clean(tmp_path: Path) -> None:
    """bk1, bk2 (dom0s), bk3 (diskless tiebreaker): nothing to say, true. drbd-reactor
    is the manager: its promoter (/etc/drbd-reactor.d/*.toml) promotes a resource
    where DRBD says it may and starts the xl guest's unit there; ``quorum majority``
    keeps a partitioned node from promoting or writing (drbd-reactor promoter.md,
    "DRBD resource configuration"). Lint claims no missing cluster manager, fencing
    or unmanaged DRBD: no rule asks for a CIB where none is. vm-db is the frozen
    set-up (``on-no-quorum suspend-io``, ``on-quorum-loss = "freeze"``): DR011 said
    nothing as the resource is single-primary. -v: DRBD 9.2.12 (drbd-dkms),
    drbd-utils 9.29.0, Xen 4.17.5."""
    root = _copy(REACTOR, tmp_path)
    assert site_found(root) == set()
    _releases(root, {"drbd": "9.2.12", "drbd-utils": "9.29.0", "xen": "4.17.5"})


def test_reactor_dual_primary_needs_quorum_or_fencing(tmp_path: Path) -> None:
    """``allow-two-primaries yes`` in common's net: no DR011 while ``quorum majority``
    stands, for vm-web (io-error) and vm-db (suspend-io) alike: a node without quorum
    fails or freezes its writes (drbd.conf(5): "By default DRBD freezes IO on a device,
    that lost quorum"), so neither side diverges. Lint said DR011 for vm-db's
    suspend-io (a false warning, fixed). Without ``quorum majority`` nothing stops
    two primaries writing apart: DR011 on each node's copy of both resources, true
    (no fencing either: drbd-reactor runs no fence-peer handler)."""
    root = _copy(REACTOR, tmp_path)
    gc = "*/etc/drbd.d/global_common.conf"
    edit_site(root, gc, "\t\tprotocol C;\n", "\t\tprotocol C;\n\t\tallow-two-primaries yes;\n")
    assert site_found(root) == set()
    edit_site(root, gc, "\t\tquorum majority;\n", "")
    assert site_found(root) == {
        *{
            ("DR011", f"{n}/etc/drbd.d/{r}.res", "warning")
            for n in ("bk1", "bk2", "bk3")
            for r in ("vm-web", "vm-db")
        },
        # the promoter on bk1 and bk2 (its snippets there) runs both without quorum
        *{("DR047", f"{n}/etc/drbd.d/{r}.res", "warning") for n in DOM0S for r in RES},
    }


def test_reactor_promoter_without_quorum(tmp_path: Path) -> None:
    """``quorum majority`` gone from common: DR047 (new rule, session 29) on the two
    dom0s whose drbd-reactor.d lists each resource, true: the promoter starts the
    guest wherever DRBD says the resource may be promoted and fences nothing, so after
    a split both dom0s promote and run the guest on copies that write apart
    (drbd-reactor doc/promoter.md, "DRBD resource configuration": quorum majority).
    Lint said nothing. Nothing on bk3 (no promoter there). With drbd-reactor not
    started at boot on bk2 (its wants link gone): bk1 only."""
    root = _copy(REACTOR, tmp_path)
    edit_site(root, "*/etc/drbd.d/global_common.conf", "\t\tquorum majority;\n", "")
    expected = {("DR047", f"{n}/etc/drbd.d/{r}.res", "warning") for n in DOM0S for r in RES}
    assert site_found(root) == expected
    (root / "bk2/etc/systemd/system/multi-user.target.wants/drbd-reactor.service").unlink()
    assert site_found(root) == {f for f in expected if f[1].startswith("bk1/")}


def test_reactor_primary_without_cib_is_not_unmanaged(tmp_path: Path) -> None:
    """Captured state (``drbdadm status``, ``xl list``): vm-web Primary on bk1 with
    web running there, vm-db Primary on bk2 with db. No LS004 ("Primary but no CIB
    resource manages it"): the nodes have no cluster manager configuration lint
    reads, so it does not say the promotion was by hand (drbd-reactor did it)."""
    root = _copy(REACTOR, tmp_path)
    status = {
        "bk1": ("vm-web", "Primary", "vm-db", "Secondary", "web"),
        "bk2": ("vm-web", "Secondary", "vm-db", "Primary", "db"),
    }
    for node, (r1, role1, r2, role2, guest) in status.items():
        state = root / node / STATE
        state.mkdir(parents=True)
        peer = next(n for n in ("bk1", "bk2") if n != node)
        text = ""
        for res, role in ((r1, role1), (r2, role2)):
            other = "Secondary" if role == "Primary" else "Primary"
            text += (
                f"{res} role:{role}\n  disk:UpToDate\n  {peer} role:{other}\n"
                "    peer-disk:UpToDate\n  bk3 role:Secondary\n    peer-disk:Diskless\n\n"
            )
        (state / "drbdadm_status.txt").write_text(text)
        (state / "xl_list.txt").write_text(
            "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
            "Domain-0                                     0  2048     2     r-----     120.5\n"
            f"{guest:<44} 3  4096     2     -b----      33.1\n"
        )
    result = lint.run([str(n) for n in sorted(root.iterdir())])
    assert {f.code for f in result.findings} == set()
    assert {Path(f.path).name for f in result.files} >= {"drbdadm_status.txt", "xl_list.txt"}


# -- 3. Debian 7, half upgraded: DRBD 8.4 + xl 4.4 on wa, DRBD 8.3.13 + xm 4.1 on wb -------


WHEEZY_EXPECTED = {
    # ``auto_failback off`` with ``crm respawn``: heartbeat leaves resources to the CRM,
    # and the CIB sets no resource-stickiness (true, same line on both nodes)
    *{("HB011", f"{n}/etc/ha.d/ha.cf", "warning") for n in ("wa", "wb")},
    # external/ipmi's passwd in the CIB's clear text (true; the same CIB on wb related)
    ("CB009", "wa/var/lib/heartbeat/crm/cib.xml", "warning"),
}


def test_wheezy_half_upgraded_pair(tmp_path: Path) -> None:
    """wa, wb: only HB011 and CB009. Nothing of the mixed releases, true: DRBD 8.4
    talks to 8.3 peers (8.4.x drbd.h PRO_VERSION_MIN 86, MAX 101; 8.3.8 86 to 94: the
    peers agree on the lower maximum), wa's 8.4 files and wb's 8.3 file give the same
    resources (peer-drbdadm --mode 84 dumps both alike, resource order aside), so no
    DR009/DR028; each node's drbd-utils drives its own module (no DR032); the
    guests do not migrate, so xm on wb and xl on wa never meet (XN007 only with
    allow-migrate). -v, per node
    from dpkg status: DRBD 8.4.4 on wa (wheezy-backports' drbd8-utils, 3.16's own 8.4
    module), 8.3.13 on wb (3.2's own 8.3 module); Xen 4.4.1 on wa, 4.1.4 on wb;
    heartbeat 3.0.5, Pacemaker 1.1.7 on both."""
    root = _copy(WHEEZY, tmp_path)
    assert site_found(root) == WHEEZY_EXPECTED
    _releases(root, {"drbd": "8.4.4", "xen": "4.4.1"}, "wa")
    _releases(root, {"drbd": "8.3.13", "xen": "4.1.4"}, "wb")
    _releases(root, {"heartbeat": "3.0.5", "pacemaker": "1.1.7"})


def test_wheezy_84_files_copied_to_the_83_node(tmp_path: Path) -> None:
    """wa's 8.4 drbd.conf and drbd.d copied to wb before wb's upgrade: XC008 errors on
    wb for ``resync-rate`` in ``disk`` and ``protocol`` in ``net``, true: drbdadm
    8.3.13 refuses the file (peer-drbdadm --mode 83 --node wb: "Parse error: 'an
    option keyword' expected, but got 'resync-rate'"), so wb cannot bring its
    resources up. Nothing for wa."""
    root = _copy(WHEEZY, tmp_path)
    wa, wb = root / "wa/etc", root / "wb/etc"
    (wb / "drbd.conf").write_text((wa / "drbd.conf").read_text())
    (wb / "drbd.d").mkdir()
    for f in (wa / "drbd.d").iterdir():
        (wb / "drbd.d" / f.name).write_text(f.read_text())
    assert site_found(root) - WHEEZY_EXPECTED == {
        ("XC008", "wb/etc/drbd.d/global_common.conf", "error")
    }
    found = lint.run([str(root / "wa"), str(root / "wb")], select=["XC008"]).findings
    assert sorted(f.line for f in found) == [13, 16]


def test_wheezy_live_migration_across_xm_and_xl(tmp_path: Path) -> None:
    """Both nodes allow two primaries and the CIB lets vm-web migrate live: XN007, an
    error and true: ``xm migrate`` on wb sends the guest to xend's relocation port on
    wa, where no xend runs (Xen 4.4 xl only), and ``xl migrate`` on wa runs ``xl
    migrate-receive`` over ssh on wb, which has no xl (Xen 4.1's xend toolstack).
    DR011 on both nodes' copies of both
    resources, true: fencing resource-only, DRBD 8 has no quorum."""
    root = _copy(WHEEZY, tmp_path)
    edit_site(
        root,
        "wa/etc/drbd.d/global_common.conf",
        "\t\tprotocol C;\n",
        "\t\tprotocol C;\n\t\tallow-two-primaries yes;\n",
    )
    edit_site(root, "wb/etc/drbd.conf", "\tnet {\n", "\tnet {\n\t\tallow-two-primaries;\n")
    vm = '<primitive class="ocf" id="vm-web" provider="heartbeat" type="Xen">\n'
    meta = (
        '        <meta_attributes id="vm-web-meta_attributes">\n'
        '          <nvpair id="vm-web-meta_attributes-allow-migrate" name="allow-migrate"'
        ' value="true"/>\n        </meta_attributes>\n'
    )
    edit_site(root, "*/var/lib/heartbeat/crm/cib.xml", vm, vm + meta)
    assert site_found(root) - WHEEZY_EXPECTED == {
        ("XN007", "wa/etc/xen/xl.conf", "error"),
        ("DR011", "wa/etc/drbd.d/r-web.res", "warning"),
        ("DR011", "wa/etc/drbd.d/r-mail.res", "warning"),
        ("DR011", "wb/etc/drbd.conf", "warning"),
    }


def test_wheezy_pacemaker_upgraded_on_one_node(tmp_path: Path) -> None:
    """wa's Pacemaker upgraded to 1.1.16 (jessie-backports) with the CIB left at
    pacemaker-1.2: nothing new, true (Pacemaker Explained, "Upgrading": a rolling
    upgrade within 1.1 is supported; 1.1.7 reads pacemaker-1.2). Once the CIB is
    raised to pacemaker-2.5 (``cibadmin --upgrade`` on wa): CB031 on wb's copy only,
    an error and true: the pacemaker-2.x schemas came with Pacemaker 1.1.12 and later
    (pacemaker-2.5 with 1.1.15, CB031's table), 1.1.7 knows none and refuses a CIB it
    cannot validate; wa's 1.1.16 reads it."""
    root = _copy(WHEEZY, tmp_path)
    edit_site(root, "wa/var/lib/dpkg/status", "Version: 1.1.7-1\n", "Version: 1.1.16-1~bpo8+1\n")
    assert site_found(root) == WHEEZY_EXPECTED
    _releases(root, {"pacemaker": "1.1.16"}, "wa")
    cib = "*/var/lib/heartbeat/crm/cib.xml"
    edit_site(root, cib, 'validate-with="pacemaker-1.2"', 'validate-with="pacemaker-2.5"')
    assert site_found(root) - WHEEZY_EXPECTED == {
        ("CB031", "wb/var/lib/heartbeat/crm/cib.xml", "error")
    }
