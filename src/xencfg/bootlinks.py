"""What a node's init system starts at boot: its runlevel links and systemd wants
below /etc, or what a sosreport or supportconfig captured of them (read here, not
in the rules: HB018 and XN019 ask :func:`boot_links` / :func:`started_at_boot`)."""

from __future__ import annotations

import re

from .discover import NodeRoot

#: Where init systems enable services, below a node's /etc: SysV runlevel links
#: (Red Hat's rc.d/rcN.d, SUSE's init.d/rcN.d, Debian's rcN.d) and systemd's wants.
BOOT_DIRS = (
    *(f"rc.d/rc{n}.d" for n in "2345"),
    *(f"init.d/rc{n}.d" for n in "2345"),
    *(f"rc{n}.d" for n in "2345"),
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
)

#: A ``chkconfig --list`` line (``httpd  0:off 1:off 2:on 3:on 4:on 5:on 6:off``).
_CHKCONFIG = re.compile(r"(\S+)\s+((?:[0-6]:(?:on|off)\s*){7})")
#: A ``systemctl list-unit-files`` line (``httpd.service  enabled``).
_UNIT_FILE = re.compile(r"(\S+)\.service\s+enabled\b")


def boot_links(tree: NodeRoot) -> dict[str, str] | None:
    """The services the node's init system starts at boot, each with what says so:
    ``S??NAME`` in a runlevel folder of 2 to 5 below /etc, ``NAME.service`` in
    multi-user.target.wants, or the ``chkconfig --list`` (on in a runlevel of 2 to 5)
    or ``systemctl list-unit-files`` (enabled) a sosreport or supportconfig captured.
    ``None`` when the tree holds none of these: then nothing is known of what is
    enabled. A runlevel
    folder that is a symlink (RHEL's /etc/rc3.d -> rc.d/rc3.d) is read where it
    points, never followed (an absolute one would read this machine's /etc)."""
    found: dict[str, str] | None = None
    for folder in BOOT_DIRS:
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
            if service:
                found.setdefault(service, f"/etc/{folder}/{name}")
    captured = _captured(tree)
    if captured is None:
        return found
    return {**captured, **(found or {})}


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


def started_at_boot(tree: NodeRoot, name: str) -> bool | None:
    """Whether the init system starts ``name`` at boot (``None``: not known)."""
    links = boot_links(tree)
    return None if links is None else name in links
