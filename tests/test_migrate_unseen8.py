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

And last session's migrate gaps: ``lsb:iscsi-target`` and ``stonith:external/ipmi`` in a
heartbeat CIB, drbddisk in clusters of three or more nodes, netplan flow lists over
several lines, and bionic's xendomains save/restore.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from test_migrate_daemons import _crm_errors
from test_migrate_unseen4 import check_drbd, lint_errors, migrate_trees
from test_migrate_unseen7 import check_peers
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
        shutil.copytree(IET3 / src, node)
        (node / "etc/ha.d/authkeys").chmod(0o600)
        net = node / "etc/sysconfig/network"
        net.write_text(net.read_text().replace("HOSTNAME=san2", f"HOSTNAME={name}"))
        hacf = node / "etc/ha.d/ha.cf"
        hacf.write_text(hacf.read_text().replace("node san2\n", "node san2\nnode san3\n"))
        cib = node / "var/lib/heartbeat/crm/cib.xml"
        cib.write_text(
            cib.read_text().replace(
                'uname="san2" type="normal"/>',
                'uname="san2" type="normal"/>\n      <node id="5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c13" '
                'uname="san3" type="normal"/>',
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
