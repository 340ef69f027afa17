"""The example clusters under examples/: the clean ones have no warning or error, the
mistakes one has its planted mistakes found, each by the rule its README names."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from xencfg import lint

EXAMPLES = ROOT / "examples"


def nodes(name: str) -> list[str]:
    return sorted(str(p) for p in (EXAMPLES / name).iterdir() if p.is_dir())


@pytest.mark.parametrize("name", ["two-node", "san-ocfs2"])
def test_clean_examples_have_no_warning_or_error(name: str) -> None:
    result = lint.run(nodes(name))
    serious = [f for f in result.findings if f.severity in ("error", "warning")]
    assert serious == [], "\n".join(f"{f.location}: {f.code} {f.message}" for f in serious)
    assert len(result.files) >= 20  # every file was read, none skipped as unknown
    assert {f.format for f in result.files} >= {"drbd", "hacf", "authkeys", "cib", "xend", "xm"} - (
        {"drbd"} if name == "san-ocfs2" else set()
    )


#: (file, rule) pairs planted in examples/mistakes (see its README); kept here so the
#: test tightens as rules are added.
PLANTED = {
    ("web.res", "DR001"),
    ("web.res", "DR005"),
    ("web.res", "DR006"),
    ("web.res", "DR011"),
    ("web.res", "HB001"),
    ("ha.cf", "HB003"),
    ("ha.cf", "HB005"),
    ("authkeys", "HB008"),
    ("multipath.conf", "MP001"),
    ("web", "XN003"),
    ("web", "XN004"),
    ("xend-config.sxp", "XN008"),
    ("cib.xml", "CB002"),
    ("cib.xml", "CB009"),
    ("cib.xml", "CB020"),
}


def test_mistakes_example_is_caught() -> None:
    result = lint.run(nodes("mistakes"))
    found = {(Path(f.path).name, f.code) for f in result.findings}
    assert found >= PLANTED, PLANTED - found
    assert result.exit_code() == 1


def test_every_example_has_a_readme_and_a_graph() -> None:
    for name in ("two-node", "san-ocfs2", "mistakes"):
        readme = (EXAMPLES / name / "README.md").read_text()
        assert f"xencfg lint examples/{name}/" in readme and "graph.svg" in readme
        assert (EXAMPLES / name / "graph.svg").read_text().lstrip().startswith("<?xml")
