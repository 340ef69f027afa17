"""The cluster model's types (see :mod:`.cluster`, whose ``build_model`` fills them):
roles, a node's names and addresses, the layers, the storage chain, and the node-name
helpers every layer uses. Split from :mod:`.cluster`, which re-exports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import attrs

if TYPE_CHECKING:
    from .cluster import Loaded
    from .membership import StackList

K = TypeVar("K")
V = TypeVar("V")


#: Roles a node can have, with what gives them.
ROLES: dict[str, str] = {
    "member": (
        "messaging-layer member (ha.cf node/autojoin, a corosync nodelist or udpu"
        " members, cman's clusternodes, the CIB's nodes)"
    ),
    "ocfs2": "OCFS2 cluster member (a node: stanza of ocfs2/cluster.conf)",
    "drbd": "DRBD peer (an 'on' section of a resource, or a 'floating' address it holds)",
    "storage": "iSCSI target box (an ietd.conf with targets)",
    "initiator": "iSCSI initiator (initiatorname.iscsi or iscsid.conf)",
    "relocation": "xend relocation peer (xend-relocation-server yes)",
}

#: Other spellings users may write for a role (``--role san1=target``).
ROLE_ALIASES = {"target": "storage", "san": "storage", "dom0": "member", "node": "member"}


def parse_roles(pairs: Iterable[str] | dict[str, object], where: str) -> dict[str, tuple[str, ...]]:
    """``NAME=ROLE[,ROLE]`` options (or a ``{name: role(s)}`` table) as checked roles.

    Raises :class:`~xencfg.errors.XencfgError` naming ``where`` on an unknown role,
    so a typo never switches the evidence off in silence."""
    from .errors import XencfgError

    table: dict[str, object]
    if isinstance(pairs, dict):
        table = pairs
    else:
        table = {}
        for pair in pairs:
            name, sep, text = pair.partition("=")
            if not sep or not name.strip() or not text.strip():
                raise XencfgError(f"{where}: expected NAME=ROLE, got '{pair}'")
            table[name.strip()] = text
    out: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise XencfgError(f"{where}: role of '{name}' must be a string or a list of strings")
        roles: list[str] = []
        for v in values:
            for word in v.replace(",", " ").split():
                role = ROLE_ALIASES.get(word.lower(), word.lower())
                if role not in ROLES:
                    known = ", ".join(sorted(ROLES))
                    raise XencfgError(f"{where}: unknown role '{word}' for '{name}' ({known})")
                roles.append(role)
        out[name] = tuple(dict.fromkeys(roles))
    return out


def short(name: str) -> str:
    """A node name as ``uname -n`` comparisons see it: no domain, any case."""
    return name.split(".", 1)[0].lower()


def joined(entries: Iterable[tuple[set[K], V]]) -> list[tuple[set[K], list[V]]]:
    """Entries grouped where their keys meet, directly or through other entries, as
    ``(keys, values)``: an entry that meets earlier groups merges them (their values
    before its own) into a group that goes last. Copies of a cluster's config that
    share a node are one cluster; copies that share none are clusters of their own."""
    groups: list[tuple[set[K], list[V]]] = []
    for given, value in entries:
        keys, values = set(given), [value]
        for g in [g for g in groups if g[0] & keys]:
            groups.remove(g)
            keys |= g[0]
            values = g[1] + values
        groups.append((keys, values))
    return groups


@attrs.define
class NodeInfo:
    """One machine of the cluster: the roles the evidence (or the user) gives it, the
    names it is known by and its addresses with where each comes from."""

    name: str
    roles: set[str] = attrs.Factory(set)
    declared: tuple[str, ...] = ()
    names: set[str] = attrs.Factory(set)
    addresses: dict[str, set[str]] = attrs.Factory(dict)
    root: bool = False  # a node root of the run (not only named by a file)

    @property
    def is_member(self) -> bool:
        """A messaging-layer member (by evidence or declaration)."""
        return "member" in self.roles

    @property
    def storage_only(self) -> bool:
        """A target box that no messaging-layer or OCFS2 list names (DRBD under its
        targets, replicating to a second box, keeps it storage)."""
        return "storage" in self.roles and not self.roles & {"member", "ocfs2"}

    def add_address(self, address: str, source: str) -> None:
        self.addresses.setdefault(address, set()).add(source)


@attrs.frozen
class Layer:
    """The nodes one layer of the stack joins: the heartbeat cluster, the OCFS2
    cluster, one DRBD resource (``name``), one iSCSI target's initiators (``name``).
    ``members`` are short names; ``evidence`` the files that say so."""

    kind: str
    name: str
    members: frozenset[str]
    evidence: tuple[Loaded, ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen
class StorageLink:
    """One step of the storage chain, as far as the files tell it: an IET LUN on a
    target box, the WWID multipath sees for it (matched by its ScsiId), the alias,
    and who uses the device (``domU NAME`` or ``CIB resource ID``)."""

    target: str | None
    lun: int | None
    box: str | None
    scsi_id: str | None
    wwid: str | None
    alias: str | None
    users: tuple[str, ...] = ()


@attrs.define
class ClusterModel:
    """Roles, layers, names and the storage chain of one run (see the module docstring)."""

    nodes: dict[str, NodeInfo] = attrs.Factory(dict)
    #: The separate clusters of the messaging layers (ha.cf, the CIB's nodes, corosync
    #: nodelists or udpu members, cman's clusternodes: node lists that share no node).
    heartbeat_clusters: list[Layer] = attrs.Factory(list)
    ocfs2: Layer | None = None
    drbd: dict[str, Layer] = attrs.Factory(dict)
    targets: dict[str, Layer] = attrs.Factory(dict)
    chain: list[StorageLink] = attrs.Factory(list)
    #: The member lists of the messaging layers (membership.py ``stack_lists``).
    stack: tuple[StackList, ...] = ()
    #: Every node a messaging layer's file lists (ha.cf, corosync, cman, the CIB's nodes).
    listed: frozenset[str] = frozenset()

    def node(self, name: str) -> NodeInfo | None:
        return self.nodes.get(short(name))

    def with_role(self, role: str) -> list[NodeInfo]:
        return [n for n in self.nodes.values() if role in n.roles]

    @property
    def layers(self) -> list[Layer]:
        out = [*self.heartbeat_clusters, *([self.ocfs2] if self.ocfs2 else [])]
        return out + list(self.drbd.values()) + list(self.targets.values())

    def declared_members(self) -> frozenset[str]:
        return frozenset(n.name for n in self.nodes.values() if "member" in n.declared)

    def members(self) -> frozenset[str]:
        """The cluster's members (short names): the messaging layers' lists (ha.cf,
        corosync, cman, the CIB's nodes) when a file has one, and the nodes the user
        declares members; else every node another layer makes one (OCFS2, DRBD, or a
        root that is an initiator or relocation peer); never a node that only serves
        storage."""
        if self.listed:
            return self.listed | self.declared_members()
        return frozenset(
            n.name
            for n in self.nodes.values()
            if not n.storage_only
            and (
                n.roles & {"member", "ocfs2", "drbd"}
                or (n.root and n.roles & {"initiator", "relocation"})
            )
        )

    def is_member(self, name: str) -> bool:
        return short(name) in self.members()

    def same_cluster(self, a: str, b: str) -> bool:
        """Whether two nodes may be compared as one heartbeat cluster's: they are in one,
        or the files put neither of them in any (nothing says they are apart)."""
        ka, kb = short(a), short(b)
        for c in self.heartbeat_clusters:
            if ka in c.members or kb in c.members:
                return ka in c.members and kb in c.members
        return True

    def addresses_of(self, name: str) -> set[str]:
        info = self.node(name)
        return set(info.addresses) if info is not None else set()


#: How a layer builder gets (or makes) the NodeInfo of a node name (build_model's ``node``).
_NodeOf = Callable[[str], NodeInfo]
