"""corosync.conf: the corosync 2.x / 3.x cluster engine configuration.

Sections (``totem``, ``nodelist`` with ``node``s, ``quorum``, ``logging``, ...)
hold ``key: value`` lines, as corosync's own parser (``exec/coroparse.c``)
reads them: one statement per line, ``#`` comments only as whole lines, the
value the rest of the line (so ``token: 3000 # ms`` has the value
``3000 # ms``, which corosync then refuses as a number). Text after ``{`` or
around ``}`` is refused as corosync 3.1 refuses it ("Extra characters after
opening bracket '{'"). The model keeps every section and key in file order;
:meth:`CorosyncDocument.flat` gives the keys as corosync's icmap names them
(``totem.token``, ``nodelist.node.0.ring0_addr``).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import attrs

from ...document import TreeDocument
from ...errors import ParseError, ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem, walk_keywords
from ...syntax.blocks import Block, BlockStyle, ComputedView, Entry, last_block
from ...syntax.build import built, make_root, parse_with, to_tok
from ...syntax.lines_scan import COROSYNC, scan
from ...syntax.numbers import decimal, signed_decimal, written
from ...syntax.tree import (
    MAX_DEPTH,
    Light,
    Node,
    Piece,
    Style,
    TooDeep,
    building,
    light_of,
    new_light,
)
from ..schema import Keyword, Version
from ..view import INT, Setting, View, schema_of, to_int
from ._base import LineReader
from ._corosync_stray import explain

FORMAT = "corosync"

#: corosync 3's token_coefficient (corosync.conf(5) of 3.1): 650 ms added to the token
#: per node beyond two (token's, join's and keyfile's defaults are on :class:`Totem`).
DEFAULT_TOKEN_COEFFICIENT = 650
#: Ciphers and hashes corosync 3 accepts (coroparse.c); ``none`` turns crypto off.
CIPHERS = ("none", "aes256", "aes192", "aes128")
HASHES = ("none", "md5", "sha1", "sha256", "sha384", "sha512")
#: The sections corosync 3 reads at the top level.
SECTIONS = ("totem", "nodelist", "quorum", "logging", "qb", "system", "resources", "nozzle")
#: Top-level sections read besides: ``uidgid`` (IPC access, exec/coroparse.c of corosync
#: 2 and 3) and corosync 1's own (``service`` loads the Pacemaker plugin, ``aisexec``
#: the user to run as: exec/service.c, exec/mainconfig.c of v1.4), which corosync 2
#: and 3 keep in cmap unread. None is an unknown keyword.
OTHER_SECTIONS = ("uidgid", "service", "aisexec", "amf", "event", "compatibility")


_U8, _U16, _U32 = 255, 65535, 4294967295
#: Keys corosync 2.4 and 3.1 both type as unsigned integers when they read the file, with
#: the largest value (exec/coroparse.c of v2.4.6 and v3.1.7, ``main_config_parser_cb``:
#: ``safe_atoq``, "Value of key ... is expected to be integer in range (0..N)").
#: ``nodelist.node.*`` stands for every node.
INTEGER_KEYS: dict[str, int] = {
    **dict.fromkeys(
        (
            "quorum.two_node",
            "quorum.expected_votes_tracking",
            "quorum.allow_downscale",
            "quorum.wait_for_all",
            "quorum.auto_tie_breaker",
            "quorum.last_man_standing",
            "quorum.device.master_wins",
            "totem.interface.ttl",
        ),
        _U8,
    ),
    "totem.interface.mcastport": _U16,
    **dict.fromkeys(
        (
            "quorum.expected_votes",
            "quorum.votes",
            "quorum.last_man_standing_window",
            "quorum.leaving_timeout",
            "quorum.device.timeout",
            "quorum.device.sync_timeout",
            "quorum.device.votes",
            "nodelist.node.*.nodeid",
            "nodelist.node.*.quorum_votes",
            *(
                f"totem.{k}"
                for k in [
                    "version",
                    "nodeid",
                    "threads",
                    "token",
                    "token_coefficient",
                    "token_retransmit",
                    "hold",
                    "token_retransmits_before_loss_const",
                    "join",
                    "send_join",
                    "consensus",
                    "merge",
                    "downcheck",
                    "fail_recv_const",
                    "seqno_unchanged_const",
                    "rrp_token_expired_timeout",
                    "rrp_problem_count_timeout",
                    "rrp_problem_count_threshold",
                    "rrp_problem_count_mcast_threshold",
                    "rrp_autorecovery_check_timeout",
                    "heartbeat_failures_allowed",
                    "max_network_delay",
                    "window_size",
                    "max_messages",
                    "miss_count_const",
                    "netmtu",
                ]
            ),
        ),
        _U32,
    ),
}
#: Logging switches and the exact words corosync takes (logconfig.c of v2.4.6 and
#: v3.1.7, mainconfig.c of v1.4.9: ``strcmp``, so ``On`` is refused as well: "unknown
#: value for to_syslog"); ``hires`` came with corosync 3 (2.4 refuses it, not checked).
LOGGING_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("to_stderr", "to_syslog", "to_logfile"), ("yes", "no", "on", "off")),
    **dict.fromkeys(("fileline", "function_name"), ("on", "off")),
    "timestamp": ("on", "off", "hires"),
    "debug": ("on", "off", "trace"),
}
_NODE_KEY = re.compile(r"^nodelist\.node\.\d+\.")
#: A node's ring (link) address key, its link number in group 1.
_RING_ADDR = re.compile(r"nodelist\.node\.[0-9]+\.ring([0-9]+)_addr")
#: What a ring address may be made of: a host name's letters, digits, '-', '.' and '_',
#: or an IP address (':' of IPv6 and its '%' scope): anything else resolves to nothing.
_HOST_OR_IP = re.compile(r"[A-Za-z0-9_.:%-]+")


def check_value(value: str) -> None:
    """corosync has no quoting: a value is the rest of one line, without ``{``."""
    if any(c in value for c in "\r\n{") or value.strip() != value:
        raise ValidationError(f"cannot write {value!r} as a corosync.conf value")


def check_name(name: str) -> None:
    """Keys and section names: one line, no ``{``, ``}``, ``:``, not starting with ``#``."""
    if (
        not name
        or any(c in name for c in "\r\n{}:")
        or name.strip() != name
        or name.startswith("#")
    ):
        raise ValidationError(f"cannot write {name!r} as a corosync.conf key or section name")


class CorosyncStyle(BlockStyle):
    """The layout of corosync's own example and Debian's default file: TAB
    indentation, ``key: value``, a blank line between top-level sections."""

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Block):
            step = _unit(indent) or self.indent
            inner = "".join(self.render_node(c, indent + step) for c in node.children)
            text = f"{indent}{node.key} {{\n{inner}{indent}}}\n"
            return f"\n{text}" if indent == "" else text
        if isinstance(node, Entry):
            value = " ".join(node.values)
            return f"{indent}{node.key}: {value}\n" if value else f"{indent}{node.key}:\n"
        return node.render_canonical(indent, self)

    def quote(self, value: str, old: str | None = None) -> str:
        check_value(value)
        return value


