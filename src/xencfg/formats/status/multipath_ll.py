"""Output of ``multipath -ll`` (and multipathd's ``show topology``): read-only.

Both layouts are understood: multipath-tools 0.4.x
(``[size=..][features=..][hwhandler=..]``, ``\\_ round-robin 0 [prio=1][active]``,
``\\_ 0:0:1:1 sdc 8:32 [active][ready]``) and 0.4.9+ (``size=.. features='..'
hwhandler='..' wp=rw``, ``|-+- policy='round-robin 0' prio=1 status=active``,
``| `- 2:0:0:1 sdb 8:16 active ready running``). Indentation is not relied on
(scraped copies lose it); the shape of each line says what it is.
"""

from __future__ import annotations

import re

import attrs

from .._memo import Shared
from ._status import Record, StatusDocument, lines, misplaced, number

FORMAT = "multipath-ll"

_MAP = re.compile(
    r"^(?:(?P<action>create|reload|switchpg|rename|load):\s*)?"
    r"(?P<alias>[^\s(]+)(?:\s*\((?P<wwid>[^)]*)\))?\s*(?P<dm>dm-\d+)"
    # one blank before the vendor, no lazy fields: a blank run without a comma once
    # gave ``\s+``, a lazy vendor and ``\s*`` the same blanks (cubic; the line is not
    # squeezed); vendor and product are stripped by the parser
    r"(?:\s(?P<vendor>[^,]*),(?P<product>.*))?\s*$"
)
#: multipath-tools 0.4.7's header (print.c snprint_multipath_topology: ``"%n"``, then
#: ``" (%w)"`` when the alias is not the WWID; no dm name, no vendor): known as a header
#: only by the ``[size=`` line after it.
_BARE_MAP = re.compile(
    r"^(?:(?P<action>create|reload|switchpg|rename|load):\s*)?"
    r"(?P<alias>[^\s()\[\]|`\\]+)(?:\s*\((?P<wwid>[^)\s]*)\))?\s*$"
)
#: A header whose alias is its WWID and the WWID holds blanks (scsi_id without
#: --replace-whitespace, RHEL 5/6's getuid_callout: IET's ``1IET     00010001``): print.c
#: prints ``"%n %d %s"`` (0.4.8+; ``"%n"`` alone in 0.4.7), no parenthesis, so the
#: name runs up to `` dm-N``; known as a header only by the size line after it.
_DM_WORD = re.compile(r"\s(?P<dm>dm-\d+)(?=\s|$)")
_NOT_NAME = re.compile(r"[()\[\]|`\\=:#$>]")  # (debug lines, prompts: no WWID has these)
_SIZE_OLD = re.compile(r"^\s*\[size=([^\]]*)\]\[features=([^\]]*)\]\[hwhandler=([^\]]*)\]")
_SIZE_NEW = re.compile(r"^\s*size=(\S+)\s+features='([^']*)'\s+hwhandler='([^']*)'(?:\s+wp=(\S+))?")
_PG_OLD = re.compile(
    r"^[\s|`]*\\_\s+(?P<policy>[^\[\d:]*?(?:\s\d+)?)\s*(?:\[prio=(?P<prio>-?\d+)\])?\[(?P<status>\w+)\]"
)
_PG_NEW = re.compile(
    r"^[\s|`]*[|`]-\+-\s+(?:policy='(?P<policy>[^']*)'\s+)?prio=(?P<prio>-?\d+)\s+status=(?P<status>\S+)"
)
_HCTL = (
    r"(?P<hctl>(?:\d+|#):(?:\d+|#):(?:\d+|#):(?:\d+|#))"
    r"\s+(?P<dev>\S+)\s+(?P<major>\d+|#):(?P<minor>\d+|#)"
)
_PATH_OLD = re.compile(r"^[\s|`]*\\_\s+" + _HCTL + r"\s+\[(?P<dm>[^\]]*)\]\[(?P<chk>[^\]]*)\]")
_PATH_NEW = re.compile(
    # (the checker's "i/o pending" / "i/o timeout" are two words: print.c snprint_chk_state)
    r"^[\s|`]*[|`]-\s+" + _HCTL + r"\s+(?P<dm>\S+)\s+(?P<chk>i/o \w+|\S+)(?:\s+(?P<online>\S+))?"
)


@attrs.define
class Path(Record):
    """One SCSI path: ``host:channel:target:lun``, device node, dev_t and states."""

    hctl: tuple[int | None, int | None, int | None, int | None]
    device: str
    major: int | None
    minor: int | None
    #: device-mapper's view (``active``/``failed``).
    dm_state: str
    #: the path checker's view (``ready``/``faulty``/``ghost``...).
    path_state: str
    #: sysfs state (``running``/``offline``), newer layout only.
    online_state: str | None = None

    @property
    def ok(self) -> bool:
        return self.dm_state == "active" and self.path_state in ("ready", "ghost")

    @property
    def failed(self) -> bool:
        """Known broken: device-mapper failed it, or its checker says it is down
        (``faulty``, ``shaky``, ``i/o timeout``, ``disconnected``). A path whose
        check has not finished (``i/o pending``: PATH_PENDING, an async checker
        still waiting) or was not run (``undef``: ``multipath -l``, or no checker
        yet) is neither ok nor failed (libmultipath print.c
        ``snprint_chk_state``)."""
        return self.dm_state == "failed" or self.path_state in _DOWN


_DOWN = frozenset({"faulty", "shaky", "i/o timeout", "disconnected"})


@attrs.define
class PathGroup(Record):
    """A priority group: selector policy, priority and status."""

    policy: str | None
    prio: int | None
    status: str
    paths: list[Path] = attrs.Factory(list)


