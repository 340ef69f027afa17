"""CIB rules (ciblint's heritage): ids, references, STONITH, Xen guests, options.

A cluster holds one CIB, but it reaches us in pieces: a full ``cib.xml`` per
node, and the fragments administrators load with ``cibadmin`` kept beside the
nodes. :func:`units` groups them: every full CIB is checked on its own, all
fragments together (they end up in one CIB), and a fragment may refer to what
a full CIB defines.

One module per concern; importing the package registers every CIB rule.
"""

from __future__ import annotations

from . import guests, ids, options, quorum, resources, stonith
from .common import Unit, units
from .resources import is_placeholder
from .stonith import TEST_AGENTS, _stonith_enabled

__all__ = [
    "TEST_AGENTS",
    "Unit",
    "_stonith_enabled",
    "guests",
    "ids",
    "is_placeholder",
    "options",
    "quorum",
    "resources",
    "stonith",
    "units",
]
