"""xendomains' save and restore on the cluster's dom0s in the migration report.

Debian's and Ubuntu's /etc/default/xendomains (SUSE's and Red Hat's
/etc/sysconfig/xendomains) ship ``XENDOMAINS_SAVE=/var/lib/xen/save`` and
``XENDOMAINS_RESTORE=true``. xl's xendomains reads them as xm's did (Xen's
tools/hotplug/Linux/xendomains.in): ``stop`` runs ``xl save`` on every running domain,
the cluster's too, when ``XENDOMAINS_SAVE`` is not empty (only those in
``XENDOMAINS_AUTO`` with ``XENDOMAINS_AUTO_ONLY=true``); ``start`` runs ``xl restore``
on every image in that folder when ``XENDOMAINS_RESTORE=true``, before the cluster
starts. Nothing in the migration changes that, and lint's XN019 says why it hurts a
cluster: the report names it on each node where xendomains starts at boot.
"""

from __future__ import annotations

from typing import Any

from .. import api
from .._lazy import etree
from ..bootlinks import boot_links
from ..discover import display_path, etc_file_text
from ..errors import XencfgError
from ..stack import Note
from ..xendomains import SETTINGS, auto_only, saved_and_restored
from .migration import Migration


def plan_xendomains(m: Migration, found: Any) -> None:
    """A line for each cluster node whose xendomains saves the guests at shutdown and
    restores them at boot: a TODO when the CIB ``m`` writes runs Xen guests."""
    nodes = set(m.stack_nodes or [])
    guests = _cluster_guests(m)
    for t in found.nodes:
        if t.name not in nodes or t.tree is None:
            continue
        links = boot_links(t.tree)  # (None: the init system's links are not known)
        if links is not None and "xendomains" not in links:
            continue
        for rel in SETTINGS:
            path = t.etc / rel
            text = etc_file_text(t.tree, path, 1 << 20)
            if text is None:
                continue
            try:  # (read as lint reads it: XN019 and this line say the same of one file)
                doc = api.loads(text, "shellvars")
            except XencfgError:
                break
            save = saved_and_restored(doc)
            if save is None:
                break
            only = auto_only(doc)
            what = (
                f"XENDOMAINS_SAVE={save.value}, XENDOMAINS_RESTORE=true kept: xl's xendomains "
                f"saves {'the guests of XENDOMAINS_AUTO' if only else 'every running guest'}"
                f" to {save.value} at shutdown (xl save) and restores them at boot (xl restore), "
                "before the cluster starts"
            )
            if guests and not only:
                kind, why = (
                    "manual",
                    f"the cluster's guests ({', '.join(guests)}) too: one saved while the "
                    "cluster moves it restarts elsewhere from its disk, and a node that "
                    "comes back restores a second copy (lint XN019): set XENDOMAINS_SAVE= "
                    "(empty) or XENDOMAINS_RESTORE=false on every node",
                )
            else:
                kind, why = "rewrite", "no guest of the cluster's is saved by it"
            where = f"{t.name}:{display_path(path)}:{doc.position(save)[0]}"
            m.notes.append(Note(kind, where, f"/etc/{rel} (kept)", what, why))
            break


def _cluster_guests(m: Migration) -> list[str]:
    """The ids of the Xen and VirtualDomain resources of the CIB ``m`` writes."""
    cib = m.cib_output
    if cib is None:
        return []
    return [
        str(p.get("id"))
        for p in etree.fromstring(cib.data).iter("primitive")
        if p.get("type") in ("Xen", "VirtualDomain")
    ]
