"""Values xl refuses from some release on (XC005 with a release): each refused
spelling fails ``xl create -n`` (peer-xl, xl 4.17) with the message the finding
quotes, and each accepted spelling lints clean and passes. Line numbers are of
tools/xl/xl_parse.c at RELEASE-4.17.0; the release each check came in was read
from the RELEASE-4.x.0 tags of xen-project/xen (tools/libxl/xl_cmdimpl.c before
4.9): device_model_version and tsc_mode 4.2, cpus ranges 4.4 (parse_range), pci
4.6 (4.5 skipped an entry it could not read), timer_mode on PV 4.10."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import lint
from xencfg.versions import Version

XL = "/usr/lib/xen-4.17/bin/xl"
HEAD = 'name = "web"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'

#: line 4 of a PV config -> (what xl 4.17 says, the release that brought the check)
REFUSED = {
    # xl_parse.c:2523-2532: strcmp against the two names, every type (Xen 4.2 on)
    'device_model_version = "bogus"': ('Unknown device_model_version "bogus"', "4.2"),
    'device_model_version = "QEMU-XEN"': ('Unknown device_model_version "QEMU-XEN"', "4.2"),
    # 4.9 took "none"; 4.10 removed it ("xl: add PVH as a guest type")
    'device_model_version = "none"': ('Unknown device_model_version "none"', "4.10"),
    # xl_parse.c:1573-1593: a number 0..3 (strtol base 0), else a libxl name
    'tsc_mode = "bogus"': ('invalid value "bogus" for "tsc_mode"', "4.2"),
    'tsc_mode = ""': ('invalid value "" for "tsc_mode"', "4.2"),
    "tsc_mode = 4": ('invalid value 4 for "tsc_mode"', "4.2"),
    'tsc_mode = "-1"': ('invalid value -1 for "tsc_mode"', "4.2"),
    'tsc_mode = "010"': ('invalid value 8 for "tsc_mode"', "4.2"),
    # xl_parse.c:138-161 parse_range, 201-204 "Invalid pcpu range"
    'cpus = "3-1"': ("Invalid pcpu range: 3-1.", "4.4"),
    'cpus = "0,1 - 3"': ("Invalid pcpu range: 1 - 3.", "4.4"),
    'cpus = "1-"': ("Invalid pcpu range: 1-.", "4.4"),
    'cpus = "^all"': ('Can\'t combine "^" and "all".', "4.4"),
    # xl_parse.c:1530-1535, libxlu_pci.c parse_bdf / key=value pairs
    'pci = [ "zz" ]': ("unable to parse PCI_SPEC_STRING `zz' for passthrough", "4.6"),
    'pci = [ "01:00.0", "1.0" ]': ("unable to parse PCI_SPEC_STRING `1.0'", "4.6"),
    # xl_parse.c:1640-1646, 1663-1667
    'timer_mode = "no_delay_for_missed_ticks"': (
        '"timer_mode" option is not supported for PV guests.',
        "4.10",
    ),
    'timer_mode = 1\nbuilder = "generic"': (
        '"timer_mode" option is not supported for PV guests.',
        "4.10",
    ),
    # HVM: xl_parse.c:1656-1661 (a number outside 0..3) and 1670-1674 (a name
    # libxl_timer_mode_from_string does not know), both since RELEASE-4.2.0
    # (xl_cmdimpl.c:851-861); 4.1 stored any number
    'timer_mode = 7\ntype = "hvm"': ('invalid value 7 for "timer_mode"', "4.2"),
    'timer_mode = "no-delay-for-missed-ticks"\ntype = "hvm"': (
        'invalid value "no-delay-for-missed-ticks" for "timer_mode"',
        "4.2",
    ),
    'timer_mode = "default"\nbuilder = "hvm"': ('invalid value "default" for "timer_mode"', "4.2"),
}

ACCEPTED = [
    'device_model_version = "qemu-xen"',
    'device_model_version = "qemu-xen-traditional"',
    'device_model_version = [ "bogus" ]',  # a list: xl warns and ignores it
    'tsc_mode = "native"',
    'tsc_mode = "Native"',  # strcasecmp
    'tsc_mode = "native_paravirt"',
    "tsc_mode = 2",  # deprecated, accepted
    'tsc_mode = "0x2"',
    'tsc_mode = " 3"',
    'cpus = "1-3"',
    'cpus = "0,2-3,^1"',
    'cpus = "all"',
    'cpus = ""',
    'cpus = "1,,2,"',
    'cpus = [ "3-1" ]',  # the list form is read per vcpu, and took this
    'pci = [ "01:00.0" ]',
    'pci = [ "0000:01:00.0@2,permissive=1" ]',
    'timer_mode = "no_delay_for_missed_ticks"\ntype = "hvm"',
    'timer_mode = "no_delay_for_missed_ticks"\ntype = "pvh"',
    'timer_mode = 1\nbuilder = "hvm"',
    # libxl__enum_from_string is strcasecmp (libxl_utils.c:1012-1024); "unknown" is
    # the enum's default (libxl_types.idl, 4.3 on); numbers are strtol base 0
    'timer_mode = "NO_DELAY_FOR_MISSED_TICKS"\ntype = "hvm"',
    'timer_mode = "unknown"\ntype = "hvm"',
    'timer_mode = "0x2"\ntype = "hvm"',
    'cpus = "0--0"',  # strtoul("-0") is 0: the range 0-0
    'cpus = "-3"',  # one number near 2**64: one round of the loop, a bit libxl ignores
]


def _peer_xl(path: Path) -> tuple[int, str]:
    peer = peer_tool("peer-xl", XL)
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def _found(path: Path, xen: str | None) -> list[tuple[int, str, str]]:
    versions = {"xen": Version.parse(xen)} if xen else None
    result = lint.run([str(path)], select=["XC005"], versions=versions)
    return [(f.line, f.severity, f.message) for f in result.findings]


def _below(release: str) -> str:
    major, minor = release.split(".")
    return f"{major}.{int(minor) - 1}"


@pytest.mark.parametrize("line", list(REFUSED))
def test_xl_refuses_the_value_from_its_release_on(tmp_path: Path, line: str) -> None:
    message, since = REFUSED[line]
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    for xen in ("4.17", since):
        found = _found(path, xen)
        assert [(ln, sev) for ln, sev, _ in found] == [(4, "error")], (line, xen)
        assert message in found[0][2]
    # release unknown: a warning; the release before the check: nothing
    assert [(ln, sev) for ln, sev, _ in _found(path, None)] == [(4, "warning")]
    assert _found(path, _below(since)) == []
    rc, out = _peer_xl(path)
    assert rc == 1 and message in out, out


@pytest.mark.parametrize("line", ACCEPTED)
def test_xl_takes_the_value(tmp_path: Path, line: str) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    for xen in ("4.17", None):
        assert _found(path, xen) == [], (line, xen)
    rc, out = _peer_xl(path)
    assert rc == 0, out


def test_device_model_none_only_from_47_to_49(tmp_path: Path) -> None:
    # xl_cmdimpl.c of RELEASE-4.7.0 line 2303 added strcmp(buf, "none") (PVHv2 guests),
    # RELEASE-4.9.0 xl_parse.c:1866 still has it, RELEASE-4.10.0 has not ("xl: add PVH
    # as a guest type", 0f1d3c784e); 4.2 to 4.6 knew only the two qemu names
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + 'device_model_version = "none"\ntype = "hvm"\n')
    for xen in ("4.2", "4.6", "4.10", "4.17"):
        assert [(ln, sev) for ln, sev, _ in _found(path, xen)] == [(4, "error")], xen
    for xen in ("4.7", "4.8", "4.9"):
        assert _found(path, xen) == [], xen
    found = _found(path, None)
    assert [(ln, sev) for ln, sev, _ in found] == [(4, "warning")]
    assert 'type = "pvh"' in found[0][2]


def _xl_runs_past(path: Path, seconds: int) -> bool:
    """Whether xl 4.17 (``xl -N create -n``, as peer-xl runs it) is still running
    after ``seconds``: coreutils timeout then kills it (rc 124)."""
    peer = peer_tool("peer-xl", XL)
    shim = peer.parent / "lib" / "fakexen.so"
    if not shim.exists():  # peer-xl builds the shim on first use
        _peer_xl(path)
    run = subprocess.run(
        ["timeout", "-k", "1", str(seconds), XL, "-N", "create", "-n", str(path)],
        capture_output=True,
        env={"LD_PRELOAD": str(shim), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        timeout=seconds + 30,
    )
    return run.returncode in (124, 137, -9)


def test_cpus_range_with_a_negative_end_hangs_xl(tmp_path: Path) -> None:
    # xl_parse.c:138-161 (4.17) parse_range: strtoul reads "-3" as 2**64-3, which is
    # not ULONG_MAX and not below 1, so "1--3" passes; update_cpumap_range's
    # ``while (ida <= idb)`` (lines 207-223) then counts to 2**64: xl never finishes
    # (peer-xl is killed by its own 20 s timeout, rc 124). parse_range came in 4.4.
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + 'cpus = "1--3"\n')
    for xen in ("4.4", "4.17"):
        found = _found(path, xen)
        assert [(ln, sev) for ln, sev, _ in found] == [(4, "error")], xen
        assert "xl hangs on '1--3'" in found[0][2]
    assert [(ln, sev) for ln, sev, _ in _found(path, None)] == [(4, "warning")]
    assert _found(path, "4.3") == []
    assert _xl_runs_past(path, 3)
    ok = tmp_path / "ok.cfg"
    ok.write_text(HEAD + 'cpus = "1-3"\n')
    assert _found(ok, "4.17") == []
    assert not _xl_runs_past(ok, 3)
