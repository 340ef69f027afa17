"""The device specs of a domU config: the small strings of its ``disk``, ``vif``,
``vfb`` and ``pci`` lists (``'phy:/dev/vg/lv,xvda,w'``, ``'mac=00:16:3e:..,bridge=xenbr0'``)
as :class:`DiskSpec`, :class:`VifSpec` and :class:`PciSpec`, in xm's positional form
and xl's ``key=value`` one. Split from :mod:`.domu` (the config file's model), which
reads its lists with them.
"""

from __future__ import annotations

import re

import attrs

DISK_MODES = {"w": "read-write", "r": "read-only", "w!": "read-write, shared", "r!": "read-only"}


@attrs.frozen
class DiskSpec:
    """One disk. ``kind`` is the xm prefix chain (``phy``, ``file``, ``tap:aio``,
    ``drbd``, ``iscsi``...) or xl's ``backendtype``; ``mode`` is ``w``, ``r``,
    ``w!``... (xl ``access`` rw/ro is mapped to w/r, the raw text kept in ``raw``)."""

    raw: str
    target: str | None = None
    vdev: str | None = None
    mode: str | None = None
    kind: str | None = None
    format: str | None = None
    script: str | None = None
    devtype: str | None = None
    options: dict[str, str] = attrs.field(factory=dict)

    @property
    def cdrom(self) -> bool:
        return self.devtype == "cdrom"

    @property
    def writable(self) -> bool:
        """Any mode holding a ``w`` (``w``, ``rw``, ``w!``): Linux blkback attaches
        read-only only a mode without one (xenbus.c: ``strchr(be->mode, 'w')``), and
        xl reads ``rw`` as read-write (libxlu_disk_l.l setaccess)."""
        return "w" in (self.mode or "w")

    @property
    def shared(self) -> bool:
        """``w!``: attach read-write even if another domain has it (cluster FS only)."""
        return (self.mode or "").endswith("!")

    @property
    def drbd_resource(self) -> str | None:
        """The DRBD resource of a ``drbd:RES`` disk (block-drbd script, by name or by
        path: libxl runs an absolute ``script=`` as given), else None."""
        if self.kind == "drbd" or self.script_name in ("block-drbd", "drbd"):
            return self.target
        return None

    @property
    def script_name(self) -> str | None:
        """The hotplug script's name, ``script=/etc/xen/scripts/block-iscsi`` too."""
        return self.script.rsplit("/", 1)[-1] if self.script else None


_XL_DISK_KEYS = frozenset(
    """
    target vdev access format script devtype backendtype backend trusted discard
    no-discard direct-io-safe cdrom colo-host colo-port colo-export active-disk hidden-disk
    specification
    """.split()  # noqa: SIM905
)
_XL_FORMATS = frozenset(["raw", "qcow", "qcow2", "vhd", "qed", "empty"])
_ACCESS = {"rw": "w", "w": "w", "ro": "r", "r": "r", "w!": "w!", "r!": "r!"}


def parse_disk(spec: str) -> DiskSpec:
    """Parse one disk spec in xm (``phy:dev,vdev,mode``) or xl (``key=value,...``) form."""
    parts = [p.strip() for p in spec.split(",")]
    if any("=" in p.split(":", 1)[0] and p.split("=", 1)[0] in _XL_DISK_KEYS for p in parts):
        return _parse_xl_disk(spec, parts)
    if (len(parts) >= 3 and parts[1] in _XL_FORMATS) or (
        len(parts) >= 3 and parts[1] == "" and ":" not in parts[0]
    ):
        # xl positional: target,format,vdev,access ("/dev/x,,xvda": no format given)
        return _parse_xl_disk(spec, parts)
    target = parts[0] if parts else ""
    kind = None
    # the prefix chain: "tap:aio:/path", "phy:/dev/x", "drbd:res", "iscsi:iqn..."
    if ":" in target and not target.startswith("/"):
        pieces = target.split(":")
        known = []
        while len(pieces) > 1 and pieces[0] in _DISK_PREFIXES:
            known.append(pieces.pop(0))
            if known[-1] not in ("tap", "tap2", "tapdisk"):
                break
        if known:
            kind = ":".join(known)
            target = ":".join(pieces)
    vdev = parts[1] if len(parts) > 1 else None
    devtype = None
    options: dict[str, str] = {}
    if vdev and vdev.endswith(":cdrom"):
        vdev, devtype = vdev[: -len(":cdrom")], "cdrom"
    if vdev and vdev.startswith("ioemu:"):  # HVM: an emulated (not PV) device
        vdev, options["ioemu"] = vdev[len("ioemu:") :], "1"
    mode = parts[2] if len(parts) > 2 else None
    return DiskSpec(
        spec,
        target or None,
        vdev or None,
        mode or None,
        kind,
        None,
        None,
        devtype,
        options,
    )


