"""The rules issue 15 found missing (planted faults in a hidden cluster): a failing
and a passing tree for each, with the daemon source or document that backs the verdict."""

from __future__ import annotations

from pathlib import Path

from lintkit import found, messages, tree
from xencfg import lint
from xencfg.formats.schema import Version

T1 = "iqn.2026-11.net.example:storage.web"
T2 = "iqn.2026-11.net.example:storage.db"


def target(name: str, *luns: str) -> str:
    return f"Target {name}\n" + "".join(f"\t{lun}\n" for lun in luns)


# -- IS014: one ScsiId for two devices -------------------------------------------------


def test_is014_scsi_id_twice_across_targets(tmp_path: Path) -> None:
    bad = tree(
        tmp_path / "b",
        "san1",
        {
            "etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0")
            + target(T2, "Lun 0 Path=/dev/vg/db,Type=blockio,ScsiId=web0")
        },
    )
    assert found("IS014", bad) == [("IS014", "ietd.conf", 4, [2])]
    assert "multipath takes the two devices for paths of one disk" in messages("IS014", bad)[0]
    good = tree(
        tmp_path / "g",
        "san1",
        {
            "etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0")
            + target(T2, "Lun 0 Path=/dev/vg/db,Type=blockio,ScsiId=db0")
        },
    )
    assert found("IS014", good) == []


def test_is014_leaves_one_device_exported_twice_to_is003(tmp_path: Path) -> None:
    lun = "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0"
    root = tree(tmp_path, "san1", {"etc/ietd.conf": target(T1, lun) + target(T2, lun)})
    assert found("IS014", root) == []
    assert [r[0] for r in found("IS003", root)] == ["IS003"]


# -- IS015: blockio on a regular file ---------------------------------------------------


def test_is015_blockio_on_a_file(tmp_path: Path) -> None:
    # block-io.c: blockio_open_path -> blkdev_get_by_path fails on a file
    # ("Can't open device %s"), blockio_attach reports "Error attaching Lun".
    files = {"srv/iscsi/web.img": "image\n"}
    bad = tree(
        tmp_path / "b",
        "san1",
        {**files, "etc/ietd.conf": target(T1, "Lun 0 Path=/srv/iscsi/web.img,Type=blockio")},
    )
    assert found("IS015", bad) == [("IS015", "ietd.conf", 2, [])]
    good = tree(
        tmp_path / "g",
        "san1",
        {**files, "etc/ietd.conf": target(T1, "Lun 0 Path=/srv/iscsi/web.img,Type=fileio")},
    )
    assert found("IS015", good) == []
    # a device path the tree does not hold is not judged
    absent = tree(
        tmp_path / "a", "san1", {"etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio")}
    )
    assert found("IS015", absent) == []


def test_is015_does_not_follow_a_symlink_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.img"
    outside.write_text("x")
    root = tree(
        tmp_path, "san1", {"etc/ietd.conf": target(T1, "Lun 0 Path=/srv/x.img,Type=blockio")}
    )
    (root / "srv").mkdir()
    (root / "srv/x.img").symlink_to(outside)
    assert found("IS015", root) == []


# -- MP009: an aliased WWID that the blacklist hides --------------------------------------

WWID = "3600508b4001046490000700000360000"


def mp_conf(blacklist: str, exceptions: str = "") -> str:
    text = f"blacklist {{\n{blacklist}}}\n"
    if exceptions:
        text += f"blacklist_exceptions {{\n{exceptions}}}\n"
    return text + f"multipaths {{\n\tmultipath {{\n\t\twwid {WWID}\n\t\talias vm-db\n\t}}\n}}\n"


