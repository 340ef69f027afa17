"""The line family's one scanner (xencfg.syntax.lines_scan), on its own terms.

Whether each fast path builds Lark's tree on every file and on mutations is
tests/test_fast_paths.py's (the one differential harness, whose FAST_PATHS this reads).
Here: the scanner serves the whole family, its tables name their grammars' terminals
(which are Lark's own, syntax/terminals.py), the blanks it reads ahead of a token are
Lark's, and hand-picked corners are taken, or declined where the grammar refuses them.
"""

from __future__ import annotations

import re

import pytest

from roundtrip import check_scanner
from test_fast_paths import FAST_PATHS
from xencfg.syntax import lines_scan

LINE_FORMATS = frozenset(
    {
        "hacf",
        "authkeys",
        "logd",
        "hosts",
        "modules",
        "iscsid",
        "initiatorname",
        "ietd",
        "iet-allow",
        "ocfs2",
        "corosync",
        "shellvars",
    }
)


BY_FORMAT = {fmt: (fast, lark) for fmt, fast, lark in FAST_PATHS if fmt in LINE_FORMATS}


def test_the_scanner_serves_the_line_family() -> None:
    assert set(BY_FORMAT) == LINE_FORMATS


# -- the tables are the grammars' ---------------------------------------------------------


@pytest.mark.parametrize("grammar", sorted(lines_scan.TABLES))
def test_tables_name_the_grammars_terminals(grammar: str) -> None:
    table = lines_scan.TABLES[grammar]
    names = set(lines_scan.terminals(grammar))
    assert table.skip is None or table.skip in lines_scan.ignores(grammar)
    for moves in table.states.values():
        assert set(moves) <= names
        assert not set(moves) & set(lines_scan.ignores(grammar))
    assert set(table.compiled) == set(table.states)


@pytest.mark.parametrize("grammar", sorted(lines_scan.TABLES))
def test_the_skipped_blanks_start_no_earlier_terminal(grammar: str) -> None:
    """The blanks a table reads ahead of each token are Lark's blank token: no terminal
    Lark tries before that one can start where it matches."""
    table = lines_scan.TABLES[grammar]
    if table.skip is None:
        return
    pats = lines_scan.terminals(grammar)
    skip = re.compile(pats[table.skip])
    earlier = [re.compile(pats[n]) for n in list(pats)[: list(pats).index(table.skip)]]
    starts = [chr(c) for c in range(0x3001) if skip.match(chr(c))] + ["\\\n", "\\\r\n"]
    starts = [s for s in starts if skip.match(s)]
    assert " " in starts and "\t" in starts
    for start in starts:
        for rest in ("a", "=", ":", "{", "}", "#", "\n", "x y", "a:", "a {", ""):
            assert not any(rx.match(start + rest) for rx in earlier), (start, rest)


#: Hand-picked corners: ``(format, text, whether the fast path takes it)``. A text Lark
#: refuses must be declined; the rest must be taken (with Lark's tree).
EDGES = [
    ("hacf", "", True),
    ("hacf", "# only a comment", True),
    ("hacf", "node a b", True),  # no final newline
    ("hacf", "node a#b c\r\n", True),
    ("hacf", "node a\rb\n", True),  # a lone CR is a blank to heartbeat's grammar
    ("hacf", "node a\u2003b\n", False),  # a blank the grammar refuses
    ("hacf", "node a\u2028b\n", False),
    ("modules", "options a b=1 \\\n  c=2\n", True),
    ("modules", "install a /bin/x \\\n#not a comment? it is\n", True),
    ("modules", " #x y\n#z\n", True),
    ("modules", "options a \\", False),  # continued into the end of the file
    ("modules", "options a\\b\n", True),
    ("iscsid", "node.startup = manual\n", True),
    ("iscsid", "a = b = c # d  \n", True),
    ("iscsid", "a =\n", True),
    ("iscsid", "a\n", False),
    ("iscsid", "a #c = 1\n", False),
    ("iscsid", "=1\n", False),
    ("iscsid", "a = b\rc\n", False),
    ("initiatorname", "InitiatorName=iqn.2026-01.x:y", True),
    ("ocfs2", "cluster:\n\tname = c\n\tnode_count = 2\n", True),
    ("ocfs2", "\tname = c\ncluster:\n", False),  # an attribute before any stanza
    ("ocfs2", "cluster:\nname = c\n", False),  # not indented
    ("ocfs2", " cluster:\n\tname = c\n", False),  # header not in column 1
    ("ocfs2", "cluster: # c\n\tname = #c\n", True),
    ("ocfs2", "cluster: name = c\n", False),
    ("ocfs2", "\n\n# c\n", True),
    ("corosync", "totem {\n\tversion: 2\n}\n", True),
    ("corosync", "totem {\n\tversion: 2\n", False),  # never closed
    ("corosync", "}\n", False),
    ("corosync", "totem { # c\n}\n", False),  # corosync 3 refuses text after '{'
    ("corosync", "totem {\n} x\n", False),
    ("corosync", "a {\nb {\nk: v: w # x\n}\n}\n", True),
    ("corosync", "k:\n", True),
    ("shellvars", 'A="a\nb"\nexport B=1\nexport C\n. /etc/x\n', True),
    ("shellvars", "A=1 B\n", False),
    ("shellvars", 'A="open\n', False),
    ("shellvars", "a \\\nb\n\\\nc\n", True),
]


@pytest.mark.parametrize(("fmt", "text", "takes"), EDGES)
def test_corners(fmt: str, text: str, takes: bool) -> None:
    fast, lark = BY_FORMAT[fmt]
    assert check_scanner(fmt, text, fast, lark) is takes
