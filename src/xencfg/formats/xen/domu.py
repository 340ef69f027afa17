"""The typed model shared by Xen domU configurations, xm (Python) and xl style.

Both styles are a list of ``name = value`` assignments; the values are
strings, numbers and lists (xm also allows tuples, dicts, ``None``...). The
device settings are lists of small spec strings (``'phy:/dev/vg/lv,xvda,w'``,
``'mac=00:16:3e:..,bridge=xenbr0'``) that :mod:`.device_specs` parses
(:class:`~.device_specs.DiskSpec`, :class:`~.device_specs.VifSpec` and friends).
xm files may also contain Python code; it is kept as opaque :class:`Code` nodes
and the values it could change are reported as computed, never guessed (and
never executed).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ...document import TreeDocument
from ...errors import ValidationError, need_str
from ...problems import KeywordProblem
from ...suggest import closest
from ...syntax.blocks import ComputedView, _replace_run
from ...syntax.build import built
from ...syntax.numbers import decimal, is_decimal
from ...syntax.tree import Node, Piece, Style, Tok, building, drop_children, render, token_field
from ._base import LIST, source_style
from .device_specs import DiskSpec, PciSpec, VifSpec, parse_disk, parse_kv, parse_pci, parse_vif
from .keys import KNOWN, oracle_vm_keys


class _Computed:
    """The value of a setting assigned from code: unknown until xm runs it."""

    _instance: ClassVar[_Computed | None] = None

    def __new__(cls) -> _Computed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<computed>"

    def __deepcopy__(self, memo: Any) -> _Computed:
        return self


#: Marker value of a name assigned from a non-literal expression.
COMPUTED = _Computed()


@attrs.define(weakref_slot=False)
class Assignment(Node):
    """``key = value`` (xl also has ``key += value``). ``value`` is a Python value."""

    key: str
    value: Any
    op: str = "="
    key_tok: Tok | None = token_field(default=None)
    #: the significant tokens of the right-hand side: one for a scalar, and one
    #: :data:`LIST` token for a whole list literal (brackets, elements, the blanks and
    #: comments between them), whose elements are read again only to splice an edit: a
    #: long list costs one token, not three per element
    rhs: list[Tok] = token_field(factory=list)
    parsed: Any = token_field(default=None)
    #: the reader of a list value a light parse has not read yet (:class:`~._base.LazyValue`,
    #: shared): read on first use, so a long list costs nothing until a rule or the API
    #: asks for it
    lazy: Any = attrs.field(default=None, eq=False, repr=False, init=False)

    if not TYPE_CHECKING:  # (for type checkers, ``value`` is a plain field)

        def __getattr__(self, name: str) -> Any:
            # Reached only for an unset slot: a lazy value, or a light node's source field.
            if name == "value":
                lazy = object.__getattribute__(self, "lazy")
                if lazy is not None:
                    # a light node knows its offset; once materialized, its key token does
                    key_tok = None if self.light is not None else self.key_tok
                    value = lazy.read(self.pos if key_tok is None else key_tok.pos)
                    self.value = value
                    self.lazy = None
                    return value
            return Node.__getattr__(self, name)

    def unread(self) -> bool:
        """Whether the value is still the lazy one of a light parse (never read nor set)."""
        if self.lazy is None:
            return False
        try:
            object.__getattribute__(self, "value")  # (set by an edit: the lazy one is gone)
        except AttributeError:
            return True
        self.lazy = None
        return False

    def state(self) -> Any:
        if self.unread():
            return (self.key, self.op, self.snap[2])  # a value never read is as parsed
        return (self.key, self.op, repr(self.value))

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        assert isinstance(style, DomUStyle)
        key_old, op_old, val_old = self.snap
        out = pieces
        if self.key != key_old and self.key_tok is not None:
            out = _replace_run(out, [self.key_tok], [self.key], style, None)
        if op_old != self.op:
            return None
        if repr(self.value) == val_old:
            return out
        old, new = self.parsed, self.value
        scalar = (str, int, float)
        if (
            isinstance(new, list)
            and isinstance(old, list)
            and old
            and len(self.rhs) == 1
            and self.rhs[0].kind == LIST
            and all(isinstance(v, scalar) and not isinstance(v, bool) for v in new)
        ):
            spliced = _splice_list(self.rhs[0], old, new, style)
            if spliced is not None:
                return _replace_run(out, self.rhs, [spliced], style, None)
        if (
            len(self.rhs) == 1
            and isinstance(old, scalar)
            and isinstance(new, scalar)
            and not isinstance(new, bool)
        ):
            return _replace_run(out, self.rhs, [style.scalar(new, self.rhs[0].text)], style, None)
        if not self.rhs:
            return None
        return replace_span(out, self.rhs[0], self.rhs[-1], style.value(new))


def _splice_list(tok: Tok, old: list[Any], new: list[Any], style: DomUStyle) -> str | None:
    """The list literal ``tok`` with ``old``'s elements respelled as ``new``'s, each element
    edited in place (its line, quotes and neighbours kept) when the list keeps its length
    or grows at the end; ``None`` when the whole value must be written anew."""
    elems = style.elements(tok.text, old)
    if elems is None:
        return None
    body = tok.text
    n = len(old)
    if len(new) == n:
        parts: list[str] = []
        last = 0
        for t, o, v in zip(elems, old, new, strict=True):
            parts.append(body[last : t.pos])
            same = o == v and type(o) is type(v)
            parts.append(t.text if same else style.scalar(v, t.text))
            last = t.end
        parts.append(body[last:])
        return "".join(parts)
    if len(new) > n and new[:n] == old:
        end = elems[-1].end
        extra = ", ".join(style.scalar(v, elems[-1].text) for v in new[n:])
        return f"{body[:end]}, {extra}{body[end:]}"
    return None


@attrs.define(weakref_slot=False)
class Code(Node):
    """A statement that is not a literal assignment (``def``, ``if``, ``import``,
    ``vmid = int(vmid)``): kept byte for byte, never run. ``assigns`` names
    every variable it may bind, so the model can say those are unknown."""

    text: str
    assigns: tuple[str, ...] = attrs.field(default=(), eq=False)

    def state(self) -> Any:
        return self.text


def _names_read(code: str) -> set[str]:
    """The identifiers a statement mentions outside strings and comments."""
    import io
    import tokenize

    names: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.NAME:
                names.add(tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # what was read so far counts
    return names


@attrs.define(eq=False)
class DomUStyle(Style):
    """Canonical spelling: ``key = value`` per line, values in the file's syntax."""

    scalar_fn: Callable[[Any, str | None], str] | None = None
    value_fn: Callable[[Any], str] | None = None
    #: the element tokens of a flat list literal's text (offsets within it), or ``None``
    elements_fn: Callable[[str, list[Any]], list[Tok] | None] | None = None
    #: a setting name as the format reads it (xl.lark's KEY; a Python 2 identifier)
    key_pattern: str = r"[A-Za-z_][A-Za-z0-9_.]*"
    #: names the format cannot assign (Python's keywords for xm)
    reserved: frozenset[str] = frozenset()

    def check(self, key: str, value: Any) -> None:
        """Refuse (ValidationError) an assignment this format cannot write: a name that
        is not one (``a b``, ``if``), a value with no literal here. Called by
        :meth:`DomUDocument.set`, so a bad edit is refused when made, not at dumps."""
        if not isinstance(key, str) or re.fullmatch(self.key_pattern, key) is None:
            raise ValidationError(f"{key!r} cannot be written as a setting name")
        if key in self.reserved:
            raise ValidationError(f"{key!r} is a Python keyword: it cannot be assigned")
        self.value(value)

    def scalar(self, v: Any, old: str | None = None) -> str:
        assert self.scalar_fn is not None
        return self.scalar_fn(v, old)

    def value(self, v: Any) -> str:
        assert self.value_fn is not None
        return self.value_fn(v)

    def elements(self, literal: str, value: list[Any]) -> list[Tok] | None:
        """One token per element of the flat list ``literal`` that reads as ``value``."""
        return None if self.elements_fn is None else self.elements_fn(literal, value)

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Assignment):
            return f"{node.key} {node.op} {self.value(node.value)}{self.newline}"
        if isinstance(node, Code):
            return node.text + self.newline
        return node.render_canonical(indent, self)


