"""From the paths given to ``xencfg lint`` to the files of each cluster node.

A path is one of:

* a **node root**: a directory holding ``etc/`` (and maybe ``var/``);
* a node's **/etc** (also an etckeeper checkout, whose root *is* /etc);
* a **cluster folder**: a directory whose sub-directories are node roots;
  other files in it (CIB fragments kept beside the nodes) are read by content;
* a **single file**.

Files are found by the paths the daemons read them from, and by content
where the name says nothing (domU configs under xen/, CIB fragments). We
never open FIFOs, sockets or devices, never follow a directory symlink (no
loops), and read a symlinked file once.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

import attrs

from . import formats, live
from ._lazy import lazy_re
from .errors import XencfgError
from .syntax.source import OutsideRoot, read_text, resolve_in_root

#: Where the daemons read their files, relative to /etc, with the format (None: by
#: content). Derived from the format specs (``etc_files``), as is the next table.
ETC_FILES: tuple[tuple[str, str | None], ...] = formats.discovery_paths("etc")

#: Files below the node root (not /etc): the specs' ``root_files``.
ROOT_FILES: tuple[tuple[str, str | None], ...] = formats.discovery_paths("root")

#: Storage configuration xencfg knows of and does not read: listed as skipped (``-v``,
#: JSON ``skipped``) so a clean report never passes for a check of it. (LIO's
#: saveconfig.json is read now: format ``lio-saveconfig``.)
NOT_CHECKED: tuple[tuple[str, str], ...] = ()

#: Under /etc/xen, these are not domU configs. (``auto/`` is read: xendomains starts
#: what it holds; its usual symlinks to ``vm/`` are read once, as the same file.)
XEN_SKIP_DIRS = frozenset({"scripts", "examples"})
XEN_SKIP_FILES = (
    ".*",
    "*.swp",
    "*.sxp",
    "README*",
    "*.sh",
    "*~",
    "*.bak",
    "*.orig",
    "*.rpmnew",
    "*.rpmsave",
    "*.dpkg-*",
    "xl.conf",
    "cpupool",
    "xend-*",
    "*.pem",
    "*.key",
)


def files_regex() -> str:
    """A regex for every path discovery reads (pre-commit's ``files:``; paths relative
    to the repository root, which is / in a node tree or /etc in etckeeper's).

    /etc files match at the repository's top (etckeeper) or below a folder named
    ``etc``, never anywhere: an Ansible ``roles/xen/tasks/main.yml`` or an inventory
    named ``hosts`` is not cluster configuration."""
    import re

    def glob_re(pattern: str) -> str:
        return re.escape(pattern).replace(r"\*", "[^/]*")

    etc = sorted({glob_re(p) for p, _ in ETC_FILES})
    # any file two levels below a folder of the specs' etc_dirs (xen/), but its scripts
    etc += [re.escape(d) + r"/(?!scripts/)[^/]+(/[^/]+)?" for d in formats.etc_dirs()]
    root = sorted({glob_re(p) for p, _ in ROOT_FILES})
    return r"(^|(^|/)etc/)(" + "|".join(etc) + r")$|(^|/)(" + "|".join(root) + r")$"


def with_files_regex(text: str) -> str:
    """``text`` (.pre-commit-hooks.yaml, docs/integration.md) with each ``files: '...'``
    set to :func:`files_regex` (``xencfg formats --write-hooks .`` writes it back)."""
    return re.sub(r"(files: ')[^']*(')", lambda m: m[1] + files_regex() + m[2], text)


#: Files larger than this are skipped with a finding rather than read.
MAX_SIZE = 16 * 1024 * 1024


@attrs.frozen
class BootName:
    """The host name a node's boot scripts give the kernel (its ``uname -n``, which
    heartbeat, drbdadm, o2cb and the CRM look themselves up by), and where it is
    written: ``file`` below the node's ``/`` (``etc/hostname``), ``path`` on this
    machine, ``line`` of the name in it."""

    name: str
    file: str
    path: Path
    line: int = 1

    @property
    def short(self) -> str:
        return self.name.split(".")[0]


@attrs.frozen
class NodeRoot:
    """Where a node's files are on this machine, found once by discovery and carried
    by each of its files (:attr:`SourceFile.tree`), so no rule works it out again from
    a path: the node's ``/`` (``root``) and its /etc (``etc``; the same folder for an
    etckeeper checkout, which holds only /etc); and the host name its boot files set
    (:func:`boot_hostname`; ``None`` when no file says)."""

    root: Path
    etc: Path
    uname: BootName | None = None

    @property
    def slash(self) -> Path | None:
        """The node's ``/`` on this machine, or ``None`` for a tree that is only an /etc."""
        return None if self.root == self.etc else self.root


