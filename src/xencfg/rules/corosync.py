"""corosync.conf rules: what corosync 3 refuses or a documented hazard, decidable offline.

Each verdict was checked against ``corosync -c FILE -t`` (corosync 3.1.7): an error only
where it refuses the file (the message quoted), a warning where it starts but
corosync.conf(5) or votequorum(5) names the risk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..cluster import Cluster, Loaded, hosts_index, joined, short
from ..discover import modes_are_real
from ..findings import Finding
from ..syntax.numbers import decimal_or_none
from ..versions import COROSYNC_2, COROSYNC_3, COROSYNC_3_1, COROSYNC_TOKEN_COEFFICIENT
from . import make, repeats, rule, twice
from .documents import cib_doc as _cib
from .documents import corosync_doc as _coro

if TYPE_CHECKING:
    from ..formats.lines.corosync import CorosyncDocument

#: knet reads at least 1024 bits of key ("Could only read 128 bits of minimum 1024 bits").
MIN_KEY_BYTES = 128


def _is_openais(item: Loaded) -> bool:
    """An openais 0.80 configuration (/etc/ais/openais.conf): the totem corosync grew
    from, without corosync's later checks."""
    return item.file.path.name == "openais.conf"


def _label(n: Any) -> str:
    """A nodelist node as corosync names it: its ``name``, else its first ring address
    (corosync 1/2 nodelists often give no name)."""
    return str(n.name or next(iter(n.ring_addrs.values()), "?"))


def _totem_line(item: Loaded, key: str) -> Any:
    totem = _coro(item).totem
    if totem is None:
        return item.where()
    return item.where(totem.block.entry(key) or totem.block)


@rule("CS001", "consensus-below-join", "error", formats=("corosync",))
def consensus_below_join(item: Loaded) -> Iterator[Finding]:
    """``consensus`` is less than ``join``.

    Why it matters: corosync refuses to start: "The consensus timeout parameter (3600 ms)
    may not be less than join timeout (4000 ms)" (corosync 3.1, totemconfig.c).

    Example: ``token: 3000`` and ``join: 4000`` with consensus unset (1.2 x 3000 = 3600).

    Fix: keep ``join`` small (50 ms is the default) or raise ``consensus``.

    Not judged in openais 0.80's openais.conf: its totem checks each timeout against a
    floor only (openais exec/totemconfig.c), never consensus against join.
    """
    if _is_openais(item):
        return
    # (corosync's module is imported where a corosync.conf was read: not at the top)
    from ..formats.lines.corosync import DEFAULT_JOIN

    doc = _coro(item)
    totem = doc.totem
    if totem is None:
        return
    join = totem.join if totem.join is not None else DEFAULT_JOIN
    consensus = doc.effective_consensus()
    if consensus < join:
        yield make(
            "CS001",
            f"consensus {consensus} ms is less than join {join} ms: corosync refuses to start",
            _totem_line(item, "join" if totem.join is not None else "consensus"),
        )


@rule("CS002", "consensus-too-short", "warning", formats=("corosync",))
def consensus_too_short(item: Loaded) -> Iterator[Finding]:
    """``consensus`` is set below 1.2 times the token timeout.

    Why it matters: corosync.conf(5): "The minimum value for consensus must be 1.2 *
    token"; with less, a membership round can end before a lost token is declared, and
    "for three node or larger clusters, consensus should be larger than token". corosync
    3.1 still starts.

    Example: ``token: 5000``, ``consensus: 5000``.

    Fix: remove ``consensus`` (corosync computes 1.2 x token) or set it to at least that.
    The token counted is the one totem runs with: ``token`` plus ``token_coefficient``
    (650 ms) per node beyond two, from corosync 2.3.4 on (before it, and in corosync 1,
    which reads no nodelist, ``token`` alone).

    Not judged in openais 0.80's /etc/ais/openais.conf (SLES 11, openSUSE 11.1): its
    totem has no such minimum and ships below it (openais exec/totemconfig.c:
    ``TOKEN_TIMEOUT 1000``, ``CONSENSUS_TIMEOUT 800``, and no check relating the two).
    """
    if _is_openais(item):
        return
    doc = _coro(item)
    totem = doc.totem
    if totem is None or totem.consensus is None:
        return
    token = doc.effective_token()
    if item.versions.of("corosync", item.node).older_than(COROSYNC_TOKEN_COEFFICIENT):
        from ..formats.lines.corosync import DEFAULT_TOKEN

        token = totem.token or DEFAULT_TOKEN  # (no token_coefficient yet)
    if totem.consensus < 1.2 * token:
        yield make(
            "CS002",
            f"consensus {totem.consensus} ms is below 1.2 x token ({token} ms) = "
            f"{int(1.2 * token)} ms",
            _totem_line(item, "consensus"),
        )


@rule("CS003", "duplicate-nodeid", "error", formats=("corosync",))
def duplicate_nodeid(item: Loaded) -> Iterator[Finding]:
    """Two nodes of the nodelist have the same ``nodeid``.

    Why it matters: corosync refuses to start: "Nodeid 1 appears twice in corosync.conf".

    Fix: give every node its own nodeid (and keep the CIB's node ids in step).
    """
    doc = _coro(item)
    for n, first in repeats(doc.nodes, lambda n: n.nodeid):
        yield twice(
            "CS003",
            f"nodeid {n.nodeid} is used by '{_label(n)}' and '{_label(first)}'",
            item,
            n.block.entry("nodeid") or n.block,
            first.block,
        )


