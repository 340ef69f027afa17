"""Node trees carried from discovery to the rules, and ``uname -n`` from every file a
node's boot takes it from.

Discovery knows each node's tree (its ``/`` and its /etc) and reads the host name its
boot scripts give the kernel; every :class:`~xencfg.discover.SourceFile` carries that
:class:`~xencfg.discover.NodeRoot`, so no rule works a root out of a path again.

Which file sets ``uname -n``:

* /etc/hostname, as written (Debian's hostname.sh, systemd);
* /etc/HOSTNAME on SUSE before SLES 12, cut to the short name: SUSE's boot script runs
  ``hostname ${FQHOSTNAME%%.*}`` (openSUSE/aaa_base etc/init.d/boot);
* HOSTNAME= of /etc/sysconfig/network on RHEL/CentOS 5 and 6, as written: rc.sysinit
  sources the file and runs ``hostname ${HOSTNAME}``.

What the daemons compare it with: heartbeat 3.0.6 looks itself up in the ``node`` lines
by ``uname -n`` (config.c: ``lookup_node(u.nodename)``, "Current node [%s] not in
configuration!"), both lowercased; drbdadm 8.4 takes ``uname(&nodeinfo)`` (drbd-utils
user/v84/drbdadm_main.c, "FIXME maybe fold to lower case ?") and compares
``nodeinfo.nodename`` with the ``on`` names by strcmp. The verdicts below were taken
from the real daemons through /work/shared/oracle/peers (peer-heartbeat --node sets the
namespace's host name, peer-drbdadm --node sets ``__DRBD_NODE__``, drbdadm's stand-in
for ``uname -n``); the ``*_peer`` tests rerun them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from lintkit import tree
from xencfg import lint
from xencfg.discover import discover
from xencfg.formats.schema import Version

KEYS = "auth 1\n1 sha1 Zk4pQw8rTn2vLx6mYc\n"
HACF = "keepalive 2\ndeadtime 30\nudpport 694\nbcast eth0 eth1\nnode {}\n"
NETWORK = "NETWORKING=yes\nHOSTNAME={}\nGATEWAY=10.0.0.254\n"
DRBD83 = {"drbd": Version.parse("8.3")}


def _hb_pair(tmp: Path, boot: dict[str, str], listed: str) -> list[Path]:
    """Two heartbeat nodes xen1 and xen2 whose names come from ``boot`` ({file: text
    with {} for the node's name}) and whose ha.cf lists ``listed``."""
    roots = []
    for n in ("xen1", "xen2"):
        files = {rel: text.format(n) for rel, text in boot.items()}
        files |= {"etc/ha.d/ha.cf": HACF.format(listed), "etc/ha.d/authkeys": KEYS}
        roots.append(tree(tmp, n, files))
    return roots


def _codes(roots: list[Path], *codes: str, versions: dict[str, Version] | None = None):
    result = lint.run([str(r) for r in roots], select=list(codes), versions=versions)
    return [(f.code, Path(f.path).parts[-4:], f.line) for f in result.findings]


# -- the tree on every file --------------------------------------------------------


def test_every_file_of_a_node_carries_its_tree(tmp_path: Path) -> None:
    """A node root, an etckeeper checkout (only an /etc: no ``/``), a loose file below
    an ``etc`` folder (that folder's tree) and a loose file elsewhere (none)."""
    node = tree(tmp_path, "alpha", {"etc/hostname": "alpha\n", "etc/drbd.conf": "global {}\n"})
    (f,) = [f for f in discover([str(node)]).files() if f.format == "drbd"]
    assert f.tree is not None
    assert (f.tree.root, f.tree.etc, f.tree.slash) == (node, node / "etc", node)
    assert f.tree.uname is not None and f.tree.uname.name == "alpha"

    keeper = tree(tmp_path, "checkout", {"drbd.conf": "global {}\n", ".etckeeper": ""})
    (f,) = [f for f in discover([str(keeper)]).files() if f.format == "drbd"]
    assert f.tree is not None and (f.tree.etc, f.tree.slash) == (keeper, None)

    (f,) = discover([str(node / "etc" / "drbd.conf")]).loose
    assert f.tree is not None and (f.tree.root, f.tree.etc) == (node, node / "etc")
    alone = tmp_path / "drbd.conf"
    alone.write_text("global {}\n")
    (f,) = discover([str(alone)]).loose
    assert f.tree is None


def test_loose_files_keep_working(tmp_path: Path) -> None:
    """A file given alone: below an ``etc`` folder, IS015 still judges its LUN's path
    in that folder's tree (as it did when it worked the root out itself); elsewhere
    there is no tree to look in and the rules that need one stay silent."""
    lun = "Target iqn.2026-11.net.example:s.web\n\tLun 0 Path=/srv/web.img,Type=blockio\n"
    root = tree(tmp_path, "san1", {"etc/ietd.conf": lun, "srv/web.img": "image\n"})
    conf = root / "etc" / "ietd.conf"
    assert [f.code for f in lint.run([str(conf)], select=["IS015"]).findings] == ["IS015"]
    alone = tmp_path / "ietd.conf"
    alone.write_text(lun)
    assert lint.run([str(alone)], select=["IS015"]).findings == []
    assert lint.run([str(alone)]).files  # read and linted, no tree needed


# -- node names ----------------------------------------------------------------------


def test_rhel5_and_sles_nodes_are_named_by_their_boot_files(tmp_path: Path) -> None:
    """A RHEL 5 node has only /etc/sysconfig/network, a SLES 10 node only /etc/HOSTNAME
    (the FQDN, as YaST writes it): both are named by them, not by their folders, and
    the tree keeps ``uname -n`` as the boot sets it (whole on RHEL, short on SUSE)."""
    rhel = tree(tmp_path, "rack2-slot4", {"etc/sysconfig/network": NETWORK.format("xen1.lab.net")})
    sles = tree(tmp_path, "backup-7", {"etc/HOSTNAME": "hbn1.lab.net\n"})
    found = discover([str(rhel), str(sles)])
    assert [n.name for n in found.nodes] == ["xen1", "hbn1"]
    unames = [
        (n.tree.uname.name, n.tree.uname.file) for n in found.nodes if n.tree and n.tree.uname
    ]
    assert unames == [("xen1.lab.net", "etc/sysconfig/network"), ("hbn1", "etc/HOSTNAME")]
    result = lint.run([str(rhel), str(sles)])
    assert set(result.cluster.model.nodes) == {"xen1", "hbn1"}


def test_rc_sysinit_names_the_node_by_sysconfig_network_whatever_etc_hostname_says(
    tmp_path: Path,
) -> None:
    """RHEL/CentOS 5 and 6 boot by rc.sysinit, which sources /etc/sysconfig/network and
    runs ``hostname ${HOSTNAME}`` and never reads /etc/hostname (initscripts
    rhel5-branch and rhel6-branch rc.d/rc.sysinit); systemd (RHEL 7 on) reads
    /etc/hostname only. A tree with both files is named by the one its boot reads: its
    rc.d/rc.sysinit or a release file of release 6 or before says rc.sysinit; a
    release 7, or nothing that says how it boots, /etc/hostname."""
    both = {"etc/hostname": "stale\n", "etc/sysconfig/network": NETWORK.format("xen1.lab.net")}
    cases = {
        "sysinit": ({"etc/rc.d/rc.sysinit": "#!/bin/bash\n"}, "xen1.lab.net"),
        "centos6": ({"etc/centos-release": "CentOS release 6.10 (Final)\n"}, "xen1.lab.net"),
        "rhel7": ({"etc/redhat-release": "Red Hat Enterprise Linux Server release 7.9\n"}, "stale"),
        "unknown": ({}, "stale"),
    }
    for name, (extra, uname) in cases.items():
        root = tree(tmp_path, name, {**both, **extra})
        (node,) = discover([str(root)]).nodes
        assert node.tree is not None and node.tree.uname is not None
        assert node.tree.uname.name == uname, name
        assert node.name == uname.split(".")[0], name


def test_a_comment_line_in_etc_hostname_names_nothing(tmp_path: Path) -> None:
    """``hostname -F`` and systemd skip ``#`` lines: the name is the next line's."""
    root = tree(tmp_path, "folder", {"etc/hostname": "# set by the installer\nxen7\n"})
    (node,) = discover([str(root)]).nodes
    assert node.name == "xen7"
    assert node.tree is not None and node.tree.uname is not None and node.tree.uname.line == 2


# -- HB002 ---------------------------------------------------------------------------


def test_hb002_rhel5_node_named_by_sysconfig_network(tmp_path: Path) -> None:
    """RHEL 5 (only /etc/sysconfig/network, HOSTNAME=xen1): heartbeat looks itself up
    as xen1; ``node xen-1 xen-2`` does not list it (peer-heartbeat --node xen1: "Current
    node [xen1] not in configuration!"), ``node xen1 xen2`` does. HB002 ran only where
    an /etc/hostname named the node, so it said nothing on RHEL 5."""
    boot = {"etc/sysconfig/network": NETWORK}
    bad = _hb_pair(tmp_path / "bad", boot, "xen-1 xen-2")
    found = lint.run([str(r) for r in bad], select=["HB002"]).findings
    assert [(f.code, Path(f.path).parts[-4]) for f in found] == [
        ("HB002", "xen1"),
        ("HB002", "xen2"),
    ]
    assert "this node 'xen1' (etc/sysconfig/network) is not among" in found[0].message
    assert _codes(_hb_pair(tmp_path / "good", boot, "xen1 xen2"), "HB002") == []


def test_rhel5_fqdn_hostname_against_short_ha_cf_names(tmp_path: Path) -> None:
    """HOSTNAME=xen1.lab.net: rc.sysinit sets it whole, so ``uname -n`` is the FQDN and
    heartbeat refuses ``node xen1 xen2`` (peer-heartbeat --node xen1.lab.net: "Current
    node [xen1.lab.net] not in configuration!") and starts ``node xen1.lab.net
    xen2.lab.net``. As for an FQDN in /etc/hostname, HS002 says so (at the HOSTNAME=
    line) and HB002, which takes the short name too, does not say it twice."""
    boot = {"etc/sysconfig/network": NETWORK.replace("{}", "{}.lab.net")}
    bad = _hb_pair(tmp_path / "bad", boot, "xen1 xen2")
    found = lint.run([str(r) for r in bad], select=["HB002", "HS002"]).findings
    assert [(f.code, Path(f.path).parts[-4:], f.line, f.severity) for f in found] == [
        ("HS002", ("xen1", "etc", "sysconfig", "network"), 2, "error"),
        ("HS002", ("xen2", "etc", "sysconfig", "network"), 2, "error"),
    ]
    assert found[0].message.startswith(
        "/etc/sysconfig/network says 'xen1.lab.net' (uname -n), but ha.cf names this node 'xen1'"
    )
    assert found[0].related and Path(found[0].related[0].path).name == "ha.cf"
    good = _hb_pair(tmp_path / "good", boot, "xen1.lab.net xen2.lab.net")
    assert _codes(good, "HB002", "HS002") == []


def test_sles_node_named_by_etc_HOSTNAME(tmp_path: Path) -> None:
    """SLES 10: /etc/HOSTNAME holds the FQDN, the boot sets the short name. ``node xen1
    xen2`` is what heartbeat finds (no HB002, and no HS002: the FQDN is not uname -n);
    ``node xen-1 xen-2`` and ``node xen1.lab.net xen2.lab.net`` are not (with uname -n
    xen1, peer-heartbeat --node xen1 says "Current node [xen1] not in configuration!"
    for both)."""
    boot = {"etc/HOSTNAME": "{}.lab.net\n"}
    assert _codes(_hb_pair(tmp_path / "good", boot, "xen1 xen2"), "HB002", "HS002") == []
    for case, listed in (("renamed", "xen-1 xen-2"), ("fqdn", "xen1.lab.net xen2.lab.net")):
        found = lint.run(
            [str(r) for r in _hb_pair(tmp_path / case, boot, listed)], select=["HB002", "HS002"]
        ).findings
        assert [f.code for f in found] == ["HB002", "HB002"], case
        assert "this node 'xen1' (etc/HOSTNAME) is not among" in found[0].message


def test_node_named_by_folder_or_option_is_not_judged(tmp_path: Path) -> None:
    """No file sets uname -n (the folder names the node), or ``--node`` names the tree
    whatever its files say: nothing tells heartbeat's name, so HB002 stays silent."""
    assert _codes(_hb_pair(tmp_path / "folder", {}, "xen-1 xen-2"), "HB002") == []
    roots = _hb_pair(tmp_path / "named", {"etc/sysconfig/network": NETWORK}, "xen-1 xen-2")
    names = {str(roots[0]): "dom0-a", str(roots[1]): "dom0-b"}
    found = lint.run([str(r) for r in roots], select=["HB002"], names=names).findings
    assert found == []


# -- DR006 ---------------------------------------------------------------------------


def _drbd_pair(tmp: Path, boot: dict[str, str], hosts: tuple[str, str]) -> list[Path]:
    conf = (
        "resource r0 {\n  protocol C;\n  syncer { rate 10M; }\n"
        + "".join(
            f"  on {h} {{ device /dev/drbd0; disk /dev/sdb1; address 10.0.0.{i}:7788; "
            "meta-disk internal; }\n"
            for i, h in enumerate(hosts, 1)
        )
        + "}\n"
    )
    roots = []
    for n in ("alpha", "beta"):
        files = {rel: text.format(n) for rel, text in boot.items()} | {"etc/drbd.conf": conf}
        roots.append(tree(tmp, n, files))
    return roots


def test_dr006_rhel5_fqdn_hostname_is_drbd8s_uname(tmp_path: Path) -> None:
    """HOSTNAME=beta.lab.net on RHEL 5: drbdadm 8.x compares ``on`` names with that
    whole (peer-drbdadm --mode 84 --node beta.lab.net: "resource r0 on beta.lab.net:
    ignored"; --mode 83: "no normal resources defined for this host"), so ``on beta``
    is not this node: DR006 says so, naming the file. ``on beta.lab.net`` is."""
    boot = {"etc/sysconfig/network": NETWORK.replace("{}", "{}.lab.net")}
    bad = _drbd_pair(tmp_path / "bad", boot, ("alpha", "beta"))
    found = lint.run([str(r) for r in bad], select=["DR006"], versions=DRBD83).findings
    assert [Path(f.path).parts[-3] for f in found] == ["alpha", "beta"]
    assert "compares 'on' names with uname -n 'beta.lab.net' exactly" in found[1].message
    assert "(etc/sysconfig/network)" in found[1].message
    good = _drbd_pair(tmp_path / "good", boot, ("alpha.lab.net", "beta.lab.net"))
    assert _codes(good, "DR006", versions=DRBD83) == []


def test_dr006_sles_uname_is_the_short_name(tmp_path: Path) -> None:
    """SLES: /etc/HOSTNAME ``beta.lab.net`` boots as ``beta`` (peer-drbdadm --mode 84
    --node beta: "resource r0 on beta: not ignored"): ``on beta`` is this node even for
    drbdadm 8's exact match; ``on BETA`` is not."""
    boot = {"etc/HOSTNAME": "{}.lab.net\n"}
    good = _drbd_pair(tmp_path / "good", boot, ("alpha", "beta"))
    assert _codes(good, "DR006", versions=DRBD83) == []
    bad = _drbd_pair(tmp_path / "bad", boot, ("alpha", "BETA"))
    found = lint.run([str(r) for r in bad], select=["DR006"], versions=DRBD83).findings
    assert [Path(f.path).parts[-3] for f in found] == ["beta"]
    assert "(etc/HOSTNAME)" in found[0].message


# -- the real daemons ----------------------------------------------------------------


def _peer(tool: str, *args: str) -> tuple[int, str]:
    wrapper = peer_tool(tool, "/usr/libexec/heartbeat/heartbeat" if "heart" in tool else "drbdadm")
    proc = subprocess.run(
        [str(wrapper), *args], capture_output=True, text=True, timeout=120, check=False
    )
    return proc.returncode, proc.stdout


@pytest.mark.peer
@pytest.mark.parametrize(
    ("uname", "listed", "starts"),
    [
        ("xen1", "xen-1 xen-2", False),  # HB002 (RHEL 5 short HOSTNAME, SLES)
        ("xen1", "xen1 xen2", True),
        ("xen1.lab.net", "xen1 xen2", False),  # HS002 (RHEL 5 FQDN HOSTNAME)
        ("xen1.lab.net", "xen1.lab.net xen2.lab.net", True),
        ("xen1", "xen1.lab.net xen2.lab.net", False),  # HB002 (SLES: uname short)
    ],
)
def test_heartbeat_compares_uname_peer(
    tmp_path: Path, uname: str, listed: str, starts: bool
) -> None:
    hacf = tmp_path / "ha.cf"
    # (ucast on lo: the namespace has no eth0 to broadcast on)
    hacf.write_text(HACF.format(listed).replace("bcast eth0 eth1", "ucast lo 127.0.0.2"))
    rc, out = _peer("peer-heartbeat", "--node", uname, str(hacf))
    assert (rc == 0) is starts, out
    if not starts:
        assert f"Current node [{uname}] not in configuration!" in out


@pytest.mark.peer
def test_drbdadm8_compares_uname_whole_peer(tmp_path: Path) -> None:
    (root,) = _drbd_pair(tmp_path, {}, ("alpha", "beta"))[1:]
    conf = str(root / "etc" / "drbd.conf")
    rc, out = _peer("peer-drbdadm", "--mode", "84", "--node", "beta.lab.net", conf)
    assert "resource r0 on beta.lab.net: ignored" in out, out
    rc, out = _peer("peer-drbdadm", "--mode", "83", "--node", "beta.lab.net", conf)
    assert rc == 1 and "no normal resources defined for this host (beta.lab.net)" in out
    rc, out = _peer("peer-drbdadm", "--mode", "84", "--node", "beta", conf)
    assert "resource r0 on beta: not ignored" in out, out


def test_hs002_leaves_cman_to_cm009() -> None:
    """RHEL 5 cman dom0s with ``HOSTNAME=xen01.lab.example.com`` and ``clusternode
    name="xen01"``: cman_tool join tries ``uname -n`` without its domain too (cman's
    verify_nodename; see CM009), so the node joins and HS002 says nothing."""
    from test_audit_trees import TREES

    case = TREES / "rhel5-cman-drift" / "good"
    nodes = [str(n) for n in sorted(case.iterdir())]
    assert lint.run(nodes, select=["HS002", "CM009"]).findings == []


def test_hs002_drbd_side_follows_the_drbd_release(tmp_path: Path) -> None:
    """/etc/hostname ``beta.lab.net`` with ``on beta``: drbdadm 9 finds itself
    (hostnames_equal in drbd-utils user/v9/drbdadm_parser.c compares the host parts
    when one name is short; peer-drbdadm --mode 9 --node beta.lab.net: "resource r0 on
    beta.lab.net: not ignored"), drbdadm 8.3/8.4 do not (strcmp; see above). So HS002's
    DRBD side holds only where DRBD is known to be older than 9.0."""
    boot = {"etc/hostname": "{}.lab.net\n"}
    roots = _drbd_pair(tmp_path, boot, ("alpha", "beta"))
    old = _codes(roots, "HS002", versions=DRBD83)
    assert [(code, parts[-3]) for code, parts, _ in old] == [("HS002", "alpha"), ("HS002", "beta")]
    assert _codes(roots, "HS002", versions={"drbd": Version.parse("9.0")}) == []
    neutral = _drbd_pair(tmp_path / "neutral", boot, ("alpha", "beta"))
    for root in neutral:  # without 8.x's syncer section the files tell no release
        conf = root / "etc" / "drbd.conf"
        conf.write_text(conf.read_text().replace("  syncer { rate 10M; }\n", ""))
    assert _codes(neutral, "HS002") == []


def test_hs002_judges_the_name_the_node_boots_with(tmp_path: Path) -> None:
    """On a RHEL 5/6 tree (rc.sysinit) a stale FQDN in /etc/hostname is not ``uname -n``
    (rc.sysinit never reads it): HS002 judges HOSTNAME= of /etc/sysconfig/network,
    which here gives the short name ha.cf lists. Without rc.sysinit the FQDN file is
    the name (systemd, Debian) and HS002 says so."""
    boot = {
        "etc/hostname": "{}.lab.net\n",
        "etc/sysconfig/network": NETWORK,
        "etc/rc.d/rc.sysinit": "#!/bin/bash\n",
    }
    assert _codes(_hb_pair(tmp_path / "rhel5", boot, "xen1 xen2"), "HS002") == []
    del boot["etc/rc.d/rc.sysinit"], boot["etc/sysconfig/network"]
    found = _codes(_hb_pair(tmp_path / "debian", boot, "xen1 xen2"), "HS002")
    assert [(code, parts[-3]) for code, parts, _ in found] == [("HS002", "xen1"), ("HS002", "xen2")]
