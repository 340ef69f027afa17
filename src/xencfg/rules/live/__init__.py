"""Drift rules (LS): the configuration against what runs.

They read the live state captured in a node root (``xencfg capture``'s
``var/lib/xencfg/state/``, a sosreport, a supportconfig, or ``lint --live``)
beside the node's files, and say where the two disagree. A node without a
capture of a kind is not judged on it: no rule guesses live state.

One module per kind of live state: :mod:`.drbd` (:mod:`.drbd9`: quorum, peers), :mod:`.booth`
(tickets), :mod:`.multipath`, :mod:`.iscsi`,
:mod:`.cib` (the CIB and the domUs), :mod:`.domu` (the domUs against their configs),
:mod:`.node` (addresses and ``uname -n``), :mod:`.records` (open-iscsi's node
records), :mod:`.target` (IET's /proc/net/iet against ietd.conf and initiators.allow);
:mod:`.common` holds what they share. Importing the package registers every LS rule
(they run in code order, whatever the module).
"""

from __future__ import annotations

from . import booth, cib, domu, drbd, drbd9, iscsi, multipath, node, records, target
from .common import CS_OK, CS_SYNC
from .drbd import configured_drbd, live_drbd

__all__ = [
    "CS_OK",
    "CS_SYNC",
    "booth",
    "cib",
    "configured_drbd",
    "domu",
    "drbd",
    "drbd9",
    "iscsi",
    "live_drbd",
    "multipath",
    "node",
    "records",
    "target",
]
