"""open-iscsi's iscsid.conf: ``key = value`` lines with dotted keys.

Keys carry indices (``node.conn[0].iscsi.HeaderDigest``); open-iscsi 2.0-8xx
and later spell connection keys ``node.conn[N]``, 2.0-7xx ``node.cnx[N]``
(read as *deprecated* here, with the new name). A value is the rest of the
line, blanks and ``#`` included (CHAP secrets may hold a ``#``). Values are
typed by key: integers, ``Yes``/``No``, enumerations, and CHAP secrets, which
every output masks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from ...errors import ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem
from ...suggest import suggest
from ...syntax.blocks import ComputedView, Entry
from ...syntax.numbers import int32, strtoul, written
from ..schema import Keyword, Schema, Version
from ..view import INT, Setting, to_int
from ._base import LineDocument, LineStyle, parser_for

FORMAT = "iscsid"

_INT_KEYS = (
    "node.session.timeo.replacement_timeout",
    "node.conn[N].timeo.login_timeout",
    "node.conn[N].timeo.logout_timeout",
    "node.conn[N].timeo.noop_out_interval",
    "node.conn[N].timeo.noop_out_timeout",
    "node.session.err_timeo.abort_timeout",
    "node.session.err_timeo.lu_reset_timeout",
    "node.session.err_timeo.tgt_reset_timeout",
    "node.session.err_timeo.host_reset_timeout",
    "node.session.initial_login_retry_max",
    "node.session.cmds_max",
    "node.session.queue_depth",
    "node.session.xmit_thread_priority",
    "node.session.nr_sessions",
    "node.session.reopen_max",
    "node.session.sess_reopen_log_freq",
    "node.session.iscsi.FirstBurstLength",
    "node.session.iscsi.MaxBurstLength",
    "node.session.iscsi.DefaultTime2Wait",
    "node.session.iscsi.DefaultTime2Retain",
    "node.session.iscsi.MaxConnections",
    "node.conn[N].iscsi.MaxRecvDataSegmentLength",
    "node.conn[N].iscsi.MaxXmitDataSegmentLength",
    "node.conn[N].tcp.window_size",
    "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength",
    "discovery.sendtargets.timeo.login_timeout",
    "discovery.sendtargets.reopen_max",
    "discovery.sendtargets.timeo.auth_timeout",
    "discovery.sendtargets.timeo.active_timeout",
    "isns.port",
    # in 2.1.8's node record too (idbm.c idbm_recinfo_node; peer-iscsiadm: KNOWN)
    "node.session.iscsi.MaxOutstandingR2T",
    "node.session.iscsi.ERL",
    "node.session.initial_cmdsn",
    "node.conn[N].timeo.auth_timeout",
    "node.conn[N].tcp.type_of_service",
    "discovery.sendtargets.discoveryd_poll_inval",
    "discovery.isns.discoveryd_poll_inval",
)
_BOOL_KEYS = (
    "node.leading_login",
    "node.session.iscsi.InitialR2T",
    "node.session.iscsi.ImmediateData",
    "node.session.iscsi.FastAbort",
    "node.session.iscsi.DataPDUInOrder",
    "node.session.iscsi.DataSequenceInOrder",
    "iscsid.safe_logout",
    # iscsid.c: strcmp(ipc_auth_uid, "Yes") (the stock file: "# iscsid.ipc_auth_uid = No")
    "iscsid.ipc_auth_uid",
    "discovery.sendtargets.use_discoveryd",
    "discovery.isns.use_discoveryd",
    "node.conn[N].iscsi.IFMarker",
    "node.conn[N].iscsi.OFMarker",
)
_ENUMS: dict[str, tuple[str, ...]] = {
    "node.startup": ("automatic", "manual", "onboot"),
    "node.conn[N].startup": ("manual", "automatic", "onboot"),
    "node.session.auth.authmethod": ("None", "CHAP"),
    "discovery.sendtargets.auth.authmethod": ("None", "CHAP"),
    "node.conn[N].iscsi.HeaderDigest": ("None", "CRC32C", "CRC32C,None", "None,CRC32C"),
    "node.conn[N].iscsi.DataDigest": ("None", "CRC32C", "CRC32C,None", "None,CRC32C"),
    "node.session.scan": ("auto", "manual"),
}
_TEXT_KEYS = (
    "iscsid.startup",
    "isns.address",
    "node.session.auth.username",
    "node.session.auth.username_in",
    "node.session.auth.password",
    "node.session.auth.password_in",
    "node.session.auth.chap_algs",
    "discovery.sendtargets.auth.username",
    "discovery.sendtargets.auth.username_in",
    "discovery.sendtargets.auth.password",
    "discovery.sendtargets.auth.password_in",
    "node.conn[N].tcp.congestion_control",
    "iface.transport_name",
    "iface.iscsi_ifacename",
    "iface.net_ifacename",
    "iface.hwaddress",
    "iface.ipaddress",
    "iface.initiatorname",
)
#: Every key open-iscsi 2.0-8xx and 2.1 read from iscsid.conf (indices as ``[N]``).
KNOWN = frozenset((*_INT_KEYS, *_BOOL_KEYS, *_ENUMS, *_TEXT_KEYS))
INTS = frozenset(_INT_KEYS)
BOOLS = frozenset(_BOOL_KEYS)
SECRET_KEYS = frozenset(k for k in _TEXT_KEYS if ".password" in k)
#: The keys of linux-iscsi's iscsi.conf (2005) and open-iscsi 2.0-7xx that current
#: iscsid ignores, with their replacements where one exists.
LEGACY: dict[str, str | None] = {
    # no replacement: open-iscsi's idbm.c named it node.active_conn from May 2005 (commit
    # a972077, "cnx to conn renaming", version 0.3) until 2.0-754 dropped that key too
    # (commit 710aa80, 2007-04-24: iscsid makes one connection per session); 2.1.8's
    # iscsiadm knows neither (peer-iscsiadm: UNKNOWN node.active_conn)
    "node.active_cnx": None,
    "node.active_conn": None,
    # split into lu_reset_timeout and tgt_reset_timeout after 2.0-865 (commit 13b0266,
    # 2007-08-27, "mv nop handling to kernel"; usr/version.h still "2.0-865"): releases up
    # to 2.0-865 read reset_timeout only (RENAMED_SINCE); 2.1.8's iscsiadm no longer
    # knows it (peer-iscsiadm: UNKNOWN)
    "node.session.err_timeo.reset_timeout": "node.session.err_timeo.lu_reset_timeout",
    "initiator_name": None,
    "initiator_alias": None,
    "target_name": None,
    "target_portal": None,
    "target_user": "node.session.auth.username",
    "target_password": "node.session.auth.password",
    "first_burst": "node.session.iscsi.FirstBurstLength",
    "max_burst": "node.session.iscsi.MaxBurstLength",
    "max_recv_dlength": "node.conn[0].iscsi.MaxRecvDataSegmentLength",
    # open-iscsi 2.1.8's node record names both (peer-iscsiadm: KNOWN)
    "max_r2t": "node.session.iscsi.MaxOutstandingR2T",
    "max_cnx": "node.session.iscsi.MaxConnections",
    "time2wait": "node.session.iscsi.DefaultTime2Wait",
    "time2retain": "node.session.iscsi.DefaultTime2Retain",
    "erl": "node.session.iscsi.ERL",
    "initial_r2t_en": "node.session.iscsi.InitialR2T",
    "imm_data_en": "node.session.iscsi.ImmediateData",
    "hdrdgst_en": "node.conn[0].iscsi.HeaderDigest",
    "datadgst_en": "node.conn[0].iscsi.DataDigest",
    "ifmarker_en": None,
    "ofmarker_en": None,
    "pdu_inorder_en": None,
    "dataseq_inorder_en": None,
    "isid": None,
}

#: RFC 3720's bounds of the negotiated lengths (bytes) and times (seconds).
RANGES: dict[str, tuple[int, int]] = {
    "node.session.iscsi.FirstBurstLength": (512, 2**24 - 1),
    "node.session.iscsi.MaxBurstLength": (512, 2**24 - 1),
    "node.conn[N].iscsi.MaxRecvDataSegmentLength": (512, 2**24 - 1),
    "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength": (512, 2**24 - 1),
    "node.session.iscsi.DefaultTime2Wait": (0, 3600),
    "node.session.iscsi.DefaultTime2Retain": (0, 3600),
    "node.session.queue_depth": (1, 1024),
    "node.session.cmds_max": (2, 2048),
    "isns.port": (1, 65535),
}
#: Read into the node record but never used: usr/login.c offers "MaxConnections" "1"
#: as a constant (every release since 2006), so no value of this is refused or sent.
UNUSED = frozenset({"node.session.iscsi.MaxConnections"})
_INDEX = re.compile(r"\[\d+\]")


#: The first open-iscsi release that reads a LEGACY key's replacement, where an older
#: release (which the file may be for) reads only the old key: the advice is for it.
RENAMED_SINCE: dict[str, Version] = {
    "node.session.err_timeo.reset_timeout": Version.parse("2.0.866"),
}


def _int_type(key: str) -> str:
    low, high = RANGES.get(key, (None, None))
    return f"int {low}..{high}" if low is not None else "int"


#: iscsid.conf's schema (indices as ``[N]``): each key's type, and the old keys
#: current iscsid ignores with what to write instead.
SCHEMA = Schema.build(
    "open-iscsi",
    "open-iscsi",
    {"top": KNOWN | LEGACY.keys()},
    [
        Keyword(k, renamed_to=new, obsolete=True, renamed_since=RENAMED_SINCE.get(k))
        for k, new in LEGACY.items()
    ],
    types={
        **{k: _int_type(k) for k in _INT_KEYS},
        **dict.fromkeys(_BOOL_KEYS, "Yes or No"),
        **{k: "one of " + ", ".join(words) for k, words in _ENUMS.items()},
        **dict.fromkeys(_TEXT_KEYS, "str"),
    },
    refuses=False,
)


def template(key: str) -> str:
    """The key with its indices as ``[N]`` (``node.conn[1].x`` -> ``node.conn[N].x``)."""
    return _INDEX.sub("[N]", key)


class IscsidStyle(LineStyle):
    """``key = value``; a value may hold blanks and ``#`` but no line break, and is not
    empty (``key =`` reads back as a key without a value: remove the key instead)."""

    #: keyvalue.lark's KEY: no blank, no ``=``, not starting a comment
    key_pattern = r"[^\s=#][^\s=]*"

    def quote(self, value: str, old: str | None = None) -> str:
        if "\n" in value or "\r" in value or value != value.strip() or value == "":
            raise ValidationError(f"{value!r} cannot be written as an iscsid.conf value")
        return value

    def check(self, key: str, values: Iterable[str]) -> None:
        """A key alone (``set("node.startup")``) is refused too: it would be written as
        a line without ``=``, which the file's grammar does not read back."""
        values = list(values)
        if not values:
            raise ValidationError(f"{key!r} needs a value: key = value (remove() drops a key)")
        super().check(key, values)


