"""One domU config at a time: vifs, memory, what xl refuses and what it ignores (XN010-XN016,
XN020)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ...cluster import Loaded
from ...findings import Finding
from ...versions import (
    XEN_BOOTLOADER_ANY_TYPE,
    XEN_BOOTLOADER_SPLIT,
    XEN_NO_XEND,
    XEN_TYPE,
    XEN_XL,
)
from .. import make, rule
from ..documents import domu_doc as _domu
from ..documents import xl_doc as _xl

if TYPE_CHECKING:
    from ...formats.xen.domu import DomUDocument
    from ...formats.xen.xl import XlDocument

from .common import _TEMPLATE, DOMU_FORMATS, _is_domu, _label, _where


@rule("XN010", "vif-without-mac", "warning", formats=DOMU_FORMATS)
def vif_without_mac(item: Loaded) -> Iterator[Finding]:
    """A vif has no ``mac=``.

    Why it matters: Xen invents a random MAC at every start, so after each
    fail-over the guest's udev renames eth0 to eth1, DHCP leases and ARP
    caches are wrong.

    Example: ``vif = ['bridge=xenbr0']``.

    Fix: ``vif = ['mac=00:16:3e:XX:XX:XX,bridge=xenbr0']`` with a fixed MAC.
    """
    if not _is_domu(item):
        return
    for i, v in enumerate(_domu(item).vifs):
        if v.mac is None:
            yield make(
                "XN010",
                f"vif {i} ({v.raw.strip() or 'empty'}) of domU {_label(item)} has no mac=:"
                " a new random MAC on every start",
                _where(item, "vif"),
            )


@rule("XN011", "vif-bad-mac", "warning", formats=DOMU_FORMATS)
def vif_bad_mac(item: Loaded) -> Iterator[Finding]:
    """A vif MAC that is malformed, multicast, or a vendor's (globally
    administered) address outside Xen's 00:16:3e range.

    Why it matters: a multicast MAC is refused by the bridge; a vendor address
    may collide with real hardware on the LAN.

    Example: ``mac=a0:00:00:01:00:01``.

    Fix: ``00:16:3e:XX:XX:XX`` (or a locally administered ``02:...`` MAC).
    """
    if not _is_domu(item):
        return
    for i, v in enumerate(_domu(item).vifs):
        if v.mac is None or v.mac_kind in ("xen", "local"):
            continue
        why = {
            None: "is not a MAC address",
            "multicast": "is a multicast address (a NIC cannot use it)",
            "global": "is a vendor's address outside Xen's 00:16:3e range: it may collide",
        }[v.mac_kind]
        yield make(
            "XN011", f"vif {i} mac {v.mac} of domU {_label(item)} {why}", _where(item, "vif")
        )


@rule("XN012", "domu-incomplete", "warning", formats=DOMU_FORMATS)
def domu_incomplete(item: Loaded) -> Iterator[Finding]:
    """A domU config without a ``name``, or a PV guest with neither ``kernel`` nor
    ``bootloader``.

    Why it matters: xl refuses a config without a name and the cluster cannot
    tell guests apart; a PV guest without a kernel or bootloader does not boot.

    Example: a fragment with only ``root`` and ``extra``.

    Fix: add ``name = "..."`` and ``kernel`` (or ``bootloader = "pygrub"``).
    An xl-style config reports both as XC005 errors instead: xl refuses it. A CPU
    pool definition (``name``, ``sched``, ``cpus``: ``xm pool-create``,
    xlcpupool.cfg(5)) is no domU config.
    """
    if not _is_domu(item) or item.file.format == "xl":
        return
    doc = _domu(item)
    if _NOT_DOMU_NAME.search(item.file.path.name) or _cpupool(doc):
        return
    computed = set(doc.computed)
    missing = []
    if doc.name is None and "name" not in computed:
        missing.append("no name")
    if (
        not doc.is_hvm
        and not ({"kernel", "bootloader", "builder", "type"} & computed)
        and doc.kernel is None
        and doc.bootloader is None
    ):
        missing.append("neither kernel nor bootloader")
    if missing:
        yield make(
            "XN012",
            f"domU config {Path(item.file.display).name} has {' and '.join(missing)}",
            item.where(),
        )


@rule("XN013", "memory-above-maxmem", "warning", formats=DOMU_FORMATS)
def memory_above_maxmem(item: Loaded) -> Iterator[Finding]:
    """``memory`` is larger than ``maxmem``.

    Why it matters: xm refuses to create the guest: xend (3.2 to 4.4) sets
    memory_dynamic_max from ``memory`` and memory_static_max from ``maxmem``, and
    XendConfig._memory_sanity_check raises "memory_dynamic_max must be less than
    or equal to memory_static_max". xl 4.17 takes the config (peer-xl) but libxl
    sets the domain's ceiling from ``memory`` (libxl_dom.c
    ``xc_domain_setmaxmem(target_memkb + ...)``): the maxmem written is not what
    the guest gets.

    Example: ``memory = 1024`` with ``maxmem = 512``.

    Fix: ``maxmem`` >= ``memory``.
    """
    if not _is_domu(item):
        return
    doc = _domu(item)
    mem, top = doc.memory, doc.maxmem
    if isinstance(mem, int) and isinstance(top, int) and mem > top:
        why = (
            ": xm refuses to create the guest (xend: 'memory_dynamic_max must be less than"
            " or equal to memory_static_max')"
            if item.file.format == "xm"
            else ": xl takes it and caps the guest at memory"
        )
        yield make(
            "XN013",
            f"memory {mem} MiB is above maxmem {top} MiB{why}",
            _where(item, "memory"),
            [_where(item, "maxmem")],
        )


def _xl_severity(item: Loaded, found: Finding) -> Finding | None:
    """An xl refusal as it stands in the release in force: an error where xl is the
    only toolstack (Xen 4.5 or later), a warning while xm may still read the file
    (release unknown, or before 4.5), nothing before Xen 4.1, which had no xl."""
    xen = item.versions.of("xen", item.node or "")
    if xen.older_than(XEN_XL):
        return None
    return found if xen.at_least(XEN_NO_XEND) else attrs.evolve(found, severity="warning")


@rule("XN015", "xl-syntax-refused", "error", formats=("xl", "xm"))
def xl_syntax_refused(item: Loaded) -> Iterator[Finding]:
    """Text in an xl-style domU config that xl's scanner refuses, though the file
    reads here (and xm, which ran Python, read it); and, where xl is the only
    toolstack (Xen 4.5 or later in force), a literal xm config xl refuses.

    Why it matters: ``xl create`` stops with "config parsing error near ...:
    lexical error" and the domU does not start. xl's scanner (libxlu_cfg_l.l)
    knows only blanks and tabs as space, names of lower-case letters, digits,
    ``_`` and ``.`` that start with a letter, numbers of digits, ``a``-``f`` and
    ``x``, and a comment up to a newline; its string reader (libxlu_cfg.c
    ``xlu__cfgl_dequote``) refuses unknown escapes and every ``\\x`` one. So a
    CRLF file, a byte-order mark, ``Memory = 512``, ``memory = 512.5``, a last
    line ``# end`` with no newline, or ``extra = "a\\qb"`` stop it. An error
    where xl is the only toolstack (Xen 4.5 or later in force), a warning while
    xm may still read the file, nothing before Xen 4.1.

    Example: a domU config saved with CRLF line ends, on Xen 4.17.

    Fix: ``dos2unix`` the file, write names in lower case, end the file with a
    newline, write numbers as integers.

    A config with no Python statement in it (read here as xm: plain assignments of
    Python literals) is xl's to read from Xen 4.5 on, and xl refuses Python's
    spellings of literals: ``vcpus = -1``, ``acpi = True``, a ``\\`` line
    continuation, ``extra = "a" "b"`` (Python joins the two strings; xl's grammar
    wants a comma), ``disk = ( '...', )``, ``vif = [ , ]`` (peer-xl: "config parsing
    error near `-1': lexical error", "syntax error, unexpected STRING"). An error
    there only; one with Python statements in it is XC008's.
    """
    from ...formats.xen.xl import lexical_error, xl_refusal

    doc = _domu(item)
    if not _is_domu(item) or not doc.source:
        return
    if item.file.format == "xm":
        xen = item.versions.of("xen", item.node or "")
        if doc.code or not xen.at_least(XEN_NO_XEND):
            return  # (xm may read it, or XC008 reports its Python)
        refused = xl_refusal(doc.source)
        if refused is not None:
            yield make(
                "XN015",
                f"xl refuses the file ({xen.describe('Xen')} has no xm): {refused[1]}",
                item.where(refused[0]),
            )
        return
    found = lexical_error(doc.source)
    if found is not None:
        at, why = found
        out = _xl_severity(item, make("XN015", f"xl refuses the file: {why}", item.where(at)))
        if out is not None:
            yield out


@rule("XN014", "xl-disk-spec-refused", "error", formats=("xl", "xm"))
def xl_disk_spec_refused(item: Loaded) -> Iterator[Finding]:
    """A ``disk`` entry of an xl-style config that xl's disk parser refuses.

    Why it matters: ``xl create`` stops with "config parsing error in disk
    specification" and the domU does not start. xm read the same spec: xl has
    no ``w!`` access, reads ``/dev/vg/lv,xvda,w`` (no ``phy:``) as
    target,format,vdev (``xvda`` is no format), keeps a space after a
    parameter (``w `` is no access), and knows ``phy:``, ``file:``, ``tap:``,
    ``aio:``, ``drbd:``, ``iscsi:``, ``nbd:`` and format prefixes only
    (tools/libs/util/libxlu_disk_l.l, xl-disk-configuration(5)). An error where
    xl is the only toolstack (Xen 4.5 or later in force); a warning while xm
    may still read the file (release unknown, or before 4.5); nothing before
    Xen 4.1, which had no xl.

    Example: ``disk = [ 'phy:/dev/vg/web,xvda,w!' ]`` on Xen 4.17.

    ``trusted`` and ``untrusted`` (documented from Xen 4.17) are known to xl from
    4.19 only: its disk scanner was regenerated then, and xl 4.17 and 4.18 read them
    as a positional parameter ("target respecified", "too many positional
    parameters"; peer-xl 4.17), so they are reported where an older release is known.

    A parameter written after ``target=`` (``target=/dev/vg/a,access=ro``) is read
    as part of the path: xl takes the spec, but libxl finds no such device when the
    guest starts ("Disk vdev=xvda failed to stat: /dev/vg/a,access=ro",
    libxl_device.c), so it is reported as well; so is a blank xl keeps at the end of the
    path (``phy:/dev/drbd0 ,xvda,w``; after ``target=`` at its start too).

    A config read here as xm with no Python statement in it is xl's to read from
    Xen 4.5 on: its disk specs are checked there too (an error there only).

    Fix: write the spec xl reads: ``phy:/dev/vg/web,xvda,w``, or
    ``format=raw, vdev=xvda, access=rw, target=/dev/vg/web``.
    """
    from ...formats.xen.xl_disk import disk_spec_error, target_blank, target_swallows
    from ...versions import XEN_XL_DISK_FLAGS

    doc = _domu(item)
    if not _is_domu(item) or "disk" in doc.computed:
        return
    if item.file.format == "xm" and (
        doc.code or not item.versions.of("xen", item.node or "").at_least(XEN_NO_XEND)
    ):
        return  # (xm reads it; XC008 reports Python code)
    # xl before 4.19 reads ``trusted`` as a positional parameter (a release not known
    # may be 4.19: the flag is taken then)
    flags_419 = not item.versions.of("xen", item.node or "").older_than(XEN_XL_DISK_FLAGS)
    for spec in doc._list("disk"):
        why = disk_spec_error(spec, flags_419)
        swallowed = target_swallows(spec) if why is None else None
        blank = target_blank(spec) if why is None and swallowed is None else None
        if swallowed is not None:
            why = (
                f"target= takes the rest of the spec, '{swallowed}' too, as the path, so"
                " the device does not exist when the guest starts ('Disk ... failed to"
                " stat'); write target= last"
            )
        elif blank is not None:
            why = (
                f"xl keeps the blank in the path {blank!r}, so the device does not exist"
                " when the guest starts; write the path without blanks around it"
            )
        if why is None:
            continue
        found = make(
            "XN014",
            f"xl refuses disk '{spec}' of domU {_label(item)}: {why}",
            _where(item, "disk"),
        )
        out = _xl_severity(item, found)
        if out is not None:
            yield out


def _cpupool(doc: DomUDocument) -> bool:
    """A CPU pool definition: ``sched`` (no domU key of xm or xl), and nothing a domU
    needs (``xm pool-create`` and ``xl cpupool-create`` read these)."""
    keys = {a.key for a in doc.assignments()}
    return "sched" in keys and not keys & {"memory", "kernel", "disk", "vif", "bootloader"}


#: xl-syntax files that are no domU config: xl.conf and cpupool definitions.
_NOT_DOMU_NAME = re.compile(r"^xl\.conf$|cpupool", re.I)


def _xl_reading(item: Loaded) -> XlDocument | None:
    """The config as ``xl create`` reads it: an xl file's own document; an xm file
    with no Python statement in it read by xl's parser where xl is the only toolstack
    (Xen 4.5 or later in force; ``None`` before, or with the release unknown: xm may
    read it, and takes ``builder = 'linux'``); ``None`` for one xl cannot read at all
    (XN015 reports that) or with Python code (XC008's)."""
    from ...errors import ParseError
    from ...formats.xen.xl import parse, xl_refusal

    if item.file.format == "xl":
        return _xl(item)
    doc = _domu(item)
    if item.file.format != "xm" or doc.code or not doc.source:
        return None
    if not item.versions.of("xen", item.node or "").at_least(XEN_NO_XEND):
        return None
    if xl_refusal(doc.source) is not None:
        return None
    try:
        return parse(doc.source)
    except ParseError:  # what xl reads and the grammar here does not (``memory = 256;;``)
        return None


@rule("XN016", "xl-domu-refused", "error", formats=("xl", "xm"))
def xl_domu_refused(item: Loaded) -> Iterator[Finding]:
    """An xl domU config that ``xl create`` refuses for its domain type or for having
    no settings at all, or on which it crashes, though it parses.

    Why it matters: the domU does not start. xl_parse.c reads ``type`` (Xen 4.10
    on) as a prefix of hvm, pv or pvh and ``builder`` as a prefix of hvm or generic,
    case-sensitively, so ``type = "HVM"`` and xm's ``builder = "linux"`` stop it
    with "Invalid domain type HVM."; a ``builder`` whose type differs from ``type``
    stops it with "Contradicting "builder" and "type" options specified."; a file
    with no settings (all comments) with "Domain name must be specified.". A
    ``bootloader_args`` string with no word in it (``""``) crashes xl (segmentation
    fault): xl_parse.c splits a string there (Xen 4.2 on, deprecated) with
    ``split_string_into_string_list``, which counts one word where ``strtok_r``
    finds none and ``strdup()``s NULL; xl reads the key of PV guests, and of every
    type in Xen 4.17. Checked with xl 4.17. An error where xl is the only toolstack
    (Xen 4.5 or later in force; for type and builder 4.10 or later), a warning
    while the release is unknown or xm may still read the file, nothing for type
    and builder before Xen 4.10 (xl then took any builder but hvm as PV and ignored
    ``type``), nothing for ``bootloader_args`` before 4.2 (xl took the string
    whole), nothing before Xen 4.1. xl.conf and cpupool files are no domU configs.

    A config read here as xm with no Python statement in it is xl's to read from
    Xen 4.5 on (xend is gone): it is checked there too, an error there only (xm,
    which takes ``builder = 'linux'``, may read it while the release is unknown).

    Example: ``type = "HVM"``; ``builder = "hvm"`` with ``type = "pv"``;
    ``bootloader_args = ""``.

    Fix: write ``type = "hvm"`` (or pv, pvh) in lower case and remove ``builder``;
    give the config at least a ``name``; remove an empty ``bootloader_args`` or
    write the arguments as a list (``bootloader_args = [ "-q" ]``).
    """
    if _TEMPLATE.match(item.file.path.name) or _NOT_DOMU_NAME.search(item.file.path.name):
        return
    doc = _xl_reading(item)
    if doc is None:
        return
    found: list[Finding] = []
    if not doc.assignments():
        found.append(
            make(
                "XN016",
                "no settings at all: xl refuses the config ('Domain name must be specified.')",
                item.where(None),
            )
        )
    elif not item.versions.of("xen", item.node or "").older_than(XEN_TYPE):
        for p in doc.domain_type_problems():
            found.append(make("XN016", p.message, item.where(p.node)))
    xen = item.versions.of("xen", item.node or "")
    if doc.assignments() and not xen.older_than(XEN_BOOTLOADER_SPLIT):
        crash = doc.bootloader_args_problem(xen.at_least(XEN_BOOTLOADER_ANY_TYPE))
        if crash is not None:
            found.append(make("XN016", crash.message, item.where(crash.node)))
    for f in found:
        out = _xl_severity(item, f)
        if out is not None:
            yield out


@rule("XN020", "xl-setting-ignored", "warning", formats=("xl", "xm"))
def xl_setting_ignored(item: Loaded) -> Iterator[Finding]:
    """A setting of a domU config that ``xl create`` takes and then ignores or drops.

    Why it matters: xl starts the guest and says so only on its terminal (or not at
    all), so the guest runs without what the file asks for. xl ignores
    ``device_model`` ("WARNING: ignoring device_model directive.", Xen 4.2 on),
    ``vif2`` (4.2 on), an HVM guest's ``kernel`` (one named hvmloader from 4.2 on;
    any other only in 4.2 to 4.4: later xl boots it), an HVM guest's ``vfb`` list
    (libxl takes its display from the top-level vnc settings), the top-level vnc
    settings of a PV guest that has a vfb list, an HVM guest's ``stdvga`` beside a
    ``vga`` that says otherwise (4.3 on), ``vncviewer`` (4.5 on), ``root`` and
    ``extra`` beside ``cmdline`` (4.5 on), and ``cmdline`` itself before 4.5 (xl
    read it from 4.5 on). It drops a vif ``type``
    other than vif or ioemu ("Invalid parameter `type'.", 4.6 on: xm's
    ``type=netfront`` no longer makes a PV-only NIC), a vif argument it does not
    know ("unrecognized argument", written ``mac = ...`` with blanks too; older xl
    said nothing) or knows only from a later release (``mtu=`` from 4.15),
    ``accel=``, a vfb key it does not know (xm's ``type=sdl``: the guest gets VNC),
    and an unknown channel key ("unknown channel parameter"). xl before 4.6
    stopped reading a vif spec at a piece with no ``=``, and every xl a vfb spec.
    It warns of ``tsc_mode``, and an HVM guest's ``timer_mode``, written as a number
    (xm's spelling): 'WARNING: specifying "tsc_mode" as an integer is deprecated.
    Please use the named parameter variant.' (4.2 on; it reads the number).
    Line numbers and releases: tools/xl/xl_parse.c at RELEASE-4.17.0 and the same
    code at each RELEASE-4.x.0 tag; the 4.17 messages checked with peer-xl.

    Nothing for a release whose xl reads the setting (``kernel`` of an HVM guest
    on Xen 4.1, ``type=netfront`` before 4.6), nor before Xen 4.1. A config read
    here as xm with no Python statement in it is xl's from Xen 4.5 on and is
    checked there.

    Example: ``vif = [ 'type=netfront, mac=00:16:3e:68:b2:12, bridge=xenbr0' ]``
    and ``device_model = 'qemu-dm'`` in an HVM guest on Xen 4.17.

    Fix: what the message says: remove the setting, or write the one xl reads
    (``type=vif``, ``device_model_override``, ``firmware_override``, top-level
    ``vnclisten``, ``tsc_mode = "always_emulate"``).
    """
    from ...formats.xen.xl_ignored import ignored_settings

    if _TEMPLATE.match(item.file.path.name) or _NOT_DOMU_NAME.search(item.file.path.name):
        return
    doc = _xl_reading(item)
    if doc is None:
        return
    xen = item.versions.of("xen", item.node or "")
    if xen.older_than(XEN_XL):
        return
    for p in ignored_settings(doc):
        if p.refused_in(xen) is not False:
            yield make("XN020", p.message, item.where(p.node), severity="warning")
