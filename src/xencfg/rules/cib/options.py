"""CIB option names: mixed spellings, unknown and deprecated options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...cluster import (
    Cluster,
    Loaded,
)
from ...findings import Finding
from ...formats.cib.model import _tag
from ...formats.cib.options import FENCING_RENAMES
from ...formats.cib.values import _FALSE, _TRUE, canon_name
from ...formats.cib.xmltext import WRAPPER
from ...suggest import did_you_mean
from ...versions import HEARTBEAT_DASHED_OPTIONS
from .. import make, rule
from .common import _cib, fencing_names_unread, units

# -- option names ------------------------------------------------------------------


#: Cluster properties the CRM writes itself, always in its own spelling (heartbeat
#: 2.1's crmd writes ``dc-version`` and ``last-lrm-refresh`` into CIBs whose options
#: the admin wrote with underscores: 27 of the heartbeat 2 CIBs in the corpus).
DAEMON_WRITTEN = frozenset(
    {
        "dc-version",
        "last-lrm-refresh",
        "cluster-infrastructure",
        "expected-quorum-votes",
        "have-watchdog",
    }
)


def _option_spellings(item: Loaded) -> Iterator[tuple[str, Any, bool]]:
    """``(name, element, resource option?)`` for every CRM option name written as an
    nvpair.

    XML attributes (``start_delay``, ``globally_unique``) are left out: their
    spelling is dictated by the schema of the dialect, not chosen; so are the
    properties the CRM writes itself (:data:`DAEMON_WRITTEN`): nobody chose them.
    """
    from ...formats.cib.model import LEGACY_META
    from ...formats.cib.options import KNOWN

    doc = _cib(item)
    for pair in doc.option_pairs():
        name = canon_name(pair.name)
        if name in KNOWN and name not in DAEMON_WRITTEN:
            yield pair.name, pair.el, False
    for res in doc.all_resources():
        for s in (*res.meta_sets, *res.instance_sets):
            for pair in s.nvpairs:
                if canon_name(pair.name) in LEGACY_META:
                    yield pair.name, pair.el, True
    for pair_el in doc.iter("nvpair"):  # bare nvpair fragments (cibadmin -M snippets)
        if pair_el.getparent() is None or _tag(pair_el.getparent()) == WRAPPER:
            name = pair_el.get("name", "")
            if canon_name(name) in LEGACY_META | KNOWN:
                yield name, pair_el, canon_name(name) in LEGACY_META


@rule("CB010", "mixed-option-spelling", "warning", scope="cluster")
def mixed_spelling(cluster: Cluster) -> Iterator[Finding]:
    """One CIB writes option names both with dashes and with underscores, and a spelling
    its CRM ignores is among them.

    Why it matters: heartbeat 2 took underscores (``allow_migrate``),
    Pacemaker 1.0 reads resource options only under their dash names
    (``allow-migrate``) and ignores the others; a CIB that mixes both was
    pasted from two generations of documentation and, after an upgrade,
    part of it silently stops applying.

    Heartbeat 2 CIBs are judged by what heartbeat 2.1 reads: its cluster options under
    either spelling (each option has its underscore alias: ``stonith-enabled`` or
    ``stonith_enabled``; the pengine's own test06 CIBs mix both), resource options only
    with underscores (crm.dtd: ``is_managed``, ``clone_max``). Dashed cluster options
    beside ``clone_max`` or ``target_role`` are therefore what heartbeat 2.1 reads and
    writes, and the upgrade to Pacemaker 1.0 renames the resource options
    (upgrade06.xsl: meta_attributes names ``_`` to ``-``, the eight instance options
    copied as dashed meta attributes): not reported. What is reported there is a
    dashed resource option (``target-role``, ``clone-max``): heartbeat 2 ignores it
    today, and the upgrade makes it apply.

    Example: ``stonith-enabled`` in crm_config but ``allow_migrate`` in the
    meta attributes of a Pacemaker 1.0 CIB; ``target-role`` among ``is_managed``
    in a heartbeat 2 CIB.

    Fix: use one spelling everywhere: dashes for Pacemaker 1.0
    (``xencfg cib convert`` rewrites a heartbeat 2 CIB), underscores for heartbeat 2's
    resource options. Properties the CRM writes
    itself (``dc-version``, ``last-lrm-refresh``, ``cluster-infrastructure``,
    ``expected-quorum-votes``, ``have-watchdog``) are not counted: heartbeat 2.1
    writes them with dashes into CIBs the admin wrote with underscores.
    """
    for unit in units(cluster):
        dash: list[tuple[Loaded, str, Any]] = []
        under: list[tuple[Loaded, str, Any]] = []
        for item in unit.items:
            hb2 = _cib(item).dialect == "heartbeat-2"
            for name, el, resource in _option_spellings(item):
                if hb2 and not (resource and "-" in name):
                    continue  # what heartbeat 2.1 reads: no hazard to report
                if "_" in name and "-" not in name:
                    under.append((item, name, el))
                elif "-" in name and "_" not in name:
                    dash.append((item, name, el))
            if hb2:  # what heartbeat 2 reads, the majority the dashed ones stand against
                under.extend(
                    (item, name, el)
                    for name, el, resource in _option_spellings(item)
                    if resource and "_" in name and "-" not in name
                )
        if not dash or not under:
            continue
        # report the minority spelling once per file, pointing at the majority
        few, many, kind = (under, dash, "underscore") if len(under) <= len(dash) else (
            dash, under, "dash")  # fmt: skip
        if any(_cib(i).dialect == "heartbeat-2" for i, _, _ in dash):
            few, many, kind = dash, under, "dash"  # heartbeat 2 ignores the dashed ones
        other = "dashes" if kind == "underscore" else "underscores"
        sample = ", ".join(list(dict.fromkeys(n for _, n, _ in many))[:3])
        by_file: dict[str, list[tuple[Loaded, str, Any]]] = {}
        for entry in few:
            by_file.setdefault(entry[0].file.display, []).append(entry)
        for entries in by_file.values():
            item, _, el = entries[0]
            names = list(dict.fromkeys(n for _, n, _ in entries))
            shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
            why = (
                ": heartbeat 2 reads resource options only with underscores and ignores "
                "these (the upgrade to Pacemaker 1.0 makes them apply)"
                if _cib(item).dialect == "heartbeat-2" and kind == "dash"
                else ""
            )
            yield make(
                "CB010",
                f"option names {shown} use the {kind} spelling while the rest of this CIB "
                f"uses {other} ({sample}){why}",
                item.where(el),
                [many[0][0].where(many[0][2])],
            )


@rule("CB011", "unknown-option", "warning", formats=("cib",))
def unknown_option(item: Loaded) -> Iterator[Finding]:
    """A cluster or resource option name the CRM of this schema version does not read.

    Why it matters: the CRM ignores names it does not know, silently: a typo
    such as ``symetric_cluster`` or a half-converted ``no_quorum-policy``
    leaves the default in force. In a Pacemaker 1.0 CIB, resource options
    under heartbeat 2 names (``allow_migrate``) or in ``instance_attributes``
    (``target_role``) are not seen either.

    Example: ``<nvpair name="stonith_enabeld" value="true"/>``.

    Pacemaker 3.0.2 renamed the fencing options (``fencing-enabled`` for
    ``stonith-enabled``, ...; tag Pacemaker-3.0.2 lib/common/options.c): a new name is
    reported only where the release is known to be older (``dc-version``, ``--target``),
    which ignores it.

    heartbeat 2.0.7 and older read only underscore names (``stonith_enabled``): the
    dashed ones and the alias table came with 2.0.8 (lib/crm/pengine/common.c, commit
    2cfb5f2899 of 2006-08-14), so where the release is known to be older a dashed name,
    or an option of a later release, is reported with the name it reads.

    Not reported: ``NAME_REPL_INFO``, which the mysql, mariadb and redis agents keep in
    a property set of their own (resource-agents heartbeat/mysql-common.sh:
    ``crm_attribute --type crm_config --name ${INSTANCE_ATTR_NAME}_REPL_INFO -s
    mysql_replication``); it is the agent's state, no option of Pacemaker's.

    In a pacemaker-4.0 CIB (Pacemaker 3.0), the old names pacemaker-3.x schemas refused
    (``no_quorum_policy``, ``default-resource-stickiness``, ...) are custom properties
    again (options-4.0.rng) and nothing renames them (Pacemaker converts only a CIB of an
    older schema, upgrade-2.10.xsl): they are ignored, not deprecated.

    Fix: use the suggested name (and, in Pacemaker 1.0, put resource options
    in ``meta_attributes``).
    """
    from .schema import ignored_in_4x, refused_option

    doc = _cib(item)
    for p in doc.option_problems():
        use = ignored_in_4x(doc, getattr(p.node, "el", None))
        if use is not None:
            yield make(
                "CB011",
                f"cluster option '{p.keyword}' is ignored in a {doc.validate_with} CIB"
                f" (Pacemaker 3.0 renames it only in older CIBs); use {use}",
                item.where(p.node),
            )
            continue
        if p.kind != "unknown" or refused_option(doc, getattr(p.node, "el", None)) is not None:
            continue  # (what the schema refuses is CB023's)
        if p.keyword.endswith("_REPL_INFO"):
            continue  # an agent's own state (see the docstring)
        old = FENCING_RENAMES.get(p.keyword)
        if old is not None:
            if fencing_names_unread(item):
                yield make(
                    "CB011",
                    f"cluster option '{p.keyword}' is Pacemaker 3.0.2's name for '{old}': "
                    f"the release this CIB runs on ignores it; write '{old}'",
                    item.where(p.node),
                )
            continue  # (the name implies 3.0.2 or later where the release is not known)
        hint = did_you_mean(p.detail)
        yield make("CB011", f"unknown cluster option '{p.keyword}'{hint}", item.where(p.node))
    yield from _unread_by_heartbeat_2_0(item)
    for m in doc.meta_problems():
        what = "is ignored by Pacemaker 1.0" if m.kind == "unknown" else "is not read from here"
        yield make(
            "CB011", f"resource option '{m.keyword}' of '{m.resource.id}' {what}; use '{m.detail}'",
            item.where(m.node),
        )  # fmt: skip


def _before_dashed_names(item: Loaded) -> Any:
    """The heartbeat release in force where it is known to be older than 2.0.8 and the
    CIB is heartbeat 2's, else ``None``."""
    inforce = item.versions.of("heartbeat", item.node or "")
    old = _cib(item).dialect == "heartbeat-2" and inforce.older_than(HEARTBEAT_DASHED_OPTIONS)
    return inforce if old else None


def _unread_by_heartbeat_2_0(item: Loaded) -> Iterator[Finding]:
    """CB011 for heartbeat 2.0.7 and older: cluster options they do not read (a dashed
    name, which came with 2.0.8, or an option added later). Not the properties the DC
    writes itself (``dc-version``: nothing the admin sets, so nothing to fix)."""
    from ...formats.cib.options import HEARTBEAT_2_0_7_OPTIONS, KNOWN, option_problem

    inforce = _before_dashed_names(item)
    if inforce is None:
        return
    doc = _cib(item)
    for pair in doc.option_pairs():
        canon = canon_name(pair.name)
        if pair.name in HEARTBEAT_2_0_7_OPTIONS or canon not in KNOWN:
            continue  # (read, or no option of any release: the unknown names above)
        if pair.name in DAEMON_WRITTEN:
            continue  # (the DC's own record, no setting: nothing to write otherwise)
        known = option_problem(pair.name, doc.dialect)
        if known is not None and known[0] == "unknown":
            continue  # (CB011 above)
        under = canon.replace("-", "_")
        hint = f"; write '{under}'" if under in HEARTBEAT_2_0_7_OPTIONS else ""
        yield make(
            "CB011",
            f"cluster option '{pair.name}' is not read by {inforce.describe('heartbeat')}:"
            f" before 2.0.8 the CRM reads only its own underscore names{hint}",
            item.where(pair),
        )


@rule("CB012", "deprecated-option", "info", formats=("cib",))
def deprecated_option(item: Loaded) -> Iterator[Finding]:
    """A cluster option that still works but has a successor in this schema version.

    Why it matters: deprecated options disappear in a later release and then
    their setting silently reverts to the default.

    Example: ``default-resource-stickiness`` in a Pacemaker 1.0 CIB.

    Fix: move the setting where the message says (``rsc_defaults``,
    ``op_defaults`` or the new option name).
    """
    from .schema import ignored_in_4x, refused_option

    doc = _cib(item)
    if _before_dashed_names(item) is not None:
        return  # (heartbeat 2.0.7 reads none of the successors: CB011 says what it reads)
    for p in doc.option_problems():
        el = getattr(p.node, "el", None)
        if p.kind != "deprecated" or ignored_in_4x(doc, el) is not None:
            continue  # (an old name a pacemaker-4.0 CIB ignores is CB011's)
        if refused_option(doc, el) is None:
            hint = f"; use {p.detail}" if p.detail else "; it has no effect"
            yield make("CB012", f"deprecated cluster option '{p.keyword}'{hint}",
                       item.where(p.node))  # fmt: skip


# -- option values -----------------------------------------------------------------

#: What Pacemaker 2.1.5's option validators take (crm_verify runs: ``Yes``, ``on``,
#: ``Y``, ``TRUE`` are booleans, `` true`` and ``t`` are not; ``Stop``/``FREEZE`` and
#: ``Balanced`` pass, ``Off`` does not): booleans as crm_str_to_boolean reads them,
#: case ignored, nothing stripped (parse_bool's words, which strips).
_BOOLEANS = _TRUE | _FALSE
_BOOLEAN_OPTIONS = frozenset(
    {
        "concurrent-fencing",
        "enable-acl",
        "enable-startup-probes",
        "maintenance-mode",
        "start-failure-is-fatal",
        "startup-fencing",
        "stonith-enabled",
        "stop-all-resources",
        "stop-orphan-actions",
        "stop-orphan-resources",
        "symmetric-cluster",
    }
)
#: option -> (its values, whether the case counts)
_ENUM_OPTIONS = {
    "no-quorum-policy": (("stop", "freeze", "ignore", "demote", "suicide"), False),
    "placement-strategy": (("default", "utilization", "minimal", "balanced"), False),
    "stonith-action": (("reboot", "off", "poweroff"), True),
}


@rule("CB041", "invalid-option-value", "error", formats=("cib",))
def invalid_option_value(item: Loaded) -> Iterator[Finding]:
    """A cluster option whose value Pacemaker's validator refuses (a boolean, or one of a list).

    Why it matters: Pacemaker checks each cluster option's value and, for one it cannot
    read, uses the default and calls it a configuration error: crm_verify 2.1.5
    "Using default value for cluster option 'placement-strategy' because 'balance' is
    invalid", "Errors found during check: config not valid". The default is often the
    opposite of what was meant: ``symmetric-cluster=enabled`` leaves the default
    (true), ``stonith-enabled=flase`` turns fencing on, ``no-quorum-policy=halt`` stops
    resources on quorum loss, ``stonith-action=Off`` reboots.

    Booleans are true/on/yes/y/1 and false/off/no/n/0 in any case, with nothing around
    them; ``no-quorum-policy`` (stop, freeze, ignore, demote, suicide) and
    ``placement-strategy`` (default, utilization, minimal, balanced) in any case;
    ``stonith-action`` (reboot, off, poweroff) only as written. Underscore spellings
    count as the names Pacemaker 1.0 reads them for. heartbeat 2 CIBs are not judged
    (no peer of that release to check its validators against).

    A resource's boolean option (``is-managed``, ``allow-migrate``, ``notify``, ...)
    is not validated: Pacemaker reads anything but true/on/yes/y/1 as false without a
    word (``crm_is_true``; crm_simulate 2.1.5 shows ``is-managed="maybe"`` as
    "Stopped (unmanaged)", crm_verify says nothing). That is a warning: the file loads,
    but ``is-managed=maybe`` leaves the resource unmanaged. ``#default`` (any resource
    option) and ``is-managed=default`` are no mistake: Pacemaker takes them as unset
    (1.0 lib/pengine/rules.c and complex.c; deprecated from 2.1.8 on).

    Example: ``<nvpair name="placement-strategy" value="balance"/>``.

    Fix: write one of the values the message lists.
    """
    doc = _cib(item)
    if doc.validate_with is None:
        return
    for pair in doc.option_pairs():
        name = (pair.name or "").replace("_", "-")
        value = pair.value
        if value is None:
            continue
        if name in _BOOLEAN_OPTIONS and value.lower() not in _BOOLEANS:
            wanted = "true or false (also on/off, yes/no, y/n, 1/0)"
        elif name in _ENUM_OPTIONS:
            values, exact = _ENUM_OPTIONS[name]
            if (value if exact else value.lower()) in values:
                continue
            wanted = ", ".join(values) + (" (as written)" if exact else "")
        else:
            continue
        yield make(
            "CB041",
            f"cluster option {pair.name}={value!r} is not a value Pacemaker takes ({wanted}):"
            " it uses the default instead and calls this a configuration error",
            item.where(pair.el),
        )
    for res in doc.all_resources():
        for s in res.meta_sets:
            for pair in s.nvpairs:
                value = pair.value
                name = canon_name(pair.name)
                if name not in _RESOURCE_BOOLEANS or value is None:
                    continue
                if value.lower() == "#default" or (
                    name == "is-managed" and value.lower() == "default"
                ):
                    # "leave it unset": every release drops a #default meta value and skips
                    # is-managed=default (Pacemaker 1.0 lib/pengine/rules.c populate_hash,
                    # complex.c common_unpack; 3.0 complex.c, deprecated since 2.1.8)
                    continue
                if value.lower() not in _BOOLEANS:
                    found = make(
                        "CB041",
                        f"resource option {pair.name}={value!r} of '{res.id}' is no boolean:"
                        " Pacemaker reads it as false without a word (true/on/yes/y/1 are"
                        " true, false/off/no/n/0 false)",
                        item.where(pair.el),
                    )
                    yield attrs.evolve(found, severity="warning")


#: Resource options Pacemaker reads with crm_is_true (lib/pengine/complex.c, clone.c).
_RESOURCE_BOOLEANS = frozenset(
    {
        "is-managed",
        "allow-migrate",
        "notify",
        "globally-unique",
        "interleave",
        "ordered",
        "maintenance",
        "critical",
        "promotable",
    }
)
