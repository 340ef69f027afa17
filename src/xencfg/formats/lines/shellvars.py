"""Shell variable files: /etc/sysconfig/o2cb, /etc/sysconfig/ntp, /etc/default/*.

``NAME=value`` per line (optionally ``export NAME=value``), with the shell's
quoting: ``'...'`` literal, ``"..."`` with ``\\`` escapes, ``\\`` escapes
outside quotes. The model holds each value with its quotes removed;
``$VAR``, ``${VAR}`` and ``$(...)`` are kept as written (never expanded,
never executed). Other lines (``. /etc/rc.status``, ``unset X``) are kept as
opaque :class:`Command` nodes. The O2CB_* settings of ocfs2-tools get a typed
view (:attr:`ShellvarsDocument.o2cb`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ...document import TreeDocument
from ...errors import ParseError, ValidationError
from ...problems import KeywordProblem, ValueProblem
from ...suggest import suggest
from ...syntax.blocks import BlockStyle, Entry
from ...syntax.build import built, make_entry, make_root, to_tok
from ...syntax.numbers import shown
from ...syntax.source import LineIndex
from ...syntax.tree import (
    Node,
    Piece,
    Style,
    Tok,
    building,
    drop_children,
    light_ready,
    new_light,
    token_field,
)
from ..view import to_int
from ._base import LineReader

FORMAT = "shellvars"

# not "~": bash expands it at the start of a value and after ":" or "=" in assignments
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+@%=^")


def unquote(raw: str) -> str:
    """The value of a shell word: quotes removed, escapes resolved, ``$`` kept."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "'":
            j = raw.find("'", i + 1)
            j = n if j < 0 else j
            out.append(raw[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    if raw[i + 1] != "\n":
                        out.append(raw[i + 1])
                    i += 2
                else:
                    out.append(raw[i])
                    i += 1
            i += 1
        elif c == "\\" and i + 1 < n:
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def quote(value: str, old: str | None = None) -> str:
    """Spell ``value`` as one shell word, keeping the quote style of ``old``.

    An empty value is written ``""`` (the sysconfig convention). ``$`` is left
    unescaped in double quotes so that references keep working.
    """
    quoted = old is not None and old[:1] in ("'", '"')
    if value and all(c in _SAFE for c in value) and not quoted:
        return value
    if old is not None and old[:1] == "'" and "'" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'


class ShellStyle(BlockStyle):
    """How a shell-variable file writes new assignments: quoted as the shell needs."""

    def quote(self, value: str, old: str | None = None) -> str:
        return value  # command words are kept raw

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Assignment):
            return node.render_canonical(indent, self)
        return super().render_node(node, indent)


STYLE = ShellStyle(indent="", separator=" ")


def _is_name(name: str) -> bool:
    """A shell variable name (POSIX: ASCII letters, digits and ``_``, not a digit first)."""
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is not None


@attrs.define(weakref_slot=False)
class Assignment(Node):
    """``[export] NAME=value``. ``value`` is unquoted; the source keeps its spelling."""

    name: str
    value: str = ""
    export: bool = False
    name_tok: Tok | None = token_field(default=None)
    value_tok: Tok | None = token_field(default=None)

    def state(self) -> Any:
        return (self.name, self.value, self.export)

    @property
    def raw(self) -> str | None:
        """The value as written (quotes included), ``None`` for a new node."""
        return self.value_tok.text if self.value_tok is not None else None

    @property
    def expands(self) -> bool:
        """Whether the value refers to other variables or commands (not resolved here)."""
        raw = self.raw if self.raw is not None else quote(self.value)
        return "$" in raw.replace("\\$", "").replace("'$", "") or "`" in raw

    def splice(self, pieces: list[Piece], style: Style) -> list[Piece] | None:
        name_old, value_old, export_old = self.snap
        if self.export != export_old:
            return None
        out = list(pieces)
        if self.name != name_old and self.name_tok is not None:
            out = [Tok("NAME", self.name, -1) if p is self.name_tok else p for p in out]
        if self.value != value_old:
            new = Tok("VALUE", quote(self.value, self.raw), -1)
            out = [new if p is self.value_tok else p for p in out]
        return out

    def render_canonical(self, indent: str, style: Style) -> str:
        if not _is_name(self.name):
            raise ValidationError(f"{self.name!r} is not a shell variable name")
        prefix = "export " if self.export else ""
        return f"{indent}{prefix}{self.name}={quote(self.value)}{style.newline}"


@attrs.define(weakref_slot=False, repr=False)  # (Entry.__repr__)
class Command(Entry):
    """Any other shell line, kept as raw words and never run."""


#: The O2CB_* timeouts the init script writes to o2nm's configfs, and the most o2nm takes
#: there: nodemanager.c ``o2nm_cluster_attr_write`` returns -ERANGE for
#: ``tmp >= (u32)-1`` (a number past ULONG_MAX: simple_strtoul's reading is no better)
#: and -EINVAL for ``tmp == 0``.
_O2NM_TIMEOUTS = frozenset(
    {"O2CB_IDLE_TIMEOUT_MS", "O2CB_KEEPALIVE_DELAY_MS", "O2CB_RECONNECT_DELAY_MS"}
)
_O2NM_MAX = 2**32 - 2
#: ocfs2-tools' /etc/sysconfig/o2cb variables and their types.
O2CB_VARS: dict[str, str] = {
    "O2CB_ENABLED": "bool",
    "O2CB_STACK": "str",
    "O2CB_BOOTCLUSTER": "str",
    "O2CB_HEARTBEAT_THRESHOLD": "int",
    "O2CB_IDLE_TIMEOUT_MS": "int",
    "O2CB_KEEPALIVE_DELAY_MS": "int",
    "O2CB_RECONNECT_DELAY_MS": "int",
    "O2CB_HEARTBEAT_MODE": "str",
}


def shell_bool(raw: str | None) -> bool | None:
    """Init-script booleans: true/yes/1 and false/no/0 (case-insensitive)."""
    if raw is None:
        return None
    low = raw.lower()
    if low in ("true", "yes", "1", "on"):
        return True
    if low in ("false", "no", "0", "off", ""):
        return False
    return None


@attrs.define(eq=False)
class O2cb:
    """Typed view of the O2CB_* settings; reads and writes go to the document."""

    doc: ShellvarsDocument

    def _get(self, name: str) -> Any:
        raw = self.doc.get(name)
        kind = O2CB_VARS[name]
        if kind == "int":
            return to_int(raw)
        if kind == "bool":
            return shell_bool(raw)
        return raw

    @property
    def enabled(self) -> bool | None:
        """Whether the init script loads the O2CB driver at boot: only for exactly
        ``true`` (o2cb.init: ``if [ "$O2CB_ENABLED" != "true" ]``), so ``TRUE`` and
        ``yes`` are False; None where the file does not set it."""
        raw = self.doc.get("O2CB_ENABLED")
        return None if raw is None else raw == "true"

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.doc.set("O2CB_ENABLED", "true" if value else "false")

    @property
    def bootcluster(self) -> str | None:
        """The cluster (in /etc/ocfs2/cluster.conf) started at boot."""
        return self._get("O2CB_BOOTCLUSTER")

    @bootcluster.setter
    def bootcluster(self, value: str) -> None:
        self.doc.set("O2CB_BOOTCLUSTER", value)

    @property
    def stack(self) -> str | None:
        return self._get("O2CB_STACK")

    @property
    def heartbeat_threshold(self) -> int | None:
        """Disk heartbeat iterations (2 s each) before a node is declared dead."""
        return self._get("O2CB_HEARTBEAT_THRESHOLD")

    @heartbeat_threshold.setter
    def heartbeat_threshold(self, value: int) -> None:
        self.doc.set("O2CB_HEARTBEAT_THRESHOLD", str(int(value)))

    @property
    def idle_timeout_ms(self) -> int | None:
        return self._get("O2CB_IDLE_TIMEOUT_MS")

    @property
    def keepalive_delay_ms(self) -> int | None:
        return self._get("O2CB_KEEPALIVE_DELAY_MS")

    @property
    def reconnect_delay_ms(self) -> int | None:
        return self._get("O2CB_RECONNECT_DELAY_MS")

    @property
    def heartbeat_mode(self) -> str | None:
        """``local`` or ``global`` (disk heartbeat); ``user`` on SLES 10 meant heartbeat-driven."""
        return self._get("O2CB_HEARTBEAT_MODE")

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {name: self._get(name) for name in O2CB_VARS if self.doc.get(name) is not None}


@attrs.define(weakref_slot=False)
class ShellvarsDocument(TreeDocument):
    """A parsed shell variable file."""

    format = FORMAT
    style = STYLE

    def assignments(self, name: str | None = None) -> list[Assignment]:
        """Every ``NAME=value`` line (of ``name`` only, when given), in file order."""
        return [
            c
            for c in self.children
            if isinstance(c, Assignment) and (name is None or c.name == name)
        ]

    def assignment(self, name: str) -> Assignment | None:
        """The last assignment of ``name``: the one the shell keeps."""
        found = self.assignments(name)
        return found[-1] if found else None

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of ``name`` as the shell reads it (the last assignment), else ``default``."""
        a = self.assignment(name)
        return a.value if a is not None else default

    def set(self, name: str, value: str) -> Assignment:
        """Set ``name``: edit its last assignment, or append ``NAME=value``. A name that
        is not a shell variable's is refused here (ValidationError), not at dumps."""
        if not isinstance(name, str) or not _is_name(name):
            raise ValidationError(f"{name!r} is not a shell variable name")
        if not isinstance(value, str):
            raise ValidationError(f"a shell value is text, not {type(value).__name__}: {value!r}")
        a = self.assignment(name)
        if a is None:
            a = Assignment(name, value)
            self.children.append(a)
        else:
            a.value = value
        return a

    def remove(self, name: str) -> int:
        """Remove every assignment of ``name``; return how many went."""
        return drop_children(self.children, lambda c: isinstance(c, Assignment) and c.name == name)

    @property
    def vars(self) -> dict[str, str]:
        """Every variable with its (unquoted, unexpanded) value; the last assignment wins."""
        return {a.name: a.value for a in self.assignments()}

    @property
    def commands(self) -> list[Command]:
        """Lines that are not assignments (sourcing, unset, control flow)."""
        return [c for c in self.children if isinstance(c, Command)]

    @property
    def o2cb(self) -> O2cb:
        return O2cb(self)

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """Misspelt O2CB_* names (the init script silently ignores them) as ``"unknown"``;
        lines that are not assignments as ``"command"`` (the file runs code when sourced)."""
        for a in self.assignments():
            if a.name.startswith("O2CB_") and a.name not in O2CB_VARS:
                yield KeywordProblem(a, "unknown", a.name, suggest(a.name, O2CB_VARS))
        for c in self.commands:
            if c.key not in ("export", ".", "source", "unset", "readonly", "set"):
                yield KeywordProblem(c, "command", c.key)

    def value_problems(self) -> Iterator[ValueProblem]:
        """O2CB_* values the o2cb init script cannot use (a number that is not one, ...).

        An empty number is the default: ``o2cb configure`` writes ``O2CB_IDLE_TIMEOUT_MS=``
        for a timeout left unset, and the init script's set_timeouts writes a timeout only
        when ``[ -n "$O2CB_..." ]`` (ocfs2-tools vendor/common/o2cb.init.sh)."""
        for a in self.assignments():
            kind = O2CB_VARS.get(a.name)
            number = to_int(a.value) if kind == "int" and a.value != "" else 0
            if number is None:
                yield ValueProblem(a, f"{a.name}={a.value!r} is not a number")
            elif number > _O2NM_MAX and a.name in _O2NM_TIMEOUTS:
                yield ValueProblem(
                    a,
                    f"{a.name}={shown(number)} is above {_O2NM_MAX}, the most o2nm takes:"
                    " the o2cb init script cannot set it (nodemanager.c"
                    " o2nm_cluster_attr_write: -ERANGE)",
                )
            elif number == 0 and a.value != "" and a.name in _O2NM_TIMEOUTS:
                yield ValueProblem(
                    a,
                    f"{a.name}=0 is refused by o2nm (nodemanager.c o2nm_cluster_attr_write:"
                    " -EINVAL for 0): the init script cannot set it and the default stays",
                )
            elif kind == "bool" and shell_bool(a.value) is None:
                yield ValueProblem(a, f"{a.name}={a.value!r} is not true or false")
            elif a.name == "O2CB_ENABLED" and shell_bool(a.value) and a.value != "true":
                yield ValueProblem(
                    a,
                    f"O2CB_ENABLED={a.value!r}: the o2cb init script starts the cluster only"
                    ' for exactly \'true\' (o2cb.init start: if [ "$O2CB_ENABLED" != "true" ];'
                    " then exit 0), so O2CB is not started at boot: write true",
                )
            elif a.name == "O2CB_HEARTBEAT_THRESHOLD" and (to_int(a.value) or 0) < 0:
                yield ValueProblem(a, f"{a.name} must not be negative")
        for c in self.commands:
            if _is_name(c.key) and c.values and c.values[0].startswith("="):
                yield ValueProblem(
                    c,
                    f"'{c.key} {' '.join(c.values)}': a blank before '=' makes the line a"
                    f" command the shell runs ('{c.key}: not found'), not an assignment:"
                    f" {c.key} stays unset (write {c.key}=VALUE, no blanks)",
                )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "format": FORMAT,
            "vars": self.vars,
            "exported": [a.name for a in self.assignments() if a.export],
            "commands": [" ".join([c.key, *c.values]) for c in self.commands],
        }
        o2cb = self.o2cb.to_dict()
        if o2cb:
            d["o2cb"] = o2cb
        return d