def _unit(indent: str) -> str | None:
    """The indentation step of a file, guessed from where a new section goes: pcs
    writes four spaces, corosync's example and Debian a TAB."""
    if indent and indent.strip(" ") == "":
        return "    " if len(indent) % 4 == 0 else "  "
    return "\t" if indent else None


STYLE = CorosyncStyle(indent="\t", terminator="", separator=": ")


@attrs.define(weakref_slot=False, repr=False)  # (Entry.__repr__)
class KeyValue(Entry):
    """A ``key: value`` line; the value is one string (maybe empty)."""

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        if not self.value_toks and self.values:
            return None  # ``key:`` gaining a value: re-render the line
        return super().splice(pieces, style)


#: A number as corosync's safe_atoi reads it (whole string, base 10).
_int = to_int


class Section(View):
    """A typed view on one section; reads and writes go to its block."""

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of the last ``key`` line (the one corosync keeps)."""
        e = self.block.entry(key)
        return " ".join(e.values) if e is not None else default

    def set(self, key: str, value: object) -> KeyValue:
        """Set ``key`` (edit its last line, or append one); raises ValidationError."""
        text = str(value)
        check_name(key)
        check_value(text)
        e = self.block.entry(key)
        if e is None:
            new = KeyValue(key, [text] if text else [])
            self.block.children.append(new)
            return new
        e.values = [text] if text else []
        assert isinstance(e, KeyValue)
        return e

    def number(self, key: str) -> int | None:
        return _int(self.get(key))

    @property
    def settings(self) -> dict[str, str]:
        """Every ``key: value`` of the section (the last of a repeated key wins)."""
        return ComputedView(
            {e.key: " ".join(e.values) for e in self.block.entries()},
            "use set(KEY, VALUE) on the section",
        )


class Totem(Section):
    """``totem``: the protocol's timeouts, transport, crypto and cluster name."""

    cluster_name = Setting(read_only=True)
    transport = Setting(
        default="knet",
        doc="``knet`` (corosync 3's default when absent), ``udpu`` or ``udp``.",
        read_only=True,
    )
    # corosync 3's defaults (corosync.conf(5) of 3.1): token 3000 ms, consensus 1.2 *
    # token (computed: effective_consensus), join 50 ms, the key in /etc/corosync/authkey
    token = Setting(type=INT, daemon_default=3000, read_only=True)
    consensus = Setting(type=INT, read_only=True)
    join = Setting(type=INT, daemon_default=50, read_only=True)
    crypto_cipher = Setting(read_only=True)
    crypto_hash = Setting(read_only=True)
    keyfile = Setting(daemon_default="/etc/corosync/authkey", read_only=True)

    @property
    def interfaces(self) -> list[Section]:
        """``interface`` sub-sections (knet link options, or udp's bindnetaddr)."""
        return [Section(b) for b in self.block.blocks("interface")]


