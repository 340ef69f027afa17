"""How each keyword that today's multipath-tools (0.9) and open-iscsi (2.1) no longer
read is carried: the one place :mod:`.multipath` and :mod:`.iscsid` look.

The tables start from the data lint uses (:data:`xencfg.formats.multipath.DEPRECATED`,
:data:`xencfg.formats.lines.iscsid.LEGACY` and the ``node.cnx`` spelling) and add what a
rewrite needs beyond a name: why a keyword goes, and the few places where a plain
rename of lint's hint would be wrong. Those are overridden here, each with the reason
an admin can check:

* ``hwtable_regex_match`` -> ``hw_str_match`` (lint's hint): ``hw_str_match yes``
  means *string* matching, the opposite, and multipath-tools 0.9.4 rejects it
  ("invalid keyword in the defaults section: hw_str_match"); 0.9 matches device
  sections by regular expression anyway, so the keyword is dropped.
* ``getuid_callout``/``default_getuid_callout`` and ``prio_callout``/
  ``default_prio_callout`` name programs, not values: their *callouts* are
  translated (:func:`uid_attribute_for`, :func:`prio_for`), or reported.
* ``node.active_cnx`` (lint: no replacement): open-iscsi 2.1.8's node record
  (``iscsiadm -m node -T ... -p ...``) has neither it nor ``node.active_conn``; iscsid
  makes one connection per session, so the line is dropped.
* ``node.session.err_timeo.reset_timeout``: open-iscsi 2.0-7xx's name; 2.1.8's node
  record holds ``lu_reset_timeout`` (and ``tgt_reset_timeout``) instead.
* linux-iscsi's ``max_r2t``, ``erl``, ``ifmarker_en``, ``ofmarker_en`` (lint: no
  replacement): 2.1.8's node record has ``MaxOutstandingR2T``, ``ERL``, ``IFMarker``
  and ``OFMarker``.

When the versions work gives each format a keyword schema, these tables become
look-ups in it; nothing else in the migrations names a keyword.
"""

from __future__ import annotations

import re
import shlex

import attrs

from ..formats import multipath as fmp
from ..formats.lines import iscsid as fis

#: multipath-tools release the rewrite targets (the one tests run: ``multipath -t``)
MULTIPATH_TARGET = "multipath-tools 0.9"
ISCSID_TARGET = "open-iscsi 2.1"


@attrs.frozen
class Carry:
    """How one old keyword is carried: renamed to ``new`` (None: dropped), or through a
    translator (``how``: ``rename``, ``uid-callout``, ``prio-callout``, ``drop``)."""

    new: str | None
    how: str
    why: str
    #: the report line's severity when dropped: info (nothing lost) or warning
    severity: str = "info"


_MP_WHY = {
    "udev_dir": ("udev's /dev is the only device directory multipath-tools 0.9 uses", "info"),
    "multipath_tool": (
        "multipathd creates the maps itself and no longer runs a multipath command",
        "info",
    ),
    "pg_timeout": (
        "multipath-tools 0.9 has no path group timeout ('ignoring deprecated option')",
        "info",
    ),
    "replace_wwid_whitespace": (
        "udev's ID_SERIAL (the WWID multipath 0.9 reads) has its blanks replaced already",
        "info",
    ),
    "reload_readwrite": ("multipathd reloads a map whose paths turn read-write itself", "info"),
    "pg_prio_calc": (
        "multipath-tools 0.9 computes a path group's priority one way only: check the "
        "group order in multipath -ll",
        "warning",
    ),
    "config_dir": (
        "multipath-tools 0.9 always reads /etc/multipath/conf.d (move files kept elsewhere)",
        "warning",
    ),
    "multipath_dir": (
        "multipath-tools 0.9 loads its checker and prioritizer plugins from its built-in directory",
        "info",
    ),
    "hwtable_regex_match": (
        "multipath-tools 0.9 matches vendor and product of device sections as regular "
        "expressions always (hw_str_match of later releases means the opposite)",
        "info",
    ),
}


