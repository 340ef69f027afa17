"""The ``stack`` part for a Pacemaker cluster on openais or corosync 1 (Pacemaker's
plugin: SLES 11, RHEL 6) -> corosync 3 + Pacemaker, for :func:`xencfg.migrate.plan`."""

from __future__ import annotations

from typing import Any

from ..discover import NodeTree, display_path, etc_file_text
from ..errors import XencfgError
from ..stack import NodeFiles, Note, StackResult
from ..stack.cman import to_knet_cman
from ..stack.corosync2 import MAX_KEY_READ, to_knet_c2
from ..stack.openais import AisNode, to_knet
from .migration import Migration, load_as


def _service_d(tree: NodeTree) -> list[tuple[Any, str]]:
    """The files of /etc/corosync/service.d that load a plugin (RHEL 6: service.d/pcmk,
    ``service { name: pacemaker; ver: 1 }``), parsed, with their report names. corosync
    2 reads no service.d (it dropped plugins), so one marks corosync 1."""
    import xencfg

    folder = tree.etc / "corosync" / "service.d"
    out = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        text = etc_file_text(tree, path)
        try:
            doc = xencfg.loads(text if text is not None else "", "corosync")
        except XencfgError:
            continue
        if doc.sections("service"):
            out.append((doc, f"{tree.name}:{display_path(path)}"))
    return out


#: Releases that shipped corosync 2 (RHEL/CentOS 7: 2.4; Debian 8 and 9: 2.3, 2.4;
#: SLES 12: 2.3, 2.4; Debian 10 and RHEL 8 ship 3.0; SLES 15 is not read, its service
#: packs differ): a file naming no key of its generation is theirs.
COROSYNC2_RED_HAT = 7
COROSYNC2_DEBIAN = ("8", "9")
COROSYNC2_SLES = "12"


def _corosync2_release(tree: NodeTree) -> str | None:
    """The node's release file where it names a corosync 2 distribution, as a report
    line's source, else None."""
    from ..discover import in_root, red_hat_release
    from ..syntax.source import read_text

    if red_hat_release(tree.root, tree.etc) == COROSYNC2_RED_HAT:
        return f"{tree.name}:/etc/redhat-release (release {COROSYNC2_RED_HAT})"
    for name in ("debian_version", "os-release"):
        try:
            f = in_root(tree.etc / name, tree.root, tree.etc)
            head = read_text(f, limit=4096, follow=False, head=True).strip()
        except (OSError, ValueError, XencfgError):
            continue
        if name == "debian_version" and head.split(".")[0] in COROSYNC2_DEBIAN:
            return f"{tree.name}:/etc/debian_version ({head})"
        fields = dict(ln.partition("=")[::2] for ln in head.splitlines())
        version = fields.get("VERSION_ID", "").strip('"').split(".")[0]
        if fields.get("ID", "").strip('"') == "sles" and version == COROSYNC2_SLES:
            return f"{tree.name}:/etc/os-release (SLES {version})"
    return None


def _c2_conf(tree: NodeTree) -> tuple[Any, str, str | None] | None:
    """The node's corosync 2 file, its report name and what made a bare file corosync
    2's: /etc/corosync/corosync.conf with a key of corosync 1 or 2 only (rrp_mode,
    ringnumber) and none of corosync 1, a ``transport: udp``/``udpu`` with no key of
    corosync 3 (pcs of RHEL 7 writes no interface section), or no transport at all on a
    release that shipped corosync 2 (its default transport is udp multicast, 3's knet)
    with a nodelist and votequorum (corosync 1 had neither)."""
    from ..formats.lines.corosync import release_evidence

    for f in tree.files:
        if f.format != "corosync" or not str(f.path).endswith("corosync/corosync.conf"):
            continue
        doc = load_as(f, "corosync")
        if doc is None:
            continue
        seen = release_evidence(doc)
        udp = doc.totem is not None and doc.totem.get("transport") in ("udp", "udpu")
        if (seen is not None and seen[0] == "<3.0") or (seen is None and udp):
            return doc, f"{tree.name}:{f.display}", None
        bare = seen is None and doc.totem is not None and not doc.totem.get("transport")
        quorum = doc.section("quorum")
        if bare and doc.nodes and quorum is not None and quorum.get("provider"):
            release = _corosync2_release(tree)
            if release is not None:
                return doc, f"{tree.name}:{f.display}", release
    return None


