"""The release of each cluster component, declared by the user or read from the files.

Advice is only true for a release: "write ``resync-rate``" breaks a DRBD 8.3
cluster, "write ``uid_attribute``" a multipath-tools 0.4.7 one. So lint works
out, per component, what it knows of the release in force:

* declared: ``[tool.xencfg.versions] drbd = "8.3"`` or ``--target drbd=8.3``
  (these win);
* inferred from the files: the newest keyword they use proves a minimum
  (``resync-rate``: DRBD 8.4 or later), a keyword the daemon refuses from some
  release on proves a maximum (``syncer { rate }``: before DRBD 9.0); a
  heartbeat-2 CIB means heartbeat's own CRM, an ``xm`` config or
  xend-config.sxp means xend (Xen before 4.5), and so on.

The result, :class:`Versions`, is built once per lint run and reaches the
rules as ``cluster.versions`` (and ``Loaded.versions``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from . import formats
from .errors import XencfgError
from .formats.schema import UNKNOWN, InForce, Schema, Version, successor

if TYPE_CHECKING:  # (cluster imports this module: the type only, no import cycle)
    from .cluster import Loaded

#: Component (``--target COMPONENT=VERSION``) -> its product name in messages.
_PRODUCTS: dict[str, str] = {
    "drbd": "DRBD",
    "drbd-utils": "drbd-utils",
    "multipath-tools": "multipath-tools",
    "heartbeat": "heartbeat",
    "corosync": "corosync",
    "pacemaker": "Pacemaker",
    "xen": "Xen",
    "iscsitarget": "iSCSI Enterprise Target (IET)",
    "open-iscsi": "open-iscsi",
    "cman": "cman",
    "lvm2": "LVM",
}

#: Component -> (product name in messages, the formats that are its files: the
#: specs' ``component``, in registry order).
COMPONENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    c: (product, tuple(f.name for f in formats.specs() if f.component == c))
    for c, product in _PRODUCTS.items()
}


# -- the releases lint's verdicts turn on, one place for every component -------
# (a keyword's own release facts live in its format's SCHEMA; these are the
# releases the rules and the inference below compare the release in force with)

#: DRBD 8.4: long option words, volumes, ``resync-rate``; 8.3's ``syncer`` is an old spelling.
DRBD_84 = Version.parse("8.4")
#: DRBD 9.0: node ids, connections and meshes; drbdadm matches host names in any case.
DRBD_9 = Version.parse("9.0")
#: DRBD 8.0 dropped ``on-io-error panic`` (commit 1a7c5a975, "r2487: Removed drbd_panic()
#: completely", 2006-10, before 8.0.0): drbdsetup's on_error[] is pass_on,
#: call-local-io-error, detach from then on (user/v83/drbdsetup.c; config_flags.c of
#: user/v84 and user/v9).
DRBD_NO_PANIC = Version.parse("8.0")
#: drbd-utils 9.28 removed drbdadm-83 (ChangeLog "8.3: remove"; user/v9/drbdadm_linux.c
#: lists drbdadm-84 alone, and maybe_exec_legacy_drbdadm in drbdadm_usage_cnt.c hands
#: only an 8.4 driver on).
DRBD_UTILS_NO_83 = Version.parse("9.28")
#: drbd-utils releases whose drbdadm 9 (built with drbd-headers' drbd_limits.h) took
#: wider values: resync-rate up to 8G (9.6), c-max-rate 0 (9.16), sndbuf-size and
#: rcvbuf-size up to 128M (9.29). drbd-utils is numbered apart from the DRBD module.
DRBD_UTILS_RESYNC_8G = Version.parse("9.6")
DRBD_UTILS_C_MAX_RATE_0 = Version.parse("9.16")
DRBD_UTILS_BUF_128M = Version.parse("9.29")
#: drbd-utils 9.34, the first to read a volume's ``tiebreaker`` (drbdadm_parser.c
#: ``parse_volume_stmt`` at tag v9.34.0 takes ``yes`` or ``no`` after it; DR026).
DRBD_UTILS_TIEBREAKER = Version.parse("9.34")
#: (drbd-utils 9.29 also reads 8.4's spellings in a DRBD 9 syncer or disk section again:
#: a keyword's release fact, so it is the DRBD SCHEMA's, ``Keyword.also_needs`` in
#: formats/drbd/keywords.py UTILS_84_SYNTAX; formats sit below this module)
#: drbdadm 8.3.8 accepts an ``include`` glob that matches nothing ("drbdadm: Allow
#: nullglob in the include statements", LINBIT/drbd commit 509f23358, 8.3.8 ChangeLog);
#: before it, any include that opened nothing was "Failed to open include file".
DRBD_INCLUDE_NULLGLOB = Version.parse("8.3.8")
#: DRBD 8.3.2 (July 2009): the first release with ocf:linbit:drbd, which refuses to start
#: or promote without the master's ``notify=true`` (scripts/drbd.ocf, commit 0da228ae
#: "enforce notify enabled", 2009-06-24; CB035).
DRBD_RA_NEEDS_NOTIFY = Version.parse("8.3.2")
#: multipath-tools 0.4.9: parser.c ``alloc_strvec`` splits ``{`` and ``}`` off a word
#: (0.4.9 line 242); 0.4.5 to 0.4.8 end a word at a blank only, so ``defaults{`` names no
#: section (MP010).
MULTIPATH_SPLITS_BRACE = Version.parse("0.4.9")
#: multipath-tools 0.4.7 no longer reads ``devnode_blacklist`` (dict.c line 1340 puts
#: ``install_keyword_root("devnode_blacklist", ...)`` under ``#if 0``, commit 69b318fc);
#: 0.4.5 and 0.4.6 read it as the blacklist (0.4.6 dict.c line 699).
MULTIPATH_NO_DEVNODE_BLACKLIST = Version.parse("0.4.7")
#: multipath-tools 0.9.7 ignores ``bindings_file``, ``wwids_file`` and ``prkeys_file``
#: (dict.c ``declare_deprecated_handler``: "ignoring deprecated option ..., using built-in
#: value"; 0.8.8 to 0.9.6 read them and log "is deprecated and will be disabled in a
#: future release", as peer-multipath 0.9.4 does): the files stay in /etc/multipath.
MULTIPATH_FIXED_STATE_FILES = Version.parse("0.9.7")
#: multipath-tools 0.9.6 ignores ``disable_changed_wwids`` (dict.c, same handler).
MULTIPATH_NO_DISABLE_CHANGED_WWIDS = Version.parse("0.9.6")
#: heartbeat 2.0 brought the CRM (and ha.cf's ``crm`` directive).
HEARTBEAT_CRM = Version.parse("2.0")
#: heartbeat 2.99 handed the CRM to Pacemaker: a heartbeat-2 CIB is older.
HEARTBEAT_NO_CRM = Version.parse("2.99")
#: Pacemaker 1.0: the CIB of ``pacemaker-1.0`` schema.
PACEMAKER_1 = Version.parse("1.0")
#: Pacemaker 1.0.7: ``target-role`` Master on a resource outside a master/slave is
#: ignored with a warning (commit b136b08b25, "Prevent non-multistate resources from
#: being promoted through target-role"); 1.0.0 to 1.0.6 promoted it (CB028).
PACEMAKER_1_0_7 = Version.parse("1.0.7")
#: Pacemaker 1.1: its pacemaker-1.0.rng grew (``kind`` on ``rsc_order``; CB023).
PACEMAKER_1_1 = Version.parse("1.1")
#: Pacemaker 1.1.2 to 1.1.11: their own pacemaker-1.1.rng took ``<domains>`` and the
#: ``*-instance`` constraint attributes (1.1.2), ``rsc-pattern`` (1.1.11) (CB023, CB029).
PACEMAKER_1_1_2 = Version.parse("1.1.2")
PACEMAKER_1_1_11 = Version.parse("1.1.11")
#: Pacemaker 1.1.4: a recurring start, stop, promote or demote is ignored
#: ("Invalid recurring action", pengine/native.c ``RecurringOp``; CB030).
PACEMAKER_1_1_4 = Version.parse("1.1.4")
#: Pacemaker 1.1.5: that ``target-role`` is a configuration error (lib/pengine/utils.c
#: line 1346 ``get_target_role``: crm_config_err, so crm_verify fails; 1.1.4 line 1338
#: pe_warn; CB028).
PACEMAKER_1_1_5 = Version.parse("1.1.5")
#: Pacemaker 1.1.7: its own pacemaker-1.1.rng took ``require-all`` on a resource set
#: (constraints-1.1.rng at that tag; CB023).
PACEMAKER_1_1_7 = Version.parse("1.1.7")
#: Pacemaker 1.1.8: pacemaker-1.2's resource sets took ``require-all`` (CB023); its own
#: lrmd starts a STONITH resource by registering the device and running its monitor
#: (lrmd/lrmd.c at that tag; 1.1.7 used cluster-glue's lrmd; CB036).
PACEMAKER_1_1_8 = Version.parse("1.1.8")
#: Pacemaker 1.1.9: a master/slave of a non-OCF agent is refused (native_unpack; CB026).
PACEMAKER_1_1_9 = Version.parse("1.1.9")
#: Pacemaker 1.1.12: ``pacemaker-1.1`` read as pacemaker-next (before: its own schema, CB023).
PACEMAKER_1_1_12 = Version.parse("1.1.12")
#: Pacemaker 2.0.0: schema names pacemaker-0.6, -0.7 and -1.1 dropped (CB031).
PACEMAKER_2_0 = Version.parse("2.0.0")
#: Pacemaker 2.0.5: on-fail stop or demote on a stop operation is reset (CB027).
PACEMAKER_2_0_5 = Version.parse("2.0.5")
#: Pacemaker 2.1.0: the roles Promoted and Unpromoted (CB028).
PACEMAKER_2_1 = Version.parse("2.1.0")
#: Pacemaker 2.1.5: a recurring migrate_to, migrate_from or reload-agent is ignored too
#: (pcmk_sched_recurring.c ``op_cannot_recur``; CB030).
PACEMAKER_2_1_5 = Version.parse("2.1.5")
#: Pacemaker 3.0.0 (January 2025): schema pacemaker-4.0; ``validate-with`` must name a
#: schema it knows, case-sensitive, and not ``pacemaker-next`` (3.0.0 ChangeLog.md, "CIB:
#: validate-with must be set, case-sensitive, and not ..."; CB031).
PACEMAKER_3_0 = Version.parse("3.0.0")
#: Pacemaker 3.0.2 renamed the fencing cluster options (``stonith-enabled`` to
#: ``fencing-enabled``, ``stonith-action``, ``stonith-timeout``, ``stonith-max-attempts``,
#: ``stonith-watchdog-timeout`` and ``fence-reaction`` to their ``fencing-*`` names), the old
#: names read as aliases (tag Pacemaker-3.0.2 lib/common/options.c, commit 6976565615
#: "New PCMK_OPT_FENCING_ENABLED"); older releases do not know the new names.
PACEMAKER_3_0_2 = Version.parse("3.0.2")
#: Pacemaker 1.1.14: the controller compares a positive ``stonith-watchdog-timeout`` with
#: ``SBD_WATCHDOG_TIMEOUT`` (read from /etc/sysconfig/sbd, pacemaker.service's
#: EnvironmentFile) and shuts down when it is shorter (tag Pacemaker-1.1.14 crmd/control.c
#: "stonith-watchdog-timeout ... is too short"; lib/common/watchdog.c from 1.1.16 on; CB040).
PACEMAKER_SBD_TIMEOUT_CHECK = Version.parse("1.1.14")
#: The first Pacemaker release that knows each ``validate-with="pacemaker-X.Y"`` schema
#: (the newest ``xml/*-X.Y.rng`` at each ClusterLabs/pacemaker tag; 1.0.x's known_schemas
#: table in lib/common/xml.c): a CIB declaring one runs on that release or a later one,
#: an older one refuses it (CB030). ``pacemaker-1.1`` and ``pacemaker-1.2`` came with
#: 1.1.1 (tag Pacemaker-1.1.1 lib/common/xml.c known_schemas entries 5 and 6; 1.1.0's
#: table ends at pacemaker-1.0). pacemaker-1.1 was 1.1.1-1.1.11's development schema
#: (pacemaker-1.2 itself at 1.1.1; plus ``domains`` and the ``*-instance`` constraint
#: attributes from 1.1.2, ``rsc-pattern`` at 1.1.11: rules/cib/placement.py
#: ``SCHEMA_FEATURES``), the old name of pacemaker-next in 1.1.12-1.1.24
#: (schemas.c "1.1 was the old name for -next"), and no schema from 2.0.0 on (CB031).
PACEMAKER_SCHEMA_SINCE: dict[tuple[int, int], Version] = {
    (1, 0): Version.parse("1.0"),
    (1, 1): Version.parse("1.1.1"),
    (1, 2): Version.parse("1.1.1"),
    (1, 3): Version.parse("1.1.12"),
    (2, 0): Version.parse("1.1.12"),
    **{(2, m): Version.parse("1.1.13") for m in (1, 2, 3)},
    (2, 4): Version.parse("1.1.14"),
    (2, 5): Version.parse("1.1.15"),
    (2, 6): Version.parse("1.1.16"),
    **{(2, m): Version.parse("1.1.17") for m in (7, 8, 9)},
    (2, 10): Version.parse("1.1.18"),
    (3, 0): Version.parse("2.0.0"),
    (3, 1): Version.parse("2.0.0"),
    (3, 2): Version.parse("2.0.1"),
    (3, 3): Version.parse("2.0.4"),
    (3, 4): Version.parse("2.0.5"),
    (3, 5): Version.parse("2.0.5"),
    (3, 6): Version.parse("2.1.0"),
    (3, 7): Version.parse("2.1.0"),
    (3, 8): Version.parse("2.1.3"),
    (3, 9): Version.parse("2.1.5"),
    (3, 10): Version.parse("2.1.8"),  # 2.1.9 and 2.1.10 too
    (4, 0): Version.parse("3.0.0"),  # 3.0.1, 3.0.2 too (xml/*-4.0.rng)
}


def pacemaker_schema(validate_with: str | None) -> tuple[int, int] | None:
    """``pacemaker-X.Y`` (any case) -> (X, Y); None for other names (at most 9 digits
    a number: int() of thousands of digits raises)."""
    m = re.fullmatch(r"pacemaker-([0-9]{1,9})\.([0-9]{1,9})", (validate_with or "").lower())
    return (int(m[1]), int(m[2])) if m else None


def pacemaker_reading(validate_with: str | None) -> Version | None:
    """The oldest Pacemaker that loads a CIB declaring ``validate_with``
    (``pacemaker-3.7`` -> 2.1.0); None for other names."""
    numbers = pacemaker_schema(validate_with)
    return PACEMAKER_SCHEMA_SINCE.get(numbers) if numbers else None


def pacemaker_reading_at_least(validate_with: str | None) -> Version | None:
    """:func:`pacemaker_reading`, or for a ``pacemaker-X.Y`` newer than the table the
    release of its newest schema (a later one brought it): what the CIB proves."""
    numbers = pacemaker_schema(validate_with)
    if numbers is not None and numbers > max(PACEMAKER_SCHEMA_SINCE):
        return PACEMAKER_SCHEMA_SINCE[max(PACEMAKER_SCHEMA_SINCE)]
    return pacemaker_reading(validate_with)


#: heartbeat 2.1.3: the policy engine turns ``on_fail=fence`` with STONITH off into a stop
#: and a configuration error (ClusterLabs/pacemaker commit 8682702cc1, 2007-09-21); 2.1.2
#: and earlier mark the node unclean and cannot fence it (CB025).
HEARTBEAT_FENCE_CHECK = Version.parse("2.1.3")
#: heartbeat 2.1: ``crm on`` authorises attrd as well (config.c set_release2mode; HB012).
HEARTBEAT_ATTRD = Version.parse("2.1")
#: heartbeat 2.0.8: the CRM reads the dashed cluster option names (``stonith-enabled``),
#: the underscore ones as aliases (lib/crm/pengine/common.c's option table, commit
#: 2cfb5f2899 of 2006-08-14, after STABLE-2.0.7); 2.0.7 and older read only the
#: underscore names (formats.cib.options.HEARTBEAT_2_0_7_OPTIONS).
HEARTBEAT_DASHED_OPTIONS = Version.parse("2.0.8")
#: cman 3.0 (cluster 3, RHEL 6): no ccsd, each node reads its own cluster.conf and
#: refuses a member whose config_version stays different (CM002); cman 2 is RHEL 5's.
CMAN_3 = Version.parse("3.0")
#: corosync 2.0 dropped ``aisexec``/``service`` sections; 3.0 dropped ``rrp_mode``
#: and ``ringnumber`` for knet links.
COROSYNC_2 = Version.parse("2.0")
COROSYNC_3 = Version.parse("3.0")
#: corosync 3.1 refuses an unknown ``transport`` (3.0 took it as knet; CS015).
COROSYNC_3_1 = Version.parse("3.1")
#: corosync 2.3.4 brought ``token_coefficient`` (commit 58176d67 "Add token_coefficient
#: option", first in v2.3.4): before it the token of a 3+ node nodelist is ``token``.
COROSYNC_TOKEN_COEFFICIENT = Version.parse("2.3.4")
#: LVM 2.03.00 removed clvmd (and lvmetad): 2.03 locks locally whatever ``locking_type``
#: says ("WARNING: locking_type (3) is deprecated, using file locking", lvmcmdline.c of
#: 2.03.16; the lvm.conf SCHEMA's facts, formats/lvmlike/lvm.py; LV002).
LVM2_NO_CLVMD = Version.parse("2.03")
#: Xen 4.1 brought xl (and xl.conf).
XEN_XL = Version.parse("4.1")
#: Xen 4.5 removed xend and xm: xl is the only toolstack.
XEN_NO_XEND = Version.parse("4.5")
#: Xen 4.10 added xl's ``type`` and made it refuse a ``builder`` other than hvm/generic.
XEN_TYPE = Version.parse("4.10")
#: Xen 4.2 made xl split a string ``bootloader_args`` into words (a list is the new
#: form); xl 4.17 reads it for every domain type, older xl for PV guests only.
XEN_BOOTLOADER_SPLIT = Version.parse("4.2")
XEN_BOOTLOADER_ANY_TYPE = Version.parse("4.17")
#: Xen 4.2 made xl refuse an unknown ``device_model_version`` and ``tsc_mode``
#: (xl_cmdimpl.c: "Unknown device_model_version", "invalid value ... for tsc_mode").
XEN_XL_DM_TSC = Version.parse("4.2")
#: Xen 4.7 to 4.9: xl took ``device_model_version = "none"`` (PVHv2 guests); 4.10
#: dropped it for ``type = "pvh"`` (xl_cmdimpl.c of RELEASE-4.7.0 line 2303).
XEN_XL_DM_NONE = Version.parse("4.7")
#: Xen 4.4 made xl refuse a ``cpus`` range it cannot read ("Invalid pcpu range").
XEN_XL_CPU_RANGE = Version.parse("4.4")
#: Xen 4.6 made xl refuse a ``pci`` entry it cannot read (4.5 skipped it silently).
XEN_XL_PCI = Version.parse("4.6")
#: xl 4.2 read an HVM guest's ``bios`` (libxl_bios_type_from_string) and refused a
#: name it did not know; 4.3 did the same for ``vga``.
XEN_XL_BIOS = Version.parse("4.2")
XEN_XL_VGA = Version.parse("4.3")
#: xl 4.19's disk scanner (libxlu_disk_l.c regenerated) knows ``trusted``,
#: ``untrusted`` and ``grant_usage``; 4.17 documented trusted but read it as a target.
XEN_XL_DISK_FLAGS = Version.parse("4.19")
#: Xen 4.15 made xl refuse an unknown option of a ``pci`` entry (libxlu_pci.c
#: xlu_pci_parse_spec_string); before, it printed "Unknown PCI BDF option" and went on.
XEN_XL_PCI_SPEC = Version.parse("4.15")
#: Xen 4.10 made xl refuse ``timer_mode`` for PV guests (before, it ignored it there).
XEN_XL_TIMER_PV = Version.parse("4.10")
#: Xen 3.0.2's xm create.py refused a vif option it did not know and a disk spec of
#: fewer than 3 fields, as every xm after it did (Xen 4.5 removed xm).
XEN_XM_SPECS = Version.parse("3.0.2")
#: Xen 4.0's xm create.py computes ``(1 << vcpus) - 1`` when ``maxvcpus`` is set
#: ("xm: Add maxvcpus support"), which fails on a ``vcpus`` string.
XEN_XM_MAXVCPUS = Version.parse("4.0")
#: Xen 3.1's xend (XendConfig.py) converts cpu_weight and cpu_cap with an int() whose
#: ValueError stops ``xm create``.
XEN_XENDCONFIG = Version.parse("3.1")
#: Xen 4.2 made xl read a vif's ``rate=`` (libxlu_vif.c) and refuse one it cannot
#: read; 4.1 said "the rate parameter for vifs is currently not supported".
XEN_XL_VIF_RATE = Version.parse("4.2")
#: Xen 4.4's libxl_cpu_bitmap_alloc refuses a negative count, so xl a negative ``vcpus``.
XEN_XL_VCPUS_NEGATIVE = Version.parse("4.4")
#: Xen 4.6 made xl refuse ``maxvcpus`` below ``vcpus`` ("xl: vNUMA support").
XEN_XL_MAXVCPUS = Version.parse("4.6")
#: Xen 4.15 made xl read a vif's ``mtu=`` (parse_ulong); before, an unknown argument.
XEN_XL_VIF_MTU = Version.parse("4.15")
#: Xen 4.5 made xl read ``channel`` specs (refusing one it cannot use) and a
#: ``viridian`` list of enlightenment names (refusing a name libxl does not know).
XEN_XL_CHANNEL = Version.parse("4.5")
#: Xen 4.9 made xl read ``p9`` specs; 4.18 reads them as trimmed key=value pairs
#: (split_string_into_pair) and no longer asks for tag, path and security_model.
XEN_XL_P9 = Version.parse("4.9")
XEN_XL_P9_PAIRS = Version.parse("4.18")
#: Xen 4.3 made xl read ``vtpm`` specs, 4.7 ``usbctrl`` and ``usbdev`` specs.
XEN_XL_VTPM = Version.parse("4.3")
XEN_XL_USB = Version.parse("4.7")
#: xl reads ``vnuma`` from Xen 4.6 ("xl: vNUMA support"), ``vdispl`` from 4.10 and
#: ``vsnd`` from 4.12, refusing a piece it cannot use (formats/xen/xl_frontends.py).
XEN_XL_VNUMA = Version.parse("4.6")
XEN_XL_VDISPL = Version.parse("4.10")
XEN_XL_VSND = Version.parse("4.12")
#: What xl takes but ignores (formats/xen/xl_ignored.py, XN020): from Xen 4.2 it ignores
#: ``device_model``, ``vif2``, an HVM guest's ``kernel`` and ``vfb`` list; from 4.5 it
#: boots an HVM guest's kernel but hvmloader, ignores ``vncviewer`` and, beside
#: ``cmdline``, ``root`` and ``extra``; from 4.6 it drops a vif ``type`` other than
#: vif or ioemu and names each vif argument it drops (parse_nic_config).
XEN_XL_IGNORES_DM = Version.parse("4.2")
XEN_XL_HVM_KERNEL = Version.parse("4.5")
XEN_XL_NIC_PARSE = Version.parse("4.6")
#: IET 1.4 moved ietd.conf and its access lists to /etc/iet and deprecated
#: initiators.deny.
IET_ETC = Version.parse("1.4")
#: IET 1.4.20: the kernel module lower-cases a LUN option up to its '=' before matching it
#: (kernel/iotype.h ``iet_strtolower``, called in file-io.c, block-io.c and null-io.c
#: ``parse_*_params`` against "path=%s", "type=%s", ... tables; the release that brought
#: ``BlockSize=``); 0.4.x to 1.4.19 match "Path=%s" as written, case and all.
IET_LUN_KEYS_ANY_CASE = Version.parse("1.4.20")


def schema_for(fmt: str | None) -> Schema | None:
    """The keyword schema of a format whose spec has ``keyword_releases`` (the
    release each keyword came or went in), imported on demand; else ``None``."""
    if fmt is None or fmt not in formats.FORMATS or not formats.info(fmt).keyword_releases:
        return None
    schema: Schema = formats.module(fmt).SCHEMA
    return schema


def parse_declared(values: Mapping[str, object], where: str) -> dict[str, Version]:
    """Validated ``{component: version}`` from the config table or ``--target``;
    raises :class:`XencfgError` naming ``where`` on an unknown component or a
    value that is not a release number written as a string."""
    out: dict[str, Version] = {}
    for name, value in values.items():
        if name not in COMPONENTS:
            known = ", ".join(COMPONENTS)
            raise XencfgError(f"{where}: unknown component {name!r} (known: {known})")
        if not isinstance(value, str):
            raise XencfgError(
                f'{where}: the version of {name} must be a string such as "8.3", not {value!r}'
            )
        try:
            out[name] = Version.parse(value)
        except ValueError as exc:
            raise XencfgError(f"{where}: {name}: {exc}") from None
    return out


def parse_targets(targets: Iterable[str]) -> dict[str, Version]:
    """``["drbd=8.3", ...]`` from ``--target`` -> ``{component: version}``."""
    pairs: dict[str, object] = {}
    for t in targets:
        name, sep, value = t.partition("=")
        if not sep:
            raise XencfgError(f"--target {t!r}: write COMPONENT=VERSION, e.g. drbd=8.3")
        pairs[name.strip()] = value.strip()
    return parse_declared(pairs, "--target")


@attrs.frozen
class Versions:
    """What is known of each component's release: ``declared`` by the user,
    ``inferred`` from all the files, ``by_node`` from each node's own files
    (``(component, node)``; loose files under node ``""``). :meth:`of` gives
    the one in force."""

    declared: Mapping[str, Version] = attrs.field(factory=dict)
    inferred: Mapping[str, InForce] = attrs.field(factory=dict)
    by_node: Mapping[tuple[str, str], InForce] = attrs.field(factory=dict)
    #: The package lists' and release files' evidence :func:`infer` read (for :meth:`within`).
    installed: tuple[Installed, ...] = attrs.field(default=(), eq=False)
    shipped: tuple[Installed, ...] = attrs.field(default=(), eq=False)

    def within(self, loaded: Iterable[Loaded], nodes: Collection[str]) -> Versions:
        """What the files and packages of ``nodes`` (node tree names) alone say: one
        cluster of a site linted together, whose releases are its own (a heartbeat 2.1
        target pair beside Pacemaker 1.1 dom0s), with the run's per-node answers for
        those nodes (what the rules read). ``""`` stands for the loose files."""
        keys = set(nodes)
        everywhere, _ = infer(
            [i for i in loaded if (i.node or "") in keys],
            [e for e in self.installed if e[1] in keys],
            [e for e in self.shipped if e[1] in keys],
        )
        mine = {k: v for k, v in self.by_node.items() if k[1] in keys}
        return Versions(self.declared, everywhere, mine, self.installed, self.shipped)

    def of(self, component: str, node: str | None = None) -> InForce:
        """The release in force: the declared one, else what the files of
        ``node`` say (a node mid-upgrade runs its own release), else, when no
        other node's files prove one either, what all the files say (``node``
        None or ``""``, the loose files: what all the files say)."""
        v = self.declared.get(component)
        if v is not None:
            return InForce.declared(v)
        if node is not None:
            found = self.by_node.get((component, node))
            if found is not None:
                return found
            if node and any(c == component and n and n != node for c, n in self.by_node):
                # Only other nodes' files prove a release: this node may not run it
                # yet (a rolling upgrade: one dom0 on multipath-tools 0.5 while the
                # others keep 0.4.9), so the advice for it stays general.
                return UNKNOWN
        return self.inferred.get(component, UNKNOWN)

    def describe(self) -> dict[str, str]:
        """Component -> the release in force, in words (for reports and ``-v``)."""
        out = {}
        for name, (product, _) in COMPONENTS.items():
            f = self.of(name)
            if f.known:
                out[name] = f.describe(product)
        return out

    def describe_nodes(self) -> dict[tuple[str, str], str]:
        """``(component, node)`` -> the node's own release in words, where it is not
        the cluster's (a node mid-upgrade, a node's packages or release file)."""

        def span(f: InForce) -> tuple[Version | None, ...]:
            return f.low, f.below, f.exact

        return {
            (c, n): found.describe(COMPONENTS[c][0])
            for (c, n), found in sorted(self.by_node.items())
            if n and c in COMPONENTS and found.known and span(found) != span(self.of(c))
        }


def infer(
    loaded: Iterable[Loaded],
    installed: Iterable[Installed] = (),
    shipped: Iterable[Installed] = (),
) -> tuple[dict[str, InForce], dict[tuple[str, str], InForce]]:
    """What the parsed files (``Loaded`` items) say of each component's release:
    over all files, and per node. ``installed``: what the nodes' package lists say
    (``(component, node, low, below, why)``, :func:`xencfg.installed.evidence`); a
    node's packages win over its files, which only bound the release. ``shipped``:
    the minimum its distribution release shipped (:func:`xencfg.distro.shipped`),
    which narrows what the node's files say where the two agree."""
    uses: dict[tuple[str, str], list[_Use]] = {}
    other: dict[tuple[str, str], _Range] = {}
    for item in loaded:
        fmt = item.file.format
        doc = item.doc
        node = item.node or ""
        schema = schema_for(fmt)
        if schema is not None:
            keyword_uses = item.keyword_uses()
            if keyword_uses is not None:
                bucket = uses.setdefault((schema.component, node), [])
                # the place is located only for the evidence that wins (_from_uses)
                bucket.extend((ctx, key, (item, n)) for ctx, key, n in keyword_uses)
        # (ha.cf has both: its directives' releases and what 'crm yes' says)
        for seen in (_infer_other(fmt, doc, item), _clvmd_resource(fmt, doc, item)):
            if seen is not None:
                key = (seen[0], node)
                other[key] = _narrow(other.get(key), seen[1:])
    by_node: dict[tuple[str, str], InForce] = {}
    everywhere: dict[str, InForce] = {}
    for component in {c for c, _ in uses}:
        schema = schema_for(COMPONENTS[component][1][0])
        assert schema is not None
        per = {n: these for (c, n), these in uses.items() if c == component}
        for n, these in per.items():
            one = _from_uses(schema, these)
            if one is not None:
                by_node[(component, n)] = one
        whole = _from_uses(schema, [u for these in per.values() for u in these])
        if whole is not None:
            everywhere[component] = whole
    merged: dict[str, tuple[Version | None, Version | None, str]] = {}
    for (component, n), found in other.items():
        by_node[(component, n)] = _range(found)
        merged[component] = _narrow(merged.get(component), found)
    for component, found in merged.items():
        everywhere[component] = _range(found)
    _with_installed(everywhere, by_node, installed, shipped)
    return everywhere, by_node


