"""Round 24b of lint verdicts on real files: cman, OCFS2, IET, xm/xl HVM, xend and
heartbeat 2 / Pacemaker 1.0 CIBs from public repositories, against the daemons.

Each test is a minimal file written here in our own words after the pattern of a real
file (the repository and path are cited); the expected verdict is backed by the daemon's
source line named in the test.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import found, tree

#: rgmanager's test configurations (ystk/debian-redhat-cluster, redhat-cluster 3.0.12,
#: rgmanager/src/daemons/tests/deptest1.conf and test001.conf): a bare ``<cluster>``.
NAMELESS = (
    '<?xml version="1.0"?>\n<cluster>\n\t<clusternodes>\n'
    '\t\t<clusternode name="xen1" nodeid="1"/>\n'
    '\t\t<clusternode name="xen2" nodeid="2"/>\n\t</clusternodes>\n</cluster>\n'
)


def test_cm011_cluster_without_name(tmp_path: Path) -> None:
    """cman refuses a cluster.conf whose ``<cluster>`` has no name: redhat-cluster
    3.0.12 cman/daemon/cmanconfig.c read_cman_nodes, ``objdb_get_string(..., "name",
    &cname)`` failing logs "cannot find cluster name in config file" and writes "Can't
    find cluster name in CCS" to cman_tool join (-ENOENT). Lint said nothing on the two
    deptest files; a named cluster passes."""
    bare = tree(tmp_path, "bare", {"etc/cluster/cluster.conf": NAMELESS})
    assert found("CM011", bare) == [("CM011", "cluster.conf", 2, [])]
    named = NAMELESS.replace("<cluster>", '<cluster name="xen" config_version="1">')
    assert found("CM011", tree(tmp_path, "named", {"etc/cluster/cluster.conf": named})) == []
