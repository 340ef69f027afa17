"""The iSCSI Enterprise Target's ietd.conf: targets, their LUNs, users and parameters.

A line is a keyword and its values; ``#`` starts a comment anywhere (ietd
cuts the line there); keywords are case-insensitive and indentation is
free. Lines before the first ``Target IQN`` line are global (discovery
users, defaults); each ``Target`` line opens a target that runs to the next
one. ``Lun N Path=DEV,Type=fileio|blockio[,ScsiId=..][,ScsiSN=..][,IOMode=..]``
exports a device (``Lun N /dev/x fileio``, without the keys, is read for what it
means, but IET's kernel module refuses it: lint says so). CHAP passwords
of ``IncomingUser``/``OutgoingUser`` are secrets: every output masks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...errors import ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem
from ...suggest import suggest
from ...syntax.blocks import Entry
from ...syntax.numbers import LONG_MAX, decimal, decimal_or_none, is_decimal, shown
from ...syntax.tree import Node, render
from ...versions import IET_LUN_KEYS_ANY_CASE
from ..schema import Keyword, Schema
from ._base import LineDocument, LineStyle, parser_for
from ._iqn import iqn_problem
from .ietd_luns import RefusedBefore, block_size_problem, lun_type_problems

FORMAT = "ietd"

#: Numeric target parameters (iSCSI keys of RFC 3720 and IET's own).
INT_PARAMS = frozenset(
    {
        "maxconnections",
        "maxsessions",
        "maxrecvdatasegmentlength",
        "maxxmitdatasegmentlength",
        "maxburstlength",
        "firstburstlength",
        "defaulttime2wait",
        "defaulttime2retain",
        "maxoutstandingr2t",
        "errorrecoverylevel",
        "nopinterval",
        "noptimeout",
        "wthreads",
        "queuedcommands",
    }
)
BOOL_PARAMS = frozenset({"initialr2t", "immediatedata", "datapduinorder", "datasequenceinorder"})
DIGEST_PARAMS = frozenset({"headerdigest", "datadigest"})
KEYWORDS = frozenset(
    {"target", "lun", "alias", "incominguser", "outgoinguser", "isnsserver", "isnsaccesscontrol"}
)
KNOWN = KEYWORDS | INT_PARAMS | BOOL_PARAMS | DIGEST_PARAMS
#: Spellings of the keywords for suggestions and canonical text.
_SPELT = """
    Target Lun Alias IncomingUser OutgoingUser iSNSServer iSNSAccessControl
    MaxConnections MaxSessions MaxRecvDataSegmentLength MaxXmitDataSegmentLength
    MaxBurstLength FirstBurstLength DefaultTime2Wait DefaultTime2Retain
    MaxOutstandingR2T ErrorRecoveryLevel NOPInterval NOPTimeout Wthreads QueuedCommands
    InitialR2T ImmediateData DataPDUInOrder DataSequenceInOrder HeaderDigest DataDigest