@attrs.define
class SourceFile:
    """One file to read: its path on disk, how reports name it, its format and node."""

    path: Path
    display: str
    format: str | None
    node: str | None = None
    #: Why the file is not read (a symlink that leaves the node root); lint reports it.
    refused: str | None = None
    #: The node tree the file was found in (a loose file below a folder named ``etc``:
    #: that folder's tree); ``None`` for a file that belongs to no tree.
    tree: NodeRoot | None = attrs.field(default=None, eq=False, repr=False)
    #: The line of the file on disk the text starts at: a supportconfig section's text
    #: is read alone (``Discovery.texts``), and its lines are reported as the file's.
    first_line: int = 1
    #: A section's text (the same as ``Discovery.texts[display]``): what reads a node's
    #: files without the discovery at hand (``xencfg migrate``) has it with the file.
    text: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def is_section(self) -> bool:
        """A section of a supportconfig file (its text starts after the banner and the
        ``# PATH`` line): ``path`` is where the file is on the node, not on this
        machine, and the files beside it there are only what supportconfig logged."""
        return self.first_line != 1


@attrs.define
class Skipped:
    """A path discovery looked at and did not read, and why (reported by ``-v``)."""

    path: str
    reason: str


@attrs.define
class NodeTree:
    """A cluster node: its name, where its /etc is, and the files found there."""

    name: str
    root: Path
    etc: Path
    files: list[SourceFile] = attrs.Factory(list)
    #: Where the node's files are and its boot host name, as its files carry it.
    tree: NodeRoot | None = attrs.field(default=None, eq=False, repr=False)


@attrs.define
class Discovery:
    nodes: list[NodeTree] = attrs.Factory(list)
    #: Files that belong to no node (single files, CIB fragments beside the nodes).
    loose: list[SourceFile] = attrs.Factory(list)
    skipped: list[Skipped] = attrs.Factory(list)
    missing: list[str] = attrs.Factory(list)
    #: Text of files that are not whole files on disk (supportconfig sections,
    #: ``lint --live`` captures), by display path.
    texts: dict[str, str] = attrs.Factory(dict)

    def files(self) -> Iterator[SourceFile]:
        for n in self.nodes:
            yield from n.files
        yield from self.loose


def display_path(path: Path) -> str:
    """Relative to the working directory where that is shorter, as linters print paths."""
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive (Windows)
        return full
    return rel if len(rel) <= len(full) else full


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def is_node_root(path: Path) -> bool:
    """A folder holding a node's ``etc/``, only its CIB (``var/lib/...``), or captured
    live state (a sosreport, a supportconfig, ``xencfg capture``'s layout)."""
    if (path / "etc").is_dir() and not (path / "etc").is_symlink():
        return True
    if live.is_state_root(path):
        return True
    return any(_is_regular(path / pattern) for pattern, _ in ROOT_FILES)


def looks_like_etc(path: Path) -> bool:
    """An /etc: named so, or holding a file we know by its usual path."""
    if path.name == "etc":
        return True
    for pattern, _ in ETC_FILES:
        if "*" not in pattern and (path / pattern).is_file() and "/" in pattern:
            return True
    return any((path / name).is_file() for name in ("drbd.conf", "multipath.conf", "ha.d/ha.cf"))


