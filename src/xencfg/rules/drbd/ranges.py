"""Numeric options outside the range drbdadm takes, with their units, by release.

drbdadm reads a number with an optional unit (``10M``, ``512k``, ``8s``) and checks
it against the limits of its release as it parses the file: the 8.3 and 8.4
parsers with ``m_strtoll_range`` ("sndbuf-size 11M => 11534336 out of range
[0..10485760]."), drbdadm 9 with the option's ``numeric_check`` ("Parse error:
while parsing value ('11M') for sndbuf-size. Value is too big."). The limits are
the ``DRBD_*_MIN``/``_MAX``/``_SCALE`` of drbd_limits.h: drbd-utils 9.22's
user/v83/linux/drbd_limits.h and user/v84/linux/drbd_limits.h, and drbd-headers'
linux/drbd_limits.h for 9. The 9 limits only widened over the drbd-utils 9
releases (UTILS_9: drbd-headers 40911d1 "Raise sndbuf and rcvbuf max allowed value
to 128MiB", in drbd-utils 9.29 on; 9.22 to 9.28 take 10M, as peer-drbdadm --mode 9
shows), so a value only an older drbdadm 9 refuses turns on the drbd-utils release.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.drbd.document import _RANGES as _XC005_RANGES
from ...formats.schema import InForce, Version
from ...syntax.blocks import Entry
from ...syntax.numbers import decimal
from ...versions import (
    DRBD_9,
    DRBD_84,
    DRBD_NO_PANIC,
    DRBD_UTILS_BUF_128M,
    DRBD_UTILS_C_MAX_RATE_0,
    DRBD_UTILS_NO_83,
    DRBD_UTILS_RESYNC_8G,
    DRBD_UTILS_TIEBREAKER,
)
from .. import make, rule
from .common import _drbd, _node_configs

#: (default unit, min, max) of an option in one parser; ``None``: that parser reads
#: the option without checking its value (8.4 leaves al-extents to the kernel, which
#: clamps it; 9 clamps al-extents itself: ``.implicit_clamp`` in user/v9/config_flags.c).
Limits = tuple[str, int, int] | None

_ONE = ("1", "1", "1")


def _same(scale: str, lo: int, hi: int) -> dict[str, Limits]:
    return {"8.3": (scale, lo, hi), "8.4": (scale, lo, hi), "9": (scale, lo, hi)}


#: Option -> the parsers that read it (8.3: every release before 8.4; 8.4; 9) and their
#: limits. A parser missing from an entry does not know the option (another rule's).
#: (A range of 0 to 2**64-1: the parser checks only that it is a number.)
#: 8.3: range_check's cases (the scanner's RC() tokens, user/v83/drbdadm_scanner.fl);
#: 8.4: the same in user/v84 (al-extents "ignore; auto-clamped by kernel", no check of
#: ping-timeout); 9: every NUMERIC field of user/v9/config_flags.c.
LIMITS: dict[str, dict[str, Limits]] = {
    "sndbuf-size": {"8.3": ("1", 0, 10 << 20), "8.4": ("1", 0, 10 << 20), "9": ("1", 0, 128 << 20)},
    "rcvbuf-size": {"8.3": ("1", 0, 10 << 20), "8.4": ("1", 0, 10 << 20), "9": ("1", 0, 128 << 20)},
    "max-buffers": _same("1", 32, 131072),
    "max-epoch-size": _same("1", 1, 20000),
    "timeout": _same("1", 1, 600),
    "connect-int": _same("1", 1, 120),
    "ping-int": _same("1", 1, 120),
    "ko-count": _same("1", 0, 200),
    "ping-timeout": {"8.3": None, "8.4": None, "9": ("1", 1, 300)},
    "rate": {"8.3": ("k", 1, 4 << 20), "8.4": ("k", 1, 4 << 20)},
    "resync-rate": {"8.4": ("k", 1, 4 << 20), "9": ("k", 1, 8 << 20)},
    # 9 clamps al-extents (``.implicit_clamp``) but still reads it as a number ("while
    # parsing value ('5T') for al-extents. Value is not a number.", peer-drbdadm 9)
    "al-extents": {"8.3": ("1", 7, 3833), "8.4": None, "9": ("1", 0, (1 << 64) - 1)},
    # DRBD_RS_DISCARD_GRANULARITY_MAX (1<<20) in drbd-headers' drbd_limits.h ("Value is
    # too big" for 1048577, peer-drbdadm --mode 9); drbdadm 8.4 leaves it to drbdsetup
    "rs-discard-granularity": {"8.4": None, "9": ("1", 0, 1 << 20)},
    "c-plan-ahead": _same("1", 0, 300),
    "c-delay-target": _same("1", 1, 100),
    "c-fill-target": _same("s", 0, 1 << 20),
    "c-max-rate": {"8.3": ("k", 250, 4 << 20), "8.4": ("k", 250, 4 << 20), "9": ("k", 0, 4 << 20)},
    "c-min-rate": _same("k", 0, 4 << 20),
    "congestion-fill": _same("s", 0, 10 << 21),
    "congestion-extents": {"8.3": ("1", 7, 3833), "8.4": ("1", 67, 0xFFFE), "9": ("1", 67, 0xFFFE)},
    "wfc-timeout": _same("1", 0, 300000),
    "degr-wfc-timeout": _same("1", 0, 300000),
    "outdated-wfc-timeout": _same("1", 0, 300000),
    "minor-count": {"8.3": ("1", 1, 256), "8.4": ("1", 1, 255), "9": ("1", 1, 255)},
    "dialog-refresh": _same("1", 0, 600),
    "size": {"8.3": ("s", 0, 16 * (2 << 30)), "8.4": ("s", 0, 2 << 40), "9": ("s", 0, 2 << 40)},
    "disk-timeout": {"8.4": None, "9": ("1", 0, 6000)},
    # ENUM_NUM(..., QUORUM, 1, DRBD_PEERS_MAX): a symbol of quorum_map or 1..32
    "quorum": {"9": ("1", 1, 32)},
    "quorum-minimum-redundancy": {"9": ("1", 1, 32)},
    # options only a drbd-utils after 9.22 reads (their XC008 facts in formats/drbd's
    # keywords): drbd-headers' linux/drbd_limits.h at drbd-utils v9.34.0
    # (DRBD_BLOCK_SIZE_*, DRBD_DISCARD_GRANULARITY_*, DRBD_RDMA_CTRL_*BUF_SIZE_*,
    # DRBD_MAX_BIO_SIZE_MIN and linux/drbd.h's DRBD_MAX_BIO_SIZE), all in bytes
    "block-size": {"9": ("1", 512, 4096)},
    "max-bio-size": {"9": ("1", 512, 1 << 20)},
    "discard-granularity": {"9": ("1", 0, 128 << 20)},
    "rdma-ctrl-rcvbuf-size": {"9": ("1", 0, 10 << 20)},
    "rdma-ctrl-sndbuf-size": {"9": ("1", 0, 10 << 20)},
}
#: drbdadm 9's limits that moved between drbd-utils releases (it checks with the
#: drbd-headers linux/drbd_limits.h it was built with; read at each v9.x.0 tag of
#: LINBIT/drbd-utils): option -> ``(first drbd-utils release, limits)``, oldest first.
#: LIMITS holds the newest. DRBD_RESYNC_RATE_MAX doubled in 9.6 (drbd-headers b52bf98),
#: DRBD_C_MAX_RATE_MIN went from 250 to 0 in 9.16 (13493b6), DRBD_SNDBUF_SIZE_MAX and
#: DRBD_RCVBUF_SIZE_MAX from 10M to 128M in 9.29 (40911d1).
UTILS_9: dict[str, tuple[tuple[Version | None, Limits], ...]] = {
    "sndbuf-size": ((None, ("1", 0, 10 << 20)), (DRBD_UTILS_BUF_128M, ("1", 0, 128 << 20))),
    "rcvbuf-size": ((None, ("1", 0, 10 << 20)), (DRBD_UTILS_BUF_128M, ("1", 0, 128 << 20))),
    "resync-rate": ((None, ("k", 1, 4 << 20)), (DRBD_UTILS_RESYNC_8G, ("k", 1, 8 << 20))),
    "c-max-rate": ((None, ("k", 250, 4 << 20)), (DRBD_UTILS_C_MAX_RATE_0, ("k", 0, 4 << 20))),
}
#: The words an option takes besides a number (user/v9/config_flags.c quorum_map).
SYMBOLS: dict[str, frozenset[str]] = {
    "quorum": frozenset(("off", "majority", "all")),
    "quorum-minimum-redundancy": frozenset(("off", "majority", "all")),
}
#: Sections whose statements drbdadm reads as options (``size`` only in ``disk``).
_CONTEXTS = frozenset(("global", "net", "disk", "syncer", "startup", "proxy", "options"))

#: The parsers and the releases each reads for: (name, first release, first release after).
_PARSERS: tuple[tuple[str, Version | None, Version | None], ...] = (
    ("8.3", None, DRBD_84),
    ("8.4", DRBD_84, DRBD_9),
    ("9", DRBD_9, None),
)
_NUMBER = re.compile(r"([0-9]+)([KkMmGgs]?)")  # (ASCII digits, as sscanf's %llu reads)
_SHIFT = {"1": 0, "k": -10, "s": -9}
_UNIT = {"": 0, "k": 10, "m": 20, "g": 30, "s": 9}


def to_number(text: str, scale: str) -> int | None:
    """``text`` read as drbd-utils' ``new_strtoll`` reads it in units of ``scale``
    (user/shared/shared_tool.c: ``sscanf("%llu%c%c")``, one unit letter of K, M, G
    or s, rounded up when the unit is smaller than the scale); ``None``: drbdadm
    says it is not a number."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    value = decimal(m.group(1))  # (saturated: above 2**64 either way)
    if not m.group(2):
        # no unit letter: already in the option's unit (new_strtoll returns MSE_OK
        # before any shift; shared_tool.c:911-913)
        return value if value < 1 << 64 else None
    shift = _SHIFT[scale] + _UNIT[m.group(2).lower()]
    if shift < 0:
        return (value + (1 << -shift) - 1) >> -shift
    if value > ((1 << 64) - 1) >> shift:
        return None  # MSE_OUT_OF_RANGE: "out of range" (8.x), "not a number" (9)
    return value << shift


