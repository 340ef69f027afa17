"""domU spellings not seen before, held to the real xl (peer-xl: Xen 4.17's
``xl -N create -n`` with the fakexen shim) and to xm's Python reading (peer-xm-python).

Each table row says what xl does with the spelling; each test checks both our verdict
and the peer's, so a row that stops being true fails. Source lines are of
RELEASE-4.17.0 of xen-project/xen unless a release is named: tools/xl/xl_parse.c,
tools/libs/util/libxlu_disk_l.l, libxlu_vif.c, libxlu_cfg.c; the release a check came
in was read from the RELEASE-4.x.0 tags (tools/libxl/xl_cmdimpl.c before 4.9).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import lint
from xencfg.versions import Version

XL = "/usr/lib/xen-4.17/bin/xl"
HEAD = 'name = "web"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'


def _peer_xl(path: Path) -> tuple[int, str]:
    peer = peer_tool("peer-xl", XL)
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def _peer_xm(path: Path) -> dict[str, object]:
    """The globals xm's ``execfile`` left (peer-xm-python; the file is test data)."""
    peer = peer_tool("peer-xm-python", "/usr/bin/python3")
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout
    values: dict[str, object] = json.loads(run.stdout.split("\n", 1)[1])
    return values


def _found(
    path: Path, codes: list[str], xen: str | None = "4.17", fmt: str | None = None
) -> list[tuple[str, int, str, str]]:
    versions = {"xen": Version.parse(xen)} if xen else None
    result = lint.run([str(path)], select=codes, versions=versions, force_format=fmt)
    return [(f.code, f.line, f.severity, f.message) for f in result.findings]


# -- disk specs: libxlu_disk_l.l as xl 4.17 runs it ---------------------------------

#: disk specs xl reads (peer-xl OK); the line after the spec, if any, makes it HVM.
DISKS_READ = [
    # deprecated prefixes (libxlu_disk_l.l:201-230): tap2:tapdisk:aio: and tap:tapdisk:
    # are skipped as a chain, qcow2:/raw:/aio: set the format or are ignored
    "tap2:tapdisk:aio:/srv/xen/a.img,xvda,w",
    "tap:tapdisk:aio:/srv/xen/a.img,xvda,w",
    "tap:vhd:/srv/xen/a.vhd,xvda,w",
    "qcow2:/srv/a.qcow2,xvda,w",
    "raw:/dev/vg/a,xvda,w",
    "aio:/srv/a.img,xvda,w",
    "ioemu:/dev/vg/a,hda,w",
    "nbd:10.0.0.1:1234,xvda,w",  # (script block-nbd; the target keeps its colon)
    # target= is the last key and takes the rest, commas too (libxlu_disk_l.l:184)
    "format=raw, vdev=xvda, access=rw,"
    " target=/dev/disk/by-path/ip-10.0.0.1:3260-iscsi-iqn.2008-01.com.x:a,b-lun-0",
    "vdev=xvda,script=/etc/xen/scripts/block-iscsi,target=iqn.x:y",
    "backendtype=standalone, vdev=xvda, target=/srv/a.img",
    "backendtype=qdisk, vdev=xvda, target=/srv/a.img",
    "vdev=xvda, backendtype=phy, specification=xen, target=/dev/vg/a",
    "vdev=xvda, direct-io-safe, target=/dev/vg/a",
    "vdev=xvda, discard, target=/dev/vg/a",
    "vdev=xvda,access=w,target=/dev/vg/a",
    # a blank before a parameter is skipped (the scanner's [ \t\n]+ rule), one after not
    "phy:/dev/vg/a,xvda ,w",
    "phy:/dev/vg/a,/dev/xvda,w",  # (a vdev may be written as a path)
    # a removable disk needs no target (libxlu_disk.c xlu_disk_parse)
    "format=raw,vdev=hdc,access=ro,devtype=cdrom,target=",
    "vdev=hdc,devtype=cdrom",
    "format=empty,vdev=hdc,access=ro,cdrom",
    "phy:/dev/vg/a,ioemu:hda,w\ntype = 'hvm'",
    "phy:/dev/cdrom,hdc:cdrom,r\ntype = 'hvm'",
    # DSET takes the same value again ("" is raw)
    "format=raw,format=raw,vdev=xvda,target=/dev/vg/a",
    "format=,format=raw,vdev=xvda,target=/dev/vg/a",
    "format=qcow2,qcow2:/srv/a.qcow2,xvda,w",
    "backendtype=phy,backendtype=phy,vdev=xvda,target=/dev/vg/a",
]