def _with_installed(
    everywhere: dict[str, InForce],
    by_node: dict[tuple[str, str], InForce],
    installed: Iterable[Installed],
    shipped: Iterable[Installed],
) -> None:
    """What the files say (``everywhere``, ``by_node``), with what the nodes' packages
    name (over the files) and their distribution release shipped (narrowing them)."""
    packaged: dict[tuple[str, str], _Range] = {}
    for component, node, low, below, why in installed:
        key = (component, node)
        packaged[key] = _narrow(packaged.get(key), (low, below, why))
    either: dict[str, _Range] = {}
    for (component, node), found in packaged.items():
        by_node[(component, node)] = _range(found)
        either[component] = _either(either.get(component), found)
    for component, found in either.items():
        everywhere[component] = _range(found)
    for component, node, low, below, why in shipped:
        key = (component, node)
        if key in packaged:
            continue  # (the node's packages name the release)
        base = by_node.get(key)
        if base is None and not any(c == component and n and n != node for c, n in by_node):
            base = everywhere.get(component)
        at_least = _at_least(base, low, why)
        by_node[key] = at_least if below is None else _below(at_least, below, why)


def _below(base: InForce, below: Version, why: str) -> InForce:
    """``base``, known to be older than ``below``: unchanged where it already says as
    much, or says that release or later (the files win over a release file)."""
    if base.exact is not None or base.older_than(below) or base.at_least(below):
        return base
    source = base.source.removeprefix("inferred from ")
    said = source if why in source else _both(source, why)
    return attrs.evolve(base, below=below, source=f"inferred from {said}")


