"""The sourced rows of xencfg.distro.SHIPPED reach lint: a node tree whose release is
named by one release file (no package list) gets its ``xencfg lint -v`` release line,
and the rules whose verdict turns on a component release judge it as for that release.

Each row's source is the comment above it in distro.py (sources.debian.org,
manpages.ubuntu.com, ubuntu.pkgs.org, Red Hat's "Considerations in adopting RHEL 8").
A release proves a minimum only, so the node's own files still win where they say older
(:func:`test_files_saying_older_win`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint
from xencfg.cli import main
from xencfg.formats.schema import Version

FOCAL = 'NAME="Ubuntu"\nVERSION_ID="20.04"\nID=ubuntu\nID_LIKE=debian\n'
XENIAL = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_CODENAME=xenial\n"
SLES_11_SP4 = "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n"


def _node(root: Path, files: dict[str, str]) -> Path:
    """A node tree: its hostname, and ``files`` below its /etc."""
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text(f"{root.name}\n")
    for rel, text in files.items():
        (root / "etc" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "etc" / rel).write_text(text)
    return root


def _lines(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The ``version ...`` lines ``xencfg lint -v`` prints for the tree."""
    main(["lint", "-v", str(root)])
    err = capsys.readouterr().err
    return [ln for ln in err.splitlines() if ln.startswith("version ")]


@pytest.mark.parametrize(
    ("files", "said_in", "expected"),
    [
        (
            {"os-release": FOCAL},
            "os-release",
            [
                "version corosync on n: corosync 3.0.3 or later, inferred from Ubuntu 20.04's"
                " corosync 3.0.3 ('VERSION_ID=\"20.04\"' at ",
                "version drbd-utils on n: drbd-utils 9.11.0 or later, inferred from Ubuntu"
                " 20.04's drbd-utils 9.11.0 ('VERSION_ID=\"20.04\"' at ",
                "version heartbeat on n: heartbeat 3.0.6 or later, inferred from Ubuntu 20.04's"
                " heartbeat 3.0.6 ('VERSION_ID=\"20.04\"' at ",
            ],
        ),
        (
            {"lsb-release": XENIAL, "debian_version": "stretch/sid\n"},
            "lsb-release",
            [
                "version heartbeat on n: heartbeat 3.0.6 or later, inferred from Ubuntu 16.04's"
                " heartbeat 3.0.6 ('DISTRIB_RELEASE=16.04' at ",
                "version multipath-tools on n: multipath-tools 0.5.0 or later, inferred from"
                " Ubuntu 16.04's multipath-tools 0.5.0 ('DISTRIB_RELEASE=16.04' at ",
            ],
        ),
        (
            {"debian_version": "7.11\n"},
            "debian_version",
            [
                "version drbd on n: DRBD 8.3.13 or later, inferred from Debian 7's drbd 8.3.13"
                " ('7.11' at "
            ],
        ),
        (
            {"redhat-release": "Red Hat Enterprise Linux release 8.2 (Ootpa)\n"},
            "redhat-release",
            [
                "version lvm2 on n: LVM 2.03 or later, inferred from Red Hat 8's lvm2 2.03"
                " ('release 8' at "
            ],
        ),
        (
            {"os-release": 'NAME="Rocky Linux"\nID="rocky"\nVERSION_ID="8.6"\n'},
            "os-release",
            [
                "version lvm2 on n: LVM 2.03 or later, inferred from Red Hat 8's lvm2 2.03"
                " ('VERSION_ID=\"8.6\"' at "
            ],
        ),
        # SLES: no row was sourced (the release notes give no GA versions a search
        # reached), so SLES 11 SP4 proves nothing and -v says nothing of it
        ({"SuSE-release": SLES_11_SP4}, "SuSE-release", []),
    ],
)
def test_release_lines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    said_in: str,
    expected: list[str],
) -> None:
    """One release file, no package list: one line per component its row names, each
    naming the release, the line of the file and the file."""
    root = _node(tmp_path / "n", files)
    lines = _lines(root, capsys)
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line
        assert f"n/etc/{said_in}:" in line


# -- the verdicts that turn on those releases ---------------------------------------------

COROSYNC_SECAUTH_UDPU = """totem {
    version: 2
    secauth: on
    transport: udpu
}
nodelist {
    node {
        ring0_addr: 10.0.0.1
        nodeid: 1
    }
    node {
        ring0_addr: 10.0.0.2
        nodeid: 2
    }
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
"""


def _codes(root: Path, code: str) -> list[tuple[str, str]]:
    result = lint.run([str(root)], select=[code])
    return [(f.code, f.severity) for f in result.findings if f.code == code]


