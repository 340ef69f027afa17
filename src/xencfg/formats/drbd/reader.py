"""Reading drbd.conf text: the fast scanner, the Lark grammar behind it, and the structure checks
drbdadm makes.
"""

from __future__ import annotations

import re
from typing import Any

from ..._lazy import lazy_re
from ...errors import ParseError, error_at
from ...syntax.blocks import (
    Block,
    Entry,
)
from ...syntax.build import make_block, make_entry, make_root, parse_with, to_tok
from ...syntax.pipeline import parse_text
from ...syntax.scan import Shape, scan
from ...syntax.source import LineIndex
from ...syntax.tree import Node, Tok
from .document import DrbdDocument, _subcontext
from .keywords import (
    _SECTION_WORDS,
    _STATEMENT_ONLY,
    _TABLES,
    ANYWHERE,
    SHOW_KEYWORDS,
    TOP_KEYWORDS,
    _kw,
)
from .values import Skip, unquote

# -- parsing --------------------------------------------------------------------


class _Builder:
    """What each grammar rule and the SKIP terminal build: Lark's callbacks (it looks
    them up by name) and the shared scanner's. A plain class, so that well-formed
    files, which the scanner reads, never import Lark."""

    def SKIP(self, t: Any) -> Skip:
        """A ``skip { ... }`` token (Lark's or the scanner's) as a :class:`Skip` node."""
        tok = to_tok(t)
        node = Skip(tok.text)
        node.cst = [tok]
        return node

    def statement(self, children: list[Any]) -> Entry:
        return make_entry(children, unquote)

    def section(self, children: list[Any]) -> Block:
        return make_block(children, unquote)

    def start(self, children: list[Any]) -> DrbdDocument:
        return make_root(DrbdDocument, children)


_BUILDER = _Builder()


_WORDS = {"WORD": "a keyword or value", "SKIP": ""}


def _context(exc: Exception) -> str:
    expected = set(getattr(exc, "expected", ()) or getattr(exc, "allowed", ()) or ())
    if "SEMICOLON" in expected and "LBRACE" in expected:
        return "after the keyword's values"
    return ""


def parse(text: str, path: str | None = None) -> DrbdDocument:
    """Parse drbd.conf text; raises :class:`xencfg.ParseError`.

    Well-formed text takes a direct scanner (:func:`_scan`, several times
    faster than Lark and building the very same tree); anything it does not
    accept goes through the Lark grammar, which is the reference and words
    the error.
    """
    found: list[tuple[int, str] | None] = []  # the foreign word, once looked for

    def fallback(text: str, path: str | None) -> DrbdDocument:
        found.append(_foreign_top_word(text))
        if found[0] is not None and _never_ends(text, found[0][0]):
            raise _foreign_error(text, path, found[0])
        return parse_lark(text, path)

    try:
        return parse_text(text, path, scan=_scan, lark=fallback, checks=(_checks,))
    except ParseError as exc:
        foreign = found[0] if found else _foreign_top_word(text)
        if foreign is not None and LineIndex(text).position(foreign[0]) < (exc.line, exc.column):
            raise _foreign_error(text, path, foreign) from None
        if isinstance(exc.partial, DrbdDocument) and _resource_closed_at_end(exc.partial, text):
            exc.severity = "warning"
            exc.message += (
                "; drbdadm (8.3, 8.4 and 9) takes the end of the file as this section's"
                " '}' and reads it as written: add the '}'"
            )
        raise


def _foreign_error(text: str, path: str | None, foreign: tuple[int, str]) -> ParseError:
    """drbdadm's refusal of a top-level word that is none of its keywords."""
    return error_at(
        text,
        path,
        foreign[0],
        f"expected 'global', 'common', 'resource', 'skip' or 'include', got"
        f" '{_shortened(foreign[1])}' (a line that is not drbd.conf syntax, e.g. a"
        " shell script or another program's configuration)",
        "'global | common | resource | skip | include'",
    )


