"""Lint truth on storage trees (DRBD, multipath, iSCSI, OCFS2) in shapes the examples
do not cover, held to the real tools (the storage audit of session 17): each case is
a small tree under tests/fixtures/lint-trees/CASE/ with a ``bad`` variant the daemon
refuses (or where the documented hazard bites) and a ``good`` variant the daemon
accepts, which must lint clean of the rule (or keep only a warning, where it says so)."""

from __future__ import annotations

import os
from pathlib import Path

from test_audit_trees import TREES, _codes
from xencfg import lint


def _severities(case: str, variant: str, select: list[str]) -> list[tuple[str, str, int, str]]:
    nodes = sorted((TREES / case / variant).iterdir())
    result = lint.run([str(n) for n in nodes], select=select)
    return sorted((f.code, Path(f.path).name, f.line, f.severity) for f in result.findings)


def test_multipath_wwid_star_by_distribution() -> None:
    """``blacklist { wwid "*" }`` (the RHEL DM Multipath guides' way to blacklist all
    but the exceptions): upstream multipath-tools refuses the regex, `peer-multipath`
    (0.9.4): "line 5, parsing failed: wwid "*"" and "error parsing config file", rc 1:
    the blacklist line is lost and every disk is multipathed (``bad``, a SLES node).
    Red Hat's device-mapper-multipath reads it as ".*" (its patch "RH: warn on invalid
    regex instead of failing", libmultipath/parser.c set_regex_value: "Invalid regular
    expression "*" in multipath.conf. Using ".*""), so on a node with
    /etc/redhat-release (``good``) MP001 is a warning, not an error."""
    assert _severities("multipath-wwid-star", "bad", ["MP001"]) == [
        ("MP001", "multipath.conf", 5, "error")
    ]
    assert _severities("multipath-wwid-star", "good", ["MP001"]) == [
        ("MP001", "multipath.conf", 5, "warning")
    ]
    assert [c for c in _codes("multipath-wwid-star", "good", ["MP"])] == [
        ("MP001", "multipath.conf", 5)
    ]


def test_drbd9_three_node_mesh() -> None:
    """Three DRBD 9 nodes: r0 with ``connection-mesh`` and on-section addresses, r1 with
    two volumes and one ``connection`` section per pair, each with its own ports.
    `peer-drbdadm --mode 9 --node n1|n2|n3` on the files joined says OK for each node;
    lint finds nothing (``good``). In ``bad`` n2's copy gives n3 another port in r0's
    on section and in r1's n2-n3 connection: n2 connects where n3 does not listen
    (drbdadm on each node reads only its own copy, so only lint can see it); the
    connection case was missed before (DR010 compared on-section addresses only)."""
    assert _codes("drbd9-three-node-mesh", "good", ["DR", "XC"]) == []
    assert _codes("drbd9-three-node-mesh", "bad", ["DR010"]) == [
        ("DR010", "r0.res", 7),
        ("DR010", "r0.res", 18),
    ]


def test_failover_target_pair_exporting_drbd_to_four_dom0s() -> None:
    """Two IET boxes (st1, st2) replicate /dev/sdb with DRBD 8.3 and export /dev/drbd0
    behind one floating portal (heartbeat 1: ``drbddisk::r0 IPaddr iscsi-target``);
    four dom0s log in with CHAP, multipath it as ``vmstore`` and share it as the OCFS2
    cluster ``vmpool``. The peers accept every file of ``good`` (o2cb list-cluster,
    multipath -t, drbdadm --mode 83/84, iscsiadm) and lint finds no storage problem.
    ``bad``: st2 exports the LUN with another ScsiId (IS013: the WWID changes at a
    failover), and the dom0s keep replacement_timeout 120 under a multipath.conf that
    queues nowhere. IS103 used to say "use about 5" there: with one portal that
    turns a 30 s target failover into I/O errors in the domUs (multipath's default
    no_path_retry fails I/O once no path is left; open-iscsi's README, "iSCSI settings
    for dm-multipath", pairs a low replacement_timeout with queueing in multipath).
    It now asks for no_path_retry with it, and stays as before where multipath
    queues."""
    storage = ["IS", "DR", "OC", "MP", "LV", "XC005", "XC001"]
    assert _codes("iscsi-target-pair-four-dom0s", "good", storage) == []
    bad = _codes("iscsi-target-pair-four-dom0s", "bad", storage)
    assert [c for c in bad if c[0] == "IS013"] == [("IS013", "ietd.conf", 6)] * 2
    assert [c[1] for c in bad if c[0] == "IS103"] == ["iscsid.conf"] * 4
    nodes = sorted((TREES / "iscsi-target-pair-four-dom0s" / "bad").iterdir())
    said = {f.message for f in lint.run([str(n) for n in nodes], select=["IS103"]).findings}
    assert len(said) == 1 and "together with no_path_retry" in said.pop()


