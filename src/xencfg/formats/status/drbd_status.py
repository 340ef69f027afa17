"""DRBD state: ``drbdadm status`` / ``drbdsetup status`` text and ``drbdsetup
status --json`` (DRBD 9), ``drbdadm status`` XML and ``drbd-overview`` (DRBD 8):
read-only.

The text form (drbd-utils ``drbdsetup status``, also what ``drbdadm status``
prints) is one block per resource::

    r0 role:Primary
      disk:UpToDate
      peer role:Secondary
        replication:Established peer-disk:UpToDate

A resource line starts in column 1 (``NAME role:... key:value...``; other
lines there are messages, kept in ``unparsed``); a line indented
once is a local volume (``[volume:N] disk:...``) or a connection (``PEER
[role:..] [connection:..]``, its first word has no colon); a line indented
twice is a peer volume (``[volume:N] replication:.. peer-disk:..``). A
connection shown without ``connection:`` is Connected (drbdsetup prints the
state only when it is not). Both forms give the same model,
:class:`DrbdStatusDocument`; rules do not care which one was captured.

DRBD 8.3/8.4's ``drbdadm status`` prints XML instead (drbdadm's
``adm_status_xml``: ``<drbd-status version=.. api=..>`` around one
``<resource minor=.. name=.. cs=.. ro1=.. ro2=.. ds1=.. ds2=.. />`` per
device, from drbdsetup's ``status_xml_scmd``; 8.4 adds ``volume=``). It is
read line by line, not as XML: drbdsetup writes flags such as ``suspended``
as bare words. Each device is a volume of its resource and of one
connection (``cs`` its state, ``ro2``/``ds2`` the peer's); a device
``cs="Unconfigured"`` is not up and not listed.

DRBD 8's ``drbd-overview`` (drbd-overview.pl) gives the same model: one line per
device, ``MINOR:RESOURCE[/VOL] CS ROLE/PEER-ROLE DISK/PEER-DISK [PROTO] FLAGS ...``.
drbd-utils 9's drbd-overview abbreviates the states (``Secondar/Primary``,
``UpToDa``): its lines are not read (kept in ``unparsed``), and say nothing.

DRBD 8's init script (``/etc/init.d/drbd status``, which supportconfig's
check_service logs in drbd.txt up to supportutils 3.0: SLES 10 and 11 keep no
other DRBD state) prints the same rows under a preamble: ``drbd driver loaded OK;
device status:``, /proc/drbd's first two lines, then ``m:res cs ro ds p mounted
fstype`` (``st`` before 8.3) and one row per configured device (its
drbd_pretty_status drops the ``Unconfigured`` ones). A table with no row, or the
script's ``drbd not loaded`` (no /proc/drbd), says no resource is up.
"""

from __future__ import annotations

import json
import re
from sys import intern
from typing import Any

import attrs

from ._status import Record, StatusDocument, fail, first_col, lines

FORMAT = "drbd-status"

#: (a key starts at a word's start: tried inside a long word too, it was quadratic)
_KV = re.compile(r"(?<![\w-])([\w-]+):(\S*)")


@attrs.define
class LocalVolume:
    """A volume of the resource on this node: its disk state (and minor, from JSON);
    DRBD 9's quorum (``quorum:no``, printed only when lost or with ``-v``; JSON's
    ``"quorum"``) and whether it is a diskless client (``client:``, JSON ``"client"``)."""

    volume: int
    disk: str | None = None
    minor: int | None = None
    extra: dict[str, str] = attrs.Factory(dict)
    quorum: bool | None = None
    client: bool | None = None


@attrs.define
class PeerVolume:
    """The peer's side of one volume: replication and peer disk state."""

    volume: int
    replication: str | None = None
    peer_disk: str | None = None
    done: float | None = None
    #: the peer is a diskless client (``peer-client:yes``, JSON ``"peer-client"``)
    peer_client: bool | None = None


@attrs.define
class Connection(Record):
    """The connection to one peer node."""

    peer: str
    state: str = "Connected"
    peer_role: str | None = None
    volumes: list[PeerVolume] = attrs.Factory(list)

    @property
    def connected(self) -> bool:
        return self.state == "Connected"


@attrs.define
class ResourceState(Record):
    """One resource as the kernel has it."""

    name: str
    role: str | None = None
    suspended: str | None = None
    volumes: list[LocalVolume] = attrs.Factory(list)
    connections: list[Connection] = attrs.Factory(list)

    @property
    def disks(self) -> list[str]:
        return [v.disk for v in self.volumes if v.disk]


