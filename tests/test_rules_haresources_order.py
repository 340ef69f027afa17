"""HB017: a haresources group that uses a DRBD device before promoting it.

heartbeat 1 starts a group's resources left to right (heartbeat's ResourceManager
``takegroup`` runs each ``start`` in the order of the line) and a secondary DRBD device
refuses to open for writing (drbd_main.c ``drbd_open``: ``-EMEDIUMTYPE`` unless primary,
"Wrong medium type"); drbddisk's ``start`` is ``drbdadm primary $RES`` (``all`` without
an argument).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xencfg import lint

DRBD = """resource r0 {
  protocol C;
  on xen1 { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }
  on xen2 { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }
}
resource r1 {
  protocol C;{STARTUP}
  on xen1 { device /dev/drbd1; disk /dev/sda6; address 10.0.0.1:7789; meta-disk internal; }
  on xen2 { device /dev/drbd1; disk /dev/sda6; address 10.0.0.2:7789; meta-disk internal; }
}
"""


def tree(
    tmp_path: Path, line: str, *, crm: bool = False, startup: str = "", domu: str = ""
) -> Path:
    for node in ("xen1", "xen2"):
        etc = tmp_path / node / "etc"
        (etc / "ha.d").mkdir(parents=True)
        hacf = "node xen1 xen2\nbcast eth0\nbcast eth1\nauto_failback off\n"
        (etc / "ha.d/ha.cf").write_text(hacf + ("crm on\n" if crm else ""))
        (etc / "ha.d/authkeys").write_text("auth 1\n1 sha1 a-long-secret-string-here\n")
        os.chmod(etc / "ha.d/authkeys", 0o600)
        (etc / "ha.d/haresources").write_text(line + "\n")
        (etc / "drbd.conf").write_text(DRBD.replace("{STARTUP}", startup))
        if domu:
            (etc / "xen/vm").mkdir(parents=True)
            (etc / "xen/vm/web").write_text(domu)
    return tmp_path


def hb017(root: Path) -> list[str]:
    found = lint.run([str(root / "xen1"), str(root / "xen2")], select=["HB017"]).findings
    return sorted({f.message.split(": the start")[0] for f in found})


FS0 = "Filesystem::/dev/drbd0::/srv::ext3"


def test_filesystem_before_drbddisk(tmp_path: Path) -> None:
    assert hb017(tree(tmp_path, f"xen1 IPaddr::10.0.0.50 {FS0} drbddisk::r0")) == [
        f"'{FS0}' opens /dev/drbd0 of DRBD resource 'r0' but drbddisk::r0 comes after it"
        " (heartbeat starts a group left to right)"
    ]


def test_no_drbddisk_at_all(tmp_path: Path) -> None:
    assert hb017(tree(tmp_path, f"xen1 {FS0}")) == [
        f"'{FS0}' opens /dev/drbd0 of DRBD resource 'r0' but nothing in the group makes"
        " 'r0' primary"
    ]


@pytest.mark.parametrize(
    "line",
    [
        f"xen1 drbddisk::r0 {FS0} IPaddr::10.0.0.50",
        f"xen1 drbddisk {FS0}",  # no argument: drbdadm primary all
        "xen1 drbddisk::r0 Filesystem::/dev/drbd/by-res/r0::/srv::ext3",
        "xen1 Filesystem::/dev/sdb1::/srv::ext3",  # no DRBD device
        "xen1 Filesystem::/dev/drbd7::/srv::ext3",  # a minor no resource has
    ],
    ids=["ordered", "drbddisk-all", "by-res", "not-drbd", "unknown-minor"],
)
def test_groups_that_work(tmp_path: Path, line: str) -> None:
    assert hb017(tree(tmp_path, line)) == []


def test_by_res_path_is_read(tmp_path: Path) -> None:
    found = hb017(tree(tmp_path, "xen1 Filesystem::/dev/drbd/by-res/r0::/srv::ext3"))
    assert [m.split(" but ")[0] for m in found] == [
        "'Filesystem::/dev/drbd/by-res/r0::/srv::ext3' opens /dev/drbd/by-res/r0 of DRBD"
        " resource 'r0'"
    ]


def test_crm_on_reads_no_haresources(tmp_path: Path) -> None:
    assert hb017(tree(tmp_path, f"xen1 {FS0}", crm=True)) == []


def test_primary_everywhere_by_the_init_script(tmp_path: Path) -> None:
    """``become-primary-on both`` with two primaries: the init script promotes r1 on
    both nodes at boot and nothing demotes it."""
    both = "\n  startup { become-primary-on both; }\n  net { allow-two-primaries; }"
    line = "xen1 Filesystem::/dev/drbd1::/srv::ocfs2"
    assert hb017(tree(tmp_path, line, startup=both)) == []
    one = "\n  startup { become-primary-on xen1; }"
    assert len(hb017(tree(tmp_path / "one", line, startup=one))) == 1


def test_xen_guest_on_a_drbd_device(tmp_path: Path) -> None:
    """A Xen:: guest whose config opens /dev/drbd1 with phy: needs drbddisk::r1 first;
    a ``drbd:r1`` disk's block-drbd script promotes r1 itself."""
    phy = 'name = "web"\nkernel = "/boot/vmlinuz"\ndisk = ["phy:/dev/drbd1,xvda,w"]\n'
    line = "xen1 Xen::/etc/xen/vm/web"
    assert hb017(tree(tmp_path, line, domu=phy)) == [
        "'Xen::/etc/xen/vm/web' opens /dev/drbd1 of DRBD resource 'r1' but nothing in the"
        " group makes 'r1' primary"
    ]
    own = phy.replace("phy:/dev/drbd1", "drbd:r1")
    assert hb017(tree(tmp_path / "own", line, domu=own)) == []
    assert hb017(tree(tmp_path / "ok", f"xen1 drbddisk::r1 {line[5:]}", domu=phy)) == []


def test_promoted_by_another_group_of_the_same_node(tmp_path: Path) -> None:
    """Two groups with one preferred node start there together and fail over together:
    the second's use of r0 meets the primary the first made (a LUN on the device the
    first mounts is IS040's concern). A group preferring the other node is told."""
    first = f"xen1 drbddisk::r0 {FS0}"
    assert hb017(tree(tmp_path, f"{first}\nxen1 Filesystem::/dev/drbd0::/mnt::ext3")) == []
    other = tree(tmp_path / "other", f"{first}\nxen2 Filesystem::/dev/drbd0::/mnt::ext3")
    assert hb017(other) == [
        "'Filesystem::/dev/drbd0::/mnt::ext3' opens /dev/drbd0 of DRBD resource 'r0' but"
        " nothing in the group makes 'r0' primary"
    ]
