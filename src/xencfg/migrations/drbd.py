"""drbd.conf from DRBD 8.3 (and 8.0-8.2) syntax to DRBD 8.4, and from 8.4 to 9, as
edits of the lossless tree, with a report of every change.

DRBD 8.4 dissolved 8.3's ``syncer`` section (its options went to ``disk``,
``net`` and ``options``), spelled the negative flags ``no-disk-flushes`` as
``disk-flushes no`` and renamed the ``outdate-peer`` handler ``fence-peer``
(drbd.conf(5) of 8.4, "changes"; drbd-utils' drbdadm-84 parser normalises 8.3
input the same way, which tests/test_migrate_drbd.py checks file by file).
Everything else, comments and layout included, stays as it was. Where the
``syncer`` section can simply be renamed (its options all go to one section
that the resource does not have yet) it is renamed in place, so its comments
stay too.

DRBD 9 then moved ``fencing`` from ``disk`` to ``net``, dropped
``max-bio-bvecs``, ``use-bmbv`` and ``unplug-watermark`` (drbdadm 9.22 refuses
each of them: "Parse error: ... expected, but got 'fencing'"), and gives every
host a ``node-id``, which :func:`drbd_to_9` writes in the order of the ``on``
sections, as drbdadm numbers them when they are missing.
"""

from __future__ import annotations

from collections import Counter

import attrs

from ..formats.drbd import FLAGS_TO_84, SCHEMA, SYNCER_TO_84, DrbdDocument
from ..syntax.blocks import Block, Entry
from ..syntax.tree import Node
from . import Change, Converted, give_comments, take_comments


@attrs.define
class _Converter:
    doc: DrbdDocument
    changes: list[Change] = attrs.Factory(list)

    def note(self, node: Node, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(self.doc.position(node)[0], key, severity, message))

    def run(self) -> Converted:
        for block in _walk(self.doc.children):
            self.drbd07(block)
        for block in _walk(self.doc.children):
            self.syncer(block)
        for block in _walk(self.doc.children):
            self.spellings(block)
        return Converted(self.doc.dumps(), tuple(self.changes))

    def drbd07(self, parent: Block) -> None:
        """DRBD 0.7's ``incon-degr-cmd`` and ``on-disconnect``, which every drbdadm from
        8.0 on refuses ("Parse error: 'protocol | on | disk | net | syncer | startup |
        handlers | ...' expected, but got 'incon-degr-cmd'", "'an option keyword'
        expected, but got 'on-disconnect'": peer-drbdadm --mode 83, 84 and 9 alike).
        8.0 made the command the ``pri-on-incon-degr`` handler; it dropped
        on-disconnect, as DRBD 8 always tries to reconnect."""
        if parent.key in ("resource", "common"):
            for entry in list(parent.entries("incon-degr-cmd")):
                dest = parent.block("handlers")
                if dest is not None and dest.entry("pri-on-incon-degr") is not None:
                    # (drbdadm keeps both lines, and drbdsetup is handed both: one
                    # handler, the section's own, is what was meant since 8.0)
                    self.note(
                        entry,
                        "incon-degr-cmd",
                        "warning",
                        "DRBD 0.7's 'incon-degr-cmd' dropped: the handlers section "
                        "already sets its successor 'pri-on-incon-degr'",
                    )
                    give_comments(_neighbour(parent, entry), take_comments(entry))
                    parent.children.remove(entry)
                    continue
                self.note(
                    entry,
                    "incon-degr-cmd",
                    "warning",
                    "DRBD 0.7's 'incon-degr-cmd' is the handler 'pri-on-incon-degr' "
                    "(DRBD 8.0 and later)",
                )
                entry.key = "pri-on-incon-degr"
                at = parent.children.index(entry)
                parent.children.remove(entry)
                if dest is None:
                    dest = Block("handlers")
                    parent.children.insert(at, dest)
                    # (a new section is written afresh: the comments go above the next
                    # line that keeps its own text)
                    give_comments(_neighbour(parent, dest), take_comments(entry))
                dest.children.append(entry)
        if parent.key == "net":
            for entry in list(parent.entries("on-disconnect")):
                give_comments(_neighbour(parent, entry), take_comments(entry))
                parent.children.remove(entry)
                if entry.value == "reconnect":
                    self.note(
                        entry,
                        "on-disconnect",
                        "info",
                        "'on-disconnect reconnect' dropped: DRBD 8.0 and later always "
                        "reconnect (0.7's default)",
                    )
                    continue
                self.note(
                    entry,
                    "on-disconnect",
                    "action",
                    f"'on-disconnect {entry.value}' dropped: DRBD 8.0 and later always "
                    "reconnect; to freeze I/O while the peer is unreachable (freeze_io), "
                    "set 'fencing resource-and-stonith' with a fence-peer handler",
                )

    def syncer(self, parent: Block) -> None:
        """Dissolve each ``syncer`` section of ``parent`` into 8.4's sections."""
        for syncer in list(parent.blocks("syncer")):
            moves: list[tuple[Entry, str, str]] = []
            for child in syncer.children:
                if not isinstance(child, Entry):
                    continue
                target = SYNCER_TO_84.get(child.key)
                if target is None:
                    self.note(
                        child,
                        child.key,
                        "action",
                        f"'{child.key}' has no DRBD 8.4 equivalent and is dropped: "
                        "check drbd.conf(5) of 8.4 for its replacement",
                    )
                    continue
                moves.append((child, *target))
            home = self.home(parent, moves)
            if home is not None:
                syncer.key = home
                self.note(syncer, "syncer", "info", f"'syncer' section renamed '{home}'")
            for entry, section, key in moves:
                if section == home:
                    if entry.key != key:
                        self.note(entry, entry.key, "info", f"'{entry.key}' is '{key}' in 8.4")
                        entry.key = key
                    continue
                old = entry.key
                entry.key = key
                _move(entry, syncer, parent, section)
                self.note(entry, old, "info", f"'{old}' moved to {section} as '{key}'")
            if home is None:
                for entry in [c for c in syncer.children if isinstance(c, Entry)]:
                    syncer.children.remove(entry)  # options 8.4 lacks: reported above
                give_comments(_neighbour(parent, syncer), take_comments(syncer))
                parent.children.remove(syncer)
                self.note(syncer, "syncer", "info", "'syncer' section removed (DRBD 8.4 has none)")

    @staticmethod
    def home(parent: Block, moves: list[tuple[Entry, str, str]]) -> str | None:
        """The section the syncer block can become: where most of its options go,
        if ``parent`` has no such section yet."""
        counts = Counter(section for _, section, _ in moves)
        for section, _ in counts.most_common():
            if parent.block(section) is None:
                return section
        return None

    def spellings(self, block: Block) -> None:
        """8.3's negative flags and the outdate-peer handler, in 8.4's spelling."""
        for entry in block.entries():
            if block.key in ("disk", "net") and entry.key in FLAGS_TO_84:
                new = FLAGS_TO_84[entry.key]
                self.note(entry, entry.key, "info", f"'{entry.key}' is '{new} no' in 8.4")
                entry.key, entry.values = new, ["no"]
            elif block.key == "handlers" and (kw := SCHEMA.keyword("handlers", entry.key)):
                if kw.renamed_to is None:
                    continue
                # (the schema's one handler rename: outdate-peer, fence-peer from 8.3 on)
                self.note(entry, entry.key, "info", f"'{entry.key}' is '{kw.renamed_to}' in 8.4")
                entry.key = kw.renamed_to