_CIB = (
    "<cib><configuration><crm_config/><nodes/><resources>"
    '<primitive id="pool" class="ocf" provider="heartbeat" type="Filesystem">'
    '<instance_attributes id="ia"><attributes>'
    '<nvpair id="d" name="device" value="/dev/mapper/{name}"/>'
    "</attributes></instance_attributes></primitive></resources>"
    "<constraints/></configuration><status/></cib>\n"
)
_MP = (
    "defaults {{\n\tuser_friendly_names {ufn}\n}}\n"
    "multipaths {{\n\tmultipath {{\n\t\twwid 3600508b400105e210000900000490000\n"
    "\t\talias cfgpool\n\t}}\n}}\n"
)
_DRBD = (
    "resource r0 {{\n  protocol C;\n"
    "  on a {{ device /dev/drbd0; disk /dev/mapper/{name}; address 10.0.0.1:7788; "
    "meta-disk internal; }}\n"
    "  on b {{ device /dev/drbd0; disk /dev/mapper/{name}; address 10.0.0.2:7788; "
    "meta-disk internal; }}\n}}\n"
)


def test_mp008_names_multipath_gives_maps_without_an_alias(tmp_path: Path) -> None:
    """multipath.conf(5): with ``user_friendly_names yes`` a map without an alias is
    named mpathN (0.4.7) or mpatha (0.4.9 on) from the bindings file, which
    multipath.conf does not list; without it the map is named by its WWID. MP008 said
    "no multipath.conf defines alias 'mpath0'" for a CIB Filesystem on
    /dev/mapper/mpath0 (a working cluster); XN006 already knew these names for domU
    disks, MP008 now asks the same function. A name multipath never gives stays an
    error, also for a DRBD backing disk on the node (drbdadm attach: "Can not open
    backing device")."""
    from lintkit import found, tree

    def mp008(ufn: str, name: str) -> list[tuple[str, int]]:
        root = tmp_path / f"{ufn}-{name}"
        cib = tree(
            root,
            "a",
            {
                "var/lib/heartbeat/crm/cib.xml": _CIB.format(name=name),
                "etc/multipath.conf": _MP.format(ufn=ufn),
                "etc/drbd.conf": _DRBD.format(name=name),
                "etc/hostname": "a\n",
            },
        )
        return [(f[1], f[2]) for f in found("MP008", cib)]

    for name in ("mpath0", "mpatha", "mpathb1", "cfgpool", "cfgpool-part1"):
        assert mp008("yes", name) == [], name
    for name in ("3600508b400105e210000900000490001", "cfgpool", "vg0-lv1"):
        assert mp008("no", name) == [], name
    both = [("cib.xml", 1), ("drbd.conf", 3)]
    assert sorted(mp008("yes", "pool")) == both
    assert sorted(mp008("no", "mpath0")) == both  # (no friendly names: no mpathN map)


