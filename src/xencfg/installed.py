"""The releases a node runs, read from the package lists it was captured with.

A package list is the strongest evidence of a release: the keywords of a file only
bound it (``resync-rate``: DRBD 8.4 or later), the installed ``drbd83-8.3.8-1.el5``
names it. Read, per node, from the first of these that the tree holds:

* a sosreport's ``installed-rpms`` (sos' rpm plugin: ``rpm -qa --qf
  "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}~~..."`` through ``awk printf "%-59s %s"``,
  sos 3 ``sos/plugins/rpm.py``; ``"%-59{NVRA} ..."``, sos 4
  ``sos/report/plugins/rpm.py``), else its ``sos_commands/rpm/package-data`` (sos 4:
  ``%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\t...``);
* a sosreport's ``installed-debs`` or ``sos_commands/dpkg/dpkg_-l`` (sos' dpkg plugin:
  ``add_cmd_output("dpkg -l", root_symlink="installed-debs")``);
* a supportconfig's ``rpm.txt`` (supportconfig's ``rpm_info``: the section
  ``rpm -qa --queryformat "%-35{NAME} %-35{DISTRIBUTION} %{VERSION}-%{RELEASE}\\n"``,
  openSUSE/supportutils bin/supportconfig, SVER 2.25 to 3.2);
* ``xencfg capture``'s ``var/lib/xencfg/state/packages.txt`` (``dpkg-query -W`` or
  ``rpm -qa``);
* a node tree's ``var/lib/dpkg/status`` (dpkg's database is text; rpm's is not: skipped);
* Gentoo's ``var/db/pkg/CATEGORY/PN-PV`` and Arch's ``var/lib/pacman/local/NAME-VER-REL``:
  their folders' names alone (:func:`_gentoo`, :func:`_pacman`).

Each package xencfg knows (:data:`PACKAGES`) becomes a release range of a component:
the upstream release the version names (epoch, Debian revision and rpm release left
out). Distributions backport features into multipath-tools (Red Hat put
``find_multipaths`` into its 0.4.9, SUSE and Debian build git snapshots) and Red Hat
into its Xen 3.0.3, so those only prove their release as a minimum.

Without a package list, a node's distribution release file still proves the releases
that release shipped as a minimum (:mod:`xencfg.distro`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ._lazy import lazy_re
from .errors import XencfgError
from .formats.schema import Version, successor
from .live import STATE_DIR, sections
from .syntax.source import read_text

if TYPE_CHECKING:  # (discover imports live; the types only)
    from .discover import NodeTree
    from .versions import Installed

#: A release number at the start of a version (2 to 4 parts of at most 9 digits:
#: Version.parse takes no more, int() refuses thousands of digits).
_RELEASE = lazy_re(r"[0-9]{1,9}\.[0-9]{1,9}(?:\.[0-9]{1,9}){0,2}(?![0-9])")
#: ``NAME-VERSION-RELEASE[.ARCH]``, the first word of an rpm list's line.
_NVRA = lazy_re(
    r"(?P<name>[^\s/]+)-(?P<version>[^-\s]+)-(?P<release>[^-\s]+?)"
    r"(?:\.(?:x86_64|i[3-6]86|noarch|ia64|ppc64le|ppc64|ppc|s390x|s390|aarch64|armv7hl))?"
)
#: The largest package list read (a dpkg status of a full desktop is a few MB).
_LIMIT = 64 * 1024 * 1024


@attrs.frozen
class Package:
    """One installed package: its name, version as written, and where it is listed
    (``path`` on this machine, ``line`` there; 0 for a folder of a database)."""

    name: str
    version: str
    path: Path
    line: int


#: Components whose package has their name, in every distribution.
_SAME_NAME = ("pacemaker", "corosync", "cman", "iscsitarget", "open-iscsi", "lvm2")

#: Package name (a regex, whole name) -> (component, how far its version tells): "exact"
#: the upstream release it names, "low" that release or a later one (builds with
#: backports), "8x" the release for DRBD 8.x userland (drbdadm of 8.0-8.4 shares the
#: module's number; from 8.9 on the package is drbd-utils, numbered apart).
PACKAGES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # the DRBD module: its own number (CentOS extras' kmod-drbd83, ELRepo's kmod-drbd84
    # and kmod-drbd90, SUSE's drbd-kmp-default/-xen, Debian's drbd8-module-*, LINBIT's
    # drbd-dkms for Debian and Ubuntu)
    (
        lazy_re(r"kmod-drbd(8[0-4]?|9[0-9]?)?|drbd-kmp-\w+|drbd8?-module-.+|drbd-dkms"),
        "drbd",
        "exact",
    ),
    # DRBD 8 userland: SUSE's drbd, Debian's drbd8-utils, CentOS' drbd83, ELRepo's
    # drbd84-utils (which later carried drbd-utils 9.x numbers)
    (lazy_re(r"drbd|drbd8-utils|drbd8[0-4](-utils)?"), "drbd", "8x"),
    (lazy_re(r"drbd-utils"), "drbd-utils", "8x"),
    (lazy_re(r"heartbeat(-2)?"), "heartbeat", "exact"),
    (lazy_re(r"device-mapper-multipath|multipath-tools"), "multipath-tools", "low"),
    # Xen: Red Hat's, SUSE's and xen4centos' xen (and their xen-libs, xen4centos' and
    # Fedora's xen-hypervisor, xen-runtime), Debian's xen-hypervisor-4.0-amd64,
    # xen-utils-4.1, Gentoo's app-emulation/xen and xen-tools (Xen's tools there only:
    # Debian's xen-tools is xen-create-image, numbered apart; :func:`release_of`)
    (
        lazy_re(r"xen(-libs|-runtime|-tools)?|xen-hypervisor(-[0-9.]+(-\w+)?)?|xen-utils-[0-9.]+"),
        "xen",
        "exact",
    ),
    # Red Hat numbers open-iscsi 2.0-872 as 6.2.0.872 (iscsi-initiator-utils.spec)
    (lazy_re(r"iscsi-initiator-utils"), "open-iscsi", "exact"),
    # packages named as their component, numbered as upstream
    *((lazy_re(re.escape(c)), c, "exact") for c in _SAME_NAME),
)

#: Release of the DRBD 8 userland from which a "drbd"/"drbd84-utils" package is
#: drbd-utils (8.9.0, the split of drbd-utils from the module, 2014), not DRBD's.
_DRBD_UTILS_SPLIT = Version((8, 9))


#: Red Hat's own Xen is RHEL 5's 3.0.3 (with backports); a later ``.el`` build is
#: xen4centos' (CentOS Virt SIG), upstream's release as numbered.
_RHEL_XEN_BELOW = Version((3, 1))


def upstream(version: str) -> Version | None:
    """The upstream release a package version names: ``2:8.3.7-2.1`` -> 8.3.7,
    ``1.0.9.1+hg15626-1`` -> 1.0.9.1, ``8.4.4_3.0.101_63-0.7.11`` -> 8.4.4; ``None``
    for a version that starts with no release number."""
    text = re.sub(r"^[0-9]{1,9}:", "", version.strip())
    m = _RELEASE.match(text)
    return Version.parse(m[0]) if m else None


#: Gentoo's categories of the packages xencfg knows (``sys-cluster/drbd-utils``,
#: ``sys-fs/lvm2``, ``sys-block/open-iscsi``, ``app-emulation/xen-tools``).
_GENTOO_CATEGORIES = frozenset({"sys-cluster", "sys-fs", "sys-block", "app-emulation"})


def release_of(package: Package) -> tuple[str, Version, Version | None] | None:
    """``(component, low, below)`` of an installed package xencfg knows, or ``None``."""
    name = package.name.split(":", 1)[0].lower()  # dpkg's multiarch "pkg:amd64"
    category, _, name = name.rpartition("/")  # Gentoo's qualified name
    if category not in ("", *_GENTOO_CATEGORIES) or (name, category) == ("xen-tools", ""):
        return None
    found = next(((c, how) for rx, c, how in PACKAGES if rx.fullmatch(name)), None)
    v = upstream(package.version)
    if found is None or v is None:
        return None
    component, how = found
    if name == "iscsi-initiator-utils" and v.parts[0] == 6 and len(v.parts) > 2:
        v = Version(v.parts[1:])  # 6.2.0.872 -> 2.0.872
    if how == "8x":
        if name == "drbd" and v >= _DRBD_UTILS_SPLIT:
            # SUSE's drbd 9.0.x is the module's release, Fedora's drbd 9.x drbd-utils'
            return None
        if component == "drbd" and v >= _DRBD_UTILS_SPLIT:
            component = "drbd-utils"  # drbd-utils' own numbers (8.9.x, 9.x)
        elif component == "drbd-utils" and v < _DRBD_UTILS_SPLIT:
            component = "drbd"
    elif component == "xen" and v < _RHEL_XEN_BELOW and re.search(r"\.el[0-9]", package.version):
        how = "low"  # Red Hat's Xen 3.0.3 carries 3.1's hypervisor and more
    if how == "low":
        return component, v, None
    return component, v, successor(v)


# -- the lists --------------------------------------------------------------------------


def _text(path: Path) -> str | None:
    """The text of a regular file (not through a final link), ``None`` without one."""
    try:
        return read_text(path, limit=_LIMIT, follow=False)
    except XencfgError:
        return None


def _rpm_lines(path: Path, text: str) -> Iterator[Package]:
    """An rpm list whose lines start with ``NAME-VERSION-RELEASE[.ARCH]``."""
    for n, line in enumerate(text.splitlines(), 1):
        words = line.split(None, 1)
        # (a package name is short: a long word is no line of the list, and would
        # cost the regex's backtracking)
        m = _NVRA.fullmatch(words[0]) if words and len(words[0]) < 256 else None
        if m is not None:
            yield Package(m["name"], f"{m['version']}-{m['release']}", path, n)


def _dpkg_lines(path: Path, text: str) -> Iterator[Package]:
    """``dpkg -l`` (``ii  NAME  VERSION  ARCH  DESCRIPTION``, the second letter of the
    status ``i``: installed), or ``dpkg-query -W -f '${Status}\\t${Package}\\t${Version}'``
    (``install ok installed``)."""
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split("\t")
        if len(fields) == 3 and fields[0].endswith(" installed"):
            yield Package(fields[1].strip(), fields[2].strip(), path, n)
            continue
        words = line.split()
        if len(words) >= 3 and len(words[0]) in (2, 3) and words[0][1] == "i":
            yield Package(words[1], words[2], path, n)


def _dpkg_status(path: Path, text: str) -> Iterator[Package]:
    """dpkg's database, ``var/lib/dpkg/status``: stanzas of ``Package:``, ``Status:``
    (``install ok installed``) and ``Version:``, a blank line between two."""
    fields: dict[str, tuple[str, int]] = {}
    for n, line in enumerate([*text.splitlines(), ""], 1):
        if not line.strip():
            status = fields.get("status", ("", 0))[0].split()
            if status[-1:] == ["installed"] and "package" in fields and "version" in fields:
                name, at = fields["package"]
                yield Package(name, fields["version"][0], path, at)
            fields = {}
            continue
        key, sep, value = line.partition(":")
        if sep and not line[0].isspace():
            fields[key.strip().lower()] = (value.strip(), n)


def _supportconfig_rpms(path: Path, text: str) -> Iterator[Package]:
    """rpm.txt's ``%-35{NAME} %-35{DISTRIBUTION} %{VERSION}-%{RELEASE}`` section: the
    name is the first word, version-release the last (a distribution has blanks)."""
    lines = text.split("\n")
    for kind, header, first, last in sections(text):
        if kind != "Command" or "%-35{NAME}" not in header:
            continue
        for n in range(first, last + 1):
            words = lines[n - 1].split() if n <= len(lines) else []
            if len(words) >= 2 and "-" in words[-1] and words[0] != "NAME":
                yield Package(words[0], words[-1], path, n)
        return


def _captured(path: Path, text: str) -> Iterator[Package]:
    """``xencfg capture``'s list: ``dpkg-query -W`` lines or ``rpm -qa`` lines."""
    yield from _dpkg_lines(path, text)
    yield from _rpm_lines(path, text)