#: disk spec -> what xl says (peer-xl: "config parsing error in disk specification: ...")
DISKS_REFUSED = {
    # access is r, ro, rw or w, in lower case (libxlu_disk_l.l setaccess)
    "phy:/dev/vg/a,xvda,rw!": "unknown value for access: near `rw!'",
    "file:/srv/a.img,xvda,r!": "unknown value for access: near `r!'",
    "vdev=xvda,access=RW,target=/dev/vg/a": "unknown value for access: near `RW'",
    "vdev=xvda,format=RAW,target=/dev/vg/a": "unknown value for format: near `RAW'",
    # keys are lower case and take no blank before '='
    "VDEV=xvda,target=/dev/vg/a": "bad disk syntax: near `=xvda,target=/dev/vg/a'",
    "vdev = xvda, target=/dev/vg/a": "bad disk syntax: near `= xvda, target=/dev/vg/a'",
    "vdev=xvda, target = /dev/vg/a": "bad disk syntax: near `= /dev/vg/a'",
    # xm's empty-cdrom spelling without its leading comma: hdc:cdrom is the target,
    # then 'r' the format
    "hdc:cdrom,r": "unknown value for format: near `r'",
    # DSET (libxlu_disk_l.l:63-71): an enum set again to another value; a deprecated
    # prefix (raw:, qcow2:, vhd:) and a positional format set it as format= does
    "format=raw,format=qcow2,vdev=xvda,target=/dev/vg/a": "format respecified: near `qcow2'",
    "qcow2:/srv/a.qcow2,xvda,w,format=raw": "format respecified: near `raw'",
    "format=raw,qcow2:/srv/a.qcow2,xvda,w": "format respecified: near `qcow2'",
    "/dev/vg/a,,xvda,rw,format=qcow2": "format respecified: near `qcow2'",  # ("": raw)
    "backendtype=phy,backendtype=tap,vdev=xvda,target=/dev/vg/a": (
        "backend respecified: near `tap'"
    ),
    "specification=xen,specification=virtio,vdev=xvda,target=/dev/vg/a": (
        "specification respecified: near `virtio'"
    ),
}


#: target= written before other parameters: xl's dry run takes the spec, with the rest
#: in the path (peer-xl's JSON "pdev_path"); libxl then cannot stat the device when the
#: guest starts (libxl_device.c:436 "Disk vdev=xvda failed to stat")
TARGET_NOT_LAST = {
    "vdev=xvda,target=/dev/vg/a,access=ro": "/dev/vg/a,access=ro",
    "vdev=xvda, target=/dev/vg/a, discard": "/dev/vg/a, discard",
    "vdev=hdc,target=/srv/a.iso,devtype=cdrom": "/srv/a.iso,devtype=cdrom",
}


@pytest.mark.parametrize("spec", list(TARGET_NOT_LAST))
def test_target_not_last_takes_the_rest_as_path(tmp_path: Path, spec: str) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + f"disk = [ '{spec}' ]\n")
    found = _found(path, ["XN014"])
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XN014", 4, "error")]
    assert "write target= last" in found[0][3]
    rc, out = _peer_xl(path)
    assert rc == 0, out
    disks = json.loads(out.split("\n", 1)[1])["disks"]
    assert disks[0]["pdev_path"] == TARGET_NOT_LAST[spec]


@pytest.mark.parametrize("spec", DISKS_READ)
def test_xl_reads_the_disk_spec(tmp_path: Path, spec: str) -> None:
    disk, _, rest = spec.partition("\n")
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + f"disk = [ '{disk}' ]\n" + (rest + "\n" if rest else ""))
    assert _found(path, ["XN014", "XN015", "XC005"]) == []
    rc, out = _peer_xl(path)
    assert rc == 0, out


@pytest.mark.parametrize("spec", list(DISKS_REFUSED))
def test_xl_refuses_the_disk_spec(tmp_path: Path, spec: str) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + f"disk = [ '{spec}' ]\n")
    why = DISKS_REFUSED[spec]
    found = _found(path, ["XN014"])
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XN014", 4, "error")]
    assert why in found[0][3]
    rc, out = _peer_xl(path)
    assert rc == 1 and why in out, out


