"""xend-config.sxp: the Xen control daemon's S-expression configuration.

The file is a sequence of ``(name value...)`` lists; values are words,
quoted strings (``'...'`` or ``"..."`` with backslash escapes) or nested
lists (``xen-api-server``, ``xend-pci-quirks``). Most real files are mostly
commented-out ``#(key value)`` lines. xend keeps the file as one list and looks
a setting up with ``sxp.child_value`` (XendOptions.get_config_value): the *first*
``(name ...)`` list and its first item, so the first occurrence of a repeated
name wins; :meth:`XendDocument.get` does the same and
:meth:`XendDocument.settings_all` shows every occurrence (a repeat is usually a
mistake lint should report). Generic lists that are not
xend options (libvirt's ``(domain ...)`` dumps, pci quirks) are kept as is.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from typing import Any, cast

import attrs

from ..._lazy import lazy_re
from ...document import TreeDocument
from ...errors import ParseError, ValidationError, error_at, need_str
from ...problems import KeywordProblem, ValueProblem
from ...suggest import closest
from ...syntax.build import built, parse_with, to_tok
from ...syntax.pipeline import parse_text
from ...syntax.scan import Shape, scan
from ...syntax.tree import (
    Node,
    Piece,
    Style,
    Tok,
    building,
    drop_children,
    light_of,
    new_light,
    render,
    token_field,
)
from .._memo import Shared
from ..schema import Keyword, Schema
from ._base import adopt_final_newline, check_depth, source_style, unescape

FORMAT = "xend"


def unquote(raw: str) -> str:
    """The value of a token: quotes removed and escapes decoded. An unknown
    escape such as ``\\.`` keeps its backslash, so regexes survive."""
    if len(raw) < 2 or raw[0] not in "'\"" or raw[-1] != raw[0]:
        return raw
    return unescape(raw[1:-1], hex_escapes=False)


def needs_quotes(value: str) -> bool:
    # (xend's sxp.py ends a word at '#' and starts a comment there, even mid-word, and
    # at one of its separators {}<>[]!; after the first character)
    return value == "" or any(c.isspace() or c in "()'\"#\ufeff{}<>[]!;" for c in value)


def quote(value: str, old: str | None = None) -> str:
    """Spell ``value``; keeps the quote character of the token it replaces."""
    if not needs_quotes(value) and not (old and old[0] in "'\""):
        return value
    q = old[0] if old and old[0] in "'\"" else "'"
    body = (
        value.replace("\\", "\\\\")
        .replace(q, "\\" + q)
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )
    return q + body + q


# -- syntax nodes -------------------------------------------------------------


@attrs.define(weakref_slot=False)
class Atom(Node):
    """A word or string. ``value`` is unquoted; the source keeps its spelling."""

    value: str
    tok: Tok | None = token_field(default=None)

    def state(self) -> Any:
        return self.value

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        if self.tok is None:
            return None
        new = Tok(self.tok.kind, quote(self.value, self.tok.text), -1)
        return [new if p is self.tok else p for p in pieces]

    def render_canonical(self, indent: str, style: Style) -> str:
        return quote(self.value)


@attrs.define(weakref_slot=False)
class SList(Node):
    """``(item ...)``. A top-level list is a setting: its first word is the name."""

    items: list[Node] = attrs.Factory(list)
    top: bool = attrs.field(default=False, eq=False, kw_only=True)
    children_field = "items"
    closer = (")",)

    def state(self) -> Any:
        # A list whose items were added, removed or replaced is re-rendered
        # canonically on its own line(s); edits of single atoms are spliced.
        return tuple(id(i) for i in self.items)

    def adopt_snapshot(self, twin_snap: Any, mine: dict[int, Node]) -> Any:
        return tuple(id(mine[i]) for i in twin_snap)

    @property
    def name(self) -> str | None:
        first = self.items[0] if self.items else None
        return first.value if isinstance(first, Atom) else None

    @property
    def key(self) -> str | None:
        """The setting name, under the name lint rules read for every format."""
        return self.name

    @property
    def values(self) -> list[Node]:
        return self.items[1:] if self.name is not None else list(self.items)

    def to_py(self) -> list[Any]:
        """Items as plain data: strings and nested lists."""
        return [to_py(i) for i in self.items]

    def render_canonical(self, indent: str, style: Style) -> str:
        body = "(" + " ".join(_inline(i) for i in self.items) + ")"
        return indent + body + style.newline if self.top else body


def to_py(node: Node) -> Any:
    """An atom's string, a list's items as plain data."""
    if isinstance(node, Atom):
        return node.value
    assert isinstance(node, SList)  # (xend's only other node)
    return node.to_py()


def check_py(value: Any) -> None:
    """Refuse (ValidationError) a value xend's S-expressions cannot hold: they are words,
    strings and lists only (sxp.py), so a value is text, an integer, a finite float, a
    bool (written yes/no) or a list or tuple of those; ``None``, a dict, a set, bytes or
    any other object would be written as its ``str()``, which xend reads as some word
    it never meant."""
    stack = [value]
    while stack:  # iterative: values built in code may nest deeply
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, float) and not math.isfinite(v):
            raise ValidationError(f"{v!r} is not a number xend reads")
        elif not isinstance(v, (str, int, float)):
            raise ValidationError(
                f"xend-config.sxp holds words, strings and lists, not a {type(v).__name__}: {v!r}"
            )


def from_py(value: Any) -> Node:
    """A node from a string, number or (nested) list."""
    if isinstance(value, (list, tuple)):
        return SList([from_py(v) for v in value])
    return _atom(value)


def _atom(value: Any) -> Atom:
    """An atom from a string or a number (a bool as yes/no)."""
    if isinstance(value, bool):
        return Atom("yes" if value else "no")
    return Atom(str(value))


def _inline(node: Node) -> str:
    out: list[str] = []
    stack: list[Any] = [node]
    while stack:  # iterative: models built in code may nest deeply
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, Atom):
            out.append(quote(n.value))
        else:
            parts: list[Any] = ["("]
            for i, item in enumerate(n.items):
                if i:
                    parts.append(" ")
                parts.append(item)
            parts.append(")")
            stack.extend(reversed(parts))
    return "".join(out)


class XendStyle(Style):
    """How xend-config.sxp writes new settings: one ``(key value)`` per line."""

    def render_node(self, node: Node, indent: str) -> str:
        return node.render_canonical("", self)


STYLE = XendStyle(indent="", newline="\n")


# -- the documented options -------------------------------------------------------

# name -> (type, why it matters). Types: bool, int, str, regexes (space-separated
# list in one string), sexpr (nested lists).
OPTIONS: dict[str, tuple[str, str]] = {
    "xend-relocation-server": ("bool", "accept live migrations from other hosts"),
    "xend-relocation-ssl-server": ("bool", "accept migrations over SSL"),
    "xend-relocation-port": ("int", "TCP port of the relocation server (8002)"),
    "xend-relocation-ssl-port": ("int", "TCP port of the SSL relocation server (8003)"),
    "xend-relocation-address": ("str", "listen address of the relocation server ('' = all)"),
    "xend-relocation-hosts-allow": ("regexes", "hosts allowed to migrate in ('' = anyone)"),
    "xend-relocation-server-ssl-key-file": ("str", "SSL key of the relocation server"),
    "xend-relocation-server-ssl-cert-file": ("str", "SSL certificate of the relocation server"),
    "xend-relocation-ssl": ("bool", "use SSL when migrating out"),
    "xend-http-server": ("bool", "legacy HTTP management API"),
    "xend-unix-server": ("bool", "management API on a unix socket"),
    "xend-tcp-xmlrpc-server": ("bool", "XML-RPC over TCP"),
    "xend-unix-xmlrpc-server": ("bool", "XML-RPC over a unix socket"),
    "xend-tcp-xmlrpc-server-address": ("str", "XML-RPC TCP listen address"),
    "xend-tcp-xmlrpc-server-port": ("int", "XML-RPC TCP port"),
    "xend-tcp-xmlrpc-server-ssl-key-file": ("str", "XML-RPC SSL key"),
    "xend-tcp-xmlrpc-server-ssl-cert-file": ("str", "XML-RPC SSL certificate"),
    "xend-port": ("int", "HTTP server port (8000)"),
    "xend-address": ("str", "HTTP server listen address"),
    "xend-unix-path": ("str", "unix socket path"),
    "xend-storage-path": ("str", "where xend keeps domain state"),
    "xend-domains-path": ("str", "where managed domains are saved"),
    "xen-api-server": ("sexpr", "Xen-API listeners: ((port auth [hosts-allow]) ...)"),
    "xend-domain-lock": ("bool", "lock domains on shared storage"),
    "xend-domain-lock-path": ("str", "lock directory"),
    "xend-domain-lock-utility": ("str", "lock helper"),
    "xend-vnc-listen": ("str", "old name of vnc-listen"),
    "logfile": ("str", "xend log file"),
    "loglevel": ("str", "xend log level"),
    "enable-dump": ("bool", "dump core of crashed domains"),
    "external-migration-tool": ("str", "helper run around migration"),
    "network-script": ("str", "script that sets up dom0 networking (bridges)"),
    "vif-script": ("str", "script that attaches vifs"),
    "dom0-min-mem": ("int", "MiB dom0 keeps when ballooning (0 = no limit)"),
    "enable-dom0-ballooning": ("bool", "let xend shrink dom0 to start guests"),
    "total_available_memory": ("int", "MiB available to guests (0 = all)"),
    "dom0-cpus": ("int", "CPUs dom0 may use (0 = all)"),
    "vnc-listen": ("str", "default VNC listen address of HVM guests"),
    "vncpasswd": ("str", "default VNC password (a secret)"),
    "vnc-tls": ("bool", "VNC over TLS"),
    "vnc-x509-cert-dir": ("str", "VNC TLS certificates"),
    "vnc-x509-verify": ("bool", "verify VNC client certificates"),
    "keymap": ("str", "default VNC keymap"),
    "console-limit": ("int", "KiB of console buffer per domain"),
    "resource-label-change-script": ("str", "security label hook"),
    "device-create-timeout": ("int", "seconds to wait for a device"),
    "device-destroy-timeout": ("int", "seconds to wait for a device to go"),
    "xend-cpu-resources": ("str", "CPU resource policy"),
    "pci-passthrough-strict-check": ("bool", "refuse unsafe PCI passthrough"),
    "xend-relocation-server-ssl": ("bool", "old name of xend-relocation-ssl-server"),
    "xenstore-max-domain-watches": ("int", "xenstore watch quota per domain"),
    "ovs-bridge": ("str", "Open vSwitch bridge"),
    "xsm_module_name": ("str", "security module: flask, acm or dummy"),
    "xend-udev-event-server": ("bool", "listen to udev events"),
    "qemu-dm-logrotate-count": ("int", "qemu-dm log files kept"),
    "pscsi-device-mask": ("sexpr", "SCSI devices scanned for passthrough"),
    "vif-antispoof": ("bool", "restrict vifs to their configured IPs"),
    "xend-domain-lock-storage": ("str", "lock storage helper"),
    "xend-tcp-xmlrpc-server-ssl": ("bool", "XML-RPC over SSL"),
    "xend-console-address": ("str", "console listen address"),
    "xend-console-port": ("int", "console port base"),
    "dom0-ip": ("str", "dom0 address"),
    "vnc-listen-address": ("str", "old name of vnc-listen"),
    "tap-dir": ("str", "blktap directory"),
    "xenstored-path": ("str", "xenstored location"),
}

#: Xen 2.0-era options xend 3.x ignores, and what replaced them.
DEPRECATED: dict[str, str | None] = {
    "xend-event-port": None,
    "xend-event-address": None,
    "console-port-base": None,
    "console-address": None,
    "block-file": None,
    "block-enbd": None,
    "xend-debug": None,
    "enable-dump-core": "enable-dump",
    # Xen 2.0's XendRoot.get_vif_bridge read a bridge *name* here ('xen-br0'), beside
    # vif-script (a *script*, 'vif-bridge'); xend 3 reads the bridge from vif-script's
    # arguments. A plain rename, (vif-script xen-br0), would run a script 'xen-br0'.
    "vif-bridge": (
        "xend 3 ignores it; name the bridge in vif-script's arguments, "
        "(vif-script 'vif-bridge bridge=NAME'), or drop the line (vif-bridge "
        "then takes the first bridge)"
    ),
}

#: What xend 3.x/4.x used when an option is absent (XendOptions.py defaults), as
#: they would be written in the file.
DEFAULTS: dict[str, str] = {
    "xend-http-server": "no",
    "xend-unix-server": "no",
    "xend-tcp-xmlrpc-server": "no",
    "xend-unix-xmlrpc-server": "yes",
    "xend-relocation-server": "no",
    "xend-relocation-ssl-server": "no",
    "xend-relocation-port": "8002",
    "xend-relocation-ssl-port": "8003",
    "xend-relocation-address": "",
    "xend-relocation-hosts-allow": "",
    "xend-port": "8000",
    "xend-address": "",
    "dom0-min-mem": "196",
    "dom0-cpus": "0",
    "enable-dom0-ballooning": "yes",
    "enable-dump": "no",
    "vif-script": "vif-bridge",
    "vnc-listen": "127.0.0.1",
    "console-limit": "1024",
    "total_available_memory": "0",
}

#: xend-config.sxp's schema: each documented option's type, xend's default, and the
#: Xen 2.0-era options xend 3.x ignores (from the three tables above).
SCHEMA = Schema(
    "xen",
    "xend",
    {
        "top": {
            name: Keyword(
                name,
                type=OPTIONS[name][0] if name in OPTIONS else None,
                default=DEFAULTS.get(name),
                renamed_to=DEPRECATED.get(name),
                obsolete=name in DEPRECATED,
            )
            for name in sorted({*OPTIONS, *DEFAULTS, *DEPRECATED})
        }
    },
    refuses=False,
)

SECRETS = frozenset({"vncpasswd"})

_TRUE = frozenset({"yes", "y", "1", "on", "true", "t"})
_FALSE = frozenset({"no", "n", "0", "off", "false", "f"})


def to_bool(v: str) -> bool | None:
    low = v.strip().lower()
    return True if low in _TRUE else False if low in _FALSE else None


def to_int(v: str) -> int | None:
    try:
        return int(v.strip(), 0) if v.strip().lower().startswith("0x") else int(v.strip())
    except ValueError:
        return None


#: The options XendOptions reads with get_config_bool / get_config_int, with the first
#: tag whose XendOptions.py (XendRoot.py before 3.1) does: RELEASE-3.0.0, the 3.x
#: branch tags, RELEASE-4.0.0 (the same through 4.4.0, the last with xend).
XEND_READS: dict[str, tuple[str, str]] = {
    **{
        n: ("bool", "3.0")
        for n in ("enable-dump", "xend-http-server", "xend-relocation-server", "xend-unix-server")
    },
    **{n: ("bool", "3.0.2") for n in ("xend-tcp-xmlrpc-server", "xend-unix-xmlrpc-server")},
    **{
        n: ("bool", "3.3")
        for n in ("enable-dom0-ballooning", "xend-relocation-ssl", "xend-relocation-ssl-server")
    },
    "xend-udev-event-server": ("bool", "3.4"),
    "pci-passthrough-strict-check": ("bool", "4.0"),
    **{
        n: ("int", "3.0")
        for n in ("console-limit", "dom0-cpus", "dom0-min-mem", "xend-port", "xend-relocation-port")
    },
    "xend-tcp-xmlrpc-server-port": ("int", "3.1"),
    **{n: ("int", "3.3") for n in ("qemu-dm-logrotate-count", "xend-relocation-ssl-port")},
    **{
        n: ("int", "4.0")
        for n in ("device-create-timeout", "device-destroy-timeout", "total_available_memory")
    },
}

#: what Python 2's int() reads from a string: blanks around, a sign, decimal digits
_PY_INT = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+[ \t\n\v\f\r]*")


def xend_reading_error(kind: str, value: str) -> str | None:
    """What xend says of ``value`` for an option of ``kind``: get_config_bool
    lower-cases it and looks it up (no blanks stripped), get_config_int calls int()
    (XendOptions.py:484-497 of RELEASE-4.1.0; XendRoot.py:162-175 of RELEASE-3.0.0)."""
    if kind == "bool" and value.lower() not in _TRUE | _FALSE:
        return f"expected bool: {value.lower()}"
    if kind == "int" and not _PY_INT.fullmatch(value):
        return f"expected int: {value}"
    return None


@attrs.define(weakref_slot=False)
class XendDocument(TreeDocument):
    """A parsed xend-config.sxp (or any xend S-expression file)."""

    format = FORMAT
    style = STYLE

    def dumps(self) -> str:
        """The document's text; lines added to a CRLF file get CRLF endings."""
        return render(self, source_style(self.style, self.source))

    # -- settings ---------------------------------------------------------
    def settings_all(self, name: str) -> list[SList]:
        """Every top-level ``(name ...)`` list, in file order (repeats included)."""
        return [c for c in self.children if isinstance(c, SList) and c.name == name]

    def setting(self, name: str) -> SList | None:
        """The occurrence xend uses: the first one (XendOptions.get_config_value is
        sxp.child_value, and sxp.child returns the first list of that name)."""
        found = self.settings_all(name)
        return found[0] if found else None

    def get(self, name: str, default: Any = None) -> Any:
        """The raw value of the first ``(name ...)``: a string for one word,
        else a list of strings and nested lists."""
        s = self.setting(name)
        if s is None:
            return default
        vals = [to_py(v) for v in s.values]
        if len(vals) == 1 and isinstance(vals[0], str):
            return vals[0]
        return vals

    def set(self, name: str, *values: Any) -> SList:
        """Set ``(name values...)``: edits the occurrence xend reads (single words are
        spliced in place) or appends a new line. Values are text, numbers, bools and
        lists of them (:func:`check_py`): anything else is refused (ValidationError)."""
        if not isinstance(name, str) or not name:
            raise ValidationError(f"a setting name is a non-empty word, not {name!r}")
        check_py(list(values))
        s = self.setting(name)
        if s is None:
            s = SList([Atom(name), *(from_py(v) for v in values)], top=True)
            self.children.append(s)
            return s
        old = s.values
        if len(old) == len(values) and all(
            isinstance(o, Atom) and not isinstance(v, (list, tuple))
            for o, v in zip(old, values, strict=False)
        ):
            for o, v in zip(old, values, strict=False):
                assert isinstance(o, Atom)
                o.value = _atom(v).value
        else:
            s.items[1:] = [from_py(v) for v in values]
        return s

    def remove(self, name: str) -> int:
        """Remove every ``(name ...)``; return how many."""
        return drop_children(self.children, lambda c: isinstance(c, SList) and c.name == name)

    @property
    def names(self) -> list[str]:
        """Setting names in file order (repeats included)."""
        return [c.name for c in self.children if isinstance(c, SList) and c.name is not None]

    def duplicates(self) -> dict[str, list[SList]]:
        """Names set more than once (xend silently keeps the first)."""
        out: dict[str, list[SList]] = {}
        for n in dict.fromkeys(self.names):
            found = self.settings_all(n)
            if len(found) > 1:
                out[n] = found
        return out

    def typed(self, name: str) -> Any:
        """The value of a documented option converted to its type (``None`` if
        absent or unreadable); unknown names give the raw value."""
        raw = self.get(name)
        if raw is None:
            return None
        kind = OPTIONS.get(name, ("raw", ""))[0]
        if kind in ("bool", "int", "regexes", "str") and isinstance(raw, list) and raw:
            raw = raw[0]  # several items: xend reads the first (sxp.child_value)
        if kind == "bool":
            return to_bool(raw) if isinstance(raw, str) else None
        if kind == "int":
            return to_int(raw) if isinstance(raw, str) else None
        if kind == "regexes":
            return raw.split() if isinstance(raw, str) else None
        if kind == "str":
            return raw if isinstance(raw, str) else None
        return raw

    def effective(self, name: str) -> Any:
        """The typed value xend would use: the file's, else xend's default
        (:data:`DEFAULTS`), else ``None``."""
        if self.setting(need_str(name, "effective(name)")) is not None:
            return self.typed(name)
        if name not in DEFAULTS:
            return None
        probe = XendDocument([SList([Atom(name), Atom(DEFAULTS[name])], top=True)])
        return probe.typed(name)

    # -- typed accessors ------------------------------------------------------
    @property
    def relocation_server(self) -> bool | None:
        """Whether live migrations are accepted."""
        return cast("bool | None", self.typed("xend-relocation-server"))

    @property
    def relocation_ssl_server(self) -> bool | None:
        """Accept migrations over SSL."""
        return cast("bool | None", self.typed("xend-relocation-ssl-server"))

    @property
    def relocation_port(self) -> int | None:
        """Relocation TCP port (xend default 8002)."""
        return cast("int | None", self.typed("xend-relocation-port"))

    @property
    def relocation_address(self) -> str | None:
        """Relocation listen address; '' means every address."""
        return cast("str | None", self.typed("xend-relocation-address"))

    @property
    def relocation_hosts_allow(self) -> list[str] | None:
        """Regexes of hosts allowed to migrate in; [] (written '') or None (unset) admits anyone."""
        return cast("list[str] | None", self.typed("xend-relocation-hosts-allow"))

    @property
    def http_server(self) -> bool | None:
        """Legacy HTTP management API."""
        return cast("bool | None", self.typed("xend-http-server"))

    @property
    def unix_server(self) -> bool | None:
        """Management API on a unix socket."""
        return cast("bool | None", self.typed("xend-unix-server"))

    @property
    def tcp_xmlrpc_server(self) -> bool | None:
        """XML-RPC over TCP."""
        return cast("bool | None", self.typed("xend-tcp-xmlrpc-server"))

    @property
    def port(self) -> int | None:
        """HTTP server port (8000)."""
        return cast("int | None", self.typed("xend-port"))

    @property
    def address(self) -> str | None:
        """HTTP server listen address."""
        return cast("str | None", self.typed("xend-address"))

    @property
    def xen_api_server(self) -> list[Any] | None:
        """Xen-API listeners as nested lists."""
        v = self.typed("xen-api-server")
        return v if isinstance(v, list) else None

    @property
    def dom0_min_mem(self) -> int | None:
        """MiB dom0 keeps when ballooning."""
        return cast("int | None", self.typed("dom0-min-mem"))

    @property
    def dom0_cpus(self) -> int | None:
        """CPUs dom0 may use (0 = all)."""
        return cast("int | None", self.typed("dom0-cpus"))

    @property
    def enable_dom0_ballooning(self) -> bool | None:
        """Let xend shrink dom0 to start guests."""
        return cast("bool | None", self.typed("enable-dom0-ballooning"))

    @property
    def network_script(self) -> str | None:
        """Bridge set-up script (network-bridge, ...)."""
        return cast("str | None", self.typed("network-script"))

    @property
    def vif_script(self) -> str | None:
        """Script that attaches vifs."""
        return cast("str | None", self.typed("vif-script"))

    @property
    def vnc_listen(self) -> str | None:
        """Default VNC listen address of HVM guests."""
        return cast("str | None", self.typed("vnc-listen"))

    @property
    def vncpasswd(self) -> str | None:
        """A secret."""
        return cast("str | None", self.typed("vncpasswd"))

    @property
    def console_limit(self) -> int | None:
        """KiB of console buffer per domain."""
        return cast("int | None", self.typed("console-limit"))

    @property
    def total_available_memory(self) -> int | None:
        """MiB available to guests (0 = all)."""
        return cast("int | None", self.typed("total_available_memory"))

    @property
    def xen_api_listeners(self) -> list[dict[str, Any]]:
        """``xen-api-server`` as ``{"listener", "auth", "hosts_allow"}`` dicts: the
        listener is a port, ``address:port`` or ``unix``; auth ``none`` on a TCP
        listener means anyone who can connect controls the host."""
        raw = self.get("xen-api-server")
        if not isinstance(raw, list) or not raw or not isinstance(raw[0], list):
            return []
        out: list[dict[str, Any]] = []
        for item in raw[0]:
            if not isinstance(item, list) or not item or not isinstance(item[0], str):
                continue
            auth = item[1] if len(item) > 1 and isinstance(item[1], str) else None
            hosts = item[2].split() if len(item) > 2 and isinstance(item[2], str) else []
            out.append({"listener": item[0], "auth": auth, "hosts_allow": hosts})
        return out

    def bad_host_regexes(self) -> list[str]:
        """Entries of ``xend-relocation-hosts-allow`` that are not valid regexes
        (xend would fail to start the relocation server)."""
        bad = []
        for rx in self.relocation_hosts_allow or []:
            try:
                re.compile(rx)
            except re.error:
                bad.append(rx)
        return bad

    @property
    def relocation_open_to_all(self) -> bool:
        """Relocation server on, listening everywhere, with no host restriction:
        anyone on the network can push a domain into dom0."""
        return bool(
            self.effective("xend-relocation-server")
            and not self.effective("xend-relocation-address")
            and not self.effective("xend-relocation-hosts-allow")
        )

    # -- checks ----------------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """``"unknown"`` (with a did-you-mean), ``"deprecated"`` (with the
        replacement) and ``"duplicate"`` (set again) options."""
        seen: set[str] = set()
        dup = self.duplicates()
        for c in self.children:
            if isinstance(c, Atom) and c.value in OPTIONS:
                # an option's name outside any list: its parentheses were lost, and xend
                # ignores words outside lists (XendOptions reads lists only)
                where = f"a ({c.value} ...) list; xend ignores words outside parentheses"
                yield KeywordProblem(c, "misplaced", c.value, where)
            if not isinstance(c, SList):
                continue
            name = c.name
            if name is None:
                yield KeywordProblem(c, "unknown", "?")  # an empty list: no name at all
                continue
            if name in DEPRECATED:
                yield KeywordProblem(c, "deprecated", name, DEPRECATED[name])
            elif name not in OPTIONS:
                yield KeywordProblem(c, "unknown", name, closest(name, OPTIONS))
            if name in dup and name in seen:
                yield KeywordProblem(c, "duplicate", name)
            seen.add(name)

    def value_problems(self) -> Iterator[ValueProblem]:
        """A bool or int option xend cannot read: XendOptions raises XendError
        ("invalid xend config dom0-min-mem: expected int: 256M") where it reads it, at
        start for the servers, ports and dom0-cpus, when ballooning for dom0-min-mem."""
        from ...versions import Version

        for name, (kind, since) in XEND_READS.items():
            s = self.setting(name)
            value = to_py(s.values[0]) if s is not None and s.values else None
            if isinstance(value, list):  # (a nested list: str() of it, as xend prints it)
                why: str | None = (
                    f"expected {kind}: {str(value).lower() if kind == 'bool' else value}"
                )
            else:
                why = xend_reading_error(kind, value) if isinstance(value, str) else None
            if s is not None and why is not None:
                yield ValueProblem(
                    s,
                    f"{name} {value if isinstance(value, str) else '(...)'!r}: xend refuses it"
                    f" ('invalid xend config {name}:"
                    f" {why}'); write " + ("yes or no" if kind == "bool" else "a decimal number"),
                    since=("xen", Version.parse(since)),
                )
        script = self.setting("network-script")
        if script is not None and script.values and isinstance(to_py(script.values[0]), list):
            # XendOptions.get_network_script: ``s.split(" ")`` of what get_config_string
            # (sxp.child_value) gives, here a list: AttributeError when xend starts
            yield ValueProblem(
                script,
                "network-script (...): a list where xend reads one string; xend fails at"
                " start ('list' object has no attribute 'split'); quote the command:"
                " (network-script 'network-bridge netdev=eth1')",
            )

    def secrets(self) -> list[str]:
        """The VNC password: masked in every output."""
        return [v for n in SECRETS if isinstance(v := self.get(n), str) and v]

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for n in dict.fromkeys(self.names):
            v = self.typed(n) if n in OPTIONS else self.get(n)
            if n in SECRETS and v and not show_secrets:
                v = "********"
            settings[n] = v
        return {
            "format": FORMAT,
            "settings": settings,
            "duplicates": sorted(self.duplicates()),
            "other": [to_py(c) for c in self.children if isinstance(c, SList) and c.name is None],
        }


class _Builder:
    """Builds the tree, one instance per parse: equal words and values share one string."""

    def __init__(self, text: str = "") -> None:
        self.share: Shared[str] = Shared()
        #: In a light parse, a list's items are read from the text on first use
        #: (:func:`_items`): a ``(name value)`` line of 30 bytes would otherwise hold
        #: three nodes, an item list and three offsets (about 400 bytes).
        self.light = building()
        if self.light is not None:
            self.light.expand = functools.partial(_items, text)

    def WORD(self, t: Any) -> Any:
        if self.light is not None:
            return t  # most are items of a deferred list: start() makes the others atoms
        tok = to_tok(t)
        a = Atom(self.share(tok.text), tok=tok)
        a.cst = [tok]
        return built(a, tok.pos)

    def STRING(self, t: Any) -> Any:
        if self.light is not None:
            return t  # (as WORD)
        tok = to_tok(t)
        a = Atom(self.share(unquote(tok.text)), tok=tok)
        a.cst = [tok]
        return built(a, tok.pos)

    def sexpr(self, children: list[Any]) -> SList:
        if self.light is not None:  # its items deferred (an unset field: see _items)
            return new_light(SList, self.light, to_tok(children[0]).pos, top=False)
        pieces = [c if isinstance(c, Node) else to_tok(c) for c in children]
        # (a list of the tuple is sized exactly; a comprehension reserves room for four)
        s = SList(list(tuple(p for p in pieces if isinstance(p, Node))))
        s.cst = pieces
        return built(s, to_tok(children[0]).pos)  # the '('

    def _atom(self, tok: Tok) -> Atom:
        assert self.light is not None
        value = unquote(tok.text) if tok.kind == "STRING" else tok.text
        return new_light(Atom, self.light, tok.pos, value=self.share(value))

    def start(self, children: list[Any]) -> XendDocument:
        # Words and strings outside any list (``; comment`` lines) are children too:
        # xend reads and ignores them (XendOptions looks only at lists).
        if self.light is not None:  # a word or string outside any list: a light atom
            children = [c if isinstance(c, Node) else self._atom(to_tok(c)) for c in children]
        for c in children:
            if isinstance(c, SList):
                c.top = True
        doc = XendDocument(list(children))
        doc.cst = list(children)
        return doc


#: xend.lark's tokens, for text it accepted: each starts with a character no other
#: one starts with, so the first alternative that matches is the grammar's token.
_TOKEN = re.compile(
    r"""(?P<ws>[\s\ufeff]+)|(?P<comment>#[^\n]*)|(?P<open>\()|(?P<close>\))"""
    r"""|(?P<string>'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")"""
    r"""|(?P<word>[^\s()'"#\ufeff][^\s()'"#\ufeff{}<>\[\]!;]*)""",
    re.S,
)


