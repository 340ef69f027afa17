"""OCFS2 ``/etc/ocfs2/cluster.conf``: the o2cb cluster layout.

Stanzas ``cluster:``, ``node:`` and (ocfs2-tools >= 1.6) ``heartbeat:`` start
at column 0; their ``key = value`` attributes are indented (o2cb refuses an
unindented one). Attributes o2cb does not know are kept and marked by
:meth:`Ocfs2Document.keyword_problems` (o2cb itself silently drops them when
it rewrites the file). The 2004 comma-separated predecessor
(``cluster_name=...`` / ``0,name,ip,port``) is refused with a ParseError that
says so: no released o2cb reads it.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator
from sys import intern
from typing import Any

import attrs

from ...document import TreeDocument
from ...errors import ParseError, ValidationError, caret_snippet, need_str
from ...problems import KeywordProblem, ValueProblem, walk_keywords
from ...syntax.blocks import Block, BlockStyle, Entry, styled_like
from ...syntax.build import built, make_root, to_tok, value_list
from ...syntax.lines_scan import OCFS2, scan
from ...syntax.numbers import shown
from ...syntax.tree import Light, Node, Style, Tok, building, light_of, new_light, render
from .._memo import Shared
from ..view import INT, IPV4, Setting, View, schema_of, settings_of
from ._base import LineReader

FORMAT = "ocfs2"

#: o2cb writes ``cluster:`` first, then nodes, then heartbeat regions.
STANZA_ORDER = ("cluster", "node", "heartbeat")
HEARTBEAT_MODES = ("local", "global")
#: A stanza or attribute name o2cb's reader takes (jconfig.c; peer-o2cb: 'colour-x',
#: 'colour.x' and 'no-de:' are "Unknown code ____ 251", 'Colour', '_x', '2colour' load).
_JCONFIG_NAME = re.compile(r"[A-Za-z0-9_]+\Z")


class Ocfs2Style(BlockStyle):
    """o2cb's own layout: ``name:`` then TAB-indented ``key = value``, a blank
    line before every stanza but the first."""

    def render_node(self, node: Node, indent: str) -> str:
        tab, nl = self.indent, self.newline  # the file's own (see Ocfs2Document.dumps)
        if isinstance(node, Block):
            body = "".join(f"{tab}{e.key} = {' '.join(e.values)}{nl}" for e in node.entries())
            return f"{nl}{node.key}:{nl}{body}"
        if isinstance(node, Entry):
            return f"{tab}{node.key} = {' '.join(node.values)}{nl}"
        return node.render_canonical(indent, self)

    #: ocfs2.lark's KEY
    key_pattern = r"[A-Za-z_][A-Za-z0-9_.-]*"

    def quote(self, value: str, old: str | None = None) -> str:
        check_value(value)
        return value  # o2cb has no quoting: the value is the rest of the line


def check_value(value: str) -> None:
    """o2cb has no quoting: a value cannot hold a line break or start with ``#``/``=``."""
    if any(c in value for c in "\r\n") or value.strip() != value or value[:1] in ("#", "="):
        raise ValidationError(f"cannot write {value!r} as an o2cb attribute value")


STYLE = Ocfs2Style(indent="\t", terminator="", separator=" = ")


class Stanza(View):
    """A typed view on one stanza; reads and writes go to its block."""

    def set(self, key: str, value: object) -> None:
        """Set an attribute (raises :class:`xencfg.ValidationError` for unwritable values)."""
        STYLE.check(key, [str(value)])
        self.block.set(key, str(value))

    @property
    def attributes(self) -> dict[str, str]:
        """Every attribute as written (the last of a repeated key wins, as in o2cb)."""
        return {e.key: " ".join(e.values) for e in self.block.entries()}

    @property
    def unknown(self) -> dict[str, str]:
        """Attributes o2cb does not know (it drops them on rewrite)."""
        known = ATTRIBUTES.get(self.block.key, ())
        return {k: v for k, v in self.attributes.items() if k not in known}


