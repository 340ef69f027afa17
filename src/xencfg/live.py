"""Live state: what runs on a node, beside what its files configure.

Three places give it, all read as extra documents of the node (formats
``proc-drbd``, ``drbd-status``, ``multipath-ll``, ``iscsi-session``,
``crm-mon-xml``, ``cib-live``, ``xl-list``, ``ip-addr``, ``uname``, ``iet-proc``,
``iscsi-node``, ``cman-nodes``, ``booth-list``):

* our own layout, ``var/lib/xencfg/state/<name>.txt`` below a node root,
  written by ``xencfg capture -o DIR`` (:func:`capture` / :func:`write`);
  a command that refused is kept as ``<name>.refused.txt`` (its messages
  and exit status), reported by ``lint -v`` and never read as state;
* a **sosreport**: ``sos_commands/<plugin>/<command>`` files next to
  ``etc/`` and ``proc/drbd``;
* a SUSE **supportconfig**: ``ha.txt``, ``drbd.txt``, ``mpio.txt``,
  ``fs-iscsi.txt``, ``network.txt``, ``xen.txt``, ``basic-environment.txt``
  made of ``#==[ Command ]==#`` and ``#==[ Configuration File ]==#``
  sections; each section becomes a document of its own (its configuration
  files too), numbered by the lines of the whole file, so findings point
  into the file the admin has.

:func:`capture` runs read-only commands only, each with a time limit, in
its own process group (killed on time-out), with no standard input and the
C locale; a tool that is not installed is skipped.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ._lazy import lazy_re

if TYPE_CHECKING:
    from .cluster import Cluster
    from .discover import Discovery

#: Our own layout, below a node root.
STATE_DIR = "var/lib/xencfg/state"
#: Default time limit of one command, seconds.
TIMEOUT = 10.0


@attrs.frozen
class Command:
    """A read-only command whose output is live state: the name of its file in our
    layout, the argument lists to try in turn (the first one that succeeds counts),
    and the format of its output (``None``: kept for the record, not read)."""

    name: str
    argvs: tuple[tuple[str, ...], ...]
    format: str | None
    #: run only when this path exists: drbdadm and drbdsetup ``modprobe drbd`` when the
    #: module is not loaded, which is a change to the machine, not a reading of it.
    requires: str | None = None
    #: an exit status that means "nothing there", not a refusal (iscsiadm's 21,
    #: ISCSI_ERR_NO_OBJS_FOUND: "No active sessions.").
    empty_status: int | None = None
    #: what the command says, exiting non-zero, when there is nothing there: state too
    #: (drbdsetup status: "No currently configured DRBD found.", no resource is up).
    empty_text: str | None = None
    #: for ``cat FILE``: a missing file is state too, kept as cat's message (no
    #: /proc/drbd: the drbd module is not loaded, no configured resource runs).
    keep_missing: bool = False


#: What ``xencfg capture`` runs; every one of them only reads.
COMMANDS: tuple[Command, ...] = (
    Command("proc_drbd", (("cat", "/proc/drbd"),), "proc-drbd", keep_missing=True),
    Command(
        "drbdadm_status",
        (("drbdadm", "status"),),
        "drbd-status",
        "/proc/drbd",
        empty_text="No currently configured DRBD found.",
    ),
    Command(
        "drbdsetup_status_json",
        (("drbdsetup", "status", "--json"),),
        "drbd-status",
        "/proc/drbd",
    ),
    Command("drbdadm_dump_xml", (("drbdadm", "dump-xml"),), None),
    Command("multipath_ll", (("multipath", "-ll"),), "multipath-ll"),
    Command(
        "iscsiadm_session",
        (("iscsiadm", "-m", "session", "-P", "3"),),
        "iscsi-session",
        empty_status=21,
    ),
    # the node records (flat: no CHAP password written to the capture)
    Command(
        "iscsiadm_node",
        (("iscsiadm", "-m", "node"),),
        "iscsi-node",
        empty_status=21,
    ),
    Command(
        "crm_mon_xml",
        (
            ("crm_mon", "-1", "--output-as=xml"),
            ("crm_mon", "-1", "--as-xml"),
            # heartbeat 2.x and Pacemaker 1.0 print no XML on standard output (1.0's
            # --as-xml names a file to write): their text, read into the same model
            ("crm_mon", "-1", "-r"),
        ),
        "crm-mon-xml",
    ),
    Command("cibadmin_q", (("cibadmin", "-Q"),), "cib-live"),
    Command("xl_list", (("xl", "list"),), "xl-list"),
    Command("xm_list", (("xm", "list"),), "xl-list"),
    # libvirt's view of the same hypervisor, read-only connection (-r); --all shows the
    # defined guests that do not run (ID "-"), which are no running domain
    Command("virsh_list", (("virsh", "-r", "list", "--all"),), "xl-list"),
    Command("ip_addr", (("ip", "-o", "addr"),), "ip-addr"),
    # IET's kernel module: the targets and LUNs it exports, the initiators logged in
    # (no module, no files: an initiator node, or a box where ietd is not running)
    Command("iet_volume", (("cat", "/proc/net/iet/volume"),), "iet-proc"),
    Command("iet_session", (("cat", "/proc/net/iet/session"),), "iet-proc"),
    # the installed packages, the releases of the cluster's components (read by
    # xencfg.installed, not a document: dpkg-query where dpkg is, else rpm)
    Command(
        "packages",
        (("dpkg-query", "-W", "-f=${Status}\\t${Package}\\t${Version}\\n"), ("rpm", "-qa")),
        None,
    ),
    # the DRBD module modprobe would load, and its release (read by drbd_module.py, as
    # a sosreport's modinfo: drbd-utils 9 runs drbdadm-84 for an 8.4 module). modinfo
    # reads the .ko file and loads nothing; no module: "ERROR: Module drbd not found."
    Command("modinfo_drbd", (("modinfo", "drbd"),), None),
    # cman's membership (RHEL 5/6 clusters; no cman, nothing run)
    Command("cman_tool_nodes", (("cman_tool", "nodes"),), "cman-nodes"),
    # a geo cluster's tickets as the local boothd has them (a site or the arbitrator; no
    # boothd: "connect" refused, kept in the refusals)
    Command("booth_list", (("booth", "list"),), "booth-list"),
    Command("uname_n", (("uname", "-n"),), "uname"),
    Command("hostname_f", (("hostname", "-f"),), None),
)

_BY_NAME = {c.name: c for c in COMMANDS}


@attrs.define
class Captured:
    """One command's result: ``ok`` (``text`` is its output), ``refused`` (``text`` is
    what it said and its exit status), ``timeout`` or ``absent`` (not installed)."""

    command: Command
    status: str
    text: str = ""
    argv: tuple[str, ...] = ()


def _run(argv: tuple[str, ...], timeout: float) -> tuple[int | None, str, str]:
    """``(exit status or None on time-out, stdout, stderr)``."""
    # (imported here: discovery imports this module, a lint without --live runs nothing)
    import signal
    import subprocess

    env = dict(os.environ, LC_ALL="C", LANG="C")
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        proc.communicate()
        return None, "", ""
    dec = lambda b: b.decode("utf-8", "surrogateescape")  # noqa: E731
    return proc.returncode, dec(out), dec(err)


def run_one(cmd: Command, timeout: float = TIMEOUT) -> Captured:
    """Run one command (``cat FILE`` is read directly, with the same outcome)."""
    import shutil

    last = Captured(cmd, "absent")
    if cmd.requires is not None and not os.path.exists(cmd.requires):
        return Captured(cmd, "absent", f"{cmd.requires} does not exist\n")
    for argv in cmd.argvs:
        if argv[0] == "cat":
            try:
                text = Path(argv[1]).read_text(encoding="utf-8", errors="surrogateescape")
            except FileNotFoundError:
                if cmd.keep_missing:
                    said = f"cat: {argv[1]}: No such file or directory\n"
                    return Captured(cmd, "ok", said, argv)
                continue
            except OSError as exc:
                last = Captured(cmd, "refused", f"{argv[1]}: {exc.strerror}\n", argv)
                continue
            return Captured(cmd, "ok", text, argv)
        exe = shutil.which(argv[0]) or shutil.which(argv[0], path="/usr/sbin:/sbin")
        if exe is None:
            continue
        try:
            rc, out, err = _run((exe, *argv[1:]), timeout)
        except OSError as exc:
            last = Captured(cmd, "refused", f"cannot run: {exc.strerror}\n", argv)
            continue
        if rc is None:
            last = Captured(cmd, "timeout", f"no answer within {timeout:g} s\n", argv)
            continue
        if rc == 0 and out.strip():
            return Captured(cmd, "ok", out, argv)
        if rc is not None and rc == cmd.empty_status:
            return Captured(cmd, "ok", out + err, argv)
        if cmd.empty_text is not None and cmd.empty_text in out + err:
            return Captured(cmd, "ok", out + err, argv)
        said = (err or out).rstrip("\n")
        last = Captured(cmd, "refused", f"{said}\n(exit status {rc})\n".lstrip("\n"), argv)
    return last


def capture(timeout: float = TIMEOUT, only: tuple[str, ...] = ()) -> list[Captured]:
    """Run every command of :data:`COMMANDS` (or the ``only`` ones) on this machine."""
    return [run_one(c, timeout) for c in COMMANDS if not only or c.name in only]


def prepare(out: Path) -> Path:
    """Check and make ``out/var/lib/xencfg/state/``, the one folder :func:`write` writes
    in, and return it: a symlink in the way (planted, or another user's link for
    ``out``) is refused (OSError, WriteError), never followed. ``xencfg capture`` calls
    it before it runs any command, so an unsafe output folder costs no command run."""
    from .writer import write_target

    here = out
    write_target(str(out))  # (a link to another folder: only the writer's or root's own)
    out.mkdir(parents=True, exist_ok=True)
    for part in Path(STATE_DIR).parts:
        here = here / part
        if here.is_symlink():
            raise OSError(f"{here}: is a symbolic link; not writing through it")
        if not here.is_dir():
            here.mkdir()
    return out / STATE_DIR


def write(results: list[Captured], out: Path) -> list[Path]:
    """Write the results under ``out/var/lib/xencfg/state/`` (and nowhere else): the
    output of each command that answered, the messages of each that refused. A
    symlink in the way is refused, never followed (:func:`prepare`, checked again:
    the folder may have changed while the commands ran)."""
    folder = prepare(out)
    written = []
    for r in results:
        if r.status == "absent":
            continue
        name = f"{r.command.name}.txt" if r.status == "ok" else f"{r.command.name}.refused.txt"
        for old in (f"{r.command.name}.txt", f"{r.command.name}.refused.txt"):
            stale = folder / old
            if stale.is_symlink() or stale.is_file():
                stale.unlink()
        target = folder / name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(r.text)
        written.append(target)
    return written


# -- reading captured state from a node root ------------------------------------------


@attrs.define
class StateFile:
    """A document of live state found in a node root. ``text`` is given for a section
    of a larger file, which starts at line ``first_line`` of that file (reports give
    the file's line numbers: lint adds ``first_line - 1``)."""

    path: Path
    display: str
    format: str | None
    text: str | None = None
    #: the file on disk the section is cut from (``path`` may name the file's place
    #: on the node instead, which does not exist in the tree).
    container: Path | None = None
    #: The line of the container ``text`` starts at.
    first_line: int = 1


#: sosreport: ``sos_commands/<plugin>/<mangled command>`` -> format.
SOS_COMMANDS: tuple[tuple[str, str], ...] = (
    ("drbd/drbdadm_status*", "drbd-status"),
    ("drbd/drbdsetup_status*", "drbd-status"),
    ("drbd/drbd-overview*", "drbd-status"),
    ("multipath/multipath_-ll", "multipath-ll"),
    ("iscsi/iscsiadm_-m_session*", "iscsi-session"),
    # sos 3/4's iscsi plugin: ``iscsiadm -m node -P 1`` and ``-m node --op=show``
    ("iscsi/iscsiadm_-m_node*", "iscsi-node"),
    ("pacemaker/crm_mon*xml*", "crm-mon-xml"),
    ("pacemaker/crm_mon*-X*", "crm-mon-xml"),
    ("pacemaker/cibadmin_-Q*", "cib-live"),
    ("xen/xl_list", "xl-list"),
    ("xen/xm_list", "xl-list"),
    # sos 3/4's virsh plugin (``virsh -r list --all``), sos 2's libvirt plugin
    ("virsh/virsh*_list*", "xl-list"),
    ("libvirt/virsh*_list*", "xl-list"),
    ("networking/ip_-o_addr*", "ip-addr"),
    ("networking/ip_addr*", "ip-addr"),
    ("networking/ip_-d_address", "ip-addr"),
    ("networking/ip_address", "ip-addr"),
    # cman's membership: sos 1.7's ``cman_tool -af nodes``, sos 1.9-3.x's ``cman_tool
    # nodes`` and ``cman_tool -a nodes`` (cluster.py)
    ("cluster/cman_tool_*nodes", "cman-nodes"),
    # sos's booth plugin (booth.py, 2026): ``booth list``, ``booth peers``, ``booth status``
    ("booth/booth_list", "booth-list"),
    ("host/hostname", "uname"),
    ("general/hostname", "uname"),
    ("kernel/uname_-a", "uname"),
)

#: sosreport outputs read only when :data:`SOS_COMMANDS` found none of their format:
#: ``multipath -v4 -ll`` (its topology after the debug lines) beside ``multipath -ll``
#: in sos 3/4 (plugins/multipath.py), the only one in sos 1.x/2.x's devicemapper
#: plugin (RHEL 5 and 6); reading both would report every map twice.
#: ``crm_mon -1 -A -n -r -t`` (text, sos 3/4's pacemaker plugin) when no crm_mon XML,
#: then ``pcs status --full`` or ``crm status`` (the same text) when neither.
SOS_FALLBACKS: tuple[tuple[str, str], ...] = (
    ("multipath/multipath_-v?_-ll", "multipath-ll"),
    ("devicemapper/multipath_-v?_-ll", "multipath-ll"),
    ("pacemaker/crm_mon_-1*", "crm-mon-xml"),
    # ``pcs status --full`` and crmsh's ``crm status``: crm_mon's text inside (pcs adds
    # "Cluster name:", "PCSD Status:" and "Daemon Status:" lines, kept unread)
    ("pacemaker/pcs_status*", "crm-mon-xml"),
    ("pacemaker/crm_status*", "crm-mon-xml"),
    ("crm/crm_status*", "crm-mon-xml"),
)

#: supportconfig's files that hold the sections we read. The last five hold only
#: configuration files xencfg reads (supportconfig's ``ocfs2_info``: /etc/ocfs2/cluster.conf
#: and /etc/sysconfig/o2cb; ``lvm_info``: /etc/lvm/lvm.conf; ``evms_info``: /etc/evms.conf;
#: ``modules.txt``: /etc/modprobe.conf, /etc/modprobe.d/*; ``sysconfig_info``: every file
#: of /etc/sysconfig). A file logged in two of them (o2cb: ocfs2.txt and sysconfig.txt)
#: is read from the first.
SUPPORTCONFIG_FILES = (
    "basic-environment.txt",
    "network.txt",
    "ha.txt",
    "drbd.txt",
    "mpio.txt",
    "fs-iscsi.txt",
    "xen.txt",
    "ocfs2.txt",
    "lvm.txt",
    "evms.txt",
    "modules.txt",
    "sysconfig.txt",
)

#: A supportconfig command (its ``# /path/cmd args`` line) -> format.
SUPPORTCONFIG_COMMANDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (lazy_re(r"^(\S*/)?cat /proc/drbd$"), "proc-drbd"),
    (lazy_re(r"^(\S*/)?(drbdadm|drbdsetup) status\b"), "drbd-status"),
    (lazy_re(r"^(\S*/)?drbd-overview\s*$"), "drbd-status"),
    # check_service's ``/etc/init.d/drbd status`` (supportutils 2.25 and 3.0, SLES 10/11
    # and 12 without systemd): drbd.txt's only DRBD state before supportutils 3.1's
    # drbd-overview, drbdadm status and cat /proc/drbd (2019). DRBD 8.2+'s script prints
    # drbd-overview's rows; 0.7's and 8.0's (up to 8.0.6: scripts/drbd ``status``) print
    # ``cat $PROC_DRBD`` after the same first line, read as /proc/drbd
    (lazy_re(r"^/etc/init\.d/drbd status\s*$"), "drbd-status"),
    (lazy_re(r"^(\S*/)?multipath (-v\s*\d\s+)?-ll\b"), "multipath-ll"),
    (lazy_re(r"^(\S*/)?iscsiadm -m session\b"), "iscsi-session"),
    (lazy_re(r"^(\S*/)?iscsiadm -m node\b"), "iscsi-node"),
    (lazy_re(r"^(\S*/)?crm_mon\b.*(--as-xml|-X\b|--output-as[= ]xml)"), "crm-mon-xml"),
    # the text of ``crm_mon -r -1`` (ha_info; not ``-n`` or ``-A``, the same state again)
    (lazy_re(r"^(\S*/)?crm_mon (-r -1|-1 -r|-1|-1r|-r1)\s*$"), "crm-mon-xml"),
    (lazy_re(r"^(\S*/)?cibadmin (-Q|--query)\s*$"), "cib-live"),
    (lazy_re(r"^(\S*/)?(xl|xm) list\s*$"), "xl-list"),
    (lazy_re(r"^(\S*/)?virsh( -r)? list( --all)?\s*$"), "xl-list"),
    (lazy_re(r"^(\S*/)?ip (-o )?(-\d )?addr(ess)?( show)?\s*$"), "ip-addr"),
    (lazy_re(r"^(\S*/)?(uname -[an]|hostname)\s*$"), "uname"),
    (lazy_re(r"^(\S*/)?cat /proc/net/iet/(volume|session)\s*$"), "iet-proc"),
)

