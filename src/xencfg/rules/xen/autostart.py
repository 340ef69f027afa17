"""Guests the cluster starts that xendomains also starts when a node boots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ...bootlinks import started_at_boot
from ...cluster import Cluster, Loaded
from ...discover import NodeRoot, OutsideRoot, in_root
from ...findings import Finding, Location
from .. import make, rule
from ..documents import domu_doc as _domu
from .common import _domus, _where

#: Where xendomains looks when its settings do not say (XENDOMAINS_AUTO of Xen's
#: tools/hotplug/Linux/init.d/sysconfig.xendomains, SUSE's and Debian's alike).
AUTO_DIR = "/etc/xen/auto"

#: The files of a node that hold xendomains' settings.
XENDOMAINS_SETTINGS = ("sysconfig/xendomains", "default/xendomains")


def _cluster_guests(cluster: Cluster) -> dict[str, Location]:
    """The domU names the cluster starts, with the resource that starts each: a CIB
    ``Xen`` primitive (its ``name``, else its xmfile's ``name =``, else the xmfile's
    base name, as the Xen agent finds it) and a haresources ``Xen::XMFILE``."""
    from ..cib.common import units
    from ..cib.guests import _domu_for
    from ..documents import haresources_doc

    out: dict[str, Location] = {}

    def add(xmfile: str | None, name: str | None, where: Location) -> None:
        if name:
            out.setdefault(name, where)
            return
        if not xmfile:
            return
        named = {str(_domu(d).name) for d in _domu_for(cluster, xmfile) if _domu(d).name}
        for found in named or {PurePosixPath(xmfile).name}:
            out.setdefault(found, where)

    for unit in units(cluster):
        for item, prim in unit.primitives():
            if prim.is_xen:
                add(prim.xmfile, prim.param("name"), item.where(prim))
    for item in cluster.docs("haresources"):
        for group in haresources_doc(item).groups:
            for res in group.resources:
                if res.type == "Xen" and res.args:
                    add(res.args[0], None, item.where(group.entries[0]))
    return out


def _auto_dir(cluster: Cluster, tree: NodeRoot, node: str | None) -> str | None:
    """The folder xendomains starts guests from on this node (``None``: none)."""
    from ..documents import shellvars_doc

    for item in cluster.docs("shellvars"):
        if item.node != node or item.file.tree is not tree:
            continue
        if item.file.path.relative_to(tree.etc).as_posix() in XENDOMAINS_SETTINGS:
            value = shellvars_doc(item).get("XENDOMAINS_AUTO")
            if value is not None:
                return value.strip() or None
    return AUTO_DIR


def _entries(tree: NodeRoot, folder: str) -> Iterator[tuple[str, Path]]:
    """Each guest config in ``folder`` (a path on the node) as the node sees it: the
    name on the node and the file it resolves to in the tree."""
    if not folder.startswith("/etc/"):
        return
    here = tree.etc / folder[len("/etc/") :]
    try:
        names = sorted(os.listdir(here))
    except OSError:
        return
    for name in names:
        if name.startswith("."):
            continue
        try:
            yield f"{folder.rstrip('/')}/{name}", in_root(here / name, tree.root, tree.etc)
        except (OutsideRoot, OSError, ValueError):
            continue


def _file_id(path: Path) -> tuple[int, int] | None:
    """The file a path is on disk (device, inode), links followed; ``None``: none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@rule("XN019", "cluster-domu-autostarted", "warning", scope="cluster", hazard=True)
def cluster_domu_autostarted(cluster: Cluster) -> Iterator[Finding]:
    """A domU the cluster starts is also in xendomains' auto folder (/etc/xen/auto).

    Why it matters: xendomains starts every config in ``XENDOMAINS_AUTO`` when the node
    boots (Xen's tools/hotplug/Linux/init.d/xendomains ``start``: ``for dom in
    $XENDOMAINS_AUTO/*`` ... ``xm create``/``xl create``), asking only whether the guest
    runs on this node. When a node comes back after a failover, the cluster already runs
    the guest elsewhere and xendomains starts a second copy on the same disk (on shared
    storage: two guests writing one filesystem); when it does not, the cluster finds the
    guest running where it did not start it and stops it. The cluster manager must be
    the only thing that starts a guest it manages (the Xen agent's and the DRBD user's
    guide's set-ups leave /etc/xen/auto empty).

    Judged on node trees: the folder is ``XENDOMAINS_AUTO`` of the node's
    sysconfig/default ``xendomains`` (default /etc/xen/auto); nothing is said when the
    tree holds the init system's boot links and xendomains is not among them (the
    service is off). A cluster that runs xendomains itself as its resource (haresources
    ``xendomains``) manages no guest by name and is not judged.

    Example: ``<primitive id="vm-web" class="ocf" provider="heartbeat" type="Xen">``
    with ``xmfile=/etc/xen/vm/web`` and a link ``/etc/xen/auto/web -> ../vm/web``.

    Fix: remove the guest from /etc/xen/auto on every node (``rm /etc/xen/auto/web``),
    or switch xendomains off at boot if nothing else uses it.
    """
    if not cluster.has("xm") and not cluster.has("xl"):
        return
    guests = _cluster_guests(cluster)
    if not guests:
        return
    trees: dict[int, tuple[NodeRoot, str | None, dict[tuple[int, int], Loaded]]] = {}
    for d in _domus(cluster):
        if d.file.tree is not None:
            configs = trees.setdefault(id(d.file.tree), (d.file.tree, d.node, {}))[2]
            key = _file_id(d.file.path)
            if key is not None:
                configs.setdefault(key, d)
    for tree, node, configs in trees.values():
        if started_at_boot(tree, "xendomains") is False:
            continue
        folder = _auto_dir(cluster, tree, node)
        for shown, real in _entries(tree, folder) if folder else ():
            key = _file_id(real)
            config = configs.get(key) if key is not None else None
            name = str(_domu(config).name) if config is not None and _domu(config).name else None
            if config is None or name not in guests:
                continue
            yield make(
                "XN019",
                f"domU '{name}' is started by the cluster and by xendomains at boot"
                f" ({shown}): a node that comes back after a failover starts a second"
                " copy of the guest on the same disk",
                _where(config, "name"),
                [guests[name]],
            )
