"""The distribution release a node runs, read from its release files, and the component
releases that distribution release shipped.

A node tree without a package list still names its distribution:

* ``/etc/debian_version`` (``12.8``; ``bookworm/sid`` on testing and Ubuntu says nothing);
* ``/etc/os-release`` (systemd's ``os-release(5)``: ``ID=ubuntu``, ``VERSION_ID="22.04"``;
  ``ID="sles"``, ``VERSION_ID="15.4"``; ``ID="centos"``, ``VERSION_ID="7"``);
* ``/etc/lsb-release`` (Ubuntu's ``DISTRIB_ID=Ubuntu``, ``DISTRIB_RELEASE=16.04``);
* ``/etc/SuSE-release`` (SLES 10 and 11: ``VERSION = 11``, ``PATCHLEVEL = 4``);
* ``/etc/redhat-release``, ``centos-release``, ``oracle-release`` ("CentOS release 6.10");
* a supportconfig's basic-environment.txt, which copies ``/etc/os-release`` and
  ``/etc/SuSE-release`` into sections of those names.

A release proves what it shipped as a MINIMUM only (:data:`SHIPPED`): point releases and
updates keep the upstream release, while backports and vendor repositories (LINBIT,
ELRepo, clusterlabs) bring later ones. A package list and a declared release win over it
(:func:`xencfg.versions.infer`); the node's files win where they say older.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ._lazy import lazy_re
from .formats.schema import Version, successor
from .versions import LVM2_NO_CLVMD

if TYPE_CHECKING:  # (discover imports live; the types only)
    from .discover import NodeTree
    from .versions import Installed


@attrs.frozen
class Release:
    """A distribution release: ``family`` (``debian``, ``ubuntu``, ``rhel``, ``sles``),
    its numbers (``(22, 4)`` for Ubuntu 22.04, ``(11, 4)`` for SLES 11 SP4, the major
    alone for Debian and the Red Hat family) and where it is written."""

    family: str
    parts: tuple[int, ...]
    said: str
    path: Path
    line: int

    @property
    def name(self) -> str:
        """``Ubuntu 22.04``, ``SLES 11 SP4``, ``Debian 12``, ``Red Hat 7``."""
        if self.family == "ubuntu":
            return f"Ubuntu {self.parts[0]}.{self.parts[1]:02d}"
        if self.family == "sles":
            sp = f" SP{self.parts[1]}" if len(self.parts) > 1 and self.parts[1] else ""
            return f"SLES {self.parts[0]}{sp}"
        return f"{_FAMILY_NAMES[self.family]} {self.parts[0]}"


_FAMILY_NAMES = {"debian": "Debian", "rhel": "Red Hat"}

#: os-release's ID -> family (CentOS, Rocky, Alma and Oracle Linux rebuild RHEL's packages).
_OS_IDS = {
    **{family: family for family in ("debian", "ubuntu", "rhel", "sles")},
    **dict.fromkeys(("centos", "rocky", "almalinux", "ol"), "rhel"),
    "sled": "sles",
}

# -- what each release shipped -------------------------------------------------------------

_V = Version.parse

#: (family, release) -> component -> the upstream release that distribution release shipped:
#: a minimum (updates keep it, backports and vendor repositories only go newer).
SHIPPED: dict[tuple[str, tuple[int, ...]], dict[str, Version]] = {
    # Debian 7 wheezy: sources.debian.org/src/drbd8/2:8.3.13-2/ "in suites: wheezy"
    # (drbd8-utils; drbdadm 8.x is numbered as the DRBD it parses for, as installed.py reads
    # drbd8-utils: the component is drbd, not drbd-utils; wheezy's 3.2 kernel module is
    # not claimed)
    ("debian", (7,)): {"drbd": _V("8.3.13")},
    # packages.debian.org/src:drbd-utils, src:multipath-tools, src:pacemaker, src:corosync
    # (buster 10, bullseye 11, bookworm 12, trixie 13)
    ("debian", (10,)): {"multipath-tools": _V("0.7.9"), "corosync": _V("3.0.1")},
    ("debian", (11,)): {
        "drbd-utils": _V("9.15.0"),
        "multipath-tools": _V("0.8.5"),
        "pacemaker": _V("2.0.5"),
        "corosync": _V("3.1.2"),
    },
    ("debian", (12,)): {
        "drbd-utils": _V("9.22.0"),
        "multipath-tools": _V("0.9.4"),
        "pacemaker": _V("2.1.5"),
        "corosync": _V("3.1.7"),
    },
    ("debian", (13,)): {
        "drbd-utils": _V("9.22.0"),
        "multipath-tools": _V("0.11.1"),
        "pacemaker": _V("3.0.0"),
        "corosync": _V("3.1.9"),
    },
    # Ubuntu 16.04 xenial: ubuntu.pkgs.org/16.04/ubuntu-main-amd64/multipath-tools_0.5.0
    # +git1.656f8865-5ubuntu2 ("Ubuntu Main", the release pocket; Ubuntu Updates has
    # 5ubuntu2.5, the same 0.5.0 snapshot), manpages.ubuntu.com/manpages/xenial/en/man5/
    # ha.cf.5.html "Provided by: heartbeat_3.0.6-2"
    ("ubuntu", (16, 4)): {"multipath-tools": _V("0.5.0"), "heartbeat": _V("3.0.6")},
    # Ubuntu 20.04 focal: manpages.ubuntu.com/manpages/focal/en/man5/ pages "Provided by:"
    # drbd.conf-9.0.5.html "drbd-utils_9.11.0-1build1", corosync.conf.5.html
    # "corosync_3.0.3-2ubuntu2", ha.cf.5.html "heartbeat_3.0.6-10build1" (no update
    # suffix: the release pocket's builds)
    ("ubuntu", (20, 4)): {
        "drbd-utils": _V("9.11.0"),
        "corosync": _V("3.0.3"),
        "heartbeat": _V("3.0.6"),
    },
    # Ubuntu 22.04 jammy (release pocket): packages.ubuntu.com/jammy/multipath-tools
    # "0.8.8-1ubuntu1", /jammy/libpacemaker1 "2.1.2-1ubuntu3", /jammy/s390x/corosync
    # "3.1.6-1ubuntu1" (jammy-updates keep 0.8.8, 2.1.2, 3.1.6)
    ("ubuntu", (22, 4)): {
        "multipath-tools": _V("0.8.8"),
        "pacemaker": _V("2.1.2"),
        "corosync": _V("3.1.6"),
    },
    # Ubuntu 24.04 noble: packages.ubuntu.com/noble/admin/multipath-tools "0.9.4-5ubuntu8",
    # /noble/pacemaker "2.1.6-5ubuntu2", /noble/corosync "3.1.7-1ubuntu3.2"
    ("ubuntu", (24, 4)): {
        "multipath-tools": _V("0.9.4"),
        "pacemaker": _V("2.1.6"),
        "corosync": _V("3.1.7"),
    },
    # Red Hat Enterprise Linux 8 (and CentOS, Rocky, Alma, Oracle Linux 8): "Considerations
    # in adopting RHEL 8", 12.3.1 "Removal of clvmd for managing shared storage devices"
    # (lvmlockd instead) and 12.3.2 "Removal of lvmetad daemon": the LVM generation
    # without both, 2.03 (LVM2_NO_CLVMD; RHEL 8.0's lvm2 2.03.02)
    ("rhel", (8,)): {"lvm2": LVM2_NO_CLVMD},
}

#: Red Hat Enterprise Linux 5, 6 and 7 (and CentOS, Oracle Linux) ship LVM 2.02 and
#: nothing later (RHEL 5.0's lvm2 2.02.16 to RHEL 7.9's 2.02.187; RHEL 8.0 brought
#: 2.03.02): their release proves LVM 2.02, clvmd's generation (LV002, XC004).
RED_HAT_LVM_202 = (5, 6, 7)
_LVM_202 = _V("2.02")


# -- reading the release files -------------------------------------------------------------

_DEBIAN_VERSION = lazy_re(r"([0-9]{1,3})(?:\.[0-9]{1,9}){0,2}")
#: os-release's and lsb-release's ``KEY=value`` (value quoted or not).
_ASSIGN = lazy_re(r"\s*([A-Z_]{1,40})=(?:\"([^\"\n]*)\"|'([^'\n]*)'|(\S*))\s*")
#: SuSE-release's ``VERSION = 11`` and ``PATCHLEVEL = 4``.
_SUSE_KEY = lazy_re(r"\s*(VERSION|PATCHLEVEL)\s*=\s*([0-9]{1,4})\s*")
_NUMBERS = lazy_re(r"([0-9]{1,4})(?:\.([0-9]{1,4}))?(?:\.[0-9]{1,9})*")


def _numbers(family: str, text: str) -> tuple[int, ...] | None:
    """``22.04`` -> (22, 4) for Ubuntu, ``15.4`` -> (15, 4) for SLES, the major alone
    for Debian and the Red Hat family (their point releases keep the packages' series)."""
    m = _NUMBERS.fullmatch(text.strip())
    if m is None:
        return None
    major, minor = int(m[1]), int(m[2] or 0)
    return (major, minor) if family in ("ubuntu", "sles") else (major,)


def _assignments(text: str) -> Iterator[tuple[str, str, str, int]]:
    """``(key, value, line as written, line number)`` of a shell-style ``KEY=value`` file."""
    for n, line in enumerate(text.splitlines()[:200], 1):
        m = _ASSIGN.fullmatch(line)
        if m is not None:
            yield m[1], next(v for v in (m[2], m[3], m[4]) if v is not None), line.strip(), n


def _from_os_release(text: str, path: Path) -> Release | None:
    """os-release(5): the family from ``ID``, the numbers from ``VERSION_ID``."""
    found = {key: (value, said, n) for key, value, said, n in _assignments(text)}
    family = _OS_IDS.get(found.get("ID", ("",))[0].lower())
    if family is None or "VERSION_ID" not in found:
        return None
    value, said, n = found["VERSION_ID"]
    parts = _numbers(family, value)
    return Release(family, parts, said, path, n) if parts else None


def _from_lsb_release(text: str, path: Path) -> Release | None:
    """Ubuntu's lsb-release: ``DISTRIB_ID=Ubuntu``, ``DISTRIB_RELEASE=16.04``."""
    found = {key: (value, said, n) for key, value, said, n in _assignments(text)}
    if found.get("DISTRIB_ID", ("",))[0].lower() != "ubuntu" or "DISTRIB_RELEASE" not in found:
        return None
    value, said, n = found["DISTRIB_RELEASE"]
    parts = _numbers("ubuntu", value)
    return Release("ubuntu", parts, said, path, n) if parts else None


def _from_suse_release(text: str, path: Path) -> Release | None:
    """SLES 10/11's SuSE-release: ``SUSE Linux Enterprise Server 11 (x86_64)``, then
    ``VERSION = 11`` and ``PATCHLEVEL = 4`` (openSUSE's names no enterprise release)."""
    lines = text.splitlines()[:50]
    if not lines or "SUSE Linux Enterprise" not in lines[0]:
        return None
    keys = {
        m[1]: (int(m[2]), line.strip(), n)
        for n, line in enumerate(lines, 1)
        if (m := _SUSE_KEY.fullmatch(line))
    }
    if "VERSION" not in keys:
        return None
    major, said, n = keys["VERSION"]
    return Release("sles", (major, keys.get("PATCHLEVEL", (0,))[0]), said, path, n)


def _from_debian_version(text: str, path: Path) -> Release | None:
    m = _DEBIAN_VERSION.fullmatch(text.strip())
    return Release("debian", (int(m[1]),), m[0], path, 1) if m is not None else None


#: The release files below a node's /etc, in the order read: the first that names a
#: release wins.
_ETC_FILES = (
    ("debian_version", _from_debian_version),
    ("os-release", _from_os_release),
    ("lsb-release", _from_lsb_release),
    ("SuSE-release", _from_suse_release),
)

#: supportconfig's basic-environment.txt copies these (a ``Configuration File`` section).
_USR_OS = "usr/lib/os-release"

_SUPPORTCONFIG = {"/etc/os-release": _from_os_release, "/etc/SuSE-release": _from_suse_release}


def release(root: Path, etc: Path) -> Release | None:
    """The distribution release of the node tree ``root`` (its /etc ``etc``), from the
    first release file that names one; ``None`` when none does."""
    from .discover import _etc_text, red_hat_release

    for name, reader in _ETC_FILES:
        text = _etc_text(root, etc, name, 65536)
        path = etc / name
        if text is None and name == "os-release" and root != etc:
            # (/etc/os-release links to ../usr/lib/os-release; a tree may hold the target only)
            text, path = _etc_text(root, root, _USR_OS, 65536), root / _USR_OS
        found = reader(text, path) if text is not None else None
        if found is not None:
            return found
    major = red_hat_release(root, etc)
    if major is not None:
        return Release("rhel", (major,), f"release {major}", etc / "redhat-release", 1)
    return _from_supportconfig(root)


def _from_supportconfig(root: Path) -> Release | None:
    """A supportconfig's copy of /etc/os-release or /etc/SuSE-release."""
    from .discover import _etc_text
    from .live import sections

    text = _etc_text(root, root, "basic-environment.txt", 16 * 1024 * 1024)
    if text is None:
        return None
    lines = text.split("\n")
    for _, header, first, last in sections(text):
        reader = _SUPPORTCONFIG.get(header)
        body = "\n".join(lines[first - 1 : last])
        found = reader(body, root / "basic-environment.txt") if reader else None
        if found is not None:
            return attrs.evolve(found, line=found.line + first - 1)
    return None


def shipped(nodes: Iterable[NodeTree]) -> Iterator[Installed]:
    """The minimum release of each component a node's distribution release shipped
    (:data:`SHIPPED`); LVM 2.02 on a Red Hat family 5, 6 or 7 node."""
    from .discover import display_path

    for node in nodes:
        found = release(node.root, node.etc)
        if found is None:
            continue
        if found.family == "rhel" and found.parts[0] in RED_HAT_LVM_202:
            why = f"Red Hat {found.parts[0]}'s lvm2 2.02 (/etc/{found.path.name} of {node.name})"
            yield "lvm2", node.name, _LVM_202, successor(_LVM_202), why
        where = f"'{found.said}' at {display_path(found.path)}:{found.line}"
        for component, low in SHIPPED.get((found.family, found.parts), {}).items():
            yield component, node.name, low, None, f"{found.name}'s {component} {low} ({where})"
