"""heartbeat's ha.cf, authkeys and ha_logd.cf -> corosync 3 (knet): the cluster stack part
of ``xencfg migrate``.

A pure function of parsed documents: :func:`to_corosync` takes what each node's files say
(:class:`NodeFiles`) and returns the one corosync.conf every node gets, plus a note for
every decision (what came from where, the timing arithmetic, what could not be carried and
what to do by hand). Nothing here reads or writes files; :mod:`xencfg.migrate` does.
"""

from __future__ import annotations

import math
import os
from typing import Any

from ..formats.lines.corosync import (
    DEFAULT_TOKEN_COEFFICIENT,
    CorosyncDocument,
)
from .common import Member, NodeFiles, Note, StackResult, _ip, _names_match, _short

#: Facilities corosync's syslog_facility accepts (logsys.c: daemon, local0..local7).
SYSLOG_FACILITIES = ("daemon", *(f"local{i}" for i in range(8)))
#: Programs heartbeat respawned that are clients of its API (they connect to heartbeat
#: and cannot run without it), and what does their job under corosync and Pacemaker.
HEARTBEAT_CLIENTS = {
    "ipfail": "ipfail is a heartbeat API client (it asks heartbeat which ping nodes each "
    "node reaches) and cannot run under corosync: its job is an ocf:pacemaker:ping clone "
    "with location rules on its pingd attribute",
    "pingd": "heartbeat's pingd is a heartbeat API client: use an ocf:pacemaker:ping clone "
    "(it sets the same pingd attribute) instead",
    "dopd": "dopd (DRBD's outdate-peer daemon) is a heartbeat API client and cannot run "
    "under corosync: DRBD's fence-peer handler must be /usr/lib/drbd/crm-fence-peer.sh "
    "(crm-fence-peer.9.sh for DRBD 9), which xencfg migrate writes where drbd.conf calls "
    "drbd-peer-outdater",
    "evmsd": "evmsd (EVMS's cluster daemon) takes its membership from heartbeat and cannot "
    "run under corosync: EVMS goes with the migration (see the EVMS lines of the report)",
    "mgmtd": "mgmtd (the heartbeat GUI's daemon) is a heartbeat API client: it is gone; "
    "crm_mon, crmsh or pcs manage the new cluster",
}
#: ha.cf directives the other parts of the conversion carry or report (members, links,
#: timing, logging), so :meth:`_Builder.leftovers` says nothing more of them.
CARRIED_ELSEWHERE = frozenset(
    {
        "node",
        "bcast",
        "mcast",
        "mcast6",
        "ucast",
        "ucast6",
        "serial",
        "keepalive",
        "deadtime",
        "warntime",
        "logfacility",
        "logfile",
        "debugfile",
        "use_logd",
    }
)
#: Why an ha.cf directive no corosync or Pacemaker setting holds is dropped (the rest:
#: a generic line); each still gets its line, so the report lists every directive.
DROPPED_WHY = {
    "baud": "the serial path it sets the speed of is dropped (no serial transport)",
    "compression": "heartbeat compressed its own messages; knet compresses only when "
    "totem's knet_compression_model is set (corosync.conf(5): none by default)",
    "compression_threshold": "heartbeat's message compression; see knet_compression_model",
    "traditional_compression": "heartbeat's message compression; see knet_compression_model",
    "realtime": "corosync runs with round-robin realtime scheduling by default "
    "(corosync.conf(5): system { sched_rr: yes })",
    "rtprio": "corosync takes the highest realtime priority by default (corosync.conf(5): "
    "system { sched_rr: yes })",
    "coredumps": "the daemons' core files go where systemd-coredump (or kernel.core_pattern) "
    "puts them",
    "corerootdir": "the daemons' core files go where systemd-coredump (or "
    "kernel.core_pattern) puts them",
    "uuidfrom": "corosync names each node by the nodeid of its nodelist entry",
    "msgfmt": "heartbeat's message encoding; corosync has its own",
    "hopfudge": "heartbeat's ring of serial links; knet links are point to point",
    "max_rexmit_delay": "heartbeat's retransmission; totem retransmits within the token timeout",
    "deadping": "the ping nodes' dead time: the ocf:pacemaker:ping clone's attempts and "
    "timeout do its job",
    "conn_logd_time": "corosync and Pacemaker log to syslog or their log files, not to logd",
    "debug": "corosync writes debug messages when logging { debug: on }",
    "nice_failback": "the old name of auto_failback: Pacemaker's resource-stickiness",
    "generation_method": "heartbeat's generation counter; corosync keeps its own ring ids",
    "hbgenmethod": "heartbeat's generation counter; corosync keeps its own ring ids",
    "memreserve": "heartbeat's memory reservation; no corosync setting",
    "record_config_changes": "the CRM's debug records; Pacemaker keeps its own in "
    "/var/lib/pacemaker",
    "record_pengine_inputs": "the CRM's debug records; Pacemaker keeps its own in "
    "/var/lib/pacemaker",
    "enable_config_writes": "the heartbeat GUI's setting; gone with mgmtd",
    "max_child_count": "heartbeat's client limit; no corosync setting",
    "logfile_rotation": "corosync appends to its logfile: rotate it with logrotate",
}


