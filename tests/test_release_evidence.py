"""The releases a node runs, read from the package lists its capture holds
(xencfg.installed): each case is a synthetic capture whose verdict changes with the
installed release, as the daemon of that release decides.

Where the lists come from (the formats read):

* sosreport ``installed-rpms``: sos' rpm plugin (sosreport/sos sos/plugins/rpm.py,
  ``rpm --nodigest -qa --qf="%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}~~..."`` through
  ``awk -F "~~" "{printf \\"%-59s %s\\n\\",$1,$2}"``, ``add_cmd_output(...,
  root_symlink="installed-rpms")``; sos 4 sos/report/plugins/rpm.py: ``"%-59{NVRA}
  %{INSTALLTIME:date}"``, and ``suggest_filename='package-data'`` for
  ``%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\t%{INSTALLTIME:date}\\t...``);
* sosreport ``installed-debs``: sos' dpkg plugin (sos/report/plugins/dpkg.py,
  ``add_cmd_output("dpkg -l", root_symlink="installed-debs")``);
* supportconfig ``rpm.txt``: openSUSE/supportutils bin/supportconfig ``rpm_info``
  (SVER 2.25 at 429d7fb line 1085-1087, 3.2.14 at 84ae92a line 398-400): a Command
  section ``# rpm -qa --queryformat "%-35{NAME} %-35{DISTRIBUTION}
  %{VERSION}-%{RELEASE}\\n" | sort -k 1,2 -t " " -i``, a ``NAME DISTRIBUTION VERSION``
  line, then one line per package;
* dpkg's database ``var/lib/dpkg/status`` (stanzas of ``Package:``, ``Status: install
  ok installed``, ``Version:``), and ``xencfg capture``'s ``packages.txt``
  (``dpkg-query -W -f='${Status}\\t${Package}\\t${Version}\\n'``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import installed, lint
from xencfg.formats.schema import Version
from xencfg.installed import Package, packages, release_of, upstream

DRBD_CONF = """resource r0 {
  protocol C;
  disk { resync-rate 40M; }
  on alpha { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; meta-disk internal; }
}
"""

#: sos 3's installed-rpms (NVRA padded to 59, then the install date)
RPMS = "bash-3.2-33.el5.x86_64{pad}Mon 10 Jan 2011 10:00:00 AM CET\n{drbd}{pad}Mon 10 Jan 2011\n"


def _sosreport(root: Path, drbd_rpm: str) -> Path:
    """A sosreport of node alpha: etc/drbd.conf, and installed-rpms linked into
    sos_commands/rpm as sos makes it (root_symlink)."""
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("alpha\n")
    (root / "etc" / "drbd.conf").write_text(DRBD_CONF)
    cmd = root / "sos_commands" / "rpm"
    cmd.mkdir(parents=True)
    name = "sh_-c_rpm_--nodigest_-qa_--qf_NAME_-_VERSION_-_RELEASE_._ARCH_awk_-F_sort"
    (cmd / name).write_text(RPMS.format(pad=" " * 20, drbd=drbd_rpm))
    (root / "installed-rpms").symlink_to(f"sos_commands/rpm/{name}")
    return root


def _codes(result: lint.LintResult, code: str) -> list[tuple[str, int, str, str]]:
    found = [f for f in result.findings if f.code == code]
    return [(Path(f.path).name, f.line, f.severity, f.message) for f in found]


def test_sosreport_rpms_drbd_83_refuses_resync_rate(tmp_path: Path) -> None:
    """CentOS 5's drbd83 8.3.8: drbdadm 8.3 refuses ``resync-rate`` (peer-drbdadm --mode
    83: "Parse error: 'an option keyword' expected, but got 'resync-rate'"), though the
    keyword alone says "8.4 or later" and gave no finding before."""
    root = _sosreport(tmp_path / "sosreport-alpha", "drbd83-8.3.8-1.el5.centos.x86_64")
    result = lint.run([str(root)], select=["XC008"])
    ((name, line, severity, message),) = _codes(result, "XC008")
    assert (name, line, severity) == ("drbd.conf", 3, "error")
    assert "not DRBD 8.3.8, inferred from 'drbd83 8.3.8-1.el5.centos' at " in message
    assert "installed-rpms:2" in message
    assert result.cluster.versions.describe()["drbd"].startswith("DRBD 8.3.8, inferred from")


def test_sosreport_rpms_drbd_84_reads_resync_rate(tmp_path: Path) -> None:
    """ELRepo's kmod-drbd84 8.4.4: 8.4's drbdadm reads ``resync-rate`` (peer-drbdadm
    --mode 84: OK)."""
    root = _sosreport(tmp_path / "sosreport-alpha", "kmod-drbd84-8.4.4-1.el6.elrepo.x86_64")
    result = lint.run([str(root)], select=["XC008"])
    assert _codes(result, "XC008") == []
    assert result.cluster.versions.of("drbd", "alpha").at_least(Version.parse("8.4.4"))


def test_the_peer_drbdadm_agrees(tmp_path: Path) -> None:
    """What the two tests above rely on, run: drbdadm 8.3 refuses the file, 8.4 reads it."""
    peer = peer_tool("peer-drbdadm", "drbdadm")
    conf = tmp_path / "drbd.conf"
    conf.write_text(DRBD_CONF)
    old = subprocess.run([peer, "--mode", "83", "--node", "alpha", conf], capture_output=True)
    new = subprocess.run([peer, "--mode", "84", "--node", "alpha", conf], capture_output=True)
    assert old.returncode == 1 and b"but got 'resync-rate'" in old.stdout
    assert new.returncode == 0, new.stdout


def test_declared_release_wins_over_the_packages(tmp_path: Path) -> None:
    root = _sosreport(tmp_path / "sosreport-alpha", "drbd83-8.3.8-1.el5.centos.x86_64")
    result = lint.run([str(root)], select=["XC008"], versions={"drbd": Version.parse("8.4")})
    assert _codes(result, "XC008") == []


def test_sos4_package_data_without_installed_rpms(tmp_path: Path) -> None:
    """sos 4's package-data (tab-separated, NVRA first) is read where installed-rpms
    is missing."""
    root = _sosreport(tmp_path / "sosreport-alpha", "bash-3.2-33.el5.x86_64")
    (root / "installed-rpms").unlink()
    data = "drbd83-8.3.13-1.el5.centos.x86_64\tMon 10 Jan 2011\t1294650000\tCentOS\tbuilder\n"
    (root / "sos_commands" / "rpm" / "package-data").write_text(data)
    result = lint.run([str(root)], select=["XC008"])
    ((_, _, severity, message),) = _codes(result, "XC008")
    assert severity == "error" and "package-data:1" in message and "DRBD 8.3.13" in message


@pytest.mark.parametrize(
    ("version", "refused"),
    [("2:8.3.7-2.1", True), ("2:8.4.4-1ubuntu1", False)],  # squeeze's, trusty's drbd8-utils
)
def test_sosreport_debs(tmp_path: Path, version: str, refused: bool) -> None:
    """Debian's drbd8-utils in ``installed-debs`` (dpkg -l: ``ii`` installed, ``rc``
    removed with its configuration left, which runs nothing)."""
    root = tmp_path / "sosreport-alpha"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("alpha\n")
    (root / "etc" / "drbd.conf").write_text(DRBD_CONF)
    (root / "sos_commands" / "dpkg").mkdir(parents=True)
    dpkg_l = (
        "Desired=Unknown/Install/Remove/Purge/Hold\n"
        "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n"
        "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n"
        "||/ Name           Version        Architecture Description\n"
        "+++-==============-==============-============-=========================\n"
        "rc  drbd8-utils:amd64 2:9.9.9-1   amd64        (removed, configuration kept)\n"
        f"ii  drbd8-utils:amd64 {version}   amd64        RAID 1 over tcp/ip for Linux utilities\n"
    )
    (root / "sos_commands" / "dpkg" / "dpkg_-l").write_text(dpkg_l)
    (root / "installed-debs").symlink_to("sos_commands/dpkg/dpkg_-l")
    result = lint.run([str(root)], select=["XC008"])
    found = _codes(result, "XC008")
    assert bool(found) is refused
    if refused:
        assert "'drbd8-utils:amd64 2:8.3.7-2.1' at " in found[0][3]
        assert "installed-debs:7" in found[0][3]


MULTIPATH_CONF = """defaults{
        user_friendly_names yes
}
"""


@pytest.mark.parametrize(("version", "mp010"), [("0.4.7-34.38", "warning"), ("0.4.9-0.8.3", None)])
def test_supportconfig_rpm_txt_multipath(tmp_path: Path, version: str, mp010: str | None) -> None:
    """``defaults{``: multipath-tools before 0.4.9 end a word at a blank only (parser.c
    alloc_strvec), so the section is lost; 0.4.9 splits the brace off (MP010). The
    package of 0.4.9 proves the release; one of 0.4.7 proves only "0.4.7 or later"
    (distributions backport into multipath-tools), so the warning stays."""
    cmd = "#==[ Command ]======================================#\n"
    conf = "#==[ Configuration File ]===========================#\n"
    root = tmp_path / "scc_alpha_261207_0900"
    root.mkdir()
    (root / "supportconfig.txt").write_text("Script Version: 3.1\n")
    (root / "basic-environment.txt").write_text(cmd + "# /bin/uname -a\nLinux alpha 3.0 #1\n")
    (root / "mpio.txt").write_text(conf + "# /etc/multipath.conf\n" + MULTIPATH_CONF)
    query = '"%-35{NAME} %-35{DISTRIBUTION} %{VERSION}-%{RELEASE}\\n"'
    rpm_txt = (
        f'{cmd}# rpm -qa --queryformat "%{{DISTRIBUTION}}\\n" | sort | uniq\n'
        "SUSE Linux Enterprise 11\n\n"
        f'{cmd}# rpm -qa --queryformat {query} | sort -k 1,2 -t " " -i\n'
        f"{'NAME':35} {'DISTRIBUTION':35} VERSION\n"
        f"{'aaa_base':35} {'SUSE Linux Enterprise 11':35} 11-6.63.1\n"
        f"{'multipath-tools':35} {'SUSE Linux Enterprise 11':35} {version}\n"
        f"{'gpg-pubkey':35} {'(none)':35} 307e3d54-4be01a65\n"
    )
    (root / "rpm.txt").write_text(rpm_txt)
    result = lint.run([str(root)], select=["MP010"])
    found = _codes(result, "MP010")
    assert [s for _, _, s, _ in found] == ([mp010] if mp010 else [])
    said = result.cluster.versions.describe()["multipath-tools"]
    assert said.startswith(f"multipath-tools {version.split('-')[0]} or later, inferred from")
    assert said.endswith("rpm.txt:9")


CIB_HB2 = """<cib admin_epoch="0" epoch="3" num_updates="1" have_quorum="true">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <attributes>
          <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        </attributes>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    ("package", "version", "cb011"),
    [("heartbeat-2", "2.0.7-2", True), ("heartbeat", "2.1.4-1", False)],
)
def test_dpkg_status_heartbeat(tmp_path: Path, package: str, version: str, cb011: bool) -> None:
    """Debian etch's heartbeat-2 2.0.7: its CRM reads only underscore option names (the
    dashed names came with 2.0.8, lib/crm/pengine/common.c, commit 2cfb5f2899), so
    ``stonith-enabled`` is not read: CB011 says so where the dpkg database names 2.0.7;
    2.1.4 reads it. A package removed with its configuration kept runs nothing."""
    root = tmp_path / "alpha"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("alpha\n")
    (root / "var" / "lib" / "heartbeat" / "crm").mkdir(parents=True)
    (root / "var" / "lib" / "heartbeat" / "crm" / "cib.xml").write_text(CIB_HB2)
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    status = (
        "Package: heartbeat\nStatus: deinstall ok config-files\nVersion: 1.2.5-1\n\n"
        f"Package: {package}\nStatus: install ok installed\nPriority: optional\n"
        f"Version: {version}\nDescription: Subsystem for High-Availability Linux\n"
        " Version: 9.9 (a description line, not a field)\n\n"
    )
    (root / "var" / "lib" / "dpkg" / "status").write_text(status)
    result = lint.run([str(root)], select=["CB011"])
    found = _codes(result, "CB011")
    assert bool(found) is cb011
    if cb011:
        assert "not read by heartbeat 2.0.7, inferred from 'heartbeat-2 2.0.7-2' at " in found[0][3]
        assert "status:5" in found[0][3] and "write 'stonith_enabled'" in found[0][3]


