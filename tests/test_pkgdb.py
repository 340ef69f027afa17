"""Package databases that are folders (Gentoo's /var/db/pkg, Arch's
/var/lib/pacman/local), and the Xen packages of each distribution
(xencfg.installed).

Formats read, from their sources:

* Portage's vdb: ``var/db/pkg/CATEGORY/PF``, PF = PN-PV; PMS (projects.gentoo.org/pms)
  3.1.1 category names ``[A-Za-z0-9+_.-]``, 3.1.2 package names ``[A-Za-z0-9+_-]``,
  not starting with "-" or "+", "must not end in a hyphen followed by anything
  matching the version syntax described in section 3.2"; 3.2 a version is
  ``[0-9]+(\\.[0-9]+)*``, an optional letter, suffixes ``_alpha _beta _pre _rc _p``
  each with an optional number, an optional ``-rN``.
* pacman's local database: libalpm be_local.c ``_alpm_local_db_pkgpath``
  (``sprintf(pkgpath, "%s%s-%s/%s", dbpath, info->name, info->version, ...)``),
  ``local_db_populate`` splitting each folder's name with ``_alpm_splitname``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.formats.schema import Version
from xencfg.installed import Package, packages, release_of

#: A PV guest whose vif sets ``mtu=``: xl reads it from Xen 4.15 on and older xl
#: drops it (XN020; tools/xl/xl_parse.c, the ``mtu`` key added at RELEASE-4.15.0,
#: docs/rules/XN020.md).
WEB_CFG = """name = "web"
type = "pv"
kernel = "/boot/vmlinuz"
memory = 512
vif = [ "mac=00:16:3e:00:00:01, bridge=xenbr0, mtu=9000" ]
disk = [ "phy:/dev/drbd0,xvda,w" ]
"""

#: The folders of gx1's vdb (unseen9's Gentoo site as its README names it).
GENTOO = (
    "app-emulation/xen-4.14.1-r3",
    "app-emulation/xen-tools-4.14.1",
    "sys-cluster/drbd-utils-9.22.0",
    "sys-cluster/pacemaker-1.1.24",
    "sys-cluster/corosync-2.4.5",
    "sys-fs/lvm2-2.02.187-r2",
    "sys-fs/multipath-tools-0.8.4",
    "sys-block/open-iscsi-2.1.4_p1",
    "sys-apps/openrc-0.42.1",  # no component
)


def _node(root: Path, db: str, folders: tuple[str, ...]) -> Path:
    """A node tree with an xl domU config and the package database ``db``
    holding ``folders`` (each with one file, as the real ones have many)."""
    (root / "etc" / "xen").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("gx1\n")
    (root / "etc" / "xen" / "xl.conf").write_text('autoballoon="off"\n')
    (root / "etc" / "xen" / "web.cfg").write_text(WEB_CFG)
    for folder in folders:
        (root / db / folder).mkdir(parents=True)
        (root / db / folder / "SLOT").write_text("0\n")
    return root


def _releases(root: Path) -> dict[str, tuple[Version, Version | None]]:
    found = (release_of(p) for p in packages(root))
    return {c: (low, below) for c, low, below in filter(None, found)}


def test_gentoo_vdb_names_the_releases(tmp_path: Path) -> None:
    """Each folder's name gives its component's release (the -rN revision and _pN
    patch level left out, as the rpm release and Debian revision are)."""
    got = _releases(_node(tmp_path / "gx1", "var/db/pkg", GENTOO))
    low = {c: str(lo) for c, (lo, _) in got.items()}
    assert low == {
        "xen": "4.14.1",
        "drbd-utils": "9.22.0",
        "pacemaker": "1.1.24",
        "corosync": "2.4.5",
        "lvm2": "2.02.187",
        "multipath-tools": "0.8.4",
        "open-iscsi": "2.1.4",
    }
    assert got["multipath-tools"][1] is None  # backports: a minimum only
    assert got["xen"][1] is not None


@pytest.mark.parametrize(("tools", "dropped"), [("4.14.1", True), ("4.15.0", False)])
def test_gentoo_xen_tools_judges_xl(tmp_path: Path, tools: str, dropped: bool) -> None:
    """app-emulation/xen-tools names the xl that reads web.cfg: 4.14's drops the vif's
    ``mtu=``, 4.15's reads it (XN020). Without it the release was "4.1 or later"."""
    root = _node(tmp_path / "gx1", "var/db/pkg", (f"app-emulation/xen-tools-{tools}",))
    result = lint.run([str(root)], select=["XN020"])
    mtu = [f for f in result.findings if "mtu=9000" in f.message]
    assert bool(mtu) is dropped
    describe = result.cluster.versions.describe()["xen"]
    assert describe.startswith(f"Xen {tools}, inferred from 'app-emulation/xen-tools {tools}' at ")
    assert describe.endswith(f"var/db/pkg/app-emulation/xen-tools-{tools}")  # no ":0"


