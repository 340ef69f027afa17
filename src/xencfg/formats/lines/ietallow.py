"""IET's access lists: initiators.allow, initiators.deny and targets.allow.

Each line is a target (an IQN, or ``ALL``) and a comma-separated list: of
addresses and networks (``192.168.0.0/16``, ``[3ffe:302::1]``,
``[3ffe:505:2:1::]/64``, ``ALL``) and, in initiators.allow, initiator
names or regexes (``iqn\\.1998-01\\.com\\.vmware:.*``). ``#`` starts a comment
only as a line's first word: after the target it is part of the list. For each
target ietd reads the first line that names it or ``ALL`` and no further (IET's
usr/plain.c), so :meth:`IetAllowDocument.rule` stops
there and :meth:`IetAllowDocument.unreachable` lists the lines it never gets to.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

import attrs

from ...errors import need_str
from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ._base import LineDocument, parser_for
from ._iqn import UPPER_CASE, iqn_problem

FORMAT = "iet-allow"
#: The lists ietd reads (IET 1.4 still reads initiators.deny, but deprecates it).
KINDS = ("initiators.allow", "initiators.deny", "targets.allow")
_LOOKS_IP = re.compile(r"^[\d.]+(/\d+)?$|^\[[0-9A-Fa-f:.]+\](/\d+)?$")


@attrs.frozen
class Peer:
    """One item of a line's list: ``kind`` is all, address, network or name."""

    text: str
    kind: str
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None


def parse_peer(text: str) -> Peer:
    if text.upper() == "ALL":
        return Peer(text, "all")
    if _LOOKS_IP.match(text):
        bare = text.replace("[", "").replace("]", "")
        try:
            net = ipaddress.ip_network(bare, strict=False)
        except ValueError:
            return Peer(text, "invalid")
        return Peer(text, "network" if "/" in text else "address", net)
    return Peer(text, "name")


@attrs.define(eq=False)
class Rule:
    """One line: the target it is about, and who may (or may not) reach it."""

    entry: Entry

    @property
    def target(self) -> str:
        return self.entry.key

    @property
    def all_targets(self) -> bool:
        return self.target.upper() == "ALL"

    @property
    def peers(self) -> list[Peer]:
        words = " ".join(self.entry.values)
        return [parse_peer(p.strip()) for p in words.split(",") if p.strip()]

    def admits(self, address: str) -> bool:
        """Whether an initiator at ``address`` matches this line's list."""
        ip = ipaddress.ip_address(address)
        return any(
            p.kind == "all" or (p.network is not None and ip in p.network) for p in self.peers
        )

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "peers": [p.text for p in self.peers]}


@attrs.define(weakref_slot=False)
class IetAllowDocument(LineDocument):
    """A parsed initiators.allow / initiators.deny / targets.allow."""

    format = FORMAT

    @property
    def rules(self) -> list[Rule]:
        return [Rule(e) for e in self.entries()]

    @property
    def kind(self) -> str | None:
        """Which list this is, by its file name: one of :data:`KINDS`, or ``None`` for
        text not read from such a file."""
        name = PurePath(self.path).name if self.path else None
        return name if name in KINDS else None

    def rule(self, target: str) -> Rule | None:
        """The line ietd applies to ``target``: its own, else the ``ALL`` line."""
        want = need_str(target, "rule(target)").lower()
        for r in self.rules:
            if r.all_targets or r.target.lower() == want:
                return r
        return None

    def unreachable(self) -> Iterator[tuple[Rule, Rule]]:
        """``(line, earlier)`` for each line ietd never reads: every line after the first
        ``ALL`` line (which answers for every target), and a target's second line."""
        seen: dict[str, Rule] = {}
        every: Rule | None = None
        for r in self.rules:
            if every is not None:
                yield r, every
            elif r.all_targets:
                every = r
            else:
                first = seen.setdefault(r.target.lower(), r)
                if first is not r:
                    yield r, first

    def add_rule(self, target: str, *peers: str) -> Rule:
        """Append ``TARGET PEER, PEER...`` (``ALL`` for every target); a word the file
        cannot hold is a ValidationError."""
        values = [f"{p}," for p in peers[:-1]] + list(peers[-1:])
        self.check(target, values)
        self.children.append(Entry(target, values))
        return self.rules[-1]

    def value_problems(self) -> Iterator[ValueProblem]:
        for r in self.rules:
            if not r.all_targets:
                problem = iqn_problem(r.target)
                if problem:
                    yield ValueProblem(
                        r.entry, f"target {r.target!r}: {problem}", harmless=problem == UPPER_CASE
                    )
            if not r.peers:
                yield ValueProblem(
                    r.entry, f"{r.target} lists nobody (write ALL to allow everyone)"
                )
            for p in r.peers:
                if p.kind == "invalid":
                    yield ValueProblem(r.entry, f"{p.text!r} is not an address or a network")
            spoilt = self._commented_item(r)
            if spoilt is not None:
                yield ValueProblem(
                    r.entry,
                    f"{r.target}: ietd reads '#' as a comment only at the start of a line, so"
                    f" {spoilt!r} is one item of the list, which is no address and no initiator"
                    " name: the line does not match whom it names; put the comment on a line"
                    " of its own",
                )

    def _commented_item(self, r: Rule) -> str | None:
        """The list item a ``#`` after the target falls in: IET's usr/plain.c ``match``
        skips a line only when its first word starts with ``#``, cuts the rest at
        commas (``__match``) and compares each item whole with ``ALL``, as an
        initiator regex and with getaddrinfo(AI_NUMERICHOST)."""
        row, _ = self.position(r.entry)
        line = (self.source or "").split("\n")[row - 1] if row > 0 else ""
        words = line.split(None, 1)
        if len(words) < 2 or "#" not in words[1]:
            return None
        return next(p for p in words[1].split(",") if "#" in p).strip()

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"format": FORMAT, "rules": [r.to_dict() for r in self.rules]}


parse = parser_for(IetAllowDocument)
