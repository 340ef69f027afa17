"""What a node's init system starts at boot: its runlevel links, OpenRC runlevels and
systemd wants below /etc, or what a sosreport or supportconfig captured of them (read here, not
in the rules: HB018, XN019 and LV004 ask :func:`run_links` / :func:`started_at_boot`,
once per node tree and run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .discover import NodeRoot

if TYPE_CHECKING:
    from .cluster import Cluster

#: OpenRC's runlevels a boot runs (Gentoo, Alpine): ``rc-update add NAME LEVEL`` links
#: /etc/runlevels/LEVEL/NAME to /etc/init.d/NAME (OpenRC man/rc-update.8); sysinit and
#: boot run first and "are automatically included in all other runlevels", default is
#: the one a boot ends in (OpenRC's guide.md, "Runlevels"). ``rc-update -s add STACKED
#: LEVEL`` links LEVEL/STACKED to ../STACKED, a runlevel whose services LEVEL runs too
#: (librc.c ``rc_runlevel_stack``, ``rc_runlevel_stacks``).
OPENRC_DIRS = ("runlevels/sysinit", "runlevels/boot", "runlevels/default")

#: Where init systems enable services, below a node's /etc: SysV runlevel links
#: (Red Hat's rc.d/rcN.d, SUSE's init.d/rcN.d, Debian's rcN.d), OpenRC's runlevels
#: and systemd's wants.
BOOT_DIRS = (
    *(f"rc.d/rc{n}.d" for n in "2345"),
    *(f"init.d/rc{n}.d" for n in "2345"),
    *(f"rc{n}.d" for n in "2345"),
    *OPENRC_DIRS,
    "systemd/system/multi-user.target.wants",
)

#: A SysV start link (``S20drbd``: start ``drbd``, 20th); ``K`` links stop.
_START = re.compile(r"S\d+(.+)")


#: What a sosreport or supportconfig captured of the init system's settings, below
#: its root, with the command of the supportconfig section to read (``None``: the whole
#: file): sos's services plugin (RedHatServices: ``chkconfig --list``; sos 1.x: the
#: startup plugin) and systemd plugin (``systemctl list-unit-files``); supportconfig's
#: ``chkconfig_info`` (``log_cmd chkconfig.txt 'chkconfig --list'``). Debian's
#: sosreports copy /etc/rc*.d itself (DebianServices ``add_copy_spec("/etc/rc*.d")``).
CAPTURED: tuple[tuple[str, str | None], ...] = (
    ("sos_commands/services/chkconfig_--list", None),
    ("sos_commands/startup/chkconfig_--list", None),
    ("sos_commands/systemd/systemctl_list-unit-files", None),
    ("chkconfig.txt", "chkconfig --list"),
    # supportconfig's systemd_info (openSUSE/supportutils bin/supportconfig, 3.2.14 line
    # 1115: ``log_cmd $OF 'systemctl --no-pager list-unit-files'``, OF=systemd.txt)
    ("systemd.txt", "systemctl --no-pager list-unit-files"),
)

#: A ``chkconfig --list`` line (``httpd  0:off 1:off 2:on 3:on 4:on 5:on 6:off``).
_CHKCONFIG = re.compile(r"(\S+)\s+((?:[0-6]:(?:on|off)\s*){7})")
#: A ``systemctl list-unit-files`` line (``httpd.service  enabled``).
_UNIT_FILE = re.compile(r"(\S+)\.service\s+enabled\b")


def boot_links(tree: NodeRoot) -> dict[str, str] | None:
    """The services the node's init system starts at boot, each with what says so:
    ``S??NAME`` in a runlevel folder of 2 to 5 below /etc, ``NAME`` in OpenRC's
    runlevels/sysinit, boot or default (or a runlevel stacked on them),
    ``NAME.service`` in
    multi-user.target.wants, an upstart job of /etc/init that starts on an event and
    is not ``manual``, or the ``chkconfig --list`` (on in a runlevel of 2 to 5) or
    ``systemctl list-unit-files`` (enabled) a sosreport or supportconfig captured.
    ``None`` when the tree holds none of these: then nothing is known of what is
    enabled. A runlevel
    folder that is a symlink (RHEL's /etc/rc3.d -> rc.d/rc3.d) is read where it
    points, never followed (an absolute one would read this machine's /etc)."""
    found: dict[str, str] | None = None
    folders, openrc = list(BOOT_DIRS), set(OPENRC_DIRS)
    for folder in folders:  # (grows by the OpenRC runlevels stacked on those read)
        path = tree.etc / folder
        try:
            if path.is_symlink() or not path.is_dir():
                continue
            names = sorted(e.name for e in path.iterdir())
        except OSError:
            continue
        found = {} if found is None else found
        for name in names:
            start = _START.fullmatch(name)
            service = start.group(1) if start else None
            if folder.startswith("systemd/") and name.endswith(".service"):
                service = name.removesuffix(".service")
            elif folder in openrc:
                stacked = f"runlevels/{name}"
                if (tree.etc / stacked).is_dir() and not (tree.etc / stacked).is_symlink():
                    if stacked not in openrc:  # (a loop of stacks is read once)
                        openrc.add(stacked)
                        folders.append(stacked)
                    continue
                service = name
            if service:
                found.setdefault(service, f"/etc/{folder}/{name}")
    jobs = _upstart(tree)
    if jobs is not None:
        found = {**jobs, **(found or {})}
    captured = _captured(tree)
    if captured is None:
        return found
    return {**captured, **(found or {})}


def _upstart(tree: NodeRoot) -> dict[str, str] | None:
    """The upstart jobs of /etc/init that start at boot (Ubuntu 10.04 to 14.04, RHEL 6),
    each with its file: a ``NAME.conf`` with a ``start on`` stanza and no ``manual``
    stanza in it or in ``NAME.override``, whose stanzas win (init(5) of upstart 1.12.1,
    Ubuntu 14.04: "manual ... ignore the start on / stop on stanzas", the way to
    disable a job by an override file). ``None`` without /etc/init."""
    folder = tree.etc / "init"
    try:
        if folder.is_symlink() or not folder.is_dir():
            return None
        names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".conf"))
    except OSError:
        return None
    found: dict[str, str] = {}
    for conf in names:
        job = conf.removesuffix(".conf")
        stanzas = _stanzas(folder / conf) | _stanzas(folder / f"{job}.override")
        if "start" in stanzas and "manual" not in stanzas:
            found[job] = f"/etc/init/{conf}"
    return found


