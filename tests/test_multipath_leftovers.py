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

from pathlib import Path

from lintkit import tree
from xencfg import lint
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