def _items(text: str, node: Node) -> list[Node]:
    """The items of the light list ``node``, read again from ``text`` (which the load
    read whole, so it holds no error): light atoms and lists, as the builder makes."""
    light = light_of(node)
    assert light is not None
    share, match = light.share, _TOKEN.match
    opened: list[tuple[list[Node], int]] = []
    items: list[Node] = []
    pos = node.pos + 1  # (after its '(')
    while True:
        m = match(text, pos)
        if m is None:
            raise RuntimeError("xencfg internal error: a list read again differs")
        kind, pos = m.lastgroup, m.end()
        if kind == "word":
            items.append(new_light(Atom, light, m.start(), value=share(m.group())))
        elif kind == "string":
            items.append(new_light(Atom, light, m.start(), value=share(unquote(m.group()))))
        elif kind == "open":
            opened.append((items, m.start()))
            items = []
        elif kind == "close":
            if not opened:
                return items
            inner, (items, at) = items, opened.pop()
            items.append(new_light(SList, light, at, items=inner, top=False))


_SCAN = lazy_re(r"""[()]|'[^'\\]*(?:\\.[^'\\]*)*'?|"[^"\\]*(?:\\.[^"\\]*)*"?|#[^\n]*""", re.S)


def _context(exc: Exception) -> str:
    tok = getattr(exc, "token", None)
    return "(this ')' closes no open list)" if getattr(tok, "type", "") == "RPAR" else ""


