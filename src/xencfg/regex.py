"""Sanity checks for the POSIX extended regexes configuration files carry.

multipath's blacklist, lvm's filter and xend's hosts-allow hand their patterns
to regcomp(3). A pattern that compiles can still be useless: the classic
``^hd[a-z][[0-9]*]`` is one bracket expression ``[[0-9]`` (``[`` or a digit)
followed by a *literal* ``]``, so it only matches names containing ``]`` and
blacklists nothing. We scan the pattern the way regcomp does and report such
traps in words.
"""

from __future__ import annotations

import re
import warnings


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


_STARRED_TAIL = re.compile(r"(?<!\\)([A-Za-z0-9_-])\*$")


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
    translated = pattern
    for posix, py in _POSIX_CLASSES.items():
        translated = translated.replace(posix, py)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.search(translated, text) is not None
    except re.error:
        return None
