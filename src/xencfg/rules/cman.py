"""cman cluster.conf rules (RHEL 5/6 clusters): what cman refuses at start."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..cluster import Cluster, Loaded, hosts_index
from ..discover import display_path
from ..findings import Finding, Location
from ..syntax.numbers import atoi
from ..versions import CMAN_3
from . import Once, make, repeats, rule, twice
from .documents import cman_doc as _cman
from .documents import domu_doc, hostname_doc

if TYPE_CHECKING:
    from ..formats.cman import CmanDocument, CmanNode, FenceMethod


def _atoi(raw: str | None) -> int:
    """C's ``atoi``: the leading digits, 0 when there are none."""
    return atoi(raw)


@rule("CM001", "two-node-mismatch", "error", formats=("cman",))
def two_node_mismatch(item: Loaded) -> Iterator[Finding]:
    """``<cman two_node="1">`` on other than two nodes of one vote each.

    Why it matters: cman does not start: "the two-node option requires exactly two nodes
    with one vote each and expected votes of 1 (node_count=3 vote_sum=3)", reported to
    ``cman_tool join`` as "two_node set but there are more than 2 nodes" (the same check
    in RHEL 5's cman_tool join and RHEL 6's cman-preconfig.c; a node whose own
    ``votes`` is not 1 gets "two_node set but votes not set to 1"). A third dom0 added
    to a two-node cluster without removing ``two_node`` keeps the whole cluster down.
    cman reads ``two_node`` with ``atoi``: ``two_node="yes"`` is 0 and not two-node.

    Example: ``<cman two_node="1" expected_votes="1"/>`` with three ``clusternode``
    entries.

    Fix: with three nodes or more remove ``two_node`` and ``expected_votes`` (quorum is
    then a majority of the votes); with two, give each ``votes="1"``.
    """
    doc = _cman(item)
    if doc.cman is None or _atoi(doc.cman.get("two_node")) == 0:
        return
    count, total = len(doc.nodes), doc.expected_votes
    if count != 2 or total != 2:
        yield make(
            "CM001",
            f"two_node on {count} nodes with {total} votes: cman needs exactly two nodes of"
            " one vote each and refuses to start (two_node set but there are more than 2"
            " nodes)",
            item.where(doc.cman),
        )
        return
    for node in doc.nodes:
        if node.votes != 1:
            yield make(
                "CM001",
                f"node {node.name} has {node.votes} votes under two_node: cman refuses to"
                " start there (two_node set but votes not set to 1)",
                item.where(node),
            )


#: The release files of the Red Hat family in /etc: "Red Hat Enterprise Linux Server
#: release 5.4 (Tikanga)", "CentOS release 6.10 (Final)", "Oracle Linux Server release 6.9".
def red_hat_release(item: Loaded) -> int | None:
    """The major release of the Red Hat family system ``item`` belongs to, from its
    node's /etc/redhat-release (or centos-, oracle-release), its links resolved inside
    the node's tree (CentOS' redhat-release -> centos-release); ``None`` for a file of
    no node tree, or when no such file sits in the node's /etc or it names no release."""
    from ..discover import red_hat_release as release_of_tree

    tree = item.file.tree
    return release_of_tree(tree.root, tree.etc) if tree is not None else None


def cman_generation(item: Loaded) -> tuple[int | None, str]:
    """Whether ``item``'s node runs RHEL 5's cman 2 (ccsd hands out the quorate copy)
    or RHEL 6's cman 3 (each node reads its own file): 5, 6 or ``None`` when nothing
    tells, with what said so. The declared cman release (``[tool.xencfg.versions]
    cman = "3.0"``, ``--target cman=2.0``), else the node's installed cman package
    (a sosreport's installed-rpms), wins over the node's /etc/redhat-release."""
    cman = item.versions.of("cman", item.node or "")
    if cman.at_least(CMAN_3) or cman.older_than(CMAN_3):
        return (6 if cman.at_least(CMAN_3) else 5), cman.describe("cman")
    major = red_hat_release(item)
    if major in (5, 6):
        return major, f"/etc/redhat-release: release {major}"
    return None, ""


