"""drbd.conf: round trips, typed model, inheritance, includes, edits, errors, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from roundtrip import (
    canonical,
    check_byte_exact,
    check_canonical,
    check_one_edit,
    check_scanner,
    check_tokens,
    mutate,
    read,
)
from xencfg.formats import drbd
from xencfg.formats.drbd import Address, Device, DrbdDocument, MetaDisk, unquote
from xencfg.formats.schema import V
from xencfg.syntax.blocks import Block, Entry

VALID = FIXTURES / "drbd" / "valid"
INVALID = FIXTURES / "drbd" / "invalid"
OWN = sorted(p for p in VALID.rglob("*") if p.is_file())
CORPUS = shared_files("corpus", "drbd")
SEEDS = [p for p in shared_files("seed-examples", pattern="drbd.conf") if "etc" in p.parts]
ALL = OWN + CORPUS + SEEDS

#: Corpus files that are not drbd.conf but parse with the same grammar, and what they are.
NOT_DRBD_CONF = {
    "ganeti__test_data_bdev-drbd-8.0.txt": "drbdsetup show (8.0) of one device: top-level sections",
    "ganeti__test_data_bdev-drbd-8.3.txt": "drbdsetup show (8.3) of one device",
    "ganeti__test_data_bdev-drbd-disk.txt": "drbdsetup show, disk part only",
    "ganeti__test_data_bdev-drbd-net-ip4.txt": "drbdsetup show, net part only",
    "ganeti__test_data_bdev-drbd-net-ip6.txt": "drbdsetup show, net part only",
}


def _doc(name: str) -> DrbdDocument:
    doc = xencfg.load(VALID / name, "drbd")
    assert isinstance(doc, DrbdDocument)
    return doc


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_round_trip_byte_exact(path: Path) -> None:
    if path not in OWN:
        shared_path()
    doc = check_byte_exact(path, "drbd")
    check_canonical(doc, "drbd")
    check_tokens(doc, "drbd", unquote)


def test_shared_corpus_present() -> None:
    shared_path("corpus", "drbd")
    assert len(CORPUS) == 66
    assert len(SEEDS) == 4


@pytest.mark.parametrize("path", CORPUS, ids=ids(CORPUS))
def test_drbdsetup_show_outputs_are_recognised(path: Path) -> None:
    shared_path()
    doc = drbd.parse(read(path), str(path))
    show = (
        "drbdsetup_show" in path.name
        or path.name.startswith("ganeti")
        or "restore_show" in path.name
    )
    assert doc.is_drbdsetup_show == show, path.name
    if path.name in NOT_DRBD_CONF:
        assert doc.resources == {} and doc.is_drbdsetup_show
        # no false "unknown" for its top-level sections
        assert [k for _, k, _ in doc.keyword_problems() if k == "unknown"] == []


@pytest.mark.parametrize("path", CORPUS + SEEDS, ids=ids(CORPUS + SEEDS))
def test_one_value_edit_changes_one_line(path: Path) -> None:
    shared_path()
    doc = drbd.parse(read(path), str(path))
    for res in doc.resource_list():
        for host in res.host_list:
            addr = host.address
            entry = host.block.entry("address")
            if addr is not None and addr.port is not None and entry is not None:
                check_one_edit(doc, entry, lambda a=addr: setattr(a, "port", a.port + 1))
                return
    # no host address: edit the first one-line statement with a value instead
    from xencfg.syntax.tree import walk

    for node in walk(doc):
        if isinstance(node, Entry) and node.values and "\n" not in node.source_text().strip():
            check_one_edit(
                doc, node, lambda n=node: setattr(n, "values", ["changed", *n.values[1:]])
            )
            return
    assert doc.resources == {} and not any(isinstance(n, Entry) for n in walk(doc))


def test_seed_s001_typed_model() -> None:
    path = shared_path("seed-examples", "s001-drbd-heartbeat", "xen1", "etc", "drbd.conf")
    doc = xencfg.load(path)
    assert doc.format == "drbd"
    assert list(doc.resources) == ["host1_root", "host1_swap", "host2_root", "host2_swap"]
    r = doc.resources["host2_swap"]
    assert sorted(r.hosts) == ["xen1", "xen2"]
    h = r.hosts["xen2"]
    assert h.device == Device("/dev/drbd3", 3)
    assert h.disk == "/dev/xenhostfs/host2-swap"
    assert h.meta_disk == MetaDisk(True)
    assert h.address == Address("10.0.0.2", 7793)
    assert doc.global_ == {"usage-count": "yes"}
    assert doc.common["net"]["allow-two-primaries"] is True
    eff = r.effective("xen1")
    assert eff.protocol == "C"
    assert eff.sections["syncer"] == {"rate": "10M"}
    assert eff.sections["net"]["after-sb-1pri"] == "discard-secondary"


def test_seed_s004_nbsp_lines_are_trivia_but_reported() -> None:
    path = shared_path("seed-examples", "s004-drbd-lvm", "mk1", "etc", "drbd.conf")
    text = read(path)
    doc = drbd.parse(text, str(path))
    lines = sorted({doc.position(o)[0] for o in doc.nbsp_offsets()})
    assert lines == [4, 6, 8, 12, 17, 21, 25]
    r = doc.resources["vm_shaolin"]
    eff = r.effective("mk2")
    # 8.2+: resource-level disk/device/meta-disk are inherited by the "on" sections
    assert eff.device == Device("/dev/drbd1", 1)
    assert eff.disk == "/dev/vg0/vm_shaolin"
    assert eff.meta_disk == MetaDisk(True)
    assert eff.address == Address("10.0.0.82", 7789)
    assert eff.protocol == "C"  # from common
    assert eff.sections["syncer"] == {"rate": "500M", "verify-alg": "sha1"}
    assert eff.sections_84 == {
        "disk": {"resync-rate": "500M"},
        "net": {"verify-alg": "sha1", "protocol": "C"},
    }


def test_v84_volumes_and_inheritance() -> None:
    doc = _doc("v84-volumes.res")
    r = doc.resources["data"]
    assert r.protocol == "C"
    assert sorted(r.volumes) == [0, 1]
    assert r.volumes[1].device == Device(None, 11)
    assert r.volumes[1].meta_disk == MetaDisk(False, "/dev/vg0/meta", 1)
    bravo = r.hosts["bravo"]
    assert bravo.address == Address("fd00::32", 7789, "ipv6")
    assert str(bravo.address) == "ipv6 [fd00::32]:7789"
    eff = r.effective("bravo")
    assert eff.volumes[0]["device"] == Device("/dev/drbd10", 10)
    assert eff.volumes[1]["disk"] == "/dev/vg1/data1"  # the host's volume wins
    assert eff.volumes[1]["device"] == Device(None, 11)  # the rest comes from the resource
    assert r.effective("alpha").volumes[1]["disk"] == "/dev/vg0/data1"
    assert eff.device is None  # several volumes: ask per volume
    assert eff.sections["net"]["allow-two-primaries"] == "yes"
    with pytest.raises(KeyError):
        r.effective("charlie")


def test_v9_connections_mesh_floating_and_diskless() -> None:
    doc = _doc("v9-mesh.res")
    r = doc.resources["r9"]
    assert [h.node_id for h in r.host_list] == [0, 1, 2, 3]
    assert r.hosts["charlie"].diskless and r.hosts["charlie"].disk is None
    assert r.effective("charlie").disk is None
    assert r.effective("alpha").disk == "/dev/vg/r9"
    assert r.effective("alpha").device == Device(None, 20)
    assert r.connection_mesh == ["alpha", "bravo", "charlie"]
    conn = r.connections[0]
    assert [(h.name, h.address) for h in conn.paths[0]] == [
        ("alpha", Address("10.0.0.1", 7010)),
        ("bravo", Address("10.0.0.2", 7010)),
    ]
    assert conn.hosts[0].address is not None and conn.hosts[0].address.port == 7011
    floating = r.hosts["ipv4 10.9.9.9:7020"]
    assert r.host("10.9.9.9:7020") == floating
    assert floating.kind == "floating" and floating.address == Address("10.9.9.9", 7020)
    assert doc.to_dict()["resources"][0]["hosts"][3]["node_id"] == 3


def test_old_style_skip_quotes_and_flexible_meta_disk() -> None:
    doc = _doc("old-style.conf")
    assert len(doc.skips) == 1 and "not parsed { nested }" in doc.skips[0].text
    r = doc.resources["r0"]
    assert r.sections["net"]["shared-secret"] == 'a "quoted" secret'
    assert r.hosts["alpha"].meta_disk == MetaDisk(True, flexible=True)
    assert r.hosts["bravo"].meta_disk == MetaDisk(False, "/dev/hdb1", 0)
    assert doc.global_ == {"usage-count": "ask", "minor-count": "8"}
    assert r.effective("alpha").sections["startup"] == {
        "wfc-timeout": "0",
        "degr-wfc-timeout": "120",
    }
    problems = {(n.key, k) for n, k, _ in doc.keyword_problems()}
    assert ("syncer", "deprecated") in problems and ("rate", "deprecated") in problems


def test_unknown_keywords_are_kept_with_suggestions() -> None:
    text = (
        "usage-count no;\n"
        "resource r0 {\n\tnet {\n\t\tallow-two-primarie yes;\n\t\tfrobnicate;\n"
        "\t\tresync-rate 40M;\n\t}\n\tdevise /dev/drbd0;\n}\n"
    )
    doc = drbd.parse(text)
    problems = [(n.key, k, s) for n, k, s in doc.keyword_problems()]
    assert problems == [
        ("usage-count", "misplaced", "global"),  # valid, in the wrong section
        ("allow-two-primarie", "unknown", "allow-two-primaries"),
        ("frobnicate", "unknown", None),
        ("resync-rate", "misplaced", "disk"),
        ("devise", "unknown", "device"),
    ]
    assert doc.dumps() == text


def test_crlf_and_missing_final_newline() -> None:
    doc = _doc("crlf-no-final-newline.conf")
    assert doc.resources["r0"].hosts["a"].address == Address("10.0.0.1", 7788)
    doc.resources["r0"].hosts["a"].disk = "/dev/sda8"
    assert doc.dumps() == read(VALID / "crlf-no-final-newline.conf").replace("sda7", "sda8")


def test_non_utf8_round_trip(tmp_path: Path) -> None:
    raw = b"# caf\xe9\nresource r0 { on a { disk /dev/\xff; address 1.2.3.4:5; } }\n"
    f = tmp_path / "drbd.conf"
    f.write_bytes(raw)
    doc = xencfg.load(f)
    xencfg.dump(doc, tmp_path / "out.conf")
    assert (tmp_path / "out.conf").read_bytes() == raw


# -- edits -------------------------------------------------------------------------


def test_port_edit_through_the_model_changes_one_token() -> None:
    doc = _doc("v84-volumes.res")
    before = doc.dumps()
    doc.resources["data"].hosts["alpha"].address.port = 7790  # type: ignore[union-attr]
    after = doc.dumps()
    assert after == before.replace("10.1.1.31:7789", "10.1.1.31:7790")
    doc.resources["data"].hosts["bravo"].address.ip = "fd00::99"  # type: ignore[union-attr]
    assert "address ipv6 [fd00::99]:7789;" in doc.dumps()


def test_family_edit_inserts_the_keyword() -> None:
    doc = drbd.parse("resource r { on a { address 10.0.0.1:7788; } }\n")
    doc.resources["r"].hosts["a"].address.family = "ipv4"  # type: ignore[union-attr]
    assert doc.dumps() == "resource r { on a { address ipv4 10.0.0.1:7788; } }\n"


def test_device_disk_meta_disk_node_id_setters() -> None:
    path = VALID / "old-style.conf"
    doc = _doc("old-style.conf")
    host = doc.resources["r0"].hosts["bravo"]
    host.device = Device("/dev/drbd5", 5)
    host.meta_disk = MetaDisk(True)
    host.node_id = 1
    text = doc.dumps()
    assert "    device /dev/drbd5;\n" in text
    assert "    meta-disk internal;\n" in text
    assert "node-id 1;" in text
    assert drbd.parse(text).resources["r0"].hosts["bravo"].node_id == 1
    assert text.split("on bravo")[0] == read(path).split("on bravo")[0]


def test_one_keyword_properties_are_settings_with_the_schemas_facts() -> None:
    """device, disk and node_id are Setting descriptors whose release facts come from
    the schema (node-id: DRBD 9), so the docs table, the property and lint agree."""
    from xencfg.formats.drbd.keywords import SCHEMA
    from xencfg.formats.drbd.views import Host, Resource, Volume
    from xencfg.formats.view import settings_of

    for cls in (Host, Resource, Volume):
        assert {"device", "disk"} <= settings_of(cls).keys()
    host = settings_of(Host)
    assert host["node-id"].keyword.since == SCHEMA.keyword("host", "node-id").since == V("9.0")
    assert Host.node_id.type.name == "int" and Host.device.type.words


def test_none_removes_a_statement_and_keeps_a_section_of_that_name() -> None:
    doc = drbd.parse(
        "resource r { on a { device /dev/drbd1 minor 1; disk /dev/sdb; disk { on-io-error detach; }"
        " node-id 0; address 10.0.0.1:7788; } }\n"
    )
    host = doc.resources["r"].hosts["a"]
    assert (host.device, host.disk, host.node_id) == (Device("/dev/drbd1", 1), "/dev/sdb", 0)
    host.device = "/dev/drbd3 minor 7"
    host.disk = None
    host.node_id = None
    assert doc.dumps() == (
        "resource r { on a { device /dev/drbd3 minor 7; disk { on-io-error detach; }"
        " address 10.0.0.1:7788; } }\n"
    )
    assert (host.disk, host.node_id, host.diskless) == (None, None, False)
    # a statement without words still reads as an (empty) device, as it always has
    bare = drbd.parse("resource r { on a { device; } }\n").resources["r"].hosts["a"]
    assert bare.device == Device(None, None)


def test_schema_defaults_are_drbd_limits_defaults() -> None:
    """drbd.conf(5)'s defaults (the *_DEF values of drbd_limits.h) where 8.3, 8.4 and 9
    share them; al-extents differs by release and so by section (127 in 8.3's syncer,
    1237 in 8.4's disk)."""
    from xencfg.formats.drbd.keywords import SCHEMA

    def default(ctx: str, key: str) -> object:
        kw = SCHEMA.keyword(ctx, key)
        assert kw is not None
        return kw.default

    assert default("net", "timeout") == 60 and default("net", "ping-timeout") == 5
    assert default("startup", "wfc-timeout") == 0
    assert (default("syncer", "al-extents"), default("disk", "al-extents")) == (127, 1237)
    assert default("net", "protocol") == "C" and default("resource", "protocol") is None
    assert default("proxy", "ping-timeout") is None  # drbd-proxy's own
    assert default("net", "ko-count") is None  # 0 in 8.3, 7 from 8.4 on


def test_add_and_remove_resource_and_host() -> None:
    path = VALID / "include-set" / "drbd.d" / "r1.res"
    doc = xencfg.load(path)
    r = doc.resources["r1"]
    r.add_host("charlie", "10.0.0.3:7790", node_id=2)
    r.remove_host("alpha")
    text = doc.dumps()
    assert "on alpha" not in text
    assert "\ton bravo { address 10.0.0.2:7790; }\n\ton charlie {\n" in text
    again = drbd.parse(text)
    assert again.resources["r1"].hosts["charlie"].address == Address("10.0.0.3", 7790)
    new = doc.add_resource("r2", protocol="A")
    new.device = "/dev/drbd2"
    new.add_host("alpha", "10.0.0.1:7791")
    assert doc.remove_resource("nope") is False
    third = drbd.parse(doc.dumps())
    assert third.resources["r2"].protocol == "A"
    assert third.resources["r2"].effective("alpha").device == Device("/dev/drbd2", 2)
    assert doc.remove_resource("r2") and doc.dumps() == text


def test_model_from_scratch_renders_conventionally() -> None:
    doc = DrbdDocument()
    r = doc.add_resource("r0", protocol="C")
    for name, ip in (("alpha", "10.0.0.1"), ("bravo", "10.0.0.2")):
        r.add_host(name, f"{ip}:7789", device="/dev/drbd0", disk="/dev/sdb1", meta_disk="internal")
    assert doc.dumps() == (
        "resource r0 {\n"
        "    net {\n        protocol C;\n    }\n"
        "    on alpha {\n        device /dev/drbd0;\n        disk /dev/sdb1;\n"
        "        meta-disk internal;\n        address 10.0.0.1:7789;\n    }\n"
        "    on bravo {\n        device /dev/drbd0;\n        disk /dev/sdb1;\n"
        "        meta-disk internal;\n        address 10.0.0.2:7789;\n    }\n"
        "}\n"
    )
    assert drbd.parse(doc.dumps()) == doc


# -- includes ------------------------------------------------------------------


def test_load_config_follows_includes_sorted() -> None:
    cfg = drbd.load_config(VALID / "include-set" / "drbd.conf")
    names = [Path(d.path).name for d in cfg.documents]  # type: ignore[arg-type]
    assert names == ["drbd.conf", "global_common.conf", "r0.res", "r1.res"]
    assert list(cfg.resources) == ["r0", "r1"]
    assert Path(cfg.origin("r1").path).name == "r1.res"  # type: ignore[arg-type]
    assert cfg.resources["r0"].path == str(VALID / "include-set" / "drbd.d" / "r0.res")
    assert cfg.resources["r0"].document is cfg.documents[2]
    assert cfg.global_ == {"usage-count": "no"}
    eff = cfg.resources["r1"].effective("alpha")
    assert eff.protocol == "C"  # from global_common.conf's common section
    assert eff.sections["net"] == {"protocol": "C", "max-buffers": "2048"}
    assert eff.sections["disk"] == {"on-io-error": "detach"}
    assert eff.device == Device("/dev/drbd1", 1)
    for d in cfg.documents:  # each file still round-trips on its own
        assert d.dumps() == read(Path(d.path))  # type: ignore[arg-type]
    assert cfg.to_dict()["resources"][1]["file"].endswith("r1.res")


def test_include_missing_and_cycles(tmp_path: Path) -> None:
    (tmp_path / "drbd.conf").write_text(
        'include "drbd.conf";\ninclude "gone.conf";\ninclude "d/*.res";\n'
    )
    cfg = drbd.load_config(tmp_path / "drbd.conf")
    assert len(cfg.documents) == 1
    assert cfg.missing == ["gone.conf"]


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("missing-semicolon.conf", 3, 2, "expected ';' after the value of 'protocol', got 'on'"),
        ("glued-statement.conf", 5, 3, "expected ';' after the value of 'disk', got 'address'"),
        ("resource-without-brace.conf", 2, 13, "expected '{' after resource name"),
        ("unclosed-resource.conf", 1, 1, "'resource r0 {' opened here is never closed"),
        ("stray-brace.conf", 4, 1, "unexpected '}': it closes no open section"),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int, words: str) -> None:
    path = INVALID / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "drbd")
    err = info.value
    assert (err.line, err.column) == (line, col)
    assert words in err.message
    assert err.path == str(path) and "^" in err.snippet


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("resource {\n}\n", "expected a resource name before '{'"),
        ("resource r0;\n", "expected '{' after resource name"),
        ("resource r0 { volume x { } }\n", "expected a volume number"),
        ("resource r0 { on { } }\n", "expected a host name before '{'"),
        ('resource r0 { net { shared-secret "abc; } }\n', "unterminated quoted string"),
        ("resource r0 { net { protocol C } }\n", "expected ';' after the value, got '}'"),
        ("resource r0 { on a { ; } }\n", "expected a keyword before ';'"),
        ('resource r0 { "on" a { } }\n', "expected a keyword, got a quoted string"),
        ("resource r0 { on a { disk /dev/sda1 { } } }\n", "expected ';' after the value of 'disk'"),
    ],
)
def test_structural_errors(text: str, words: str) -> None:
    with pytest.raises(xencfg.ParseError) as info:
        drbd.parse(text, "x.conf")
    assert words in info.value.message