def _multipath_table() -> dict[str, Carry]:
    table: dict[str, Carry] = {}
    # the keyword schema lint reads (formats/multipath.py): every spelling a release
    # retired, or only a distribution's fork reads, with what replaced it
    retired = [k for k in fmp.MULTIPATH_FACTS if k.until is not None or k.vendor is not None]
    for old, new in ((k.name, k.renamed_to) for k in retired):
        if old in ("getuid_callout", "default_getuid_callout"):
            table[old] = Carry("uid_attribute", "uid-callout", "udev property instead of a callout")
        elif old in ("prio_callout", "default_prio_callout"):
            table[old] = Carry("prio", "prio-callout", "built-in prioritizer instead of a callout")
        elif old in _MP_WHY:
            why, severity = _MP_WHY[old]
            table[old] = Carry(None, "drop", why, severity)
        elif new is None:
            table[old] = Carry(None, "drop", f"{MULTIPATH_TARGET} has no such keyword", "warning")
        else:
            table[old] = Carry(new, "rename", f"the {MULTIPATH_TARGET} spelling")
    return table


#: old multipath.conf keyword -> how it is carried
MULTIPATH: dict[str, Carry] = _multipath_table()

#: old spellings multipath-tools 0.9 still reads, rewritten to the name ``multipath -t``
#: prints and multipath.conf(5) documents
MULTIPATH_ALIASES: dict[str, Carry] = {
    "checker": Carry("path_checker", "rename", "the name multipath.conf(5) documents"),
}

#: old prio callout program (its file name) -> the prioritizer of multipath-tools 0.9
#: that does the same (multipath-tools 0.4.9 turned each mpath_prio_* program into the
#: prioritizer of that name; netapp's became ``ontap``, hds_modular's ``hds``)
PRIO_CALLOUTS = {
    "mpath_prio_alua": "alua",
    "mpath_prio_emc": "emc",
    "mpath_prio_hds_modular": "hds",
    "mpath_prio_hp_sw": "hp_sw",
    "mpath_prio_netapp": "ontap",
    "mpath_prio_ontap": "ontap",
    "mpath_prio_rdac": "rdac",
    "mpath_prio_random": "random",
    # prints nothing: every path gets the same priority
    "true": "const",
}
#: arguments an old callout took that only name the path (multipath filled them in)
_PATH_ARGS = re.compile(r"^(/dev/)?%[nd]$|^%b$|^/block/%n$")


def prio_for(callout: str) -> str | None:
    """The prioritizer of multipath-tools 0.9 doing what ``callout`` did (None: none)."""
    try:
        argv = shlex.split(callout)
    except ValueError:
        return None
    if not argv:
        return None
    name = PRIO_CALLOUTS.get(argv[0].rsplit("/", 1)[-1])
    if name is None or not all(_PATH_ARGS.match(a) for a in argv[1:]):
        return None
    return name


#: scsi_id options that only pick the device or the output form udev uses too
_SCSI_ID_FLAGS = {"-g", "--whitelisted", "-u", "--replace-whitespace", "-x", "--export"}
_SCSI_ID_DEVICE = {"-s", "-d", "--device", "--devpath"}
_SCSI_ID_PAGES = {"0x83", "pre-spc3-83"}


def uid_attribute_for(callout: str) -> tuple[str | None, str]:
    """The udev property a ``getuid_callout`` read, and a note.

    ``scsi_id -g -u -s /block/%n`` and its spellings (``--whitelisted``,
    ``--replace-whitespace``, ``--device=/dev/%n``, ``-p 0x83``) print the id udev's
    60-persistent-storage.rules stores as ``ID_SERIAL`` (it runs ``scsi_id --export
    --whitelisted -d $devnode``): ``uid_attribute "ID_SERIAL"``. Any other program (or
    another VPD page) has no udev property: None, with the reason.
    """
    try:
        argv = shlex.split(callout)
    except ValueError:
        return None, "the callout is not a command line"
    if not argv or argv[0].rsplit("/", 1)[-1] != "scsi_id":
        return None, "only scsi_id's output is a udev property (ID_SERIAL)"
    args = iter(argv[1:])
    whitelisted = blanks = False
    for a in args:
        opt, _, val = a.partition("=")
        if opt in ("-g", "--whitelisted"):
            whitelisted = True
        elif opt in ("-u", "--replace-whitespace"):
            blanks = True
        elif opt in _SCSI_ID_FLAGS:
            continue
        elif opt in _SCSI_ID_DEVICE:
            if not val:
                next(args, None)
        elif opt in ("-p", "--page"):
            page = val or next(args, "")
            if page not in _SCSI_ID_PAGES:
                return None, f"scsi_id reads VPD page {page}; udev's ID_SERIAL comes from 0x83"
        else:
            return None, f"scsi_id option {a} has no udev equivalent"
    if not whitelisted:
        return None, "scsi_id without -g (--whitelisted) answered only for listed devices"
    note = "" if blanks else " (without -u its WWIDs kept blanks that ID_SERIAL turns into '_')"
    return "ID_SERIAL", note


