"""multipath.conf: device-mapper multipath configuration.

Sections ``defaults``, ``blacklist``, ``blacklist_exceptions``, ``multipaths``
(of ``multipath``), ``devices`` (of ``device``) and ``overrides``; repeated
sections are kept in order (multipath-tools merges some, the model shows all).
Keywords are checked against multipath-tools 0.9; the spellings older
versions accepted (``default_selector``, ``udev_dir``, ...) are *deprecated*,
anything else *unknown* — both stay in the model and render back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
from lark import Transformer

from ..document import Document
from ..syntax.blocks import Block, BlockStyle, Entry, LiveSettings, styled_like
from ..syntax.build import make_block, make_entry, parse_with
from ..syntax.tree import Node, nodes_repr, render
from ._lines import suggest

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
BLACKLIST_KEYWORDS = frozenset({"devnode", "wwid", "property", "protocol"})
BLACKLIST_DEVICE_KEYWORDS = frozenset({"vendor", "product"})
#: Where each keyword is read, for "valid in defaults, devices, not here".
_SECTION_KEYWORDS = (
    ("defaults", DEFAULTS_KEYWORDS),
    ("blacklist", BLACKLIST_KEYWORDS),
    ("multipath", MULTIPATH_KEYWORDS),
    ("device", DEVICE_KEYWORDS),
    ("overrides", OVERRIDES_KEYWORDS),
)

#: Keywords of releases after 0.9.4: 0.9.4 rejects them ("invalid keyword").
NEWER = frozenset({"auto_resize", "detect_pgpolicy", "detect_pgpolicy_use_tpg", "hw_str_match"})

#: Spellings older multipath-tools accepted and 0.9 rejects or ignores.
DEPRECATED = {
    "udev_dir": None,
    "devnode_blacklist": "blacklist",  # the section's name before multipath-tools 0.4.7
    "selector": "path_selector",
    "default_selector": "path_selector",
    "default_path_grouping_policy": "path_grouping_policy",
    "default_getuid_callout": "uid_attribute",
    "default_prio_callout": "prio",
    "default_features": "features",
    "prio_callout": "prio",
    "multipath_tool": None,
    "pg_timeout": None,
    "hwtable_regex_match": "hw_str_match",
    "replace_wwid_whitespace": None,
    "reload_readwrite": None,
    "pg_prio_calc": None,
    "dev_loss": "dev_loss_tmo",
    "getuid_callout": "uid_attribute",
    "config_dir": None,
    "multipath_dir": None,
}


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
    if top == "overrides" and not inner:
        return OVERRIDES_KEYWORDS
    return None


def unquote(raw: str) -> str:
    """The value of a token: quotes removed, ``""`` inside a string is one quote."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1].replace('""', '"')
    return raw


class MultipathStyle(BlockStyle):
    """How multipath.conf writes new statements: quoted only where the value needs it."""

    def quote(self, value: str, old: str | None = None) -> str:
        if (
            (old is not None and old.startswith('"'))
            or value == ""
            or any(c.isspace() or c in '"#!{}' for c in value)
        ):
            return '"' + value.replace('"', '""') + '"'
        return value


STYLE = MultipathStyle(indent="\t", terminator="", separator=" ")


# -- typed views -----------------------------------------------------------


@attrs.define(eq=False)
class Section:
    """A typed view on one section block; reads and writes go to the block."""

    block: Block

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.block.get(key, default)

    def set(self, key: str, value: str) -> None:
        self.block.set(key, value)

    @property
    def settings(self) -> dict[str, str]:
        """Every ``key value`` of the section (the last of a repeated key wins), as a
        dict that edits the section when assigned (``m.settings["no_path_retry"] = "5"``)."""
        values = {e.key: " ".join(e.values) for e in self.block.entries()}
        return LiveSettings(values, lambda create: self.block)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Section) and type(other) is type(self) and other.block == self.block
        )

    __hash__ = None  # type: ignore[assignment]


@attrs.define(eq=False)
class Multipath(Section):
    """One ``multipath { wwid ...; alias ... }`` entry."""

    @property
    def wwid(self) -> str | None:
        return self.get("wwid")

    @wwid.setter
    def wwid(self, value: str) -> None:
        self.set("wwid", value)

    @property
    def alias(self) -> str | None:
        return self.get("alias")

    @alias.setter
    def alias(self, value: str) -> None:
        self.set("alias", value)


