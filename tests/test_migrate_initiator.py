"""multipath.conf and iscsid.conf to the keywords of multipath-tools 0.9 and open-iscsi 2.1
(xencfg.migrations.multipath, .iscsid, one table in .keywords).

Daemon behaviour the expectations rest on:

* multipath-tools 0.9.4 ignores the old spellings: ``multipath -t`` prints "invalid
  keyword in the defaults section: default_selector" and "ignoring deprecated option
  "getuid_callout"" and shows its built-in value instead (../shared/oracle/peers/README.md,
  section 2; the peer tests below run it on every corpus file);
* open-iscsi 2.1.8's node record (``iscsiadm -m node``, printed by peer-iscsiadm) has
  ``node.conn[0].*``, ``err_timeo.lu_reset_timeout``, ``iscsi.ERL``,
  ``iscsi.MaxOutstandingR2T``, ``conn[0].iscsi.IFMarker``, and neither ``node.active_cnx``
  nor ``node.active_conn``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import ROOT, ids, peer_tool, shared_files, shared_path
from xencfg.formats.multipath import parse as parse_multipath
from xencfg.migrations.iscsid import iscsid_to_current
from xencfg.migrations.keywords import MULTIPATH, iscsid_carry, prio_for, uid_attribute_for
from xencfg.migrations.multipath import multipath_to_current

SLES10 = """\
# SLES 10
defaults {
\tudev_dir\t\t/dev
\tpolling_interval\t5
\tdefault_selector\t"round-robin 0"
\tdefault_path_grouping_policy\tmultibus
\tdefault_getuid_callout\t"/sbin/scsi_id -g -u -s /block/%n"
\tdefault_prio_callout\t/bin/true
\tdefault_features\t"0"
\tfailback\t\timmediate
}
multipaths {
\t# the VM store
\tmultipath {
\t\twwid\t3600508b4001046490000700000360000
\t\talias\tmpath2
\t\tpath_checker\treadsector0
\t}
}
devices {
\tdevice {
\t\tvendor\t"HP"
\t\tproduct\t"HSV200"
\t\tgetuid_callout\t"/sbin/scsi_id -g -u -s /block/%n"
\t\tprior_callout\t"/sbin/mpath_prio_alua %n"
\t\tprio_callout\t"/sbin/mpath_prio_alua %n"
\t\tno_path_retry\t60
\t}
}
"""
SLES10_OUT = """\
# SLES 10
defaults {
\tpolling_interval\t5
\tpath_selector\t"round-robin 0"
\tpath_grouping_policy\tmultibus
\tuid_attribute\t"ID_SERIAL"
\tprio\tconst
\tfeatures\t"0"
\tfailback\t\timmediate
}
multipaths {
\t# the VM store
\tmultipath {
\t\twwid\t3600508b4001046490000700000360000
\t\talias\tmpath2
\t}
}
devices {
\tdevice {
\t\tvendor\t"HP"
\t\tproduct\t"HSV200"
\t\tuid_attribute\t"ID_SERIAL"
\t\tprio\t"alua"
\t\tno_path_retry\t60
\t}
}
"""


def convert(text: str) -> tuple[str, list[tuple[int, str | None, str]]]:
    r = multipath_to_current(parse_multipath(text))
    return r.text, [(c.line, c.key, c.severity) for c in r.changes]


def test_sles10_file_golden() -> None:
    text, changes = convert(SLES10)
    assert text == SLES10_OUT
    assert changes == [
        (3, "udev_dir", "info"),
        (5, "default_selector", "info"),
        (6, "default_path_grouping_policy", "info"),
        (7, "default_getuid_callout", "info"),
        (8, "default_prio_callout", "info"),
        (9, "default_features", "info"),
        (17, "path_checker", "warning"),  # multipath 0.9: invalid in the multipath section
        (24, "getuid_callout", "info"),
        (25, "prior_callout", "action"),  # a typo no release read: the admin decides
        (26, "prio_callout", "info"),
    ]


def test_current_file_is_left_byte_for_byte() -> None:
    path = ROOT / "examples" / "storage-tier" / "xen1" / "etc" / "multipath.conf"
    doc = xencfg.load(path, "multipath")
    r = multipath_to_current(doc)
    assert r.text == path.read_text() and r.changes == () and r.complete


def test_dropped_lines_keep_their_comments() -> None:
    text, _ = convert(
        "defaults {\n\t# SLES 10's udev\n\tudev_dir /dev   # keep\n\tpolling_interval 5\n}\n"
    )
    assert text == "defaults {\n\t# SLES 10's udev\n\t# keep\n\tpolling_interval 5\n}\n"


def test_only_touched_lines_change() -> None:
    text, _ = convert(SLES10)
    old, new = SLES10.splitlines(), text.splitlines()
    kept = [line for line in old if line in new]
    # every line not rewritten or dropped is still there, in order
    assert kept == [line for line in new if line in old]
    assert "\t# the VM store" in new and new[0] == "# SLES 10"


@pytest.mark.parametrize(
    ("callout", "attr"),
    [
        ("/sbin/scsi_id -g -u -s /block/%n", "ID_SERIAL"),
        ("/lib/udev/scsi_id -g -u -s /block/%n", "ID_SERIAL"),
        ("/lib/udev/scsi_id --whitelisted --device=/dev/%n", "ID_SERIAL"),
        ("/lib/udev/scsi_id --whitelisted --replace-whitespace --device=/dev/%n", "ID_SERIAL"),
        ("/sbin/scsi_id -g -u -d /dev/%n", "ID_SERIAL"),
        ("/sbin/scsi_id -g -u -p 0x83 -s /block/%n", "ID_SERIAL"),
        ("/sbin/scsi_id -g -u -p 0x80 -s /block/%n", None),  # the unit serial, not the WWID
        ("/sbin/scsi_id -u -s /block/%n", None),  # not whitelisted: no answer for most disks
        ("/usr/local/sbin/my_wwid %n", None),
        ('"unbalanced', None),
    ],
)
def test_uid_callouts(callout: str, attr: str | None) -> None:
    assert uid_attribute_for(callout)[0] == attr


def test_uid_callout_without_u_is_carried_with_a_warning() -> None:
    attr, why = uid_attribute_for("/sbin/scsi_id -g -s /block/%n")
    assert attr == "ID_SERIAL" and "blanks" in why


@pytest.mark.parametrize(
    ("callout", "prio"),
    [
        ("/sbin/mpath_prio_alua %n", "alua"),
        ("/sbin/mpath_prio_emc /dev/%n", "emc"),
        ("/sbin/mpath_prio_netapp /dev/%n", "ontap"),
        ("/sbin/mpath_prio_hds_modular %b", "hds"),
        ("/sbin/mpath_prio_rdac /dev/%n", "rdac"),
        ("/bin/true", "const"),
        ("/sbin/mpath_prio_balance_units %n", None),
        ("/sbin/mpath_prio_alua -v %n", None),  # an option we cannot vouch for
    ],
)
def test_prio_callouts(callout: str, prio: str | None) -> None:
    assert prio_for(callout) == prio


def test_uncarried_callouts_are_dropped_with_a_todo() -> None:
    r = multipath_to_current(
        parse_multipath(
            'defaults {\n\tgetuid_callout "/sbin/my_id %n"\n'
            '\tprio_callout "/sbin/mpath_prio_balance_units %n"\n}\n'
        )
    )
    assert r.text == "defaults {\n}\n"
    assert [c.severity for c in r.changes] == ["action", "action"]
    assert not r.complete and "udev rule" in r.changes[0].message


def test_renamed_key_set_twice_keeps_the_later_line() -> None:
    # both spellings set the same field in 0.4.x: the later line won
    text, changes = convert(
        'defaults {\n\tpath_selector "service-time 0"\n\tdefault_selector "round-robin 0"\n}\n'
    )
    assert text == 'defaults {\n\tpath_selector "round-robin 0"\n}\n'
    assert [c[1] for c in changes] == ["default_selector", "path_selector"]


def test_hwtable_regex_match_is_not_turned_into_its_opposite() -> None:
    # lint's hint is hw_str_match, which 0.9.4 rejects and which means string matching
    text, changes = convert("defaults {\n\thwtable_regex_match yes\n}\n")
    assert text == "defaults {\n}\n" and changes == [(2, "hwtable_regex_match", "info")]
    assert MULTIPATH["hwtable_regex_match"].new is None


def test_old_blacklist_section_and_checker_alias() -> None:
    text, changes = convert(
        'devnode_blacklist {\n\tdevnode "^hd[a-z]"\n}\ndefaults {\n\tchecker tur\n}\n'
    )
    assert text == 'blacklist {\n\tdevnode "^hd[a-z]"\n}\ndefaults {\n\tpath_checker tur\n}\n'
    assert [c[1] for c in changes] == ["devnode_blacklist", "checker"]


def test_converted_output_has_no_keyword_problem_lint_knows() -> None:
    """Lint's own tables find nothing left to complain about in any converted file."""
    files = shared_files("corpus", "multipath") + shared_files(
        "seed-examples", pattern="multipath.conf"
    )
    if not files:
        shared_path("corpus")
    for path in files:
        try:
            doc = xencfg.load(path, "multipath")
        except xencfg.ParseError:
            continue
        out = parse_multipath(multipath_to_current(doc).text)
        left = [(n.key, kind) for n, kind, _ in out.keyword_problems() if kind != "newer"]  # type: ignore[attr-defined]
        assert left == [], path.name


