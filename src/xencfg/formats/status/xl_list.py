"""``xl list`` / ``xm list`` (running domains): read-only.

The table (``Name ID Mem VCPUs State Time(s)``) of both tools, and the long
S-expression form (``xm list -l``, ``xl list -l`` of Xen 4.0/4.1:
``(domain (domid 1) ... (name vm1) ...)``). ``Domain-0`` is kept but is not a
domU (:attr:`Domain.is_dom0`).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ._status import StatusDocument, as_dict, fail, first_col, lines

FORMAT = "xl-list"

_HEADER = re.compile(r"^\s*Name\s+ID\s+Mem", re.I)
_ROW = re.compile(
    r"^(?P<name>\S+)\s+(?:(?P<id>\d{1,20})\s+)?(?P<mem>\d{1,20})\s+(?P<vcpus>\d{1,20})\s+(?P<state>[-rbpscd]{6})\s+(?P<time>[\d.]+)"
)
_SXP_ID = re.compile(r"\(domid\s+(\d{1,20})\)")
_SXP_NAME = re.compile(r"\(name\s+([^()\s]+)\)")
_SXP_STATE = re.compile(r"\(state\s+([-rbpscd]{6})\)")


@attrs.define
class Domain:
    """One running (or paused, or dying) domain."""

    name: str
    id: int | None = None
    memory: int | None = None
    vcpus: int | None = None
    #: the six state letters (``r-----``, ``-b----``).
    state: str | None = None
    line: int = attrs.field(default=0, eq=False, repr=False)

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

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"format": FORMAT, "domains": as_dict(self.domains)}


def _sxp(text: str, path: str | None) -> XlListDocument:
    doc = XlListDocument(path=path, source=text)
    starts = [m.start() for m in re.finditer(r"^\(domain\b", text, re.M)]
    for i, start in enumerate(starts):
        block = text[start : starts[i + 1] if i + 1 < len(starts) else len(text)]
        name = _SXP_NAME.search(block)
        line = text.count("\n", 0, start) + 1
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


def parse(text: str, path: str | None = None) -> XlListDocument:
    """Parse the table or the long form; raises :class:`xencfg.ParseError` for a row
    that is not a domain line once the header was seen."""
    if text.lstrip().startswith("(domain"):
        return _sxp(text, path)
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
            raise fail(
                "expected 'Name ID Mem VCPUs State Time(s)' columns", text, path, no, first_col(ln)
            )
        else:
            doc.unparsed.append((no, ln))
    return doc


def sniff(text: str) -> bool:
    head = text[:4096]
    return (_HEADER.search(head) is not None and "VCPUs" in head) or head.startswith("(domain")
