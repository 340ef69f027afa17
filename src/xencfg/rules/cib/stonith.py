"""STONITH in the CIB: fencing enabled with a device, with shared storage, test-only
agents; monitors and passwords of resources."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ...cluster import (
    Cluster,
    Loaded,
    short,
)
from ...findings import Finding, Location
from ...formats.cib.model import CibDocument, NvPair, Primitive, _tag
from ...formats.cib.values import canon_name, duration_ms, parse_bool
from ...membership import cib_nodes
from ...versions import HEARTBEAT_DASHED_OPTIONS, PACEMAKER_1_1
from .. import make, rule
from ..documents import multipath_doc as _mp
from .common import (
    Unit,
    _cib,
    _is_ocfs2_fs,
    fencing_names_unread,
    units,
)
from .guests import _drbd_resources, _two_primaries

# -- STONITH -----------------------------------------------------------------------


def _stonith_option(unit: Unit) -> tuple[Loaded, NvPair] | None:
    """The stonith-enabled nvpair in effect: in each CIB the first the CRM reads
    (option_pairs order; populate_hash never overwrites), the last CIB of the unit.
    heartbeat 2.0.7 and older read only ``stonith_enabled``: the dashed name and the
    alias table came with 2.0.8 (CB011), so there ``stonith-enabled`` is no setting."""
    last = None
    for item in unit.items:
        names = {"stonith-enabled"}
        if not fencing_names_unread(item):
            names.add("fencing-enabled")  # its 3.0.2 name (CB011 where older runs)
        release = item.versions.of("heartbeat", item.node or "")
        underscores_only = _cib(item).dialect == "heartbeat-2" and release.older_than(
            HEARTBEAT_DASHED_OPTIONS
        )
        for pair in _cib(item).option_pairs():
            if underscores_only and pair.name != "stonith_enabled":
                continue
            if canon_name(pair.name) in names:
                last = (item, pair)
                break
    return last


def _fencing_off(cluster: Cluster) -> Iterator[tuple[Unit, Location]]:
    """Each CIB unit whose STONITH is off (explicitly, or by its dialect's default),
    with the place that says so: where CB006, CB025 and CB033 look."""
    for unit in units(cluster):
        on, where = _stonith_enabled(unit)
        if on is False and where is not None:
            yield unit, where


def _stonith_enabled(unit: Unit) -> tuple[bool | None, Location | None]:
    """Whether STONITH is on (explicitly, or the dialect's default for a full CIB)."""
    opt = _stonith_option(unit)
    if opt is not None:
        return parse_bool(opt[1].value), opt[0].where(opt[1])
    full = [i for i in unit.items if not _cib(i).is_fragment]
    if not full:
        return None, None
    # heartbeat 2 defaults to off, Pacemaker 1.0 to on
    on = _cib(full[0]).dialect == "pacemaker-1.0"
    return on, full[0].where(_cib(full[0]).section("crm_config"))


@rule("CB005", "stonith-without-device", "error", scope="cluster", hazard=True)
def stonith_without_device(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is enabled but the CIB defines no STONITH resource.

    Why it matters: the CRM must fence a failed node before it recovers its
    resources. With nothing to fence with, every node failure blocks
    recovery (Pacemaker 1.0 refuses to start any resource at all).

    Example: ``stonith-enabled=true`` and no ``<primitive class="stonith">``.

    Not with watchdog fencing (SBD without a device, Pacemaker 1.1.13 and later): a
    nonzero ``stonith-watchdog-timeout`` makes a node that must be fenced reset itself
    through its watchdog, and the scheduler counts the running SBD (``have-watchdog``)
    as a fencing resource (Pacemaker 2.1.5 lib/pengine/unpack.c ``unpack_config``:
    "Watchdog-based self-fencing will be performed via SBD if fencing is required and
    stonith-watchdog-timeout is nonzero"). ``have-watchdog`` alone does not fence: with
    the timeout unset or 0 the finding stays.

    Fix: configure a fencing device (iLO, IPMI, a PDU) for every node.
    """
    for unit in units(cluster):
        on, where = _stonith_enabled(unit)
        if not on or where is None:
            continue
        if any(p.is_stonith for i in unit.scope for p in _cib(i).primitives):
            continue
        if any(_watchdog_fencing(_cib(i)) for i in unit.scope):
            continue
        yield make("CB005", "STONITH is enabled but no STONITH resource is defined", where)


def _watchdog_fencing(doc: CibDocument) -> bool:
    """Whether a Pacemaker CIB sets a nonzero ``stonith-watchdog-timeout`` (negative:
    twice SBD's watchdog timeout)."""
    if doc.dialect == "heartbeat-2":
        return False
    value = (doc.options.get("stonith-watchdog-timeout") or "0").strip()
    if value.startswith("-"):
        return value[1:].strip() not in ("", "0")
    ms = duration_ms(value)
    return ms is not None and ms > 0


def _shared_storage(cluster: Cluster, unit: Unit) -> list[tuple[str, Location]]:
    out: list[tuple[str, Location]] = []
    for item, prim in unit.primitives():
        if _is_ocfs2_fs(prim):
            out.append((f"OCFS2 filesystem '{prim.id}'", item.where(prim)))
    nodes = cib_nodes(cluster, unit.items).names
    key = f"cib:shared-storage:{' '.join(sorted(nodes))}"
    return out + cluster.fact(key, lambda: _nodes_share(cluster, nodes))


def _nodes_share(cluster: Cluster, nodes: frozenset[str]) -> list[tuple[str, Location]]:
    """The storage ``nodes`` (short names; empty: every node) share whatever the CIB
    says, once per run for a set of nodes: a target pair's CIB is not judged by the
    multipath LUNs of the dom0s it serves, which run a cluster of their own or none."""

    def ours(node: str | None) -> bool:
        return not nodes or (node is not None and short(node) in nodes)

    out: list[tuple[str, Location]] = []
    for node in cluster.nodes:
        if not ours(node):
            continue
        for ditem, res in _drbd_resources(cluster, node):
            if _two_primaries(cluster, res, node):
                out.append((f"dual-primary DRBD '{res.name}'", ditem.where(res)))
                break
    for mp in cluster.docs("multipath"):
        if ours(mp.node) and _mp(mp).multipaths:
            out.append(("multipath SAN LUNs", mp.where()))
            break
    return out


@rule("CB006", "stonith-disabled-with-shared-storage", "error", scope="cluster", hazard=True)
def stonith_disabled_shared(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is disabled while nodes share storage (OCFS2, dual-primary DRBD, SAN).

    Why it matters: without fencing, a node that stops answering is assumed
    dead; if it is only hung or cut off it keeps writing to the shared disk
    while the other node mounts or promotes it: split brain and a corrupted
    filesystem.

    crm_verify does not check this (it accepts such a CIB, exit 0): it is a documented
    hazard, not a schema or scheduler error. Pacemaker Explained ("Why Is Fencing
    Necessary?", doc/sphinx/Pacemaker_Explained/fencing.rst in Pacemaker 2.1.5): without
    fencing "multiple instances of a resource could be started on different nodes", and
    for "a clustered file system, the effect could be much more severe, causing data
    corruption". Pacemaker's own DLM agent refuses to start so ("The cluster property
    stonith-enabled may not be deactivated to use the DLM", OCF_ERR_CONFIGURED:
    extra/resources/controld since Pacemaker 1.1.11), which OCFS2 under Pacemaker needs.

    Example: ``stonith_enabled=false`` with ``allow-two-primaries`` in drbd.conf.

    Fix: set ``stonith-enabled=true`` and configure a real fencing device;
    for DRBD also ``fencing resource-and-stonith`` with the CRM fence handlers.
    """
    for unit, where in _fencing_off(cluster):
        shared = _shared_storage(cluster, unit)
        if shared:
            what = ", ".join(dict.fromkeys(s for s, _ in shared))
            yield make("CB006", f"STONITH is disabled but nodes share {what}", where,
                       [loc for _, loc in shared])  # fmt: skip


@rule("CB025", "on-fail-fence-without-fencing", "error", scope="cluster")
def on_fail_fence_without_fencing(cluster: Cluster) -> Iterator[Finding]:
    """An operation says ``on-fail="fence"`` while STONITH is disabled.

    Why it matters: the policy engine cannot fence with fencing off, so it stops the
    resource instead and reports a configuration error: Pacemaker-0.6.0
    lib/crm/pengine/utils.c and 1.0 lib/pengine/utils.c "Specifying on_fail=fence and
    stonith-enabled=false makes no sense" (``on_fail = action_fail_stop``), 2.1.5
    lib/pengine/pe_actions.c "Resetting 'on-fail' for operation '%s' to 'stop' because
    'fence' is not valid when fencing is disabled" (pcmk__config_err; crm_verify:
    "Errors found during check: config not valid"). Whoever wrote ``fence`` wanted a
    failed stop (or monitor) to reset the node; the resource is left stopped on a node
    that may still hold it half-open. heartbeat 2 CIBs count with their default
    (fencing off); ``op_defaults`` counts too. heartbeat 2.1.2 and earlier did not
    reset it (the check came with ClusterLabs/pacemaker commit 8682702cc1, 2007-09-21,
    heartbeat 2.1.3): their policy engine marks the node unclean, cannot fence it, and
    says "Node ... is unclean!" and "YOUR RESOURCES ARE NOW LIKELY COMPROMISED"
    (crm/pengine/allocate.c of January 2007, heartbeat 2.0.8); the message says what
    the heartbeat release in force does, or both when it is unknown.

    An ``rsc_ticket`` with ``loss-policy="fence"`` is the same slip: crm_verify 2.1.5
    "Resetting 'loss-policy' for ticket 'site-a' to 'stop' because fencing is not
    configured" (``rsc_ticket_new``, lib/pacemaker/pcmk_sched_tickets.c), "config not
    valid": losing the ticket stops the resources instead of fencing their nodes.

    Example: ``<op name="stop" on_fail="fence"/>`` with ``stonith_enabled=false``.

    Fix: configure a fencing device and set ``stonith-enabled=true``, or choose
    ``on-fail="block"`` (leave the resource for an administrator) or ``stop``
    (``loss-policy="stop"``); a
    heartbeat 2 CIB spells the attribute ``on_fail`` (crm.dtd's ``op`` has no
    ``on-fail``, pacemaker-1.0.rng no ``on_fail``).
    """
    for unit, where in _fencing_off(cluster):
        for item in unit.items:
            doc = _cib(item)
            default = (doc.op_defaults.get("on-fail") or "").strip().lower()
            effect = _fence_without_fencing(item) if doc.dialect == "heartbeat-2" else _STOPS
            for prim in doc.primitives:
                for op in prim.ops:
                    value = (op.on_fail or default).strip().lower()
                    if value != "fence":
                        continue
                    yield make(
                        "CB025",
                        f"'{op.name}' of '{prim.id}' says on-fail=fence but STONITH is "
                        f"disabled: {effect}",
                        item.where(op),
                        [where],
                    )
            for ticket in doc.iter("rsc_ticket"):
                if (ticket.get("loss-policy") or "").strip().lower() == "fence":
                    yield make(
                        "CB025",
                        f"rsc_ticket '{ticket.get('id')}' says loss-policy=fence but STONITH "
                        "is disabled: Pacemaker stops the resources instead when the ticket "
                        "is lost, and calls it a configuration error",
                        item.where(ticket),
                        [where],
                    )


@rule("CB033", "quorum-suicide-without-fencing", "error", scope="cluster")
def quorum_suicide_without_fencing(cluster: Cluster) -> Iterator[Finding]:
    """``no-quorum-policy=suicide`` while STONITH is disabled.

    Why it matters: ``suicide`` fences the nodes of a partition that lost quorum, so it
    needs fencing. With STONITH off Pacemaker calls it a configuration error and does
    not fence (2.x stops the partition's resources instead): Pacemaker 1.0.0
    lib/pengine/unpack.c "Setting no-quorum-policy=suicide makes no sense if
    stonith-enabled=false" (the value came with commit b8f1e22c5a, July 2008), 2.1.5
    "Resetting no-quorum-policy to 'stop' because fencing is disabled"
    (pcmk__config_err; crm_verify 2.1.5: "config not valid"). Whoever chose ``suicide``
    wanted a cut-off node to leave shared storage at once. heartbeat 2 has no
    ``suicide`` (its policy engine reads it as ``stop``): heartbeat 2 CIBs are not
    reported.

    Example: ``no-quorum-policy=suicide`` beside ``stonith-enabled=false``.

    Fix: configure fencing and set ``stonith-enabled=true``, or choose ``stop`` (or
    ``freeze``).
    """
    for unit, where in _fencing_off(cluster):
        for item in unit.items:
            doc = _cib(item)
            if doc.dialect == "heartbeat-2":
                continue
            for pair in doc.option_pairs():
                if canon_name(pair.name) != "no-quorum-policy":
                    continue
                if (pair.value or "").strip().lower() == "suicide":
                    yield make(
                        "CB033",
                        "no-quorum-policy=suicide but STONITH is disabled: Pacemaker calls"
                        " this a configuration error and never fences a partition without"
                        " quorum (2.x resets the policy to stop)",
                        item.where(pair),
                        [where],
                    )
                break  # (the first one is the one the CRM reads)


_STOPS = "Pacemaker stops the resource instead and calls this a configuration error"
_UNCLEAN = (
    "the policy engine marks the node unclean and cannot fence it"
    ' ("YOUR RESOURCES ARE NOW LIKELY COMPROMISED")'
)


def _fence_without_fencing(item: Loaded) -> str:
    """What the heartbeat 2 release in force does with ``on_fail=fence`` and STONITH off
    (see CB025's docstring)."""
    from ...versions import HEARTBEAT_FENCE_CHECK

    in_force = item.versions.of("heartbeat", item.node)
    stops = "heartbeat 2.1.3 and later stop the resource and call this a configuration error"
    if in_force.at_least(HEARTBEAT_FENCE_CHECK):
        return stops
    if in_force.older_than(HEARTBEAT_FENCE_CHECK):
        return _UNCLEAN
    return f"{stops}; in 2.1.2 and earlier {_UNCLEAN}"


#: STONITH agents that cannot fence a hung node (and say so in their own description).
TEST_AGENTS = {
    "ssh": "fine for testing, not for production: it needs a healthy node to log in to",
    "external/ssh": "fine for testing, not for production: it needs a healthy node to log in to",
    "null": "a do-nothing device for tests: it claims success and fences nothing",
    "suicide": "the node must reboot itself, which a hung node cannot do",
}


@rule("CB007", "test-only-stonith", "warning", formats=("cib",), hazard=True)
def test_only_stonith(item: Loaded) -> Iterator[Finding]:
    """A STONITH resource uses an agent meant for testing (ssh, external/ssh, null, suicide).

    Why it matters: fencing is needed exactly when a node is hung, cut off
    or has lost its network, and then ssh cannot reach it and suicide cannot
    run; ``null`` never fences at all. The cluster believes the node is dead
    while it still writes to shared storage. (``meatware``, manual fencing
    confirmed with ``meatclient``, is real fencing and is not reported.)

    Example: ``<primitive class="stonith" type="external/ssh">``.

    Fix: use a power or management device: ``external/riloe`` (iLO),
    ``external/ipmi``, a PDU agent, or ``external/sbd`` on shared storage.
    """
    for prim in _cib(item).stonith_resources():
        why = TEST_AGENTS.get(prim.type or "")
        if why:
            yield make(
                "CB007", f"STONITH resource '{prim.id}' uses '{prim.type}': {why}",
                item.where(prim),
            )  # fmt: skip


#: cluster-glue STONITH plugins (lib/plugins/stonith at commit 5d5e9bf2) that learn the
#: hosts they fence from one parameter: plugin -> (the parameter and its other
#: spellings, whether the plugin's ``status`` fails without it, the source lines).
HOST_PARAMS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "external/ipmi": (("hostname",), False, "external/ipmi line 131 gethosts: echo $hostname"),
    "external/riloe": (
        ("hostlist", "RI_HOST"),
        False,
        "external/riloe line 71 realhost = hostlist (else RI_HOST, else ''), line 161 gethosts",
    ),
    "external/ssh": (
        ("hostlist",),
        True,
        "external/ssh.in line 103 status: exit 1 when hostlist is empty",
    ),
    "external/libvirt": (
        ("hostlist",),
        True,
        "external/libvirt line 118 libvirt_check_config (run by status): 'hostlist or"
        " hypervisor_uri missing', exit 1",
    ),
    "external/xen0": (
        ("hostlist",),
        True,
        "external/xen0 line 162 status: CheckHostList, 'hostlist isn't set', exit 1",
    ),
    "ssh": (("hostlist",), False, "ssh.c line 254 ssh_set_config: S_OOPS without hostlist"),
    "meatware": (
        ("hostlist",),
        False,
        "meatware.c line 256 meatware_set_config: CopyAllValues fails without hostlist",
    ),
}


@rule("CB036", "stonith-device-without-host", "warning", formats=("cib",), hazard=True)
def stonith_device_without_host(item: Loaded) -> Iterator[Finding]:
    """A STONITH resource whose plugin is given no host to fence (``external/ipmi``
    without ``hostname``; ``external/riloe``, ``external/ssh``, ``ssh``, ``meatware``,
    ``external/libvirt`` or ``external/xen0`` without ``hostlist``).

    Why it matters: these cluster-glue plugins report the hosts they can fence from that
    one parameter (their ``gethosts``, or ``hostlist`` in the C plugins), and the fencing
    daemon sends a node's fencing only to a device that lists the node (Pacemaker 2.1.5
    daemons/fenced/fenced_commands.c ``target_list_type``: ``dynamic-list`` unless
    ``pcmk_host_list``/``pcmk_host_map`` is set). Nothing refuses the configuration:
    external plugins only log the missing name at debug level (lib/plugins/stonith/
    external.c ``external_set_config``), ``ssh`` and ``meatware`` refuse it in
    ``set_config`` yet report their status as good. So the device runs and fences
    nobody: when its node hangs, fencing fails (or another device does it). Where the
    plugin's ``status`` needs the parameter too (``external/ssh``, ``external/libvirt``,
    ``external/xen0``) the resource's start fails from Pacemaker 1.1.8 on, whose lrmd
    starts a STONITH resource by registering it and running its monitor (tag
    Pacemaker-1.1.8 lrmd/lrmd.c lines 633-651; 2.1.5 daemons/execd/execd_commands.c
    ``execute_stonith_action``): an error where the release in force is 1.1.8 or later,
    a warning otherwise (older releases started it through cluster-glue's lrmd, not
    checked here). An empty value counts as missing (the scripts test ``-z``).
    ``pcmk_host_list`` or ``pcmk_host_map`` (Pacemaker 1.1 and later) names the hosts
    instead: then ``external/ipmi`` and ``external/riloe`` fence (their reset uses the
    device address, not the host parameter) and nothing is said for them.

    Example: ``<primitive id="fence-xen2" class="stonith" type="external/ipmi">`` with
    ``ipaddr``, ``userid`` and ``passwd`` but no ``hostname``.

    Fix: name the node the device fences (``hostname=xen2``, ``hostlist="xen1 xen2"``),
    then test it: ``stonith -t external/ipmi hostname=xen2 ... -l`` must list the node.
    """
    from ...versions import PACEMAKER_1_1_8

    doc = _cib(item)
    in_force = item.versions.of("pacemaker", item.node)
    for prim in doc.stonith_resources():
        known = HOST_PARAMS.get(prim.type or "")
        if known is None:
            continue
        names, status_fails, source = known
        if any((prim.param(n) or "").strip() for n in names):
            continue
        listed = any((prim.param(n) or "").strip() for n in ("pcmk_host_list", "pcmk_host_map"))
        if listed and prim.type in ("external/ipmi", "external/riloe"):
            continue
        if status_fails:
            effect = "its status fails, so the resource does not start (Pacemaker 1.1.8 on)"
        else:
            effect = "the device lists no host, so it fences nobody"
        found = make(
            "CB036",
            f"STONITH resource '{prim.id}' ({prim.type}) has no '{names[0]}': {effect} ({source})",
            item.where(prim),
        )
        error = status_fails and doc.dialect != "heartbeat-2" and in_force.at_least(PACEMAKER_1_1_8)
        yield attrs.evolve(found, severity="error") if error else found


def _words(value: str | None) -> list[str]:
    """A host list as the fencer splits it (spaces, commas, semicolons; Pacemaker 1.1
    fencing/commands.c ``parse_host_list``, cluster-glue's plugins take spaces or commas)."""
    return (value or "").replace(",", " ").replace(";", " ").split()


def _targets(prim: Primitive, pcmk_lists: bool) -> frozenset[str] | None:
    """The nodes (casefolded short names) a STONITH device is configured to fence, or
    ``None`` when the configuration does not say: an agent that lists its hosts at run
    time, or ``pcmk_host_check=none`` (any node). Generous where releases differ: the
    plugin's own host parameter and Pacemaker's lists together."""
    hosts: set[str] = set()
    check = (prim.param("pcmk_host_check") or "").strip().lower() if pcmk_lists else ""
    if pcmk_lists:
        hosts.update(_words(prim.param("pcmk_host_list")))
        for pair in _words(prim.param("pcmk_host_map")):
            hosts.add(pair.replace("=", ":").partition(":")[0])
    known = HOST_PARAMS.get(prim.type or "")
    if check == "none" or (check not in ("", "static-list") and known is None):
        return None
    if known is not None:
        hosts.update(w for n in known[0] for w in _words(prim.param(n)))
    elif check != "static-list" and not hosts:
        return None  # the agent's own ``list`` answers (dynamic-list)
    return frozenset(short(h).casefold() for h in hosts if h)


@rule("CB037", "node-without-stonith-device", "error", scope="cluster", hazard=True)
def node_without_stonith_device(cluster: Cluster) -> Iterator[Finding]:
    """STONITH is enabled, and no STONITH resource is configured to fence one of the
    cluster's nodes.

    Why it matters: a node is fenced only by a device whose host list names it. heartbeat
    2's stonithd keeps each started device's ``stonith_get_hostlist`` (stonithd.c
    ``stonithRA_start_post``) and fences a node only with a device that lists it; from
    Pacemaker 1.1 the fencer reads ``pcmk_host_list``/``pcmk_host_map`` (a static list),
    else asks the device (fencing/commands.c ``target_list_type``, 2.1.5
    daemons/fenced/fenced_commands.c), and a cluster-glue plugin answers with its own
    ``hostname``/``hostlist`` parameter (see CB036). When the node nobody can fence
    fails, fencing fails ("No devices found in cluster to fence"), the node stays
    unclean and its resources are not recovered anywhere: the cluster blocks on exactly
    the failure it was built for.

    Judged only when every STONITH resource of the CIB says its hosts in its
    configuration (a plugin's host parameter, ``pcmk_host_list``, ``pcmk_host_map``,
    ``pcmk_host_check=static-list``); an agent that lists its hosts at run time, or
    ``pcmk_host_check=none``, may fence anyone and nothing is said. The nodes are the
    CIB's member ``<nodes>`` and those its messaging layer lists (ha.cf ``node``
    lines, a corosync nodelist by each node's ``name``, as Pacemaker names members,
    cman's clusternodes); a CIB no file places (fragments, a loose CIB without
    ``<nodes>``) is not judged. Names are compared without case and domain. Not with
    watchdog fencing (see CB005).

    Example: a clone of ``external/ipmi`` with ``hostname=xen1`` and no device for
    ``xen2``.

    Fix: add a device for the node (one ``external/ipmi`` per node, each banned from the
    node it fences: CB019), or list the node in ``hostlist``/``pcmk_host_list``; then
    ``stonith_admin --list NODE`` (heartbeat: ``stonith -t TYPE ... -l``) must name it.
    """
    for unit in units(cluster):
        on, where = _stonith_enabled(unit)
        if not on or where is None or any(_watchdog_fencing(_cib(i)) for i in unit.scope):
            continue
        devices = [(i, p) for i in unit.scope for p in _cib(i).primitives if p.is_stonith]
        if not devices:
            continue  # CB005
        covered: set[str] = set()
        for item, prim in devices:
            older = item.versions.of("pacemaker", item.node).older_than(PACEMAKER_1_1)
            targets = _targets(prim, not older and _cib(item).dialect != "heartbeat-2")
            if targets is None:
                break
            covered |= targets
        else:
            runs_on = cib_nodes(cluster, unit.items)
            for key, member in runs_on.members.items() if runs_on.said else ():
                if key.casefold() not in covered:
                    yield make(
                        "CB037",
                        f"no STONITH resource fences node {member.name}: when it fails,"
                        " fencing fails and its resources are not recovered",
                        member.in_cib or where,
                        [*member.listed, *(i.where(p) for i, p in devices)],
                    )


@rule("CB008", "no-monitor-op", "warning", formats=("cib",))
def no_monitor(item: Loaded) -> Iterator[Finding]:
    """A primitive has no (enabled) recurring ``monitor`` operation.

    Why it matters: without a monitor the CRM only learns about a resource
    when it starts or stops it; a crashed daemon, an unmounted filesystem or
    a dead guest stays "started" and is never recovered.

    Example: ``<primitive id="evms-child" type="EvmsSCC"></primitive>``.

    A primitive made from a ``<template>`` this file does not hold (a ``cibadmin -C``
    fragment naming the template of the running CIB) is not judged: its operations are
    the template's (Pacemaker 2.1.5 lib/pengine/complex.c ``unpack_template``).

    Fix: add ``<op name="monitor" interval="20s" timeout="60s"/>``.
    """
    for prim in _cib(item).primitives:
        if prim.el.get("template") is not None and prim.template is None:
            continue
        if not any(o.name == "monitor" and o.enabled and o.interval.ms for o in prim.ops):
            yield make(
                "CB008", f"resource '{prim.id}' ({prim.agent}) has no monitor operation",
                item.where(prim),
            )  # fmt: skip


@rule("CB009", "cleartext-password", "warning", formats=("cib",))
def cleartext_password(item: Loaded) -> Iterator[Finding]:
    """A password (iLO, IPMI, DRAC ...) is stored in cleartext in the CIB.

    Why it matters: the CIB is replicated to every node, readable by
    ``cibadmin -Q``/``crm_mon`` users and copied into every report and bug
    ticket (hb_report). Whoever reads it can power the nodes off.

    Example: ``<nvpair name="ilo_password" value="..."/>`` (the value is
    never printed by xencfg).

    Fix: use the agent's file option where it has one (``external/ipmi``:
    ``passwd_method=file`` with ``passwd`` naming a root-only file), a
    dedicated management account with only power rights, and keep the CIB
    out of tickets.
    """
    for pair in _cib(item).secret_nvpairs():
        if not pair.value:
            continue
        parent = pair.el.getparent()
        siblings = [NvPair(p) for p in parent if _tag(p) == "nvpair"] if parent is not None else []
        if any(
            canon_name(s.name).endswith("-method") and (s.value or "").lower() == "file"
            for s in siblings
        ):
            continue
        owner = pair.el.getparent()  # (an nvpair: never the owner itself)
        while owner is not None and _tag(owner) not in ("primitive", "node", "crm_config"):
            owner = owner.getparent()
        whose = f" of '{owner.get('id')}'" if owner is not None and owner.get("id") else ""
        yield make(
            "CB009", f"'{pair.name}'{whose} is stored in cleartext in the CIB",
            item.where(pair),
        )  # fmt: skip