class ClusterNode(Section):
    """``nodelist { node { ... } }``: one member with its id and link addresses."""

    name = Setting(
        doc="The node's name (pacemaker's node name; corosync 3 needs it with knet).",
        read_only=True,
    )
    nodeid = Setting(type=INT, read_only=True)

    @property
    def ring_addrs(self) -> dict[int, str]:
        """``ringN_addr`` values by link number N (0..7 with knet)."""
        out: dict[int, str] = {}
        for e in self.block.entries():
            if e.key.startswith("ring") and e.key.endswith("_addr"):
                n = _int(e.key[4:-5])
                if n is not None:
                    out[n] = " ".join(e.values)
        return dict(sorted(out.items()))


class Quorum(Section):
    """``quorum``: votequorum's options."""

    provider = Setting(read_only=True)
    expected_votes = Setting(type=INT, read_only=True)

    @property
    def two_node(self) -> bool:
        """``two_node: 1``: quorum with one vote of two (votequorum(5))."""
        return self.number("two_node") == 1


DEFAULT_TOKEN: int = Totem.token.daemon_default
DEFAULT_JOIN: int = Totem.join.daemon_default
#: Where corosync looks for the key when ``keyfile`` is not set.
DEFAULT_KEYFILE: str = Totem.keyfile.daemon_default
#: corosync.conf's schema: the top-level sections and the keys xencfg reads typed.
SCHEMA = schema_of(
    "corosync",
    "corosync",
    {"totem": Totem, "nodelist.node": ClusterNode, "quorum": Quorum},
    refuses=False,
    extra={"top": [Keyword(s) for s in SECTIONS]},
)


