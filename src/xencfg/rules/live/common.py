"""What the drift rules share: where a capture line is, DRBD's working states."""

from __future__ import annotations

from ...cluster import Loaded
from ...findings import Location

# A status format's module is imported by a rule only once a capture of that format
# was read (it is imported then already): a lint without live state imports none.

#: DRBD 8 connection states in which replication works (or is catching up).
CS_OK = frozenset(
    {"Connected", "SyncSource", "SyncTarget", "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT"}
    # DRBD 0.7's full and quick resyncs (drbd_proc.c cstate names)
    | {"SyncingAll", "SyncingQuick"}
)
#: DRBD 8 states that are a resync under way (disks not UpToDate are expected).
CS_SYNC = CS_OK - {"Connected"}


def _at(item: Loaded, line: int) -> Location:
    return Location(item.file.display, max(line, 1), 1)


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()