def _never_ends(text: str, at: int) -> bool:
    """Whether the grammar is sure to fail after the foreign word at ``at``, so that the
    error is :func:`_foreign_error` without parsing the rest (issue 22: 400 KB of words
    without a ``;`` went through the scanner and Lark twice, seconds, to report line 1).

    It is when nothing after the word can end its statement (no ``;``, ``{`` or ``}``:
    Lark reads words to the end of the file and fails there, after the word) and the
    text before it is well-formed (the scanner takes it, so Lark fails nowhere before).
    """
    if _ENDS.search(text, at) is not None:
        return False
    return _scan(text[:at]) is not None


_ENDS = lazy_re(r"[;{}]")


def _foreign_top_word(text: str) -> tuple[int, str] | None:
    """The first word at the top level that starts a statement and is none of drbdadm's
    top-level keywords (nor a word of ``drbdsetup show`` output), with its offset.

    drbdadm's top-level loop (``parse_drbd_setup``... ``pe_expected("global | common |
    resource | skip | include ...")``, user/v9/drbdadm_parser.c) stops at that word: a
    shell script or a zabbix ``UserParameter=`` file saved as drbd.conf is refused at its
    first line of code (peer-drbdadm --mode 84 and 9), where the generic grammar only
    fails at some brace further down."""
    allowed = _TOP_OPENERS | SHOW_KEYWORDS | ANYWHERE
    depth, i, n, start = 0, 0, len(text), True
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            i, start = j + 1, False
        elif c in "{}":
            depth += 1 if c == "{" else -1
            i, start = i + 1, c == "}" and depth <= 0
        elif c == ";":
            i, start = i + 1, depth <= 0
        else:
            m = _WORD.match(text, i)
            word = m.group() if m else c
            if start and depth <= 0 and word not in allowed:
                return i, word
            i, start = i + max(len(word), 1), False
    return None


_WORD = re.compile(r'[^\s{};"#]+')


def _shortened(word: str, most: int = 30) -> str:
    return word if len(word) <= most else word[: most - 3] + "..."


def _resource_closed_at_end(doc: DrbdDocument, text: str) -> bool:
    """Whether the one brace left open is that of the last top-level ``resource`` or
    ``common``: drbdadm's ``parse_resource`` (user/v9/drbdadm_parser.c, and v84's and
    8.3's alike) ends the section at ``'}'`` or at the end of the file (``case 0``), so
    it reads the file as if the ``}`` were there; a section left open inside it (``net``,
    ``on``) or a ``global`` is refused at the end of the file ("Parse error: ... expected,
    but got ''", peer-drbdadm --mode 83, 84 and 9)."""
    from ...syntax.build import unclosed_braces

    # one brace left open was opened at the top level, so everything after it is inside
    # it: the document's last statement is that section
    statements = [c for c in doc.children if isinstance(c, (Block, Entry))]
    last = statements[-1] if statements else None
    return (
        len(unclosed_braces(text)) == 1
        and isinstance(last, Block)
        and last.key in ("resource", "common")
    )


def _checks(doc: DrbdDocument, text: str, path: str | None) -> None:
    """drbdadm's checks the grammar does not make, on one reading of whether the text is
    ``drbdsetup show`` output (which reads the children of every top section)."""
    show = doc.is_drbdsetup_show
    if not show:
        _check_garbage(doc, text, path)
        _check_include(doc, text, path)
    _check_structure(doc, text, path, show)


def _check_include(doc: DrbdDocument, text: str, path: str | None) -> None:
    """``include "FILE"`` without its ``;``: the generic grammar reads the next line's
    words into the include (``include "x" global { ... }`` as one section), and the
    global or resource behind it would vanish. drbdadm's scanner wants the ';' right
    after the file name ("Parse error: ';' expected, but got 'global' (TK 258)",
    peer-drbdadm --mode 84 and 9; user/v9/drbdadm_scanner.fl ``<INCLUDE>`` state):
    a syntax error at the second word, whose ``partial`` document is the file read
    with the ';' put back."""
    for c in doc.children:
        if not isinstance(c, (Entry, Block)) or c.key != "include":
            continue
        if isinstance(c, Entry) and len(c.values) <= 1:
            continue  # (the usual include: its tokens are not read)
        toks = c.value_toks if isinstance(c, Entry) else c.arg_toks
        if len(toks) < 2:
            at = c.pos + len("include")
            got = "{"
        else:
            at, got = toks[1].pos, toks[1].text
        end = toks[0].pos + len(toks[0].text) if toks else at
        err = error_at(
            text, path, at, f"expected ';' after the include's file name, got '{got}'", "';'"
        )
        try:
            err.partial = parse(text[:end] + ";" + text[end:], path) if toks else None
        except ParseError:
            err.partial = None
        raise err


