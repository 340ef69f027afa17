"""What xl refuses in the ``vnuma``, ``vdispl`` and ``vsnd`` settings of a domU config.

All three are lists xl reads piece by piece in ``parse_config_data`` and exits on a
piece it cannot use; ``xl create -n`` (peer-xl 4.17) refuses the config the same way.
Line numbers are of tools/xl/xl_parse.c at RELEASE-4.17.0: ``parse_vnuma_config``
(579-764, the same in RELEASE-4.6.0's xl_cmdimpl.c, where vNUMA came in),
``parse_vdispl_config`` (817-860) with its caller (2137-2163; RELEASE-4.10.0 on) and
the ``vsnd`` readers (864-1105; RELEASE-4.12.0 on). What depends on the host (a
``pnode`` past its node count, more vNUMA vcpus than it has CPUs) is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...problems import ValueProblem
from ...syntax.numbers import ULONG_MAX, decimal, strtoul
from ...versions import XEN_XL_VDISPL, XEN_XL_VNUMA, XEN_XL_VSND, Version

if TYPE_CHECKING:
    from .xl import XlDocument

#: The keys ``parse_vnuma_config`` reads from a vnode spec (strcmp); it skips others.
_VNODE_KEYS = ("pnode", "size", "vcpus", "vdistances")
#: parse_range (xl_parse.c:138-160) as the vnuma ``vcpus`` reader uses it
_RANGE = re.compile(r"[ \t\n\v\f\r]*\+?([0-9]+)(?:-[ \t\n\v\f\r]*\+?([0-9]+))?")
#: sscanf("%ux%u") of a vdispl connector's resolution
_RESOLUTION = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+x[ \t\n\v\f\r]*[+-]?[0-9]+")
_SPACE = " \t\n\v\f\r"

#: libxl_vsnd_pcm_format names (libxl_types.idl, 4.12 to 4.19), read with strcasecmp
_PCM_FORMATS = frozenset(
    """s8 u8 s16_le s16_be u16_le u16_be s24_le s24_be u24_le u24_be s32_le s32_be
    u32_le u32_be f32_le f32_be f64_le f64_be iec958_subframe_le iec958_subframe_be
    mu_law a_law ima_adpcm mpeg gsm""".split()  # noqa: SIM905
)
#: sndif.h's XENSND_FIELD_* names every vsnd item takes (parse_vsnd_params)
_SND_PARAMS = ("sample-rates=", "sample-formats=", "channels-min=", "channels-max=", "buffer-size=")
#: what each vsnd item kind takes besides those (parse_vsnd_card/pcm_param, _pcm_stream)
_SND_OWN = {
    "card": ("backend=", "short-name=", "long-name="),
    "pcm": ("name=",),
    "stream": ("unique-id=", "type="),
}


def frontend_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """The ``vnuma``, ``vdispl`` and ``vsnd`` values xl refuses (peer-xl)."""
    yield from _vnuma_problems(doc)
    yield from _vdispl_problems(doc)
    yield from _vsnd_problems(doc)


def _tokens(text: str, delims: str) -> list[str]:
    """``text`` cut as strtok cuts it at any of ``delims``: no empty pieces."""
    return [p for p in re.split("[" + re.escape(delims) + "]", text) if p]


def _ulong_ok(text: str) -> bool:
    """Whether xl's parse_ulong (xl_parse.c:389-400) reads ``text``: strtoul base 10
    must read a digit, and not wrap."""
    read = strtoul(text)
    if read is None:
        return False
    negative = text.lstrip(_SPACE).startswith("-")
    return read[0] < ULONG_MAX and not (negative and read[0] != 0)


def _item(value: Any) -> str | None:
    """A list item as libxlu hands it over: a string, a number as its text; ``None``
    for a nested list."""
    if isinstance(value, list):
        return None
    return str(value)


# -- vnuma -------------------------------------------------------------------------------


def _vnode_error(spec: Any, counts: list[int], sizes: list[int]) -> str | None:
    """What xl says of one vnode spec; adds its vcpu count and size (MiB) to the sums."""
    if not isinstance(spec, list):
        return "xl: cannot get vnode config option list"
    vcpus = size = 0
    for raw in spec:
        item = _item(raw)
        if item is None:
            continue  # (xlu_cfg_value_type is not XLU_STRING: skipped)
        pair = _tokens(item, "=")
        if len(pair) < 2:
            return f'xl: failed to split "{item}" into pair'
        key, value = pair[0].strip(_SPACE), pair[1].strip(_SPACE)
        if key in ("pnode", "size") and not _ulong_ok(value):
            return f'xl: failed to convert "{value}" to number'
        if key == "size":
            read = strtoul(value)
            size = read[0] if read is not None else 0
        elif key == "vdistances":
            pieces = _tokens(value, ",")
            if not pieces:
                return "xl crashes (segmentation fault: an empty list of distances)"
            bad = next((p for p in pieces if not _ulong_ok(p)), None)
            if bad is not None:
                return f'xl: failed to convert "{bad}" to number'
        elif key == "vcpus":
            pieces = _tokens(value, ",")
            if not pieces:
                return "xl crashes (segmentation fault: an empty list of vcpus)"
            for piece in pieces:
                m = _RANGE.fullmatch(piece)
                if m is None or (
                    m.group(2) is not None and decimal(m.group(2)) < decimal(m.group(1))
                ):
                    vcpus = -(10**9)  # (parse_range fails: xl counts what it left; no sum)
                    continue
                vcpus += (decimal(m.group(2) or m.group(1)) - decimal(m.group(1))) + 1
    counts.append(vcpus)
    sizes.append(size)
    return None


def _vnuma_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    """A vnode that is no list, a piece with no ``key=value``, a number xl cannot read,
    a ``maxmem`` or ``maxvcpus`` other than the vnodes' sum ("xl: maxmem and vnuma
    memory size mismatch", "xl: vnuma vcpus and maxvcpus= mismatch"). Warnings: a key
    xl skips (``vdistance``), and more ``vdistances`` than vnodes, which xl writes past
    its array (undefined behaviour: peer-xl aborted on some, took others)."""
    nodes = doc.get("vnuma")
    if not isinstance(nodes, list) or not nodes:
        return  # (xlu_cfg_get_list fails quietly on a string: vnuma is ignored)
    at = doc.assignment("vnuma")
    counts: list[int] = []
    sizes: list[int] = []
    for spec in nodes:
        why = _vnode_error(spec, counts, sizes)
        if why is not None:
            yield _refused(
                doc,
                "vnuma",
                spec,
                why,
                'write each vnode as a list of "key=value" strings: [ "pnode=0",'
                ' "size=1024", "vcpus=0-1", "vdistances=10,20" ]',
                XEN_XL_VNUMA,
            )
            return
    for spec in nodes:
        for raw in spec:
            item = _item(raw)
            pair = _tokens(item or "", "=")
            key = pair[0].strip(_SPACE) if pair else ""
            if item is not None and key not in _VNODE_KEYS:
                yield ValueProblem(
                    at,
                    f"vnuma '{item}': xl skips the key '{key}' (it reads pnode, size, vcpus"
                    " and vdistances only)"
                    + ("; write vdistances" if key.startswith("vdist") else ""),
                    harmless=True,
                    since=("xen", XEN_XL_VNUMA),
                )
            elif key == "vdistances" and len(_tokens(pair[1], ",")) > len(nodes):
                # xl_parse.c:702-706 writes p->distances[j] for every one: past the table
                yield ValueProblem(
                    at,
                    f"vnuma '{item}': more distances than the {len(nodes)} vnodes; xl writes"
                    " past its table of distances (heap corruption: peer-xl 4.17 aborted"
                    " with 'munmap_chunk(): invalid pointer' on 8 distances for 1 vnode,"
                    " and took 2); write one distance per vnode",
                    harmless=True,
                    since=("xen", XEN_XL_VNUMA),
                )
    yield from _vnuma_sums(doc, counts, sizes)


def _vnuma_sums(doc: XlDocument, counts: list[int], sizes: list[int]) -> Iterator[ValueProblem]:
    """xl_parse.c:724-753: a ``maxvcpus`` or ``maxmem`` the vnodes do not add up to,
    and a ``vcpus`` above the vnodes' count where no maxvcpus is given."""
    top = doc._long("maxvcpus")
    if top and min(counts) >= 0 and top != sum(counts):
        yield ValueProblem(
            doc.assignment("maxvcpus"),
            f"maxvcpus {top} but the vnuma vnodes hold {sum(counts)} vcpus: xl refuses"
            " the config ('xl: vnuma vcpus and maxvcpus= mismatch'); make them equal or"
            " remove maxvcpus",
            since=("xen", XEN_XL_VNUMA),
        )
    # 744 makes the vnodes' count maxvcpus where none is given, 1402-1403 vcpus where
    # that is 0; then 1405-1408 compare vcpus with it
    vcpus = doc._long("vcpus") or 0
    ceiling = top if top else (sum(counts) if min(counts) >= 0 else 0)
    mismatch = bool(top) and min(counts) >= 0 and top != sum(counts)  # (reported above)
    if ceiling and vcpus > ceiling and not mismatch:
        yield ValueProblem(
            doc.assignment("vcpus"),
            f"vcpus {vcpus} but maxvcpus is {ceiling}"
            + ("" if top else " (the vnuma vnodes' vcpus, which xl takes as maxvcpus)")
            + ": xl refuses the config ('xl: maxvcpus < vcpus'); raise maxvcpus and the"
            " vnodes' vcpus to vcpus or more",
            since=("xen", XEN_XL_VNUMA),
        )
    most = doc._long("maxmem")
    if most is not None and most != sum(sizes):
        yield ValueProblem(
            doc.assignment("maxmem"),
            f"maxmem {most} MiB but the vnuma vnodes' sizes add up to {sum(sizes)} MiB: xl"
            " refuses the config ('xl: maxmem and vnuma memory size mismatch'); make them"
            " equal or remove maxmem",
            since=("xen", XEN_XL_VNUMA),
        )


