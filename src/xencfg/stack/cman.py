"""RHEL 6's cman (/etc/cluster/cluster.conf, with Pacemaker or rgmanager) -> corosync 3
(knet): the ``stack`` part of ``xencfg migrate`` for a cluster that ran cman.

cman wrote corosync's configuration itself from cluster.conf; corosync 3 has no cman, so
the file is built by :func:`xencfg.stack.knet_conf` from the clusternodes: each one's
name and nodeid, its address from /etc/hosts, ``<cman two_node="1">``. Fencing moves to
Pacemaker: each fence device is a TODO that names its agent for a stonith resource.
"""

from __future__ import annotations

from typing import Any

from ..formats.lines.corosync import DEFAULT_TOKEN, DEFAULT_TOKEN_COEFFICIENT
from ..syntax.numbers import decimal_or_none
from .common import Member, NodeFiles, StackResult, _names_match
from .corosync2 import KNET_MAX_NODEID
from .heartbeat import _Builder, knet_conf
from .openais import TOTEM_KEPT  # (cman handed <totem>'s attributes to corosync alike)

#: cman's token where ``<totem token>`` says none (cman/daemon/cman.h of cluster 3:
#: DEFAULT_TOKEN_TIMEOUT 10000); corosync 3's is DEFAULT_TOKEN + DEFAULT_TOKEN_COEFFICIENT
#: per node over two (corosync.conf(5) of 3.1).
CMAN_TOKEN = 10000
#: ``<logging>`` attributes corosync 3's logging section reads alike (cman wrote them into
#: corosync's logging: cluster.conf(5) of cluster 3, logging).
LOGGING_KEPT = (
    "to_syslog",
    "to_logfile",
    "logfile",
    "debug",
    "syslog_facility",
    "syslog_priority",
    "logfile_priority",
)


def to_knet_cman(
    nodes: list[tuple[NodeFiles, Any]], cluster_name: str | None = None, carried: bool = False
) -> tuple[StackResult, bool]:
    """The corosync 3 configuration of a cman cluster (``nodes``: each node's NodeFiles
    and its parsed cluster.conf; the first node's is read), and whether it encrypts
    (always: cman encrypted with a key made of the cluster name). ``carried``: the CIB is
    made of cluster.conf (:mod:`.rgmanager`), whose lines say what became of the fence
    devices and vms (no TODO for them here)."""
    b = _Builder([nf for nf, _ in nodes], cluster_name)
    nf0, doc = nodes[0]
    members: list[Member] = []
    used: set[int] = set()
    for node in doc.nodes:
        name = node.name or "?"
        where = nf0.loc(doc, node)
        nodeid = node.nodeid
        if nodeid is None or not 0 < nodeid <= KNET_MAX_NODEID or nodeid in used:
            b.note(
                "rewrite",
                where,
                "corosync.conf nodelist",
                f"clusternode {name}: nodeid {node.get('nodeid')} -> a new id",
                "knet requires an explicit nodeid below 65536 and one per node: the CIB's "
                "node ids become the new ones",
            )
            nodeid = None
        else:
            used.add(nodeid)
        m = Member(name, nodeid or 0)
        addr = _address(nodes, name)
        if addr is None:
            b.note(
                "manual",
                where,
                f"corosync.conf ring0_addr of {name}",
                f"{name} ring0_addr {name}: no /etc/hosts line names it",
                "cman resolved the clusternode name; corosync 3 does too at start: check "
                "that it gives the address the nodes reach each other on",
            )
        else:
            m.addrs[0], m.sources[0] = addr
            b.note(
                "rewrite",
                addr[1],
                f"corosync.conf ring0_addr of {name}",
                f"{name} ring0_addr {addr[0]}",
                "cman used the address the clusternode name resolves to",
            )
        _altname(b, nodes, nf0, doc, node, m)
        if node.votes != 1:
            # (before, a tie-breaker node's weight went without a word: quorum changed)
            m.votes = node.votes
            b.note(
                "rewrite",
                where,
                f"corosync.conf quorum_votes of {name}",
                f'<clusternode name="{name}" votes="{node.votes}"> -> quorum_votes: {node.votes}',
                "votequorum counts a nodelist node's quorum_votes as cman counted its votes",
            )
        members.append(m)
    free = (i for i in range(1, KNET_MAX_NODEID + 1) if i not in used)
    for m in members:
        m.nodeid = m.nodeid or next(free)
    b.note(
        "rewrite",
        nf0.loc(doc),
        "corosync.conf nodelist",
        "members " + ", ".join(f"{m.name} (nodeid {m.nodeid})" for m in members),
        "cluster.conf's clusternodes, with their names and nodeids (corosync 3 with knet "
        "needs both)",
    )
    name = b.cluster_name()
    cman = doc.cman
    two = cman.get("two_node") if cman is not None else None
    if len(members) == 2 and {m.votes for m in members} == {1}:
        b.note(
            "rewrite",
            nf0.loc(doc, cman) if two else "2 members",
            "corosync.conf quorum",
            "two_node: 1" + (f' (<cman two_node="{two}">)' if two else ""),
            "votequorum's two_node lets a lone node of two keep quorum as cman's did (and "
            "sets wait_for_all: both nodes must be up once at start)",
        )
    _fencing(b, nf0, doc, carried)
    _leftovers(b, nf0, doc, carried)
    b.note(
        "rewrite",
        "-",
        "/etc/corosync/authkey",
        "a new random 256-byte key, crypto_cipher aes256, crypto_hash sha256",
        "cman encrypted with a key made of the cluster name; knet needs a key file shared "
        "by all nodes",
    )
    conf = knet_conf(name, members, _totem(b, nf0, doc, len(members)), _logging(b, nf0, doc))
    return StackResult(conf, members, b.notes, b.timing, name), True


