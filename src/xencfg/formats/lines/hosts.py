"""/etc/hosts: addresses and the names that resolve to them.

The cross-file checks need it to tell whether the address DRBD, OCFS2 or
heartbeat puts under a node really is that node's. Each line is an address,
a canonical name and aliases; glibc's reader (``nss_files``) cuts a line at
the first ``#`` wherever it is and splits on blanks, the same line syntax as
ha.cf, so the shared ``lines`` grammar parses it.

A name lookup returns the *first* line that names it; later lines for the
same name never answer a forward lookup (the s002 seed maps ``host1`` to
two addresses, and only the first is ever used). :meth:`HostsDocument.addresses`
lists them all, :meth:`HostsDocument.resolve` gives what the resolver gives.

glibc reads the address with ``inet_pton`` (files-hosts.c ``LINE_PARSER``: "Illegal
address: ignore line"), which takes no IPv6 scope: a ``fe80::1%eth0`` line names
nothing for the resolver, and lookups here skip it as glibc does.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

import attrs

from ...errors import ValidationError, need_str
from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ._base import LineDocument, LineStyle, parser_for

FORMAT = "hosts"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=1 << 17)
def parse_address(raw: str) -> IPAddress | None:
    """The address of a hosts line (IPv6 scope ids such as ``fe80::1%eth0`` allowed).

    Cached: the cross-file rules ask every line's address once per node and name
    (ten parses a line on a two-node tree), and ``ipaddress`` parsing was most of
    the lint time of a 100,000-line hosts file (hostile3). Addresses are immutable."""
    try:
        return ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return None


class HostLine(Entry):
    """``ADDRESS CANONICAL [ALIAS...]``: the key is the address, the values the names."""

    __slots__ = ()

    @property
    def address(self) -> IPAddress | None:
        """The parsed address (``None`` when the first word is not one)."""
        return parse_address(self.key)

    @property
    def scoped(self) -> bool:
        """An IPv6 address with a ``%scope``: glibc's ``inet_pton`` refuses it and
        the resolver ignores the whole line."""
        return "%" in self.key and self.address is not None

    @property
    def canonical(self) -> str | None:
        """The official name: what a reverse lookup of the address returns."""
        return self.values[0] if self.values else None

    @property
    def aliases(self) -> list[str]:
        return list(self.values[1:])

    @property
    def names(self) -> list[str]:
        """Canonical name and aliases."""
        return list(self.values)


#: Canonical form: address, a tab, the names separated by blanks.
HOSTS_STYLE = LineStyle(indent="", separator="\t")


@attrs.define(weakref_slot=False)
class HostsDocument(LineDocument):
    """A parsed /etc/hosts."""

    format = FORMAT
    style = HOSTS_STYLE

    @classmethod
    def entry_class(cls, key: str) -> type[Entry]:
        return HostLine

    @property
    def lines(self) -> list[HostLine]:
        """Every host line in file order."""
        return [e for e in self.entries() if isinstance(e, HostLine)]

    def addresses(self, name: str) -> list[IPAddress]:
        """Every address a line gives ``name`` (case-insensitive), in file order."""
        low = need_str(name, "addresses(name)").lower()
        out: list[IPAddress] = []
        for line in self.lines:
            addr = line.address
            if line.scoped:
                continue
            if addr is not None and addr not in out and low in (n.lower() for n in line.names):
                out.append(addr)
        return out

    def resolve(self, name: str) -> IPAddress | None:
        """What a forward lookup of ``name`` returns from this file: the first match."""
        found = self.addresses(need_str(name, "resolve(name)"))
        return found[0] if found else None

    def names_of(self, address: str | IPAddress) -> list[str]:
        """Every name given to ``address`` (canonical names first, in file order)."""
        want = parse_address(str(address))
        out: list[str] = []
        for line in self.lines:
            if want is not None and line.address == want and not line.scoped:
                out.extend(n for n in line.names if n not in out)
        return out

    def short_names(self, address: str | IPAddress) -> set[str]:
        """The names of ``address`` with their domain cut off too (``host1.example`` -> host1)."""
        return {n.split(".", 1)[0].lower() for n in self.names_of(address)} | {
            n.lower() for n in self.names_of(address)
        }

    def add_host(self, address: str, canonical: str, *aliases: str) -> HostLine:
        """Append a line for ``address`` (after the last line)."""
        for word in (address, canonical, *aliases):
            need_str(word, "add_host(address, canonical, *aliases)")
        if parse_address(address) is None:
            raise ValidationError(f"{address!r} is not an IP address")
        self.check(address, [canonical, *aliases])
        line = HostLine(address, [canonical, *aliases])
        self.children.append(line)
        return line

    def value_problems(self) -> list[ValueProblem]:
        """Lines the resolver cannot use: a first word that is no address, no name."""
        out: list[ValueProblem] = []
        for line in self.lines:
            if line.address is None:
                out.append(ValueProblem(line, f"{line.key!r} is not an IP address"))
            elif not line.values:
                out.append(ValueProblem(line, f"address {line.key} has no name"))
            elif line.scoped:
                out.append(
                    ValueProblem(
                        line,
                        f"glibc ignores this line: {line.key!r} has a scope id, which "
                        "inet_pton does not take, so no lookup finds "
                        f"{', '.join(line.names)} here",
                        harmless=True,
                    )
                )
        return out

    def shadowed(self) -> list[tuple[HostLine, list[str], HostLine]]:
        """``(line, names, earlier)``: names of ``line`` that an earlier line of the
        same address family already answers with another address. A forward
        lookup returns the first match, so ``line`` never answers for them."""
        out: list[tuple[HostLine, list[str], HostLine]] = []
        first: dict[str, HostLine] = {}
        for line in self.lines:
            if line.address is None or line.scoped:
                continue
            by_earlier: dict[int, tuple[HostLine, list[str]]] = {}
            for name in line.names:
                # IPv4 and IPv6 lookups are separate: ``localhost`` may be both
                earlier = first.setdefault(f"{line.address.version}:{name.lower()}", line)
                if earlier is not line and earlier.address != line.address:
                    by_earlier.setdefault(id(earlier), (earlier, []))[1].append(name)
            out.extend((line, names, earlier) for earlier, names in by_earlier.values())
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "hosts": [
                {"address": line.key, "canonical": line.canonical, "aliases": line.aliases}
                for line in self.lines
            ],
        }


parse = parser_for(HostsDocument)
