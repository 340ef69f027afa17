"""What a lint rule reports: a finding with its location and related places."""

from __future__ import annotations

from typing import Any

import attrs

SEVERITIES = ("error", "warning", "info")


@attrs.frozen(order=True)
class Location:
    """A place in a file; ``line``/``column`` are 1-based (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column}


@attrs.frozen
class Finding:
    """One problem: a stable ``code``, a severity, a one-line message naming the
    values involved, where it is, and every other place involved (``related``).

    ``severity`` is ``"error"`` (the daemon refuses the file or a documented hazard
    bites: the command line exits 1), ``"warning"`` or ``"info"``; settings may
    change a rule's. ``str(finding.location)`` is ``path:line:col``."""

    code: str
    severity: str
    message: str
    location: Location
    related: tuple[Location, ...] = ()

    @property
    def path(self) -> str:
        """The file, as lint displays it (relative where that is shorter)."""
        return self.location.path

    @property
    def line(self) -> int:
        """1-based line in :attr:`path` (0 when the finding is about the whole file)."""
        return self.location.line

    @property
    def column(self) -> int:
        """1-based column (0 when unknown)."""
        return self.location.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Path, line, column, code, then message: the same input, the same order."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            **self.location.to_dict(),
            "related": [r.to_dict() for r in self.related],
        }
