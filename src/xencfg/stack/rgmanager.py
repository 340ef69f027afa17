"""rgmanager's services (``<rm>`` of cman's ``/etc/cluster/cluster.conf``) -> Pacemaker
resources, for the CIB :func:`xencfg.stack.cman_cib.cluster_conf_cib` builds: what
``pcs config import-cman`` (clufter's ccs2pcs) did, with every change a report line.

Each ``<service>`` becomes a group whose members start in rgmanager's order (service.sh's
``<child type=... start=N>`` table, parents before children), each ``<vm>`` an
``ocf:heartbeat:Xen`` primitive (the ``xen`` part writes xl configs at the same paths;
resource-agents' Xen prefers xl), ``<failoverdomain>``\\ s location constraints.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

from .._lazy import etree
from ..syntax.numbers import decimal_or_none
from .common import Member, Note
from .rg_recovery import NESTED_WHY, carry_subtree, disable, max_restarts_elsewhere, nested

#: The schema the CIB is written in (that of ``cib convert --to current``).
SCHEMA = "pacemaker-3.9"

#: rgmanager's start order of a resource's children by type (service.sh's meta-data,
#: ``<special tag="rgmanager">``: lvm 1, fs 2, clusterfs 3, netfs 4, nfsexport 5,
#: nfsclient 6, ip 7, smb 8, script 9); children of other types start after these, in
#: the order written.
CHILD_ORDER = {
    "lvm": 1,
    "fs": 2,
    "clusterfs": 3,
    "netfs": 4,
    "nfsexport": 5,
    "nfsclient": 6,
    "ip": 7,
    "smb": 8,
    "script": 9,
}
#: Each carried resource's monitor interval: rgmanager polled every resource's status,
#: Pacemaker notices a failure only through a monitor operation (the intervals are ours).
MONITOR = {
    "ip": "10s",
    "fs": "60s",
    "clusterfs": "60s",
    "netfs": "60s",
    "nfsclient": "30s",
    "script": "30s",
    "lvm": "60s",
    "vm": "30s",
}
#: ``<service>``/``<vm>`` attributes read as a service's, and those with no Pacemaker
#: counterpart.
SERVICE_KEYS = frozenset(
    {
        "name",
        "domain",
        "autostart",
        "exclusive",
        "recovery",
        "max_restarts",
        "restart_expire_time",
        "depend",
        "depend_mode",
    }
)
TRUE = ("1", "yes", "on", "true")
#: ``<rm>``'s own attributes (rgmanager(8)) and where their job went
RM_KEYS = {
    "log_level": "rgmanager's log level: Pacemaker's is PCMK_debug and PCMK_logpriority "
    "(/etc/sysconfig/pacemaker)",
    "log_facility": "rgmanager's syslog facility: Pacemaker's is PCMK_logfacility "
    "(/etc/sysconfig/pacemaker)",
    "status_poll_interval": "rgmanager's status scan: Pacemaker checks each resource by its "
    "own monitor operation (written per resource)",
    "status_child_max": "rgmanager's status threads: no counterpart",
    "transition_throttling": "rgmanager's event throttling: no counterpart",
    "central_processing": "rgmanager's central processing ran the event scripts of "
    "<events> (RIND): Pacemaker has none; carry what they did as constraints or alerts",
}


class CibBuilder:
    """The CIB being built, its report lines and the ids it has used."""

    def __init__(self, where: str, members: list[Member]) -> None:
        self.where = where
        self.notes: list[Note] = []
        self.ids: set[str] = set()
        #: nested independent subtrees: (element, its attributes, its group, first and
        #: end primitive index), for rg_recovery.nested
        self.nested: list[tuple[Any, dict[str, str], Any, int, int]] = []
        self.root = etree.Element(
            "cib", {"validate-with": SCHEMA, "admin_epoch": "1", "epoch": "1", "num_updates": "0"}
        )
        config = self.config = etree.SubElement(self.root, "configuration")
        self.crm = etree.SubElement(config, "crm_config")
        nodes = etree.SubElement(config, "nodes")
        for m in members:
            etree.SubElement(nodes, "node", {"id": str(m.nodeid), "uname": m.name})
        self.resources = etree.SubElement(config, "resources")
        self.constraints = etree.SubElement(config, "constraints")
        self.topology = etree.Element("fencing-topology")
        etree.SubElement(self.root, "status")

    def at(self, el: Any) -> str:
        line = getattr(el, "sourceline", None)
        return f"{self.where}:{line}" if isinstance(line, int) else self.where

    def note(self, kind: str, el: Any, what: str, why: str) -> None:
        self.notes.append(
            Note(kind, self.at(el), "cib.xml" if kind != "dropped" else "-", what, why)
        )

    def new_id(self, *parts: str) -> str:
        """A unique XML id made of ``parts`` (characters an id cannot hold become '-')."""
        base = re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(p for p in parts if p)).strip("-")
        base = base if re.match(r"[A-Za-z_]", base) else f"r-{base}"
        out, n = base, 1
        while out in self.ids:
            n += 1
            out = f"{base}-{n}"
        self.ids.add(out)
        return out

    def nvpairs(self, parent: Any, tag: str, owner: str, values: dict[str, str]) -> None:
        if not values:
            return
        block = etree.SubElement(parent, tag, {"id": self.new_id(owner, tag.split("_")[0])})
        for k, v in values.items():
            etree.SubElement(block, "nvpair", {"id": self.new_id(owner, k), "name": k, "value": v})

    def unused(
        self, found: dict[Any, Any], used: set[Any], what: Callable[[Any, Any], str], why: str
    ) -> None:
        """A dropped line for each element of ``found`` (by key) whose key is not ``used``:
        rgmanager and fenced ran only what something named."""
        for key, el in found.items():
            if key not in used:
                self.note("dropped", el, what(key, el), why)

    def meta(self, target: Any, values: dict[str, str]) -> None:
        """``values`` into ``target``'s meta attributes (one block)."""
        block = target.find("meta_attributes")
        if block is None:
            self.nvpairs(target, "meta_attributes", target.get("id"), values)
            return
        for k, v in values.items():
            etree.SubElement(
                block, "nvpair", {"id": self.new_id(target.get("id"), k), "name": k, "value": v}
            )

    def primitive(
        self, parent: Any, rid: str, agent: str, params: dict[str, str], interval: str | None
    ) -> Any:
        cls, _, rest = agent.partition(":")
        provider, _, kind = rest.rpartition(":")
        attrs = {"id": rid, "class": cls, "type": kind}
        if provider:
            attrs["provider"] = provider
        prim = etree.SubElement(parent, "primitive", attrs)
        self.nvpairs(prim, "instance_attributes", rid, params)
        if interval:
            ops = etree.SubElement(prim, "operations")
            etree.SubElement(
                ops,
                "op",
                {
                    "id": self.new_id(rid, "monitor", interval),
                    "name": "monitor",
                    "interval": interval,
                },
            )
        return prim


