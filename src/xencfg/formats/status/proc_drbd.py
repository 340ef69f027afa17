"""``/proc/drbd`` (DRBD 0.7/8.x kernel status): read-only.

DRBD 0.7's ``ld:Consistent`` (local disk only) fills ``disks`` as ``(state, "")``.

``version:`` / ``GIT-hash:`` (or ``srcversion:``) headers, then per minor
``N: cs:... st:|ro:... ds:... P flags`` with its counter line (``ns: nr: dw:
...``, ints; ``wo:`` is a letter), optional sync progress (``sync'ed: 44.4%
(588416/1048576)K``, ``verified:`` for an online verify, ``finish: ... speed: ...
want: ...``) and the 8.0
``resync:``/``act_log:`` lines. Scraped copies without the headers, with
stripped indentation or with artifacts (``*        *``, ``...``) parse; the
unknown lines are kept in :attr:`ProcDrbdDocument.unparsed`.
"""

from __future__ import annotations

import re
from sys import intern
from typing import Any

import attrs

from .._memo import Shared
from ._status import Record, StatusDocument, as_dict, lines, misplaced, number

FORMAT = "proc-drbd"

_VERSION = re.compile(
    r"^version:\s*(?P<v>\S+)(?:\s+\(api:(?P<api>[^/)]*)/proto:(?P<proto>[^)]*)\))?"
)
_HASH = re.compile(r"^(?:GIT-hash|srcversion):\s*(?P<h>\S+)(?:\s+build by\s+(?P<by>.*))?")
_MINOR = re.compile(r"^\s*(?P<minor>\d{1,20}):\s+cs:(?P<cs>\S+)(?P<rest>.*)$")
_COUNTER = re.compile(r"\b([a-z]{2,3}):(\S+)")
#: the progress line: ``sync'ed:``, or ``verified:`` while an online verify runs
#: (drbd_proc.c drbd_syncer_progress, 8.3 and 8.4: ``state.conn == C_VERIFY_S ||
#: C_VERIFY_T``)
_SYNC = re.compile(
    r"^\s*(?:\[(?P<bar>[=>.]*)\]\s*)?(?:sync'ed|verified):\s*(?P<pct>\d{1,20}(?:\.\d{1,20})?)%\s*\((?P<left>\d{1,20})/(?P<total>\d{1,20})\)(?P<unit>\S*)"
)
#: ``finish: H:MM:SS speed: N (AVG) [want: N] K/sec``; with the module's proc_details
#: at 1 or more the parenthesis holds the ~3 s average first, ``(N -- AVG)``
_FINISH = re.compile(
    r"^\s*finish:\s*(?P<finish>\S+)\s+speed:\s*(?P<speed>[\d,]+)"
    r"(?:\s*\((?:[\d,]+ -- )?(?P<avg>[\d,]+)\))?"
    r"(?:\s+want:\s*(?P<want>[\d,]+))?\s*(?P<unit>\S+)?"
)
_FIELD = re.compile(r"(?<!\w)(\w+):(\S+)")  # (from a word's start: linear on a long word)
_TABLE = re.compile(r"^\s*(resync|act_log):\s*(.*)$")
_COUNTERS = ("ns", "nr", "dw", "dr", "al", "bm", "lo", "pe", "ua", "ap", "ep", "oos")


@attrs.define
class SyncProgress:
    """A running resync/verify: done percentage, K left/total, ETA, speeds (K/sec)."""

    percent: float
    left: int
    total: int
    finish: str | None = None
    speed: int | None = None
    average: int | None = None
    want: int | None = None


@attrs.define
class Minor(Record):
    """One DRBD device's state line and counters."""

    minor: int
    #: connection state (``Connected``, ``SyncSource``, ``Unconfigured``...).
    cs: str
    #: roles ``local/peer`` (``st:`` before 8.3, ``ro:`` since).
    roles: tuple[str, str] | None = None
    #: disk states ``local/peer``.
    disks: tuple[str, str] | None = None
    protocol: str | None = None
    flags: str | None = None
    counters: dict[str, int] = attrs.Factory(dict)
    #: ``wo:`` write ordering method (b/f/d/n), 8.3+.
    write_order: str | None = None
    sync: SyncProgress | None = None
    #: 8.0's ``resync:``/``act_log:`` tables, ``used`` kept as written (``0/61``).
    tables: dict[str, dict[str, str]] = attrs.Factory(dict)

    @property
    def role(self) -> str | None:
        return self.roles[0] if self.roles else None

    @property
    def peer_role(self) -> str | None:
        return self.roles[1] if self.roles else None

    @property
    def disk(self) -> str | None:
        return self.disks[0] if self.disks else None

    @property
    def out_of_sync(self) -> int | None:
        """K out of sync (``oos:``, 8.2.6+)."""
        return self.counters.get("oos")


