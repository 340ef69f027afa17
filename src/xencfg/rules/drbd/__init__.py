"""DRBD rules: per host conflicts across every file of a node, dual-primary
safety, host names, addresses, and drbd.conf agreeing between nodes.

One module per concern: what crosses resources on a host and addresses (:mod:`.nodes`),
a resource's copies on the nodes agreeing (:mod:`.copies`), what drbdadm
refuses in one file as it reads it (:mod:`.lexical`), resource structure
(:mod:`.structure`), numbers out of a release's range (:mod:`.ranges`), the dual-primary
hazards (:mod:`.dual_primary`), a CIB fence without its unfence (:mod:`.fencing`),
``include`` files the node lacks (:mod:`.includes`),
net settings the peers' handshake compares and a mesh's net options drbdadm 9
refuses (:mod:`.handshake`), domU disks
naming a DRBD link the node lacks (:mod:`.guests`), a stacked resource's address the
cluster manager does not move (:mod:`.stacked`), drbd-reactor's promoter running a
resource without quorum (:mod:`.reactor`); :mod:`.common` holds
what they share. Importing the package registers every DRBD rule (they run in code order,
whatever the module). drbdadm's conflict detection, which DR001/DR002 report, is the
format's (:mod:`xencfg.formats.drbd.conflicts`: it reads the views only).
"""

from __future__ import annotations

from . import (
    copies,
    dual_primary,
    fencing,
    guests,
    handshake,
    includes,
    lexical,
    nodes,
    ranges,
    reactor,
    stacked,
    structure,
)
from .common import hostnames_equal, short

__all__ = [
    "copies",
    "dual_primary",
    "fencing",
    "guests",
    "handshake",
    "hostnames_equal",
    "includes",
    "lexical",
    "nodes",
    "ranges",
    "reactor",
    "short",
    "stacked",
    "structure",
]
