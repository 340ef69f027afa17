"""heartbeat rules: member lists, media, timings, authkeys, ha.cf switches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from ..cluster import Cluster, Loaded, Membership, memberships, short
from ..discover import BootName
from ..findings import Finding, Location
from ..syntax.numbers import shown, written
from ..versions import DRBD_9, HEARTBEAT_ATTRD, HEARTBEAT_NO_CRM
from . import make, rule, twice
from .documents import authkeys_doc as _authkeys
from .documents import corosync_doc as _corosync
from .documents import hacf_doc as _hacf
from .documents import haresources_doc

#: Sources that list every member (DRBD and the CIB may name only some nodes).
_FULL_LISTS = ("ocfs2", "cman")


def _names(names: Iterable[object]) -> str:
    return ", ".join(str(n) for n in names) or "none"


def _hacf_anchor(item: Loaded) -> Location:
    """Where an ha.cf declares its members: the first ``node`` line, else a
    misspelt one (``nodes``), else the top of the file."""
    doc = _hacf(item)
    nodes = doc.entries("node")
    if nodes:
        return item.where(nodes[0])
    from .general import keyword_problems

    for p in keyword_problems(item):
        if p.detail == "node":
            return item.where(p.node)
    return item.where()


@rule("HB001", "node-names-differ", "error", scope="cluster")
def node_names_differ(cluster: Cluster) -> Iterator[Finding]:
    """ha.cf member lists differ between nodes, from the names DRBD, OCFS2, cman or
    the CIB use, or ha.cf declares no member at all.

    Why it matters: heartbeat, drbdadm (``on NAME``), o2cb and the CRM all
    compare these names with ``uname -n``. A node heartbeat knows as ``xen-1``
    but DRBD as ``xen1`` never gets its resources; heartbeat without any
    ``node`` line refuses to start.

    Example: ha.cf ``nodes xen-1 xen-2`` (not a directive, so no member) while
    drbd.conf has ``on xen1 { ... }`` and ``on xen2 { ... }``.

    Member lists that share no node are separate clusters (a pair of target
    boxes with its own heartbeat beside the dom0s) and are not compared.

    Without the CRM, heartbeat also checks the first word of every haresources
    line against the ``node`` lines (in any case) and refuses to start: "Bad
    nodename in /etc/ha.d//haresources [lisa]" (heartbeat 3.0.6,
    heartbeat/config.c ``parse_ha_resources``; with ``crm on`` it ignores the file).

    DRBD's ``on oak1.example.net`` beside cman's short ``clusternode name="oak1"``
    agree (cman finds itself by ``uname -n`` without its domain, cman_tool's
    ``verify_nodename``), unless a resource calls crm-fence-peer.sh: it bans the Master
    where ``#uname`` is not ``uname -n`` (drbd-utils 8.4 scripts/crm-fence-peer.sh),
    and Pacemaker on cman takes the short name, so the ban holds on every node.

    Fix: write one ``node`` line per member with the exact ``uname -n`` of
    each node, identical on every node, and use the same names everywhere.
    An ha.cf with ``autojoin other`` or ``any`` needs no ``node`` line
    (heartbeat 3.0.6 starts and lets members join), so it is not reported.
    """
    members = memberships(cluster)
    by_node: dict[str, list[Membership]] = defaultdict(list)
    for m in members:
        by_node[m.item.node or ""].append(m)
    hacfs = [m for m in members if m.source == "ha.cf"]
    # ha.cf files with no member at all: one finding with every file that names some
    for item in cluster.docs("hacf"):
        if _hacf(item).nodes:
            continue
        if (_hacf(item).autojoin or "").lower() in ("other", "any"):
            # heartbeat 3.0.6 starts with autojoin and no node line (checked with the
            # daemon): nodes join the cluster by their first heartbeat
            continue
        others = [m for m in by_node.get(item.node or "", []) if m.source != "ha.cf"]
        named = sorted({n for m in others for n in m.names})
        hint = f" while {others[0].source} names {_names(named)}" if others else ""
        yield make(
            "HB001",
            f"ha.cf declares no node{hint}: heartbeat refuses to start without members",
            _hacf_anchor(item),
            [m.where(n) for m in others for n in m.names],
        )
    # ha.cf against ha.cf: every node must list the same members (in any case:
    # heartbeat lowercases the names it reads, config.c add_node: g_strdown)
    reference: dict[frozenset[str], Membership] = {}
    for m in sorted(hacfs, key=lambda m: (m.item.node or "", m.item.file.display)):
        key = frozenset(n.lower() for n in m.names)
        # lists that share no node (and whose files sit on none of each other's nodes)
        # are separate clusters, e.g. a target pair with its own heartbeat
        same = [r for k, r in reference.items() if _one_cluster(k, r, key, m)]
        if same and key not in reference:
            first = same[0]
            yield make(
                "HB001",
                f"ha.cf on {m.item.node or m.item.file.display} lists {_names(sorted(key))} but "
                f"on {first.item.node or first.item.file.display} "
                f"{_names(sorted(first.names))}",
                m.where(m.names[0]),
                [first.where(first.names[0])],
            )
        reference.setdefault(key, m)
    # other files against the member list of their node (or of the cluster); an
    # ha.cf name matches in any case (heartbeat lowercases it, and drbdadm and
    # the CRM get lowercased names from heartbeat or match uname -n in any case)
    all_ha = {n.lower() for m in hacfs for n in m.names}
    # each node's ha.cf lists and full member lists, once (not once per membership:
    # a node of 2,000 DRBD resources has 2,000 memberships)
    own_hacfs = {k: [h for h in ms if h.source == "ha.cf"] for k, ms in by_node.items()}
    own_full = {k: [f for f in ms if f.source in _FULL_LISTS] for k, ms in by_node.items()}
    known_of: dict[tuple[str, bool], set[str]] = {}
    # one finding per mistake: the same names missing from the same list, from every
    # file of a node (an FQDN in ha.cf against each of drbd.d's files), were one each
    folded: dict[tuple[str, tuple[Location, ...]], list[Location]] = {}
    for m in members:
        if m.source == "ha.cf":
            continue
        node = m.item.node or ""
        own = own_hacfs.get(node, [])
        refs = own or (hacfs if not m.item.node else [])
        if refs:
            if (node, True) not in known_of:
                known_of[node, True] = {n.lower() for h in refs for n in h.names}
            known = known_of[node, True]
        elif not m.item.node and all_ha:
            refs, known = hacfs, all_ha
        else:
            # (a membership from a full list is never checked against the full lists)
            full = own_full.get(node, [])
            if not full or m.source in _FULL_LISTS:
                continue
            if (node, False) not in known_of:
                known_of[node, False] = {n for f in full for n in f.names}
            refs, known = full, known_of[node, False]
        fold = refs[0].source == "ha.cf"
        if fold and m.source == "drbd" and not _drbd_folds(m.item):
            # drbdadm 8.x takes an ``on`` section only for exactly ``uname -n`` (8.4
            # ignores ``on BETA`` on host beta; drbd-utils 9 compares in any case):
            # the name as ha.cf writes it, or a node's own name heartbeat knows
            exact = {n for r in refs for n in r.names}
            unames = {n for n in cluster.nodes if n and n.lower() in known}
            missing = [n for n in m.names if n not in exact | unames]
        else:
            missing = [n for n in m.names if (n.lower() if fold else n) not in known]
        why = ""
        if missing and refs[0].source == "cman" and m.source == "drbd":
            # cman finds itself by uname -n without its domain (cman_tool verify_nodename)
            # and drbdadm by uname -n: FQDN ``on`` sections beside short clusternode
            # names agree, unless crm-fence-peer.sh bans by uname -n (below)
            if not _fences_by_uname(cluster, node):
                missing = [n for n in missing if short(n) not in {k.lower() for k in known}]
            else:
                why = (
                    ": crm-fence-peer.sh bans the Master where #uname is not uname -n, and"
                    " Pacemaker on cman names the nodes by cluster.conf"
                )
        if not missing:
            continue
        ref_src = refs[0].source
        listed = sorted({n for r in refs for n in r.names})
        message = (
            f"{m.source} names node(s) {_names(missing)} that {ref_src} does not declare "
            f"({ref_src} has {_names(listed)}){why}"
        )
        ref_places = tuple(r.where(r.names[0]) for r in refs)
        folded.setdefault((message, ref_places), []).append(m.where(missing[0]))
    for (message, ref_places), places in folded.items():
        yield make("HB001", message, places[0], [*places[1:], *ref_places])
    yield from _haresources_nodes(cluster)


def _haresources_nodes(cluster: Cluster) -> Iterator[Finding]:
    """haresources lines whose node the same node's ha.cf does not declare, where
    heartbeat reads haresources (the CRM off)."""
    for item in cluster.docs("haresources"):
        hacfs = [h for h in cluster.docs("hacf") if h.node == item.node]
        if len(hacfs) != 1:
            continue  # (which ha.cf heartbeat reads with it is not known)
        hacf = _hacf(hacfs[0])
        if hacf.crm_enabled or (hacf.autojoin or "").lower() in ("other", "any") or not hacf.nodes:
            continue
        known = {n.lower() for n in hacf.nodes}
        lines: dict[str, list[Location]] = {}  # (a name on many lines: one finding)
        doc = haresources_doc(item)
        for group in doc.groups:
            if group.node and group.node.lower() not in known and doc.start_checked(group):
                lines.setdefault(group.node, []).append(item.where(group.entries[0]))
        for name, places in lines.items():
            yield make(
                "HB001",
                f"haresources names node {name}, which ha.cf does not declare "
                f"({_names(hacf.nodes)}): heartbeat refuses to start",
                places[0],
                [*places[1:], hacfs[0].where(hacf.entry("node"))],
            )


def _fences_by_uname(cluster: Cluster, node: str) -> bool:
    """Whether a DRBD resource of ``node`` calls crm-fence-peer.sh, whose constraint names
    the node by ``uname -n`` (drbd-utils 8.4's scripts/crm-fence-peer.sh:
    ``HOSTNAME=$(uname -n)``, then ``#uname ne $HOSTNAME``): with Pacemaker's name from
    cman's short clusternode name that bans the Master everywhere."""
    from .cib.guests import _drbd_resources, _effective

    for _, res in _drbd_resources(cluster, node):
        for host in res.hosts:
            eff = _effective(cluster, res, host)
            handler = eff.sections.get("handlers", {}).get("fence-peer") if eff else None
            if handler and "crm-fence-peer" in str(handler):
                return True
    return False


def _drbd_folds(item: Loaded) -> bool:
    """Whether the drbdadm in force matches ``on`` names in any case (drbd-utils 9)."""
    return item.versions.of("drbd", item.node or "").at_least(DRBD_9)


def _one_cluster(a: frozenset[str], ma: Membership, b: frozenset[str], mb: Membership) -> bool:
    """Whether two ha.cf member lists describe one cluster (they share a node, or one
    file sits on a node the other lists)."""
    sa, sb = {short(n) for n in a}, {short(n) for n in b}
    return bool(
        sa & sb
        or (ma.item.node and short(ma.item.node) in sb)
        or (mb.item.node and short(mb.item.node) in sa)
    )


def _boot_name(item: Loaded) -> BootName | None:
    """The node's ``uname -n`` as its boot files set it (discovery's, see
    :func:`~xencfg.discover.boot_hostname`), when the node is named by it (not by a
    folder, nor by ``--node NAME=PATH``, which names the tree whatever its files say)."""
    tree = item.file.tree
    boot = tree.uname if tree is not None else None
    if boot is None or item.node is None or boot.short.lower() != item.node.lower():
        return None
    return boot


@rule("HB002", "own-node-not-member", "error", formats=("hacf",))
def own_node_not_member(item: Loaded) -> Iterator[Finding]:
    """A node's ha.cf does not list the node itself (its ``uname -n``).

    Why it matters: heartbeat looks itself up in the ``node`` lines by
    ``uname -n`` and refuses to start when it is not there ("current node
    is not in the configuration").

    Example: /etc/hostname ``xen1`` with ``node xen-1 xen-2``.

    With ``autojoin any`` heartbeat adds itself instead ("Current node [%s] added to
    configuration.", config.c: ``rtjoinconfig == HB_JOIN_ANY``; `peer-heartbeat` starts
    such a node, with the CRM on); ``autojoin other`` still refuses. An FQDN in
    /etc/hostname is ``uname -n`` as written, so ``node xen1.example.net`` matches it
    (HS002 judges such a name against short cluster names).

    Fix: name the node exactly as ``uname -n`` prints it. The check runs only
    when the node's name comes from the files its boot sets ``uname -n`` from:
    etc/hostname, SUSE's etc/HOSTNAME (whose boot scripts set its short name) or
    RHEL 5/6's HOSTNAME= in etc/sysconfig/network (as written: HS002 judges an FQDN
    there against short cluster names too).
    """
    doc = _hacf(item)
    nodes = doc.nodes
    boot = _boot_name(item)
    if not nodes or item.node is None or boot is None:
        return
    if (doc.autojoin or "").lower() == "any":
        return
    # heartbeat lowercases both (config.c add_node, its own uname -n); an FQDN in
    # /etc/hostname is uname -n as written (HS002 judges it against short names)
    unames = {item.node.lower(), boot.name.lower()}
    if unames & {n.lower() for n in nodes}:
        return
    yield make(
        "HB002",
        f"this node '{item.node}' ({boot.file}) is not among ha.cf's nodes {_names(nodes)}",
        _hacf_anchor(item),
    )


@rule("HB003", "single-comm-path", "warning", formats=("hacf",), hazard=True)
def single_comm_path(item: Loaded) -> Iterator[Finding]:
    """ha.cf has no communication path, or all of them use one interface.

    Why it matters: when the only link fails (a NIC, a cable, a switch), each
    node thinks the other is dead and takes over its resources: split brain,
    with both nodes writing the same DRBD or SAN disks.

    Example: ``bcast eth0`` as the only medium.

    Fix: add a second, independent path (``ucast eth1 PEER`` on the
    replication link, or ``serial /dev/ttyS0``).
    """
    media = _hacf(item).comm_paths
    devices = {d for m in media for d in m.devices}
    if len(devices) >= 2:
        return
    if not media:
        yield make(
            "HB003",
            "no communication path (bcast/mcast/ucast/serial): heartbeat cannot reach any peer",
            item.where(),
        )
        return
    first = media[0]
    where = item.where(first.node)
    related = [item.where(m.node) for m in media[1:]]
    yield make(
        "HB003",
        f"only one communication path ({first.kind} {_names(sorted(devices))}):"
        " one failed link splits the cluster",
        where,
        related,
    )


def _timing(item: Loaded, kind: str, code: str) -> Iterator[Finding]:
    doc = _hacf(item)
    keepalive = doc.entry("keepalive")
    deadtime = doc.entry("deadtime")
    for p in doc.timing_problems():
        if p.kind != kind:
            continue
        related = [
            item.where(e) for e in (keepalive, deadtime) if e is not None and e is not p.node
        ]
        yield make(code, p.message, item.where(p.node), related)


@rule("HB004", "deadtime-too-short", "error", formats=("hacf",), hazard=True)
def deadtime_too_short(item: Loaded) -> Iterator[Finding]:
    """deadtime (or deadping) is not more than twice keepalive (heartbeat's defaults:
    1 s and 30 s), or initdead is smaller than deadtime.

    Why it matters: heartbeat refuses to start ("Dead time is too small
    compared to keeplive", "Ping dead time [3000] is too small compared to keeplive
    [2000]", "Initial dead time [10000] is smaller than deadtime [30000]": config.c
    init_config); even a little over, one lost packet declares a healthy node dead
    and triggers a fail-over.

    Example: ``keepalive 2`` with ``deadtime 3``.

    Fix: keep deadtime well above keepalive, e.g. ``keepalive 2``,
    ``deadtime 30``.
    """
    yield from _timing(item, "deadtime", "HB004")


@rule("HB005", "timing-order", "warning", formats=("hacf",), hazard=True)
def timing_order(item: Loaded) -> Iterator[Finding]:
    """warntime is not between keepalive and deadtime, or initdead is less than
    twice deadtime.

    Why it matters: a warntime outside that range never warns before a node is
    declared dead; an initdead close to deadtime declares a booting peer dead
    while its network and switches are still coming up, so the first node
    starts every resource alone.

    Example: ``initdead 50`` with ``deadtime 50``.

    Fix: ``keepalive < warntime < deadtime`` and ``initdead >= 2 * deadtime``
    (e.g. 2, 10, 30, 60).
    """
    yield from _timing(item, "order", "HB005")


@rule("HB006", "authkeys-mode", "error", formats=("authkeys",))
def authkeys_mode(item: Loaded) -> Iterator[Finding]:
    """authkeys is readable or writable by group or others.

    Why it matters: heartbeat refuses to start ("Bad permissions on
    keyfile"), and anyone who can read the key can forge cluster messages
    (fence or take over nodes).

    Example: ``-rw-r--r-- /etc/ha.d/authkeys``.

    Fix: ``chmod 600 /etc/ha.d/authkeys``. Not checked where modes say nothing
    about the deployed file: in a git checkout (etckeeper, which restores modes,
    excepted, as git records only 0644 and 0755), or a read-only copy (an archive
    or a shared mount keeps the files, not their deployed modes).
    """
    doc = _authkeys(item)
    if doc.mode is None or doc.mode_ok:
        return
    yield make(
        "HB006",
        f"authkeys mode {doc.mode & 0o777:04o}: heartbeat refuses a key file open to group"
        " or others (chmod 600)",
        item.where(),
    )


@rule("HB007", "authkeys-weak-key", "warning", formats=("authkeys",), hazard=True)
def authkeys_weak_key(item: Loaded) -> Iterator[Finding]:
    """An md5/sha1 key that is a published placeholder, a hash of one, or shorter
    than 16 characters.

    Why it matters: anyone who read the same tutorial can sign heartbeat
    packets and make your nodes fence each other or give up resources.
    heartbeat itself accepts any key (3.0.6 starts with ``1 sha1 abc``), so
    this is a warning about an attacker on the heartbeat network, not an error.

    Example: ``1 sha1 SomeLongStringWithRandomChars`` or the sha1sum of
    ``yoursecretpassword``.

    Fix: ``dd if=/dev/urandom bs=512 count=1 | sha1sum`` and copy the same
    file to every node. (The message never shows the key.)
    """
    for e in _authkeys(item).weak_lines():
        why = "short" if e.secret and len(e.secret) < 16 else "a published placeholder or its hash"
        yield make(
            "HB007", f"method-id {written(e.key)} ({e.method}): the key is {why}", item.where(e)
        )


@rule("HB008", "authkeys-crc", "warning", formats=("authkeys",), hazard=True)
def authkeys_crc(item: Loaded) -> Iterator[Finding]:
    """authkeys signs with ``crc``: a checksum, no secret.

    Why it matters: heartbeat accepts ``crc`` (3.0.6 starts with it, and the
    authkeys man page offers it for networks that are already secure: a
    crossover cable, a serial line). On any network another host can reach,
    anyone there can forge heartbeat messages and make the nodes fence each
    other or give up their resources: a hazard, hence a warning, not an error.

    Example: ``auth 1`` / ``1 crc``.

    Fix: ``1 sha1 RANDOMKEY`` with a random key.
    """
    doc = _authkeys(item)
    active = doc.active
    if active is not None and doc.uses_crc:
        line = doc.key_line(active.index)
        yield make(
            "HB008",
            f"auth {active.index} selects crc: no authentication (safe only on a private link;"
            " anyone who can reach the heartbeat network can forge messages)",
            item.where(doc.entry("auth")),
            [item.where(line)] if line is not None else [],
        )


@rule("HB009", "authkeys-missing-index", "error", formats=("authkeys",))
def authkeys_missing_index(item: Loaded) -> Iterator[Finding]:
    """``auth N`` names a method-id that has no usable line.

    Why it matters: heartbeat refuses to start ("auth key [N] not found").

    Example: ``auth 2`` with only ``1 sha1 ...``.

    Fix: point ``auth`` at an existing method-id.
    """
    doc = _authkeys(item)
    selected = doc.selected
    if doc.missing_selected and selected is not None:
        listed = sorted(doc.methods)
        yield make(
            "HB009",
            f"auth {shown(selected)} names no usable method-id (listed: {_names(listed)})",
            item.where(doc.entries("auth")[-1]),
        )


def _digest(method: str, secret: str | None) -> str:
    """What two nodes must share: the method and its key (a dictionary key only, never
    shown; no hash of it, which cost every lint hashlib's import)."""
    return f"{method}\0{secret or ''}"


@rule("HB010", "authkeys-differ", "error", scope="cluster", hazard=True)
def authkeys_differ(cluster: Cluster) -> Iterator[Finding]:
    """A node signs with a method-id and key another node's authkeys lacks.

    Why it matters: heartbeat drops every packet it cannot verify, so the
    nodes never see each other and both start all resources.

    Example: ``1 sha1 KEY-A`` on one node, ``1 sha1 KEY-B`` on the other.

    Nodes of separate heartbeat clusters (node lists that share no node) are
    not compared.

    Fix: copy one authkeys to every node. (Keys are compared, never shown.)
    """
    nodes: dict[str, Loaded] = {}
    for item in cluster.docs("authkeys"):
        if item.node is not None:
            nodes.setdefault(item.node, item)
    if len(nodes) < 2:
        return
    holders: dict[tuple[int, str], set[str]] = defaultdict(set)
    for node, item in nodes.items():
        for index, m in _authkeys(item).methods.items():
            holders[(index, _digest(m.method, m.secret))].add(node)
    for node, item in sorted(nodes.items()):
        doc = _authkeys(item)
        active = doc.active
        if active is None:
            continue
        have = holders[(active.index, _digest(active.method, active.secret))]
        # another heartbeat cluster (a target pair beside the dom0s) has its own keys
        model = cluster.model
        lacking = sorted(n for n in set(nodes) - have if model.same_cluster(node, n))
        if not lacking:
            continue
        yield make(
            "HB010",
            f"{node} signs with method-id {active.index} ({active.method}) but the authkeys of "
            f"{_names(lacking)} has another key or none for it",
            item.where(doc.key_line(active.index)),
            [nodes[n].where() for n in lacking],
        )


@rule("HB011", "auto-failback-ignored", "warning", formats=("hacf",))
def auto_failback_ignored(item: Loaded) -> Iterator[Finding]:
    """``auto_failback`` is set while the CRM (``crm on``/``pacemaker``) manages
    resources.

    Why it matters: auto_failback only drives haresources (v1). With a CIB
    it has no effect; resource stickiness decides whether resources move
    back, so the line promises a behaviour the cluster does not have.

    Example: ``crm true`` and ``auto_failback off``.

    Fix: remove the line and set ``default-resource-stickiness`` in the CIB.
    """
    doc = _hacf(item)
    entry = doc.entry("auto_failback")
    if entry is None or not doc.crm_enabled:
        return
    switch = doc.entry("pacemaker") or doc.entry("crm")
    if switch is None:
        return  # (crm_enabled reads one of them)
    yield make(
        "HB011",
        f"auto_failback {entry.values[0] if entry.values else ''} has no effect with"
        f" {switch.key} {switch.values[0] if switch.values else ''}:"
        " the CIB's resource stickiness decides",
        item.where(entry),
        [item.where(switch)],
    )


@rule("HB015", "auto-failback-unset", "warning", formats=("hacf",))
def auto_failback_unset(item: Loaded) -> Iterator[Finding]:
    """An ha.cf without the CRM has no ``auto_failback`` line.

    Why it matters: heartbeat then runs ``auto_failback legacy`` (the default of
    config.c's directive table), which it calls deprecated: it logs "Deprecated
    'legacy' auto_failback option selected. Please convert to 'auto_failback on'"
    at every start (heartbeat 3.0.6, checked with the daemon), and its own advice is
    that ipfail and ``hb_standby`` work only once converted (set_nice_failback).
    Whether resources move back to their home node after it returns is then left to
    a default nobody chose. (A line that says ``legacy`` is XC005's; ``nice_failback``
    is XC004's.)

    Example: a heartbeat 1 pair whose ha.cf has ``node``, ``bcast`` and timing lines
    and no ``auto_failback``.

    Fix: write ``auto_failback on`` (fail back, as legacy does) or
    ``auto_failback off`` (stay where the resources run).
    """
    doc = _hacf(item)
    if doc.crm_enabled or doc.entry("auto_failback") is not None:
        return
    nodes = doc.entries("node")
    if doc.entry("nice_failback") is not None or not nodes:
        return
    yield make(
        "HB015",
        "no auto_failback: heartbeat runs the deprecated 'auto_failback legacy' and warns"
        " of it at every start (ipfail and hb_standby want 'on' or 'off'): write"
        " 'auto_failback on' (fail back, as legacy does) or 'off'",
        item.where(nodes[0]),
    )


@rule("HB016", "haresources-ignored", "warning", scope="cluster")
def haresources_ignored(cluster: Cluster) -> Iterator[Finding]:
    """A node's haresources lists resource groups while its ha.cf turns the CRM on.

    Why it matters: with ``crm on``/``respawn`` (or ``pacemaker on``) heartbeat does
    not manage resources itself and never reads haresources; it logs "File
    /etc/ha.d//haresources exists. This file is not used because pacemaker is enabled"
    at every start (heartbeat 3.0.6 config.c set_pcmk_support, also for an empty
    file; checked with the daemon). The groups in it never run: an administrator who
    adds a service there, or a failover that relies on one, gets nothing.

    Example: ``crm yes`` in ha.cf and ``xen1 IPaddr::10.0.0.50 drbddisk::r0`` in
    haresources.

    Fix: put the groups in the CIB (``xencfg migrate`` writes them as Pacemaker
    resources) and remove haresources, or turn the CRM off.
    """
    for item in cluster.docs("haresources"):
        hacfs = [h for h in cluster.docs("hacf") if h.node == item.node]
        if item.node is None or len(hacfs) != 1 or not _hacf(hacfs[0]).crm_enabled:
            continue
        groups = haresources_doc(item).groups
        if not groups:
            continue
        doc = _hacf(hacfs[0])
        switch = doc.entry("pacemaker") or doc.entry("crm")
        yield make(
            "HB016",
            f"heartbeat does not read haresources while {_switch_words(switch)} turns the"
            f" CRM on: its {len(groups)} resource group(s) never run (put them in the CIB)",
            item.where(groups[0].entries[0]),
            [hacfs[0].where(switch)] if switch is not None else [],
        )


def _switch_words(switch: Any) -> str:
    if switch is None:
        return "ha.cf"
    words = f"{switch.key} {switch.values[0] if switch.values else ''}".strip()
    return f"'{words}'"


#: API clients the CRM switch authorises only from some release on: heartbeat 2.1's
#: set_release2mode added ``attrd`` and ``pingd`` (r2auto_dirs), heartbeat 3's
#: set_pcmk_support ``stonith-ng`` (config.c lines 2696-2705).
_CRM_CLIENTS_SINCE = {
    "attrd": HEARTBEAT_ATTRD,
    "pingd": HEARTBEAT_ATTRD,
    "stonith-ng": HEARTBEAT_NO_CRM,
}


@rule("HB012", "apiauth-refused", "error", formats=("hacf",))
def apiauth_refused(item: Loaded) -> Iterator[Finding]:
    """Two ``apiauth`` lines for one client, or one for a client the CRM authorises.

    Why it matters: heartbeat does not start: "Duplicate apiauth directive for API
    client crmd: [crmd uid=hacluster]" / "Invalid apiauth directive [...]" (config.c
    its apiauth parser; heartbeat 3.0.6 checked with ``peer-heartbeat``). With
    ``crm on`` or ``crm respawn`` heartbeat adds ``apiauth`` for cib, stonithd and crmd
    itself (attrd and pingd from 2.1 on: config.c set_release2mode; stonith-ng in
    heartbeat 3: set_pcmk_support), in whichever order the lines come, so a line copied
    from an old heartbeat 2 how-to breaks the start. heartbeat 3.0.6 refuses ``apiauth
    cib``, ``crmd``, ``attrd``, ``pingd``, ``stonithd`` and ``stonith-ng`` beside ``crm
    on`` (also ``valgrind`` and ``ccm-only``), only ``cib`` and ``crmd`` beside ``crm
    minimal`` or ``manual`` (config.c lines 2696-2705 and 2768), and takes ``apiauth
    cib`` without the CRM.

    Example: ``crm respawn`` and ``apiauth crmd uid=hacluster``; or ``apiauth evms
    uid=hacluster`` twice.

    Fix: remove the line (the CRM's own authorisation is the one in force); merge two
    lines for a client into one (``uid=hacluster,root``).
    """
    doc = _hacf(item)
    hb = item.versions.of("heartbeat", item.node)
    own = set(doc.crm_api_clients)
    if hb.older_than(HEARTBEAT_NO_CRM) and doc.crm not in ("on", "respawn"):
        own = set()  # (heartbeat 2's modes other than on/respawn: not known here)
    own -= {c for c, since in _CRM_CLIENTS_SINCE.items() if hb.older_than(since)}
    crm = bool(own)
    seen: dict[str, object] = {}
    for e in doc.entries("apiauth"):
        if not e.values:
            continue  # (XC005: an empty apiauth)
        client = e.values[0]
        first = seen.setdefault(client, e)
        if first is not e:
            yield twice(
                "HB012",
                f"a second apiauth for {client}: heartbeat refuses to start (Duplicate"
                " apiauth directive)",
                item,
                e,
                first,
            )
        elif crm and client in own:
            switch = doc.entry("pacemaker") or doc.entry("crm")
            yield make(
                "HB012",
                f"apiauth {client} while {switch.key if switch else 'crm'} authorises"
                f" {client} itself: heartbeat refuses to start (Duplicate apiauth directive)",
                item.where(e),
                [item.where(switch)] if switch is not None else [],
            )


@rule("HB013", "haresources-differ", "error", scope="cluster", hazard=True)
def haresources_differ(cluster: Cluster) -> Iterator[Finding]:
    """haresources gives a resource group another preferred node, or a group more or
    less, on one node than on another.

    Why it matters: without the CRM each node's ResourceManager acts on its own copy
    (heartbeat's documentation: haresources must be the same on every node). At start
    each node takes the groups its copy gives it, so a group both copies give to
    their own node is started twice (a DRBD resource made primary twice, a guest on
    shared storage run on both nodes); a group one copy lacks is never taken over
    when its node dies.

    Example: castor's copy ``castor drbddisk::vm_mail Xen::/etc/xen/mail``, pollux's
    ``pollux drbddisk::vm_mail Xen::/etc/xen/mail``.

    Groups are compared by their resources and node, not by line order, spacing or
    continuation lines; nodes whose ha.cf turns the CRM on (which never reads
    haresources) and nodes of separate heartbeat clusters are not compared.

    Fix: copy one haresources to every node.
    """
    copies: dict[str, tuple[Loaded, dict[tuple[str, ...], Any]]] = {}
    for item in cluster.docs("haresources"):
        hacfs = [h for h in cluster.docs("hacf") if h.node == item.node]
        if item.node is None or len(hacfs) != 1 or _hacf(hacfs[0]).crm_enabled:
            continue
        groups = {tuple(r.spec for r in g.resources): g for g in haresources_doc(item).groups}
        copies.setdefault(item.node, (item, groups))
    if len(copies) < 2:
        return
    model = cluster.model
    ref = sorted(copies)[0]
    ref_item, ref_groups = copies[ref]
    for node in sorted(copies)[1:]:
        if not model.same_cluster(ref, node):
            continue
        item, groups = copies[node]
        for key, g in groups.items():
            other = ref_groups.get(key)
            what = " ".join(key)
            if other is None:
                why = f"the group '{what}' ({g.node}) is not in {ref}'s copy"
            elif other.node.lower() != g.node.lower():
                why = f"'{what}' prefers {g.node} here and {other.node} in {ref}'s copy"
            else:
                continue
            related = [ref_item.where(other.entries[0])] if other is not None else []
            yield make("HB013", f"haresources of {node} differs: {why}", item.where(g.entries[0]),
                       related or [ref_item.where()])  # fmt: skip
        for key, other in ref_groups.items():
            if key not in groups:
                yield make(
                    "HB013",
                    f"haresources of {node} lacks the group '{' '.join(key)}' ({other.node}) "
                    f"of {ref}'s copy: {node} never takes it over",
                    item.where(),
                    [ref_item.where(other.entries[0])],
                )


#: The messaging layer a node's files say it runs: heartbeat (ha.cf), corosync
#: (corosync.conf) or cman (cluster/cluster.conf, which starts corosync itself).
_STACK_FORMATS = {"hacf": "heartbeat", "corosync": "corosync", "cman": "cman"}


def _stacks(cluster: Cluster) -> dict[str, tuple[str, Loaded]]:
    """short node name -> (its one stack, the file that shows it), for the node trees
    whose files show one stack only: a node with both ha.cf and corosync.conf (the new
    packages installed, or Debian's default corosync.conf beside heartbeat) is not
    judged, the files cannot say which one it starts."""
    out: dict[str, tuple[str, Loaded]] = {}
    for node in cluster.nodes:
        if not node:
            continue
        found = [
            (stack, item)
            for fmt, stack in _STACK_FORMATS.items()
            if (item := cluster.first(fmt, node)) is not None
        ]
        kinds = {"heartbeat" if s == "heartbeat" else "totem" for s, _ in found}
        if len(kinds) == 1:
            out[short(node)] = found[0]
    return out


def _named_members(cluster: Cluster, item: Loaded) -> list[tuple[str, object]]:
    """(short name, the object naming it) of the members a corosync.conf or cman
    cluster.conf lists, as membership.py reads them for the CRM."""
    from ..membership import listed_by

    return [(key, obj) for key, (_, obj) in listed_by(cluster, item).items()]


@rule("HB014", "mixed-cluster-stacks", "error", scope="cluster", hazard=True)
def mixed_cluster_stacks(cluster: Cluster) -> Iterator[Finding]:
    """Nodes of one cluster run different messaging layers: heartbeat on some (ha.cf,
    no corosync.conf or cman cluster.conf), corosync or cman on others (no ha.cf),
    while one's member list names the other.

    Why it matters: heartbeat and corosync (cman starts corosync too) speak different
    protocols on the wire: a heartbeat node never sees a corosync node as alive, nor
    the reverse. Each side forms its own membership, counts the other as lost and,
    with quorum or fencing of its own, starts or fences the other side's resources:
    split brain. Pacemaker's upgrade guide (Pacemaker Explained, "Upgrading Cluster
    Software") allows a rolling, node-by-node upgrade only when the restarted node
    runs "the same type of cluster stack (Corosync or Heartbeat) that the rest of the
    cluster is using"; changing the stack is done with the whole cluster shut down
    (or detached and reattached), never one node at a time. A rolling upgrade that
    keeps the stack (nodes on different Pacemaker or heartbeat releases) is not
    judged, nor a node whose files show both stacks (the new one installed beside
    the old, ahead of the switch), nor separate clusters that do not name each other.
    cman and corosync 2 or later count as two stacks as well: cman runs on corosync
    1.x, and "Corosync 2.x is NOT compatible with previous versions of Corosync
    (1.3/1.4)" (corosync 2.0.0 release notes); a corosync.conf with a ``nodelist`` is
    2.0 or later.

    Example: xen2's and xen3's ha.cf say ``node xen1 xen2 xen3`` and ``crm respawn``,
    while xen1 has /etc/corosync/corosync.conf with ``service { name: pacemaker }``
    and no ha.cf left: it was moved to corosync ahead of the others.

    Fix: stop the cluster on every node and start them all on one stack (``xencfg
    migrate`` writes the corosync.conf for every node), or keep the node on heartbeat
    until the whole cluster moves.
    """
    yield from _cman_and_corosync2(cluster)
    stacks = _stacks(cluster)
    kinds = {s for s, _ in stacks.values()}
    if "heartbeat" not in kinds or not kinds - {"heartbeat"}:
        return  # (one stack, or none)
    reported: set[tuple[str, str]] = set()
    for me, (stack, item) in sorted(stacks.items()):
        if stack != "heartbeat":
            continue
        names, anchors = declared_nodes_of(item)
        for name in names:
            peer = stacks.get(short(name))
            if peer is None or peer[0] == "heartbeat":
                continue
            reported.add((me, short(name)))
            yield make(
                "HB014",
                f"ha.cf of {me} names {name} as a member, but {name} runs {peer[0]} "
                f"(its {peer[1].file.display}, no ha.cf): heartbeat and {peer[0]} nodes "
                "never see each other, each side forms a cluster of its own",
                item.where(anchors.get(name)),
                [peer[1].where()],
            )
    for me, (stack, item) in sorted(stacks.items()):
        if stack == "heartbeat":
            continue
        for peer_name, obj in _named_members(cluster, item):
            peer = stacks.get(peer_name)
            if peer is None or peer[0] != "heartbeat" or (peer_name, me) in reported:
                continue
            reported.add((peer_name, me))
            yield make(
                "HB014",
                f"{item.file.display.rsplit('/', 1)[-1]} of {me} names {peer_name} as a "
                f"member, but {peer_name} runs heartbeat (its {peer[1].file.display}, no "
                f"corosync.conf or cman cluster.conf): {stack} and heartbeat nodes never "
                "see each other, each side forms a cluster of its own",
                item.where(obj),
                [peer[1].where()],
            )


def _cman_and_corosync2(cluster: Cluster) -> Iterator[Finding]:
    """HB014 between cman and corosync 2 or later: cman runs only on corosync 1.x (it
    was dropped with corosync 2.0), and "Corosync 2.x is NOT compatible with previous
    versions of Corosync (1.3/1.4)" on the wire (corosync 2.0.0 release notes: "upgrade
    all nodes at once"). A corosync.conf with a ``nodelist`` is 2.0 or later (1.x had
    none). Nodes with both files, or an ha.cf, are not judged here."""
    flavour: dict[str, tuple[str, Loaded]] = {}
    for node in cluster.nodes:
        if not node or cluster.first("hacf", node) is not None:
            continue
        cman = cluster.first("cman", node)
        coro = cluster.first("corosync", node)
        if cman is not None and coro is None:
            flavour[short(node)] = ("cman", cman)
        elif coro is not None and cman is None and _corosync(coro).nodes:
            flavour[short(node)] = ("corosync 2 or later", coro)
    if len({f for f, _ in flavour.values()}) < 2:
        return
    reported: set[frozenset[str]] = set()
    for me, (mine, item) in sorted(flavour.items()):
        for peer_name, obj in _named_members(cluster, item):
            peer = flavour.get(peer_name)
            if peer is None or peer[0] == mine or frozenset((me, peer_name)) in reported:
                continue
            reported.add(frozenset((me, peer_name)))
            yield make(
                "HB014",
                f"{item.file.display.rsplit('/', 1)[-1]} of {me} names {peer_name} as a "
                f"member, but {peer_name} runs {peer[0]} (its {peer[1].file.display}): cman"
                " runs on corosync 1.x, which corosync 2 and later do not talk to (corosync"
                " 2.0.0 release notes), so each side forms a cluster of its own",
                item.where(obj),
                [peer[1].where()],
            )


def declared_nodes_of(item: Loaded) -> tuple[tuple[str, ...], dict[str, object]]:
    """The ``node`` names of an ha.cf item and the line naming each."""
    from ..formats.lines.hacf import declared_nodes

    return declared_nodes(_hacf(item))