@attrs.define
class Map(Record):
    """A multipath map: alias (or WWID), WWID, dm device and hardware."""

    alias: str
    wwid: str
    #: ``dm-N``; ``None`` in multipath-tools 0.4.7's output, which does not show it.
    dm: str | None
    vendor: str | None = None
    product: str | None = None
    size: str | None = None
    features: str | None = None
    hwhandler: str | None = None
    wp: str | None = None
    action: str | None = None
    groups: list[PathGroup] = attrs.Factory(list)

    @property
    def paths(self) -> list[Path]:
        return [p for g in self.groups for p in g.paths]

    @property
    def queue_if_no_path(self) -> bool:
        return "queue_if_no_path" in (self.features or "")


@attrs.define(weakref_slot=False)
class MultipathLlDocument(StatusDocument):
    """Parsed ``multipath -ll`` output."""

    format = FORMAT
    maps: list[Map] = attrs.Factory(list)

    def map(self, key: str) -> Map | None:
        """The map whose alias, WWID or dm name is ``key``."""
        return next((m for m in self.maps if key in (m.alias, m.wwid, m.dm)), None)


_BLANKS = re.compile(r"\s{2,}")


def _squeeze(line: str) -> str:
    r"""``line`` with each run of blanks made one space. The patterns above give
    blanks to two neighbouring quantifiers (a lazy policy, then ``\s*``): a long
    run made them cubic (1,500 blanks took 16 s); single blanks keep them linear,
    and no field of the output holds two blanks that matter."""
    return _BLANKS.sub(" ", line)


def parse(text: str, path: str | None = None) -> MultipathLlDocument:
    """Parse ``multipath -ll`` output; raises :class:`xencfg.ParseError` only for
    path lines before any map header."""
    doc = MultipathLlDocument(path=path, source=text)
    cur: Map | None = None
    group: PathGroup | None = None
    share: Shared[str] = Shared()  # states, policies and features repeat from map to map
    prev = here = 0  # the numbers of the line before (not blank) and of this one
    for no, raw in lines(text):
        if not raw.strip():
            continue
        prev, here = here, no
        ln = _squeeze(raw)
        m = _PATH_NEW.match(ln) or _PATH_OLD.match(ln)
        if m:
            if cur is None:
                raise misplaced("path line before any map header", text, path, no, ln)
            if group is None:  # some scrapes lose the group line: keep the path anyway
                group = PathGroup(None, None, "undef", line=no)
                cur.groups.append(group)
            host, channel, target, lun = m["hctl"].split(":")  # (four, as the regex has)
            group.paths.append(
                Path(
                    (number(host), number(channel), number(target), number(lun)),
                    m["dev"],
                    number(m["major"]),
                    number(m["minor"]),
                    share(m["dm"]),
                    share(m["chk"]),
                    None if m.groupdict().get("online") is None else share(m["online"]),
                    line=no,
                )
            )
            continue
        m = _PG_NEW.match(ln) or _PG_OLD.match(ln)
        if m:
            if cur is None:
                raise misplaced("path group line before any map header", text, path, no, ln)
            policy = share((m["policy"] or "").strip()) or None
            prio = number(m["prio"])
            group = PathGroup(policy, prio, share(m["status"]), line=no)
            cur.groups.append(group)
            continue
        m = _SIZE_NEW.match(ln) or _SIZE_OLD.match(ln)
        if m and doc.unparsed and doc.unparsed[-1][0] == prev:
            header = _header_before_size(doc.unparsed[-1][1], prev)
            if header is not None:  # the line before was a header _MAP does not know
                doc.unparsed.pop()
                cur, group = header, None
                doc.maps.append(cur)
        if m and cur is not None:
            cur.size, cur.features, cur.hwhandler = (share(x.strip()) for x in m.groups()[:3])
            wp = m.groups()[3] if len(m.groups()) > 3 else None
            cur.wp = None if wp is None else share(wp)
            continue
        m = _MAP.match(raw.rstrip())  # not squeezed: a product name keeps its padding
        if m:
            alias = m["alias"]
            cur = Map(
                alias=alias,
                wwid=(m["wwid"] or alias).strip(),
                dm=m["dm"],
                vendor=share((m["vendor"] or "").strip()) or None,
                product=share((m["product"] or "").strip()) or None,
                action=m["action"],
                line=no,
            )
            group = None
            doc.maps.append(cur)
            continue
        doc.unparsed.append((no, raw))
    return doc


def _header_before_size(line: str, no: int) -> Map | None:
    """The map a line names that stands just before a size line: 0.4.7's header
    without dm-N (:data:`_BARE_MAP`), or one whose WWID holds blanks (:data:`_DM_WORD`)."""
    bare = _BARE_MAP.match(line.strip())
    if bare is not None:
        wwid = bare["wwid"] or bare["alias"]
        return Map(alias=bare["alias"], wwid=wwid, dm=None, action=bare["action"], line=no)
    text = line.strip()
    dm = _DM_WORD.search(text)
    name = text[: dm.start()].strip() if dm else text
    if not name or _NOT_NAME.search(name):
        return None
    vendor, _, product = text[dm.end() :].partition(",") if dm else ("", "", "")
    return Map(
        alias=name,
        wwid=name,
        dm=dm["dm"] if dm else None,
        vendor=vendor.strip() or None,
        product=product.strip() or None,
        line=no,
    )


def sniff(text: str) -> bool:
    if re.search(r"^[^\S\n]*\[size=[^\]\n]*\]\[features=", text[:4096], re.M):
        return True  # 0.4.x, whose 0.4.7 header has no dm name
    return any(_MAP.match(_squeeze(ln)) for _, ln in lines(text[:4096])) and (
        "[size=" in text or "size=" in text
    )
