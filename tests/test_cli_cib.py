"""`xencfg cib validate` and `xencfg cib convert` on our own example and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from xencfg.cli import main

EXAMPLE = ROOT / "examples" / "two-node" / "alpha" / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"


def test_validate_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cib", "validate", str(EXAMPLE)]) == 0
    assert "valid" in capsys.readouterr().err


def test_convert_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = shared_path("seed-examples", "s001-drbd-heartbeat", "cib", "bootstrap.xml")
    before = seed.read_bytes()
    assert main(["cib", "convert", "--check", str(seed)]) == 1  # changes would be made
    assert "stop-orphan-resources" in capsys.readouterr().err
    out = tmp_path / "new.xml"
    assert main(["cib", "convert", str(seed), "-o", str(out)]) == 0
    assert 'name="stonith-enabled"' in out.read_text()
    assert seed.read_bytes() == before
    assert main(["cib", "convert", "--check", str(out)]) in (0, 1)


def test_convert_broken_seed_is_a_located_error(capsys: pytest.CaptureFixture[str]) -> None:
    seed = shared_path("seed-examples", "s002-sles-hasi", "cib", "ilo-v1-snippet.xml")
    assert main(["cib", "convert", str(seed)]) == 2
    err = capsys.readouterr().err
    assert ":2:" in err and "Traceback" not in err
