"""corosync 2 (RHEL 7, SLES 12, Debian 8/9: udp or udpu, ``interface { ringnumber }``,
``rrp_mode``) -> corosync 3 (knet): the ``stack`` part of ``xencfg migrate`` for a cluster
that already runs votequorum and a nodelist.

The openais path (:mod:`xencfg.stack.openais`) reads the same kind of file; this one differs
where corosync 2 does: the nodelist and quorum sections are carried, crypto follows
corosync 2's defaults, ``rrp_mode`` becomes ``link_mode`` and each ring's ``mcastport``
stays its link's port. The file is built by :func:`xencfg.stack.knet_conf`.
"""

from __future__ import annotations

from typing import Any

from ..formats.lines.corosync import ring_address
from ..syntax.blocks import Block, Entry
from ..syntax.numbers import decimal_or_none
from .common import Member, StackResult, _short
from .openais import AisNode, _Ais, _names, to_knet

#: knet takes node ids below 65536 ("Knet requires nodeid to be less than", exec/
#: totemconfig.c:1453 of v3.1.7); corosync 2 made ids of IPv4 addresses (above it).
KNET_MAX_NODEID = 65535
#: What corosync 2 encrypted with where the file sets nothing (exec/totemconfig.c:411-419
#: of v2.4.5: aes256 and sha1 unless ``secauth: off``); 3.x defaults to none (v3.1.7:551).
COROSYNC2_CRYPTO = ("aes256", "sha1")
#: Ciphers and hashes corosync 3 takes (exec/totemconfig.c:572-603 of v3.1.7); 2.x also
#: had 3des.
KNET_CIPHERS = ("none", "aes256", "aes192", "aes128")
KNET_HASHES = ("none", "md5", "sha1", "sha256", "sha384", "sha512")
#: knet's smallest key: 1024 bits (corosync -t of 3.1.7 refuses a 127-byte key: "Could
#: only read 1016 bits of minimum 1024 bits"; corosync-keygen of 2.x wrote 128 bytes).
MIN_KEY_BYTES = 128
#: The most of an old key read: knet uses up to 4096 bytes (KNET_MAX_KEY_LEN).
MAX_KEY_READ = 4096
#: rrp_mode -> link_mode: passive sent on one ring at a time, active on every ring;
#: knet's passive uses the highest-priority link that is up, active all of them.
LINK_MODES = {"passive": "passive", "active": "active"}
#: votequorum options corosync 3 reads as corosync 2 did (votequorum(5) of 3.1).
QUORUM_KEPT = (
    "two_node",
    "wait_for_all",
    "last_man_standing",
    "last_man_standing_window",
    "auto_tie_breaker",
    "auto_tie_breaker_node",
    "allow_downscale",
    "expected_votes",
)


def _as_dict(block: Block) -> dict[str, Any]:
    """A section and its sub-sections as CorosyncDocument.new takes them."""
    out: dict[str, Any] = {}
    for c in block.child_nodes():
        if isinstance(c, Block):
            out[c.key] = _as_dict(c)
        elif isinstance(c, Entry):
            out[c.key] = " ".join(c.values)
    return out


