"""Red Hat cman's XML ``/etc/cluster/cluster.conf`` (RHEL 4-6 clusters).

A small, read-mostly model: the cluster's name and ``config_version``, the
``clusternode`` list (name, nodeid, votes, fence methods) and the
``fencedevice`` list, whose passwords are secrets: :meth:`CmanDocument.to_dict`
masks them unless asked. The source text is kept and is what
:meth:`CmanDocument.dumps` returns; :meth:`CmanDocument.set_attribute`
splices a new value into the attribute's value span, so an edit changes
one line and keeps the file's quoting and layout.

XML is parsed with entities, DTDs and network access off.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..document import SourceDocument
from ..errors import ParseError, ValidationError, need_str
from ..secrets import MASK
from ..syntax.source import LineIndex
from ._memo import Shared
from ._xmlstream import events, line_of

FORMAT = "cman"

# A start tag, comment, PI, CDATA or doctype, as the scanner must skip them.
_MARKUP = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<![^>]*>|</[^>]*>|<([A-Za-z_][\w.:-]*)([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>",
    re.S,
)
_ATTR = re.compile(r"([A-Za-z_][\w.:-]*)\s*=\s*(\"[^\"]*\"|'[^']*')")


def is_secret(name: str) -> bool:
    """Attribute names fence agents read passwords from (``passwd``, ``snmp_priv_passwd`` ...)."""
    n = name.lower()
    return "passw" in n or n in ("community", "secret")


@attrs.define(eq=True)
class Element:
    """One XML element of interest: its tag, attributes, and where they sit in the source."""

    tag: str
    attributes: dict[str, str] = attrs.Factory(dict)
    index: int = attrs.field(default=-1, eq=False, repr=False)

    def get(self, name: str) -> str | None:
        return self.attributes.get(name)

    def to_dict(self, show_secrets: bool = False) -> dict[str, str]:
        return {
            k: (v if show_secrets or not is_secret(k) else MASK) for k, v in self.attributes.items()
        }


@attrs.define(eq=True)
class FenceMethod(Element):
    """One ``<fence><method>`` of a node: its name and its ``<device>`` elements."""

    devices: list[Element] = attrs.Factory(list)


@attrs.define(eq=True)
class CmanNode(Element):
    """``clusternode``: name, nodeid, votes, and the fence device names its methods use."""

    #: The ``<fence><method>`` elements, in order (fenced tries them one after another).
    methods: list[FenceMethod] = attrs.Factory(list)
    #: ``<altname name=...>``: the node's second ring (cman's RRP ring 1).
    altname: Element | None = None

    @property
    def fence(self) -> list[Element]:
        """The fence ``<device>`` elements of every method, in order."""
        return [d for m in self.methods for d in m.devices]

    @property
    def name(self) -> str | None:
        return self.get("name")

    @property
    def nodeid(self) -> int | None:
        return _int(self.get("nodeid"))

    @property
    def votes(self) -> int:
        """cman counts a node without ``votes`` as one vote."""
        v = _int(self.get("votes"))
        return 1 if v is None else v


@attrs.define(eq=True)
class FailoverDomain(Element):
    """rgmanager's ``failoverdomain``: its name and the ``failoverdomainnode`` entries."""

    members: list[Element] = attrs.Factory(list)

    @property
    def name(self) -> str | None:
        return self.get("name")


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


