"""Peer oracles: o2cb for ocfs2 cluster.conf, Augeas' Lvm.lns for lvm.conf.

What the peer accepts we parse, to the same values; where it refuses, we
either refuse too or report the reason in ``problems()``. The wrappers live in
../shared/oracle/peers and need root and the installed tool: without them the
tests skip with the reason (under CI=true, which installs them, they fail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, SHARED, ids, shared_files, shared_path, unavailable

pytestmark = pytest.mark.peer

OCFS2 = (
    sorted((FIXTURES / "ocfs2" / "valid").iterdir())
    + sorted((FIXTURES / "ocfs2" / "invalid").iterdir())
    + shared_files("corpus", "ocfs2")
    + [p for p in shared_files("seed-examples", pattern="cluster.conf") if p.parent.name == "ocfs2"]
)
LVM = (
    sorted((FIXTURES / "lvm" / "valid").iterdir())
    + sorted((FIXTURES / "lvm" / "invalid").iterdir())
    + shared_files("seed-examples", pattern="lvm.conf")
)
VARIANTS = {
    "spaces": "cluster:\n    name = c\n    node_count = 1\n\nnode:\n    name = a\n    number = 0\n"
    "    ip_address = 10.0.0.1\n    ip_port = 7777\n    cluster = c\n",
    "inline-hash": "cluster:\n\tname = c\n\tnode_count = 1\n\nnode:\n\tname = a # x\n\tnumber = 3\n"
    "\tip_address = 10.0.0.1\n\tip_port = 7000\n\tcluster = c\n",
    "ipv6": "cluster:\n\tname = c\n\tnode_count = 1\n\nnode:\n\tname = a\n\tnumber = 0\n"
    "\tip_address = fd00::1\n\tip_port = 7777\n\tcluster = c\n",
    "dup-name": "cluster:\n\tname = c\n\tnode_count = 2\n\nnode:\n\tname = a\n\tnumber = 0\n"
    "\tip_address = 10.0.0.1\n\tip_port = 7777\n\tcluster = c\n\nnode:\n\tname = a\n\tnumber = 1\n"
    "\tip_address = 10.0.0.2\n\tip_port = 7777\n\tcluster = c\n",
    "dup-key": "cluster:\n\tname = c\n\tnode_count = 1\n\nnode:\n\tname = a\n\tnumber = 0\n"
    "\tnumber = 5\n\tip_address = 10.0.0.1\n\tip_port = 7777\n\tcluster = c\n",
    "other-cluster": "cluster:\n\tname = c\n\tnode_count = 1\n\nnode:\n\tname = a\n\tnumber = 0\n"
    "\tip_address = 10.0.0.1\n\tip_port = 7777\n\tcluster = d\n",
}
LVM_VARIANTS = {
    "nested": 'tags {\n\thosttags = 1\n\tt1 {\n\t\thost_list = [ "a", "b" ]\n\t}\n}\n',
    "neg": 'log {\n\tlevel = -1\n\tprefix = "  "\n}\nglobal {\n\tumask = 077\n}\n',
}


def _peer(name: str) -> Path:
    path = shared_path("oracle", "peers", name)
    reason = ""
    if os.geteuid() != 0:
        reason = f"{name} needs root"
    elif name == "peer-o2cb" and shutil.which("o2cb") is None:
        reason = "o2cb (ocfs2-tools) is not installed"
    elif name == "peer-augeas" and not Path("/usr/share/augeas/lenses/dist/lvm.aug").exists():
        reason = "augeas' Lvm lens (augeas-lenses) is not installed"
    if reason:
        unavailable(reason)
    return path


def _run(peer: Path, *args: str) -> tuple[bool, str]:
    res = subprocess.run([str(peer), *args], capture_output=True, text=True, timeout=120)
    return res.stdout.startswith("OK"), res.stdout


def _o2cb_stanzas(out: str) -> list[dict[str, str]]:
    """The stanzas ``o2cb list-cluster`` printed (after the '# cluster' lines)."""
    stanzas: list[dict[str, str]] = []
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(("\t", "#", "OK")):
            stanzas.append({"": line[:-1]})
        elif line.startswith("\t") and stanzas and " = " in line:
            k, _, v = line.strip().partition(" = ")
            stanzas[-1][k] = v
    return stanzas


def _check_ocfs2(peer: Path, path: Path) -> None:
    ok, out = _run(peer, str(path))
    try:
        doc = xencfg.load(path, "ocfs2")
    except xencfg.ParseError:
        assert not ok, f"o2cb accepts what we refuse:\n{out}"
        return
    if not ok:
        assert list(doc.problems()) or not doc.clusters, f"o2cb refuses, we see no problem:\n{out}"
        return
    assert not list(doc.problems()), out
    theirs = _o2cb_stanzas(out)
    clusters = {c.name for c in doc.clusters}
    nodes = [
        {
            "": "node",
            "number": str(n.number),
            "name": n.name,
            "ip_address": str(n.ip_address),
            "ip_port": str(n.ip_port),
            "cluster": n.cluster,
        }
        for n in doc.nodes
        if n.cluster in clusters
    ]
    assert sorted([s for s in theirs if s[""] == "node"], key=str) == sorted(nodes, key=str)
    ours_c = [
        {
            "": "cluster",
            "node_count": str(c.node_count),
            "heartbeat_mode": c.heartbeat_mode,
            "name": c.name,
        }
        for c in doc.clusters
    ]
    assert [s for s in theirs if s[""] == "cluster"] == ours_c
    ours_h = sorted((h.region, h.cluster) for h in doc.heartbeats if h.cluster in clusters)
    assert sorted((s["region"], s["cluster"]) for s in theirs if s[""] == "heartbeat") == ours_h


@pytest.mark.parametrize("path", OCFS2, ids=ids(OCFS2))
def test_o2cb_agrees(path: Path) -> None:
    if SHARED in path.parents:
        shared_path()
    _check_ocfs2(_peer("peer-o2cb"), path)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_o2cb_agrees_on_variants(name: str, tmp_path: Path) -> None:
    peer = _peer("peer-o2cb")
    f = tmp_path / "cluster.conf"
    f.write_text(VARIANTS[name])
    _check_ocfs2(peer, f)


def test_o2cb_accepts_the_corpus() -> None:
    """Guard: the comparisons above must really compare (the peer accepts these)."""
    peer = _peer("peer-o2cb")
    own = FIXTURES / "ocfs2" / "valid" / "global-heartbeat.conf"
    corpus = [*shared_files("corpus", "ocfs2"), own]
    shared_path("corpus", "ocfs2")
    assert all(_run(peer, str(p))[0] for p in corpus)


def test_o2cb_reads_our_canonical_render(tmp_path: Path) -> None:
    from xencfg.formats.lines.ocfs2 import Ocfs2Document

    peer = _peer("peer-o2cb")
    doc = Ocfs2Document.new("xen", [("h1", 0, "10.0.0.1"), ("h2", 1, "10.0.0.2")])
    doc.add_node("h3", 2, "10.0.0.3", 7778)
    f = tmp_path / "cluster.conf"
    f.write_text(xencfg.dumps(doc))
    _check_ocfs2(peer, f)


def _aug_flat(out: str) -> dict[str, object]:
    """Augeas' Lvm tree (``/sec/dict/key/int = '1'``) as our ``section/key`` -> value."""
    flat: dict[str, object] = {}
    for line in out.splitlines():
        if not line.startswith("/") or " = " not in line:
            continue
        path, _, raw = line.partition(" = ")
        value: object = raw.strip("'")
        parts = [p for p in path.strip("/").split("/") if p != "dict"]
        kind = parts.pop()
        if kind == "int":
            # LVM reads an int token with strtoll(tok, NULL, 0) (libdm-config.c _type):
            # a leading 0 is octal, so Augeas' '077' is 63 to LVM
            digits = str(value).lstrip("+-")
            octal = len(digits) > 1 and digits.startswith("0")
            value = int(str(value), 8) if octal else int(str(value))
        if "list" in parts:
            i = parts.index("list")
            key = "/".join(parts[:i])
            lst = flat.setdefault(key, [])
            assert isinstance(lst, list)
            lst.append(value)
        else:
            flat["/".join(parts)] = value
    return flat