# -- the document -------------------------------------------------------------

#: settings that hold passwords: masked by ``to_dict`` unless asked.
SECRETS = frozenset({"vncpasswd", "spicepasswd"})


@attrs.define(weakref_slot=False)
class DomUDocument(TreeDocument):
    """A parsed domU configuration (xm or xl style)."""

    def dumps(self) -> str:
        """The document's text; lines added to a CRLF file get CRLF endings."""
        return render(self, source_style(self.style, self.source))

    # -- raw access ---------------------------------------------------------
    def assignments(self, key: str | None = None) -> list[Assignment]:
        """Every assignment (of ``key``), in file order."""
        return [
            c for c in self.children if isinstance(c, Assignment) and (key is None or c.key == key)
        ]

    def assignment(self, key: str) -> Assignment | None:
        """The assignment that decides ``key``: the last one (xm and xl both keep the last)."""
        found = self.assignments(key)
        return found[-1] if found else None

    @property
    def code(self) -> list[Code]:
        """Statements that are code, not literal assignments (xm only)."""
        return [c for c in self.children if isinstance(c, Code)]

    @property
    def computed(self) -> list[str]:
        """Names whose value is only known by running the file (assigned from code)."""
        names: list[str] = []
        for c in self.children:
            new = c.assigns if isinstance(c, Code) else ()
            if isinstance(c, Assignment) and c.value is COMPUTED:
                new = (c.key,)
            for n in new:
                if n not in names:
                    names.append(n)
        return names

    @property
    def is_static(self) -> bool:
        """True when every value can be read without running anything."""
        return not self.code and not self.computed

    def _fold(self, only: str | None = None) -> dict[str, Any]:
        """Final values in file order, as the interpreter would leave them: a later
        assignment wins, ``+=`` appends to a list, code makes its names computed."""
        out: dict[str, Any] = {}
        for c in self.children:
            if isinstance(c, Assignment):
                if only is not None and c.key != only:
                    continue
                prev = out.get(c.key)
                if c.op == "+=" and prev is COMPUTED:
                    continue
                if c.op == "+=" and isinstance(prev, list) and isinstance(c.value, list):
                    out[c.key] = prev + c.value
                else:
                    out[c.key] = c.value
            elif isinstance(c, Code):
                for n in c.assigns:
                    if only is None or n == only:
                        out[n] = COMPUTED
        return out

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (``COMPUTED`` when code decides it), or ``default``.
        xl's ``key += [...]`` appends to the value assigned before it."""
        return self._fold(need_str(key, "get(key)")).get(key, default)

    def set(self, key: str, value: Any) -> Assignment:
        """Set ``key``: edit the deciding assignment, or append a new one. Later
        ``+=`` lines of the key are folded into it (removed). A name or value the
        format cannot write is refused here (ValidationError), not at dumps."""
        assert isinstance(self.style, DomUStyle)
        self.style.check(key, value)
        found = self.assignments(key)
        if not found:
            a = Assignment(key, value)
            self.children.append(a)
            return a
        appends = [x for x in found if x.op == "+="]
        plain = [x for x in found if x.op == "="]
        a = plain[-1] if plain else found[0]
        if appends:
            self.children[:] = [c for c in self.children if not (c in appends and c is not a)]
            a.op = "="
        a.value = value
        return a

    def remove(self, key: str) -> int:
        """Remove every assignment of ``key``; return how many."""
        return drop_children(self.children, lambda c: isinstance(c, Assignment) and c.key == key)

    @property
    def settings(self) -> dict[str, Any]:
        """Every setting with its deciding value (``COMPUTED`` where code decides);
        edit with :meth:`set` and :meth:`remove`."""
        return ComputedView(self._fold(), "use set(KEY, VALUE) or remove(KEY)")

    # -- typed accessors ------------------------------------------------------
    def _str(self, key: str) -> str | None:
        v = self.get(key)
        return v if isinstance(v, str) else None

    def _int(self, key: str) -> int | None:
        """Numbers may be written as strings (``memory = "512"``): both read as int."""
        v = self.get(key)
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, int):
            return v
        if isinstance(v, str) and is_decimal(v.strip()):
            return decimal(v.strip())
        return None

    def _bool(self, key: str) -> bool | None:
        """Flags are written 1/0, True/False or "yes"/"no" depending on the author."""
        v = self.get(key)
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v != 0
        if isinstance(v, str):
            low = v.strip().lower()
            if low in ("1", "yes", "true", "on", "y"):
                return True
            if low in ("0", "no", "false", "off", "n", ""):
                return False
        return None

    def _list(self, key: str) -> list[str]:
        v = self.get(key)
        if isinstance(v, str):
            return [v]
        if isinstance(v, (list, tuple)):
            return [x for x in v if isinstance(x, str)]
        return []

    @property
    def name(self) -> str | None:
        """Domain name (unique per host)."""
        return self._str("name")

    @property
    def uuid(self) -> str | None:
        """Domain UUID."""
        return self._str("uuid")

    @property
    def memory(self) -> int | None:
        """Initial memory in MiB."""
        return self._int("memory")

    @property
    def maxmem(self) -> int | None:
        """Balloon ceiling in MiB."""
        return self._int("maxmem")

    @property
    def vcpus(self) -> int | None:
        """Number of virtual CPUs."""
        return self._int("vcpus")

    @property
    def kernel(self) -> str | None:
        """Kernel image in dom0."""
        return self._str("kernel")

    @property
    def ramdisk(self) -> str | None:
        """Initrd image in dom0."""
        return self._str("ramdisk")

    @property
    def bootloader(self) -> str | None:
        """pygrub, domUloader..."""
        return self._str("bootloader")

    @property
    def builder(self) -> str | None:
        """linux (PV) or hvm."""
        return self._str("builder")

    @property
    def type(self) -> str | None:
        """xl guest type: pv, pvh, hvm."""
        return self._str("type")

    @property
    def root(self) -> str | None:
        """root= for the kernel command line."""
        return self._str("root")

    @property
    def extra(self) -> str | None:
        """Extra kernel command line."""
        return self._str("extra")

    @property
    def nfs_root(self) -> str | None:
        """NFS root path."""
        return self._str("nfs_root")

    @property
    def nfs_server(self) -> str | None:
        """NFS server address."""
        return self._str("nfs_server")

    @property
    def on_poweroff(self) -> str | None:
        """Action on poweroff."""
        return self._str("on_poweroff")

    @property
    def on_reboot(self) -> str | None:
        """Action on reboot."""
        return self._str("on_reboot")

    @property
    def on_crash(self) -> str | None:
        """Action on crash."""
        return self._str("on_crash")

    @property
    def vnc(self) -> int | None:
        """1 to enable the VNC console."""
        return self._int("vnc")

    @property
    def vnclisten(self) -> str | None:
        """VNC listen address."""
        return self._str("vnclisten")

    @property
    def maxvcpus(self) -> int | None:
        """vCPUs the guest may grow to."""
        return self._int("maxvcpus")

    @property
    def cpus(self) -> str | int | list[int | str] | None:
        """pCPU pinning as written: ``'0-3'``, a CPU number or a list (``[2, 3]``);
        ``None`` when unset or computed by code."""
        v = self.get("cpus")
        if isinstance(v, list):
            return [x for x in v if isinstance(x, (int, str))]
        return v if isinstance(v, (str, int)) else None

    @property
    def boot(self) -> str | None:
        """HVM boot order (c, d, n...)."""
        return self._str("boot")

    @property
    def acpi(self) -> bool | None:
        """HVM ACPI on/off."""
        return self._bool("acpi")

    @property
    def apic(self) -> bool | None:
        """HVM APIC on/off."""
        return self._bool("apic")

    @property
    def pae(self) -> bool | None:
        """HVM PAE on/off."""
        return self._bool("pae")

    @property
    def localtime(self) -> bool | None:
        """RTC in local time."""
        return self._bool("localtime")

    @property
    def sdl(self) -> bool | None:
        """SDL console window."""
        return self._bool("sdl")

    @property
    def is_hvm(self) -> bool:
        """Whether the guest is fully virtualised (``builder = 'hvm'`` or ``type = 'hvm'``)."""
        return self.builder == "hvm" or self.type == "hvm"

    @property
    def disks(self) -> list[DiskSpec]:
        """The ``disk`` list, parsed."""
        return [parse_disk(s) for s in self._list("disk")]

    @property
    def vifs(self) -> list[VifSpec]:
        """The ``vif`` list, each spec parsed (MAC, bridge, ...)."""
        return [parse_vif(s) for s in self._list("vif")]

    @property
    def vfbs(self) -> list[dict[str, str]]:
        """The ``vfb`` list, each spec as a ``key=value`` dict."""
        return [parse_kv(s) for s in self._list("vfb")]

    @property
    def pcis(self) -> list[PciSpec]:
        """The ``pci`` list, each spec parsed (BDF and options)."""
        return [parse_pci(s) for s in self._list("pci")]

    def append(self, key: str, item: Any) -> None:
        """Append to a list setting: to the last ``=``/``+=`` line holding it,
        so only that line changes (a new ``key = [item]`` line if there is none).

        A list the file's code decides (``disk = ...`` under an ``if``, built in a
        loop) is a ValueError: the code is never run, so its items are unknown, and a
        new ``key = [item]`` line would replace them all when xm runs the file."""
        self._refuse_computed(need_str(key, "append(key)"))
        found = self.assignments(key)
        if found and isinstance(found[-1].value, list) and self.get(key) is not COMPUTED:
            found[-1].value = [*found[-1].value, item]
        else:
            self.set(key, [*self._list(key), item])

    def _refuse_computed(self, key: str) -> None:
        if self.get(key) is COMPUTED:
            raise ValidationError(
                f"{key!r} is decided by the file's code, which is never run: edit that code"
            )

    def add_disk(self, spec: str) -> None:
        """Append a disk spec string (the line keeps its layout)."""
        self.append("disk", spec)

    def add_vif(self, **fields: str) -> None:
        """Append a vif built from ``mac=..., bridge=...`` fields."""
        self.append("vif", ",".join(f"{k}={v}" for k, v in fields.items()))

    def set_vif(self, index: int, **fields: str) -> None:
        """Change fields of vif ``index`` (``mac=...``), keeping its other fields
        and their order; only the statement holding that vif changes (ValueError
        when the file's code decides ``vif``, as for :meth:`append`)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"set_vif(index) is an int, not {type(index).__name__}")
        self._refuse_computed("vif")
        a, i = self._holder("vif", index)
        specs = list(a.value) if a is not None else self._list("vif")
        if a is None:
            i = index
        if not -len(specs) <= i < len(specs):
            raise ValidationError(f"there is no vif {index}: the file has {len(specs)}")
        kv = parse_kv(specs[i])
        kv.update(fields)
        specs[i] = ",".join(f"{k}={v}" if v != "" else k for k, v in kv.items())
        if a is None:
            self.set("vif", specs)
        else:
            a.value = specs

    def _holder(self, key: str, index: int) -> tuple[Assignment | None, int]:
        """The assignment (and position in it) holding element ``index`` of a list
        setting built with ``=`` and ``+=`` lines."""
        parts: list[tuple[Assignment, int]] = []
        for a in self.assignments(key):
            if not isinstance(a.value, list):
                return None, index
            if a.op != "+=":
                parts = []
            parts.extend((a, j) for j in range(len(a.value)))
        return parts[index] if 0 <= index < len(parts) else (None, index)

    # -- checks -----------------------------------------------------------------
    def known_keys(self) -> frozenset[str]:
        """The setting names this kind of file knows (domU settings here, and Oracle VM's
        in one of its vm.cfg files: :func:`.keys.oracle_vm_keys`)."""
        disks = self._list("disk") if "disk" not in self.computed else []
        return KNOWN | oracle_vm_keys({a.key for a in self.assignments()}, disks)

    def duplicates(self) -> dict[str, list[Assignment]]:
        """Names assigned with ``=`` more than once: the last silently wins."""
        seen: dict[str, list[Assignment]] = {}
        for a in self.assignments():
            if a.op == "=":
                seen.setdefault(a.key, []).append(a)
        return {k: v for k, v in seen.items() if len(v) > 1}

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """``"unknown"`` (with a did-you-mean), ``"duplicate"``, ``"computed"``: unknown names,
        repeated assignments (all but the first), and code that computes values at
        run time (lint warns about all three)."""
        known = self.known_keys()
        dup_nodes = {id(a) for v in self.duplicates().values() for a in v[1:]}
        # a helper variable (``arch_libdir = 'lib'``, read by a computed line) is no typo
        helpers = {n for c in self.children if isinstance(c, Code) for n in _names_read(c.text)}
        for c in self.children:
            if isinstance(c, Assignment):
                if c.key not in known and c.key not in helpers:
                    near = closest(c.key, known)
                    if near is not None and near.startswith("no") != c.key.startswith("no"):
                        near = None  # (``graphics`` is no ``nographic``: the opposite)
                    yield KeywordProblem(c, "unknown", c.key, near)
                if id(c) in dup_nodes:
                    yield KeywordProblem(c, "duplicate", c.key)
            elif isinstance(c, Code):
                yield KeywordProblem(c, "computed", "?")

    def secrets(self) -> list[str]:
        """VNC/SPICE passwords, also those inside ``vfb`` specs: masked in every output."""
        found: list[str] = []
        for k in SECRETS:
            v = self.get(k)
            if isinstance(v, bytes):  # ``vncpasswd = b'...'`` (xm runs Python)
                v = v.decode("utf-8", "surrogateescape")
            if isinstance(v, str) and v:
                found.append(v)
        for vfb in self.vfbs:
            pw = vfb.get("vncpasswd") or vfb.get("spicepasswd")
            if pw:
                found.append(pw)
        return found

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            if v is COMPUTED:
                return {"computed": True}
            if isinstance(v, (list, tuple, set, frozenset)):
                return [plain(x) for x in v]
            if isinstance(v, dict):
                return {str(k): plain(x) for k, x in v.items()}
            if isinstance(v, (bytes, complex)):
                return repr(v)
            return v

        out = {
            "format": self.format,
            "settings": {k: plain(v) for k, v in self.settings.items()},
            "static": self.is_static,
            "computed": self.computed,
            "disks": [attrs.asdict(d) for d in self.disks],
            "vifs": [attrs.asdict(v) for v in self.vifs],
            "vfbs": self.vfbs,
            "pcis": [attrs.asdict(p) for p in self.pcis],
        }
        return out if show_secrets else mask(out, self.secrets())


MASK = "********"


def mask(data: Any, secrets: list[str]) -> Any:
    """``data`` (JSON-ready) with every secret value replaced by ``********``,
    also where it sits inside a longer string (``type=vnc,vncpasswd=s3cret``)
    when it is long enough to be recognisable."""
    secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not secrets:
        return data

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            for s in secrets:
                # short secrets ("1") only as whole values: masking every "1" helps no one
                if v == s or (len(s) >= 4 and s in v):
                    v = v.replace(s, MASK)
            return v
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return walk(data)


def replace_span(pieces: list[Piece], first: Tok, last: Tok, text: str) -> list[Piece]:
    """Replace the pieces from ``first`` to ``last`` (trivia between included) by ``text``."""
    out: list[Piece] = []
    skipping = False
    for p in pieces:
        if p is first:
            skipping = True
            out.append(Tok("VALUE", text, -1))
        if not skipping:
            out.append(p)
        if p is last:
            skipping = False
    return out


def lazy_assignment(key: str, op: str, lazy: Any, at: int) -> Assignment:
    """The assignment of a light parse whose list value ``lazy`` reads on first use."""
    a = Assignment(key, None, op)
    del a.value  # (an unset slot: the first read goes through __getattr__)
    a.lazy = lazy
    return built(a, at)


def bind_assignment(a: Assignment) -> Assignment:
    """Remember the parse-time value (for element-wise splicing); a light parse keeps
    only the value (see :func:`xencfg.syntax.build.built`)."""
    if building() is None:
        a.parsed = copy.deepcopy(a.value)
        return a
    key = a.key_tok
    return built(a, key.pos if key is not None else -1)


#: Settings that tell a domU config from other ``key = value`` files.
DOMU_KEYS = (
    "name",
    "memory",
    "kernel",
    "disk",
    "vif",
    "builder",
    "bootloader",
    "vcpus",
    "maxmem",
    "uuid",
    "ramdisk",
    "root",
    "extra",
    "nfs_root",
    "on_reboot",
    "type",
)
