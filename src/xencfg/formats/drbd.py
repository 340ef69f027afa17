"""drbd.conf: DRBD 0.7, 8.0 - 8.4 and 9 resource configuration.

The syntax tree is generic (:class:`Entry` statements ``key value...;`` and
:class:`Block` sections ``key args... { ... }``), so keywords a DRBD release
added after this module was written still parse; :meth:`DrbdDocument.keyword_problems`
marks them. The typed model is a set of *views* over that tree: reading
``doc.resources["r0"].hosts["alpha"].address.port`` parses the token, and
setting it rewrites only that token. ``resource.effective("alpha")`` applies
drbdadm's inheritance (common -> resource -> host -> volume), and
:func:`load_config` follows ``include`` statements into a logical
configuration while each file stays its own round-trippable document.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterator
from typing import Any

import attrs

from ..document import Document
from ..errors import ParseError, XencfgError, caret_snippet
from ..syntax.blocks import (
    Block,
    BlockStyle,
    ComputedView,
    Entry,
    LiveSections,
    LiveSettings,
    styled_like,
)
from ..syntax.build import make_block, make_entry, parse_with
from ..syntax.pipeline import parse_text
from ..syntax.source import LineIndex
from ..syntax.tree import Node, Piece, Style, Tok, nodes_repr, render, walk
from .schema import Keyword, Schema, V, Version

FORMAT = "drbd"

# -- keywords ---------------------------------------------------------------
# Union over DRBD 0.7 .. 9.2 (drbd.conf(5) of each release): a keyword any of
# them accepts is "known"; SCHEMA (below) says which release reads which.

_W = frozenset[str]


def _kw(text: str) -> _W:
    return frozenset(text.split())


OPTION_SECTIONS = ("net", "disk", "syncer", "startup", "handlers", "options", "proxy")

GLOBAL_KEYWORDS = _kw(
    """usage-count minor-count dialog-refresh disable-ip-verification cmd-timeout-short
    cmd-timeout-medium cmd-timeout-long udev-always-use-vnr"""
)
NET_KEYWORDS = _kw(
    """protocol sndbuf-size rcvbuf-size timeout connect-int ping-int ping-timeout
    max-buffers max-epoch-size unplug-watermark ko-count allow-two-primaries
    cram-hmac-alg shared-secret after-sb-0pri after-sb-1pri after-sb-2pri always-asbp
    rr-conflict data-integrity-alg tcp-cork no-tcp-cork on-congestion congestion-fill
    congestion-extents csums-alg csums-after-crash-only verify-alg use-rle fencing
    transport load-balance-paths allow-remote-read discard-my-data socket-check-timeout
    sock-check-timeout on-disconnect tl-size rdma-ctrl-rcvbuf-size rdma-ctrl-sndbuf-size
    tls tls-keyring tls-privkey tls-certificate max-requests connect-timeout"""
)
DISK_KEYWORDS = _kw(
    """size on-io-error fencing disk-barrier disk-flushes disk-drain md-flushes
    no-disk-barrier no-disk-flushes no-disk-drain no-md-flushes use-bmbv max-bio-bvecs
    resync-rate resync-after al-extents al-updates c-plan-ahead c-delay-target
    c-fill-target c-max-rate c-min-rate disk-timeout discard-zeroes-if-aligned
    rs-discard-granularity read-balancing on-no-data-accessible disable-write-same
    block-size bitmap diskless rate after"""
)
SYNCER_KEYWORDS = _kw(
    """rate after al-extents use-rle cpu-mask verify-alg csums-alg delay-probe-volume
    delay-probe-interval throttle-threshold hold-off-threshold c-plan-ahead c-fill-target
    c-delay-target c-max-rate c-min-rate on-no-data-accessible group sync-min sync-max
    sync-nice sync-group"""
)
STARTUP_KEYWORDS = _kw(
    """wfc-timeout degr-wfc-timeout outdated-wfc-timeout wait-after-sb become-primary-on
    stacked-timeouts"""
)
HANDLERS_KEYWORDS = _kw(
    """pri-on-incon-degr pri-lost-after-sb pri-lost fence-peer unfence-peer outdate-peer
    local-io-error initial-split-brain split-brain before-resync-target
    after-resync-target before-resync-source out-of-sync quorum-lost disconnected
    emergency-shutdown"""
)
OPTIONS_KEYWORDS = _kw(
    """cpu-mask on-no-data-accessible auto-promote auto-promote-timeout max-io-depth
    quorum on-no-quorum quorum-minimum-redundancy peer-ack-window peer-ack-delay
    twopc-timeout twopc-retry-timeout on-suspended-primary-outdated"""
)
PROXY_KEYWORDS = _kw(
    """memlimit read-loops compression bwlimit sndbuf-size rcvbuf-size ping-timeout
    plugin inside outside options"""
)
_DEVICE_KEYWORDS = _kw("device disk meta-disk flexible-meta-disk")
HOST_KEYWORDS = _DEVICE_KEYWORDS | _kw("address node-id volume proxy net options")
VOLUME_KEYWORDS = _DEVICE_KEYWORDS | _kw("tiebreaker")  # tiebreaker: DRBD 9.0 early
RESOURCE_KEYWORDS = (
    _DEVICE_KEYWORDS
    | frozenset(OPTION_SECTIONS)
    | _kw(
        """on floating stacked-on-top-of volume connection connection-mesh protocol
        incon-degr-cmd template-file net-options ignore-on"""
    )
)
COMMON_KEYWORDS = frozenset(OPTION_SECTIONS) | _kw("protocol incon-degr-cmd")
TOP_KEYWORDS = _kw("global common resource") | frozenset(
    f"require-drbd-module-version-{op}" for op in ("eq", "ne", "gt", "ge", "lt", "le")
)
#: ``drbdsetup show`` of DRBD 8.x prints one device's sections at top level.
SHOW_KEYWORDS = frozenset(OPTION_SECTIONS) | _kw("protocol _this_host _remote_host resource")
CONNECTION_KEYWORDS = _kw("host path net volume disk")
PATH_KEYWORDS = _kw("host")
MESH_KEYWORDS = _kw("hosts net")

#: Keywords every context accepts (``include`` is handled by drbdadm's scanner).
ANYWHERE = _kw("include skip")

#: Section keyword -> the name of its keyword table (host-like sections share one).
_CONTEXT_OF = {
    "global": "global",
    "common": "common",
    "resource": "resource",
    "on": "host",
    "floating": "host",
    "stacked-on-top-of": "host",
    "_this_host": "host",
    "_remote_host": "host",
    "volume": "volume",
    "connection": "connection",
    "connection-mesh": "mesh",
    "path": "path",
    "net": "net",
    "disk": "disk",
    "syncer": "syncer",
    "startup": "startup",
    "handlers": "handlers",
    "options": "options",
    "proxy": "proxy",
}
_TABLES: dict[str, _W] = {
    "top": TOP_KEYWORDS,
    "show": SHOW_KEYWORDS,
    "global": GLOBAL_KEYWORDS,
    "common": COMMON_KEYWORDS,
    "resource": RESOURCE_KEYWORDS,
    "host": HOST_KEYWORDS,
    "volume": VOLUME_KEYWORDS,
    "connection": CONNECTION_KEYWORDS,
    "mesh": MESH_KEYWORDS,
    "path": PATH_KEYWORDS,
    # 8.4 moved verify-alg, csums-alg and use-rle into net (they are in NET_KEYWORDS);
    # the other syncer options drbdadm refuses there in 8.3, 8.4 and 9 (peer-drbdadm)
    "net": NET_KEYWORDS,
    "disk": DISK_KEYWORDS,
    "syncer": SYNCER_KEYWORDS,
    "startup": STARTUP_KEYWORDS,
    "handlers": HANDLERS_KEYWORDS,
    "options": OPTIONS_KEYWORDS,
    "proxy": PROXY_KEYWORDS,
    # drbdadm 9: "Parse error: 'inside | outside' expected" (checked with peer-drbdadm)
    "via-proxy": _kw("inside outside"),
}
# -- releases -----------------------------------------------------------------
# Which DRBD release reads which keyword: the drbdadm scanners of drbd-utils
# (user/v83/drbdadm_scanner.fl before commit be953fbd "remove 8.3 utils",
# user/v84/drbdadm_scanner.fl, user/v9/config_flags.c and drbdadm_parser.c),
# each fact checked with drbdadm --mode 83/84/9 in tests/test_versions.py.

_84, _9 = V("8.4"), V("9.0")
_SINCE_84 = _kw(
    """resync-rate resync-after disk-flushes md-flushes disk-barrier disk-drain tcp-cork
    al-updates read-balancing unfence-peer options volume csums-after-crash-only
    discard-zeroes-if-aligned disable-write-same rs-discard-granularity
    socket-check-timeout cmd-timeout-short cmd-timeout-medium cmd-timeout-long
    udev-always-use-vnr"""
)
_SINCE_9 = _kw(
    """node-id connection connection-mesh path hosts tiebreaker transport
    load-balance-paths allow-remote-read tls tls-keyring tls-privkey tls-certificate
    rdma-ctrl-rcvbuf-size rdma-ctrl-sndbuf-size auto-promote auto-promote-timeout
    max-io-depth quorum on-no-quorum quorum-minimum-redundancy peer-ack-window
    peer-ack-delay twopc-timeout twopc-retry-timeout on-suspended-primary-outdated
    quorum-lost disconnected bitmap block-size"""
)
DRBD_FACTS: tuple[Keyword, ...] = (
    *(Keyword(k, since=_84) for k in _SINCE_84),
    *(Keyword(k, since=_9) for k in _SINCE_9),
    *(Keyword(k, since=_9) for k in TOP_KEYWORDS if k.startswith("require-drbd-module")),
    Keyword(
        "syncer",
        deprecated_in=_84,
        instead="move its options to 'disk', 'net' and 'options'",
        renamed_since=_84,
    ),
    Keyword("after", deprecated_in=_84, renamed_to="resync-after", where="disk", renamed_since=_84),
    Keyword("no-disk-flushes", deprecated_in=_84, renamed_to="disk-flushes no", renamed_since=_84),
    Keyword("no-md-flushes", deprecated_in=_84, renamed_to="md-flushes no", renamed_since=_84),
    Keyword("no-disk-barrier", deprecated_in=_84, renamed_to="disk-barrier no", renamed_since=_84),
    Keyword("no-disk-drain", deprecated_in=_84, renamed_to="disk-drain no", renamed_since=_84),
    Keyword("no-tcp-cork", deprecated_in=_84, renamed_to="tcp-cork no", renamed_since=_84),
    Keyword("use-bmbv", until=_9, switch_until=_84),
    # 8.3's switches take no value: "'_is_default | ;' expected, but got 'yes'" (drbdadm 8.3)
    *(
        Keyword(k, switch_until=_84)
        for k in ("allow-two-primaries", "always-asbp", "use-rle", "wait-after-sb")
    ),
    Keyword("discard-my-data", switch_until=_84),
    Keyword("max-bio-bvecs", until=_9),
    Keyword("delay-probe-volume", until=_84),
    Keyword("delay-probe-interval", until=_84),
    Keyword("throttle-threshold", until=_84),
    Keyword("hold-off-threshold", until=_84),
    # DRBD 0.7's; 8.0 replaced incon-degr-cmd by the pri-on-incon-degr handler
    Keyword(
        "incon-degr-cmd",
        until=V("8.0"),
        renamed_to="pri-on-incon-degr",
        where="handlers",
        renamed_since=V("8.0"),
    ),
    Keyword("on-disconnect", until=V("8.0")),
    Keyword(
        "outdate-peer", deprecated_in=V("8.3"), renamed_to="fence-peer", renamed_since=V("8.3")
    ),
)
#: Facts that hold in one section only (``csums-alg`` moved from syncer to net in 8.4).
DRBD_CONTEXT_FACTS: dict[tuple[str, str], Keyword] = {
    ("syncer", "rate"): Keyword(
        "rate",
        deprecated_in=_84,
        until=_9,
        renamed_to="resync-rate",
        where="disk",
        renamed_since=_84,
    ),
    # drbdadm 8.4 reads 8.3's names in disk too (check_and_change_deprecated_alias)
    ("disk", "rate"): Keyword(
        "rate",
        since=_84,
        deprecated_in=_84,
        until=_9,
        renamed_to="resync-rate",
        where="disk",
        renamed_since=_84,
    ),
    ("disk", "after"): Keyword(
        "after",
        since=_84,
        deprecated_in=_84,
        until=_9,
        renamed_to="resync-after",
        where="disk",
        renamed_since=_84,
    ),
    ("net", "csums-alg"): Keyword("csums-alg", since=_84),
    ("net", "verify-alg"): Keyword("verify-alg", since=_84),
    ("net", "use-rle"): Keyword("use-rle", since=_84),
    ("net", "fencing"): Keyword("fencing", since=_9),
    # 8.3 reads protocol at resource level only ("'an option keyword' expected, but got
    # 'protocol'" from drbdadm 8.3 for net { protocol C; })
    ("net", "protocol"): Keyword(
        "protocol", since=_84, instead="older releases write it at resource level"
    ),
    ("disk", "fencing"): Keyword(
        "fencing", until=_9, renamed_to="fencing", where="net", renamed_since=_9
    ),
    **{
        ("disk", k): Keyword(k, since=_84)
        for k in (
            "al-extents",
            "c-plan-ahead",
            "c-fill-target",
            "c-delay-target",
            "c-max-rate",
            "c-min-rate",
        )
    },
}

#: Every keyword of every section and the DRBD releases that read it.
SCHEMA = Schema.build(
    "drbd",
    "DRBD",
    {ctx: kws for ctx, kws in _TABLES.items() if ctx != "show"},
    DRBD_FACTS,
    per_context=DRBD_CONTEXT_FACTS,
    refuses=True,
)
#: Which keywords are sections (``{``) and which statements (``;``) in each context.
_SECTION_WORDS = _kw(
    """global common resource on floating stacked-on-top-of volume connection
    connection-mesh path net disk syncer startup handlers options proxy plugin"""
)
_STATEMENT_ONLY = (
    (
        GLOBAL_KEYWORDS
        | NET_KEYWORDS
        | SYNCER_KEYWORDS
        | STARTUP_KEYWORDS
        | HANDLERS_KEYWORDS
        | OPTIONS_KEYWORDS
        | _kw("device meta-disk flexible-meta-disk address node-id protocol hosts")
    )
    - _SECTION_WORDS
    - _kw("host")
)
HOST_SECTIONS = ("on", "floating", "stacked-on-top-of", "_this_host", "_remote_host")
ADDRESS_FAMILIES = ("ipv4", "ipv6", "ssocks", "sdp", "sci")


def keywords_for(context: str) -> _W | None:
    """The keywords valid in a context (``top``, ``resource``, ``net``, ...); None: unchecked."""
    return _TABLES.get(context)


# -- values -----------------------------------------------------------------

_ESCAPE = re.compile(r"\\(.)", re.S)


def unquote(raw: str) -> str:
    """A token's value: quotes removed and backslash escapes resolved (drbdadm's scanner)."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        inner = raw[1:-1]
        return _ESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    return raw