#: Files of /proc a capture may hold, by their path on the node: sosreport copies
#: /proc/drbd; supportconfig's fs-iscsi.txt logs IET's two files as configuration
#: sections (``conf_files $OF /etc/ietd.conf /proc/net/iet/volume
#: /proc/net/iet/session``).
PROC_FILES: dict[str, str] = {
    "/proc/drbd": "proc-drbd",
    "/proc/net/iet/volume": "iet-proc",
    "/proc/net/iet/session": "iet-proc",
}

#: a device line of /proc/drbd (``" 0: cs:Connected ..."``), which no drbd-status form has
_PROC_DRBD_ROW = lazy_re(r"^[ \t]*\d{1,10}: cs:\S", re.M)

_SECTION = lazy_re(r"^#==\[ (?P<kind>[^\]]+?) \]=*#\s*$")


#: How sosreport (``sosreport-HOST-....tar.xz``, older ``.tar.bz2``) and supportconfig
#: (``scc_HOST_DATE.txz``, older ``nts_HOST_DATE.tbz``) deliver their trees.
ARCHIVES = (".tar", ".tar.xz", ".txz", ".tar.bz2", ".tbz", ".tbz2", ".tar.gz", ".tgz")


def layout_hint(path: str) -> str | None:
    """What to say of a file given to lint that is a whole capture or part of one: an
    archive (xencfg reads a sosreport or supportconfig unpacked, never unpacks
    anything itself), or one file of a supportconfig (its sections are read with the
    folder, which names the node)."""
    if path.lower().endswith(ARCHIVES):
        return (
            f"an archive: unpack it (tar xf {path}) and lint the folder it makes "
            "(a sosreport or supportconfig is read unpacked)"
        )
    if _has_sections(Path(path)):
        return "a file of a supportconfig: lint its folder (the node whose state it is)"
    return None


