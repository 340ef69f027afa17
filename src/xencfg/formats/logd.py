"""ha_logd.cf / logd.cf: the heartbeat logging daemon (ha_logd).

Same line syntax as ha.cf (``directive value``, ``#`` anywhere starts a
comment). ha_logd (cluster-glue, as shipped with heartbeat 3.0.6) knows
logfacility, logfile, debugfile, entity, syslogprefix, sendqlen, recvqlen,
syslogmsgfmt and logmode; ``useapphbd`` (heartbeat 2.x) it now refuses, so it
is *deprecated*. A directive glued to its value, as in ``logfacilitylocal7``
or ``logfile/var/log/ha-log``, makes ha_logd refuse the whole file ("Illegal
directive"); we keep it as an *unknown* directive whose suggestion splits it:
``logfacility local7``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ..syntax.blocks import ComputedView
from ._lines import HEARTBEAT_STYLE, LineDocument, parser_for, to_bool, to_int
from .hacf import SYSLOG_FACILITIES

FORMAT = "logd"

KNOWN = frozenset(
    [
        "logfacility",
        "logfile",
        "debugfile",
        "entity",
        "syslogprefix",
        "sendqlen",
        "recvqlen",
        "syslogmsgfmt",
        "logmode",
    ]
)
DEPRECATED: dict[str, str | None] = {"useapphbd": None}
INTS = frozenset({"sendqlen", "recvqlen"})
BOOLS = frozenset({"useapphbd", "syslogmsgfmt"})
#: ha_logd's defaults where a directive is absent.
DEFAULTS: dict[str, Any] = {
    "logfacility": "daemon",
    "entity": "logd",
    "useapphbd": False,
    "sendqlen": 256,
    "recvqlen": 256,
}


@attrs.define(weakref_slot=False)
class LogdDocument(LineDocument):
    """A parsed ha_logd.cf."""

    format = FORMAT
    style = HEARTBEAT_STYLE
    known: ClassVar[frozenset[str] | None] = KNOWN
    deprecated: ClassVar[dict[str, str | None]] = DEPRECATED
    repeatable: ClassVar[frozenset[str] | None] = frozenset()  # every key is read once

    @property
    def logfacility(self) -> str | None:
        """The syslog facility (``none`` disables syslog)."""
        return self.get("logfacility")

    @logfacility.setter
    def logfacility(self, value: str) -> None:
        self.set("logfacility", value)

    @property
    def logfile(self) -> str | None:
        return self.get("logfile")

    @logfile.setter
    def logfile(self, value: str) -> None:
        self.set("logfile", value)

    @property
    def debugfile(self) -> str | None:
        return self.get("debugfile")

    @debugfile.setter
    def debugfile(self, value: str) -> None:
        self.set("debugfile", value)

    @property
    def entity(self) -> str | None:
        """The tag at the start of each message."""
        return self.get("entity")

    @property
    def useapphbd(self) -> bool | None:
        return to_bool(self.get("useapphbd"))

    @property
    def sendqlen(self) -> int | None:
        return to_int(self.get("sendqlen"))

    @property
    def recvqlen(self) -> int | None:
        return to_int(self.get("recvqlen"))

    @property
    def logmode(self) -> int | None:
        """Permission bits of the log files ha_logd creates (written in octal)."""
        raw = self.get("logmode")
        try:
            return int(raw, 8) if raw is not None else None
        except ValueError:
            return None

    @property
    def settings(self) -> dict[str, Any]:
        """Every known directive with its typed value (a later line wins)."""
        out: dict[str, Any] = {}
        for e in self.entries():
            if e.key not in KNOWN | DEPRECATED.keys() or not e.values:
                continue
            raw = e.values[0]
            out[e.key] = to_int(raw) if e.key in INTS else to_bool(raw) if e.key in BOOLS else raw
        return ComputedView(out, "use set(KEY, VALUE)")

    def effective(self) -> dict[str, Any]:
        """What ha_logd uses: the settings over its defaults."""
        return {**DEFAULTS, **self.settings}

    def value_problems(self) -> list[tuple[Any, str]]:
        """``(node, message)`` for values ha_logd cannot use."""
        out: list[tuple[Any, str]] = []
        for e in self.entries():
            if e.key in KNOWN and not e.values:
                out.append((e, f"{e.key} needs a value"))
            elif e.key in INTS and to_int(e.values[0]) is None:
                out.append((e, f"{e.key} {e.values[0]!r} is not a number"))
            elif e.key in BOOLS and to_bool(e.values[0]) is None:
                out.append((e, f"{e.key} {e.values[0]!r} is not a boolean"))
            elif e.key == "logmode" and self.logmode is None:
                out.append((e, f"logmode {e.values[0]!r} is not an octal mode"))
            elif e.key == "logfacility" and e.values[0].lower() not in SYSLOG_FACILITIES:
                out.append((e, f"logfacility {e.values[0]!r} is not a syslog facility"))
        return out

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "settings": self.settings,
            "unknown": [
                {"directive": n.key, "kind": kind, "suggestion": s}  # type: ignore[attr-defined]
                for n, kind, s in self.keyword_problems()
            ],
        }


parse = parser_for(LogdDocument)
