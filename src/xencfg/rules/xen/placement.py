"""Where the CIB lets a Xen guest (XN018) or a DRBD agent (DR043) run against the
hosts the nodes' drbd configuration gives the DRBD resource."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...cluster import Cluster, Loaded
from ...findings import Finding, Location
from ...membership import cib_nodes
from .. import make, rule
from ..documents import cib_doc as _cib
from ..documents import domu_doc as _domu

if TYPE_CHECKING:
    from ...formats.cib.resources import Primitive
    from ...formats.drbd import Resource as DrbdResource
    from ...formats.xen.device_specs import DiskSpec
    from ..cib.placement import Placement

from ...syntax.numbers import decimal
from .common import _domus, _minors, _where, disk_key


def _drbd_hosts(cluster: Cluster) -> dict[str, dict[str, tuple[Loaded, DrbdResource]]]:
    """``node -> DRBD resource name -> (file, resource)`` as each node's own drbd
    configuration defines it, with /dev/drbdN also indexed as ``minor:N``."""
    from ..drbd.common import _node_configs, _resources

    out: dict[str, dict[str, tuple[Loaded, DrbdResource]]] = {}
    for node, items in _node_configs(cluster).items():
        mine = out.setdefault(node, {})
        for item, res in _resources(cluster, items):
            mine.setdefault(res.name, (item, res))
            for minor in _minors(res):
                mine.setdefault(f"minor:{minor}", (item, res))
    return out


def _drbd_keys(item: Loaded) -> list[tuple[str, DiskSpec]]:
    """``(drbd:RES or minor:N, disk)`` for each disk of a domU that is a DRBD device."""
    out = []
    for disk in _domu(item).disks:
        key = disk_key(disk)
        if key is None:
            continue
        m = re.fullmatch(r"/dev/drbd([0-9]+)", key)
        if key.startswith("drbd:"):
            out.append((key[5:], disk))
        elif m:
            out.append((f"minor:{decimal(m.group(1))}", disk))
    return out


def _drbd_agent(el: Any) -> str | None:
    """The DRBD resource an ``ocf:linbit:drbd`` (``drbd_resource``) or heartbeat
    ``drbddisk`` (its argument) primitive in ``el``'s subtree manages."""
    from ...formats.cib.resources import Primitive
    from ...formats.cib.views import _tag

    for p in [el, *el.iterdescendants()]:
        if _tag(p) != "primitive":
            continue
        prim = Primitive(p)
        name = None
        if prim.type == "drbd":
            name = prim.param("drbd_resource")
        elif prim.type == "drbddisk":
            name = prim.param("1") or prim.param("resource")
        if name:
            return name
    return None


class _Hosts:
    """Why a node cannot open a DRBD resource, by each node's own drbd configuration
    (another node's when it has none); ``None`` where it can or nothing tells."""

    def __init__(self, by_node: dict[str, dict[str, tuple[Loaded, DrbdResource]]]) -> None:
        self.by_node = by_node

    def definition(self, name: str, node: str) -> tuple[Loaded, DrbdResource] | None:
        """``name``'s (file, resource) as ``node`` reads it, else as another does."""
        own = self.by_node.get(node)
        if own is not None:
            return own.get(name)
        return next((d[name] for d in self.by_node.values() if name in d), None)

    def __call__(self, name: str, node: str) -> tuple[str, list[Location]] | None:
        from ..drbd.common import _on_hosts, hostnames_equal

        found = self.definition(name, node)
        if found is None:
            if node in self.by_node and any(name in d for d in self.by_node.values()):
                label = name[6:] if name.startswith("minor:") else name
                what = f"DRBD minor {label}" if name.startswith("minor:") else f"'{name}'"
                return f"{node}'s drbd configuration does not define {what}", []
            return None
        item, res = found
        if res.stacked or any(h.kind != "on" for h in res.host_list):
            return None
        names = [n for h in _on_hosts(res) for n in h.names]
        if not names or any(hostnames_equal(n, node) for n in names):
            return None
        return (
            f"DRBD resource '{res.name}' has 'on' sections for {', '.join(names)} only"
            f" ({item.file.display})",
            [item.where(res.block)],
        )

    def hosts(self, name: str, node: str) -> str | None:
        found = self(name, node)
        return found[0] if found else None


def _placement(
    cluster: Cluster, item: Loaded, facts: dict[int, Placement | None], placed: set[str]
) -> tuple[Placement, list[str]] | None:
    """The placement facts of ``item``'s CIB and its nodes; ``None`` for a copy of a
    CIB already placed (every node keeps one: the first copy's findings count)."""
    from ..cib.placement import Placement

    cib = _cib(item)
    if id(cib) not in facts:
        text = cib.dumps()
        facts[id(cib)] = (
            None if text in placed else Placement(cib, item.versions.of("pacemaker", item.node))
        )
        placed.add(text)
    here = facts[id(cib)]
    if here is None:
        return None
    # the CIB's members and those its messaging layer knows (a CIB without <nodes>, as
    # migrate writes it: its cluster's, never a storage box linted beside it)
    nodes = cib_nodes(cluster, [item]).spelled()
    return here, nodes