"""
SPELLING = {k.lower(): k for k in _SPELT.split()}
#: RFC 3720 bounds (IET's own where tighter).
RANGES: dict[str, tuple[int, int]] = {
    "maxrecvdatasegmentlength": (512, 2**24 - 1),
    "maxxmitdatasegmentlength": (512, 2**24 - 1),
    "maxburstlength": (512, 2**24 - 1),
    "firstburstlength": (512, 2**24 - 1),
    "defaulttime2wait": (0, 3600),
    "defaulttime2retain": (0, 3600),
    "maxoutstandingr2t": (1, 65535),
    "maxconnections": (1, 65535),
    "errorrecoverylevel": (0, 2),
}
#: What ietd uses when a target does not set a parameter (RFC 3720's defaults for the
#: session keys; NOP pings are off). Lines before the first ``Target`` do not count:
#: ietd reads iSCSI parameters only inside a target (usr/plain.c).
DEFAULTS: dict[str, int] = {
    "maxburstlength": 262144,
    "firstburstlength": 65536,
    "nopinterval": 0,
    "noptimeout": 0,
}
LUN_TYPES = ("fileio", "blockio", "nullio")
#: A LUN's option keys as IET's kernel module matches them (``match_token`` tables of
#: kernel/volume.c, file-io.c, block-io.c, null-io.c; 1.4.20's nullio also ``Blocks=`` and
#: ``BlockSize=``): any other piece is an "unknown param" (-EINVAL). Case and all before
#: 1.4.20, in any case from 1.4.20 on (``_case_problem``).
LUN_OPTION_KEYS = ("Path", "Type", "ScsiId", "ScsiSN", "IOMode", "Sectors", "Blocks", "BlockSize")


def _type_of(key: str) -> str | None:
    if key in INT_PARAMS:
        low, high = RANGES.get(key, (None, None))
        return f"int {low}..{high}" if low is not None else "int"
    if key in BOOL_PARAMS:
        return "Yes or No"
    return "None, CRC32C or both" if key in DIGEST_PARAMS else None


#: ietd.conf's schema (keywords in their canonical spelling; ietd reads them in any
#: case): each parameter's type and ietd's default, from the tables above.
SCHEMA = Schema(
    "iscsitarget",
    "IET",
    {
        "top": {
            SPELLING[k]: Keyword(SPELLING[k], type=_type_of(k), default=DEFAULTS.get(k))
            for k in sorted(KNOWN)
        }
    },
    refuses=False,
)
IO_MODES = ("wb", "wt", "ro")


@attrs.define(eq=False)
class IetdStyle(LineStyle):
    """``Target`` lines at column 0, everything else one ``indent`` in (a tab, or what
    the file's own target lines use); with ``spaced``, a blank line before a new
    ``Target`` (a file that sets its targets apart)."""

    spaced: bool = False

    def render_node(self, node: Node, indent: str) -> str:
        if isinstance(node, Entry):
            indent = "" if _is_target(node) else self.indent
        return super().render_node(node, indent)

    def apart(self, node: Node, indent: str) -> bool:
        return self.spaced and isinstance(node, Entry) and _is_target(node)


def _is_target(node: Entry) -> bool:
    return node.key.lower() == "target"


STYLE = IetdStyle(indent="\t", separator=" ")


def _style_for(source: str) -> IetdStyle:
    """:data:`STYLE` with the layout of ``source``, for the lines added to it: the
    indentation of the first line inside a target, a blank line before a new target
    when the file's last target has one before it (comment lines above it aside), and
    the file's line ending. ietd reads any layout (indentation is free)."""
    inner, spaced, gap, after_statement, in_target = None, False, False, False, False
    for line in source.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped.strip():
            gap = True
            continue
        if stripped.startswith("#"):
            continue
        if stripped.split(None, 1)[0].lower() == "target":
            spaced = gap if after_statement else spaced
            in_target = True
        elif in_target and inner is None:
            inner = line[: len(line) - len(stripped)]
        after_statement, gap = True, False
    newline = "\r\n" if "\r\n" in source else "\n"
    if inner in (None, STYLE.indent) and not spaced and newline == STYLE.newline:
        return STYLE
    indent = STYLE.indent if inner is None else inner
    return attrs.evolve(STYLE, indent=indent, spaced=spaced, newline=newline)


@attrs.frozen
class Lun:
    """``Lun N Path=...,Type=...``: a device exported as LUN ``number``."""

    number: int | None
    path: str | None
    type: str | None
    options: dict[str, str]
    entry: Entry = attrs.field(eq=False, repr=False)

    @property
    def scsi_id(self) -> str | None:
        return self.options.get("scsiid")

    @property
    def scsi_sn(self) -> str | None:
        return self.options.get("scsisn")

    @property
    def io_mode(self) -> str | None:
        return self.options.get("iomode")

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "path": self.path, "type": self.type, **self.options}


def parse_lun(entry: Entry) -> Lun:
    """Read ``Lun N Path=..,Type=..``, and ``Lun N PATH TYPE`` for what its author meant
    (IET refuses that form: :func:`_lun_options_problem`)."""
    values = entry.values
    number = decimal_or_none(values[0]) if values else None
    rest = values[1:]
    options: dict[str, str] = {}
    path = kind = None
    if rest and "=" in rest[0]:
        for part in ",".join(rest).split(","):
            k, _, v = part.partition("=")
            if k.strip():
                options[k.strip().lower()] = v.strip()
        path = options.pop("path", None)
        kind = options.pop("type", None)
    elif rest:
        path = rest[0]
        kind = rest[1] if len(rest) > 1 else None
    return Lun(number, path, kind.lower() if kind else None, options, entry)