@attrs.define(weakref_slot=False)
class CorosyncDocument(TreeDocument):
    """A parsed corosync.conf."""

    format = FORMAT
    style = STYLE

    def sections(self, name: str | None = None) -> list[Block]:
        """Top-level sections (named ``name``), in file order."""
        return [
            c for c in self.children if isinstance(c, Block) and (name is None or c.key == name)
        ]

    def section(self, name: str, *, create: bool = False) -> Block | None:
        """The last top-level section ``name`` (created at the end when asked)."""
        if create:
            check_name(name)
        return last_block(self.children, name, create=create)

    @property
    def totem(self) -> Totem | None:
        """The ``totem`` section, ``None`` when the file has none."""
        b = self.section("totem")
        return Totem(b) if b is not None else None

    @property
    def quorum(self) -> Quorum | None:
        """The ``quorum`` section, ``None`` when the file has none."""
        b = self.section("quorum")
        return Quorum(b) if b is not None else None

    @property
    def logging(self) -> Section | None:
        """The ``logging`` section, ``None`` when the file has none."""
        b = self.section("logging")
        return Section(b) if b is not None else None

    @property
    def nodes(self) -> list[ClusterNode]:
        """Every ``node`` of every ``nodelist``, in order (icmap numbers them so)."""
        return [ClusterNode(n) for s in self.sections("nodelist") for n in s.blocks("node")]

    def node(self, key: str | int) -> ClusterNode | None:
        """The node with this name (str) or nodeid (int)."""
        for n in self.nodes:
            if (isinstance(key, int) and n.nodeid == key) or n.name == key:
                return n
        return None

    def value(self, dotted: str) -> str | None:
        """A key by its icmap name (``totem.token``); the last line of it wins."""
        found = None
        for name, value, _ in self.flat():
            if name == dotted:
                found = value
        return found

    def flat(self) -> Iterator[tuple[str, str, Entry]]:
        """``(icmap name, value, line)`` for every key, as corosync names them:
        ``nodelist.node.N.key`` counts the nodes; other sections are merged by name."""

        def walk(block: Node, prefix: str) -> Iterator[tuple[str, str, Entry]]:
            count = 0
            for c in block.child_nodes():
                if isinstance(c, Entry):
                    yield f"{prefix}{c.key}", " ".join(c.values), c
                elif isinstance(c, Block):
                    if prefix == "nodelist." and c.key == "node":
                        yield from walk(c, f"{prefix}node.{count}.")
                        count += 1
                    else:
                        yield from walk(c, f"{prefix}{c.key}.")

        yield from walk(self, "")

    # -- the numbers corosync computes ------------------------------------
    def effective_token(self) -> int:
        """The token timeout totem runs with: ``token`` (default 3000 ms) plus
        ``token_coefficient`` (default 650 ms) per node beyond two (corosync.conf(5))."""
        totem = self.totem
        token = (totem.token if totem else None) or DEFAULT_TOKEN
        coeff = totem.number("token_coefficient") if totem else None
        coeff = DEFAULT_TOKEN_COEFFICIENT if coeff is None else coeff
        n = len(self.nodes)
        return token + (n - 2) * coeff if n >= 3 else token

    def effective_consensus(self) -> int:
        """``consensus`` as set, else 1.2 times the effective token (corosync.conf(5))."""
        totem = self.totem
        set_ = totem.consensus if totem else None
        return set_ if set_ is not None else int(self.effective_token() * 1.2)

    # -- edits -----------------------------------------------------------
    def add_node(self, name: str, nodeid: int, *addrs: str) -> ClusterNode:
        """Append a ``node`` (name, nodeid, ring0_addr, ring1_addr, ...) to the nodelist.
        A ``nodeid`` another node has is a ValueError: corosync refuses to start ("Nodeid
        1 appears twice in corosync.conf")."""
        check_name(need_str(name, "add_node(name)"))
        if isinstance(nodeid, bool) or not isinstance(nodeid, (int, str)):
            raise TypeError(f"add_node(nodeid) is an int, not {type(nodeid).__name__}")
        if any(n.nodeid == int(nodeid) for n in self.nodes):
            raise ValidationError(f"nodeid {int(nodeid)} is already used in the nodelist")
        nodelist = self.section("nodelist", create=True)
        assert nodelist is not None
        kids: list[Node] = []
        for i, a in enumerate(addrs):
            check_value(str(a))
            kids.append(KeyValue(f"ring{i}_addr", [str(a)]))
        kids += [KeyValue("name", [name]), KeyValue("nodeid", [str(int(nodeid))])]
        block = Block("node", children=kids)
        nodelist.children.append(block)
        return ClusterNode(block)

    def remove_node(self, key: str | int) -> bool:
        """Remove the node with this name or nodeid; ``False`` if none."""
        n = self.node(key)
        if n is None:
            return False
        for s in self.sections("nodelist"):
            if n.block in s.children:
                s.children.remove(n.block)
                return True
        return False

    @classmethod
    def new(cls, sections: dict[str, dict[str, Any]]) -> CorosyncDocument:
        """A file from nested dicts in order: ``{"totem": {"version": 2, ...},
        "nodelist": {"node": [{...}, {...}]}}``; a list value repeats a section."""
        doc = cls()

        def fill(kids: list[Node], items: dict[str, Any]) -> None:
            for key, value in items.items():
                check_name(key)
                if isinstance(value, dict):
                    b = Block(key)
                    fill(b.children, value)
                    kids.append(b)
                elif isinstance(value, list):
                    for v in value:
                        b = Block(key)
                        fill(b.children, v)
                        kids.append(b)
                else:
                    text = str(value)
                    check_value(text)
                    kids.append(KeyValue(key, [text] if text else []))

        fill(doc.children, sections)
        return doc

    def render_canonical(self, indent: str, style: Style) -> str:
        return super().render_canonical(indent, style).lstrip("\n")

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """An ``"unknown"`` problem for each top-level section no corosync reads."""
        known = SECTIONS + OTHER_SECTIONS
        return walk_keywords(
            self,
            lambda context, node: None if context or not isinstance(node, Block) else known,
        )

    def value_problems(self) -> Iterator[ValueProblem]:
        """Numbers corosync 2 and 3 refuse (corosync 1 read them with ``atoi``: ``3s``
        as 3), and a ``totem`` other than ``version: 2``, which every corosync refuses:
        "This totem parser can only parse version 2 configurations" (totemconfig.c of
        v1.4.9, v2.4.6 and v3.1.7)."""
        from ...versions import COROSYNC_2, COROSYNC_3

        flat = list(self.flat())
        # a nodelist is corosync 2 or later (corosync 1 listed udpu members in interface)
        two_on = any(name.startswith("nodelist.") for name, _, _ in flat)
        for name, value, entry in flat:
            top = INTEGER_KEYS.get(_NODE_KEY.sub("nodelist.node.*.", name))
            if top is None:
                continue
            if not re.fullmatch(r"[+-]?[0-9]+", value) or not 0 <= signed_decimal(value) <= top:
                # corosync 1's coroparse.c keeps the rest of the line in the value (no
                # comment stripping) and totemconfig reads it with atoi: "2 # per CPU"
                # is 2 there, refused only from corosync 2 on
                lead = None if two_on else re.match(r"[0-9]+", value)
                yield ValueProblem(
                    entry,
                    f'{name} "{written(value)}": corosync takes an integer 0..{top} (corosync 2 '
                    "and 3 refuse the file, corosync 1 reads the leading digits)",
                    since=("corosync", COROSYNC_2)
                    if lead is not None and decimal(lead.group()) <= top
                    else None,
                )
        for name, value, entry in flat:
            if name == "totem.rrp_mode" and value not in ("none", "active", "passive"):
                # totemconfig.c of v1.4.9 and v2.4.6: strcmp with the three words, else
                # "The RRP mode ... specified is invalid"; corosync 3 ignores rrp_mode
                yield ValueProblem(
                    entry,
                    f'totem.rrp_mode "{value}": corosync 1 and 2 take none, active or passive'
                    ' (no comment after the value) and refuse anything else ("The RRP mode'
                    ' ... specified is invalid"); corosync 3 ignores rrp_mode',
                    since=("corosync", _ANY),
                    reprieve=(COROSYNC_3, _NEVER),
                )
        for name, value, entry in flat:
            section, _, key = name.rpartition(".")
            words = LOGGING_WORDS.get(key)
            if section in ("logging", "logging.logger_subsys") and words and value not in words:
                yield ValueProblem(
                    entry,
                    f'{name} "{value}": corosync takes {", ".join(words)} (in lower case) and '
                    f'refuses anything else ("unknown value for {key}")',
                )
        for name, value, entry in flat:
            # INTERFACE_MAX: 8 links in corosync 3 (2 rings in corosync 2): "interface ring
            # number 8 is bigger than allowed maximum 7" (totemconfig.c of v3.1.7)
            ring = _RING_ADDR.fullmatch(name)
            if ring is not None and decimal(ring.group(1)) > 7:  # (int(): 5,000 digits raised)
                yield ValueProblem(
                    entry,
                    f"{name}: link {ring.group(1)}; corosync has links 0 to 7 and refuses more",
                )
            elif ring is not None and re.search(r"\s", value):
                # the value is the rest of the line (no comment stripping), handed whole
                # to totemip_parse/getaddrinfo: corosync 3.1.7 -t says "failed to parse
                # node address '10.0.0.2  # peer'" and exits
                yield ValueProblem(
                    entry,
                    f'{name} "{value}": corosync reads the rest of the line as the address'
                    ' and cannot resolve it ("failed to parse node address")',
                )
            elif ring is not None and not _HOST_OR_IP.fullmatch(value):
                # a template's placeholder left in (<NODE3_IP>): no IP and no host name,
                # so getaddrinfo finds nothing and corosync 3.1.7 -t refuses the file
                yield ValueProblem(
                    entry,
                    f'{name} "{value}" is neither an IP address nor a host name (a'
                    " template's placeholder?): corosync cannot resolve it and refuses the"
                    ' file ("failed to parse node address")',
                )
        yield from self._interface_address_problems(flat)
        for totem in self.sections("totem"):
            for iface in totem.blocks("interface"):
                # a linknumber is a u8 to coroparse.c ("expected to be integer in range
                # (0..255)"); the keys go to totem.interface.N.*, where get_interface_params
                # (totemconfig.c) refuses N above 7 -- a section with no other key puts
                # nothing there and is never looked at
                number = iface.entry("linknumber")
                if number is None:
                    continue
                value = " ".join(number.values)
                in_range = re.fullmatch(r"\+?[0-9]+", value) and signed_decimal(value) <= 255
                others = [e for e in iface.entries() if e.key != "linknumber"]
                if not in_range or (signed_decimal(value) > 7 and others):
                    yield ValueProblem(
                        number,
                        f'totem.interface.linknumber "{value}": corosync 3 has links 0 to 7 '
                        "and refuses the file",
                    )
        yield from self._totem_problems()
        yield from self._link_family_problems(flat)

    @staticmethod
    def _link_family_problems(flat: list[tuple[str, str, Entry]]) -> Iterator[ValueProblem]:
        """One link with IPv4 and IPv6 addresses: corosync 3.1.7 -t refuses it ("Nodes
        for link 1 have different IP families (compared 10.0.2.2 with fd00::1)", found by
        tests/test_spelling_differential.py). Host names are left alone (they resolve
        to either family)."""
        first: dict[str, tuple[int, str]] = {}
        for name, value, entry in flat:
            ring = _RING_ADDR.fullmatch(name)
            if ring is None:
                continue
            try:
                family = ipaddress.ip_address(value).version
            except ValueError:
                continue
            seen = first.setdefault(ring.group(1), (family, value))
            if seen[0] != family:
                yield ValueProblem(
                    entry,
                    f"link {ring.group(1)} has {seen[1]} and {value}: corosync refuses a link "
                    'whose nodes have different IP families ("Nodes for link '
                    f'{ring.group(1)} have different IP families")',
                )

    def _totem_problems(self) -> Iterator[ValueProblem]:
        """``totem`` as corosync reads it: every ``totem {}`` of the file merged into one
        (coroparse.c keeps one cmap, a later key replacing an earlier one; corosync -t
        3.1.7 takes a second, empty ``totem {}``), which must say ``version: 2`` and
        have an interface or a nodelist ("No interfaces defined", totemconfig.c of
        v1.4.9 to v3.1.7), a nodelist with a ring address at least: 2.4.5 turns the
        local node's ``ringN_addr`` into the interface (``config_convert_nodelist_to_
        interface``), 3.1.7 configures a link from a node's address only (corosync -t
        3.1.7 refuses upstream's own conf/corosync.conf.example, whose nodes have a name
        and no address). A main file without any ``totem`` (``Totem {``: section
        names are case-sensitive) is refused as having no version 2."""
        totems = self.sections("totem")
        if not totems:
            if self.sections("nodelist") or self.sections("quorum"):
                others = [b.key for b in self.sections() if b.key.lower() == "totem"]
                yield ValueProblem(
                    None,
                    "no 'totem' section"
                    + (f" ({others[0]!r} is another, unknown, section)" if others else "")
                    + ': corosync refuses the file ("This totem parser can only parse '
                    'version 2 configurations")',
                )
            return
        versions = [v for b in totems for v in b.entries("version")]
        if not versions:
            yield ValueProblem(totems[0], "totem has no 'version: 2': corosync refuses it")
        elif _int(" ".join(versions[-1].values)) != 2:
            yield ValueProblem(
                versions[-1],
                f"totem version {' '.join(versions[-1].values)}: corosync reads only version 2",
            )
        if not any(list(b.blocks("interface")) for b in totems):
            if not self.sections("nodelist"):
                yield ValueProblem(
                    totems[0],
                    "no interface in totem and no nodelist: corosync refuses the file "
                    '("No interfaces defined")',
                )
            elif not any(_RING_ADDR.fullmatch(name) for name, _, _ in self.flat()):
                # (corosync 2 and 3 make the interfaces of a nodelist's ringN_addr only)
                yield ValueProblem(
                    self.sections("nodelist")[0],
                    "no interface in totem and no ring address in the nodelist: corosync"
                    ' refuses the file ("No interfaces defined")',
                )

    def _interface_address_problems(
        self, flat: list[tuple[str, str, Entry]]
    ) -> Iterator[ValueProblem]:
        """An interface address followed by more words (``bindnetaddr: 10.0.0.0 # FIXME``).

        coroparse.c keeps the rest of the line in the value (a ``#`` starts a comment
        only at the start of a line) and totemconfig.c hands it whole to
        ``totemip_parse``. corosync 3.1.7 -t refuses it ("failed to parse bindnet
        address '10.252.0.0 # FIXME ...'", "failed to parse mcast address"); corosync 1.4
        and 2.4 ignore the failed parse (``res = totemip_parse(...)`` is never looked
        at), so the ring binds to no interface, sends to no multicast group, or never
        reaches that member (corosync 3 reads no ``member``). bindnetaddr counts only
        without a nodelist (corosync 2 and 3 take the ring0_addr instead), mcastaddr only
        with the multicast transport."""
        names = {name for name, _, _ in flat}
        transport = next((v for n, v, _ in flat if n == "totem.transport"), "")
        knet = transport == "knet" or (not transport and _written_for_corosync3(flat))
        for name, value, entry in flat:
            if not re.search(r"\s", value):
                continue
            if name == "totem.interface.bindnetaddr":
                if "nodelist.node.0.ring0_addr" in names:
                    continue
                why = "corosync 3 refuses it, corosync 1 and 2 bind the ring to no interface"
            elif name == "totem.interface.mcastaddr":
                if transport not in ("", "udp") or knet:
                    continue
                why = "corosync 3 refuses it, corosync 1 and 2 send to no multicast group"
            elif name == "totem.interface.member.memberaddr":  # corosync 3 reads no member
                why = "corosync 1 and 2 never reach that member"
            else:
                continue
            yield ValueProblem(
                entry,
                f'{name} "{value}": corosync reads the rest of the line as the address'
                f" (a '#' starts a comment only at the start of a line): {why}",
            )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        def tree(block: Node) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for c in block.child_nodes():
                if isinstance(c, Entry):
                    value = " ".join(c.values)
                    if c.key == "key" and not show_secrets:  # totem.key: the secret itself
                        value = "********"
                    out[c.key] = value
                elif isinstance(c, Block):
                    sub = tree(c)
                    if c.key in ("node", "interface", "logger_subsys") or c.key in out:
                        prev = out.get(c.key)
                        out[c.key] = [*(prev if isinstance(prev, list) else [prev] if prev else [])]
                        out[c.key].append(sub)
                    else:
                        out[c.key] = sub
            return out

        return {"format": FORMAT, **tree(self)}

    def secrets(self) -> list[str]:
        """``totem { key: ... }`` holds the shared key in clear (corosync.conf(5))."""
        return [v for name, v, _ in self.flat() if name == "totem.key" and v]


