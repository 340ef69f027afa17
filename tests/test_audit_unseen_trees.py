"""Lint truth on whole clusters of shapes no earlier fixture had (the red-team audit of
session 18): each case under tests/fixtures/lint-trees/CASE/ is a ``good`` cluster, per
node, that the real daemons accept (checked with the peers in /work/shared/oracle/peers,
as each test says), which must lint with no error, and a ``bad`` copy with one mistake
admins make planted in it, which lint must name at its path:line:col."""

from __future__ import annotations

import json
from pathlib import Path

from test_audit_trees import TREES
from xencfg import lint
from xencfg.formats.schema import Version
from xencfg.lint import report


def _nodes(case: str, variant: str) -> list[str]:
    return [str(n) for n in sorted((TREES / case / variant).iterdir()) if n.is_dir()]


def _run(case: str, variant: str, **versions: str) -> lint.LintResult:
    declared = {k.replace("_", "-"): Version.parse(v) for k, v in versions.items()}
    return lint.run(_nodes(case, variant), versions=declared or None)


def _found(result: lint.LintResult) -> list[tuple[str, str, int, int, str]]:
    """(code, path below the case's variant folder, line, column, severity)."""
    out = []
    for f in result.findings:
        parts = Path(f.path).parts
        at = parts.index("lint-trees") + 3
        out.append((f.code, "/".join(parts[at:]), f.line, f.column, f.severity))
    return sorted(out)


def _no_crash(result: lint.LintResult) -> None:
    """No rule failed (XC006) and the JSON report renders."""
    assert not [f for f in result.findings if f.code == "XC006"]
    data = json.loads(report.render(result.findings, [], "json"))
    assert len(data["findings"]) == len(result.findings)


def test_rhel5_cman_three_dom0s_on_an_iet_box() -> None:
    """RHEL 5: cman/rgmanager on three dom0s (``<vm migrate="live">`` services), each
    an open-iscsi initiator with CHAP to one IET box and dm-multipath 0.4.7 aliases
    (``getuid_callout``, the WWIDs scsi_id reads for IET: ``1`` + ``IET`` + the ScsiId
    in hex), xm guests on ``phy:/dev/mapper/ALIAS``. peer-multipath takes the file
    ("ignoring deprecated option getuid_callout": 0.9.4 ignores what 0.4.7 needs),
    peer-xm-python the guests, peer-iscsiadm knows every node.* key. Declared
    multipath-tools 0.4.7: nothing to say. Undeclared: only XC004's advice on
    getuid_callout, as info (0.4.7 may be what runs). ``bad``: xen03's copy of the
    mail guest names ``vm_mial``."""
    case = "rhel5-cman-iscsi"
    assert _found(_run(case, "good", multipath_tools="0.4.7")) == []
    undeclared = _run(case, "good")
    _no_crash(undeclared)
    assert {(c, s) for c, _, _, _, s in _found(undeclared)} == {("XC004", "info")}
    bad = _found(_run(case, "bad", multipath_tools="0.4.7"))
    assert bad == [("XN006", "xen03/etc/xen/mail", 11, 1, "error")]
    (message,) = [f.message for f in _run(case, "bad", multipath_tools="0.4.7").findings]
    assert "'vm_mial' is not defined on xen03; did you mean 'vm_mail'?" in message


def test_sles10_heartbeat2_evms_ocfs2_three_nodes() -> None:
    """SLES 10 SP2: heartbeat 2.1.3 with ``crm yes`` on three nodes (etc/HOSTNAME with
    the FQDN, hbn3's bcast on eth2), an evmsd respawn, EvmsSCC, an OCFS2 Filesystem
    clone on an EVMS CSM volume over a multipathed EVA LUN, Xen guests with
    ``xmfile``. The CIB validates against heartbeat 2.1.3's crm.dtd (`xmllint
    --dtdvalid crm-2.1.3-devtree.dtd`), peer-heartbeat starts ha.cf (interfaces
    mapped to lo), peer-o2cb lists the cluster. No error; the warnings are XC004's
    advice on ``prio_callout`` (gone with multipath-tools 0.4.7 declared); no CB010
    (crm_config with dashes, clones with ``clone_max``: what heartbeat 2.1.3 reads, and
    the upgrade renames clone_max: tests/test_cib_hb2_verdicts.py).
    ``bad``: ``stonith-enabled=false`` on shared OCFS2."""
    case = "sles10-hb2-evms-ocfs2"
    good = _run(case, "good", multipath_tools="0.4.7")
    _no_crash(good)
    assert {(c, s) for c, _, _, _, s in _found(good)} == {("CB014", "info")}
    bad = [f for f in _found(_run(case, "bad", multipath_tools="0.4.7")) if f[4] == "error"]
    assert bad == [("CB006", "hbn1/var/lib/heartbeat/crm/cib.xml", 7, 11, "error")]


