"""LV003, and XC004 no longer saying LVM 2.03 "ignores" locking_type 0, 4 and 5.

LVM 2.03.16's tools/lvmcmdline.c (line 3252): ``locking_type`` 0 and 5 "is deprecated,
using --nolocking", 4 "using --sysinit --readonly", any other value but 1 "using file
locking". Run here with lvm2 2.03.16 (LVM_SYSTEM_DIR holding an lvm.conf with only that
``locking_type`` and a filter on one loop device): ``lvmconfig --validate`` says
"LVM configuration valid" for each; ``pvcreate`` with 0 and 5 prints the --nolocking
warning and creates the PV; with 4 it prints "Operation prohibited while --readonly is
set." and creates nothing; with 1 it creates it. LVM 2.02's lib/locking/locking.c
``init_locking``: case 0 "WARNING: Locking disabled. Be careful! This could corrupt
your metadata.", case 4 "Read-only locking selected. Only read operations permitted."
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint
from xencfg.versions import parse_targets


def _found(tmp_path: Path, kind: int, target: str | None) -> list[tuple[str, str, str]]:
    conf = tmp_path / "etc" / "lvm" / "lvm.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(f"global {{\n\tlocking_type = {kind}\n}}\n")
    versions = parse_targets([target]) if target else None
    result = lint.run([str(tmp_path)], select=["LV003", "XC004"], versions=versions)
    return [(f.code, f.severity, f.message) for f in result.findings]


@pytest.mark.parametrize("target", ["lvm2=2.03", "lvm2=2.02", None])
def test_locking_type_0_is_no_locking(tmp_path: Path, target: str | None) -> None:
    [(code, severity, message)] = _found(tmp_path, 0, target)
    assert (code, severity) == ("LV003", "warning") and "no locking" in message
    assert ("--nolocking" in message) is (target == "lvm2=2.03")


def test_locking_type_4_is_read_only(tmp_path: Path) -> None:
    [(code, _, message)] = _found(tmp_path, 4, "lvm2=2.03.16")
    assert code == "LV003" and "read-only" in message and "--sysinit --readonly" in message


def test_locking_type_5_only_on_203(tmp_path: Path) -> None:
    """2.03 runs 5 as --nolocking; on 2.02 (or unknown) nothing is said of it."""
    assert [c for c, _, _ in _found(tmp_path, 5, "lvm2=2.03")] == ["LV003"]
    assert _found(tmp_path, 5, "lvm2=2.02") == []


def test_locking_type_1_and_3_stay_xc004(tmp_path: Path) -> None:
    """1 and 3 are file locking on 2.03 ("using file locking"): ignored, XC004's; no LV003."""
    for kind in (1, 3):
        [(code, severity, message)] = _found(tmp_path, kind, "lvm2=2.03")
        assert (code, severity) == ("XC004", "warning") and "ignore it" in message
    assert _found(tmp_path, 1, "lvm2=2.02") == []