class _C2(_Ais):
    """The openais builder with corosync 2's nodelist, quorum, crypto and rings."""

    subsys_kept = True
    # corosync 2.3.4 on adds token_coefficient only for the members of a nodelist
    # (exec/totemconfig.c:236 of v2.4.5): a udp multicast file's token was what it said
    no_minimum = " (corosync 2 added token_coefficient to a nodelist's members only)"
    no_name_why = (
        "the file names no cluster (totem cluster_name): pass --cluster-name to choose one "
        "(DLM, clvmd and shared volume groups record it)"
    )
    key_why = (
        "knet's crypto needs a key shared by all nodes (corosync-keygen of 3.x writes 256 "
        "bytes); the new one goes to every node at the cut-over"
    )

    def members(self) -> list[Member]:
        n0 = self.nodes[0]
        listed = n0.conf.nodes
        if not listed:  # (udp multicast: membership by bindnetaddr, as corosync 1's)
            return super().members()
        used: set[int] = set()
        members: list[Member] = []
        for i, node in enumerate(listed):
            addrs = node.ring_addrs
            if not addrs.get(0):
                self.note(
                    "manual",
                    self.loc(n0, node.block),
                    "corosync.conf nodelist",
                    f"node {i} has no ring0_addr: not carried",
                    "corosync 2 refused such an entry too; add the node by hand (name, "
                    "nodeid, ring0_addr)",
                )
                continue
            name = node.name or self._name_of(n0, node, addrs.get(0, ""))
            nodeid = decimal_or_none(node.get("nodeid") or "")
            if nodeid is not None and 0 < nodeid <= KNET_MAX_NODEID and nodeid not in used:
                used.add(nodeid)
            else:
                nodeid = None
            m = Member(name, nodeid or 0, dict(addrs))
            m.sources = {k: self.loc(n0, node.block) for k in addrs}
            members.append(m)
            if nodeid is None:
                said = node.get("nodeid")
                self.note(
                    "rewrite",
                    self.loc(n0, node.block.entry("nodeid") or node.block),
                    "corosync.conf nodelist",
                    f"node {i} ({name}): nodeid {said or '(none)'} -> a new id",
                    "knet requires an explicit nodeid below 65536 (exec/totemconfig.c of "
                    "3.1.7); corosync 2 made one of ring0's IPv4 address: the CIB's node "
                    "ids become the new ones",
                )
        free = (i for i in range(1, KNET_MAX_NODEID + 1) if i not in used)
        for m in members:
            m.nodeid = m.nodeid or next(free)
        self.note(
            "rewrite",
            self.loc(n0, n0.conf.section("nodelist")),
            "corosync.conf nodelist",
            "members " + ", ".join(f"{m.name} (nodeid {m.nodeid})" for m in members),
            "corosync 2's nodelist, kept: each entry with its name and nodeid (corosync 3 "
            "with knet needs both; pcs names nodes by them)",
        )
        return members

    def _name_of(self, n0: AisNode, node: Any, ring0: str) -> str:
        """A nodelist entry's name where it has none: ring0_addr when it is a host name
        (Pacemaker then named the node by it), else a CIB uname or node tree name that
        /etc/hosts gives ring0's address."""
        where = self.loc(n0, node.block)
        if ring0 and ring_address(ring0) is None:
            self.note(
                "rewrite",
                where,
                "corosync.conf nodelist",
                f"name: {ring0} added (ring0_addr {ring0})",
                "corosync 3 with knet needs each node's name (pcs and Pacemaker read it); "
                "ring0_addr is the host name Pacemaker knew the node by",
            )
            return ring0
        known = [u for u, _ in self.cib_nodes] + [n.files.name for n in self.nodes]
        for n in self.nodes:
            hosts, index = n.files.hosts, n.files.hosts_index
            for h in index.names_of(ring0) if index is not None else []:
                for k in known:
                    if _names(h, k) and _short(h) == _short(k):
                        self.note(
                            "rewrite",
                            f"{where} ({n.files.loc(hosts)})",
                            "corosync.conf nodelist",
                            f"name: {k} added (ring0_addr {ring0})",
                            "corosync 3 with knet needs each node's name (pcs and Pacemaker "
                            "read it): /etc/hosts names ring0's address so",
                        )
                        return k
        self.note(
            "manual",
            where,
            "corosync.conf nodelist",
            f"name: {ring0} (ring0_addr {ring0}): no name found for it",
            "corosync 3 with knet needs each node's name (pcs and Pacemaker read it): "
            "write the node's uname -n",
        )
        return ring0

    def links(self, members: list[Member]) -> None:
        self.link_opts: list[dict[str, Any]] = []
        if not self.nodes[0].conf.nodes:
            super().links(members)
            return
        n0 = self.nodes[0]
        totem = n0.conf.totem
        for iface in totem.interfaces if totem is not None else []:
            ring = iface.get("ringnumber") or "0"
            self.note(
                "rewrite",
                self.loc(n0, iface.block),
                f"corosync.conf knet link {ring}",
                f"interface ringnumber {ring} -> knet link {ring} (the nodelist's ring{ring}_addr)",
                "knet sends unicast between the nodelist's addresses",
            )
            self._iface_leftovers(n0, iface)
        if not totem or not totem.interfaces:
            self.note(
                "rewrite",
                self.loc(n0, n0.conf.section("nodelist")),
                "corosync.conf knet link 0",
                "ring0_addr of each node -> knet link 0",
                "knet sends unicast between the nodelist's addresses",
            )

    def _iface_leftovers(self, n: AisNode, iface: Any) -> None:
        link = decimal_or_none(iface.get("ringnumber") or "0") or 0
        opts: dict[str, Any] = {"linknumber": link}
        for e in iface.block.entries():
            val = " ".join(e.values)
            loc = self.loc(n, e)
            if e.key == "mcastport":
                opts["mcastport"] = val
                self.note(
                    "rewrite",
                    loc,
                    f"corosync.conf knet link {link}",
                    f"mcastport {val} kept: knet link {link}'s UDP port",
                    "corosync 3 reads it as the link's port (exec/totemconfig.c:1673 of "
                    f"3.1.7; its default is 5405 + the link number); corosync 2's udp also "
                    f"used {val} - 1, which knet does not",
                )
            elif e.key == "bindnetaddr":
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"bindnetaddr {val}",
                    "udp only: knet binds to each node's own ring address",
                )
            elif e.key in ("mcastaddr", "ttl", "broadcast"):
                self.note(
                    "dropped",
                    loc,
                    "-",
                    f"{e.key} {val} not carried",
                    "udp multicast only: knet sends unicast to each node's ring address",
                )
            elif e.key != "ringnumber":
                self.note("dropped", loc, "-", f"interface {e.key} {val}", "not a knet option")
        self.note(
            "rewrite",
            self.loc(n, iface.block),
            f"corosync.conf knet link {link}",
            f"ringnumber {link} -> linknumber {link}",
            "corosync 3 names a knet link by linknumber (ringnumber is gone)",
        )
        self.link_opts.append(opts)

    def totem(self, members: list[Member]) -> tuple[dict[str, Any], bool]:
        """The totem settings carried and whether crypto is on (corosync 2's defaults:
        aes256/sha1 unless ``secauth: off``, each overridden by crypto_cipher/hash)."""
        n0 = self.nodes[0]
        totem = n0.conf.totem
        out: dict[str, Any] = {}
        cipher, hash_ = COROSYNC2_CRYPTO
        said: list[str] = []
        first: Any = None
        for e in list(totem.block.entries()) if totem is not None else []:
            val = " ".join(e.values)
            loc = self.loc(n0, e)
            if e.key == "secauth":
                said.append(f"secauth {val}")
                first = first or loc
                if val == "off":
                    cipher, hash_ = "none", "none"
            elif e.key == "crypto_cipher":
                said.append(f"crypto_cipher {val}")
                first = first or loc
                cipher = val if val in KNET_CIPHERS else "aes256"
            elif e.key == "crypto_hash":
                said.append(f"crypto_hash {val}")
                first = first or loc
                hash_ = val if val in KNET_HASHES else "sha256"
            elif e.key == "rrp_mode":
                mode = LINK_MODES.get(val)
                if mode is not None and len(self.link_opts) > 1:
                    out["link_mode"] = mode
                    if mode == "passive":
                        self._priorities(loc)
                self.note(
                    "rewrite",
                    loc,
                    "corosync.conf totem",
                    f"rrp_mode {val} -> "
                    + (f"link_mode {mode}" if "link_mode" in out else "nothing"),
                    "knet runs every link itself: passive uses the highest-priority link "
                    "that is up, active sends on all (corosync.conf(5) of 3.1); the "
                    "redundant ring protocol is gone",
                )
            else:
                self.carry(e, val, loc, out, ("version", "cluster_name"))
        if n0.release is not None and totem is not None:
            self.note(
                "rewrite",
                self.loc(n0, totem.block),
                "corosync.conf totem transport",
                f"no transport (corosync 2 by {n0.release}) -> knet",
                "corosync 2's default transport was udp multicast (totem.transport unset), "
                "corosync 3's is knet: the file names no key of either, so the node's "
                "release decided that it ran corosync 2; knet sends unicast between the "
                "nodelist's addresses",
            )
        if self.link_opts and any(len(o) > 1 for o in self.link_opts):
            out["interface"] = sorted(self.link_opts, key=lambda o: o["linknumber"])
        lone = cipher != "none" and hash_ == "none"
        if lone:  # (corosync 2 refused it too: exec/totemconfig.c:463 of v2.4.5)
            hash_ = "sha256"
        crypto = (cipher, hash_) != ("none", "none")
        if crypto:
            out["crypto_cipher"], out["crypto_hash"] = cipher, hash_
        self.note(
            "rewrite" if crypto and not lone else "manual",
            first or self.loc(n0, totem.block if totem is not None else None),
            "corosync.conf totem crypto",
            f"{', '.join(said) or 'no crypto option (corosync 2: aes256, sha1)'} -> "
            + (f"crypto_cipher {cipher}, crypto_hash {hash_}" if crypto else "no crypto"),
            "a cipher without a hash: corosync 2 refused it and so does 3 (exec/"
            "totemconfig.c:463 of 2.4.5), so this file never ran: sha256 written"
            if lone
            else "corosync 2 encrypted with aes256/sha1 unless secauth was off (exec/"
            "totemconfig.c:411 of 2.4.5), corosync 3 with nothing unless told: written out; "
            "knet uses /etc/corosync/authkey (its own line)"
            if crypto
            else "messages were neither signed nor encrypted and still are not: any host on "
            "the network can join the cluster; set crypto_cipher and crypto_hash and copy "
            "one corosync-keygen key to every node",
        )
        self._timing(out, len(members))
        return out, crypto

    def _priorities(self, loc: str) -> None:
        """knet_link_priority on each link, ring 0 highest: rrp's passive took turns
        between the rings, knet's passive sends on the up link of highest priority (the
        lowest link id among equals, corosync.conf(5) of 3.1), so ring 0 stays the
        preferred link by name and not only by its number."""
        ranked = sorted(self.link_opts, key=lambda o: o["linknumber"])
        for rank, o in enumerate(ranked):
            o["knet_link_priority"] = len(ranked) - rank
        said = ", ".join(f"link {o['linknumber']}: {o['knet_link_priority']}" for o in ranked)
        self.note(
            "rewrite",
            loc,
            "corosync.conf knet link priority",
            f"rrp_mode passive -> knet_link_priority {said}",
            "rrp's passive mode took turns between the rings; knet's passive sends on the "
            "up link with the highest knet_link_priority (corosync.conf(5) of 3.1), so ring "
            "0 is the preferred link and ring 1 takes over when it fails. link_mode rr "
            "would take turns as rrp did, per packet",
        )

    def authkey(self, crypto: bool) -> None:
        """corosync 2's /etc/corosync/authkey is kept where every node has the same one of
        1024 bits or more: corosync 3 reads the same file alike (corosync -t of 3.1.7
        takes a 128-byte key and refuses 127 bytes: "Could only read 1016 bits of minimum
        1024 bits"); it is already on every node, and corosync-keygen of 2.x wrote 128
        random bytes, far over aes256's 32. Else a new key, and the reason."""
        keyed = [n for n in self.nodes if n.key is not None]
        keys = {n.key for n in keyed}
        if not crypto or not keyed:
            super().authkey(crypto)
            return
        where = ", ".join(str(n.authkey) for n in keyed)
        key = next(iter(keys))
        missing = [n.files.name for n in self.nodes if n.key is None]
        if len(keys) == 1 and key is not None and len(key) >= MIN_KEY_BYTES:
            self.kept_key = key
            self.note(
                "rewrite",
                where,
                "/etc/corosync/authkey",
                f"corosync 2's key kept ({len(key)} bytes, {len(key) * 8} bits)"
                + (f"; written to {', '.join(missing)} too" if missing else ""),
                "corosync 3's knet reads the same key file (at least 1024 bits: corosync -t "
                "of 3.1.7); it is the same on every node already. Run corosync-keygen and "
                "copy the new key to every node at the cut-over if the old one may have "
                "left the cluster",
            )
            return
        self.note(
            "rewrite",
            where,
            "/etc/corosync/authkey",
            "a new random 256-byte key (the old one not kept)",
            "the nodes' keys differ, so corosync 2's crypto could not have joined them"
            if len(keys) > 1
            else f"the old key holds {len(key or b'') * 8} bits; corosync 3 refuses fewer "
            "than 1024 ('Could only read ... of minimum 1024 bits', corosync -t of 3.1.7)",
        )

    def quorum(self, count: int) -> dict[str, Any]:
        """votequorum's options as corosync 2 had them."""
        n0 = self.nodes[0]
        section = n0.conf.section("quorum")
        out: dict[str, Any] = {}
        for b in section.blocks() if section is not None else []:
            out[b.key] = _as_dict(b)
            self.note(
                "manual",
                self.loc(n0, b),
                "corosync.conf quorum",
                f"quorum {b.key} {{ ... }} kept",
                "corosync-qdevice reads the same section under corosync 3: install its "
                "3.x package on every node and check the qnetd host",
            )
        for e in section.entries() if section is not None else []:
            val = " ".join(e.values)
            loc = self.loc(n0, e)
            if e.key in QUORUM_KEPT:
                out[e.key] = val
                self.note("rewrite", loc, "corosync.conf quorum", f"{e.key}: {val}", "kept")
            elif e.key == "provider" and val == "corosync_votequorum":
                continue
            else:
                self.note(
                    "manual",
                    loc,
                    "corosync.conf quorum",
                    f"quorum {e.key} {val} not carried",
                    "corosync 3 writes provider corosync_votequorum: check what this "
                    "option did (votequorum(5))",
                )
        if count == 2 and "two_node" not in out and "device" not in out:
            self.note(
                "rewrite",
                "2 members",
                "corosync.conf quorum",
                "two_node: 1",
                "votequorum's two_node lets a lone node of two keep quorum (and sets "
                "wait_for_all: both nodes must be up once at start)",
            )
        return out

    def sections(self) -> None:
        """uidgid sections are kept (:meth:`extra`); the rest as openais's."""
        n0 = self.nodes[0]
        for c in n0.conf.children:
            if isinstance(c, Block) and c.key in ("nodelist", "quorum", "uidgid"):
                continue
            if isinstance(c, Block) and c.key not in ("totem", "logging"):
                self.note(
                    "dropped",
                    self.loc(n0, c),
                    "-",
                    f"{c.key} {{ ... }}",
                    "not a corosync 3 section",
                )

    def extra(self) -> dict[str, Any]:
        """The uidgid sections, as they were."""
        n0 = self.nodes[0]
        kept = []
        for b in n0.conf.sections("uidgid"):
            values = {e.key: " ".join(e.values) for e in b.entries()}
            kept.append(values)
            self.note(
                "rewrite",
                self.loc(n0, b),
                "corosync.conf uidgid",
                "uidgid " + " ".join(f"{k} {v}" for k, v in values.items()),
                "kept: corosync 3 lets that user's and group's clients connect as 2 did",
            )
        return {"uidgid": kept} if kept else {}


def to_knet_c2(
    nodes: list[AisNode], cib_nodes: list[tuple[str, str]], cluster_name: str | None = None
) -> tuple[StackResult, bool]:
    """The corosync 3 configuration of a corosync 2 cluster, and whether it encrypts."""
    return to_knet(nodes, cib_nodes, cluster_name, _C2)
