"""Session 25's known lint-truth gaps, each verdict held to the daemon's source or a
peer run (named in each test's docstring).

Sources read with git: redhat-cluster 3.0.12 (ystk/debian-redhat-cluster) and the
cluster 2 tree before "cman3 commit" (ClusterLabs/resource-agents fbb63a6a7^).
"""

from __future__ import annotations

from pathlib import Path

from lintkit import found, messages, tree

# -- 1. cman cluster name ---------------------------------------------------------------

CLUSTER = (
    '<?xml version="1.0"?>\n<cluster NAME config_version="1">\n\t<clusternodes>\n'
    '\t\t<clusternode name="xen1" nodeid="1"/>\n'
    '\t\t<clusternode name="xen2" nodeid="2"/>\n\t</clusternodes>\n</cluster>\n'
)


def _cman(tmp: Path, name: str) -> Path:
    conf = CLUSTER.replace("NAME", f'name="{name}"')
    return tree(tmp, f"n{len(name)}", {"etc/cluster/cluster.conf": conf})


def test_cm011_name_over_16_bytes_is_refused(tmp_path: Path) -> None:
    """cman refuses a name over MAX_CLUSTER_NAME_LEN (16, cman/daemon/cnxman-socket.h):
    cluster 2 cmanccs.c ``if (strlen(str) >= sizeof(cluster_name))`` (17) writes
    "Cluster name in CCS is too long"; 3.0.12 commands.c cman_join_cluster ``if
    (strlen(name) > MAX_CLUSTER_NAME_LEN) return -EINVAL`` and cmanconfig.c join writes
    "Cannot start, cluster name is too long or other CCS error". Lint said nothing."""
    root = _cman(tmp_path, "xen-production-01")  # 17 bytes
    assert found("CM011", root) == [("CM011", "cluster.conf", 2, [])]
    assert "cman does not start" in messages("CM011", root)[0]


def test_cm011_name_of_16_bytes_warns_and_15_passes(tmp_path: Path) -> None:
    """16 bytes: the daemon takes it (``> MAX_CLUSTER_NAME_LEN`` is false) but 3.0.12's
    cnxman-private.h ``char clustername[16]`` in cl_transmsg gets it by ``strcpy``
    (commands.c line 1771) with no room for the NUL, and cman_tool main.c dies "maximum
    cluster name length is %d" with MAX_CLUSTER_NAME_LEN-1 (15); Red Hat's Cluster
    Administration: "The cluster name cannot exceed 15 characters". A warning; 15 and
    the usual short names pass."""
    from xencfg import lint

    at16 = _cman(tmp_path, "xen-production-1")
    result = lint.run([str(at16)], select=["CM011"]).findings
    assert [(f.code, f.severity) for f in result] == [("CM011", "warning")]
    assert found("CM011", _cman(tmp_path, "xen-production1")) == []  # 15
    assert found("CM011", _cman(tmp_path, "xen")) == []


def test_cm011_empty_name_warns(tmp_path: Path) -> None:
    """``name=""`` loads (config/plugins/xml/config.c stores the attribute's text, ""
    here: ``xmllint --debug`` shows an empty TEXT child) and cman starts with it:
    cman-preconfig.c generate_cluster_id("") is 0, default_mcast gives
    "239.192.%d.%d" of that id, and with no keyfile the key is the name (memset then
    strcpy: four NULs), shared by every other cluster named "". A warning, not the
    missing-name error; a named cluster passes (test above)."""
    from xencfg import lint

    result = lint.run([str(_cman(tmp_path, ""))], select=["CM011"]).findings
    assert [(f.code, f.severity, f.line) for f in result] == [("CM011", "warning", 2)]