@rule("CS004", "duplicate-node-name-or-address", "warning", formats=("corosync",))
def duplicate_address(item: Loaded) -> Iterator[Finding]:
    """Two nodes of the nodelist share a ``name`` or a ring address.

    Why it matters: corosync 3.1 starts, but knet then has two nodes behind one address
    (one of them is never reached) and Pacemaker, which names nodes by ``name``, sees two
    nodes as one.

    Fix: each node's own name and its own address on every link.
    """
    doc = _coro(item)
    uses = [
        (kind, value, n)
        for n in doc.nodes
        for kind, value in [
            *([("name", n.name)] if n.name else []),
            *((f"ring{k}_addr", a) for k, a in n.ring_addrs.items()),
        ]
    ]
    for (kind, value, n), (_, _, first) in repeats(uses, lambda u: u[:2]):
        yield twice(
            "CS004",
            f"{kind} {value} is used by nodeid {n.nodeid} and nodeid {first.nodeid}",
            item,
            n.block.entry(kind) or n.block,
            first.block.entry(kind) or first.block,
        )


@rule("CS005", "quorum-votes-mismatch", "warning", formats=("corosync",))
def quorum_votes(item: Loaded) -> Iterator[Finding]:
    """``two_node`` or ``expected_votes`` does not match the nodelist.

    ``two_node: 1`` with other than two nodes, or ``expected_votes`` other than the
    nodelist's votes (plus a quorum ``device``'s ``votes``: votequorum counts them in
    expected_votes). corosync refuses ``two_node`` beside a quorum device, and
    ``expected_votes`` with a device that sets no ``votes``.

    Why it matters: votequorum(5): two_node is for two-node clusters (with more nodes it
    is ignored, and the admin counted on it); an ``expected_votes`` above the nodes' votes
    keeps the cluster from quorum when one node is down, one below lets a minority
    partition be quorate (split brain).

    Example: ``expected_votes: 3`` in a two-node nodelist.

    Fix: drop ``expected_votes`` (votequorum counts the nodelist) and keep ``two_node``
    for exactly two nodes.
    """
    doc = _coro(item)
    quorum = doc.quorum
    nodes = doc.nodes
    if quorum is None or not nodes:
        return
    device = quorum.block.block("device")
    if quorum.two_node and device is not None:
        # votequorum_readconfig (corosync v3.1.7 exec/votequorum.c) refuses the pair
        yield make(
            "CS005",
            "two_node: 1 with a quorum device: corosync refuses to start (two_node and"
            " quorum device cannot be configured at the same time)",
            item.where(quorum.block.entry("two_node")),
        )
    elif quorum.two_node and len(nodes) != 2:
        yield make(
            "CS005",
            f"two_node: 1 with {len(nodes)} nodes in the nodelist (two_node is for two)",
            item.where(quorum.block.entry("two_node")),
        )
    votes = sum((n.number("quorum_votes") or 1) for n in nodes)
    if device is not None and quorum.expected_votes is not None:
        # votequorum_readconfig (corosync v3.1.7 exec/votequorum.c): with a quorum device,
        # expected_votes counts the device's votes too, and without quorum.device.votes
        # corosync refuses to start ("quorum.device.votes must be specified when
        # quorum.expected_votes is set")
        device_votes = decimal_or_none(device.get("votes") or "")
        if device_votes is None:
            yield make(
                "CS005",
                f"expected_votes {quorum.expected_votes} with a quorum device that sets no"
                " votes: corosync refuses to start (quorum.device.votes must be specified"
                " when quorum.expected_votes is set)",
                item.where(quorum.block.entry("expected_votes")),
            )
            return
        votes += device_votes
    if quorum.expected_votes is not None and quorum.expected_votes != votes:
        yield make(
            "CS005",
            f"expected_votes {quorum.expected_votes} but the nodelist"
            f"{' and the quorum device have' if device is not None else ' has'} {votes} votes",
            item.where(quorum.block.entry("expected_votes")),
        )


def _no_quorum_ignored(cluster: Cluster, node: str | None) -> bool:
    """Whether a CIB of ``node`` (of any node, for a file of none) sets
    ``no-quorum-policy=ignore``, as the CRM reads it: then the survivor goes on
    without quorum."""
    return any(
        (_cib(item).option("no-quorum-policy") or "").strip().lower() == "ignore"
        for item in cluster.docs("cib")
        if node is None or item.node in (node, None)
    )


