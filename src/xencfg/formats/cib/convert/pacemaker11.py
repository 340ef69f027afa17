"""Pacemaker 1.0 -> 1.1: the deprecated ``default_*`` cluster options moved where 1.1
reads them, and ``migration-threshold`` from the old failure stickiness."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...._lazy import etree
from .records import Change
from .tables import add_nvpair, normalise_score, source_line

if TYPE_CHECKING:
    from .base import ConverterBase


class Pacemaker11:
    """Move the deprecated ``default_*`` cluster options where Pacemaker 1.1 reads them."""

    def __init__(self, conv: ConverterBase) -> None:
        self.conv = conv
        #: converted element -> its source element's line (for the report's line numbers)
        self.lines = {out: src.sourceline for src, out in conv.made.items()}
        #: converted element -> its source element (the id the administrator wrote)
        self.source = {out: src for src, out in conv.made.items()}

    def apply(self, conf: Any) -> None:
        stickiness = self.cluster(conf)
        if stickiness is None:
            for nv in conf.findall("rsc_defaults/meta_attributes/nvpair"):
                if nv.get("name") == "resource-stickiness":
                    stickiness = nv.get("value")
        for rsc in list(conf.iter("primitive", "group", "clone", "master")):
            self.failure_stickiness(rsc, stickiness or "0")
            if rsc.tag == "primitive":
                self.op_requires(rsc)

    def _set(self, rsc: Any, tag: str) -> Any:
        sets = rsc.findall(tag)
        if sets:
            return sets[0]
        el = etree.Element(tag, id=self.conv.unique(f"{rsc.get('id')}-{tag}"))
        rsc.insert(0, el)
        return el

    def _note(self, rsc: Any, what: str, why: str) -> None:
        line = source_line(rsc, self.lines)
        self.conv.changes.append(Change("pacemaker-1.1", rsc.tag, rsc.get("id"), line, what, why))

    def _note_option(self, nv: Any, what: str, why: str) -> None:
        """A cluster option moved or rewritten: NV, gone from the output, is named by the
        id and line it has in the input."""
        src = self.source.get(nv, nv)
        line = source_line(nv, self.lines)
        self.conv.changes.append(Change("pacemaker-1.1", "nvpair", src.get("id"), line, what, why))

    def failure_stickiness(self, rsc: Any, default_stickiness: str) -> None:
        """A resource's own failure stickiness becomes its migration-threshold."""
        names = ("resource-failure-stickiness", "resource_failure_stickiness")
        found = [
            nv
            for tag in ("meta_attributes", "instance_attributes")
            for s in rsc.findall(tag)
            for nv in s.findall("nvpair")
            if nv.get("name") in names and (tag == "meta_attributes" or "_" in nv.get("name"))
        ]
        if not found:
            return
        meta = {nv.get("name"): nv for s in rsc.findall("meta_attributes") for nv in s}
        stick = meta["resource-stickiness"].get("value") if "resource-stickiness" in meta else None
        fail = found[0].get("value", "")
        threshold = migration_threshold(stick or default_stickiness, fail)
        for nv in found:
            nv.getparent().remove(nv)
        if threshold is not None and "migration-threshold" not in meta:
            box = self._set(rsc, "meta_attributes")
            add_nvpair(box, "migration-threshold", threshold, self.conv.unique)
        self._note(
            rsc,
            f"resource-failure-stickiness={fail!r} -> "
            + (f"migration-threshold={threshold!r}" if threshold else "(dropped)"),
            "1.1 ignores the per-resource failure stickiness and counts failures instead "
            "(computed from this resource's stickiness "
            f"{stick or default_stickiness!r} as for the cluster-wide option)",
        )

    def op_requires(self, rsc: Any) -> None:
        """The start op's ``requires`` becomes the resource's ``requires`` meta attribute."""
        meta = {nv.get("name") for s in rsc.findall("meta_attributes") for nv in s}
        for op in rsc.findall("operations/op"):
            value = op.get("requires")
            if value is None:
                continue
            if op.get("name") != "start":
                self._note(
                    rsc,
                    f"op {op.get('id')!r} ({op.get('name')}) keeps requires={value!r}: "
                    "check it by hand",
                    "Pacemaker 1.1 reads 'requires' as a resource meta attribute, which "
                    "applies to start (and promote) only",
                )
                continue
            del op.attrib["requires"]
            if "requires" in meta:
                what = f"op {op.get('id')!r} requires={value!r} dropped (the resource sets it)"
            else:
                box = self._set(rsc, "meta_attributes")
                add_nvpair(box, "requires", value, self.conv.unique)
                meta.add("requires")
                what = f"start op {op.get('id')!r} requires={value!r} -> meta requires"
            self._note(rsc, what, "Pacemaker 1.1 deprecates the op-level 'requires'")

    def cluster(self, conf: Any) -> str | None:
        """The cluster-wide moves; returns the default stickiness it found (or None)."""
        crm = conf.find("crm_config")
        if crm is None:
            return None
        found: dict[str, tuple[Any, str]] = {}
        emptied: list[Any] = []
        ruled: list[Any] = []
        first: set[str] = set()  # what cib-bootstrap-options sets
        for cps in crm.findall("cluster_property_set"):
            if cps.find("rule") is not None:
                ruled.append(cps)
                continue
            for nv in list(cps.findall("nvpair")):
                key = nv.get("name", "").replace("_", "-")
                if key in _MOVED:
                    found.setdefault(key, (nv, nv.get("value", "")))
                    cps.remove(nv)
                    emptied.append(cps)
                    if cps.get("id") == "cib-bootstrap-options":
                        first.add(key)
        for cps in ruled:
            self.ruled(conf, crm, cps, first)
        if not found:
            return None
        # (name, value, the cluster option it comes from)
        rsc: list[tuple[str, str, Any]] = []
        ops: list[tuple[str, str, Any]] = []
        stick = found.get("default-resource-stickiness")
        for option, into, name in (
            ("default-resource-stickiness", rsc, "resource-stickiness"),
            ("is-managed-default", rsc, "is-managed"),
            ("default-action-timeout", ops, "timeout"),
        ):
            if option in found:
                nv, value = found[option]
                into.append((name, value, nv))
        fail = found.get("default-resource-failure-stickiness")
        if fail:
            threshold = migration_threshold(stick[1] if stick else "0", fail[1])
            if threshold is not None:
                rsc.append(("migration-threshold", threshold, fail[0]))
            self._note_option(
                fail[0],
                f"default-resource-failure-stickiness={fail[1]!r} -> "
                + (f"migration-threshold={threshold!r}" if threshold else "(dropped)"),
                "1.1 counts failures instead of subtracting a score per failure: a resource "
                "now leaves a node after migration-threshold failures there (computed as "
                "the number of failures that used to outweigh its stickiness)",
            )
        for section, pairs in (("rsc_defaults", rsc), ("op_defaults", ops)):
            if not pairs:
                continue
            meta = etree.SubElement(
                self._defaults(conf, crm, section),
                "meta_attributes",
                id=self.conv.unique("rsc-options" if section == "rsc_defaults" else "op-options"),
            )
            for name, value, option in pairs:
                moved = add_nvpair(meta, name, value, self.conv.unique)
                # the default stands for the option it replaces (a later step's line)
                self.conv.made[self.source.get(option, option)] = moved
                if name != "migration-threshold":
                    self._note_option(
                        option,
                        f"cluster option -> {section} {name}={value!r}",
                        "Pacemaker 1.1 ignores the deprecated default_* cluster options",
                    )
        for cps in emptied:
            if len(cps) == 0 and cps.getparent() is crm:  # all moved: an empty set confuses
                crm.remove(cps)
        return stick[1] if stick else None

    def _defaults(self, conf: Any, crm: Any, section: str) -> Any:
        """The configuration's ``rsc_defaults`` or ``op_defaults``, made after crm_config
        (op_defaults after rsc_defaults) if it has none."""
        el = conf.find(section)
        if el is None:
            el = etree.Element(section)
            self.conv.added.append(el)
            before = conf.find("rsc_defaults") if section == "op_defaults" else None
            (crm if before is None else before).addnext(el)
        return el

    def ruled(self, conf: Any, crm: Any, cps: Any, first: set[str]) -> None:
        """A cluster_property_set with a rule (heartbeat 2's options by time of day or
        node): its ``default_*`` options go to a rsc_defaults/op_defaults set with the
        same rule and score, as upgrade-2.10.xsl's ``ProcessDefaultsRuleClusterProperties``
        does (there a ``meta_attributes`` of id ``_2TO3_<set id>``), not left in
        crm_config, where pacemaker-3.x's schema refuses the names (options-3.9.rng)
        and 1.1 ignores them. The failure stickiness stays (no per-rule
        migration-threshold is computed: reported). An option ``cib-bootstrap-options``
        also sets (``first``) is reported: that set was read first whatever the scores
        (crm.dtd: "treated as if they have a score of INFINITY"), so the rule's value
        never applied; in rsc_defaults it applies when the rule matches."""
        pairs: dict[str, list[tuple[str, str, Any]]] = {"rsc_defaults": [], "op_defaults": []}
        for nv in cps.findall("nvpair"):
            key = nv.get("name", "").replace("_", "-")
            if key in _RULED:
                section, name = _RULED[key]
                pairs[section].append((name, nv.get("value", ""), nv))
            elif key == "default-resource-failure-stickiness":
                self._note_option(
                    nv,
                    f"{nv.get('name')}={nv.get('value', '')!r} under a rule: left for a hand edit",
                    "1.1 ignores it; set migration-threshold in an rsc_defaults set with "
                    "this rule by hand",
                )
        moves = [(section, found) for section, found in pairs.items() if found]
        for n, (section, found) in enumerate(moves):
            meta = etree.SubElement(
                self._defaults(conf, crm, section),
                "meta_attributes",
                id=self.conv.unique(f"{cps.get('id')}-{section}"),
            )
            if cps.get("score") is not None:
                meta.set("score", cps.get("score"))
            for name, value, nv in found:
                cps.remove(nv)
                self.conv.made[self.source.get(nv, nv)] = add_nvpair(
                    meta, name, value, self.conv.unique
                )
                key = nv.get("name", "").replace("_", "-")
                self._note_option(
                    nv,
                    f"cluster option under rule -> {section} {name}={value!r}, same rule"
                    + (
                        ": it now applies where the rule matches (cib-bootstrap-options, "
                        "read first, set it too and always won): check it"
                        if key in first
                        else ""
                    ),
                    "Pacemaker 1.1 ignores the deprecated default_* cluster options; "
                    "rsc_defaults and op_defaults sets take the rule (upgrade-2.10.xsl)",
                )
            last = n == len(moves) - 1 and cps.find("nvpair") is None
            for rule in cps.findall("rule"):
                meta.append(rule if last else self._copy(rule))
        if cps.find("nvpair") is None and cps.find("rule") is None:
            crm.remove(cps)

    def _copy(self, rule: Any) -> Any:
        """RULE for a second set: its ids made unique."""
        import copy

        dup = copy.deepcopy(rule)
        for el in dup.iter():
            if el.get("id") is not None:
                el.set("id", self.conv.unique(el.get("id")))
        return dup


#: the deprecated cluster options the 1.1 step moves to rsc_defaults/op_defaults
_MOVED = (
    "default-resource-stickiness",
    "default-resource-failure-stickiness",
    "is-managed-default",
    "default-action-timeout",
)
#: those of them a rule-scoped set's move carries: option -> (section, name there)
_RULED = {
    "default-resource-stickiness": ("rsc_defaults", "resource-stickiness"),
    "is-managed-default": ("rsc_defaults", "is-managed"),
    "default-action-timeout": ("op_defaults", "timeout"),
}


def migration_threshold(stickiness: str, failure: str) -> str | None:
    """Failures after which a resource used to move: stickiness / -failure_stickiness."""
    fail = normalise_score(failure)
    stick = normalise_score(stickiness)
    if fail == "-INFINITY":
        return "1"
    try:
        f = int(fail)
    except ValueError:
        return None
    if f >= 0:
        return None
    if stick in ("INFINITY", "+INFINITY"):
        return None
    try:
        s = max(int(stick), 0)
    except ValueError:
        s = 0
    return str(s // -f + 1)