def in_root(path: Path, root: Path, etc: Path) -> Path:
    """``path`` (below ``root``) with its symlinks resolved as the node sees them.

    A tree that is only an /etc (``root == etc``, an etckeeper checkout) stands
    for the node's /etc. Raises :class:`OutsideRoot` for a link that leaves the tree.
    """
    if root == etc and etc.name != "etc":
        return resolve_in_root(etc, str(path.relative_to(etc)), slash="/etc")
    found = resolve_in_root(root, str(path.relative_to(root)))
    inside = found.relative_to(root).parts
    if inside and inside[0] in _PSEUDO and path.relative_to(root).parts[:1] != inside[:1]:
        # a link into /proc, /sys or /dev (``etc/hosts -> /proc/kmsg``): kernel files
        # that block, never end or consume what they return; no configuration lives there
        raise OutsideRoot(f"{path.relative_to(root)}: links to /{'/'.join(inside)}, a kernel file")
    return found


#: The node's kernel pseudo-file systems: a link into them is not followed.
_PSEUDO = frozenset({"proc", "sys", "dev"})


def _etc_text(root: Path, etc: Path, rel: str, limit: int) -> str | None:
    """The text of the regular file etc/``rel`` of the node tree, its links resolved
    inside the tree; ``None`` for a link out of it, no such regular file (a folder, a
    FIFO), or one that cannot be read within ``limit`` bytes."""
    try:
        f = in_root(etc / rel, root, etc)
    except (OutsideRoot, ValueError):
        return None
    if not _is_regular(f):
        return None
    try:
        return read_text(f, limit=limit, follow=False)
    except XencfgError:
        return None


def etc_file_text(tree: NodeTree | NodeRoot, path: Path, limit: int = 1 << 24) -> str | None:
    """The text of ``path``, a file below the node's /etc, read as :func:`_etc_text`
    reads (links resolved inside the tree, regular files only, within ``limit``):
    for the readers outside discovery (migrate), where a plain open of a FIFO or of
    a link to /proc/kmsg blocked for ever and a link out of the tree read this host."""
    try:
        rel = path.relative_to(tree.etc)
    except ValueError:
        return None
    return _etc_text(tree.root, tree.etc, str(rel), limit)


def _name_file(root: Path, etc: Path, name: str) -> tuple[str, Path, int] | None:
    """The first word of etc/``name`` (read inside the node tree), the file and the
    word's line: comment lines skipped, as ``hostname -F`` and systemd read the file;
    ``None`` without such a regular file, for an empty one, or a link out of the tree."""
    text = _etc_text(root, etc, name, 4096)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if words and not words[0].startswith("#"):
            return words[0], etc / name, number
    return None


def _sysconfig_network(
    root: Path, etc: Path, rel: str = "sysconfig/network", names: tuple[str, ...] = ("HOSTNAME",)
) -> tuple[str, int] | None:
    """HOSTNAME= of etc/sysconfig/network, the name RHEL 5/6 give the kernel at boot
    (rc.sysinit sources the file and runs ``hostname ${HOSTNAME}``), as written, and its
    line; ``None`` without the file (on SUSE it is a folder), or with no plain value:
    unset, empty or ``(none)`` (rc.sysinit then says ``localhost``, which names no
    node), or one the shell would expand. ``rel`` and ``names``: another shell file
    and the variables read from it, the first set one."""
    text = _etc_text(root, etc, rel, 65536)
    if text is None:
        return None
    from .formats.lines import shellvars

    try:
        doc = shellvars.parse(text)
    except XencfgError:
        return None
    found = next((a for n in names if (a := doc.assignment(n)) is not None), None)
    if found is None or found.expands:
        return None
    words = str(found.value or "").split()
    if len(words) != 1 or words[0] == "(none)" or words[0].startswith("localhost"):
        return None
    return words[0], doc.position(found)[0]


#: Red Hat family release files ("CentOS release 6.10 (Final)") and their major release.
#: Where a Red Hat family system names its release (CentOS links redhat-release to its
#: own; Oracle Linux has both).
RELEASE_FILES = ("redhat-release", "centos-release", "oracle-release")
_RELEASE = lazy_re(r"\brelease\s+(\d+)")


