"""drbdadm's conflict detection (a name, a minor or an address claimed twice) lives
with the rules, in :mod:`xencfg.rules.drbd_conflicts`: it is a lint concern. These
names stay here so that ``xencfg.formats.drbd.Conflict``, ``find_conflicts`` and the
documents' ``conflicts()`` keep working."""

from __future__ import annotations

from ...rules.drbd_conflicts import Conflict, find_conflicts

__all__ = ["Conflict", "find_conflicts"]
