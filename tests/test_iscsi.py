"""iSCSI formats: ietd.conf, IET's access lists, iscsid.conf, initiatorname.iscsi.

Round trips over our fixtures, the corpus and the s000 seed; typed models;
edits that touch one line; located errors; secrets masked; hypothesis
generation and mutation; and Augeas' Iscsid lens as a peer for iscsid.conf.
"""

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
from xencfg.formats.lines.ietallow import IetAllowDocument
from xencfg.formats.lines.ietd import IetdDocument
from xencfg.formats.lines.initiatorname import InitiatorNameDocument
from xencfg.formats.lines.iscsid import IscsidDocument
from xencfg.formats.schema import Version


def own(fmt: str) -> list[Path]:
    return sorted((FIXTURES / fmt / "valid").iterdir()) + sorted(
        (FIXTURES / fmt / "invalid").iterdir()
    )


def parseable(fmt: str) -> list[Path]:
    """Files that parse (the invalid fixtures hold value mistakes, not syntax errors)."""
    out = []
    for p in own(fmt):
        try:
            xencfg.load(p, fmt)
        except xencfg.ParseError:
            continue
        out.append(p)
    return out


IETD = (
    parseable("ietd")
    + shared_files("corpus", "ietd")
    + shared_files("seed-examples", pattern="ietd.conf")
)
ALLOW = parseable("iet-allow") + [
    p for p in shared_files("corpus", "other") if re.search(r"\.(allow|deny)$", p.name)
]
ISCSID = (
    parseable("iscsid")
    + shared_files("corpus", "iscsid")
    + shared_files("seed-examples", pattern="iscsid.conf")
)
INAME = (
    parseable("initiatorname")
    + shared_files("corpus", "initiatorname")
    + shared_files("seed-examples", pattern="initiatorname.iscsi")
)

test_ietd_round_trip, test_ietd_one_edit = file_tests("ietd", IETD)
test_allow_round_trip, test_allow_one_edit = file_tests(
    "iet-allow", ALLOW, has_values=lambda d: any(e.values for e in d.entries())
)
test_iscsid_round_trip, test_iscsid_one_edit = file_tests("iscsid", ISCSID, new="edited value")
test_iname_round_trip, test_iname_one_edit = file_tests("initiatorname", INAME)


def test_shared_files_present() -> None:
    shared_path("corpus", "ietd")
    assert len([p for p in IETD if "corpus" in str(p)]) == 10
    assert len([p for p in ISCSID if "corpus" in str(p)]) == 10
    assert len([p for p in INAME if "corpus" in str(p)]) == 4
    assert len([p for p in ALLOW if "corpus" in str(p)]) == 3


def test_detection() -> None:
    assert xencfg.detect("/etc/ietd.conf") == "ietd"
    assert xencfg.detect("/etc/iet/ietd.conf") == "ietd"
    assert xencfg.detect("/etc/iet/initiators.allow") == "iet-allow"
    assert xencfg.detect("/etc/targets.allow") == "iet-allow"
    assert xencfg.detect("/etc/iscsi/iscsid.conf") == "iscsid"
    assert xencfg.detect("/etc/iscsi/initiatorname.iscsi") == "initiatorname"
    text = (FIXTURES / "ietd" / "valid" / "storage.conf").read_text()
    assert xencfg.detect("/tmp/source", text) == "ietd"
    text = (FIXTURES / "iscsid" / "valid" / "cluster-node.conf").read_text()
    assert xencfg.detect("/tmp/source", text) == "iscsid"


# -- ietd.conf ---------------------------------------------------------------


def ietd(text: str) -> IetdDocument:
    doc = xencfg.loads(text, "ietd")
    assert isinstance(doc, IetdDocument)
    return doc


def test_ietd_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "ietd" / "valid" / "storage.conf", "ietd")
    assert isinstance(doc, IetdDocument)
    assert [t.name for t in doc.targets] == [
        "iqn.2026-11.net.example:storage.web",
        "iqn.2026-11.net.example:storage.db",
    ]
    web = doc.target("IQN.2026-11.NET.EXAMPLE:storage.web")
    assert web is not None and web.alias == "web"
    lun = web.lun(0)
    assert lun is not None
    assert (lun.path, lun.type, lun.scsi_id, lun.io_mode) == (
        "/dev/vg0/web",
        "blockio",
        "web0",
        "wt",
    )
    assert web.params["FirstBurstLength"] == "65536" and web.params["InitialR2T"] == "No"
    assert [(u.direction, u.name) for u in web.users] == [("incoming", "alpha")]
    db = doc.targets[1]
    assert [(x.number, x.path, x.type) for x in db.luns] == [
        (0, "/dev/vg0/db", "fileio"),
        (1, "/dev/vg0/db-log", "blockio"),
    ]
    assert [(u.direction, u.name) for u in doc.global_users] == [
        ("incoming", "discovery"),
        ("outgoing", "storage"),
    ]
    assert list(doc.value_problems()) == [] and list(doc.keyword_problems()) == []


