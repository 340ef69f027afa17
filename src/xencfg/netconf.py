"""Interface addresses from netplan (/etc/netplan/*.yaml: Ubuntu 18.04 on) and from
NetworkManager's keyfiles (/etc/NetworkManager/system-connections/*.nmconnection:
RHEL 9, SLES 16), for :mod:`xencfg.ifaces`, which reads ifupdown's and the
ifcfg files the same way.

netplan is YAML and xencfg has no YAML library among its dependencies, so this reads
only the few keys it needs, in the block style netplan's examples and ``netplan
generate`` use (netplan(5)): ``network:`` > ``ethernets``/``bridges``/``bonds``/
``vlans`` > ID > ``addresses`` (a block or flow sequence; an item may be
``"10.0.0.1/24":`` with options below it), ``set-name``, ``match: name:``, and a bridge's
``interfaces``. The files are read in the order netplan merges them (by file name); the
first address of an interface wins, as in ifaces.py. A flow sequence may go on over
several lines (``addresses: [10.0.0.1/24,`` then ``10.0.0.2/24]``: YAML 1.2's flow
context ignores line breaks, and netplan generates from it), up to :data:`FLOW_LINES`. A
line it cannot place (a tab in the indentation, which YAML forbids and netplan refuses;
an anchor) is skipped: an address it cannot read is one the report says it lacks, never a wrong one.

A keyfile is GLib's key file (NetworkManager's nm-settings-keyfile(5)): ``[connection]``
``interface-name`` names the interface (a profile without one binds to no name: it is
skipped), ``[ipv4]``/``[ipv6]`` ``address1=A/P[,GATEWAY]`` (``addresses1`` and
``addresses`` in older files) its address, ``master``/``controller`` with
``slave-type``/``port-type=bridge`` its bridge (by name, or by the bridge profile's
``uuid``).
"""

from __future__ import annotations

import configparser
import re

from .discover import NodeTree, display_path, etc_file_text
from .syntax.numbers import decimal_or_none