def _hacf_only(n0: NodeFiles) -> list[str]:
    """The logging settings :meth:`_Builder.logging` takes from ha.cf although use_logd
    is on: those ha.cf sets and ha_logd.cf does not."""
    return [
        k for k in ("logfacility", "logfile") if getattr(n0.hacf, k) and not getattr(n0.logd, k)
    ]


def _dropped_why(key: str) -> str:
    return DROPPED_WHY.get(
        key, "heartbeat's own setting: neither corosync 3 nor Pacemaker has one like it"
    )


#: The end of a ring address's source read from the node's network configuration
#: (``alpha:/etc/network/interfaces:12 (eth1's address)``)
IFACE_SOURCE = "'s address)"

#: The shortest token we write: below it a busy dom0 (live migration, DRBD resync) misses
#: tokens and the cluster splits for nothing; corosync's own default is 3000 ms.
MIN_TOKEN_MS = 1000


class _Builder:
    def __init__(self, nodes: list[NodeFiles], cluster_name: str | None) -> None:
        self.nodes = nodes
        self.flag_name = cluster_name
        self.notes: list[Note] = []
        self.timing: list[str] = []
        # (kind, target, what) of each note: a look-up, not a walk of the notes per note
        # (5,000 ha.cf nodes make a note each: 12 million comparisons)
        self._said: set[tuple[str, str, str]] = set()

    def note(self, kind: str, source: str, target: str, what: str, why: str) -> None:
        """Record a note once: every node's ha.cf saying the same thing is one note."""
        if (kind, target, what) not in self._said:
            self._said.add((kind, target, what))
            self.notes.append(Note(kind, source, target, what, why))

    # -- members -------------------------------------------------------------
    def members(self) -> list[Member]:
        names: list[str] = []
        for n in self.nodes:
            if n.hacf is None:
                continue
            for name in n.hacf.nodes:
                # heartbeat lowercases each 'node' name it reads (config.c add_node:
                # g_strdown), so the cluster (and its CIB's unames) knew 'ALPHA' as 'alpha'
                if name.lower() != name:
                    self.note(
                        "rewrite",
                        n.loc(n.hacf),
                        "corosync.conf nodelist",
                        f"node {name} -> {name.lower()}",
                        "heartbeat lowercased the names of ha.cf's node lines (config.c "
                        "add_node: g_strdown), and Pacemaker takes the nodelist's name as "
                        "written: the lowercase one keeps the node names the cluster had",
                    )
                if name.lower() not in names:
                    names.append(name.lower())
        src = "ha.cf node lines"
        if not names:
            names = [n.name for n in self.nodes]
            src = "the node names (no ha.cf names a member with a 'node' line)"
            first = next((n for n in self.nodes if n.hacf is not None), None)
            if first is not None and first.hacf.get("nodes") is not None:
                e = first.hacf.entry("nodes")
                self.note(
                    "manual",
                    first.loc(first.hacf, e),
                    "nodelist",
                    f"'nodes {' '.join(e.values)}' is no heartbeat directive (heartbeat "
                    f"reads 'node'); the nodelist uses the node names {', '.join(names)}",
                    "heartbeat would have refused this ha.cf; check that the names are "
                    "each node's uname -n",
                )
        members = [Member(name, i) for i, name in enumerate(names, start=1)]
        self.note(
            "rewrite",
            src,
            "corosync.conf nodelist",
            "members " + ", ".join(f"{m.name} (nodeid {m.nodeid})" for m in members),
            "corosync 3 with knet needs every member listed with a name and a nodeid; ids "
            "follow the order of ha.cf and become the CIB's node ids",
        )
        return members

    # -- addresses -------------------------------------------------------------
    def _owner(
        self,
        addr: str,
        members: list[Member],
        reader: NodeFiles,
        alone: bool,
        targets: dict[str, set[str]] | None = None,
    ) -> str | None:
        """The member whose address ``addr`` is: by /etc/hosts names, by the node whose
        network configuration gives an interface that address, else (two members,
        ``alone``: the only ucast of that interface in the reader's ha.cf) the member that
        is not the node whose ha.cf sends to it. A ha.cf copied to every node lists every
        node's address (heartbeat skips its own), so it gets no such guess."""
        resolved = self._resolve(addr, reader)
        for n in [reader, *self.nodes]:
            if n.hosts_index is None:
                continue
            # a ucast line may name its peer (ucast eth1 beta-hb): that name counts too
            names = n.hosts_index.names_of(resolved) + ([] if _ip(addr) else [addr])
            for name in names:
                for m in members:
                    if _names_match(name, m.name):
                        return m.name
        for n in self.nodes:  # (the node whose network configuration has the address)
            if resolved in {a for a, _ in n.ifaces.values()}:
                for m in members:
                    if _short(m.name) == _short(n.name):
                        return m.name
        me = [m.name for m in members if _short(m.name) == _short(reader.name)]
        if alone and len(members) == 2 and me:
            return next(m.name for m in members if m.name != me[0])
        return self._peer_list_owner(resolved, members, targets or {})

    def _peer_list_owner(
        self, addr: str, members: list[Member], targets: dict[str, set[str]]
    ) -> str | None:
        """The owner of ``addr`` where every member's ha.cf has a ucast line per peer on
        the interface (``targets``: node name -> the addresses its ucast lines name):
        each node lists the others and not itself, so the one node whose ha.cf lacks
        ``addr`` is the node that has it."""
        lists: dict[str, set[str]] = {}
        for m in members:
            got = next((t for name, t in targets.items() if _short(name) == _short(m.name)), None)
            if got is None or len(got) != len(members) - 1:
                return None
            lists[m.name] = got
        if len(set().union(*lists.values())) != len(members):
            return None
        owners = [name for name, got in lists.items() if addr not in got]
        return owners[0] if len(owners) == 1 else None

    def _resolve(self, addr: str, reader: NodeFiles) -> str:
        """``addr`` as an IP address: itself, or what /etc/hosts (the reader's first)
        gives for a name; a name no file resolves stays a name (corosync resolves it
        at start, as heartbeat did)."""
        if _ip(addr):
            return addr
        for n in [reader, *self.nodes]:
            if n.hosts_index is not None:
                found = n.hosts_index.resolve(addr)
                if found is not None:
                    return str(found)
        return addr

    def _iface_address(self, member: str, dev: str) -> tuple[str, str] | None:
        """The member's address on interface ``dev`` from its own node tree's network
        configuration (/etc/network/interfaces, ifcfg-DEV), and where it was read."""
        for n in self.nodes:
            if _short(n.name) == _short(member) and dev in n.ifaces:
                address, where = n.ifaces[dev]
                return address, f"{where} ({dev}{IFACE_SOURCE}"
        return None

    def _known_address(self, member: str) -> tuple[str, str] | None:
        """A node's address from what the files know: /etc/hosts, then drbd.conf."""
        for n in self.nodes:
            if n.hosts_index is not None:
                found = n.hosts_index.resolve(member)
                if found is not None:
                    return str(found), f"{n.loc(n.hosts)} (the address of {member})"
        for n in self.nodes:
            for d in n.drbd:
                for r in d.resources.values():
                    h = r.host(member)
                    if h is not None and h.address is not None and _ip(h.address.ip):
                        return h.address.ip, f"{n.loc(d)} (DRBD address of {member})"
        return None

    def links(self, members: list[Member]) -> None:
        media: list[tuple[NodeFiles, Any]] = []
        for n in self.nodes:
            if n.hacf is not None:
                media.extend((n, m) for m in n.hacf.comm_paths)
        # one knet link per interface name, in the order the media lines come
        links: dict[str, int] = {}
        for n, m in media:
            if m.kind.startswith("serial"):
                self.note(
                    "manual",
                    n.loc(n.hacf, m.node),
                    "-",
                    f"serial path {' '.join(m.devices)} dropped",
                    "corosync 3 has no serial transport; give the cluster a second network "
                    "link (ring1_addr) so it keeps two independent paths",
                )
                continue
            # bcast may name several interfaces: a path (and a link) each
            for dev in (m.devices if m.kind == "bcast" else m.devices[:1]) or ("?",):
                if dev not in links:
                    links[dev] = len(links)
        by_name = {m.name: m for m in members}
        shared: list[tuple[str, str, str, str]] = []  # (where, kind, interface, why)
        unowned: list[tuple[str, str, int]] = []  # (where, ucast address, link)
        for n, m in media:
            if m.kind.startswith("serial"):
                continue
            link = links[m.devices[0] if m.devices else "?"]
            extra = m.node.values[2:] if m.node is not None and m.kind == "ucast" else []
            if extra:
                # heartbeat 3.0.6 ucast.c ucast_parse reads the interface and one target
                # (its log: "ucast: started on port %d interface %s to %s"): the rest of
                # the line is ignored, so those hosts got no heartbeats on this path
                self.note(
                    "manual",
                    n.loc(n.hacf, m.node),
                    "corosync.conf nodelist",
                    f"ucast {' '.join(m.node.values)}: heartbeat sent only to {m.host} "
                    f"(one target per ucast line); {' '.join(extra)} were ignored",
                    "the other hosts got no heartbeats on this path, and the migration "
                    "reads the line as heartbeat did: give each peer its own ucast line "
                    "(or its ring address in the nodelist) to keep the path",
                )
            if m.kind in ("ucast", "ucast6") and m.host is not None:
                same = [
                    x
                    for r, x in media
                    if r is n and x.kind == m.kind and x.devices[:1] == m.devices[:1]
                ]
                targets = {
                    r.name: {
                        self._resolve(str(x.host), r)
                        for r2, x in media
                        if r2 is r
                        and x.kind == m.kind
                        and x.devices[:1] == m.devices[:1]
                        and x.host is not None
                    }
                    for r in self.nodes
                    if r.hacf is not None
                }
                owner = self._owner(str(m.host), members, n, len(same) == 1, targets)
                if owner is None:
                    unowned.append((n.loc(n.hacf, m.node), str(m.host), link))
                    continue
                mem = by_name[owner]
                if link not in mem.addrs:
                    mem.addrs[link] = self._resolve(str(m.host), n)
                    mem.sources[link] = f"ucast line {n.loc(n.hacf, m.node)}"
            elif m.kind in ("bcast", "mcast", "mcast6"):
                why = (
                    "knet sends unicast between the ring addresses: no broadcast, so a "
                    "routed network between the nodes works too"
                    if m.kind == "bcast"
                    else f"knet sends unicast between the ring addresses; the multicast group "
                    f"{m.host} is no longer used (open UDP port 5405 between the nodes)"
                )
                for dev in m.devices if m.kind == "bcast" else m.devices[:1]:
                    shared.append((n.loc(n.hacf, m.node), m.kind, dev, why))
        # addresses for links the media left open (bcast/mcast give no addresses): the
        # member's own network configuration for the interface, else /etc/hosts
        dev_of = {lk: dev for dev, lk in links.items()}
        missing: dict[int, list[str]] = {}
        for link in sorted(set(links.values())):
            for mem in members:
                if link in mem.addrs:
                    continue
                on = self._iface_address(mem.name, dev_of[link])
                if on is not None and on[0] not in mem.addrs.values():
                    mem.addrs[link], mem.sources[link] = on
                    continue
                if link == 0 or not any(0 in x.addrs for x in members):
                    found = self._known_address(mem.name)
                    if found is not None and found[0] not in mem.addrs.values():
                        mem.addrs[link] = found[0]
                        mem.sources[link] = found[1]
                        continue
                missing.setdefault(link, []).append(mem.name)
        if not links:
            for mem in members:
                found = self._known_address(mem.name)
                if found is not None:
                    mem.addrs[0], mem.sources[0] = found
        # a link must have an address on every node, and links are numbered from 0; the
        # notes name a link by the number it has in the written file (a path dropped
        # before it moves the later ones down) or, dropped, by its interface
        usable = [
            lk for lk in sorted(set(links.values()) | {0}) if all(lk in m.addrs for m in members)
        ]
        # ucast targets the files tie to no member, by the link number written
        lost: dict[int, list[str]] = {}
        for _, host, link in unowned:
            if link in usable:
                hosts = lost.setdefault(usable.index(link), [])
                hosts.extend([host] if host not in hosts else [])
        for loc, kind, dev, why in shared:
            if links[dev] in usable:
                ring = usable.index(links[dev])
                self.note(
                    "rewrite",
                    loc,
                    f"corosync.conf ring{ring}_addr of every node",
                    f"{kind} on {dev} becomes knet link {ring}",
                    why,
                )
        for link, names in missing.items():
            self.note(
                "manual",
                "ha.cf",
                "-",
                f"the path on {dev_of.get(link, '?')} is not carried: no address of "
                f"{', '.join(names)} on it is known",
                "the files give no address for it (bcast/mcast paths name only an "
                "interface), and corosync needs one on every node: to keep the path, add "
                f"a ring{len(usable)}_addr on {dev_of.get(link, '?')} to every node of the "
                "nodelist",
            )
        for loc, host, link in unowned:
            where = (
                f"ring{usable.index(link)}_addr"
                if link in usable
                else f"ring{len(usable)}_addr (a new link: the path on {dev_of.get(link, '?')})"
            )
            self.note(
                "manual",
                loc,
                "-",
                f"ucast address {host} belongs to no member",
                f"no /etc/hosts name of it is a member's; add it by hand as that member's {where}",
            )
        for mem in members:
            for lk in list(mem.addrs):
                if lk not in usable:
                    self.note(
                        "manual",
                        mem.sources.get(lk, "ha.cf"),
                        "-",
                        f"address {mem.addrs.pop(lk)} of {mem.name} on "
                        f"{dev_of.get(lk, '?')} dropped",
                        "not every member has an address on that path, and corosync needs "
                        "one on each",
                    )
                    mem.sources.pop(lk, None)
            mem.addrs = {usable.index(lk): a for lk, a in sorted(mem.addrs.items())}
            mem.sources = {usable.index(lk): s for lk, s in sorted(mem.sources.items())}
        for mem in members:
            for lk, addr in mem.addrs.items():
                if not mem.sources[lk].startswith("ucast") and lost.get(lk, [addr])[0] != addr:
                    # (a ha.cf copied to every node: its ucast targets name no member, and
                    # the address of the node's name is on another network, one heartbeat
                    # did not send to on this path)
                    self.note(
                        "manual",
                        mem.sources[lk],
                        f"corosync.conf ring{lk}_addr of {mem.name}",
                        f"{mem.name} ring{lk}_addr {addr}: the address of its name, not one "
                        f"heartbeat sent to on {dev_of.get(usable[lk], '?')}",
                        f"heartbeat's ucast lines there went to {', '.join(lost[lk])}, which "
                        f"the files tie to no member: write {mem.name}'s address among them "
                        "to keep the cluster's traffic on that path",
                    )
                    continue
                self.note(
                    "rewrite",
                    mem.sources[lk],
                    f"corosync.conf ring{lk}_addr of {mem.name}",
                    f"{mem.name} ring{lk}_addr {addr}",
                    "the address heartbeat used to reach this node on that path"
                    if mem.sources[lk].startswith("ucast")
                    else "the node's network configuration gives the interface of the "
                    "bcast/mcast path this address"
                    if mem.sources[lk].endswith(IFACE_SOURCE)
                    else "a bcast/mcast path names only an interface: check that this "
                    "address is on it",
                )
            if 0 not in mem.addrs:
                self.note(
                    "manual",
                    "ha.cf, /etc/hosts, drbd.conf",
                    f"corosync.conf ring0_addr of {mem.name}",
                    f"no address known for {mem.name}: ring0_addr is its name",
                    "corosync resolves the name at start; make sure every node's /etc/hosts has it",
                )

    # -- timing ----------------------------------------------------------------
    def totem_timing(self, members: list[Member]) -> dict[str, int]:
        hacf_nodes = [n for n in self.nodes if n.hacf is not None]
        if not hacf_nodes:
            return {}
        n0 = hacf_nodes[0]
        t = n0.hacf.effective_timings()
        keepalive, deadtime = t["keepalive"], t["deadtime"]
        warntime = t.get("warntime")
        count = len(members)
        # heartbeat declares a node dead after deadtime; corosync after the token timeout
        # plus the consensus timeout (1.2 x token) before it forms the new membership
        target = deadtime * 1000 / 2.2
        extra = (count - 2) * DEFAULT_TOKEN_COEFFICIENT if count >= 3 else 0
        token = max(MIN_TOKEN_MS, int(math.floor((target - extra) / 100) * 100))
        effective = token + extra
        consensus = int(effective * 1.2)
        lines = [
            f"heartbeat: keepalive {keepalive:g} s, deadtime {deadtime:g} s"
            + (f", warntime {warntime:g} s" if warntime is not None else "")
            + f" ({n0.loc(n0.hacf)}; defaults keepalive 1 s, deadtime 30 s)",
            "corosync declares a node lost after token + consensus, consensus = 1.2 x token: "
            f"effective token = deadtime / 2.2 = {deadtime * 1000:g} / 2.2 = {target:.0f} ms",
        ]
        if extra:
            lines.append(
                f"{count} nodes: corosync adds token_coefficient {DEFAULT_TOKEN_COEFFICIENT} ms "
                f"x ({count} - 2) = {extra} ms to token, so token = {target:.0f} - {extra}"
            )
        lines.append(
            f"token = {token} ms (rounded down to 100 ms, at least {MIN_TOKEN_MS}); "
            f"effective token {effective} ms; consensus = 1.2 x {effective} = {consensus} ms; "
            f"failure detected after {effective + consensus} ms (heartbeat: {deadtime * 1000:g} ms)"
        )
        out = {"token": token, "consensus": consensus}
        if warntime is not None and 0 < warntime < deadtime:
            pct = max(1, min(99, round(100 * warntime / deadtime)))
            out["token_warning"] = pct
            lines.append(
                f"token_warning = warntime / deadtime = {warntime:g} / {deadtime:g} = {pct} % "
                "(corosync warns when the token is that late)"
            )
        lines.append(
            f"keepalive {keepalive:g} s has no corosync setting: the token circulates all the "
            "time and is retransmitted after token / (token_retransmits_before_loss_const "
            "+ 0.2) ms"
        )
        self.timing = lines
        self.note(
            "rewrite",
            n0.loc(n0.hacf),
            "corosync.conf totem token/consensus",
            f"deadtime {deadtime:g} s -> token {token} ms, consensus {consensus} ms",
            "see the timing arithmetic",
        )
        for n in hacf_nodes[1:]:
            if n.hacf.effective_timings() != t:
                self.note(
                    "manual",
                    n.loc(n.hacf),
                    "-",
                    f"{n.name}'s ha.cf has other timings than {n0.name}'s",
                    f"the timeouts come from {n0.name}'s; corosync needs one value on all nodes",
                )
        return out

    # -- logging ---------------------------------------------------------------
    def logging(self) -> dict[str, str]:
        n0 = next((n for n in self.nodes if n.hacf is not None), None)
        if n0 is None:
            return {"to_syslog": "yes"}
        hacf = n0.hacf
        src_doc = hacf
        facility, logfile = hacf.logfacility, hacf.logfile
        debugfile = hacf.debugfile
        if hacf.use_logd and n0.logd is not None:
            src_doc = n0.logd
            facility = n0.logd.logfacility or facility
            logfile = n0.logd.logfile or logfile
            debugfile = n0.logd.debugfile or debugfile
        where = n0.loc(src_doc)
        out: dict[str, str] = {}
        if facility and facility.lower() != "none":
            if facility in SYSLOG_FACILITIES:
                out["to_syslog"] = "yes"
                out["syslog_facility"] = facility
                self.note(
                    "rewrite",
                    where,
                    "corosync.conf logging",
                    f"logfacility {facility} -> to_syslog yes, syslog_facility {facility}",
                    "same syslog facility, so the syslog filters keep working",
                )
            else:
                out["to_syslog"] = "yes"
                self.note(
                    "manual",
                    where,
                    "corosync.conf logging",
                    f"logfacility {facility} is not one corosync takes: logging to daemon",
                    "corosync accepts daemon and local0..local7; adjust the syslog filters",
                )
        elif facility is not None or logfile:
            out["to_syslog"] = "no"
            if facility is not None:
                self.note(
                    "rewrite",
                    where,
                    "corosync.conf logging",
                    f"logfacility {facility} -> to_syslog no",
                    "heartbeat sent nothing to syslog; corosync does not either",
                )
        else:
            out["to_syslog"] = "yes"
            self.note(
                "rewrite",
                where,
                "corosync.conf logging",
                "no logfacility or logfile read: to_syslog yes (facility daemon)",
                "heartbeat and logd log to syslog's daemon facility by default; corosync too",
            )
        if logfile:
            out["to_logfile"] = "yes"
            out["logfile"] = logfile
            self.note(
                "rewrite",
                where,
                "corosync.conf logging",
                f"logfile {logfile} -> logfile {logfile}",
                "corosync appends to it; Pacemaker logs to PCMK_logfile "
                "(/etc/default/pacemaker), /var/log/pacemaker/pacemaker.log by default",
            )
        if debugfile:
            self.note(
                "dropped",
                where,
                "-",
                f"debugfile {debugfile} not carried",
                "corosync writes debug messages to its logfile when logging { debug: on }",
            )
        if src_doc is n0.logd:
            self._logd_leftovers(n0)
        out["timestamp"] = "on"
        return out

    def _logd_leftovers(self, n0: NodeFiles) -> None:
        """The ha_logd.cf directives besides logfacility, logfile and debugfile: each gets
        a line (an ``entity`` changed the syslog tag heartbeat's messages carried)."""
        for e in n0.logd.entries():
            if e.key in ("logfacility", "logfile", "debugfile"):
                continue
            val = " ".join(e.values)
            if e.key in ("entity", "syslogprefix"):
                why = (
                    f"logd tagged heartbeat's syslog messages {val!r}; corosync's carry "
                    "'corosync' and Pacemaker's their daemons' names (pacemaker-controld, "
                    "...): change the syslog filters that match the old tag"
                )
                self.note("manual", n0.loc(n0.logd, e), "-", f"{e.key} {val}", why)
            else:
                self.note(
                    "dropped",
                    n0.loc(n0.logd, e),
                    "-",
                    f"{e.key} {val}".rstrip(),
                    "logd's own setting: corosync and Pacemaker log without logd",
                )

    # -- the rest of ha.cf -----------------------------------------------------
    def leftovers(self, members: int = 2) -> None:
        """The ha.cf directives corosync.conf does not hold (``members``: the count), of
        every node's ha.cf: a line only one node has (a respawn, a stonith_host) is
        reported too; one that every node has is one line (:meth:`note`)."""
        entries = [(n0, e) for n0 in self.nodes if n0.hacf is not None for e in n0.hacf.entries()]
        for n0, e in entries:
            hacf = n0.hacf
            key = e.key
            loc = n0.loc(hacf, e)
            val = " ".join(e.values)
            if key in ("ping", "ping_group"):
                self.note(
                    "manual",
                    loc,
                    "CIB",
                    f"{key} {val}",
                    "corosync has no ping nodes: add an ocf:pacemaker:ping clone with "
                    f'host_list="{" ".join(e.values[1:] if key == "ping_group" else e.values)}" '
                    "and location rules on its pingd attribute",
                )
            elif key == "respawn":
                program = os.path.basename(e.values[1]) if len(e.values) > 1 else ""
                self.note(
                    "manual",
                    loc,
                    "-",
                    f"respawn {val}",
                    HEARTBEAT_CLIENTS.get(
                        program,
                        "corosync starts no client programs: run it as a systemd service "
                        "or a Pacemaker resource",
                    ),
                )
            elif key == "apiauth":
                self.note("dropped", loc, "-", f"apiauth {val}", "heartbeat's API is gone")
            elif key in ("stonith", "stonith_host"):
                self.note(
                    "manual",
                    loc,
                    "CIB",
                    f"{key} {val}",
                    "fencing belongs in the CIB as a stonith resource (stonith_admin --list-"
                    "installed shows the agents)",
                )
            elif key == "auto_failback" and hacf.crm_enabled:
                # (a TODO to set a stickiness the converted CIB already holds, for a line
                # heartbeat never acted on under the CRM, sent the admin after nothing)
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"auto_failback {val}",
                    "it drove haresources only: under the CRM heartbeat ignored it (lint "
                    "HB011) and the CIB's resource stickiness, carried with the CIB, decides",
                )
            elif key == "auto_failback":
                self.note(
                    "manual",
                    loc,
                    "CIB",
                    f"auto_failback {val}",
                    "Pacemaker expresses it as resource-stickiness in rsc_defaults "
                    "(off: a positive stickiness; on: 0)",
                )
            elif key in ("watchdog",):
                self.note(
                    "manual",
                    loc,
                    "-",
                    f"watchdog {val}",
                    "use sbd (with its watchdog) or the watchdog_device of corosync's "
                    "resources section",
                )
            elif key in ("autojoin",):
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"autojoin {val}",
                    "the corosync 3 nodelist is static: add a node with corosync-cfgtool/pcs",
                )
            elif key in ("initdead",):
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"initdead {val}",
                    "votequorum's wait_for_all (set by two_node) waits for all nodes at start"
                    if members == 2
                    else "Pacemaker starts resources once a majority of the members is up "
                    "(votequorum); it needs no start-up grace time",
                )
            elif key in ("udpport",):
                self.note(
                    "dropped", loc, "-", f"udpport {val}", "knet uses UDP port 5405 by default"
                )
            elif key in ("crm", "pacemaker") and not hacf.crm_enabled:
                self.note(
                    "dropped",
                    loc,
                    "CIB",
                    f"{key} {val}: a heartbeat v1 cluster (haresources)",
                    "Pacemaker always manages the resources: the CIB is made from "
                    "haresources (its lines in this report say how)",
                )
            elif key in ("crm", "pacemaker"):
                self.note(
                    "rewrite",
                    loc,
                    "CIB",
                    f"{key} {val}: the CRM managed the resources"
                    + (f" (crm {hacf.crm})" if val != hacf.crm else ""),
                    "heartbeat started the CRM daemons itself (ha.cf's crm line); now "
                    "pacemaker.service starts Pacemaker's, after corosync.service: enable "
                    "both; the CIB lines of this report say what becomes of the CIB",
                )
            elif key == "use_logd":
                self._use_logd(n0, loc, val)
            elif key in CARRIED_ELSEWHERE:
                continue
            else:
                self.note("dropped", loc, "-", f"{key} {val}".rstrip(), _dropped_why(key))

    def _use_logd(self, n0: NodeFiles, loc: str, val: str) -> None:
        """``use_logd``: where heartbeat's messages went, and where the logging section
        of corosync.conf (:meth:`logging`) took its settings from."""
        if not n0.hacf.use_logd:
            self.note(
                "dropped",
                loc,
                "-",
                f"use_logd {val}",
                "heartbeat logged by itself (ha.cf's logfacility and logfile), as corosync "
                "and Pacemaker do: the logging lines of this report carry those",
            )
        elif n0.logd is not None and (missing := _hacf_only(n0)):
            self.note(
                "manual",
                loc,
                "corosync.conf logging",
                f"use_logd {val}, but ha_logd.cf sets no {' or '.join(missing)}: "
                "corosync.conf takes ha.cf's",
                "ha_logd used its own default where ha_logd.cf is silent, not ha.cf's "
                "setting: check corosync.conf's syslog_facility and logfile against what "
                "ha_logd wrote",
            )
        elif n0.logd is not None:
            self.note(
                "rewrite",
                loc,
                "corosync.conf logging",
                f"use_logd {val}: the logging settings are ha_logd.cf's",
                "heartbeat sent its messages to ha_logd, which wrote them as ha_logd.cf "
                "says; corosync and Pacemaker need no logging daemon and log to the same "
                "facility and file (the logging lines of this report)",
            )
        else:
            self.note(
                "manual",
                loc,
                "corosync.conf logging",
                f"use_logd {val}, but no ha_logd.cf was found: the logging settings are ha.cf's",
                "ha_logd wrote heartbeat's messages with its own settings "
                "(ha_logd.cf or logd.cf in /etc or /etc/ha.d), which were not among the "
                "files read: check corosync.conf's syslog_facility and logfile against them",
            )

    # -- authkeys ----------------------------------------------------------------
    def authkey(self) -> None:
        for n in self.nodes:
            if n.authkeys is None:
                continue
            active = n.authkeys.active
            method = getattr(active, "method", None)
            self.note(
                "rewrite",
                n.loc(n.authkeys),
                "/etc/corosync/authkey",
                f"authkeys ({method or 'no active method'}) -> a new random 256-byte key",
                "knet encrypts (aes256) and authenticates (sha256) with it; heartbeat's secret "
                "is not reused" + (": crc authenticated nothing" if method == "crc" else ""),
            )
            break
        else:
            self.note(
                "info",
                "-",
                "/etc/corosync/authkey",
                "no authkeys found: a new random 256-byte key",
                "knet crypto needs a key shared by all nodes",
            )

    def cluster_name(self) -> str:
        if self.flag_name:
            self.note("rewrite", "--cluster-name", "corosync.conf totem", self.flag_name, "given")
            return self.flag_name
        for n in self.nodes:
            for name, where in n.cluster_names:
                self.note(
                    "rewrite",
                    where,
                    "corosync.conf totem cluster_name",
                    f"cluster_name {name}",
                    "the cluster's name in its other files; DLM and pacemaker show it",
                )
                return name
        self.note(
            "manual",
            "-",
            "corosync.conf totem cluster_name",
            "cluster_name hacluster",
            "heartbeat clusters have no name: pass --cluster-name to choose one (DLM, clvmd "
            "and shared volume groups record it)",
        )
        return "hacluster"


