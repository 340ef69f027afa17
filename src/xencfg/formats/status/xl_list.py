"""``xl list`` / ``xm list`` / ``virsh list`` (running domains): read-only.

The table (``Name ID Mem VCPUs State Time(s)``) of both tools, the long
S-expression form (``xm list -l``, ``xl list -l`` of Xen 4.0/4.1:
``(domain (domid 1) ... (name vm1) ...)``), the JSON of ``xl list -l`` from Xen
4.2 (one ``{"domid": N, "config": {"c_info": {"name": ...}, "b_info": {...}}}``
per domain: 4.2 to 4.4 print one object after another, later releases one array,
xl_cmdimpl.c / xl_info.c ``list_domains_details`` and ``printf_info_one_json``),
and libvirt's ``virsh list [--all]`` (`` Id  Name  State`` over a dashed line; a
domain that is defined but not running has the ID ``-`` and the state ``shut
off``), whose states read as xl's six letters. ``Domain-0`` is kept but is not a
domU (:attr:`Domain.is_dom0`).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ._status import Record, StatusDocument, fail, lines, misplaced

FORMAT = "xl-list"

_HEADER = re.compile(r"^\s*Name\s+ID\s+Mem", re.I)
_ROW = re.compile(
    r"^(?P<name>\S+)\s+(?:(?P<id>\d{1,20})\s+)?(?P<mem>\d{1,20})\s+(?P<vcpus>\d{1,20})\s+(?P<state>[-rbpscd]{6})\s+(?P<time>[\d.]+)"
)
_SXP_ID = re.compile(r"\(domid\s+(\d{1,20})\)")
_SXP_NAME = re.compile(r"\(name\s+([^()\s]+)\)")
_SXP_STATE = re.compile(r"\(state\s+([-rbpscd]{6})\)")


@attrs.define
class Domain(Record):
    """One running (or paused, or dying) domain."""

    name: str
    id: int | None = None
    memory: int | None = None
    vcpus: int | None = None
    #: the six state letters (``r-----``, ``-b----``).
    state: str | None = None

    @property
    def is_dom0(self) -> bool:
        return self.name == "Domain-0" or self.id == 0

    @property
    def defined_only(self) -> bool:
        """An xend-managed domain that is not running (``xm new``, vm-install's):
        ``xm list`` shows it without an ID and with no state letter, as xend gives
        its record a ``domid`` only while it runs and an all-dashes state (Xen 3.x
        XendConfig.py ``to_sxp``: ``if domain.getDomid() is not None``,
        ``_get_old_state_string``). A running domain always has an ID (``------``
        with one is a runnable guest waiting for a CPU)."""
        return self.id is None and self.state == "------"


@attrs.define(weakref_slot=False)
class XlListDocument(StatusDocument):
    """Parsed ``xl list`` / ``xm list`` output."""

    format = FORMAT
    domains: list[Domain] = attrs.Factory(list)

    @property
    def domus(self) -> list[Domain]:
        """The guests the hypervisor holds: not Domain-0, not a managed domain xend
        only has on record (:attr:`Domain.defined_only`)."""
        return [d for d in self.domains if not d.is_dom0 and not d.defined_only]


def _sxp(text: str, path: str | None) -> XlListDocument:
    doc = XlListDocument(path=path, source=text)
    starts = [m.start() for m in re.finditer(r"^\(domain\b", text, re.M)]
    line, counted = 1, 0  # (counted on from the last domain: from the start each time was
    # quadratic in the number of domains)
    for i, start in enumerate(starts):
        block = text[start : starts[i + 1] if i + 1 < len(starts) else len(text)]
        name = _SXP_NAME.search(block)
        line, counted = line + text.count("\n", counted, start), start
        if name is None:
            raise fail("(domain ...) without (name ...)", text, path, line)
        did = _SXP_ID.search(block)
        state = _SXP_STATE.search(block)
        doc.domains.append(
            Domain(
                name[1], int(did[1]) if did else None, state=state[1] if state else None, line=line
            )
        )
    return doc


#: virsh's state words (libvirt virsh-domain-monitor.c ``virshDomainStateToString``)
#: as xl's letters: running, blocked, paused, shutdown, crashed, dying.
_VIRSH_STATES = {
    "running": "r-----",
    "idle": "-b----",
    "blocked": "-b----",
    "paused": "--p---",
    "pmsuspended": "--p---",
    "in shutdown": "---s--",
    "shut off": "------",
    "crashed": "----c-",
    "dying": "-----d",
    "no state": "------",
}
_VIRSH_HEADER = re.compile(r"^\s*Id\s+Name\s+State\s*$")
#: (matched on the line without trailing blanks: ``.*?\s*$`` is quadratic on a run of them)
_VIRSH_ROW = re.compile(r"^\s*(?P<id>\d{1,20}|-)\s+(?P<name>\S+)\s+(?P<state>\S.*)$")


def _virsh(text: str, path: str | None) -> XlListDocument:
    doc = XlListDocument(path=path, source=text)
    header = False
    for no, ln in lines(text):
        if not ln.strip() or set(ln.strip()) == {"-"}:
            continue
        if _VIRSH_HEADER.match(ln):
            header = True
            continue
        m = _VIRSH_ROW.match(ln.rstrip())
        state = _VIRSH_STATES.get(m["state"].lower()) if m else None
        if m is None or state is None:
            if header:
                raise misplaced(
                    "expected 'Id Name State' columns (a known virsh state)", text, path, no, ln
                )
            doc.unparsed.append((no, ln))
            continue
        did = None if m["id"] == "-" else int(m["id"])
        doc.domains.append(Domain(m["name"], did, state=state, line=no))
    return doc


def _json(text: str, path: str | None) -> XlListDocument:
    import json

    doc = XlListDocument(path=path, source=text)
    decoder = json.JSONDecoder()
    at, n = 0, len(text)
    items: list[tuple[int, Any]] = []  # (offset, object): each domain at its own line
    depth = 0  # inside the one top-level array of Xen 4.5 and later

    def where() -> int:
        return text.count("\n", 0, at) + 1

    while True:
        while at < n and (text[at].isspace() or (depth and text[at] == ",")):
            at += 1
        if at >= n:
            break
        if text[at] == "[" and not depth:
            depth, at = 1, at + 1
            continue
        if text[at] == "]" and depth:
            depth, at = 0, at + 1
            continue
        try:
            value, end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError) as exc:
            raise fail(f"not xl's JSON: {str(exc).split(':')[0]}", text, path, where()) from None
        items.append((at, value))
        at = end
    if depth:
        raise fail("not xl's JSON: the array is not closed", text, path, where())
    line, counted = 1, 0
    for start, item in items:
        line, counted = line + text.count("\n", counted, start), start
        config = item.get("config") if isinstance(item, dict) else None
        c_info = config.get("c_info") if isinstance(config, dict) else None
        name = c_info.get("name") if isinstance(c_info, dict) else None
        if not isinstance(name, str) or not name:
            raise fail("a domain without config.c_info.name", text, path, line)
        b_info = config.get("b_info") if isinstance(config, dict) else None
        b_info = b_info if isinstance(b_info, dict) else {}
        did, memkb, vcpus = item.get("domid"), b_info.get("target_memkb"), b_info.get("max_vcpus")
        doc.domains.append(
            Domain(
                name,
                did if isinstance(did, int) and not isinstance(did, bool) else None,
                memkb // 1024 if isinstance(memkb, int) and memkb > 0 else None,
                vcpus if isinstance(vcpus, int) and vcpus > 0 else None,
                line=line,
            )
        )
    return doc


def parse(text: str, path: str | None = None) -> XlListDocument:
    """Parse the table, the long forms or virsh's table; raises
    :class:`xencfg.ParseError` for a row that is not a domain line once the header
    was seen, and for JSON that is not xl's."""
    head = text.lstrip()
    if head.startswith("(domain"):
        return _sxp(text, path)
    if head.startswith(("[", "{")):
        return _json(text, path)
    if any(_VIRSH_HEADER.match(ln) for ln in text[:4096].split("\n")[:5]):
        return _virsh(text, path)
    doc = XlListDocument(path=path, source=text)
    header = False
    for no, ln in lines(text):
        if not ln.strip():
            continue
        if _HEADER.match(ln):
            header = True
            continue
        m = _ROW.match(ln.strip())
        if m:
            doc.domains.append(
                Domain(
                    m["name"],
                    int(m["id"]) if m["id"] else None,
                    int(m["mem"]),
                    int(m["vcpus"]),
                    m["state"],
                    line=no,
                )
            )
        elif header:
            raise misplaced(
                "expected 'Name ID Mem VCPUs State Time(s)' columns", text, path, no, ln
            )
        else:
            doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    if (_HEADER.search(head) is not None and "VCPUs" in head) or head.startswith("(domain"):
        return True
    if any(_VIRSH_HEADER.match(ln) for ln in head.split("\n")[:5]):
        return True
    return head.lstrip().startswith(("[", "{")) and '"c_info"' in head
