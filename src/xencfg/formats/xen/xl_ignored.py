"""What ``xl create`` takes in a domU config but ignores, drops or warns of (lint's
XN020).

xl starts the guest and prints a warning on its terminal (or nothing), so the guest
runs without the NIC type, kernel, device model or display the file asks for (or, for
a deprecated spelling, with it, until a release drops the spelling). Each
case is a :class:`~xencfg.problems.ValueProblem` with the first release that drops
the setting (``since``) and, where a later one reads it again, ``reprieve``. Line
numbers are of tools/xl/xl_parse.c at RELEASE-4.17.0; the releases come from the
same code at each RELEASE-4.x.0 tag (tools/libxl/xl_cmdimpl.c before 4.9), every
4.17 message checked with peer-xl (``xl -N create -n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...problems import ValueProblem
from ...syntax.tree import Node
from ...versions import (
    XEN_NO_XEND,
    XEN_XL,
    XEN_XL_CHANNEL,
    XEN_XL_DM_TSC,
    XEN_XL_HVM_KERNEL,
    XEN_XL_IGNORES_DM,
    XEN_XL_NIC_PARSE,
    XEN_XL_VGA,
    Version,
)
from .xl_devices import _channel_error, _pieces, hvm_since
from .xl_values import TIMER_MODES, TSC_MODES, c_long

if TYPE_CHECKING:
    from .xl import XlDocument

_NEVER = Version.parse("999")

#: The vif arguments parse_nic_config reads (``KEY=``, lines 419-576; the ``colo_*``
#: ones from 4.9 too), with the release whose xl first read each; older xl drops them.
_VIF_KEYS = {
    **dict.fromkeys(
        "accel backend bridge ip mac model rate script type vifname".split(),  # noqa: SIM905
        "4.1",
    ),
    "gatewaydev": "4.3",
    "netdev": "4.3",
    "forwarddev": "4.7",
    "devid": "4.9",
    "mtu": "4.15",
    "vlan": "4.19",
}
#: Arguments with no ``=`` (``!strcmp("trusted", token)``), from 4.17.
_VIF_FLAGS = {"trusted": "4.17", "untrusted": "4.17"}
#: What xl reads in a ``vfb`` spec (lines 2315-2365, the same from 4.1): other keys
#: are skipped without a word, and a piece with no ``=`` ends the spec.
_VFB_KEYS = frozenset(
    "vnc vnclisten vncpasswd vncdisplay vncunused keymap sdl opengl display xauthority".split()  # noqa: SIM905
)
#: The top-level settings ``parse_top_level_vnc_options`` reads (lines 258-269).
_TOP_VNC = ("vnc", "vnclisten", "vncdisplay", "vncunused", "vncpasswd")
#: The channel keys xl reads (lines 2230-2249); it says "ignoring" of others.
_CHANNEL_KEYS = ("backend", "name", "path", "connection")


def _ignored(
    node: Node | None, message: str, since: Version, until: Version | None = None
) -> ValueProblem | None:
    """A setting xl ignores from ``since`` (up to ``until``, not included, when a later
    release reads it); ``None`` when no release does both."""
    if until is not None and until <= since:
        return None
    return ValueProblem(
        node,
        message,
        harmless=True,
        since=("xen", since),
        reprieve=(until, _NEVER) if until is not None else None,
    )


def ignored_settings(doc: XlDocument) -> Iterator[ValueProblem]:
    """Every setting of the config that some xl release takes and ignores."""
    if not doc.is_domu:
        return
    found = [
        *_top_level(doc),
        *_kernel(doc),
        *_stdvga(doc),
        *_mode_numbers(doc),
        *_vif_problems(doc),
        *_vfb_problems(doc),
        *_channel_problems(doc),
    ]
    yield from (p for p in found if p is not None)


def _top_level(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """``device_model`` (lines 2501-2517), ``vif2`` (2306-2308), ``vncviewer``
    (1599-1601) and ``root``/``extra`` beside ``cmdline`` (parse_cmdline, 280-306)."""
    if doc._atom("device_model"):
        yield _ignored(
            doc.assignment("device_model"),
            f"device_model '{doc.get('device_model')}': xl ignores it ('WARNING: ignoring"
            " device_model directive.'); remove it (xl starts its own qemu), or write"
            " device_model_override to run another",
            XEN_XL_IGNORES_DM,
        )
    if isinstance(doc.get("vif2"), list):
        yield _ignored(
            doc.assignment("vif2"),
            "vif2: xl ignores it ('WARNING: vif2: netchannel2 is deprecated and not"
            " supported by xl'): the guest gets none of these NICs; write them in vif",
            XEN_XL_IGNORES_DM,
        )
    viewer = doc._long("vncviewer")
    if viewer:  # (0 asks for no viewer, which is what xl does)
        yield _ignored(
            doc.assignment("vncviewer"),
            'vncviewer: xl ignores it (\'WARNING: ignoring "vncviewer" option. Use "-V"'
            ' option of "xl create" to automatically spawn vncviewer.\'); remove it',
            XEN_NO_XEND,
        )
    if doc._atom("cmdline"):
        # (xl 4.1 to 4.4 read no cmdline: xl_cmdimpl.c of RELEASE-4.4.0 has no such key)
        yield _ignored(
            doc.assignment("cmdline"),
            "cmdline: xl before 4.5 does not read it, without a word (the kernel gets"
            " root= and extra= only); write root and extra while such a release runs",
            XEN_XL,
            XEN_NO_XEND,
        )
        for key in ("root", "extra"):
            if doc._atom(key):
                yield _ignored(
                    doc.assignment(key),
                    f"{key} beside cmdline: xl ignores it ('Warning: ignoring root= and"
                    " extra= in favour of cmdline='); move it into cmdline",
                    XEN_NO_XEND,
                )


def _mode_numbers(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """``tsc_mode``, and an HVM guest's ``timer_mode``, written as a number 0 to 3 (xm's
    only spelling): xl 4.2 on reads it, saying 'WARNING: specifying "tsc_mode" as an
    integer is deprecated. Please use the named parameter variant.' (xl_parse.c
    ``parse_config_data``, the ``xlu_cfg_get_long`` branch of each; timer_mode's in
    the HVM block; peer-xl prints it for ``tsc_mode = 1``, ``"1"`` and ``0x1``). Another
    number is refused (xl.py ``_invalid_mode``)."""
    hvm = hvm_since(doc)
    for key, modes, since in (
        ("tsc_mode", TSC_MODES, XEN_XL_DM_TSC),
        ("timer_mode", TIMER_MODES, max(hvm, XEN_XL_DM_TSC) if hvm is not None else None),
    ):
        value = str(doc.get(key)) if doc._atom(key) else ""
        number = c_long(value)
        if since is None or number is None or not 0 <= number < len(modes):
            continue
        yield _ignored(
            doc.assignment(key),
            f'{key} {value}: xl warns (\'WARNING: specifying "{key}" as an integer is'
            " deprecated. Please use the named parameter variant.') and reads it as"
            f' "{modes[number]}"; write {key} = "{modes[number]}"',
            since,
        )


def _stdvga(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """An HVM guest's ``stdvga`` beside ``vga``: xl reads stdvga only where vga is not
    given (lines 2604-2620, the same from 4.3, which brought vga), without a word."""
    hvm = hvm_since(doc)
    if hvm is None or not doc._atom("vga") or doc._long("stdvga") is None:
        return
    vga, std = str(doc.get("vga")), bool(doc._long("stdvga"))
    if std != (vga == "stdvga"):
        yield _ignored(
            doc.assignment("stdvga"),
            f"stdvga beside vga '{vga}': xl ignores it without a word (vga decides); remove stdvga",
            max(hvm, XEN_XL_VGA),
        )


def _kernel(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """An HVM guest's ``kernel``: xl 4.5 on ignores one named hvmloader (lines
    1680-1688: "you seem to be using "kernel" directive to override HVM guest
    firmware"), and boots any other; xl 4.2 to 4.4 ignored every one ("WARNING:
    ignoring "kernel" directive for HVM guest."); xl 4.1 loaded it as the firmware."""
    hvm = hvm_since(doc)
    if hvm is None or not doc._atom("kernel"):
        return
    kernel = str(doc.get("kernel"))
    since = max(hvm, XEN_XL_IGNORES_DM)
    if kernel.rsplit("/", 1)[-1] == "hvmloader":
        yield _ignored(
            doc.assignment("kernel"),
            f"kernel '{kernel}' of an HVM guest: xl ignores it ('WARNING: you seem to be"
            ' using "kernel" directive to override HVM guest firmware. Ignore that.\');'
            " remove it (xl loads hvmloader itself), or write firmware_override",
            since,
        )
        return
    yield _ignored(
        doc.assignment("kernel"),
        f"kernel '{kernel}' of an HVM guest: xl before 4.5 ignores it ('WARNING:"
        ' ignoring "kernel" directive for HVM guest.\'); xl 4.5 and later boot it',
        since,
        XEN_XL_HVM_KERNEL,
    )