def _at_least(base: InForce | None, low: Version, why: str) -> InForce:
    """``base`` (what the files say), known to be ``low`` or later: unchanged where it
    already says as much, or says older (the files win over a release file)."""
    if base is None or not base.known:
        return InForce(low=low, source=f"inferred from {why}")
    if base.at_least(low) or base.older_than(low) or base.exact is not None:
        return base
    source = base.source.removeprefix("inferred from ")
    return attrs.evolve(base, low=low, source=f"inferred from {_both(source, why)}")


#: What a package list shows: ``(component, node, low, below, why)``.
Installed = tuple[str, str, Version, "Version | None", str]


def _either(old: _Range | None, new: _Range) -> _Range:
    """Two nodes' releases: the cluster runs one or the other (a rolling upgrade), so
    the lower minimum and the higher maximum (none if either has none)."""
    if old is None:
        return new
    lo = min(old[0], new[0]) if old[0] is not None and new[0] is not None else None
    bel = max(old[1], new[1]) if old[1] is not None and new[1] is not None else None
    return lo, bel, _both(old[2], new[2])


def _both(old: str, new: str) -> str:
    """Two pieces of evidence in words (no more than four)."""
    return old if new == old or old.count(" and ") > 2 else f"{old} and {new}"


_Range = tuple[Version | None, Version | None, str]
#: A keyword use: ``(context, keyword, (the file, the node that uses it))``.
_Use = tuple[str, str, "tuple[Loaded, object]"]


