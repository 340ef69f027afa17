"""Which cluster option names the CRM knows, in which version, and what replaced them.

The CRM looks an option up by its exact name or, in heartbeat 2, by its one
underscore alias (``no-quorum-policy`` or ``no_quorum_policy``): a mixed
spelling (``no_quorum-policy``) or a typo (``symetric_cluster``, 95 times in
the upstream PE tests) is silently ignored and the default applies. That is
what :func:`option_problem` reports.
"""

from __future__ import annotations

from typing import Literal

from ...suggest import closest
from .values import canon_name

#: Options Pacemaker 1.0 (and later) reads from crm_config, dash spelling.
CURRENT = frozenset(
    {
        "batch-limit", "cluster-delay", "cluster-infrastructure", "cluster-recheck-interval",
        "crmd-finalization-timeout", "crmd-integration-timeout", "crmd-transition-delay",
        "dc-deadtime", "dc-version", "election-timeout", "enable-startup-probes",
        "expected-quorum-votes", "last-lrm-refresh", "maintenance-mode", "migration-limit",
        "network-delay", "no-quorum-policy", "node-health-green", "node-health-red",
        "node-health-strategy", "node-health-yellow", "pe-error-series-max",
        "pe-input-series-max", "pe-warn-series-max", "placement-strategy", "remove-after-stop",
        "shutdown-escalation", "start-failure-is-fatal", "startup-fencing", "stonith-action",
        "stonith-enabled", "stonith-timeout", "stop-all-resources", "stop-orphan-actions",
        "stop-orphan-resources", "symmetric-cluster",
    }
)  # fmt: skip

#: Options later Pacemaker releases read (1.1 and 2.x: the cluster options that
#: ``pacemaker-schedulerd``, ``pacemaker-controld`` and ``pacemaker-based metadata``
#: of Pacemaker 2.1.5 list, and 1.1's names the 2.0 renames still accept). A
#: Pacemaker 1.0 CRM ignores them (no harm); a CIB written for a newer schema uses
#: them, and pcs writes ``cluster-name`` and ``have-watchdog`` itself.
LATER = frozenset(
    {
        "cluster-name", "have-watchdog", "stonith-watchdog-timeout", "concurrent-fencing",
        "priority-fencing-delay", "fence-reaction", "stonith-max-attempts", "shutdown-lock",
        "shutdown-lock-limit", "join-integration-timeout", "join-finalization-timeout",
        "transition-delay", "load-threshold", "node-action-limit", "node-health-base",
        "enable-acl", "cluster-ipc-limit", "notification-agent", "notification-recipient",
    }
)  # fmt: skip

#: Pacemaker 3.0.2's names for the fencing options, with the name each replaced (the
#: one every earlier release reads, and 3.0.2 still reads as an alias): tag
#: Pacemaker-3.0.2 lib/common/options.c (versions.PACEMAKER_3_0_2).
FENCING_RENAMES = {
    "fencing-enabled": "stonith-enabled",
    "fencing-action": "stonith-action",
    "fencing-reaction": "fence-reaction",
    "fencing-timeout": "stonith-timeout",
    "fencing-max-attempts": "stonith-max-attempts",
    "fencing-watchdog-timeout": "stonith-watchdog-timeout",
}

#: Options that still work (or worked in heartbeat 2) but have a successor.
DEPRECATED: dict[str, str | None] = {
    "default-resource-stickiness": "rsc_defaults resource-stickiness",
    "is-managed-default": "rsc_defaults is-managed",
    "default-action-timeout": "op_defaults timeout",
    "default-resource-failure-stickiness": "rsc_defaults migration-threshold (other semantics)",
    "default-migration-threshold": "rsc_defaults migration-threshold",
    "transition-idle-timeout": "cluster-delay",
    "transition-timeout": "cluster-delay",
    "require-quorum": "no-quorum-policy",
    "short-resource-names": None,
    "suppress-cib-writes": None,
}

#: Of those, the ones heartbeat 2.1 already treated as obsolete; the others were
#: current options in heartbeat 2 and are only deprecated in a Pacemaker 1.0 CIB.
OBSOLETE_IN_HB2 = frozenset({"require-quorum", "transition-timeout"})

KNOWN = CURRENT | frozenset(DEPRECATED)

#: The cluster options heartbeat 2.0.7's CRM reads, all spelt with underscores (the
#: linux-ha tree, ClusterLabs/pacemaker, at 0f698956bd of 2006-08-07: lib/crm/pengine/
#: unpack.c ``get_cluster_pref("stonith_enabled")``, ... and include/crm/msg_xml.h's
#: ``XML_CONFIG_ATTR_*`` the crmd looks up): a dashed name is an unknown key there.
HEARTBEAT_2_0_7_OPTIONS = frozenset(
    {
        "default_action_timeout", "default_resource_failure_stickiness",
        "default_resource_stickiness", "is_managed_default", "no_quorum_policy",
        "remove_after_stop", "stonith_action", "stonith_enabled", "stop_orphan_actions",
        "stop_orphan_resources", "symmetric_cluster", "transition_idle_timeout",
        "dc_deadtime", "election_timeout", "shutdown_escalation", "cluster_recheck_interval",
    }
)  # fmt: skip


def option_problem(
    name: str, dialect: str
) -> tuple[Literal["unknown", "deprecated"], str | None] | None:
    """``(kind, suggestion)`` for a crm_config nvpair name, or ``None`` when fine.

    ``kind`` is ``"unknown"`` (the CRM ignores it: typo, mixed spelling, not an
    option) or ``"deprecated"`` (works, but has a successor or no effect).
    """
    canon = canon_name(name)
    if dialect != "heartbeat-2" and name in LATER:
        return None
    if canon not in KNOWN:
        return "unknown", closest(canon, KNOWN | (LATER if dialect != "heartbeat-2" else set()))
    if name not in (canon, canon.replace("-", "_")):
        return "unknown", canon  # mixed spelling: neither the name nor its alias
    if canon in DEPRECATED and (dialect == "pacemaker-1.0" or canon in OBSOLETE_IN_HB2):
        return "deprecated", DEPRECATED[canon]
    if dialect == "pacemaker-1.0" and "_" in name:
        return "deprecated", canon  # the heartbeat 2 alias
    return None
