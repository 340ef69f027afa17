"""xm (Python) domU configurations to xl configurations, with a report of every change.

xm ran its configs as Python 2 and read the globals; xl (Xen 4.5 and later) reads
libxlu's plain ``key = value`` syntax and refuses Python. The conversion is an
edit of the lossless tree: comments, order and layout of every line that needs no
change stay as they were; a value is re-spelled only where xl would read its xm
spelling otherwise (``True``, tuples, ``None``...), and a key is renamed or dropped
only where xl would misread it. Expressions over literals and earlier settings
(``512 * 2``, ``'vm-%s' % name``) are evaluated statically, never executed; real
code (``if``, loops, ``import``, functions) is commented out and reported, so the
output is never silently wrong.

The knowledge of what xl does comes from running Xen 4.17's xl on each case
(``../shared/oracle/peers/peer-xl``; tests/test_migrate_xen.py holds the cases).
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import string
from typing import Any

import attrs

from ..errors import XencfgError
from ..formats.xen import xl
from ..formats.xen.device_specs import parse_disk
from ..formats.xen.domu import COMPUTED, Assignment, Code
from ..formats.xen.xm import XmDocument
from ..syntax.numbers import decimal
from ..syntax.tree import Node, Tok
from . import Change, Converted
from .xm_eval import Budget, NotStatic, evaluate, mutated_names, parse_statement
from .xm_pci import xl_pci

# -- what xl reads differently ---------------------------------------------------

#: xm keys xl does not read, with what to do instead (from xl.cfg(5) and xm's create.py).
DROPPED = {
    "on_xend_start": "xend is gone: start the domU at boot by linking its config into "
    "/etc/xen/auto (xendomains) or let the cluster manager start it",
    "on_xend_stop": "xend is gone: xendomains saves or shuts down the domUs in "
    "/etc/xen/auto at dom0 shutdown (XENDOMAINS_SAVE in /etc/default/xendomains)",
    "device_model": "xl ignores it and starts its own qemu (xl: 'ignoring device_model "
    "directive'); set device_model_override only if you really need another binary",
    "blkif": "a driver-domain setting of xend; xl has no equivalent",
    "netif": "a driver-domain setting of xend; xl has no equivalent",
    "tpmif": "a driver-domain setting of xend; xl has no equivalent",
    "access_control": "xend's ACM security labels; xl uses 'seclabel' (XSM/FLASK)",
    "security": "xend's ACM security labels; xl uses 'seclabel' (XSM/FLASK)",
    "vncconsole": "xl has no such key: run 'xl create -V' (or 'xl vncviewer') to get a viewer",
    "vncviewer": 'xl ignores it (\'Use "-V" option of "xl create"\')',
    "cpu": "xm pinned VCPU 0 to this CPU; xl pins with 'cpus' (all VCPUs) or "
    "'cpus = [\"N\", ...]' (one entry per VCPU)",
}
#: xm's deprecated ``restart`` values and the actions xend set for them.
_RESTART = {
    "onreboot": {"on_poweroff": "destroy", "on_reboot": "restart", "on_crash": "destroy"},
    "always": {"on_poweroff": "restart", "on_reboot": "restart", "on_crash": "restart"},
    "never": {"on_poweroff": "destroy", "on_reboot": "destroy", "on_crash": "destroy"},
}
#: xm keys Xen 4.17's xl does not read (no such string in its xl_parse.c, checked with
#: strings and peer-xl: accepted without a warning, so the setting silently vanished),
#: with what takes their place.
XL_IGNORES = {
    "vscsi": "PV SCSI pass-through (SUSE's xend) does not exist in this xl: give the "
    "domU the disk as a block device (disk = [ 'phy:/dev/...' ]) or keep a toolstack "
    "that has vscsi",
    "cdrom": "xm's HVM CD-ROM image: add it to disk as 'PATH,hdc:cdrom,r'",
    "audio": "emulated sound is 'soundhw' in xl.cfg(5)",
    "monitor": "the qemu monitor: pass '-monitor ...' with device_model_args",
    "display": "the X display of the SDL window: xl's sdl uses the environment's DISPLAY",
    "usbdevice_list": "write each device in usbdevice (a list in xl.cfg(5))",
    "serial_port": "a serial port is 'serial' in xl.cfg(5)",
    "guest_os_type": "an IA-64 setting",
    "vhpt": "an IA-64 setting",
    "snapshot": "qemu's -snapshot: pass it with device_model_args",
    "ne2000": "an emulated NIC is model=ne2k_pci in the vif spec",
    "cpuid_check": "CPUID policy is 'cpuid' in xl.cfg(5)",
    "xen_extended_power_mgmt": "xend's ACPI power management switch: no xl counterpart",
    "s3_integrity": "a tboot setting: no xl counterpart",
    "tsc_native": "TSC handling is 'tsc_mode' in xl.cfg(5)",
    "ipaddr": "no xl counterpart",
    "tpm_instance": "xl's vTPM is the 'vtpm' list (backend, uuid)",
    "ostype": "no xl counterpart",
    "extid": "Hyper-V extensions are 'viridian' in xl.cfg(5)",
    "localtime_offset": "the RTC offset is 'rtc_timeoffset' in xl.cfg(5)",
}
#: The disk prefixes xl still reads (libxlu_disk_l.l's deprecated-prefix rules).
XL_DISK_PREFIXES = frozenset(
    ["raw", "qcow", "qcow2", "vhd", "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy"]
)
#: xm spellings xl reads under another name.
RENAMED = {"cpu_cap": "cap", "bootargs": "bootloader_args"}
#: SUSE's xend bootloader (/usr/lib/xen/boot/domUloader.py), which xl does not ship.
DOMULOADER = frozenset({"domUloader.py", "domUloader"})
#: The keys of a vtpm spec xl reads (xl_parse.c, parse_vtpm).
VTPM_KEYS = ("backend", "uuid")
#: xm's kernel command line helpers: xm built 'ip=...' and 'nfsroot=...' from them.
CMDLINE_HELPERS = (
    "ip",
    "netmask",
    "gateway",
    "hostname",
    "interface",
    "dhcp",
    "nfs_server",
    "nfs_root",
)


def _xl_text(value: Any) -> str:
    """xl's spelling of a value (booleans as 1/0, tuples as lists)."""
    return xl._value(_xl_value(value))


