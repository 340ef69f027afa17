"""Lint truth on three shapes no earlier tree had (session 28): Gentoo dom0s whose init
system is OpenRC (/etc/runlevels, not rc links or systemd), a SLES 12 SP5 pair whose
guests are libvirt's (VirtualDomain resources, domain XML in /etc/libvirt/libxl), and
a booth geo cluster (two CentOS 7 sites and an arbitrator, a stacked DRBD 8.4 resource
between the sites). Each tree under tests/fixtures/unseen9/SHAPE/ is one site, per
node (README.md there); every finding lint gives is asserted with why it is true for
the releases the tree runs. Variants are made on a copy.

Peer runs on the single files (/work/shared/oracle/peers):
gentoo: peer-drbdadm --mode 84 --node gx1 on global_common.conf + web.res: OK
(--mode 9 refuses ``fencing`` in ``disk``: the tree is 8.4 syntax for the kernel's 8.4
module); peer-crm-verify on gx1's CIB: only the empty status's "Scheduling node ...
for fencing"; peer-multipath: OK; peer-iscsiadm on iscsid.conf: OK; peer-xl on
web.cfg and db.cfg: OK; ``corosync -t`` (3.1) refuses "crypto_cipher & crypto_hash
are only valid for the Knet transport", which corosync 2.4 accepts with udpu (a 3.x
check, not the tree's).
sles12: peer-drbdadm --mode 9 --node vh1 on global_common.conf + vm-web.res: OK;
peer-crm-verify: only the fencing warnings; ``corosync -t`` (3.1) exits 8 on the
multicast totem without a nodelist, which 2.3.6 runs (ha-cluster-init's multicast
set-up; corosync 3 needs a nodelist).
geo: peer-drbdadm --mode 84 --node brn1 and --node pra1 on the shared drbd.conf: OK,
the other site's lower resource "ignored, not stacked" and web-geo "not ignored,
stacked" with its own site's lower resource ("# on brn1 brn2"); peer-crm-verify on
pra1's CIB (rsc_ticket with loss-policy fence, stop, demote): only the fencing
warnings; peer-xl on web.cfg: OK; ``corosync -t`` on pra1's file (logfile and keyfile
pointed at /tmp and the tree): exits normally.
"""

from __future__ import annotations

import os
from pathlib import Path

from lintkit import copy_site, edit_site, site_found
from xencfg import lint
from xencfg.versions import Versions

UNSEEN9 = Path(__file__).parent / "fixtures" / "unseen9"
GENTOO = "gentoo-openrc-xen414-corosync24-pcmk1124-drbd84-openiscsi-lio-multipath"
SLES12 = "sles12sp5-hae-libvirt-libxl-virtualdomain-sbd-drbd90-ocfs2-clvm"
GEO = "geo-booth-two-sites-arbitrator-pcs-drbd84-stacked-xl"
CIB = "var/lib/pacemaker/cib/cib.xml"

#: what each tree runs, for the declared runs
SHIPPED = {
    GENTOO: {
        "drbd": "8.4",
        "drbd-utils": "9.15",
        "pacemaker": "1.1.24",
        "corosync": "2.4.5",
        "xen": "4.14",
        "multipath-tools": "0.8.4",
        "open-iscsi": "2.1.2",
    },
    SLES12: {"drbd": "9.0", "pacemaker": "1.1.24", "corosync": "2.3.6", "xen": "4.12"},
    GEO: {"drbd": "8.4", "pacemaker": "1.1.23", "corosync": "2.4.5", "xen": "4.12"},
}


def _copy(shape: str, tmp_path: Path) -> Path:
    root = copy_site(UNSEEN9 / shape, tmp_path / shape)
    for key in root.glob("*/etc/booth/booth.key"):
        key.chmod(0o600)
    return root


def _versions(root: Path) -> Versions:
    return lint.run([str(n) for n in sorted(root.iterdir()) if n.is_dir()]).cluster.versions


# -- 1. Gentoo, OpenRC: xl, corosync 2.4 + Pacemaker 1.1.24, DRBD 8.4, iSCSI to LIO ---------


