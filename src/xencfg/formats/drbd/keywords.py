"""drbd.conf keywords: the union every DRBD release accepts, per context, and which release reads
which.
"""

from __future__ import annotations

from ..schema import Keyword, Schema, V, Version

# -- keywords ---------------------------------------------------------------
# Union over DRBD 0.7 .. 9.2 (drbd.conf(5) of each release): a keyword any of
# them accepts is "known"; SCHEMA (below) says which release reads which.

_W = frozenset[str]


def _kw(text: str) -> _W:
    return frozenset(text.split())


OPTION_SECTIONS = ("net", "disk", "syncer", "startup", "handlers", "options", "proxy")
#: Words drbdadm's scanner returns as keyword tokens in 8.3, 8.4 and 9 alike
#: (drbdadm_scanner.fl of user/v83, v84 and v9: ``disk { return TK_DISK; }`` ...):
#: unquoted where its parser wants a name (TK_STRING), the file is refused.
SCANNER_KEYWORDS = _kw(
    "on stacked-on-top-of floating no net yes ask skip disk proxy minor inside syncer "
    "device global common outside address startup include handlers minor-count "
    "disable-ip-verification dialog-refresh resource meta-disk flexible-meta-disk "
    "usage-count _this_host _remote_host sci ssocks sdp ipv4 ipv6"
)

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
    transport load-balance-paths allow-remote-read socket-check-timeout
    sock-check-timeout on-disconnect tl-size rdma-ctrl-rcvbuf-size rdma-ctrl-sndbuf-size
    tls tls-keyring tls-privkey tls-certificate max-requests connect-timeout"""
)
#: (not ``discard-my-data``: drbdadm takes it from ``drbdsetup show`` output only, when
#: adjusting; in drbd.conf every parser refuses it: net_delegate's "'an option keyword'
#: expected, but got 'discard-my-data'", user/v83, v84 and v9 drbdadm_parser.c, and
#: peer-drbdadm in all modes; drbd.conf(5) of 8.3 and 8.4 does not list it)
DISK_KEYWORDS = _kw(
    """size on-io-error fencing disk-barrier disk-flushes disk-drain md-flushes
    no-disk-barrier no-disk-flushes no-disk-drain no-md-flushes use-bmbv max-bio-bvecs
    resync-rate resync-after al-extents al-updates c-plan-ahead c-delay-target
    c-fill-target c-max-rate c-min-rate disk-timeout discard-zeroes-if-aligned
    rs-discard-granularity read-balancing on-no-data-accessible disable-write-same
    block-size bitmap diskless rate after max-bio-size discard-granularity
    resync-without-replication peer-tiebreaker"""
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
    twopc-timeout twopc-retry-timeout on-suspended-primary-outdated
    drbd8-api-compatibility"""
)
PROXY_KEYWORDS = _kw(
    """memlimit read-loops compression bwlimit sndbuf-size rcvbuf-size ping-timeout
    plugin inside outside options"""
)
#: The options of a DRBD 9 peer device (config_flags.c peer_device_options_ctx): what a
#: connection's ``disk`` section takes, and drbd-utils 9.29 a syncer section.
PEER_DEVICE_KEYWORDS = _kw(
    """resync-rate c-plan-ahead c-delay-target c-fill-target c-max-rate c-min-rate bitmap
    resync-without-replication peer-tiebreaker"""
)
_DEVICE_KEYWORDS = _kw("device disk meta-disk flexible-meta-disk")
# (no net: "'disk | device | address | meta-disk | flexible-meta-disk' expected, but
# got 'net'" from drbdadm 8.3, 8.4 and 9, parse_host_section; peer-drbdadm, all modes)
HOST_KEYWORDS = _DEVICE_KEYWORDS | _kw("address node-id volume proxy options")
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

