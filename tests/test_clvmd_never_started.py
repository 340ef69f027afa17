"""LV004: ``locking_type = 3`` and nothing starts clvmd on the node.

LVM 2.02's lib/locking/locking.c ``init_locking``: locking type 3 that cannot reach
clvmd, with ``fallback_to_local_locking`` on (its default), logs "WARNING: Falling back
to local file-based locking." and "Volume Groups with the clustered attribute will be
inaccessible."; without the fallback (and no --ignorelockingfailure) the command
fails. lib/metadata/metadata.c then says "Skipping clustered volume group" for each
clustered VG. The tree is unseen6's CentOS 6 cman cluster (clvmd enabled at boot by
S24clvmd in rc3.d and rc5.d, the passing case); removing those links leaves clvmd to
nothing (RHEL 6's cman init script does not start it).
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found

CENTOS6 = (
    Path(__file__).parent
    / "fixtures"
    / "unseen6"
    / "centos6-cman-fencepcmk-pcs09-drbd84-clvm-gfs2-xm"
)
LVM = "oak1/etc/lvm/lvm.conf"


def _site(tmp: Path, *, boot: bool = True) -> Path:
    root = copy_site(CENTOS6, tmp / "site")
    if not boot:
        for n in "35":  # (glob skips a dangling link: unlinked by name)
            (root / f"oak1/etc/rc.d/rc{n}.d/S24clvmd").unlink()
    return root


def test_clvmd_enabled_at_boot_passes(tmp_path: Path) -> None:
    assert site_found(_site(tmp_path), select="LV004") == set()


def test_clvmd_started_by_nothing_fails(tmp_path: Path) -> None:
    root = _site(tmp_path, boot=False)
    assert site_found(root, select="LV004") == {("LV004", LVM, "warning")}


def test_no_fallback_says_every_command_fails(tmp_path: Path) -> None:
    from xencfg import lint

    root = _site(tmp_path, boot=False)
    edit_site(
        root,
        "oak1/etc/lvm/lvm.conf",
        "fallback_to_local_locking = 1",
        "fallback_to_local_locking = 0",
    )
    [finding] = lint.run([str(root / "oak1"), str(root / "oak2")], select=["LV004"]).findings
    assert "every LVM command fails" in finding.message


def test_silent_on_lvm_203_and_without_boot_evidence(tmp_path: Path) -> None:
    """LVM 2.03 has no clvmd (LV002 and XC004 speak of it); a tree that shows no boot
    links says nothing of what starts (oak2 keeps its links, so it is not read here)."""
    root = _site(tmp_path, boot=False)
    assert site_found(root, {"lvm2": "2.03"}, "LV004") == set()
    for folder in root.glob("oak1/etc/rc.d/rc?.d"):
        for link in folder.iterdir():
            link.unlink()
        folder.rmdir()
    (root / "oak1/etc/rc3.d").unlink()
    assert site_found(root, select="LV004") == set()


def test_a_cib_clvmd_resource_starts_it(tmp_path: Path) -> None:
    """Under Pacemaker clvmd is a cloned resource (ocf:lvm2:clvmd on SUSE,
    ocf:heartbeat:clvm): then it needs no boot link (the tree's CIB, which runs only
    fencing, DRBD and LVM, given one)."""
    root = _site(tmp_path, boot=False)
    clvm = (
        '<clone id="clvmd-clone"><primitive id="clvmd" class="ocf" provider="heartbeat"'
        ' type="clvm"/></clone></resources>'
    )
    edit_site(root, "*/var/lib/pacemaker/cib/cib.xml", "</resources>", clvm)
    assert site_found(root, select="LV004") == set()