def test_ietd_secrets_are_masked() -> None:
    doc = xencfg.load(FIXTURES / "ietd" / "valid" / "storage.conf", "ietd")
    assert sorted(doc.secrets()) == ["Hx4mP8vR2kLw", "Pw7vN3xQ9tLc", "Rk2vT9nQ4mXs"]
    text = str(doc.to_dict())
    assert all(s not in text for s in doc.secrets())
    assert "Hx4mP8vR2kLw" in str(doc.to_dict(show_secrets=True))


def test_ietd_problems_are_located() -> None:
    doc = xencfg.load(FIXTURES / "ietd" / "invalid" / "mistakes.conf", "ietd")
    got = [(doc.position(n)[0], m) for n, m in doc.value_problems()]
    assert got == [
        (2, "LUN number 'x' is not a number"),
        (3, "LUN 1 has no Path"),
        (4, "LUN 2 Type=diskio: one of fileio, blockio, nullio"),
        (5, "MaxConnections 'many' is not a number"),
        (6, "InitialR2T 'perhaps': Yes or No (case sensitive)"),
        (9, "IncomingUser takes a user name and a password"),
        (7, "FirstBurstLength 262144 exceeds MaxBurstLength 65536 (iqn.2026-11.example)"),
    ]
    assert [(doc.position(n)[0], s) for n, _, s in doc.keyword_problems()] == [
        (10, "MaxConnections")
    ]


def test_ietd_nullio_needs_no_path_and_yes_no_is_case_sensitive() -> None:
    """ietd.conf(5)'s own example has "Lun 1 Sectors=10000,Type=nullio" (0.4.x) and
    "Lun 1 Blocks=10000,BlockSize=4096,Type=nullio" (1.4.20): no Path, which lint
    called an error. The same page: 'The "Yes" and "No" for parameter values are
    case sensitive.'"""
    ok = ietd(
        "Target iqn.2001-04.com.example:storage.disk2\n"
        "\tLun 1 Sectors=10000,Type=nullio\n\tLun 2 Blocks=10000,BlockSize=4096,Type=nullio\n"
        "\tInitialR2T Yes\n"
    )
    # only 1.4.20's Blocks= and BlockSize= on line 3, which IET before 1.4.20 refuses
    # (0.4.17/1.4.19 kernel/null-io.c tokens: Sectors=, Type= only; test_gaps_storage)
    found = list(ok.value_problems())
    assert [(ok.position(p.node)[0], p.since) for p in found] == [
        (3, ("iscsitarget", Version.parse("1.4.20")))
    ]
    bad = ietd(
        "Target iqn.2001-04.com.example:storage.disk2\n\tLun 0 Type=blockio\n\tInitialR2T yes\n"
    )
    assert [m for _, m in bad.value_problems()] == [
        "LUN 0 has no Path",
        "InitialR2T 'yes': Yes or No (case sensitive)",
    ]


def test_ietd_edits_touch_one_line_and_new_targets_are_conventional() -> None:
    text = "# box\nTarget iqn.2026-11.net.example:a   # first\n  Lun 0 Path=/dev/sdb,Type=fileio\n"
    doc = ietd(text)
    doc.targets[0].set_lun_path(0, "/dev/sdc")
    doc.add_target("iqn.2026-11.net.example:b", ("/dev/sdd", "blockio"))
    assert xencfg.dumps(doc) == (
        "# box\nTarget iqn.2026-11.net.example:a   # first\n  Lun 0 Path=/dev/sdc,Type=fileio\n"
        # (the new target's line is indented as the file's own target lines are)
        "Target iqn.2026-11.net.example:b\n  Lun 0 Path=/dev/sdd,Type=blockio\n"
    )


def test_ietd_bad_iqn_and_located_parse_error() -> None:
    doc = ietd("Target iqn.2026-13.example:x\n")
    assert [m for _, m in doc.value_problems()] == [
        "month 13 in the date of 'iqn.2026-13.example:x' does not exist"
    ]
    with pytest.raises(xencfg.ParseError) as err:
        xencfg.loads(
            "Target iqn.2026-11.a:b\n\tLun 0 Path=/dev/x\u2028\n", "ietd", path="ietd.conf"
        )
    assert err.value.path == "ietd.conf" and err.value.line >= 1


