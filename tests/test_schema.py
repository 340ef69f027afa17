"""One schema per format (issue 21): a keyword's type, default and release facts are
stated once (on its Setting, or in the format's keyword tables), and the docs
tables, the deprecated-keyword checks and the defaults are derived from it."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from xencfg.formats import info
from xencfg.formats.lines import hacf, logd
from xencfg.formats.lines.hacf import HacfDocument
from xencfg.formats.lines.logd import LogdDocument
from xencfg.formats.schema import (
    TABLE_START,
    Keyword,
    Schema,
    V,
    format_schemas,
    with_table,
)
from xencfg.formats.view import INT, Setting, View, deprecated_of, keywords_of, schema_of

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "formats"


# -- the docs tables come from the schemas --------------------------------------------------


def test_every_schema_has_a_current_table_on_its_page() -> None:
    schemas = format_schemas()
    assert {"drbd", "multipath", "hacf", "logd"} <= set(schemas)
    for name, schema in schemas.items():
        page = (DOCS / info(name).docs).read_text(encoding="utf-8")
        assert TABLE_START in page, f"{name}: add the table markers to {info(name).docs}"
        assert page == with_table(page, schema), "run: xencfg formats --write-docs docs/formats"


def test_keyword_table_can_go_stale() -> None:
    """The staleness check fails on a table that lacks a keyword (so it can fail)."""
    page = (DOCS / "logd.md").read_text(encoding="utf-8")
    row = "| `sendqlen` | int | `256` |  |  |\n"
    assert row in page
    stale = page.replace(row, "")
    assert with_table(stale, logd.SCHEMA) == page
    with pytest.raises(ValueError, match="generated keyword table"):
        with_table("# logd\n", logd.SCHEMA)


def test_write_docs_writes_the_keyword_tables(tmp_path: Path) -> None:
    from xencfg.cli import main

    for name in ("index.md", *(info(n).docs for n in format_schemas())):
        text = (DOCS / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("| `useapphbd` |", "| `x` |"), "utf-8")
    assert main(["formats", "--write-docs", str(tmp_path)]) == 0
    assert (tmp_path / "logd.md").read_text(encoding="utf-8") == (DOCS / "logd.md").read_text()


def test_table_shows_types_defaults_and_release_facts() -> None:
    schema = Schema(
        "drbd",
        "DRBD",
        {
            "disk": {
                "al-extents": Keyword("al-extents", type="int", default=1237),
                "resync-rate": Keyword("resync-rate", since=V("8.4")),
            },
            "syncer": {
                "rate": Keyword(
                    "rate", deprecated_in=V("8.4"), until=V("9.0"), renamed_to="resync-rate",
                    where="disk",
                ),
            },
        },
        refuses=True,
    )  # fmt: skip
    assert schema.table().splitlines() == [
        "| section | keyword | type | default | releases | instead |",
        "|---|---|---|---|---|---|",
        "| `disk` | `al-extents` | int | `1237` |  |  |",
        "| `disk` | `resync-rate` |  |  | DRBD 8.4+ |  |",
        "| `syncer` | `rate` |  |  | old spelling from 8.4; refused from 9.0 |"
        " `resync-rate` in `disk` |",
    ]


# -- facts stated once, on the Setting ---------------------------------------------------------


def test_setting_is_the_keywords_schema_entry() -> None:
    kw = LogdDocument.sendqlen.keyword
    assert (kw.name, kw.type, kw.default) == ("sendqlen", "int", 256)
    # useapphbd's being obsolete is stated on its Setting; the check reads it from there
    assert LogdDocument.useapphbd.keyword.obsolete
    assert logd.DEPRECATED == {"useapphbd": None} == LogdDocument.deprecated
    [p] = xencfg.loads("useapphbd yes\n", "logd").keyword_problems()
    assert (p.keyword, p.kind) == ("useapphbd", "deprecated")
    assert logd.SCHEMA.keyword("top", "useapphbd") == LogdDocument.useapphbd.keyword


def test_release_facts_on_a_setting_reach_the_schema() -> None:
    class Section(View):
        old = Setting(type=INT, renamed_to="new", deprecated_in=V("2.0"), until=V("3.0"))
        new = Setting(type=INT, since=V("2.0"), daemon_default=5)

    assert deprecated_of(Section) == {"old": "new"}
    assert keywords_of(Section)["new"] == Keyword("new", type="int", default=5, since=V("2.0"))
    schema = schema_of("x", "X", {"sec": Section}, refuses=False)
    verdict = schema.judge("sec", "old")
    assert verdict is not None and verdict.kind == "deprecated"
    assert "write 'new'" in verdict.message


def test_hacf_defaults_come_from_its_settings() -> None:
    assert HacfDocument.keepalive.daemon_default == 1.0
    assert hacf.DEFAULT_SECONDS == {"keepalive": 1.0, "deadtime": 30.0}
    assert {k: hacf.DEFAULTS[k] for k in ("udpport", "baud")} == {"udpport": 694, "baud": 19200}
    doc = xencfg.loads("node a\nbcast eth0\n", "hacf")
    assert isinstance(doc, HacfDocument)
    assert doc.effective_timings() == {"keepalive": 1.0, "deadtime": 30.0}
    assert doc.keepalive is None  # the property still reads what is written
    # the late-media check reads the default port from the same place: repeating it is fine
    late = xencfg.loads("bcast eth0\nudpport 694\nudpport 695\n", "hacf")
    found = [(p.keyword, p.kind) for p in late.keyword_problems()]
    assert found == [("udpport", "misplaced")]
    kw = hacf.SCHEMA.keyword("top", "udpport")
    assert kw is not None and (kw.type, kw.default) == ("port", 694)
    old = hacf.SCHEMA.keyword("top", "nice_failback")
    assert old is not None and old.obsolete and old.renamed_to == "auto_failback"


def test_every_schema_format_is_listed() -> None:
    assert set(format_schemas()) == {
        "drbd", "multipath", "iscsid", "initiatorname", "ietd", "ocfs2", "corosync", "hacf",
        "logd", "xend", "lvm",
    }  # fmt: skip


def test_ocfs2_attributes_come_from_its_views() -> None:
    from xencfg.formats.lines import ocfs2

    # o2cb's write order (o2cb_config.c), which Ocfs2Document.new sorts a node by
    assert ocfs2.ATTRIBUTES == {
        "cluster": ("name", "heartbeat_mode", "node_count"),
        "node": ("cluster", "number", "ip_port", "ip_address", "name"),
        "heartbeat": ("region", "cluster"),
    }
    kw = ocfs2.SCHEMA.keyword("cluster", "heartbeat_mode")
    assert kw is not None and kw.default == "local"
    kw = ocfs2.SCHEMA.keyword("node", "ip_address")
    assert kw is not None and kw.type == "ipv4"


def test_corosync_defaults_come_from_totem() -> None:
    from xencfg.formats.lines import corosync
    from xencfg.formats.lines.corosync import Totem

    assert (corosync.DEFAULT_TOKEN, corosync.DEFAULT_JOIN) == (3000, 50)
    assert corosync.DEFAULT_KEYFILE == "/etc/corosync/authkey" == Totem.keyfile.daemon_default
    doc = xencfg.loads("totem {\n\tversion: 2\n}\n", "corosync")
    assert doc.effective_token() == 3000
    kw = corosync.SCHEMA.keyword("totem", "token")
    assert kw is not None and (kw.type, kw.default) == ("int", 3000)


def test_iscsi_schemas() -> None:
    from xencfg.formats.lines import initiatorname, iscsid

    assert {"InitiatorName", "InitiatorAlias", "GenerateName"} == initiatorname.KNOWN
    # a typed property of iscsid states the type its key table gives
    for s in (iscsid.IscsidDocument.replacement_timeout, iscsid.IscsidDocument.startup):
        kw = iscsid.SCHEMA.keyword("top", s.key)
        assert kw is not None and kw.type is not None
        assert kw.type.startswith("int") == (s.type is INT), s.key
    old = iscsid.SCHEMA.keyword("top", "first_burst")
    assert old is not None and old.obsolete
    assert old.renamed_to == "node.session.iscsi.FirstBurstLength"


def test_only_release_aware_schemas_are_versioned() -> None:
    """lint's version-aware advice (versions.schema_for, rules/general.py) takes the
    schemas of the specs with ``keyword_releases``: exactly those that know releases;
    the others' deprecated spellings stay the documents' keyword problems (XC004
    'use ...'), whatever release runs."""
    from xencfg.versions import schema_for

    versioned = {name for name, s in format_schemas().items() if s.versioned}
    # (ha.cf's directives: gaps25; lvm.conf's clvmd/lvmetad settings: lvmrel)
    assert versioned == {"drbd", "multipath", "hacf", "lvm"}
    for name, s in format_schemas().items():
        assert info(name).keyword_releases == s.versioned, name
        assert (schema_for(name) is s) == s.versioned, name


def test_ietd_schema_comes_from_its_tables() -> None:
    from xencfg.formats.lines import ietd

    kw = ietd.SCHEMA.keyword("top", "FirstBurstLength")
    assert kw is not None and (kw.type, kw.default) == ("int 512..16777215", 65536)
    assert {k.lower() for k in ietd.SCHEMA.contexts["top"]} == ietd.KNOWN


def test_xend_schema_comes_from_its_tables() -> None:
    from xencfg.formats.xen import xend

    kw = xend.SCHEMA.keyword("top", "xend-relocation-port")
    assert kw is not None and (kw.type, kw.default) == ("int", "8002")
    old = xend.SCHEMA.keyword("top", "enable-dump-core")
    assert old is not None and old.obsolete and old.renamed_to == "enable-dump"
