"""xm -> xl conversion (xencfg.migrations.xen): what xl reads must be what xm computed.

The expectations come from running Xen 4.17's xl on each shape
(``../shared/oracle/peers/peer-xl``, the real xl binary under a stand-in
hypervisor); the peer tests at the end check every converted corpus, seed and
example file the same way and compare its values with what xm computed
(``peer-xm-python``, test data only).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import ROOT, ids, peer_tool, shared_files, shared_path
from xencfg.formats.xen import domu
from xencfg.migrations.xen import NotStatic, evaluate, xm_to_xl


def convert(text: str) -> tuple[str, list[tuple[int, str | None, str]]]:
    r = xm_to_xl(xencfg.loads(text, "xm"))
    return r.text, [(c.line, c.key, c.severity) for c in r.changes]


def xl_settings(text: str) -> dict[str, Any]:
    return xencfg.loads(text, "xl").settings


def test_untouched_lines_keep_their_bytes() -> None:
    src = (
        "# web server\n"
        "name   = 'web'      # the domU\n"
        "memory = 512\n"
        "disk = [ 'phy:/dev/vg/web,xvda,w',\n"
        "         'phy:/dev/vg/web-swap,xvdb,w' ]   # two disks\n"
        "\n"
        "# trailing comment\n"
    )
    out, changes = convert(src)
    assert out == src
    assert changes == []


def test_python_values_are_respelled_for_xl() -> None:
    # xl's lexer has no True/False/None or tuples (peer-xl: "lexical error")
    out, changes = convert("name = 'a'\nacpi = True\npci = ('01:00.0',)\nramdisk = None\n")
    assert xl_settings(out) == {"name": "a", "acpi": 1, "pci": ["01:00.0"]}
    assert "# xm: ramdisk = None" in out
    assert [c[1] for c in changes] == ["acpi", "pci", "ramdisk"]


def test_expressions_are_evaluated_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    src = (
        "name = 'vm' + '1'\n"
        "memory = 512 * 2\n"
        "maxmem = 3 / 2\n"  # Python 2 integer division, as xm computed it
        "disk = ['phy:/dev/vg/%s,xvda,w' % name]\n"
        f"extra = str(open({str(marker)!r}, 'w'))\n"
    )
    out, changes = convert(src)
    settings = xl_settings(out)
    assert settings["name"] == "vm1"
    assert settings["memory"] == 1024
    assert settings["maxmem"] == 1
    assert settings["disk"] == ["phy:/dev/vg/vm1,xvda,w"]
    assert "extra" not in settings and "# xm: extra = str(open(" in out
    assert (5, None, "action") in changes
    assert not marker.exists()


def test_evaluate_refuses_what_needs_code() -> None:
    import ast

    for expr in ("os.uname()[1]", "f(1)", "'x' * (10 ** 9)", "[0] * 99999999", "vmid + 1"):
        with pytest.raises(NotStatic):
            evaluate(ast.parse(expr, mode="eval").body, {})


def test_code_is_commented_out_and_reported() -> None:
    src = "name = 'a'\nvcpus = 2\nimport os\nif os.uname()[1] == 'x':\n    vcpus = 4\n"
    out, changes = convert(src)
    assert "# xm: if os.uname()[1] == 'x':\n# xm:     vcpus = 4\n" in out
    assert (4, None, "action") in changes
    assert (3, None, "info") in changes  # the import
    assert xl_settings(out) == {"name": "a", "vcpus": 2}


def test_hvm_keys_xl_reads_otherwise() -> None:
    # peer-xl on the xm spelling: 'using "kernel" directive to override HVM guest
    # firmware' and 'ignoring device_model directive'; builder is type in xl.cfg(5)
    src = (
        "name = 'h'\n"
        "builder = 'hvm'\n"
        "kernel = '/usr/lib/xen/boot/hvmloader'\n"
        "device_model = '/usr/lib/xen/bin/qemu-dm'\n"
        "tsc_mode = 0\n"
    )
    out, changes = convert(src)
    assert xl_settings(out) == {"name": "h", "type": "hvm", "tsc_mode": "default"}
    assert {c[1] for c in changes} == {"builder", "kernel", "device_model", "tsc_mode"}


def test_pygrub_path_and_renames() -> None:
    out, _ = convert("name = 'p'\nbootloader = '/usr/bin/pygrub'\ncpu_cap = 50\nbootargs = '-q'\n")
    assert xl_settings(out) == {
        "name": "p",
        "bootloader": "pygrub",
        "cap": 50,
        "bootloader_args": ["-q"],
    }


def test_xm_nics_become_empty_vif_entries() -> None:
    # xm's create.py configure_vifs appended '' to vif until there were 'nics' of
    # them ("The nics option is deprecated.  Please use an empty vif entry
    # instead"); xl has no 'nics': the guest lost its extra interfaces
    out, changes = convert("name = 'n'\nkernel = '/k'\nnics = 2\nvif = ['bridge=xenbr1']\n")
    assert xl_settings(out)["vif"] == ["bridge=xenbr1", ""]
    assert "nics" not in xl_settings(out) and (3, "nics", "info") in changes
    out, _ = convert("name = 'n'\nkernel = '/k'\nnics = 2\n")
    assert xl_settings(out)["vif"] == ["", ""]
    out, _ = convert("name = 'n'\nkernel = '/k'\nvif = ['', '']\nnics = 1\n")
    assert xl_settings(out)["vif"] == ["", ""]


def test_xm_restart_becomes_the_actions_xend_set() -> None:
    # XendDomainInfo.parseConfig (Xen 3.0): restart = "always" set on_poweroff,
    # on_reboot and on_crash to restart where the file does not set them; xl has no
    # 'restart' and would destroy a crashed guest
    out, changes = convert("name = 'r'\nkernel = '/k'\non_crash = 'preserve'\nrestart = 'always'\n")
    got = xl_settings(out)
    assert (got["on_poweroff"], got["on_reboot"], got["on_crash"]) == (
        "restart",
        "restart",
        "preserve",
    )
    assert "restart" not in got and (4, "restart", "info") in changes
    never = xl_settings(convert("name = 'r'\nkernel = '/k'\nrestart = 'never'\n")[0])
    assert never["on_reboot"] == "destroy"
    odd, _ = convert("name = 'r'\nkernel = '/k'\nrestart = 'sometimes'\n")
    assert "on_reboot" not in xl_settings(odd)


def test_uuid_is_written_as_xl_reads_it() -> None:
    # xend stripped the dashes and read 32 hex digits (tools/python/xen/xend/uuid.py
    # fromString); libxl_uuid_from_string wants 8-4-4-4-12 (peer-xl: "Failed to parse
    # UUID: c7a5fdb2cdaf9455926ad65c16db1809"; the dashed form is accepted)
    out, changes = convert("name = 'u'\nkernel = '/k'\nuuid = 'C7A5FDB2CDAF9455926AD65C16DB1809'\n")
    assert xl_settings(out)["uuid"] == "C7A5FDB2-CDAF-9455-926A-D65C16DB1809"
    assert (3, "uuid", "info") in changes
    kept, changes = convert("name = 'u'\nuuid = 'c7a5fdb2-cdaf-9455-926a-d65c16db1809'\n")
    assert xl_settings(kept)["uuid"] == "c7a5fdb2-cdaf-9455-926a-d65c16db1809"
    assert not any(c[1] == "uuid" for c in changes)


def test_bootloader_args_become_xends_words() -> None:
    # xend split the string like a shell and passed nothing for an empty one
    # (tools/python/xen/xend/XendBootloader.py: ``if blargs:
    # args.extend(shlex.split(blargs))``). xl splits a string at blanks only and
    # xl 4.17 crashes on an empty one: xl_parse.c split_string_into_string_list()
    # counts one word where strtok_r finds none and strdup()s NULL (peer-xl: rc 139
    # for ``bootloader_args = ""``; the list form below is accepted without warning).
    out, changes = convert(
        "name = 'p'\nbootloader = 'pygrub'\nbootargs = ''\n"
        "bootloader_args = '-q --entry=\"my kernel\"'\n"
    )
    assert xl_settings(out) == {
        "name": "p",
        "bootloader": "pygrub",
        "bootloader_args": ["-q", "--entry=my kernel"],
    }
    assert (3, "bootargs", "info") in changes
    assert 'bootloader_args = ""' not in out


def test_shared_writable_disk_needs_action() -> None:
    # peer-xl: "unknown value for access: near `w!'"
    out, changes = convert("name = 'o'\ndisk = ['phy:/dev/sdb,xvdb,w!']\n")
    assert xl_settings(out)["disk"] == ["phy:/dev/sdb,xvdb,w"]
    assert (2, "disk", "action") in changes


def test_vfb_type_is_vnc_or_sdl() -> None:
    # peer-xl: vfb 'type=vnc' leaves vnc.enable unset; 'vnc=1' sets it
    out, _ = convert("name = 'v'\nvfb = ['type=vnc,vncunused=1', 'type=sdl']\n")
    assert xl_settings(out)["vfb"] == ["vnc=1,vncunused=1", "sdl=1,vnc=0"]


def test_xend_only_and_cmdline_keys() -> None:
    out, changes = convert("name = 'x'\non_xend_start = 'start'\nip = '10.0.0.5'\nvncconsole = 1\n")
    assert xl_settings(out) == {"name": "x"}
    assert (2, "on_xend_start", "warning") in changes
    assert (3, "ip", "action") in changes
    assert (4, "vncconsole", "warning") in changes


def test_missing_name_is_reported() -> None:
    _, changes = convert("memory = 128\n")
    assert (1, "name", "action") in changes


# -- every real file converts to text our xl parser reads ------------------------------


def _xm_files() -> list[Path]:
    files = shared_files("corpus", "domu-xm")
    for base in (ROOT.parent / "shared" / "seed-examples", ROOT / "examples"):
        if base.is_dir():
            files += [p for p in sorted(base.rglob("*")) if p.is_file() and _is_xm(p)]
    return files


def _is_xm(p: Path) -> bool:
    try:
        return xencfg.detect(str(p)) == "xm"
    except xencfg.XencfgError:
        return False


XM_FILES = _xm_files()
XM_IDS = [
    str(p.relative_to(ROOT)) if ROOT in p.parents else i
    for p, i in zip(XM_FILES, ids(XM_FILES), strict=True)
]


def _load(path: Path) -> xencfg.Document:
    return xencfg.loads(path.read_bytes().decode("utf-8", "surrogateescape"), "xm", path=str(path))


@pytest.mark.parametrize("path", XM_FILES, ids=XM_IDS)
def test_real_files_convert_to_xl_we_read(path: Path) -> None:
    shared_path()  # skip (or fail under CI) without ../shared
    r = xm_to_xl(_load(path))
    doc = xencfg.loads(r.text, "xl")
    assert doc.dumps() == r.text
    for c in r.changes:
        assert c.line >= 1 and c.severity in ("info", "warning", "action")


def test_mutated_files_never_crash() -> None:
    rng = random.Random(17)
    files = [p for p in XM_FILES if p.stat().st_size < 20000]
    if not files:
        shared_path("corpus", "domu-xm")
    alphabet = "'\"[](),=+*%#\n \\x0123TrueNone"
    for _ in range(400):
        text = rng.choice(files).read_text(encoding="utf-8", errors="surrogateescape")
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars) + 1)
            chars[i:i] = rng.choice(alphabet)
        try:
            doc = xencfg.loads("".join(chars), "xm")
        except xencfg.XencfgError:
            continue
        r = xm_to_xl(doc)
        xencfg.loads(r.text, "xl")  # what we write, xl's syntax reads


# -- the real xl reads what xm computed --------------------------------------------------


def _peer(tool: str) -> Path:
    # peer-xl runs Xen 4.17's xl and builds its LD_PRELOAD shim with cc
    needs = ("/usr/lib/xen-4.17/bin/xl", "cc") if tool == "peer-xl" else ()
    return peer_tool(tool, *needs)


def _run(tool: str, path: Path) -> tuple[int, str]:
    p = subprocess.run([str(_peer(tool)), str(path)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout


def _xm_view(g: dict[str, Any]) -> dict[str, Any]:
    """What xm made of the globals, in the terms xl's JSON uses."""
    disks = []
    for spec in g.get("disk", []):
        d = domu.parse_disk(spec)
        kind = (d.kind or "").split(":")[-1]
        target = d.target or ""
        if kind == "phy" and target and not target.startswith("/"):
            target = "/dev/" + target  # xend's block script: expand_dev
        disks.append((target, d.vdev, (d.mode or "w").startswith("w"), kind == "drbd"))
    nics = []
    for spec in g.get("vif", []):
        v = domu.parse_kv(spec)
        nics.append((v.get("mac"), v.get("bridge")))
    boot = g.get("bootloader")
    return {
        "name": g.get("name"),
        "type": "hvm" if g.get("builder") in ("hvm", "vmx") else "pv",
        "memory": int(g["memory"]) if "memory" in g else None,
        "vcpus": int(g.get("vcpus", 1)),
        "kernel": None if g.get("builder") in ("hvm", "vmx") else g.get("kernel"),
        "ramdisk": g.get("ramdisk"),
        # (SUSE's domUloader, which xl lacks, is meant to become pygrub)
        "bootloader": (
            "pygrub" if os.path.basename(boot) == "domUloader.py" else os.path.basename(boot)
        )
        if boot
        else None,
        "disks": disks,
        "nics": nics,
    }