def test_heartbeat1_drbd83_pair_with_crlf_and_quotes() -> None:
    """A heartbeat 1 pair (haresources, ipfail and dopd respawned, serial + ucast +
    bcast) on DRBD 8.3 with quoted names (``resource "vm_mail"``, ``on "castor"``),
    comments after braces and statements, two statements on a line, resource-level
    device/disk; pollux's drbd.conf and ha.cf were saved with CRLF. `peer-drbdadm
    --mode 83 --node castor|pollux` says OK for both copies; peer-heartbeat starts a
    CRLF ha.cf (with an existing respawn program: the wrapper's stubs keep the CR).
    Declared DRBD 8.3: nothing to say. ``bad``: pollux renamed pollux2 (its
    etc/hostname), ha.cf not updated: HB002 at the first ``node`` line."""
    case = "heartbeat1-drbd83-pair"
    good = _run(case, "good", drbd="8.3")
    _no_crash(good)
    assert _found(good) == []
    assert _found(_run(case, "bad", drbd="8.3")) == [
        ("HB002", "pollux/etc/ha.d/ha.cf", 15, 1, "error")
    ]


def _shut_xen03_out(tmp_path: Path, storage_names: bool) -> list[str]:
    """rhel5-cman-iscsi's good tree with 10.30.0.13 (xen03's storage address) dropped
    from san01's initiators.allow; ``storage_names``: every /etc/hosts also names the
    dom0s' storage addresses (``10.30.0.13 xen03-iscsi``)."""
    import shutil

    root = tmp_path / "cluster"
    shutil.copytree(TREES / "rhel5-cman-iscsi" / "good", root)
    allow = root / "san01" / "etc" / "initiators.allow"
    allow.write_text(allow.read_text().replace(", 10.30.0.13", ""))
    if storage_names:
        for hosts in root.glob("*/etc/hosts"):
            extra = "".join(f"10.30.0.1{i}\txen0{i}-iscsi\n" for i in (1, 2, 3))
            hosts.write_text(hosts.read_text() + extra)
    return [str(n) for n in sorted(root.iterdir())]


def test_iet_wwids_in_hex_link_the_lun_to_its_alias(tmp_path: Path) -> None:
    """IET answers VPD page 0x83 with a binary T10 designator, so scsi_id reads
    ``ScsiId=vmail`` as ``1`` + ``IET`` + the id in hex (``14945540000000000766d6169
    6c...``, migrations/lio.py ``iet_wwid``); the storage chain matched the id as text
    only and so never linked a real IET LUN to its multipath alias. Linked, IS016 sees
    that xen03 (10.30.0.13 ``xen03-iscsi`` in /etc/hosts) multipaths ``vm_mail`` and
    ``vm_intranet`` while san01's initiators.allow no longer admits it."""
    nodes = _shut_xen03_out(tmp_path, storage_names=True)
    found = lint.run(nodes, select=["IS016"]).findings
    assert sorted((Path(f.path).name, f.line) for f in found) == [
        ("ietd.conf", 4),
        ("ietd.conf", 11),
    ]
    assert all("xen03 multipaths" in f.message for f in found)


def test_an_allowed_address_no_file_attributes_may_be_the_nodes(tmp_path: Path) -> None:
    """The dom0s log in from a storage network /etc/hosts does not list (10.30.0.x
    beside 10.20.0.1x); initiators.allow admits 10.30.0.11 and .12, addresses no file
    gives any node, so it may well admit xen03 too as far as the files show: IS016
    says nothing (it said "does not admit xen01/02/03" of the good tree, a false
    warning on a cluster that logs in, once the chain linked hex WWIDs)."""
    assert lint.run(_shut_xen03_out(tmp_path, storage_names=False), select=["IS016"]).findings == []
    assert _found(_run("rhel5-cman-iscsi", "good", multipath_tools="0.4.7")) == []


