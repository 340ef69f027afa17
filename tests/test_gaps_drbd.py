"""The DRBD gaps session 21 left (gapscib): a bare ``tiebreaker;``, DRBD 9's ``syncer``
section by drbd-utils release, and a node holding two of a resource's floating addresses.

drbd-utils sources are quoted from LINBIT/drbd-utils at the release tags (a git mirror of
the repository); drbdadm is Debian's drbd-utils 9.22 (its 9 parser, and drbdadm-84 and
drbdadm-83 by ``DRBD_DRIVER_VERSION_OVERRIDE``), run through
/work/shared/oracle/peers/peer-drbdadm or in a network namespace of our own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool, unavailable
from lintkit import tree
from xencfg import lint
from xencfg.versions import parse_targets


def found(path: Path, code: str, *targets: str) -> list[tuple[str, str, int, str]]:
    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], select=[code], force_format="drbd", versions=versions)
    return [(f.code, f.severity, f.line, f.message) for f in result.findings]


def peer(conf: Path, mode: str, node: str = "alpha") -> tuple[bool, str]:
    """peer-drbdadm's verdict (accepted?) and what it printed."""
    wrapper = peer_tool("peer-drbdadm", "drbdadm")
    p = subprocess.run(
        [str(wrapper), "--mode", mode, "--node", node, str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return p.returncode == 0, p.stdout + p.stderr


# -- 6. a bare tiebreaker; ---------------------------------------------------------------

QUORUM3 = """resource r0 {
  options {
    quorum majority;
    on-no-quorum io-error;
  }
  volume 0 {
    device /dev/drbd0;
    disk /dev/vg0/r0;
    meta-disk internal;
    TIEBREAKER
  }
  on alpha { node-id 0; address 192.0.2.1:7789; }
  on beta { node-id 1; address 192.0.2.2:7789; }
  on gamma { node-id 2; address 192.0.2.3:7789; }
  connection-mesh { hosts alpha beta gamma; }
}
"""


def _quorum(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "drbd.conf"
    path.write_text(QUORUM3.replace("TIEBREAKER", line))
    return path


@pytest.mark.parametrize("utils", ["9.34", None])
def test_dr026_bare_tiebreaker_is_refused_by_every_release(
    tmp_path: Path, utils: str | None
) -> None:
    """drbd-utils 9.34, the first to read a volume's ``tiebreaker`` (``git log -S
    TK_TIEBREAKER``: commit 84e66c9b, in v9.34.0 only), wants ``yes`` or ``no`` after it:
    user/v9/drbdadm_parser.c line 1030 at v9.34.0 reads the next token and calls
    ``pe_expected("yes | no")`` for anything else, ``;`` too. Every older drbd-utils
    refuses the keyword itself (drbdadm 9.22 here: "'device | disk | meta-disk |
    flex-meta-disk | }' expected, but got 'tiebreaker'"). Lint said nothing with
    drbd-utils 9.34 declared, and only the release warning (XC008) without."""
    path = _quorum(tmp_path, "tiebreaker;")
    targets = [f"drbd-utils={utils}"] if utils else []
    got = found(path, "DR026", *targets)
    assert [(c, s, ln) for c, s, ln, _ in got] == [("DR026", "error", 10)], got
    assert "'yes' or 'no'" in got[0][3]
    ok, out = peer(path, "9")
    assert not ok and "but got 'tiebreaker'" in out, out


def test_dr026_tiebreaker_yes_or_no_passes(tmp_path: Path) -> None:
    """``tiebreaker no;`` is what 9.34 reads (``vol->tiebreaker = 0``); on drbd-utils
    before 9.34 the keyword is XC008's, not DR026's too."""
    for line in ("tiebreaker yes;", "tiebreaker no;"):
        assert found(_quorum(tmp_path, line), "DR026", "drbd-utils=9.34") == []
    bare = _quorum(tmp_path, "tiebreaker;")
    assert found(bare, "DR026", "drbd-utils=9.22") == []
    [(_, severity, _, _)] = found(bare, "XC008", "drbd-utils=9.22")
    assert severity == "error"


# -- 7. syncer { rate } in a DRBD 9 configuration ----------------------------------------

SYNCER9 = """resource r0 {
  syncer { rate 40M; }
  volume 0 {
    device /dev/drbd0;
    disk /dev/vg0/r0;
    meta-disk internal;
  }
  on alpha { node-id 0; address 192.0.2.1:7789; }
  on beta { node-id 1; address 192.0.2.2:7789; }
}
"""

SYNCER84 = """resource r0 {
  syncer { rate 40M; }
  device /dev/drbd0;
  disk /dev/vg0/r0;
  meta-disk internal;
  on alpha { address 192.0.2.1:7789; }
  on beta { address 192.0.2.2:7789; }
}
"""


@pytest.mark.parametrize(
    "text,targets,severity",
    [
        # node-id: a DRBD 9 module; drbd-utils unknown: 9.22-9.28 refuse, 9.29 reads it
        (SYNCER9, (), "warning"),
        (SYNCER9, ("drbd-utils=9.22",), "error"),
        (SYNCER9, ("drbd=9", "drbd-utils=9.28"), "error"),
        (SYNCER9, ("drbd=9", "drbd-utils=9.29"), None),
        # 8.4 syntax with drbd-utils 9.22 and the module unknown: an 8.4 module makes
        # drbdadm 9 exec drbdadm-84, which reads it
        (SYNCER84, ("drbd-utils=9.22",), None),
        (SYNCER84, ("drbd=8.4", "drbd-utils=9.22"), None),
        (SYNCER84, ("drbd=9", "drbd-utils=9.22"), "error"),
    ],
)
def test_xc008_syncer_rate_follows_the_drbd_utils_release(
    tmp_path: Path, text: str, targets: tuple[str, ...], severity: str | None
) -> None:
    """drbd-utils 9.22 to 9.28's ``parse_options_syncer`` (user/v9/drbdadm_parser.c line
    594 at v9.22.0) maps ``rate`` to ``resync-rate`` (``check_deprecated_alias``) and
    looks it up in the net, attach and resource option tables only: "'a syncer option
    keyword' expected, but got 'rate'" (peer-drbdadm --mode 9, below). From v9.29.0 it
    looks in ``peer_device_options_ctx`` too (line 628 at that tag), where resync-rate
    is: accepted. With an 8.4 module, drbdadm 9 runs drbdadm-84 (peer-drbdadm --mode 84:
    OK). So the verdict on ``syncer { rate }`` rests on the drbd-utils release: an error
    where it is known to be before 9.29 and the module 9, a warning while unknown (the
    closing note's "stays a warning" is the true verdict)."""
    path = tmp_path / "drbd.conf"
    path.write_text(text)
    got = [(s, m) for _, s, _, m in found(path, "XC008", *targets) if "'rate'" in m]
    assert [s for s, _ in got] == ([severity] if severity else []), got


def test_syncer_rate_drbdadm_9_22_refuses_and_drbdadm_84_reads(tmp_path: Path) -> None:
    """The runs behind the table above (drbd-utils 9.22)."""
    nine = tmp_path / "nine.conf"
    nine.write_text(SYNCER9)
    ok, out = peer(nine, "9")
    assert not ok and "'a syncer option keyword' expected" in out and "'rate'" in out, out
    old = tmp_path / "old.conf"
    old.write_text(SYNCER84)
    ok, out = peer(old, "84")
    assert ok, out
    ok, out = peer(old, "9")
    assert not ok and "'a syncer option keyword' expected" in out, out


# -- 8. a node holding two floating addresses of one resource -----------------------------

TWO_FLOATING = """resource r0 {
  protocol C;
  floating 10.0.0.1:7788 {
    device /dev/drbd0;
    disk /dev/sdb1;
    meta-disk internal;
  }
  floating 10.0.0.2:7788 {
    device /dev/drbd0;
    disk /dev/sdb1;
    meta-disk internal;
  }
}
"""

ON_AND_FLOATING = """resource r0 {
  protocol C;
  on alpha {
    device /dev/drbd0;
    disk /dev/sdb1;
    address 10.0.0.1:7788;
    meta-disk internal;
  }
  floating 10.0.0.2:7788 {
    device /dev/drbd0;
    disk /dev/sdb1;
    meta-disk internal;
  }
}
"""


def drbdadm_holding(conf: Path, release: str, local: tuple[str, ...]) -> tuple[int, str]:
    """``drbdadm -c CONF dump all`` as node alpha in a network namespace whose ``lo``
    holds ``local`` (peer-drbdadm puts every address of the file there, so it cannot
    show a node holding only some)."""
    if shutil.which("drbdadm") is None:
        unavailable("drbdadm is not installed (Debian package drbd-utils)")
    if shutil.which("unshare") is None or os.geteuid() != 0:
        unavailable("a network namespace needs root and unshare")
    script = (
        'ip link set lo up; for a in $2; do ip addr add "$a"/32 dev lo; done;'
        ' __DRBD_NODE__=alpha DRBD_DRIVER_VERSION_OVERRIDE="$1" exec drbdadm -c "$3" dump all'
    )
    p = subprocess.run(
        ["unshare", "-n", "sh", "-c", script, "sh", release, " ".join(local), str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return p.returncode, p.stdout + p.stderr


#: DRBD 9 wants a node-id in each host section of a resource without connections
TWO_FLOATING_9 = TWO_FLOATING.replace("    device", "    node-id NID;\n    device", 2)
TWO_FLOATING_9 = TWO_FLOATING_9.replace("NID", "0", 1).replace("NID", "1", 1)


@pytest.mark.parametrize(
    "release,text",
    [
        ("8.3.16", TWO_FLOATING),
        ("8.4.11", TWO_FLOATING),
        ("9.2.0", TWO_FLOATING_9),
        ("8.3.16", ON_AND_FLOATING),
        ("8.4.11", ON_AND_FLOATING),
    ],
)
def test_drbdadm_refuses_a_node_holding_two_of_its_host_sections(
    tmp_path: Path, release: str, text: str
) -> None:
    conf = tmp_path / "drbd.conf"
    conf.write_text(text)
    rc, out = drbdadm_holding(conf, release, ("10.0.0.1", "10.0.0.2"))
    assert rc == 10 and "There are multiple host sections for this node" in out, out
    rc, out = drbdadm_holding(conf, release, ("10.0.0.1",))
    assert rc == 0, out


def _ip(*addresses: str) -> str:
    return "".join(f"2: eth0    inet {a}/24 scope global eth0\n" for a in addresses)


@pytest.mark.parametrize(
    "text,alpha_holds,expected",
    [
        (TWO_FLOATING, ("10.0.0.1", "10.0.0.2"), True),
        (TWO_FLOATING, ("10.0.0.1",), False),
        (ON_AND_FLOATING, ("10.0.0.1", "10.0.0.2"), True),
        (ON_AND_FLOATING, ("10.0.0.1",), False),
    ],
)
def test_dr006_node_holding_two_host_sections(
    tmp_path: Path, text: str, alpha_holds: tuple[str, ...], expected: bool
) -> None:
    """drbdadm (8.3, 8.4 and 9 parsers of drbd-utils 9.22, in a network namespace
    holding both addresses: the test above) refuses
    the whole file on a node that holds two floating addresses of a resource, or its
    ``on`` name and one: "in resource r0, on 10.0.0.1:7788 { ... } ... on 10.0.0.2:7788
    { ... }: There are multiple host sections for this node." (rc 10). Lint checked only
    a node holding none. A captured ``ip addr`` says what the node holds."""
    root = tmp_path / "pair"
    tree(
        root,
        "alpha",
        {
            "etc/drbd.conf": text,
            "etc/hostname": "alpha\n",
            "var/lib/xencfg/state/ip_addr.txt": _ip(*alpha_holds),
        },
    )
    tree(
        root,
        "beta",
        {
            "etc/drbd.conf": text,
            "etc/hostname": "beta\n",
            "var/lib/xencfg/state/ip_addr.txt": _ip("10.0.0.2"),
        },
    )
    result = lint.run([str(root)], select=["DR006"])
    got = [f.message for f in result.findings if "multiple host sections" in f.message]
    assert len(got) == (1 if expected else 0), [f.message for f in result.findings]
    if expected:
        assert "alpha holds its floating addresses" in got[0]
