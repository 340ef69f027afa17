"""The one fast scanner of the line family, driven by a table per grammar.

ha.cf, authkeys, logd.cf, hosts, IET's files, modprobe's files (``lines`` and
``modules``), iscsid.conf and initiatorname.iscsi (``keyvalue``), OCFS2's
cluster.conf (``ocfs2``) and corosync.conf (``corosync``) are read a line at a
time by a small grammar. This module reads them as Lark's LALR parser with
its contextual lexer does, without Lark:

* the **terminals** (name and regex) are read from ``grammars/<name>.lark``
  itself, so a scanner cannot drift from its grammar;
* a :class:`Table` says, per parser state, which terminals the lexer tries
  there, in Lark's order (the first that matches wins, as in Lark's lexer),
  what each does (kept as a token of the pending rule, ignored, or ends a
  rule) and the next state.

The rules are built by the format's own Lark transformer methods (``entry``,
``stanza``, ``section``, ``start``) called with :class:`~xencfg.syntax.tree.Tok`
pieces, so both paths build one tree. Anything the table does not take (and
any error the builder raises) gives ``None``: the grammar then reads the text
and words the error. tests/test_fast_paths_lines.py checks the tables against
Lark's terminals and order, and the trees against Lark's on every file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ParseError
from .grammar import data_dir
from .tree import Tok

#: ``NAME: /regex/`` or ``NAME.2: "literal"``: a terminal of one plain pattern.
_TERMINAL = re.compile(r'^([A-Z_][A-Z0-9_]*)(?:\.(-?\d+))?[ \t]*:[ \t]*(/.*/|".*")[ \t]*$', re.M)

#: What a terminal does in a state: kept in the pending rule; ``None``: ignored;
#: ``"reduce:R"``: ends rule ``R`` (built from the pending pieces when there are any);
#: ``"open"``: the pending pieces head a nested rule; ``"close:R"``: ends the innermost
#: nested rule ``R`` (its pieces, its children, the pending pieces);
#: ``"reopen:R"``: ends an implicit ``R`` still open (as the next stanza header does),
#: then the token heads a new one.
KEEP = "keep"


@functools.cache
def terminals(grammar: str) -> dict[str, str]:
    """The terminals of ``grammars/<grammar>.lark`` written as one pattern: name -> regex.

    (Composed terminals, made of other terminals, are not listed: no table uses one.)
    """
    text = (data_dir("grammars") / f"{grammar}.lark").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for name, _prio, body in _TERMINAL.findall(text):
        out[name] = body[1:-1] if body[0] == "/" else re.escape(body[1:-1])
    return out


@attrs.frozen
class Table:
    """How one grammar is scanned.

    ``order``: its terminals in the order Lark's lexer tries them (priority, then the
    longest possible match, then the longest pattern, then the name); ``states``: per
    parser state, terminal -> (action, next state), the first state being the start;
    the grammar's ``%ignore`` terminals are tried in every state and change nothing.
    ``ends``: states other than the first in which the file may end. ``implicit``:
    rules that end where the next one starts or at the end of the file (OCFS2's
    stanzas); any other rule still open at the end leaves the text to the grammar.
    """

    grammar: str
    order: tuple[str, ...]
    states: Mapping[str, Mapping[str, tuple[str | None, str]]]
    ends: frozenset[str] = frozenset()
    implicit: frozenset[str] = frozenset()
    #: The ignored terminal (blanks) read before every token in the same match: no
    #: terminal Lark tries before it can start with a character it takes, so the
    #: tokens are the same and a line costs half the matches.
    skip: str = "WS"

    @functools.cached_property
    def compiled(self) -> dict[str, tuple[Any, dict[str, tuple[int, str, str]]]]:
        """Per state: the ``match`` of one alternation of the terminals tried there, in
        Lark's order, and terminal -> (action code, rule, next state)."""
        pats, ignored = terminals(self.grammar), ignores(self.grammar)
        out = {}
        for state, moves in self.states.items():
            every = {name: (None, state) for name in ignored} | dict(moves)
            names = sorted(every, key=self.order.index)
            for name in names:
                if re.fullmatch(pats[name], ""):  # Lark refuses those too
                    raise ValueError(f"{self.grammar}: {name} matches the empty string")
            rx = re.compile(
                f"(?:{pats[self.skip]})?(?:"
                + "|".join(f"(?P<{name}>{pats[name]})" for name in names)
                + ")"
            )
            steps = {}
            for name, (act, nxt) in every.items():
                verb, _, rule = (act or "").partition(":")
                steps[name] = (_CODES[verb], rule, nxt)
            out[state] = (rx.match, steps)
        return out


_IGNORE, _KEEP, _REDUCE, _OPEN, _REOPEN, _CLOSE = range(6)
_CODES = {"": _IGNORE, KEEP: _KEEP, "reduce": _REDUCE, "open": _OPEN, "reopen": _REOPEN}
_CODES["close"] = _CLOSE


@functools.cache
def ignores(grammar: str) -> tuple[str, ...]:
    """The terminals ``grammars/<grammar>.lark`` ``%ignore``s."""
    text = (data_dir("grammars") / f"{grammar}.lark").read_text(encoding="utf-8")
    return tuple(re.findall(r"^%ignore[ \t]+([A-Z_][A-Z0-9_]*)[ \t]*$", text, re.M))


