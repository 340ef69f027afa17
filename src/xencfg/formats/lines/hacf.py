"""ha.cf: the main configuration of Linux-HA heartbeat (1.x - 3.0).

One directive per line, values split on blanks, ``#`` anywhere starts a
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
from typing import Any, ClassVar, Literal, TypedDict

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
    "conn_logd_time": "int",
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
    "apiauth": "apiauth",
    "stonith": "stonith",
    "stonith_host": "stonith",
    "env": "env",
    "cluster": "word",
}

#: Allowed words of the ``choice`` directives (booleans are always allowed for the crm switches).
CHOICES: dict[str, frozenset[str]] = {
    "auto_failback": frozenset({"legacy"}),
    "crm": frozenset({"respawn", "minimal"}),
    "pacemaker": frozenset({"respawn", "minimal"}),
    "autojoin": frozenset({"none", "other", "any"}),
    "msgfmt": frozenset({"classic", "netstring"}),
    "hbgenmethod": frozenset({"file", "time"}),
    "uuidfrom": frozenset({"file", "nodename"}),
    "compression": frozenset({"zlib", "bz2"}),
}
_BOOLEAN_CHOICES = frozenset({"auto_failback", "crm", "pacemaker"})


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
#: Directives heartbeat reads every line of (udpport and baud apply to the media
#: lines after them; crm/pacemaker repeated is a value problem of its own).
REPEATABLE = frozenset(
    {
        k
        for k, kind in _OWN_KINDS.items()
        if kind in ("names", "media", "group", "command", "apiauth", "stonith", "env")
    }
    | {"udpport", "baud", "crm", "pacemaker"}
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
    return Medium(e.key, tuple(v), node=e)


class StonithDevice(TypedDict):
    """A fencing device of ha.cf (heartbeat 1's STONITH): the node it fences from
    (``*``: any), the plugin and its parameters as written."""

    host: str
    type: str
    params: list[str]


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
    @property
    def nodes(self) -> list[str]:
        """Cluster members, from every ``node`` line (a line may name several)."""
        return self.values("node")

    def add_node(self, name: str) -> Entry:
        """Add a member on its own ``node`` line, after the last one."""
        return self.add("node", name, after="node")

    def remove_node(self, name: str) -> bool:
        """Drop a member from its ``node`` line (the line goes when it empties)."""
        for e in self.entries("node"):
            if name in e.values:
                rest = [v for v in e.values if v != name]
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
        """The CRM switch (``crm`` or its newer name ``pacemaker``): on, off, respawn, minimal."""
        return _switch(self.get("pacemaker") or self.get("crm"))

    @property
    def crm_enabled(self) -> bool:
        """Whether a v2 CRM (CIB) manages resources instead of haresources."""
        return self.crm in ("on", "respawn", "minimal")

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
    def stonith(self) -> list[StonithDevice]:
        """``stonith TYPE FILE`` and ``stonith_host FROM TYPE PARAMS...`` devices."""
        out: list[StonithDevice] = []
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
            msg = _check_value(e)
            if msg is not None:
                yield ValueProblem(e, msg, harmless=_read_anyway(e))
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
        switches = [e for e in self.entries() if e.key in ("crm", "pacemaker")]
        for e in switches[1:]:
            yield ValueProblem(
                e, "pacemaker/crm directive used more than once (heartbeat refuses that)"
            )
        if self.use_logd is False and not (
            self.logfile or self.debugfile or self.logfacility not in (None, "none")
        ):
            use = self.entry("use_logd")
            assert use is not None
            yield ValueProblem(
                use, "use_logd is off and no logfile, debugfile or logfacility: nowhere to log"
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
        ``"deadtime"`` (heartbeat refuses to start: deadtime must be more than
        twice keepalive, initdead at least deadtime) or ``"order"`` (heartbeat
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
    kind = KINDS.get(e.key)
    raw = e.values[0] if e.values else None
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


def _read_anyway(e: Entry) -> bool:
    """Whether heartbeat starts with this line although its value is off: an option
    directive with no value is skipped (parse_config calls ``add_option`` once per
    word, so never), an ``atoi`` number keeps its leading digits."""
    if not e.values:
        return KINDS.get(e.key) not in _WHOLE_LINE
    m = re.fullmatch(r"([0-9]+)\D.*", e.values[0])
    return e.key in _ATOI and m is not None and int(m.group(1)) > 0


def _check_value(e: Entry) -> str | None:
    kind = KINDS.get(e.key)
    v = e.values
    if kind is None:
        return None
    if not v:
        if kind not in _WHOLE_LINE:
            return (
                f"{e.key} has no value: heartbeat skips the line and keeps the default"
                " (config.c parse_config adds an option per word)"
            )
        return f"{e.key} needs a value"
    digits = re.fullmatch(r"([0-9]+)\D.*", v[0]) if e.key in _ATOI else None
    if digits is not None:
        return (
            f"{e.key} {v[0]!r} is read as {int(digits.group(1))}"
            " (heartbeat reads the leading digits)"
        )
    if kind == "duration":
        if to_seconds(v[0]) is None:
            return f"{e.key} {v[0]!r} is not a positive time (seconds, or 'ms'/'us' suffixed)"
    elif kind in ("int", "port"):
        n = to_int(v[0])
        if n is None:
            return f"{e.key} {v[0]!r} is not a number"
        if kind == "port" and not 0 < n < 65536:
            return f"{e.key} {n} is not a UDP port"
        if e.key == "baud" and n not in BAUD_RATES:
            return f"baud {n} is not a serial speed heartbeat knows (9600 ... 460800)"
    elif kind == "bool":
        if to_bool(v[0]) is None:
            return f"{e.key} {v[0]!r} is not a boolean (on/off, yes/no, true/false)"
    elif kind == "choice":
        allowed = CHOICES[e.key]
        ok = v[0].lower() in allowed or (e.key in _BOOLEAN_CHOICES and to_bool(v[0]) is not None)
        if not ok:
            return f"{e.key} {v[0]!r} is not one of {', '.join(sorted(allowed))}" + (
                " or a boolean" if e.key in _BOOLEAN_CHOICES else ""
            )
    elif kind == "media":
        return _check_medium(e)
    elif kind == "group" and len(v) < 2:
        return "ping_group needs a group name and at least one host"
    elif kind == "command" and len(v) < 2:
        return "respawn needs a user and a command"
    elif kind == "stonith" and len(v) < 2:
        return f"{e.key} needs a device type and its parameters"
    elif e.key == "stonith_host" and len(v) == 2 and v[1] not in _STONITH_WITHOUT_PARAMS:
        # heartbeat 3.0.6 (checked with the daemon): "stonith_host * null" gives
        # "Invalid Stonith configuration parameter []" and it does not start
        return (
            f"stonith_host: STONITH type [{v[1]}] needs its parameters"
            f" (stonith -t {v[1]} -n lists them): heartbeat refuses to start"
        )
    elif kind == "word" and e.key == "logfacility" and v[0] not in SYSLOG_FACILITIES:
        # matched exactly (peer: 'logfacility LOCAL0' or 'Daemon' is "Log facility(...)
        # not valid" and heartbeat 3.0.6 does not start; 'local7' and 'none' start)
        return f"logfacility {v[0]!r} is not a syslog facility (heartbeat takes them in lower case)"
    return None


def _check_medium(e: Entry) -> str | None:
    v = e.values
    if e.key in ("ucast", "ucast6"):
        if len(v) < 2:
            return f"{e.key}: [{v[0]}] missing target IP address/hostname"
    elif e.key in ("mcast", "mcast6"):
        if len(v) != 5:
            return f"{e.key} needs: device group port ttl loop"
        m = _medium(e)
        if not isinstance(m.host, ipaddress.IPv4Address | ipaddress.IPv6Address) or not (
            m.host.is_multicast
        ):
            return f"{e.key} group {v[1]!r} is not a multicast address"
        if m.port is None or m.port <= 0 or (e.key == "mcast6" and m.port > 65535):
            return f"{e.key} port {v[2]!r} is not a UDP port"
        # (an mcast port above 65535 is _wrapped_port's)
        if m.ttl is None or not 0 < m.ttl <= 255:
            return f"{e.key} ttl {v[3]!r} must be 1-255"
        if m.loop not in (0, 1):
            return f"{e.key} loop {v[4]!r} must be 0 or 1"
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
        for name in e.values:
            anchors.setdefault(name, e)
    return tuple(anchors), anchors