@pytest.mark.parametrize(
    "listed",
    [
        # dpkg-query -W -f='${Status}\t${Package}\t${Version}\n' (Debian)
        "install ok installed\tbash\t5.2.15-2\ninstall ok installed\tdrbd8-utils\t2:8.3.13-2\n",
        # rpm -qa (where there is no dpkg-query)
        "bash-3.2-33.el5\ndrbd83-8.3.13-1.el5.centos.x86_64\n",
    ],
)
def test_capture_packages_txt(tmp_path: Path, listed: str) -> None:
    """``xencfg capture``'s packages.txt on a node that runs drbd 8.3."""
    from xencfg import live

    assert {c.name: c.format for c in live.COMMANDS}["packages"] is None  # (kept, not a doc)
    root = tmp_path / "alpha"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "drbd.conf").write_text(DRBD_CONF)
    state = root / live.STATE_DIR
    state.mkdir(parents=True)
    (state / "packages.txt").write_text(listed)
    result = lint.run([str(root)], select=["XC008"])
    ((_, _, severity, message),) = _codes(result, "XC008")
    assert severity == "error" and "packages.txt:2" in message


def test_mid_upgrade_each_node_its_own_release(tmp_path: Path) -> None:
    """beta is on 8.4 already, alpha still on 8.3: only alpha's drbd.conf is refused."""
    alpha = _sosreport(tmp_path / "alpha", "drbd83-8.3.8-1.el5.centos.x86_64")
    beta = _sosreport(tmp_path / "beta", "drbd84-utils-8.4.4-1.el6.elrepo.x86_64")
    (beta / "etc" / "hostname").write_text("beta\n")
    result = lint.run([str(alpha), str(beta)], select=["XC008"])
    assert [Path(f.path).parts[-3] for f in result.findings] == ["alpha"]
    # over the cluster: one or the other
    said = result.cluster.versions.describe()["drbd"]
    assert said.startswith("DRBD 8.3.8 or later, before 8.4.5")


