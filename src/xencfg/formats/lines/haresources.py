"""heartbeat 1's haresources: the resource groups and the node each one prefers.

Each logical line is ``NODE RESOURCE...``: the node that runs the group when it is
up, then the resources, started left to right and stopped right to left. A line
ending in ``\\`` goes on on the next one (only a ``\\`` right before the newline:
heartbeat's parse_ha_resources tests ``buf[strlen(buf)-2]``, so blanks, a comment or a
CR after it end the line there, and the next line must start with a node name). A
resource is a script of /etc/ha.d/resource.d or /etc/init.d, with its arguments after ``::``
(``Filesystem::/dev/drbd0::/data::ext3``); a bare IP address is short for
``IPaddr::ADDRESS`` (heartbeat's ResourceManager). ``#`` starts a comment anywhere,
so the shared ``lines`` grammar parses the file.

heartbeat's haresources2cib.py read two extensions from comments, which this model
gives too: a last word ``#ID`` names the group (``#clone:ID`` makes a clone), and
``#rsc_order A ACTION TYPE B`` / ``#rsc_colocation A B SCORE`` lines add constraints.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import attrs

from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ._base import LineDocument, parser_for

FORMAT = "haresources"

#: An IPv4 address, with haresources' optional ``/bits/nic/broadcast`` tail.
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(/|$)")


def _continues_into(line_no: int, lines: list[str]) -> int:
    """The physical line a ``\\`` at the end of line ``line_no`` continues into:
    the next one, whatever it holds (config.c parse_ha_resources reads it with
    ``fgets`` and ResourceManager's sed joins it before any comment is cut), past
    comment or empty lines that end in ``\\`` themselves."""
    nxt = line_no + 1
    while nxt <= len(lines) and lines[nxt - 1].endswith("\\"):
        if lines[nxt - 1].split("#", 1)[0].strip():
            break  # (a line with words: its entry joins the group)
        nxt += 1
    return nxt


@attrs.frozen
class Resource:
    """One resource of a group, as written (``spec``) and as heartbeat reads it."""

    spec: str

    @property
    def type(self) -> str:
        """The script: ``IPaddr`` for a bare address, else the part before ``::``."""
        if "::" not in self.spec and _IP.match(self.spec):
            return "IPaddr"
        return self.spec.split("::", 1)[0]

    @property
    def args(self) -> list[str]:
        """The script's arguments: the ``::``-separated rest (an IPaddr's one
        ``ADDRESS/BITS/NIC/BROADCAST`` argument stays whole, as heartbeat passes it)."""
        if "::" not in self.spec:
            return [self.spec] if _IP.match(self.spec) else []
        rest = self.spec.split("::", 1)[1]
        if self.type.startswith("IPaddr"):
            return [rest]
        return rest.split("::")


@attrs.frozen
class Group:
    """One logical line: the preferred node and its resources."""

    node: str
    resources: tuple[Resource, ...]
    #: the physical lines (more than one where ``\\`` continued it)
    entries: tuple[Entry, ...] = attrs.field(eq=False, repr=False)
    #: haresources2cib's ``#ID`` (or ``#clone:ID``) at the end of the line
    name: str | None = None

    @property
    def clone(self) -> bool:
        return bool(self.name and self.name.startswith("clone:"))


@attrs.define(weakref_slot=False)
class HaresourcesDocument(LineDocument):
    """A parsed haresources file."""

    format = FORMAT

    @property
    def groups(self) -> list[Group]:
        """The logical lines in file order (continuations joined)."""
        out: list[Group] = []
        lines = self.source.split("\n") if self.source else []
        pending: list[Entry] = []
        into = 0  # the physical line the pending group continues into
        for e in self.entries():
            line_no = self.position(e)[0]
            if pending and line_no != into:
                # a comment or an empty line took the continuation: the group ended there
                out.append(self._group(pending, lines))
                pending = []
            pending.append(e)
            if self._continued(e, lines):
                into = _continues_into(line_no, lines)
                continue
            out.append(self._group(pending, lines))
            pending = []
        if pending:  # a last line that ends in a backslash
            out.append(self._group(pending, lines))
        return out

    def start_checked(self, group: Group) -> bool:
        """Whether heartbeat's start-up check reads ``group``'s first word as a node:
        config.c parse_ha_resources skips comment and empty lines, checks the first
        word of any other, then ``fgets`` on while the raw line ends in ``\\``, a
        ``\\`` inside a comment too (ResourceManager cuts the comment first, so there
        the next line is a group of its own, which the check never saw)."""
        lines = self.source.split("\n") if self.source else []
        checked: set[int] = set()
        at = 0
        while at < len(lines):
            raw = lines[at]
            at += 1
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            checked.add(at)
            while raw.endswith("\\") and at < len(lines):
                raw = lines[at]
                at += 1
        return self.position(group.entries[0])[0] in checked

    def cut_continuations(self) -> list[tuple[Group, int]]:
        """Groups that start right after a comment or an empty line which a ``\\``
        took as its continuation, with that line's number: the writer meant the group
        to go on, heartbeat reads a new group whose first word is a node name."""
        lines = self.source.split("\n") if self.source else []
        out = []
        for before, group in itertools.pairwise(self.groups):
            last = self.position(before.entries[-1])[0]
            if not self._continued(before.entries[-1], lines):
                continue
            eaten = _continues_into(last, lines)
            if self.position(group.entries[0])[0] == eaten + 1:
                out.append((group, eaten))
        return out

    def _continued(self, entry: Entry, lines: list[str]) -> bool:
        """Whether heartbeat reads the next line as part of ``entry``'s: its physical
        line ends in ``\\`` with nothing after it but the newline (config.c
        parse_ha_resources, ``while (buf[strlen(buf)-2]=='\\\\')``)."""
        if not [entry.key, *entry.values][-1].endswith("\\"):
            return False
        line_no = self.position(entry)[0]
        return not (0 < line_no <= len(lines)) or lines[line_no - 1].endswith("\\")

    def _group(self, entries: list[Entry], lines: list[str]) -> Group:
        words: list[str] = []
        for e in entries:
            for w in (e.key, *e.values):
                w = w[:-1] if w.endswith("\\") else w
                if w:
                    words.append(w)
        name = None
        line_no = self.position(entries[-1])[0]
        if 0 < line_no <= len(lines):
            comment = lines[line_no - 1].partition("#")[2].split()
            if len(comment) == 1:
                name = comment[0]
        node = words[0] if words else ""
        return Group(node, tuple(Resource(w) for w in words[1:]), tuple(entries), name)

    @property
    def constraints(self) -> list[tuple[int, list[str]]]:
        """haresources2cib's ``#rsc_order``/``#rsc_colocation`` lines: (line, words)."""
        out = []
        for number, line in enumerate((self.source or "").splitlines(), start=1):
            words = line.split()
            if words and words[0] in ("#rsc_order", "#rsc_colocation"):
                out.append((number, words))
        return out

    def value_problems(self) -> list[ValueProblem]:
        """Lines that look unfinished: a node with no resource, a last line that asks
        for a continuation. heartbeat starts with both (3.0.6 run on each, helper hb5:
        config.c parse_ha_resources takes the line as it stands), so lint warns. A
        continuation a comment or an empty line cut short starts a group whose first
        word heartbeat takes for a node: it refuses to start unless ha.cf names that
        node (HB001 says so where the tree holds ha.cf), so lint warns here too."""
        out: list[ValueProblem] = []
        groups = self.groups
        for g in groups:
            if not g.resources:
                out.append(
                    ValueProblem(g.entries[0], f"node {g.node} has no resource", harmless=True)
                )
        lines = self.source.split("\n") if self.source else []
        for group, eaten in self.cut_continuations():
            held = "a comment" if eaten <= len(lines) and lines[eaten - 1].strip() else "empty"
            out.append(
                ValueProblem(
                    group.entries[0],
                    f"line {eaten} is {held}, "
                    "yet the line before ends in a backslash: heartbeat takes it as the "
                    f"continuation and ends the group there, so this line starts a group of "
                    f"its own and heartbeat reads {group.node!r} as a node name",
                    harmless=True,
                )
            )
        for g in groups:
            if not self.start_checked(g):
                out.append(
                    ValueProblem(
                        g.entries[0],
                        "the line before ends in a backslash inside its comment: heartbeat's"
                        " start-up check reads this line as its continuation, ResourceManager"
                        " (which cuts the comment first) as a group of its own for node"
                        f" {g.node!r}, which no node runs",
                        harmless=True,
                    )
                )
        if groups:
            last = groups[-1].entries[-1]
            if self._continued(last, lines):
                out.append(
                    ValueProblem(
                        last,
                        "the last line ends in a backslash: nothing continues it",
                        harmless=True,
                    )
                )
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "groups": [
                {
                    "node": g.node,
                    "name": g.name,
                    "resources": [
                        {"spec": r.spec, "type": r.type, "args": r.args} for r in g.resources
                    ],
                }
                for g in self.groups
            ],
        }


parse = parser_for(HaresourcesDocument)