def red_hat_release(root: Path, etc: Path) -> int | None:
    """The major release of the Red Hat family system whose tree is ``root`` (its /etc
    ``etc``), from the first of :data:`RELEASE_FILES` that names one, its links resolved
    inside the tree; ``None`` when none does (no such file, a FIFO, a link out of the
    tree, text without a release number)."""
    for name in RELEASE_FILES:
        try:
            f = in_root(etc / name, root, etc)
            head = read_text(f, limit=4096, follow=False, head=True)
        except (OutsideRoot, ValueError, XencfgError):
            continue
        m = _RELEASE.search(head)
        if m is not None:
            return int(m.group(1))
    return None


def _rc_sysinit(root: Path, etc: Path) -> bool:
    """Whether the node boots by initscripts' rc.sysinit (RHEL/CentOS 6 and before), which
    names the kernel from HOSTNAME= of etc/sysconfig/network and never reads
    etc/hostname (initscripts rhel5-branch and rhel6-branch rc.d/rc.sysinit:
    ``. /etc/sysconfig/network`` then ``hostname ${HOSTNAME}``): its etc/rc.d/rc.sysinit
    is in the tree, or its release file names release 6 or before (systemd, from RHEL 7,
    reads etc/hostname only)."""
    for rel in ("rc.d/rc.sysinit", "rc.sysinit"):
        try:
            if _is_regular(in_root(etc / rel, root, etc)):
                return True
        except (OutsideRoot, ValueError):
            continue
    release = red_hat_release(root, etc)
    return release is not None and release <= 6


def boot_hostname(root: Path, etc: Path) -> BootName | None:
    """The host name the node's boot scripts give the kernel (``uname -n``), or ``None``
    when no file says:

    * HOSTNAME= of etc/sysconfig/network on a node booted by rc.sysinit (RHEL/CentOS 5
      and 6, see :func:`_rc_sysinit`), as written (an FQDN there is ``uname -n``),
      whatever etc/hostname says: rc.sysinit does not read that file;
    * etc/hostname, as written (Debian's hostname.sh, systemd; an FQDN stays whole);
    * etc/HOSTNAME (SUSE before SLES 12), without its domain: SUSE's boot scripts run
      ``hostname ${FQHOSTNAME%%.*}`` (aaa_base etc/init.d/boot), so ``uname -n`` is
      short whatever the file holds;
    * ``hostname=`` (or ``HOSTNAME=``) of etc/conf.d/hostname (Gentoo's OpenRC: its
      init.d/hostname runs ``hostname "${hostname-${HOSTNAME-localhost}}"``, the
      variables openrc-run sources from conf.d/hostname), as written;
    * HOSTNAME= of etc/sysconfig/network in a tree that does not show how it boots
      (a RHEL 5/6 tree holding only its cluster files), when no file above says."""
    rhel = _sysconfig_network(root, etc)
    network = etc / "sysconfig" / "network"
    if rhel is not None and _rc_sysinit(root, etc):
        return BootName(rhel[0], "etc/sysconfig/network", network, rhel[1])
    found = _name_file(root, etc, "hostname")
    if found is not None:
        return BootName(found[0], "etc/hostname", found[1], found[2])
    found = _name_file(root, etc, "HOSTNAME")
    if found is not None:
        return BootName(found[0].split(".")[0], "etc/HOSTNAME", found[1], found[2])
    openrc = _sysconfig_network(root, etc, "conf.d/hostname", ("hostname", "HOSTNAME"))
    if openrc is not None:
        return BootName(openrc[0], "etc/conf.d/hostname", etc / "conf.d" / "hostname", openrc[1])
    if rhel is not None:
        return BootName(rhel[0], "etc/sysconfig/network", network, rhel[1])
    return None


def node_name(root: Path, etc: Path) -> str:
    """The node's host name: :func:`boot_hostname` without its domain (etc/hostname,
    etc/HOSTNAME, HOSTNAME= of etc/sysconfig/network), else the folder's name."""
    return _name_of(node_root(root, etc))


def _name_of(tree: NodeRoot) -> str:
    if tree.uname is not None:
        return tree.uname.short
    root, etc = tree.root, tree.etc
    base = root if root != etc else etc.parent if etc.name == "etc" else etc
    return base.resolve().name or str(base)