def _move(entry: Entry, source: Block, parent: Block, section: str) -> None:
    """Move ``entry`` from ``source`` into ``parent``'s ``section`` (made if missing).

    Its comments go with it where the section spans lines; into a one-line or new
    section they go above the nearest section that keeps its own text instead.
    """
    dest = parent.block(section)
    source.children.remove(entry)
    if dest is None:
        dest = Block(section)
        parent.children.insert(parent.children.index(source) + 1, dest)
    if dest.cst is None or "\n" not in dest.source_text().strip():
        # above the section it joins, or above the one it left (which hands them on
        # if it goes too)
        give_comments(dest if dest.cst is not None else source, take_comments(entry))
    dest.children.append(entry)


def _neighbour(parent: Block, block: Node) -> Node:
    """The sibling after ``block`` (else before it) that keeps its own text, else
    ``parent`` itself."""
    siblings = [c for c in parent.children if c.cst is not None]
    i = siblings.index(block) if block in siblings else 0
    others = siblings[i + 1 :] + siblings[:i][::-1]
    return others[0] if others else parent


#: 8.4 options DRBD 9 does not read (drbdadm 9.22 refuses them), and why.
DROPPED_IN_9 = {
    "max-bio-bvecs": "DRBD 9 sizes its bios itself",
    "use-bmbv": "DRBD 9 sizes its bios itself",
    "unplug-watermark": "DRBD 9 has no unplug hint",
}