STYLE = IscsidStyle(indent="", separator=" = ")


@attrs.define(weakref_slot=False)
class OpenIscsiDocument(LineDocument):
    """Base of open-iscsi's ``key = value`` files (iscsid.conf, initiatorname.iscsi):
    one grammar, and every key is read once (a later line wins)."""

    grammar: ClassVar[str] = "keyvalue"
    repeatable: ClassVar[frozenset[str] | None] = frozenset()


@attrs.define(weakref_slot=False)
class IscsidDocument(OpenIscsiDocument):
    """A parsed iscsid.conf."""

    format = FORMAT
    style = STYLE

    def repeat_message(self, later: Entry) -> str:
        """A repeated key: the node record's keys take the last line
        (``idbm_recinfo_config`` updates the record line by line); ``iscsid.*``
        keys the first (``cfg_get_string_param`` in iscsi_util.c stops there)."""
        if later.key.startswith("iscsid."):
            return (
                f"'{later.key}' is set again: iscsid reads the first line only"
                " (cfg_get_string_param stops there), not this one: keep one"
            )
        return f"'{later.key}' is set again; the daemon uses this line, not the earlier one"

    def read_entries(self) -> dict[str, Entry]:
        """The line open-iscsi reads for each key: a later line for the node record's
        keys, the first for ``iscsid.*`` (:meth:`repeat_message`), and never a line its
        reader skips (:meth:`skipped_line`: ``key=value`` is not read at all)."""
        read: dict[str, Entry] = {}
        for e in self.entries():
            first_wins = e.key.startswith("iscsid.") and e.key in read
            if not first_wins and self.skipped_line(e) is None:
                read[e.key] = e
        return read

    @property
    def settings(self) -> dict[str, int | bool | str]:
        """Every setting with its typed value as open-iscsi reads it (:meth:`read_entries`;
        secrets included)."""
        return ComputedView(
            {k: typed(k, e.values[0] if e.values else "") for k, e in self.read_entries().items()},
            "use set(KEY, VALUE)",
        )

    def get(self, key: str, default: str | None = None) -> str | None:
        """The raw value open-iscsi reads for ``key`` (:meth:`read_entries`)."""
        e = self.read_entries().get(need_str(key, "get(key)"))
        return e.values[0] if e is not None and e.values else default

    def value(self, key: str) -> int | bool | str | None:
        """The typed value of ``key`` as open-iscsi reads it (``None`` when absent)."""
        e = self.read_entries().get(need_str(key, "value(key)"))
        return typed(key, e.values[0] if e.values else "") if e is not None else None

    startup = Setting(
        "node.startup",
        doc="``automatic`` logs in to the discovered targets at boot; ``manual`` does not.",
        read_only=True,
    )
    replacement_timeout = Setting(
        "node.session.timeo.replacement_timeout",
        type=INT,
        doc="Seconds a dead session holds I/O before failing it upwards (to multipath).",
        read_only=True,
    )
    auth_method = Setting("node.session.auth.authmethod", read_only=True)
    username = Setting("node.session.auth.username", read_only=True)

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """Unknown keys (with a did-you-mean) and the 2.0-7xx / iscsi.conf spellings."""
        for e in self.entries():
            t = template(e.key)
            if t in KNOWN:
                continue
            old = t.replace("node.cnx[N]", "node.conn[N]")
            if old != t and old in KNOWN:
                yield KeywordProblem(
                    e, "deprecated", e.key, e.key.replace("node.cnx[", "node.conn[")
                )
            elif e.key in LEGACY:
                yield KeywordProblem(e, "deprecated", e.key, LEGACY[e.key])
            else:
                yield KeywordProblem(e, "unknown", e.key, suggest(t, KNOWN))

    def value_problems(self) -> Iterator[ValueProblem]:
        """Values iscsid refuses or that break RFC 3720's limits, and lines its
        parser skips whole (:meth:`skipped_line`)."""
        for e in self.entries():
            skipped = self.skipped_line(e)
            problem = (
                (skipped, False)
                if skipped
                else _value_problem(e.key, e.values[0] if e.values else "")
            )
            if problem is not None:
                yield ValueProblem(e, problem[0], harmless=problem[1])
        first = self.entry("node.session.iscsi.FirstBurstLength")
        most = self.entry("node.session.iscsi.MaxBurstLength")
        fb = _int(first.values[0]) if first is not None and first.values else None
        mb = _int(most.values[0]) if most is not None and most.values else None
        if first is not None and fb is not None and mb is not None and fb > mb:
            yield ValueProblem(
                first, f"FirstBurstLength {fb} exceeds MaxBurstLength {mb} (RFC 3720)"
            )

    def skipped_line(self, e: Entry) -> str | None:
        """Why open-iscsi's reader skips ``e``'s line, or ``None``.

        ``idbm_recinfo_config`` (idbm.c, 2.0-873 to 2.1) ends the name at a blank
        or ``=``, then steps over one character and expects ``=`` after blanks:
        ``key=value`` and ``key= value`` fail ("does not have '=' separator"), only
        ``key = value`` and ``key =value`` are read. A line without its newline
        (the last one) is skipped as "too long".
        """
        text = self.source or ""
        if not text or e.pos < 0 or e.key.startswith("iscsid."):
            # iscsid.* keys are read by iscsi_util.c cfg_get_string_param: strstr for
            # the key, then strchr for '=' (fgets, no newline needed): key=value is read
            return None
        start = text.rfind("\n", 0, e.pos) + 1
        end = text.find("\n", e.pos)
        line = text[start:] if end < 0 else text[start:end]
        if end < 0:
            return (
                f"{e.key}: the file's last line has no newline, and iscsid skips such a"
                " line ('too long'): end the file with a newline"
            )
        if re.match(r"[ \t]*[^\s=]+=", line):
            return (
                f"{e.key}: no blank before '=', and iscsid skips the line (\"does not"
                " have '=' separator\"): write 'key = value'"
            )
        return None

    def secret_lines(self) -> list[Entry]:
        """The lines holding a CHAP password (``node.session.auth.password``,
        ``discovery.sendtargets.auth.password`` and their ``_in`` forms)."""
        return [e for e in self.entries() if e.key in SECRET_KEYS and e.values]

    def secrets(self) -> list[str]:
        """The CHAP passwords, for masking in every output."""
        return [e.values[0] for e in self.secret_lines()]

    @property
    def mode_ok(self) -> bool | None:
        """Whether neither group nor others may read the file (0600 or 0400, not 0640).

        ``None`` when the mode is unknown: text, or a file whose mode says nothing
        about the deployed one (see :func:`xencfg.discover.modes_are_real`).
        """
        return None if self.mode is None else (self.mode & 0o044) == 0

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        from ...secrets import MASK

        settings = self.settings
        if not show_secrets:
            settings = {k: MASK if k in SECRET_KEYS else v for k, v in settings.items()}
        return {
            "format": FORMAT,
            "settings": settings,
            "problems": [
                {"key": p.keyword, "kind": p.kind, "suggestion": p.detail}
                for p in self.keyword_problems()
            ],
        }