# The fast scanner against the grammar, on every file and on noise: tests/test_fast_paths.py


def _skip_pattern(depth: int = 6) -> str:
    """``skip [anything] {`` up to its balanced ``}``, nested ``depth`` deep, the ``{``
    within 4,096 characters of the ``skip`` (unbounded, a file of ``skip a;`` lines
    without a brace took quadratic time: every try read to the end)."""
    inner = "[^{}]*"
    for _ in range(depth - 1):
        inner = r"[^{}]*(?:\{" + inner + r"\}[^{}]*)*"
    return r"skip(?![^\s{\[])[^{]{0,4096}\{" + inner + r"\}"


def test_skip_terminal_balances_six_levels() -> None:
    """The grammar's SKIP terminal is this generated pattern (the scanner reads the
    grammar's own terminals: syntax/terminals.py)."""
    from xencfg.syntax.grammar import data_dir

    grammar = (data_dir("grammars") / "drbd.lark").read_text()
    assert f"SKIP.2: /{_skip_pattern()}/" in grammar


def test_skip_finds_its_brace_within_4096_characters() -> None:
    """drbdadm's skip reads tokens up to a '{' however far; ours looks 4,096 characters
    ahead (the bound keeps a file of brace-less ``skip`` lines linear: the lexer tries
    SKIP at every ``skip``). A skip head that long is no real file's; past it, the text
    is read as words and the stray '{' is a located error, not a hang."""
    near = "skip " + "x " * 100 + "{ a; { b; } }\nresource r {\n}\n"
    doc = xencfg.loads(near, "drbd")
    assert list(doc.resources) == ["r"] and list(doc.keyword_problems()) == []
    far = "skip " + "x " * 2100 + "{ a; { b; } }\nresource r {\n}\n"
    with pytest.raises(xencfg.ParseError) as err:
        xencfg.loads(far, "drbd")
    assert (err.value.line, err.value.column) == (1, 4211)


