"""``--to pacemaker=RELEASE`` (2.0, 2.0.5, 2.1, ...): the CIB migrate writes in the
``pacemaker-3.9`` schema, put in the newest schema that release knows, so the release's
own validation (it validates against the schema ``validate-with`` names) passes."""

from __future__ import annotations

from typing import Any

import attrs

from .._lazy import etree
from ..errors import XencfgError
from ..formats.schema import Version
from ..stack import Note
from ..versions import PACEMAKER_2_0, PACEMAKER_2_1, PACEMAKER_SCHEMA_SINCE
from .migration import Migration, xml_bytes

#: the schema migrate writes (cib convert --to current)
WRITTEN = (3, 9)
#: Pacemaker 2.1.0's role names (schema pacemaker-3.7) and the older ones
ROLES = {"Promoted": "Master", "Unpromoted": "Slave"}
#: the attributes that hold a role (constraints, rules, operations, resource sets)
ROLE_ATTRIBUTES = ("role", "rsc-role", "with-rsc-role")
#: promotable clone options by their 2.1.0 names, and the names 2.0 reads
PROMOTED_META = {"promoted-max": "master-max", "promoted-node-max": "master-node-max"}


def parse_release(text: str) -> Version:
    """``2.0`` -> 2.0.0 (the oldest of the series: what it reads, the later ones read
    too); a release before 2.0.0 or no release number: XencfgError saying why."""
    try:
        given = Version.parse(text)
    except ValueError:
        raise XencfgError(
            f"--to pacemaker={text}: give 1.0, current or a Pacemaker release (2.0, 2.1.5)"
        ) from None
    release = Version((*given.parts, 0, 0)[: max(3, len(given.parts))])
    if release < PACEMAKER_2_0:
        raise XencfgError(
            f"--to pacemaker={text}: the CIB is written for corosync 3 with Pacemaker 2.0 or "
            "later; for a 1.x release use --to pacemaker=1.0 (the pacemaker-1.0 schema every "
            "1.x reads)"
        )
    return release


def schema_of(release: Version) -> tuple[int, int]:
    """The newest schema ``release`` knows, at most :data:`WRITTEN` (versions.py
    PACEMAKER_SCHEMA_SINCE: the newest xml/*.rng at each tag)."""
    known = [s for s, since in PACEMAKER_SCHEMA_SINCE.items() if since <= release]
    return min(WRITTEN, max(known))


def for_release(m: Migration, release: Version) -> None:
    """The written cib.xml in the schema of ``release``, with a report line per change."""
    schema = schema_of(release)
    for i, out in enumerate(m.outputs):
        if out.path != "cib.xml" or schema == WRITTEN:
            continue
        root = etree.fromstring(out.data)
        name = f"pacemaker-{schema[0]}.{schema[1]}"
        root.set("validate-with", name)
        m.notes.append(
            Note(
                "rewrite",
                "--to pacemaker",
                "cib.xml",
                f"validate-with pacemaker-3.9 -> {name}",
                f"the newest schema Pacemaker {release} knows: it refuses a CIB that names "
                "a newer one",
            )
        )
        if release < PACEMAKER_2_1:
            _before_21(m, root, release)
        m.outputs[i] = attrs.evolve(out, data=xml_bytes(root))


def _before_21(m: Migration, root: Any, release: Version) -> None:
    """Roles and promotable options by the names Pacemaker before 2.1.0 reads (2.1.0
    ChangeLog: Promoted/Unpromoted, promoted-max and promoted-node-max are new names;
    schemas before pacemaker-3.7 take only Master and Slave)."""
    renamed: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ROLE_ATTRIBUTES:
            old = el.get(attr)
            if old in ROLES:
                el.set(attr, ROLES[old])
                renamed.add(f"role {old} -> {ROLES[old]}")
        name, value = el.get("name"), el.get("value")
        if el.tag == "nvpair" and name == "target-role" and value in ROLES:
            el.set("value", ROLES[value])
            renamed.add(f"target-role {value} -> {ROLES[value]}")
        if el.tag == "nvpair" and name in PROMOTED_META:
            el.set("name", PROMOTED_META[name])
            renamed.add(f"{name} -> {PROMOTED_META[name]}")
    for what in sorted(renamed):
        m.notes.append(
            Note(
                "rewrite",
                "--to pacemaker",
                "cib.xml",
                what,
                f"Pacemaker {release} predates 2.1.0's names: its schema and its scheduler "
                "read the old ones",
            )
        )
