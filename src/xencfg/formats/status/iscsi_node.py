"""``iscsiadm -m node``: open-iscsi's node records (the targets it logs in to),
read-only.

Three forms (open-iscsi idbm.c): the flat list, one record a line,
``ADDRESS:PORT,TPGT IQN`` (``[ADDRESS]`` for an address without a dot:
``idbm_print_node_flat``); the tree of ``-P 1``, ``Target: IQN`` then
``\\tPortal: ADDRESS:PORT,TPGT`` and ``\\t\\tIface Name: NAME``
(``idbm_print_node_tree``, ``idbm_print_node_and_iface_tree``); and every key of
each record with ``-o show`` / ``--op=show``, ``# BEGIN RECORD VERSION``, ``KEY =
VALUE`` lines, ``# END RECORD`` (``idbm_print``), which alone shows
``node.startup``. ``iscsiadm: No records found`` (exit 21) is an empty document.
The CHAP passwords of ``-o show`` are secrets: never in the model, masked in
every output.
"""

from __future__ import annotations

import re

import attrs

from ._status import Record, StatusDocument, fail, lines, misplaced, number

FORMAT = "iscsi-node"

#: ``ADDRESS:PORT,TPGT`` as both the flat list and the tree's ``Portal:`` print it
_AT = r"(?P<address>\[[^\]\s]+\]|[^\s\[\]]+):(?P<port>\d{1,5}),(?P<tpgt>-?\d{1,10})"
_FLAT = re.compile(r"^" + _AT + r"\s+(?P<iqn>\S+)\s*$")
_TARGET = re.compile(r"^Target:\s*(?P<iqn>\S+)\s*$")
_PORTAL = re.compile(r"^\s+Portal:\s*" + _AT + r"\s*$")
_IFACE = re.compile(r"^\s+Iface Name:\s*(?P<iface>\S+)\s*$")
_BEGIN = re.compile(r"^# BEGIN RECORD\b")
#: the ``-o show`` form, known by a record start near the top
_SHOWN = re.compile(r"^# BEGIN RECORD", re.M)
_END = re.compile(r"^# END RECORD\b")
#: (matched on the line without trailing blanks: ``.*?\s*$`` is quadratic on a run of them)
_KEY = re.compile(r"^(?P<key>[\w.\[\]]+)\s*=\s*(?P<value>.*)$")
_SECRET = re.compile(r"\.auth\.password(_in)?$")


@attrs.define
class NodeRecord(Record):
    """One node record: a target at one portal, through one iface."""

    target: str
    address: str
    port: int | None = None
    tpgt: int | None = None
    iface: str | None = None
    #: ``automatic``, ``manual`` or ``onboot``; only ``-o show`` prints it.
    startup: str | None = None


@attrs.define(weakref_slot=False)
class IscsiNodeDocument(StatusDocument):
    """Parsed ``iscsiadm -m node`` output."""

    format = FORMAT
    records: list[NodeRecord] = attrs.Factory(list)
    _secrets: list[str] = attrs.field(factory=list, eq=False, repr=False)

    def secrets(self) -> list[str]:
        return list(self._secrets)


def _bare(address: str) -> str:
    return address[1:-1] if address.startswith("[") and address.endswith("]") else address


def _show(doc: IscsiNodeDocument, text: str, path: str | None) -> IscsiNodeDocument:
    cur: dict[str, str] | None = None
    start = 0
    for no, ln in lines(text):
        if not ln.strip():
            continue
        if _BEGIN.match(ln):
            cur, start = {}, no
            continue
        if _END.match(ln):
            if cur is not None:
                _add_shown(doc, cur, text, path, start)
            cur = None
            continue
        m = _KEY.match(ln.rstrip())
        if m is not None and _SECRET.search(m["key"]):
            # (before any other check: no error message may quote the line)
            if m["value"] not in ("", "<empty>"):
                doc._secrets.append(m["value"])
            continue
        if m is None or cur is None:
            if m is not None:
                raise misplaced("a record key before '# BEGIN RECORD'", text, path, no, ln)
            doc.unparsed.append((no, ln))
            continue
        cur[m["key"]] = m["value"]
    if cur is not None:  # a record cut short (a truncated capture): what it has
        _add_shown(doc, cur, text, path, start)
    return doc


def _add_shown(
    doc: IscsiNodeDocument, rec: dict[str, str], text: str, path: str | None, line: int
) -> None:
    name, address = rec.get("node.name"), rec.get("node.conn[0].address")
    if not name or not address:
        raise fail("a record without node.name or node.conn[0].address", text, path, line)
    val = lambda k: None if rec.get(k) in (None, "", "<empty>") else rec[k]  # noqa: E731
    doc.records.append(
        NodeRecord(
            name,
            address,
            number(rec.get("node.conn[0].port")),
            number(rec.get("node.tpgt")),
            val("iface.iscsi_ifacename"),
            val("node.startup"),
            line=line,
        )
    )


def parse(text: str, path: str | None = None) -> IscsiNodeDocument:
    """Parse any of the three forms; raises :class:`xencfg.ParseError` for a portal
    before any ``Target:`` line, a record key before ``# BEGIN RECORD``, and a
    shown record without a target or address."""
    doc = IscsiNodeDocument(path=path, source=text)
    if _SHOWN.search(text[:4096]):
        return _show(doc, text, path)
    target: str | None = None
    last: NodeRecord | None = None
    for no, ln in lines(text):
        if not ln.strip():
            continue
        if m := _FLAT.match(ln):
            doc.records.append(
                NodeRecord(
                    m["iqn"], _bare(m["address"]), number(m["port"]), number(m["tpgt"]), line=no
                )
            )
            continue
        if m := _TARGET.match(ln):
            target, last = m["iqn"], None
            continue
        if m := _PORTAL.match(ln):
            if target is None:
                raise misplaced("a 'Portal:' line before any 'Target:' line", text, path, no, ln)
            last = NodeRecord(
                target, _bare(m["address"]), number(m["port"]), number(m["tpgt"]), line=no
            )
            doc.records.append(last)
            continue
        if (m := _IFACE.match(ln)) and last is not None:
            if last.iface is None:
                last.iface = m["iface"]
            else:  # the same portal through a second iface: a record of its own
                last = attrs.evolve(last, iface=m["iface"])
                last.line = no
                doc.records.append(last)
            continue
        doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    if "No records found" in head or _SHOWN.search(head):
        return True
    first = next((ln.rstrip("\r") for ln in head.split("\n") if ln.strip()), "")
    if _FLAT.match(first):
        return True
    return bool(_TARGET.match(first)) and re.search(r"^\s+Portal:", head, re.M) is not None