def to_corosync(nodes: list[NodeFiles], cluster_name: str | None = None) -> StackResult:
    """The corosync 3 configuration of the cluster whose nodes' files are ``nodes``."""
    b = _Builder(nodes, cluster_name)
    members = b.members()
    b.links(members)
    name = b.cluster_name()
    timing = b.totem_timing(members)
    if len(members) == 2:
        b.note(
            "rewrite",
            "2 members",
            "corosync.conf quorum",
            "two_node: 1",
            "heartbeat let a lone node of two run the resources; votequorum does so with "
            "two_node (which also sets wait_for_all: both nodes must be up once at start)",
        )
    logging = b.logging()
    b.leftovers(len(members))
    b.authkey()
    doc = knet_conf(name, members, timing, logging)
    return StackResult(doc, members, b.notes, b.timing, name)


def knet_conf(
    name: str,
    members: list[Member],
    totem: dict[str, Any],
    logging: dict[str, Any],
    crypto: bool = True,
    quorum: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> CorosyncDocument:
    """The corosync 3 file every migration writes (from heartbeat or from openais):
    knet, crypto (aes256/sha256 with /etc/corosync/authkey) unless ``crypto`` is off,
    the nodelist of ``members`` (a member without an address is reached by its name),
    votequorum (two_node for two members; ``quorum``: options carried over it), then
    ``totem``'s settings, the ``logging`` section and ``extra`` sections (uidgid)."""
    head: dict[str, Any] = {"version": 2, "cluster_name": name, "transport": "knet"}
    if crypto:
        head.update({"crypto_cipher": "aes256", "crypto_hash": "sha256"})
    else:
        head.update({"crypto_cipher": "none", "crypto_hash": "none"})
    nodelist = []
    for m in members:
        node: dict[str, Any] = {"name": m.name, "nodeid": m.nodeid}
        if m.addrs:
            for lk, addr in sorted(m.addrs.items()):
                node[f"ring{lk}_addr"] = addr
        else:
            node["ring0_addr"] = m.name
        if m.votes != 1:
            node["quorum_votes"] = m.votes
        nodelist.append(node)
    votes: dict[str, Any] = {"provider": "corosync_votequorum"}
    if len(members) == 2 and "device" not in (quorum or {}) and {m.votes for m in members} == {1}:
        # ("two_node and quorum device cannot be configured at the same time",
        # exec/votequorum.c:1301 of corosync v3.1.7)
        votes["two_node"] = 1
    return CorosyncDocument.new(
        {
            "totem": {**head, **totem},
            "nodelist": {"node": nodelist},
            "quorum": {**votes, **(quorum or {})},
            "logging": logging,
            **(extra or {}),
        }
    )
