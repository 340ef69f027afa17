"""Hostile inputs, sixth campaign: digit runs of unbounded length inside words (a key's
ring number, a disk path's minor, an ISO duration, a regex bound, a release number),
which the number fuzzer (standalone numerals only) never reaches. ``int()`` refuses more
than 4,300 digits: each case was a traceback or a crashed rule (XC006; ``XENCFG_DEBUG``,
set by conftest, makes that a raise)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from xencfg import lint

_BIG = "9" * 5000
_STATE = "var/lib/xencfg/state"


def _node(tmp_path: Path, files: dict[str, str]) -> Path:
    node = tmp_path / "n1"
    for rel, text in {"etc/hostname": "n1\n", **files}.items():
        (node / rel).parent.mkdir(parents=True, exist_ok=True)
        (node / rel).write_text(text)
    return node


def _crashed(paths: list[Path]) -> list[str]:
    return [f.message for f in lint.run([str(p) for p in paths]).findings if f.code == "XC006"]


_CIB_LOCATION = (
    '<cib validate-with="pacemaker-2.6" epoch="1" admin_epoch="0" num_updates="0">'
    "<configuration><crm_config/><nodes/><resources/><constraints>"
    '<rsc_location id="l" rsc-pattern="PATTERN" node="n1" score="-INFINITY"/>'
    "</constraints></configuration><status/></cib>\n"
)


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        # xl_disk: colo-port was int() of '\d*' (now atoi, as libxlu's C reads it)
        (
            "etc/xen/vm.cfg",
            f"name = 'vm'\nmemory = 512\n"
            f"disk = ['format=raw, vdev=xvda, access=rw, colo-port={_BIG}, target=/dev/sda']\n",
        ),
        # corosync: a ringN_addr key's N (INTERFACE_MAX check)
        (
            "etc/corosync/corosync.conf",
            f"totem {{\n version: 2\n}}\nnodelist {{\n node {{\n  ring{_BIG}_addr: 10.0.0.1\n"
            "  nodeid: 1\n }\n}\n",
        ),
        # iscsid: a number with a comment after it (iscsid's strtoul stops at the blank)
        ("etc/iscsi/iscsid.conf", f"node.session.timeo.replacement_timeout = {_BIG} # x\n"),
        # multipath: a regex bound Python's re module reads with int()
        ("etc/multipath.conf", f'blacklist {{\n devnode "^sd[a-z]{{{_BIG}}}"\n}}\n'),
        # CIB: an ISO 8601 duration's fields (an op's interval)
        (
            "var/lib/heartbeat/crm/cib.xml",
            '<cib validate-with="pacemaker-1.0" epoch="1" admin_epoch="0" num_updates="0">'
            '<configuration><crm_config/><nodes/><resources><primitive id="p" class="ocf"'
            ' provider="heartbeat" type="Dummy"><operations><op id="o" name="monitor" '
            f'interval="PT{_BIG}S"/></operations></primitive></resources><constraints/>'
            "</configuration><status/></cib>\n",
        ),
        # CIB: rsc-pattern bounds checked as glibc's regcomp reads them
        ("var/lib/pacemaker/cib/cib.xml", _CIB_LOCATION.replace("PATTERN", f"a{{3,{_BIG}}}")),
        ("var/lib/pacemaker/cib/cib.xml", _CIB_LOCATION.replace("PATTERN", "a{\u00b2,3}")),
        # proc/drbd's release (versions.infer): a part of 5,000 digits, and five parts
        (f"{_STATE}/proc_drbd.txt", f"version: 8.{_BIG}.11 (api:88/proto:86-96)\n"),
        (f"{_STATE}/proc_drbd.txt", "version: 8.3.11.1.2 (api:88/proto:86-96)\n"),
    ],
)
def test_long_digit_runs_in_words_crash_nothing(tmp_path: Path, rel: str, text: str) -> None:
    assert not _crashed([_node(tmp_path, {rel: text})])


@pytest.mark.parametrize("dc", ["1.0.9.1.2-abc", f"1.0.{_BIG}-abc"])
def test_an_odd_dc_version_is_no_release_evidence(dc: str) -> None:
    """A Pacemaker 1.0 CIB's dc-version tells the release (versions.infer): five parts
    made Version.parse raise, a part of 5,000 digits int(); either was a traceback."""
    cib = (
        '<cib validate-with="pacemaker-1.0" epoch="1" admin_epoch="0" num_updates="0">'
        '<configuration><crm_config><cluster_property_set id="o"><nvpair id="d" '
        f'name="dc-version" value="{dc}"/></cluster_property_set></crm_config><nodes/>'
        "<resources/><constraints/></configuration><status/></cib>\n"
    )
    result = xencfg.lint_text(cib, "cib", path="var/lib/heartbeat/crm/cib.xml")
    assert not [f for f in result.findings if f.code == "XC006"]


def test_iscsid_reads_long_digits_as_strtoul_does() -> None:
    """iscsid's strtoul saturates: 5,000 digits are a number outside the range, with a
    comment after them or not (to_int refused the bare run: 'not a number')."""
    from xencfg.formats.lines.iscsid import value_problem

    for raw in (_BIG, f"{_BIG} # x"):
        why = value_problem("node.session.cmds_max", raw)
        assert why is not None and "is outside" in why


def test_regcomp_bounds_are_ascii_digits() -> None:
    from xencfg.regex import problems, regcomp_refuses

    assert regcomp_refuses("a{\u00b2,3}") == "Invalid content of \\{\\}"
    assert regcomp_refuses(f"a{{{_BIG},3}}") == "Invalid content of \\{\\}"
    assert regcomp_refuses(f"a{{3,{_BIG}}}") is None
    assert problems(f"a{{{_BIG}}}") == []


def _two_node(tmp_path: Path, example: str) -> Path:
    tree = tmp_path / "t"
    shutil.copytree(ROOT / "examples" / example, tree)
    for key in tree.rglob("authkeys"):
        os.chmod(key, 0o600)
    return tree


def _replace(tree: Path, rel: str, old: str, new: str) -> None:
    for node in ("alpha", "beta"):
        path = tree / node / rel
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))


def test_a_huge_drbd_volume_in_a_by_res_path_crashes_no_rule(tmp_path: Path) -> None:
    """DR's guest rule read the volume of ``/dev/drbd/by-res/RES/VOL`` with int()."""
    tree = _two_node(tmp_path, "two-node")
    disk = f"'phy:/dev/drbd/by-res/web/{_BIG},xvda,w'"
    _replace(tree, "etc/xen/domains/web", "'drbd:web,xvda,w'", disk)
    assert not _crashed([tree])