def _key_bytes(tree: NodeTree) -> bytes | None:
    """The node's /etc/corosync/authkey (its first MAX_KEY_READ bytes), or None where it
    cannot be read inside the tree."""
    from ..discover import in_root

    try:
        with open(in_root(tree.etc / "corosync" / "authkey", tree.root, tree.etc), "rb") as f:
            return f.read(MAX_KEY_READ)
    except (OSError, ValueError, XencfgError):
        return None


def c2_nodes(found: Any, nodes: list[NodeFiles]) -> list[AisNode]:
    """The node trees that run corosync 2 (each with its NodeFiles)."""
    out = []
    for tree, nf in zip(found.nodes, nodes, strict=True):
        got = _c2_conf(tree)
        if got is None:
            continue
        nf.where[id(got[0])] = got[1]
        key = tree.etc / "corosync" / "authkey"
        authkey = f"{tree.name}:/etc/corosync/authkey" if key.is_file() else None
        data = _key_bytes(tree) if authkey else None
        out.append(AisNode(nf, got[0], authkey, release=got[2], key=data))
    return out


def cman_nodes(found: Any, nodes: list[NodeFiles]) -> list[tuple[NodeFiles, Any]]:
    """The node trees with a cman cluster.conf that names clusternodes (RHEL 6), each
    with its NodeFiles and the parsed file."""
    out = []
    for tree, nf in zip(found.nodes, nodes, strict=True):
        for f in tree.files:
            doc = load_as(f, "cman") if f.format == "cman" else None
            if doc is not None and doc.nodes:
                nf.where[id(doc)] = f"{tree.name}:{f.display}"
                out.append((nf, doc))
                break
    return out


def cman_stack(
    m: Migration, cman: list[tuple[NodeFiles, Any]], cib: Any, cluster_name: str | None
) -> tuple[StackResult, bool]:
    """corosync 3's file for a cman cluster into ``m``'s report, and whether it
    encrypts (``cib``: as for :func:`ais_stack`, whose two-node TODO it shares; without
    one the CIB is made of cluster.conf, :func:`cman_cib`)."""
    return report_stack(m, *to_knet_cman(cman, cluster_name, cib is None), "cman", cib)


def report_stack(
    m: Migration, stack: StackResult, crypto: bool, old: str, cib: Any
) -> tuple[StackResult, bool]:
    """``stack`` into ``m``'s report (its notes, timing, members and name, the old stack
    and crypto), with the two-node ``no-quorum-policy`` TODO of :func:`_ignore_quorum`."""
    m.notes.extend(stack.notes)
    m.timing, m.members, m.cluster_name = stack.timing, stack.members, stack.cluster_name
    m.old_stack, m.crypto = old, crypto
    if cib is not None and len(stack.members) == 2:
        m.notes.extend(_ignore_quorum(cib, old))
    return stack, crypto


def _ais_conf(tree: NodeTree, services: bool) -> tuple[Any, str] | None:
    """The node's corosync 1 / openais file and its report name: one with ``<2.0`` keys
    (aisexec, service, udpu members), or, where service.d loads a plugin
    (``services``), one with corosync 1's ``compatibility`` or openais's ``amf`` (RHEL
    6's corosync.conf has no other mark of its release; release_evidence would call it
    corosync 2's for its rrp_mode). corosync 1 reads /etc/corosync/corosync.conf,
    openais 0.80 /etc/ais/openais.conf; where both are such files corosync.conf is the
    one the node runs (SLES 11 SP1 on)."""
    from ..formats.lines.corosync import release_evidence

    found = []
    for f in tree.files:
        if f.format != "corosync":
            continue
        doc = load_as(f, "corosync")
        if doc is None:
            continue
        seen = release_evidence(doc)
        marked = any(getattr(c, "key", None) in ("compatibility", "amf") for c in doc.children)
        if (seen is not None and seen[0] == "<2.0") or (services and marked):
            found.append(
                (not str(f.path).endswith("openais.conf"), doc, f"{tree.name}:{f.display}")
            )
    if not found:
        return None
    best = max(found, key=lambda x: x[0])
    return best[1], best[2]