def multipath_allowed(context: tuple[str, ...]) -> frozenset[str] | None:
    """The keywords multipath-tools 0.9 reads in the section path ``context`` (None:
    any; lint's tables)."""
    return fmp.keywords_for(context)


def multipath_newer(key: str) -> bool:
    """Whether ``key`` is a keyword of a release after the one the rewrite targets."""
    return key in fmp.NEWER


def multipath_places(key: str) -> list[str]:
    """The sections where multipath-tools 0.9 reads ``key`` (lint's tables)."""
    return [name for name, kws in fmp._SECTION_KEYWORDS if key in kws]


# -- iscsid.conf -----------------------------------------------------------

_LINUX_ISCSI = "linux-iscsi's iscsi.conf name"
#: old iscsid.conf (and linux-iscsi iscsi.conf) key -> how it is carried
_ISCSID_OVERRIDES: dict[str, Carry] = {
    "node.active_cnx": Carry(
        None,
        "drop",
        "open-iscsi 2.1's node record has no such key: iscsid makes one connection per session",
    ),
    "node.session.err_timeo.reset_timeout": Carry(
        "node.session.err_timeo.lu_reset_timeout", "rename", f"the {ISCSID_TARGET} name"
    ),
    # linux-iscsi names lint's table has no key for; open-iscsi 2.1.8's node record
    # (iscsiadm -m node) holds each of these
    "max_r2t": Carry("node.session.iscsi.MaxOutstandingR2T", "rename", _LINUX_ISCSI),
    "erl": Carry("node.session.iscsi.ERL", "rename", _LINUX_ISCSI),
    "ifmarker_en": Carry("node.conn[0].iscsi.IFMarker", "rename", _LINUX_ISCSI),
    "ofmarker_en": Carry("node.conn[0].iscsi.OFMarker", "rename", _LINUX_ISCSI),
    "initiator_name": Carry(
        None,
        "drop",
        "the initiator name lives in /etc/iscsi/initiatorname.iscsi (InitiatorName=...)",
        "action",
    ),
    "initiator_alias": Carry(
        None,
        "drop",
        "the alias lives in /etc/iscsi/initiatorname.iscsi (InitiatorAlias=...)",
        "action",
    ),
    "target_name": Carry(
        None,
        "drop",
        "targets are node records: iscsiadm -m discovery -t st -p PORTAL, or "
        "iscsiadm -m node -o new -T IQN -p PORTAL",
        "action",
    ),
    "target_portal": Carry(
        None,
        "drop",
        "portals are node records: iscsiadm -m discovery -t st -p PORTAL",
        "action",
    ),
}
#: keys of iscsid.conf whose values were 0/1 in linux-iscsi's iscsi.conf
_DIGEST = {"0": "None", "1": "CRC32C"}
_BOOL = {"0": "No", "1": "Yes"}
#: Yes/No keys of open-iscsi 2.1's node record that lint's tables lack
_MARKERS = ("node.conn[N].iscsi.IFMarker", "node.conn[N].iscsi.OFMarker")


def iscsid_carry(key: str) -> Carry | None:
    """How ``key`` (an iscsid.conf key, indices and all) is carried; None when
    open-iscsi 2.1 reads it as it is (or we do not know it: lint reports those)."""
    if key in _ISCSID_OVERRIDES:
        return _ISCSID_OVERRIDES[key]
    t = fis.template(key)
    if t in fis.KNOWN:
        return None
    conn = t.replace("node.cnx[N]", "node.conn[N]")
    if conn != t and conn in fis.KNOWN:
        return Carry(key.replace("node.cnx[", "node.conn["), "rename", "open-iscsi 2.0-8xx's name")
    if key in fis.LEGACY:
        new = fis.LEGACY[key]
        if new is None:
            return Carry(None, "drop", f"{ISCSID_TARGET} has no such setting", "warning")
        return Carry(new, "rename", _LINUX_ISCSI)
    return None


def iscsid_value(new_key: str, value: str) -> str:
    """A linux-iscsi 0/1 value in the spelling iscsid reads for ``new_key``."""
    t = fis.template(new_key)
    if t.endswith("Digest"):
        return _DIGEST.get(value, value)
    if t in fis.BOOLS or t in _MARKERS:
        return _BOOL.get(value, value)
    return value
