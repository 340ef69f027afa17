"""An empty statement (``;;``) in drbd.conf: drbdadm 8.4 and 9 take it in a DRBD Proxy
``plugin { }`` block and nowhere else; 8.3's drbdadm crashes on it there (DR044).

Verdicts are peer-drbdadm's (drbd-utils 9.22, /work/shared/oracle/peers) and the
drbd-utils source: ``proxy_delegate`` in user/v9/drbdadm_parser.c and
user/v84/drbdadm_parser.c reads a plugin line's words up to ';' and makes an option
of the words it got, none included; user/v83/drbdadm_parser.c (removed in commit
be953fbd, "remove 8.3 utils"; line 1397 of its parent) sets ``pnp = &line`` without
setting ``line`` and, for a ';' first, hands that unset list to ``names_to_str``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roundtrip import check_scanner
from test_gaps_drbd import peer
from xencfg import lint
from xencfg.formats.drbd import reader
from xencfg.versions import parse_targets

BASE = """resource r0 {
  protocol C;
  proxy {
    memlimit 128M;
    plugin {
      zstd level 4;
    }
  }
  on alpha {
    device /dev/drbd1;
    disk /dev/sda1;
    address 10.0.0.1:7789;
    meta-disk internal;
  }
  on beta {
    device /dev/drbd1;
    disk /dev/sda1;
    address 10.0.0.2:7789;
    meta-disk internal;
  }
}
"""

#: name -> (text, drbdadm 8.4 and 9 accept it). peer-drbdadm --mode 84 and --mode 9 on
#: each: OK, OK, OK, then "global.conf:2: Parse error: 'dialog-refresh | minor-count |
#: disable-ip-verification' expected, but got ';'" (8.3 too), "memlimit.conf:4: Parse
#: error: 'an option keyword' expected, but got ';'" (84, 83; 9: 'expected "{" after
#: "proxy" keyword'), "device.conf:9: ... but got ';'".
CASES = {
    "plugin-after": (BASE.replace("zstd level 4;", "zstd level 4;;"), True),
    "plugin-before": (BASE.replace("zstd level 4;", ";zstd level 4;"), True),
    "plugin-alone": (BASE.replace("zstd level 4;", ";"), True),
    "global": ("global {\n  disable-ip-verification;;\n}\n" + BASE, False),
    "memlimit": (BASE.replace("memlimit 128M;", "memlimit 128M;;"), False),
    "device": (BASE.replace("device /dev/drbd1;", "device /dev/drbd1;;", 1), False),
    "top": (BASE + ";\n", False),
}


def _found(path: Path, *targets: str) -> list[tuple[str, str, int]]:
    versions = parse_targets(targets) if targets else None
    result = lint.run(
        [str(path)], select=["XC001", "DR044"], force_format="drbd", versions=versions
    )
    return [(f.code, f.severity, f.line) for f in result.findings]


@pytest.mark.parametrize("name", sorted(CASES))
def test_empty_statement_refused_only_outside_plugin(name: str, tmp_path: Path) -> None:
    text, accepted = CASES[name]
    conf = tmp_path / "drbd.conf"
    conf.write_text(text)
    got = [c for c in _found(conf, "drbd=8.4") if c[0] == "XC001"]
    assert (got == []) is accepted, got


@pytest.mark.parametrize("name", sorted(CASES))
def test_scanner_and_grammar_agree(name: str) -> None:
    """The fast scanner builds the grammar's tree and the text comes back byte for byte."""
    assert check_scanner("drbd", CASES[name][0], reader._scan, reader.parse_lark)


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        # peer-drbdadm --mode 83 --node alpha: "Segmentation fault" (rc 139)
        (("drbd=8.3",), [("DR044", "error", 6)]),
        # release unknown: it may be 8.3
        ((), [("DR044", "warning", 6)]),
        # --mode 84 and --mode 9: OK
        (("drbd=8.4",), []),
        (("drbd=9.2",), []),
    ],
)
def test_dr044_by_release(
    targets: tuple[str, ...], expected: list[tuple[str, str, int]], tmp_path: Path
) -> None:
    conf = tmp_path / "drbd.conf"
    conf.write_text(CASES["plugin-after"][0])
    assert _found(conf, *targets) == expected
    conf.write_text(BASE)  # one line per plugin option: nothing to say
    assert _found(conf, *targets) == []


@pytest.mark.peer
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mode", ["83", "84", "9"])
def test_verdicts_are_drbdadms(name: str, mode: str, tmp_path: Path) -> None:
    text, accepted = CASES[name]
    accepted = accepted and mode != "83"  # (8.3 crashes on an empty plugin line: DR044)
    if mode == "9":  # (drbd 9 wants node ids where a resource is not stacked)
        text = text.replace("on alpha {", "on alpha {\n    node-id 0;")
        text = text.replace("on beta {", "on beta {\n    node-id 1;")
    conf = tmp_path / "drbd.conf"
    conf.write_text(text)
    ok, out = peer(conf, mode)
    assert ok is accepted, out[:300]


@pytest.mark.peer
def test_drbdadm_83_crashes_on_empty_plugin_line(tmp_path: Path) -> None:
    conf = tmp_path / "drbd.conf"
    for text, crashes in ((CASES["plugin-after"][0], True), (BASE, False)):
        conf.write_text(text)
        ok, out = peer(conf, "83")
        assert ("Segmentation fault" in out) is crashes, out[:300]
        assert ok is not crashes
