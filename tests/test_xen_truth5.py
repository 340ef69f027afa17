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
from xencfg.formats.xen.keys import XL_SINCE, XM_SINCE
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


# -- channel, p9, viridian: xl_devices.py -----------------------------------------------

#: channel spec -> what xl 4.17 says (xl_parse.c:2218-2275; the same in RELEASE-4.5.0's
#: xl_cmdimpl.c:1484-1545, where channel came in)
CHANNELS_REFUSED = {
    "connection=socket, name=org.qemu.guest_agent.0": (
        "channel connection 'socket' requires path=.."
    ),
    "name=org.qemu.guest_agent.0": "channel has unknown 'connection'",
    "connection=tcp, name=a": "unknown channel connection 'tcp'",
    "connection=Socket, path=/run/a.sock": "unknown channel connection 'Socket'",
    "connection=pty, name": "failed to parse channel configuration:  name",
    "connection=pty, name=": "failed to parse channel configuration:  name=",
}

CHANNELS_READ = [
    "connection=pty, name=org.qemu.guest_agent.0",
    " connection = socket , path = /run/a.sock , name = a",  # (pairs trimmed)
    "connection=pty,,name=a",  # (strtok: no empty piece)
    "connection=pty, frobnicate=1",  # ("unknown channel parameter ..., ignoring")
    "path=/run/a.sock, connection=socket",
]

#: p9 spec(s) -> what xl 4.17 says (xl_parse.c:2040-2089)
P9_REFUSED = {
    "tag=share0, security_model=none": "9pfs spec missing required field!",
    "tag=s, security_model=none, path=/srv, readonly=1": ("Unknown string `readonly' in 9pfs spec"),
    # the key is what precedes '=', untrimmed
    "tag =s, security_model=none, path=/srv": "Unknown string `tag ' in 9pfs spec",
    # a piece with no '=' ends the spec: path and security_model are never read
    "tag=s, readonly, path=/srv, security_model=none": "9pfs spec missing required field!",
}

P9_READ = [
    "tag=share0, security_model=none, path=/srv/share",
    "  tag=s,  security_model=mapped,path=/srv,backend=0",
    "tag=s, security_model=none, path=/srv, readonly",  # (stops at 'readonly')
    # tag, path, security_model are never reset between specs (xl_parse.c:2042-2045)
    'tag=a, security_model=none, path=/a", "tag=b',
]

VIRIDIAN_REFUSED = {
    "turbo": "unknown viridian enlightenment 'turbo'",
    "!all": "unknown viridian enlightenment 'all'",  # ('!' first, then the enum)
    "All": "unknown viridian enlightenment 'All'",  # ("all": strcmp)
    " base": "unknown viridian enlightenment ' base'",
}

VIRIDIAN_READ = ["BASE", "!freq", "all", "defaults", "cpu_hotplug", "!HCALL_IPI"]


def _xl_verdict(tmp_path: Path, line: str) -> tuple[list[tuple[str, int, str, str]], int, str]:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"])
    rc, out = _peer_xl(path)
    return found, rc, out


@pytest.mark.parametrize("spec", list(CHANNELS_REFUSED))
def test_xl_refuses_the_channel(tmp_path: Path, spec: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'channel = [ "{spec}" ]')
    why = CHANNELS_REFUSED[spec]
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 4, "error")]
    assert why in found[0][3]
    assert rc == 1 and why in out, out


@pytest.mark.parametrize("spec", CHANNELS_READ)
def test_xl_reads_the_channel(tmp_path: Path, spec: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'channel = [ "{spec}" ]')
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize("spec", list(P9_REFUSED))
def test_xl_refuses_the_p9_spec(tmp_path: Path, spec: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'p9 = [ "{spec}" ]')
    why = P9_REFUSED[spec]
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 4, "error")]
    assert why in found[0][3]
    assert rc == 1 and why in out, out


