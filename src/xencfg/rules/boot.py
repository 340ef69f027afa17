"""The services a cluster manages that the init system starts at boot as well
(what starts at boot is read by :mod:`xencfg.bootlinks`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..bootlinks import run_links
from ..cluster import Cluster, Loaded
from ..findings import Finding, Location
from . import Once, make, rule


@attrs.frozen
class Service:
    """A service an init script starts that a cluster manager may start too."""

    #: Its init script / unit names across distributions.
    names: tuple[str, ...]
    #: OCF agents (``provider:type``) that run the same daemon; their CIB primitives
    #: count as the cluster managing it, like ``lsb:NAME``.
    agents: tuple[str, ...] = ()
    #: What goes wrong, for the message ("": what goes wrong with any service).
    why: str = ""
    severity: str = "warning"


#: What goes wrong when the init system and an ``lsb:``/``systemd:``/``service:``
#: primitive both start a service: Pacemaker's probe finds it running on every node
#: the init system started it on, and ``multiple-active``'s default ``stop_start``
#: (Pacemaker Explained) stops it everywhere and starts it on one.
_TWICE = (
    "Pacemaker's probe finds it running on every node that booted and stops it"
    " everywhere before starting it on one (multiple-active)"
)
#: ... and a haresources entry: heartbeat 1 has no probe, and the service runs on the
#: standby too, without the address and filesystem its group brings.
_TWICE_HB = "it runs on the standby too, without the address and filesystem its group brings"

#: Services whose clash has its own consequence (see HB018's doc for the sources).
SERVICES = (
    Service(
        ("drbd",),
        ("linbit:drbd", "heartbeat:drbd"),
        "the init script brings every resource up, waits for the peer and promotes"
        " where become-primary-on says, outside the cluster",
    ),
    Service(
        ("o2cb",),
        ("ocfs2:o2cb", "pacemaker:o2cb"),
        "the init script brings the O2CB cluster online before the cluster's own",
    ),
    Service(
        ("clvmd",),
        ("lvm2:clvmd", "heartbeat:clvm"),
        "clvmd starts before the cluster's DLM and outside its order",
    ),
    Service(
        ("xendomains",),
        why="xendomains starts every guest of /etc/xen/auto on every node that boots:"
        " a guest the other node runs is started twice on one disk",
        severity="error",
    ),
    Service(("httpd", "apache", "apache2"), ("heartbeat:apache",)),
    Service(("nfs", "nfsserver", "nfs-server", "nfs-kernel-server"), ("heartbeat:nfsserver",)),
)

#: The cluster stack itself: enabled at boot by design.
_STACK = frozenset({"heartbeat", "corosync", "pacemaker", "openais", "cman", "pcsd", "logd"})

#: Resource classes whose type is the name of an init script or unit.
_SERVICE_CLASSES = ("lsb", "systemd", "service", "upstart")


def _service(name: str, haresources: bool) -> Service:
    for s in SERVICES:
        if name in s.names and s.why:
            return s
    return Service((name,), why=_TWICE_HB if haresources else _TWICE)


def _in_clone(el: Any) -> bool:
    from ..formats.cib.model import _tag

    return any(_tag(a) in ("clone", "master", "master_slave") for a in el.iterancestors())


def _managed(cluster: Cluster, items: list[Loaded]) -> Iterator[tuple[str, str, Location]]:
    """``(service, how, where)`` for each service the cluster starts, read from
    ``items`` (CIBs and haresources files)."""
    from .documents import cib_doc, hacf_doc, haresources_doc

    agents = {a: s for s in SERVICES for a in s.agents}
    for item in items:
        if item.file.format == "cib":
            for prim in cib_doc(item).primitives:
                kind = (prim.rclass or "").lower()
                if kind in _SERVICE_CLASSES and prim.type and not _in_clone(prim.el):
                    name = prim.type.removesuffix(".service")
                    yield name, f"{kind}:{prim.type}", item.where(prim)
                elif kind == "ocf" and f"{prim.provider}:{prim.type}" in agents:
                    for name in agents[f"{prim.provider}:{prim.type}"].names:
                        yield name, prim.agent, item.where(prim)
            continue
        hacfs = [h for h in cluster.docs("hacf") if h.node == item.node]
        if any(hacf_doc(h).crm_enabled for h in hacfs):
            continue  # heartbeat does not read haresources then (HB016)
        for group in haresources_doc(item).groups:
            for res in group.resources:
                yield res.type, f"haresources {res.spec}", item.where(group.entries[0])


def _items(cluster: Cluster, node: str) -> list[Loaded]:
    """The CIBs and haresources files that say what ``node`` runs: its own, else
    those of the nodes of its cluster (a tree that holds only /etc)."""
    docs = [*cluster.docs("cib"), *cluster.docs("haresources")]
    own = [i for i in docs if i.node == node]
    if own:
        return own
    model = cluster.model
    return [i for i in docs if i.node and model.same_cluster(node, i.node)]


def _o2cb_verdict(cluster: Cluster, node: str) -> tuple[str, str] | None:
    """What the o2cb init script does at boot on ``node``: ``None`` when it does
    nothing (``O2CB_ENABLED`` not ``true``), else the severity and the reason."""
    from .documents import shellvars_doc as _o2cb
    from .ocfs2 import _o2cb_files

    settings = _o2cb_files(cluster).get(node)
    if settings is None or _o2cb(settings).get("O2CB_ENABLED") != "true":
        return None
    stack = _o2cb(settings).get("O2CB_STACK") or "o2cb"
    if stack == "o2cb":
        return "error", (
            "the init script loads the o2cb stack, and the o2cb agent's monitor and"
            " start then fail with 'Wrong stack' (not installed): OCFS2 does not start"
            " on this node"
        )
    return "warning", "the init script starts the OCFS2 control daemon outside the cluster"


def _drbd_verdict(cluster: Cluster, node: str) -> tuple[str, str] | None:
    """Where the drbd init script promotes a resource on ``node`` at boot
    (``become-primary-on`` this node or ``both``), the reason that says so. Still a
    warning: whether DRBD lets a node whose peer is away become primary (its disk
    Consistent, the peer unknown) depends on its fencing policy, not read here."""
    from ..cluster import short
    from .cib.guests import _drbd_resources, _effective

    for _, res in _drbd_resources(cluster, node):
        eff = _effective(cluster, res, node)
        said = eff.sections.get("startup", {}).get("become-primary-on") if eff else None
        if said and (said == "both" or short(str(said)) == short(node)):
            return "warning", (
                f"the init script promotes '{res.name}' here at boot (become-primary-on"
                f" {said}, sh-b-pri all), a primary the cluster did not choose"
            )
    return None


@rule("HB018", "cluster-service-started-at-boot", "warning", scope="cluster", hazard=True)
def cluster_service_started_at_boot(cluster: Cluster) -> Iterator[Finding]:
    """A service the cluster manages is also started by the init system at boot.

    Why it matters: the cluster manager must be the only thing that starts a service
    it manages (Clusters from Scratch; the DRBD user's guide: ``chkconfig drbd off``
    when Pacemaker runs DRBD). For a plain ``lsb:``/``systemd:``/``service:``
    primitive (not cloned) Pacemaker's probe finds the service running on every node
    that booted, reports it active on several nodes and, by ``multiple-active``'s
    default ``stop_start``, stops it everywhere and starts it on one; heartbeat 1 has
    no probe (haresources(5): a resource is a resource.d or /etc/init.d script), and
    the service runs on the standby as well, without its group's address and
    filesystem. The same holds for ocf:heartbeat:apache (its status reads the
    ``PidFile`` the init script's httpd writes) and ocf:heartbeat:nfsserver (its
    monitor runs the init script's ``status``). Some services go worse:

    * ``drbd`` with ocf:linbit:drbd: the init script (drbd-utils scripts/drbd: "You
      SHOULD NOT enable this init script when using a cluster manager such as
      Pacemaker") brings every resource up, waits for the peer (``wait-con-int``) and
      promotes where ``become-primary-on`` says (``sh-b-pri all``), outside the
      cluster (the message names the resource where it names this node or
      ``both``). (``drbddisk`` in haresources only promotes: there the init script
      must stay on, and nothing is said.)
    * ``o2cb`` with ocf:ocfs2:o2cb / ocf:pacemaker:o2cb and ``O2CB_ENABLED=true``:
      the init script loads the o2cb stack (``O2CB_STACK`` unset or ``o2cb``), and the
      agent's monitor, which its start runs first, finds "Wrong stack" and returns
      not-installed: OCFS2 never starts on that node (error). With
      ``O2CB_ENABLED`` other than true the script does nothing (o2cb.init.sh).
    * ``clvmd`` with ocf:lvm2:clvmd / ocf:heartbeat:clvm: the agent takes over a
      running clvmd ("already started"), but the init script starts it before the
      cluster's DLM, outside the cluster's order.
    * ``xendomains`` as a cluster resource: its ``start`` creates every guest of
      /etc/xen/auto that does not run on this node, so a node that boots starts the
      guests the other node runs, on the same disks (error; XN019 judges a guest the
      cluster starts by name).
    * ``iscsitarget`` (IET) as an ``lsb:`` or haresources resource. The
      iSCSITarget/iSCSILogicalUnit agents need ietd running (they call ``ietadm``):
      with them the init script stays on, and nothing is said.

    Judged on node trees that hold the init system's boot links (``S??NAME`` in
    rc.d/rcN.d, init.d/rcN.d or rcN.d for runlevels 2-5; ``NAME`` in OpenRC's
    /etc/runlevels/sysinit, boot or default, where ``rc-update add NAME default``
    links it: Gentoo, Alpine; ``NAME.service`` in
    systemd's multi-user.target.wants; an upstart job /etc/init/NAME.conf with a
    ``start on`` stanza, unless it or NAME.override says ``manual``: Ubuntu 10.04 to
    14.04, where a converted service has no rc links) or, in a sosreport or
    supportconfig, the captured ``chkconfig --list`` (on in a runlevel of 2 to 5) or
    ``systemctl list-unit-files`` (enabled; supportconfig's systemd.txt); a tree
    without them says nothing of what is enabled. The cluster
    stack itself (heartbeat, corosync, pacemaker) is meant to start at boot.

    Example: ``<primitive id="web" class="lsb" type="httpd"/>`` and a link
    /etc/rc.d/rc3.d/S85httpd.

    Fix: switch the service off at boot on every node (``chkconfig httpd off``,
    ``update-rc.d -f httpd remove``, ``systemctl disable httpd``).
    """
    for node in cluster.nodes:
        tree = cluster.tree(node) if node else None
        links = run_links(cluster, tree) if tree is not None else None
        if not links:
            continue
        once = Once()
        for name, how, where in _managed(cluster, _items(cluster, node)):
            if name in _STACK or name not in links or not once((name, where)):
                continue
            service = _service(name, how.startswith("haresources"))
            severity, why = service.severity, service.why
            if name == "o2cb":
                verdict = _o2cb_verdict(cluster, node)
                if verdict is None:
                    continue
                severity, why = verdict
            elif name == "drbd":
                severity, why = _drbd_verdict(cluster, node) or (severity, why)
            yield make(
                "HB018",
                f"{name} is started at boot by the init system ({links[name]} on"
                f" {node}) and by the cluster ({how}): {why}",
                where,
                severity=severity,
            )