def _narrow(old: _Range | None, new: _Range) -> _Range:
    """Both pieces of evidence at once: the higher minimum, the lower maximum."""
    if old is None:
        return new
    lo = max((v for v in (old[0], new[0]) if v is not None), default=None)
    bel = min((v for v in (old[1], new[1]) if v is not None), default=None)
    if lo is not None and bel is not None and bel <= lo:
        bel = None  # contradictory: the newest evidence wins, as for keywords
    return lo, bel, _both(old[2], new[2])


def _range(found: _Range) -> InForce:
    return InForce(low=found[0], below=found[1], source=f"inferred from {found[2]}")


def _from_uses(schema: Schema, found: list[_Use]) -> InForce | None:
    low, below = schema.infer(found)
    if low is None and below is None:
        return None
    if low is not None and below is not None and below[0] <= low[0]:
        below = None  # the files contradict themselves; the newest keyword wins
    evidence = [
        f"'{e[2]}' at {e[1][0].where(e[1][1])}"  # e[1]: (Loaded, node)
        for e in (low, below)
        if e is not None
    ]
    return InForce(
        low=low[0] if low else None,
        below=below[0] if below else None,
        source="inferred from " + " and ".join(evidence),
    )


#: What a corosync file's keys show (``release_evidence``) -> ``(low, below)``.
_COROSYNC = {"3.0": (COROSYNC_3, None), "<3.0": (None, COROSYNC_3), "<2.0": (None, COROSYNC_2)}


