"""The setting names of xm and xl domU configs: a name lint does not know gets
XC003's "unknown keyword" warning, so each release's names are here.

The xl names are every ``xlu_cfg_get_*(config, "NAME", ...)`` and ``parse_*(config,
"NAME")`` of ``parse_config_data`` in tools/xl/xl_parse.c (tools/libxl/xl_cmdimpl.c
before 4.9) at the RELEASE-4.1.0 to RELEASE-4.19.0 tags; :data:`XL_SINCE` says the
first release that reads the ones the older list lacked. The xm names are every
``gopts.var('NAME', ...)`` of tools/python/xen/xm/create.py from RELEASE-3.0.0 to
RELEASE-4.4.0 (the 3.x releases at their branch tags); :data:`XM_SINCE` likewise.
"""

from __future__ import annotations

#: Settings of xm and xl domU configs (xl.cfg(5), xmdomain.cfg(5)).
_BASE = frozenset(
    """
    audio cdrom cpu cpuid_check ne2000 nics restart snapshot vhpt vncviewer ipaddr
    xen_extended_power_mgmt guest_os_type s3_integrity tsc_native vpt_align
    name uuid memory maxmem vcpus maxvcpus vcpu_avail cpus cpu_weight cpu_cap kernel
    ramdisk bootloader bootloader_args bootargs builder type root extra cmdline
    on_poweroff on_reboot on_crash on_watchdog on_soft_reset disk vif vfb pci vtpm vscsi
    usb usbdevice usbctrl channel ioports irqs iomem nfs_root nfs_server ip netmask
    gateway hostname dhcp interface vnc vnclisten vncdisplay vncunused vncpasswd
    vncconsole sdl opengl display xauthority keymap device_model device_model_version
    device_model_override boot acpi apic pae hap viridian localtime rtc_timeoffset
    serial parallel soundhw stdvga videoram vga nographic monitor usbdevice_list
    shadow_memory cpuid timer_mode hpet nomigrate nestedhvm blkif netif tpmif
    tpm_instance ostype localtime_offset extid vcpus_soft cpus_soft seclabel security
    access_control vnuma gfx_passthru pci_permissive pci_power_mgmt pci_msitranslate
    e820_host xen_platform_pci claim_mode max_grant_frames max_maptrack_frames vkb p9
    pvcalls vdispl vsnd dtdev device_tree spice spicehost spiceport spicetls_port
    spicedisable_ticketing spicepasswd spiceagent_mouse spicevdagent
    spice_clipboard_sharing spiceusbredirection vif2 device_model_args
    device_model_args_hvm device_model_args_pv device_model_stubdomain_override
    stubdomain_kernel stubdomain_ramdisk stubdomain_memory firmware bios
    bios_path_override kernel_args shadow_memory serial_port ioemu guest_os_type
    vcpu_hard_affinity vcpu_soft_affinity memory_sharing tsc_mode pool cpupool localtime
    driver_domain features altp2m altp2mhvm mca_caps msr_relaxed nested nx pvh smbios
    rdm rdm_mem_boundary mmio_hole dm_restrict vga_memory vif_model blktap
    viridian_enlightenment max_event_channels sched credit_weight credit_cap boot_params
    trusted backend cpus_xen vnc_listen vnc_display maxmem_kb videoram_kb sched_params
    """.split()  # noqa: SIM905
)

#: xl settings the list above lacked, with the first release whose xl reads them
#: (xl_parse.c / xl_cmdimpl.c at RELEASE-x.y.0, found by the grep the module says).
XL_SINCE = {
    "oos": "4.1",
    "acpi_s3": "4.2",
    "acpi_s4": "4.2",
    "cap": "4.2",
    "device_model_stubdomain_seclabel": "4.2",
    "extratime": "4.2",
    "firmware_override": "4.2",
    "latency": "4.2",
    "period": "4.2",
    "slice": "4.2",
    "acpi_firmware": "4.3",
    "init_seclabel": "4.3",
    "smbios_firmware": "4.3",
    "usbversion": "4.4",
    "vendor_device": "4.4",
    "ms_vm_genid": "4.5",
    "pci_seize": "4.5",
    "gic_version": "4.6",
    "hdtype": "4.6",
    "spice_image_compression": "4.6",
    "spice_streaming_video": "4.6",
    "device_model_user": "4.7",
    "usbdev": "4.7",
    "acpi_laptop_slate": "4.9",
    "vuart": "4.10",
    "pvshim": "4.11",
    "pvshim_cmdline": "4.11",
    "pvshim_extra": "4.11",
    "pvshim_path": "4.11",
    "passthrough": "4.13",
    "tee": "4.13",
    "vkb_device": "4.13",
    "xend_suspend_evtchn_compat": "4.14",
    "vmtrace_buf_kb": "4.15",
    "max_grant_version": "4.16",
    "stubdomain_cmdline": "4.16",
    "vpmu": "4.16",
    "bootloader_restrict": "4.18",
    "bootloader_user": "4.18",
    "sve": "4.18",
    "virtio": "4.18",
    "hvm_pirq": "4.19",
    "nr_spis": "4.19",
}

#: xm settings the list lacked, with the first tag whose create.py declares them
XM_SINCE = {
    "bootentry": "3.0.0",
    "fda": "3.0.0",
    "fdb": "3.0.0",
    "isa": "3.0.0",
    "lapic": "3.0.0",
    "ssidref": "3.0.0",
    "irq": "3.0.2",
    "usbport": "3.0.3",
    "on_xend_start": "3.0.4",
    "on_xend_stop": "3.0.4",
    "loader": "3.3",
    "machine_address_size": "3.3",
    "target": "3.3",
    "suppress_spurious_page_faults": "3.4",
    "description": "4.0",
    "monitor_path": "4.0",
    "superpages": "4.0",
    "vusb": "4.0",
}

KNOWN = _BASE | frozenset(XL_SINCE) | frozenset(XM_SINCE)

#: Settings Oracle VM's agent writes into vm.cfg beside xm's own (ovs-agent's
#: agent/lib/xenvm.py ``VM_CFG`` checker table, quoted in Apache CloudStack's
#: plugins/hypervisors/ovm3 Xen.java; Oracle VM 2.2 to 3.4 run xend): its xend reads
#: them, and stock xm passes any variable through (opts.py ``Opts.load`` sets every
#: name the file binds), so they are no typo there. The agent's ``OVM_*`` names
#: (OVM_simple_name, OVM_os_type, ...) are known by their prefix.
ORACLE_VM = frozenset(
    {"vif_other_config", "disk_other_config", "expose_host_uuid", "console_autoconnect"}
)
ORACLE_VM_PREFIX = "OVM_"
#: Where Oracle VM keeps guests' disks: /OVS/running_pool (2.x), /OVS/Repositories (3.x)
ORACLE_VM_DISKS = ("file:/OVS/", "phy:/OVS/", "tap:aio:/OVS/", "file:///OVS/")


def oracle_vm_keys(names: set[str], disks: list[str]) -> frozenset[str]:
    """The Oracle VM settings known in a domU config that bears Oracle VM's marks (an
    ``OVM_*`` setting among ``names``, or one of ``disks`` under /OVS/); none in others."""
    ovm = {n for n in names if n.startswith(ORACLE_VM_PREFIX)}
    if ovm or any(d.lstrip().startswith(ORACLE_VM_DISKS) for d in disks):
        return ORACLE_VM | ovm
    return frozenset()