def _copies(cluster: Cluster) -> list[tuple[Loaded, CmanDocument]]:
    """One cluster.conf per node (/etc/cluster/cluster.conf, else its first cman
    file), loose files left out: the copies ccsd or ``cman_tool version -r`` keep
    in step."""
    out: list[tuple[Loaded, CmanDocument]] = []
    once = Once()
    items = sorted(
        cluster.docs("cman"),
        key=lambda i: i.file.path.parts[-2:] != ("cluster", "cluster.conf"),
    )  # /etc/cluster/cluster.conf first, before any other file that reads as cman
    for item in items:
        if item.node and once(item.node):
            out.append((item, _cman(item)))
    return out


@rule("CM002", "cluster-conf-copies-differ", "warning", scope="cluster", hazard=True)
def copies_differ(cluster: Cluster) -> Iterator[Finding]:
    """The nodes' /etc/cluster/cluster.conf copies differ: a lower ``config_version``,
    or the same ``config_version`` with other content.

    Why it matters: on RHEL 5 (cman 2.0, the release Xen dom0s run) ccsd settles it
    at start: a joining node takes the copy a quorate node broadcasts ("Remote copy
    of cluster.conf is from quorate node. Local version # : 26 Remote version #: 27
    Switching to remote copy.", ccsd's cluster_communicate), whichever of the two
    is newer, so an edit made on a node that was down is silently thrown away; with
    no quorate node it keeps the higher version. cman itself compares only the
    number: a member that sees a higher ``config_version`` re-reads its own config,
    and if it is still different the node is refused ("Node 3 refused, remote
    config version id=27, local=26", cman commands.c ``valid_transition_msg``).
    On RHEL 6 (cman 3, no ccsd) each node reads its own file: a lower version is
    refused as "Node 3 conflict, remote config version id=27, local=26" and copies
    with the same version but other content run side by side undetected, each node
    with its own fencing and services.

    Severity follows the release: a lower version is an error where the node is known
    to run cman 3 (RHEL 6), a warning where it runs RHEL 5's cman 2 (ccsd settles it
    at start, which case bites depends on start order) or where nothing tells. What
    tells: the declared cman release (``[tool.xencfg.versions] cman = "3.0"``, or
    ``--target cman=2.0``), else its installed cman package (``cman-2.0.115-34.el5``
    in a sosreport's installed-rpms), else its /etc/redhat-release (centos-release,
    oracle-release): "release 5" or "release 6". The same version with other content
    stays a warning on both (nothing refuses it).

    Example: xen03's copy says ``config_version="26"`` while xen01 and xen02 were
    given a new ``<vm>`` at ``config_version="27"``.

    Fix: edit one copy, raise ``config_version`` and push it: ``ccs_tool update
    /etc/cluster/cluster.conf`` (RHEL 5) or ``cman_tool version -r`` (RHEL 6);
    check with ``cman_tool version`` on every node.
    """
    copies = _copies(cluster)
    by_name: dict[str | None, list[tuple[Loaded, CmanDocument]]] = {}
    for item, doc in copies:
        by_name.setdefault(doc.name, []).append((item, doc))
    for group in by_name.values():
        newest = max((d.config_version or 0) for _, d in group)
        ref_item, ref = next((i, d) for i, d in group if (d.config_version or 0) == newest)
        for item, doc in group:
            version = doc.config_version or 0
            if version < newest:
                generation, why = cman_generation(item)
                if generation is None:
                    generation, why = cman_generation(ref_item)
                if generation == 6:
                    # cman 3 commands.c valid_transition_msg: re-reads its own file, then
                    # "Node N conflict, remote config version id=27, local=26", return -1
                    yield make(
                        "CM002",
                        f"config_version {version} here, {newest} on {ref_item.node}:"
                        f" cman 3 (RHEL 6, no ccsd; {why}) re-reads this node's own copy"
                        f" and refuses it (Node N conflict, remote config version"
                        f" id={newest}, local={version}): this node does not join",
                        item.where(doc.cluster),
                        [ref_item.where(ref.cluster)],
                        severity="error",
                    )
                    continue
                said = f" ({why})" if generation == 5 else ""
                yield make(
                    "CM002",
                    f"config_version {version} here, {newest} on {ref_item.node}: ccsd"
                    f"{said} replaces one copy with the quorate node's (an edit may be lost);"
                    " cman refuses a node whose version stays behind (Node N refused,"
                    f" remote config version id={newest}, local={version})",
                    item.where(doc.cluster),
                    [ref_item.where(ref.cluster)],
                )
            elif item is not ref and doc.content() != ref.content():
                yield make(
                    "CM002",
                    f"same config_version {version} as on {ref_item.node} but other"
                    " content: cman compares only the number, so the nodes run different"
                    " configurations (or ccsd silently takes the quorate node's copy)",
                    item.where(doc.cluster),
                    [ref_item.where(ref.cluster)],
                )