def test_arch_pacman_local(tmp_path: Path) -> None:
    """pacman's folders NAME-PKGVER-PKGREL, an epoch kept in the name (``1:``)."""
    folders = ("xen-4.17.2-1", "drbd-utils-9.25.0-1", "lvm2-1:2.03.22-1", "corosync-3.1.7-2")
    root = _node(tmp_path / "ar1", "var/lib/pacman/local", folders)
    (root / "var/lib/pacman/local/ALPM_DB_VERSION").write_text("9\n")
    low = {c: str(lo) for c, (lo, _) in _releases(root).items()}
    assert low == {"xen": "4.17.2", "drbd-utils": "9.25.0", "lvm2": "2.03.22", "corosync": "3.1.7"}


def test_a_list_wins_over_the_folders(tmp_path: Path) -> None:
    """A node with dpkg's status and a stray vdb: the list is read, as before."""
    root = _node(tmp_path / "n", "var/db/pkg", ("app-emulation/xen-tools-4.14.1",))
    status = "Package: xen-utils-4.17\nStatus: install ok installed\nVersion: 4.17.1+2-1\n"
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text(status)
    assert [p.name for p in packages(root)] == ["xen-utils-4.17"]


def test_hostile_folders(tmp_path: Path) -> None:
    """Odd names, files, links out of the tree and undecodable bytes: skipped, no
    traceback; only the well-formed folder counts."""
    root = _node(tmp_path / "n", "var/db/pkg", ("sys-cluster/drbd-8.4.11",))
    vdb = root / "var/db/pkg"
    odd = [
        "-MERGING-corosync-2.4.5",  # Portage's merge in progress (PN starts with "-")
        "corosync",
        "corosync-",
        "corosync-2.4.5-rx",
        "corosync-2.4.5_rc-r",
        "corosync-99999999999999999999.1",
        "pacemaker-" + "1." * 120,  # a version ends in a digit, a letter or -rN
        "+pacemaker-1.1.24",
        "a" * 250 + "-1",
        "corosync-2.4.5\nx",
    ]
    for name in odd:
        (vdb / "sys-cluster" / name).mkdir()
    (vdb / "sys-cluster" / "lvm2-2.02.187").write_text("a file\n")
    os.symlink("/", vdb / "sys-cluster" / "heartbeat-2.1.4")
    os.symlink("/usr", vdb / "sys-fs")
    (vdb / "sys-block").mkdir()
    os.mkdir(os.fsencode(vdb / "sys-block") + b"/open-iscsi-\xff2.0.873")
    got = _releases(root)
    assert {c: str(lo) for c, (lo, _) in got.items()} == {"drbd": "8.4.11"}


def test_database_link_out_of_the_tree(tmp_path: Path) -> None:
    """var/db/pkg linking to the machine's own /var/db/pkg is not read."""
    (tmp_path / "outside" / "app-emulation" / "xen-4.14.1").mkdir(parents=True)
    root = _node(tmp_path / "n", "var/lib", ())
    (root / "var/db").mkdir(parents=True)
    (root / "var/db/pkg").symlink_to(tmp_path / "outside")
    assert packages(root) == []


@pytest.mark.parametrize(
    ("name", "version", "release"),
    [
        # Debian/Ubuntu: the hypervisor and the tools name their release
        ("xen-hypervisor-4.14-amd64", "4.14.5+94-ge49571868d-1", "4.14.5"),
        ("xen-utils-4.11", "4.11.4+107-gef32c7afa2-1", "4.11.4"),
        # SUSE: xen, xen-libs, xen-tools (rpm: Xen's own)
        ("xen", "4.12.1_06-3.9.1", "4.12.1"),
        ("xen-libs", "4.12.1_06-3.9.1", "4.12.1"),
        # xen4centos (CentOS Virt SIG) builds upstream Xen: exactly, though .el7
        ("xen-hypervisor", "4.12.4.93.g4d3a8d8-1.el7", "4.12.4.93"),
        ("xen-runtime", "4.12.4.93.g4d3a8d8-1.el7", "4.12.4.93"),
        ("app-emulation/xen", "4.14.1-r3", "4.14.1"),
    ],
)
def test_xen_packages_name_the_release(name: str, version: str, release: str) -> None:
    found = release_of(Package(name, version, Path("list"), 1))
    assert found is not None
    component, low, below = found
    assert (component, str(low)) == ("xen", release) and below is not None


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("xen-tools", "4.9.2-1"),  # Debian's: xen-create-image, numbered apart
        ("dev-python/xen", "4.14.1"),  # a category xencfg does not read
    ],
)
def test_not_xen(name: str, version: str) -> None:
    assert release_of(Package(name, version, Path("list"), 1)) is None


def test_red_hat_xen_303_a_minimum() -> None:
    """RHEL 5's Xen 3.0.3 carries later code: a minimum, as before."""
    found = release_of(Package("xen", "3.0.3-135.el5", Path("list"), 1))
    assert found is not None and found[1] == Version.parse("3.0.3") and found[2] is None
