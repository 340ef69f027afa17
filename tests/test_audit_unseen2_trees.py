"""Lint truth on whole clusters of shapes neither earlier audit built (the second
red-team of session 19): each case under tests/fixtures/lint-trees/CASE/ is a ``good``
cluster, per node, that the real daemons accept (checked with the peers in
/work/shared/oracle/peers, as each test says), which must lint with no error and only
true warnings, and a ``bad`` copy with one mistake admins make planted in it, which
lint must name at its path:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import tree
from test_audit_unseen_trees import _found, _no_crash, _run
from xencfg import lint
from xencfg.formats.schema import Version


def _xc005(root: Path, **versions: str) -> list[tuple[int, str]]:
    declared = {k: Version.parse(v) for k, v in versions.items()}
    result = lint.run([str(root)], select=["XC005"], versions=declared or None)
    return [(f.line, f.severity) for f in result.findings]


def test_squeeze_heartbeat3_pacemaker10_drbd83_with_xm_drbd_disks() -> None:
    """Debian squeeze: heartbeat 3.0.3 (``crm respawn``, dopd) + Pacemaker 1.0.9 on
    ares/eris, two migrating ``ocf:heartbeat:Xen`` guests whose xm configs say
    ``drbd:RES,xvda,w``, drbd.conf with squeeze's ``include "drbd.d/*.res";``.
    Checked: peer-drbdadm --mode 83 --node N on drbd.conf (includes resolved; OK on the
    includes pasted into one file, where the wrapper can put the IPs on lo),
    peer-heartbeat --node N (ha.cf with eth0/eth1 mapped to lo: "configuration
    validated"), peer-crm-verify (only the empty status section's fencing warnings),
    peer-xl and peer-xm-python on both guests. Declared drbd 8.3: no error; the
    warnings are true: DR011 (two primaries with ``fencing resource-only``: the DRBD
    8.3 guide asks resource-and-stonith), HB011 (heartbeat ignores ``auto_failback``
    under the CRM), CB009 (IPMI passwords in the CIB).
    ``bad``: ares's hosts-allow admits only ares (xend's connection.py
    ``hostAllowed`` matches the peer's address and getfqdn): XN007 at its line."""
    case = "squeeze-hb3-pcmk10-drbd83-migrate"
    good = _run(case, "good", drbd="8.3")
    _no_crash(good)
    assert {(c, s) for c, _, _, _, s in _found(good)} == {
        ("DR011", "warning"),
        ("HB011", "warning"),
        ("CB009", "warning"),
    }
    bad = [f for f in _found(_run(case, "bad", drbd="8.3")) if f[4] == "error"]
    assert bad == [("XN007", "ares/etc/xen/xend-config.sxp", 8, 1, "error")]
    message = next(f.message for f in _run(case, "bad", drbd="8.3").findings if f.code == "XN007")
    assert "admits none of" in message and "eris.example.net" in message


def test_sles11sp1_openais_clvm_ocfs2_on_multipathed_iscsi() -> None:
    """SLES 11 SP1 HAE on three dom0s: corosync 1.2 under openais with two rings, a
    Pacemaker 1.1.2 CIB with SBD, a cloned controld/o2cb/clvmd/LVM/OCFS2 group and two
    migrating Xen guests, lvm.conf ``locking_type = 3``, multipath aliases by WWID,
    open-iscsi at SLES's /etc paths. Checked: peer-multipath (OK), peer-iscsiadm (every
    key known), peer-crm-verify (only the empty status section's fencing warnings),
    peer-augeas LVM.lns (round trip identical), peer-xm-python on both guests (peer-xl
    refuses ``builder="linux"``, which xm of Xen 4.0 takes). No error: the comments after
    numbers are read as the numbers (see the two tests below). Left: CB008 (no monitor
    on the SBD resource) and MP005's advice (info). ``bad``: one digit of vmpool's WWID
    differs on xenc: MP004 at that multipath entry."""
    case = "sles11sp1-clvm-iscsi-multipath-ocfs2"
    good = _run(case, "good")
    _no_crash(good)
    assert {(c, s) for c, _, _, _, s in _found(good)} == {
        ("CB008", "warning"),
        ("MP005", "info"),
    }
    bad = [f for f in _found(_run(case, "bad")) if f[4] == "error"]
    assert bad == [("MP004", "xenc/etc/multipath.conf", 13, 2, "error")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15\t# dm-multipath takes over", []),
        ("15   # comment", []),
        ("# 15", [(2, "error")]),
        ("fifteen # 15", [(2, "error")]),
    ],
)
def test_iscsid_number_with_a_comment_after_it_is_the_number(
    tmp_path: Path, value: str, expected: list[tuple[int, str]]
) -> None:
    """Was a false XC005 error on the SLES 11 tree's iscsid.conf. open-iscsi's
    usr/idbm.c ``idbm_recinfo_config`` takes the rest of the line as the value (it
    strips no comment, only trailing blanks) and ``idbm_node_update_param`` reads a
    TYPE_INT with ``strtoul(value, NULL, 10)``, which stops at the blank: ``15 # ...``
    is 15. A value with no leading digits stays an error (strtoul gives 0)."""
    root = tree(
        tmp_path,
        "n",
        {
            "etc/iscsid.conf": "node.startup = automatic\n"
            f"node.session.timeo.replacement_timeout = {value}\n"
        },
    )
    assert _xc005(root) == expected