def _parsers(release: InForce) -> list[str]:
    """The parsers that may read the node's files, by what is known of its release."""
    out = []
    for name, first, after in _PARSERS:
        if release.may_be_within(first, after):
            out.append(name)
    return out


def _utils_limits(key: str, utils: InForce) -> list[tuple[Version | None, Limits]]:
    """drbdadm 9's limits for ``key`` in the drbd-utils releases that may be in force,
    each with the first release that has them (one entry when they never moved)."""
    steps = UTILS_9.get(key)
    if steps is None:
        return [(None, LIMITS[key]["9"])]
    out = []
    for i, (first, limits) in enumerate(steps):
        after = steps[i + 1][0] if i + 1 < len(steps) else None
        if utils.may_be_within(first, after):
            out.append((first, limits))
    return out


def _refusal(key: str, text: str, limits: Limits) -> str | None:
    """Why one parser refuses ``text`` (``None``: it takes it)."""
    if limits is None or text in SYMBOLS.get(key, ()):
        return None
    scale, lo, hi = limits
    number = to_number(text, scale)
    unit = "" if scale == "1" else scale
    if number is None and key in SYMBOLS:
        return f"not {', '.join(sorted(SYMBOLS[key]))} or a number"
    if number is None:
        return "not a number"
    if not lo <= number <= hi:
        return f"{number}{unit} is out of range [{lo}..{hi}]{unit}"
    return None


