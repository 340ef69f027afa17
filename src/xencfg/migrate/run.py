"""Planning a migration over the node trees (:func:`plan`) and writing it out
(:func:`write`), refusing to write into or over the inputs."""

from __future__ import annotations

import errno
import os
import posixpath
from pathlib import Path
from typing import Any

import attrs

from ..discover import discover
from ..errors import WriteError, XencfgError
from ..syntax.source import encode
from .booth import plan_booth
from .cib_check import check_written_cib
from .cib_release import for_release, parse_release
from .clusters import plan_site, site_clusters
from .lio_agents import LIO_STEP, lio_agents
from .migration import DRBD_TARGETS, PACEMAKER_TARGETS, PARTS, Migration, Reads, cutover_steps
from .order import initiators_by_address
from .part_stack import plan_stack
from .part_storage import plan_evms, plan_storage, plan_wwids
from .xendomains import plan_xendomains


def plan(
    paths: list[str],
    names: dict[str, str] | None = None,
    cluster_name: str | None = None,
    cib_file: str | None = None,
    only: tuple[str, ...] | None = None,
    drbd_target: str = "8.4",
    pacemaker_target: str = "current",
) -> Migration:
    """The migration of the cluster whose node trees are ``paths`` (``cib_file``: the CIB
    when it is not in a node's var/lib/heartbeat/crm/cib.xml). ``only`` picks parts of
    :data:`PARTS` (default: every part the files call for)."""
    for part in only or ():
        if part not in PARTS:
            raise XencfgError(f"unknown part {part!r}: choose from {', '.join(PARTS)}")
    # (a release, 2.0 or 2.1.2: the current CIB put in the newest schema it knows)
    release = None if pacemaker_target in PACEMAKER_TARGETS else parse_release(pacemaker_target)
    if drbd_target not in DRBD_TARGETS:
        raise XencfgError(f"--to drbd={drbd_target}: choose from {', '.join(DRBD_TARGETS)}")
    found = discover(paths, names)
    if not found.nodes:
        raise XencfgError("migrate wants node trees (a root or an /etc per node), found none")
    # by name, so the files, the report and the source each line quotes do not depend
    # on the order the node trees were given in
    found.nodes.sort(key=lambda t: t.name)
    parts = only or PARTS
    cib_target = "pacemaker-1.0" if pacemaker_target == "1.0" else "current"
    # (the site's initiators by address, before the clusters are split: an address of
    # a storage pair's initiators.allow may be a dom0's of another cluster)
    reads: Reads = {}  # (the site-wide passes parse each file once between them)
    initiators = initiators_by_address(found, reads) if "iscsi" in parts else {}
    one = Planner(parts, bool(only), drbd_target, release, cib_target, initiators, reads)
    groups = site_clusters(found, reads) if "stack" in parts else []
    if sum(g.stack for g in groups) > 1:  # several clusters: each on its own
        m = plan_site(found, groups, one, cluster_name, cib_file, reads)
    else:
        m = one(found, cluster_name, cib_file)
    if not m.outputs and not m.all_notes():
        raise XencfgError(NOTHING)
    return m


#: what plan() says when no file calls for any part
NOTHING = (
    "no node has an ha.cf (ha.d/ha.cf or heartbeat/ha.cf), a corosync 1 or 2 file, "
    "a cman cluster.conf, an xm config, a DRBD 8.3 drbd.conf, an ietd.conf, old "
    "multipath.conf or iscsid.conf keywords or an evms.conf: nothing to migrate"
)