def test_mp008_other_device_mapper_names_are_a_warning(tmp_path: Path) -> None:
    """/dev/mapper holds every device-mapper device, not only multipath's: a DRBD disk
    on dm-crypt (``cryptsetup luksOpen /dev/sdb1 cryptdata``) or a dmraid set
    (``isw_dchjhagdij_Volume0``) exists though no multipath.conf names it, and drbdadm
    attaches it. No file xencfg reads lists those, so such a name is a warning; a name
    close to an alias (``cfgpol``) or shaped as a multipath map this configuration does
    not give (``mpath0`` without user_friendly_names) stays an error."""
    from lintkit import tree

    def mp008(ufn: str, name: str) -> list[tuple[str, str]]:
        root = tree(
            tmp_path / f"{ufn}-{name}",
            "a",
            {
                "etc/multipath.conf": _MP.format(ufn=ufn),
                "etc/drbd.conf": _DRBD.format(name=name),
                "etc/hostname": "a\n",
            },
        )
        result = lint.run([str(root)], select=["MP008"])
        return [(f.severity, f.message) for f in result.findings]

    for name in ("cryptdata", "isw_dchjhagdij_Volume0"):
        [(severity, message)] = mp008("yes", name)
        assert severity == "warning" and "dm-crypt" in message, name
    [(severity, message)] = mp008("yes", "cfgpol")
    assert severity == "error" and "did you mean 'cfgpool'" in message
    [(severity, _)] = mp008("no", "mpath0")
    assert severity == "error"


def test_is016_dom0_shut_out_of_the_target_it_multipaths() -> None:
    """``bad``: the target pair's initiators.allow lists x1-x3 only, x3's iscsid.conf
    has another CHAP password than its ``IncomingUser x3`` line, x2 logs in without
    CHAP (authmethod None) to a target with IncomingUser accounts; each of x2-x4
    multipaths the LUN (``1IET_____vmstor01``, IET's ScsiId vmstor01). ietd refuses
    the three logins, each daemon accepting its own file: iscsitarget usr/iscsid.c
    (login's AuthMethod: "None" is skipped while ``account_available(conn->tid,
    AUTH_DIR_INCOMING)``), usr/chap.c chap_initiator_auth_check_response ("No valid
    user/pass combination for initiator"), and initiators.allow admits only the
    listed addresses for a target it names (ietd.conf(5)/IS012). The passing tree is
    iscsi-target-pair-four-dom0s/good."""
    bad = _codes("iscsi-initiator-shut-out", "bad", ["IS016"])
    assert bad == [("IS016", "ietd.conf", 1)] * 6
    nodes = sorted((TREES / "iscsi-initiator-shut-out" / "bad").iterdir())
    said = sorted(
        f.message.split(": ", 1)[1]
        for f in lint.run([str(n) for n in nodes], select=["IS016"]).findings
        if "/st1/" in f.path
    )
    assert said == [
        "st1's initiators.allow does not admit x4",
        "the target takes CHAP logins only (IncomingUser), x2's iscsid.conf logs in with "
        "authmethod None",
        "x3's iscsid.conf gives user x3 another password than IncomingUser",
    ]
    assert _codes("iscsi-target-pair-four-dom0s", "good", ["IS016"]) == []


