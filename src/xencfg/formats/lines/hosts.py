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

import functools
import ipaddress
import socket
from collections.abc import Callable, Iterable
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
    the lint time of a 100,000-line hosts file (hostile3). Addresses are immutable.
    An IPv4 address is read by the C library's ``inet_pton`` first (five times faster):
    it takes the spellings ``ipaddress`` takes, dotted quads without leading zeros
    (the same answer for 200,000 random strings of digits, dots and ``x%:-``)."""
    try:
        return ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, raw))
    except (OSError, ValueError):
        pass
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

    def index(self) -> HostsIndex:
        """The lines by name and by address, read now (:class:`HostsIndex`)."""
        return HostsIndex(self.lines)

    def addresses(self, name: str) -> list[IPAddress]:
        """Every address a line gives ``name`` (case-insensitive), in file order."""
        return self.index().addresses(need_str(name, "addresses(name)"))

    def resolve(self, name: str) -> IPAddress | None:
        """What a forward lookup of ``name`` returns from this file: the first match."""
        return self.index().resolve(need_str(name, "resolve(name)"))

    def names_of(self, address: str | IPAddress) -> list[str]:
        """Every name given to ``address`` (canonical names first, in file order)."""
        return self.index().names_of(address)

    def short_names(self, address: str | IPAddress) -> set[str]:
        """The names of ``address`` with their domain cut off too (``host1.example`` -> host1)."""
        return self.index().short_names(address)

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
        """``(line, names, earlier)``: see :meth:`HostsIndex.shadowed`."""
        return self.index().shadowed()

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "hosts": [
                {"address": line.key, "canonical": line.canonical, "aliases": line.aliases}
                for line in self.lines
            ],
        }


def stem(name: str) -> str:
    """The host a name stands for at most, as cluster files name a node's other
    interfaces: lower case, without the domain and anything from the first ``-`` or ``_``
    (``xen1-drbd``, ``xen1_hb.example`` -> ``xen1``; ``dom0-a-san`` -> ``dom0``)."""
    return name.split(".", 1)[0].lower().split("-", 1)[0].split("_", 1)[0]


class HostsIndex:
    """A hosts file's lines by name and by address, read once.

    The document's questions (:meth:`HostsDocument.resolve`, ...) walk every line; code
    that asks many of one file holds its index instead: a lint run's rules and model (one
    per file and run, :func:`xencfg.cluster.hosts_index`) and migrate's stack conversion
    (one per node, ``NodeFiles.hosts_index``). On a 100,000-line file the rules walked
    every line once per node and name (11 s of lint), migrate once per member (5,000
    ha.cf nodes against 50,000 lines: over 300 s). Each table is built on first use. A
    snapshot: the document's edits after it are not in it. Scoped lines (which the
    resolver ignores) are in the tables; the questions leave them out.
    """

    def __init__(self, lines: list[HostLine]) -> None:
        #: ``(line, address)`` of each line whose first word is an address, in file order
        self.addressed: list[tuple[HostLine, IPAddress]] = []
        for line in lines:
            addr = line.address
            if addr is not None:
                self.addressed.append((line, addr))

    @functools.cached_property
    def _by_address(self) -> dict[IPAddress, list[int]]:
        """Address -> the places in :attr:`addressed` of its lines."""
        out: dict[IPAddress, list[int]] = {}
        for i, (_, addr) in enumerate(self.addressed):
            out.setdefault(addr, []).append(i)
        return out

    @functools.cached_property
    def _by_name(self) -> dict[str, list[int]]:
        """Lower-case name -> the places in :attr:`addressed` of the lines naming it."""
        return self._places(str.lower)

    @functools.cached_property
    def _by_stem(self) -> dict[str, list[int]]:
        """:func:`stem` of each name -> the places of the lines with such a name."""
        return self._places(stem)

    def _places(self, key: Callable[[str], str]) -> dict[str, list[int]]:
        """``key`` of each name -> the places of the lines with such a name, once each."""
        out: dict[str, list[int]] = {}
        for i, (line, _) in enumerate(self.addressed):
            for name in line.values:
                places = out.get(k := key(name))
                if places is None:
                    out[k] = [i]
                elif places[-1] != i:
                    places.append(i)
        return out

    def named(self, name: str) -> list[tuple[HostLine, IPAddress]]:
        """The lines that give ``name`` (any case) an address, in file order."""
        return [self.addressed[i] for i in self._by_name.get(name.lower(), ())]

    def at(self, address: IPAddress) -> list[HostLine]:
        """The lines of ``address``, in file order."""
        return [self.addressed[i][0] for i in self._by_address.get(address, ())]

    def select(
        self, hosts: Iterable[str] = (), addresses: Iterable[IPAddress] = ()
    ) -> list[tuple[HostLine, IPAddress]]:
        """The lines that may stand for one of ``hosts`` (one of their names has its
        :func:`stem`: ``xen1-drbd`` may stand for ``xen1`` or ``xen1-drbd``) or give one
        of ``addresses``, in file order. Callers judge each line: more may come."""
        found = {i for h in hosts for i in self._by_stem.get(stem(h), ())}
        found.update(i for a in addresses for i in self._by_address.get(a, ()))
        return [self.addressed[i] for i in sorted(found)]

    def addresses(self, name: str) -> list[IPAddress]:
        """Every address a line gives ``name`` (case-insensitive), in file order."""
        out: list[IPAddress] = []
        for line, addr in self.named(name):
            if addr not in out and not line.scoped:
                out.append(addr)
        return out

    def resolve(self, name: str) -> IPAddress | None:
        """What a forward lookup of ``name`` returns from this file: the first match."""
        found = self.addresses(name)
        return found[0] if found else None

    def names_of(self, address: str | IPAddress) -> list[str]:
        """Every name given to ``address`` (canonical names first, in file order)."""
        want = parse_address(str(address))
        out: list[str] = []
        for line in self.at(want) if want is not None else ():
            if not line.scoped:
                out.extend(n for n in line.values if n not in out)
        return out

    def short_names(self, address: str | IPAddress) -> set[str]:
        """The names of ``address`` with their domain cut off too (``host1.example`` -> host1)."""
        names = self.names_of(address)
        return {n.split(".", 1)[0].lower() for n in names} | {n.lower() for n in names}

    def shadowed(self) -> list[tuple[HostLine, list[str], HostLine]]:
        """``(line, names, earlier)``: names of ``line`` that an earlier line of the
        same address family already answers with another address. A forward
        lookup returns the first match, so ``line`` never answers for them.
        Only lines sharing a :func:`stem` with another line are read again (lines that
        share a name do: the stem table serves :meth:`select` too)."""
        first: dict[tuple[int, str], tuple[HostLine, IPAddress]] = {}
        later: set[int] = set()
        for places in self._by_stem.values():
            if len(places) > 1:
                later.update(places)
        out: list[tuple[HostLine, list[str], HostLine]] = []
        for i in sorted(later):
            line, address = self.addressed[i]
            if line.scoped:
                continue
            by_earlier: dict[int, tuple[HostLine, list[str]]] = {}
            for name in line.values:
                # IPv4 and IPv6 lookups are separate: ``localhost`` may be both
                earlier, had = first.setdefault((address.version, name.lower()), (line, address))
                if earlier is not line and had != address:
                    by_earlier.setdefault(id(earlier), (earlier, []))[1].append(name)
            out.extend((line, names, earlier) for earlier, names in by_earlier.values())
        return out


parse = parser_for(HostsDocument)
