"""``xencfg migrate`` on the trees of tests/fixtures/migunseen5 (written for session 26, in
shapes migrate had not seen): a CentOS 5 heartbeat 1 (v1 mode, haresources) cluster of
three dom0s with ``ucast`` per interface, ``ping_group``, upper-case node names, a bare
``drbddisk``, DRBD 8.3 over IPv6 with ``verify-alg``/``csums-alg``, xm domUs with a VNC
password (``vfb`` and HVM), ``pci`` passthrough, pygrub and ``device_model``, and an IET
box with mutual CHAP; a RHEL 5 cman + rgmanager cluster of three with application
resources (nfsexport/nfsclient, netfs, clusterfs, scripts with
``__independent_subtree``, recovery relocate/restart/disable, ordered/restricted/
nofailback failover domains, vm migrate live/pause). Each output is judged by the
tool that reads it: corosync 3.1's ``corosync -t``, Pacemaker 2.1's crm_verify,
drbdadm's 8.4 and 9 parsers, Xen 4.17's ``xl create -n`` (peer-xl), rtslib-fb on
saveconfig.json, and ``xencfg lint`` on the node trees as they are after the cut-over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from test_migrate_daemons import _crm_errors
from test_migrate_unseen4 import (
    _lint,
    _merged,
    _roots,
    check_corosync,
    check_drbd,
    check_outputs,
    migrate_trees,
)
from xencfg import migrate

FIXTURES = Path(__file__).parent / "fixtures" / "migunseen5"
TREES = {p.name: p for p in sorted(FIXTURES.iterdir()) if p.is_dir()}
#: every secret the trees hold (VNC passwords, CHAP, DRBD's shared-secret, IPMI, authkeys)
SECRETS = (
    "W3bVncPw",
    "W1nVncPw",
    "Xend0vncPw",
    "DbC0nsolePw",
    "LegacyVncPw",
    "D1scoverPw99",
    "Xenh0stCHAPpw",
    "St0reMutualPw",
    "dR6dSecr3t",
    "IpmiRgaPw",
    "IpmiRgbPw",
    "IpmiRgcPw",
    "Ohx7aeQu4ieDoo9t",
)
HB1 = "centos5-hb1-three-ucast-drbd83v6-xm-iet"
CMAN = "rhel5-cman-rgmanager-apps-xm"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[migrate.Migration, Path]]:
    """Each tree migrated once (DRBD to 8.4, the default), its nodes after the cut-over
    on disk."""
    return migrate_trees(TREES, tmp_path_factory)


def _cib(m: migrate.Migration) -> str:
    return next(o for o in m.outputs if o.path == "cib.xml").data.decode()


@pytest.mark.peer
@pytest.mark.parametrize("name", TREES)
def test_corosync_accepts_every_written_corosync_conf(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """corosync -t (corosync 3.1.7) on each member's file, its key beside it, in a
    network namespace that owns the node's ring0 address (conftest.corosync_test)."""
    m, base = migrated[name]
    check_corosync(m, base, tmp_path)


