"""Lint-truth gaps the session 27 closing note left (session 28, truthgaps4): the
release lines of a site of several clusters, which nodes run a CIB for the graph and
CB013, DRBD 9 syntax against an in-tree 8.4 kernel module, XN020 and ``xl -V``, and
target boxes that are full cluster members."""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint
from xencfg.cli import main
from xencfg.versions import Versions

UNSEEN8 = Path(__file__).parent / "fixtures" / "unseen8"
IET = UNSEEN8 / "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"


def test_verbose_prints_each_clusters_releases(capsys: pytest.CaptureFixture[str]) -> None:
    """The IET site is three clusters: san1/san2 on heartbeat 2.1.4's own CRM, a1/a2
    on heartbeat 3 + Pacemaker 1.0.9, b1/b2 on corosync 1.4 + Pacemaker 1.1.8 (each
    CIB's dc-version). One site-wide line said "Pacemaker 1.1.8 or later, before 1.2"
    for a1/a2 too, and "heartbeat 2.1.4" for a1/a2's heartbeat 3."""
    main(["lint", "-v", "-q", "--exit-zero", *map(str, sorted(IET.iterdir()))])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("version ")]
    said = {ln.split(": ", 1)[0]: ln.split(": ", 1)[1] for ln in lines}
    assert said["version pacemaker in cluster a1, a2"].startswith(
        "Pacemaker 1.0.9 or later, before 1.1, inferred from the DC's 'dc-version 1.0.9-"
    )
    assert said["version pacemaker in cluster b1, b2"].startswith(
        "Pacemaker 1.1.8 or later, before 1.2, inferred from the DC's 'dc-version 1.1.8-"
    )
    assert said["version heartbeat in cluster san1, san2"].startswith("heartbeat 2.1.4,")
    assert said["version heartbeat in cluster a1, a2"].startswith("heartbeat 2.0 or later,")
    assert "san1" not in said["version heartbeat in cluster a1, a2"]
    assert not [k for k in said if k.count(" ") == 1]  # no site-wide line


def test_rules_never_read_the_sites_release_on_a_site_of_clusters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every release a rule asks for on the IET site is its node's own (by_node) or
    unknown, never the site-wide inference that mixes the three clusters' releases."""
    site_wide: list[tuple[str, str | None]] = []
    of = Versions.of

    def spy(self: Versions, component: str, node: str | None = None) -> object:
        found = of(self, component, node)
        if (component, node or "") not in self.by_node and found is self.inferred.get(component):
            site_wide.append((component, node))
        return found

    monkeypatch.setattr(Versions, "of", spy)
    lint.run(sorted(IET.iterdir()))
    assert site_wide == []
