"""domU disks that name a DRBD device in a form the node's DRBD does not provide:
the udev ``/dev/drbd/by-res/`` links and the block-drbd script's ``drbd:RES/VOL``."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..._lazy import lazy_re
from ...cluster import Cluster, Loaded
from ...findings import Finding
from ...formats.drbd import Resource
from ...formats.schema import InForce
from ...syntax.numbers import decimal, is_decimal
from ...versions import DRBD_9, DRBD_84
from .. import make, rule
from ..documents import domu_doc as _domu
from .common import _drbd, _node_configs, _resources, node_hosts

_BY_RES = lazy_re(r"/dev/drbd/by-res/([^/]+)(?:/([0-9]+))?/?")


@attrs.frozen
class _Shape:
    """What udev names a resource's devices on one node."""

    explicit: frozenset[int]  # ``volume N`` sections (empty: the implicit volume 0)
    always_vnr: bool  # global ``udev-always-use-vnr``
    host: bool  # the node has an ``on`` section (else no device at all: XN018's case)


def _shapes(cluster: Cluster, node: str, items: list[Loaded]) -> dict[str, _Shape]:
    always = any(
        str(_drbd(i).global_.get("udev-always-use-vnr", "no")).lower() not in ("no", "false")
        for i in items
    )
    out: dict[str, _Shape] = {}
    for _item, res in _resources(cluster, items):
        host = bool(node_hosts(res, node))
        out.setdefault(res.name, _Shape(_explicit(res, node), always, host))
    return out


def _explicit(res: Resource, node: str) -> frozenset[int]:
    """Volume numbers the resource declares for ``node`` (resource-level and in its host)."""
    found = set(res.volumes)
    for h in node_hosts(res, node):
        found |= set(h.volumes)
    return frozenset(found)


def _problem(shape: _Shape, release: InForce, res: str, vol: int | None) -> tuple[str, bool] | None:
    """``(why, sure)`` when udev makes no ``path`` on the node, else None."""
    eight_three = release.older_than(DRBD_84)
    if vol is not None:
        if eight_three:
            return (
                f"DRBD 8.3's udev rule makes /dev/drbd/by-res/{res} only, no per-volume "
                f"link (drbdadm sh-udev prints RESOURCE={res}; {release.describe('DRBD')})",
                True,
            )
        if shape.explicit:
            if vol in shape.explicit:
                return None
            return (f"resource '{res}' has no volume {vol} on this node", True)
        if vol != 0:
            return (f"resource '{res}' has only the implicit volume 0", True)
        if shape.always_vnr:
            return None
        # implicit volume: drbdadm sh-udev (8.4, drbd-utils before 9.28) says RESOURCE=RES
        if release.older_than(DRBD_9):
            return (
                f"resource '{res}' has no 'volume' section, so DRBD 8.4's udev rule makes "
                f"/dev/drbd/by-res/{res} (drbdadm sh-udev prints RESOURCE={res}; "
                f"{release.describe('DRBD')})",
                True,
            )
        if release.at_least(DRBD_9):
            return None  # drbd-utils 9.28 on: drbdsetup udev always adds /VOL
        return (
            f"resource '{res}' has no 'volume' section: DRBD 8.4's udev rule (and drbd-utils "
            f"before 9.28) makes /dev/drbd/by-res/{res} only; the node's DRBD release is "
            "unknown",
            False,
        )
    if shape.explicit:
        return (
            f"resource '{res}' has 'volume' sections, so udev makes "
            f"/dev/drbd/by-res/{res}/N per volume and no /dev/drbd/by-res/{res} "
            "(drbdadm sh-udev prints RESOURCE=" + res + "/N)",
            True,
        )
    if shape.always_vnr and not eight_three:
        return (
            f"global 'udev-always-use-vnr' makes /dev/drbd/by-res/{res}/0, not "
            f"/dev/drbd/by-res/{res}",
            True,
        )
    return None