@rule("DR026", "value-out-of-range", "error", formats=("drbd",))
def value_out_of_range(item: Loaded) -> Iterator[Finding]:
    """A numeric option drbdadm refuses: not a number with a unit it reads, or out of
    the range of the DRBD release in force (or a word that release does not take).

    Why it matters: drbdadm checks each number against its release's limits as it
    reads the file and refuses the whole file ("sndbuf-size 11M => 11534336 out of
    range [0..10485760]." from 8.3 and 8.4, "Value is too big." from 9; "10MB is
    not a valid number"), so no resource of it comes up. The limits moved between
    releases: 8.3 and 8.4 take ``sndbuf-size`` up to 10M; drbdadm 9 takes the
    limits of the drbd-utils release it comes with: ``sndbuf-size`` and
    ``rcvbuf-size`` up to 10M before drbd-utils 9.29, 128M from it; ``c-max-rate``
    from 250k before 9.16, from 0 since; ``resync-rate`` up to 4G before 9.6. A value
    only older drbd-utils refuse is a warning until the drbd-utils release is
    declared (``--target drbd-utils=9.22``). 8.3 takes
    ``al-extents`` from 7 to 3833, 8.4 and 9 clamp any number; 9 checks
    ``rs-discard-granularity`` (at most 1M) and
    ``ping-timeout`` (at most 300) where 8.x does not, and takes ``quorum`` as
    ``off``, ``majority``, ``all`` or 1 to 32 ("quorum most": "Value is not
    valid"), and its ``after-sb-0pri`` takes no ``discard-node-NAME`` (8.3 and
    8.4 do). 8.3 wants an ``[index]`` after an external ``meta-disk`` device
    ("'[' expected"); 8.4 and 9 read one without as ``flexible-meta-disk``. 8.x
    takes one word at most in ``skip [WORD] {`` (9 any number). ``on-io-error
    panic`` is DRBD 0.7's: from 8.0 on drbdsetup's table has pass_on,
    call-local-io-error and detach only (drbdadm 9: "Value is not valid"; 8.3
    and 8.4 pass it to drbdsetup, which refuses to attach the disk). A number is read
    with one unit letter (K, M, G or s for 512-byte sectors) in the option's own unit
    (bytes, KiB/s for rates, sectors for ``c-fill-target``). A volume's
    ``tiebreaker`` takes ``yes`` or ``no`` only (drbd-utils 9.34, the first to read
    it: "'yes | no' expected"), so a bare ``tiebreaker;`` is refused by every release.

    The release in force is the declared one (``--target drbd=8.4``), else what the
    files show; a value is an error only when every release that may read the file
    refuses it.

    Example: ``net { sndbuf-size 16M; }`` on DRBD 8.4; ``syncer { rate 5G; }`` (4G
    is 8.3's maximum); ``net { sndbuf-size 512KB; }`` (``KB`` is no unit).

    Fix: write a value inside the range the message names, with one unit letter.
    """
    release = item.versions.of("drbd", item.node or "")
    utils = item.versions.of("drbd-utils", item.node or "")
    parsers = _parsers(release)
    if "9" not in parsers:
        for skip in _drbd(item).skips:
            words = skip.text.split("{", 1)[0].split()[1:]
            if len(words) > 1:
                # drbdadm 8.3 and 8.4 take one optional word: "Parse error: '[ some_text
                # ] {' expected, but got 'resource'" (peer-drbdadm --mode 84); 9 takes any
                yield make(
                    "DR026",
                    f"skip {' '.join(words)}: DRBD before 9 takes at most one word between"
                    f" 'skip' and '{{' ({release.describe('DRBD')}); drbdadm refuses the "
                    f"file; write 'skip {{' or 'skip {words[-1]} {{'",
                    item.where(skip),
                )
    for context, key, node in item.keyword_uses() or ():
        if key == "on-io-error" and isinstance(node, Entry) and node.values == ["panic"]:
            found = _io_error_panic(release, node, item)
            if found is not None:
                yield found
            continue
        if key == "after-sb-0pri" and parsers == ["9"] and isinstance(node, Entry):
            word = node.values[0] if len(node.values) == 1 else ""
            if word.startswith("discard-node-"):
                # after_sb_0p_map of user/v9/config_flags.c (drbd-utils 9.0 to 9.29) has
                # no discard-node-NAME: "Value is not valid" (peer-drbdadm --mode 9); the
                # 8.3 and 8.4 parsers took it (convert_discard_opt)
                yield make(
                    "DR026",
                    f"after-sb-0pri {word}: drbdadm 9 takes no discard-node-NAME "
                    f"({release.describe('DRBD')}); drbdadm refuses the file; write "
                    "discard-local in NAME's copy and discard-remote in the others', or "
                    "another policy",
                    item.where(node),
                )
            continue
        if key == "meta-disk" and parsers == ["8.3"] and isinstance(node, Entry):
            words = node.values
            if words and words[0] != "internal" and "[" not in "".join(words):
                # drbdadm 8.3's meta-disk is "internal" or DEVICE [INDEX]: "Parse error:
                # '[' expected, but got ';'" (peer-drbdadm --mode 83); 8.4 and 9 read a
                # device without an index as flexible-meta-disk
                yield make(
                    "DR026",
                    f"meta-disk {' '.join(words)}: DRBD 8.3 wants an index after an "
                    f"external meta-disk ({release.describe('DRBD')}); drbdadm refuses the"
                    f" file; write 'meta-disk {words[0]} [0]', or 'flexible-meta-disk "
                    f"{words[0]}' for the whole device",
                    item.where(node),
                )
            continue
        if key == "tiebreaker" and isinstance(node, Entry):
            found = _tiebreaker(node, item)
            if found is not None:
                yield found
            continue
        table = LIMITS.get(key)
        if table is None or context not in _CONTEXTS or not isinstance(node, Entry):
            continue
        if key == "size" and context != "disk":
            continue
        values = node.values
        if len(values) != 1 or values[0].startswith('"'):
            continue  # (a quoted number is DR019's)
        text = values[0]
        if key in _XC005_RANGES and text.isdigit():
            continue  # (XC005 checks plain numbers whose range every release shares)
        reading = [p for p in parsers if p in table]
        why = {p: _refusal(key, text, table[p]) for p in reading}
        older = ""  # drbd-utils releases whose drbdadm 9 refuses what a newer one takes
        took: Version | None = None
        if "9" in why:
            steps = _utils_limits(key, utils)
            nine = [(first, _refusal(key, text, limits)) for first, limits in steps]
            why["9"] = nine[-1][1]
            took = next((first for first, w in nine if w is None), None)
            if why["9"] is None and nine[0][1] is not None and took is not None:
                why["9"] = nine[0][1]
                older = f"drbd-utils before {took}"
        if not reading or not all(why.values()):
            continue
        said = sorted(set(why.values()), key=list(why.values()).index)
        if len(said) == 1:
            reason = f"{said[0]} for DRBD {' and '.join(reading)}"
        else:
            reason = "; ".join(f"DRBD {p}: {w}" for p, w in why.items())
        if older:
            reason += f" with {older}"
        if release.known:
            reason += f" ({release.describe('DRBD')})"
        if "9" in why and key in UTILS_9 and utils.known:
            reason += f" ({utils.describe('drbd-utils')})"
        if not older:
            yield make(
                "DR026", f"{key} {text}: {reason}; drbdadm refuses the file", item.where(node)
            )
            continue
        # a drbd-utils release that may be in force takes it: the release decides
        known = utils.describe("drbd-utils") if utils.known else "not known"
        found = make(
            "DR026",
            f"{key} {text}: {reason}; their drbdadm refuses the file (drbd-utils release"
            f" {known}: declare it, e.g. --target drbd-utils={took})",
            item.where(node),
        )
        yield attrs.evolve(found, severity="warning")