@pytest.mark.parametrize("spec", P9_READ)
def test_xl_reads_the_p9_spec(tmp_path: Path, spec: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'p9 = [ "{spec}" ]')
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize("name", list(VIRIDIAN_REFUSED))
def test_xl_refuses_the_viridian_name(tmp_path: Path, name: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'builder = "hvm"\nviridian = [ "{name}" ]')
    why = VIRIDIAN_REFUSED[name]
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 5, "error")]
    assert why in found[0][3]
    assert rc != 0 and why in out, out


@pytest.mark.parametrize("name", VIRIDIAN_READ)
def test_xl_reads_the_viridian_name(tmp_path: Path, name: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, f'builder = "hvm"\nviridian = [ "{name}" ]')
    assert found == []
    assert rc == 0, out


def test_a_pv_guest_viridian_list_is_not_read(tmp_path: Path) -> None:
    """xl_parse.c:1714 reads viridian under ``case LIBXL_DOMAIN_TYPE_HVM`` only."""
    found, rc, out = _xl_verdict(tmp_path, 'viridian = [ "turbo" ]')
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize(
    ("line", "xen", "refused"),
    [
        # synic came with RELEASE-4.13.0's libxl_types.idl; 4.12 does not know it
        ('builder = "hvm"\nviridian = [ "synic" ]', "4.12", True),
        ('builder = "hvm"\nviridian = [ "synic" ]', "4.13", False),
        ('builder = "hvm"\nviridian = [ "reference_tsc" ]', "4.5", True),
        # a guest HVM by type alone: xl before 4.10 ignored type (a PV guest to it)
        ('type = "hvm"\nviridian = [ "turbo" ]', "4.9", False),
        ('type = "hvm"\nviridian = [ "turbo" ]', "4.10", True),
        # xl 4.4 had no viridian list, nor channel (RELEASE-4.4.0 xl_cmdimpl.c)
        ('builder = "hvm"\nviridian = [ "turbo" ]', "4.4", False),
        ('channel = [ "name=a" ]', "4.4", False),
        ('channel = [ "name=a" ]', "4.5", True),
        # p9: 4.9 on; 4.18 asks no longer for the three fields (xl_parse.c:2199-2257
        # of RELEASE-4.18.0) but refuses a piece with no '=' and an unknown key
        ('p9 = [ "tag=s" ]', "4.8", False),
        ('p9 = [ "tag=s" ]', "4.9", True),
        ('p9 = [ "tag=s" ]', "4.18", False),
        ('p9 = [ "tag=s, path=/srv, security_model=none, readonly" ]', "4.17", False),
        ('p9 = [ "tag=s, path=/srv, security_model=none, readonly" ]', "4.18", True),
        ('p9 = [ "tag=s, path=/srv, security_model=none, type=xen_9pfsd" ]', "4.18", False),
        ('p9 = [ "tag=s, path=/srv, security_model=none, type=nfs" ]', "4.18", True),
        ('p9 = [ "tag=s, path=/srv, security_model=none, frob=1" ]', "4.19", True),
    ],
)
def test_the_release_decides(tmp_path: Path, line: str, xen: str, refused: bool) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"], xen=xen)
    assert [sev for _, _, sev, _ in found] == (["error"] if refused else [])


@pytest.mark.parametrize("key", sorted(XM_SINCE))
def test_a_setting_xm_reads_is_no_unknown_keyword(tmp_path: Path, key: str) -> None:
    """Each name is a ``gopts.var`` of xm's create.py from the tag XM_SINCE gives
    (e.g. on_xend_start: RHEL 5's virt-install wrote it; create.py of 3.0.4 declares
    it, ``gopts.var('on_xend_start', val='ignore|start', ...)``); lint warned XC003."""
    path = tmp_path / "web.cfg"
    path.write_text("import os\n" + HEAD + f"{key} = 0\n")
    assert _found(path, ["XC003"], xen="3.2", fmt="xm") == []


# -- vtpm (4.3 on), usbctrl and usbdev (4.7 on): xl_devices.py ------------------------

