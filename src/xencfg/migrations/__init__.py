"""Carrying a cluster's files to today's software, one component at a time.

Each module turns the typed models of old files into new files and a list of
:class:`Change` lines: what was rewritten, what was dropped and why, and what
the admin must still do by hand (``action``). Nothing here runs anything from
the files it reads.

* :mod:`.xen`: xm (Python) domU configs to xl configs;
* :mod:`.drbd`: DRBD 8.0-8.3 syntax to 8.4 and 9;
* :mod:`.lio`: IET's ietd.conf and access lists to a LIO ``saveconfig.json``;
* :mod:`.haresources`: heartbeat 1's haresources to a heartbeat 2 CIB.
"""

from __future__ import annotations

import attrs

from ..syntax.tree import TRIVIA, Node, Tok

#: Severity of a report line: ``info`` (done, nothing to do), ``warning`` (done,
#: check it), ``action`` (not carried: the admin must act before the cut-over).
SEVERITIES = ("info", "warning", "action")


@attrs.frozen
class Change:
    """One rewrite, or one thing not carried, at its line in the old file (line 0: the
    file as a whole, for what it lacks)."""

    line: int
    key: str | None
    severity: str
    message: str
    #: the file the line is in, where it is not the file being converted
    path: str | None = None

    def __str__(self) -> str:
        where = (f"line {self.line}" if self.line else "the file") + (
            f" ({self.key})" if self.key else ""
        )
        if self.path:
            where = f"{self.path}: {where}"
        return f"{where}: {self.severity}: {self.message}"


def complete(changes: tuple[Change, ...] | list[Change]) -> bool:
    """True when nothing needs the admin's hand (no ``action`` line)."""
    return all(c.severity != "action" for c in changes)


@attrs.frozen
class Converted:
    """One new file's text and the report of how it was made."""

    text: str
    changes: tuple[Change, ...]

    @property
    def complete(self) -> bool:
        """True when nothing needs the admin's hand (no ``action`` line)."""
        return complete(self.changes)


# -- comments of lines a migration moves or drops -------------------------------------


def take_comments(node: Node) -> list[str]:
    """Remove and return the comments above, inside and after ``node``'s own text
    (not its children's)."""
    out: list[str] = []
    pieces = node.cst or []
    for i, p in enumerate(pieces):
        if not (isinstance(p, Tok) and p.is_trivia and "#" in p.text):
            continue
        kept = []
        for line in p.text.split("\n"):
            code, hash_, comment = line.partition("#")
            if hash_:
                out.append("#" + comment.rstrip())
                line = code.rstrip() if code.strip() else code
            kept.append(line)
        pieces[i] = Tok(TRIVIA, "\n".join(kept), p.pos)
    return out


def give_comments(node: Node | None, comments: list[str]) -> None:
    """Put ``comments`` on lines of their own above ``node``."""
    if not comments or node is None or not node.cst:
        return
    first = node.cst[0]
    own = first.text if isinstance(first, Tok) and first.is_trivia else ""
    indent = own.rsplit("\n", 1)[-1] if own.strip() == "" else ""
    head, _, tail = own.rpartition("\n")
    lines = "".join(f"{indent}{c}\n" for c in comments)
    text = (head + "\n" if head or own.startswith("\n") else "") + lines + tail
    if isinstance(first, Tok) and first.is_trivia:
        node.cst[0] = Tok(TRIVIA, text, first.pos)
    else:
        node.cst.insert(0, Tok(TRIVIA, text, -1))
