"""Xen domU configs written by other people, held to xl and xm (session wildxen).

73 public files (Xen's own examples at RELEASE-3.0.0 to 4.17.0, xen-tools and
hand-written xm/xl configs from dotfile repositories, xend-config.sxp files, GPU
passthrough and vNUMA guides, a Qubes-like domain factory, an Exadata vm.cfg) were
linted loose, in a node tree, at Xen 3.2 and 4.17, and run through peer-xl (Xen 4.17's
``xl -N create -n`` with the fakexen shim). The cases here are minimal reproductions in
our own words of what they showed, and of the gaps the last session left (vnuma,
vdispl, vsnd, xm value checks, Oracle VM's vm.cfg settings). Source lines are of
xen.git: tools/xl/xl_parse.c at RELEASE-4.17.0, tools/python/xen/xm/create.py,
xm/opts.py and xend/XendConfig.py at RELEASE-4.0.0.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import lint
from xencfg.versions import Version

XL = "/usr/lib/xen-4.17/bin/xl"
HVM = 'name = "t"\ntype = "hvm"\nmemory = 2048\n'


def _peer_xl(path: Path) -> tuple[int, str]:
    peer = peer_tool("peer-xl", XL)
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def _found(
    path: Path, xen: str | None = "4.17", fmt: str | None = "xl", codes: tuple[str, ...] = ("XC",)
) -> list[tuple[str, int, str, str]]:
    versions = {"xen": Version.parse(xen)} if xen else None
    result = lint.run([str(path)], select=list(codes), versions=versions, force_format=fmt)
    return [(f.code, f.line, f.severity, f.message) for f in result.findings]


def _write(tmp_path: Path, text: str, name: str = "guest.cfg") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- vnuma: parse_vnuma_config (xl_parse.c:579-764; Xen 4.6 on) ----------------------------

#: vnuma line -> what xl 4.17 says (peer-xl). maxvcpus is set so that xl does not compare
#: the vcpus with the host's CPUs; no pnode, which peer-xl's fake host has none of.
VNUMA_REFUSED = {
    # a vnode that is a string, not a list (637-641); vNUMA guides write it flat
    'maxvcpus = 1\nvnuma = [ "size=2048" ]': "cannot get vnode config option list",
    # split_string_into_pair (655-660): no '=', or nothing before it (strtok)
    'maxvcpus = 1\nvnuma = [ [ "size", "vcpus=0" ] ]': 'failed to split "size" into pair',
    'maxvcpus = 1\nvnuma = [ [ "=2048", "vcpus=0" ] ]': 'failed to split "=2048" into pair',
    # a number is a string to libxlu, and has no '='
    'maxvcpus = 1\nvnuma = [ [ "size=2048", "vcpus=0", 5 ] ]': 'failed to split "5" into pair',
    # parse_ulong (389-400) on size
    'maxvcpus = 1\nvnuma = [ [ "size=big", "vcpus=0" ] ]': 'failed to convert "big" to number',
    # 724-729 and 748-751: the vnodes' sums against maxvcpus and maxmem
    'maxvcpus = 4\nvnuma = [ [ "size=2048", "vcpus=0-1" ] ]': "vnuma vcpus and maxvcpus= mismatch",
    'maxmem = 4096\nmaxvcpus = 1\nvnuma = [ [ "size=2048", "vcpus=0" ] ]': (
        "maxmem and vnuma memory size mismatch"
    ),
    # no maxvcpus: the vnodes' count becomes it (744), and vcpus is above it (1405-1408)
    'vcpus = 4\nvnuma = [ [ "size=2048", "vcpus=0-1" ] ]': "maxvcpus < vcpus",
    # maxvcpus matches the vnodes, vcpus is above both (found by a differential run)
    'maxvcpus = 2\nvcpus = 4\nvnuma = [ [ "size=2048", "vcpus=0-1" ] ]': "maxvcpus < vcpus",
}

VNUMA_TAKEN = [
    # two vnodes as the libvirt report of a vnuma config wrote them (with pnode dropped)
    'maxvcpus = 2\nvnuma = [ [ "size=1024", "vcpus=0", "vdistances=10,20" ],'
    ' [ "size=1024", "vcpus=1", "vdistances=20,10" ] ]',
    'maxmem = 2048\nmaxvcpus = 1\nvnuma = [ [ " size = 2048 ", "vcpus=0" ] ]',  # trimmed
    'maxvcpus = 1\nvnuma = [ [ "size=2048", "vcpus=0", [ "x" ] ] ]',  # a list item skipped
    'maxvcpus = 1\nvnuma = [ [ "size=1G", "vcpus=0" ] ]',  # strtoul reads the 1
    'vnuma = "size=2048"',  # not a list: xlu_cfg_get_list fails quietly (602)
    "vnuma = [ ]",
    # vnodes with no vcpus: maxvcpus stays 0 and xl sets it to vcpus (1402-1403)
    'vcpus = 2\nvnuma = [ [ "size=2048" ] ]',
]


@pytest.mark.parametrize("line", list(VNUMA_REFUSED))
def test_xl_refuses_the_vnuma(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, HVM + line + "\n")
    errors = [f for f in _found(path) if f[2] == "error"]
    assert len(errors) == 1 and VNUMA_REFUSED[line] in errors[0][3], errors
    assert _found(path, xen="4.5") == []  # (xl 4.5 had no vnuma)
    rc, out = _peer_xl(path)
    assert rc != 0 and VNUMA_REFUSED[line] in out, out


@pytest.mark.parametrize("line", VNUMA_TAKEN)
def test_xl_takes_the_vnuma(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, HVM + line + "\n")
    assert _found(path) == []
    rc, out = _peer_xl(path)
    assert rc == 0, out


def test_a_vnuma_key_xl_skips_is_a_warning(tmp_path: Path) -> None:
    """A vNUMA guide wrote ``vdistance=10, 31``: xl compares each key with strcmp and
    skips one it does not know (xl_parse.c:668-712), so the distances stay unset. xl
    takes the config (peer-xl); lint warns and names the key it reads."""
    path = _write(
        tmp_path, HVM + 'maxvcpus = 1\nvnuma = [ [ "size=2048", "vcpus=0", "vdistance=10" ] ]\n'
    )
    found = _found(path)
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "warning")]
    assert "skips the key 'vdistance'" in found[0][3] and "write vdistances" in found[0][3]
    rc, out = _peer_xl(path)
    assert rc == 0, out


def test_more_vnuma_distances_than_vnodes_is_a_warning(tmp_path: Path) -> None:
    """xl writes each distance into p->distances, sized for the vnodes (xl_parse.c:
    702-706): undefined behaviour. peer-xl aborted on 8 distances for one vnode
    ("munmap_chunk(): invalid pointer", rc 134) and took 2; lint warns."""
    path = _write(
        tmp_path,
        HVM
        + 'maxvcpus = 1\nvnuma = [ [ "size=2048", "vcpus=0", "vdistances=1,2,3,4,5,6,7,8" ] ]\n',
    )
    found = _found(path)
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "warning")]
    assert "past its table" in found[0][3]
    rc, out = _peer_xl(path)
    assert rc != 0, out


# -- vdispl (xl_parse.c:817-860, 2137-2163; 4.10 on) and vsnd (864-1105; 4.12 on) ----------

FRONTENDS_REFUSED = {
    "vdispl = [ 'backend=0,conectors=id0:1920x1080' ]": (
        'Unknown string "conectors=id0:1920x1080" in vdispl spec'
    ),
    "vdispl = [ 'backend=0' ]": "At least one connector should be specified.",
    "vdispl = [ 'backend=0,connectors=id0:1920*1080' ]": "Can't parse connector resolution",
    "vsnd = [ 'card, backend=0' ]": "Failed to get vsnd card list",  # a card is a list
    "vsnd = [ [ 'cards, backend=0' ] ]": "Invalid key: cards",
    "vsnd = [ [ 'card, backend=0, name=x' ] ]": "Invalid parameter: name=x",  # pcm's key
    "vsnd = [ [ 'card, backend=0, sample-formats=s16' ] ]": "Invalid pcm format: s16",
    "vsnd = [ [ 'stream, unique-id=a, type=playback' ] ]": "Invalid stream type: playback",
}

FRONTENDS_TAKEN = [
    "vdispl = [ 'backend=0,be-alloc=1,connectors=id0:1920x1080;id1:800x600' ]",
    "vdispl = [ 'backend=0, connectors=id0: 1920x 1080' ]",  # sscanf skips the blanks
    "vsnd = [ [ 'card, backend=0, sample-rates=8000;22050, sample-formats=s16_le;S8,"
    " short-name=Card', 'pcm, name=Main', 'stream, unique-id=pulse, type=P' ] ]",
    "vsnd = [ [ '' ] ]",
]


@pytest.mark.parametrize("line", list(FRONTENDS_REFUSED))
def test_xl_refuses_the_frontend(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, HVM + line + "\n")
    errors = [f for f in _found(path) if f[2] == "error"]
    assert len(errors) == 1 and FRONTENDS_REFUSED[line] in errors[0][3], errors
    assert _found(path, xen="4.9") == []  # (before vdispl and vsnd)
    rc, out = _peer_xl(path)
    assert rc != 0 and FRONTENDS_REFUSED[line] in out, out


@pytest.mark.parametrize("line", FRONTENDS_TAKEN)
def test_xl_takes_the_frontend(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, HVM + line + "\n")
    assert _found(path) == []
    rc, out = _peer_xl(path)
    assert rc == 0, out


def test_a_vdispl_connector_without_a_colon_crashes_xl(tmp_path: Path) -> None:
    """split_string_into_pair fails and sscanf reads the unset resolution pointer
    (xl_parse.c:838-846): undefined behaviour; peer-xl aborted ("double free or
    corruption", rc 134) or failed (rc 1), never took it."""
    path = _write(tmp_path, HVM + "vdispl = [ 'backend=0,connectors=id0' ]\n")
    errors = [f for f in _found(path) if f[2] == "error"]
    assert len(errors) == 1 and "xl crashes" in errors[0][3]
    rc, _ = _peer_xl(path)
    assert rc != 0


# -- xm: what create.py and xend do with the values --------------------------------------

XM_HEAD = "name = 'web'\nkernel = '/boot/vmlinuz'\n"


@pytest.mark.parametrize("line", ["memory = '2G'", "memory = '512.5'", "maxmem = '4096M'"])
def test_xend_cannot_read_the_memory(tmp_path: Path, line: str) -> None:
    """xm passes a file's variables to create.py as they are (opts.py ``Opts.load``:
    ``setopt``, not the option's set_int) and xend converts memory and maxmem with int()
    (XendConfig.py:668-671): "invalid literal for int()" stops xm create. xl (4.5 on)
    reads the string with strtol and warns, so it is nothing there."""
    path = _write(tmp_path, XM_HEAD + line + "\n")
    found = _found(path, xen="3.2", fmt="xm")
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "error")]
    assert "invalid literal for int()" in found[0][3]
    assert _found(path, xen="4.17", fmt="xm") == []


