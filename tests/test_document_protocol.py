"""``Document`` is a protocol (issue 21): the text formats' documents are the root of a
syntax tree (``TreeDocument``); the CIB, cman and the live-state outputs hold no such
tree (``SourceDocument``) and place their own objects in the source."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from xencfg import formats
from xencfg.document import Document, SourceDocument, TreeDocument
from xencfg.syntax.tree import Node

FIXTURES = ROOT / "tests" / "fixtures"
WITHOUT_TREE = {"cib", "cib-live", "cman", "multipath-ll", "proc-drbd", "drbd-status"} | {
    "crm-mon-xml", "xl-list", "ip-addr", "iscsi-session", "uname", "iet-proc", "iscsi-node",
    "lio-saveconfig", "cman-nodes", "booth-list",
}  # fmt: skip


def _first_valid(fmt: str) -> Path | None:
    folder = FIXTURES / fmt / "valid"
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return files[0] if files else None


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_every_document_follows_the_protocol(fmt: str) -> None:
    path = _first_valid(fmt)
    if path is None:
        pytest.skip(f"no valid fixture for {fmt}")
    doc = xencfg.load(path, fmt)
    assert isinstance(doc, Document)
    assert doc.dumps() == doc.source
    if fmt in WITHOUT_TREE:
        assert isinstance(doc, SourceDocument) and not isinstance(doc, Node)
    else:
        assert isinstance(doc, TreeDocument) and isinstance(doc, Node)
    assert doc.location(0) == f"{path}:1:1"


def test_cman_places_its_elements() -> None:
    text = (
        '<?xml version="1.0"?>\n<cluster name="c" config_version="1">\n  <clusternodes>\n'
        '    <clusternode name="a" nodeid="1"/>\n  </clusternodes>\n</cluster>\n'
    )
    doc = xencfg.loads(text, "cman", path="cluster.conf")
    assert doc.position(doc.cluster) == (2, 1)
    assert doc.location(doc.nodes[0]) == "cluster.conf:4:5"
    assert doc.position(object()) == (1, 1)  # not one of its elements: the file's start


def test_the_cib_places_views_and_elements() -> None:
    text = (
        "<resources>\n"
        '  <primitive id="p" class="ocf" provider="heartbeat" type="IPaddr2"/>\n'
        "</resources>\n"
    )
    doc = xencfg.loads(text, "cib")
    prim = doc.resources[0]
    assert doc.position(prim) == doc.position(prim.el) == doc.element_position(prim.el) == (2, 3)
    assert doc.position(object()) == (1, 1)
