"""iscsid.conf to the keys of open-iscsi 2.1, as edits of the lossless tree.

open-iscsi 2.0-7xx spelled connection keys ``node.cnx[N]`` and called the LU
reset timeout ``reset_timeout``; linux-iscsi's iscsi.conf (SLES 9, RHEL 4) had
``first_burst``, ``hdrdgst_en = 1``... open-iscsi 2.1's iscsid reads none of them:
iscsiadm's node record (``iscsiadm -m node -T IQN -p PORTAL``) shows its own
defaults instead. This rewrite renames each key (:func:`.keywords.iscsid_carry`),
turns linux-iscsi's ``0``/``1`` into ``No``/``Yes`` (``None``/``CRC32C`` for
digests), and drops with a report line what has no key any more (the initiator
name belongs in initiatorname.iscsi, targets in node records). A renamed key the
file already sets is written once, at the later line (iscsid reads the last).
"""

from __future__ import annotations

import attrs

from ..formats.lines.iscsid import IscsidDocument
from ..syntax.blocks import Entry
from . import Change
from .keywords import ISCSID_TARGET, iscsid_carry, iscsid_value
from .multipath import KeywordConversion, drop_keeping_comments


@attrs.define
class _Converter:
    doc: IscsidDocument
    changes: list[Change] = attrs.Factory(list)

    def note(self, entry: Entry, key: str, severity: str, message: str) -> None:
        self.changes.append(Change(self.doc.position(entry)[0], key, severity, message))

    def run(self) -> KeywordConversion:
        renamed: set[str] = set()
        for entry in list(self.doc.entries()):
            carry = iscsid_carry(entry.key)
            if carry is None:
                continue
            old = entry.key
            if carry.new is None:
                self.note(entry, old, carry.severity, f"'{old}' dropped: {carry.why}")
                drop_keeping_comments(self.doc, entry)
                continue
            value = entry.values[0] if entry.values else ""
            new_value = iscsid_value(carry.new, value)
            what = f"'{old}' is '{carry.new}' ({carry.why})"
            if new_value != value:
                what += f"; value {value} is {new_value}"
                entry.values = [new_value]
            self.note(entry, old, "info", what)
            entry.key = carry.new
            renamed.add(carry.new)
        for key in sorted(renamed):
            same = self.doc.entries(key)
            for entry in same[:-1]:
                self.note(entry, key, "info", f"'{key}' is set again below (iscsid reads the last)")
                drop_keeping_comments(self.doc, entry)
        return KeywordConversion(self.doc.dumps(), tuple(self.changes))


def iscsid_to_current(doc: IscsidDocument) -> KeywordConversion:
    """``doc`` with the keys of open-iscsi 2.1 (edited in place) and the report."""
    doc.dumps()  # a light document takes its tokens now, before the edits
    return _Converter(doc).run()


__all__ = ["ISCSID_TARGET", "iscsid_to_current"]
