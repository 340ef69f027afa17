"""``xencfg migrate`` on the whole-site trees of tests/fixtures/unseen9 (written for lint in
session 28, never migrated before), judged as an administrator about to cut over would:
corosync 3.1's ``corosync -t`` on each corosync.conf, Pacemaker 2.1's crm_verify on each
CIB, drbdadm 9's parser where DRBD 8.4 goes to 9, Xen 4.17's ``xl create -n`` (peer-xl),
rtslib-fb, ``multipath -t``, and ``xencfg lint`` on the nodes after the cut-over.

What the runs and a reading of the reports found (session 29), and this session fixed:

* the Gentoo pair boots by OpenRC (/etc/runlevels/default/corosync, no systemd): the
  cut-over told it ``systemctl start`` / ``systemctl enable corosync pacemaker``, commands
  it has not. It is told ``rc-service NAME start`` and ``rc-update add NAME default``.
* the geo site's booth.conf (both sites and the arbitrator) and its rsc_ticket
  constraints went unmentioned: booth.conf is a kept line now (boothd reaches the cluster
  only through crm_ticket), each rsc_ticket a line, and each ticket a TODO on the order
  of the cut-over (ticket standby first: a revoked ticket applies the loss-policy).

And last session's migrate gaps, each closed here (the tests below cite the source or
peer run behind each expectation):

* ``lsb:iscsi-target`` (IET's init script as a resource) is ocf:heartbeat:iSCSITarget and
  iSCSILogicalUnit with implementation=lio-t, their parameters from the saveconfig.json
  the iscsi part writes (resource-agents iSCSITarget.in/iSCSILogicalUnit.in, lio-t
  branches; the installed 4.12 agents' meta-data lists every parameter written);
* ``stonith:external/ipmi`` is fence_ipmilan (cluster-glue lib/plugins/stonith/external/
  ipmi; fence-agents fence_ipmilan.py and fencing.py);
* drbddisk in a cluster of three or more nodes is a promotable clone with clone-max from
  drbd.conf's hosts and a -INFINITY location on the others (crm_verify), else a TODO;
* netplan flow lists over several lines are read (corosync -t on the result);
* bionic's xendomains save/restore is a report line (Xen's xendomains.in; lint XN019).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from test_migrate_daemons import _crm_errors
from test_migrate_unseen4 import _roots, check_drbd, lint_errors, migrate_trees
from test_migrate_unseen6 import bcast_site
from test_migrate_unseen7 import check_kept, check_peers
from xencfg import migrate

FIXTURES = Path(__file__).parent / "fixtures"
GENTOO = "gentoo-openrc-xen414-corosync24-pcmk1124-drbd84-openiscsi-lio-multipath"
SLES = "sles12sp5-hae-libvirt-libxl-virtualdomain-sbd-drbd90-ocfs2-clvm"
GEO = "geo-booth-two-sites-arbitrator-pcs-drbd84-stacked-xl"
SITES = {n: FIXTURES / "unseen9" / n for n in (GENTOO, SLES, GEO)}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[migrate.Migration, Path]]:
    """Each site migrated once, its nodes after the cut-over on disk."""
    return migrate_trees(SITES, tmp_path_factory)


@pytest.mark.peer
@pytest.mark.parametrize("name", SITES)
def test_every_output_is_read_by_its_daemon(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """corosync -t (corosync 3.1.7) on each member's corosync.conf, its key beside it;
    crm_verify -V (Pacemaker 2.1.5) on each cluster's CIB (the geo site: pra's and brn's,
    rsc_ticket and all); xl, rtslib-fb and multipath -t on what is written. None refuses."""
    check_peers(*migrated[name], tmp_path)


@pytest.mark.peer
@pytest.mark.parametrize("name", [GENTOO, GEO])
def test_drbdadm_9_reads_each_drbd_conf_moved_from_84(name: str, tmp_path: Path) -> None:
    """``--to drbd=9`` on the DRBD 8.4 sites: drbdadm 9 reads each node's files with the
    resources, hosts, minors, disks and addresses drbdadm-84 read before (the geo site's
    stacked web-geo on top of web-pra and web-brn included)."""
    assert check_drbd(SITES[name], "9", tmp_path)


@pytest.mark.parametrize("name", SITES)
def test_lint_finds_no_error_after_the_cut_over(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """``xencfg lint`` on the nodes as the cut-over leaves them: no error."""
    _, base = migrated[name]
    assert lint_errors(base) == []


@pytest.mark.parametrize("name", SITES)
def test_nothing_is_dropped_silently_and_fencing_is_kept(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """Each cluster's input CIB (gx's, vh's, pra's and brn's): every resource and
    constraint (rsc_ticket too) is in the written CIB or named by a line, each node keeps
    its name and gets its corosync nodeid, every stonith device (fence_ipmilan,
    external/sbd) is kept and fencing stays on (test_migrate_unseen7.check_kept)."""
    check_kept(migrated[name][0], SITES[name])


def test_openrc_nodes_are_told_rc_service_and_rc_update(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """gx1/gx2 boot by OpenRC: /etc/runlevels/default/{corosync,pacemaker} link their
    /etc/init.d scripts (OpenRC's man/rc-update.8: ``rc-update add NAME default`` makes
    that link; bootlinks.OPENRC_DIRS). They have no systemctl: the cut-over says
    ``rc-service`` to stop and start and ``rc-update add ... default`` to enable. The
    SLES pair (systemd wants) keeps systemctl."""
    steps = "\n".join(migrated[GENTOO][0].steps)
    assert "rc-update add corosync default; rc-update add pacemaker default" in steps
    assert "rc-service corosync start" in steps and "rc-service pacemaker start" in steps
    assert "rc-service pacemaker stop; rc-service corosync stop" in steps
    assert "systemctl enable" not in steps and "systemctl start" not in steps
    sles = "\n".join(migrated[SLES][0].steps)
    assert "systemctl enable corosync pacemaker" in sles and "rc-update" not in sles


def test_booth_conf_and_the_rsc_tickets_are_in_the_report(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """The geo site: booth.conf (the same at pra, brn and the arbitrator arb) is a kept
    line per cluster and for arb (boothd reaches its cluster only through crm_ticket: booth
    src/pacemaker.c pcmk_grant_ticket runs ``crm_ticket -t T -g --force``); each site's
    three rsc_ticket constraints are lines of its own, in its written CIB; and ticket-web is
    a TODO per site: standby first (Pacemaker's ticket standby stops the resources without
    their loss-policy, commit de850c42 'relinquishing tickets gracefully'), since vm-web's
    loss-policy is fence."""
    m, _ = migrated[GEO]
    for c in m.clusters:
        said = [n for n in c.notes if n.what.startswith("booth.conf kept")]
        assert len(said) == 1 and "ticket-web" in said[0].what, c.nodes
        if c.title:  # (arb, the arbitrator: no cluster, no CIB)
            continue
        tickets = [n for n in c.notes if n.what.startswith("rsc_ticket '")]
        assert {n.what.split("'")[1] for n in tickets} == {
            "ticket-web-vm-web",
            "ticket-web-ip-geo",
            "ticket-web-ms-drbd-web-geo",
        }
        [todo] = [
            n for n in c.notes if n.kind == "manual" and n.target == "booth ticket ticket-web"
        ]
        assert "crm_ticket -t ticket-web --standby" in todo.what
        cib = next(o for o in c.outputs if not o.node and o.path.endswith(".xml"))
        assert cib.data.count(b"<rsc_ticket ") == 3


IET3 = FIXTURES / "unseen8" / "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"


def _three_nodes(tmp_path: Path, drbd_conf: bool = True) -> list[str]:
    """unseen8's san1/san2 (heartbeat 2.1.4 CIB, group grp_iscsi led by heartbeat:drbddisk
    r0, r1, r2) with a third node san3: in ha.cf, in the CIB's nodes, with a tree of its
    own; drbd.conf (r0-r2 on san1 and san2 only) on every node, or on none."""
    roots = []
    for name, src in (("san1", "san1"), ("san2", "san2"), ("san3", "san2")):
        node = tmp_path / name
        shutil.copytree(IET3 / src, node, symlinks=True)
        (node / "etc/ha.d/authkeys").chmod(0o600)
        net = node / "etc/sysconfig/network"
        net.write_text(net.read_text().replace("HOSTNAME=san2", f"HOSTNAME={name}"))
        hacf = node / "etc/ha.d/ha.cf"
        hacf.write_text(hacf.read_text().replace("node san2\n", "node san2\nnode san3\n"))
        cib = node / "var/lib/heartbeat/crm/cib.xml"
        cib.write_text(
            cib.read_text().replace(
                'uname="san2" type="normal"/>',
                'uname="san2" type="normal"/>\n      <node '
                'id="5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c13" uname="san3" type="normal"/>',
            )
        )
        if not drbd_conf:
            (node / "etc/drbd.conf").unlink()
        roots.append(str(node))
    return roots


def test_drbddisk_in_a_three_node_cluster_is_a_clone_where_drbd_has_its_disks(
    tmp_path: Path,
) -> None:
    """A heartbeat 2 CIB of three nodes whose group starts with heartbeat:drbddisk r0, r1,
    r2; drbd.conf names san1 and san2 for each (DRBD 8 has two peers: drbdadm on san3
    finds no 'on' section for it and refuses). It stayed a TODO; now each is a promotable
    ocf:linbit:drbd clone with clone-max 2 and promoted-max 1 and a -INFINITY location
    on san3, as haresources' drbddisk::NAME (migrations/haresources.py master) makes it:
    a clone of three would try to start r0 on san3 and fail there. crm_verify (Pacemaker
    2.1.5) finds no error in the CIB (its warnings are the three nodes' missing quorum:
    the CIB has no status)."""
    m = migrate.plan(_three_nodes(tmp_path / "in"), only=("stack",))
    text = next(o for o in m.outputs if o.path == "cib.xml").data
    cib = etree.fromstring(text)
    assert not cib.findall(".//primitive[@class='heartbeat']")
    for res in ("r0", "r1", "r2"):
        ms = cib.find(f".//clone[@id='ms_drbd_{res}']")
        meta = {nv.get("name"): nv.get("value") for nv in ms.iter("nvpair")}
        assert meta["clone-max"] == "2" and meta["promoted-max"] == "1", meta
        [loc] = [loc for loc in cib.iter("rsc_location") if loc.get("rsc") == f"ms_drbd_{res}"]
        [rule] = loc.iter("rule")
        assert rule.get("score") == "-INFINITY"
        assert [e.get("value") for e in rule.iter("expression")] == ["san3"]
    said = [n for n in m.notes if "heartbeat:drbddisk r0 ->" in n.what]
    assert said and "never on san3" in said[0].what
    (tmp_path / "cib.xml").write_bytes(text)
    assert _crm_errors(tmp_path / "cib.xml") == set()


def test_drbddisk_in_three_nodes_without_drbd_conf_is_a_todo_that_says_why(
    tmp_path: Path,
) -> None:
    """The same three nodes with no drbd.conf anywhere: where r0 has its disks no file
    says, so the primitive stays, and its TODO says what is missing and what to write
    (clone-max the host count, a -INFINITY location on the others)."""
    m = migrate.plan(_three_nodes(tmp_path, drbd_conf=False), only=("stack",))
    todo = [n for n in m.notes if n.kind == "manual" and "heartbeat:drbddisk kept" in n.what]
    assert len(todo) == 3
    assert all("no drbd.conf of the nodes names the hosts" in n.why for n in todo)
    assert all("-INFINITY location" in n.why for n in todo)


#: netplan with its flow sequences over several lines (YAML's flow context ignores line
#: breaks): eth1's ring address, the bridge's ports and its address
NETPLAN_FLOWS = {
    "etc/netplan/01-netcfg.yaml": "network:\n  version: 2\n  ethernets:\n    eth0: {{}}\n"
    "    eth1:\n      addresses: [\n        '10.0.0.{i}/24',\n        10.0.1.{i}/24]\n"
    "  bridges:\n    xenbr0:\n      interfaces: [\n        eth0]\n"
    "      addresses: [192.168.10.{i}/24,\n                  192.168.11.{i}/24]\n",
}


@pytest.mark.peer
def test_netplan_flow_lists_over_several_lines_give_ring_addresses(tmp_path: Path) -> None:
    """``addresses: [A,\\n B]``: netconf read a flow sequence on one line only, and a node
    whose netplan breaks one over lines (as yamllint's line-length makes people do) had
    no address on eth1, so its ring was dropped. YAML 1.2 (7.4 flow collections) ignores
    the line breaks, and netplan reads the list whole: now the first address of each
    list is the ring address, eth0's through its bridge, and corosync -t (corosync
    3.1.7) takes the files (test_migrate_unseen6.bcast_site)."""
    ring = bcast_site(tmp_path, NETPLAN_FLOWS)
    assert all("netplan" in n.source for n in ring)


CENTOS5 = FIXTURES / "unseen4" / "centos5-iet-hb1-drbd83-ocfs2-pcmk10-xm"
BIONIC = (
    FIXTURES / "unseen8" / "bionic-corosync243-pcmk1118-crmsh-drbd84kmod-utils9-xl-xendomains-save"
)


@pytest.fixture(scope="module")
def centos5() -> migrate.Migration:
    """unseen4's CentOS 5 site: the IET pair stor1/stor2 (haresources ``drbddisk::r0
    IPaddr::10.50.0.100/24/eth0 iscsi-target``, ietd.conf with CHAP and one LUN) and the
    xen1-3 cluster (heartbeat 2 CIB, stonith:external/ipmi per node)."""
    return migrate.plan(_roots(CENTOS5))


def _cib(m: migrate.Migration, name: str) -> Any:
    c = next(c for c in m.clusters if c.cluster_name == name)
    return etree.fromstring(next(o.data for o in c.outputs if o.path == f"cib-{name}.xml"))


def _params(prim: Any) -> dict[str, str]:
    return {nv.get("name"): nv.get("value") for nv in prim.iter("nvpair")}


def test_iet_init_script_becomes_the_lio_agents_from_the_written_saveconfig(
    centos5: migrate.Migration,
) -> None:
    """haresources' ``iscsi-target`` (IET's init script) became lsb:iscsi-target, a TODO:
    the script is gone with IET. It is now ocf:heartbeat:iSCSITarget (the old id, so the
    group and its constraints are unchanged) and an iSCSILogicalUnit per LUN, both
    implementation=lio-t, from the saveconfig.json the iscsi part writes for the same
    target: its IQN; the portal at the group's address (IET listened on every address,
    and the agent's lio-t makes no portal for 0.0.0.0:3260: resource-agents
    heartbeat/iSCSITarget.in, ``if [ $portal != ${OCF_RESKEY_portals_default} ]`` after
    ``auto_add_default_portal=false``); the ACLs (the dom0s' IQNs) as allowed_initiators
    and the CHAP account as incoming_username/password (the agent sets each ACL's auth);
    the LUN's path and unit serial as scsi_sn (iSCSILogicalUnit.in writes it to
    wwn/vpd_unit_serial: the WWID the multipath lines name). The cut-over no longer says
    ``targetctl restore`` but to keep LIO's restore unit off at boot."""
    cib = _cib(centos5, "hacluster")
    group = cib.find(".//group[@id='group_1']")
    assert [p.get("type") for p in group.iter("primitive")] == [
        "IPaddr2",
        "iSCSITarget",
        "iSCSILogicalUnit",
    ]
    target, lun = group.findall("primitive")[1:]
    assert target.get("id") == "iscsi-target_3"
    assert _params(target) == {
        "implementation": "lio-t",
        "iqn": "iqn.2011-03.example.stor:vmstore",
        "portals": "10.50.0.100:3260",
        "allowed_initiators": " ".join(
            f"iqn.1994-05.com.redhat:{n}-4e1f0a" for n in ("xen1", "xen2", "xen3")
        ),
        "incoming_username": "xenpool",
        "incoming_password": "Ohk4ahs9ieTh",
        "additional_parameters": "ImmediateData=Yes InitialR2T=No MaxConnections=1 "
        "TargetAlias=vmstore",
    }
    c = next(c for c in centos5.clusters if c.cluster_name == "hacluster")
    saved = json.loads(next(o.data for o in c.outputs if o.path.endswith("saveconfig.json")))
    [so] = saved["storage_objects"]
    assert _params(lun) == {
        "implementation": "lio-t",
        "target_iqn": "iqn.2011-03.example.stor:vmstore",
        "lun": "0",
        "path": "/dev/drbd0",
        "scsi_sn": so["wwn"],
        "allowed_initiators": _params(target)["allowed_initiators"],
    }
    assert not [n for n in c.notes if n.kind == "manual" and "starts IET" in n.what]
    steps = "\n".join(c.steps)
    assert "systemctl disable target" in steps and "LIO: `targetctl restore" not in steps
    assert "Ohk4ahs9ieTh" not in c.report_markdown(False)


@pytest.mark.peer
def test_the_lio_agents_take_every_parameter_written_and_crm_verify_the_cib(
    centos5: migrate.Migration, tmp_path: Path
) -> None:
    """Every parameter written is one the installed agents' meta-data lists
    (resource-agents 4.12, /usr/lib/ocf/resource.d/heartbeat: iSCSILogicalUnit has no
    backstore_name there, so none is written), and crm_verify (Pacemaker 2.1.5) finds no
    error in the CIB."""
    agents = Path("/usr/lib/ocf/resource.d/heartbeat")
    if not (agents / "iSCSITarget").exists():
        pytest.skip("resource-agents is not installed")
    cib = _cib(centos5, "hacluster")
    for prim in cib.iter("primitive"):
        if prim.get("type") not in ("iSCSITarget", "iSCSILogicalUnit"):
            continue
        meta = subprocess.run(
            [str(agents / str(prim.get("type"))), "meta-data"],
            env={"OCF_ROOT": "/usr/lib/ocf", "PATH": os.environ["PATH"]},
            capture_output=True,
            timeout=60,
        ).stdout
        names = {p.get("name") for p in etree.fromstring(meta).iter("parameter")}
        assert set(_params(prim)) <= names, prim.get("id")
    (tmp_path / "cib.xml").write_bytes(etree.tostring(cib))
    assert _crm_errors(tmp_path / "cib.xml") == set()


#: haresources lines the lio-t agents cannot carry, and what the TODO says
UNSAID = {
    # IET on every address and no address resource before the target: the lio-t agent
    # would make no portal at all (0.0.0.0:3260 is skipped)
    "stor1\tdrbddisk::r0 iscsi-target\n": "0.0.0.0",
    # two resources start the one ietd (every target): which is whose no file says
    "stor1\tdrbddisk::r0 IPaddr::10.50.0.100/24/eth0 iscsi-target\n"
    "stor2\tIPaddr::10.50.0.101/24/eth0 iscsi-target\n": "several resources",
}


@pytest.mark.parametrize("haresources", UNSAID, ids=["every-address", "two-resources"])
def test_an_iet_target_the_agents_cannot_say_stays_a_todo(haresources: str, tmp_path: Path) -> None:
    """The IET pair with haresources lines the agents cannot carry: each lsb:iscsi-target
    stays, with a TODO saying why (and the TODO naming the unit that restores
    saveconfig.json)."""
    roots = []
    for node in ("stor1", "stor2"):
        root = tmp_path / node
        shutil.copytree(CENTOS5 / node, root, symlinks=True)
        (root / "etc/ha.d/authkeys").chmod(0o600)
        (root / "etc/ha.d/haresources").write_text(haresources)
        roots.append(str(root))
    m = migrate.plan(roots)
    cib = etree.fromstring(next(o.data for o in m.outputs if o.path == "cib.xml"))
    kinds = {p.get("class") for p in cib.iter("primitive") if "iscsi" in str(p.get("id"))}
    assert kinds == {"lsb"}
    todo = [n for n in m.notes if "not made LIO's agents" in n.what]
    assert todo and all(UNSAID[haresources] in n.what + n.why for n in todo)
    assert [n for n in m.notes if "starts IET, which is gone" in n.what]


def test_external_ipmi_becomes_fence_ipmilan_with_its_parameters(
    centos5: migrate.Migration,
) -> None:
    """xen1-3's stonith:external/ipmi (hostname, ipaddr, userid, passwd with
    passwd_method=file, interface=lanplus) ran through cluster-glue, which Debian 12 and
    RHEL 9 no longer ship: a TODO said to replace it. It is stonith:fence_ipmilan now,
    each value under fence_ipmilan's name for the same ipmitool option (cluster-glue
    lib/plugins/stonith/external/ipmi: ``ipmitool -I interface -H ipaddr -U userid -f
    passwd``; fence-agents fence_ipmilan.py create_command: ``-I lanplus`` with lanplus,
    ``-H`` ip, ``-U`` username; fencing.py reads password_script's output as the
    password: ``os.popen(options["--password-script"])``), hostname as pcmk_host_list
    (the plugin's gethosts echoed it; fence_ipmilan lists no hosts). The nvpairs keep
    their ids (no 'element ids are new' line); passwd_method, which fence_ipmilan has
    no use for, is dropped with its id named."""
    cib = _cib(centos5, "vmpool")
    for i, node in enumerate(("xen1", "xen2", "xen3"), 1):
        prim = cib.find(f".//primitive[@id='st-{node}']")
        assert prim.get("type") == "fence_ipmilan"
        assert _params(prim) == {
            "pcmk_host_list": node,
            "ip": f"10.50.9.2{i}",
            "username": "stonith",
            "password_script": "cat /etc/ha.d/ipmi.pw",
            "lanplus": "1",
        }
    c = next(c for c in centos5.clusters if c.cluster_name == "vmpool")
    said = [n for n in c.notes if "-> stonith:fence_ipmilan" in n.what]
    assert len(said) == 3 and all("passwd_method=file" in n.what for n in said)
    assert not [n for n in c.notes if "external/ipmi kept" in n.what]
    assert not [n for n in c.notes if "element ids are new" in n.what]


def test_an_ipmi_device_fence_ipmilan_cannot_run_stays_a_todo() -> None:
    """A value fence_ipmilan has no counterpart of (interface=open, the local BMC
    driver) or no hostname (nothing says which node the device fences): not moved."""
    from xencfg.migrate.fencing import _fence_ipmilan

    _, left = _fence_ipmilan(
        {"hostname": "a", "ipaddr": "1.2.3.4", "userid": "u", "interface": "open"}
    )
    assert left == ["interface='open' has no fence_ipmilan counterpart"]
    _, left = _fence_ipmilan({"ipaddr": "1.2.3.4", "userid": "u", "passwd": "p"})
    assert left == ["no hostname"]


def test_bionic_xendomains_save_and_restore_is_in_the_report() -> None:
    """kea1/kea2 (Ubuntu 18.04) ship /etc/default/xendomains with
    ``XENDOMAINS_SAVE=/var/lib/xen/save`` and ``XENDOMAINS_RESTORE=true``, and
    xendomains.service is enabled. xl's xendomains (Xen tools/hotplug/Linux/
    xendomains.in) saves every running domain with ``xl save`` at stop when
    XENDOMAINS_SAVE is set and restores every image at start when XENDOMAINS_RESTORE is
    true, before the cluster: the cluster's vm_db and vm_web too (lint XN019). The report
    said nothing; now a TODO per node at the file's line."""
    m = migrate.plan(_roots(BIONIC))
    said = [n for n in m.notes if n.what.startswith("XENDOMAINS_SAVE=/var/lib/xen/save")]
    assert [n.source.split(":")[0] for n in said] == ["kea1", "kea2"]
    assert all(n.kind == "manual" and "vm_db, vm_web" in n.why for n in said)
    assert all(n.source.endswith("etc/default/xendomains:6") for n in said)


def test_xendomains_off_at_boot_or_restore_off_gives_no_line(tmp_path: Path) -> None:
    """XENDOMAINS_RESTORE=false (nothing is restored at boot), or xendomains not among
    the systemd wants (it never runs): no line."""
    for change in ("restore", "wants"):
        roots = []
        for node in ("kea1", "kea2"):
            root = tmp_path / change / node
            shutil.copytree(BIONIC / node, root, symlinks=True)
            if change == "restore":
                f = root / "etc/default/xendomains"
                f.write_text(f.read_text().replace("RESTORE=true", "RESTORE=false"))
            else:
                (root / "etc/systemd/system/multi-user.target.wants/xendomains.service").unlink()
            roots.append(str(root))
        m = migrate.plan(roots)
        assert not [n for n in m.notes if n.what.startswith("XENDOMAINS_SAVE")], change


def test_a_site_of_openrc_and_systemd_members_is_told_both() -> None:
    """A cluster whose members boot by OpenRC and by systemd: each step says systemctl,
    and what the OpenRC nodes run instead, by name."""
    from xencfg.migrate.migration import cutover_steps

    steps = cutover_steps(["a", "b"], True, set(), ["a", "b"], "corosync2", True, ("b",))
    enable = steps[-1]
    assert "`systemctl enable corosync pacemaker`" in enable
    assert "on the OpenRC nodes b: `rc-update add corosync default" in enable
