"""What each domain adds to the cluster graph (see :mod:`xencfg.graph`): one function
per domain, in drawing order in :data:`CONTRIBUTORS`."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ..cluster import Cluster, Loaded, colocation_pairs, order_pairs, short
from ..syntax.numbers import decimal, is_decimal
from ..syntax.tree import Node
from ..versions import COMPONENTS
from .model import Contributor, GEdge, Graph, Span

if TYPE_CHECKING:  # (each contributor imports the formats it reads when it runs)
    from ..formats.xen.domu import DomUDocument


def _everywhere(layer: set[str] | frozenset[str], nodes: set[str]) -> bool:
    """Held by every member of a layer of two or more nodes: drawn once, without an edge
    per node (a 20-domU cluster would otherwise be a thicket of identical edges). The
    layer is the nodes that could hold it (the multipath hosts for a LUN, the cluster
    members for a domU), so a storage box linted beside the dom0s does not count."""
    return len(layer) > 1 and {short(n) for n in nodes} >= layer


def _layer(cluster: Cluster, nodes: set[str], *formats: str) -> set[str] | frozenset[str]:
    """The nodes that run the cluster of ``nodes`` (a target pair's own heartbeat is
    another cluster): :func:`~xencfg.membership.cib_nodes` of the CIBs on those trees,
    else of their stack files (heartbeat 1's ha.cf: the members it lists); with
    neither, the members of the run, else the nodes that have one of ``formats``."""
    from ..membership import STACK_FORMATS, cib_nodes

    keys = {short(n) for n in nodes}
    for kinds in (("cib",), tuple(STACK_FORMATS)):
        held = [i for f in kinds for i in cluster.docs(f) if i.node and short(i.node) in keys]
        if held:
            return cib_nodes(cluster, held).names
    model = cluster.model
    return model.members() or {short(i.node) for f in formats for i in cluster.docs(f) if i.node}


def span(item: Loaded, node: object = None) -> Span:
    """The lines of ``item``'s file that ``node`` (a model node, a CIB view or element)
    covers; the whole file without one."""
    doc = item.doc
    path = item.file.display
    # a supportconfig section is read alone: its lines are the file's from first_line on
    # (as lint reports its findings)
    shift = item.file.first_line - 1
    if node is None:
        return (path, 1 + shift, max(1, doc.source.count("\n") + 1) + shift)
    if isinstance(node, Node):
        first = doc.position(node)[0]
        toks = [t for t in node.tokens() if not t.is_trivia and t.pos >= 0]
        last = doc.position(toks[-1].end - 1)[0] if toks else first
        return (path, first + shift, max(first, last) + shift)
    el: Any = getattr(node, "el", node)
    first = item.where(node).line
    lines = [d.sourceline for d in el.iter() if isinstance(d.sourceline, int)]
    top = el.sourceline if isinstance(el.sourceline, int) else 0
    # lxml counts lines from the same source; the element's own offset places it
    last = first + (max(lines) - top if lines and top else 0)
    return (path, first + shift, last + shift)


#: IET's binary T10 designator as scsi_id reads it: ``1``, ``IET`` padded to 8 bytes, the
#: ScsiId's 16 bytes (NUL-padded), in hex (see storage_chain._wwid_matches)
_IET_HEX = re.compile(r"14945540000000000((?:[0-9a-fA-F]{2}){16})\Z")


def _iet_label(wwid: str) -> str | None:
    """``IET <ScsiId>`` for an IET WWID in hex (its tail is the id's NUL padding, zeros
    that tell no LUN apart), the id in hex where it is not printable; else ``None``."""
    m = _IET_HEX.match(wwid)
    if m is None:
        return None
    raw = bytes.fromhex(m.group(1)).rstrip(b"\0")
    if raw and all(0x21 <= b < 0x7F for b in raw):
        return f"IET {raw.decode('ascii')}"
    return f"IET {m.group(1)[: 2 * len(raw)] or '00'}"


def _unique_labels(wwids: Iterable[str], least: int = 12) -> dict[str, str]:
    """A label per WWID that no other WWID gets, so that two LUNs never look the same:
    an IET WWID's ScsiId (:func:`_iet_label`), else the shortest tail (at least
    ``least`` characters) that no other WWID shares."""
    ids = sorted(set(wwids))
    out = {}
    for w in ids:
        n = min(least, len(w))
        while n < len(w) and any(o != w and o.endswith(w[-n:]) for o in ids):
            n += 1
        out[w] = w[-n:]
    iet = {w: label for w in ids if (label := _iet_label(w)) is not None}
    taken = Counter([*iet.values(), *(out[w] for w in ids if w not in iet)])
    for w, label in iet.items():
        if taken[label] == 1:  # (hex in two cases is two WWIDs: keep their tails)
            out[w] = label
    return out


@attrs.define
class _Maps:
    """multipath.conf's ``multipaths`` of every node: what each alias resolves to on each
    node and what each WWID is called there, with the entries they come from."""

    alias: dict[str, dict[str, str]] = attrs.Factory(dict)  # node -> alias -> wwid
    names: dict[str, dict[str, str | None]] = attrs.Factory(dict)  # wwid -> node -> alias
    spans: dict[str, list[Span]] = attrs.Factory(dict)  # wwid -> entries
    alias_spans: dict[str, list[Span]] = attrs.Factory(dict)  # alias -> entries
    edge_spans: dict[tuple[str, str], Span] = attrs.Factory(dict)  # (node, wwid) -> entry

    def conflicts(self, same: Callable[[str, str], bool]) -> dict[str, dict[str, str]]:
        """Aliases that name different WWIDs on two nodes of one cluster (``same``): alias
        -> node -> wwid, those nodes only (a target pair's own heartbeat cluster may use
        the name for another disk, as MP004 allows)."""
        out: dict[str, dict[str, str]] = {}
        for node, table in self.alias.items():
            for alias, wwid in table.items():
                out.setdefault(alias, {})[node] = wwid
        found: dict[str, dict[str, str]] = {}
        for alias, per in out.items():
            for a, b in itertools.combinations(sorted(per), 2):
                if per[a] != per[b] and same(a, b):
                    found.setdefault(alias, {}).update({a: per[a], b: per[b]})
        return found


def _maps(cluster: Cluster) -> _Maps:
    from ..formats.multipath import MultipathDocument

    maps = _Maps()
    for item, doc in cluster.typed("multipath", MultipathDocument):
        node = item.node or ""
        for m in doc.multipaths:
            if not m.wwid:
                continue
            where = span(item, m.block)
            maps.spans.setdefault(m.wwid, []).append(where)
            maps.names.setdefault(m.wwid, {}).setdefault(node, m.alias)
            maps.edge_spans.setdefault((node, m.wwid), where)
            if m.alias:
                maps.alias.setdefault(node, {}).setdefault(m.alias, m.wwid)
                maps.alias_spans.setdefault(m.alias, []).append(where)
    return maps


def multipath_maps(cluster: Cluster, g: Graph) -> None:
    """Each multipath LUN once, by its WWID (labelled with IET's ScsiId inside it, or a
    tail of it no other LUN shares) and its alias; an edge from each node that maps it,
    or "all nodes" in its label when every node maps it under the same alias. When the
    nodes call it by different aliases, each node's edge says which. An alias that names
    different WWIDs on two nodes is a red conflict vertex pointing at both LUNs."""
    maps = _maps(cluster)
    tails = _unique_labels(maps.names)
    mappers = {short(i.node) for i in cluster.docs("multipath") if i.node}
    for wwid, per_node in maps.names.items():
        names = {a for a in per_node.values() if a}
        nodes = {n for n in per_node if n}
        if len(names) > 1:
            label = "\\n".join(
                f"{a} on {', '.join(sorted(n for n in nodes if per_node[n] == a))}"
                for a in sorted(names)
            )
        else:
            label = next(iter(names), "(no alias)")
        everywhere = len(names) <= 1 and _everywhere(mappers, nodes)
        label += f"\\n{tails[wwid]}" + ("\\n(all nodes)" if everywhere else "")
        lun = g.node(f"lun:{wwid}", label, "multipath")
        for where in maps.spans[wwid]:
            g.place(lun, where)
        if not everywhere:
            for node in sorted(nodes):
                alias = per_node[node] if len(names) > 1 else None
                e = g.edge(
                    f"node:{node}", lun, "uses", f"multipath {alias}" if alias else "multipath"
                )
                g.place(e, maps.edge_spans.get((node, wwid)))
    for alias, resolved in sorted(maps.conflicts(cluster.model.same_cluster).items()):
        lines = [f"{node}: {wwid}" for node, wwid in sorted(resolved.items())]
        why = f"alias {alias} names different LUNs: " + "; ".join(lines)
        vid = g.node(f"alias:{alias}", "\\n".join([f"alias {alias} CONFLICT", *lines]), "conflict")
        g.nodes[vid].problem = why
        for where in maps.alias_spans.get(alias, []):
            g.place(vid, where)
        for node, wwid in sorted(resolved.items()):
            e = g.edge(vid, f"lun:{wwid}", "resolves", f"on {node}")
            e.problem = why


def target_exports(cluster: Cluster, g: Graph) -> None:
    """The iSCSI layer, from the cluster model's storage chain: target box -> target ->
    LUN (its ScsiId) -> the multipath LUN (WWID, alias) the initiators see it as."""
    from ..formats.lines.ietd import IetdDocument

    where: dict[tuple[str, int | None], Span] = {}
    target_where: dict[str, Span] = {}
    for item, ietd in cluster.typed("ietd", IetdDocument):
        for t in ietd.targets:
            spans = [span(item, e) for e in (t.entry, *t.lines)]
            target_where[t.name] = (spans[0][0], spans[0][1], max(s[2] for s in spans))
            for lun in t.luns:
                where[(t.name, lun.number)] = span(item, lun.entry)
    for link in cluster.model.chain:
        if link.box is None or link.target is None:
            continue
        box = next((n for n in cluster.nodes if short(n) == link.box), link.box)
        g.node(f"node:{box}", box, "node")
        tid = g.node(f"target:{link.target}", link.target, "target")
        g.place(tid, target_where.get(link.target))
        g.edge(f"node:{box}", tid, "exports")
        label = f"LUN {link.lun}" + (f"\\nScsiId {link.scsi_id}" if link.scsi_id else "")
        lid = g.node(f"iscsi:{link.target}:{link.lun}", label, "iscsi-lun")
        g.place(lid, where.get((link.target, link.lun)))
        g.edge(tid, lid, "exports")
        if link.wwid is not None and f"lun:{link.wwid}" in g.nodes:
            g.edge(lid, f"lun:{link.wwid}", "seen-as", "WWID")


def lio_exports(cluster: Cluster, g: Graph) -> None:
    """LIO's targets from each target box's saveconfig.json: box -> target -> LUN (its
    storage object and backing device) -> the multipath LUN whose WWID the object's unit
    serial makes (``wwid.lio_wwid``). A storage object without a serial is drawn orange:
    ``targetctl restore`` gives it a new one, so a new WWID, at every restore (IS035)."""
    from ..formats.lio_saveconfig import SaveconfigDocument
    from ..wwid import lio_wwid

    for item, doc in cluster.typed("lio-saveconfig", SaveconfigDocument):
        box = item.node or item.file.display
        g.node(f"node:{box}", box, "node")

        def at(obj: object, item: Loaded = item, doc: SaveconfigDocument = doc) -> Span:
            line = doc.position(obj)[0] + item.file.first_line - 1
            return (item.file.display, line, line)

        for t in doc.iscsi_targets:
            if not t.wwn:
                continue
            tid = g.node(f"target:{t.wwn}", t.wwn, "target")
            g.place(tid, at(t))
            g.edge(f"node:{box}", tid, "exports")
            for tpg in t.tpgs:
                for lun in tpg.luns:
                    so = doc.storage_object(lun.storage_object)
                    what = f"{so.name} ({so.plugin})" if so else str(lun.storage_object)
                    label = f"LUN {lun.index}\\n{what}" + (f"\\n{so.dev}" if so and so.dev else "")
                    lid = g.node(f"lio:{t.wwn}:{tpg.tag}:{lun.index}", label, "iscsi-lun")
                    g.place(lid, at(lun))
                    g.edge(tid, lid, "exports")
                    if so is None or so.plugin == "pscsi":
                        continue  # (IS033; pscsi passes the device's own ids through)
                    if not so.wwn:
                        g.nodes[lid].warn = (
                            f"storage object {so.name} has no unit serial (wwn): a new one,"
                            " so a new WWID, at every targetctl restore"
                        )
                        continue
                    wwid = lio_wwid(so.wwn)
                    if f"lun:{wwid}" in g.nodes:
                        g.edge(lid, f"lun:{wwid}", "seen-as", "WWID")


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
    from ..formats.drbd import DrbdDocument

    names: dict[str, str] = {}
    minors: dict[int, str] = {}
    for _, doc in cluster.typed("drbd", DrbdDocument):
        for res in doc.resource_list():
            names[res.name] = f"drbd:{res.name}"
            for h in res.host_list:
                for vol in res.effective(h.name).volumes.values():
                    dev = vol.get("device")
                    if dev is not None and dev.minor is not None:
                        minors[dev.minor] = f"drbd:{res.name}"
    return names, minors


def drbd_replicas(cluster: Cluster, g: Graph) -> None:
    """Each DRBD resource once, linked to the nodes that hold a replica (the backing disk
    on the edge)."""
    from ..formats.drbd import DrbdDocument

    for item, doc in cluster.typed("drbd", DrbdDocument):
        for res in doc.resource_list():
            hosts = [h for h in res.host_list if h.kind == "on"]
            device = hosts[0].device if hosts else None
            label = res.name + (f"\\n{device.path}" if device is not None and device.path else "")
            vid = g.node(f"drbd:{res.name}", label, "drbd")
            g.place(vid, span(item, res.block))
            for h in hosts:
                for name in h.names:
                    node = _node_vertex(cluster, g, name, f"DRBD 'on {name}' names no node")
                    g.place(g.edge(node, vid, "replica", h.disk or ""), span(item, h.block))


_DomU = tuple["DomUDocument", list[str], list[tuple[Loaded, "DomUDocument"]]]


def _domus(cluster: Cluster) -> dict[str, _DomU]:
    """domU name -> (its document, the nodes that hold its config, those configs)."""
    from ..formats.xen.domu import DomUDocument

    out: dict[str, _DomU] = {}
    for fmt in ("xm", "xl"):
        for item, doc in cluster.typed(fmt, DomUDocument):
            name = doc.get("name")
            if not isinstance(name, str) or not name:
                continue
            _, nodes, items = out.setdefault(name, (doc, [], []))
            items.append((item, doc))
            if item.node and item.node not in nodes:
                nodes.append(item.node)
    return out


def _drbd_managers(cluster: Cluster) -> dict[str, list[str]]:
    """DRBD resource name -> the CIB resources (or ``haresources:NODE`` lines, whose
    ``drbddisk::RES`` heartbeat 1 runs) that promote it: an ``ocf:linbit:drbd``
    (or ``ocf:heartbeat:drbd``) primitive's ``drbd_resource``, heartbeat's ``drbddisk``
    with its resource as parameter ``1`` (``all`` without one, as the script's
    ``RES=${1:-all}`` does). ``*`` holds those that promote every resource."""
    from ..formats.cib.model import CibDocument
    from ..formats.lines.haresources import HaresourcesDocument

    out: dict[str, list[str]] = {}
    for _, cib in cluster.typed("cib", CibDocument):
        for prim in cib.primitives:
            kind = (prim.type or "").lower()
            if kind not in ("drbd", "drbddisk") or not prim.id:
                continue
            ia = prim.instance_attributes
            name = ia.get("drbd_resource") or ia.get("1") or ("*" if kind == "drbddisk" else "")
            if name == "all":
                name = "*"
            if name and prim.id not in out.setdefault(name, []):
                out[name].append(prim.id)
    for _, hares in cluster.typed("haresources", HaresourcesDocument):  # heartbeat 1: drbddisk::r0
        for group in hares.groups:
            for res in group.resources:
                if res.type.lower() == "drbddisk":
                    name = (res.args or ["all"])[0]
                    name = "*" if name == "all" else name
                    rid = f"haresources:{group.node}"
                    if rid not in out.setdefault(name, []):
                        out[name].append(rid)
    return out


def domu_disks(cluster: Cluster, g: Graph) -> None:
    """Each domU, where its config lives, and what its disks are: a DRBD resource, a
    multipath LUN, or a plain device or image. A ``/dev/mapper/ALIAS`` disk is drawn to
    the LUN each node holding the config resolves the alias to (one edge when all agree;
    one red edge per node when they do not). A DRBD device (``phy:/dev/drbdN``) that no
    CIB resource promotes is drawn orange: nothing makes it Primary before the domU
    starts (a ``drbd:`` disk is promoted by Xen's block-drbd script itself)."""
    drbd_names, drbd_minors = _drbd_index(cluster)
    maps = _maps(cluster)
    managers = _drbd_managers(cluster)
    # a cluster manager that could promote DRBD (heartbeat 1's haresources, or a CIB)
    has_cib = any(True for f in ("cib", "haresources") for _ in cluster.docs(f))
    has_drbd = bool(list(cluster.docs("drbd")))
    has_multipath = bool(list(cluster.docs("multipath")))
    mappers = sorted(maps.alias)
    for name, (doc, nodes, items) in sorted(_domus(cluster).items()):
        xen = _layer(cluster, set(nodes), *COMPONENTS["xen"][1])  # nodes with Xen's files
        everywhere = _everywhere(xen, set(nodes))
        vid = g.node(f"domu:{name}", name + ("\\n(all nodes)" if everywhere else ""), "domu")
        disk_spans = []
        for item, domu in items:
            g.place(vid, span(item))
            stmt = domu.assignment("disk")
            if stmt is not None:
                disk_spans.append(span(item, stmt))
        for node in [] if everywhere else nodes:
            g.edge(vid, f"node:{node}", "runs-on")
        for disk in doc.disks:
            target = disk.target or disk.raw
            vdev = disk.vdev or ""
            edges = []
            if disk.drbd_resource:
                res = disk.drbd_resource
                dst = drbd_names.get(res) or (
                    g.ensure(f"drbd:{res}", res, f"no DRBD resource {res}")
                    if has_drbd
                    else g.node(f"drbd:{res}", res, "drbd")
                )
                edges.append(g.edge(vid, dst, "uses", vdev))
            elif target.startswith("/dev/drbd") and is_decimal(target[9:]):
                dst = drbd_minors.get(decimal(target[9:])) or g.node(
                    f"disk:{target}", target, "disk"
                )
                edges.append(g.edge(vid, dst, "uses", vdev))
                # phy:/dev/drbdN: nothing but the cluster makes it Primary (a drbd: disk
                # is promoted by the block-drbd script)
                resource = dst.split(":", 1)[1]
                promoted = managers.get(resource) or managers.get("*")
                if has_cib and dst.startswith("drbd:") and not promoted:
                    why = (
                        f"domU {name} uses {target} but no CIB resource promotes DRBD "
                        f"resource {resource}: it stays Secondary and the domU cannot open it"
                    )
                    edges[-1].warn = why
                    g.nodes[dst].warn = g.nodes[dst].warn or why
            elif target.startswith("/dev/mapper/") and (
                any(target[12:] in t for t in maps.alias.values())
                or (has_multipath and "-" not in target[12:])
            ):
                edges += _mapper_edges(g, maps, vid, target[12:], vdev, nodes or mappers)
            else:
                edges.append(g.edge(vid, g.node(f"disk:{target}", target, "disk"), "uses", vdev))
            for e in edges:
                for where in disk_spans:
                    g.place(e, where)


def _mapper_edges(
    g: Graph, maps: _Maps, vid: str, alias: str, vdev: str, nodes: list[str]
) -> list[GEdge]:
    """The edges of a ``/dev/mapper/ALIAS`` disk to the LUN each node resolves."""
    resolved = {n: maps.alias.get(n, {}).get(alias) for n in nodes}
    wwids = {w for w in resolved.values() if w}
    if not wwids:
        return [
            g.edge(vid, g.ensure(f"alias:{alias}", alias, "no such multipath alias"), "uses", vdev)
        ]
    if len(wwids) == 1 and all(resolved.values()):
        return [g.edge(vid, f"lun:{next(iter(wwids))}", "uses", vdev)]
    out = []
    listing = "; ".join(f"{n}: {w or 'not defined'}" for n, w in sorted(resolved.items()))
    why = f"/dev/mapper/{alias} is not the same LUN on every node ({listing})"
    for node, wwid in sorted(resolved.items()):
        dst = (
            f"lun:{wwid}" if wwid else g.ensure(f"alias:{alias}", alias, "no such multipath alias")
        )
        e = g.edge(vid, dst, "uses", f"{vdev} on {node}")
        e.problem = why
        out.append(e)
    return out


def cib_drbd(cluster: Cluster, g: Graph) -> None:
    """CIB resources that promote DRBD resources (ocf drbd, drbddisk), linked to them."""
    drbd_names, _ = _drbd_index(cluster)
    for resource, ids in _drbd_managers(cluster).items():
        targets = (
            sorted(set(drbd_names.values()))
            if resource == "*"
            else [
                drbd_names.get(resource)
                or g.ensure(f"drbd:{resource}", resource, "no such DRBD resource")
            ]
        )
        for rid in ids:
            if rid.startswith("haresources:"):
                node = rid.split(":", 1)[1]
                src = g.node(f"res:{rid}", f"haresources\\n({node} first)", "group")
            else:
                src = f"res:{rid}"
            for dst in targets:
                g.edge(src, dst, "manages", "promotes")


_CIB_KIND = {"group": "group", "clone": "clone", "master": "clone", "master_slave": "clone"}


def cib_resources(cluster: Cluster, g: Graph) -> None:
    """CIB resources (groups and clones with their members), Xen resources linked to
    their domU, and order, colocation and location constraints; a constraint naming a
    resource or node that does not exist is drawn to a red 'missing' vertex."""
    from ..formats.cib.model import CibDocument, Primitive
    from ..formats.xen.domu import DomUDocument

    cibs = list(cluster.typed("cib", CibDocument))
    known = {r.id for _, doc in cibs for r in doc.all_resources() if r.id}
    domus = _domus(cluster)
    xm_names = {
        str(item.file.path).replace("\\", "/").split("/etc/", 1)[-1]: domu.get("name")
        for fmt in ("xm", "xl")
        for item, domu in cluster.typed(fmt, DomUDocument)
    }

    maps = _maps(cluster)
    _, drbd_minors = _drbd_index(cluster)
    # a CIB resource may run on any member: its device must resolve alike on each
    cluster_members = cluster.model.members()
    members = sorted(n for n in maps.alias if short(n) in cluster_members) or sorted(maps.alias)

    def rid(name: str) -> str:
        if name in known:
            return f"res:{name}"
        return g.ensure(f"res:{name}", name, f"no resource {name}")

    for item, doc in cibs:
        for res in doc.all_resources():
            kind = _CIB_KIND.get(
                res.tag, "stonith" if getattr(res, "is_stonith", False) else "resource"
            )
            if not res.id:  # no id: the schema check reports it; nothing to draw
                continue
            label = res.id + (f"\\n{res.type}" if isinstance(res, Primitive) and res.type else "")
            g.place(g.node(f"res:{res.id}", label, kind), span(item, res))
            for child in getattr(res, "children", []):
                if child.id:
                    g.edge(f"res:{res.id}", f"res:{child.id}", "member")
            for value in sorted(v for v in res.instance_attributes.values() if v):
                # a Filesystem / LVM / iscsi resource on a multipath alias or DRBD device
                if value.startswith("/dev/mapper/") and maps.names:
                    alias = value[len("/dev/mapper/") :].split("/", 1)[0]
                    if "-" not in alias:
                        _mapper_edges(g, maps, f"res:{res.id}", alias, "device", members)
                elif value.startswith("/dev/drbd") and is_decimal(value[9:]):
                    dst = drbd_minors.get(decimal(value[9:]))
                    if dst is not None:
                        g.edge(f"res:{res.id}", dst, "uses", "device")
            if getattr(res, "is_xen", False):
                xmfile = (res.instance_attributes.get("xmfile") or "").split("/etc/", 1)[-1]
                name = xm_names.get(xmfile)
                if name in domus:
                    g.edge(f"res:{res.id}", f"domu:{name}", "uses", "xmfile")
        for o in doc.orders:
            for first, then in order_pairs(o, closure=False):
                g.place(g.edge(rid(first), rid(then), "order"), span(item, o))
        for c in doc.colocations:
            for rsc, with_rsc in colocation_pairs(c, closure=False):
                g.place(g.edge(rid(rsc), rid(with_rsc), "colocation"), span(item, c))
        for loc in doc.locations:
            if not loc.rsc:
                continue
            for node in loc.nodes():
                why = f"location {loc.id} names node {node}, not in the cluster"
                e = g.edge(
                    rid(loc.rsc),
                    _node_vertex(cluster, g, node, why),
                    "location",
                    loc.score_raw or "",
                )
                g.place(e, span(item, loc))


def live_state(cluster: Cluster, g: Graph) -> None:
    """What runs, where it was captured (sosreport, supportconfig, ``xencfg capture``):
    each DRBD replica edge gets its node's role, connection and disk state (red when
    not Connected/UpToDate), and each node with ``multipath -ll`` an edge to each LUN
    it runs, labelled with its working paths (red when one is not working)."""
    from ..formats.status.multipath_ll import MultipathLlDocument
    from ..rules.live import CS_OK, configured_drbd, live_drbd

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
        if not ok or (s.conn in ("Connected", "Established") and s.disk != s.good_disk):
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


def _live_label(edge: GEdge, text: str) -> None:
    edge.label = (edge.label + "\\n" if edge.label else "") + text


def live_hosts(cluster: Cluster, g: Graph) -> None:
    """What the hypervisors and the iSCSI layer run, where it was captured: a configured
    domU's edge to each node whose ``xl list`` (or ``xm``/``virsh list``, ``xl list
    -l``'s JSON) shows it running (red on each when it runs on two nodes at once: both
    write its disks); each node's iSCSI sessions to their targets (red when not logged
    in) and its node records that have no session (orange: it logs in at boot, or is a
    leftover); on an IET box with ``/proc/net/iet`` captured, its export edges labelled
    with the initiators logged in, red where ietd does not export the target now."""
    from ..formats.status.iet_proc import IetProcDocument
    from ..formats.status.iscsi_node import IscsiNodeDocument
    from ..formats.status.iscsi_session import IscsiSessionDocument
    from ..formats.status.xl_list import XlListDocument

    running: dict[str, list[str]] = {}
    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domains:
            if item.node and not d.is_dom0 and d.id is not None and f"domu:{d.name}" in g.nodes:
                running.setdefault(d.name, []).append(item.node)
    for name, nodes in running.items():
        for node in nodes:
            vid = _node_vertex(cluster, g, node, f"no node {node}")
            edge = next(
                (
                    e
                    for e in g.edges
                    if e.kind == "runs-on" and (e.src, e.dst) == (f"domu:{name}", vid)
                ),
                None,
            ) or g.edge(f"domu:{name}", vid, "runs-on")
            _live_label(edge, "live: running")
            if len(set(nodes)) > 1:
                edge.problem = (
                    edge.problem
                    or f"domU {name} runs on {' and '.join(sorted(set(nodes)))} at once"
                )
    sessions: set[tuple[str, str]] = set()
    for item, doc in cluster.typed("iscsi-session", IscsiSessionDocument):
        for s in doc.sessions if item.node else ():
            tid = g.node(f"target:{s.target}", s.target, "target")
            state = "logged in" if s.logged_in else (s.session_state or s.connection_state or "?")
            edge = g.edge(f"node:{item.node}", tid, "uses", f"live: session {state}")
            if not s.logged_in:
                edge.problem = edge.problem or f"{item.node}'s session to {s.target}: {state}"
            sessions.add((item.node or "", s.target))
    for item, rec in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in rec.records if item.node else ():
            if r.startup == "manual" or (item.node or "", r.target) in sessions:
                continue
            tid = g.node(f"target:{r.target}", r.target, "target")
            edge = g.edge(f"node:{item.node}", tid, "uses", f"record {r.address}, no session")
            edge.warn = (
                edge.warn or f"{item.node} keeps a node record for {r.target} but no session"
            )
    exported: dict[str, Counter[str]] = {}  # box -> target -> sessions (volume, session files)
    for item, iet in cluster.typed("iet-proc", IetProcDocument):
        for t in iet.targets if item.node else ():
            exported.setdefault(item.node or "", Counter())[t.name] += len(t.sessions)
    for e in g.edges:
        box = e.src.split(":", 1)[1]
        if e.kind != "exports" or box not in exported or not e.dst.startswith("target:"):
            continue
        name = e.dst.split(":", 1)[1]
        if name not in exported[box]:
            e.problem = e.problem or f"ietd on {box} does not export {name} now"
            _live_label(e, "live: not exported")
        elif exported[box][name]:
            _live_label(e, f"live: {exported[box][name]} session(s)")


#: Functions that add one domain's vertices and edges, in drawing order.
CONTRIBUTORS: list[Contributor] = [
    multipath_maps,
    target_exports,
    lio_exports,
    drbd_replicas,
    domu_disks,
    cib_drbd,
    cib_resources,
    live_state,
    live_hosts,
]