# -- vif rate=, mtu=, maxvcpus, pci, vga, bios: XC005 from the release of the check --

#: line 4 of a PV config -> (what xl 4.17 says, the release that brought the check)
VALUES_REFUSED = {
    # libxlu_vif.c:5 "^[0-9]+[GMK]?[Bb]/s$": a unit is required, in this spelling
    "vif = [ 'mac=00:16:3e:00:00:01,rate=100000000' ]": ("invalid rate in `100000000'", "4.2"),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mbit/s' ]": ("invalid rate in `10Mbit/s'", "4.2"),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10mb/s' ]": ("invalid rate in `10mb/s'", "4.2"),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s ' ]": ("invalid rate in `10Mb/s '", "4.2"),
    # libxlu_vif.c:112-116 ('@' splits off the interval); 6 "^[0-9]+[mu]?s?$"
    "vif = [ 'mac=00:16:3e:00:00:01,rate=@20ms' ]": ("no rate specified in `@20ms'", "4.2"),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@' ]": (
        "invalid replenishment interval in `'",
        "4.2",
    ),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@20ms@1' ]": (
        "invalid replenishment interval in `20ms@1'",
        "4.2",
    ),
    # libxlu_vif.c:29-34: strtoull base 0 reads 0 (08: octal, stops at 8) or > 2**32-1
    "vif = [ 'mac=00:16:3e:00:00:01,rate=08Mb/s' ]": ("rate overflow in `08Mb/s'", "4.2"),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=4294967296B/s' ]": (
        "rate overflow in `4294967296B/s'",
        "4.2",
    ),
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@0ms' ]": (
        "replenishment interval overflow in `0ms'",
        "4.2",
    ),
    # libxlu_vif.c:76-80: 5000 s is more microseconds than 32 bits hold
    "vif = [ 'mac=00:16:3e:00:00:01,rate=1GB/s@5000s' ]": (
        "replenishment interval overflow in `5000s'",
        "4.2",
    ),
    # libxlu_vif.c:125-129: bytes per second times interval past 2**64
    "vif = [ 'mac=00:16:3e:00:00:01,rate=4294967295GB/s@4294s' ]": (
        "rate overflow in `4294967295GB/s@4294s'",
        "4.2",
    ),
    # xl_parse.c:389-399 parse_ulong (strtoul base 10; no digit, or ULONG_MAX), 4.15 on
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=abc' ]": ('failed to convert "abc" to number', "4.15"),
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=-1' ]": ('failed to convert "-1" to number', "4.15"),
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=' ]": ('failed to convert "" to number', "4.15"),
    # xl_parse.c:1397-1408, since "xl: vNUMA support" (4.6); strings are strtol base 0
    "vcpus = 4\nmaxvcpus = 2": ("maxvcpus < vcpus", "4.6"),
    'vcpus = "4"\nmaxvcpus = "0x2"': ("maxvcpus < vcpus", "4.6"),
    'maxvcpus = "-1"': ("maxvcpus < vcpus", "4.6"),  # (vcpus unset is 0)
    # xl_parse.c:1373-1378; libxl_utils.c libxl_cpu_bitmap_alloc, 4.4 on
    'vcpus = "-1"': ("Unable to allocate cpumap", "4.4"),
    # libxlu_pci.c:145-210 xlu_pci_parse_spec_string (4.15 on): options by strcmp, in
    # lower case, no blank after the comma; parse_key_val reads a key up to '=', over
    # commas. 4.6 to 4.14 (xlu_pci_parse_bdf) printed "Unknown PCI BDF option" and went
    # on, but refused options with no '=' at all (the state machine ends in a key)
    "pci = [ '01:00.0,bogus=1' ]": ("Unknown PCI_SPEC_STRING option: bogus", "4.15"),
    "pci = [ '01:00.0,Permissive=1' ]": ("Unknown PCI_SPEC_STRING option: Permissive", "4.15"),
    "pci = [ '01:00.0, permissive=1' ]": ("Unknown PCI_SPEC_STRING option:  permissive", "4.15"),
    "pci = [ '01:00.0,permissive,seize=1' ]": (
        "Unknown PCI_SPEC_STRING option: permissive,seize",
        "4.15",
    ),
    "pci = [ '01:00.0,permissive' ]": (
        "unable to parse PCI_SPEC_STRING `01:00.0,permissive' for passthrough",
        "4.6",
    ),
    # xl_parse.c:2605-2617 (strcmp, 4.3 on) and 1695-1700 (strcasecmp, 4.2 on), HVM
    # guests only; made HVM by type alone, 4.10 on (older xl ignored type)
    'vga = "bogus"\ntype = "hvm"': ('Unknown vga "bogus" specified', "4.10"),
    'vga = "STDVGA"\nbuilder = "hvm"': ('Unknown vga "STDVGA" specified', "4.3"),
    'bios = "bogus"\nbuilder = "hvm"': ('invalid value "bogus" for "bios"', "4.2"),
}

