"""multipath.conf's old spellings and newer keywords, section by section: a release
reads each only in the sections its libmultipath/dict.c ``init_keywords`` installs
it in (opensvc/multipath-tools, every tag from 0.4.5 to 0.14.3 read), and says
"invalid keyword in the device section: udev_dir" elsewhere.

Lines of dict.c: 0.4.8 installs ``udev_dir`` (1522), ``selector`` (1523),
``getuid_callout`` (1525), ``prio_callout`` (1526), ``pg_timeout`` (1533) under
``install_keyword_root("defaults")`` (1520); ``getuid_callout`` (1577),
``prio_callout`` (1582), ``pg_timeout`` (1587) under ``devices`` (1570);
``pg_timeout`` (1601) alone under ``multipaths`` (1590). 0.9.4 adds
``getuid_callout`` under ``overrides`` (2230; 0.6.0 brought the section), never
``pg_timeout`` there. 0.9.7 installs ``auto_resize`` under ``defaults`` only (2180),
``detect_pgpolicy`` under defaults, devices and overrides (2153, 2246, 2290).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from xencfg import lint

CONF = """defaults {
\tuser_friendly_names yes
\tgetuid_callout "/lib/udev/scsi_id -g -u -s /block/%n"
\tudev_dir /dev
}
devices {
\tdevice {
\t\tvendor "IBM"
\t\tproduct "2145"
\t\tgetuid_callout "/lib/udev/scsi_id -g -u -s /block/%n"
\t\tpg_timeout 10
\t\tudev_dir /dev
\t\tdefault_selector "round-robin 0"
\t\tauto_resize grow_on_resize
\t}
}
multipaths {
\tmultipath {
\t\twwid 3600a0b800011a1ee0000
\t\tpg_timeout 10
\t\tgetuid_callout "/lib/udev/scsi_id -g -u -s /block/%n"
\t\tprio_callout "/sbin/mpath_prio_alua %n"
\t}
}
overrides {
\tgetuid_callout "/lib/udev/scsi_id -g -u -s /block/%n"
\tpg_timeout 10
}
"""

#: Lines no release reads where they stand (peer-multipath, 0.9.4: "line N, invalid
#: keyword in the X section: K" for each, and "ignoring deprecated option" for the
#: others, lines 3, 10, 11, 20 and 26; line 4's udev_dir is "invalid keyword in the
#: defaults section" in 0.9.4, which dropped it, where 0.4.5 to 0.4.9 read it).
MISPLACED = {12: "udev_dir", 13: "default_selector", 14: "auto_resize", 21: "getuid_callout"}
MISPLACED |= {22: "prio_callout", 27: "pg_timeout"}


def _misplaced(path: Path, *targets: str) -> dict[int, str]:
    from xencfg.versions import parse_targets

    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], force_format="multipath", versions=versions)
    found = {}
    for f in result.findings:
        m = re.match(r"keyword '([^']+)' is not read here, only in: ", f.message)
        if m:
            found[f.line] = m.group(1)
    return found


@pytest.mark.parametrize("targets", [(), ("multipath-tools=0.4.8",), ("multipath-tools=0.9.4",)])
def test_old_spellings_read_only_where_dict_c_installs_them(
    tmp_path: Path, targets: tuple[str, ...]
) -> None:
    conf = tmp_path / "multipath.conf"
    conf.write_text(CONF)
    assert _misplaced(conf, *targets) == MISPLACED


def test_where_the_message_says_they_are_read(tmp_path: Path) -> None:
    conf = tmp_path / "multipath.conf"
    conf.write_text(CONF)
    messages = {f.line: f.message for f in lint.run([str(conf)], force_format="multipath").findings}
    assert messages[27].endswith("only in: defaults, device, multipath")
    assert messages[14].endswith("only in: defaults")


@pytest.mark.peer
def test_misplaced_lines_are_multipaths_invalid_keywords(tmp_path: Path) -> None:
    wrapper = peer_tool("peer-multipath", "multipath")
    conf = tmp_path / "multipath.conf"
    conf.write_text(CONF)
    p = subprocess.run(
        [str(wrapper), str(conf)], capture_output=True, text=True, timeout=120, check=False
    )
    invalid = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"line (\d+), invalid keyword in the \w+ section: (\S+)", p.stdout)
    }
    # 0.9.4 no longer reads udev_dir at all (line 4): an old spelling there, XC004's
    assert invalid == MISPLACED | {4: "udev_dir"}, p.stdout[:600]