def _show(value: Any) -> str:
    return f"'{value}'" if not isinstance(value, list) else "[ " + ", ".join(map(str, value)) + " ]"


def _refused(
    doc: XlDocument, key: str, value: Any, why: str, fix: str, since: Version
) -> ValueProblem:
    """xl's refusal of one ``value`` of the list ``key`` (its error ``why``), with the fix."""
    return ValueProblem(
        doc.assignment(key),
        f"{key} {_show(value)}: xl refuses the config ('{why}'); {fix}",
        since=("xen", since),
    )


# -- vdispl and vsnd ---------------------------------------------------------------------


def _vdispl_error(spec: str) -> str | None:
    """parse_vdispl_config and its caller: ``backend=``, ``be-alloc=`` and
    ``connectors=ID:WxH;...`` only, and at least one connector."""
    connectors = 0
    for piece in (p.lstrip(" ") for p in _tokens(spec, ",")):
        if piece.startswith(("backend=", "be-alloc=")):
            continue
        if not piece.startswith("connectors="):
            return f'Unknown string "{piece}" in vdispl spec'
        listed = _tokens(piece[len("connectors=") :], ";")
        if not listed:
            return "xl crashes (segmentation fault: connectors= lists none)"
        for connector in listed:
            pair = _tokens(connector, ":")
            if len(pair) < 2:
                # (split_string_into_pair fails and sscanf reads an unset pointer;
                # peer-xl: "double free or corruption", rc 134)
                return f"xl crashes: the connector '{connector}' has no ':' before its size"
            if _RESOLUTION.match(pair[1]) is None:
                return "Can't parse connector resolution"
        connectors = len(listed)
    if connectors == 0:
        return "At least one connector should be specified."
    return None