#: line 4 -> what xl 4.17 says; xl_parse.c:2093-2135 (vtpm), 767-813 (usbctrl and usbdev
#: pieces: strncmp with "key=", types by strcasecmp)
DEVICES_REFUSED = {
    'usbctrl = [ "type=virtio" ]': "Invalid usb controller type 'virtio'",
    'usbctrl = [ "version = 2" ]': "Unknown string `version = 2' in usbctrl spec",
    'usbdev = [ "hostbus=1, hostaddr=3, frob=1" ]': "Unknown string `frob=1' in usbdev spec",
    'usbdev = [ "type=usb, hostbus=0x1, hostaddr=3" ]': "Invalid usb device type",
    # "port=" is no prefix of "ports=1"
    'usbdev = [ "hostbus=1, hostaddr=3, ports=1" ]': "Unknown string `ports=1' in usbdev spec",
    'vtpm = [ "backend=vtpmmgr, frob=1" ]': "Unknown string `frob' in vtpm spec",
    'vtpm = [ "uuid=nope" ]': "Failed to parse vtpm UUID: nope",
    'vtpm = [ "uuid=12345678-1234-1234-1234-123456789abc" ]': (
        "vtpm spec missing required backend field!"
    ),
    'vtpm = [ "backend =0" ]': "Unknown string `backend ' in vtpm spec",
}

DEVICES_READ = [
    'usbctrl = [ "type=pv, version=1" ]',
    'usbctrl = [ "type=QUSB, ports=4" ]',
    'usbctrl = [ "version=2,,  ports=4" ]',
    'usbdev = [ "type=hostdev, hostbus=0x1, hostaddr=3" ]',
    'usbdev = [ "" ]',
    'vtpm = [ "backend=vtpmmgr, uuid=12345678-1234-1234-1234-123456789abc" ]',
    'vtpm = [ "backend=0, readonly, frob=1" ]',  # (a piece with no '=' ends the spec)
    'vtpm = [ " backend=0" ]',
]


@pytest.mark.parametrize("line", list(DEVICES_REFUSED))
def test_xl_refuses_the_device_spec(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    why = DEVICES_REFUSED[line]
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 4, "error")]
    assert why in found[0][3]
    assert rc == 1 and why in out, out


