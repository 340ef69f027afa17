"""The Python API as a third-party tool uses it (``import xencfg``): linting texts held
in memory (:func:`xencfg.lint.lint_tree`, :func:`xencfg.lint.lint_text`), one exception
class for refused edits, and typed CIB elements under a caller's ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from xencfg.discover import display_path
from xencfg.lint import lint_text, lint_tree, run

EXAMPLES = ROOT / "examples"


def tree_of(top: Path) -> dict[str, dict[str, str]]:
    """A cluster folder of node roots read into ``{node: {path: text}}``."""
    return {
        node.name: {
            f.relative_to(node).as_posix(): f.read_text(errors="surrogateescape")
            for f in sorted(node.rglob("*"))
            if f.is_file() and not f.is_symlink()
        }
        for node in sorted(top.iterdir())
        if node.is_dir()
    }


# -- linting texts held in memory -----------------------------------------------------

R0_BROKEN = """\
resource r0 {
  protocol Z;
  on alpha {
    device /dev/drbd0;
    disk /dev/sdb1;
    address 10.0.0.1:7788;
    meta-disk internal;
  }
}
"""


@pytest.mark.parametrize("example", ["mistakes", "sles10-evms", "supportconfig", "two-node"])
def test_a_tree_in_memory_gets_the_findings_of_the_same_tree_on_disk(example: str) -> None:
    """The same engine path as ``xencfg lint``: each finding of the folder on disk, with
    its line and message, and no other; paths are the ones given (node/path)."""
    top = EXAMPLES / example
    on_disk = run([str(top)])
    in_memory = lint_tree(tree_of(top))
    prefix = f"{display_path(top)}/"
    expected = [
        (f.code, f.path.removeprefix(prefix), f.line, f.column, f.message.replace(prefix, ""))
        for f in on_disk.findings
    ]
    assert [(f.code, f.path, f.line, f.column, f.message) for f in in_memory.findings] == expected
    assert in_memory.cluster.nodes == on_disk.cluster.nodes
    assert example == "two-node" or expected  # the comparison compares findings


def test_a_multi_node_tree_names_its_files_as_given_with_their_lines() -> None:
    tree = tree_of(EXAMPLES / "two-node")
    tree["beta"]["etc/drbd.d/web.res"] = tree["beta"]["etc/drbd.d/web.res"].replace(
        "protocol C;", "protocol Z;"
    )
    res = lint_tree(tree)
    bad = [f for f in res.findings if f.code == "XC005"]
    assert [(f.path, f.line) for f in bad] == [("beta/etc/drbd.d/web.res", 5)]
    assert "'Z'" in bad[0].message
    assert res.exit_code() == 1
    assert res.cluster.nodes == ["alpha", "beta"]
    assert all(not f.path.startswith(("/", ".")) for f in res.findings)
    assert "beta/etc/drbd.d/web.res" in res.texts
    # the documents are there for queries; the temporary files are not
    for loaded in res.cluster.loaded:
        assert loaded.doc.path is None and not loaded.file.path.is_absolute()
    assert "xencfg-lint-" not in repr(res.findings)


def test_a_whole_tree_cleans_up_to_no_finding() -> None:
    res = lint_tree(tree_of(EXAMPLES / "two-node"))
    assert res.findings == [] and res.exit_code(strict=True) == 0
    assert len(res.cluster.loaded) == 24


def test_a_single_text_by_its_path_or_its_format() -> None:
    by_name = lint_text(R0_BROKEN, path="drbd.conf")
    assert [(f.code, f.path, f.line, f.column) for f in by_name.findings] == [
        ("XC005", "drbd.conf", 2, 3)
    ]
    by_format = lint_text(R0_BROKEN, "drbd")
    assert [(f.code, f.path, f.line) for f in by_format.findings] == [("XC005", "-", 2)]
    in_tree = lint_text(R0_BROKEN, path="alpha/etc/drbd.conf", select=["XC005"])
    assert [f.path for f in in_tree.findings] == ["alpha/etc/drbd.conf"]


def test_a_single_text_that_does_not_parse_is_an_xc001_at_its_line() -> None:
    res = lint_text("resource r0 {\n  on alpha {\n", "drbd", path="gen/drbd.conf")
    broken = [f for f in res.findings if f.code == "XC001"]
    assert [(f.path, f.line) for f in broken] == [("gen/drbd.conf", 2)]


def test_text_without_a_format_or_a_bad_path_or_code_is_refused() -> None:
    with pytest.raises(xencfg.UnknownFormatError):
        lint_text("hello world\n")
    with pytest.raises(xencfg.UnknownFormatError):
        lint_text(R0_BROKEN, "no-such-format")
    with pytest.raises(xencfg.XencfgError, match="select"):
        lint_text(R0_BROKEN, "drbd", select=["NOPE999"])
    for bad in ("../etc/drbd.conf", "etc/../../x", ""):
        with pytest.raises(ValueError):
            lint_tree({"alpha": {bad: R0_BROKEN}})
    for node in ("..", "a/b", "etc"):
        with pytest.raises(ValueError):
            lint_tree({node: {"etc/drbd.conf": R0_BROKEN}})
    with pytest.raises(ValueError, match="both a file and a folder"):
        lint_tree({"alpha": {"etc/drbd.d": "x", "etc/drbd.d/r0.res": R0_BROKEN}})


def test_a_leading_slash_is_the_node_s_root() -> None:
    res = lint_tree({"alpha": {"/etc/drbd.conf": R0_BROKEN}}, select=["XC005"])
    assert [f.path for f in res.findings] == ["alpha/etc/drbd.conf"]
