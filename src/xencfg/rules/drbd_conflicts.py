"""Where drbdadm's conflict detection used to live: it reads the format's views only
and moved to :mod:`xencfg.formats.drbd.conflicts` (formats sit below rules). These
names stay for code that imports them from here."""

from __future__ import annotations

from ..formats.drbd.conflicts import Conflict, find_conflicts

__all__ = ["Conflict", "find_conflicts"]