COROSYNC1 = (
    "aisexec {\n\tuser: root\n\tgroup: root\n}\n"
    "service {\n\tver: 0\n\tname: pacemaker\n}\n"
    "totem {\n\tversion: 2\n\tthreads: THREADS\n\tinterface {\n\t\tringnumber: 0\n"
    "\t\tbindnetaddr: 10.0.0.0\n\t\tmcastaddr: 239.0.0.1\n\t\tmcastport: 5405\n\t}\n}\n"
)


def test_corosync1_reads_a_number_with_a_comment_after_it(tmp_path: Path) -> None:
    """Was a false XC005 error on the SLES 11 tree's corosync.conf (``threads: 2 #
    ...``). corosync 1's exec/coroparse.c keeps the rest of the line in the value and
    totemconfig reads numbers with atoi (the rule's own docstring: "corosync 1 read them
    with atoi"), so the file works on the openais/corosync 1 stack its ``aisexec`` and
    ``service`` sections show; corosync 2 and 3 (``safe_atoq``) refuse it: an error where
    they are declared, a warning while the release is unknown, nothing on corosync 1.
    A value with no leading digits stays an error everywhere."""
    text = COROSYNC1.replace("THREADS", "2\t# one per CPU")
    root = tree(tmp_path, "one", {"etc/corosync/corosync.conf": text})
    assert _xc005(root) == []
    assert _xc005(root, corosync="2.4") == [(11, "error")]
    bare = text.replace("aisexec {\n\tuser: root\n\tgroup: root\n}\n", "")
    bare = bare.replace("service {\n\tver: 0\n\tname: pacemaker\n}\n", "")
    bare = bare.replace("\t\tringnumber: 0\n", "")
    unknown = tree(tmp_path, "unknown", {"etc/corosync/corosync.conf": bare})
    assert _xc005(unknown) == [(3, "warning")]
    # a nodelist is corosync 2 or later, which refuses it (test_daemon_verdicts'
    # coro_number_unit mutant: corosync -t 3.1.7 "is expected to be integer")
    from test_rules_corosync import conf, node

    listed = node(tmp_path, "listed", conf(totem="\ttoken: 3000\t# 3 s\n"))
    assert [sev for _, sev in _xc005(listed)] == ["error"]
    words = tree(
        tmp_path, "words", {"etc/corosync/corosync.conf": COROSYNC1.replace("THREADS", "two")}
    )
    assert _xc005(words) == [(11, "error")]


def test_corosync1_refuses_an_rrp_mode_with_a_comment_after_it(tmp_path: Path) -> None:
    """Missed before: ``rrp_mode: passive # second ring`` (the comment the SLES 11
    tree first had there) is the value "passive # second ring" in corosync 1, and
    totemconfig.c of v1.4.9 and v2.4.6 compares it with ``strcmp`` to none, active and
    passive: "The RRP mode ... specified is invalid", corosync does not start. An error
    where corosync 1 or 2 is declared, a warning where the release is only inferred or
    unknown; corosync 3 ignores rrp_mode (``corosync -t`` 3.1.7 takes ``rrp_mode:
    passiv`` in a knet file), so nothing there."""
    from test_rules_corosync import conf, daemon_accepts, node

    text = COROSYNC1.replace("THREADS", "0").replace(
        "\tversion: 2\n", "\tversion: 2\n\trrp_mode: passive\t# second ring\n"
    )
    one = tree(tmp_path, "one", {"etc/corosync/corosync.conf": text})
    assert _xc005(one, corosync="1.2") == [(11, "error")]
    assert _xc005(one) == [(11, "warning")]
    fixed = tree(
        tmp_path, "fixed", {"etc/corosync/corosync.conf": text.replace("\t# second ring", "")}
    )
    assert _xc005(fixed, corosync="1.2") == []
    three = node(tmp_path, "three", conf(totem="\trrp_mode: passiv\n"))
    assert _xc005(three, corosync="3.1") == []
    assert daemon_accepts(three, tmp_path)[0]


def test_lenny_aoe_from_a_drbd_pair_to_two_dom0s() -> None:
    """Seed s003's shape: a DRBD 8.0 pair (external indexed meta-disks) whose primary
    exports /dev/drbdN with vbladed, two Xen 3.2 dom0s with the same guest configs on
    ``phy:/dev/etherd/e0.N`` and /etc/xen/auto symlinks, xend relocation between them.
    Checked: peer-drbdadm --mode 83 --node stor1/stor2 and --mode 84 (OK),
    peer-xm-python and peer-xl on both guests (OK). Declared drbd 8.0: nothing at all;
    the same guest file on both dom0s and the auto/ link to it are one guest, not two
    writers. ``bad``: a guest cloned from mail keeps mail's AoE disk: XN004 at its
    ``disk`` line (both open /dev/etherd/e0.1 writable; AoE has no reservations)."""
    case = "lenny-aoe-drbd-two-dom0s"
    good = _run(case, "good", drbd="8.0")
    _no_crash(good)
    assert _found(good) == []
    bad = _found(_run(case, "bad", drbd="8.0"))
    assert bad == [("XN004", "xen2/etc/xen/mon.cfg", 6, 1, "error")]
