"""The one fast scanner of the line family, driven by a table per grammar.

ha.cf, authkeys, logd.cf, hosts, IET's files, modprobe's files (``lines`` and
``modules``), iscsid.conf and initiatorname.iscsi (``keyvalue``), OCFS2's
cluster.conf (``ocfs2``), corosync.conf (``corosync``) and shell variable files
(``shellvars``) are read a line at a time by a small grammar. This module reads
them as Lark's LALR parser with its contextual lexer does, without Lark:

* the **terminals** (name, regex, the order Lark's lexer tries them in, which
  are ignored) are Lark's own for ``grammars/<name>.lark``, generated into
  :mod:`xencfg.syntax.terminals` (``python -m xencfg.syntax.scan``
  writes it; a test fails when it is stale), so a scanner cannot drift from its
  grammar and the scanner needs no Lark;
* a :class:`Table` says, per parser state, which terminals the lexer tries
  there, in Lark's order (the first that matches wins, as in Lark's lexer),
  what each does (kept as a token of the pending rule, ignored, or ends a
  rule) and the next state.

The rules are built by the format's own Lark transformer methods (``entry``,
``stanza``, ``section``, ``start``) called with :class:`~xencfg.syntax.tree.Tok`
pieces, so both paths build one tree. Anything the table does not take (and
any error the builder raises) gives ``None``: the grammar then reads the text
and words the error. tests/test_lines_scan.py checks the tables against Lark's,
and tests/test_fast_paths.py the trees against Lark's on every file and on mutations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ParseError
from .terminals import IGNORED, TERMINALS
from .tree import Tok

#: What a terminal does in a state: kept in the pending rule; ``None``: ignored;
#: ``"reduce:R"``: ends rule ``R`` (built from the pending pieces when there are any);
#: ``"open"``: the pending pieces head a nested rule; ``"close:R"``: ends the innermost
#: nested rule ``R`` (its pieces, its children, the pending pieces);
#: ``"reopen:R"``: ends an implicit ``R`` still open (as the next stanza header does),
#: then the token heads a new one.
KEEP = "keep"


#: The grammars the scanner has tables for (:mod:`.terminals` holds their terminals).
GRAMMARS = ("lines", "modules", "keyvalue", "ocfs2", "corosync", "shellvars")


def terminals(grammar: str) -> dict[str, str]:
    """``grammar``'s terminals: name -> regex, in the order Lark's lexer tries them."""
    return dict(TERMINALS[grammar])


def ignores(grammar: str) -> frozenset[str]:
    """The terminals ``grammar`` ``%ignore``s."""
    return IGNORED[grammar]


@attrs.frozen
class Table:
    """How one grammar is scanned.

    ``states``: per parser state, terminal -> (action, next state), the first state
    being the start; the grammar's ``%ignore`` terminals are tried in every state and
    change nothing.
    ``ends``: states other than the first in which the file may end. ``implicit``:
    rules that end where the next one starts or at the end of the file (OCFS2's
    stanzas); any other rule still open at the end leaves the text to the grammar.
    """

    grammar: str
    states: Mapping[str, Mapping[str, tuple[str | None, str]]]
    ends: frozenset[str] = frozenset()
    implicit: frozenset[str] = frozenset()
    #: The ignored terminal (blanks) read before every token in the same match, where no
    #: terminal Lark tries before it can start with a character it takes (the tokens
    #: are then the same, and a line costs half the matches); ``None``: no such one.
    skip: str | None = "WS"

    @functools.cached_property
    def compiled(self) -> dict[str, tuple[Any, list[tuple[int, str, str, str] | None]]]:
        """Per state: the ``match`` of one alternation of the terminals tried there, in
        Lark's order, and per group number (``Match.lastindex``, which a dict of names
        would cost a lookup more per token) the terminal's action code, rule, next
        state and name."""
        pats, ignored = terminals(self.grammar), ignores(self.grammar)
        out = {}
        for state, moves in self.states.items():
            every = {name: (None, state) for name in ignored} | dict(moves)
            names = [name for name in pats if name in every]  # in Lark's order
            for name in names:
                if re.fullmatch(pats[name], ""):  # Lark refuses those too
                    raise ValueError(f"{self.grammar}: {name} matches the empty string")
            skip = "" if self.skip is None else f"(?:{pats[self.skip]})?"
            rx = re.compile(
                f"{skip}(?:" + "|".join(f"(?P<{name}>{pats[name]})" for name in names) + ")"
            )
            steps: list[tuple[int, str, str, str] | None] = [None] * (rx.groups + 1)
            for name, index in rx.groupindex.items():
                act, nxt = every[name]
                verb, _, rule = (act or "").partition(":")
                steps[index] = (_CODES[verb], rule, nxt, name)
            out[state] = (rx.match, steps)
        return out


_IGNORE, _KEEP, _REDUCE, _OPEN, _REOPEN, _CLOSE = range(6)
_CODES = {"": _IGNORE, KEEP: _KEEP, "reduce": _REDUCE, "open": _OPEN, "reopen": _REOPEN}
_CODES["close"] = _CLOSE


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
    keep, reduce, tok = _KEEP, _REDUCE, Tok  # (locals: this loop runs once per token)
    try:
        while pos < end:
            m = match(feed, pos)
            if m is None:
                return None
            i = m.lastindex
            code, rule, nxt, kind = moves[i]
            pos = m.end()
            if code == keep:
                if pos > size:  # (into the newline supplied)
                    return None
                pending.append(tok(kind, m.group(i), m.start(i)))
            elif code == reduce:
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
                kids = [Tok(kind, m.group(i), m.start(i))]
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
    {"line": {"WORD": (KEEP, "line"), "_NL": ("reduce:entry", "line")}},
)

#: modules.lark: the same rules; a comment only in the first column (priority 2).
MODULES = Table(
    "modules",
    {"line": {"WORD": (KEEP, "line"), "_NL": ("reduce:entry", "line")}},
)

#: keyvalue.lark: ``entry: KEY EQ VALUE?`` per line.
KEYVALUE = Table(
    "keyvalue",
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

#: shellvars.lark: ``_line: (assign | command)? _NL``, ``assign: EXPORT? ASSIGN``,
#: ``command: (EXPORT | WORD) WORD*``. A word may start with a backslash-newline, which
#: is also a blank: no blanks are read ahead of a token.
SHELLVARS = Table(
    "shellvars",
    {
        "line": {
            "ASSIGN": (KEEP, "assign"),
            "EXPORT": (KEEP, "export"),
            "WORD": (KEEP, "command"),
            "_NL": (None, "line"),
        },
        "export": {
            "ASSIGN": (KEEP, "assign"),
            "WORD": (KEEP, "command"),
            "_NL": ("reduce:command", "line"),
        },
        "assign": {"_NL": ("reduce:assign", "line")},
        "command": {"WORD": (KEEP, "command"), "_NL": ("reduce:command", "line")},
    },
    skip=None,
)

#: grammar name -> its table.
TABLES: dict[str, Table] = {
    t.grammar: t for t in (LINES, MODULES, KEYVALUE, OCFS2, COROSYNC, SHELLVARS)
}

__all__ = [
    "COROSYNC",
    "KEYVALUE",
    "LINES",
    "MODULES",
    "OCFS2",
    "SHELLVARS",
    "TABLES",
    "Table",
    "scan",
    "terminals",
]