def _xl_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_xl_value(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, float)):
        return value
    raise NotStatic(f"xl has no {type(value).__name__} values")


def _identical(a: Any, b: Any) -> bool:
    """``a == b`` with the types equal too: 512.0 == 512 in Python, but xl's lexer
    refuses ``512.0`` (libxlu_cfg_l.l reads numbers as digits only: "config parsing
    error near `.0': lexical error"), so an xm float kept as written broke the file."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _xl_reads(rhs: str) -> Any:
    """What xl reads from the right-hand side ``rhs`` (raises when it refuses it)."""
    doc = xl.parse(f"x = {rhs}\n")
    return doc.get("x")


@attrs.define
class _Converter:
    doc: XmDocument
    changes: list[Change] = attrs.Factory(list)
    env: dict[str, Any] = attrs.Factory(dict)
    #: the work left for evaluating the config's computed lines (all of them together)
    budget: Budget = attrs.Factory(Budget)
    out: list[str] = attrs.Factory(list)
    #: an HVM domU, whose xm 'kernel' is the firmware (hvmloader)
    hvm: bool = attrs.field(init=False)
    #: xm's deprecated ``nics`` (its node and value), written as vif entries at the end
    nics: tuple[Node, Any] | None = None
    #: xm's deprecated ``restart`` (its node and value), written as on_* actions
    restart: tuple[Node, Any] | None = None

    #: SUSE's domUloader is the bootloader: its arguments become pygrub's
    domuloader: bool = attrs.field(init=False)
    #: pygrub's arguments are written (on the first of bootargs / bootentry)
    pygrub_args_written: bool = False
    #: xend-config.sxp's ``vncpasswd``: the password of a VNC console without its own
    vncpasswd: str | None = None
    #: the line of the ``vnc`` setting (an HVM domU's VNC console)
    vnc_line: int = 1

    def __attrs_post_init__(self) -> None:
        self.hvm = self.doc.get("builder") in ("hvm", "vmx")
        loader = self.doc.get("bootloader")
        self.domuloader = isinstance(loader, str) and os.path.basename(loader) in DOMULOADER

    def line(self, node: Node) -> int:
        return self.doc.position(node)[0]

    def note(self, node: Node, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(self.line(node), key, severity, message))

    def run(self) -> Converted:
        pieces = self.doc.cst or []
        for p in pieces:
            if isinstance(p, Tok):
                self.out.append(p.text)
            elif isinstance(p, Assignment):
                self.assignment(p)
            elif isinstance(p, Code):
                self.code(p)
        self.finish()
        return Converted("".join(self.out), tuple(self.changes))

    # -- statements ---------------------------------------------------------
    def code(self, c: Code) -> None:
        lead, body, trail = _split(c)
        tree = parse_statement(body)
        stmt = _single_assignment(tree)
        if stmt is not None:
            key, expr = stmt
            try:
                value = evaluate(expr, self.env, self.budget)
            except NotStatic as exc:
                self.env[key] = COMPUTED
                if key in DROPPED:
                    # (device_model = '/usr/' + libdir + ...: xl reads no such key, so
                    # the value it would have had does not matter)
                    self.out.append(lead + _commented(body) + trail)
                    self.note(c, key, "warning", f"dropped: {DROPPED[key]}")
                    return
                self.comment_out(c, lead, body, trail, (key,), f"computed by code ({exc})")
                return
            self.env[key] = value
            self.note(c, key, "info", f"evaluated '{body.strip()}' to {_xl_text_or(value)}")
            self.emit(c, key, value, lead, None, trail)
            return
        if _is_import(tree):
            self.out.append(lead + _commented(body) + trail)
            self.note(c, None, "info", "xl configs are not Python: the import is commented out")
            return
        for name in c.assigns:
            self.env[name] = COMPUTED
        changed = mutated_names(tree)
        why = "code that xm ran"
        if changed:
            # (disk = [] then disk.append(...): the earlier value is what xl reads)
            why += (
                f"; it changes {', '.join(changed)} in place, so xl reads the value before "
                "this line"
            )
        self.comment_out(c, lead, body, trail, c.assigns, why)

    def comment_out(
        self, c: Code, lead: str, body: str, trail: str, names: tuple[str, ...], why: str
    ) -> None:
        self.out.append(lead + _commented(body) + trail)
        shown = ", ".join(sorted(n for n in names if n))
        sets = f"; it sets {shown}" if shown else ""
        self.note(
            c,
            None,
            "action",
            f"not carried: {why}{sets}. xl runs no Python: write the values it produced "
            "on your hosts as plain settings",
        )

    def assignment(self, a: Assignment) -> None:
        lead, body, trail = _split(a)
        if a.value is COMPUTED:
            self.env[a.key] = COMPUTED
            self.comment_out(Code(body), lead, body, trail, (a.key,), "a computed value")
            return
        rhs_src = self.doc.source[a.rhs[0].pos : a.rhs[-1].end] if a.rhs else None
        if a.op == "+=" and isinstance(self.env.get(a.key), list):
            try:  # (a megabyte list, then line after line of 'disk += [...]')
                self.env[a.key] = self.budget.bounded(self.env[a.key] + list(a.value))
            except NotStatic:
                self.env[a.key] = COMPUTED
        else:
            self.env[a.key] = a.value
        self.emit(a, a.key, a.value, lead, rhs_src, trail, a.op, body)

    def emit(
        self,
        node: Node,
        key: str,
        value: Any,
        lead: str,
        rhs_src: str | None,
        trail: str,
        op: str = "=",
        body: str | None = None,
    ) -> None:
        """Write ``key = value`` for xl, renaming or dropping what xl reads otherwise."""
        if key == "vnc":
            self.vnc_line = self.line(node)
        new_key, new_value = self.translate(node, key, value)
        if new_key is None:
            self.out.append(lead + _commented(f"{key} {op} {rhs_src or _xm_repr(value)}") + trail)
            return
        if new_value is None:
            self.note(node, key, "info", "None means 'not set' in xm; dropped")
            self.out.append(lead + _commented(f"{key} {op} {rhs_src or 'None'}") + trail)
            return
        text = None
        if rhs_src is not None and new_value == value:
            try:
                if _identical(_xl_reads(rhs_src), _xl_value(value)):
                    text = rhs_src  # xl reads the xm spelling the same: keep it
            except (XencfgError, NotStatic):
                text = None
        if text is None:
            try:
                text = _xl_text(new_value)
            except NotStatic as exc:
                self.note(node, key, "action", f"not carried: {exc}; set it by hand")
                self.out.append(lead + _commented(f"{key} {op} {rhs_src}") + trail)
                return
            if rhs_src is not None and new_value == value:
                self.note(node, key, "info", f"re-spelled for xl as {text}")
        if body is not None and new_key == key and text == rhs_src:
            self.out.append(lead + body + trail)  # nothing to change: the line as it was
            return
        self.out.append(f"{lead}{new_key} {op} {text}{trail}")

    def translate(self, node: Node, key: str, value: Any) -> tuple[str | None, Any]:
        """xl's key and value for one xm setting (``None`` key: dropped)."""
        if key in DROPPED:
            self.note(node, key, "warning", f"dropped: {DROPPED[key]}")
            return None, None
        if key == "vcpu_avail":
            self.note(node, key, "action", f"dropped: {self.vcpu_avail(value)}")
            return None, None
        if key in XL_IGNORES:
            severity = "action" if key in ("vscsi", "cdrom") else "warning"
            self.note(
                node,
                key,
                severity,
                f"dropped: Xen 4.17's xl does not read '{key}' and would ignore it without "
                f"a word: {XL_IGNORES[key]}",
            )
            return None, None
        if key in CMDLINE_HELPERS:
            hint = ""
            server, root = self.doc.get("nfs_server"), self.doc.get("nfs_root")
            if (
                key in ("nfs_server", "nfs_root")
                and isinstance(server, str)
                and isinstance(root, str)
            ):
                hint = f" ('nfsroot={server}:{root}')"
            self.note(
                node,
                key,
                "action",
                "not carried: xm added it to the kernel command line (ip=, nfsroot=); "
                f"xl does not: put the option into 'extra'{hint}",
            )
            return None, None
        if key == "vncpasswd" and value == "" and self.hvm and self.vncpasswd:
            # (an HVM domU's empty one too: image.py 'if not vncpasswd' took xend's; xl
            # reads '' as no password at all)
            return key, self.xend_vncpasswd(self.line(node), key)[0].partition("=")[2]
        if key == "builder":
            # 'vmx' is the Xen 3.0 name of the hvm builder (renamed in 3.0.3)
            kinds = {"hvm": "hvm", "vmx": "hvm", "linux": "pv", "generic": "pv"}
            if isinstance(value, str) and value in kinds:
                self.note(
                    node, key, "info", f"'builder' is 'type' in xl: type = \"{kinds[value]}\""
                )
                return "type", kinds[value]
            self.note(node, key, "action", f"unknown builder {value!r}: set 'type' by hand")
            return None, None
        if key == "kernel" and self.hvm:
            # xm's HVM 'kernel' is the firmware; xl: 'you seem to be using "kernel"
            # directive to override HVM guest firmware'
            if isinstance(value, str) and os.path.basename(value) == "hvmloader":
                self.note(node, key, "info", "dropped: xl loads hvmloader itself")
            else:
                self.note(
                    node,
                    key,
                    "warning",
                    f"dropped: an HVM kernel is its firmware in xm; if {value!r} is a "
                    "firmware of your own, set firmware_override to it",
                )
            return None, None
        if key == "bootloader" and isinstance(value, str) and os.path.basename(value) == "pygrub":
            if value != "pygrub":
                self.note(
                    node,
                    key,
                    "info",
                    "'pygrub' without a path: xl runs the one of the installed Xen "
                    f"(the xm path {value} is gone on current dom0s)",
                )
            return key, "pygrub"
        if key == "bootloader" and self.domuloader:
            return self.domuloader_to_pygrub(node, key)
        if key in ("bootargs", "bootloader_args", "bootentry") and self.domuloader:
            if self.pygrub_args_written:
                self.note(node, key, "info", "dropped: carried in bootloader_args above")
                return None, None
            self.pygrub_args_written = True
            return self.pygrub_args(node, key)
        if key == "bootentry":
            self.note(
                node,
                key,
                "warning",
                "dropped: SUSE xend's entry for domUloader, which this config does not use; "
                "xl does not read it",
            )
            return None, None
        if key == "tsc_mode" and isinstance(value, int) and value in range(len(xl.TSC_MODES)):
            self.note(node, key, "info", f'xl names the mode: "{xl.TSC_MODES[value]}"')
            return key, xl.TSC_MODES[value]
        if key == "timer_mode":
            return self.timer_mode(node, key, value)
        if key == "uuid" and isinstance(value, str):
            # xend read 32 hex digits, dashes anywhere (xend/uuid.py fromString:
            # s.replace('-', '')); xl only 8-4-4-4-12 (libxl_uuid_from_string; peer-xl:
            # "Failed to parse UUID: c7a5fdb2cdaf9455926ad65c16db1809")
            digits = value.replace("-", "")
            if len(digits) == 32 and all(c in string.hexdigits for c in digits):
                spelled = "-".join(
                    digits[a:b] for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
                )
                if spelled != value:
                    self.note(node, key, "info", f"written as xl reads a uuid: {spelled}")
                return key, spelled
        if key in ("bootargs", "bootloader_args") and isinstance(value, str):
            return self.bootloader_args(node, key, value)
        if key == "restart":
            # xend turned it into on_poweroff/on_reboot/on_crash where those are not
            # set (XendDomainInfo.parseConfig, handle_restart); xl has no 'restart'
            self.restart = (node, value)
            return None, None
        if key == "nics":
            # xm added empty vifs up to 'nics' (create.py configure_vifs); xl has no
            # such key: finish() writes the vifs
            self.nics = (node, value)
            return None, None
        if key in RENAMED:
            self.note(node, key, "info", f"renamed to '{RENAMED[key]}' (xl.cfg(5))")
            return RENAMED[key], value
        if key == "disk" and isinstance(value, (list, tuple)):
            return key, [self.disk(node, d) if isinstance(d, str) else d for d in value]
        if key == "vfb" and isinstance(value, (list, tuple)):
            return key, [self.vfb(node, v) if isinstance(v, str) else v for v in value]
        if key == "pci" and isinstance(value, (list, tuple)):
            # (the same container: an unchanged tuple is then re-spelled with its line)
            return key, type(value)(s for v in value for s in self.pci(node, v))
        if key == "vtpm" and isinstance(value, (list, tuple)):
            return key, [self.vtpm(node, v) if isinstance(v, str) else v for v in value]
        if key == "vif" and isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, str) and "accel=" in v:
                    self.note(node, key, "warning", "xl ignores a vif's accel= (not supported)")
            return key, [self.vif(node, v) if isinstance(v, str) else v for v in value]
        return key, value

    def vif(self, node: Node, spec: str) -> str:
        """xend's ``type=netfront`` (a PV interface, no emulated NIC) is xl's
        ``type=vif``: xl knows no netfront and drops the setting ("Invalid parameter
        `type'", peer-xl), which gives an HVM domU an emulated NIC as well."""
        parts = [p.strip() for p in spec.split(",")]
        if "type=netfront" not in parts:
            return spec
        self.note(
            node,
            "vif",
            "info",
            "'type=netfront' is 'type=vif' for xl (a PV interface; xl knows no netfront "
            'and would drop the setting: "Invalid parameter `type\'")',
        )
        return ",".join("type=vif" if p == "type=netfront" else p for p in parts)

    def domuloader_to_pygrub(self, node: Node, key: str) -> tuple[str | None, Any]:
        """SUSE's domUloader (xend's bootloader on SLES 10 and 11) as pygrub: domUloader
        went with xend (SLES 12 SP1 dropped xend), and pygrub is the bootloader xl
        ships (a bare 'pygrub' is looked up in libxl's libexec directory:
        libxl_bootloader.c, bootloader_disk_attached_cb). Without bootargs or bootentry
        pygrub boots the default entry of the GRUB menu it finds."""
        self.note(
            node,
            key,
            "info",
            "domUloader -> pygrub: xl has no domUloader (SUSE's xend bootloader); pygrub "
            "loads the kernel from the domU's first disk",
        )
        if all(self.doc.get(k) is None for k in ("bootargs", "bootloader_args", "bootentry")):
            self.note(
                node,
                key,
                "warning",
                "no bootargs or bootentry: pygrub boots the default entry of the GRUB menu "
                "(menu.lst, grub.cfg) on the domU's first disk, so the domU needs one",
            )
        return key, "pygrub"

    def pygrub_args(self, node: Node, key: str) -> tuple[str | None, Any]:
        """domUloader's arguments (``bootargs``) and SUSE's ``bootentry`` as pygrub's:
        ``--entry=DEV:KERNEL,RAMDISK`` is ``--kernel=KERNEL --ramdisk=RAMDISK``.
        domUloader read the files from partition DEV; pygrub reads the first disk of
        the list (libxl runs the bootloader on the first disk) and takes the kernel
        from the first partition holding a filesystem it reads (pygrub's loop over
        the partition offsets stops there once a kernel is named), so another disk or
        a later partition gets a TODO (pygrub's ``--offset`` picks one)."""
        raw = self.doc.get("bootargs")
        if raw is None:
            raw = self.doc.get("bootloader_args")
        try:
            words = shlex.split(raw) if isinstance(raw, str) else list(raw or [])
        except ValueError as e:
            self.note(node, key, "action", f"xend could not split the arguments ({e}): fix them")
            return None, None
        entry = self.doc.get("bootentry")
        out: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(words):
            w = str(words[i])
            if w in ("--entry", "--args") and i + 1 < len(words):
                w = f"{w}={words[i + 1]}"
                i += 1
            i += 1
            if w.startswith("--entry="):
                entry = w.split("=", 1)[1]
            elif w.startswith("--args="):
                out.append(w)
            elif w in ("-q", "--quiet"):
                out.append("-q")
            else:
                rest.append(w)
        if isinstance(entry, str) and entry:
            dev, _, files = entry.partition(":")
            kernel, _, ramdisk = files.partition(",")
            if kernel:
                out.insert(0, f"--kernel={kernel}")
                if ramdisk:
                    out.insert(1, f"--ramdisk={ramdisk}")
                self.note(
                    node,
                    key,
                    "info",
                    f"domUloader's entry {entry} -> pygrub's {' '.join(out[:2])}",
                )
            self.entry_device(node, key, dev)
        if rest:
            self.note(
                node,
                key,
                "action",
                f"not carried: domUloader arguments pygrub does not take: {' '.join(rest)}",
            )
        return ("bootloader_args", out) if out else (None, None)

    def entry_device(self, node: Node, key: str, dev: str) -> None:
        """A TODO where domUloader's entry names a device pygrub would not read from."""
        disks = self.doc.get("disk")
        first = None
        if isinstance(disks, (list, tuple)) and disks and isinstance(disks[0], str):
            first = parse_disk(disks[0]).vdev
        m = re.fullmatch(r"(?:/dev/)?([a-z]+[a-z])(\d*)", dev)
        if m is None or first is None:
            return
        disk, part = m.groups()
        if disk != first.removeprefix("/dev/"):
            self.note(
                node,
                key,
                "action",
                f"domUloader booted from {dev}, but pygrub reads the first disk ({first}): "
                f"put the disk {disk} first in the disk list",
            )
        elif part not in ("", "1"):
            self.note(
                node,
                key,
                "action",
                f"domUloader booted from partition {dev}; pygrub takes the kernel from the "
                "first partition holding a filesystem it reads: if that is not "
                f"{dev}, add '--offset=BYTES' (its start: sfdisk -d) to bootloader_args",
            )

    def timer_mode(self, node: Node, key: str, value: Any) -> tuple[str | None, Any]:
        """xm's ``timer_mode`` is a number (create.py: ``set_int``, "0=delay virtual
        time when ticks are missed; 1=virtual time is always wallclock time"), passed
        only for an HVM guest (configure_hvm). xl.cfg(5) names the modes; xl still reads
        0 to 3 with 'WARNING: specifying "timer_mode" as an integer is deprecated'
        (xl_parse.c, the names in libxl_types.idl's order) and refuses the key for a PV
        guest from 4.10 on ('"timer_mode" option is not supported for PV guests')."""
        if not self.hvm:
            self.note(node, key, "info", "dropped: xm used timer_mode for HVM guests only")
            return None, None
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if not isinstance(value, bool) and text.isascii() and text.isdecimal():
            number = decimal(text)
            if number < len(xl.TIMER_MODES):
                name = xl.TIMER_MODES[number]
                self.note(node, key, "info", f'xl names the mode: "{name}" ({number} in xm)')
                return key, name
            self.note(
                node,
                key,
                "action",
                f"timer_mode {number} is no mode (0 to 3): Xen refused it under xm"
                " (HVMOP_set_param: -EINVAL) and xl refuses the config; write one of"
                f" {', '.join(xl.TIMER_MODES)}",
            )
        return key, value

    def bootloader_args(self, node: Node, key: str, value: str) -> tuple[str | None, Any]:
        """xm's bootloader arguments as xl's list. xend split the string like a shell
        and passed nothing for an empty one (XendBootloader.py: ``if blargs:
        args.extend(shlex.split(blargs))``); xl splits a string at blanks only, warns
        that a string is deprecated, and xl 4.2 to 4.17 crash on one with no word
        (xl_parse.c ``split_string_into_string_list`` calls ``strdup(NULL)``; peer-xl:
        rc 139 for ``bootloader_args = ""``)."""
        try:
            args = shlex.split(value)
        except ValueError as e:
            self.note(node, key, "action", f"xend could not split it ({e}): fix the quotes")
            return "bootloader_args", value
        if not args:
            self.note(node, key, "info", "dropped: no arguments (xl crashes on an empty string)")
            return None, None
        renamed = "renamed to 'bootloader_args', " if key == "bootargs" else ""
        self.note(node, key, "info", f"{renamed}a list split as xend split it (shell words)")
        return "bootloader_args", args

    def disk(self, node: Node, spec: str) -> str:
        return self.disk_backend(node, self.disk_spec(node, spec))

    def disk_spec(self, node: Node, spec: str) -> str:
        spec = self.disk_prefixes(node, spec)
        d = parse_disk(spec)
        if d.kind == "phy" and d.target and not d.target.startswith("/"):
            # xend's block hotplug script expands a relative phy: device under /dev
            # (tools/hotplug/Linux/block, expand_dev); libxl stat()s the path as written,
            # from xl's working directory (libxl_device.c, libxl__device_disk_set_backend:
            # 'Disk vdev=%s failed to stat: %s')
            parts = spec.split(",")
            head = parts[0]
            lead = head[: len(head) - len(head.lstrip())]
            parts[0] = f"{lead}phy:/dev/{d.target}"
            new = ",".join(parts)
            self.note(
                node,
                "disk",
                "info",
                f"'phy:{d.target}' is '/dev/{d.target}' to xm's block script; xl opens the "
                f"path as written: written as 'phy:/dev/{d.target}'",
            )
            spec, d = new, parse_disk(new)
        if d.mode and d.mode.endswith("!"):
            parts = spec.split(",")
            parts[2] = parts[2].strip().rstrip("!")
            self.note(
                node,
                "disk",
                "action",
                f"'{d.mode}' (attach even if another domain has the device) does not exist "
                f"in xl, which refuses the spec; written as '{d.mode[:-1]}'. xl's block "
                "hotplug script then refuses a device another domain holds writable: a disk "
                "shared by several domUs (a cluster file system) needs a shareable setup by "
                "hand",
            )
            return ",".join(parts)
        return spec

    def disk_backend(self, node: Node, spec: str) -> str:
        """xm's fourth and fifth disk fields, the backend domain and the blkif protocol
        (xm create.py preprocess_disk: 'uname,dev,mode[,backend[,protocol]]'), which xl
        reads as more positional fields and refuses ("too many positional parameters",
        peer-xl): the domain is xl's backend=, the protocol libxl picks itself."""
        parts = spec.split(",")
        if len(parts) not in (4, 5) or any("=" in p for p in parts):
            return spec
        backend, protocol = [p.strip() for p in parts[3:]] + [""] * (5 - len(parts))
        out = parts[:3] + ([f"backend={backend}"] if backend else [])
        self.note(
            node,
            "disk",
            "info",
            f"'{spec}': xm's backend domain "
            + (f"'{backend}' is 'backend={backend}' for xl" if backend else "(empty) dropped")
            + (f"; the protocol '{protocol}' dropped (libxl sets the guest's)" if protocol else ""),
        )
        return ",".join(out)

    def vcpu_avail(self, value: Any) -> str:
        """What to write for xm's ``vcpu_avail`` bitmask (the VCPUs up at boot, xm's
        create.py): xl brings up the first ``vcpus`` of ``maxvcpus``."""
        vcpus = self.doc.get("vcpus")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            return (
                "xm brought up only the VCPUs of this bitmask at boot; xl reads no "
                "vcpu_avail and brings up all of them: write maxvcpus and vcpus (the "
                "number up at boot) by hand"
            )
        up = bin(value).count("1")
        first = value == (1 << up) - 1
        total = f"maxvcpus = {vcpus} and " if isinstance(vcpus, int) else "maxvcpus and "
        return (
            f"xm brought up the VCPUs of bitmask {value:#x} ({up} of {vcpus}) at boot; xl "
            f"reads no vcpu_avail and brings up every VCPU: write {total}vcpus = {up}"
            + ("" if first else " (xl brings up the first ones, not this mask's)")
        )

    def disk_prefixes(self, node: Node, spec: str) -> str:
        """The blktap driver prefixes xl refuses (libxlu_disk_l.l knows raw, qcow, qcow2,
        vhd, tapdisk, tap, tap2, aio, ioemu, file and phy; any other ``name:/path`` is
        "unknown deprecated disk prefix" and the whole config fails): blktap's ``sync``
        driver read a raw image, as ``aio`` does, and is written so; ``ram``, ``vmdk``
        and the rest have no xl counterpart and are a TODO."""
        head, sep, rest = spec.partition(",")
        body = head.lstrip()
        lead = head[: len(head) - len(body)]
        chain, slash, path = body.partition(":/")
        if not slash or body.startswith("/"):
            return spec
        segments = chain.split(":")
        if not all(re.fullmatch(r"[a-z][a-z0-9]*", seg) for seg in segments):
            return spec
        refused = [seg for seg in segments if seg not in XL_DISK_PREFIXES]
        if not refused:
            return spec
        if refused == ["sync"]:
            new = ":".join("aio" if seg == "sync" else seg for seg in segments)
            self.note(
                node,
                "disk",
                "info",
                f"'{chain}:' -> '{new}:': xl knows no blktap 'sync:' driver (xl: 'unknown "
                "deprecated disk prefix') and reads the same raw image with 'aio:'",
            )
            return f"{lead}{new}:/{path}{sep}{rest}"
        self.note(
            node,
            "disk",
            "action",
            f"'{chain}:/{path}': xl refuses the blktap driver {', '.join(refused)!r} ('unknown "
            "deprecated disk prefix', and the whole config with it): convert the image "
            "(qemu-img convert -O qcow2) and give format=qcow2, or copy it to a volume "
            "(phy:)",
        )
        return spec

    def vtpm(self, node: Node, spec: str) -> str:
        """xm's vTPM spec (``instance=N,backend=DOM``: an instance of dom0's
        vtpm_managerd) in the keys xl reads: ``backend`` and ``uuid`` only (xl_parse.c
        parse_vtpm; peer-xl: "Unknown string `instance' in vtpm spec", and the whole
        file is refused)."""
        kept: list[str] = []
        dropped: list[str] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            (kept if part.split("=", 1)[0].strip() in VTPM_KEYS else dropped).append(part)
        self.note(
            node,
            "vtpm",
            "action",
            (
                f"{', '.join(repr(d) for d in dropped)} dropped (xl's vtpm takes backend= and "
                "uuid= only); "
                if dropped
                else ""
            )
            + "xm's vTPM ran in dom0's vtpm_managerd, xl's is a vTPM stub domain named by "
            "backend= (Xen's docs/misc/vtpm.txt): create it, and move the TPM's state, by hand",
        )
        return ",".join(kept)

    def pci(self, node: Node, spec: Any) -> list[Any]:
        if not isinstance(spec, str):
            return [spec]
        written, severity, message = xl_pci(spec)
        if severity is not None:
            self.note(node, "pci", severity, f"'{spec}': {message}")
        return written

    def vfb(self, node: Node, spec: str) -> str:
        parts = [p.strip() for p in spec.split(",")]
        out = []
        for p in parts:
            if p == "type=vnc":
                out.append("vnc=1")
                self.note(node, "vfb", "info", "'type=vnc' is 'vnc=1' for xl (it ignores type=)")
            elif p == "type=sdl":
                out.extend(["sdl=1", "vnc=0"])
                self.note(node, "vfb", "info", "'type=sdl' is 'sdl=1,vnc=0' for xl")
            else:
                out.append(p)
        if ("vnc=1" in out) and not any(p.startswith("vncpasswd=") for p in out):
            out.extend(self.xend_vncpasswd(self.line(node), "vfb"))
        return ",".join(out)

    def xend_vncpasswd(self, line: int, key: str) -> list[str]:
        """``vncpasswd=`` of xend-config.sxp for a VNC console that names none: xend used
        it for such a console (xen-project/xen tools/python/xen/xend/image.py: no
        vncpasswd in the config -> get_vncpasswd_default()); xl has no global one."""
        if not self.vncpasswd:
            return []
        if key == "vfb" and "," in self.vncpasswd:  # (it would split the vfb spec)
            self.changes.append(
                Change(
                    line,
                    key,
                    "action",
                    "VNC console without a password of its own: xend-config.sxp's vncpasswd "
                    "holds a comma, which a vfb spec cannot: set vncpasswd by hand",
                )
            )
            return []
        self.changes.append(
            Change(
                line,
                key,
                "info",
                "VNC console without a password of its own: xend-config.sxp's vncpasswd "
                "written (xend used it; xl has no global default)",
            )
        )
        return [f"vncpasswd={self.vncpasswd}"]

    def finish(self) -> None:
        """Checks over the whole file: what xm defaulted that xl does not."""
        if self.nics is not None:
            self.finish_nics(*self.nics)
        if self.restart is not None:
            self.finish_restart(*self.restart)
        vnc = self.env.get("vnc")
        if self.hvm and vnc not in (None, 0, "0", COMPUTED) and "vncpasswd" not in self.env:
            for pw in self.xend_vncpasswd(self.vnc_line, "vncpasswd"):
                if self.out and not self.out[-1].endswith("\n"):
                    self.out.append("\n")
                self.out.append(f"vncpasswd = {_xl_text(pw.partition('=')[2])}\n")
        if "name" not in self.env:
            self.changes.append(
                Change(
                    1, "name", "action", "no name: xl needs one ('Domain name must be specified')"
                )
            )

    def finish_restart(self, node: Node, restart: Any) -> None:
        """xm's deprecated ``restart``: xend set each of on_poweroff, on_reboot and
        on_crash the file does not set (XendDomainInfo.parseConfig: onreboot =
        destroy/restart/destroy, always = restart x3, never = destroy x3) and
        ignored any other value with a warning; the actions are written out."""
        actions = _RESTART.get(restart) if isinstance(restart, str) else None
        if actions is None:
            self.note(node, "restart", "info", "dropped: xend ignored this value too")
            return
        lines = [f'{k} = "{v}"\n' for k, v in actions.items() if k not in self.env]
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")
        self.out.extend(lines)
        self.note(node, "restart", "info", f"written as xend read it: {' '.join(lines).strip()}")

    def finish_nics(self, node: Node, nics: Any) -> None:
        """xm's ``nics = N``: create.py's configure_vifs appended empty vif entries
        until there were N ("The nics option is deprecated.  Please use an empty vif
        entry instead"); xl ignores the key, so the empty entries are written out."""
        vifs = self.env.get("vif", [])
        if not isinstance(nics, int) or isinstance(nics, bool) or not isinstance(vifs, list):
            self.note(node, "nics", "action", "xm added empty vifs up to 'nics': add them to vif")
            return
        missing = nics - len(vifs)
        if missing <= 0:
            self.note(node, "nics", "info", "dropped: vif already lists as many interfaces")
            return
        extra = ", ".join(['""'] * missing)
        op = "+=" if "vif" in self.env else "="
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")
        self.out.append(f"vif {op} [ {extra} ]\n")
        self.note(node, "nics", "info", f"{missing} empty vif entries, as xm added for nics")


