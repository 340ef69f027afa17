"""What xl refuses in the ``channel``, ``p9``, ``vtpm``, ``usbctrl``, ``usbdev``,
``viridian`` and ``pci`` lists of a domU config.

xl reads each spec itself in ``parse_config_data`` and exits on one it cannot use;
``xl create -n`` (peer-xl) refuses the config the same way. Line numbers are of
tools/xl/xl_parse.c at RELEASE-4.17.0 unless a release is named; the enlightenment
names of libxl_types.idl at each RELEASE-4.x.0 tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ...problems import ValueProblem
from ...versions import (
    XEN_TYPE,
    XEN_XL_CHANNEL,
    XEN_XL_P9,
    XEN_XL_P9_PAIRS,
    XEN_XL_PCI,
    XEN_XL_PCI_SPEC,
    XEN_XL_USB,
    XEN_XL_VTPM,
    Version,
)

if TYPE_CHECKING:
    from .xl import XlDocument

_NEVER = Version.parse("999")

#: libxl_viridian_enlightenment names, with the release whose libxl_types.idl
#: brought them (RELEASE-4.5.0 to 4.19.0); libxl__enum_from_string compares them
#: with strcasecmp (libxl_utils.c:1018).
_VIRIDIAN = {
    "base": "4.5",
    "freq": "4.5",
    "time_ref_count": "4.5",
    "reference_tsc": "4.6",
    "hcall_remote_tlb_flush": "4.7",
    "apic_assist": "4.7",
    "crash_ctl": "4.9",
    "synic": "4.13",
    "stimer": "4.13",
    "hcall_ipi": "4.13",
    "ex_processor_masks": "4.15",
    "no_vp_limit": "4.15",
    "cpu_hotplug": "4.15",
}

#: p9 keys xl 4.9 to 4.17 knows (xl_parse.c:2063-2075), and what 4.18 added
_P9_KEYS = ("security_model", "path", "tag", "backend")
_P9_KEYS_418 = (*_P9_KEYS, "type", "max-files", "max-open-files", "max-space", "auto-delete")
_P9_TYPES = ("qemu", "xen_9pfsd")

#: (list, its ``key=`` prefixes, the ``type=`` names libxl_types.idl gives, compared
#: with strcasecmp): parse_usbctrl_config and parse_usbdev_config (xl_parse.c:767-813,
#: the same in RELEASE-4.7.0's xl_cmdimpl.c:1270-1315, where they came in)
_USB = (
    ("usbctrl", ("type=", "version=", "ports="), ("auto", "pv", "devicemodel", "qusb")),
    ("usbdev", ("type=", "hostbus=", "hostaddr=", "controller=", "port="), ("hostdev",)),
)


def device_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """The ``channel``, ``p9``, ``vtpm``, ``usbctrl``, ``usbdev`` and ``viridian``
    specs xl refuses (peer-xl), and ``vnuma``, ``vdispl`` and ``vsnd`` (xl_frontends)."""
    yield from _refused_specs(
        doc,
        "channel",
        _channel_error,
        "write connection=pty, or connection=socket with path=, and name=",
        XEN_XL_CHANNEL,
    )
    yield from _p9_problems(doc)
    yield from _refused_specs(
        doc,
        "vtpm",
        _vtpm_error,
        "write backend=DOMAIN and, if wanted, uuid=8-4-4-4-12 hex digits",
        XEN_XL_VTPM,
    )
    yield from _usb_problems(doc)
    yield from _vif_blank_problems(doc)
    yield from _refused_specs(
        doc,
        "vkb",
        _vkb_error,
        "write backend-type=qemu or backend-type=linux and the keys of xl.cfg(5)",
        Version.parse("4.12"),
    )
    yield from _resource_problems(doc)
    yield from _grant_problems(doc)
    yield from _affinity_problems(doc)
    from .xl_enums import enum_problems, mca_caps_problems
    from .xl_frontends import frontend_problems

    yield from frontend_problems(doc)

    hvm = hvm_since(doc)
    yield from _viridian_problems(doc, hvm)
    yield from enum_problems(doc, hvm)
    yield from mca_caps_problems(doc, hvm)


def _vif_blank_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """``bridge=xenbr0 ,`` in a vif: xl cuts the spec at commas and keeps the blanks
    after a value (peer-xl 4.17: ``"bridge": "xenbr0 "``, ``"script": "vif-bridge "``,
    ``"ifname": "vm1.0 "``), so the hotplug script looks for a bridge, a script or an
    interface name with a blank in it, which no interface has (Linux dev_valid_name
    refuses white space), and the guest does not start. xm stripped each piece."""
    if not isinstance(doc.get("vif"), list):
        return
    for spec in doc._list("vif"):
        for piece in _pieces(spec):
            key, eq, value = piece.lstrip(" ").partition("=")
            if eq and key in ("bridge", "script", "vifname") and value != value.rstrip():
                yield ValueProblem(
                    doc.assignment("vif"),
                    f"vif '{spec}': xl keeps the blank after {key}={value.rstrip()}, and no"
                    f" {key} is named {value!r}: the hotplug script fails and the guest does"
                    " not start; write the spec without blanks",
                )


def _refused_specs(
    doc: XlDocument, key: str, error: Callable[[str], str | None], fix: str, since: Version
) -> Iterator[ValueProblem]:
    """Each spec of the ``key`` list that xl refuses, ``error`` saying what xl says of
    it (``None``: xl takes it)."""
    if not isinstance(doc.get(key), list):
        return
    for spec in doc._list(key):
        why = error(spec)
        if why is not None:
            yield ValueProblem(
                doc.assignment(key),
                f"{key} '{spec}': xl refuses the config ('{why}'); {fix}",
                since=("xen", since),
            )


#: A BDF (``[DDDD:]BB:DD.F``, ``*`` for every function) and an optional ``@VSLOT``.
_PCI_BDF = re.compile(
    r"(?:[0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.(?:[0-7]|\*)(?:@[0-9a-fA-F]{1,2})?"
)
#: The options xl 4.15 to 4.17 takes after the BDF (libxlu_pci.c:179-200).
_PCI_OPTIONS = (
    "bdf",
    "vslot",
    "permissive",
    "msitranslate",
    "seize",
    "power_mgmt",
    "rdm_policy",
    "name",
)


def pci_refusal(spec: str) -> tuple[str, str, Version] | None:
    """What xl says of a ``pci`` entry (quoted), the fix, and the release that says it;
    ``None`` when xl takes it: no BDF at all (xl_parse.c:1530; 4.15 on libxlu_pci.c
    parse_bdf wants one or two colons, else key=value pairs; older xlu_pci_parse_bdf a
    colon too), an option with no ``=`` after a plain BDF (4.6 to 4.14
    ``xlu_pci_parse_bdf`` ends outside its terminal state; 4.15 on ``parse_key_val``),
    an unknown option (4.15 on, ``xlu_pci_parse_spec_string``: "Unknown PCI_SPEC_STRING
    option"; older xl printed "Unknown PCI BDF option" and went on). The options of an
    entry whose BDF is not plain are left alone."""
    unparsed = f"'unable to parse PCI_SPEC_STRING `{spec}' for passthrough'"
    if ":" not in spec and "=" not in spec:
        return unparsed, "write the device as [DDDD:]BB:DD.F", XEN_XL_PCI
    fix = "write the options as key=value: permissive, msitranslate, seize, power_mgmt, rdm_policy"
    head, comma, rest = spec.partition(",")
    if not comma or not _PCI_BDF.fullmatch(head):
        return None
    while rest:
        key, eq, after = rest.partition("=")
        if not eq:
            return unparsed, fix, XEN_XL_PCI
        if key not in _PCI_OPTIONS:
            return f"'Unknown PCI_SPEC_STRING option: {key}'", fix, XEN_XL_PCI_SPEC
        rest = after.partition(",")[2]
    return None


def hvm_since(doc: XlDocument) -> Version | None:
    """The first release whose xl builds the guest as HVM: any with ``builder =
    "hvm"`` (4.0 here), 4.10 on with ``type = "hvm"`` alone (older xl ignored type);
    ``None``: a PV or PVH guest, or a type xl refuses."""
    kinds = {k: doc._kind(k) for k in ("type", "builder") if doc._atom(k)}
    if not kinds or None in kinds.values() or next(iter(kinds.values())) != "hvm":
        return None
    return Version.parse("4.0") if kinds.get("builder") == "hvm" else XEN_TYPE


def _pieces(spec: str) -> list[str]:
    """A spec cut at commas as strtok cuts it: no empty pieces."""
    return [p for p in spec.split(",") if p]


def _channel_error(spec: str) -> str | None:
    """xl_parse.c:2218-2275 (the same from RELEASE-4.5.0's xl_cmdimpl.c): each piece
    is key=value (split_string_into_pair; a piece with no '=' or nothing after it
    stops xl), the pair trimmed; ``connection`` is pty or socket (strcmp); a socket
    wants ``path``. An unknown key is only "ignoring". An empty spec is not checked."""
    if not spec:
        return None
    connection = path = None
    for piece in _pieces(spec):
        key, eq, value = piece.partition("=")
        if not eq or not value:
            return f"failed to parse channel configuration: {piece}"
        key, value = key.strip(), value.strip()
        if key == "path":
            path = value
        elif key == "connection":
            if value not in ("pty", "socket"):
                return f"unknown channel connection '{value}'"
            connection = value
    if connection is None:
        return "channel has unknown 'connection'"
    if connection == "socket" and path is None:
        return "channel connection 'socket' requires path=.."
    return None


def _p9_error_417(specs: list[str]) -> tuple[str, str] | None:
    """xl 4.9 to 4.17 (xl_parse.c:2040-2089): strtok at commas, blanks before a key
    skipped, a piece with no '=' ends the spec, a key other than the four exits;
    tag, path and security_model are kept from spec to spec (never reset) and all
    three must be set."""
    seen: set[str] = set()
    for spec in specs:
        for piece in _pieces(spec):
            key, eq, _ = piece.lstrip(" ").partition("=")
            if not eq:
                break
            if key not in _P9_KEYS:
                return spec, f"Unknown string `{key}' in 9pfs spec"
            seen.add(key)
        if not {"tag", "path", "security_model"} <= seen:
            return spec, "9pfs spec missing required field!"
    return None


def _p9_error_418(spec: str) -> str | None:
    """xl 4.18 on (xl_parse.c:2213-2252 of RELEASE-4.18.0): every piece a pair
    (strchr '=', a value after it), the key trimmed and known, ``type`` a libxl_p9_type."""
    for piece in _pieces(spec):
        key, eq, value = piece.partition("=")
        if not eq or not value:
            return f"failed to parse 9pfs configuration: {piece}"
        key, value = key.strip(), value.strip()
        if key not in _P9_KEYS_418:
            return f"Unknown 9pfs parameter '{key}'"
        if key == "type" and value.lower() not in _P9_TYPES:
            return f"failed to parse 9pfs type: {value}"
    return None


def _p9_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    if not isinstance(doc.get("p9"), list):
        return
    specs = doc._list("p9")
    old = _p9_error_417(specs)
    new = next(((s, w) for s in specs if (w := _p9_error_418(s)) is not None), None)
    fix = "write tag=, path= and security_model= (none, or mapped), comma-separated"
    if old is not None:  # (4.18 on forgives it unless it refuses a spec itself)
        (spec, why), who, since = old, "xl refuses", XEN_XL_P9
        reprieve = None if new is not None else (XEN_XL_P9_PAIRS, _NEVER)
    elif new is not None:
        (spec, why), who, since, reprieve = new, "xl 4.18 and later refuse", XEN_XL_P9_PAIRS, None
    else:
        return
    yield ValueProblem(
        doc.assignment("p9"),
        f"p9 '{spec}': {who} the config ('{why}'); {fix}",
        since=("xen", since),
        reprieve=reprieve,
    )


def _vtpm_error(spec: str) -> str | None:
    """xl_parse.c:2093-2135 (RELEASE-4.3.0 on, unchanged to 4.19): strtok at commas,
    blanks before a key skipped, a piece with no '=' ends the spec; the key is backend
    or uuid (a UUID libxl_uuid_from_string reads), and each spec names its backend."""
    from .xl_values import UUID

    backend = False
    for piece in _pieces(spec):
        key, eq, value = piece.lstrip(" ").partition("=")
        if not eq:
            break
        if key == "backend":
            backend = True
        elif key != "uuid":
            return f"Unknown string `{key}' in vtpm spec"
        elif not UUID.fullmatch(value):
            return f"Failed to parse vtpm UUID: {value}"
    return None if backend else "vtpm spec missing required backend field!"


def _usb_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """A ``usbctrl`` or ``usbdev`` piece xl does not know: each piece (strtok at
    commas, blanks before it skipped) starts with one of the list's ``key=`` (strncmp),
    and a ``type=`` names a libxl type; else xl exits."""
    for key, prefixes, types in _USB:
        if not isinstance(doc.get(key), list):
            continue
        for spec in doc._list(key):
            for piece in (p.lstrip(" ") for p in _pieces(spec)):
                start = next((p for p in prefixes if piece.startswith(p)), None)
                if start is None:
                    why = f"Unknown string `{piece}' in {key} spec"
                elif start == "type=" and piece[5:].lower() not in types:
                    why = (
                        f"Invalid usb controller type '{piece[5:]}'"
                        if key == "usbctrl"
                        else "Invalid usb device type"
                    )
                else:
                    continue
                yield ValueProblem(
                    doc.assignment(key),
                    f"{key} '{spec}': xl refuses the config ('{why}'); write"
                    f" {', '.join(prefixes)} (type= one of {', '.join(types)})",
                    since=("xen", XEN_XL_USB),
                )
                break


_BLANKS = "[ \t\n\v\f\r]*"
#: what strtoul(s, &ep, 16) reads ("0x" only before a hex digit), and scanf's %x
_HEX = rf"{_BLANKS}[+-]?(?:0[xX](?=[0-9a-fA-F]))?[0-9a-fA-F]+"
_IOPORT = re.compile(rf"({_HEX})(?:(-)(?:({_HEX})$)?)?")
_IRQ = re.compile(rf"{_BLANKS}([+-]?)([0-9]+)")
_IOMEM = re.compile(rf"{_HEX},{_HEX}")
_IOMEM_WHOLE = re.compile(rf"{_HEX},{_HEX}(?:@{_HEX})?")
_UINT32_MAX = 2**32 - 1


def _strtoul(text: str, base: int) -> int:
    """A number strtoul read whole: a '-' wraps it modulo 2**64, and one past
    ULONG_MAX is ULONG_MAX (ERANGE), as one of over 20 digits always is."""
    digits = text.strip().removeprefix("+").removeprefix("-")
    significant = (
        digits.lower().removeprefix("0x").lstrip("0") if base == 16 else digits.lstrip("0")
    )
    value = int(significant or "0", base) if len(significant) <= 20 else 2**64
    if value > 2**64 - 1:
        return 2**64 - 1
    return (-value) % 2**64 if text.strip().startswith("-") else value


def _ioport_error(item: str) -> str | None:
    """xl_parse.c:1916-1961 (RELEASE-4.2.0 on): strtoul base 16, a '-' and a second
    such number read whole; either at 0xffffffff or above is "too big". (Text after a
    single number is only a message; ``start > end`` is never true there.)"""
    m = _IOPORT.match(item)
    if m is None or (m.group(2) and m.group(3) is None):
        return f"xl: Invalid argument parsing ioport: {item}"
    for part in (m.group(1), m.group(3)):
        if part is not None and _strtoul(part, 16) >= _UINT32_MAX:
            return f"xl: ioport {_strtoul(part, 16):x} too big"
    return None


def _resource_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """``ioports`` and ``irqs`` items (4.2 on) and ``iomem`` ranges xl cannot read:
    irqs by strtoul base 10, whole (xl_parse.c:1964-1990); iomem by sscanf
    "%x,%x" (4.3 on) with nothing after but "@%x" (4.7 on; xl_parse.c:1992-2018)."""
    from ...versions import XEN_XL_VIF_RATE as since_42

    checks = {"ioports": since_42, "irqs": since_42, "iomem": Version.parse("4.3")}
    for key, since in checks.items():
        if not isinstance(doc.get(key), list):
            continue
        for item in doc._list(key):
            why = None
            if key == "ioports":
                why = _ioport_error(item)
            elif key == "irqs":
                m = _IRQ.fullmatch(item)
                if m is None:
                    why = f"xl: Invalid argument parsing irq: {item}"
                elif _strtoul(item, 10) >= _UINT32_MAX:
                    why = f"xl: irq {_strtoul(item, 10):x} too big"
            elif not _IOMEM.match(item):
                why = f"xl: Invalid argument parsing iomem: {item}"
            elif not _IOMEM_WHOLE.fullmatch(item):
                why, since = f"xl: Invalid argument parsing iomem: {item}", Version.parse("4.7")
            if why is not None:
                yield ValueProblem(
                    doc.assignment(key),
                    f"{key} '{item}': xl refuses the config ('{why}'); write "
                    + {
                        "ioports": "hex ports, one or a range: 3f8-3ff",
                        "irqs": "decimal numbers: [ 10, 11 ]",
                        "iomem": "hex START,PAGES[@GFN]: fe000,1",
                    }[key],
                    since=("xen", since),
                )


def _grant_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """``max_grant_frames`` and ``max_maptrack_frames`` (RELEASE-4.13.0 on) and
    ``max_grant_version`` (4.16 on) are read with xlu_cfg_get_bounded_long(0,
    INT_MAX) and xl exits, silently, on anything else: a list, ``+=``, no whole
    number, one out of bounds (xl_parse.c:1420-1445; libxlu_cfg.c:270-322)."""
    for key, since in (
        ("max_grant_frames", "4.13"),
        ("max_maptrack_frames", "4.13"),
        ("max_grant_version", "4.16"),
    ):
        if doc.assignment(key) is None:
            continue
        number = doc._long(key)
        if number is None or not 0 <= number <= 2**31 - 1:
            yield ValueProblem(
                doc.assignment(key),
                f"{key}: xl refuses the config (it exits without a word: no whole number"
                " from 0 to 2147483647, as xlu_cfg_get_bounded_long wants); write one",
                since=("xen", Version.parse(since)),
            )


def _affinity_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """A ``cpus`` list entry and a ``cpus_soft`` value or list entry xl cannot read
    (RELEASE-4.5.0 on; the string ``cpus`` is XlDocument's check). parse_vcpu_affinity
    (xl_parse.c:312-385) reads a string once, and a list's first max_vcpus entries
    only (maxvcpus, else vcpus, else none: xl_parse.c:1382-1404), up to the first
    that is no string, each with parse_cpurange as ``cpus`` is read."""
    from .xl_values import cpu_range_ok

    top = doc._long("maxvcpus") or doc._long("vcpus") or 0
    for key in ("cpus", "cpus_soft"):
        value = doc.get(key)
        if isinstance(value, list):
            entries = []
            for entry in value[: max(top, 0)]:
                if isinstance(entry, list):
                    break
                entries.append(str(entry))
        elif key == "cpus_soft" and doc._atom(key):
            entries = [str(value)]
        else:
            continue
        for entry in entries:
            bad = next((r for r in entry.split(",") if r and not cpu_range_ok(r)), None)
            if bad is not None:
                said = (
                    'Can\'t combine "^" and "all".'
                    if bad == "^all"
                    else f"Invalid pcpu range: {bad}."
                )
                yield ValueProblem(
                    doc.assignment(key),
                    f"{key} '{entry}': xl refuses the config ('{said}'); write ranges"
                    " low-high, low first, with no blanks",
                    since=("xen", XEN_XL_CHANNEL),
                )
                break


#: parse_vkb_config's "key=" prefixes (xl_parse.c:1107-1147; RELEASE-4.12.0 on,
#: the XENKBD_FIELD_* names of xen/include/public/io/kbdif.h)
_VKB_KEYS = (
    "backend=",
    "backend-type=",
    "unique-id=",
    "feature-disable-keyboard=",
    "feature-disable-pointer=",
    "feature-abs-pointer=",
    "feature-raw-pointer=",
    "feature-multi-touch=",
    "multi-touch-width=",
    "multi-touch-height=",
    "multi-touch-num-contacts=",
    "width=",
    "height=",
)
_STRTOUL0 = re.compile(rf"{_BLANKS}[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def _nonzero(text: str) -> bool:
    """Whether strtoul(text, NULL, 0) is not 0: a digit other than 0 in what it reads."""
    m = _STRTOUL0.match(text)
    digits = m.group(1) if m else ""
    return digits[2:].strip("0") != "" if digits[:2].lower() == "0x" else digits.strip("0") != ""


def _vkb_error(spec: str) -> str | None:
    """parse_vkb_list (xl_parse.c:1150-1205): each piece (strtok at commas, blanks
    before it skipped) starts with a known ``key=``; ``backend-type`` is qemu or linux
    (libxl_vkb_backend, strcasecmp; "unknown" is no type), and must be given; a
    ``feature-multi-touch`` wants a multi-touch size."""
    backend = False
    values: dict[str, str] = {}
    for piece in (p.lstrip(" ") for p in _pieces(spec)):
        key = next((k for k in _VKB_KEYS if piece.startswith(k)), None)
        if key is None:
            return f'Unknown string "{piece}" in vkb spec'
        value = piece[len(key) :]
        if key == "backend-type=":
            if value.lower() not in ("unknown", "qemu", "linux"):
                return f'Unknown backend_type "{value}" in vkb spec'
            backend = value.lower() != "unknown"
        values[key] = value
    if not backend:
        return "backend-type should be set in vkb spec"
    sizes = ("multi-touch-width=", "multi-touch-height=", "multi-touch-num-contacts=")
    sized = any(_nonzero(values.get(k, "")) for k in sizes)
    if _nonzero(values.get("feature-multi-touch=", "")) and not sized:
        return "multi-touch-width, multi-touch-height, multi-touch-num-contacts should be set"
    return None


def _viridian_problems(doc: XlDocument, hvm: Version | None) -> Iterator[ValueProblem]:
    """An HVM guest's ``viridian`` list (xl_parse.c:1714-1754, 4.5 on): "all" and
    "defaults" (strcmp), else a name with an optional leading '!' that libxl knows
    ("xl: unknown viridian enlightenment 'x'"). A PV guest's list is not read."""
    if hvm is None or not isinstance(doc.get("viridian"), list):
        return
    for name in doc._list("viridian"):
        if name in ("all", "defaults"):
            continue
        known = _VIRIDIAN.get(name.removeprefix("!").lower())
        since = max(XEN_XL_CHANNEL, hvm)
        if known is not None and Version.parse(known) <= since:
            continue
        yield ValueProblem(
            doc.assignment("viridian"),
            f"viridian '{name}': xl refuses the config ('xl: unknown viridian"
            f" enlightenment '{name.removeprefix('!')}''); "
            + (
                f"libxl knows it from Xen {known} on"
                if known is not None
                else "write all, defaults, or names such as base, freq, time_ref_count"
            ),
            since=("xen", since),
            reprieve=None if known is None else (Version.parse(known), _NEVER),
        )
