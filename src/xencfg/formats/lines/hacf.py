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

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TypedDict

import attrs

from ...problems import KeywordProblem, ValueProblem
from ...secrets import mask_values
from ...syntax.blocks import Entry
from ...syntax.numbers import c_int, shown
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
from ._base import LineDocument, parser_for
from .hacf_directives import (
    CRM_API_CLIENTS,
    CRM_MODES,
    DEPRECATED,
    DURATIONS,
    MANY_WORDS,
    MEDIA,
    MINIMAL_API_CLIENTS,
    ONCE_ONLY,
    OWN_KINDS,
    PLAIN_STONITH_VALUE,
    REPEATABLE,
    SINCE,
    STONITH_NO_SECRET,
    STONITH_SECRET,
    STONITH_SECRET_LAST,
    WHOLE_LINE_DIRECTIVES,
    Medium,
    Respawn,
    TimingProblem,
    check_value,
    medium_of,
    switch,
    words,
)

FORMAT = "hacf"


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
    known: ClassVar[frozenset[str] | None]  # (set below, from the settings and OWN_KINDS)
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
        return [medium_of(e) for e in self.entries() if e.key in MEDIA]

    def add_ucast(self, iface: str, host: str) -> Entry:
        """Add a ``ucast IFACE HOST`` path after the last medium (or at the end)."""
        self.check("ucast", [iface, host])  # refused here, not later at dumps()
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
        return switch(self.get("pacemaker") or self.get("crm"))

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
        return switch(self.get("auto_failback"))

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
            at = STONITH_SECRET.get(kind)
            if at is not None:
                found.extend(params[at:] if kind in STONITH_SECRET_LAST else params[at : at + 1])
            elif kind not in STONITH_NO_SECRET:
                # a plugin cluster-glue has not (a typo, a local one): which value is its
                # password is unknown, so every value but addresses, paths and node names
                found.extend(
                    p
                    for p in params
                    if not PLAIN_STONITH_VALUE.fullmatch(p) and p.lower() not in nodes
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
            checked = check_value(e, KINDS.get(e.key))
            if checked is not None:
                yield ValueProblem(e, checked[0], harmless=checked[1])
            elif e.key in ("ucast", "ucast6") and len(e.values) > 2:
                # ucast.c ucast_parse reads the device and one host, nothing after
                # them: heartbeat 3.0.6 starts with 'ucast lo 127.0.0.2
                # nosuchhost.invalid' (and refuses the two swapped: "cannot resolve
                # hostname"). A warning: where the first host is the peer, it works.
                yield ValueProblem(
                    e,
                    f"{e.key} {e.values[0]}: heartbeat sends to {e.values[1]} only and"
                    f" ignores {' '.join(e.values[2:])!r} (one peer per ucast line; an ha.cf"
                    " shared by the nodes makes the node whose address comes first send to"
                    " itself): write one ucast line per peer",
                    harmless=True,
                )
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
        yield from self._legacy_failback()
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

    def _legacy_failback(self) -> Iterator[ValueProblem]:
        """``auto_failback legacy``: heartbeat 3.0.6 starts and logs "WARN: Deprecated
        'legacy' auto_failback option selected. Please convert to 'auto_failback on'"
        (checked with the daemon). Legacy fails back as ``on`` does once every node runs
        a heartbeat that knows auto_failback (1.0 on). Under the CRM HB011 speaks."""
        auto = self.entry("auto_failback")
        if self.crm_enabled or auto is None or not auto.values:
            return
        if str(auto.values[0]).lower() == "legacy":
            yield ValueProblem(
                auto,
                "auto_failback legacy is deprecated: heartbeat warns at every start and asks"
                " for 'auto_failback on' (the same fail back on nodes that all run"
                " heartbeat 1.0 or later)",
                harmless=True,
            )

    def _nice_failback_problems(self) -> Iterator[ValueProblem]:
        """``nice_failback`` (heartbeat 1.x): heartbeat 3.0.6 config.c set_nice_failback
        logs "ERROR: nice_failback flag is obsolete" and starts (checked with the daemon).
        It ignores the line's value: after an ``auto_failback on`` or ``off`` line it sets
        'auto_failback off' ("'nice_failback on' has been changed to 'auto_failback
        off'"), else 'auto_failback legacy' (fail back); an ``auto_failback`` line after
        it wins. XC004 already warns that the keyword is old; an error where heartbeat
        runs what no line asks for (``nice_failback on`` alone, which means stay put,
        runs as a fail back; ``auto_failback on`` then ``nice_failback off``, both fail
        back, runs 'off'), a warning where two lines disagree. Under the CRM
        auto_failback is not read at all (HB011)."""
        if self.crm_enabled:
            return
        now, said, nice = "legacy", set(), []
        for e in self.entries():
            value = str(e.values[0]).lower() if e.values else ""
            if e.key == "auto_failback" and (value == "legacy" or to_bool(value) is not None):
                now = value if value == "legacy" else ("on" if to_bool(value) else "off")
                said.add("on" if now == "legacy" else now)  # legacy fails back
            elif e.key == "nice_failback":
                meant = "off" if to_bool(value) else "on"
                said.add(meant)
                nice.append((e, meant))
                if to_bool(value) is not None:
                    now = "off" if now in ("on", "off") else "legacy"
        runs = "on" if now == "legacy" else now
        for e, meant in nice:
            if now == meant and said == {meant}:
                continue  # every line asks for what heartbeat runs
            fix = (
                f"instead (write 'auto_failback {meant}')"
                if now != meant
                else f"over the auto_failback line (keep one: 'auto_failback {meant}')"
            )
            yield ValueProblem(
                e,
                f"nice_failback is obsolete: heartbeat logs an ERROR and runs 'auto_failback"
                f" {now}' {fix}",
                harmless=runs in said,
            )

    def keyword_uses(self) -> Iterator[tuple[str, str, Entry]]:
        """``("top", directive, entry)`` for every directive written: what the release
        checks (:data:`SCHEMA`'s ``since``) read."""
        for e in self.entries():
            yield "top", e.key, e

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
            yield _too_small_for_keepalive(where, "deadtime", dt, ka)
        dp_entry = self.entry("deadping")
        dp = t.get("deadping")
        if dp_entry is not None and dp is not None and dp <= 2 * ka:
            # config.c init_config (line 481): "Ping dead time [3000] is too small
            # compared to keeplive [2000]" and heartbeat does not start (checked with
            # the daemon, with and without a ping node)
            yield _too_small_for_keepalive(dp_entry, "deadping", dp, ka)
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
#: type (``str`` read as ``word``), or the kind :data:`OWN_KINDS` gives.
KINDS: dict[str, str] = {
    **{
        k: "word" if s.type.name == "str" else s.type.name
        for k, s in settings_of(HacfDocument).items()
    },
    **OWN_KINDS,
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
            *(
                Keyword(k, type=kind, default=DEFAULTS.get(k), since=SINCE.get(k))
                for k, kind in KINDS.items()
            ),
            *(Keyword(k, renamed_to=new, obsolete=True) for k, new in DEPRECATED.items()),
        ]
    },
)


