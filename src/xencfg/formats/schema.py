"""Keyword schemas: per format, context -> keyword -> which releases read it.

A :class:`Schema` is the one place that knows, for one component (DRBD,
multipath-tools, ...), in which release a keyword appeared (``since``), in
which one it got a new spelling while the old one still works
(``deprecated_in``), from which one it is no longer read (``until``) and what
to write instead (``renamed_to``, in section ``where``). Version-aware advice
(lint's XC003/XC004/XC008), inference of the release a file is written for
(:mod:`xencfg.versions`) and the builders' dialects all read it, so a fact
about a release is written down once.

Every release fact here comes from the component's own sources (the
drbdadm scanners of drbd-utils, multipath-tools' ``dict.c`` at each tag) and
where a peer tool exists is checked against it (tests/test_versions.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

#: Where a keyword use was seen (a syntax node, or ``(Loaded, node)``): :meth:`Schema.infer`
#: hands back the one of the use that proves a release.
W = TypeVar("W")

_VERSION = re.compile(r"\d+(\.\d+){0,3}")


@attrs.frozen(eq=False, order=False)
class Version:
    """A release number (``8.3``, ``0.4.7``). Compared as numbers, the missing parts
    zeros (``8.3`` is ``8.3.0``); a declared ``8.3`` means the 8.3 series
    (:meth:`InForce.declared`)."""

    parts: tuple[int, ...]
    #: The number as written, where its zeros matter to a reader (LVM's ``2.02.187``).
    text: str | None = attrs.field(default=None, repr=False)

    @classmethod
    def parse(cls, text: str) -> Version:
        """``"8.3"`` -> Version; raises ValueError on anything but dotted numbers."""
        text = text.strip()
        if not _VERSION.fullmatch(text):
            raise ValueError(f"{text!r} is not a release number such as 8.3 or 0.4.7")
        return cls(tuple(int(p) for p in text.split(".")), text)

    def _key(self, width: int) -> tuple[int, ...]:
        return self.parts + (0,) * (width - len(self.parts))

    def _cmp(self, other: Version) -> int:
        w = max(len(self.parts), len(other.parts))
        a, b = self._key(w), other._key(w)
        return (a > b) - (a < b)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._cmp(other) == 0

    def __hash__(self) -> int:
        parts = list(self.parts)
        while parts and parts[-1] == 0:
            parts.pop()
        return hash(tuple(parts))

    def __lt__(self, other: Version) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: Version) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: Version) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: Version) -> bool:
        return self._cmp(other) >= 0

    def __str__(self) -> str:
        return self.text or ".".join(str(p) for p in self.parts)


def V(text: str) -> Version:
    """``V("8.4")``: a release number in the fact tables."""
    return Version.parse(text)


#: How many parts every component's release numbers have (DRBD 8.3.11, drbd-utils 9.22.0,
#: Pacemaker 1.1.12, heartbeat 2.1.4, corosync 1.4.7, multipath-tools 0.4.9, LVM 2.02.187,
#: Xen 4.1.2, IET 1.4.20, open-iscsi 2.0.872, cman 3.0.12): a shorter one names a series.
RELEASE_PARTS = 3


@attrs.frozen
class InForce:
    """What is known of the release a component runs: ``low`` (it is at least
    this), ``below`` (it is older than this), both from the files, or ``exact``
    (declared by the user). ``source`` says where the knowledge comes from, for
    the messages (``declared``, ``inferred from 'resync-rate' at a/drbd.conf:7``)."""

    low: Version | None = None
    below: Version | None = None
    exact: Version | None = None
    source: str = ""

    @classmethod
    def declared(cls, v: Version) -> InForce:
        """The release the user declared: ``8.3.7`` that release; ``8.3``, shorter than
        the components' release numbers, the 8.3 series (any 8.3.x: from 8.3, before
        8.4), as an admin who writes ``drbd = "8.3"`` means it."""
        if len(v.parts) < RELEASE_PARTS:
            return cls(low=v, below=successor(v), source="declared")
        return cls(exact=v, source="declared")

    @property
    def known(self) -> bool:
        return self.exact is not None or self.low is not None or self.below is not None

    def at_least(self, v: Version) -> bool:
        """Certainly ``v`` or newer."""
        lo = self.exact or self.low
        return lo is not None and lo >= v

    def older_than(self, v: Version) -> bool:
        """Certainly older than ``v``."""
        if self.exact is not None:
            return self.exact < v
        return self.below is not None and self.below <= v

    def may_be_older(self, v: Version) -> bool:
        """Bounded, and possibly older than ``v``: certainly older, or a range that
        straddles ``v`` (a declared ``2.0``, 2.0.0 to 2.0.x, against 2.0.5). A lower
        bound alone (``1.0 or later``) says nothing of it."""
        return self.older_than(v) or (self.below is not None and not self.at_least(v))

    def may_be_within(self, first: Version | None, after: Version | None) -> bool:
        """Possibly a release from ``first`` (None: any older) up to, not including,
        ``after`` (None: any newer)."""
        if self.exact is not None:
            return (first is None or first <= self.exact) and (after is None or self.exact < after)
        return (self.below is None or first is None or first < self.below) and (
            self.low is None or after is None or self.low < after
        )

    def describe(self, product: str) -> str:
        """``DRBD 8.3, declared``, ``DRBD 8.4 or later, inferred from ...``."""
        if self.exact is not None:
            what = f"{product} {self.exact}"
        elif self.low is not None and self.below == successor(self.low):
            what = f"{product} {self.low}"  # that release and no other (a package's)
        elif self.low is not None and self.below is not None:
            what = f"{product} {self.low} or later, before {self.below}"
        elif self.low is not None:
            what = f"{product} {self.low} or later"
        elif self.below is not None:
            what = f"{product} before {self.below}"
        else:
            return f"any {product} release"
        return f"{what}, {self.source}" if self.source else what


UNKNOWN = InForce()


def successor(v: Version) -> Version:
    """The release just after ``v`` at its last part (8.3.8 -> 8.3.9; LVM's 2.02 -> 2.03,
    its zeros kept)."""
    parts = (*v.parts[:-1], v.parts[-1] + 1)
    if v.text is None:
        return Version(parts)
    head, _, last = v.text.rpartition(".")
    return Version(parts, f"{head}.{parts[-1]:0{len(last)}d}" if head else None)


@attrs.frozen
class Keyword:
    """One keyword of one section, and the releases that read it.

    ``since``: first release that reads it (None: every release we know);
    ``deprecated_in``: first release that reads it but has another spelling;
    ``until``: first release that no longer reads it; ``renamed_to`` (in
    section ``where``, itself read since ``renamed_since``): what to write
    instead; ``instead``: what to do when it is not one keyword ("move its
    options to ..."); ``vendor``: the only builds that read it (a distribution's
    fork), no upstream release does; ``switch_until``: before this release it is
    a bare switch (``allow-two-primaries;``) and a value after it is refused;
    ``obsolete``: the release the tables were checked with refuses or ignores
    it, which release dropped it is not recorded; ``backported``: the oldest
    upstream base a distribution's build reads it on (Red Hat put ``max_fds``
    into its multipath-tools 0.4.5 and ``find_multipaths`` into its 0.4.9), so
    a file using it proves only that release. ``also_needs``: ``(component,
    release)`` of another component whose tool alone reads the keyword once the
    release in force has reached ``until`` (or ``since`` where there is no
    ``until``): drbd-utils 9.29's drbdadm reads a DRBD 9 ``syncer`` section's
    ``c-plan-ahead``, which older drbd-utils refuse. ``still_acts``: values the
    releases from ``until`` on still act on, so for them the keyword is not gone
    (LVM 2.03 runs ``locking_type`` 0 and 5 as ``--nolocking``, 4 as ``--sysinit
    --readonly``); the format's rules say what they do.

    ``type`` (the value's type: ``int``, ``bool``, ``duration``, ...) and
    ``default`` (the daemon's, where the keyword is absent) come from the
    format's typed properties (:class:`~xencfg.formats.view.Setting`) where it
    has them.
    """

    name: str
    type: str | None = None
    default: Any = None
    since: Version | None = None
    deprecated_in: Version | None = None
    until: Version | None = None
    renamed_to: str | None = None
    where: str | None = None
    renamed_since: Version | None = None
    instead: str | None = None
    vendor: str | None = None
    switch_until: Version | None = None
    obsolete: bool = False
    backported: Version | None = None
    also_needs: tuple[str, Version] | None = None
    still_acts: tuple[str, ...] = ()

    @property
    def retired(self) -> Version | None:
        """The first release that asks for another spelling or stops reading it."""
        found = [v for v in (self.deprecated_in, self.until) if v is not None]
        return min(found) if found else None


@attrs.frozen
class Verdict:
    """What a keyword means for the release in force: ``kind`` is ``"too-new"``
    (only releases after the one in force read it), ``"gone"`` (the release in
    force no longer reads it), ``"newer"`` (only releases after the schema's
    reference read it, and nothing says which runs) or ``"deprecated"`` (an old
    spelling some release in force may still read); ``message`` is the
    advice, naming the releases; ``backported``: the release a distribution's
    build of which reads the keyword although upstream's does not (a "too-new"
    keyword is fine on such a node); ``unsure``: another component's release
    decides (``Keyword.also_needs``) and it is not known, or (``"deprecated"``)
    the release in force may be one that still takes the keyword as its own
    spelling, so this is advice."""

    kind: str
    message: str
    backported: Version | None = None
    unsure: bool = False


@attrs.frozen
class Schema:
    """The keywords of one component's configuration file, by context.

    ``product`` names it in messages; ``refuses``: whether its daemon refuses
    the whole file for a keyword it does not read (drbdadm) rather than
    skipping the line (multipath-tools); ``reference``: the newest release the
    tables were checked against (later keywords are ``newer``).
    """

    component: str
    product: str
    contexts: Mapping[str, Mapping[str, Keyword]]
    refuses: bool
    reference: Version | None = None

    @classmethod
    def build(
        cls,
        component: str,
        product: str,
        tables: Mapping[str, Iterable[str]],
        facts: Iterable[Keyword],
        *,
        per_context: Mapping[tuple[str, str], Keyword] | None = None,
        types: Mapping[str, str] | None = None,
        defaults: Mapping[str, Any] | None = None,
        refuses: bool,
        reference: Version | None = None,
    ) -> Schema:
        """A schema from keyword tables (context -> names) and release facts by
        name; ``per_context`` overrides a fact in one context (``csums-alg`` in
        ``net`` is DRBD 8.4, in ``syncer`` older); ``types``: the value type of
        a keyword by name, from the value checks' tables; ``defaults``: the
        daemon's value of a keyword by name where the file has none."""
        by_name = {k.name: k for k in facts}
        special = dict(per_context or {})
        typed, dflt = dict(types or {}), dict(defaults or {})
        contexts: dict[str, dict[str, Keyword]] = {}
        for ctx, names in tables.items():
            contexts[ctx] = {
                n: special.get((ctx, n)) or by_name.get(n) or Keyword(n) for n in sorted(names)
            }
        for (ctx, n), k in special.items():
            contexts.setdefault(ctx, {})[n] = k
        for keywords in contexts.values():
            for n, k in keywords.items():
                if n in typed and k.type is None:
                    k = keywords[n] = attrs.evolve(k, type=typed[n])
                if n in dflt and k.default is None:
                    keywords[n] = attrs.evolve(k, default=dflt[n])
        return cls(component, product, contexts, refuses, reference)

    @property
    def versioned(self) -> bool:
        """Whether the schema knows which release reads which keyword (drbd,
        multipath): only then can lint's version-aware advice (XC003/XC004/XC008
        through :meth:`judge`) speak for it; the others' deprecated spellings
        reach the rules as the documents' ``deprecated`` keyword problems."""
        return any(
            k.since is not None or k.retired is not None or k.vendor is not None
            for keywords in self.contexts.values()
            for k in keywords.values()
        )

    def table(self) -> str:
        """The schema as a Markdown table (docs/formats): each keyword with its
        type, default, the releases that read it and what to write instead; a
        ``context`` column where the file has sections."""
        many = len(self.contexts) > 1
        head = ["keyword", "type", "default", "releases", "instead"]
        if many:
            head.insert(0, "section")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for ctx, keywords in self.contexts.items():
            for kw in keywords.values():
                row = [
                    f"`{kw.name}`",
                    kw.type or "",
                    _cell(kw.default),
                    self._releases(kw),
                    _instead_cell(kw),
                ]
                if many:
                    row.insert(0, f"`{ctx}`")
                lines.append("| " + " | ".join(row) + " |")
        return "\n".join(lines) + "\n"

    def _releases(self, kw: Keyword) -> str:
        """``DRBD 8.4+; old spelling from 8.4; refused from 9.0``: the release facts."""
        parts = []
        tool = f" with {kw.also_needs[0]} {kw.also_needs[1]}+" if kw.also_needs else ""
        if kw.since is not None:
            parts.append(f"{self.product} {kw.since}+{tool if kw.until is None else ''}")
        if kw.deprecated_in is not None:
            parts.append(f"old spelling from {kw.deprecated_in}")
        if kw.until is not None:
            before = f" with {kw.also_needs[0]} before {kw.also_needs[1]}" if kw.also_needs else ""
            parts.append(f"{'refused' if self.refuses else 'ignored'} from {kw.until}{before}")
        if kw.switch_until is not None:
            parts.append(f"bare switch before {kw.switch_until}")
        if kw.vendor is not None:
            parts.append(f"{kw.vendor} only")
        if kw.obsolete:
            parts.append("obsolete")
        return "; ".join(parts)

    def keyword(self, context: str, name: str) -> Keyword | None:
        return self.contexts.get(context, {}).get(name)

    def judge(
        self,
        context: str,
        name: str,
        inforce: InForce = UNKNOWN,
        other: Callable[[str], InForce] | None = None,
    ) -> Verdict | None:
        """The verdict on keyword ``name`` in ``context`` for the release in force
        (None: nothing to say, or not a keyword of this schema); ``other`` gives
        the release of another component in force, for ``also_needs``."""
        kw = self.keyword(context, name)
        if kw is not None and kw.also_needs is not None and other is not None:
            start = kw.until or kw.since
            if start is not None and inforce.at_least(start):
                return self._needs(kw, start, inforce, other(kw.also_needs[0]))
        if kw is None or (
            kw.since is None and kw.retired is None and kw.vendor is None
        ):  # most keywords: read by every release we know
            return None
        p = self.product
        running = inforce.describe(p)
        if kw.vendor is not None:
            return Verdict(
                "deprecated",
                f"only {kw.vendor} reads it, no {p} release does{self._instead(kw, inforce)}",
            )
        if kw.since is not None and inforce.older_than(kw.since):
            old = self._old_spelling(name, inforce)
            if not old and kw.instead is not None and kw.retired is None:
                old = f"; {kw.instead}"  # how older releases say it
            if kw.backported is not None and not inforce.older_than(kw.backported):
                return Verdict(
                    "too-new",
                    f"only {p} {kw.since} and later read it (not {running}), and Red Hat's"
                    f" build of {kw.backported}, which backported it{old}",
                    backported=kw.backported,
                )
            return Verdict("too-new", f"only {p} {kw.since} and later read it (not {running}){old}")
        if (
            kw.since is not None
            and inforce.exact is None
            and self.reference is not None
            and kw.since > self.reference
            and not inforce.at_least(kw.since)
        ):  # newer than the release the tables were checked with, and none declared
            return Verdict("newer", f"only {p} {kw.since} and later read it")
        if kw.until is not None and inforce.at_least(kw.until):
            verb = "refuse" if self.refuses else "ignore"
            instead = self._instead(kw, inforce)
            return Verdict("gone", f"{p} {kw.until} and later {verb} it ({running}){instead}")
        retired = kw.retired
        if retired is None or inforce.older_than(retired):
            return None  # the current spelling for every release in force
        parts = []
        if kw.deprecated_in is not None and (kw.until is None or kw.deprecated_in < kw.until):
            parts.append(f"{p} {kw.deprecated_in} and later still read it, as an old spelling")
        if kw.until is not None:
            verb = "refuse" if self.refuses else "ignore"
            tool = f" with {kw.also_needs[0]} before {kw.also_needs[1]}" if kw.also_needs else ""
            parts.append(f"{p} {kw.until} and later{tool} {verb} it")
        advice = "; ".join(parts) + self._instead(kw, inforce)
        if not inforce.known:
            advice += (
                f" (advice for any {p} release; declare yours: --target {self.component}=VERSION)"
            )
        else:
            advice += f" (advice for {running})"
        # a release in force that may still be one taking this as its own spelling
        # (syncer on "DRBD before 9.0", which 8.3 is) is told for its upgrade only
        return Verdict("deprecated", advice, unsure=not inforce.at_least(retired))

    def _needs(
        self, kw: Keyword, start: Version, inforce: InForce, tool: InForce
    ) -> Verdict | None:
        """The verdict on a keyword only a release of another component reads from
        ``start`` on (``kw.also_needs``): none where that release is in force, a
        refusal where an older one is, advice (``unsure``) where it is not known."""
        assert kw.also_needs is not None
        component, first = kw.also_needs
        if tool.at_least(first):
            return None
        kind = "gone" if kw.until is not None else "too-new"
        running = inforce.describe(self.product)
        verb = "refuse" if self.refuses else "ignore"
        said = f"{self.product} {start} and later with {component} before {first} {verb} it"
        instead = self._instead(kw, inforce)
        if tool.older_than(first):
            return Verdict(kind, f"{said} ({running}; {tool.describe(component)}){instead}")
        return Verdict(
            kind,
            f"{said} ({running}; {component} release not known: declare it, e.g. "
            f"--target {component}={first}){instead}",
            unsure=True,
        )

    def judge_value(self, context: str, name: str, inforce: InForce = UNKNOWN) -> Verdict | None:
        """The verdict on a value given to keyword ``name``: ``"too-new"`` where the
        release in force only knows it as a bare switch."""
        kw = self.keyword(context, name)
        if kw is None or kw.switch_until is None or not inforce.older_than(kw.switch_until):
            return None
        running = inforce.describe(self.product)
        return Verdict(
            "too-new",
            f"only {self.product} {kw.switch_until} and later take a value here (not "
            f"{running}); older releases write the switch bare: '{name};' for yes, nothing "
            f"for no",
        )

    def _old_spelling(self, name: str, inforce: InForce) -> str:
        """``; write 'rate' in 'syncer'``: the spelling of the release in force for a
        keyword that renamed it (``resync-rate`` on DRBD 8.3), if one is known."""
        found: list[tuple[int, str, str]] = []
        for ctx, keywords in self.contexts.items():
            for old in keywords.values():
                if old.vendor is not None or old.renamed_to is None:
                    continue
                if old.renamed_to.split()[0] != name:
                    continue
                retired = old.retired
                if retired is not None and not inforce.older_than(retired):
                    continue  # not current in the release in force either
                if old.since is not None and not inforce.at_least(old.since):
                    continue
                found.append((len(old.name), old.name, ctx))
        if not found:
            return ""
        _, old_name, ctx = min(found)  # the plain spelling: 'selector', not 'default_selector'
        where = f" in '{ctx}'" if ctx not in ("top", "defaults") else ""
        return f"; older releases spell it '{old_name}'{where}"

    def _instead(self, kw: Keyword, inforce: InForce) -> str:
        new = kw.renamed_since
        later = new is not None and not inforce.at_least(new)
        if kw.instead is not None:
            return f"; from {self.product} {new} on, {kw.instead}" if later else f"; {kw.instead}"
        if kw.renamed_to is None:
            return "; drop the line" if kw.until is not None else ""
        where = f" in '{kw.where}'" if kw.where else ""
        write = f"'{kw.renamed_to}'{where}"
        if not later:
            return f"; write {write}"
        verb = "refuse" if self.refuses else "ignore"
        return (
            f"; from {self.product} {new} on write {write} "
            f"(older releases {verb} that: keep '{kw.name}' while one runs)"
        )

    def infer(
        self, uses: Iterable[tuple[str, str, W]]
    ) -> tuple[tuple[Version, W, str] | None, tuple[Version, W, str] | None]:
        """The newest ``since`` and the oldest ``until`` among ``(context, name,
        where)`` keyword uses, each with the use that set it: the files then
        need at least the first release and run before the second. ``until``
        counts only where the daemon refuses the file for it (a working
        multipath.conf may carry lines its release skips)."""
        low: tuple[Version, W, str] | None = None
        below: tuple[Version, W, str] | None = None
        for ctx, name, where in uses:
            kw = self.keyword(ctx, name)
            if kw is None:
                continue
            if self.reference is not None and kw.since is not None and kw.since > self.reference:
                continue  # unchecked releases: no proof of what runs
            proves = kw.backported or kw.since
            if proves is not None and (low is None or proves > low[0]):
                low = (proves, where, name)
            if self.refuses and kw.until is not None and (below is None or kw.until < below[0]):
                below = (kw.until, where, name)
        return low, below


def _cell(value: Any) -> str:
    """A default as the docs table shows it (``-`` for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "`yes`" if value else "`no`"
    return f"`{value}`" if value != "" else "empty"


def _instead_cell(kw: Keyword) -> str:
    if kw.renamed_to is not None:
        where = f" in `{kw.where}`" if kw.where else ""
        return f"`{kw.renamed_to}`{where}"
    return kw.instead or ""


#: The lines around the generated keyword table of a format's docs page.
TABLE_START = (
    "<!-- generated from the format's SCHEMA by `xencfg formats --write-docs docs/formats`:"
    " edit the schema (its Settings and keyword tables), not this table -->"
)
TABLE_END = "<!-- end of the generated keyword table -->"


def with_table(current: str, schema: Schema) -> str:
    """``current`` (a docs/formats page) with its generated keyword table brought up
    to date from ``schema``; the prose around the markers is kept as written."""
    from .spec import _between

    # (blank lines around the table: Markdown reads an HTML comment up to a blank line)
    body = "\n\n" + schema.table() + "\n"
    return _between(current, TABLE_START, TABLE_END, body, f"the page of {schema.product}")


def format_schemas() -> dict[str, Schema]:
    """Each implemented format whose module has a ``SCHEMA``, by name (imports them)."""
    from .. import formats

    out: dict[str, Schema] = {}
    for name in formats.FORMATS:
        found = getattr(formats.module(name), "SCHEMA", None)
        if isinstance(found, Schema):
            out[name] = found
    return out
