"""Peer oracles for multipath.conf: multipath-tools' own parser and Augeas' lens.

* ``multipath -t`` (multipath-tools 0.9.4): every keyword it calls invalid or
  deprecated lies in a node our ``keyword_problems()`` marks, and every
  keyword we mark is one it complains about; files it cannot read for their
  braces are files we refuse with a ParseError.
* Augeas' ``Multipath.lns``: on every file it accepts, its tree holds the same
  sections, keywords and values as our model, in the same order.

The wrappers live in ../shared/oracle/peers and need root and the tools;
without them the tests skip with the reason (CI installs them, so there they
fail instead).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, augeas_lens, augeas_tree, ids, shared_files, shared_path, unavailable
from xencfg.formats.multipath import MultipathDocument
from xencfg.syntax.blocks import Block, Entry
from xencfg.syntax.tree import Node

pytestmark = pytest.mark.peer

FILES = (
    sorted((FIXTURES / "multipath" / "valid").iterdir())
    + sorted((FIXTURES / "multipath" / "invalid").iterdir())
    + shared_files("corpus", "multipath")
    + shared_files("seed-examples", pattern="multipath.conf")
)
INVALID = re.compile(r"line (\d+), invalid keyword(?: in the \w+ section)?: (\S+)")
DEPRECATED = re.compile(r'line (\d+): ignoring deprecated option "(\w+)"')
STRUCTURE = re.compile(r"missing '[{}]'|unmatched '}'|missing closing quotes")


def _shared(path: Path) -> None:
    if FIXTURES not in path.parents:
        shared_path()


def multipath_t(path: Path) -> str:
    peer = shared_path("oracle", "peers", "peer-multipath")
    reason = ""
    if os.geteuid() != 0:
        reason = "peer-multipath needs root (it mounts an overlay on /etc)"
    elif shutil.which("multipath") is None:
        reason = "multipath (multipath-tools) is not installed"
    if reason:
        unavailable(reason)
    res = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=120)
    return res.stdout


def span(doc: xencfg.Document, node: Node) -> range:
    """The lines a node covers (a section: from its keyword to its closing brace)."""
    toks = [t for t in node.tokens() if not t.is_trivia]
    first = doc.position(toks[0].pos)[0]
    last = doc.position(max(toks[-1].end - 1, toks[-1].pos))[0]
    return range(first, last + 1)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_multipath_t_complaints_are_marked(path: Path) -> None:
    _shared(path)
    out = multipath_t(path)
    diagnostics = out.splitlines()[1:]
    theirs = [(int(m[1]), m[2]) for d in diagnostics for m in [INVALID.search(d)] if m]
    theirs += [(int(m[1]), m[2]) for d in diagnostics for m in [DEPRECATED.search(d)] if m]
    try:
        doc = xencfg.load(path, "multipath")
    except xencfg.ParseError as err:
        assert any(STRUCTURE.search(d) for d in diagnostics), (err, diagnostics)
        return
    marked = [(span(doc, node), getattr(node, "key", "")) for node, _, _ in doc.keyword_problems()]
    # a '}' with no section open is no keyword: XC005 marks it (a value problem)
    strays = [span(doc, p.node) for p in doc.value_problems() if getattr(p.node, "key", "") == "}"]
    for line, key in theirs:
        if key == "}":  # the closing brace of a section it ignored, or a stray one
            assert any(line in lines for lines, _ in marked) or any(line in s for s in strays), (
                line,
                key,
            )
            continue
        assert any(line in lines for lines, _ in marked), f"line {line}: {key} is not marked"
    complained = {key for _, key in theirs}
    for lines, key in marked:
        # deprecated keywords are reported once per run by multipath, we mark each use
        assert key in complained, f"line {lines.start}: we mark '{key}', multipath accepts it"


def test_keyword_tables_match_multipath_t(tmp_path: Path) -> None:
    """Every keyword we accept in a section, multipath -t accepts there too."""
    from xencfg.formats import multipath as mp

    shells = {
        "defaults": ("defaults {{\n{}\n}}\n", mp.DEFAULTS_KEYWORDS, 2),
        "multipath": ("multipaths {{\nmultipath {{\n{}\n}}\n}}\n", mp.MULTIPATH_KEYWORDS, 3),
        "device": ("devices {{\ndevice {{\n{}\n}}\n}}\n", mp.DEVICE_KEYWORDS, 3),
        "overrides": ("overrides {{\n{}\n}}\n", mp.OVERRIDES_KEYWORDS, 2),
    }
    for section, (shell, keywords, first) in shells.items():
        words = sorted(keywords)
        conf = tmp_path / f"{section}.conf"
        conf.write_text(shell.format("\n".join(f"{w} 1" for w in words)))
        out = multipath_t(conf)
        refused = [
            words[int(m[1]) - first]
            for d in out.splitlines()[1:]
            for m in [INVALID.search(d) or DEPRECATED.search(d)]
            if m
        ]
        assert refused == [], f"{section}: multipath -t refuses {refused}"
        doc = xencfg.load(conf, "multipath")
        assert list(doc.keyword_problems()) == []


#: Files Augeas' lens refuses while multipath-tools reads them (and so do we).
LENS_TOO_STRICT = {
    "dllinc-proxmox__multipath.conf": "no newline after the last '}'",
    "infimpt__src_infi_multipathtools_config_sample.txt": "the lens lacks uid/gid/mode",
    "insights__parsr_examples_tests_test_multipath.py__EXAMPLE": "a last comment line '#'",
    "insights__tests_parsers_test_multipath_conf.py__MULTIPATH_CONF_CASE_1": (
        'an empty string "" followed by a comment'
    ),
    "mpt__multipath.conf.annotated@2005": "old keywords (multipath_tool) the lens lacks",
    "mpt__multipath.conf.synthetic@2005": "old keywords (multipath_tool) the lens lacks",
    "multipath.conf": "the seeds' old keywords (multipath_tool, default_selector)",
    "crlf-no-final-newline.conf": "CRLF line ends",
    "two-nodes.conf": "a comment after a value",
    "brace-on-next-line.conf": "a '{' below its section name (multipath reads the section,"
    " tests/test_multipath_braces.py)",
    "stray-brace.conf": "an unmatched '}' at the top level (multipath skips it: \"unmatched"
    " '}'\", tests/test_spelling5_multipath.py)",
}


def flatten(doc: MultipathDocument) -> list[tuple[str, str]]:
    """``(section/keyword path, value)`` in file order, as Augeas' tree lists them."""
    out: list[tuple[str, str]] = []

    def visit(node: Node, prefix: str) -> None:
        for child in node.child_nodes():
            if isinstance(child, Block):
                out.append((f"{prefix}/{child.key}", ""))
                visit(child, f"{prefix}/{child.key}")
            elif isinstance(child, Entry):
                value = " ".join(child.values)
                out.append((f"{prefix}/{child.key}", value))

    visit(doc, "")
    return out


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_augeas_multipath_lens_agrees(path: Path) -> None:
    _shared(path)
    peer = augeas_lens("multipath.aug")
    ok, tree = augeas_tree(peer, "Multipath.lns", path)
    try:
        doc = xencfg.load(path, "multipath")
    except xencfg.ParseError:
        assert not ok, "Augeas reads a file we refuse"
        return
    assert isinstance(doc, MultipathDocument)
    if not ok:
        assert path.name in LENS_TOO_STRICT, f"Augeas refuses {path}; say why we are right"
        return
    theirs = [
        # Augeas keeps a quoted value's text as is: ``""`` stays doubled where
        # multipath-tools (and we) read one quote
        (re.sub(r"\[\d+\]", "", key), (value or "").replace('""', '"'))
        for key, value in tree
        if "#comment" not in key
    ]
    assert flatten(doc) == theirs


