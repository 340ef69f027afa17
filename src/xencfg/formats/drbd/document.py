"""The drbd.conf document, and the keyword and value checks made on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...document import TreeDocument
from ...errors import ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem, walk_keywords
from ...suggest import closest
from ...syntax.blocks import (
    Block,
    ComputedView,
    Entry,
    LiveSections,
    LiveSettings,
)
from ...syntax.numbers import decimal, is_decimal
from ...syntax.numbers import written as _written
from ...syntax.tree import Node, render, walk
from ..schema import V
from .conflicts import Conflict, find_conflicts
from .keywords import _CONTEXT_OF, _TABLES, DRBD_CONTEXT_FACTS, ENUMS, SCHEMA, _9, _84, _kw
from .values import (
    STYLE,
    Address,
    Device,
    DrbdStyle,
    MetaDisk,
    Skip,
    _int,
    _style_for,
    is_ipv4_literal,
    parse_address,
    unquote,
)
from .views import Resource, _sections_of, settings_of

FORMAT = "drbd"


@attrs.define(weakref_slot=False)
class DrbdDocument(TreeDocument):
    """A parsed drbd.conf (or a ``drbd.d/*.res`` / ``global_common.conf`` it includes)."""

    format = FORMAT
    style = STYLE
    #: drbdadm (8.3, 8.4, 9) stops at a keyword it does not know where it stands:
    #: "Parse error: 'an option keyword' expected, but got ..." (checked with peer-drbdadm)
    refused_keyword_kinds = frozenset({"unknown", "misplaced"})

    _layout: tuple[str, DrbdStyle] | None = attrs.field(
        default=None, eq=False, repr=False, init=False
    )

    def dumps(self) -> str:
        """The text, with new sections indented and ended like the rest of the file."""
        if self._layout is None or self._layout[0] is not self.source:
            self._layout = (self.source, _style_for(self.source))
        return render(self, self._layout[1])

    def _top(self, key: str) -> list[Block]:
        return [c for c in self.children if isinstance(c, Block) and c.key == key]

    @property
    def global_(self) -> dict[str, str | bool]:
        """The ``global { }`` settings (``usage-count``, ``minor-count``, ...), as a dict
        that edits the file: ``doc.global_["usage-count"] = "no"`` sets the statement in
        the last ``global`` section, created first in the file when there is none."""
        merged: dict[str, str | bool] = {}
        for b in self._top("global"):
            merged.update(settings_of(b))
        return LiveSettings(merged, self._global_block, style=STYLE)

    def _global_block(self, create: bool) -> Block | None:
        found = self._top("global")
        if found:
            return found[-1]
        if not create:
            return None
        block = Block("global")
        self.children.insert(0, block)  # drbdadm wants global before everything else
        return block

    @property
    def common_block(self) -> Block | None:
        found = self._top("common")
        return found[-1] if found else None

    @property
    def common(self) -> dict[str, dict[str, str | bool]]:
        """The ``common { }`` sections (``protocol`` under ``net`` as in 8.4): assigning
        edits the file, as a resource's ``sections`` do. Without a ``common`` section the
        dict is read-only: ``section("common", create=True)`` makes one."""
        b = self.common_block
        if b is None:
            return ComputedView(
                {}, "there is no common section: add Block('common') to the document"
            )
        out = _sections_of(b)
        proto = b.get("protocol")
        if proto is not None:
            out.setdefault("net", {}).setdefault("protocol", proto)
        return LiveSections(out, b, style=STYLE)

    def resource_list(self, common: Block | None = None) -> list[Resource]:
        """Resources in file order (a repeated name shows up twice), inheriting from
        ``common`` (else this file's)."""
        c = common if common is not None else self.common_block
        return [Resource(b, c, self) for b in self._top("resource")]

    @property
    def resources(self) -> dict[str, Resource]:
        """Resources by name (a repeated name: the last one, as a later lint will flag)."""
        return {r.name: r for r in self.resource_list()}

    @property
    def includes(self) -> list[str]:
        """``include`` patterns, as written (relative to this file's directory)."""
        return [
            e.value
            for e in self.children
            if isinstance(e, Entry) and e.key == "include" and e.value
        ]

    @property
    def skips(self) -> list[Skip]:
        return [c for c in self.children if isinstance(c, Skip)]

    # -- edits -----------------------------------------------------------
    def add_resource(
        self,
        name: str,
        *,
        protocol: str | None = None,
        options: dict[str, dict[str, str]] | None = None,
        dialect: str | None = None,
    ) -> Resource:
        """Append a ``resource NAME { }``; fill it through the returned view.

        ``options`` are named as DRBD 8.4 names them (``{"disk": {"resync-rate":
        "40M"}}``) and, like ``protocol``, written in the file's dialect
        (:attr:`dialect`; ``dialect="8.3"`` to choose): an 8.3 file gets
        ``protocol C;`` at resource level and ``syncer { rate 40M; }``.
        """
        if need_str(name, "add_resource(name)") in self.resources:
            raise ValidationError(f"resource {name!r} already exists")
        STYLE.check("resource", [name])
        dialect = dialect or self.dialect or "8.4"
        V(dialect)  # a release number, or ValueError
        res = Resource(Block("resource", [name]), self.common_block, self)
        if protocol is not None:
            res.set_option("net", "protocol", protocol, dialect=dialect)
        for section, settings in (options or {}).items():
            for key, value in settings.items():
                res.set_option(section, key, value, dialect=dialect)
        self.children.append(res.block)
        return res

    @property
    def dialect(self) -> str | None:
        """The DRBD syntax this file is written in: ``"9"``, ``"8.4"`` or ``"8.3"``
        (8.0 to 8.3: ``syncer``, ``no-disk-flushes``, ``outdate-peer``), from the
        newest and the oldest keywords it uses (:data:`SCHEMA`); None when
        nothing in it tells. The builders write in it."""
        uses = list(self.keyword_uses())
        low, _ = SCHEMA.infer(uses)
        if low is not None:
            return "9" if low[0] >= _9 else "8.4" if low[0] >= _84 else None
        for ctx, key, _node in uses:
            kw = SCHEMA.keyword(ctx, key)
            if kw is not None and kw.retired is not None and kw.retired <= _84:
                return "8.3"
        return None

    def remove_resource(self, name: str) -> bool:
        """Remove resource ``name`` with its lines; ``False`` if the file has none."""
        for b in self._top("resource"):
            if b.args[:1] == [name]:
                self.children.remove(b)
                return True
        return False

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """An ``"unknown"``, ``"misplaced"`` or ``"deprecated"`` problem for each keyword
        to look at.

        Unknown keywords get the closest known keyword of their section as a
        did-you-mean (or ``None``); misplaced ones (valid in another section)
        the sections that take them; deprecated ones their replacement.
        """
        return _check_keywords(self, "show" if self.is_drbdsetup_show else "top")

    def keyword_uses(self) -> Iterator[tuple[str, str, Node]]:
        """``(context, keyword, node)`` for every keyword written, the context
        being a :data:`SCHEMA` section name: what version checks and inference read."""
        if not self.is_drbdsetup_show:
            yield from _keyword_uses(self, "top")

    @property
    def is_drbdsetup_show(self) -> bool:
        """Output of ``drbdsetup show`` (``_this_host``, ``_is_default``), not a drbd.conf."""
        for n in self.children:
            if isinstance(n, Block):
                if n.key.startswith("_"):
                    return True
                for c in n.child_nodes():  # (one pass: every parse of a drbd.conf asks)
                    if isinstance(c, Entry):
                        if "_is_default" in c.values_view:
                            return True
                    elif isinstance(c, Block) and c.key.startswith("_"):
                        return True
        return False

    def value_problems(self) -> Iterator[ValueProblem]:
        """``(node, message)`` for values that do not mean what they should: an
        address without a usable port, an IPv4 octet above 255 (drbdadm accepts
        it, the kernel does not), a minor or node id that is not a number, an
        unknown protocol, an enumerated option (``after-sb-0pri``,
        ``on-io-error``, ...) with a value no DRBD release accepts."""
        if not self.is_drbdsetup_show:
            for context, key, node in _keyword_uses(self, "top"):
                if isinstance(node, Entry) and not node.values and _needs_value(context, key):
                    yield ValueProblem(node, _bare_message(context, key))
        for node in walk(self):
            if isinstance(node, Entry) and node.values:
                message = _value_problem(node.key, node.values)
                if message:
                    yield ValueProblem(node, message)
            elif isinstance(node, Block) and node.key == "host" and node.args:
                # ``host NAME address IP:PORT via proxy on ... { }``: a section
                message = _value_problem("host", node.args)
                if message:
                    yield ValueProblem(node, message)
            elif isinstance(node, Block) and node.key == "floating" and node.args:
                addr = parse_address(node.args)
                message = (
                    _address_problem(addr)
                    if addr is not None
                    else f"floating {' '.join(node.args)!r} is not [FAMILY] IP:PORT"
                )
                if message:
                    yield ValueProblem(node, message)

    def conflicts(self) -> list[Conflict]:
        """What drbdadm calls "conflicting use of ..." within this file
        (:func:`~.conflicts.find_conflicts`, which lint's DR001/DR002 report)."""
        return find_conflicts([self])

    def nbsp_offsets(self) -> list[int]:
        """Offsets of U+00A0 used as white space: we accept it, drbdadm does not
        (inside comments and quoted strings it is just text, to both)."""
        out: list[int] = []
        if "\u00a0" not in self.source:
            return out  # (without reading the tokens, which a light document parses anew)
        for t in self.tokens():
            if t.is_trivia and "\u00a0" in t.text and t.pos >= 0:
                in_comment = False
                for i, c in enumerate(t.text):
                    if c == "#":
                        in_comment = True
                    elif c == "\n":
                        in_comment = False
                    elif c == "\u00a0" and not in_comment:
                        out.append(t.pos + i)
        return out

    def secrets(self) -> list[str]:
        """Every ``shared-secret`` (the peers' authentication key), wherever it is set."""
        found: list[str] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Entry) and node.key == "shared-secret" and node.value:
                found.append(unquote(str(node.value)))
            stack.extend(node.child_nodes())
        return found

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        from ...secrets import mask_values

        out = {
            "format": FORMAT,
            "global": self.global_,
            "common": self.common,
            "includes": self.includes,
            "resources": [r.to_dict() for r in self.resource_list()],
        }
        return out if show_secrets else mask_values(out, self.secrets())


#: Ranges drbdadm checks for plain numbers (drbd_limits.h; "max-epoch-size 20001 =>
#: 20001 out of range [1..20000]" from drbdadm 8.3 and 8.4, "Value is too big" from 9,
#: each checked with peer-drbdadm). Values with a unit suffix are left alone.
_RANGES = {
    "max-epoch-size": (1, 20000),
    "max-buffers": (32, 131072),
    "ko-count": (0, 200),
    "timeout": (1, 600),
    "connect-int": (1, 120),
    "ping-int": (1, 120),
    "wfc-timeout": (0, 300000),
    "degr-wfc-timeout": (0, 300000),
}


#: Options drbd-utils reads as BOOLEAN (user/v84 and user/v9 config_flags.c): "yes",
#: "no", or nothing (yes); ``boolean_string_to_int`` strcmp()s, so "Yes" and "on" are
#: neither: drbdadm 9 refuses the file ("while parsing value ('Yes') for
#: allow-two-primaries"), drbdsetup 8.4 the option (put_boolean) when the resource
#: comes up. (8.3's switches take no value at all: their own facts say so.)
_BOOLEANS = _kw(
    """disk-barrier disk-flushes disk-drain md-flushes al-updates discard-zeroes-if-aligned
    disable-write-same allow-two-primaries always-asbp tcp-cork csums-after-crash-only
    use-rle allow-remote-read tls load-balance-paths auto-promote
    resync-without-replication peer-tiebreaker drbd8-api-compatibility"""
)


#: Statements drbdadm takes without a value: the flags (8.4's TK_*_FLAG and
#: TK_*_NO_FLAG tokens, 9's BOOLEAN options: a bare one is "yes"), 8.3's switches
#: (TK_*_SWITCH), global's disable-ip-verification and udev-always-use-vnr, startup's
#: stacked-timeouts (startup_delegate), DRBD 9's bitmap and diskless (user/v83, v84
#: and v9 drbdadm_scanner.fl). discard-my-data is refused with or without one
#: (net_delegate takes it from ``drbdsetup show`` output only).
_BARE = _BOOLEANS | _kw(
    """use-bmbv no-disk-barrier no-disk-flushes no-disk-drain no-md-flushes no-tcp-cork
    wait-after-sb disable-ip-verification udev-always-use-vnr stacked-timeouts
    discard-my-data bitmap diskless tiebreaker"""
)
#: Where a statement's keyword is checked for a missing value (a proxy's options are
#: drbd-proxy's, and a section keyword written as a statement is XC001's).
_VALUE_CONTEXTS = _kw(
    """global common resource host volume connection mesh path net disk syncer startup
    handlers options connection-disk connection-volume"""
)
_SECTIONS = _kw(
    """on floating stacked-on-top-of volume connection connection-mesh path net syncer
    startup handlers options proxy skip include"""
)


def _needs_value(context: str, key: str) -> bool:
    """A statement of ``key`` in ``context`` is no statement without a value."""
    table = _TABLES.get(context)
    return (
        context in _VALUE_CONTEXTS
        and table is not None
        and key in table
        and key not in _BARE
        and key not in _SECTIONS
    )


def _bare_message(context: str, key: str) -> str:
    """Why ``key;`` fails: drbdadm 8.3 and 8.4 expect a value ("Parse error:
    'TK_STRING | TK_INTEGER' expected, but got ';'", parse_options_d's
    expect_STRING_or_INT in user/v84/drbdadm_parser.c), and every drbdadm one after
    disk, meta-disk and address ("'TK_STRING' expected"; a bare device leaves the
    host without one: "'device' keyword missing"); drbdadm 9 reads an option written
    bare as "yes" (parse_option_value, user/v9/drbdadm_parser.c, without the value
    check), which drbdsetup then refuses, or a handler runs as the command ``yes``."""
    if context in _OPTION_CONTEXTS or key == "protocol":
        return (
            f"{key} needs a value: drbdadm 8.3 and 8.4 refuse the file; drbdadm 9 reads"
            f" '{key};' as '{key} yes', which is no {key}"
        )
    return f"{key} needs a value: drbdadm (8.3, 8.4 and 9) refuses the file"


#: Option sections (drbdadm 9 reads a bare option there as "yes").
_OPTION_CONTEXTS = _kw("global net disk syncer startup handlers options connection-disk")


def _value_problem(key: str, values: list[str]) -> str | None:
    """What is wrong with the values of one statement (``None``: nothing we know of)."""
    if key in _BOOLEANS and len(values) == 1 and values[0] not in ("yes", "no"):
        if values[0].startswith('"'):
            return None  # (a quoted value is DR019's)
        return (
            f"{key} {values[0]!r} is neither yes nor no (in lower case): drbdadm 9 refuses"
            " the file, drbdsetup 8.4 the option when the resource comes up"
        )
    bounds = _RANGES.get(key)
    if bounds is not None and len(values) == 1 and is_decimal(values[0].strip('"')):
        number = decimal(values[0].strip('"'))
        if not bounds[0] <= number <= bounds[1]:
            return f"{key} {number} is out of range [{bounds[0]}..{bounds[1]}]; drbdadm refuses it"
        return None
    allowed = ENUMS.get(key)
    if allowed is not None:
        value = values[0]
        if value not in allowed and not value.startswith("discard-node-"):
            close = closest(value, allowed)
            hint = f" (did you mean {close!r}?)" if close else ""
            return f"{key} {value!r} is not one of: {', '.join(sorted(allowed))}{hint}"
        return None
    if key in ("address", "inside", "outside"):  # (inside/outside: a DRBD proxy's ends)
        addr = parse_address(values)
        if addr is None:
            return f"address {' '.join(values)!r} is not [FAMILY] IP:PORT"
        return _address_problem(addr)
    if key == "host" and "via" in values[1:]:
        # parse_via (user/v9/drbdadm_parser.c): "'proxy | outside-address' expected"
        at = values.index("via", 1) + 1
        after = values[at] if at < len(values) else ""
        if after == "outside-address":
            addr = parse_address(values, at + 1)
            if addr is None:
                written = " ".join(values[at + 1 :])
                return f"host {values[0]!r}: outside-address {written!r} is not [FAMILY] IP:PORT"
            problem = _address_problem(addr)
            if problem is not None:
                return problem
        elif after != "proxy":
            return (
                f"host {values[0]!r}: 'via {after}': drbdadm takes 'via proxy' or"
                " 'via outside-address'"
            )
        values = values[: at - 1]
    if key == "host" and "address" in values[1:]:
        # DRBD 9's connection and path sections: ``host NAME address [FAMILY] IP:PORT
        # [via proxy ...]`` (drbdadm_parser.c parse_connection's host statement; drbdadm
        # 9 refuses ``address 10.36.50.x:7791`` there as in an ``on`` section)
        at = values.index("address", 1) + 1
        addr = parse_address(values, at)
        if addr is None:
            return f"host {values[0]!r}: address {' '.join(values[at:])!r} is not [FAMILY] IP:PORT"
        return _address_problem(addr)
    if key == "device":
        dev = Device.from_values(values)
        if "minor" in values and dev.minor is None:
            return f"device minor {' '.join(values)!r} is not a number"
        if dev.minor is None:
            return f"device {' '.join(values)!r} has no minor (use /dev/drbdN or 'minor N')"
        return None
    if key == "flexible-meta-disk" and "[" in "".join(values):
        # TK_FLEX_META_DISK reads one device, then ';' (parse_volume_stmt in user/v84
        # and user/v9 drbdadm_parser.c): "Parse error: ';' expected, but got '['"
        # (peer-drbdadm 83, 84 and 9)
        return (
            f"flexible-meta-disk {' '.join(values)!r}: a flexible meta-disk takes no"
            " [index] (drbdadm refuses the file); write 'meta-disk DEVICE [N]' for an"
            " indexed one"
        )
    if key in ("meta-disk", "flexible-meta-disk"):
        md = MetaDisk.from_values(values)
        if not md.internal and md.device is not None and "[" in md.device:
            return f"meta-disk index in {''.join(values)!r} is not a number"
        return None
    if key == "node-id":
        n = _int(values[0])
        if n == 32:
            # drbdadm 9 takes 0..DRBD_NODE_ID_MAX, DRBD_PEERS_MAX = 32 (drbd-headers
            # linux/drbd_limits.h; range_check(R_NODE_ID) in user/v9/drbdadm_parser.c),
            # but the module refuses a peer node id >= DRBD_NODE_ID_MAX (drbd_nl.c
            # drbd_adm_prepare: "peer node id out of range")
            return (
                "node-id 32: drbdadm 9 reads it, but the DRBD 9 module takes node ids 0"
                " to 31 only (the peers' 'drbdsetup new-peer' fails: 'peer node id out of"
                " range'), so this host never connects"
            )
        if n is None or not 0 <= n <= 31:
            said = _written(values[0])
            return f"node-id '{said}' is not a number from 0 to 31; drbdadm 9 refuses it"
        return None
    # any case: drbdadm 8.4 upper-cases it (range_check R_PROTOCOL), 9's is an
    # ENUM_NOCASE (user/v9/config_flags.c), 8.3's drbdsetup conv_protocol takes a/b/c
    if key == "protocol" and values[0].upper() not in ("A", "B", "C"):
        return f"protocol {values[0]!r} is not A, B or C"
    return None


def _address_problem(addr: Address) -> str | None:
    """drbdadm's parser (8.3, 8.4 and 9 alike: drbdadm_parser.c ``parse_address``
    expects ``ssocks | sdp | ipv4 | ipv6 | <ipv4 address>``) takes only IP literals,
    never a host name; checked with peer-drbdadm in all three modes."""
    if addr.family in (None, "ipv4", "ssocks", "sdp", "sci"):
        if not is_ipv4_literal(addr.ip):
            if ":" in addr.ip and not addr.explicit_family:
                return f"IPv6 address {addr.ip!r} needs the 'ipv6' keyword before it"
            return (
                f"{addr.ip!r} is not an IP address: drbdadm (8.3, 8.4 and 9) refuses host"
                " names and anything but an IP literal here"
            )
        if any(int(p) > 255 for p in addr.ip.split(".")):
            return f"IPv4 address {addr.ip!r} has an octet above 255"
    if addr.family == "ipv6" and ":" not in addr.ip:
        return f"{addr.ip!r} is not an IPv6 address"
    if addr.port is None or not 0 < addr.port < 65536:
        return f"address {addr.host_port!r} needs a port from 1 to 65535"
    return None


class _Known:
    """The keywords drbdadm takes in one section: its table (``skip`` where drbdadm
    takes it), ``include`` anywhere, and ``_``-prefixed ones (``drbdsetup show``'s
    own)."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (
            key.startswith("_") or key == "include" or key in self.allowed
        )


#: Where ``discard-my-data`` is read: drbdadm's command line, never drbd.conf.
_DISCARD_MY_DATA = "drbdadm's command line ('drbdadm connect --discard-my-data RES')"

#: Contexts never named as the place for a misplaced keyword.
_NOT_NAMED = frozenset({"show", "connection-disk", "connection-volume"})


def _check_keywords(doc: Node, start: str) -> Iterator[KeywordProblem]:
    """The one keyword walker over drbd's tables; a section path is a context by
    :func:`_subcontext` (``None``: a section drbd's tables do not describe)."""

    def context_of(path: tuple[str, ...]) -> str | None:
        context: str | None = start
        for key in path:
            context = _subcontext(context, key) if context is not None else None
        return context

    def table(path: tuple[str, ...], node: Node) -> _Known | None:
        context = context_of(path)
        allowed = _TABLES.get(context) if context is not None else None
        if allowed is not None and start == "show" and context == "net":
            allowed = allowed | {"discard-my-data"}  # (drbdsetup show prints it)
        return _Known(allowed) if allowed is not None else None

    def judge(node: Node, key: str, path: tuple[str, ...], known: Any) -> KeywordProblem:
        if key == "discard-my-data":
            return KeywordProblem(node, "misplaced", key, _DISCARD_MY_DATA)
        # (a connection's disk and volume take a subset of disk's and volume's keywords;
        # a keyword only a newer drbd-utils reads somewhere is not sent there)
        places = [
            ctx
            for ctx, kws in _TABLES.items()
            if ctx not in _NOT_NAMED
            and key in (kws or ())
            and getattr(DRBD_CONTEXT_FACTS.get((ctx, key)), "also_needs", None) is None
        ]
        if places:  # a real keyword in the wrong section: drbdadm rejects it there
            where = ", ".join("top level" if p == "top" else p for p in places)
            return KeywordProblem(node, "misplaced", key, where)
        return KeywordProblem(node, "unknown", key, closest(key, known.allowed))

    def deprecated(node: Node, key: str, path: tuple[str, ...]) -> KeywordProblem | None:
        context = context_of(path)
        if context in (None, "top") or isinstance(node, Skip):
            return None
        verdict = SCHEMA.judge(context, key)
        if verdict is not None and verdict.kind == "deprecated":
            return KeywordProblem(node, "deprecated", key, verdict.message)
        return None

    return walk_keywords(doc, table, judge, deprecated)


def _keyword_uses(node: Node, context: str) -> Iterator[tuple[str, str, Node]]:
    for c in node.child_nodes():
        key = getattr(c, "key", None)
        if key is None or isinstance(c, Skip):
            continue
        yield context, key, c
        if key == "host" and context in ("connection", "path") and isinstance(c, Entry):
            words = c.values
            at = words.index("via") + 1 if "via" in words else 0
            if 0 < at < len(words):  # ``host NAME ... via outside-address ADDR;``
                yield "via", words[at], c
        if isinstance(c, Block):
            sub = _subcontext(context, key)
            if sub is not None:
                yield from _keyword_uses(c, sub)


def _subcontext(context: str, key: str) -> str | None:
    """The keyword table inside section ``key`` met in ``context``."""
    if context in ("connection", "connection-volume") and key == "disk":
        return "connection-disk"
    if context == "connection" and key == "volume":
        return "connection-volume"
    if context in ("connection", "path") and key == "host":
        return "via-proxy"  # "host NAME ... via proxy on X { inside; outside; }"
    if context == "proxy" and key in ("options", "plugin"):
        return None if key == "plugin" else "proxy"
    return _CONTEXT_OF.get(key)