_MIDWORD_COMMENT = lazy_re(r"""[^\s()'"#]#[^\n]*\)""")


def _midword_comment(text: str, opener: int) -> str:
    """A hint when a ``#`` inside a word (``0.0.0.0#x)``) commented out a ``)``: xend's
    sxp.py (``Parser.state_atom``) ends the word at ``#`` and skips to the end of line."""
    m = _MIDWORD_COMMENT.search(text, opener)
    if m is None:
        return ""
    line = text.count("\n", 0, m.start()) + 1
    return (
        f" (line {line}: '#' starts a comment even inside a word, so the ')' after it"
        " is commented out; quote the value or put a space before '#')"
    )


def _unclosed(text: str) -> int | None:
    """Offset of the last '(' left open at the end of the text."""
    stack: list[int] = []
    for m in _SCAN.finditer(text):
        if m.group() == "(":
            stack.append(m.start())
        elif m.group() == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None


#: xend.lark's shape: ``( item* )`` lists of words, strings and lists, no statements;
#: words and strings may stand outside lists too.
SHAPE = Shape(
    "xend",
    key=frozenset(),
    open="LPAR",
    close="RPAR",
    atoms=frozenset({"WORD", "STRING"}),
    top_atoms=True,
    rules=("", "sexpr", "", "start"),
)


