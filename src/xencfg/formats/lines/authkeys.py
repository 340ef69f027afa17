"""authkeys: heartbeat's shared secret for signing cluster messages.

``auth N`` selects the method-id used to *send*; ``N crc``, ``N md5 KEY`` and
``N sha1 KEY`` lines list the methods (all listed ids are accepted on
receipt, which allows key rotation). The keys are secrets: ``repr`` never
shows them and :meth:`AuthkeysDocument.to_dict` masks them unless asked.
heartbeat refuses to start unless the file is mode 0600; ``xencfg.load``
records the mode in ``doc.mode`` and ``xencfg.dump`` keeps it. (heartbeat
really refuses any group or other permission bit, so 0400 passes too.)

Parse errors (heartbeat cannot use the file at all): ``auth`` without a
method-id or with a value not starting with a number (``auth 1abc`` is read as
``auth 1``, a warning), a key line whose id is not a number,
a key line without a method, ``md5``/``sha1`` without a key. Everything else
heartbeat refuses or ignores is reported by :meth:`AuthkeysDocument.problems`
(checked against the daemon): an unknown method (names are case-sensitive:
``SHA1`` is refused), a method-id outside 0-15, ``auth`` naming an id without
a usable key, key lines *before* ``auth`` (heartbeat skips them), a key after
``crc`` (the id becomes unusable), weak keys, crc, mode; and, as harmless
(heartbeat starts and skips them), what follows the number of ``auth`` or a key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from ...errors import ParseError, ValidationError, error_at
from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ...syntax.numbers import decimal, shown
from ..view import to_int
from ._base import LineDocument, end_of, parser_for

FORMAT = "authkeys"
MASK = "********"
METHODS = frozenset({"crc", "md5", "sha1"})
#: heartbeat's MAXAUTH: method-ids run from 0 to 15 (``auth 0`` works, 16 does not).
MAX_INDEX = 15
REQUIRED_MODE = 0o600

#: Keys copied from tutorials and templates: anyone can read them.
_PLACEHOLDERS = frozenset(
    {
        "somelongstringwithrandomchars",
        "superstrongpassword",
        "thisisasecretkey",
        "yoursecretpassword",
        "password",
        "secret",
        "changeme",
        "hi!",
        "hello!",
        "test",
        "heartbeat",
        "mysecret",
        "secretkey",
    }
)


@functools.cache
def _hashed() -> frozenset[str]:
    """Tutorials also hash a placeholder (``echo yoursecretpassword | sha1sum``): its
    sha1 and md5 digests. Made on first need: hashlib's import (OpenSSL's set-up) is
    about 4 ms of a lint's start-up, and only a key of 32 or 40 characters can be one."""
    import hashlib

    return frozenset(
        hashlib.new(algo, (p + nl).encode("utf-8", "surrogateescape")).hexdigest()
        for p in ("yoursecretpassword", "password", "secret", "changeme", "heartbeat")
        for nl in ("", "\n")
        for algo in ("sha1", "md5")
    )


#: Shorter keys are guessable.
MIN_KEY_LENGTH = 16


def is_weak_key(key: str | None) -> bool:
    """Whether a key is a known placeholder, a hash of one, or shorter than 16 characters."""
    if not key:
        return True
    low = key.lower()
    if low in _PLACEHOLDERS or len(key) < MIN_KEY_LENGTH:
        return True
    return len(low) in (32, 40) and low in _hashed()


@attrs.define(weakref_slot=False, repr=False)
class KeyLine(Entry):
    """A ``N method [key]`` line. Its key is never shown by ``repr``."""

    @property
    def index(self) -> int | None:
        return to_int(self.key)

    @property
    def method(self) -> str | None:
        return self.values[0] if self.values else None

    @property
    def secret(self) -> str | None:
        """The key (``None`` for crc)."""
        return self.values[1] if len(self.values) > 1 else None

    def __repr__(self) -> str:
        shown = self.values[:1] + [MASK] * (len(self.values) > 1)
        return f"KeyLine(key={self.key!r}, values={shown!r})"


@attrs.frozen
class AuthMethod:
    """One usable method-id: its method and key."""

    index: int
    method: str
    secret: str | None = attrs.field(repr=False)

    def __repr__(self) -> str:
        return f"AuthMethod(index={self.index}, method={self.method!r}, secret={MASK!r})"


