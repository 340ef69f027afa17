"""iSCSI names (RFC 3720 section 3.2.6): what targets and initiators call themselves.

``iqn.YYYY-MM.reversed.domain[:unique]``, ``eui.`` and 16 hex digits, or
``naa.`` and 16 or 32 hex digits. A malformed name is accepted by some
initiators and refused by others, so a cluster that works today fails after
an upgrade; the checks say what is wrong in words.
"""

from __future__ import annotations

import re

_IQN = re.compile(r"iqn\.(\d{4})-(\d{2})\.([a-z0-9][a-z0-9.-]*[a-z0-9])(?::(.+))?", re.I)
_EUI = re.compile(r"eui\.[0-9A-Fa-f]{16}")
_NAA = re.compile(r"naa\.(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})")
#: RFC 3720: an iSCSI name is at most 223 bytes.
MAX_LENGTH = 223
#: The one problem an initiator does not refuse: open-iscsi sends the name as written
#: (spell29: iscsid takes it), and only a target that keeps its access lists in lower
#: case (LIO's ACLs as targetcli/rtslib write them) turns the login away. A warning.
UPPER_CASE = (
    "iSCSI names are case-insensitive and written in lower case (RFC 3722): a target"
    " whose access lists hold the name in lower case (LIO's, as targetcli writes them)"
    " turns a login in another case away"
)


def iqn_problem(name: str) -> str | None:
    """What is wrong with an iSCSI name, or ``None`` when it is well formed."""
    size = len(name.encode("utf-8", "surrogateescape"))  # a Latin-1 byte is one byte
    if size > MAX_LENGTH:
        return f"iSCSI name is {size} bytes long (at most {MAX_LENGTH})"
    if any(c.isspace() for c in name):
        return "an iSCSI name has no blanks"
    low = name.lower()
    if low.startswith("eui."):
        return None if _EUI.fullmatch(name) else "eui. names are 'eui.' and 16 hex digits"
    if low.startswith("naa."):
        return None if _NAA.fullmatch(name) else "naa. names are 'naa.' and 16 or 32 hex digits"
    m = _IQN.fullmatch(name)
    if m is None:
        return "not an iSCSI name (iqn.YYYY-MM.reversed.domain[:id], eui. or naa.)"
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return f"month {m.group(2)} in the date of '{name}' does not exist"
    if name != name.lower():
        return UPPER_CASE
    return None
