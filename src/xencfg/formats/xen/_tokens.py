"""Where CPython's tokenizer reads a quote as an error token, for xm's statement splitter
(:func:`.xm._lexable`): tokenize retries its whole pattern at every blank before such a
quote, quadratic in a run of blanks, so the splitter sees a lone ``,`` there instead."""

from __future__ import annotations

import re
import tokenize

from ..._lazy import lazy_re

_QUOTE_OR_COMMENT = lazy_re("#[^\r\n]*|'''|\"\"\"|['\"]")
#: tokenize's own patterns: a one-line string or its first line, and the rest of a
#: string (a triple-quoted one, or one continued by a backslash-newline).
_CONT_STR = lazy_re(tokenize.ContStr)
_STRING_END = {
    "'": lazy_re(tokenize.Single),
    '"': lazy_re(tokenize.Double),
    "'''": lazy_re(tokenize.Single3),
    '"""': lazy_re(tokenize.Double3),
}


def unclosed_quotes(src: str) -> list[int]:
    """Offsets of the quotes the tokenizer reads as error tokens: each opens a string
    that its line does not close (nor continue with a backslash). One pass, skipping
    comments and strings as the tokenizer does."""
    out: list[int] = []
    pos = 0
    while (m := _QUOTE_OR_COMMENT.search(src, pos)) is not None:
        tok = m[0]
        if tok[0] == "#":
            pos = m.end()
            continue
        if len(tok) == 3:
            end = _STRING_END[tok].match(src, m.end())
            if end is None:
                break  # the rest is the string's (the tokenizer stops: EOF in a string)
            pos = end.end()
            continue
        one = _CONT_STR.match(src, m.start())
        if one is None:
            out.append(m.start())
            pos = m.end()
        elif not one[0].endswith("\n"):
            pos = one.end()
        else:
            pos = _continued(src, one.end(), _STRING_END[tok])
            if pos < 0:
                break
    return out


def _continued(src: str, start: int, end: re.Pattern[str]) -> int:
    """Where a one-quote string continued by a backslash-newline ends, as tokenize reads
    it line by line: at its quote on a following line, or at the end of the first line
    that neither holds the quote nor ends in a backslash (an error token: the string is
    dropped there); -1 at the end of the text."""
    while start < len(src):
        nl = src.find("\n", start)
        line_end = len(src) if nl < 0 else nl + 1
        m = end.match(src, start, line_end)
        if m is not None:
            return m.end()
        if not src[start:line_end].endswith(("\\\n", "\\\r\n")):
            return line_end
        start = line_end
    return -1
