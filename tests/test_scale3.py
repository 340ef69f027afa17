"""Slow inputs that were still slow (scale3): a long /etc/hosts, many ha.cf nodes against
it, boot links read per rule, files parsed per migrate pass. These tests pin what the
faster code answers, not how fast: the timings are in bench/pathological.py ("hosts
file, many lines") and the scale3 report.

- A hosts file's questions go to one index per file (:class:`HostsIndex`), which must
  answer as a walk of the lines does (glibc's nss_files: the first line naming a name
  answers it; a line with a scope id is ignored).
- The rules read the index: the two-node example with thousands of more hosts lines
  keeps its findings, and a shadowed name at the end is still found.
- migrate's stack conversion reads the index per node: every ha.cf node named in
  /etc/hosts gets that address as its ring address.
"""

from __future__ import annotations

import collections
import random
import shutil
from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from xencfg import bootlinks, lint
from xencfg.discover import NodeRoot, discover
from xencfg.formats.lines.hosts import HostLine, HostsDocument, parse_address
from xencfg.migrate import run as migrate_run
from xencfg.migrate.migration import loaded_cluster

TWO_NODE = ROOT / "examples" / "two-node"
FIXTURES = Path(__file__).parent / "fixtures"

_ADDRESSES = ["10.0.0.1", "10.0.0.2", "::1", "fe80::1%eth0", "fe80::1", "bogus", "1.2.3.4%x"]
_NAMES = ["a", "A", "b", "a-drbd", "a_hb", "a.example", "B.Example", "localhost", "x"]


def _walk_addresses(doc: HostsDocument, name: str) -> list[object]:
    """What a forward lookup walks: every unscoped line naming ``name``, in order."""
    out: list[object] = []
    for line in doc.lines:
        if line.address is None or line.scoped:
            continue
        if name.lower() in (n.lower() for n in line.names) and line.address not in out:
            out.append(line.address)
    return out


def _walk_names(doc: HostsDocument, address: str) -> list[str]:
    want = parse_address(address)
    out: list[str] = []
    for line in doc.lines:
        if want is not None and line.address == want and not line.scoped:
            out.extend(n for n in line.names if n not in out)
    return out


def _walk_shadowed(doc: HostsDocument) -> list[tuple[HostLine, list[str], HostLine]]:
    """The first line of a family naming a name answers it; later lines of another
    address for that name never do."""
    out: list[tuple[HostLine, list[str], HostLine]] = []
    first: dict[tuple[int, str], HostLine] = {}
    for line in doc.lines:
        if line.address is None or line.scoped:
            continue
        by_earlier: dict[int, tuple[HostLine, list[str]]] = {}
        for name in line.names:
            earlier = first.setdefault((line.address.version, name.lower()), line)
            if earlier is not line and earlier.address != line.address:
                by_earlier.setdefault(id(earlier), (earlier, []))[1].append(name)
        out.extend((line, names, earlier) for earlier, names in by_earlier.values())
    return out


