"""Lint truth on whole clusters built the way public HOWTOs built them (session topo5),
and the two rules they called for: a CIB fence with no handler to lift it (DR041) and
a LUN on the device the box itself mounts (IS040).

Each case under tests/fixtures/topo5/CASE/ (its README.md names the guide, says what
each variant is and which peer checked each file) has ``tutorial`` (as the guide has
the admin write it), ``good`` (what a careful admin has) and ``bad`` (one hazard
planted in ``good``). Each is pinned to its exact findings (code, file, line,
severity), each judged true here; edited copies (``tmp_path``) show each new rule can
fail and pass, and where it keeps silent on purpose.

Guides: "Installation And Setup Guide For DRBD, OpenAIS, Pacemaker + Xen On OpenSUSE
11.1" (LINBIT, howtoforge.com); "Heartbeat2 Xen cluster with drbd8 and OCFS2"
(ubuntugeek.com); Ubuntu's "HighlyAvailableiSCSITarget" (help.ubuntu.com/community)
with "How to set up an iSCSI backed Xen server" (wiki.linuxservertech.com).

Peers (/work/shared/oracle/peers): peer-drbdadm --mode 83 --node N for every
drbd.conf (the 8.0 tree too: the closest parser), peer-heartbeat --node N (interfaces
set to lo), peer-crm-verify for the Pacemaker 1.0 CIB, ``xmllint --dtdvalid
crm-2.1.3-devtree.dtd`` for the heartbeat-2 CIB (crm_verify 2.1.5 cannot read
``<attributes>``), peer-o2cb, peer-iscsiadm and peer-augeas Iscsid.lns, peer-xm-python.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from xencfg import lint
from xencfg.formats.schema import Version

TOPO5 = FIXTURES / "topo5"
SUSE = "suse111-openais-pcmk10-drbd83-fence-xen"
GUTSY = "gutsy-hb2-crm-drbd8-dual-ocfs2-xen"
JAUNTY = "jaunty-iet-drbd-pair-three-xen-dom0s"
#: the DRBD each tree runs (its README): openSUSE 11.1 and Jaunty 8.3, gutsy 8.0
DRBD = {SUSE: "8.3", GUTSY: "8.0", JAUNTY: "8.3"}


def _lint(case: str, root: Path, select: list[str] | None = None) -> lint.LintResult:
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    versions = {"drbd": Version.parse(DRBD[case])}
    return lint.run(nodes, select=select or (), versions=versions)


def _found(result: lint.LintResult, root: Path) -> list[tuple[str, str, int, str]]:
    """(code, path below the variant folder, line, severity), sorted."""
    assert not [f for f in result.findings if f.code in ("XC001", "XC006")]
    out = []
    for f in result.findings:
        rel = Path(f.path).absolute().relative_to(root.absolute())
        out.append((f.code, str(rel), f.line, f.severity))
    return sorted(out)


def _run(case: str, variant: str) -> list[tuple[str, str, int, str]]:
    root = TOPO5 / case / variant
    return _found(_lint(case, root), root)


def _copy(case: str, variant: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(TOPO5 / case / variant, root, symlinks=True)
    for keys in root.glob("*/etc/ha.d/authkeys"):
        keys.chmod(0o600)  # (git keeps 0644; out of the checkout the mode counts: HB006)
    return root


# -- openSUSE 11.1, openais + Pacemaker 1.0 + DRBD 8.3 resource fencing: DR041 ---------


def test_suse_tutorial_is_only_the_random_mac() -> None:
    """The guide's tree: drbdadm-83 and crm_verify take it; only XN010 (xm draws a new
    MAC for a vif without one on every start). ``syncer``/``rate`` are the only
    spelling DRBD 8.3 knows: no XC004 under the declared 8.3."""
    assert _run(SUSE, "tutorial") == [("XN010", "kiln1/xen/debian.cfg", 7, "warning")]


def test_suse_good_is_clean() -> None:
    assert _run(SUSE, "good") == []


def test_suse_bad_is_dr041_on_both_nodes() -> None:
    """``after-resync-target crm-unfence-peer.sh`` left out: lint said nothing."""
    assert _run(SUSE, "bad") == [
        ("DR041", "kiln1/etc/drbd.conf", 13, "error"),
        ("DR041", "kiln2/etc/drbd.conf", 13, "error"),
    ]


def test_crm_fence_peer_only_unfences_under_its_unfence_name() -> None:
    """The source DR041 rests on: drbd-utils installs crm-unfence-peer.sh as a link to
    crm-fence-peer.sh, which removes its ``drbd-fence-by-handler`` constraint only when
    called by that name (scripts/crm-fence-peer.sh, ``case $PROG in ...
    crm-unfence-peer.sh) if drbd_peer_fencing unfence``)."""
    script = Path("/usr/lib/drbd/crm-fence-peer.sh")
    if not script.is_file():
        pytest.skip("drbd-utils not installed")
    text = script.read_text()
    assert 'id_prefix:="drbd-fence-by-handler"' in text
    (_, tail) = text.split("    crm-unfence-peer.sh)", 1)
    assert tail.lstrip().startswith("if drbd_peer_fencing unfence; then")


def _handlers(root: Path, old: str, new: str) -> None:
    for n in ("kiln1", "kiln2"):
        conf = root / n / "etc" / "drbd.conf"
        text = conf.read_text()
        assert old in text
        conf.write_text(text.replace(old, new))


def test_dr041_passes_and_fails(tmp_path: Path) -> None:
    """DRBD 9's ``unfence-peer`` handler lifts the constraint too; a fence-peer that is
    not the CIB's (heartbeat's dopd outdater) places none; an after-resync-target that
    runs something else (an LVM snapshot's cleanup) does not lift it."""
    root = _copy(SUSE, "bad", tmp_path)
    fence = '\t\tfence-peer "/usr/lib/drbd/crm-fence-peer.sh";\n'
    _handlers(root, fence, fence + '\t\tunfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh";\n')
    assert _lint(SUSE, root, ["DR041"]).findings == []
    _handlers(
        root,
        '\t\tunfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh";\n',
        '\t\tafter-resync-target "/usr/lib/drbd/unsnapshot-resync-target-lvm.sh";\n',
    )
    said = [f.message for f in _lint(SUSE, root, ["DR041"]).findings]
    assert (
        said
        == [
            "resource 'r0' fences its peer with /usr/lib/drbd/crm-fence-peer.sh but no "
            "after-resync-target (or unfence-peer) handler runs crm-unfence-peer.sh: the "
            "constraint it places in the CIB stays after the resync and the peer can never "
            "be promoted"
        ]
        * 2
    )
    _handlers(root, "/usr/lib/drbd/crm-fence-peer.sh", "/usr/lib/heartbeat/drbd-peer-outdater -t 5")
    assert _lint(SUSE, root, ["DR041"]).findings == []


# -- Ubuntu 7.10, heartbeat 2 CRM + dual-primary DRBD 8.0 + OCFS2 --------------------


def test_gutsy_tutorial_findings_are_the_guides_real_gaps() -> None:
    """STONITH off while both nodes write one dual-primary DRBD (CB006, error: the
    DRBD guide's dual-primary chapter asks for fencing), no DRBD fencing (DR011), one
    bcast path (HB003), auto_failback under ``crm yes`` (HB011: the CRM ignores it).
    heartbeat, drbdadm-83, o2cb and the crm-2.1.3 DTD accept every file."""
    assert _run(GUTSY, "tutorial") == [
        ("CB006", "quay1/var/lib/heartbeat/crm/cib.xml", 8, "error"),
        ("DR011", "quay1/etc/drbd.conf", 6, "warning"),
        ("DR011", "quay2/etc/drbd.conf", 6, "warning"),
        ("HB003", "quay1/etc/ha.d/ha.cf", 8, "warning"),
        ("HB003", "quay2/etc/ha.d/ha.cf", 8, "warning"),
        ("HB011", "quay1/etc/ha.d/ha.cf", 9, "warning"),
        ("HB011", "quay2/etc/ha.d/ha.cf", 9, "warning"),
    ]


def test_gutsy_good_has_no_error() -> None:
    """Only CB009 (the IPMI passwords in the CIB) and CB014 (hb_gui's
    provider="heartbeat" on stonith primitives, which the CRM ignores)."""
    assert _run(GUTSY, "good") == [
        ("CB009", "quay1/var/lib/heartbeat/crm/cib.xml", 24, "warning"),
        ("CB009", "quay1/var/lib/heartbeat/crm/cib.xml", 38, "warning"),
        ("CB014", "quay1/var/lib/heartbeat/crm/cib.xml", 18, "info"),
        ("CB014", "quay1/var/lib/heartbeat/crm/cib.xml", 32, "info"),
    ]


def test_gutsy_bad_fqdn_node_names_are_hb002() -> None:
    """ha.cf names the nodes by FQDN while ``uname -n`` is the short name:
    peer-heartbeat --node quay1 says "ERROR: Current node [quay1] not in
    configuration!" and heartbeat does not start (HB002 on each node). DRBD's ``on``
    sections, cluster.conf and the CIB keep the short names, which ha.cf no longer
    declares: HB001, the same mistake seen from each of them."""
    good = _run(GUTSY, "good")
    assert sorted(set(_run(GUTSY, "bad")) - set(good)) == [
        ("HB001", "quay1/etc/drbd.conf", 35, "error"),
        ("HB001", "quay1/etc/ocfs2/cluster.conf", 1, "error"),
        ("HB001", "quay1/var/lib/heartbeat/crm/cib.xml", 14, "error"),
        ("HB001", "quay2/etc/drbd.conf", 35, "error"),
        ("HB001", "quay2/etc/ocfs2/cluster.conf", 1, "error"),
        ("HB002", "quay1/etc/ha.d/ha.cf", 10, "error"),
        ("HB002", "quay2/etc/ha.d/ha.cf", 10, "error"),
    ]
    assert set(good) <= set(_run(GUTSY, "bad"))


# -- Jaunty IET pair on DRBD (heartbeat v1) serving three xm dom0s: IS040 -------------


def test_jaunty_tutorial_findings() -> None:
    """``outdate-peer`` is 8.3's old spelling (drbdadm-83's dump prints fence-peer);
    the guide sets that handler but no ``fencing``, so DRBD never calls it (DR042, new:
    drbd.conf(5) 8.3, "dont-care: This is the default policy. No fencing actions are
    taken."); the target admits every initiator; the guide's ha.cf has no
    ``auto_failback`` (HB015: heartbeat runs the deprecated legacy mode). stor2's
    /etc/ietd.conf dangles (it points into the config filesystem, mounted on the
    active box only): lint reads
    what exists and says nothing of it, so IS013 has one box's ids only."""
    assert _run(JAUNTY, "tutorial") == [
        ("DR042", "stor1/etc/drbd.conf", 40, "warning"),
        ("DR042", "stor1/etc/drbd.conf", 55, "warning"),
        ("DR042", "stor2/etc/drbd.conf", 40, "warning"),
        ("DR042", "stor2/etc/drbd.conf", 55, "warning"),
        ("HB015", "stor1/etc/ha.d/ha.cf", 9, "warning"),
        ("HB015", "stor2/etc/ha.d/ha.cf", 9, "warning"),
        ("IS007", "stor1/etc/ietd.conf", 1, "warning"),
        ("XC004", "stor1/etc/drbd.conf", 13, "warning"),
        ("XC004", "stor2/etc/drbd.conf", 13, "warning"),
    ]
    assert (TOPO5 / JAUNTY / "tutorial" / "stor2" / "etc" / "ietd.conf").is_symlink()


def test_jaunty_good_is_clean() -> None:
    """Nothing across the two separate clusters: the storage pair's heartbeat names
    stor1/stor2 only, the dom0s run no cluster manager (no HB001 across them)."""
    assert _run(JAUNTY, "good") == []


def test_jaunty_bad_is_is040_on_each_box() -> None:
    """``Lun 0 Path=/dev/drbd0``, the config filesystem haresources mounts: IET's
    blockio_open_path opens with FMODE_EXCL, ietd refuses the LUN ("Can't open device
    /dev/drbd0, error -16"). Lint said nothing."""
    assert _run(JAUNTY, "bad") == [
        ("IS040", "stor1/etc/ietd.conf", 2, "error"),
        ("IS040", "stor2/etc/ietd.conf", 2, "error"),
    ]


def test_is040_from_the_cib_and_only_on_the_mounting_box(tmp_path: Path) -> None:
    """A Pacemaker Filesystem primitive mounts as haresources does; a LUN on a device
    only another box mounts is not judged here (each box's own cluster manager)."""
    root = _copy(JAUNTY, "bad", tmp_path)
    (root / "stor2" / "etc" / "ha.d" / "haresources").unlink()
    found = [(f.code, Path(f.path).parts[-3]) for f in _lint(JAUNTY, root, ["IS040"]).findings]
    assert found == [("IS040", "stor1")]
    crm = root / "stor2" / "var" / "lib" / "heartbeat" / "crm"
    crm.mkdir(parents=True)
    (crm / "cib.xml").write_text(
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/>'
        '<resources><primitive id="fs-conf" class="ocf" provider="heartbeat" '
        'type="Filesystem"><instance_attributes id="fs-conf-ia">'
        '<nvpair id="fs-conf-dev" name="device" value="/dev/drbd0"/>'
        '<nvpair id="fs-conf-dir" name="directory" value="/srv/iscsi.config"/>'
        '<nvpair id="fs-conf-type" name="fstype" value="ext3"/>'
        "</instance_attributes></primitive></resources><constraints/>"
        "</configuration><status/></cib>\n"
    )
    said = [f.message for f in _lint(JAUNTY, root, ["IS040"]).findings]
    assert len(said) == 2
    assert "which stor2's cluster manager mounts at /srv/iscsi.config" in said[1]
    for box in ("stor1", "stor2"):
        ietd = root / box / "etc" / "ietd.conf"
        ietd.write_text(ietd.read_text().replace("/dev/drbd0", "/dev/drbd1"))
    assert _lint(JAUNTY, root, ["IS040"]).findings == []


def test_is019_reads_a_domu_disk_named_through_one_box(tmp_path: Path) -> None:
    """linuxservertech's dom0s name each guest's disk by udev's path_id link, which
    carries the portal: ``/dev/disk/by-path/ip-ADDR:3260-iscsi-IQN-lun-0-partN``.
    Spelled through stor1's own address (discovery against the box, not the floating
    one) the link lives only while a session to stor1 is logged in: at the failover
    to stor2 the guest loses its disk. IS019 read only open-iscsi's node records; it
    now reads the dom0's domU disks too. Through the floating address: nothing."""
    root = _copy(JAUNTY, "good", tmp_path)
    cfg = root / "xen3" / "etc" / "xen" / "iscsi_configs" / "mail.cfg"
    cfg.write_text(cfg.read_text().replace("ip-10.50.1.10:3260", "ip-10.50.1.11:3260"))
    found = _lint(JAUNTY, root)
    assert _found(found, root) == [("IS019", "xen3/etc/xen/iscsi_configs/mail.cfg", 7, "warning")]
    (f,) = found.findings
    assert f.message.startswith(
        "domU 'mail' on xen3 opens iqn.2009-05.net.example:storage.lun0 through 10.50.1.11,"
        " stor1's own address"
    )
    assert "after a failover to stor2 no session reaches that portal" in f.message
    cfg.write_text(cfg.read_text().replace("ip-10.50.1.11:3260", "ip-10.50.1.10:3260"))
    assert _lint(JAUNTY, root, ["IS019"]).findings == []


def test_dr042_fails_and_passes(tmp_path: Path) -> None:
    """The 8.3 man page's policy text is what DR042 rests on; a fencing policy in the
    resource's own ``disk`` (over ``common``'s default) silences it for that resource
    only; DRBD 9 writes the policy in ``net``."""
    page = Path("/usr/share/man/man5/drbd.conf-8.3.5.gz")
    if page.is_file():
        import gzip

        roff = gzip.decompress(page.read_bytes()).decode(errors="replace")
        text = re.sub(r"\\f.|\\&", "", roff)
        assert "This is the default policy. No fencing actions are taken." in text
    root = _copy(JAUNTY, "tutorial", tmp_path)
    for box in ("stor1", "stor2"):
        conf = root / box / "etc" / "drbd.conf"
        text = conf.read_text().replace(
            "resource iscsi.target.0 {\n",
            "resource iscsi.target.0 {\n\tdisk {\n\t\tfencing resource-only;\n\t}\n",
        )
        conf.write_text(text)
    said = [f.message for f in _lint(JAUNTY, root, ["DR042"]).findings]
    assert (
        said
        == [
            "resource 'iscsi.config' has a outdate-peer handler (/usr/lib/heartbeat/"
            "drbd-peer-outdater -t 5) but fencing dont-care (the default): DRBD never calls "
            "it, a peer cut off keeps its stale disk and can be promoted"
        ]
        * 2
    )
    for box in ("stor1", "stor2"):
        conf = root / box / "etc" / "drbd.conf"
        conf.write_text(
            conf.read_text().replace("\tnet {\n", "\tnet {\n\t\tfencing resource-only;\n", 1)
        )
    assert _lint(JAUNTY, root, ["DR042"]).findings == []


def test_openais_conf_is_read_and_judged_as_openais(tmp_path: Path) -> None:
    """SLES 11 / openSUSE 11.1 keep openais 0.80's totem in /etc/ais/openais.conf; lint
    did not read it (the tree's messaging layer was invisible). It reads it now as a
    corosync-style file, but without corosync's later timeout checks: openais's own
    defaults (exec/totemconfig.c, TOKEN_TIMEOUT 1000, CONSENSUS_TIMEOUT 800) are below
    corosync's 1.2 x token, and the guide's token 5000 / consensus 2500 starts. The same
    text as a corosync.conf gets CS002 (corosync.conf(5)'s minimum)."""
    root = TOPO5 / SUSE / "tutorial"
    result = _lint(SUSE, root)
    read = {f.path.absolute().relative_to(root.absolute()).as_posix() for f in result.files}
    assert "kiln1/etc/ais/openais.conf" in read
    assert not [f for f in result.findings if f.code.startswith("CS")]
    copy = _copy(SUSE, "tutorial", tmp_path)
    for n in ("kiln1", "kiln2"):
        (copy / n / "etc" / "corosync").mkdir()
        (copy / n / "etc" / "ais" / "openais.conf").rename(
            copy / n / "etc" / "corosync" / "corosync.conf"
        )
    assert [(c, p, line) for c, p, line, _ in _found(_lint(SUSE, copy, ["CS002"]), copy)] == [
        ("CS002", "kiln1/etc/corosync/corosync.conf", 18),
        ("CS002", "kiln2/etc/corosync/corosync.conf", 18),
    ]