def _vdispl_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    specs = doc.get("vdispl")
    if not isinstance(specs, list):
        return
    for raw in specs:
        spec = _item(raw)
        if spec is None:
            return  # (xlu_cfg_get_listitem stops at a list)
        why = _vdispl_error(spec)
        if why is not None:
            yield _refused(
                doc,
                "vdispl",
                spec,
                why,
                "write backend=DOMAIN,connectors=ID:WIDTHxHEIGHT[;ID:WIDTHxHEIGHT]",
                XEN_XL_VDISPL,
            )


def _vsnd_item_error(item: str) -> str | None:
    """parse_vsnd_item: the first piece names card, pcm or stream (strcasecmp); each
    other piece is a ``key=`` of that kind."""
    pieces = [p.lstrip(" ") for p in _tokens(item, ",")]
    if not pieces:
        return None
    kind = pieces[0].lower()
    if kind not in _SND_OWN:
        return f"Invalid key: {pieces[0]}"
    for piece in pieces[1:]:
        if piece.startswith("sample-formats="):
            formats = _tokens(piece[len("sample-formats=") :], ";")
            if not formats:
                return "xl crashes (segmentation fault: sample-formats= lists none)"
            bad = next((f for f in formats if f.lower() not in _PCM_FORMATS), None)
            if bad is not None:
                return f"Invalid pcm format: {bad}"
        elif piece.startswith("sample-rates="):
            if not _tokens(piece[len("sample-rates=") :], ";"):
                return "xl crashes (segmentation fault: sample-rates= lists none)"
        elif piece.startswith(_SND_PARAMS):
            continue
        elif not piece.startswith(_SND_OWN[kind]):
            return f"Invalid parameter: {piece}"
        elif (
            kind == "stream"
            and piece.startswith("type=")
            and piece[len("type=") :].lower() not in ("p", "c")
        ):
            return f"Invalid stream type: {piece[len('type=') :]}"
    return None


def _vsnd_card_error(card: Any) -> str | None:
    """parse_vsnd_card_config: a card is a list of items, read up to a nested list."""
    if not isinstance(card, list):
        return "Failed to get vsnd card list: Invalid argument"
    for raw in card:
        item = _item(raw)
        if item is None:
            return None  # (xlu_cfg_get_listitem stops at a list)
        why = _vsnd_item_error(item)
        if why is not None:
            return why
    return None


def _vsnd_problems(doc: XlDocument) -> Iterator[ValueProblem]:
    cards = doc.get("vsnd")
    if not isinstance(cards, list):
        return
    for card in cards:
        why = _vsnd_card_error(card)
        if why is not None:
            yield _refused(
                doc,
                "vsnd",
                card,
                why,
                "write each card as a list: [ 'card, backend=DOMAIN, sample-formats=s16_le',"
                " 'pcm, name=NAME', 'stream, unique-id=ID, type=p' ]",
                XEN_XL_VSND,
            )
            return
