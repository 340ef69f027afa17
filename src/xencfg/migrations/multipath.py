"""multipath.conf to the keywords of multipath-tools 0.9, as edits of the lossless tree.

multipath-tools 0.9 ignores every keyword it does not know ("invalid keyword in
the defaults section: default_selector", "ignoring deprecated option
getuid_callout"), so an old file silently loses its settings. This rewrite:

* renames the old spellings (``default_selector`` -> ``path_selector``,
  ``default_features`` -> ``features``, ``selector``, ``dev_loss``, the
  ``devnode_blacklist`` section, ...: :data:`.keywords.MULTIPATH`);
* turns ``getuid_callout``/``default_getuid_callout`` that ran ``scsi_id -g -u``
  into ``uid_attribute "ID_SERIAL"`` and ``prio_callout``/``default_prio_callout``
  into the prioritizer of the same name (``mpath_prio_alua %n`` -> ``prio "alua"``);
  other callouts cannot be carried: dropped, with a TODO line;
* drops, with a report line, what 0.9 has no use for (``udev_dir``,
  ``multipath_tool``, ...), keywords in a section that does not read them
  (``path_checker`` in a ``multipath``), and words no release knew (``prior_callout``):
  multipath ignored those before as well, so dropping them changes nothing it does.

A renamed keyword the section already sets is written once, at the later line,
which is the one old multipath-tools used (both spellings set the same field).
Everything else stays byte for byte. ``multipath -t`` prints the same merged
configuration for the output as for the input except for the renamed settings,
which it now reads (tests/test_migrate_initiator.py checks the corpus).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import regex
from ..formats.multipath import MultipathDocument
from ..suggest import suggest
from ..syntax.blocks import Block, Entry
from ..syntax.tree import Node
from . import Change, complete, give_comments, take_comments
from .keywords import (
    MULTIPATH,
    MULTIPATH_ALIASES,
    MULTIPATH_TARGET,
    multipath_allowed,
    multipath_newer,
    multipath_places,
    prio_for,
    uid_attribute_for,
)

#: the sections whose ``devnode``/``wwid`` lines are regexes (regcomp(3))
BLACKLISTS = ("blacklist", "blacklist_exceptions", "devnode_blacklist")
#: ``[[0-9]*]``: a bracket expression opened twice and closed after its quantifier
NESTED_BRACKET = re.compile(r"\[\[([^\[\]]+)\]([*+?]?)\]")


@attrs.frozen
class KeywordConversion:
    """One file rewritten to today's keywords, and what changed."""

    text: str
    changes: tuple[Change, ...]
    #: the settings the daemon now reads that it ignored before: ``(section, key, value)``
    #: (``section``: the innermost section's name, e.g. ``defaults``, ``device``; a
    #: renamed section is ``("", name, "")``)
    written: tuple[tuple[str, str, str], ...] = ()

    @property
    def complete(self) -> bool:
        return complete(self.changes)


