"""IET's target side as the kernel module shows it: ``/proc/net/iet/volume`` and
``/proc/net/iet/session`` (iSCSI Enterprise Target 0.4 to 1.4): read-only.

Both list every target the module holds, ``tid:%u name:%s`` (kernel/config.c
``iet_info_show``), each followed by its LUNs (volume: ``\\tlun:%u state:%x
iotype:%s``, then `` iomode:ro|wb|wt`` from 0.4.15, `` blocks:%llu blocksize:%u``
in 1.4.20, and the iotype's `` path:%s``: kernel/volume.c
``iet_volume_info_show``, file-io.c / block-io.c ``*_show``) or its sessions
(session: ``\\tsid:%llu initiator:%s`` then one ``\\t\\tcid:%u ip:%s state:%s
hd:%s dd:%s`` per connection: kernel/session.c ``iet_session_info_show``,
conn.c ``conn_info_show``). One model for both files; what a file does not hold
is empty (a volume file has no sessions).
"""

from __future__ import annotations

import re

import attrs

from ._status import Record, StatusDocument, lines, misplaced, number

FORMAT = "iet-proc"

_TID = re.compile(r"^tid:(?P<tid>\d{1,20})\s+name:(?P<name>\S+)\s*$")
_LUN = re.compile(
    r"^\s+lun:(?P<lun>\d{1,20})\s+state:(?P<state>\S+)\s+iotype:(?P<iotype>\S+)(?P<rest>.*)$"
)
_SID = re.compile(r"^\s+sid:(?P<sid>\d{1,20})\s+initiator:(?P<initiator>\S+)\s*$")
_CID = re.compile(r"^\s+cid:(?P<cid>\d{1,20})\s+ip:(?P<ip>\S+)\s+state:(?P<state>.*)$")
_IOMODE = re.compile(r"\siomode:(?P<iomode>\S+)")


@attrs.define
class Volume(Record):
    """A LUN the target exports (``state`` 0 is running, kernel IDEV_RUNNING)."""

    lun: int
    state: str
    iotype: str
    iomode: str | None = None
    path: str | None = None


@attrs.define
class Connection(Record):
    """One TCP connection of a session: the initiator's address as the socket has it."""

    cid: int
    ip: str
    state: str

    @property
    def address(self) -> str:
        """``ip`` without the brackets IET puts around an IPv6 address."""
        return self.ip[1:-1] if self.ip.startswith("[") and self.ip.endswith("]") else self.ip


@attrs.define
class Session(Record):
    """An initiator logged in to the target."""

    sid: int
    initiator: str
    connections: list[Connection] = attrs.Factory(list)


@attrs.define
class Target(Record):
    """A target the running ietd set up in the kernel."""

    tid: int
    name: str
    volumes: list[Volume] = attrs.Factory(list)
    sessions: list[Session] = attrs.Factory(list)


@attrs.define(weakref_slot=False)
class IetProcDocument(StatusDocument):
    """Parsed /proc/net/iet/volume or /proc/net/iet/session."""

    format = FORMAT
    targets: list[Target] = attrs.Factory(list)

    @property
    def kind(self) -> str | None:
        """``volume`` or ``session`` by the lines under the targets, ``None`` when no
        target has any (both files look the same then)."""
        if any(t.volumes for t in self.targets):
            return "volume"
        if any(t.sessions for t in self.targets):
            return "session"
        return None


def _cid(line: str) -> re.Match[str] | None:
    """A connection line, its ``state:`` what stands before `` hd:X dd:Y`` (the two
    digest words end the line: kernel/conn.c ``conn_info_show``)."""
    words = line.rsplit(None, 2)
    if len(words) < 3 or not words[1].startswith("hd:") or not words[2].startswith("dd:"):
        return None
    return _CID.match(words[0])


def parse(text: str, path: str | None = None) -> IetProcDocument:
    """Parse either file; raises :class:`xencfg.ParseError` for a LUN or session line
    before any ``tid:`` line, and a connection line before any session."""
    doc = IetProcDocument(path=path, source=text)
    target: Target | None = None
    session: Session | None = None
    for no, ln in lines(text):
        if not ln.strip():
            continue
        if m := _TID.match(ln):
            tid = number(m["tid"])
            target = Target(tid if tid is not None else 0, m["name"], line=no)
            doc.targets.append(target)
            session = None
            continue
        # (on the line without its trailing blanks: a pattern ending in ``.*?\s*$`` is
        # quadratic on a long run of blanks)
        ln = ln.rstrip()
        m = _LUN.match(ln) or _SID.match(ln) or _cid(ln)
        if m is None:
            doc.unparsed.append((no, ln))
            continue
        groups = m.groupdict()
        if target is None:
            raise misplaced(
                "a LUN, session or connection line before any 'tid:N name:IQN' line",
                text,
                path,
                no,
                ln,
            )
        if "lun" in groups:
            rest = groups["rest"]
            mode = _IOMODE.search(rest)
            at = rest.find(" path:")
            path_ = rest[at + len(" path:") :].strip() if at >= 0 else None
            target.volumes.append(
                Volume(
                    number(m["lun"]) or 0,
                    m["state"],
                    m["iotype"],
                    mode["iomode"] if mode else None,
                    path_ or None,
                    line=no,
                )
            )
        elif "sid" in groups:
            session = Session(number(m["sid"]) or 0, m["initiator"], line=no)
            target.sessions.append(session)
        else:
            if session is None:
                raise misplaced(
                    "a connection line ('cid:') before its session's 'sid:' line",
                    text,
                    path,
                    no,
                    ln,
                )
            session.connections.append(
                Connection(number(m["cid"]) or 0, m["ip"], m["state"].strip(), line=no)
            )
    return doc


def sniff(text: str) -> bool:
    """A ``tid:N name:IQN`` line first (blank lines aside)."""
    first = next((ln for ln in text[:4096].split("\n") if ln.strip()), "")
    return _TID.match(first.rstrip("\r")) is not None
