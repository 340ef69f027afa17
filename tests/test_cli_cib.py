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


HB2 = (
    '<cib admin_epoch="0" epoch="1" num_updates="1"><configuration>'
    '<crm_config><cluster_property_set id="o"><attributes>'
    '<nvpair id="a" name="default_resource_stickiness" value="100"/>'
    "</attributes></cluster_property_set></crm_config>"
    "<nodes/><resources/><constraints/></configuration><status/></cib>\n"
)


def test_convert_pacemaker11_is_opt_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "cib.xml"
    src.write_text(HB2)
    plain, moved = tmp_path / "plain.xml", tmp_path / "moved.xml"
    assert main(["cib", "convert", str(src), "-o", str(plain)]) == 0
    assert main(["cib", "convert", "--pacemaker-1.1", str(src), "-o", str(moved)]) == 0
    assert "rsc_defaults" not in plain.read_text()
    assert 'name="default-resource-stickiness"' in plain.read_text()
    text = moved.read_text()
    assert "<rsc_defaults" in text and 'name="resource-stickiness" value="100"' in text
    assert "default-resource-stickiness" not in text
    assert "pacemaker-1.1" in capsys.readouterr().err


def test_fragment_with_a_domu_name_is_found_by_content(tmp_path: Path) -> None:
    import xencfg

    frag = tmp_path / "vm.xm"
    frag.write_text('<primitive id="vm" class="ocf" provider="heartbeat" type="Xen"/>\n')
    assert xencfg.detect(frag) == "cib"
    seed = shared_path("seed-examples", "s002-sles-hasi", "cib", "xenvmnfs.xm")
    assert xencfg.detect(seed) == "cib"
    assert main(["parse", str(seed)]) == 0


def test_a_cib_without_epochs_converts_to_a_valid_one(tmp_path: Path) -> None:
    src = tmp_path / "cib.xml"
    src.write_text(
        "<cib><configuration><crm_config/><nodes/><resources/><constraints/>"
        "</configuration><status/></cib>\n"
    )
    out = tmp_path / "new.xml"
    assert main(["cib", "convert", str(src), "-o", str(out)]) == 0
    text = out.read_text()
    assert 'admin_epoch="0"' in text and 'epoch="0"' in text and 'num_updates="0"' in text
    assert main(["cib", "validate", str(out)]) == 0  # upgrade06's "" is refused by the schema


def test_convert_in_place_is_atomic_and_keeps_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o` naming the input replaces it atomically (mode kept), and not at all when the
    CIB changed on disk between reading and writing (the cluster wrote it meanwhile)."""
    from xencfg.formats.cib import convert as conv

    src = tmp_path / "cib.xml"
    src.write_text(HB2)
    src.chmod(0o600)
    assert main(["cib", "convert", str(src), "-o", str(src)]) == 0
    assert 'name="default-resource-stickiness"' in src.read_text()
    assert src.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["cib.xml"]

    src.write_text(HB2)
    real = conv.convert

    def cluster_writes_meanwhile(*args: object, **kwargs: object) -> object:
        src.write_text(HB2.replace('epoch="1"', 'epoch="2"'))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(conv, "convert", cluster_writes_meanwhile)
    assert main(["cib", "convert", str(src), "-o", str(src)]) == 2
    assert src.read_text() == HB2.replace('epoch="1"', 'epoch="2"')


PCMK10 = ROOT / "tests" / "fixtures" / "cib" / "valid" / "pcmk10.xml"


def test_validate_reports_as_the_rendering_did_without_rendering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cib validate` checks the file as read (``validate_source``): the same report and exit
    code as ``validate`` of the rendered document, which it used before and which took
    parse-time snapshots of every element (~40x the file; issue 22 item 10)."""
    import xencfg
    from xencfg.formats import cib
    from xencfg.formats.cib.model import CibDocument

    text = PCMK10.read_text()
    # one location per line, naming resources that do not exist: libxml2 reports those
    # last, in a per-process random order, which the report sorts by line
    constraints = "".join(
        f'\n<rsc_location id="l{i}" rsc="gone{i}" node="n" score="0"/>' for i in (3, 1, 4, 2)
    )
    broken = tmp_path / "broken.xml"
    broken.write_text(
        text.replace('on-fail="restart"', 'on-fail="reboot"').replace(
            "<constraints>", "<constraints>" + constraints
        )
    )

    def report(path: Path) -> tuple[int, list[str]]:
        errors = cib.validate(xencfg.load(path, "cib"))  # the old way: renders the document
        return int(bool(errors)), [f"{e.path}:{e.line}:{e.column}: {e.message}" for e in errors]

    expected = {p: report(p) for p in (PCMK10, broken)}
    assert expected[PCMK10] == (0, [])
    code, lines = expected[broken]
    assert code == 1 and any("on-fail" in line or "op" in line for line in lines)
    unknown = [line for line in lines if "references an unknown ID" in line]
    assert [u.split('"')[-2] for u in unknown] == ["gone3", "gone1", "gone4", "gone2"]

    def no_rendering(self: CibDocument) -> str:
        raise AssertionError("cib validate rendered the document")

    monkeypatch.setattr(CibDocument, "dumps", no_rendering)
    for path, (code, lines) in expected.items():
        assert main(["cib", "validate", str(path)]) == code
        out, err = capsys.readouterr()
        assert out.splitlines() == lines
        assert err == ("" if lines else f"{path}: valid\n")
