"""Typed views over drbd.conf sections: resources, hosts, volumes, connections, and drbdadm's
inheritance.

The properties of one keyword (``device``, ``disk``, ``node_id``) are
:class:`~xencfg.formats.view.Setting` descriptors whose release facts and
default come from :data:`~.keywords.SCHEMA`; the others read more than one
statement and stay properties: ``meta_disk`` (``meta-disk`` or
``flexible-meta-disk``), ``address`` (a statement, or a ``floating``
section's head, as a live view that edits its words) and ``protocol`` (the
resource's, its ``net``'s, else ``common``'s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ...errors import ValidationError
from ...syntax.blocks import (
    Block,
    ComputedView,
    Entry,
    LiveSections,
    last_block,
)
from ..schema import V, Version
from ..view import INT, Setting, ValueType, View
from .keywords import HOST_SECTIONS, OPTION_SECTIONS, SCHEMA, _9, _84
from .spellings import sections_84, to_83
from .values import STYLE, Address, Device, MetaDisk, _flag_or_text, _int, parse_address

if TYPE_CHECKING:
    from .document import DrbdDocument

T = TypeVar("T")


# -- typed views ----------------------------------------------------------------


def settings_of(block: Block | None) -> dict[str, str | bool]:
    """``key value;`` statements of a section as a dict (flags are ``True``; later wins)."""
    if block is None:
        return {}
    return {e.key: _flag_or_text(e.values) for e in block.entries()}


def _sections_of(block: Block) -> dict[str, dict[str, str | bool]]:
    out: dict[str, dict[str, str | bool]] = {}
    for b in block.blocks():
        if b.key in OPTION_SECTIONS:
            out.setdefault(b.key, {}).update(settings_of(b))
    return out


def _device_text(value: Device | str) -> str:
    if isinstance(value, str):
        value = Device.from_values(value.split())
    return " ".join(value.values())


#: ``device`` (its words): a :class:`Device`; a text is normalised as drbdadm reads it.
DEVICE: ValueType[Device] = ValueType(
    "device",
    lambda raw: Device.from_values(raw.split()),
    _device_text,
    "``device`` as a :class:`Device`.",
    "a device",
    words=True,
)
#: ``disk``: the backing device, ``None`` for ``disk none`` (a diskless node).
DISK: ValueType[str] = ValueType(
    "disk",
    lambda raw: None if raw == "none" else raw,
    str,
    "The backing device; ``None`` when absent or ``disk none`` (diskless).",
    "a device",
)


def _setting(context: str, key: str, type: ValueType[T], doc: str) -> Setting[T | None]:
    """The typed property of ``key``: its release facts and default are the ones
    :data:`SCHEMA` holds for ``context``; assigning ``None`` removes the statement."""
    kw = SCHEMA.keyword(context, key)
    assert kw is not None, (context, key)
    return Setting(
        key,
        type=type,
        doc=doc,
        removable=True,
        daemon_default=kw.default,
        since=kw.since,
        deprecated_in=kw.deprecated_in,
        until=kw.until,
        renamed_to=kw.renamed_to,
    )


@attrs.define(eq=False)
class _View(View):
    """A typed view on one section; reads parse its statements, writes edit them."""

    def set(self, key: str, value: object) -> Entry | None:
        """Set the last ``key`` statement to ``value`` (one word), creating it before
        the sections if needed."""
        self._set(key, [str(value)])
        return self.block.entry(key)

    def set_words(self, key: str, words: list[str]) -> None:
        """Set the last ``key`` statement to ``words``, creating it before the sections."""
        self._set(key, words)

    def unset(self, key: str) -> None:
        """Remove the ``key`` statements (a ``disk { }`` section stays)."""
        self._set(key, None)

    def _set(self, key: str, values: list[str] | None) -> None:
        """Set (``None``: remove) the last ``key`` statement, creating it if needed; a
        keyword or value drbd.conf cannot hold is refused first (ValidationError)."""
        if values is not None:
            STYLE.check(key, values)
        if values is None:
            self.block.children[:] = [
                c for c in self.block.children if not (isinstance(c, Entry) and c.key == key)
            ]
            return
        e = self.block.entry(key)
        if e is None:
            e = Entry(key, values)
            # keep device-ish statements before sections, as people write them
            pos = next(
                (i for i, c in enumerate(self.block.children) if isinstance(c, Block)),
                len(self.block.children),
            )
            self.block.children.insert(pos, e)
        elif e.values != values:
            e.values = values

    @property
    def sections(self) -> dict[str, dict[str, str | bool]]:
        """``net``, ``disk``, ``syncer``, ... sections written here, as dicts that edit
        the file: ``r.sections["net"]["protocol"] = "C"`` sets the statement,
        ``r.sections["disk"] = {"on-io-error": "detach"}`` writes the section."""
        return LiveSections(_sections_of(self.block), self.block, style=STYLE)

    def section(self, name: str, *, create: bool = False) -> Block | None:
        """The (last) option section ``name`` here, created at the end when asked."""
        return last_block(self.block.children, name, create=create)


class _DeviceMixin(_View):
    """``device``, ``disk`` and ``meta-disk`` statements (resource, host and volume level)."""

    def _set_storage(
        self, device: str | Device | None, disk: str | None, meta_disk: str | MetaDisk | None
    ) -> None:
        """Write the statements given (``None``: leave it out), for a new section."""
        if device is not None:
            self.device = device
        if disk is not None:
            self.disk = disk
        if meta_disk is not None:
            self.meta_disk = meta_disk

    device = _setting(
        "host",
        "device",
        DEVICE,
        "``device /dev/drbdN [minor N]`` (or ``device minor N``): path and minor; assign a\n"
        "        :class:`Device`, its text, or ``None`` to remove the statement.",
    )
    disk = _setting(
        "host",
        "disk",
        DISK,
        "The backing device; ``None`` when absent or ``disk none`` (diskless).",
    )

    @property
    def diskless(self) -> bool:
        """``disk none;``: an explicitly diskless node (DRBD 9 clients, 8.x arbitrators)."""
        e = self.block.entry("disk")
        return e is not None and e.values[:1] == ["none"]

    @property
    def meta_disk(self) -> MetaDisk | None:
        e = self.block.entry("meta-disk")
        if e is not None:
            return MetaDisk.from_values(e.values)
        f = self.block.entry("flexible-meta-disk")
        return MetaDisk.from_values(f.values, flexible=True) if f is not None else None

    @meta_disk.setter
    def meta_disk(self, value: MetaDisk | str | None) -> None:
        if isinstance(value, str):
            value = MetaDisk.from_values([value])
        key = (
            "flexible-meta-disk"
            if self.block.entry("flexible-meta-disk") is not None
            else "meta-disk"
        )
        self._set(key, value.values() if value is not None else None)

    def _device_dict(self) -> dict[str, Any]:
        dev, md = self.device, self.meta_disk
        return {
            "device": dev.to_dict() if dev else None,
            "disk": self.disk,
            "meta_disk": md.to_dict() if md else None,
        }


@attrs.define(eq=False)
class Volume(_DeviceMixin):
    """An 8.4/9 ``volume N { device; disk; meta-disk; }``."""

    @property
    def number(self) -> int | None:
        return _int(self.block.args[0]) if self.block.args else None

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"number": self.number, **self._device_dict(), "sections": self.sections}


class _VolumesMixin(_View):
    @property
    def volumes(self) -> dict[int, Volume]:
        """``volume N`` sections by number (8.4 and 9)."""
        out: dict[int, Volume] = {}
        for b in self.block.blocks("volume"):
            n = _int(b.args[0]) if b.args else None
            if n is not None:
                out[n] = Volume(b)
        return out

    def add_volume(
        self,
        number: int,
        device: str | Device | None = None,
        disk: str | None = None,
        meta_disk: str | MetaDisk | None = None,
    ) -> Volume:
        """Append a ``volume N { }`` (DRBD 8.4 and 9; ValueError in a file that holds a
        keyword DRBD 8.4 refuses, which no release could then read)."""
        self._open()
        check = getattr(self, "_check_writable", None)
        if check is not None:
            check("volume", _84)
        vol = Volume(Block("volume", [str(number)]))
        vol._set_storage(device, disk, meta_disk)
        self.block.children.append(vol.block)
        return vol

    def _open(self) -> None:
        """Make the section able to hold statements (it always can, but a ``floating
        ADDR;`` :class:`Host`, which opens its body)."""


@attrs.define(eq=False)
class Host(_DeviceMixin, _VolumesMixin):
    """An ``on NAME... {}``, ``floating [FAMILY] ADDR:PORT {}`` or
    ``stacked-on-top-of RES {}`` section (``_this_host``/``_remote_host`` in
    ``drbdsetup show`` output).

    A ``floating ADDR;`` statement is a host section too: drbdadm 8.4 and 9 take
    ``;`` for the body after a floating address (parse_host_section,
    user/v84 and user/v9 drbdadm_parser.c) and the host inherits everything from
    the resource. Such a host has :attr:`entry` (the statement) and an empty
    ``block`` that is not in the file; the first edit that needs a body (a
    ``device``, ``node-id``, a volume) turns the statement into ``floating ADDR {
    ... }`` on its own line, so no edit is lost.
    """

    #: The ``floating ADDR;`` statement this host is (``None`` for a section).
    entry: Entry | None = None
    #: The block holding :attr:`entry` (the resource's), where an edit opens it.
    parent: Block | None = attrs.field(default=None, repr=False)

    @property
    def kind(self) -> str:
        return self.block.key

    @property
    def floating(self) -> bool:
        """A ``floating ADDR`` host (section or statement): drbdadm picks it by the
        local address, not by ``uname -n``."""
        return self.kind == "floating"

    @property
    def node(self) -> Entry | Block:
        """The syntax node the host is written as (the statement, or the section):
        where findings about it point."""
        return self.entry if self.entry is not None else self.block

    @property
    def _head(self) -> list[str]:
        return self.entry.values if self.entry is not None else self.block.args

    @property
    def names(self) -> list[str]:
        """Host names (several for a 9 ``on a b {}``); the lower resource for stacked,
        the address text for floating."""
        kind = self.block.key  # (self.kind, read once: rules ask some 60 times a resource)
        if kind == "floating":
            return [" ".join(self._head)]
        if kind.startswith("_"):
            return [kind]
        return list(self.block.args)

    @property
    def name(self) -> str:
        names = self.names
        return names[0] if names else ""

    @property
    def address(self) -> Address | None:
        """The replication address (``floating`` hosts carry it in their head, which
        the address then edits)."""
        if self.floating:
            return parse_address(self._head, 0, self.node)
        e = self.block.entry("address")
        if e is not None:
            return parse_address(e.values, 0, e)
        return None

    @address.setter
    def address(self, value: Address | str | None) -> None:
        if isinstance(value, str):  # (read back whole: no junk cut off, no port lost)
            words, value = value.split(), parse_address(value.split())
            if words and (value is None or "".join(value.values()) != "".join(words)):
                raise ValidationError(f"{' '.join(words)!r} is not an address: [FAMILY] IP:PORT")
        if self.floating:
            if value is None:
                raise ValidationError("a floating host is its address: remove the host instead")
            if self.entry is not None:
                self.entry.values = value.values()
            else:
                self.block.args = value.values()
            return
        self._set("address", value.values() if value is not None else None)

    def _open(self) -> None:
        """Turn a ``floating ADDR;`` statement into a ``floating ADDR { }`` section in
        place (only its line changes), so that statements can go in it."""
        if self.entry is None:
            return
        if self.parent is None:
            raise ValidationError(f"floating {self.name}; is not in a resource: cannot edit it")
        kids = self.parent.children
        at = next(i for i, c in enumerate(kids) if c is self.entry)
        self.block = Block("floating", list(self.entry.values))
        kids[at] = self.block
        self.entry = self.parent = None

    def _set(self, key: str, values: list[str] | None) -> None:
        if self.entry is not None:
            if values is None:
                return  # nothing in a statement to remove
            self._open()
        super()._set(key, values)

    @property
    def sections(self) -> dict[str, dict[str, str | bool]]:
        """As :attr:`_View.sections`; read-only for a ``floating ADDR;`` statement
        (it has none: set a statement first, which gives it a body)."""
        if self.entry is not None:
            return ComputedView({}, f"floating {self.name}; has no body: set device first")
        return super().sections

    def section(self, name: str, *, create: bool = False) -> Block | None:
        if create:
            self._open()
        return super().section(name, create=create)

    node_id = _setting(
        "host", "node-id", INT, "DRBD 9's ``node-id`` (``None`` if absent or not a number)."
    )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        addr = self.address
        return {
            "kind": self.kind,
            "names": self.names,
            "node_id": self.node_id,
            "address": addr.to_dict() if addr else None,
            **self._device_dict(),
            "volumes": {str(n): v.to_dict() for n, v in self.volumes.items()},
            "sections": self.sections,
        }


@attrs.define(eq=False)
class ConnectionHost(_View):
    """``host NAME [address [FAMILY] IP[:PORT]] [port N] [via ...];`` in a connection or path
    (a statement, or a section when it carries ``via proxy on ... { }``)."""

    entry: Entry | None = None

    @property
    def _values(self) -> list[str]:
        return self.entry.values if self.entry is not None else self.block.args

    @property
    def name(self) -> str:
        return self._values[0] if self._values else ""

    @property
    def address(self) -> Address | None:
        """``address`` and/or ``port`` of the statement (ip ``""`` when only a port is
        given: the host's own address applies, see :meth:`Resource.links`)."""
        vals = self._values
        owner: Entry | Block = self.entry if self.entry is not None else self.block
        addr = None
        if "address" in vals:
            addr = parse_address(vals, vals.index("address") + 1, owner)
        if "port" in vals:
            i = vals.index("port")
            port = _int(vals[i + 1]) if i + 1 < len(vals) else None
            if port is None:
                return addr
            if addr is None:
                return Address("", port, entry=owner, at=i, port_at=i + 1)
            object.__setattr__(addr, "port", port)
            object.__setattr__(addr, "_port_at", i + 1)
        return addr

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        addr = self.address
        return {"name": self.name, "address": addr.to_dict() if addr else None}


def _host_of(block: Block, c: object) -> ConnectionHost | None:
    """``c`` as a connection host when it is one (a ``host`` statement or section)."""
    if isinstance(c, Entry) and c.key == "host":
        return ConnectionHost(block, c)
    if isinstance(c, Block) and c.key == "host":
        return ConnectionHost(c)
    return None


def _connection_hosts(block: Block, before_path: bool = False) -> list[ConnectionHost]:
    """The ``host`` statements and sections of ``block``; with ``before_path``, only
    those written before its first ``path`` section."""
    out = []
    for c in block.children:
        if before_path and isinstance(c, Block) and c.key == "path":
            break
        h = _host_of(block, c)
        if h is not None:
            out.append(h)
    return out


@attrs.define(eq=False)
class Connection(_VolumesMixin):
    """A DRBD 9 ``connection { host ...; path { ... } net { ... } }``."""

    @property
    def hosts(self) -> list[ConnectionHost]:
        return _connection_hosts(self.block)

    @property
    def paths(self) -> list[list[ConnectionHost]]:
        """Each ``path { host a ...; host b ...; }``: its two endpoints."""
        return [_connection_hosts(p) for p in self.block.blocks("path")]

    @property
    def hosts_after_path(self) -> ConnectionHost | None:
        """The first ``host`` statement written after a ``path`` section: drbdadm 9
        refuses it ("Explicit and implicit paths not allowed", path0 in
        user/v9/drbdadm_parser.c)."""
        seen_path = False
        for c in self.block.children:
            if isinstance(c, Block) and c.key == "path":
                seen_path = True
            elif seen_path and (h := _host_of(self.block, c)) is not None:
                return h
        return None

    @property
    def all_paths(self) -> list[list[ConnectionHost]]:
        """The paths drbdadm 9 makes: the connection's own ``host`` statements written
        before any ``path`` section as one path (path0 in parse_connection,
        user/v9/drbdadm_parser.c), then each ``path`` section; host statements after
        a path section (which drbdadm refuses) are left out."""
        first = _connection_hosts(self.block, before_path=True)
        return ([first] if first else []) + self.paths

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "hosts": [h.to_dict() for h in self.hosts],
            "paths": [[h.to_dict() for h in p] for p in self.paths],
            "sections": self.sections,
        }