def _resources_by_ref(rm: Any) -> dict[tuple[str, str], Any]:
    """``<rm><resources>``'s elements by (tag, name): rgmanager's ``ref=`` names a
    resource by its primary attribute (``address`` for ip, else ``name``)."""
    out: dict[tuple[str, str], Any] = {}
    for el in rm.iterfind("resources/*"):
        if not isinstance(el.tag, str):
            continue
        key = el.get("address") if el.tag == "ip" else el.get("name")
        if key:
            out[(el.tag, key)] = el
    return out


def _resolved(el: Any, shared: dict[tuple[str, str], Any]) -> dict[str, str]:
    """``el``'s attributes, over those of the ``<resources>`` element its ``ref=`` names."""
    ref = el.get("ref")
    base = shared.get((el.tag, ref)) if ref else None
    out = dict(base.attrib) if base is not None else {}
    out.update({k: v for k, v in el.attrib.items() if k != "ref"})
    if el.tag == "ip" and ref and "address" not in out:
        out["address"] = ref
    elif ref and "name" not in out:
        out["name"] = ref
    return out


def _ordered(children: list[Any]) -> list[Any]:
    """rgmanager's start order of ``children``: typed ones by :data:`CHILD_ORDER`, then
    the others as written."""
    kids = [c for c in children if isinstance(c.tag, str)]
    return sorted(kids, key=lambda c: CHILD_ORDER.get(c.tag, 100))


