"""XN007, XN001-XN003 on a site of two dom0 clusters (tests/fixtures/unseen8, tree 1): heartbeat 3 +
Pacemaker 1.0 dom0s on xend, and corosync 1.4 + Pacemaker 1.1 dom0s on xl, sharing one
storage pair. A guest migrates only among the nodes of the cluster whose CIB runs it:
the Xen agent runs ``xm migrate``/``xl migrate`` to a node the CRM picked, and a CRM
places resources on its own members only (Pacemaker's scheduler knows no other node),
so the xl-only nodes of the other cluster are never a target. Lint called them an
error (``b1 runs xl only ... but a1, a2 run xend``). Likewise a guest name (XN001) and
uuid (XN002) are unique per host (xl and xend refuse a second domain of a name on one
host), so each cluster may have its own ``web``; a MAC (XN003) is unique on the wire
the clusters share, and stays compared across them."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_rules_xen import CIB, XEND_OK, run, write

WEB = "name = 'web'\nmemory = 512\ndisk = ['phy:/dev/mapper/{lun},xvda,w']\nvif = ['mac={mac}']\n"

HACF = "node alpha\nnode beta\ncrm respawn\nbcast eth0\n"
COROSYNC = (
    "totem {\n\tversion: 2\n\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 10.0.1.0\n"
    "\t\tmcastaddr: 239.255.1.1\n\t\tmcastport: 5405\n\t}\n}\n"
    "service {\n\tname: pacemaker\n\tver: 1\n}\n"
)
CIB_B = CIB.replace(
    "<nodes/>", '<nodes><node id="gamma" uname="gamma"/><node id="delta" uname="delta"/></nodes>'
)


def _site(tmp: Path, mixed: bool = False) -> list[Path]:
    """alpha, beta (heartbeat, xend) and gamma, delta (corosync, xl); ``mixed``: gamma
    a heartbeat member with alpha and beta instead, and no delta (a real mixed cluster)."""
    hacf = HACF + "node gamma\n" if mixed else HACF
    xend = {
        "etc/ha.d/ha.cf": hacf,
        "var/lib/heartbeat/crm/cib.xml": CIB,
        "etc/xen/xend-config.sxp": XEND_OK,
    }
    xl = {"var/lib/pacemaker/cib/cib.xml": CIB_B, "etc/corosync/corosync.conf": COROSYNC}
    if mixed:
        xl = {"etc/ha.d/ha.cf": hacf, "var/lib/heartbeat/crm/cib.xml": CIB}
    names = ("alpha", "beta", "gamma") if mixed else ("alpha", "beta", "gamma", "delta")
    return [
        write(
            tmp / n,
            {
                "etc/hostname": f"{n}\n",
                **(
                    xend if n in ("alpha", "beta") else {**xl, "etc/xen/xl.conf": "autoballoon=0\n"}
                ),
            },
        )
        for n in names
    ]


def test_xl_nodes_of_another_cluster_are_no_migration_target(tmp_path: Path) -> None:
    assert run(_site(tmp_path), "XN007") == []


def test_xl_node_in_the_same_cluster_still_reported(tmp_path: Path) -> None:
    """The rule still fires where the xl node is a member of the xend nodes' cluster
    (the failing half: the scope must not hide a real mixed cluster)."""
    found = run(_site(tmp_path, mixed=True), "XN007")
    assert [(f, m.split(" (")[0]) for f, _, m, _ in found] == [
        ("xen/xl.conf", "gamma runs xl only")
    ]


def _guests(nodes: list[Path], mac_b: str = "00:16:3e:00:00:02", cfg: str = "web.cfg") -> None:
    """A ``web`` guest per cluster, both in /etc/xen/web.cfg: its own LUN, its own MAC
    (``mac_b``: the xl side's; ``cfg``: the xl side's file)."""
    for n in nodes:
        xl = n.name in ("gamma", "delta")
        lun, mac = ("b-web", mac_b) if xl else ("a-web", "00:16:3e:00:00:01")
        write(n, {f"etc/xen/{cfg if xl else 'web.cfg'}": WEB.format(lun=lun, mac=mac)})


@pytest.mark.parametrize("cfg", ["web.cfg", "www.cfg"])
def test_one_guest_name_in_each_cluster(tmp_path: Path, cfg: str) -> None:
    """In another file (www.cfg) lint called the xl cluster's web an error ("name
    'web' of domU 'web' is also used by domU 'web' (a1/etc/xen/web.cfg)")."""
    nodes = _site(tmp_path)
    _guests(nodes, cfg=cfg)
    assert run(nodes, "XN001") == []


def test_one_mac_in_both_clusters_still_reported(tmp_path: Path) -> None:
    """The failing half: a MAC is unique on the shared network, not per cluster."""
    nodes = _site(tmp_path)
    _guests(nodes, mac_b="00:16:3e:00:00:01")
    assert [f for f, *_ in run(nodes, "XN003")] == ["xen/web.cfg"]


def test_one_guest_name_twice_in_one_cluster_still_reported(tmp_path: Path) -> None:
    """gamma a member of alpha's and beta's cluster with its own ``web`` (another
    LUN, in web-new.cfg: one path on two nodes of one cluster is one guest's copy):
    two guests of one name that may meet on one host, XN001 as before."""
    nodes = _site(tmp_path, mixed=True)
    _guests(nodes, cfg="web-new.cfg")
    assert [f for f, *_ in run(nodes, "XN001")] == ["xen/web-new.cfg"]


MP = "multipaths {{\n\tmultipath {{\n\t\twwid {wwid}\n\t\talias {alias}\n\t}}\n}}\n"


def _luns(nodes: list[Path], a: tuple[str, str], b: tuple[str, str]) -> None:
    """Each cluster's web guest on its multipath alias: (wwid, alias) for A and B."""
    for n in nodes:
        wwid, alias = b if n.name in ("gamma", "delta") else a
        cfg = WEB.format(lun=alias, mac=f"00:16:3e:00:00:0{len(n.name)}")
        write(n, {"etc/multipath.conf": MP.format(wwid=wwid, alias=alias), "etc/xen/web.cfg": cfg})


def test_one_alias_two_luns_across_clusters(tmp_path: Path) -> None:
    """Both clusters call their own LUN ``vmstore``: two disks, nothing. Lint called it
    XN004 ("disk /dev/mapper/vmstore is opened writable by domU 'web' and domU
    'web'"): it compared the alias text across the site."""
    nodes = _site(tmp_path)
    _luns(nodes, ("36001405aaaa", "vmstore"), ("36001405bbbb", "vmstore"))
    assert run(nodes, "XN004") == []


def test_one_lun_two_aliases_across_clusters(tmp_path: Path) -> None:
    """The failing half: cluster B's alias maps cluster A's WWID (a LUN both storage
    ACLs admit): two guests of two clusters write one LUN, XN004 by the WWID."""
    nodes = _site(tmp_path)
    _luns(nodes, ("36001405aaaa", "a-web"), ("36001405AAAA", "b-web"))
    assert [f for f, *_ in run(nodes, "XN004")] == ["xen/web.cfg"]