def _drbd_script(target: str, shape: _Shape, release: InForce) -> tuple[str, bool] | None:
    """A ``drbd:RES/VOL`` disk: block-drbd runs ``drbdadm sh-dev RES/VOL``."""
    if "/" not in target and len(shape.explicit) > 1:
        # block-drbd: dev=$(drbdadm sh-dev RES); write_dev "$dev" (scripts/block-drbd)
        return (
            f"block-drbd takes the device from 'drbdadm sh-dev {target}', which prints one "
            f"line per volume ({len(shape.explicit)} volumes): Xen's write_dev finds no "
            f"such device; name one volume ('drbd:{target}/0', DRBD 8.4 on)",
            True,
        )
    if "/" not in target:
        return None
    vol = target.split("/", 1)[1]
    if shape.explicit:
        if is_decimal(vol) and decimal(vol) in shape.explicit:
            return None
        return (
            f"block-drbd runs 'drbdadm sh-dev {target}': '{target}' not defined in your "
            "config (for this host), no such volume",
            True,
        )
    if release.older_than(DRBD_84):
        return (
            f"block-drbd runs 'drbdadm sh-dev {target}', and drbdadm 8.3 knows no volumes "
            f"('{target}' not defined in your config; {release.describe('DRBD')})",
            True,
        )
    if release.at_least(DRBD_84):
        return None
    return (
        f"block-drbd runs 'drbdadm sh-dev {target}', which drbdadm 8.3 refuses ('{target}' "
        "not defined in your config); the node's DRBD release is unknown",
        False,
    )


@rule("DR029", "guest-drbd-path-missing", "error", scope="cluster")
def guest_drbd_path_missing(cluster: Cluster) -> Iterator[Finding]:
    """A domU disk names a /dev/drbd/by-res/ link (or a ``drbd:RES/VOL``) that the
    node's DRBD does not make.

    Why it matters: the guest does not start on that node (xend/xl: "Device
    ... does not exist", block-drbd: "not defined in your config"), typically
    found only at fail-over. udev names DRBD devices from ``drbdadm sh-udev``:
    drbdadm 8.3 prints ``RESOURCE=RES`` (link /dev/drbd/by-res/RES); 8.4 and 9
    print ``RES`` for a resource without ``volume`` sections (the implicit
    volume) and ``RES/N`` for each explicit ``volume N`` (sh_udev in
    user/v84/drbdadm_main.c, user/v9/drbdadm_main.c; checked with drbdadm's 8.3,
    8.4 and 9 modes), unless global ``udev-always-use-vnr`` asks for ``RES/N``
    always. drbd-utils 9.28's rule (``drbdsetup udev``) always makes ``RES/N``:
    on DRBD 9 an implicit volume's ``RES/0`` is therefore not reported. The
    block-drbd script (``drbd:RES``) runs ``drbdadm sh-dev RES``: drbdadm 8.3
    refuses ``RES/0``, and for a resource with several volumes 8.4 and 9 print
    one device per line, which the script hands to Xen as one path.

    A node without an ``on`` section for the resource has no device at all:
    that is XN018's (where the CIB may start the guest), not reported here.

    Verdicts go by the DRBD release the node runs (declared, or read from its
    files); where that is unknown and it decides, the finding is a warning.

    Example: ``disk = ['phy:/dev/drbd/by-res/vm1/0,xvda,w']`` on a DRBD 8.3 dom0.

    Fix: use the link the node has (/dev/drbd/by-res/vm1 on 8.3 or for a
    resource without volume sections, /dev/drbd/by-res/vm1/0 with ``volume 0``),
    or ``drbd:vm1``.
    """
    from ..xen.common import _domus, _label, _where

    configs = _node_configs(cluster)
    cache: dict[str, dict[str, _Shape]] = {}
    for item in _domus(cluster):
        node = item.node
        if not node or node not in configs:
            continue
        if node not in cache:
            cache[node] = _shapes(cluster, node, configs[node])
        shapes = cache[node]
        release = cluster.versions.of("drbd", node)
        for disk in _domu(item).disks:
            target = disk.target or ""
            script = disk.drbd_resource
            found: tuple[str, bool] | None = None
            shape: _Shape | None = None
            if script:
                shape = shapes.get(script.split("/", 1)[0])
                if shape is not None:
                    found = _drbd_script(script, shape, release)
            elif (disk.kind or "") in ("", "phy"):
                # xend and xl take phy:drbd/by-res/r0 as /dev/drbd/by-res/r0
                m = _BY_RES.fullmatch(target if target.startswith("/") else f"/dev/{target}")
                shape = shapes.get(m.group(1)) if m else None
                if m and shape is not None:
                    # (decimal: int() of a 5,000-digit volume raised, a crashed rule)
                    vol = decimal(m.group(2)) if m.group(2) is not None else None
                    found = _problem(shape, release, m.group(1), vol)
            if found is None or not shape or not shape.host:
                continue
            why, sure = found
            finding = make(
                "DR029",
                f"domU {_label(item)} disk {target}: no such device on {node}: {why}",
                _where(item, "disk"),
            )
            yield finding if sure else attrs.evolve(finding, severity="warning")