GENTOO_EXPECTED = {
    # devnode "^sda$": the local disk blacklisted by kernel name (true, advice)
    *{("MP005", f"{n}/etc/multipath.conf", "info") for n in ("gx1", "gx2")},
}


def test_gentoo_openrc_site(tmp_path: Path) -> None:
    """gx1, gx2, lio1: only MP005, undeclared and with the releases the tree runs.
    Nothing between the dom0s and the target box: lio1's ACLs admit both initiators'
    IQNs, both portals' records and multipath.conf name the LUN by the WWID LIO gives
    its serial (36001405 + the serial's first 25 hex digits), and lio1 is storage,
    asked into no corosync or CIB. -v: DRBD 8.4 or later before 9.0, corosync before
    3.0 (``ringnumber``), Pacemaker 1.1.24 before 1.2 (dc-version), Xen 4.1 or later
    (xl.conf; Gentoo's os-release names no release to read more from)."""
    root = _copy(GENTOO, tmp_path)
    assert site_found(root) == GENTOO_EXPECTED
    assert site_found(root, SHIPPED[GENTOO]) == GENTOO_EXPECTED
    of = _versions(root).of
    assert of("drbd").describe("D").startswith("D 8.4 or later, before 9.0")
    assert of("corosync").describe("c").startswith("c before 3.0")
    assert of("pacemaker").describe("P").startswith("P 1.1.24 or later, before 1.2")
    assert of("xen").describe("X").startswith("X 4.1 or later")


def test_gentoo_xendomains_in_no_runlevel(tmp_path: Path) -> None:
    """A link /etc/xen/auto/web.cfg on gx1 while xendomains is in no runlevel: nothing,
    true (OpenRC starts only what /etc/runlevels/{sysinit,boot,default} link, OpenRC
    man/rc-update.8, so xendomains never reads /etc/xen/auto). Lint read no OpenRC
    runlevels and called it XN019 ("started by the cluster and by xendomains at
    boot"). With ``rc-update add xendomains default`` it is XN019, true."""
    root = _copy(GENTOO, tmp_path)
    (root / "gx1/etc/xen/auto").mkdir()
    os.symlink("../web.cfg", root / "gx1/etc/xen/auto/web.cfg")
    assert site_found(root) == GENTOO_EXPECTED
    os.symlink("/etc/init.d/xendomains", root / "gx1/etc/runlevels/default/xendomains")
    assert site_found(root) - GENTOO_EXPECTED == {("XN019", "gx1/etc/xen/web.cfg", "warning")}


def test_gentoo_drbd_and_clvmd_runlevels(tmp_path: Path) -> None:
    """``rc-update add drbd default`` on gx2 while Pacemaker runs ocf:linbit:drbd:
    HB018 on gx2, true (the init script brings the resources up outside the
    cluster; lint said nothing, reading no runlevels). lvm.conf ``locking_type = 3``
    with clvmd in no runlevel and no clvm resource: LV004 on both dom0s, true (LVM
    2.02 falls back to file locking and skips clustered volume groups); clvmd in
    runlevels/boot: no LV004 (boot runs before default, OpenRC's guide)."""
    root = _copy(GENTOO, tmp_path)
    os.symlink("/etc/init.d/drbd", root / "gx2/etc/runlevels/default/drbd")
    assert site_found(root) - GENTOO_EXPECTED == {("HB018", f"gx2/{CIB}", "warning")}
    root = _copy(GENTOO, tmp_path / "b")
    for n in ("gx1", "gx2"):
        (root / n / "etc/lvm").mkdir()
        (root / n / "etc/lvm/lvm.conf").write_text("global {\n\tlocking_type = 3\n}\n")
    assert site_found(root) - GENTOO_EXPECTED == {
        *{("LV004", f"{n}/etc/lvm/lvm.conf", "warning") for n in ("gx1", "gx2")},
        # locking_type: LVM 2.03 ignores it (lvmlockd instead); the Gentoo tree names no
        # LVM release, so advice for any (true)
        *{("XC004", f"{n}/etc/lvm/lvm.conf", "info") for n in ("gx1", "gx2")},
    }
    for n in ("gx1", "gx2"):
        os.symlink("/etc/init.d/clvmd", root / n / "etc/runlevels/boot/clvmd")
    assert {f[0] for f in site_found(root)} == {"MP005", "XC004"}