def _stanzas(path: Path) -> set[str]:
    """The first words of an upstart job file's lines (``start`` of ``start on``,
    ``manual``), comments left out; empty when the file cannot be read."""
    from .errors import XencfgError
    from .syntax.source import read_text

    try:
        text = read_text(path, limit=1 << 20, follow=False)
    except XencfgError:  # (absent, unreadable, not a regular file)
        return set()
    words = (line.split("#", 1)[0].split() for line in text.splitlines())
    return {w[0] for w in words if w and (w[0] != "start" or w[1:2] == ["on"])}


def _captured(tree: NodeRoot) -> dict[str, str] | None:
    """The services a sosreport's or supportconfig's captured output shows enabled,
    each with the file and the words that say so; ``None`` when the tree holds no
    such output."""
    from .errors import XencfgError
    from .syntax.source import read_text

    found: dict[str, str] | None = None
    for rel, command in CAPTURED if tree.slash is not None else ():
        try:
            text = read_text(tree.root / rel, limit=1 << 22, follow=False)
        except XencfgError:  # (absent, unreadable, not a regular file)
            continue
        lines = text.splitlines()
        if command is not None:
            from .live import sections

            lines = [
                line
                for kind, header, first, last in sections(text)
                if kind == "Command" and header.endswith(command)
                for line in lines[first - 1 : last]
            ]
            if not lines:
                continue
        found = {} if found is None else found
        for line in lines:
            sysv = _CHKCONFIG.fullmatch(line.strip())
            if sysv and any(f"{n}:on" in sysv.group(2) for n in "2345"):
                found.setdefault(sysv.group(1), f"{rel}: {' '.join(sysv.group(2).split())}")
            unit = _UNIT_FILE.match(line.strip())
            if unit:
                found.setdefault(unit.group(1), f"{rel}: enabled")
    return found


def run_links(cluster: Cluster, tree: NodeRoot) -> dict[str, str] | None:
    """:func:`boot_links` of ``tree``, read once per run: three or four rules ask each
    node's tree, and each reading lists a dozen folders."""
    memo: dict[NodeRoot, dict[str, str] | None] = cluster.fact("boot-links", dict)
    if tree not in memo:
        memo[tree] = boot_links(tree)
    return memo[tree]


def started_at_boot(cluster: Cluster, tree: NodeRoot, name: str) -> bool | None:
    """Whether the init system starts ``name`` at boot (``None``: not known)."""
    links = run_links(cluster, tree)
    return None if links is None else name in links
