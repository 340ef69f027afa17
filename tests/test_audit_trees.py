"""Lint truth on cluster trees in shapes the examples do not cover (the audit of
session 16): each case is a small tree under tests/fixtures/lint-trees/CASE/ with a
``bad`` variant the daemon refuses (or where the documented hazard bites) and a
``good`` variant the daemon accepts, which must lint clean of the rule."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from xencfg import lint

TREES = FIXTURES / "lint-trees"


def _codes(case: str, variant: str, select: list[str]) -> list[tuple[str, str, int]]:
    nodes = sorted((TREES / case / variant).iterdir())
    result = lint.run([str(n) for n in nodes], select=select)
    return sorted((f.code, Path(f.path).name, f.line) for f in result.findings)


def test_drbd_conflicts_count_only_files_drbd_conf_includes() -> None:
    """drbdadm reads /etc/drbd.conf (drbd-utils drbdadm_main.c ``conf_file[]``: the
    drbd-9x/84/83/82.conf names, then drbd.conf) and what its ``include`` statements
    name, nothing else. A drbd.d/old.conf that no include reaches, or the stock
    global_common.conf behind a commented-out include, is never read: `peer-drbdadm
    --mode 84 good/pi1/etc/drbd.conf` says OK. Once drbd.conf includes old.conf,
    drbdadm refuses it: "drbd.d/old.conf:6: conflicting use of IP
    '192.168.4.3:7788' ..." (rc 10)."""
    conflicts = ["DR001", "DR002", "DR003"]
    bad = _codes("drbd-not-included", "bad", conflicts)
    assert {c for c, _, _ in bad} == set(conflicts)
    assert {name for _, name, _ in bad} == {"old.conf"}
    assert _codes("drbd-not-included", "good", conflicts) == []


def test_drbd_common_comes_from_the_included_file() -> None:
    """The node's ``common`` is the one drbd.conf includes (drbd.d/common.conf with
    ``allow-two-primaries`` and no fencing), not the unread global_common.conf's:
    DR011 warns on r0 in both variants, where it used to be silenced in ``good``."""
    for variant in ("bad", "good"):
        found = _codes("drbd-not-included", variant, ["DR011"])
        assert ("DR011", "r0.res", 1) in found
        assert all(name != "global_common.conf" for _, name, _ in found)
