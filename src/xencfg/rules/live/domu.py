"""The domUs that run against the domU configs of their node (LS027)."""

from __future__ import annotations

from collections.abc import Iterator

from ...cluster import Cluster
from ...findings import Finding
from .. import make, rule
from .cib import _migrating
from .common import _at


def _config_names(cluster: Cluster, node: str) -> set[str] | None:
    """The domains the node's domU configs define (``name =``, and each file's own
    name, as ``xm create web`` finds ``/etc/xen/web``); ``None`` when the node's tree
    holds no domU config read as a whole file (a capture that logs some files only,
    or none, says nothing of the others), or one whose name is not a plain value (an
    xm config is Python: ``name = "vm-" + host``)."""
    from ...formats.xen.domu import DomUDocument

    names: set[str] = set()
    whole = False
    for fmt in ("xm", "xl"):
        for item, domu in cluster.typed(fmt, DomUDocument, node):
            if item.file.is_section:
                continue
            if not domu.name:
                return None  # a name computed in Python (xm), or none: any domain may be it
            whole = True
            names |= {item.file.path.name, str(domu.name)}
    return names if whole else None


@rule("LS027", "domu-without-config", "warning", scope="cluster")
def domu_without_config(cluster: Cluster) -> Iterator[Finding]:
    """A domU runs on a node that has no domU config for it.

    Why it matters: it was started from a file that is not where the node keeps
    its guests (a copy in /root, a file since deleted or renamed, another
    node's pool not mounted here), so nothing on the node can start it again:
    not xendomains after a reboot, not the cluster's Xen resource when it
    moves back, not the admin who looks in /etc/xen. Its disks, memory and
    network are known only to the running hypervisor until it stops.

    Read from ``xl list``, ``xm list``, ``xl list -l`` (its JSON) and ``virsh
    list`` beside the node's domU configs (each config's ``name =``, and its
    file name, which ``xm create NAME`` looks up). A live migration's temporary
    names are read as the domain's; a dying domain, and one xend or libvirt only
    keeps on record (no ID), do not run. Judged only on a node whose tree holds
    domU configs as whole files: a supportconfig logs some of them only. A
    domain xend manages (``xm new``, vm-install) keeps its record in
    /var/lib/xend/domains: SUSE's vm-install also writes /etc/xen/vm/NAME, which
    is what this rule looks for.

    Example: xen1's ``xl list`` shows ``test``; xen1's /etc/xen/vm holds ``web``,
    ``mail`` and ``db``.

    Fix: save its configuration where the node keeps its guests (``xl list -l
    test``, or the file it was started from) and on every node that may run
    it; or shut it down if it should not run.
    """
    if not cluster.has("xl-list"):
        return
    from ...formats.status.xl_list import XlListDocument

    said: set[tuple[str, str]] = set()
    for node in cluster.nodes:
        docs = list(cluster.typed("xl-list", XlListDocument, node))
        if not docs:
            continue
        known = _config_names(cluster, node)
        if known is None:
            continue
        for item, xl in docs:
            for d in xl.domus:
                if d.state and "d" in d.state:
                    continue  # dying: being destroyed
                name = _migrating(d.name)[0]
                if name in known or (node, name) in said:
                    continue
                said.add((node, name))
                yield make(
                    "LS027",
                    f"domU '{name}' runs on {node}, which has no domU config for it: "
                    "nothing on the node can start it again",
                    _at(item, d.line),
                )