def node_root(root: Path, etc: Path) -> NodeRoot:
    """The :class:`NodeRoot` of a tree, its boot host name read."""
    return NodeRoot(root, etc, boot_hostname(root, etc))


def _root_above(path: Path, names: tuple[str, ...]) -> Path | None:
    """The parent of ``path``'s nearest folder named one of ``names``."""
    return next((a.parent for a in path.parents if a.name in names), None)


def enclosing_root(path: Path) -> NodeRoot | None:
    """The tree around a file given alone: the parent of its nearest folder named
    ``etc`` (``nodes/alpha/etc/ietd.conf`` is alpha's), or ``None``."""
    root = _root_above(path, ("etc",))
    return node_root(root, root / "etc") if root is not None else None


def trees_around(files: list[str]) -> list[str]:
    """The trees around committed files when the repository's top is no tree itself (a
    repository keeping ``nodes/alpha/etc/...``): each file's node root (above its
    ``etc/`` or ``var/``), or the folder of node roots holding it, so the cross-node
    checks still run (``lint --context``)."""
    trees: set[str] = set()
    for f in files:
        root = _root_above(Path(os.path.abspath(f)), ("etc", "var"))
        if root is None:
            continue
        parent = root.parent
        siblings = [p for p in parent.iterdir() if p.is_dir() and p != root]
        trees.add(str(parent if any(is_node_root(p) for p in siblings) else root))
    return sorted(trees)


class _Walker:
    """Collects files once each, recording what it skipped and why."""

    def __init__(self, found: Discovery) -> None:
        self.found = found
        self.seen: set[tuple[int, int]] = set()

    def accept(self, path: Path) -> bool:
        try:
            st = path.stat()
        except OSError as exc:
            self.found.skipped.append(Skipped(str(path), f"cannot stat: {exc.strerror}"))
            return False
        if not stat.S_ISREG(st.st_mode):
            kind = "directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            self.found.skipped.append(Skipped(str(path), kind))
            return False
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            self.found.skipped.append(Skipped(str(path), "same file as one already read"))
            return False
        self.seen.add(key)
        return True


def _glob(base: Path, pattern: str) -> list[Path]:
    if "*" not in pattern:
        p = base / pattern
        return [p] if os.path.lexists(p) else []
    directory, _, name = pattern.rpartition("/")
    d = base / directory if directory else base
    if not d.is_dir() or d.is_symlink():
        return []
    try:
        entries = sorted(os.scandir(d), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if fnmatchcase(e.name, name)]


def _folder(top: Path, walker: _Walker) -> Iterator[Path]:
    """Every file below ``top`` (a folder of the specs' ``etc_dirs``: /etc/xen) but
    those that are not configuration (scripts, examples, editor and package copies)."""
    if not top.is_dir() or top.is_symlink():
        return
    stack = [top]
    while stack:
        d = stack.pop()
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            walker.found.skipped.append(Skipped(str(d), f"cannot list: {exc.strerror}"))
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if e.name not in XEN_SKIP_DIRS:
                    stack.append(Path(e.path))
                continue
            if any(fnmatchcase(e.name, pat) for pat in XEN_SKIP_FILES):
                continue
            yield Path(e.path)


