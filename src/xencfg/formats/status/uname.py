"""The node's name as the kernel has it: ``uname -n`` (or ``hostname``) output,
also ``uname -a`` (``Linux NAME RELEASE ...``): read-only.

drbdadm, heartbeat and OCFS2 pick their own section by this name, so it is
compared with the names the configuration gives the node.
"""

from __future__ import annotations

import attrs

from ._status import StatusDocument, fail, lines

FORMAT = "uname"


@attrs.define(weakref_slot=False)
class UnameDocument(StatusDocument):
    """Parsed ``uname -n`` / ``uname -a`` output."""

    format = FORMAT
    name: str = ""
    #: the kernel release, when ``uname -a`` was captured.
    release: str | None = None


def parse(text: str, path: str | None = None) -> UnameDocument:
    """Parse the output; raises :class:`xencfg.ParseError` when it holds no name."""
    doc = UnameDocument(path=path, source=text)
    for no, ln in lines(text):
        words = ln.split()
        if not words or words[0].startswith("#"):  # blank, or a comment added to the capture
            continue
        if words[0] == "Linux" and len(words) >= 3:
            doc.name, doc.release = words[1], words[2]
        elif len(words) == 1:
            doc.name = words[0]
        else:
            raise fail(
                "expected one host name (uname -n) or 'Linux NAME RELEASE ...'", text, path, no
            )
        return doc
    raise fail("empty: no host name", text, path, 1)


def sniff(text: str) -> bool:
    """One host name on its first line, or ``uname -a``'s ``Linux NAME RELEASE ...``."""
    first = next((ln.split() for ln in text.split("\n") if ln.strip()), [])
    return len(first) == 1 or (len(first) >= 3 and first[0] == "Linux")
