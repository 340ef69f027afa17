"""initiators.allow / initiators.deny: which initiators ietd admits to which target."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from ..._lazy import lazy_re
from ...cluster import Cluster, Loaded, short
from ...findings import Finding, Location
from ...suggest import closest
from ...versions import IET_ETC
from .. import make, rule, twice
from ..documents import domu_doc as _domu
from ..documents import iet_allow_doc as _allow
from ..documents import ietd_doc as _ietd
from ..documents import initiatorname_doc as _initiator
from ..documents import iscsid_doc as _iscsid
from ..documents import multipath_doc as _mp
from .common import _AUTH_KEYS, _node_records, _read_ietd


@rule("IS007", "target-open-to-all", "warning", scope="cluster")
def target_open_to_all(cluster: Cluster) -> Iterator[Finding]:
    """Targets accept every initiator: no CHAP account and no initiators.allow (on IET
    0.4.x, no initiators.deny with lines: that release's initiators.allow alone refuses
    nobody).

    (An initiators.deny with lines also counts as an access list here; IS010
    asks to move it to initiators.allow.)

    Why it matters: any host that reaches the storage network can log in and
    read or overwrite the domUs' disks; a second, misconfigured initiator
    mounting an ext3 LUN corrupts it.

    Example: ietd.conf with ``Target``/``Lun`` lines only, and no access list.
    (Not judged without CHAP on an ietd.conf read from a supportconfig, which
    logs ietd.conf but not the access lists: fs-iscsi.txt's ``conf_files $OF
    /etc/ietd.conf /proc/net/iet/volume /proc/net/iet/session``.)

    Fix: ``IncomingUser`` per target (CHAP), and/or an initiators.allow that
    names the cluster nodes.
    """
    for item in _read_ietd(cluster):
        doc = _ietd(item)
        if not doc.targets or doc.global_users or any(t.users for t in doc.targets):
            continue
        lists = [_allow(i) for i in cluster.docs("iet-allow", item.node)]
        if not lists and item.file.is_section:
            continue  # supportconfig logs ietd.conf, never initiators.allow: not known
        if any(a.kind == "initiators.deny" and a.rules for a in lists):
            continue  # a deny list with lines refuses someone (IS010 says prefer allow)
        # IET 0.4 reads initiators.allow only to let back in whom initiators.deny refuses
        # (usr/plain.c plain_initiator_access, 0.4.17 line 431): alone, it refuses nobody
        old = cluster.versions.of("iscsitarget", item.node).older_than(IET_ETC)
        allowed = any(a.kind == "initiators.allow" for a in lists)
        if allowed and not old:
            continue
        why = (
            "no CHAP; IET 0.4 reads initiators.allow only to let back in whom"
            " initiators.deny refuses, and there is no initiators.deny"
            if allowed
            else "no CHAP, no initiators.allow"
        )
        yield make(
            "IS007",
            f"{len(doc.targets)} target(s) accept any initiator ({why})",
            item.where(doc.targets[0].entry),
        )


@rule("IS009", "unreachable-allow-line", "warning", formats=("iet-allow",))
def unreachable_allow_line(item: Loaded) -> Iterator[Finding]:
    """A line of an IET access list that ietd never reads.

    Why it matters: for each login ietd reads the list down to the first line
    naming the target or ``ALL`` and stops there. A line after an ``ALL``
    line, or a target's second line, is dead: the access it grants or
    refuses is not in effect, whatever it says.

    Example: ``ALL 10.0.0.0/24`` followed by
    ``iqn.2026-11.net.example:storage.web 10.0.0.11``.

    Fix: put the targets' lines first and the ``ALL`` line last; merge a
    target's lines into one comma-separated list.
    """
    for r, earlier in _allow(item).unreachable():
        why = (
            "the ALL line before it answers for every target"
            if earlier.all_targets
            else "ietd reads only the target's first line"
        )
        yield twice(
            "IS009", f"line for {r.target} is never read: {why}", item, r.entry, earlier.entry
        )


@rule("IS010", "initiators-deny-deprecated", "info", formats=("iet-allow",))
def initiators_deny_deprecated(item: Loaded) -> Iterator[Finding]:
    """An initiators.deny with rules: ietd admits whoever it does not match.

    Why it matters: with an initiators.deny, ietd refuses an initiator only
    when the deny file matches it and initiators.allow does not; everyone
    else is admitted. A deny file that misses a target leaves it open to
    everybody, however strict initiators.allow is. What to do about it
    depends on the release (usr/plain.c of each):

    * IET 0.4.x (``plain_initiator_access``, 0.4.17 line 431): that is the
      only mechanism. initiators.allow alone refuses nobody, so deleting
      initiators.deny opens every target.
    * IET 1.4 (``plain_initiator_allow``, 1.4.18 on; README.initiators: "if
      initiators.deny exists then we will USE THE OLD METHOD") deprecates the
      file: without it, initiators.allow is the list of who may log in and
      everyone else is refused.

    Example: ``iqn.2026-11.net.example:storage.web ALL`` in initiators.deny,
    with only the nodes listed in initiators.allow: the target
    ``...:storage.db`` admits any initiator.

    Fix: list who may log in to each target in initiators.allow; then, on IET
    1.4, delete initiators.deny (and keep no ``ALL ALL`` line in
    initiators.allow, which admits everybody); on IET 0.4, end initiators.deny
    with ``ALL ALL`` so that it refuses everyone initiators.allow does not
    admit. Where the release is not known (``--target
    iscsitarget=0.4.17``), the message gives both.
    """
    doc = _allow(item)
    if doc.kind != "initiators.deny" or not doc.rules:
        return
    release = item.versions.of("iscsitarget", item.node or "")
    old = (
        "IET 0.4 has no other way to refuse: end initiators.deny with 'ALL ALL' and list"
        " who may log in in initiators.allow (deleting initiators.deny opens every target)"
    )
    new = (
        "list who may log in in initiators.allow (with no 'ALL ALL' line) and delete"
        " initiators.deny: IET 1.4 then refuses everyone else"
    )
    if release.older_than(IET_ETC):
        advice = old
    elif release.at_least(IET_ETC):
        advice = f"initiators.deny is deprecated since IET 1.4: {new}"
    else:
        advice = (
            f"initiators.deny is deprecated since IET 1.4: there, {new}; on IET 0.4.x"
            " deleting it opens every target: end it with 'ALL ALL' instead"
        )
    yield make(
        "IS010",
        "initiators.deny: ietd admits every initiator it does not match, whatever"
        f" initiators.allow says; {advice}",
        item.where(doc.rules[0].entry),
    )


def _acl(cluster: Cluster, node: str, kind: str) -> Loaded | None:
    """The access list ``kind`` ietd reads on ``node``: in /etc/iet/ first, else /etc/."""
    found = [i for i in cluster.docs("iet-allow", node) if _allow(i).kind == kind]
    found.sort(key=lambda i: i.file.path.parent.name != "iet")
    return found[0] if found else None


@rule("IS011", "allow-names-unknown-target", "warning", scope="cluster")
def allow_names_unknown_target(cluster: Cluster) -> Iterator[Finding]:
    """An access-list line names a target that no ietd.conf of its node defines.

    Why it matters: ietd skips the line, so it protects nothing; usually the
    target was renamed or mistyped in one file. The target it was meant for
    falls through to the ``ALL`` line (everybody may log in), or, with no
    ``ALL`` line, nobody may.

    Example: ``iqn.2026-11.net.example:storage.wbe 10.0.0.11`` in
    initiators.allow for the target ``...:storage.web``.

    Fix: spell the target as its ``Target`` line in ietd.conf does.
    """
    for acl in cluster.docs("iet-allow"):
        confs = list(_read_ietd(cluster, acl.node)) if acl.node else []
        if not confs:
            continue  # a loose file, or a node whose ietd.conf is not here
        names = {t.name.lower(): t.name for c in confs for t in _ietd(c).targets}
        for r in _allow(acl).rules:
            if r.all_targets or r.target.lower() in names:
                continue
            close = closest(r.target.lower(), names)
            hint = f" (did you mean {names[close]}?)" if close else ""
            yield make(
                "IS011",
                f"{r.target} is not a target of ietd.conf on {acl.node}: ietd skips "
                f"this line{hint}",
                acl.where(r.entry),
                [c.where() for c in confs],
            )


@rule("IS012", "target-locked-out", "warning", scope="cluster")
def target_locked_out(cluster: Cluster) -> Iterator[Finding]:
    """The access lists shut every initiator out of a target.

    Why it matters: once initiators.allow exists (without initiators.deny),
    ietd refuses every initiator for a target that no line names, and no
    ``ALL`` line covers; once targets.allow exists, a target without a line
    is offered on no portal, and so is one whose line lists only initiator
    names (targets.allow matches portal addresses only). The target is
    defined and exports its LUNs, yet nobody can log in: typically after a
    rename in ietd.conf.

    Example: initiators.allow with a line for ``...:storage.web`` only, and
    ietd.conf exporting ``...:storage.db`` too.

    A line counts only as ietd reads it: the file's last line without its newline is
    skipped (iscsitarget 1.4 usr/plain.c ``match``: ``fgets``, then ``if (*q !=
    '\\n') continue;``), which an editor that writes no final newline leaves behind.

    Fix: add a line for the target (or an ``ALL`` line last) listing the
    initiators' or portals' addresses.
    """
    for item in _read_ietd(cluster):
        if item.node is None:
            continue  # a loose file: its access lists are unknown
        kinds = ["targets.allow"]
        if _acl(cluster, item.node, "initiators.deny") is None:
            kinds.insert(0, "initiators.allow")  # with a deny file, allow only lets back in
        for kind in kinds:
            acl = _acl(cluster, item.node, kind)
            if acl is None:
                continue
            effect = (
                "ietd refuses every initiator"
                if kind == "initiators.allow"
                else "ietd offers it on no portal"
            )
            for t in _ietd(item).targets:
                line = _allow(acl).rule(t.name)
                if line is None:
                    why = f"no line of {kind} names {t.name} or ALL: {effect}"
                elif not _raw_line(acl, line).endswith("\n"):
                    why = (
                        f"the {kind} line for {t.name} is the file's last and has no final "
                        f"newline: ietd never reads such a line, so {effect}"
                    )
                elif kind == "targets.allow" and _names_only(line.peers):
                    why = (
                        f"targets.allow's {line.target} line lists only initiator names, but "
                        f"it matches portal addresses: ietd offers {t.name} on no portal"
                    )
                else:
                    continue
                at = acl.where() if line is None else acl.where(line.entry)
                yield make("IS012", why, item.where(t.entry), [at])


def _names_only(peers: list[Any]) -> bool:
    """A list of initiator names only (an empty list is XC005's)."""
    return bool(peers) and all(p.kind == "name" for p in peers)


@rule("IS016", "initiator-shut-out", "warning", scope="cluster")
def initiator_shut_out(cluster: Cluster) -> Iterator[Finding]:
    """A node multipaths a LUN of an IET target (or a domU of it names one by path)
    that will not let it log in: the target's initiators.allow does not admit the
    node, or the CHAP login of the node's iscsid.conf matches no ``IncomingUser`` of
    the target.

    Why it matters: the node's multipath.conf names the LUN's WWID (IET's
    ``ScsiId`` inside it), so its domUs or filesystems expect
    ``/dev/mapper/ALIAS``; but ietd refuses the login (an initiators.allow
    line that lists the other nodes only; a target with ``IncomingUser``
    accounts takes CHAP logins with one of them and no other: iscsitarget's
    usr/iscsid.c skips ``AuthMethod=None`` while incoming accounts exist, usr/chap.c
    says "No valid user/pass combination for initiator"), so the device
    never appears on that node: typically the node added last, whose guests then
    fail to start there at the first failover. Each daemon accepts its own file;
    only the files of both sides show it. A dom0 without multipath whose xm/xl
    config gives a disk as udev's ``/dev/disk/by-path/ip-PORTAL-iscsi-TARGET-lun-N``
    uses the target the same way (Debian's open-iscsi initiators, one portal).

    The CHAP check reads the node's open-iscsi node records for the target
    where its tree holds them (``/etc/iscsi/nodes/TARGET/PORTAL/default``, or
    ``/var/lib/iscsi/nodes`` on Red Hat; ``iscsiadm -o update`` changes these,
    and iscsid logs in with them): it reports only when every record's login
    is refused. Without records it reads iscsid.conf, the defaults new records
    take, which a later ``iscsiadm -o update`` may have overridden: hence a
    warning. A line that admits an address (or network) where no file gives
    any initiator node an address gives no verdict: the node may log in from it
    (dom0s on a storage network that /etc/hosts does not list). The nodes one
    initiators.allow line shuts out of a target are one finding (one edit admits
    them), naming each, with the line and each node's ``multipaths`` entry as
    related locations; a CHAP refusal is each node's own.

    A password masked by the collector (sos writes ``********`` in iscsid.conf
    and the node records) is not known, and not compared.

    The line is read as ietd reads it (iscsitarget 1.4 usr/plain.c ``match`` and
    ``initiator_match``): a name is a case-sensitive POSIX basic regex matched against
    the whole initiator name (``^NAME$``), so a host name or an IQN prefix admits
    nobody; ``#`` starts a comment only as the line's first word (``10.0.2.4 # x4``
    is one entry, which admits nobody); a last line without its newline is never read.

    Example: ``iqn...:store.vm 10.0.2.1, 10.0.2.2, 10.0.2.3`` in initiators.allow
    while x4 (10.0.2.4) multipaths ``1IET_____vmstor01``; or x4's
    ``node.session.auth.password`` differing from its ``IncomingUser x4`` line.

    Fix: admit the node in initiators.allow and give it an ``IncomingUser``
    account that its iscsid.conf uses, on every box that exports the target.
    """
    if not cluster.has("ietd") or not cluster.has("multipath", "xm", "xl"):
        return
    model = cluster.model
    # WWID -> node -> its first multipaths entry naming the WWID
    wanted: dict[str, dict[str, Location]] = {}
    for node, items in cluster.by_node("multipath").items():
        for item in items:
            for m in _mp(item).multipaths:
                if node and m.wwid:
                    wanted.setdefault(m.wwid, {}).setdefault(node, item.where(m.block))
    by_path = _by_path_users(cluster)
    for item in _read_ietd(cluster):
        if item.node is None:
            continue
        box = short(item.node)
        acl = _acl(cluster, item.node, "initiators.allow")
        for t in _ietd(item).targets:
            nodes: dict[str, Location] = {}
            for link in model.chain:
                if link.target == t.name and link.box == box and link.wwid:
                    nodes = {**wanted.get(link.wwid, {}), **nodes}
            multipathed = set(nodes)
            for node, at in by_path.get(t.name or "", {}).items():
                nodes.setdefault(node, at)
            incoming = [u for u in t.users if u.direction == "incoming" and u.name]
            line = _allow(acl).rule(t.name) if acl is not None else None
            shut: list[str] = []  # refused by the one initiators.allow line
            unread = ""  # why ietd reads the line otherwise than its words say
            chap: list[tuple[str, str]] = []
            for node in sorted(nodes):
                info = model.node(node)
                if info is None or info.name == box:
                    continue
                if (
                    acl is not None
                    and info.addresses
                    and not _admits_address(line, info.addresses)
                    and not _named_by_pattern(cluster, node, line)
                    and not _unattributed(model, line)
                ):
                    shut.append(node)
                elif (
                    acl is not None
                    and line is not None
                    and info.addresses
                    and (dead := _dead_admission(cluster, acl, line, node)) is not None
                ):
                    shut.append(node)
                    unread = dead
                elif incoming:
                    why = _chap_refused(cluster, node, t.name, incoming)
                    if why:
                        chap.append((node, why))
            if shut and acl is not None:
                # one finding for the line: fixing it (or the nodes' addresses) admits all
                names = ", ".join(shut)
                several = len(shut) > 1
                rule_at = acl.where(line.entry) if line is not None else acl.where()
                verb = "multipath" if set(shut) <= multipathed else "use"
                yield make(
                    "IS016",
                    f"{names} {verb}{'' if several else 's'} LUN(s) of {t.name}, but ietd "
                    f"on {box} refuses {'their logins' if several else 'its login'}: "
                    f"{box}'s initiators.allow does not admit {names}{unread}",
                    item.where(t.entry),
                    [rule_at, *(nodes[n] for n in shut)],
                )
            for node, why in chap:  # each node's own CHAP settings: one finding each
                verb = "multipaths" if node in multipathed else "uses"
                yield make(
                    "IS016",
                    f"{node} {verb} LUN(s) of {t.name}, but ietd on {box} refuses its login: {why}",
                    item.where(t.entry),
                    [nodes[node]],
                )


#: udev's name of an iSCSI LUN (60-persistent-storage.rules, path_id):
#: /dev/disk/by-path/ip-PORTAL-iscsi-TARGET-lun-N, a partition's with -partM after it.
_BY_PATH = lazy_re(r"/dev/disk/by-path/ip-.+?-iscsi-(.+)-lun-[0-9]+(?:-part[0-9]+)?$")


def _by_path_users(cluster: Cluster) -> dict[str, dict[str, Location]]:
    """Target name -> node -> the first domU config whose disk names one of its LUNs
    by path: that node logs in to the target as surely as one that multipaths it."""
    out: dict[str, dict[str, Location]] = {}
    for fmt in ("xm", "xl"):
        for item in cluster.docs(fmt):
            if not item.node:
                continue
            for disk in _domu(item).disks:
                m = _BY_PATH.search(disk.target or "")
                if m is not None:
                    where = item.where(_domu(item).assignment("disk"))
                    out.setdefault(m[1], {}).setdefault(item.node, where)
    return out


def _admits_address(line: Any, addresses: Any) -> bool:
    """Whether the initiators.allow ``line`` (``None``: no line names the target) admits
    an initiator at one of ``addresses`` (or every initiator: ``ALL``). The line is the
    one of the list ietd reads (:func:`_acl`: /etc/iet before /etc), which the cluster
    model's per-target members need not be: with an old /etc/initiators.allow beside
    /etc/iet's, the model may have read the old one."""
    if line is None:
        return False
    if any(p.kind == "all" for p in line.peers):
        return True
    return any(line.admits(address) for address in _ips(addresses))


def _raw_line(acl: Loaded, line: Any) -> str:
    """The text of an access-list ``line`` as ietd's ``fgets`` gets it, newline kept:
    a line without one (the file's last, unterminated) is skipped by usr/plain.c
    ``match`` (``if (*q != '\\n') continue;``)."""
    doc = _allow(acl)
    row, _ = doc.position(line.entry)
    lines = doc.source.split("\n")  # (lines as LineIndex counts them: "\n" only)
    if not 0 < row <= len(lines):
        return ""
    return lines[row - 1] + ("\n" if row < len(lines) else "")


def _dead_admission(cluster: Cluster, acl: Loaded, line: Any, node: str) -> str | None:
    """Why ietd refuses ``node`` on an initiators.allow line whose words admit it, or
    ``None``. IET 1.4's usr/plain.c ``match`` reads the file with ``fgets`` and skips a
    line that does not end in a newline (``if (*q != '\\n') continue;``: the last line
    of a file without a final newline is never read); it takes ``#`` as a comment only
    as the line's first word, so ``10.0.2.13 # xen3`` is one entry, which ``__match``
    tries as a name regex and a numeric address: it admits nobody."""
    from ... import regex

    text = _raw_line(acl, line)
    if not text.endswith("\n"):
        return " (its line has no final newline, and ietd never reads such a line)"
    words = text.rstrip("\r\n").split(None, 1)
    if len(words) < 2 or "#" not in words[1]:
        return None
    peers = [p.strip() for p in words[1].split(",") if p.strip()]
    info = cluster.model.node(node)
    named = cluster.first("initiatorname", node)
    iqn = _initiator(named).name if named is not None else None
    for peer in peers:
        if peer == "ALL" or iqn is None or regex.bre_fullmatch(peer, iqn) is not False:
            return None
        bare = peer.replace("[", "").replace("]", "")
        try:
            net = ipaddress.ip_network(bare, strict=False)
        except ValueError:
            continue
        if info is None or any(ipaddress.ip_address(a) in net for a in _ips(info.addresses)):
            return None
    return (
        " (ietd reads '#' as a comment only at the start of a line: the entry it ends"
        " is not an address)"
    )


def _unattributed(model: Any, line: Any) -> bool:
    """Whether an initiators.allow line admits an address or network holding no address
    the files give any initiator node: the dom0s' storage-network addresses
    (``10.30.0.11`` beside ``10.20.0.11 xen01`` in /etc/hosts) are often in no file, so
    a node whose known addresses the line misses may still log in from one of those."""
    import ipaddress

    known = [
        ipaddress.ip_address(a)
        for n in model.nodes.values()
        if "initiator" in n.roles
        for a in _ips(n.addresses)
    ]
    nets = [p.network for p in (line.peers if line is not None else []) if p.network is not None]
    return any(not any(ip in net for ip in known) for net in nets)


def _ips(addresses: Any) -> list[str]:
    """The addresses that parse as IP addresses (host names are kept elsewhere)."""
    import ipaddress

    out = []
    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            continue
        out.append(a)
    return out


def _named_by_pattern(cluster: Cluster, node: str, line: Any) -> bool:
    """Whether an initiators.allow line may admit ``node`` by a name pattern: IET reads
    a name as a regular expression (``iqn\\.2026-12\\.net\\.example:.*``), and a node
    whose initiator name is unknown may match one.

    As IET 1.4's usr/plain.c ``initiator_match``: the pattern is wrapped in ``^...$``
    and compiled with ``regcomp(&re, pattern, REG_NOSUB)``, a case-sensitive POSIX
    *basic* regex matched against the whole initiator name. So a host name
    (``xen2``, as in hosts.allow) or a prefix (``iqn.1993-08.org.debian:01``)
    admits nobody: ``__match`` then tries it as a numeric address only
    (``AI_NUMERICHOST``), which it is not."""
    from ... import regex

    names = [p.text for p in (line.peers if line is not None else []) if p.kind == "name"]
    if not names:
        return False
    named = cluster.first("initiatorname", node)
    iqn = _initiator(named).name if named is not None else None
    if not iqn:
        return True
    # (a pattern we cannot translate gives no verdict)
    return any(regex.bre_fullmatch(pattern, iqn) is not False for pattern in names)


def _chap_refused(cluster: Cluster, node: str, target: str, incoming: list[Any]) -> str | None:
    """Why the CHAP login of ``node`` to ``target`` matches none of ``incoming``: by
    its node records for the target where the tree holds them (every record refuses),
    else by its iscsid.conf (the defaults new records take)."""
    records = cluster.fact(
        f"iscsi-node-records:{node}:{target}", lambda: _node_records(cluster, node, target)
    )
    if records:
        whys = [
            _login_refused(values, f"{node}'s node record {name}", incoming)
            for name, values in records
        ]
        return None if None in whys else whys[0]
    conf = cluster.first("iscsid", node)
    if conf is None:
        return None
    doc = _iscsid(conf)
    values = {k: doc.value(k) for k in _AUTH_KEYS}
    return _login_refused(values, f"{node}'s iscsid.conf", incoming)


def _login_refused(values: dict[str, Any], source: str, incoming: list[Any]) -> str | None:
    """Why the login settings ``values`` (of ``source``) match none of ``incoming``."""
    method = str(values.get("node.session.auth.authmethod") or "None")
    if method.lower() != "chap":
        return (
            f"the target takes CHAP logins only (IncomingUser), {source} logs "
            f"in with authmethod {method}"
        )
    user = values.get("node.session.auth.username")
    secret = values.get("node.session.auth.password")
    if user is None or secret is None:
        return None
    accounts = {(u.name, u.password) for u in incoming}
    if (str(user), str(secret)) in accounts:
        return None
    if any(u.name == str(user) for u in incoming):
        from ...secrets import is_masked

        if is_masked(str(secret)):
            return None  # (a sosreport's copy: sos masks the password, it is not known)
        return f"{source} gives user {user} another password than IncomingUser"
    return f"no IncomingUser is {user}, the user {source} logs in as"
