"""A node's distribution release, read from its release files (xencfg.distro), proves the
component releases that distribution release shipped, as minimums.

Where the files come from: systemd's os-release(5) (``ID``, ``VERSION_ID``), Ubuntu's
/etc/lsb-release (``DISTRIB_ID``, ``DISTRIB_RELEASE``), SLES 10/11's /etc/SuSE-release
(``VERSION = 11``, ``PATCHLEVEL = 4``), Red Hat's /etc/redhat-release, and a
supportconfig's basic-environment.txt, which copies /etc/SuSE-release and /etc/os-release
as ``Configuration File`` sections (tests/fixtures/live-captures/scc-sles11sp4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint
from xencfg.distro import SHIPPED, release
from xencfg.formats.schema import Version

FIXTURES = Path(__file__).parent / "fixtures"

#: A CIB that declares pacemaker-1.1, a schema Pacemaker 2.0.0 dropped (xml/Makefile.am of
#: Pacemaker-2.0.0 lists no pacemaker-1.1 rng; versions.PACEMAKER_SCHEMA_SINCE): Pacemaker
#: 2.x refuses the whole CIB (CB031).
CIB_11 = """<cib validate-with="pacemaker-1.1" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="alpha"/></nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""

OS_RELEASE_JAMMY = """PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
ID=ubuntu
ID_LIKE=debian
"""

LSB_XENIAL = """DISTRIB_ID=Ubuntu
DISTRIB_RELEASE=16.04
DISTRIB_CODENAME=xenial
DISTRIB_DESCRIPTION="Ubuntu 16.04.7 LTS"
"""


SUSE_11_SP4 = "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n"


def _node(root: Path, files: dict[str, str]) -> Path:
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("alpha\n")
    cib = root / "var" / "lib" / "pacemaker" / "cib"
    cib.mkdir(parents=True)
    (cib / "cib.xml").write_text(CIB_11)
    for rel, text in files.items():
        (root / "etc" / rel).write_text(text)
    return root


def _cb031(result: lint.LintResult) -> list[str]:
    return [f.severity for f in result.findings if f.code == "CB031"]


def test_ubuntu_2204_os_release_proves_pacemaker_2(tmp_path: Path) -> None:
    """Ubuntu 22.04 shipped Pacemaker 2.1.2 (packages.ubuntu.com/jammy/libpacemaker1
    "2.1.2-1ubuntu3"; updates keep 2.1.2, only newer from other repositories): every
    build it shipped has no pacemaker-1.1 schema, so CB031 says the CIB is refused."""
    root = _node(tmp_path / "alpha", {"os-release": OS_RELEASE_JAMMY})
    result = lint.run([str(root)], select=["CB031"])
    assert _cb031(result) == ["error"]
    found = result.cluster.versions.of("pacemaker", "alpha")
    assert found.at_least(Version.parse("2.1.2"))
    assert "Ubuntu 22.04's pacemaker 2.1.2 ('VERSION_ID=\"22.04\"' at " in found.source
    assert "os-release:3" in found.source


def test_ubuntu_1604_lsb_release_proves_no_pacemaker(tmp_path: Path) -> None:
    """Ubuntu 16.04 (lsb-release) is read, but its row names no Pacemaker (none was
    sourced; multipath-tools and heartbeat were): the CIB's own range stays, and no
    CB031 is claimed."""
    root = _node(tmp_path / "alpha", {"lsb-release": LSB_XENIAL, "debian_version": "stretch/sid\n"})
    found = release(root, root / "etc")
    assert found is not None and (found.family, found.parts) == ("ubuntu", (16, 4))
    assert found.name == "Ubuntu 16.04" and found.line == 2
    result = lint.run([str(root)], select=["CB031"])
    assert _cb031(result) == []
    assert "Ubuntu" not in result.cluster.versions.of("pacemaker", "alpha").source


def test_package_list_wins_over_os_release(tmp_path: Path) -> None:
    """A dpkg status that lists pacemaker 1.1.14 (a node restored from xenial) names the
    release: the os-release minimum does not apply, no CB031 error."""
    root = _node(tmp_path / "alpha", {"os-release": OS_RELEASE_JAMMY})
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    status = "Package: pacemaker\nStatus: install ok installed\nVersion: 1.1.14-2ubuntu1\n"
    (root / "var" / "lib" / "dpkg" / "status").write_text(status)
    result = lint.run([str(root)], select=["CB031"])
    assert _cb031(result) == []