@rule("CM003", "two-node-with-qdisk", "warning", formats=("cman",), hazard=True)
def two_node_with_qdisk(item: Loaded) -> Iterator[Finding]:
    """``<cman two_node="1">`` together with a ``<quorumd>`` quorum disk.

    Why it matters: cman starts, but in two_node mode quorum is always 1 ("if
    (two_node) newquorum = 1;", cman commands.c ``calculate_quorum``): each node is
    quorate alone, so the quorum disk's votes and heuristics decide nothing and the
    fence race qdiskd was configured to settle still happens on a split. (cman
    does not refuse the pair: only node count and votes are checked at join, in
    cman_tool join.c / cman-preconfig.c.) Without two_node, ``expected_votes="3"``
    (one vote per node plus the disk's) makes quorum 2: only the node that keeps
    the disk's vote keeps quorum.

    Example: ``<cman two_node="1" expected_votes="1"/>`` and ``<quorumd votes="1"
    label="qdisk" .../>``.

    Fix: ``<cman two_node="0" expected_votes="3"/>`` (node votes plus the
    ``quorumd`` votes), or drop ``<quorumd>``.
    """
    doc = _cman(item)
    if doc.cman is None or doc.quorumd is None or _atoi(doc.cman.get("two_node")) == 0:
        return
    yield make(
        "CM003",
        "two_node with a quorum disk: cman fixes quorum at 1 in two_node mode, so the"
        " qdisk's votes and heuristics never decide who survives a split",
        item.where(doc.cman),
        [item.where(doc.quorumd)],
    )


def _runnable(node: CmanNode) -> list[FenceMethod]:
    """The methods fenced can run: libfence's fence_node counts
    ``method[N]/@name`` (a method without ``name`` is never found) and fails a method
    with no ``device`` (``num_devices`` 0 leaves ``error = -1``)."""
    return [m for m in node.methods if m.get("name") is not None and m.devices]


@rule("CM004", "fence-device-undefined", "error", formats=("cman",), hazard=True)
def fence_device_undefined(item: Loaded) -> Iterator[Finding]:
    """Every fence method of a node names a ``<device>`` no ``<fencedevice>`` defines.

    Why it matters: cman starts, but when the node has to be fenced, fenced's
    fence_node tries its methods in order and each fails where ``use_device`` cannot
    look up ``/cluster/fencedevices/fencedevice[@name="..."]/@agent`` (libfence
    agent.c, RHEL 5 and 6): no method succeeds, fenced logs "fence xen03 failed" and
    retries for ever, and until the node is fenced DLM, GFS and rgmanager stay
    blocked on every node, so no service is recovered. A node with a later method
    whose devices are all defined is fenced by that one and is not reported.

    Example: ``<device name="ilo-xen3"/>`` while the device is ``<fencedevice
    name="ilo-xen03" agent="fence_ilo" .../>``.

    Fix: name a defined ``fencedevice`` (or add it), then test with ``fence_node
    NODE`` during a maintenance window.
    """
    doc = _cman(item)
    defined = {f.get("name") for f in doc.fencedevices}
    known = ", ".join(sorted(n for n in defined if n)) or "none defined"
    for node in doc.nodes:
        methods = _runnable(node)
        if not methods or any(all(d.get("name") in defined for d in m.devices) for m in methods):
            continue
        for method in methods:
            for device in method.devices:
                name = device.get("name")
                if name not in defined:
                    yield make(
                        "CM004",
                        f"node {node.name}'s fence device {name!r} is not a fencedevice"
                        f" ({known}) and no other method of {node.name} works: fencing"
                        f" {node.name} always fails and recovery blocks",
                        item.where(device),
                    )


