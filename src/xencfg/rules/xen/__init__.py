"""Xen rules: domU identities, disks, MACs, xend relocation against the CIB.

One module per concern: :mod:`.domus` (domUs across the cluster), :mod:`.autostart`
(guests xendomains starts beside the cluster), :mod:`.placement`
(where the CIB lets a guest run against its DRBD hosts), :mod:`.xend` (relocation and
xend-config.sxp), :mod:`.configs` (one domU config at a time), :mod:`.bridges` (the
bridges a guest's vifs need on each node); :mod:`.common` holds
what they share. Importing the package registers every XN rule (they run in code
order, whatever the module).
"""

from __future__ import annotations

from . import autostart, bridges, common, configs, domus, placement, xend

__all__ = ["autostart", "bridges", "common", "configs", "domus", "placement", "xend"]
