"""Which multipath-tools release reads which keyword, as data (:mod:`.multipath` builds
its keyword schema from these tables)."""

from __future__ import annotations

from ..versions import MULTIPATH_FIXED_STATE_FILES, MULTIPATH_NO_DISABLE_CHANGED_WWIDS, Version

#: The first release reading each keyword.
SINCE: dict[str, str] = {
    # 0.4.7 dict.c line 1331: install_keyword_root("blacklist"); 0.4.5 and 0.4.6 read
    # only devnode_blacklist (0.4.6 line 699)
    "0.4.7": "blacklist",
    "0.4.8": "blacklist_exceptions pg_timeout",
    "0.4.9": """checker dev_loss_tmo fast_io_fail_tmo flush_on_last_del gid max_fds mode
        prio prio_args queue_without_daemon uid verbosity multipath_dir""",
    "0.5.0": """alias_prefix bindings_file checker_timeout detect_prio log_checker_err
        max_polling_interval property reassign_maps reservation_key
        retain_attached_hw_handler revision rr_min_io_rq uid_attribute wwids_file
        default_uid_attribute""",
    "0.6.0": """deferred_remove delay_wait_checks delay_watch_checks find_multipaths
        force_sync missing_uev_wait_timeout overrides partition_delimiter retrigger_delay
        retrigger_tries uxsock_timeout config_dir""",
    "0.7.0": """detect_checker disable_changed_wwids max_sectors_kb remove_retries
        san_path_err_forget_rate san_path_err_recovery_time san_path_err_threshold
        skip_kpartx strict_timing uid_attrs""",
    "0.8.0": """all_tg_pt find_multipaths_timeout ghost_delay marginal_path_double_failed_time
        marginal_path_err_rate_threshold marginal_path_err_recheck_gap_time
        marginal_path_err_sample_time prkeys_file protocol""",
    "0.9.0": """allow_usb_devices eh_deadline enable_foreign marginal_pathgroups recheck_wwid
        vpd_vendor""",
    "0.9.6": "detect_pgpolicy detect_pgpolicy_use_tpg",
    "0.9.7": "auto_resize",
}

#: Keywords Red Hat's device-mapper-multipath read on an older base than upstream,
#: by that base: RHEL 5 (0.4.7) blacklist_exceptions; RHEL 4.6/4.7 and 5.3 (0.4.5
#: and 0.4.7) document bindings_file,
#: max_fds, flush_on_last_del, queue_without_daemon, mode, uid and gid; RHEL 6
#: (0.4.9) find_multipaths, checker_timeout, rr_min_io_rq and path_selector in
#: defaults, later minor releases retain_attached_hw_handler, detect_prio,
#: deferred_remove and the delay_*_checks pair (the RHEL DM Multipath guides'
#: "Red Hat Enterprise Linux Release 6.x and later" notes); RHEL 6 still reads
#: getuid_callout, not uid_attribute (RHEL 7 switched: preupgrade-assistant).
#: Their use proves only the base: advice must still suit those releases.
BACKPORTED: dict[str, str] = {
    "0.4.5": "bindings_file max_fds flush_on_last_del queue_without_daemon mode uid gid",
    # RHEL 5 (device-mapper-multipath 0.4.7): its DM Multipath guide, 4.2.4 "Blacklist
    # Exceptions" (upstream: 0.4.8)
    "0.4.7": "blacklist_exceptions",
    "0.4.9": """find_multipaths checker_timeout rr_min_io_rq retain_attached_hw_handler
        detect_prio deferred_remove delay_watch_checks delay_wait_checks""",
}

#: Keywords later releases ignore (dict.c ``declare_deprecated_handler``), by the first
#: release that does (multipath.conf.5: "not supported any more, and will be ignored").
IGNORED_FROM: dict[str, Version] = {
    **dict.fromkeys(("bindings_file", "wwids_file", "prkeys_file"), MULTIPATH_FIXED_STATE_FILES),
    "disable_changed_wwids": MULTIPATH_NO_DISABLE_CHANGED_WWIDS,
}
#: What to do instead where those releases run: the state files stay where the build put
#: them (``@STATE_DIR@``, /etc/multipath upstream), whatever the line says.
IGNORED_INSTEAD: dict[str, str] = {
    name: f"they read /etc/multipath/{name.removesuffix('_file')} whatever it says: keep the"
    " file there, then drop the line"
    for name in ("bindings_file", "wwids_file", "prkeys_file")
}
