"""``xencfg cib convert --to current`` checks its output with the lint rules that speak for
crm_verify's refusals (lint/converted.py): an error the input carried is
written and reported with its input line (exit 1), one the conversion made is refused.

Each refusal is checked with crm_verify (Pacemaker 2.1.5, the peer-crm-verify wrapper in
../shared/oracle/peers): "Errors found during check: config not valid" for every carried
input below, "OK (crm_verify rc=0)" for the clean one.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import peer_tool
from xencfg.cli import main
from xencfg.formats.cib.convert import Conversion
from xencfg.lint.converted import refusals

PCMK10 = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="xen1" uname="xen1" type="normal"/>
    </nodes>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-ia">
          <nvpair id="ip-ia-ip" name="ip" value="10.0.0.10"/>
        </instance_attributes>
        <operations>
          <op id="ip-mon1" name="monitor" interval="10s"/>
          EXTRA_OP
        </operations>
      </primitive>
    </resources>
    <constraints>CONSTRAINT</constraints>
  </configuration>
  <status/>
</cib>
"""


def _cib(op: str = "", constraint: str = "") -> str:
    return PCMK10.replace("EXTRA_OP", op).replace("CONSTRAINT", constraint)


#: input -> (code, the input line of the element the error is about)
CARRIED = {
    # crm_verify: "ip-mon1 and ip-mon2 ... duplicate" -> config not valid (rules/cib/operations.py)
    "duplicate monitor": (
        _cib('<op id="ip-mon2" name="monitor" interval="10s" timeout="20s"/>'),
        "CB030",
    ),
    # crm_verify: a recurring start -> "Errors found during check: config not valid"
    "recurring start": (_cib('<op id="ip-start" name="start" interval="30s"/>'), "CB030"),
    # crm_verify: loss-policy=fence with stonith-enabled=false -> config not valid
    "ticket fence without stonith": (
        _cib(constraint='<rsc_ticket id="t1" ticket="T" rsc="ip" loss-policy="fence"/>'),
        "CB025",
    ),
    # crm_verify: "Resetting no-quorum-policy to 'stop' because fencing is disabled"
    "suicide without stonith": (
        _cib().replace(
            'value="false"/>',
            'value="false"/>\n<nvpair id="o2" name="no-quorum-policy" value="suicide"/>',
        ),
        "CB033",
    ),
    # crm_verify: "Resource r:0 is of type heartbeat and therefore cannot be used as a
    # promotable clone resource", "Ignoring <clone> resource 'ms' because configuration is invalid"
    "promotable heartbeat agent": (
        _cib(constraint="").replace(
            "    </resources>",
            '      <master id="ms"><primitive id="r" class="heartbeat" type="drbddisk"/></master>\n'
            "    </resources>",
        ),
        "CB026",
    ),
}


HB2 = (
    '<cib admin_epoch="0" epoch="1" num_updates="0">\n <configuration>\n  <crm_config>\n'
    '   <cluster_property_set id="cib-bootstrap-options"><attributes>\n'
    '    <nvpair id="o1" name="stonith_enabled" value="false"/>\n'
    "   </attributes></cluster_property_set>\n  </crm_config>\n"
    '  <nodes><node id="1" uname="xen1" type="normal"/></nodes>\n  <resources>\n'
    '   <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">\n'
    '    <instance_attributes id="ip-ia"><attributes>\n'
    '     <nvpair id="ip-ia-ip" name="ip" value="10.0.0.10"/>\n'
    "    </attributes></instance_attributes>\n    <operations>\n"
    '     <op id="ip-mon1" name="monitor" interval="10s"/>\n'
    '     <op id="ip-mon2" name="monitor" interval="10s" timeout="20s"/>\n'
    "    </operations>\n   </primitive>\n  </resources>\n  <constraints/>\n"
    " </configuration>\n <status/>\n</cib>\n"
)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _crm_verify(path: Path) -> str:
    """peer-crm-verify's verdict line on PATH (skips without ../shared or crm_verify)."""
    peer = peer_tool("peer-crm-verify", "crm_verify")
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=120)
    return run.stdout.splitlines()[0]


def _convert(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *more: str
) -> tuple[int, Path, Any]:
    """``cib convert --to current`` of TEXT to new.xml: exit code, new.xml, the output."""
    src = tmp_path / "cib.xml"
    src.write_text(text)
    out = tmp_path / "new.xml"
    rc = main(["cib", "convert", "--to", "current", str(src), "-o", str(out), *more])
    return rc, out, capsys.readouterr()


def test_a_clean_conversion_exits_0_without_a_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, cap = _convert(tmp_path, _cib(), capsys)
    assert rc == 0
    assert "Pacemaker will refuse" not in cap.err
    assert _crm_verify(out).startswith("OK (crm_verify rc=0)")