VALUES_READ = [
    "vif = [ 'mac=00:16:3e:00:00:01, rate=10Mb/s@20ms' ]",
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@20' ]",  # (seconds)
    "vif = [ 'mac=00:16:3e:00:00:01,rate=10Mb/s@20us' ]",
    "vif = [ 'mac=00:16:3e:00:00:01,rate=1Gb/s' ]",
    "vif = [ 'mac=00:16:3e:00:00:01,rate=0778Mb/s' ]",  # octal 077, then '8' ends it
    "vif = [ 'mac=00:16:3e:00:00:01,rate = 10Mb/s' ]",  # "unrecognized argument", read on
    "vif = 'mac=00:16:3e:00:00:01,rate=bogus'",  # a single value: xl warns, reads no vif
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=9000' ]",
    "vif = [ 'mac=00:16:3e:00:00:01,mtu= 9000' ]",  # strtoul skips the blank
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=1500x' ]",  # parse_ulong checks no end
    "vif = [ 'mac=00:16:3e:00:00:01,mtu=-2' ]",  # strtoul: 2**64-2, not ULONG_MAX
    "vcpus = 2\nmaxvcpus = 4",
    "vcpus = 4\nmaxvcpus = 0",  # 0 is unset: vcpus
    'vcpus = 4\nmaxvcpus = "2.5"',  # "not a valid number": unset
    "vcpus = 4\nmaxvcpus = [ 2 ]",  # a list: unset
    "maxvcpus = 2\nvcpus = 4\nmaxvcpus += 1",  # "can't use += with numbers": unset
    "vcpus = 08\nmaxvcpus = 2",  # 08 is no number to strtol: vcpus unset
    "pci = [ '01:00.0,permissive=1,seize=1' ]",
    "pci = [ '01:00.0@3,msitranslate=0' ]",
    "pci = [ '0000:01:00.0,power_mgmt=1,rdm_policy=relaxed' ]",
    "pci = [ '01:00.*,permissive=1' ]",
    "pci = [ '01:00.0,' ]",
    "pci = [ 'bdf=01:00.0,permissive=1' ]",
    'vga = "qxl"\ntype = "hvm"',
    'vga = "bogus"\ntype = "pv"',  # (read for HVM guests only)
    'vga = [ "bogus" ]\ntype = "hvm"',  # a list: xl warns and ignores it
    'bios = "SeaBIOS"\ntype = "hvm"',
    'bios = "unknown"\ntype = "hvm"',
    'bios = "bogus"\ntype = "pvh"',
]


def _below(release: str) -> str:
    major, minor = release.split(".")
    return f"{major}.{int(minor) - 1}"


@pytest.mark.parametrize("line", list(VALUES_REFUSED))
def test_xl_refuses_the_vif_or_vcpus_value(tmp_path: Path, line: str) -> None:
    message, since = VALUES_REFUSED[line]
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    at = 4 + line.count("\n") * ("maxvcpus" in line.split("\n")[-1])
    for xen in ("4.17", since):
        found = _found(path, ["XC005"], xen)
        assert [(ln, sev) for _, ln, sev, _ in found] == [(at, "error")], (line, xen)
        assert message in found[0][3]
    assert [sev for _, _, sev, _ in _found(path, ["XC005"], None)] == ["warning"]
    assert _found(path, ["XC005"], _below(since)) == []
    rc, out = _peer_xl(path)
    assert rc == 1 and message in out, out


@pytest.mark.parametrize("line", VALUES_READ)
def test_xl_reads_the_vif_or_vcpus_value(tmp_path: Path, line: str) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    for xen in ("4.17", None):
        assert _found(path, ["XC005"], xen) == [], (line, xen)
    rc, out = _peer_xl(path)
    assert rc == 0, out


