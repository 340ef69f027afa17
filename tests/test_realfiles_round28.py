"""Round 28 of lint verdicts on real files from public repositories, against the daemons.

77 real files from 40 repositories, 76 of them from 39 repositories not checked before
(multipath.conf of RHEL 5-8, Proxmox, NetApp/QNAP/IBM vendor blocks; corosync 1.x-3.x;
DRBD 8.3/8.4/9 resources; heartbeat ha.cf/authkeys/haresources; iscsid.conf,
initiatorname.iscsi, ietd.conf, lvm.conf; xm/xl domUs, xend-config.sxp, xl.conf; OCFS2
cluster.conf; CIBs; pcs status text; targetcli saveconfig.json) checked with lint, the
byte round trip and their peers. Every file that parses round-trips; nothing crashed or
hung. Fixed: a corosync 1.x/2.x file with a line that is no section, key or '}'
(gutleib/lizardfs-ha corosync.conf: ``compatybility whitetank``) was a syntax error,
where corosync before 3.0 skips the line. Each file here is written in our own words
after the real one (cited).
"""

from __future__ import annotations

from pathlib import Path

from conftest import corosync_test
from lintkit import tree
from xencfg import lint
from xencfg.formats.schema import Version

#: gutleib/lizardfs-ha corosync.conf (openais-era corosync 1.x, ``interface`` with
#: ``ringnumber``): its second line misspells ``compatibility:`` and has no colon.
#: (rohguentak76/lustre_prac corosync.conf likewise has shell notes above a corosync 2
#: totem with ``rrp_mode``.)
OLD = (
    "compatability none\n"
    "totem {\n\tversion: 2\n\tinterface {\n\t\tringnumber: 0\n"
    "\t\tbindnetaddr: 10.9.0.0\n\t\tmcastaddr: 239.255.9.9\n\t\tmcastport: 99999\n\t}\n}\n"
)
#: the same typo in a file only corosync 3 reads (knet, a nodelist of named nodes)
NEW = (
    "totem {\n\tversion: 2\n\tcluster_name: c\n\ttransport: knet\n}\n"
    "logging {\n\tto_stderr: yes\n\tto_syslog no\n}\n"
    "nodelist {\n\tnode {\n\t\tname: a\n\t\tnodeid: 1\n\t\tring0_addr: 10.9.0.1\n\t}\n}\n"
    "quorum {\n\tprovider: corosync_votequorum\n}\n"
)


def _xc(root: Path, corosync: str | None = None) -> list[tuple[str, str, int | None]]:
    versions = {} if corosync is None else {"corosync": Version.parse(corosync)}
    report = lint.run([str(root)], select=["XC001", "XC005"], versions=versions)
    return [(f.code, f.severity, f.line) for f in report.findings]


def test_stray_line_is_skipped_before_corosync3(tmp_path: Path) -> None:
    """corosync before 3.0 skips a line holding no '{', ':' or '}': exec/coroparse.c of
    v2.4.6, ``parse_section`` (lines 299-401) tests '{', ':' and '}' in turn and reads
    the next line when none is there. The check that refuses it ("Line is not opening or
    closing section or key value", v3.0.0 coroparse.c:454) came with commit 80701845
    (2018, first in v2.99.4). So on a file written for corosync 1.x/2.x (``ringnumber``)
    the XC001 is a warning, and lint still checks the rest (XC005 on the port); a
    declared corosync 3 makes it an error, a declared 2.4 a warning on any file."""
    root = tree(tmp_path, "old", {"etc/corosync/corosync.conf": OLD})
    assert _xc(root) == [("XC001", "warning", 1), ("XC005", "error", 8)]
    report = lint.run([str(root)], select=["XC001"])
    assert "corosync before 3.0 skips" in report.findings[0].message
    assert _xc(root, "3.1")[0] == ("XC001", "error", 1)
    bare = tree(tmp_path, "bare", {"etc/corosync/corosync.conf": "stray\ntotem {\n}\n"})
    assert _xc(bare)[0] == ("XC001", "error", 1)
    assert _xc(bare, "2.4")[0] == ("XC001", "warning", 1)


def test_stray_line_is_refused_by_corosync3(tmp_path: Path) -> None:
    """corosync 3.1.7 ``corosync -t`` refuses the same kind of line in a knet file:
    "parser error: ...:8: Line is not opening or closing section or key value" (peer run,
    rc 8); lint keeps it an error there, and the file with the colon is clean for both."""
    root = tree(tmp_path, "new", {"etc/corosync/corosync.conf": NEW})
    assert _xc(root) == [("XC001", "error", 8)]
    conf = root / "etc" / "corosync" / "corosync.conf"
    ok, out = corosync_test(conf, "10.9.0.1")
    assert not ok and ":8: Line is not opening or closing section or key value" in out, out
    conf.write_text(NEW.replace("to_syslog no", "to_syslog: no"))
    assert _xc(root) == []
    ok, out = corosync_test(conf, "10.9.0.1")
    assert ok, out