@attrs.define
class _Converter9(_Converter):
    def run(self) -> Converted:
        for block in _walk(self.doc.children):
            self.fencing(block)
            self.dropped(block)
        for res in self.doc.resource_list():
            # a stacked-on-top-of (or floating) section is a host of its resource like
            # an 'on' one: drbdadm 9.22 refuses a resource where one host has a node-id
            # and another not ("in resource r0-U, on alpha bravo { ... }: 'node-id'
            # keyword missing"), and numbers them itself only when none has one
            hosts = [h for h in res.host_list if h.kind in ("on", "stacked-on-top-of", "floating")]
            if all(h.node_id is None for h in hosts):
                for number, host in enumerate(hosts):
                    host.node_id = number
                    self.note(
                        host.block, "node-id", "info", f"host {host.name} is node-id {number}"
                    )
            elif any(h.node_id is None for h in hosts):
                self.note(
                    res.block,
                    "node-id",
                    "action",
                    f"resource {res.name}: some hosts have a node-id and some not; DRBD 9 "
                    "needs one on each (unique in the resource)",
                )
        return Converted(self.doc.dumps(), tuple(self.changes))

    def fencing(self, parent: Block) -> None:
        for disk in list(parent.blocks("disk")):
            for entry in list(disk.entries("fencing")):
                _move(entry, disk, parent, "net")
                self.note(entry, "fencing", "info", "'fencing' moved from disk to net (DRBD 9)")

    def dropped(self, block: Block) -> None:
        for entry in list(block.entries()):
            if block.key in ("disk", "net") and entry.key in DROPPED_IN_9:
                block.children.remove(entry)
                why = DROPPED_IN_9[entry.key]
                self.note(entry, entry.key, "warning", f"'{entry.key}' dropped: {why}")


def _walk(children: list[Node]) -> list[Block]:
    """Every block, parents before children."""
    out: list[Block] = []
    for c in children:
        if isinstance(c, Block):
            out.append(c)
            out.extend(_walk(c.children))
    return out


#: Pacemaker's fence-peer handler and the handler that lifts its constraint, per target
#: (drbd-utils' scripts/global_common.conf; drbd-utils 9.22 installs these in
#: /usr/lib/drbd and no drbd-peer-outdater: ``dpkg -L drbd-utils``)
CRM_FENCE_PEER = {
    "8.4": (
        "/usr/lib/drbd/crm-fence-peer.sh",
        "after-resync-target",
        "/usr/lib/drbd/crm-unfence-peer.sh",
    ),
    "9": (
        "/usr/lib/drbd/crm-fence-peer.9.sh",
        "unfence-peer",
        "/usr/lib/drbd/crm-unfence-peer.9.sh",
    ),
}


def pacemaker_fencing(doc: DrbdDocument, target: str) -> list[Change]:
    """Point a fence-peer handler that calls heartbeat's ``drbd-peer-outdater`` at
    Pacemaker's ``crm-fence-peer`` script (edits ``doc``; ``target``: "8.4" or "9").

    drbd-peer-outdater asks dopd, which heartbeat respawned (ha.cf ``respawn ...
    dopd``), to outdate the peer: with heartbeat gone the handler fails, and DRBD's
    resource fencing with it, without a word. crm-fence-peer places a constraint in
    the CIB instead; its unfence script removes it after the resync."""
    fence, unfence_key, unfence = CRM_FENCE_PEER[target]
    conv = _Converter(doc)
    for block in _walk(doc.children):
        if block.key != "handlers":
            continue
        if target == "9":
            _crm_scripts_for_9(block, conv)
        for entry in list(block.entries("fence-peer")):
            program = (entry.value or "").split()
            if not program or program[0].rsplit("/", 1)[-1] != "drbd-peer-outdater":
                continue
            conv.note(
                entry,
                "fence-peer",
                "warning",
                f"'{entry.value}' asks heartbeat's dopd, which no longer runs (and "
                f"drbd-utils 9 has no drbd-peer-outdater): the handler is now '{fence}', "
                "which fences through Pacemaker's CIB",
            )
            entry.values = [fence]
            now = block.entry(unfence_key)
            if now is None:
                block.set(unfence_key, unfence)
                conv.note(
                    entry,
                    unfence_key,
                    "info",
                    f"{unfence_key} '{unfence}' added: it removes crm-fence-peer's "
                    "constraint once the peer is in sync again",
                )
            elif now.value != unfence:
                conv.note(
                    now,
                    unfence_key,
                    "action",
                    f"{unfence_key} is '{now.value}': also run '{unfence}' there, or "
                    "crm-fence-peer's constraint stays after the resync",
                )
    return conv.changes