def test_sniff_and_detect() -> None:
    assert drbd.sniff("resource r0 {\n}\n")
    assert drbd.sniff('include "drbd.d/*.res";\n')
    assert not drbd.sniff("defaults {\n}\n")
    assert xencfg.detect("/etc/drbd.conf") == "drbd"


# -- properties --------------------------------------------------------------------

_name = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)
_ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
_ipv6 = st.sampled_from(["fd00::1", "2001:db8::7", "::1", "fe80::1%eth0"])


@st.composite
def _addresses(draw: st.DrawFn) -> Address:
    if draw(st.booleans()):
        return Address(draw(_ipv6), draw(st.integers(1, 65535)), "ipv6")
    return Address(
        draw(_ipv4),
        draw(st.integers(1, 65535)),
        draw(st.sampled_from(["ipv4", "ipv4", "ssocks", "sdp"])),
    )


@st.composite
def _models(draw: st.DrawFn) -> DrbdDocument:
    doc = DrbdDocument()
    if draw(st.booleans()):
        doc.children.append(Block("global", children=[Entry("usage-count", ["no"])]))
    if draw(st.booleans()):
        net = Block("net", children=[Entry("max-buffers", [str(draw(st.integers(32, 9000)))])])
        doc.children.append(Block("common", children=[Entry("protocol", ["C"]), net]))
    for rname in draw(st.lists(_name, min_size=1, max_size=4, unique=True)):
        r = doc.add_resource(rname, protocol=draw(st.sampled_from([None, "A", "B", "C"])))
        if draw(st.booleans()):
            net = r.section("net", create=True)
            assert net is not None
            net.set("shared-secret", draw(st.text('ab c;"\\#{}', max_size=8)))
        for n in draw(st.lists(st.integers(0, 3), max_size=2, unique=True)):
            r.add_volume(n, device=f"minor {n + 100}", disk=f"/dev/vg/v{n}")
        names = draw(st.lists(_name, min_size=1, max_size=3, unique=True))
        for i, hname in enumerate(names):
            minor = draw(st.integers(0, 1000))
            r.add_host(
                hname,
                draw(_addresses()),
                device=draw(st.sampled_from([f"/dev/drbd{minor}", f"minor {minor}", None])),
                disk=draw(st.sampled_from(["/dev/sdb1", "none", "/dev/vg/x y", None])),
                meta_disk=draw(st.sampled_from(["internal", "/dev/md0[3]", "/dev/md1"])),
                node_id=draw(st.one_of(st.none(), st.just(i))),
            )
        if len(names) > 2 and draw(st.booleans()):
            r.block.children.append(
                Block("connection-mesh", children=[Entry("hosts", list(names))])
            )
    return doc


