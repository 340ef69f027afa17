"""corosync.conf lines that are no section, key or ``}`` (a typo such as
``compatybility whitetank``, a pasted command).

corosync before 3.0 skips them: exec/coroparse.c of v2.4.6 (and 1.x) ``parse_section``
tests a line for ``{``, then ``:``, then ``}`` and reads the next line when none is
there. corosync 3.0 refuses the file ("parser error: FILE:N: Line is not opening or
closing section or key value", commit 80701845 "coroparse: Be more strict in what is
parsed", first in v2.99.4). So the syntax error is lint's warning where the corosync in
force is older than 3.0 (declared, or shown by the rest of the file), else its error;
lint checks the rest of the file either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...errors import ParseError
from ...versions import COROSYNC_3

WHY = (
    "; corosync before 3.0 skips a line that is no section, key or '}' (so this setting is"
    " lost), corosync 3 refuses it ('Line is not opening or closing section or key value')"
)


def _stray(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#") and not any(c in s for c in "{:}")


def _stray_at(lines: list[str], line: int | None) -> bool:
    """Whether 1-based ``line`` is one corosync before 3.0 skips."""
    return line is not None and 0 < line <= len(lines) and _stray(lines[line - 1])


def explain(err: ParseError, text: str, reparse: Callable[[str], object]) -> None:
    """Give ``err`` (raised on a stray line) the document read with every such line
    blanked, as corosync before 3.0 reads the file (one more parse, however many there
    are), and mark it an error from corosync 3.0 on only."""
    lines = text.split("\n")
    if not _stray_at(lines, err.line):
        return
    blanked = "\n".join(re.sub(r"[^\r]", " ", ln) if _stray(ln) else ln for ln in lines)
    try:
        doc = reparse(blanked)
    except ParseError:
        return
    err.partial = doc
    err.message += WHY
    err.older_reads = ("corosync", COROSYNC_3)