# -- a literal config read as xm, on a release where xl is the only toolstack ----------

#: line 4 of a file read as xm (Python literals, no statement) -> xl's message
XM_LITERALS_REFUSED = {
    "vcpus = -1": "config parsing error near `-1': lexical error",
    'extra = "console=hvc0" \\\n': "config parsing error near `\\': lexical error",
    'extra = "console=hvc0 \\\n xencons=tty"': "near `\"console=hvc0': lexical error",
    "vif = ['mac=00:16:3e:00:00:01' 'bridge=xenbr0']": "syntax error, unexpected STRING",
    "acpi = True": "config parsing error near `True': lexical error",
    "disk = ( 'phy:/dev/vg/a,xvda,w', )": "lexical error",
    "memory = 0o777": "syntax error",
}


@pytest.mark.parametrize("line", list(XM_LITERALS_REFUSED))
def test_xl_refuses_a_literal_xm_config_from_xen_45(tmp_path: Path, line: str) -> None:
    path = tmp_path / "web"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XN015"], "4.17", "xm")
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XN015", 4, "error")]
    assert "Xen 4.17, declared has no xm" in found[0][3]
    # xm itself (Xen 4.4 and older) reads it, and a release not known may be xm's
    assert _found(path, ["XN015"], "4.4", "xm") == []
    assert _found(path, ["XN015"], None, "xm") == []
    rc, out = _peer_xl(path)
    assert rc == 1 and XM_LITERALS_REFUSED[line] in out, out
    _peer_xm(path)  # (and Python reads it: it is a working xm config)


@pytest.mark.parametrize("line", ["vcpus = 2;;", "vcpus = 2;;maxvcpus = 3", "vcpus = 2; ;"])
def test_empty_statements_xl_takes(tmp_path: Path, line: str) -> None:
    # libxlu_cfg_y.y ``stmt: endstmt``: a lone ';' is an empty statement (peer-xl OK);
    # the grammar here has none, so the file reads as xm, and xl's reading of it must
    # not be called a refusal
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    assert _found(path, ["XN015", "XN014", "XC005", "XC008"]) == []
    assert _peer_xl(path)[0] == 0


def test_literal_xm_config_xl_reads_is_clean(tmp_path: Path) -> None:
    # xm and xl both read plain assignments: a trailing comma in a list, a comment after
    # a value, ';' between statements, single quotes (peer-xl OK)
    path = tmp_path / "web"
    path.write_text(HEAD + "disk = [ 'phy:/dev/vg/a,xvda,w', ] # root\nvcpus = 2; maxvcpus = 2\n")
    assert _found(path, ["XN015", "XC008"], "4.17", "xm") == []
    assert _peer_xl(path)[0] == 0
    assert _peer_xm(path)["disk"] == ["phy:/dev/vg/a,xvda,w"]


def test_xm_python_is_xc008s_not_xn015s(tmp_path: Path) -> None:
    # a config with a Python statement: XC008 reports it on Xen 4.5 on, XN015 stays out
    path = tmp_path / "web"
    path.write_text(HEAD + "dev = '/dev/vg/web'\ndisk = [ 'phy:%s,xvda,w' % dev ]\n")
    assert _found(path, ["XN015"], "4.17", "xm") == []
    assert [c for c, *_ in _found(path, ["XC008"], "4.17", "xm")] == ["XC008"]
    assert _peer_xm(path)["disk"] == ["phy:/dev/vg/web,xvda,w"]
    rc, out = _peer_xl(path)
    assert rc == 1 and "lexical error" in out, out


# -- XN013: what each toolstack does with memory above maxmem ---------------------------


def test_xn013_says_what_each_toolstack_does(tmp_path: Path) -> None:
    xl = tmp_path / "web.cfg"
    xl.write_text(HEAD + "maxmem = 128\n")
    found = _found(xl, ["XN013"])
    assert [(sev, m.split(": ", 1)[1]) for _, _, sev, m in found] == [
        ("warning", "xl takes it and caps the guest at memory")
    ]
    assert _peer_xl(xl)[0] == 0  # xl 4.17 takes it
    xm = tmp_path / "web"
    xm.write_text(HEAD + "maxmem = 128\n")
    # xend 3.2 to 4.4 XendConfig._memory_sanity_check raises on it
    found = _found(xm, ["XN013"], None, "xm")
    assert "memory_dynamic_max must be less than or equal" in found[0][3]