def _address(nodes: list[tuple[NodeFiles, Any]], name: str) -> tuple[str, str] | None:
    """The first /etc/hosts address of a node tree that names ``name`` (or its short
    name), with the report name of its line."""
    for nf, _ in nodes:
        hosts, index = nf.hosts, nf.hosts_index
        # (the lines whose names may be the node's: every name matched here has its stem)
        for line, a in index.select([name]) if index is not None else []:
            if line.scoped or a.is_loopback:
                continue
            if any(h.lower() == name.lower() or _names_match(name, h) for h in line.names):
                return str(a), nf.loc(hosts, line)
    return None


def _fencing(b: _Builder, nf: NodeFiles, doc: Any, carried: bool) -> None:
    """A line per fence device: fence_pcmk (cman handing fencing to Pacemaker) is
    dropped, any other is a TODO that names its agent for a Pacemaker stonith resource."""
    for dev in doc.fencedevices:
        agent, dname = dev.get("agent") or "?", dev.get("name") or "?"
        where = nf.loc(doc, dev)
        if agent == "fence_pcmk":
            b.note(
                "dropped",
                where,
                "-",
                f"fencedevice {dname} (fence_pcmk)",
                "cman handed its fencing to Pacemaker: the CIB's stonith resources fence "
                "now, with no cman in between",
            )
            continue
        if carried:
            continue
        users = [n.name for n in doc.nodes if any(d.get("name") == dname for d in n.fence)]
        params = " ".join(
            f"{k}={v}" for k, v in dev.to_dict().items() if k not in ("name", "agent")
        )
        b.note(
            "manual",
            where,
            "cib.xml stonith",
            f"fencedevice {dname}: agent {agent}"
            + (f" (fences {', '.join(u or '?' for u in users)})" if users else ""),
            f"fenced is gone with cman: make a stonith:{agent} resource in the CIB "
            f"(pcs stonith create {dname} {agent} {params} pcmk_host_list=...), with each "
            "node's <device> attributes (port=...)".replace("  ", " "),
        )


#: ``<cman>``'s own attributes (cman(5)) that corosync 3 takes otherwise
CMAN_KEYS = {
    "expected_votes": "votequorum counts the nodelist's votes itself (a quorum disk's "
    "votes went with qdiskd)",
    "transport": "knet replaces cman's UDP multicast, udpu and rdma transports",
    "port": "knet's port is 5405 unless a totem interface sets knet_port",
    "cluster_id": "corosync 3 derives the cluster's id from its cluster_name",
    "keyfile": "knet reads /etc/corosync/authkey (a new key is written)",
    "broadcast": "knet sends unicast between the ring addresses",
}


def _leftovers(b: _Builder, nf: NodeFiles, doc: Any, carried: bool) -> None:
    """Lines for what cluster.conf held besides the members and fencing."""
    for k, v in (doc.cman.to_dict() if doc.cman is not None else {}).items():
        # (before, <cman expected_votes="5"> and the others went without a word)
        if k != "two_node":
            why = CMAN_KEYS.get(k, "cman's own setting: corosync 3 has no such option")
            b.note("dropped", nf.loc(doc, doc.cman), "-", f'<cman {k}="{v}">', why)
    if doc.quorumd is not None:
        b.note(
            "manual",
            nf.loc(doc, doc.quorumd),
            "corosync.conf quorum",
            "quorumd (qdiskd's quorum disk) not carried",
            "corosync 3 has no quorum disk: corosync-qdevice with a qnetd host does its job",
        )
    if doc.fence_daemon is not None:
        b.note(
            "dropped",
            nf.loc(doc, doc.fence_daemon),
            "-",
            "fence_daemon " + " ".join(f"{k}={v}" for k, v in doc.fence_daemon.to_dict().items()),
            "fenced's options: Pacemaker fences (its stonith-timeout and startup-fencing)",
        )
    for vm in [] if carried else doc.vms:
        b.note(
            "manual",
            nf.loc(doc, vm),
            "cib.xml",
            f"rgmanager vm {vm.get('name')}",
            "rgmanager is gone with cman: make it an ocf:heartbeat:Xen (or VirtualDomain) "
            "resource in the CIB",
        )


