"""What Pacemaker refuses in a converted CIB (``xencfg cib convert``).

Here, not in formats/cib/convert: it runs lint's rules, and formats sit below lint.

The pacemaker-1.0 output is checked against pacemaker-1.0.rng (``formats/cib/convert`` ``_check``);
Pacemaker's current schemas are not held in the repository, so the current output is
checked by the lint rules that speak for ``crm_verify``'s "config not valid"
(:data:`RULES`), and so is a pacemaker-1.0 or 1.1 output, for that release (an error
that is not the schema's: two monitors of one interval, loss-policy=fence without
fencing). Each error is placed on the input line of the element it is about (matched by
tag and id: the input's, or the ones the 1.0 step gave it, which the current step
keeps), and sorted into two kinds:

* *carried*: the element is the input's own and the conversion did not rewrite it, or
  the input has the same error there (a duplicate recurring op, a recurring start op):
  the conversion wrote what the administrator had; the CIB is written and the command
  exits 1, saying so;
* *made*: the element is one the conversion created (no input element has its id), or
  one it rewrote (a change names its tag and id) where the input had no such error:
  the conversion's own doing, so the CIB is refused (not written, exit 1), as the
  pacemaker-1.0 path refuses what pacemaker-1.0.rng refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from xencfg._lazy import etree
from xencfg.formats.cib.convert.tables import parse_roots

if TYPE_CHECKING:
    from xencfg.formats.cib.convert.records import Change
    from xencfg.versions import Version

#: The lint rules whose errors are ``crm_verify`` refusals ("Errors found during check:
#: config not valid", as each rule's doc cites): a reference to no resource (CB002, in a
#: whole CIB: crm_verify 2.1.5 "IDREF attribute first references an unknown ID", "CIB did
#: not pass schema validation"), a target-role that is no role (CB028: crm_verify 2.1.5
#: "Unknown role: Stoped", "config not valid"; Pacemaker starts the resource meant to stay
#: stopped), two elements of one id (CB001: crm_verify
#: 2.1.5 "Relax-NG validity error : ID nvpair redefined", on upstream test06's
#: rec-rsc-9.expected.xml handed back as it is), the schema's (CB023), two recurring ops
#: of one name and interval or a recurring start (CB030), on-fail=fence / loss-policy=fence
#: without fencing (CB025, CB033 no-quorum-policy=suicide), an option value Pacemaker
#: refuses (CB041), clone-node-max > 1 on an anonymous clone (CB024), a promotable clone
#: of a non-OCF agent (CB026), on-fail stop/standby/demote on a stop (CB027), an
#: rsc-pattern the schema refuses (CB029). CB027, like CB041, is a value the scheduler
#: resets to its default and calls a configuration error; it judges a stop's on-fail when
#: it plans a stop of the resource (2.1.5 lib/pengine/pe_actions.c
#: ``unpack_operation_on_fail``, at action creation), which a running cluster does at every
#: restart, move, standby or shutdown: crm_verify 2.1.5 passes such a CIB on an empty
#: status (no action planned: why two converted corpus CIBs passed) and says "Resetting
#: 'on-fail' for d stop action to default value because 'stop' is not allowed for stop",
#: "config not valid" once a status plans the stop (a restart after a definition
#: change). Not CB005 (no STONITH device): crm_verify calls it an error, but the CIB
#: loads; the conversion reports it (``safety``).
RULES = (
    "CB001",
    "CB002",
    "CB023",
    "CB024",
    "CB025",
    "CB026",
    "CB027",
    "CB028",
    "CB029",
    "CB030",
    "CB033",
    "CB041",
)


@attrs.frozen
class Refusal:
    """One error Pacemaker would refuse the converted CIB for."""

    code: str
    message: str
    #: the input line of the element it is about (None: an element the conversion made)
    line: int | None

    @property
    def carried(self) -> bool:
        """The input had it: the conversion wrote it as it found it."""
        return self.line is not None

    def located(self, path: str) -> str:
        """The report line: ``path:N: CODE Pacemaker will refuse this CIB: ...``."""
        if self.carried:
            return (
                f"{path}:{self.line}: {self.code} Pacemaker will refuse this CIB: "
                f"{self.message}, carried from the input line {self.line}"
            )
        return (
            f"{path}:0: {self.code} Pacemaker would refuse the converted CIB: "
            f"{self.message} (made by the conversion: not written)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "carried": self.carried}


def refusals(
    source: str,
    converted: str,
    changes: Iterable[Change] = (),
    release: Version | None = None,
    parsed: Any = None,
) -> list[Refusal]:
    """The errors of :data:`RULES` in ``converted`` (the output of ``source``, whose
    ``changes`` the conversion reports), for the Pacemaker ``release`` it targets (None:
    the current one), each placed on the input line of the element it is about.
    ``parsed``: the root element of ``converted`` where the caller parsed it already
    (migrate's check of the CIB it writes), not parsed again."""
    from .memory import lint_text

    versions = None if release is None else {"pacemaker": release}
    found = [
        f
        for f in lint_text(
            converted, "cib", path="cib.xml", select=RULES, versions=versions
        ).findings
        if f.severity == "error"
    ]
    if any(f.code == "CB002" for f in found) and not _whole_cib(converted):
        # a fragment may name resources defined elsewhere (its loader's business)
        found = [f for f in found if f.code != "CB002"]
    if not found:
        return []
    if converted == source:  # (a pacemaker-1.x CIB handed back as it is: all the input's)
        return [Refusal(f.code, f.message, f.line or 1) for f in found]
    at_line = _elements_by_line(converted, parsed)
    inputs = _input_lines(source)
    rewritten = {(c.element, c.id) for c in changes if c.id is not None}
    had = _input_findings(source, versions) if rewritten else set()
    out = []
    reused = _reused_ids(source) if any(f.code == "CB001" for f in found) else {}
    for f in found:
        el = _with_id(at_line.get(f.line))
        line = None if el is None else inputs.get((el.tag, el.get("id")))
        if line is not None and (el.tag, el.get("id")) in rewritten and (f.code, line) not in had:
            line = None  # (rewritten by the conversion, and the input had no such error)
        if f.code == "CB001":  # the input's own when it used the id twice too
            named = re.match(r"id '([^']*)'", f.message)
            line = reused.get(named.group(1)) if named else None
        out.append(Refusal(f.code, f.message, line))
    return out


def _whole_cib(text: str) -> bool:
    nodes, _whole = parse_roots(text, None)
    roots = [n for n in nodes if isinstance(n.tag, str)]
    return len(roots) == 1 and roots[0].tag == "cib"


def _reused_ids(source: str) -> dict[str, int]:
    """Each id two elements of ``source`` carry -> the input line of its reuse, where
    lint's CB001 places it."""
    seen: set[str] = set()
    reused: dict[str, int] = {}
    for el in _elements(source):
        ident = el.get("id")
        if ident is not None and ident in seen:
            reused.setdefault(ident, el.sourceline or 1)
        elif ident is not None:
            seen.add(ident)
    return reused


def _with_id(el: Any) -> Any:
    """The nearest element with an id: EL or an enclosing one (None: none has)."""
    while el is not None and el.get("id") is None:
        el = el.getparent()
    return el


def _input_findings(source: str, versions: dict[str, Version] | None) -> set[tuple[str, int]]:
    """(code, line) of the findings of :data:`RULES` the input itself has: errors, and
    warnings (a heartbeat 2 CIB's promotable heartbeat agent, CB026, or on-fail=stop on a
    stop, CB027, is a warning there: heartbeat 2 took it, Pacemaker will not)."""
    from xencfg.errors import XencfgError

    from .memory import lint_text

    try:
        result = lint_text(source, "cib", path="cib.xml", select=RULES, versions=versions)
    except XencfgError:  # (an input lint cannot read: no error of its own to carry)
        return set()
    return {(f.code, f.line) for f in result.findings if f.line}


def _elements(text: str) -> list[Any]:
    """Every element of ``text`` (a CIB, or a fragment of several roots), in order."""
    nodes, _whole = parse_roots(text, None)
    return [el for n in nodes if isinstance(n.tag, str) for el in n.iter(etree.Element)]


def _elements_by_line(text: str, parsed: Any = None) -> dict[int, Any]:
    """The first element that starts on each line of ``text`` (``parsed``: its root)."""
    found: dict[int, Any] = {}
    for el in _elements(text) if parsed is None else parsed.iter(etree.Element):
        found.setdefault(el.sourceline, el)
    return found


def _input_lines(text: str) -> dict[tuple[str, str], int]:
    """(tag, id) of each element with an id, of the input and of its pacemaker-1.x
    conversion (the 1.0 step renames ids: ``cib-bootstrap-options-<option>``; the current
    step keeps them) -> its input line."""
    from xencfg.errors import XencfgError
    from xencfg.formats.cib.convert import convert

    out: dict[tuple[str, str], int] = {}
    pairs = [(el, el.sourceline) for el in _elements(text)]
    try:
        base = convert(text, pacemaker11=True)
    except XencfgError:  # (a CIB newer than 1.x: its own ids are the output's)
        base = None
    if base is not None and base.lines is not None:
        els = _elements(base.text)
        if len(els) == len(base.lines):  # (as upgrade._input_lines: no line, not a wrong one)
            pairs += zip(els, base.lines, strict=True)
    for el, line in pairs:
        if el.get("id") is not None and line:
            out.setdefault((el.tag, el.get("id")), line)
    return out
