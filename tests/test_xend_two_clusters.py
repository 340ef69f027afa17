"""XN007 on a site of two dom0 clusters (tests/fixtures/unseen8, tree 1): heartbeat 3 +
Pacemaker 1.0 dom0s on xend, and corosync 1.4 + Pacemaker 1.1 dom0s on xl, sharing one
storage pair. A guest migrates only among the nodes of the cluster whose CIB runs it:
the Xen agent runs ``xm migrate``/``xl migrate`` to a node the CRM picked, and a CRM
places resources on its own members only (Pacemaker's scheduler knows no other node),
so the xl-only nodes of the other cluster are never a target. Lint called them an
error (``b1 runs xl only ... but a1, a2 run xend``)."""

from __future__ import annotations

from pathlib import Path

from test_rules_xen import CIB, XEND_OK, run, write

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