# -- iscsid.conf ------------------------------------------------------------

OPEN_ISCSI_707 = """\
# SLES 10
node.active_cnx = 1
node.startup = automatic
node.session.err_timeo.reset_timeout = 30
node.cnx[0].iscsi.HeaderDigest = None
node.cnx[0].iscsi.MaxRecvDataSegmentLength = 65536
node.conn[0].iscsi.MaxRecvDataSegmentLength = 131072
"""


def test_open_iscsi_707_golden() -> None:
    r = iscsid_to_current(xencfg.loads(OPEN_ISCSI_707, "iscsid"))
    assert r.text == (
        "# SLES 10\n"
        "node.startup = automatic\n"
        "node.session.err_timeo.lu_reset_timeout = 30\n"
        "node.conn[0].iscsi.HeaderDigest = None\n"
        "node.conn[0].iscsi.MaxRecvDataSegmentLength = 131072\n"
    )
    assert [(c.line, c.key, c.severity) for c in r.changes] == [
        (2, "node.active_cnx", "info"),
        (4, "node.session.err_timeo.reset_timeout", "info"),
        (5, "node.cnx[0].iscsi.HeaderDigest", "info"),
        (6, "node.cnx[0].iscsi.MaxRecvDataSegmentLength", "info"),
        # the renamed line and the current one: iscsid reads the last
        (6, "node.conn[0].iscsi.MaxRecvDataSegmentLength", "info"),
    ]


