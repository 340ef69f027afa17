"""One table-driven scanner for the brace/statement family (issue 21).

drbd.conf, multipath.conf, lvm.conf/evms.conf and xend's S-expressions share one
shape: ``key value... end`` statements and ``key args... { items }`` blocks (a bare
``( items )`` list for S-expressions). A format describes its grammar's shape in a
:class:`Shape` (in the grammar's terminal names); :func:`scan` then reads text the
grammar accepts into exactly the tree the format's Lark transformer builds (it calls
the same transformer methods with the same children), several times faster, and
returns ``None`` for anything else: Lark then parses, and words the error.

The tokens are the grammar's own: :mod:`.terminals` holds each grammar's terminal
regexes in the order Lark's lexer tries them, generated from the ``.lark`` files
(``python -m xencfg.syntax.scan`` rewrites it; a test checks it is current), so the
scanner and the grammar cannot drift. Lexing with the whole alternation and taking a
token only where the grammar's parser state accepts it gives Lark's contextual
lexer's token too: dropping alternatives the state does not accept leaves the first
match first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from typing import Any

import attrs

from .terminals import IGNORED, TERMINALS
from .tree import Tok, building

_FAIL = "_FAIL"  # the catch-all group: a character no terminal takes
_STATES = 6  # the reader's states (see scan)
_END_GROUP = "_END"  # the group of a statement's end in :func:`_one_value`
_OPEN_GROUP = "_OPEN"  # ... of a block's opener
_AFTER_GROUP = "_AFTER"  # ... and of what follows the opener (Shape.after_open)
_GAP_GROUP = "_GAP"  # ... and of the gap before an opener on a later line (Shape.open_gap)


@attrs.frozen
class Shape:
    """How a grammar's statements and blocks look, in its terminal and rule names.

    A statement is ``key value* end`` (``key assign value`` or ``key assign [ list ]``
    where ``assign`` is set and ``end`` is not); a block is ``key value* open item*
    close`` (``open item* close`` when ``key`` is empty, as in S-expressions). Terminals
    named with a leading ``_`` are read but, as in Lark, not handed to the builder.
    """

    #: The grammar (``grammars/<grammar>.lark``) whose terminals are the tokens.
    grammar: str
    #: Terminals that start a statement or block (empty: blocks open bare).
    key: frozenset[str] = frozenset({"WORD"})
    #: Terminals that are values.
    values: frozenset[str] = frozenset({"WORD", "STRING"})
    #: The terminal ending a statement (``None``: a statement ends after its value).
    end: str | None = None
    #: The terminal between a key and its one value (lvm's ``=``).
    assign: str | None = None
    #: A list value after ``assign``: opener, closer and separator terminals.
    list_terms: tuple[str, str, str] | None = None
    open: str = "LBRACE"
    close: str = "RBRACE"
    #: Whether values may stand between a block's key and its opener.
    block_args: bool = True
    #: A terminal the opener must be followed by (multipath's newline).
    after_open: str | None = None
    #: A terminal that may stand between a block's key and its opener, read but not
    #: kept (multipath's line break before a ``{`` on a later line).
    open_gap: str | None = None
    #: Whether a statement may follow the opener on its line, before ``after_open``
    #: (multipath's ``device { vendor "X"``): ``key value* end``, never a block.
    open_item: bool = False
    #: Whether a closer with no block open may stand at the top level, read as a
    #: statement of its own (multipath's unmatched ``}``, which the daemon skips).
    stray_close: bool = False
    #: Whether a closer may end a block's last statement on its line, with no ``end``
    #: (multipath's ``wwid "x" }``): read as the statement, then the block's closer.
    close_after_item: bool = False
    #: Terminals that may stand alone between items (multipath's empty lines).
    blank: frozenset[str] = frozenset()
    #: Terminals that are items by themselves (drbd's ``skip``, an S-expression's atoms).
    atoms: frozenset[str] = frozenset()
    #: Whether :attr:`atoms` may stand at the top level (not only inside a block).
    top_atoms: bool = True
    #: The builder's rule methods: statement, block, list value, document.
    rules: tuple[str, str, str, str] = ("entry", "block", "array", "start")
    #: The ignored terminal (blanks) read before every token in the same match, where no
    #: terminal Lark tries before it can start with a character it takes (the tokens are
    #: then the same, and a statement costs half the matches; as
    #: :attr:`xencfg.syntax.lines_scan.Table.skip`); ``None``: no such one.
    skip: str | None = "WS"


@functools.cache
def _lexer(shape: Shape, state: int) -> tuple[Callable[[str, int], Any], list[str]]:
    """The ``match`` of one reader state, as Lark's contextual lexer has one per parser
    state: the grammar's terminals the state takes and the ignored ones, in Lark's
    order, and a catch-all last (compiled once per process, on the state's first use:
    a file seldom enters every state, and a state's pattern of a whole grammar's
    terminals is a costly compile; issue 21); with it the terminal of each group number
    (``Match.lastindex``: an index costs less per token than a group's name)."""
    kinds = _accepted(shape)[state]
    ignored = IGNORED[shape.grammar]
    alternatives = [
        f"(?P<{name}>{regex})"
        for name, regex in TERMINALS[shape.grammar]
        if name in kinds or name in ignored
    ]
    alternatives.append(rf"(?P<{_FAIL}>[\s\S])")
    skip = "" if shape.skip is None else f"(?:{dict(TERMINALS[shape.grammar])[shape.skip]})?"
    rx = re.compile(skip + "(?:" + "|".join(alternatives) + ")")
    names = [""] * (rx.groups + 1)
    for name, index in rx.groupindex.items():
        names[index] = name
    return rx.match, names


def _accepted(shape: Shape) -> tuple[Collection[str | None], ...]:
    """The terminals each reader state takes (the states of :func:`scan`)."""
    list_open, list_close, list_sep = shape.list_terms or ("", "", "")
    item = {*shape.key, shape.close, *shape.blank, *shape.atoms}
    if not shape.key:
        item.add(shape.open)
    head = {shape.open, *(shape.values if shape.assign is None else ()), shape.end, shape.assign}
    head.add(shape.open_gap)
    if shape.close_after_item:
        head.add(shape.close)
    return (
        item,
        head,
        {shape.after_open, *(shape.key if shape.open_item else ())},
        {*shape.values, list_open},
        {*shape.values, list_sep, list_close},
        {shape.open},
    )


@functools.cache
def _one_value(shape: Shape) -> tuple[Callable[[str, int], Any], list[str]] | None:
    """For the commonest heads, ``key [value] end`` (``device /dev/drbd0;``) and
    ``key [value] open`` (``resource r0 {``): one match of the rest after the key, which
    gives the tokens the matches of the state after a key would (the same terminals in
    Lark's order, blanks between them skipped), or nothing, and the reader goes on token
    by token. With it, the terminal of each group number: the values' first, then the
    end's (:data:`_END_GROUP`), the opener's and what follows it (``after_open``, read
    at once too when it is there), and before them the gap before an opener on a later
    line (``open_gap``, :data:`_GAP_GROUP`; Lark tries it before the end: it is
    longer). ``None`` where the shape has no such
    head, or where a terminal Lark tries there before a value's is not a value."""
    if shape.end is None or shape.assign is not None or shape.skip is None:
        return None
    after_key = {*shape.values, shape.end, shape.open}  # what state 1 takes
    order = [n for n, _ in TERMINALS[shape.grammar] if n in after_key]
    if set(order[: len(shape.values)]) != shape.values:
        return None
    regexes = dict(TERMINALS[shape.grammar])
    blank = f"(?:{regexes[shape.skip]})?"
    values = "|".join(f"(?P<{n}>{regexes[n]})" for n in order if n in shape.values)
    end, opener = regexes[shape.end], regexes[shape.open]
    # what the state after the opener reads, when it is there (multipath's newline)
    after = "" if shape.after_open is None else regexes[shape.after_open]
    after = f"(?:{blank}(?P<{_AFTER_GROUP}>{after}))?" if after else ""
    gap = "" if shape.open_gap is None else f"(?P<{_GAP_GROUP}>{regexes[shape.open_gap]})|"
    # the second run of blanks only after a value: two optional runs side by side would
    # split a long run of blanks every way before failing (quadratic in the run)
    rx = re.compile(
        f"{blank}(?:(?:{values}){blank})?"
        f"(?:{gap}(?P<{_END_GROUP}>{end})|(?P<{_OPEN_GROUP}>{opener}){after})"
    )
    names = [""] * (rx.groups + 1)
    for name, index in rx.groupindex.items():
        names[index] = name
    return rx.match, names


def scan(text: str, shape: Shape, builder: Any) -> Any:
    """The document ``builder`` (the format's Lark transformer) makes of ``text`` as the
    grammar of ``shape`` reads it, or ``None`` for text this reader does not take.

    Trivia is not attached here: :func:`xencfg.syntax.build.finish` does that, as for a
    Lark parse. A missing final newline is supplied to the reader, as
    :func:`~xencfg.syntax.build.parse_with` supplies it to Lark.
    """
    feed = text if not text or text.endswith("\n") else text + "\n"
    ignored = IGNORED[shape.grammar]
    entry_rule, block_rule, array_rule, start_rule = (_rule(builder, r) for r in shape.rules)
    # Lark hands each token to the transformer's method of the terminal's name, if any
    callbacks = {
        name: getattr(builder, name)
        for name, _ in TERMINALS[shape.grammar]
        if not name.startswith("_") and callable(getattr(builder, name, None))
    }
    values, end, after_open = shape.values, shape.end, shape.after_open
    top_atoms, block_args = shape.top_atoms, shape.block_args
    keep_end = end is not None and not end.startswith("_")
    keep_after = after_open is not None and not after_open.startswith("_")
    list_sep = (shape.list_terms or ("", "", ""))[2]

    stack: list[list[Any]] = []  # the enclosing containers' pieces, innermost last
    items: list[Any] = []  # the open container's pieces: [key, args..., open, items...]
    head: list[Any] = []  # the statement or block head being read
    listed: list[Any] = []  # a list value being read
    state = 0  # 0: an item may start; 1: after a key; 2: after the opener; 3: after
    #            assign; 4: inside a list value; 5: after open_gap (the opener next)
    inline = False  # the head being read follows an opener on its line (open_item)
    kept = frozenset(n for n, _ in TERMINALS[shape.grammar] if n[0] != "_") - ignored
    shared = _shared_punctuation(shape, kept - callbacks.keys()) if building() else {}
    # per state and group number: the terminal, how its token is made, what it does;
    # both made when the reader first enters the state (a stand-in matcher until then)
    steps: list[list[tuple[str, int, int]]] = [[] for _ in range(_STATES)]

    def first(st: int) -> Callable[[str, int], Any]:
        def match(text: str, at: int) -> Any:
            matcher, names = _lexer(shape, st)
            steps[st] = [
                (kind, _making(kind, kept, shared, callbacks, ignored), _action(shape, st, kind))
                for kind in names
            ]
            matchers[st] = matcher
            return matcher(text, at)

        return match

    matchers = [first(st) for st in range(_STATES)]
    quick_rx = _one_value(shape) if not callbacks.keys() & {*values, end, shape.open} else None
    one_value, one_names = quick_rx if quick_rx is not None else (None, [])
    quick_end = end or ""  # (set wherever _one_value gives a match)
    opener, n_values = shape.open, len(values)
    end_group = one_names.index(_END_GROUP) if one_names else -1
    open_group = one_names.index(_OPEN_GROUP) if one_names else -1
    after_group = one_names.index(_AFTER_GROUP) if _AFTER_GROUP in one_names else -1
    gap_group = one_names.index(_GAP_GROUP) if _GAP_GROUP in one_names else -1
    quick_after = after_open or ""
    pos, size = 0, len(feed)
    while pos < size:
        m = matchers[state](feed, pos)
        i = m.lastindex
        kind, make, act = steps[state][i]
        pos = m.end()
        if make == _OWN:
            tok: Any = Tok(kind, m.group(i), m.start(i))
        elif make == _SHARED:
            tok = shared[kind]
        elif make == _SKIP:
            continue
        elif make == _CALLBACK:
            tok = callbacks[kind](Tok(kind, m.group(i), m.start(i)))
        elif make == _NONE:
            tok = None
        else:
            return None  # the catch-all: a character no terminal takes
        if act == _APPEND:  # a value of the statement or block head
            head.append(tok)
        elif act == _KEY:
            inline = state == 2  # a statement after the opener, on its line
            quick = one_value(feed, pos) if one_value is not None else None
            if quick is None:
                head = [tok]
                state = 1
                continue
            # the head read at once (state 1's tokens; see _one_value)
            head = [tok]
            i = 1
            while i <= n_values and quick.start(i) < 0:  # the value's group, if any
                i += 1
            if i <= n_values:
                head.append(Tok(one_names[i], quick.group(i), quick.start(i)))
            pos = quick.end()
            g = quick.lastindex  # the end's group or the opener's: closed last
            if g == gap_group:
                if inline or (not block_args and len(head) > 1):
                    return None
                state = 5
                continue
            if g == end_group:
                if keep_end:
                    head.append(
                        shared.get(quick_end) or Tok(quick_end, quick.group(g), quick.start(g))
                    )
                items.append(entry_rule(head))
                state = 0
                continue
            if inline or (not block_args and len(head) > 1):
                return None
            o = open_group
            head.append(shared.get(opener) or Tok(opener, quick.group(o), quick.start(o)))
            stack.append(items)
            items = head
            if g != after_group:
                state = 2 if after_open is not None else 0
            elif keep_after:  # (what state 2 reads, read at once)
                items.append(Tok(quick_after, quick.group(g), quick.start(g)))
        elif act == _END:
            if keep_end:
                head.append(tok)
            items.append(entry_rule(head))
            state = 0
        elif act == _GAP:
            if inline or (not block_args and len(head) > 1):
                return None
            state = 5
        elif act == _CLOSE:
            if not stack:
                if not shape.stray_close:
                    return None
                items.append(entry_rule([tok]))
                continue
            items.append(tok)
            node = block_rule(items)
            items = stack.pop()
            items.append(node)
        elif act == _OPEN:
            if inline or (not block_args and len(head) > 1):
                return None
            head.append(tok)
            stack.append(items)
            items = head
            state = 2 if after_open is not None else 0
        elif act == _AFTER_OPEN:
            if keep_after:
                items.append(tok)
            state = 0
        elif act == _BLANK:
            pass
        elif act == _ATOM:
            if not (top_atoms or stack):
                return None
            items.append(tok)
        elif act == _BARE_OPEN:
            stack.append(items)
            items = [tok]
            state = 2 if after_open is not None else 0
        elif act == _ASSIGN:
            if len(head) != 1:
                return None
            head.append(tok)
            state = 3
        elif act == _VALUE:  # the one value after assign
            head.append(tok)
            items.append(entry_rule(head))
            state = 0
        elif act == _END_CLOSE:  # the block's last statement, its closer on its line
            if inline or not stack:
                return None
            items.append(entry_rule(head))
            items.append(tok)
            node = block_rule(items)
            items = stack.pop()
            items.append(node)
            state = 0
        elif act == _LIST_OPEN:
            listed = [tok]
            state = 4
        elif act == _LIST_ITEM:
            listed.append(tok)
        elif act == _LIST_CLOSE:
            listed.append(tok)
            if not _list_ok([t.kind for t in listed[1:-1]], values, list_sep):
                return None
            head.append(array_rule(listed))
            items.append(entry_rule(head))
            state = 0
        else:
            return None
    if state != 0 or stack:
        return None
    return start_rule(items)


# How a token is made (:func:`_making`), and what it does in a state (:func:`_action`).
_OWN, _SHARED, _CALLBACK, _NONE, _SKIP, _FAIL_ = range(6)
_KEY, _APPEND, _END, _CLOSE, _OPEN, _AFTER_OPEN, _BLANK, _ATOM, _BARE_OPEN = range(9)
_ASSIGN, _VALUE, _LIST_OPEN, _LIST_ITEM, _LIST_CLOSE, _GAP, _REFUSE, _END_CLOSE = range(9, 17)


def _rule(builder: Any, name: str) -> Callable[[list[Any]], Any]:
    """The builder's method for the grammar rule ``name``. A shape that names none
    (``""``: xend's S-expressions have no statements nor lists) never calls it."""
    return getattr(builder, name, _no_rule)


def _no_rule(pieces: list[Any]) -> Any:
    raise TypeError("the shape names no rule for these pieces")


def _making(
    kind: str,
    kept: frozenset[str],
    shared: dict[str, Tok],
    callbacks: dict[str, Any],
    ignored: frozenset[str],
) -> int:
    """How the scanner makes the token of terminal ``kind``."""
    if kind in ignored:
        return _SKIP
    if kind in callbacks:
        return _CALLBACK
    if kind in shared:
        return _SHARED
    if kind in kept:
        return _OWN
    return _FAIL_ if kind == _FAIL else _NONE


def _action(shape: Shape, state: int, kind: str) -> int:
    """What terminal ``kind`` does in reader state ``state`` (:func:`scan`'s states), in
    the order of precedence the grammar's shape gives when a terminal has several roles."""
    list_open, list_close, list_sep = shape.list_terms or ("", "", "")
    if state == 0:
        if kind in shape.key:
            return _KEY
        if kind == shape.close:
            return _CLOSE
        if kind in shape.blank:
            return _BLANK
        if kind in shape.atoms:
            return _ATOM
        if kind == shape.open and not shape.key:
            return _BARE_OPEN
    elif state == 1:
        if kind in shape.values and shape.assign is None:
            return _APPEND
        if kind == shape.end:
            return _END
        if kind == shape.open:
            return _OPEN
        if kind == shape.assign:
            return _ASSIGN
        if kind == shape.open_gap:
            return _GAP
        if kind == shape.close and shape.close_after_item:
            return _END_CLOSE
    elif state == 2:
        if kind == shape.after_open:
            return _AFTER_OPEN
        if kind in shape.key and shape.open_item:
            return _KEY
    elif state == 5:
        if kind == shape.open:
            return _OPEN
    elif state == 3:
        if kind in shape.values:
            return _VALUE
        if kind == list_open:
            return _LIST_OPEN
    elif state == 4:
        if kind == list_close:
            return _LIST_CLOSE
        if kind in shape.values or kind == list_sep:
            return _LIST_ITEM
    return _REFUSE


def _shared_punctuation(shape: Shape, kept: frozenset[str]) -> dict[str, Tok]:
    """For a light parse: one token for each punctuation terminal (a fixed string that
    is neither key, value nor atom, nor the first token of a bare block), which every
    use shares. The builders of a light parse keep only keys and values, and read the
    offset of keys and atoms only, so a statement's ``;`` need not be an object of its
    own."""
    regexes = dict(TERMINALS[shape.grammar])
    out = {}
    for name in kept - shape.key - shape.values - shape.atoms:
        if name == shape.open and not shape.key:
            continue  # a bare block's position is its opener's
        literal = re.sub(r"\\(.)", r"\1", regexes[name])
        if re.escape(literal) == regexes[name] or literal == regexes[name]:
            out[name] = Tok(name, literal)
    return out


def _list_ok(kinds: list[str], values: frozenset[str], sep: str) -> bool:
    """``(value (sep? value)*)? sep?``, the inside of a list: no leading or doubled
    separator, except a list holding one separator alone."""
    if kinds == [sep]:
        return True
    prev = sep  # nothing before the first value: a leading separator is refused
    for k in kinds:
        if k == sep and prev == sep:
            return False
        if k not in values and k != sep:
            return False
        prev = k
    return True


# -- the terminal tables, generated from the grammars ----------------------------------

#: The grammars a table-driven scanner reads, whose terminals :mod:`.terminals` holds:
#: the brace/statement family (this module) and the line family (:mod:`.lines_scan`).
GRAMMARS = (
    "drbd",
    "lvmlike",
    "multipath",
    "xend",
    "lines",
    "modules",
    "keyvalue",
    "ocfs2",
    "corosync",
    "shellvars",
)


def lark_terminals() -> tuple[dict[str, tuple[tuple[str, str], ...]], dict[str, frozenset[str]]]:
    """The terminals and ignored terminals of the scanned grammars (:data:`GRAMMARS`),
    from Lark itself: what :mod:`.terminals` must hold."""
    from lark import Lark
    from lark.lexer import BasicLexer

    from .grammar import data_dir

    terminals: dict[str, tuple[tuple[str, str], ...]] = {}
    ignored: dict[str, frozenset[str]] = {}
    for name in GRAMMARS:
        text = (data_dir("grammars") / f"{name}.lark").read_text(encoding="utf-8")
        lark = Lark(text, parser="lalr", lexer="contextual")
        ordered = BasicLexer(lark.lexer_conf).terminals  # in the order Lark tries them
        terminals[name] = tuple((t.name, t.pattern.to_regexp()) for t in ordered)
        ignored[name] = frozenset(lark.lexer_conf.ignore)
    return terminals, ignored


def _write_terminals() -> str:  # pragma: no cover - the maintainers' regeneration command
    from pathlib import Path

    terminals, ignored = lark_terminals()
    lines = [
        '"""The terminals of the scanned grammars, in the order Lark\'s lexer tries them.',
        "",
        "Generated from the grammars by ``python -m xencfg.syntax.scan`` (then ``ruff",
        "format``); tests/test_fast_paths.py checks that it is current. Do not edit.",
        '"""',
        "",
        "#: grammar -> ((terminal, regex), ...), first tried first",
        "TERMINALS: dict[str, tuple[tuple[str, str], ...]] = {",
    ]
    for name, terms in terminals.items():
        lines.append(f"    {name!r}: (")
        lines.extend(f"        ({t!r}, {r!r})," for t, r in terms)
        lines.append("    ),")
    lines += ["}", "", "#: grammar -> its %ignore'd terminals"]
    lines.append("IGNORED: dict[str, frozenset[str]] = {")
    lines.extend(f"    {name!r}: frozenset({tuple(sorted(i))!r})," for name, i in ignored.items())
    lines += ["}", ""]
    target = Path(__file__).with_name("terminals.py")
    target.write_text("\n".join(lines), encoding="utf-8")
    return str(target)


if __name__ == "__main__":  # pragma: no cover
    print("wrote", _write_terminals())
