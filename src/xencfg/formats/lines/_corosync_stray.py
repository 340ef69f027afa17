"""corosync.conf lines that corosync before 3.0 reads and 3.0 refuses: a line that is no
section, key or ``}`` (a typo such as ``compatybility whitetank``, a pasted command),
text after a section's ``{``, and text around a ``}``.

corosync before 3.0 (exec/coroparse.c ``parse_section`` of v2.4.6, and 1.x) tests a line
for ``{``, then ``:``, then ``}``:

- a line with none of them is skipped;
- a line with ``{`` opens a section named by the line up to the blank before the text
  after the ``{``: ``quorum { provider: x`` opens ``quorum {``, a name no reader knows
  (and icmap refuses keys with blanks or braces), so the section's settings are lost;
- a line with ``}`` (and no ``{`` or ``:``) closes the section, whatever is around it.

corosync 3.0 refuses each ("Line is not opening or closing section or key value", "Extra
characters after opening bracket '{'", "Extra characters before or after closing bracket
'}'": commit 80701845 "coroparse: Be more strict in what is parsed", first in v2.99.4;
peer ``corosync -t`` 3.1.7). So the syntax error is lint's warning where the corosync in
force is older than 3.0 (declared, or shown by the rest of the file), else its error;
lint checks the rest of the file either way. A ``}`` inside a key's value or after a
``{`` is no such line: corosync before 3.0 loses the brace and refuses the file
("Missing closing brace").
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
WHY_OPEN = (
    "; corosync before 3.0 takes the text after '{' into the section's name, a section no"
    " one reads (so its settings are lost), corosync 3 refuses it ('Extra characters"
    " after opening bracket')"
)
WHY_CLOSE = (
    "; corosync before 3.0 ignores the text around '}' (so it is lost), corosync 3 refuses"
    " it ('Extra characters before or after closing bracket')"
)


def _older(line: str) -> tuple[str, str] | None:
    """``(the line as corosync before 3.0 reads it, why)`` for a line it reads and 3.0
    refuses; ``None`` for any other line. The rewrite keeps every column: a skipped
    line is blanks, text after ``{`` or around ``}`` is blanked."""
    s = line.strip()
    if not s or s.startswith("#"):
        return None
    blank = re.sub(r"[^\r]", " ", line)
    if "{" in s:
        at = line.index("{")
        rest = line[at + 1 :]
        if not rest.strip() or "}" in rest:
            return None
        return line[: at + 1] + blank[at + 1 :], WHY_OPEN
    if ":" in s:
        return None
    if "}" in s:
        if s == "}":
            return None
        at = line.index("}")
        return blank[:at] + "}" + blank[at + 1 :], WHY_CLOSE
    return blank, WHY


def explain(err: ParseError, text: str, reparse: Callable[[str], object]) -> None:
    """Give ``err`` (raised on a line corosync before 3.0 reads) the document read with
    every such line as corosync before 3.0 reads it (one more parse, however many there
    are), and mark it an error from corosync 3.0 on only."""
    lines = text.split("\n")
    if err.line is None or not 0 < err.line <= len(lines):
        return
    at = _older(lines[err.line - 1])
    if at is None:
        return
    older = "\n".join(o[0] if (o := _older(ln)) else ln for ln in lines)
    try:
        doc = reparse(older)
    except ParseError:
        return
    err.partial = doc
    err.message += at[1]
    err.older_reads = ("corosync", COROSYNC_3)
