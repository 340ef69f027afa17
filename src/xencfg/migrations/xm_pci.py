"""xm's PCI pass-through specs in the spelling Xen 4.17's xl reads.

xm read ``pci`` entries with xen/util/pci.py's ``parse_pci_name_extended``: ``,`` as well
as ``:`` between domain, bus and slot and ``,`` as well as ``.`` before the function, and a
function field that lists several functions (``0,1``), ranges (``0-3``) and virtual
functions (``0=1``). xl's PCI_SPEC_STRING takes one function (or ``*``) after ``.``;
``02:00.0-3``, ``02:00.0,1``, ``02:00.0=1@2`` and ``02,00,1`` make ``xl create`` refuse
the whole file ("unable to parse PCI_SPEC_STRING ... for passthrough", peer-xl run).
"""

from __future__ import annotations

import re

#: xen/util/pci.py parse_pci_name_extended's pattern (xm of Xen 3.4 to 4.4)
XM_PCI = re.compile(
    r"((?P<domain>[0-9a-fA-F]{1,4})[:,])?"
    r"(?P<bus>[0-9a-fA-F]{1,2})[:,]"
    r"(?P<slot>[0-9a-fA-F]{1,2})[.,]"
    r"(?P<func>(\*|[0-7]([,=-][0-7])*))"
    r"(@(?P<vslot>[01]?[0-9a-fA-F]))?"
    r"(,(?P<opts>.*))?$"
)


def _functions(field: str) -> list[tuple[int, int | None]] | None:
    """(physical, virtual or None) per function of xm's function field, as
    pci_func_list_process reads it (``a-b`` a range, ``p=v`` a virtual function);
    None where xm itself refused it (a range of unequal lengths)."""
    out: list[tuple[int, int | None]] = []
    for item in field.split(","):
        ends = [(int(p[0]), int(p[2]) if len(p) == 3 else None) for p in item.split("-")]
        if len(ends) == 1:
            out.extend(ends)
            continue
        (p0, v0), (p1, v1) = ends[0], ends[-1]
        step = 1 if p1 >= p0 else -1
        phys = list(range(p0, p1 + step, step))
        if v0 is None and v1 is None:
            out.extend((p, None) for p in phys)
            continue
        vstep = 1 if (v1 or 0) >= (v0 or 0) else -1
        virt = list(
            range(v0 if v0 is not None else p0, (v1 if v1 is not None else p1) + vstep, vstep)
        )
        if len(virt) != len(phys):
            return None
        out.extend(zip(phys, virt, strict=True))
    return out


def xl_pci(spec: str) -> tuple[list[str], str | None, str]:
    """The xl specs for xm's ``spec``, and a report line's severity and text (severity
    None: written as it was)."""
    m = XM_PCI.match(spec.strip())
    if m is None:
        return [spec], None, ""
    bdf = (f"{m['domain']}:" if m["domain"] else "") + f"{m['bus']}:{m['slot']}"
    vslot = f"@{m['vslot']}" if m["vslot"] else ""
    opts = f",{m['opts']}" if m["opts"] else ""
    if m["func"] == "*":
        written = [f"{bdf}.*{vslot}{opts}"]
        return written, ("info" if written != [spec] else None), "xl's spelling"
    funcs = _functions(m["func"])
    if funcs is None:
        return [spec], "action", "xm refused this function range too: fix it by hand"
    if len(funcs) == 1 and funcs[0][1] is None:
        written = [f"{bdf}.{funcs[0][0]}{vslot}{opts}"]
        if written == [spec]:
            return written, None, ""
        return (
            written,
            "info",
            f"written {written[0]}: xl separates bus, slot and function only with ':' and '.'",
        )
    # (one function keeps its virtual slot; several would each claim it)
    keep = vslot if len(funcs) == 1 else ""
    written = [f"{bdf}.{p}{keep}{opts}" for p, _ in funcs]
    remapped = [f"{p}={v}" for p, v in funcs if v is not None and v != p]
    if len(funcs) == 1:
        return (
            written,
            "action",
            f"written {written[0]}: xl has no virtual function number ('{remapped[0]}'): "
            f"the guest sees function {funcs[0][0]} as {funcs[0][0]}, not {funcs[0][1]}",
        )
    whole = f"pass every function of the device as one with '{bdf}.*{vslot}'"
    if vslot or remapped:
        return (
            written,
            "action",
            f"one spec per function ({', '.join(written)}): xl takes one function per "
            "spec and places each in a virtual slot of its own, where xm made them one "
            "multi-function device"
            + (f" in virtual slot {m['vslot']}" if vslot else "")
            + (f" with virtual functions {', '.join(remapped)}" if remapped else "")
            + f": where the guest needs that device, {whole}",
        )
    return (
        written,
        "warning",
        f"one spec per function ({', '.join(written)}): xl takes one function per spec "
        "(xl create refuses a list or range after '.'); an HVM guest now sees each in a "
        f"slot of its own ({whole})",
    )