#: A comment after a number on the line: idbm_recinfo_config takes the rest of the line
#: as the value (no comment stripping) and strtoul stops at the blank (IS rules say so).
_COMMENT = re.compile(r"[ \t]+#.*")


def _read_int(raw: str) -> tuple[int, str] | None:
    """An integer value as iscsid stores it, and what it leaves unread: ``*(int *)data =
    strtoul(value, NULL, 10)`` (idbm.c idbm_rec_update_param, TYPE_INT, 2.0.873 to 2.1):
    blanks, a sign and the leading digits, saturating at ULONG_MAX, then the low 32 bits
    of that, signed (peer: ``iscsiadm -o update -n node.session.timeo.replacement_timeout
    -v V`` stores 99999999999 as 1215752191, 4294967416 as 120, 23 nines as -1 and
    ``15abc`` as 15). ``None`` where there is no digit (iscsid stores 0)."""
    read = strtoul(raw)
    return None if read is None else (int32(read[0]), raw[read[1] :])


def _int(raw: str) -> int | None:
    """An integer value as iscsid stores it (:func:`_read_int`)."""
    read = _read_int(raw)
    return None if read is None else read[0]


def typed(key: str, raw: str) -> int | bool | str:
    """A value as iscsid reads it: int, bool (Yes/No) or text."""
    t = template(key)
    if t in INTS:
        n = _int(raw)
        return n if n is not None else raw
    if t in BOOLS:
        # idbm_rec_update_param: TYPE_INT_O matches the words with strcmp, so only
        # "Yes" and "No" are read; "yes" stays text, as iscsid leaves it unread
        return {"Yes": True, "No": False}.get(raw, raw)
    return raw


