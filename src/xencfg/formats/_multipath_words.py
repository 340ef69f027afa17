"""multipath.conf values multipath-tools reads otherwise than written: words after the
first, a word ended by a comment sign or by a non-ASCII character (parser.c
``alloc_strvec`` and ``set_value``; tests/test_spelling5_multipath.py).
"""

from __future__ import annotations

import attrs

from ..problems import ValueProblem
from ..syntax.blocks import Entry
from ..versions import MULTIPATH_SPLITS_BRACE
from ._multipath_braces import QUOTE_ENDS_VALUE, ReadBefore
from .schema import InForce, Version

__all__ = ["cut_by_comment", "cut_by_non_ascii", "extra_data", "old_set_value"]


def extra_data(node: Entry, until: Version | None) -> ValueProblem:
    """multipath reads one value per statement: parser.c ``validate_config_strvec`` logs
    "ignoring extra data starting with 'X'" and ``set_value`` takes the first word, or
    the first quoted string (0.4.x's ``set_value`` the same, silently). After a quoted
    value the rest is only dropped (harmless); unquoted words cut a value of several
    words short (``path_selector round-robin 0`` reads ``round-robin``, which 0.9.4
    refuses: "missing argument count"). ``until``: the first release that no longer
    reads the keyword (an old spelling), after which its value does not matter."""
    toks = node.value_toks
    quoted = bool(toks) and toks[0].text.startswith('"')
    first, rest = node.values[0], " ".join(node.values[1:])
    if until is not None and not quoted:
        # getuid_callout /sbin/scsi_id -g -u -s /block/%n: 0.4.x runs '/sbin/scsi_id'
        # alone (no WWID, no map); from ``until`` on the keyword is not read at all (XC004)
        return _ReadUntil(
            node,
            f"multipath-tools before {until} read only the first word of {node.key}:"
            f" '{first}', and ignore '{rest}' (\"ignoring extra data\"); later releases"
            f' do not read {node.key} at all: quote the value ({node.key} "{first} {rest}")',
            since=("multipath-tools", until),
        )
    if quoted:
        return ReadBefore(
            node,
            f"multipath-tools {QUOTE_ENDS_VALUE} on read {node.key} '{first}' and ignore"
            f" '{rest}' after the closing quote (\"ignoring extra data\"); earlier releases"
            f" read '{old_set_value(node)}' (set_value joins the words up to the line's"
            " last): delete the rest or make it a comment",
            since=("multipath-tools", QUOTE_ENDS_VALUE),
        )
    return ValueProblem(
        node,
        f"multipath reads only the first word of {node.key}: '{first}', and ignores"
        f" '{rest}' (\"ignoring extra data\"): quote a value of several words"
        f' ({node.key} "{first} {rest}")',
    )


def old_set_value(node: Entry) -> str:
    """The value multipath-tools 0.4.5 to 0.5.0 read for a quoted value followed by more
    words. Their parser.c ``alloc_strvec`` makes each ``"`` a word of its own (0.5.0
    line 321) and reads a quoted text as one word; ``set_value`` (0.5.0 line 389) then
    joins the words after the first ``"``, a blank only between two words neither of
    which is a ``"``, and leaves out the line's last word (line 421, ``i !=
    VECTOR_SIZE(strvec)-1``): ``"multibus" extra`` reads ``multibus"``."""
    words: list[str] = []
    for tok in node.value_toks:
        text = tok.text
        if text.startswith('"'):
            inner = text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
            words += ['"', inner, '"'] if inner else ['"', '"']
        else:
            words.append(text)
    read = ""
    for i in range(1, len(words)):
        word, before = words[i], words[i - 1]
        if i > 1 and word != '"' and before != '"':
            read += " "
        if i != len(words) - 1:
            read += word
    return read


@attrs.frozen
class _ReadUntil(ValueProblem):
    """A value of an old keyword read cut short: an error wherever the release in force
    may still read the keyword (the file was written for one that does), nothing where
    it is certainly ``since`` or later, which skips the line (XC004 says so)."""

    def refused_in(self, release: InForce) -> bool | None:
        assert self.since is not None
        return not release.at_least(self.since[1])


#: multipath-tools 0.4.9: parser.c ``alloc_strvec`` ends a word at ``!`` or ``#`` (0.4.9
#: line 254); 0.4.5 to 0.4.8 end it at a blank or a quote only (0.4.8 line 244, 0.4.7
#: line 231), so ``^cciss!c[0-9]d[0-9]*`` is read whole. (The same release as
#: versions.MULTIPATH_SPLITS_BRACE, the same loop; formats sit below versions.py.)
COMMENT_ENDS_WORD = Version.parse("0.4.9")


def cut_by_comment(node: Entry, text: str) -> ValueProblem | None:
    """``devnode ^cciss!c[0-9]d[0-9]*`` unquoted: parser.c ``alloc_strvec`` ends a word
    at ``!`` or ``#`` and the rest of the line is a comment, so multipath blacklists
    ``^cciss`` (``multipath -t`` 0.9.4 shows it, with no diagnostic). A warning: it
    starts and runs, with a value other than the one written. 0.4.5 to 0.4.8 read the
    word whole (:data:`COMMENT_ENDS_WORD`): nothing there."""
    toks = node.value_toks
    if len(toks) != 1 or toks[0].pos < 0 or toks[0].text.startswith('"'):
        return None
    end = toks[0].end
    if end >= len(text) or text[end] not in "#!":
        return None
    rest = text[end : (text.find("\n", end) + 1 or len(text) + 1) - 1].rstrip("\r")
    return ValueProblem(
        node,
        f"multipath reads {node.key} '{toks[0].text}': a word ends at '{text[end]}', which"
        f" starts a comment ('{rest}' is not read): quote the value if it belongs to it"
        f' ({node.key} "{toks[0].text}{rest}"), else put a blank before the comment'
        f" (multipath-tools before {COMMENT_ENDS_WORD} read the word whole)",
        harmless=True,
        since=("multipath-tools", COMMENT_ENDS_WORD),
    )


def cut_by_non_ascii(node: Entry) -> ValueProblem | None:
    """``alias dätä`` unquoted: multipath-tools 0.4.9 on read a non-ASCII byte outside
    quotes as a blank (parser.c ``alloc_strvec``: ``!isascii`` ends a word), so it reads
    alias ``d`` ("ignoring extra data starting with 't'", ``multipath -t`` 0.9.4); 0.4.5
    to 0.4.8 read the word whole (0.4.7 parser.c ``alloc_strvec`` ends a word at a blank
    or a quote only, the reading ``_multipath_braces.glued`` cites): an error from
    0.4.9 on, a warning while the release is unknown, nothing on 0.4.5 to 0.4.8. Quoted,
    every release reads it as written."""
    toks = node.value_toks
    if len(toks) != 1 or toks[0].text.startswith('"') or toks[0].text.isascii():
        return None
    word = toks[0].text
    read = word[: next(i for i, c in enumerate(word) if not c.isascii())]
    return ValueProblem(
        node,
        f"multipath-tools 0.4.9 on read {node.key} '{read}', not '{word}': outside quotes"
        f' a non-ASCII character is a blank to them ("ignoring extra data"): quote the'
        f' value ({node.key} "{word}")',
        since=("multipath-tools", MULTIPATH_SPLITS_BRACE),
    )