# The attributes o2cb (ocfs2-tools 1.8) knows, by stanza, in the order it writes them:
# the Settings below, so each attribute's type and default is stated once.


class ClusterNode(Stanza):
    """``node:``: a member with its interconnect address."""

    cluster = Setting(doc="o2cb ignores nodes whose cluster is not a ``cluster:`` stanza's name.")
    number = Setting(type=INT, doc="Node number 0..254 (``None`` if missing or not a number).")
    ip_port = Setting(type=INT)
    ip_address = Setting(
        type=IPV4,
        doc="""The interconnect address. o2net is IPv4-only: o2cb rejects anything else,
        so an IPv6 or malformed value reads as ``None`` (see :meth:`Ocfs2Document.problems`).""",
    )
    name = Setting(doc="Must equal the host's ``uname -n`` for o2cb to find itself.")


class Cluster(Stanza):
    """``cluster:``: the cluster's name, declared size and heartbeat mode."""

    name = Setting()
    heartbeat_mode = Setting(
        default="local", doc="``local`` (the default o2cb assumes when absent) or ``global``."
    )
    node_count = Setting(
        type=INT, doc="As declared; o2cb does not check it against the ``node:`` stanzas."
    )


class Heartbeat(Stanza):
    """``heartbeat:``: a global heartbeat region (a device UUID) of a cluster."""

    region = Setting(read_only=True)
    cluster = Setting(read_only=True)


#: The view of each stanza o2cb knows.
STANZAS: dict[str, type[Stanza]] = {"cluster": Cluster, "node": ClusterNode, "heartbeat": Heartbeat}
#: Attributes o2cb (ocfs2-tools 1.8) knows, by stanza, in the order it writes them.
ATTRIBUTES: dict[str, tuple[str, ...]] = {k: tuple(settings_of(v)) for k, v in STANZAS.items()}
#: cluster.conf's schema: each stanza's attributes, their types and defaults (o2cb
#: skips an attribute it does not know, and drops it when it rewrites the file).
SCHEMA = schema_of("ocfs2-tools", "o2cb", STANZAS, refuses=False)