@attrs.define(weakref_slot=False)
class DrbdStatusDocument(StatusDocument):
    """Parsed ``drbdadm status`` / ``drbdsetup status --json``."""

    format = FORMAT
    resources: list[ResourceState] = attrs.Factory(list)
    #: The output says no resource is up (drbdsetup's "No currently configured DRBD
    #: found.", the init script's empty table or "drbd not loaded"); other empty
    #: output (a message, a form not read) says nothing.
    none_up: bool = attrs.field(default=False, eq=False)
    #: the form names each connection by its peer (DRBD 9's text and JSON); DRBD 8's
    #: XML and drbd-overview show one unnamed peer
    peers_named: bool = attrs.field(default=False, eq=False)

    def resource(self, name: str) -> ResourceState | None:
        """The state of resource ``name``, or ``None`` when the output lacks it."""
        return next((r for r in self.resources if r.name == name), None)


def _int(v: object) -> int | None:
    try:
        return int(str(v))
    except ValueError:
        return None


def _volume(fields: dict[str, str], last: int) -> int:
    v = _int(fields.pop("volume", "")) if "volume" in fields else None
    return v if v is not None else last


def _list(v: object) -> list[Any]:
    """A JSON member that should be a list (anything else, in a mutated capture: none)."""
    return v if isinstance(v, list) else []


def _str(v: object) -> str | None:
    """A JSON member that should be a state word (a list or object is none: rules
    compare and lower-case these)."""
    return v if isinstance(v, str) else None


def _bool(v: object) -> bool | None:
    """A JSON ``true``/``false`` or drbdsetup's ``yes``/``no`` (anything else: unknown)."""
    if isinstance(v, bool):
        return v
    return {"yes": True, "no": False}.get(v) if isinstance(v, str) else None


def _float(v: object) -> float | None:
    """A percentage: a JSON number (an integer of thousands of digits overflows)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        return float(v)
    except OverflowError:
        return None


def _suspended(r: dict[str, Any]) -> str | None:
    """The text form's ``suspended:`` word for a JSON resource: ``yes`` or ``no``
    (drbdsetup.c ``resource_status_json`` prints ``"suspended": true|false``, any
    reason; the text names the reasons). JSON's ``false`` was read as the word
    "false", which LS002 took for suspended I/O."""
    if "suspended" not in r:
        return None
    flag = _bool(r["suspended"])
    return _str(r["suspended"]) if flag is None else "yes" if flag else "no"


def _parse_json(text: str, path: str | None) -> DrbdStatusDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"not JSON: {exc.msg}", text, path, exc.lineno, exc.colno) from None
    except RecursionError:
        raise fail("JSON nested too deep", text, path, 1) from None
    except ValueError:  # an integer past int()'s 4,300 digits
        raise fail("not JSON drbdsetup prints: a number too long", text, path, 1) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise fail("expected a JSON list of resources", text, path, 1)
    doc = DrbdStatusDocument(path=path, source=text, peers_named=True)
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise fail(f"resource {i + 1} has no name", text, path, 1)
        res = ResourceState(r["name"], _str(r.get("role")), _suspended(r))
        for d in _list(r.get("devices")):
            if isinstance(d, dict):
                res.volumes.append(
                    LocalVolume(
                        _int(d.get("volume", 0)) or 0,
                        _str(d.get("disk-state")),
                        _int(d.get("minor", "")),
                        quorum=_bool(d.get("quorum")),
                        client=_bool(d.get("client")),
                    )
                )
        for c in _list(r.get("connections")):
            if not isinstance(c, dict):
                continue
            conn = Connection(
                str(c.get("name") or c.get("peer-node-id", "?")),
                str(c.get("connection-state") or "Unknown"),
                _str(c.get("peer-role")),
            )
            for p in _list(c.get("peer_devices") or c.get("peer-devices")):
                if isinstance(p, dict):
                    done = p.get("percent-in-sync")
                    conn.volumes.append(
                        PeerVolume(
                            _int(p.get("volume", 0)) or 0,
                            _str(p.get("replication-state")),
                            _str(p.get("peer-disk-state")),
                            _float(done),
                            _bool(p.get("peer-client")),
                        )
                    )
            res.connections.append(conn)
        doc.resources.append(res)
    return doc


_XML_DEVICE = re.compile(r"^\s*<resource\s(?P<attrs>[^>]*?)/?>\s*$")
#: (a name starts at a word's start: tried inside a long word too, it was quadratic)
_XML_ATTR = re.compile(r'(?<![\w-])([\w-]+)="([^"]*)"')


def _parse_xml_lines(text: str, path: str | None) -> DrbdStatusDocument:
    """DRBD 8.3/8.4's ``drbdadm status`` XML (see the module docstring)."""
    doc = DrbdStatusDocument(path=path, source=text)
    by_name: dict[str, ResourceState] = {}
    for no, ln in lines(text):
        m = _XML_DEVICE.match(ln)
        if m is None:
            if ln.strip() and not ln.lstrip().startswith(("<drbd-status", "<resources", "</")):
                doc.unparsed.append((no, ln))
            continue
        a = dict(_XML_ATTR.findall(m["attrs"]))
        suspended = re.search(r"\ssuspended\b(?!=)", m["attrs"]) is not None
        _add_device(doc, by_name, a, no, suspended)
    return doc


