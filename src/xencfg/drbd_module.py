"""The DRBD kernel module a node loads, where its package list names none: the
release drbd.conf is read for.

drbd-utils 9's drbdadm asks the loaded module's release (``modinfo``) and, for an 8.4
or 8.3 module, execs ``/lib/drbd/drbdadm-84`` or ``-83``, which read the 8.4 or 8.3
syntax (``DRBD_DRIVER_VERSION_OVERRIDE=8.4.x`` picks the same parser: see the
peer-drbdadm modes in oracle/peers/README.md). So a Debian or Ubuntu node with
drbd-utils 9 and the kernel's own module refuses DRBD 9's syntax (``fencing`` in
``net``) as drbdadm-84 does, whatever its userland's number.

Evidence, per node tree (none, no answer: the release stays what the files say):

* a ``modinfo`` capture (a sosreport's ``sos_commands/kernel/modinfo_ALL_MODULES``,
  or ``xencfg capture``'s ``var/lib/xencfg/state/modinfo_drbd.txt``): the
  ``version:`` of the module whose ``filename:`` is a ``drbd.ko``;
* the kernel's modules in the tree: ``lib/modules/REL/kernel/drivers/block/drbd/drbd.ko``
  and no other ``drbd.ko`` under ``lib/modules/REL`` (dkms installs its build in
  ``updates/dkms``, LINBIT's ``make install`` in ``updates``): kernel REL's own DRBD;
* a Debian or Ubuntu node (their kernels build ``drbd.ko``, CONFIG_BLK_DEV_DRBD=m)
  whose package list names no module package (drbd-dkms, drbd8-module-*, kmod-drbd*,
  drbd-kmp-*), whose ``lib/modules`` holds no ``drbd.ko`` outside the kernel's tree,
  and whose kernel a ``uname -a`` capture, ``lib/modules/REL`` or a
  ``linux-image-REL`` package names: that kernel's own DRBD.

A node with a ``/proc/drbd`` capture is left alone: the running module's
``version:`` says it (:func:`xencfg.versions.infer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .formats.schema import Version
from .live import STATE_DIR

if TYPE_CHECKING:
    from .cluster import Loaded
    from .discover import NodeTree
    from .versions import Installed

#: Linux release -> the DRBD series its own drivers/block/drbd is (drbd.org's
#: download/mainline table: 2.6.33 brought 8.3.7, 3.8 brought 8.4.2; 8.4.11 in
#: torvalds/linux include/linux/drbd_config.h since). LINBIT works on DRBD 9 for a
#: Linux 7.x: from 7.0 on, the kernel's release proves nothing.
_KERNEL_DRBD = (
    (Version((2, 6, 33)), Version((8, 3)), Version((8, 4))),
    (Version((3, 8)), Version((8, 4)), Version((9, 0))),
)
_KERNEL_UNKNOWN_FROM = Version((7, 0))

#: Packages that install a DRBD module of their own (the release is theirs: installed.py).
_MODULE_PACKAGE = re.compile(r"drbd-dkms|drbd[0-9]*-module-.+|kmod-drbd.*|drbd-kmp-.+")
#: Debian's and Ubuntu's kernel image packages, named by the release they install.
_IMAGE = re.compile(r"linux-image-(?:unsigned-)?([0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,6}-\S+)")
_RELEASE = re.compile(r"([0-9]{1,4})\.([0-9]{1,4})(?:\.([0-9]{1,6}))?")
_IN_TREE = "kernel/drivers/block/drbd"
#: Where a modinfo capture is: a sosreport's (every loaded module), ``xencfg capture``'s.
_MODINFO = ("sos_commands/kernel/modinfo_ALL_MODULES", f"{STATE_DIR}/modinfo_drbd.txt")


def evidence(nodes: Iterable[NodeTree], loaded: Iterable[Loaded]) -> Iterator[Installed]:
    """``(component, node, low, below, why)`` of each node whose module the tree
    shows (see the module docstring), for :func:`xencfg.versions.infer`."""
    from .distro import release

    loaded = list(loaded)
    for node in nodes:
        if node.root == node.etc:
            continue  # an /etc alone shows no kernel
        mine = [i for i in loaded if i.node == node.name]
        if not any(i.file.format == "drbd" for i in mine):
            continue  # (no drbd.conf: no release to judge it by)
        if any(i.file.format == "proc-drbd" for i in mine):
            continue  # the running module says it
        found = _modinfo(node.root) or _kernel_tree(node.root)
        if found is None:
            distro = release(node.root, node.etc)
            if distro is not None and distro.family in ("debian", "ubuntu"):
                found = _packaged(node.root, mine)
        if found is not None:
            low, below, why = found
            yield "drbd", node.name, low, below, why


def _series(kernel: str, why: str) -> tuple[Version, Version, str] | None:
    """The DRBD series Linux ``kernel`` (a ``uname -r``) carries, or ``None``."""
    m = _RELEASE.match(kernel)
    if m is None:
        return None
    from .syntax.numbers import decimal

    v = Version(tuple(decimal(p) for p in m.groups() if p is not None))
    if v >= _KERNEL_UNKNOWN_FROM:
        return None
    rows = [(low, below) for since, low, below in _KERNEL_DRBD if v >= since]
    if not rows:
        return None
    low, below = rows[-1]
    return low, below, f"Linux {kernel}'s own DRBD {low} module ({why})"


def _modules(root: Path) -> dict[str, list[str]]:
    """Kernel release -> the paths of its ``drbd.ko`` files (below ``lib/modules/REL``)."""
    from .discover import in_root
    from .syntax.source import OutsideRoot

    try:
        base = in_root(root / "lib" / "modules", root, root / "etc")
        kernels = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    except (OutsideRoot, ValueError, OSError):
        return {}
    out: dict[str, list[str]] = {}
    for k in kernels[:64]:
        try:
            found = [str(p.relative_to(k)) for p in k.rglob("drbd.ko*") if _is_drbd(p.name)]
        except OSError:
            found = []
        out[k.name] = found
    return out


def _is_drbd(name: str) -> bool:
    """``drbd.ko``, ``drbd.ko.xz``, ``drbd.ko.zst``: the module (not drbd_transport_tcp)."""
    return name.split(".")[:2] == ["drbd", "ko"]


def _kernel_tree(root: Path) -> tuple[Version, Version, str] | None:
    """The kernel's own drbd.ko and no other, in every kernel of the tree alike."""
    kernels = _modules(root)
    answers = set()
    for kernel, found in kernels.items():
        if not found or any(not f.startswith(_IN_TREE + "/") for f in found):
            return None  # no module (nothing to say), or an out-of-tree build
        answers.add(_series(kernel, f"lib/modules/{kernel}/{found[0]}"))
    if len(answers) != 1:
        return None
    return answers.pop()