def test_mp009_wwid_catch_all_without_exception(tmp_path: Path) -> None:
    # blacklist.c _filter_wwid: exceptions are read first, then the blacklist.
    bad = tree(tmp_path / "b", "n1", {"etc/multipath.conf": mp_conf('\twwid ".*"\n')})
    assert found("MP009", bad) == [("MP009", "multipath.conf", 5, [2])]
    assert "/dev/mapper/vm-db is never created" in messages("MP009", bad)[0]
    good = tree(
        tmp_path / "g",
        "n1",
        {"etc/multipath.conf": mp_conf('\twwid ".*"\n', f'\twwid "{WWID}"\n')},
    )
    assert found("MP009", good) == []


def test_mp009_wwid_listed_directly_and_by_regex(tmp_path: Path) -> None:
    direct = tree(tmp_path / "d", "n1", {"etc/multipath.conf": mp_conf(f"\twwid {WWID}\n")})
    assert found("MP009", direct) == [("MP009", "multipath.conf", 5, [2])]
    by_regex = tree(tmp_path / "r", "n1", {"etc/multipath.conf": mp_conf('\twwid "^3600508b4"\n')})
    assert len(found("MP009", by_regex)) == 1
    other = tree(
        tmp_path / "o", "n1", {"etc/multipath.conf": mp_conf("\twwid 200d04b651805e38e\n")}
    )
    assert found("MP009", other) == []


def test_mp009_devnode_blacklist_of_every_scsi_disk(tmp_path: Path) -> None:
    # _filter_path: the devnode stage returns as soon as it blacklists a path,
    # so a wwid exception does not bring the LUN back.
    bad = tree(
        tmp_path / "b",
        "n1",
        {"etc/multipath.conf": mp_conf('\tdevnode "^sd[a-z]+"\n', f'\twwid "{WWID}"\n')},
    )
    [message] = messages("MP009", bad)
    assert "a wwid exception does not undo a devnode blacklist" in message
    good = tree(
        tmp_path / "g",
        "n1",
        {"etc/multipath.conf": mp_conf('\tdevnode "^sd[a-z]+"\n', '\tdevnode "^sd[c-z]"\n')},
    )
    assert found("MP009", good) == []
    # the s002 seed's devnode "^sd[e-z][0-9]*" leaves sda-sdd to multipath: not judged
    partial = tree(
        tmp_path / "p", "n1", {"etc/multipath.conf": mp_conf('\tdevnode "^sd[e-z][0-9]*"\n')}
    )
    assert found("MP009", partial) == []


# -- CB022: no-quorum-policy=ignore with three or more members ------------------------


def cib(nodes: tuple[str, ...], policy: str) -> str:
    node_xml = "".join(f'<node id="{n}" uname="{n}" type="normal"/>' for n in nodes)
    return (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">\n'
        '<configuration>\n<crm_config>\n<cluster_property_set id="opts">\n'
        f'<nvpair id="opts-nq" name="no-quorum-policy" value="{policy}"/>\n'
        "</cluster_property_set>\n</crm_config>\n"
        f"<nodes>{node_xml}</nodes>\n<resources/>\n<constraints/>\n"
        "</configuration>\n<status/>\n</cib>\n"
    )


def test_cb022_ignore_on_three_members(tmp_path: Path) -> None:
    three = ("dom0a", "dom0b", "dom0c")
    bad = tree(tmp_path / "b", "dom0a", {"var/lib/heartbeat/crm/cib.xml": cib(three, "ignore")})
    assert found("CB022", bad) == [("CB022", "cib.xml", 5, [])]
    good = tree(tmp_path / "g", "dom0a", {"var/lib/heartbeat/crm/cib.xml": cib(three, "stop")})
    assert found("CB022", good) == []
    # two members: ignore is what a two-node cluster needs
    two = tree(tmp_path / "t", "dom0a", {"var/lib/heartbeat/crm/cib.xml": cib(three[:2], "ignore")})
    assert found("CB022", two) == []


