"""What every stack conversion shares: the records it hands back (:class:`StackResult`,
its :class:`Member` list and report :class:`Note` lines), what it reads of a node
(:class:`NodeFiles`), and how a name in /etc/hosts is matched to a member. The
conversions (:mod:`.heartbeat`, :mod:`.openais`, :mod:`.corosync2`, :mod:`.cman`) import
them from here.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

import attrs

from ..formats.lines.corosync import CorosyncDocument

if TYPE_CHECKING:
    from ..formats.lines.hosts import HostsIndex


@attrs.define
class Note:
    """One line of the migration report.

    ``kind``: ``rewrite`` (carried to the new stack), ``manual`` (could not be carried:
    an admin must act), ``dropped`` (needs nothing in corosync 3) or ``info``.
    ``source``: ``path:line`` or the path it comes from; ``target``: where it goes.
    """

    kind: str
    source: str
    target: str
    what: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.define
class NodeFiles:
    """What one node's files say, as parsed documents (``None`` where absent).

    ``where`` maps a document to its report name (``alpha:/etc/ha.d/ha.cf``).
    """

    name: str
    hacf: Any = None
    authkeys: Any = None
    logd: Any = None
    hosts: Any = None
    drbd: list[Any] = attrs.Factory(list)
    cluster_names: list[tuple[str, str]] = attrs.Factory(list)  # (name, where it comes from)
    #: interface -> (its address, where): the node's network configuration
    #: (xencfg.ifaces), for the ring addresses of bcast/mcast paths
    ifaces: dict[str, tuple[str, str]] = attrs.Factory(dict)
    where: dict[int, str] = attrs.Factory(dict)
    _index: tuple[Any, HostsIndex] | None = attrs.field(default=None, init=False, repr=False)

    @property
    def hosts_index(self) -> HostsIndex | None:
        """The index of :attr:`hosts` (``None`` without one), built on first use: the
        conversions ask it per member and per ucast line (a walk of the file each time
        took over 300 s for 5,000 ha.cf nodes against 50,000 hosts lines)."""
        if self.hosts is None:
            return None
        if self._index is None or self._index[0] is not self.hosts:
            self._index = (self.hosts, self.hosts.index())
        return self._index[1]

    def loc(self, doc: Any, node: Any = None) -> str:
        """``path:line`` of ``node`` in ``doc`` (or the document's path)."""
        path = self.where.get(id(doc), doc.path or "?")
        if node is None:
            return str(path)
        try:
            line, _ = doc.position(node)
        except Exception:
            return str(path)
        return f"{path}:{line}"


@attrs.define
class Member:
    """A cluster member in the nodelist: name, nodeid and its address on each link."""

    name: str
    nodeid: int
    addrs: dict[int, str] = attrs.Factory(dict)
    sources: dict[int, str] = attrs.Factory(dict)
    #: its quorum votes (cman's clusternode ``votes``; nodelist ``quorum_votes``)
    votes: int = 1


@attrs.define
class StackResult:
    """The corosync.conf for every node, its members, and the notes for the report."""

    corosync: CorosyncDocument
    members: list[Member]
    notes: list[Note]
    timing: list[str]
    cluster_name: str
    #: the old cluster's key where it is kept (corosync 2's), else None: a new one
    key: bytes | None = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_name": self.cluster_name,
            "members": [attrs.asdict(m) for m in self.members],
            "timing": self.timing,
            "notes": [n.to_dict() for n in self.notes],
        }


def _ip(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


def _names_match(name: str, member: str) -> bool:
    """``name`` (from /etc/hosts) names ``member``: itself, its FQDN, or a per-link name
    built on it (``alpha-drbd``, ``host1_hb``), as admins name a node's second address."""
    import re

    low, mem = name.lower(), member.lower()
    # (a member named by its FQDN in ha.cf's node line is matched by its first label:
    # heartbeat's node names are uname -n, an FQDN on some distributions)
    return low == mem or re.split(r"[-_.]", low, maxsplit=1)[0] in (mem, _short(mem))


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()