@pytest.mark.parametrize("case", sorted(CARRIED))
def test_an_error_the_input_carried_is_written_with_its_line_and_exit_1(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, code = CARRIED[case]
    rc, out, cap = _convert(tmp_path, text, capsys)
    assert rc == 1
    assert out.exists()  # written: the conversion wrote what the administrator had
    lines = [x for x in cap.err.splitlines() if "Pacemaker will refuse this CIB" in x]
    assert len(lines) == 1, cap.err
    # the line of the second op / the rsc_ticket: the element the rule names
    needle = {
        "CB030": 'interval="30s"' if "start" in case else "ip-mon2",
        "CB025": "rsc_ticket",
        "CB033": "suicide",
        "CB026": "<master",
    }
    n = _line_of(text, needle[code])
    assert lines[0].startswith(f"{tmp_path / 'cib.xml'}:{n}: {code} ")
    assert lines[0].endswith(f"carried from the input line {n}")
    assert _crm_verify(out).startswith("REJECT")


def test_check_and_json_report_the_carried_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, _code = CARRIED["duplicate monitor"]
    rc, out, _cap = _convert(tmp_path, text, capsys, "--check")
    assert rc == 1 and not out.exists()
    rc, out, cap = _convert(tmp_path, text, capsys, "--report", "json")
    assert rc == 1 and out.exists()
    [refused] = json.loads(cap.out)["refused"]
    assert refused["code"] == "CB030" and refused["carried"]
    assert refused["line"] == _line_of(text, "ip-mon2")


@pytest.mark.parametrize("target", ["pacemaker-1.0", "pacemaker-1.1"])
def test_the_1_x_targets_are_held_to_the_rules_for_their_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """``--to pacemaker-1.0``/``1.1`` output passes pacemaker-1.0.rng, but two monitors
    of one interval are not the schema's to refuse: the same rules judge it (for that
    release: Pacemaker 1.0 and 1.1 pengine/native.c ``is_op_dup`` schedule neither), it
    is written and reported as carried, exit 1 (it exited 0 before session 28).
    crm_verify 2.1.5 on that output: "Operation ip-mon2 is duplicate of ip-mon1",
    "Errors found during check: config not valid"."""
    src = tmp_path / "cib.xml"
    text = CARRIED["duplicate monitor"][0]
    src.write_text(text)
    out = tmp_path / "new.xml"
    assert main(["cib", "convert", "--to", target, str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"carried from the input line {_line_of(text, 'ip-mon2')}" in err
    assert out.exists()
    assert _crm_verify(out).startswith("REJECT")
    src.write_text(_cib())
    assert main(["cib", "convert", "--to", target, str(src), "-o", str(out)]) == 0


def test_the_line_is_the_input_line_through_heartbeat_2_renames(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A heartbeat 2 CIB goes through the 1.0 step (which moves lines: the ``<attributes>``
    wrappers go); the op keeps its id, so its input line is found. crm_verify on the
    output: "Errors found during check: config not valid"."""
    text = HB2
    rc, out, cap = _convert(tmp_path, text, capsys)
    assert rc == 1 and out.exists()
    n = _line_of(text, "ip-mon2")
    assert f"carried from the input line {n}" in cap.err
    assert _crm_verify(out).startswith("REJECT")


def test_an_error_the_conversion_made_is_refused_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conversion that added an op the input did not have (a stand-in for a converter
    bug: the real steps make none) is refused, as a pacemaker-1.0 output its schema
    refuses: nothing written, exit 1."""
    from xencfg.formats.cib import upgrade as up

    real = up.upgrade

    def broken(text: str, **kw: object) -> Conversion:
        good = real(text, **kw)  # type: ignore[arg-type]  # (the CLI's own keywords)
        bad = good.text.replace(
            '<op id="ip-mon1" name="monitor" interval="10s"/>',
            '<op id="ip-mon1" name="monitor" interval="10s"/>\n'
            '<op id="made" name="monitor" interval="10s" timeout="9s"/>',
        )
        return Conversion(bad, good.changes)

    monkeypatch.setattr(up, "upgrade", broken)
    rc, out, cap = _convert(tmp_path, _cib(), capsys)
    assert rc == 1
    assert not out.exists()
    assert "made by the conversion: not written" in cap.err
    assert "not written" in cap.err.splitlines()[-1]


def test_refusals_place_each_error_on_its_input_element() -> None:
    text, _code = CARRIED["duplicate monitor"]
    # (type="normal" is pacemaker-2.10's last: crm_verify 2.1.5 on the 3.9 relabel "Invalid
    # attribute type for element node")
    current = text.replace('"pacemaker-1.0"', '"pacemaker-3.9"').replace(' type="normal"', "")
    [r] = refusals(text, current)
    assert (r.code, r.line, r.carried) == ("CB030", _line_of(text, "ip-mon2"), True)
    assert refusals(_cib(), _cib()) == []


def test_an_option_the_1_0_step_renamed_keeps_its_input_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 1.0 step renames an heartbeat 2 option and its id (``no_quorum_policy`` ->
    ``cib-bootstrap-options-no-quorum-policy``): the error is still the input's, on its
    line. crm_verify on the output: "Errors found during check: config not valid"."""
    text = HB2.replace(
        '<nvpair id="o1" name="stonith_enabled" value="false"/>',
        '<nvpair id="o1" name="stonith_enabled" value="false"/>'
        '<nvpair id="o2" name="no_quorum_policy" value="bogus"/>',
    ).replace('     <op id="ip-mon2" name="monitor" interval="10s" timeout="20s"/>\n', "")
    rc, out, cap = _convert(tmp_path, text, capsys)
    assert rc == 1 and out.exists()
    n = _line_of(text, "no_quorum_policy")
    assert f"{n}: CB041 Pacemaker will refuse this CIB: " in cap.err
    assert f"carried from the input line {n}" in cap.err
    assert _crm_verify(out).startswith("REJECT")