IQN = st.from_regex(
    re.compile(r"iqn\.20[0-2][0-9]-(0[1-9]|1[0-2])\.net\.example:[a-z0-9.]{1,12}"), fullmatch=True
)
DEV = st.from_regex(re.compile(r"/dev/[a-z][a-z0-9/_-]{0,15}"), fullmatch=True)


@given(
    st.lists(
        st.tuples(
            IQN, st.lists(st.tuples(DEV, st.sampled_from(["fileio", "blockio"])), max_size=3)
        ),
        max_size=4,
        unique_by=lambda t: t[0].lower(),  # add_target refuses a name twice, as ietd does
    )
)
def test_ietd_generated_model_round_trips(targets: list[tuple[str, list[tuple[str, str]]]]) -> None:
    doc = IetdDocument()
    for name, luns in targets:
        doc.add_target(name, *luns)
    again = ietd(xencfg.dumps(doc))
    assert [(t.name, [(x.path, x.type) for x in t.luns]) for t in again.targets] == [
        (n, list(luns)) for n, luns in targets
    ]


# -- access lists ------------------------------------------------------------


def test_allow_typed_model_and_problems() -> None:
    doc = xencfg.load(FIXTURES / "iet-allow" / "valid" / "initiators.allow", "iet-allow")
    assert isinstance(doc, IetAllowDocument)
    web, db, rest = doc.rules
    assert [p.text for p in web.peers] == ["10.0.0.11", "10.0.0.12"]
    assert [p.kind for p in db.peers] == ["address", "network", "name"]
    assert web.admits("10.0.0.12") and not web.admits("10.0.0.13")
    other = doc.rule("iqn.2026-11.net.example:other")
    assert other is not None and other.entry is rest.entry
    bad = xencfg.load(FIXTURES / "iet-allow" / "invalid" / "bad.allow", "iet-allow")
    assert [(bad.position(n)[0], m) for n, m in bad.value_problems()] == [
        (1, "iqn.2026-11.net.example:t1 lists nobody (write ALL to allow everyone)"),
        (2, "'10.0.0.300' is not an address or a network"),
    ]


# -- iscsid.conf ---------------------------------------------------------------


def iscsid(text: str) -> IscsidDocument:
    doc = xencfg.loads(text, "iscsid")
    assert isinstance(doc, IscsidDocument)
    return doc


def test_iscsid_typed_values_and_secrets() -> None:
    doc = xencfg.load(FIXTURES / "iscsid" / "valid" / "cluster-node.conf", "iscsid")
    assert isinstance(doc, IscsidDocument)
    assert doc.startup == "automatic" and doc.replacement_timeout == 5
    assert doc.value("node.session.iscsi.ImmediateData") is True
    assert doc.value("node.conn[0].iscsi.MaxRecvDataSegmentLength") == 262144
    assert doc.settings["iscsid.startup"] == "/sbin/iscsid"
    assert doc.secrets() == ["Vq8#kd2!Lm4pZ7"]  # a '#' inside a value is no comment
    assert "Vq8#" not in str(doc.to_dict()) and "Vq8#" in str(doc.to_dict(show_secrets=True))


def test_iscsid_problems() -> None:
    doc = xencfg.load(FIXTURES / "iscsid" / "invalid" / "bad-values.conf", "iscsid")
    assert [(doc.position(n)[0], m) for n, m in doc.value_problems()] == [
        (1, "node.startup = 'sometimes': one of automatic, manual, onboot"),
        (2, "node.session.cmds_max = 100 is not a power of two (iscsid rounds it down)"),
        (5, "node.session.iscsi.InitialR2T = 'maybe': iscsid reads only Yes or No (with capitals)"),
        (3, "FirstBurstLength 1048576 exceeds MaxBurstLength 262144 (RFC 3720)"),
    ]
    assert [(n.key, k, s) for n, k, s in doc.keyword_problems()] == [
        ("node.sesion.queue_depth", "unknown", "node.session.queue_depth")
    ]
    old = iscsid("node.cnx[0].iscsi.HeaderDigest = None\nnode.active_cnx = 1\n")
    assert [(k, s) for _, k, s in old.keyword_problems()] == [
        ("deprecated", "node.conn[0].iscsi.HeaderDigest"),
        ("deprecated", None),
    ]