def _check_lvm(peer: Path, path: Path) -> None:
    ok, out = _run(peer, "Lvm.lns", str(path), "--tree")
    try:
        doc = xencfg.load(path, "lvm")
    except xencfg.ParseError:
        assert not ok, f"Augeas accepts what we refuse:\n{out}"
        return
    if not ok:
        return  # we are more lenient (floats, comma-less lists): see docs/formats/lvm.md
    ours = {k: v for k, v in doc.flat().items() if v != []}  # the lens drops empty lists
    assert _aug_flat(out) == ours


@pytest.mark.parametrize("path", LVM, ids=ids(LVM))
def test_augeas_lvm_agrees(path: Path) -> None:
    if SHARED in path.parents:
        shared_path()
    _check_lvm(_peer("peer-augeas"), path)


def test_augeas_accepts_the_seeds() -> None:
    peer = _peer("peer-augeas")
    seeds = shared_files("seed-examples", pattern="lvm.conf")
    shared_path("seed-examples")
    assert seeds and all(_run(peer, "Lvm.lns", str(p), "--tree")[0] for p in seeds)


@pytest.mark.parametrize("name", sorted(LVM_VARIANTS))
def test_augeas_lvm_agrees_on_variants(name: str, tmp_path: Path) -> None:
    peer = _peer("peer-augeas")
    f = tmp_path / "lvm.conf"
    f.write_text(LVM_VARIANTS[name])
    ok, out = _run(peer, "Lvm.lns", str(f), "--tree")
    assert ok, out  # these must be accepted, or the comparison proves nothing
    _check_lvm(peer, f)
