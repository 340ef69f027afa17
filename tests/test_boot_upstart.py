"""HB018 reads upstart jobs and supportconfig's systemd section.

Upstart (Ubuntu 10.04 to 14.04; RHEL 6 for a few jobs) starts /etc/init/NAME.conf on
the events of its ``start on`` stanza; a ``manual`` stanza, in the job or in
NAME.override whose stanzas win, makes upstart ignore ``start on`` (init(5) of upstart
1.12.1, Ubuntu 14.04, "Override File Handling" and "manual"). A service converted to
upstart (mysql on 12.04 and 14.04) has no rc links, so the rc folders alone missed it.
supportconfig's ``systemd_info`` writes ``systemctl --no-pager list-unit-files`` into
systemd.txt (openSUSE/supportutils bin/supportconfig, 3.2.14 line 1115).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_rules_boot_services import hb018, node, prim
from xencfg import lint

JOB = """# MySQL Service
description "MySQL Server"
start on runlevel [2345]
stop on starting rc RUNLEVEL=[016]
exec /usr/sbin/mysqld
"""


@pytest.mark.parametrize(
    ("files", "found"),
    [
        ({"init/mysql.conf": JOB}, [("warning", "mysql")]),
        ({"init/mysql.conf": JOB, "init/mysql.override": "manual\n"}, []),
        ({"init/mysql.conf": JOB + "manual\n"}, []),
        ({"init/mysql.conf": JOB.replace("start on", "# start on")}, []),
        ({"init/mysql.conf": JOB.replace("start on", "start-on")}, []),
        ({"init/ssh.conf": JOB}, []),
    ],
)
def test_upstart_job(tmp_path: Path, files: dict[str, str], found: list[object]) -> None:
    root = node(tmp_path, resources=prim("db", "upstart:mysql"), files=files)
    assert hb018(root) == found


def test_supportconfig_systemd_txt(tmp_path: Path) -> None:
    root = tmp_path / "scc_xen1_261207_0600"
    root.mkdir()
    (root / "ha.txt").write_text(
        "#==[ Configuration File ]===========================#\n"
        "# /etc/ha.d/haresources - Last Modified Size: 30\n"
        "xen1 IPaddr::10.0.0.9 apache2\n"
    )
    banner = "#==[ Command ]======================================#\n"
    (root / "systemd.txt").write_text(
        f"{banner}# /usr/bin/systemctl --no-pager --all list-units\n"
        "apache2.service  loaded active running  The Apache Webserver\n\n"
        f"{banner}# /usr/bin/systemctl --no-pager list-unit-files\n"
        "UNIT FILE          STATE\napache2.service    enabled\nsshd.service  enabled\n"
    )
    found = lint.run([str(root)], select=["HB018"]).findings
    assert [f.message.split(" is started")[0] for f in found] == ["apache2"]
    assert "(systemd.txt: enabled on" in found[0].message
    (root / "systemd.txt").write_text(
        f"{banner}# /usr/bin/systemctl --no-pager list-unit-files\n"
        "UNIT FILE          STATE\napache2.service    disabled\n"
    )
    assert lint.run([str(root)], select=["HB018"]).findings == []