#: An :class:`Assignment`'s semantic fields, all a light one holds.
_ASSIGNMENT_FIELDS = frozenset({"name", "value", "export"})


class _Builder:
    """Builds the document from Lark's parse or the line scanner's tokens."""

    def assign(self, children: list[Any]) -> Assignment:
        toks = [to_tok(c) for c in children]
        pieces: list[Piece] = []
        export = False
        for t in toks:
            if t.kind == "EXPORT":
                export = True
                pieces.append(Tok("EXPORT", t.text, t.pos))
        tok = toks[-1]
        text, pos = tok.text, tok.pos
        eq = text.index("=")
        light = building()
        if light is not None and light_ready(Assignment, _ASSIGNMENT_FIELDS):
            return new_light(
                Assignment,
                light,
                toks[0].pos,
                name=light.share(text[:eq]),
                value=light.share(unquote(text[eq + 1 :])),
                export=export,
            )
        name = Tok("NAME", text[:eq], pos)
        pieces += [name, Tok("EQ", "=", pos + eq)]
        # an empty value is an empty token, so `A=` and `A=""` compare token for token
        value = Tok("VALUE", text[eq + 1 :], pos + eq + 1)
        pieces.append(value)
        a = Assignment(name.text, unquote(value.text), export, name_tok=name, value_tok=value)
        a.cst = pieces
        return built(a, pieces[0].pos)

    def command(self, children: list[Any]) -> Command:
        return make_entry(children, str, Command)

    def start(self, children: list[Any]) -> ShellvarsDocument:
        return make_root(ShellvarsDocument, children)


