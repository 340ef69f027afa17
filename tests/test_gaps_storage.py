"""The storage side's known gaps (closing note 21), each held to the daemon's source.

Sources: opensvc/multipath-tools at its release tags (libmultipath/dict.c, parser.c),
iscsitarget (IET) kernel/*.c, open-iscsi/rtslib-fb (rtslib/tcm.py), read with git.
"""

from __future__ import annotations

from pathlib import Path

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats import multipath
from xencfg.formats.schema import Version
from xencfg.graph import Graph

V = Version.parse


def _lint(tmp: Path, files: dict[str, str], select: str, **versions: str) -> list[tuple]:
    """(code, severity, line) of rule family ``select`` over one node holding ``files``."""
    root = tree(tmp, "n1", files)
    given = {k.replace("_", "-"): V(v) for k, v in versions.items()}
    found = lint.run([str(root)], select=[select], versions=given).findings
    return sorted((f.code, f.severity, f.line) for f in found)


# -- 1. devnode_blacklist: read by 0.4.5 and 0.4.6 only ---------------------------------
# 0.4.6 libmultipath/dict.c line 699: install_keyword_root("devnode_blacklist", ...);
# 0.4.7 dict.c line 1340 puts it under "#if 0" (and line 1331 installs "blacklist");
# every later tag up to 0.8.9 keeps it under #if 0, 0.9.0 deletes it.

OLD_SECTION = 'devnode_blacklist {\n\tdevnode "^sdz"\n}\n'
NEW_SECTION = 'blacklist {\n\tdevnode "^sdz"\n}\n'


def test_devnode_blacklist_table_says_0_4_7_stopped_reading_it() -> None:
    kw = multipath.SCHEMA.keyword("top", "devnode_blacklist")
    assert kw is not None and kw.until == V("0.4.7") and kw.renamed_since == V("0.4.7")
    new = multipath.SCHEMA.keyword("top", "blacklist")
    assert new is not None and new.since == V("0.4.7")
    # MP001 decides with the versions module's constant: the same release
    from xencfg.versions import MULTIPATH_NO_DEVNODE_BLACKLIST

    assert kw.until == MULTIPATH_NO_DEVNODE_BLACKLIST


def test_devnode_blacklist_is_ignored_from_0_4_7(tmp_path: Path) -> None:
    for release in ("0.4.7", "0.4.9", "0.9.4"):
        files = {"etc/multipath.conf": OLD_SECTION}
        assert _lint(tmp_path / release, files, "XC004", multipath_tools=release) == [
            ("XC004", "warning", 1)
        ]


def test_devnode_blacklist_is_the_blacklist_of_0_4_6(tmp_path: Path) -> None:
    for release in ("0.4.5", "0.4.6"):
        files = {"etc/multipath.conf": OLD_SECTION}
        assert _lint(tmp_path / release, files, "XC", multipath_tools=release) == []


def test_blacklist_section_is_too_new_for_0_4_6(tmp_path: Path) -> None:
    files = {"etc/multipath.conf": NEW_SECTION}
    assert _lint(tmp_path / "old", files, "XC003", multipath_tools="0.4.6") == [
        ("XC003", "warning", 1)
    ]
    assert _lint(tmp_path / "new", files, "XC003", multipath_tools="0.4.7") == []


# -- 2. a quoted value followed by more words --------------------------------------------
# 0.5.0 parser.c alloc_strvec (line 321) makes each '"' a word; set_value (line 389)
# joins the words after the first '"', no blank next to a '"', and leaves out the line's
# last word (line 421: i != VECTOR_SIZE(strvec)-1), the same code from 0.4.5 on: so
# 'path_grouping_policy "multibus" extra' reads 'multibus"', which get_pgpolicy_id
# does not know (the default policy runs). 0.6.0 set_value (line 295) stops at the
# closing quote; 0.9.4 says "ignoring extra data starting with 'extra'" (peer-multipath).

