"""What the Xen rules share: the domU configs of a cluster, how a finding names them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...cluster import Cluster, Loaded
from ...findings import Location
from ..documents import domu_doc as _domu
from ..documents import xl_doc as _xl

if TYPE_CHECKING:
    from ...formats.drbd import Resource as DrbdResource
    from ...formats.xen.device_specs import DiskSpec


DOMU_FORMATS = ("xm", "xl")


#: The templates Xen's packages install in /etc/xen (``xlexample.hvm``, ``xmexample1``):
#: syntax-checked like any file, but no domU, so they share no disk, name or MAC.
_TEMPLATE = re.compile(r"^(?:xl|xm)example")


def _is_domu(item: Loaded) -> bool:
    return (
        item.file.format in DOMU_FORMATS
        and (item.file.format != "xl" or _xl(item).is_domu)
        and not _TEMPLATE.match(item.file.path.name)
    )


def _domus(cluster: Cluster) -> list[Loaded]:
    return [item for item in cluster.loaded if _is_domu(item)]


def _where(item: Loaded, key: str) -> Location:
    return item.where(_domu(item).assignment(key))


def _label(item: Loaded) -> str:
    name = _domu(item).name
    return f"'{name}'" if name else f"in {item.file.path.name}"


def disk_key(disk: DiskSpec) -> str | None:
    """The device a disk spec opens, spelled one way (``drbd:RES``, ``/dev/...``,
    ``file:/path``); ``None`` when it names no device."""
    target = disk.target
    if not target:
        return None
    res = disk.drbd_resource
    if res:
        return f"drbd:{res}"
    kind = disk.kind or ""
    if disk.script_name == "block-iscsi":  # (xl's iscsi: prefix sets this script)
        kind = "iscsi"
    if kind in ("", "phy"):
        path = target if target.startswith("/") else f"/dev/{target}"
        m = re.fullmatch(r"/dev/drbd/by-res/([^/]+)(?:/0)?", path)
        return f"drbd:{m.group(1)}" if m else path
    if kind.startswith(("file", "tap")) or kind in ("aio", "qcow", "qcow2", "vhd"):
        return f"file:{target}"
    return f"{kind}:{target}"


def _minors(res: DrbdResource) -> Iterator[int]:
    """The minors a resource's ``device`` statements give, at every level (resource,
    host, volume): /dev/drbdN names that resource wherever N is written."""
    views = [res, *res.volumes.values()]
    for host in res.host_list:
        views += [host, *host.volumes.values()]
    for v in views:
        dev = v.device
        if dev is not None and dev.minor is not None:
            yield dev.minor