@attrs.define(weakref_slot=False)
class ProcDrbdDocument(StatusDocument):
    """Parsed /proc/drbd."""

    format = FORMAT
    version: str | None = None
    api: str | None = None
    proto: str | None = None
    build_hash: str | None = None
    build_by: str | None = None
    minors: list[Minor] = attrs.Factory(list)

    def minor(self, n: int) -> Minor | None:
        """The state of ``/dev/drbdN``, or ``None`` when the output lacks it."""
        return next((m for m in self.minors if m.minor == n), None)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "api": self.api,
            "proto": self.proto,
            "build_hash": self.build_hash,
            "minors": as_dict(self.minors),
        }


def _pair(v: str, share: Shared[str]) -> tuple[str, str]:
    a, _, b = v.partition("/")
    return (share(a), share(b))


_FLAGS = re.compile(r"[-a-zA-Z]{4,}")


def _state(m: re.Match[str], no: int, share: Shared[str], pairs: Shared[tuple[str, str]]) -> Minor:
    """A device's state line; its words repeat from device to device, so the strings
    and the role/disk pairs are shared."""
    dev = Minor(int(m["minor"]), share(m["cs"]), line=no)
    for w in m["rest"].split():
        if w.startswith(("st:", "ro:")):
            dev.roles = pairs(_pair(w[3:], share))
        elif w.startswith("ds:"):
            dev.disks = pairs(_pair(w[3:], share))
        elif w.startswith("ld:") and dev.disks is None:  # DRBD 0.7: local disk only
            dev.disks = pairs((share(w[3:]), ""))
        elif len(w) == 1 and w in "ABC":
            dev.protocol = share(w)
        elif _FLAGS.fullmatch(w) and "-" in w:
            dev.flags = share(w)
    return dev


def parse(text: str, path: str | None = None) -> ProcDrbdDocument:
    """Parse /proc/drbd text; raises :class:`xencfg.ParseError` for device detail
    lines (counters, progress) that precede any ``N: cs:`` line."""
    doc = ProcDrbdDocument(path=path, source=text)
    cur: Minor | None = None
    share: Shared[str] = Shared()
    pairs: Shared[tuple[str, str]] = Shared()

    def need(no: int, ln: str, what: str) -> Minor:
        if cur is None:
            raise misplaced(f"{what} before any 'N: cs:' device line", text, path, no, ln)
        return cur

    for no, ln in lines(text):
        if not ln.strip():
            continue
        if m := _VERSION.match(ln):
            doc.version, doc.api, doc.proto = m["v"], m["api"], m["proto"]
        elif m := _HASH.match(ln):
            doc.build_hash, doc.build_by = m["h"], m["by"]
        elif m := _MINOR.match(ln):
            cur = _state(m, no, share, pairs)
            doc.minors.append(cur)
        elif m := _SYNC.match(ln):
            dev = need(no, ln, "sync progress")
            dev.sync = SyncProgress(float(m["pct"]), int(m["left"]), int(m["total"]))
        elif m := _FINISH.match(ln):
            dev = need(no, ln, "sync speed")
            if dev.sync is None:
                dev.sync = SyncProgress(0.0, 0, 0)
            dev.sync.finish = m["finish"]
            dev.sync.speed, dev.sync.average, dev.sync.want = (
                number(m["speed"]),
                number(m["avg"]),
                number(m["want"]),
            )
        elif m := _TABLE.match(ln):
            dev = need(no, ln, m[1])
            dev.tables[m[1]] = dict(_FIELD.findall(m[2]))
        elif ln.lstrip().startswith("ns:"):
            dev = need(no, ln, "counters")
            for k, v in _COUNTER.findall(ln):
                if k == "wo":
                    dev.write_order = share(v)
                elif v.isdigit() and (count := number(v)) is not None:
                    dev.counters[intern(k)] = count  # (two or three letters: few keys)
        else:
            doc.unparsed.append((no, ln))
    return doc


#: what ``cat /proc/drbd`` says without the drbd module (supportconfig's drbd.txt keeps
#: it): no DRBD device exists, so none of the configured resources runs.
NO_MODULE = re.compile(r"^\S*cat: /proc/drbd: No such file or directory\s*$", re.M)


def sniff(text: str) -> bool:
    return (
        re.search(r"^[ \t]*\d+: cs:\S+", text, re.M) is not None
        or text.startswith("version: ")
        or NO_MODULE.search(text[:4096]) is not None
    )