def test_drbd9_four_nodes_with_a_diskless_client_under_pacemaker() -> None:
    """DRBD 9 on four corosync 2 / Pacemaker 1.1 nodes: drbd.conf includes
    drbd.d/global_common.conf and drbd.d/*.res (auto-promote, quorum majority);
    vm-web has three disks and vm4 as a diskless client (``disk none``) in a
    connection-mesh, vm-db two explicit volumes on vm1-vm3 only (the CIB keeps its
    guest off vm4); xl guests on /dev/drbd/by-res/vm-web/0 and /dev/drbd11x.
    `peer-drbdadm --mode 9 --node vmN` on each node's files joined says OK for all
    four (vm4 has no vm-db: drbdadm skips it there); crm_verify takes the CIB
    (warnings only, for its empty status); peer-xl takes both guests. Nothing to
    say. ``bad``: vm3's copy of vm-db.res gives volume 1 /dev/drbd112: DR009 says
    which volume and device differ, XN006 that db's disk is not on vm3, and XN018
    warns that the CIB may start db there."""
    case = "drbd9-four-node-pacemaker"
    good = _run(case, "good")
    _no_crash(good)
    assert _found(good) == []
    bad = _run(case, "bad")
    assert _found(bad) == [
        ("DR009", "vm3/etc/drbd.d/vm-db.res", 1, 1, "error"),
        ("XN006", "vm3/etc/xen/db.cfg", 8, 1, "error"),
        ("XN018", "vm1/var/lib/pacemaker/cib/cib.xml", 83, 11, "warning"),
    ]
    (dr009,) = [f.message for f in bad.findings if f.code == "DR009"]
    assert "volume 1 device /dev/drbd112 in vm3's copy, /dev/drbd111 in vm1's" in dr009


def test_pacemaker10_on_heartbeat_three_dom0s_two_iet_boxes() -> None:
    """Heartbeat 3.0.3 with ``crm respawn`` and a ``validate-with="pacemaker-1.0"`` CIB
    (rsc_defaults, external/ipmi with ``passwd_method=file``, live-migratable Xen
    guests, an optional order as 1.0 writes it: ``score="0"``) on three dom0s; two IET
    boxes export one target per guest, with keywords in any case (``TARGET``,
    ``incominguser``, ``LUN``: iscsitarget's plain.c compares them with strcasecmp),
    CHAP per dom0, access by network (``10.60.0.0/24``, ``ALL 10.60.0.0/24``) or
    address; multipath aliases with quoted and bare values. crm_verify takes the CIB
    (warnings for its empty status only), peer-heartbeat starts ha.cf, peer-multipath
    takes multipath.conf, peer-xm-python the guests. No error: the warnings are HS001 on
    Debian's ``127.0.1.1 NAME`` line (the node's name never resolves to its cluster
    address) and MP005's info on ``devnode "^sda$"``. ``bad``: store1's initiators.allow
    misspells the mail target's IQN: IS011 with a did-you-mean, IS012 (ietd refuses
    everyone there) and one IS016 (the one access list shuts out every dom0 that
    multipaths it: each named, each dom0's multipaths entry a related location)."""
    case = "pcmk10-three-dom0s-two-iet-boxes"
    good = _run(case, "good")
    _no_crash(good)
    assert {(c, s) for c, _, _, _, s in _found(good)} == {("HS001", "warning"), ("MP005", "info")}
    bad = [f for f in _found(_run(case, "bad")) if f[0] not in ("HS001", "MP005")]
    assert bad == [
        ("IS011", "store1/etc/initiators.allow", 2, 1, "warning"),
        ("IS012", "store1/etc/ietd.conf", 9, 1, "warning"),
        ("IS016", "store1/etc/ietd.conf", 9, 1, "warning"),
    ]
    (is011,) = [f.message for f in _run(case, "bad").findings if f.code == "IS011"]
    (is016,) = [f for f in _run(case, "bad").findings if f.code == "IS016"]
    assert is016.message.endswith("does not admit dom0-a, dom0-b, dom0-c")
    assert [(Path(r.path).parts[-3], Path(r.path).name, r.line) for r in is016.related] == [
        ("store1", "initiators.allow", 1),
        ("dom0-a", "multipath.conf", 15),
        ("dom0-b", "multipath.conf", 15),
        ("dom0-c", "multipath.conf", 15),
    ]
    assert "did you mean iqn.2010-05.com.example:store1.mail?" in is011


