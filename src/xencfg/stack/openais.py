"""openais / corosync 1 with Pacemaker's plugin (SLES 11, RHEL 6: /etc/ais/openais.conf or
a corosync.conf with ``service { name: pacemaker }``) -> corosync 3 (knet): the ``stack``
part of ``xencfg migrate`` for a cluster that never ran heartbeat.

Like :mod:`xencfg.stack`, a pure function of parsed documents; the file it returns is
built by :func:`xencfg.stack.knet_conf`, the same as the heartbeat migration's. Every
line of the old file gets a report line naming it: carried, changed or dropped.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import attrs

from ..formats.lines.corosync import (
    DEFAULT_TOKEN,
    DEFAULT_TOKEN_COEFFICIENT,
    INTEGER_KEYS,
    CorosyncDocument,
    Section,
)
from ..syntax.blocks import Block, Entry
from ..syntax.numbers import decimal_or_none
from .common import Member, NodeFiles, StackResult, _names_match, _short
from .heartbeat import SYSLOG_FACILITIES, _Builder, knet_conf

#: totem options corosync 3 reads with corosync 1's meaning (corosync.conf(5) of 3.1),
#: written as they were: the timing numbers corosync types (INTEGER_KEYS) but those
#: decided here (version, nodeid, threads) and the redundant ring protocol's (gone in 3).
TOTEM_KEPT = frozenset(
    k.removeprefix("totem.")
    for k in INTEGER_KEYS
    if k.count(".") == 1
    and k.startswith("totem.")
    and not k.startswith("totem.rrp_")
    and k not in ("totem.version", "totem.nodeid", "totem.threads")
) | {"ip_version"}
#: Why a totem option corosync 3 still knows is not written.
TOTEM_DROPPED = {
    "clear_node_high_bit": "corosync 3 reads it only for a node without a nodeid, and every "
    "nodelist entry written has one",
    "threads": "knet encrypts in its own threads",
    "vsftype": "corosync 2 removed the virtual synchrony filters (ykd)",
}
#: logging options corosync 3 reads as corosync 1 did (corosync.conf(5) of 3.1).
LOGGING_KEPT = frozenset(
    {
        "timestamp",
        "fileline",
        "function_name",
        "to_stderr",
        "to_logfile",
        "to_syslog",
        "logfile",
        "logfile_priority",
        "syslog_facility",
        "syslog_priority",
        "debug",
    }
)
#: corosync 1 and 2's default token (corosync.conf(5) of 1.4 and 2.4: "The default is 1000
#: milliseconds"); corosync 3's is 3000 ms.
COROSYNC1_TOKEN_MS = 1000
#: What became of a top-level section of openais.conf / corosync 1's corosync.conf.
SECTION_WHY = {
    "aisexec": "the user and group openais ran as (corosync 3 runs as root; IPC clients "
    "of other users are allowed by uidgid sections)",
    "amf": "openais's Availability Management Framework: corosync 3 has none, and "
    "Pacemaker never used it",
    "event": "openais's event service settings: corosync 3 has no such service",
    "quorum": "replaced by votequorum (the quorum section written)",
}


@attrs.define
class AisNode:
    """One node's files: its NodeFiles (hosts, cluster names, report names) and the
    openais.conf or corosync 1 corosync.conf it runs with; ``authkey``: the report name
    of its /etc/ais/authkey or /etc/corosync/authkey, if it has one; ``services``: the
    files of /etc/corosync/service.d (RHEL 6 loads Pacemaker's plugin from service.d/pcmk),
    with their report names in ``files.where``; ``release``: where a corosync 2 file
    that names no key of its generation was read as one (the node's release file)."""

    files: NodeFiles
    conf: CorosyncDocument
    authkey: str | None = None
    services: list[CorosyncDocument] = attrs.Factory(list)
    release: str | None = None
    #: the bytes of its /etc/corosync/authkey (corosync 2's nodes only: openais's key
    #: is not reused), None where it has none
    key: bytes | None = attrs.field(default=None, repr=False)


def _network(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network | None, bool]:
    """The network ``bindnetaddr`` names and whether it was a node's own address.
    corosync 1 masked it with the netmask of the interface it matched (totemip.c), which
    the file does not hold: a network address is read by its trailing zero octets
    (192.168.5.0 -> /24), and a host address (192.168.5.92) names its own node: its
    network is taken as the /24 (/64) around it."""
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return None, False
    bits, step = (32, 8) if ip.version == 4 else (128, 16)
    value = int(ip)
    zeros = 0
    while zeros < bits - step and not value & ((1 << (zeros + step)) - 1):
        zeros += step
    if zeros == 0:
        return ipaddress.ip_network(f"{ip}/{bits - (8 if bits == 32 else 64)}", strict=False), True
    return ipaddress.ip_network(f"{ip}/{bits - zeros}", strict=False), False


def _names(name: str, member: str) -> bool:
    """/etc/hosts' ``name`` names ``member``: :func:`xencfg.stack._names_match`, or the
    member's name and a suffix (``xen-a-hb`` for ``xen-a``, whose first word is only
    ``xen``)."""
    low, mem = name.lower(), member.lower()
    return _names_match(name, member) or any(low.startswith(mem + sep) for sep in "-_.")


#: Keys each node's file may hold its own way (corosync 1 read them per node).
_PER_NODE = ("bindnetaddr", "nodeid")


def _settings(doc: CorosyncDocument) -> dict[str, tuple[str, Any]]:
    """Every setting of the file by a name that tells repeated sections apart
    (``totem.interface[1].mcastport``, ``logging.logger_subsys[AMF].debug``), without
    the per-node ones: ``{name: (value, line)}``."""
    out: dict[str, tuple[str, Any]] = {}

    def walk(block: Any, prefix: str) -> None:
        for c in block.child_nodes():
            if isinstance(c, Entry) and c.key not in _PER_NODE:
                out[f"{prefix}{c.key}"] = (" ".join(c.values), c)
            elif isinstance(c, Block):
                tag = next(
                    (
                        " ".join(e.values)
                        for k in ("ringnumber", "subsys", "name")
                        for e in [c.entry(k)]
                        if e is not None
                    ),
                    None,
                )
                walk(c, f"{prefix}{c.key}{f'[{tag}]' if tag is not None else ''}.")

    walk(doc, "")
    return out


class _Ais:
    #: logging's logger_subsys sections are written (corosync 2's subsystems are 3's)
    subsys_kept = False
    #: what the old release did with a consensus below 1.2 x token
    no_minimum = " (openais 0.80 had none)"
    #: why a cluster whose file names none is called hacluster
    no_name_why = (
        "openais.conf and corosync 1's file name no cluster: pass --cluster-name "
        "to choose one (DLM, clvmd and shared volume groups record it)"
    )
    #: why the authkey is a new one
    key_why = (
        "knet's crypto needs a key shared by all nodes; corosync 1's 128-byte key is not reused"
    )

    def __init__(
        self, nodes: list[AisNode], cib_nodes: list[tuple[str, str]], cluster_name: str | None
    ) -> None:
        self.nodes = nodes
        self.cib_nodes = cib_nodes
        self.b = _Builder([n.files for n in nodes], cluster_name)
        self.note = self.b.note

    def loc(self, n: AisNode, node: Any = None) -> str:
        return n.files.loc(n.conf, node)

    def _own(self, member: str) -> AisNode | None:
        """The node tree of ``member`` (its name, or its short name)."""
        return next((n for n in self.nodes if _short(n.files.name) == _short(member)), None)

    # -- members -------------------------------------------------------------------
    def members(self) -> list[Member]:
        if self.cib_nodes:
            names: list[str] = []
            for uname, _ in self.cib_nodes:
                if uname.lower() not in (n.lower() for n in names):
                    names.append(uname)
            src = self.cib_nodes[0][1]
            how = "the CIB's nodes (Pacemaker's plugin named each member by its uname)"
        else:
            names = [n.files.name for n in self.nodes]
            src = "the node trees given"
            how = "the node trees given (no CIB names the members: check each is uname -n)"
        ids: dict[str, int] = {}
        for name in names:
            own = self._own(name)
            totem = own.conf.totem if own is not None else None
            nodeid = decimal_or_none(totem.get("nodeid") or "") if totem is not None else None
            if nodeid and 0 < nodeid < 2**31 and nodeid not in ids.values():
                ids[name] = nodeid
                assert own is not None and totem is not None
                self.note(
                    "rewrite",
                    self.loc(own, totem.block.entry("nodeid")),
                    "corosync.conf nodelist",
                    f"{name}: totem nodeid {nodeid} -> nodelist nodeid {nodeid}",
                    "corosync 3 reads each node's id from its nodelist entry",
                )
        for n in self.nodes:
            if not any(_short(n.files.name) == _short(name) for name in names):
                self.note(
                    "manual",
                    self.loc(n),
                    "corosync.conf nodelist",
                    f"{n.files.name} runs openais or corosync but is not among the "
                    f"members ({', '.join(names)})",
                    "corosync 3 on it would find itself in no nodelist entry ('No valid "
                    "name found for local host'): add it, or check the CIB given",
                )
        free = (i for i in range(1, 2**31) if i not in ids.values())
        members = [Member(name, ids.get(name) or next(free)) for name in names]
        self.note(
            "rewrite",
            src,
            "corosync.conf nodelist",
            "members " + ", ".join(f"{m.name} (nodeid {m.nodeid})" for m in members),
            f"corosync 3 with knet needs every member listed with a name and a nodeid: "
            f"from {how}; the ids become the CIB's node ids (corosync 1 made a node's id "
            "of its ring0 IPv4 address where totem set none)",
        )
        return members

    # -- links -----------------------------------------------------------------------
    def _address(
        self, member: str, iface: Section, net: Any, own_addr: bool
    ) -> tuple[str, str] | None:
        """``member``'s address on the interface's network: its own file's bindnetaddr
        when that is a host address, a udpu ``memberaddr`` /etc/hosts names it by, the
        first /etc/hosts address of its names inside the network, else its own network
        configuration's address inside it."""
        own = self._own(member)
        if own is not None:
            mine = self._iface(own, iface.get("ringnumber") or "0")
            raw = mine.get("bindnetaddr") if mine is not None else None
            if mine is not None and raw and _network(raw)[1]:
                return raw, f"{self.loc(own, mine.block.entry('bindnetaddr'))} (its own address)"
        for n in self.nodes:
            hosts, index = n.files.hosts, n.files.hosts_index
            if index is None:
                continue
            for sub in iface.block.blocks("member"):
                addr = Section(sub).get("memberaddr") or ""
                if any(_names(h, member) for h in index.names_of(addr)):
                    return addr, f"{self.loc(n, sub)} (udpu memberaddr, {n.files.loc(hosts)})"
            # (the lines whose names may be the member's: every name _names takes has its stem)
            for line, a in index.select([member]):
                if line.scoped or not any(_names(h, member) for h in line.names):
                    continue
                if net is not None and a.version == net.version and a in net:
                    how = "around bindnetaddr" if own_addr else "of bindnetaddr"
                    return str(
                        a
                    ), f"{n.files.loc(hosts, line)} ({line.names[0]}, in the {net} {how})"
        # (else the node's own network configuration: xencfg.ifaces)
        for dev, (addr, src) in sorted(own.files.ifaces.items()) if own is not None else ():
            a = ipaddress.ip_address(addr)
            if net is not None and a.version == net.version and a in net:
                return addr, f"{src} ({dev}'s address, in the {net} of bindnetaddr)"
        return None

    @staticmethod
    def _iface(n: AisNode, ring: str) -> Section | None:
        totem = n.conf.totem
        for s in totem.interfaces if totem is not None else []:
            if (s.get("ringnumber") or "0") == ring:
                return s
        return None

    def links(self, members: list[Member]) -> None:
        n0 = self.nodes[0]
        totem = n0.conf.totem
        ifaces = sorted(
            totem.interfaces if totem is not None else [],
            key=lambda s: decimal_or_none(s.get("ringnumber") or "0") or 0,
        )
        link = 0
        for iface in ifaces:
            ring = iface.get("ringnumber") or "0"
            bind = iface.get("bindnetaddr") or ""
            net, own_addr = _network(bind)
            where = self.loc(n0, iface.block)
            found = {m.name: self._address(m.name, iface, net, own_addr) for m in members}
            missing = [name for name, got in found.items() if got is None]
            if missing and link > 0:
                self.note(
                    "manual",
                    where,
                    "corosync.conf nodelist",
                    f"interface ringnumber {ring} (bindnetaddr {bind}) is not carried: no "
                    f"address of {', '.join(missing)} on its network in /etc/hosts or the "
                    "nodes' network configuration",
                    "knet needs each node's address on every link: add the link by hand "
                    f"(ring{link}_addr of every node)",
                )
                continue
            for m in members:
                got = found[m.name]
                if got is None:
                    self.note(
                        "manual",
                        where,
                        f"corosync.conf ring{link}_addr of {m.name}",
                        f"{m.name} ring{link}_addr {m.name}: no address of it on the "
                        f"network of bindnetaddr {bind} in /etc/hosts",
                        "corosync resolves the name at start: check that it gives the "
                        "address on that network, or write the address",
                    )
                    m.addrs[link], m.sources[link] = m.name, where
                    continue
                m.addrs[link], m.sources[link] = got
                self.note(
                    "rewrite",
                    got[1],
                    f"corosync.conf ring{link}_addr of {m.name}",
                    f"{m.name} ring{link}_addr {got[0]}",
                    "bindnetaddr picked each node's interface by its network; knet needs "
                    "each node's own address",
                )
            self.note(
                "rewrite",
                where,
                f"corosync.conf knet link {link}",
                f"interface ringnumber {ring} (bindnetaddr {bind}) -> knet link {link}",
                "knet sends unicast between the nodelist's addresses (no multicast: a "
                "network that drops multicast or a routed one works too)",
            )
            self._iface_leftovers(n0, iface)
            link += 1
        if link == 0:
            self.note(
                "manual",
                self.loc(n0),
                "corosync.conf nodelist",
                "no totem interface: every member's ring0_addr is its name",
                "corosync resolves the names at start: check that they give the "
                "addresses the nodes reach each other on",
            )

    def _iface_leftovers(self, n: AisNode, iface: Section) -> None:
        for e in iface.block.entries():
            val = " ".join(e.values)
            if e.key == "mcastaddr":
                self.note(
                    "dropped",
                    self.loc(n, e),
                    "-",
                    f"mcastaddr {val} not carried",
                    "knet sends unicast to each node's ring address: no multicast group",
                )
            elif e.key == "mcastport":
                port = decimal_or_none(val)
                old = f"{port - 1} and {port}" if port else val
                self.note(
                    "manual",
                    self.loc(n, e),
                    "firewall",
                    f"mcastport {val} not carried: knet uses UDP port 5405",
                    f"corosync 1 used UDP ports {old} (mcastport and mcastport - 1, "
                    "corosync.conf(5)); open UDP 5405 between the nodes",
                )
            elif e.key in ("ttl", "broadcast"):
                self.note(
                    "dropped", self.loc(n, e), "-", f"{e.key} {val}", "udp only: knet needs none"
                )

    # -- totem -----------------------------------------------------------------------
    def carry(
        self, e: Entry, val: str, loc: str, out: dict[str, Any], skip: tuple[str, ...]
    ) -> None:
        """A totem option corosync 3 reads alike goes into ``out``, transport becomes
        knet; any other, but those of ``skip`` (written otherwise), gets its dropped line."""
        if e.key in TOTEM_KEPT:
            out[e.key] = val
            self.note("rewrite", loc, "corosync.conf totem", f"{e.key}: {val}", "kept")
        elif e.key == "transport":
            self.note(
                "rewrite",
                loc,
                "corosync.conf totem",
                f"transport {val} -> knet",
                "corosync 3 encrypts and runs several links only with knet"
                + ("; udp multicast is gone with it" if val == "udp" else ""),
            )
        elif e.key not in skip:
            self.note(
                "dropped",
                loc,
                "-",
                f"totem {e.key} {val}".rstrip(),
                TOTEM_DROPPED.get(e.key, "not a corosync 3 totem option (corosync.conf(5) of 3.1)"),
            )

    def totem(self, members: list[Member]) -> tuple[dict[str, Any], bool]:
        """The totem settings carried (timing and the like) and whether crypto is on."""
        n0 = self.nodes[0]
        totem = n0.conf.totem
        out: dict[str, Any] = {}
        crypto = True
        entries = list(totem.block.entries()) if totem is not None else []
        keys = {e.key for e in entries}
        for e in entries:
            val = " ".join(e.values)
            loc = self.loc(n0, e)
            if e.key == "secauth":
                crypto = val.lower() not in ("off", "no", "0")
                self.note(
                    "rewrite" if crypto else "manual",
                    loc,
                    "corosync.conf totem crypto",
                    f"secauth {val} -> "
                    + ("crypto_cipher aes256, crypto_hash sha256" if crypto else "no crypto"),
                    "knet encrypts and authenticates with /etc/corosync/authkey (a new key)"
                    if crypto
                    else "messages were neither signed nor encrypted and still are not: "
                    "any host on the network can join the cluster; set crypto_cipher and "
                    "crypto_hash and copy one corosync-keygen key to every node",
                )
            elif e.key == "rrp_mode":
                self.note(
                    "rewrite",
                    loc,
                    "corosync.conf totem",
                    f"rrp_mode {val} not carried",
                    "knet runs every link itself (link_mode passive: the highest-priority "
                    "link that is up); the redundant ring protocol is gone",
                )
            else:
                self.carry(e, val, loc, out, ("version", "cluster_name", "nodeid"))
        if "secauth" not in keys:
            self.note(
                "rewrite",
                self.loc(n0, totem.block if totem is not None else None),
                "corosync.conf totem crypto",
                "secauth (not set: on) -> crypto_cipher aes256, crypto_hash sha256",
                "corosync 1 signed and encrypted by default (secauth's default is on); "
                "knet does so with /etc/corosync/authkey (a new key)",
            )
        self._timing(out, len(members))
        return out, crypto

    def _timing(self, out: dict[str, Any], count: int) -> None:
        token = decimal_or_none(str(out.get("token", "")))
        base = token if token is not None else DEFAULT_TOKEN
        if token is None:
            self.b.timing.append(
                "token not set: corosync 1 and 2 declared a token lost after "
                f"{COROSYNC1_TOKEN_MS} ms, corosync 3 waits {DEFAULT_TOKEN} ms by default "
                "(kept: node failures are seen about 2 s later)"
            )
        else:
            self.b.timing.append(f"token {token} ms kept")
        eff = base
        if count >= 3:
            eff = base + (count - 2) * DEFAULT_TOKEN_COEFFICIENT
            self.b.timing.append(
                f"{count} members: corosync 3 adds token_coefficient "
                f"({DEFAULT_TOKEN_COEFFICIENT} ms) per node beyond two: effective token "
                f"{base} + {count - 2} x {DEFAULT_TOKEN_COEFFICIENT} = {eff} ms"
            )
        consensus = decimal_or_none(str(out.get("consensus", "")))
        if consensus is not None and consensus < eff * 1.2:
            # openais 0.80 had no minimum and shipped consensus below token; corosync
            # 3 starts but corosync.conf(5) says "The minimum value for consensus must
            # be 1.2 * token" (xencfg lint: CS002)
            del out["consensus"]
            for note in self.b.notes:
                if note.what == f"consensus: {consensus}" and note.why == "kept":
                    note.what = f"consensus: {consensus} dropped"
                    note.why = (
                        f"below 1.2 x token ({eff} ms), corosync.conf(5)'s minimum"
                        f"{self.no_minimum}: corosync 3 computes {int(eff * 1.2)} ms"
                    )
            self.b.timing.append(
                f"consensus {consensus} ms < 1.2 x {eff}: not written, corosync 3 takes "
                f"{int(eff * 1.2)} ms"
            )

    # -- logging and the other sections ------------------------------------------------
    def logging(self) -> dict[str, Any]:
        n0 = self.nodes[0]
        section = n0.conf.section("logging")
        out: dict[str, Any] = {}
        for c in section.child_nodes() if section is not None else []:
            loc = self.loc(n0, c)
            if isinstance(c, Block):
                subsys = Section(c).get("subsys") or ""
                if self.subsys_kept:
                    self.note(
                        "rewrite",
                        loc,
                        "corosync.conf logging",
                        f"logger_subsys {subsys}".rstrip(),
                        "kept: corosync 3 reads logger_subsys as 2 did (corosync.conf(5))",
                    )
                    out.setdefault("logger_subsys", []).append(
                        {e.key: " ".join(e.values) for e in c.entries()}
                    )
                    continue
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"logger_subsys {subsys}".rstrip(),
                    "the subsystem names of corosync 1's services (AMF, CLM, pcmk, ...) "
                    "are gone; corosync 3 logs its own subsystems at the section's level",
                )
                continue
            if not isinstance(c, Entry):
                continue
            key, val = ("to_logfile" if c.key == "to_file" else c.key), " ".join(c.values)
            if key == "syslog_facility" and val not in SYSLOG_FACILITIES:
                self.note(
                    "manual",
                    loc,
                    "corosync.conf logging",
                    f"{c.key} {val}",
                    "corosync 3 takes daemon and local0..local7: logging to daemon",
                )
                continue
            if key == "logfile":
                out[key] = val
                self.note(
                    "manual",
                    loc,
                    "corosync.conf logging",
                    f"logfile: {val} (kept)",
                    "corosync 3 does not start when it cannot open it (corosync -t: "
                    '"Can\'t open logfile ... No such file or directory"): create its '
                    "folder on every node (Debian's package logs to /var/log/corosync/)",
                )
            elif key in LOGGING_KEPT:
                out[key] = val
                self.note(
                    "rewrite",
                    loc,
                    "corosync.conf logging",
                    f"{c.key}: {val}" + (f" -> {key}: {val}" if key != c.key else ""),
                    "kept" if key == c.key else "openais's name for it",
                )
            else:
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"logging {c.key} {val}".rstrip(),
                    "not a corosync 3 logging option (corosync.conf(5) of 3.1)",
                )
        if not out:
            out["to_syslog"] = "yes"
        return out

    def differences(self) -> None:
        """A TODO for each setting another node's file has otherwise than the first
        node's, which the written file follows (each node read its own; bindnetaddr and
        nodeid may differ: they are read per node)."""
        n0 = self.nodes[0]
        first = _settings(n0.conf)
        why = (
            f"the nodes' files differ and the written file follows {n0.files.name}'s: "
            "check which the cluster needs"
        )
        for n in self.nodes[1:]:
            mine = _settings(n.conf)
            for name, (value, entry) in mine.items():
                was = first.get(name)
                if was is None or was[0] != value:
                    said = f" ({n0.files.name}: {was[0]})" if was is not None else ""
                    what = f"{n.files.name}: {name} {value}{said}"
                    self.note("manual", self.loc(n, entry), "corosync.conf", what, why)
            for name in first.keys() - mine.keys():
                what = f"{n.files.name} has no {name} ({n0.files.name}: {first[name][0]})"
                self.note("manual", self.loc(n), "corosync.conf", what, why)

    def sections(self) -> None:
        """A line for each top-level section besides totem and logging."""
        for n in self.nodes[:1]:
            for c in n.conf.children:
                if not isinstance(c, Block) or c.key in ("totem", "logging"):
                    continue
                loc = self.loc(n, c)
                if c.key == "service":
                    self._service(n, n.conf, loc, Section(c))
                elif c.key == "uidgid":
                    self.note(
                        "manual",
                        loc,
                        "/etc/corosync/uidgid.d",
                        "uidgid " + " ".join(f"{k} {v}" for k, v in Section(c).settings.items()),
                        "corosync 3 reads uidgid sections too: copy it into corosync.conf "
                        "if that user still runs a corosync client",
                    )
                else:
                    self.note(
                        "dropped",
                        loc,
                        "-",
                        f"{c.key} {{ ... }}",
                        SECTION_WHY.get(c.key, "not a corosync 3 section"),
                    )
            for e in n.conf.children:
                if isinstance(e, Entry):
                    self.note(
                        "dropped",
                        self.loc(n, e),
                        "-",
                        f"{e.key} {' '.join(e.values)}".rstrip(),
                        "compatibility: whitetank let corosync 1 talk to openais 0.80 nodes"
                        if e.key == "compatibility"
                        else "not a corosync 3 top-level option",
                    )
            for doc in n.services:
                for block in doc.sections("service"):
                    self._service(n, doc, n.files.loc(doc, block), Section(block))

    def _service(self, n: AisNode, doc: CorosyncDocument, loc: str, s: Section) -> None:
        name, ver = s.get("name") or "?", s.get("ver") or "0"
        if name != "pacemaker":
            self.note(
                "dropped",
                loc,
                "-",
                f"service {name}",
                "a corosync 1 plugin: corosync 2 dropped plugins (its clients now use cpg "
                "and the DLM: cmirrord, ocfs2 through dlm_controld)",
            )
            return
        how = (
            "ver: 1: pacemakerd was started by its own init script after corosync"
            if ver == "1"
            else f"ver: {ver}: corosync started Pacemaker's daemons itself through the plugin"
        )
        self.note(
            "rewrite",
            loc,
            "pacemaker.service",
            f"service {{ name: pacemaker; {how.split(':', 2)[0]}: {ver} }}",
            f"{how}; Pacemaker 2 has no plugin: pacemaker.service starts it after "
            "corosync.service (enable both)",
        )
        for key in ("use_mgmtd", "use_logd"):
            val = s.get(key)
            if val is not None:
                self.note(
                    "dropped",
                    n.files.loc(doc, s.block.entry(key)),
                    "-",
                    f"service pacemaker {key}: {val}",
                    "mgmtd (the old GUI's daemon) is gone"
                    if key == "use_mgmtd"
                    else "Pacemaker logs without ha_logd",
                )

    #: the old key, where it is written again instead of a new one (:meth:`authkey`)
    kept_key: bytes | None = None

    def authkey(self, crypto: bool) -> None:
        where = next((n.authkey for n in self.nodes if n.authkey), None)
        if crypto:
            self.note(
                "rewrite",
                where or "-",
                "/etc/corosync/authkey",
                "a new random 256-byte key" + (f" (replaces {where})" if where else ""),
                self.key_why,
            )

    def quorum(self, count: int) -> dict[str, Any]:
        """votequorum's options beyond knet_conf's (none: the plugin had no votequorum)."""
        if count == 2:
            self.note(
                "rewrite",
                "2 members",
                "corosync.conf quorum",
                "two_node: 1",
                "Pacemaker's plugin had no quorum of its own for two nodes (the CIB's "
                "no-quorum-policy decided); votequorum's two_node lets a lone node of two "
                "keep quorum (and sets wait_for_all: both nodes must be up once at start)",
            )
        return {}

    def extra(self) -> dict[str, Any]:
        """Sections written as they were (none: uidgid is a TODO, see sections)."""
        return {}