def test_cb022_counts_ha_cf_members_too(tmp_path: Path) -> None:
    hacf = "bcast eth0\nnode dom0a dom0b dom0c\n"
    root = tree(
        tmp_path,
        "dom0a",
        {"etc/ha.d/ha.cf": hacf, "var/lib/heartbeat/crm/cib.xml": cib(("dom0a",), "ignore")},
    )
    assert [r[0] for r in found("CB022", root)] == ["CB022"]


# -- DR014: a DRBD address that is none of the host's known addresses ------------------


def drbd_conf(a: str, b: str) -> str:
    return (
        "resource r0 {\n\tprotocol C;\n"
        f"\ton xen1 {{\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n\t\taddress {a}:7788;\n"
        "\t\tmeta-disk internal;\n\t}\n"
        f"\ton xen2 {{\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n\t\taddress {b}:7788;\n"
        "\t\tmeta-disk internal;\n\t}\n}\n"
    )


HOSTS = "127.0.0.1\tlocalhost\n192.168.1.1\txen1.example.net xen1\n10.0.0.1\txen1-drbd\n"
HOSTS += "192.168.1.2\txen2.example.net xen2\n10.0.0.2\txen2-drbd\n"


def test_dr014_address_of_the_other_host(tmp_path: Path) -> None:
    # drbdadm 8.3 on xen1: "in resource r0, on xen1: IP 10.0.0.2 not found on this host."
    bad = tree(
        tmp_path / "b",
        "xen1",
        {"etc/drbd.conf": drbd_conf("10.0.0.2", "10.0.0.1"), "etc/hosts": HOSTS},
    )
    rows = found("DR014", bad)
    assert rows == [("DR014", "drbd.conf", 6, [2]), ("DR014", "drbd.conf", 12, [4])]
    assert messages("DR014", bad)[0].endswith("; it is xen2's")
    good = tree(
        tmp_path / "g",
        "xen1",
        {"etc/drbd.conf": drbd_conf("10.0.0.1", "10.0.0.2"), "etc/hosts": HOSTS},
    )
    assert found("DR014", good) == []


def test_dr014_says_nothing_without_known_addresses(tmp_path: Path) -> None:
    root = tree(tmp_path, "xen1", {"etc/drbd.conf": drbd_conf("10.9.0.1", "10.9.0.2")})
    assert found("DR014", root) == []


def test_dr014_ucast_and_ocfs2_addresses(tmp_path: Path) -> None:
    # heartbeat ignores a ucast to its own address, so a ucast only xen1 lists is xen2's
    ocfs2 = (
        "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = xen1\n"
        "\tcluster = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.2\n\tnumber = 1\n"
        "\tname = xen2\n\tcluster = ocfs2\n\ncluster:\n\tnode_count = 2\n\tname = ocfs2\n"
    )
    conf = drbd_conf("10.0.0.1", "10.0.0.3")
    x1 = tree(
        tmp_path,
        "xen1",
        {
            "etc/drbd.conf": conf,
            "etc/ha.d/ha.cf": "ucast eth1 10.0.0.2\nnode xen1 xen2\n",
            "etc/ocfs2/cluster.conf": ocfs2,
        },
    )
    x2 = tree(
        tmp_path,
        "xen2",
        {"etc/drbd.conf": conf, "etc/ha.d/ha.cf": "ucast eth1 10.0.0.1\nnode xen1 xen2\n"},
    )
    rows = found("DR014", x1, x2)
    assert [(r[1], r[2]) for r in rows] == [("drbd.conf", 12), ("drbd.conf", 12)]


# -- LV001: lvm.conf's filter and the layers under DRBD and multipath ------------------


def lvm_conf(*rules: str) -> str:
    return "devices {\n\tfilter = [ " + ", ".join(f'"{r}"' for r in rules) + " ]\n}\n"


