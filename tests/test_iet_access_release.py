"""IET's access lists by release: IS010's advice and IS007's verdict follow usr/plain.c
of the release in force (BackupTheBerlios/iscsitarget-svn).

* 0.4.17 ``plain_initiator_access`` (line 431): refused only when initiators.deny
  matches and initiators.allow does not, so without initiators.deny every initiator
  is admitted, initiators.allow or not.
* 1.4.18 and 1.4.19 ``plain_initiator_allow``: ``if (deny != -ENOENT)`` the same old
  rule, else ``(allow == -ENOENT) ? 1 : !allow``: initiators.allow alone is the list
  of who may log in (README.initiators: "if initiators.deny exists then we will USE
  THE OLD METHOD").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import tree
from xencfg import lint
from xencfg.versions import parse_declared

IETD = "Target iqn.2006-01.net.example:t1\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
ALLOW = "iqn.2006-01.net.example:t1 10.0.0.11\n"
DENY = "iqn.2006-01.net.example:t1 ALL\n"


def _messages(root: Path, code: str, release: str | None) -> list[str]:
    declared = parse_declared({"iscsitarget": release} if release else {}, "test")
    result = lint.run([str(root)], select=[code], versions=declared)
    return [f.message for f in result.findings]


@pytest.mark.parametrize(
    ("release", "deletes", "keeps"),
    [
        # 0.4.x: deleting initiators.deny opens every target: never advise it
        ("0.4.17", False, True),
        # 1.4: initiators.allow alone refuses everyone it does not list
        ("1.4.20", True, False),
        # not known: both, each with its release
        (None, True, True),
    ],
)
def test_is010_advice_is_true_for_the_release(
    tmp_path: Path, release: str | None, deletes: bool, keeps: bool
) -> None:
    files = {"etc/ietd.conf": IETD, "etc/initiators.allow": ALLOW, "etc/initiators.deny": DENY}
    [message] = _messages(tree(tmp_path, "s", files), "IS010", release)
    assert ("delete initiators.deny" in message) is deletes, message
    assert ("'ALL ALL'" in message and "opens every target" in message) is keeps, message
    if deletes and keeps:
        assert "on IET 0.4.x deleting it opens every target" in message


@pytest.mark.parametrize(
    ("release", "open_"),
    [
        ("0.4.17", True),  # initiators.allow alone refuses nobody
        ("1.4.20", False),  # initiators.allow alone is the whitelist
        (None, False),  # not known: no warning a 1.4 cluster would not deserve
    ],
)
def test_is007_allow_alone_protects_nothing_on_iet_04(
    tmp_path: Path, release: str | None, open_: bool
) -> None:
    files = {"etc/ietd.conf": IETD, "etc/initiators.allow": ALLOW}
    got = _messages(tree(tmp_path, "s", files), "IS007", release)
    assert bool(got) is open_, got
    if open_:
        assert "IET 0.4 reads initiators.allow only to let back in" in got[0]
    # an initiators.deny with lines refuses someone on every release
    files["etc/initiators.deny"] = DENY
    assert _messages(tree(tmp_path / "d", "s", files), "IS007", release) == []