def scan_etc(
    etc: Path,
    root: Path | None,
    walker: _Walker,
    node: str | None,
    tree: NodeRoot | None = None,
) -> list[SourceFile]:
    """Every file of a node's /etc (and var/ below its root) that xencfg reads, each
    carrying the node's ``tree``.

    Symlinks are resolved inside the node's tree (:func:`in_root`): a mounted
    image's ``etc/hosts -> /etc/hosts`` is the node's file, never the host's, and
    a link that leaves the tree is reported, not read.
    """
    out: list[SourceFile] = []
    # (a format, None: any format by content, or several: one of them by content)
    candidates: list[tuple[Path, str | tuple[str, ...] | None]] = []
    for pattern, fmt in ETC_FILES:
        candidates.extend((p, fmt) for p in _glob(etc, pattern))
    for folder in formats.etc_dirs():
        candidates.extend(
            (p, formats.folder_formats(folder)) for p in _folder(etc / folder, walker)
        )
    if root is not None:
        for pattern, fmt in ROOT_FILES:
            candidates.extend((p, fmt) for p in _glob(root, pattern))
    scanned: set[Path] = set()
    for shown, kind in candidates:  # (grows: an included file may include more)
        try:
            path = in_root(shown, root or etc, etc)
        except (OutsideRoot, ValueError) as exc:
            refused = str(exc) if isinstance(exc, OutsideRoot) else "outside the node tree"
            named = kind if isinstance(kind, str) else None
            out.append(SourceFile(shown, display_path(shown), named, node, refused, tree))
            continue
        if isinstance(kind, str) and path not in scanned:
            scanned.add(path)
            candidates.extend(_referenced(path, kind, etc, root))
        if not walker.accept(path):
            continue
        fmt = kind if isinstance(kind, str) else None
        if not isinstance(kind, str):
            among = kind or ()
            fmt = _detect(path, among)
            if fmt is None and among and _assigns_domu_setting(path):
                # a domU config where domU configs live (xen/, xen/vm/, xen/auto/, an
                # xmfile) that neither xm nor xl parses: a syntax error to report
                # (XC001), never a file to pass over in silence. (Other files there,
                # oxenstored.conf say, assign no domU setting and are still skipped.)
                fmt = formats.by_content(among, str(path))[0]
            if fmt is None:
                walker.found.skipped.append(Skipped(str(path), "not a format xencfg reads"))
                continue
        if fmt not in formats.FORMATS:
            walker.found.skipped.append(Skipped(str(path), f"format {fmt} is not supported here"))
            continue
        out.append(SourceFile(path, display_path(shown), fmt, node, tree=tree))
    for pattern, why in NOT_CHECKED:
        walker.found.skipped.extend(Skipped(str(p), why) for p in _glob(etc, pattern))
    return out


_DOMU_SETTING = lazy_re(
    r"^[ \t]*(?:name|memory|maxmem|vcpus|disk|vif|kernel|ramdisk|bootloader|builder|type)"
    r"[ \t]*=",
    re.M,
)


def _broken_domu(path: Path) -> str | None:
    """xm or xl for a file given alone that neither parses, where its name (``*.cfg``,
    ``*.xm``, ``xen/auto/*``) or its folder (``xen/``, as in a node tree) says domU
    config and it sets a domU setting: its syntax error is reported at its line (XC001),
    not "format not recognised". A file of another name keeps that answer (a broken
    shell file with ``name=`` is no domU config)."""
    among = tuple(f for f in formats.candidates(str(path)) if f in ("xm", "xl"))
    if not among and "xen" in path.parent.parts:
        among = ("xm", "xl")
    if among and _assigns_domu_setting(path):
        return formats.by_content(among, str(path))[0]
    return None


def _assigns_domu_setting(path: Path) -> bool:
    """Whether a file sets one of the settings every domU config has, at a line start."""
    try:
        from .syntax.source import read_text

        return _DOMU_SETTING.search(read_text(path, limit=MAX_SIZE)) is not None
    except Exception:
        return False


def _referenced(
    path: Path, fmt: str, etc: Path, root: Path | None
) -> Iterator[tuple[Path, str | tuple[str, ...]]]:
    """Files a file of format ``fmt`` makes its daemon read (a drbd.conf's ``include``s,
    the domU configs a CIB's Xen primitives name as ``xmfile``; the spec's
    ``references`` hook), inside this node's tree: the daemons read them, so lint
    must too (and report a syntax error in them, rather than never looking). A file
    read twice is read once (see :class:`_Walker`)."""
    hook = formats.references_hook(fmt)
    if hook is None or _too_big(path) or not _is_regular(path):
        return
    try:
        text = read_text(path, limit=MAX_SIZE)
    except XencfgError:
        return
    for pattern, among in hook(text):
        base = _in_tree(pattern, etc, root) if pattern.startswith("/") else path.parent
        rel = pattern.lstrip("/") if pattern.startswith("/") else pattern
        if base is None:
            continue
        if pattern.startswith("/"):
            rel = rel.split("/", 1)[1] if rel.startswith("etc/") and base == etc else rel
        for p in sorted(base.glob(rel)) if any(c in rel for c in "*?[") else [base / rel]:
            if _is_regular(p):
                yield p, among[0] if len(among) == 1 else among