@attrs.define(weakref_slot=False)
class AuthkeysDocument(LineDocument):
    """A parsed authkeys file."""

    format = FORMAT
    known: ClassVar[frozenset[str] | None] = None
    #: every line is read once: a second ``auth`` (heartbeat 3.0.6 starts and signs with
    #: the later one, auth.c ``sscanf(bp, "auth %d")`` overwriting authnum) or method-id
    #: is XC007, a repeated setting, not a refusal
    repeatable: ClassVar[frozenset[str] | None] = frozenset()

    @classmethod
    def entry_class(cls, key: str) -> type[Entry]:
        return Entry if key == "auth" else KeyLine

    def __repr__(self) -> str:
        return (
            f"AuthkeysDocument(path={self.path!r}, mode={self.mode!r}, children={self.children!r})"
        )

    def secrets(self) -> list[str]:
        """Every key on a key line (read or not: a stale key is still a key)."""
        return [e.secret for e in self.children if isinstance(e, KeyLine) and e.secret is not None]

    # -- typed view --------------------------------------------------------
    @property
    def selected(self) -> int | None:
        """The method-id heartbeat signs outgoing messages with (``auth N``)."""
        return auth_number(self.get("auth"))

    @selected.setter
    def selected(self, index: int) -> None:
        self.set("auth", str(index))

    def check(self, key: str, values: Iterable[str]) -> None:
        """Refuse a line heartbeat's auth.c does not read as written: a line starts with
        ``auth`` or a method-id number, and ``auth`` names a method-id (a number)."""
        values = list(values)
        if key == "auth":
            if len(values) != 1 or re.fullmatch(r"[0-9]+", values[0]) is None:
                raise ValidationError(f"'auth' takes one method-id number, not {values!r}")
        elif not isinstance(key, str) or re.fullmatch(r"[0-9]+", key) is None:
            raise ValidationError(
                f"an authkeys line starts with 'auth' or a method-id number, not {key!r}"
            )
        super().check(key, values)

    def set(self, key: str, *values: str) -> Entry:
        """Set ``key``: edit its last line in place, or add a new line. A new ``auth``
        line goes before the first key line: heartbeat reads only the keys after it
        (auth.c), so appended after them it left every key unread and heartbeat
        refused to start ("Auth Key [1] not found in keyfile")."""
        if key != "auth" or self.entry("auth") is not None:
            return super().set(key, *values)
        self.check(key, values)
        line = self.entry_class("auth")("auth", list(values))
        at = next((i for i, c in enumerate(self.children) if isinstance(c, KeyLine)), None)
        if at is None:
            self.children.append(line)
        else:
            self.children.insert(at, line)
        return line

    def _read_lines(self) -> list[KeyLine]:
        """Key lines heartbeat reads: those after the first ``auth`` line."""
        seen_auth = False
        out: list[KeyLine] = []
        for e in self.children:
            if isinstance(e, Entry) and e.key == "auth":
                seen_auth = True
            elif isinstance(e, KeyLine) and seen_auth:
                out.append(e)
        return out

    @property
    def methods(self) -> dict[int, AuthMethod]:
        """The usable method-ids heartbeat reads (a later duplicate wins).

        Lines before ``auth`` and ``crc`` lines that carry a key are left out:
        heartbeat does not find a key for them.
        """
        out: dict[int, AuthMethod] = {}
        for e in self._read_lines():
            if e.index is None or e.method is None:
                continue
            if e.method == "crc" and len(e.values) > 1:
                continue
            out[e.index] = AuthMethod(e.index, e.method, e.secret)
        return out

    @property
    def active(self) -> AuthMethod | None:
        """The method and key in use for sending, or ``None`` if ``auth`` names no listed id."""
        sel = self.selected
        return self.methods.get(sel) if sel is not None else None

    def key_line(self, index: int) -> KeyLine | None:
        """The last key line of method-id ``index`` (the one :meth:`set_key` edits), or
        ``None``."""
        found = None
        for e in self.children:
            if isinstance(e, KeyLine) and e.index == index:
                found = e
        return found

    def set_key(self, index: int, method: str, secret: str | None = None) -> KeyLine:
        """Set method-id ``index`` (editing its line, or adding one)."""
        vals = [method] if secret is None else [method, secret]
        self.check(str(index), vals)
        line = self.key_line(index)
        if line is None:
            new = KeyLine(str(index), vals)
            self.children.append(new)
            return new
        line.values = vals
        return line

    @property
    def uses_crc(self) -> bool:
        """crc is a checksum, not authentication: anyone on the wire can forge messages."""
        a = self.active
        return a is not None and a.method == "crc"

    @property
    def mode_ok(self) -> bool | None:
        """Whether heartbeat accepts the file mode: no group or other bits (0600, 0400).

        ``None`` when the text did not come from a file.
        """
        return None if self.mode is None else (self.mode & 0o077) == 0

    def problems(self) -> Iterator[ValueProblem]:
        """``(node or None, message)`` for what heartbeat refuses or what is unsafe:
        :meth:`value_problems` and :meth:`safety_problems` together."""
        yield from self.safety_problems()
        yield from self.value_problems()

    def value_problems(self) -> Iterator[ValueProblem]:
        """``(node, message)`` for lines heartbeat refuses or skips (lint's XC005).

        The checks with their own lint rules (mode, weak keys, crc, ``auth``
        naming a missing id) are in :meth:`safety_problems`.
        """
        auths = self.entries("auth")
        if not auths:
            first = self.children[0] if self.children else None
            yield ValueProblem(first, "no 'auth N' line: heartbeat has no method to sign with")
        read = {id(e) for e in self._read_lines()}
        for e in self.children:
            if not isinstance(e, KeyLine):
                continue
            if id(e) not in read:
                yield ValueProblem(
                    e, f"method-id {e.key} comes before 'auth': heartbeat does not read it"
                )
            if e.method not in METHODS:
                yield ValueProblem(
                    e,
                    (
                        f"invalid authtype [{e.values[0]}] (heartbeat knows crc, md5, sha1;"
                        " case matters)"
                    ),
                )
            if e.index is not None and not 0 <= e.index <= MAX_INDEX:
                yield ValueProblem(
                    e, f"invalid authnum [{shown(e.index)}]: method-ids run from 0 to {MAX_INDEX}"
                )
            if e.method == "crc" and len(e.values) > 1:
                yield ValueProblem(
                    e, f"method-id {e.key}: crc takes no key, heartbeat cannot use this line"
                )
            elif len(e.values) > 2:
                # auth.c reads a key line with sscanf(bp, "%d%s%s", &i, method, key):
                # the key is the first word, the rest is skipped and heartbeat starts
                # (checked with the daemon). Both nodes read the same word, so the
                # cluster works; HB007 judges that word's strength.
                yield ValueProblem(
                    e,
                    f"method-id {e.key}: words after the key are skipped: heartbeat signs"
                    " with the first word only (a key is one word)",
                    harmless=True,
                )
        for e in auths:
            m = re.match(r"[+-]?[0-9]+", e.values[0]) if e.values else None
            if m is None:
                continue
            n = auth_number(m.group())
            skipped = " ".join([e.values[0][m.end() :], *e.values[1:]]).strip()
            if skipped:
                # auth.c: sscanf(bp, "auth %d", &authnum) reads the leading number only
                yield ValueProblem(
                    e,
                    f"'auth' takes one method-id: heartbeat reads 'auth {n}' and skips {skipped!r}",
                    harmless=True,
                )

    @property
    def missing_selected(self) -> bool:
        """``auth N`` names a method-id with no usable line: heartbeat cannot sign."""
        sel = self.selected
        return bool(self.entries("auth")) and sel is not None and sel not in self.methods

    def weak_lines(self) -> list[KeyLine]:
        """md5/sha1 lines whose key is a placeholder, a hash of one, or short."""
        return [
            e
            for e in self.children
            if isinstance(e, KeyLine) and e.method in ("md5", "sha1") and is_weak_key(e.secret)
        ]

    def safety_problems(self) -> Iterator[ValueProblem]:
        """``(node or None, message)``: mode, weak keys, ``auth`` naming a missing
        id, crc. Messages never contain a key."""
        if self.mode is not None and not self.mode_ok:
            mode = f"{self.mode & 0o777:04o}"
            yield ValueProblem(
                None,
                (
                    f"mode {mode}: heartbeat refuses an authkeys file open to group or others"
                    " (use 0600)"
                ),
            )
        for e in self.weak_lines():
            yield ValueProblem(e, f"method-id {e.key}: weak or placeholder key")
        if self.missing_selected:
            yield ValueProblem(
                self.entries("auth")[-1], f"auth key [{self.selected}] not found in the file"
            )
        if self.uses_crc:
            yield ValueProblem(
                self.entry("auth"), "crc gives no authentication: use sha1 with a random key"
            )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        """The typed model; keys are masked unless ``show_secrets``."""

        def shown(secret: str | None) -> str | None:
            return secret if show_secrets or secret is None else MASK

        active = self.active
        return {
            "format": FORMAT,
            "mode": None if self.mode is None else f"{self.mode & 0o7777:04o}",
            "selected": self.selected,
            "methods": {
                str(i): {"method": m.method, "key": shown(m.secret), "weak": is_weak_key(m.secret)}
                for i, m in self.methods.items()
            },
            "active": None
            if active is None
            else {"index": active.index, "method": active.method, "key": shown(active.secret)},
        }

    # -- structure ---------------------------------------------------------
    def validate(self, text: str) -> None:
        for e in self.entries():
            err = _line_error(e, text)
            if err is not None:
                offset, message = err
                exc = error_at(text, self.path, offset, message)
                raise _masked(exc, e)


