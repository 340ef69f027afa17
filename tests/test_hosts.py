"""/etc/hosts: round trips, the resolver's view, problems, and the Augeas Hosts lens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, augeas_lens, augeas_tree, ids, shared_files, shared_path
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.hosts import HostsDocument

OWN = sorted((FIXTURES / "hosts" / "valid").iterdir()) + sorted(
    (FIXTURES / "hosts" / "invalid").iterdir()
)
SEEDS = [p for p in shared_files("seed-examples", pattern="hosts") if p.parent.name == "etc"]
ALL = OWN + SEEDS


def load(text: str) -> HostsDocument:
    doc = xencfg.loads(text, "hosts")
    assert isinstance(doc, HostsDocument)
    return doc


FILE_TESTS = file_tests("hosts", ALL, has_values=lambda doc: bool(doc.lines))
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_seeds_present() -> None:
    shared_path("seed-examples")
    assert len(SEEDS) == 2


def test_detected_by_name() -> None:
    assert xencfg.detect("/etc/hosts") == "hosts"
    assert xencfg.detect("/srv/nodes/alpha/etc/hosts") == "hosts"


def test_typed_model_and_resolver() -> None:
    doc = xencfg.load(FIXTURES / "hosts" / "valid" / "cluster", "hosts")
    assert isinstance(doc, HostsDocument)
    alpha = doc.lines[2]
    assert str(alpha.address) == "10.0.0.1"
    assert alpha.canonical == "alpha.example.net" and alpha.aliases == ["alpha"]
    assert str(doc.resolve("ALPHA")) == "10.0.0.1"
    assert doc.resolve("gamma") is None
    assert doc.names_of("10.0.0.2") == ["beta.example.net", "beta"]
    assert doc.short_names("10.0.0.1") == {"alpha", "alpha.example.net"}
    # glibc's files-hosts.c LINE_PARSER reads the address with inet_pton, which takes
    # no %scope ("Illegal address: ignore line"): the line answers no lookup
    assert doc.resolve("alpha-ll") is None
    assert [p.message for p in doc.value_problems()] == [
        "glibc ignores this line: 'fe80::1%eth0' has a scope id, which inet_pton does "
        "not take, so no lookup finds alpha-ll here"
    ]
    assert all(p.harmless for p in doc.value_problems()) and doc.shadowed() == []
    assert doc.to_dict()["hosts"][1] == {
        "address": "::1",
        "canonical": "localhost",
        "aliases": ["ip6-localhost", "ip6-loopback"],
    }


def test_seed_s002_name_mapped_twice() -> None:
    doc = xencfg.load(shared_path("seed-examples", "s002-sles-hasi", "host1", "etc", "hosts"))
    assert isinstance(doc, HostsDocument)
    assert [str(a) for a in doc.addresses("host1")] == ["192.168.1.1", "10.0.1.1"]
    assert str(doc.resolve("host1")) == "192.168.1.1"
    got = [(doc.position(n)[0], names, doc.position(e)[0]) for n, names, e in doc.shadowed()]
    assert got == [(3, ["host1.domain.co.nz", "host1"], 1), (4, ["host2.domain.co.nz", "host2"], 2)]
    assert doc.value_problems() == []


def test_problems_of_bad_lines() -> None:
    doc = xencfg.load(FIXTURES / "hosts" / "invalid" / "mistakes", "hosts")
    assert isinstance(doc, HostsDocument)
    got = [(doc.position(n)[0], m) for n, m in doc.value_problems()]
    assert [(doc.position(n)[0], names) for n, names, _ in doc.shadowed()] == [(2, ["alpha"])]
    assert got == [
        (3, "'not-an-address' is not an IP address"),
        (4, "address 10.0.0.4 has no name"),
    ]


def test_edit_touches_one_line_and_new_lines_are_canonical() -> None:
    text = "# nodes\n10.0.0.1   alpha   # first\n10.0.0.2 beta\n"
    doc = load(text)
    doc.lines[1].values = ["beta.example", "beta"]
    doc.add_host("10.0.0.3", "gamma.example", "gamma")
    assert xencfg.dumps(doc) == (
        "# nodes\n10.0.0.1   alpha   # first\n10.0.0.2 beta.example beta\n"
        "10.0.0.3\tgamma.example gamma\n"
    )
    with pytest.raises(ValueError):
        doc.add_host("alpha", "x")


NAME = st.from_regex(re.compile(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?"), fullmatch=True)
ADDR = st.ip_addresses().map(str)


@given(st.lists(st.tuples(ADDR, st.lists(NAME, min_size=1, max_size=3)), max_size=8))
def test_generated_model_renders_and_parses_equal(rows: list[tuple[str, list[str]]]) -> None:
    doc = HostsDocument()
    for addr, names in rows:
        doc.add_host(addr, *names)
    again = load(xencfg.dumps(doc))
    assert [(line.key, line.names) for line in again.lines] == rows


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), " \t\n#.:%\x00é"), "hosts")


@pytest.mark.peer
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_augeas_hosts_lens_agrees(path: Path, tmp_path: Path) -> None:
    peer = augeas_lens("hosts.aug")
    doc = xencfg.load(path, "hosts")
    assert isinstance(doc, HostsDocument)
    data = path.read_bytes()
    if not data.strip():
        assert doc.lines == []  # Augeas cannot store an empty text at all
        return
    if not data.endswith(b"\n"):
        # the lens wants every line terminated; glibc reads a last unterminated line too
        path = tmp_path / "hosts"
        path.write_bytes(data + b"\n")
    ok, tree = augeas_tree(peer, "Hosts.lns", path)
    if not ok:  # Augeas refuses lines without a name or with a bad address; so do we
        assert doc.value_problems()
        return
    theirs: list[tuple[str, list[str]]] = []
    for key, value in tree:
        if value is None:
            continue
        if key.endswith("/ipaddr"):
            theirs.append((value, []))
        elif re.search(r"/(canonical|alias(\[\d+\])?)$", key):
            theirs[-1][1].append(value.rstrip("\r"))  # glibc splits on \r too
    assert [(line.key, line.names) for line in doc.lines] == theirs
