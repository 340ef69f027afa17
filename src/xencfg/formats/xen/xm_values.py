"""What xm refuses in the values of a domU config, before or while xend builds it.

xm (Xen 3.0 to 4.4) exec'd the file and handed its variables to create.py, which
refused some specs itself (``err()``: vif options, disk specifiers), and to xend,
which converted some values with ``int()`` and stopped on one it could not read.
Values set by a config file reach create.py untouched: opts.py ``Opts.load`` sets
them with ``setopt``, never through the option's ``set_int`` (that is for the command
line). From Xen 4.5 on xl reads the file and takes all of these, so a problem here is
nothing there, and a warning while the release is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...problems import ValueProblem
from ...versions import Version
from .xl_values import ACTIONS as XL_ACTIONS

if TYPE_CHECKING:
    from .xm import XmDocument

#: The vif options xm's create.py takes (configure_vifs, Xen 3.2 to 4.4; 3.0.2 knew the
#: first eight, 3.0.4 added model): any other stops ``xm create``.
_XM_VIF_KEYS = frozenset(
    {
        "backend",
        "bridge",
        "ip",
        "mac",
        "script",
        "type",
        "vifname",
        "rate",
        "model",
        "accel",
        "policy",
        "label",
    }
)
#: Releases that take what xm refused: from Xen 4.5 on xl reads the file (Version 999
#: stands for "no release after": ValueProblem's reprieve wants an end).
_XL_READS = (Version.parse("4.5"), Version.parse("999"))


#: What any toolstack takes for on_poweroff, on_reboot and on_crash: xend's
#: CONFIG_RESTART_MODES (XendConfig.py, 3.0.4 to 4.4; 3.0.2's restart_modes), the Xen-API
#: spellings XendConfig also knows, and xl's names (xl_parse.c parse_action_on_shutdown;
#: xl's list holds xend's six and soft-reset, so it is the base here).
_ACTIONS = frozenset(XL_ACTIONS) | {
    "coredump_and_destroy",
    "coredump_and_restart",
    "rename_restart",
}


def _xm_vif_error(spec: str) -> str | None:
    """What xm create.py (Xen 3.0.2 to 4.4) says of a vif spec: comma_sep_kv_to_dict
    wants ``key=value`` between every two commas, configure_vifs a known key."""
    if not spec.strip():
        return None
    for part in spec.strip().split(","):
        if "=" not in part:
            return f"{part} should be a pair, separated by an equals sign."
        key = part.split("=", 1)[0].strip()
        if key not in _XM_VIF_KEYS:
            return f"Invalid vif option: {key}"
    return None


def xm_value_problems(doc: XmDocument) -> Iterator[ValueProblem]:
    """An ``on_poweroff``/``on_reboot``/``on_crash`` action neither xend nor xl
    knows (``"Restart"``), and what xm's create.py refuses before it asks xend
    (Xen 3.0.2 to 4.4: "Error: Invalid vif option: bogus", "Invalid disk
    specifier"): a vif option it does not
    know or a vif part with no ``=`` (configure_vifs, comma_sep_kv_to_dict; so a
    trailing comma too), a disk spec of fewer than 3 or more than 5 comma-separated
    fields (preprocess_disk: ``phy:/dev/vg/a,xvda`` has no mode). From Xen 4.5 on
    xl reads the file and takes all of these (peer-xl), so they are nothing there,
    and a warning while the release is unknown. Values computed by code are not
    read."""
    from ...versions import XEN_XM_SPECS

    for key in ("on_poweroff", "on_reboot", "on_crash"):
        value = doc.get(key)
        if isinstance(value, str) and value not in _ACTIONS:
            # XendConfig._actions_sanity_check (3.0.4 to 4.4; XendDomainInfo in
            # 3.0.2) raises; xl refuses it too ('Unknown on_crash action')
            yield ValueProblem(
                doc.assignment(key),
                f"{key} '{value}': xm refuses the config ('Error: Invalid event"
                f" handling mode: ...'), and so does xl ('Unknown {key} action"
                f' "{value}" specified\'); write destroy, restart, preserve,'
                " rename-restart, coredump-destroy or coredump-restart",
            )
    if isinstance(doc.get("vif"), list):
        for spec in doc._list("vif"):
            why = _xm_vif_error(spec)
            if why is not None:
                yield ValueProblem(
                    doc.assignment("vif"),
                    f"vif '{spec}': xm refuses the config ('Error: {why}'); write"
                    " key=value pairs of backend, bridge, ip, mac, script, type,"
                    " vifname, rate, model (accel, policy, label from Xen 3.2)",
                    since=("xen", XEN_XM_SPECS),
                    reprieve=_XL_READS,
                )
    if isinstance(doc.get("disk"), list):
        for spec in doc._list("disk"):
            if not 3 <= len(spec.split(",")) <= 5:
                yield ValueProblem(
                    doc.assignment("disk"),
                    f"disk '{spec}': xm refuses the config ('Error: Invalid disk"
                    f" specifier: {spec}'); write DEVICE,VDEV,MODE (phy:/dev/vg/a,xvda,w)",
                    since=("xen", XEN_XM_SPECS),
                    reprieve=_XL_READS,
                )
    yield from _number_problems(doc)


#: what Python 2's int() reads from a string: blanks around, a sign, decimal digits
#: (no ``0x``, no ``_``, no unit)
_PY2_INT = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+[ \t\n\v\f\r]*")


def _number_problems(doc: XmDocument) -> Iterator[ValueProblem]:
    """``memory`` or ``maxmem`` written as a string Python 2's ``int()`` cannot read
    (``'2G'``, ``'512.5'``): xend converts them with ``int()`` and the exception stops
    ``xm create`` ("Error: invalid literal for int() with base 10: '2G'";
    XendConfig.py:668-671 of RELEASE-4.0.0 to 4.4.0, XendDomainInfo.parseConfig of
    3.0.0, which catches TypeError only). An empty string is skipped: create.py's
    add_conf drops false values. And ``vcpus`` as a string or float beside
    ``maxvcpus``: create.py's vcpu_conf (RELEASE-4.0.0 to 4.4.0, "xm: Add maxvcpus
    support") computes ``(1 << vcpus) - 1`` and fails with "unsupported operand
    type(s) for <<: 'int' and 'str'" (a number written as a string is read as it is
    written: nothing in between converts it). ``cpu_weight`` and ``cpu_cap`` likewise,
    from Xen 3.1's XendConfig on, an empty string too."""
    from ...versions import XEN_XENDCONFIG, XEN_XM_MAXVCPUS, XEN_XM_SPECS

    # create.py's add_conf drops a false memory or maxmem (""), but appends cpu_weight
    # and cpu_cap when not None (so "" too); XendConfig converts them with int() and
    # nothing catches the ValueError (XendConfig.py:676-679 of RELEASE-4.0.0;
    # _set_cfg_if_exists with LEGACY_CFG_TYPES from Xen 3.1)
    for key, example, since in (
        ("memory", "the MiB as a number: memory = 1024", XEN_XM_SPECS),
        ("maxmem", "the MiB as a number: maxmem = 1024", XEN_XM_SPECS),
        ("cpu_weight", "a number: cpu_weight = 256", XEN_XENDCONFIG),
        ("cpu_cap", "a number: cpu_cap = 50", XEN_XENDCONFIG),
    ):
        value = doc.get(key)
        if key in doc.computed or not isinstance(value, str) or _PY2_INT.fullmatch(value):
            continue
        if not value and key in ("memory", "maxmem"):
            continue
        yield ValueProblem(
            doc.assignment(key),
            f"{key} '{value}': xend cannot read it as a number and xm create stops"
            f" ('Error: invalid literal for int() with base 10: {value!r}'); write"
            f" {example}",
            since=("xen", since),
            reprieve=_XL_READS,
        )
    vcpus, top = doc.get("vcpus"), doc.get("maxvcpus")
    if "vcpus" in doc.computed or "maxvcpus" in doc.computed or not top or not vcpus:
        return
    if isinstance(vcpus, (str, float)) and not isinstance(top, list):
        kind = "str" if isinstance(vcpus, str) else "float"
        yield ValueProblem(
            doc.assignment("vcpus"),
            f"vcpus {vcpus!r} beside maxvcpus: xm create stops ('Error: unsupported"
            f" operand type(s) for <<: 'int' and '{kind}'', create.py computes the"
            " vcpus it starts as (1 << vcpus) - 1); write vcpus as a number: vcpus = 2",
            since=("xen", XEN_XM_MAXVCPUS),
            reprieve=_XL_READS,
        )
