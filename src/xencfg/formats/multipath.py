"""multipath.conf: device-mapper multipath configuration.

Sections ``defaults``, ``blacklist``, ``blacklist_exceptions``, ``multipaths``
(of ``multipath``), ``devices`` (of ``device``) and ``overrides``; repeated
sections are kept in order (multipath-tools merges some, the model shows all).
Keywords are checked against multipath-tools 0.9; the spellings older
versions accepted (``default_selector``, ``udev_dir``, ...) are *deprecated*,
anything else *unknown* — both stay in the model and render back unchanged.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import Any

import attrs

from ..document import TreeDocument
from ..errors import ParseError, ValidationError, need_str
from ..problems import KeywordProblem, ValueProblem, walk_keywords
from ..suggest import closest, did_you_mean, suggest
from ..syntax.blocks import Block, BlockStyle, Entry, LiveSettings, last_block, styled_like
from ..syntax.build import make_block, make_entry, make_root, parse_with, unclosed_braces
from ..syntax.numbers import decimal, is_decimal
from ..syntax.pipeline import parse_text
from ..syntax.scan import Shape, scan
from ..syntax.tree import Node, render, walk
from ..versions import MULTIPATH_NO_DEVNODE_BLACKLIST
from ._multipath_braces import brace_problems, closer_problems, quoted_sections, stray_problems
from ._multipath_releases import BACKPORTED, IGNORED_FROM, IGNORED_INSTEAD, SINCE
from ._multipath_words import cut_by_comment, cut_by_non_ascii, extra_data
from .schema import InForce, Keyword, Schema, V
from .view import Setting, View

FORMAT = "multipath"

SECTIONS = ("defaults", "blacklist", "blacklist_exceptions", "multipaths", "devices", "overrides")

# Keywords of multipath-tools 0.9.4 by section, as its parser (dict.c) takes
# them: tests/test_multipath_peer.py checks these tables against `multipath -t`.
_COMMON = frozenset(
    [
        "path_grouping_policy",
        "path_selector",
        "prio",
        "prio_args",
        "features",
        "failback",
        "rr_weight",
        "rr_min_io",
        "rr_min_io_rq",
        "no_path_retry",
        "flush_on_last_del",
        "user_friendly_names",
        "deferred_remove",
        "san_path_err_threshold",
        "san_path_err_forget_rate",
        "san_path_err_recovery_time",
        "marginal_path_err_sample_time",
        "marginal_path_err_rate_threshold",
        "marginal_path_err_recheck_gap_time",
        "marginal_path_double_failed_time",
        "delay_watch_checks",
        "delay_wait_checks",
        "skip_kpartx",
        "max_sectors_kb",
        "ghost_delay",
    ]
)
#: Path-level settings: defaults, devices and overrides, not a single multipath.
_PATHS = frozenset(
    [
        "path_checker",
        "checker",
        "detect_prio",
        "detect_checker",
        "retain_attached_hw_handler",
        "fast_io_fail_tmo",
        "dev_loss_tmo",
        "eh_deadline",
        "alias_prefix",
        "all_tg_pt",
        "uid_attribute",
        "recheck_wwid",
    ]
)
DEFAULTS_KEYWORDS = (
    _COMMON
    | _PATHS
    | frozenset(
        [
            "verbosity",
            "polling_interval",
            "max_polling_interval",
            "reassign_maps",
            "uid_attrs",
            "max_fds",
            "checker_timeout",
            "allow_usb_devices",
            "bindings_file",
            "wwids_file",
            "prkeys_file",
            "log_checker_err",
            "queue_without_daemon",
            "force_sync",
            "strict_timing",
            "partition_delimiter",
            "marginal_pathgroups",
            "find_multipaths",
            "find_multipaths_timeout",
            "uxsock_timeout",
            "retrigger_tries",
            "retrigger_delay",
            "missing_uev_wait_timeout",
            "disable_changed_wwids",
            "remove_retries",
            "enable_foreign",
            "reservation_key",
            "mode",
            "uid",
            "gid",
        ]
    )
)
MULTIPATH_KEYWORDS = _COMMON | frozenset({"wwid", "alias", "mode", "uid", "gid", "reservation_key"})
DEVICE_KEYWORDS = (
    _COMMON
    | _PATHS
    | frozenset(
        ["vendor", "product", "revision", "product_blacklist", "hardware_handler", "vpd_vendor"]
    )
)
OVERRIDES_KEYWORDS = _COMMON | _PATHS
#: ``overrides { protocol { type "scsi:fcp" ... } }``: per-transport path settings, read
#: from 0.9.0 on (dict.c install_keyword_multi("protocol") under overrides, commit
#: c906be53 "libmultipath: add a protocol subsection to multipath.conf", 2022-04-13).
PROTOCOL_KEYWORDS = frozenset({"type", "fast_io_fail_tmo", "dev_loss_tmo", "eh_deadline"})
BLACKLIST_KEYWORDS = frozenset({"devnode", "wwid", "property", "protocol"})
BLACKLIST_DEVICE_KEYWORDS = frozenset({"vendor", "product"})
#: Every keyword of some section (each takes a value).
_ALL_KEYWORDS = (
    DEFAULTS_KEYWORDS
    | MULTIPATH_KEYWORDS
    | DEVICE_KEYWORDS
    | OVERRIDES_KEYWORDS
    | BLACKLIST_KEYWORDS
    | BLACKLIST_DEVICE_KEYWORDS
)
#: Where each keyword is read, for "valid in defaults, devices, not here".
_SECTION_KEYWORDS = (
    ("defaults", DEFAULTS_KEYWORDS),
    ("blacklist", BLACKLIST_KEYWORDS),
    ("multipath", MULTIPATH_KEYWORDS),
    ("device", DEVICE_KEYWORDS),
    ("overrides", OVERRIDES_KEYWORDS),
)

# -- releases -----------------------------------------------------------------
# Which multipath-tools release reads which keyword: the install_keyword() calls
# of libmultipath/dict.c at each release tag of opensvc/multipath-tools
# (0.4.5 .. 0.9.7); 0.9.x's "ignoring deprecated option" handlers count as
# not read. tests/test_versions.py checks the 0.9.4 facts with `multipath -t`.

_0_4_9, _0_5, _0_9 = V("0.4.9"), V("0.5.0"), V("0.9.0")
_REPLACED = (
    Keyword("multipath_tool", until=V("0.4.6")),
    Keyword("prio_callout", until=_0_4_9, renamed_to="prio", renamed_since=_0_4_9),
    Keyword("default_prio_callout", until=_0_4_9, renamed_to="prio", renamed_since=_0_4_9),
    Keyword("selector", until=_0_5, renamed_to="path_selector", renamed_since=_0_5),
    Keyword("udev_dir", until=_0_5),
    Keyword("pg_timeout", since=V("0.4.8"), until=V("0.6.0")),
    Keyword("getuid_callout", until=_0_9, renamed_to="uid_attribute", renamed_since=_0_5),
    Keyword("default_getuid_callout", until=_0_9, renamed_to="uid_attribute", renamed_since=_0_5),
    Keyword(
        "default_uid_attribute",
        since=_0_5,
        until=_0_9,
        renamed_to="uid_attribute",
        renamed_since=_0_5,
    ),
    Keyword("default_selector", until=_0_9, renamed_to="path_selector", renamed_since=_0_5),
    Keyword("default_path_grouping_policy", until=_0_9, renamed_to="path_grouping_policy"),
    Keyword("default_features", until=_0_9, renamed_to="features"),
    Keyword("default_path_checker", until=_0_9, renamed_to="path_checker"),
    # 0.4.7 dict.c line 1340 puts install_keyword_root("devnode_blacklist") under #if 0
    # (0.4.6 line 699 read it), the same release that brought the "blacklist" section
    Keyword(
        "devnode_blacklist",
        until=MULTIPATH_NO_DEVNODE_BLACKLIST,
        renamed_to="blacklist",
        renamed_since=MULTIPATH_NO_DEVNODE_BLACKLIST,
    ),
    Keyword("multipath_dir", since=_0_4_9, until=_0_9),
    Keyword("config_dir", since=V("0.6.0"), until=_0_9),
)
#: Spellings only distributions' forks read (Red Hat's device-mapper-multipath).
_FORK = "Red Hat's device-mapper-multipath"
_VENDOR = (
    Keyword("hw_str_match", vendor=_FORK),
    Keyword("hwtable_regex_match", vendor=_FORK, renamed_to="hw_str_match"),
    Keyword("replace_wwid_whitespace", vendor=_FORK),
    Keyword("reload_readwrite", vendor=_FORK),
    Keyword("pg_prio_calc", vendor=_FORK),
    Keyword("dev_loss", vendor=_FORK, renamed_to="dev_loss_tmo"),
)
_BACKPORT = {k: V(v) for v, names in BACKPORTED.items() for k in names.split()}
MULTIPATH_FACTS: tuple[Keyword, ...] = (
    *(
        Keyword(
            k,
            since=V(v),
            backported=_BACKPORT.get(k),
            until=IGNORED_FROM.get(k),
            instead=IGNORED_INSTEAD.get(k),
        )
        for v, names in SINCE.items()
        for k in names.split()
        if k not in ("pg_timeout", "multipath_dir", "config_dir", "default_uid_attribute")
    ),
    *_REPLACED,
    *_VENDOR,
)
_OLD = frozenset(k.name for k in _REPLACED + _VENDOR)
#: The first release that no longer reads each old spelling (0.9.x: "ignoring deprecated
#: option", earlier: "invalid keyword"): what it read cut short matters only before it.
_READ_UNTIL = {k.name: k.until for k in _REPLACED if k.until is not None}
#: Keywords of releases after 0.9.4: 0.9.4 rejects them ("invalid keyword").
NEWER = frozenset(k.name for k in MULTIPATH_FACTS if k.since is not None and k.since > V("0.9.4"))
#: Spellings older multipath-tools accepted (or forks read) that 0.9.4 rejects or ignores.
DEPRECATED = frozenset(k.name for k in _REPLACED + _VENDOR)
#: Keywords read with one value (``set_value``), the old spellings too: 0.4.x read
#: ``getuid_callout /sbin/scsi_id -g -u -s /block/%n`` as "/sbin/scsi_id".
_ONE_VALUE = _ALL_KEYWORDS | DEPRECATED
#: Old spellings and newer keywords per section, where dict.c's init_keywords installs
#: them in any release 0.4.5 to 0.14.3; elsewhere every release says "invalid keyword in
#: the device section: udev_dir" (peer-multipath, 0.9.4). Forks' spellings, placed where
#: no upstream source says, stay in every section; devnode_blacklist is a top section.
_IN = {"device": "getuid_callout prio_callout pg_timeout", "multipath": "pg_timeout"}
_IN["overrides"] = "getuid_callout"  # (0.6.0 on; 0.9.6 on: detect_pgpolicy*, as device)
_PLACED = {s: frozenset(w.split()) | {k.name for k in _VENDOR} for s, w in _IN.items()}
_PLACED["defaults"] = (_OLD | NEWER) - {"devnode_blacklist"}
for _s in ("device", "overrides"):
    _PLACED[_s] |= NEWER - {"auto_resize"}  # (0.9.7 installs it in defaults only)

_YES_NO = ("yes", "no", "1", "0")
#: Values multipath-tools 0.9.4 takes, per keyword (dict.c): a tuple of words, and
#: ``int`` where a number >= 0 is allowed too (``(low, high)`` where it is capped).
VALUE_CHECKS: dict[str, tuple[tuple[str, ...], tuple[int, int] | None]] = {
    "failback": (("manual", "immediate", "followover"), (0, 2**31 - 1)),
    # "0" is a word (fail, resp. off-by-zero); other numbers from 1 (dict.c
    # no_path_retry_helper, set_undef_off_zero: do_set_int(..., 1, INT_MAX))
    "no_path_retry": (("fail", "queue", "0"), (1, 2**31 - 1)),
    "path_grouping_policy": (
        ("failover", "multibus", "group_by_serial", "group_by_prio", "group_by_node_name"),
        None,
    ),
    "rr_weight": (("priorities", "uniform"), None),
    # def_log_checker_err_handler: strcmp "once" / "always", else nothing set (0.5.0 to
    # 0.8 without a word, 0.9.4 "invalid value for log_checker_err")
    "log_checker_err": (("once", "always"), None),
    # def_find_multipaths_handler also takes "0" and "1" for off and on
    "find_multipaths": (
        ("yes", "no", "on", "off", "greedy", "smart", "strict", "0", "1"),
        None,
    ),
    "dev_loss_tmo": (("infinity",), (0, 2**31 - 1)),
    "fast_io_fail_tmo": (("off", "0"), (1, 2**31 - 1)),
    "max_fds": (("max",), (0, 2**31 - 1)),
    # a user name (getpwnam_r: its uid, for gid its primary group) or a number
    # (dict.c set_uid/set_gid); a name no user has: "invalid value for gid: \"disk\""
    "uid": ((), (0, 2**31 - 1)),
    "gid": ((), (0, 2**31 - 1)),
    "verbosity": ((), (0, 4)),
    # declare_def_range_handler: below 1000 * 4 (DEFAULT_REPLY_TIMEOUT) is capped
    "uxsock_timeout": ((), (4000, 2**31 - 1)),
    "remove_retries": ((), (0, 2**31 - 1)),
    **{
        k: ((), (0, 2**31 - 1))
        for k in (
            "polling_interval",
            "max_polling_interval",
            "rr_min_io",
            "rr_min_io_rq",
            "checker_timeout",
        )
    },
    **{
        k: (_YES_NO, None)
        for k in (
            "user_friendly_names",
            "reassign_maps",
            "queue_without_daemon",
            "flush_on_last_del",
            "retain_attached_hw_handler",
            "detect_prio",
            "detect_checker",
            "deferred_remove",
            "skip_kpartx",
            "strict_timing",
            "force_sync",
        )
    },
}


#: Users ``getpwnam_r`` finds on every node of such a cluster (base system, heartbeat
#: and Pacemaker's own): ``uid``/``gid`` take one of them. Any other name depends on the
#: node's passwd (``gid disk`` names a group, and no user "disk" exists: refused).
_EVERY_NODES_USERS = frozenset({"root", "bin", "daemon", "nobody", "hacluster"})


def _type_text(words: tuple[str, ...], limits: tuple[int, int] | None) -> str:
    """A value check as the docs table shows it: ``manual, immediate or 0..2147483647``."""
    choices = [*words, *([f"{limits[0]}..{limits[1]}"] if limits is not None else [])]
    return ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]


#: Every keyword of every section and the multipath-tools releases that read it.
SCHEMA = Schema.build(
    "multipath-tools",
    "multipath-tools",
    {
        "top": frozenset(SECTIONS) | {"devnode_blacklist"},
        "defaults": DEFAULTS_KEYWORDS | _PLACED["defaults"],
        "blacklist": BLACKLIST_KEYWORDS | {"device"},
        "blacklist-device": BLACKLIST_DEVICE_KEYWORDS,
        "multipaths": {"multipath"},
        "multipath": MULTIPATH_KEYWORDS | _PLACED["multipath"],
        "devices": {"device"},
        "device": DEVICE_KEYWORDS | _PLACED["device"],
        "overrides": OVERRIDES_KEYWORDS | _PLACED["overrides"] | {"protocol"},
        "overrides-protocol": PROTOCOL_KEYWORDS,
    },
    MULTIPATH_FACTS,
    per_context={
        ("defaults", "path_selector"): Keyword("path_selector", since=_0_5, backported=_0_4_9),
        ("overrides", "protocol"): Keyword("protocol", since=_0_9),
        ("overrides-protocol", "type"): Keyword("type", since=_0_9),
    },
    types={k: _type_text(*check) for k, check in VALUE_CHECKS.items()},
    # libmultipath/defaults.h: DEFAULT_CHECKINT, seconds between path checks
    defaults={"polling_interval": 5},
    refuses=False,
    reference=V("0.9.4"),
)


@attrs.frozen
class _InDevnodeBlacklist(ValueProblem):
    """A value problem inside ``devnode_blacklist``: it bites only where a release before
    0.4.7 runs (an error there, a warning while the release is unknown, nothing from
    0.4.7 on, which skip the section: XC004 says so)."""

    def refused_in(self, release: InForce) -> bool | None:
        if release.at_least(MULTIPATH_NO_DEVNODE_BLACKLIST):
            return False
        return True if release.older_than(MULTIPATH_NO_DEVNODE_BLACKLIST) else None


def unread_from_0_4_7(p: ValueProblem) -> ValueProblem | None:
    """``p`` for a value in ``devnode_blacklist``, which only 0.4.5 and 0.4.6 read (0.4.7
    dict.c line 1340, ``#if 0``); ``None`` where ``p`` bites only on releases from 0.4.7
    on (a word ended at '!', 0.4.9 on), which never read the section."""
    if p.since is not None and p.since[1] >= MULTIPATH_NO_DEVNODE_BLACKLIST:
        return None
    # (``since`` names the component XC005 asks the release of; refused_in decides)
    since = ("multipath-tools", MULTIPATH_NO_DEVNODE_BLACKLIST)
    return _InDevnodeBlacklist(p.node, p.message, harmless=p.harmless, since=since)


def schema_context(context: tuple[str, ...]) -> str | None:
    """The :data:`SCHEMA` section name of the section path ``context``."""
    if not context:
        return "top"
    top, inner = context[0], context[1:]
    if top in ("blacklist", "blacklist_exceptions", "devnode_blacklist"):
        return "blacklist" if not inner else "blacklist-device" if inner == ("device",) else None
    if not inner:
        return top if top in SECTIONS else None
    if inner in (("multipath",), ("device",)) and top in ("multipaths", "devices"):
        return inner[0]
    return "overrides-protocol" if (top, *inner) == ("overrides", "protocol") else None


def value_problem(key: str, value: str) -> str | None:
    """What multipath-tools 0.9.4 says of ``key value`` (``None``: it takes it)."""
    words, limits = VALUE_CHECKS[key]
    if value in words:
        return None
    if key in ("uid", "gid") and value in _EVERY_NODES_USERS:
        return None
    if limits is not None:
        number = value[1:] if value.startswith("-") else value
        if is_decimal(number):
            n = -decimal(number) if value.startswith("-") else decimal(number)
            low, high = limits
            if n < low:
                return f"{key} {value} is too small: multipath caps it at {low}"
            if n > high:
                return f"{key} {value} is too large: multipath caps it at {high}"
            return None
    allowed = ", ".join((*words, *(["a number"] if limits is not None else [])))
    if key in ("uid", "gid"):
        allowed = "a number or the name of a user (whose gid is taken for gid)"
    hint = did_you_mean(closest(value, words))
    return (
        f"invalid value for {key}: '{value}' (multipath ignores the line; it takes {allowed}){hint}"
    )


def _judge(
    node: Node, key: str, context: tuple[str, ...], allowed: Container[str]
) -> KeywordProblem:
    """What multipath-tools 0.9.4 makes of ``key``, not valid in ``context``."""
    section = schema_context(context) or ""
    kw = SCHEMA.keyword(section, key)
    placed = [s for s in ("defaults", "device", "multipath", "overrides") if key in _PLACED[s]]
    if kw is None and placed and section in _PLACED:  # (an old or newer one, elsewhere)
        return KeywordProblem(node, "misplaced", key, ", ".join(placed))
    if key in DEPRECATED and kw is not None:
        return KeywordProblem(node, "deprecated", key, kw.renamed_to)
    if context and SCHEMA.keyword("top", key) is not None:
        # a section of the top level (devnode_blacklist) opened inside another
        return KeywordProblem(node, "misplaced", key, "the top level")
    if key in NEWER:
        since = kw.since if kw is not None else None
        return KeywordProblem(node, "newer", key, f"multipath-tools {since} and later")
    if places := [n for n, kws in _SECTION_KEYWORDS if key in kws]:
        return KeywordProblem(node, "misplaced", key, ", ".join(places))
    # old spellings too: 'prior_callout' is a typo of 'prio_callout'
    words = keywords_for(context) or frozenset()
    return KeywordProblem(node, "unknown", key, suggest(key, words | DEPRECATED))


def keywords_for(context: tuple[str, ...]) -> frozenset[str] | None:
    """Valid keywords inside the section path ``context`` (None: any, e.g. unknown section)."""
    if not context:
        return frozenset(SECTIONS)
    top = context[0]
    inner = context[1:]
    if top == "defaults" and not inner:
        return DEFAULTS_KEYWORDS
    if top in ("blacklist", "blacklist_exceptions"):
        if not inner:
            return BLACKLIST_KEYWORDS | {"device"}
        if inner == ("device",):
            return BLACKLIST_DEVICE_KEYWORDS
    if top == "multipaths":
        if not inner:
            return frozenset({"multipath"})
        if inner == ("multipath",):
            return MULTIPATH_KEYWORDS
    if top == "devices":
        if not inner:
            return frozenset({"device"})
        if inner == ("device",):
            return DEVICE_KEYWORDS
    if top == "overrides":
        if not inner:
            return OVERRIDES_KEYWORDS | {"protocol"}
        if inner == ("protocol",):
            return PROTOCOL_KEYWORDS
    return None


def unquote(raw: str) -> str:
    """The value of a token: quotes removed, ``""`` inside a string is one quote."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1].replace('""', '"')
    return raw


class MultipathStyle(BlockStyle):
    """How multipath.conf writes new statements: quoted only where the value needs it."""

    #: multipath.lark's WORD: a keyword is one bare word
    key_pattern = r"[^\s\"{}#!\x00]+"

    def quote(self, value: str, old: str | None = None) -> str:
        """Quoted where multipath would not read the bare word whole. Refused: a line
        break, CR or NUL, which multipath reads as the end of the line (0.9.4 parser.c
        ``read_line``: ``fgets``, then ``strtok_r(buf, "\\n\\r")``; 0.4.7's ``read_line``
        stops at ``\\r`` and starts the next line after it; a NUL ends the C string):
        ``alias "u\\rv"`` reads as ``u`` ("missing closing quotes", ``multipath -t``
        0.9.4). Non-ASCII (``\\x85``, U+2028, ``é``) is kept inside quotes by every
        release, but 0.4.9 on read it as a blank outside them (``alloc_strvec``,
        ``isascii``): such a value is quoted."""
        if any(c in value for c in "\n\r\x00"):
            raise ValidationError(
                f"{value!r} cannot be written in multipath.conf: a value is one line"
                " (multipath ends a line at a newline, CR or NUL)"
            )
        if (
            (old is not None and old.startswith('"'))
            or value == ""
            or any(c.isspace() or c in '"#!{}' or not c.isascii() for c in value)
        ):
            return '"' + value.replace('"', '""') + '"'
        return value


STYLE = MultipathStyle(indent="\t", terminator="", separator=" ")


# -- typed views -----------------------------------------------------------


class Section(View):
    """A typed view on one section block; reads and writes go to the block."""

    style = STYLE

    @property
    def settings(self) -> dict[str, str]:
        """Every ``key value`` of the section (the last of a repeated key wins), as a
        dict that edits the section when assigned (``m.settings["no_path_retry"] = "5"``).

        The value is the first token, as multipath reads it: ``set_value`` (parser.c)
        takes one quoted string or one word and ignores the rest of the line, so
        ``path_selector round-robin 0`` is ``round-robin`` (:meth:`value_problems`
        reports the dropped words)."""
        values = {e.key: e.values[0] if e.values else "" for e in self.block.entries()}
        return LiveSettings(values, lambda create: self.block, style=STYLE)


class Multipath(Section):
    """One ``multipath { wwid ...; alias ... }`` entry."""

    wwid = Setting()
    alias = Setting()


class Device(Section):
    """One ``device { vendor ...; product ... }`` entry."""

    vendor = Setting(read_only=True)
    product = Setting(read_only=True)


@attrs.frozen
class BlacklistEntry:
    """One blacklist (or exception) rule: ``kind`` is devnode, wwid, property,
    protocol or device; ``value`` the regex (for device: ``vendor``/``product``)."""

    kind: str
    value: str | None
    vendor: str | None = None
    product: str | None = None
    node: Node | None = attrs.field(default=None, eq=False, repr=False)


@attrs.define(weakref_slot=False)
class MultipathDocument(TreeDocument):
    """A parsed multipath.conf."""

    format = FORMAT
    style = STYLE

    def dumps(self) -> str:
        """The text, with new statements and sections indented and ended like the rest
        of the file (a file indented with two spaces gets two spaces, not tabs)."""
        return render(self, styled_like(self.source, STYLE))

    # -- sections --------------------------------------------------------
    def sections(self, name: str) -> list[Block]:
        """Every top-level section named ``name``, in file order."""
        return [c for c in self.children if isinstance(c, Block) and c.key == name]

    def section(self, name: str, *, create: bool = False) -> Block | None:
        """The last section named ``name`` (created at the end when asked)."""
        return last_block(self.children, name, create=create)

    @property
    def defaults(self) -> dict[str, str]:
        """Settings of every ``defaults`` section merged in order (later wins), as a dict
        that edits the file: ``doc.defaults["user_friendly_names"] = "yes"`` sets the
        statement in the last ``defaults`` section (created at the end when missing)."""
        merged: dict[str, str] = {}
        for b in self.sections("defaults"):
            merged.update(Section(b).settings)
        return LiveSettings(
            merged, lambda create: self.section("defaults", create=create), style=STYLE
        )

    @property
    def multipaths(self) -> list[Multipath]:
        """Every ``multipath`` entry of every ``multipaths`` section, in file order."""
        return [Multipath(b) for s in self.sections("multipaths") for b in s.blocks("multipath")]

    @property
    def devices(self) -> list[Device]:
        """Every ``device`` entry of every ``devices`` section (hardware overrides)."""
        return [Device(b) for s in self.sections("devices") for b in s.blocks("device")]

    @property
    def overrides(self) -> dict[str, str]:
        """The ``overrides`` section's settings, as a dict that edits the file (as
        :attr:`defaults`)."""
        merged: dict[str, str] = {}
        for b in self.sections("overrides"):
            merged.update(Section(b).settings)
        return LiveSettings(
            merged, lambda create: self.section("overrides", create=create), style=STYLE
        )

    def _rules(self, name: str) -> list[BlacklistEntry]:
        out: list[BlacklistEntry] = []
        for sec in self.sections(name):
            for c in sec.children:
                if isinstance(c, Entry) and c.key in BLACKLIST_KEYWORDS:
                    out.append(BlacklistEntry(c.key, c.value, node=c))
                elif isinstance(c, Block) and c.key == "device":
                    out.append(
                        BlacklistEntry("device", None, c.get("vendor"), c.get("product"), node=c)
                    )
        return out

    @property
    def blacklist(self) -> list[BlacklistEntry]:
        """The rules of every ``blacklist`` section, in file order: multipath leaves
        the paths they match alone (unless an exception matches)."""
        return self._rules("blacklist")

    @property
    def blacklist_exceptions(self) -> list[BlacklistEntry]:
        """The rules of every ``blacklist_exceptions`` section, in file order."""
        return self._rules("blacklist_exceptions")

    @property
    def devnode_blacklist(self) -> list[BlacklistEntry]:
        """The rules of every ``devnode_blacklist`` section: the blacklist of
        multipath-tools 0.4.5 and 0.4.6 only (0.4.7 dict.c line 1340 puts the keyword
        under ``#if 0``), so not part of :attr:`blacklist`."""
        return self._rules("devnode_blacklist")

    def multipath(self, key: str) -> Multipath | None:
        """The multipath whose WWID or alias is ``key``."""
        for m in self.multipaths:
            if key in (m.wwid, m.alias):
                return m
        return None

    # -- edits -----------------------------------------------------------
    def add_multipath(self, wwid: str, alias: str | None = None, **settings: str) -> Multipath:
        """Append a ``multipath`` entry (creating ``multipaths`` if needed); a keyword
        or value multipath.conf cannot hold is refused first (ValidationError)."""
        STYLE.check("wwid", [wwid])
        if alias is not None:
            STYLE.check("alias", [alias])
        for k, v in settings.items():
            STYLE.check(k, [v])
        section = self.section("multipaths", create=True)
        assert section is not None
        block = Block("multipath", children=[Entry("wwid", [wwid])])
        if alias is not None:
            block.children.append(Entry("alias", [alias]))
        for k, v in settings.items():
            block.children.append(Entry(k, [v]))
        section.children.append(block)
        return Multipath(block)

    def add_blacklist(
        self,
        kind: str,
        value: str | None = None,
        *,
        vendor: str | None = None,
        product: str | None = None,
        exception: bool = False,
    ) -> BlacklistEntry:
        """Append a rule to the last ``blacklist`` section (``exception=True``:
        ``blacklist_exceptions``), created at the end of the file when missing.

        ``kind`` is ``devnode``, ``wwid``, ``property`` or ``protocol`` with the
        regex ``value`` (``add_blacklist("devnode", "^cciss!c[0-9]d[0-9]*")``), or
        ``device`` with ``vendor`` and/or ``product`` regexes. A rule is added even
        when an equal one exists (multipath reads both). Raises ``ValueError`` for
        another kind or a missing value, which multipath would ignore with a warning.
        """
        name = "blacklist_exceptions" if exception else "blacklist"
        need_str(kind, "add_blacklist(kind)")
        node: Node
        if kind == "device":
            if vendor is None and product is None:
                raise ValidationError("a device rule needs a vendor or a product regex")
            if value is not None:
                raise ValidationError("a device rule takes vendor= and product=, not a value")
            node = Block("device")
            for key, regex in (("vendor", vendor), ("product", product)):
                if regex is not None:
                    STYLE.check(key, [regex])
                    node.children.append(Entry(key, [regex]))
        elif kind in BLACKLIST_KEYWORDS:
            if value is None or vendor is not None or product is not None:
                raise ValidationError(f"a {kind} rule takes one regex as value")
            STYLE.check(kind, [value])
            node = Entry(kind, [value])
        else:
            known = ", ".join(sorted(BLACKLIST_KEYWORDS | {"device"}))
            raise ValidationError(f"unknown {name} rule {kind!r} (one of {known})")
        section = self.section(name, create=True)
        assert section is not None
        section.children.append(node)
        return self._rules(name)[-1]

    def remove_blacklist(self, rule: BlacklistEntry) -> bool:
        """Remove ``rule`` (one of :attr:`blacklist` or :attr:`blacklist_exceptions`)
        with its line(s); ``False`` when it is no longer in the file."""
        for name in ("blacklist", "blacklist_exceptions"):
            for sec in self.sections(name):
                for child in sec.children:
                    if child is rule.node:
                        sec.children.remove(child)
                        return True
        return False

    def remove_multipath(self, key: str) -> bool:
        """Remove the multipath whose WWID or alias is ``key``; ``False`` if none."""
        for s in self.sections("multipaths"):
            for b in list(s.blocks("multipath")):
                if key in (b.get("wwid"), b.get("alias")):
                    s.children.remove(b)
                    return True
        return False

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """A problem for each keyword multipath-tools 0.9.4 rejects or ignores.

        Its ``kind`` is ``"unknown"`` (detail: the closest valid keyword of that
        section), ``"misplaced"`` (valid in other sections; detail: which),
        ``"deprecated"`` (detail: the replacement, if any) or
        ``"newer"`` (valid only in later releases; detail: which). A whole
        unknown section is one problem: multipath ignores everything in it.
        """
        for problem in walk_keywords(self, lambda context, node: keywords_for(context), _judge):
            if problem.keyword != "}":  # (a stray closer, which multipath skips: XC005)
                yield problem

    def keyword_uses(self) -> Iterator[tuple[str, str, Node]]:
        """``(context, keyword, node)`` for every keyword written, the context
        being a :data:`SCHEMA` section name: what version checks and inference read."""

        def visit(node: Node, context: tuple[str, ...]) -> Iterator[tuple[str, str, Node]]:
            ctx = schema_context(context)
            for c in node.child_nodes():
                key = getattr(c, "key", None)
                if key is None:
                    continue
                if ctx is not None:
                    yield ctx, key, c
                if isinstance(c, Block):
                    yield from visit(c, (*context, key))

        yield from visit(self, ())

    def repeated(self) -> list[tuple[Entry, Entry]]:
        """``(later, first)`` for a keyword given twice in one section: multipath-tools
        0.9.4 logs "line N, duplicate keyword: KEY" (parser.c ``warn_on_duplicates``)
        and uses the later value (checked with ``multipath -t``). Blacklist rules
        (``devnode``, ``wwid``, ...) may repeat."""
        out: list[tuple[Entry, Entry]] = []

        def visit(node: Node, context: tuple[str, ...]) -> None:
            if context and keywords_for(context) is None:
                return  # a section multipath does not know: it reads none of it
            unique = not context or context[-1] not in ("blacklist", "blacklist_exceptions")
            first: dict[str, Entry] = {}
            for c in node.child_nodes():
                if isinstance(c, Block):
                    visit(c, (*context, c.key))
                elif isinstance(c, Entry) and unique and context:
                    earlier = first.setdefault(c.key, c)
                    if earlier is not c:
                        out.append((c, earlier))

        visit(self, ())
        return out

    def value_problems(self) -> Iterator[ValueProblem]:
        """``(node, message)`` for values multipath-tools 0.9.4 refuses ("invalid value
        for KEY") or caps ("value for KEY too large, capping at N"): it then runs with
        its default or the capped value, not with what is written. The checks follow
        dict.c's ``set_*`` handlers; tests/test_daemon_verdicts.py holds each one to
        ``multipath -t``. Inside a ``devnode_blacklist`` section, which 0.4.7 on do not
        read (:func:`unread_from_0_4_7`), a problem counts only where 0.4.6 or older
        may run."""
        # (by line: a light document makes its nodes anew at each walk)
        tops = list(self.child_nodes())
        starts = [self.position(n)[0] for n in tops] + [2**31]
        old = [
            (starts[i], starts[i + 1])
            for i, b in enumerate(tops)
            if isinstance(b, Block) and b.key == "devnode_blacklist"
        ]
        for p in self._value_problems():
            line = self.position(p.node)[0] if p.node is not None and old else 0
            if any(first <= line < after for first, after in old):
                found = unread_from_0_4_7(p)
                if found is not None:
                    yield found
            else:
                yield p

    def _value_problems(self) -> Iterator[ValueProblem]:
        for node in walk(self):
            if isinstance(node, Entry) and not node.values and node.key in _ALL_KEYWORDS:
                # parser.c set_value: "missing value for option 'KEY' on line N"
                yield ValueProblem(
                    node, f"missing value for {node.key}: multipath ignores the line"
                )
            elif isinstance(node, Entry) and node.key in VALUE_CHECKS and node.values:
                message = value_problem(node.key, node.values[0])
                if message is not None:
                    yield ValueProblem(node, message)
            if isinstance(node, Entry) and len(node.values) > 1 and node.key in _ONE_VALUE:
                yield extra_data(node, _READ_UNTIL.get(node.key))
            elif isinstance(node, Entry) and node.key in _ONE_VALUE:
                cut = cut_by_comment(node, self.source or "") or cut_by_non_ascii(node)
                if cut is not None:
                    yield cut
        yield from brace_problems(self, self.source or "")
        yield from closer_problems(self, self.source or "")
        yield from quoted_sections(self)
        yield from stray_problems(self)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "defaults": self.defaults,
            "blacklist": [_rule_dict(r) for r in self.blacklist],
            "blacklist_exceptions": [_rule_dict(r) for r in self.blacklist_exceptions],
            "multipaths": [
                {"wwid": m.wwid, "alias": m.alias, "settings": m.settings} for m in self.multipaths
            ],
            "devices": [d.settings for d in self.devices],
            "overrides": self.overrides,
        }


