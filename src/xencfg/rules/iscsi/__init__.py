"""iSCSI rules: the target's LUNs and accounts (ietd.conf) and the initiators
(initiatorname.iscsi, iscsid.conf) as a cluster of nodes uses them.

One module per concern: :mod:`.targets` (ietd.conf file by file), :mod:`.access`
(initiators.allow/deny), :mod:`.initiators` (the dom0s' side), :mod:`.failover` (a
target pair), :mod:`.lio` (LIO targets the CIB builds or saveconfig.json holds),
:mod:`.luns` (the initiators' WWIDs against the targets' LUNs), :mod:`.mounted` (a LUN
on a device the box mounts); :mod:`.common` holds
what they share. Importing the package registers every IS rule (they run in code
order, whatever the module).
"""

from __future__ import annotations

from . import access, common, failover, initiators, lio, luns, mounted, targets

__all__ = ["access", "common", "failover", "initiators", "lio", "luns", "mounted", "targets"]