_Reader = Callable[[Path, str], Iterator[Package]]

#: Where a node tree lists its packages, below its root, and how each reads: the
#: first one present is read (a sosreport's installed-rpms and package-data list the
#: same packages).
LISTS: tuple[tuple[str, _Reader], ...] = (
    ("installed-rpms", _rpm_lines),
    ("sos_commands/rpm/package-data", _rpm_lines),
    ("installed-debs", _dpkg_lines),
    ("sos_commands/dpkg/dpkg_-l", _dpkg_lines),
    ("rpm.txt", _supportconfig_rpms),
    (f"{STATE_DIR}/packages.txt", _captured),
    ("var/lib/dpkg/status", _dpkg_status),
)


#: A Gentoo package folder's name, PF: the package name (PMS 3.1.2: ``[A-Za-z0-9+_-]``,
#: not starting with "-" or "+", not ending in "-" and a version), "-", the version
#: (PMS 3.2: ``[0-9]+(\.[0-9]+)*``, a letter, ``_alpha|_beta|_pre|_rc|_p`` suffixes
#: each with an optional number, ``-rN``). The first hyphen before a version splits.
_GENTOO_PF = lazy_re(
    r"(?P<name>[A-Za-z0-9_][A-Za-z0-9+_-]*?)-(?P<version>[0-9]+(?:\.[0-9]+)*[a-z]?"
    r"(?:_(?:alpha|beta|pre|rc|p)[0-9]*)*(?:-r[0-9]+)?)"
)
#: Folders read of a directory database (a vdb holds a few thousand).
_MAX_ENTRIES = 100_000


