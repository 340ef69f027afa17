"""Our fixtures are our own words: no file under tests/fixtures or examples/ may be a byte
copy of a file in ../shared (its corpus holds other projects' files, which stay there and
are read in place). Two sessions committed drbd-utils' stock drbd.conf ("# You can find an
example in ...") into fixture trees before this test caught it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import ROOT, shared_path

#: Shorter files (an empty file, "1\n", one include line) are alike by chance, not copied.
SMALLEST = 80


def _digests(base: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(base.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size >= SMALLEST:
            out.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return out


def test_no_fixture_is_a_copy_of_a_shared_file() -> None:
    theirs = _digests(shared_path())
    ours = {**_digests(ROOT / "tests" / "fixtures"), **_digests(ROOT / "examples")}
    copies = sorted(
        f"{path.relative_to(ROOT)} is {theirs[digest]}"
        for digest, path in ours.items()
        if digest in theirs
    )
    assert not copies, "\n".join(copies)
