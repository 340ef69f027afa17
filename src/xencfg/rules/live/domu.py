"""The domUs that run against the domU configs of their node (LS027)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..._lazy import lazy_re
from ...cluster import Cluster
from ...findings import Finding
from .. import Once, make, rule
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
    managed, libvirt = _managed_names(cluster, node)
    if not whole and not libvirt:
        return None
    names |= managed
    started = _crm_domains(cluster, names)
    return None if started is None else names | started


def _crm_domains(cluster: Cluster, names: set[str]) -> set[str] | None:
    """The domains the run's CIB Xen resources start: a resource's ``name``, else
    the domain named in its ``xmfile`` (resource-agents' Xen: ``DOMAIN_NAME`` is
    ``name`` when set, else ``name=`` of the xmfile), known when the xmfile is one of
    the node's configs (by file name, in ``names``); ``None`` when a resource starts
    a domain from a file no capture holds (configs on a shared volume outside /etc):
    any running domain may be that one. VirtualDomain's libvirt XML likewise."""
    from ...formats.cib.model import CibDocument

    out: set[str] = set()
    for fmt in ("cib", "cib-live"):
        for _, cib in cluster.typed(fmt, CibDocument):
            for p in cib.primitives:
                kind = (p.type or "").lower()
                if kind not in ("xen", "virtualdomain"):
                    continue
                name = p.param("name") if kind == "xen" else None
                if name:
                    out.add(str(name))
                    continue
                path = str(p.param("xmfile" if kind == "xen" else "config") or "")
                base = path.rsplit("/", 1)[-1]
                if base.removesuffix(".xml") not in names and base not in names:
                    return None
    return out


#: the domain's name in xend's record of a managed domain (its first ``(name X)``)
_SXP_NAME = lazy_re(r"\(name\s+([^()\s]+)\)")


def _managed_names(cluster: Cluster, node: str) -> tuple[set[str], bool]:
    """The domains libvirt or xend keeps defined on the node, which ``virsh start`` or
    ``xm start`` (and their autostart) start again without a file in /etc/xen: libvirt's
    libxl driver keeps /etc/libvirt/libxl/NAME.xml (libxl_conf.h ``LIBXL_CONFIG_DIR``,
    virDomainSaveConfig's ``configDir/NAME.xml``), xend a managed domain's
    /var/lib/xend/domains/UUID/config.sxp (XendDomain.py ``_managed_config_path``).
    Also whether the node keeps libvirt's guest XMLs: where it does, they are its
    domU configs (a libvirt node has no /etc/xen files to judge by)."""
    tree = cluster.tree(node)
    if tree is None:
        return set(), False
    from ...discover import in_root
    from ...errors import XencfgError
    from ...syntax.source import read_text

    def own(path: Path) -> Path | None:
        """``path`` as the node sees it; ``None`` for a link out of the tree (an absolute
        ``var/lib/xend -> /var/lib/xend`` in an unpacked tree names this host's)."""
        try:
            return in_root(path, tree.root, tree.etc)
        except (XencfgError, OSError, ValueError):
            return None

    names: set[str] = set()
    libxl = tree.etc / "libvirt" / "libxl"
    if libxl.is_dir():
        names |= {p.stem for p in libxl.glob("*.xml") if (f := own(p)) and f.is_file()}
    libvirt = bool(names)
    domains = tree.slash / "var/lib/xend/domains" if tree.slash is not None else None
    if domains is not None and domains.is_dir():
        for sxp in domains.glob("*/config.sxp"):
            # read only the node's own regular files (a FIFO would block)
            try:
                f = own(sxp)
                head = read_text(f, limit=1 << 16, follow=False, head=True) if f else ""
            except XencfgError:
                continue
            found = _SXP_NAME.search(head)
            if found:
                names.add(found[1])
    return names, libvirt


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
    names are read as the domain's, and an HVM guest's stub domain (``NAME-dm``
    beside ``NAME``: libxl makes it from the guest's config) as the guest's; a
    dying domain, and one xend or libvirt only keeps on record (no ID), do not
    run. Judged only on a node whose tree holds domU configs as whole files (or
    libvirt's guest XMLs, /etc/libvirt/libxl/NAME.xml): a
    supportconfig logs some of them only. A
    domain xend manages (``xm new``, vm-install) keeps its record in
    /var/lib/xend/domains/UUID/config.sxp and libvirt's libxl driver a defined
    one in /etc/libvirt/libxl/NAME.xml: ``xm start`` or ``virsh start`` starts
    them again, so a domain either holds is not reported. A CIB Xen (or
    VirtualDomain) resource names its domain (``name``) or its file: where that
    file is none of the node's configs (a shared volume outside /etc), the
    running domain may be the resource's, and no domain is judged on the node.

    Example: xen1's ``xl list`` shows ``test``; xen1's /etc/xen/vm holds ``web``,
    ``mail`` and ``db``.

    Fix: save its configuration where the node keeps its guests (``xl list -l
    test``, or the file it was started from) and on every node that may run
    it; or shut it down if it should not run.
    """
    if not cluster.has("xl-list"):
        return
    from ...formats.status.xl_list import XlListDocument

    once = Once()
    for node in cluster.nodes:
        docs = list(cluster.typed("xl-list", XlListDocument, node))
        if not docs:
            continue
        known = _config_names(cluster, node)
        if known is None:
            continue
        for item, xl in docs:
            running = {_migrating(d.name)[0] for d in xl.domus}
            for d in xl.domus:
                if d.state and "d" in d.state:
                    continue  # dying: being destroyed
                name = _migrating(d.name)[0]
                if name in known:
                    continue
                if name.endswith("-dm") and name[:-3] in running:
                    continue  # an HVM guest's stub domain (libxl__stub_dm_name: "%s-dm")
                if not once((node, name)):
                    continue
                yield make(
                    "LS027",
                    f"domU '{name}' runs on {node}, which has no domU config for it: "
                    "nothing on the node can start it again",
                    _at(item, d.line),
                )
