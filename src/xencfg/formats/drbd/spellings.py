"""How DRBD 8.3 and 8.4 spell the same options: 8.3's ``syncer`` section (spread over
``disk``, ``net`` and ``options`` by 8.4), its ``no-X`` flags (8.4's ``X no``) and bare
switches (8.4 takes ``yes``/``no``). The tables derive from :data:`~.keywords.DRBD_FACTS`
where the schema knows the renames; :meth:`.views.Resource.set_option` writes with
:func:`to_83`, the effective settings are read with :func:`sections_84`.
"""

from __future__ import annotations

from ...errors import ValidationError
from ..schema import V
from .keywords import DRBD_FACTS, SCHEMA

#: Where DRBD 8.4 put the options of 8.3's ``syncer`` section (``None``: dropped).
SYNCER_TO_84: dict[str, tuple[str, str] | None] = {
    "rate": ("disk", "resync-rate"),
    "after": ("disk", "resync-after"),
    "al-extents": ("disk", "al-extents"),
    "c-plan-ahead": ("disk", "c-plan-ahead"),
    "c-fill-target": ("disk", "c-fill-target"),
    "c-delay-target": ("disk", "c-delay-target"),
    "c-max-rate": ("disk", "c-max-rate"),
    "c-min-rate": ("disk", "c-min-rate"),
    "use-rle": ("net", "use-rle"),
    "verify-alg": ("net", "verify-alg"),
    "csums-alg": ("net", "csums-alg"),
    "cpu-mask": ("options", "cpu-mask"),
    "on-no-data-accessible": ("options", "on-no-data-accessible"),
}
#: 8.3 negative flags and their 8.4 ``name no`` spelling (the schema's renames to ``X no``).
FLAGS_TO_84 = {
    k.name: k.renamed_to.removesuffix(" no")
    for k in DRBD_FACTS
    if k.renamed_to is not None and k.renamed_to.endswith(" no")
}


#: 8.3's switches: written bare (``allow-two-primaries;``), 8.4 takes ``yes``/``no``.
SWITCHES_83 = frozenset(k.name for k in DRBD_FACTS if k.switch_until is not None)


def to_83(section: str, key: str, value: str) -> tuple[str, str, list[str] | None]:
    """An option as DRBD 8.4 names it -> ``(section, keyword, values)`` as 8.3 writes
    it: ``[]`` for a bare switch, ``None`` for "nothing to write" (a flag's
    default). Raises ValueError for what 8.3 has no spelling of."""
    for old, target in SYNCER_TO_84.items():
        if target == (section, key):
            section, key = "syncer", old
            break
    for flag, new in FLAGS_TO_84.items():
        if new == key:
            return section, flag, [] if value == "no" else None
    if key in SWITCHES_83:
        return section, key, [] if value in ("yes", "") else None
    kw = SCHEMA.keyword(section, key)
    if kw is None or (kw.since is not None and kw.since > V("8.3")):
        raise ValidationError(f"DRBD 8.3 has no '{key}' in '{section}'")
    return section, key, [value]


def sections_84(sections: dict[str, dict[str, str | bool]]) -> dict[str, dict[str, str | bool]]:
    """``sections`` as DRBD 8.4 reads them: ``syncer`` options moved to ``disk``,
    ``net`` or ``options``, ``no-X`` flags spelled ``X no``, bare flags ``yes``,
    the ``outdate-peer`` handler called ``fence-peer``."""
    out: dict[str, dict[str, str | bool]] = {}
    for name, settings in sections.items():
        for key, value in settings.items():
            section, new = name, key
            if name == "syncer":
                target = SYNCER_TO_84.get(key)
                if target is None:
                    continue
                section, new = target
            renamed = SCHEMA.keyword(name, key) if name == "handlers" else None
            if renamed is not None and renamed.renamed_to is not None:
                new = renamed.renamed_to  # outdate-peer: fence-peer from 8.3 on
            if key in FLAGS_TO_84:
                new, value = FLAGS_TO_84[key], "no"
            elif value is True:
                value = "yes"
            out.setdefault(section, {})[new] = value
    return out