def test_is016_one_finding_for_the_dom0s_one_allow_line_shuts_out(tmp_path: Path) -> None:
    """The allow line of each box admits x1 and x2 only: x3 and x4 are shut out by that
    one line, which one edit fixes, so IS016 says it once per box, naming both (in name
    order) with the line and each dom0's multipaths entry as related locations, instead
    of once per dom0 at the same ietd.conf line. x2's CHAP refusal is its own (its
    iscsid.conf) and stays a finding of its own."""
    import shutil

    root = tmp_path / "t"
    shutil.copytree(TREES / "iscsi-initiator-shut-out" / "bad", root)
    for box in ("st1", "st2"):
        (root / box / "etc" / "initiators.allow").write_text(
            "# dom0s\niqn.2026-12.net.example:store.vm 10.0.2.1, 10.0.2.2\n"
        )
    nodes = [str(n) for n in sorted(root.iterdir())]
    found = [f for f in lint.run(nodes, select=["IS016"]).findings if "/st1/" in f.path]
    assert sorted(f.message.split(": ", 1)[1] for f in found) == [
        "st1's initiators.allow does not admit x3, x4",
        "the target takes CHAP logins only (IncomingUser), x2's iscsid.conf logs in with "
        "authmethod None",
    ]
    (shut,) = [f for f in found if "does not admit" in f.message]
    assert shut.message.startswith("x3, x4 multipath LUN(s) of iqn.2026-12.net.example:")
    assert "refuses their logins" in shut.message
    assert [(Path(r.path).parts[-3], Path(r.path).name, r.line) for r in shut.related] == [
        ("st1", "initiators.allow", 2),
        ("x3", "multipath.conf", shut.related[1].line),
        ("x4", "multipath.conf", shut.related[2].line),
    ]
    assert all(r.line > 1 for r in shut.related[1:])
    assert len(lint.run(nodes, select=["IS016"]).findings) == 4  # two per box


def test_oc011_ocfs2_clone_on_drbd_needs_two_primaries() -> None:
    """OCFS2 on DRBD for two dom0s (the /etc/xen/vm config pool): a ``master`` of
    ocf:linbit:drbd with master-max=2 and a clone of controld + o2cb + Filesystem
    (fstype=ocfs2, device /dev/drbd0). In ``bad`` r0 has no allow-two-primaries: the
    second promotion fails in the kernel ("Multiple primaries not allowed by config",
    SS_TWO_PRIMARIES in drbd-utils' user/v83 and v84 drbd_strings.c) and the clone
    cannot mount there; no rule said so. ``good`` adds allow-two-primaries with
    fencing resource-and-stonith and the crm-fence-peer handlers: peer-drbdadm
    --mode 83/84 OK, crm_verify (Pacemaker 2.1.5) warnings only (the 1.0 ``score`` in
    rsc_order; fencing of the nodes its empty status shows as unseen)."""
    assert _codes("ocfs2-on-drbd", "bad", ["OC011"]) == [("OC011", "cib.xml", 41)]
    assert _codes("ocfs2-on-drbd", "good", ["OC", "DR"]) == []


def test_is017_lun_path_against_the_boxs_drbd() -> None:
    """A failover IET pair must export the DRBD device. ``bad``: st1 exports r0's
    backing disk /dev/sdb (DRBD holds it with an exclusive claim, so IET's blockio
    open fails; with fileio the initiators would write beside DRBD), st2 exports
    /dev/drbd/by-res/vm while its only resource is r0 (the udev link drbd-utils
    creates per resource; no resource vm ever comes up, so ietd cannot open it and
    the target starts without LUN 0 after a failover). The passing tree is
    iscsi-target-pair-four-dom0s/good (Path=/dev/drbd0, r0's minor 0)."""
    assert _codes("iet-lun-beside-drbd", "bad", ["IS017"]) == [("IS017", "ietd.conf", 6)] * 2
    assert _codes("iscsi-target-pair-four-dom0s", "good", ["IS017"]) == []


