"""multipath.conf's ``{`` below its section name, and statements after a ``{``: what
multipath-tools reads of them (libmultipath/parser.c; tests/test_multipath_braces.py).

The grammar reads both shapes losslessly (grammars/multipath.lark ``_BRACE_NL`` and
``_after_open``); these say where the daemon reads otherwise than written, for lint.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..problems import ValueProblem
from ..syntax.blocks import Block, Entry
from ..syntax.tree import Node, Tok, walk
from .schema import InForce, Version

#: multipath-tools 0.6.0: parser.c ``set_value`` stops a quoted value at its closing
#: quote (0.6.0 line 339, commit cb20e3d7 "Improve multipath.conf syntax checking");
#: 0.4.5 to 0.5.0 join every word but the line's last (0.5.0 line 421,
#: ``i != VECTOR_SIZE(strvec)-1``), so ``wwid "x" }`` reads ``x"``.
QUOTE_ENDS_VALUE = Version.parse("0.6.0")

__all__ = [
    "QUOTE_ENDS_VALUE",
    "STRAY",
    "SUBLEVEL",
    "ReadBefore",
    "after_brace",
    "brace_below",
    "brace_problems",
    "closer_problems",
    "dropped_below",
    "glued",
    "quoted_sections",
    "stray_problems",
]


def _lbrace(block: Block) -> Tok | None:
    return next((t for t in block.cst or () if isinstance(t, Tok) and t.kind == "LBRACE"), None)


#: The sections parser.c's ``is_sublevel_keyword`` lists (0.6.0 to 0.14): those it reads
#: with their ``{`` on a later line. Any other (``overrides``, its ``protocol``) is then a
#: keyword without a value, dropped with what it holds (see :func:`brace_below`).
SUBLEVEL = frozenset(
    {
        "defaults",
        "blacklist",
        "blacklist_exceptions",
        "devices",
        "device",
        "multipaths",
        "multipath",
    }
)


#: The key of the statement an unmatched ``}`` at the top level is read as.
STRAY = "}"


def _after_close(block: Node, text: str) -> Iterator[ValueProblem]:
    """Statements and sections written after a ``}`` on its line (``} blacklist {``):
    parser.c reads the ``}`` line's first word only and logs "ignoring extra data
    starting with 'blacklist'" (0.9.4 ``validate_config_strvec``, line 428; 0.4.x ends
    the section in silence): the section is not opened, its statements are read in
    the enclosing level, where they are no keywords, and its ``}`` ends that level."""
    for node in block.child_nodes():
        key = getattr(node, "key_tok", None)
        if not isinstance(node, (Block, Entry)) or key is None or key.pos < 0:
            continue
        head = text[text.rfind("\n", 0, key.pos) + 1 : key.pos].strip()
        if head.endswith("}"):
            what = f"the section {node.key}" if isinstance(node, Block) else f"'{node.key}'"
            yield ValueProblem(
                node,
                f"multipath does not read {what}: it follows a '}}' on its line"
                f" (\"ignoring extra data starting with '{node.key}'\"): put it on a line"
                " of its own",
            )


def stray_problems(doc: Node) -> Iterator[ValueProblem]:
    """An unmatched ``}`` at the top level: multipath skips it (0.9.4 parser.c
    ``process_stream`` line 541: "unmatched '}' at line N", then "invalid keyword: }";
    0.4.7 line 422 skips it in silence, ``kw_level`` 0) and reads on. Harmless after a
    section or another ``}``: a ``}`` too many. After a section name with no ``{`` at all
    (``defaults`` alone on its line) it closes that section: every release opens a
    section at its name (0.9.4 line 441 logs "missing '{'" and returns 0; 0.4.7 line 429
    opens ``keyword->sub`` whatever follows), so the lines between are read in it.
    After a statement read at the top level otherwise it shows a section closed early:
    multipath read that statement outside its section and dropped it ("invalid
    keyword"), so the section lost it."""
    before: Node | None = None
    opener: Entry | None = None  # a section name alone on its line, no '{' after it
    for node in doc.child_nodes():
        if not isinstance(node, (Block, Entry)):
            continue
        if isinstance(node, Entry) and node.key == STRAY:
            early = isinstance(before, Entry) and before.key != STRAY
            if opener is not None:
                message = (
                    f"'{opener.key}' has no '{{': multipath opens the section at its name"
                    " all the same (0.6 on logs \"missing '{'\") and reads the lines down to"
                    f" this '}}' in it: write '{opener.key} {{'"
                )
            elif early and isinstance(before, Entry):
                message = (
                    "multipath reads a '}' here with no section open (\"unmatched '}'\"),"
                    f" so the statement '{before.key}' above it was read outside its"
                    " section and dropped: a '}' above closes its section early; delete it"
                )
            else:
                message = (
                    "multipath reads a '}' here with no section open (\"unmatched '}'\")"
                    " and skips it: delete it"
                )
            yield ValueProblem(node, message, harmless=opener is not None or not early)
            opener = None
        elif isinstance(node, Entry) and node.key in SUBLEVEL and not node.values:
            opener = node
        elif isinstance(node, Block):
            opener = None
        before = node


def brace_below(block: Block, text: str) -> bool:
    """Whether the ``{`` of ``block`` stands on a later line than its name. multipath
    reads such a section: 0.4.x's parser.c ``process_stream`` opens it at the name and
    finds no keyword in the ``{`` line; from 0.6 on ``validate_config_strvec`` logs
    "missing '{' on line N" and "invalid keyword '{' on line N+1", and reads it all the
    same (``multipath -t`` 0.9.4) - except a section ``is_sublevel_keyword`` does not list
    (:data:`SUBLEVEL`): "missing value for option 'overrides'", the section dropped (MP010)."""
    brace, key = _lbrace(block), block.key_tok
    if brace is None or key is None or brace.pos < 0 or key.pos < 0:
        return False
    return "\n" in text[key.end : brace.pos]


def dropped_below(block: Block, text: str) -> bool:
    """Whether multipath drops ``block`` for its ``{`` below its name: a section
    ``is_sublevel_keyword`` does not list (:data:`SUBLEVEL`, i.e. ``overrides``) alone on
    its line is "missing value for option 'overrides'" (0.9.4 parser.c line 452,
    ``return -1``). With a word after the name (``overrides local``) the line has its
    "value": the section is opened and read (``multipath -t`` 0.9.4)."""
    return block.key not in SUBLEVEL and not block.args and brace_below(block, text)


def glued(block: Block, text: str) -> bool:
    """Whether the ``{`` of ``block`` follows its name with no blank (``defaults{``).
    multipath-tools 0.4.9 on reads it as ``defaults {`` (parser.c ``alloc_strvec`` makes
    ``{`` a word of its own, 0.4.9 line 242; ``multipath -t`` 0.9.4 reads the section
    without a word). 0.4.5 to 0.4.8 end a word at a blank or a quote only (0.4.7 line
    231): ``defaults{`` is one word, no keyword, skipped in silence with its line; the
    section's statements are then read one level up, where they are no keywords either,
    and its ``}`` ends the enclosing section (at the top level it is skipped): the
    section is lost. A word before the ``{`` (``blacklist x{``) keeps the name whole."""
    brace, key = _lbrace(block), block.key_tok
    if brace is None or key is None or brace.pos < 0 or key.pos < 0 or block.args:
        return False
    return key.end == brace.pos


def after_brace(block: Block, text: str) -> Entry | None:
    """The statement written after the ``{`` of ``block`` on its line, which multipath
    never reads: its parser.c reads a file line by line and takes the first word of a
    line as the keyword. After ``device {`` the rest is "extra data" (0.6 on:
    ``validate_config_strvec`` logs "ignoring extra data starting with 'vendor'";
    0.4.x's ``process_stream`` hands the line to the ``device`` handler, which reads no
    value); a line starting with ``{`` is an "invalid keyword '{'" (0.6 on) or no
    keyword at all (0.4.x), dropped whole."""
    brace = _lbrace(block)
    first = next(iter(block.child_nodes()), None)
    if brace is None or brace.pos < 0 or not isinstance(first, Entry):
        return None
    key = first.key_tok
    if key is None or key.pos < brace.end or "\n" in text[brace.end : key.pos]:
        return None
    return first


def brace_problems(doc: Node, text: str) -> Iterator[ValueProblem]:
    """The ``{`` placements multipath reads otherwise than written (:func:`brace_below`,
    :func:`after_brace`; a section outside :data:`SUBLEVEL` dropped is MP010's)."""
    yield from _after_close(doc, text)
    for node in walk(doc):
        if not isinstance(node, Block):
            continue
        if node.args:
            yield _words_before_brace(node)
        below = brace_below(node, text)
        if below and (node.key in SUBLEVEL or node.args):
            # (overrides with a word: a keyword with its value, nothing said of the head)
            head = "expecting" if node.args else "missing"
            said = f"\"{head} '{{'\" and " if node.key in SUBLEVEL else ""
            yield ValueProblem(
                node,
                f"the '{{' of {node.key} is on a line below it: multipath reads the"
                f" section, but from 0.6 on logs {said}\"invalid keyword '{{'\" at every"
                f" start: write '{node.key} {{'",
                harmless=True,
            )
        yield from _after_close(node, text)
        lost = after_brace(node, text)
        if lost is not None:
            written = " ".join([lost.key, *(t.text for t in lost.value_toks)])
            said = (
                "invalid keyword '{'"
                if below
                else f"ignoring extra data starting with '{lost.key}'"
            )
            yield ValueProblem(
                lost,
                f"multipath does not read '{written}': it follows the '{{' of {node.key}"
                f' on its line ("{said}"): put it on a line of its own',
            )


def closer_problems(doc: Node, text: str) -> Iterator[ValueProblem]:
    """A section's last statement with its ``}`` on its line (``wwid "x" }``): multipath
    reads the value and skips the ``}`` (0.9.4 parser.c ``validate_config_strvec`` line
    457 logs "ignoring extra data starting with '}'"; 0.4.x ``set_value`` reads the first
    value, silently), so the section stays open. If only ``}`` lines follow, each closes
    one level and the end of the file the rest ("missing '}' at end of", line 583): read
    as written, a warning. Anything else after it is read inside the open section, where
    its sections and statements are invalid keywords and dropped: an error."""
    for block in walk(doc):
        if not isinstance(block, Block) or not block.children:
            continue
        last = block.children[-1]
        close = next(
            (t for t in reversed(block.cst or ()) if isinstance(t, Tok) and t.kind == "RBRACE"),
            None,
        )
        if not isinstance(last, Entry) or close is None or close.pos < 0:
            continue
        start = text.rfind("\n", 0, close.pos) + 1
        if not text[start : close.pos].strip() or last.key_tok is None:
            continue
        if last.key_tok.pos < start:
            continue
        rest = [w for w in _words(text[close.pos + 1 :]) if w != "}"]
        glued = text[close.pos - 1] not in ' \t"' and last.values
        old = (
            f" (multipath-tools before 0.4.9 read '{last.values[-1]}}}' as its value)"
            if glued
            else ""
        )
        if not rest and last.value_toks and last.value_toks[0].text.startswith('"'):
            word = last.values[0]
            yield ReadBefore(
                last,
                f"the '}}' of {block.key} follows '{last.key}' on its line: multipath"
                f" {QUOTE_ENDS_VALUE} on reads '{word}' and skips the '}}' (\"ignoring extra"
                f" data starting with '}}'\"), so {block.key} stays open to the end of the"
                " file, where multipath closes it (\"missing '}' at end of\"); releases"
                f" before {QUOTE_ENDS_VALUE} read {last.key} '{word}\"' (set_value joins the"
                " words up to the line's last): put the '}' on a line of its own",
                since=("multipath-tools", QUOTE_ENDS_VALUE),
            )
            continue
        if not rest:
            yield ValueProblem(
                last,
                f"the '}}' of {block.key} follows '{last.key}' on its line: multipath reads"
                f" '{last.key}' and skips the '}}' (\"ignoring extra data starting with"
                f" '}}'\"){old}, so {block.key} stays open to the end of the file, where"
                " multipath closes it (\"missing '}' at end of\"): put the '}' on a line"
                " of its own",
                harmless=True,
            )
            continue
        yield ValueProblem(
            last,
            f"the '}}' of {block.key} follows '{last.key}' on its line: multipath skips it"
            f" (\"ignoring extra data starting with '}}'\"){old}, so {block.key} stays open"
            f" and multipath reads what follows ('{rest[0]}' ...) inside it, as invalid"
            " keywords, and drops it: put the '}' on a line of its own",
        )


def quoted_sections(doc: Node) -> Iterator[ValueProblem]:
    """``"defaults" {``: a quoted section name is no keyword to multipath. parser.c
    ``alloc_strvec`` makes the quote the line's first word (0.9.4 line 254, its
    ``quote_marker``; 0.4.7 line 216), which no keyword matches: 0.9.4 ``process_stream``
    logs "invalid keyword" (line 579), 0.4.x skip it in silence, and no section is
    opened. The statements below are then read in the enclosing level, where they are
    invalid keywords, and its ``}`` closes the enclosing section or is unmatched
    (``multipath -t`` 0.9.4): the section's settings are lost in every release.
    (A quoted statement is an unknown keyword: XC003.)"""
    for node in walk(doc):
        if isinstance(node, Block) and node.key.startswith('"'):
            name = node.key.strip('"')
            yield ValueProblem(
                node,
                f"multipath reads no section {node.key}: a quoted name is no keyword"
                ' ("invalid keyword"), so it opens no section, drops the statements'
                " below as invalid keywords where they stand and reads its '}' as closing"
                f" the level around it: nothing of it is read; write {name} {{",
            )


@attrs.frozen
class ReadBefore(ValueProblem):
    """A value releases before ``since`` read otherwise than written (an error where the
    release in force is certainly one of those); later ones read it, with a diagnostic
    (a warning: XC005 warns where :meth:`refused_in` is ``None``)."""

    def refused_in(self, release: InForce) -> bool | None:
        assert self.since is not None
        return True if release.older_than(self.since[1]) else None


def _words(text: str) -> list[str]:
    """The words and braces of multipath.conf ``text``, comments left out (roughly as
    parser.c ``alloc_strvec`` reads them: enough to tell ``}`` from anything else)."""
    out: list[str] = []
    for line in text.splitlines():
        for word in line.replace("}", " } ").replace("{", " { ").split():
            if word[0] in "#!":
                break
            out.append(word)
    return out


def _words_before_brace(block: Block) -> ValueProblem:
    """``blacklist local {``: multipath opens the section at its name and reads it. Every
    release from 0.4.5 matches the line's first word to a section and reads the section
    (0.4.7 parser.c ``process_stream`` line 429, ``keyword->sub``); from 0.6.0
    ``validate_config_strvec`` logs "expecting '{' on line N of FILE. found 'local'"
    (0.9.4 line 443, ``return 0``), for ``overrides``, which it checks as a keyword
    with a value, "ignoring extra data starting with '{'" (line 461). A warning: the
    section is in effect as written (``multipath -t`` 0.9.4 shows it)."""
    words = " ".join(t.text for t in block.arg_toks) or " ".join(block.args)
    said = (
        f"expecting '{{' ... found '{block.args[0]}'"
        if block.key in SUBLEVEL
        else "ignoring extra data starting with '{'"
    )
    return ValueProblem(
        block,
        f"'{words}' between {block.key} and its '{{': multipath reads the section and"
        f' ignores the word(s), but from 0.6 on logs "{said}" at every start:'
        f" write '{block.key} {{' (a comment after '#' keeps the words)",
        harmless=True,
    )