def test_a_huge_drbd_minor_of_a_migrating_guest_crashes_no_rule(tmp_path: Path) -> None:
    """CB004 (allow-migrate without dual primary) read ``/dev/drbdN``'s N with int()."""
    tree = _two_node(tmp_path, "mistakes")
    _replace(tree, "etc/xen/domains/web", "'drbd:web,xvda,w'", f"'phy:/dev/drbd{_BIG},xvda,w'")
    cib = "var/lib/heartbeat/crm/cib.xml"
    _replace(tree, cib, 'name="allow-migrate"', 'name="allow_migrate"')
    assert not _crashed([tree])


def test_a_decimal_literal_past_int_limit_is_a_located_xm_error() -> None:
    """Python 2's reader (formats/xen/_py2.py) read a NUMBER token with int(), which
    refuses 5,000 digits: the whole file was 'cannot parse as Python: ValueError', with
    no line. It is now code, which Python's own parser refuses at its line."""
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(f"name = 'a'\nmemory = {_BIG}\n", "xm")
    assert info.value.line == 2


def test_a_password_that_is_the_word_password_garbles_no_message(tmp_path: Path) -> None:
    """Masking replaced the secret inside the report's own words: CB020 read
    "'ilo_********' holds a placeholder or guessable ********". Where the word stands as
    a value (quoted, after '='), it is still masked."""
    from xencfg.secrets import mask_values, redact

    cib = tmp_path / "cib.xml"
    cib.write_text(
        '<cib validate-with="pacemaker-1.0" epoch="1" admin_epoch="0" num_updates="0">'
        '<configuration><crm_config/><nodes/><resources><primitive id="f" class="stonith" '
        'type="external/riloe"><instance_attributes id="f-ia"><nvpair id="f-pw" '
        'name="ilo_password" value="password"/></instance_attributes></primitive>'
        "</resources><constraints/></configuration><status/></cib>\n"
    )
    result = lint.run([str(cib)], select=["CB020"])
    text = redact(result.findings[0].message, result.secrets)
    assert text == "'ilo_password' holds a placeholder or guessable password"
    xml = redact('<nvpair name="ilo_password" value="password"/> k=password', ["password"])
    assert xml == '<nvpair name="ilo_password" value="********"/> k=********'
    assert mask_values({"ilo_password": "password"}, ["password"]) == {"ilo_password": "********"}


def test_a_broken_loose_domu_file_gets_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A domU config given alone that neither xm nor xl parses said 'format not
    recognised' (each sniffer wants a file it parses); a node tree's xen/ folder already
    reported its syntax error (XC001). Its name (``*.cfg``) or folder (``xen/``) and a
    domU setting now say xl or xm; a file of another name keeps the old answer."""
    from xencfg.cli import main

    broken = "name = 'vm01'\nmemory = 512\ndisk = ['phy:/dev/sda,xvda,w'\nvif = []\n"
    (tmp_path / "xen").mkdir()
    for rel in ("vm01.cfg", "xen/vm01", "vm01"):
        (tmp_path / rel).write_text(broken)
    assert main(["lint", str(tmp_path / "vm01.cfg"), str(tmp_path / "xen" / "vm01")]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'vm01.cfg'}:4:1: XC001 " in out
    assert f"{tmp_path / 'xen' / 'vm01'}:3:8: XC001 " in out
    for rel, text in (("vm01", broken), ("notes.cfg", "some words\n")):
        (tmp_path / rel).write_text(text)
        assert main(["lint", str(tmp_path / rel)]) == 2
        assert "format not recognised" in capsys.readouterr().err