#: icmap names only corosync 3 reads (knet's link options and the crypto model).
COROSYNC3_KEYS = ("totem.crypto_model", "totem.link_mode", "totem.interface.linknumber")
#: icmap names corosync 3 no longer reads (exec/totemconfig.c of v3.1.7 has neither): the
#: redundant-ring options of corosync 1/2.
BEFORE_COROSYNC3_KEYS = ("totem.rrp_mode", "totem.interface.ringnumber")
#: Sections of corosync 1 only: ``aisexec`` (the user to run as) and ``service`` (loads
#: the Pacemaker plugin; corosync 2 dropped plugins: exec/service.c of v2.0). Not udpu's
#: ``interface { member { memberaddr } }``: corosync 2 still reads it where the file has
#: no nodelist (exec/totemconfig.c of 2.x ``totem_config_read``: the
#: ``totem.interface.%u.member.`` keys fill ``member_list``, with
#: TOTEM_CONFIG_WARNING_MEMBERS_DEPRECATED; with a nodelist, MEMBERS_IGNORED), so it
#: shows no generation.
BEFORE_COROSYNC2_KEYS = ("aisexec.", "service.")


def _written_for_corosync3(flat: list[tuple[str, str, Entry]]) -> bool:
    """Whether a key only corosync 3 reads is there (its default transport is knet)."""
    return any(n in COROSYNC3_KEYS or n.startswith("totem.knet_") for n, _, _ in flat)