def test_iscsid_keys_and_yes_no_as_idbm_reads_them() -> None:
    """open-iscsi 2.1.8's node record (idbm.c idbm_recinfo_node, idbm_fields.h) holds
    node.session.iscsi.ERL, MaxOutstandingR2T, node.conn[N].startup, IFMarker, ...:
    no unknown keys (peer-iscsiadm lists them as KNOWN); ErrorRecoveryLevel is the
    protocol's name (login.c), no iscsid.conf key. idbm_rec_update_param matches
    Yes/No with strcmp, so 'yes' is not read (2.0-873 alike)."""
    known = iscsid(
        "node.session.iscsi.ERL = 0\nnode.session.iscsi.MaxOutstandingR2T = 1\n"
        "node.conn[0].startup = manual\nnode.conn[0].iscsi.IFMarker = No\n"
        "node.conn[0].timeo.auth_timeout = 45\ndiscovery.isns.use_discoveryd = No\n"
        "node.session.iscsi.InitialR2T = Yes\n"
        # iscsid.c: strcmp(ipc_auth_uid, "Yes"); lint took it for a number
        "iscsid.ipc_auth_uid = Yes\n"
    )
    assert list(known.keyword_problems()) == []
    assert list(known.value_problems()) == []
    wrong = iscsid(
        "node.session.iscsi.ErrorRecoveryLevel = 0\nnode.session.iscsi.InitialR2T = yes\n"
    )
    assert [k for _, k, _ in wrong.keyword_problems()] == ["unknown"]
    assert [m for _, m in wrong.value_problems()] == [
        "node.session.iscsi.InitialR2T = 'yes': iscsid reads only Yes or No (with capitals)"
    ]


def test_iscsid_edit_and_located_error() -> None:
    doc = iscsid("# x\nnode.startup   =  manual   \nnode.session.queue_depth = 32\n")
    doc.set("node.startup", "automatic")
    doc.add("node.session.timeo.replacement_timeout", "5")
    assert xencfg.dumps(doc) == (
        "# x\nnode.startup   =  automatic   \nnode.session.queue_depth = 32\n"
        "node.session.timeo.replacement_timeout = 5\n"
    )
    with pytest.raises(xencfg.ParseError) as err:
        xencfg.load(FIXTURES / "iscsid" / "invalid" / "no-equals.conf", "iscsid")
    assert (err.value.line, err.value.column) == (1, 14) and "'='" in str(err.value)


KEY = st.sampled_from(
    ["node.startup", "node.session.queue_depth", "node.conn[0].iscsi.HeaderDigest", "isns.port"]
)
VALUE = st.from_regex(
    re.compile(r"[A-Za-z0-9#!$%/,.][A-Za-z0-9#!$%/,. ]{0,20}[A-Za-z0-9#!]"), fullmatch=True
)


@given(st.lists(st.tuples(KEY, VALUE), max_size=4, unique_by=lambda row: row[0]))
def test_iscsid_generated_model_round_trips(rows: list[tuple[str, str]]) -> None:
    doc = IscsidDocument()
    for key, value in rows:
        doc.add(key, value)
    again = iscsid(xencfg.dumps(doc))
    assert [(e.key, e.values) for e in again.entries()] == [(k, [v]) for k, v in rows]


# -- initiatorname.iscsi ---------------------------------------------------------


def test_initiatorname() -> None:
    doc = xencfg.load(FIXTURES / "initiatorname" / "valid" / "alpha.iscsi", "initiatorname")
    assert isinstance(doc, InitiatorNameDocument)
    assert (doc.name, doc.alias) == ("iqn.2026-11.net.example:alpha", "alpha")
    doc.name = "iqn.2026-11.net.example:gamma"
    assert xencfg.dumps(doc).splitlines()[1] == "InitiatorName=iqn.2026-11.net.example:gamma"
    bad = xencfg.load(FIXTURES / "initiatorname" / "invalid" / "bad-name.iscsi", "initiatorname")
    assert [m for _, m in bad.value_problems()] == [
        "month 13 in the date of 'iqn.2026-13.example:x' does not exist"
    ]
    empty = xencfg.loads("# nothing\n", "initiatorname")
    assert [m for _, m in empty.value_problems()] == ["no InitiatorName: iscsid does not start"]


# -- robustness ----------------------------------------------------------------------


ALL = (
    [(p, "ietd") for p in IETD]
    + [(p, "iscsid") for p in ISCSID]
    + [(p, "initiatorname") for p in INAME]
    + [(p, "iet-allow") for p in ALLOW]
)