# -- disks one guest opens as another guest's: the block-drbd/block-iscsi script by path


def test_script_by_path_names_the_same_drbd_and_iscsi_disks(tmp_path: Path) -> None:
    # libxl runs an absolute script= as given (libxl_device.c libxl__abs_path), so
    # script=/etc/xen/scripts/block-drbd,target=r0 opens what drbd:r0 opens
    root = tmp_path / "xen1"
    (root / "etc" / "xen").mkdir(parents=True)
    (root / "etc" / "hostname").write_text("xen1\n")
    (root / "etc" / "xen" / "a.cfg").write_text(
        'name = "a"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'
        "disk = [ 'drbd:r0,xvda,w', 'iscsi:iqn.2008-01.com.x:t1,xvdb,w' ]\n"
    )
    (root / "etc" / "xen" / "b.cfg").write_text(
        'name = "b"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'
        "disk = [ 'vdev=xvda, script=/etc/xen/scripts/block-drbd, target=r0',"
        " 'vdev=xvdb, script=block-iscsi, target=iqn.2008-01.com.x:t1' ]\n"
    )
    result = lint.run([str(root)], select=["XN004"])
    assert sorted(f.message.split(" is opened")[0] for f in result.findings) == [
        "disk drbd:r0",
        "disk iscsi:iqn.2008-01.com.x:t1",
    ]
    assert _peer_xl(root / "etc" / "xen" / "b.cfg")[0] == 0


# -- no name: the Xen resource agent gives it on xl's command line ----------------------


