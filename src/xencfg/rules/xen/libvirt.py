"""Guests libvirt's libxl driver defines and the CIB runs with
``ocf:heartbeat:VirtualDomain``: the config each resource names must be on the nodes
that may run it (CB003), and libvirtd must not autostart a guest the cluster starts
(XN019). libvirt's files are not read as a format: the checks look at the node trees'
/etc/libvirt/libxl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..._lazy import lazy_re
from ...cluster import Cluster, Loaded
from ...discover import NodeRoot, OutsideRoot, in_root
from ...findings import Finding
from .. import Once, make

if TYPE_CHECKING:
    from ...formats.cib.model import Primitive
    from ..cib.placement import Placement

#: Where libvirt's libxl driver keeps a defined domain (``NAME.xml``) and the links of
#: the ones it autostarts (libxl_conf.h ``LIBXL_CONFIG_DIR``, ``LIBXL_AUTOSTART_DIR``).
CONFIG_DIR = "/etc/libvirt/libxl"
AUTOSTART_DIR = "/etc/libvirt/libxl/autostart"

#: The domain name VirtualDomain reads from its config: ``egrep
#: '[[:space:]]*<name>.*</name>[[:space:]]*$' | sed`` (resource-agents
#: heartbeat/VirtualDomain ``VirtualDomain_getconfig``), a line, not an XML parse.
_NAME = lazy_re(r"\s*<name>(.*)</name>\s*$")


def _virtual_domains(cluster: Cluster, node: str) -> list[tuple[Loaded, Primitive, str]]:
    """``(CIB, primitive, config)`` for each VirtualDomain resource of the CIBs that say
    what ``node`` runs (its own, else its cluster's)."""
    from ..boot import _items
    from ..documents import cib_doc

    out = []
    for item in _items(cluster, node):
        if item.file.format != "cib":
            continue
        for prim in cib_doc(item).primitives:
            config = prim.param("config")
            if (prim.rclass, prim.type) == ("ocf", "VirtualDomain") and config:
                out.append((item, prim, str(config)))
    return out


def _domain_name(cluster: Cluster, node: str, config: str) -> str | None:
    """The domain a VirtualDomain config names: its ``<name>`` line as the agent reads
    it, from the node's copy; a config of libvirt's own folder that the tree does not
    hold is ``NAME.xml`` (virDomainSaveConfig writes the domain's config there)."""
    from ...errors import XencfgError
    from ...syntax.source import read_text

    tree = cluster.tree(node)
    if tree is not None and config.startswith("/etc/"):
        try:
            path = in_root(tree.etc / config[len("/etc/") :], tree.root, tree.etc)
            text = read_text(path, limit=1 << 20, follow=False)
        except (OutsideRoot, OSError, ValueError, XencfgError):
            text = None
        for line in (text or "").splitlines():
            m = _NAME.match(line)
            if m:
                return m[1]
    where = PurePosixPath(config)
    if str(where.parent) == CONFIG_DIR and where.suffix == ".xml":
        return where.stem
    return None


def libvirt_autostarted(cluster: Cluster) -> Iterator[Finding]:
    """XN019 for a VirtualDomain guest that libvirtd autostarts on a node: a link
    /etc/libvirt/libxl/autostart/NAME.xml (``virsh autostart``)."""
    from .autostart import _entries

    once = Once()
    for node in cluster.nodes:
        tree = cluster.tree(node) if node else None
        if tree is None:
            continue
        links = {PurePosixPath(shown).name: shown for shown, _ in _entries(tree, AUTOSTART_DIR)}
        if not links:
            continue
        for item, prim, config in _virtual_domains(cluster, node):
            name = _domain_name(cluster, node, config)
            shown = links.get(f"{name}.xml") if name else None
            if shown is None or not once((node, name)):
                continue
            yield make(
                "XN019",
                f"domU '{name}' is started by the cluster (VirtualDomain"
                f" '{prim.id}') and by libvirtd on {node} ({shown}, virsh autostart):"
                " whenever libvirtd starts there it starts the guest, a second copy on"
                " the same disk when the cluster runs it on another node",
                item.where(prim),
            )


#: Where libvirt-guests reads its settings (the sysconfig file its script sources,
#: Debian's /etc/default copy).
GUESTS_SETTINGS = ("sysconfig/libvirt-guests", "default/libvirt-guests")


def _guests_settings(tree: NodeRoot) -> tuple[str, dict[str, str]] | None:
    """The node's libvirt-guests settings file and its plain values (``{}`` for no
    file: the script's defaults); ``None`` when a value the shell would expand makes
    them unknown."""
    from ...errors import XencfgError
    from ...formats.lines import shellvars
    from ...syntax.source import read_text

    for rel in GUESTS_SETTINGS:
        try:
            path = in_root(tree.etc / rel, tree.root, tree.etc)
            text = read_text(path, limit=1 << 20, follow=False)
            doc = shellvars.parse(text)
        except (OutsideRoot, OSError, ValueError, XencfgError):
            continue
        values: dict[str, str] = {}
        for name in ("ON_BOOT", "URIS"):
            found = doc.assignment(name)
            if found is not None and found.expands:
                return None
            if found is not None:
                values[name] = str(doc.get(name) or "")
        return f"/etc/{rel}", values
    return "", {}


def libvirt_guests_restart(cluster: Cluster) -> Iterator[Finding]:
    """XN019 for a node whose libvirt-guests starts at boot with ``ON_BOOT=start`` (its
    default) on the Xen connection while the cluster runs VirtualDomain guests there:
    libvirt-guests' ``stop`` lists (and by default, ``ON_SHUTDOWN=suspend``, saves)
    every running guest of ``URIS`` at shutdown and its ``start`` starts each of them
    again at boot (libvirt tools/libvirt-guests.sh.in: ``ON_BOOT=start``,
    ``ON_SHUTDOWN=suspend``, ``URIS=default`` unless the settings say otherwise)."""
    from ...bootlinks import started_at_boot

    once = Once()
    for node in cluster.nodes:
        tree = cluster.tree(node) if node else None
        if tree is None or not started_at_boot(cluster, tree, "libvirt-guests"):
            continue
        settings = _guests_settings(tree)
        if settings is None:
            continue
        where, values = settings
        on_boot = values.get("ON_BOOT", "start").strip()
        uris = values.get("URIS", "default").split()
        if on_boot != "start" or not any(u == "default" or u.startswith("xen") for u in uris):
            continue
        guests = _virtual_domains(cluster, node)
        if not guests or not once(node):
            continue
        item, prim, _ = guests[0]
        said = f" ({where})" if where else " (no settings file: the script's defaults)"
        yield make(
            "XN019",
            f"libvirt-guests starts at boot on {node} with ON_BOOT=start{said}: it"
            " saves or shuts down the guests running at shutdown and starts them again"
            f" at boot, the cluster's VirtualDomain '{prim.id}' included: a second copy"
            " when the cluster has moved the guest meanwhile",
            item.where(prim),
        )


def virtual_domain_config_missing(cluster: Cluster) -> Iterator[Finding]:
    """CB003 for a VirtualDomain resource whose ``config`` (a path below /etc) is not
    on a node the CIB lets it run on, where that node's tree holds the config's folder
    (not a sosreport's: sos's libvirt plugin copies some of /etc/libvirt, never
    libxl/*.xml): the agent's start there fails "Configuration file ... does not exist
    or not readable" with OCF_ERR_INSTALLED (resource-agents heartbeat/VirtualDomain
    ``VirtualDomain_validate_all``), and the node is not used for the guest."""
    from ..cib.common import units
    from ..cib.guests import _param_pair
    from .placement import _drbd_agent, _drbd_hosts, _Hosts, _placement

    hosts = _Hosts(_drbd_hosts(cluster)).hosts
    facts: dict[int, Placement | None] = {}  # by CIB; None: a copy of one placed
    placed: set[str] = set()
    once = Once()
    for unit in units(cluster):
        for item, prim in unit.primitives():
            config = prim.param("config")
            if (prim.rclass, prim.type) != ("ocf", "VirtualDomain") or not config:
                continue
            config = str(config)
            if not config.startswith("/etc/"):
                continue  # (a shared volume's file: the trees do not show it)
            here = _placement(cluster, item, facts, placed)
            if here is None:
                continue
            for node in sorted(here[0].nodes(prim.el, here[1], hosts, _drbd_agent)):
                tree = cluster.tree(node)
                path = tree.etc / config[len("/etc/") :] if tree is not None else None
                if tree is None or path is None or not _holds_folder(tree, path.parent):
                    continue
                try:
                    found = in_root(path, tree.root, tree.etc)
                    if found.is_file():
                        continue
                except (OutsideRoot, OSError, ValueError):
                    pass
                if not once((prim.id, config, node)):
                    continue
                yield make(
                    "CB003",
                    f"VirtualDomain resource '{prim.id}' config '{config}' is not on {node},"
                    " where the CIB may start it: the agent's start there fails (does not"
                    " exist or not readable, not installed) and the guest moves on",
                    item.where(_param_pair(prim, "config") or prim),
                )


def _holds_folder(tree: NodeRoot, folder: Path) -> bool:
    """Whether the node tree holds ``folder`` as the node has it: a folder of the tree
    that is not a sosreport's partial copy (its root holds sos_commands)."""
    if tree.slash is not None and (tree.slash / "sos_commands").is_dir():
        return False
    try:
        return in_root(folder, tree.root, tree.etc).is_dir()
    except (OutsideRoot, OSError, ValueError):
        return False