def _altname(
    b: _Builder, nodes: list[tuple[NodeFiles, Any]], nf: NodeFiles, doc: Any, node: Any, m: Member
) -> None:
    """``<altname name=...>``: cman's second ring, knet link 1 at the address /etc/hosts
    gives the name (else the name: corosync 3 resolves it at start)."""
    alt = node.altname.get("name") if node.altname is not None else None
    if not alt:
        return
    where = nf.loc(doc, node.altname)
    addr = _address(nodes, alt)
    m.addrs.setdefault(0, m.name)
    m.addrs[1], m.sources[1] = addr if addr is not None else (alt, where)
    b.note(
        "rewrite" if addr is not None else "manual",
        where,
        f"corosync.conf ring1_addr of {m.name}",
        f'<altname name="{alt}"> -> ring1_addr {m.addrs[1]} (knet link 1)',
        "cman ran a second ring on the altname; knet runs it as link 1 (link_mode passive: "
        "link 0 is used while it is up, corosync.conf(5) of 3.1)"
        + ("" if addr is not None else "; no /etc/hosts line names it: check it resolves"),
    )


def _totem(b: _Builder, nf: NodeFiles, doc: Any, count: int) -> dict[str, Any]:
    """``<totem>``'s timing attributes, and cman's token where it sets none."""
    out: dict[str, Any] = {}
    t = doc.totem
    where = nf.loc(doc, t) if t is not None else nf.loc(doc)
    for k, v in t.attributes.items() if t is not None else []:
        if k in TOTEM_KEPT and decimal_or_none(v) is not None:
            out[k] = v
            b.note(
                "rewrite",
                where,
                "corosync.conf totem",
                f'<totem {k}="{v}"> -> {k}: {v}',
                "cman handed <totem>'s attributes to corosync's totem; corosync 3 reads them alike",
            )
        else:
            b.note(
                "dropped",
                where,
                "-",
                f'<totem {k}="{v}">',
                "not a corosync 3 timing option (knet's crypto and links replace secauth, "
                "keyfile and rrp_mode)",
            )
    if "token" not in out:
        out["token"] = CMAN_TOKEN
        default = DEFAULT_TOKEN + DEFAULT_TOKEN_COEFFICIENT * max(0, count - 2)
        b.note(
            "rewrite",
            where,
            "corosync.conf totem",
            f"token: {CMAN_TOKEN} (cman's default, no <totem token>)",
            f"cman ran corosync with a {CMAN_TOKEN} ms token unless cluster.conf said "
            f"otherwise; corosync 3's default would be {default} ms here ({DEFAULT_TOKEN} + "
            f"{DEFAULT_TOKEN_COEFFICIENT} per "
            "node over two), declaring a node dead sooner than the fencing delays were "
            "set for: written out",
        )
    if count > 2 and "token_coefficient" not in out:
        out["token_coefficient"] = 0
        b.note(
            "rewrite",
            where,
            "corosync.conf totem",
            "token_coefficient: 0",
            f"corosync 3 adds {DEFAULT_TOKEN_COEFFICIENT} ms per node over two to a "
            "nodelist's token; cman's "
            "corosync 1 did not: the token stays what it was",
        )
    return out


def _logging(b: _Builder, nf: NodeFiles, doc: Any) -> dict[str, Any]:
    """``<logging>``'s attributes corosync 3 reads alike (syslog only where none)."""
    lg = doc.logging
    if lg is None:
        return {"to_syslog": "yes"}
    out: dict[str, Any] = {}
    where = nf.loc(doc, lg)
    for k, v in lg.attributes.items():
        kept = k in LOGGING_KEPT
        if kept:
            out[k] = v
        b.note(
            "rewrite" if kept else "dropped",
            where,
            "corosync.conf logging" if kept else "-",
            f'<logging {k}="{v}">' + (f" -> {k}: {v}" if kept else ""),
            "cman wrote <logging> into corosync's logging section; corosync 3 reads it alike"
            if kept
            else "not a corosync 3 logging option",
        )
    if "logfile" in out and "to_logfile" not in out:
        out["to_logfile"] = "yes"
    return out or {"to_syslog": "yes"}