def test_cman_package_decides_cm002(tmp_path: Path) -> None:
    """CM002 is an error where cman 3 runs (no ccsd: the node with the older copy is
    refused), a warning on cman 2; the installed cman package tells, as a declared
    release does (test_cman_release)."""
    from test_cman_release import NODES, _cm002, _tree

    for version, severity in (("3.0.12.1-59.el6", "error"), ("2.0.115-124.el5", "warning")):
        nodes = _tree(tmp_path / version, "bad", {})
        for n in nodes:
            (n / "installed-rpms").write_text(f"cman-{version}.x86_64   Mon 10 Jan 2011\n")
        ((node, found, message),) = _cm002(nodes)
        assert (node, found) == (NODES[-1], severity), message
        assert "installed-rpms:1" in message


def test_files_absent_change_nothing(tmp_path: Path) -> None:
    """No package list: what the files say, as before (resync-rate: 8.4 or later)."""
    root = _sosreport(tmp_path / "sosreport-alpha", "bash-3.2-33.el5.x86_64")
    result = lint.run([str(root)], select=["XC008"])
    assert _codes(result, "XC008") == []
    assert "installed" not in result.cluster.versions.describe()["drbd"]


# -- the readers, on malformed input --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("drbd8-utils", "2:8.3.7-2.1", ("drbd", "8.3.7", "8.3.8")),
        ("pacemaker", "1.0.9.1+hg15626-1", ("pacemaker", "1.0.9.1", "1.0.9.2")),
        ("drbd-kmp-xen", "8.4.4_3.0.101_63-0.7.11", ("drbd", "8.4.4", "8.4.5")),
        # Red Hat numbers open-iscsi 2.0-872 "6.2.0.872"
        ("iscsi-initiator-utils", "6.2.0.872-41.el6", ("open-iscsi", "2.0.872", "2.0.873")),
        # drbd-utils numbers apart from 8.9 on (ELRepo's drbd84-utils 9.x too)
        ("drbd84-utils", "9.5.0-1.el7.elrepo", ("drbd-utils", "9.5.0", "9.5.1")),
        ("drbd-utils", "8.9.2~rc1-2", ("drbd-utils", "8.9.2", "8.9.3")),
        ("drbd", "8.2.7-0.4", ("drbd", "8.2.7", "8.2.8")),  # SLES 10 SP2's
        ("drbd", "9.0.29~1+git.9a7bc817-3.3.1", None),  # SUSE's module or Fedora's utils
        (
            "drbd-kmp-default",
            "9.0.29~1+git.9a7bc817_k4.12.14_122.37-3.3.1",
            ("drbd", "9.0.29", "9.0.30"),
        ),
        # backports: a minimum only
        ("device-mapper-multipath", "0.4.9-64.el6", ("multipath-tools", "0.4.9", None)),
        ("xen", "3.0.3-142.el5", ("xen", "3.0.3", None)),
        ("xen-hypervisor-4.0-amd64", "4.0.1-5.11", ("xen", "4.0.1", "4.0.2")),
        ("cman", "2.0.115-124.el5", ("cman", "2.0.115", "2.0.116")),
        ("openais", "0.80.6-37.el5", None),  # not a component lint reads
        ("drbd83", "snapshot", None),
        ("drbd83", "99999999999999999999.1-1", None),  # no int() of a huge number
    ],
)
def test_release_of(name: str, version: str, expected: tuple[str, str, str | None] | None) -> None:
    got = release_of(Package(name, version, Path("x"), 1))
    want = None
    if expected is not None:
        c, low, below = expected
        want = (c, Version.parse(low), Version.parse(below) if below else None)
    assert got == want


