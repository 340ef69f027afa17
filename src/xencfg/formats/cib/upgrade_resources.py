"""The resource steps of ``cib convert --to current`` (:mod:`.upgrade`): meta
attributes, op settings, STONITH parameters, groups, clones and legacy ``master``
resources. Split from :mod:`.upgrade`, whose ``_Current`` adds the other sections."""

from __future__ import annotations

from typing import Any

from xencfg._lazy import etree
from xencfg.formats.cib.convert.tables import add_nvpair

from ...syntax.numbers import decimal, is_decimal
from .upgrade_steps import _promotable, _Steps
from .upgrade_tables import (
    DEFAULT_VALUED,
    META_DROPPED,
    META_RENAMES,
    OP_META_DROPPED,
    RESOURCE_TAGS,
    ROLE_NAMES,
    STONITH_RENAMES,
)


class _ResourceSteps(_Steps):
    """The steps on resources, ``rsc_defaults`` and ``op_defaults``."""

    def resources(self, root: Any) -> None:
        for rsc in list(root.iter(*RESOURCE_TAGS)):
            for meta in rsc.findall("meta_attributes"):
                self.meta(meta, rsc)
            if rsc.get("provider") is not None and rsc.get("class") not in (None, "ocf"):
                why = "every schema takes a provider with class ocf only (resources-*.rng)"
                self.note(rsc, f"provider {rsc.attrib.pop('provider')!r} dropped", why)
            if rsc.get("class") == "stonith":
                for ia in rsc.findall("instance_attributes"):
                    self.stonith_attrs(ia)
                kind = rsc.get("type", "")
                if not kind.startswith("fence_"):
                    self.note(
                        rsc,
                        f"stonith:{kind} kept: a cluster-glue (heartbeat) STONITH plugin",
                        "Pacemaker runs it only through cluster-glue (the package on every "
                        "node); the fence_* agent for the same device is the maintained choice",
                        "warning",
                    )
            if rsc.get("class") == "heartbeat" and any(
                a.tag == "master" or _promotable(a) for a in rsc.iterancestors("master", "clone")
            ):
                self.note(
                    rsc,
                    f"heartbeat:{rsc.get('type')} in a promotable clone: Pacemaker ignores the "
                    "whole clone (and its constraints); use an OCF agent that can promote",
                    "crm_verify: 'is of type heartbeat and therefore cannot be used as a "
                    "promotable clone resource'; heartbeat resource.d scripts know no promote",
                    "manual",
                )
            elif rsc.get("class") == "heartbeat":
                # Pacemaker 2.0 dropped the heartbeat class with the heartbeat layer
                # (ClusterLabs/pacemaker#1388): 2.1.5's crm_resource --list-standards
                # lists ocf, lsb, service, stonith; crm_verify still takes the XML
                self.note(
                    rsc,
                    f"heartbeat:{rsc.get('type')} kept: a heartbeat resource.d script, a "
                    "class Pacemaker 2 and later cannot run (the resource never starts)",
                    "crm_verify accepts it, but the executor knows only ocf, lsb, service "
                    "and stonith: use the ocf agent of the same job (ocf:linbit:drbd for "
                    "drbddisk) or an lsb script",
                    "manual",
                )
            if rsc.tag == "group":
                self.group_flags(rsc)
            if rsc.tag == "clone":
                self.anonymous_node_max(rsc)
            for op in rsc.iterfind("operations/op"):
                self.roles(op)
                self.op_requires(rsc, op)
                self.drop_op_meta(op)
        for rd in root.iter("rsc_defaults"):
            for meta in rd.findall("meta_attributes"):
                self.meta(meta, rd)
        for od in root.iter("op_defaults"):
            self.drop_op_meta(od)

    def drop_op_meta(self, owner: Any) -> None:
        """The op meta attributes upgrade-3.10-4.xsl drops, from an ``op``'s or the
        ``op_defaults``' meta sets (an op is told what replaces them)."""
        for meta in owner.findall("meta_attributes"):
            for nv in list(meta.findall("nvpair")):
                name = nv.get("name")
                if name not in OP_META_DROPPED:
                    continue
                meta.remove(nv)
                if owner.tag == "op":
                    what = f"op meta {name}={nv.get('value')!r} dropped"
                    why = "no longer supported (upgrade-3.10-4.xsl): use on-fail"
                else:
                    what, why = (
                        f"op default {name} dropped",
                        "no longer supported (upgrade-3.10-4.xsl)",
                    )
                self.note(owner, what, why)

    def group_flags(self, group: Any) -> None:
        """``ordered``/``collocated``: true is what a group is anyway; false is kept, reported."""
        for meta in group.findall("meta_attributes"):
            for nv in list(meta.findall("nvpair")):
                name, value = nv.get("name", ""), nv.get("value", "")
                if name not in ("ordered", "collocated"):
                    continue
                if value.lower() in ("true", "yes", "1", "on", "y"):
                    meta.remove(nv)
                    self.note(
                        group,
                        f"meta {name}={value!r} dropped",
                        "every group is ordered and collocated; Pacemaker deprecates the option",
                    )
                else:
                    self.note(
                        group,
                        f"meta {name}={value!r} kept (deprecated): turn the group into "
                        "resources with a resource set by hand",
                        "Pacemaker still reads it but will remove it; a resource set with "
                        f"{'sequential' if name == 'ordered' else 'colocation'} semantics says "
                        "the same",
                        "manual",
                    )

    def anonymous_node_max(self, clone: Any) -> None:
        """Findings on clone uniqueness, and ``clone-node-max`` above 1 on an anonymous clone
        written as 1: Pacemaker runs it one instance per node whatever it says and calls it
        a configuration error (lib/pengine/clone.c, clone_unpack; crm_verify 2.1.5: 'Ignoring
        promoted-max for C because anonymous clones support only one instance per node')."""
        first: dict[str, Any] = {}  # the first nvpair of a name counts
        for nv in clone.iterfind("meta_attributes/nvpair"):
            first.setdefault(nv.get("name"), nv)
        unique_nv, node_max_nv = first.get("globally-unique"), first.get("clone-node-max")
        unique = unique_nv is not None and unique_nv.get("value", "").strip().lower() in (
            "true",
            "yes",
            "1",
            "on",
            "y",
        )
        node_max = (node_max_nv.get("value", "") if node_max_nv is not None else "1").strip()
        classes = {p.get("class") for p in clone.iter("primitive")} - {None, "ocf", "stonith"}
        if unique and classes:
            self.note(
                clone,
                f"globally-unique=true kept, but {'/'.join(sorted(classes))} agents run as "
                "anonymous clones: the instances are interchangeable",
                "crm_verify: 'can be used only as anonymous clones' (Pacemaker's clone "
                "unpacking); heartbeat 2 kept them apart",
                "warning",
            )
        if (
            not unique
            and node_max_nv is not None
            and is_decimal(node_max)
            and decimal(node_max) > 1
        ):
            node_max_nv.set("value", "1")
            self.note(
                clone,
                f"clone-node-max={node_max!r} -> '1' on an anonymous clone: Pacemaker runs one "
                "instance per node (set globally-unique=true if several were meant)",
                "Pacemaker ignores a higher value and crm_verify reports a configuration "
                "error; 1 is what the cluster runs",
                "warning",
            )

    def op_requires(self, rsc: Any, op: Any) -> None:
        """``requires`` on an op: start/promote's to the resource, others dropped (2.10)."""
        value = op.get("requires")
        if value is None:
            return
        del op.attrib["requires"]
        metas = rsc.findall("meta_attributes")
        has = any(nv.get("name") == "requires" for m in metas for nv in m.findall("nvpair"))
        if op.get("name") in ("start", "promote") and not has:
            meta = metas[0] if metas else None
            if meta is None:
                meta = etree.Element("meta_attributes", id=self.unique(f"{rsc.get('id')}-meta"))
                rsc.insert(0, meta)
            add_nvpair(meta, "requires", value, self.unique)
            self.note(
                rsc,
                f"op {op.get('id')!r} requires={value!r} -> meta requires",
                "Pacemaker reads requires from the resource (upgrade-2.10.xsl)",
            )
        else:
            self.note(
                rsc,
                f"op {op.get('id')!r} ({op.get('name')}) requires={value!r} dropped",
                "only the start and promote operations' requires counted, and it is now "
                "the resource's (upgrade-2.10.xsl)",
            )

    def meta(self, meta: Any, owner: Any) -> None:
        self.dedupe(meta)
        for nv in list(meta.findall("nvpair")):
            name, value = nv.get("name", ""), nv.get("value", "")
            if name in META_DROPPED:
                meta.remove(nv)
                self.note(owner, f"meta {name}={value!r} dropped", META_DROPPED[name])
            elif name in DEFAULT_VALUED and value == "default":
                meta.remove(nv)
                self.note(
                    owner,
                    f"meta {name}='default' dropped",
                    "'default' meant unset; the current schema refuses it (upgrade-3.10-0.xsl)",
                )
            elif name in META_RENAMES:
                nv.set("name", META_RENAMES[name])
                self.note(
                    owner,
                    f"meta {name} -> {META_RENAMES[name]}",
                    "Pacemaker 2.1's name; the old one is deprecated",
                )
            elif name == "target-role" and value.lower() in ROLE_NAMES:
                nv.set("value", ROLE_NAMES[value.lower()])
                self.note(
                    owner,
                    f"target-role {value!r} -> {nv.get('value')!r}",
                    "Pacemaker 2.1's role names (upgrade-3.10 refuses the old ones)",
                )

    def stonith_attrs(self, ia: Any) -> None:
        for nv in ia.findall("nvpair"):
            name = nv.get("name", "")
            if name in STONITH_RENAMES:
                nv.set("name", STONITH_RENAMES[name])
                self.note(nv, f"{name} -> {STONITH_RENAMES[name]}", "upgrade-2.10.xsl's rename")
            elif name == "pcmk_arg_map":
                value = nv.get("value", "")
                if value.startswith("port:") and "," not in value:
                    nv.set("name", "pcmk_host_argument")
                    nv.set("value", value[len("port:") :])
                    self.note(
                        nv,
                        f"pcmk_arg_map={value!r} -> pcmk_host_argument",
                        "upgrade-2.10.xsl's rename",
                    )
                else:
                    ia.remove(nv)
                    self.note(
                        nv,
                        f"pcmk_arg_map={value!r} dropped: check the agent's parameters by hand",
                        "upgrade-2.10.xsl drops it",
                        "manual",
                    )

    def master(self, m: Any) -> Any:
        """A legacy ``master`` becomes a clone with ``promotable=true`` (upgrade-3.10-2)."""
        m.tag = "clone"
        meta = m.find("meta_attributes")
        if meta is None:
            meta = etree.Element(
                "meta_attributes", id=self.unique(f"{m.get('id')}-meta_attributes")
            )
            m.insert(0, meta)
        for nv in list(meta.findall("nvpair")):
            if nv.get("name") == "promotable":
                meta.remove(nv)
        add_nvpair(meta, "promotable", "true", self.unique)
        self.note(
            m,
            "<master> -> <clone> with promotable=true",
            "legacy promotable clones are gone (upgrade-3.10-2.xsl)",
        )
        return m
