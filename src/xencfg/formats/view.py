"""Typed views: one base class and one property descriptor for every format.

A format states what each keyword is once, as a :class:`Setting` on its
document or view class (``keepalive = Setting(type=DURATION)``); the
descriptor reads the keyword through the object's ``get(key)`` and writes it
through ``set(key, text)``, so every edit is a splice of that one line. The
class's settings (:func:`settings_of`) are what its ``settings``,
``value_problems`` and ``to_dict`` are built from, instead of a list of
integer keys, another of booleans and a hand-written property per keyword.

:class:`View` is the base of the views on one block (a corosync section, an
o2cb stanza, a multipath ``device``): it holds the block and does the
reading and writing once; a format overrides :meth:`View.get` /
:meth:`View.set` only where its syntax differs (corosync joins a line's
words, o2cb cannot quote).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Protocol,
    TypedDict,
    TypeVar,
    cast,
    overload,
)

import attrs

from .._lazy import lazy_re
from ..problems import ValueProblem
from ..syntax.blocks import Block, BlockStyle, Entry
from ..syntax.numbers import signed_decimal
from .schema import Keyword, Schema, Version

if TYPE_CHECKING:
    from typing_extensions import Unpack

T = TypeVar("T")
R = TypeVar("R")


# -- value converters (the daemons' own readings) ---------------------------

_TRUE = frozenset({"true", "on", "yes", "y", "1"})
_FALSE = frozenset({"false", "off", "no", "n", "0"})


def to_bool(raw: str | None) -> bool | None:
    """heartbeat's booleans (``cl_str_to_boolean``): true/on/yes/y/1, false/off/no/n/0."""
    if raw is None:
        return None
    low = raw.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


def to_int(raw: str | None) -> int | None:
    """A decimal integer, or ``None`` when absent or not a number. ASCII digits of any
    length are a number (:func:`~xencfg.syntax.numbers.signed_decimal`, saturating as the
    daemons' strtoul and atoi do): ``int()`` refuses more than 4,300 digits, which made
    a 5,000-digit port "not a number" where the daemon reads an out-of-range one."""
    if raw is None:
        return None
    m = _SIGNED_DIGITS.fullmatch(raw)
    if m is not None:
        return signed_decimal(m.group(1))
    try:
        return int(raw, 10)
    except ValueError:
        return None


_SIGNED_DIGITS = lazy_re(r"\s*([+-]?[0-9]+)\s*")


#: The suffixes heartbeat 3.0.6 takes (case-insensitive); ``s``/``sec`` it refuses.
_UNITS = (("msec", 0.001), ("ms", 0.001), ("usec", 1e-6), ("us", 1e-6))


def to_seconds(raw: str | None) -> float | None:
    """A heartbeat time (``2``, ``1.5``, ``1500ms``, ``500us``) in seconds; ``None`` if invalid."""
    if raw is None:
        return None
    low = raw.strip().lower()
    scale = 1.0
    for unit, factor in _UNITS:
        if low.endswith(unit):
            low, scale = low[: -len(unit)], factor
            break
    try:
        value = float(low)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")) or value <= 0:
        return None
    return value * scale


def spell_seconds(seconds: float) -> str:
    """How a duration is written back: whole seconds plainly, else milliseconds."""
    if seconds == int(seconds):
        return str(int(seconds))
    return f"{round(seconds * 1000)}ms"


@attrs.frozen
class ValueType(Generic[T]):
    """How a keyword's text reads as a value and a value is written back."""

    #: The schema's name for the type (``int``, ``bool``, ``duration``, ...).
    name: str
    #: Text -> value; ``None`` when the text is not one (the daemon refuses or ignores it).
    parse: Callable[[str], T | None]
    #: Value -> the text written to the file.
    spell: Callable[[Any], str]
    #: The docstring of a property of this type, ``{key}`` filled in.
    doc: str
    #: What a value problem calls a text that does not parse (``a number``).
    expected: str = "a value"
    #: Whether a text is valid (default: it parses); a word from a fixed list reads
    #: as written but is checked against the list.
    valid: Callable[[str], bool] | None = None
    #: Whether ``settings`` shows the value typed (a file mode stays as written).
    typed_in_settings: bool = True
    #: Whether the value is every word of the statement (drbd's ``device /dev/drbd0
    #: minor 0``): ``parse`` reads them joined by blanks (``""`` for a statement
    #: without any), and ``spell``'s text is written back as words.
    words: bool = False

    def accepts(self, raw: str) -> bool:
        """Whether the daemon takes ``raw`` as a value of this type."""
        return self.valid(raw) if self.valid is not None else self.parse(raw) is not None


