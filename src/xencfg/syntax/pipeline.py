"""The one parse pipeline of the text formats: fast scan, else Lark, then finish and checks.

A format with a hand-written scanner gives :func:`parse_text` its ``scan``
(the tree Lark would build for text it accepts, ``None`` for anything else)
and its ``lark`` parse (the specification, the error reporter and the
fallback). Formats without a scanner pass ``scan=None``. Whatever path the
text took, the document ends the same: bound, with its path and source, and
put through the format's checks after parsing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import TypeVar

from ..document import TreeDocument
from ..errors import ParseError
from .build import finish
from .tree import TooDeep, building

D = TypeVar("D", bound=TreeDocument)


def parse_text(
    text: str,
    path: str | None,
    *,
    scan: Callable[[str], D | None] | None,
    lark: Callable[[str, str | None], D],
    checks: Iterable[Callable[[D, str, str | None], None]] = (),
) -> D:
    """Parse ``text`` with ``scan`` if it takes it, else with ``lark``; then run ``checks``.

    The cyclic garbage collector is paused while the tree is built: a big
    file allocates about ten objects per token and keeps them all, so the
    collector would rescan them again and again (halving the speed) and free
    none.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        doc = scan(text) if scan is not None else None
        doc = lark(text, path) if doc is None else finish(doc, text, path)
    finally:
        if was_enabled:
            gc.enable()
    doc.path = path
    doc.source = text
    try:
        for check in checks:
            check(doc, text, path)
    except RecursionError:
        # Only a light tree gets here that deep: it skips the full parse's depth check
        # (Light.seal makes it later), and the full parse reports the nesting's line.
        if building() is not None:
            raise TooDeep(0) from None
        raise ParseError("nesting too deep", path=path) from None
    return doc