def parse(text: str, path: str | None = None) -> XendDocument:
    """Parse xend S-expression text; raises :class:`xencfg.ParseError`.

    Well-formed text takes the shared scanner (:func:`_scan`, building the very same
    tree several times faster); anything else goes through the grammar, which is the
    reference and words the error.
    """
    check_depth(text, path, _SCAN, "(", ")")
    return parse_text(text, path, scan=_scan, lark=parse_lark, checks=(_final_newline,))


def _scan(text: str) -> XendDocument | None:
    """The tree the grammar gives for well-formed ``text``, or ``None`` to let Lark decide."""
    doc: XendDocument | None = scan(text, SHAPE, _Builder(text))
    return doc


def _final_newline(doc: XendDocument, text: str, path: str | None) -> None:
    adopt_final_newline(doc)


def parse_lark(text: str, path: str | None = None) -> XendDocument:
    """Parse with ``grammars/xend.lark`` only (the reference :func:`_scan` must equal)."""
    try:
        doc: XendDocument = parse_with("xend", text, path, _Builder(text), context=_context)
    except ParseError as exc:
        opener = _unclosed(text) if "end of file" in exc.message.split(", got ")[-1] else None
        if opener is None:
            raise
        raise error_at(
            text,
            path,
            opener,
            "'(' opened here is never closed: expected ')' before the end of the file"
            + _midword_comment(text, opener),
            expected="')'",
        ) from None
    return doc


_SNIFF = lazy_re(
    r"^[ \t]*(?:#[ \t]*)?\((?:xend-|xen-api-server|dom0-|network-script|vif-script|"
    r"enable-dom0|vnc-listen|console-limit|total_available_memory)",
    re.M,
)


def sniff(text: str) -> bool:
    """An xend-config.sxp sets (or comments out) at least one xend option."""
    return _SNIFF.search(text) is not None
