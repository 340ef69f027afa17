"""CB040: a positive ``stonith-watchdog-timeout`` shorter than a node's
``SBD_WATCHDOG_TIMEOUT``. Pacemaker's controller compares the two on every node and
exits (Pacemaker 2.1.2 lib/common/watchdog.c ``pcmk__valid_sbd_timeout``: "Shutting
down: stonith-watchdog-timeout (%s) too short (must be >%ldms)", ``crm_exit
(CRM_EX_FATAL)`` when ``st_timeout < sbd_timeout``; both read by ``crm_get_msec``, a
bare number in seconds, lib/common/strings.c; a negative option is twice SBD's
timeout, 0 is off). SBD_WATCHDOG_TIMEOUT reaches it from /etc/sysconfig/sbd through
pacemaker.service's ``EnvironmentFile=-@CONFIGDIR@/sbd``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import found, tree
from xencfg import lint
from xencfg.formats.schema import Version

SBD = (
    'SBD_DEVICE="/dev/disk/by-id/scsi-3600140500000000000000000000000a1"\nSBD_WATCHDOG_TIMEOUT={}\n'
)


def cib(watchdog: str) -> str:
    return (
        '<cib validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0">\n'
        "  <configuration>\n    <crm_config>\n"
        '      <cluster_property_set id="cib-bootstrap-options">\n'
        '        <nvpair id="o-1" name="stonith-enabled" value="true"/>\n'
        f'        <nvpair id="o-2" name="stonith-watchdog-timeout" value="{watchdog}"/>\n'
        "      </cluster_property_set>\n    </crm_config>\n"
        '    <nodes>\n      <node id="1" uname="alpha"/>\n    </nodes>\n'
        "    <resources>\n"
        '      <primitive id="stonith-sbd" class="stonith" type="external/sbd">\n'
        '        <operations><op id="m" name="monitor" interval="600s"/></operations>\n'
        "      </primitive>\n"
        "    </resources>\n    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n"
    )


def node(tmp: Path, name: str, watchdog: str, sbd_timeout: str | None = "10") -> Path:
    files = {"etc/hostname": "alpha\n", "var/lib/pacemaker/cib/cib.xml": cib(watchdog)}
    if sbd_timeout is not None:
        files["etc/sysconfig/sbd"] = SBD.format(sbd_timeout)
    return tree(tmp, name, files)


def test_cb040_watchdog_timeout_below_sbds(tmp_path: Path) -> None:
    bad = node(tmp_path, "bad", "5")
    good = node(tmp_path, "good", "20")
    assert found("CB040", bad) == [("CB040", "cib.xml", 6, [2])]
    assert found("CB040", good) == []


@pytest.mark.parametrize(
    ("watchdog", "sbd_timeout", "hit"),
    [
        ("9500ms", "10", True),  # crm_get_msec: units; 9500 < 10000
        ("10s", "10", False),  # equal: st_timeout < sbd_timeout is false
        ("0", "10", False),  # watchdog fencing off
        ("-1", "10", False),  # twice SBD_WATCHDOG_TIMEOUT
        ("5", None, False),  # no SBD_WATCHDOG_TIMEOUT: getenv NULL, nothing compared
        ("5", "$T", False),  # a shell expansion: not read here
    ],
)
def test_cb040_values_as_crm_get_msec_reads_them(
    tmp_path: Path, watchdog: str, sbd_timeout: str | None, hit: bool
) -> None:
    root = node(tmp_path, "n", watchdog, sbd_timeout)
    assert bool(found("CB040", root)) is hit


def test_cb040_not_before_pacemaker_1_1_14(tmp_path: Path) -> None:
    """Pacemaker 1.1.14 brought the comparison (crmd/control.c "is too short")."""
    bad = node(tmp_path, "bad", "5")
    old = lint.run([str(bad)], select=["CB040"], versions={"pacemaker": Version.parse("1.1.13")})
    assert old.findings == []
    new = lint.run([str(bad)], select=["CB040"], versions={"pacemaker": Version.parse("1.1.14")})
    assert [f.code for f in new.findings] == ["CB040"]
