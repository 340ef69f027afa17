"""Round 27 of lint verdicts on real files from public repositories, against the daemons.

104 real files from 35 repositories, 98 of them not checked before (heartbeat ha.cf,
haresources and authkeys, cman cluster.conf, OCFS2 cluster.conf and o2cb defaults, IET,
iscsid.conf, lvm.conf, xend-config.sxp, xl.conf, xm/xl domUs, CIBs, crm_mon XML,
drbdsetup status JSON, targetcli saveconfig.json) checked with lint, the byte round trip
and their peers. Every file that parses round-trips. Fixed: a stock lvm.conf under an
odd name was read as drbd.conf (an XC001 error on a file lvmconfig accepts); two cman
clusternodes with one nodeid went unreported; ``nice_failback`` after ``auto_failback``
was taken to keep the auto_failback line, where heartbeat sets 'off'; a loose cman
cluster.conf template got an XML error instead of the template warning. Each file here
is written in our own words after the real one (cited).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import peer_tool, unavailable
from lintkit import found, tree
from xencfg import lint
from xencfg.formats import detect

#: jnpkrn/clufter tests/cluster.conf/orig/test6.conf: the second clusternode copied from
#: the first with its name changed and its nodeid left at 1.
SAME_ID = (
    '<?xml version="1.0"?>\n<cluster name="pair" config_version="1">\n'
    "\t<clusternodes>\n"
    '\t\t<clusternode name="node1" nodeid="1"/>\n'
    '\t\t<clusternode name="node2" nodeid="1"/>\n'
    "\t</clusternodes>\n</cluster>\n"
)


def test_cm012_two_clusternodes_with_one_nodeid(tmp_path: Path) -> None:
    """cman knows a member by its nodeid (RHEL 6 cluster sources, ystk/debian-redhat-cluster:
    cman/daemon/commands.c ``add_ais_node`` finds the member with ``find_node_by_nodeid``);
    config/man/cluster.conf.5: "The node id must be greater than zero and unique";
    cman/man/cman.5: a join "may be rejected" under an id already used; ccs_tool refuses
    to add one (config/tools/ccs_tool/editconf.c:480 "nodeid %s already in use"). No
    cman runs here, so the sources back the verdict: CM012 on the second node, pointing
    at the first; distinct ids are clean."""
    root = tree(tmp_path, "same", {"etc/cluster/cluster.conf": SAME_ID})
    assert found("CM012", root) == [("CM012", "cluster.conf", 5, [4])]
    apart = SAME_ID.replace('"node2" nodeid="1"', '"node2" nodeid="2"')
    assert found("CM012", tree(tmp_path, "apart", {"etc/cluster/cluster.conf": apart})) == []


#: ppouliot/ansible-drbd_virt_cluster templates/clvm/lvm.conf.j2 (and every stock lvm.conf
#: of LVM 2.02.1xx/2.03, e.g. slvlnx/test_etc_dell lvm/lvm.conf): the ``report`` section's
#: time_format help has comment lines ending in ';'.
LVM_SEMICOLON = (
    "# lvm.conf written by a playbook\n"
    "global {\n"
    "\t# %H The hour (24-hour clock) as a decimal number (range 0 to 23);\n"
    "\tumask = 077\n"
    "\tlocking_type = 1\n"
    "}\n"
    'devices {\n\tfilter = [ "a|.*|" ]\n}\n'
)


def _lvmconfig_validate(conf: Path) -> tuple[int, str]:
    """``LVM_SYSTEM_DIR=DIR lvmconfig --validate`` (LVM 2.03, the test skips without it)."""
    exe = shutil.which("lvmconfig")
    if exe is None:
        unavailable("lvmconfig (lvm2) is not installed")
    assert exe is not None
    out = subprocess.run(
        [exe, "--validate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=dict(os.environ, LVM_SYSTEM_DIR=str(conf.parent)),
    )
    return out.returncode, out.stdout + out.stderr


def test_lvm_conf_with_a_semicolon_in_a_comment_is_lvm(tmp_path: Path) -> None:
    """An lvm.conf under a name that says nothing (a ``.j2`` template, a copy) is told by
    its content. A ';' in a comment made the sniffer say no, drbd's (``global {``) took
    it and lint gave XC001 "expected 'global', 'common', 'resource'..." (an error) on a
    file ``lvmconfig --validate`` (LVM 2.03.16) calls "LVM configuration valid". A
    drbd.conf, whose statements end in ';', is still drbd's."""
    odd = tmp_path / "lvm.conf.j2"
    odd.write_text(LVM_SEMICOLON)
    assert detect(str(odd)) == "lvm"
    assert [f.code for f in lint.run([str(odd)]).findings if f.severity == "error"] == []
    (tmp_path / "lvmdir").mkdir()
    conf = tmp_path / "lvmdir" / "lvm.conf"
    conf.write_text(LVM_SEMICOLON)
    rc, out = _lvmconfig_validate(conf)
    assert rc == 0 and "LVM configuration valid" in out, out
    drbd = tmp_path / "global.j2"
    drbd.write_text("global {\n\tusage-count no;\n}\ncommon {\n\tnet { protocol C; }\n}\n")
    assert detect(str(drbd)) == "drbd"