#: Words that open a top-level item: a line starting with one ends any garbage above it.
_TOP_OPENERS = TOP_KEYWORDS | _kw("include skip")


def _check_garbage(doc: DrbdDocument, text: str, path: str | None) -> None:
    """Garbage at top level (a pasted shell line: ``cat /etc/drbd.d/r0.res``) that
    runs on into the next section: without a ``;`` the generic grammar reads
    ``cat /etc/drbd.d/r0.res resource r0 { ... }`` as one block named ``cat``, and the
    resource would vanish. drbdadm stops at the garbage ("Parse error: 'global |
    common | resource | skip | include' expected, but got 'cat'"), so it is a syntax
    error on its line; the error's ``partial`` document is the file read without
    that garbage, so lint still checks the resource behind it. (Not made on
    ``drbdsetup show`` output.)"""
    for c in doc.children:
        if not isinstance(c, (Entry, Block)) or c.key in _TOP_OPENERS or c.key in ANYWHERE:
            continue
        values = c.values if isinstance(c, Entry) else c.args
        if not _TOP_OPENERS.intersection(values):
            continue
        toks = c.value_toks if isinstance(c, Entry) else c.arg_toks
        start = c.pos
        for t in toks:
            line_start = text.rfind("\n", start, t.pos) + 1
            if (
                t.text in _TOP_OPENERS
                and line_start > start
                and not text[line_start : t.pos].strip()
            ):
                blanked = (
                    text[:start] + re.sub(r"[^\n]", " ", text[start:line_start]) + text[line_start:]
                )
                err = error_at(
                    text,
                    path,
                    start,
                    f"expected 'global', 'common', 'resource', 'skip' or 'include', got '{c.key}'"
                    " (a line that is not drbd.conf syntax, e.g. a pasted shell command)",
                    "'global | common | resource | skip | include'",
                )
                try:
                    err.partial = parse(blanked, path)
                except ParseError:
                    err.partial = None
                raise err


def parse_lark(text: str, path: str | None = None) -> DrbdDocument:
    """Parse with ``grammars/drbd.lark`` only (the reference the fast scanner must equal)."""
    try:
        doc: DrbdDocument = parse_with(
            "drbd", text, path, _BUILDER, words=_WORDS, context=_context, comment="#"
        )
    except ParseError as err:
        raise _reworded(err, text) from None
    return doc


def _reworded(err: ParseError, text: str) -> ParseError:
    """Say the usual drbd.conf mistakes the way an administrator thinks of them."""
    try:
        at = LineIndex(text).offset(err.line, err.column)
    except (IndexError, ValueError):
        return err
    char = text[at : at + 1]
    wants = err.expected
    message = None
    if char == "}" and "';'" in wants:
        message = "expected ';' after the value, got '}'"
    elif char == "}" and "'}'" not in wants:
        message = "unexpected '}': it closes no open section"
    elif char == '"' and '"' not in text[at + 1 :].split("\n", 1)[0]:
        message = "unterminated quoted string: a string must end on its own line"
    elif char == ";" and "';'" not in wants:
        message = "expected a keyword before ';' (an empty statement)"
    elif char == '"' and "';'" not in wants:
        message = "expected a keyword, got a quoted string"
    if message is None:
        return err
    return ParseError(
        message,
        path=err.path,
        line=err.line,
        column=err.column,
        snippet=err.snippet,
        expected=err.expected,
    )


