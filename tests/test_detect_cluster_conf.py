"""``cluster.conf`` is both OCFS2's stanza file and cman's XML: detect by content."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import shared_path

OCFS2 = (
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = a\n\tcluster = c\n"
)
CMAN = (
    '<?xml version="1.0"?>\n<!-- managed by ccs -->\n'
    '<cluster name="c" config_version="2">\n</cluster>\n'
)


@pytest.mark.parametrize("name", ["cluster.conf", "/etc/cluster.conf", "/etc/ocfs2/cluster.conf"])
def test_ocfs2_text(name: str) -> None:
    assert xencfg.detect(name, OCFS2) == "ocfs2"


@pytest.mark.parametrize("name", ["cluster.conf", "/etc/cluster/cluster.conf", "/srv/cluster.conf"])
def test_cman_text(name: str) -> None:
    assert xencfg.detect(name, CMAN) == "cman"
    assert xencfg.detect(name, "<cluster alias='x' config_version='1'/>") == "cman"


def test_neither() -> None:
    # neither cluster.conf format: the content decides (a CIB saved under that name)
    assert xencfg.detect("cluster.conf", "<cib/>") == "cib"
    assert xencfg.detect("cluster.conf", "cluster_name=foo\n0,a,1.2.3.4,7777\n") is None


def test_files_on_disk(tmp_path: Path) -> None:
    seed = shared_path("seed-examples", "s002-sles-hasi", "host1", "etc", "ocfs2", "cluster.conf")
    assert xencfg.detect(seed) == "ocfs2"
    f = tmp_path / "cluster.conf"
    f.write_text(CMAN)
    assert xencfg.detect(f) == "cman"
    assert xencfg.load(f).format == "cman"


def test_path_patterns_do_not_override_content() -> None:
    # an o2cb file under /etc/cluster/ (cman's path) is still ocfs2, and vice versa
    assert xencfg.detect("/etc/cluster/cluster.conf", OCFS2) == "ocfs2"
    assert xencfg.detect("/etc/ocfs2/cluster.conf", CMAN) == "cman"