def _xl_view(cfg: dict[str, Any]) -> dict[str, Any]:
    c, b = cfg["c_info"], cfg["b_info"]
    disks = [
        (
            d.get("pdev_path") or "",
            d.get("vdev"),
            bool(d.get("readwrite")),
            d.get("script") == "block-drbd",
        )
        for d in cfg.get("disks", [])
    ]
    nics = [(n.get("mac"), n.get("bridge")) for n in cfg.get("nics", [])]
    boot = b.get("bootloader")
    return {
        "name": c.get("name"),
        "type": c.get("type"),
        "memory": b["target_memkb"] // 1024 if "target_memkb" in b else None,
        "vcpus": b.get("max_vcpus", 1),
        "kernel": b.get("kernel"),
        "ramdisk": b.get("ramdisk"),
        "bootloader": os.path.basename(boot) if boot else None,
        "disks": disks,
        "nics": nics,
    }


def _json_of(out: str) -> dict[str, Any]:
    body = out.split("\n", 1)[1] if "\n" in out else ""
    start = body.find("{")
    result: dict[str, Any] = json.loads(body[start:])
    return result


@pytest.mark.peer
@pytest.mark.parametrize("path", XM_FILES, ids=XM_IDS)
def test_xl_reads_what_xm_computed(path: Path, tmp_path: Path) -> None:
    """For every file converted without an action line, the real xl accepts our
    output and reads the values xm computed from the original."""
    r = xm_to_xl(_load(path))
    if not r.complete:
        pytest.skip("the conversion reports code or settings the admin must carry by hand")
    rc, xm_out = _run("peer-xm-python", path)
    if rc != 0:
        pytest.skip(f"python3 cannot run the original: {xm_out.splitlines()[0]}")
    out = tmp_path / "domu.cfg"
    out.write_text(r.text, encoding="utf-8", errors="surrogateescape")
    rc, xl_out = _run("peer-xl", out)
    globals_ = json.loads(xm_out.split("\n", 1)[1])
    if (
        "kernel" not in globals_
        and "bootloader" not in globals_
        and globals_.get("builder") not in ("hvm", "vmx")
    ):
        pytest.skip("not a bootable domU (xl: 'Neither kernel nor bootloader specified')")
    assert rc == 0, xl_out
    assert _xl_view(_json_of(xl_out)) == _xm_view(globals_)