@attrs.frozen
class User:
    """A CHAP account: ``IncomingUser`` (initiators log in with it) or
    ``OutgoingUser`` (the target authenticates itself)."""

    direction: str
    name: str | None
    password: str | None = attrs.field(repr=False)
    entry: Entry = attrs.field(eq=False, repr=False)


@attrs.define(eq=False)
class Target:
    """One ``Target IQN`` and the lines up to the next target.

    ``document`` is the :class:`IetdDocument` the target was read from: :meth:`add_lun`
    and :meth:`add_user` insert their lines there (a target made by hand has none)."""

    entry: Entry
    lines: list[Entry]
    document: IetdDocument | None = attrs.field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The target's IQN."""
        return self.entry.values[0] if self.entry.values else ""

    @property
    def luns(self) -> list[Lun]:
        """Every ``Lun`` line in order (a repeated number shows up twice)."""
        return [parse_lun(e) for e in self.lines if e.key.lower() == "lun"]

    def lun(self, number: int) -> Lun | None:
        """The first LUN numbered ``number``, else ``None``."""
        return next((lun for lun in self.luns if lun.number == number), None)

    @property
    def alias(self) -> str | None:
        """The target's ``Alias`` (the last one), else ``None``: the whole rest of the
        line, words joined by one space, without the double quotes around it.

        ietd itself never reads the value (usr/plain.c of IET 0.4.12 to 1.4.20,
        plain_target_init: ``strcasecmp(p, "Alias") && tid`` does nothing), so it has
        no quoting rules: ``Alias "Web store"`` is the admin's two-word label, which
        the first word alone (``"Web``) garbled."""
        found = [e for e in self.lines if e.key.lower() == "alias" and e.values]
        if not found:
            return None
        text = " ".join(found[-1].values)
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1].strip()
        return text or None

    @property
    def users(self) -> list[User]:
        """The target's CHAP accounts (``IncomingUser``, ``OutgoingUser``), in order."""
        return _users(self.lines)

    @property
    def params(self) -> dict[str, str]:
        """iSCSI parameters by their canonical spelling (a later line wins)."""
        return _params(self.lines)

    def number(self, key: str) -> tuple[int | None, Entry | None]:
        """The value ietd uses for the numeric parameter ``key``, and its line: the
        target's last ``key`` line, else ietd's default (line ``None``). The value is
        ``None`` for a line that is not a number (XC005's) or a key without a default."""
        low = key.lower()
        found = [e for e in self.lines if e.key.lower() == low]
        if not found:
            return DEFAULTS.get(low), None
        first = found[-1].values[0] if found[-1].values else ""
        return decimal_or_none(first), found[-1]

    def set_lun_path(self, number: int, path: str) -> None:
        """Point LUN ``number`` at another device, changing only its line."""
        lun = self.lun(number)
        if lun is None:
            raise KeyError(number)
        e = lun.entry
        STYLE.check("Lun", [path])
        if len(e.values) > 1 and "=" in e.values[1]:
            parts = [
                f"Path={path}" if p.split("=", 1)[0].strip().lower() == "path" else p
                for p in ",".join(e.values[1:]).split(",")
            ]
            e.values = [e.values[0], ",".join(parts)]
        else:
            e.values = [e.values[0], path, *e.values[2:]]

    def _insert(self, key: str, values: list[str]) -> Entry:
        """A new line at the end of this target's lines (before the next target)."""
        if self.document is None:
            raise ValidationError(f"target {self.name!r} belongs to no document")
        self.document.check(key, values)
        anchor = self.lines[-1] if self.lines else self.entry
        e = self.document.insert_after(anchor, Entry(key, values))
        self.lines.append(e)
        return e

    def add_lun(
        self, path: str, type: str = "blockio", *, number: int | None = None, **options: str
    ) -> Lun:
        """Export ``path`` as a new LUN: ``Lun N Path=PATH,Type=TYPE[,KEY=VALUE...]``
        after the target's last line. ``number`` defaults to one above the highest
        LUN (0 for the first); ``options`` are written as given (``ScsiId="web0"``,
        ``IOMode="wt"``). A number the target already uses is a ``ValueError``: ietd
        does not add that LUN (lint's IS001)."""
        for what, v in (("Path", path), ("Type", type), *options.items()):
            # (ietd.conf(5): 'Lun N Path=DEV,Type=T,...': a ',' in a value adds an option)
            if not v or "," in str(v) or not str(v).isprintable():
                raise ValidationError(f"LUN {what} {v!r}: a non-empty word without ',' is needed")
        taken = [lun.number for lun in self.luns if lun.number is not None]
        if number is None:
            number = max(taken, default=-1) + 1
        elif number in taken:
            raise ValidationError(f"target {self.name!r} already has LUN {number}")
        spec = ",".join([f"Path={path}", f"Type={type}", *(f"{k}={v}" for k, v in options.items())])
        return parse_lun(self._insert("Lun", [str(number), spec]))

    def add_user(self, name: str, password: str, *, direction: str = "incoming") -> User:
        """Add a CHAP account after the target's last line: ``IncomingUser NAME
        PASSWORD`` (initiators log in with it; several may be listed) or, with
        ``direction="outgoing"``, ``OutgoingUser`` (the target's own, for mutual
        CHAP: ietd uses one). The password stays in the file in clear, as ietd
        reads it; ``to_dict()`` masks it."""
        if direction not in ("incoming", "outgoing"):
            raise ValidationError(f"direction is 'incoming' or 'outgoing', not {direction!r}")
        if (
            not name
            or not password
            or not (name + password).isprintable()
            or " " in name + password
        ):
            # (a NUL ends the line ietd reads: the password would be cut short)
            raise ValidationError("a CHAP user name and password are single words")
        e = self._insert(f"{direction.capitalize()}User", [name, password])
        return _users([e])[0]

    def set_param(self, key: str, value: str | int) -> Entry:
        """Set the target's iSCSI parameter ``key`` (``MaxConnections``,
        ``ImmediateData``, ``HeaderDigest`` ...): its last line changes, else a line
        in ietd's spelling is added after the target's last line. A key ietd does
        not read in a target is a ValueError (it would be ignored)."""
        low = key.lower()
        if low not in INT_PARAMS | BOOL_PARAMS | DIGEST_PARAMS:
            raise ValidationError(f"{key!r} is not an iSCSI parameter ietd reads in a target")
        if not str(value).isprintable():  # (a NUL ends the line ietd reads)
            raise ValidationError(f"{key} {value!r}: a value of printable characters is needed")
        found = [e for e in self.lines if e.key.lower() == low]
        if found:
            STYLE.check(key, [str(value)])
            found[-1].values = [str(value)]
            return found[-1]
        return self._insert(SPELLING.get(low, key), [str(value)])

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "alias": self.alias,
            "luns": [lun.to_dict() for lun in self.luns],
            "users": [_user_dict(u, show_secrets) for u in self.users],
            "params": self.params,
        }