def test_centos_7_os_release_proves_lvm_202(tmp_path: Path) -> None:
    """A CentOS 7 tree with os-release only (no redhat-release) is the Red Hat family's
    7: LVM 2.02 (RHEL 7.9's lvm2 2.02.187; RHEL 8.0 brought 2.03.02), as the release
    file said before; CentOS 8 proves 2.03 or later instead (no clvmd, no lvmetad:
    "Considerations in adopting RHEL 8", 12.3.1 and 12.3.2)."""
    root = tmp_path / "c7"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('NAME="CentOS Linux"\nID="centos"\nVERSION_ID="7"\n')
    result = lint.run([str(root)], select=["XC004"])
    lvm = result.cluster.versions.of("lvm2", "c7")
    assert lvm.older_than(Version.parse("2.03")) and "Red Hat 7's lvm2 2.02" in lvm.source
    (root / "etc" / "os-release").write_text('ID="centos"\nVERSION_ID="8"\n')
    result = lint.run([str(root)], select=["XC004"])
    lvm = result.cluster.versions.of("lvm2", "c7")
    assert lvm.at_least(Version.parse("2.03")) and "Red Hat 8's lvm2 2.03" in lvm.source


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"SuSE-release": SUSE_11_SP4},
            ("sles", (11, 4), "SLES 11 SP4", 2),
        ),
        (
            {"os-release": 'NAME="SLES"\nVERSION_ID="15.4"\nID="sles"\n'},
            ("sles", (15, 4), "SLES 15 SP4", 2),
        ),
        ({"os-release": 'ID="rocky"\nVERSION_ID="9.3"\n'}, ("rhel", (9,), "Red Hat 9", 2)),
        ({"redhat-release": "CentOS release 6.10 (Final)\n"}, ("rhel", (6,), "Red Hat 6", 1)),
        ({"debian_version": "9.13\n"}, ("debian", (9,), "Debian 9", 1)),
        (
            {"os-release": 'ID=debian\nVERSION_ID="12"\n', "debian_version": "12.8\n"},
            ("debian", (12,), "Debian 12", 1),
        ),
    ],
)
def test_release_files(tmp_path: Path, files: dict[str, str], expected: tuple[object, ...]) -> None:
    """Each file names its family and release (Debian's debian_version comes first)."""
    root = tmp_path / "n"
    (root / "etc").mkdir(parents=True)
    for rel, text in files.items():
        (root / "etc" / rel).write_text(text)
    found = release(root, root / "etc")
    assert found is not None
    assert (found.family, found.parts, found.name, found.line) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ID=ubuntu\n",  # no VERSION_ID (a rolling or testing release)
        'ID=opensuse-tumbleweed\nVERSION_ID="20240101"\n',
        'ID=ubuntu\nVERSION_ID="' + "9" * 5000 + '"\n',
        'ID=ubuntu\nVERSION_ID="22.04\n',  # an unclosed quote
        "\x00\xff" * 100,
    ],
)
def test_odd_os_release_names_nothing(tmp_path: Path, text: str) -> None:
    root = tmp_path / "n"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text(text, errors="surrogateescape")
    assert release(root, root / "etc") is None


def test_supportconfig_suse_release_section() -> None:
    """supportconfig's basic-environment.txt: its /etc/SuSE-release section, lines 14-16."""
    root = FIXTURES / "live-captures" / "scc-sles11sp4" / "nts_alpha_261128_1200"
    found = release(root, root)
    assert found is not None
    assert (found.family, found.parts, found.line) == ("sles", (11, 4), 15)
    assert found.path.name == "basic-environment.txt"


def test_every_row_is_a_minimum_of_known_components() -> None:
    from xencfg.versions import COMPONENTS

    for table in SHIPPED.values():
        assert set(table) <= set(COMPONENTS)


def test_os_release_link_into_usr_lib(tmp_path: Path) -> None:
    """/etc/os-release is a link to ../usr/lib/os-release (systemd): read through the link
    inside the tree, or from usr/lib alone when the tree lost the link."""
    root = tmp_path / "n"
    (root / "etc").mkdir(parents=True)
    (root / "usr" / "lib").mkdir(parents=True)
    (root / "usr" / "lib" / "os-release").write_text(OS_RELEASE_JAMMY)
    (root / "etc" / "os-release").symlink_to("../usr/lib/os-release")
    found = release(root, root / "etc")
    assert found is not None and (found.family, found.parts) == ("ubuntu", (22, 4))
    (root / "etc" / "os-release").unlink()
    found = release(root, root / "etc")
    assert found is not None and found.path == root / "usr" / "lib" / "os-release"
    (root / "etc" / "os-release").symlink_to("/etc/passwd-outside")
    (root / "usr" / "lib" / "os-release").unlink()
    assert release(root, root / "etc") is None