def _in_tree(absolute: str, etc: Path, root: Path | None) -> Path | None:
    """Where an absolute path of the node lives in this tree: /etc/... under ``etc``,
    anything else under the node root (None when we only have its /etc)."""
    if absolute.startswith("/etc/"):
        return etc
    return root


def _too_big(path: Path) -> bool:
    try:
        return path.stat().st_size > MAX_SIZE
    except OSError:
        return False


def _detect(
    path: Path, among: tuple[str, ...] = (), only: Collection[str] | None = None
) -> str | None:
    """The format by path and content; for a file that is probably one of ``among``
    (a domU config under /etc/xen: xm or xl), those are asked first, so the other
    formats' modules are not imported just to say no, in the order of
    :func:`xencfg.formats.by_content`: a name that says xl (``*.cfg``, ``xlexample.*``)
    puts xl first, as plain ``key = value`` files are valid in both styles and such a
    file is read by xl."""
    if _too_big(path):
        return None
    try:
        if among:
            text = read_text(path, limit=MAX_SIZE)
            for fmt in formats.by_content(among, str(path)):
                if formats.sniff(fmt, text):
                    return fmt
            return formats.detect(str(path), text, only=only)
        return formats.detect(str(path), only=only)
    except Exception:
        return None


def discover(paths: list[str], names: dict[str, str] | None = None) -> Discovery:
    """Find the nodes and files behind ``paths`` (see the module docstring).

    ``names`` maps a path (as given) to a node name, from ``--node NAME=PATH``.
    """
    names = names or {}
    found = Discovery()
    walker = _Walker(found)
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            found.missing.append(raw)
            continue
        if path.is_file():
            if walker.accept(path):
                # (a file of a capture is no configuration file, whatever it holds)
                fmt = None if live.layout_hint(raw) else _detect(path) or _broken_domu(path)
                if fmt is None:
                    found.skipped.append(Skipped(str(path), "format not recognised"))
                named = names.get(raw)
                tree = enclosing_root(path)
                found.loose.append(SourceFile(path, display_path(path), fmt, named, tree=tree))
            continue
        if not path.is_dir():
            found.skipped.append(Skipped(str(path), "not a regular file or directory"))
            continue
        _add_tree(path, raw, names, found, walker)
    return found


def _add_tree(
    path: Path, raw: str, names: dict[str, str], found: Discovery, walker: _Walker
) -> None:
    if is_node_root(path):
        _add_node(path, path / "etc", names.get(raw), found, walker)
    elif looks_like_etc(path):
        root = path.parent if path.name == "etc" else None
        _add_node(root or path, path, names.get(raw), found, walker)
    else:
        subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.is_symlink())
        roots = [p for p in subs if is_node_root(p)]
        if not roots:
            why = "no etc/ and no known configuration file"
            # an unpacked sosreport or supportconfig one folder further down: name it
            deeper = [q for p in subs for q in _subfolders(p) if is_node_root(q)][:3]
            if deeper:
                shown = ", ".join(str(q.relative_to(path)) for q in deeper)
                why += f"; node trees one folder down ({shown}): give those folders"
            found.skipped.append(Skipped(str(path), why))
            return
        for r in roots:
            _add_node(r, r / "etc", names.get(str(r)), found, walker)
        for p in _outside(path, set(roots)):
            fmt = _detect(p, only=formats.LOOSE) if _is_regular(p) else None
            if fmt is not None and walker.accept(p):
                found.loose.append(
                    SourceFile(p, display_path(p), fmt, None, tree=enclosing_root(p))
                )


def _subfolders(folder: Path) -> list[Path]:
    """The folders in ``folder`` (none when it cannot be listed), symlinks left out."""
    try:
        return sorted(q for q in folder.iterdir() if q.is_dir() and not q.is_symlink())
    except OSError:
        return []