def services(cib: CibBuilder, root: Any, nodes: list[str]) -> None:
    """Groups (services), primitives (vms) and constraints of ``<rm>``."""
    rm = root.find("rm")
    if rm is None:
        return
    for k, v in rm.attrib.items():
        # (before, <rm>'s own settings went without a word)
        why = RM_KEYS.get(k, "rgmanager's own setting: Pacemaker has no counterpart")
        cib.note("manual" if k == "central_processing" else "dropped", rm, f"<rm {k}={v!r}>", why)
    shared = _resources_by_ref(rm)
    domains = {d.get("name"): d for d in rm.iterfind("failoverdomains/failoverdomain")}
    made: dict[str, str] = {}  # service name -> resource id
    for top in rm:
        if not isinstance(top.tag, str) or top.tag in ("failoverdomains", "resources"):
            continue
        if top.tag == "events":
            cib.note(
                "manual",
                top,
                "rgmanager <events> not carried",
                "Pacemaker has no event scripts: alerts (pcs alert) or constraints do their work",
            )
            continue
        svc = _resolved(top, shared)
        if top.tag == "service":
            rid = cib.new_id(svc.get("name") or "service")
            group = etree.SubElement(cib.resources, "group", {"id": rid})
            kids = _ordered(list(top))
            # independent subtrees that start last go apart (started after the group, as
            # rgmanager started them after their siblings); the first child stays
            tail = len(kids)
            while tail > 1 and _independent(kids[tail - 1], shared):
                tail -= 1
            count, apart = 0, kids[tail:]
            for child in kids[:tail]:
                got = _resource(cib, group, child, shared, [])
                if got and _independent(child, shared):
                    # (siblings start after it: rg_recovery.nested takes it apart)
                    entry = (child, _resolved(child, shared), group, count, count + got)
                    cib.nested.append(entry)
                count += got
            if not count:
                cib.resources.remove(group)
                cib.note(
                    "manual",
                    top,
                    f"service {svc.get('name')} has no resource carried",
                    "an empty group is not allowed: add its resources by hand",
                )
                continue
            target = group
            for child in apart:
                _subtree(cib, rid, child, shared)
        elif top.tag == "vm":
            first = len(cib.resources)  # (its children, if any, follow it)
            if not _resource(cib, cib.resources, top, shared, []):
                continue
            target = cib.resources[first]
            rid = str(target.get("id"))
        else:
            cib.note(
                "manual",
                top,
                f"<{top.tag}> under <rm> not carried",
                "not a service or vm: xencfg knows no Pacemaker counterpart",
            )
            continue
        made[svc.get("name") or rid] = rid
        _service_meta(cib, top, target, svc)
        _domain(cib, top, rid, svc, domains, nodes)
    _between(cib, rm, made, shared)
    nested(cib)
    _unused(cib, rm, shared, domains)
    gfs = [
        str(r.get("id"))
        for r in cib.resources
        if any(nv.get("name") == "fstype" and nv.get("value") == "gfs2" for nv in r.iter("nvpair"))
    ]
    if gfs:
        _dlm(cib, gfs)


def _unused(
    cib: CibBuilder, rm: Any, shared: dict[tuple[str, str], Any], domains: dict[Any, Any]
) -> None:
    """A line for each shared resource no ``ref=`` names and each failover domain no
    service or vm names: rgmanager ran neither, so neither is in the CIB."""
    refs = {
        (el.tag, el.get("ref")) for el in rm.iter() if isinstance(el.tag, str) and el.get("ref")
    }
    cib.unused(
        shared,
        refs,
        lambda key, _: f"<{key[0]} {key[1]}> in <resources>: no ref= names it",
        "rgmanager started only the resources its services name",
    )
    cib.unused(
        domains,
        {el.get("domain") for el in rm if isinstance(el.tag, str)},
        lambda name, _: f"failover domain {name}: no service names it",
        "a domain only placed the services that named it",
    )


