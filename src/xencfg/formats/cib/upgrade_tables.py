"""What Pacemaker's later upgrade stylesheets rename and drop, as tables: upgrade-2.10.xsl
(cluster options, stonith attributes), upgrade-3.10-0 ... -4 (meta attributes, roles) and
what Pacemaker maintains itself. Data only; :mod:`.upgrade` walks the CIB with them.
"""

from __future__ import annotations

#: cluster options the current Pacemaker ignores or refuses: name -> why (upgrade-2.10.xsl's
#: cluster-properties table with an empty ``with``, upgrade-3.10-0's remove-after-stop, and
#: the ones Pacemaker maintains itself)
DROPPED_OPTIONS = {
    "cluster-infrastructure": "Pacemaker writes its own ('corosync'); the old stack's value would "
    "mislead tools (upgrade-2.10.xsl drops heartbeat/openais/cman)",
    "dc-version": "the DC writes the version it runs",
    "expected-quorum-votes": "corosync (votequorum) counts the votes; see corosync.conf's "
    "quorum section (upgrade-2.10.xsl)",
    "remove-after-stop": "no longer supported (upgrade-3.10-0.xsl)",
    "notification-agent": "replaced by alerts: configure an <alert> by hand (upgrade-2.10.xsl)",
    "notification-recipient": "replaced by alerts: configure an <alert> by hand (upgrade-2.10.xsl)",
    "last-lrm-refresh": "bookkeeping of the old cluster (the time of its last resource "
    "refresh); the new cluster keeps its own",
}
#: cluster options upgrade-2.10.xsl renames (the ones upgrade06 left with underscores)
RENAMED_OPTIONS = {
    name: name.replace("_", "-")
    for name in [
        "cluster_recheck_interval",
        "dc_deadtime",
        "election_timeout",
        "shutdown_escalation",
        "startup_fencing",
    ]
}
#: resource meta attributes Pacemaker 2.1 renamed (the old names are deprecated)
META_RENAMES = {"master-max": "promoted-max", "master-node-max": "promoted-node-max"}
#: meta attributes upgrade-3.10-4.xsl drops: name -> what to use instead
META_DROPPED = {
    "restart-type": "no longer supported; set 'kind' on the constraints that should restart "
    "dependants (upgrade-3.10-4.xsl)",
}
OP_META_DROPPED = ("can_fail", "role_after_failure")
#: meta attributes whose value 'default' meant 'unset' (upgrade-3.10-0.xsl drops them)
DEFAULT_VALUED = frozenset(
    {"is-managed", "migration-threshold", "resource-stickiness", "target-role"}
)
#: stonith instance attributes upgrade-2.10.xsl renames (``pcmk_X_cmd`` -> ``pcmk_X_action``)
STONITH_RENAMES = {
    f"pcmk_{action}_cmd": f"pcmk_{action}_action"
    for action in ("list", "monitor", "off", "on", "reboot", "status")
}
ROLE_NAMES = {"master": "Promoted", "slave": "Unpromoted"}
#: attributes holding a role, by element
ROLE_ATTRS = {
    "op": ("role",),
    "rule": ("role",),
    "rsc_location": ("role",),
    "rsc_colocation": ("rsc-role", "with-rsc-role"),
    "resource_set": ("role",),
    "rsc_ticket": ("rsc-role",),
}
RESOURCE_TAGS = ("primitive", "group", "clone", "master", "template", "bundle")