def test_a_hyphenated_node_names_its_storage_interface(tmp_path: Path) -> None:
    """``10.60.0.13 dom0-c-san`` in /etc/hosts is dom0-c's storage address (the
    ``NODE-IF`` naming, as ``xen1-iscsi`` is xen1's); it was read as a name of a node
    "dom0", so dom0-c had no storage address and IS016 could not see that store1's
    line for the mail target leaves it out."""
    import shutil

    root = tmp_path / "cluster"
    shutil.copytree(TREES / "pcmk10-three-dom0s-two-iet-boxes" / "good", root)
    allow = root / "store1" / "etc" / "initiators.allow"
    allow.write_text(allow.read_text().replace(", 10.60.0.13\n", "\n"))
    found = lint.run([str(n) for n in sorted(root.iterdir())], select=["IS016"]).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("ietd.conf", 9)]
    assert found[0].message.startswith("dom0-c multipaths LUN(s) of ")


def test_the_dcs_version_in_a_pacemaker10_cib_is_the_release_in_force(tmp_path: Path) -> None:
    """The same cluster's CIB with ``kind="Optional"`` on its rsc_order, as the
    Pacemaker 1.1 documentation writes it: Pacemaker 1.0.13's constraints-1.0.rng
    has no ``kind`` (``xencfg cib validate``: "Invalid attribute kind for element
    rsc_order"; crm_verify 2.1.5 takes it, its pacemaker-1.0.rng grew), so the
    Pacemaker 1.0.9 this CIB's ``dc-version`` names refuses it. CB023 held ``kind``
    an error only with ``--target pacemaker=1.0``; the DC writes its own release into
    dc-version, so lint now takes it from there (this fixture first had ``kind``
    and linted clean)."""
    import shutil

    root = tmp_path / "cluster"
    shutil.copytree(TREES / "pcmk10-three-dom0s-two-iet-boxes" / "good", root)
    for cib in root.glob("*/var/lib/heartbeat/crm/cib.xml"):
        text = cib.read_text()
        cib.write_text(text.replace('then="xen-web" score="0"', 'then="xen-web" kind="Optional"'))
    nodes = [str(n) for n in sorted(root.iterdir())]
    found = lint.run(nodes, select=["CB023"]).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("cib.xml", 102)]
    assert "Invalid attribute kind for element rsc_order" in found[0].message
    for cib in root.glob("*/var/lib/heartbeat/crm/cib.xml"):
        cib.write_text(cib.read_text().replace('value="1.0.9-', 'value="1.1.2-'))
    assert lint.run(nodes, select=["CB023"]).findings == []


def test_sles11_dual_primary_drbd83_under_ocfs2_and_xen() -> None:
    """SLES 11 SP1 HAE: openais/corosync 1 with the Pacemaker service plugin, a
    pacemaker-1.2 CIB with external/sbd, a DRBD 8.3 master/slave with master-max=2
    (``allow-two-primaries``, ``fencing resource-and-stonith``, crm-fence-peer),
    dlm + o2cb + an OCFS2 Filesystem cloned over it (the userspace stack: no
    cluster.conf), live-migrated Xen guests whose disks are files on that OCFS2,
    cLVM's ``locking_type = 3`` with a filter that keeps LVM off /dev/sdb1.
    `peer-drbdadm --mode 83 --node xh1|xh2` takes both copies, crm_verify the CIB.
    With DRBD 8.3 declared the only warning is CB008 (the sbd device has no
    monitor). ``bad``: xh2's copy lost ``allow-two-primaries`` (drbd 8.3's
    receive_protocol then refuses the connection: "incompatible setting of the
    two-primaries options"): OC011 names xh2's resource."""
    case = "sles11-drbd-dual-primary-ocfs2"
    good = _run(case, "good", drbd="8.3")
    _no_crash(good)
    # (XC004 info: lvm.conf's locking_type and fallback_to_local_locking, which LVM 2.03
    # ignores; nothing in the tree tells the LVM release, no clvmd resource in the CIB)
    assert {(c, s) for c, _, _, _, s in _found(good)} == {
        ("CB008", "warning"),
        ("XC004", "info"),
    }
    bad = [f for f in _found(_run(case, "bad", drbd="8.3")) if f[0] not in ("CB008", "XC004")]
    # DR028: the handshake refusal itself, at xh2's resource (its copy has no
    # allow-two-primaries, xh1's has it: related location)
    assert bad == [
        ("DR028", "xh2/etc/drbd.d/vmstore.res", 1, 1, "error"),
        ("OC011", "xh1/var/lib/heartbeat/crm/cib.xml", 55, 11, "error"),
    ]
    (oc011,) = [f.message for f in _run(case, "bad", drbd="8.3").findings if f.code == "OC011"]
    assert "resource vmstore on xh2" in oc011


