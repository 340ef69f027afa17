"""drbd.conf values: quoting, addresses, devices, meta-disks, and the ``skip`` node."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ...errors import ValidationError
from ...syntax.blocks import (
    Block,
    BlockStyle,
    Entry,
    styled_like,
)
from ...syntax.numbers import decimal
from ...syntax.tree import Node, Piece, Style, Tok
from .keywords import ADDRESS_FAMILIES

# -- values -----------------------------------------------------------------

_ESCAPE = re.compile(r"\\(.)", re.S)


def unquote(raw: str) -> str:
    """A token's value: quotes removed and backslash escapes resolved (drbdadm's scanner)."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        inner = raw[1:-1]
        return _ESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    return raw


def _needs_quotes(value: str) -> bool:
    return value == "" or any(c.isspace() or c in '";{}#\\\u00a0' for c in value)


class DrbdStyle(BlockStyle):
    """Canonical drbd.conf: 4-space indentation, ``key value;``, ``"..."`` with escapes."""

    #: drbd.lark's WORD: a keyword is one bare word
    key_pattern = r"[^\s;{}\"#\u00a0]+"

    def quote(self, value: str, old: str | None = None) -> str:
        if "\n" in value:  # drbdadm's strings end on their line
            raise ValidationError(f"{value!r} cannot be written in drbd.conf: a value is one line")
        if (old is not None and old.startswith('"')) or _needs_quotes(value):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return value

    def apart(self, node: Node, indent: str) -> bool:
        """A top-level section added in code gets a blank line before it, as in the
        drbd.conf examples (drbd.conf(5), drbd-utils' scripts/drbd.conf.example)."""
        return indent == "" and isinstance(node, Block)


#: the families whose address is an IP literal of their own kind (drbdadm_scanner.fl:
#: an IPv6 one is written in brackets after ``ipv6``)
_IP_FAMILIES = ("ipv4", "ipv6")

STYLE = DrbdStyle(indent="    ", terminator=";", separator=" ")


def _style_for(source: str) -> DrbdStyle:
    """The file's own indentation unit and line ending, for the nodes added to it
    (a tab-indented file gets tabs, a CRLF file CRLF); the canonical style otherwise."""
    return styled_like(source, STYLE)


def _flag_or_text(values: list[str]) -> str | bool:
    vals = [v for v in values if v != "_is_default"]
    return " ".join(vals) if vals else True


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