def _rule_dict(r: BlacklistEntry) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": r.kind}
    if r.kind == "device":
        d.update(vendor=r.vendor, product=r.product)
    else:
        d["value"] = r.value
    return d


class _Builder:
    def entry(self, children: list[Any]) -> Entry:
        return make_entry(children, unquote)

    def block(self, children: list[Any]) -> Block:
        return make_block(children, unquote)

    def closing(self, children: list[Any]) -> Entry:
        """A section's last statement with the section's ``}`` on its line."""
        return make_entry(children, unquote)

    def stray(self, children: list[Any]) -> Entry:
        """An unmatched ``}`` at the top level: a statement ``}`` (see :data:`STRAY`)."""
        return make_entry(children, unquote)

    def start(self, children: list[Any]) -> MultipathDocument:
        return make_root(MultipathDocument, children)


_BUILDER = _Builder()

_WORDS = {"WORD": "a keyword or value"}


#: multipath.lark's shape: ``WORD value* _NL`` statements, ``WORD value* { _NL ... }``
#: blocks (the ``{`` may stand on a later line; a statement may follow it on its line).
SHAPE = Shape(
    "multipath",
    end="_NL",
    after_open="_NL",
    blank=frozenset({"_NL"}),
    open_gap="_BRACE_NL",
    open_item=True,
    key=frozenset({"WORD", "STRING"}),
    stray_close=True,
    close_after_item=True,
)