@pytest.mark.parametrize("line", DEVICES_READ)
def test_xl_reads_the_device_spec(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize(
    ("line", "xen", "refused"),
    [
        ('vtpm = [ "uuid=nope" ]', "4.2", False),  # (RELEASE-4.2.0 reads no vtpm)
        ('vtpm = [ "uuid=nope" ]', "4.3", True),
        ('usbctrl = [ "type=virtio" ]', "4.6", False),  # (RELEASE-4.6.0: no usbctrl)
        ('usbctrl = [ "type=virtio" ]', "4.7", True),
    ],
)
def test_the_release_decides_for_devices(
    tmp_path: Path, line: str, xen: str, refused: bool
) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"], xen=xen)
    assert [sev for _, _, sev, _ in found] == (["error"] if refused else [])


# -- the fixtures: lint's verdict is xl's -------------------------------------------------


@pytest.mark.parametrize("path", sorted((FIXTURES / "xl").glob("*.cfg")), ids=lambda p: p.name)
def test_lint_and_xl_agree_on_the_fixture(path: Path) -> None:
    """A file named ``*-bad.cfg`` is one xl 4.17 refuses: lint errs on it; xl takes
    every other one, and lint has no error there."""
    errors = [f for f in _found(path, [], fmt=None) if f[2] == "error"]
    rc, out = _peer_xl(path)
    if path.stem.endswith("-bad"):
        assert rc != 0 and errors, (out, errors)
    else:
        assert rc == 0 and not errors, (out, errors)


@pytest.mark.parametrize("path", sorted((FIXTURES / "xm").glob("*.cfg")), ids=lambda p: p.name)
def test_an_xm_era_fixture_has_no_error(path: Path) -> None:
    """vm-install (SLES 10/11), xen-tools (Debian), Oracle VM, virt-install (RHEL 5) and
    hand-written configs as the Xen 3.x xm of their day took them: no error."""
    assert [f for f in _found(path, [], xen="3.2", fmt=None) if f[2] == "error"] == []


# -- xend-config.sxp: bool and int options xend cannot read ------------------------------

#: line -> what xend raises when it reads the option (XendOptions.py:484-497 of
#: RELEASE-4.1.0, get_config_bool: ``string.lower(str(v))`` in two lists, no blank
#: stripped; get_config_int: ``int(v)``, Python 2: decimal digits, a sign, blanks)
XEND_REFUSED = {
    "(xend-relocation-server enabled)": "expected bool: enabled",
    "(xend-relocation-server ' yes')": "expected bool:  yes",
    "(dom0-min-mem 256M)": "expected int: 256M",
    "(dom0-min-mem 0x100)": "expected int: 0x100",
    "(dom0-min-mem 1e3)": "expected int: 1e3",
    "(dom0-min-mem '')": "expected int: ",
    "(xend-relocation-port 8002/tcp)": "expected int: 8002/tcp",
}

XEND_READ = [
    "(xend-relocation-server True)",
    "(enable-dom0-ballooning Y)",
    "(xend-unix-server 1)",
    "(dom0-min-mem ' 256')",
    "(dom0-min-mem +256)",
    "(dom0-cpus -1)",
    "(xend-relocation-port '8002')",
    "(xend-domain-lock maybe)",  # (SUSE's option: upstream xend does not read it)
]


@pytest.mark.parametrize("line", list(XEND_REFUSED))
def test_xend_refuses_the_value(tmp_path: Path, line: str) -> None:
    path = tmp_path / "xend-config.sxp"
    path.write_text("(xend-unix-server yes)\n" + line + "\n")
    found = _found(path, ["XC005"], xen="3.2", fmt="xend")
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 2, "error")]
    assert f"invalid xend config {line[1:].split()[0]}: {XEND_REFUSED[line]}'" in found[0][3]


@pytest.mark.parametrize("line", XEND_READ)
def test_xend_reads_the_value(tmp_path: Path, line: str) -> None:
    path = tmp_path / "xend-config.sxp"
    path.write_text(line + "\n")
    assert _found(path, ["XC005"], xen="3.2", fmt="xend") == []


def test_xend_reads_an_option_only_from_its_release(tmp_path: Path) -> None:
    """total_available_memory came with RELEASE-4.0.0's XendOptions.py."""
    path = tmp_path / "xend-config.sxp"
    path.write_text("(total_available_memory lots)\n")
    assert _found(path, ["XC005"], xen="3.4", fmt="xend") == []
    assert [f[2] for f in _found(path, ["XC005"], xen="4.0", fmt="xend")] == ["error"]


@pytest.mark.parametrize("path", sorted((FIXTURES / "xend").glob("*.sxp")), ids=lambda p: p.name)
def test_a_distribution_xend_config_has_no_error(path: Path) -> None:
    """SLES 11, RHEL 5 and Debian lenny spellings of xend-config.sxp: xend reads them."""
    assert [f for f in _found(path, [], xen="3.2", fmt=None) if f[2] == "error"] == []


# -- enumerated settings: xl_enums.py ---------------------------------------------------

#: lines -> what xl 4.17 says (xl_parse.c:2622 hdtype, 2654 gfx_passthru, 2721
#: vendor_device, 1889 altp2m, 2745 tee, 1804 mca_caps; libxl lookups by strcasecmp)
ENUMS_REFUSED = {
    'type = "hvm"\nhdtype = "sata"': 'ERROR: invalid value "sata" for "hdtype"',
    'type = "hvm"\ngfx_passthru = "nvidia"': 'ERROR: invalid value "nvidia" for "gfx_passthru"',
    # "1 " is no whole number to xlu_cfg_get_long, so a name, and none libxl knows
    'type = "hvm"\ngfx_passthru = "1 "': 'ERROR: invalid value "1 " for "gfx_passthru"',
    'type = "hvm"\nvendor_device = "citrix"': "xl: unknown vendor_device 'citrix'",
    "altp2m = 4": 'ERROR: invalid value 4 for "altp2m"',
    'altp2m = " mixed"': 'ERROR: invalid value " mixed" for "altp2m"',
    'tee = "sometee"': 'Unknown tee "sometee" specified',
    'tee = "ffa"': 'Unknown tee "ffa" specified',  # (libxl_types.idl: ffa in 4.18)
    'type = "hvm"\nmca_caps = [ "LMCE" ]': "ERROR: unrecognized MCA capability 'LMCE'.",
    'builder = "hvm"\nmca_caps = [ "bogus" ]': "ERROR: unrecognized MCA capability 'bogus'.",
}