@rule("CM005", "node-without-fencing", "error", formats=("cman",), hazard=True)
def node_without_fencing(item: Loaded) -> Iterator[Finding]:
    """A ``clusternode`` has no fence method fenced can run: no ``<fence><method
    name=...>`` with a ``<device>`` in it.

    Why it matters: cman and rgmanager start, but when the node fails fenced has
    nothing to run: libfence's fence_node finds no method (it counts
    ``method[N]/@name``, so a ``<method>`` without ``name`` does not count) or only
    methods without devices, returns an error, and fenced retries for ever; DLM, GFS
    and rgmanager wait for the fence to succeed, so the failed node's services are
    never recovered and GFS stays frozen on the others. Red Hat supports no cluster
    without fencing. Under Pacemaker (RHEL 6's cman + pacemaker) every node needs the
    ``fence_pcmk`` method that hands the request to Pacemaker; without it fenced still
    retries for ever and DLM (clvmd, GFS2) blocks, though Pacemaker fences itself.

    Example: ``<clusternode name="xen03" nodeid="3" votes="1"/>`` with no
    ``<fence>`` inside, or ``<method><device name="ilo-xen03"/></method>``.

    Fix: give the node a named method with a device (``<fence><method
    name="1"><device name="ilo-xen03"/></method></fence>``); ``fence_manual`` only
    where an admin acknowledges each fence with ``fence_ack_manual``.
    """
    doc = _cman(item)
    # cman under Pacemaker (RHEL 6): fenced only redirects to Pacemaker with fence_pcmk
    pcmk = any(f.get("agent") == "fence_pcmk" for f in doc.fencedevices)
    blocked = (
        "the fence_pcmk redirect to Pacemaker is missing and DLM users (clvmd, GFS2) block"
        if pcmk
        else "rgmanager/GFS never recover"
    )
    for node in doc.nodes:
        if not _runnable(node):
            unnamed = any(m.get("name") is None and m.devices for m in node.methods)
            why = "its fence method has no name" if unnamed else "it has no fence device"
            yield make(
                "CM005",
                f"node {node.name}: {why}, so when it fails fenced cannot fence it: {blocked}",
                item.where(node),
            )


@rule("CM006", "clean-start", "warning", formats=("cman",), hazard=True)
def clean_start(item: Loaded) -> Iterator[Finding]:
    """``<fence_daemon clean_start="1">``.

    Why it matters: fenced (which reads ``/cluster/fence_daemon/@clean_start`` in
    its setup_ccs) then skips startup fencing: nodes the starting cluster cannot see
    are assumed clean instead of fenced, which fenced(8) calls safe only when the
    admin knows every such node is down or not using the shared storage. A node
    that is alive but cut off keeps writing to GFS and running its guests while the
    other side starts them too: the split brain fencing is there to prevent.

    Example: ``<fence_daemon clean_start="1" post_join_delay="3"/>``.

    Fix: ``clean_start="0"`` (the default) and a ``post_join_delay`` long enough
    for every node to join at boot (e.g. 20 seconds).
    """
    doc = _cman(item)
    fd = doc.fence_daemon
    if fd is not None and _atoi(fd.get("clean_start")) != 0:
        yield make(
            "CM006",
            "clean_start=1: fenced does no startup fencing, so a node that is alive but"
            " cut off is assumed clean",
            item.where(fd),
        )