@rule("CS018", "two-nodes-without-two-node", "warning", scope="cluster", hazard=True)
def two_nodes_without_two_node(cluster: Cluster) -> Iterator[Finding]:
    """A nodelist of two one-vote nodes under votequorum without ``two_node: 1``, a
    quorum device or ``auto_tie_breaker``, while no CIB of the node sets
    ``no-quorum-policy=ignore``.

    Why it matters: votequorum(5), two_node: "With a standard two node cluster, each
    node with a single vote, there are 2 votes in the cluster. Using the simple
    majority calculation (50% of the votes + 1) to calculate quorum, the quorum would
    be 2. This means that the both nodes would always have to be alive for the cluster
    to be quorate and operate." When one node fails, the survivor has no quorum, and
    Pacemaker's default ``no-quorum-policy=stop`` stops every resource there instead
    of taking over (Pacemaker Explained, cluster options). The cluster survives no
    failure of a node. ``pcs cluster setup`` and crmsh write ``two_node: 1`` for two
    nodes; a hand-written or migrated corosync.conf may not.

    Example: ``quorum { provider: corosync_votequorum }`` and two ``node`` blocks.

    Fix: ``two_node: 1`` in ``quorum`` (it implies ``wait_for_all``: both nodes must
    be seen once at start-up), with working fencing; or a quorum device (qdevice).
    """
    for item in cluster.docs("corosync"):
        doc = _coro(item)
        quorum = doc.quorum
        nodes = doc.nodes
        if quorum is None or (quorum.provider or "") != "corosync_votequorum":
            continue
        if len(nodes) != 2 or any((n.number("quorum_votes") or 1) != 1 for n in nodes):
            continue
        if quorum.two_node or quorum.block.block("device") is not None:
            continue
        if quorum.number("auto_tie_breaker") == 1 or quorum.expected_votes not in (None, 2):
            continue  # (a tie-breaker keeps one side quorate; other votes: CS005's)
        names = {short(n.name) for n in nodes if n.name}
        if item.node and len(names) == 2 and short(item.node) not in names:
            continue  # (a nodelist without this node never runs here: CS010/CS012's)
        if _no_quorum_ignored(cluster, item.node):
            continue
        yield make(
            "CS018",
            "two nodes under votequorum without two_node: 1: quorum is 2 of 2 votes, so"
            " when one node fails the survivor has no quorum and Pacemaker (no-quorum-policy"
            " stop) stops its resources instead of taking over",
            item.where(quorum.block),
        )


def generation(item: Loaded, *, guess: bool = True) -> int:
    """The corosync generation that reads this file: 3, 2 or 1 (before 2.0).

    The release in force (declared with ``--target corosync=...``, or shown by a key
    of one generation: :func:`~xencfg.formats.lines.corosync.release_evidence`) decides;
    where nothing does, a file with a key of corosync 1/2 that 3 no longer documents
    (``secauth``, ``bindnetaddr``, ``mcastaddr``) reads as corosync 2's when ``guess``
    (CS006: a refusal is only claimed for corosync 3), any other as corosync 3's.
    ``guess=False`` (crypto defaults: a key is only demanded where the release is
    known) reads every such file as corosync 3's, since 3 reads those keys too.
    """
    found = item.versions.of("corosync", item.node)
    if found.at_least(COROSYNC_3):
        return 3
    if found.older_than(COROSYNC_2):
        return 1
    if found.older_than(COROSYNC_3):
        return 2
    return 2 if guess and _written_for_corosync2(_coro(item)) else 3


def crypto(doc: CorosyncDocument, gen: int) -> tuple[str, str]:
    """``(cipher, hash)`` corosync ``gen`` runs with, as its ``totem_get_crypto`` works
    them out (an unknown value leaves the default; corosync 3 refuses it: CS006).

    * 3 (v3.1.7 exec/totemconfig.c): none/none; ``secauth: on`` (exactly) gives
      aes256/sha256; ``crypto_cipher``/``crypto_hash`` override.
    * 2 (v2.4.6 exec/totemconfig.c): aes256/sha1 -- crypto is on by default;
      ``secauth: off`` (exactly) gives none/none; the crypto keys override (``3des``
      is a cipher).
    * 1 (v1.4.9 exec/totemconfig.c): ``secauth`` is on unless ``off``, and it alone
      decides (``totem_config_keyread`` reads the key when it is on).
    """
    from ..formats.lines.corosync import CIPHERS, HASHES

    totem = doc.totem
    get = totem.get if totem is not None else (lambda key: None)
    secauth = get("secauth")
    if gen == 1:
        return ("none", "none") if secauth == "off" else ("aes256", "sha1")
    if gen == 2:
        cipher, hash_ = ("none", "none") if secauth == "off" else ("aes256", "sha1")
    else:
        cipher, hash_ = ("aes256", "sha256") if secauth == "on" else ("none", "none")
    ciphers = (*CIPHERS, "3des") if gen < 3 else CIPHERS
    given_cipher, given_hash = get("crypto_cipher"), get("crypto_hash")
    if given_cipher in ciphers:
        cipher = str(given_cipher)
    if given_hash in HASHES:
        hash_ = str(given_hash)
    return cipher, hash_