def _has_sections(path: Path) -> bool:
    """Whether a file starts like supportconfig's (``#==[ Kind ]===#`` banners)."""
    from .errors import XencfgError
    from .syntax.source import read_text

    # no final link, a regular file only: a FIFO, or a link to /proc/kmsg, named like a
    # supportconfig file must not hang discovery
    try:
        head = read_text(path, limit=4096, follow=False, head=True)
    except XencfgError:
        return False
    return _SECTION_HEAD.search(head) is not None


_SECTION_HEAD = lazy_re(r"^#==\[ [A-Z][^\]]*\]=+#\s*$", re.M)


def is_state_root(path: Path) -> bool:
    """A node root by its captured state alone: our layout, a sosreport or a
    supportconfig (which has no ``etc/``; one that lost supportconfig.txt and
    basic-environment.txt by a file of it with supportconfig's banners)."""
    return (
        (path / STATE_DIR).is_dir() or (path / "sos_commands").is_dir() or _is_supportconfig(path)
    )


def sections(text: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, header, first content line, last content line)`` of each supportconfig
    section (1-based lines; ``header`` is the ``# ...`` line after the banner)."""
    lines = text.split("\n")
    starts = [(i, m["kind"]) for i, ln in enumerate(lines) if (m := _SECTION.match(ln))]
    for k, (i, kind) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        header = lines[i + 1] if i + 1 < end else ""
        if not header.startswith("#"):
            continue
        yield kind, header[1:].strip(), i + 3, end


def _section_text(lines: list[str], first: int, last: int) -> str:
    """The text of lines ``first`` to ``last`` (1-based), trailing blank lines cut. It is
    not padded to the file's line numbers (each section would then cost the size of
    everything before it: quadratic over a file of many sections); lint shifts its
    lines by :attr:`StateFile.first_line` instead."""
    body = lines[first - 1 : last]
    while body and not body[-1].strip():
        body.pop()
    text = "\n".join(body) + ("\n" if body else "")
    # an XML declaration must start the text: blank it, keeping the columns
    from .formats._xmlstream import blank_declaration

    return blank_declaration(text, after_blanks=True)


def _config_format(path: str) -> tuple[bool, str | None]:
    """Whether an absolute path is a file discovery reads, and its format."""
    from .discover import ETC_FILES, ROOT_FILES, XEN_SKIP_DIRS, XEN_SKIP_FILES

    if path.startswith("/etc/xen/") and not any(
        fnmatchcase(path.rsplit("/", 1)[1], p) for p in XEN_SKIP_FILES
    ):
        parts = path[len("/etc/xen/") :].split("/")
        if not set(parts[:-1]) & XEN_SKIP_DIRS:
            return True, None  # a domU config: xm or xl, by its content
    if path.startswith("/etc/"):
        rel, table = path[len("/etc/") :], ETC_FILES
    else:
        rel, table = path.lstrip("/"), ROOT_FILES
    for pattern, fmt in table:
        if fnmatchcase(rel, pattern):
            return True, fmt
    return False, None


def supportconfig_files(root: Path, display: str) -> Iterator[StateFile]:
    """The sections of a supportconfig tree that are live state or configuration."""
    from . import formats
    from .syntax.source import read_text

    configured: set[str] = set()  # configuration files read already (from an earlier file)
    for name in SUPPORTCONFIG_FILES:
        path = root / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            text = read_text(path, limit=64 * 1024 * 1024)
        except Exception:
            continue
        lines = text.split("\n")
        seen: dict[str, int] = {}
        earlier = set(configured)
        for kind, header, first, last in sections(text):
            fmt: str | None = None
            label = header
            if kind == "Command":
                fmt = next((f for rx, f in SUPPORTCONFIG_COMMANDS if rx.search(header)), None)
            elif kind.startswith("Configuration File"):
                # normalised: a "/etc/drbd.d/../../tmp/x.res" header named a file outside
                # the tree (where --fix would have written the section) and matched
                # drbd.d/*.res, as fnmatch's * crosses "/"
                label = posixpath.normpath("/" + header.split(" - ", 1)[0].strip().lstrip("/"))
                known, fmt = (
                    (True, PROC_FILES[label]) if label in PROC_FILES else _config_format(label)
                )
                if not known or label in earlier:
                    continue
                configured.add(label)
            if fmt is None and kind == "Command":
                continue
            body = _section_text(lines, first, last)
            if not body.strip() or "File not found" in header:
                continue
            if fmt is None:
                fmt = formats.detect(label, body.strip())
                if fmt is None:
                    continue
            if fmt == "drbd-status" and _PROC_DRBD_ROW.search(body):
                fmt = "proc-drbd"  # the init script's ``cat $PROC_DRBD`` (see the table)
            slug = re.sub(r"[^\w.-]+", "_", label).strip("_")
            # the same command logged twice is two documents: each its own name (one
            # name would give both the text of the last, and lose the first)
            seen[slug] = seen.get(slug, 0) + 1
            if seen[slug] > 1:
                slug = f"{slug}~{seen[slug]}"
            # a configuration file is named by the path it has on the node (rules
            # compare such paths: a CIB's xmfile); nothing is ever read or written there
            where = root / label.lstrip("/") if kind != "Command" else path
            yield StateFile(where, f"{display}/{name}#{slug}", fmt, body, path, first)


def _inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (a symlink followed) stays inside the node root: sosreport links
    its top-level files into sos_commands/, but a link out of the tree is not read."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop (Python < 3.13: RuntimeError)
        return False


def state_files(
    root: Path, display: str, outside: list[StateFile] | None = None
) -> Iterator[StateFile]:
    """Every captured output below a node root, in any of the three layouts; those
    that are links out of the root are not read, and go to ``outside`` (reported)."""
    for f in _state_files(root, display):
        if _inside(root, f.container or f.path):
            yield f
        elif outside is not None:
            outside.append(f)


def _state_files(root: Path, display: str) -> Iterator[StateFile]:
    state = root / STATE_DIR
    if state.is_dir() and not state.is_symlink():
        for p in sorted(state.iterdir()):
            if p.name.endswith(".txt") and not p.name.endswith(".refused.txt"):
                cmd = _BY_NAME.get(p.name[: -len(".txt")])
                if cmd is not None and cmd.format is not None:
                    yield StateFile(p, f"{display}/{STATE_DIR}/{p.name}", cmd.format)
    sos = root / "sos_commands"
    if sos.is_dir() and not sos.is_symlink():
        got: set[str] = set()
        for pattern, fmt in SOS_COMMANDS:
            for f in _sos_outputs(sos, pattern, fmt, display):
                got.add(fmt)
                yield f
        for pattern, fmt in SOS_FALLBACKS:
            if fmt not in got:
                for f in _sos_outputs(sos, pattern, fmt, display):
                    got.add(fmt)
                    yield f
        yield from _crm_report_cib(sos, display, got)
        if "iscsi-node" not in got:
            yield from _record_files(root, display)
        for where, fmt in PROC_FILES.items():
            copied = root / where.lstrip("/")
            if copied.is_file():
                yield StateFile(copied, f"{display}{where}", fmt)
    yield from supportconfig_files(root, display)


def _sos_outputs(sos: Path, pattern: str, fmt: str, display: str) -> Iterator[StateFile]:
    """The files of ``sos_commands/`` that one ``plugin/glob`` pattern names."""
    plugin, _, glob = pattern.partition("/")
    folder = sos / plugin
    if not folder.is_dir() or folder.is_symlink():
        return
    for p in sorted(folder.iterdir()):
        if fnmatchcase(p.name, glob) and not p.name.endswith("-l"):
            yield StateFile(p, f"{display}/sos_commands/{plugin}/{p.name}", fmt)


#: Where open-iscsi keeps its node records (idbm.c NODE_CONFIG_DIR: Red Hat's
#: /var/lib/iscsi, Debian's and SUSE's /etc/iscsi), one file per record, written as
#: ``iscsiadm -m node -o show`` prints it: ``nodes/IQN/ADDRESS,PORT,TPGT/IFACE``
#: (``nodes/IQN/ADDRESS,PORT`` a file itself before open-iscsi 2.0-870).
NODE_RECORD_DIRS = ("var/lib/iscsi/nodes", "etc/iscsi/nodes")


def _record_files(root: Path, display: str) -> Iterator[StateFile]:
    """The node records a sosreport copied (every sos's iscsi plugin copies
    /var/lib/iscsi), read when it has no ``iscsiadm -m node`` output: sos 1.x/2.x
    (RHEL 5/6) ran none, so the record files are the only view of them."""
    for where in NODE_RECORD_DIRS:
        for target in _subdirs(root / where):
            for portal in _entries(target):
                inside = [portal] if portal.is_file() else _entries(portal)
                for f in inside:
                    if f.is_file() and not f.is_symlink():
                        shown = f"{display}/{f.relative_to(root).as_posix()}"
                        yield StateFile(f, shown, "iscsi-node")


def _entries(folder: Path) -> list[Path]:
    """The entries of a folder that is no symlink, sorted (none when it cannot be listed)."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _subdirs(folder: Path) -> list[Path]:
    return [p for p in _entries(folder) if p.is_dir() and not p.is_symlink()]


def _crm_report_cib(sos: Path, display: str, got: set[str]) -> Iterator[StateFile]:
    """What ``crm_report -S`` (single node) leaves in a sosreport: sos 3.5 and later's
    pacemaker plugin runs it (``--sos-mode``) into ``pacemaker/crm_report``, sos 3.2 to
    3.4's cluster plugin (``crm_report -S -d --dest``, RHEL 6 and 7.0-7.3) into
    ``cluster/crm_report``. One folder, the node's own, holding ``cib.xml``:
    ``cibadmin -Ql``'s output when the cluster ran (a ``RUNNING`` file beside it), else
    a copy of the CIB on disk (crm_report's getconfig: dumpstate, touch RUNNING /
    STOPPED); and ``crm_mon.txt``, ``crm_mon -1``'s text (report.collector: ``crm_mon
    -1 2>&1 | grep -v '^Last upd' > $target/$CRM_MON_F``), read when the cluster ran
    and the report has no crm_mon of its own (sos 3.2 to 3.4 ran none). With more than
    one node's folder, none is read: which is this node's is not known here."""
    for plugin in ("pacemaker", "cluster"):
        report = sos / plugin / "crm_report"
        if not report.is_dir() or report.is_symlink():
            continue
        try:
            found = [
                d for d in sorted(report.iterdir()) if d.is_dir() and (d / "cib.xml").is_file()
            ]
        except OSError:
            return
        if len(found) != 1 or found[0].is_symlink():
            return
        folder = found[0]
        running = (folder / "RUNNING").exists()
        where = f"{display}/sos_commands/{plugin}/crm_report/{folder.name}"
        yield StateFile(folder / "cib.xml", f"{where}/cib.xml", "cib-live" if running else "cib")
        mon = folder / "crm_mon.txt"
        if running and "crm-mon-xml" not in got and mon.is_file() and not mon.is_symlink():
            yield StateFile(mon, f"{where}/crm_mon.txt", "crm-mon-xml")
        return


def refusals(root: Path) -> list[tuple[Path, str]]:
    """Our layout's refused commands and the first line of what they said."""
    from .errors import XencfgError
    from .syntax.source import read_text

    state = root / STATE_DIR
    out = []
    if state.is_dir() and not state.is_symlink():
        for p in sorted(state.glob("*.refused.txt")):
            try:  # no link followed, no FIFO read, no huge file loaded: a message
                said = read_text(p, limit=1024 * 1024, follow=False)
                first = said.strip().split("\n")[0]
            except XencfgError:
                first = "?"
            out.append((p, first))
    return out