@attrs.define(weakref_slot=False)
class Ocfs2Document(TreeDocument):
    """A parsed ocfs2 cluster.conf."""

    format = FORMAT
    style = STYLE

    def dumps(self) -> str:
        """The text, with added stanzas indented and ended like the rest of the file."""
        return render(self, styled_like(self.source, STYLE))

    def stanzas(self, kind: str | None = None) -> list[Block]:
        """Top-level stanzas (``cluster:``, ``node:``, ``heartbeat:``), of one ``kind``
        when given."""
        return [
            c for c in self.children if isinstance(c, Block) and (kind is None or c.key == kind)
        ]

    @property
    def clusters(self) -> list[Cluster]:
        """Every ``cluster:`` stanza."""
        return [Cluster(b) for b in self.stanzas("cluster")]

    @property
    def nodes(self) -> list[ClusterNode]:
        """Every ``node:`` stanza, of whichever cluster (see :meth:`members`)."""
        return [ClusterNode(b) for b in self.stanzas("node")]

    @property
    def heartbeats(self) -> list[Heartbeat]:
        """Every ``heartbeat:`` stanza (global heartbeat regions)."""
        return [Heartbeat(b) for b in self.stanzas("heartbeat")]

    def cluster(self, name: str | None = None) -> Cluster | None:
        """The cluster named ``name`` (or the first one)."""
        for c in self.clusters:
            if name is None or c.name == name:
                return c
        return None

    def node(self, key: str | int) -> ClusterNode | None:
        """The node with this name (str) or number (int)."""
        for n in self.nodes:
            if (isinstance(key, int) and n.number == key) or n.name == key:
                return n
        return None

    def members(self, cluster: str) -> list[ClusterNode]:
        """Nodes o2cb puts in ``cluster`` (those naming it)."""
        return [n for n in self.nodes if n.cluster == cluster]

    # -- edits -----------------------------------------------------------
    def add_node(
        self,
        name: str,
        number: int,
        ip_address: str,
        ip_port: int = 7777,
        cluster: str | None = None,
    ) -> ClusterNode:
        """Append a ``node:`` stanza after the last node (cluster: the first cluster's).
        A name the cluster already has is a ValueError: o2cb does not load the file
        (``o2cb list-clusters``: "Unknown code ____ 244 while loading cluster
        configuration file")."""
        if cluster is None:
            first = self.cluster()
            cluster = first.name if first is not None and first.name else "ocfs2"
        need_str(name, "add_node(name)")
        need_str(cluster, "add_node(cluster)")
        check_value(name)  # (o2cb has no quoting: a line break would start a new stanza)
        check_value(cluster)
        if any(n.name == name for n in self.members(cluster)):
            raise ValidationError(f"cluster {cluster!r} already has a node named {name!r}")
        ip = ipaddress.IPv4Address(ip_address)
        block = Block(
            "node",
            children=[
                Entry("ip_port", [str(int(ip_port))]),
                Entry("ip_address", [str(ip)]),
                Entry("number", [str(int(number))]),
                Entry("name", [name]),
                Entry("cluster", [cluster]),
            ],
        )
        nodes = self.stanzas("node")
        before = self._members(cluster)
        at = self.children.index(nodes[-1]) + 1 if nodes else len(self.children)
        self.children.insert(at, block)
        self._follow_count(cluster, before)
        return ClusterNode(block)

    def _members(self, cluster: str | None) -> int:
        return sum(1 for n in self.nodes if n.cluster == cluster)

    def _follow_count(self, cluster: str | None, before: int) -> None:
        """Keep ``node_count`` equal to the cluster's nodes when it was (OC001); a count
        that already disagreed is the admin's to settle."""
        c = self.cluster(cluster) if cluster is not None else None
        if c is not None and c.node_count == before:
            c.node_count = self._members(cluster)

    def remove_node(self, key: str | int) -> bool:
        """Remove the node with this name or number; ``False`` if none."""
        n = self.node(key)
        if n is None:
            return False
        before = self._members(n.cluster)
        self.children.remove(n.block)
        self._follow_count(n.cluster, before)
        return True

    @classmethod
    def new(
        cls, cluster: str, nodes: list[tuple[str, int, str]], port: int = 7777
    ) -> Ocfs2Document:
        """A file as o2cb writes it: ``cluster:`` first, then ``(name, number, ip)`` nodes."""
        doc = cls()
        doc.children.append(
            Block(
                "cluster",
                children=[
                    Entry("name", [cluster]),
                    Entry("heartbeat_mode", ["local"]),
                    Entry("node_count", [str(len(nodes))]),
                ],
            )
        )
        for name, number, ip in nodes:
            b = doc.add_node(name, number, ip, port, cluster).block
            order = ATTRIBUTES["node"]
            b.children.sort(key=lambda e: order.index(getattr(e, "key", "")))
        return doc

    def render_canonical(self, indent: str, style: Style) -> str:
        return super().render_canonical(indent, style).lstrip("\n")

    # -- checks ----------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """An ``"unknown"`` problem for each stanza and attribute o2cb does not know."""
        return walk_keywords(
            self,
            lambda context, node: (
                ATTRIBUTES[context[0]]
                if context
                else ATTRIBUTES.keys()
                if isinstance(node, Block)
                else None
            ),
        )

    def problems(self) -> Iterator[ValueProblem]:
        """A :class:`ValueProblem` for what o2cb (ocfs2-tools 1.8) refuses to load,
        though we parse it: CRLF line ends, a non-IPv4 address, a missing or
        non-numeric required attribute, a repeated node name; and a node without
        ``cluster``, which o2cb loads but leaves out."""
        if "\r\n" in self.source:
            yield ValueProblem(None, "CRLF line endings: o2cb rejects the file (syntax error)")
        seen: set[str] = set()
        for n in self.nodes:
            if not n.block.children:
                continue  # an empty "node:" stanza: o2cb skips it (checked with peer-o2cb)
            for key in ("name", "number", "ip_address", "ip_port"):
                if n.get(key) is None:
                    yield ValueProblem(n.block, f"node without '{key}': o2cb rejects the file")
            if n.get("cluster") is None:
                # o2cb list-cluster loads the file and drops the stanza (peer-o2cb): the
                # node belongs to no cluster, so it finds no local node and cannot mount
                who = f"node {n.name!r}" if n.name else "a node"
                yield ValueProblem(
                    n.block,
                    f"{who} without 'cluster': o2cb leaves it out of every cluster, so it "
                    "cannot join or mount",
                )
            if n.get("number") is not None and n.number is None:
                yield ValueProblem(n.block.entry("number"), "node number is not a number")
            if n.get("ip_port") is not None and n.ip_port is None:
                yield ValueProblem(n.block.entry("ip_port"), "ip_port is not a number")
            yield from _beyond_o2cb(n.block, "number", n.number)
            yield from _beyond_o2cb(n.block, "ip_port", n.ip_port)
            if n.get("ip_address") is not None and n.ip_address is None:
                yield ValueProblem(
                    n.block.entry("ip_address"),
                    "ip_address is not an IPv4 address (o2net is IPv4-only)",
                )
            if n.name is not None:
                if n.name in seen:
                    yield ValueProblem(
                        n.block, f"node name {n.name!r} repeated: o2cb rejects the file"
                    )
                seen.add(n.name)
        for block in self.stanzas():
            named: list[Block | Entry] = [block, *block.entries()]
            for node in named:
                if not _JCONFIG_NAME.match(node.key):
                    yield ValueProblem(
                        node,
                        f"{node.key!r}: o2cb's reader takes only letters, digits and '_' in "
                        "a stanza or attribute name and rejects the file (Invalid character "
                        "in attribute name)",
                    )
        for c in self.clusters:
            at = c.block.entry("heartbeat_mode")
            mode = " ".join(at.values) if at is not None else "local"
            if mode.lower() not in HEARTBEAT_MODES:
                # o2cb_config.c compares case-insensitively; peer-o2cb: "Global" and
                # "LOCAL" load, '"global"' or 'global # ha' is "Unknown code ____ 234"
                yield ValueProblem(
                    at,
                    f"heartbeat_mode {mode!r} is neither local nor global: o2cb rejects "
                    "the file (no quotes, and '#' starts a comment only in column 0)",
                )
            # o2cb list-cluster refuses a cluster stanza without either (checked with
            # peer-o2cb: "Unknown code ____ 234 while loading cluster configuration")
            for key in ("name", "node_count"):
                if c.get(key) is None:
                    yield ValueProblem(c.block, f"cluster without '{key}': o2cb rejects the file")
            if c.get("node_count") is not None and c.node_count is None:
                yield ValueProblem(c.block.entry("node_count"), "node_count is not a number")
            yield from _beyond_o2cb(c.block, "node_count", c.node_count)
        for h in self.stanzas("heartbeat"):
            if h.get("region") is None:
                yield ValueProblem(h, "heartbeat stanza without 'region': o2cb rejects the file")

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        def common(s: Stanza) -> dict[str, Any]:
            return {"unknown": s.unknown} if s.unknown else {}

        return {
            "format": FORMAT,
            "clusters": [
                {"name": c.name, "node_count": c.node_count, "heartbeat_mode": c.heartbeat_mode}
                | common(c)
                for c in self.clusters
            ],
            "nodes": [
                {
                    "name": n.name,
                    "number": n.number,
                    "ip_address": str(n.ip_address) if n.ip_address else n.get("ip_address"),
                    "ip_port": n.ip_port,
                    "cluster": n.cluster,
                }
                | common(n)
                for n in self.nodes
            ],
            "heartbeats": [
                {"region": h.region, "cluster": h.cluster} | common(h) for h in self.heartbeats
            ],
        }