@rule("XN018", "domu-placed-off-drbd-hosts", "warning", scope="cluster", hazard=True)
def domu_placed_off_drbd_hosts(cluster: Cluster) -> Iterator[Finding]:
    """The CIB lets a Xen resource run on a node that is not a host of the DRBD
    resource its domU's disk uses (``drbd:RES``, /dev/drbd/by-res/RES, /dev/drbdN).

    Why it matters: with three or four dom0s sharing one drbd.conf (the same
    file copied to every node), ``resource r0`` names two of them in ``on``
    sections. On a third node drbdadm accepts the file but refuses the
    resource: "'r0' not defined in your config (for this host)"; the block-drbd
    script cannot promote it (``/dev/drbd0`` is no replica there either), so
    ``xm create`` fails. When the CRM picks that node (at fail-over, or when
    the guest first starts), the start fails, the node is banned for the guest
    (start failures are fatal by default) and the guest starts on another
    node: a failed action and a longer outage, or no start at all when that
    node is the only one left. DRBD 9 can serve the disk to a node without a
    replica, but only a diskless client with its own ``on`` section
    (``node-id``, ``disk none``), which counts as a host here.

    A domU config merely present on a node that is not a host is not reported:
    it does no harm until something starts it there. The nodes are those that
    run the CIB (its member ``<nodes>`` and the members its messaging layer lists:
    ha.cf, a corosync nodelist, cman's clusternodes; never a storage box the run
    has beside them); a node is kept when no ``rsc_location`` scores the resource (or its group
    or clone) -INFINITY there, when ``symmetric-cluster`` is false only where
    a location may prefer it, and only where every resource it is colocated with
    (score INFINITY) may run: a colocation with the DRBD resource's
    ``ocf:linbit:drbd`` master (or ``drbddisk`` group) keeps it on the hosts.
    A colocation below INFINITY places nothing (a positive one is a preference,
    -INFINITY only keeps it apart from one resource), so it keeps every node.
    The constraints are read as Pacemaker 2.1.5's scheduler reads them
    (rules/cib/placement.py names the source lines): a location applies by ``rsc``,
    by ``rsc-pattern`` (pacemaker-2.6 schema and later: a POSIX regex searched in
    the id of each top-level resource, so a guest in a group is matched by the
    group's id; ``!`` inverts it) and by ``resource_set`` (pacemaker-1.2 and later;
    the set's score and role first); one limited to the Master/Promoted role never
    applies to a guest. A resource colocated *with* the guest at INFINITY (the
    guest is its ``with-rsc``, in a pair or a set) passes its bans on: the guest
    gets -INFINITY where it may not run, unless that leaves the guest no node
    (Pacemaker then rolls its scores back), or the colocation says
    ``influence="false"`` (or that resource ``critical="false"``).
    Location rules are read as Pacemaker's test_rule reads them (lib/pengine/rules.c:
    ``and`` unless ``boolean-op`` is ``or``, nested rules, ``#uname`` ``eq``/``ne``
    compared without regard to case): ``#uname ne xen1`` and ``#uname ne xen2``
    at -INFINITY keep it off xen3. A -INFINITY rule that also needs a date
    expression (it holds some of the time), another node attribute or a role is
    no ban, so the node is kept (a warning where the ban may not hold); in an
    opt-in cluster such a rule with a positive score may prefer the node.
    Each node's own drbd configuration decides (another node's when it has
    none); a resource with ``floating`` sections is not checked.

    Example: nodes xen1, xen2, xen3; ``resource r0 { on xen1 {...} on xen2
    {...} }``; ``<primitive type="Xen">`` with ``xmfile=/etc/xen/vm/web``,
    whose ``disk = [ "drbd:r0,xvda,w" ]``, and no constraint.

    Fix: ``<rsc_location rsc="web" node="xen3" score="-INFINITY"/>`` (or a
    colocation with the DRBD master), or, with DRBD 9, an ``on xen3``
    section (a diskless client if xen3 keeps no replica).
    """
    if not cluster.has("cib") or not any(True for _ in cluster.docs("drbd")):
        return
    from ..cib.common import units
    from ..cib.guests import _param_pair

    problem = _Hosts(_drbd_hosts(cluster))
    domus = _domus(cluster)
    by_name: dict[str, list[Loaded]] = defaultdict(list)
    for d in domus:
        by_name[d.file.path.name].append(d)
    facts: dict[int, Placement | None] = {}  # by CIB; None: a copy of one placed
    placed: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    for unit in units(cluster):
        for item, prim in unit.primitives():
            xmfile = prim.xmfile if prim.is_xen else None
            if not xmfile:
                continue
            copies = [
                d
                for d in by_name.get(Path(xmfile).name, [])
                if d.file.path.as_posix().endswith(xmfile)
            ]
            if not copies:
                continue
            here = _placement(cluster, item, facts, placed)
            if here is None:
                continue  # every node's copy of one CIB: the first copy's findings
            for node in sorted(here[0].nodes(prim.el, here[1], problem.hosts, _drbd_agent)):
                domu = next((d for d in copies if d.node == node), copies[0])
                for key, disk in _drbd_keys(domu):
                    why = problem(key, node)
                    once = (prim.id or xmfile, node, key)  # the same CIB on every node
                    if why is None or once in seen:
                        continue
                    seen.add(once)
                    yield make(
                        "XN018",
                        f"the CIB may start Xen resource {_named(prim)} ({xmfile}) on {node},"
                        f" but its disk {disk_key(disk)} is not there: {why[0]}; drbdadm there"
                        " says it is not defined for this host, the start fails and the"
                        " CRM moves the guest to another node",
                        item.where(_param_pair(prim, "xmfile") or prim),
                        [_where(domu, "disk"), *why[1]],
                    )