@given(_models())
def test_generated_models_render_and_reparse_equal(doc: DrbdDocument) -> None:
    text = doc.dumps()
    again = drbd.parse(text)
    assert again == doc
    for name, res in doc.resources.items():
        for hname, host in res.hosts.items():
            other = again.resources[name].hosts[hname]
            assert other.address == host.address
            assert other.device == host.device
            assert other.meta_disk == host.meta_disk
            assert other.disk == host.disk and other.node_id == host.node_id
            mine, theirs = res.effective(hname), again.resources[name].effective(hname)
            assert (mine.volumes, mine.sections, mine.protocol, mine.address) == (
                theirs.volumes,
                theirs.sections,
                theirs.protocol,
                theirs.address,
            )
        assert [link.hosts for link in res.links()] == [
            link.hosts for link in again.resources[name].links()
        ]


MUTATE = (
    OWN
    + [p for p in CORPUS if p.name.startswith(("drbd__", "drbdutils__tests_v9_m", "raspberry"))][:6]
)


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = read(path)
    mutated = mutate(data, text, '{};"#\\\n \t\r\x00\u00a0\ufeffab[]:', 4, 3)
    check_scanner("drbd", mutated, drbd.reader._scan, drbd.parse_lark)
    try:
        doc = drbd.parse(mutated)
    except xencfg.XencfgError:
        return
    assert doc.dumps() == mutated
    canonical(doc)
    doc.to_dict()
    list(doc.keyword_problems())
    for r in doc.resource_list():
        for h in r.host_list:
            r.effective(h.name)