#: The most o2cb's reader takes (peer-o2cb, ocfs2-tools 1.8.7: a node number of
#: 2147483647, an ip_port or node_count of 4294967296 is "Unknown code ____ 222 while
#: loading cluster configuration file"; one less loads).
_O2CB_MAX = {"number": 2**31 - 2, "ip_port": 2**32 - 1, "node_count": 2**32 - 1}


def _beyond_o2cb(block: Block, key: str, value: int | None) -> Iterator[ValueProblem]:
    """A number above what o2cb reads: it rejects the whole file."""
    if value is not None and value > _O2CB_MAX[key]:
        yield ValueProblem(
            block.entry(key),
            f"{key} {shown(value)} is above {_O2CB_MAX[key]}, the most o2cb reads: o2cb"
            " rejects the file",
        )


class _Builder:
    """Builds the document from Lark's parse or the line scanner's tokens, and checks
    the columns the grammar cannot (o2cb's stanza headers at column 1, attributes
    indented)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        # stanza names and values such as 7777 repeat node after node: one string each
        self.share: Shared[str] = Shared()
        #: In a light parse, a stanza's attributes are read from the text on first use
        #: (:func:`_attributes`): five attribute lines are five statements of about 100
        #: bytes each beside their 80 bytes of text, so a loaded file holds the stanzas.
        self.light = building()
        if self.light is not None:
            self.light.expand = functools.partial(_attributes, text)

    def _first(self, pos: int) -> bool:
        """Whether ``pos`` is in column 1."""
        return pos == 0 or self.text[pos - 1] == "\n"

    def _fail(self, pos: int, message: str) -> None:
        line = self.text.count("\n", 0, pos) + 1
        column = pos - self.text.rfind("\n", 0, pos)
        raise ParseError(message, line=line, column=column, text=self.text)

    def entry(self, children: list[Any]) -> Entry | None:
        pieces = [to_tok(c) for c in children]  # KEY EQ VALUE?
        key, vals = pieces[0], pieces[2:]
        if self._first(key.pos):
            self._fail(
                key.pos, f"attribute '{key.text}' must be indented (o2cb reads it as a stanza)"
            )
        if self.light is not None:
            return None  # deferred: _attributes reads it again on first use
        e = Entry(intern(key.text), value_list(vals, self.share))
        e.cst = list(pieces)
        return built(e, key.pos)

    def stanza(self, children: list[Any]) -> Block:
        head = to_tok(children[0])
        if not self._first(head.pos):
            self._fail(head.pos, f"stanza '{head.text}' must start at column 1")
        name = head.text.rstrip(":")
        if name != name.rstrip(" \t"):
            # o2cb refuses "node :" and "node<TAB>:" (peer-o2cb: "Unknown code ____ 251
            # while loading cluster configuration file"), "node: " it takes
            self._fail(
                head.pos + len(name.rstrip(" \t")),
                f"stanza '{name.strip()}:' has a blank before ':', and o2cb refuses the file",
            )
        key = self.share(head.text.rstrip(" \t:"))
        if self.light is not None:  # its children deferred (an unset field: _attributes)
            return new_light(Block, self.light, head.pos, key=key, _args=())
        kids = list(tuple(c for c in children if isinstance(c, Node)))  # (sized exactly)
        b = Block(key, [], kids, key_tok=None)
        b.cst = [head, *kids]
        return built(b, head.pos)

    def start(self, children: list[Any]) -> Ocfs2Document:
        return make_root(Ocfs2Document, children)


#: The next stanza header: a name in column 1 (after a stanza's own header).
_NEXT_HEAD = re.compile(r"^[A-Za-z_]", re.M)


class _Attributes:
    """Reads one stanza's text (from its header, at ``offset`` in the file) into its
    attributes, light nodes placed in the whole file: a stanza's deferred children."""

    def __init__(self, light: Light, offset: int) -> None:
        self.light, self.offset = light, offset

    def entry(self, children: list[Tok]) -> Entry:
        key, vals = children[0], children[2:]  # KEY EQ VALUE?
        share = self.light.share
        values = share(vals[0].text) if vals else ()
        return Entry.light_new(share(key.text), values, self.light, self.offset + key.pos)

    def stanza(self, children: list[Any]) -> list[Node]:
        return [c for c in children if isinstance(c, Node)]

    def start(self, children: list[Any]) -> list[Node] | None:
        return children[0] if len(children) == 1 else None


