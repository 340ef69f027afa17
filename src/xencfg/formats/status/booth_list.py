"""booth's tickets as the site's (or arbitrator's) boothd has them: ``booth list``
output: read-only.

One line per ticket of the daemon's configuration. booth 1.x (Raft, SLES 12+, RHEL
8+; src/ticket.c ``list_ticket``)::

    ticket: ticket-web, leader: 10.93.1.100, expires: 2026-12-07 18:04:11
    ticket: ticket-db, leader: NONE

``expires`` only while the ticket is granted (``is_owned``), `` [manual mode]`` after
a manual ticket; booth 0.x (Paxos, SLES 11 SP2-SP4) printed ``owner:`` instead of
``leader:``, ``None`` for no owner, and ``expires`` always (``, ballot: N`` after it in
0.2). A ticket marked granted at two sites adds, after the list, ``WARNING: The ticket
NAME is granted to multiple sites: A, B. Revoke the ticket from the faulty sites.``
Every other line (a message of the client, a prompt) is kept in ``unparsed``.
"""

from __future__ import annotations

import re

import attrs

from ._status import Record, StatusDocument, lines

FORMAT = "booth-list"

#: the words booth prints for "no leader": 1.x ``site_string(NULL)`` "NONE", 0.x "None"
NO_LEADER = frozenset({"none"})

_TICKET = re.compile(r"^ticket: (?P<name>[^,\s]+), (?:leader|owner): (?P<leader>[^,\s]+)")
_MULTIPLE = re.compile(r"^WARNING: The ticket (?P<name>\S+) is granted to multiple sites: ")


@attrs.define
class BoothTicket(Record):
    """One ticket: the site booth says holds it (``None``: none does)."""

    name: str
    leader: str | None = None
    expires: str | None = None
    manual: bool = False


@attrs.define(weakref_slot=False)
class BoothListDocument(StatusDocument):
    """Parsed ``booth list``."""

    format = FORMAT
    tickets: list[BoothTicket] = attrs.Factory(list)
    #: ticket -> the sites booth's warning says hold it at once
    multiple: dict[str, list[str]] = attrs.Factory(dict)

    def ticket(self, name: str) -> BoothTicket | None:
        """The ticket called ``name``, or ``None``."""
        return next((t for t in self.tickets if t.name == name), None)


def parse(text: str, path: str | None = None) -> BoothListDocument:
    """Parse the output (lenient: a line of another shape goes to ``unparsed``)."""
    doc = BoothListDocument(path=path, source=text)
    for no, ln in lines(text):
        line = ln.strip()
        m = _TICKET.match(line)
        if m is not None:
            leader = m["leader"]
            fields = dict(
                part.split(": ", 1) for part in line[m.end() :].split(", ") if ": " in part
            )
            expires = fields.get("expires")
            manual = line.endswith(" [manual mode]")
            if expires is not None:
                expires = expires.removesuffix(" [manual mode]").split(" (commit", 1)[0]
            doc.tickets.append(
                BoothTicket(
                    m["name"],
                    None if leader.lower() in NO_LEADER else leader,
                    expires,
                    manual,
                    line=no,
                )
            )
            continue
        w = _MULTIPLE.match(line)
        if w is not None:
            sites = line[w.end() :].split(". Revoke", 1)[0]
            doc.multiple[w["name"]] = [s.strip() for s in sites.split(",") if s.strip()]
            continue
        if line:
            doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    """A ``ticket: NAME, leader: ...`` (or 0.x ``owner:``) line near the top."""
    return re.search(r"^ticket: [^,\s]+, (?:leader|owner): ", text[:4096], re.M) is not None