@pytest.mark.parametrize("line", ["memory = '2048'", "memory = ' 2048 '", "maxmem = ''"])
def test_xend_reads_the_memory(tmp_path: Path, line: str) -> None:
    """xen-tools writes ``memory = '2048'`` (the ACMLug and Babrakov dom0s): int() reads
    it, blanks too; an empty string is dropped by create.py's add_conf (``if v``)."""
    path = _write(tmp_path, XM_HEAD + line + "\n")
    assert _found(path, xen="3.2", fmt="xm") == []


def test_a_string_vcpus_beside_maxvcpus_stops_xm_4(tmp_path: Path) -> None:
    """create.py's vcpu_conf (RELEASE-4.0.0 to 4.4.0, "xm: Add maxvcpus support")
    appends ``(1 << vcpus) - 1``: xen-tools' ``vcpus = '2'`` with a maxvcpus fails with
    "unsupported operand type(s) for <<"; xm 3.x had no such line, xl reads the string."""
    path = _write(tmp_path, XM_HEAD + "vcpus = '2'\nmaxvcpus = 4\n")
    found = _found(path, xen="4.1", fmt="xm")
    assert [(c, ln, sev) for c, ln, sev, _ in found] == [("XC005", 3, "error")]
    assert "unsupported operand type(s) for <<: 'int' and 'str'" in found[0][3]
    assert _found(path, xen="3.2", fmt="xm") == []
    assert _found(path, xen="4.17", fmt="xm") == []
    alone = _write(tmp_path, XM_HEAD + "vcpus = '2'\n", "alone.cfg")
    assert _found(alone, xen="4.1", fmt="xm") == []


