"""heartbeat 1's haresources: round trips, the groups heartbeat reads, the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, shared_files
from lineformats import file_tests
from xencfg.formats.lines.haresources import HaresourcesDocument, Resource

OWN = sorted((FIXTURES / "haresources" / "valid").iterdir())
CORPUS = [p for p in shared_files("corpus", "other") if p.name.endswith("haresources")]
ALL = OWN + CORPUS


def load(path: Path) -> HaresourcesDocument:
    doc = xencfg.load(path, "haresources")
    assert isinstance(doc, HaresourcesDocument)
    return doc


FILE_TESTS = file_tests("haresources", ALL, has_values=lambda doc: bool(doc.groups))
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_detected_by_name() -> None:
    assert xencfg.detect("/etc/ha.d/haresources") == "haresources"


def test_groups_with_continuations_ids_and_constraints() -> None:
    doc = load(FIXTURES / "haresources" / "valid" / "drbd-xen")
    web, db = doc.groups
    assert web.node == "alpha" and web.name == "webgroup"
    assert [r.type for r in web.resources] == ["IPaddr", "drbddisk", "Filesystem", "apache"]
    assert web.resources[0].args == ["192.168.10.50/24/eth0"]
    assert web.resources[2].args == ["/dev/drbd0", "/srv/web", "ext3"]
    assert db.node == "beta" and db.name is None
    assert [r.spec for r in db.resources][-1] == "mysql"
    assert db.resources[0].type == "IPaddr2" and db.resources[0].args == ["192.168.10.51/24/eth0"]
    assert doc.constraints == [
        (6, ["#rsc_order", "IPaddr_192_168_10_50", "before", "start", "Filesystem_3"])
    ]


def test_resource_spellings() -> None:
    # heartbeat's ResourceManager: a bare address is IPaddr::ADDRESS; '::' separates args
    assert Resource("10.0.0.1").type == "IPaddr"
    assert Resource("10.0.0.1/24/eth0/10.0.0.255").args == ["10.0.0.1/24/eth0/10.0.0.255"]
    assert Resource("httpd").args == [] and Resource("httpd").type == "httpd"
    assert Resource("Xen::/etc/xen/vm/web").args == ["/etc/xen/vm/web"]


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_files_read_as_heartbeat_does(path: Path) -> None:
    doc = load(path)  # the pcmk10 sample is all comments: no group
    assert all(g.node and g.resources for g in doc.groups)
    assert doc.value_problems() == []


def test_corpus_has_groups() -> None:
    assert sum(len(load(p).groups) for p in CORPUS) >= 3 or not CORPUS


def test_problems() -> None:
    doc = load(FIXTURES / "haresources" / "invalid" / "dangling-backslash")
    assert [m for _, m in doc.value_problems()] == [
        "the last line ends in a backslash: nothing continues it"
    ]
    lone = xencfg.loads("alpha\nbeta 10.0.0.1\n", "haresources")
    assert [m for _, m in lone.value_problems()] == ["node alpha has no resource"]
    # heartbeat 3.0.6 starts with either (hb5 ran it on both): warnings, not errors
    assert all(p.harmless for p in [*doc.value_problems(), *lone.value_problems()])