def _pair_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "pair"
    shutil.copytree(TREES / "heartbeat1-drbd83-pair" / "good", root)
    return root


def test_hb013_haresources_must_be_the_same_on_both_nodes(tmp_path: Path) -> None:
    """Without the CRM each node's ResourceManager reads its own haresources; pollux's
    copy giving the mail group to pollux while castor's gives it to castor makes both
    take it at start (drbddisk::vm_mail primary twice, the guest started twice).
    The same groups written in another order, on one line instead of a continued
    one and with other spacing are the same file to heartbeat: no HB013."""
    root = _pair_copy(tmp_path)
    nodes = [str(root / "castor"), str(root / "pollux")]
    theirs = root / "pollux" / "etc" / "ha.d" / "haresources"
    theirs.write_text(
        "pollux drbddisk::vm_dns   Xen::/etc/xen/dns\ncastor drbddisk::vm_mail Xen::/etc/xen/mail\n"
    )
    assert lint.run(nodes, select=["HB013"]).findings == []
    theirs.write_text(
        theirs.read_text().replace("castor drbddisk::vm_mail", "pollux drbddisk::vm_mail")
    )
    (found,) = lint.run(nodes, select=["HB013"]).findings
    assert (Path(found.path).parts[-4:], found.line, found.column) == (
        ("pollux", "etc", "ha.d", "haresources"),
        2,
        1,
    )
    assert found.message == (
        "haresources of pollux differs: 'drbddisk::vm_mail Xen::/etc/xen/mail' prefers "
        "pollux here and castor in castor's copy"
    )
    theirs.write_text("pollux drbddisk::vm_dns Xen::/etc/xen/dns\n")
    (lacks,) = lint.run(nodes, select=["HB013"]).findings
    assert "lacks the group 'drbddisk::vm_mail Xen::/etc/xen/mail' (castor)" in lacks.message


def test_hb013_is_silent_where_the_crm_reads_no_haresources(tmp_path: Path) -> None:
    """With ``crm on`` heartbeat ignores haresources ("This file is not used because
    pacemaker is enabled", peer-heartbeat): differing copies there are no HB013."""
    root = _pair_copy(tmp_path)
    theirs = root / "pollux" / "etc" / "ha.d" / "haresources"
    theirs.write_text("pollux drbddisk::vm_mail Xen::/etc/xen/mail\n")
    for n in ("castor", "pollux"):
        hacf = root / n / "etc" / "ha.d" / "ha.cf"
        hacf.write_bytes(hacf.read_bytes() + b"crm on\n")
    nodes = [str(root / "castor"), str(root / "pollux")]
    assert lint.run(nodes, select=["HB013"]).findings == []


