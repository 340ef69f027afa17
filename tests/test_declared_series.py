"""A declared release shorter than the components' release numbers is a series.

An admin who writes ``--target drbd=8.3`` or ``drbd = "8.3"`` runs some 8.3.x, not
8.3.0: lint reads it as "from 8.3, before 8.4" (``InForce.declared``), so a verdict
that turns on a point release inside the series (the agent of DRBD 8.3.2, Pacemaker
2.0.5's stop on-fail check, multipath-tools 0.4.7's ``blacklist``, LVM 2.02.93's
``use_lvmetad``) is not decided as if the oldest release of it ran. A full release
(``8.3.1``) is still that release alone. Each test has the series (the finding it
now gives or no longer gives) and the full release on either side.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.cli import main
from xencfg.formats.schema import InForce, Version
from xencfg.versions import Versions, parse_targets

FIXTURES = Path(__file__).parent / "fixtures"
PM10 = FIXTURES / "gaps-cib" / "pacemaker10-crm.xml"
CB027 = FIXTURES / "cib-truth" / "cb027-stop-on-fail-stop.xml"
CB026 = FIXTURES / "cib-truth" / "cb026-heartbeat-master.xml"
V = Version.parse


def _found(path: Path, code: str, target: str | None = None) -> list[tuple[str, str, str]]:
    versions = parse_targets([target]) if target else None
    result = lint.run([str(path)], select=[code], versions=versions)
    return [(f.code, f.severity, f.message) for f in result.findings]


def test_a_short_declared_release_is_its_series() -> None:
    """8.3 is 8.3.x (any of them), 8.3.7 that release; every component's releases
    have three parts (DRBD 8.3.11, LVM 2.02.187, Xen 4.1.2), so "4" is Xen 4.x."""
    series = Versions(declared={"drbd": V("8.3")}).of("drbd")
    assert series == InForce(low=V("8.3"), below=V("8.4"), source="declared")
    assert series.describe("DRBD") == "DRBD 8.3, declared"
    assert not series.older_than(V("8.3.2")) and not series.at_least(V("8.3.2"))
    assert series.older_than(V("8.4")) and series.at_least(V("8.3"))
    one = Versions(declared={"drbd": V("8.3.7")}).of("drbd")
    assert one == InForce(exact=V("8.3.7"), source="declared")
    assert one.older_than(V("8.3.8")) and one.at_least(V("8.3.2"))
    xen = Versions(declared={"xen": V("4")}).of("xen")
    assert (xen.low, xen.below) == (V("4"), V("5"))
    lvm = Versions(declared={"lvm2": V("2.02")}).of("lvm2")
    assert str(lvm.below) == "2.03"  # (LVM's zeros kept)


def test_verbose_still_says_declared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "a" / "etc"
    root.mkdir(parents=True)
    (root / "drbd.conf").write_text("resource r { syncer { rate 10M; } }\n")
    main(["lint", "-v", "--target", "drbd=8.3", str(tmp_path / "a")])
    out = capsys.readouterr()
    assert "DRBD 8.3, declared" in out.out + out.err


def test_cb035_on_the_83_series(tmp_path: Path) -> None:
    """LINBIT's scripts/drbd.ocf refuses to start without notify from its first release,
    8.3.2 (commit 0da228ae "drbd.ocf: enforce notify enabled", before "Preparing the
    8.3.2 release" 73f433f4): a declared 8.3 may be 8.3.2 to 8.3.16, so CB035 speaks
    (it kept silent, reading 8.3 as 8.3.0); 8.3.1 had no such agent."""
    line = '<nvpair id="ms-drbd0-meta_attributes-notify" name="notify" value="true"/>'
    bare = tmp_path / "bare.xml"
    bare.write_text(PM10.read_text().replace(line, ""))
    assert [c for c, _, _ in _found(bare, "CB035", "drbd=8.3")] == ["CB035"]
    assert _found(bare, "CB035", "drbd=8.3.1") == []
    assert _found(PM10, "CB035", "drbd=8.3") == []


def test_cb027_on_the_20_series() -> None:
    """Pacemaker 2.0.5 resets on-fail=stop on a stop (valid_stop_on_fail; crm_verify
    2.1.5 "Resetting 'on-fail' for web stop action to default value because 'stop' is
    not allowed for stop", tests/test_cib_truth.py's peer run); 2.0.0 to 2.0.4 take it.
    A declared 2.0 may be either: a warning naming the release (it said nothing, as on
    2.0.0); 2.0.5 an error, 2.0.4 nothing."""
    [(_, severity, message)] = _found(CB027, "CB027", "pacemaker=2.0")
    assert severity == "warning"
    assert "from Pacemaker 2.0.5 on (Pacemaker 2.0, declared: older releases take it)" in message
    assert [s for _, s, _ in _found(CB027, "CB027", "pacemaker=2.0.5")] == ["error"]
    assert _found(CB027, "CB027", "pacemaker=2.0.4") == []
    assert [s for _, s, _ in _found(CB027, "CB027")] == ["error"]  # (unknown: as before)


def test_cb026_names_the_series() -> None:
    """Pacemaker 1.1.9 refuses a promotable non-OCF primitive (native_unpack, commit
    9ffca15819; crm_verify 2.1.5 in tests/test_cib_truth.py): a declared 1.1 may be
    older, a warning that names it; 1.1.9 an error."""
    [(_, severity, message)] = _found(CB026, "CB026", "pacemaker=1.1")
    assert severity == "warning" and message.endswith("(Pacemaker 1.1, declared)")
    assert [s for _, s, _ in _found(CB026, "CB026", "pacemaker=1.1.9")] == ["error"]


def test_multipath_04_series_reads_blacklist(tmp_path: Path) -> None:
    """multipath-tools 0.4.7 reads ``blacklist`` (dict.c; 0.4.6 only
    ``devnode_blacklist``): a declared 0.4 may be 0.4.9, so no XC003 (it warned on
    every blacklist, reading 0.4 as 0.4.0); a declared 0.4.6 still warns."""
    conf = tmp_path / "multipath.conf"
    shutil.copy(FIXTURES / "multipath" / "valid" / "two-nodes.conf", conf)
    said = [m for _, _, m in _found(conf, "XC003", "multipath-tools=0.4")]
    assert not [m for m in said if "'blacklist'" in m]
    old = [m for _, _, m in _found(conf, "XC003", "multipath-tools=0.4.6")]
    assert [m for m in old if "keyword 'blacklist':" in m]


def test_lvm_202_series_reads_its_later_settings(tmp_path: Path) -> None:
    """``lvmconfig --typeconfig full --withversions`` (2.03.16 here): use_lvmetad since
    2.2.93, fallback_to_local_locking since 2.2.42; a declared 2.02 runs 2.02.x up to
    RHEL 7's 2.02.187, so no XC003; 2.02.40 declared still gets it."""
    conf = tmp_path / "lvm.conf"
    conf.write_text("global {\n\tlocking_type = 1\n\tuse_lvmetad = 1\n}\n")
    assert _found(conf, "XC003", "lvm2=2.02") == []
    [(_, _, message)] = _found(conf, "XC003", "lvm2=2.02.40")
    assert "use_lvmetad" in message
