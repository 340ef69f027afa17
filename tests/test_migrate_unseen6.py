"""``xencfg migrate`` on the whole-site trees of tests/fixtures/unseen6 and unseen5
(written for lint in sessions 25-26, not migrated before): CentOS 6 cman + fence_pcmk +
pcs 0.9, CentOS 7 pcs + corosync 2, Ubuntu 16.04 corosync 2.3.5 + crmsh + OCFS2 on
pcmk, Debian lenny openais 0.80 + Pacemaker 1.0, four xl dom0s on an LIO ALUA pair
with a qdevice, SLES 10 SP2 heartbeat 2.1.3 + EVMS + OCFS2. Each output is judged by
the tool that reads it: corosync 3.1's ``corosync -t``, Pacemaker 2.1's crm_verify,
drbdadm's 8.4 and 9 parsers, Xen 4.17's ``xl create -n`` (peer-xl), rtslib-fb on
saveconfig.json, ``multipath -t``, and ``xencfg lint`` on the node trees as they are
after the cut-over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import xencfg
from test_migrate_daemons import _crm_errors
from test_migrate_unseen4 import (
    check_corosync,
    check_drbd,
    check_outputs,
    lint_errors,
    migrate_trees,
)
from test_migrate_unseen4 import cib_text as _cib
from xencfg import migrate

FIXTURES = Path(__file__).parent / "fixtures"
TREES = {
    p.name: p
    for sub in ("unseen6", "unseen5")
    for p in sorted((FIXTURES / sub).iterdir())
    if p.is_dir()
}
LENNY = "lenny-openais080-pcmk10-drbd80-xentools"
CENTOS6 = "centos6-cman-fencepcmk-pcs09-drbd84-clvm-gfs2-xm"
CENTOS7 = "centos7-xen4centos-pcs09-corosync2-drbd84-elrepo-xl"
XENIAL = "xenial-corosync235-pcmk114-crmsh-drbd84-ocfs2pcmk-xl"
SLES10 = "sles10sp2-hb213-evms-ocfs2-sshfence"
#: today's stack already (corosync 3, Pacemaker 2, DRBD 9, xl, LIO): nothing to migrate
LIO = "lio-alua-pcmk20-drbd9-four-xl-dom0s-qdevice"
OLD = {n: t for n, t in TREES.items() if n != LIO}
#: every secret the trees hold (fencing passwords; the keys are files, never shown)
SECRETS = ("q8Vr2mXk", "Lw4nT9zp", "Nh4pYq9wXs2e")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[migrate.Migration, Path]]:
    """Each tree of an old stack migrated once, its nodes after the cut-over on disk."""
    return migrate_trees(OLD, tmp_path_factory)


@pytest.mark.peer
@pytest.mark.parametrize("name", OLD)
def test_every_output_is_read_by_its_daemon(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """corosync -t (corosync 3.1.7) on each member's corosync.conf, its key beside it, in
    a network namespace that owns the node's ring0 address (conftest.corosync_test);
    crm_verify -V (Pacemaker 2.1.5) on the CIB; ``xl create -n`` (peer-xl, Xen 4.17) on
    each converted domU config and under each written xl.conf, multipath -t on each
    rewritten multipath.conf. None refuses anything."""
    m, base = migrated[name]
    check_corosync(m, base, tmp_path)
    path = tmp_path / "cib.xml"
    path.write_text(_cib(m))
    assert _crm_errors(path) == set()
    check_outputs(m, base)


@pytest.mark.peer
@pytest.mark.parametrize(
    ("name", "target"),
    [(n, "9") for n in TREES if "drbd84" in n] + [(LENNY, "8.4"), (LENNY, "9")],
)
def test_drbdadm_reads_each_drbd_conf_after_the_migration(
    name: str, target: str, tmp_path: Path
) -> None:
    """drbdadm (8.4 parser, or 9's) reads each node's drbd.conf as the migration leaves
    it, with the resources, hosts, minors, disks and addresses drbdadm-84 read before."""
    assert check_drbd(TREES[name], target, tmp_path)


@pytest.mark.parametrize("name", OLD)
def test_lint_finds_no_error_and_the_report_no_password(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """``xencfg lint`` on the nodes after the cut-over: no error; the fencing passwords
    of the CIBs are masked in the report, Markdown and JSON."""
    m, base = migrated[name]
    assert lint_errors(base) == []
    report = m.report_markdown() + m.report_json()
    assert not [s for s in SECRETS if s in report]


def test_a_site_of_todays_stack_has_nothing_to_migrate() -> None:
    """Two clusters of today's stack given together (the LIO pair, cluster_name storage,
    and four xl dom0s, xenfarm): the report had one TODO, "the nodes' CIBs differ: the
    newest is converted", though no CIB was converted and the copies are two clusters'.
    Now the copies are compared only where a stack is migrated, and migrate says there
    is nothing to do, naming corosync 1/2 and cman among what it looks for."""
    from test_migrate_unseen4 import _roots

    with pytest.raises(xencfg.XencfgError, match=r"corosync 1 or 2 file.*nothing to migrate"):
        migrate.plan(_roots(TREES[LIO]))


def test_the_old_ide_blacklist_regex_is_written_as_meant(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """SLES 10's multipath.conf blacklists ``devnode "^hd[a-z][[0-9]*]"`` (the old
    example: ``[[0-9]`` is one bracket expression, the last ``]`` a literal, so it
    blacklisted nothing). It was carried as it was, and lint on the migrated tree called
    it an error (MP001). Now it is ``^hd[a-z][0-9]*`` with a line saying why."""
    m, base = migrated[SLES10]
    for node in ("vmhost1", "vmhost2", "vmhost3"):
        text = (base / node / "etc/multipath.conf").read_text()
        assert 'devnode "^hd[a-z][0-9]*"' in text and "[[0-9]" not in text
    said = [n for n in m.notes if "'^hd[a-z][[0-9]*]' is '^hd[a-z][0-9]*'" in n.what]
    assert len(said) == 3 and {n.kind for n in said} == {"rewrite"}


def test_a_gfs2_mount_without_a_dlm_resource_is_a_todo(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """The CentOS 6 pcs CIB mounts GFS2 (p_fs_images) with no ocf:pacemaker:controld:
    cman's init script started dlm_controld itself. The converted CIB, as before, and
    the report said nothing, though on corosync 3 no DLM runs and the mount fails. Now
    a TODO names the file system and the clone to add."""
    m, _ = migrated[CENTOS6]
    todo = [n for n in m.notes if n.what.startswith("no DLM for")]
    assert [(n.kind, n.what) for n in todo] == [
        ("manual", "no DLM for p_fs_images: no ocf:pacemaker:controld in the CIB")
    ]
    # (xenial's CIB has its controld clone: no such line)
    assert not [n for n in migrated[XENIAL][0].notes if n.what.startswith("no DLM for")]


def test_the_report_names_the_stack_the_cluster_ran(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """corosync 2 (CentOS 7, Ubuntu 16.04) and cman (CentOS 6) reports said "Pacemaker's
    plugin gave a lone node of two no quorum" and, for an unset token, "corosync 1
    declared a token lost after 1000 ms": neither plugin nor corosync 1 ran there. Now the
    lines say what did (corosync.conf(5) of 2.4: token "The default is 1000
    milliseconds", as 1.4's)."""
    for name in (CENTOS6, CENTOS7, XENIAL):
        m, _ = migrated[name]
        assert "Pacemaker's plugin" not in m.report_markdown(), name
    assert any(
        "corosync 1 and 2 declared a token lost after 1000 ms" in t
        for t in migrated[CENTOS7][0].timing
    )
    ignore = [n for n in migrated[XENIAL][0].notes if n.what == "no-quorum-policy=ignore kept"]
    assert ignore and "votequorum's two_node did so already" in ignore[0].why


def test_pacemaker_1_0_is_refused_for_a_pcs_cib_with_the_target_to_ask_for() -> None:
    """``--to pacemaker=1.0`` on the CentOS 6 cman + pcs cluster: its CIB
    (pacemaker-2.10) is not put in the 1.0 form, and the TODO told the admin to "fix the
    CIB (crm.dtd of heartbeat 2)", which is not what is wrong. It now says to ask for
    current or a 2.x release."""
    from test_migrate_unseen4 import _roots

    m = migrate.plan(_roots(TREES[CENTOS6]), only=("stack",), pacemaker_target="1.0")
    assert not [o for o in m.outputs if o.path == "cib.xml"]
    todo = [n for n in m.notes if n.what.startswith("the CIB is not converted")]
    assert len(todo) == 1 and "--to pacemaker=current" in todo[0].why
    assert "crm.dtd" not in todo[0].why


#: each node's network configuration in three distributions' files: eth1 (the
#: replication link) 10.0.0.x, eth0 192.168.10.x (Red Hat and SUSE: on a Xen bridge)
NETWORK = {
    "debian": {
        "etc/network/interfaces": "auto lo\niface lo inet loopback\n\nauto eth0\n"
        "iface eth0 inet static\n\taddress 192.168.10.{i}/24\n\nauto eth1\n"
        "iface eth1 inet static\n\taddress 10.0.0.{i}\n\tnetmask 255.255.255.0\n",
    },
    "redhat": {
        "etc/sysconfig/network-scripts/ifcfg-eth0": "DEVICE=eth0\nBRIDGE=xenbr0\n",
        "etc/sysconfig/network-scripts/ifcfg-xenbr0": "DEVICE=xenbr0\nTYPE=Bridge\n"
        "BOOTPROTO=static\nIPADDR=192.168.10.{i}\nNETMASK=255.255.255.0\n",
        "etc/sysconfig/network-scripts/ifcfg-eth1": "DEVICE=eth1\nIPADDR=10.0.0.{i}\n",
    },
    "suse": {
        "etc/sysconfig/network/ifcfg-br0": "BOOTPROTO='static'\nBRIDGE='yes'\n"
        "BRIDGE_PORTS='eth0'\nIPADDR='192.168.10.{i}/24'\n",
        "etc/sysconfig/network/ifcfg-eth1": "BOOTPROTO='static'\nIPADDR_0='10.0.0.{i}/24'\n",
    },
}


@pytest.mark.peer
@pytest.mark.parametrize("flavour", NETWORK)
def test_bcast_paths_take_each_nodes_interface_address(flavour: str, tmp_path: Path) -> None:
    """ha.cf ``bcast eth1 eth0`` names interfaces, no address. The ring addresses came
    from /etc/hosts only: link 0 (eth1) got each node's address on eth0's network, and
    the eth0 path was dropped ("no address of alpha, beta on it is known"). Now each
    node's /etc/network/interfaces or ifcfg-* gives its address on each interface (a
    bridge's for its port), the report names the file, and corosync -t takes the
    files."""
    ring = bcast_site(tmp_path, NETWORK[flavour])
    assert all(n.source.endswith("'s address)") and "network" in n.source for n in ring)


def bcast_site(tmp_path: Path, files: dict[str, str]) -> list[Any]:
    """examples/two-node with ha.cf's paths ``bcast eth1 eth0`` and each node's network
    ``files`` (``{i}``: 11 for alpha, 12 for beta), migrated (stack): each node's eth1
    and eth0 addresses are its ring addresses, corosync -t takes the files; the
    report's four ring address lines."""
    import shutil

    from test_migrate_unseen4 import _merged

    example = Path(__file__).parents[1] / "examples/two-node"
    roots = []
    for i, node in ((11, "alpha"), (12, "beta")):
        root = tmp_path / "in" / node
        shutil.copytree(example / node, root)
        (root / "etc/ha.d/authkeys").chmod(0o600)
        hacf = root / "etc/ha.d/ha.cf"
        text = hacf.read_text().replace("bcast\t\teth0", "bcast eth1 eth0")
        hacf.write_text("".join(ln for ln in text.splitlines(True) if "ucast" not in ln))
        for rel, body in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(body.format(i=i))
        roots.append(str(root))
    m = migrate.plan(roots, only=("stack",))
    assert [mb.addrs for mb in m.members] == [
        {0: "10.0.0.11", 1: "192.168.10.11"},
        {0: "10.0.0.12", 1: "192.168.10.12"},
    ]
    ring = [n for n in m.notes if n.target.endswith(("_addr of alpha", "_addr of beta"))]
    assert len(ring) == 4 and {n.kind for n in ring} == {"rewrite"}
    assert not [n for n in m.notes if "is not carried" in n.what]
    base = tmp_path / "out"
    _merged(m, roots, base)
    check_corosync(m, base, tmp_path)
    return ring


RGMANAGER = FIXTURES / "migunseen5" / "rhel5-cman-rgmanager-apps-xm"


def _transition(cib: Path, tmp_path: Path, *inject: str) -> str:
    """crm_simulate's transition summary for ``cib`` with rga, rgb and rgc up (quorum),
    after the ``inject``ed operation results, one at a time (each on the state the
    previous one left)."""
    import shutil
    import subprocess

    from conftest import unavailable

    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")
    state = tmp_path / "state0.xml"
    up = [a for n in ("rga", "rgb", "rgc") for a in ("--node-up", n)]
    run = [exe, "--quorum", "true", "-S"]
    subprocess.run([*run, "-x", str(cib), *up, "-O", str(state)], capture_output=True, timeout=120)
    said = ""
    for i, op in enumerate(inject, 1):
        out = tmp_path / f"state{i}.xml"
        p = subprocess.run(
            [*run, "-x", str(state), "-i", op, "-O", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        said, state = p.stdout.split("Transition Summary:")[-1].split("Executing")[0], out
    return said


def _rgmanager(tmp_path: Path, recovery: str) -> tuple[migrate.Migration, Path]:
    """The RHEL 5 rgmanager cluster with service shared's recovery set to ``recovery``,
    migrated (stack only); its cib.xml on disk."""
    import shutil

    roots = []
    for node in ("rga", "rgb", "rgc"):
        shutil.copytree(RGMANAGER / node, tmp_path / node)
        conf = tmp_path / node / "etc/cluster/cluster.conf"
        conf.write_text(conf.read_text().replace('recovery="disable"', f'recovery="{recovery}"'))
        roots.append(str(tmp_path / node))
    m = migrate.plan(roots, only=("stack",))
    path = tmp_path / "cib.xml"
    path.write_text(_cib(m))
    return m, path


@pytest.mark.peer
@pytest.mark.parametrize("recovery", ["disable", "restart-disable"])
def test_recovery_disable_stops_the_service_where_it_failed(recovery: str, tmp_path: Path) -> None:
    """rgmanager(8) recovery: ``disable`` stops a failed service and starts it nowhere;
    ``restart-disable`` restarts it in place and disables it when that restart fails.
    Both were a TODO, so the CIB moved the service (Pacemaker's default). Now disable is
    monitor on-fail=stop, restart-disable start on-fail=stop. crm_simulate (Pacemaker
    2.1.5): a failed monitor of service shared's file system on rgb stops it there
    (disable) or recovers it in place (restart-disable), whose failed start then stops
    it; it never starts on another node."""
    m, cib = _rgmanager(tmp_path, recovery)
    assert _crm_errors(cib) == set()
    said = [n for n in m.notes if n.what.startswith(f"shared: recovery={recovery}")]
    assert [n.kind for n in said] == ["rewrite"]
    monitor = "clusterfs-shared_monitor_60000@rgb=7"
    first = _transition(cib, tmp_path, monitor)
    if recovery == "disable":
        assert "Stop       clusterfs-shared" in first and "(   rgb )" in first, first
    else:
        assert "Recover    clusterfs-shared     (   rgb )" in first, first
        first = _transition(cib, tmp_path, monitor, "clusterfs-shared_start_0@rgb=1")
        assert "Stop       clusterfs-shared" in first, first
    assert "Move" not in first and "Start      clusterfs-shared" not in first, first


def test_a_pause_migrating_vm_migrates_live() -> None:
    """``<vm migrate="pause">`` (rgmanager's vm.sh xm_migrate: ``xm migrate`` without
    ``-l``) was a TODO, and the guest was stopped and started on a move. xl migrates
    live only: it is allow-migrate=true, so the guest still moves without a restart."""
    from test_migrate_unseen4 import _roots

    m = migrate.plan(_roots(RGMANAGER), only=("stack",))
    said = [n for n in m.notes if n.what.startswith("vm legacy: migrate=pause")]
    assert [(n.kind, n.what) for n in said] == [
        ("rewrite", "vm legacy: migrate=pause -> allow-migrate=true")
    ]
    assert 'id="vm-legacy-allow-migrate" name="allow-migrate" value="true"' in _cib(m)


def test_a_nested_independent_subtree_at_the_groups_end_is_carried() -> None:
    """A child of a child with ``__independent_subtree`` was always a TODO. One whose
    resources end the service's group restarts alone there (a member's failure
    restarts the members after it: none), so it is carried: "1" as is, "2" with
    on-fail=stop, ``__max_restarts`` as its migration-threshold; one with members after
    it was a TODO and is now a group of its own (test_migrate_unseen7)."""
    from lxml import etree

    from xencfg.stack import rgmanager

    root = etree.fromstring(
        b'<cluster><rm><service name="s">'
        b'<fs name="d" device="/dev/x" mountpoint="/d" fstype="ext3">'
        b'<script name="a" file="/etc/init.d/a" __independent_subtree="2" __max_restarts="2"/>'
        b"</fs></service>"
        b'<service name="t"><fs name="e" device="/dev/y" mountpoint="/e" fstype="ext3">'
        b'<script name="b" file="/etc/init.d/b" __independent_subtree="1"/></fs>'
        b'<script name="c" file="/etc/init.d/c"/></service></rm></cluster>'
    )
    cib = rgmanager.CibBuilder("cluster.conf", [])
    rgmanager.services(cib, root, ["n1", "n2"])
    a = cib.resources.find(".//primitive[@id='script-a']")
    assert [op.get("on-fail") for op in a.iter("op")] == ["stop"]
    meta = {nv.get("name"): nv.get("value") for nv in a.iterfind("meta_attributes/nvpair")}
    assert meta == {"migration-threshold": "3"}
    said = {n.what: n.kind for n in cib.notes if "__independent_subtree" in n.what}
    assert said == {
        "<script __independent_subtree='2'> (script-a) nested, last in group s: monitor "
        "on-fail=stop, migration-threshold=3": "rewrite",
        "<script b> __independent_subtree=1 -> group t-script-b with t, after fs-e, before "
        "script-c (optional order)": "rewrite",
    }


def test_sysconfig_cman_settings_are_report_lines(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """/etc/sysconfig/cman's ``CMAN_QUORUM_TIMEOUT=0`` (RHEL 6's cman init script: do
    not wait for quorum at start) went without a word; nothing reads it once cman is
    gone, and two_node's wait_for_all now holds the first start: a dropped line says so,
    once for the two nodes' same setting."""
    m, _ = migrated[CENTOS6]
    said = [n for n in m.notes if n.what.startswith("CMAN_")]
    assert [(n.kind, n.what) for n in said] == [("dropped", "CMAN_QUORUM_TIMEOUT=0")]
    assert said[0].source.endswith("oak1/etc/sysconfig/cman:2")
    assert "wait_for_all" in said[0].why


@pytest.mark.peer
@pytest.mark.parametrize("name", OLD)
@pytest.mark.parametrize(("release", "schema"), [("2.0", "3.1"), ("2.1", "3.7")])
def test_a_pacemaker_release_gets_a_cib_it_validates(
    name: str, release: str, schema: str, tmp_path: Path
) -> None:
    """``--to pacemaker=2.0`` / ``2.1``: validate-with names the newest schema the
    release knows and crm_verify (it validates against that schema) finds no error."""
    from test_migrate_unseen4 import _roots

    m = migrate.plan(_roots(TREES[name]), only=("stack",), pacemaker_target=release)
    text = _cib(m)
    assert f'validate-with="pacemaker-{schema}"' in text
    path = tmp_path / "cib.xml"
    path.write_text(text)
    assert _crm_errors(path) == set()


@pytest.mark.peer
def test_a_second_ring_no_hosts_line_names_takes_the_interface_address(tmp_path: Path) -> None:
    """The lenny pair's ring 1 (bindnetaddr 192.168.30.0) found its addresses only in
    /etc/hosts (lenny1-drbd, lenny2-drbd); without those lines the ring was not carried
    ("no address of lenny1, lenny2 on its network in /etc/hosts"), though each node's
    /etc/network/interfaces gives eth1 an address in it. Now that address is ring1_addr,
    the report names the file and line, and corosync -t takes the files."""
    import shutil

    from test_migrate_unseen4 import _merged

    roots = []
    for i, node in ((11, "lenny1"), (12, "lenny2")):
        root = tmp_path / "in" / node
        shutil.copytree(TREES[LENNY] / node, root)
        (root / "etc/ais/authkey").chmod(0o600)
        hosts = (root / "etc/hosts").read_text().splitlines(True)
        (root / "etc/hosts").write_text("".join(ln for ln in hosts if "-drbd" not in ln))
        (root / "etc/network").mkdir()
        (root / "etc/network/interfaces").write_text(
            f"auto eth1\niface eth1 inet static\n    address 192.168.30.{i}/24\n"
        )
        roots.append(str(root))
    m = migrate.plan(roots, only=("stack",))
    assert [mb.addrs[1] for mb in m.members] == ["192.168.30.11", "192.168.30.12"]
    ring1 = [n for n in m.notes if n.target.startswith("corosync.conf ring1_addr of")]
    assert len(ring1) == 2
    assert all("etc/network/interfaces:3 (eth1's address" in n.source for n in ring1)
    base = tmp_path / "out"
    _merged(m, roots, base)
    check_corosync(m, base, tmp_path)


@pytest.mark.peer
def test_ucast_targets_no_hosts_line_names_are_placed_by_the_interface_files(
    tmp_path: Path,
) -> None:
    """The CentOS 5 heartbeat 1 trio (tests/fixtures/migunseen5) sends ``ucast eth1
    10.0.1.1x`` and ``ucast eth2 10.0.2.1x`` to addresses no /etc/hosts line names: each
    was a TODO ("belongs to no member"), ring0 fell back to the LAN address of the
    node's name and the eth2 path was lost. With each node's ifcfg-eth1 and ifcfg-eth2
    (IPADDR) the addresses are the nodes' own: both paths are links, no TODO, and
    corosync -t takes the files."""
    import shutil

    from test_migrate_unseen4 import _merged, _roots

    tree = FIXTURES / "migunseen5" / "centos5-hb1-three-ucast-drbd83v6-xm-iet"
    roots = []
    for root in _roots(tree):
        node = Path(root).name
        shutil.copytree(root, tmp_path / "in" / node)
        roots.append(str(tmp_path / "in" / node))
        for key in (tmp_path / "in" / node).glob("etc/ha.d/authkeys"):
            key.chmod(0o600)
        i = {"xena": 11, "xenb": 12, "xenc": 13}.get(node)
        scripts = tmp_path / "in" / node / "etc/sysconfig/network-scripts"
        scripts.mkdir(parents=True, exist_ok=True)
        for dev, net in (("eth1", 1), ("eth2", 2)) if i else ():
            (scripts / f"ifcfg-{dev}").write_text(
                f"DEVICE={dev}\nBOOTPROTO=static\nIPADDR=10.0.{net}.{i}\nNETMASK=255.255.255.0\n"
            )
    m = migrate.plan(roots, only=("stack",))
    assert [mb.addrs for mb in m.members] == [
        {0: f"10.0.1.{i}", 1: f"10.0.2.{i}"} for i in (11, 12, 13)
    ]
    assert not [n for n in m.notes if "belongs to no member" in n.what or "path on" in n.what]
    base = tmp_path / "out"
    _merged(m, roots, base)
    check_corosync(m, base, tmp_path)