_DISK_PREFIXES = frozenset(
    """
    phy file tap tap2 tapdisk aio qcow qcow2 vhd ram sync drbd iscsi nbd npiv rbd dmmd vbd3
    ioemu
    """.split()  # noqa: SIM905
)


def _parse_xl_disk(spec: str, parts: list[str]) -> DiskSpec:
    opts: dict[str, str] = {}
    positional: list[str] = []
    for p in parts:
        if p.startswith("target="):
            # target= is the last key and swallows the rest of the spec
            opts["target"] = spec.split("target=", 1)[1]
            break
        k, eq, v = p.partition("=")
        if eq and k in _XL_DISK_KEYS:
            opts[k] = v
        elif p in ("cdrom",):
            opts["devtype"] = "cdrom"
        else:
            positional.append(p)  # empty fields keep their position ("/dev/x,,hdc")
    # positional: target, format, vdev, access (the xl-disk-configuration order)
    names: tuple[str, ...] = ("target", "format", "vdev", "access")
    if not positional or positional[0] in _XL_FORMATS or "target" in opts:
        names = names[1:]
    for n, v in zip(names, positional, strict=False):
        if v:
            opts.setdefault(n, v)
    access = opts.pop("access", None)
    return DiskSpec(
        spec,
        opts.pop("target", None),
        opts.pop("vdev", None),
        _ACCESS.get(access, access) if access else None,
        opts.pop("backendtype", None),
        opts.pop("format", None),
        opts.pop("script", None),
        opts.pop("devtype", None),
        opts,
    )


@attrs.frozen
class VifSpec:
    """One network interface (``mac=...,bridge=...``); unknown keys stay in ``options``."""

    raw: str
    mac: str | None = None
    bridge: str | None = None
    ip: str | None = None
    script: str | None = None
    vifname: str | None = None
    model: str | None = None
    type: str | None = None
    rate: str | None = None
    options: dict[str, str] = attrs.field(factory=dict)

    @property
    def mac_valid(self) -> bool:
        """Six colon-separated hex octets."""
        return self.mac is not None and _MAC_RE.fullmatch(self.mac) is not None

    @property
    def mac_kind(self) -> str | None:
        """``"xen"`` (Xen's 00:16:3e OUI), ``"local"`` (locally administered bit set),
        ``"multicast"`` (invalid for a NIC), ``"global"`` (a vendor's OUI: may collide
        with real hardware), or None when there is no valid MAC (xm picks a random one)."""
        if not self.mac_valid:
            return None
        assert self.mac is not None
        first = int(self.mac[:2], 16)
        if first & 1:
            return "multicast"
        if self.mac.lower().startswith("00:16:3e"):
            return "xen"
        return "local" if first & 2 else "global"


_MAC_RE = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")


def parse_kv(spec: str) -> dict[str, str]:
    """``a=1, b=2`` as a dict (spaces after commas are common in xm files)."""
    out: dict[str, str] = {}
    for part in spec.split(","):
        k, eq, v = part.strip().partition("=")
        if k:
            out[k.strip()] = v.strip() if eq else ""
    return out


def parse_vif(spec: str) -> VifSpec:
    kv = parse_kv(spec)
    known = {
        f: kv.pop(f, None)
        for f in ("mac", "bridge", "ip", "script", "vifname", "model", "type", "rate")
    }
    return VifSpec(spec, **known, options=kv)


@attrs.frozen
class PciSpec:
    """``[DDDD:]BB:DD.F[@VSLOT][,opt=val...]`` passthrough device."""

    raw: str
    bdf: str
    options: dict[str, str] = attrs.field(factory=dict)


def parse_pci(spec: str) -> PciSpec:
    head, _, rest = spec.partition(",")
    return PciSpec(spec, head.strip(), parse_kv(rest) if rest else {})