def test_upstream() -> None:
    assert upstream("1:3.0.3-2") == Version.parse("3.0.3")
    assert upstream("") is None and upstream("1:") is None and upstream("9" * 5000) is None


def test_malformed_lists_do_not_crash(tmp_path: Path) -> None:
    """Junk in each list: skipped lines, never a traceback or a hang."""
    junk = (
        "\x00\xff binary\n"
        + "-" * 100_000
        + "\n"
        + "a-" * 50_000
        + "\n"
        + "drbd83-\n-8.3-\ndrbd83--1\n   \n"
        + "drbd83-8."
        + "9" * 5000
        + "-1\n"
        + "ii\nii  drbd8-utils\nii  drbd8-utils  \n"
        + "Package: drbd8-utils\nStatus: install ok installed\n\n"  # no Version
        + "Status installed\n:\n"
        + "install ok installed\tdrbd8-utils\n"
    )
    for rel, _ in installed.LISTS:
        root = tmp_path / rel.replace("/", "_")
        path = root / rel
        path.parent.mkdir(parents=True)
        path.write_text(junk, errors="surrogateescape")
        assert [release_of(p) for p in packages(root) if release_of(p)] == []
    result = lint.run([str(tmp_path / "installed-rpms")])
    assert result.cluster.versions.describe() == {}


