"""The lint rule registry.

A rule is a function decorated with :func:`rule`; its docstring is its
documentation (what it checks / why it matters / example / fix), printed by
``xencfg rules CODE`` and rendered into docs/rules/. Codes are stable: a retired
code goes to :data:`RETIRED` and is never reused.

Two kinds of rules:

* document rules (``formats=(...)``) see one parsed document at a time;
* cluster rules (``formats=()``, ``scope="cluster"``) see the whole
  :class:`xencfg.cluster.Cluster` of every node.

A rule is a *hazard* rule (``hazard=True``) when it judges a configuration the
daemons accept and run, but that fails under a fault: split brain, missing
fencing, timings that fail over on one lost packet. Every other error-severity
rule claims the daemon refuses the file or misreads it; the differential tests
(tests/test_daemon_verdicts.py) hold each such error to a daemon's refusal.

Rules read the typed models; they never parse text.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..findings import Finding

if TYPE_CHECKING:
    from ..cluster import Loaded

T = TypeVar("T")

#: Rule modules, one per domain; imported when the registry is first used.
MODULES = (
    "general",
    "hosts",
    "multipath",
    "storage",
    "drbd",
    "heartbeat",
    "haresources",
    "boot",
    "ocfs2",
    "corosync",
    "cman",
    "iscsi",
    "xen",
    "cib",
    "live",
)

#: Codes that were used once and must never be reused.
RETIRED: dict[str, str] = {}


@attrs.frozen
class Rule:
    """A registered rule: ``check`` yields findings (see the module docstring)."""

    code: str
    name: str
    severity: str
    scope: str
    formats: tuple[str, ...]
    check: Callable[..., Iterable[Finding]]
    #: A working configuration that fails under a fault (split brain, fencing, timing).
    hazard: bool = False

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph on one line: what the rule finds (``xencfg
        rules``, ``--statistics``, SARIF's ``shortDescription``). Its first line alone
        stopped mid-sentence where the paragraph wraps; the double backquotes printed as
        they are."""
        # ``x`` (reST, the docstrings' markup) as `x`: the one code mark that reads the
        # same on a terminal, in SARIF's plain text and in the Markdown rule index
        return " ".join(self.doc.split("\n\n", 1)[0].split()).replace("``", "`")


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: str,
    *,
    formats: tuple[str, ...] = (),
    scope: str = "document",
    hazard: bool = False,
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a rule function under a stable code."""

    def register(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if code in _RULES or code in RETIRED:
            raise ValueError(f"rule code {code} is already taken")
        _RULES[code] = Rule(code, name, severity, scope, formats, fn, hazard)
        return fn

    return register


_loaded = False


def _load() -> None:
    """Import every rule module once. (Checking ``_RULES`` instead would stop here after
    a test imported one module directly, and the other modules' rules would never run.)"""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise


def all_rules() -> list[Rule]:
    """Every registered rule, by code."""
    _load()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get(code: str) -> Rule | None:
    _load()
    return _RULES.get(code.upper())


def selected(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Rules whose code starts with a ``select`` prefix (all if none) and no ``ignore`` prefix."""
    sel = tuple(s.upper() for s in select)
    ign = tuple(s.upper() for s in ignore)
    out = []
    for r in all_rules():
        if sel and not r.code.startswith(sel) and r.code not in sel:
            continue
        if ign and r.code.startswith(ign):
            continue
        out.append(r)
    return out


def make(
    code: str,
    message: str,
    location: Any,
    related: Iterable[Any] = (),
    *,
    severity: str | None = None,
) -> Finding:
    """A finding of rule ``code`` with the rule's severity, or ``severity`` where this
    finding's verdict differs from the rule's (a release that refuses what others warn of)."""
    from ..findings import Location

    r = _RULES[code]
    loc = location if isinstance(location, Location) else Location(*location)
    rel = tuple(x if isinstance(x, Location) else Location(*x) for x in related)
    return Finding(code, severity or r.severity, message, loc, rel)


def repeats(items: Iterable[T], key: Callable[[T], Hashable | None]) -> Iterator[tuple[T, T]]:
    """``(later, first)`` for every item whose ``key`` an earlier item had (``None``
    keys are skipped): the shape of every "used twice" rule."""
    seen: dict[Hashable, T] = {}
    for item in items:
        k = key(item)
        if k is None:
            continue
        first = seen.setdefault(k, item)
        if first is not item:
            yield item, first


class Once:
    """``once(key)`` is true the first time ``key`` comes and false after: a finding
    said once where the same fact shows several times (every node's capture of one
    cluster, every copy of one CIB)."""

    def __init__(self) -> None:
        self._seen: set[Hashable] = set()

    def __call__(self, key: Hashable) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


def twice(
    code: str,
    message: str,
    item: Loaded,
    later: object,
    first: object,
    *,
    severity: str | None = None,
) -> Finding:
    """The finding of a "used twice" rule: at ``later``, pointing back at ``first``, both
    places of ``item``'s file (the pairs :func:`repeats` gives); ``severity`` as for
    :func:`make`."""
    return make(code, message, item.where(later), [item.where(first)], severity=severity)


def iter_findings(rules: list[Rule], **context: Any) -> Iterator[Finding]:
    """Run ``rules`` with keyword ``context`` (``doc=`` or ``cluster=``)."""
    for r in rules:
        yield from r.check(**context)
