"""A guard shared by the Xen formats: refuse absurdly deep nesting early.

Lark's LALR parser is iterative, but the model (deep copies, ``repr``, tree
walks) is not; a hostile ``((((...`` or ``[[[[...`` would end in a
RecursionError. Real files nest a few levels, so a clear ParseError at the
offending bracket is the better answer.
"""

from __future__ import annotations

import re

from ..errors import ParseError, caret_snippet
from ..syntax.source import LineIndex

#: Deeper nesting is refused (real xend and domU files nest at most 4 levels).
MAX_DEPTH = 100


def check_depth(text: str, path: str | None, scan: re.Pattern[str], opener: str, closer: str) -> None:
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