def scan(table: Table, text: str, builder: Any) -> Any:
    """The tree ``builder`` (the format's Lark transformer) makes of ``text`` by
    ``table``, or ``None`` for text the table does not take."""
    # Lark's path reads the text with a final newline supplied; so does this one
    feed = text if not text or text.endswith("\n") else text + "\n"
    size, end = len(text), len(feed)
    compiled = table.compiled
    state = first = next(iter(compiled))
    match, moves = compiled[state]
    pending: list[Any] = []
    # the open rules: (rule, pieces), the document's first
    stack: list[tuple[str, list[Any]]] = [("start", [])]
    kids = stack[-1][1]
    pos = 0
    try:
        while pos < end:
            m = match(feed, pos)
            if m is None:
                return None
            kind = m.lastgroup
            code, rule, nxt = moves[kind]
            pos = m.end()
            if code == _KEEP:
                if pos > size:  # (into the newline supplied)
                    return None
                pending.append(Tok(kind, m.group(kind), m.start(kind)))
            elif code == _REDUCE:
                if pending:
                    kids.append(getattr(builder, rule)(pending))
                    pending = []
            elif code == _OPEN:
                stack.append(("", pending))
                kids, pending = pending, []
            elif code == _REOPEN:
                if len(stack) > 1:
                    if stack[-1][0] != rule:
                        return None
                    done = stack.pop()[1]
                    stack[-1][1].append(getattr(builder, rule)(done))
                kids = [Tok(kind, m.group(kind), m.start(kind))]
                stack.append((rule, kids))
            elif code == _CLOSE:
                if len(stack) < 2:
                    return None
                done = stack.pop()[1] + pending
                pending = []
                kids = stack[-1][1]
                kids.append(getattr(builder, rule)(done))
            if nxt != state:
                state = nxt
                match, moves = compiled[state]
        if pending or (state != first and state not in table.ends):
            return None
        while len(stack) > 1:
            rule, done = stack.pop()
            if rule not in table.implicit:
                return None
            stack[-1][1].append(getattr(builder, rule)(done))
        return builder.start(stack[0][1])
    except ParseError:
        return None  # a check of the builder's: the grammar's path raises it with the path


# -- the tables ------------------------------------------------------------------------
# Each state maps the terminals the grammar accepts in the matching parser state (Lark's
# contextual lexer tries only those, plus the ignored ones) to what they do.

#: ``start: _line*  _line: entry? _NL  entry: WORD+`` (lines.lark).
LINES = Table(
    "lines",
    ("WS", "WORD", "COMMENT", "_NL"),
    {"line": {"WORD": (KEEP, "line"), "_NL": ("reduce:entry", "line")}},
)

#: modules.lark: the same rules; a comment only in the first column (priority 2).
MODULES = Table(
    "modules",
    ("COMMENT", "WORD", "WS", "_NL"),
    {"line": {"WORD": (KEEP, "line"), "_NL": ("reduce:entry", "line")}},
)

#: keyvalue.lark: ``entry: KEY EQ VALUE?`` per line.
KEYVALUE = Table(
    "keyvalue",
    ("VALUE", "KEY", "WS", "COMMENT", "_NL", "EQ"),
    {
        "line": {"KEY": (KEEP, "key"), "_NL": (None, "line")},
        "key": {"EQ": (KEEP, "eq")},
        "eq": {"VALUE": (KEEP, "value"), "_NL": ("reduce:entry", "line")},
        "value": {"_NL": ("reduce:entry", "line")},
    },
)

#: ocfs2.lark: ``start: _NL* stanza*  stanza: HEAD _NL+ (entry _NL+)*``,
#: ``entry: KEY EQ VALUE?``.
OCFS2 = Table(
    "ocfs2",
    ("HEAD", "VALUE", "KEY", "WS", "COMMENT", "_NL", "EQ"),
    {
        "top": {"HEAD": ("reopen:stanza", "head"), "_NL": (None, "top")},
        "head": {"_NL": (None, "line")},
        "line": {"HEAD": ("reopen:stanza", "head"), "KEY": (KEEP, "key"), "_NL": (None, "line")},
        "key": {"EQ": (KEEP, "eq")},
        "eq": {"VALUE": (KEEP, "value"), "_NL": ("reduce:entry", "line")},
        "value": {"_NL": ("reduce:entry", "line")},
    },
    ends=frozenset({"line"}),
    implicit=frozenset({"stanza"}),
)

#: corosync.lark: ``section: NAME LBRACE _NL _item* RBRACE _NL``,
#: ``entry: KEY COLON VALUE? _NL``.
COROSYNC = Table(
    "corosync",
    ("VALUE", "NAME", "KEY", "WS", "COMMENT", "_NL", "COLON", "LBRACE", "RBRACE"),
    {
        "item": {
            "NAME": (KEEP, "name"),
            "KEY": (KEEP, "key"),
            "RBRACE": (KEEP, "rbrace"),
            "_NL": (None, "item"),
        },
        "name": {"LBRACE": (KEEP, "lbrace")},
        "lbrace": {"_NL": ("open", "item")},
        "rbrace": {"_NL": ("close:section", "item")},
        "key": {"COLON": (KEEP, "colon")},
        "colon": {"VALUE": (KEEP, "value"), "_NL": ("reduce:entry", "item")},
        "value": {"_NL": ("reduce:entry", "item")},
    },
)

#: grammar name -> its table.
TABLES: dict[str, Table] = {t.grammar: t for t in (LINES, MODULES, KEYVALUE, OCFS2, COROSYNC)}

__all__ = [
    "COROSYNC",
    "KEYVALUE",
    "LINES",
    "MODULES",
    "OCFS2",
    "TABLES",
    "Table",
    "scan",
    "terminals",
]