def _users(lines: list[Entry]) -> list[User]:
    """The CHAP accounts ietd creates: a line without a password is none
    (``plain_account_add``, usr/plain.c: "if (!name || !pass) return -EINVAL"), so a
    bare ``IncomingUser`` does not protect a target (XC005 reports the line)."""
    out = []
    for e in lines:
        low = e.key.lower()
        if low in ("incominguser", "outgoinguser") and len(e.values) >= 2:
            out.append(User(low[: -len("user")], e.values[0], e.values[1], e))
    return out


def _params(lines: list[Entry]) -> dict[str, str]:
    return {
        SPELLING.get(e.key.lower(), e.key): " ".join(e.values)
        for e in lines
        if e.key.lower() in INT_PARAMS | BOOL_PARAMS | DIGEST_PARAMS
    }


def _user_dict(u: User, show_secrets: bool) -> dict[str, Any]:
    from ...secrets import MASK

    shown = u.password if show_secrets or u.password is None else MASK
    return {"direction": u.direction, "name": u.name, "password": shown}


@attrs.define(weakref_slot=False)
class IetdDocument(LineDocument):
    """A parsed ietd.conf."""

    format = FORMAT
    style = STYLE

    def dumps(self) -> str:
        """The text, with added lines indented and set apart like the file's own."""
        return render(self, _style_for(self.source))

    def _split(self) -> tuple[list[Entry], list[Target]]:
        globals_: list[Entry] = []
        targets: list[Target] = []
        for e in self.entries():
            if e.key.lower() == "target":
                targets.append(Target(e, [], self))
            elif targets:
                targets[-1].lines.append(e)
            else:
                globals_.append(e)
        return globals_, targets

    @property
    def targets(self) -> list[Target]:
        """Targets in file order (a repeated IQN shows up twice)."""
        return self._split()[1]

    def target(self, name: str) -> Target | None:
        """The target whose IQN is ``name`` (IQNs compare case-insensitively, RFC 3722)."""
        want = need_str(name, "target(name)").lower()
        return next((t for t in self.targets if t.name.lower() == want), None)

    @property
    def global_lines(self) -> list[Entry]:
        """The lines before the first target: discovery accounts and iSNS (ietd reads
        no iSCSI parameter there)."""
        return self._split()[0]

    @property
    def global_users(self) -> list[User]:
        """Discovery CHAP accounts (the lines before the first target)."""
        return _users(self._split()[0])

    @property
    def global_params(self) -> dict[str, str]:
        return _params(self._split()[0])

    def add_target(self, name: str, *luns: tuple[str, str]) -> Target:
        """Append ``Target NAME`` with ``(path, type)`` LUNs numbered from 0; the
        returned :class:`Target` takes more lines (:meth:`Target.add_lun`,
        :meth:`Target.add_user`). A name the file already has is a ValueError: ietd
        refuses the second definition (lint's IS002)."""
        if self.target(need_str(name, "add_target(name)")) is not None:
            raise ValidationError(f"target {name!r} already exists")
        self.check("Target", [name])
        for path, kind in luns:
            self.check("Lun", ["0", f"Path={path},Type={kind}"])
        self.children.append(Entry("Target", [name]))
        for number, (path, kind) in enumerate(luns):
            self.children.append(Entry("Lun", [str(number), f"Path={path},Type={kind}"]))
        return self.targets[-1]

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        for e in self.entries():
            if e.key.lower() not in KNOWN:
                yield KeywordProblem(e, "unknown", e.key, suggest(e.key, SPELLING.values()))

    def value_problems(self) -> Iterator[ValueProblem]:
        """Values ietd refuses or that break RFC 3720's limits, line by line."""
        for e in self.entries():
            if e.key.lower() in ("incominguser", "outgoinguser") and not e.values:
                yield _bare_account(e)
                continue
            message = _value_problem(e)
            if message:
                # a malformed target name is a warning: IET takes any name (usr/target.c
                # target_add copies it; kernel/target.c iscsi_target_create refuses only
                # an empty one) and open-iscsi logs in to it as it is
                named = e.key.lower() == "target" and bool(e.values)
                yield ValueProblem(e, message, harmless=named)
            elif e.key.lower() == "lun":
                yield from _case_problem(e)
                if len(e.values) == 2:
                    pieces = [p.partition("=") for p in e.values[1].split(",") if p]
                    kind = next((v for k, _, v in pieces if k.lower() == "type"), None)
                    yield from lun_type_problems(e, kind, [k for k, _, _ in pieces])
                    size = next((v for k, _, v in pieces if k.lower() == "blocksize"), None)
                    if size is not None and (found := block_size_problem(e, size)):
                        yield found
        for scope, lines in [("global", self._split()[0])] + [
            (t.name, t.lines) for t in self.targets
        ]:
            fb = _int_of(lines, "firstburstlength")
            mb = _int_of(lines, "maxburstlength")
            if fb is not None and mb is not None and fb[0] > mb[0]:
                yield ValueProblem(
                    fb[1], f"FirstBurstLength {fb[0]} exceeds MaxBurstLength {mb[0]} ({scope})"
                )

    def secrets(self) -> list[str]:
        users = self.global_users + [u for t in self.targets for u in t.users]
        return [u.password for u in users if u.password]

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "users": [_user_dict(u, show_secrets) for u in self.global_users],
            "params": self.global_params,
            "targets": [t.to_dict(show_secrets) for t in self.targets],
        }