def ais_nodes(found: Any, nodes: list[NodeFiles]) -> list[AisNode]:
    """The node trees that run openais / corosync 1 (each with its NodeFiles)."""
    out = []
    for tree, nf in zip(found.nodes, nodes, strict=True):
        services = _service_d(tree)
        got = _ais_conf(tree, bool(services))
        if got is None:
            continue
        doc, where = got
        nf.where[id(doc)] = where
        for sdoc, swhere in services:
            nf.where[id(sdoc)] = swhere
        key = next(
            (p for p in ("ais/authkey", "corosync/authkey") if (tree.etc / p).is_file()), None
        )
        authkey = f"{tree.name}:/etc/{key}" if key else None
        out.append(AisNode(nf, doc, authkey, [d for d, _ in services]))
    return out


def _cib_nodes(cib: Any) -> list[tuple[str, str]]:
    """(uname, report name of its line) of each ``<node>`` of the CIB (file, document)."""
    f, doc = cib
    root = doc.root
    if root is None:
        return []
    return [
        (str(n.get("uname")), f"{f.display}:{n.sourceline or 0}")
        for n in root.iterfind("configuration/nodes/node")
        if n.get("uname")
    ]


def ais_stack(
    m: Migration, ais: list[AisNode], cib: Any, cluster_name: str | None, old: str = "openais"
) -> tuple[StackResult, bool]:
    """corosync 3's file for an openais / corosync 1 cluster (``old``: "corosync2", a
    corosync 2 one) into ``m``'s report (``cib``: the newest (file, document) of the
    nodes, or the one given, whose nodes are the members), and whether it encrypts."""
    build = to_knet_c2 if old == "corosync2" else to_knet
    return report_stack(
        m, *build(ais, _cib_nodes(cib) if cib is not None else [], cluster_name), old, cib
    )


#: why a two-node cluster of each old stack set no-quorum-policy=ignore
_WHY_IGNORE = {
    "openais": "Pacemaker's plugin gave a lone node of two no quorum, hence ignore",
    "cman": "a lone node of two kept its resources through ignore (the RHEL 6 guides set "
    "it with cman's two_node)",
    "corosync2": "a lone node of two kept its resources through ignore (votequorum's "
    "two_node did so already)",
}


def _ignore_quorum(cib: Any, old: str) -> list[Note]:
    """A TODO for ``no-quorum-policy=ignore`` in a two-node CIB: on the plugin a lone
    node of two had no quorum, so such clusters set ignore; votequorum's two_node gives
    it quorum (and wait_for_all keeps a node that boots alone from starting anything),
    while ignore would let that node start the resources without ever seeing its peer."""
    f, doc = cib
    root = doc.root
    out = []
    for nv in root.iter("nvpair") if root is not None else ():
        name = (nv.get("name") or "").replace("_", "-")
        if name == "no-quorum-policy" and nv.get("value") == "ignore":
            out.append(
                Note(
                    "manual",
                    f"{f.display}:{nv.sourceline or 0}",
                    "cib.xml",
                    "no-quorum-policy=ignore kept",
                    f"{_WHY_IGNORE.get(old, _WHY_IGNORE['openais'])}; votequorum's two_node "
                    "(written) keeps quorum on the node that is left, and with ignore a node "
                    "that boots alone would start the resources without waiting for its peer "
                    "(wait_for_all): remove it "
                    "(crm_attribute --delete --name no-quorum-policy)",
                )
            )
    return out


def cman_cib(
    m: Migration, cman: list[tuple[NodeFiles, Any]], members: list[Any], target: str
) -> bool:
    """cib.xml made of the first node's cluster.conf (fencing, rgmanager's services) into
    ``m``, with its report lines (``target``: the CIB schema asked for; this CIB is
    written in the current one only: for pacemaker-1.0 none, with a TODO saying why);
    whether it was made."""
    from ..stack.cman_cib import cluster_conf_cib
    from ..syntax.source import encode
    from .migration import Output

    nf, doc = cman[0]
    if target != "current":
        # (the pacemaker-1.0 schema has no fencing-topology, and Pacemaker 1.0 ran no
        # fence_* agent and never on cman: a CIB in its form would not run)
        m.notes.append(
            Note(
                "manual",
                nf.loc(doc),
                "cib.xml",
                f"no CIB made of cluster.conf for {target}",
                "the CIB made of cluster.conf fences with fence_* agents (Pacemaker 1.1's "
                "stonithd and later) and fencing levels (schema pacemaker-1.2), and Pacemaker "
                "1.0 never ran on cman or corosync 2+: migrate with --to pacemaker=current or "
                "--to pacemaker=2.0 (the oldest release this CIB is written for)",
            )
        )
        return False
    try:
        text, notes = cluster_conf_cib(doc, nf.loc(doc), members)
    except XencfgError as exc:
        m.notes.append(
            Note(
                "manual",
                nf.loc(doc),
                "cib.xml",
                f"no CIB made of cluster.conf: {exc}",
                "write the CIB (resources, constraints, fencing) by hand",
            )
        )
        return False
    m.notes.extend(notes)
    m.outputs.append(
        Output(
            "", "cib.xml", encode(text), 0o600, "the CIB for cibadmin --replace (from cluster.conf)"
        )
    )
    return True