def test_links_expand_connections_mesh_and_short_names() -> None:
    doc = _doc("v9-mesh.res")
    r = doc.resources["r9"]
    links = r.links()
    assert [(link.origin, link.hosts) for link in links] == [
        ("connection", ("alpha", "bravo")),
        ("mesh", ("alpha", "charlie")),
        ("mesh", ("bravo", "charlie")),
    ]
    assert [e.address for e in links[0].paths[0]] == [
        Address("10.0.0.1", 7010),
        Address("10.0.0.2", 7010),
    ]
    assert links[1].paths[0][1].address == Address("192.168.1.3", 7000)
    two = drbd.parse(
        "resource r { on a.example.com { address 1.1.1.1:1; } on b { address 2.2.2.2:2; } }"
    )
    res = two.resources["r"]
    assert [link.origin for link in res.links()] == ["implicit"]
    assert (
        res.host("a") is res.hosts["a.example.com"] or res.host("a") == res.hosts["a.example.com"]
    )
    assert res.effective("a").address == Address("1.1.1.1", 1)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_to_dict_is_json(path: Path) -> None:
    import json

    if path not in OWN:
        shared_path()
    doc = drbd.parse(read(path), str(path))
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["format"] == "drbd"
    assert [r["name"] for r in data["resources"]] == [r.name for r in doc.resource_list()]
    for r in doc.resource_list():  # every host's inheritance resolves
        for h in r.host_list:
            eff = r.effective(h.name)
            assert eff.host == h.name
            assert set(r.volumes) | set(h.volumes) <= set(eff.volumes)