@rule("CS006", "crypto-refused", "error", formats=("corosync",))
def crypto_refused(item: Loaded) -> Iterator[Finding]:
    """Crypto settings corosync refuses.

    An unknown cipher or hash, a cipher without a hash, or crypto (``crypto_cipher``,
    ``crypto_hash`` or ``secauth: on``) on a transport other than knet.

    Why it matters: corosync 3 does not start: "Invalid cipher type", "crypto_cipher
    requires crypto_hash with value other than none", "crypto_cipher & crypto_hash are
    only valid for the Knet transport" (also for ``secauth: on`` with udpu, which 3.x
    reads as aes256/sha256: exec/totemconfig.c of v3.1.7, ``totem_get_crypto``).

    A file for corosync 1/2 (``--target corosync=2.4``, or keys of that generation:
    ``rrp_mode``, an ``interface`` with ``ringnumber``, a ``service`` section, or
    ``secauth``/``bindnetaddr``/``mcastaddr`` where nothing shows corosync 3) is judged
    as corosync 2 reads it: its udp/udpu transports encrypt, ``3des`` is a cipher and
    an unknown value leaves the default (corosync 2.4 totemconfig.c,
    ``totem_get_crypto``); only a cipher without a hash is refused there too.

    Fix: ``transport: knet``, ``crypto_cipher: aes256``, ``crypto_hash: sha256``.
    """
    doc = _coro(item)
    totem = doc.totem
    if totem is None:
        return
    cipher, hash_ = totem.crypto_cipher, totem.crypto_hash
    if cipher not in (None, "none") and hash_ in (None, "none"):
        yield make(
            "CS006",
            f"crypto_cipher {cipher} without crypto_hash: corosync refuses it",
            _totem_line(item, "crypto_cipher"),
        )
    if generation(item) < 3:
        return
    from ..formats.lines.corosync import CIPHERS, HASHES

    for key, value, known in (("crypto_cipher", cipher, CIPHERS), ("crypto_hash", hash_, HASHES)):
        if value is not None and value not in known:
            yield make(
                "CS006", f"{key} {value}: corosync takes {', '.join(known)}", _totem_line(item, key)
            )
    if crypto(doc, 3) != ("none", "none") and totem.transport != "knet":
        why = "secauth: on" if totem.get("secauth") == "on" else "crypto"
        yield make(
            "CS006",
            f"{why} with transport {totem.transport}: only knet encrypts",
            _totem_line(item, "transport"),
        )


@rule("CS013", "knet-nodeid-missing", "error", formats=("corosync",))
def knet_nodeid_missing(item: Loaded) -> Iterator[Finding]:
    """A node of the nodelist has no ``nodeid`` (or nodeid 0) while knet is the transport.

    Why it matters: corosync 3 does not start: "Knet requires an explicit nodeid to be
    specified for address '10.0.0.2'" (exec/totemconfig.c of v3.1.7; udp and udpu
    derive a node id from the ring0 address, knet does not). knet is corosync 3's
    transport when ``transport`` is unset.

    Fix: ``nodeid: N`` (1, 2, ...) in every ``node`` of the nodelist, the same on all
    nodes.
    """
    doc = _coro(item)
    totem = doc.totem
    transport = totem.get("transport") if totem is not None else None
    if generation(item) < 3 or (transport or "knet") != "knet":
        return
    for n in doc.nodes:
        if not n.nodeid:
            yield make(
                "CS013",
                f"node {_label(n)} has no nodeid: knet needs one, corosync refuses to start",
                item.where(n.block.entry("nodeid") or n.block),
            )


@rule("CS016", "nodelist-missing", "error", formats=("corosync",))
def nodelist_missing(item: Loaded) -> Iterator[Finding]:
    """corosync 3 reads a file without a ``nodelist``.

    Why it matters: corosync 3 finds the local node only in the nodelist; without one it
    does not start: "parse error in config: No valid name found for local host"
    (``corosync -t`` of v3.1.7, exec/main.c), whatever the transport (knet, udp or
    udpu). corosync 1 and 2 found the members by multicast on ``bindnetaddr``, so a
    file written for them (``bindnetaddr``, ``mcastaddr``, ``secauth``) is only checked
    when corosync 3 is declared (``--target corosync=3``). A totem without ``interface``
    either is refused by every release (XC005, "No interfaces defined").

    Fix: a ``nodelist`` with one ``node`` (``ring0_addr``, ``name``, ``nodeid``) per
    member, the same on all nodes.
    """
    doc = _coro(item)
    if _is_openais(item) or doc.totem is None or doc.sections("nodelist"):
        return
    if not any(list(b.blocks("interface")) for b in doc.sections("totem")):
        return  # no interface either: XC005, refused by every release ("No interfaces defined")
    if generation(item) >= 3:
        yield make(
            "CS016",
            "no nodelist: corosync 3 finds the local node only there and refuses to "
            "start (No valid name found for local host)",
            item.where(doc.totem.block),
        )