def _int_of(lines: list[Entry], key: str) -> tuple[int, Entry] | None:
    found = [e for e in lines if e.key.lower() == key and e.values and is_decimal(e.values[0])]
    return (decimal(found[-1].values[0]), found[-1]) if found else None


def _bare_account(e: Entry) -> ValueProblem:
    """A bare ``IncomingUser`` / ``OutgoingUser`` line, as old example configurations
    and HOWTOs wrote them ("no users means anyone can access the target"): ietd's
    ``plain_account_init`` (usr/plain.c) passes no name and no password to
    ``plain_account_add``, which returns -EINVAL; ietd prints "(null) (null)" and starts
    without an account. Nothing is lost (a warning, not an error); IS007 says whether
    the target is then open to any initiator."""
    return ValueProblem(
        e,
        f"{e.key} without a user name and a password: ietd skips the line (no CHAP"
        f" account); delete it, or give the account ('{e.key} NAME SECRET')",
        harmless=True,
    )


def _lun_options_problem(number: int, words: list[str]) -> str:
    """``Lun 1 /dev/x blockio`` or ``Lun 1 Path=/dev/x Type=blockio``: ietd hands the
    rest of the line, trimmed, to the kernel module as one string (usr/plain.c
    ``plain_main_init``, usr/ctldev.c ``iscsi_lunit_create``), which splits it at ','
    only and matches each piece to ``Key=%s`` (kernel/file-io.c and block-io.c
    ``parse_*_params``, IET 0.4.12 to 1.4.x): ``/dev/x blockio`` is an "unknown param",
    ``Path=/dev/x Type=blockio`` a path with a blank in it that does not open, so the
    LUN is not created (-EINVAL; ietd carries on without it)."""
    joined = " ".join(words)
    pieces = [w.strip(",") for w in words]
    if "=" not in words[0]:
        pieces = [f"Path={pieces[0]}", *(f"Type={w}" for w in pieces[1:2])]
    options = ",".join(p for p in pieces if p)
    why = (
        "reads the LUN's options only as Key=value pieces split at ','"
        if "=" not in words[0]
        else "splits the LUN's options at ',' only, so a blank stays inside a value"
    )
    return (
        f"LUN {number} '{joined}': IET's kernel module {why}, and refuses the LUN"
        f' ("unknown param" or a path that does not open): it is not exported. Write'
        f" 'Lun {number} {options}'"
    )


