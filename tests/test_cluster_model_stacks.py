"""The model's "member" role from every messaging layer's list (membership.py
``stack_lists``, the one reader): heartbeat's ha.cf, corosync 2/3's nodelist, cman's
cluster.conf. corosync 1 with only ``totem`` (multicast, no nodelist, no udpu
members) lists nobody, so its members stay unknown from it.

Each site: two dom0s (iSCSI initiators, LVM ``locking_type = 3``) and san1, an IET
box with ``locking_type = 1``. Where a layer lists san1 it is a cluster member
(whatever it serves), so LV002 compares its locking with the dom0s'; where no layer
lists it, it only serves storage and is not compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint
from xencfg.cli import main

#: What each messaging layer's daemon reads its members from (cited in membership.py:
#: heartbeat config.c KEY_HOST, Pacemaker corosync.c pcmk__corosync_name,
#: cman cmanconfig.c read_cman_nodes).
STACKS = {
    "heartbeat": ("etc/ha.d/ha.cf", "bcast eth0\nnode xen1\nnode xen2\nnode san1\n"),
    "corosync2": (
        "etc/corosync/corosync.conf",
        "totem {\n\tversion: 2\n\tcluster_name: vms\n\ttransport: udpu\n}\n"
        "nodelist {\n"
        "\tnode {\n\t\tname: xen1\n\t\tring0_addr: 10.0.0.1\n\t\tnodeid: 1\n\t}\n"
        "\tnode {\n\t\tname: xen2\n\t\tring0_addr: 10.0.0.2\n\t\tnodeid: 2\n\t}\n"
        # no name: Pacemaker takes the ring0 address (a host name here) as the node's
        "\tnode {\n\t\tring0_addr: san1\n\t\tnodeid: 3\n\t}\n"
        "}\n",
    ),
    "corosync1": (
        "etc/corosync/corosync.conf",
        "totem {\n\tversion: 2\n\tinterface {\n\t\tringnumber: 0\n"
        "\t\tbindnetaddr: 10.0.0.0\n\t\tmcastaddr: 239.255.1.1\n\t\tmcastport: 5405\n\t}\n}\n",
    ),
    "cman": (
        "etc/cluster/cluster.conf",
        '<?xml version="1.0"?>\n<cluster name="vms" config_version="1">\n  <clusternodes>\n'
        '    <clusternode name="xen1" nodeid="1"/>\n    <clusternode name="xen2" nodeid="2"/>\n'
        '    <clusternode name="san1" nodeid="3"/>\n  </clusternodes>\n</cluster>\n',
    ),
}

LVM = "global {\n    locking_type = %d\n}\n"


def site(tmp: Path, stack: str) -> list[str]:
    """xen1, xen2 and san1, each with the stack's file."""
    rel, text = STACKS[stack]
    roots = []
    for name in ("xen1", "xen2", "san1"):
        files = {rel: text, "etc/hostname": name + "\n"}
        if name == "san1":
            files["etc/lvm/lvm.conf"] = LVM % 1
            files["etc/ietd.conf"] = (
                "Target iqn.2026-01.com.example:san1.vm\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
            )
        else:
            files["etc/lvm/lvm.conf"] = LVM % 3
            iqn = f"iqn.2026-01.com.example:{name}"
            files["etc/iscsi/initiatorname.iscsi"] = f"InitiatorName={iqn}\n"
        for path, body in files.items():
            p = tmp / name / path
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(body)
        roots.append(str(tmp / name))
    return roots


@pytest.mark.parametrize(
    ("stack", "listed"),
    [("heartbeat", True), ("corosync2", True), ("corosync1", False), ("cman", True)],
)
def test_member_role_from_each_messaging_layer(tmp_path: Path, stack: str, listed: bool) -> None:
    result = lint.run(site(tmp_path, stack))
    model = result.cluster.model
    san1 = model.node("san1")
    assert san1 is not None
    if listed:
        assert san1.roles == {"member", "storage"} and not san1.storage_only
        assert model.members() == {"xen1", "xen2", "san1"}
    else:  # corosync 1 multicast: no file lists members; the initiators are the cluster
        assert san1.roles == {"storage"} and san1.storage_only
        assert model.members() == {"xen1", "xen2"}
    assert model.node("xen1").roles >= {"initiator"}  # type: ignore[union-attr]  # built above
    lv002 = [f.message for f in result.findings if f.code == "LV002"]
    # the verdict that changed for corosync 2 and cman: san1 was left out of the
    # comparison as a storage-only box before the model read their lists
    assert bool(lv002) is listed
    if listed:
        assert lv002[0].startswith("lvm.conf on san1 has locking_type 1 but xen1 locks")


def test_verbose_lint_shows_a_corosync_listed_box_as_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report's case: ``xencfg lint -v`` said "roles: storage" for san1."""
    main(["lint", "-v", "--exit-zero", *site(tmp_path, "corosync2")])
    assert "node san1: " in (err := capsys.readouterr().err)
    assert "(roles: member, storage)" in err.split("node san1: ", 1)[1].splitlines()[0]
