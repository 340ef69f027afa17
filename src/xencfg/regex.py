"""Sanity checks for the POSIX extended regexes configuration files carry.

multipath's blacklist, lvm's filter and xend's hosts-allow hand their patterns
to regcomp(3). A pattern that compiles can still be useless: the classic
``^hd[a-z][[0-9]*]`` is one bracket expression ``[[0-9]`` (``[`` or a digit)
followed by a *literal* ``]``, so it only matches names containing ``]`` and
blacklists nothing. We scan the pattern the way regcomp does and report such
traps in words.
"""

from __future__ import annotations

import functools
import re
import sys
import warnings
from typing import Any

from ._lazy import lazy_re
from .syntax.numbers import decimal, is_decimal


def problems(pattern: str) -> list[str]:
    """What is wrong with a POSIX ERE, in words (empty when nothing is)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    depth = 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end, nested = _bracket_end(pattern, i)
            if end < 0:
                out.append(f"'[' at position {i + 1} is never closed")
                break
            if nested:
                expr = pattern[i : end + 1]
                out.append(f"'{expr}' is one bracket expression: its inner '[' is a literal '['")
            i = end + 1
            continue
        if c == "]":
            out.append(
                f"']' at position {i + 1} is a literal ']' (no bracket expression is open), "
                "so the pattern only matches names that contain ']'"
            )
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                out.append(f"')' at position {i + 1} has no '('")
                depth = 0
        i += 1
    if depth > 0:
        out.append("a '(' is never closed")
    if not out:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                re.compile(pattern)
        except re.error as exc:
            out.append(f"does not compile: {exc}")
        except (RecursionError, OverflowError, MemoryError, ValueError):
            # nested past what Python's compiler recurses into, or a bound past what it
            # counts (``{5,000 digits}``: int() raises): regcomp may accept it
            pass
    return out


def _bracket_end(pattern: str, start: int) -> tuple[int, bool]:
    """Index of the ``]`` closing the bracket expression at ``start``, and whether it
    contains a bare ``[`` (a literal that usually means a nesting mistake)."""
    i = start + 1
    n = len(pattern)
    if i < n and pattern[i] == "^":
        i += 1
    if i < n and pattern[i] == "]":
        i += 1  # a leading ']' is a member, not the end
    nested = False
    while i < n:
        c = pattern[i]
        if c == "[" and i + 1 < n and pattern[i + 1] in ":.=":
            close = pattern.find(pattern[i + 1] + "]", i + 2)
            if close < 0:
                return -1, nested
            i = close + 2
            continue
        if c == "[":
            nested = True
        elif c == "]":
            return i, nested
        i += 1
    return -1, nested


_STARRED_TAIL = lazy_re(r"(?<!\\)([A-Za-z0-9_-])\*$")


def redundant_tail(pattern: str) -> str | None:
    """A last ``c*`` of an unanchored pattern matches the empty string, so it adds
    nothing: ``^xvdp*`` matches exactly what ``^xvd`` matches. Usually a typo
    for a class (``^xvd[a-z]*``); returns the message, or ``None``."""
    m = _STARRED_TAIL.search(pattern)
    if m is None:
        return None
    head = pattern[: m.start()]
    return (
        f"'{m.group(0)}' at the end of an unanchored pattern matches nothing extra: "
        f"'{pattern}' matches exactly what '{head}' matches"
    )


_POSIX_CLASSES = {
    "[:digit:]": "0-9",
    "[:alpha:]": "A-Za-z",
    "[:alnum:]": "0-9A-Za-z",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:xdigit:]": "0-9A-Fa-f",
    "[:space:]": r" \t\n\r\f\v",
    "[:blank:]": r" \t",
    "[:punct:]": r"!-/:-@\[-`{-~",
}


def search(pattern: str, text: str) -> bool | None:
    """Whether the POSIX ERE ``pattern`` matches anywhere in ``text``, as regexec(3)
    without anchors does (multipath's blacklist, lvm's filter). ``None`` when the
    pattern is one we cannot judge (it does not compile here): callers then say
    nothing rather than guess."""
    if problems(pattern):
        return None
    if backtracks(pattern):
        # the admin's pattern, run by a backtracking engine, could take exponential (or
        # high polynomial) time on a WWID that almost matches: run the automaton instead
        return search_linear(pattern, text)
    translated = pattern
    for posix, py in _POSIX_CLASSES.items():
        translated = translated.replace(posix, py)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.search(translated, text) is not None
    except re.error:
        return None


@functools.lru_cache(maxsize=512)
def backtracks(pattern: str) -> bool:
    """Whether Python's backtracking ``re`` may take more than quadratic time on
    ``pattern``: a repetition around another repetition or an alternation
    (``(a+)+``, ``(a|aa)*``), or three unbounded repetitions in a row (``.*.*.*x``:
    time ``n**3``). Such patterns run on :func:`search_linear`'s automaton; the
    rest, the everyday ``^sd[a-z]`` or ``^(ram|loop)[0-9]*``, on ``re``, which is
    faster. Unparsable patterns count as risky."""
    parsed = _parse(pattern)
    if parsed is None:
        return True
    unbounded = 0

    def walk(items: Any, inside: bool) -> bool:
        nonlocal unbounded
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, body = av
                varies = hi != lo
                if varies and inside:
                    return True
                if hi >= 65535:
                    unbounded += 1
                if walk(body, inside or varies):
                    return True
            elif name == "BRANCH":
                if inside:
                    return True
                if any(walk(b, inside) for b in av[1]):
                    return True
            elif name in ("SUBPATTERN", "ATOMIC_GROUP") and walk(av[-1], inside):
                return True
        return False

    try:
        return walk(parsed, False) or unbounded > 2
    except RecursionError:
        return True


# --- user-supplied patterns, matched in linear time --------------------------------------
#
# xend compiles ``xend-relocation-hosts-allow`` with Python's ``re`` and matches each peer
# against it; so do we, but a pattern such as ``^(a+)+$`` backtracks exponentially in a
# backtracking engine (30 characters: 16 s). :func:`match_prefix` runs the same pattern,
# parsed by Python's own parser, as a Thompson NFA: time linear in the text for a given
# pattern, whatever the pattern. :func:`catastrophic` says when the pattern is one that
# backtracks badly, which is then a hazard for xend itself.

#: NFA states past this are not built (``a{1000}{1000}``): the caller falls back.
MAX_STATES = 20_000


class _Unsupported(Exception):
    """A construct no automaton can run (a backreference, a lookaround)."""


def _parser() -> Any:
    if sys.version_info >= (3, 11):
        # typeshed has no stub for re._parser (3.11 moved sre_parse there): mypy finds
        # no module when it checks for 3.11 or later (for 3.10 it skips this branch)
        import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    else:
        import sre_parse
    return sre_parse


def _parse(pattern: str) -> Any | None:
    """Python's parse of ``pattern`` (its ``re._parser`` tree), or ``None`` when it does
    not parse; the walks over repetitions read it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # '[[' is a literal '[' for regcomp too
            return _parser().parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def _in_class(items: list[tuple[Any, Any]], ch: str, fold: bool) -> bool:
    o = ord(ch)
    negate = False
    hit = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or o == av or (fold and ch.lower() == chr(av).lower())
        elif name == "RANGE":
            lo, hi = av
            hit = (
                hit
                or lo <= o <= hi
                or (fold and (lo <= ord(ch.lower()) <= hi or lo <= ord(ch.upper()) <= hi))
            )
        elif name == "CATEGORY":
            hit = hit or _category(str(av), ch)
        else:
            raise _Unsupported(name)
    return hit != negate


def _category(name: str, ch: str) -> bool:
    table = {
        "CATEGORY_DIGIT": ch.isdigit(),
        "CATEGORY_NOT_DIGIT": not ch.isdigit(),
        "CATEGORY_SPACE": ch.isspace(),
        "CATEGORY_NOT_SPACE": not ch.isspace(),
        "CATEGORY_WORD": ch.isalnum() or ch == "_",
        "CATEGORY_NOT_WORD": not (ch.isalnum() or ch == "_"),
    }
    if name not in table:
        raise _Unsupported(name)
    return table[name]


class _Nfa:
    """States: ``("chr", test, next)``, ``("split", a, b)``, ``("at", kind, next)``, ``("ok",)``."""

    def __init__(self, fold: bool) -> None:
        self.states: list[list[Any]] = []
        self.fold = fold

    def new(self, *state: Any) -> int:
        if len(self.states) >= MAX_STATES:
            raise _Unsupported("too many states")
        self.states.append(list(state))
        return len(self.states) - 1

    def seq(self, items: list[tuple[Any, Any]], nxt: int) -> int:
        """Build ``items`` (a parsed subpattern) so that it continues at ``nxt``; its start."""
        for op, av in reversed(items):
            nxt = self.one(str(op), av, nxt)
        return nxt

    def one(self, op: str, av: Any, nxt: int) -> int:
        fold = self.fold
        if op == "LITERAL":
            c = chr(av)
            return self.new("chr", (lambda ch: ch == c or (fold and ch.lower() == c.lower())), nxt)
        if op == "NOT_LITERAL":
            c = chr(av)
            return self.new(
                "chr", (lambda ch: not (ch == c or (fold and ch.lower() == c.lower()))), nxt
            )
        if op == "ANY":
            return self.new("chr", lambda ch: ch != "\n", nxt)
        if op == "IN":
            items = list(av)
            return self.new("chr", lambda ch: _in_class(items, ch, fold), nxt)
        if op == "AT":
            return self.new("at", str(av), nxt)
        if op == "SUBPATTERN":
            return self.seq(list(av[-1]), nxt)
        if op == "BRANCH":
            starts = [self.seq(list(b), nxt) for b in av[1]]
            head = starts[-1]
            for s in reversed(starts[:-1]):
                head = self.new("split", s, head)
            return head
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, body = av
            body = list(body)
            unbounded = hi >= 65535 or str(hi) == "MAXREPEAT"
            if lo > 1000 or (not unbounded and hi > 1000):
                raise _Unsupported("large repeat")
            tail = nxt
            if unbounded:
                loop = self.new("split", -1, nxt)
                self.states[loop][1] = self.seq(body, loop)
                tail = loop
            else:
                for _ in range(hi - lo):  # optional copies: the body then more, or done
                    tail = self.new("split", self.seq(body, tail), nxt)
            for _ in range(lo):
                tail = self.seq(body, tail)
            return tail
        raise _Unsupported(op)


_WORD = lazy_re(r"\w")


def _at(kind: str, text: str, pos: int) -> bool:
    n = len(text)
    if kind in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
        return pos == 0
    if kind == "AT_END":
        return pos == n or (pos == n - 1 and text[-1] == "\n")
    if kind == "AT_END_STRING":
        return pos == n
    if kind in ("AT_BOUNDARY", "AT_NON_BOUNDARY"):
        before = pos > 0 and _WORD.match(text[pos - 1]) is not None
        after = pos < n and _WORD.match(text[pos]) is not None
        return (before != after) == (kind == "AT_BOUNDARY")
    raise _Unsupported(kind)


def _compile(pattern: str) -> tuple[_Nfa, int]:
    parsed = _parser().parse(pattern)
    nfa = _Nfa(bool(parsed.state.flags & re.IGNORECASE))
    ok = nfa.new("ok")
    return nfa, nfa.seq(list(parsed), ok)


def match_prefix(pattern: str, text: str) -> bool | None:
    """``re.match(pattern, text) is not None``, in time linear in ``text``.

    ``None`` when the pattern does not compile or uses what no automaton runs
    (backreferences, lookarounds, huge counted repeats).
    """
    try:
        nfa, start = _compile(pattern)
    except (re.error, _Unsupported, RecursionError, OverflowError):
        return None
    states = nfa.states

    def closure(seeds: list[int], pos: int) -> tuple[list[int], bool]:
        out: list[int] = []
        seen: set[int] = set()
        stack = list(reversed(seeds))
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            st = states[i]
            kind = st[0]
            if kind == "ok":
                return out, True
            if kind == "split":
                stack.extend((st[2], st[1]))
            elif kind == "at":
                if _at(st[1], text, pos):
                    stack.append(st[2])
            else:
                out.append(i)
        return out, False

    try:
        cur, done = closure([start], 0)
        for pos, ch in enumerate(text):
            if done:
                return True
            if not cur:
                return False
            cur, done = closure([states[i][2] for i in cur if states[i][1](ch)], pos + 1)
        return done
    except _Unsupported:
        return None


def catastrophic(pattern: str) -> bool:
    """A repetition inside a repetition (``(a+)+``, ``(a*)*``, ``(.*x?)*``): a
    backtracking engine such as Python's ``re``, which xend uses, can take time
    exponential in the name's length on a name that almost matches. (:func:`backtracks`
    is the wider test for running a pattern on the automaton.)"""
    parsed = _parse(pattern)
    if parsed is None:
        return False

    def walk(items: Any, inside: bool) -> bool:
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                lo, hi, body = av
                repeats = hi >= 65535 or hi > 1
                if repeats and hi != lo and inside:
                    return True
                if walk(body, inside or (repeats and hi != lo)):
                    return True
            elif (name == "SUBPATTERN" and walk(av[-1], inside)) or (
                name == "BRANCH" and any(walk(b, inside) for b in av[1])
            ):
                return True
        return False

    return walk(parsed, False)


def search_linear(pattern: str, text: str) -> bool | None:
    """Whether the POSIX ERE ``pattern`` matches anywhere in ``text`` (regexec(3) without
    ``REG_NOTBOL``), in time linear in ``text``: the pattern is the user's (Pacemaker's
    ``rsc-pattern``), so it runs on :func:`match_prefix`'s automaton, never on ``re``.
    POSIX classes (``[[:digit:]]``) are read as regcomp reads them. ``None`` when the
    pattern is one we cannot judge (it does not compile here, or no automaton runs it)."""
    translated = pattern
    for posix, py in _POSIX_CLASSES.items():
        translated = translated.replace(posix, py)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # '[[' is a literal '[' for regcomp too
        return match_prefix(f"(?s:.)*(?:{translated})", text)


_REPEAT_OPS = "*+?{"
_CLASS_NAMES = frozenset(
    {"alnum", "alpha", "blank", "cntrl", "digit", "graph"}
    | {"lower", "print", "punct", "space", "upper", "xdigit"}
)


def regcomp_refuses(pattern: str) -> str | None:
    """Why glibc's ``regcomp(pattern, REG_EXTENDED)`` refuses ``pattern``, in its own
    words (posix/regcomp.c ``__re_error_msgid``), or ``None`` when it compiles it.

    Only what surely fails is said: an unclosed ``(`` or ``[``, a trailing backslash, a
    repetition with nothing before it (``*a``, ``(?i)``, ``a|+b``), an unclosed or
    reversed interval (``a{2``, ``a{3,1}``), an unknown class (``[[:foo:]]``), a reversed
    range (``[z-a]``). A lone ``)`` is an ordinary character in glibc's ERE syntax
    (``RE_UNMATCHED_RIGHT_PAREN_ORD``)."""
    i, n = 0, len(pattern)
    depth = 0
    atom = False  # whether a repetition here has something to repeat
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return "Trailing backslash"
            i += 2
            atom = True
            continue
        if c == "[":
            end, why = _bracket_close(pattern, i)
            if why:
                return why
            i = end + 1
            atom = True
            continue
        if c in _REPEAT_OPS:
            if not atom:
                return "Invalid preceding regular expression"
            if c == "{":
                close = pattern.find("}", i)
                if close < 0:
                    return "Unmatched \\{"
                bounds = pattern[i + 1 : close].split(",")
                # (ASCII digits, as regcomp's fetch_number; '\u00b2' passed isdigit and
                # int() refused it, and 5,000 digits)
                if len(bounds) > 2 or not all(is_decimal(b) or b == "" for b in bounds):
                    return "Invalid content of \\{\\}"
                reversed_ = len(bounds) == 2 and bounds[0] and bounds[1]
                if (bounds[0] == "" and len(bounds) == 1) or (
                    reversed_ and decimal(bounds[0]) > decimal(bounds[1])
                ):
                    return "Invalid content of \\{\\}"
                i = close + 1
                continue
            i += 1
            continue
        if c == "(":
            depth += 1
            atom = False
        elif c == ")":
            depth = max(0, depth - 1)
            atom = True
        elif c in "|^$":
            atom = False
        else:
            atom = True
        i += 1
    return "Unmatched ( or \\(" if depth else None


def _bracket_close(pattern: str, start: int) -> tuple[int, str | None]:
    """The index of the ``]`` closing the bracket expression at ``start``, or why
    regcomp refuses it (unclosed, an unknown ``[:class:]``, a reversed range)."""
    i, n = start + 1, len(pattern)
    if i < n and pattern[i] == "^":
        i += 1
    first = True
    prev: str | None = None  # the last single character, a range's possible start
    while i < n:
        c = pattern[i]
        if c == "]" and not first:
            return i, None
        first = False
        if c == "[" and i + 1 < n and pattern[i + 1] in ":.=":
            kind = pattern[i + 1]
            close = pattern.find(kind + "]", i + 2)
            if close < 0:
                return -1, "Unmatched [, [^, [:, [., or [="
            if kind == ":" and pattern[i + 2 : close] not in _CLASS_NAMES:
                return -1, "Invalid character class name"
            i, prev = close + 2, None
            continue
        if c == "-" and prev is not None and i + 1 < n and pattern[i + 1] != "]":
            end = pattern[i + 1]
            if end != "[" and ord(end) < ord(prev):  # (a range to [.x.]: not judged)
                return -1, "Invalid range end"
            i, prev = i + 2, None
            continue
        prev = c
        i += 1
    return -1, "Unmatched [, [^, [:, [., or [="


# --- POSIX basic regular expressions (IET's initiators.allow names) ----------------------

#: GNU escapes of a BRE that we do not translate (word classes, word boundaries,
#: backreferences): a pattern holding one gets no verdict.
_BRE_UNSUPPORTED = set("wWsSbB<>`'123456789")


def bre_to_python(pattern: str) -> str | None:
    """The Python regex for the POSIX basic regular expression ``pattern`` as glibc's
    regcomp(3) reads it without ``REG_EXTENDED``: ``\\(``, ``\\)``, ``\\{``, ``\\}`` group and
    count (and GNU's ``\\|``, ``\\+``, ``\\?``), while ``( ) { } | + ?`` are literal; ``*`` at
    the start is literal; ``^`` anchors only at the start and ``$`` only at the end; a
    backslash inside brackets is literal. ``None`` for what we do not translate."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return None  # (a trailing backslash: regcomp refuses it)
            nxt = pattern[i + 1]
            i += 2
            if nxt in "(){}|+?":
                out.append(nxt)
            elif nxt in _BRE_UNSUPPORTED:
                return None
            else:
                out.append(re.escape(nxt))
            continue
        if ch == "[":
            end, _ = _bracket_end(pattern, i)
            if end < 0:
                return None  # (an unclosed bracket: regcomp refuses it)
            body = pattern[i + 1 : end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            parts = []
            for k, piece in enumerate(re.split(r"(\[:[a-z]+:\])", body)):
                if k % 2:
                    if piece not in _POSIX_CLASSES:
                        return None
                    parts.append(_POSIX_CLASSES[piece])
                elif "[=" in piece or "[." in piece:
                    return None
                else:
                    piece = piece.replace("\\", "\\\\").replace("[", "\\[")
                    parts.append("\\]" + piece[1:] if k == 0 and piece.startswith("]") else piece)
            out.append("[" + ("^" if negate else "") + "".join(parts) + "]")
            i = end + 1
            continue
        if ch == "*" and (not out or out[-1] in ("^", "(", "|")):
            out.append(re.escape(ch))
        elif ch == "^" and i == 0:
            out.append("^")
        elif ch == "$" and i == n - 1:
            out.append("$")
        elif ch in ".*":
            out.append(ch)
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def bre_fullmatch(pattern: str, text: str) -> bool | None:
    """Whether the POSIX BRE ``pattern`` matches all of ``text`` (IET's ``initiator_match``
    wraps the name in ``^...$``), in linear time; ``None`` when we cannot tell."""
    translated = bre_to_python(pattern)
    if translated is None:
        return None
    return match_prefix(f"(?:{translated})\\Z", text)