def _attributes(text: str, stanza: Node) -> list[Node]:
    """The attributes of a light ``stanza``, read again from ``text`` (which the load
    read whole, so it holds no error): the lines after its header up to the next
    header, a line starting in column 1 with a name (an attribute there was refused by
    :meth:`_Builder.entry`)."""
    light, start = light_of(stanza), stanza.pos
    assert light is not None
    m = _NEXT_HEAD.search(text, start + 1)
    end = len(text) if m is None else m.start()
    kids: list[Node] | None = scan(OCFS2, text[start:end], _Attributes(light, start))
    if kids is None:
        raise RuntimeError("xencfg internal error: a stanza read again differs")
    return kids


_WORDS = {
    "HEAD": "a stanza header ('node:', 'cluster:' or 'heartbeat:')",
    "KEY": "an indented attribute name",
}


#: cluster.conf's readers: the OCFS2 table of lines_scan, ``grammars/ocfs2.lark``.
READER = LineReader[Ocfs2Document]("ocfs2", _Builder, _WORDS)


def parse(text: str, path: str | None = None) -> Ocfs2Document:
    """Parse cluster.conf text; raises :class:`xencfg.ParseError`."""
    _refuse_predecessor(text, path)
    return READER.parse(text, path)


def _refuse_predecessor(text: str, path: str | None) -> None:
    """The 2004 prototype format (``cluster_name=X`` + CSV nodes) gets a clear error."""
    first = _first_line(text)
    if first.replace(" ", "").startswith("cluster_name="):
        raise ParseError(
            "this is the 2004 pre-release format (cluster_name=..., then number,name,ip,port): "
            "no released o2cb reads it; rewrite it as 'cluster:' and 'node:' stanzas",
            path=path,
            line=1 + text.count("\n", 0, text.find(first)),
            column=1,
            snippet=caret_snippet(text, 1 + text.count("\n", 0, text.find(first)), 1),
        )


def _first_line(text: str) -> str:
    """The first line that is neither blank nor a comment (``""``: none), as
    ``str.splitlines`` cuts lines, reading no more of the text than it needs (a list of
    every line of a large file would be four times its size)."""
    size = 4096
    while True:
        whole = size >= len(text)
        lines = text[:size].splitlines()
        for line in lines if whole else lines[:-1]:  # (the last may be cut short)
            if line.strip() and not line.startswith("#"):
                return line
        if whole:
            return ""
        size *= 4


def sniff(text: str) -> bool:
    """Stanza syntax (``node:``/``cluster:`` at column 0), not XML."""

    if text.lstrip().startswith("<"):
        return False
    return re.search(r"^(node|cluster|heartbeat)[ \t]*:[ \t]*\r?$", text, re.M) is not None


def declared_nodes(doc: Ocfs2Document) -> tuple[tuple[str, ...], dict[str, object]]:
    """The ``node:`` stanzas' names: the members o2cb knows (the spec's ``declares`` hook)."""
    anchors: dict[str, object] = {}
    for n in doc.nodes:
        if n.name:
            anchors.setdefault(n.name, n)
    return tuple(anchors), anchors