def _tiebreaker(node: Entry, item: Loaded) -> Finding | None:
    """DR026 for a volume's ``tiebreaker`` without ``yes`` or ``no``: drbd-utils 9.34's
    ``parse_volume_stmt`` reads the next token and takes only TK_YES or TK_NO
    (user/v9/drbdadm_parser.c line 1030 at tag v9.34.0: ``pe_expected("yes | no")``), and
    no older drbd-utils reads the keyword at all (XC008's, where that release is known)."""
    if node.values in (["yes"], ["no"]):
        return None
    if item.versions.of("drbd-utils", item.node or "").older_than(DRBD_UTILS_TIEBREAKER):
        return None  # (the keyword itself is refused there: XC008 says so)
    said = " ".join(["tiebreaker", *node.values]) if node.values else "tiebreaker without a value"
    return make(
        "DR026",
        f"{said}: drbd-utils 9.34, the first to read it, takes 'yes' or 'no'"
        " only ('yes | no' expected), older ones refuse the keyword: drbdadm refuses the"
        " file; write 'tiebreaker yes;' (the default) or 'tiebreaker no;'",
        item.where(node),
    )


def _io_error_panic(release: InForce, node: Entry, item: Loaded) -> Finding | None:
    """``on-io-error panic`` where a release that no longer has it may be in force: an
    error where it is known to be 8.0 or later, a warning while it is not known."""
    if release.older_than(DRBD_NO_PANIC):
        return None
    found = make(
        "DR026",
        "on-io-error panic: DRBD 8.0 and later take pass_on, call-local-io-error or detach"
        + (f" ({release.describe('DRBD')})" if release.known else "")
        + "; drbdadm 9 refuses the file, drbdsetup 8.x the disk when it attaches it;"
        " write 'detach', or 'call-local-io-error' with a local-io-error handler that"
        " halts the node",
        item.where(node),
    )
    return found if release.at_least(DRBD_NO_PANIC) else attrs.evolve(found, severity="warning")


