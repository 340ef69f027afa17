"""multipath.conf leftovers of helper mp5 (helper mp6), each held to multipath-tools'
sources at their release tags (opensvc/multipath-tools, libmultipath/parser.c, dict.c).

* ``#`` and ``!`` inside an unquoted word: 0.4.9 ``alloc_strvec`` ends the word there
  (0.4.9 parser.c line 254: ``*cp != '!' && *cp != '#'``) and the rest of the line is a
  comment; 0.4.5 to 0.4.8 end a word at a blank or a quote only (0.4.8 line 244, 0.4.7
  line 231) and read ``^cciss!c[0-9]d[0-9]*`` whole.
* ``devnode_blacklist``: 0.4.5 and 0.4.6 read it as the blacklist (0.4.6 dict.c line 699
  ``install_keyword_root("devnode_blacklist", &blacklist_handler)``, with ``devnode`` and
  ``wwid`` below it); 0.4.7 put it under ``#if 0`` (0.4.7 dict.c line 1340, commit
  69b318fc "fix blacklist printing segv"), and every later release until 0.9 keeps it so
  (0.8.9 dict.c line 2028): from 0.4.7 the section is an unknown keyword, not read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import shared_path, unavailable
from lintkit import tree
from roundtrip import check_scanner
from xencfg import lint
from xencfg.formats import multipath
from xencfg.formats.schema import Version


def _lint(tmp_path: Path, text: str, **versions: str) -> list[tuple[str, str, int, str]]:
    root = tree(tmp_path, "n1", {"etc/multipath.conf": text})
    given = {k.replace("_", "-"): Version.parse(v) for k, v in versions.items()}
    found = lint.run([str(root)], versions=given).findings
    return sorted((f.code, f.severity, f.line, f.message) for f in found)


def _codes(found: list[tuple[str, str, int, str]], code: str) -> list[tuple[str, int]]:
    return [(sev, line) for c, sev, line, _ in found if c == code]


#: An unquoted devnode with ``!`` inside (the cciss device names' form).
BANG = "blacklist {\n\tdevnode ^cciss!c[0-9]d[0-9]*\n}\n"


def test_comment_sign_in_word_cuts_from_0_4_9(tmp_path: Path) -> None:
    """0.4.9 parser.c line 254 ends the word at '!': a warning there and later."""
    for release in ("0.4.9", "0.9.4"):
        found = _lint(tmp_path / release, BANG, multipath_tools=release)
        assert _codes(found, "XC005") == [("warning", 2)], found
    unknown = _lint(tmp_path / "unknown", BANG)
    assert _codes(unknown, "XC005") == [("warning", 2)]


def test_comment_sign_in_word_is_read_before_0_4_9(tmp_path: Path) -> None:
    """0.4.8 parser.c line 244 (0.4.7 line 231) reads the word whole: nothing to say."""
    for release in ("0.4.5", "0.4.7", "0.4.8"):
        found = _lint(tmp_path / release, BANG, multipath_tools=release)
        assert _codes(found, "XC005") == [], found
        hash_text = BANG.replace("!", "#")
        assert (
            _codes(_lint(tmp_path / (release + "h"), hash_text, multipath_tools=release), "XC005")
            == []
        )


#: A 0.4.5 file's blacklist (RHEL 4): the IDE regex of MP001's doc, in devnode_blacklist.
OLD_BLACKLIST = 'devnode_blacklist {\n\tdevnode "^hd[a-z][[0-9]*]"\n}\n'


def test_devnode_blacklist_regex_checked_on_0_4_5_and_0_4_6(tmp_path: Path) -> None:
    """0.4.6 dict.c line 699 reads devnode_blacklist as the blacklist: an error there."""
    for release in ("0.4.5", "0.4.6"):
        found = _lint(tmp_path / release, OLD_BLACKLIST, multipath_tools=release)
        assert _codes(found, "MP001") == [("error", 2)], found
    fixed = OLD_BLACKLIST.replace("[[0-9]*]", "[0-9]*")
    assert _codes(_lint(tmp_path / "fixed", fixed, multipath_tools="0.4.5"), "MP001") == []


def test_devnode_blacklist_regex_unread_from_0_4_7(tmp_path: Path) -> None:
    """0.4.7 dict.c line 1340 (``#if 0``) reads no devnode_blacklist: no MP001 there,
    a warning while the release is unknown."""
    for release in ("0.4.7", "0.8.9"):
        found = _lint(tmp_path / release, OLD_BLACKLIST, multipath_tools=release)
        assert _codes(found, "MP001") == [], found
    unknown = _lint(tmp_path / "unknown", OLD_BLACKLIST)
    assert _codes(unknown, "MP001") == [("warning", 2)]


# -- a section's '}' after its last statement, on its line -------------------------------
# 0.9.4 libmpathutil/parser.c validate_config_strvec line 458 ("ignoring extra data
# starting with '}'") returns 0: the statement is read, the '}' skipped, the section left
# open; at the end of the file process_stream line 585 logs "missing '}' at end of" and
# keeps it. set_value stops a quoted value at its closing quote from 0.6.0 (line 339);
# 0.4.5 to 0.5.0 join the words up to the line's last (0.5.0 line 421): 'x"'.

#: The last line of the file closes the section on a statement's line.
CLOSER_AT_END = 'defaults {\n\tpolling_interval 9\n}\nblacklist {\n\twwid "^3600z" }\n'
#: The same, then another section: multipath reads it inside blacklist and drops it.
CLOSER_THEN_MORE = 'blacklist {\n\twwid "^3600z" }\ndefaults {\n\tpolling_interval 9\n}\n'
#: Unquoted, nested, the outer '}' on a line of its own.
CLOSER_NESTED = "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t\talias web }\n}\n"

PEER_SAYS = {
    CLOSER_AT_END: ["ignoring extra data starting with '}' on line 5", "missing '}' at end of"],
    CLOSER_THEN_MORE: [
        "ignoring extra data starting with '}' on line 2",
        "line 3, invalid keyword in the blacklist section: defaults",
    ],
    CLOSER_NESTED: ["ignoring extra data starting with '}' on line 4"],
}


@pytest.mark.parametrize("text", list(PEER_SAYS))
def test_closer_after_statement_loads_losslessly(text: str) -> None:
    """grammars/multipath.lark ``closing``: the grammar and the scanner agree, byte-exact."""
    assert check_scanner("multipath", text, multipath._scan, multipath.parse_lark)
    doc = xencfg.loads(text, format="multipath")
    assert xencfg.dumps(doc) == text


def test_closer_after_statement_reads_as_written_to_the_end(tmp_path: Path) -> None:
    doc = xencfg.loads(CLOSER_AT_END, format="multipath")
    assert [r.value for r in doc.blacklist] == ["^3600z"]
    # 0.6.0 on read '^3600z' and close blacklist at the end of the file: a warning
    for release in ("0.6.0", "0.9.4"):
        found = _lint(tmp_path / release, CLOSER_AT_END, multipath_tools=release)
        assert _codes(found, "XC005") == [("warning", 5)], found
    assert _codes(_lint(tmp_path / "unknown", CLOSER_AT_END), "XC005") == [("warning", 5)]
    # 0.4.5 to 0.5.0 read wwid '^3600z"' (0.5.0 parser.c line 421), which matches nothing
    for release in ("0.4.7", "0.5.0"):
        found = _lint(tmp_path / release, CLOSER_AT_END, multipath_tools=release)
        assert _codes(found, "XC005") == [("error", 5)], found
    fixed = CLOSER_AT_END.replace('" }\n', '"\n}\n')
    assert _codes(_lint(tmp_path / "fixed", fixed, multipath_tools="0.4.7"), "XC005") == []


def test_closer_after_statement_nested_is_a_warning(tmp_path: Path) -> None:
    found = _lint(tmp_path, CLOSER_NESTED, multipath_tools="0.4.7")
    assert _codes(found, "XC005") == [("warning", 4)], found


def test_closer_after_statement_loses_what_follows(tmp_path: Path) -> None:
    """multipath reads 'defaults' inside the open blacklist ("invalid keyword"): lost."""
    found = _lint(tmp_path, CLOSER_THEN_MORE, multipath_tools="0.9.4")
    assert _codes(found, "XC005") == [("error", 2)], found


@pytest.mark.peer
@pytest.mark.parametrize("text", list(PEER_SAYS))
def test_peer_multipath_agrees(text: str, tmp_path: Path) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(text)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    for said in PEER_SAYS[text]:
        assert said in out.stdout + out.stderr, out.stdout


# -- a quoted section name ----------------------------------------------------------------
# parser.c alloc_strvec makes the quote the line's first word (0.9.4 line 254, a
# quote_marker; 0.4.7 line 216): no keyword, "invalid keyword" (0.9.4 line 579), no
# section opened; the statements below are invalid at the top level, the '}' unmatched.

QUOTED = '"defaults" {\n\tpolling_interval 9\n}\nblacklist {\n\twwid "^3600z"\n}\n'
QUOTED_SAYS = [
    "line 2, invalid keyword: polling_interval",
    "unmatched '}' at line 3",
]


def test_quoted_section_loads_losslessly() -> None:
    assert check_scanner("multipath", QUOTED, multipath._scan, multipath.parse_lark)
    doc = xencfg.loads(QUOTED, format="multipath")
    assert xencfg.dumps(doc) == QUOTED
    # multipath reads no defaults from it; the blacklist after it is read
    assert doc.defaults == {}
    assert [r.value for r in doc.blacklist] == ["^3600z"]


def test_quoted_section_is_an_error_in_every_release(tmp_path: Path) -> None:
    for release in ("0.4.7", "0.9.4"):
        found = _lint(tmp_path / release, QUOTED, multipath_tools=release)
        assert _codes(found, "XC005") == [("error", 1)], found
    fixed = QUOTED.replace('"defaults"', "defaults")
    assert _codes(_lint(tmp_path / "fixed", fixed), "XC005") == []


@pytest.mark.peer
def test_peer_multipath_drops_a_quoted_section(tmp_path: Path) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(QUOTED)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    for said in QUOTED_SAYS:
        assert said in out.stdout, out.stdout
    assert "\tpolling_interval 9\n" not in out.stdout
    assert '\twwid "^3600z"\n' in out.stdout
