"""CIB rules (ciblint's heritage): ids, references, STONITH, Xen guests, options.

A cluster holds one CIB, but it reaches us in pieces: a full ``cib.xml`` per
node, and the fragments administrators load with ``cibadmin`` kept beside the
nodes. :func:`.common.units` groups them: every full CIB is checked on its own,
all fragments together (they end up in one CIB), and a fragment may refer to what
a full CIB defines.

One module per concern (ids, guests, STONITH, operations, options, resources, quorum,
schema, what Pacemaker 3.0 dropped, booth's tickets); importing
the package registers every CIB rule (they run in code order, whatever the module).
"""

from __future__ import annotations

from . import (
    booth,
    drbd_order,
    dropped,
    guests,
    ids,
    operations,
    options,
    quorum,
    resources,
    sbd,
    schema,
    stonith,
)

__all__ = [
    "booth",
    "drbd_order",
    "dropped",
    "guests",
    "ids",
    "operations",
    "options",
    "quorum",
    "resources",
    "sbd",
    "schema",
    "stonith",
]
