"""Guests the cluster starts that xendomains also starts when a node boots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ...bootlinks import started_at_boot
from ...cluster import Cluster, Loaded
from ...discover import NodeRoot, OutsideRoot, in_root
from ...findings import Finding, Location
from ...xendomains import SETTINGS, auto_only, saved_and_restored
from .. import make, rule
from ..documents import domu_doc as _domu
from .common import _domus, _where

#: Where xendomains looks when its settings do not say (XENDOMAINS_AUTO of Xen's
#: tools/hotplug/Linux/init.d/sysconfig.xendomains, SUSE's and Debian's alike).
AUTO_DIR = "/etc/xen/auto"


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


def _settings(cluster: Cluster, tree: NodeRoot, node: str | None) -> Loaded | None:
    """The node's xendomains settings file (sysconfig or default), if the tree has one."""
    for item in cluster.docs("shellvars"):
        if item.node != node or item.file.tree is not tree:
            continue
        if item.file.path.relative_to(tree.etc).as_posix() in SETTINGS:
            return item
    return None


def _auto_dir(settings: Loaded | None) -> str | None:
    """The folder xendomains starts guests from on this node (``None``: none)."""
    from ..documents import shellvars_doc

    value = shellvars_doc(settings).get("XENDOMAINS_AUTO") if settings is not None else None
    if value is not None:
        return value.strip() or None
    return AUTO_DIR


def _saves_and_restores(settings: Loaded | None) -> Location | None:
    """Where the settings have xendomains save every running guest at shutdown and
    restore the images at boot (:func:`xencfg.xendomains.saved_and_restored`, and not
    only the guests of ``XENDOMAINS_AUTO``)."""
    from ..documents import shellvars_doc

    if settings is None:
        return None
    doc = shellvars_doc(settings)
    save = saved_and_restored(doc)
    return None if save is None or auto_only(doc) else settings.where(save)


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
    tree holds the init system's boot links (runlevel links, OpenRC's runlevels,
    systemd wants: see HB018) and xendomains is not among them (the service is off). A
    cluster that runs xendomains itself as its resource (haresources ``xendomains``)
    manages no guest by name and is not judged.

    So is a guest an ``ocf:heartbeat:VirtualDomain`` resource runs that libvirtd
    autostarts on a node (a link /etc/libvirt/libxl/autostart/NAME.xml, ``virsh
    autostart``; NAME is the ``<name>`` of the resource's config, as the agent reads
    it): libvirt's libxl driver starts each autostart domain that is not running there
    whenever libvirtd starts (src/libxl/libxl_driver.c ``libxlAutostartDomain``:
    ``vm->autostart && !virDomainObjIsActive(vm)``), at boot or when the cluster
    starts it, whether or not the cluster runs the guest on another node. Fix: ``virsh
    autostart --disable NAME`` on every node. And so is a node where libvirt-guests
    starts at boot (its boot link) with ``ON_BOOT=start``, the default, on the Xen
    connection (``URIS`` default or xen) while the cluster runs VirtualDomain guests
    there: its ``stop`` saves (``ON_SHUTDOWN=suspend``, the default) or shuts down
    every running guest and its ``start`` starts them all again at boot (libvirt
    tools/libvirt-guests.sh.in), as xendomains' save and restore do. Fix:
    ``ON_BOOT=ignore`` in /etc/sysconfig/libvirt-guests, or disable the service.

    Example: ``<primitive id="vm-web" class="ocf" provider="heartbeat" type="Xen">``
    with ``xmfile=/etc/xen/vm/web`` and a link ``/etc/xen/auto/web -> ../vm/web``.

    So is a node whose xendomains saves the guests at shutdown and restores them at
    boot (``XENDOMAINS_SAVE`` set, ``XENDOMAINS_RESTORE=true``, as Debian's and
    Ubuntu's /etc/default/xendomains ship, without ``XENDOMAINS_AUTO_ONLY=true``):
    Xen's xendomains script ``stop`` runs ``xl save``/``xm save`` on every running
    domain, the cluster's too, and its unit is not ordered against the cluster's, so
    a reboot can suspend a guest to a file while the cluster stops or moves it (the
    agent finds it gone and the guest restarts on the peer from its disk, losing what
    it had not written); at boot ``start`` restores every saved image before the
    cluster runs, a second copy of a guest that now runs on the peer (on shared
    storage two guests write one disk; on DRBD the restore fails on the Secondary).

    Fix: remove the guest from /etc/xen/auto on every node (``rm /etc/xen/auto/web``),
    set ``XENDOMAINS_SAVE=`` (empty) or ``XENDOMAINS_RESTORE=false`` (or
    ``XENDOMAINS_AUTO_ONLY=true``), or switch xendomains off at boot if nothing else
    uses it.
    """
    from .libvirt import libvirt_autostarted, libvirt_guests_restart

    yield from libvirt_autostarted(cluster)
    yield from libvirt_guests_restart(cluster)
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
        if started_at_boot(cluster, tree, "xendomains") is False:
            continue
        settings = _settings(cluster, tree, node)
        saved = _saves_and_restores(settings)
        here = sorted({str(_domu(c).name) for c in configs.values() if _domu(c).name} & set(guests))
        if saved is not None and here:
            yield make(
                "XN019",
                f"xendomains saves every running guest at shutdown and restores it at boot"
                f" (XENDOMAINS_SAVE set, XENDOMAINS_RESTORE=true), the cluster's"
                f" {', '.join(here)} included: a guest saved while the cluster moves it is"
                " restarted elsewhere from its disk, and the node that comes back restores"
                " a second copy",
                saved,
                [guests[n] for n in here],
            )
        folder = _auto_dir(settings)
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
