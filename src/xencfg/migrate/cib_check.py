"""The CIB migrate writes, checked as ``xencfg cib convert --to current`` checks its
output (:mod:`xencfg.lint.converted`: the lint rules that speak for crm_verify's "config
not valid"). migrate used to write its cib.xml unchecked, so a CIB Pacemaker refuses
reached ``cibadmin --replace`` with no line in the report.

As ``cib convert``: an error on an element the input had (*carried*) is a TODO and the
CIB is written; one on an element the migration made (a CIB made of haresources or of
cluster.conf is made whole) means no cib.xml, with a TODO, and the cut-over says to
write the CIB."""

from __future__ import annotations

from typing import Any

import attrs

from .._lazy import etree
from ..stack import Note
from .migration import Migration, Output

#: the constraint attributes that name a resource (IDREFs of Pacemaker's schemas)
REFS = ("rsc", "with-rsc", "first", "then")
#: the elements a constraint may name
RESOURCES = ("primitive", "group", "clone", "master", "bundle", "template")


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
    parsed = dangling(m, out, source, display)
    text = out.data.decode("utf-8", "surrogateescape")
    found = refusals(source if source is not None else text, text, parsed=parsed)
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


def dangling(m: Migration, out: Output, source: str | None, display: str) -> Any:
    """Each constraint of ``out`` that names a resource the CIB lacks, left out with a
    TODO. The current schemas make those names IDREFs: crm_verify (Pacemaker 2.1.5) on
    topo6's bad lark CIB (an order on 'cl-ocfs', the clone being 'cl-ocfs2'): "IDREF
    attribute first references an unknown ID", "CIB did not pass schema validation", so
    the whole CIB would be refused; the old CRM ignored such a constraint (lint CB002),
    as the cluster now does without it. The parsed CIB where its text is left as it
    was (for :func:`xencfg.lint.converted.refusals`), else None."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(out.data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    known = {el.get("id") for el in root.iterfind(".//resources//*") if el.tag in RESOURCES}
    lines = (source or "").splitlines()
    gone = False
    for c in list(root.iterfind("configuration/constraints/*")):
        named = [(a, c.get(a)) for a in REFS if c.get(a) is not None]
        named += [("resource_ref", r.get("id")) for r in c.iter("resource_ref")]
        missing = [(a, ref) for a, ref in named if ref not in known]
        if not missing:
            continue
        cid = c.get("id")
        line = next((i for i, t in enumerate(lines, 1) if f'id="{cid}"' in t), None)
        attr, ref = missing[0]
        m.notes.append(
            Note(
                "manual",
                f"{display}:{line}" if line else display,
                "cib.xml",
                f"<{c.tag} id='{cid}'> not written: its {attr} {ref!r} names no resource",
                "today's schema makes the name a reference that must exist, and crm_verify "
                "refuses the whole CIB over it ('IDREF attribute references an unknown "
                "ID'); the old CRM ignored the constraint: fix the name and add it again",
            )
        )
        c.getparent().remove(c)
        gone = True
    if gone:  # (written again: its elements' lines are no longer the parsed ones)
        out.data = etree.tostring(root, encoding="unicode").encode() + b"\n"
        return None
    return root
