"""Safe, mechanical fixes for ``xencfg lint --fix`` and ``--diff``.

A rule can fix its finding only when there is exactly one right answer and it
needs no judgement: a key file's mode, a character drbdadm cannot read. Each
fixer returns the new text and/or mode of one file; nothing else in the file
changes (``--diff`` shows it). Rules listed in :data:`FIXERS` say so in their
documentation page.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable

import attrs

from .cluster import Cluster, Loaded
from .findings import Finding


@attrs.define
class Fix:
    """What fixing one file takes: its new text and/or permission bits."""

    path: str
    display: str
    old_text: str
    new_text: str
    old_mode: int | None = None
    new_mode: int | None = None
    codes: list[str] = attrs.Factory(list)

    def diff(self) -> str:
        """A unified diff of the text, and a line for a mode change."""
        out = []
        if self.new_mode is not None and self.new_mode != self.old_mode:
            old = f"{self.old_mode:04o}" if self.old_mode is not None else "?"
            out.append(f"mode {self.display}: {old} -> {self.new_mode:04o}\n")
        if self.new_text != self.old_text:
            out.extend(
                difflib.unified_diff(
                    self.old_text.splitlines(keepends=True),
                    self.new_text.splitlines(keepends=True),
                    f"a/{self.display}",
                    f"b/{self.display}",
                )
            )
        return "".join(out)

    def apply(self) -> None:
        """Write the fix: the text atomically (keeping mode and owner; refused if the
        file changed since it was read), then the mode."""
        from .syntax.source import encode
        from .writer import write_atomic

        if self.new_text != self.old_text:
            write_atomic(self.path, encode(self.new_text), expect=self.old_text)
        if self.new_mode is not None and self.new_mode != self.old_mode:
            os.chmod(self.path, self.new_mode)


def _secret_file_mode(f: Finding, item: Loaded, fix: Fix) -> None:
    """HB006, IS104: a key file open to group or others becomes 0600 (owner only)."""
    if item.doc.mode is not None:
        fix.new_mode = 0o600


def _nbsp(f: Finding, item: Loaded, fix: Fix) -> None:
    """DR008: every no-break space drbdadm would refuse becomes a plain space."""
    offsets = set(item.doc.nbsp_offsets())  # type: ignore[attr-defined]
    fix.new_text = "".join(" " if i in offsets else c for i, c in enumerate(fix.new_text))


#: The rules that can fix their findings: what the fix does (for the rule pages), and how.
FIXERS: dict[str, tuple[str, Callable[[Finding, Loaded, Fix], None]]] = {
    "HB006": ("chmod 600, keeping the owner", _secret_file_mode),
    "IS104": ("chmod 600, keeping the owner", _secret_file_mode),
    "DR008": ("each no-break space becomes a plain space; nothing else changes", _nbsp),
}


def plan(findings: Iterable[Finding], cluster: Cluster) -> list[Fix]:
    """The fixes for ``findings`` that a rule knows how to make, one per file."""
    by_display = {item.file.display: item for item in cluster.loaded}
    fixes: dict[str, Fix] = {}
    for f in findings:
        entry = FIXERS.get(f.code)
        item = by_display.get(f.path)
        if entry is None or item is None or not os.path.isfile(item.file.path):
            continue
        fix = fixes.get(f.path)
        if fix is None:
            text = item.doc.source
            fix = fixes[f.path] = Fix(
                str(item.file.path), f.path, text, text, item.doc.mode, item.doc.mode
            )
        if f.code not in fix.codes:
            entry[1](f, item, fix)
            fix.codes.append(f.code)
    return [fx for fx in fixes.values() if fx.diff()]