def test_gentoo_trees_in_folders_named_otherwise(tmp_path: Path) -> None:
    """The dom0 trees collected as box-a, box-b: the same findings, true. Gentoo keeps
    the host name in /etc/conf.d/hostname (``hostname="gx1"``, which OpenRC's
    init.d/hostname gives the kernel); lint named the nodes box-a and box-b, so no
    corosync, CIB or DRBD name matched and every cluster check went silent (-v:
    "roles: initiator"); the nodes are now gx1 and gx2, members and DRBD peers."""
    root = _copy(GENTOO, tmp_path)
    (root / "gx1").rename(root / "box-a")
    (root / "gx2").rename(root / "box-b")
    assert site_found(root) == {("MP005", f"box-{x}/etc/multipath.conf", "info") for x in "ab"}
    assert lint.run([str(root / "box-a"), str(root / "box-b")]).cluster.nodes == ["gx1", "gx2"]


# -- 2. SLES 12 SP5: libvirt's guests under VirtualDomain, sbd, DRBD 9, OCFS2 + cLVM --------


def test_sles12_libvirt_pair(tmp_path: Path) -> None:
    """vh1, vh2: nothing, undeclared and with SLES 12 SP5's releases; true: the guests
    are libvirt domains (/etc/libvirt/libxl/web.xml, db.xml) run by VirtualDomain, so
    no /etc/xen/vm config is missing or unmanaged; web's dual-primary DRBD 9 resource
    fences resource-and-stonith (DR011 silent); clvmd runs as ocf:heartbeat:clvm in
    the cloned base group (LV004 silent); libvirt-guests ON_BOOT=ignore. -v: DRBD 9.0
    or later (``node-id``), corosync before 3.0, Pacemaker 1.1.24 before 1.2 (SUSE's
    dc-version ``1.1.24+20210811...``), LVM before 2.03 (a clvmd resource)."""
    root = _copy(SLES12, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[SLES12]) == set()
    of = _versions(root).of
    assert of("drbd").describe("D").startswith("D 9.0 or later")
    assert of("corosync").describe("c").startswith("c before 3.0")
    assert of("pacemaker").describe("P").startswith("P 1.1.24 or later, before 1.2")
    assert of("lvm2").describe("L").startswith("L before 2.03")


def test_sles12_guest_autostarted_or_missing(tmp_path: Path) -> None:
    """``virsh autostart web`` on vh2 (a link /etc/libvirt/libxl/autostart/web.xml):
    XN019 on vh2's CIB, true (libvirt's libxlAutostartDomain starts an autostart
    domain not running there whenever libvirtd starts, src/libxl/libxl_driver.c; the
    cluster may run web on vh1 at that moment). db.xml missing on vh1: CB003 on the
    CIB, true (VirtualDomain_validate_all: "Configuration file ... does not exist or
    not readable", OCF_ERR_INSTALLED on vh1). Lint said nothing of either. With vm-db
    kept off vh1 (rsc_location -INFINITY): no CB003, true (the CIB never starts it
    there). vh1's tree without /etc/libvirt/libxl at all (as a sosreport holds it: sos's
    libvirt plugin copies libvirtd.conf and qemu/*.xml, never libxl/*.xml): nothing, as
    the tree does not show that folder."""
    root = _copy(SLES12, tmp_path)
    (root / "vh2/etc/libvirt/libxl/autostart").mkdir()
    os.symlink("../web.xml", root / "vh2/etc/libvirt/libxl/autostart/web.xml")
    (root / "vh1/etc/libvirt/libxl/db.xml").unlink()
    assert site_found(root) == {
        ("XN019", f"vh2/{CIB}", "warning"),
        ("CB003", f"vh1/{CIB}", "warning"),
    }
    edit_site(
        root,
        f"*/{CIB}",
        "    </constraints>",
        '      <rsc_location id="loc-db-not-vh1" rsc="vm-db" node="vh1" score="-INFINITY"/>\n'
        "    </constraints>",
    )
    assert site_found(root) == {("XN019", f"vh2/{CIB}", "warning")}
    root = _copy(SLES12, tmp_path / "b")
    (root / "vh1/etc/libvirt/libxl/db.xml").unlink()
    (root / "vh1/etc/libvirt/libxl/web.xml").unlink()
    (root / "vh1/etc/libvirt/libxl").rmdir()
    assert site_found(root) == set()


