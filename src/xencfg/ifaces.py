"""Each network interface's address from a node's own network configuration, for the
ring addresses of ha.cf's ``bcast IFACE`` and ``mcast IFACE ...`` paths (which name an
interface, not an address).

Read: Debian's /etc/network/interfaces and interfaces.d/* (``iface NAME inet static``
stanzas with ``address A[/P]``, ifupdown's interfaces(5)), Red Hat's
/etc/sysconfig/network-scripts/ifcfg-* and SUSE's /etc/sysconfig/network/ifcfg-*
(``IPADDR``, ``IPADDR0``/``IPADDR_x``, ``DEVICE``: initscripts' ifup-eth and
sysconfig's ifcfg(5)). An interface enslaved to a bridge (Debian's ``bridge_ports``, Red
Hat's ``BRIDGE=br0`` on the port, SUSE's ``BRIDGE_PORTS`` on the bridge) carries no
address itself: a Xen dom0's is on the bridge, so the bridge's is taken. netplan's YAML
and NetworkManager's keyfiles are read by :mod:`xencfg.netconf`.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from .discover import NodeTree, display_path, etc_file_text
from .netconf import keyfiles, netplan

#: interface -> (address, where it was read: ``node:path:line`` or ``node:path``)
Addresses = dict[str, tuple[str, str]]


def interface_addresses(tree: NodeTree) -> Addresses:
    """The addresses the node's network configuration gives each interface (IPv4 or
    IPv6, the prefix length cut off), the first one of each; bridge members get their
    bridge's. Files are read inside the node tree only (``etc_file_text``)."""
    net = _read(tree)
    found, bridged = net.found, net.bridged
    for member, bridge in bridged.items():
        if member not in found and bridge in found:
            address, where = found[bridge]
            found[member] = (address, f"{where} (bridge {bridge} of {member})")
    return found


def bridges(tree: NodeTree) -> dict[str, str]:
    """The bridges the node's network configuration makes, each with where: a Debian
    stanza with ``bridge_ports`` (``none`` too), an ifcfg file of ``TYPE=Bridge`` (SUSE:
    ``BRIDGE=yes``) or one a port names by ``BRIDGE=`` (initscripts' ifup-eth adds a
    bridge that does not exist yet), a netplan or keyfile bridge with members."""
    net = _read(tree)
    made = dict(net.made)
    for bridge in net.bridged.values():
        made.setdefault(bridge, f"{tree.name}: a member's bridge")
    return made


@attrs.define
class _Net:
    """What a node's network files say, filled file by file."""

    found: Addresses = attrs.Factory(dict)
    #: member interface -> its bridge
    bridged: dict[str, str] = attrs.Factory(dict)
    #: bridge -> where a stanza makes it
    made: dict[str, str] = attrs.Factory(dict)


def _read(tree: NodeTree) -> _Net:
    """Every network file of the node once."""
    net = _Net()
    etc, node = tree.etc, tree.name
    for path in [etc / "network" / "interfaces", *_sorted(etc / "network" / "interfaces.d")]:
        _debian(node, path, etc_file_text(tree, path, _LIMIT), net)
    for folder in (etc / "sysconfig" / "network-scripts", etc / "sysconfig" / "network"):
        for path in _sorted(folder, "ifcfg-*"):
            _ifcfg(node, path, etc_file_text(tree, path, _LIMIT), net)
    netplan(tree, net.found, net.bridged)  # (netconf.py: Ubuntu's netplan, NM's keyfiles)
    keyfiles(tree, net.found, net.bridged)
    return net


#: The most read of one network file: far above any real one.
_LIMIT = 1 << 20


def _sorted(folder: Path, pattern: str = "*") -> list[Path]:
    try:
        return sorted(folder.glob(pattern))
    except OSError:
        return []


def _address(value: str) -> str | None:
    """``10.0.0.1/24`` -> ``10.0.0.1``; None for what is no address, or a link-local one
    (fe80::/10, 169.254/16: no ring address, it needs the interface named with it), or
    one no peer can reach (``::``, 0.0.0.0, loopback, multicast)."""
    import ipaddress

    try:
        ip = ipaddress.ip_interface(value.strip().strip("'\"")).ip
    except ValueError:
        return None
    if ip.is_link_local or ip.is_unspecified or ip.is_loopback or ip.is_multicast:
        return None
    return str(ip).split("%")[0]


def _debian(node: str, path: Path, text: str | None, net: _Net) -> None:
    """interfaces(5): ``iface NAME FAMILY METHOD`` opens a stanza its option lines
    (``address``, ``bridge_ports``; ifupdown2 spells it ``bridge-ports``) belong to,
    up to the next ``iface``, ``auto``, ``mapping``, ``allow-*`` or ``source`` line."""
    if text is None:
        return
    where = f"{node}:{display_path(path)}"
    iface = None
    for no, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words[0] == "iface" and len(words) >= 2:
            iface = words[1]
        elif words[0] in ("auto", "mapping", "source", "source-directory") or words[0].startswith(
            "allow-"
        ):
            iface = None
        elif iface is not None and words[0] == "address" and len(words) >= 2:
            address = _address(words[1])
            if address is not None and iface not in net.found:
                net.found[iface] = (address, f"{where}:{no}")
        elif iface is not None and words[0] in ("bridge_ports", "bridge-ports"):
            net.made.setdefault(iface, f"{where}:{no}")
            for port in words[1:]:
                if port != "none":
                    net.bridged.setdefault(port, iface)


def _ifcfg(node: str, path: Path, text: str | None, net: _Net) -> None:
    """An ifcfg file: ``DEVICE`` (else the file's suffix) names the interface;
    ``IPADDR`` or the first ``IPADDR<suffix>`` its address; ``BRIDGE`` its bridge;
    ``TYPE=Bridge`` (SUSE: ``BRIDGE=yes``) makes it one."""
    import xencfg

    from .errors import XencfgError

    if text is None:
        return
    try:
        doc = xencfg.loads(text, "shellvars")
    except XencfgError:
        return
    iface = (doc.get("DEVICE") or path.name.removeprefix("ifcfg-")).strip("'\"")
    bridge = (doc.get("BRIDGE") or "").strip("'\"")
    if bridge and bridge.lower() not in ("yes", "no"):  # (SUSE: BRIDGE='yes')
        net.bridged.setdefault(iface, bridge)
    if bridge.lower() == "yes" or (doc.get("TYPE") or "").strip("'\"").lower() == "bridge":
        net.made.setdefault(iface, f"{node}:{display_path(path)}")
    for port in (doc.get("BRIDGE_PORTS") or "").split():  # (SUSE's bridge names its ports)
        net.bridged.setdefault(port, iface)
    keys = {a.name for a in doc.assignments()}
    names = ["IPADDR", *sorted(k for k in keys if k.startswith("IPADDR") and k != "IPADDR")]
    for name in names:
        value = doc.get(name)
        address = _address(value) if value else None
        if address is not None:
            net.found.setdefault(iface, (address, f"{node}:{display_path(path)} {name}"))
            return
