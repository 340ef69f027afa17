"""XN020: what ``xl create`` takes in a domU config and then ignores or drops.

Each case is a failing and a passing config (xl 4.17 in force). The failing one is
checked against xl itself (peer-xl, ``xl -N create -n``): it is accepted, and xl
prints the message the finding quotes, or (a silent drop) its JSON lacks the
setting the passing one keeps. Line numbers: tools/xl/xl_parse.c at RELEASE-4.17.0;
the releases from the same code at each RELEASE-4.x.0 tag (xl_cmdimpl.c before 4.9).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import peer_tool
from xencfg import lint
from xencfg.versions import Version

HVM = "name = 'g'\ntype = 'hvm'\nmemory = 512\n"
PV = "name = 'g'\nmemory = 512\nkernel = '/boot/vmlinuz'\n"
X417 = {"xen": Version.parse("4.17")}
XL_BIN = "/usr/lib/xen-4.17/bin/xl"


class Case(NamedTuple):
    bad: str
    good: str
    #: a fragment of the finding's message (also what xl 4.17 prints, if ``said``)
    says: str
    #: the line the finding points at (the setting's)
    line: int
    #: peer-xl prints ``says`` for ``bad`` (True), or its JSON keeps ``kept`` for
    #: ``good`` only (a silent drop)
    said: bool = True
    kept: str = ""


CASES = {
    # xl_parse.c:2501-2517 (4.2 on)
    "device_model": Case(
        HVM + "device_model = '/usr/lib/xen/bin/qemu-dm'\n",
        HVM + "device_model_override = '/usr/lib/xen/bin/qemu-dm'\n",
        "WARNING: ignoring device_model directive.",
        4,
    ),
    # xl_parse.c:1680-1688 (4.5 on; 4.2 to 4.4 ignored any kernel of an HVM guest)
    "hvm kernel hvmloader": Case(
        HVM + "kernel = '/usr/lib/xen/boot/hvmloader'\n",
        HVM + "kernel = '/boot/vmlinuz'\n",
        'you seem to be using "kernel" directive to override HVM guest firmware',
        4,
    ),
    # xl_parse.c:2306-2308 (4.2 on)
    "vif2": Case(
        HVM + "vif2 = [ 'bridge=xenbr0' ]\n",
        HVM + "vif = [ 'bridge=xenbr0' ]\n",
        "vif2: netchannel2 is deprecated and not supported by xl",
        4,
    ),
    # xl_parse.c:1599-1601 (4.5 on)
    "vncviewer": Case(
        HVM + "vncviewer = 1\n",
        HVM,
        'WARNING: ignoring "vncviewer" option.',
        4,
    ),
    # parse_cmdline, xl_parse.c:280-306 (4.5 on)
    "root beside cmdline": Case(
        PV + "root = '/dev/xvda1'\ncmdline = 'root=/dev/xvda2 ro'\n",
        PV + "cmdline = 'root=/dev/xvda2 ro'\n",
        "ignoring root= and extra= in favour of cmdline=",
        4,
    ),
    # xl_parse.c:2604-2620 (4.3 on): stdvga is read only where vga is not given
    "stdvga beside vga": Case(
        HVM + "vga = 'cirrus'\nstdvga = 1\n",
        HVM + "vga = 'stdvga'\n",
        "stdvga beside vga 'cirrus': xl ignores it without a word",
        5,
        said=False,
        kept='"kind": "std"',
    ),
    # parse_nic_config, xl_parse.c:425-433 (4.6 on; before, any type but ioemu was vif)
    "vif type netfront": Case(
        HVM + "vif = [ 'type=netfront, mac=00:16:3e:00:00:01, bridge=xenbr0' ]\n",
        HVM + "vif = [ 'type=vif, mac=00:16:3e:00:00:01, bridge=xenbr0' ]\n",
        "Invalid parameter `type'.",
        4,
    ),
    # xl_parse.c:572-574 (4.6 on; older xl skipped it without a word)
    "vif unknown argument": Case(
        HVM + "vif = [ 'bridge=xenbr0, mac = 00:16:3e:00:00:01' ]\n",
        HVM + "vif = [ 'bridge=xenbr0, mac=00:16:3e:00:00:01' ]\n",
        "unrecognized argument `mac = 00:16:3e:00:00:01'",
        4,
    ),
    # xl_parse.c:562-563 (every release)
    "vif accel": Case(
        HVM + "vif = [ 'bridge=xenbr0, accel=netfront2' ]\n",
        HVM + "vif = [ 'bridge=xenbr0' ]\n",
        "the accel parameter for vifs is currently not supported",
        4,
    ),
    # xl_parse.c:2246-2250 (4.5 on)
    "channel key": Case(
        HVM + "channel = [ 'name=org.qemu.guest_agent.0, connection=pty, mode=rw' ]\n",
        HVM + "channel = [ 'name=org.qemu.guest_agent.0, connection=pty' ]\n",
        "unknown channel parameter 'mode', ignoring",
        4,
    ),
    # xl_parse.c:2331-2336: a piece with no '=' ends the vfb spec, silently
    "vfb piece without =": Case(
        PV + "vfb = [ 'vnc=1, vncunused, vnclisten=0.0.0.0' ]\n",
        PV + "vfb = [ 'vnc=1, vncunused=1, vnclisten=0.0.0.0' ]\n",
        "stops reading it at `vncunused`",
        4,
        said=False,
        kept='"listen": "0.0.0.0"',
    ),
    # xl_parse.c:2337-2363: xm's type=sdl is no key of xl's, skipped silently (VNC on)
    "vfb type sdl": Case(
        PV + "vfb = [ 'type=sdl' ]\n",
        PV + "vfb = [ 'sdl=1, vnc=0' ]\n",
        "xl drops `type=sdl` without a word",
        4,
        said=False,
        kept='"sdl": {\n                "enable": "True"',
    ),
    # xl_parse.c:2575-2596: top-level vnc settings make a PV vfb only without a list
    "pv top-level vnc beside vfb": Case(
        PV + "vfb = [ 'vnc=1' ]\nvnclisten = '0.0.0.0'\n",
        PV + "vfb = [ 'vnc=1, vnclisten=0.0.0.0' ]\n",
        "vnclisten of a PV guest with a vfb list",
        5,
        said=False,
        kept='"listen": "0.0.0.0"',
    ),
    # xl_parse.c parse_config_data, the xlu_cfg_get_long branch (4.2 on): read, and warned
    "tsc_mode number": Case(
        PV + "tsc_mode = 1\n",
        PV + "tsc_mode = 'always_emulate'\n",
        'WARNING: specifying "tsc_mode" as an integer is deprecated.',
        4,
    ),
    # the same for an HVM guest's timer_mode (read in the HVM block only)
    "timer_mode number": Case(
        HVM + "timer_mode = '1'\n",
        HVM + "timer_mode = 'no_delay_for_missed_ticks'\n",
        'WARNING: specifying "timer_mode" as an integer is deprecated.',
        4,
    ),
}


def _lint(path: Path, versions: dict[str, Version] | None = X417) -> list[tuple[int, str, str]]:
    found = lint.run([str(path)], select=["XN020"], versions=versions).findings
    return [(f.line, f.severity, f.message) for f in found]


@pytest.mark.parametrize("name", sorted(CASES))
def test_xn020_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    bad, good = tmp_path / "bad.cfg", tmp_path / "good.cfg"
    bad.write_text(case.bad)
    good.write_text(case.good)
    found = _lint(bad)
    assert len(found) == 1, found
    line, severity, message = found[0]
    assert severity == "warning" and case.says in message
    assert line == case.line
    assert _lint(good) == []


def test_xn020_hvm_vfb_is_ignored(tmp_path: Path) -> None:
    """libxl_dm.c ``libxl__dm_vnc`` (4.2 to 4.19) takes an HVM guest's display from the
    top-level settings, never its vfb list; libxl_create.c adds vfbs for PV and PVH
    guests only. xl (peer-xl) keeps the list in its JSON: the drop is libxl's. A list of
    only ``type=vnc`` and ``vncunused=1`` asks for what an HVM guest gets anyway
    (libxl_create.c:403-408: VNC on, on an unused display)."""
    (tmp_path / "bad.cfg").write_text(HVM + "vfb = [ 'type=vnc, vnclisten=0.0.0.0' ]\n")
    (tmp_path / "good.cfg").write_text(
        HVM + "vfb = [ 'type=vnc, vncunused=1' ]\nvnclisten = '0.0.0.0'\n"
    )
    [(line, _, message)] = _lint(tmp_path / "bad.cfg")
    assert line == 4 and "of an HVM guest: xl ignores the list" in message
    assert _lint(tmp_path / "good.cfg") == []
    # type = "hvm" alone is PV to xl before 4.10 (it ignored type): nothing there
    assert _lint(tmp_path / "bad.cfg", {"xen": Version.parse("4.9")}) == []


def test_xn020_releases(tmp_path: Path) -> None:
    """Nothing where the release in force reads the setting: xl 4.1 loaded an HVM
    guest's kernel and ran ``device_model`` (xl_cmdimpl.c of RELEASE-4.1.0: 741,
    1117), xl 4.4 took ``type=netfront`` as a PV-only NIC (any type but ioemu,
    xl_cmdimpl.c:1362-1366) and spawned a viewer for ``vncviewer`` (986-991); xl 4.2 to
    4.4 ignored any kernel of an HVM guest, 4.5 on boots one not named hvmloader; a
    vif ``mtu=`` is read from 4.15 on, ``trusted`` from 4.17. No xl before 4.1."""
    cfg = tmp_path / "g.cfg"
    cfg.write_text(
        "name = 'g'\nbuilder = 'hvm'\nmemory = 512\nkernel = '/usr/lib/xen/boot/hvmloader'\n"
        "device_model = 'qemu-dm'\nvncviewer = 1\n"
        "vif = [ 'type=netfront, mac=00:16:3e:00:00:01, mtu=9000, trusted' ]\n"
    )

    def lines(release: str | None) -> list[int]:
        versions = {"xen": Version.parse(release)} if release else None
        return sorted(line for line, _, _ in _lint(cfg, versions))

    assert lines("4.17") == [4, 5, 6, 7]  # kernel, device_model, vncviewer, type=netfront
    assert lines("4.15") == [4, 5, 6, 7, 7]  # ... and trusted, known from 4.17
    assert lines("4.14") == [4, 5, 6, 7, 7, 7]  # ... and mtu=, known from 4.15
    assert lines("4.4") == [4, 5, 7, 7]  # kernel, device_model; mtu=, trusted
    assert lines("4.1") == [7, 7]  # mtu= and trusted only
    assert lines("4.0") == []
    assert [s for _, s, _ in _lint(cfg, None)] == ["warning"] * 6  # release unknown
    # another kernel of an HVM guest: ignored by xl 4.2 to 4.4 only
    cfg.write_text("name = 'g'\nbuilder = 'hvm'\nmemory = 512\nkernel = '/boot/vmlinuz'\n")
    assert [line for line, _, _ in _lint(cfg, {"xen": Version.parse("4.4")})] == [4]
    assert _lint(cfg) == []
    # cmdline: read from 4.5 on only (xl_cmdimpl.c of RELEASE-4.4.0 reads no such key)
    cfg.write_text(PV + "cmdline = 'root=/dev/xvda1 ro'\n")
    assert [line for line, _, _ in _lint(cfg, {"xen": Version.parse("4.4")})] == [4]
    assert _lint(cfg) == []
    # vncviewer = 0 asks for no viewer: what xl does (it says "ignoring" all the same)
    cfg.write_text(HVM + "vncviewer = 0\n")
    assert _lint(cfg) == []


def test_xn020_mode_numbers_by_release(tmp_path: Path) -> None:
    """xl 4.1 read tsc_mode as a plain number (xl_cmdimpl.c of RELEASE-4.1.0: no
    warning, no names); 4.2 made both modes libxl enums and warns of a number. A
    number xl refuses (5) is XC005's, not a warning here; a PV guest's timer_mode is
    never read as one (HVM block; 4.10 on refuses it: XC005)."""
    cfg = tmp_path / "g.cfg"
    cfg.write_text("name = 'g'\nbuilder = 'hvm'\nmemory = 512\ntsc_mode = 0x2\ntimer_mode = 3\n")
    [(_, _, tsc), (_, _, timer)] = _lint(cfg, {"xen": Version.parse("4.2")})
    assert 'reads it as "native"; write tsc_mode = "native"' in tsc
    assert 'write timer_mode = "one_missed_tick_pending"' in timer
    assert _lint(cfg, {"xen": Version.parse("4.1")}) == []
    cfg.write_text(PV + "tsc_mode = 5\ntimer_mode = 1\n")
    assert _lint(cfg) == []


def test_xn020_vif_before_4_6_stops_at_a_piece_without_equals(tmp_path: Path) -> None:
    """xl_cmdimpl.c of RELEASE-4.4.0:1322-1324 (4.1 to 4.5): ``if ((p2 = strchr(p,
    '=')) == NULL) break;``, so what follows such a piece is dropped too; xl 4.6 on reads
    every piece (xl_parse.c:2293-2300) and names the one it cannot use."""
    cfg = tmp_path / "g.cfg"
    cfg.write_text(HVM + "vif = [ 'bridge=xenbr0, w, mac=00:16:3e:00:00:01' ]\n")
    old = _lint(cfg, {"xen": Version.parse("4.4")})
    assert any("stops reading it at `w` (no '='), dropping `mac=" in m for _, _, m in old)
    new = _lint(cfg)
    assert [m for _, _, m in new if "stops reading" in m] == []
    assert len(new) == 1 and "unrecognized argument `w'" in new[0][2]


def test_xn020_xm_config_on_xen_4_5(tmp_path: Path) -> None:
    """An xm-style config with no Python statement in it is xl's to read from Xen 4.5
    on (no xend): checked there; before, xm reads it (xend honoured device_model)."""
    cfg = tmp_path / "web"
    cfg.write_text(
        "name = 'web'\nbuilder = 'hvm'\nmemory = 512\ndevice_model = 'qemu-dm'\n"
        "vif = [ 'type=netfront, mac=00:16:3e:00:00:01' ]\nacpi = 1\n"
    )
    assert lint.run([str(cfg)], select=["XN020"], force_format="xm").findings == []
    found = lint.run([str(cfg)], select=["XN020"], force_format="xm", versions=X417).findings
    assert sorted(f.line for f in found) == [4, 5]


def _peer(wrapper: Path, path: Path) -> tuple[int, str]:
    p = subprocess.run([str(wrapper), str(path)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(CASES))
def test_xn020_peer_xl_takes_and_drops(name: str, tmp_path: Path) -> None:
    """xl 4.17 accepts both configs; of the failing one it prints the message the
    finding quotes, or (silent) its JSON lacks what the passing one keeps."""
    wrapper = peer_tool("peer-xl", XL_BIN, "cc")
    case = CASES[name]
    bad, good = tmp_path / "bad.cfg", tmp_path / "good.cfg"
    bad.write_text(case.bad)
    good.write_text(case.good)
    rc_bad, out_bad = _peer(wrapper, bad)
    rc_good, out_good = _peer(wrapper, good)
    assert rc_bad == 0 and rc_good == 0, (out_bad, out_good)
    verdict_bad, _, json_bad = out_bad.partition("\n")
    verdict_good, _, json_good = out_good.partition("\n")
    if case.said:
        assert case.says in verdict_bad and case.says not in verdict_good
    else:
        assert case.kept in json_good and case.kept not in json_bad
