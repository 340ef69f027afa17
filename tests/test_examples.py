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


#: Every warning (and info) a clean example may have, as ``(file name, code): reason``.
#: A clean example has no error; a warning not listed here fails the test, so a new
#: rule or a changed verdict is either fixed in the example or explained here (and in
#: the example's README).
KNOWN: dict[str, dict[tuple[str, str], str]] = {
    "two-node": {},
    "san-ocfs2": {},
    "storage-tier": {},
}

CLEAN = sorted(KNOWN)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_examples_have_no_error_and_only_known_warnings(name: str) -> None:
    result = lint.run(nodes(name))
    errors = [f for f in result.findings if f.severity == "error"]
    assert errors == [], "\n".join(f"{f.location}: {f.code} {f.message}" for f in errors)
    seen = {(Path(f.path).name, f.code): f for f in result.findings}
    unexplained = {k: f"{f.location}: {f.message}" for k, f in seen.items() if k not in KNOWN[name]}
    assert unexplained == {}, "list each with its reason in KNOWN and the README, or fix it"
    stale = set(KNOWN[name]) - set(seen)
    assert not stale, f"listed but no longer reported: {stale}"
    assert all(reason.strip() for reason in KNOWN[name].values())
    assert len(result.files) >= 20  # every file was read, none skipped as unknown
    want = {"drbd", "hacf", "authkeys", "cib", "xend", "xm"}
    if name == "san-ocfs2":
        want.discard("drbd")
    if name == "storage-tier":
        want |= {"ietd", "iet-allow", "multipath", "ocfs2", "iscsid", "initiatorname"}
    assert {f.format for f in result.files} >= want


def test_storage_tier_roles_and_layers() -> None:
    """The target boxes are storage, not members; each layer has the nodes the files name."""
    model = lint.run(nodes("storage-tier")).cluster.model
    assert model.members() == {"xen1", "xen2", "xen3"}
    assert model.node("san1").storage_only and model.node("san2").storage_only  # type: ignore[union-attr]
    assert model.ocfs2 is not None and model.ocfs2.members == {"xen1", "xen2", "xen3"}
    assert model.drbd["mail"].members == {"xen1", "xen2"}
    assert {t.name: t.members for t in model.targets.values()} == {
        f"iqn.2026-11.net.example:{t}": {"xen1", "xen2", "xen3"}
        for t in ("san1.pool", "san1.web", "san2.db")
    }
    chain = {link.alias: (link.box, link.users) for link in model.chain}
    assert chain == {
        "pool": ("san1", ("CIB resource pool",)),
        "web": ("san1", ("domU web",)),
        "db": ("san2", ("domU db",)),
    }


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
    ("multipath.conf", "MP004"),
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
    for name in (*CLEAN, "mistakes"):
        readme = (EXAMPLES / name / "README.md").read_text()
        assert f"xencfg lint examples/{name}/" in readme and "graph.svg" in readme
        assert (EXAMPLES / name / "graph.svg").read_text().lstrip().startswith("<?xml")


#: The captured-state examples: (file name or section, rule) of each planted drift (see
#: their READMEs). Their configuration is the clean two-node example's, so every finding
#: is a planted one.
DRIFT = {
    "sosreport": {
        ("ip_-o_addr", "LS014"),
        ("drbd", "LS003"),
        ("drbd", "LS002"),
        ("xm_list", "LS012"),
    },
    "supportconfig": {
        ("xen.txt#usr_sbin_xm_list", "LS013"),
        ("basic-environment.txt#bin_uname_-a", "LS015"),
        ("ha.txt#var_lib_heartbeat_crm_cib.xml", "LS011"),
        ("mpio.txt#sbin_multipath_-ll", "LS007"),
    },
}


@pytest.mark.parametrize("name", sorted(DRIFT))
def test_captured_state_examples_show_their_lint_output(name: str) -> None:
    """Each tree is found as node roots without flags; the findings are the planted
    drift only (LS codes), and the README shows exactly what ``xencfg lint`` prints."""
    import subprocess
    import sys

    result = lint.run([str(EXAMPLES / name)])
    assert len(result.discovery.nodes) == 2
    assert {f.code[:2] for f in result.findings} == {"LS"}
    where = set()
    for f in result.findings:
        for loc in (f.location, *f.related):
            where.add((Path(loc.path).name, f.code))
    assert DRIFT[name] <= where, DRIFT[name] - where
    done = subprocess.run(
        [sys.executable, "-m", "xencfg", "lint", f"examples/{name}/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    readme = (EXAMPLES / name / "README.md").read_text()
    block = readme.split(f"$ xencfg lint examples/{name}/\n", 1)[1].split("```", 1)[0]
    assert done.stdout == block