def test_hb002_autojoin_any_lets_an_unlisted_node_start(tmp_path: Path) -> None:
    """heartbeat's config.c: a node its ``node`` lines do not list is added ("Current
    node [%s] added to configuration.") when ``autojoin any`` (``HB_JOIN_ANY``);
    `peer-heartbeat --node pollux` starts ``autojoin any`` / ``node castor`` / ``crm
    on``, and refuses it with ``autojoin other`` ("Current node [pollux] not in
    configuration!"). HB002 said the same error for both."""
    keys = "auth 1\n1 sha1 Zk4pQw8rTn2vLx6mYc\n"
    nodes = []
    for mode in ("any", "other"):
        for name in ("castor", "pollux"):
            etc = tmp_path / mode / name / "etc"
            (etc / "ha.d").mkdir(parents=True)
            (etc / "hostname").write_text(name + "\n")
            (etc / "ha.d" / "ha.cf").write_text(
                f"keepalive 1\ndeadtime 10\nbcast eth0 eth1\nautojoin {mode}\nnode castor\ncrm on\n"
            )
            (etc / "ha.d" / "authkeys").write_text(keys)
            (etc / "ha.d" / "authkeys").chmod(0o600)
        nodes.append([str(tmp_path / mode / n) for n in ("castor", "pollux")])
    assert lint.run(nodes[0], select=["HB002"]).findings == []
    (refused,) = lint.run(nodes[1], select=["HB002"]).findings
    assert Path(refused.path).parts[-4] == "pollux"


def test_hb002_takes_an_fqdn_hostname_as_uname(tmp_path: Path) -> None:
    """/etc/hostname ``xen01.lab.example.com`` is uname -n as written (Debian's
    hostname.sh, systemd), and ha.cf naming the nodes by that FQDN is what heartbeat
    wants: `peer-heartbeat --node xen01.lab.example.com` starts ``node
    xen01.lab.example.com xen02.lab.example.com``. HB002 compared the short name
    (xen01) and called it an error; with drbd.conf and haresources on the same FQDNs
    the pair lints clean."""
    keys = "auth 1\n1 sha1 Zk4pQw8rTn2vLx6mYc\n"
    fqdn = "{}.lab.example.com"
    drbd = (
        "resource r0 {\n  protocol C;\n"
        + "".join(
            f"  on {fqdn.format(n)} {{ device /dev/drbd0; disk /dev/sdb1; "
            f"address 10.0.0.{i}:7788; meta-disk internal; }}\n"
            for i, n in ((1, "xen01"), (2, "xen02"))
        )
        + "}\n"
    )
    for name in ("xen01", "xen02"):
        etc = tmp_path / name / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "hostname").write_text(fqdn.format(name) + "\n")
        (etc / "ha.d" / "ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nbcast eth0 eth1\nauto_failback on\n"
            f"node {fqdn.format('xen01')} {fqdn.format('xen02')}\n"
        )
        (etc / "ha.d" / "authkeys").write_text(keys)
        (etc / "ha.d" / "authkeys").chmod(0o600)
        (etc / "ha.d" / "haresources").write_text(f"{fqdn.format('xen01')} IPaddr::10.0.0.50\n")
        (etc / "drbd.conf").write_text(drbd)
    nodes = [str(tmp_path / n) for n in ("xen01", "xen02")]
    drbd83 = {"drbd": Version.parse("8.3")}
    assert lint.run(nodes, versions=drbd83).findings == []
    (etc / "hostname").write_text("xen03.lab.example.com\n")
    (found,) = lint.run(nodes, select=["HB002"], versions=drbd83).findings
    assert "this node 'xen03' (etc/hostname)" in found.message


def test_a_chap_typo_on_one_dom0_is_seen_on_every_target_it_multipaths(tmp_path: Path) -> None:
    """dom0-b's iscsid.conf with another CHAP password than its ``IncomingUser`` lines:
    ietd refuses its logins (usr/chap.c, "No valid user/pass combination"). IS016 now
    names each of the three targets whose LUNs dom0-b multipaths; it named none while
    the chain could not link IET's hex WWIDs to their LUNs."""
    import shutil

    root = tmp_path / "cluster"
    shutil.copytree(TREES / "pcmk10-three-dom0s-two-iet-boxes" / "good", root)
    conf = root / "dom0-b" / "etc" / "iscsi" / "iscsid.conf"
    conf.write_text(
        conf.read_text().replace(
            "password = Vm2pool-ChapSecret\n", "password = Vm2pool-ChapSecrte\n", 1
        )
    )
    found = lint.run([str(n) for n in sorted(root.iterdir())], select=["IS016"]).findings
    assert sorted((Path(f.path).parts[-3], f.line) for f in found) == [
        ("store1", 2),
        ("store1", 9),
        ("store2", 1),
    ]
    assert all(
        "dom0-b's iscsid.conf gives user dom0-b another password" in f.message for f in found
    )
