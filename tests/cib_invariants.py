"""What a CIB conversion must keep, checked by code: :func:`violations` compares an input
CIB (heartbeat 2 / pacemaker-0.6, or Pacemaker 1.x and later) with a conversion's output.

The invariants (docs/conversion.md, "Fencing is never turned off"; conversion-rules.md
§5.7-5.9 for the 0.6 spellings):

* fencing: ``stonith-enabled`` true in the input (or unset: Pacemaker's default) stays true;
  every stonith primitive and every ``fencing-level`` survives; ``no-quorum-policy`` becomes
  ``ignore`` only where it was; ``symmetric-cluster`` keeps its value;
* constraints: each location/colocation/order/ticket of the input has a counterpart naming
  the same resources, with the direction (0.6 ``type="after"``: *from* runs after *to*),
  actions, roles and score class conversion-rules.md §5.9 and the current steps give;
* resources, ops and nvpair values are carried;
* a stopped or unmanaged resource stays stopped or unmanaged.

Whatever the output does not keep must be named by a report line (a change of kind
``comment-out``, ``drop-element``, ``warning``, ``manual`` or ``safety`` naming the element's
id, or any change naming a dropped option); otherwise it is a violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

from xencfg.formats.cib.convert import Change

RESOURCES = ("primitive", "group", "clone", "master_slave", "master", "bundle")
CLONES = ("clone", "master_slave", "master")
CONSTRAINTS = ("rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket")
#: change kinds that say why something is not carried as it was
EXCUSES = ("comment-out", "drop-element", "warning", "manual", "safety")
TRUE = ("true", "yes", "y", "on", "1")
#: 0.6 / 1.x / current spellings of one meta or option name
NAME_MAP = {
    "transition-idle-timeout": "cluster-delay",
    "master-max": "promoted-max",
    "master-node-max": "promoted-node-max",
    "prereq": "requires",
}
ROLE_MAP = {"master": "promoted", "slave": "unpromoted", "started": "", "": ""}


def _parse(text: str) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.fromstring(text.lstrip("\ufeff").encode(), parser)


def name(raw: str) -> str:
    """One spelling of an option or meta name: dashed, current names."""
    dashed = raw.replace("_", "-")
    return NAME_MAP.get(dashed, dashed)


def role(raw: str | None) -> str:
    low = (raw or "").lower()
    return ROLE_MAP.get(low, low)


def score(raw: str | None) -> str:
    """A score as Pacemaker reads it: ``100.5`` is 100, ``infinity`` INFINITY."""
    s = (raw or "").strip().upper().lstrip("+")
    if "." in s:
        s = s.split(".", 1)[0] or "0"
    return s


def truthy(raw: str | None) -> bool:
    return (raw or "").strip().lower() in TRUE


def _nvpairs(el: Any) -> list[Any]:
    """The nvpairs of a set, inside ``<attributes>`` (0.6) or straight in it."""
    return [n for n in el.iter("nvpair")]


def options(root: Any) -> dict[str, str]:
    """Cluster options as the CRM reads them, by dashed name: the first setting of the
    dashed spelling, else the first of the old underscore one (cluster_option in
    Pacemaker 1.x's lib/common/utils.c looks the old name up only when the new is unset;
    its pe_opts table pairs ``stonith-enabled`` with ``stonith_enabled`` and so on)."""
    pairs = [nv for conf in root.iter("crm_config") for nv in _nvpairs(conf)]
    found: dict[str, str] = {}
    for nv in sorted(pairs, key=lambda nv: "_" in nv.get("name", "")):
        found.setdefault(name(nv.get("name", "")), nv.get("value", ""))
    return found


def defaults(root: Any, section: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for sec in root.iter(section):
        for nv in _nvpairs(sec):
            found.setdefault(name(nv.get("name", "")), nv.get("value", ""))
    return found


def resources(root: Any) -> list[Any]:
    """Resource elements in document order (status left out)."""
    conf = root if root.tag == "configuration" else root.find("configuration")
    if conf is None:
        return []
    res = conf.find("resources")
    return [] if res is None else [e for e in res.iter(*RESOURCES)]


def settings(rsc: Any) -> dict[str, list[str]]:
    """Every setting of a resource option: XML attribute (0.6), meta or instance attribute
    (heartbeat 2 read instance attributes as options), by current name."""
    found: dict[str, list[str]] = {}
    for key, value in rsc.attrib.items():
        if key not in ("id", "class", "type", "provider", "description"):
            found.setdefault(name(key), []).append(value)
    for sets in ("meta_attributes", "instance_attributes"):
        for s in rsc.findall(sets):
            for nv in _nvpairs(s):
                found.setdefault(name(nv.get("name", "")), []).append(nv.get("value", ""))
    return found


def ops(rsc: Any) -> list[tuple[str, str, str]]:
    found = []
    for ops_el in rsc.findall("operations"):
        for op in ops_el.findall("op"):
            interval = op.get("interval") or "0"
            found.append((op.get("name", ""), interval, role(op.get("role"))))
    return found


def instance_values(rsc: Any) -> list[tuple[str, str, str]]:
    return [
        (nv.get("name", ""), nv.get("value", ""), nv.get("id", ""))
        for s in rsc.findall("instance_attributes")
        for nv in _nvpairs(s)
    ]


def _excused(changes: Sequence[Change], ident: str | None, words: Iterable[str] = ()) -> bool:
    """A report line that names ``ident`` (an element id) and says it is not carried, or
    any change that names one of ``words`` (an option name, either spelling)."""
    for ch in changes:
        if ident and ch.kind in EXCUSES and ident in (ch.id, *re.findall(r"'([^']*)'", ch.what)):
            return True
        text = f"{ch.what} {ch.why}"
        if any(w and re.search(rf"(?<![\w-]){re.escape(w)}(=| ->)", text) for w in words):
            return True
    return False


class _Refs:
    """Input resource id -> output resource id, by document order (the converter keeps
    every resource, in order; duplicate ids become ``ip-2``), and each clone's child ->
    the clone (Pacemaker 2 ignores a constraint on the child; the current step names
    the clone instead)."""

    def __init__(self, src: list[Any], out: list[Any]) -> None:
        self.map: dict[str, str] = {}
        for a, b in zip(src, out, strict=False):
            self.map.setdefault(a.get("id", ""), b.get("id", ""))
        self.parent: dict[str, str] = {}
        for tree in (src, out):
            for r in tree:
                parent = r.getparent()
                if parent is not None and parent.tag in CLONES:
                    self.parent[r.get("id", "")] = parent.get("id", "")

    def out(self, ref: str) -> str:
        return self.map.get(ref, ref)

    def canon(self, ref: str | None) -> str:
        ref = ref or ""
        return self.parent.get(ref, ref)


def constraint_key(con: Any, refs: _Refs, *, source: bool) -> tuple[Any, ...]:
    """What a constraint means, spelling aside: kind, resources, direction, actions,
    roles, score class. ``source`` maps input ids to their output ids first."""

    def r(ref: str | None) -> str:
        return refs.canon(refs.out(ref or "") if source else ref)

    sets = tuple(
        tuple(r(ref.get("id")) for ref in rs.findall("resource_ref"))
        for rs in con.findall("resource_set")
    )
    tag = con.tag
    if tag == "rsc_order":
        if con.get("from") is not None or con.get("to") is not None:  # 0.6 (§5.9)
            action = con.get("action")
            if "before" in (con.get("type") or ""):
                first, then = con.get("from"), con.get("to")
                first_action = action or "start"
                then_action = con.get("to_action") or first_action
            else:
                first, then = con.get("to"), con.get("from")
                then_action = action or "start"
                first_action = con.get("to_action") or action or "start"
        else:
            first, then = con.get("first"), con.get("then")
            first_action = con.get("first-action") or "start"
            then_action = con.get("then-action") or first_action
        kind = (con.get("kind") or "").lower()
        if not kind:
            s = score(con.get("score"))
            kind = "optional" if s in ("0", "-0") else "mandatory"
        sym = con.get("symmetrical")
        symmetric = True if sym is None else truthy(sym)
        return (tag, r(first), r(then), first_action, then_action, kind, symmetric, sets)
    if tag == "rsc_colocation":
        rsc = con.get("rsc", con.get("from"))
        with_rsc = con.get("with-rsc", con.get("to"))
        rrole = con.get("rsc-role", con.get("from_role"))
        wrole = con.get("with-rsc-role", con.get("to_role"))
        return (tag, r(rsc), r(with_rsc), role(rrole), role(wrole), score(con.get("score")), sets)
    if tag == "rsc_ticket":
        return (
            tag, r(con.get("rsc")), con.get("ticket"), role(con.get("rsc-role")),
            con.get("loss-policy"), sets,
        )  # fmt: skip
    return (tag, r(con.get("rsc")), con.get("rsc-pattern"), sets)


def location_entries(con: Any) -> set[tuple[str, ...]]:
    """A location's node preferences and rules (score, role), each on its own: the
    current step splits several rules into one location each."""
    found: set[tuple[str, ...]] = set()
    if con.get("node") is not None:
        found.add(("node", con.get("node", ""), score(con.get("score"))))
    for rule in con.findall("rule"):
        attr = rule.get("score-attribute", rule.get("score_attribute"))
        value = attr or score(rule.get("score") or "0")
        found.add(("rule", value, role(rule.get("role"))))
        # upgrade-3.10-3.xsl folds node= and a <lifetime> into an 'and' rule on #uname
        if (rule.get("boolean-op", rule.get("boolean_op")) or "and") == "and":
            for ex in rule.iter("expression"):
                if ex.get("attribute") == "#uname" and ex.get("operation") == "eq":
                    found.add(("node", ex.get("value", ""), value))
    return found


def _constraints(root: Any) -> list[Any]:
    conf = root.find("configuration")
    section = None if conf is None else conf.find("constraints")
    return [] if section is None else [c for c in section if c.tag in CONSTRAINTS]


def violations(source: str, output: str, changes: Sequence[Change]) -> list[str]:
    """Every invariant the conversion of ``source`` into ``output`` breaks, as text."""
    src, out = _parse(source), _parse(output)
    if src.tag != "cib" or out.tag != "cib":
        return []
    found: list[str] = []
    found += _fencing(src, out, changes)
    src_rsc, out_rsc = resources(src), resources(out)
    refs = _Refs(src_rsc, out_rsc)
    found += _resources(src_rsc, out_rsc, changes)
    found += _constraint_violations(src, out, refs, changes)
    return found


def _fencing(src: Any, out: Any, changes: Sequence[Change]) -> list[str]:
    found = []
    before, after = options(src), options(out)
    if truthy(before.get("stonith-enabled", "true")) and not truthy(
        after.get("stonith-enabled", "true")
    ):
        found.append(
            f"stonith-enabled {before.get('stonith-enabled')!r} -> {after['stonith-enabled']!r}"
        )
    if truthy(before.get("startup-fencing", "true")) and not truthy(
        after.get("startup-fencing", "true")
    ):
        found.append("startup-fencing turned off")
    if before.get("no-quorum-policy") != "ignore" and after.get("no-quorum-policy") == "ignore":
        found.append("no-quorum-policy became ignore")
    if truthy(before.get("symmetric-cluster", "true")) != truthy(
        after.get("symmetric-cluster", "true")
    ):
        found.append("symmetric-cluster changed")
    for opt in ("is-managed-default", "maintenance-mode"):
        was = before.get(opt)
        now = after.get(
            opt,
            defaults(out, "rsc_defaults").get("is-managed") if opt != "maintenance-mode" else None,
        )
        if (
            was is not None
            and opt == "is-managed-default"
            and not truthy(was)
            and truthy(now or "true")
        ):
            found.append(f"{opt}={was!r} lost: resources become managed")
        if was is not None and opt == "maintenance-mode" and truthy(was) and not truthy(now):
            found.append(f"{opt}={was!r} lost")
    stonith_in = [r.get("id") for r in resources(src) if r.get("class") == "stonith"]
    stonith_out = [r.get("id") for r in resources(out) if r.get("class") == "stonith"]
    if len(stonith_out) < len(stonith_in):
        found.append(f"stonith resources {stonith_in} -> {stonith_out}")
    levels_in = [(lv.get("target"), lv.get("index")) for lv in src.iter("fencing-level")]
    levels_out = [(lv.get("target"), lv.get("index")) for lv in out.iter("fencing-level")]
    if sorted(map(str, levels_in)) != sorted(map(str, levels_out)):
        found.append(f"fencing levels {levels_in} -> {levels_out}")
    return found


def _resources(src_rsc: list[Any], out_rsc: list[Any], changes: Sequence[Change]) -> list[str]:
    found = []
    if len(src_rsc) != len(out_rsc):
        found.append(f"{len(src_rsc)} resources -> {len(out_rsc)}")
        return found
    for a, b in zip(src_rsc, out_rsc, strict=True):
        rid = a.get("id", "")
        if (a.tag in CLONES) != (b.tag in CLONES) or (a.tag in CLONES) != (b.tag in CLONES):
            found.append(f"<{a.tag} id={rid!r}> became <{b.tag} id={b.get('id')!r}>")
        if a.get("class") != b.get("class") or a.get("type") != b.get("type"):
            found.append(f"<{a.tag} id={rid!r}> agent {a.get('class')}:{a.get('type')} changed")
        before, after = settings(a), settings(b)
        role_in = [v.lower() for v in before.get("target-role", [])]
        if (
            role_in
            and role_in[0] == "stopped"
            and [v.lower() for v in after.get("target-role", [])][:1] != ["stopped"]
        ):
            found.append(f"{rid!r} target-role stopped lost")
        managed = before.get("is-managed", [])
        unmanaged = managed and not truthy(managed[0]) and managed[0].lower() != "default"
        if unmanaged and truthy((after.get("is-managed") or ["true"])[0]):
            found.append(f"{rid!r} is-managed={managed[0]!r} lost")
        out_ops = ops(b)
        for op in ops(a):
            if op not in out_ops and not _excused(changes, None, [f"'{op[0]}'"]):
                found.append(f"{rid!r} op {op} not carried")
        carried = {(name(k), v) for k, v, _ in instance_values(b)} | {
            (k, v) for k, vs in after.items() for v in vs
        }
        for key, value, nvid in instance_values(a):
            if (name(key), value) in carried or (key, value) in carried:
                continue
            if (name(key), role(value)) in {(k, role(v)) for k, v in carried}:
                continue
            if _excused(changes, nvid, [key, name(key)]):
                continue
            found.append(f"{rid!r} instance attribute {key}={value!r} not carried")
    return found


def _constraint_violations(src: Any, out: Any, refs: _Refs, changes: Sequence[Change]) -> list[str]:
    found = []
    out_cons = _constraints(out)
    out_keys = [constraint_key(c, refs, source=False) for c in out_cons]
    for con in _constraints(src):
        cid = con.get("id")
        key = constraint_key(con, refs, source=True)
        twins = [c for c, k in zip(out_cons, out_keys, strict=True) if k == key]
        if con.tag == "rsc_location" and twins:
            have: set[tuple[str, ...]] = set()
            for t in twins:
                have |= location_entries(t)
            missing = location_entries(con) - have
            if missing and not _excused(changes, cid):
                found.append(f"<rsc_location id={cid!r}> lost {sorted(missing)}")
            continue
        if not twins and not _excused(changes, cid):
            found.append(f"<{con.tag} id={cid!r}> {key} has no counterpart")
    return found