class Address:
    """``[family] ip:port`` of an ``address`` statement, as a live view.

    ``ip`` has no IPv6 brackets (written for one); ``family`` is ``ipv4`` when the file
    names none and the value is an IPv4 literal, ``None`` when it names none and the
    value is no IP literal at all (``pbx01ip:7789``, ``10.255.255.x:7788``:
    drbdadm refuses both, see :func:`_address_problem`). Setting ``port``, ``ip``
    or ``family`` rewrites the tokens it was read from (an ``address`` statement,
    a ``host ... address ... port ...`` statement or a ``floating`` section
    head), so only that line of the file changes. Setting ``family`` to ``ipv6`` on an
    IPv4 address, or ``ipv4`` on an IPv6 one, raises ValueError (drbdadm refuses
    both); setting ``ip`` to the other kind of address brings the family along
    (``ipv6 [fd00::1]:7788``).
    """

    __slots__ = ("_at", "_entry", "_fam_at", "_port_at", "explicit_family", "family", "ip", "port")
    _entry: Entry | Block | None
    _at: int
    _fam_at: int | None
    _port_at: int | None
    family: str | None
    ip: str
    port: int | None
    explicit_family: bool

    def __init__(
        self,
        ip: str,
        port: int | None,
        family: str | None = "ipv4",
        *,
        explicit_family: bool | None = None,
        entry: Entry | Block | None = None,
        at: int = 0,
        fam_at: int | None = None,
        port_at: int | None = None,
    ) -> None:
        object.__setattr__(self, "_entry", entry)
        object.__setattr__(self, "_at", at)
        object.__setattr__(self, "_fam_at", fam_at)
        object.__setattr__(self, "_port_at", port_at)
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "ip", ip)
        object.__setattr__(self, "port", port)
        if explicit_family is None:
            explicit_family = family not in ("ipv4", None)
        object.__setattr__(self, "explicit_family", explicit_family)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "port" and value is not None:
            value = int(value)
        misfit = self.ip and (value == "ipv6") != (":" in self.ip)
        if name == "family" and value in _IP_FAMILIES and misfit:
            raise ValidationError(
                f"address family {value!r} does not fit {self.ip!r}: drbdadm reads"
                " 'ipv4 A.B.C.D:port' and 'ipv6 [addr]:port'; set ip (the family"
                " follows it) instead"
            )
        if name == "ip" and value and self.family in _IP_FAMILIES:
            family = "ipv6" if ":" in value else "ipv4"
            if family != self.family:  # the family follows: 'ipv6' must be written
                object.__setattr__(self, "family", family)
                object.__setattr__(
                    self, "explicit_family", self.explicit_family or family == "ipv6"
                )
        object.__setattr__(self, name, value)
        if name == "family":
            object.__setattr__(self, "explicit_family", True)
        self._write()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Address) and (self.family, self.ip, self.port) == (
            other.family,
            other.ip,
            other.port,
        )

    # unhashable (equal by fields that assignment changes): typeshed types
    # object.__hash__ as a method, so saying None takes this ignore, as typeshed's own
    # list and dict do
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Address({self.family!r}, {self.ip!r}, {self.port!r})"

    @property
    def host_port(self) -> str:
        """``ip:port`` as drbd.conf spells it (IPv6 in brackets)."""
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        return ip if self.port is None else f"{ip}:{self.port}"

    def values(self) -> list[str]:
        """The statement values that spell this address."""
        return ([self.family or "ipv4"] if self.explicit_family else []) + [self.host_port]

    def __str__(self) -> str:
        return " ".join(self.values())

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"family": self.family, "ip": self.ip, "port": self.port}

    def _write(self) -> None:
        owner = self._entry
        if owner is None:
            return
        vals = list(owner.values if isinstance(owner, Entry) else owner.args)
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        if self._port_at is not None:
            if self.ip:  # "host NAME port N" has no ip to write
                vals[self._at] = ip
            if self.port is not None:
                vals[self._port_at] = str(self.port)
        else:
            vals[self._at] = ip if self.port is None else f"{ip}:{self.port}"
        if self._fam_at is not None:
            vals[self._fam_at] = self.family or "ipv4"
        elif self.explicit_family:
            vals.insert(self._at, self.family or "ipv4")
            object.__setattr__(self, "_fam_at", self._at)
            object.__setattr__(self, "_at", self._at + 1)
            if self._port_at is not None:
                object.__setattr__(self, "_port_at", self._port_at + 1)
        if isinstance(owner, Entry):
            owner.values = vals
        else:
            owner.args = vals


def parse_address(
    values: list[str], start: int = 0, entry: Entry | Block | None = None
) -> Address | None:
    """An :class:`Address` from statement values from ``start``: ``[family] ip[:port]``."""
    i = start
    fam_at = None
    family: str | None = "ipv4"
    if i < len(values) and values[i] in ADDRESS_FAMILIES:
        family, fam_at = values[i], i
        i += 1
    if i >= len(values):
        return None
    ip, port = split_host_port(values[i])
    if ip is None:
        return None
    port_at = None
    if port is None and values[i + 1 : i + 2] == [":"] and i + 2 < len(values):
        # ``10.0.0.1 : 7788``: drbdadm's scanner makes the ip, ':' and the port three
        # tokens, blanks between them are fine (parse_address EXP(':'), EXP(TK_INTEGER);
        # peer-drbdadm 84 and 9 accept it)
        port, port_at = _int(values[i + 2]), i + 2
    if fam_at is None and not is_ipv4_literal(ip):
        family = None  # not what drbdadm's scanner calls an IPv4 address
    return Address(
        ip,
        port,
        family,
        explicit_family=fam_at is not None,
        entry=entry,
        at=i,
        fam_at=fam_at,
        port_at=port_at,
    )