# -- 3. geo: two corosync 2 + Pacemaker 1.1 sites, booth, stacked DRBD 8.4 between them -----


def test_geo_booth_two_sites(tmp_path: Path) -> None:
    """pra1, pra2, brn1, brn2, arb: nothing, undeclared and declared. Before the fixes
    lint gave 10 findings, all false: DR005 x8 (each site's copy of the shared
    drbd.conf holds the other site's lower resource, which drbdadm passes by:
    "ignored, not stacked"), CB038 on brn1 (the stacked resource's lower resource
    taken from its first ``stacked-on-top-of``, web-pra, which brn's CIB never
    promotes; on brn1 drbdadm stacks web-geo on web-brn) and XN003, an error, for
    guest web's MAC at both sites (one guest: both CIBs tie vm-web to ticket-web,
    which booth grants to one site at a time, boothd(8)). -v: DRBD 8.4 or later
    before 9.0, Pacemaker 1.1.23 before 1.2."""
    root = _copy(GEO, tmp_path)
    assert site_found(root) == set()
    assert site_found(root, SHIPPED[GEO]) == set()
    of = _versions(root).of
    assert of("drbd").describe("D").startswith("D 8.4 or later, before 9.0")
    assert of("pacemaker").describe("P").startswith("P 1.1.23 or later, before 1.2")


def test_geo_one_site_linted_alone(tmp_path: Path) -> None:
    """pra1 and pra2 alone (each site's own pre-commit run): nothing, true. Lint
    called web-brn a DR006 error on both ("no 'on pra1' section") and its hosts DR005:
    brn1 and brn2 are in no file of the run, but web-brn is the other lower resource
    of web-geo, which stacks on pra's web-pra too (drbdadm requires it defined)."""
    root = _copy(GEO, tmp_path)
    assert site_found(root, select="DR,CB,XN") == set()
    result = lint.run([str(root / "pra1"), str(root / "pra2")])
    assert [f.code for f in result.findings] == []


def test_geo_ticket_evidence(tmp_path: Path) -> None:
    """brn's CIB tying vm-web to another ticket (``ticket-web-b``, also in
    booth.conf): XN003 on pra1's web.cfg, true (two tickets may be granted to the
    two sites at once, and both copies of the guest then run with one MAC). The same
    with no booth.conf in the run: XN003, as for two clusters (nothing says one
    guest runs at a time). vm-web's ticket with ``loss-policy="freeze"``: XN003, true
    (the site that loses the ticket keeps the guest running, unmanaged: Pacemaker
    1.1 pengine/native.c ``rsc_ticket_constraint`` for ``loss_ticket_freeze``, while
    booth grants it to the other site, which starts it too)."""
    root = _copy(GEO, tmp_path)
    edit_site(
        root,
        "brn*/" + CIB,
        'rsc="vm-web" ticket="ticket-web"',
        'rsc="vm-web" ticket="ticket-web-b"',
    )
    edit_site(
        root,
        "*/etc/booth/booth.conf",
        "\tbefore-acquire",
        'ticket = "ticket-web-b"\n\tbefore-acquire',
    )
    assert site_found(root) == {("XN003", "pra1/etc/xen/web.cfg", "error")}
    root = _copy(GEO, tmp_path / "b")
    for conf in root.glob("*/etc/booth/booth.conf"):
        conf.unlink()
    assert site_found(root) == {("XN003", "pra1/etc/xen/web.cfg", "error")}
    root = _copy(GEO, tmp_path / "c")
    edit_site(root, "*/" + CIB, 'loss-policy="fence"', 'loss-policy="freeze"')
    assert site_found(root) == {("XN003", "pra1/etc/xen/web.cfg", "error")}