def test_linux_iscsi_values_are_respelled() -> None:
    r = iscsid_to_current(
        xencfg.loads(
            "hdrdgst_en = 1\nimm_data_en = 0\nifmarker_en = 0\nfirst_burst = 262144\n"
            "initiator_name = iqn.2005-01.com.example:h1\n",
            "iscsid",
        )
    )
    assert r.text == (
        "node.conn[0].iscsi.HeaderDigest = CRC32C\n"
        "node.session.iscsi.ImmediateData = No\n"
        "node.conn[0].iscsi.IFMarker = No\n"
        "node.session.iscsi.FirstBurstLength = 262144\n"
    )
    assert r.changes[-1].severity == "action" and "initiatorname.iscsi" in r.changes[-1].message


def test_current_keys_are_not_touched() -> None:
    assert iscsid_carry("node.session.timeo.replacement_timeout") is None
    assert iscsid_carry("node.conn[1].timeo.noop_out_interval") is None
    carry = iscsid_carry("node.cnx[1].timeo.noop_out_interval")
    assert carry is not None and carry.new == "node.conn[1].timeo.noop_out_interval"


# -- the real daemons -------------------------------------------------------

MP_FILES = (
    shared_files("corpus", "multipath")
    + shared_files("seed-examples", pattern="multipath.conf")
    + sorted((ROOT / "examples").rglob("multipath.conf"))
)


def _peer(name: str, tool: str) -> Path:
    return peer_tool(name, tool)  # root: it mounts an overlay on /etc