#: interface -> (address, where it was read); as ifaces.Addresses
Addresses = dict[str, tuple[str, str]]
#: netplan's device kinds whose IDs carry addresses
KINDS = ("ethernets", "bridges", "bonds", "vlans")
#: ``KEY:`` or ``KEY: VALUE`` (a key quoted or plain; linear: no nested repeats)
_KEY = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|([^\s"'#:{}\[\],&*!|>][^:#]*)):(?:\s+(.*))?$""")
#: the most of a file read (a netplan file is a few hundred bytes)
LARGEST = 1_000_000
#: a longer line is no netplan setting (and is not matched at all)
LONGEST = 4096
#: the deepest key read (network > KIND > ID > match > name); deeper ones are not
DEPTH = 5
#: the most lines a flow sequence is followed over (an unclosed one is not read)
FLOW_LINES = 64


def netplan(tree: NodeTree, found: Addresses, bridged: dict[str, str]) -> None:
    """Each netplan file's addresses into ``found``, bridge members into ``bridged``."""
    from .ifaces import _address, _sorted

    node = tree.name
    for path in _sorted(tree.etc / "netplan", "*.yaml"):
        text = etc_file_text(tree, path, LARGEST)
        if text is None:
            continue
        where = f"{node}:{display_path(path)}"
        for name, (addresses, ports) in _devices(text).items():
            for value, no in addresses:
                address = _address(value)
                if address is not None:
                    found.setdefault(name, (address, f"{where}:{no}"))
                    break
            for port in ports:
                bridged.setdefault(port, name)


def _devices(text: str) -> dict[str, tuple[list[tuple[str, int]], list[str]]]:
    """Interface name -> (its ``addresses`` items with their lines, a bridge's
    ``interfaces``), of one netplan file."""
    stack: list[tuple[int, str]] = []  # (indent, key) of the open mappings
    seen: dict[tuple[str, str], dict[str, object]] = {}
    flow: tuple[list[str], int, list[str]] | None = None  # (its text, line, key path)
    for no, raw in enumerate(text[:LARGEST].splitlines(), 1):
        line = _uncommented(raw[:LONGEST])
        if flow is not None:  # (a flow sequence that goes on: up to its ']')
            parts, first, at = flow
            parts.append(line.strip())
            if "]" in line:
                _scalar(seen, at, " ".join(parts), first)
            flow = None if "]" in line or len(parts) > FLOW_LINES else flow
            continue
        if not line.strip():
            continue
        body = line.lstrip(" ")
        if body.startswith("\t"):
            return {}  # (YAML forbids tabs in indentation: netplan refuses the file)
        indent = len(line) - len(body)
        if body.startswith("-"):  # a sequence item of the key above it
            item = body[1:].strip()
            while stack and stack[-1][0] > indent:
                stack.pop()
            _item(seen, [k for _, k in stack[:DEPTH]], item, no)
            continue
        m = _KEY.match(body.rstrip())
        if m is None:
            continue
        key = next(g for g in m.groups()[:3] if g is not None).strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = [k for _, k in stack[:DEPTH]] + [key]
        value = (m.group(4) or "").strip()
        if value.startswith("[") and "]" not in value:
            flow = ([value], no, path)
        elif value:
            _scalar(seen, path, value, no)
        stack.append((indent, key))
    out: dict[str, tuple[list[tuple[str, int]], list[str]]] = {}
    for (_kind, ident), d in seen.items():
        name = str(d.get("set-name") or d.get("match") or ident)
        addresses = d.get("addresses", [])
        ports = d.get("interfaces", [])
        if name not in out and isinstance(addresses, list) and isinstance(ports, list):
            out[name] = (addresses, ports)
    return out


def _device(
    seen: dict[tuple[str, str], dict[str, object]], path: list[str]
) -> dict[str, object] | None:
    """The settings of the device ``path`` is inside (network > KIND > ID > ...)."""
    if len(path) < 4 or path[0] != "network" or path[1] not in KINDS:
        return None
    return seen.setdefault((path[1], path[2]), {})


def _item(
    seen: dict[tuple[str, str], dict[str, object]], path: list[str], item: str, no: int
) -> None:
    """``- VALUE`` under ``addresses`` or a bridge's ``interfaces``."""
    d = _device(seen, path)
    if d is None or len(path) != 4 or path[3] not in ("addresses", "interfaces"):
        return
    m = _KEY.match(item)  # ("10.0.0.1/24": with options below it)
    value = _unquoted(next(g for g in m.groups()[:3] if g is not None) if m else item)
    if path[3] == "interfaces" and path[1] != "bridges":
        return
    entry: object = (value, no) if path[3] == "addresses" else value
    listed = d.setdefault(path[3], [])
    if isinstance(listed, list) and len(listed) < 64:  # (the first that reads is taken)
        listed.append(entry)


def _scalar(
    seen: dict[tuple[str, str], dict[str, object]], path: list[str], value: str, no: int
) -> None:
    """``KEY: VALUE`` on one line: a flow sequence (``addresses: [A, B]``), ``set-name``,
    ``match: name``."""
    d = _device(seen, path)
    if d is None:
        return
    key = path[3:]
    if key in (["addresses"], ["interfaces"]) and value.startswith("["):
        if not value.endswith("]") or (key == ["interfaces"] and path[1] != "bridges"):
            return  # (anything after the ']': no sequence netplan reads)
        items = [_unquoted(v) for v in value[1:-1].split(",") if v.strip()]
        d[key[0]] = [(v, no) for v in items] if key == ["addresses"] else items
    elif key == ["set-name"]:
        d["set-name"] = _unquoted(value)
    elif key == ["match", "name"] and not any(c in value for c in "*?["):
        d.setdefault("match", _unquoted(value))


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _uncommented(line: str) -> str:
    """``line`` without its comment: a ``#`` at the start or after a blank, outside
    quotes (YAML's rule)."""
    if "#" not in line:
        return line
    quote = ""
    for i, c in enumerate(line):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


class _KeyFile(configparser.ConfigParser):
    """A keyfile: its keys are case-sensitive (GLib's key file)."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def keyfiles(tree: NodeTree, found: Addresses, bridged: dict[str, str]) -> None:
    """Each NetworkManager keyfile's address into ``found``, bridge ports into ``bridged``."""
    from .ifaces import _address, _sorted

    node = tree.name
    profiles = []
    for path in _sorted(tree.etc / "NetworkManager" / "system-connections", "*.nmconnection"):
        text = etc_file_text(tree, path, LARGEST)
        parser = _KeyFile(interpolation=None, strict=False)
        try:
            parser.read_string((text or "")[:LARGEST])
        except (configparser.Error, ValueError):
            continue  # (NetworkManager skips a keyfile it cannot parse too)
        profiles.append((path, parser))
    uuids = {
        p.get("connection", "uuid", fallback=""): p.get("connection", "interface-name", fallback="")
        for _, p in profiles
    }
    for path, p in profiles:
        iface = p.get("connection", "interface-name", fallback="").strip()
        if not iface:
            continue
        where = f"{node}:{display_path(path)}"
        kind = p.get("connection", "slave-type", fallback="") or p.get(
            "connection", "port-type", fallback=""
        )
        master = p.get("connection", "master", fallback="") or p.get(
            "connection", "controller", fallback=""
        )
        if kind.strip() == "bridge" and master.strip():
            bridged.setdefault(iface, uuids.get(master.strip()) or master.strip())
        for family in ("ipv4", "ipv6"):
            if not p.has_section(family):
                continue
            # (address1, address2, ...: NetworkManager's order; a bare 'addresses' first)
            keys = [k for k in p[family] if re.fullmatch(r"address(es)?\d{0,9}", k)]
            keys.sort(key=lambda k: decimal_or_none(k.lstrip("adres")) or 0)
            for k in keys:
                first = p[family][k].split(";")[0].split(",")[0]
                address = _address(first)
                if address is not None:
                    found.setdefault(iface, (address, f"{where} [{family}] {k}"))
                    break
