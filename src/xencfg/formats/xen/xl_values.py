"""The values of an xl domU config that xl reads by its own rules: the domain types,
``tsc_mode`` and ``timer_mode`` names, numbers as C's strtol and strtoull read them,
vif ``rate=`` and ``mtu=``, ``cpus`` ranges, ``on_*`` actions and UUIDs.

Split from :mod:`.xl` (the document and its checks use these); line numbers are of
tools/xl/xl_parse.c and tools/libs/util/libxlu_vif.c at RELEASE-4.17.0 unless a
release is named.
"""

from __future__ import annotations

import re

from ..._lazy import lazy_re
from ...syntax.numbers import HUGE, MAX_DIGITS, ULONG_MAX, decimal, strtoul
from ...versions import Version

#: What xl_parse.c (4.10 on) takes for ``type`` and ``builder``, and the type each means.
TYPES = (("hvm", "hvm"), ("pv", "pv"), ("pvh", "pvh"))
BUILDERS = (("hvm", "hvm"), ("generic", "pv"))

#: The ``device_model_version`` names xl 4.2 on takes (xl_parse.c:2523-2529, strcmp).
DM_VERSIONS = ("qemu-xen", "qemu-xen-traditional")
#: libxl's tsc_mode names (libxl_types.idl, 4.2 to 4.17), read with strcasecmp
#: (libxl_utils.c ``libxl__enum_from_string``), or their numbers 0 to 3 in this order
#: (xl.cfg(5); the xm migration names a number by it).
TSC_MODES = ("default", "always_emulate", "native", "native_paravirt")
#: libxl's timer_mode names (libxl_types.idl; "unknown", the default, from 4.3 on, which
#: xl takes as the default), read with strcasecmp like tsc_mode's, or their numbers 0 to 3.
TIMER_MODES = (
    "delay_for_missed_ticks",
    "no_delay_for_missed_ticks",
    "no_missed_ticks_pending",
    "one_missed_tick_pending",
)
#: A number as C's strtol(s, &ep, 0) reads it whole (libxlu_cfg.c:287-298).
_C_LONG = lazy_re(r"[ \t\n\v\f\r]*[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def c_long(text: str) -> int | None:
    """The number strtol(text, &ep, 0) reads when it reads ``text`` whole."""
    if not _C_LONG.fullmatch(text):
        return None
    digits = text.strip(" \t\n\v\f\r").lstrip("+-").lower()
    base = 16 if "x" in digits else 8 if digits.startswith("0") else 10
    # (strtol saturates; a number of over 20 digits is past it and too long for int())
    if len(digits.removeprefix("0x").lstrip("0")) > 20:
        return -(2**63) if text.strip(" \t\n\v\f\r").startswith("-") else 2**63 - 1
    return max(-(2**63), min(2**63 - 1, int(text.strip(" \t\n\v\f\r"), base)))


def timer_mode_ok(text: str) -> bool:
    """xl_parse.c:1640-1674 (4.17): a whole number 0 to 3 (deprecated: "invalid
    value 7"), else a libxl name in any case ("unknown" is libxl's default)."""
    number = c_long(text)
    if number is not None:
        return 0 <= number <= 3
    return text.lower() in TIMER_MODES or text.lower() == "unknown"


def tsc_mode_ok(text: str) -> bool:
    """xl_parse.c:1573-1595: a whole number 0 to 3 (deprecated), else a name."""
    number = c_long(text)
    if number is not None:
        return 0 <= number <= 3
    return text.lower() in TSC_MODES


#: libxlu_vif.c (4.2 to 4.17): the rate and the replenishment interval, as regexec reads them.
_VIF_RATE = lazy_re(r"[0-9]+[GMK]?[Bb]/s")
_VIF_INTERVAL = lazy_re(r"[0-9]+[mu]?s?")
_UINT32_MAX = 2**32 - 1


def _strtoull0(text: str) -> tuple[int, int]:
    """``(value, characters read)`` of strtoull(text, &p, 0) on digits: a leading 0
    makes it octal, read up to the first 8 or 9."""
    m = re.match(r"0[0-7]*|[0-9]+", text)
    assert m is not None
    if not m.group().startswith("0"):
        return decimal(m.group()), m.end()
    octal = m.group().lstrip("0") or "0"  # (strtoull saturates; int() stops at 4,300 digits)
    return (int(octal, 8) if len(octal) <= MAX_DIGITS else HUGE), m.end()


def _vif_rate_error(rate: str) -> str | None:
    """What ``xlu_vif_parse_rate`` (libxlu_vif.c:94-140, Xen 4.2 to 4.17) says of a
    vif's ``rate=`` value, ``None`` when it reads it."""
    amount, at, interval = rate.partition("@")
    if amount == "":
        return f"no rate specified in `{rate}'"
    if not _VIF_RATE.fullmatch(amount):
        return f"invalid rate in `{amount}'"
    per_sec, end = _strtoull0(amount)
    if per_sec == 0 or per_sec > _UINT32_MAX:
        return f"rate overflow in `{amount}'"
    unit = amount[end:]
    per_sec *= {"G": 10**9, "M": 10**6, "K": 10**3}.get(unit[:1], 1)
    if unit[:1] == "b" or unit[1:2] == "b":
        per_sec //= 8
    usecs = 50_000
    if at:
        if not _VIF_INTERVAL.fullmatch(interval):
            return f"invalid replenishment interval in `{interval}'"
        usecs, end = _strtoull0(interval)
        if usecs == 0 or usecs > _UINT32_MAX:
            return f"replenishment interval overflow in `{interval}'"
        usecs *= {"s": 10**6, "": 10**6, "m": 10**3}.get(interval[end : end + 1], 1)
        if usecs > _UINT32_MAX:
            return f"replenishment interval overflow in `{interval}'"
    if per_sec > (2**64 - 1) // usecs:
        return f"rate overflow in `{rate}'"
    return None


def vif_refusal(token: str, rate_read: bool) -> tuple[str, str, Version] | None:
    """What xl says of one token of a vif spec (quoted), the fix, and the release that
    says it: a ``rate=`` it cannot read (when ``rate_read``: see
    :meth:`XlDocument._vif_problems`), an ``mtu=`` that is no number."""
    from ...versions import XEN_XL_VIF_MTU, XEN_XL_VIF_RATE

    if token.startswith("rate=") and rate_read:
        why = _vif_rate_error(token[5:])
        if why is not None:
            return (
                f"'config parsing error in vif: {why}'",
                "write the rate as a number with B/s or b/s (K, M, G before it), and an"
                " optional @interval: 10Mb/s@20ms",
                XEN_XL_VIF_RATE,
            )
    elif token.startswith("mtu="):
        read = strtoul(token[4:], 0)
        if read is None or read[0] == ULONG_MAX:
            return (
                f"'xl: failed to convert \"{token[4:]}\" to number'",
                "write the MTU as a number: mtu=9000",
                XEN_XL_VIF_MTU,
            )
    return None


def cpu_range_ok(piece: str) -> bool:
    """One comma-separated piece of ``cpus`` as xl_parse.c ``update_cpumap_range``
    and ``parse_range`` (lines 138-161, 166-205) read it: an optional ``^``, an
    optional ``node:``/``nodes:``, then ``all`` (not after ``^``) or ``A`` or
    ``A-B`` with B not below A, and nothing after ("Invalid pcpu range")."""
    negated = piece.startswith("^")
    rest = piece[1:] if negated else piece
    for prefix in ("node:", "nodes:"):
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    if rest == "all":
        return not negated
    first = strtoul(rest, 0)
    if first is None or first[0] == ULONG_MAX:
        return False
    end = first[1]
    if rest[end : end + 1] == "-":
        second = strtoul(rest, end + 1)
        if second is None or second[0] in (ULONG_MAX,) or second[0] < first[0]:
            return False
        end = second[1]
    return end == len(rest)


def cpu_range_endless(piece: str) -> bool:
    """A ``cpus`` range xl 4.4 on accepts but never finishes: ``1--3`` (xl_parse.c
    ``parse_range``, lines 138-161 of 4.17: strtoul reads ``-3`` as 2**64-3, not
    below 1; ``update_cpumap_range``'s ``while (ida <= idb)`` then counts to it;
    peer-xl still runs after 20 s). A range of more than 2**32 numbers is taken as
    endless."""
    rest = piece.lstrip("^")
    for prefix in ("node:", "nodes:"):
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    if not cpu_range_ok(piece):
        return False
    first = strtoul(rest, 0)
    if first is None or rest[first[1] : first[1] + 1] != "-":
        return False
    second = strtoul(rest, first[1] + 1)
    return second is not None and second[0] - first[0] >= 1 << 32


#: The ``on_*`` keys and the actions xl 4.17 takes there (xl.cfg(5); soft-reset from 4.6).
ACTION_KEYS = ("on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset")
ACTIONS = (
    "destroy",
    "restart",
    "rename-restart",
    "preserve",
    "coredump-destroy",
    "coredump-restart",
    "soft-reset",
)
#: A UUID as libxl_uuid_from_string reads it (36 characters, either case).
UUID = lazy_re(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