@rule("CS017", "udpu-without-members", "error", formats=("corosync",), hazard=True)
def udpu_without_members(item: Loaded) -> Iterator[Finding]:
    """corosync 1 runs ``transport: udpu`` with an ``interface`` that lists no ``member``.

    Why it matters: corosync 1's UDP unicast sends each message to the interface's
    ``member { memberaddr }`` entries only (v1.4.9 exec/totemudpu.c walks
    ``member_list``, filled from ``interface.member.memberaddr`` in totemconfig.c), and
    its config check does not ask for one: corosync starts, reaches no peer, and every
    node forms a membership of its own (each one quorate in a two-node cluster: they
    fence each other or run the resources twice). A ``nodelist`` does not help: it is
    corosync 2's, and corosync 1 reads none of it. Checked where corosync 1 is in
    force (declared, or shown by ``aisexec`` or ``service`` keys; not by
    ``member``, which corosync 2 reads too). Where
    only such a key shows it and the file has a ``nodelist`` or ``cluster_name``
    (corosync 1.4.9 reads neither; 2 and 3 read them and accept, ignoring, the old
    sections: ``corosync -t`` 3.1.7 takes such a file) it is a warning.

    Example: Ubuntu 12.04's corosync 1.4.2 with ``transport: udpu`` and a
    ``nodelist`` copied from corosync 2's documentation.

    Fix: one ``member { memberaddr: ADDRESS }`` per node (itself included) in each
    ``interface``, the same on every node.
    """
    doc = _coro(item)
    if _is_openais(item) or doc.totem is None or doc.totem.transport != "udpu":
        return
    if generation(item) != 1:
        return
    # a nodelist or cluster_name (corosync 2's; 2 and 3 ignore the old sections) leaves
    # corosync 1 in doubt where only an upper bound says it (no release declared or seen)
    newer = bool(doc.sections("nodelist")) or doc.totem.get("cluster_name") is not None
    found = item.versions.of("corosync", item.node)
    unsure = newer and found.exact is None and found.low is None
    note = " (corosync 1 reads no nodelist)" if doc.sections("nodelist") else ""
    if unsure:
        note += (
            "; its nodelist or cluster_name shows corosync 2 or later, which reads the"
            " nodelist: declare the release (--target corosync=VERSION)"
        )
    for totem in doc.sections("totem"):
        for iface in totem.blocks("interface"):
            if not list(iface.blocks("member")):
                finding = make(
                    "CS017",
                    "transport udpu but this interface lists no member: corosync 1 sends"
                    " to its members only, so every node stays alone" + note,
                    item.where(iface),
                )
                yield attrs.evolve(finding, severity="warning") if unsure else finding


def _number(raw: str) -> int | None:
    """A decimal link number, or ``None`` (XC005 reports a bad one)."""
    return decimal_or_none(raw)


@rule("CS014", "links-differ", "error", formats=("corosync",))
def links_differ(item: Loaded) -> Iterator[Finding]:
    """corosync 3 links that not every node has, or more than one link without knet.

    A link is *configured* by an ``interface`` section with a key besides its
    ``linknumber`` (0 when absent; with udp only one that has ``bindnetaddr``) or by a
    ``ringN_addr`` of any node. With two links or more, every node needs an address
    on every configured link and a ``name``; udp and udpu carry one link only.

    Why it matters: corosync 3 does not start: "Not all nodes have the same number of
    links", "for a multi-link configuration, all nodes must have a 'name' attribute",
    "2 is too many configured interfaces for non-Knet transport" (exec/totemconfig.c
    of v3.1.7, ``totem_volatile_config_validate`` and ``totem_config_validate``;
    ``corosync -t`` says so). A corosync 2 file with a second ring read by corosync 3
    on udpu, or an ``interface { linknumber: 1 }`` left for a link no node has, stops
    the cluster at the upgrade.

    Example: ``interface { linknumber: 1 }`` with only ``ring0_addr`` on the nodes; or
    ``ring1_addr`` on two of three nodes.

    Fix: give every node a ``ringN_addr`` (and a ``name``) for each link, or remove the
    extra ``interface``; with two networks use ``transport: knet``. A file for corosync
    2 (``--target corosync=2.4``) is not judged: its redundant rings work otherwise.
    """
    doc = _coro(item)
    totem = doc.totem
    if generation(item) < 3 or totem is None:
        return
    transport = totem.get("transport") or "knet"
    links: dict[int, Any] = {}
    for iface in totem.interfaces:
        keys = {e.key for e in iface.block.entries()} - {"linknumber"}
        if not keys or (transport == "udp" and "bindnetaddr" not in keys):
            continue  # (no key lands under totem.interface.N: never looked at)
        number = _number(iface.get("linknumber") or "0")
        if number is not None and number <= 7:
            links.setdefault(number, iface.block)
    nodes = doc.nodes
    for n in nodes:
        for number in n.ring_addrs:
            if number <= 7:
                links.setdefault(number, n.block.entry(f"ring{number}_addr"))
    if len(links) < 2:
        return
    if transport != "knet":
        first = links[max(links)]
        yield make(
            "CS014",
            f"{len(links)} links ({', '.join(map(str, sorted(links)))}) on transport "
            f"{transport}: only knet carries more than one, corosync 3 refuses to start",
            item.where(first),
        )
    for n in nodes:
        label = n.name or next(iter(n.ring_addrs.values()), "?")
        if not n.name:
            yield make(
                "CS014",
                f"node {label} has no name: corosync 3 needs one on every node "
                "of a multi-link configuration",
                item.where(n.block),
            )
        lacking = sorted(set(links) - set(n.ring_addrs))
        if lacking:
            yield make(
                "CS014",
                f"node {label} has no address on link {', '.join(map(str, lacking))}: "
                "corosync 3 refuses nodes with different numbers of links",
                item.where(n.block),
                [item.where(links[lacking[0]])],
            )