@attrs.define(eq=False)
class Device(Section):
    """One ``device { vendor ...; product ... }`` entry."""

    @property
    def vendor(self) -> str | None:
        return self.get("vendor")

    @property
    def product(self) -> str | None:
        return self.get("product")


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
class MultipathDocument(Document):
    """A parsed multipath.conf."""

    format = FORMAT
    style = STYLE

    children: list[Node] = attrs.field(factory=list, repr=nodes_repr)
    children_field = "children"

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
        found = self.sections(name)
        if found:
            return found[-1]
        if not create:
            return None
        b = Block(name)
        self.children.append(b)
        return b

    @property
    def defaults(self) -> dict[str, str]:
        """Settings of every ``defaults`` section merged in order (later wins), as a dict
        that edits the file: ``doc.defaults["user_friendly_names"] = "yes"`` sets the
        statement in the last ``defaults`` section (created at the end when missing)."""
        merged: dict[str, str] = {}
        for b in self.sections("defaults"):
            merged.update(Section(b).settings)
        return LiveSettings(merged, lambda create: self.section("defaults", create=create))

    @property
    def multipaths(self) -> list[Multipath]:
        return [Multipath(b) for s in self.sections("multipaths") for b in s.blocks("multipath")]

    @property
    def devices(self) -> list[Device]:
        return [Device(b) for s in self.sections("devices") for b in s.blocks("device")]

    @property
    def overrides(self) -> dict[str, str]:
        """The ``overrides`` section's settings, as a dict that edits the file (as
        :attr:`defaults`)."""
        merged: dict[str, str] = {}
        for b in self.sections("overrides"):
            merged.update(Section(b).settings)
        return LiveSettings(merged, lambda create: self.section("overrides", create=create))

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
        return self._rules("blacklist")

    @property
    def blacklist_exceptions(self) -> list[BlacklistEntry]:
        return self._rules("blacklist_exceptions")

    def multipath(self, key: str) -> Multipath | None:
        """The multipath whose WWID or alias is ``key``."""
        for m in self.multipaths:
            if key in (m.wwid, m.alias):
                return m
        return None

    # -- edits -----------------------------------------------------------
    def add_multipath(self, wwid: str, alias: str | None = None, **settings: str) -> Multipath:
        """Append a ``multipath`` entry (creating ``multipaths`` if needed)."""
        section = self.section("multipaths", create=True)
        assert section is not None
        block = Block("multipath", children=[Entry("wwid", [wwid])])
        if alias is not None:
            block.children.append(Entry("alias", [alias]))
        for k, v in settings.items():
            block.children.append(Entry(k, [v]))
        section.children.append(block)
        return Multipath(block)

    def remove_multipath(self, key: str) -> bool:
        """Remove the multipath whose WWID or alias is ``key``; ``False`` if none."""
        for s in self.sections("multipaths"):
            for b in list(s.blocks("multipath")):
                if key in (b.get("wwid"), b.get("alias")):
                    s.children.remove(b)
                    return True
        return False

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[tuple[Node, str, str | None]]:
        """``(node, kind, hint)`` for each keyword multipath-tools 0.9.4 rejects or ignores.

        ``kind`` is ``"unknown"`` (hint: the closest valid keyword of that
        section), ``"misplaced"`` (valid in other sections; hint: which),
        ``"deprecated"`` (hint: the replacement, if any) or
        ``"newer"`` (valid only in later releases; hint: which). A whole
        unknown section is one problem: multipath ignores everything in it.
        """

        def visit(node: Node, context: tuple[str, ...]) -> Iterator[tuple[Node, str, str | None]]:
            for c in node.child_nodes():
                key = getattr(c, "key", None)
                if key is None:
                    continue
                allowed = keywords_for(context)
                if allowed is not None and key not in allowed:
                    if key in DEPRECATED:
                        yield c, "deprecated", DEPRECATED[key]
                    elif key in NEWER:
                        yield c, "newer", "releases after multipath-tools 0.9.4"
                    elif places := [n for n, kws in _SECTION_KEYWORDS if key in kws]:
                        yield c, "misplaced", ", ".join(places)
                    else:
                        # old spellings too: 'prior_callout' is a typo of 'prio_callout'
                        yield c, "unknown", suggest(key, allowed | DEPRECATED.keys())
                    continue
                if isinstance(c, Block):
                    yield from visit(c, (*context, key))

        yield from visit(self, ())

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


class _Builder(Transformer):
    def entry(self, children: list[Any]) -> Entry:
        return make_entry(children, unquote)

    def block(self, children: list[Any]) -> Block:
        return make_block(children, unquote)

    def start(self, children: list[Any]) -> MultipathDocument:
        doc = MultipathDocument([c for c in children if isinstance(c, Node)])
        doc.cst = list(children)
        return doc


_BUILDER = _Builder()

_WORDS = {
    "WORD": "a keyword or value",
    "STRING": "a quoted string",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
}


def parse(text: str, path: str | None = None) -> MultipathDocument:
    """Parse multipath.conf text; raises :class:`xencfg.ParseError`."""
    doc: MultipathDocument = parse_with(
        "multipath", text, path, _BUILDER, words=_WORDS, comment="#!"
    )
    doc.path = path
    doc.source = text
    return doc


def sniff(text: str) -> bool:
    """A multipath.conf has at least one of its section names opening a block."""
    import re

    return (
        re.search(
            r"^\s*(defaults|blacklist|blacklist_exceptions|multipaths|devices|overrides)\s*\{",
            text,
            re.M,
        )
        is not None
    )
