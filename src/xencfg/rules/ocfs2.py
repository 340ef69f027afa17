"""OCFS2 rules: cluster.conf's own consistency, its agreement between nodes
and with the other node lists, and sysconfig/o2cb's boot cluster."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..cluster import Cluster, Loaded, memberships, ocfs2_conf_unread
from ..findings import Finding
from ..formats.lines.hacf import HacfDocument
from ..formats.view import to_int
from ..syntax.numbers import decimal, shown, simple_strtoul, written
from . import make, repeats, rule, twice
from .documents import cib_doc as _cib
from .documents import ocfs2_doc as _ocfs2
from .documents import shellvars_doc as _o2cb
from .drbd.common import short

if TYPE_CHECKING:
    from ..formats.lines.ocfs2 import Ocfs2Document


@rule("OC001", "node-count-mismatch", "warning", formats=("ocfs2",))
def node_count(item: Loaded) -> Iterator[Finding]:
    """A cluster's ``node_count`` differs from the number of its ``node:`` stanzas.

    Why it matters: the file contradicts itself, and the tools that edit it
    (o2cb_ctl, ocfs2console) keep the count as written, so whoever reads it
    next is misled about the members. o2cb (ocfs2-tools 1.8) registers every
    ``node:`` stanza whatever the count says (checked with peer-o2cb), so this
    is a warning, not an error.

    Example: ``node_count = 3`` with two ``node:`` stanzas naming the cluster.

    Fix: set ``node_count`` to the number of nodes.
    """
    doc = _ocfs2(item)
    for c in doc.clusters:
        if c.name is None or c.node_count is None:
            continue
        members = doc.members(c.name)
        if c.node_count != len(members):
            yield make(
                "OC001",
                f"cluster '{c.name}' has node_count = {c.node_count} "
                f"but {len(members)} node stanza(s)",
                item.where(c.block.entry("node_count") or c.block),
                [item.where(n.block) for n in members],
            )


@rule("OC002", "duplicate-node", "error", formats=("ocfs2",))
def duplicate_node(item: Loaded) -> Iterator[Finding]:
    """Two ``node:`` stanzas share a name, a number (in one cluster) or an ``ip:port``.

    Why it matters: o2cb refuses a repeated name; a repeated number or
    interconnect address makes two nodes one to o2net, so the second node's
    mount hangs or is fenced.

    Fix: give every node its own name, number and address.
    """
    doc = _ocfs2(item)
    uses = []
    for n in doc.nodes:
        if n.name is not None:
            uses.append(("name", n.name, n))
        if n.number is not None:
            uses.append(("number", f"{n.number} (cluster {n.cluster})", n))
        if n.ip_address is not None and n.ip_port is not None:
            uses.append(("ip:port", f"{n.ip_address}:{n.ip_port}", n))
    for (kind, value, n), (_, _, first) in repeats(uses, lambda u: u[:2]):
        yield twice(
            "OC002",
            f"node {kind} {value} is used by '{n.name}' and '{first.name}'",
            item,
            n.block,
            first.block,
        )


@rule("OC003", "unknown-cluster", "error", formats=("ocfs2",))
def unknown_cluster(item: Loaded) -> Iterator[Finding]:
    """A node's ``cluster =`` names no ``cluster:`` stanza.

    Why it matters: o2cb puts the node in a cluster that does not exist, so
    it never joins the one you meant (often a renamed cluster).

    Example: ``cluster = ocfs2`` on a node while the stanza says ``name = xen``.

    Fix: use the cluster stanza's ``name``.
    """
    doc = _ocfs2(item)
    names = {c.name for c in doc.clusters if c.name}
    for n in doc.nodes:
        if n.cluster is not None and n.cluster not in names:
            known = ", ".join(sorted(names)) or "none"
            yield make(
                "OC003",
                f"node '{n.name}' is in cluster '{n.cluster}', which is not defined ({known})",
                item.where(n.block.entry("cluster") or n.block),
                [item.where(c.block) for c in doc.clusters],
            )


@rule("OC004", "problem-o2cb-rejects", "error", formats=("ocfs2",))
def o2cb_rejects(item: Loaded) -> Iterator[Finding]:
    """Content we parse but o2cb refuses: CRLF line ends, a node without a
    required attribute, a number or port that is not a number, a non-IPv4 address,
    an empty line inside a stanza or an indented comment, a stanza or attribute
    name with a character other than a letter, a digit or ``_`` (``heartbeat-mode``),
    a ``heartbeat_mode`` other than ``local`` or ``global`` (``"global"``,
    ``global # comment``; the case does not matter).

    Why it matters: o2cb does not start the cluster at all, so no node can
    mount the filesystem. A node stanza without ``cluster`` is the exception:
    o2cb loads the file and drops that node (``o2cb list-cluster`` does not
    list it), so that node alone cannot join or mount.

    o2cb's reader ends a stanza at an empty (or blank) line, so the attributes
    after one belong to no stanza, and takes ``#`` as a comment only in column 0:
    both make it load nothing ("Attributes require a matching stanza",
    "Invalid character in attribute name", o2cb_ctl/jconfig.c).

    Fix: follow the message (every node needs name, number, ip_address,
    ip_port and cluster; o2net is IPv4 only; LF line ends; no empty line inside
    a stanza, comments from column 0).
    """
    doc = _ocfs2(item)
    for p in doc.problems():
        if "repeated" in p.message:
            continue  # OC002
        yield make("OC004", p.message, item.where(p.node))
    for offset, message in _layout_problems(doc.source):
        yield make("OC004", message, item.where(offset))


def _layout_problems(source: str) -> Iterator[tuple[int, str]]:
    """Where o2cb's reader (ocfs2-tools o2cb_ctl/jconfig.c) fails on the file's layout,
    which the model keeps as trivia: an empty or blank line ends a stanza
    (j_config_parse_base and j_config_parse_white_start set ``cfc->cfs = NULL``), so
    an attribute after it is "Attributes require a matching stanza"; a comment is
    only one that starts in column 0 (an indented ``#`` is "Invalid character in
    attribute name"). Both set ``cfc->error``: o2cb loads nothing (peer-o2cb:
    "Unknown code ____ 251 while loading cluster configuration file")."""
    in_stanza = False
    offset = 0
    for line in source.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        body = text.lstrip(" \t")
        if not body:
            in_stanza = False
        elif text[0] not in " \t":
            if body[0] != "#":
                in_stanza = text.rstrip().endswith(":")
        elif body[0] == "#":
            yield (
                offset + len(text) - len(body),
                "an indented comment: o2cb reads comments only from column 0 and rejects "
                "the file (Invalid character in attribute name: #)",
            )
        elif not in_stanza:
            in_stanza = True  # (one finding for the lines up to the next empty one)
            yield (
                offset + len(text) - len(body),
                "attribute after an empty line: o2cb ends the stanza at that line and "
                "rejects the file (Attributes require a matching stanza)",
            )
        offset += len(line)


def _against_first(cluster: Cluster, nodes: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(node, ref)`` for every node but the first of its cluster, ``ref`` that first
    node (by name): two dom0 clusters on one site each run their own OCFS2 cluster,
    whose nodes never talk to the other's, so a node is compared within its own."""
    from ..membership import apart

    order = sorted(nodes)
    for k, node in enumerate(order[1:], 1):
        ref = next((r for r in order[:k] if not apart(cluster, r, node)), None)
        if ref is not None:
            yield node, ref


def _shape(doc: Ocfs2Document) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Stanzas by kind and name with their attributes, what o2cb reads."""
    out: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for b in doc.stanzas():
        attrs_ = {e.key: " ".join(e.values) for e in b.entries()}
        if b.key == "cluster":
            # no heartbeat_mode is local heartbeat: o2cb reads it so (ocfs2-tools
            # o2cb_ctl/o2cbtool list-cluster: ``if (!hbmode) hbmode =
            # strdup(O2CB_LOCAL_HEARTBEAT_TAG)``), and ocfs2-tools 1.8 writes it out
            attrs_.setdefault("heartbeat_mode", "local")
        key = (b.key, attrs_.get("name") or attrs_.get("region") or "")
        out[key] = tuple(sorted(attrs_.items()))
    return out


@rule("OC005", "cluster-conf-differs", "error", scope="cluster")
def differs(cluster: Cluster) -> Iterator[Finding]:
    """cluster.conf differs between nodes (stanzas or their attributes).

    Why it matters: every node must have the same cluster.conf; a node
    with another node list or address talks to peers that do not expect it,
    and the mount hangs or the node is fenced. Stanza and attribute order do
    not count, nor a ``heartbeat_mode = local`` that ocfs2-tools 1.8 writes
    where older tools wrote none (local is what o2cb reads without one). Two
    separate clusters on one site (two dom0 clusters on one storage pair) each have
    their own cluster.conf: a node is compared with its own cluster's nodes.

    Fix: copy one cluster.conf to every node.
    """
    per_node = {n: items[0] for n, items in cluster.by_node("ocfs2").items() if n}
    for node, ref in _against_first(cluster, per_node):
        first = per_node[ref]
        a = _shape(_ocfs2(first))
        item = per_node[node]
        b = _shape(_ocfs2(item))
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            kind, name = key
            if key not in b:
                what = f"has no {kind} '{name}'"
            elif key not in a:
                what = f"has an extra {kind} '{name}'"
            else:
                diff = sorted(k for k, _ in set(a[key]) ^ set(b[key]))
                what = f"differs in {kind} '{name}' ({', '.join(dict.fromkeys(diff))})"
            loc = _stanza_where(item, kind, name)
            yield make(
                "OC005",
                f"cluster.conf on {node} {what} compared with {ref}",
                loc,
                [_stanza_where(first, kind, name)],
            )


def _stanza_where(item: Loaded, kind: str, name: str) -> Any:
    for b in _ocfs2(item).stanzas(kind):
        if (b.get("name") or b.get("region") or "") == name:
            return item.where(b)
    return item.where()


@rule("OC006", "member-missing", "warning", scope="cluster")
def member_missing(cluster: Cluster) -> Iterator[Finding]:
    """A node that ha.cf, the CIB, cman or DRBD name is not in cluster.conf.

    Why it matters: OCFS2 lets only cluster.conf's nodes mount; a node the
    cluster manager runs resources on but OCFS2 does not know cannot mount the
    shared filesystem, and a failover to it fails. Names compare without
    domain and case, as ``uname -n`` does. A node without such lists of its
    own is compared with the other nodes' lists that name one of its
    cluster.conf nodes: a storage pair's DRBD (the boxes exporting the LUN
    over iSCSI) is another cluster. Not for a node whose OCFS2 runs on the pcmk or
    cman stack (``O2CB_STACK=pcmk`` in sysconfig/o2cb, or an o2cb resource in its
    CIB): ocfs2_controld takes the members from the cluster and reads no cluster.conf.

    Fix: add a ``node:`` stanza for every cluster node (and raise ``node_count``).
    """
    lists = [m for m in memberships(cluster) if m.source != "ocfs2"]
    unread = ocfs2_conf_unread(cluster)
    for item in cluster.docs("ocfs2"):
        if item.node in unread:
            continue  # OCFS2 on the pcmk or cman stack takes its members from the cluster
        doc = _ocfs2(item)
        have = {short(n.name) for n in doc.nodes if n.name}
        if not have:
            continue
        # the node's own lists; else those of other nodes that share a member with
        # cluster.conf: a storage pair's DRBD or heartbeat (san1, san2 exporting the
        # LUN) is another cluster, whose nodes never mount the filesystem
        same = [m for m in lists if m.item.node == item.node] or [
            m for m in lists if any(short(n) in have for n in m.names)
        ]
        reported: set[str] = set()
        for m in same:
            for name in m.names:
                if short(name) in have or short(name) in reported:
                    continue
                reported.add(short(name))
                yield make(
                    "OC006",
                    f"node '{name}' ({m.source}) is not in cluster.conf "
                    f"({', '.join(sorted(have))})",
                    item.where(doc.clusters[0].block if doc.clusters else None),
                    [m.where(name)],
                )


def _is_o2cb(item: Loaded) -> bool:
    return item.file.display.replace("\\", "/").endswith(("sysconfig/o2cb", "default/o2cb"))


@rule("OC007", "bootcluster-unknown", "error", scope="cluster")
def bootcluster_unknown(cluster: Cluster) -> Iterator[Finding]:
    """``O2CB_BOOTCLUSTER`` in sysconfig/o2cb names a cluster cluster.conf does not define.

    Why it matters: at boot the o2cb init script brings this cluster
    online; if cluster.conf has no such cluster, o2cb fails and no OCFS2
    volume mounts.

    Example: ``O2CB_BOOTCLUSTER=ocfs2`` with ``cluster: name = xencluster``.

    Not with ``O2CB_ENABLED`` other than ``true``: the init script's ``start`` then
    exits at once (o2cb.init.sh: ``if [ "$O2CB_ENABLED" != "true" ]; then exit 0``)
    and the name is never used at boot (the package default, or o2cb started by the
    cluster manager instead).

    Fix: set ``O2CB_BOOTCLUSTER`` to the cluster's name (``service o2cb configure``).
    """
    for item in cluster.docs("shellvars"):
        if not _is_o2cb(item):
            continue
        doc = _o2cb(item)
        if doc.get("O2CB_ENABLED") != "true":
            continue
        boot = doc.get("O2CB_BOOTCLUSTER")
        conf = cluster.first("ocfs2", item.node)
        if not boot or conf is None:
            continue
        names = {c.name for c in _ocfs2(conf).clusters if c.name}
        if boot not in names:
            yield make(
                "OC007",
                f"O2CB_BOOTCLUSTER={boot} names no cluster of cluster.conf "
                f"({', '.join(sorted(names)) or 'none'})",
                item.where(doc.assignment("O2CB_BOOTCLUSTER")),
                [conf.where(c.block) for c in _ocfs2(conf).clusters],
            )


#: O2CB settings o2net and o2hb compare between nodes (handshake, fencing time), with
#: the value in force where the file leaves one unset or empty: the init script
#: (ocfs2-tools vendor/common/o2cb.init.sh ``set_timeouts_o2cb``) writes a timeout to
#: configfs only when it is set, so the kernel's default stays ("The default values
#: should always be in sync with the kernel": DEF_HEARTBEAT_THRESHOLD=31,
#: DEF_IDLE_TIMEOUT_MS=30000, DEF_KEEPALIVE_DELAY_MS=2000, DEF_RECONNECT_DELAY_MS=2000);
#: an empty O2CB_STACK is ``o2cb`` ("Need this default") and the heartbeat mode
#: ``local`` (``global_heartbeat_enabled_o2cb``).
_MUST_MATCH = {
    "O2CB_HEARTBEAT_THRESHOLD": "31",
    "O2CB_IDLE_TIMEOUT_MS": "30000",
    "O2CB_KEEPALIVE_DELAY_MS": "2000",
    "O2CB_RECONNECT_DELAY_MS": "2000",
    "O2CB_HEARTBEAT_MODE": "local",
    "O2CB_STACK": "o2cb",
}


def _o2cb_files(cluster: Cluster) -> dict[str, Loaded]:
    """Each node's O2CB settings file: /etc/sysconfig/o2cb where it exists, else
    /etc/default/o2cb (o2cb.init.sh reads the first it finds, in that order)."""
    out: dict[str, Loaded] = {}
    for item in sorted(cluster.docs("shellvars"), key=lambda i: "default/o2cb" in i.file.display):
        if item.node and _is_o2cb(item):
            out.setdefault(item.node, item)
    return out


#: The O2CB timeouts whose kernel default OCFS2 1.2's kernels had lower (the SLES 10
#: SP2 administration guide, "Disk Heartbeat": "the default value of 7, the wait time is
#: 12 seconds"; the idle timeout was 10000 ms): on those nodes an unset one is not known.
_KERNEL_DEFAULTS = ("O2CB_HEARTBEAT_THRESHOLD", "O2CB_IDLE_TIMEOUT_MS", "O2CB_KEEPALIVE_DELAY_MS")
#: The one of those defaults the SLES 10 guide states (the others are not known here).
_OLD_DEFAULTS = {"O2CB_HEARTBEAT_THRESHOLD": "7"}


def _old_ocfs2(item: Loaded) -> bool:
    """Whether the node of ``item`` (its /etc) runs a distribution whose kernel carries
    OCFS2 1.2 with the old defaults: SLES 9 or 10 (etc/SuSE-release ``VERSION = 9|10``),
    RHEL 4 (etc/redhat-release "release 4")."""
    from ..errors import XencfgError
    from ..syntax.source import read_text

    etc = item.file.path.parent.parent
    for name, pattern in (
        ("SuSE-release", r"(?m)^VERSION\s*=\s*(9|10)\s*$"),
        ("redhat-release", r"release 4\b"),
    ):
        try:
            text = read_text(etc / name, limit=4096, follow=False)
        except XencfgError:  # (absent, unreadable, not a regular file)
            continue
        if re.search(pattern, text):
            return True
    return False


#: The kernel takes a heartbeat dead threshold only above this (fs/ocfs2/cluster/
#: heartbeat.h ``O2HB_MIN_DEAD_THRESHOLD``): ``o2hb_dead_threshold_set`` ignores a
#: smaller one without an error, and the default stays.
_MIN_DEAD_THRESHOLD = 2
#: The most missed disk heartbeats o2hb can count: heartbeat.c ``o2hb_check_slot``
#: declares a node dead at ``slot->ds_equal_samples >= o2hb_dead_threshold``, and
#: ``ds_equal_samples`` is a ``u16`` (it wraps to 0 before reaching a larger threshold).
_MAX_DEAD_THRESHOLD = 0xFFFF


def _threshold(value: object) -> int | None:
    """The dead threshold the kernel holds after the init script echoes ``value`` into
    configfs: ``o2hb_dead_threshold_set((unsigned int) simple_strtoul(page, &p, 10))``,
    so the number modulo 2**32; ``None`` where the store refuses it (-EINVAL: a sign,
    not a number; XC005 reports those)."""
    number = simple_strtoul(str(value))
    return None if number is None else number & 0xFFFFFFFF


def _ignored_threshold(name: str, value: object) -> bool:
    """Whether the kernel ignores this O2CB_HEARTBEAT_THRESHOLD value (2 or less, as the
    kernel reads it)."""
    number = _threshold(value) if name == "O2CB_HEARTBEAT_THRESHOLD" else None
    return number is not None and number <= _MIN_DEAD_THRESHOLD


#: o2nm's network timeouts in the order the init script writes them
#: (o2cb.init.sh ``set_timeouts_o2cb``), each with the value a new cluster starts with
#: (nodemanager.c ``o2nm_cluster_group_make_group``: O2NET_IDLE_TIMEOUT_MS_DEFAULT,
#: O2NET_KEEPALIVE_DELAY_MS_DEFAULT).
_O2NET_ORDER = (("O2CB_IDLE_TIMEOUT_MS", 30000), ("O2CB_KEEPALIVE_DELAY_MS", 2000))


def _o2net_refused(doc: Any) -> dict[str, tuple[int, int, int]]:
    """The idle timeout and keepalive delay o2nm refuses for their order, as
    ``{name: (written, other in force, own value left)}``: it takes an idle timeout only
    above the keepalive delay in force and a keepalive delay only below the idle timeout
    in force (nodemanager.c ``o2nm_cluster_attr_idle_timeout_ms_write``: "idle timeout
    must be larger than keepalive delay", ``..._keepalive_delay_ms_write``), and the init
    script writes the idle timeout first, against the default keepalive delay, and goes
    on without a word when a write fails. Values o2nm refuses for themselves (0, not a
    number, too large: XC005) are left out."""
    held = dict(_O2NET_ORDER)
    refused: dict[str, tuple[int, int, int]] = {}
    for name, _ in _O2NET_ORDER:
        raw = doc.get(name)
        number = simple_strtoul(raw, 0) if raw else None
        if number is None or not 0 < number < 2**32 - 1:
            continue
        idle, keep = held["O2CB_IDLE_TIMEOUT_MS"], held["O2CB_KEEPALIVE_DELAY_MS"]
        if name == "O2CB_IDLE_TIMEOUT_MS" and number <= keep:
            refused[name] = (number, keep, idle)
        elif name == "O2CB_KEEPALIVE_DELAY_MS" and number >= idle:
            refused[name] = (number, idle, keep)
        else:
            held[name] = number
    return refused


def _in_force(item: Loaded, name: str) -> str | None:
    """The value of an O2CB setting in force: as the kernel holds what is written (a
    threshold modulo 2**32; an idle timeout or keepalive delay o2nm refuses for the
    other leaves its default), else the default the init script leaves in the kernel
    (on OCFS2 1.2 kernels, :func:`_old_ocfs2`, a threshold of 7); ``None`` when unset on
    a node whose kernel default is not known."""
    doc = _o2cb(item)
    value = doc.get(name)
    if value and name == "O2CB_HEARTBEAT_THRESHOLD" and not _ignored_threshold(name, value):
        number = _threshold(value)
        return str(value) if number is None else str(number)
    if value and name not in _o2net_refused(doc) and name != "O2CB_HEARTBEAT_THRESHOLD":
        return str(value)
    if name in _KERNEL_DEFAULTS and _old_ocfs2(item):
        return _OLD_DEFAULTS.get(name)
    return _MUST_MATCH[name]


@rule("OC008", "o2cb-settings-differ", "error", scope="cluster")
def o2cb_differs(cluster: Cluster) -> Iterator[Finding]:
    """An O2CB timeout or heartbeat setting differs between nodes' sysconfig/o2cb
    (of one cluster: two dom0 clusters on one site run two O2CB clusters).

    Why it matters: o2net compares idle timeout, keepalive and reconnect
    delay in its handshake and refuses a peer whose values differ; a
    different heartbeat threshold means the nodes disagree on when a node
    is dead, so one fences the other too early.

    A setting left unset (or empty) is the default o2cb's init script leaves in
    the kernel (threshold 31, idle timeout 30000 ms, keepalive and reconnect delay
    2000 ms, heartbeat mode local, stack o2cb): a node that leaves it unset and a
    node that writes the default agree. (OCFS2 1.2 on kernels before 2.6.19 had
    other defaults: on a node whose /etc shows SLES 9 or 10 or RHEL 4 an unset
    threshold is 7, as the SLES 10 guide says, and an unset idle timeout or keepalive
    delay against a written one is a warning: write the values out on every node
    while one runs.)
    The settings file is /etc/sysconfig/o2cb, else /etc/default/o2cb (Debian), as the
    init script picks it. A node whose file says ``O2CB_ENABLED=false`` is left out
    (the init script does not start o2cb there; on the pcmk stack ocf:ocfs2:o2cb does,
    without reading the file), and the timeouts are compared only between nodes on
    the o2cb stack (the init script sets them nowhere else).

    Example: ``O2CB_IDLE_TIMEOUT_MS=60000`` on one node, unset (30000) on the other.

    Fix: keep sysconfig/o2cb identical on every node.
    """
    # o2cb.init.sh's start() exits unless O2CB_ENABLED=true: a node that writes it
    # false (SLES 11 HAE, where ocf:ocfs2:o2cb starts the pcmk stack without reading
    # the file) never uses these settings; and only online_o2cb() calls
    # set_timeouts_o2cb, so the timeouts matter between nodes on the o2cb stack
    files = {
        node: item
        for node, item in _o2cb_files(cluster).items()
        if _o2cb(item).get("O2CB_ENABLED") in (None, "true")
    }
    for node, ref in _against_first(cluster, files):
        first = files[ref]
        item = files[node]
        o2cb_stack = {_in_force(first, "O2CB_STACK"), _in_force(item, "O2CB_STACK")} == {"o2cb"}
        for name in _MUST_MATCH:
            if name != "O2CB_STACK" and not o2cb_stack:
                continue
            a = _in_force(first, name)
            b = _in_force(item, name)
            if a == b:
                continue
            where = _o2cb(item).assignment(name)
            there = _o2cb(first).assignment(name)
            shown_b = b if _o2cb(item).get(name) else f"unset ({b or 'the kernel default'})"
            shown_a = a if _o2cb(first).get(name) else f"unset ({a or 'the kernel default'})"
            found = make(
                "OC008",
                f"{name} is {shown_b} on {node} but {shown_a} on {ref}",
                item.where(where),
                [first.where(there)],
            )
            if a is None or b is None:  # an OCFS2 1.2 kernel's default: not known here
                found = attrs.evolve(
                    found,
                    severity="warning",
                    message=found.message + " (OCFS2 1.2 kernels, as SLES 10's, default"
                    " lower than ocfs2-tools 1.4 writes: write the value on every node)",
                )
            yield found


@rule("OC009", "o2cb-timeouts", "warning", formats=("shellvars",), hazard=True)
def o2cb_timeouts(item: Loaded) -> Iterator[Finding]:
    """O2CB timeouts that cannot work together, or a setting that has no effect.

    Why it matters: o2net needs keepalives more often than its idle
    timeout, else every quiet connection is dropped and the node fenced;
    ``O2CB_HEARTBEAT_THRESHOLD`` is the *disk* heartbeat's and does nothing
    with ``O2CB_HEARTBEAT_MODE=user`` (heartbeat/pacemaker decide), so the
    value suggests a protection that is not there.

    A threshold of 2 or less does nothing either: the kernel's
    ``o2hb_dead_threshold_set`` (fs/ocfs2/cluster/heartbeat.c) takes only values
    above ``O2HB_MIN_DEAD_THRESHOLD`` (2) and ignores the others without an error, so
    the default (31: 60 s) stays while the file says otherwise. The kernel keeps 32
    bits of the number (``(unsigned int) simple_strtoul``): 4294967297 is 1. A threshold
    above 65535 is worse: ``o2hb_check_slot`` counts missed heartbeats in a ``u16``
    (``ds_equal_samples``) that wraps before it gets there, so a dead node is never
    declared dead (and past 2147484, ``O2HB_MAX_WRITE_TIMEOUT_MS``, 2000 ms times the
    threshold less one, overflows 32 bits).

    o2nm refuses an idle timeout not above the keepalive delay in force and a
    keepalive delay not below the idle timeout in force (nodemanager.c: "idle timeout
    must be larger than keepalive delay"), and the init script writes the idle timeout
    first, when the keepalive delay is still its default 2000 ms, and prints "OK"
    whatever the kernel said: ``O2CB_IDLE_TIMEOUT_MS=1500`` with
    ``O2CB_KEEPALIVE_DELAY_MS=500`` leaves the idle timeout at 30000 ms.

    Example: ``O2CB_KEEPALIVE_DELAY_MS=5000`` with ``O2CB_IDLE_TIMEOUT_MS=3000``;
    ``O2CB_HEARTBEAT_THRESHOLD=1``; ``O2CB_HEARTBEAT_THRESHOLD=100000``.

    Fix: keepalive below the idle timeout, and an idle timeout above 2000 ms; drop the
    threshold in user mode; a threshold of (timeout in seconds / 2) + 1, at least 7
    (``o2cb configure``).
    """
    if not _is_o2cb(item):
        return
    doc = _o2cb(item)
    for name, (number, other, left) in _o2net_refused(doc).items():
        idle = name == "O2CB_IDLE_TIMEOUT_MS"
        other_name = "O2CB_KEEPALIVE_DELAY_MS" if idle else "O2CB_IDLE_TIMEOUT_MS"
        if doc.get(other_name) and not idle:
            said = f"{name}={shown(number)} is not below {other_name}={doc.get(other_name)}"
        else:
            where = "the default, written after it" if idle else "the default"
            said = (
                f"{name}={shown(number)} is not {'above' if idle else 'below'} the"
                f" {'keepalive delay' if idle else 'idle timeout'} in force when the init"
                f" script writes it ({other} ms, {where})"
            )
        yield make(
            "OC009",
            said + f": o2nm refuses it and {left} ms stays",
            item.where(doc.assignment(name)),
            [item.where(doc.assignment(other_name))] if doc.get(other_name) else [],
        )
    threshold = doc.get("O2CB_HEARTBEAT_THRESHOLD")
    held = _threshold(threshold) if threshold else None
    cut = held is not None and held != simple_strtoul(str(threshold))
    wraps = f" (the kernel reads {held}: it keeps 32 bits)" if cut else ""
    if held is not None and held <= _MIN_DEAD_THRESHOLD:
        yield make(
            "OC009",
            f"O2CB_HEARTBEAT_THRESHOLD={written(str(threshold))} is ignored{wraps}: the kernel"
            f" takes only values above {_MIN_DEAD_THRESHOLD} (o2hb_dead_threshold_set), so its"
            " default stays (31, 60 s, on kernels since OCFS2 1.4)",
            item.where(doc.assignment("O2CB_HEARTBEAT_THRESHOLD")),
        )
    elif held is not None and held > _MAX_DEAD_THRESHOLD:
        yield make(
            "OC009",
            f"O2CB_HEARTBEAT_THRESHOLD={written(str(threshold))} is above {_MAX_DEAD_THRESHOLD}"
            f"{wraps}: o2hb counts missed heartbeats in 16 bits and never reaches it, so a"
            " dead node is never declared dead and the cluster waits on it for ever",
            item.where(doc.assignment("O2CB_HEARTBEAT_THRESHOLD")),
        )
    mode = (doc.get("O2CB_HEARTBEAT_MODE") or "").lower()
    if mode == "user" and doc.get("O2CB_HEARTBEAT_THRESHOLD") is not None:
        yield make(
            "OC009",
            "O2CB_HEARTBEAT_THRESHOLD has no effect with O2CB_HEARTBEAT_MODE=user",
            item.where(doc.assignment("O2CB_HEARTBEAT_THRESHOLD")),
            [item.where(doc.assignment("O2CB_HEARTBEAT_MODE"))],
        )


@rule("OC010", "node-value-out-of-range", "error", formats=("ocfs2",))
def out_of_range(item: Loaded) -> Iterator[Finding]:
    """A node number above 254 or an ``ip_port`` outside 1-65535.

    Why it matters: o2cb's parser takes any number, but the kernel's o2nm
    knows 255 nodes (0-254) and refuses the node when the cluster comes
    online; a port outside the TCP range never listens. The error shows at
    mount time, on one node only.

    Example: ``number = 300``.

    Fix: number nodes from 0; use a TCP port (7777 is o2net's default).
    """
    doc = _ocfs2(item)
    for n in doc.nodes:
        if n.number is not None and not 0 <= n.number <= 254:
            yield make(
                "OC010",
                f"node '{n.name}' has number {shown(n.number)}; o2nm allows 0-254",
                item.where(n.block.entry("number")),
            )
        if n.ip_port is not None and not 0 < n.ip_port < 65536:
            yield make(
                "OC010",
                f"node '{n.name}' has ip_port {shown(n.ip_port)}, not a TCP port",
                item.where(n.block.entry("ip_port")),
            )


@rule("OC011", "ocfs2-on-single-primary-drbd", "error", scope="cluster")
def ocfs2_on_single_primary_drbd(cluster: Cluster) -> Iterator[Finding]:
    """A cloned OCFS2 ``Filesystem`` mounts a DRBD device whose resource does not allow
    two primaries on a node.

    Why it matters: OCFS2 is mounted on every node of the clone at once, and a
    node can mount a DRBD device only as Primary. Without ``net {
    allow-two-primaries; }`` the second node's promotion fails ("State change
    failed: (-1) Multiple primaries not allowed by config", SS_TWO_PRIMARIES of
    DRBD 8.3, 8.4 and 9), so the clone instance there never starts, and the
    cluster keeps retrying it. (``clone-max=1`` mounts it on one node: not
    reported.)

    Example: a clone of ``Filesystem device=/dev/drbd0 fstype=ocfs2`` with
    ``resource r0 { device /dev/drbd0; ... }`` and no ``allow-two-primaries``.

    Fix: ``net { allow-two-primaries; }`` in the resource (with protocol C and
    ``fencing resource-and-stonith``: DR004, DR011), promoted on both nodes
    (``master-max=2``), or mount the filesystem on one node only.
    """
    if not cluster.has("cib") or not cluster.has("drbd"):
        return
    import re

    from ..formats.cib.resources import Clone, Master, Primitive
    from .cib.common import _is_ocfs2_fs
    from .drbd.common import _effective, _node_configs, own_hosts

    configs = _node_configs(cluster)
    for item in cluster.docs("cib"):
        for clone in _cib(item).all_resources():
            if not isinstance(clone, Clone) or isinstance(clone, Master):
                continue
            if to_int(clone.meta("clone-max") or clone.meta("clone_max")) == 1:
                continue
            for prim in clone.walk():
                if not isinstance(prim, Primitive) or not _is_ocfs2_fs(prim):
                    continue
                device = prim.param("device") or ""
                m = re.fullmatch(r"/dev/drbd([0-9]+)|/dev/drbd/by-res/([^/]+)(?:/[0-9]+)?", device)
                if m is None:
                    continue
                minor = decimal(m.group(1)) if m.group(1) else None
                single: list[str] = []
                for node, items in sorted(configs.items()):
                    for _, res, h in own_hosts(cluster, items, node):
                        eff = _effective(cluster, res, h.name)
                        if minor is not None:
                            devs = [v.get("device") for v in eff.volumes.values()]
                            minors = {d.minor for d in devs if d is not None}
                            if minor not in minors:
                                continue
                        elif res.name != m.group(2):
                            continue
                        flag = eff.sections.get("net", {}).get("allow-two-primaries")
                        if not (flag is True or str(flag).lower() in ("yes", "true", "on")):
                            single.append(f"resource {res.name} on {node}")
                if single:
                    yield make(
                        "OC011",
                        f"OCFS2 clone '{clone.id}' mounts {device} on every node, but DRBD "
                        f"allows one primary only ({', '.join(single)}): the second node "
                        "cannot be promoted nor mount it",
                        item.where(prim),
                    )


#: open-iscsi's replacement_timeout where neither iscsid.conf nor a node record sets it
#: (usr/config.h ``DEF_REPLACEMENT_TIMEO``, set by idbm.c ``idbm_node_setup_defaults``).
_ISCSI_DEFAULT_REPLACEMENT = 120


@rule("OC012", "o2hb-fences-before-path-failover", "error", scope="cluster", hazard=True)
def o2hb_fences_before_path_failover(cluster: Cluster) -> Iterator[Finding]:
    """A node's O2CB disk heartbeat gives up sooner than open-iscsi fails a dead path
    over to multipath.

    Why it matters: o2hb writes its heartbeat block to the shared disk every 2 s and
    the node fences itself (kernel panic, reboot) when a write hangs for
    ``(O2CB_HEARTBEAT_THRESHOLD - 1) x 2`` s (fs/ocfs2/cluster/heartbeat.c
    ``o2hb_write_timeout``, ``O2HB_MAX_WRITE_TIMEOUT_MS``). Under dm-multipath on
    iSCSI, I/O on a dead path is held for ``replacement_timeout`` (120 s unless set:
    open-iscsi ``DEF_REPLACEMENT_TIMEO``) before multipath may send it down another
    path. When that is not shorter than the heartbeat timeout, the loss of one path,
    which multipath exists to survive, reboots the node; a switch failure reboots
    every node at once. Oracle's OCFS2 guide asks for a threshold of 61 (120 s) or
    more with multipathed storage; HP's Serviceguard OCFS2 guide for a heartbeat
    timeout 30 s above the I/O layer's timeout.

    Reported on nodes with a disk heartbeat (O2CB stack, heartbeat mode not
    ``user``), cluster.conf, multipath.conf, iscsid.conf and open-iscsi node records
    for two portals or more (another path to fail over to; with one portal, a
    failover target pair behind one address, no path is left and the timeout saves
    nothing); not where every OCFS2 ``Filesystem`` of the CIB sits on DRBD (no iSCSI
    path under it).

    Example: ``O2CB_HEARTBEAT_THRESHOLD=31`` (60 s) with
    ``node.session.timeo.replacement_timeout = 120``.

    Fix: ``node.session.timeo.replacement_timeout = 5`` (also in the node records:
    ``iscsiadm -m node -o update``) and let multipath queue (``no_path_retry``), or
    raise ``O2CB_HEARTBEAT_THRESHOLD`` above ``replacement_timeout / 2 + 1`` on every
    node.
    """
    if not (cluster.has("iscsid") and cluster.has("multipath") and cluster.has("ocfs2")):
        return
    from .documents import iscsid_doc
    from .iscsi.common import _all_records
    from .iscsi.initiators import replacement_seconds

    for node, o2cb, threshold in _disk_heartbeats(cluster):
        iscsid = cluster.first("iscsid", node)
        if iscsid is None or cluster.first("multipath", node) is None:
            continue
        portals = {str(v.get("node.conn[0].address")) for _, v in _all_records(cluster, node)}
        if len(portals - {"None"}) < 2:
            continue
        seconds, source = replacement_seconds(cluster, iscsid)
        if seconds is None:
            seconds, source = _ISCSI_DEFAULT_REPLACEMENT, " (open-iscsi's default)"
        dead = (threshold - 1) * 2
        if seconds < dead:
            continue
        anchor, shown_t = _threshold_shown(o2cb, threshold)
        entry = iscsid_doc(iscsid).entry("node.session.timeo.replacement_timeout")
        yield make(
            "OC012",
            f"on {node}, o2hb fences the node after {dead} s without a heartbeat write"
            f" ({shown_t}), but a dead iSCSI path holds I/O for {seconds} s{source} before"
            " multipath may use another: losing one path reboots the node",
            o2cb.where(anchor),
            [iscsid.where(entry)],
        )


def _disk_heartbeats(cluster: Cluster) -> Iterator[tuple[str, Loaded, int]]:
    """``(node, its O2CB settings file, the dead threshold in force)`` for each node whose
    o2cb stack writes a disk heartbeat (stack o2cb, heartbeat mode not ``user``) and that
    has a cluster.conf; none where every OCFS2 ``Filesystem`` of the CIB sits on DRBD
    (no iSCSI under it)."""
    from .cib.common import _is_ocfs2_fs

    devices = [
        prim.param("device") or ""
        for item in cluster.docs("cib")
        for prim in _cib(item).primitives
        if _is_ocfs2_fs(prim)
    ]
    if devices and all(d.startswith("/dev/drbd") for d in devices):
        return
    for node, o2cb in sorted(_o2cb_files(cluster).items()):
        doc = _o2cb(o2cb)
        stack = (doc.get("O2CB_STACK") or "o2cb").lower()
        if stack != "o2cb" or (doc.get("O2CB_HEARTBEAT_MODE") or "").lower() == "user":
            continue
        threshold = to_int(_in_force(o2cb, "O2CB_HEARTBEAT_THRESHOLD"))
        if cluster.first("ocfs2", node) is None or threshold is None:
            continue
        if threshold > _MIN_DEAD_THRESHOLD:
            yield node, o2cb, threshold


def _threshold_shown(o2cb: Loaded, threshold: int) -> tuple[Any, str]:
    """Where the node's dead threshold is written (``None``: unset) and how to name it."""
    anchor = _o2cb(o2cb).assignment("O2CB_HEARTBEAT_THRESHOLD")
    return anchor, (
        f"O2CB_HEARTBEAT_THRESHOLD={threshold}" if anchor else f"the default {threshold}"
    )


@rule("OC013", "o2hb-fences-during-target-failover", "error", scope="cluster", hazard=True)
def o2hb_fences_during_target_failover(cluster: Cluster) -> Iterator[Finding]:
    """A dom0's O2CB disk heartbeat gives up sooner than heartbeat on the iSCSI target
    boxes declares the serving box dead.

    Why it matters: when the box serving the LUN dies, no heartbeat write of the dom0s
    completes until the other box has taken over, and that starts only after its
    heartbeat's ``deadtime`` (ha.cf(5): how long a node may be silent before it is
    declared dead), then DRBD's promotion, the address and the target's start. o2hb
    fences a node whose write hangs ``(O2CB_HEARTBEAT_THRESHOLD - 1) x 2`` s
    (fs/ocfs2/cluster/heartbeat.c ``o2hb_write_timeout``, ``O2HB_MAX_WRITE_TIMEOUT_MS``),
    so with a deadtime not below that every dom0 reboots at every storage failover, the
    fault the target pair is there to survive. (OCFS2's heartbeat timeout must outlast
    the I/O layer's: Oracle's OCFS2 guide, 61 or more with multipathed storage; HP's
    OCFS2 guide, 30 s above the I/O timeout.)

    Reported for nodes with a disk heartbeat (O2CB stack, heartbeat mode not ``user``),
    cluster.conf and an iSCSI initiator, against the ha.cf of the nodes that export
    iSCSI targets (ietd.conf) in the same run.

    Example: the target boxes' ha.cf ``deadtime 60`` and the dom0s'
    ``O2CB_HEARTBEAT_THRESHOLD=31`` (60 s).

    Fix: raise ``O2CB_HEARTBEAT_THRESHOLD`` on every dom0 to well above (deadtime +
    takeover) / 2 + 1, or shorten the boxes' deadtime (HB004 says how far).
    """
    if not cluster.has("ietd") or not cluster.has("iscsid", "initiatorname"):
        return
    boxes = []
    for item in cluster.docs("ietd"):
        found = next(cluster.typed("hacf", HacfDocument, item.node or None), None)
        if item.node and found is not None:
            hacf, hb = found
            boxes.append((hb.deadtime or 30.0, item.node, hacf, hb))
    if not boxes:
        return
    deadtime, box, hacf, hb = max(sorted(boxes, key=lambda b: b[1]), key=lambda b: b[0])
    for node, o2cb, threshold in _disk_heartbeats(cluster):
        if cluster.first("iscsid", node) is None and cluster.first("initiatorname", node) is None:
            continue
        dead = (threshold - 1) * 2
        if deadtime < dead:
            continue
        anchor, shown_t = _threshold_shown(o2cb, threshold)
        yield make(
            "OC013",
            f"on {node}, o2hb fences the node after {dead} s without a heartbeat write"
            f" ({shown_t}), but heartbeat on the target box {box} waits {deadtime:g} s"
            " (deadtime) before the other box takes the LUN over: every storage failover"
            " reboots the node",
            o2cb.where(anchor),
            [hacf.where(hb.entry("deadtime"))],
        )