@pytest.mark.peer
@pytest.mark.parametrize("name", TREES)
def test_crm_verify_accepts_the_cib(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """crm_verify -V (Pacemaker 2.1.5) finds no error in the written CIB."""
    m, _ = migrated[name]
    path = tmp_path / "cib.xml"
    path.write_text(_cib(m))
    assert _crm_errors(path) == set()


@pytest.mark.peer
@pytest.mark.parametrize("name", TREES)
def test_each_written_domu_and_lio_file_is_read_by_its_tool(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """``xl create -n`` (peer-xl, Xen 4.17) on each converted xm domU config (and under
    each written xl.conf), rtslib-fb on each saveconfig.json."""
    m, base = migrated[name]
    assert check_outputs(m, base)


@pytest.mark.peer
@pytest.mark.parametrize("target", ["8.4", "9"])
def test_drbdadm_reads_the_ipv6_drbd_conf_after_the_migration(target: str, tmp_path: Path) -> None:
    """drbdadm (8.4 parser, or 9's) reads each DRBD node's drbd.conf as the migration
    leaves it, with the resources, hosts, minors, disks and IPv6 addresses drbdadm-84
    read in the original."""
    facts = check_drbd(TREES[HB1], target, tmp_path)
    assert len(facts) == 2
    assert all(("ipv6", "fd00:10::11", "7788") in {f[-1] for f in node} for node in facts)


@pytest.mark.parametrize("name", TREES)
def test_lint_finds_no_error_in_the_migrated_trees(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """``xencfg lint`` on the nodes after the cut-over: no error."""
    _, base = migrated[name]
    found = _lint(sorted(p for p in base.iterdir() if p.is_dir()))
    assert not [f for f in found if f["severity"] == "error"], found


@pytest.mark.parametrize("name", TREES)
def test_no_secret_of_the_trees_is_in_the_report(
    name: str, migrated: dict[str, tuple[migrate.Migration, Path]]
) -> None:
    """Every password the trees hold (VNC, CHAP, DRBD's shared-secret, fencing, authkeys)
    is masked in the report, in Markdown and JSON alike."""
    m, _ = migrated[name]
    report = m.report_markdown() + m.report_json()
    for secret in SECRETS:
        assert secret not in report


def test_xend_vncpasswd_goes_to_each_vnc_console_without_its_own(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """xend used xend-config.sxp's ``vncpasswd`` for a VNC console whose config names
    none (xen-project/xen tools/python/xen/xend/image.py: no vncpasswd in the config ->
    XendOptions get_vncpasswd_default()); xl has no global default, so before, mail's
    console came up without a password. Now mail's vfb carries xend's; web and win2k3
    keep their own; the report says so without the password."""
    m, base = migrated[HB1]
    text = {p: (base / "xena/etc/xen" / p).read_text() for p in ("mail", "web", "win2k3")}
    assert 'vfb = [ "vnc=1,vncunused=1,vncpasswd=Xend0vncPw" ]' in text["mail"]
    assert "Xend0vncPw" not in text["web"] + text["win2k3"]
    assert "vncpasswd=W3bVncPw" in text["web"] and "vncpasswd = 'W1nVncPw'" in text["win2k3"]
    lines = [n for n in m.notes if n.source.endswith("xena/etc/xen/mail:6")]
    assert [n.what for n in lines if "xend-config.sxp's vncpasswd" in n.what]
    xend = [n for n in m.notes if n.source.endswith("xena/etc/xen/xend-config.sxp:13")]
    assert xend and xend[0].kind == "rewrite" and "not carried" not in xend[0].what
    # mail held no secret (0644, as git checks it out); with xend's password it is the
    # owner's only; web's own password was already in a file of that mode: kept
    mode = {o.path: o.mode for o in m.outputs if o.node == "xena"}
    assert mode["etc/xen/mail"] & 0o777 == 0o600
    web = TREES[HB1] / "xena/etc/xen/web"
    assert mode["etc/xen/web"] & 0o777 == web.stat().st_mode & 0o777


def test_xend_vncpasswd_for_an_hvm_console() -> None:
    """An HVM domU with ``vnc = 1`` and no (or an empty) vncpasswd gets xend's (image.py:
    ``if not vncpasswd: vncpasswd = get_vncpasswd_default()``); its own, or vnc off, gets
    none."""
    from xencfg.migrations.xen import xm_to_xl

    def xl(src: str) -> str:
        return xm_to_xl(xencfg.loads(src, "xm"), "XendPw").text

    assert 'vncpasswd = "XendPw"' in xl('name = "h"\nbuilder = "hvm"\nvnc = 1\n')
    assert "XendPw" not in xl('name = "h"\nbuilder = "hvm"\nvnc = 1\nvncpasswd = "own"\n')
    assert "XendPw" not in xl('name = "h"\nbuilder = "hvm"\nvnc = 0\n')
    # (an empty one: image.py 'if not vncpasswd' took xend's for HVM; a vfb's
    # has_key('vncpasswd') kept it empty, no password)
    assert 'vncpasswd = "XendPw"' in xl('name = "h"\nbuilder = "hvm"\nvnc = 1\nvncpasswd = ""\n')
    assert "XendPw" not in xl("name = \"p\"\nvfb = [ 'vnc=1,vncpasswd=' ]\n")
    assert "XendPw" not in xl("name = \"p\"\nvfb = [ 'type=sdl' ]\n")


def test_rgmanager_independent_subtrees_are_groups_of_their_own(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """``__independent_subtree`` (RHEL 5.6 Cluster Administration, appendix D "Failure
    Recovery and Independent Subtrees") went without a word before: the script stayed a
    member of the service's group, whose failure restarts the members after it too. Now
    a direct child of a service is a group of its own with and after the service's,
    ``__max_restarts``/``__restart_expire_time`` its migration-threshold and
    failure-timeout, a non-critical one ("2") on-fail=stop; ``__enforce_timeouts`` is a
    report line. A nested one with members after it (nfs's nfsclient, before its ip) was
    a TODO: it is a group of its own now too (test_migrate_unseen7 runs crm_simulate on
    it)."""
    from lxml import etree

    m, _ = migrated[CMAN]
    cib = etree.fromstring(_cib(m).encode())
    app = cib.find(".//group[@id='app']")
    assert [p.get("id") for p in app.iter("primitive")] == [
        "netfs-media",
        "ip-10.20.0.61",
        "script-tomcat",
    ]
    rep = cib.find(".//group[@id='app-script-reporter']")
    meta = {nv.get("name"): nv.get("value") for nv in rep.iterfind("meta_attributes/nvpair")}
    assert meta == {"migration-threshold": "3", "failure-timeout": "600s"}
    stats = cib.find(".//group[@id='app-script-stats']")
    assert [op.get("on-fail") for op in stats.iter("op")] == ["stop"]
    for sub in ("app-script-reporter", "app-script-stats"):
        assert cib.find(f".//rsc_colocation[@rsc='{sub}'][@with-rsc='app']") is not None
        assert cib.find(f".//rsc_order[@first='app'][@then='{sub}']") is not None
    said = {(n.kind, n.what.split(")")[0]) for n in m.notes if "__" in n.what}
    assert ("dropped", "<fs __enforce_timeouts='1'> (fs-exportfs") in said
    assert ("rewrite", "<nfsclient lan> __independent_subtree=1 -> group nfs-nfsclient-lan") in {
        (n.kind, n.what.split(" with ")[0]) for n in m.notes
    }


def test_a_bare_drbddisk_becomes_a_master_slave_per_drbd_resource(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """heartbeat's resource.d/drbddisk without an argument runs ``drbdadm primary all``.
    It stayed a ``heartbeat:drbddisk`` primitive (a class Pacemaker 2 cannot run: the
    group never started). Now each resource of the line's node's drbd.conf (r0) is a
    promotable ocf:linbit:drbd clone the group follows, kept off xenc, which has no
    disk for it."""
    from lxml import etree

    m, _ = migrated[HB1]
    cib = etree.fromstring(_cib(m).encode())
    assert not cib.findall(".//primitive[@class='heartbeat']")
    ms = cib.find(".//clone[@id='ms_drbd_r0']")
    assert ms is not None and ms.find("primitive").get("type") == "drbd"
    col = cib.find(".//rsc_colocation[@rsc='group_1'][@with-rsc='ms_drbd_r0']")
    assert col is not None and col.get("with-rsc-role") == "Promoted"
    assert cib.find(".//rsc_order[@first='ms_drbd_r0'][@then='group_1']") is not None
    off = cib.find(".//rsc_location[@rsc='ms_drbd_r0']/rule")
    assert off.get("score") == "-INFINITY"
    assert [e.get("value").lower() for e in off.iter("expression")] == ["xenc"]
    assert [n for n in m.notes if "bare drbddisk promotes" in n.what and "r0" in n.what]


def test_a_ring_address_off_the_ucast_path_is_a_todo(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """The same ha.cf on the three nodes: its ucast lines on eth1 go to 10.0.1.11-13,
    which no /etc/hosts name ties to a member, so ring0_addr falls back to the address
    of each node's name (192.168.1.x, eth0's LAN). The report called that a rewrite
    ("a bcast/mcast path names only an interface"), though heartbeat never sent on
    that network; now it is a TODO naming the path's addresses."""
    m, _ = migrated[HB1]
    ring = [n for n in m.notes if n.target.startswith("corosync.conf ring0_addr of ")]
    assert len(ring) == 3 and {n.kind for n in ring} == {"manual"}
    assert all("10.0.1.11, 10.0.1.12, 10.0.1.13" in n.why for n in ring)


@pytest.mark.peer
def test_upper_case_haresources_nodes_still_place_the_resources(
    migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """haresources names XENA, XENB, XENC; the nodelist (so Pacemaker's node names) says
    xena, xenb, xenc. The location rules keep the upper-case names: crm_simulate
    (Pacemaker 2.1.5) scores them on the lower-case nodes all the same (a #uname
    string comparison ignores case), so each line still prefers its node."""
    import shutil
    import subprocess

    exe = shutil.which("crm_simulate")
    if exe is None:
        pytest.skip("crm_simulate (pacemaker-cli-utils) is not installed")
    m, _ = migrated[HB1]
    nodes = "".join(f'<node id="{i}" uname="{n}"/>' for i, n in enumerate(("xena", "xenb", "xenc")))
    path = tmp_path / "cib.xml"
    path.write_text(_cib(m).replace("<nodes/>", f"<nodes>{nodes}</nodes>"))
    up = [a for n in ("xena", "xenb", "xenc") for a in ("--node-up", n)]
    p = subprocess.run(
        [exe, "-x", str(path), *up, "-s", "-S"], capture_output=True, text=True, timeout=120
    )
    scores = p.stdout
    assert "group_11 allocation score on xenb: 100" in scores, scores
    assert "Xen_9 allocation score on xenc: 100" in scores, scores


@pytest.mark.peer
@pytest.mark.parametrize("name", TREES)
@pytest.mark.parametrize(
    ("release", "schema"), [("2.0", "3.1"), ("2.0.5", "3.5"), ("2.1", "3.7"), ("2.1.5", "3.9")]
)
def test_a_pacemaker_release_gets_a_cib_in_a_schema_it_knows(
    name: str, release: str, schema: str, tmp_path: Path
) -> None:
    """``--to pacemaker=2.0``: the CIB was always pacemaker-3.9, which Pacemaker 2.0
    refuses (its newest schema is pacemaker-3.1: versions.py PACEMAKER_SCHEMA_SINCE).
    Now validate-with names the newest schema of the release, roles and promotable
    options by the names it reads before 2.1.0, and crm_verify (it validates against the
    schema validate-with names) finds no error; with only validate-with changed, the
    hb1 tree's Promoted roles fail pacemaker-3.1's schema."""
    roots = _roots(TREES[name])
    m = migrate.plan(roots, only=("stack",), pacemaker_target=release)
    text = _cib(m)
    assert f'validate-with="pacemaker-{schema}"' in text
    path = tmp_path / "cib.xml"
    path.write_text(text)
    assert _crm_errors(path) == set()
    if release in ("2.0", "2.0.5"):
        assert "Promoted" not in text and "promoted-max" not in text
        if name == HB1:
            current = _cib(migrate.plan(roots, only=("stack",)))
            assert "Promoted" in current
            path.write_text(current.replace("pacemaker-3.9", f"pacemaker-{schema}"))
            assert _crm_errors(path)  # (the Relax-NG errors of pacemaker-3.1)


@pytest.mark.parametrize("given", ["1.1.12", "0.6", "two"])
def test_a_pacemaker_target_before_2_0_or_no_release_is_refused(given: str) -> None:
    """Pacemaker 1.x gets ``--to pacemaker=1.0`` (the schema every 1.x reads): the
    message says so, rather than "choose from 1.0, current"."""
    with pytest.raises(xencfg.XencfgError, match=r"pacemaker=1\.0|a Pacemaker release"):
        migrate.plan(_roots(TREES[CMAN]), only=("stack",), pacemaker_target=given)


def test_an_address_acl_todo_names_the_chap_account_the_acl_needs(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """initiators.allow names the dom0s by address; LIO has no address ACL, so the
    target gets no ACL and a TODO per address. LIO checks a named initiator's CHAP
    login against its ACL's account, the TPG's only for generated ACLs (Linux
    iscsi_target_nego.c iscsi_handle_authentication, as lio.py's acls() notes): an ACL
    added as the TODO said, without the account, refused the login IET accepted. The
    TODO now names the account (not its password)."""
    m, _ = migrated[HB1]
    todo = [n for n in m.notes if "is an address: LIO ACLs" in n.what]
    assert len(todo) == 3
    assert all("set auth userid=xenhost" in n.what for n in todo)


def test_the_rm_elements_own_settings_are_report_lines(
    migrated: dict[str, tuple[migrate.Migration, Path]],
) -> None:
    """``<rm log_level="5">`` went without a word; now each of <rm>'s own attributes
    (rgmanager(8): log_level, log_facility, status_poll_interval, central_processing,
    ...) is a line saying where its job went."""
    m, _ = migrated[CMAN]
    said = [n for n in m.notes if n.what.startswith("<rm ")]
    assert [(n.kind, n.what) for n in said] == [("dropped", "<rm log_level='5'>")]
    assert "PCMK_debug" in said[0].why and said[0].source.endswith("cluster.conf:21")


def test_an_independent_subtree_that_siblings_need_starts_before_them() -> None:
    """rgmanager starts a service's children by type (fs 2 before script 9): an
    independent fs taken out and started after the group would start the script
    before its file system, so it stayed in the group with a TODO. Now it is a group
    of its own ordered before the script with an optional order (started first, but
    restarted alone), colocated with the service."""
    from lxml import etree

    from xencfg.stack import rgmanager

    root = etree.fromstring(
        b'<cluster><rm><service name="s">'
        b'<script name="a" file="/etc/init.d/a"/>'
        b'<fs name="d" device="/dev/x" mountpoint="/d" fstype="ext3" __independent_subtree="1"/>'
        b"</service></rm></cluster>"
    )
    cib = rgmanager.CibBuilder("cluster.conf", [])
    rgmanager.services(cib, root, ["n1", "n2"])
    assert [(el.tag, el.get("id")) for el in cib.resources] == [
        ("group", "s"),
        ("group", "s-fs-d"),
    ]
    assert [p.get("id") for p in cib.resources.iter("primitive")] == ["script-a", "fs-d"]
    order = cib.constraints.find("rsc_order[@first='s-fs-d']")
    assert (order.get("then"), order.get("kind")) == ("script-a", "Optional")
    assert cib.constraints.find("rsc_colocation[@rsc='s-fs-d'][@with-rsc='s']") is not None
    assert not [n for n in cib.notes if n.kind == "manual" and "independent" in n.what]


def test_cman_attributes_and_the_quorum_disk_are_report_lines(tmp_path: Path) -> None:
    """The same three nodes with a quorum disk: ``<cman expected_votes="5"
    transport="udpu">`` (3 nodes + the disk's 2 votes) went without a word; votequorum
    counts the nodelist (3), so each attribute is now a dropped line, the quorumd a
    TODO (corosync-qdevice)."""
    import shutil

    roots = []
    for node in ("rga", "rgb", "rgc"):
        shutil.copytree(TREES[CMAN] / node, tmp_path / node)
        conf = tmp_path / node / "etc/cluster/cluster.conf"
        conf.write_text(
            conf.read_text().replace(
                "<cman/>",
                '<cman expected_votes="5" transport="udpu"/>\n'
                '  <quorumd interval="1" tko="10" votes="2" label="appqdisk"/>',
            )
        )
        roots.append(str(tmp_path / node))
    m = migrate.plan(roots, only=("stack",))
    said = {n.what: n.kind for n in m.notes if n.what.startswith(("<cman", "quorumd"))}
    assert said == {
        '<cman expected_votes="5">': "dropped",
        '<cman transport="udpu">': "dropped",
        "quorumd (qdiskd's quorum disk) not carried": "manual",
    }


def _simulate(cib: str, pingd: dict[str, int], tmp_path: Path) -> str:
    """crm_simulate's allocation scores of ``cib`` with xena, xenb and xenc online,
    each with its ``pingd`` attribute (what ocf:pacemaker:ping's monitor sets)."""
    import shutil
    import subprocess

    exe = shutil.which("crm_simulate")
    if exe is None:
        pytest.skip("crm_simulate (pacemaker-cli-utils) is not installed")
    ids = {"xena": 1, "xenb": 2, "xenc": 3}
    nodes = "".join(f'<node id="{i}" uname="{n}"/>' for n, i in ids.items())
    state = "".join(
        f'<node_state id="{i}" uname="{n}" in_ccm="true" crmd="online" join="member" '
        f'expected="member"><transient_attributes id="{i}"><instance_attributes '
        f'id="status-{i}"><nvpair id="status-{i}-pingd" name="pingd" value="{pingd[n]}"/>'
        "</instance_attributes></transient_attributes></node_state>"
        for n, i in ids.items()
    )
    path = tmp_path / "cib.xml"
    path.write_text(
        cib.replace("<nodes/>", f"<nodes>{nodes}</nodes>").replace(
            "<status/>", f"<status>{state}</status>"
        )
    )
    p = subprocess.run([exe, "-x", str(path), "-s"], capture_output=True, text=True, timeout=120)
    return p.stdout


@pytest.mark.peer
def test_ipfail_and_the_ping_group_become_a_ping_clone_and_rules(
    migrated: dict[str, tuple[migrate.Migration, Path]], tmp_path: Path
) -> None:
    """ha.cf respawns ipfail with ``ping_group switches 192.168.1.252 192.168.1.253``:
    ipfail had the node that reached fewer ping nodes (a group counting as one, up while
    any member answers) give its resources away (heartbeat contrib/ipfail). Both lines
    were TODOs; now an ocf:pacemaker:ping clone pings the group and each haresources
    line gets +1000 where pingd > 0. crm_simulate (Pacemaker 2.1.5): with the group
    unreachable from xena, group_1 scores 100 there and 1000 on xenb (it moves); with
    every node reaching it, xena's preference (1100) wins as before."""
    m, _ = migrated[HB1]
    cib = _cib(m)
    assert 'type="ping"' in cib and 'value="192.168.1.252 192.168.1.253"' in cib
    lines = [n for n in m.notes if n.what.startswith(("ping_group", "respawn"))]
    assert len(lines) == 2 and {n.kind for n in lines} == {"rewrite"}
    lost = _simulate(cib, {"xena": 0, "xenb": 1000, "xenc": 1000}, tmp_path)
    assert "group_1 allocation score on xena: 100\n" in lost, lost
    assert "group_1 allocation score on xenb: 1000\n" in lost, lost
    fine = _simulate(cib, {"xena": 2000, "xenb": 2000, "xenc": 2000}, tmp_path)
    assert "group_1 allocation score on xena: 1100\n" in fine, fine
    assert "group_1 allocation score on xenb: 1000\n" in fine, fine


def test_ping_nodes_without_ipfail_stay_a_todo(tmp_path: Path) -> None:
    """Without ipfail heartbeat 1's ping nodes moved nothing: no clone is written, the
    ping_group line stays a TODO; with auto_failback off (stickiness INFINITY, which no
    rule outweighs) the clone is written but the lines stay TODOs saying so."""
    import shutil

    for case in ("no-ipfail", "failback-off"):
        roots = []
        for node in ("xena", "xenb", "xenc"):
            shutil.copytree(TREES[HB1] / node, tmp_path / case / node)
            hacf = tmp_path / case / node / "etc/ha.d/ha.cf"
            text = hacf.read_text()
            if case == "no-ipfail":
                text = text.replace("respawn hacluster /usr/lib64/heartbeat/ipfail\n", "")
            else:
                text = text.replace("auto_failback legacy", "auto_failback off")
            hacf.write_text(text)
            (tmp_path / case / node / "etc/ha.d/authkeys").chmod(0o600)
            roots.append(str(tmp_path / case / node))
        m = migrate.plan(roots, only=("stack",))
        ping = [n for n in m.notes if n.what.startswith("ping_group")]
        assert [n.kind for n in ping] == ["manual"]
        assert ('type="ping"' in _cib(m)) == (case == "failback-off")
        if case == "failback-off":
            assert "stickiness is INFINITY" in ping[0].why


@pytest.mark.peer
def test_a_clusternodes_votes_are_its_quorum_votes(tmp_path: Path) -> None:
    """``<clusternode name="rgc" votes="2">`` (a tie-breaker's weight) went without a
    word: every node had one vote under votequorum, so quorum changed. Now it is the
    node's ``quorum_votes`` (corosync.conf(5) nodelist), with a line; corosync -t takes
    the file."""
    import shutil

    roots = []
    for node in ("rga", "rgb", "rgc"):
        shutil.copytree(TREES[CMAN] / node, tmp_path / node)
        conf = tmp_path / node / "etc/cluster/cluster.conf"
        conf.write_text(conf.read_text().replace('nodeid="3" votes="1"', 'nodeid="3" votes="2"'))
        roots.append(str(tmp_path / node))
    m = migrate.plan(roots, only=("stack",))
    assert [n.what for n in m.notes if "quorum_votes" in n.target] == [
        '<clusternode name="rgc" votes="2"> -> quorum_votes: 2'
    ]
    base = tmp_path / "out"
    _merged(m, roots, base)
    doc = xencfg.load(str(base / "rgc/etc/corosync/corosync.conf"), "corosync")
    assert [n.get("quorum_votes") for n in doc.nodes] == [None, None, "2"]
    check_corosync(m, base, tmp_path)


@pytest.mark.peer
def test_plain_ping_nodes_with_ipfail_score_by_pingd(tmp_path: Path) -> None:
    """``ping`` lines (each its own ping node) with ipfail: the rules score ``pingd``
    itself (multiplier 1000 per node answering), so the node reaching more wins, as
    ipfail counted; crm_verify finds no error."""
    import shutil

    roots = []
    for node in ("xena", "xenb", "xenc"):
        shutil.copytree(TREES[HB1] / node, tmp_path / node)
        hacf = tmp_path / node / "etc/ha.d/ha.cf"
        hacf.write_text(hacf.read_text().replace("ping_group switches ", "ping "))
        (tmp_path / node / "etc/ha.d/authkeys").chmod(0o600)
        roots.append(str(tmp_path / node))
    m = migrate.plan(roots, only=("stack",))
    cib = _cib(m)
    assert cib.count('score-attribute="pingd"') == 3 and 'operation="gt"' not in cib
    path = tmp_path / "cib.xml"
    path.write_text(cib)
    assert _crm_errors(path) == set()
    lost = _simulate(cib, {"xena": 1000, "xenb": 2000, "xenc": 2000}, tmp_path)
    assert "group_1 allocation score on xena: 1100\n" in lost, lost
    assert "group_1 allocation score on xenb: 2000\n" in lost, lost