def _xl_text_or(value: Any) -> str:
    try:
        return _xl_text(value)
    except NotStatic:
        return repr(value)


def _xm_repr(value: Any) -> str:
    return repr(value)


def _split(node: Node) -> tuple[str, str, str]:
    """Leading trivia (comment lines), the statement, trailing trivia (inline comment
    and newline) of one top-level statement."""
    pieces = node.cst or []
    toks = [p for p in pieces if isinstance(p, Tok)]
    lead = toks[0].text if toks and toks[0].is_trivia and len(toks) > 1 else ""
    trail = toks[-1].text if toks and toks[-1].is_trivia else ""
    text = "".join(t.text for t in node.tokens())
    body = text[len(lead) : len(text) - len(trail)] if trail else text[len(lead) :]
    return lead, body, trail


def _commented(body: str) -> str:
    return "\n".join("# xm: " + line if line.strip() else "#" for line in body.split("\n"))


def _single_assignment(tree: ast.Module | None) -> tuple[str, ast.expr] | None:
    if tree is None or len(tree.body) != 1:
        return None
    stmt = tree.body[0]
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        # (disk += [...] after a computed disk: the sum, when both sides are known)
        name = stmt.target.id
        return name, ast.BinOp(ast.Name(name, ast.Load()), stmt.op, stmt.value)
    return None


def _is_import(tree: ast.Module | None) -> bool:
    return (
        tree is not None
        and bool(tree.body)
        and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)
    )


def xm_to_xl(doc: XmDocument, vncpasswd: str | None = None) -> Converted:
    """The xl config for one xm config, and a :class:`Change` per rewrite (``vncpasswd``:
    xend-config.sxp's, for a VNC console without a password of its own)."""
    if doc.cst is None and doc.light is not None:
        doc.light.materialize()
    return _Converter(doc, vncpasswd=vncpasswd).run()
