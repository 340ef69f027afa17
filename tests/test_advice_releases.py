"""Advice is true only for a release: every spelling a finding tells the admin to write
(``use 'X'``, ``write 'X'``, ``spell it 'X'``, ``did you mean 'X'?``) must be one the
release in force reads.

Each case lints a tree at one release (declared, as ``--target`` does), collects the
spellings the findings name, writes them into the file the way the advice says, and asks
the peer tool of THAT release (/work/shared/oracle/peers: drbdadm 8.3/8.4/9,
multipath-tools 0.9.4, iscsiadm 2.1.8) whether it reads them. Where no peer runs the
release (open-iscsi 2.0-865, multipath-tools 0.4.7) the check is against the source
line that brought the spelling, cited in the case.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import shared_path, unavailable
from lintkit import tree
from xencfg import lint, rules
from xencfg.formats.multipath import SCHEMA as MULTIPATH
from xencfg.formats.schema import InForce, Version

_SPELLING = re.compile(r"\b(?:use|write|spell it|did you mean) '([^']+)'")


def _advised(root: Path, versions: dict[str, str], select: list[str]) -> set[str]:
    """The spellings the findings at ``versions`` tell the admin to write."""
    declared = {c: Version.parse(v) for c, v in versions.items()}
    result = lint.run([str(root)], select=select, versions=declared)
    return {m for f in result.findings for m in _SPELLING.findall(f.message)}


def _peer(name: str, tool: str) -> Path:
    peer = shared_path("oracle", "peers", name)
    if shutil.which(tool) is None:
        unavailable(f"{tool} is not installed")
    elif os.geteuid() != 0:
        unavailable(f"{name} needs root (unshare)")
    return peer


def _run(*argv: str | Path) -> tuple[int, str]:
    out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=120)
    return out.returncode, out.stdout + out.stderr


# -- open-iscsi (iscsid.conf) --------------------------------------------------

_OLD_ISCSID = (
    "node.session.err_timeo.reset_timeout = 20\n"
    "node.active_cnx = 1\n"
    "node.cnx[0].iscsi.HeaderDigest = None\n"
)


def _iscsid(tmp_path: Path) -> Path:
    return tree(tmp_path, "n1", {"etc/iscsi/iscsid.conf": _OLD_ISCSID})


def test_iscsid_advice_is_read_by_open_iscsi_2_1_8(tmp_path: Path) -> None:
    """peer-iscsiadm (open-iscsi 2.1.8) classifies each advised key KNOWN; before the
    fix lint told a 2.1 node "use 'node.active_conn'", which it calls UNKNOWN."""
    advised = _advised(_iscsid(tmp_path), {"open-iscsi": "2.1.8"}, ["XC004"])
    assert advised == {
        "node.session.err_timeo.lu_reset_timeout",
        "node.conn[0].iscsi.HeaderDigest",
    }
    peer = _peer("peer-iscsiadm", "iscsiadm")
    written = tmp_path / "advised.conf"
    written.write_text("".join(f"{key} = 20\n" for key in sorted(advised)))
    _, out = _run(peer, written)
    for key in advised:
        assert re.search(rf"^KNOWN\S* {re.escape(key)} =", out, re.M), (key, out)


def test_iscsid_advice_for_open_iscsi_2_0_865(tmp_path: Path) -> None:
    """No peer runs 2.0-865; open-iscsi's history is the source: commit 13b0266
    (2007-08-27, "mv nop handling to kernel", usr/version.h still "2.0-865") renamed
    ``node.session.err_timeo.reset_timeout`` to ``lu_reset_timeout``, so 2.0-865 is
    never told to write it; commit 710aa80 (2007-04-24, 2.0-754) dropped
    ``node.active_conn``; commit a972077 (May 2005, 0.3) renamed ``node.cnx`` to
    ``node.conn``, which every 2.0 release reads."""
    root = _iscsid(tmp_path)
    assert _advised(root, {"open-iscsi": "2.0.865"}, ["XC004"]) == {
        "node.conn[0].iscsi.HeaderDigest"
    }
    older = {"open-iscsi": Version.parse("2.0.865")}
    found = lint.run([str(root)], select=["XC004"], versions=older)
    kept = [f for f in found.findings if "reset_timeout'" in f.message]
    assert [f.severity for f in kept] == ["info"]
    assert "keep it while that runs" in kept[0].message


def test_iscsid_advice_with_release_unknown_names_the_release(tmp_path: Path) -> None:
    msgs = [f.message for f in lint.run([str(_iscsid(tmp_path))], select=["XC004"]).findings]
    reset = next(m for m in msgs if "'node.session.err_timeo.reset_timeout'" in m)
    assert "from open-iscsi 2.0.866 on use 'node.session.err_timeo.lu_reset_timeout'" in reset
    assert not any("active_conn" in m for m in msgs)


# -- DRBD ----------------------------------------------------------------------

_HOSTS = (
    "  on alpha { device /dev/drbd0; disk /dev/sda7; address 10.0.0.1:7788; "
    "meta-disk internal; }\n"
    "  on beta { device /dev/drbd0; disk /dev/sda7; address 10.0.0.2:7788; "
    "meta-disk internal; }\n"
)


def _drbd(body: str) -> str:
    return "resource r0 {\n  protocol C;\n" + body + _HOSTS + "}\n"


#: (release declared, peer mode, the file, the spelling the advice names, the file as
#: the advice says to write it)
_DRBD_CASES = [
    (
        {"drbd": "8.4"},
        "84",
        _drbd("  syncer { rate 40M; }\n"),
        "resync-rate",
        _drbd("  disk { resync-rate 40M; }\n"),
    ),
    (
        {"drbd": "8.3"},
        "83",
        _drbd("  disk { resync-rate 40M; }\n"),
        "rate",
        _drbd("  syncer { rate 40M; }\n"),
    ),
    (  # DR026: drbdadm 8.3 takes one word after 'skip'
        {"drbd": "8.3"},
        "83",
        "skip old stuff {\n  resource x { }\n}\n" + _drbd(""),
        "skip {",
        "skip {\n  resource x { }\n}\n" + _drbd(""),
    ),
    (  # DR026: drbdadm 8.3 wants an index after an external meta-disk
        {"drbd": "8.3"},
        "83",
        _drbd("").replace(
            "sda7; address 10.0.0.1:7788; meta-disk internal",
            "sda7; address 10.0.0.1:7788; meta-disk /dev/sdb1",
        ),
        "meta-disk /dev/sdb1 [0]",
        _drbd("").replace(
            "sda7; address 10.0.0.1:7788; meta-disk internal",
            "sda7; address 10.0.0.1:7788; meta-disk /dev/sdb1 [0]",
        ),
    ),
    (  # XC009's did-you-mean (8.3 is not offered it: the test below)
        {"drbd": "8.4"},
        "84",
        _drbd("  disk { resync-rat 40M; }\n"),
        "resync-rate",
        _drbd("  disk { resync-rate 40M; }\n"),
    ),
    (
        {"drbd": "9", "drbd-utils": "9.22"},
        "9",
        _drbd("  syncer { rate 40M; }\n"),
        "resync-rate",
        _drbd("  disk { resync-rate 40M; }\n"),
    ),
]


_IDS = ["8.4", "8.3", "8.3-skip", "8.3-meta-disk", "8.4-typo", "9"]


@pytest.mark.parametrize(("versions", "mode", "text", "spelling", "fixed"), _DRBD_CASES, ids=_IDS)
def test_drbd_advice_is_read_by_drbdadm_of_that_release(
    tmp_path: Path, versions: dict[str, str], mode: str, text: str, spelling: str, fixed: str
) -> None:
    root = tree(tmp_path, "alpha", {"etc/drbd.conf": text})
    assert spelling in _advised(root, versions, ["XC", "DR026"])
    peer = _peer("peer-drbdadm", "drbdadm")
    written = tmp_path / "advised.conf"
    written.write_text(fixed)
    rc, out = _run(peer, "--mode", mode, "--node", "alpha", written)
    assert rc == 0, out


def test_dr011_fix_for_drbd_9_is_read_by_drbdadm_9(tmp_path: Path) -> None:
    """DR011's (and DR042's) documented fix put ``fencing`` in ``disk``, which drbdadm 9
    of drbd-utils 9.22 refuses ("Parse error: 'resync-rate | c-plan-ahead | ...'
    expected, but got 'fencing'", peer-drbdadm --mode 9); the doc now says ``net``
    for DRBD 9, and written there it silences DR011 and drbdadm 9 reads it."""
    for code in ("DR011", "DR042"):
        found = rules.get(code)
        assert found is not None and found.check.__doc__ is not None
        fix = " ".join(found.check.__doc__.split("Fix:", 1)[1].split())
        assert "(DRBD 9: in ``net``" in fix, code
    hosts = _HOSTS.replace("{ device", "{ node-id 0; device", 1).replace(
        "beta { device", "beta { node-id 1; device"
    )
    two = "resource r0 {\n  net { allow-two-primaries yes; %s}\n" + hosts + "}\n"
    root = tree(tmp_path, "alpha", {"etc/drbd.conf": two % ""})
    nine = {"drbd": Version.parse("9"), "drbd-utils": Version.parse("9.22")}
    assert lint.run([str(root)], select=["DR011"], versions=nine).findings
    (root / "etc/drbd.conf").write_text(two % "fencing resource-and-stonith; ")
    assert not lint.run([str(root)], select=["DR011", "XC"], versions=nine).findings
    peer = _peer("peer-drbdadm", "drbdadm")
    rc, out = _run(peer, "--mode", "9", "--node", "alpha", root / "etc/drbd.conf")
    assert rc == 0, out


def test_drbd_8_3_typo_is_not_offered_8_4_keyword(tmp_path: Path) -> None:
    """drbdadm 8.3 refuses ``resync-rate`` ("Parse error: 'a disk option keyword'
    expected", XC008's case above); before the fix the typo 'resync-rat' got "did you
    mean 'resync-rate'?" on a declared 8.3."""
    root = tree(tmp_path, "alpha", {"etc/drbd.conf": _drbd("  disk { resync-rat 40M; }\n")})
    assert "resync-rate" not in _advised(root, {"drbd": "8.3"}, ["XC"])


# -- multipath-tools -------------------------------------------------------------

_OLD_MULTIPATH = 'defaults {\n\tgetuid_callout "/sbin/scsi_id -g -u -s /block/%n"\n}\n'


def test_multipath_0_4_7_is_not_told_to_write_uid_attribute(tmp_path: Path) -> None:
    """No peer runs 0.4.7; the schema (libmultipath/dict.c at each release tag) says
    ``uid_attribute`` came with 0.5.0, so a 0.4.7 box keeps ``getuid_callout``."""
    uid = MULTIPATH.keyword("defaults", "uid_attribute")
    assert uid is not None and uid.since == Version.parse("0.5.0")
    root = tree(tmp_path, "n1", {"etc/multipath.conf": _OLD_MULTIPATH})
    assert "uid_attribute" not in _advised(root, {"multipath-tools": "0.4.7"}, ["XC", "MP"])


def test_multipath_0_9_advice_is_read_by_multipath_0_9_4(tmp_path: Path) -> None:
    root = tree(tmp_path, "n1", {"etc/multipath.conf": _OLD_MULTIPATH})
    advised = _advised(root, {"multipath-tools": "0.9.4"}, ["XC", "MP"])
    assert advised == {"uid_attribute"}
    peer = _peer("peer-multipath", "multipath")
    written = tmp_path / "advised.conf"
    written.write_text('defaults {\n\tuid_attribute "ID_SERIAL"\n}\n')
    rc, out = _run(peer, written)
    assert rc == 0, out


_TYPOS = (
    'defaults {\n\tgetuid_calout "/sbin/scsi_id -g -u -s /block/%n"\n\tprio_calout "/sbin/'
    'mpath_prio_alua %n"\n\tuid_atribute ID_SERIAL\n\tselectr "round-robin 0"\n}\n'
)


def test_multipath_0_4_7_typos_get_0_4_7_spellings(tmp_path: Path) -> None:
    """XC003's did-you-mean names what 0.4.7 reads (the schema: ``getuid_callout``,
    ``prio_callout`` and ``selector`` are 0.4.7's, ``uid_attribute`` came with 0.5.0);
    before the fix 'uid_atribute' got "did you mean 'uid_attribute'?" there."""
    root = tree(tmp_path, "n1", {"etc/multipath.conf": _TYPOS})
    advised = _advised(root, {"multipath-tools": "0.4.7"}, ["XC003"])
    assert advised == {"getuid_callout", "prio_callout", "selector"}
    old = Version.parse("0.4.7")
    for name in advised:
        verdict = MULTIPATH.judge("defaults", name, InForce(exact=old))
        assert verdict is None or verdict.kind not in ("too-new", "gone"), name


def test_multipath_0_9_typos_get_spellings_multipath_0_9_4_reads(tmp_path: Path) -> None:
    """Before the fix 0.9.4 was offered 'getuid_callout' and 'prio_callout', which it
    ignores ("ignoring deprecated option", peer-multipath)."""
    root = tree(tmp_path, "n1", {"etc/multipath.conf": _TYPOS})
    advised = _advised(root, {"multipath-tools": "0.9.4"}, ["XC003"])
    assert advised == {"uid_attribute", "prio", "path_selector"}
    peer = _peer("peer-multipath", "multipath")
    written = tmp_path / "advised.conf"
    values = {"uid_attribute": "ID_SERIAL", "prio": "alua", "path_selector": '"round-robin 0"'}
    written.write_text("defaults {\n" + "".join(f"\t{k} {values[k]}\n" for k in advised) + "}\n")
    rc, out = _run(peer, written)
    assert rc == 0, out


def test_cb025_fix_names_the_op_attribute_of_each_cib_generation() -> None:
    """No Pacemaker 1.0 or heartbeat 2 peer runs here; their schemas are the check:
    heartbeat 2's crm.dtd (Pacemaker-0.6.0 crm/crm-1.0.dtd, line 268) gives ``op`` an
    ``on_fail`` attribute and no ``on-fail``; pacemaker-1.0.rng (resources-1.0.rng)
    the reverse. CB025's fix used to name ``on-fail`` only."""
    dtd = shared_path("oracle", "cib", "crm.dtd").read_text()
    rng = shared_path("oracle", "cib", "rng-1.0.13", "resources-1.0.rng").read_text()
    op = dtd[dtd.index("<!ATTLIST op") :].split(">", 1)[0]
    assert re.search(r"\bon_fail\b", op) and "on-fail" not in op
    assert '<attribute name="on-fail">' in rng and "on_fail" not in rng
    found = rules.get("CB025")
    assert found is not None and found.check.__doc__ is not None
    fix = " ".join(found.check.__doc__.split("Fix:", 1)[1].split())
    assert (
        '``on-fail="block"``' in fix and "heartbeat 2 CIB spells the attribute ``on_fail``" in fix
    )


# -- xend (xend-config.sxp) -------------------------------------------------------


def test_xend_vif_bridge_advice_keeps_the_bridge_a_bridge(tmp_path: Path) -> None:
    """No xend runs here; the source is: Xen 2.0's XendRoot.py ``get_vif_bridge`` reads
    ``vif-bridge`` as a bridge name (default 'xen-br0') and ``get_vif_script``
    ``vif-script`` as a script (default 'vif-bridge'); Xen 3's xend-config.sxp names
    the bridge in the script's arguments. The advice was "use 'vif-script'", i.e.
    ``(vif-script xen-br0)``: xend would run a script called xen-br0. Written as the
    advice now says, xend 3's options read it and lint has nothing to say."""
    root = tree(tmp_path, "n1", {"etc/xen/xend-config.sxp": "(vif-bridge xen-br0)\n"})
    found = lint.run([str(root)], select=["XC004"]).findings
    assert len(found) == 1
    assert "(vif-script 'vif-bridge bridge=NAME')" in found[0].message
    assert "use 'vif-script'" not in found[0].message
    advised = "(vif-script 'vif-bridge bridge=xen-br0')\n"
    (root / "etc/xen/xend-config.sxp").write_text(advised)
    assert not lint.run([str(root)], select=["XC", "XN"]).findings
    peer = _peer("peer-augeas", "augtool")
    written = tmp_path / "xend-config.sxp"
    written.write_text(advised)
    _, out = _run(peer, "Xendconfsxp.lns", written)
    # the lens parses it; its put fails on any file, (vif-script vif-bridge) too
    # ("OK-PARSE-ONLY ... PUT FAILED"), so parsing is the verdict
    assert out.startswith("OK"), out