ENUMS_READ = [
    'type = "hvm"\nhdtype = "AHCI"',
    'hdtype = "sata"',  # (a PV guest: read under c_info->type == HVM only)
    'type = "hvm"\ngfx_passthru = "IGD"',
    'type = "hvm"\ngfx_passthru = 1',
    'type = "hvm"\nvendor_device = "XenServer"',
    'vendor_device = "citrix"',
    'altp2m = "2"',
    'altp2m = "MIXED"',
    'tee = "OPTEE"',
    'type = "hvm"\nmca_caps = [ "lmce" ]',
    'mca_caps = [ "bogus" ]',
]


@pytest.mark.parametrize("lines", list(ENUMS_REFUSED))
def test_xl_refuses_the_name(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    why = ENUMS_REFUSED[lines]
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "error")]
    assert found[0][1] == 3 + lines.count("\n") + 1
    assert why in found[0][3]
    assert rc != 0 and why in out, out


@pytest.mark.parametrize("lines", ENUMS_READ)
def test_xl_reads_the_name(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize(
    ("line", "xen", "refused"),
    [
        ('tee = "ffa"', "4.18", False),
        ('tee = "sometee"', "4.12", False),  # (RELEASE-4.12.0 reads no tee)
        ('altp2m = "sometimes"', "4.8", False),
        ('altp2m = "sometimes"', "4.9", True),
        ('type = "hvm"\nhdtype = "sata"', "4.9", False),  # (type ignored before 4.10)
        ('builder = "hvm"\nhdtype = "sata"', "4.5", False),
        ('builder = "hvm"\nhdtype = "sata"', "4.6", True),
        ('builder = "hvm"\nmca_caps = [ "bogus" ]', "4.9", False),
    ],
)
def test_the_release_decides_for_names(tmp_path: Path, line: str, xen: str, refused: bool) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"], xen=xen)
    assert [sev for _, _, sev, _ in found] == (["error"] if refused else [])


# -- ioports, irqs, iomem: xl_devices._resource_problems --------------------------------

#: xl 4.17 refuses these (xl_parse.c:1916-2018, strtoul and sscanf as the module says)
RESOURCES_REFUSED = [
    'ioports = [ "zz" ]',
    'ioports = [ "3f8-" ]',
    'ioports = [ "3f8-3ffz" ]',
    'ioports = [ "ffffffff" ]',
    'ioports = [ "-1" ]',
    'irqs = [ "x" ]',
    'irqs = [ "10 " ]',
    'irqs = [ "0x10" ]',
    'irqs = [ "4294967295" ]',
    'irqs = [ "-1" ]',
    'iomem = [ "zz" ]',
    'iomem = [ "fe000 ,1" ]',
    'iomem = [ "fe000,1@" ]',
    'iomem = [ "fe000,1 " ]',
    'iomem = [ "fe000,1,2" ]',
]

#: and reads these: a range the wrong way round (``start > end`` compared before end is
#: set) and text after one port (a message, no exit) too
RESOURCES_READ = [
    'ioports = [ "3f8-3ff" ]',
    'ioports = [ "3f8" ]',
    'ioports = [ "0x3f8-0x3ff" ]',
    'ioports = [ "3f8z" ]',
    'ioports = [ " 3f8 - 3ff" ]',
    'ioports = [ "3f8-3f0" ]',
    "irqs = [ 10, 11 ]",
    'irqs = [ "10" ]',
    'irqs = [ " 10" ]',
    'iomem = [ "fe000,1" ]',
    'iomem = [ "fe000,1@fe000" ]',
    'iomem = [ "fe000, 1" ]',
    'iomem = [ "0xfe000,0x1" ]',
]


@pytest.mark.parametrize("line", RESOURCES_REFUSED)
def test_xl_refuses_the_resource(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 4, "error")]
    said = found[0][3].split("('", 1)[1].split("')", 1)[0]
    assert rc == 1 and said in out, (out, said)


