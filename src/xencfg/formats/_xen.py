"""Helpers shared by the Xen formats (xend, xm, xl).

Nesting guard: refuse absurdly deep nesting early.

Lark's LALR parser is iterative, but the model (deep copies, ``repr``, tree
walks) is not; a hostile ``((((...`` or ``[[[[...`` would end in a
RecursionError. Real files nest a few levels, so a clear ParseError at the
offending bracket is the better answer.
"""

from __future__ import annotations

import re

from ..errors import ParseError, caret_snippet
from ..syntax.source import LineIndex
from ..syntax.tree import TRIVIA, Node, Style, Tok

#: Deeper nesting is refused (real xend and domU files nest at most 4 levels).
MAX_DEPTH = 100


def check_depth(
    text: str, path: str | None, scan: re.Pattern[str], opener: str, closer: str
) -> None:
    """Raise ParseError at the first ``opener`` nested deeper than :data:`MAX_DEPTH`.

    ``scan`` matches brackets, strings and comments (so brackets inside those
    do not count)."""
    if text.count(opener) <= MAX_DEPTH:
        return
    depth = 0
    for m in scan.finditer(text):
        c = m.group()
        if c == opener:
            depth += 1
            if depth > MAX_DEPTH:
                line, col = LineIndex(text).position(m.start())
                raise ParseError(
                    f"'{opener}' nested more than {MAX_DEPTH} deep (real files nest a few levels)",
                    path=path,
                    line=line,
                    column=col,
                    snippet=caret_snippet(text, line, col),
                )
        elif c == closer:
            depth = max(depth - 1, 0)


def adopt_final_newline(doc: Node) -> None:
    """Give the last statement the end of its own line.

    The core leaves all trivia after the last token to the document, so a
    statement appended at the end would land before the file's final newline
    (and get a second one). Moving the rest of the last line, through its
    newline, to the last child keeps appends clean; bytes are unchanged.
    """
    pieces = doc.cst
    if not pieces or not isinstance(pieces[-1], Tok) or not pieces[-1].is_trivia:
        return
    last_child = next((p for p in reversed(pieces) if isinstance(p, Node)), None)
    if last_child is None or last_child.cst is None or pieces[-2] is not last_child:
        return
    tail = pieces[-1]
    cut = tail.text.find("\n") + 1
    if cut <= 0:
        return
    own = Tok(TRIVIA, tail.text[:cut], tail.pos)
    last_child.cst.append(own)
    rest = tail.text[cut:]
    if rest:
        pieces[-1] = Tok(TRIVIA, rest, tail.pos + cut)
    else:
        pieces.pop()


def source_style(style: Style, source: str) -> Style:
    """``style`` with the file's own line ending: lines added to a CRLF file end in
    CRLF too (the canonical style writes LF)."""
    nl = source.find("\n")
    if nl > 0 and source[nl - 1] == "\r" and style.newline != "\r\n":
        import attrs

        return attrs.evolve(style, newline="\r\n")
    return style
