"""A guest's bridge that one node's network configuration does not make (XN021)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from ...cluster import Cluster
from ...findings import Finding
from .. import make, rule
from ..documents import domu_doc as _domu
from ..documents import xend_doc as _xend
from .common import _domus, _label, _where

#: xend network scripts that make no bridge (the distribution's files make them).
_NO_BRIDGE_SCRIPTS = ("/bin/true", "true", "/bin/false", ":", "network-dummy")


@rule("XN021", "vif-bridge-missing", "warning", scope="cluster")
def vif_bridge_missing(cluster: Cluster) -> Iterator[Finding]:
    """A domU config on a node names a vif bridge that the node's network
    configuration does not make, while another node's does.

    Why it matters: Xen's hotplug script attaches the guest's interface to the bridge
    its vif names and fails when there is no such device: "Could not find bridge
    device xenbr1" (tools/hotplug/Linux/vif-bridge, ``ip link show $bridge``; a
    missing ``xenbrN`` is taken as ``ethN`` only where ``ethN`` is a bridge). xl and
    xend then refuse to start the guest, and a live migration to that node fails: the
    node a fail-over picks cannot run the guest, although the nodes look alike.

    Judged on each node that holds the domU config and whose own network files make
    bridges (Debian's interfaces and interfaces.d with ``bridge_ports``, ifcfg files
    of ``TYPE=Bridge`` or named by a port's ``BRIDGE=``, netplan and NetworkManager
    bridges), for a vif with ``bridge=`` and the vif-bridge script, when another node
    of the run makes that bridge in its files; not where xend's ``network-script``
    makes bridges itself (network-bridge), and not for an Open vSwitch or routed vif
    (``script=``).

    Example: xen1's /etc/network/interfaces has ``iface xenbr1`` with
    ``bridge_ports eth1``; xen2's only ``xenbr0``; the guest's ``vif =
    ['mac=00:16:3e:00:00:01,bridge=xenbr1']`` is on both.

    Fix: make the bridge on every node that may run the guest (the same stanza in
    its network configuration), or name a bridge they all have.
    """
    from ...discover import NodeTree
    from ...ifaces import bridges

    domus = [item for item in _domus(cluster) if item.node]
    if not domus:
        return
    made: dict[str, dict[str, str]] = {}
    for name in cluster.nodes:
        root = cluster.tree(name)
        if root is not None:
            made[name] = bridges(NodeTree(name, root.root, root.etc))
    for item in domus:
        node = item.node
        here = made.get(node or "")
        if not node or not here or _xend_makes_bridges(cluster, node):
            continue
        for i, vif in enumerate(_domu(item).vifs):
            bridge = vif.bridge
            if not bridge or PurePosixPath(vif.script or "vif-bridge").name != "vif-bridge":
                continue
            if bridge in here or (bridge.startswith("xenbr") and f"eth{bridge[5:]}" in here):
                continue
            others = sorted((n, b[bridge]) for n, b in made.items() if n != node and bridge in b)
            if not others:
                continue
            yield make(
                "XN021",
                f"vif {i} of domU {_label(item)} on {node} names bridge {bridge}, which"
                f" {node}'s network files do not make (they make {', '.join(sorted(here))});"
                f" {others[0][0]}'s do ({others[0][1]}): vif-bridge fails there ('Could"
                f" not find bridge device {bridge}') and the guest cannot start or"
                f" migrate to {node}",
                _where(item, "vif"),
            )


def _xend_makes_bridges(cluster: Cluster, node: str) -> bool:
    """Whether the node's xend runs a network-script that makes bridges (network-bridge
    names them by release and arguments: their names are not in the files)."""
    for item in cluster.docs("xend"):
        if item.node == node:
            script = _xend(item).network_script
            if script and script.split()[0] not in _NO_BRIDGE_SCRIPTS:
                return True
    return False