@attrs.frozen
class Endpoint:
    """One end of a DRBD 9 path: a host name and the address used to reach it."""

    host: str
    address: Address | None = attrs.field(eq=False)

    @property
    def key(self) -> tuple[str, str | None, str | None, int | None]:
        a = self.address
        return (self.host, a.family if a else None, a.ip if a else None, a.port if a else None)


@attrs.frozen
class Link:
    """A connection between hosts after drbdadm's expansion: its paths, and where it
    comes from (``connection`` section, ``connection-mesh`` or the implicit one of a
    two-host resource)."""

    paths: tuple[tuple[Endpoint, ...], ...]
    origin: str
    #: the ``connection`` or ``connection-mesh`` section it comes from (its ``net``
    #: options apply to it); None for the implicit connection
    block: Block | None = attrs.field(default=None, eq=False)

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.host for p in self.paths for e in p))


@attrs.define(eq=False)
class Effective:
    """What drbdadm makes of one host of a resource after inheritance."""

    resource: str
    host: str
    node_id: int | None
    address: Address | None
    protocol: str | None
    volumes: dict[int, dict[str, Any]]
    sections: dict[str, dict[str, str | bool]]

    @property
    def sections_84(self) -> dict[str, dict[str, str | bool]]:
        """The merged sections in DRBD 8.4 form, ``protocol`` included in ``net``."""
        out = sections_84(self.sections)
        if self.protocol is not None:
            out.setdefault("net", {}).setdefault("protocol", self.protocol)
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return v.to_dict() if hasattr(v, "to_dict") else v

        return {
            "node_id": self.node_id,
            "address": plain(self.address),
            "protocol": self.protocol,
            "volumes": {
                str(n): {k: plain(v) for k, v in vol.items()} for n, vol in self.volumes.items()
            },
            "sections": self.sections,
        }

    @property
    def device(self) -> Device | None:
        return self.volumes.get(0, {}).get("device") if len(self.volumes) <= 1 else None

    @property
    def disk(self) -> str | None:
        return self.volumes.get(0, {}).get("disk") if len(self.volumes) <= 1 else None

    @property
    def meta_disk(self) -> MetaDisk | None:
        return self.volumes.get(0, {}).get("meta_disk") if len(self.volumes) <= 1 else None