# -- xend-config.sxp -> xl.conf ------------------------------------------------------

XEND_FILES = shared_files("corpus", "xend-sxp") + sorted(
    (ROOT / "examples").rglob("xend-config.sxp")
)


def test_xend_settings_that_xl_conf_holds() -> None:
    from xencfg.migrations.xend import xend_to_xl_conf

    doc = xencfg.loads(
        "(vif-script vif-bridge)\n(enable-dom0-ballooning no)\n"
        "(network-script 'network-bridge netdev=eth1 bridge=xenbr1')\n"
        "(xend-relocation-server yes)\n(dom0-min-mem 512)\n",
        "xend",
    )
    r = xend_to_xl_conf(doc)
    assert xencfg.loads(r.text, "xl").settings == {
        "vif.default.script": "vif-bridge",
        "autoballoon": "off",
        "vif.default.bridge": "xenbr1",
    }
    assert [(c.line, c.key, c.severity) for c in r.changes] == [
        (1, "vif-script", "info"),
        (2, "enable-dom0-ballooning", "info"),
        (3, "network-script", "action"),
        (4, "xend-relocation-server", "action"),
        (5, "dom0-min-mem", "action"),
    ]


def test_network_bridge_without_name_says_where_vifs_go() -> None:
    """xend's vif-bridge put a vif without bridge= on the first bridge it found
    (tools/hotplug/Linux/vif-bridge: brctl show | awk 'NR==2{print$1}'); xl puts it on
    vif.default.bridge, xenbr0 unless set (xl.conf(5)): the TODO names that bridge."""
    from xencfg.migrations.xend import xend_to_xl_conf

    r = xend_to_xl_conf(xencfg.loads("(network-script network-bridge)\n", "xend"))
    (change,) = r.changes
    assert change.severity == "action" and "xenbr0" in change.message
    named = xend_to_xl_conf(xencfg.loads("(network-script 'network-bridge bridge=br1')\n", "xend"))
    assert "xenbr0" not in named.changes[0].message