def _needs_quotes(value: str) -> bool:
    return value == "" or any(c.isspace() or c in '";{}#\\\u00a0' for c in value)


class DrbdStyle(BlockStyle):
    """Canonical drbd.conf: 4-space indentation, ``key value;``, ``"..."`` with escapes."""

    def quote(self, value: str, old: str | None = None) -> str:
        if (old is not None and old.startswith('"')) or _needs_quotes(value):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return value


STYLE = DrbdStyle(indent="    ", terminator=";", separator=" ")


def _style_for(source: str) -> DrbdStyle:
    """The file's own indentation unit and line ending, for the nodes added to it
    (a tab-indented file gets tabs, a CRLF file CRLF); the canonical style otherwise."""
    return styled_like(source, STYLE)


def _flag_or_text(values: list[str]) -> str | bool:
    vals = [v for v in values if v != "_is_default"]
    return " ".join(vals) if vals else True


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


class Address:
    """``[family] ip:port`` of an ``address`` statement, as a live view.

    ``ip`` has no IPv6 brackets; ``family`` is ``ipv4`` when the file names
    none and the value is an IPv4 literal, ``None`` when it names none and the
    value is no IP literal at all (``pbx01ip:7789``, ``10.255.255.x:7788``:
    drbdadm refuses both, see :func:`_address_problem`). Setting ``port``, ``ip``
    or ``family`` rewrites the tokens it was read from (an ``address`` statement,
    a ``host ... address ... port ...`` statement or a ``floating`` section
    head), so only that line of the file changes.
    """

    __slots__ = ("_at", "_entry", "_fam_at", "_port_at", "explicit_family", "family", "ip", "port")
    _entry: Entry | Block | None
    _at: int
    _fam_at: int | None
    _port_at: int | None
    family: str | None
    ip: str
    port: int | None
    explicit_family: bool

    def __init__(
        self,
        ip: str,
        port: int | None,
        family: str | None = "ipv4",
        *,
        explicit_family: bool | None = None,
        entry: Entry | Block | None = None,
        at: int = 0,
        fam_at: int | None = None,
        port_at: int | None = None,
    ) -> None:
        object.__setattr__(self, "_entry", entry)
        object.__setattr__(self, "_at", at)
        object.__setattr__(self, "_fam_at", fam_at)
        object.__setattr__(self, "_port_at", port_at)
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "ip", ip)
        object.__setattr__(self, "port", port)
        if explicit_family is None:
            explicit_family = family not in ("ipv4", None)
        object.__setattr__(self, "explicit_family", explicit_family)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "port" and value is not None:
            value = int(value)
        object.__setattr__(self, name, value)
        if name == "family":
            object.__setattr__(self, "explicit_family", True)
        self._write()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Address) and (self.family, self.ip, self.port) == (
            other.family,
            other.ip,
            other.port,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Address({self.family!r}, {self.ip!r}, {self.port!r})"

    @property
    def host_port(self) -> str:
        """``ip:port`` as drbd.conf spells it (IPv6 in brackets)."""
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        return ip if self.port is None else f"{ip}:{self.port}"

    def values(self) -> list[str]:
        """The statement values that spell this address."""
        return ([self.family or "ipv4"] if self.explicit_family else []) + [self.host_port]

    def __str__(self) -> str:
        return " ".join(self.values())

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"family": self.family, "ip": self.ip, "port": self.port}

    def _write(self) -> None:
        owner = self._entry
        if owner is None:
            return
        vals = list(owner.values if isinstance(owner, Entry) else owner.args)
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        if self._port_at is not None:
            if self.ip:  # "host NAME port N" has no ip to write
                vals[self._at] = ip
            if self.port is not None:
                vals[self._port_at] = str(self.port)
        else:
            vals[self._at] = ip if self.port is None else f"{ip}:{self.port}"
        if self._fam_at is not None:
            vals[self._fam_at] = self.family or "ipv4"
        elif self.explicit_family:
            vals.insert(self._at, self.family or "ipv4")
            object.__setattr__(self, "_fam_at", self._at)
            object.__setattr__(self, "_at", self._at + 1)
            if self._port_at is not None:
                object.__setattr__(self, "_port_at", self._port_at + 1)
        if isinstance(owner, Entry):
            owner.values = vals
        else:
            owner.args = vals