def _folders(path: Path) -> list[str]:
    """The names of the folders (not links) in ``path``, sorted; ``[]`` if unreadable."""
    try:
        with os.scandir(path) as it:
            names = []
            for entry in it:
                if entry.is_dir(follow_symlinks=False) and len(entry.name) < 256:
                    names.append(entry.name)
                if len(names) >= _MAX_ENTRIES:
                    break
    except OSError:
        return []
    return sorted(names)


def _gentoo(path: Path, shown: Path) -> Iterator[Package]:
    """Portage's installed-package database ``/var/db/pkg``: a folder per package,
    ``CATEGORY/PF`` (Portage's vartree; PMS 3.1.2, 3.2 spell PN and PV). The names
    say it all: nothing in the folders is opened."""
    for category in _folders(path):
        if category not in _GENTOO_CATEGORIES:
            continue
        for pf in _folders(path / category):
            m = _GENTOO_PF.fullmatch(pf)
            if m is not None:
                yield Package(f"{category}/{m['name']}", m["version"], shown / category / pf, 0)


def _pacman(path: Path, shown: Path) -> Iterator[Package]:
    """pacman's local database ``/var/lib/pacman/local``: a folder ``NAME-VERSION``
    per package, VERSION ``[EPOCH:]PKGVER-PKGREL`` (libalpm be_local.c
    ``_alpm_local_db_pkgpath``: ``"%s%s-%s/"``; local_db_populate splits the name
    with ``_alpm_splitname``, at the last two hyphens: pkgver and pkgrel hold none)."""
    for folder in _folders(path):
        parts = folder.rsplit("-", 2)
        if len(parts) == 3 and all(parts):
            yield Package(parts[0], f"{parts[1]}-{parts[2]}", shown / folder, 0)


