"""lvm.conf spellings as LVM2 reads them (helper mp5).

lvmteam/lvm2 at its release tags:

* ``devices/filter = [...]`` at the top level: libdm-config.c ``_section`` makes the node
  with ``_find_or_make_node``, which splits the key at ``/`` (lvm2 commit 687029cbb,
  "libdm-config: Allow paths (section/key = value) in config files", first in
  v2_02_113): the setting of its section. Before it (lib/config/config.c up to 2.02.88,
  libdm-config.c after), the node's key is the whole ``devices/filter``, which no lookup
  of ``devices`` then ``filter`` finds: the line is skipped without a word.
* a NUL: libdm-config.c ``_get_token`` returns ``TOK_EOF`` at ``!*p->tb`` and ends a
  string at ``*te == 0``, so LVM reads the file as ending there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats.lvmlike import evms, lvm

PATHS = 'devices/filter = [ "a|^/dev/drbd.*|", "r|.*|" ]\nglobal/locking_type = 3\n'


def test_top_level_paths_are_their_sections_settings() -> None:
    doc = lvm.parse(PATHS)
    assert xencfg.dumps(doc) == PATHS
    assert [(r.action, r.regex) for r in doc.filter] == [("a", "^/dev/drbd.*"), ("r", ".*")]
    assert doc.locking_type == 3
    assert doc.get("global/locking_type") == 3
    assert doc.accepts("/dev/drbd0") and not doc.accepts("/dev/sda")


def test_an_edit_changes_the_path_line_lvm_reads() -> None:
    doc = lvm.parse(PATHS)
    doc.set("global/locking_type", 1)
    assert doc.dumps() == PATHS.replace("locking_type = 3", "locking_type = 1")


def test_the_section_spelling_comes_first() -> None:
    """A setting in its section is the one lookups find first (2.02 lookups take the
    first node; lint's XC007/XC003 say the rest)."""
    doc = lvm.parse("global {\n\tlocking_type = 1\n}\n" + PATHS)
    assert doc.locking_type == 1


def test_lint_says_which_releases_read_it(tmp_path: Path) -> None:
    root = tree(tmp_path, "n1", {"etc/lvm/lvm.conf": PATHS})
    found = [(f.code, f.severity, f.line, f.message) for f in lint.run([str(root)]).findings]
    assert [(c, s, line) for c, s, line, _ in found] == [
        ("XC003", "warning", 1),
        ("XC003", "warning", 2),
        # (LVM 2.03 ignores locking_type: advice while the release is unknown,
        # tests/test_lvm_releases.py)
        ("XC004", "info", 2),
    ]
    assert "LVM2 2.02.113 and later" in found[0][3]
    assert "older releases ignore the line" in found[0][3]
    inside = (
        'devices {\n\tfilter = [ "a|^/dev/drbd.*|", "r|.*|" ]\n}\nglobal {\n\tlocking_type = 3\n}\n'
    )
    root = tree(tmp_path / "b", "n1", {"etc/lvm/lvm.conf": inside})
    assert [(f.code, f.severity) for f in lint.run([str(root)]).findings] == [("XC004", "info")]


def test_an_unknown_section_path_stays_unknown() -> None:
    doc = lvm.parse("gadgets/thing = 1\n")
    assert [(p.kind, p.keyword) for p in doc.keyword_problems()] == [("unknown", "gadgets/thing")]


@pytest.mark.parametrize("module", [lvm, evms])
def test_an_edit_refuses_a_nul(module: object) -> None:
    doc = module.parse('global {\n\tlocking_dir = "/var/lock"\n}\n')  # type: ignore[attr-defined]
    before = xencfg.dumps(doc)
    with pytest.raises(xencfg.ValidationError, match="NUL"):  # refused when made (api6)
        doc.set("global/locking_dir", "/var/lock\x00x")
    assert xencfg.dumps(doc) == before


@pytest.mark.parametrize("value", ["a\x85b", "a\u2028b", "a\rb"])
@pytest.mark.parametrize("module", [lvm, evms])
def test_an_edit_writes_other_controls_inside_quotes(module: object, value: str) -> None:
    """LVM's lexer keeps every byte but '"', '\\\\' and NUL inside a string."""
    doc = module.parse('global {\n\tlocking_dir = "/var/lock"\n}\n')  # type: ignore[attr-defined]
    doc.set("global/locking_dir", value)
    text = xencfg.dumps(doc)
    assert f'"{value}"' in text
    assert module.parse(text).get("global/locking_dir") == value  # type: ignore[attr-defined]


def test_a_nul_in_a_file_is_not_read_past() -> None:
    with pytest.raises(xencfg.ParseError):
        lvm.parse('global {\n\tlocking_dir = "/var/\x00lock"\n}\n')
