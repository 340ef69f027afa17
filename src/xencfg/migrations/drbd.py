"""drbd.conf from DRBD 8.3 (and 8.0-8.2) syntax to DRBD 8.4 syntax, as an edit of
the lossless tree, with a report of every change.

DRBD 8.4 dissolved 8.3's ``syncer`` section (its options went to ``disk``,
``net`` and ``options``), spelled the negative flags ``no-disk-flushes`` as
``disk-flushes no`` and renamed the ``outdate-peer`` handler ``fence-peer``
(drbd.conf(5) of 8.4, "changes"; drbd-utils' drbdadm-84 parser normalises 8.3
input the same way, which tests/test_migrate_drbd.py checks file by file).
Everything else, comments and layout included, stays as it was. Where the
``syncer`` section can simply be renamed (its options all go to one section
that the resource does not have yet) it is renamed in place, so its comments
stay too.
"""

from __future__ import annotations

from collections import Counter

import attrs

from ..formats.drbd import FLAGS_TO_84, SYNCER_TO_84, DrbdDocument
from ..syntax.blocks import Block, Entry
from ..syntax.tree import Node
from . import Change, complete


@attrs.frozen
class DrbdConversion:
    """The 8.4 text of one drbd.conf (or included .res file) and what changed."""

    text: str
    changes: tuple[Change, ...]

    @property
    def complete(self) -> bool:
        return complete(self.changes)


@attrs.define
class _Converter:
    doc: DrbdDocument
    changes: list[Change] = attrs.Factory(list)

    def note(self, node: Node, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(self.doc.position(node)[0], key, severity, message))

    def run(self) -> DrbdConversion:
        for block in _walk(self.doc.children):
            self.syncer(block)
        for block in _walk(self.doc.children):
            self.spellings(block)
        return DrbdConversion(self.doc.dumps(), tuple(self.changes))

    def syncer(self, parent: Block) -> None:
        """Dissolve each ``syncer`` section of ``parent`` into 8.4's sections."""
        for syncer in list(parent.blocks("syncer")):
            moves: list[tuple[Entry, str, str]] = []
            for child in syncer.children:
                if not isinstance(child, Entry):
                    continue
                target = SYNCER_TO_84.get(child.key)
                if target is None:
                    self.note(
                        child,
                        child.key,
                        "action",
                        f"'{child.key}' has no DRBD 8.4 equivalent and is dropped: "
                        "check drbd.conf(5) of 8.4 for its replacement",
                    )
                    continue
                moves.append((child, *target))
            home = self.home(parent, moves)
            if home is not None:
                syncer.key = home
                self.note(syncer, "syncer", "info", f"'syncer' section renamed '{home}'")
            for entry, section, key in moves:
                if section == home:
                    if entry.key != key:
                        self.note(entry, entry.key, "info", f"'{entry.key}' is '{key}' in 8.4")
                        entry.key = key
                    continue
                dest = parent.block(section)
                if dest is None:
                    dest = Block(section)
                    parent.children.insert(parent.children.index(syncer) + 1, dest)
                dest.children.append(Entry(key, list(entry.values)))
                syncer.children.remove(entry)
                self.note(entry, entry.key, "info", f"'{entry.key}' moved to {section} as '{key}'")
            if home is None:
                leftover = [c for c in syncer.children if isinstance(c, Entry)]
                for entry in leftover:
                    syncer.children.remove(entry)
                parent.children.remove(syncer)
                self.note(syncer, "syncer", "info", "'syncer' section removed (DRBD 8.4 has none)")

    @staticmethod
    def home(parent: Block, moves: list[tuple[Entry, str, str]]) -> str | None:
        """The section the syncer block can become: where most of its options go,
        if ``parent`` has no such section yet."""
        counts = Counter(section for _, section, _ in moves)
        for section, _ in counts.most_common():
            if parent.block(section) is None:
                return section
        return None

    def spellings(self, block: Block) -> None:
        """8.3's negative flags and the outdate-peer handler, in 8.4's spelling."""
        for entry in block.entries():
            if block.key in ("disk", "net") and entry.key in FLAGS_TO_84:
                new = FLAGS_TO_84[entry.key]
                self.note(entry, entry.key, "info", f"'{entry.key}' is '{new} no' in 8.4")
                entry.key, entry.values = new, ["no"]
            elif block.key == "handlers" and entry.key == "outdate-peer":
                self.note(entry, entry.key, "info", "'outdate-peer' is 'fence-peer' in 8.4")
                entry.key = "fence-peer"


def _walk(children: list[Node]) -> list[Block]:
    """Every block, parents before children."""
    out: list[Block] = []
    for c in children:
        if isinstance(c, Block):
            out.append(c)
            out.extend(_walk(c.children))
    return out


def drbd_to_84(doc: DrbdDocument) -> DrbdConversion:
    """The DRBD 8.4 spelling of an 8.0-8.3 drbd.conf (8.4 input comes back unchanged)."""
    doc.dumps()  # a light document takes its tokens now, before the edits
    return _Converter(doc).run()