def test_lists_that_are_no_files(tmp_path: Path) -> None:
    """A FIFO (would block a read), a link out of the tree, a folder: nothing read."""
    root = tmp_path / "node"
    (root / "etc").mkdir(parents=True)
    os.mkfifo(root / "installed-rpms")
    outside = tmp_path / "outside"
    outside.write_text("drbd83-8.3.8-1.el5.x86_64\n")
    (root / "installed-debs").symlink_to(outside)
    (root / "rpm.txt").mkdir()
    assert packages(root) == []


# -- what the distribution release shipped ----------------------------------------------

DRBD9_C_MAX_RATE_0 = """resource r0 {
  disk { c-max-rate 0; }
  on alpha { node-id 0; device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; }
  on beta { node-id 1; device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; }
  meta-disk internal;
}
"""


def _debian(root: Path, release: str, drbd_conf: str = DRBD9_C_MAX_RATE_0) -> Path:
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("alpha\n")
    (root / "etc" / "debian_version").write_text(release + "\n")
    (root / "etc" / "drbd.conf").write_text(drbd_conf)
    return root


@pytest.mark.parametrize(
    ("release", "warned"),
    [("11.9", True), ("12.8", False), ("13.1", False), ("bookworm/sid", True)],
)
def test_debian_release_proves_a_minimum(tmp_path: Path, release: str, warned: bool) -> None:
    """drbdadm 9 of drbd-utils before 9.16 refuses ``c-max-rate 0`` (DR026). Debian
    bullseye shipped drbd-utils 9.15.0, bookworm 9.22.0, trixie 9.22.0
    (packages.debian.org/src:drbd); point releases keep it, backports and LINBIT's
    repositories only bring later ones, so Debian 12 proves 9.22 or later: no
    warning. Debian 11 proves 9.15 or later, which may still refuse it; a testing
    system (``bookworm/sid``) proves nothing."""
    root = _debian(tmp_path / "alpha", release)
    result = lint.run([str(root)], select=["DR026"])
    assert bool(_codes(result, "DR026")) is warned
    said = result.cluster.versions.describe_nodes().get(("drbd-utils", "alpha"), "")
    if release[0].isdigit():
        major = release.split(".")[0]
        assert f"inferred from Debian {major}'s drbd-utils" in said and "debian_version:1" in said
    else:
        assert said == ""