@attrs.define
class _Converter:
    doc: MultipathDocument
    changes: list[Change] = attrs.Factory(list)
    written: list[tuple[str, str, str]] = attrs.Factory(list)

    def note(self, node: Node, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(self.doc.position(node)[0], key, severity, message))

    def run(self) -> KeywordConversion:
        self.visit(self.doc, ())
        return KeywordConversion(self.doc.dumps(), tuple(self.changes), tuple(self.written))

    def visit(self, parent: MultipathDocument | Block, context: tuple[str, ...]) -> None:
        renamed: set[str] = set()
        allowed = multipath_allowed(context)
        for child in list(parent.children):
            key = getattr(child, "key", None)
            if not isinstance(child, (Entry, Block)) or key is None:
                continue
            alias = MULTIPATH_ALIASES.get(key)
            if alias is not None and allowed is not None and alias.new in allowed:
                self.note(child, key, "info", f"'{key}' is '{alias.new}' ({alias.why})")
                child.key = key = str(alias.new)
                renamed.add(key)
            elif allowed is not None and key not in allowed:
                new = self.carry(parent, child, key, allowed)
                if new is not None:
                    renamed.add(new)
                    section = context[-1] if context else ""
                    value = " ".join(child.values) if isinstance(child, Entry) else ""
                    self.written.append((section, new, value))
                    key = new
                else:
                    continue
            if isinstance(child, Block):
                self.visit(child, (*context, key))
            elif context and context[-1] in BLACKLISTS and key in ("devnode", "wwid"):
                self.check_regex(child)
        for key in sorted(renamed):
            self.dedupe(parent, key)

    def carry(
        self, parent: MultipathDocument | Block, node: Entry | Block, key: str, allowed: frozenset
    ) -> str | None:
        """Rewrite or drop one keyword the section does not read; its new name, if kept."""
        carry = MULTIPATH.get(key)
        if carry is not None and carry.new is not None and carry.new in allowed:
            if carry.how == "rename":
                self.note(node, key, "info", f"'{key}' is '{carry.new}' ({carry.why})")
                node.key = carry.new
                return carry.new
            if isinstance(node, Entry):
                return self.carry_callout(parent, node, key, carry.how)
        if carry is not None and carry.how == "drop":
            self.drop(parent, node, key, carry.severity, f"'{key}' dropped: {carry.why}")
            return None
        places = multipath_places(key)
        new = carry.new if carry is not None else None
        if places or new is not None:
            where = ", ".join(multipath_places(new) if new else places)
            spelled = f" (as '{new}')" if new and new != key else ""
            self.drop(
                parent,
                node,
                key,
                "warning",
                f"'{key}' dropped: multipath reads it{spelled} only in {where}, never here, "
                "so it had no effect; set it there if it was meant",
            )
            return None
        if multipath_newer(key):
            self.note(node, key, "warning", f"'{key}' is newer than multipath-tools 0.9.4: kept")
            return None
        hint = suggest(key, (allowed or frozenset()) | MULTIPATH.keys())
        mean = f" (did you mean '{hint}'?)" if hint else ""
        self.drop(
            parent,
            node,
            key,
            "action",
            f"'{key}' dropped: no multipath-tools release reads it{mean}, so multipath "
            "ignored it; write the setting that was meant",
        )
        return None

    def carry_callout(
        self, parent: MultipathDocument | Block, node: Entry, key: str, how: str
    ) -> str | None:
        """A callout program becomes the built-in that replaced it (``uid_attribute`` for
        scsi_id, ``prio`` for a priority program), or is dropped with what to do instead;
        the new keyword, if kept."""
        callout = " ".join(node.values)
        if how == "uid-callout":
            value, why = uid_attribute_for(callout)
            new, severity = "uid_attribute", "warning" if why else "info"
            kept = (
                f"'{key} \"{callout}\"' is 'uid_attribute \"{value}\"' (udev's "
                f"60-persistent-storage.rules stores scsi_id's answer as {value}){why}"
            )
            dropped = (
                f"'{key} \"{callout}\"' cannot be carried: {why}; {MULTIPATH_TARGET} "
                "reads a WWID only from a udev property (uid_attribute): write a udev "
                "rule that sets one from this program, or check that ID_SERIAL gives "
                "the same WWIDs (multipath -ll)"
            )
        else:
            value = prio_for(callout)
            new, severity = "prio", "info"
            kept = (
                f"'{key} \"{callout}\"' is 'prio \"{value}\"' (the built-in "
                "prioritizer that replaced the program)"
            )
            dropped = (
                f"'{key} \"{callout}\"' cannot be carried: {MULTIPATH_TARGET} runs no "
                "priority programs; choose a built-in prioritizer (prio, prio_args: "
                "multipath.conf(5)) for these paths"
            )
        if value is None:
            self.drop(parent, node, key, "action", dropped)
            return None
        self.note(node, key, severity, kept)
        node.key, node.values = new, [value]
        return new

    def check_regex(self, node: Entry) -> None:
        """A blacklist regex that cannot match what it means (lint MP001): the nested
        bracket of the old example ``^hd[a-z][[0-9]*]`` (a literal ']' after ``[[0-9]*``:
        IDE disks were never blacklisted) is written as meant, ``[0-9]*``; another is a
        TODO."""
        pattern = node.value or ""
        if not regex.problems(pattern):
            return
        fixed = NESTED_BRACKET.sub(r"[\1]\2", pattern)
        if fixed != pattern and not regex.problems(fixed):
            self.note(
                node,
                node.key,
                "info",
                f"'{pattern}' is '{fixed}': '[[...]' is one bracket expression and the last "
                "']' a literal, so the old pattern matched only names holding ']' (regcomp(3));"
                " the new one blacklists the devices it names",
            )
            node.values = [fixed]
            self.written.append(("", "blacklist", ""))  # (the blacklist multipath -t lists)
            return
        said = "; ".join(regex.problems(pattern))
        self.note(node, node.key, "action", f"'{pattern}' kept: {said}: write the pattern meant")

    def drop(
        self,
        parent: MultipathDocument | Block,
        node: Entry | Block,
        key: str,
        severity: str,
        message: str,
    ) -> None:
        self.note(node, key, severity, message)
        drop_keeping_comments(parent, node)

    def dedupe(self, parent: MultipathDocument | Block, key: str) -> None:
        """Keep the last of several ``key`` lines in one section (the one old releases
        read: both spellings set the same field)."""
        if isinstance(parent, MultipathDocument):
            return  # sections: multipath merges repeated ones
        same = [c for c in parent.children if isinstance(c, Entry) and c.key == key]
        for entry in same[:-1]:
            self.note(
                entry,
                key,
                "info",
                f"'{key}' is set again below (old releases read the later line): this one dropped",
            )
            drop_keeping_comments(parent, entry)


def drop_keeping_comments(parent: Any, node: Node) -> None:
    """Remove ``node`` from ``parent``; the comments on and above it go above the node
    that follows (else the one before, else the section), so no comment is lost."""
    comments = take_comments(node)
    siblings = [c for c in parent.children if c.cst is not None]
    i = next((k for k, c in enumerate(siblings) if c is node), 0)
    others = siblings[i + 1 :] + siblings[:i][::-1]
    parent.children[:] = [c for c in parent.children if c is not node]
    give_comments(others[0] if others else parent, comments)


def multipath_to_current(doc: MultipathDocument) -> KeywordConversion:
    """``doc`` with the keywords of multipath-tools 0.9 (edited in place) and the report."""
    doc.dumps()  # a light document takes its tokens now, before the edits
    return _Converter(doc).run()