@pytest.mark.parametrize("line", RESOURCES_READ)
def test_xl_reads_the_resource(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    assert found == []
    assert rc == 0, out


@pytest.mark.parametrize(
    ("line", "xen", "refused"),
    [
        ('ioports = [ "zz" ]', "4.1", False),  # (RELEASE-4.1.0 reads no ioports)
        ('iomem = [ "zz" ]', "4.2", False),
        ('iomem = [ "zz" ]', "4.3", True),
        # text after the range: RELEASE-4.6.0's sscanf stops there, 4.7's %n checks it
        ('iomem = [ "fe000,1 " ]', "4.6", False),
        ('iomem = [ "fe000,1 " ]', "4.7", True),
    ],
)
def test_the_release_decides_for_resources(
    tmp_path: Path, line: str, xen: str, refused: bool
) -> None:
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    found = _found(path, ["XC005"], xen=xen)
    assert [sev for _, _, sev, _ in found] == (["error"] if refused else [])


# -- grant table limits: xlu_cfg_get_bounded_long(0, INT_MAX), xl exits silently ---------

#: xl 4.17 exits 1 on these (xl_parse.c:1420-1445; libxlu_cfg.c:270-322)
GRANTS_REFUSED = [
    'max_grant_frames = "lots"',
    'max_grant_frames = "-1"',
    "max_grant_frames = 2147483648",
    "max_grant_frames = [ 64 ]",
    "max_grant_frames = 32\nmax_grant_frames += 32",
    'max_maptrack_frames = "1024 "',
    'max_grant_version = "v2"',
]

GRANTS_READ = [
    "max_grant_frames = 64",
    'max_grant_frames = "64"',
    'max_grant_frames = "0x40"',
    'max_maptrack_frames = " 1024"',
    "max_grant_version = 2",
]


@pytest.mark.parametrize("lines", GRANTS_REFUSED)
def test_xl_refuses_the_grant_limit(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "error")]
    assert "xlu_cfg_get_bounded_long" in found[0][3]
    assert rc == 1, out


@pytest.mark.parametrize("lines", GRANTS_READ)
def test_xl_reads_the_grant_limit(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    assert found == []
    assert rc == 0, out


def test_xl_before_4_13_read_the_grant_limit_as_a_long(tmp_path: Path) -> None:
    """RELEASE-4.12.0 xl_parse.c:1404 read it with xlu_cfg_get_long and
    fell back to the default: no refusal."""
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + 'max_grant_frames = "lots"\n')
    assert _found(path, ["XC005"], xen="4.12") == []
    assert [f[2] for f in _found(path, ["XC005"], xen="4.13")] == ["error"]


# -- cpus lists and cpus_soft: xl_devices._affinity_problems ------------------------------

#: lines -> what xl 4.17 says (parse_vcpu_affinity, xl_parse.c:312-385)
AFFINITY_REFUSED = {
    'vcpus = 2\ncpus = [ "0", "x" ]': "Invalid pcpu range: x.",
    'vcpus = 2\ncpus = [ "0-1", "1-0" ]': "Invalid pcpu range: 1-0.",
    'vcpus = 2\ncpus = [ "all", "^all" ]': 'Can\'t combine "^" and "all".',
    'vcpus = 1\nmaxvcpus = 2\ncpus = [ "0", "x" ]': "Invalid pcpu range: x.",
    'vcpus = 2\ncpus_soft = "x"': "Invalid pcpu range: x.",
    'vcpus = 2\ncpus_soft = [ "0", "y" ]': "Invalid pcpu range: y.",
    'cpus_soft = "^all"': 'Can\'t combine "^" and "all".',
}