def _service_meta(cib: CibBuilder, el: Any, target: Any, svc: dict[str, str]) -> None:
    """autostart, recovery, max_restarts and restart_expire_time as meta attributes."""
    meta: dict[str, str] = {}
    name = svc.get("name")
    auto = svc.get("autostart", "1").lower()
    if auto in ("0", "no", "off", "false"):
        meta["target-role"] = "Stopped"
        cib.note(
            "rewrite",
            el,
            f"{name}: autostart={auto} -> target-role=Stopped",
            "rgmanager left it stopped until 'clusvcadm -e'; Pacemaker until "
            "'pcs resource enable' (clufter wrote is-managed=false, which would leave it "
            "unmonitored too)",
        )
    recovery = svc.get("recovery", "restart")
    if recovery == "relocate":
        meta["migration-threshold"] = "1"
        cib.note(
            "rewrite",
            el,
            f"{name}: recovery=relocate -> migration-threshold=1",
            "rgmanager moved it to another node on its first failure",
        )
    elif recovery in ("disable", "restart-disable"):
        disable(cib, el, target, f"{name}: recovery={recovery}", recovery == "disable")
    restarts = decimal_or_none(svc.get("max_restarts") or "")
    if restarts and recovery == "restart":
        meta["migration-threshold"] = str(restarts + 1)
        cib.note(
            "rewrite",
            el,
            f"{name}: max_restarts={restarts} -> migration-threshold={meta['migration-threshold']}",
            "rgmanager restarted it in place that many times, then moved it",
        )
    elif restarts:
        max_restarts_elsewhere(cib, el, f"{name}: max_restarts={restarts}", recovery)
    expire = decimal_or_none(svc.get("restart_expire_time") or "")
    if expire:
        meta["failure-timeout"] = f"{expire}s"
        cib.note(
            "rewrite",
            el,
            f"{name}: restart_expire_time={expire} -> failure-timeout={meta['failure-timeout']}",
            "rgmanager forgot restarts older than that",
        )
    if el.tag == "vm" and svc.get("migrate", "live") in ("live", "pause"):
        meta["allow-migrate"] = "true"
        cib.note(
            "rewrite",
            el,
            f"vm {name}: migrate={svc.get('migrate', 'live')} -> allow-migrate=true",
            "rgmanager live-migrated the guest when it moved "
            "(vm.sh's default); the Xen agent migrates with 'xl migrate'"
            if svc.get("migrate", "live") == "live"
            else "rgmanager moved the guest paused (vm.sh xm_migrate: 'xm migrate' without "
            "-l) rather than restarting it; the Xen agent migrates live ('xl migrate' has no "
            "other mode: xl(1)), which moves it without a restart as well and pauses it only "
            "for the last copy",
        )
    elif el.tag == "vm":
        cib.note(
            "manual",
            el,
            f"vm {name}: migrate={svc.get('migrate')} not carried",
            "the Xen agent migrates live or not at all: the guest is stopped and started",
        )
    for k, v in svc.items():
        if k not in SERVICE_KEYS and el.tag == "service":
            cib.note("dropped", el, f"service {name}: {k}={v}", "no Pacemaker counterpart")
    if meta:
        cib.meta(target, meta)


def _domain(
    cib: CibBuilder,
    el: Any,
    rid: str,
    svc: dict[str, str],
    domains: dict[Any, Any],
    nodes: list[str],
) -> None:
    """A failover domain as location constraints: an ordered one scores each node by its
    priority ((101 - priority) x 100: priority 1 wins), an unordered one 100 for each
    member; a restricted one -INFINITY on the other nodes. nofailback, or an unordered
    domain (rgmanager moved nothing back when a node came back), makes the resource stay
    where it runs (resource-stickiness above the scores). clufter's pcscompact2pcs
    (filters/cib/configuration) scored ordered nodes (101 - priority) x 10000 with
    priority 1 INFINITY, which no stickiness can outweigh: its nofailback did not hold."""
    name = svc.get("domain")
    stick = None
    if not name:
        stick = "100"
    else:
        dom = domains.get(name)
        if dom is None:
            cib.note(
                "manual",
                el,
                f"{svc.get('name')}: failover domain {name!r} is not defined",
                "rgmanager ran it anywhere: no location constraint written",
            )
            return
        ordered = dom.get("ordered", "0").lower() in TRUE
        members = [
            (d.get("name"), d.get("priority", "1")) for d in dom.iterfind("failoverdomainnode")
        ]
        scores = [(n, _score(ordered, p)) for n, p in members if n]
        for node, score in scores:
            etree.SubElement(
                cib.constraints,
                "rsc_location",
                {"id": cib.new_id("loc", rid, node), "rsc": rid, "node": node, "score": score},
            )
        shown = ", ".join(f"{n}={s}" for n, s in scores)
        cib.note(
            "rewrite",
            dom,
            f"{svc.get('name')}: failover domain {name} -> location {shown}",
            "rgmanager preferred the domain's nodes" + (", by priority" if ordered else ""),
        )
        if dom.get("restricted", "0").lower() in TRUE:
            outside = [n for n in nodes if n not in {m for m, _ in members}]
            for node in outside:
                etree.SubElement(
                    cib.constraints,
                    "rsc_location",
                    {
                        "id": cib.new_id("loc", rid, node),
                        "rsc": rid,
                        "node": node,
                        "score": "-INFINITY",
                    },
                )
            if outside:
                cib.note(
                    "rewrite",
                    dom,
                    f"{svc.get('name')}: restricted domain {name} -> "
                    "-INFINITY on " + ", ".join(outside),
                    "rgmanager ran it on the domain's nodes only",
                )
            else:
                cib.note(
                    "dropped",
                    dom,
                    f"{svc.get('name')}: restricted domain {name}",
                    "every node of the cluster is in the domain: nothing to forbid",
                )
        if dom.get("nofailback", "0").lower() in TRUE or not ordered:
            stick = "INFINITY" if dom.get("nofailback", "0").lower() in TRUE else "100"
    if stick:
        target = next(r for r in cib.resources if r.get("id") == rid)
        cib.meta(target, {"resource-stickiness": stick})
        cib.note(
            "rewrite",
            el,
            f"{svc.get('name')}: resource-stickiness={stick}",
            "rgmanager moved a running service back only to a better node of an ordered "
            "domain without nofailback; this keeps it where it runs otherwise",
        )


