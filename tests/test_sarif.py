"""SARIF output validates against the OASIS SARIF 2.1.0 schema, with related
locations and rule help, so code-scanning services accept it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import sarif_schema
from xencfg.cli import main

MP = "multipaths {{\n\tmultipath {{\n\t\twwid {wwid}\n\t\talias data\n\t}}\n}}\n"


def test_sarif_is_valid_and_carries_related_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema

    monkeypatch.setenv("XENCFG_DOCS_URL", "https://docs.example.net/xencfg/rules/{code}/")

    for name, wwid in (("a", "3600a"), ("b", "3600b")):
        etc = tmp_path / name / "etc"
        etc.mkdir(parents=True)
        (etc / "multipath.conf").write_text(MP.format(wwid=wwid))
        (etc / "hosts").write_text("10.0.0.1 alpha\n10.0.0.2 alpha\n")
    assert main(["lint", "--output-format", "sarif", str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, sarif_schema())
    results = log["runs"][0]["results"]
    mp004 = [r for r in results if r["ruleId"] == "MP004"]
    assert mp004 and all(r["relatedLocations"] for r in mp004)
    related = mp004[0]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith("etc/multipath.conf")
    assert related["region"]["startLine"] == 2  # the other node's multipath entry
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "Why it matters" in rules["MP004"]["help"]["text"]
    # issue 19: help as Markdown (the rule page), helpUri, fingerprints, related messages
    assert rules["MP004"]["help"]["markdown"].startswith("# MP004 ")
    assert rules["MP004"]["helpUri"] == "https://docs.example.net/xencfg/rules/MP004/"
    assert all(r["partialFingerprints"]["xencfg/v1"] for r in results)
    assert len({r["partialFingerprints"]["xencfg/v1"] for r in results}) == len(results)
    assert "MP004" in mp004[0]["relatedLocations"][0]["message"]["text"]


def test_an_invalid_log_is_refused() -> None:
    """The schema check can fail: a result without a message is not SARIF."""
    import jsonschema

    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, sarif_schema())


def test_sarif_uris_name_real_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finding in a captured section (``ha.txt#crm_mon``: text output's name for the
    part of a supportconfig file) points SARIF at the file it was cut from, whose line
    numbers it keeps; a file name's own space or ``#`` is percent-encoded, as a URI
    reference must be (SARIF 2.1.0 3.10.3: ``uri`` is a URI reference, so a bare ``#``
    would start a fragment and the file would not be found)."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    tree = tmp_path / "capture"
    shutil.copytree(root / "examples" / "supportconfig", tree)
    monkeypatch.chdir(tmp_path)
    main(["lint", "--output-format", "sarif", "capture"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris and all("#" not in u and (tmp_path / u).is_file() for u in uris)

    odd = tmp_path / "my node#2" / "etc"
    odd.mkdir(parents=True)
    (odd / "hosts").write_text("10.0.0.1 alpha\n10.0.0.2 alpha\n")
    main(["lint", "--output-format", "sarif", "my node#2"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris and all(u.startswith("my%20node%232/") for u in uris)