def captured_name(files: list[StateFile]) -> str | None:
    """The node's name from a captured ``uname``/``hostname`` (for trees with no
    etc/hostname: a supportconfig, a capture folder)."""
    from .formats.status import uname

    for f in files:
        if f.format != "uname":
            continue
        try:
            text = read_state(f)  # (the safe opener: a FIFO named uname_-a must not hang)
            if text is None:
                continue
            name = uname.parse(text).name
        except Exception:
            continue
        if name:
            return name.split(".")[0]
    return None


_SUPPORTCONFIG_FOLDER = lazy_re(r"(?:scc|nts)_(?P<host>[^_/]+(?:_[^_/]+)*?)_\d{6}_\d{4}")


def folder_host(root: Path) -> str | None:
    """The host a supportconfig folder is named after (``scc_HOST_YYMMDD_HHMM``, before
    SLES 12 ``nts_HOST_YYMMDD_HHMM``), for one whose captures do not name it."""
    m = _SUPPORTCONFIG_FOLDER.fullmatch(root.name)
    return m["host"].split(".")[0] if m and _is_supportconfig(root) else None


def _is_supportconfig(root: Path) -> bool:
    if (root / "supportconfig.txt").is_file() or (root / "basic-environment.txt").is_file():
        return True
    return any((root / n).is_file() and _has_sections(root / n) for n in SUPPORTCONFIG_FILES)


