"""drbd.conf: DRBD 0.7, 8.0 - 8.4 and 9 resource configuration.

The syntax tree is generic (:class:`Entry` statements ``key value...;`` and
:class:`Block` sections ``key args... { ... }``), so keywords a DRBD release
added after this module was written still parse; :meth:`DrbdDocument.keyword_problems`
marks them. The typed model is a set of *views* over that tree: reading
``doc.resources["r0"].hosts["alpha"].address.port`` parses the token, and
setting it rewrites only that token. ``resource.effective("alpha")`` applies
drbdadm's inheritance (common -> resource -> host -> volume), and
:func:`load_config` follows ``include`` statements into a logical
configuration while each file stays its own round-trippable document.

The package is split by concern: :mod:`.keywords` (what each release accepts),
:mod:`.values` (quoting, addresses, devices), :mod:`.views` (the typed model),
:mod:`.document`, :mod:`.reader` (scanner, grammar, structure checks) and
:mod:`.include`, and :mod:`.conflicts`: what drbdadm refuses across resources
(``conflicts()``, :class:`Conflict`), which lint's DR001/DR002 report.
"""

from __future__ import annotations

from .conflicts import Conflict, find_conflicts
from .document import FORMAT, DrbdDocument
from .include import Config, load_config, resolve_include
from .keywords import SCHEMA, keywords_for
from .reader import parse, parse_lark, sniff
from .spellings import FLAGS_TO_84, SYNCER_TO_84, sections_84
from .values import STYLE, Address, Device, MetaDisk, Skip, unquote
from .views import (
    Connection,
    Effective,
    Endpoint,
    Host,
    Link,
    Resource,
    Volume,
    settings_of,
)

__all__ = [
    "FLAGS_TO_84",
    "FORMAT",
    "SCHEMA",
    "STYLE",
    "SYNCER_TO_84",
    "Address",
    "Config",
    "Conflict",
    "Connection",
    "Device",
    "DrbdDocument",
    "Effective",
    "Endpoint",
    "Host",
    "Link",
    "MetaDisk",
    "Resource",
    "Skip",
    "Volume",
    "declared_nodes",
    "find_conflicts",
    "keywords_for",
    "load_config",
    "parse",
    "parse_lark",
    "resolve_include",
    "sections_84",
    "settings_of",
    "sniff",
    "unquote",
]


def declared_nodes(doc: DrbdDocument) -> tuple[tuple[str, ...], dict[str, object]]:
    """The hosts of the ``on`` sections: for drbdadm each must equal ``uname -n`` of
    its node, the name heartbeat, OCFS2 and the CIB use (the spec's ``declares`` hook).
    A stacked resource's ``on`` host is left out: it is the off-site node, "a standalone
    server" outside the pair's cluster (DRBD 8.4 user's guide, "Adding off-site
    disaster recovery to Pacemaker clusters")."""
    anchors: dict[str, object] = {}
    for res in doc.resource_list():
        if res.stacked:
            continue
        for host in res.host_list:
            if host.kind == "on":
                for name in host.names:
                    anchors.setdefault(name, host.block)
    return tuple(anchors), anchors