#: Package databases that are folders (each entry's name names the package), read
#: when no list above is present: ``walk(folder, folder as shown)``.
DATABASES: tuple[tuple[str, Callable[[Path, Path], Iterator[Package]]], ...] = (
    ("var/db/pkg", _gentoo),
    ("var/lib/pacman/local", _pacman),
)


def _inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` with its links resolved inside the tree, ``None`` for one that
    leaves it."""
    from .discover import in_root
    from .syntax.source import OutsideRoot

    try:
        return in_root(root / rel, root, root / "etc")
    except (OutsideRoot, ValueError, OSError):
        return None


def packages(root: Path) -> list[Package]:
    """The packages the first list below ``root`` (a node's ``/``, a sosreport or a
    supportconfig) names as installed, else its package database's folders; ``[]``
    without either. A list that is a symlink (sos' installed-rpms links into
    sos_commands) is read where it points, inside the tree."""
    for rel, reader in LISTS:
        path = _inside(root, rel)
        text = _text(path) if path is not None and path.is_file() else None
        if text is not None:
            return list(reader(root / rel, text))
    for rel, walk in DATABASES:
        path = _inside(root, rel)
        if path is not None and path.is_dir():
            return list(walk(path, root / rel))
    return []


def evidence(nodes: Iterable[NodeTree]) -> Iterator[Installed]:
    """What each node's package list says of the components' releases."""
    from .discover import display_path

    for node in nodes:
        if node.root == node.etc:
            continue  # an /etc alone (etckeeper) lists no packages
        for p in packages(node.root):
            found = release_of(p)
            if found is not None:
                where = display_path(p.path) + (f":{p.line}" if p.line else "")
                yield found[0], node.name, found[1], found[2], f"'{p.name} {p.version}' at {where}"
