"""Other people's spellings of multipath.conf that multipath-tools reads (helper mp5).

What the daemon does, from opensvc/multipath-tools at its release tags
(libmultipath/parser.c; from 0.9.x libmpathutil/parser.c):

* ``blacklist local {`` (a word between the name and its ``{``): every release reads the
  section. 0.4.7 ``process_stream`` (lines 416-431) matches the line's first word to a
  keyword and opens its ``sub`` whatever follows; 0.9.4 ``validate_config_strvec``
  (lines 437-446) logs "expecting '{' on line N of FILE. found 'local'" and returns 0,
  so the section is read. ``overrides`` is no "sublevel keyword" there: a word after
  it is its value, the ``{`` is "ignoring extra data starting with '{'" (line 461).
* ``defaults{`` (no blank): 0.4.5 to 0.4.8 ``alloc_strvec`` (0.4.7 lines 231-233) end
  a word at a blank or a quote only: ``defaults{`` is one word, no keyword, skipped;
  0.4.9 splits ``{`` off a word (0.4.9 line 242) and reads the section.
* "missing '{'" (0.9.4 line 440) is followed by ``return 0``: the section is read.

``multipath -t`` 0.9.4 (peer-multipath) shows each: see :data:`PEER_SAYS`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, shared_path, unavailable
from lintkit import tree
from roundtrip import check_scanner
from xencfg import lint
from xencfg.formats import multipath
from xencfg.formats.schema import Version

#: Words before the ``{``: the sections are all read (multipath -t 0.9.4).
WORDS = (
    'blacklist local {\n\twwid "^3600z"\n}\n'
    "overrides site {\n\tno_path_retry 7\n}\n"
    'devices {\n\tdevice acme {\n\t\tvendor "ACME"\n\t\tproduct "X"\n\t}\n}\n'
)
#: The same with the ``{`` a line below the words.
WORDS_BELOW = 'blacklist local\n{\n\twwid "^3600z"\n}\noverrides site\n{\n\tno_path_retry 7\n}\n'
#: No blank before ``{``.
GLUED = 'defaults{\n\tpolling_interval 9\n}\nblacklist{\n\twwid "^3600z"\n}\n'
#: A sublevel section without any ``{`` line: "missing '{'", then read to its ``}``.
NO_BRACE = "defaults\n\tpolling_interval 9\n}\n"

PEER_SAYS = {
    WORDS: [
        "expecting '{' on line 1", "found 'local'",
        "ignoring extra data starting with '{' on line 4",
        "expecting '{' on line 8", "found 'acme'",
    ],
    WORDS_BELOW: [
        "expecting '{' on line 1", "invalid keyword '{' on line 2", "invalid keyword '{' on line 6",
    ],
    GLUED: [],
    NO_BRACE: ["missing '{' on line 1"],
}  # fmt: skip
#: What ``multipath -t`` shows read from each (the dump's lines).
PEER_READS = {
    WORDS: ['\twwid "^3600z"\n', "overrides {\n\tno_path_retry 7\n", '\t\tvendor "ACME"\n'],
    WORDS_BELOW: ['\twwid "^3600z"\n', "overrides {\n\tno_path_retry 7\n"],
    GLUED: ["\tpolling_interval 9\n", '\twwid "^3600z"\n'],
    NO_BRACE: ["\tpolling_interval 9\n"],
}


def _lint(tmp_path: Path, text: str, **versions: str) -> list[tuple[str, str, int, str]]:
    root = tree(tmp_path, "n1", {"etc/multipath.conf": text})
    given = {k.replace("_", "-"): Version.parse(v) for k, v in versions.items()}
    found = lint.run([str(root)], versions=given).findings
    return sorted((f.code, f.severity, f.line, f.message) for f in found)


@pytest.mark.parametrize("text", [WORDS, WORDS_BELOW, GLUED])
def test_loads_losslessly(text: str) -> None:
    assert check_scanner("multipath", text, multipath._scan, multipath.parse_lark)
    assert xencfg.dumps(xencfg.loads(text, "multipath")) == text


def test_words_before_the_brace_are_the_sections_arguments() -> None:
    doc = multipath.parse(WORDS)
    assert [r.value for r in doc.blacklist] == ["^3600z"]
    assert doc.overrides == {"no_path_retry": "7"}
    assert doc.devices[0].vendor == "ACME"
    assert doc.section("blacklist").args == ["local"]  # type: ignore[union-attr]
    doc.overrides["no_path_retry"] = "9"
    assert doc.dumps() == WORDS.replace("retry 7", "retry 9")


def test_words_before_the_brace_are_a_warning(tmp_path: Path) -> None:
    found = _lint(tmp_path, WORDS)
    assert [(c, s, line) for c, s, line, _ in found] == [
        ("XC005", "warning", 1),
        ("XC005", "warning", 4),
        ("XC005", "warning", 8),
    ]
    assert "expecting '{' ... found 'local'" in found[0][3]
    assert "ignoring extra data starting with '{'" in found[1][3]
    assert _lint(tmp_path, WORDS.replace(" local {", " {").replace(" site {", " {")
                 .replace(" acme {", " {")) == []  # fmt: skip


def test_overrides_with_a_word_and_the_brace_below_is_read(tmp_path: Path) -> None:
    """Unlike ``overrides`` alone (MP010): the word is its value, the line is read."""
    found = _lint(tmp_path, WORDS_BELOW)
    assert [c for c, s, *_ in found if s == "error"] == []
    assert [(c, line) for c, _, line, _ in found] == [
        ("XC005", 1), ("XC005", 1), ("XC005", 5), ("XC005", 5),
    ]  # fmt: skip
    assert not any("MP010" in f for f in found)


def test_glued_brace_is_version_aware(tmp_path: Path) -> None:
    """0.4.7 drops ``defaults{`` (error), 0.4.9 reads it (nothing), unknown: a warning."""
    old = _lint(tmp_path, GLUED, multipath_tools="0.4.7")
    assert [(c, s, line) for c, s, line, _ in old] == [("MP010", "error", 1), ("MP010", "error", 4)]
    assert "'defaults{' as one word" in old[0][3]
    assert _lint(tmp_path, GLUED, multipath_tools="0.4.9") == []
    assert _lint(tmp_path, GLUED, multipath_tools="0.9.4") == []
    unsure = _lint(tmp_path, GLUED)
    assert [(c, s) for c, s, *_ in unsure] == [("MP010", "warning"), ("MP010", "warning")]
    assert _lint(tmp_path, GLUED.replace("{", " {"), multipath_tools="0.4.7") == []


@pytest.mark.peer
@pytest.mark.parametrize("text", list(PEER_SAYS))
def test_multipath_t_reads_them(tmp_path: Path, text: str) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(text)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    for said in PEER_SAYS[text]:
        assert said in out.stdout, said
    if not PEER_SAYS[text]:
        assert out.stdout.startswith("OK"), out.stdout[:300]
    for read in PEER_READS[text]:
        assert read in out.stdout, read


# -- what an edit may write, and non-ASCII in a file ----------------------------------
# 0.9.4 libmpathutil/parser.c read_line (lines 322-330): fgets, then strtok_r(buf, "\n\r")
# ends the line at the first CR; a NUL ends the C string. alloc_strvec (lines 268-275)
# keeps any byte inside quotes but ends a bare word at a non-ASCII byte (isascii).
#: multipath -t 0.9.4 on these aliases: the dump's alias lines.
NON_ASCII = (
    "multipaths {\n\tmultipath {\n\t\twwid 3600a1\n\t\talias d\u00e4t\u00e4\n\t}\n"
    '\tmultipath {\n\t\twwid 3600a2\n\t\talias "q\x85r"\n\t}\n'
    '\tmultipath {\n\t\twwid 3600a3\n\t\talias "s\u2028t"\n\t}\n}\n'
)
NON_ASCII_READ = ['\t\talias "d"\n', '\t\talias "q\x85r"\n', '\t\talias "s\u2028t"\n']


@pytest.mark.parametrize("value", ["u\rv", "u\x00v", "u\nv"])
def test_an_edit_refuses_what_multipath_would_cut(value: str) -> None:
    """The edit refuses it (as a line break, tests/test_api6.py) and leaves the file as it was."""
    doc = multipath.parse("defaults {\n\tpolling_interval 5\n}\n")
    before = xencfg.dumps(doc)
    with pytest.raises(xencfg.ValidationError, match="CR or NUL"):
        doc.defaults["alias_prefix"] = value
    assert xencfg.dumps(doc) == before


@pytest.mark.parametrize("value", ["q\x85r", "s\u2028t", "d\u00e4t\u00e4"])
def test_an_edit_quotes_non_ascii_so_every_release_reads_it(value: str) -> None:
    doc = multipath.parse("defaults {\n\tpolling_interval 5\n}\n")
    doc.defaults["alias_prefix"] = value
    text = doc.dumps()
    assert f'\talias_prefix "{value}"\n' in text
    assert multipath.parse(text).defaults["alias_prefix"] == value


def test_unquoted_non_ascii_is_read_cut_short(tmp_path: Path) -> None:
    assert xencfg.dumps(xencfg.loads(NON_ASCII, "multipath")) == NON_ASCII
    assert check_scanner("multipath", NON_ASCII, multipath._scan, multipath.parse_lark)
    # (0.4.9 on cut the word; 0.4.5-0.4.8 read it whole: tests/test_review6.py)
    found = _lint(tmp_path, NON_ASCII, multipath_tools="0.9.4")
    assert [(c, s, line) for c, s, line, _ in found] == [("XC005", "error", 4)]
    assert "alias 'd', not 'd\u00e4t\u00e4'" in found[0][3]
    # a Unicode blank outside quotes parses (0.4.9 on: a blank) and is extra data
    doc = multipath.parse("defaults {\n\talias_prefix a\x85b\n}\n")
    assert doc.defaults == {"alias_prefix": "a"}


@pytest.mark.peer
def test_multipath_t_reads_non_ascii_so(tmp_path: Path) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(NON_ASCII + 'multipaths {\n\tmultipath {\n\t\twwid 3600a4\n\t\talias "u\rv"\n'
                    "\t}\n}\n", newline="")  # fmt: skip
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    for read in NON_ASCII_READ:
        assert read in out.stdout, read
    assert "ignoring extra data starting with 't' on line 4" in out.stdout
    assert '\t\talias "u"\n' in out.stdout and "missing closing quotes on line 18" in out.stdout


@pytest.mark.parametrize("line", ['\talias_prefix "u\rv"\n', "\talias_prefix u\x00v\n"])
def test_a_value_multipath_reads_cut_short_by_cr_or_nul_is_a_parse_error(line: str) -> None:
    """multipath reads ``u`` (and "missing closing quotes" for the CR): no value holds
    what it never reads, so the file is not loaded as if it did."""
    with pytest.raises(xencfg.ParseError):
        multipath.parse("defaults {\n" + line + "}\n")


# -- an old keyword's value of several words, unquoted ----------------------------------
#: 0.4.7 parser.c set_value (lines 351-381) takes one word unless the value is quoted;
#: 0.9.4 does not read getuid_callout ("ignoring deprecated option", dict.c) nor
#: prio_callout ("invalid keyword"): what is cut short matters only where they are read.
UNQUOTED = (
    "defaults {\n\tgetuid_callout /sbin/scsi_id -g -u -s /block/%n\n}\n"
    'devices {\n\tdevice {\n\t\tvendor "IET"\n\t\tproduct "VIRTUAL-DISK"\n'
    "\t\tprio_callout /sbin/mpath_prio_alua %d\n\t}\n}\n"
)


def test_an_old_keyword_cut_short_matters_where_it_is_read(tmp_path: Path) -> None:
    def xc005(version: str | None) -> list[tuple[str, int]]:
        found = (_lint(tmp_path / str(version), UNQUOTED, **({"multipath_tools": version}
                 if version else {})))  # fmt: skip
        return [(s, line) for c, s, line, _ in found if c == "XC005"]

    assert xc005("0.4.7") == [("error", 2), ("error", 8)]
    assert xc005("0.5.0") == [("error", 2)]  # prio_callout: not read from 0.4.9 on
    assert xc005("0.9.4") == []  # neither is read (XC004 says so)
    assert xc005(None) == [("error", 2), ("error", 8)]  # written for a release reading it


@pytest.mark.peer
def test_multipath_t_does_not_read_them(tmp_path: Path) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(UNQUOTED)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    assert 'line 2: ignoring deprecated option "getuid_callout"' in out.stdout
    assert "invalid keyword in the device section: prio_callout" in out.stdout
    assert "scsi_id" not in out.stdout.split("\ndefaults {", 1)[1]


# -- an unmatched '}' at the top level ------------------------------------------------
# 0.9.4 process_stream (lines 535-541): "unmatched '}' at line N", "invalid keyword: }",
# and it reads on; 0.4.7 process_stream (line 422) skips it in silence (kw_level 0).


def test_a_stray_close_loads_and_is_a_warning(tmp_path: Path) -> None:
    """tests/fixtures/multipath/invalid/stray-brace.conf: multipath -t reads the
    defaults and notes the '}' (it was a parse error before)."""
    path = FIXTURES / "multipath" / "invalid" / "stray-brace.conf"
    text = path.read_text()
    doc = xencfg.load(path, "multipath")
    assert xencfg.dumps(doc) == text and doc.defaults == {"failback": "immediate"}  # type: ignore[attr-defined]
    assert check_scanner("multipath", text, multipath._scan, multipath.parse_lark)
    found = _lint(tmp_path, text)
    # one finding: the '}' is no keyword to call unknown (XC003 said so too, once)
    assert [(c, s, line) for c, s, line, _ in found] == [("XC005", "warning", 4)]


def test_a_close_after_a_top_level_statement_shows_a_section_closed_early(
    tmp_path: Path,
) -> None:
    text = "defaults {\n\tpolling_interval 7\n}\n\tmax_fds 8192\n}\n"
    found = _lint(tmp_path, text)
    errors = [(c, line, m) for c, s, line, m in found if s == "error"]
    assert [(c, line) for c, line, _ in errors] == [("XC005", 5)]
    assert "'max_fds' above it was read outside its section" in errors[0][2]


def test_a_section_after_a_close_on_its_line_is_not_read(tmp_path: Path) -> None:
    """``} blacklist {``: "ignoring extra data starting with 'blacklist'" (0.9.4)."""
    text = 'defaults {\n\tpolling_interval 7\n} blacklist {\n\twwid "^3600z"\n}\n'
    found = _lint(tmp_path, text)
    assert [(c, s, line) for c, s, line, _ in found if s == "error"] == [("XC005", "error", 3)]


def test_a_section_name_without_any_brace_is_read_to_its_close(tmp_path: Path) -> None:
    """NO_BRACE: 0.9.4 "missing '{'" and reads ``polling_interval 9`` in defaults
    (PEER_READS); 0.4.7 opens the section at its name too. A warning, not an error."""
    found = _lint(tmp_path, NO_BRACE)
    assert [c for c, s, *_ in found if s == "error"] == []
    assert any("'defaults' has no '{'" in m for *_, m in found)