def _too_small_for_keepalive(
    where: Entry, key: str, seconds: float, keepalive: float
) -> TimingProblem:
    """deadtime or deadping at most twice keepalive: heartbeat refuses both the same way
    (config.c init_config), so they share one message."""
    return TimingProblem(
        where,
        f"{key} {seconds:g}s is too small compared to keepalive {keepalive:g}s"
        " (heartbeat wants more than twice keepalive and refuses to start)",
        kind="deadtime",
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
    read = c_int(n)  # (both read it with atoi: an int)
    if read <= 0 and what == "udpport":
        return ValueProblem(
            e,
            f"udpport {shown(n)} is not a UDP port: heartbeat's atoi reads it as {read}"
            " and refuses it (invalid port), so heartbeat does not start",
        )
    real = read % 65536
    if real == 0:
        return ValueProblem(e, f"{what} {shown(n)} is not a UDP port: heartbeat wraps it to port 0")
    return ValueProblem(
        e,
        f"{what} {shown(n)} is not a UDP port: heartbeat starts and uses port {real}"
        f" (the number wraps at 65536); write {real}",
        harmless=True,
    )


parse = parser_for(HacfDocument)


def sniff(text: str) -> bool:
    """ha.cf has ``node`` lines and a heartbeat medium or timing directive."""

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
