"""What the rule tests share: build a node tree in tmp_path, lint it for one code."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from xencfg import lint
from xencfg.formats.schema import Version

#: (code, file name, line, related lines) of one finding.
Row = tuple[str, str, int, list[int]]


def tree(tmp: Path, name: str, files: dict[str, str]) -> Path:
    """A node root ``tmp/name`` holding ``files`` (authkeys gets heartbeat's 0600)."""
    root = tmp / name
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        if rel.endswith("authkeys"):
            p.chmod(0o600)
    return root


def copy_site(source: Path, root: Path) -> Path:
    """A fixture site copied to ``root`` with the secret files' modes the nodes have
    (git keeps neither 0600 nor 0400; a 0644 iscsid.conf with the CHAP password is
    IS104's, a true warning)."""
    shutil.copytree(source, root, symlinks=True)
    for keys in root.glob("*/etc/ha.d/authkeys"):
        keys.chmod(0o600)
    for keys in (*root.glob("*/etc/corosync/authkey"), *root.glob("*/etc/ais/authkey")):
        keys.chmod(0o400)
    for chap in root.glob("*/etc/iscsi/iscsid.conf"):
        chap.chmod(0o600)
    return root


def site_found(
    root: Path, declared: dict[str, str] | None = None, select: str = ""
) -> set[tuple[str, str, str]]:
    """{(code, path below ``root``, severity)} of lint over every node folder of a site,
    with the releases ``declared`` (``{"drbd": "8.3"}``); asserts no file was unread and
    no rule failed."""
    nodes = [str(n) for n in sorted(root.iterdir()) if n.is_dir()]
    versions = {k: Version.parse(v) for k, v in declared.items()} if declared else None
    result = lint.run(nodes, select=select.split(",") if select else (), versions=versions)
    assert not [f for f in result.findings if f.code in ("XC001", "XC002", "XC006")]
    top = os.path.abspath(root)
    return {
        (f.code, os.path.relpath(os.path.abspath(f.path), top), f.severity) for f in result.findings
    }


def edit_site(root: Path, pattern: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in every node's file matching ``pattern`` (one at least)."""
    paths = list(root.glob(pattern))
    assert paths, pattern
    for path in paths:
        text = path.read_text()
        assert old in text, path
        path.write_text(text.replace(old, new))


def found(code: str, *roots: Path) -> list[Row]:
    """The findings of rule ``code`` over the node trees ``roots``."""
    result = lint.run([str(r) for r in roots], select=[code])
    return [
        (f.code, Path(f.path).name, f.line, [r.line for r in f.related]) for f in result.findings
    ]


def messages(code: str, *roots: Path) -> list[str]:
    return [f.message for f in lint.run([str(r) for r in roots], select=[code]).findings]


def corosync_pair(quorum: str = "") -> str:
    """A corosync 3 corosync.conf of nodes alpha (10.0.0.1) and beta (10.0.0.2) under
    votequorum, ``quorum`` (tab-indented lines) added to its ``quorum`` section."""
    return (
        "totem {\n\tversion: 2\n\tcluster_name: pair\n\ttransport: knet\n}\n"
        "nodelist {\n"
        "\tnode {\n\t\tname: alpha\n\t\tnodeid: 1\n\t\tring0_addr: 10.0.0.1\n\t}\n"
        "\tnode {\n\t\tname: beta\n\t\tnodeid: 2\n\t\tring0_addr: 10.0.0.2\n\t}\n"
        "}\n"
        f"quorum {{\n\tprovider: corosync_votequorum\n{quorum}}}\n"
    )
