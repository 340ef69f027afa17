"""Safe, mechanical fixes for ``xencfg lint --fix`` and ``--diff``.

A rule can fix its finding only when there is exactly one right answer and it
needs no judgement: a key file's mode, a character drbdadm cannot read. Each
fixer returns the new text and/or mode of one file; nothing else in the file
changes (``--diff`` shows it). Rules listed in :data:`FIXERS` say so in their
documentation page.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from ..cluster import Cluster, Loaded
from ..findings import Finding
from ..rules.documents import KeywordUsing, cib_doc, domu_doc, drbd_doc


@attrs.define
class Fix:
    """What fixing one file takes: its new text and/or permission bits."""

    path: str
    display: str
    old_text: str
    new_text: str
    old_mode: int | None = None
    new_mode: int | None = None
    codes: list[str] = attrs.Factory(list)

    def diff(self) -> str:
        """A unified diff of the text, and a line for a mode change."""
        out = []
        if self.new_mode is not None and self.new_mode != self.old_mode:
            old = f"{self.old_mode:04o}" if self.old_mode is not None else "?"
            out.append(f"mode {self.display}: {old} -> {self.new_mode:04o}\n")
        if self.new_text != self.old_text:
            out.extend(
                difflib.unified_diff(
                    self.old_text.splitlines(keepends=True),
                    self.new_text.splitlines(keepends=True),
                    f"a/{self.display}",
                    f"b/{self.display}",
                )
            )
        return "".join(out)

    def apply(self) -> None:
        """Write the fix: the text atomically (keeping mode and owner; refused if the
        file changed since it was read), then the mode."""
        from ..errors import WriteError
        from ..syntax.source import encode
        from ..writer import write_atomic

        if self.new_text != self.old_text:
            write_atomic(self.path, encode(self.new_text), expect=self.old_text)
        if self.new_mode is not None and self.new_mode != self.old_mode:
            try:  # (another user's file, an immutable one, a read-only mount)
                os.chmod(self.path, self.new_mode)
            except OSError as exc:
                why = f"cannot change its mode: {exc.strerror or exc}"
                raise WriteError(why, path=self.path) from None


def _secret_file_mode(f: Finding, item: Loaded, fix: Fix) -> None:
    """HB006, IS104: a key file open to group or others becomes 0600 (owner only)."""
    if item.doc.mode is not None:
        fix.new_mode = 0o600


def _nbsp(f: Finding, item: Loaded, fix: Fix) -> None:
    """DR008: every no-break space drbdadm would refuse becomes a plain space."""
    offsets = set(drbd_doc(item).nbsp_offsets())
    fix.new_text = "".join(" " if i in offsets else c for i, c in enumerate(fix.new_text))


#: Renames that change what the value means (a callout program becomes a udev property,
#: a prioritizer program a built-in name): never made by --fix (`xencfg migrate` carries
#: them, with a report).
_NOT_A_PLAIN_RENAME = frozenset(
    {"getuid_callout", "default_getuid_callout", "prio_callout", "default_prio_callout"}
)


def _renamed_keyword(f: Finding, item: Loaded, fix: Fix) -> None:
    """XC004: every deprecated keyword of the file whose new spelling means the same,
    stays in the same section, and is read by the release in force, renamed in place."""
    from ..versions import schema_for

    schema = schema_for(item.file.format)
    doc = item.doc
    if schema is None or not isinstance(doc, KeywordUsing):
        return
    inforce = item.versions.of(schema.component, item.node or "")
    edits: list[tuple[int, str, str]] = []
    for ctx, key, node in doc.keyword_uses():
        kw = schema.keyword(ctx, key)
        if kw is None or kw.renamed_to is None or kw.vendor is not None:
            continue
        new = kw.renamed_to
        if key in _NOT_A_PLAIN_RENAME or " " in new or (kw.where and kw.where != ctx):
            continue
        if kw.retired is None or inforce.older_than(kw.retired):
            continue  # not deprecated for the release in force
        if kw.renamed_since is not None and not inforce.at_least(kw.renamed_since):
            continue  # the release in force may not read the new spelling yet
        pos = getattr(node, "pos", -1)
        if pos >= 0 and fix.new_text[pos : pos + len(key)] == key:
            edits.append((pos, key, new))
    text = fix.new_text
    for pos, key, new in sorted(edits, reverse=True):  # right to left: offsets stay true
        text = text[:pos] + new + text[pos + len(key) :]
    fix.new_text = text


GetFix = Callable[[Loaded], Fix]


def _drbd_ports(findings: list[Finding], cluster: Cluster, get_fix: GetFix) -> None:
    """DR001: each resource whose address is already taken moves, on all its hosts and in
    every node's copy of its file, to the next port no resource of any node uses. A
    resource whose addresses are not plain ``on`` sections (DRBD 9 connection paths,
    loopback proxy addresses) is left alone: its ports are not one decision."""
    from ..formats.drbd import DrbdDocument

    movers = sorted({m.group(1) for f in findings if (m := _RESOURCE.search(f.message))})
    docs = list(cluster.typed("drbd", DrbdDocument))
    used = {
        h.address.port
        for _, doc in docs
        for res in doc.resource_list()
        for h in res.host_list
        if h.address is not None and h.address.port is not None
    }
    if not used:
        return
    port = max(used)
    for name in movers:
        copies = [(i, r) for i, doc in docs for r in doc.resource_list() if r.name == name]
        if not copies or any(not _plain_addresses(r) for _, r in copies):
            continue
        port += 1
        for item, res in copies:
            for h in res.host_list:
                if h.address is not None and h.address.port is not None:
                    h.address.port = port
            get_fix(item).new_text = item.doc.dumps()


def _plain_addresses(res: Any) -> bool:
    hosts = [h for h in res.host_list if h.address is not None]
    return (
        bool(hosts)
        and not res.connections
        and all(h.kind == "on" and not h.address.ip.startswith("127.") for h in hosts)
        and all(h.address.ip != "::1" for h in hosts)
    )


_RESOURCE = re.compile(r"of resource '([^']+)'")


def _multipath_alias(findings: list[Finding], cluster: Cluster, get_fix: GetFix) -> None:
    """MP004: a WWID called by different aliases on the nodes gets, on every node, the one
    alias of them that the CIB and the domUs use (``/dev/mapper/ALIAS``), when exactly one
    is used and no node gives that alias to another WWID. Anything less clear (two used
    aliases, an alias naming two disks, a swap) is left for a human."""
    from ..formats.multipath import MultipathDocument

    users = {link.alias for link in cluster.model.chain if link.users and link.alias}
    used = _mapper_users(cluster) | users
    docs = list(cluster.typed("multipath", MultipathDocument))
    names: dict[str, set[str]] = {}
    owner: dict[str, set[str]] = {}
    for _, doc in docs:
        for m in doc.multipaths:
            if m.wwid and m.alias:
                names.setdefault(m.wwid, set()).add(m.alias)
                owner.setdefault(m.alias, set()).add(m.wwid)
    for wwid, aliases in sorted(names.items()):
        chosen = aliases & used
        if len(aliases) < 2 or len(chosen) != 1:
            continue
        alias = next(iter(chosen))
        if owner[alias] != {wwid}:
            continue  # that alias names another disk somewhere: not a rename
        for item, doc in docs:
            for m in doc.multipaths:
                if m.wwid == wwid and m.alias and m.alias != alias:
                    m.alias = alias
                    get_fix(item).new_text = doc.dumps()


def _mapper_users(cluster: Cluster) -> set[str]:
    """The aliases domU disks and CIB resource parameters name as ``/dev/mapper/ALIAS``."""
    out: set[str] = set()
    for fmt in ("xm", "xl"):
        for item in cluster.docs(fmt):
            for disk in domu_doc(item).disks:
                target = disk.target or ""
                if target.startswith("/dev/mapper/"):
                    out.add(target[len("/dev/mapper/") :])
    for item in cluster.docs("cib"):
        for prim in cib_doc(item).primitives:
            for value in prim.instance_attributes.values():
                if value and value.startswith("/dev/mapper/"):
                    out.add(value[len("/dev/mapper/") :].split("/", 1)[0])
    return out


def _cib_spelling(findings: list[Finding], cluster: Cluster, get_fix: GetFix) -> None:
    """CB010: in each CIB with mixed spellings, the option names its dialect would not
    read are renamed to the spelling it does: resource meta attributes to dashes in a
    Pacemaker 1.0 CIB (it ignores ``allow_migrate``) and to underscores in a heartbeat 2
    CIB (crm.dtd knows only ``target_role``, ``is_managed``, ...); crm_config options
    to dashes in a Pacemaker 1.0 CIB (heartbeat 2 reads both). Only ``name`` changes,
    never a name that already has a twin in its set."""
    from ..formats.cib.model import LEGACY_META
    from ..formats.cib.options import KNOWN
    from ..formats.cib.values import canon_name

    paths = {f.path for f in findings}
    for item in cluster.docs("cib"):
        if item.file.display not in paths:
            continue
        doc = cib_doc(item)
        pacemaker = doc.dialect == "pacemaker-1.0"
        renames: list[tuple[Any, str]] = []
        sets: list[tuple[frozenset[str], list[Any]]] = []
        if pacemaker:
            sets += [(KNOWN, list(doc.option_pairs()))]
        for res in doc.all_resources():
            sets += [(LEGACY_META, list(s.nvpairs)) for s in res.meta_sets]
        for known, pairs in sets:
            names = {p.name for p in pairs}
            for pair in pairs:
                canon = canon_name(pair.name)
                if canon not in known:
                    continue
                want = canon if pacemaker else canon.replace("-", "_")
                if (
                    pair.name != want
                    and want not in names
                    and pair.name
                    in (
                        canon,
                        canon.replace("-", "_"),
                    )
                ):
                    renames.append((pair, want))
        for pair, want in renames:
            pair.el.set("name", want)
        if renames:
            get_fix(item).new_text = doc.dumps()


#: The rules that can fix their findings: what the fix does (for the rule pages), and how.
FIXERS: dict[str, tuple[str, Callable[[Finding, Loaded, Fix], None]]] = {
    "HB006": ("chmod 600, keeping the owner", _secret_file_mode),
    "IS104": ("chmod 600, keeping the owner", _secret_file_mode),
    "DR008": ("each no-break space becomes a plain space; nothing else changes", _nbsp),
    "XC004": (
        "a deprecated drbd.conf or multipath.conf keyword whose new spelling means the same, "
        "stays in its section and is read by the release in force (declared, or what the "
        "files show) is renamed in place; callouts and moves are left to `xencfg migrate`",
        _renamed_keyword,
    ),
}

#: Fixes that need the whole cluster (both nodes' files change together), run once per
#: rule with all its findings, before the one-file fixes.
CLUSTER_FIXERS: dict[str, tuple[str, Callable[[list[Finding], Cluster, GetFix], None]]] = {
    "DR001": (
        "the resource that reuses an address moves to the next free port, on all its hosts "
        "and in every node's copy; then run `drbdadm adjust` on both nodes",
        _drbd_ports,
    ),
    "CB010": (
        "option names are renamed to the spelling the CIB's dialect reads: dashes for "
        "Pacemaker 1.0, underscores for heartbeat 2's resource options",
        _cib_spelling,
    ),
    "MP004": (
        "when exactly one of a WWID's aliases is the one the CIB and domUs use, and no node "
        "gives it to another WWID, every node gets that alias; a swap is left alone",
        _multipath_alias,
    ),
}


def describe(code: str) -> str | None:
    """What ``--fix`` does for rule ``code`` (for its documentation page), if anything."""
    entry = FIXERS.get(code) or CLUSTER_FIXERS.get(code)
    return entry[0] if entry else None


def _on_disk(item: Loaded) -> bool:
    """Whether the document is the file at its path as it is now: a supportconfig
    section (padded with the lines before it) or captured state names a place on the
    node, not the file it was read from, and is never written: not even when a file
    there has its text (a supportconfig folder given an ``etc -> /etc`` link had
    ``--fix`` rewrite the host's /etc/drbd.conf when its text was the section's)."""
    from ..errors import XencfgError
    from ..syntax.source import read_text

    if item.file.is_section or not os.path.isfile(item.file.path):
        return False
    try:
        return read_text(item.file.path) == item.doc.source
    except XencfgError:
        return False


def plan(findings: Iterable[Finding], cluster: Cluster) -> list[Fix]:
    """The fixes for ``findings`` that a rule knows how to make, one per file."""
    by_display = {item.file.display: item for item in cluster.loaded}
    fixes: dict[str, Fix] = {}
    findings = list(findings)

    def get_fix(item: Loaded) -> Fix:
        fix = fixes.get(item.file.display)
        if fix is None:
            text = item.doc.source
            fix = fixes[item.file.display] = Fix(
                str(item.file.path), item.file.display, text, text, item.doc.mode, item.doc.mode
            )
        return fix

    for code, (_, fixer) in CLUSTER_FIXERS.items():
        mine = [f for f in findings if f.code == code]
        if mine:
            before = {d: fx.new_text for d, fx in fixes.items()}
            fixer(mine, cluster, get_fix)
            for d, fx in fixes.items():
                if fx.new_text != before.get(d, fx.old_text) and code not in fx.codes:
                    fx.codes.append(code)
    model_edited = {d for d, fx in fixes.items() if fx.new_text != fx.old_text}
    tried: set[tuple[str, str]] = set()  # (file, code): each fixer runs once per file
    for f in findings:
        entry = FIXERS.get(f.code)
        item = by_display.get(f.path)
        if entry is None or item is None or not os.path.isfile(item.file.path):
            continue
        if f.path in model_edited and f.code in ("DR008", "XC004"):
            continue  # offsets of the old text: the next --fix run makes it
        if (f.path, f.code) in tried:
            continue
        tried.add((f.path, f.code))
        fix = get_fix(item)
        text_before, mode_before = fix.new_text, fix.new_mode
        entry[1](f, item, fix)
        # "fixed XC004" only when the fixer changed something: an XC004 whose new
        # spelling the release in force does not read yet is left, and said to be left
        changed = fix.new_text != text_before or fix.new_mode != mode_before
        if changed and f.code not in fix.codes:
            fix.codes.append(f.code)
    return [fx for fx in fixes.values() if fx.diff() and _on_disk(by_display[fx.display])]
