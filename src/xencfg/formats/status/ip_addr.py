"""``ip -o addr`` (one line per address) and plain ``ip addr``: read-only.

``2: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0\\ ...`` and the
multi-line form (``2: eth0: <BROADCAST,...> mtu 1500 ...`` then indented
``inet 10.0.0.1/24 ... scope global eth0:1``) give the same list of
:class:`Address`; the label (``eth0:1``) is kept, since heartbeat's IPaddr
puts service addresses on such aliases.
"""

from __future__ import annotations

import ipaddress
import re

import attrs

from ._status import Record, StatusDocument, lines, misplaced, number

FORMAT = "ip-addr"

_IFACE = re.compile(r"^(?P<index>\d+):\s+(?P<name>[^\s:@]+)(?:@\S+?)?:?\s")
_INET = re.compile(
    r"\b(?P<family>inet6?)\s+(?P<addr>[0-9A-Fa-f.:]+)(?:/(?P<prefix>\d+))?(?P<rest>.*)$"
)
_LINK = re.compile(r"^\s*link/")


@attrs.define
class Address(Record):
    """One address on one interface."""

    interface: str
    family: str
    address: str
    prefix: int | None = None
    scope: str | None = None
    #: the alias label (``eth0:1``) or the interface name.
    label: str | None = None


@attrs.define(weakref_slot=False)
class IpAddrDocument(StatusDocument):
    """Parsed ``ip addr`` output."""

    format = FORMAT
    addresses: list[Address] = attrs.Factory(list)

    def holds(self, address: str) -> bool:
        """Whether some interface carries ``address`` (compared as IP addresses)."""
        try:
            want = ipaddress.ip_address(address)
        except ValueError:
            return False
        for a in self.addresses:
            try:
                if ipaddress.ip_address(a.address) == want:
                    return True
            except ValueError:
                continue
        return False


def parse(text: str, path: str | None = None) -> IpAddrDocument:
    """Parse ``ip addr`` output; raises :class:`xencfg.ParseError` for an address line
    before any interface line."""
    doc = IpAddrDocument(path=path, source=text)
    iface: str | None = None
    for no, ln in lines(text):
        if not ln.strip():
            continue
        m = _IFACE.match(ln)
        if m:
            iface = m["name"]
        a = _INET.search(ln)
        if a:
            if iface is None:
                raise misplaced("address before any 'N: interface' line", text, path, no, ln)
            rest = a["rest"].split("\\", 1)[0].split()
            scope = rest[rest.index("scope") + 1] if "scope" in rest[:-1] else None
            label = None
            if scope is not None:
                after = rest[rest.index("scope") + 2 :]
                label = next((w for w in after if w.startswith(iface)), None)
            doc.addresses.append(
                Address(
                    iface,
                    a["family"],
                    a["addr"],
                    number(a["prefix"]),
                    scope,
                    label or iface,
                    line=no,
                )
            )
        elif not m and not _LINK.match(ln) and "valid_lft" not in ln:
            doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    if re.search(r"^\d+:\s+\S+\s.*\binet6?\s+[0-9a-fA-F.:]+/\d+", head, re.M):
        return True  # ip -o addr
    # plain ``ip addr`` (supportconfig's network.txt, sos's ip_address): a link line
    # ``N: NAME: <FLAGS> mtu ...``, then indented ``inet ADDR/PREFIX`` lines
    return (
        re.search(r"^\d+:\s+[^\s:]+(?:@\S+)?:\s+<[^>]*>", head, re.M) is not None
        and re.search(r"^[^\S\n]+inet6?\s+[0-9a-fA-F.:]+/\d+", head, re.M) is not None
    )
