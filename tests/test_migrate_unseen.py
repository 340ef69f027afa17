"""``xencfg migrate`` on cluster shapes no earlier test had, each output judged by the
real tool (corosync -t, crm_verify, drbdadm 9, xl) or by what the report must say.

The inputs are our own text, written after the shapes heartbeat's, DRBD's and Xen's
documentation show (haresources with continued lines, ha.cf ucast paths named by
/etc/hosts names, DRBD 8.3 stacked resources, xm configs that compute passwords).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import xencfg
from conftest import unavailable
from xencfg import migrate


def _tree(root: Path, files: dict[str, str]) -> str:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


# -- secrets ----------------------------------------------------------------------------

XM_COMPUTED_PASSWORDS = (
    "name = 'db'\n"
    "memory = 512\n"
    "kernel = '/boot/vmlinuz-xen'\n"
    "pw = 'Zz9vncsecret'\n"
    "vfb = [ 'type=vnc,vncpasswd=%s' % pw ]\n"
    "vncpasswd = 'abc' + 'Q77secret'\n"
    "disk = [ 'phy:/dev/vg/db,xvda,w' ]\n"
)


def test_xm_passwords_computed_by_expressions_are_masked(tmp_path: Path) -> None:
    """The report quotes every evaluated expression ("evaluated 'vfb = ...' to [...]"),
    so a VNC password built by '%' or '+' appeared in clear text: the converted xl
    config's passwords (DomuDocument.secrets: vncpasswd and the vfb's) are masked too."""
    node = _tree(tmp_path / "n1", {"etc/xen/vm/db": XM_COMPUTED_PASSWORDS})
    m = migrate.plan([node], only=("xen",))
    report = m.report_markdown() + m.report_json()
    assert "evaluated 'vfb" in report
    assert "Zz9vncsecret" not in report and "abcQ77secret" not in report
    shown = m.report_markdown(show_secrets=True)
    assert "vncpasswd=Zz9vncsecret" in shown and "abcQ77secret" in shown


# -- DRBD 9: stacked resources ------------------------------------------------------------

DRBD83_STACKED = """\
global { usage-count no; }
common { protocol C; syncer { rate 40M; } }
resource r0 {
	device /dev/drbd0; disk /dev/vg0/r0; meta-disk internal;
	on alpha { address 10.1.1.31:7789; }
	on bravo { address 10.1.1.32:7789; }
}
resource r0-U {
	syncer { rate 5M; }
	stacked-on-top-of r0 {
		device /dev/drbd10;
		address 192.168.42.1:7788;
	}
	on charlie {
		device /dev/drbd10;
		disk /dev/hda6;
		address 192.168.42.2:7788;
		meta-disk internal;
	}
}
"""


def _drbdadm9(path: Path) -> tuple[int, str]:
    """drbd-utils 9.22's own parser (``DRBD_DRIVER_VERSION_OVERRIDE=9...``: no module
    lookup), ``dump all``: its exit code and what it printed."""
    import os
    import shutil

    if shutil.which("drbdadm") is None:
        unavailable("drbdadm (drbd-utils) is not installed")
    env = {**os.environ, "DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0"}
    p = subprocess.run(
        ["drbdadm", "-c", str(path), "dump", "all"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return p.returncode, p.stdout + p.stderr


def test_drbd9_gives_the_stacked_section_a_node_id(tmp_path: Path) -> None:
    """A stacked resource has two hosts, its stacked-on-top-of section and an 'on' one.
    Numbering only the 'on' sections left one host with a node-id and one without,
    which drbdadm 9.22 refuses ("in resource r0-U, on alpha bravo { ... }: 'node-id'
    keyword missing"); both get one, and drbdadm 9 reads the file."""
    from conftest import migrate_drbd_pair

    out, notes = migrate_drbd_pair(tmp_path, DRBD83_STACKED, "9")
    doc = xencfg.loads(out, "drbd")
    upper = doc.resources.get("r0-U")
    assert upper is not None
    assert [(h.kind, h.node_id) for h in upper.host_list] == [
        ("stacked-on-top-of", 0),
        ("on", 1),
    ]
    assert "node-id: host r0 is node-id 0" in notes
    conf = tmp_path / "drbd9.conf"
    conf.write_text(out)
    rc, said = _drbdadm9(conf)
    assert rc == 0, said
    assert "keyword missing" not in said


# -- ha.cf: every directive gets a report line ----------------------------------------------

HACF_TUNED = """\
logfacility daemon
keepalive 500ms
deadtime 5
warntime 3
udpport 695
bcast eth0
auto_failback on
crm {crm}
compression bz2
compression_threshold 2
traditional_compression off
conn_logd_time 60
realtime on
coredumps true
uuidfrom nodename
msgfmt netstring
hopfudge 1
max_rexmit_delay 250
deadping 10
rtprio 50
node alpha
node beta
"""
HOSTS = "127.0.0.1 localhost\n172.16.0.1 alpha\n172.16.0.2 beta\n"


def _hb_pair(tmp: Path, hacf: str, extra: dict[str, str] | None = None) -> list[str]:
    roots = []
    for name in ("alpha", "beta"):
        files = {
            "etc/ha.d/ha.cf": hacf,
            "etc/ha.d/authkeys": "auth 1\n1 sha1 0123456789abcdef\n",
            "etc/hosts": HOSTS,
            "etc/hostname": name + "\n",
            **(extra or {}),
        }
        roots.append(_tree(tmp / name, files))
    return roots


def test_every_hacf_directive_is_in_the_report(tmp_path: Path) -> None:
    """heartbeat 3.0.6 accepts each of these directives (config.c's directive table);
    corosync.conf holds none of them, and the report used to name only some (initdead,
    udpport, ping, ...): compression, realtime, uuidfrom and the rest vanished without a
    line. Each one now has its line with the reason it needs no counterpart."""
    m = migrate.plan(_hb_pair(tmp_path, HACF_TUNED.format(crm="respawn")), cluster_name="c")
    said = {n.what.split(":")[0].split(" ")[0] for n in m.notes}
    for key in (
        "compression",
        "compression_threshold",
        "traditional_compression",
        "conn_logd_time",
        "realtime",
        "coredumps",
        "uuidfrom",
        "msgfmt",
        "hopfudge",
        "max_rexmit_delay",
        "deadping",
        "rtprio",
        "udpport",
        "auto_failback",
    ):
        assert key in said, key
    # the directives the corosync.conf carries get no 'dropped' line
    dropped = {n.what.split(" ")[0] for n in m.notes if n.kind == "dropped"}
    assert not dropped & {"bcast", "node", "keepalive", "deadtime", "logfacility", "crm"}


def test_v1_crm_off_line_says_the_cib_comes_from_haresources(tmp_path: Path) -> None:
    """'crm off' with a haresources: the report said 'xencfg does not yet convert
    haresources to a CIB: write the CIB by hand' next to the CIB it had just made from
    it (migrations/haresources.py)."""
    roots = _hb_pair(
        tmp_path,
        HACF_TUNED.format(crm="off"),
        {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"},
    )
    m = migrate.plan(roots, cluster_name="c")
    assert any(o.path == "cib.xml" for o in m.outputs)
    text = m.report_markdown()
    assert "does not yet convert" not in text
    crm = [n for n in m.notes if n.what.startswith("crm off")]
    assert crm and crm[0].kind == "dropped" and "made from haresources" in crm[0].why