EXTRA = 'defaults {\n\tpath_grouping_policy "multibus" extra\n}\n'
PLAIN = 'defaults {\n\tpath_grouping_policy "multibus"\n}\n'


def test_quoted_value_and_more_words_is_misread_before_0_6_0(tmp_path: Path) -> None:
    for release in ("0.4.5", "0.4.7", "0.5.0"):
        files = {"etc/multipath.conf": EXTRA}
        found = lint.run(
            [str(tree(tmp_path / release, "n", files))],
            select=["XC005"],
            versions={"multipath-tools": V(release)},
        ).findings
        assert [(f.severity, f.line) for f in found] == [("error", 2)]
        assert "earlier releases read 'multibus\"'" in found[0].message


def test_quoted_value_and_more_words_is_a_warning_from_0_6_0(tmp_path: Path) -> None:
    files = {"etc/multipath.conf": EXTRA}
    assert _lint(tmp_path / "new", files, "XC005", multipath_tools="0.6.0") == [
        ("XC005", "warning", 2)
    ]
    assert _lint(tmp_path / "unknown", files, "XC005") == [("XC005", "warning", 2)]
    plain = {"etc/multipath.conf": PLAIN}
    assert _lint(tmp_path / "plain", plain, "XC005", multipath_tools="0.4.7") == []


def test_old_set_value_reading() -> None:
    from xencfg.formats._multipath_words import old_set_value
    from xencfg.syntax.blocks import Entry
    from xencfg.syntax.tree import walk

    def read(line: str) -> str:
        doc = xencfg.loads("defaults {\n\t" + line + "\n}\n", "multipath")
        [entry] = [n for n in walk(doc) if isinstance(n, Entry)]
        return old_set_value(entry)

    assert read('alias "a"') == "a"
    assert read('alias "x y" z') == 'x y"'
    assert read('alias "a" b c') == 'a"b '
    assert read('alias "a" "b"') == 'a""b'


# -- 3. ietd.conf LUN options per I/O type and release -----------------------------------
# iscsitarget-svn tags/1.4.19/kernel/file-io.c (and block-io.c) match_token table:
# ScsiId, ScsiSN, Path, Type, IOMode; null-io.c: Sectors, Type; any other piece is
# "unknown param" / "Unknown" (-EINVAL, the LUN is not created). 1.4.20's file-io.c and
# block-io.c add blocksize=, its null-io.c blocks=, scsiid=, scsisn=, blocksize=.
# kernel/iotype.c find_iotype compares the Type with strcmp on every release; 1.4.20's
# iet_strtolower (kernel/iotype.h) lower-cases a piece only up to its '='.

LUN = "Target iqn.2026-12.net.example:disk\n\tLun 0 {}\n"


def _iet(tmp: Path, options: str, release: str | None = None) -> list[tuple]:
    given = {"iscsitarget": release} if release else {}
    return _lint(tmp, {"etc/ietd.conf": LUN.format(options)}, "XC005", **given)


def test_blocksize_on_fileio_is_refused_before_1_4_20(tmp_path: Path) -> None:
    opts = "Path=/dev/sdb,Type=fileio,BlockSize=4096"
    assert _iet(tmp_path / "a", opts, "1.4.19") == [("XC005", "error", 2)]
    assert _iet(tmp_path / "b", opts) == [("XC005", "warning", 2)]
    assert _iet(tmp_path / "c", opts, "1.4.20") == []
    assert _iet(tmp_path / "d", "Path=/dev/sdb,Type=fileio", "1.4.19") == []


def test_sectors_on_fileio_or_blockio_is_refused_by_every_release(tmp_path: Path) -> None:
    for kind in ("fileio", "blockio"):
        for release in ("0.4.17", "1.4.20"):
            opts = f"Path=/dev/sdb,Type={kind},Sectors=2048"
            assert _iet(tmp_path / kind / release, opts, release) == [("XC005", "error", 2)]
    # nullio's own size option is fine on every release
    assert _iet(tmp_path / "null", "Sectors=2048,Type=nullio", "0.4.17") == []


