"""The cluster stack part of ``xencfg migrate``: the old stack's files -> corosync 3 (knet).

One module per stack a cluster may come from, each a pure function of parsed documents
that returns the one corosync.conf every node gets and a note for every decision:
:mod:`.heartbeat` (ha.cf, authkeys, ha_logd.cf; also the builder and the corosync 3 file,
:func:`knet_conf`, the others share), :mod:`.openais` (openais.conf, corosync 1),
:mod:`.corosync2` (corosync 2's udp/udpu) and :mod:`.cman` (RHEL 6's cluster.conf);
:mod:`.common` holds the records they share.
Nothing here reads or writes files; :mod:`xencfg.migrate` does.
"""

from __future__ import annotations

from .common import Member, NodeFiles, Note, StackResult
from .heartbeat import knet_conf, to_corosync

__all__ = ["Member", "NodeFiles", "Note", "StackResult", "knet_conf", "to_corosync"]