def _packaged(root: Path, mine: list[Loaded]) -> tuple[Version, Version, str] | None:
    """A Debian/Ubuntu node's package list with no DRBD module package: the kernel's own
    module, of the kernel a uname capture, lib/modules or an image package names."""
    from .discover import display_path
    from .installed import packages

    listed = packages(root)
    if not listed or any(_MODULE_PACKAGE.fullmatch(p.name.split(":")[0]) for p in listed):
        return None
    kernels = _modules(root)
    if any(not f.startswith(_IN_TREE + "/") for fs in kernels.values() for f in fs):
        return None  # a drbd.ko built outside the kernel (dkms, make install)
    named = [
        (str(release), f"uname -a at {i.where()}")
        for i in mine
        if i.file.format == "uname" and (release := getattr(i.doc, "release", None))
    ]
    named = named or [(k, f"lib/modules/{k}") for k in kernels]
    if not named:
        for p in listed:
            if m := _IMAGE.fullmatch(p.name.split(":")[0]):
                named.append((m[1], f"'{p.name} {p.version}' at {display_path(p.path)}:{p.line}"))
    none = f"no DRBD module package in {listed[0].path.name}"
    answers = [_series(kernel, f"{why}; {none}") for kernel, why in named]
    if not answers or None in answers or len({a[:2] for a in answers if a}) != 1:
        return None  # no kernel named, or one whose DRBD is not known, or two series
    return answers[0]


def _modinfo(root: Path) -> tuple[Version, Version, str] | None:
    """The ``version:`` of drbd.ko in a sosreport's modinfo of every loaded module, else
    in ``xencfg capture``'s ``modinfo drbd`` (the same ``key: value`` lines)."""
    from .discover import _etc_text

    for path in _MODINFO:
        text = _etc_text(root, root, path, 16 * 1024 * 1024)
        if text is not None:
            return _modinfo_version(text, path)
    return None


def _modinfo_version(text: str, path: str) -> tuple[Version, Version, str] | None:
    drbd = False
    for n, line in enumerate(text.split("\n"), 1):
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "filename":
            drbd = _is_drbd(Path(value).name)
        elif key == "version" and drbd:
            m = _RELEASE.match(value)
            if m is None:
                return None
            run = Version.parse(m[0])
            below = Version((run.parts[0], run.parts[1] + 1))
            return run, below, f"modinfo's 'version: {value[:40]}' at {path}:{n}"
    return None
