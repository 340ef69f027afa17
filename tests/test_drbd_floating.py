"""DRBD ``floating ADDR`` hosts (drbd.conf(5) of 8.3, 8.4 and 9: a host section chosen
by the local address, not the host name), as a ``floating ADDR { ... }`` section or a
``floating ADDR;`` statement: the typed model lists both as hosts, and the rules that
count or compare host sections treat them as drbdadm does.

Every expected verdict was taken from drbd-utils 9.22's drbdadm in its three parsers
(peer-drbdadm ``--mode 83|84|9``, /work/shared/oracle/peers; 8.3 run in a network
namespace with only the local floating address on ``lo``, since the wrapper puts every
address of the file there). drbdadm reads ``floating ADDR;`` as a host section without a
body: parse_host_section takes ``;`` or ``{`` after a floating address (user/v84 and
user/v9 drbdadm_parser.c, "floating <address> {}").
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from test_rules_drbd import tree
from xencfg import lint
from xencfg.formats.drbd import Address, DrbdDocument
from xencfg.formats.schema import Version
from xencfg.syntax.blocks import Entry

RELEASES = ("8.3.16", "8.4.11", "9.2.0")


def _floating(addr: str, *body: str) -> str:
    inner = "".join(f"    {b}\n" for b in body)
    return f"  floating {addr} {{\n{inner}  }}\n"


STORAGE = ("device /dev/drbd0;", "disk /dev/sdb1;", "meta-disk internal;")

#: name -> (text, {release: [(code, line)] drbdadm's refusal pinned to, [] accepted})
CASES: dict[str, tuple[str, dict[str, list[tuple[str, int]]]]] = {
    # peer-drbdadm: 84 OK, 9 OK (node ids made up for two hosts), 83 (at 10.0.0.1) OK
    "two-floating": (
        "resource r0 {\n  protocol C;\n"
        + _floating("10.0.0.1:7788", *STORAGE)
        + _floating("10.0.0.2:7788", *STORAGE)
        + "}\n",
        {r: [] for r in RELEASES},
    ),
    # peer-drbdadm: 84 OK, 9 OK; 83 as alpha OK
    "floating-and-on": (
        "resource r0 {\n  protocol C;\n"
        "  on alpha {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
        "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n"
        + _floating("10.0.0.2:7788", *STORAGE)
        + "}\n",
        {r: [] for r in RELEASES},
    ),
    # peer-drbdadm 84 and 83: "f.conf:8: conflicting use of IP '10.0.0.1:7788' ...
    # f.conf:3: IP '10.0.0.1:7788' first used here."; 9: rc 20 "BAD LUCK, equal hashes"
    "duplicate-address": (
        "resource r0 {\n  protocol C;\n"
        + _floating("10.0.0.1:7788", *STORAGE)
        + _floating("10.0.0.1:7788", *STORAGE)
        + "}\n",
        {r: [("DR001", 8)] for r in RELEASES},
    ),
    # peer-drbdadm 83, 84 and 9: "f.conf:3: in resource r0, on 10.0.0.1:7788 { ... }:
    # 'disk' keyword missing." (lint said nothing: DR024 checked 'on' sections only)
    "floating-without-disk": (
        "resource r0 {\n  protocol C;\n"
        + _floating("10.0.0.1:7788", "device /dev/drbd0;", "meta-disk internal;")
        + _floating("10.0.0.2:7788", *STORAGE)
        + "}\n",
        {r: [("DR024", 3)] for r in RELEASES},
    ),
    # peer-drbdadm 83, 84 and 9: "... on 10.0.0.1:7788 { ... }: 'device' keyword missing."
    "floating-without-device": (
        "resource r0 {\n  protocol C;\n"
        + _floating("10.0.0.1:7788", "disk /dev/sdb1;", "meta-disk internal;")
        + _floating("10.0.0.2:7788", *STORAGE)
        + "}\n",
        {r: [("DR024", 3)] for r in RELEASES},
    ),
    # peer-drbdadm 83, 84 and 9: "f.conf:5: ... on 10.0.0.1:7788 { ... }: 'disk' keyword
    # missing." and the same for line 6: the statements inherit no disk
    "statements-without-disk": (
        "resource r0 {\n  protocol C;\n  device /dev/drbd0;\n  meta-disk internal;\n"
        "  floating 10.0.0.1:7788;\n  floating 10.0.0.2:7788;\n}\n",
        {r: [("DR024", 5), ("DR024", 6)] for r in RELEASES},
    ),
    # peer-drbdadm 84 OK, 9 OK, 83 (at 10.0.0.1) OK
    "statements": (
        "resource r0 {\n  protocol C;\n  device /dev/drbd0;\n  disk /dev/sdb1;\n"
        "  meta-disk internal;\n  floating 10.0.0.1:7788;\n  floating 10.0.0.2:7788;\n}\n",
        {r: [] for r in RELEASES},
    ),
    # peer-drbdadm 84 OK and 9 OK: an 'on' and a 'floating ADDR;' make the two hosts of
    # the implicit connection (lint said DR020 "has 1 host section(s), not two" in 9)
    "on-and-statement": (
        "resource r0 {\n  protocol C;\n  device /dev/drbd0;\n  disk /dev/sdb1;\n"
        "  meta-disk internal;\n  on alpha {\n    address 10.0.0.1:7788;\n  }\n"
        "  floating 10.0.0.2:7788;\n}\n",
        {r: [] for r in RELEASES},
    ),
    # peer-drbdadm 84 OK; 9: "f.conf:3: in resource r0, on 10.0.0.1:7788 { ... }:
    # 'node-id' keyword missing." (generate_implicit_node_id only for two hosts)
    "one-floating": (
        "resource r0 {\n  protocol C;\n" + _floating("10.0.0.1:7788", *STORAGE) + "}\n",
        {"8.3.16": [], "8.4.11": [], "9.2.0": [("DR020", 3)]},
    ),
    # peer-drbdadm 84 OK; 9: "f.conf:6: ... on 10.0.0.1:7788 { ... }: 'node-id' keyword
    # missing."
    "one-statement": (
        "resource r0 {\n  protocol C;\n  device /dev/drbd0;\n  disk /dev/sdb1;\n"
        "  meta-disk internal;\n  floating 10.0.0.1:7788;\n}\n",
        {"8.3.16": [], "8.4.11": [], "9.2.0": [("DR020", 6)]},
    ),
    # peer-drbdadm 84 OK; 9: "f.conf:3: in resource r0, on 10.0.0.1:7788 { ... }:
    # 'node-id' keyword missing." (and the two others)
    "three-floating-without-node-id": (
        "resource r0 {\n  protocol C;\n"
        + _floating("10.0.0.1:7788", *STORAGE)
        + _floating("10.0.0.2:7788", *STORAGE)
        + _floating("10.0.0.3:7788", *STORAGE)
        + "}\n",
        {"8.3.16": [], "8.4.11": [], "9.2.0": [("DR020", 3), ("DR020", 8), ("DR020", 13)]},
    ),
    # peer-drbdadm 9 OK (with the "Use explicit 'connection' sections" warning, DR025's)
    "nine-with-node-ids": (
        "resource r0 {\n"
        + _floating("10.0.0.1:7788", *STORAGE, "node-id 0;")
        + _floating("10.0.0.2:7788", *STORAGE, "node-id 1;")
        + _floating("10.0.0.3:7788", *STORAGE, "node-id 2;")
        + "}\n",
        {"9.2.0": []},
    ),
    # peer-drbdadm 9: "f.conf:12: conflicting use of node-id 'r0:1' ... f.conf:6: node-id
    # 'r0:1' first used here."
    "nine-node-id-twice": (
        "resource r0 {\n"
        + _floating("10.0.0.1:7788", *STORAGE, "node-id 1;")
        + _floating("10.0.0.2:7788", *STORAGE, "node-id 1;")
        + "}\n",
        {"9.2.0": [("DR020", 12)]},
    ),
}

HOST_RULES = ["DR001", "DR002", "DR003", "DR020", "DR024"]


def _findings(root: Path, release: str, select: list[str] | None = None) -> list[tuple[str, int]]:
    versions = {"drbd": Version.parse(release)}
    result = lint.run([str(root)], select=select or [], versions=versions)
    return sorted((f.code, f.line) for f in result.findings if f.severity == "error")


@pytest.mark.parametrize(
    ("name", "release"), [(n, r) for n, (_, verdicts) in CASES.items() for r in verdicts]
)
def test_host_rules_agree_with_drbdadm(tmp_path: Path, name: str, release: str) -> None:
    text, verdicts = CASES[name]
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": text})
    assert _findings(root, release, HOST_RULES) == verdicts[release]


@pytest.mark.parametrize(
    ("name", "release"),
    [(n, r) for n, (_, verdicts) in CASES.items() for r, v in verdicts.items() if not v],
)
def test_no_error_where_drbdadm_accepts(tmp_path: Path, name: str, release: str) -> None:
    # the whole rule set, on two nodes holding the file: drbdadm takes it on both
    text, _ = CASES[name]
    root = tmp_path / "c"
    for node in ("alpha", "beta"):
        tree(root / node, {"etc/drbd.conf": text, "etc/hostname": node + "\n"})
    got = _findings(root, release)
    assert not [g for g in got if g[0].startswith("DR")]


# -- the typed model ---------------------------------------------------------------------

STATEMENTS = CASES["on-and-statement"][0]


def test_floating_statement_is_a_host() -> None:
    doc = xencfg.loads(STATEMENTS, format="drbd")
    assert isinstance(doc, DrbdDocument)
    r = doc.resources["r0"]
    on, floating = r.host_list
    assert (on.kind, on.floating, on.entry) == ("on", False, None)
    assert floating.kind == "floating" and floating.floating
    assert isinstance(floating.entry, Entry) and floating.node is floating.entry
    assert floating.address == Address("10.0.0.2", 7788)
    assert floating.names == ["10.0.0.2:7788"]
    assert r.host("10.0.0.2:7788") == floating and list(r.hosts) == ["alpha", "10.0.0.2:7788"]
    # it inherits the resource's storage, like a section without statements
    vol = r.effective("10.0.0.2:7788").volumes[0]
    assert (vol["device"].minor, vol["disk"]) == (0, "/dev/sdb1")
    assert floating.node_id is None and floating.volumes == {}
    assert doc.dumps() == STATEMENTS
    # a new host goes after the last host, 'floating ADDR;' included
    r.add_host("gamma", "10.0.0.3:7788")
    assert doc.dumps().endswith(
        "  floating 10.0.0.2:7788;\n  on gamma {\n    address 10.0.0.3:7788;\n  }\n}\n"
    )


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    return [(x, y) for x, y in zip(a, b, strict=False) if x != y]


def test_statement_address_edit_changes_its_line_only() -> None:
    doc = xencfg.loads(STATEMENTS, format="drbd")
    assert isinstance(doc, DrbdDocument)
    host = doc.resources["r0"].host_list[1]
    host.address.port = 7799  # type: ignore[union-attr]
    out = doc.dumps()
    assert out == STATEMENTS.replace("10.0.0.2:7788;", "10.0.0.2:7799;")
    host.address = "10.0.0.3:7788"
    assert doc.dumps() == STATEMENTS.replace("10.0.0.2:7788;", "10.0.0.3:7788;")


def test_edit_that_needs_a_body_opens_the_statement_in_place() -> None:
    # DRBD 9 wants a node-id in each host once one has it: setting it on a 'floating
    # ADDR;' host turns the statement into a section, the other lines untouched
    doc = xencfg.loads(STATEMENTS, format="drbd")
    assert isinstance(doc, DrbdDocument)
    r = doc.resources["r0"]
    host = r.host_list[1]
    host.node_id = 1
    out = doc.dumps()
    assert out.startswith(STATEMENTS[: STATEMENTS.index("  floating")])
    assert out.endswith("  floating 10.0.0.2:7788 {\n    node-id 1;\n  }\n}\n")
    again = xencfg.loads(out, format="drbd")
    assert isinstance(again, DrbdDocument)
    h = again.resources["r0"].host("10.0.0.2:7788")
    assert h is not None and h.entry is None and h.node_id == 1
    assert host.entry is None and host.block is r.block.children[-1]


def test_statement_sections_refuse_edits_and_unset_is_a_no_op() -> None:
    # an edit that would go nowhere is refused rather than lost
    doc = xencfg.loads(STATEMENTS, format="drbd")
    assert isinstance(doc, DrbdDocument)
    host = doc.resources["r0"].host_list[1]
    assert host.sections == {}
    with pytest.raises(TypeError):
        host.sections["net"] = {"protocol": "C"}
    host.disk = None  # nothing to remove in a statement
    assert doc.dumps() == STATEMENTS
    with pytest.raises(ValueError):
        host.address = None


def test_floating_section_address_setter_edits_its_head() -> None:
    # a floating section has no 'address' statement (drbdadm 8.4: "Parse error:
    # 'disk | device | address | meta-disk | flexible-meta-disk' expected" lists it
    # for 'on' only): the setter rewrites the head, and nothing else
    text = CASES["two-floating"][0]
    doc = xencfg.loads(text, format="drbd")
    assert isinstance(doc, DrbdDocument)
    doc.resources["r0"].host_list[0].address = "10.0.0.5:7788"
    assert doc.dumps() == text.replace("floating 10.0.0.1:7788", "floating 10.0.0.5:7788")


# -- rules across nodes ----------------------------------------------------------------


def _pair(tmp_path: Path, alpha: str, beta: str) -> Path:
    root = tmp_path / "pair"
    for node, text in (("alpha", alpha), ("beta", beta)):
        tree(root / node, {"etc/drbd.conf": text, "etc/hostname": node + "\n"})
    return root


@pytest.mark.parametrize("release", RELEASES)
def test_dr006_floating_host_is_matched_by_address(tmp_path: Path, release: str) -> None:
    # node beta is named in no 'on' section, but holds 10.0.0.2: drbdadm on a machine
    # named 'vm' with only 10.0.0.2 configured dumps "# resource r0 on vm: not ignored"
    # (8.3, 8.4 and 9 parsers alike; with 10.0.0.3 instead: "ignored", 8.3 "no normal
    # resources defined for this host"). Lint cannot tell which addresses a node holds,
    # so such a resource is not reported.
    text = CASES["floating-and-on"][0]
    root = _pair(tmp_path, text, text)
    result = lint.run([str(root)], select=["DR006"], versions={"drbd": Version.parse(release)})
    assert result.findings == []
    # the rule still fires where only 'on' sections are (a failing tree)
    end = "    meta-disk internal;\n  }\n}"
    only_on = text.replace("floating 10.0.0.2:7788", "on gamma").replace(
        end, "    address 10.0.0.2:7788;\n" + end
    )
    bad = _pair(tmp_path / "b", only_on, only_on)
    result = lint.run([str(bad)], select=["DR006"], versions={"drbd": Version.parse(release)})
    assert [f.code for f in result.findings] == ["DR006"]


def test_dr009_compares_floating_hosts_by_address(tmp_path: Path) -> None:
    # two copies of one floating resource: each node's drbdadm takes its own copy
    # (peer-drbdadm 84: OK), but beta's copy gives 10.0.0.2 another minor than alpha's;
    # the copies were not even grouped (no 'on' name in common), so nothing compared them
    text = CASES["two-floating"][0]
    other = text.replace(
        "floating 10.0.0.2:7788 {\n    device /dev/drbd0;",
        "floating 10.0.0.2:7788 {\n    device /dev/drbd1;",
    )
    got = lint.run([str(_pair(tmp_path, text, other))], select=["DR009"]).findings
    assert [f.message for f in got] == [
        "resource 'r0' differs on beta from alpha: volume 0 device /dev/drbd1 in beta's copy,"
        " /dev/drbd0 in alpha's (for hosts floating 10.0.0.2:7788)"
    ]
    # the same hosts written otherwise (ipv4 prefix, statements) are the same resource
    same = text.replace("floating 10.0.0.1:7788", "floating ipv4 10.0.0.1:7788")
    assert lint.run([str(_pair(tmp_path / "s", text, same))], select=["DR009"]).findings == []
    stmts = CASES["statements"][0]
    as_sections = stmts.replace("7788;\n", "7788 { }\n")
    root = _pair(tmp_path / "t", stmts, as_sections)
    assert lint.run([str(root)], select=["DR009"]).findings == []


def test_dr009_floating_node_ids_swapped(tmp_path: Path) -> None:
    # DRBD 9 copies that swap the node-ids of two floating hosts never connect ("Peer
    # presented a node_id of 1 instead of 0", as for 'on' hosts, see DR009's doc)
    text = CASES["nine-with-node-ids"][0]
    swapped = (
        text.replace("node-id 0;", "node-id X;")
        .replace("node-id 1;", "node-id 0;")
        .replace("node-id X;", "node-id 1;")
    )
    root = _pair(tmp_path, text, swapped)
    got = lint.run([str(root)], select=["DR009"], versions={"drbd": Version.parse("9.2.0")})
    assert [f.message.split(": ", 1)[1] for f in got.findings] == [
        "node-id of floating 10.0.0.1:7788 1 in beta's copy, 0 in alpha's; "
        "node-id of floating 10.0.0.2:7788 0 in beta's copy, 1 in alpha's"
    ]
