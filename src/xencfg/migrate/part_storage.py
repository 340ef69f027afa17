"""The storage parts (``xen``, ``drbd``, ``iscsi``, ``multipath``, ``iscsid``,
``evms``), for :func:`xencfg.migrate.plan`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import api
from ..discover import NodeTree, display_path, etc_file_text
from ..errors import XencfgError
from ..stack import Note
from ..syntax.source import encode
from .migration import Migration, Output, Reads, load_as, notes_of, read_once, unreadable


def plan_storage(
    m: Migration,
    tree: NodeTree,
    parts: tuple[str, ...],
    drbd_target: str,
    initiators: dict[str, tuple[str, str]] | None = None,
) -> set[str]:
    """One node's xm, xend, drbd, IET, multipath and iscsid files into ``m``; the parts
    that changed a file (``initiators``: the site's, by address, for LIO's ACLs)."""
    from ..migrations import Converted
    from ..migrations import drbd as mdrbd
    from ..migrations import iscsid as miscsid
    from ..migrations import lio as mlio
    from ..migrations import multipath as mmp
    from ..migrations import xen as mxen
    from ..migrations import xend as mxend

    changed: set[str] = set()
    allow = []
    ietd = None
    vncpasswd = _xend_vncpasswd(tree)
    xend_ran = any(f.format == "xend" for f in tree.files) and _toolstack(tree) != "xl"
    for f in tree.files:
        fmt = f.format or ""
        if fmt == "xl" and xend_ran and os.path.basename(f.path) != "xl.conf":
            # xend ran this node's domUs (keep_xl_conf says so too): a config that reads
            # as xl by its name (web.cfg) was xm's, and what xm read differently (a
            # bootloader under /usr/lib/xen-4.0, gone with that Xen) must be rewritten;
            # one xm cannot read is xl's already and stays as it is
            if load_as(f, "xm") is None:
                continue
            fmt = "xm"
        part = {
            "xm": "xen",
            "xend": "xen",
            "drbd": "drbd",
            "ietd": "iscsi",
            "multipath": "multipath",
            "iscsid": "iscsid",
        }.get(fmt)
        if fmt == "iet-allow" and "iscsi" in parts:
            doc = load_as(f, fmt)
            if doc is not None:
                allow.append(doc)
            else:  # (its targets would be written open to every initiator)
                unreadable(m, f, fmt, f"{tree.name}:{f.display}")
            continue
        if part is None or part not in parts:
            continue
        doc = load_as(f, fmt)
        if doc is None:
            # (an xm config or drbd.conf that does not parse was skipped without a line,
            # so the report looked complete while the file stayed as it was)
            unreadable(m, f, fmt, f"{tree.name}:{f.display}")
            continue
        rel = os.path.relpath(f.path, tree.root)
        where = f"{tree.name}:{f.display}"
        if fmt == "ietd":
            ietd = (doc, rel, where, f)
            continue
        source = doc.source
        gained: list[str] = []  # (an xm config's passwords as its xl text holds them)
        if fmt == "xm":
            result: Any = mxen.xm_to_xl(doc, vncpasswd)
            target, why = rel, "the domU config in xl syntax (xl.cfg(5))"
            # VNC/SPICE passwords, also those the conversion computed ('abc' + 'def',
            # 'vncpasswd=%s' % pw): the report quotes every evaluated expression
            gained = _xl_secrets(result.text)
            m.secrets.extend(doc.secrets())
            m.secrets.extend(gained)
        elif fmt == "xend":
            result = mxend.xend_to_xl_conf(doc)
            target = os.path.join(os.path.dirname(rel), "xl.conf")
            mine = Path(tree.root, target)
            old = etc_file_text(tree, mine) or ""
            result = keep_xl_conf(result, old, f"{tree.name}:{display_path(mine)}")
            why = "xl's own settings (xl.conf(5)) from xend-config.sxp"
        elif fmt == "multipath":
            result = mmp.multipath_to_current(doc)
            target, why = rel, "multipath.conf in the keywords of multipath-tools 0.9"
        elif fmt == "iscsid":
            result = miscsid.iscsid_to_current(doc)
            target, why = rel, "iscsid.conf in the keys of open-iscsi 2.1"
            m.secrets.extend(doc.secrets())
        else:
            # (shared-secret: the JSON report holds the new file's text; the stack part
            # collects it too, but --only drbd runs no stack part)
            m.secrets.extend(doc.secrets())
            convert = mdrbd.drbd_to_9 if drbd_target == "9" else mdrbd.drbd_to_84
            doc, spaces = mdrbd.plain_spaces(doc)
            before = api.loads(doc.source, "drbd", path=doc.path)
            result = convert(doc)
            result = Converted(result.text, tuple(spaces) + result.changes)
            fencing = mdrbd.pacemaker_fencing(doc, drbd_target)
            if fencing:
                result = Converted(doc.dumps(), result.changes + tuple(fencing))
            refused = mdrbd.still_refused(before, result.text)
            if refused:
                result = Converted(result.text, result.changes + tuple(refused))
            target, why = rel, f"DRBD {drbd_target} syntax"
        m.notes.extend(notes_of(result.changes, where, target, f.first_line - 1))
        if result.text != source:
            # a supportconfig section has no file here to take the mode of: private
            # when it holds a secret (a VNC password), as the node's own copy would be
            private = 0o600 if doc.secrets() else 0o644
            mode = f.path.stat().st_mode & 0o7777 if f.text is None else private
            if vncpasswd and gained and not doc.secrets():
                # xend's vncpasswd written into a guest's file that held no secret: that
                # copy is as private as xend-config.sxp's own should be, not world-readable
                mode &= 0o7700
            m.outputs.append(Output(tree.name, target, encode(result.text), mode, why))
            changed.add(part)
    if ietd is not None and ietd[3].text is not None and not allow:
        # a supportconfig logs ietd.conf but never IET's access lists: converted without
        # them, every target would be written open to any initiator (generate_node_acls)
        m.notes.append(
            Note(
                "manual",
                ietd[2],
                "etc/target/saveconfig.json",
                "not converted to LIO: read from a supportconfig, which does not log IET's "
                "access lists (initiators.allow, targets.allow)",
                "without them the targets would be written open to every initiator: "
                "migrate from the node's own /etc",
            )
        )
        ietd = None
    if ietd is not None:
        doc, rel, where, source = ietd
        conv = mlio.iet_to_lio(doc, allow, initiators)
        m.lio.append(conv)
        target = "etc/target/saveconfig.json"
        m.notes.extend(notes_of(conv.changes, where, target, source.first_line - 1))
        m.secrets.extend(doc.secrets())
        m.outputs.append(
            Output(tree.name, target, encode(conv.json()), 0o600, "LIO's targets (targetctl)")
        )
        m.outputs.append(
            Output(
                tree.name,
                "etc/target/ietd-to-lio.targetcli",
                encode(conv.script()),
                0o600,
                "the same as targetcli commands (targetcli < FILE)",
            )
        )
        changed.add("iscsi")
    return changed


def _xl_secrets(text: str) -> list[str]:
    """The passwords of a converted domU config (its values are plain xl values now)."""
    try:
        return list(api.loads(text, "xl").secrets())
    except XencfgError:
        return []


def plan_wwids(m: Migration, found: Any, reads: Reads | None = None) -> None:
    """What the LIO move's new WWIDs break in every node's multipath.conf and domUs."""
    from ..migrations import lio as mlio

    if not m.lio:
        return
    docs = []  # each node's multipath.conf and domU configs, read once
    for tree in found.nodes:
        mp = [read_once(reads, f, "multipath") for f in tree.files if f.format == "multipath"]
        domus = [read_once(reads, f, f.format) for f in tree.files if f.format in ("xm", "xl")]
        docs.append((tree.name, [d for d in mp if d], [d for d in domus if d]))
    seen: set[tuple[str, str, str]] = set()
    for conv in m.lio:
        for name, mp, domus in docs:
            for note in notes_of(mlio.wwid_impact(conv, mp, domus), name, "initiators' WWIDs"):
                # the boxes of an IET pair export one LUN under one ScsiId: each box's
                # conversion names the same multipath entry and the same new WWID
                key = (note.kind, note.source, note.what)
                if key not in seen:
                    seen.add(key)
                    m.notes.append(note)


def plan_evms(
    m: Migration, found: Any, cib_file: str | None = None, reads: Reads | None = None
) -> bool:
    """The EVMS -> LVM2 report of the whole cluster into ``m`` (``cib_file``: the CIB
    when it is not in a node tree): whether any node has an evms.conf or a file names
    an EVMS volume."""
    from ..migrations import evms as mevms

    groups: dict[str, list[tuple[str, Any]]] = {
        "evms": [],
        "cib": [],
        "domu": [],
        "lvm": [],
        "hacf": [],
    }
    kinds = {"evms": "evms", "cib": "cib", "xm": "domu", "xl": "domu", "lvm": "lvm", "hacf": "hacf"}
    for tree in found.nodes:
        for f in tree.files:
            group = kinds.get(f.format or "")
            if group is None or (group == "cib" and groups["cib"]):
                continue  # one CIB: it is the same on every node
            doc = read_once(reads, f, f.format or "")
            if doc is not None:
                groups[group].append((f"{tree.name}:{f.display}", doc))
    if cib_file is not None:
        from ..discover import display_path

        cib = load_as(Path(cib_file), "cib")
        if cib is not None:
            groups["cib"] = [(display_path(Path(cib_file)), cib)]
    report = mevms.evms_report(
        groups["evms"], groups["cib"], groups["domu"], groups["lvm"], groups["hacf"]
    )
    if not report.changes:
        return False
    m.notes.extend(notes_of(report.changes, "", "LVM2"))
    return True


_XL_SETTING = re.compile(r"^\s*([A-Za-z][\w.]*)\s*=\s*(.*?)\s*(?:#.*)?$")


def _xl_value(key: str, raw: str) -> str:
    """A setting's value as xl reads it (libxlu keeps every value as a string; xl.c
    parse_global_config takes autoballoon "1"/"on" and "0"/"off" alike)."""
    value = raw.strip().strip("\"'")
    return {"1": "on", "0": "off"}.get(value, value) if key == "autoballoon" else value


def keep_xl_conf(result: Any, old: str, where: str) -> Any:
    """The xl.conf made of xend-config.sxp with the settings of the node's own
    /etc/xen/xl.conf (Debian wheezy ships one beside xend): the xl.conf written replaces
    that file, so each of its settings is carried unless xend-config.sxp set the same
    key, where xend's (the toolstack that ran) is written and the old line is reported."""
    from ..migrations import Change, Converted

    new: dict[str, str] = {}
    for line in result.text.splitlines():
        found = _XL_SETTING.match(line)
        if found:
            new[found.group(1)] = found.group(2)
    kept: list[str] = []
    changes = list(result.changes)
    for no, line in enumerate(old.splitlines(), 1):
        found = _XL_SETTING.match(line)
        if not found or line.lstrip().startswith("#"):
            continue
        key, raw = found.groups()
        if key not in new:
            kept.append(line.strip())
            changes.append(Change(no, key, "info", "kept from the node's xl.conf", where))
        elif _xl_value(key, raw) != _xl_value(key, new[key]):
            changes.append(
                Change(
                    no,
                    key,
                    "action",
                    f"the node's xl.conf said {raw}, xend-config.sxp {new[key]}: xend's is "
                    "written (xend ran the domUs); keep the other if xl is to use it",
                    where,
                )
            )
    if not kept and len(changes) == len(result.changes):
        return result
    text = result.text + (
        "\n# kept from the node's own xl.conf\n" + "\n".join(kept) + "\n" if kept else ""
    )
    return Converted(text, tuple(changes))


def _toolstack(tree: NodeTree) -> str | None:
    """Debian's /etc/default/xen ``TOOLSTACK`` (xm or xl: which one its init script
    started the guests with, wheezy to jessie), or None."""
    path = tree.etc / "default" / "xen"
    try:
        doc = api.loads(path.read_text(errors="replace"), "shellvars")
    except (OSError, XencfgError):
        return None
    value = doc.get("TOOLSTACK")
    return value.strip("'\" ") if value else None


def _xend_vncpasswd(tree: NodeTree) -> str | None:
    """The node's xend-config.sxp ``vncpasswd`` (xend's password for each VNC console
    that names none), or None."""
    for f in tree.files:
        if f.format == "xend":
            doc = load_as(f, "xend")
            value = doc.typed("vncpasswd") if doc is not None else None
            if isinstance(value, str) and value:
                return value
    return None