#: A release number Version.parse reads, at the start of a text: 2 to 4 parts.
_RELEASE = r"[0-9]{1,9}\.[0-9]{1,9}(?:\.[0-9]{1,9}){0,2}(?![0-9])"


#: The resource agents that run clvmd: lvm2's own (LVM 2.02's lvm2-cluster, SUSE) and
#: resource-agents' ocf:heartbeat:clvm; an init script or unit of clvmd (cman stacks).
_CLVMD_AGENTS = {("ocf", "lvm2", "clvmd"), ("ocf", "heartbeat", "clvm")}


def _clvmd_resource(
    fmt: str | None, doc: object, item: Loaded
) -> tuple[str, Version | None, Version | None, str] | None:
    """A CIB that runs clvmd: its nodes run LVM before 2.03, which has no clvmd."""
    if fmt != "cib":
        return None
    for p in getattr(doc, "primitives", ()):
        agent = ((p.rclass or "").lower(), (p.provider or "").lower(), (p.type or "").lower())
        if agent in _CLVMD_AGENTS or (
            agent[0] in ("lsb", "service", "systemd") and "clvmd" in agent[2]
        ):
            named = ":".join(filter(None, agent))
            return "lvm2", None, LVM2_NO_CLVMD, f"clvmd ({named} '{p.id}') in {item.where()}"
    return None


