"""What heartbeat 3.0.6 knows of each ha.cf directive: value kinds and choices, how it
splits a line into words, the STONITH plugins' parameters, the media lines' parts, and
what its ``set_*`` functions and media plugins say of a value (config.c, the HBcomm
plugins). :mod:`.hacf` builds the document, its typed settings and schema on these.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any, Literal

import attrs

from ..._lazy import lazy_re
from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ...syntax.numbers import atoi, decimal, shown
from ...versions import HEARTBEAT_CRM
from ..schema import Version
from ..view import to_bool, to_int, to_seconds

#: The first heartbeat release that reads each directive newer than 2.0.0 (an older one
#: logs "Illegal directive" and does not start), from heartbeat's history read with git:
#: config.c Directives[] of the linux-ha tree (ClusterLabs/pacemaker-1.0) at 2006-08-09
#: (2.0.7's tag) and 2007-11-09 (2.1.3), and heartbeat 3 (vyos-legacy/heartbeat, tags
#: STABLE-3.0.x): ``quorum_server`` 2006-09-26 ("add quorum_server to ha.cf"),
#: ``syslogmsgfmt`` 2007-07-31 (after 2.1.2's tag), ``failfast`` 2007-11-09,
#: the ping6 plugin 2008-09-26 (in beta-2.99.1), ``pacemaker`` 2010-07-13 ("favor
#: 'pacemaker on' in ha.cf") and mcast6 2010-10-04 (both in STABLE-3.0.4, not 3.0.3),
#: ``crm_daemon_dir``/``crmd_spawns_pengine`` 2014-10-20 and ucast6 2014-11-12 (after
#: 3.0.5, 2011-06-16). ``crm`` came with the CRM in 2.0 (versions.HEARTBEAT_CRM).
SINCE: dict[str, Version] = {
    "crm": HEARTBEAT_CRM,
    **dict.fromkeys(("quorum_server",), Version.parse("2.0.8")),
    **dict.fromkeys(("syslogmsgfmt", "failfast"), Version.parse("2.1.3")),
    "ping6": Version.parse("2.99.1"),
    **dict.fromkeys(("pacemaker", "mcast6"), Version.parse("3.0.4")),
    **dict.fromkeys(("crm_daemon_dir", "crmd_spawns_pengine", "ucast6"), Version.parse("3.0.6")),
}

#: Directive -> value kind, for heartbeat 3.0.6 (config.c and the HBcomm plugins), of the
#: directives without a typed property or whose kind refines the property's type
#: (``port``, ``choice``); the others' kind is their Setting's type (see :data:`KINDS`).
OWN_KINDS: dict[str, str] = {
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


def switch(raw: str | None) -> str | None:
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
        for k, kind in OWN_KINDS.items()
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
STONITH_SECRET: dict[str, int] = {
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
STONITH_SECRET_LAST = frozenset(
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
STONITH_NO_SECRET = frozenset(
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
PLAIN_STONITH_VALUE = lazy_re(r"[\d.:]+|/\S*|\*")


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


def medium_of(e: Entry) -> Medium:
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


#: Kinds heartbeat hands the whole rest of the line to, even an empty one (config.c
#: parse_config: the media plugins' and WLdirectives' ``parse(bp)``), which then refuse
#: it ("Invalid apiauth directive []", "Invalid uid [] specified for client child").
_WHOLE_LINE = frozenset({"media", "group", "command", "apiauth", "stonith", "env"})
#: Numbers heartbeat 3.0.6 reads with ``atoi`` (config.c set_udpport, set_baudrate,
#: set_memreserve): ``udpport 694s`` is 694 (checked with the daemon: it starts).
_ATOI = frozenset({"udpport", "baud", "memreserve"})
#: ``atoi`` numbers heartbeat takes within a range, whatever follows the digits (config.c
#: set_realtime_prio: ``sched_get_priority_min/max(SCHED_FIFO)``, 1..99 on Linux,
#: "Illegal realtime priority [0]"; set_debuglevel: ``0 <= debug_level < 256``, so
#: ``debug high`` runs as 0; both checked with heartbeat 3.0.6).
_ATOI_RANGES: dict[str, tuple[int, int]] = {"rtprio": (1, 99), "debug": (0, 255)}


def _atoi(raw: str) -> int:
    """C's ``atoi``: the leading (signed) digits, 0 where there are none."""
    return atoi(raw)


def _read_anyway(e: Entry, kind: str, word: str | None) -> bool:
    """Whether heartbeat starts with this line although ``word`` (its value, or
    ``None`` for no value) is off: an option directive with no value is skipped
    (parse_config calls ``add_option`` once per word, so never), an ``atoi`` number
    keeps its leading digits."""
    if word is None:
        return kind not in _WHOLE_LINE
    m = re.fullmatch(r"([0-9]+)\D.*", word)
    return e.key in _ATOI and m is not None and decimal(m.group(1)) > 0


def check_value(e: Entry, kind: str | None) -> tuple[str, bool] | None:
    """The first problem of a line's value (``kind``: the directive's, see hacf.KINDS;
    ``None`` for a directive heartbeat does not know) and whether heartbeat starts with
    it anyway."""
    if kind is None:
        return None
    v = words(e)
    if not v:
        if kind not in _WHOLE_LINE:
            return (
                f"{e.key} has no value: heartbeat skips the line and keeps the default"
                " (config.c parse_config adds an option per word)",
                _read_anyway(e, kind, None),
            )
        return f"{e.key} needs a value", False
    if e.key in WHOLE_LINE_DIRECTIVES or kind in ("media", "names", "env"):
        msg = _check_line(e, kind, v)
        return None if msg is None else (msg, False)
    # a word-by-word directive: heartbeat calls add_option on every word, and one
    # it refuses stops the start
    for word in v:
        if e.key in _ATOI_RANGES:
            ranged = _check_ranged(e.key, word)
            if ranged is not None:
                return ranged
            continue
        msg = _check_word(e.key, kind, word)
        if msg is not None:
            return msg, _read_anyway(e, kind, word)
    return None


def _check_ranged(key: str, word: str) -> tuple[str, bool] | None:
    """An :data:`_ATOI_RANGES` word as heartbeat reads it: refused out of range, read
    as its leading digits (0 without any) otherwise."""
    low, high = _ATOI_RANGES[key]
    n = _atoi(word)
    if not low <= n <= high:
        return f"{key} {word!r} is read as {n}: heartbeat takes {low} to {high}", False
    if not re.fullmatch(r"[0-9]+", word):
        return f"{key} {word!r} is read as {n} (heartbeat reads the leading digits)", True
    return None


def _check_word(key: str, kind: str, word: str) -> str | None:
    """What heartbeat's ``set_*`` function for ``key`` says of one word."""
    digits = re.fullmatch(r"([0-9]+)\D.*", word) if key in _ATOI else None
    if digits is not None:
        return (
            f"{key} {word!r} is read as {digits.group(1).lstrip('0') or '0'}"
            " (heartbeat reads the leading digits)"
        )
    if kind == "duration":
        if to_seconds(word) is None:
            return f"{key} {word!r} is not a positive time (seconds, or 'ms'/'us' suffixed)"
    elif kind in ("int", "port"):
        n = to_int(word)
        if n is None:
            return f"{key} {word!r} is not a number"
        if kind == "port" and not 0 < n < 65536:
            return f"{key} {shown(n)} is not a UDP port"
        if key == "baud" and n not in BAUD_RATES:
            return f"baud {shown(n)} is not a serial speed heartbeat knows (9600 ... 460800)"
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
        m = medium_of(e)
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
