"""Pacemaker 1.x CIB -> the current schema (``pacemaker-3.9``), natively.

The stops of ``xencfg cib convert --to``:

* ``pacemaker-1.0``: heartbeat 2 -> Pacemaker 1.0 (:func:`.convert.convert`, upgrade06.xsl's rules);
* ``pacemaker-1.1``: plus the 1.1 option moves (``default_*`` options to
  ``rsc_defaults``/``op_defaults``, failure stickiness to ``migration-threshold``, the start
  op's ``requires`` to the resource);
* ``current``: plus what Pacemaker's own later upgrade stylesheets do, without running them:
  upgrade-1.3.xsl (ACLs only: a CIB with ACLs is refused, see :class:`.ConversionRefused`),
  upgrade-2.10.xsl (its rename/drop/move tables: cluster options, node ``type``,
  ``requires``, colocation ``score-attribute``) and the 3.x steps (upgrade-3.10-0 ... -4:
  ``stonith-action=poweroff``, ``remove-after-stop``, legacy ``master`` resources become
  promotable clones, ``Master``/``Slave`` roles become ``Promoted``/``Unpromoted``, one nvpair
  of a name per set, one top-level rule per location, no ``lifetime``, no ``restart-type``,
  ``can_fail`` or ``role_after_failure``, ``default`` meta values), and what moving off
  heartbeat needs: node ids become corosync nodeids, ``cluster-infrastructure``,
  ``dc-version`` and ``expected-quorum-votes`` go (the cluster writes its own), the status
  section is emptied, ``admin_epoch`` is at least 1 so that ``cibadmin --replace`` takes it
  over the new cluster's own CIB.

The target is ``pacemaker-3.9``, the newest schema of Pacemaker 2.1 (Debian 12's); a CIB in
it has already had what upgrade-3.10-0 ... -4 (Pacemaker 3's step to ``pacemaker-4.0``, as
read from ClusterLabs/pacemaker xml/) would do, so that step has nothing of ours to rewrite.

Fencing is never turned off or on: a CIB without a STONITH device, or with
``stonith-enabled=false``, is a ``safety`` change in the report, nothing more. Every
rewrite is a :class:`.Change` (kind ``current``).
"""

from __future__ import annotations

import re
from typing import Any

from xencfg._lazy import etree
from xencfg.errors import ParseError
from xencfg.formats.cib import convert as _convert
from xencfg.formats.cib.constraints import add_node_rule
from xencfg.formats.cib.convert import Conversion, ConversionRefused
from xencfg.formats.cib.convert.tables import add_nvpair
from xencfg.formats.cib.values import schema_version

from ...syntax.numbers import decimal, is_decimal
from .upgrade_resources import _ResourceSteps
from .upgrade_steps import _is_el, _promotable
from .upgrade_tables import (
    DROPPED_OPTIONS,
    RENAMED_OPTIONS,
)

__all__ = ["CURRENT", "TARGETS", "upgrade"]

#: the schema ``--to current`` writes (Pacemaker 2.1's newest; Pacemaker 3 still loads it)
CURRENT = "pacemaker-3.9"
#: the stops of ``xencfg cib convert --to`` (``pacemaker-3.9`` is ``current``)
TARGETS = ("pacemaker-1.0", "pacemaker-1.1", "current")
CURRENT_VERSION = (3, 9)


