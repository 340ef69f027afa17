"""/etc/hostname: the name the node gives itself at boot (``uname -n``).

Debian's ``hostname.sh`` and systemd set the kernel's host name to the file's
first word *as written*, domain included, and heartbeat, drbdadm, o2cb and the
CRM look themselves up by that name. Lines starting with ``#`` are comments
(systemd's reader skips them), so the shared ``lines`` grammar parses it.
"""

from __future__ import annotations

from typing import Any

import attrs

from ...errors import ValidationError
from ._base import LineDocument, parser_for

FORMAT = "hostname"


@attrs.define(weakref_slot=False)
class HostnameDocument(LineDocument):
    """A parsed /etc/hostname."""

    format = FORMAT

    @property
    def name(self) -> str | None:
        """The host name as the kernel gets it (the first word; ``None`` when empty)."""
        entries = self.entries()
        return entries[0].key if entries else None

    @name.setter
    def name(self, value: str) -> None:
        """Rename the node: the first word changes (the rest of the file stays), or
        the name is written on a line of its own. A name with blanks is a ValueError:
        the boot scripts take the first word only; so is one with ``#``, where the
        line's comment starts (systemd's reader)."""
        if not isinstance(value, str) or not value or value.split() != [value] or "#" in value:
            raise ValidationError(f"a host name is one word without '#', not {value!r}")
        entries = self.entries()
        if entries:
            entries[0].key = value
        else:
            self.children.append(self.entry_class(value)(value, []))

    @property
    def is_fqdn(self) -> bool:
        """Whether the name carries a domain (``xen1.example.net``)."""
        name = self.name or ""
        return "." in name.strip(".")

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"format": FORMAT, "name": self.name}


parse = parser_for(HostnameDocument)
