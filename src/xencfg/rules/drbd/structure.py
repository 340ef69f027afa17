"""DRBD resource structure: sections defined twice, node ids, connections' hosts,
volume sets, implicit and explicit volumes, host statements missing, hosts without
connections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.drbd import Host, Resource
from ...syntax.blocks import Block, Entry
from ...syntax.numbers import decimal, is_decimal
from ...versions import DRBD_9, DRBD_84
from .. import make, repeats, rule
from .common import (
    _conflicts_of,
    _drbd,
    _effective,
    _node_configs,
    _on_hosts,
    _resources,
    hostnames_equal,
    node_hosts,
    written,
)


@rule("DR017", "section-defined-twice", "error", scope="cluster")
def section_defined_twice(cluster: Cluster) -> Iterator[Finding]:
    """A node's drbd configuration defines a resource name, ``global`` or ``common``
    twice, in one file or across the files drbd.conf includes.

    Why it matters: drbdadm (8.3, 8.4 and 9 alike) refuses the whole
    configuration: "conflicting use of resource section 'r0' ..." (``common``
    is a resource section to it too) or "conflicting use of global section
    'global' ...", so no resource of the node can be brought up or adjusted.
    It happens when a drbd.d/*.res file is copied to make a new resource and
    the name is left, or when global_common.conf and an old drbd.conf both
    hold ``global``/``common`` sections.

    A lower resource takes one ``stacked-on-top-of`` section in the whole
    configuration: a second one, in the same resource or another, is refused
    too ("conflicting use of stacked-on-top-of 'stacked:r0'").

    Example: ``global { usage-count no; }`` in drbd.conf and
    ``global { usage-count yes; }`` in drbd.d/global_common.conf.

    Fix: rename the copied resource, or merge the two sections into one.
    """
    for items in _node_configs(cluster).values():
        owner = {id(i.doc): i for i in items}
        for c in _conflicts_of(cluster, items):
            if c.kind == "global":
                what = "a second 'global' section"
            elif c.kind == "resource" and isinstance(c.node, Block) and c.node.key == "common":
                what = "a second 'common' section"
            elif c.kind == "resource":
                what = f"resource '{c.key}' is defined a second time"
            elif c.kind == "stacked":
                what = f"a second 'stacked-on-top-of {c.key}'"
            else:
                continue
            said = {
                "global": f"global section '{c.key}'",
                "stacked": f"stacked-on-top-of 'stacked:{c.key}'",
            }.get(c.kind, f"resource section '{c.key}'")
            yield make(
                "DR017",
                f"{what}: drbdadm refuses the configuration (conflicting use of {said})",
                owner[id(c.document)].where(c.node),
                [owner[id(c.first_document)].where(c.first)],
            )


@rule("DR020", "node-id-missing-or-reused", "error", formats=("drbd",))
def node_id_missing_or_reused(item: Loaded) -> Iterator[Finding]:
    """DRBD 9: two host sections of a resource give the same ``node-id``, or some
    give one and others do not.

    Why it matters: drbdadm 9 refuses the file: ``conflicting use of node-id
    'r0:1'`` (check_upr("node-id", ...) in parse_host_section) or ``in resource
    r0, on gamma { ... }: 'node-id' keyword missing`` (drbdadm_postparse.c:
    node ids are made up only for a resource of two host sections that both
    lack one: on DRBD 9, a resource of one or three host sections without any
    node-id is refused too). DRBD 8.4 refuses ``node-id`` altogether. A copied ``on`` section
    keeps its ``node-id`` and the third node added to a resource often has none.

    Example: ``on alpha { node-id 0; ... } on beta { node-id 1; ... } on gamma
    { node-id 1; ... }``.

    Fix: give every host section of the resource its own ``node-id`` (0, 1, 2, ...).
    """
    drbd9 = item.versions.of("drbd", item.node or "").at_least(DRBD_9)
    for res in _drbd(item).resource_list():
        hosts = [h for h in res.host_list if not h.kind.startswith("_")]
        ids = [(h, e) for h in hosts if (e := h.block.entry("node-id")) is not None]
        if not ids:
            if drbd9 and len(hosts) != 2 and all(h.kind in ("on", "floating") for h in hosts):
                # drbdadm 9 makes node ids up for the implicit connection of exactly two
                # host sections (generate_implicit_node_id, user/v9/drbdadm_postparse.c:
                # 239); any other host without one is "'node-id' keyword missing" (1182).
                # A floating section or ``floating ADDR;`` counts like an ``on`` one
                # (peer-drbdadm --mode 9: "in resource r0, on 10.0.0.1:7788 { ... }:
                # 'node-id' keyword missing" for one or three of them)
                for h in hosts:
                    yield make(
                        "DR020",
                        f"resource {res.name}: host section '{h.name}' has no node-id, and "
                        f"the resource has {len(hosts)} host section(s), not two; drbdadm 9 "
                        "refuses the file ('node-id' keyword missing)",
                        item.where(h.node),
                    )
            continue
        for (h, entry), (first, first_entry) in repeats(ids, lambda i: " ".join(i[1].values)):
            value = " ".join(entry.values)
            yield make(
                "DR020",
                f"resource {res.name}: node-id {value} of '{h.name}' is already "
                f"'{first.name}''s; drbdadm refuses the file (conflicting use of "
                f"node-id '{res.name}:{value}')",
                item.where(entry),
                [item.where(first_entry)],
            )
        given = [h for h, _ in ids]
        for h in hosts:
            if h not in given:
                yield make(
                    "DR020",
                    f"resource {res.name}: host section '{h.name}' has no node-id while "
                    "others have one; drbdadm 9 refuses the file ('node-id' keyword "
                    "missing)",
                    item.where(h.node),
                    [item.where(g.node) for g in given[:1]],
                )


def _connection_hosts_of(path: Block) -> list[Any]:
    """The endpoints of a path: ``host`` statements (or ``host ... { via proxy }``
    sections), and ``address``/``_this_host``/``_remote_host`` ones (drbdsetup show;
    parse_hname_address_pair in user/v9/drbdadm_parser.c takes all four)."""
    ends = ("host", "address", "_this_host", "_remote_host")
    return [c for c in path.children if getattr(c, "key", None) in ends]


@rule("DR021", "connection-host-unknown", "error", formats=("drbd",))
def connection_host_unknown(item: Loaded) -> Iterator[Finding]:
    """DRBD 9: a ``connection-mesh`` or a ``connection``'s ``host`` names a host the
    resource has no ``on`` section for, or a ``connection`` (without paths) or a
    ``path`` has other than two ``host`` statements, or a ``connection`` has a ``host``
    statement after a ``path`` section.

    Why it matters: drbdadm 9 refuses the file: ``There is no 'on' section for
    hostname 'delta' named in the connection-mesh``, ``a hostname ("gamma") is
    given with a "host" keyword, has no "address" keyword, and no matching
    host section``, ``connection needs to have two endpoints`` (drbdadm_postparse.c)
    or ``only two 'host' keywords per path allowed`` and ``Explicit and implicit
    paths not allowed`` (drbdadm_parser.c: a connection's own host statements make
    its first path, and must come before its path sections). Names
    match as drbdadm 9 matches them: in any case, without the domain when either
    lacks one. A node renamed in its ``on``
    section but not in the mesh is the usual cause.

    Example: ``on alpha {...} on beta {...} connection-mesh { hosts alpha beta
    gamma; }``.

    Fix: name in ``hosts`` and ``host`` only hosts that have an ``on`` section,
    two per connection.
    """
    for res in _drbd(item).resource_list():
        # stacked and floating hosts are named otherwise: only the counts are checked
        named = not res.stacked and all(h.kind == "on" for h in res.host_list)
        names = [n for h in _on_hosts(res) for n in h.names]

        def known(name: str, names: list[str] = names, named: bool = named) -> bool:
            return not named or any(hostnames_equal(name, n) for n in names)

        for mesh in res.block.blocks("connection-mesh"):
            for e in mesh.entries("hosts"):
                for name in e.values:
                    if not known(name):
                        yield make(
                            "DR021",
                            f"resource {res.name}: connection-mesh names '{name}', which "
                            "has no 'on' section; drbdadm 9 refuses the file",
                            item.where(e),
                        )
        for conn in res.connections:
            hosts = conn.hosts
            for ch in hosts + [h for p in conn.paths for h in p]:
                if ch.name and not ch.name.startswith("_") and not known(ch.name):
                    yield make(
                        "DR021",
                        f"resource {res.name}: connection host '{ch.name}' has no 'on' "
                        "section; drbdadm 9 refuses the file (an address does not "
                        "stand in for it)",
                        item.where(written(ch)),
                    )
            for path in conn.block.blocks("path"):
                ends = _connection_hosts_of(path)
                if len(ends) != 2:
                    yield make(
                        "DR021",
                        f"resource {res.name}: a path with {len(ends)} 'host' statements; "
                        "drbdadm 9 refuses the file (only two 'host' keywords per path "
                        "allowed / path needs to have two endpoints)",
                        item.where(conn.block),  # (the line drbdadm names)
                        [item.where(path)],
                    )
            late = conn.hosts_after_path
            if late is not None:
                yield make(
                    "DR021",
                    f"resource {res.name}: a connection's 'host' statement after its 'path'"
                    " section; drbdadm 9 refuses the file (Explicit and implicit paths not"
                    " allowed): write it in a path, or before the first path",
                    item.where(written(late)),
                )
            if not conn.paths and len(hosts) != 2:
                yield make(
                    "DR021",
                    f"resource {res.name}: a connection with {len(hosts)} 'host' "
                    "statements; drbdadm 9 refuses the file (connection needs to have "
                    "two endpoints)",
                    item.where(conn.block),
                )


@rule("DR022", "volume-sets-differ", "error", formats=("drbd",))
def volume_sets_differ(item: Loaded) -> Iterator[Finding]:
    """The ``on`` sections of a resource end up with different volumes (after the
    resource-level ``volume`` sections are inherited): one host has a ``volume 1``
    another lacks.

    Why it matters: drbdadm 8.4 and 9 refuse the file: ``in resource r0, on alpha
    { ... }: volume 1 not defined on beta`` (check_volume_sets_equal,
    drbdadm_postparse.c); a volume exists on both sides of a connection or on
    neither. It happens when a volume is added inside one host's section only.

    Example: ``volume 0 {...}`` at resource level, ``on alpha { volume 1 {...} }``
    and ``on beta {...}`` without it.

    Fix: add the volume to every host section, or define it at resource level with
    per-host ``disk`` lines where the disks differ.
    """
    for res in _drbd(item).resource_list():
        hosts = list(_on_hosts(res))
        if len(hosts) < 2 or res.stacked:
            continue
        if not res.volumes and not any(h.volumes for h in hosts):
            continue  # (only the implicit volume 0, on every host: nothing to compare)
        sets = [(h, set(res.effective(h.name).volumes)) for h in hosts if h.name]
        first_host, first_set = sets[0]
        for h, vols in sets[1:]:
            if vols == first_set:
                continue
            extra = sorted(vols ^ first_set)
            n = extra[0]
            has, lacks = (h, first_host) if n in vols else (first_host, h)
            yield make(
                "DR022",
                f"resource {res.name}: volume {n} of 'on {has.name}' is not defined on "
                f"'{lacks.name}'; drbdadm refuses the file (volume {n} not defined on "
                f"{lacks.name})",
                item.where(has.block),
                [item.where(lacks.block)],
            )


#: Statements that go to a resource's or host's implicit volume 0 when written outside
#: a ``volume`` section (volume0() in drbdadm_parser.c).
_IMPLICIT_VOLUME = frozenset({"device", "disk", "meta-disk", "flexible-meta-disk"})


@rule("DR023", "implicit-and-explicit-volumes", "error", formats=("drbd",))
def implicit_and_explicit_volumes(item: Loaded) -> Iterator[Finding]:
    """A resource mixes ``device``/``disk``/``meta-disk`` statements outside a
    ``volume`` section (the implicit volume 0) with ``volume N`` sections other
    than 0, writes such a statement after a ``volume`` section of the same
    resource or host section, or leaves volume 0 implicit on one host while
    another has a ``volume 0`` section.

    Why it matters: drbdadm 8.4 and 9 refuse the file: ``in resource r1: you
    must not mix implicit and explicit volumes`` (drbdadm_postparse.c) or
    ``mixing explicit and implicit volumes is not allowed`` (volume0() in
    drbdadm_parser.c) or ``volume 0 must not be implicit on one but not the
    other``. A ``meta-disk internal;`` left at resource level when the
    resource was split into volumes is the usual cause.

    Example: ``resource r1 { meta-disk internal; volume 1 { device /dev/drbd2;
    ... } ... }``.

    Fix: move the statement into each ``volume`` section (or number the single
    volume 0).
    """
    for res in _drbd(item).resource_list():
        scopes = [res.block, *(h.block for h in res.host_list if h.kind == "on")]
        implicit: list[Any] = []
        nonzero: list[Block] = []
        for scope in scopes:
            seen_volume = False
            for child in scope.children:
                if isinstance(child, Block) and child.key == "volume":
                    seen_volume = True
                    if child.args and child.args[0] != "0":
                        nonzero.append(child)
                elif isinstance(child, Entry) and child.key in _IMPLICIT_VOLUME:
                    implicit.append(child)
                    if seen_volume:
                        yield make(
                            "DR023",
                            f"resource {res.name}: '{child.key}' outside a volume after a "
                            "'volume' section; drbdadm refuses the file (mixing explicit "
                            "and implicit volumes is not allowed)",
                            item.where(child),
                        )
        yield from _volume0_kinds_differ(item, res)
        if implicit and nonzero:
            yield make(
                "DR023",
                f"resource {res.name}: '{implicit[0].key}' outside a volume (the implicit "
                f"volume 0) beside 'volume {nonzero[0].args[0]}'; drbdadm refuses the file "
                "(you must not mix implicit and explicit volumes)",
                item.where(implicit[0]),
                [item.where(nonzero[0])],
            )


@rule("DR024", "host-statement-missing", "error", scope="cluster")
def host_statement_missing(cluster: Cluster) -> Iterator[Finding]:
    """An ``on`` section ends up without a ``device``, ``disk``, ``address`` or (before
    DRBD 9) ``meta-disk``, after what it inherits from the resource and its
    volumes.

    Why it matters: drbdadm refuses the whole configuration: ``in resource r0, on
    beta { ... }: 'disk' keyword missing.`` (8.3, 8.4 and 9 alike for ``device``
    and ``disk``, though DRBD 9 reads a volume with neither ``disk`` nor
    ``meta-disk`` as diskless; ``address`` before 9.0, and in DRBD 9 for a host
    a ``connection-mesh`` names; ``meta-disk`` before 9.0, which defaults it to
    internal). The
    check runs for every host section, not only the node's own. Before DRBD 8.4
    a resource needs a ``protocol`` too ("protocol definition missing"; 8.4 and
    later default to C). DRBD 9 refuses a resource without any host section ("a
    host sections ('on alpha { ... }') is missing"); 8.x ignores it. A
    connection's ``host NAME port N;`` needs an address in ``on NAME`` ("cannot
    determine which address to use").

    Example: ``resource r0 { device /dev/drbd0; meta-disk internal; on alpha {
    disk /dev/sda1; address ...; } on beta { address ...; } }``.

    Fix: give the statement in the host section, or once at resource level (a
    DRBD 9 diskless node writes ``disk none;``).
    """
    for node, items in _node_configs(cluster).items():
        running = cluster.versions.of("drbd", node)
        before9 = running.older_than(DRBD_9)
        before84 = running.older_than(DRBD_84)
        for item, res in _resources(cluster, items):
            if _drbd(item).is_drbdsetup_show or res.stacked:
                continue
            if before84 and res.protocol is None:
                yield make(
                    "DR024",
                    f"resource {res.name}: no 'protocol' (in the resource or common); "
                    "drbdadm before 8.4 refuses the configuration (protocol definition "
                    "missing); 8.4 and later default to C",
                    item.where(res.block),
                )
            if running.at_least(DRBD_9) and not res.host_list:
                # drbdadm 9: "in resource r0: a host sections ('on alpha { ... }') is
                # missing." (user/v9/drbdadm_postparse.c:1569, all_hosts empty); the 8.x
                # parsers ignore such a resource (peer-drbdadm --mode 83/84: OK)
                yield make(
                    "DR024",
                    f"resource {res.name}: no host section ('on NAME {{ ... }}'); drbdadm 9 "
                    "refuses the configuration (a host sections is missing)",
                    item.where(res.block),
                )
            # a floating host (section or ``floating ADDR;``) is checked like an on one:
            # "in resource r0, on 10.0.0.1:7788 { ... }: 'disk' keyword missing."
            # (peer-drbdadm --mode 83, 84 and 9); its address is its head
            hosts = [h for h in res.host_list if h.kind in ("on", "floating")]
            # drbdadm 8.x wants an address in every host section; 9 only of the hosts a
            # connection-mesh names ("with a host that has no address defined"): it
            # leaves the implicit connection of two hosts out without one, and takes
            # addresses from connection paths
            mesh = res.connection_mesh
            for h in hosts:
                # (a mesh host needs its own address even beside connection sections:
                # "connection-mesh (for r0) with a host (alpha) that has no address
                # defined", create_connections_from_mesh, user/v9/drbdadm_postparse.c)
                needs_address = (before9 and not res.connections) or any(
                    hostnames_equal(n, m) for n in h.names for m in mesh
                )
                numbers = set(_effective(cluster, res, h.name).volumes)
                missing: list[str] = []
                wanted = ["device", "disk"] + (["meta-disk"] if before9 else [])
                for word in wanted:
                    if any(
                        not _stated(res, h, n, word)
                        # DRBD 9: a volume with neither disk nor meta-disk is diskless
                        # (check_volume_complete, drbdadm_postparse.c)
                        and (word != "disk" or before9 or _stated(res, h, n, "meta-disk"))
                        for n in numbers
                    ):
                        missing.append(word)
                if needs_address and h.address is None:
                    missing.append("address")
                for word in missing:
                    yield make(
                        "DR024",
                        f"resource {res.name}, on {h.name}: no '{word}' (in the host, its "
                        f"volumes or the resource); drbdadm refuses the configuration "
                        f"('{word}' keyword missing)",
                        item.where(h.node),
                    )
            if not before9:
                yield from _path_hosts_without_address(item, res)


def _path_hosts_without_address(item: Loaded, res: Resource) -> Iterator[Finding]:
    """DRBD 9: a connection's or path's ``host NAME [port N];`` takes its address from
    ``on NAME``; without one there drbdadm 9 refuses the file ("Resource r0, host beta:
    cannot determine which address to use", set_host_info_in_host_address_pairs in
    user/v9/drbdadm_postparse.c; peer-drbdadm --mode 9)."""
    for conn in res.block.blocks("connection"):
        for block in (conn, *conn.blocks("path")):
            for e in block.entries("host"):
                if not e.values or "address" in e.values:
                    continue
                h = res.host(e.values[0])
                if h is None or h.kind != "on" or h.block.entry("address") is not None:
                    continue
                yield make(
                    "DR024",
                    f"resource {res.name}: host {e.values[0]} gives no address here and its "
                    "'on' section has none; drbdadm 9 refuses the configuration (cannot "
                    "determine which address to use)",
                    item.where(e),
                )


def _stated(res: Resource, host: Host, number: int, word: str) -> bool:
    """Whether volume ``number`` of ``host`` has a ``word`` statement, in its own
    ``volume`` section, the host, the resource's ``volume`` or the resource (as
    written: ``disk none`` counts)."""
    words = ("meta-disk", "flexible-meta-disk") if word == "meta-disk" else (word,)
    blocks = [v.block for v in (host.volumes.get(number), res.volumes.get(number)) if v]
    if number == 0:
        blocks += [host.block, res.block]
    return any(b.entry(w) is not None for b in blocks for w in words)


@rule("DR025", "hosts-without-connections", "warning", formats=("drbd",))
def hosts_without_connections(item: Loaded) -> Iterator[Finding]:
    """A resource with more than two ``on`` sections has neither ``connection``
    sections nor a ``connection-mesh``.

    Why it matters: DRBD 9 makes the implicit connection only between exactly two
    hosts; with three or more drbdadm warns "Use explicit 'connection' sections
    (or a 'connection-mesh' section) with more than two 'on' sections"
    (create_implicit_connections, drbdadm_postparse.c) and connects nothing, so
    the resource comes up on every node without a peer and never replicates.

    Example: ``on alpha {...} on beta {...} on gamma {...}`` and no
    ``connection-mesh``.

    Fix: add ``connection-mesh { hosts alpha beta gamma; }``.
    """
    for res in _drbd(item).resource_list():
        hosts = list(_on_hosts(res))
        if len(hosts) <= 2 or res.connections or any(res.block.blocks("connection-mesh")):
            continue
        yield make(
            "DR025",
            f"resource {res.name}: {len(hosts)} 'on' sections and no 'connection' or "
            "'connection-mesh': drbdadm 9 makes no connection, the resource never "
            "replicates",
            item.where(res.block),
            [item.where(h.block) for h in hosts],
        )


def _volume0_kinds_differ(item: Loaded, res: Resource) -> Iterator[Finding]:
    """Volume 0 implicit on one ``on`` section and explicit on another: "in resource
    r0, on alpha resp. beta: volume 0 must not be implicit on one but not the
    other" (check_volume_sets_equal, drbdadm_postparse.c). A host's volume 0 is
    implicit when it has statements outside a volume or inherits the resource's
    implicit one, explicit when it has (or inherits) a ``volume 0`` section."""

    def outside(block: Block) -> bool:
        return any(
            not isinstance(c, Block) and getattr(c, "key", None) in _IMPLICIT_VOLUME
            for c in block.children
        )

    def has_volume0(block: Block) -> bool:
        return any(b.args[:1] == ["0"] for b in block.blocks("volume"))

    res_implicit, res_volume0 = outside(res.block), has_volume0(res.block)
    kinds: list[tuple[str, Host]] = []
    for h in _on_hosts(res):
        own_implicit, own_volume0 = outside(h.block), has_volume0(h.block)
        if own_implicit and own_volume0:
            continue  # (order decides; reported above when it is refused)
        if own_implicit or (not own_volume0 and res_implicit):
            kinds.append(("implicit", h))
        elif own_volume0 or res_volume0:
            kinds.append(("explicit", h))
    first = {kind: h for kind, h in reversed(kinds)}
    if len(first) == 2:
        imp, exp = first["implicit"], first["explicit"]
        yield make(
            "DR023",
            f"resource {res.name}: volume 0 is implicit on '{imp.name}' (statements "
            f"outside a volume) and a 'volume 0' section on '{exp.name}'; drbdadm "
            "refuses the file (volume 0 must not be implicit on one but not the other)",
            item.where(exp.block),
            [item.where(imp.block)],
        )


@rule("DR031", "minor-count-too-small", "error", scope="cluster")
def minor_count_too_small(cluster: Cluster) -> Iterator[Finding]:
    """DRBD 8.3: ``global { minor-count N; }`` is not above the highest device minor
    of the node's resources.

    Why it matters: drbdadm 8.3 refuses to run ("The highest minor you have in your
    config is 4but a minor_count of 2 in your config!", count_resources_or_die in
    drbd-utils' user/v83/drbdadm_main.c), and the 8.3 module, loaded with that
    ``minor_count``, has no ``/dev/drbdN`` for a higher minor. DRBD 8.4 and 9 make
    minors as they go (drbdadm 8.4 and 9 accept the file), so the check is made
    where the release in force is before 8.4 only.

    Example: ``global { minor-count 2; }`` and ``device /dev/drbd4;`` on DRBD 8.3.

    Fix: raise ``minor-count`` above the highest minor (leave room for new
    resources), or drop it (drbdadm 8.3 then loads the module with the highest minor
    plus 11, at least DRBD_MINOR_COUNT_DEF: sh_mod_parms in user/v83/drbdadm_main.c).
    """
    for node, items in _node_configs(cluster).items():
        if not cluster.versions.of("drbd", node).older_than(DRBD_84):
            continue
        setting: tuple[Loaded, Entry] | None = None
        for item in items:
            for top in _drbd(item).children:
                if isinstance(top, Block) and top.key == "global":
                    e = top.entry("minor-count")
                    if e is not None and len(e.values) == 1 and is_decimal(e.values[0]):
                        setting = (item, e)
        if setting is None or decimal(setting[1].values[0]) == 0:
            continue
        count = decimal(setting[1].values[0])
        highest: tuple[int, Loaded, Any] | None = None
        for item, res in _resources(cluster, items):
            if res.stacked:
                continue
            # the node's own section when its name is known; else the smallest minor
            # any host of the resource has (symmetric files give one minor)
            own = node_hosts(res, node) or list(_on_hosts(res))
            minors = [
                (dev.minor, h)
                for h in own
                if (dev := res.effective(h.name).volumes.get(0, {}).get("device")) is not None
                and dev.minor is not None
            ]
            if not minors:
                continue
            minor, host = min(minors, key=lambda m: m[0])
            if highest is None or minor > highest[0]:
                where = host.block.entry("device") or res.block.entry("device") or host.block
                highest = (minor, item, where)
        if highest is not None and count < highest[0] + 1:
            item, entry = setting
            yield make(
                "DR031",
                f"minor-count {count} is not above the highest device minor, {highest[0]}, "
                f"({cluster.versions.of('drbd', node).describe('DRBD')}); drbdadm 8.3 "
                "refuses to run (The highest minor you have in your config is "
                f"{highest[0]}but a minor_count of {count})",
                item.where(entry),
                [highest[1].where(highest[2])],
            )
