"""Numbers with thousands of digits: the daemons' C readers saturate (strtoul, strtol,
atoi) or refuse with their own message, so lint says "out of range" or "above N" and
what the daemon reads, never "not a number" (``int()`` refused past 4,300 digits)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.formats.view import to_int
from xencfg.syntax.numbers import HUGE, c_int, shown, written

HUGE_DIGITS = "9" * 5000


def _expect(got: list[str], expected: str | None) -> None:
    """No finding where ``expected`` is None, else one holding ``expected``."""
    assert not any("not a number" in m for m in got), got
    if expected is None:
        assert got == []
    else:
        assert any(expected in m for m in got), got


def _messages(path: Path, fmt: str, text: str) -> list[str]:
    path.write_text(text)
    if fmt == "authkeys":
        os.chmod(path, 0o600)
    result = lint.run([str(path)], force_format=fmt)
    return [f"{f.code} {f.severity} {f.message}" for f in result.findings]


def test_to_int_reads_any_length_of_digits() -> None:
    assert to_int(HUGE_DIGITS) == HUGE
    assert to_int("-" + HUGE_DIGITS) == -HUGE
    assert to_int(" 12 ") == 12
    assert to_int("12x") is None
    assert shown(HUGE) == "10^40 or more" and shown(7) == "7"
    assert written(HUGE_DIGITS) == "999999999999... (5000 characters)"


def test_c_int_is_glibc_atoi() -> None:
    # glibc atoi is (int) strtol: strtol saturates at LONG_MAX, the int keeps 32 bits
    assert c_int(HUGE) == -1
    assert c_int(70000) == 70000
    assert c_int(2**32 + 5) == 5
    assert c_int(2**31) == -(2**31)


CLUSTER = """node:
\tip_port = PORT
\tip_address = 192.168.1.1
\tnumber = NUMBER
\tname = host1
\tcluster = ocfs2
cluster:
\tnode_count = 1
\tname = ocfs2
"""


@pytest.mark.parametrize(
    ("number", "port", "refused"),
    [
        # peer-o2cb (ocfs2-tools 1.8.7) on a 5000-digit number or ip_port: "REJECT (o2cb
        # rc=1): o2cb: Unknown code ____ 222 while loading cluster configuration file"
        (HUGE_DIGITS, "7777", True),
        ("0", HUGE_DIGITS, True),
        ("0", "7777", False),
    ],
)
def test_ocfs2_huge_number_is_out_of_range(
    tmp_path: Path, number: str, port: str, refused: bool
) -> None:
    text = CLUSTER.replace("NUMBER", number).replace("PORT", port)
    got = _messages(tmp_path / "cluster.conf", "ocfs2", text)
    assert not any("not a number" in m for m in got), got
    assert any("OC010 error" in m and "10^40 or more" in m for m in got) is refused, got


@pytest.mark.parametrize(
    ("lun", "expected"),
    [
        # usr/plain.c (0.4.17 line 564, 1.4.19 line 625): u32 lun = strtol(q, &q, 10);
        # kernel/volume.c volume_add: "if (info->lun > 0x3fff)" -EINVAL
        (HUGE_DIGITS, "LUN 10^40 or more is above 16383, the highest IET takes"),
        ("4294967296", "ietd reads it into 32 bits, as LUN 0"),
        ("16384", "the LUN is not exported"),
        ("16383", None),
    ],
)
def test_ietd_lun_above_16383(tmp_path: Path, lun: str, expected: str | None) -> None:
    text = f"Target iqn.2001-04.com.example:t1\n\tLun {lun} Path=/dev/sdb,Type=blockio\n"
    _expect([m for m in _messages(tmp_path / "ietd.conf", "ietd", text) if "XC005" in m], expected)


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        # heartbeat config.c set_udpport: "int port = atoi(value); if (port <= 0)
        # ... invalid port [%s] specified" and heartbeat does not start
        (HUGE_DIGITS, "XC005 error udpport 10^40 or more is not a UDP port: heartbeat's atoi"),
        # atoi keeps 70000; htons keeps the low 16 bits (the warning it had before)
        ("70000", "heartbeat starts and uses port 4464"),
        ("694", None),
    ],
)
def test_hacf_udpport_read_with_atoi(tmp_path: Path, port: str, expected: str | None) -> None:
    text = f"udpport {port}\nkeepalive 2\ndeadtime 30\nbcast eth0\nnode a b\n"
    _expect([m for m in _messages(tmp_path / "ha.cf", "hacf", text) if "XC005" in m], expected)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        # nodemanager.c o2nm_cluster_attr_write: "if (tmp >= (u32)-1) return -ERANGE;"
        (HUGE_DIGITS, True),
        ("4294967295", True),
        ("4294967294", False),
        ("30000", False),
    ],
)
def test_o2cb_timeout_above_o2nm_maximum(tmp_path: Path, value: str, refused: bool) -> None:
    text = f"O2CB_ENABLED=true\nO2CB_IDLE_TIMEOUT_MS={value}\n"
    got = [m for m in _messages(tmp_path / "o2cb", "shellvars", text) if "XC005" in m]
    assert not any("not a number" in m for m in got), got
    assert any("above 4294967294, the most o2nm takes" in m for m in got) is refused, got


def test_authkeys_huge_auth_number(tmp_path: Path) -> None:
    got = _messages(tmp_path / "authkeys", "authkeys", f"auth {HUGE_DIGITS}\n1 crc\n")
    assert any(m.startswith("HB009 error auth 10^40 or more names no usable") for m in got), got
    got = _messages(tmp_path / "authkeys", "authkeys", "auth 1\n1 crc\n")
    assert not any("HB009" in m for m in got), got


def test_corosync_message_does_not_repeat_the_digits(tmp_path: Path) -> None:
    text = f"totem {{\n  version: 2\n  token: {HUGE_DIGITS}\n}}\n"
    got = [m for m in _messages(tmp_path / "corosync.conf", "corosync", text) if "token" in m]
    assert got and all(len(m) < 400 for m in got), got
    assert "999999999999... (5000 characters)" in got[0]


def test_drbd_messages_do_not_repeat_the_digits(tmp_path: Path) -> None:
    # peer-drbdadm --mode 84 and 9: "Parse error: 'TK_INTEGER' expected, but got
    # '99999999999999999999...'": a word past 128 characters is no token (DR016)
    text = (
        f"resource r0 {{\n  device /dev/drbd0 minor {HUGE_DIGITS};\n  disk /dev/sda1;\n"
        f"  meta-disk internal;\n  on alpha {{ address 10.0.0.1:7789; node-id {HUGE_DIGITS}; }}\n"
        "  on beta { address 10.0.0.2:7789; node-id 1; }\n}\n"
    )
    got = _messages(tmp_path / "drbd.conf", "drbd", text)
    assert sum("DR016" in m for m in got) == 2, got
    assert any("XC005" in m and "node-id '999999999999... (5000" in m for m in got), got
    assert all(len(m) < 400 for m in got), got


@pytest.mark.parametrize(
    ("key", "value", "refused"),
    [
        # peer-o2cb (ocfs2-tools 1.8.7): number 2147483646 loads, 2147483647 is "Unknown
        # code ____ 222 while loading cluster configuration file"; ip_port and
        # node_count 4294967295 load, 4294967296 and 5,000 digits are refused alike
        ("number", "2147483646", False),
        ("number", "2147483647", True),
        ("ip_port", "4294967295", False),
        ("ip_port", "4294967296", True),
        ("node_count", "4294967295", False),
        ("node_count", HUGE_DIGITS, True),
    ],
)
def test_ocfs2_numbers_o2cb_refuses(tmp_path: Path, key: str, value: str, refused: bool) -> None:
    text = CLUSTER.replace("NUMBER", "0").replace("PORT", "7777")
    text = re.sub(rf"({key} = )\S+", lambda m: m.group(1) + value, text)
    got = [m for m in _messages(tmp_path / "cluster.conf", "ocfs2", text) if "OC004" in m]
    assert any("the most o2cb reads: o2cb rejects the file" in m for m in got) is refused, got