def test_oc004_empty_line_inside_a_stanza_and_indented_comments(tmp_path: Path) -> None:
    """o2cb's reader (ocfs2-tools o2cb_ctl/jconfig.c) ends a stanza at an empty or
    blank line and takes ``#`` as a comment in column 0 only: `peer-o2cb` (1.8.7)
    refuses both "node:\\n\\tip_port = 7777\\n\\tip_address = 10.0.0.1\\n\\n\\tnumber = 0
    ..." ("Attributes require a matching stanza") and "\\t# number = 9" inside a node
    ("Invalid character in attribute name") with "Unknown code ____ 251 while loading
    cluster configuration file", and accepts a column-0 comment inside a stanza,
    attributes indented with spaces, ``ip_port=7777`` and trailing blanks. Lint said
    nothing on the two it refuses."""
    from lintkit import found, tree

    base = (
        "cluster:\n\tnode_count = 2\n\tname = vmpool\n\n"
        "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = alpha\n"
        "\tcluster = vmpool\n\n"
        "node:\n\tip_port = 7777\n\tip_address = 10.0.0.2\n\tnumber = 1\n\tname = beta\n"
        "\tcluster = vmpool\n"
    )
    cases = {
        "blank": (base.replace("\tnumber = 0", "\n\tnumber = 0"), [("cluster.conf", 9)]),
        "indented": (
            base.replace("\tnumber = 0", "\t# number = 9\n\tnumber = 0"),
            [("cluster.conf", 8)],
        ),
        "column0": (base.replace("\tnumber = 0", "# number = 9\n\tnumber = 0"), []),
        "spaces": (base.replace("\tip_port = 7777", "        ip_port=7777"), []),
    }
    for name, (text, want) in cases.items():
        root = tree(tmp_path / name, "alpha", {"etc/ocfs2/cluster.conf": text})
        assert [(f[1], f[2]) for f in found("OC004", root)] == want, name


def test_is016_initiator_names_in_initiators_allow_are_patterns(tmp_path: Path) -> None:
    """IET reads an initiator name in initiators.allow as a regular expression (the
    format's own doc: ``iqn\\.1998-01\\.com\\.vmware:.*``): a line admitting
    ``iqn\\.2026-12\\.net\\.example:x[34]`` admits x4 (initiatorname.iscsi
    iqn.2026-12.net.example:x4), so no IS016 for the allow list."""
    import shutil

    root = tmp_path / "t"
    shutil.copytree(TREES / "iscsi-initiator-shut-out" / "bad", root)
    for box in ("st1", "st2"):
        (root / box / "etc" / "initiators.allow").write_text(
            "iqn.2026-12.net.example:store.vm 10.0.2.1, 10.0.2.2, 10.0.2.3, "
            "iqn\\.2026-12\\.net\\.example:x[34]\n"
        )
    said = [f.message for f in lint.run([str(n) for n in sorted(root.iterdir())]).findings]
    assert not any("does not admit" in m for m in said)
    assert sum("IS016" in m or "refuses its login" in m for m in said) == 4  # x2, x3 x 2


def _record(name: str, user: str | None, password: str | None, method: str = "CHAP") -> str:
    """An open-iscsi node record as iscsiadm 2.1.8 writes it (``iscsiadm -m node -o new``
    then ``-o update -n node.session.auth.authmethod -v CHAP``, in peer-iscsiadm's
    overlay): the keys IS016 reads, between the BEGIN and END lines."""
    lines = [
        "# BEGIN RECORD 2.1.8",
        f"node.name = {name}",
        "node.tpgt = 1",
        "node.startup = automatic",
        f"node.session.auth.authmethod = {method}",
    ]
    if user is not None:
        lines.append(f"node.session.auth.username = {user}")
    if password is not None:
        lines.append(f"node.session.auth.password = {password}")
    return "\n".join([*lines, "node.conn[0].address = 10.0.2.100", "# END RECORD", ""])