def upgrade(
    text: str,
    *,
    path: str | None = None,
    target: str = "current",
    nodeids: dict[str, int] | None = None,
    drop_status: bool = False,
) -> Conversion:
    """Convert a heartbeat 2 or Pacemaker 1.x-3.x CIB (or fragment) to ``target``.

    ``target`` is one of :data:`TARGETS` (``pacemaker-3.9`` means ``current``).
    ``nodeids`` maps node names (``uname``) to their corosync nodeids; without it a node
    whose id is a heartbeat UUID is reported for a hand edit. Raises what
    :func:`.convert.convert` raises, and :class:`.ConversionRefused` for a CIB newer than
    the target or one with ACLs older than ``pacemaker-1.3``.
    """
    if target == CURRENT:
        target = "current"
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}: choose from {', '.join(TARGETS)}")
    if target != "current":
        return _convert.convert(
            text, path=path, pacemaker11=target == "pacemaker-1.1", drop_status=drop_status
        )
    nodes, _whole = _convert.parse_roots(text, path)
    elements = [n for n in nodes if isinstance(n.tag, str)]
    if not elements:
        raise ParseError("no XML element found", path=path, expected="a CIB or a CIB fragment")
    is_cib = len(elements) == 1 and elements[0].tag == "cib"
    schema = elements[0].get("validate-with") if is_cib else None
    version = schema_version(schema)
    if schema == CURRENT:  # already there: returned as it is, as convert does with 1.x
        return Conversion(text, [], fragment=False)
    if version is not None and version >= (2, 0):
        if version > CURRENT_VERSION:
            raise ConversionRefused(
                f"{path or '<input>'}: validate-with={schema!r} is newer than {CURRENT}: "
                "refusing to convert it down (that would drop what the newer schema says)"
            )
        base = Conversion(text, [], fragment=not is_cib)
        tops = nodes
    else:
        base = _convert.convert(text, path=path, pacemaker11=True, drop_status=drop_status)
        tops, _ = _convert.parse_roots(base.text, path)
    roots = [n for n in tops if _is_el(n)]
    step = _Current(_input_lines(roots, base.lines), nodeids)
    if version is not None and version < (1, 3):
        for r in roots:
            if r.find(".//acls") is not None:
                raise ConversionRefused(
                    f"{path or '<input>'}: the CIB has pacemaker-1.x ACLs, which "
                    "upgrade-1.3.xsl rewrites with a meaning xencfg does not reproduce: "
                    "upgrade it with cibadmin --upgrade instead"
                )
    step.apply(roots)  # in place: a legacy <master> root becomes the <clone> it is
    body = _render(tops)  # comments around the root elements kept
    decl = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        if text.lstrip("\ufeff").startswith("<?xml")
        else ""
    )
    return Conversion(
        (decl if is_cib else "") + body, base.changes + step.changes, fragment=base.fragment
    )


def _input_lines(roots: list[Any], lines: tuple[int | None, ...] | None) -> dict[Any, int | None]:
    """Each element of ROOTS (the earlier step's output, re-read) -> its input line.

    The 1.0 step renames ids (an nvpair becomes ``cib-bootstrap-options-<name>``), so an
    element is matched to its line by position, not id: its output and this parse meet
    the elements in the same order (:attr:`.Conversion.lines`). Empty when ROOTS are the
    input itself (their own lines are the input's)."""
    if lines is None:
        return {}
    found = [el for r in roots for el in r.iter(etree.Element)]
    if len(found) != len(lines):  # never seen; no line rather than a wrong one
        return dict.fromkeys(found)
    return dict(zip(found, lines, strict=True))


_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
#: ``cluster-infrastructure`` values (lower case) -> the stack as a message names it
STACKS = {
    "heartbeat": "heartbeat",
    "openais": "openais",
    "classic openais": "openais",
    "classic openais (with plugin)": "openais",
    "cman": "cman",
    "corosync": "corosync",
}


def _stack(roots: list[Any]) -> str | None:
    """The cluster stack the CIB says it ran on (``cluster-infrastructure``, written by
    the DC), or ``None`` when it does not say."""
    for root in roots:
        for nv in root.iter("nvpair"):
            if nv.get("name") in ("cluster-infrastructure", "cluster_infrastructure"):
                return STACKS.get(nv.get("value", "").strip().lower())
    return None


def _old_id(old: str, uname: str, stack: str | None) -> str:
    """What a node id that is no corosync nodeid is, as the stack that wrote it made it:
    heartbeat names a node by its UUID (hb_uuid); Pacemaker on openais (the classic
    plugin) or cman by its name (Pacemaker 1.0 lib/common/cluster.c get_uuid:
    ``if(is_openais_cluster()) uuid_calc = crm_strdup(uname)``; 1.1's crm_peer_uuid:
    cman and classic_ais use the uname)."""
    if stack in ("openais", "cman") or (stack is None and old == uname):
        on = {"openais": "openais (the classic plugin)", "cman": "cman"}.get(stack or "")
        return f"the node's name, as Pacemaker on {on or 'openais or cman'} names a node"
    if stack == "heartbeat" or _UUID.match(old):
        return "heartbeat's UUID"
    return "no corosync nodeid"