def release_evidence(doc: CorosyncDocument) -> tuple[str, str, Entry] | None:
    """``(bound, key, line)`` for the first key that shows the corosync generation the
    file is written for: bound ``"3.0"`` (3.0 or later), ``"<3.0"`` or ``"<2.0"``
    (before); ``None`` when the keys fit every release."""
    flat = list(doc.flat())
    for name, value, entry in flat:
        if (
            name in COROSYNC3_KEYS
            or name.startswith("totem.knet_")
            or (name == "totem.transport" and value == "knet")
        ):
            return "3.0", name, entry
    for name, _, entry in flat:
        if name.startswith(BEFORE_COROSYNC2_KEYS):
            return "<2.0", name, entry
    for name, _, entry in flat:
        if name in BEFORE_COROSYNC3_KEYS:
            return "<3.0", name, entry
    return None


def ring_address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A ring address as an IP, or ``None`` for a host name."""
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


#: ``since``/``reprieve`` bounds for a value refused by every release before 3.0 only.
_ANY = Version.parse("0")
_NEVER = Version.parse("999")

_AFTER_OPEN = "extra characters after opening bracket '{' (corosync 3 refuses them)"
_AROUND_CLOSE = "extra characters before or after closing bracket '}' (corosync 3 refuses them)"


class _Later(NamedTuple):
    """A section of a light parse whose children are read on first use (:func:`_expand`):
    its name and the offset of its name, until its parent keeps it as a light block."""

    key: str
    pos: int


class _Builder:
    """Builds the document from Lark's parse or the line scanner's tokens, and checks the
    brace lines the grammar cannot (nothing after ``{`` or around ``}``).

    In a light parse, every section's children are read from the text on first use
    (:func:`_expand`): a node block of four lines is five objects of about 100 bytes
    beside its 130 bytes of text, so a loaded file holds its top-level sections only."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.light = building()
        if self.light is not None:
            self.light.expand = functools.partial(_expand, text)

    def _fail(self, pos: int, message: str) -> None:
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        raise ParseError(message, line=line, column=col, text=self.text)

    def _line_rest(self, pos: int) -> tuple[str, str]:
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        end = len(self.text) if end < 0 else end
        return self.text[start:pos], self.text[pos + 1 : end]

    def entry(self, children: list[Any]) -> KeyValue | list[Any]:
        if self.light is not None:  # its pieces, until its parent keeps it (_light_kids)
            return children
        pieces = [to_tok(c) for c in children]
        key = pieces[0]
        vals = [p for p in pieces if p.kind == "VALUE"]
        e = KeyValue(key.text, [v.text for v in vals])
        e.cst = list(pieces)
        return built(e, key.pos)

    def section(self, children: list[Any]) -> Block | _Later:
        name = to_tok(children[0])
        lbrace = to_tok(children[1])
        rbrace = to_tok(children[-1])
        _, after = self._line_rest(lbrace.pos)
        if after.strip():
            self._fail(lbrace.pos, _AFTER_OPEN)
        before, after = self._line_rest(rbrace.pos)
        if before.strip() or after.strip():
            self._fail(
                rbrace.pos,
                _AROUND_CLOSE,
            )
        if self.light is not None:  # its children deferred (read again by _expand)
            return _Later(name.text.rstrip(), name.pos)
        kids = [c for c in children if isinstance(c, Node)]
        b = Block(name.text.rstrip(), [], kids, key_tok=name)
        b.cst = [name, lbrace, *kids, rbrace]
        return built(b, name.pos)

    def start(self, children: list[Any]) -> CorosyncDocument:
        if self.light is not None:
            _check_depth(self.text)
            return make_root(CorosyncDocument, _light_kids(children, self.light, 0))
        return make_root(CorosyncDocument, children)