def test_geo_stacked_master_untied_at_one_site(tmp_path: Path) -> None:
    """brn's CIB without the colocation of ip-geo with its lower Master (so nothing
    places the stacked resource with web-brn's Primary): CB038 on brn1's CIB naming
    web-brn, true (the stacked resource opens /dev/drbd0 of web-brn on brn1 or brn2,
    whichever the scheduler picks; a Secondary refuses the open)."""
    root = _copy(GEO, tmp_path)
    edit_site(
        root,
        "brn*/" + CIB,
        '<rsc_colocation id="colocation-ip-geo-on-lower-master" rsc="ip-geo"'
        ' with-rsc="ms-drbd-web-brn" with-rsc-role="Master" score="INFINITY"/>\n',
        "",
    )
    edit_site(
        root,
        "brn*/" + CIB,
        '<rsc_order id="order-lower-promote-ip-geo" first="ms-drbd-web-brn"'
        ' first-action="promote" then="ip-geo" then-action="start" kind="Mandatory"/>\n',
        "",
    )
    result = lint.run([str(root / n) for n in ("brn1", "brn2")], select=["CB038"])
    assert [(f.code, f.severity) for f in result.findings] == [("CB038", "error")]
    assert "DRBD resource 'web-brn'" in result.findings[0].message


def test_geo_ticket_booth_does_not_grant(tmp_path: Path) -> None:
    """pra's rsc_ticket for vm-web spelt ``ticketweb`` (booth.conf: ``ticket-web``):
    CB042 on pra1's CIB, true (Pacemaker bans a resource whose ticket is not granted,
    ``__no_ticket__`` in pengine/native.c ``rsc_ticket_constraint`` of 1.1, and booth
    grants only the tickets its booth.conf defines, src/config.c ``read_config``), and
    XN003 comes back, true (nothing ties pra's copy of web to booth's ticket any
    more). The same CIB with no booth.conf in the run: no CB042 (tickets granted by
    hand, crm_ticket --grant, are not in the files)."""
    root = _copy(GEO, tmp_path)
    edit_site(
        root,
        "pra*/" + CIB,
        'ticket="ticket-web" loss-policy="fence"',
        'ticket="ticketweb" loss-policy="fence"',
    )
    assert site_found(root) == {
        ("CB042", f"pra1/{CIB}", "warning"),
        ("XN003", "pra1/etc/xen/web.cfg", "error"),
    }
    for conf in root.glob("*/etc/booth/booth.conf"):
        conf.unlink()
    assert site_found(root, select="CB042") == set()


def _proxied(root: Path, outside_pra: str) -> None:
    """web-geo through DRBD Proxy: DRBD connects to the proxy on loopback, the proxy
    binds ``outside`` towards the other site (pra's at ``outside_pra``)."""
    for site, address, outside in (
        ("pra", "10.93.1.200", outside_pra),
        ("brn", "10.93.2.200", "10.93.2.200"),
    ):
        edit_site(
            root,
            "*/etc/drbd.d/web.res",
            f"\t\taddress {address}:7790;\n",
            "\t\taddress 127.0.0.1:7790;\n"
            f"\t\tproxy on {site}1 {site}2 {{\n"
            "\t\t\tinside 127.0.0.1:7791;\n"
            f"\t\t\toutside {outside}:7792;\n"
            "\t\t}\n",
        )
    edit_site(
        root,
        "*/etc/drbd.d/web.res",
        "\tnet {\n\t\tprotocol A;\n\t}\n",
        "\tnet {\n\t\tprotocol A;\n\t}\n\tproxy {\n\t\tmemlimit 512M;\n\t}\n",
    )