def auth_number(raw: str | None) -> int | None:
    """The method-id heartbeat reads from the value of ``auth``: auth.c scans the line
    with ``sscanf(bp, "auth %d", &authnum)``, so a leading number counts and what
    follows it is skipped (``auth 1abc`` is ``auth 1``; checked with the daemon)."""
    if raw is None:
        return None
    m = re.match(r"([+-]?)([0-9]+)", raw)  # (ASCII digits, as %d reads; saturated)
    return (-decimal(m[2]) if m[1] == "-" else decimal(m[2])) if m else None


def _line_error(e: Entry, text: str) -> tuple[int, str] | None:
    """Offset and message of what is wrong with one line (values first: the tokens, which
    a light parse drops, are read only to place an error; the format has no quoting)."""
    vals = e.values_view
    if e.key == "auth":
        if not vals:
            return end_of(e), "'auth' needs the method-id to send with (auth 1)"
        if auth_number(vals[0]) is None:
            at = e.value_toks[0].pos
            return at, f"the method-id after 'auth' must be a number, not {vals[0]!r}"
        # more words are no error: heartbeat 3.0.6 auth.c reads the line with
        # sscanf(bp, "auth %d", &authnum) and starts (checked with the daemon);
        # value_problems warns that they are skipped
        return None
    if to_int(e.key) is None:
        # not quoted: a word alone on an authkeys line is most likely a key broken
        # off its line, and error output ends up in logs
        return e.pos, "expected 'auth' or a method-id number at the start of the line"
    if not vals:
        return end_of(e), f"method-id {e.key} needs a method (crc, md5 or sha1)"
    method = vals[0]
    if method in ("md5", "sha1") and len(vals) < 2:
        return end_of(e), f"method-id {e.key}: auth method [{method}] requires a key"
    return None


def _masked(exc: ParseError, e: Entry) -> ParseError:
    """Hide the key in the error's source snippet: error output ends up in logs."""
    if isinstance(e, KeyLine) and len(e.value_toks) > 1:
        for t in e.value_toks[1:]:
            exc.snippet = exc.snippet.replace(t.text, "*" * len(t.text))
        exc.args = (str(exc),)
    elif e.key != "auth" and to_int(e.key) is None:  # a stray word: maybe a key
        lines = exc.snippet.split("\n")
        if lines:
            lines[0] = "    " + "".join("*" if not c.isspace() else c for c in lines[0][4:])
        exc.snippet = "\n".join(lines)
        exc.args = (str(exc),)
    return exc


parse = parser_for(AuthkeysDocument)


def sniff(text: str) -> bool:
    """An authkeys file has an ``auth N`` line."""
    import re

    return re.search(r"^[ \t]*auth\s+\d+\s*(#.*)?$", text, re.M) is not None