@pytest.mark.parametrize(("path", "fmt"), ALL, ids=ids([p for p, _ in ALL]))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, fmt: str, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), " \t\n#=,[]:.\x00é"), fmt)


# -- the Augeas Iscsid lens --------------------------------------------------------------


@pytest.mark.peer
@pytest.mark.parametrize("path", ISCSID, ids=ids(ISCSID))
def test_augeas_iscsid_lens_agrees(path: Path, tmp_path: Path) -> None:
    peer = augeas_lens("iscsid.aug")
    data = path.read_bytes()
    if not data.endswith(b"\n"):  # the lens wants every line terminated
        path = tmp_path / "iscsid.conf"
        path.write_bytes(data + b"\n")
    ok, tree = augeas_tree(peer, "Iscsid.lns", path)
    doc = xencfg.load(path, "iscsid")
    assert ok, f"Augeas refuses {path}"
    theirs = [
        (k.lstrip("/").replace("\\", ""), (v or "").rstrip("\r"))  # Augeas escapes brackets
        for k, v in tree
        if "#comment" not in k
    ]
    ours = [(e.key, e.values[0] if e.values else "") for e in doc.entries()]
    assert ours == theirs


def test_linux_iscsi_keys_name_their_open_iscsi_replacement() -> None:
    # peer-iscsiadm (open-iscsi 2.1.8): node.session.iscsi.MaxOutstandingR2T and
    # node.session.iscsi.ERL are KNOWN keys of the node record
    from xencfg import lint

    doc_text = "max_r2t = 1\nerl = 0\n"
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "iscsid.conf"
        path.write_text(doc_text)
        messages = [f.message for f in lint.run([str(path)], select=["XC004"]).findings]
    assert any("node.session.iscsi.MaxOutstandingR2T" in m for m in messages)
    assert any("node.session.iscsi.ERL" in m for m in messages)


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("node.startup=automatic\n", True),
        ("node.startup= automatic\n", True),
        ("node.startup = automatic", True),  # the last line, without its newline
        ("node.startup =automatic\n", False),
        ("\tnode.startup\t=\tautomatic\n", False),
    ],
)
def test_lines_iscsid_skips(text: str, skipped: bool) -> None:
    """idbm.c idbm_recinfo_config (2.0-873 to 2.1.8): the name ends at a blank or '=',
    one character is stepped over, and '=' must follow after blanks, else "does not
    have '=' separator"; a line without '\\n' is "too long". Both skip the line."""
    doc = iscsid(text)
    found = [m for _, m in doc.value_problems()]
    assert bool(found) is skipped
    if skipped:
        assert "iscsid skips" in found[0]


def test_initiatorname_first_line_wins(tmp_path: Path) -> None:
    """iscsid reads initiatorname.iscsi with cfg_get_string_param (iscsi_util.c),
    which returns at the first line holding the key: a second InitiatorName= is
    never read (lint said the later one wins)."""
    from xencfg import lint

    path = tmp_path / "initiatorname.iscsi"
    path.write_text(
        "InitiatorName=iqn.1993-08.org.debian:01:first\n"
        "InitiatorName=iqn.1993-08.org.debian:01:second\n"
    )
    doc = xencfg.load(path, "initiatorname")
    assert doc.name == "iqn.1993-08.org.debian:01:first"
    [finding] = lint.run([str(path)], select=["XC007"]).findings
    assert finding.line == 2
    assert "iscsid reads the first line only" in finding.message
    path.write_text("InitiatorName=iqn.1993-08.org.debian:01:first\n")
    assert lint.run([str(path)], select=["XC007"]).findings == []


def test_iscsid_keys_read_once_take_the_first_line() -> None:
    """iscsid.c and iscsid_req.c read iscsid.safe_logout, ipc_auth_uid and startup
    with cfg_get_string_param, which stops at the first line holding the key; the
    node record's keys are updated line by line (the last wins)."""
    doc = iscsid(
        "iscsid.safe_logout = Yes\niscsid.safe_logout = No\n"
        "node.startup = manual\nnode.startup = automatic\n"
    )
    later = [a for a, _ in doc.repeated()]
    assert [doc.repeat_message(e) for e in later] == [
        "'iscsid.safe_logout' is set again: iscsid reads the first line only"
        " (cfg_get_string_param stops there), not this one: keep one",
        "'node.startup' is set again; the daemon uses this line, not the earlier one",
    ]