@rule("CM007", "vm-config-missing", "warning", scope="cluster", hazard=True)
def vm_config_missing(cluster: Cluster) -> Iterator[Finding]:
    """A ``<vm>`` service of rgmanager names a Xen guest no node's xm config gives.

    Why it matters: rgmanager's vm agent (vm.sh) starts the guest with ``xm create
    --path=PATH NAME`` (RHEL 5.0-5.3, ``use_virsh="0"``, or a ``path`` other than
    /etc/xen, where it also tries NAME.xml) or ``virsh start NAME`` (the libvirt
    domain NAME, which for Xen is a config in /etc/xen whose ``name =`` is NAME, or
    a domain registered with ``xm new`` / ``virsh define``). With no file named NAME
    in ``path`` and no config whose ``name =`` is NAME on any node, the start fails
    on every node and the service ends ``failed`` unless the domain was registered
    in xend or libvirt, which no file here shows: hence a warning. Only checked
    where the nodes' guest configs were read at all, and for a ``path`` under /etc or
    one some read config lies in (a ``path="/gfs/xen"`` on the shared GFS, as Red
    Hat's guides advise, is outside a node's /etc: not known here).

    Example: ``<vm name="mail" path="/etc/xen"/>`` while the guest's file is
    /etc/xen/mail.cfg with ``name = "mail01"``.

    Fix: name the file as the service's ``name`` (and ``name =`` inside it the
    same) in a ``path`` directory on every node that may run the service.
    """
    guests = [i for fmt in ("xm", "xl") for i in cluster.docs(fmt) if i.node]
    if not guests:
        return
    files = {(g.file.path.name, str(g.file.path.parent)) for g in guests}
    domains = {str(d) for g in guests if (d := domu_doc(g).get("name")) is not None}
    for item, doc in _copies(cluster):
        for vm in doc.vms:
            name = vm.get("name")
            if not name or name in domains:
                continue
            dirs = [d.rstrip("/") for d in (vm.get("path") or "/etc/xen").split(":") if d]
            if not any(d.startswith("/etc/") or any(p.endswith(d) for _, p in files) for d in dirs):
                continue  # (a path on shared storage, as /gfs/xen, that no file read lies in)
            if any(
                f in (name, f"{name}.xml") and parent.endswith(d)
                for f, parent in files
                for d in dirs
            ):
                continue
            yield make(
                "CM007",
                f"vm {name!r}: no node has a guest config {name!r} in {':'.join(dirs)} nor"
                f" one whose name = is {name!r}: xm create / virsh start fail on every node"
                " unless the domain is registered in xend or libvirt",
                item.where(vm),
            )


@rule("CM008", "failover-domain-unknown-node", "warning", formats=("cman",))
def failover_domain_unknown_node(item: Loaded) -> Iterator[Finding]:
    """A ``failoverdomainnode`` names no ``clusternode``.

    Why it matters: rgmanager matches domain members against the cluster's node
    names exactly: fo_domain.c looks the member's nodeid up as
    ``clusternode[@name="..."]/@nodeid`` and logs "Node xen2 has no nodeid
    attribute" (nodeid -1, never a member); RHEL 5.0's node_in_domain compares
    names with strcmp. An unknown name (a typo, a short name where clusternode has
    the FQDN, another case) is never a member, so the domain runs its services on
    fewer nodes than written, and a ``restricted`` domain whose members are all
    unknown cannot run them at all.

    Example: ``<failoverdomainnode name="xen3"/>`` while the node is ``xen03``.

    Fix: spell each member exactly as its ``clusternode name``.
    """
    doc = _cman(item)
    names = {n.name for n in doc.nodes}
    for domain in doc.failoverdomains:
        for member in domain.members:
            name = member.get("name")
            if name is not None and name not in names:
                yield make(
                    "CM008",
                    f"failover domain {domain.name!r} names {name!r}, which is no"
                    " clusternode: rgmanager never places a service there",
                    item.where(member),
                )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _short(name: str) -> str:
    return name.split(".", 1)[0]


def _uname(cluster: Cluster, node: str) -> tuple[str, Location | None]:
    """``uname -n`` of a node and where its files set it: the name discovery read from
    the node's boot files (:func:`~xencfg.discover.boot_hostname`: on a RHEL 5/6 node
    HOSTNAME= of /etc/sysconfig/network, which rc.sysinit gives the kernel, before
    /etc/hostname), else a loose /etc/hostname of the run, else the node's name in this
    run (a folder's or ``--node``'s)."""
    tree = cluster.tree(node)
    if tree is not None and tree.uname is not None:
        boot = tree.uname
        return boot.name, Location(display_path(boot.path), boot.line, 1)
    for item in cluster.docs("hostname", node):
        doc = hostname_doc(item)
        if doc.name:
            return doc.name, item.where(doc.entries()[0])
    return node, None


def _matches(uname: str, name: str) -> bool:
    """cman_tool join's ``verify_nodename`` by name: exact, the uname without its
    domain, or the clusternode name without its domain (case counts: strcmp)."""
    return name in (uname, _short(uname)) or _short(name) == _short(uname)