def test_geo_stacked_through_drbd_proxy(tmp_path: Path) -> None:
    """web-geo through DRBD Proxy (``address 127.0.0.1:7790`` and ``proxy on pra1
    pra2 { inside 127.0.0.1:7791; outside 10.93.1.200:7792; }``, peer-drbdadm --mode
    84 --node pra1: OK): nothing, true (any node binds loopback; the proxy binds the
    site address ip-geo moves). Lint called it DR040, an error on all four nodes
    ("listens on 127.0.0.1, which no IPaddr ... moves"). The proxy's outside on an
    address nothing moves (10.93.1.201): DR040 on pra1 and pra2, true (the proxy
    cannot bind it on the node that runs web-geo)."""
    root = _copy(GEO, tmp_path)
    _proxied(root, "10.93.1.200")
    assert site_found(root) == set()
    root = _copy(GEO, tmp_path / "b")
    _proxied(root, "10.93.1.201")
    assert site_found(root) == {
        ("DR040", f"{n}/etc/drbd.d/web.res", "error") for n in ("pra1", "pra2")
    }


def test_geo_booth_site_address_not_owned(tmp_path: Path) -> None:
    """pra's booth group moving 10.93.1.110 while booth.conf's sites are 10.93.1.100
    and 10.93.2.100: CB043 on pra1's CIB, true (boothd daemon finds none of its
    addresses among the sites, booth src/transport.c ``_find_myself`` matching a
    daemon's exactly, logs "Cannot find myself in the configuration." and exits,
    src/main.c ``do_server``: pra never takes part in ticket-web's election). The
    tree as written (10.93.1.100 in the group): nothing."""
    root = _copy(GEO, tmp_path)
    assert site_found(root, select="CB043") == set()
    edit_site(root, "pra*/" + CIB, 'name="ip" value="10.93.1.100"', 'name="ip" value="10.93.1.110"')
    assert site_found(root) == {("CB043", f"pra1/{CIB}", "error")}


def test_geo_booth_site_address_in_another_spelling(tmp_path: Path) -> None:
    """An IPv6 site written ``fd93:1::0100`` in booth.conf and ``fd93:1::100`` in the
    booth group's IPaddr2: nothing, true (boothd compares the addresses themselves,
    transport.c ``_find_myself`` after inet_pton). CB043 compared the strings and
    called it an error; with the group moving fd93:1::110 it stays one."""
    root = _copy(GEO, tmp_path)
    edit_site(root, "*/etc/booth/booth.conf", "site = 10.93.1.100", "site = fd93:1::0100")
    edit_site(root, "pra*/" + CIB, 'name="ip" value="10.93.1.100"', 'name="ip" value="fd93:1::100"')
    assert site_found(root, select="CB043") == set()
    edit_site(root, "pra*/" + CIB, 'name="ip" value="fd93:1::100"', 'name="ip" value="fd93:1::110"')
    assert site_found(root, select="CB043") == {("CB043", f"pra1/{CIB}", "error")}


def test_sles12_libvirt_guests_on_boot(tmp_path: Path) -> None:
    """libvirt-guests enabled (multi-user.target.wants) with the tree's ON_BOOT=ignore:
    nothing, true (its start then starts no guest, tools/libvirt-guests.sh.in). With
    ON_BOOT=start, the script's default: XN019 on both CIBs, true (its stop saves or
    shuts down the running guests, web and db included, and its start starts them
    again at boot, whether or not Pacemaker has moved them: libvirt's ``start`` runs
    ``virsh start`` for every guest listed at shutdown)."""
    root = _copy(SLES12, tmp_path)
    for n in ("vh1", "vh2"):
        os.symlink(
            "/usr/lib/systemd/system/libvirt-guests.service",
            root / n / "etc/systemd/system/multi-user.target.wants/libvirt-guests.service",
        )
    assert site_found(root) == set()
    edit_site(root, "*/etc/sysconfig/libvirt-guests", "ON_BOOT=ignore", "ON_BOOT=start")
    assert site_found(root) == {("XN019", f"{n}/{CIB}", "warning") for n in ("vh1", "vh2")}
