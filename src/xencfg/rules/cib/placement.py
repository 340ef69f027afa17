"""Where the CIB lets a resource run, read as Pacemaker 2.1.5's scheduler reads the
constraints (XN018 places every Xen guest with it).

What is read, and the source that says so (ClusterLabs/pacemaker, tag Pacemaker-2.1.5):

* ``rsc_location`` by ``rsc``, by ``rsc-pattern`` and by ``resource_set``
  (lib/pacemaker/pcmk_sched_location.c ``unpack_simple_location``,
  ``unpack_location_set``). A pattern is a POSIX extended regex (``regcomp(...,
  REG_EXTENDED)``) searched in the id of each *top-level* resource
  (``data_set->resources``): a guest inside a group is matched by the group's id. A
  leading ``!`` inverts it. A set member takes the set's ``score`` and ``role`` when it
  has them, else the constraint's. Only where the CIB's schema has them:
  ``rsc-pattern`` since pacemaker-2.6 (xml/constraints-2.6.rng), location sets since
  pacemaker-1.2 (xml/constraints-1.2.rng); in an older CIB crm_verify refuses them.
* ``role``: Started and Slave/Unpromoted apply to every role, Master/Promoted only to a
  promoted instance (``unpack_rsc_location``'s role filter), which a guest outside a
  promotable clone never is.
* A tag (``<tags>``, pacemaker-1.3 and later) a constraint names stands for the
  resources it lists, a template for the primitives made from it
  (pcmk_sched_constraints.c ``pcmk__tag_to_set``).
* ``lifetime`` (Pacemaker 1.0's): a constraint with one holds only while its rules do
  (pcmk_sched_constraints.c ``pcmk__unpack_constraints``: ``if ((lifetime != NULL) &&
  !evaluate_lifetime(lifetime, data_set))`` the constraint is skipped), which is at
  some times only: such a location bans nothing surely (it may still prefer), such a
  colocation places nothing surely.
* ``rsc_colocation`` at INFINITY, either side (lib/pacemaker/pcmk_sched_primitive.c
  ``pcmk__primitive_assign``): the guest goes only where each resource it is placed
  *with* may run (``apply_this_with``), and the scores of each resource placed with it
  are added to its own (``apply_with_this``: a node that resource may not use gets
  -INFINITY), unless that leaves no node, when they are rolled back
  (pcmk_sched_colocation.c ``pcmk__add_colocated_node_scores``), nor when the
  colocation has ``influence="false"`` or that resource ``critical="false"``
  (``unpack_influence``). heartbeat 2's CRM and Pacemaker 1.0 merge the same way
  (Pacemaker-0.6.0 and 1.0.2 pengine/native.c ``native_color``: ``merge_weights`` of
  each ``rsc_cons_lhs`` at ``score/INFINITY``, an integer division there, so only an
  INFINITY colocation counts, with roll-back). Sets as ``unpack_colocation_set`` /
  ``colocate_rsc_sets`` pair them (:func:`xencfg.cluster.colocation_pairs`); within
  a set the set's score counts, between sets the constraint's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ...formats.cib.values import INFINITY, parse_bool, schema_version
from ...formats.cib.views import _kids, _tag, ids_around
from ...formats.schema import UNKNOWN, InForce, Version
from ...regex import search_linear
from ...versions import (
    PACEMAKER_1_1_2,
    PACEMAKER_1_1_7,
    PACEMAKER_1_1_8,
    PACEMAKER_1_1_11,
    PACEMAKER_1_1_12,
)

if TYPE_CHECKING:
    from ...formats.cib.constraints import Colocation, Location
    from ...formats.cib.model import CibDocument

_RESOURCES = ("primitive", "group", "clone", "master", "master_slave", "bundle")
_PROMOTED = ("Master", "Promoted")


@attrs.frozen
class SchemaFeature:
    """Where one piece of CIB syntax is in the schemas: ``since``, the first
    pacemaker-X.Y schema that takes it as Pacemaker 2.1.5's files have it (None: no
    numbered schema ever did); ``release``, the first release whose schema of that name
    took it (pacemaker-1.2 grew after it came out); ``own_11``, the first release whose
    own pacemaker-1.1.rng took it (1.1.2 to 1.1.11, None: it never did); ``in_next``,
    whether pacemaker-next (and pacemaker-1.1 read as it, 1.1.12 to 1.1.24) takes it."""

    since: tuple[int, int] | None
    release: Version | None = None
    own_11: Version | None = None
    in_next: bool = True


#: The syntax whose schema xencfg reads by release. Facts from ClusterLabs/pacemaker at
#: the release tags: pacemaker-1.1.rng of 1.1.2 to 1.1.11 is that tag's pacemaker-1.2.rng
#: plus ``<domains>`` (and a ``domain`` on ``rsc_location``) and constraints-1.1.rng's
#: ``rsc-instance``/``with-rsc-instance``/``first-instance``/``then-instance``, with
#: ``rsc-pattern`` from 1.1.11 (which its pengine/constraints.c ``unpack_location``
#: reads, line 358); 1.1.1's is pacemaker-1.2.rng itself. Location resource sets came to
#: constraints-1.2.rng with 1.1.12 (never to constraints-1.1.rng), ``<tags>`` with
#: tags-1.3.rng in 1.1.12. pacemaker-next of 1.1.12 (xml/Makefile.am: cib-1.2,
#: constraints-next.rng, ...) has no ``domains``; constraints-next.rng keeps the
#: ``*-instance`` attributes, which no numbered schema ever took. ``instance_attributes``
#: in ``rsc_defaults`` no schema took (options-*.rng; "possible only with schema
#: validation disabled", commit e043f330 of Pacemaker 3.0). Of the two pacemaker-1.1.rng
#: copies the code index stores, ClusterLabs/pacemaker's (commit 5b06f62e, the file of tag
#: Pacemaker-1.1.7) is a released one; gao-yan/pacemaker's (6431fb06), with a
#: ``<tickets>`` section in ``configuration``, is a development fork's that no release
#: shipped (no Pacemaker-1.1.x tag's file has ``element-tickets``): not read here.
#: A ``resource_set``'s ``ordering`` came with constraints-2.1.rng, its ``kind`` with
#: constraints-3.0.rng (Pacemaker 2.1.5's files; constraints-1.1.rng has neither).
#: ``require-all`` on a ``resource_set``: constraints-1.1.rng from 1.1.7,
#: constraints-1.2.rng from 1.1.8 (commit 7c6f9446d7 "Officially support A after ( B or
#: C or D )", 2012-07); on ``rsc_order`` itself constraints-2.3.rng on (commit
#: 5562691930, 2015-01), never 1.2's (crm_verify 2.1.5: "Invalid attribute require-all
#: for element rsc_order").
SCHEMA_FEATURES: dict[str, SchemaFeature] = {
    "location-set": SchemaFeature((1, 2), release=PACEMAKER_1_1_12),
    "set-require-all": SchemaFeature((1, 2), release=PACEMAKER_1_1_8, own_11=PACEMAKER_1_1_7),
    "order-require-all": SchemaFeature((2, 3)),
    "tags": SchemaFeature((1, 3)),
    "rsc-pattern": SchemaFeature((2, 6), own_11=PACEMAKER_1_1_11),
    "domains": SchemaFeature(None, own_11=PACEMAKER_1_1_2, in_next=False),
    "instance": SchemaFeature(None, own_11=PACEMAKER_1_1_2),
    "rsc-defaults-instance-attributes": SchemaFeature(None, in_next=False),
    "set-ordering": SchemaFeature((2, 1)),
    "set-kind": SchemaFeature((3, 0)),
}


def schema_has(validate_with: str | None, feature: str, in_force: InForce = UNKNOWN) -> bool:
    """Whether a CIB validated with ``validate_with`` on the release ``in_force`` may
    carry ``feature`` (a key of :data:`SCHEMA_FEATURES`): False only where that schema
    surely refuses it. ``pacemaker-1.1`` was a schema of its own on Pacemaker 1.1.1 to
    1.1.11 and the old name of pacemaker-next on 1.1.12 to 1.1.24 (lib/common/xml.c at
    tag Pacemaker-1.1.12: "1.1 was the old name for -next"; 2.0 refuses the name,
    CB031): with the release unknown, either reading may hold."""
    f = SCHEMA_FEATURES[feature]
    if validate_with == "pacemaker-next":
        return f.in_next
    if validate_with == "pacemaker-1.1":
        own = f.own_11 is not None and not in_force.older_than(f.own_11)
        if in_force.older_than(PACEMAKER_1_1_12):
            return own
        return f.in_next or (own and not in_force.at_least(PACEMAKER_1_1_12))
    version = schema_version(validate_with)
    if version is None or f.since is None or version < f.since:
        return False
    return f.release is None or not in_force.older_than(f.release)


@attrs.frozen
class Applied:
    """One location constraint as it applies to one resource: the score of its ``node=``
    form (a resource set's own score replaces the constraint's), and whether it surely
    applies (an ``rsc-pattern`` xencfg cannot judge, or a role filter, may not)."""

    loc: Location
    score: int | None
    sure: bool

    def bans(self, node: str) -> bool:
        """Whether it surely keeps the resource off ``node``: ``node=`` at -INFINITY, or a
        -INFINITY rule that matches ``node`` whatever the time and node attributes."""
        from .resources import rule_matches

        if not self.sure:
            return False
        if self.loc.node is not None:
            return _same_node(self.loc.node, node) and self.score == -INFINITY
        return any(r.score == -INFINITY and rule_matches(r, node) is True for r in self.loc.rules)

    def may_prefer(self, node: str) -> bool:
        """Whether it may give ``node`` a positive score (``node=``, or a rule scoring
        above 0 or by a node attribute that may match ``node``): what lets a resource
        run there when ``symmetric-cluster`` is false."""
        from .resources import rule_matches

        if self.loc.node is not None:
            return _same_node(self.loc.node, node) and (self.score or 0) > 0
        return any(
            ((r.score or 0) > 0 or (r.score is None and bool(r.score_attribute)))
            and rule_matches(r, node) is not False
            for r in self.loc.rules
        )


def _same_node(named: str, node: str) -> bool:
    """A location's ``node`` names a node without regard to case (``pe_find_node``:
    ``pcmk__str_casei`` in 2.1.5 lib/pengine/status.c, strcasecmp in 1.0)."""
    return named.lower() == node.lower()


def _promotable(el: Any) -> bool:
    return any(_tag(a) in ("master", "master_slave") for a in el.iterancestors()) or (
        _tag(el) in ("master", "master_slave")
    )


class Placement:
    """What :meth:`nodes` reads of one CIB, read once (the model walks the tree on every
    ``locations``/``colocations`` call, and XN018 places every Xen resource)."""

    def __init__(
        self, cib: CibDocument, in_force: InForce = UNKNOWN, dependents: bool = True
    ) -> None:
        self.cib = cib
        # False: a resource's nodes leave out what its dependents' bans would take
        # away (XN007 asks where a guest surely may run, not where it surely may not)
        self.dependents = dependents
        self.locations = cib.locations
        self.colocations = cib.colocations
        self.symmetric = parse_bool(cib.option("symmetric-cluster")) is not False
        self.patterns = schema_has(cib.validate_with, "rsc-pattern", in_force)
        self.location_sets = schema_has(cib.validate_with, "location-set", in_force)
        # <tags> (pacemaker-1.3 and later): a constraint naming a tag names each
        # resource it lists (pcmk__expand_tags_in_sets, pcmk__tag_to_set)
        self.tags: dict[str, set[str]] = {}
        if schema_has(cib.validate_with, "tags", in_force):
            for tag in cib.iter("tag"):
                refs = {o.get("id") for o in _kids(tag, "obj_ref") if o.get("id")}
                self.tags.setdefault(tag.get("id") or "", set()).update(refs)
        self._matches: dict[tuple[str, str], bool | None] = {}
        self._resources: dict[str, Any] | None = None
        self._by_id: dict[str, list[tuple[int, Colocation, str, str]]] | None = None
        self._memo: dict[tuple[str, ...], dict[tuple[Any, bool], set[str]]] = {}

    def names(self, el: Any) -> set[str]:
        """The ids a constraint may name resource ``el`` by: its own, its groups' and
        clones', its template's (pcmk__tag_to_set expands a template to the primitives
        made from it) and the tags listing any of them."""
        ids = set(ids_around(el, _RESOURCES))
        if _tag(el) == "primitive" and el.get("template"):
            ids.add(el.get("template"))
        return ids | {t for t, refs in self.tags.items() if refs & ids}

    def _matched(self, pattern: str, rid: str) -> bool | None:
        """Whether ``rsc-pattern`` selects top-level resource ``rid`` (``None``: the
        pattern is one xencfg cannot run)."""
        key = (pattern, rid)
        if key not in self._matches:
            invert = pattern.startswith("!")
            found = search_linear(pattern[1:] if invert else pattern, rid)
            self._matches[key] = None if found is None else found != invert
        return self._matches[key]

    def applied(self, el: Any) -> list[Applied]:
        """The location constraints that apply to resource ``el`` (or a group or clone
        holding it)."""
        around = ids_around(el, _RESOURCES)
        top = around[-1] if around else None
        ids = self.names(el)
        promotable = _promotable(el)
        out: list[Applied] = []
        for loc in self.locations:
            hits: list[tuple[int | None, str | None, bool]] = []
            sets = loc.sets if self.location_sets else []
            for s in sets:
                if any(m in ids for m in s.members):
                    score = s.score if s.score_raw is not None else loc.score
                    hits.append((score, s.role or loc.role, True))
            if not sets:
                if loc.rsc is not None and loc.rsc in ids:
                    hits.append((loc.score, loc.role, True))
                pattern = loc.rsc_pattern if self.patterns else None
                if pattern is not None and top is not None:
                    matched = self._matched(pattern, top)
                    # %N in a rule stands for the pattern's submatch: not read here
                    subst = "%" in "".join(e.get("value", "") for e in loc.el.iter("expression"))
                    if matched is not False:
                        hits.append((loc.score, loc.role, matched is True and not subst))
            lasting = not _kids(loc.el, "lifetime")
            for score, role, sure in hits:
                if role in _PROMOTED and not promotable:
                    continue  # never applied: the guest is never promoted
                limited = role is not None and role not in ("Started", "Slave", "Unpromoted")
                out.append(Applied(loc, score, sure and lasting and not limited))
        return out

    def _pairs(self, c: Colocation) -> list[tuple[str, str]]:
        """``(rsc, with_rsc)`` pairs of ``c`` that Pacemaker makes at INFINITY."""
        from ...cluster import colocation_pairs

        if _kids(c.el, "lifetime"):
            return []  # holds at some times only
        sets = c.sets
        within = {
            (a, b) for s in sets if s.sequential for a in s.members for b in s.members if a != b
        }
        out = []
        for rsc, with_rsc in colocation_pairs(c):
            score = c.score
            inner = next((s for s in sets if rsc in s.members and with_rsc in s.members), None)
            if (rsc, with_rsc) in within and inner is not None and inner.score_raw is not None:
                score = inner.score
            if score is not None and score >= INFINITY:
                out.append((rsc, with_rsc))
        return out

    def _influences(self, c: Colocation, dependent: Any) -> bool:
        """``unpack_influence``: the colocation's ``influence``, else the dependent's
        ``critical`` meta attribute (both true by default)."""
        from ...formats.cib.resources import resource_view

        said = parse_bool(c.el.get("influence"))
        if said is not None:
            return said
        return parse_bool(resource_view(dependent).meta("critical")) is not False

    def _graph(self) -> tuple[dict[str, Any], dict[str, list[tuple[int, Colocation, str, str]]]]:
        """Every resource by id (the first of an id), and every INFINITY ``(colocation,
        rsc, with_rsc)`` pair under both its ids, made once."""
        if self._resources is None or self._by_id is None:
            self._resources = {}
            for r in self.cib.all_resources():
                if r.id and r.id not in self._resources:
                    self._resources[r.id] = r.el
            self._by_id = {}
            pairs = [(c, rsc, w) for c in self.colocations for rsc, w in self._pairs(c)]
            for n, (c, rsc, with_rsc) in enumerate(pairs):
                self._by_id.setdefault(rsc, []).append((n, c, rsc, with_rsc))
                if with_rsc != rsc:
                    self._by_id.setdefault(with_rsc, []).append((n, c, rsc, with_rsc))
        return self._resources, self._by_id

    def _edges(self, el: Any, this_with: bool) -> tuple[list[Any], list[Any]]:
        """The resources ``el`` is placed with (when ``this_with``) and the influencing
        ones placed with it, as elements."""
        resources, by_id = self._graph()
        ids = self.names(el)
        # in the CIB's order whatever the order of ids: roll-backs depend on it
        pairs = sorted({t[0]: t for i in ids for t in by_id.get(i, ())}.values())
        primaries: list[Any] = []
        dependents: list[Any] = []
        for _, c, rsc, with_rsc in pairs:
            if this_with and rsc in ids and with_rsc not in ids and with_rsc in resources:
                primaries.append(resources[with_rsc])
            elif with_rsc in ids and rsc not in ids and rsc in resources:
                other = resources[rsc]
                if self._influences(c, other):
                    dependents.append(other)
        return primaries, dependents

    def nodes(
        self,
        el: Any,
        nodes: list[str],
        hosts: Callable[[str, str], str | None],
        drbd_agent: Callable[[Any], str | None],
    ) -> set[str]:
        """The nodes of ``nodes`` the CIB lets resource ``el`` run on: none an applying
        location surely bans; with ``symmetric-cluster`` false only those one may
        prefer; only where each resource it is colocated with (INFINITY) may run, which
        for a DRBD agent's clone (``drbd_agent(el)`` names its DRBD resource) means
        that resource's hosts (``hosts(name, node)`` is ``None`` on a host); and, when
        some node is left, only where each resource colocated with it may run (a
        dependent's own placement reads only its locations and its own dependents, as
        Pacemaker merges a dependent's scores).

        Each resource is placed once per call chain (memoised on the instance, walked
        with an explicit stack): a loop of colocations counts each resource once, as
        Pacemaker breaks assignment loops, and a long chain or a lattice of them costs
        time linear in its size, never a recursion past Python's limit."""
        everywhere = set(nodes)
        memo: dict[tuple[Any, bool], set[str]] = self._memo.setdefault(tuple(nodes), {})
        start = (el, True)
        stack: list[tuple[Any, bool, bool]] = [(el, True, False)]
        busy: set[tuple[Any, bool]] = set()
        while stack:
            cur, this_with, expanded = stack.pop()
            key = (cur, this_with)
            if key in memo or (key in busy and not expanded):
                continue
            primaries, dependents = self._edges(cur, this_with)
            if not self.dependents:
                dependents = []
            deps = [(p, True) for p in primaries] + [(d, False) for d in dependents]
            if not expanded:
                busy.add(key)
                stack.append((cur, this_with, True))
                stack.extend((d, w, False) for d, w in deps if _to_do(d, w, memo, busy))
                continue
            applied = self.applied(cur)
            allowed = {n for n in nodes if not any(a.bans(n) for a in applied)}
            if not self.symmetric:
                allowed = {n for n in allowed if any(a.may_prefer(n) for a in applied)}
            for other in primaries:
                allowed &= memo.get((other, True), everywhere)  # busy: a loop, no limit
                drbd = drbd_agent(other)
                if drbd is not None:
                    allowed = {n for n in allowed if hosts(drbd, n) is None}
            for other in dependents:
                theirs = memo.get((other, False), everywhere)
                if allowed & theirs:  # else rolled back: no node would be left
                    allowed &= theirs
            memo[key] = allowed
            busy.discard(key)
        return set(memo[start])


def _to_do(
    el: Any, this_with: bool, memo: dict[tuple[Any, bool], set[str]], busy: set[tuple[Any, bool]]
) -> bool:
    """Whether placing ``el`` is still to be done (not done, not under way: a loop)."""
    return (el, this_with) not in memo and (el, this_with) not in busy
