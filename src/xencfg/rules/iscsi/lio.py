"""LIO targets that Pacemaker builds (``ocf:heartbeat:iSCSITarget`` and
``iSCSILogicalUnit`` with ``implementation=lio-t``) against the nodes that multipath
their LUNs: there is no target configuration file to read, the CIB is the target's."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.cib.resources import Primitive
from ...wwid import lio_wwid
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import initiatorname_doc as _initiator
from ..documents import multipath_doc as _mp

#: The implementations that build an LIO target through configfs (targetcli or lio_node).
_LIO = ("lio", "lio-t")


def _lio(p: Primitive, agent: str) -> bool:
    return (p.type or "") == agent and (p.param("implementation") or "") in _LIO


def _allowed(p: Primitive) -> list[str] | None:
    value = p.param("allowed_initiators")
    return value.split() if value and value.strip() else None


def _pair(p: Primitive, name: str) -> object:
    for s in p.instance_sets:
        for pair in s.nvpairs:
            if pair.name == name:
                return pair
    return p


@rule("IS021", "lio-initiator-not-allowed", "error", scope="cluster")
def lio_initiator_not_allowed(cluster: Cluster) -> Iterator[Finding]:
    """A node multipaths a LUN of an LIO target that Pacemaker creates with
    ``allowed_initiators`` not naming the node's initiator.

    Why it matters: LIO filters by initiator (``generate_node_acls`` stays off, "lio
    does per-initiator filtering by default", the iSCSITarget agent says). With
    ``implementation=lio-t`` the iSCSITarget agent creates one ACL per name of its
    ``allowed_initiators`` (``targetcli /iscsi/IQN/tpg1/acls create``), and targetcli
    maps each LUN the iSCSILogicalUnit agent adds into every existing ACL
    (``auto_add_mapped_luns``, on by default); only when the target lists no one does
    the logical unit's own ``allowed_initiators`` create the ACLs. Any other initiator
    is refused at login: its multipath map never appears, so the volume group or file
    system on it cannot start there, and only a failover to that node shows it. The
    LUN is matched to the node's ``multipaths`` entry by the WWID scsi_id reads for
    LIO's unit serial (``scsi_sn``: ``36001405`` + the serial's hex digits,
    zero-padded). No verdict without ``scsi_sn`` (targetcli then makes a random
    serial) or where neither list is set (CHAP-only targets run permissive).

    Example: the iSCSITarget's ``allowed_initiators="iqn.2023-03.lan.example:xh1
    iqn.2023-03.lan.example:xh2"`` while xh3's initiatorname.iscsi says
    ``iqn.2023-03.lan.example:xh3`` and its multipath.conf has the LUN's WWID.

    Fix: add the node's initiator name to ``allowed_initiators`` of the iSCSITarget
    (and of the iSCSILogicalUnit, so that the two lists agree).
    """
    users = _wwid_users(cluster)
    if not users:
        return
    for item in cluster.docs("cib"):
        prims = _cib(item).primitives
        targets = {p.param("iqn"): p for p in prims if _lio(p, "iSCSITarget")}
        for lu in (p for p in prims if _lio(p, "iSCSILogicalUnit")):
            serial = lu.param("scsi_sn")
            target = targets.get(lu.param("target_iqn"))
            decides = _acl_list(target, lu)
            if not serial or decides is None:
                continue
            p, allowed = decides
            for node, iqn, where in users.get(lio_wwid(serial), []):
                if iqn in allowed:
                    continue
                yield make(
                    "IS021",
                    f"{node} multipaths LUN {lu.param('lun') or '?'} of "
                    f"{lu.param('target_iqn')} ({lu.id}), but allowed_initiators of "
                    f"{p.id} does not name its initiator {iqn}: LIO refuses its login",
                    item.where(_pair(p, "allowed_initiators")),
                    [where],
                )


def _acl_list(target: Primitive | None, lu: Primitive) -> tuple[Primitive, list[str]] | None:
    """The resource whose ``allowed_initiators`` become the target's ACLs, and the list:
    the iSCSITarget's; when it lists no one and runs no CHAP (which makes it
    permissive), the logical unit's; else none (no verdict)."""
    if target is None:
        return None
    own = _allowed(target)
    if own is not None:
        return target, own
    if target.param("incoming_username"):
        return None
    lu_list = _allowed(lu)
    return (lu, lu_list) if lu_list is not None else None


def _wwid_users(cluster: Cluster) -> dict[str, list[tuple[str, str, object]]]:
    """WWID (lower case) -> (node, its initiator name, the multipath entry) of every node
    that names the WWID in its ``multipaths`` and has an initiator name."""
    out: dict[str, list[tuple[str, str, object]]] = {}
    for node, items in sorted(cluster.by_node("multipath").items()):
        named = cluster.first("initiatorname", node) if node else None
        iqn = _initiator(named).name if named is not None else None
        if not iqn:
            continue
        for item in items:
            for m in _mp(item).multipaths:
                if m.wwid:
                    out.setdefault(m.wwid.lower(), []).append((node, iqn, _where(item, m)))
    return out


def _where(item: Loaded, m: object) -> object:
    return item.where(getattr(m, "block", None))
