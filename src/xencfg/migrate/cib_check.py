"""The CIB migrate writes, checked as ``xencfg cib convert --to current`` checks its
output (:mod:`xencfg.lint.converted`: the lint rules that speak for crm_verify's "config
not valid"). migrate used to write its cib.xml unchecked, so a CIB Pacemaker refuses
reached ``cibadmin --replace`` with no line in the report.

As ``cib convert``: an error on an element the input had (*carried*) is a TODO and the
CIB is written; one on an element the migration made (a CIB made of haresources or of
cluster.conf is made whole) means no cib.xml, with a TODO, and the cut-over says to
write the CIB."""

from __future__ import annotations

import attrs

from ..stack import Note
from .migration import Migration, Output


def written_cib(m: Migration) -> Output | None:
    """The cib.xml ``m`` writes, or None."""
    return next((o for o in m.outputs if o.path == "cib.xml" and not o.node), None)


def check_written_cib(m: Migration, source: str | None, display: str) -> bool:
    """Check the cib.xml of ``m`` (converted from ``source``, the input CIB's text, or
    made by the migration: None), with a line per error; whether it is still written."""
    from ..lint.converted import refusals

    out = written_cib(m)
    if out is None:
        return False
    text = out.data.decode("utf-8", "surrogateescape")
    found = refusals(source if source is not None else text, text)
    if source is None:  # (every element is the migration's own)
        found = [attrs.evolve(r, line=None) for r in found]
    for r in found:
        if r.carried:
            m.notes.append(
                Note(
                    "manual",
                    f"{display}:{r.line}",
                    "cib.xml",
                    f"{r.code} Pacemaker will refuse this CIB: {r.message}",
                    "carried from the input as it was (xencfg cib convert --to current says "
                    "the same; crm_verify: 'config not valid'): fix it in OUTDIR's CIB "
                    "before cibadmin --replace",
                )
            )
    made = [r for r in found if not r.carried]
    if not made:
        return True
    m.outputs.remove(out)
    for r in made:
        m.notes.append(
            Note(
                "manual",
                display,
                "cib.xml",
                f"the CIB is not written: {r.code} Pacemaker would refuse it: {r.message}",
                "made by the migration, not carried from the input (xencfg cib convert "
                "--to current refuses the same): write the CIB by hand, and report this",
            )
        )
    return False