def _merge_sections(*layers: dict[str, dict[str, str | bool]]) -> dict[str, dict[str, str | bool]]:
    out: dict[str, dict[str, str | bool]] = {}
    for layer in layers:
        for name, settings in layer.items():
            out.setdefault(name, {}).update(settings)
    return out


def _volume_fields(view: _DeviceMixin | None) -> dict[str, Any]:
    if view is None:
        return {}
    fields: dict[str, Any] = {}
    if view.block.entry("device") is not None:
        fields["device"] = view.device
    if view.block.entry("disk") is not None:
        fields["disk"] = view.disk
    if view.meta_disk is not None:
        fields["meta_disk"] = view.meta_disk
    return fields


def _volume_layer(
    view: _DeviceMixin,
) -> dict[int, tuple[dict[str, Any], dict[str, dict[str, str | bool]]]]:
    """Volumes one level (resource or host) defines: ``volume N`` sections, and the
    implicit volume 0 of ``device``/``disk``/``meta-disk`` written outside any volume."""
    layer: dict[int, tuple[dict[str, Any], dict[str, dict[str, str | bool]]]] = {}
    direct = _volume_fields(view)
    if direct:
        layer[0] = (direct, {})
    if isinstance(view, _VolumesMixin):
        for n, vol in view.volumes.items():
            fields, _ = layer.get(n, ({}, {}))
            layer[n] = ({**fields, **_volume_fields(vol)}, _sections_of(vol.block))
    return layer


