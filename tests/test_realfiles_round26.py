"""Round 26 of lint verdicts on real files from public repositories, against the daemons.

159 real files from 74 repositories (DRBD 8.x/9 incl. WinDRBD and drbdmanage, vendor
multipath.conf, corosync 1.x-3.x and upstream's examples, Pacemaker's own scheduler-test
CIBs, xl HVM/PV domUs, iscsid.conf, lvm.conf, targetcli saveconfig.json) against their
peers, once the release each file shows is taken into account. Fixed: multipath-tools
0.9.6/0.9.7 ignore four keywords lint took as read; CS017's false error on corosync 2
files that keep an old ``service`` section; a nodelist without ring addresses (corosync's
own example) is refused. The two DRBD 9 shapes that had no test yet are pinned. Each file
is written here in our own words after the real one (cited).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import corosync_test, peer_tool
from lintkit import found, tree
from xencfg import lint
from xencfg.formats.lines.bindings import HEADER
from xencfg.formats.schema import Version
from xencfg.versions import MULTIPATH_FIXED_STATE_FILES, MULTIPATH_NO_DISABLE_CHANGED_WWIDS

#: LINBIT/windrbd samples/w0.res: ``protocol`` at the top of the resource, the volume
#: inside each ``on`` (number 17, not 0), a quoted GUID as the disk, the old
#: ``flexible-meta-disk`` spelling and node-ids 1 and 2 (no 0).
WINDRBD = (
    'resource "w0" {\n\tprotocol A;\n\tnet { use-rle no; }\n'
    "\ton a {\n\t\taddress 10.9.0.1:7626;\n\t\tnode-id 1;\n"
    "\t\tvolume 17 {\n\t\t\tdisk /dev/sdb;\n\t\t\tdevice /dev/drbd26;\n"
    "\t\t\tflexible-meta-disk internal;\n\t\t}\n\t}\n"
    "\ton b {\n\t\taddress 10.9.0.2:7626;\n\t\tnode-id 2;\n"
    '\t\tvolume 17 {\n\t\t\tdisk "0b098289-8295-11e7-bddb-0800274272c4";\n'
    "\t\t\tdevice /dev/drbd26;\n\t\t\tflexible-meta-disk internal;\n\t\t}\n\t}\n}\n"
)


def _drbdadm9(conf: Path) -> tuple[int, str]:
    peer = peer_tool("peer-drbdadm", "drbdadm")
    out = subprocess.run(
        [str(peer), "--mode", "9", "--node", "a", str(conf)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    return out.returncode, out.stdout + out.stderr


def test_windrbd_volume_inside_on_is_clean(tmp_path: Path) -> None:
    """drbdadm 9 (peer-drbdadm --mode 9, drbd-utils 9.22) takes the WinDRBD sample as
    it stands: "OK (mode 9)". Lint must give no error on it, and one ``;`` less is
    still refused by both (the test can fail)."""
    root = tree(tmp_path, "w", {"etc/drbd.d/w0.res": WINDRBD})
    report = lint.run([str(root)])
    assert [f.code for f in report.findings if f.severity == "error"] == []
    conf = root / "etc" / "drbd.d" / "w0.res"
    rc, out = _drbdadm9(conf)
    assert rc == 0 and out.startswith("OK"), out
    broken = tree(tmp_path, "b", {"etc/drbd.d/w0.res": WINDRBD.replace("node-id 2;", "node-id 2")})
    assert [f.code for f in lint.run([str(broken)]).findings if f.severity == "error"]
    assert _drbdadm9(broken / "etc" / "drbd.d" / "w0.res")[0] != 0


#: LINBIT/drbdmanage conf/drbdctrl.res: the shared secret between typographic quotes
#: (U+201C/U+201D), as a word processor writes them.
CURLY = WINDRBD.replace("use-rle no;", "shared-secret \u201cs3cret\u201d;")


def test_dr016_typographic_quotes_are_refused(tmp_path: Path) -> None:
    """drbdadm's scanner does not read '\u201c' inside a word: peer-drbdadm --mode 9 on
    the drbdmanage pattern, ":3: Parse error: ';' expected, but got '\ufffd' (TK 282)";
    8.4 and 8.3 likewise ("'TK_STRING | TK_INTEGER' expected"). Lint: DR016 on that
    line; ASCII quotes are fine for both."""
    root = tree(tmp_path, "c", {"etc/drbd.d/w0.res": CURLY})
    assert ("DR016", "w0.res", 3, []) in found("DR016", root)
    rc, out = _drbdadm9(root / "etc" / "drbd.d" / "w0.res")
    assert rc != 0 and ":3: Parse error" in out, out
    plain = CURLY.replace("\u201c", '"').replace("\u201d", '"')
    good = tree(tmp_path, "g", {"etc/drbd.d/w0.res": plain})
    assert found("DR016", good) == []
    assert _drbdadm9(good / "etc" / "drbd.d" / "w0.res")[0] == 0


#: fansilet-roles/mpath files/multipath.conf (NetApp's RHEL sample) and AleER-Dell/Openshift
#: multipath.conf (Dell PowerStore): the bindings file named in defaults, and
#: disable_changed_wwids.
STATE = (
    "defaults {\n\tuser_friendly_names yes\n"
    '\tbindings_file "/etc/multipath/bindings"\n\tdisable_changed_wwids yes\n}\n'
)


def _xc004(root: Path, release: str | None) -> list[tuple[str, str, int]]:
    versions = {} if release is None else {"multipath-tools": Version.parse(release)}
    report = lint.run([str(root)], select=["XC004"], versions=versions)
    return [(f.message.split("'")[1], f.severity, f.line) for f in report.findings]


def test_xc004_keywords_multipath_097_ignores(tmp_path: Path) -> None:
    """multipath-tools installs bindings_file, wwids_file and prkeys_file with
    ``declare_deprecated_handler`` from 0.9.7 and disable_changed_wwids from 0.9.6
    (libmultipath/dict.c at those tags: "ignoring deprecated option ..., using built-in
    value"; multipath.conf.5: "not supported any more, and will be ignored"). Lint's
    keyword tables said every release from 0.5.0 reads them: nothing on a Debian 13
    node (0.11) whose bindings file is not where the line says. 0.9.4 still reads them
    (peer-multipath: only "line 2, "bindings_file" is deprecated and will be disabled in
    a future release"), so nothing is said where it runs. Where 0.9.7+ runs the advice
    keeps the file where those releases read it before the line goes."""
    root = tree(tmp_path, "n", {"etc/multipath.conf": STATE})
    assert _xc004(root, "0.9.4") == []
    assert _xc004(root, "0.11") == [
        ("bindings_file", "warning", 3),
        ("disable_changed_wwids", "warning", 4),
    ]
    eleven = lint.run(
        [str(root)], select=["XC004"], versions={"multipath-tools": Version.parse("0.11")}
    )
    assert "read /etc/multipath/bindings whatever it says" in eleven.findings[0].message
    assert _xc004(root, str(MULTIPATH_NO_DISABLE_CHANGED_WWIDS)) == [
        ("disable_changed_wwids", "warning", 4)
    ]
    assert [(k, sev) for k, sev, _ in _xc004(root, None)] == [
        ("bindings_file", "info"),
        ("disable_changed_wwids", "info"),
    ]
    peer = peer_tool("peer-multipath", "multipath")
    out = subprocess.run(
        [str(peer), str(root / "etc" / "multipath.conf")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert '"bindings_file" is deprecated and will be disabled in a future release' in out
    assert "invalid keyword" not in out  # (0.9.4 reads both)


W1, W3 = "36001405a1b2c3d4e5f60718293a4b5c6", "36001405000000000000000000000c0c3"


def _node(tmp: Path, name: str, files: dict[str, str]) -> Path:
    web = 'name = "web"\nmemory = 512\ndisk = ["phy:/dev/mapper/mpatha,xvda,w"]\n'
    base = {"etc/hostname": f"{name}\n", "etc/ha.d/ha.cf": "node alpha beta\nbcast eth1\n"}
    return tree(tmp, name, {**base, "etc/xen/vm/web": web, **files})


def test_bindings_file_moves_nothing_from_097(tmp_path: Path) -> None:
    """Where 0.9.7 or later runs, multipathd reads /etc/multipath/bindings whatever
    bindings_file says (the handler above), so a stale file there is what counts: alpha
    names mpatha W3 there and W1 in the file the line names, beta W1; MP012 (web's LUN
    differs between the nodes) is right only where the line is ignored."""
    conf = STATE.replace("/etc/multipath/bindings", "/srv/mp/bindings")
    alpha = _node(
        tmp_path,
        "alpha",
        {
            "etc/multipath.conf": conf,
            "etc/multipath/bindings": HEADER + f"mpatha {W3}\n",
            "srv/mp/bindings": HEADER + f"mpatha {W1}\n",
        },
    )
    beta = _node(
        tmp_path,
        "beta",
        {"etc/multipath.conf": STATE, "etc/multipath/bindings": HEADER + f"mpatha {W1}\n"},
    )
    roots = [str(alpha), str(beta)]

    def mp012(release: str) -> int:
        versions = {"multipath-tools": Version.parse(release)}
        return len(lint.run(roots, select=["MP012"], versions=versions).findings)

    assert mp012("0.9.4") == 0  # alpha reads /srv/mp/bindings
    assert mp012(str(MULTIPATH_FIXED_STATE_FILES)) == 2


#: Ando693/haweb corosync.conf and hamza-raza-ivolve/shahnoor corosync.conf: corosync 2's
#: udpu with a nodelist and a cluster_name, plus corosync 1's Pacemaker ``service``
#: section left in from an old guide.
NODES = (
    "nodelist {\n\tnode {\n\t\tring0_addr: 10.9.0.1\n\t\tname: a\n\t\tnodeid: 1\n\t}\n"
    "\tnode {\n\t\tring0_addr: 10.9.0.2\n\t\tname: b\n\t\tnodeid: 2\n\t}\n}\n"
)
UDPU = (
    "totem {\n\tversion: 2\n\tcluster_name: web\n\ttransport: udpu\n"
    "\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 10.9.0.1\n\t\tmcastport: 5405\n\t}\n}\n"
    "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
    + NODES
    + "logging {\n\tto_stderr: yes\n}\nservice {\n\tname: pacemaker\n\tver: 1\n}\n"
)


def _cs017(root: Path, release: str | None = None) -> list[tuple[int, str]]:
    versions = {} if release is None else {"corosync": Version.parse(release)}
    report = lint.run([str(root)], select=["CS017"], versions=versions)
    return [(f.line, f.severity) for f in report.findings]


def test_cs017_old_service_section_beside_a_nodelist(tmp_path: Path) -> None:
    """The ``service`` section made lint read both files as corosync 1's and CS017 said
    every node stays alone (an error); corosync -t 3.1.7 takes them (peer run: rc 0)
    and corosync 1.4.9 reads neither a nodelist nor cluster_name (exec/ has neither
    name), so the file is corosync 2's or a corosync 1 file with a pasted nodelist: a
    warning, the error where corosync 1 is declared, and still an error on a file with
    nothing newer (the nodelist and cluster_name taken out)."""
    root = tree(tmp_path, "n", {"etc/corosync/corosync.conf": UDPU})
    assert _cs017(root) == [(5, "warning")]
    assert _cs017(root, "1.4.2") == [(5, "error")]
    assert _cs017(root, "2.4") == []
    old = UDPU.replace("\tcluster_name: web\n", "").replace(NODES, "")
    assert _cs017(tree(tmp_path, "o", {"etc/corosync/corosync.conf": old})) == [(4, "error")]
    ok, out = corosync_test(root / "etc" / "corosync" / "corosync.conf", "10.9.0.1/32")
    assert ok, out


#: corosync/corosync conf/corosync.conf.example at v3.1.7: a nodelist whose nodes have a
#: name and a nodeid and no ring address, and no interface in totem.
NAMES_ONLY = (
    "totem {\n\tversion: 2\n\tcluster_name: c\n\tcrypto_cipher: none\n\tcrypto_hash: none\n}\n"
    "logging {\n\tto_stderr: yes\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n"
    "nodelist {\n\tnode {\n\t\tname: a\n\t\tnodeid: 1\n\t}\n"
    "\tnode {\n\t\tname: b\n\t\tnodeid: 2\n\t}\n}\n"
)


def test_xc005_nodelist_without_ring_addresses(tmp_path: Path) -> None:
    """corosync -t 3.1.7 refuses upstream's example as it stands (peer run: "parse
    error in config: No interfaces defined"): v3.1.7 exec/totemconfig.c configures a
    link only from a node's ringN_addr or an interface section, 2.4.5 makes the
    interface of the local node's ring0_addr (config_convert_nodelist_to_interface).
    Lint took any nodelist as enough; one ring address per node is."""
    root = tree(tmp_path, "n", {"etc/corosync/corosync.conf": NAMES_ONLY})
    assert found("XC005", root) == [("XC005", "corosync.conf", 13, [])]  # the nodelist
    conf = root / "etc" / "corosync" / "corosync.conf"
    ok, out = corosync_test(conf, "10.9.0.1/32")
    assert not ok and "No interfaces defined" in out
    addressed = NAMES_ONLY.replace("name: a\n", "name: a\n\t\tring0_addr: 10.9.0.1\n")
    addressed = addressed.replace("name: b\n", "name: b\n\t\tring0_addr: 10.9.0.2\n")
    good = tree(tmp_path, "g", {"etc/corosync/corosync.conf": addressed})
    assert found("XC005", good) == []
    assert corosync_test(good / "etc" / "corosync" / "corosync.conf", "10.9.0.1/32")[0]