def attach(found: Discovery, results: list[Captured]) -> None:
    """Add what :func:`capture` got on this machine to the node rooted at ``/`` (created
    when the run has none), as documents named ``live:<command>``; refusals go to the
    skipped list (``lint -v``)."""
    from .discover import NodeTree, Skipped, SourceFile

    node = next((n for n in found.nodes if n.root.resolve() == Path("/")), None)
    if node is None:
        name = next(
            (
                r.text.split()[0].split(".")[0]
                for r in results
                if r.command.name == "uname_n" and r.status == "ok" and r.text.split()
            ),
            "localhost",
        )
        node = NodeTree(name, Path("/"), Path("/etc"))
        found.nodes.append(node)
    for r in results:
        display = f"live:{r.command.name}"
        if r.status == "ok" and not plausible(r.command.format, r.text):
            if r.command.format is not None:
                found.skipped.append(Skipped(display, "not the output of its command"))
            continue
        if r.status == "ok" and r.command.format is not None:
            found.texts[display] = r.text
            shown = SourceFile(Path(display), display, r.command.format, node.name, tree=node.tree)
            node.files.append(shown)
        elif r.status in ("refused", "timeout"):
            first = r.text.strip().split("\n")[0]
            found.skipped.append(Skipped(display, f"the command {r.status}: {first}"))


