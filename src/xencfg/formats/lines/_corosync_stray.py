"""corosync.conf lines that are no section, key or ``}`` (a typo such as
``compatybility whitetank``, a pasted command).

corosync before 3.0 skips them: exec/coroparse.c of v2.4.6 (and 1.x) ``parse_section``
tests a line for ``{``, then ``:``, then ``}`` and reads the next line when none is
there. corosync 3.0 refuses the file ("parser error: FILE:N: Line is not opening or
closing section or key value", commit 80701845 "coroparse: Be more strict in what is
parsed", first in v2.99.4). So the syntax error stays an error unless the rest of the
file shows it is written for a release before 3.0; lint checks the rest either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ...errors import ParseError

D = TypeVar("D")

#: How many such lines one file may have before the rest is not read for lint.
_MAX_STRAY = 20

BEFORE_3 = (
    "; corosync before 3.0 skips a line that is no section, key or '}' (so this setting is"
    " lost), corosync 3 refuses it ('Line is not opening or closing section or key value')"
)
FROM_3 = "; corosync 3 refuses it: 'Line is not opening or closing section or key value'"


def stray_line(text: str, line: int | None) -> bool:
    """Whether 1-based ``line`` of ``text`` is one corosync before 3.0 skips."""
    lines = text.split("\n")
    if not line or line > len(lines):
        return False
    s = lines[line - 1].strip()
    return bool(s) and not s.startswith("#") and not any(c in s for c in "{:}")


def explain(
    err: ParseError,
    text: str,
    reparse: Callable[[str], D],
    before3: Callable[[D], bool],
) -> None:
    """Give ``err`` (raised on a stray line) the document read without such lines, and
    make it a warning when that document is written for corosync before 3.0."""
    if not stray_line(text, err.line):
        return
    lines = text.split("\n")
    bad = err.line
    for _ in range(_MAX_STRAY):
        assert bad is not None
        lines[bad - 1] = " " * len(lines[bad - 1].rstrip("\r")) + (
            "\r" if lines[bad - 1].endswith("\r") else ""
        )
        try:
            doc = reparse("\n".join(lines))
        except ParseError as again:
            if not stray_line("\n".join(lines), again.line):
                return
            bad = again.line
            continue
        err.partial = doc
        if before3(doc):
            err.severity = "warning"
            err.message += BEFORE_3
        else:
            err.message += FROM_3
        return
