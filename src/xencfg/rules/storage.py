"""Storage stack rules: EVMS device pinning and kernel module options."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..cluster import Cluster, Loaded
from ..findings import Finding
from . import make, rule


@rule("EV001", "evms-pins-dm-minor", "warning", formats=("evms",))
def evms_pins_dm_minor(item: Loaded) -> Iterator[Finding]:
    """evms.conf scans a device-mapper device by its minor number (``dm-1``).

    Why it matters: dm minors are handed out in the order maps are created, so
    they change when a LUN, a path or an LVM volume is added, and differ
    between nodes. EVMS then scans another device, or none, and the volumes
    on the intended one disappear.

    Example: ``sysfs_devices { include = [ dm-1 ] }`` meant for the multipath
    map ``mpath2``.

    Fix: name the stable device: ``include = [ mapper/mpath2 ]`` (or the
    alias multipath.conf gives the LUN).
    """
    doc = item.doc
    pinned = doc.pinned_dm_devices()  # type: ignore[attr-defined]
    if pinned:
        where = doc.setting("sysfs_devices/include")  # type: ignore[attr-defined]
        names = ", ".join(pinned)
        yield make(
            "EV001",
            f"sysfs_devices include names {names} by dm minor; use the /dev/mapper name",
            item.where(where),
        )


@rule("MD001", "module-option-set-twice", "warning", scope="cluster")
def module_option_twice(cluster: Cluster) -> Iterator[Finding]:
    """A kernel module parameter is set in two places on one node.

    Why it matters: modprobe applies every ``options`` line it finds, in an
    order that depends on file names and the modprobe version; with two values
    the one in effect is not the one you read. Even when both agree, the next
    edit changes one of them.

    Example: ``sbp2 exclusive_login=0`` in /etc/modules and
    ``options sbp2 exclusive_login=0`` in /etc/modprobe.d/sbp2.

    Fix: keep each parameter in one file (a ``/etc/modprobe.d/*.conf``).
    """
    for _node, items in cluster.by_node("modules").items():
        seen: dict[tuple[str, str], tuple[Loaded, object, str | None]] = {}
        for item in items:
            for module, param, value, line in item.doc.option_lines():  # type: ignore[attr-defined]
                key = (module, param)
                if key not in seen:
                    seen[key] = (item, line, value)
                    continue
                first, first_line, first_value = seen[key]
                differ = "" if value == first_value else f" (first {first_value}, here {value})"
                yield make(
                    "MD001",
                    f"option {param} of module {module} is set again{differ}",
                    item.where(line),
                    [first.where(first_line)],
                )


@rule("MD002", "modprobe-file-ignored", "warning", formats=("modules",))
def modprobe_file_ignored(item: Loaded) -> Iterator[Finding]:
    """A file in modprobe.d whose name does not end in ``.conf``.

    Why it matters: module-init-tools 3.8 and every kmod read only ``*.conf``
    files there, so after an upgrade its options silently stop applying.

    Example: ``/etc/modprobe.d/sbp2``.

    Fix: rename it to ``/etc/modprobe.d/sbp2.conf``.
    """
    path = str(item.file.path)
    if os.path.basename(os.path.dirname(path)) == "modprobe.d" and not path.endswith(".conf"):
        yield make(
            "MD002",
            f"modprobe reads only *.conf in modprobe.d: rename to {os.path.basename(path)}.conf",
            item.where(),
        )