def _score(ordered: bool, priority: str) -> str:
    """A failover domain node's location score: (101 - priority) x 100 in an ordered
    domain (rgmanager's priorities run 1, the best, to 100), else 100."""
    p = decimal_or_none(priority)
    return str((101 - min(max(p or 1, 1), 100)) * 100) if ordered else "100"


def _dlm(cib: CibBuilder, users: list[str]) -> None:
    """The DLM clone GFS2 needs (cman ran dlm_controld; ocf:pacemaker:controld does now),
    started before and colocated with each resource of ``users`` that mounts GFS2."""
    cid = cib.new_id("dlm-clone")
    clone = etree.SubElement(cib.resources, "clone", {"id": cid})
    cib.primitive(clone, cib.new_id("dlm"), "ocf:pacemaker:controld", {}, "30s")
    cib.nvpairs(clone, "meta_attributes", cid, {"interleave": "true"})
    for rid in users:
        etree.SubElement(
            cib.constraints,
            "rsc_order",
            {
                "id": cib.new_id("order", "dlm", rid),
                "first": cid,
                "then": rid,
                "kind": "Mandatory",
            },
        )
        etree.SubElement(
            cib.constraints,
            "rsc_colocation",
            {
                "id": cib.new_id("col", rid, "dlm"),
                "rsc": rid,
                "with-rsc": cid,
                "score": "INFINITY",
            },
        )
    cib.notes.append(
        Note(
            "rewrite",
            cib.where,
            "cib.xml",
            f"{clone.get('id')} (ocf:pacemaker:controld) before " + ", ".join(users),
            "GFS2 mounts only where dlm_controld runs: cman started it, "
            "Pacemaker's controld clone does now",
        )
    )


def _between(
    cib: CibBuilder, rm: Any, made: dict[str, str], shared: dict[tuple[str, str], Any]
) -> None:
    """exclusive (no other service on its node) and depend (start after) between services."""
    for top in rm:
        if not isinstance(top.tag, str) or top.tag not in ("service", "vm"):
            continue
        svc = _resolved(top, shared)
        rid = made.get(svc.get("name") or "")
        if rid is None:
            continue
        if svc.get("exclusive", "0").lower() in TRUE:
            for other in made.values():
                if other != rid:
                    etree.SubElement(
                        cib.constraints,
                        "rsc_colocation",
                        {
                            "id": cib.new_id("col", rid, "not", other),
                            "rsc": other,
                            "with-rsc": rid,
                            "score": "-INFINITY",
                        },
                    )
            cib.note(
                "rewrite",
                top,
                f"{svc.get('name')}: exclusive -> colocation -INFINITY with every other service",
                "rgmanager ran no other service beside it",
            )
        dep = svc.get("depend", "")
        if dep:
            first = made.get(dep.removeprefix("service:").removeprefix("vm:"))
            if first is None or first == rid:
                cib.note(
                    "manual",
                    top,
                    f"{svc.get('name')}: depend={dep} names no service",
                    "no order written",
                )
                continue
            soft = svc.get("depend_mode") == "soft"
            etree.SubElement(
                cib.constraints,
                "rsc_order",
                {
                    "id": cib.new_id("order", first, rid),
                    "first": first,
                    "then": rid,
                    "kind": "Optional" if soft else "Mandatory",
                },
            )
            cib.note(
                "rewrite",
                top,
                f"{svc.get('name')}: depend={dep} -> order {first} then {rid}"
                + (" (Optional)" if soft else ""),
                "rgmanager started it after that service",
            )


