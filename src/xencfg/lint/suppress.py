"""Inline suppressions: which comment silences which finding, per format.

Three forms, in the format's own comment syntax (``<!-- ... -->`` in the CIB):

* ``xencfg: ignore[CODE,...]`` at the end of the finding's line (no codes: all);
* ``xencfg: ignore-next-line[CODE,...]`` on a comment line of its own, just
  before the finding's line;
* ``xencfg: ignore-file[CODE,...]`` on a comment line anywhere in the file.

Where the daemon reads a trailing ``#`` as part of the value (iscsid.conf and
initiatorname.iscsi read the rest of the line; ietd.conf, IET's access lists,
authkeys, /etc/modules and OCFS2's cluster.conf take only whole-line
comments), the same-line form would change the setting, so it is not honoured
there and the docs give the line-before form: following the docs never breaks
a file. A comment in cib.xml is lost when the CRM rewrites the file (every
change through cibadmin or crm), so per-file-ignores or the baseline are the
lasting way to silence a CIB finding.
"""

from __future__ import annotations

from typing import NamedTuple

from .._lazy import lazy_re
from ..formats import specs

#: Formats whose daemon reads a trailing ``#`` as part of the value, or takes only
#: whole-line comments: suppress with a comment on the line before (their specs'
#: ``comments``).
NEXT_LINE_ONLY = frozenset(f.name for f in specs() if f.comments == "whole-line")
#: Formats written in XML: the comment is ``<!-- xencfg: ... -->``.
XML = frozenset(f.name for f in specs() if f.comments == "xml")

_DIRECTIVE = lazy_re(r"xencfg:\s*(ignore(?:-next-line|-file)?)(?![-\w])(?:\[([A-Za-z0-9_, ]*)\])?")
_WHOLE_LINE = lazy_re(r"^\s*(#|!|;|<!--)")


def how(fmt: str | None, code: str) -> str:
    """The suppression to write for a finding of ``code`` in a file of format ``fmt``
    (what the rule docs and the text report say)."""
    if fmt in XML:
        return f"`<!-- xencfg: ignore[{code}] -->` on its line"
    if fmt in NEXT_LINE_ONLY:
        return f"`# xencfg: ignore-next-line[{code}]` on the line before"
    return f"`# xencfg: ignore[{code}]` on its line"


def _codes(group: str | None) -> frozenset[str] | None:
    if group is None:
        return None  # all codes
    return frozenset(c.strip().upper() for c in group.split(",") if c.strip())


class _Line(NamedTuple):
    """The directives of one line: whether the comment is the whole line, and per kind
    (``ignore``, ``ignore-next-line``) whether one names no codes (all) and the codes
    the others name."""

    whole: bool
    kinds: dict[str, tuple[bool, frozenset[str]]]


class FileSuppressions:
    """The suppression comments of one file's text, read once."""

    def __init__(self, text: str, fmt: str | None) -> None:
        self.fmt = fmt
        self.lines = text.splitlines()
        #: ``ignore-file`` without codes (everything is silenced), and the codes named
        self.whole_file_all = False
        self.whole_file: set[str] = set()
        #: The directives of each line that mentions xencfg (1-based), read once: a
        #: finding need not search a long line again, nor go through its directives (a
        #: one-line CIB has thousands of findings, and comments among them)
        self.directives: dict[int, _Line] = {}
        for number, line in enumerate(self.lines, 1):
            if "xencfg" not in line:
                continue
            whole = _WHOLE_LINE.match(line) is not None
            every: set[str] = set()  # the kinds with a directive that names no codes
            named: dict[str, set[str]] = {}
            for m in _DIRECTIVE.finditer(line):
                kind, codes = m.group(1), _codes(m.group(2))
                if codes is None:
                    every.add(kind)
                named.setdefault(kind, set()).update(codes or ())
            kinds = {k: (k in every, frozenset(v)) for k, v in named.items()}
            self.directives[number] = _Line(whole, kinds)
            if whole and "ignore-file" in kinds:
                self.whole_file_all |= kinds["ignore-file"][0]
                self.whole_file |= kinds["ignore-file"][1]

    def _matches(self, number: int, kind: str, code: str, whole_line: bool) -> bool:
        found = self.directives.get(number)
        if found is None or (whole_line and not found.whole):
            return False
        every, named = found.kinds.get(kind, (False, frozenset()))
        return every or code in named

    def unread(self, code: str, line: int) -> str | None:
        """Why a same-line ``xencfg: ignore`` for ``code`` on ``line`` did not silence
        it, in a format that reads only the line-before form (else ``None``): the admin
        who wrote it sees the finding again and must learn why, not guess."""
        if self.fmt not in NEXT_LINE_ONLY or not 1 <= line <= len(self.lines):
            return None
        if not self._matches(line, "ignore", code, whole_line=False):
            return None
        return (
            f"the 'xencfg: ignore' at the end of this line is not read in {self.fmt}, whose"
            f" daemon takes it as part of the line: write '# xencfg: ignore-next-line[{code}]'"
            " on the line before"
        )

    def covers(self, code: str, line: int) -> bool:
        """Whether a finding of ``code`` on ``line`` (1-based, 0: the file) is silenced."""
        if self.whole_file_all or code in self.whole_file:
            return True
        if line < 1 or line > len(self.lines):
            return False
        if self.fmt not in NEXT_LINE_ONLY and self._matches(line, "ignore", code, whole_line=False):
            return True
        return line >= 2 and self._matches(line - 1, "ignore-next-line", code, whole_line=True)


def unknown_codes(text: str) -> list[tuple[int, int, str]]:
    """``(line, column, code)`` of each code in a suppression comment of ``text`` that
    no rule has: ``ignore[IS04]`` silences nothing, and its author should hear so (as
    ruff warns of an unknown code in a ``# noqa``)."""
    from ..config import known_code

    out: list[tuple[int, int, str]] = []
    if "xencfg" not in text:
        return out
    for number, line in enumerate(text.splitlines(), 1):
        if "xencfg" not in line:
            continue
        for m in _DIRECTIVE.finditer(line):
            for code in (m.group(2) or "").split(","):
                if code.strip() and not known_code(code.strip()):
                    out.append((number, m.start() + 1, code.strip()))
    return out