#: The words corosync 3.1 takes (exec/totemconfig.c of v3.1.7, ``strcmp``: case counts).
TRANSPORTS = ("udpu", "udp", "knet")
LINK_MODES = ("active", "passive", "rr")
#: An ``interface`` section's ``knet_transport`` (get_interface_params, v3.1.7).
KNET_TRANSPORTS = ("udp", "sctp")


@rule("CS015", "totem-word-refused", "error", formats=("corosync",))
def totem_word_refused(item: Loaded) -> Iterator[Finding]:
    """``transport``, ``link_mode`` or a link's ``knet_transport`` a word corosync 3
    does not take.

    Why it matters: corosync 3.1 does not start: "Invalid transport type. Should be
    udpu, udp or knet", "The Knet link mode "passivex" specified is invalid.  It
    must be active, passive or rr." and "Unrecognised knet_transport. expected 'udp'
    or 'sctp'" (exec/totemconfig.c, compared with ``strcmp``, so ``UDPU``,
    ``Passive`` or ``sctp # or udp`` are refused too; ``corosync -t`` 3.1.7 says so). corosync
    3.0.x took an unknown transport as knet without a word (its totemconfig.c has no
    else branch), so where ``--target corosync=3.0`` is declared only the link mode is
    judged; a file for corosync 1/2 is not judged (``iba`` was a transport there, and
    ``link_mode`` a key it never read).

    Example: ``transport: unicast`` or ``link_mode: Passive``.

    Fix: ``transport: knet`` (the default; ``udpu``/``udp`` carry one link and no
    crypto), ``link_mode: passive`` (the default), ``active`` or ``rr``;
    ``knet_transport: udp`` (the default) or ``sctp``.
    """
    doc = _coro(item)
    totem = doc.totem
    if generation(item) < 3 or totem is None:
        return
    # (section, key, the words corosync takes, what it says of any other)
    checks: list[tuple[Any, str, tuple[str, ...], str]] = [
        (totem, "link_mode", LINK_MODES, "The Knet link mode ... is invalid")
    ]
    if not item.versions.of("corosync", item.node).older_than(COROSYNC_3_1):
        checks.insert(0, (totem, "transport", TRANSPORTS, "Invalid transport type"))
    checks += [
        (iface, "knet_transport", KNET_TRANSPORTS, "Unrecognised knet_transport")
        for iface in totem.interfaces
    ]
    for section, key, words, said in checks:
        value = section.get(key)
        if value is not None and value not in words:
            yield make(
                "CS015",
                f"{key} {value}: corosync 3 takes {', '.join(words)} and refuses "
                f'anything else ("{said}")',
                item.where(section.block.entry(key) or section.block),
            )


#: Keys of corosync 1/2 that corosync 3 no longer documents, and keys only corosync 3
#: reads (icmap names; ``*`` for any key of the section).
_COROSYNC2_KEYS = (
    "totem.secauth",
    "totem.rrp_mode",
    "totem.interface.ringnumber",
    "totem.interface.bindnetaddr",
    "totem.interface.mcastaddr",
)
_COROSYNC3_KEYS = ("totem.crypto_model", "totem.link_mode", "totem.interface.linknumber")


def _written_for_corosync2(doc: CorosyncDocument) -> bool:
    """Whether the file reads as corosync 1/2's: one of its keys, none only 3 has."""
    names = {name for name, _, _ in doc.flat()}
    if doc.totem is not None and doc.totem.get("transport") == "knet":
        return False
    if names & set(_COROSYNC3_KEYS) or any(n.startswith("totem.knet_") for n in names):
        return False
    return bool(names & set(_COROSYNC2_KEYS))


def crypto_on(item: Loaded) -> bool:
    """Whether corosync runs this file with crypto, and so reads a key."""
    return crypto(_coro(item), generation(item, guess=False)) != ("none", "none")


@rule("CS007", "crypto-off", "warning", formats=("corosync",))
def crypto_off(item: Loaded) -> Iterator[Finding]:
    """knet runs without authentication (``crypto_hash`` none or unset).

    Why it matters: any host that reaches the cluster network can send totem messages,
    join the membership or disturb it; corosync.conf(5) defaults both to none.

    Fix: ``crypto_cipher: aes256`` and ``crypto_hash: sha256`` with a key from
    ``corosync-keygen`` on every node. (Only for corosync 3: 1 and 2 have no knet; see
    CS006 for how the release is known.)
    """
    doc = _coro(item)
    totem = doc.totem
    # (corosync 1/2 have no knet: their transport defaults to udp)
    if totem is None or generation(item) < 3 or totem.transport != "knet" or crypto_on(item):
        return
    yield make(
        "CS007",
        "knet without crypto_cipher/crypto_hash: cluster traffic is not authenticated",
        _totem_line(item, "crypto_hash"),
    )


