"""Peer oracles for the Xen formats: what the peer accepts we read the same.

* Augeas' Xendconfsxp lens (parses, cannot put) for xend-config.sxp;
* xl's own parser (``peer-xl``: the real xl binary with an LD_PRELOAD shim);
* ``peer-xm-python``: the xm value oracle (it runs the file with exec — it is
  the *peer's* business and only ever fed test data; xencfg itself never runs it).

They skip with a reason when the tool is missing or we are not root, and fail
under CI=true, where they are installed.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import FIXTURES, SHARED, ids, peer_tool, shared_files
from roundtrip import read
from xencfg.formats.xen import domu, xend

pytestmark = [pytest.mark.peer, pytest.mark.shared]

PEERS = SHARED / "oracle" / "peers"


def _run(wrapper: Path, *args: str) -> tuple[int, str]:
    p = subprocess.run([str(wrapper), *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout


# -- xend: Augeas Xendconfsxp ---------------------------------------------------------

XEND_FILES = (
    sorted((FIXTURES / "xend" / "valid").iterdir())
    + shared_files("corpus", "xend-sxp")
    + shared_files("seed-examples", pattern="xend-config.sxp")
    + [p for p in shared_files("oracle", "peers", "samples") if p.name == "xend-config.sxp"]
)


def _augeas_settings(out: str) -> list[Any]:
    """The lens tree (``/name/array/item[n] = 'v'`` lines) as [[name, values...], ...]."""
    nodes: dict[str, dict[str, Any]] = {"": {"children": [], "value": None}}
    for line in out.splitlines()[1:]:
        m = re.match(r"^(/[^=]*?)(?: = (.*))?$", line)
        if not m:
            continue
        path = m.group(1).strip()
        value = ast.literal_eval(m.group(2)) if m.group(2) is not None else None
        parent = path.rsplit("/", 1)[0]
        node = {
            "children": [],
            "value": value,
            "label": re.sub(r"\[\d+\]$", "", path.rsplit("/", 1)[1]),
        }
        nodes[path] = node
        nodes.setdefault(parent, {"children": [], "value": None})["children"].append(node)

    def conv(n: dict[str, Any]) -> Any:
        if n["label"] == "item":
            return xend.unquote(n["value"])
        return [conv(c) for c in n["children"]]

    out_list = []
    for top in nodes[""]["children"]:
        if top["label"].startswith("#"):
            continue
        out_list.append([top["label"], *(conv(c) for c in top["children"])])
    return out_list


@pytest.mark.parametrize("path", XEND_FILES, ids=ids(XEND_FILES))
def test_xend_matches_augeas(path: Path) -> None:
    wrapper = peer_tool("peer-augeas", "/usr/share/augeas/lenses/dist/xendconfsxp.aug")
    rc, out = _run(wrapper, "Xendconfsxp.lns", str(path), "--tree")
    verdict = out.split(" ", 1)[0] if out else ""
    if not verdict.startswith("OK"):
        # Augeas rejects inline comments after a list, libvirt's domain dumps and
        # pci quirk files; we read them (documented in docs/formats/xend.md).
        pytest.skip(f"Augeas rejects it: {out.splitlines()[0] if out else rc}")
    doc = xencfg.load(path, "xend")
    ours = [[c.name, *(xend.to_py(v) for v in c.values)] for c in doc.children]
    assert ours == _augeas_settings(out)


def test_augeas_rejects_what_we_read() -> None:
    """Known difference: a comment after a setting on its line (xend accepts it)."""
    wrapper = peer_tool("peer-augeas", "/usr/share/augeas/lenses/dist/xendconfsxp.aug")
    path = FIXTURES / "xend" / "valid" / "relocation.sxp"
    _rc, out = _run(wrapper, "Xendconfsxp.lns", str(path))
    assert out.startswith("REJECT") and "line 11" in out
    assert xencfg.load(path).relocation_server is True


# -- xl: xl -N create -n ------------------------------------------------------------------

XL_FILES = (
    sorted((FIXTURES / "xl" / "valid").iterdir())
    + shared_files("corpus", "domu-xl")
    + [
        p
        for p in shared_files("oracle", "peers", "samples")
        if p.suffix == ".cfg" and p.parent.name == "samples"
    ]
)
XL_BROKEN = [
    p for p in shared_files("oracle", "peers", "samples", "broken") if p.name.startswith("xl-")
]
XL_BIN = "/usr/lib/xen-4.17/bin/xl"


def _xl_json(path: Path) -> dict[str, Any] | str:
    """xl's JSON of the domain config, or its rejection message."""
    wrapper = peer_tool("peer-xl", XL_BIN, "cc")
    rc, out = _run(wrapper, str(path))
    if rc != 0:
        return out
    return json.loads(out.split("\n", 1)[1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", XL_FILES, ids=ids(XL_FILES))
def test_xl_values_match_xl(path: Path) -> None:
    got = _xl_json(path)
    doc = xencfg.load(path, "xl")
    if isinstance(got, str):
        if "config parsing error" in got:
            # the one syntax we accept and libxlu does not: CR line ends
            assert "\r" in read(path) and "lexical error" in got, got
        pytest.skip(f"xl rejects it: {got.splitlines()[0][:200]}")
    c_info, b_info = got["c_info"], got["b_info"]
    assert c_info["name"] == doc.name
    if doc.uuid:
        assert c_info["uuid"] == doc.uuid
    if doc.memory is not None:
        assert b_info["target_memkb"] == doc.memory * 1024
        assert b_info["max_memkb"] == (doc.maxmem or doc.memory) * 1024
    if doc.vcpus is not None and "max_vcpus" in b_info:
        assert b_info["max_vcpus"] == doc.vcpus
    for key in ("kernel", "ramdisk", "bootloader"):
        if doc.get(key) is not None and key in b_info:
            assert b_info[key] == doc.get(key)
    disks = got.get("disks", [])
    assert len(disks) == len(doc.disks)
    for theirs, ours in zip(disks, doc.disks, strict=False):
        assert theirs.get("vdev") == ours.vdev
        if "pdev_path" in theirs:
            assert theirs["pdev_path"].replace("\\:", ":") == (ours.target or "").replace(
                "\\:", ":"
            )
        assert bool(theirs.get("readwrite", 0)) == ours.writable
        if ours.script:
            assert theirs.get("script") == ours.script
    nics = got.get("nics", [])
    assert len(nics) == len(doc.vifs)
    for theirs, vif in zip(nics, doc.vifs, strict=False):
        if vif.mac:
            assert theirs.get("mac") == vif.mac
        if vif.bridge:
            assert theirs.get("bridge") == vif.bridge


@pytest.mark.parametrize("path", XL_BROKEN, ids=ids(XL_BROKEN))
def test_xl_syntax_errors_agree(path: Path) -> None:
    wrapper = peer_tool("peer-xl", XL_BIN, "cc")
    _rc, out = _run(wrapper, str(path))
    m = re.search(re.escape(path.name) + r":(\d+): config parsing error", out)
    if m is None:
        # accepted, or refused for a semantic reason: the syntax is fine
        assert isinstance(xencfg.load(path, "xl"), domu.DomUDocument)
        return
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "xl")
    assert info.value.line == int(m.group(1))


# -- xm: the Python value oracle -----------------------------------------------------------

XM_FILES = (
    sorted((FIXTURES / "xm" / "valid").iterdir())
    + shared_files("corpus", "domu-xm")
    + [
        p
        for p in shared_files("seed-examples")
        if "/etc/xen/" in str(p)
        and p.name in ("host1.dom", "host2.dom", "linva06", "nfs.xm", "test", "shaolin")
    ]
)


def _plain(v: Any) -> Any:
    return json.loads(json.dumps(v))


@pytest.mark.parametrize("path", XM_FILES, ids=ids(XM_FILES))
def test_xm_values_match_python(path: Path) -> None:
    wrapper = peer_tool("peer-xm-python", "/usr/bin/python3")
    rc, out = _run(wrapper, str(path))
    doc = xencfg.load(path, "xm")
    if rc != 0:
        assert not doc.is_static or "SyntaxError" not in out, out
        pytest.skip(f"python cannot run it: {out.splitlines()[0]}")
    theirs = json.loads(out.split("\n", 1)[1])
    compared = 0
    for key, value in doc.settings.items():
        if value is domu.COMPUTED:
            continue
        try:
            mine = _plain(value)
        except (TypeError, ValueError):
            continue
        assert theirs[key] == mine, key
        compared += 1
    assert compared or not doc.is_static


# -- both styles: Augeas Simplevars (flat key = raw value) --------------------------------


@pytest.mark.parametrize("path", XM_FILES + XL_FILES, ids=ids(XM_FILES + XL_FILES))
def test_domu_matches_augeas_simplevars(path: Path) -> None:
    """Where the lens reads a file, it sees the same keys with the same raw values."""
    wrapper = peer_tool("peer-augeas", "/usr/share/augeas/lenses/dist/simplevars.aug")
    _rc, out = _run(wrapper, "Simplevars.lns", str(path), "--tree")
    if not out.startswith("OK"):
        # the lens has no room for ';', multi-line lists, code or inline comments
        pytest.skip(f"Augeas rejects it: {out.splitlines()[0][:160] if out else _rc}")
    theirs = []
    for line in out.splitlines()[1:]:
        m = re.match(r"^/([^ =]+) = (.*)$", line)
        if m and not m.group(1).startswith("#"):
            theirs.append((m.group(1), ast.literal_eval(m.group(2)).strip()))
    fmt = "xl" if path in XL_FILES else "xm"
    doc = xencfg.load(path, fmt)
    ours = [(a.key, doc.source[a.rhs[0].pos : a.rhs[-1].end]) for a in doc.assignments() if a.rhs]
    assert ours == theirs
