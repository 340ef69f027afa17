"""``xencfg migrate``: a heartbeat cluster's files -> corosync 3 + Pacemaker, offline.

:func:`plan` reads every node (as lint does), builds the new files with
:func:`xencfg.stack.to_corosync` (corosync.conf, authkey) and
:func:`xencfg.formats.cib.convert.convert` (the CIB), and returns a :class:`Migration`:
the files per node, every rewrite and everything left for an admin, and the ordered
cut-over steps. :func:`write` puts the files under ``OUTDIR/NODE/`` and the report in
``OUTDIR/MIGRATION.md``; it refuses to write into (or over) the inputs.
"""

from __future__ import annotations

import json
import os
import secrets as _random
from pathlib import Path
from typing import Any

import attrs

from . import api
from .discover import NodeTree, discover
from .errors import WriteError, XencfgError
from .stack import Member, NodeFiles, Note, StackResult, to_corosync
from .syntax.source import encode

#: corosync-keygen's default key: 2048 bits (knet takes 1024 to 4096 bytes... we keep 256).
KEY_BYTES = 256


@attrs.define
class Output:
    """One file to write: ``OUTDIR/<node>/<path>`` (``node`` empty: the cluster's own)."""

    node: str
    path: str
    data: bytes = attrs.field(repr=False)
    mode: int
    why: str
    secret: bool = False

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "node": self.node,
            "path": self.path,
            "mode": f"{self.mode:04o}",
            "why": self.why,
        }
        if not self.secret:
            d["text"] = self.data.decode("utf-8", "surrogateescape")
        return d


@attrs.define
class Migration:
    """The whole plan: new files, the report's notes and the cut-over steps."""

    nodes: list[str]
    outputs: list[Output]
    notes: list[Note]
    timing: list[str]
    steps: list[str]
    members: list[Member]
    cluster_name: str
    secrets: list[str] = attrs.Factory(list)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "cluster_name": self.cluster_name,
            "nodes": self.nodes,
            "members": [attrs.asdict(m) for m in self.members],
            "files": [o.to_dict(show_secrets) for o in self.outputs],
            "rewrites": [n.to_dict() for n in self.notes if n.kind in ("rewrite", "info")],
            "not_carried": [n.to_dict() for n in self.notes if n.kind in ("manual", "dropped")],
            "timing": self.timing,
            "steps": self.steps,
        }

    def report_json(self, show_secrets: bool = False) -> str:
        text = json.dumps(self.to_dict(show_secrets), indent=2)
        return text if show_secrets else _redact(text, self.secrets)

    def report_markdown(self, show_secrets: bool = False) -> str:
        text = _markdown(self)
        return text if show_secrets else _redact(text, self.secrets)


def _redact(text: str, values: list[str]) -> str:
    from .secrets import redact

    return redact(text, values)


def _load(path: Path, fmt: str) -> Any:
    try:
        return api.load(path, fmt)
    except XencfgError:
        return None


def _node_files(tree: NodeTree, secrets: list[str]) -> tuple[NodeFiles, Any]:
    nf = NodeFiles(tree.name)
    cib = None
    for f in tree.files:
        if f.format not in ("hacf", "authkeys", "logd", "hosts", "drbd", "ocfs2", "cman", "cib"):
            continue
        doc = _load(f.path, f.format)
        if doc is None:
            continue
        nf.where[id(doc)] = f"{tree.name}:{f.display}"
        secrets.extend(doc.secrets())
        if f.format == "drbd":
            nf.drbd.append(doc)
        elif f.format == "ocfs2":
            for c in doc.clusters:
                if c.name:
                    nf.cluster_names.append((c.name, f"{tree.name}:{f.display}"))
        elif f.format == "cman":
            name = getattr(doc, "name", None)
            if name:
                nf.cluster_names.append((name, f"{tree.name}:{f.display}"))
        elif f.format == "cib":
            cib = cib or (f, doc)
        elif getattr(nf, f.format) is None:
            setattr(nf, f.format, doc)
    return nf, cib