# -- Oracle VM's vm.cfg ------------------------------------------------------------------

OVM_CFG = (
    "name = '0004fb00000600001234'\nOVM_simple_name = 'web'\nmemory = '2048'\n"
    "bootloader = '/usr/bin/pygrub'\n"
    "disk = ['file:/OVS/Repositories/0004fb/VirtualDisks/a.img,xvda,w']\n"
)


@pytest.mark.parametrize(
    "line", ["vif_other_config = []", "disk_other_config = []", "expose_host_uuid = 1"]
)
def test_an_oracle_vm_setting_is_known_in_an_oracle_vm_config(tmp_path: Path, line: str) -> None:
    """ovs-agent (agent/lib/xenvm.py's VM_CFG table, quoted in CloudStack's ovm3
    Xen.java) writes these into vm.cfg beside OVM_* names; xm passes any variable
    through (opts.py Opts.load), so an Oracle VM vm.cfg gets no "unknown keyword"."""
    path = _write(tmp_path, OVM_CFG + line + "\n", "vm.cfg")
    assert _found(path, xen="3.2", fmt=None) == []
    marked_by_disk = _write(
        tmp_path, OVM_CFG.replace("OVM_simple_name = 'web'\n", "") + line + "\n"
    )
    assert _found(marked_by_disk, xen="3.2", fmt=None) == []