def _check_depth(text: str) -> None:
    """Raise :class:`TooDeep` (the full parse then reports the line) for sections nested
    beyond :data:`MAX_DEPTH`: a light parse defers their children, so the depth check of
    ``Light.seal`` never sees them, and the load succeeded only to fail on first use."""
    if text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in _BRACE_LINE.finditer(text):
        depth += -1 if m.group(1) is not None else 1
        if depth > MAX_DEPTH:
            raise TooDeep(m.start())


def _light_kids(children: list[Any], light: Light, offset: int) -> list[Node]:
    """The light nodes of a rule's ``children`` read at ``offset`` in the file: an
    entry's pieces become a light statement, a :class:`_Later` a light section whose
    children field is unset (:attr:`Light.expand`); tokens are left out."""
    share = light.share
    kids: list[Node] = []
    for c in children:
        if type(c) is _Later:
            kids.append(new_light(Block, light, offset + c.pos, key=share(c.key), _args=()))
        elif type(c) is list:  # an entry's pieces: KEY COLON VALUE?
            key = to_tok(c[0])
            value = to_tok(c[-1]) if len(c) > 2 else None
            values = share(value.text) if value is not None else ()
            kids.append(KeyValue.light_new(share(key.text), values, light, offset + key.pos))
    return kids