def is_ipv4_literal(text: str) -> bool:
    """Whether drbdadm's scanner reads ``text`` as an IPv4 address: four dot-separated
    groups of one to three digits (drbdadm_scanner.fl ``IPV4ADDR``; octets above 255
    still scan, and fail later)."""
    return re.fullmatch(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}", text) is not None


def split_host_port(text: str) -> tuple[str | None, int | None]:
    """``10.0.0.1:7788`` -> ("10.0.0.1", 7788); ``[fd00::1]:7788`` -> ("fd00::1", 7788)."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            return None, None
        rest = text[close + 1 :]
        port = _int(rest[1:]) if rest.startswith(":") else None
        return text[1:close], port
    if text.count(":") == 1:
        ip, _, port_text = text.partition(":")
        return ip, _int(port_text)
    return text, None


@attrs.frozen
class Device:
    """``device /dev/drbdN [minor N]`` or ``device minor N``: path and minor number."""

    path: str | None
    minor: int | None

    @classmethod
    def from_values(cls, values: list[str]) -> Device:
        path = None
        minor = None
        i = 0
        while i < len(values):
            if values[i] == "minor" and i + 1 < len(values):
                minor = _int(values[i + 1])
                i += 2
                continue
            path = values[i]
            i += 1
        if minor is None and path is not None:
            # (ASCII: \d took '٣'; decimal: int() refused 5,000 digits)
            m = re.search(r"drbd([0-9]+)$", path)
            if m:
                minor = decimal(m.group(1))
        return cls(path, minor)

    def values(self) -> list[str]:
        out = [self.path] if self.path is not None else []
        if self.minor is not None and (
            self.path is None or not self.path.endswith(f"drbd{self.minor}")
        ):
            out += ["minor", str(self.minor)]
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"path": self.path, "minor": self.minor}


@attrs.frozen
class MetaDisk:
    """``meta-disk internal | DEV [IDX] | DEV``: where DRBD keeps its metadata.

    ``index`` is the slot of an external, indexed metadata device (``None``
    for flexible external metadata); ``flexible`` notes ``flexible-meta-disk``.
    """

    internal: bool
    device: str | None = None
    index: int | None = None
    flexible: bool = False

    @classmethod
    def from_values(cls, values: list[str], flexible: bool = False) -> MetaDisk:
        text = "".join(values)  # "/dev/x [ 0 ]" and "/dev/x[0]" alike
        if text == "internal":
            return cls(True, flexible=flexible)
        m = re.fullmatch(r"(.*?)\[(-?)([0-9]+)\]", text, re.S)  # (ASCII, any length)
        if m:
            sign = -1 if m.group(2) else 1
            return cls(False, m.group(1), sign * decimal(m.group(3)), flexible)
        return cls(False, text or None, None, flexible)

    def values(self) -> list[str]:
        if self.internal:
            return ["internal"]
        dev = self.device or ""
        return [dev if self.index is None else f"{dev}[{self.index}]"]

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"internal": self.internal, "device": self.device, "index": self.index}


# -- syntax nodes -------------------------------------------------------------


@attrs.define(weakref_slot=False)
class Skip(Node):
    """A 0.7/8.0 ``skip ... { ... }`` block: drbdadm ignores its text, so do we."""

    text: str
    key = "skip"

    def state(self) -> Any:
        return self.text

    def render_canonical(self, indent: str, style: Style) -> str:
        return f"{indent}{self.text}{style.newline}"

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        return [
            Tok("SKIP", self.text, -1) if isinstance(p, Tok) and p.kind == "SKIP" else p
            for p in pieces
        ]