def multipath_t(path: Path) -> tuple[list[str], str] | None:
    """(diagnostics, merged configuration) of ``multipath -t``; None when it refuses
    the file (exit status not 0: e.g. 'parsing failed' on an invalid regex)."""
    out = subprocess.run(
        [str(_peer("peer-multipath", "multipath")), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.splitlines()
    if not (out[0].startswith("OK") or "rc=0" in out[0]):
        return None
    start = out.index("defaults {")
    return out[1:start], "\n".join(out[start:]) + "\n"


def merged(text: str) -> dict[tuple[str, object, str], str]:
    """The settings of a ``multipath -t`` dump, keyed by (section, entry, keyword)."""
    doc = parse_multipath(text)
    out: dict[tuple[str, object, str], str] = {}
    out.update({("defaults", "", k): v for k, v in doc.defaults.items()})
    out.update({("overrides", "", k): v for k, v in doc.overrides.items()})
    for i, d in enumerate(doc.devices):
        out.update({("device", i, k): v for k, v in d.settings.items()})
    for i, m in enumerate(doc.multipaths):
        out.update({("multipath", i, k): v for k, v in m.settings.items()})
    rules = [(r.kind, r.value, r.vendor, r.product) for r in doc.blacklist]
    out[("", "", "blacklist")] = repr(rules)
    return out


@pytest.mark.peer
@pytest.mark.slow
@pytest.mark.parametrize("path", MP_FILES, ids=ids(MP_FILES))
def test_multipath_t_reads_our_output_as_the_original_plus_the_renamed(
    path: Path, tmp_path: Path
) -> None:
    """For every file multipath -t accepts: no invalid or deprecated keyword in our
    output, and the merged configuration differs only where a renamed setting now
    takes effect (with the value we wrote)."""
    try:
        doc = xencfg.load(path, "multipath")
    except xencfg.ParseError:
        pytest.skip("not a file we read (its braces do not balance)")
    before = multipath_t(path)
    if before is None:
        pytest.skip("multipath -t refuses the original")
    r = multipath_to_current(doc)
    out = tmp_path / "multipath.conf"
    out.write_text(r.text)
    after = multipath_t(out)
    assert after is not None
    keyword = [d for d in after[0] if "invalid keyword" in d or "deprecated option" in d]
    assert keyword == []
    written = {(section or "", key): value.strip('"') for section, key, value in r.written}
    old, new = merged(before[1]), merged(after[1])
    for key in sorted(set(old) | set(new), key=str):
        if old.get(key) == new.get(key):
            continue
        section, _, name = key
        assert (section, name) in written, (key, old.get(key), new.get(key))
        if section:
            assert new.get(key) == written[(section, name)], key


ISCSID_FILES = (
    shared_files("corpus", "iscsid")
    + shared_files("seed-examples", pattern="iscsid.conf")
    + sorted((ROOT / "examples").rglob("iscsid.conf"))
)


@pytest.mark.peer
@pytest.mark.parametrize("path", ISCSID_FILES, ids=ids(ISCSID_FILES))
def test_iscsiadm_knows_every_node_key_we_write(path: Path, tmp_path: Path) -> None:
    """peer-iscsiadm classifies each node.* key against open-iscsi 2.1.8's node record."""
    peer = _peer("peer-iscsiadm", "iscsiadm")
    r = iscsid_to_current(xencfg.load(path, "iscsid"))
    out = tmp_path / "iscsid.conf"
    out.write_text(r.text)
    res = subprocess.run([str(peer), str(out)], capture_output=True, text=True, timeout=120)
    unknown = [line for line in res.stdout.splitlines() if line.startswith("UNKNOWN")]
    assert unknown == []


# -- xencfg migrate ---------------------------------------------------------

SLES10_NODE = ROOT / "examples" / "sles10-evms" / "host1"


def test_migrate_writes_both_files(tmp_path: Path) -> None:
    from xencfg.cli import main
    from xencfg.migrate import plan

    m = plan([str(SLES10_NODE)], only=("multipath", "iscsid"))
    assert [o.path for o in m.outputs] == ["etc/multipath.conf", "etc/iscsi/iscsid.conf"]
    argv = ["migrate", "--only", "multipath,iscsid", str(SLES10_NODE), "-o", str(tmp_path)]
    assert main(argv) == 0
    mp = (tmp_path / "host1" / "etc" / "multipath.conf").read_text()
    assert "default_selector" not in mp and 'path_selector\t"round-robin 0"' in mp
    iscsid = (tmp_path / "host1" / "etc" / "iscsi" / "iscsid.conf").read_text()
    assert "cnx" not in iscsid and "node.conn[0].iscsi.HeaderDigest = None" in iscsid
    assert "multipath -t" in (tmp_path / "MIGRATION.md").read_text()


def test_current_files_give_nothing_to_migrate() -> None:
    from xencfg.migrate import plan

    with pytest.raises(xencfg.XencfgError, match="nothing to migrate"):
        plan([str(ROOT / "examples" / "storage-tier" / "xen1")], only=("multipath", "iscsid"))


def test_chap_password_of_a_renamed_key_is_masked(tmp_path: Path) -> None:
    from xencfg.migrate import plan

    etc = tmp_path / "n1" / "etc" / "iscsi"
    etc.mkdir(parents=True)
    (etc / "iscsid.conf").write_text(
        "node.cnx[0].iscsi.HeaderDigest = None\ntarget_user = n1\ntarget_password = s3cr#tPw9\n"
    )
    m = plan([str(tmp_path / "n1")], only=("iscsid",))
    assert "target_password" in m.report_markdown()
    assert "s3cr#tPw9" not in m.report_json() and "s3cr#tPw9" not in m.report_markdown()
    assert "s3cr#tPw9" in m.outputs[0].data.decode()  # the file itself keeps it


def test_unreadable_file_is_a_todo_not_silence(tmp_path: Path) -> None:
    from xencfg.migrate import plan

    etc = tmp_path / "n1" / "etc"
    etc.mkdir(parents=True)
    (etc / "multipath.conf").write_text("defaults {\n\tudev_dir /dev\n")  # no closing brace
    m = plan([str(tmp_path / "n1")], only=("multipath",))
    assert m.outputs == []
    [note] = m.notes
    assert note.kind == "manual" and "never closed" in note.what and "\n" not in note.what


def test_keyword_of_a_later_release_is_kept_with_a_warning() -> None:
    # auto_resize came after 0.9.4 (lint: NEWER); the admin may run a later release
    text, changes = convert("defaults {\n\tauto_resize grow_on\n}\n")
    assert text == "defaults {\n\tauto_resize grow_on\n}\n"
    assert changes == [(2, "auto_resize", "warning")]