def test_an_oracle_vm_setting_is_unknown_elsewhere(tmp_path: Path) -> None:
    """Without Oracle VM's marks (no OVM_ name, no disk under /OVS/) the name is read by
    no toolstack: XC003 still warns."""
    path = _write(tmp_path, XM_HEAD + "memory = 512\nvif_other_config = []\n")
    found = _found(path, xen="3.2", fmt=None, codes=("XC003",))
    assert [(c, ln) for c, ln, _, _ in found] == [("XC003", 4)]


@pytest.mark.parametrize("line", ["cpu_weight = 'high'", "cpu_cap = ''"])
def test_xend_cannot_read_the_cpu_weight(tmp_path: Path, line: str) -> None:
    """create.py appends cpu_weight and cpu_cap when they are not None (an empty string
    too) and xend converts them with an int() nothing catches (XendConfig.py:676-679 of
    RELEASE-4.0.0; LEGACY_CFG_TYPES from Xen 3.1). Xen 3.0's parseConfig read
    cpu_weight with float(), so nothing is said for it."""
    path = _write(tmp_path, XM_HEAD + line + "\n")
    found = _found(path, xen="3.2", fmt="xm")
    assert [(c, sev) for c, _, sev, _ in found] == [("XC005", "error")]
    assert _found(path, xen="3.0.4", fmt="xm") == []
    assert _found(path, xen="4.17", fmt="xm") == []


def test_xend_reads_the_cpu_weight(tmp_path: Path) -> None:
    path = _write(tmp_path, XM_HEAD + "cpu_weight = '512'\ncpu_cap = 50\n")
    assert _found(path, xen="3.2", fmt="xm") == []


# -- did-you-mean ------------------------------------------------------------------------


def test_no_did_you_mean_that_turns_a_setting_into_its_opposite(tmp_path: Path) -> None:
    """GPU passthrough guides write libvirt's ``graphics = "vnc"`` in xl configs; xl
    skips it (peer-xl takes the file). Lint warned "did you mean 'nographic'?", the
    opposite of what the line asks. A misspelt ``nographics`` still gets its hint."""
    path = _write(tmp_path, HVM + 'graphics = "vnc"\nnographics = 1\nmigrate = 0\n')
    found = _found(path, codes=("XC003",))
    assert [m for _, _, _, m in found] == [
        "unknown keyword 'graphics'",
        "unknown keyword 'nographics'; did you mean 'nographic'?",
        "unknown keyword 'migrate'",
    ]


def test_vnuma_numbers_past_int_s_digit_limit_are_judged_not_crashed(tmp_path: Path) -> None:
    # Python's int() refuses a decimal string of over 4,300 digits (ValueError), which
    # would stop the rule (XC006); strtoul saturates, so xl reads such a size as ULONG_MAX
    # and says it cannot convert it (parse_ulong's "failed to convert"), as for any wrap.
    huge = "9" * 5000
    line = f'vnuma = [ [ "pnode=0", "size={huge}", "vcpus=0-{huge}", "vdistances=10,{huge}" ] ]'
    found = _found(_write(tmp_path, HVM + line + "\n"), codes=("XC",))
    assert [f for f in found if f[0] == "XC006"] == []
    assert any("failed to convert" in f[3] for f in found), found


@pytest.mark.parametrize(
    "line",
    [
        'cpus = "{huge}"',  # parse_range's strtoul (xl.py, cpus)
        'vif = [ "rate={huge}Mb/s" ]',  # libxlu_vif.c's strtoull (rate)
        'vif = [ "rate=10Mb/s@0{huge}us" ]',  # the same, octal (a leading 0)
    ],
)
def test_xl_numbers_past_int_s_digit_limit_are_judged_not_crashed(
    tmp_path: Path, line: str
) -> None:
    # int() refuses more than 4,300 digits; C's strtoul/strtoull saturate, and xl then
    # refuses the value or reads it as the largest number: a finding, never XC006.
    text = HVM + line.format(huge="7" * 5000) + "\n"
    found = _found(_write(tmp_path, text), codes=("XC", "XN"))
    assert [f for f in found if f[0] == "XC006"] == []
