"""Lint truth on whole clusters of shapes neither earlier audit built (the second
red-team of session 19): each case under tests/fixtures/lint-trees/CASE/ is a ``good``
cluster, per node, that the real daemons accept (checked with the peers in
/work/shared/oracle/peers, as each test says), which must lint with no error and only
true warnings, and a ``bad`` copy with one mistake admins make planted in it, which
lint must name at its path:line:col."""

from __future__ import annotations

from test_audit_unseen_trees import _found, _no_crash, _run


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
