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