def _case_problem(e: Entry) -> Iterator[ValueProblem]:
    """``Lun 0 path=/dev/x``: an option key in another case than IET's. IET 1.4.20 on
    lower-case the key before matching it (:data:`IET_LUN_KEYS_ANY_CASE`); 0.4.x to
    1.4.19 match ``Path=%s`` as written (0.4.17/1.4.19 kernel/file-io.c ``tokens``), so
    there ``path=`` is an "unknown param" and the LUN is not exported."""
    if len(e.values) != 2 or "=" not in e.values[1]:
        return
    right = {k.lower(): k for k in LUN_OPTION_KEYS}
    keys = [p.partition("=")[0] for p in e.values[1].split(",") if p]
    other = [k for k in keys if k not in LUN_OPTION_KEYS and k.lower() in right]
    if not other:
        return
    fix = ", ".join(f"'{right[k.lower()]}='" for k in other)
    yield RefusedBefore(
        e,
        f"LUN {e.values[0]}: IET before {IET_LUN_KEYS_ANY_CASE} matches each option by its"
        f" exact spelling (match_token 'Path=%s'), so '{other[0]}=' is an \"unknown param\""
        f" there and the LUN is not exported (1.4.20 on take any case): write {fix}",
        since=("iscsitarget", IET_LUN_KEYS_ANY_CASE),
    )