def test_iomode_on_nullio_is_refused(tmp_path: Path) -> None:
    # volume.c reads IOMode, but null-io.c's table lacks it on every release
    assert _iet(tmp_path / "a", "Sectors=8,Type=nullio,IOMode=wb", "1.4.20") == [
        ("XC005", "error", 2)
    ]


def test_type_name_is_matched_case_and_all(tmp_path: Path) -> None:
    for release in ("1.4.19", "1.4.20"):
        found = lint.run(
            [
                str(
                    tree(
                        tmp_path / release,
                        "n",
                        {"etc/ietd.conf": LUN.format("Path=/dev/sdb,Type=FileIO")},
                    )
                )
            ],
            select=["XC005"],
            versions={"iscsitarget": V(release)},
        ).findings
        assert [(f.severity, f.line) for f in found] == [("error", 2)]
        assert "write Type=fileio" in found[0].message
    assert _iet(tmp_path / "ok", "Path=/dev/sdb,type=fileio", "1.4.20") == []


# -- 4b. HB014: cman nodes and corosync 2+ nodes -----------------------------------------
# cman exists only on corosync 1.x; corosync 2.0.0's release notes: "Corosync 2.x is NOT
# compatible with previous versions of Corosync (1.3/1.4). Please make sure to upgrade
# all nodes at once." A corosync.conf with a nodelist is 2.0 or later.

CMAN = (
    '<?xml version="1.0"?>\n<cluster name="xc" config_version="1">\n  <clusternodes>\n'
    '    <clusternode name="xen1" nodeid="1"/>\n    <clusternode name="xen2" nodeid="2"/>\n'
    "  </clusternodes>\n</cluster>\n"
)
COROSYNC = (
    "totem {\n  version: 2\n  cluster_name: xc\n}\nnodelist {\n"
    "  node {\n    ring0_addr: xen1\n    name: xen1\n    nodeid: 1\n  }\n"
    "  node {\n    ring0_addr: xen2\n    name: xen2\n    nodeid: 2\n  }\n}\n"
    "quorum {\n  provider: corosync_votequorum\n  two_node: 1\n}\n"
)


def _hb014(tmp: Path, one: dict[str, str], two: dict[str, str]) -> list[tuple[str, str, int]]:
    roots = [tree(tmp, "xen1", one), tree(tmp, "xen2", two)]
    found = lint.run([str(r) for r in roots], select=["HB014"]).findings
    return sorted((f.code, Path(f.path).name, f.line) for f in found)


def test_cman_node_and_corosync2_node_are_two_stacks(tmp_path: Path) -> None:
    found = _hb014(
        tmp_path,
        {"etc/cluster/cluster.conf": CMAN},
        {"etc/corosync/corosync.conf": COROSYNC},
    )
    assert [c for c, _, _ in found] == ["HB014"]


def test_cman_on_both_nodes_or_corosync_on_both_is_one_stack(tmp_path: Path) -> None:
    cman = {"etc/cluster/cluster.conf": CMAN}
    coro = {"etc/corosync/corosync.conf": COROSYNC}
    assert _hb014(tmp_path / "a", cman, cman) == []
    assert _hb014(tmp_path / "b", coro, coro) == []
    # a node with both files is not judged (cman ignores corosync.conf)
    assert _hb014(tmp_path / "c", {**cman, **coro}, coro) == []


# -- 4d. migrate --only iscsi: one TODO per multipath entry ------------------------------
# An IET pair exports one LUN under one ScsiId from both boxes: each box's LIO
# conversion found the same multipath.conf entry and said the same TODO twice.

IET_PAIR_LUN = (
    "Target iqn.2026-12.net.example:vm\n\tLun 0 Path=/dev/drbd0,Type=blockio,ScsiId=vm0\n"
)