def test_floating_and_connection_host_addresses_are_editable() -> None:
    doc = _doc("v9-mesh.res")
    before = doc.dumps()
    r = doc.resources["r9"]
    floating = next(h for h in r.host_list if h.kind == "floating")
    floating.address.port = 7021  # type: ignore[union-attr]
    r.connections[0].hosts[0].address.port = 7012  # type: ignore[union-attr]
    r.connections[0].paths[0][1].address.ip = "10.0.0.22"  # type: ignore[union-attr]
    after = doc.dumps()
    expected = (
        before.replace("10.9.9.9:7020", "10.9.9.9:7021")
        .replace("host alpha port 7011", "host alpha port 7012")
        .replace("host bravo address 10.0.0.2:7010", "host bravo address 10.0.0.22:7010")
    )
    assert after == expected


#: drbdadm's verdicts on the oracle's broken samples (oracle/peers/README.md, section 1):
#: file -> (kind, line of the conflicting use, line of the first use).
DRBDADM_CONFLICTS = {
    "drbd-dup-minor.conf": ("device-minor", 34, 19),
    "drbd-dup-port.conf": ("address", 37, 22),
    "drbd-dup-resname.conf": ("resource", 32, 17),
}


@pytest.mark.parametrize("name", sorted(DRBDADM_CONFLICTS))
def test_conflicts_match_drbdadm_lines(name: str) -> None:
    path = shared_path("oracle", "peers", "samples", "broken", name)
    doc = drbd.parse(read(path), str(path))
    first = doc.conflicts()[0]  # drbdadm stops at the first one
    assert (first.kind, *first.lines()) == DRBDADM_CONFLICTS[name]