#: drbd.lark's shape: ``WORD value* ;`` statements, ``WORD value* { ... }`` sections, and
#: ``skip ... { ... }`` items (one SKIP token, read where an item may start).
SHAPE = Shape(
    "drbd",
    end="SEMICOLON",
    atoms=frozenset({"SKIP"}),
    rules=("statement", "section", "array", "start"),
)


def _scan(text: str) -> DrbdDocument | None:
    """The tree the grammar gives for well-formed ``text``, or ``None`` to let Lark decide.

    Pieces are what the Lark transformer makes (statement/section/SKIP); trivia is
    attached afterwards by the shared core, exactly as for Lark.
    """
    doc: DrbdDocument | None = scan(text, SHAPE, _BUILDER)
    return doc


#: Sections that take no argument between their keyword and ``{``.
_BARE_SECTIONS = _kw("global common net disk syncer startup handlers options path connection-mesh")

#: Of those, the ones no context reads as a statement (``disk DEV;`` is one).
_SECTION_ONLY = _BARE_SECTIONS - _kw("disk")

_NAMED_SECTIONS = {
    "resource": "resource name",
    "on": "host name",
    "volume": "volume number",
    "stacked-on-top-of": "resource name",
    "floating": "address",
}

#: Of those, the ones drbdadm also reads as a statement: ``floating ADDR;`` (the host
#: section's ``{ | ;`` in parse_host_section, user/v84 and user/v9 drbdadm_parser.c).
_MAY_END = frozenset({"volume", "floating"})


def _check_structure(doc: DrbdDocument, text: str, path: str | None, show: bool) -> None:
    """The errors drbdadm's grammar catches that the generic grammar lets through.

    A missing ``;`` glues two statements (``protocol C`` + ``net { ... }``);
    drbdadm reports it at the next token, and so do we. Sections need their
    name (``resource r0 {``) and statement-only keywords cannot open one.
    ``show``: the text is ``drbdsetup show`` output (read with its keyword table).
    """

    def bad(tok: Tok | None, message: str, expected: str) -> ParseError:
        return error_at(text, path, tok.pos if tok is not None else 0, message, expected)

    def brace_tok(b: Block) -> Tok | None:
        return next((p for p in b.cst or () if isinstance(p, Tok) and p.kind == "LBRACE"), None)

    glue_words: dict[str, frozenset[str]] = {}  # per context: computed once, not per statement
    subcontexts: dict[tuple[str, str], str | None] = {}  # (context, section) -> inside

    def visit(node: Node, context: str) -> None:
        allowed = _TABLES.get(context) or frozenset()
        words = glue_words.get(context)
        if words is None:
            words = glue_words[context] = allowed | _SECTION_WORDS
        for c in node.child_nodes():
            if isinstance(c, Entry):
                if not words.isdisjoint(c.values_view):  # (most statements: no call)
                    _check_glued(c, words, bad)
                key = c.key
                if key in _SECTION_ONLY and key in allowed:
                    # drbdadm wants the section's '{' next: "net /dev/x;" gives "Parse
                    # error: '{' expected, but got '/dev/x'" (8.4 and 9 alike)
                    # (a light parse has no tokens: the error makes api.loads parse in full)
                    toks = c.value_toks if c.key_tok is not None else []
                    got = toks[0].text if toks else ";"
                    at = toks[0] if toks else c.key_tok
                    raise bad(at, f"expected '{{' after '{key}', got '{got}'", "'{'")
                if key not in _ENTRY_CHECKED or key not in allowed:  # (most statements)
                    continue
                if key in ("disk", "device"):
                    _check_arity(c, bad)
                elif key in _NAMED_SECTIONS and key not in _MAY_END:
                    what = _NAMED_SECTIONS[key]
                    semi = c.cst[-1] if c.cst else None
                    raise bad(
                        semi if isinstance(semi, Tok) else None,
                        f"expected '{{' after {what}, got ';'",
                        "'{'",
                    )
                continue
            if not isinstance(c, Block):
                continue
            key = c.key
            if key in _STATEMENT_ONLY and key in allowed and key not in _SECTION_WORDS:
                glued = [t for t in c.arg_toks if t.text in words]
                at = glued[0] if glued else brace_tok(c)
                got = at.text if at is not None else "{"
                raise bad(at, f"expected ';' after the value of '{key}', got '{got}'", "';'")
            if key in ("resource", "volume", "stacked-on-top-of") and key in allowed:
                if not c.args_view:
                    raise bad(
                        brace_tok(c),
                        f"expected a {_NAMED_SECTIONS[key]} before '{{'",
                        _NAMED_SECTIONS[key],
                    )
                if len(c.args_view) > 1:
                    raise bad(c.arg_toks[1], f"expected '{{' after {_NAMED_SECTIONS[key]}", "'{'")
                # (drbdadm's TK_INTEGER is [0-9]+: "'TK_INTEGER' expected, but got
                # '-1'" from drbdadm 8.4 and 9, peer-drbdadm)
                number = c.args_view[0]
                if key == "volume" and not (number.isascii() and number.isdigit()):
                    raise bad(c.arg_toks[0], "expected a volume number", "a number")
            if key in _BARE_SECTIONS and key in allowed and c.args_view:
                if key == "disk":  # "disk DEV" is a statement: its ';' is missing
                    at = c.arg_toks[1] if len(c.arg_toks) > 1 else brace_tok(c)
                    got = at.text if at is not None else "{"
                    raise bad(at, f"expected ';' after the value of 'disk', got '{got}'", "';'")
                raise bad(c.arg_toks[0], f"expected '{{' after '{key}'", "'{'")
            if key == "on" and key in allowed and not c.args_view:
                raise bad(brace_tok(c), "expected a host name before '{'", "a host name")
            sub = subcontexts.get((context, key), "")
            if sub == "":
                sub = subcontexts[context, key] = _subcontext(context, key)
            if sub is not None:
                visit(c, sub)

    visit(doc, "show" if show else "top")