def _render(roots: list[Any]) -> str:
    parts = []
    for node in roots:
        if not _is_el(node):
            parts.append(etree.tostring(node, encoding="unicode", with_tail=False))
            continue
        for el in node.iter():
            if _is_el(el) and len(el) == 0 and not (el.text or "").strip():
                el.text = None  # written <x/>
        etree.indent(node, space="  ")
        parts.append(etree.tostring(node, encoding="unicode", with_tail=False))
    return "\n".join(parts) + "\n"


class _Current(_ResourceSteps):
    """The steps from a Pacemaker 1.1 configuration to :data:`CURRENT` (see the module doc)."""

    # -- driver
    def apply(self, roots: list[Any]) -> None:
        self.used = {str(e.get("id")) for r in roots for e in r.iter() if _is_el(e) and e.get("id")}
        cib = roots[0] if len(roots) == 1 and roots[0].tag == "cib" else None
        self.stack = _stack(roots)  # read before cluster_options drops the option
        for root in roots:
            self.defaults_sets(root)
            self.cluster_options(root)
            self.nodes(root)
            self.resources(root)
            self.constraints(root)
        for root in roots:
            for m in list(root.iter("master")):
                self.master(m)
            self.empty_sets(root)
        if cib is not None:
            self.cib(cib)
            self.safety(cib)

    def empty_sets(self, root: Any) -> None:
        """Attribute sets with nothing in them go, as upgrade-2.10.xsl drops them (its
        "trick A"): the 1.0 step writes a meta set per resource, often empty."""
        for nvset in list(root.iter("meta_attributes", "instance_attributes")):
            parent = nvset.getparent()
            if parent is not None and not any(_is_el(c) for c in nvset):
                parent.remove(nvset)
        for section in list(root.iter("rsc_defaults", "op_defaults")):
            parent = section.getparent()
            if parent is not None and not any(_is_el(c) for c in section):
                parent.remove(section)

    # -- the <cib> element and status
    def cib(self, cib: Any) -> None:
        old = cib.get("validate-with")
        cib.set("validate-with", CURRENT)
        self.note(cib, f"validate-with {old!r} -> {CURRENT!r}", "the schema this CIB now follows")
        admin = cib.get("admin_epoch", "0")
        if not is_decimal(admin) or decimal(admin) < 1:
            cib.set("admin_epoch", "1")
            self.note(
                cib,
                f"admin_epoch {admin!r} -> '1' (epoch {cib.get('epoch')!r} kept)",
                "cibadmin --replace refuses a CIB whose (admin_epoch, epoch, num_updates) is "
                "older than the cluster's own ('current admin_epoch is greater than the "
                "replacement'); a new cluster starts at admin_epoch 0, so 1 wins whatever "
                "the epochs",
            )
        if cib.get("num_updates", "0") != "0":
            self.note(cib, f"num_updates {cib.get('num_updates')!r} -> '0'", "a new version")
            cib.set("num_updates", "0")
        for name, why in (
            ("dc-uuid", "names the old cluster's DC by its node id; the new one elects its own"),
            ("have-quorum", "run-time state the cluster sets itself"),
            ("crm_feature_set", "the old CRM's feature set; the DC writes its own"),
            ("ccm_transition", "heartbeat membership state"),
            ("cib-last-written", "written by the cluster"),
        ):
            if cib.get(name) is not None:
                self.note(cib, f"dropped {name}={cib.get(name)!r}", why)
                del cib.attrib[name]
        if cib.get("remote-tls-port") == "0":
            del cib.attrib["remote-tls-port"]
            self.note(cib, "dropped remote-tls-port='0'", "0 is no remote access, the default")
        status = cib.find("status")
        if status is not None and len(status):
            for child in list(status):
                status.remove(child)
            self.note(
                status,
                "status section emptied",
                "it records the old cluster's run-time state (its node ids, its operation "
                "history); "
                "Pacemaker rebuilds it",
            )

    def safety(self, cib: Any) -> None:
        """Findings, never changes: fencing off or without a device, legacy STONITH plugins."""
        conf = cib.find("configuration")
        if conf is None:
            return
        enabled = None
        for nv in conf.iterfind("crm_config/cluster_property_set/nvpair"):
            if nv.get("name") == "stonith-enabled":
                enabled = nv
        devices = [p for p in conf.iter("primitive") if p.get("class") == "stonith"]
        if enabled is not None and enabled.get("value", "").lower() in (
            "false",
            "no",
            "0",
            "off",
            "n",
        ):
            self.note(
                enabled,
                f"stonith-enabled={enabled.get('value')!r} kept: this cluster runs without fencing",
                "kept as the administrator set it; without fencing a node that stops "
                "responding can still write to shared storage: configure a STONITH device",
                "safety",
            )
            for op in conf.iter("op"):
                if op.get("on-fail") == "fence":
                    self.note(
                        op,
                        "on-fail='fence' with fencing off: Pacemaker stops the resource instead",
                        "crm_verify: 'fence' is not valid when fencing is disabled; kept, so "
                        "that it fences once a STONITH device is configured",
                        "warning",
                    )
        elif not devices:
            self.note(
                cib,
                "no STONITH device: Pacemaker fences by default and will not start resources "
                "until one is configured (nothing added)",
                "fencing protects shared data; configure a stonith resource (fence_* agent)",
                "safety",
            )

    def defaults_sets(self, root: Any) -> None:
        """A ``cluster_property_set`` in rsc_defaults/op_defaults (crm_config's spelling)
        becomes the ``meta_attributes`` every schema wants there (pacemaker-1.0.rng to
        -3.9: crm_verify 2.1.5 "Extra element rsc_defaults in interleave"); Pacemaker
        reads nothing else there, so its defaults start to apply: reported."""
        for cps in list(root.iterfind("configuration/*/cluster_property_set")):
            section = cps.getparent().tag
            if section in ("rsc_defaults", "op_defaults"):
                cps.tag = "meta_attributes"
                self.note(
                    cps,
                    f"<cluster_property_set> in {section} -> <meta_attributes>: its "
                    "defaults now apply",
                    "the schema refuses the CIB with it, and the scheduler reads only "
                    "meta_attributes there",
                    "warning",
                )

    # -- crm_config
    def cluster_options(self, root: Any) -> None:
        plain = [s for s in root.iter("cluster_property_set") if s.find("rule") is None]
        unruled = {nv.get("name") for s in plain for nv in s.iter("nvpair")}
        for cps in list(root.iter("cluster_property_set")):
            ruled = cps.find("rule") is not None  # (a rule's set applies when its rule does)
            dashed = {nv.get("name") for nv in cps.iter("nvpair")} if ruled else unruled
            for nv in list(cps.findall("nvpair")):
                name = nv.get("name", "")
                value = nv.get("value", "")
                if name in DROPPED_OPTIONS:
                    cps.remove(nv)
                    self.note(nv, f"cluster option {name}={value!r} dropped", DROPPED_OPTIONS[name])
                elif name in ("default-migration-threshold", "default_migration_threshold"):
                    cps.remove(nv)
                    self.rsc_default(root, "migration-threshold", value, nv)
                elif name in RENAMED_OPTIONS and RENAMED_OPTIONS[name] in dashed:
                    cps.remove(nv)
                    self.note(
                        nv,
                        f"{name}={value!r} dropped: this CIB also sets {RENAMED_OPTIONS[name]}",
                        f"Pacemaker 1.x read {RENAMED_OPTIONS[name]} and its old name only when "
                        "that is unset (cluster_option, lib/common/utils.c); renamed, the first "
                        "of the two would win",
                        "warning",
                    )
                elif name in RENAMED_OPTIONS:
                    nv.set("name", RENAMED_OPTIONS[name])
                    self.note(nv, f"{name} -> {RENAMED_OPTIONS[name]}", "upgrade-2.10.xsl's rename")
                elif name == "stonith-action" and value == "poweroff":
                    nv.set("value", "off")
                    self.note(
                        nv,
                        "stonith-action 'poweroff' -> 'off'",
                        "the same action's current name (upgrade-3.10-0.xsl)",
                    )
            self.dedupe(cps)
            self.ignored_options(cps)
            if len([c for c in cps if _is_el(c)]) == 0 and cps.getparent() is not None:
                cps.getparent().remove(cps)
                self.note(cps, "empty cluster_property_set removed", "all its options went")

    def ignored_options(self, cps: Any) -> None:
        """A report line for each option kept that the current Pacemaker does not read:
        not among the cluster options of Pacemaker 2.1.5's pacemaker-schedulerd,
        pacemaker-controld and pacemaker-based metadata (nor the 1.1 names 2.x still
        accepts), under the name as written: heartbeat 2 leftovers such as
        ``short-resource-names`` or ``suppress_cluster_status``, typos. Kept, since the
        CIB is the administrator's; the line says the setting does nothing."""
        from .options import CURRENT as READ_1_0
        from .options import LATER

        for nv in cps.findall("nvpair"):
            name = nv.get("name", "")
            if name in READ_1_0 or name in LATER:
                continue
            self.note(
                nv,
                f"cluster option {name}={nv.get('value', '')!r} kept, but current Pacemaker "
                "ignores it",
                "no cluster option of that name in Pacemaker 2.1/3 (pacemaker-schedulerd, "
                "-controld and -based metadata): it changes nothing; remove it or set the "
                "option meant",
                "manual",
            )

    def rsc_default(self, root: Any, name: str, value: str, src: Any) -> None:
        conf = root if root.tag == "configuration" else root.find("configuration")
        existing = (
            [
                nv
                for nv in conf.iterfind("rsc_defaults/meta_attributes/nvpair")
                if nv.get("name") == name
            ]
            if conf is not None
            else []
        )
        if conf is None or existing:
            self.note(
                src,
                f"default-migration-threshold={value!r} dropped",
                "rsc_defaults sets migration-threshold already"
                if existing
                else "set migration-threshold in rsc_defaults by hand",
            )
            return
        rd = conf.find("rsc_defaults")
        if rd is None:
            rd = etree.Element("rsc_defaults")
            crm = conf.find("crm_config")
            crm.addnext(rd) if crm is not None else conf.insert(0, rd)
        meta = rd.find("meta_attributes")
        if meta is None:
            meta = etree.SubElement(rd, "meta_attributes", id=self.unique("rsc-options"))
        add_nvpair(meta, name, value, self.unique)
        self.note(
            src,
            f"default-migration-threshold={value!r} -> rsc_defaults {name}",
            "the cluster option is gone; rsc_defaults says the same",
        )
        if not (value.isdigit() or value.upper().lstrip("+") == "INFINITY"):
            self.note(
                src,
                f"migration-threshold={value!r} is no failure count: Pacemaker uses 1 instead "
                "(moves the resource after its first failure)",
                "crm_verify: 'migration-threshold must be non-negative'; kept as written",
                "warning",
            )

    # -- nodes
    def nodes(self, root: Any) -> None:
        renamed: dict[str, str | None] = {}  # old id -> new (None: left for a hand edit)
        for node in root.iter("node"):
            parent = node.getparent()
            if node is not root and (parent is None or parent.tag != "nodes"):
                continue
            kind = node.get("type")
            uname = node.get("uname", "")
            if kind == "normal":
                node.set("type", "member")
                self.note(
                    node,
                    f"node {uname}: type 'normal' -> 'member'",
                    "the current schema's name (upgrade-2.10.xsl)",
                )
            elif kind == "ping":
                # a member entry for a host that never joins is an unseen node: Pacemaker
                # fences it at start (startup-fencing) and counts it in every election
                parent.remove(node)
                self.note(
                    node,
                    f"ping node {uname} dropped: ocf:pacemaker:ping replaces it (a clone "
                    f"with host_list={uname!r}, which sets the pingd attribute your location "
                    "rules test)",
                    "ping nodes are gone (upgrade-3.10-0.xsl), and as a member node the host "
                    "would be a cluster node that never joins, fenced as unseen",
                    "manual",
                )
                continue
            old = node.get("id", "")
            if self.nodeids is not None and uname in self.nodeids:
                new = str(self.nodeids[uname])
                if new != old:
                    self.note(
                        node,
                        f"node {uname}: id {old!r} -> {new!r}",
                        "Pacemaker on corosync names a node by its corosync nodeid "
                        "(corosync.conf's nodelist)",
                    )
                    node.set("id", new)
                    renamed[old] = new
            elif not old.isdigit():
                renamed[old] = None
                self.note(
                    node,
                    f"node {uname}: id {old!r} is {_old_id(old, uname, self.stack)}: set it "
                    "to the node's corosync nodeid",
                    "Pacemaker on corosync names a node by its nodeid; a node entry with "
                    "another id is a second, unknown node (xencfg migrate sets it)",
                    "manual",
                )

        self.id_expressions(root, renamed)

    def id_expressions(self, root: Any, renamed: dict[str, str | None]) -> None:
        """A rule's ``#id`` expression names a node by its id: when the node's id changes
        (a heartbeat UUID becomes a corosync nodeid) the expression follows, else the rule
        silently stops matching (crm_simulate 2.1.5: ``#id eq 2`` scores node id 2, the
        old UUID scores nothing); one whose node keeps an id that must change is
        reported."""
        for expr in root.iter("expression"):
            old = expr.get("value")
            if expr.get("attribute") != "#id" or old not in renamed:
                continue
            new = renamed[old]
            if new is not None:
                expr.set("value", new)
                self.note(
                    expr,
                    f"#id {old!r} -> {new!r}",
                    "the rule names the node by its id, which is now its corosync nodeid",
                )
            else:
                self.note(
                    expr,
                    f"#id {old!r} names a node by the id it must lose: set the node's "
                    "corosync nodeid here too (or test #uname)",
                    "the rule stops matching once the node's id is its nodeid",
                    "manual",
                )

    # -- constraints and rules
    def promotable_roles(self, root: Any) -> None:
        """target-role Promoted/Unpromoted on a resource that cannot be promoted: Pacemaker
        ignores it (crm_verify: 'only makes sense for promotable clones'), so it goes."""
        for nv in list(root.iter("nvpair")):
            meta = nv.getparent()
            owner = meta.getparent() if meta is not None else None
            if meta is None or owner is None or nv.get("name") != "target-role":
                continue
            if meta.tag != "meta_attributes":
                continue
            if nv.get("value") not in ("Promoted", "Unpromoted") or owner.tag not in (
                "primitive",
                "group",
                "clone",
            ):
                continue
            chain = [owner, *owner.iterancestors("master", "clone")]
            if any(el.tag == "master" or _promotable(el) for el in chain):
                continue
            meta.remove(nv)
            self.note(
                owner,
                f"target-role={nv.get('value')!r} dropped: {owner.get('id')!r} is not promotable",
                "Pacemaker ignores a promoted/unpromoted target role on a resource that "
                "cannot be promoted; it runs as started, as without the option",
                "warning",
            )

    def clone_children(self, root: Any) -> None:
        """Constraints naming the resource inside a clone name the clone: Pacemaker 2 ignores
        a constraint on a clone's child ('not a valid resource or tag')."""
        parent: dict[str, str] = {}
        for clone in root.iter("clone", "master"):
            for child in clone:
                if _is_el(child) and child.tag in ("primitive", "group") and child.get("id"):
                    parent[child.get("id")] = clone.get("id")
        if not parent:
            return
        for con in root.iter("rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket"):
            for attr in ("rsc", "with-rsc", "first", "then"):
                value = con.get(attr)
                if value in parent:
                    con.set(attr, parent[value])
                    self.note(
                        con,
                        f"{attr}={value!r} -> {parent[value]!r} (the clone around it)",
                        "Pacemaker 2 ignores constraints on a clone's child resource; the "
                        "clone is what they can name",
                        "warning",
                    )

    def constraints(self, root: Any) -> None:
        self.clone_children(root)
        self.promotable_roles(root)
        for el in list(
            root.iter(
                "rsc_location", "rsc_colocation", "rsc_order", "rule", "resource_set", "rsc_ticket"
            )
        ):
            self.roles(el)
        for col in root.iter("rsc_colocation"):
            for name in ("score-attribute", "score-attribute-mangle"):
                if col.get(name) is not None:
                    self.note(
                        col,
                        f"dropped {name}={col.get(name)!r}",
                        "never in effect (upgrade-2.10.xsl)",
                    )
                    del col.attrib[name]
        for con in list(root.iter("rsc_colocation", "rsc_order")):
            for lt in con.findall("lifetime"):
                con.remove(lt)
                self.note(
                    con,
                    "<lifetime> dropped: the constraint now always applies; add a "
                    "rule-based condition by hand if it should expire",
                    "colocation and order lifetimes are gone (upgrade-3.10-3.xsl)",
                    "manual",
                )
        for order in root.iter("rsc_order"):
            self.order_score(order)
        for loc in list(root.iter("rsc_location")):
            self.lifetime(loc)
            self.split(loc)

    def order_score(self, order: Any) -> None:
        """``score`` on rsc_order is deprecated for ``kind``: 0 was optional, anything else
        mandatory (Pacemaker's pcmk__unpack_ordering reads it so); written as ``kind``."""
        score = order.attrib.pop("score", None)
        if score is None:
            return
        try:
            zero = int(score.strip()) == 0
        except ValueError:
            zero = False  # INFINITY and friends: mandatory
        if order.get("kind") is None and zero:
            order.set("kind", "Optional")
            what = f"score={score!r} -> kind='Optional'"
        else:
            what = f"score={score!r} dropped (kind {order.get('kind', 'Mandatory')!r})"
        self.note(
            order,
            what,
            "Pacemaker deprecates 'score' on orders and reads 0 as optional, any other score "
            "as mandatory; 'kind' says that",
        )

    def lifetime(self, loc: Any) -> None:
        lifetimes = loc.findall("lifetime")
        if not lifetimes:
            return
        rules = [r for lt in lifetimes for r in lt.findall("rule")]
        for lt in lifetimes:
            loc.remove(lt)
        if not rules:
            self.note(loc, "empty <lifetime> dropped", "lifetimes are gone (upgrade-3.10-3.xsl)")
            return
        lid = loc.get("id")
        if len(rules) > 1:
            life = etree.Element("rule", id=self.unique(f"{lid}-lifetime-or-rule"))
            life.set("boolean-op", "or")
            for r in rules:
                life.append(r)
        else:
            life = rules[0]
        wrapper = etree.Element("rule", id=self.unique(f"{lid}-lifetime-and-rule"))
        wrapper.set("boolean-op", "and")
        old = loc.findall("rule")
        if old:
            wrapper.set("score", old[0].get("score", "0"))
            old[0].addprevious(wrapper)
            for r in old:
                wrapper.append(r)
        else:
            score = loc.attrib.pop("score", "0")
            node = loc.attrib.pop("node", "")
            wrapper.set("score", score)
            rule_id = f"{lid}-node-score-rule"
            add_node_rule(
                wrapper, self.unique(rule_id), self.unique(f"{rule_id}-expr"), score, node
            )
            loc.append(wrapper)
        wrapper.append(life)
        self.note(
            loc,
            "<lifetime> folded into an 'and' rule",
            "lifetimes are gone; a rule says the same (upgrade-3.10-3.xsl)",
        )

    def split(self, loc: Any) -> None:
        rules = loc.findall("rule")
        if len(rules) < 2:
            return
        anchor = loc
        for n, rule in enumerate(rules[1:], start=2):
            new = etree.Element("rsc_location", dict(loc.attrib))
            new.set("id", self.unique(f"{loc.get('id')}-{n}"))
            for rset in loc.findall("resource_set"):
                new.append(etree.fromstring(etree.tostring(rset, with_tail=False)))
            new.append(rule)
            anchor.addnext(new)
            anchor = new
        self.note(
            loc,
            f"{len(rules)} top-level rules split into {len(rules)} rsc_location constraints",
            "one top-level rule per location (upgrade-3.10-2.xsl); each "
            "rule applied its own score, and so does each new constraint",
        )