def summary(cluster: Cluster) -> dict[str, dict[str, dict[str, dict[str, object]]]]:
    """Live state per node where it was captured, for the JSON report: each configured
    DRBD resource's role, connection and disk states (``connection`` is ``"not
    running"`` when the capture lacks it; from /proc/drbd, ``drbdadm status``,
    ``drbdsetup status --json`` or drbd-overview), each running multipath map's paths,
    each domain the hypervisor lists (``xl list``, ``xl list -l``'s JSON, ``xm list``,
    ``virsh list``; not Domain-0), each iSCSI session the node's initiator has and each
    node record it keeps (``iscsiadm -m session`` / ``-m node``), and, on an IET
    target box, each target its kernel module exports (``/proc/net/iet``), and each
    booth ticket with the site that leads it (``booth list``)."""
    from .formats.status.multipath_ll import MultipathLlDocument
    from .rules.live import configured_drbd, live_drbd

    out: dict[str, dict[str, dict[str, dict[str, object]]]] = {}
    for r in configured_drbd(cluster):
        states = live_drbd(cluster, r)
        if states is None:
            continue
        s = states[0] if states else None
        out.setdefault(r.node, {}).setdefault("drbd", {})[r.name] = {
            "role": s.role if s else None,
            "connection": s.conn if s else "not running",
            "disk": s.disk if s else None,
            "peer_disk": s.peer_disk if s else None,
        }
    for item, ll in cluster.typed("multipath-ll", MultipathLlDocument):
        for mp in ll.maps:
            out.setdefault(item.node or "", {}).setdefault("multipath", {})[mp.alias] = {
                "wwid": mp.wwid,
                "paths": len(mp.paths),
                "working": sum(1 for p in mp.paths if p.ok),
            }
    _summary_hosts(cluster, out)
    return out


