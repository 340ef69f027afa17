"""Where CPython's tokenizer reads a quote as an error token, for xm's statement splitter
(:func:`.xm._lexable`): tokenize retries its whole pattern at every blank before such a
quote, quadratic in a run of blanks, so the splitter sees a lone ``,`` there instead."""

from __future__ import annotations

import re
import tokenize

_QUOTE_OR_COMMENT = re.compile("#[^\r\n]*|'''|\"\"\"|['\"]")
#: tokenize's own patterns: a one-line string or its first line, and the rest of a
#: string (a triple-quoted one, or one continued by a backslash-newline).
_CONT_STR = re.compile(tokenize.ContStr)
_STRING_END = {
    "'": re.compile(tokenize.Single),
    '"': re.compile(tokenize.Double),
    "'''": re.compile(tokenize.Single3),
    '"""': re.compile(tokenize.Double3),
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
        if len(tok) == 1:
            one = _CONT_STR.match(src, m.start())
            if one is None:
                out.append(m.start())
                pos = m.end()
                continue
            if not one[0].endswith("\n"):
                pos = one.end()
                continue
            start = one.end()  # continued: it ends where its quote comes back
        else:
            start = m.end()
        end = _STRING_END[tok].match(src, start)
        if end is None:
            break  # the rest is the string's (the tokenizer stops: EOF in a string)
        pos = end.end()
    return out