@rule("DR032", "utils-without-module-support", "error", scope="cluster")
def utils_without_module_support(cluster: Cluster) -> Iterator[Finding]:
    """The node's drbd-utils has no drbdadm for its DRBD module's release.

    Why it matters: drbdadm hands an 8.3 or 8.4 module to the legacy drbdadm
    built for it (``drbdadm-83``, ``drbdadm-84`` in /lib/drbd). drbd-utils 9.28
    removed the 8.3 one (ChangeLog "8.3: remove"; maybe_exec_legacy_drbdadm in
    user/v9/drbdadm_usage_cnt.c execs drbdadm-84 for an 8.4 module and nothing
    else): with a DRBD 8.3 module, drbdadm 9.28 and later reads the files with
    the DRBD 9 parser, which refuses 8.3's syntax (``syncer``: "'a syncer option
    keyword' expected"), and its drbdsetup speaks generic netlink, which 8.3's
    module does not (8.3 used the connector interface): no resource is brought up
    or adjusted. Judged where both releases are declared or known.

    Example: ``--target drbd=8.3.16 --target drbd-utils=9.28`` (a RHEL 6 node
    with DRBD 8.3's kmod and a newer drbd-utils package).

    Fix: keep drbd-utils before 9.28 (9.27 still has drbdadm-83), or upgrade the
    module to 8.4 or 9 (see ``xencfg migrate``).
    """
    for node, items in _node_configs(cluster).items():
        release = cluster.versions.of("drbd", node)
        utils = cluster.versions.of("drbd-utils", node)
        if not (release.older_than(DRBD_84) and utils.at_least(DRBD_UTILS_NO_83)):
            continue
        yield make(
            "DR032",
            "drbd-utils 9.28 and later have no drbdadm for DRBD 8.3 (they removed"
            f" drbdadm-83; {utils.describe('drbd-utils')}, {release.describe('DRBD')}):"
            " drbdadm reads the files with its DRBD 9 parser and its drbdsetup cannot talk"
            " to the 8.3 module; keep drbd-utils 9.27 or older, or upgrade the module",
            items[0].where(),
        )
