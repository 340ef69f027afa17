"""Which ``Lun`` options IET's kernel module takes for which I/O type, by release.

ietd hands ``Path=..,Type=..,...`` to the kernel module as it stands (usr/plain.c
``__plain_lunit_create``). kernel/volume.c ``parse_volume_params`` reads ``Type=`` (and
from 0.4.14 ``IOMode=``, from 1.4.20 ``ScsiId=``, ``ScsiSN=``, ``BlockSize=``) and skips
any other piece; then the I/O type's own ``parse_*_params`` (file-io.c, block-io.c,
null-io.c) matches every piece against its ``match_token`` table and refuses one it
lacks ("unknown param", "Unknown": -EINVAL, the LUN is not created). The tables, per
release of the BackupTheBerlios iscsitarget-svn tags and 1.4.20's sources:

=========  ===========================================  ====================================
release    fileio (blockio from 0.4.15: the same)       nullio
=========  ===========================================  ====================================
0.4.12     ScsiId Path Type                             Sectors Type
0.4.14     + IOMode                                     (the same)
0.4.15     + ScsiSN                                     (the same)
1.4.20     + BlockSize (all lower-cased)                + Blocks ScsiId ScsiSN BlockSize
=========  ===========================================  ====================================

``Type=`` names the I/O type as kernel/iotype.c ``find_iotype`` compares it: ``strcmp``
with "fileio", "blockio", "nullio", case and all, on every release (1.4.20's
``iet_strtolower`` lower-cases a piece only up to its ``=``); blockio exists from 0.4.15.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ...problems import ValueProblem
from ...syntax.blocks import Entry
from ...syntax.numbers import decimal
from ..schema import InForce, Version

__all__ = ["RefusedBefore", "block_size_problem", "lun_type_problems"]

V = Version.parse
#: The first release whose kernel module takes each option key (lower case) for a LUN
#: of each I/O type; a key missing here is refused by every release we know.
TAKES: dict[str, dict[str, Version]] = {
    "fileio": {
        "scsiid": V("0.4.12"),
        "path": V("0.4.12"),
        "type": V("0.4.12"),
        "iomode": V("0.4.14"),
        "scsisn": V("0.4.15"),
        "blocksize": V("1.4.20"),
    },
    "nullio": {
        "sectors": V("0.4.12"),
        "type": V("0.4.12"),
        "blocks": V("1.4.20"),
        "scsiid": V("1.4.20"),
        "scsisn": V("1.4.20"),
        "blocksize": V("1.4.20"),
    },
}
TAKES["blockio"] = TAKES["fileio"]  # (from 0.4.15 on, its first release: TYPE_SINCE)
#: The first release with each I/O type (kernel/iotype.c ``iotype_array``).
TYPE_SINCE = {"fileio": V("0.4.12"), "nullio": V("0.4.12"), "blockio": V("0.4.15")}
#: The oldest release judged: 0.4.15 (2007) has blockio, IOMode= and ScsiSN=, which
#: 0.4.12 to 0.4.14 lack (the table above); nothing tells those apart from it in a file,
#: and older sources are not indexed.
OLDEST = V("0.4.15")


#: Why a size option is refused where it is.
_SIZE_HINT = {
    (t, k): f" (a {t} LUN is the size of its Path; Sectors= and Blocks= size a nullio LUN)"
    for t in ("fileio", "blockio")
    for k in ("sectors", "blocks")
}


@attrs.frozen
class RefusedBefore(ValueProblem):
    """A value the releases before ``since`` refuse and ``since`` on take: an error where
    the release in force is older, a warning while it is unknown, nothing from ``since``
    on."""

    def refused_in(self, release: InForce) -> bool | None:
        assert self.since is not None
        if release.at_least(self.since[1]):
            return False
        return True if release.older_than(self.since[1]) else None


def lun_type_problems(entry: Entry, kind: str | None, keys: list[str]) -> Iterator[ValueProblem]:
    """What IET's kernel module refuses in ``Lun N KEY=..,...`` for a LUN of I/O type
    ``kind`` as written (``None``: no ``Type=``, fileio), ``keys`` its option keys as
    written: a ``Type=`` in another case, a key the type's table lacks on every release
    (``Sectors=`` on fileio, ``IOMode=`` on nullio: an error), or only before the
    release that added it (``BlockSize=`` before 1.4.20). The LUN is then not created."""
    lun = entry.values[0] if entry.values else "?"
    iotype = (kind or "fileio").lower()
    if kind is not None and kind != iotype and iotype in TAKES:
        yield ValueProblem(
            entry,
            f"LUN {lun} Type={kind}: IET's kernel module compares the type name as written"
            f" (kernel/iotype.c find_iotype: strcmp with '{iotype}'; 1.4.20 lower-cases"
            " only the key), so no I/O type is found (-ENOENT) and the LUN is not"
            f" created: write Type={iotype}",
        )
        return
    table = TAKES.get(iotype)
    if table is None:
        return  # (an unknown type: the ietd value check says so)
    never: list[str] = []
    later: dict[Version, list[str]] = {}
    for key in dict.fromkeys(k.lower() for k in keys):
        since = table.get(key)
        if since is None:
            never.append(key)
        elif since > OLDEST:
            later.setdefault(since, []).append(key)
    if never:
        takes = ", ".join(f"{k}= ({v} on)" if v > OLDEST else f"{k}=" for k, v in table.items())
        hint = next((_SIZE_HINT[iotype, k] for k in never if (iotype, k) in _SIZE_HINT), "")
        yield ValueProblem(
            entry,
            f"LUN {lun}: {iotype} takes no {_keys(never)} on any IET release"
            f' (parse_{iotype}_params takes {takes}): "unknown param", the LUN is not'
            f" created{hint}",
        )
    for since, refused in later.items():
        yield RefusedBefore(
            entry,
            f"LUN {lun}: IET before {since} takes no {_keys(refused)} for a {iotype} LUN"
            f' (parse_{iotype}_params refuses it: "unknown param"), so the LUN is not'
            " created there",
            since=("iscsitarget", since),
        )


def _keys(keys: list[str]) -> str:
    return ", ".join(f"'{k}='" for k in keys)


def block_size_problem(entry: Entry, value: str) -> ValueProblem | None:
    """``BlockSize=`` that 1.4.20's kernel/volume.c ``parse_volume_params`` refuses: it
    reads the number with ``simple_strtoull`` (digits up to the first other character)
    and takes a power of two from 512 up to ``IET_MAX_BLOCK_SIZE`` ("invalid
    BlockSize=%u", -EINVAL: the LUN is not created). The upper bound is not checked
    here (its header is not indexed). Releases before 1.4.20 refuse the key itself."""
    digits = value[: len(value) - len(value.lstrip("0123456789"))] or "0"
    size = decimal(digits)  # (int() refuses over 4,300 digits; past 2**64 no size fits)
    if size >= 512 and size & (size - 1) == 0:
        return None
    lun = entry.values[0] if entry.values else "?"
    return ValueProblem(
        entry,
        f"LUN {lun} BlockSize={value}: IET takes a power of two from 512 (kernel/volume.c"
        ' parse_volume_params: "invalid BlockSize"), so the LUN is not created: write'
        " 512, 1024, 2048 or 4096",
        since=("iscsitarget", V("1.4.20")),
    )