def _keyfile(item: Loaded) -> Path | None:
    """The key file inside the node's tree (``None`` for a file of no node's tree, or a
    key outside /etc of a tree that is only an /etc)."""
    tree = item.file.tree
    if item.node is None or tree is None or item.file.is_section:
        return None  # (a supportconfig logs corosync.conf, never the key)
    from ..formats.lines.corosync import DEFAULT_KEYFILE

    totem = _coro(item).totem
    # openais 0.80's exec/totemconfig.c reads /etc/ais/authkey (OPENAIS_TOTEM_AUTHKEY_FILE
    # unset), not corosync's: SLES 11 GA's, openSUSE 11.1's key sits beside openais.conf
    default = "/etc/ais/authkey" if _is_openais(item) else DEFAULT_KEYFILE
    key = "/" + ((totem.keyfile if totem is not None else None) or default).lstrip("/")
    if key.startswith("/etc/"):
        return tree.etc / key[len("/etc/") :]
    return tree.slash / key.lstrip("/") if tree.slash is not None else None


def _why_on(item: Loaded) -> str:
    """`` (corosync 2's default without secauth: off)`` where no line turns crypto on."""
    doc = _coro(item)
    gen = generation(item, guess=False)
    totem = doc.totem
    said = totem is not None and any(
        totem.get(k) for k in ("secauth", "crypto_cipher", "crypto_hash")
    )
    return "" if gen == 3 or said else f" (corosync {gen}'s default without secauth: off)"


@rule("CS008", "authkey-missing", "error", formats=("corosync",))
def authkey_missing(item: Loaded) -> Iterator[Finding]:
    """Crypto is on and the key file is missing or shorter than 1024 bits.

    The key file is ``keyfile``, by default /etc/corosync/authkey (/etc/ais/authkey
    for openais 0.80's /etc/ais/openais.conf). Crypto is on in
    corosync 3 with ``secauth: on`` or a crypto key; in corosync 1 and 2 it is on
    unless ``secauth: off`` (or, in 2, ``crypto_cipher`` and ``crypto_hash`` both
    ``none``): a file for those releases without a ``secauth`` line needs the key
    (v2.4.6 and v1.4.9 exec/totemconfig.c, ``totem_config_keyread``). Which release
    reads the file: see CS006.

    Why it matters: corosync does not start: "Could not open /etc/corosync/authkey: No such
    file or directory", "Could only read 128 bits of minimum 1024 bits".

    Fix: ``corosync-keygen`` on one node, then copy the key to every node (mode 0400).
    Not checked for a ``key:`` written into the file, nor for a corosync.conf outside a
    node's tree or read from a supportconfig (ha.txt logs corosync.conf, not the key).
    """
    doc = _coro(item)
    if not crypto_on(item) or (doc.totem is not None and doc.totem.get("key")):
        return
    path = _keyfile(item)
    if path is None:
        return
    try:
        size = os.stat(path).st_size
    except OSError:
        why = (
            f"crypto is on{_why_on(item)} but the key file {path.name} is missing: corosync "
            "refuses to start"
        )
    else:
        if size >= MIN_KEY_BYTES:
            return
        why = f"key file {path.name} holds {size * 8} bits; corosync needs at least 1024"
    yield make("CS008", why, _totem_line(item, "keyfile"))


@rule("CS009", "authkey-mode", "warning", formats=("corosync",))
def authkey_mode(item: Loaded) -> Iterator[Finding]:
    """The corosync key file is readable by group or others.

    Why it matters: whoever reads the key can join the cluster and read its traffic;
    corosync-keygen writes it 0400 owned by root.

    Fix: ``chmod 400 /etc/corosync/authkey``. Not checked where file modes say nothing
    about the deployed file (a git checkout, a read-only copy).
    """
    if not crypto_on(item):
        return
    path = _keyfile(item)
    if path is None or not path.is_file() or not modes_are_real(path):
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        yield make(
            "CS009",
            f"key file {path.name} is mode {mode:04o}: chmod 400",
            _totem_line(item, "keyfile"),
        )


@rule("CS010", "nodelist-cib-mismatch", "warning", formats=("corosync",), scope="cluster")
def nodelist_vs_cib(cluster: Cluster) -> Iterator[Finding]:
    """The CIB's ``<node>`` entries and the corosync nodelist disagree.

    A CIB node not in the nodelist, or a CIB node id other than the node's nodeid.

    Why it matters: Pacemaker on corosync names a node by its nodeid; a CIB node with
    another id stays as a second, never-online node (constraints on it never apply),
    and a node missing from the nodelist never joins.

    Fix: make each ``<node id>`` the node's corosync nodeid (``xencfg migrate`` does),
    and list every node in the nodelist.
    """
    cibs = [c for c in cluster.docs("cib") if _cib(c).nodes]
    group = corosync_clusters(cluster)
    for item in cluster.docs("corosync"):
        doc = _coro(item)
        # Pacemaker finds a peer by name in any case (lib/cluster/membership.c:
        # pcmk__str_eq(node->name, uname, pcmk__str_casei), "Name match")
        by_name = {n.name.lower(): n for n in doc.nodes if n.name}
        if not by_name:
            continue
        # one finding per disagreement, every CIB copy that shows it related
        said: dict[tuple[str, Any], list[Any]] = {}
        for cib in cibs:
            if item.node and cib.node in group and group[cib.node] != group.get(item.node):
                continue  # another corosync cluster's CIB (a storage pair beside the dom0s)
            for node in _cib(cib).nodes:
                uname = node.uname
                if uname is None:
                    continue
                mine = by_name.get(uname.lower())
                if mine is None:
                    key = (
                        f"CIB node '{uname}' is not in the nodelist",
                        item.where(doc.sections("nodelist")[0]),
                    )
                elif mine.nodeid is not None and node.el.get("id") != str(mine.nodeid):
                    key = (
                        f"CIB node '{uname}' has id {node.el.get('id')}, corosync nodeid "
                        f"{mine.nodeid}",
                        item.where(mine.block.entry("nodeid") or mine.block),
                    )
                else:
                    continue
                said.setdefault(key, []).append(cib.where(node))
        for (message, where), related in said.items():
            yield make("CS010", message, where, related)