def _cib_output(cib: tuple[Any, Any], members: list[Member], notes: list[Note]) -> Output:
    """The CIB through ``xencfg cib convert`` (heartbeat 2 -> Pacemaker 1.0), then the
    node ids corosync gives (heartbeat's UUIDs mean nothing to it) and no status."""
    from lxml import etree

    from .formats.cib import convert as conv
    from .syntax.source import read_text

    f, _doc = cib
    text = read_text(str(f.path))
    result = conv.convert(text, path=f.display)
    for ch in result.changes:
        notes.append(
            Note("rewrite", f"{f.display}:{ch.line or 0}", "cib.xml", ch.describe(), ch.kind)
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(encode(result.text), parser)
    ids = {m.name: m.nodeid for m in members}
    for node in root.iterfind("configuration/nodes/node"):
        uname = node.get("uname")
        if uname in ids and node.get("id") != str(ids[uname]):
            notes.append(
                Note(
                    "rewrite",
                    f"{f.display}:{node.sourceline or 0}",
                    "cib.xml nodes",
                    f"node {uname}: id {node.get('id')} -> {ids[uname]}",
                    "Pacemaker on corosync names a node by its corosync nodeid",
                )
            )
            node.set("id", str(ids[uname]))
    status = root.find("status")
    if status is not None and len(status):
        for child in list(status):
            status.remove(child)
        notes.append(
            Note(
                "rewrite",
                f.display,
                "cib.xml status",
                "status section emptied",
                "it records heartbeat's run-time state; Pacemaker rebuilds it",
            )
        )
    out = etree.tostring(root, encoding="unicode") + "\n"
    return Output("", "cib.xml", encode(out), 0o600, "the CIB for cibadmin --replace")


def plan(
    paths: list[str],
    names: dict[str, str] | None = None,
    cluster_name: str | None = None,
    cib_file: str | None = None,
) -> Migration:
    """The migration of the cluster whose node trees are ``paths`` (``cib_file``: the CIB
    when it is not in a node's var/lib/heartbeat/crm/cib.xml)."""
    found = discover(paths, names)
    if not found.nodes:
        raise XencfgError("migrate wants node trees (a root or an /etc per node), found none")
    secrets: list[str] = []
    nodes: list[NodeFiles] = []
    cib = None
    for tree in found.nodes:
        nf, node_cib = _node_files(tree, secrets)
        nodes.append(nf)
        cib = cib or node_cib
    if not any(n.hacf is not None for n in nodes):
        raise XencfgError(
            "no node has an ha.cf (ha.d/ha.cf or heartbeat/ha.cf): nothing to migrate"
        )
    if cib_file is not None:
        from .discover import SourceFile, display_path

        p = Path(cib_file)
        cib = (SourceFile(p, display_path(p), "cib"), api.load(p, "cib"))
        secrets.extend(cib[1].secrets())
    stack: StackResult = to_corosync(nodes, cluster_name)
    notes = list(stack.notes)
    conf = encode(api.dumps(stack.corosync))
    key = _random.token_bytes(KEY_BYTES)
    outputs: list[Output] = []
    for tree in found.nodes:
        existing = tree.etc / "corosync" / "corosync.conf"
        if existing.is_file() and existing.read_bytes() == conf:
            continue
        outputs.append(
            Output(tree.name, "etc/corosync/corosync.conf", conf, 0o644, "corosync 3 (knet)")
        )
        outputs.append(
            Output(
                tree.name,
                "etc/corosync/authkey",
                key,
                0o400,
                "knet's shared key (the same on every node)",
                secret=True,
            )
        )
    if cib is not None:
        outputs.append(_cib_output(cib, stack.members, notes))
    else:
        notes.append(
            Note(
                "manual",
                "-",
                "cib.xml",
                "no CIB found (var/lib/heartbeat/crm/cib.xml)",
                "a heartbeat v1 cluster or none copied: write the CIB by hand (haresources is "
                "not converted yet)",
            )
        )
    return Migration(
        nodes=[t.name for t in found.nodes],
        outputs=outputs,
        notes=notes,
        timing=stack.timing,
        steps=_steps([t.name for t in found.nodes], cib is not None),
        members=stack.members,
        cluster_name=stack.cluster_name,
        secrets=secrets,
    )


def _steps(nodes: list[str], has_cib: bool) -> list[str]:
    each = ", ".join(nodes)
    steps = [
        f"On every node ({each}): back up /etc/ha.d (or /etc/heartbeat) and "
        "/var/lib/heartbeat/crm/cib.xml.",
        "Stop heartbeat on every node, one at a time, the DC last "
        "(`/etc/init.d/heartbeat stop`); the resources stop with it.",
        "Keep heartbeat from starting at boot (`update-rc.d heartbeat disable` or "
        "`chkconfig heartbeat off`).",
        "Install corosync 3 and Pacemaker on every node (`apt-get install pacemaker "
        "corosync` or `zypper in pacemaker corosync`).",
        "Install the files: on each node NODE, copy OUTDIR/NODE/etc/corosync/corosync.conf to "
        "/etc/corosync/corosync.conf (0644) and OUTDIR/NODE/etc/corosync/authkey to "
        "/etc/corosync/authkey (owner root, mode 0400). Or run `corosync-keygen` on one node "
        "and copy its /etc/corosync/authkey to the others: the key must be the same everywhere.",
        "Check the file on every node: `corosync -t` (corosync 3.1 and later).",
        "Start corosync on every node (`systemctl start corosync`); `corosync-cfgtool -s` "
        "shows every link connected, `corosync-quorumtool -s` every member and 'Quorate: Yes'.",
        "Start Pacemaker on every node (`systemctl start pacemaker`); `crm_mon -1` shows "
        "every node online.",
    ]
    if has_cib:
        steps += [
            "Check the converted CIB: `crm_verify --xml-file OUTDIR/cib.xml -V`.",
            "Load it on one node: `cibadmin --replace --xml-file OUTDIR/cib.xml`.",
        ]
    else:
        steps.append("Write the CIB (resources, constraints, fencing) and load it with cibadmin.")
    steps += [
        "Check the running cluster: `crm_verify -L -V`, `crm_mon -1` (every resource started "
        "where expected), and `xencfg lint` on the nodes' trees.",
        "Start corosync and Pacemaker at boot (`systemctl enable corosync pacemaker`).",
    ]
    return steps


def check_outdir(outdir: Path, paths: list[str]) -> None:
    """Refuse an OUTDIR that is, holds or lies inside an input: nothing is written over
    (or into) the files being migrated."""
    out = outdir.resolve()
    for p in paths:
        src = Path(p).resolve()
        if out == src or src in out.parents or out in src.parents:
            raise XencfgError(
                f"output folder {outdir} overlaps the input {p}: choose a folder outside the "
                "node trees (nothing is written into the inputs)"
            )


def write(
    migration: Migration, outdir: Path, paths: list[str], show_secrets: bool = False
) -> list[Path]:
    """Write every output under ``outdir`` and MIGRATION.md; returns the paths written."""
    from .writer import write_atomic

    check_outdir(outdir, paths)
    written: list[Path] = []
    for o in migration.outputs:
        target = outdir / o.node / o.path if o.node else outdir / o.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"{target.parent}: cannot create: {exc.strerror or exc}") from None
        for p in paths:  # never over an input file, whatever the folders say
            if target.exists() and any(_same(target, f) for f in _inputs(p)):
                raise XencfgError(f"{target} is an input file; not written")
        if target.exists():
            os.chmod(target, 0o600)  # a 0400 key from an earlier run must be replaceable
        write_atomic(str(target), o.data, mode=o.mode)
        os.chmod(target, o.mode)
        written.append(target)
    report = outdir / "MIGRATION.md"
    outdir.mkdir(parents=True, exist_ok=True)
    write_atomic(str(report), encode(migration.report_markdown(show_secrets)), mode=0o644)
    written.append(report)
    return written