#: Keywords that may stand in any context as the reader sees it (``include`` is handled
#: by drbdadm's scanner; ``skip`` sections only where _SKIP_IN says).
ANYWHERE = _kw("include skip")
#: Where drbdadm takes a ``skip { ... }`` section: drbdadm 9 at top level and in
#: resource, common, host, volume and connection sections (case TK_SKIP in my_parse,
#: parse_resource, parse_host_section, parse_volume_stmt, parse_connection of
#: user/v9/drbdadm_parser.c); 8.3 and 8.4 at top level only. Every parser refuses it
#: in global, option sections, connection-mesh and path ("'an option keyword'
#: expected, but got 'skip'", peer-drbdadm in all modes).
_SKIP_IN = ("top", "common", "resource", "host", "volume", "connection")

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
    # what follows ``via`` in a host statement (parse_via: "'proxy | outside-address'
    # expected", drbd-utils 9.23 on)
    "via": _kw("proxy outside-address"),
}
for _ctx in _SKIP_IN:
    _TABLES[_ctx] = _TABLES[_ctx] | {"skip"}
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
#: Keywords of DRBD 9 that only a drbd-utils release after 9.22 (peer-drbdadm's) reads
#: in drbd.conf: the option tables of user/v9/config_flags.c and the parser of
#: user/v9/drbdadm_parser.c at each release tag (drbd-utils 9.22 refuses each one,
#: peer-drbdadm --mode 9: "'an option keyword' expected, but got 'tls'", "'resync-rate |
#: c-plan-ahead | ... | bitmap' expected, but got 'block-size'"):
_UTILS_SINCE: dict[str, tuple[str, ...]] = {
    # v9.24.0: a disk section hands device options (device_options_ctx: max-bio-size,
    # diskless, block-size) on (insert_pd_options_delegate)
    "9.24": ("block-size", "max-bio-size", "diskless"),
    # v9.23.0 ChangeLog "allow via outside-address for NATed peers": a connection's
    # or path's ``host NAME address ... via outside-address ADDR;`` (parse_via; 9.22:
    # "'TK_PROXY' expected, but got 'outside-address'")
    "9.23": ("outside-address",),
    # v9.26.0 ChangeLog "support for TLS/kTLS", "new config option load-balance-paths",
    # "new config options rdma-ctrls-(snd|rcv)buf-size" (CHANGEABLE_NET_OPTIONS,
    # IMMUTABLE_NET_OPTIONS)
    "9.26": (
        "tls",
        "tls-keyring",
        "tls-privkey",
        "tls-certificate",
        "load-balance-paths",
        "rdma-ctrl-rcvbuf-size",
        "rdma-ctrl-sndbuf-size",
    ),
    # v9.32.0: peer_device_options_ctx "resync-without-replication"
    "9.32": ("resync-without-replication",),
    # v9.33.0 "add drbd8-compatibility option": resource_options_ctx
    # "drbd8-api-compatibility"
    "9.33": ("drbd8-api-compatibility",),
    # v9.34.0 "add discard-granularity device option", "per-peer_device tiebreaker
    # config flag for quorum" (peer-tiebreaker), and a volume's "tiebreaker yes|no;"
    # (parse_volume_stmt's TK_TIEBREAKER; no drbd-utils release before reads it)
    "9.34": ("discard-granularity", "peer-tiebreaker", "tiebreaker"),
}
UTILS_FACTS = tuple(
    Keyword(k, since=_9, also_needs=("drbd-utils", V(release)))
    for release, names in _UTILS_SINCE.items()
    for k in names
)
DRBD_FACTS: tuple[Keyword, ...] = (
    *(Keyword(k, since=_84) for k in _SINCE_84),
    *(Keyword(k, since=_9) for k in _SINCE_9 - {k.name for k in UTILS_FACTS}),
    *UTILS_FACTS,
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


#: What drbdadm 9 (drbd-utils 9.22, peer-drbdadm --mode 9) takes in a syncer section
#: besides 8.3's syncer keywords: net, disk and resource options. Not the
#: peer-device ones (resync-rate, c-*: "'a syncer option keyword' expected"), nor
#: spellings another release dropped or renamed (their own facts say so).
#: Nor a disk section's device options (device_options_ctx, which parse_options_syncer
#: never looks in: "'a syncer option keyword' expected, but got 'block-size'").
DEVICE_KEYWORDS = _kw("block-size max-bio-size diskless discard-granularity")
SYNCER_9 = (
    (NET_KEYWORDS | DISK_KEYWORDS | OPTIONS_KEYWORDS)
    - SYNCER_KEYWORDS
    - PEER_DEVICE_KEYWORDS
    - DEVICE_KEYWORDS
    - {k.name for k in DRBD_FACTS if k.until or k.deprecated_in or k.switch_until or k.renamed_to}
)
#: (peer-device options in syncer: drbd-utils 9.29's parse_options_syncer, see below)
_TABLES["syncer"] = (
    SYNCER_KEYWORDS | SYNCER_9 | _kw("resync-rate resync-without-replication peer-tiebreaker")
)
# a connection's disk section, and its volumes' (parse_connection, parse_peer_device in
# user/v9/drbdadm_parser.c): peer-device options only ("'resync-rate | c-plan-ahead |
# ... | bitmap' expected, but got 'al-extents'", peer-drbdadm --mode 9)
_TABLES["connection-disk"] = PEER_DEVICE_KEYWORDS
_TABLES["connection-volume"] = _kw("disk")


#: drbd-utils 9.29's drbdadm 9 reads 8.4's spellings again (commit e1dcf310 "drbdadm: Fix
#: parsing of drbd-8.4 configs", first in v9.29.0-rc.1): a syncer section's peer-device
#: options (parse_options_syncer looks them up in peer_device_options_ctx, ``rate``
#: through check_deprecated_alias) and a disk section's ``fencing`` (moved to net by
#: insert_pd_options_delegate). drbd-utils 9.22 (peer-drbdadm --mode 9) refuses both:
#: "'a syncer option keyword' expected, but got 'c-plan-ahead'".
UTILS_84_SYNTAX = ("drbd-utils", V("9.29"))


def _old_resync(name: str, since: Version | None = None, *, utils: bool = False) -> Keyword:
    """8.3's ``rate``/``after``: 8.4 spells them ``resync-rate``/``resync-after`` in
    ``disk`` and still reads the old names, drbdadm 9 refuses them (syncer's ``rate``
    only before drbd-utils 9.29: ``utils``)."""
    return Keyword(
        name,
        since=since,
        deprecated_in=_84,
        until=_9,
        renamed_to=f"resync-{name}",
        where="disk",
        renamed_since=_84,
        also_needs=UTILS_84_SYNTAX if utils else None,
    )


def _syncer_peer_device(name: str) -> Keyword:
    """8.3's and 8.4's syncer ``c-*`` options: drbdadm 9 reads them in ``disk`` and, from
    drbd-utils 9.29, in syncer too."""
    return Keyword(
        name,
        until=_9,
        renamed_to=name,
        where="disk",
        renamed_since=_84,
        also_needs=UTILS_84_SYNTAX,
    )


#: Facts that hold in one section only (``csums-alg`` moved from syncer to net in 8.4).
DRBD_CONTEXT_FACTS: dict[tuple[str, str], Keyword] = {
    ("syncer", "rate"): _old_resync("rate", utils=True),
    **{
        ("syncer", k): _syncer_peer_device(k)
        for k in ("c-plan-ahead", "c-fill-target", "c-delay-target", "c-max-rate", "c-min-rate")
    },
    # only drbd-utils 9.29's drbdadm 9 reads it there (8.4's: "'a syncer option keyword'
    # expected, but got 'resync-rate'", peer-drbdadm --mode 84)
    ("syncer", "resync-rate"): Keyword("resync-rate", since=_9, also_needs=UTILS_84_SYNTAX),
    # drbdadm 8.4 reads 8.3's names in disk too (check_and_change_deprecated_alias)
    ("disk", "rate"): _old_resync("rate", since=_84),
    ("disk", "after"): _old_resync("after", since=_84),
    ("net", "csums-alg"): Keyword("csums-alg", since=_84),
    ("net", "verify-alg"): Keyword("verify-alg", since=_84),
    ("net", "use-rle"): Keyword("use-rle", since=_84),
    ("net", "fencing"): Keyword("fencing", since=_9),
    # (drbd-proxy's ping-timeout in proxy has its own default)
    ("net", "ping-timeout"): Keyword("ping-timeout", default=5),
    # 8.3 reads protocol at resource level only ("'an option keyword' expected, but got
    # 'protocol'" from drbdadm 8.3 for net { protocol C; })
    ("net", "protocol"): Keyword(
        "protocol",
        since=_84,
        instead="older releases write it at resource level",
        default="C",  # DRBD_PROTOCOL_DEF (8.4, 9); 8.3 wants it written at resource level
    ),
    ("disk", "fencing"): Keyword(
        "fencing",
        until=_9,
        renamed_to="fencing",
        where="net",
        renamed_since=_9,
        also_needs=UTILS_84_SYNTAX,
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
    # DRBD_AL_EXTENTS_DEF: 127 in 8.3's drbd_limits.h, 1237 from 8.4 on (where it is in disk)
    ("syncer", "al-extents"): Keyword("al-extents", default=127),
    ("disk", "al-extents"): Keyword("al-extents", since=_84, default=1237),
    # drbdadm 9 hands a syncer section's options to net, disk and options
    # (user/v9/drbdadm_parser.c parse_options_syncer: show_net_options_ctx,
    # attach_cmd_ctx, resource_options_ctx); 8.4's parser refuses them there
    **{
        ("syncer", k): next((u for u in UTILS_FACTS if u.name == k), Keyword(k, since=_9))
        for k in SYNCER_9
    },
}

#: What DRBD uses where the file says nothing: drbd.conf(5)'s defaults are the
#: kernel module's ``*_DEF`` values in drbd_limits.h (DRBD 8.3.11 in Linux 3.0-3.7's
#: include/linux/drbd_limits.h, 8.4 from Linux 3.8 on, 9 in LINBIT/drbd's
#: drbd/linux/drbd_limits.h); only those every release from 8.3 to 9 shares:
#: ``ko-count`` (0, then 7), ``on-io-error`` (pass_on, then detach) and
#: ``c-plan-ahead`` (0, then 20) changed in 8.4 and are left out. ``timeout`` and
#: ``ping-timeout`` count tenths of a second, rates KiB/s.
DRBD_DEFAULTS: dict[str, object] = {
    "wfc-timeout": 0,
    "degr-wfc-timeout": 0,
    "outdated-wfc-timeout": 0,
    "timeout": 60,
    "connect-int": 10,
    "ping-int": 10,
    "max-epoch-size": 2048,
    "max-buffers": 2048,
    "unplug-watermark": 128,  # DRBD_MAX_BUFFERS_DEF / 16
    "after-sb-0pri": "disconnect",
    "after-sb-1pri": "disconnect",
    "after-sb-2pri": "disconnect",
    "rr-conflict": "disconnect",
    "fencing": "dont-care",
    "rate": "250k",
    "resync-rate": "250k",
}

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

#: Every keyword of every section and the DRBD releases that read it.
SCHEMA = Schema.build(
    "drbd",
    "DRBD",
    {ctx: kws for ctx, kws in _TABLES.items() if ctx != "show"},
    DRBD_FACTS,
    per_context=DRBD_CONTEXT_FACTS,
    types={
        **{k: "one of " + ", ".join(sorted(words)) for k, words in ENUMS.items()},
        "address": "[FAMILY] IP:PORT",
        "node-id": "0..31",
        "protocol": "A, B or C",
    },
    defaults=DRBD_DEFAULTS,
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
