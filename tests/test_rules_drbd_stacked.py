"""DR046: a stacked resource whose lower resource the node's drbd configuration does
not define. The failing tree is a disaster-recovery node given only the upper
resource's file; the passing one has the lower resource's file too (no section for
the node). drbdadm 8.3, 8.4 and 9 (peer-drbdadm) refuse the first and accept the
second."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool, unavailable
from lintkit import copy_site, edit_site, found, tree

DRBD_CONF = 'global {\n\tusage-count no;\n}\ninclude "drbd.d/*.res";\n'
LOWER = (
    "resource r0 {\n\tprotocol C;\n"
    "\ton alpha {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.1.1:7788;\n\t\tmeta-disk internal;\n\t}\n"
    "\ton beta {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.1.2:7788;\n\t\tmeta-disk internal;\n\t}\n}\n"
)
UPPER = (
    "resource r0-U {\n\tprotocol A;\n"
    "\tstacked-on-top-of r0 {\n\t\tdevice /dev/drbd10;\n\t\taddress 192.168.5.10:7789;\n\t}\n"
    "\ton dr {\n\t\tdevice /dev/drbd10;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 192.168.5.30:7789;\n\t\tmeta-disk internal;\n\t}\n}\n"
)


def _dr_node(tmp: Path, name: str, with_lower: bool) -> Path:
    files = {"etc/hostname": "dr\n", "etc/drbd.conf": DRBD_CONF, "etc/drbd.d/r0-U.res": UPPER}
    if with_lower:
        files["etc/drbd.d/r0.res"] = LOWER
    return tree(tmp, name, files)


def test_dr046_stacked_on_an_undefined_resource(tmp_path: Path) -> None:
    bad = _dr_node(tmp_path, "bad", with_lower=False)
    good = _dr_node(tmp_path, "good", with_lower=True)
    assert found("DR046", bad) == [("DR046", "r0-U.res", 3, [])]
    assert found("DR046", good) == []


def test_dr046_not_judged_without_the_whole_configuration(tmp_path: Path) -> None:
    """The upper resource's file linted alone, or a drbd.conf whose plain include is
    missing (DR027's): the lower resource may be in a file lint does not see."""
    bad = _dr_node(tmp_path, "bad", with_lower=False)
    assert found("DR046", bad / "etc" / "drbd.d" / "r0-U.res") == []
    (bad / "etc" / "drbd.conf").write_text(DRBD_CONF + 'include "drbd.d/r0.conf";\n')
    assert found("DR046", bad) == []


@pytest.mark.parametrize("mode", ["83", "84", "9"])
def test_dr046_verdicts_are_drbdadms(tmp_path: Path, mode: str) -> None:
    """peer-drbdadm --node dr on the two trees' files concatenated (the wrapper puts the
    addresses of the file it is given on lo): "referenced resource 'r0' not defined"
    (rc 10) without r0, OK with it. The 8.4 and 9 parsers take ``protocol`` in ``net``
    (8.4 reads the resource-level one too, 9 does not)."""
    peer = peer_tool("peer-drbdadm", "drbdadm")

    def verdict(text: str) -> tuple[int, str]:
        if mode == "9":
            text = text.replace("\tprotocol C;\n", "\tnet {\n\t\tprotocol C;\n\t}\n")
            text = text.replace("\tprotocol A;\n", "\tnet {\n\t\tprotocol A;\n\t}\n")
        conf = tmp_path / f"dr-{mode}-{len(text)}.conf"
        conf.write_text(text)
        p = subprocess.run(
            [str(peer), "--mode", mode, "--node", "dr", str(conf)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return p.returncode, p.stdout

    rc, out = verdict("global {\n\tusage-count no;\n}\n" + UPPER)
    assert rc == 1 and "referenced resource 'r0' not defined" in out
    assert verdict("global {\n\tusage-count no;\n}\n" + LOWER + UPPER)[0] == 0


# -- CB038 on a stacked resource's drbd agent: it opens the lower resource's device --------

TRUSTY = (
    Path(__file__).parent
    / "fixtures/unseen7/trusty-corosync23-pcmk1110-drbd84-stacked-dr-xl/nyc1"
    / "var/lib/pacemaker/cib/cib.xml"
)
TIES = (
    '      <rsc_colocation id="c_r0-U_on_ip" score="INFINITY" rsc="ms_drbd_r0-U"'
    ' with-rsc="p_ip_stacked"/>\n'
    '      <rsc_order id="o_ip_before_r0-U" score="INFINITY" first="p_ip_stacked"'
    ' then="ms_drbd_r0-U"/>\n'
)
LINBIT = (
    '      <rsc_colocation id="c_r0-U_on_ip" score="INFINITY" rsc="ms_drbd_r0-U"'
    ' with-rsc="ms_drbd_r0" with-rsc-role="{ROLE}"/>\n'
    '      <rsc_order id="o_ip_before_r0-U" score="INFINITY" first="ms_drbd_r0"'
    ' first-action="promote" then="ms_drbd_r0-U" then-action="start"/>\n'
)


def _stacked_site(tmp: Path, ties: str) -> list[Path]:
    """The unseen7 trusty site (nyc1, nyc2 and the DR node dr1, one drbd.d with r0 and
    r0-U), the stacked resource's constraints replaced by ``ties``."""
    root = copy_site(TRUSTY.parents[5], tmp / "site")
    edit_site(root, "nyc*/var/lib/pacemaker/cib/cib.xml", TIES, ties)
    return sorted(p for p in root.iterdir() if p.is_dir())


def test_cb038_stacked_drbd_agent_not_tied_to_the_lower_master(tmp_path: Path) -> None:
    """ms_drbd_r0-U (ocf:linbit:drbd of the stacked r0-U) opens /dev/drbd0, r0's
    device, which a Secondary refuses ('Wrong medium type'): it must follow r0's
    Master, through the floating IP (the unseen7 tree) or directly (LINBIT's user
    guide: ``colocation ... inf: ms_drbd_r0-U ms_drbd_r0:Master``, ``order ... inf:
    ms_drbd_r0:promote ms_drbd_r0-U:start``). Without the ties CB038 (lint said
    nothing before: it read Filesystem and Xen users only)."""
    found_for = {
        "ip chain": TIES,
        "linbit": LINBIT.format(ROLE="Master"),
        "no role": LINBIT.format(ROLE="Started"),
        "none": "",
    }
    verdicts = {
        name: [f[0] for f in found("CB038", *_stacked_site(tmp_path / name, ties))]
        for name, ties in found_for.items()
    }
    assert verdicts == {"ip chain": [], "linbit": [], "no role": ["CB038"], "none": ["CB038"]}


def test_cb038_stacked_verdicts_are_the_schedulers(tmp_path: Path) -> None:
    """crm_simulate (Pacemaker 2.1.5) on the tree's CIB, both nodes online, r0's master
    score higher on nyc2: with the ties it starts p_drbd_r0-U on nyc2, where r0 is
    promoted; without them on nyc1, where r0 is Secondary."""
    import re
    import shutil

    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")

    def where(ties: str) -> tuple[str, str]:
        states = ""
        for n, (name, score) in enumerate((("nyc1", "100"), ("nyc2", "10000")), 1):
            attrs = "".join(
                f'<nvpair id="t{n}-{k}" name="{k}" value="{v}"/>'
                for k, v in (("master-p_drbd_r0", score), ("master-p_drbd_r0-U", "1000"))
            )
            states += (
                f'<node_state id="{n}" uname="{name}" in_ccm="true" crmd="online"'
                f' join="member" expected="member"><transient_attributes id="t{n}">'
                f'<instance_attributes id="ta{n}">{attrs}</instance_attributes>'
                "</transient_attributes></node_state>"
            )
        text = (
            TRUSTY.read_text()
            .replace(TIES, ties)
            .replace("<status/>", f"<status>{states}</status>")
        )
        path = tmp_path / "sim.xml"
        path.write_text(text)
        out = subprocess.run(
            [exe, "-x", str(path), "-S"], capture_output=True, text=True, timeout=60
        ).stdout
        lower = re.search(r"p_drbd_r0:\d +promote on (\S+)", out)
        upper = re.search(r"p_drbd_r0-U:\d +start on (\S+)", out)
        assert lower and upper, out
        return lower.group(1), upper.group(1)

    assert where(TIES) == ("nyc2", "nyc2")
    assert where("") == ("nyc2", "nyc1")