def to_knet(
    nodes: list[AisNode],
    cib_nodes: list[tuple[str, str]],
    cluster_name: str | None = None,
    builder: type[_Ais] = _Ais,
) -> tuple[StackResult, bool]:
    """The corosync 3 configuration of an openais / corosync 1 cluster (``cib_nodes``:
    the CIB's node unames with the report name of their line), and whether it encrypts;
    ``builder``: the class that reads the old files (:mod:`xencfg.stack.corosync2`'s for
    corosync 2)."""
    a = builder(nodes, cib_nodes, cluster_name)
    for n in nodes:
        t = n.conf.totem
        given = t.get("cluster_name") if t is not None else None
        if t is not None and given:
            n.files.cluster_names.insert(0, (given, a.loc(n, t.block.entry("cluster_name"))))
    members = a.members()
    a.links(members)
    name = a.b.cluster_name()
    for note in a.b.notes:
        if note.kind == "manual" and note.target == "corosync.conf totem cluster_name":
            note.why = a.no_name_why
    totem, crypto = a.totem(members)
    quorum = a.quorum(len(members))
    logging = a.logging()
    a.sections()
    a.differences()
    a.authkey(crypto)
    doc = knet_conf(name, members, totem, logging, crypto=crypto, quorum=quorum, extra=a.extra())
    return StackResult(doc, members, a.b.notes, a.b.timing, name, a.kept_key), crypto
