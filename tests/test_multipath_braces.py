"""multipath.conf with its ``{`` on a later line, or a statement after the ``{``.

What multipath-tools reads (opensvc/multipath-tools, libmultipath/parser.c; from 0.9.x
libmpathutil/parser.c; line numbers of the release tags):

* 0.4.7 ``process_stream`` (lines 408-439) reads line by line and takes the first word
  of a line as the keyword; a section keyword opens its section at once
  (``keyword->sub``, line 429). ``defaults`` then ``{`` on the next line: the ``{`` line
  matches no keyword and is skipped silently, so the section is read. Data after ``{``
  (``device { vendor "X"``) goes to the ``device`` handler, which reads no value: the
  statement is lost. 0.4.9 is the same (lines 437-467); it splits ``{`` off a word
  (``alloc_strvec`` line 242).
* 0.6.0 on, ``validate_config_strvec`` (0.9.4 lines 416-497) checks each line first: a
  sublevel keyword without ``{`` logs "missing '{' on line N" and is read all the same
  (line 441, ``return 0``); a line starting with ``{`` logs "invalid keyword '{'" and is
  dropped whole (lines 433-436); data after the ``{`` logs "ignoring extra data starting
  with 'X'" (line 446). ``is_sublevel_keyword`` (lines 406-412) does not list
  ``overrides``: ``overrides`` alone on its line is "missing value for option
  'overrides'" (line 452, ``return -1``), the line is skipped and the section's
  settings are read at the top level, as invalid keywords.
* 0.9.4 ``factorize_hwtable`` (config.c line 690) drops a device without vendor or
  product; ``merge_mptable`` drops a multipath without wwid.

``multipath -t`` 0.9.4 (the peer, see PEER_SAYS) shows each of these.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, shared_path, unavailable
from lintkit import tree
from roundtrip import check_scanner
from xencfg import lint
from xencfg.formats import drbd, multipath
from xencfg.formats._multipath_braces import after_brace
from xencfg.formats.lvmlike import lvm

#: Section keyword, then ``{`` below it (blank and comment lines between).
BELOW = (
    "defaults\n{\n\tpolling_interval 7\n}\n"
    'blacklist # the local disk\n\n# and nothing else\n  {\n\twwid "^36001405"\n}\n'
)
#: ``overrides`` with its ``{`` below it: multipath drops the section.
OVERRIDES_BELOW = "overrides\n{\n\tno_path_retry 7\n}\n"
#: Statements after the ``{`` on its line.
AFTER = (
    'devices {\n\tdevice { vendor "IET"\n\t\tproduct "VIRTUAL-DISK"\n\t\tpath_checker tur\n\t}\n}\n'
    "multipaths {\n\tmultipath { wwid 3600a0b80001\n\t\talias data\n\t}\n}\n"
)
#: A ``{`` below its name with a statement after it (dropped whole: invalid keyword '{').
BELOW_AND_AFTER = "defaults\n{ polling_interval 7\n\tverbosity 2\n}\n"

#: What ``multipath -t`` 0.9.4 says of each (peer-multipath; file name left out).
PEER_SAYS = {
    BELOW: ["missing '{' on line 1", "invalid keyword '{' on line 2",
            "missing '{' on line 5", "invalid keyword '{' on line 8"],
    OVERRIDES_BELOW: ["missing value for option 'overrides' on line 1",
                      "invalid keyword '{' on line 2", "line 3, invalid keyword: no_path_retry",
                      "unmatched '}' at line 4"],
    AFTER: ["ignoring extra data starting with 'vendor' on line 2",
            "ignoring extra data starting with 'wwid' on line 8",
            "missing vendor or product parameter", "multipaths config section missing wwid"],
    BELOW_AND_AFTER: ["missing '{' on line 1", "invalid keyword '{' on line 2"],
}  # fmt: skip
TEXTS = list(PEER_SAYS)


@pytest.mark.parametrize("text", TEXTS)
def test_loads_losslessly_and_the_scanner_reads_it_as_lark(text: str) -> None:
    assert check_scanner("multipath", text, multipath._scan, multipath.parse_lark)
    assert xencfg.dumps(xencfg.loads(text, "multipath")) == text
    assert multipath.parse(text).dumps() == text


def test_the_model_holds_the_sections() -> None:
    doc = multipath.parse(BELOW)
    assert doc.defaults == {"polling_interval": "7"}
    assert [r.value for r in doc.blacklist] == ["^36001405"]
    doc = multipath.parse(AFTER)
    assert doc.devices[0].settings["product"] == "VIRTUAL-DISK"
    assert doc.multipaths[0].alias == "data"


def test_edits_change_only_their_lines() -> None:
    doc = multipath.parse(BELOW)
    doc.section("defaults").set("polling_interval", "9")  # type: ignore[union-attr]
    assert doc.dumps() == BELOW.replace("interval 7", "interval 9")
    doc = multipath.parse(AFTER)
    device = doc.section("devices").block("device")  # type: ignore[union-attr]
    device.set("vendor", "LIO")
    assert doc.dumps() == AFTER.replace('"IET"', '"LIO"')


def test_removing_the_statement_after_the_brace_keeps_the_next_line_its_own() -> None:
    """Else ``product`` would join the ``{`` line, where multipath does not read it."""
    doc = multipath.parse(AFTER)
    device = doc.section("devices").block("device")  # type: ignore[union-attr]
    assert device.remove("vendor") == 1
    text = doc.dumps()
    assert text == AFTER.replace('device { vendor "IET"\n', "device { \n")
    assert after_brace(multipath.parse(text).devices[0].block, text) is None


def _lint(tmp_path: Path, text: str) -> list[tuple[str, str, int, str]]:
    root = tree(tmp_path, "n1", {"etc/multipath.conf": text})
    found = lint.run([str(root)]).findings
    return sorted((f.code, f.severity, f.line, f.message) for f in found)


def test_brace_below_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """0.4.x reads it silently, 0.6 on logs two lines and reads it (parser.c 441, 433)."""
    found = _lint(tmp_path, BELOW)
    assert [(c, s, line) for c, s, line, _ in found] == [
        ("XC005", "warning", 1),
        ("XC005", "warning", 5),
    ]
    assert "multipath reads the section" in found[0][3]
    assert "'defaults {'" in found[0][3]
    fixed = BELOW.replace("defaults\n{", "defaults {").replace(
        "blacklist # the local disk\n\n# and nothing else\n  {", "blacklist { # the local disk"
    )
    assert _lint(tmp_path, fixed) == []


def test_overrides_below_is_dropped(tmp_path: Path) -> None:
    """is_sublevel_keyword lacks overrides: "missing value for option 'overrides'"."""
    found = _lint(tmp_path, OVERRIDES_BELOW)
    assert [(c, s, line) for c, s, line, _ in found] == [("MP010", "error", 1)]
    assert "drops the whole section" in found[0][3]
    assert _lint(tmp_path, OVERRIDES_BELOW.replace("\n{", " {")) == []


def test_statement_after_the_brace_is_not_read(tmp_path: Path) -> None:
    found = _lint(tmp_path, AFTER)
    assert [(c, s, line) for c, s, line, _ in found] == [
        ("MP010", "error", 2),
        ("MP010", "error", 8),
        ("XC005", "error", 2),
        ("XC005", "error", 8),
    ]
    assert "does not read 'vendor \"IET\"'" in found[2][3]
    assert "ignoring extra data starting with 'vendor'" in found[2][3]
    assert "no vendor it reads" in found[0][3]
    assert "no wwid it reads" in found[1][3]
    fixed = AFTER.replace("{ vendor", "{\n\t\tvendor").replace("{ wwid", "{\n\t\twwid")
    assert _lint(tmp_path, fixed) == []


def test_brace_below_with_a_statement_on_its_line(tmp_path: Path) -> None:
    found = _lint(tmp_path, BELOW_AND_AFTER)
    assert [(c, s, line) for c, s, line, _ in found] == [
        ("XC005", "error", 2),
        ("XC005", "warning", 1),
    ]
    assert "invalid keyword '{'" in found[0][3]


def test_a_section_after_the_brace_stays_a_parse_error() -> None:
    """``devices { device {``: 0.9.4 ignores "device" as extra data, ends ``devices`` at
    the first ``}`` and finds the second unmatched: the device is lost."""
    with pytest.raises(xencfg.ParseError):
        xencfg.load(FIXTURES / "multipath" / "invalid" / "section-after-brace.conf", "multipath")


@pytest.mark.peer
@pytest.mark.parametrize("text", TEXTS)
def test_multipath_t_says_so(tmp_path: Path, text: str) -> None:
    peer = shared_path("oracle", "peers", "peer-multipath")
    if os.geteuid() != 0 or shutil.which("multipath") is None:
        unavailable("peer-multipath needs root and multipath-tools")
    conf = tmp_path / "multipath.conf"
    conf.write_text(text)
    out = subprocess.run([str(peer), str(conf)], capture_output=True, text=True, timeout=120)
    for said in PEER_SAYS[text]:
        assert said in out.stdout, said
    dump = out.stdout
    if text is BELOW:
        assert "\tpolling_interval 7\n" in dump and '\twwid "^36001405"\n' in dump
    if text is OVERRIDES_BELOW:
        assert "\tno_path_retry 7\n" not in dump.split("\noverrides {", 1)[1]


# -- the other brace formats: newlines are blanks there -----------------------------------

DRBD_BELOW = (
    "resource r0\n{\n\tprotocol C;\n\ton xen1\n\t{\n\t\tdevice /dev/drbd0;\n"
    "\t\tdisk /dev/sda1;\n\t\taddress 10.0.0.1:7788;\n\t\tmeta-disk internal;\n\t}\n"
    "\ton xen2\n\t{\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sda1;\n"
    "\t\taddress 10.0.0.2:7788;\n\t\tmeta-disk internal;\n\t}\n}\n"
)
LVM_BELOW = 'devices\n{\n\tfilter = [ "a|.*|" ]\n}\nglobal\n{\n\tlocking_type = 1\n}\n'


def test_drbd_and_lvm_braces_below_are_unchanged(tmp_path: Path) -> None:
    """drbd.conf and lvm.conf read newlines as blanks (drbdadm 8.4 dumps DRBD_BELOW
    without a word: ``peer-drbdadm`` OK); the brace scanner reads them as before."""
    assert check_scanner("drbd", DRBD_BELOW, drbd.reader._scan, drbd.parse_lark)
    doc = xencfg.loads(DRBD_BELOW, "drbd")
    assert xencfg.dumps(doc) == DRBD_BELOW
    assert xencfg.dumps(xencfg.loads(LVM_BELOW, "lvm")) == LVM_BELOW
    assert lvm.parse(LVM_BELOW).dumps() == LVM_BELOW
    root = tree(tmp_path, "n1", {"etc/drbd.conf": DRBD_BELOW, "etc/lvm/lvm.conf": LVM_BELOW})
    errors = [f for f in lint.run([str(root)]).findings if f.severity == "error"]
    assert [f.code for f in errors if f.code in ("XC001", "XC005")] == []