def _independent(el: Any, shared: dict[tuple[str, str], Any]) -> str | None:
    """``__independent_subtree`` of ``el`` ("1": restarted alone, "2": non-critical)."""
    mode = _resolved(el, shared).get("__independent_subtree", "0")
    return mode if mode in ("1", "2") else None


def _subtree(cib: CibBuilder, service: str, el: Any, shared: dict[tuple[str, str], Any]) -> None:
    """An ``__independent_subtree`` child of a service as a group of its own, colocated
    with the service's group and started after it. In the service's group its failure
    would restart it and every member after it; rgmanager restarted only the subtree
    ("1"), or stopped it and left the service running ("2", non-critical: on-fail=stop),
    as the RHEL 5.6 Cluster Administration guide, appendix D "Failure Recovery and
    Independent Subtrees", describes."""
    a = _resolved(el, shared)
    mode = _independent(el, shared)
    sub = etree.SubElement(
        cib.resources, "group", {"id": cib.new_id(service, el.tag, a.get("name") or "")}
    )
    if not _resource(cib, sub, el, shared, []):
        cib.resources.remove(sub)
        return
    sid = str(sub.get("id"))
    etree.SubElement(
        cib.constraints,
        "rsc_colocation",
        {
            "id": cib.new_id("col", sid, service),
            "rsc": sid,
            "with-rsc": service,
            "score": "INFINITY",
        },
    )
    etree.SubElement(
        cib.constraints,
        "rsc_order",
        {
            "id": cib.new_id("order", service, sid),
            "first": service,
            "then": sid,
            "kind": "Mandatory",
        },
    )
    shown = carry_subtree(cib, [sub], a, str(mode))
    cib.note(
        "rewrite",
        el,
        f"<{el.tag} {a.get('name') or ''}> __independent_subtree={mode} -> group {sid} with "
        f"and after {service}" + (", monitor on-fail=stop" if mode == "2" else "") + shown,
        "rgmanager restarted only this subtree when it failed"
        if mode == "1"
        else "rgmanager stopped this non-critical subtree when it failed and kept the service "
        "running",
    )


def _ancestor(stack: list[Any], tags: tuple[str, ...], key: str) -> str | None:
    """``key`` of the nearest enclosing resource of one of ``tags`` (innermost first)."""
    for attrs in reversed(stack):
        if attrs.get("_tag") in tags and attrs.get(key):
            return str(attrs[key])
    return None


def _resource(
    cib: CibBuilder,
    parent: Any,
    el: Any,
    shared: dict[tuple[str, str], Any],
    stack: list[dict[str, str]],
) -> int:
    """``el`` and its children as primitives of ``parent`` in rgmanager's start order;
    how many were made."""
    attrs = _resolved(el, shared)
    mapped = _MAPPERS.get(el.tag)
    made = 0
    before = sum(1 for c in parent if c.tag == "primitive")
    if mapped is None:
        cib.note(
            "manual",
            el,
            f"rgmanager resource <{el.tag}> not carried",
            "xencfg knows no resource agent of today for it: add a primitive by hand "
            "(clufter copied rgmanager's own agent into /usr/lib/ocf/resource.d/rgmanager)",
        )
    else:
        got = mapped(cib, el, attrs, stack)
        if got is not None:
            agent, params, used = got
            rid = cib.new_id(el.tag, attrs.get("name") or attrs.get("address") or "")
            cib.primitive(parent, rid, agent, params, MONITOR.get(el.tag))
            made = 1
            shown = " ".join(f"{k}={v}" for k, v in params.items())
            cib.note(
                "rewrite",
                el,
                f"<{el.tag}> -> {agent} {rid} ({shown})",
                "rgmanager's resource, as today's resource agent of the same job",
            )
            _special(cib, el, attrs, rid, stack)
            for k, v in attrs.items():
                if k not in used and not k.startswith("_"):
                    cib.note(
                        "dropped",
                        el,
                        f"<{el.tag} {k}={v!r}> ({rid})",
                        f"{agent} has no such parameter",
                    )
    inner = [*stack, {**attrs, "_tag": el.tag}]
    for child in _ordered(list(el)):
        made += _resource(cib, parent, child, shared, inner)
    if stack and _independent(el, shared):
        cib.nested.append((el, attrs, parent, before, before + made))
    return made