@pytest.mark.parametrize("path", CORPUS + SEEDS, ids=ids(CORPUS + SEEDS))
def test_no_conflicts_in_files_drbdadm_accepts(path: Path) -> None:
    shared_path()
    doc = drbd.parse(read(path), str(path))
    if path.name == "drbd__scripts_drbd.conf.example@2014_v8.4":
        # minor 10 on alpha twice (the stacked resource sits on alpha-bravo, and
        # drbdadm claims stacked minors last): its 9 parser stops at exactly this one
        first = doc.conflicts()[0]
        assert (first.kind, first.key, first.lines()) == ("device-minor", "alpha:10", (130, 175))
        return
    assert doc.conflicts() == []


def test_broken_samples_syntax_and_keywords_match_drbdadm() -> None:
    base = ("oracle", "peers", "samples", "broken")
    with pytest.raises(xencfg.ParseError) as info:
        drbd.parse(read(shared_path(*base, "drbd-syntax-semicolon.conf")))
    assert info.value.line == 23  # drbdadm: ":23: ';' expected, but got '}'"
    doc = drbd.parse(read(shared_path(*base, "drbd-unknown-kw.conf")))
    unknown = [(doc.position(n)[0], s) for n, k, s in doc.keyword_problems() if k == "unknown"]
    assert unknown == [(11, "allow-two-primaries")]  # drbdadm: ":11: ... 'allow-three-primarie...'"
    doc = drbd.parse(read(shared_path(*base, "drbd-bad-ip.conf")))
    assert [(doc.position(n)[0], m) for n, m in doc.value_problems()] == [
        (28, "IPv4 address '10.0.0.256' has an octet above 255")
    ]  # drbdadm accepts it in every mode
    doc = drbd.parse(read(shared_path(*base, "drbd-bad-value.conf")))
    [(node, message)] = doc.value_problems()  # drbdadm 9: "Value is not valid."
    assert doc.position(node)[0] == 12 and "'discard-everything' is not one of" in message
    # drbdadm accepts a missing final '}' at the end of the file; we point at the opener
    with pytest.raises(xencfg.ParseError) as info:
        drbd.parse(read(shared_path(*base, "drbd-syntax-brace.conf")))
    assert info.value.line == 32 and "never closed" in info.value.message


def test_protocol_name_and_volume_edits() -> None:
    doc = _doc("v84-volumes.res")
    r = doc.resources["data"]
    before = doc.dumps()
    r.protocol = "A"  # lives in net { }: edited there
    assert doc.dumps() == before.replace("protocol C;", "protocol A;")
    r.name = "data2"
    assert doc.dumps().startswith("# Two-volume DRBD 8.4 resource with inheritance from the")
    assert 'resource "data2" {' in doc.dumps()  # the quotes are kept
    r.hosts["alpha"].add_volume(2, device="minor 12", disk="/dev/vg0/data2", meta_disk="internal")
    again = drbd.parse(doc.dumps())
    eff = again.resources["data2"].effective("alpha")
    assert eff.volumes[2] == {
        "device": Device(None, 12),
        "disk": "/dev/vg0/data2",
        "meta_disk": MetaDisk(True),
        "sections": {},
    }
    old = _doc("old-style.conf")
    old.resources["r0"].protocol = "B"  # no protocol anywhere in the resource: a statement
    assert old.resources["r0"].block.get("protocol") == "B"


def test_new_sections_follow_the_files_indentation_and_newlines() -> None:
    doc = xencfg.load(VALID / "include-set" / "drbd.d" / "r1.res")
    doc.resources["r1"].add_host("charlie", "10.0.0.3:7790", node_id=2)
    assert "\ton charlie {\n\t\taddress 10.0.0.3:7790;\n\t\tnode-id 2;\n\t}\n}\n" in doc.dumps()
    crlf = _doc("crlf-no-final-newline.conf")
    crlf.resources["r0"].add_host("b", "10.0.0.3:7790")
    text = crlf.dumps()
    assert "\ton b {\r\n\t\taddress 10.0.0.3:7790;\r\n\t}\r\n}" in text
    assert "\n" not in text.replace("\r\n", "")
    two = drbd.parse("resource r {\n  on a {\n    disk /dev/x;\n  }\n}\n")
    two.resources["r"].add_host("b", "1.2.3.4:5")
    assert two.dumps().endswith("  on b {\n    address 1.2.3.4:5;\n  }\n}\n")


def test_value_problems() -> None:
    text = (
        "resource r0 {\n"
        "  protocol D;\n"
        "  on a { address 10.0.0.256:7788; device /dev/drbd0; node-id 40; }\n"
        "  on b { address 10.0.0.2; device /dev/sdb minor x; meta-disk /dev/m[a]; }\n"
        "  on c { address ipv6 10.0.0.3:7788; device /dev/mydrbd; }\n"
        "}\n"
    )
    doc = drbd.parse(text)
    found = [(doc.position(n)[0], m.split(" ")[0]) for n, m in doc.value_problems()]
    assert found == [
        (2, "protocol"),
        (3, "IPv4"),
        (3, "node-id"),
        (4, "address"),
        (4, "device"),
        (4, "meta-disk"),
        (5, "'10.0.0.3'"),
        (5, "device"),
    ]