def test_migrate_says_each_wwid_todo_once(tmp_path: Path) -> None:
    from xencfg.migrate import run as migrate_run
    from xencfg.wwid import iet_wwid

    mp = f"multipaths {{\n\tmultipath {{\n\t\twwid {iet_wwid('vm0')}\n\t\talias vm\n\t}}\n}}\n"
    roots = [
        tree(tmp_path, "san1", {"etc/ietd.conf": IET_PAIR_LUN}),
        tree(tmp_path, "san2", {"etc/ietd.conf": IET_PAIR_LUN}),
        tree(tmp_path, "xen1", {"etc/multipath.conf": mp}),
    ]
    m = migrate_run.plan([str(r) for r in roots], only=("iscsi",))
    todos = [n for n in m.notes if n.kind == "manual" and "alias 'vm'" in n.what]
    assert len(todos) == 1, todos


# -- 4a/4c. LIO LUNs in the graph, and a storage object without a serial -----------------
# rtslib-fb rtslib/root.py restore: so_cls(**kwargs) with the file's keys; tcm.py
# StorageObject._configure: "if not wwn: wwn = generate_wwn('unit_serial')", and
# utils.py generate_wwn('unit_serial') is str(uuid.uuid4()): a new serial at every
# restore. The WWID an initiator reads is 36001405 + the serial's hex digits
# (target_core_spc.c spc_parse_naa_6h_vendor_specific; xencfg.wwid.lio_wwid).

SERIAL = "7c1e2a90-55d3-4b8e-a0f1-3e9d2b4c6a81"


def _saveconfig(wwn: str | None) -> str:
    import json

    so = {"plugin": "block", "name": "vol-a", "dev": "/dev/drbd10"}
    if wwn:
        so["wwn"] = wwn
    target = {
        "wwn": "iqn.2026-12.net.example:vol-a",
        "fabric": "iscsi",
        "tpgs": [
            {
                "tag": 1,
                "enable": True,
                "attributes": {"generate_node_acls": 1},
                "portals": [{"ip_address": "0.0.0.0", "port": 3260}],
                "luns": [{"index": 0, "storage_object": "/backstores/block/vol-a"}],
                "node_acls": [],
            }
        ],
    }
    return json.dumps({"storage_objects": [so], "targets": [target]}, indent=2) + "\n"


def _graph(tmp: Path, wwn: str | None) -> Graph:
    from xencfg.graph import build
    from xencfg.wwid import lio_wwid

    mp = f"multipaths {{\n\tmultipath {{\n\t\twwid {lio_wwid(SERIAL)}\n\t\talias vola\n\t}}\n}}\n"
    roots = [
        tree(tmp, "nas1", {"etc/target/saveconfig.json": _saveconfig(wwn)}),
        tree(tmp, "xen1", {"etc/multipath.conf": mp}),
    ]
    result = lint.run([str(r) for r in roots], select=["IS035"])
    return build(result.cluster, result.findings)


def test_graph_draws_lio_luns_down_to_the_multipath_lun(tmp_path: Path) -> None:
    from xencfg.wwid import lio_wwid

    g = _graph(tmp_path, SERIAL)
    lun = "lio:iqn.2026-12.net.example:vol-a:1:0"
    assert "vol-a (block)" in g.nodes[lun].label and "/dev/drbd10" in g.nodes[lun].label
    edges = {(e.src, e.dst, e.kind) for e in g.edges}
    assert ("node:nas1", "target:iqn.2026-12.net.example:vol-a", "exports") in edges
    assert ("target:iqn.2026-12.net.example:vol-a", lun, "exports") in edges
    assert (lun, f"lun:{lio_wwid(SERIAL)}", "seen-as") in edges
    assert not g.nodes[lun].warn


def test_graph_marks_an_lio_lun_without_serial(tmp_path: Path) -> None:
    g = _graph(tmp_path, None)
    lun = g.nodes["lio:iqn.2026-12.net.example:vol-a:1:0"]
    assert "new WWID" in lun.warn
    assert not [e for e in g.edges if e.src == lun.id and e.kind == "seen-as"]