def _named(prim: Primitive) -> str:
    """A primitive as messages name it: ``'web'``, or one without id (the CIB's schema
    rules report that) as such, not as ``'None'``."""
    return f"'{prim.id}'" if prim.id else "without id"


@rule("DR043", "drbd-agent-off-hosts", "warning", scope="cluster", hazard=True)
def drbd_agent_off_hosts(cluster: Cluster) -> Iterator[Finding]:
    """The CIB lets an ``ocf:linbit:drbd`` clone run on a node whose drbd configuration
    has no ``on`` section for its ``drbd_resource``.

    Why it matters: DRBD 8.x replicates between two hosts, so a third (or fourth)
    node shares the drbd.conf copied to every node but hosts none of a pair's
    resources; drbdadm there accepts the file and ignores the resource. Pacemaker
    places clone instances on any node it may: the agent's start there finds no
    such resource for this host, says "DRBD resource r1 not found in configuration
    file" and returns OCF_ERR_INSTALLED (drbd-utils 9.22's linbit/drbd agent, drbd_validate_all:
    "hm. probably misconfigured constraint somewhere. sorry. don't retry
    anywhere."). The start fails, the node is banned for the clone and the
    instance, its promotion and everything colocated with it wait for recovery
    on another node. A probe there is harmless (the agent answers "not running").
    DRBD 9 needs an ``on`` section (a diskless client: ``disk none``) for a node to
    open the resource at all, so the same holds.

    The nodes are those that run the CIB (as XN018 finds them), placed as XN018
    places a guest (locations on the primitive or its clone, ``symmetric-cluster``,
    colocations). Each node's own drbd configuration decides; a resource with
    ``floating`` sections or a stacked one is not checked.

    Example: nodes fir1, fir2, fir3; ``resource r1 { on fir2 {...} on fir3 {...}
    }`` in every node's drbd.d; ``<master id="ms-r1">`` of ``drbd_resource=r1``
    with no constraint keeping it off fir1.

    Fix: ``<rsc_location id="loc-ms-r1" rsc="ms-r1" node="fir1"
    score="-INFINITY"/>`` (or a rule ``#uname ne fir2 and #uname ne fir3``), or
    ``symmetric-cluster=false`` with locations for the hosts.
    """
    if not cluster.has("cib") or not any(True for _ in cluster.docs("drbd")):
        return
    from ..cib.common import units
    from ..cib.guests import _param_pair

    problem = _Hosts(_drbd_hosts(cluster))
    facts: dict[int, Placement | None] = {}
    placed: set[str] = set()
    for unit in units(cluster):
        for item, prim in unit.primitives():
            name = prim.param("drbd_resource") if prim.type == "drbd" else None
            if not name or prim.provider not in (None, "linbit"):
                continue
            here = _placement(cluster, item, facts, placed)
            if here is None:
                continue
            off = {}
            for node in sorted(here[0].nodes(prim.el, here[1], problem.hosts, _drbd_agent)):
                why = problem(name, node)
                if why is not None:
                    off[node] = why
            if not off:
                continue
            first = next(iter(off.values()))
            yield make(
                "DR043",
                f"the CIB may start {_named(prim)} (ocf:linbit:drbd of '{name}') on"
                f" {', '.join(off)}, where it is not configured: {first[0]}; the agent"
                " fails there (OCF_ERR_INSTALLED: not found in configuration file), the"
                " node is banned and the instance recovers elsewhere",
                item.where(_param_pair(prim, "drbd_resource") or prim),
                first[1],
            )