#: The statements :func:`_check_structure` checks (where their context knows them):
#: any other goes on at once.
_ENTRY_CHECKED = frozenset({"disk", "device", *_NAMED_SECTIONS})


def _check_arity(e: Entry, bad: Any) -> None:
    """``disk DEV;`` and ``device [PATH] [minor N];`` take no more words: drbdadm wants
    their ``;`` next (``';' expected, but got '/dev/sdb1'``; parse_volume_stmt in
    user/v9/drbdadm_parser.c), so ``device minor 1 disk /dev/sdb;`` lacks one."""
    vals = e.values_view
    if e.key == "disk":
        extra = 1 if len(vals) > 1 else None
    elif len(vals) > 3 or (len(vals) == 3 and vals[1] != "minor"):
        extra = 1 if vals[0] != "minor" else 2
    elif len(vals) == 2 and vals[0] != "minor" and vals[1] != "minor":
        extra = 1
    else:
        extra = None
    if extra is None or extra >= len(vals):
        return
    toks = e.value_toks
    at = toks[extra] if len(toks) > extra else e.key_tok
    got = vals[extra]
    raise bad(at, f"expected ';' after the value of '{e.key}', got '{got}'", "';'")


def _check_glued(e: Entry, keywords: frozenset[str], bad: Any) -> None:
    """A value on a later line that is a keyword of the section: a ``;`` is missing before it."""
    if e.key_tok is None:
        return  # (a light parse keeps no tokens; the caller found a keyword among the values)
    src = e.key_tok
    for t in e.value_toks:
        if t.text in keywords and t.kind == "WORD":
            # only across a line break: "on-io-error detach" stays a value
            gap = [
                p
                for p in e.cst or ()
                if isinstance(p, Tok) and src.pos < p.pos < t.pos and p.is_trivia
            ]
            if any("\n" in g.text for g in gap):
                raise bad(t, f"expected ';' after the value of '{e.key}', got '{t.text}'", "';'")


def sniff(text: str) -> bool:
    """A drbd.conf opens ``resource``, ``global`` or ``common`` sections, or includes."""
    return (
        re.search(
            r'^[ \t]*(resource\s+("[^"]*"|\S+)\s*\{|global\s*\{|common\s*\{|include\s+"[^"]*"\s*;)',
            text,
            re.M,
        )
        is not None
    )