#: rgmanager's own ``__`` attributes of a resource that :func:`_subtree` carries
SUBTREE_KEYS = frozenset({"__independent_subtree", "__max_restarts", "__restart_expire_time"})


def _special(
    cib: CibBuilder, el: Any, attrs: dict[str, str], rid: str, stack: list[dict[str, str]]
) -> None:
    """A report line for each of rgmanager's ``__`` attributes of ``el`` not carried:
    before, they went without a word."""
    for k, v in attrs.items():
        apart = attrs.get("__independent_subtree") in ("1", "2")  # (rg_recovery says it)
        if not k.startswith("__") or (k in SUBTREE_KEYS and (not stack or apart)):
            continue
        if k == "__enforce_timeouts":
            cib.note(
                "dropped",
                el,
                f"<{el.tag} {k}={v!r}> ({rid})",
                "Pacemaker enforces every operation's timeout (a timed-out monitor is a failure)",
            )
        else:
            cib.note(
                "manual",
                el,
                f"<{el.tag} {k}={v!r}> ({rid}) not carried",
                NESTED_WHY,
            )


_Mapped = tuple[str, dict[str, str], set[str]] | None


def _ip(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """ip -> IPaddr2: ``address`` with its /prefix as ip + cidr_netmask (clufter's
    filters/cluster/rm/ip)."""
    ip, _, bits = a.get("address", "").partition("/")
    params = {"ip": ip} | ({"cidr_netmask": bits} if bits else {})
    return "ocf:heartbeat:IPaddr2", params, {"address", "name"}


def _fs(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """fs/clusterfs/netfs -> Filesystem (clufter's filters/cluster/rm/_fs.py): LABEL=/UUID=
    as -L/-U, netfs's host:export, force_fsck as run_fsck=force, force_unmount true or
    else 'safe' (Filesystem's default 'true' kills users where rgmanager did not)."""
    dev = a.get("device", "")
    if dev.startswith(("LABEL=", "UUID=")):
        dev = f"-{dev[0]}{dev.split('=', 1)[1]}"
    fstype = a.get("fstype", "")
    if el.tag == "netfs":
        host, export = a.get("host", ""), a.get("export", "")
        dev = f"//{host}/{export.lstrip('/')}" if fstype.startswith("cifs") else f"{host}:{export}"
        fstype = fstype or "nfs"
    if el.tag == "clusterfs" and fstype in ("", "gfs"):
        cib.note(
            "manual",
            el,
            f"<clusterfs {a.get('name')}> fstype={fstype or '(none)'} -> gfs2",
            "GFS (1) has no kernel module since Linux 2.6.38's removal of fs/gfs: convert "
            "the file system with gfs2_convert (unmounted, on one node) before the cut-over",
        )
        fstype = "gfs2"
    params = {"device": dev, "directory": a.get("mountpoint", "")}
    if fstype:
        params["fstype"] = fstype
    else:
        cib.note(
            "manual",
            el,
            f"<fs {a.get('name')}> names no fstype",
            "fs.sh found the type itself; Filesystem requires fstype: add it",
        )
    if a.get("options"):
        params["options"] = a["options"]
    if a.get("force_fsck", "").lower() in TRUE:
        params["run_fsck"] = "force"
    params["force_unmount"] = "true" if a.get("force_unmount", "").lower() in TRUE else "safe"
    used = {
        "name",
        "device",
        "mountpoint",
        "fstype",
        "options",
        "force_fsck",
        "force_unmount",
        "host",
        "export",
        "fsid",
    }
    return "ocf:heartbeat:Filesystem", params, used


def _nfsclient(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """nfsclient -> exportfs (clufter's filters/cluster/rm/nfsclient): target as clientspec,
    the enclosing nfsexport's path or file system's mountpoint as directory, its fsid
    (fs.sh made one of the mountpoint where none was given: a stable crc32 here)."""
    directory = a.get("path") or _ancestor(stack, ("nfsexport",), "path")
    directory = directory or _ancestor(stack, ("fs", "clusterfs", "netfs"), "mountpoint")
    if not directory:
        cib.note(
            "manual",
            el,
            f"<nfsclient {a.get('name')}> exports no directory",
            "no enclosing fs names a mountpoint: exportfs needs one",
        )
        return None
    fsid = _ancestor(stack, ("fs", "clusterfs"), "fsid")
    if not fsid:
        fsid = str(zlib.crc32(directory.encode("utf-8", "surrogateescape")) & 0x7FFFFFFF)
        cib.note(
            "manual",
            el,
            f"<nfsclient {a.get('name')}> fsid {fsid} made of {directory}",
            "exportfs requires an fsid and rgmanager's fs.sh made its own: clients that "
            "mounted the export before the cut-over get stale handles; remount them",
        )
    params = {"clientspec": a.get("target", "*"), "directory": directory, "fsid": fsid}
    if a.get("options"):
        params["options"] = a["options"]
    return "ocf:heartbeat:exportfs", params, {"name", "target", "options", "path"}


def _nfsexport(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """nfsexport has no resource of its own: its nfsclients become exportfs resources."""
    cib.note(
        "manual",
        el,
        f"<nfsexport {a.get('name')}>: nfs-server must run on the node",
        "rgmanager's nfsexport started the NFS daemons; exportfs does not: enable "
        "nfs-server on every node (or add an ocf:heartbeat:nfsserver to the group)",
    )
    return None


def _script(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """script -> lsb:NAME of its /etc/init.d file (clufter's filters/cluster/rm/script)."""
    path = a.get("file", "")
    name = path.rsplit("/", 1)[-1]
    if not path.startswith("/etc/init.d/") and not path.startswith("/etc/rc.d/init.d/"):
        cib.note(
            "manual",
            el,
            f"<script file={path!r}> is outside /etc/init.d",
            f"lsb:{name} runs /etc/init.d/{name}: copy the script there, or make it a "
            "systemd unit (systemd:NAME)",
        )
    else:
        cib.note(
            "manual",
            el,
            f"<script file={path!r}> -> lsb:{name}",
            "today's release may ship a systemd unit instead of the init script: then "
            f"use systemd:{name}",
        )
    return f"lsb:{name}", {}, {"name", "file"}


def _lvm(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """lvm -> LVM-activate with tagging (rgmanager's HA-LVM tagged the volume group with
    the node's name; resource-agents' LVM is deprecated, LVM-activate's tagging mode is the
    same scheme); lv_name as lvname (clufter refused it)."""
    params = {"vgname": a.get("vg_name", ""), "vg_access_mode": "tagging"}
    if a.get("lv_name"):
        params["lvname"] = a["lv_name"]
    return "ocf:heartbeat:LVM-activate", params, {"name", "vg_name", "lv_name"}


def _vm(cib: CibBuilder, el: Any, a: dict[str, str], stack: list[Any]) -> _Mapped:
    """vm -> ocf:heartbeat:Xen with xmfile PATH/NAME (the ``xen`` part writes each domU's xl
    config at its old path, and the Xen agent runs xl where it is installed), or, for a
    libvirt domain (``xmlfile``, ``use_virsh="1"``), VirtualDomain (clufter's only
    mapping, filters/cluster/rm/vm, which refused non-virsh guests)."""
    name = a.get("name", "")
    used = {"name", "path", "xmlfile", "use_virsh", "hypervisor_uri", "migrate", "snapshot"}
    used |= SERVICE_KEYS
    if a.get("xmlfile") or a.get("use_virsh") == "1":
        params = {"config": a.get("xmlfile") or f"{a.get('path', '/etc/libvirt/qemu')}/{name}.xml"}
        if a.get("hypervisor_uri"):
            params["hypervisor"] = a["hypervisor_uri"]
        return "ocf:heartbeat:VirtualDomain", params, used
    paths = [p for p in a.get("path", "/etc/xen").split(":") if p]
    if len(paths) > 1:
        cib.note(
            "manual",
            el,
            f"vm {name}: path={a.get('path')} -> {paths[0]}/{name}",
            "vm.sh searched each folder for the config; the Xen agent takes one file: "
            "check it is there",
        )
    params = {"xmfile": f"{(paths or ['/etc/xen'])[0].rstrip('/')}/{name}", "name": name}
    return "ocf:heartbeat:Xen", params, used


_MAPPERS: dict[str, Callable[[CibBuilder, Any, dict[str, str], list[Any]], _Mapped]] = {
    "ip": _ip,
    "fs": _fs,
    "clusterfs": _fs,
    "netfs": _fs,
    "nfsclient": _nfsclient,
    "nfsexport": _nfsexport,
    "script": _script,
    "lvm": _lvm,
    "vm": _vm,
}