@attrs.define(weakref_slot=False)
class CmanDocument(SourceDocument):
    """A parsed cman cluster.conf."""

    format = FORMAT

    cluster: Element = attrs.Factory(lambda: Element("cluster"))
    nodes: list[CmanNode] = attrs.Factory(list)
    fencedevices: list[Element] = attrs.Factory(list)
    cman: Element | None = None
    #: ``<quorumd>``: a quorum disk (qdiskd) adds its votes to the cluster's.
    quorumd: Element | None = None
    #: ``<fence_daemon>``: fenced's options (``clean_start``, ``post_join_delay``).
    fence_daemon: Element | None = None
    #: ``<totem>``: attributes cman hands to corosync's totem (token, consensus, ...).
    totem: Element | None = None
    #: ``<logging>``: to_syslog, to_logfile, logfile, debug (cman wrote corosync's).
    logging: Element | None = None
    #: rgmanager's failover domains (``<rm><failoverdomains>``).
    failoverdomains: list[FailoverDomain] = attrs.Factory(list)
    #: rgmanager's ``<vm>`` resources (Xen guests), anywhere under ``<rm>``.
    vms: list[Element] = attrs.Factory(list)
    #: rgmanager's ``<service>`` resource groups (``<rm><service>``).
    services: list[Element] = attrs.Factory(list)
    _edits: dict[tuple[int, str], str] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def name(self) -> str | None:
        return self.cluster.get("name")

    @property
    def config_version(self) -> int | None:
        """cman refuses to propagate a config whose version did not go up."""
        return _int(self.cluster.get("config_version"))

    @property
    def expected_votes(self) -> int:
        """Sum of node votes (what quorum is computed from without ``expected_votes``)."""
        return sum(n.votes for n in self.nodes)

    def content(self) -> str:
        """The text without comments and without whitespace between tags: what two
        copies must share to be the same configuration (layout is not compared)."""
        text = re.sub(r"<!--.*?-->", "", self.dumps(), flags=re.S)
        return re.sub(r">\s+<", "><", text).strip()

    def node(self, name: str) -> CmanNode | None:
        """The ``clusternode`` called ``name``, or ``None``."""
        return next((n for n in self.nodes if n.name == name), None)

    def fencedevice(self, name: str) -> Element | None:
        """The ``fencedevice`` called ``name``, or ``None``."""
        return next((f for f in self.fencedevices if f.get("name") == name), None)

    # -- edits -----------------------------------------------------------
    def set_attribute(self, element: Element, name: str, value: str) -> None:
        """Change (or add) one attribute; :meth:`dumps` splices it into the source."""
        if not isinstance(element, Element):
            raise TypeError(
                "set_attribute(element) is an Element of this document,"
                f" not {type(element).__name__}"
            )
        need_str(name, "set_attribute(name)")
        need_str(value, "set_attribute(value)")
        if element.index < 0:
            raise ValidationError("element is not from this document")
        element.attributes[name] = value
        self._edits[(element.index, name)] = value

    def bump_version(self) -> int:
        """Increase ``config_version`` by one (needed after every change)."""
        new = (self.config_version or 0) + 1
        self.set_attribute(self.cluster, "config_version", str(new))
        return new

    def dumps(self) -> str:
        if not self._edits:
            return self.source
        inserts: list[tuple[int, int, str]] = []
        tags = _tags(self.source)  # found again here: only an edit needs the spans
        for (idx, name), value in self._edits.items():
            esc = _escape(value)
            start, end, attrs_text = tags[idx]
            span = next((m.span(2) for m in _ATTR.finditer(attrs_text) if m.group(1) == name), None)
            if span is not None:
                at = start + span[0]
                q = self.source[at]
                body = esc if q == '"' else esc.replace("'", "&apos;")
                inserts.append((at + 1, start + span[1] - 1, body))
            else:
                inserts.append((end, end, f' {name}="{esc}"'))
        out, last = [], 0
        for start, end, text in sorted(inserts):
            out.append(self.source[last:start])
            out.append(text)
            last = end
        out.append(self.source[last:])
        return "".join(out)

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of an offset in the source or of an element's start
        tag (found again among all start tags by its :attr:`Element.index`)."""
        if isinstance(where, Element) and where.index >= 0:
            tags = _tags(self.source)
            if where.index < len(tags):
                return super().position(tags[where.index][0] - len(where.tag) - 1)
        return super().position(where)

    def secrets(self) -> list[str]:
        """Every secret attribute value (fence passwords), for the CLI's redaction."""
        out: list[str] = []
        for e in [self.cluster, *self.nodes, *self.fencedevices]:
            for el in [e, *(e.fence if isinstance(e, CmanNode) else [])]:
                out.extend(v for k, v in el.attributes.items() if is_secret(k))
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "config_version": self.config_version,
            "nodes": [
                {
                    "name": n.name,
                    "nodeid": n.nodeid,
                    "votes": n.votes,
                    "fence": [f.to_dict(show_secrets) for f in n.fence],
                }
                for n in self.nodes
            ],
            "fencedevices": [f.to_dict(show_secrets) for f in self.fencedevices],
        }


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _tags(text: str) -> list[tuple[int, int, str]]:
    """``(start, end of attributes, attribute text)`` of every start tag, in order."""
    out = []
    for m in _MARKUP.finditer(text):
        if m.group(1) is None:
            continue
        attrs_text = m.group(2)
        end = m.end() - 1
        if attrs_text.endswith("/"):
            end -= 1
        out.append((m.start(2), end, attrs_text))
    return out


#: Where the elements cman reads sit: the root's path, then paths below it.
_NODE = ("cluster", "clusternodes", "clusternode")
_METHOD = (*_NODE, "fence", "method")
_FENCE = (*_METHOD, "device")
_DEVICE = ("cluster", "fencedevices", "fencedevice")
_CMAN = ("cluster", "cman")
_QUORUMD = ("cluster", "quorumd")
_FENCED = ("cluster", "fence_daemon")
_ALTNAME = (*_NODE, "altname")
_TOTEM = ("cluster", "totem")
_LOGGING = ("cluster", "logging")
_DOMAIN = ("cluster", "rm", "failoverdomains", "failoverdomain")
_DOMAIN_NODE = (*_DOMAIN, "failoverdomainnode")
_SERVICE = ("cluster", "rm", "service")
#: Attributes one element may have: lxml finds each value by walking the element's
#: attribute list, so reading them all is quadratic (64,000 on one element took 14 s).
#: cman's own elements have a dozen at most.
MAX_ATTRIBUTES = 1000


