"""Issue 15, parts 3 and 4: lint's verdicts on the real-world files the issue lists,
each calibrated against the daemon (tests/test_daemon_verdicts.py runs the daemons
themselves; these tests pin the verdicts without them), and discovery that never
passes over a file it should have read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from lintkit import found, tree
from xencfg import lint
from xencfg import rules as registry
from xencfg.errors import ParseError
from xencfg.formats.drbd import DrbdDocument

GOOD_KEYS = "auth 1\n1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182\n"


def codes(*roots: Path) -> set[tuple[str, str, int]]:
    result = lint.run([str(r) for r in roots])
    return {(f.code, Path(f.path).name, f.line) for f in result.findings}


def severities(*roots: Path) -> dict[str, str]:
    return {f.code: f.severity for f in lint.run([str(r) for r in roots]).findings}


# -- heartbeat ---------------------------------------------------------------------


def test_autojoin_without_node_lines_is_not_hb001(tmp_path: Path) -> None:
    # heartbeat 3.0.6 starts with autojoin any and no node line (peer-heartbeat)
    ok = tree(tmp_path, "a", {"etc/ha.d/ha.cf": "autojoin any\nucast eth0 10.0.0.2\ncrm on\n"})
    assert found("HB001", ok) == []
    # ... and refuses without autojoin: "Current node [X] not in configuration!"
    bad = tree(tmp_path, "b", {"etc/ha.d/ha.cf": "autojoin none\nucast eth0 10.0.0.2\n"})
    assert [c for c, *_ in found("HB001", bad)] == ["HB001"]


def test_nice_failback_is_an_error(tmp_path: Path) -> None:
    # heartbeat logs "ERROR: nice_failback flag is obsolete" and runs auto_failback
    # legacy (or off, beside auto_failback) instead of what is written
    bad = tree(tmp_path, "b", {"etc/ha.d/ha.cf": "node a\nucast eth0 10.0.0.2\nnice_failback on\n"})
    result = lint.run([str(bad)], select=["XC005"])
    assert [(f.code, f.severity, f.line) for f in result.findings] == [("XC005", "error", 3)]
    assert "auto_failback legacy" in result.findings[0].message
    assert "write 'auto_failback off'" in result.findings[0].message
    good = tree(
        tmp_path, "g", {"etc/ha.d/ha.cf": "node a\nucast eth0 10.0.0.2\nauto_failback off\n"}
    )
    assert found("XC005", good) == []


def test_short_key_and_crc_are_hazard_warnings(tmp_path: Path) -> None:
    short = tree(tmp_path, "s", {"etc/ha.d/authkeys": "auth 1\n1 sha1 abc\n"})
    crc = tree(tmp_path, "c", {"etc/ha.d/authkeys": "auth 1\n1 crc\n"})
    assert severities(short).get("HB007") == "warning"
    assert severities(crc).get("HB008") == "warning"
    for code in ("HB007", "HB008"):
        rule = registry.get(code)
        assert rule is not None and rule.hazard and rule.severity == "warning"
    good = tree(tmp_path, "g", {"etc/ha.d/authkeys": GOOD_KEYS})
    assert found("HB007", good) == found("HB008", good) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node a\nucast eth0 10.0.0.2\nudpport 694\n", []),  # the default, as in force
        ("node a\nudpport 695\nucast eth0 10.0.0.2\nudpport 695\n", []),  # the same port
        ("node a\nucast eth0 10.0.0.2\nudpport 695\n", [("XC003", "ha.cf", 3, [])]),
    ],
)
def test_udpport_after_the_media(tmp_path: Path, text: str, expected: list[object]) -> None:
    root = tree(tmp_path, "n", {"etc/ha.d/ha.cf": text})
    assert found("XC003", root) == expected
    assert found("XC005", root) == []


def test_illegal_directive_is_refused_keyword(tmp_path: Path) -> None:
    root = tree(tmp_path, "n", {"etc/ha.d/ha.cf": "node a\nucast eth0 10.0.0.2\nnodes a b\n"})
    assert found("XC009", root) == [("XC009", "ha.cf", 3, [])]
    assert found("XC003", root) == []


# -- iSCSI, EVMS ---------------------------------------------------------------------

DEBIAN_INITIATORNAME = """## DO NOT EDIT OR REMOVE THIS FILE!
## If you remove this file, the iSCSI daemon will not start.
GenerateName=yes
"""


def test_debian_generate_name_is_known(tmp_path: Path) -> None:
    # /lib/open-iscsi/startup-checks.sh (iscsid.service ExecStartPre) writes a name
    root = tree(tmp_path, "n", {"etc/iscsi/initiatorname.iscsi": DEBIAN_INITIATORNAME})
    assert codes(root) == set()
    empty = tree(tmp_path, "e", {"etc/iscsi/initiatorname.iscsi": "## nothing\nGenerateName=no\n"})
    assert ("XC005", "initiatorname.iscsi", 2) in codes(empty)


def test_evms_legacy_devices_keys(tmp_path: Path) -> None:
    text = "legacy_devices {\n  scan = [ hd* ]\n  directories = [ /dev ]\n  bogus = 1\n}\n"
    root = tree(tmp_path, "n", {"etc/evms.conf": text})
    assert found("XC003", root) == [("XC003", "evms.conf", 4, [])]


# -- drbd ---------------------------------------------------------------------------

RES = """resource r0 {
  protocol C;
  on a { device /dev/drbd0; disk /dev/sda1; address %s; meta-disk internal; }
  on b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7789; meta-disk internal; }
}
"""


@pytest.mark.parametrize("address", ["pbx01ip:7789", "10.255.255.x:7788", "localhost:7789"])
def test_drbd_address_must_be_an_ip_literal(tmp_path: Path, address: str) -> None:
    # drbdadm 8.3, 8.4 and 9: "'ssocks | sdp | ipv4 | ipv6 | <ipv4 address>' expected"
    doc = xencfg.loads(RES % address, "drbd")
    assert isinstance(doc, DrbdDocument)
    addr = doc.resources["r0"].hosts["a"].address
    assert addr is not None and addr.family is None  # not ipv4
    root = tree(tmp_path, "n", {"etc/drbd.conf": RES % address})
    result = lint.run([str(root)], select=["XC005"])
    assert [(f.line, f.severity) for f in result.findings] == [(3, "error")]
    assert "not an IP address" in result.findings[0].message


def test_drbd_ip_literal_is_ipv4(tmp_path: Path) -> None:
    doc = xencfg.loads(RES % "10.0.0.1:7789", "drbd")
    assert isinstance(doc, DrbdDocument)
    addr = doc.resources["r0"].hosts["a"].address
    assert addr is not None and addr.family == "ipv4"
    assert list(doc.value_problems()) == []


def test_drbd_floating_name_is_refused() -> None:
    text = (
        "resource r { floating pbx01ip:7788 {"
        " device /dev/drbd1; disk /dev/a; meta-disk internal; } }\n"
    )
    doc = xencfg.loads(text, "drbd")
    assert any("not an IP address" in m for _, m in doc.value_problems())  # type: ignore[attr-defined]


def test_pasted_shell_line_is_an_error_and_keeps_the_resource(tmp_path: Path) -> None:
    text = "cat /etc/drbd.d/r0.res\n" + RES % "pbx01ip:7789"
    with pytest.raises(ParseError) as info:
        xencfg.loads(text, "drbd")
    assert (info.value.line, info.value.column) == (1, 1)
    partial = info.value.partial
    assert isinstance(partial, DrbdDocument) and list(partial.resources) == ["r0"]
    root = tree(
        tmp_path, "n", {"etc/drbd.d/r0.res": text, "etc/drbd.conf": 'include "drbd.d/*.res";\n'}
    )
    got = codes(root)
    assert ("XC001", "r0.res", 1) in got
    assert ("XC005", "r0.res", 4) in got  # the resource behind the garbage is still checked
    assert not any(c == "XC003" for c, *_ in got)


def test_unknown_drbd_keyword_is_refused(tmp_path: Path) -> None:
    text = RES.replace("protocol C;", "protocl C;") % "10.0.0.1:7789"
    root = tree(tmp_path, "n", {"etc/drbd.conf": text})
    assert found("XC009", root) == [("XC009", "drbd.conf", 2, [])]
    assert found("XC003", root) == []


# -- multipath ------------------------------------------------------------------------

MP = """defaults {
\tfailback %s
\tpolling_interval 5
\tpolling_interval 10
}
blacklist {
\tdevnode "^sda"
\tdevnode "^sdb"
}
"""


def test_multipath_invalid_enum_value(tmp_path: Path) -> None:
    # multipath -t: 'line 2, invalid value for failback: "inmediate"'
    root = tree(tmp_path, "n", {"etc/multipath.conf": MP % "inmediate"})
    result = lint.run([str(root)], select=["XC005"])
    assert [(f.line, f.severity) for f in result.findings] == [(2, "error")]
    assert "did you mean 'immediate'" in result.findings[0].message
    for good in ("immediate", "manual", "followover", "15"):
        assert found("XC005", tree(tmp_path, good, {"etc/multipath.conf": MP % good})) == []


def test_multipath_duplicate_keyword(tmp_path: Path) -> None:
    # multipath -t: "line 4, duplicate keyword: polling_interval"; blacklist rules repeat
    root = tree(tmp_path, "n", {"etc/multipath.conf": MP % "immediate"})
    assert found("XC007", root) == [("XC007", "multipath.conf", 4, [3])]


@pytest.mark.parametrize(
    ("key", "value", "bad"),
    [
        ("user_friendly_names", "on", True),
        ("user_friendly_names", "1", False),
        ("no_path_retry", "forever", True),
        ("no_path_retry", "queue", False),
        ("verbosity", "7", True),
        ("fast_io_fail_tmo", "off", False),
        ("dev_loss_tmo", "off", True),
        ("path_grouping_policy", "group_by_tpg", True),  # 0.9.4 does not know it yet
        # def_find_multipaths_handler: "0"/"1" are off/on (multipath -t: no message)
        ("find_multipaths", "1", False),
        ("find_multipaths", "0", False),
        ("find_multipaths", "Yes", True),
        # declare_def_range_handler(uxsock_timeout, DEFAULT_REPLY_TIMEOUT, INT_MAX):
        # "value for uxsock_timeout too small, capping at 4000"; remove_retries from 0
        ("uxsock_timeout", "100", True),
        ("uxsock_timeout", "4000", False),
        ("remove_retries", "-1", True),
    ],
)
def test_multipath_values_as_dict_c(key: str, value: str, bad: bool) -> None:
    doc = xencfg.loads(f"defaults {{\n\t{key} {value}\n}}\n", "multipath")
    assert bool(list(doc.value_problems())) is bad  # type: ignore[attr-defined]


@pytest.mark.parametrize(("key", "value"), [("no_path_retry", "-1"), ("fast_io_fail_tmo", "-1")])
def test_multipath_capped_at_one(key: str, value: str) -> None:
    """'0' is a word there (fail, resp. zero); numbers start at 1: multipath -t says
    "value for no_path_retry too small, capping at 1" (do_set_int(..., 1, INT_MAX))."""
    doc = xencfg.loads(f"defaults {{\n\t{key} {value}\n}}\n", "multipath")
    [(_, message)] = doc.value_problems()  # type: ignore[attr-defined]
    assert message.endswith("caps it at 1")
    assert list(xencfg.loads(f"defaults {{\n\t{key} 0\n}}\n", "multipath").value_problems()) == []  # type: ignore[attr-defined]


def test_unknown_multipath_keyword_stays_a_warning(tmp_path: Path) -> None:
    root = tree(tmp_path, "n", {"etc/multipath.conf": "defaults {\n\tfrobnicate yes\n}\n"})
    assert [c for c, *_ in found("XC003", root)] == ["XC003"]
    assert found("XC009", root) == []


# -- ocfs2 ----------------------------------------------------------------------------

NODE = (
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = a\n"
    "\tcluster = ocfs2\n\n"
)


def test_ocfs2_cluster_needs_node_count(tmp_path: Path) -> None:
    # o2cb list-cluster: "Unknown code ____ 234 while loading cluster configuration"
    bad = tree(tmp_path, "b", {"etc/ocfs2/cluster.conf": NODE + "cluster:\n\tname = ocfs2\n"})
    assert [c for c, *_ in found("OC004", bad)] == ["OC004"]
    good = NODE + "cluster:\n\tnode_count = 1\n\tname = ocfs2\n"
    assert found("OC004", tree(tmp_path, "g", {"etc/ocfs2/cluster.conf": good})) == []


# -- the hazard flag ------------------------------------------------------------------


def test_hazard_rules_are_marked_and_documented() -> None:
    from xencfg.rules import catalogue

    hazards = {r.code for r in registry.all_rules() if r.hazard}
    assert {"DR011", "DR013", "HB003", "HB004", "CB006", "MP007"} <= hazards
    # syntax and value checks are never hazards: the daemon refuses those files
    assert not hazards & {"XC001", "XC005", "XC009", "DR001", "DR002", "HB006", "HB009"}
    assert "Kind: hazard" in catalogue.rule_page(registry.get("DR013"))  # type: ignore[arg-type]
    assert "Kind: hazard" not in catalogue.rule_page(registry.get("XC005"))  # type: ignore[arg-type]


# -- discovery: no silent passes (issue 15, part 4) ---------------------------------------


@pytest.mark.parametrize("where", ["etc/xen/vm/web", "etc/xen/web", "etc/xen/auto/web"])
def test_unparsable_domu_is_xc001_not_skipped(tmp_path: Path, where: str) -> None:
    root = tree(tmp_path, "n", {where: 'name = "web"\ndisk = [ "phy:/dev/x,xvda,w"\n'})
    result = lint.run([str(root)])
    assert [(f.code, f.line) for f in result.findings if f.code == "XC001"] == [("XC001", 2)]
    assert result.exit_code() == 1


def test_auto_symlink_is_read_once(tmp_path: Path) -> None:
    root = tree(tmp_path, "n", {"etc/xen/vm/web": 'name = "web"\nmemory = 256\nkernel = "/k"\n'})
    (root / "etc/xen/auto").mkdir()
    (root / "etc/xen/auto/web").symlink_to("../vm/web")
    result = lint.run([str(root)])
    assert [f.path for f in result.files if f.format == "xm"] == [root / "etc/xen/vm/web"]


def test_files_named_by_xmfile_and_include_are_read(tmp_path: Path) -> None:
    cib = (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/><resources>'
        '<primitive id="web" class="ocf" provider="heartbeat" type="Xen">'
        '<instance_attributes id="web-ia">'
        '<nvpair id="web-x" name="xmfile" value="/srv/xen/web"/>'
        "</instance_attributes></primitive></resources><constraints/></configuration>"
        "<status/></cib>\n"
    )
    root = tree(
        tmp_path,
        "n",
        {
            "var/lib/heartbeat/crm/cib.xml": cib,
            "srv/xen/web": 'name = "web"\nmemory = [\n',
            "etc/drbd.conf": 'include "/etc/drbd/*.conf";\n',
            "etc/drbd/r1.conf": "resource r1 {\n protocol C\n}\n",
        },
    )
    got = {(f.code, Path(f.path).name) for f in lint.run([str(root)]).findings}
    assert {("XC001", "web"), ("XC001", "r1.conf")} <= got


def test_stock_xl_conf_is_detected_as_lint_reads_it(tmp_path: Path) -> None:
    stock = '## Global XL config file ##\n\n#autoballoon="auto"\n#lockfile="/var/lock/xl"\n'
    root = tree(tmp_path, "n", {"etc/xen/xl.conf": stock})
    path = root / "etc/xen/xl.conf"
    assert xencfg.detect(path) == "xl"
    assert [f.format for f in lint.run([str(root)]).files] == ["xl"]
    assert type(xencfg.load(path)).__name__ == "XlDocument"


@pytest.mark.parametrize(
    "text",
    [
        'try:\n    print "x"\nexcept:\n    pass\nname = "vm2"\nmemory = 512\n',
        'if 1:\n    print "a"\nelif 2:\n    print "b"\nelse:\n    x = 1\nname = "vm2"\n',
        'try:\n    import foo\nexcept ImportError, e:\n    print "no"\nfinally:\n    pass\n'
        'name = "vm2"\n',
    ],
)
def test_python2_domu_loads_as_xm_ran_it(text: str) -> None:
    doc = xencfg.loads(text, "xm")
    assert doc.dumps() == text
    assert doc.to_dict()["settings"]["name"] == "vm2"  # type: ignore[index]


@pytest.mark.parametrize(
    ("fmt", "text", "setting"),
    [
        (
            "lvm",
            'cat /etc/lvm/lvm.conf\ndevices {\n    filter = [ "a/.*/" ]\n}\n',
            "devices/filter",
        ),
        ("evms", "cat /etc/evms.conf\nengine {\n  mode = readwrite\n}\n", "engine/mode"),
    ],
)
def test_garbage_line_does_not_swallow_the_next_section(fmt: str, text: str, setting: str) -> None:
    with pytest.raises(ParseError) as info:
        xencfg.loads(text, fmt)
    assert info.value.line == 1
    partial = info.value.partial
    assert partial is not None and setting in partial.to_dict()["settings"]  # type: ignore[attr-defined]


def test_multipath_garbage_line_is_ignored_like_multipath_does(tmp_path: Path) -> None:
    # multipath -t: "line 1, invalid keyword: cat", and it reads the defaults after it
    text = "cat /etc/multipath.conf\ndefaults {\n\tuser_friendly_names yes\n}\n"
    doc = xencfg.loads(text, "multipath")
    assert doc.defaults == {"user_friendly_names": "yes"}  # type: ignore[attr-defined]
    root = tree(tmp_path, "n", {"etc/multipath.conf": text})
    assert found("XC003", root) == [("XC003", "multipath.conf", 1, [])]


@pytest.mark.parametrize(
    ("text", "messages", "severity"),
    [
        # "Domain name must be specified." from ``xl create web.cfg``; but the Xen
        # resource agent runs ``xl create web.cfg name="NAME"`` (resource-agents
        # heartbeat/Xen), which xl 4.17 takes: a warning (tests/test_domu_truth3.py)
        ('memory = 256\nkernel = "/boot/vmlinuz"\n', ["no name"], "warning"),
        ('name = "a"\nmemory = 256\n', ["neither kernel nor bootloader"], "error"),
        ('name = "a"\nmemory = 256\nbuilder = "hvm"\n', [], "error"),  # xl accepts (peer-xl)
    ],
)
def test_xl_refusals_are_errors(
    tmp_path: Path, text: str, messages: list[str], severity: str
) -> None:
    root = tree(tmp_path, "n", {"etc/xen/web.cfg": text})
    result = lint.run([str(root)], select=["XC005", "XN012"])
    got = [(f.code, f.severity) for f in result.findings]
    assert got == [("XC005", severity)] * len(messages)
    assert all(m in f.message for m, f in zip(messages, result.findings, strict=True))


def test_ocfs2_empty_node_stanza_is_skipped_like_o2cb(tmp_path: Path) -> None:
    # o2cb list-cluster accepts a bare "node:" line and ignores it (peer-o2cb)
    text = "node:\n" + NODE + "cluster:\n\tnode_count = 1\n\tname = ocfs2\n"
    assert found("OC004", tree(tmp_path, "n", {"etc/ocfs2/cluster.conf": text})) == []


def test_other_files_in_etc_xen_are_still_skipped(tmp_path: Path) -> None:
    # Xen ships oxenstored.conf beside the domU configs; it sets no domU setting
    root = tree(tmp_path, "n", {"etc/xen/oxenstored.conf": "merge-activate = true\n"})
    result = lint.run([str(root)])
    assert result.findings == [] and result.files == []