AFFINITY_READ = [
    'vcpus = 2\ncpus = [ "0", "1", "2" ]',
    'vcpus = 2\ncpus = [ "1", 1 ]',
    # entries past max_vcpus are never read; with no vcpus, none is
    'cpus = [ "0", "x" ]',
    'vcpus = 1\ncpus = [ "0", "x" ]',
]


@pytest.mark.parametrize("lines", list(AFFINITY_REFUSED))
def test_xl_refuses_the_affinity(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    why = AFFINITY_REFUSED[lines]
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "error")]
    assert found[0][1] == 3 + lines.count("\n") + 1
    assert why in found[0][3]
    assert rc == 1 and why in out, out


@pytest.mark.parametrize("lines", AFFINITY_READ)
def test_xl_reads_the_affinity(tmp_path: Path, lines: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, lines)
    assert found == []
    assert rc == 0, out


# -- vkb (4.12 on): xl_devices._refused_specs ---------------------------------------------

#: xl 4.17 refuses these (parse_vkb_config / parse_vkb_list, xl_parse.c:1107-1205)
VKB_REFUSED = [
    'vkb = [ "frob=1" ]',
    'vkb = [ "backend=0" ]',
    'vkb = [ "backend-type=unknown" ]',
    'vkb = [ "backend-type=pv" ]',
    'vkb = [ "backend-type=linux, feature-multi-touch=1" ]',
    'vkb = [ "backend-type=linux, feature-multi-touch=0x1" ]',
    'vkb = [ "backend-type = linux" ]',
]

VKB_READ = [
    'vkb = [ "backend-type=linux" ]',
    'vkb = [ "backend-type=QEMU, width=800, height=600" ]',
    'vkb = [ "backend-type=linux, feature-multi-touch=1, multi-touch-width=100" ]',
    'vkb = [ "backend-type=linux, feature-multi-touch=0" ]',
    'vkb = [ "backend-type=linux, feature-multi-touch=yes" ]',
    'vkb = [ "backend-type=linux,  unique-id=k0" ]',
]


@pytest.mark.parametrize("line", VKB_REFUSED)
def test_xl_refuses_the_vkb(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 4, "error")]
    said = found[0][3].split("('", 1)[1].split("')", 1)[0]
    assert rc == 1 and said in out, (out, said)


@pytest.mark.parametrize("line", VKB_READ)
def test_xl_reads_the_vkb(tmp_path: Path, line: str) -> None:
    found, rc, out = _xl_verdict(tmp_path, line)
    assert found == []
    assert rc == 0, out


def test_xl_before_4_12_read_no_vkb_spec(tmp_path: Path) -> None:
    """RELEASE-4.11.0's xl_parse.c has no parse_vkb_list."""
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + 'vkb = [ "frob=1" ]\n')
    assert _found(path, ["XC005"], xen="4.11") == []


@pytest.mark.parametrize(
    "line",
    [
        'irqs = [ "' + "9" * 5000 + '" ]',
        'irqs = [ "' + "0" * 5000 + '1" ]',
        'max_grant_frames = "' + "9" * 5000 + '"',
        'vcpus = "' + "9" * 5000 + '"',
        'altp2m = "' + "9" * 5000 + '"',
    ],
    ids=["irq", "irq-zeros", "grant", "vcpus", "altp2m"],
)
def test_a_number_of_thousands_of_digits_is_read_as_strtol_reads_it(
    tmp_path: Path, line: str
) -> None:
    """strtol/strtoul saturate (ERANGE); Python's int() refuses a string of over 4,300
    digits, which made XC005 fail (XC006 "rule XC005 failed on this input")."""
    path = tmp_path / "web.cfg"
    path.write_text(HEAD + line + "\n")
    assert [f for f in _found(path, []) if f[0] == "XC006"] == []