@attrs.frozen
class Planner:
    """The migration of one cluster (or of stand-alone nodes, ``parts`` without
    ``stack``), with the options of the run: called with the node trees
    (``found``), the cluster's name and its CIB file."""

    parts: tuple[str, ...]
    explicit: bool
    drbd_target: str
    release: Any
    cib_target: str
    #: the site's initiators by address (migrate/order.py initiators_by_address)
    initiators: dict[str, tuple[str, str]] = attrs.field(factory=dict)
    #: the documents the passes that only read share (migration.Reads)
    reads: Reads = attrs.field(factory=dict)

    def __call__(
        self, found: Any, cluster_name: str | None, cib_file: str | None, explicit: bool = True
    ) -> Migration:
        m = Migration(
            nodes=[t.name for t in found.nodes],
            outputs=[],
            notes=[],
            timing=[],
            steps=[],
            members=[],
            cluster_name="",
        )
        stack = (
            plan_stack(
                m,
                found,
                cluster_name,
                cib_file,
                explicit=self.explicit and explicit,
                cib_target=self.cib_target,
            )
            if "stack" in self.parts
            else None
        )
        if stack and self.cib_target == "current":
            # (as cib convert --to current: a CIB Pacemaker would refuse is a TODO, or
            # not written where the migration made the fault)
            display, text = m.cib_input or ("cib.xml", None)
            stack = check_written_cib(m, text, display)
        if self.release is not None:
            for_release(m, self.release)
        storage: set[str] = set()
        for tree in found.nodes:
            storage |= plan_storage(m, tree, self.parts, self.drbd_target, self.initiators)
        if "iscsi" in self.parts:
            plan_wwids(m, found, self.reads)
        if "evms" in self.parts and plan_evms(m, found, cib_file, self.reads):
            storage.add("evms")
        plan_booth(m, found)
        plan_xendomains(m, found)
        # (IET's init script as a resource: LIO's agents, from the saveconfig.json written)
        lio = stack is not None and "iscsi" in self.parts and lio_agents(m)
        # (OpenRC boots what /etc/runlevels links: bootlinks.OPENRC_DIRS)
        openrc = tuple(
            t.name
            for t in found.nodes
            if t.name in (m.stack_nodes or m.nodes) and (t.etc / "runlevels").is_dir()
        )
        m.steps = cutover_steps(
            m.nodes, stack, storage, m.stack_nodes, m.old_stack, m.crypto, openrc
        )
        if lio:
            m.steps = [LIO_STEP if s.startswith("LIO: `targetctl") else s for s in m.steps]
        return m


def check_outdir(outdir: Path, paths: list[str]) -> None:
    """Refuse an OUTDIR that is, holds or lies inside an input: nothing is written over
    (or into) the files being migrated."""
    try:
        out = outdir.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop (Python < 3.13: RuntimeError)
        why = "a symbolic link loop"
        if isinstance(exc, OSError) and exc.errno != errno.ELOOP:
            why = exc.strerror or str(exc)
        raise XencfgError(f"{outdir}: cannot write there: {why}") from None
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
    from ..writer import write_atomic, write_target

    write_target(str(outdir))
    check_outdir(outdir, paths)
    written: list[Path] = []
    targets = [below(outdir, o.node, o.path) for o in migration.outputs]  # all, first
    for o, target in zip(migration.outputs, targets, strict=True):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(
                f"cannot create: {exc.strerror or exc}", path=str(target.parent)
            ) from None
        for p in paths:  # never over an input file, whatever the folders say
            if target.exists() and any(_same(target, f) for f in _inputs(p)):
                raise XencfgError(f"{target} is an input file; not written")
        if target.is_file() and not target.is_symlink():
            # a 0400 key from an earlier run must be replaceable; a link is left to
            # write_atomic, which refuses one someone else planted (chmod followed it
            # first: the link's target, say /etc/passwd, became 0600)
            os.chmod(target, 0o600)
        write_atomic(str(target), o.data, mode=o.mode)
        os.chmod(target, o.mode)
        written.append(target)
    report = outdir / "MIGRATION.md"
    outdir.mkdir(parents=True, exist_ok=True)
    write_atomic(str(report), encode(migration.report_markdown(show_secrets)), mode=0o644)
    written.append(report)
    return written


def below(outdir: Path, *parts: str) -> Path:
    """``outdir/parts...``, refused when the parts would leave ``outdir``: a node is
    named by its own etc/hostname, and a tree whose hostname read ``/`` (or
    ``../..``) had its corosync.conf, authkey and xl.conf written over the host's own
    /etc, as root."""
    rel = posixpath.normpath("/".join(p for p in parts if p))
    if rel.startswith("/") or rel == ".." or rel.startswith("../"):
        shown = "/".join(parts)
        raise XencfgError(
            f"{shown!r} would be written outside {outdir} (a node named {parts[0]!r} by its"
            " etc/hostname?); nothing is written there"
        )
    return outdir / rel


def _inputs(path: str) -> list[Path]:
    p = Path(path)
    return [p] if p.is_file() else []


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
