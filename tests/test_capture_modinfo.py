"""``xencfg capture`` saves ``modinfo drbd`` and lint reads it back as it reads a
sosreport's modinfo (drbd_module.py): drbd-utils 9's drbdadm runs drbdadm-84 for an
8.4 module (peer-drbdadm --mode 84 refuses ``fencing`` in ``net``), so the module's
release decides which syntax drbd.conf must have."""

from __future__ import annotations

from pathlib import Path

from test_truthgaps4 import _KERNEL, _bionic_nine, _fencing
from xencfg import live

#: ``modinfo drbd`` of Ubuntu 18.04's kernel (the in-tree DRBD 8.4 module).
MODINFO = (
    f"filename:       /lib/modules/{_KERNEL}/kernel/drivers/block/drbd/drbd.ko\n"
    "alias:          block-major-147-*\nlicense:        GPL\nversion:        8.4.10\n"
    "description:    drbd - Distributed Replicated Block Device v8.4.10\n"
)


def test_capture_runs_modinfo_drbd_and_writes_it(tmp_path: Path) -> None:
    """modinfo reads the module file (kmod's modinfo.c) and loads nothing: a reading."""
    cmd = next(c for c in live.COMMANDS if c.name == "modinfo_drbd")
    assert cmd.argvs == (("modinfo", "drbd"),) and cmd.requires is None
    [written] = live.write([live.Captured(cmd, "ok", MODINFO)], tmp_path)
    assert written == tmp_path / live.STATE_DIR / "modinfo_drbd.txt"


def test_captured_modinfo_names_the_module(tmp_path: Path) -> None:
    """Our capture of each node, written by live.write, read back: the nodes load an
    8.4 module, so DRBD 9's ``fencing`` in ``net`` is refused; without it no evidence
    (a refused modinfo, "Module drbd not found", is no reading either)."""
    nodes = _bionic_nine(tmp_path / "with")
    cmd = next(c for c in live.COMMANDS if c.name == "modinfo_drbd")
    for node in nodes:
        live.write([live.Captured(cmd, "ok", MODINFO)], node)
    found = _fencing(nodes)
    assert len(found) == 2, found
    assert all(f"{live.STATE_DIR}/modinfo_drbd.txt:4" in m for m in found)
    assert all("modinfo's 'version: 8.4.10'" in m for m in found)
    nodes = _bionic_nine(tmp_path / "refused")
    for node in nodes:
        said = "modinfo: ERROR: Module drbd not found.\n(exit status 1)\n"
        live.write([live.Captured(cmd, "refused", said)], node)
    assert _fencing(nodes) == []
