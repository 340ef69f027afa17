"""What a conversion returns and raises: the :class:`Change` records an administrator
reviews, the :class:`Conversion`, and the two refusals."""

from __future__ import annotations

from typing import Any

import attrs

from xencfg.errors import XencfgError


@attrs.frozen
class Change:
    """One rewrite: what kind, on which element (tag, id, source line), and why."""

    kind: str
    element: str
    id: str | None
    line: int | None
    what: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def __str__(self) -> str:
        line = f"line {self.line}: " if self.line else ""
        return f"{line}{self.describe()}"

    def describe(self) -> str:
        """The rewrite without its line: ``<tag id='x'> what (why)``."""
        where = f"<{self.element}{' id=' + repr(self.id) if self.id else ''}>"
        return f"{where} {self.what} ({self.why})"

    def located(self, path: str) -> str:
        """``path:line: kind: ...``, the way every xencfg report names a place."""
        return f"{path}:{self.line or 0}: {self.kind}: {self.describe()}"


def by_line(changes: list[Change]) -> list[Change]:
    """The rewrites in source-line order, as an administrator reads the file (the passes
    make them in their own order: a 1.1 option move of line 11 before line 4's
    rename); stable, so one element's rewrites keep the order they were made in. A
    change with no line (the document as a whole) is reported as line 0, first."""
    return sorted(changes, key=lambda c: c.line or 0)


@attrs.frozen
class Conversion:
    """The converted XML text plus the list of rewrites that made it (by source line)."""

    text: str
    changes: list[Change] = attrs.field(converter=by_line)
    fragment: bool = False
    #: the input line each element of ``text`` comes from, in document order (None where
    #: ``text`` is the input itself): a later step that re-reads ``text`` (``--to
    #: current``) names the input's lines, not the ones the rewrite gave it
    lines: tuple[int | None, ...] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "fragment": self.fragment,
            "changes": [c.to_dict() for c in self.changes],
            "text": self.text,
        }


class ConversionRefused(XencfgError):
    """The input is not a heartbeat-2 CIB this converter may touch (``pacemaker-2.x`` ...).

    Converting a newer CIB down to ``pacemaker-1.0`` would drop what 1.0 cannot say and
    reset defaults (fencing among them), so it is refused, never attempted.
    """


class InvalidOutput(XencfgError):
    """The converted CIB does not satisfy pacemaker-1.0.rng; it is not handed out as valid.

    ``errors`` are the schema's messages (``line N: message``, lines of the converted text),
    ``conversion`` the rejected result, for callers that want to look at it.
    """

    def __init__(self, message: str, errors: list[str], conversion: Conversion) -> None:
        super().__init__(message)
        self.errors = errors
        self.conversion = conversion

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # (Exception's default rebuilds from the message alone: a TypeError on unpickling)
        return (type(self), (str(self), self.errors, self.conversion))
