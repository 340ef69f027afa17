"""/etc/hosts rules: names the resolver can never return."""

from __future__ import annotations

from collections.abc import Iterator

from ..cluster import Loaded
from ..findings import Finding
from . import make, rule


@rule("HS001", "name-shadowed", "warning", formats=("hosts",))
def name_shadowed(item: Loaded) -> Iterator[Finding]:
    """A host name given to two addresses of one family: only the first line answers.

    Why it matters: a forward lookup returns the first matching line, so the
    later address is never used for that name. A cluster that means the
    second line (its interconnect address) talks over the first (the LAN),
    and reverse lookups give one name two addresses.

    Example: ``192.168.1.1 host1`` and later ``10.0.1.1 host1``.

    Fix: give each address its own name (``host1-hb``, ``host1-drbd``).
    """
    for line, names, earlier in item.doc.shadowed():  # type: ignore[attr-defined]
        quoted = ", ".join(f"'{n}'" for n in names)
        yield make(
            "HS001",
            f"{quoted} already resolve(s) to {earlier.key}; {line.key} is never returned",
            item.where(line),
            [item.where(earlier)],
        )
