"""ha_logd.cf / logd.cf: the heartbeat logging daemon (ha_logd).

Same line syntax as ha.cf (``directive value``, ``#`` anywhere starts a
comment). ha_logd (cluster-glue, as shipped with heartbeat 3.0.6) knows
logfacility, logfile, debugfile, entity, syslogprefix, sendqlen, recvqlen,
syslogmsgfmt and logmode; ``useapphbd`` (heartbeat 2.x) it now refuses, so it
is *deprecated*. A directive glued to its value, as in ``logfacilitylocal7``
or ``logfile/var/log/ha-log``, makes ha_logd refuse the whole file ("Illegal
directive"); we keep it as an *unknown* directive whose suggestion splits it:
``logfacility local7``.

How ha_logd reads a line (cluster-glue lib/clplumbing logd.c parse_config): the
directive is looked up with ``strcasecmp`` (``Logfile`` is logfile), an unknown one
makes it refuse the file ("Illegal directive [...]", "Config file [...] is incorrect"),
the value is the first word (blanks or commas end it), and a missing value is the empty
string: logfile, debugfile, entity and logmode take it, logfacility and syslogmsgfmt
refuse it. sendqlen and recvqlen are ``atoi``-ed and refused only below 0 ("negative
send queue length"), so ``sendqlen lots`` runs as 0. Checked with cluster-glue 1.0.12's
ha_logd -c FILE.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from ...problems import ValueProblem
from ...syntax.blocks import ComputedView
from ...syntax.numbers import signed_decimal
from ..view import (
    BOOL,
    INT,
    OCTAL,
    Setting,
    choice,
    daemon_defaults,
    deprecated_of,
    schema_of,
    settings_of,
    typed_settings,
    typed_value_problems,
)
from ._base import LineDocument, parser_for
from .hacf_directives import SYSLOG_FACILITIES

FORMAT = "logd"

#: The syslog facilities ha_logd takes (``none`` turns syslog off).
FACILITY = choice(SYSLOG_FACILITIES, "a syslog facility")


@attrs.define(weakref_slot=False)
class LogdDocument(LineDocument):
    """A parsed ha_logd.cf."""

    format = FORMAT
    known: ClassVar[frozenset[str] | None]  # (set below, from the settings)
    deprecated: ClassVar[dict[str, str | None]]  # (set below, from the settings)
    repeatable: ClassVar[frozenset[str] | None] = frozenset()  # every key is read once
    #: ha_logd refuses the file for a directive it does not know
    refused_keyword_kinds = frozenset({"unknown"})

    # The schema: each directive ha_logd knows, its type and ha_logd's default.
    logfacility = Setting(
        type=FACILITY,
        daemon_default="daemon",
        doc="The syslog facility (``none`` disables syslog).",
    )
    logfile = Setting(doc="The log file ha_logd writes.")
    debugfile = Setting(doc="The file ha_logd writes debug messages to.")
    entity = Setting(
        daemon_default="logd", doc="The tag at the start of each message.", read_only=True
    )
    syslogprefix = Setting(doc="What ha_logd puts before each syslog message.", read_only=True)
    sendqlen = Setting(type=INT, daemon_default=256, read_only=True)
    recvqlen = Setting(type=INT, daemon_default=256, read_only=True)
    syslogmsgfmt = Setting(type=BOOL, read_only=True)
    logmode = Setting(
        type=OCTAL,
        doc="Permission bits of the log files ha_logd creates (written in octal).",
        read_only=True,
    )
    #: heartbeat 2.x's; ha_logd 3.0.6 refuses it
    useapphbd = Setting(type=BOOL, daemon_default=False, read_only=True, obsolete=True)

    @property
    def settings(self) -> dict[str, Any]:
        """Every known directive with its typed value (a later line wins)."""
        return ComputedView(typed_settings(self), "use set(KEY, VALUE)")

    def effective(self) -> dict[str, Any]:
        """What ha_logd uses: the settings over its defaults."""
        return {**DEFAULTS, **self.settings}

    def value_problems(self) -> list[ValueProblem]:
        """Values ha_logd cannot use: a directive without a value, or one not of its type
        (the queue lengths and empty values as ha_logd reads them, see the module doc)."""
        own = {
            id(e) for e in self.entries() if e.key in _ATOI or (not e.values and e.key in _EMPTY_OK)
        }
        out = [p for p in typed_value_problems(self) if id(p.node) not in own]
        out.extend(self._own_problems())
        return out

    def _own_problems(self) -> Iterator[ValueProblem]:
        for e in self.entries():
            word = e.values[0] if e.values else ""
            if e.key in _ATOI:
                m = re.match(r"\s*([+-]?[0-9]+)", word)
                n = signed_decimal(m.group(1)) if m else 0
                if n < 0:
                    yield ValueProblem(e, f"{e.key} {word!r}: ha_logd refuses a negative length")
                elif not re.fullmatch(r"[0-9]+", word):
                    yield ValueProblem(
                        e,
                        f"{e.key} {word!r} is read as {n} (ha_logd reads the leading digits)",
                        harmless=True,
                    )
            elif (
                e.key == "logfacility"
                and word not in SYSLOG_FACILITIES
                and word.lower() in SYSLOG_FACILITIES
            ):
                # cl_syslogfac_str2int matches the names exactly: "LOCAL0" is refused
                # (as in ha.cf; checked with ha_logd)
                yield ValueProblem(
                    e, f"logfacility {word!r}: ha_logd takes syslog facilities in lower case"
                )
            elif not e.values and e.key in _EMPTY_OK:
                yield ValueProblem(
                    e, f"{e.key} has no value: ha_logd sets it to the empty string", harmless=True
                )

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "settings": self.settings,
            "unknown": [
                {"directive": p.keyword, "kind": p.kind, "suggestion": p.detail}
                for p in self.keyword_problems()
            ],
        }


#: Read with ``atoi``, refused below 0 (set_sendqlen, set_recvqlen).
_ATOI = frozenset({"sendqlen", "recvqlen"})
#: Taken with no value (the empty string): set_logfile, set_debugfile, set_entity,
#: set_syslogprefix, set_logmode (``strtoul("")`` ends at once).
_EMPTY_OK = frozenset({"logfile", "debugfile", "entity", "syslogprefix", "logmode"})


class _Caseless(frozenset[str]):
    """ha_logd's directive names: compared with ``strcasecmp`` (get_dir_index)."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and frozenset.__contains__(self, key.lower())


#: The directives ha_logd 3.0.6 refuses that older releases read.
DEPRECATED: dict[str, str | None] = deprecated_of(LogdDocument)
#: Every directive ha_logd 3.0.6 knows (``useapphbd`` it now refuses: deprecated).
KNOWN = frozenset(settings_of(LogdDocument)) - DEPRECATED.keys()
INTS = frozenset(k for k, s in settings_of(LogdDocument).items() if s.type is INT)
BOOLS = frozenset(k for k, s in settings_of(LogdDocument).items() if s.type is BOOL)
#: ha_logd's defaults where a directive is absent.
DEFAULTS: dict[str, Any] = daemon_defaults(LogdDocument)
LogdDocument.known = _Caseless(KNOWN)
LogdDocument.deprecated = DEPRECATED
#: ha_logd.cf's schema: each directive's type, default and whether it is obsolete.
SCHEMA = schema_of("heartbeat", "ha_logd", {"top": LogdDocument}, refuses=True)

parse = parser_for(LogdDocument)