def _vif_problems(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """The vif arguments xl drops. From 4.6 xl reads each comma-separated piece
    (strtok, blanks before it skipped) with parse_nic_config and, for one it cannot
    use, prints a message and goes on (its return value is not looked at, lines
    2293-2300); xl 4.1 to 4.5 skipped an unknown key without a word, took any
    ``type`` but ioemu as vif, and stopped at a piece with no ``=``."""
    if not isinstance(doc.get("vif"), list):
        return
    node = doc.assignment("vif")
    for spec in doc._list("vif"):
        pieces = [p.lstrip(" ") for p in _pieces(spec)]
        stopped = False
        for i, piece in enumerate(pieces):
            key, eq, value = piece.partition("=")
            known = _VIF_KEYS.get(key) if eq else _VIF_FLAGS.get(piece)
            if eq and key.startswith("colo_"):
                known = "4.9"
            head = f"vif '{spec}': xl drops `{piece}`"
            if key == "type" and eq and value not in ("vif", "ioemu"):
                yield _ignored(
                    node,
                    f"{head} ('Invalid parameter `type'.'): the NIC gets xl's default type"
                    " (an HVM guest's is emulated and PV); write type=vif for a PV-only"
                    " NIC, type=ioemu for an emulated one",
                    XEN_XL_NIC_PARSE,
                )
            elif key == "accel" and eq:
                yield _ignored(
                    node,
                    f"{head} ('the accel parameter for vifs is currently not supported');"
                    " remove it",
                    XEN_XL,
                )
            elif known is None and piece:
                yield _ignored(
                    node,
                    f"{head} ('unrecognized argument `{piece}'', xl 4.6 and later; older"
                    " xl drops it without a word); write KEY=VALUE with a key of"
                    " xl-network-configuration(5), no blank around '='",
                    XEN_XL,
                )
            elif known is not None and Version.parse(known) > XEN_XL:
                yield _ignored(
                    node,
                    f"{head}: xl reads it from {known} on, older xl drops it",
                    XEN_XL,
                    Version.parse(known),
                )
            if not eq and pieces[i + 1 :] and not stopped:
                stopped = True
                rest = ", ".join(pieces[i + 1 :])
                yield _ignored(
                    node,
                    f"vif '{spec}': xl before 4.6 stops reading it at `{piece}` (no '='),"
                    f" dropping `{rest}` too; write {piece or 'the piece'} last, or remove it",
                    XEN_XL,
                    XEN_XL_NIC_PARSE,
                )


def _vfb_problems(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """An HVM guest's ``vfb`` list, which libxl does not read (its display comes from
    the top-level settings: libxl_dm.c ``libxl__dm_vnc``, 4.2 to 4.19), and in a PV
    guest's the keys xl skips; the top-level vnc settings of a PV guest that has a
    vfb list (lines 2575-2596: they make a vfb only where the list gives none)."""
    if not isinstance(doc.get("vfb"), list) or not doc._list("vfb"):
        return
    node = doc.assignment("vfb")
    hvm = hvm_since(doc)
    if hvm is not None:
        # (what an HVM guest has anyway: libxl_create.c:403-408, VNC on an unused
        # display, on 127.0.0.1)
        plain = {"type=vnc", "vnc=1", "vncunused=1", "vnclisten=127.0.0.1"}
        specs = [s for s in doc._list("vfb") if set(_pieces(s.replace(" ", ""))) - plain]
        if specs:
            yield _ignored(
                node,
                f"vfb '{specs[0]}' of an HVM guest: xl ignores the list (libxl sets up an"
                " HVM guest's display from top-level vnc, vnclisten, vncpasswd, sdl,"
                " keymap); write those as settings of their own",
                max(hvm, XEN_XL_IGNORES_DM),
            )
        return
    if {doc._kind(k) for k in ("type", "builder") if doc._atom(k)} - {"pv"}:
        return  # (a PVH guest, or a type xl refuses: XN016)
    for spec in doc._list("vfb"):
        for piece in (p.lstrip(" ") for p in _pieces(spec)):
            key, eq, _ = piece.partition("=")
            if not eq:
                yield _ignored(
                    node,
                    f"vfb '{spec}': xl stops reading it at `{piece}` (no '='): what"
                    " follows is dropped; write KEY=VALUE (vncunused=1)",
                    XEN_XL,
                )
                break
            if key in _VFB_KEYS or piece.replace(" ", "") == "type=vnc":
                continue  # (a vfb is VNC unless told otherwise: vnc.enable's default)
            fix = "write sdl=1 and vnc=0" if key == "type" else "remove it"
            yield _ignored(node, f"vfb '{spec}': xl drops `{piece}` without a word; {fix}", XEN_XL)
    top = next((k for k in _TOP_VNC if doc.get(k) is not None), None)
    if top is not None:
        yield _ignored(
            doc.assignment(top),
            f"{top} of a PV guest with a vfb list: xl ignores the top-level vnc settings"
            " (they stand for a vfb only where the list gives none); write them in the"
            " vfb spec",
            XEN_XL_IGNORES_DM,
        )


def _channel_problems(doc: XlDocument) -> Iterator[ValueProblem | None]:
    """A channel key xl does not know (lines 2246-2250, 4.5 on): "unknown channel
    parameter 'KEY', ignoring". A spec xl refuses is XC005's."""
    if not isinstance(doc.get("channel"), list):
        return
    for spec in doc._list("channel"):
        if _channel_error(spec) is not None:
            continue
        for piece in _pieces(spec):
            key = piece.partition("=")[0].strip()
            if key not in _CHANNEL_KEYS:
                yield _ignored(
                    doc.assignment("channel"),
                    f"channel '{spec}': xl drops `{piece.strip()}` ('unknown channel"
                    f" parameter '{key}', ignoring'); remove it",
                    XEN_XL_CHANNEL,
                )
