"""What each domain adds to the cluster graph (see :mod:`xencfg.graph`)."""

from __future__ import annotations

from typing import Any

from .cluster import Cluster, colocation_pairs, order_pairs, short
from .graph import Graph, contributor


def _everywhere(layer: set[str] | frozenset[str], nodes: set[str]) -> bool:
    """Held by every member of a layer of two or more nodes: drawn once, without an edge
    per node (a 20-domU cluster would otherwise be a thicket of identical edges). The
    layer is the nodes that could hold it (the multipath hosts for a LUN, the cluster
    members for a domU), so a storage box linted beside the dom0s does not count."""
    return len(layer) > 1 and {short(n) for n in nodes} >= layer


def _layer(cluster: Cluster, nodes: set[str], *formats: str) -> set[str] | frozenset[str]:
    """The members of the heartbeat cluster ``nodes`` are in (a target pair's own
    heartbeat is another cluster), or with no member lists the nodes that have one of
    ``formats``."""
    model = cluster.model
    if model.heartbeat_clusters:
        return model.cluster_of(nodes)
    return model.members() or {short(i.node) for f in formats for i in cluster.docs(f) if i.node}


@contributor
def multipath_maps(cluster: Cluster, g: Graph) -> None:
    """Each multipath LUN (its WWID) once, with its alias; an edge from each node that
    maps it, or "all nodes" in its label when every node does."""
    holders: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for item in cluster.docs("multipath"):
        for m in item.doc.multipaths:  # type: ignore[attr-defined]
            if not m.wwid:
                continue
            labels.setdefault(m.wwid, f"{m.alias or m.wwid}\\n{m.wwid[-12:]}")
            if item.node:
                holders.setdefault(m.wwid, set()).add(item.node)
    mappers = {short(i.node) for i in cluster.docs("multipath") if i.node}
    for wwid, label in labels.items():
        nodes = holders.get(wwid, set())
        everywhere = _everywhere(mappers, nodes)
        lun = g.node(f"lun:{wwid}", label + ("\\n(all nodes)" if everywhere else ""), "multipath")
        if not everywhere:
            for node in sorted(nodes):
                g.edge(f"node:{node}", lun, "uses", "multipath")


@contributor
def target_exports(cluster: Cluster, g: Graph) -> None:
    """Each LUN a target box exports, to the multipath LUN it is seen as (the storage
    chain of the cluster model: IET's ScsiId found in multipath's WWID)."""
    for link in cluster.model.chain:
        if link.box is None or link.wwid is None or f"lun:{link.wwid}" not in g.nodes:
            continue
        box = next((n for n in cluster.nodes if short(n) == link.box), link.box)
        g.node(f"node:{box}", box, "node")
        g.edge(f"node:{box}", f"lun:{link.wwid}", "uses", f"LUN {link.lun} ({link.scsi_id})")


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


def _node_vertex(cluster: Cluster, g: Graph, name: str, why: str) -> str:
    """A cluster node's vertex; red 'missing' when the cluster has no such node."""
    known = {_short(n): n for n in cluster.nodes}
    if not known or _short(name) in known:
        return g.node(
            f"node:{known.get(_short(name), name)}", known.get(_short(name), name), "node"
        )
    return g.ensure(f"node:{name}", name, why)