#: the file systems that lock through the DLM (cman ran dlm_controld for them)
DLM_FSTYPES = ("gfs", "gfs2", "ocfs2")


def cman_dlm(m: Migration, source: str) -> list[Note]:
    """A TODO when the converted CIB of a cman + Pacemaker cluster mounts a DLM file
    system (Filesystem fstype gfs2, gfs, ocfs2) with no ocf:pacemaker:controld: cman's
    init script started dlm_controld itself (pcs left it out of the CIB), so on corosync
    3 nothing would, and the mount fails. ``source``: the CIB's report name."""
    from .._lazy import etree

    out = [o for o in m.outputs if o.path == "cib.xml"]
    if not out:
        return []
    root = etree.fromstring(out[0].data)
    if root.xpath(".//primitive[@type='controld']"):
        return []
    users = [
        str(p.get("id"))
        for p in root.iterfind(".//primitive[@type='Filesystem']")
        if p.xpath(f"instance_attributes/nvpair[@name='fstype'][{_any_of(DLM_FSTYPES)}]")
    ]
    if not users:
        return []
    return [
        Note(
            "manual",
            source,
            "cib.xml",
            f"no DLM for {', '.join(users)}: no ocf:pacemaker:controld in the CIB",
            "cman started dlm_controld itself (the CIB had no need for it); on corosync 3 "
            "a GFS2 or OCFS2 mount waits for a DLM that never starts: add a clone of "
            "ocf:pacemaker:controld (with ocf:heartbeat:lvmlockd for shared volume groups) "
            "ordered before and colocated with these file systems",
        )
    ]


def _any_of(values: tuple[str, ...]) -> str:
    return " or ".join(f"@value='{v}'" for v in values)


#: /etc/sysconfig/cman's settings (RHEL 6's cman init script) and where their job went
CMAN_SYSCONFIG = {
    "CMAN_QUORUM_TIMEOUT": "how long the init script waited for quorum at start (0: not "
    "at all); votequorum has no such wait, and two_node's wait_for_all holds the first "
    "start until every node has been seen",
    "CMAN_CLUSTER_TIMEOUT": "how long the init script waited to join the cluster; "
    "corosync.service has no such wait",
    "CMAN_SHUTDOWN_TIMEOUT": "how long the init script waited for cman to stop; "
    "pacemaker.service stops the resources, then corosync stops",
    "FENCE_JOIN": "whether the node joined fenced's fence domain: fenced is gone, Pacemaker fences",
    "FENCED_OPTS": "fenced's options: fenced is gone, Pacemaker fences",
    "DLM_CONTROLD_OPTS": "dlm_controld's options: ocf:pacemaker:controld starts it now "
    "(its args parameter)",
    "GFS_CONTROLD_OPTS": "gfs_controld is gone: GFS2 takes the DLM directly",
}


def cman_sysconfig(found: Any, cman: list[tuple[NodeFiles, Any]]) -> list[Note]:
    """A dropped line for each setting of the cman nodes' /etc/sysconfig/cman (the same
    setting on several nodes once): cman's init script read it, and nothing reads it
    once cman is gone; before, it went without a word."""
    import xencfg

    names = {nf.name for nf, _ in cman}
    seen: set[tuple[str, str]] = set()
    out = []
    for tree in found.nodes:
        path = tree.etc / "sysconfig" / "cman"
        try:
            text = (etc_file_text(tree, path) or "") if tree.name in names else ""
            doc = xencfg.loads(text, "shellvars")
        except XencfgError:
            continue
        for a in doc.assignments():
            if (a.name, a.value) in seen:
                continue
            seen.add((a.name, a.value))
            why = CMAN_SYSCONFIG.get(a.name, "cman's init script read it: cman is gone")
            where = f"{tree.name}:{display_path(path)}:{doc.position(a)[0]}"
            out.append(Note("dropped", where, "-", f"{a.name}={a.value}", why))
    return out