@pytest.mark.parametrize("path", XEND_FILES, ids=[p.name for p in XEND_FILES])
def test_every_xend_config_gives_an_xl_conf(path: Path) -> None:
    from xencfg.formats.xen.xl import XL_CONF_KEYS
    from xencfg.migrations.xend import xend_to_xl_conf

    try:
        doc = xencfg.load(str(path), format="xend")
    except xencfg.ParseError:
        pytest.skip("not a readable xend-config.sxp (libvirt's S-expression test data)")
    r = xend_to_xl_conf(doc)
    assert set(xencfg.loads(r.text, "xl").settings) <= XL_CONF_KEYS
    assert {c.key for c in r.changes} == set(doc.names)  # every setting is accounted for


def test_relative_phy_device_gets_dev_prefix() -> None:
    # xm's block hotplug script reads 'phy:hda1' as /dev/hda1 (tools/hotplug/Linux/block,
    # expand_dev); libxl stat()s pdev_path as written (libxl_device.c,
    # libxl__device_disk_set_backend: 'Disk vdev=%s failed to stat: %s'), relative to xl's cwd
    out, changes = convert(
        "name = 'r'\ndisk = ['phy:vg0/root,xvda,w', 'phy:/dev/sdb,xvdb,w', 'phy:sdc,xvdc,w!']\n"
    )
    assert xl_settings(out)["disk"] == [
        "phy:/dev/vg0/root,xvda,w",
        "phy:/dev/sdb,xvdb,w",
        "phy:/dev/sdc,xvdc,w",
    ]
    assert (2, "disk", "info") in changes and (2, "disk", "action") in changes