def test_packages_win_over_the_release_file(tmp_path: Path) -> None:
    """A node on Debian 12 that holds drbd-utils 9.15.0 (pinned from bullseye) runs 9.15."""
    root = _debian(tmp_path / "alpha", "12.8")
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    status = "Package: drbd-utils\nStatus: install ok installed\nVersion: 9.15.0-1\n"
    (root / "var" / "lib" / "dpkg" / "status").write_text(status)
    result = lint.run([str(root)], select=["DR026"])
    assert (
        result.cluster.versions.of("drbd-utils", "alpha")
        .describe("drbd-utils")
        .startswith("drbd-utils 9.15.0, inferred from 'drbd-utils 9.15.0-1'")
    )
    assert _codes(result, "DR026")


def test_files_win_over_a_release_file_they_contradict(tmp_path: Path) -> None:
    """corosync.conf with corosync 1's ``aisexec`` section on a Debian 12 node (corosync
    3.1.7 shipped): the file is what the node reads, the release file proves nothing
    against it (a tree restored onto a newer system), so the file's range stays."""
    root = _debian(tmp_path / "alpha", "12.8", DRBD_CONF)
    (root / "etc" / "corosync").mkdir()
    conf = "aisexec {\n\tuser: root\n\tgroup: root\n}\ntotem {\n\tversion: 2\n}\n"
    (root / "etc" / "corosync" / "corosync.conf").write_text(conf)
    result = lint.run([str(root)], select=["CS001"])
    found = result.cluster.versions.of("corosync", "alpha")
    assert found.older_than(Version.parse("2.0")) and "Debian" not in found.source
    assert result.cluster.versions.of("pacemaker", "alpha").at_least(Version.parse("2.1.5"))