def test_cs006_secauth_on_udpu_on_ubuntu_2004(tmp_path: Path) -> None:
    """corosync 3 reads ``secauth: on`` as aes256/sha256 and refuses crypto on any
    transport but knet ("crypto_cipher & crypto_hash are only valid for the Knet
    transport", exec/totemconfig.c of v3.1.7 ``totem_get_crypto``); corosync 2
    encrypted udpu. Ubuntu 20.04 shipped corosync 3.0.3, so the file is judged as
    corosync 3 reads it; with nothing known, ``secauth`` makes it corosync 2's (CS006's
    guess) and nothing is claimed."""
    root = _node(tmp_path / "n", {"os-release": FOCAL, "corosync/corosync.conf": ""})
    (root / "etc" / "corosync" / "corosync.conf").write_text(COROSYNC_SECAUTH_UDPU)
    assert _codes(root, "CS006") == [("CS006", "error")]
    (root / "etc" / "os-release").unlink()
    assert _codes(root, "CS006") == []


def test_mp010_glued_brace_on_ubuntu_1604(tmp_path: Path) -> None:
    """multipath-tools 0.4.9 split ``{`` off a word (parser.c ``alloc_strvec``), so
    ``defaults{`` is a section from then on; 0.4.5-0.4.8 drop it. Ubuntu 16.04 shipped a
    0.5.0 snapshot: nothing to say there; with no release known MP010 warns."""
    conf = "defaults{\n    user_friendly_names yes\n}\n"
    root = _node(tmp_path / "n", {"lsb-release": XENIAL, "multipath.conf": conf})
    assert _codes(root, "MP010") == []
    (root / "etc" / "lsb-release").unlink()
    assert _codes(root, "MP010") == [("MP010", "warning")]


def test_lv003_locking_type_5_on_rhel_8(tmp_path: Path) -> None:
    """LVM 2.03 runs every command as ``--nolocking`` for ``locking_type = 5``
    (tools/lvmcmdline.c of 2.03.16); 2.02 read 5 otherwise, so LV003 names it only where
    the release is 2.03 or later: RHEL 8 (no clvmd, no lvmetad), not RHEL 7 (2.02), not
    an unknown release."""
    conf = "global {\n    locking_type = 5\n}\n"
    rhel8 = "Red Hat Enterprise Linux release 8.2 (Ootpa)\n"
    root = _node(tmp_path / "n", {"redhat-release": rhel8, "lvm/lvm.conf": conf})
    assert _codes(root, "LV003") == [("LV003", "warning")]
    (root / "etc" / "redhat-release").write_text("CentOS Linux release 7.9.2009 (Core)\n")
    assert _codes(root, "LV003") == []
    (root / "etc" / "redhat-release").unlink()
    assert _codes(root, "LV003") == []


DRBD9_RESYNC_5G = """resource r0 {
    disk {
        resync-rate 5G;
    }
    on n {
        node-id 0;
        device /dev/drbd0;
        disk /dev/sdb1;
        address 10.0.0.1:7789;
        meta-disk internal;
    }
    on m {
        node-id 1;
        device /dev/drbd0;
        disk /dev/sdb1;
        address 10.0.0.2:7789;
        meta-disk internal;
    }
}
"""


def test_dr026_resync_rate_above_4g_on_ubuntu_2004(tmp_path: Path) -> None:
    """drbdadm 9 takes ``resync-rate`` up to 8G from drbd-utils 9.6 (drbd-headers
    b52bf98 doubled DRBD_RESYNC_RATE_MAX), 4G before. Ubuntu 20.04 shipped drbd-utils
    9.11.0: 5G is taken; with the drbd-utils release unknown, DR026 warns."""
    root = _node(tmp_path / "n", {"os-release": FOCAL, "drbd.conf": DRBD9_RESYNC_5G})
    assert _codes(root, "DR026") == []
    (root / "etc" / "os-release").unlink()
    assert _codes(root, "DR026") == [("DR026", "warning")]


def test_files_saying_older_win(tmp_path: Path) -> None:
    """A release proves a minimum only; a node whose corosync.conf has ``rrp_mode``
    (corosync 3 reads none) runs an older corosync than its Ubuntu 20.04 shipped (a
    pinned or held package): its files win, the file is judged as corosync 2's."""
    udpu = "    transport: udpu\n"
    conf = COROSYNC_SECAUTH_UDPU.replace(udpu, udpu + "    rrp_mode: none\n")
    root = _node(tmp_path / "n", {"os-release": FOCAL, "corosync/corosync.conf": conf})
    result = lint.run([str(root)], select=["CS006"])
    found = result.cluster.versions.of("corosync", "n")
    assert found.older_than(Version.parse("3.0")) and "rrp_mode" in found.source
    assert [f.code for f in result.findings if f.code == "CS006"] == []
