"""Read-only command output: ``multipath -ll`` and ``/proc/drbd``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, SHARED, ids, shared_files, shared_path
from roundtrip import loads_or_refused, mutate, read
from xencfg.formats.status.multipath_ll import MultipathLlDocument
from xencfg.formats.status.proc_drbd import ProcDrbdDocument

MPLL = (
    sorted((FIXTURES / "multipath-ll" / "valid").iterdir())
    + shared_files("corpus", "status-multipath-ll")
    + shared_files("seed-examples", pattern="multipath-ll-*.txt")
)
DRBD = (
    sorted((FIXTURES / "proc-drbd" / "valid").iterdir())
    + shared_files("corpus", "status-procdrbd")
    + shared_files("seed-examples", pattern="proc-drbd*.txt")
)
CASES = [(p, "multipath-ll") for p in MPLL] + [(p, "proc-drbd") for p in DRBD]


def _need(path: Path) -> None:
    if SHARED in path.parents:
        shared_path()


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=ids([p for p, _ in CASES]))
def test_every_file_parses_and_dumps_its_text(path: Path, fmt: str) -> None:
    _need(path)
    text = read(path)
    doc = xencfg.loads(text, fmt, path=str(path))
    assert xencfg.dumps(doc) == text
    d = doc.to_dict()
    assert d["format"] == fmt
    if fmt == "multipath-ll":
        assert doc.maps and all(m.dm.startswith("dm-") for m in doc.maps)
        assert all(p.device and p.dm_state for m in doc.maps for p in m.paths)
    else:
        assert doc.minors and all(m.cs for m in doc.minors)


def test_corpus_present() -> None:
    shared_path("corpus", "status-procdrbd")
    assert len([p for p in DRBD if SHARED in p.parents]) >= 15
    assert len([p for p in MPLL if SHARED in p.parents]) >= 5


# -- multipath -ll ---------------------------------------------------------


def test_new_layout_fixture() -> None:
    doc = xencfg.load(FIXTURES / "multipath-ll" / "valid" / "new-layout.txt", "multipath-ll")
    assert isinstance(doc, MultipathLlDocument)
    a = doc.map("mpatha")
    assert (a.wwid, a.dm, a.vendor, a.product) == (
        "3600a0b800026105a0000038d4f4e4a4e",
        "dm-0",
        "IBM",
        "1815      FAStT",
    )
    assert (a.size, a.features, a.hwhandler, a.wp) == ("20G", "1 queue_if_no_path", "1 rdac", "rw")
    assert a.queue_if_no_path
    assert [(g.policy, g.prio, g.status, len(g.paths)) for g in a.groups] == [
        ("service-time 0", 6, "active", 2),
        ("service-time 0", 1, "enabled", 2),
    ]
    last = a.paths[-1]
    assert (last.hctl, last.device, last.major, last.minor) == ((2, 0, 1, 1), "sde", 8, 64)
    assert (last.dm_state, last.path_state, last.online_state, last.ok) == (
        "failed",
        "faulty",
        "offline",
        False,
    )
    assert a.paths[2].ok  # ghost (standby) paths are healthy
    assert doc.map("dm-3").alias == "xenvg" and doc.unparsed == []


def test_old_layout_fixture() -> None:
    doc = xencfg.load(FIXTURES / "multipath-ll" / "valid" / "old-layout.txt", "multipath-ll")
    (m,) = doc.maps
    assert (m.alias, m.dm, m.size, m.features, m.hwhandler) == (
        "shared",
        "dm-2",
        "50G",
        "1 queue_if_no_path",
        "0",
    )
    assert [(g.policy, g.prio, g.status) for g in m.groups] == [
        ("round-robin 0", 50, "active"),
        ("round-robin 0", 10, "enabled"),
    ]
    assert [(p.device, p.dm_state, p.path_state, p.online_state) for p in m.paths] == [
        ("sda", "active", "ready", None),
        ("sdc", "active", "ready", None),
        ("sdb", "failed", "faulty", None),
    ]


def test_seed_with_stripped_indentation() -> None:
    doc = xencfg.load(
        shared_path("seed-examples", "s002-sles-hasi", "output", "multipath-ll-host1.txt"),
        "multipath-ll",
    )
    assert [(m.alias, m.dm, m.size) for m in doc.maps] == [
        ("mpath2", "dm-1", "100G"),
        ("mpath1", "dm-0", "2.0T"),
    ]
    assert [p.device for p in doc.map("mpath2").paths] == ["sdc", "sda"]  # paths, not groups
    assert len(doc.map("mpath2").groups) == 1


def test_multipathd_topology_with_glued_wwid() -> None:
    doc = xencfg.load(
        shared_path(
            "corpus",
            "status-multipath-ll",
            "infimpt__src_infi_multipathtools_simulator_examples.txt",
        ),
        "multipath-ll",
    )
    first = doc.maps[0]
    assert (first.action, first.alias, first.dm) == (
        "create",
        "36000402001f45eb566e79f6d00000000",
        "dm-0",
    )
    old = [m for m in doc.maps if m.wp is None]
    assert old and old[0].wwid == "36000402001f45eb56424ca6800000000" and old[0].vendor == "NEXSAN"
    assert doc.unparsed  # the prompt lines and 'show paths' tables are kept aside


def test_path_before_map_is_an_error() -> None:
    path = FIXTURES / "multipath-ll" / "invalid" / "path-before-map.txt"
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "multipath-ll")
    assert (info.value.line, info.value.column) == (1, 2)
    assert info.value.path == str(path)


# -- /proc/drbd ------------------------------------------------------------


def test_drbd84_fixture() -> None:
    doc = xencfg.load(FIXTURES / "proc-drbd" / "valid" / "drbd84-two.txt", "proc-drbd")
    assert isinstance(doc, ProcDrbdDocument)
    assert (doc.version, doc.api, doc.proto, doc.build_hash) == (
        "8.4.11",
        "1",
        "86-101",
        "56FA65F5FC6C4B1E2D08A1B",
    )
    m0, m1, m2 = doc.minors
    assert (m0.cs, m0.roles, m0.disks, m0.protocol, m0.flags) == (
        "Connected",
        ("Primary", "Secondary"),
        ("UpToDate", "UpToDate"),
        "C",
        "r-----",
    )
    assert m0.counters == {
        "ns": 1024,
        "nr": 0,
        "dw": 2048,
        "dr": 4096,
        "al": 8,
        "bm": 0,
        "lo": 0,
        "pe": 0,
        "ua": 0,
        "ap": 0,
        "ep": 1,
        "oos": 0,
    }
    assert m0.write_order == "f"
    assert (m1.protocol, m1.out_of_sync, m1.sync.percent, m1.sync.left, m1.sync.total) == (
        "B",
        335744,
        68.5,
        335744,
        1048576,
    )
    assert (m1.sync.finish, m1.sync.speed, m1.sync.average, m1.sync.want) == (
        "0:00:05",
        64800,
        60100,
        102400,
    )
    assert (m2.cs, m2.roles) == ("Unconfigured", None)
    assert doc.minor(1) is m1


def test_drbd80_tables_and_st() -> None:
    doc = xencfg.load(
        shared_path("corpus", "status-procdrbd", "ganeti__test_data_proc_drbd8.txt"), "proc-drbd"
    )
    m = doc.minor(0)
    assert (doc.version, m.role, m.peer_role) == ("8.0.12", "Primary", "Secondary")
    assert m.tables["act_log"]["hits"] == "793749" and m.tables["resync"]["used"] == "0/61"
    assert "oos" not in m.counters


@pytest.mark.parametrize("n", ["3", "4"])
def test_s004_artifact_lines_are_kept_not_fatal(n: str) -> None:
    """Decision: the scrape's ``*        *`` first line is kept in ``unparsed``,
    the device is still read (the file has no version header either)."""
    name = {"3": "proc-drbd-3-synced-mk1.txt", "4": "proc-drbd-4-primary-mk1.txt"}[n]
    doc = xencfg.load(shared_path("seed-examples", "s004-drbd-lvm", "output", name), "proc-drbd")
    assert doc.unparsed == [(1, "*        *")]
    assert doc.version is None
    assert (doc.minors[0].minor, doc.minors[0].counters["ns"]) == (1, 458700)


def test_s001_sync_and_elision() -> None:
    doc = xencfg.load(
        shared_path("seed-examples", "s001-drbd-heartbeat", "output", "proc-drbd.txt"), "proc-drbd"
    )
    m = doc.minor(0)
    assert (m.sync.percent, m.sync.left, m.sync.finish, m.sync.speed) == (
        1.0,
        10380903,
        "0:07:43",
        10836,
    )
    assert doc.unparsed == [(11, "...")]


def test_counters_before_device_is_an_error() -> None:
    path = FIXTURES / "proc-drbd" / "invalid" / "counters-before-device.txt"
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "proc-drbd")
    assert (info.value.line, info.value.column) == (2, 5)
    assert "before any 'N: cs:'" in info.value.message


# -- robustness --------------------------------------------------------------

MUTATE = CASES[:3] + [c for c in CASES if c[1] == "proc-drbd"][:3]


@pytest.mark.parametrize(("path", "fmt"), MUTATE, ids=[f"{f}:{p.name}" for p, f in MUTATE])
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, fmt: str, data: st.DataObject) -> None:
    _need(path)
    text = read(path)
    mutated = mutate(data, text, "[]()'=:/|`\\_-+ \n\t\r\x00a1", 5, 5)
    doc = loads_or_refused(mutated, fmt)
    if doc is None:
        return
    doc.to_dict()


def test_drbd07_layout() -> None:
    text = (
        "version: 0.7.25 (api:79/proto:74)\n"
        "SVN Revision: 3048 build by root@h, 2008-01-01 10:00:00\n"
        " 0: cs:Connected st:Secondary/Primary ld:Consistent\n"
        "    ns:0 nr:4 dw:4 dr:0 al:0 bm:1 lo:0 pe:0 ua:0 ap:0\n"
    )
    doc = xencfg.loads(text, "proc-drbd")
    m = doc.minor(0)
    assert (doc.version, doc.api, m.roles, m.disks, m.counters["nr"]) == (
        "0.7.25",
        "79",
        ("Secondary", "Primary"),
        ("Consistent", ""),
        4,
    )
    assert doc.unparsed == [(2, "SVN Revision: 3048 build by root@h, 2008-01-01 10:00:00")]


def test_non_utf8_bytes_survive(tmp_path: Path) -> None:
    raw = b" 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n\xff\xfe junk\n"
    f = tmp_path / "drbd"
    f.write_bytes(raw)
    doc = xencfg.load(f, "proc-drbd")
    out = tmp_path / "out"
    xencfg.dump(doc, out)
    assert out.read_bytes() == raw and len(doc.unparsed) == 1


# -- generated output ----------------------------------------------------------

_state = st.sampled_from(["Connected", "SyncSource", "WFConnection", "StandAlone"])
_role = st.sampled_from(["Primary", "Secondary", "Unknown"])
_disk = st.sampled_from(["UpToDate", "Inconsistent", "Diskless", "DUnknown"])


@given(
    st.lists(
        st.tuples(
            _state,
            _role,
            _role,
            _disk,
            _disk,
            st.sampled_from("ABC"),
            st.lists(st.integers(0, 10**9), min_size=12, max_size=12),
            st.booleans(),
        ),
        max_size=5,
    ),
    st.booleans(),
)
def test_generated_proc_drbd_reads_back(devs: list, modern: bool) -> None:
    keys = ["ns", "nr", "dw", "dr", "al", "bm", "lo", "pe", "ua", "ap", "ep", "oos"]
    out = ["version: 8.4.2 (api:1/proto:86-101)" if modern else "version: 8.0.14 (api:86/proto:86)"]
    for i, (cs, r1, r2, d1, d2, proto, nums, sync) in enumerate(devs):
        role = "ro" if modern else "st"
        out.append(f" {i}: cs:{cs} {role}:{r1}/{r2} ds:{d1}/{d2} {proto} r-----")
        out.append("    " + " ".join(f"{k}:{v}" for k, v in zip(keys, nums, strict=True)))
        if sync:
            out.append(f"\t[==>.....] sync'ed: 12.5% ({nums[11]}/{nums[11] + 1})K")
            out.append("\tfinish: 0:01:02 speed: 1,234 (1,000) want: 2,048 K/sec")
    doc = xencfg.loads("\n".join(out) + "\n", "proc-drbd")
    assert doc.unparsed == []
    assert len(doc.minors) == len(devs)
    for m, (cs, r1, r2, d1, d2, proto, nums, sync) in zip(doc.minors, devs, strict=True):
        assert (m.cs, m.roles, m.disks, m.protocol) == (cs, (r1, r2), (d1, d2), proto)
        assert m.counters == dict(zip(keys, nums, strict=True))
        assert (m.sync is not None) == sync
        if m.sync:
            assert (m.sync.left, m.sync.speed, m.sync.average, m.sync.want) == (
                nums[11],
                1234,
                1000,
                2048,
            )


_hctl = st.tuples(*[st.integers(0, 64)] * 4)


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True),
            st.from_regex(r"3[0-9a-f]{16,32}", fullmatch=True),
            st.integers(0, 99),
            st.lists(
                st.lists(st.tuples(_hctl, st.integers(0, 255)), min_size=1, max_size=3),
                min_size=1,
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_generated_multipath_ll_reads_back(maps: list, modern: bool) -> None:
    out = []
    for alias, wwid, dm, groups in maps:
        out.append(f"{alias} ({wwid}) dm-{dm} VEND,PROD X")
        if modern:
            out.append("size=10G features='0' hwhandler='0' wp=rw")
        else:
            out.append("[size=10G][features=0][hwhandler=0]")
        for gi, group in enumerate(groups):
            last_g = gi == len(groups) - 1
            if modern:
                out.append(
                    f"{'`' if last_g else '|'}-+- policy='round-robin 0' prio={gi} status=active"
                )
            else:
                out.append(f"\\_ round-robin 0 [prio={gi}][active]")
            for pi, ((h, c, t, lun), minor) in enumerate(group):
                last_p = pi == len(group) - 1
                if modern:
                    lead = ("  " if last_g else "| ") + ("`" if last_p else "|")
                    states = "active ready running"
                    out.append(f"{lead}- {h}:{c}:{t}:{lun} sd{pi} 8:{minor} {states}")
                else:
                    out.append(f" \\_ {h}:{c}:{t}:{lun} sd{pi} 8:{minor} [active][ready]")
    doc = xencfg.loads("\n".join(out), "multipath-ll")
    assert doc.unparsed == []
    assert [(m.alias, m.wwid, m.dm, m.vendor, m.product) for m in doc.maps] == [
        (a, w, f"dm-{d}", "VEND", "PROD X") for a, w, d, _ in maps
    ]
    for m, (_, _, _, groups) in zip(doc.maps, maps, strict=True):
        assert [g.prio for g in m.groups] == list(range(len(groups)))
        assert [[(p.hctl, p.minor) for p in g.paths] for g in m.groups] == groups


# -- memory (issue 22 item 10): lines one at a time, repeated values stored once ----------


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\r\nb\r\n", "\n\n", "x\ry\n\rz"])
def test_lines_are_numbered_as_split_gives_them(text: str) -> None:
    from xencfg.formats.status._status import lines

    want = [(i, ln.rstrip("\r")) for i, ln in enumerate(text.split("\n"), 1)]
    assert list(lines(text)) == want


def test_shared_keeps_one_string_per_value_and_is_bounded() -> None:
    from xencfg.formats import _memo as memo

    share = memo.Shared()
    a = share("".join(["Conn", "ected"]))
    assert share("".join(["Connec", "ted"])) is a
    for i in range(memo._SHARED + 10):
        share(f"v{i}")
    late = "".join(["v", "late"])
    assert share(late) is late and share("".join(["v", "late"])) is not late  # full: not kept
    assert share("".join(["Conn", "ected"])) is a


def test_proc_drbd_devices_share_their_states() -> None:
    text = "".join(
        f"{i}: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
        f"    ns:{i} nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
        for i in range(3)
    )
    doc = xencfg.loads(text, "proc-drbd")
    a, b = doc.minors[0], doc.minors[2]
    assert (b.cs, b.roles, b.disks, b.flags, b.write_order) == (
        "Connected", ("Primary", "Secondary"), ("UpToDate", "UpToDate"), "r-----", "f"
    )  # fmt: skip
    assert a.cs is b.cs and a.roles is b.roles and a.disks is b.disks and a.flags is b.flags
    assert [k for k in a.counters] == [k for k in b.counters]
    assert all(x is y for x, y in zip(a.counters, b.counters, strict=True))


def test_multipath_ll_paths_share_their_states() -> None:
    text = "".join(
        f"lun{i} (3600{i:04x}) dm-{i} LIO-ORG,block\n"
        "size=100G features='0' hwhandler='0' wp=rw\n"
        "`-+- policy='round-robin 0' prio=50 status=active\n"
        f"  |- 3:0:0:{i} sda{i} 8:{i}  active ready running\n"
        for i in range(3)
    )
    doc = xencfg.loads(text, "multipath-ll")
    a, b = doc.maps[0], doc.maps[2]
    assert (b.size, b.features, b.vendor, b.groups[0].policy) == (
        "100G",
        "0",
        "LIO-ORG",
        "round-robin 0",
    )
    assert a.features is b.features and a.groups[0].policy is b.groups[0].policy
    assert a.paths[0].dm_state is b.paths[0].dm_state and a.paths[0].path_state == "ready"