@rule("CM009", "own-node-not-in-cluster-conf", "error", scope="cluster")
def own_node_missing(cluster: Cluster) -> Iterator[Finding]:
    """A node's cluster.conf has no ``clusternode`` that is this node.

    Why it matters: ``cman_tool join`` (``service cman start``) looks for the node
    in cluster.conf by ``uname -n``, then by uname without its domain, then by the
    clusternode names without theirs, and last by the names the node's own interface
    addresses resolve to; with none it refuses: "local node name "xen03" not found in
    cluster.conf" / "Can't find local node name in cluster.conf" (cman_tool join.c
    and cman's config.c ``verify_nodename``, RHEL 5 and 6). The node never joins.

    The host name is the one the node's boot gives the kernel: on RHEL 5 and 6
    HOSTNAME= in /etc/sysconfig/network (rc.sysinit sources it and runs ``hostname
    ${HOSTNAME}``; it never reads /etc/hostname), else /etc/hostname, else the
    node's folder name. A clusternode name that this node's /etc/hosts resolves to
    an address other nodes' host names do not have may be one of its interfaces and
    is given the benefit of the doubt, as is every node without /etc/hosts.

    Example: xen03 (HOSTNAME=xen03.lab.example.com) while cluster.conf lists
    ``xen01``, ``xen02`` and ``xen3``, and /etc/hosts has no ``xen3``.

    Fix: name the node in ``clusternode name`` as ``uname -n`` gives it (the short
    name is enough), or as a name its cluster interface resolves to.
    """
    copies = _copies(cluster)
    unames = {i.node: _uname(cluster, i.node) for i, _ in copies if i.node}
    for item, doc in copies:
        node = item.node or ""
        own = unames.get(node)
        hosts = next(iter(cluster.docs("hosts", node)), None)
        if own is None or hosts is None or not doc.nodes:
            continue
        uname, source = own
        names = [n.name for n in doc.nodes if n.name]
        if any(_matches(uname, n) for n in names):
            continue
        table = hosts_index(hosts)
        others = {
            str(a)
            for other, (u, _) in unames.items()
            if other != node
            for a in table.addresses(u) + table.addresses(_short(u))
        }
        if any(_is_ip(n) or {str(a) for a in table.addresses(n)} - others for n in names):
            continue  # may name one of this node's interfaces: cman's last try
        yield make(
            "CM009",
            f"this node is {uname} (uname -n) and no clusternode is ({', '.join(names)}):"
            f' cman refuses to start (local node name "{uname}" not found in cluster.conf)',
            item.where(doc.cluster),
            [source] if source is not None else [],
        )


@rule("CM010", "service-domain-undefined", "warning", formats=("cman",))
def service_domain_undefined(item: Loaded) -> Iterator[Finding]:
    """A ``<vm domain="...">`` or ``<service domain="...">`` names no ``<failoverdomain>``.

    Why it matters: rgmanager looks the domain up (in any case) and, not finding it,
    logs "#66: Domain 'anywere' specified for resource group vm:mail nonexistent!"
    and treats every node as the best place (fo_domain.c node_should_start): the
    guest may start or fail over to a node the intended ``restricted`` domain was
    meant to keep it off (one without its storage), and ``ordered`` priorities are
    lost. A ``<service>`` is a resource group just as a ``<vm>`` is (its agent,
    service.sh, takes the same ``domain`` parameter), looked up the same way.

    Example: ``<vm name="mail" domain="anywere" .../>`` while the domain is
    ``<failoverdomain name="anywhere" restricted="1">``; ``<service domain="cluster"
    name="web">`` where the only domain is ``myfailoverdomain``.

    Fix: name an existing failover domain (``clustat`` / ``clusvcadm`` show the
    service's placement after ``ccs_tool update``).
    """
    doc = _cman(item)
    domains = {(d.name or "").lower() for d in doc.failoverdomains}
    groups = [("vm", e) for e in doc.vms] + [("service", e) for e in doc.services]
    for kind, group in sorted(groups, key=lambda g: g[1].index):
        domain = group.get("domain")
        if domain and domain.lower() not in domains:
            yield make(
                "CM010",
                f"{kind} {group.get('name')!r} names failover domain {domain!r}, which does"
                " not exist: rgmanager places it on any node, restricted or not",
                item.where(group),
            )


#: cman's ``MAX_CLUSTER_NAME_LEN`` (cman/daemon/cnxman-socket.h, cluster 2 and 3): the
#: daemon takes a name of up to 16 bytes; its join message has 16 bytes for it.
CMAN_NAME_MAX = 16


