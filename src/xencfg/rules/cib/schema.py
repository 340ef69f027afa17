"""The CIB against the schema its ``validate-with`` names (Pacemaker refuses a CIB
that fails it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...cluster import Loaded
from ...findings import Finding, Location
from ...versions import PACEMAKER_1_1
from .. import make, rule
from .common import _cib

if TYPE_CHECKING:
    from ...errors import ValidationError
    from ...formats.cib.model import CibDocument

#: RNG errors CB001 (an id defined twice) and CB002 (an IDREF to nothing) report.
_ID_ERRORS = re.compile(r"ID \S+ redefined|references an unknown ID")


@rule("CB023", "schema-refused", "error", formats=("cib",))
def schema_refused(item: Loaded) -> Iterator[Finding]:
    """A ``validate-with="pacemaker-1.0"`` CIB that pacemaker-1.0.rng refuses.

    Why it matters: Pacemaker validates the CIB against the schema it names before it
    uses it, and refuses one that fails: ``crm_verify`` (Pacemaker 2.1.5, which still
    reads pacemaker-1.0 CIBs) says "Relax-NG validity error : Type integer doesn't allow
    value 'fifty'" / "Did not expect element rsc_locatio there" / "Invalid sequence in
    interleave" (a primitive without ``type``) and "Errors found during check: config not
    valid" (lib/common/schemas.c, ``validate_with_relaxng``), and the CIB manager
    refuses an update that fails it ("Update does not conform to the configured
    schema"). A misspelt element or
    attribute is not ignored as a misspelt option is: the whole configuration is refused.

    Later releases read pacemaker-1.0 CIBs with a pacemaker-1.0.rng that grew: Pacemaker
    2.1.5's takes ``kind`` on ``rsc_order`` (Pacemaker 1.0.13's refuses it), so ``kind``
    is only an error where the release in force is older than 1.1: declared
    (``--target pacemaker=1.0``) or read from the CIB's ``dc-version``.

    Only the first error is reported (libxml2 adds one for each enclosing element);
    ids defined twice and references to no id are CB001/CB002. heartbeat 2 CIBs (no
    ``validate-with``) are not held to crm.dtd: heartbeat 2.0/2.1 ran CIBs its DTD
    refuses (48 of the 98 heartbeat 2 CIBs in the corpus), only ``cibadmin --upgrade``
    to Pacemaker 1.0 needs them valid (``xencfg cib validate`` checks that); CIBs for
    later schemas (pacemaker-1.2, 3.x) are not checked here.

    Example: ``<rsc_location id="l1" rsc="web" node="alpha" score="fifty"/>``.

    Fix: correct the element or value the message names; ``xencfg cib validate
    cib.xml`` lists every schema error.
    """
    doc = _cib(item)
    if doc.is_fragment or doc.validate_with != "pacemaker-1.0":
        return
    from ...formats.cib.schema import validate_source

    # the text as read (lint never edits), not re-rendered: rendering takes the
    # parse-time snapshots of every element, ~40x the file (issue 22 item 10)
    errors = validate_source(doc, "pacemaker-1.0")
    if errors and not item.versions.of("pacemaker", item.node).older_than(PACEMAKER_1_1):
        errors = _later_schema_errors(doc, errors)
    if not errors or any(_ID_ERRORS.search(e.message) for e in errors):
        return
    first = errors[0]
    message = first.message.removeprefix("pacemaker-1.0.rng: ")
    more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
    yield make(
        "CB023",
        f"pacemaker-1.0.rng refuses this CIB: {message}{more}; Pacemaker will not load it",
        Location(item.file.display, first.line, first.column),
    )


def _later_schema_errors(doc: CibDocument, errors: list[ValidationError]) -> list[ValidationError]:
    """The schema errors of ``doc`` (``errors`` as Pacemaker 1.0 sees them) as a later
    Pacemaker's pacemaker-1.0.rng sees them: ``rsc_order``'s ``kind`` (Pacemaker 2.1.5
    constraints-1.0.rng: ``score`` or ``kind``) taken out of the text before validating
    (the lines stay where they are, the ids too)."""
    from ...formats.cib.schema import validate_source

    lenient = _ORDER_KIND.sub(r"\1", doc.source)
    if lenient == doc.source:
        return errors
    return validate_source(doc, "pacemaker-1.0", lenient)


_ORDER_KIND = re.compile(r"""(<rsc_order\b[^>]*?)\s+kind\s*=\s*(["'])[^"']*\2""")