def _add_device(
    doc: DrbdStatusDocument,
    by_name: dict[str, ResourceState],
    a: dict[str, str],
    no: int,
    suspended: bool,
) -> None:
    """One device of DRBD 8 (``cs``, ``ro1``/``ro2``, ``ds1``/``ds2``, ``minor``,
    ``name``, ``volume``) as a volume of its resource and of its one connection."""
    cs = a.get("cs")
    if cs is None or cs == "Unconfigured":
        return
    name = a.get("name") or f"minor-{a.get('minor', '?')}"
    res = by_name.get(name)
    if res is None:
        res = by_name[name] = ResourceState(
            name, a.get("ro1"), "yes" if suspended else None, line=no
        )
        doc.resources.append(res)
        res.connections.append(Connection(a.get("conn_name") or "peer", cs, a.get("ro2"), line=no))
    conn = res.connections[0]
    if conn.state == "Connected" and cs != "Connected":
        conn.state, conn.line = cs, no  # the worst device state is the resource's
    vol = _int(a.get("volume", "")) if "volume" in a else None
    vol = vol if vol is not None else len(res.volumes)
    res.volumes.append(LocalVolume(vol, a.get("ds1"), _int(a.get("minor", ""))))
    done = a.get("resynced_percent")
    conn.volumes.append(
        PeerVolume(
            vol,
            None,
            a.get("ds2"),
            float(done) if done and re.fullmatch(r"\d+(?:\.\d+)?", done) else None,
        )
    )


#: drbd-overview of DRBD 8 (drbd-overview.pl): ``%3u:%s`` (minor:resource, ``/VOL``
#: from 8.4), ``^^N`` for a stacked device, then /proc/drbd's words with ``cs:``,
#: ``st:``/``ro:`` and ``ds:`` stripped (older scripts left ``ro:``), the protocol, the
#: flags (``s`` first: I/O suspended), then what uses the device (mount, LVM, xen-vbd).
_OVERVIEW = re.compile(
    r"^\s*(?P<minor>\d{1,10}):(?P<name>[^\s/]+)(?:/(?P<volume>\d{1,10}))?\s+(?:\^\^\d+\s+)?"
    r"(?P<cs>[A-Za-z]+)\s+(?:(?:ro|st):)?(?P<ro1>[A-Za-z]+)/(?P<ro2>[A-Za-z]+)\s+"
    r"(?:ds:)?(?P<ds1>[A-Za-z]+)/(?P<ds2>[A-Za-z]+)(?:\s+(?P<rest>.*))?$"
)
_OVERVIEW_IDLE = re.compile(r"^\s*\d{1,10}:\S+\s+Unconfigured\b")


#: The init script's preamble (drbd 8.0-8.4 scripts/drbd ``status``): its first line,
#: /proc/drbd's two version lines, the table's header.
_INIT_HEAD = "drbd driver loaded OK; device status:"
_INIT_PREAMBLE = re.compile(r"^(version|GIT-hash|srcversion):\s")
_INIT_TABLE = re.compile(r"^m:res\s+cs\s+(ro|st)\s+ds\b")
#: the script's answer without /proc/drbd (exit status 3)
NOT_LOADED = "drbd not loaded"


def _parse_overview(text: str, path: str | None) -> DrbdStatusDocument:
    """DRBD 8's ``drbd-overview``: one line per device (see :data:`_OVERVIEW`), a
    resync's progress on a tab-indented line after it; or the init script's table
    (its preamble and header kept in ``unparsed``)."""
    doc = DrbdStatusDocument(path=path, source=text)
    by_name: dict[str, ResourceState] = {}
    table = other = False
    for no, ln in lines(text):
        m = _OVERVIEW.match(ln)
        if m is None:
            if ln.strip() and not _OVERVIEW_IDLE.match(ln) and not ln.startswith("\t"):
                doc.unparsed.append((no, ln))
                head = ln.strip() == _INIT_HEAD or _INIT_PREAMBLE.match(ln)
                table = table or _INIT_TABLE.match(ln) is not None
                other = other or not (head or _INIT_TABLE.match(ln))
            continue
        a = {k: v for k, v in m.groupdict().items() if v is not None and k != "rest"}
        words = (m["rest"] or "").split()
        flags = next((w for w in words if re.fullmatch(r"[rs][-a-zA-Z]{3,}", w)), "")
        _add_device(doc, by_name, a, no, flags.startswith("s"))
    doc.none_up = table and not other and not doc.resources
    return doc