def test_is035_storage_object_without_serial(tmp_path: Path) -> None:
    bad = {"etc/target/saveconfig.json": _saveconfig(None)}
    assert _lint(tmp_path / "bad", bad, "IS035") == [("IS035", "warning", 3)]
    good = {"etc/target/saveconfig.json": _saveconfig(SERIAL)}
    assert _lint(tmp_path / "good", good, "IS035") == []


# -- 5. real public files: disagreements found --------------------------------------------
# A public Ceph-RBD provisioning script writes "Target iqn.2015.NODE" (no month) into
# /etc/iet/ietd.conf and restarts iscsitarget, which serves it: IET does not check the
# name's form (1.4.19 usr/target.c target_add copies it; kernel/target.c
# iscsi_target_create refuses only an empty name). A warning, not an error.


def test_malformed_target_name_is_a_warning_and_an_empty_one_an_error(tmp_path: Path) -> None:
    odd = {"etc/iet/ietd.conf": "Target iqn.2015.node1\n\tLun 0 Path=/dev/rbd0,Type=blockio\n"}
    assert _lint(tmp_path / "odd", odd, "XC005") == [("XC005", "warning", 1)]
    empty = {"etc/iet/ietd.conf": "Target\n\tLun 0 Path=/dev/rbd0,Type=blockio\n"}
    assert ("XC005", "error", 1) in _lint(tmp_path / "empty", empty, "XC005")


# A public Ubuntu Hardy (multipath-tools 0.4.8) how-to blacklists disks in a
# devnode_blacklist section with "vendor = FUJITSU.*": 0.4.8 dict.c line 1559 keeps the
# section under "#if 0", so nothing in it is read and its values cannot be misread there.

HARDY = (
    'devnode_blacklist {\n\tdevnode "^sdz"\n\tdevice {\n\t\tvendor = FUJITSU.*\n'
    "\t\tproduct = MAY2073RCSUN72G\n\t}\n}\ndefaults {\n\tpolling_interval 5\n}\n"
)


def test_values_in_devnode_blacklist_count_only_where_it_is_read(tmp_path: Path) -> None:
    files = {"etc/multipath.conf": HARDY}
    assert _lint(tmp_path / "a", files, "XC005", multipath_tools="0.4.8") == []
    assert _lint(tmp_path / "b", files, "XC005", multipath_tools="0.4.6") == [
        ("XC005", "error", 4),
        ("XC005", "error", 5),
    ]
    assert _lint(tmp_path / "c", files, "XC005") == [
        ("XC005", "warning", 4),
        ("XC005", "warning", 5),
    ]
    # the same words in a blacklist section are misread by every release
    new = {"etc/multipath.conf": HARDY.replace("devnode_blacklist", "blacklist")}
    assert _lint(tmp_path / "d", new, "XC005", multipath_tools="0.4.8") == [
        ("XC005", "error", 4),
        ("XC005", "error", 5),
    ]


# 1.4.20 kernel/volume.c parse_volume_params: "if (is_power_of_2(blk_sz) && 512 <= blk_sz
# && blk_sz <= IET_MAX_BLOCK_SIZE) ... else eprintk("invalid BlockSize=%u")", -EINVAL.


def test_blocksize_must_be_a_power_of_two_from_512(tmp_path: Path) -> None:
    assert _iet(tmp_path / "a", "Path=/dev/sdb,BlockSize=1000", "1.4.20") == [("XC005", "error", 2)]
    assert _iet(tmp_path / "b", "Blocks=8,BlockSize=256,Type=nullio", "1.4.20") == [
        ("XC005", "error", 2)
    ]
    assert _iet(tmp_path / "c", "Path=/dev/sdb,BlockSize=2048", "1.4.20") == []
    # 5,000 digits: int() would refuse them (a crashed rule); no such size fits
    huge = "Path=/dev/sdb,BlockSize=" + "5" * 5000
    assert _iet(tmp_path / "d", huge, "1.4.20") == [("XC005", "error", 2)]


# The keyword table listed devnode_blacklist in defaults, multipath, device and overrides
# (every old spelling was allowed everywhere): a devnode_blacklist section opened inside
# defaults got "write 'blacklist'", which is no better there. multipath 0.9.4 (peer):
# "invalid keyword in the defaults section: devnode_blacklist"; no release read it there.