#: The highest LUN number IET takes (kernel/volume.c volume_add, 0.4.x and 1.4.x alike:
#: -EINVAL above 0x3fff, and the LUN is not exported).
IET_MAX_LUN = 0x3FFF


def _lun_range_problem(number: int) -> str | None:
    """A LUN number above :data:`IET_MAX_LUN`. ietd reads it with ``u32 lun = strtol(q,
    &q, 10)`` (usr/plain.c, 0.4.17 line 564, 1.4.19 line 625): strtol saturates at
    LONG_MAX and the u32 keeps the low 32 bits, so 4294967296 is LUN 0."""
    if number <= IET_MAX_LUN:
        return None
    read = min(number, LONG_MAX) % 2**32
    told = f"LUN {shown(number)} is above {IET_MAX_LUN}, the highest IET takes"
    if read <= IET_MAX_LUN:
        return f"{told}: ietd reads it into 32 bits, as LUN {read}"
    return f"{told} (kernel/volume.c volume_add): the LUN is not exported"


def _value_problem(e: Entry) -> str | None:
    key = e.key.lower()
    first = e.values[0] if e.values else ""
    if key == "target":
        return iqn_problem(first) if first else "Target needs a name"
    if key == "lun":
        lun = parse_lun(e)
        if lun.number is None:
            return f"LUN number {first!r} is not a number"
        if (problem := _lun_range_problem(lun.number)) is not None:
            return problem
        if len(e.values) > 2 or (len(e.values) == 2 and "=" not in e.values[1]):
            return _lun_options_problem(lun.number, e.values[1:])
        wrong = (
            [k for k, _, _ in (p.partition("=") for p in e.values[1].split(",") if p)]
            if len(e.values) == 2
            else []
        )
        known = {k.lower() for k in LUN_OPTION_KEYS}
        wrong = [k for k in wrong if k.lower() not in known]  # (a case only: _case_problem)
        if wrong:
            return (
                f"LUN {lun.number}: '{wrong[0]}=' is no option IET's kernel module knows"
                " (match_token tables of kernel/file-io.c, block-io.c, null-io.c), so it is"
                ' an "unknown param" and the LUN is not exported'
                f" (options: {', '.join(LUN_OPTION_KEYS)})"
            )
        if lun.path is None and lun.type != "nullio":
            # a nullio LUN has none: ietd.conf(5)'s own example is
            # "Lun 1 Sectors=10000,Type=nullio" (1.4.20: Blocks=,BlockSize=)
            return f"LUN {lun.number} has no Path"
        if lun.type is not None and lun.type not in LUN_TYPES:
            return f"LUN {lun.number} Type={lun.type}: one of {', '.join(LUN_TYPES)}"
        if lun.io_mode is not None and lun.io_mode not in IO_MODES:
            return f"LUN {lun.number} IOMode={lun.io_mode}: one of {', '.join(IO_MODES)}"
        return None
    if key in ("incominguser", "outgoinguser") and len(e.values) != 2:
        return f"{e.key} takes a user name and a password"
    if key in INT_PARAMS:
        if not is_decimal(first):
            return f"{e.key} {first!r} is not a number"
        low, high = RANGES.get(key, (0, 2**32))
        if not low <= decimal(first) <= high:
            return f"{e.key} {shown(decimal(first))} is outside {low}..{high}"
    if key in BOOL_PARAMS and first not in ("Yes", "No"):
        # ietd.conf(5): 'The "Yes" and "No" for parameter values are case sensitive.'
        return f"{e.key} {first!r}: Yes or No (case sensitive)"
    if key in DIGEST_PARAMS and not all(
        d.strip().lower() in ("none", "crc32c") for d in first.split(",")
    ):
        return f"{e.key} {first!r}: None, CRC32C or both"
    return None


parse = parser_for(IetdDocument)


def sniff(text: str) -> bool:
    import re

    return re.search(r"^[ \t]*Target\s+(iqn|eui|naa)\.", text, re.M | re.I) is not None