class _Entries:
    """Reads lines of ``key: value`` of one section (at ``offset`` in the file) into
    light statements placed in the whole file."""

    def __init__(self, light: Light, offset: int) -> None:
        self.light, self.offset = light, offset

    def entry(self, children: list[Any]) -> list[Any]:
        return children  # (its pieces, until start keeps it: _light_kids)

    def start(self, children: list[Any]) -> list[Node]:
        return _light_kids(children, self.light, self.offset)


#: A line that opens a section (``name {``: no other line holds ``{``, comments aside;
#: group 2 is the name, as the NAME terminal reads it) or closes one (``}`` alone:
#: group 1). The load refused anything else on those lines.
_BRACE_LINE = re.compile(
    r"^[ \t\f\v\r]*(?:(\})|([^\s{}:#](?:[^\n{}:]*[^\n{}: \t])?)[ \t]*\{)[ \t\f\v\r]*$", re.M
)


def _expand(text: str, section: Node) -> list[Node]:
    """The children of a light section, read again from ``text`` (which the load read
    whole, so it holds no error), sections inside deferred in turn: between its name
    and its closing brace, the lines of its own level are read by the scanner and the
    sections inside are only found (their brace lines), not read."""
    light, start = light_of(section), section.pos
    assert light is not None
    kids: list[Node] = []
    depth, after = 0, -1  # (after: where the lines of the section's own level resume)
    for m in _BRACE_LINE.finditer(text, text.rfind("\n", 0, start) + 1):
        if depth == 1 and after < m.start():
            kids += _entries(text, after, m.start(), light)
        if m.group(1) is None:
            depth += 1
            if depth == 2:
                name = light.share(m.group(2).rstrip())  # (as the builders name it)
                kids.append(new_light(Block, light, m.start(2), key=name, _args=()))
        else:
            depth -= 1
            if depth == 0:
                return kids
        after = m.end() + 1
    raise RuntimeError("xencfg internal error: a corosync section read again differs")


def _entries(text: str, start: int, end: int, light: Light) -> list[Node]:
    """The statements of the lines ``text[start:end]`` (whole lines of one level)."""
    part = text[start:end]
    if ":" not in part:  # blank and comment lines only
        return []
    kids: list[Node] | None = scan(COROSYNC, part, _Entries(light, start))
    if kids is None:  # (text the table leaves to the grammar)
        kids = parse_with("corosync", part, None, _Entries(light, start))
    assert kids is not None
    return kids


_WORDS = {"NAME": "a section name followed by '{'", "KEY": "a 'key: value' line"}


#: corosync.conf's readers: the COROSYNC table of lines_scan, ``grammars/corosync.lark``.
READER = LineReader[CorosyncDocument]("corosync", _Builder, _WORDS)


def parse(text: str, path: str | None = None) -> CorosyncDocument:
    """Parse corosync.conf text; raises :class:`xencfg.ParseError` with the line (with
    the rest read, for a line corosync before 3.0 skips: _corosync_stray)."""
    try:
        return READER.parse(text, path)
    except ParseError as err:
        explain(err, text, lambda t: READER.parse(t, path))
        raise


def sniff(text: str) -> bool:
    """A ``totem {`` section, or ``nodelist {`` with ``ring0_addr:``."""
    import re

    return re.search(r"^[ \t]*totem[ \t]*\{", text, re.M) is not None or (
        re.search(r"^[ \t]*nodelist[ \t]*\{", text, re.M) is not None and "ring0_addr" in text
    )
