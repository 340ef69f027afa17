"""Xen domU configuration, xl style (libxlu's cfg syntax, xl.cfg(5)).

``key = value`` lines: strings in ``"`` or ``'`` with backslash escapes,
numbers, lists that nest (``vnuma``) and span lines. No Python: xl itself
refuses ``512 * 2`` or ``import os``. The same syntax serves ``/etc/xen/xl.conf``
and cpupool files; they parse into the same document (their keys are simply not
domU settings). The typed model is shared with xm (:mod:`.domu`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from sys import intern
from typing import Any

import attrs

from ..._lazy import lazy_re
from ...errors import ParseError, ValidationError
from ...problems import ValueProblem
from ...syntax.build import built, parse_with, to_tok
from ...syntax.pipeline import parse_text
from ...syntax.tree import Node, Tok
from ...versions import Version
from . import domu
from ._base import (
    Dialect,
    LazyValue,
    adopt_final_newline,
    check_depth,
    flat_elements,
    list_token,
    parses,
    read_rhs,
    unescape,
)
from .domu import Assignment, DomUDocument, DomUStyle, lazy_assignment
from .xl_values import (
    ACTION_KEYS,
    ACTIONS,
    BUILDERS,
    DM_VERSIONS,
    TIMER_MODES,
    TSC_MODES,
    TYPES,
    UUID,
    c_long,
    cpu_range_endless,
    cpu_range_ok,
    timer_mode_ok,
    tsc_mode_ok,
    vif_refusal,
)

FORMAT = "xl"


def unquote(raw: str) -> str:
    """The value of a string token: quotes removed, C-style escapes decoded
    (``\\\\`` is one backslash, so a disk target's ``\\\\:`` reads ``\\:``)."""
    if len(raw) < 2 or raw[0] not in "\"'":
        return raw
    return unescape(raw[1:-1], hex_escapes=True)  # libxlu rejects unknown escapes; kept


def number(raw: str) -> Any:
    """A number token as xl reads it (C ``strtol`` base 0: ``0x1f``, ``017``).
    One longer than any C long stays text (strtol would saturate; Python could not
    even print it past 4,300 digits)."""
    if len(raw) > 40:
        return raw
    try:
        if re.fullmatch(r"0[0-7]+", raw):
            return int(raw, 8)
        return int(raw, 0)
    except ValueError:
        pass
    try:
        return float(raw) if re.fullmatch(r"[0-9]+\.[0-9]*", raw) else raw
    except ValueError:
        return raw


def xl_str(s: str, q: str = '"') -> str:
    out = []
    for ch in s:
        if ch in ("\\", q):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        else:
            out.append(ch)
    return q + "".join(out) + q


def _scalar(v: Any, old: str | None = None) -> str:
    if isinstance(v, str):
        q = old[0] if old and old[0] in "\"'" else '"'
        return xl_str(v, q)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int) and v >= 0:
        return str(v)
    if isinstance(v, float) and v >= 0 and v == v and v != float("inf"):
        return repr(v)
    # negative numbers have no xl spelling but a string
    if isinstance(v, (int, float)):
        return xl_str(str(v))
    raise ValidationError(f"xl configs cannot hold a {type(v).__name__} value: {v!r}")