def _outside(folder: Path, roots: set[Path]) -> list[Path]:
    """The files below ``folder`` that are in none of the node ``roots``, sorted; node
    trees are pruned, not walked (a set look-up per folder, not per root and file)."""
    out: list[Path] = []
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        dirs[:] = [d for d in dirs if here / d not in roots and not (here / d).is_symlink()]
        out += [here / f for f in files if not (here / f).is_symlink()]
    return sorted(out)


def _add_node(root: Path, etc: Path, name: str | None, found: Discovery, walker: _Walker) -> None:
    outside: list[live.StateFile] = []
    states = list(live.state_files(root, display_path(root), outside)) if root != etc else []
    tree = node_root(root, etc)
    if name is None and (tree.uname is None or tree.uname.file == "etc/sysconfig/network"):
        # a captured uname -n says more than HOSTNAME= (or a folder): it is the name
        name = live.captured_name(states) or live.folder_host(root)
    node = NodeTree(name or _name_of(tree), root, etc, tree=tree)
    node.files = scan_etc(etc, root if root != etc else None, walker, node.name, tree)
    for s in outside:  # (a sosreport's command output linked to /etc/shadow, /proc/kmsg)
        target = os.path.realpath(s.container or s.path)
        refused = f"links to {target}, outside the node tree"
        if os.path.islink(target):  # (realpath stops at a loop: no file at its end)
            refused = "a symbolic link loop"
        node.files.append(SourceFile(s.path, s.display, s.format, node.name, refused, tree))
    accepted: set[Path] = set()
    for s in states:
        text = live.read_state(s)
        if text is None or not live.plausible(s.format, text):
            where = str(s.path) if s.text is None else s.display
            found.skipped.append(Skipped(where, f"not {s.format} output (the command failed?)"))
            continue
        if s.text is None:
            if not walker.accept(s.path):
                continue
            node.files.append(
                SourceFile(s.path, display_path(s.path), s.format, node.name, tree=tree)
            )
            continue
        container = s.container or s.path
        if container not in accepted:  # a supportconfig file: read once, for all its sections
            if not walker.accept(container):
                continue
            accepted.add(container)
        found.texts[s.display] = s.text
        node.files.append(
            SourceFile(
                s.path,
                s.display,
                s.format,
                node.name,
                tree=tree,
                first_line=s.first_line,
                text=s.text,
            )
        )
    for path, said in live.refusals(root):
        found.skipped.append(Skipped(str(path), f"the command refused: {said}"))
    found.nodes.append(node)


def modes_are_real(path: Path | str, checkouts: dict[str, bool] | None = None) -> bool:
    """Whether a file's permission bits say anything about the deployed system.

    Not in a git checkout: git records only 0644 and 0755, so a cloned
    ``authkeys`` is 0644 whatever the node has, unless etckeeper manages the
    repository (it restores modes from ``.etckeeper``). Not in a read-only
    copy either (its folder has no owner write bit): an archive or a shared
    mount keeps the files, not their deployed modes.

    ``checkouts`` is a run's memo of the answer per folder as given (a lint of 2,000
    files in one drbd.d/ resolves it and walks up from it once, not 2,000 times).
    """
    folder = Path(path).parent
    try:
        if not folder.stat().st_mode & 0o200:
            return False
    except OSError:
        return False
    if checkouts is None:
        return _checkout_keeps_modes(str(folder.resolve()))
    key = str(folder)
    if key not in checkouts:
        checkouts[key] = _checkout_keeps_modes(str(folder.resolve()))
    return checkouts[key]


def _checkout_keeps_modes(folder: str) -> bool:
    """Whether the git checkout around ``folder`` (if any) keeps file modes: only
    etckeeper's does. Not cached across runs (see :func:`modes_are_real`'s
    ``checkouts``): a long-lived caller must see a checkout made after its first lint."""
    for p in (Path(folder), *Path(folder).parents):
        if (p / ".git").exists():
            return (p / ".etckeeper").exists()
    return True