def parse(text: str, path: str | None = None) -> MultipathDocument:
    """Parse multipath.conf text; raises :class:`xencfg.ParseError`.

    Well-formed text takes the shared scanner (:func:`_scan`, building the very same
    tree several times faster); anything else goes through the grammar, which is the
    reference and words the error.
    """
    try:
        return parse_text(text, path, scan=_scan, lark=parse_lark)
    except ParseError as exc:
        if isinstance(exc.partial, MultipathDocument) and _closed_at_end(exc.partial, text):
            exc.severity = "warning"
            exc.message += (
                "; multipath reads the file to its end and closes the section there"
                " (it logs \"missing '}' at end of\"), so it is read as written: add the '}'"
            )
        raise


def _closed_at_end(doc: MultipathDocument, text: str) -> bool:
    """Whether the sections left open read as meant once closed at the end of the file.

    multipath-tools' ``process_stream`` (parser.c) reads to the end of the file, logs
    "missing '}' at end of" and keeps every section (0.4.x closed them silently).
    A ``}`` missing earlier puts what follows inside the open section, where
    multipath takes a keyword of an outer section (``blacklist``, a blacklist's
    ``devnode``) as invalid and drops it: such a keyword after the first open ``{``
    tells the two apart.
    """
    opened = unclosed_braces(text, "#!")
    if not opened:
        return False

    def nested_too_deep(node: Node, context: tuple[str, ...]) -> bool:
        for c in node.child_nodes():
            key = getattr(c, "key", None)
            if key is None:
                continue
            here = (*context, key)
            allowed = keywords_for(context)
            if allowed is not None and key not in allowed and c.pos >= opened[0]:
                outer = (keywords_for(context[:i]) for i in range(len(context)))
                if any(kws is not None and key in kws for kws in outer):
                    return True
            if isinstance(c, Block) and nested_too_deep(c, here):
                return True
        return False

    return not nested_too_deep(doc, ())


def _scan(text: str) -> MultipathDocument | None:
    """The tree the grammar gives for well-formed ``text``, or ``None`` to let Lark decide."""
    doc: MultipathDocument | None = scan(text, SHAPE, _BUILDER)
    return doc


def parse_lark(text: str, path: str | None = None) -> MultipathDocument:
    """Parse with ``grammars/multipath.lark`` only (the reference :func:`_scan` must equal)."""
    doc: MultipathDocument = parse_with(
        "multipath", text, path, _BUILDER, words=_WORDS, comment="#!"
    )
    return doc


def sniff(text: str) -> bool:
    """A multipath.conf has at least one of its section names opening a block."""
    import re

    return (
        re.search(
            r"^[ \t]*(defaults|blacklist|blacklist_exceptions|multipaths|devices|overrides)\s*\{",
            text,
            re.M,
        )
        is not None
    )