def test_is016_reads_the_node_records_before_iscsid_conf(tmp_path: Path) -> None:
    """iscsid logs in with the node record of the target (open-iscsi idbm.c: the record
    under /etc/iscsi/nodes/TARGET/PORTAL,TPGT/IFACE, /var/lib/iscsi/nodes on Red Hat;
    iscsid.conf only seeds records discovery creates, and ``iscsiadm -o update``
    changes the record alone). IS016 read iscsid.conf only: a node whose record was
    fixed with ``iscsiadm -o update`` was reported (x2, ``good``), a node whose record
    kept an old password was not (x3, ``bad``)."""
    import shutil

    target = "iqn.2026-12.net.example:store.vm"
    good = tmp_path / "good"
    shutil.copytree(TREES / "iscsi-target-pair-four-dom0s" / "good", good)
    x2 = good / "x2" / "etc" / "iscsi"
    (x2 / "iscsid.conf").write_text(
        "node.startup = automatic\nnode.session.auth.authmethod = None\n"
    )
    record = x2 / "nodes" / target / "10.0.2.100,3260,1" / "default"
    record.parent.mkdir(parents=True)
    record.write_text(_record(target, "x2", "Secr3tPassw0rd2x"))

    def is016(root: Path) -> list[str]:
        nodes = sorted(root.iterdir())
        found = lint.run([str(n) for n in nodes], select=["IS016"]).findings
        return sorted(f.message.split(": ", 1)[1] for f in found if "/st1/" in f.path)

    assert is016(good) == []
    # without the record, iscsid.conf's authmethod None is what new records take
    shutil.rmtree(x2 / "nodes")
    assert is016(good) == [
        "the target takes CHAP logins only (IncomingUser), x2's iscsid.conf logs in with "
        "authmethod None"
    ]
    bad = tmp_path / "bad"
    shutil.copytree(TREES / "iscsi-target-pair-four-dom0s" / "good", bad)
    # Red Hat's place, a flat record (iscsiadm -o new without discovery: IP,PORT)
    flat = bad / "x3" / "var" / "lib" / "iscsi" / "nodes" / target / "10.0.2.100,3260"
    flat.parent.mkdir(parents=True)
    flat.write_text(_record(target, "x3", "OldPassw0rd3x"))
    # a record of another target in the same place is not this target's
    other = bad / "x4" / "etc" / "iscsi" / "nodes" / target / "10.0.2.100,3260"
    other.parent.mkdir(parents=True)
    other.write_text(_record("iqn.2026-12.net.example:other", "x4", "wrong"))
    said = is016(bad)
    assert said == [
        f"x3's node record /var/lib/iscsi/nodes/{target}/10.0.2.100,3260 gives user x3 "
        "another password than IncomingUser"
    ]
    assert all("OldPassw0rd" not in m for m in said)  # (secrets stay out of messages)


def test_is016_node_records_behind_a_link_are_the_nodes_not_the_hosts(tmp_path: Path) -> None:
    """A mounted image's etc/iscsi -> /etc/iscsi (or a planted link out of the tree)
    is resolved inside the node root, as for every file lint reads (issue 22): the
    host's records are never read as the node's."""
    import shutil

    target = "iqn.2026-12.net.example:store.vm"
    good = tmp_path / "good"
    shutil.copytree(TREES / "iscsi-target-pair-four-dom0s" / "good", good)
    outside = tmp_path / "host-nodes"
    record = outside / target / "10.0.2.100,3260"
    record.parent.mkdir(parents=True)
    record.write_text(_record(target, "x2", "HostPassw0rd9x"))
    os.symlink(outside, good / "x2" / "etc" / "iscsi" / "nodes")
    var = good / "x2" / "var" / "lib" / "iscsi"
    var.mkdir(parents=True)
    os.symlink("../../../../../host-nodes", var / "nodes")  # climbs out: refused
    found = lint.run([str(n) for n in sorted(good.iterdir())], select=["IS016"]).findings
    assert [f.message for f in found if "/st1/" in f.path] == []
    # the node's own copy, reached through an absolute link as a chroot sees it
    own = good / "x2" / "srv" / "nodes" / target / "10.0.2.100,3260"
    own.parent.mkdir(parents=True)
    own.write_text(_record(target, "x2", "OldPassw0rd2x"))
    (good / "x2" / "etc" / "iscsi" / "nodes").unlink()
    os.symlink("/srv/nodes", good / "x2" / "etc" / "iscsi" / "nodes")
    found = lint.run([str(n) for n in sorted(good.iterdir())], select=["IS016"]).findings
    said = [f.message for f in found if "/st1/" in f.path]
    assert said == [
        f"x2 multipaths LUN(s) of {target}, but ietd on st1 refuses its login: x2's node "
        f"record /srv/nodes/{target}/10.0.2.100,3260 gives user x2 another password than "
        "IncomingUser"
    ]
