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

from pathlib import Path

import pytest

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
