"""Settings files (issue 19 "Settings", issue 15 part 4): where they are found, that every
key and value is validated (exit 2 naming the key), and what each key does."""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import config
from xencfg.cli import main
from xencfg.formats.schema import V

# udev_dir: an XC004 warning (deprecated keyword) on line 2
WARN = "defaults {\n\tudev_dir /dev\n}\n"


def etc_tree(tmp_path: Path, settings: str | None = None, name: str = ".xencfg.toml") -> Path:
    etc = tmp_path / "n" / "etc"
    etc.mkdir(parents=True)
    (etc / "multipath.conf").write_text(WARN)
    if settings is not None:
        (etc / name).write_text(settings)
    return etc


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["lint", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize(
    "text", ['[tool.xencfg]\nignore = ["XC004"]\n', 'ignore = ["XC004"]\n'], ids=["table", "top"]
)
def test_xencfg_toml_takes_the_tool_table_and_top_level_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """The README shows ``[tool.xencfg]`` for both files; .xencfg.toml refused it."""
    etc = etc_tree(tmp_path, text)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # found from the linted path upwards, not the cwd
    rc, out, _ = run(capsys, str(etc))
    assert rc == 0 and "XC004" not in out


def test_pyproject_tool_table_and_config_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    etc = etc_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.xencfg]\nstrict = true\n")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, str(etc))[0] == 1  # strict: the warning fails
    other = tmp_path / "other.toml"
    other.write_text('ignore = ["XC"]\n')
    rc, out, _ = run(capsys, "--config", str(other), str(etc))
    assert rc == 0 and out == ""
    assert run(capsys, "--config", str(tmp_path / "nope.toml"), str(etc))[0] == 2


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('ignore = "XC004"\n', "setting 'ignore': wants a list of rule codes"),
        ('select = ["XX999"]\n', "setting 'select': no rule has the code 'XX999'"),
        ('ignores = ["XC004"]\n', "unknown xencfg setting 'ignores'"),
        ("strict = 1\n", "setting 'strict': wants true or false"),
        ('output-format = "xml"\n', "setting 'output-format': wants one of"),
        ('[per-file-ignores]\n"drbd.conf" = "DR001"\n', "setting 'per-file-ignores': 'drbd.conf'"),
        ('[severity]\nXC004 = "fatal"\n', "setting 'severity': XC004: wants one of"),
        ('nodes = "san1"\n', "setting 'nodes': wants a table"),
        ('versions = ["8.3"]\n', "setting 'versions': wants a table"),
        ("ignore = [\n", "cannot read settings"),
        ('ignore = ["XC004"]\n[tool.xencfg]\nstrict = true\n', "both in [tool.xencfg] and"),
    ],
)
def test_every_key_and_value_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    """``ignore = "XC004"`` used to ignore every rule starting with X, C, 0 or 4."""
    etc = etc_tree(tmp_path, text)
    rc, out, err = run(capsys, str(etc))
    assert rc == 2 and out == ""
    assert ".xencfg.toml" in err and said in err


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_on_the_command_line_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    etc = etc_tree(tmp_path)
    rc, _, err = run(capsys, option, "MP001,XX999", str(etc))
    assert rc == 2
    assert "usage: xencfg lint" in err and "no rule has the code 'XX999'" in err
    assert run(capsys, option, "mp", str(etc))[0] in (0, 1)  # a prefix, any case


def test_per_file_ignores_extend_select_exit_zero_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    etc = etc_tree(tmp_path)
    cfg = etc / ".xencfg.toml"
    cfg.write_text('[per-file-ignores]\n"multipath.conf" = ["XC004"]\n')
    assert run(capsys, str(etc))[1] == ""
    cfg.write_text('[per-file-ignores]\n"*/drbd.conf" = ["XC004"]\n')
    assert "XC004" in run(capsys, str(etc))[1]  # another file's glob
    cfg.write_text('[severity]\nXC004 = "error"\n')
    rc, out, _ = run(capsys, str(etc))
    assert rc == 1 and out.rstrip().endswith("[error]")
    cfg.write_text('exit-zero = true\n[severity]\nXC = "error"\n')
    assert run(capsys, str(etc))[0] == 0
    cfg.write_text('select = ["DR"]\nextend-select = ["XC004"]\n')
    assert "XC004" in run(capsys, str(etc))[1]
    cfg.write_text('select = ["DR"]\n')
    assert run(capsys, str(etc))[1] == ""
    assert run(capsys, "--extend-select", "XC", str(etc))[1] != ""
    assert run(capsys, "--exit-zero", "--strict", str(etc))[0] == 0


def test_xc002_is_suppressible_by_per_file_ignores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An oversized file cannot carry a comment; per-file-ignores is the way."""
    from xencfg.lint import LINT_MAX_SIZE

    etc = etc_tree(tmp_path)
    (etc / "hosts").write_text("# padding\n" * (LINT_MAX_SIZE // 10 + 1))
    assert "XC002" in run(capsys, str(etc))[1]
    (etc / ".xencfg.toml").write_text('[per-file-ignores]\n"hosts" = ["XC002"]\n')
    assert "XC002" not in run(capsys, str(etc))[1]


def test_nodes_and_versions_tables_are_kept(tmp_path: Path) -> None:
    """Read by the cluster model and the version-aware rules (other helpers' work)."""
    path = tmp_path / ".xencfg.toml"
    path.write_text('[nodes]\nsan1 = "storage"\n[versions]\ndrbd = "8.3"\n')
    s = config.load(path)
    assert s.nodes == {"san1": ("storage",)} and s.versions == {"drbd": V("8.3")}


def test_every_key_is_documented() -> None:
    from conftest import ROOT

    page = (ROOT / "docs" / "settings.md").read_text()
    for key in config.SCHEMA:
        assert f"`{key}`" in page, key


def test_a_node_roots_etc_settings_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg lint /`` reads etckeeper's /etc/.xencfg.toml too."""
    etc = etc_tree(tmp_path, 'ignore = ["XC004"]\n')
    rc, out, _ = run(capsys, str(etc.parent))
    assert rc == 0 and out == ""


@pytest.mark.parametrize(
    "text", ['tool = "x"\n', "[tool]\nxencfg = 3\n"], ids=["tool-string", "xencfg-number"]
)
def test_odd_pyproject_is_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    etc = etc_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    rc, _, err = run(capsys, str(etc))
    assert rc in (0, 2) and "Traceback" not in err


@pytest.mark.parametrize(
    "text", ['{"version": 2, "findings": []}', "garbage", '{"version": 1, "findings": [1]}']
)
def test_a_bad_baseline_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    etc = etc_tree(tmp_path, 'baseline = "b.json"\n')
    (etc / "b.json").write_text(text)
    rc, _, err = run(capsys, str(etc))
    assert rc == 2 and "not a baseline xencfg can read" in err