def test_a_top_level_section_inside_another_is_misplaced(tmp_path: Path) -> None:
    kw = multipath.SCHEMA.keyword("defaults", "devnode_blacklist")
    assert kw is None
    text = 'defaults {\n\tdevnode_blacklist {\n\t\tdevnode "^sdz"\n\t}\n}\n'
    root = tree(tmp_path, "n", {"etc/multipath.conf": text})
    found = lint.run([str(root)], select=["XC003", "XC004"]).findings
    assert [(f.code, f.line) for f in found] == [("XC003", 2)]
    assert "only in: the top level" in found[0].message


# -- the 0.9.4 side of items 1, 2 and 5, held to the running multipath -t ------------------


def test_multipath_0_9_4_agrees(tmp_path: Path) -> None:
    from test_multipath_peer import multipath_t

    cases = {
        # item 2: the words after a closing quote are dropped, the value read whole
        "extra.conf": (EXTRA, ["ignoring extra data starting with 'extra' on line 2"]),
        # item 1: 0.9.4 reads no devnode_blacklist (so nothing in it is misread)
        "hardy.conf": (HARDY, ["line 1, invalid keyword: devnode_blacklist"]),
    }
    for name, (text, said) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        out = multipath_t(path)
        for line in said:
            assert line in out, out
    # and what 0.9.4 then runs: path_grouping_policy multibus
    assert '\tpath_grouping_policy "multibus"' in multipath_t(tmp_path / "extra.conf")


# -- 4c'. the serial and id Pacemaker's iSCSILogicalUnit gives a LUN without them ---------
# resource-agents heartbeat/iSCSILogicalUnit.in (since b89b20670, 2009-07):
#   OCF_RESKEY_scsi_id_default="${OCF_RESOURCE_INSTANCE:0:16}"
#   sn=`echo -n "${OCF_RESOURCE_INSTANCE}" | md5sum ...`; OCF_RESKEY_scsi_sn_default=${sn:0:8}
# and for lio-t: "targetcli /backstores/block create ... wwn=${OCF_RESKEY_scsi_sn}".


def _lu_cib(rid: str, impl: str) -> str:
    return (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/><resources>'
        f'<primitive id="{rid}" class="ocf" provider="heartbeat" type="iSCSILogicalUnit">'
        f'<instance_attributes id="{rid}-ia">'
        f'<nvpair id="{rid}-i" name="implementation" value="{impl}"/>'
        f'<nvpair id="{rid}-p" name="path" value="/dev/drbd1"/>'
        f'<nvpair id="{rid}-t" name="target_iqn" value="iqn.2026-12.net.example:t"/>'
        f'<nvpair id="{rid}-l" name="lun" value="1"/>'
        "</instance_attributes></primitive></resources><constraints/></configuration>"
        "<status/></cib>\n"
    )


def test_lio_lun_from_the_cib_without_scsi_sn_has_the_agent_serial(tmp_path: Path) -> None:
    import hashlib

    from xencfg.wwid import lio_wwid

    serial = hashlib.md5(b"vol-lu").hexdigest()[:8]

    def run(wwid: str, name: str) -> list[tuple]:
        mp = f"multipaths {{\n\tmultipath {{\n\t\twwid {wwid}\n\t\talias vol\n\t}}\n}}\n"
        roots = [
            tree(
                tmp_path / name,
                "nas1",
                {"var/lib/heartbeat/crm/cib.xml": _lu_cib("vol-lu", "lio-t")},
            ),
            tree(tmp_path / name, "xen1", {"etc/multipath.conf": mp}),
        ]
        found = lint.run([str(r) for r in roots], select=["IS030"]).findings
        return [(f.code, f.line) for f in found]

    assert run(lio_wwid(serial), "right") == []
    assert run(lio_wwid("0badc0de"), "wrong") == [("IS030", 2)]