def _inputs(path: str) -> list[Path]:
    p = Path(path)
    return [p] if p.is_file() else []


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _markdown(m: Migration) -> str:
    lines = [
        f"# Migration of cluster {m.cluster_name} to corosync 3 + Pacemaker",
        "",
        f"Nodes: {', '.join(m.nodes)}. Members: "
        + ", ".join(
            f"{x.name} (nodeid {x.nodeid}; "
            + ", ".join(f"ring{k}_addr {a}" for k, a in sorted(x.addrs.items()))
            + ")"
            for x in m.members
        )
        + ".",
        "",
        "## New files",
        "",
    ]
    for o in m.outputs:
        where = f"OUTDIR/{o.node}/{o.path}" if o.node else f"OUTDIR/{o.path}"
        lines.append(f"- `{where}` (mode {o.mode:04o}): {o.why}")
    lines += ["", "## Rewrites (old location -> new location: what, why)", ""]
    for n in m.notes:
        if n.kind in ("rewrite", "info"):
            lines.append(f"- `{n.source}` -> {n.target}: {n.what} ({n.why})")
    lines += ["", "## Timing arithmetic", ""]
    lines += [f"- {t}" for t in m.timing] or ["- no ha.cf timings"]
    lines += ["", "## Not carried (do by hand)", ""]
    manual = [n for n in m.notes if n.kind in ("manual", "dropped")]
    for n in manual:
        tag = "TODO" if n.kind == "manual" else "dropped"
        lines.append(f"- {tag} `{n.source}`: {n.what}: {n.why}")
    if not manual:
        lines.append("- nothing")
    lines += ["", "## Cut-over steps", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(m.steps, start=1)]
    return "\n".join(lines) + "\n"