def value_problem(key: str, raw: str) -> str | None:
    """Why iscsid cannot use ``raw`` for ``key`` (or reads it otherwise), or ``None``."""
    problem = _value_problem(key, raw)
    return problem[0] if problem is not None else None


def _value_problem(key: str, raw: str) -> tuple[str, bool] | None:
    """:func:`value_problem` and whether iscsid works with what it reads instead
    (a number it wraps or cuts short: lint warns)."""
    t = template(key)
    if t in UNUSED:
        return None
    if raw == "" and t in KNOWN:
        return f"{key} has no value", False
    if t in INTS:
        read = _read_int(raw)
        if read is None:
            return f"{key} = {raw!r} is not a number (iscsid reads 0)", False
        n, rest = read
        written_n = to_int(raw)
        wraps = written_n is not None and written_n != n
        as_read = f" is {n} to iscsid (strtoul into a 32-bit int)" if wraps else f" = {n}"
        low, high = RANGES.get(t, (None, None))
        if low is not None and high is not None and not low <= n <= high:
            shown_raw = f" = {written(raw)}" if wraps else ""
            return (
                f"{key}{shown_raw}{as_read}{',' if wraps else ''} is outside {low}..{high}",
                False,
            )
        if t == "node.session.cmds_max" and n & (n - 1):
            return f"{key} = {n} is not a power of two (iscsid rounds it down)", False
        if wraps:
            return f"{key} = {written(raw)}{as_read}", True
        if rest and not _COMMENT.fullmatch(rest):
            return f"{key} = {raw!r}: iscsid reads {n} and ignores {rest!r}", True
    elif t in BOOLS and raw not in ("Yes", "No"):
        # idbm_rec_update_param: TYPE_INT_O values match with strcmp, so 'yes' is
        # not read and the default stays (2.0-873 and 2.1 alike)
        return f"{key} = {raw!r}: iscsid reads only Yes or No (with capitals)", False
    elif t in _ENUMS and raw not in _ENUMS[t]:
        return f"{key} = {raw!r}: one of {', '.join(_ENUMS[t])}", False
    return None


parse = parser_for(IscsidDocument)


def sniff(text: str) -> bool:
    """Dotted ``node.``/``discovery.``/``iscsid.`` keys with ``=``."""
    return re.search(r"^[ \t]*(node|discovery|iscsid|isns)\.[\w.\[\]]+\s*=", text, re.M) is not None