def test_no_name_is_a_warning_the_resource_agent_passes_name(tmp_path: Path) -> None:
    # resource-agents heartbeat/Xen: ``$xentool create ${OCF_RESKEY_xmfile}
    # name="$DOMAIN_NAME"``; xl 4.17 refuses the bare file and takes it with name= given
    path = tmp_path / "web.cfg"
    path.write_text('memory = 256\nkernel = "/boot/vmlinuz"\n')
    found = _found(path, ["XC005"])
    assert [(ln, sev) for _, ln, sev, _ in found] == [(1, "warning")]
    assert "unless given name= on its command line" in found[0][3]
    rc, out = _peer_xl(path)
    assert rc == 1 and "Domain name must be specified." in out
    shim = peer_tool("peer-xl", XL).parent / "lib" / "fakexen.so"
    run = subprocess.run(
        [XL, "-N", "create", "-n", str(path), 'name="web"'],
        capture_output=True,
        text=True,
        env={"LD_PRELOAD": str(shim), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        timeout=60,
    )
    assert run.returncode == 0 and '"name": "web"' in run.stdout, run.stderr


# -- xm's own refusals: tools/python/xen/xm/create.py, Xen 3.0.2 to 4.4 ----------------

#: line 4 of an xm config -> what xm create.py says (err(...) stops ``xm create``):
#: configure_vifs (RELEASE-4.1.0 lines 1045-1053: the known options),
#: comma_sep_kv_to_dict (1405-1420: key=value between every two commas) and
#: preprocess_disk (1198-1214: 3 to 5 fields); each already in 3.0.2-branched
XM_REFUSED = {
    "vif = [ 'mac=00:16:3e:00:00:01,bogus=1' ]": "Invalid vif option: bogus",
    "vif = [ 'MAC=00:16:3e:00:00:01' ]": "Invalid vif option: MAC",
    "vif = [ 'mac=00:16:3e:00:00:01,' ]": " should be a pair, separated by an equals sign.",
    "vif = [ 'mac=00:16:3e:00:00:01,ip=10.0.0.1,10.0.0.2' ]": "10.0.0.2 should be a pair",
    "disk = [ 'phy:/dev/vg/a,xvda' ]": "Invalid disk specifier: phy:/dev/vg/a,xvda",
}

XM_READ = [
    "vif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr0' ]",  # (keys and values are stripped)
    "vif = [ '' ]",  # (an empty vif is a NIC with defaults)
    "vif = [ 'type=ioemu, bridge=xenbr0, model=e1000, vifname=web0, rate=10Mb/s' ]",
    "disk = [ 'phy:/dev/vg/a,xvda,w', 'file:/srv/a.iso,hdc:cdrom,r' ]",
]


def test_xm_action_no_toolstack_knows(tmp_path: Path) -> None:
    # XendConfig._actions_sanity_check (RELEASE-4.1.0 lines 467-471: "Invalid event
    # handling mode") and xl's parse_action_on_shutdown (strcmp; peer-xl) both refuse
    # "Restart": an error whatever the release; "soft-reset" (xl) and "restart" pass
    path = tmp_path / "web"
    path.write_text(HEAD + 'on_crash = "Restart"\non_reboot = "soft-reset"\n')
    for xen in (None, "4.1", "4.17"):
        found = _found(path, ["XC005"], xen, "xm")
        assert [(ln, sev) for _, ln, sev, _ in found] == [(4, "error")], xen
    rc, out = _peer_xl(path)
    assert rc == 1 and 'Unknown on_crash action "Restart" specified' in out
    assert _peer_xm(path)["on_crash"] == "Restart"


@pytest.mark.parametrize("line", list(XM_REFUSED))
def test_xm_refuses_the_vif_or_disk_spec_and_xl_takes_it(tmp_path: Path, line: str) -> None:
    path = tmp_path / "web"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"], "4.1", "xm")
    assert [(ln, sev) for _, ln, sev, _ in found] == [(4, "error")]
    assert XM_REFUSED[line] in found[0][3]
    # the release unknown: xm or xl may read it; from Xen 4.5 xl reads it and takes it
    assert [sev for _, _, sev, _ in _found(path, ["XC005"], None, "xm")] == ["warning"]
    assert _found(path, ["XC005", "XN014", "XN015"], "4.17", "xm") == []
    assert _peer_xl(path)[0] == 0
    assert _peer_xm(path)  # (Python reads it: create.py's check is what refuses)


@pytest.mark.parametrize("line", XM_READ)
def test_xm_takes_the_vif_or_disk_spec(tmp_path: Path, line: str) -> None:
    path = tmp_path / "web"
    path.write_text(HEAD + line + "\n")
    for xen in ("4.1", None):
        assert _found(path, ["XC005"], xen, "xm") == [], xen


def test_xm_disk_spec_xl_refuses_from_xen_45(tmp_path: Path) -> None:
    # six fields: xm's preprocess_disk refuses it, and so does xl ("too many
    # positional parameters"), which reads the xm file from Xen 4.5 on: XN014 there
    path = tmp_path / "web"
    path.write_text(HEAD + "disk = [ 'phy:/dev/vg/a,xvda,w,a,b,c' ]\n")
    assert [c for c, *_ in _found(path, ["XC005", "XN014"], "4.1", "xm")] == ["XC005"]
    found = _found(path, ["XC005", "XN014"], "4.17", "xm")
    assert [(c, sev) for c, _, sev, _ in found] == [("XN014", "error")]
    assert "too many positional parameters: near `a'" in found[0][3]
    rc, out = _peer_xl(path)
    assert rc == 1 and "too many positional parameters" in out, out


# -- trusted: documented from 4.17, known to xl's disk scanner from 4.19 ----------------

#: disk spec -> what xl 4.17 says: libxlu_disk_l.l gained ``trusted,?`` in 4.17
#: (54d8f27d04), but the committed libxlu_disk_l.c was regenerated only for 4.19, so
#: xl 4.17 and 4.18 read the word as a positional parameter
TRUSTED = {
    "vdev=xvda,trusted,target=/dev/vg/a": "target respecified: near `/dev/vg/a'",
    "phy:/dev/vg/a,xvda,w,untrusted": "too many positional parameters: near `untrusted'",
}


@pytest.mark.parametrize("spec", list(TRUSTED))
def test_trusted_disk_flag_is_read_from_xl_419(tmp_path: Path, spec: str) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + f"disk = [ '{spec}' ]\n")
    for xen in ("4.17", "4.18"):
        found = _found(path, ["XN014"], xen)
        assert [(ln, sev) for _, ln, sev, _ in found] == [(4, "error")], xen
        assert TRUSTED[spec] in found[0][3]
    # 4.19 reads the flag; a release not known may be 4.19
    assert _found(path, ["XN014"], "4.19") == []
    assert _found(path, ["XN014"], None) == []
    rc, out = _peer_xl(path)
    assert rc == 1 and TRUSTED[spec] in out, out
