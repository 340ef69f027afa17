"""ha.cf: the main configuration of Linux-HA heartbeat (1.x - 3.0).

One directive per line, values split on blanks (and, for the directives heartbeat
reads word by word, at commas: ``node xen1,xen2`` is two nodes), ``#`` anywhere starts a
comment (heartbeat cuts the line at the first ``#``, so ``192.168.1.1#
note`` is an address and a comment). Directives are checked against
heartbeat 3.0.6; older spellings (``nice_failback``, ``udp``) are
*deprecated*, anything else *unknown* with a did-you-mean (``nodes`` ->
``node``). Values are typed on read: times in seconds (``1500ms`` is 1.5),
ports and levels as ``int``, heartbeat's booleans as ``bool``, the media
lines (``bcast``/``mcast``/``ucast``/``serial``) as :class:`Medium` values.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import attrs

from ...problems import KeywordProblem, ValueProblem
from ...secrets import mask_values
from ...syntax.blocks import Entry
from ..schema import Keyword
from ..view import (
    BOOL,
    DURATION,
    INT,
    Setting,
    daemon_defaults,
    schema_of,
    settings_of,
    to_bool,
    to_int,
    to_seconds,
)
from ._base import HEARTBEAT_STYLE, LineDocument, parser_for

FORMAT = "hacf"

#: Directive -> value kind, for heartbeat 3.0.6 (config.c and the HBcomm plugins), of the
#: directives without a typed property or whose kind refines the property's type
#: (``port``, ``choice``); the others' kind is their Setting's type (see :data:`KINDS`).
_OWN_KINDS: dict[str, str] = {
    # cluster membership and media
    "node": "names",
    "bcast": "media",
    "mcast": "media",
    "mcast6": "media",
    "ucast": "media",
    "ucast6": "media",
    "serial": "media",
    "ping": "names",
    "ping6": "names",
    "ping_group": "group",
    "autojoin": "choice",
    # numbers
    "udpport": "port",
    # config.c set_logdconntime (line 2091) reads it with cl_get_msec, as keepalive:
    # ``conn_logd_time 500ms`` starts, ``conn_logd_time 0`` is refused
    "conn_logd_time": "duration",
    "compression_threshold": "int",
    "max_rexmit_delay": "int",
    "rtprio": "int",
    "memreserve": "int",
    # booleans
    "log_badpack": "bool",
    "use_apphbd": "bool",
    "record_config_changes": "bool",
    "record_pengine_inputs": "bool",
    "enable_config_writes": "bool",
    # config.c Directives[] (line 169), set_pengine_by_crm: a boolean, refused after
    # the crm/pacemaker line (fail_if_after_pacemaker, line 2581)
    "crmd_spawns_pengine": "bool",
    # choices
    "auto_failback": "choice",
    "crm": "choice",
    "pacemaker": "choice",
    "msgfmt": "choice",
    "hbgenmethod": "choice",
    "uuidfrom": "choice",
    "compression": "choice",
    # single words and paths
    "coreroot": "word",
    "quorum_server": "word",
    "syslogmsgfmt": "bool",
    # whole-line directives
    "respawn": "command",
    # config.c WLdirectives[] (line 195): respawn whose death reboots the node
    "failfast": "command",
    "apiauth": "apiauth",
    "stonith": "stonith",
    "stonith_host": "stonith",
    "env": "env",
    "cluster": "word",
    # config.c Directives[] (line 168); heartbeat 3.0.6 refuses it wherever it stands
    # (see _crm_daemon_dir_refused)
    "crm_daemon_dir": "word",
}

#: Allowed words of the ``choice`` directives (booleans are always allowed for the crm switches).
CHOICES: dict[str, frozenset[str]] = {
    "auto_failback": frozenset({"legacy"}),
    "crm": frozenset({"respawn", "minimal", "manual", "valgrind", "ccm-only"}),
    "pacemaker": frozenset({"respawn", "minimal", "manual", "valgrind", "ccm-only"}),
    "autojoin": frozenset({"none", "other", "any"}),
    "msgfmt": frozenset({"classic", "netstring"}),
    "hbgenmethod": frozenset({"file", "time"}),
    "uuidfrom": frozenset({"file", "nodename"}),
    "compression": frozenset({"zlib", "bz2"}),
}
_BOOLEAN_CHOICES = frozenset({"auto_failback", "crm", "pacemaker"})
#: The words of ``crm``/``pacemaker`` that hand resources to the CRM (config.c
#: set_pcmk_support, lines 2741-2759, compared with strcasecmp): ``manual`` is
#: ``minimal``; ``valgrind`` runs the daemons under valgrind; ``ccm-only`` starts only
#: the CCM. Each turns haresources off (DoManageResources = FALSE).
CRM_MODES = frozenset({"on", "respawn", "minimal", "manual", "valgrind", "ccm-only"})
#: The API clients the CRM switch authorises itself (config.c set_pcmk_support,
#: lines 2696-2705 and 2768: ``minimal``/``manual`` stop after cib and crmd); an ``apiauth`` line
#: for one of them is a "Duplicate apiauth directive" (heartbeat 3.0.6, checked with
#: the daemon: ``apiauth pingd`` beside ``crm on`` is refused, beside ``crm minimal``
#: it starts). heartbeat 2.1's set_release2mode listed cib, stonithd, attrd, crmd and
#: pingd; ``stonith-ng`` came with heartbeat 3's ``pacemaker`` directive.
CRM_API_CLIENTS = ("cib", "crmd", "stonithd", "stonith-ng", "attrd", "pingd")
MINIMAL_API_CLIENTS = ("cib", "crmd")


def _switch(raw: str | None) -> str | None:
    """A switch of :data:`_BOOLEAN_CHOICES` as heartbeat reads it: ``on`` or ``off`` for
    any boolean spelling, else its own word (``respawn``, ``legacy``) in lower case."""
    if raw is None:
        return None
    b = to_bool(raw)
    if b is not None:
        return "on" if b else "off"
    return raw.lower()


DEPRECATED: dict[str, str | None] = {
    "nice_failback": "auto_failback",
    "udp": "bcast",
    "ppp-udp": None,
    "conn_logd_intval": "conn_logd_time",
    "hbaping": None,
    "normalpoll": None,
}
#: Serial speeds heartbeat 3.0.6 accepts for ``baud`` (checked with the daemon).
BAUD_RATES = frozenset({9600, 19200, 38400, 57600, 115200, 230400, 460800})

MEDIA = frozenset({"bcast", "mcast", "mcast6", "ucast", "ucast6", "serial"})
#: Directives heartbeat hands the rest of the line to as one string (config.c: the
#: WLdirectives[] table, line 190, and the media plugins with a whole-line ``parse``:
#: ucast.c, mcast.c, ping_group.c and their IPv6 twins). Every other directive is read
#: word by word: parse_config (lines 841-852) calls add_option once per word, and a
#: word ends at a blank *or a comma* (DELIMS ", \t\n\r\f", heartbeat.h line 150), so
#: ``node xen1,xen2`` names two nodes and ``keepalive 2,`` is ``keepalive 2``.
WHOLE_LINE_DIRECTIVES = frozenset(
    {"stonith", "stonith_host", "apiauth", "respawn", "failfast"}
    | {"ucast", "ucast6", "mcast", "mcast6", "ping_group"}
)
#: Word-by-word directives whose every word adds one item (a node, a ping node, a
#: bcast interface or a serial port: bcast.c, serial.c and ping.c have a ``new`` per word).
MANY_WORDS = frozenset({"node", "ping", "ping6", "bcast", "serial", "env"})
#: Directives heartbeat takes once: a second word, on the same line or another, is
#: refused (config.c set_baudrate line 1640 "Baudrate multiply specified",
#: set_watchdogdev line 1589 "Watchdog device multiply specified", set_pcmk_support
#: line 2735 "pacemaker/crm directive used multiple times!").
ONCE_ONLY = frozenset({"baud", "watchdog", "crm", "pacemaker"})


def words(e: Entry) -> list[str]:
    """The values of a line as heartbeat reads them: for a word-by-word directive the
    words split at commas too (empty ones never reach add_option); for a whole-line
    directive the values as they are."""
    if e.key in WHOLE_LINE_DIRECTIVES:
        return list(e.values)
    return [w for v in e.values for w in v.split(",") if w]


#: Directives heartbeat reads every line of (udpport and baud apply to the media
#: lines after them), or refuses a second line of (:data:`ONCE_ONLY`: a value problem
#: of its own, not a silent override).
REPEATABLE = frozenset(
    {
        k
        for k, kind in _OWN_KINDS.items()
        if kind in ("names", "media", "group", "command", "apiauth", "stonith", "env")
    }
    | {"udpport"}
    | ONCE_ONLY
)
DURATIONS = ("keepalive", "deadtime", "warntime", "initdead", "deadping")
SYSLOG_FACILITIES = frozenset(
    [
        "auth",
        "authpriv",
        "cron",
        "daemon",
        "ftp",
        "kern",
        "lpr",
        "mail",
        "news",
        "syslog",
        "user",
        "uucp",
        "local0",
        "local1",
        "local2",
        "local3",
        "local4",
        "local5",
        "local6",
        "local7",
        "none",
    ]
)


def _host(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | str:
    """An address where it is one, else the host name as written."""
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return raw


#: Which ``stonith_host`` parameter (0-based, after the type) holds a password or an
#: SNMP community, per STONITH plugin (the order ``stonith -t TYPE -n`` lists).
_STONITH_SECRET: dict[str, int] = {
    "baytech": 2,  # ipaddr login password
    "apcmaster": 2,  # ipaddr login password
    "apcmastersnmp": 2,  # ipaddr port community
    "wti_nps": 1,  # ipaddr password
    "drac3": 2,  # host username password
    "external/ipmi": 3,  # hostname ipaddr userid passwd interface
    "external/ibmrsa": 3,  # hostname ipaddr userid passwd type
    "external/riloe": 3,  # hostlist ilo_hostname ilo_user ilo_password ...
    "external/rackpdu": 2,  # hostlist pduip community
    "external/dracmc-telnet": 5,  # nodename cyclades_ip cyclades_port servername username password
    "external/hmchttp": 3,  # hostlist hmc_ipaddr user password
    "external/ibmrsa-telnet": 3,  # nodename ip_address username password
    "external/ippower9258": 2,  # deviceip username password hostlist
    "external/nut": 3,  # hostname ups username password poweron ...
    "ipmilan": 6,  # hostname ipaddr port auth priv login password reset_method
    "wti_mpc": 2,  # ipaddr port community mib-version
}
#: Plugins whose secret is their last parameter: it takes the rest of the line's values
#: (how heartbeat handed a ``stonith_host`` line to the plugin), all of them masked.
_STONITH_SECRET_LAST = frozenset(
    {
        "baytech",
        "apcmaster",
        "apcmastersnmp",
        "wti_nps",
        "drac3",
        "external/rackpdu",
        "external/dracmc-telnet",
        "external/hmchttp",
        "external/ibmrsa-telnet",
    }
)
#: cluster-glue 1.0.12's plugins with no password among their parameters (``stonith
#: -t TYPE -n``; ssh keys, a serial port or a credentials file instead).
_STONITH_NO_SECRET = frozenset(
    {
        "apcsmart",
        "bladehpi",
        "cyclades",
        "external/drac5",
        "external/hetzner",
        "external/kdumpcheck",
        "external/libvirt",
        "external/ssh",
        "external/vcenter",
        "external/vmware",
        "external/xen0",
        "external/xen0-ha",
        "ibmhmc",
        "meatware",
        "null",
        "nw_rpc100s",
        "rcd_serial",
        "rps10",
        "ssh",
        "suicide",
    }
)
#: A ``stonith_host`` value that is no password whatever the plugin: an address, a
#: path, a number (a port, a flag).
_PLAIN_STONITH_VALUE = re.compile(r"[\d.:]+|/\S*|\*")


#: STONITH plugins whose ``stonith -t TYPE -n`` lists no parameter (cluster-glue
#: 1.0.12): the only ones heartbeat takes in a ``stonith_host`` line without any.
_STONITH_WITHOUT_PARAMS = frozenset({"suicide"})


@attrs.frozen
class Medium:
    """One communication path: a ``bcast``/``mcast``/``ucast``/``serial`` line's parts.

    ``devices`` are the interfaces (or serial ports); ``host`` is the ucast peer
    or the mcast group; ``port``/``ttl``/``loop`` are mcast's numbers.
    """

    kind: str
    devices: tuple[str, ...]
    host: ipaddress.IPv4Address | ipaddress.IPv6Address | str | None = None
    port: int | None = None
    ttl: int | None = None
    loop: int | None = None
    node: Entry | None = attrs.field(default=None, eq=False, repr=False)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "devices": list(self.devices)}
        if self.host is not None:
            d["host"] = str(self.host)
        for k in ("port", "ttl", "loop"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        return d


@attrs.frozen
class Respawn:
    """A ``respawn USER COMMAND...`` line: a client heartbeat starts and restarts."""

    user: str
    command: str


@attrs.frozen
class TimingProblem(ValueProblem):
    """Timings that contradict each other (``node``: the line to change).

    ``kind`` is ``"deadtime"`` where heartbeat refuses to start (lint's HB004) and
    ``"order"`` where it starts but warns (HB005; ``harmless``)."""

    kind: Literal["deadtime", "order"] = attrs.field(kw_only=True)

    def __iter__(self) -> Iterator[Any]:
        """``entry, kind, message``: the tuple this used to be."""
        return iter((self.node, self.kind, self.message))


def _medium(e: Entry) -> Medium:
    v = e.values
    if e.key in ("ucast", "ucast6"):
        return Medium(e.key, tuple(v[:1]), _host(v[1]) if len(v) > 1 else None, node=e)
    if e.key in ("mcast", "mcast6"):
        return Medium(
            e.key,
            tuple(v[:1]),
            _host(v[1]) if len(v) > 1 else None,
            to_int(v[2]) if len(v) > 2 else None,
            to_int(v[3]) if len(v) > 3 else None,
            to_int(v[4]) if len(v) > 4 else None,
            node=e,
        )
    return Medium(e.key, tuple(words(e)), node=e)


@attrs.define(weakref_slot=False)
class HacfDocument(LineDocument):
    """A parsed ha.cf."""

    format = FORMAT
    style = HEARTBEAT_STYLE
    known: ClassVar[frozenset[str] | None]  # (set below, from the settings and _OWN_KINDS)
    repeatable: ClassVar[frozenset[str] | None] = REPEATABLE
    deprecated: ClassVar[dict[str, str | None]] = DEPRECATED
    #: heartbeat 3.0.6: "ERROR: Illegal directive [frobnicate] in /etc/ha.d//ha.cf" and
    #: "Configuration error, heartbeat not started" (checked with peer-heartbeat)
    refused_keyword_kinds = frozenset({"unknown"})
    #: A line of ha.cf is about 20 bytes, its statement (node, offset, values) 200: a
    #: loaded file reads them on first use.
    deferred = True

    # heartbeat's defaults where a directive is absent: config.c (keepalive 1 s,
    # deadtime 30 s; udpport 694 and baud 19200 for the media lines)
    keepalive = Setting(type=DURATION, daemon_default=1.0)
    deadtime = Setting(type=DURATION, daemon_default=30.0)
    warntime = Setting(type=DURATION)
    initdead = Setting(type=DURATION)
    deadping = Setting(type=DURATION)
    udpport = Setting(type=INT, daemon_default=694)
    baud = Setting(type=INT, daemon_default=19200)
    debug = Setting(type=INT)
    hopfudge = Setting(type=INT)
    use_logd = Setting(type=BOOL)
    coredumps = Setting(type=BOOL)
    realtime = Setting(type=BOOL)
    traditional_compression = Setting(type=BOOL)
    logfacility = Setting()
    logfile = Setting()
    debugfile = Setting()
    watchdog = Setting()
    compression = Setting()
    autojoin = Setting()

    # -- membership ----------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        """The value heartbeat keeps for ``key``: the last word of its last line (it
        reads a line word by word, commas splitting words, and each word overrides
        the one before: ``keepalive 2,3`` runs with 3)."""
        e = self.entry(key)
        said = words(e) if e is not None else []
        return said[-1] if said else default

    def values(self, key: str) -> list[str]:
        """The words of every ``key`` line, as heartbeat reads them (``node a,b`` + ``node c``)."""
        return [w for e in self.entries(key) for w in words(e)]

    @property
    def nodes(self) -> list[str]:
        """Cluster members, from every ``node`` line (a line may name several, split
        at blanks or commas)."""
        return self.values("node")

    def add_node(self, name: str) -> Entry:
        """Add a member on its own ``node`` line, after the last one."""
        return self.add("node", name, after="node")

    def remove_node(self, name: str) -> bool:
        """Drop a member from its ``node`` line (the line goes when it empties)."""
        for e in self.entries("node"):
            if name in words(e):
                rest = [v for v in words(e) if v != name]
                if rest:
                    e.values = rest
                else:
                    self.children.remove(e)
                return True
        return False

    @property
    def comm_paths(self) -> list[Medium]:
        """The heartbeat media, in file order (heartbeat needs at least one)."""
        return [_medium(e) for e in self.entries() if e.key in MEDIA]

    def add_ucast(self, iface: str, host: str) -> Entry:
        """Add a ``ucast IFACE HOST`` path after the last medium (or at the end)."""
        media = [e for e in self.entries() if e.key in MEDIA]
        e = self.entry_class("ucast")("ucast", [iface, host])
        if media:
            self.children.insert(self.children.index(media[-1]) + 1, e)
        else:
            self.children.append(e)
        return e

    @property
    def ping_nodes(self) -> list[str]:
        """Pseudo-members pinged to judge connectivity (``ping`` lines)."""
        return self.values("ping")

    @property
    def ping_groups(self) -> dict[str, list[str]]:
        """``ping_group NAME HOST...``: a pseudo-member up while any host answers."""
        return {e.values[0]: e.values[1:] for e in self.entries("ping_group") if e.values}

    # -- timings -------------------------------------------------------------
    @property
    def timings(self) -> dict[str, float]:
        """Every time directive that is set, in seconds."""
        out: dict[str, float] = {}
        for name in DURATIONS:
            secs = to_seconds(self.get(name))
            if secs is not None:
                out[name] = secs
        return out

    # -- resource management ------------------------------------------------
    @property
    def crm(self) -> str | None:
        """The CRM switch (``crm`` or its newer name ``pacemaker``): on, off, respawn,
        minimal, manual, valgrind or ccm-only."""
        return _switch(self.get("pacemaker") or self.get("crm"))

    @property
    def crm_enabled(self) -> bool:
        """Whether a v2 CRM (CIB) manages resources instead of haresources."""
        return self.crm in CRM_MODES

    @property
    def crm_api_clients(self) -> tuple[str, ...]:
        """The API clients the CRM switch authorises itself (none without the CRM)."""
        if self.crm in ("minimal", "manual"):
            return MINIMAL_API_CLIENTS
        return CRM_API_CLIENTS if self.crm_enabled else ()

    @property
    def auto_failback(self) -> str | None:
        """``on``, ``off`` or ``legacy`` (heartbeat's default, with a warning)."""
        return _switch(self.get("auto_failback"))

    @auto_failback.setter
    def auto_failback(self, value: str) -> None:
        self.set("auto_failback", value)

    @property
    def respawn(self) -> list[Respawn]:
        """Clients heartbeat starts and keeps running."""
        return [
            Respawn(e.values[0], " ".join(e.values[1:]))
            for e in self.entries("respawn")
            if e.values
        ]

    @property
    def apiauth(self) -> dict[str, dict[str, list[str]]]:
        """API access per client: ``{"evms": {"uid": ["hacluster", "root"]}}``."""
        out: dict[str, dict[str, list[str]]] = {}
        for e in self.entries("apiauth"):
            if not e.values:
                continue
            perms = out.setdefault(e.values[0], {})
            for v in e.values[1:]:
                k, _, ids = v.partition("=")
                perms.setdefault(k, []).extend(i for i in ids.split(",") if i)
        return out

    def secrets(self) -> list[str]:
        """Passwords (and SNMP communities) among ``stonith_host`` parameters, by the
        parameter order of each STONITH plugin (``stonith -t TYPE -n``)."""
        found: list[str] = []
        nodes = {n.lower() for n in self.nodes}
        for dev in self.stonith:
            kind, params = dev["type"], dev["params"]
            at = _STONITH_SECRET.get(kind)
            if at is not None:
                found.extend(params[at:] if kind in _STONITH_SECRET_LAST else params[at : at + 1])
            elif kind not in _STONITH_NO_SECRET:
                # a plugin cluster-glue has not (a typo, a local one): which value is its
                # password is unknown, so every value but addresses, paths and node names
                found.extend(
                    p
                    for p in params
                    if not _PLAIN_STONITH_VALUE.fullmatch(p) and p.lower() not in nodes
                )
        return found

    @property
    def stonith(self) -> list[dict[str, Any]]:
        """``stonith TYPE FILE`` and ``stonith_host FROM TYPE PARAMS...`` devices."""
        out: list[dict[str, Any]] = []
        for e in self.entries():
            if e.key == "stonith" and e.values:
                out.append({"host": "*", "type": e.values[0], "params": e.values[1:]})
            elif e.key == "stonith_host" and len(e.values) >= 2:
                out.append({"host": e.values[0], "type": e.values[1], "params": e.values[2:]})
        return out

    # -- checks ------------------------------------------------------------
    def value_problems(self) -> Iterator[ValueProblem]:
        """``(node, message)`` for values heartbeat would refuse or misread.

        Relations between values that have their own lint rules are left out:
        timings (:meth:`timing_problems`, HB004/HB005) and the member list
        (HB001).
        """
        for e in self.entries():
            wrapped = _wrapped_port(e)
            if wrapped is not None:
                yield wrapped
                if e.key == "udpport":
                    continue
            checked = _check_value(e)
            if checked is not None:
                yield ValueProblem(e, checked[0], harmless=checked[1])
            elif e.key in ("mcast", "mcast6") and len(e.values) > 5:
                yield ValueProblem(
                    e,
                    f"{e.key}: heartbeat reads five words (device group port ttl loop)"
                    f" and ignores {' '.join(e.values[5:])!r}",
                    harmless=True,
                )
            else:
                overridden = self._overridden_words(e)
                if overridden is not None:
                    yield overridden
        yield from self._once_only_problems()
        yield from self._crm_order_problems()
        yield from self._nice_failback_problems()
        autojoin = self.entry("autojoin")
        if (
            autojoin is not None
            and (self.autojoin or "").lower() in ("other", "any")
            and not self.crm_enabled
        ):
            # heartbeat 3.0.6 (checked with the daemon): "R1 style resource management
            # conflicts with autojoin set" / "You need either unset autojoin or enable crm"
            yield ValueProblem(
                autojoin,
                f"autojoin {self.autojoin} without crm: heartbeat refuses to start (haresources"
                " resource management needs a fixed member list)",
            )
        if not self.comm_paths:
            # heartbeat 3.0.6 (checked with the daemon, crm on or off): "No heartbeat
            # media defined", and it does not start
            yield ValueProblem(None, "no bcast/mcast/ucast/serial line: heartbeat refuses to start")
        if self.use_logd is False and not (
            self.logfile or self.debugfile or self.logfacility not in (None, "none")
        ):
            use = self.entry("use_logd")
            assert use is not None
            yield ValueProblem(
                use, "use_logd is off and no logfile, debugfile or logfacility: nowhere to log"
            )

    def _overridden_words(self, e: Entry) -> ValueProblem | None:
        """A directive of one value given several words: heartbeat sets it from each
        word in turn (config.c parse_config, lines 841-852) and runs with the last."""
        said = words(e)
        if len(said) < 2 or e.key in MANY_WORDS | ONCE_ONLY | WHOLE_LINE_DIRECTIVES:
            return None
        if e.key not in KINDS:
            return None
        return ValueProblem(
            e,
            f"{e.key} is given {len(said)} values: heartbeat sets it from each word in turn"
            f" and runs with the last, {said[-1]!r} (blanks and commas separate words)",
            harmless=True,
        )

    def _once_only_problems(self) -> Iterator[ValueProblem]:
        """A second word of a directive heartbeat takes once (:data:`ONCE_ONLY`), on
        the same line or another: heartbeat refuses to start."""
        said: dict[str, int] = {}
        for e in self.entries():
            if e.key not in ONCE_ONLY:
                continue
            group = "crm" if e.key in ("crm", "pacemaker") else e.key
            before = said.get(group, 0)
            said[group] = before + len(words(e))
            if said[group] < 2:
                continue
            if group == "crm":
                # (config.c set_pcmk_support line 2735, whatever the value: a second
                # 'crm off' as well)
                why = "pacemaker/crm directive used more than once (heartbeat refuses that)"
            else:
                what = "serial speed" if group == "baud" else "watchdog device"
                why = (
                    f"{e.key} is given again: heartbeat takes one {what} and refuses to start"
                    f" on a second ('{'Baudrate' if group == 'baud' else 'Watchdog device'}"
                    " multiply specified')"
                )
            yield ValueProblem(e, why)

    def _crm_order_problems(self) -> Iterator[ValueProblem]:
        """``crmd_spawns_pengine`` after the crm/pacemaker line (config.c
        set_pengine_by_crm, line 2581: "If you specify yes, it must come before the
        pacemaker directive"), and ``crm_daemon_dir`` anywhere: heartbeat 3.0.6's
        set_crm_daemon_dir (line 2572) takes fail_if_after_pacemaker's HA_OK for a
        failure, so it refuses every such line (checked with the daemon, with and
        without ``crm on``)."""
        switch_seen = False
        for e in self.entries():
            if e.key in ("crm", "pacemaker") and words(e):
                switch_seen = True
            elif e.key == "crmd_spawns_pengine" and switch_seen and words(e):
                yield ValueProblem(
                    e,
                    "crmd_spawns_pengine after the crm/pacemaker line: heartbeat refuses to"
                    " start (it must come before the pacemaker directive)",
                )
            elif e.key == "crm_daemon_dir" and words(e):
                yield ValueProblem(
                    e,
                    "heartbeat 3.0.6 refuses every crm_daemon_dir line (its set_crm_daemon_dir"
                    " reads its own success as a failure): remove it; heartbeat looks for the"
                    " Pacemaker daemons in its own daemon directories",
                )

    def _nice_failback_problems(self) -> Iterator[ValueProblem]:
        """``nice_failback`` (heartbeat 1.x): heartbeat 3.0.6 config.c set_nice_failback
        logs "ERROR: nice_failback flag is obsolete" and starts (checked with the daemon).
        Without ``auto_failback`` it runs 'auto_failback legacy' (fail back), with one it
        keeps that line's value. XC004 already warns that the keyword is old; an error only
        where the line now means the opposite of what it says: ``nice_failback on`` (stay
        put) running as a fail back, which moves resources (an outage) when the failed
        node returns. Under the CRM auto_failback is not read at all (HB011)."""
        if self.crm_enabled:
            return
        auto = self.entry("auto_failback")
        for e in self.entries("nice_failback"):
            meant = "off" if to_bool(e.values[0] if e.values else None) else "on"
            if auto is None:
                now = "legacy"
                harmless = meant == "on"  # legacy fails back, as 'nice_failback off' asks
            else:
                now = str(auto.values[0]).lower() if auto.values else "legacy"
                if now == meant:
                    continue  # heartbeat keeps auto_failback, which says the same
                harmless = True  # two lines that disagree: the auto_failback line wins
            yield ValueProblem(
                e,
                f"nice_failback is obsolete: heartbeat logs an ERROR and runs 'auto_failback"
                f" {now}' instead (write 'auto_failback {meant}')",
                harmless=harmless,
            )

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """The line format's problems, plus ``udpport``/``baud`` after the media lines
        with a value other than the one those media already use ("misplaced")."""
        yield from super().keyword_problems()
        yield from self._late_media_settings()

    def _late_media_settings(self) -> Iterator[KeywordProblem]:
        """heartbeat's media plugins take the port (serial: the speed) when their first
        line is read (config.c prints "udpport setting must precede media statements"),
        so a later ``udpport`` changes nothing. Repeating the value in force (the
        default 694, as many ha.cf files do at the end) is harmless: no finding."""
        in_force = {k: str(DEFAULTS[k]) for k in ("udpport", "baud")}
        fixed: set[str] = set()
        for e in self.entries():
            if e.key in MEDIA:
                fixed.add("baud" if e.key == "serial" else "udpport")
            elif e.key in in_force and e.values and to_int(e.values[0]) is not None:
                if e.key not in fixed:
                    in_force[e.key] = e.values[0]
                elif to_int(e.values[0]) != to_int(in_force[e.key]):
                    yield KeywordProblem(
                        e,
                        "misplaced",
                        e.key,
                        f"lines before the first media line (the media above already use"
                        f" {e.key} {in_force[e.key]})",
                    )

    def effective_timings(self) -> dict[str, float]:
        """keepalive and deadtime with heartbeat's defaults filled in, plus the
        other time directives that are set."""
        return {**DEFAULT_SECONDS, **self.timings}

    def timing_problems(self) -> Iterator[TimingProblem]:
        """A :class:`TimingProblem` for each timing that contradicts another:
        ``"deadtime"`` (heartbeat refuses to start: deadtime and deadping must be
        more than twice keepalive, initdead at least deadtime) or ``"order"`` (heartbeat
        starts but warns: warntime not between keepalive and deadtime, initdead
        under twice deadtime)."""
        t = self.effective_timings()
        ka, dt = t["keepalive"], t["deadtime"]
        dt_entry = self.entry("deadtime")
        if dt <= 2 * ka and (dt_entry is not None or self.entry("keepalive") is not None):
            where = dt_entry or self.entry("keepalive")
            assert where is not None
            yield TimingProblem(
                where,
                f"deadtime {dt:g}s is too small compared to keepalive {ka:g}s"
                " (heartbeat wants more than twice keepalive and refuses to start)",
                kind="deadtime",
            )
        dp_entry = self.entry("deadping")
        dp = t.get("deadping")
        if dp_entry is not None and dp is not None and dp <= 2 * ka:
            # config.c init_config (line 481): "Ping dead time [3000] is too small
            # compared to keeplive [2000]" and heartbeat does not start (checked with
            # the daemon, with and without a ping node)
            yield TimingProblem(
                dp_entry,
                f"deadping {dp:g}s is too small compared to keepalive {ka:g}s"
                " (heartbeat wants more than twice keepalive and refuses to start)",
                kind="deadtime",
            )
        wt_entry = self.entry("warntime")
        wt = t.get("warntime")
        if wt_entry is not None and wt is not None and not ka < wt < dt:
            yield TimingProblem(
                wt_entry,
                f"warntime {wt:g}s should lie between keepalive {ka:g}s and deadtime {dt:g}s",
                kind="order",
                harmless=True,
            )
        id_entry = self.entry("initdead")
        idt = t.get("initdead")
        if id_entry is not None and idt is not None and idt < dt:
            # heartbeat 3.0.6 (checked with the daemon): "Initial dead time [10000] is
            # smaller than deadtime [30000]", and it does not start
            yield TimingProblem(
                id_entry,
                f"initdead {idt:g}s is smaller than deadtime {dt:g}s (heartbeat refuses to start)",
                kind="deadtime",
            )
        elif id_entry is not None and idt is not None and idt < 2 * dt:
            yield TimingProblem(
                id_entry,
                f"initdead {idt:g}s is less than twice deadtime {dt:g}s:"
                " a rebooting node may be declared dead before its network is up",
                kind="order",
                harmless=True,
            )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for e in self.entries():
            kind = KINDS.get(e.key)
            if kind in ("duration", "int", "port", "bool", "word", "choice"):
                settings[e.key] = _typed(e)
        return {
            "format": FORMAT,
            "nodes": self.nodes,
            "comm_paths": [m.to_dict() for m in self.comm_paths],
            "timings": self.timings,
            "crm": self.crm,
            "auto_failback": self.auto_failback,
            "ping": self.ping_nodes,
            "ping_groups": self.ping_groups,
            "respawn": [{"user": r.user, "command": r.command} for r in self.respawn],
            "apiauth": self.apiauth,
            "stonith": self.stonith if show_secrets else mask_values(self.stonith, self.secrets()),
            "settings": settings,
            "unknown": [
                {"directive": p.keyword, "kind": p.kind, "suggestion": p.detail}
                for p in self.keyword_problems()
            ],
        }


#: Directive -> value kind (lint's value checks, ``to_dict``): a typed property's
#: type (``str`` read as ``word``), or the kind :data:`_OWN_KINDS` gives.
KINDS: dict[str, str] = {
    **{
        k: "word" if s.type.name == "str" else s.type.name
        for k, s in settings_of(HacfDocument).items()
    },
    **_OWN_KINDS,
}
#: Every directive heartbeat 3.0.6 knows.
KNOWN = frozenset(KINDS)
HacfDocument.known = KNOWN
#: heartbeat's defaults where a directive is absent (from the settings).
DEFAULTS: dict[str, Any] = daemon_defaults(HacfDocument)
DEFAULT_SECONDS = {k: DEFAULTS[k] for k in ("keepalive", "deadtime")}
#: ha.cf's schema: each directive's type (the value checks' kind), heartbeat's
#: default where the API has one, and the old spellings heartbeat 3.0.6 refuses.
SCHEMA = schema_of(
    "heartbeat",
    "heartbeat",
    {},
    refuses=True,
    extra={
        "top": [
            *(Keyword(k, type=kind, default=DEFAULTS.get(k)) for k, kind in KINDS.items()),
            *(Keyword(k, renamed_to=new, obsolete=True) for k, new in DEPRECATED.items()),
        ]
    },
)


def _typed(e: Entry) -> Any:
    """A line's value as heartbeat runs with it: its last word, typed."""
    kind = KINDS.get(e.key)
    said = words(e)
    raw = said[-1] if said else None
    if kind == "duration":
        return to_seconds(raw)
    if kind in ("int", "port"):
        return to_int(raw)
    if kind == "bool":
        return to_bool(raw)
    return raw


def _wrapped_port(e: Entry) -> ValueProblem | None:
    """``udpport`` or an ``mcast`` port above 65535. heartbeat 3.0.6 config.c
    set_udpport refuses only ``port <= 0`` and the bcast/ucast plugins put the number
    through ``htons()`` (bcast.c, ucast.c: ``sin_port = htons(ei->port)``), which keeps
    its low 16 bits; mcast.c get_port casts it to ``u_short`` and then refuses
    ``port <= 0``. Checked with the daemon: ``udpport 70000`` and ``mcast lo 225.0.0.1
    70000 1 0`` start. A wrapped port works on every node alike, on a port the line
    does not name (a firewall rule for it misses it): a warning. A number that wraps
    to 0 is an error: mcast refuses it, bcast/ucast bind a random port, so the nodes
    do not hear each other."""
    if e.key == "udpport" and e.values:
        raw, what = e.values[0], "udpport"
    elif e.key == "mcast" and len(e.values) == 5:
        raw, what = e.values[2], "mcast port"
    else:
        return None
    n = to_int(raw)
    if n is None or n < 65536:
        return None
    real = n % 65536
    if real == 0:
        return ValueProblem(e, f"{what} {n} is not a UDP port: heartbeat wraps it to port 0")
    return ValueProblem(
        e,
        f"{what} {n} is not a UDP port: heartbeat starts and uses port {real}"
        f" (the number wraps at 65536); write {real}",
        harmless=True,
    )


#: Kinds heartbeat hands the whole rest of the line to, even an empty one (config.c
#: parse_config: the media plugins' and WLdirectives' ``parse(bp)``), which then refuse
#: it ("Invalid apiauth directive []", "Invalid uid [] specified for client child").
_WHOLE_LINE = frozenset({"media", "group", "command", "apiauth", "stonith", "env"})
#: Numbers heartbeat 3.0.6 reads with ``atoi`` (config.c set_udpport, set_baudrate,
#: set_memreserve): ``udpport 694s`` is 694 (checked with the daemon: it starts).
_ATOI = frozenset({"udpport", "baud", "memreserve"})


def _atoi(raw: str) -> int:
    """C's ``atoi``: the leading (signed) digits, 0 where there are none."""
    m = re.match(r"\s*([+-]?[0-9]+)", raw)
    return int(m.group(1)) if m else 0


def _read_anyway(e: Entry, word: str | None) -> bool:
    """Whether heartbeat starts with this line although ``word`` (its value, or
    ``None`` for no value) is off: an option directive with no value is skipped
    (parse_config calls ``add_option`` once per word, so never), an ``atoi`` number
    keeps its leading digits."""
    if word is None:
        return KINDS.get(e.key) not in _WHOLE_LINE
    m = re.fullmatch(r"([0-9]+)\D.*", word)
    return e.key in _ATOI and m is not None and int(m.group(1)) > 0


def _check_value(e: Entry) -> tuple[str, bool] | None:
    """The first problem of a line's value and whether heartbeat starts with it anyway."""
    kind = KINDS.get(e.key)
    if kind is None:
        return None
    v = words(e)
    if not v:
        if kind not in _WHOLE_LINE:
            return (
                f"{e.key} has no value: heartbeat skips the line and keeps the default"
                " (config.c parse_config adds an option per word)",
                _read_anyway(e, None),
            )
        return f"{e.key} needs a value", False
    if e.key in WHOLE_LINE_DIRECTIVES or kind in ("media", "names", "env"):
        msg = _check_line(e, kind, v)
        return None if msg is None else (msg, False)
    # a word-by-word directive: heartbeat calls add_option on every word, and one
    # it refuses stops the start
    for word in v:
        msg = _check_word(e.key, kind, word)
        if msg is not None:
            return msg, _read_anyway(e, word)
    return None


def _check_word(key: str, kind: str, word: str) -> str | None:
    """What heartbeat's ``set_*`` function for ``key`` says of one word."""
    digits = re.fullmatch(r"([0-9]+)\D.*", word) if key in _ATOI else None
    if digits is not None:
        return (
            f"{key} {word!r} is read as {int(digits.group(1))} (heartbeat reads the leading digits)"
        )
    if kind == "duration":
        if to_seconds(word) is None:
            return f"{key} {word!r} is not a positive time (seconds, or 'ms'/'us' suffixed)"
    elif kind in ("int", "port"):
        n = to_int(word)
        if n is None:
            return f"{key} {word!r} is not a number"
        if kind == "port" and not 0 < n < 65536:
            return f"{key} {n} is not a UDP port"
        if key == "baud" and n not in BAUD_RATES:
            return f"baud {n} is not a serial speed heartbeat knows (9600 ... 460800)"
    elif kind == "bool":
        if to_bool(word) is None:
            return f"{key} {word!r} is not a boolean (on/off, yes/no, true/false)"
    elif kind == "choice":
        allowed = CHOICES[key]
        ok = word.lower() in allowed or (key in _BOOLEAN_CHOICES and to_bool(word) is not None)
        if not ok:
            return f"{key} {word!r} is not one of {', '.join(sorted(allowed))}" + (
                " or a boolean" if key in _BOOLEAN_CHOICES else ""
            )
    elif kind == "word" and key == "logfacility" and word not in SYSLOG_FACILITIES:
        # matched exactly (peer: 'logfacility LOCAL0' or 'Daemon' is "Log facility(...)
        # not valid" and heartbeat 3.0.6 does not start; 'local7' and 'none' start)
        return f"logfacility {word!r} is not a syslog facility (heartbeat takes them in lower case)"
    return None


def _check_line(e: Entry, kind: str, v: list[str]) -> str | None:
    """What heartbeat says of a whole-line directive (or a medium) ``e``."""
    if kind == "media":
        return _check_medium(e)
    if kind == "group" and len(v) < 2:
        return "ping_group needs a group name and at least one host"
    if kind == "command" and len(v) < 2:
        return f"{e.key} needs a user and a command"
    if kind == "command" and not v[1].startswith("/"):
        # config.c add_client_child_base, line 2167
        return (
            f"{e.key}: the command [{v[1]}] is not a full path name (heartbeat refuses to"
            " start: 'Client child command ... is not full pathname')"
        )
    if kind == "apiauth":
        return _check_apiauth(v)
    if kind == "stonith" and len(v) < 2:
        return f"{e.key} needs a device type and its parameters"
    if e.key == "stonith_host" and len(v) == 2 and v[1] not in _STONITH_WITHOUT_PARAMS:
        # heartbeat 3.0.6 (checked with the daemon): "stonith_host * null" gives
        # "Invalid Stonith configuration parameter []" and it does not start
        return (
            f"stonith_host: STONITH type [{v[1]}] needs its parameters"
            f" (stonith -t {v[1]} -n lists them): heartbeat refuses to start"
        )
    return None


def _check_apiauth(v: list[str]) -> str | None:
    """config.c set_api_authorization (lines 2434-2467): after the client name only
    ``uid=LIST`` and ``gid=LIST`` words, each at most once, one of them at least;
    anything else is "Invalid apiauth directive" and heartbeat does not start."""
    seen: set[str] = set()
    for word in v[1:]:
        kind = word[:4]
        if kind not in ("uid=", "gid="):
            return (
                f"apiauth {v[0]}: '{word}' is neither uid=LIST nor gid=LIST (heartbeat refuses"
                " to start: 'Missing uid or gid in apiauth')"
            )
        if kind in seen:
            return (
                f"apiauth {v[0]}: a second {kind} list (heartbeat refuses to start: 'Duplicate"
                f" {kind[:3]} list'); write one comma-separated list"
            )
        seen.add(kind)
    if not seen:
        return (
            f"apiauth {v[0]} names no uid= or gid= list (heartbeat refuses to start:"
            " 'Invalid apiauth directive')"
        )
    return None


def _check_medium(e: Entry) -> str | None:
    v = e.values
    if e.key in ("ucast", "ucast6"):
        if len(v) < 2:
            return f"{e.key}: [{v[0]}] missing target IP address/hostname"
        if "," in v[1]:
            # ucast.c reads the rest of the line, not add_option's comma-split words:
            # "ucast: cannot resolve hostname" (checked with the daemon)
            return (
                f"{e.key}: '{v[1]}' is one host name to heartbeat (ucast takes one peer per"
                " line), which no resolver finds: write one ucast line per peer"
            )
    elif e.key in ("mcast", "mcast6"):
        # mcast.c mcast_parse (mcast6.c alike): five words, the rest of the line unread
        if len(v) < 5:
            return f"{e.key} needs: device group port ttl loop"
        m = _medium(e)
        if not isinstance(m.host, ipaddress.IPv4Address | ipaddress.IPv6Address) or not (
            m.host.is_multicast
        ):
            return f"{e.key} group {v[1]!r} is not a multicast address"
        if m.port is None or m.port <= 0 or (e.key == "mcast6" and m.port > 65535):
            return f"{e.key} port {v[2]!r} is not a UDP port"
        # (an mcast port above 65535 is _wrapped_port's)
        # get_ttl and get_loop cast atoi's number to u_char: 256 is 0
        ttl, loop = _atoi(v[3]) % 256, _atoi(v[4]) % 256
        if ttl > 4:
            return (
                f"{e.key} ttl {v[3]!r}: heartbeat refuses a ttl above 4 ('bad ttl',"
                f" mcast.c mcast_parse)"
            )
        if ttl == 0:
            # RFC 1112 6.1: a multicast datagram of TTL 0 is restricted to the same host;
            # doc/ha.cf: the ttl "Must be greater than zero"
            return (
                f"{e.key} ttl {v[3]!r} is read as 0: heartbeat starts, but a TTL 0 packet never"
                " leaves this host, so the peers do not hear this medium (write 1)"
            )
        if loop > 1:
            return f"{e.key} loop {v[4]!r} must be 0 or 1 (heartbeat refuses it: 'bad loop')"
    return None


parse = parser_for(HacfDocument)


def sniff(text: str) -> bool:
    """ha.cf has ``node`` lines and a heartbeat medium or timing directive."""
    import re

    return (
        re.search(r"^[ \t]*node\s+\S", text, re.M) is not None
        and re.search(r"^[ \t]*(bcast|ucast|mcast|serial|keepalive|deadtime)\s+\S", text, re.M)
        is not None
    )


def declared_nodes(doc: HacfDocument) -> tuple[tuple[str, ...], dict[str, object]]:
    """The ``node`` names of an ha.cf: the cluster members heartbeat expects (the
    spec's ``declares`` hook; cluster.py compares them with the other files')."""
    anchors: dict[str, object] = {}
    for e in doc.entries("node"):
        for name in words(e):
            anchors.setdefault(name, e)
    return tuple(anchors), anchors
