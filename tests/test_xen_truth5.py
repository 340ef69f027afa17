"""Xen configuration files in other people's spelling (tests/fixtures/xen-truth5), held
to the real xl (peer-xl: Xen 4.17's ``xl -N create -n`` with the fakexen shim).

Every fix here has a test that failed before it. Source lines are of xen.git at the
RELEASE-4.x.0 tag named: tools/xl/xl_parse.c (tools/libxl/xl_cmdimpl.c before 4.9),
tools/libxl/libxl_types.idl (tools/libs/light/ from 4.15).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import lint
from xencfg.formats.xen.keys import XL_SINCE
from xencfg.versions import Version

XL = "/usr/lib/xen-4.17/bin/xl"
FIXTURES = Path(__file__).parent / "fixtures" / "xen-truth5"
HEAD = 'name = "web"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'


def _peer_xl(path: Path) -> tuple[int, str]:
    peer = peer_tool("peer-xl", XL)
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def _found(
    path: Path, codes: list[str], xen: str | None = "4.17", fmt: str | None = "xl"
) -> list[tuple[str, int, str, str]]:
    versions = {"xen": Version.parse(xen)} if xen else None
    result = lint.run([str(path)], select=codes, versions=versions, force_format=fmt)
    return [(f.code, f.line, f.severity, f.message) for f in result.findings]


# -- setting names xl reads: no "unknown keyword" ---------------------------------------


@pytest.mark.parametrize("key", sorted(XL_SINCE))
def test_a_setting_xl_reads_is_no_unknown_keyword(tmp_path: Path, key: str) -> None:
    """Each name is read by parse_config_data from the release XL_SINCE gives (e.g.
    usbdev: xl_parse.c:2397 of RELEASE-4.17.0, ``xlu_cfg_get_list(config, "usbdev"``);
    lint warned XC003 "unknown keyword 'usbdev'; did you mean 'usbdevice'?"."""
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + f"{key} = 0\n")
    assert _found(path, ["XC003"]) == []


def test_usbdev_of_a_sles_style_guest_is_read_by_xl(tmp_path: Path) -> None:
    """The usbctrl/usbdev pair of xl.cfg(5) 4.7 on; xl 4.17 takes it (peer-xl)."""
    path = tmp_path / "web.cfg"
    path.write_text(
        HEAD + 'usbctrl = [ "version=2, ports=4" ]\n'
        'usbdev = [ "hostbus=1, hostaddr=3, controller=0, port=1" ]\n'
    )
    assert _found(path, ["XC"]) == []
    rc, out = _peer_xl(path)
    assert rc == 0, out
    assert '"usbdevs"' in out
