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

import re
from collections.abc import Callable
from typing import TypeVar

from ...errors import ParseError

D = TypeVar("D")

BEFORE_3 = (
    "; corosync before 3.0 skips a line that is no section, key or '}' (so this setting is"
    " lost), corosync 3 refuses it ('Line is not opening or closing section or key value')"
)
FROM_3 = "; corosync 3 refuses it: 'Line is not opening or closing section or key value'"


def _stray(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#") and not any(c in s for c in "{:}")


def _stray_at(lines: list[str], line: int | None) -> bool:
    """Whether 1-based ``line`` is one corosync before 3.0 skips."""
    return line is not None and 0 < line <= len(lines) and _stray(lines[line - 1])


def explain(
    err: ParseError,
    text: str,
    reparse: Callable[[str], D],
    before3: Callable[[D], bool],
) -> None:
    """Give ``err`` (raised on a stray line) the document read with every such line
    blanked, as corosync before 3.0 reads the file (one more parse, however many there
    are), and make it a warning when that document is written for a release before 3.0."""
    lines = text.split("\n")
    if not _stray_at(lines, err.line):
        return
    blanked = "\n".join(re.sub(r"[^\r]", " ", ln) if _stray(ln) else ln for ln in lines)
    try:
        doc = reparse(blanked)
    except ParseError:
        return
    err.partial = doc
    if before3(doc):
        err.severity = "warning"
        err.message += BEFORE_3
    else:
        err.message += FROM_3
