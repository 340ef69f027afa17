"""multipath-tools' bindings file: the map names ``user_friendly_names`` gives.

With ``user_friendly_names yes`` multipathd names a map without a multipath.conf
alias ``mpathN`` (0.4.8 and older) or ``mpatha``... (0.4.9 on, ``alias_prefix``
changes ``mpath``), and keeps each name with its WWID in this file, so the name
survives reboots: /var/lib/multipath/bindings up to 0.4.8, /etc/multipath/bindings
from 0.4.9 (commit 8ee04831 "move bindings file location"); ``bindings_file`` in
``defaults`` moves it (ignored from 0.9.7, which deprecated it).

The syntax is libmultipath/alias.c's reader (``lookup_binding`` up to 0.9.6,
``read_binding`` from 0.9.7): a line is cut at the first ``#`` (so a comment may
follow a binding), split on blanks; the first word is the alias, the second the
WWID. A line with an alias and no WWID is ignored ("malformed line" / "missing
WWID"), as is a WWID too long for ``WWID_SIZE``; further words are ignored (0.9.7
logs "extra args"). multipathd writes a header of ``#`` lines
(:data:`HEADER`) into an empty file and appends ``ALIAS WWID`` lines; 0.9.7 and
later rewrite a file whose header differs (sorted by alias). The ``lines`` grammar
reads exactly that shape, lossless.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ._base import LineDocument, parser_for

FORMAT = "multipath-bindings"

#: What multipathd writes into an empty bindings file (alias.h ``BINDINGS_FILE_HEADER``,
#: the same from 0.4.7 to 0.14).
HEADER = (
    "# Multipath bindings, Version : 1.0\n"
    "# NOTE: this file is automatically maintained by the multipath program.\n"
    "# You should not need to edit this file in normal circumstances.\n"
    "#\n"
    "# Format:\n"
    "# alias wwid\n"
    "#\n"
)

#: The longest WWID alias.c keeps (``WWID_SIZE - 1``: 128 since 0.4.9, 64 before);
#: a longer one makes the line ignored.
WWID_MAX = 127


@attrs.frozen
class Binding:
    """One ``ALIAS WWID`` line multipathd reads."""

    alias: str
    wwid: str
    #: its line
    entry: Entry


@attrs.define(weakref_slot=False)
class BindingsDocument(LineDocument):
    """A parsed multipath bindings file."""

    format = FORMAT

    @property
    def bindings(self) -> list[Binding]:
        """The lines multipathd takes as bindings, in file order (lines it ignores, an
        alias without WWID or a WWID too long, left out)."""
        return [
            Binding(e.key, e.values[0], e)
            for e in self.entries()
            if e.values and len(e.values[0]) <= WWID_MAX
        ]

    def wwid_of(self, alias: str) -> str | None:
        """The WWID ``alias`` names: its first line (``rlookup_binding`` stops there; 0.8.5
        and later drop a later line giving the alias another WWID)."""
        return next((b.wwid for b in self.bindings if b.alias == alias), None)

    def alias_of(self, wwid: str) -> str | None:
        """The alias of ``wwid``: its first line, as ``lookup_binding`` reads it up to
        0.9.6 (0.9.7 and later take the first in alias order: MP011 reports a WWID with
        two aliases)."""
        return next((b.alias for b in self.bindings if b.wwid == wwid), None)

    def aliases(self) -> dict[str, str]:
        """``alias -> WWID`` as multipathd resolves each alias (the first line wins)."""
        out: dict[str, str] = {}
        for b in self.bindings:
            out.setdefault(b.alias, b.wwid)
        return out

    def add_binding(self, alias: str, wwid: str) -> Entry:
        """Append an ``ALIAS WWID`` line at the end, as multipathd does for a new map;
        each must be one word without ``#`` (the reader has no quoting)."""
        self.check(alias, [wwid])  # raises ValidationError for what cannot be written
        e = self.entry_class(alias)(alias, [wwid])
        self.children.append(e)
        return e

    def value_problems(self) -> Iterator[ValueProblem]:
        """Lines multipathd ignores, in whole or in part (alias.c, ``read_binding``):
        warnings, the daemon runs; an alias the kernel refuses as a map name: an error."""
        for e in self.entries():
            if not e.values:
                yield ValueProblem(
                    e,
                    f"'{e.key}' has no WWID: multipathd ignores the line (malformed line)",
                    harmless=True,
                )
            elif len(e.values[0]) > WWID_MAX:
                yield ValueProblem(
                    e,
                    f"the WWID of '{e.key}' is {len(e.values[0])} characters, longer than"
                    f" multipath reads ({WWID_MAX}): multipathd ignores the line",
                    harmless=True,
                )
            elif len(e.values) > 1:
                yield ValueProblem(
                    e,
                    f"'{e.key} {e.values[0]}' is followed by '{' '.join(e.values[1:])}':"
                    " multipathd ignores the extra words (0.9.7 logs 'extra args')",
                    harmless=True,
                )
            if "/" in e.key:
                yield ValueProblem(
                    e,
                    f"alias '{e.key}' holds '/': the kernel refuses a device-mapper name"
                    " with '/' (dm-ioctl check_name), so the map is not created",
                )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "bindings": [{"alias": b.alias, "wwid": b.wwid} for b in self.bindings],
        }


parse = parser_for(BindingsDocument)


def sniff(text: str) -> bool:
    """The header multipathd writes (a hand-written file is recognised by its path)."""
    return text.startswith("# Multipath bindings, Version :")


#: ``bindings_file PATH`` in multipath.conf (quoted or not; a ``#`` or ``!`` starts a comment).
_BINDINGS_FILE = re.compile(r"""^[ \t]*bindings_file[ \t]+"?([^"\s#!]+)"?""", re.M)


def moved_to(text: str) -> str | None:
    """Where a multipath.conf's ``bindings_file`` moves the bindings file (the last
    one: a later line overrides), found by a light scan of its text; ``None`` when it
    does not. multipath-tools 0.9.7 and later ignore the keyword (deprecated)."""
    found = _BINDINGS_FILE.findall(text)
    return found[-1] if found else None


def referenced(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The bindings file a multipath.conf's ``bindings_file`` names: discovery reads
    it as this format (the multipath spec's ``references`` hook)."""
    path = moved_to(text)
    return [] if path is None else [(path, (FORMAT,))]
