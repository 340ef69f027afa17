"""What every step of ``cib convert --to current`` (:mod:`.upgrade`) shares: the
changes it records, fresh ids, and the rewrites more than one section needs (one
nvpair of a name per set, the role names). Split from :mod:`.upgrade`."""

from __future__ import annotations

from typing import Any

from xencfg.formats.cib.convert import Change
from xencfg.formats.cib.convert.tables import source_line, unique_id

from .upgrade_tables import ROLE_ATTRS, ROLE_NAMES

KIND = "current"


def _is_el(node: Any) -> bool:
    return isinstance(node.tag, str)


def _promotable(el: Any) -> bool:
    """A clone with ``promotable=true`` in its meta attributes."""
    return el.tag == "clone" and any(
        nv.get("name") == "promotable" and nv.get("value", "").lower() == "true"
        for nv in el.iterfind("meta_attributes/nvpair")
    )


class _Steps:
    """The state and records of the steps to the current schema."""

    def __init__(self, lines: dict[Any, int | None], nodeids: dict[str, int] | None) -> None:
        #: element -> its input line, where this parse is not of the input (see _input_lines)
        self.lines = lines
        self.nodeids = nodeids
        self.changes: list[Change] = []
        self.used: set[str] = set()
        self._next_suffix: dict[str, int] = {}
        self.stack: str | None = None

    # -- reporting and ids
    def note(self, el: Any, what: str, why: str, kind: str = KIND) -> None:
        tag = el.tag if el is not None and _is_el(el) else "cib"
        ident = el.get("id") if el is not None and _is_el(el) else None
        line = source_line(el, self.lines) if el is not None and _is_el(el) else None
        self.changes.append(Change(kind, tag, ident, line, what, why))

    def unique(self, candidate: str) -> str:
        return unique_id(candidate, self.used, self._next_suffix)

    def dedupe(self, nvset: Any) -> None:
        """One nvpair of a name per set: the first wins, as Pacemaker reads it (3.10-2)."""
        seen: set[str] = set()
        for nv in list(nvset.findall("nvpair")):
            name = nv.get("name", "")
            if name in seen:
                nvset.remove(nv)
                self.note(
                    nv,
                    f"second {name}={nv.get('value')!r} in one set dropped",
                    "Pacemaker uses the first; upgrade-3.10-2.xsl keeps only it",
                )
            seen.add(name)

    def roles(self, el: Any) -> None:
        for name in ROLE_ATTRS.get(el.tag, ()):
            value = el.get(name)
            if value is not None and value.lower() in ROLE_NAMES:
                el.set(name, ROLE_NAMES[value.lower()])
                self.note(
                    el,
                    f"{name} {value!r} -> {el.get(name)!r}",
                    "Pacemaker 2.1's role names (upgrade-3.10 refuses the old ones)",
                )