def parse(text: str, path: str | None = None) -> DrbdStatusDocument:
    """Parse any of the forms; raises :class:`xencfg.ParseError` for bad JSON and for
    indented lines before any resource line."""
    if text.lstrip().startswith(("[", "{")):
        return _parse_json(text, path)
    if _XML_HEAD.search(text[:4096]):
        return _parse_xml_lines(text, path)
    if _is_overview(text[:4096]):
        return _parse_overview(text, path)
    doc = DrbdStatusDocument(path=path, source=text, peers_named=True)
    doc.none_up = NOTHING_UP in text[:4096] or text.strip() == NOT_LOADED
    res: ResourceState | None = None
    conn: Connection | None = None
    for no, ln in lines(text):
        if not ln.strip() or ln.lstrip().startswith("#"):  # "# No currently configured..."
            if ln.strip():
                doc.unparsed.append((no, ln))
            continue
        col = first_col(ln)
        words = ln.split()
        # (keys and states repeat on every line: one string each, not one per line;
        # a 4 MB capture stayed above issue 22's 10x peak without it)
        fields = {intern(k): intern(v) for k, v in _KV.findall(ln)}
        if col == 1 and ":" not in words[0] and "role" in fields:
            res = ResourceState(words[0], fields.get("role"), fields.get("suspended"), line=no)
            conn = None
            doc.resources.append(res)
            continue
        if col == 1:  # a message ("Command 'drbdsetup status' terminated ..."), not state
            doc.unparsed.append((no, ln))
            res = None
            continue
        if res is None:
            raise fail("indented line before any resource line", text, path, no, col)
        if ":" not in words[0]:  # a peer: "bob role:Secondary" / "bob connection:Connecting"
            conn = Connection(
                words[0], fields.get("connection", "Connected"), fields.get("role"), line=no
            )
            res.connections.append(conn)
        elif "disk" in fields and "peer-disk" not in fields and "replication" not in fields:
            vol = _volume(fields, len(res.volumes))
            disk = fields.pop("disk")
            minor = _int(fields.pop("minor", ""))
            quorum, client = _bool(fields.get("quorum")), _bool(fields.get("client"))
            res.volumes.append(LocalVolume(vol, disk, minor, fields, quorum, client))
            conn = None if col <= 3 else conn
        elif conn is not None and ("replication" in fields or "peer-disk" in fields):
            vol = _volume(fields, len(conn.volumes))
            done = fields.get("done")
            conn.volumes.append(
                PeerVolume(
                    vol,
                    fields.get("replication"),
                    fields.get("peer-disk"),
                    float(done) if done and re.fullmatch(r"\d+(?:\.\d+)?", done) else None,
                    _bool(fields.get("peer-client")),
                )
            )
        else:
            doc.unparsed.append((no, ln))
    return doc


_XML_HEAD = re.compile(r"^[^\S\n]*<(drbd-status\b|resource minor=)", re.M)


#: what drbdsetup status prints (exiting non-zero) when the kernel holds no resource
NOTHING_UP = "No currently configured DRBD found."


def _is_overview(head: str) -> bool:
    """drbd-overview's shape, ``MINOR:RESOURCE STATE...`` first (drbd-utils 9's too,
    whose lines are then not read; /proc/drbd has a space after the colon), or the
    init script's first line."""
    first = next((ln for ln in head.split("\n") if ln.strip()), "")
    return first.strip() == _INIT_HEAD or _OVERVIEW_ROW.match(first) is not None


#: a row's start: ``MINOR:RESOURCE``, a state word (drbd-utils 9's ``Connected(2*)``
#: too) and a ``ROLE/PEER`` pair, or ``Unconfigured`` alone; uptime's ``2:41pm up 5
#: days`` is none
_OVERVIEW_ROW = re.compile(
    r"^\s*\d{1,10}:[^\s:]+\s+(?:\^\^\d+\s+)?[A-Z][A-Za-z]*(?:\(\S*\))?(?:\s+\S+/\S+|\s*$)"
)


def sniff(text: str) -> bool:
    head = text[:4096]
    if _is_overview(head):
        return True
    if head.lstrip().startswith("["):
        return '"connections"' in head or '"devices"' in head
    if NOTHING_UP in head or head.strip() == NOT_LOADED:
        return True
    if _XML_HEAD.search(head):
        return True
    # ``--verbose`` (sos 4's ``drbdsetup status -vs all``) puts ``node-id:N`` first
    # (drbdsetup.c ``resource_status``)
    return (
        re.search(r"^\S+ (?:node-id:\d+ )?role:(Primary|Secondary|Unknown)\b", head, re.M)
        is not None
    )
