"""CM002's severity follows the cman generation a node runs.

RHEL 5's cman 2 has ccsd: a joining node takes the quorate node's copy of cluster.conf
("Remote copy of cluster.conf is from quorate node ... Switching to remote copy.",
ccsd cluster_communicate), so an older copy is a warning. RHEL 6's cman 3 has no ccsd:
commands.c ``valid_transition_msg`` re-reads the node's own file when a member shows a
higher ``config_version`` and, still different, logs "Node %d conflict, remote config
version id=%d, local=%d" and returns -1: the node does not join, an error. What tells the
two apart: the declared cman release, else /etc/redhat-release (centos-release,
oracle-release) of the node; with neither CM002 stays a warning
(test_cman_truth.test_bad_tree_an_older_copy_is_cm002_a_warning).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_audit_trees import TREES
from xencfg import lint
from xencfg.formats.schema import Version

CASE = TREES / "rhel5-cman-drift"
NODES = ("xen01", "xen02", "xen03")
CONF = "etc/cluster/cluster.conf"
RHEL5 = "Red Hat Enterprise Linux Server release 5.11 (Tikanga)\n"
RHEL6 = "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n"
CENTOS6 = "CentOS release 6.10 (Final)\n"


def _tree(tmp_path: Path, which: str, release: dict[str, tuple[str, str]]) -> list[Path]:
    """A copy of the case's ``which`` tree with ``release`` files (node -> (name, text))."""
    root = tmp_path / which
    shutil.copytree(CASE / which, root)
    for node, (name, text) in release.items():
        (root / node / "etc" / name).write_text(text)
    return [root / n for n in NODES]


def _cm002(nodes: list[Path], **kw: object) -> list[tuple[str, str, str]]:
    found = lint.run([str(n) for n in nodes], select=["CM002"], **kw).findings  # type: ignore[arg-type]
    return [(Path(f.path).parts[-4], f.severity, f.message) for f in found]


def test_older_copy_on_rhel6_is_an_error(tmp_path: Path) -> None:
    nodes = _tree(tmp_path, "bad", {n: ("redhat-release", RHEL6) for n in NODES})
    ((node, severity, message),) = _cm002(nodes)
    assert (node, severity) == ("xen03", "error")
    assert "refuses it (Node N conflict, remote config version id=27, local=26)" in message
    assert "release 6" in message


def test_older_copy_on_centos6_is_an_error(tmp_path: Path) -> None:
    """Only the node with the older copy says it runs CentOS 6: that is the one cman
    refuses."""
    nodes = _tree(tmp_path, "bad", {"xen03": ("centos-release", CENTOS6)})
    assert [(n, s) for n, s, _ in _cm002(nodes)] == [("xen03", "error")]


def test_older_copy_on_rhel5_stays_a_warning(tmp_path: Path) -> None:
    nodes = _tree(tmp_path, "bad", {n: ("redhat-release", RHEL5) for n in NODES})
    ((node, severity, message),) = _cm002(nodes)
    assert (node, severity) == ("xen03", "warning")
    assert "ccsd (/etc/redhat-release: release 5)" in message


@pytest.mark.parametrize(("declared", "severity"), [("3.0.12", "error"), ("2.0.115", "warning")])
def test_declared_cman_release_wins(tmp_path: Path, declared: str, severity: str) -> None:
    """A declared cman release decides even against the files (RHEL 5 here)."""
    nodes = _tree(tmp_path, "bad", {n: ("redhat-release", RHEL5) for n in NODES})
    versions = {"cman": Version.parse(declared)}
    assert [(n, s) for n, s, _ in _cm002(nodes, versions=versions)] == [("xen03", severity)]


def test_unreadable_release_text_stays_a_warning(tmp_path: Path) -> None:
    """A release file that names no release tells nothing."""
    nodes = _tree(tmp_path, "bad", {n: ("redhat-release", "Fedora Core\n") for n in NODES})
    assert [(n, s) for n, s, _ in _cm002(nodes)] == [("xen03", "warning")]


def test_good_tree_on_rhel6_is_clean(tmp_path: Path) -> None:
    nodes = _tree(tmp_path, "good", {n: ("redhat-release", RHEL6) for n in NODES})
    assert _cm002(nodes) == []


def test_same_version_other_content_on_rhel6_stays_a_warning(tmp_path: Path) -> None:
    """cman compares only the number (commands.c ``msg->config_version !=
    config_version``): nothing refuses it on either release."""
    nodes = _tree(tmp_path, "good", {n: ("redhat-release", RHEL6) for n in NODES})
    conf = nodes[1] / CONF
    conf.write_text(conf.read_text().replace('post_join_delay="20"', 'post_join_delay="3"'))
    assert [(n, s) for n, s, _ in _cm002(nodes)] == [("xen02", "warning")]


def test_release_links_resolve_inside_the_node(tmp_path: Path) -> None:
    """CentOS 6's /etc/redhat-release is a link (to centos-release); an absolute link
    is the node's own file, never the file of the machine lint runs on (which has no
    /etc/release-of-this-node); a FIFO in its place is never read (no hang)."""
    nodes = _tree(tmp_path, "bad", {})
    for n in nodes:
        (n / "etc" / "release-of-this-node").write_text(CENTOS6)
        (n / "etc" / "redhat-release").symlink_to("/etc/release-of-this-node")
    assert [(n, s) for n, s, _ in _cm002(nodes)] == [("xen03", "error")]
    fifo = tmp_path / "fifo"
    nodes = _tree(fifo, "bad", {})
    for n in nodes:
        os.mkfifo(n / "etc" / "redhat-release")
    assert [(n, s) for n, s, _ in _cm002(nodes)] == [("xen03", "warning")]
