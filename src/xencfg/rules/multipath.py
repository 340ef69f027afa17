"""multipath.conf rules: regexes, repeated sections, aliases and WWIDs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from .. import regex
from ..cluster import Cluster, Loaded
from ..discover import RELEASE_FILES
from ..findings import Finding
from ..formats.lines.hacf import HacfDocument
from ..syntax.blocks import Block
from ..syntax.numbers import decimal, is_decimal
from ..versions import (
    MULTIPATH_FIXED_STATE_FILES,
    MULTIPATH_NO_DEVNODE_BLACKLIST,
    MULTIPATH_SPLITS_BRACE,
)
from . import make, repeats, rule, twice
from .documents import bindings_doc as _bindings
from .documents import cib_doc as _cib
from .documents import multipath_doc as _mp

if TYPE_CHECKING:  # (imported for the types only: a rule module loads no format)
    from ..formats.multipath import BlacklistEntry, MultipathDocument
    from ..syntax.tree import Node


@rule("MP001", "bad-regex", "error", formats=("multipath",))
def bad_regex(item: Loaded) -> Iterator[Finding]:
    """A blacklist or exception regex that does not compile or cannot match what it means.

    Why it matters: multipath-tools hands these patterns to regcomp(3). A
    pattern with a stray ``]`` compiles but only matches names containing
    ``]``, so the devices it was meant to blacklist are grabbed by multipathd.

    Example: ``devnode "^hd[a-z][[0-9]*]"`` (``[[0-9]`` is one bracket
    expression, the last ``]`` is literal): IDE disks are *not* blacklisted.

    ``"*"`` does not compile either: upstream multipath-tools (SUSE, Debian)
    drops the line ("parsing failed"; 0.9.4 also says "error parsing config
    file"), so ``blacklist { wwid "*" }`` blacklists nothing. Red Hat's
    device-mapper-multipath reads it as ``".*"`` and the RHEL DM Multipath guides
    write it so: on a node whose /etc has redhat-release it is only a warning.

    A ``devnode_blacklist`` section is the blacklist of multipath-tools 0.4.5
    and 0.4.6 (dict.c ``install_keyword_root("devnode_blacklist", ...)``); 0.4.7
    on do not read it at all: its regexes are checked where the release may be
    0.4.6 or older (a warning while the release is unknown).

    Fix: ``devnode "^hd[a-z][0-9]*"``; ``wwid ".*"`` for ``wwid "*"``.
    """
    doc = _mp(item)
    release = item.versions.of("multipath-tools", item.node)
    old = doc.devnode_blacklist
    if old and not release.may_be_within(None, MULTIPATH_NO_DEVNODE_BLACKLIST):
        old = []  # (0.4.7 on skip the section: XC004 says so)
    red_hat: list[bool] = []  # (the node's family, looked up once, when needed)
    for rules in (doc.blacklist, doc.blacklist_exceptions):
        for r in rules:
            yield from _regex_findings(item, r, red_hat)
    sure = release.older_than(MULTIPATH_NO_DEVNODE_BLACKLIST)
    for r in old:
        for found in _regex_findings(item, r, red_hat):
            yield found if sure else attrs.evolve(found, severity="warning")


def _regex_findings(item: Loaded, r: BlacklistEntry, red_hat: list[bool]) -> Iterator[Finding]:
    """MP001's findings for one blacklist rule ``r``."""
    if r.kind == "device":
        pats = [("vendor", r.vendor), ("product", r.product)]
    else:
        pats = [(r.kind, r.value)]
    for kind, pat in pats:
        if not pat:
            continue
        found = regex.problems(pat)
        if pat == "*":
            # Red Hat's build reads "*" as ".*" with a warning (its patch "RH:
            # warn on invalid regex instead of failing": "multipath.conf used to
            # allow "*" as a match everything regular expression"); upstream's
            # regcomp refuses it and drops the line ("parsing failed")
            msg = (
                f"{kind} regex '*' does not compile: upstream multipath-tools drops"
                ' the line ("parsing failed"), only Red Hat\'s build reads it as'
                " '.*'; write '.*', which every release reads"
            )
            if not red_hat:
                red_hat.append(red_hat_node(item))
            if red_hat[0]:
                msg = (
                    f"{kind} regex '*': this node's device-mapper-multipath (Red Hat's,"
                    " by /etc/redhat-release) reads it as '.*' and logs 'Invalid regular"
                    " expression'; upstream multipath-tools drops the line: write '.*'"
                )
                found_star = make("MP001", msg, item.where(r.node))
                yield attrs.evolve(found_star, severity="warning")
            else:
                yield make("MP001", msg, item.where(r.node))
        elif found:
            msg = f"{kind} regex '{pat}': " + "; ".join(found)
            yield make("MP001", msg, item.where(r.node))


def red_hat_node(item: Loaded) -> bool:
    """The node of ``item`` (an /etc/multipath.conf) is of the Red Hat family: its /etc
    holds a redhat-release file, so multipath is Red Hat's device-mapper-multipath
    (unknown, so not, for a file of no node tree)."""
    tree = item.file.tree
    return tree is not None and any((tree.etc / name).exists() for name in RELEASE_FILES)


@rule("MP002", "repeated-section", "warning", formats=("multipath",))
def repeated_section(item: Loaded) -> Iterator[Finding]:
    """A top-level section (``defaults``, ``blacklist``, ...) appears more than once.

    Why it matters: multipath-tools versions differ on whether repeated
    sections merge or the later one replaces the earlier, so the effective
    settings depend on the installed version.

    Example: two ``defaults { }`` blocks, the first holding only
    ``user_friendly_names yes``.

    Fix: merge the sections into one.
    """
    doc = _mp(item)
    for name in (
        "defaults",
        "blacklist",
        "blacklist_exceptions",
        "multipaths",
        "devices",
        "overrides",
    ):
        blocks = doc.sections(name)
        for b in blocks[1:]:
            yield twice(
                "MP002",
                f"section '{name}' appears {len(blocks)} times; merge them",
                item,
                b,
                blocks[0],
            )


@rule("MP003", "duplicate-multipath", "error", formats=("multipath",))
def duplicate_multipath(item: Loaded) -> Iterator[Finding]:
    """Two ``multipath`` entries share a WWID or an alias in one file.

    Why it matters: for a repeated WWID multipath-tools keeps one entry
    (``merge_mptable: duplicate multipath config section``); a repeated alias
    for two WWIDs is not even detected, and the second map fails to create.

    Fix: give every LUN one entry and a unique alias.
    """
    for attr in ("wwid", "alias"):
        for m, first in repeats(_mp(item).multipaths, attrgetter(attr)):
            yield twice(
                "MP003",
                f"{attr} '{getattr(m, attr)}' is used by two multipath entries",
                item,
                m.block,
                first.block,
            )


@rule("MP004", "alias-differs-between-nodes", "error", scope="cluster")
def alias_differs(cluster: Cluster) -> Iterator[Finding]:
    """An alias maps to different WWIDs on two nodes (or a WWID to different aliases).

    Why it matters: domU configs and the CIB name disks as
    ``/dev/mapper/ALIAS``. If the alias points at another LUN on the other
    node, a migrated guest opens somebody else's disk.

    Nodes of separate heartbeat clusters are not compared.

    Fix: keep multipath.conf's ``multipaths`` section identical on every node.
    """
    model = cluster.model
    by_alias: dict[str, dict[str, tuple[str, Loaded, object]]] = defaultdict(dict)
    by_wwid: dict[str, dict[str, tuple[str, Loaded, object]]] = defaultdict(dict)
    for item in cluster.docs("multipath"):
        if item.node is None:
            continue
        for m in _mp(item).multipaths:
            if m.alias and m.wwid:
                by_alias[m.alias].setdefault(item.node, (m.wwid, item, m.block))
                by_wwid[m.wwid].setdefault(item.node, (m.alias, item, m.block))
    for kind, table, other in (("alias", by_alias, "WWID"), ("WWID", by_wwid, "alias")):
        for key, per_node in sorted(table.items()):
            values = {v for v, _, _ in per_node.values()}
            if len(values) < 2:
                continue
            nodes = sorted(per_node)
            for node in nodes[1:]:
                # compared with the first node of its own cluster (another heartbeat
                # cluster, a target pair, may use the name for another disk)
                ref = next(n for n in nodes if n == node or model.same_cluster(n, node))
                first = per_node[ref]
                value, item, block = per_node[node]
                if ref == node or value == first[0]:
                    continue
                yield make(
                    "MP004",
                    f"{kind} '{key}' is {other} '{value}' on {node} but '{first[0]}' on {ref}",
                    item.where(block),
                    [first[1].where(first[2])],
                )


def _devnode_rules(item: Loaded) -> Iterator[tuple[object, str]]:
    for r in _mp(item).blacklist:
        if r.kind == "devnode" and r.value:
            yield r.node, r.value


@rule("MP005", "blacklist-by-kernel-name", "info", formats=("multipath",))
def blacklist_by_kernel_name(item: Loaded) -> Iterator[Finding]:
    """A SCSI disk is blacklisted by its kernel name (``sdX``).

    Why it matters: ``sd`` names are handed out in discovery order; adding a
    LUN or a path renames the disks, so the blacklist then hides a SAN path
    (or lets the local disk through) without any message.

    Example: ``devnode "^sd[e-z][0-9]*"``.

    Fix: blacklist by ``wwid`` (``/lib/udev/scsi_id -g -u /dev/sdX`` tells it),
    or by ``device { vendor product }``.
    """
    for node, pattern in _devnode_rules(item):
        if pattern.lstrip("^").startswith("sd"):
            yield make(
                "MP005",
                f"devnode '{pattern}' blacklists disks by kernel name; names change "
                "when LUNs or paths are added: blacklist by wwid",
                item.where(node),
            )


@rule("MP006", "regex-tail-does-nothing", "warning", formats=("multipath",))
def regex_tail_does_nothing(item: Loaded) -> Iterator[Finding]:
    """A blacklist regex ends in ``c*`` without an end anchor: that part matches nothing.

    Why it matters: regexes match anywhere unless anchored, so a final
    starred letter adds nothing; it is usually a typo for a class and the
    pattern matches more (or other) devices than its author meant.

    Example: ``devnode "^xvdp*"`` matches every ``xvd*`` device, exactly like
    ``^xvd``.

    Fix: write what was meant: ``^xvd[a-z]*`` or ``^xvd``.
    """
    for node, pattern in _devnode_rules(item):
        message = regex.redundant_tail(pattern)
        if message:
            yield make("MP006", f"devnode {message}", item.where(node))


def _queue_seconds(doc: MultipathDocument) -> list[tuple[object, float, str]]:
    """``(entry, seconds, setting)`` for each ``no_path_retry`` that queues I/O."""
    from ..formats.multipath import SCHEMA

    kw = SCHEMA.keyword("defaults", "polling_interval")  # the daemon's default: 5 s
    assert kw is not None
    default = float(kw.default)
    try:
        interval = float(doc.defaults.get("polling_interval", default))
    except ValueError:
        interval = default
    out: list[tuple[object, float, str]] = []
    sections = [doc.section("defaults")] + [d.block for d in doc.devices]
    sections += [m.block for m in doc.multipaths]
    sections.append(doc.section("overrides"))
    for block in sections:
        if block is None:
            continue
        entry = block.entry("no_path_retry")
        if entry is None or not entry.values:
            continue
        value = entry.values[0]
        if value == "queue":
            out.append((entry, float("inf"), "no_path_retry queue"))
        elif is_decimal(value) and decimal(value) > 0:
            out.append((entry, decimal(value) * interval, f"no_path_retry {value}"))
    return out


def _queues(doc: MultipathDocument) -> bool:
    """Whether multipath queues I/O somewhere when no path is left: a ``no_path_retry``
    that queues, or ``features "1 queue_if_no_path"``."""
    if _queue_seconds(doc):
        return True
    sections = [doc.section("defaults"), doc.section("overrides")]
    sections += [d.block for d in doc.devices] + [m.block for m in doc.multipaths]
    return any(
        "queue_if_no_path" in " ".join(e.values)
        for b in sections
        if b is not None
        for e in b.entries("features")
    )


def _cluster_fences(cluster: Cluster) -> bool:
    """Whether a CIB of the run has STONITH on with a device that can reset a hung node."""
    from .cib.common import units
    from .cib.stonith import TEST_AGENTS, _stonith_enabled

    for unit in units(cluster):
        on, _ = _stonith_enabled(unit)
        if on and any(
            p.is_stonith and (p.type or "") not in TEST_AGENTS
            for i in unit.scope
            for p in _cib(i).primitives
        ):
            return True
    return False


@rule("MP007", "queueing-outlasts-failover", "warning", scope="cluster", hazard=True)
def queueing_outlasts_failover(cluster: Cluster) -> Iterator[Finding]:
    """multipath queues I/O longer than heartbeat waits before declaring a node dead.

    Why it matters: with every path gone, ``no_path_retry`` makes I/O wait
    (``queue``: forever; ``N``: N checker intervals). Processes on the node
    hang instead of failing, while the cluster has already moved the
    resources: the node neither serves nor gets out of the way.

    Example: ``no_path_retry 60`` with ``polling_interval 5`` queues for
    300 s, while ha.cf says ``deadtime 50``.

    Not reported when the cluster fences: with STONITH enabled and a device that
    resets nodes (not ``ssh``, ``null`` or ``suicide``) in the CIB, or ha.cf
    ``stonith``/``stonith_host`` lines without the CRM, the hung node is reset before its
    resources start elsewhere, and its queued I/O dies with it.

    Fix: keep the queueing time (``no_path_retry`` x ``polling_interval``)
    below heartbeat's deadtime, or use fencing that resets the node.
    """
    fenced = _cluster_fences(cluster)
    for node, items in cluster.by_node("multipath").items():
        found = next(cluster.typed("hacf", HacfDocument, node or None), None)
        if found is None:
            continue
        hacf, hb = found
        if fenced or (hb.stonith and not hb.crm_enabled):  # v1 fencing: ignored under the CRM
            continue
        deadtime = hb.deadtime or 30.0
        anchor = hb.entry("deadtime")
        for item in items:
            for entry, seconds, setting in _queue_seconds(_mp(item)):
                if seconds <= deadtime:
                    continue
                waits = "forever" if seconds == float("inf") else f"for {seconds:g} s"
                yield make(
                    "MP007",
                    f"{setting} queues I/O {waits}, longer than heartbeat's deadtime "
                    f"{deadtime:g} s",
                    item.where(entry),
                    [hacf.where(anchor)],
                )


@rule("MP008", "alias-not-defined", "error", scope="cluster")
def alias_not_defined(cluster: Cluster) -> Iterator[Finding]:
    """A CIB resource or a DRBD backing disk uses ``/dev/mapper/ALIAS`` but no
    multipath.conf defines it (for a DRBD disk: its node's).

    Why it matters: the Filesystem (or other) resource fails to start on
    every node: the device does not exist, and the cluster fails it over
    until it runs out of nodes; DRBD cannot attach the disk ("Can not open
    backing device"). (domU disks are checked by XN006, with the same names.)

    Names multipath gives maps without an alias count as defined, as do LVM's
    ``VG-LV`` names and partitions: with ``user_friendly_names yes`` a map is
    ``mpathN`` or ``mpatha`` (from the bindings file, not multipath.conf),
    without it the map is named by its WWID (``/dev/mapper/3600508b4...``,
    multipath.conf(5)). A name a node's bindings file gives is defined when that
    node's multipath.conf turns ``user_friendly_names`` on (whatever ``alias_prefix``).

    Other device-mapper devices live in /dev/mapper too (dm-crypt, dmraid,
    ``dmsetup create``), and no file xencfg reads lists them: a name like no
    alias and not shaped as multipath names maps (``mpathN``, a WWID) is a
    warning; a name close to a defined alias, or one multipath would give but
    does not with this configuration, is an error.

    Example: ``<nvpair name="device" value="/dev/mapper/pool"/>`` with the
    alias spelt ``cfgpool`` in multipath.conf.

    Fix: use the alias multipath.conf gives the LUN, on every node.
    """
    from .xen.domus import _alias_known, _aliases

    mp = list(cluster.docs("multipath"))
    if not mp:
        return
    aliases = {m.alias for item in mp for m in _mp(item).multipaths if m.alias}
    for n in cluster.nodes:  # with user_friendly_names: the names bindings files give
        aliases.update(node_bindings(cluster, n))
    friendly = any(
        str(_mp(i).defaults.get("user_friendly_names", "no")).lower() in ("yes", "1", "on")
        for i in mp
    )
    for item in cluster.docs("cib"):
        for prim in _cib(item).primitives:
            for value in prim.instance_attributes.values():
                if not value or not value.startswith("/dev/mapper/"):
                    continue
                name = value[len("/dev/mapper/") :].split("/", 1)[0]
                if _alias_known(name, aliases, friendly):
                    continue
                yield _unknown_map(
                    f"{prim.id} uses {value}, but no multipath.conf defines alias '{name}'",
                    name,
                    aliases,
                    item.where(prim),
                    [mp[0].where()],
                )
    if not cluster.has("drbd"):
        return
    from .drbd.common import _node_configs

    for node, items in _node_configs(cluster).items():
        if not node:
            continue
        mine, friendly, docs = _aliases(cluster, node)
        if not docs:
            continue
        for item, res, disk, at in _backing_disks(cluster, items, node):
            if not disk.startswith("/dev/mapper/"):
                continue
            name = disk[len("/dev/mapper/") :]
            if _alias_known(name, mine, friendly):
                continue
            yield _unknown_map(
                f"DRBD resource {res.name} on {node} uses {disk}, but {node}'s "
                f"multipath.conf defines no alias '{name}'",
                name,
                mine,
                item.where(at),
                [docs[0].where()],
            )


def _backing_disks(cluster: Cluster, items: list[Loaded], node: str) -> Iterator[tuple[Any, ...]]:
    """``(item, resource, disk, where the disk is set)`` for every volume of ``node``'s
    own DRBD resources."""
    from .drbd.common import _effective, own_hosts

    for item, res, h in own_hosts(cluster, items, node):
        for vol in _effective(cluster, res, h.name).volumes.values():
            at = h.block.entry("disk") or res.block.entry("disk") or h.block
            yield item, res, vol.get("disk") or "", at


def _unknown_map(
    message: str, name: str, aliases: set[str], where: Any, related: list[Any]
) -> Finding:
    """MP008's finding: an error for a name that is a misspelt alias or a multipath map
    name this configuration does not give, a warning for any other device-mapper name
    (dm-crypt, dmraid: no file xencfg reads lists them)."""
    from .xen.domus import OTHER_DM, surely_multipath

    sure, hint = surely_multipath(name, aliases)
    found = make("MP008", message + hint, where, related)
    return found if sure else attrs.evolve(found, severity="warning", message=message + OTHER_DM)


#: Kernel names SAN paths get (iSCSI, FC): a devnode regex matching all of them
#: blacklists every path of every LUN.
_SCSI_PATH_NAMES = ("sda", "sdc", "sdq", "sdz", "sdaa")


def _matches_any(entries: list[BlacklistEntry], text: str) -> bool | None:
    """Whether one of the regex ``entries`` matches ``text`` (``None``: one we cannot judge)."""
    unsure = False
    for e in entries:
        hit = regex.search(e.value or "", text)
        if hit:
            return True
        unsure = unsure or hit is None
    return None if unsure else False


def _blacklisting(items: list[Loaded], wwid: str) -> tuple[Loaded, object, str] | None:
    """The blacklist entry that keeps multipath from mapping ``wwid`` on a node whose
    multipath configuration is ``items``, and why; ``None`` when nothing does or we
    cannot tell.

    As blacklist.c's ``_filter_path``: the devnode stage runs first and returns as
    soon as a path is blacklisted, so only a devnode exception undoes a devnode
    blacklist; at the wwid stage (``_filter_wwid``) an exception wins over the
    blacklist. A devnode regex is judged only when it matches every SCSI disk name;
    a ``device`` entry only when its vendor and product match anything.
    """
    entries = [(item, r) for item in items for r in _mp(item).blacklist]
    excepts = [r for item in items for r in _mp(item).blacklist_exceptions]

    def of(kind: str) -> list[BlacklistEntry]:
        return [r for r in excepts if r.kind == kind]

    for item, r in entries:
        if r.kind == "devnode" and r.value:
            if not all(regex.search(r.value, n) for n in _SCSI_PATH_NAMES):
                continue
            if any(_matches_any(of("devnode"), n) is not False for n in _SCSI_PATH_NAMES):
                continue
            why = f"devnode '{r.value}' blacklists every SCSI disk (its paths)"
            if of("wwid"):
                why += "; a wwid exception does not undo a devnode blacklist"
            return item, r.node, why
        universal = (
            r.vendor is not None
            and r.product is not None
            and regex.search(r.vendor, "")
            and regex.search(r.product, "")
        )
        if r.kind == "device" and not of("device") and universal:
            return item, r.node, "device entry blacklists every vendor and product"
    for item, r in entries:
        if r.kind != "wwid" or not r.value or not regex.search(r.value, wwid):
            continue
        if _matches_any(of("wwid"), wwid) is not False:
            return None  # an exception takes it back (or one we cannot read might)
        return item, r.node, f"wwid '{r.value}' matches it and no blacklist_exceptions wwid does"
    return None


@rule("MP009", "aliased-wwid-blacklisted", "warning", scope="cluster")
def aliased_wwid_blacklisted(cluster: Cluster) -> Iterator[Finding]:
    """A WWID has an alias in ``multipaths`` but the blacklist keeps multipath off it.

    Why it matters: a blacklisted device is never mapped, so
    ``/dev/mapper/ALIAS`` does not appear and the domU or CIB resource that
    uses it fails to start. multipath-tools checks the blacklist before the
    ``multipaths`` section; ``multipath -v3`` prints "wwid blacklisted" or
    "device node name blacklisted" for the LUN's paths. In blacklist.c an
    exception of the same kind wins (``_filter_wwid`` reads
    ``blacklist_exceptions`` first), but the devnode stage comes first:
    ``path_discover`` (discovery.c) drops a path whose name the devnode
    blacklist matches before its WWID is read, in 0.4.x as in 0.9, so a wwid
    exception does not undo it.

    Example: ``blacklist { wwid ".*" }`` (blacklist everything, then list
    exceptions) with the LUN's WWID missing from ``blacklist_exceptions``.

    Fix: add ``wwid WWID`` to ``blacklist_exceptions`` (or narrow the
    blacklist entry so it no longer matches the LUN).
    """
    for node, items in cluster.by_node("multipath").items():
        for item in items:
            # a node's files are one configuration (conf.d/*.conf joins multipath.conf);
            # loose files given together may come from different clusters
            config = items if node else [item]
            for m in _mp(item).multipaths:
                if not m.wwid or not m.alias:
                    continue
                hit = _blacklisting(config, m.wwid)
                if hit is None:
                    continue
                where_item, anchor, why = hit
                yield make(
                    "MP009",
                    f"alias '{m.alias}' names WWID {m.wwid}, but the blacklist keeps multipath "
                    f"off it ({why}): /dev/mapper/{m.alias} is never created",
                    item.where(m.block),
                    [where_item.where(anchor)],
                )


#: What MP010 adds when the keyword is written, but after the ``{`` on its line.
UNREAD = " it reads (not the one after its '{')"


@rule("MP010", "section-dropped", "error", formats=("multipath",))
def section_dropped(item: Loaded) -> Iterator[Finding]:
    """A ``multipath`` entry without ``wwid``, or a ``device`` entry of ``devices``
    without ``vendor`` or ``product``.

    Why it matters: multipath-tools drops the whole section with its alias or
    its settings (0.9.4 config.c: ``merge_mptable`` logs "multipaths config
    section missing wwid", ``factorize_hwtable`` "device config ... missing
    vendor or product parameter"), so the LUN runs without them: no
    ``/dev/mapper/ALIAS`` for the domUs, or the built-in defaults for the array.

    Example: ``device { vendor "IET" path_checker tur }`` (no ``product``).

    Also a section multipath does not know *inside* a section (``DEVICE {``
    in ``blacklist``): parser.c takes its name as an invalid keyword and its
    ``}`` as the end of the enclosing section, so what follows in that section
    is read at the top level and dropped (``multipath -t``: "invalid keyword:
    devnode", "unmatched '}'").

    Also ``overrides`` with its ``{`` on a line below: parser.c
    (``validate_config_strvec``, 0.6 on) reads other sections so, but not
    ``overrides`` ("missing value for option 'overrides'"): it skips the line
    and reads the settings at the top level, where they are invalid keywords. And
    a ``vendor``, ``product`` or ``wwid`` written after the ``{`` on its line
    (``device { vendor "X"``): multipath does not read it ("ignoring extra
    data"), so the section misses it.

    Also ``defaults{`` (no blank before the ``{``) where the cluster may run
    multipath-tools before 0.4.9 (RHEL 5, SLES 10: 0.4.7): its parser.c
    ``alloc_strvec`` ends a word at a blank only, so ``defaults{`` names no
    section and the whole section is skipped without a word; 0.4.9 on splits
    the ``{`` off and reads it. An error where the release is known to be older
    than 0.4.9, a warning where it may be, nothing where it is 0.4.9 or later
    (``--target multipath-tools=0.4.9``).

    Fix: add the missing keyword (``product ".*"`` matches every product of
    the vendor); spell the section as multipath does (lower case); write
    ``overrides {`` on one line and each statement on a line of its own;
    ``defaults {`` with a blank.
    """
    from ..formats._multipath_braces import after_brace, dropped_below, glued
    from ..formats.multipath import keywords_for

    doc = _mp(item)
    text = doc.source or ""
    release = item.versions.of("multipath-tools", item.node)
    # 'defaults{': lost before 0.4.9 only (an error where the release is one of those,
    # a warning where it may be, nothing where it is certainly 0.4.9 or later)
    old_reader = release.may_be_within(None, MULTIPATH_SPLITS_BRACE)

    def read(block: Block, key: str) -> bool:
        lost = after_brace(block, text)
        return any(e is not lost for e in block.entries(key))

    def nested(node: Node, context: tuple[str, ...]) -> Iterator[Finding]:
        kids = [c for c in node.child_nodes() if getattr(c, "key", None) is not None]
        allowed = keywords_for(context)
        for i, c in enumerate(kids):
            if not isinstance(c, Block):
                continue
            known = allowed is not None and c.key in allowed
            if known and old_reader and glued(c, text):
                found = make(
                    "MP010",
                    f"'{c.key}{{' without a blank: multipath-tools before 0.4.9 reads"
                    f" '{c.key}{{' as one word, no section, and drops the whole section"
                    f" without a word (the release here: {release.describe('multipath-tools')});"
                    f" 0.4.9 on"
                    f" reads it: write '{c.key} {{'",
                    item.where(c),
                )
                sure = release.older_than(MULTIPATH_SPLITS_BRACE)
                yield found if sure else attrs.evolve(found, severity="warning")
            if known and dropped_below(c, text):
                yield make(
                    "MP010",
                    f"the '{{' of {c.key} is on a line below it: multipath drops the whole"
                    f" section (\"missing value for option '{c.key}'\") and reads none of"
                    f" its settings: write '{c.key} {{'",
                    item.where(c),
                )
            if context and allowed is not None and c.key not in allowed:
                if kids[i + 1 :]:
                    yield make(
                        "MP010",
                        f"section '{c.key}' is unknown inside '{context[-1]}': multipath"
                        f" ends '{context[-1]}' at its '}}' and drops the"
                        f" {len(kids) - i - 1} line(s) after it",
                        item.where(c),
                    )
            elif allowed is not None:
                yield from nested(c, (*context, c.key))

    yield from nested(doc, ())
    for m in doc.multipaths:
        if not read(m.block, "wwid"):
            alias = f" (alias '{m.alias}')" if m.alias else ""
            said = UNREAD if any(m.block.entries("wwid")) else ""
            yield make(
                "MP010",
                f"multipath entry{alias} has no wwid{said}: multipath drops the whole entry",
                item.where(m.block),
            )
    for d in doc.devices:
        missing = [k for k in ("vendor", "product") if not read(d.block, k)]
        if missing:
            said = UNREAD if any(any(d.block.entries(k)) for k in missing) else ""
            yield make(
                "MP010",
                f"device entry has no {' and no '.join(missing)}{said}: multipath drops"
                " the whole entry and its settings",
                item.where(d.block),
            )


# -- the bindings file (user_friendly_names) ---------------------------------------------

#: ``alias -> (WWID, file, line)`` as a node's bindings file binds them (the first line of
#: an alias wins, as alias.c reads it).
Bound = dict[str, tuple[str, Loaded, object]]


def friendly_names(items: list[Loaded]) -> bool | None:
    """Whether multipath.conf (``items``, one node's) turns ``user_friendly_names`` on for
    some map: only then does multipathd read the bindings file. ``None``: no
    multipath.conf read. ``defaults`` (0.4.x); from 0.5 also ``devices``, ``multipaths``
    and ``overrides``, read in propsel.c's order (a ``multipaths`` entry, then
    ``overrides``, then ``devices``, then ``defaults``): an ``overrides`` value decides
    for every map that its ``multipaths`` entry does not."""
    if not items:
        return None

    def says(block: Block | None) -> bool | None:
        e = block.entry("user_friendly_names") if block is not None else None
        if e is None or not e.values:
            return None
        return str(e.values[0]).lower() in ("yes", "1", "on")

    docs = [_mp(i) for i in items]
    entries = [says(m.block) for d in docs for m in d.multipaths]
    overrides = [says(d.section("overrides")) for d in docs]
    if any(entries):
        return True
    decided = [v for v in overrides if v is not None]
    if decided:
        return decided[-1]
    lower = [says(d.block) for doc in docs for d in doc.devices]
    return any(lower) or any(says(d.section("defaults")) for d in docs)


def node_bindings(cluster: Cluster, node: str) -> Bound:
    """The names a node's bindings file gives, when its multipath.conf turns
    ``user_friendly_names`` on (else multipathd names maps by WWID and never reads it).
    Where ``bindings_file`` moves the file and that file was read, only it counts; not
    where multipath-tools 0.9.7 or later runs, which ignores the keyword."""
    confs = list(cluster.docs("multipath", node)) if node else []
    if not friendly_names(confs):
        return {}
    items = list(cluster.docs("multipath-bindings", node))
    moved = [
        str(v)
        for c in confs
        if (v := _mp(c).defaults.get("bindings_file"))
        and not c.versions.of("multipath-tools", c.node).at_least(MULTIPATH_FIXED_STATE_FILES)
    ]
    there = [i for i in items if moved and i.file.path.as_posix().endswith(moved[-1])]
    out: Bound = {}
    for item in there or items:
        for b in _bindings(item).bindings:
            out.setdefault(b.alias, (b.wwid, item, b.entry))
    return out


@rule("MP011", "bindings-conflict", "error", scope="cluster")
def bindings_conflict(cluster: Cluster) -> Iterator[Finding]:
    """The bindings file gives one alias to two WWIDs, or one WWID two aliases, or an
    alias that multipath.conf's ``multipaths`` gives another WWID.

    Why it matters: with ``user_friendly_names yes`` multipathd names maps from
    /etc/multipath/bindings (/var/lib/multipath/bindings up to 0.4.8). Up to 0.8.4 it
    reads the file line by line (alias.c ``lookup_binding``/``rlookup_binding``, the first
    match wins) and a multipath.conf alias comes first (propsel.c ``select_alias``): an
    alias bound to two LUNs is asked for by both maps and device-mapper creates only
    one, so which LUN ``/dev/mapper/ALIAS`` is depends on discovery order. From 0.8.5
    ``check_alias_settings`` logs "ERROR: multiple bindings for alias" or "conflicts
    with multipath.conf entry", drops the line and rewrites the file: the LUN gets a new
    name. A WWID bound to two aliases gets one of them: the first line's up to 0.9.6, the
    first in alias order from 0.9.7 (bindings kept sorted in memory): the other name is
    never created, and which one exists can change with an upgrade (a warning).

    Example: ``mpatha 3600140511`` and ``mpatha 3600140522`` (a bindings file copied
    from the other node and merged by hand).

    With ``user_friendly_names`` off multipathd does not read the file: a warning.

    Fix: keep one line per alias and per WWID (``multipath -ll`` shows which WWID each
    running map has); drop the line that multipath.conf's alias overrides.
    """
    for node, items in cluster.by_node("multipath-bindings").items():
        confs = list(cluster.docs("multipath", node)) if node else []
        friendly = friendly_names(confs)
        conf: dict[str, tuple[str, Loaded, object]] = {}
        for c in confs:
            for m in _mp(c).multipaths:
                if m.alias and m.wwid:
                    conf.setdefault(m.alias, (m.wwid, c, m.block))
        for item in items:
            by_alias: dict[str, Any] = {}
            by_wwid: dict[str, Any] = {}
            for b in _bindings(item).bindings:
                found: list[Finding] = []
                first = by_alias.setdefault(b.alias, b)
                if first is not b and first.wwid != b.wwid:
                    found.append(
                        twice(
                            "MP011",
                            f"alias '{b.alias}' is bound to {b.wwid} here and to {first.wwid}"
                            " on an earlier line: only one LUN can be /dev/mapper/"
                            f"{b.alias} (0.8.5 and later drop this line and rename the LUN)",
                            item,
                            b.entry,
                            first.entry,
                        )
                    )
                earlier = by_wwid.setdefault(b.wwid, b)
                if earlier is not b and earlier.alias != b.alias:
                    names = sorted((earlier.alias, b.alias), key=lambda a: (len(a), a))
                    which = (
                        f"'{earlier.alias}' up to 0.9.6 and from 0.9.7"
                        if names[0] == earlier.alias
                        else f"'{earlier.alias}' up to 0.9.6, '{names[0]}' from 0.9.7"
                    )
                    found.append(
                        twice(
                            "MP011",
                            f"WWID {b.wwid} is bound to '{b.alias}' here and to"
                            f" '{earlier.alias}' on an earlier line: multipathd names the"
                            f" map {which}; the other name is never created",
                            item,
                            b.entry,
                            earlier.entry,
                            severity="warning",
                        )
                    )
                named = conf.get(b.alias)
                if named is not None and named[0] != b.wwid:
                    found.append(
                        make(
                            "MP011",
                            f"alias '{b.alias}' is bound to {b.wwid} here, but multipath.conf"
                            f" gives it to {named[0]}: both maps want the name (0.8.5 and later"
                            " log 'conflicts with multipath.conf entry' and drop this line)",
                            item.where(b.entry),
                            [named[1].where(named[2])],
                        )
                    )
                for f in found:
                    if friendly is False and f.severity == "error":
                        f = attrs.evolve(
                            f,
                            severity="warning",
                            message=f.message + " (user_friendly_names is off: not read now)",
                        )
                    yield f


def _mapper_name(path: str) -> str | None:
    """The device-mapper name of a /dev/mapper path (``None`` for other paths)."""
    if not path.startswith("/dev/mapper/"):
        return None
    return path[len("/dev/mapper/") :].split("/", 1)[0] or None


@rule("MP012", "bindings-differ-between-nodes", "error", scope="cluster")
def bindings_differ(cluster: Cluster) -> Iterator[Finding]:
    """A domU or a CIB resource uses ``/dev/mapper/mpathX`` that the nodes' bindings
    files give different LUNs, or two nodes' DRBD disks resolve, through their
    bindings, to one LUN.

    Why it matters: with ``user_friendly_names yes`` each node names its maps from its
    own bindings file, in the order it discovered the LUNs; nothing keeps the files of
    two nodes alike. Red Hat's DM Multipath guide (RHEL 4 to 7, section 2.2
    "Consistent Multipath Device Names in a Cluster": "the name of the multipath device
    is unique to a node, but it is not guaranteed to be the same on all nodes") says to
    copy the bindings file from one node to the others, or to use aliases. A domU
    naming ``/dev/mapper/mpatha`` opens another LUN after a migration or fail-over to
    a node whose bindings give ``mpatha`` another WWID, and writes over its data; so
    does a Filesystem resource the cluster starts there. DRBD backing disks are per
    node (different LUNs on two nodes is normal), but one LUN as the backing disk of
    two nodes' DRBD (the same resource's two hosts, or two resources) has two writers.

    Names multipath.conf's ``multipaths`` gives are not compared here (MP004 compares
    them): an alias there wins over the bindings file. Nodes of separate clusters are
    not compared.

    Example: node xen1's bindings has ``mpatha 3600140511``, xen2's ``mpatha
    3600140522``; domU web has ``disk = ['phy:/dev/mapper/mpatha,xvda,w']``.

    Fix: copy /etc/multipath/bindings from one node to the others (then ``multipath
    -r``), or give the LUN an alias in multipath.conf's ``multipaths`` on every node.
    """
    from .xen.common import _domu, _domus, _label, _where, disk_key

    nodes = sorted({n for n in cluster.by_node("multipath-bindings") if n})
    if len(nodes) < 2:
        return
    model = cluster.model
    bound = {n: node_bindings(cluster, n) for n in nodes}
    conf_aliases = {
        n: {m.alias for i in cluster.docs("multipath", n) for m in _mp(i).multipaths if m.alias}
        for n in nodes
    }

    def others(node: str) -> Iterator[str]:
        return (m for m in nodes if m != node and model.same_cluster(node, m))

    for item in _domus(cluster):
        node = item.node
        if node not in bound:
            continue
        for disk in _domu(item).disks:
            key = disk_key(disk)
            name = _mapper_name(key or "")
            if name is None or name not in bound[node] or name in conf_aliases[node]:
                continue
            wwid, b_item, b_line = bound[node][name]
            for other in others(node):
                there = bound[other].get(name)
                if there is None or there[0] == wwid or name in conf_aliases[other]:
                    continue
                yield make(
                    "MP012",
                    f"domU {_label(item)} disk {disk.target}: /dev/mapper/{name} is {wwid} on"
                    f" {node} but {there[0]} on {other} (their bindings files differ): on"
                    f" {other} the guest opens another LUN",
                    _where(item, "disk"),
                    [b_item.where(b_line), there[1].where(there[2])],
                )
    for item in cluster.docs("cib"):
        for prim in _cib(item).primitives:
            for value in prim.instance_attributes.values():
                name = _mapper_name(value or "")
                if name is None:
                    continue
                seen = [
                    (n, bound[n][name])
                    for n in nodes
                    if name in bound[n] and name not in conf_aliases[n]
                    if item.node is None or n == item.node or model.same_cluster(item.node, n)
                ]
                for n, there in seen[1:]:
                    ref, first = next((m, b) for m, b in seen if m == n or m in others(n))
                    if ref == n or there[0] == first[0]:
                        continue
                    yield make(
                        "MP012",
                        f"{prim.id} uses {value}: /dev/mapper/{name} is {first[0]} on {ref}"
                        f" but {there[0]} on {n} (their bindings files differ): started on {n}"
                        " it opens another LUN",
                        item.where(prim),
                        [first[1].where(first[2]), there[1].where(there[2])],
                    )
    if cluster.has("drbd"):
        yield from _drbd_shared_lun(cluster, bound, conf_aliases, others)


def _drbd_shared_lun(
    cluster: Cluster,
    bound: dict[str, Bound],
    conf_aliases: dict[str, set[str]],
    others: Any,
) -> Iterator[Finding]:
    """MP012's DRBD half: one WWID, through the bindings files, as the backing disk of
    two nodes' DRBD."""
    from .drbd.common import _node_configs

    used: dict[str, list[tuple[str, str, str, Loaded, object]]] = defaultdict(list)
    for node, items in _node_configs(cluster).items():
        if node not in bound:
            continue
        for item, res, disk, at in _backing_disks(cluster, items, node):
            name = _mapper_name(disk)
            if name is None or name not in bound[node] or name in conf_aliases[node]:
                continue
            used[bound[node][name][0]].append((node, res.name, name, item, at))
    for wwid, uses in sorted(used.items()):
        for i, (node, rname, name, item, where) in enumerate(uses):
            for node2, res2, name2, item2, at2 in uses[:i]:
                if node2 == node or node2 not in set(others(node)):
                    continue
                yield make(
                    "MP012",
                    f"DRBD resource {rname} on {node} uses /dev/mapper/{name}, which {node}'s"
                    f" bindings file gives {wwid}: the LUN {node2}'s {res2} uses as"
                    f" /dev/mapper/{name2}; two DRBD nodes write one LUN",
                    item.where(where),
                    [item2.where(at2)],
                )