def _drbd_index(cluster: Cluster) -> tuple[dict[str, str], dict[int, str]]:
    """DRBD resources by name and by minor (for /dev/drbdN disks), as vertex ids."""
    names: dict[str, str] = {}
    minors: dict[int, str] = {}
    for item in cluster.docs("drbd"):
        for res in item.doc.resource_list():  # type: ignore[attr-defined]
            names[res.name] = f"drbd:{res.name}"
            for h in res.host_list:
                for vol in res.effective(h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is not None and dev.minor is not None:
                        minors[dev.minor] = f"drbd:{res.name}"
    return names, minors


@contributor
def drbd_replicas(cluster: Cluster, g: Graph) -> None:
    """Each DRBD resource once, linked to the nodes that hold a replica (the backing disk
    on the edge)."""
    for item in cluster.docs("drbd"):
        for res in item.doc.resource_list():  # type: ignore[attr-defined]
            hosts = [h for h in res.host_list if h.kind == "on"]
            device = hosts[0].device if hosts else None
            label = res.name + (f"\\n{device.path}" if device is not None and device.path else "")
            vid = g.node(f"drbd:{res.name}", label, "drbd")
            for h in hosts:
                for name in h.names:
                    node = _node_vertex(cluster, g, name, f"DRBD 'on {name}' names no node")
                    g.edge(node, vid, "replica", h.disk or "")


def _domus(cluster: Cluster) -> dict[str, tuple[object, list[str]]]:
    """domU name -> (its document, the nodes that hold its config)."""
    out: dict[str, tuple[object, list[str]]] = {}
    for fmt in ("xm", "xl"):
        for item in cluster.docs(fmt):
            name = item.doc.get("name")  # type: ignore[attr-defined]
            if not isinstance(name, str) or not name:
                continue
            _, nodes = out.setdefault(name, (item.doc, []))
            if item.node and item.node not in nodes:
                nodes.append(item.node)
    return out


@contributor
def domu_disks(cluster: Cluster, g: Graph) -> None:
    """Each domU, where its config lives, and what its disks are: a DRBD resource, a
    multipath LUN (by alias), or a plain device or image."""
    drbd_names, drbd_minors = _drbd_index(cluster)
    aliases = {
        m.alias: f"lun:{m.wwid}"
        for item in cluster.docs("multipath")
        for m in item.doc.multipaths  # type: ignore[attr-defined]
        if m.alias and m.wwid
    }
    has_drbd = bool(list(cluster.docs("drbd")))
    has_multipath = bool(list(cluster.docs("multipath")))
    for name, (doc, nodes) in sorted(_domus(cluster).items()):
        everywhere = _everywhere(_layer(cluster, set(nodes), "xend", "xm", "xl"), set(nodes))
        vid = g.node(f"domu:{name}", name + ("\\n(all nodes)" if everywhere else ""), "domu")
        for node in [] if everywhere else nodes:
            g.edge(vid, f"node:{node}", "runs-on")
        for disk in doc.disks:  # type: ignore[attr-defined]
            target = disk.target or disk.raw
            if disk.drbd_resource:
                res = disk.drbd_resource
                dst = drbd_names.get(res) or (
                    g.ensure(f"drbd:{res}", res, f"no DRBD resource {res}")
                    if has_drbd
                    else g.node(f"drbd:{res}", res, "drbd")
                )
            elif target.startswith("/dev/drbd") and target[9:].isdigit():
                dst = drbd_minors.get(int(target[9:])) or g.node(f"disk:{target}", target, "disk")
            elif target.startswith("/dev/mapper/") and target[12:] in aliases:
                dst = aliases[target[12:]]
            elif target.startswith("/dev/mapper/") and has_multipath and "-" not in target[12:]:
                dst = g.ensure(f"alias:{target[12:]}", target[12:], "no such multipath alias")
            else:
                dst = g.node(f"disk:{target}", target, "disk")
            g.edge(vid, dst, "uses", disk.vdev or "")


_CIB_KIND = {"group": "group", "clone": "clone", "master": "clone", "master_slave": "clone"}


@contributor
def cib_resources(cluster: Cluster, g: Graph) -> None:
    """CIB resources (groups and clones with their members), Xen resources linked to
    their domU, and order, colocation and location constraints; a constraint naming a
    resource or node that does not exist is drawn to a red 'missing' vertex."""
    cibs = list(cluster.docs("cib"))
    docs: list[Any] = [item.doc for item in cibs]
    known = {r.id for doc in docs for r in doc.all_resources() if r.id}
    domus = _domus(cluster)
    xm_names = {
        str(item.file.path).replace("\\", "/").split("/etc/", 1)[-1]: item.doc.get("name")  # type: ignore[attr-defined]
        for fmt in ("xm", "xl")
        for item in cluster.docs(fmt)
    }

    def rid(name: str) -> str:
        if name in known:
            return f"res:{name}"
        return g.ensure(f"res:{name}", name, f"no resource {name}")

    for item in cibs:
        doc = item.doc
        for res in doc.all_resources():  # type: ignore[attr-defined]
            kind = _CIB_KIND.get(
                res.tag, "stonith" if getattr(res, "is_stonith", False) else "resource"
            )
            if not res.id:  # no id: the schema check reports it; nothing to draw
                continue
            label = res.id + (f"\\n{res.type}" if getattr(res, "type", None) else "")
            g.node(f"res:{res.id}", label, kind)
            for child in getattr(res, "children", []):
                if child.id:
                    g.edge(f"res:{res.id}", f"res:{child.id}", "member")
            if getattr(res, "is_xen", False):
                xmfile = (res.instance_attributes.get("xmfile") or "").split("/etc/", 1)[-1]
                name = xm_names.get(xmfile)
                if name in domus:
                    g.edge(f"res:{res.id}", f"domu:{name}", "uses", "xmfile")
        for o in doc.orders:  # type: ignore[attr-defined]
            for first, then in order_pairs(o, closure=False):
                g.edge(rid(first), rid(then), "order")
        for c in doc.colocations:  # type: ignore[attr-defined]
            for rsc, with_rsc in colocation_pairs(c, closure=False):
                g.edge(rid(rsc), rid(with_rsc), "colocation")
        for loc in doc.locations:  # type: ignore[attr-defined]
            if not loc.rsc:
                continue
            for node in loc.nodes():
                why = f"location {loc.id} names node {node}, not in the cluster"
                g.edge(
                    rid(loc.rsc),
                    _node_vertex(cluster, g, node, why),
                    "location",
                    loc.score_raw or "",
                )


@contributor
def live_state(cluster: Cluster, g: Graph) -> None:
    """What runs, where it was captured (sosreport, supportconfig, ``xencfg capture``):
    each DRBD replica edge gets its node's role, connection and disk state (red when
    not Connected/UpToDate), and each node with ``multipath -ll`` an edge to each LUN
    it runs, labelled with its working paths (red when one is not working)."""
    from .formats.multipath_ll import MultipathLlDocument
    from .rules.live import CS_OK, configured_drbd, live_drbd

    for r in configured_drbd(cluster):
        states = live_drbd(cluster, r)
        if states is None:
            continue
        edge = next(
            (
                e
                for e in g.edges
                if e.kind == "replica"
                and e.dst == f"drbd:{r.name}"
                and _short(e.src.split(":", 1)[1]) == _short(r.node)
            ),
            None,
        )
        if edge is None:
            continue
        if not states:
            edge.label = (edge.label + "\\n" if edge.label else "") + "live: not running"
            edge.problem = edge.problem or f"DRBD '{r.name}' is not running on {r.node}"
            continue
        s = states[0]
        live = f"{s.role or '?'}, {s.conn}, {s.disk or '?'}"
        edge.label = (edge.label + "\\n" if edge.label else "") + f"live: {live}"
        ok = s.conn in CS_OK or s.conn == "Established"
        if not ok or (s.conn in ("Connected", "Established") and s.disk != "UpToDate"):
            edge.problem = edge.problem or f"DRBD '{r.name}' on {r.node}: {live}"
    for item, ll in cluster.typed("multipath-ll", MultipathLlDocument):
        if not item.node:
            continue
        for mp in ll.maps:
            lun = f"lun:{mp.wwid}"
            if lun not in g.nodes:
                g.node(lun, f"{mp.alias}\\n{mp.wwid[-12:]}", "multipath")
            working = sum(1 for p in mp.paths if p.ok)
            e = g.edge(f"node:{item.node}", lun, "uses", f"live: {working}/{len(mp.paths)} paths")
            if working < len(mp.paths):
                e.problem = (
                    e.problem or f"{len(mp.paths) - working} path(s) of {mp.alias} not working"
                )