@pytest.mark.parametrize("seed", range(3))
def test_the_index_answers_as_a_walk_of_the_lines(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        text = "".join(
            rng.choice(_ADDRESSES)
            + " "
            + " ".join(rng.choice(_NAMES) for _ in range(rng.randint(0, 3)))
            + "\n"
            for _ in range(rng.randint(0, 8))
        )
        doc = xencfg.loads(text, "hosts")
        assert isinstance(doc, HostsDocument)
        index = doc.index()
        for name in [*_NAMES, "nobody"]:
            assert index.addresses(name) == _walk_addresses(doc, name), text
            assert doc.resolve(name) == (_walk_addresses(doc, name) or [None])[0], text
        for address in _ADDRESSES:
            assert index.names_of(address) == _walk_names(doc, address), text
        assert index.shadowed() == _walk_shadowed(doc), text


def test_select_gives_every_line_that_may_stand_for_a_host() -> None:
    """The lines a host's interface names (``xen1-drbd``, ``xen1_hb.example``) and its
    own come back, in file order; another host's do not."""
    doc = xencfg.loads(
        "10.0.0.1 xen1-drbd\n10.0.0.2 xen2\n10.0.0.3 XEN1_hb.example\n10.0.0.4 xen1\n"
        "10.0.0.5 xen10\n",
        "hosts",
    )
    assert isinstance(doc, HostsDocument)
    found = doc.index().select(["xen1"])
    assert [str(a) for _, a in found] == ["10.0.0.1", "10.0.0.3", "10.0.0.4"]
    assert [str(a) for _, a in doc.index().select([], [parse_address("10.0.0.2")])] == ["10.0.0.2"]


def _two_node_with_hosts(tmp_path: Path, extra: str) -> Path:
    site = tmp_path / "two-node"
    shutil.copytree(TWO_NODE, site)
    for node in ("alpha", "beta"):
        hosts = site / node / "etc" / "hosts"
        hosts.write_text(hosts.read_text() + extra)
    for p in site.rglob("authkeys"):
        p.chmod(0o600)
    return site


def _findings(site: Path) -> list[tuple[str, str, int]]:
    return sorted(
        (f.code, Path(f.path).relative_to(site).as_posix(), f.line)
        for f in lint.run([site]).findings
    )


def test_a_long_hosts_file_keeps_the_findings_and_finds_a_late_shadowed_name(
    tmp_path: Path,
) -> None:
    """20,000 more lines of other hosts change no finding of the two-node example
    (DR007, DR014, HS001, the model's addresses read the index); one more line giving
    alpha another address at the end is HS001 on each node, at its line."""
    filler = "".join(
        f"10.{100 + i // 65536}.{i // 256 % 256}.{i % 256} f{i}\n" for i in range(20000)
    )
    plain = _two_node_with_hosts(tmp_path / "plain", "")
    long = _two_node_with_hosts(tmp_path / "long", filler)
    assert _findings(long) == _findings(plain)
    late = _two_node_with_hosts(tmp_path / "late", filler + "10.99.0.1 alpha\n")
    last = len((late / "alpha" / "etc" / "hosts").read_text().splitlines())
    extra = sorted(set(_findings(late)) - set(_findings(plain)))
    assert extra == [
        ("HS001", "alpha/etc/hosts", last),
        ("HS001", "beta/etc/hosts", last),
    ]


def test_many_heartbeat_nodes_get_their_hosts_address_as_ring_address(tmp_path: Path) -> None:
    """300 ha.cf nodes against 3,000 hosts lines: each member's link 0 address is the
    one its name has in /etc/hosts (the stack conversion asks each node's index, once
    per member, instead of walking the file)."""
    site = _two_node_with_hosts(
        tmp_path,
        "".join(
            f"10.100.{i // 256}.{i % 256} " + (f"n{i}" if i < 300 else f"f{i}") + "\n"
            for i in range(3000)
        ),
    )
    for node in ("alpha", "beta"):
        hacf = site / node / "etc" / "ha.d" / "ha.cf"
        hacf.write_text(hacf.read_text() + "".join(f"node n{i}\n" for i in range(300)))
    m = migrate_run.plan([str(site / "alpha"), str(site / "beta")])
    addrs = {mem.name: mem.addrs.get(0) for mem in m.members}
    assert len(addrs) == 302
    assert all(addrs[f"n{i}"] == f"10.100.{i // 256}.{i % 256}" for i in range(300))
    assert addrs["alpha"] == "192.168.10.11"


def test_a_node_trees_boot_links_are_read_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """HB018, XN019 and LV004 ask each tree's boot links; the folders are listed once
    per tree and run (before: two to four times a tree on this site)."""
    calls: collections.Counter[str] = collections.Counter()
    read = bootlinks.boot_links

    def counting(tree: NodeRoot) -> dict[str, str] | None:
        calls[str(tree.etc)] += 1
        return read(tree)

    monkeypatch.setattr(bootlinks, "boot_links", counting)
    lint.run([FIXTURES / "unseen4" / "centos5-iet-hb1-drbd83-ocfs2-pcmk10-xm"])
    assert calls and set(calls.values()) == {1}, calls


def test_the_read_only_migrate_passes_share_one_parse_per_file() -> None:
    """site_clusters, the iSCSI pairing and plan_order ask the cluster model of the same
    files: with one ``reads`` they get the same documents, parsed once."""
    site = FIXTURES / "unseen4" / "centos5-iet-hb1-drbd83-ocfs2-pcmk10-xm"
    found = discover([str(p) for p in sorted(site.iterdir()) if p.is_dir()])
    reads: dict[tuple[int, str], object] = {}
    first = loaded_cluster(found, ("hosts", "hacf"), reads)
    again = loaded_cluster(found, ("hosts", "drbd"), reads)
    hosts = [i.doc for i in first.docs("hosts")]
    assert hosts and hosts == [i.doc for i in again.docs("hosts")]
    assert all(a is b for a, b in zip(hosts, [i.doc for i in again.docs("hosts")], strict=True))
    assert len(reads) == len(
        {(id(i.file), i.file.format) for c in (first, again) for i in c.loaded}
    )
