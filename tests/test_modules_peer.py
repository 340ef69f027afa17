"""kmod's own parser as the oracle for modprobe files.

``modprobe -C FILE -c`` reads only FILE (plus the kernel command line) and
prints the configuration it kept: what kmod keeps we read to the same
options, aliases, blacklist and commands; the lines kmod calls bad we mark.
No root needed and nothing is loaded. Skips when kmod is missing (fails under
CI=true).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, ids, shared_files, unavailable
from roundtrip import read
from xencfg.formats.lines.modules import ModulesDocument, norm, parse_params

pytestmark = pytest.mark.peer

FILES = [p for p in sorted((FIXTURES / "modules" / "valid").iterdir()) if p.name != "modules"] + [
    p
    for p in shared_files("seed-examples")
    if p.name == "modprobe.conf.local" or p.parent.name == "modprobe.d"
]


def kmod_config(path: Path) -> tuple[list[str], list[str]]:
    """kmod's dump of ``path``: its config lines and its complaints."""
    modprobe = shutil.which("modprobe") or "/usr/sbin/modprobe"
    if not os.path.exists(modprobe):
        reason = "kmod's modprobe is not installed"
        unavailable(reason)
    proc = subprocess.run(
        [modprobe, "-C", str(path), "-c"], capture_output=True, text=True, timeout=30, check=False
    )
    lines = proc.stdout.split("# End of configuration files")[0].splitlines()
    return lines, proc.stderr.splitlines()


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_kmod_keeps_what_we_read(path: Path) -> None:
    lines, errors = kmod_config(path)
    doc = xencfg.loads(read(path), "modules", path=str(path))
    assert isinstance(doc, ModulesDocument) and doc.is_modprobe
    assert errors == []
    ours = {norm(m): o for m, o in doc.options.items()}
    for line in lines:
        cmd, _, rest = line.partition(" ")
        if cmd == "options":
            mod, _, params = rest.partition(" ")
            if norm(mod) in ours:
                assert parse_params(params.split()) == ours.pop(norm(mod))
        elif cmd == "alias" and rest.split()[0] in doc.aliases:
            name, target = rest.split()[:2]
            assert doc.aliases[name] == target
        elif cmd == "blacklist":
            assert rest in doc.blacklist
        elif cmd in ("install", "remove"):
            mod, _, command = rest.partition(" ")
            table = doc.install if cmd == "install" else doc.remove_commands
            assert " ".join(table[mod].split()) == " ".join(command.split())
    assert ours == {}, "options kmod did not keep"
    assert sorted(doc.aliases) == sorted(
        ln.split()[1] for ln in lines if ln.startswith("alias ") and ln.split()[1] in doc.aliases
    )


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("option sbp2 serialize_io=1\n", "option"),
        ("  # indented comment\noptions loop max_loop=8\n", "#"),
        ("blacklist pcspkr\nfrobnicate x\n", "frobnicate"),
    ],
)
def test_lines_kmod_calls_bad_are_marked(text: str, bad: str, tmp_path: Path) -> None:
    f = tmp_path / "test.conf"
    f.write_text(text)
    _, errors = kmod_config(f)
    assert any(re.search(rf"ignoring bad line starting with '{re.escape(bad)}'", e) for e in errors)
    doc = xencfg.load(f, "modules")
    assert [n.key for n, kind, _ in doc.keyword_problems()] == [bad]  # type: ignore[attr-defined]