@pytest.mark.parametrize("path", CORPUS + SEEDS, ids=ids(CORPUS + SEEDS))
def test_real_files_have_no_value_problems(path: Path) -> None:
    shared_path()
    doc = drbd.parse(read(path), str(path))
    assert [(doc.position(n), m) for n, m in doc.value_problems()] == []


def test_core_builders_take_scanner_tokens() -> None:
    """syntax.build.to_tok passes a Tok through, so hand-written scanners share
    make_entry/make_block with the Lark transformers (a one-line core change)."""
    from xencfg.syntax.build import make_entry, to_tok
    from xencfg.syntax.tree import Tok

    t = Tok("WORD", "x", 3)
    assert to_tok(t) is t
    e = make_entry(
        [Tok("WORD", "k", 0), Tok("STRING", '"a b"', 2), Tok("SEMICOLON", ";", 7)], unquote
    )
    assert (e.key, e.values) == ("k", ["a b"])


def test_sections_in_84_form() -> None:
    doc = drbd.parse(
        "resource r {\n protocol C;\n syncer { rate 10M; verify-alg sha1; cpu-mask 3;"
        " delay-probe-volume 16k; }\n disk { no-disk-flushes; on-io-error detach; }\n"
        " net { allow-two-primaries; }\n handlers { outdate-peer /sbin/x; }\n}\n"
    )
    assert doc.resources["r"].sections_84 == {
        "disk": {"resync-rate": "10M", "disk-flushes": "no", "on-io-error": "detach"},
        "net": {"verify-alg": "sha1", "allow-two-primaries": "yes", "protocol": "C"},
        "options": {"cpu-mask": "3"},
        "handlers": {"fence-peer": "/sbin/x"},
    }


def test_well_formed_files_do_not_import_lark() -> None:
    """The scanner reads valid files; Lark is imported only to word an error."""
    import subprocess
    import sys

    code = (
        "import sys, xencfg\n"
        "xencfg.loads('resource r { on a { address 1.2.3.4:5; } }', 'drbd')\n"
        "assert 'lark' not in sys.modules\n"
        "try:\n    xencfg.loads('resource r {', 'drbd')\nexcept xencfg.ParseError:\n    pass\n"
        "assert 'lark' in sys.modules\n"
    )
    src = str(Path(drbd.__file__).resolve().parents[3])
    env = {"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_address_families() -> None:
    text = (
        "resource r {\n"
        " on a { address sci 10.0.0.1:7788; }\n"
        " on b { address sdp 10.0.0.2:7788; }\n"
        " on c { address ssocks 10.0.0.3:7788; }\n"
        " on d { address [fd00::4]:7788; }\n"
        " on e { address ipv6 [fe80::1%eth0]:7788; }\n"
        "}\n"
    )
    doc = drbd.parse(text)
    hosts = doc.resources["r"].hosts
    assert [hosts[n].address.family for n in "abce"] == ["sci", "sdp", "ssocks", "ipv6"]  # type: ignore[union-attr]
    assert hosts["e"].address == Address("fe80::1%eth0", 7788, "ipv6")
    # an IPv6 address needs the ipv6 keyword: without it drbdadm reads it as IPv4
    assert [m for _, m in doc.value_problems()] == [
        "IPv6 address 'fd00::4' needs the 'ipv6' keyword before it"
    ]


def test_conflicts_across_included_files(tmp_path: Path) -> None:
    import json

    (tmp_path / "drbd.d").mkdir()
    (tmp_path / "drbd.conf").write_text('include "drbd.d/*.res";\n')
    res = (
        "resource {n} {{\n  on a {{ device /dev/drbd0; disk /dev/x; address 10.0.0.1:{p}; }}\n}}\n"
    )
    (tmp_path / "drbd.d" / "r0.res").write_text(res.format(n="r0", p=7788))
    (tmp_path / "drbd.d" / "r1.res").write_text(res.format(n="r1", p=7789))
    cfg = drbd.load_config(tmp_path / "drbd.conf")
    [conflict] = cfg.conflicts()
    assert (conflict.kind, conflict.key, conflict.lines()) == ("device-minor", "a:0", (2, 2))
    assert conflict.document is not None and conflict.document.path.endswith("r1.res")  # type: ignore[union-attr]
    assert conflict.first_document is not None and conflict.first_document.path.endswith("r0.res")  # type: ignore[union-attr]
    assert json.loads(json.dumps(cfg.to_dict()))["resources"][1]["file"].endswith("r1.res")


def test_nbsp_in_comments_and_strings_is_not_reported() -> None:
    text = '# caf\u00a0e\nresource r {\u00a0\n  net { shared-secret "a\u00a0b"; }  # x\u00a0y\n}\n'
    doc = drbd.parse(text)
    assert doc.nbsp_offsets() == [text.index("{\u00a0") + 1]
    assert doc.resources["r"].sections["net"]["shared-secret"] == "a\u00a0b"
