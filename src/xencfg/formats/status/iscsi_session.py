"""``iscsiadm -m session -P 3`` (and the one-line ``iscsiadm -m session``):
read-only.

Per ``Target: IQN`` block: the portals, the interface's initiator name and
address, ``SID``, the connection and session states and the attached SCSI
disks (``scsi3 Channel 00 Id 0 Lun: 1`` then ``Attached scsi disk sdb State:
running``). The short form ``tcp: [1] 10.0.0.1:3260,1 iqn... (non-flash)``
gives the target, portal and SID. ``iscsiadm: No active sessions.`` is an
empty document.
"""

from __future__ import annotations

import re

import attrs

from ._status import Record, StatusDocument, lines, misplaced, number

FORMAT = "iscsi-session"

_TARGET = re.compile(r"^\s*Target:\s*(?P<iqn>\S+)")
_SHORT = re.compile(r"^\s*(?P<tr>\w+):\s+\[(?P<sid>\d{1,20})\]\s+(?P<portal>\S+)\s+(?P<iqn>\S+)")
#: (matched on the line without trailing blanks: ``.*?\s*$`` took time quadratic in a
#: run of blanks inside the value)
_FIELD = re.compile(r"^\s*(?P<key>[A-Za-z][\w ]*?):\s*(?P<value>.*)$")
_LUN = re.compile(r"^\s*scsi(?P<host>\d+)\s+Channel\s+\d+\s+Id\s+\d+\s+Lun:\s*(?P<lun>\d{1,20})")
_DISK = re.compile(r"^\s*Attached scsi disk\s+(?P<dev>\S+)\s+State:\s*(?P<state>\S+)")


@attrs.define
class Lun:
    """A LUN of the session and the disk it appears as."""

    lun: int
    disk: str | None = None
    state: str | None = None


@attrs.define
class Session(Record):
    """One logged-in (or trying) session to a target portal."""

    target: str
    portal: str | None = None
    sid: int | None = None
    initiator: str | None = None
    iface_address: str | None = None
    connection_state: str | None = None
    session_state: str | None = None
    luns: list[Lun] = attrs.Factory(list)

    @property
    def logged_in(self) -> bool:
        """LOGGED_IN, or no state shown (the short form lists live sessions only). A
        session state iscsiadm could not read from sysfs (``Unknown``, kernels before
        the attribute, open-iscsi session.c) falls back to the connection state
        (``LOGGED IN``)."""
        if self.session_state in (None, "Unknown"):
            return self.connection_state in (None, "LOGGED IN")
        return self.session_state == "LOGGED_IN"


@attrs.define(weakref_slot=False)
class IscsiSessionDocument(StatusDocument):
    """Parsed ``iscsiadm -m session`` output."""

    format = FORMAT
    sessions: list[Session] = attrs.Factory(list)


_KEYS = {
    "Current Portal": "portal",
    "Iface Initiatorname": "initiator",
    "Iface IPaddress": "iface_address",
    "iSCSI Connection State": "connection_state",
    "iSCSI Session State": "session_state",
}


def parse(text: str, path: str | None = None) -> IscsiSessionDocument:
    """Parse the output; raises :class:`xencfg.ParseError` for session details before
    any ``Target:`` line."""
    doc = IscsiSessionDocument(path=path, source=text)
    cur: Session | None = None
    for no, ln in lines(text):
        if not ln.strip() or set(ln.strip()) <= {"*"}:
            continue
        if m := _SHORT.match(ln):
            doc.sessions.append(Session(m["iqn"], m["portal"], int(m["sid"]), line=no))
            cur = None
            continue
        if m := _TARGET.match(ln):
            cur = Session(m["iqn"], line=no)
            doc.sessions.append(cur)
            continue
        m = _LUN.match(ln) or _DISK.match(ln) or _FIELD.match(ln.rstrip())
        if m is None:
            doc.unparsed.append((no, ln))
            continue
        key = m.groupdict().get("key")
        if key in ("iSCSI Transport Class version", "version"):
            continue
        if cur is None:
            if key is None or key in _KEYS or key == "SID":
                raise misplaced("session detail before any 'Target:' line", text, path, no, ln)
            doc.unparsed.append((no, ln))
            continue
        if "lun" in m.groupdict():
            cur.luns.append(Lun(int(m["lun"])))
        elif "dev" in m.groupdict():
            if cur.luns:
                cur.luns[-1].disk, cur.luns[-1].state = m["dev"], m["state"]
        elif key == "SID":
            cur.sid = number(m["value"]) if m["value"].isdigit() else None
        elif key in _KEYS:
            if key == "Current Portal" and cur.portal is not None:
                # a second portal of the same target: its own session
                cur = Session(cur.target, line=no)
                doc.sessions.append(cur)
            value = m["value"]
            setattr(cur, _KEYS[key], None if value == "<empty>" else value)
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    if "No active sessions" in head:  # iscsiadm's answer when there are none
        return True
    return ("Target:" in head and "SID:" in head) or re.search(
        r"^\w+: \[\d+\] \S+,\d+ iqn\.", head, re.M
    ) is not None