def _summary_hosts(
    cluster: Cluster, out: dict[str, dict[str, dict[str, dict[str, object]]]]
) -> None:
    """:func:`summary`'s domains, iSCSI sessions and records, IET targets and booth
    tickets."""
    from .formats.status.booth_list import BoothListDocument
    from .formats.status.iet_proc import IetProcDocument
    from .formats.status.iscsi_node import IscsiNodeDocument
    from .formats.status.iscsi_session import IscsiSessionDocument
    from .formats.status.xl_list import XlListDocument

    def at(node: str | None, kind: str) -> dict[str, dict[str, object]]:
        return out.setdefault(node or "", {}).setdefault(kind, {})

    for item, xl in cluster.typed("xl-list", XlListDocument):
        for d in xl.domains:
            if not d.is_dom0:
                at(item.node, "domains")[d.name] = {
                    "id": d.id,
                    "state": d.state,
                    "memory": d.memory,
                    "vcpus": d.vcpus,
                    "running": d.id is not None,
                }
    for item, sessions in cluster.typed("iscsi-session", IscsiSessionDocument):
        for s in sessions.sessions:
            at(item.node, "iscsi")[s.target] = {
                "portal": s.portal,
                "logged_in": s.logged_in,
                "state": s.session_state or s.connection_state,
            }
    for item, nodes in cluster.typed("iscsi-node", IscsiNodeDocument):
        for r in nodes.records:
            portal = f"{r.address}:{r.port}" if r.port is not None else r.address
            at(item.node, "iscsi_records")[f"{r.target} {portal}"] = {
                "target": r.target,
                "portal": portal,
                "startup": r.startup,
            }
    for item, iet in cluster.typed("iet-proc", IetProcDocument):
        for t in iet.targets:
            entry = at(item.node, "targets").setdefault(t.name, {"tid": t.tid})
            if t.volumes:
                entry["luns"] = {str(v.lun): v.path for v in t.volumes}
            if t.sessions:
                entry["initiators"] = sorted({s.initiator for s in t.sessions})
    for item, booth in cluster.typed("booth-list", BoothListDocument):
        for tk in booth.tickets:
            at(item.node, "tickets")[tk.name] = {
                "leader": tk.leader,
                "expires": tk.expires,
                "sites": booth.multiple.get(tk.name),
            }


def plausible(fmt: str | None, text: str) -> bool:
    """Whether captured ``text`` looks like the output of its command (the format's
    sniffer says yes, or it has none). A sosreport or supportconfig keeps what a
    command printed when it failed ("Connection to cluster failed"); that is no
    state, and no syntax error either."""
    from . import formats

    if fmt is None or fmt not in formats.FORMATS:
        return False
    fn = getattr(formats.module(fmt), "sniff", None)
    return bool(text.strip()) and (fn is None or bool(fn(text)))


def read_state(f: StateFile) -> str | None:
    """The text of a captured output (``None``: unreadable or too big to be one)."""
    if f.text is not None:
        return f.text
    from .syntax.source import read_text

    try:
        return read_text(f.path, limit=4 * 1024 * 1024)
    except Exception:
        return None