def _value(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[ " + ", ".join(_value(x) for x in v) + " ]" if v else "[ ]"
    return _scalar(v)


def _elements(literal: str, value: list[Any]) -> list[Tok] | None:
    return flat_elements(LITERAL, literal, value)


STYLE = DomUStyle(indent="", scalar_fn=_scalar, value_fn=_value, elements_fn=_elements)


#: /etc/xen/xl.conf settings (xl.conf(5)).
XL_CONF_KEYS = frozenset(
    """
    autoballoon run_hotplug_scripts lockfile max_grant_frames max_maptrack_frames
    max_grant_version vif.default.script vif.default.bridge vif.default.gatewaydev
    vif.default.backend vifscript defaultbridge remus.default.netbufscript
    colo.default.proxyscript output_format blkdev_start claim_mode vm.cpumask
    vm.pv.cpumask vm.hvm.cpumask vm.pvh.cpumask vif.default.model vif.default.type
    """.split()  # noqa: SIM905
)
#: cpupool configuration settings (xlcpupool.cfg(5)).
CPUPOOL_KEYS = frozenset({"name", "sched", "cpus", "nodes"})


@attrs.define(weakref_slot=False)
class XlDocument(DomUDocument):
    """A parsed xl-style domU configuration (or xl.conf / cpupool file)."""

    format = FORMAT
    style = STYLE

    def known_keys(self) -> frozenset[str]:
        """domU settings, or xl.conf / cpupool settings for those files."""
        return super().known_keys() if self.is_domu else XL_CONF_KEYS | CPUPOOL_KEYS

    def value_problems(self) -> Iterator[ValueProblem]:
        """What xl (4.17, ``xl create``) refuses in a domU config before it builds
        anything: no ``name`` ("Domain name must be specified.") and a PV guest with
        neither ``kernel`` nor ``bootloader`` ("Neither kernel nor bootloader
        specified"); checked with peer-xl. (For xm configs lint's XN012 warns.) No
        name is a warning: the Xen resource agent starts a guest with ``xl create FILE
        name="NAME"`` (resource-agents heartbeat/Xen), which xl 4.17 takes (its
        ``-N create -n FILE 'name="web"'`` prints the domain)."""
        if not self.is_domu:
            return
        first = self.children[0] if self.children else None
        if not self._atom("name"):
            yield ValueProblem(
                first,
                "no name: 'xl create' refuses the config ('Domain name must be specified')"
                " unless given name= on its command line, as the Xen resource agent does",
                harmless=True,
            )
        # firmware = "pvgrub64" stands for a kernel (xl_parse.c, Xen 4.10 on); its value
        # is not checked here. A type or builder xl refuses stops xl before this check
        # (domain_type_problems says so), and ``type = "HVM"`` is no PV guest meant.
        given = self._atom("kernel") or self._atom("bootloader") or self._atom("firmware")
        refused = any(True for _ in self.domain_type_problems())
        hvm = self.is_hvm or "hvm" in {self._kind(k) for k in ("type", "builder") if self._atom(k)}
        if not hvm and not given and not refused:
            yield ValueProblem(
                first, "a PV guest with neither kernel nor bootloader: xl refuses the config"
            )
        yield from self._action_and_uuid_problems()
        yield from self.release_value_problems()

    def release_value_problems(self) -> Iterator[ValueProblem]:
        """Values xl refuses from some release on (``since``: lint then errs only
        there), each checked with peer-xl (xl 4.17 ``create -n``): an unknown
        ``device_model_version`` (Xen 4.2 on; "none" too, but for 4.7 to 4.9),
        ``tsc_mode`` (4.2 on), a ``cpus`` range xl cannot read (4.4 on) or one it
        never finishes counting (``1--3``, 4.4 on), a ``pci`` entry with no BDF (4.6
        on; 4.5 skipped it), ``timer_mode`` for a PV guest (4.10 on; older xl
        ignored it there) and an unknown ``timer_mode`` for another guest (4.2 on).
        Line numbers: xl_parse.c of RELEASE-4.17.0."""
        from ...versions import (
            XEN_TYPE,
            XEN_XL_CPU_RANGE,
            XEN_XL_DM_NONE,
            XEN_XL_DM_TSC,
        )

        if self._atom("device_model_version"):
            value = str(self.get("device_model_version"))
            if value not in DM_VERSIONS:
                # xl_parse.c:2523-2532 strcmp()s the two names, for every type; "none"
                # was a third name from RELEASE-4.7.0 (xl_cmdimpl.c:2303) to 4.9.0
                # (xl_parse.c:1866), dropped with "xl: add PVH as a guest type" (4.10)
                none = value == "none"
                yield ValueProblem(
                    self.assignment("device_model_version"),
                    f"device_model_version '{value}': xl refuses the config ('Unknown"
                    f' device_model_version "{value}" specified\'); '
                    + (
                        "only xl 4.7 to 4.9 took 'none' (PVHv2 guests): write"
                        ' type = "pvh" on Xen 4.10 and later'
                        if none
                        else "write qemu-xen or qemu-xen-traditional"
                    ),
                    since=("xen", XEN_XL_DM_TSC),
                    reprieve=(XEN_XL_DM_NONE, XEN_TYPE) if none else None,
                )
        if self._atom("tsc_mode") and not tsc_mode_ok(str(self.get("tsc_mode"))):
            yield self._invalid_mode("tsc_mode", TSC_MODES)
        if self._atom("cpus"):
            value = str(self.get("cpus"))
            bad = next((r for r in value.split(",") if r and not cpu_range_ok(r)), None)
            endless = next((r for r in value.split(",") if cpu_range_endless(r)), None)
            if bad is None and endless is not None:
                yield ValueProblem(
                    self.assignment("cpus"),
                    f"cpus '{value}': xl hangs on '{endless}' (parse_range reads the"
                    " negative end with strtoul as a number near 2**64, and"
                    " update_cpumap_range counts up to it); write ranges low-high",
                    since=("xen", XEN_XL_CPU_RANGE),
                )
            if bad is not None:
                yield ValueProblem(
                    self.assignment("cpus"),
                    f"cpus '{value}': xl refuses the config ("
                    + (
                        '\'Can\'t combine "^" and "all".\''
                        if bad == "^all"
                        else f"'Invalid pcpu range: {bad}.'"
                    )
                    + "); write ranges low-high, low first, with no blanks",
                    since=("xen", XEN_XL_CPU_RANGE),
                )
        from .xl_devices import pci_refusal

        for spec in self._list("pci") if isinstance(self.get("pci"), list) else ():
            yield from self._refused("pci", spec, pci_refusal(spec))
        yield from self._timer_mode_problem()
        yield from self._vcpus_problem()
        yield from self._vif_problems()
        yield from self._hvm_problems()
        from .xl_devices import device_problems  # (channel, p9, viridian)

        yield from device_problems(self)

    def _hvm_problems(self) -> Iterator[ValueProblem]:
        """An HVM guest's ``vga`` (xl_parse.c:2605-2617, 4.3 on: "Unknown vga "x"
        specified", strcmp; cirrus and stdvga, none from 4.5, qxl from 4.6) and
        ``bios`` (1695-1700, 4.2 on: 'invalid value "x" for "bios"', strcasecmp over
        rombios, seabios, ovmf; "unknown" from 4.5) that xl refuses; peer-xl. A guest
        made HVM by ``type`` alone is PV to xl before 4.10 (which ignored ``type``)."""
        from ...versions import XEN_TYPE, XEN_XL_BIOS, XEN_XL_VGA

        kinds = {k: self._kind(k) for k in ("type", "builder") if self._atom(k)}
        if not kinds or None in kinds.values() or next(iter(kinds.values())) != "hvm":
            return
        by_builder = kinds.get("builder") == "hvm"
        checks = (
            ("vga", XEN_XL_VGA, ("stdvga", "cirrus", "none", "qxl"), str),
            ("bios", XEN_XL_BIOS, ("rombios", "seabios", "ovmf", "unknown"), str.lower),
        )
        for key, since, names, fold in checks:
            if not self._atom(key) or fold(str(self.get(key))) in names:
                continue
            value = str(self.get(key))
            said = (
                f'Unknown vga "{value}" specified'
                if key == "vga"
                else f'ERROR: invalid value "{value}" for "bios"'
            )
            yield ValueProblem(
                self.assignment(key),
                f"{key} '{value}': xl refuses the config ('{said}'); write one of"
                f" {', '.join(names[:-1])} or {names[-1]}",
                since=("xen", since if by_builder else max(since, XEN_TYPE)),
            )

    def _long(self, key: str) -> int | None:
        """``key`` as ``xlu_cfg_get_long`` reads it (libxlu_cfg.c:268-323): a number or a
        string strtol(s, &ep, 0) reads whole; ``None`` where xl warns and leaves the
        setting unset (a list, ``"2.5"``, ``+=`` on a number)."""
        found = self.assignments(key)
        if not found or found[-1].op == "+=" or not self._atom(key):
            return None
        value = self.get(key)
        if isinstance(value, int):
            return value
        return c_long(value) if isinstance(value, str) else None

    def _vcpus_problem(self) -> Iterator[ValueProblem]:
        """``maxvcpus`` below ``vcpus``: xl_parse.c:1397-1408 (4.17; since "xl: vNUMA
        support", RELEASE-4.6.0) sets an unset or zero maxvcpus to vcpus, then exits
        with "xl: maxvcpus < vcpus" (peer-xl). A ``vnuma`` list sets maxvcpus itself."""
        from ...versions import XEN_XL_MAXVCPUS, XEN_XL_VCPUS_NEGATIVE

        vcpus, top = self._long("vcpus") or 0, self._long("maxvcpus")  # (xl's default: 0)
        if vcpus < 0:
            # xl_parse.c:1373-1378 hands it to libxl_cpu_bitmap_alloc, which refuses a
            # negative count from 4.4 on (libxl_utils.c: "invalid number of cpus
            # provided"); only a string can say it (-1 is no token to xl)
            yield ValueProblem(
                self.assignment("vcpus"),
                f"vcpus {vcpus}: xl refuses the config ('Unable to allocate cpumap');"
                " write a positive number",
                since=("xen", XEN_XL_VCPUS_NEGATIVE),
            )
            return
        if self.get("vnuma") is not None or top is None or top == 0:
            return
        if vcpus >= 0 and top < vcpus:
            yield ValueProblem(
                self.assignment("maxvcpus"),
                f"maxvcpus {top} is below vcpus {vcpus}: xl refuses the config ('xl:"
                " maxvcpus < vcpus'); raise maxvcpus to vcpus or more (the guest starts"
                " with vcpus and may get up to maxvcpus)",
                since=("xen", XEN_XL_MAXVCPUS),
            )

    def _vif_problems(self) -> Iterator[ValueProblem]:
        """A vif ``rate=`` xl cannot read (libxlu_vif.c ``xlu_vif_parse_rate``, Xen 4.2
        on: "config parsing error in vif: invalid rate in `10Mbit'") and an ``mtu=`` that
        is no number (xl_parse.c:389-399 ``parse_ulong``, 4.15 on: "xl: failed to
        convert "abc" to number"); checked with peer-xl. xl splits a spec with strtok
        at commas and skips the blanks before each token (xl_parse.c:2293-2300); xl 4.2
        to 4.8 stopped at a token with no ``=`` (xl_cmdimpl.c), so a rate after one is
        not checked."""
        if not isinstance(self.get("vif"), list):
            return
        for spec in self._list("vif"):
            read_on = True
            for token in (t.lstrip(" ") for t in spec.split(",") if t):
                yield from self._refused("vif", spec, vif_refusal(token, read_on))
                read_on = read_on and "=" in token

    def _refused(
        self, key: str, value: str, refusal: tuple[str, str, Version] | None
    ) -> Iterator[ValueProblem]:
        """xl's refusal of ``value`` in ``key``: (what xl says, quoted; the fix; the first
        release that says it), nothing for ``None``."""
        if refusal is not None:
            said, fix, since = refusal
            yield ValueProblem(
                self.assignment(key),
                f"{key} '{value}': xl refuses the config ({said}); {fix}",
                since=("xen", since),
            )

    def _timer_mode_problem(self) -> Iterator[ValueProblem]:
        """``timer_mode`` on a PV guest (no type or builder, ``type = "pv"`` or
        ``builder = "generic"``): xl_parse.c:1642-1646 and 1664-1667 (Xen 4.10 on)
        exit with 'ERROR: "timer_mode" option is not supported for PV guests.'. A
        type xl refuses is domain_type_problems' finding. (x86: xl_parse.c:1306-1311
        makes a guest with no type PVH on Arm, PV elsewhere.)"""
        from ...versions import XEN_XL_TIMER_PV

        if not self._atom("timer_mode"):
            return
        kinds = [self._kind(k) for k in ("type", "builder") if self._atom(k)]
        if None in kinds:
            return
        if kinds and kinds[0] != "pv":
            if not timer_mode_ok(str(self.get("timer_mode"))):
                # xl_parse.c:1656-1661 (a number) and 1670-1674 (a name), 4.2 on
                yield self._invalid_mode("timer_mode", TIMER_MODES)
            return
        yield ValueProblem(
            self.assignment("timer_mode"),
            'timer_mode on a PV guest: xl refuses the config (\'ERROR: "timer_mode"'
            " option is not supported for PV guests.'); remove it (it is for HVM guests)",
            since=("xen", XEN_XL_TIMER_PV),
        )

    def _action_and_uuid_problems(self) -> Iterator[ValueProblem]:
        """``on_poweroff`` and its kin name an action xl knows, spelled as xl spells it
        (xl_parse.c ``parse_action_on_shutdown``: strcmp over
        ``action_on_shutdown_names``; peer-xl: 'Unknown on_crash action "Restart"
        specified'), and ``uuid`` is 36 characters with dashes
        (``libxl_uuid_from_string``; peer-xl: "Failed to parse UUID:" for the 32 hex
        digits xm's uuid.fromString took). A list is no value (xl warns, takes it)."""
        for key in ACTION_KEYS:
            if self._atom(key) and str(self.get(key)) not in ACTIONS:
                value = str(self.get(key))
                yield ValueProblem(
                    self.assignment(key),
                    f"{key} '{value}': xl refuses the config ('Unknown {key} action"
                    f' "{value}" specified\'); write one of {", ".join(ACTIONS)}',
                )
        if self._atom("uuid") and not UUID.fullmatch(str(self.get("uuid"))):
            value = str(self.get("uuid"))
            yield ValueProblem(
                self.assignment("uuid"),
                f"uuid '{value}': xl refuses the config ('Failed to parse UUID: {value}');"
                " write it as 8-4-4-4-12 hex digits with dashes",
            )

    def domain_type_problems(self) -> Iterator[ValueProblem]:
        """What xl 4.10 and later (which added ``type``) refuses in ``type`` and
        ``builder`` of a domU config: xl_parse.c takes a ``type`` that is a prefix of
        hvm, pv or pvh and a ``builder`` that is a prefix of hvm or generic, compared
        with ``strncmp(buf, name, strlen(buf))`` (case counts: "HVM" and xm's "linux"
        are refused with "Invalid domain type ..."), and refuses a builder whose type
        differs from ``type`` ("Contradicting "builder" and "type" options
        specified."). Checked with peer-xl (xl 4.17). A list is no value to xl."""
        if not self.is_domu:
            return
        kinds: dict[str, str] = {}
        for key, names in (("type", TYPES), ("builder", BUILDERS)):
            a = self.assignment(key)
            if a is None or not self._atom(key):
                continue
            value = str(self.get(key))
            kind = self._kind(key)
            if kind is None:
                spelled = ", ".join(n for n, _ in names[:-1]) + f" or {names[-1][0]}"
                yield ValueProblem(
                    a,
                    f"{key} '{value}': xl refuses the config ('Invalid domain type {value}.');"
                    f" write {spelled}, in lower case",
                )
                continue
            kinds[key] = kind
        if len(kinds) == 2 and kinds["type"] != kinds["builder"]:
            yield ValueProblem(
                self.assignment("builder"),
                f"builder '{self.get('builder')}' contradicts type '{self.get('type')}': xl"
                ' refuses the config (\'Contradicting "builder" and "type" options'
                " specified.'); remove builder (deprecated since Xen 4.10)",
            )

    def bootloader_args_problem(self, any_type: bool) -> ValueProblem | None:
        """``bootloader_args`` given as a string with no word in it (``""``, blanks):
        xl crashes (segmentation fault, rc 139 with peer-xl 4.17). xl_parse.c reads a
        string there as deprecated and splits it with ``split_string_into_string_list``,
        which counts one word where ``strtok_r`` finds none and then ``strdup()``s NULL.
        xl reads the key for PV guests (``any_type``: for every type, as xl 4.17 does).
        The list form (``[]``) is accepted."""
        if not self.is_domu or not self._atom("bootloader_args"):
            return None
        if str(self.get("bootloader_args")).strip(" \t\n"):
            return None
        kinds = {self._kind(k) for k in ("type", "builder") if self._atom(k)}
        if not any_type and (self.is_hvm or kinds - {"pv"}):
            return None
        return ValueProblem(
            self.assignment("bootloader_args"),
            "bootloader_args is a string with no word: xl crashes reading it (it splits a"
            " string and strdup()s the missing first word); remove it or write"
            " bootloader_args = [ ... ]",
        )

    def _invalid_mode(self, key: str, modes: tuple[str, ...]) -> ValueProblem:
        """xl's refusal of a ``tsc_mode``/``timer_mode`` that is neither one of ``modes``
        nor a number it takes: it says the value as strtol read it, else the text."""
        from ...versions import XEN_XL_DM_TSC

        value = str(self.get(key))
        number = c_long(value)
        said = f'"{value}"' if number is None else str(number)
        return ValueProblem(
            self.assignment(key),
            f"{key} '{value}': xl refuses the config ('ERROR: invalid value"
            f' {said} for "{key}"\'); write one of {", ".join(modes)}',
            since=("xen", XEN_XL_DM_TSC),
        )

    def _kind(self, key: str) -> str | None:
        """The domain type xl 4.10+ reads from ``type`` or ``builder`` (``None``: no
        such type): the first name the value is a prefix of, "" being hvm."""
        names = TYPES if key == "type" else BUILDERS
        value = str(self.get(key))
        return next((k for name, k in names if name.startswith(value)), None)

    def _atom(self, key: str) -> bool:
        """Whether ``key`` holds one value: libxlu keeps a number as its text, so xl
        reads ``name = 5`` as the name "5" (peer-xl accepts it); a list is no value."""
        v = self.get(key)
        return isinstance(v, (str, int, float)) and not isinstance(v, bool)

    @property
    def is_domu(self) -> bool:
        """False for xl.conf and cpupool files, which share the syntax."""
        keys = {a.key for a in self.assignments()}
        return bool(
            keys
            & {
                "memory",
                "kernel",
                "disk",
                "vif",
                "builder",
                "type",
                "vcpus",
                "bootloader",
                "maxmem",
            }
        )


@attrs.define
class _Val:
    value: Any
    tok: Tok  # a scalar's token, or the list's LIST token


class _Builder:
    """The grammar's transformer; it knows the text, to make a list's one token."""

    def __init__(self, text: str) -> None:
        self.text = text

    def STRING(self, t: Any) -> _Val:
        return _Val(unquote(str(t)), to_tok(t))

    def NUMBER(self, t: Any) -> _Val:
        return _Val(number(str(t)), to_tok(t))

    def array(self, children: list[Any]) -> _Val:
        vals = [c.value for c in children if isinstance(c, _Val)]
        first, last = children[0], children[-1]  # the brackets
        return _Val(vals, list_token(self.text, first.start_pos, last.end_pos))

    def setting(self, children: list[Any]) -> Assignment:
        key, op, val = children[0], children[1], children[2]
        key_tok, op_tok = to_tok(key), to_tok(op)
        a = Assignment(intern(str(key)), val.value, str(op), key_tok=key_tok, rhs=[val.tok])
        pieces: list[Any] = [key_tok, op_tok, val.tok]
        pieces.extend(to_tok(c) for c in children[3:])
        a.cst = pieces
        return domu.bind_assignment(a)

    def start(self, children: list[Any]) -> XlDocument:
        doc = XlDocument([c for c in children if isinstance(c, Node)])
        doc.cst = list(doc.children)
        return doc


_WORDS = {"KEY": "a setting name", "OP": "'=' or '+='"}


_SCAN = lazy_re(r"""[\[\]]|'[^'\\\n]*(?:\\.[^'\\\n]*)*'?|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|#[^\n]*""")


def _context(exc: Exception) -> str:
    if getattr(exc, "char", None) in ("'", '"'):
        return "(a string must be closed on the line it starts)"
    return ""


def parse(text: str, path: str | None = None) -> XlDocument:
    """Parse an xl config; raises :class:`xencfg.ParseError`.

    Well-formed text takes the line scanner (:func:`_scan`, which builds the very
    tree the grammar does, several times faster); anything it does not take goes
    through the Lark grammar, the reference, which words the error."""
    check_depth(text, path, _SCAN, "[", "]")
    doc = parse_text(text, path, scan=_scan, lark=parse_lark)
    adopt_final_newline(doc)
    return doc


def parse_lark(text: str, path: str | None) -> XlDocument:
    """The grammar's parse (grammars/xl.lark): the specification and the error reporter."""
    doc: XlDocument = parse_with("xl", text, path, _Builder(text), words=_WORDS, context=_context)
    return doc


def _xl_scalar(kind: str, raw: str) -> Any:
    return unquote(raw) if kind == "STRING" else number(raw)


#: xl's values as the grammar spells them (its STRING, NUMBER, brackets and comma; in a
#: list, blanks, newlines and comments between them), for the streaming reader.
LITERAL = Dialect(
    lazy_re(
        "|".join(
            (
                r"(?P<skip>[ \t\f\v\r\ufeff]+|\n|#[^\n]*)",
                r"""(?P<STRING>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')""",
                r"(?P<NUMBER>[0-9][0-9A-Za-z_.]*)",
                r"(?P<LSQB>\[)|(?P<RSQB>\])|(?P<COMMA>,)",
            )
        )
    ),
    _xl_scalar,
)
_WS = lazy_re(r"[ \t\f\v\r\ufeff]*")
#: Between statements: blanks, comments, newlines.
_GAP = re.compile(r"[ \t\f\v\r\ufeff\n]*(?:#[^\n]*[ \t\f\v\r\ufeff\n]*)*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_OP = re.compile(r"\+=|=")
#: A statement's end: ``;`` (another may follow on the line), or the end of the line.
_END = lazy_re(r"[ \t\f\v\r\ufeff]*(?:(;)|(?:#[^\n]*)?(?:\n|\Z))")


def _span(rx: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``rx`` matched at ``pos`` ends (``pos`` when it does not match; the blanks
    and gaps match the empty string, so they always do)."""
    m = rx.match(text, pos)
    return pos if m is None else m.end()


def _scan(text: str) -> XlDocument | None:
    """The document the grammar builds from ``text``, by a line scanner; ``None`` for
    anything it does not take (the grammar then parses, or words the error).

    A light parse keeps no tokens, and a list value is read on first use
    (:class:`~._base.LazyValue`): a 900,000-element list costs nothing until asked for.
    """
    children: list[Node] = []
    memo: dict[str, Any] = {}  # equal values share one object
    reader = LazyValue(LITERAL, text)
    n = len(text)
    pos = _span(_GAP, text, 0)
    while pos < n:
        key_m = _KEY.match(text, pos)
        if key_m is None:
            return None
        op_m = _OP.match(text, _span(_WS, text, key_m.end()))
        if op_m is None:
            return None
        at = _span(_WS, text, op_m.end())
        found = read_rhs(LITERAL, text, at, memo)
        if found is None:
            return None
        end, value, rhs = found
        end_m = _END.match(text, end)
        if end_m is None:
            return None
        key, op = intern(key_m.group()), op_m.group()
        a: Assignment
        if rhs is None:  # light
            if text.startswith("[", at):
                a = lazy_assignment(key, op, reader, key_m.start())
            else:
                a = built(Assignment(key, value, op), key_m.start())
        else:
            key_tok = Tok("KEY", key, key_m.start())
            a = Assignment(key, value, op, key_tok=key_tok, rhs=rhs)
            pieces: list[Any] = [key_tok, Tok("OP", op, op_m.start()), *rhs]
            if end_m.group(1):
                pieces.append(Tok("SEMI", ";", end_m.start(1)))
            a.cst = pieces
            a = domu.bind_assignment(a)
        children.append(a)
        pos = _span(_GAP, text, end_m.end())
    doc = XlDocument(children)
    doc.cst = list(children)
    return doc


def sniff(text: str) -> bool:
    """xl syntax: the file parses with the xl grammar (which has no room for
    Python code: ``def``, ``if``, ``(``, ``\"\"\"``, continuations all fail). Plain
    ``key = "value"`` files are valid in both styles; their path decides
    (``*.cfg``, ``xlexample*``, ``xl.conf``), and content detection of
    unknown names prefers xm, which reads them the same. A file without a
    single assignment is nobody's domU config."""
    import re

    if re.search(r"^[ \t]*\w+\s*=", text, re.M) is None:
        return False
    # the scanner declines exactly the text the grammar refuses (tests/test_fast_paths.py
    # holds it to that), so a sniff, which runs on every file of unknown name, never
    # needs Lark (nesting too deep for the grammar's check_depth the scanner declines too)
    return parses(_scan, text)


# -- the file as xl's scanner reads it -------------------------------------------------

#: libxlu_cfg_l.l (Xen 4.17): the tokens xl knows. The grammar here is wider (keys with
#: capitals, numbers such as ``512.5``, CR and BOM as blanks), so that any file parses;
#: what xl's own scanner refuses is reported from this.
_XL_TOKEN = lazy_re(
    r"""(?P<ident>[a-z][._0-9a-z]*)|(?P<number>[0-9][0-9a-fx]*)|[ \t]+|\+=|[,\[\]=;]|\n"""
    r"""|\#[^\n]*\n|(?P<string>'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*")"""
)
_SIMPLE_ESCAPES = frozenset("\"'\\abfnrtv")


def _escape_error(raw: str) -> str | None:
    """What libxlu's ``xlu__cfgl_dequote`` says of a string's escapes: a ``\\x``
    escape never passes its digit check (it skips a character, then wants more than
    2 of 2 hex digits); an octal one wants two more decimal digits after the first."""
    i = 1
    while i < len(raw) - 1:
        if raw[i] != "\\":
            i += 1
            continue
        nc = raw[i + 1]
        if nc in _SIMPLE_ESCAPES:
            i += 2
        elif nc == "x":
            return "invalid digit after backslash hexnumerical character escape in quoted string"
        elif "0" <= nc <= "7":
            digits = re.match(r"[0-9]{2}", raw[i + 2 : i + 4])
            if digits is None:
                return (
                    "invalid digit after backslash octalnumerical character escape in quoted string"
                )
            i += 4
        else:
            return "invalid character after backlash in quoted string"
    return None


def lexical_error(text: str) -> tuple[int, str] | None:
    """``(offset, message)`` of the first thing xl's scanner refuses in ``text``
    (``None``: it reads it all): a capital or ``_`` starting a name, a character it
    has no token for (CR of a CRLF file, a BOM, ``.`` in ``512.5``), a name right
    after a number (``51ory``: NUMBER then IDENT, a syntax error), a comment on the
    last line with no newline after it (its rule is ``#.*\\n``), a string escape
    ``xlu__cfgl_dequote`` refuses. Each checked with peer-xl (xl 4.17 ``create -n``)."""
    pos, n = 0, len(text)

    def lost(at: int) -> bool:
        # a stray byte that ends the file: the scanner's error state waits for more
        # text and meets the end of file instead, so nothing is reported (peer-xl
        # starts a file ending in "\n#" or "memory = 512.")
        return at == n - 1 and ord(text[at]) < 128

    while pos < n:
        m = _XL_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if lost(pos):
                return None
            ch = text[pos]
            what = "a comment without a newline at the end of the file" if ch == "#" else repr(ch)
            return pos, f"lexical error at {what}"
        after = text[m.end() : m.end() + 1]
        if m.group("number") is not None and re.match(r"[a-z]", after):
            return m.end(), f"syntax error: '{m.group()}' is a number, and a name follows it"
        if m.group("string") is not None:
            why = _escape_error(m.group())
            if why is not None:
                return pos, why
        pos = m.end()
    return None


#: How many empty statements :func:`xl_refusal` steps over (one parse each); a file
#: with more is left unjudged rather than parsed that many times.
_EMPTY_STATEMENTS = 32


def xl_refusal(text: str) -> tuple[int, str] | None:
    """``(offset, message)`` of the first thing xl refuses in ``text``, a file read
    here as a literal xm config (``None``: xl reads it): its scanner's refusal
    (:func:`lexical_error`: ``vcpus = -1``, a ``\\`` line continuation, ``True``,
    a tuple), else its grammar's (grammars/xl.lark, as wide as libxlu_cfg_y.y or
    wider but for empty statements, which are stepped over: ``[ , ]``, two strings
    with no comma between them, which Python joins)."""
    found = lexical_error(text)
    if found is not None:
        return found
    for _ in range(min(text.count(";"), _EMPTY_STATEMENTS) + 1):
        try:
            parse(text)
        except ParseError as exc:
            lines = text.split("\n")
            at = sum(len(line) + 1 for line in lines[: exc.line - 1]) + exc.column - 1
            if text[at : at + 1] == ";":
                # an empty statement, which libxlu_cfg_y.y takes (``stmt: endstmt``) and
                # the grammar here does not: ``vcpus = 2;;`` (peer-xl OK)
                text = text[:at] + " " + text[at + 1 :]
                continue
            return min(at, len(text)), f"syntax error: {exc.message}"
        return None
    return None