def _infer_other(
    fmt: str | None, doc: object, item: Loaded
) -> tuple[str, Version | None, Version | None, str] | None:
    """``(component, low, below, why)`` of the generations other formats show:
    the CIB's dialect (heartbeat 2's own CRM, or Pacemaker 1.0), ha.cf's
    ``crm`` (heartbeat 2.0 or later), IET's files in /etc/iet (1.4 or later),
    xend/xm (Xen before 4.5), xl.conf (Xen 4.1 or later)."""
    where = item.where()
    if fmt == "cib":
        dialect = getattr(doc, "dialect", None)
        if dialect == "heartbeat-2":
            # heartbeat 2.1's DC writes its release into dc-version ("2.1.3-node: 5523...")
            option = getattr(doc, "option", None)
            dc = option("dc-version") if option is not None else None
            m = re.match(r"(2)\.([0-9]{1,9})\.([0-9]{1,9})-node", dc or "")
            if m is not None:
                run = Version.parse(f"{m[1]}.{m[2]}.{m[3]}")
                return "heartbeat", run, successor(run), f"the DC's 'dc-version {dc}' at {where}"
            # heartbeat 2.99 handed the CRM to Pacemaker: this CIB is heartbeat 2.x's
            return "heartbeat", None, HEARTBEAT_NO_CRM, f"a heartbeat-2 CIB at {where}"
        if dialect == "pacemaker-1.0":
            # the DC writes its own release into dc-version ("1.0.9-74392a28..."): a
            # Pacemaker 1.0 CIB runs on 1.0 or on any later release that reads it
            option = getattr(doc, "option", None)
            dc = option("dc-version") if option is not None else None
            # (at most 4 parts of 9 digits: Version.parse refused more, int() 5,000 digits;
            # SUSE's packages write the snapshot after a '+': "2.1.2+20211124.ada5c3b36-...")
            m = re.match(r"([0-9]{1,9})\.([0-9]{1,9})(?:\.[0-9]{1,9}){0,2}(?=[-+]|$)", dc or "")
            # the schema a CIB declares needs the release that brought it: a
            # dc-version older than that is stale (left by an older DC, or copied)
            vw = getattr(doc, "validate_with", None)
            reader = pacemaker_reading_at_least(vw)
            if m is not None and int(m[1]) >= 1:
                dc_run = Version.parse(m[0])
                dc_next = Version((dc_run.parts[0], dc_run.parts[1] + 1))
                if reader is None or reader < dc_next:
                    return "pacemaker", dc_run, dc_next, f"the DC's 'dc-version {dc}' at {where}"
            if reader is not None and reader > PACEMAKER_1:
                return "pacemaker", reader, None, f"'validate-with=\"{vw}\"' at {where}"
            return "pacemaker", PACEMAKER_1, None, f"a Pacemaker 1.0 CIB at {where}"
    elif fmt == "hacf":
        entries = getattr(doc, "entries", None)
        for e in entries("crm") if entries is not None else ():
            if e.values and e.values[0].lower() in ("on", "yes", "true", "y", "1", "respawn"):
                # the CRM (and the 'crm' directive) came with heartbeat 2.0
                return "heartbeat", HEARTBEAT_CRM, None, f"'crm {e.values[0]}' at {item.where(e)}"
    elif fmt == "corosync":
        from .formats.lines.corosync import CorosyncDocument, release_evidence

        seen = release_evidence(doc) if isinstance(doc, CorosyncDocument) else None
        if seen is not None:
            low, below = _COROSYNC[seen[0]]
            return "corosync", low, below, f"'{seen[1]}' at {item.where(seen[2])}"
    elif fmt in ("ietd", "iet-allow"):
        path = item.file.path
        if path.parent.name == "iet":
            # IET 1.4 moved ietd.conf and its access lists to /etc/iet
            return "iscsitarget", IET_ETC, None, f"{path.name} in /etc/iet at {where}"
    elif fmt == "proc-drbd":
        # the module's own release: drbdadm reads drbd.conf with the parser of the
        # loaded module's generation (drbd-utils' drbdadm execs drbdadm-83 / -84)
        # (at most 4 parts of 9 digits: Version.parse refused '8.3.11.1.2', int() 5,000 digits)
        m = re.match(_RELEASE, getattr(doc, "version", None) or "")
        if m is not None:
            run = Version.parse(m[0])
            below = Version((run.parts[0], run.parts[1] + 1))
            return "drbd", run, below, f"the running module's 'version: {m[0]}' at {where}"
    elif fmt == "xend":
        return "xen", None, XEN_NO_XEND, f"xend-config.sxp at {where}"
    elif fmt == "xl" and item.file.path.name == "xl.conf":
        return "xen", XEN_XL, None, f"xl.conf at {where}"  # xl came with Xen 4.1
    elif fmt in ("xl", "xm"):
        code = getattr(doc, "code", None)
        if code:  # Python statements: only xm ran them, xl refuses them
            at = item.where(code[0])
            return "xen", None, XEN_NO_XEND, f"Python code in a domU config at {at}"
        return _xen_lib_path(doc, item)
    return None


#: Debian's and Ubuntu's xen-utils-X.Y keep Xen's programs in /usr/lib/xen-X.Y
#: (pygrub, qemu-dm, hvmloader): a domU config naming one was written for that release.
_XEN_LIB = re.compile(r"/usr/lib(?:64)?/xen-([0-9]{1,4})\.([0-9]{1,4})/")


def _xen_lib_path(doc: object, item: Loaded) -> tuple[str, Version | None, None, str] | None:
    """A domU's ``bootloader``, ``kernel`` or ``device_model`` under /usr/lib/xen-X.Y/:
    Xen X.Y or later (the package of that release installed the program)."""
    from .formats.xen.domu import DomUDocument

    if not isinstance(doc, DomUDocument):
        return None
    for key in ("bootloader", "kernel", "device_model", "device_model_override"):
        value = doc.get(key)
        m = _XEN_LIB.match(value) if isinstance(value, str) else None
        if m is not None:
            at = item.where(doc.assignment(key))
            return "xen", Version((int(m[1]), int(m[2]))), None, f"'{key} = {value}' at {at}"
    return None