#: 7layer-org/7layer.org ha.d/ha.cf_bckup: ``auto_failback on`` and, lines later, the
#: heartbeat 1 ``nice_failback`` kept from an older file.
FAILBACK_BOTH = "node xa\nnode xb\nucast lo 127.0.0.2\nauto_failback on\nnice_failback off\n"


def test_xc005_nice_failback_after_auto_failback_turns_it_off(tmp_path: Path) -> None:
    """heartbeat 3.0.6 config.c set_nice_failback ignores the line's value: after an
    ``auto_failback on``/``off`` line it calls set_auto_failback("off"). peer-heartbeat
    on FAILBACK_BOTH: "'nice_failback off' has been changed to 'auto_failback off'",
    so both lines ask to fail back and heartbeat stays put: an error (lint saw the
    same value on both lines and said nothing). With ``nice_failback on`` there (stay
    put, as run) it is the warning of two lines that disagree, naming 'off' (lint
    said heartbeat ran 'on')."""
    both = tree(tmp_path, "both", {"etc/ha.d/ha.cf": FAILBACK_BOTH})
    result = lint.run([str(both)], select=["XC005"])
    assert [(f.line, f.severity) for f in result.findings] == [(5, "error")]
    assert "runs 'auto_failback off'" in result.findings[0].message
    on = FAILBACK_BOTH.replace("nice_failback off", "nice_failback on")
    kept = lint.run([str(tree(tmp_path, "on", {"etc/ha.d/ha.cf": on}))], select=["XC005"])
    assert [(f.line, f.severity) for f in kept.findings] == [(5, "warning")]
    assert "runs 'auto_failback off'" in kept.findings[0].message
    peer = peer_tool("peer-heartbeat", "/usr/libexec/heartbeat/heartbeat")
    conf = both / "etc" / "ha.d" / "ha.cf"
    out = subprocess.run(
        [str(peer), str(conf)], capture_output=True, text=True, timeout=120, check=False
    ).stdout
    assert "'nice_failback off' has been changed to 'auto_failback off'" in out, out


#: OndrejHome/ansible.ha-cluster-rgmanager templates/cluster.conf.rgmanager.j2: a Jinja
#: loop writes the clusternodes, and an ``{% if %}`` opens ``<cman>`` on two lines.
CMAN_TEMPLATE = (
    '<?xml version="1.0"?>\n<cluster config_version="1" name="{{ cluster_name }}">\n'
    "\t<clusternodes>\n{% for item in play_hosts %}\n"
    '\t\t<clusternode name="{{ item }}" nodeid="{{ loop.index }}"/>\n'
    "{% endfor %}\n\t</clusternodes>\n"
    '{% if two_node %}\n\t<cman two_node="1" expected_votes="1">\n{% else %}\n'
    "\t<cman>\n{% endif %}\n\t</cman>\n</cluster>\n"
)


def test_xc001_a_cman_template_is_a_template(tmp_path: Path) -> None:
    """A loose cluster.conf template got XC001 "not well-formed XML" (an error: the two
    ``<cman>`` openings of the if/else) where lint's own rule for a template outside a
    node's tree, as for the CIB, is the warning "a Jinja template": cman reads no
    template, and the rendered file is the one to check. In /etc/cluster it stays an
    error (ccs_config_validate and cman refuse ``{{``, an XML syntax error)."""
    loose = tmp_path / "cluster.conf.j2"
    loose.write_text(CMAN_TEMPLATE)
    result = lint.run([str(loose)], force_format="cman")
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("XC001", "warning", 2)]
    assert "Jinja template" in result.findings[0].message
    placed = tree(tmp_path, "n", {"etc/cluster/cluster.conf": CMAN_TEMPLATE})
    assert [(f.code, f.severity) for f in lint.run([str(placed)]).findings] == [("XC001", "error")]
