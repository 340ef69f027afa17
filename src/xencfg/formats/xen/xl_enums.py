"""Named values xl looks up in libxl's enumerations and refuses when it finds none:
``hdtype``, ``gfx_passthru``, ``vendor_device``, ``mca_caps`` (HVM guests), ``altp2m``
and ``tee`` (every guest).

The libxl ``*_from_string`` lookups compare with strcasecmp (libxl_utils.c:1018 of
RELEASE-4.17.0); the names are those of libxl_types.idl at each RELEASE-4.x.0 tag.
Line numbers are of tools/xl/xl_parse.c at RELEASE-4.17.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...problems import ValueProblem
from ...versions import Version

if TYPE_CHECKING:
    from .xl import XlDocument

_NEVER = Version.parse("999")

#: key -> (HVM only, the release xl refuses an unknown name from, xl's message with
#: {v} for the value, {name: release libxl knows it from})
_ENUMS: dict[str, tuple[bool, str, str, dict[str, str]]] = {
    # xl_parse.c:2622-2627, RELEASE-4.6.0 on
    "hdtype": (
        True,
        "4.6",
        'ERROR: invalid value "{v}" for "hdtype"',
        {"ide": "4.6", "ahci": "4.6"},
    ),
    # xl_parse.c:2654-2663 (a number is a yes or no), RELEASE-4.7.0 on
    "gfx_passthru": (
        True,
        "4.7",
        'ERROR: invalid value "{v}" for "gfx_passthru"',
        {"default": "4.7", "igd": "4.7"},
    ),
    # xl_parse.c:2721-2732, RELEASE-4.5.0 on
    "vendor_device": (
        True,
        "4.5",
        "xl: unknown vendor_device '{v}'",
        {"none": "4.5", "xenserver": "4.5"},
    ),
    # xl_parse.c:1889-1903 (a number is 0 to 3), RELEASE-4.9.0 on
    "altp2m": (
        False,
        "4.9",
        'ERROR: invalid value "{v}" for "altp2m"',
        {"disabled": "4.9", "mixed": "4.9", "external": "4.9", "limited": "4.9"},
    ),
    # xl_parse.c:2745-2752, RELEASE-4.13.0 on; ffa came with 4.18
    "tee": (
        False,
        "4.13",
        'Unknown tee "{v}" specified',
        {"none": "4.13", "optee": "4.13", "ffa": "4.18"},
    ),
}


def enum_problems(doc: XlDocument, hvm_since: Version | None) -> Iterator[ValueProblem]:
    """Each enumerated setting whose value libxl knows no name for; ``hvm_since``:
    the first release that makes the guest HVM (``None``: a PV or PVH guest)."""
    for key, (hvm_only, first, said, names) in _ENUMS.items():
        if not doc._atom(key) or (hvm_only and hvm_since is None):
            continue
        value = str(doc.get(key))
        since = max(Version.parse(first), hvm_since or Version.parse(first))
        number = doc._long(key)
        if number is not None:
            if key != "altp2m" or 0 <= number <= 3:
                continue
            message = f'ERROR: invalid value {number} for "altp2m"'
            known = None
        else:
            known = names.get(value.lower())
            if known is not None and Version.parse(known) <= since:
                continue
            message = said.format(v=value)
        yield ValueProblem(
            doc.assignment(key),
            f"{key} '{value}': xl refuses the config ('{message}'); "
            + (
                f"libxl knows it from Xen {known} on"
                if known is not None
                else f"write one of {', '.join(names)}"
                + (" or a number from 0 to 3" if key == "altp2m" else "")
            ),
            since=("xen", since),
            reprieve=None if known is None else (Version.parse(known), _NEVER),
        )


def mca_caps_problems(doc: XlDocument, hvm_since: Version | None) -> Iterator[ValueProblem]:
    """An HVM guest's ``mca_caps`` list names only "lmce" (strcmp; xl_parse.c:1804-1824,
    RELEASE-4.10.0 on): "ERROR: unrecognized MCA capability 'x'."."""
    if hvm_since is None or not isinstance(doc.get("mca_caps"), list):
        return
    for name in doc._list("mca_caps"):
        if name != "lmce":
            yield ValueProblem(
                doc.assignment("mca_caps"),
                f"mca_caps '{name}': xl refuses the config ('ERROR: unrecognized MCA"
                f" capability '{name}'.'); write [ \"lmce\" ] or leave it out",
                since=("xen", max(Version.parse("4.10"), hvm_since)),
            )