@rule("CM011", "cluster-name-missing", "error", formats=("cman",))
def cluster_name_missing(item: Loaded) -> Iterator[Finding]:
    """``<cluster>`` has no ``name``, an empty one, or one longer than 15 bytes.

    Why it matters: cman does not start without a name. RHEL 6's cman reads the name
    before it joins (cman/daemon/cmanconfig.c ``read_cman_nodes``: "cannot find cluster
    name in config file", reported to ``cman_tool join`` as "Can't find cluster name in
    CCS"), and ccs_config_validate's cluster.rng requires the attribute. rgmanager's own
    test files (rgmanager/src/daemons/tests/*.conf in the cluster sources) leave it out
    because they never reach cman; copied to /etc/cluster they keep the node out.
    A name over 16 bytes (``MAX_CLUSTER_NAME_LEN``) is refused too: "Cluster name in
    CCS is too long" (RHEL 5, cmanccs.c), "Cannot start, cluster name is too long or
    other CCS error" (RHEL 6, cmanconfig.c ``join`` on ``cman_join_cluster``'s
    -EINVAL). A name of exactly 16 bytes starts but fills the 16-byte ``clustername``
    of cman's join message with no room for its NUL (cnxman-private.h ``cl_transmsg``,
    commands.c ``strcpy(msg->clustername, ...)``), and Red Hat's tools and manuals cap
    it at 15 (``cman_tool -c``: "maximum cluster name length is 15"; Cluster
    Administration: "The cluster name cannot exceed 15 characters"): a warning. An
    empty name starts, with cluster id 0 (``generate_cluster_id("")``) and so the
    multicast address and (no keyfile) the encryption key of any other cluster named
    "": a warning.

    Example: ``<cluster config_version="1">``, a bare ``<cluster>``, or
    ``<cluster name="xen-production-01">`` (17 bytes).

    Fix: name the cluster (``<cluster name="xen" config_version="1">``, 15 characters
    at most), the same on every node.
    """
    doc = _cman(item)
    name = doc.name
    where = item.where(doc.cluster)
    if name is None:
        yield make(
            "CM011",
            "<cluster> has no name: cman does not start (Can't find cluster name in CCS)",
            where,
        )
        return
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > CMAN_NAME_MAX:
        yield make(
            "CM011",
            f"cluster name {name!r} is {size} bytes, over cman's {CMAN_NAME_MAX}: cman does"
            " not start (Cluster name in CCS is too long); 15 at most",
            where,
        )
    elif size == CMAN_NAME_MAX:
        yield make(
            "CM011",
            f"cluster name {name!r} is 16 bytes: cman starts, but its join message holds"
            " 16 with no room for the terminator and cman_tool allows 15; 15 at most",
            where,
            severity="warning",
        )
    elif not name:
        yield make(
            "CM011",
            '<cluster name="">: cman starts with cluster id 0, the multicast address and'
            ' key of any other cluster named ""; name it (15 characters at most)',
            where,
            severity="warning",
        )


@rule("CM012", "duplicate-nodeid", "error", formats=("cman",))
def duplicate_nodeid(item: Loaded) -> Iterator[Finding]:
    """Two ``clusternode`` entries have the same ``nodeid``.

    Why it matters: cman knows a member by its node id, not its name: each node takes
    its own ``nodeid`` as its totem id (cman-preconfig.c), and cman files a member
    that joins under the id of the configured node with that id (commands.c
    ``add_ais_node`` looks it up with ``find_node_by_nodeid``). Two nodes with one id
    are one member to the cluster: the second is refused or taken for the first, and
    fencing and quorum act on the wrong node. cluster.conf(5): "The node id must be
    greater than zero and unique"; cman(5): "A node's application to join the cluster
    may be rejected if you try to set the nodeid to one that is already used";
    ``ccs_tool addnode`` refuses one ("nodeid ... already in use", editconf.c).

    Example: ``<clusternode name="node2" nodeid="1">`` beside ``<clusternode
    name="node1" nodeid="1">`` (a copied entry whose id was not changed).

    Fix: give every clusternode its own nodeid (1, 2, ...), the same on all nodes.
    """
    doc = _cman(item)
    for node, first in repeats(doc.nodes, lambda n: n.nodeid):
        yield twice(
            "CM012",
            f"nodeid {node.nodeid} is used by {node.name} and {first.name}: cman takes"
            " them for one member, so one of them cannot join",
            item,
            node,
            first,
        )
