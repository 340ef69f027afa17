"""HB019: heartbeat's own resource management (haresources, no CRM) in a cluster of
more than two nodes.

When a node dies, every survivor runs heartbeat's ``mach_down`` script, which takes
over each group whose preferred node is the dead one (``ResourceManager listkeys``
then ``takegroup``, no vote among the survivors); the script says "This script will
only work for a two machine setup... More than that and you need to vote, or
something..." (heartbeat 3.0.6 heartbeat/lib/mach_down.in, lines 6-7), and
hb_resource.c keeps the state of one "other" node (``other_holds_resources``,
``other_is_stable``; "At this point nice failback deals with two nodes", line 718).
config.c sets no node limit for R1 mode (only ``autojoin`` is refused there), so
heartbeat starts such a cluster and the hazard bites at the first node failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xencfg import lint

GROUPS = "xen1 IPaddr::10.0.0.50 Filesystem::/dev/sdb1::/srv::ext3\n"


def tree(tmp_path: Path, nodes: list[str], *, extra: str = "", groups: str = GROUPS) -> list[str]:
    for node in nodes:
        etc = tmp_path / node / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "hostname").write_text(node + "\n")
        hacf = f"node {' '.join(nodes)}\nbcast eth0\nbcast eth1\nauto_failback off\n{extra}"
        (etc / "ha.d/ha.cf").write_text(hacf)
        (etc / "ha.d/authkeys").write_text("auth 1\n1 sha1 a-long-secret-string-here\n")
        os.chmod(etc / "ha.d/authkeys", 0o600)
        (etc / "ha.d/haresources").write_text(groups)
    return [str(tmp_path / n) for n in nodes]


def hb019(paths: list[str]) -> list[tuple[str, str, int]]:
    found = lint.run(paths, select=["HB019"]).findings
    return [(Path(f.path).parts[-4], f.severity, f.line) for f in found]


def test_three_nodes_running_haresources_is_an_error_on_each_node(tmp_path: Path) -> None:
    paths = tree(tmp_path, ["xen1", "xen2", "xen3"])
    assert hb019(paths) == [("xen1", "error", 1), ("xen2", "error", 1), ("xen3", "error", 1)]
    first = lint.run(paths, select=["HB019"]).findings[0]
    assert "cluster of 3 nodes (xen1, xen2, xen3)" in first.message
    assert first.related[0].path.endswith("ha.cf") and first.related[0].line == 1


def test_node_names_on_several_lines_and_in_other_case_count_once(tmp_path: Path) -> None:
    paths = tree(tmp_path, ["xen1", "xen2"], extra="node XEN2\nnode xen3\n")
    assert [s for _, s, _ in hb019(paths)] == ["error", "error"]


@pytest.mark.parametrize(
    ("nodes", "extra", "groups"),
    [
        (["xen1", "xen2"], "", GROUPS),  # two nodes: what haresources is for
        (["xen1", "xen2"], "ping 10.0.0.254\n", GROUPS),  # a ping node is no member
        (["xen1", "xen2", "xen3"], "crm respawn\n", GROUPS),  # the CRM: haresources unread
        (["xen1", "xen2", "xen3"], "pacemaker on\n", GROUPS),
        (["xen1", "xen2", "xen3"], "", "# no groups\n"),  # membership only
    ],
)
def test_two_nodes_or_the_crm_or_no_groups_are_fine(
    tmp_path: Path, nodes: list[str], extra: str, groups: str
) -> None:
    assert hb019(tree(tmp_path, nodes, extra=extra, groups=groups)) == []