@rule("CS011", "ring-name-not-in-hosts", "warning", formats=("corosync",), scope="cluster")
def ring_names(cluster: Cluster) -> Iterator[Finding]:
    """A ring address is a host name that some node's /etc/hosts does not give.

    Why it matters: corosync resolves ring addresses once, at start; a name only DNS
    knows keeps a node's corosync from starting (or binds the wrong link) when DNS is
    down, which is when clusters restart.

    Fix: add the name to every node's /etc/hosts, or write the IP address.
    """
    hosts = {item.node: item for item in cluster.docs("hosts") if item.node}
    for item in cluster.docs("corosync"):
        from ..formats.lines.corosync import ring_address

        doc = _coro(item)
        for n in doc.nodes:
            for k, addr in n.ring_addrs.items():
                if ring_address(addr) is not None:
                    continue
                for node, h in sorted(hosts.items()):
                    if not hosts_index(h).addresses(addr):
                        yield make(
                            "CS011",
                            f"ring{k}_addr {addr} is not in {node}'s /etc/hosts",
                            item.where(n.block.entry(f"ring{k}_addr")),
                            [h.where()],
                        )


_SHARED = ("totem.", "nodelist.", "quorum.")


@rule("CS012", "corosync-conf-differs", "error", formats=("corosync",), scope="cluster")
def differs(cluster: Cluster) -> Iterator[Finding]:
    """corosync.conf's ``totem``, ``nodelist`` or ``quorum`` differ between nodes.

    Why it matters: corosync.conf(5): "Be careful to use the same timeout values on each
    of the nodes in the cluster or unpredictable results may occur"; nodes with other
    nodelists or crypto do not form one membership. (``logging`` may differ.)

    Fix: copy one corosync.conf to every node (``pcs cluster sync`` or by hand).
    """
    group = corosync_clusters(cluster)
    clusters: dict[int, list[Loaded]] = {}
    for item in cluster.docs("corosync"):
        if item.node:
            clusters.setdefault(group[item.node], []).append(item)
    for docs in clusters.values():
        yield from _differs(docs)


def corosync_clusters(cluster: Cluster) -> dict[str, int]:
    """Node -> the number of the corosync cluster its corosync.conf puts it in.

    Copies whose nodelists share no node (by name or ring address, counting the node
    that holds the copy) are separate clusters: a storage pair with its own corosync
    beside the dom0s' cluster. Neither corosync nor Pacemaker joins them: a node only
    talks to the members of its own nodelist (corosync.conf(5), nodelist: "every node
    that should be a member of the membership"), and each cluster keeps its own CIB.
    Copies that share a node are one cluster, and compared (CS012)."""

    def compute() -> dict[str, int]:
        copies: list[tuple[set[str], str]] = []
        for item in cluster.docs("corosync"):
            if not item.node:
                continue
            keys = {item.node.lower()}
            for n in _coro(item).nodes:
                if n.name:
                    keys.add(n.name.lower())
                keys.update(a.lower() for a in n.ring_addrs.values())
            copies.append((keys, item.node))
        return {node: i for i, (_, nodes) in enumerate(joined(copies)) for node in nodes}

    return cluster.fact("corosync-clusters", compute)


def _differs(docs: list[Loaded]) -> Iterator[Finding]:
    """CS012 within one corosync cluster: each copy against the first."""
    if len(docs) < 2:
        return
    first = docs[0]

    def shared(item: Loaded) -> dict[str, tuple[str, Any]]:
        out: dict[str, tuple[str, Any]] = {}
        for name, value, entry in _coro(item).flat():
            if name.startswith(_SHARED):
                out[name] = (value, entry)
        return out

    base = shared(first)
    for other in docs[1:]:
        theirs = shared(other)
        for name in sorted(set(base) | set(theirs)):
            a, b = base.get(name), theirs.get(name)
            if a is not None and b is not None and a[0] == b[0]:
                continue
            here = other.where(b[1]) if b is not None else other.where()
            there = first.where(a[1]) if a is not None else first.where()
            mine = b[0] if b is not None else "unset"
            base_value = a[0] if a is not None else "unset"
            yield make(
                "CS012",
                f"{name} is {mine} on {other.node} but {base_value} on {first.node}",
                here,
                [there],
            )