def test_lv001_drbd_backing_disk_accepted(tmp_path: Path) -> None:
    # DRBD User's Guide: a PV on /dev/drbdN needs its backing device rejected;
    # lvm.conf(5): first match decides, no match accepts.
    conf = drbd_conf("10.0.0.1", "10.0.0.2")
    bad = tree(
        tmp_path / "b",
        "xen1",
        {"etc/drbd.conf": conf, "etc/lvm/lvm.conf": lvm_conf("a|^/dev/drbd|", "a|^/dev/sd|")},
    )
    assert found("LV001", bad) == [("LV001", "lvm.conf", 2, [3])]
    assert "duplicate PVs" in messages("LV001", bad)[0]
    good = tree(
        tmp_path / "g",
        "xen1",
        {"etc/drbd.conf": conf, "etc/lvm/lvm.conf": lvm_conf("a|^/dev/drbd|", "r|.*|")},
    )
    assert found("LV001", good) == []
    # DRBD rejected, backing disk let through by default: LVM on the wrong layer
    wrong = tree(
        tmp_path / "w", "xen1", {"etc/drbd.conf": conf, "etc/lvm/lvm.conf": lvm_conf("r|drbd|")}
    )
    assert "LVM uses the layer below /dev/drbd0" in messages("LV001", wrong)[0]
    # a stock catch-all filter says nothing about the layers: not judged
    stock = tree(
        tmp_path / "s", "xen1", {"etc/drbd.conf": conf, "etc/lvm/lvm.conf": lvm_conf("a/.*/")}
    )
    assert found("LV001", stock) == []


def test_lv001_multipath_paths_accepted(tmp_path: Path) -> None:
    mp = mp_conf('\tdevnode "^(ram|loop)[0-9]*"\n')
    bad = tree(
        tmp_path / "b",
        "n1",
        {"etc/multipath.conf": mp, "etc/lvm/lvm.conf": lvm_conf("a|^/dev/mapper/|", "a|^/dev/sd|")},
    )
    assert [r[:3] for r in found("LV001", bad)] == [("LV001", "lvm.conf", 2)]
    good = tree(
        tmp_path / "g",
        "n1",
        {"etc/multipath.conf": mp, "etc/lvm/lvm.conf": lvm_conf("a|^/dev/mapper/|", "r|.*|")},
    )
    assert found("LV001", good) == []
    # LVM2 2.02.85+: multipath_component_detection = 1 skips the paths by itself
    detect = lvm_conf("a|^/dev/mapper/|", "a|^/dev/sd|").replace(
        "devices {\n", "devices {\n\tmultipath_component_detection = 1\n"
    )
    skipped = tree(tmp_path / "d", "n1", {"etc/multipath.conf": mp, "etc/lvm/lvm.conf": detect})
    assert found("LV001", skipped) == []


# -- HS002: /etc/hostname holds an FQDN, the cluster files the short name -------------


def test_hs002_fqdn_hostname_with_short_node_names(tmp_path: Path) -> None:
    # peer-heartbeat --node xen1.example.net on "node xen1 xen2":
    # "ERROR: Current node [xen1.example.net] not in configuration!" (heartbeat 3.0.6);
    # peer-drbdadm --mode 83 --node xen1.example.net on "on xen1 {}":
    # "WARN: no normal resources defined for this host (xen1.example.net)!?"
    hacf = "bcast eth0\nnode xen1 xen2\n"
    bad = tree(
        tmp_path / "b", "xen1", {"etc/hostname": "xen1.example.net\n", "etc/ha.d/ha.cf": hacf}
    )
    assert found("HS002", bad) == [("HS002", "hostname", 1, [2])]
    good = tree(tmp_path / "g", "xen1", {"etc/hostname": "xen1\n", "etc/ha.d/ha.cf": hacf})
    assert found("HS002", good) == []
    # named by the FQDN in ha.cf too: heartbeat finds itself
    fqdn = tree(
        tmp_path / "f",
        "xen1",
        {
            "etc/hostname": "xen1.example.net\n",
            "etc/ha.d/ha.cf": "bcast eth0\nnode xen1.example.net xen2.example.net\n",
        },
    )
    assert found("HS002", fqdn) == []