@attrs.define(eq=False)
class Resource(_DeviceMixin, _VolumesMixin):
    """A ``resource NAME { ... }`` section.

    ``common`` is the ``common`` section it inherits from (possibly from another
    file), ``document`` the file's document that holds it (edits go there).
    """

    common: Block | None = None
    document: DrbdDocument | None = None

    @property
    def path(self) -> str | None:
        """The file the resource is written in."""
        return self.document.path if self.document is not None else None

    @property
    def name(self) -> str:
        return self.block.args[0] if self.block.args else ""

    @name.setter
    def name(self, value: str) -> None:
        self.block.args = [value, *self.block.args[1:]]

    @property
    def host_list(self) -> list[Host]:
        """Host sections in file order (``on``, ``floating``, ``stacked-on-top-of``),
        ``floating ADDR;`` statements included: drbdadm reads them as host sections
        without a body (see :class:`Host`)."""
        out: list[Host] = []
        for c in self.block.child_nodes():  # (no list made: lint asks 40 times a resource)
            if isinstance(c, Block) and c.key in HOST_SECTIONS:
                out.append(Host(c))
            elif isinstance(c, Entry) and c.key == "floating" and c.values:
                out.append(Host(Block("floating", list(c.values)), c, self.block))
        return out

    @property
    def hosts(self) -> dict[str, Host]:
        """Host sections by name; ``on a b {}`` is listed under both names."""
        out: dict[str, Host] = {}
        for h in self.host_list:
            for n in h.names:
                out[n] = h
        return out

    def host(self, name: str) -> Host | None:
        """The host section for ``name``; like drbdadm, a short name matches an
        FQDN section name and vice versa (``n1`` finds ``on n1.example.com``), and
        ``10.0.0.1:7788`` finds ``floating ipv4 10.0.0.1:7788``."""
        hosts = self.hosts
        if name in hosts:
            return hosts[name]
        short = name.split(".", 1)[0]
        for n, h in hosts.items():
            if n.split(".", 1)[0] == short:
                return h
        for h in self.host_list:  # a floating section, by "ip:port" without family
            addr = h.address
            if h.floating and addr is not None and addr.host_port == name:
                return h
            if h.name == name:  # a section without a name (``on {``, a partial parse)
                return h
        return None

    @property
    def stacked(self) -> bool:
        # (the sections looked at, no Host made: rules ask five times a resource)
        return any(
            isinstance(c, Block) and c.key == "stacked-on-top-of" for c in self.block.child_nodes()
        )

    @property
    def protocol(self) -> str | None:
        """``protocol`` at resource level (8.x) or in ``net`` (8.4/9); common's as fallback.

        Set, it edits the resource's ``net { protocol }`` when that is where the
        resource has it, else the resource-level ``protocol`` line (added when
        missing: it then overrides common's; drbdadm's 8.4 and 9 parsers read it)."""
        for block in (self.block, self.common):
            if block is None:
                continue
            value = block.get("protocol")
            net = [b for b in block.blocks("net")]
            for b in net:
                value = b.get("protocol", value)
            if value is not None:
                return value
        return None

    @protocol.setter
    def protocol(self, value: str) -> None:
        net = self.section("net")
        if (
            self.block.entry("protocol") is None
            and net is not None
            and net.entry("protocol") is not None
        ):
            net.set("protocol", value)
        else:
            self._set("protocol", [value])

    @property
    def sections_84(self) -> dict[str, dict[str, str | bool]]:
        """The resource's own sections in DRBD 8.4 form (see :func:`sections_84`),
        with a resource-level ``protocol`` moved into ``net`` as 8.4 does."""
        out = sections_84(self.sections)
        proto = self.block.get("protocol")
        if proto is not None:
            out.setdefault("net", {}).setdefault("protocol", proto)
        return out

    @property
    def connections(self) -> list[Connection]:
        return [Connection(b) for b in self.block.blocks("connection")]

    @property
    def connection_mesh(self) -> list[str]:
        """Host names of ``connection-mesh { hosts ...; }`` (empty without one)."""
        out: list[str] = []
        for b in self.block.blocks("connection-mesh"):
            for e in b.entries("hosts"):
                out.extend(e.values)
        return out

    # -- edits -----------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The DRBD syntax edits write here: the document's (see
        :attr:`DrbdDocument.dialect`), ``"8.4"`` when it does not tell."""
        found = self.document.dialect if self.document is not None else None
        return found or "8.4"

    def _check_writable(self, keyword: str, since: Version) -> None:
        """ValueError if the file already holds a keyword every release from ``since``
        on refuses: adding ``keyword`` would make a file no DRBD release reads."""
        if self.document is None:
            return
        _, below = SCHEMA.infer(self.document.keyword_uses())
        if below is not None and below[0] <= since:
            raise ValidationError(
                f"'{keyword}' is DRBD {since} syntax, and this file holds '{below[2]}', "
                f"which DRBD {below[0]} and later refuse"
            )

    def set_option(self, section: str, key: str, value: str, *, dialect: str | None = None) -> None:
        """Set an option named as DRBD 8.4 names it (``set_option("disk",
        "resync-rate", "40M")``), written in the ``dialect`` (default: the
        document's): ``syncer { rate 40M; }`` and ``no-disk-flushes;`` for 8.3,
        a resource-level ``protocol`` there. Raises ValueError for an option the
        dialect's release does not read."""
        dialect = dialect or self.dialect
        release = V(dialect)
        STYLE.check(section, ())
        STYLE.check(key, [value])
        if section == "net" and key == "protocol":
            if release < _84:
                self._set("protocol", [value])
            else:
                net = self.section("net", create=True)
                assert net is not None
                net.set("protocol", value)
            return
        if release < _84:
            section, key, values = to_83(section, key, value)
            block = self.section(section, create=values is not None)
            if block is None:
                return
            if values is None:  # a default: no flag to write
                block.remove(key)
            else:
                block.set(key, *values)
            return
        kw = SCHEMA.keyword(section, key)
        if kw is None or (kw.since is not None and release < kw.since):
            raise ValidationError(f"DRBD {dialect} has no '{key}' in '{section}'")
        block = self.section(section, create=True)
        assert block is not None
        block.set(key, value)

    def add_host(
        self,
        name: str,
        address: str | Address | None = None,
        *,
        device: str | Device | None = None,
        disk: str | None = None,
        meta_disk: str | MetaDisk | None = None,
        node_id: int | None = None,
    ) -> Host:
        """Append an ``on NAME { ... }`` section after the last host section
        (``node_id`` is DRBD 9's: ValueError in a file DRBD 9 refuses). A host the
        resource already has is a ValueError: drbdadm refuses a second section
        ("conflicting use of host section 'r0: on alpha'")."""
        if name in self.hosts:
            raise ValidationError(f"resource {self.name!r} already has a host section for {name!r}")
        STYLE.check("on", [name])
        if node_id is not None:
            self._check_writable("node-id", _9)
        host = Host(Block("on", [name]))
        host._set_storage(device, disk, meta_disk)
        if address is not None:
            host.address = address
        if node_id is not None:
            host.node_id = node_id
        kids = self.block.children
        last = max(
            (i for i, c in enumerate(kids) if getattr(c, "key", None) in HOST_SECTIONS),
            default=len(kids) - 1,
        )
        kids.insert(last + 1, host.block)
        return host

    def remove_host(self, name: str) -> bool:
        """Remove the host section named ``name`` (the whole section, even if it names others)."""
        host = self.hosts.get(name)
        if host is None:
            return False
        self.block.children.remove(host.block)
        return True

    # -- inheritance -------------------------------------------------------
    def effective(self, host: str) -> Effective:
        """Settings of ``host`` after drbdadm's inheritance.

        ``common`` sections apply to every resource, resource-level sections and
        ``device``/``disk``/``meta-disk`` (8.2+) to every host that does not
        set its own, resource-level ``volume N`` to hosts without one, and a
        host without volumes has the implicit volume 0.
        """
        h = self.host(host)
        if h is None:
            raise KeyError(host)
        common_sections = _sections_of(self.common) if self.common is not None else {}
        # (the sections read as plain dicts: the live ones' wrappers are made to be edited)
        sections = _merge_sections(common_sections, _sections_of(self.block), _sections_of(h.block))
        res_layer = _volume_layer(self)
        host_layer = _volume_layer(h)
        volumes: dict[int, dict[str, Any]] = {}
        for n in sorted(set(res_layer) | set(host_layer)) or [0]:
            merged: dict[str, Any] = {"device": None, "disk": None, "meta_disk": None}
            vol_sections: list[dict[str, dict[str, str | bool]]] = []
            for layer in (res_layer, host_layer):
                fields, secs = layer.get(n, ({}, {}))
                merged.update(fields)
                vol_sections.append(secs)
            merged["sections"] = _merge_sections(*vol_sections)
            volumes[n] = merged
        node_id = h.node_id
        merged = ComputedView(sections, "edit the resource's, host's or common's sections")
        return Effective(self.name, host, node_id, h.address, self.protocol, volumes, merged)

    def links(self) -> list[Link]:
        """Every connection drbdadm 9 makes for this resource: ``connection`` sections
        (their paths, or their ``host`` statements as one path), then the
        ``connection-mesh`` pairs not already connected, or for a resource with
        exactly two hosts and neither, the implicit connection between them.
        Endpoint addresses come from the ``host`` statement (``address``, ``port``)
        or else from the host's section."""
        out: list[Link] = []

        def end(name: str) -> Endpoint:
            h = self.host(name)
            if h is None:
                return Endpoint(name, None)
            full = name if name in h.names else h.name
            return Endpoint(full, h.address)

        def endpoint(ch: ConnectionHost) -> Endpoint:
            base = end(ch.name)
            addr, own = ch.address, base.address
            if addr is not None and not addr.ip and own is not None:
                addr = Address(own.ip, addr.port, own.family)
            return Endpoint(base.host, addr if addr is not None else own)

        for conn in self.connections:
            paths = [tuple(endpoint(ch) for ch in p) for p in conn.all_paths]
            out.append(Link(tuple(paths), "connection", conn.block))
        done = {frozenset(link.hosts) for link in out}
        # each connection-mesh pairs its own hosts (create_connections_from_mesh in
        # user/v9/drbdadm_postparse.c, once per mesh); a pair connected already keeps
        # its first connection (drbdsetup refuses a second new-peer for it)
        for block in self.block.blocks("connection-mesh"):
            mesh = [h for e in block.entries("hosts") for h in e.values]
            for i, a in enumerate(mesh):
                for b in mesh[i + 1 :]:
                    pair = frozenset((end(a).host, end(b).host))
                    if len(pair) < 2 or pair in done:
                        continue
                    done.add(pair)
                    out.append(Link(((end(a), end(b)),), "mesh", block))
        if not self.connections and not self.connection_mesh:
            sections = self.host_list
            if len(sections) == 2:
                ends = tuple(Endpoint(h.name, h.address) for h in sections)
                out.append(Link((ends,), "implicit"))
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "protocol": self.protocol,
            **self._device_dict(),
            "hosts": [h.to_dict() for h in self.host_list],
            "volumes": {str(n): v.to_dict() for n, v in self.volumes.items()},
            "connections": [c.to_dict() for c in self.connections],
            "connection_mesh": self.connection_mesh,
            "links": [
                {
                    "origin": link.origin,
                    "paths": [
                        [{"host": e.host, "address": e.address and e.address.to_dict()} for e in p]
                        for p in link.paths
                    ],
                }
                for link in self.links()
            ],
            "effective": {
                name: self.effective(name).to_dict() for h in self.host_list for name in h.names[:1]
            },
            "sections": self.sections,
        }