def _crm_scripts_for_9(block: Block, conv: _Converter) -> None:
    """Point DRBD 8.4's crm-fence-peer.sh / crm-unfence-peer.sh handlers in ``block`` at
    their DRBD 9 versions (``*.9.sh``), keeping their arguments.

    crm-fence-peer.sh reads the peer's disk state from the per-minor lines of /proc/drbd
    (drbd-utils scripts/crm-fence-peer.sh, set_states_from_proc_drbd: ``sed -nre "/^
    *$DRBD_MINOR: cs:/ ..." /proc/drbd``); DRBD 9's /proc/drbd prints the version only,
    so under DRBD 9 the script finds no state at all. crm-fence-peer.9.sh reads
    ``drbdsetup events2`` instead (set_states_from_proc_drbd_or_events2), and DRBD 9
    calls the unfence script as the ``unfence-peer`` handler (drbd-utils'
    scripts/global_common.conf), not ``after-resync-target``."""
    fence9, unfence_key9, unfence9 = CRM_FENCE_PEER["9"]
    for entry in list(block.entries("fence-peer")):
        program = (entry.value or "").split()
        if program and program[0].rsplit("/", 1)[-1] == "crm-fence-peer.sh":
            entry.values = [" ".join([fence9, *program[1:]])]
            conv.note(
                entry,
                "fence-peer",
                "warning",
                f"'{program[0]}' reads /proc/drbd, which DRBD 9 no longer fills: the "
                f"handler is now '{fence9}' (it reads drbdsetup events2)",
            )
    for entry in list(block.entries("after-resync-target")):
        program = (entry.value or "").split()
        if not program or program[0].rsplit("/", 1)[-1] != "crm-unfence-peer.sh":
            continue
        value = " ".join([unfence9, *program[1:]])
        if block.entry(unfence_key9) is None:
            block.set(unfence_key9, value)
        block.children.remove(entry)
        conv.note(
            entry,
            "after-resync-target",
            "warning",
            f"'after-resync-target {program[0]}' is 'unfence-peer {value}': DRBD 9 "
            "calls the unfence script as the unfence-peer handler, and the 8.4 script "
            "reads /proc/drbd, which DRBD 9 no longer fills",
        )


def plain_spaces(doc: DrbdDocument) -> tuple[DrbdDocument, list[Change]]:
    """``doc`` anew with each no-break space (U+00A0) that stands for white space made a
    plain space: drbdadm's scanner refuses it ("Parse error: ... but got '\\xc2'",
    lint's DR008), where a copy from a web page left it. Comments and strings keep theirs."""
    offsets = doc.nbsp_offsets()
    if not offsets:
        return doc, []
    from .. import api

    text = list(doc.source)
    lines: Counter[int] = Counter()
    for at in offsets:
        text[at] = " "
        lines[doc.source.count("\n", 0, at) + 1] += 1
    new = api.loads("".join(text), "drbd", path=doc.path)
    changes = [
        Change(
            line,
            None,
            "info",
            f"{n} no-break space(s) (U+00A0) made plain spaces: drbdadm refuses them",
        )
        for line, n in sorted(lines.items())
    ]
    return new, changes


def still_refused(before: DrbdDocument, after: str) -> list[Change]:
    """An action line (at its line in ``before``) for each keyword the converted text
    ``after`` still has out of place or unknown, which drbdadm refuses the whole file
    for ("Parse error: 'global | common | resource | skip | include' expected, but got
    'usage-count'": drbd-utils' 8.0pre3 sample, whose 'global {' is commented out but
    not its options): the conversion cannot know what was meant, so the report says the
    file stays refused instead of looking complete."""
    from .. import api

    refused = before.refused_keyword_kinds
    left = Counter(
        p.keyword
        for p in api.loads(after, "drbd", path=before.path).keyword_problems()
        if p.kind in refused
    )
    out = []
    for p in before.keyword_problems():
        if p.kind not in refused or not left[p.keyword]:
            continue
        left[p.keyword] -= 1
        where = f"drbdadm reads it only in: {p.detail}" if p.kind == "misplaced" else "unknown"
        out.append(
            Change(
                before.position(p.node)[0],
                p.keyword,
                "action",
                f"drbdadm refuses the file for '{p.keyword}' here ({where}): left as it is; "
                "fix it by hand",
            )
        )
    return out


def drbd_to_84(doc: DrbdDocument) -> Converted:
    """The DRBD 8.4 spelling of an 8.0-8.3 drbd.conf (8.4 input comes back unchanged)."""
    doc.dumps()  # a light document takes its tokens now, before the edits
    return _Converter(doc).run()


def drbd_to_9(doc: DrbdDocument) -> Converted:
    """The DRBD 9 spelling of an 8.x drbd.conf: :func:`drbd_to_84`, then 9's changes."""
    first = drbd_to_84(doc)
    second = _Converter9(doc).run()
    return Converted(second.text, first.changes + second.changes)