#: How multipath -t prints a value that has several spellings.
DUMP_SPELLING = {("find_multipaths", "yes"): "on", ("find_multipaths", "no"): "off"}


def _dump(out: str) -> MultipathDocument:
    """multipath -t's merged configuration (it prints multipath.conf syntax)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("defaults {"))
    doc = xencfg.loads("\n".join(lines[start:]) + "\n", "multipath")
    assert isinstance(doc, MultipathDocument)
    return doc


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_what_multipath_t_accepts_we_read_to_the_same_values(path: Path) -> None:
    _shared(path)
    out = multipath_t(path)
    if not out.startswith("OK"):
        return  # the marking test above covers what it complains about
    ours = xencfg.load(path, "multipath")
    theirs = _dump(out)
    assert isinstance(ours, MultipathDocument)
    assert [(m.wwid, m.alias) for m in ours.multipaths] == [
        (m.wwid, m.alias) for m in theirs.multipaths
    ]
    for key, value in ours.defaults.items():
        value = DUMP_SPELLING.get((key, value), value)
        assert theirs.defaults.get(key) == value, (key, value, theirs.defaults.get(key))
    for section in ("blacklist", "blacklist_exceptions"):
        mine = [(r.kind, r.value, r.vendor, r.product) for r in getattr(ours, section)]
        dumped = [(r.kind, r.value, r.vendor, r.product) for r in getattr(theirs, section)]
        assert [r for r in mine if r not in dumped] == [], section


#: Values in the case an admin writes them: multipath-tools 0.9.4 (dict.c strcmp) calls
#: each "invalid value for KEY" and keeps the default; the lower-case spelling it takes.
_CASED_VALUES = (
    ("failback", "Immediate"),
    ("user_friendly_names", "Yes"),
    ("no_path_retry", "Queue"),
    ("path_grouping_policy", "Multibus"),
    # def_log_checker_err_handler: strcmp "once" / "always" (lint said nothing of it)
    ("log_checker_err", "Once"),
)


@pytest.mark.parametrize(("key", "value"), _CASED_VALUES, ids=[k for k, _ in _CASED_VALUES])
def test_value_in_another_case_is_refused(tmp_path: Path, key: str, value: str) -> None:
    from xencfg import lint

    bad = tmp_path / "bad.conf"
    bad.write_text(f"defaults {{\n\t{key} {value}\n}}\n")
    ok = tmp_path / "ok.conf"
    ok.write_text(f"defaults {{\n\t{key} {value.lower()}\n}}\n")
    found = lint.run([str(bad)], force_format="multipath", select=["XC005"]).findings
    assert [(f.line, f.severity) for f in found] == [(2, "error")]
    assert lint.run([str(ok)], force_format="multipath", select=["XC005"]).findings == []
    assert f'invalid value for {key}: "{value}"' in multipath_t(bad)
    assert "invalid value" not in multipath_t(ok)