def choice(words: Collection[str], expected: str) -> ValueType[str]:
    """A word from ``words`` (compared case-blind); read as written."""
    low = frozenset(w.lower() for w in words)
    return ValueType(
        "choice", str, str, "The ``{key}`` value as written.", expected, lambda r: r.lower() in low
    )


def _octal(raw: str) -> int | None:
    try:
        return int(raw, 8)
    except ValueError:
        return None


def _ipv4(raw: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(raw)
    except ValueError:
        return None


WORD: ValueType[str] = ValueType("str", str, str, "The ``{key}`` value as written.")
INT: ValueType[int] = ValueType(
    "int",
    to_int,
    lambda v: str(int(v)),
    "``{key}`` as an int (``None`` if absent or not a number).",
    "a number",
)
#: heartbeat's booleans (``cl_str_to_boolean``), written ``on``/``off``.
BOOL: ValueType[bool] = ValueType(
    "bool",
    to_bool,
    lambda v: "on" if v else "off",
    "``{key}`` as a bool (heartbeat's true/on/yes/y/1).",
    "a boolean",
)
#: A heartbeat time in seconds (``2``, ``1500ms``), written back in whole seconds or ms.
DURATION: ValueType[float] = ValueType(
    "duration",
    to_seconds,
    spell_seconds,
    "``{key}`` in seconds (``ms``/``us`` values converted).",
    "a duration",
)
OCTAL: ValueType[int] = ValueType(
    "octal",
    _octal,
    lambda v: f"0{int(v):o}",
    "``{key}`` as an octal mode.",
    "an octal mode",
    typed_in_settings=False,
)
IPV4: ValueType[ipaddress.IPv4Address] = ValueType(
    "ipv4",
    _ipv4,
    lambda v: str(ipaddress.IPv4Address(str(v))),
    "``{key}`` as an IPv4 address (``None`` if absent or not one).",
    "an IPv4 address",
)


class Facts(TypedDict, total=False):
    """What a :class:`Setting` states of its keyword besides its type and the
    property's default: the rest of the keyword's entry in the format's schema."""

    #: The daemon's default where the property reads ``None`` (``effective()``, docs).
    daemon_default: Any
    #: The property's docstring (default: the type's, ``{key}`` filled in).
    doc: str | None
    #: A keyword the API reads but has never offered to write.
    read_only: bool
    #: Assigning ``None`` removes the keyword's statements (drbd's ``host.node_id = None``).
    removable: bool
    #: The releases that read it (:class:`~xencfg.formats.schema.Keyword`'s fields).
    since: Version | None
    deprecated_in: Version | None
    until: Version | None
    #: What to write instead, where the daemon reads another spelling.
    renamed_to: str | None
    #: The release the schema was checked with refuses or ignores it (which
    #: release dropped it is not recorded).
    obsolete: bool


class _Owner(Protocol):
    """What a :class:`Setting` reads and writes through (a :class:`View`, a line
    document); ``words``/``set_words`` only for a value of several words, ``unset``
    only for a removable one."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> object: ...
    def words(self, key: str) -> str | None: ...
    def set_words(self, key: str, words: list[str]) -> None: ...
    def unset(self, key: str) -> None: ...


class Setting(Generic[R]):
    """A typed property of one keyword, read and written through the owner's
    ``get(key)`` / ``set(key, text)``, and the keyword's entry in the format's
    schema (:attr:`keyword`).

    ``key`` defaults to the attribute's name; ``default`` is what the
    property reads when the keyword is absent (or does not parse: the daemon's
    default, where the API has always given it); the other facts
    (:class:`Facts`: ``daemon_default``, ``read_only``, the release facts) are
    stated here once and read by ``settings``, ``value_problems``, the docs
    tables and the deprecated-keyword checks.
    """

    @overload
    def __init__(
        self: Setting[str | None],
        key: str | None = None,
        *,
        default: None = None,
        **facts: Unpack[Facts],
    ) -> None: ...

    @overload
    def __init__(
        self: Setting[str], key: str | None = None, *, default: str, **facts: Unpack[Facts]
    ) -> None: ...

    @overload
    def __init__(
        self: Setting[T | None],
        key: str | None = None,
        *,
        type: ValueType[T],
        default: None = None,
        **facts: Unpack[Facts],
    ) -> None: ...

    @overload
    def __init__(
        self: Setting[T],
        key: str | None = None,
        *,
        type: ValueType[T],
        default: T,
        **facts: Unpack[Facts],
    ) -> None: ...

    def __init__(
        self,
        key: str | None = None,
        *,
        type: ValueType[Any] = WORD,
        default: Any = None,
        **facts: Unpack[Facts],
    ) -> None:
        self.key = key or ""
        self.type = type
        self.default = default
        self.daemon_default: Any = facts.pop("daemon_default", None)
        self.read_only: bool = facts.pop("read_only", False)
        self.removable: bool = facts.pop("removable", False)
        self.name = ""
        self._doc = facts.pop("doc", None)
        self.__doc__ = self._doc
        self._facts = facts

    @property
    def keyword(self) -> Keyword:
        """This keyword's entry in the format's schema: type, default, release facts."""
        f = self._facts
        return Keyword(
            self.key,
            type=self.type.name,
            default=self.default if self.default is not None else self.daemon_default,
            since=f.get("since"),
            deprecated_in=f.get("deprecated_in"),
            until=f.get("until"),
            renamed_to=f.get("renamed_to"),
            obsolete=f.get("obsolete", False),
        )

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.key = self.key or name
        if self._doc is None:
            self.__doc__ = self.type.doc.format(key=self.key)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Setting[R]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> R: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        holder = cast(_Owner, obj)
        raw = holder.words(self.key) if self.type.words else holder.get(self.key)
        value = self.type.parse(raw) if raw is not None else None
        if value is None or (value == "" and self.default is not None):
            return self.default
        return value

    def __set__(self, obj: object, value: Any) -> None:
        if self.read_only:
            raise AttributeError(f"{type(obj).__name__}.{self.name} is read-only")
        holder = cast(_Owner, obj)
        if value is None and self.removable:
            holder.unset(self.key)
        elif self.type.words:
            holder.set_words(self.key, self.type.spell(value).split())
        else:
            holder.set(self.key, self.type.spell(value))

    def problem(self, raw: str) -> str | None:
        """What is wrong with ``raw`` as this keyword's value (``None``: nothing)."""
        if not self.type.accepts(raw):
            return f"{self.key} {raw!r} is not {self.type.expected}"
        return None

    def __repr__(self) -> str:
        return f"Setting({self.key!r}, {self.type.name})"


def settings_of(cls: type) -> dict[str, Setting[Any]]:
    """The class's :class:`Setting` descriptors by keyword (its base classes' too)."""
    out: dict[str, Setting[Any]] = {}
    for klass in reversed(cls.__mro__):
        for value in vars(klass).values():
            if isinstance(value, Setting):
                out[value.key] = value
    return out


def keywords_of(cls: type) -> dict[str, Keyword]:
    """The class's keywords as schema entries (type, default, release facts), by name."""
    return {key: s.keyword for key, s in settings_of(cls).items()}


def deprecated_of(cls: type) -> dict[str, str | None]:
    """The class's keywords the daemon no longer reads as written -> what to write
    instead (``None``: nothing, drop the line), for the line formats' checks."""
    return {
        k.name: k.renamed_to
        for k in keywords_of(cls).values()
        if k.obsolete or k.retired is not None
    }


def schema_of(
    component: str,
    product: str,
    contexts: Mapping[str, type],
    *,
    refuses: bool,
    extra: Mapping[str, Iterable[Keyword]] | None = None,
) -> Schema:
    """A format's schema from its typed classes (context -> the document or view
    class whose settings are that context's keywords), plus ``extra`` keywords a
    context has without a property."""
    out: dict[str, dict[str, Keyword]] = {}
    for ctx, cls in contexts.items():
        out[ctx] = keywords_of(cls)
    for ctx, more in (extra or {}).items():
        out.setdefault(ctx, {}).update((k.name, k) for k in more)
    order = sorted(out, key=lambda ctx: ctx != "top")  # the file's top level first
    return Schema(
        component, product, {ctx: dict(sorted(out[ctx].items())) for ctx in order}, refuses
    )


def daemon_defaults(cls: type) -> dict[str, Any]:
    """The daemon's default of each of the class's settings that has one."""
    out: dict[str, Any] = {}
    for key, s in settings_of(cls).items():
        value = s.default if s.default is not None else s.daemon_default
        if value is not None:
            out[key] = value
    return out


class _Statements(Protocol):
    def entries(self) -> Iterable[Entry]: ...


def typed_settings(doc: _Statements) -> dict[str, Any]:
    """Each statement of a keyword of the schema (``doc``'s class's settings),
    typed, in file order (a later statement wins); one without a value is left out."""
    schema = settings_of(type(doc))
    out: dict[str, Any] = {}
    for e in doc.entries():
        s = schema.get(e.key)
        if s is None or not e.values:
            continue
        raw = e.values[0]
        out[e.key] = s.type.parse(raw) if s.type.typed_in_settings else raw
    return out


def typed_value_problems(doc: _Statements) -> Iterator[ValueProblem]:
    """A problem for each statement of a keyword of the schema that has no value
    or a value not of its type."""
    schema = settings_of(type(doc))
    for e in doc.entries():
        s = schema.get(e.key)
        if s is None:
            continue
        message = f"{e.key} needs a value" if not e.values else s.problem(e.values[0])
        if message is not None:
            yield ValueProblem(e, message)


@attrs.define(eq=False)
class View:
    """A typed view on one block: reads and writes go to the block's statements.

    Two views are equal when they are of one class and on equal blocks; a view
    is not hashable (its block changes under it).
    """

    block: Block
    #: The format's style: with one, a key or value it cannot write is refused when
    #: set (:meth:`BlockStyle.check`), not when the text is written.
    style: ClassVar[BlockStyle | None] = None

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of the last ``key`` statement (the one the daemon keeps)."""
        return self.block.get(key, default)

    def set(self, key: str, value: object) -> Entry | None:
        """Set ``key``: edit its last statement in place, or append one."""
        if self.style is not None:
            self.style.check(key, [str(value)])
        return self.block.set(key, str(value))

    def words(self, key: str) -> str | None:
        """Every word of the last ``key`` statement joined by blanks (``""``: it has
        none; ``None``: no such statement), for a value of several words."""
        e = self.block.entry(key)
        return " ".join(e.values) if e is not None else None

    def set_words(self, key: str, words: list[str]) -> None:
        """Set ``key`` to several words: edit its last statement, or append one."""
        if self.style is not None:
            self.style.check(key, words)
        self.block.set(key, *words)

    def unset(self, key: str) -> None:
        """Remove every ``key`` statement (a section of that name stays)."""
        self.block.children[:] = [
            c for c in self.block.children if not (isinstance(c, Entry) and c.key == key)
        ]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, View) and type(other) is type(self) and other.block == self.block

    # unhashable (equal by its block, which edits change): typeshed types
    # object.__hash__ as a method, so saying None takes this ignore, as typeshed's own
    # list and dict do
    __hash__ = None  # type: ignore[assignment]


__all__ = [
    "BOOL",
    "DURATION",
    "INT",
    "IPV4",
    "OCTAL",
    "WORD",
    "Facts",
    "Setting",
    "ValueType",
    "View",
    "choice",
    "daemon_defaults",
    "deprecated_of",
    "keywords_of",
    "schema_of",
    "settings_of",
    "spell_seconds",
    "to_bool",
    "to_int",
    "to_seconds",
    "typed_settings",
    "typed_value_problems",
]
