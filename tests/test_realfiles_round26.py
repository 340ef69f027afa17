"""Round 26 of lint verdicts on real files from public repositories, against the daemons.

75 new files (DRBD 8.x/9 incl. WinDRBD and drbdmanage, vendor multipath.conf, corosync
1.x-3.x, Pacemaker's own scheduler-test CIBs, xl HVM/PV domUs, iscsid.conf, lvm.conf,
targetcli saveconfig.json) agreed with their peers once the release each file shows is
taken into account; nothing needed a fix. These pin the two DRBD 9 shapes that had no
test yet. Each file is written here in our own words after the real one (cited).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import peer_tool
from lintkit import found, tree
from xencfg import lint

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