_BUILDER = _Builder()
_WORDS = {
    "ASSIGN": "NAME=value",
    "WORD": "a shell word",
    "EXPORT": "'export'",
    "_NL": "end of line (quote a value that has blanks)",
}


class _Reader(LineReader[ShellvarsDocument]):
    """The line family's two readers; Lark's errors name a quote that is never closed."""

    def lark(self, text: str, path: str | None) -> ShellvarsDocument:
        try:
            return super().lark(text, path)
        except ParseError as exc:
            raise _explain_quote(exc, text) from None


#: the SHELLVARS table of lines_scan and ``grammars/shellvars.lark``
READER = _Reader("shellvars", lambda text: _BUILDER, _WORDS)


def parse(text: str, path: str | None = None) -> ShellvarsDocument:
    """Parse a shell variable file; raises :class:`xencfg.ParseError`."""
    return READER.parse(text, path)


def _explain_quote(exc: ParseError, text: str) -> ParseError:
    """A quote the lexer could not close is an unterminated string: say so."""
    if exc.line < 1:
        return exc
    try:
        at = LineIndex(text).offset(exc.line, exc.column)
    except IndexError:
        return exc
    if at < len(text) and text[at] in "\"'`":
        exc.message = (
            f"unterminated {text[at]} quote: it is never closed before the end of the file"
        )
        exc.expected = f"a closing {text[at]}"
        exc.args = (str(exc),)
    return exc


def sniff(text: str) -> bool:
    """Mostly ``NAME=value`` lines (a file of comments only, like a fresh sysconfig, too)."""
    import re

    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return True
    hits = sum(1 for ln in lines if re.match(r"\s*(export\s+)?[A-Za-z_]\w*=", ln))
    return hits * 2 > len(lines)