def parse_address(
    values: list[str], start: int = 0, entry: Entry | Block | None = None
) -> Address | None:
    """An :class:`Address` from statement values from ``start``: ``[family] ip[:port]``."""
    i = start
    fam_at = None
    family: str | None = "ipv4"
    if i < len(values) and values[i] in ADDRESS_FAMILIES:
        family, fam_at = values[i], i
        i += 1
    if i >= len(values):
        return None
    ip, port = split_host_port(values[i])
    if ip is None:
        return None
    if fam_at is None and not is_ipv4_literal(ip):
        family = None  # not what drbdadm's scanner calls an IPv4 address
    return Address(
        ip, port, family, explicit_family=fam_at is not None, entry=entry, at=i, fam_at=fam_at
    )


def is_ipv4_literal(text: str) -> bool:
    """Whether drbdadm's scanner reads ``text`` as an IPv4 address: four dot-separated
    groups of one to three digits (drbdadm_scanner.fl ``IPV4ADDR``; octets above 255
    still scan, and fail later)."""
    return re.fullmatch(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}", text) is not None


def split_host_port(text: str) -> tuple[str | None, int | None]:
    """``10.0.0.1:7788`` -> ("10.0.0.1", 7788); ``[fd00::1]:7788`` -> ("fd00::1", 7788)."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            return None, None
        rest = text[close + 1 :]
        port = _int(rest[1:]) if rest.startswith(":") else None
        return text[1:close], port
    if text.count(":") == 1:
        ip, _, port_text = text.partition(":")
        return ip, _int(port_text)
    return text, None


@attrs.frozen
class Device:
    """``device /dev/drbdN [minor N]`` or ``device minor N``: path and minor number."""

    path: str | None
    minor: int | None

    @classmethod
    def from_values(cls, values: list[str]) -> Device:
        path = None
        minor = None
        i = 0
        while i < len(values):
            if values[i] == "minor" and i + 1 < len(values):
                minor = _int(values[i + 1])
                i += 2
                continue
            path = values[i]
            i += 1
        if minor is None and path is not None:
            m = re.search(r"drbd(\d+)$", path)
            if m:
                minor = int(m.group(1))
        return cls(path, minor)

    def values(self) -> list[str]:
        out = [self.path] if self.path is not None else []
        if self.minor is not None and (
            self.path is None or not self.path.endswith(f"drbd{self.minor}")
        ):
            out += ["minor", str(self.minor)]
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"path": self.path, "minor": self.minor}


@attrs.frozen
class MetaDisk:
    """``meta-disk internal | DEV [IDX] | DEV``: where DRBD keeps its metadata.

    ``index`` is the slot of an external, indexed metadata device (``None``
    for flexible external metadata); ``flexible`` notes ``flexible-meta-disk``.
    """

    internal: bool
    device: str | None = None
    index: int | None = None
    flexible: bool = False

    @classmethod
    def from_values(cls, values: list[str], flexible: bool = False) -> MetaDisk:
        text = "".join(values)  # "/dev/x [ 0 ]" and "/dev/x[0]" alike
        if text == "internal":
            return cls(True, flexible=flexible)
        m = re.fullmatch(r"(.*?)\[(-?\d+)\]", text, re.S)
        if m:
            return cls(False, m.group(1), int(m.group(2)), flexible)
        return cls(False, text or None, None, flexible)

    def values(self) -> list[str]:
        if self.internal:
            return ["internal"]
        dev = self.device or ""
        return [dev if self.index is None else f"{dev}[{self.index}]"]

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"internal": self.internal, "device": self.device, "index": self.index}


# -- syntax nodes -------------------------------------------------------------


@attrs.define(weakref_slot=False)
class Skip(Node):
    """A 0.7/8.0 ``skip ... { ... }`` block: drbdadm ignores its text, so do we."""

    text: str
    key = "skip"

    def state(self) -> Any:
        return self.text

    def render_canonical(self, indent: str, style: Style) -> str:
        return f"{indent}{self.text}{style.newline}"

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        return [
            Tok("SKIP", self.text, -1) if isinstance(p, Tok) and p.kind == "SKIP" else p
            for p in pieces
        ]


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


@attrs.define(eq=False)
class _View:
    """A typed view on one section; reads parse its statements, writes edit them."""

    block: Block

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _View) and type(other) is type(self) and other.block == self.block

    __hash__ = None  # type: ignore[assignment]

    def _set(self, key: str, values: list[str] | None) -> None:
        """Set (``None``: remove) the last ``key`` statement, creating it if needed."""
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
        return LiveSections(_sections_of(self.block), self.block)

    def section(self, name: str, *, create: bool = False) -> Block | None:
        """The (last) option section ``name`` here, created at the end when asked."""
        found = None
        for b in self.block.blocks(name):
            found = b
        if found is None and create:
            found = Block(name)
            self.block.children.append(found)
        return found


class _DeviceMixin(_View):
    """``device``, ``disk`` and ``meta-disk`` statements (resource, host and volume level)."""

    @property
    def device(self) -> Device | None:
        e = self.block.entry("device")
        return Device.from_values(e.values) if e is not None else None

    @device.setter
    def device(self, value: Device | str | None) -> None:
        if isinstance(value, str):
            value = Device.from_values(value.split())
        self._set("device", value.values() if value is not None else None)

    @property
    def disk(self) -> str | None:
        """The backing device; ``None`` when absent or ``disk none`` (diskless)."""
        e = self.block.entry("disk")
        if e is None or not e.values or e.values[0] == "none":
            return None
        return e.values[0]

    @disk.setter
    def disk(self, value: str | None) -> None:
        self._set("disk", [value] if value is not None else None)

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
        check = getattr(self, "_check_writable", None)
        if check is not None:
            check("volume", _84)
        vol = Volume(Block("volume", [str(number)]))
        if device is not None:
            vol.device = device
        if disk is not None:
            vol.disk = disk
        if meta_disk is not None:
            vol.meta_disk = meta_disk
        self.block.children.append(vol.block)
        return vol


@attrs.define(eq=False)
class Host(_DeviceMixin, _VolumesMixin):
    """An ``on NAME... {}``, ``floating [FAMILY] ADDR:PORT {}`` or
    ``stacked-on-top-of RES {}`` section (``_this_host``/``_remote_host`` in
    ``drbdsetup show`` output)."""

    @property
    def kind(self) -> str:
        return self.block.key

    @property
    def names(self) -> list[str]:
        """Host names (several for a 9 ``on a b {}``); the lower resource for stacked,
        the address text for floating."""
        if self.kind == "floating":
            return [" ".join(self.block.args)]
        if self.kind.startswith("_"):
            return [self.kind]
        return list(self.block.args)

    @property
    def name(self) -> str:
        names = self.names
        return names[0] if names else ""

    @property
    def address(self) -> Address | None:
        """The replication address (``floating`` sections carry it in their head)."""
        e = self.block.entry("address")
        if e is not None:
            return parse_address(e.values, 0, e)
        if self.kind == "floating":
            return parse_address(self.block.args, 0, self.block)
        return None

    @address.setter
    def address(self, value: Address | str | None) -> None:
        if isinstance(value, str):
            value = parse_address(value.split())
        self._set("address", value.values() if value is not None else None)

    @property
    def node_id(self) -> int | None:
        return _int(self.block.get("node-id"))

    @node_id.setter
    def node_id(self, value: int | None) -> None:
        self._set("node-id", [str(value)] if value is not None else None)

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


def _connection_hosts(block: Block) -> list[ConnectionHost]:
    out = []
    for c in block.children:
        if isinstance(c, Entry) and c.key == "host":
            out.append(ConnectionHost(block, c))
        elif isinstance(c, Block) and c.key == "host":
            out.append(ConnectionHost(c))
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


#: Where DRBD 8.4 put the options of 8.3's ``syncer`` section (``None``: dropped).
SYNCER_TO_84: dict[str, tuple[str, str] | None] = {
    "rate": ("disk", "resync-rate"),
    "after": ("disk", "resync-after"),
    "al-extents": ("disk", "al-extents"),
    "c-plan-ahead": ("disk", "c-plan-ahead"),
    "c-fill-target": ("disk", "c-fill-target"),
    "c-delay-target": ("disk", "c-delay-target"),
    "c-max-rate": ("disk", "c-max-rate"),
    "c-min-rate": ("disk", "c-min-rate"),
    "use-rle": ("net", "use-rle"),
    "verify-alg": ("net", "verify-alg"),
    "csums-alg": ("net", "csums-alg"),
    "cpu-mask": ("options", "cpu-mask"),
    "on-no-data-accessible": ("options", "on-no-data-accessible"),
}
#: 8.3 negative flags and their 8.4 ``name no`` spelling.
FLAGS_TO_84 = {
    "no-disk-flushes": "disk-flushes",
    "no-md-flushes": "md-flushes",
    "no-disk-barrier": "disk-barrier",
    "no-disk-drain": "disk-drain",
    "no-tcp-cork": "tcp-cork",
}


#: 8.3's switches: written bare (``allow-two-primaries;``), 8.4 takes ``yes``/``no``.
SWITCHES_83 = frozenset(k.name for k in DRBD_FACTS if k.switch_until is not None)


def _to_83(section: str, key: str, value: str) -> tuple[str, str, list[str] | None]:
    """An option as DRBD 8.4 names it -> ``(section, keyword, values)`` as 8.3 writes
    it: ``[]`` for a bare switch, ``None`` for "nothing to write" (a flag's
    default). Raises ValueError for what 8.3 has no spelling of."""
    for old, target in SYNCER_TO_84.items():
        if target == (section, key):
            section, key = "syncer", old
            break
    for flag, new in FLAGS_TO_84.items():
        if new == key:
            return section, flag, [] if value == "no" else None
    if key in SWITCHES_83:
        return section, key, [] if value in ("yes", "") else None
    kw = SCHEMA.keyword(section, key)
    if kw is None or (kw.since is not None and kw.since > V("8.3")):
        raise ValueError(f"DRBD 8.3 has no '{key}' in '{section}'")
    return section, key, [value]


def sections_84(sections: dict[str, dict[str, str | bool]]) -> dict[str, dict[str, str | bool]]:
    """``sections`` as DRBD 8.4 reads them: ``syncer`` options moved to ``disk``,
    ``net`` or ``options``, ``no-X`` flags spelled ``X no``, bare flags ``yes``,
    the ``outdate-peer`` handler called ``fence-peer``."""
    out: dict[str, dict[str, str | bool]] = {}
    for name, settings in sections.items():
        for key, value in settings.items():
            section, new = name, key
            if name == "syncer":
                target = SYNCER_TO_84.get(key)
                if target is None:
                    continue
                section, new = target
            if name == "handlers" and key == "outdate-peer":
                new = "fence-peer"
            if key in FLAGS_TO_84:
                new, value = FLAGS_TO_84[key], "no"
            elif value is True:
                value = "yes"
            out.setdefault(section, {})[new] = value
    return out


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
            layer[n] = ({**fields, **_volume_fields(vol)}, vol.sections)
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
        """Host sections in file order (``on``, ``floating``, ``stacked-on-top-of``)."""
        return [Host(b) for b in self.block.blocks() if b.key in HOST_SECTIONS]

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
            if h.kind == "floating" and addr is not None and addr.host_port == name:
                return h
            if h.name == name:  # a section without a name (``on {``, a partial parse)
                return h
        return None

    @property
    def stacked(self) -> bool:
        return any(h.kind == "stacked-on-top-of" for h in self.host_list)

    @property
    def protocol(self) -> str | None:
        """``protocol`` at resource level (8.x) or in ``net`` (8.4/9); common's as fallback."""
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
            raise ValueError(
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
        if section == "net" and key == "protocol":
            if release < _84:
                self._set("protocol", [value])
            else:
                net = self.section("net", create=True)
                assert net is not None
                net.set("protocol", value)
            return
        if release < _84:
            section, key, values = _to_83(section, key, value)
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
            raise ValueError(f"DRBD {dialect} has no '{key}' in '{section}'")
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
        (``node_id`` is DRBD 9's: ValueError in a file DRBD 9 refuses)."""
        if node_id is not None:
            self._check_writable("node-id", _9)
        host = Host(Block("on", [name]))
        if device is not None:
            host.device = device
        if disk is not None:
            host.disk = disk
        if meta_disk is not None:
            host.meta_disk = meta_disk
        if address is not None:
            host.address = address
        if node_id is not None:
            host.node_id = node_id
        kids = self.block.children
        last = max(
            (i for i, c in enumerate(kids) if isinstance(c, Block) and c.key in HOST_SECTIONS),
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
        sections = _merge_sections(common_sections, self.sections, h.sections)
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
            paths = [tuple(endpoint(ch) for ch in p) for p in conn.paths]
            if not paths and conn.hosts:
                paths = [tuple(endpoint(ch) for ch in conn.hosts)]
            out.append(Link(tuple(paths), "connection"))
        done = {frozenset(link.hosts) for link in out}
        mesh = self.connection_mesh
        for i, a in enumerate(mesh):
            for b in mesh[i + 1 :]:
                if frozenset((end(a).host, end(b).host)) in done:
                    continue
                out.append(Link(((end(a), end(b)),), "mesh"))
        if not self.connections and not mesh:
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


@attrs.define(weakref_slot=False)
class DrbdDocument(Document):
    """A parsed drbd.conf (or a ``drbd.d/*.res`` / ``global_common.conf`` it includes)."""

    format = FORMAT
    style = STYLE
    #: drbdadm (8.3, 8.4, 9) stops at a keyword it does not know where it stands:
    #: "Parse error: 'an option keyword' expected, but got ..." (checked with peer-drbdadm)
    refused_keyword_kinds = frozenset({"unknown", "misplaced"})

    children: list[Node] = attrs.field(factory=list, repr=nodes_repr)
    children_field = "children"

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
        return LiveSettings(merged, self._global_block)

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
        return LiveSections(out, b)

    def resource_list(self, common: Block | None = None) -> list[Resource]:
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
        if name in self.resources:
            raise ValueError(f"resource {name!r} already exists")
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
        for b in self._top("resource"):
            if b.args[:1] == [name]:
                self.children.remove(b)
                return True
        return False

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[tuple[Node, str, str | None]]:
        """``(node, "unknown"|"misplaced"|"deprecated", hint)`` for each keyword to look at.

        Unknown keywords get the closest known keyword of their section as a
        did-you-mean hint (or ``None``); misplaced ones (valid in another
        section) the sections that take them; deprecated ones their replacement.
        """
        yield from _check_keywords(self, "show" if self.is_drbdsetup_show else "top")

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
                if n.key.startswith("_") or any(
                    isinstance(c, Block) and c.key.startswith("_") for c in n.children
                ):
                    return True
                if any("_is_default" in e.values for e in n.entries()):
                    return True
        return False

    def value_problems(self) -> Iterator[tuple[Node, str]]:
        """``(node, message)`` for values that do not mean what they should: an
        address without a usable port, an IPv4 octet above 255 (drbdadm accepts
        it, the kernel does not), a minor or node id that is not a number, an
        unknown protocol, an enumerated option (``after-sb-0pri``,
        ``on-io-error``, ...) with a value no DRBD release accepts."""
        for node in walk(self):
            if isinstance(node, Entry) and node.values:
                message = _value_problem(node.key, node.values)
                if message:
                    yield node, message
            elif isinstance(node, Block) and node.key == "floating" and node.args:
                addr = parse_address(node.args)
                message = (
                    _address_problem(addr)
                    if addr is not None
                    else f"floating {' '.join(node.args)!r} is not [FAMILY] IP:PORT"
                )
                if message:
                    yield node, message

    def conflicts(self) -> list[Conflict]:
        """What drbdadm calls "conflicting use of ..." within this file."""
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
        from ..secrets import mask_values

        out = {
            "format": FORMAT,
            "global": self.global_,
            "common": self.common,
            "includes": self.includes,
            "resources": [r.to_dict() for r in self.resource_list()],
        }
        return out if show_secrets else mask_values(out, self.secrets())


#: Values drbdadm accepts for enumerated options (union over 0.7 .. 9.2).
ENUMS: dict[str, frozenset[str]] = {
    "after-sb-0pri": _kw(
        """disconnect discard-younger-primary discard-older-primary discard-zero-changes
        discard-least-changes discard-local discard-remote"""
    ),
    "after-sb-1pri": _kw(
        "disconnect consensus violently-as0p discard-secondary call-pri-lost-after-sb"
    ),
    "after-sb-2pri": _kw("disconnect violently-as0p call-pri-lost-after-sb"),
    "rr-conflict": _kw("disconnect call-pri-lost violently retry-connect auto-discard"),
    "on-io-error": _kw("pass_on call-local-io-error detach panic"),
    "fencing": _kw("dont-care resource-only resource-and-stonith"),
    "on-no-data-accessible": _kw("io-error suspend-io"),
    "on-no-quorum": _kw("io-error suspend-io"),
    "on-congestion": _kw("block pull-ahead disconnect"),
    "on-suspended-primary-outdated": _kw("disconnect force-secondary"),
    "usage-count": _kw("yes no ask"),
    "read-balancing": _kw(
        """prefer-local prefer-remote round-robin least-pending when-congested-remote
        32K-striping 64K-striping 128K-striping 256K-striping 512K-striping 1M-striping"""
    ),
}


def _value_problem(key: str, values: list[str]) -> str | None:
    """What is wrong with the values of one statement (``None``: nothing we know of)."""
    allowed = ENUMS.get(key)
    if allowed is not None:
        value = values[0]
        if value not in allowed and not value.startswith("discard-node-"):
            close = difflib.get_close_matches(value, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"{key} {value!r} is not one of: {', '.join(sorted(allowed))}{hint}"
        return None
    if key in ("address", "inside", "outside"):  # (inside/outside: a DRBD proxy's ends)
        addr = parse_address(values)
        if addr is None:
            return f"address {' '.join(values)!r} is not [FAMILY] IP:PORT"
        return _address_problem(addr)
    if key == "device":
        dev = Device.from_values(values)
        if "minor" in values and dev.minor is None:
            return f"device minor {' '.join(values)!r} is not a number"
        if dev.minor is None:
            return f"device {' '.join(values)!r} has no minor (use /dev/drbdN or 'minor N')"
        return None
    if key in ("meta-disk", "flexible-meta-disk"):
        md = MetaDisk.from_values(values)
        if not md.internal and md.device is not None and "[" in md.device:
            return f"meta-disk index in {''.join(values)!r} is not a number"
        return None
    if key == "node-id":
        n = _int(values[0])
        if n is None or not 0 <= n <= 31:
            return f"node-id {values[0]!r} is not a number from 0 to 31"
        return None
    if key == "protocol" and values[0] not in ("A", "B", "C"):
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


def _check_keywords(node: Node, context: str) -> Iterator[tuple[Node, str, str | None]]:
    allowed = _TABLES.get(context)
    for c in node.child_nodes():
        key = getattr(c, "key", None)
        if key is None or isinstance(c, Skip):
            continue
        known = allowed is None or key.startswith("_") or key in ANYWHERE or key in allowed
        if not known:
            assert allowed is not None
            places = [ctx for ctx, kws in _TABLES.items() if ctx != "show" and key in (kws or ())]
            if places:  # a real keyword in the wrong section: drbdadm rejects it there
                yield c, "misplaced", ", ".join("top level" if p == "top" else p for p in places)
                continue
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            yield c, "unknown", close[0] if close else None
            continue
        verdict = SCHEMA.judge(context, key) if context != "top" else None
        if verdict is not None and verdict.kind == "deprecated":
            yield c, "deprecated", verdict.message
        if isinstance(c, Block):
            sub = _subcontext(context, key)
            if sub is not None:
                yield from _check_keywords(c, sub)


def _keyword_uses(node: Node, context: str) -> Iterator[tuple[str, str, Node]]:
    for c in node.child_nodes():
        key = getattr(c, "key", None)
        if key is None or isinstance(c, Skip):
            continue
        yield context, key, c
        if isinstance(c, Block):
            sub = _subcontext(context, key)
            if sub is not None:
                yield from _keyword_uses(c, sub)


def _subcontext(context: str, key: str) -> str | None:
    """The keyword table inside section ``key`` met in ``context``."""
    if context in ("connection", "path") and key == "host":
        return "via-proxy"  # "host NAME ... via proxy on X { inside; outside; }"
    if context == "proxy" and key in ("options", "plugin"):
        return None if key == "plugin" else "proxy"
    return _CONTEXT_OF.get(key)


# -- parsing --------------------------------------------------------------------


@functools.cache
def _builder() -> Any:
    """The Lark transformer, made on first use: well-formed files never import Lark."""
    from lark import Transformer

    class Builder(Transformer):
        def statement(self, children: list[Any]) -> Entry:
            return make_entry(children, unquote)

        def section(self, children: list[Any]) -> Block:
            return make_block([_skip(c) for c in children], unquote)

        def start(self, children: list[Any]) -> DrbdDocument:
            kids = [_skip(c) for c in children]
            doc = DrbdDocument([c for c in kids if isinstance(c, Node)])
            doc.cst = kids
            return doc

    return Builder(visit_tokens=False)


def _skip(c: Any) -> Any:
    if not isinstance(c, Node) and getattr(c, "type", None) == "SKIP":
        node = Skip(str(c))
        node.cst = [Tok("SKIP", str(c), c.start_pos)]
        return node
    return c


_WORDS = {
    "WORD": "a keyword or value",
    "STRING": "a quoted string",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "SEMICOLON": "';'",
    "SKIP": "",
}


def _context(exc: Exception) -> str:
    expected = set(getattr(exc, "expected", ()) or getattr(exc, "allowed", ()) or ())
    if "SEMICOLON" in expected and "LBRACE" in expected:
        return "after the keyword's values"
    return ""


def parse(text: str, path: str | None = None) -> DrbdDocument:
    """Parse drbd.conf text; raises :class:`xencfg.ParseError`.

    Well-formed text takes a direct scanner (:func:`_scan`, several times
    faster than Lark and building the very same tree); anything it does not
    accept goes through the Lark grammar, which is the reference and words
    the error.
    """
    return parse_text(
        text, path, scan=_scan, lark=parse_lark, checks=(_check_garbage, _check_structure)
    )


#: Words that open a top-level item: a line starting with one ends any garbage above it.
_TOP_OPENERS = TOP_KEYWORDS | _kw("include skip")


def _check_garbage(doc: DrbdDocument, text: str, path: str | None) -> None:
    """Garbage at top level (a pasted shell line: ``cat /etc/drbd.d/r0.res``) that
    runs on into the next section: without a ``;`` the generic grammar reads
    ``cat /etc/drbd.d/r0.res resource r0 { ... }`` as one block named ``cat``, and the
    resource would vanish. drbdadm stops at the garbage ("Parse error: 'global |
    common | resource | skip | include' expected, but got 'cat'"), so it is a syntax
    error on its line; the error's ``partial`` document is the file read without
    that garbage, so lint still checks the resource behind it."""
    if doc.is_drbdsetup_show:
        return
    for c in doc.children:
        if not isinstance(c, (Entry, Block)) or c.key in _TOP_OPENERS or c.key in ANYWHERE:
            continue
        values = c.values if isinstance(c, Entry) else c.args
        if not _TOP_OPENERS.intersection(values):
            continue
        toks = c.value_toks if isinstance(c, Entry) else c.arg_toks
        start = c.pos
        for t in toks:
            line_start = text.rfind("\n", start, t.pos) + 1
            if (
                t.text in _TOP_OPENERS
                and line_start > start
                and not text[line_start : t.pos].strip()
            ):
                blanked = (
                    text[:start] + re.sub(r"[^\n]", " ", text[start:line_start]) + text[line_start:]
                )
                err = _error(
                    text,
                    path,
                    start,
                    f"expected 'global', 'common', 'resource', 'skip' or 'include', got '{c.key}'"
                    " (a line that is not drbd.conf syntax, e.g. a pasted shell command)",
                    "'global | common | resource | skip | include'",
                )
                try:
                    err.partial = parse(blanked, path)
                except ParseError:
                    err.partial = None
                raise err


def parse_lark(text: str, path: str | None = None) -> DrbdDocument:
    """Parse with ``grammars/drbd.lark`` only (the reference the fast scanner must equal)."""
    try:
        doc: DrbdDocument = parse_with(
            "drbd", text, path, _builder(), words=_WORDS, context=_context, comment="#"
        )
    except ParseError as err:
        raise _reworded(err, text) from None
    return doc


def _reworded(err: ParseError, text: str) -> ParseError:
    """Say the usual drbd.conf mistakes the way an administrator thinks of them."""
    try:
        at = LineIndex(text).offset(err.line, err.column)
    except (IndexError, ValueError):
        return err
    char = text[at : at + 1]
    wants = err.expected
    message = None
    if char == "}" and "';'" in wants:
        message = "expected ';' after the value, got '}'"
    elif char == "}" and "'}'" not in wants:
        message = "unexpected '}': it closes no open section"
    elif char == '"' and '"' not in text[at + 1 :].split("\n", 1)[0]:
        message = "unterminated quoted string: a string must end on its own line"
    elif char == ";" and "';'" not in wants:
        message = "expected a keyword before ';' (an empty statement)"
    elif char == '"' and "';'" not in wants:
        message = "expected a keyword, got a quoted string"
    if message is None:
        return err
    return ParseError(
        message,
        path=err.path,
        line=err.line,
        column=err.column,
        snippet=err.snippet,
        expected=err.expected,
    )


def _skip_pattern(depth: int = 6) -> str:
    """``skip [anything] {`` up to its balanced ``}`` (as the grammar's SKIP terminal)."""
    inner = "[^{}]*"
    for _ in range(depth - 1):
        inner = r"[^{}]*(?:\{" + inner + r"\}[^{}]*)*"
    return r"skip(?![^\s{\[])[^{]*\{" + inner + r"\}"


# One token per match, trivia included; group names are the grammar's terminal names.
_TOKEN_RE = re.compile(
    r"(?P<WS>[ \t\f\v\r\n\u00a0]+)|(?P<COMMENT>#[^\n]*)|(?P<SEMICOLON>;)|(?P<LBRACE>\{)"
    r'|(?P<RBRACE>\})|(?P<STRING>"(?:[^"\\\n]|\\.)*")|(?P<WORD>[^\s;{}"#\u00a0]+)'
)
_SKIP_RE = re.compile(_skip_pattern())


def _scan(text: str) -> DrbdDocument | None:
    """The tree the grammar gives for well-formed ``text``, or ``None`` to let Lark decide.

    Pieces are what the Lark transformer makes (statement/section/SKIP);
    trivia is attached afterwards by the shared core, exactly as for Lark.
    """
    match = _TOKEN_RE.match
    skip = _SKIP_RE.match
    n = len(text)
    pos = 0
    # each frame: pieces of the open section (None for the document) and its children
    stack: list[list[Any]] = []
    pieces: list[Any] = []  # the current container's pieces
    head: list[Tok] = []  # key and values of the statement/section being read
    while pos < n:
        if not head and text.startswith("skip", pos):
            m = skip(text, pos)
            if m is not None:
                t = m.group()
                node = Skip(t)
                node.cst = [Tok("SKIP", t, pos)]
                pieces.append(node)
                pos = m.end()
                continue
        m = match(text, pos)
        if m is None:
            return None
        kind = m.lastgroup
        start = pos
        pos = m.end()
        if kind == "WS" or kind == "COMMENT":
            continue
        assert kind is not None
        tok = Tok(kind, m.group(), start)
        if kind == "WORD" or kind == "STRING":
            if not head and kind == "STRING":
                return None
            head.append(tok)
        elif kind == "SEMICOLON":
            if not head:
                return None
            pieces.append(make_entry([*head, tok], unquote))
            head = []
        elif kind == "LBRACE":
            if not head:
                return None
            stack.append(pieces)
            pieces = [*head, tok]
            head = []
        else:  # RBRACE
            if head or not stack:
                return None
            pieces.append(tok)
            block = make_block(pieces, unquote)
            pieces = stack.pop()
            pieces.append(block)
    if head or stack:
        return None
    doc = DrbdDocument(list(pieces))
    doc.cst = list(pieces)
    return doc


def _error(text: str, path: str | None, pos: int, message: str, expected: str) -> ParseError:
    line, col = LineIndex(text).position(pos)
    return ParseError(
        message,
        path=path,
        line=line,
        column=col,
        snippet=caret_snippet(text, line, col),
        expected=expected,
    )


#: Sections that take no argument between their keyword and ``{``.
_BARE_SECTIONS = _kw("global common net disk syncer startup handlers options path connection-mesh")

_NAMED_SECTIONS = {
    "resource": "resource name",
    "on": "host name",
    "volume": "volume number",
    "stacked-on-top-of": "resource name",
    "floating": "address",
}


def _check_structure(doc: DrbdDocument, text: str, path: str | None) -> None:
    """The errors drbdadm's grammar catches that the generic grammar lets through.

    A missing ``;`` glues two statements (``protocol C`` + ``net { ... }``);
    drbdadm reports it at the next token, and so do we. Sections need their
    name (``resource r0 {``) and statement-only keywords cannot open one.
    """

    def bad(tok: Tok | None, message: str, expected: str) -> ParseError:
        return _error(text, path, tok.pos if tok is not None else 0, message, expected)

    def brace_tok(b: Block) -> Tok | None:
        return next((p for p in b.cst or () if isinstance(p, Tok) and p.kind == "LBRACE"), None)

    def visit(node: Node, context: str) -> None:
        allowed = _TABLES.get(context) or frozenset()
        for c in node.child_nodes():
            if isinstance(c, Entry):
                _check_glued(c, allowed | _SECTION_WORDS, bad)
                if c.key in _NAMED_SECTIONS and c.key in allowed and c.key not in ("volume",):
                    what = _NAMED_SECTIONS[c.key]
                    semi = c.cst[-1] if c.cst else None
                    raise bad(
                        semi if isinstance(semi, Tok) else None,
                        f"expected '{{' after {what}, got ';'",
                        "'{'",
                    )
                continue
            if not isinstance(c, Block):
                continue
            key = c.key
            if key in _STATEMENT_ONLY and key in allowed and key not in _SECTION_WORDS:
                words = allowed | _SECTION_WORDS
                glued = [t for t in c.arg_toks if t.text in words]
                at = glued[0] if glued else brace_tok(c)
                got = at.text if at is not None else "{"
                raise bad(at, f"expected ';' after the value of '{key}', got '{got}'", "';'")
            if key in ("resource", "volume", "stacked-on-top-of") and key in allowed:
                if not c.args:
                    raise bad(
                        brace_tok(c),
                        f"expected a {_NAMED_SECTIONS[key]} before '{{'",
                        _NAMED_SECTIONS[key],
                    )
                if len(c.args) > 1:
                    raise bad(c.arg_toks[1], f"expected '{{' after {_NAMED_SECTIONS[key]}", "'{'")
                if key == "volume" and _int(c.args[0]) is None:
                    raise bad(c.arg_toks[0], "expected a volume number", "a number")
            if key in _BARE_SECTIONS and key in allowed and c.args:
                if key == "disk":  # "disk DEV" is a statement: its ';' is missing
                    at = c.arg_toks[1] if len(c.arg_toks) > 1 else brace_tok(c)
                    got = at.text if at is not None else "{"
                    raise bad(at, f"expected ';' after the value of 'disk', got '{got}'", "';'")
                raise bad(c.arg_toks[0], f"expected '{{' after '{key}'", "'{'")
            if key == "on" and key in allowed and not c.args:
                raise bad(brace_tok(c), "expected a host name before '{'", "a host name")
            sub = _subcontext(context, key)
            if sub is not None:
                visit(c, sub)

    visit(doc, "show" if doc.is_drbdsetup_show else "top")


def _check_glued(e: Entry, keywords: frozenset[str], bad: Any) -> None:
    """A value on a later line that is a keyword of the section: a ``;`` is missing before it."""
    if not keywords.intersection(e.values) or e.key_tok is None:
        return  # (checked on values first: a light parse keeps no tokens)
    src = e.key_tok
    for t in e.value_toks:
        if t.text in keywords and t.kind == "WORD":
            # only across a line break: "on-io-error detach" stays a value
            gap = [
                p
                for p in e.cst or ()
                if isinstance(p, Tok) and src.pos < p.pos < t.pos and p.is_trivia
            ]
            if any("\n" in g.text for g in gap):
                raise bad(t, f"expected ';' after the value of '{e.key}', got '{t.text}'", "';'")


def sniff(text: str) -> bool:
    """A drbd.conf opens ``resource``, ``global`` or ``common`` sections, or includes."""
    return (
        re.search(
            r'^[ \t]*(resource\s+("[^"]*"|\S+)\s*\{|global\s*\{|common\s*\{|include\s+"[^"]*"\s*;)',
            text,
            re.M,
        )
        is not None
    )


# -- conflicts -------------------------------------------------------------------


@attrs.frozen
class Conflict:
    """Two places that claim the same thing, as drbdadm reports them
    (``conflicting use of KIND 'KEY' ...`` / ``... first used here``).

    ``kind`` is ``resource`` (a name defined twice), ``device-minor`` (one
    minor used twice on a host) or ``address`` (one ``ip:port`` for two
    host sections); ``node`` is the later statement, ``first`` the earlier.
    """

    kind: str
    key: str
    node: Node = attrs.field(eq=False, repr=False)
    first: Node = attrs.field(eq=False, repr=False)
    document: DrbdDocument | None = attrs.field(default=None, eq=False, repr=False)
    first_document: DrbdDocument | None = attrs.field(default=None, eq=False, repr=False)

    def lines(self) -> tuple[int, int]:
        """Line of the conflicting use and of the first use (each in its own file)."""
        a = self.document.position(self.node)[0] if self.document else 0
        b = self.first_document.position(self.first)[0] if self.first_document else 0
        return a, b


def find_conflicts(docs: list[DrbdDocument]) -> list[Conflict]:
    """Duplicate resource names, device minors per host and replication addresses."""
    out: list[Conflict] = []
    seen: dict[tuple[str, str], tuple[Node, DrbdDocument]] = {}

    def claim(kind: str, key: str, node: Node, doc: DrbdDocument) -> None:
        first = seen.setdefault((kind, key), (node, doc))
        if first[0] is not node:
            out.append(Conflict(kind, key, node, first[0], doc, first[1]))

    common = None
    for d in docs:
        common = d.common_block or common
    # a stacked resource's device lives on the machines of the resource below it
    lower = {r.name: r for d in docs for r in d.resource_list(common)}
    every = [(doc, res) for doc in docs for res in doc.resource_list(common)]
    for doc, res in every:
        claim("resource", res.name, res.block, doc)
    # drbdadm claims the stacked resources' minors and addresses after the others
    for doc, res in sorted(every, key=lambda dr: dr[1].stacked):
        for h in res.host_list:
            addr = h.address
            where = h.block.entry("address") or h.block
            if addr is not None and addr.port is not None:
                key = addr.host_port
                if addr.ip.startswith("127.") or addr.ip == "::1":
                    # loopback (DRBD proxy): each machine has its own
                    key = f"{' '.join(h.names)}/{key}"
                claim("address", key, where, doc)
            if h.kind == "on":
                machines = h.names
            elif h.kind == "stacked-on-top-of" and h.name in lower:
                machines = [n for x in lower[h.name].host_list for n in x.names]
            else:
                continue
            for n, vol in res.effective(h.name).volumes.items():
                dev = vol.get("device")
                if dev is None or dev.minor is None:
                    continue
                node = _device_node(res, h, n) or h.block
                for name in machines:
                    claim("device-minor", f"{name}:{dev.minor}", node, doc)
    return out


def _device_node(res: Resource, host: Host, volume: int) -> Node | None:
    """Where ``host`` gets its minor for ``volume``: the ``volume`` section holding a
    ``device`` (drbdadm reports the section's line), else the ``device`` statement."""
    for view in (host.volumes.get(volume), host, res.volumes.get(volume), res):
        if view is None or (isinstance(view, (Host, Resource)) and volume != 0):
            continue
        e = view.block.entry("device")
        if e is not None:
            return view.block if isinstance(view, Volume) else e
    return None


# -- includes and the logical configuration -------------------------------------


@attrs.define(eq=False)
class Config:
    """A drbd.conf and every file its ``include`` statements pull in.

    ``documents`` holds each file's own document (each renders back on its
    own); ``resources`` and ``common`` are the merged view drbdadm sees, and
    ``origin`` tells which document a resource came from.
    """

    documents: list[DrbdDocument]
    missing: list[str] = attrs.Factory(list)

    @property
    def common_block(self) -> Block | None:
        found = None
        for d in self.documents:
            found = d.common_block or found
        return found

    @property
    def resources(self) -> dict[str, Resource]:
        common = self.common_block
        return {r.name: r for d in self.documents for r in d.resource_list(common)}

    def origin(self, resource: str) -> DrbdDocument:
        """The document that holds ``resource``."""
        found = None
        for d in self.documents:
            if any(b.args[:1] == [resource] for b in d._top("resource")):
                found = d
        if found is None:
            raise KeyError(resource)
        return found

    @property
    def global_(self) -> dict[str, str | bool]:
        """``global`` merged over every file (read-only: edit one document's)."""
        merged: dict[str, str | bool] = {}
        for d in self.documents:
            merged.update(d.global_)
        return ComputedView(merged, "edit the global_ of the document that holds it")

    @property
    def common(self) -> dict[str, dict[str, str | bool]]:
        """``common`` merged over every file (read-only: edit one document's)."""
        merged: dict[str, dict[str, str | bool]] = {}
        for d in self.documents:
            merged = _merge_sections(merged, d.common)
        return ComputedView(merged, "edit the common of the document that holds it")

    def conflicts(self) -> list[Conflict]:
        """ "Conflicting use of ..." across every included file."""
        return find_conflicts(self.documents)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "files": [d.path for d in self.documents],
            "missing": self.missing,
            "global": self.global_,
            "common": self.common,
            "resources": [
                {**r.to_dict(), "file": self.origin(name).path}
                for name, r in self.resources.items()
            ],
        }


#: At most this many directory entries are looked at to expand one ``include`` glob,
#: so ``include "/*/*/*/*/*/*"`` cannot walk a whole disk.
MAX_GLOB_ENTRIES = 10_000
#: Includes nested deeper than this are refused (a chain, not a configuration).
MAX_INCLUDE_DEPTH = 32


def resolve_include(
    pattern: str, base_dir: str, *, root: str | None = None, limit: int = MAX_GLOB_ENTRIES
) -> list[str]:
    """Files an ``include`` pattern names: relative to the including file's directory, sorted.

    With ``root`` (a mounted node image), an absolute pattern means the node's ``/``
    and every match is resolved inside ``root``; a match whose links leave it is
    dropped. Raises :class:`XencfgError` when the glob would look at more than
    ``limit`` directory entries.
    """
    from fnmatch import fnmatchcase

    from ..syntax.source import OutsideRoot, resolve_in_root

    if os.path.isabs(pattern):
        full = os.path.join(root, pattern.lstrip("/")) if root is not None else pattern
    else:
        full = os.path.join(base_dir, pattern)
    head = "/" if full.startswith("/") else ""
    parts = [c for c in full.split("/") if c]
    paths = [head]
    looked = 0
    for part in parts:
        if not any(c in part for c in "*?["):
            paths = [os.path.join(p, part) if p else part for p in paths]
            continue
        nxt: list[str] = []
        for d in paths:
            try:
                entries = os.scandir(d or ".")
            except OSError:
                continue
            with entries:
                for e in entries:
                    looked += 1
                    if looked > limit:
                        raise XencfgError(
                            f"include {pattern!r}: the pattern matches more than {limit} entries"
                        )
                    if e.name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatchcase(e.name, part):
                        nxt.append(os.path.join(d, e.name) if d else e.name)
        paths = nxt
    out: list[str] = []
    for p in paths:
        if root is not None:
            try:
                rel = os.path.relpath(os.path.abspath(p), os.path.abspath(root))
                if rel.startswith(".."):
                    continue
                p = str(resolve_in_root(root, rel))
            except OutsideRoot:
                continue
        if os.path.isfile(p):
            out.append(p)
    return sorted(set(out))


def load_config(
    path: str | os.PathLike[str],
    *,
    max_files: int = 1000,
    root: str | os.PathLike[str] | None = None,
    max_depth: int = MAX_INCLUDE_DEPTH,
) -> Config:
    """Load a drbd.conf and, recursively, what it includes (each file once).

    With ``root`` (a mounted node image or a linted tree), includes resolve inside
    it as drbdadm on that node would see them, and nothing outside is read; an
    include that reaches outside counts as missing. Includes nested deeper than
    ``max_depth`` raise :class:`XencfgError` (as does a glob that matches too much).
    """
    from ..syntax.source import read_text

    docs: list[DrbdDocument] = []
    missing: list[str] = []
    seen: set[str] = set()
    root_s = os.fspath(root) if root is not None else None
    stack: list[tuple[str, int]] = [(os.fspath(path), 0)]
    while stack:
        p, depth = stack.pop()
        if depth > max_depth:
            raise XencfgError(f"{p}: includes nested more than {max_depth} deep")
        real = os.path.realpath(p)
        if real in seen or len(seen) >= max_files:
            continue
        seen.add(real)
        doc = parse(read_text(p, follow=root_s is None or depth == 0), p)
        docs.append(doc)
        children: list[str] = []
        for child in doc.children:
            if isinstance(child, Entry) and child.key == "include" and child.value:
                found = resolve_include(child.value, os.path.dirname(p), root=root_s)
                if not found and not any(c in child.value for c in "*?["):
                    missing.append(child.value)
                children.extend(found)
        stack.extend((f, depth + 1) for f in reversed(children))
    return Config(docs, missing)


__all__ = [
    "FORMAT",
    "Address",
    "Config",
    "Conflict",
    "Connection",
    "Device",
    "DrbdDocument",
    "Effective",
    "Endpoint",
    "Host",
    "Link",
    "MetaDisk",
    "Resource",
    "Skip",
    "Volume",
    "load_config",
    "parse",
    "sniff",
    "unquote",
]