def parse(text: str, path: str | None = None) -> CmanDocument:
    """Parse cman cluster.conf text; raises :class:`xencfg.ParseError`.

    The XML is read as a stream (each element freed once read), so a large file never
    holds libxml2's whole tree; each element of interest keeps its place among all
    start tags, where :meth:`CmanDocument.dumps` finds it again to edit it.
    """
    from lxml import etree

    doc = CmanDocument(path=path, source=text)
    stack: list[str] = []
    count = 0
    share: Shared[str] = Shared()  # attribute names and most values repeat from node to node
    try:
        for event, e in events(text, path):
            if event == "end":
                stack.pop()
                continue
            tag = str(e.tag)
            if not stack and tag != "cluster":
                raise ParseError(
                    f"root element is <{tag}>, a cman cluster.conf has <cluster>",
                    path=path,
                    line=line_of(e),
                    column=1,
                )
            stack.append(tag)
            where = tuple(stack)
            if len(e.attrib) > MAX_ATTRIBUTES:
                raise ParseError(
                    f"<{tag}> has {len(e.attrib)} attributes, more than xencfg reads "
                    f"({MAX_ATTRIBUTES}); no cluster.conf element has so many",
                    path=path,
                    line=line_of(e),
                    column=1,
                )
            if len(stack) == 1:
                doc.cluster = _element(e, count, share)
            elif where == _NODE:
                doc.nodes.append(_element(e, count, share, CmanNode))
            elif where == _METHOD:
                doc.nodes[-1].methods.append(_element(e, count, share, FenceMethod))
            elif where == _FENCE:
                doc.nodes[-1].methods[-1].devices.append(_element(e, count, share))
            elif where == _DEVICE:
                doc.fencedevices.append(_element(e, count, share))
            elif where == _CMAN and doc.cman is None:
                doc.cman = _element(e, count, share)
            elif where == _QUORUMD and doc.quorumd is None:
                doc.quorumd = _element(e, count, share)
            elif where == _FENCED and doc.fence_daemon is None:
                doc.fence_daemon = _element(e, count, share)
            elif where == _ALTNAME and doc.nodes[-1].altname is None:
                doc.nodes[-1].altname = _element(e, count, share)
            elif where == _TOTEM and doc.totem is None:
                doc.totem = _element(e, count, share)
            elif where == _LOGGING and doc.logging is None:
                doc.logging = _element(e, count, share)
            elif where == _DOMAIN:
                doc.failoverdomains.append(_element(e, count, share, FailoverDomain))
            elif where == _DOMAIN_NODE:
                doc.failoverdomains[-1].members.append(_element(e, count, share))
            elif tag == "vm" and where[:2] == ("cluster", "rm"):
                doc.vms.append(_element(e, count, share))
            elif where == _SERVICE:
                doc.services.append(_element(e, count, share))
            count += 1
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        if line < 1:  # the stream ended early: the error is at the end of the text
            line, col = LineIndex(text).position(len(text))
        raise ParseError(
            f"not well-formed XML: {exc.msg}",
            path=path,
            line=line,
            column=col,
            text=text,
        ) from None
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses
        raise ParseError(f"cannot read XML: {exc}", path=path) from None
    if count != sum(1 for m in _MARKUP.finditer(text) if m.group(1) is not None):
        raise ParseError("could not locate every element in the source", path=path)
    return doc


def _element(e: Any, index: int, share: Shared[str], cls: type[Element] = Element) -> Any:
    return cls(
        share(str(e.tag)), {share(str(k)): share(str(v)) for k, v in e.attrib.items()}, index
    )


_HEAD = re.compile(r"\A(?:\ufeff)?(?:\s+|<\?xml.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)


def sniff(text: str) -> bool:
    """The first element (after an XML declaration and comments) is ``<cluster``."""
    m = _HEAD.match(text)
    rest = text[m.end() if m else 0 :]
    return re.match(r"<cluster[\s/>]", rest) is not None


def declared_nodes(doc: CmanDocument) -> tuple[tuple[str, ...], dict[str, object]]:
    """The ``clusternode`` names, as written (the spec's ``declares`` hook; findings
    about them point at the file)."""
    return tuple(n.name for n in doc.nodes if n.name), {}