def test_hostname_format_is_lossless() -> None:
    from xencfg import formats

    text = "# set by the installer\nxen1.example.net"
    doc = formats.module("hostname").parse(text)
    assert (doc.name, doc.is_fqdn, doc.dumps()) == ("xen1.example.net", True, text)


def test_hs002_drbd_names_count_too(tmp_path: Path) -> None:
    """drbdadm 8.x compares ``on`` names with uname -n by strcmp; drbdadm 9 would find
    ``on xen1`` for xen1.example.net (tests/test_node_roots.py), so the DRBD side counts
    where the release is known to be older than 9.0 (here declared)."""
    root = tree(
        tmp_path,
        "xen1",
        {"etc/hostname": "xen1.example.net\n", "etc/drbd.conf": drbd_conf("10.0.0.1", "10.0.0.2")},
    )
    drbd84 = {"drbd": Version.parse("8.4")}
    result = lint.run([str(root)], select=["HS002"], versions=drbd84)
    assert [
        (f.code, Path(f.path).name, f.line, [r.line for r in f.related]) for f in result.findings
    ] == [("HS002", "hostname", 1, [3])]
    assert found("HS002", root) == []  # release unknown: drbdadm 9 accepts it


# -- regex.search: regexec(3) without anchors, for the blacklist and filter rules ------


def test_regex_search_reads_posix_classes_and_refuses_what_it_cannot_read() -> None:
    from xencfg import regex

    assert regex.search("^sd[[:alpha:]]+$", "sdaa") is True
    assert regex.search("^hd[[:digit:]]", "hda") is False
    assert regex.search("drbd", "/dev/drbd0") is True  # unanchored, as regexec
    assert regex.search("^hd[a-z][[0-9]*]", "hda") is None  # the seed's broken bracket
    assert regex.search("(a", "a") is None


def test_dr014_separate_replication_network_is_not_judged(tmp_path: Path) -> None:
    lan_only = "192.168.1.1\txen1\n192.168.1.2\txen2\n"
    clean = tree(
        tmp_path / "c",
        "xen1",
        {"etc/drbd.conf": drbd_conf("10.0.0.1", "10.0.0.2"), "etc/hosts": lan_only},
    )
    assert found("DR014", clean) == []
    # the same network as the host's known address, another host number: a slip
    slip = tree(
        tmp_path / "s",
        "xen1",
        {"etc/drbd.conf": drbd_conf("192.168.1.11", "192.168.1.2"), "etc/hosts": lan_only},
    )
    assert [(r[1], r[2]) for r in found("DR014", slip)] == [("drbd.conf", 6)]


def test_cb022_unrelated_cibs_are_not_one_cluster(tmp_path: Path) -> None:
    # two two-node CIBs linted together: four names, but two clusters of two
    a = tmp_path / "a.xml"
    a.write_text(cib(("alpha", "beta"), "ignore"))
    b = tmp_path / "b.xml"
    b.write_text(cib(("gamma", "delta"), "ignore"))
    assert found("CB022", a, b) == []


def test_mp009_loose_files_are_judged_each_on_its_own(tmp_path: Path) -> None:
    catch_all = tmp_path / "a-multipath.conf"
    catch_all.write_text('blacklist {\n\twwid ".*"\n}\n')
    other = tmp_path / "b-multipath.conf"
    other.write_text(mp_conf('\tdevnode "^(ram|loop)[0-9]*"\n'))
    assert found("MP009", catch_all, other) == []
    # in one node tree, conf.d files join multipath.conf
    root = tree(
        tmp_path,
        "n1",
        {
            "etc/multipath.conf": mp_conf('\tdevnode "^(ram|loop)[0-9]*"\n'),
            "etc/multipath/conf.d/local.conf": 'blacklist {\n\twwid ".*"\n}\n',
        },
    )
    assert [r[:2] for r in found("MP009", root)] == [("MP009", "multipath.conf")]
