"""The format specs (issue 21): one registry line per format, everything else derived.

Detection and discovery must not drift when they are derived from the specs (today's
orders are written out here), the generated docs table must be current, and every
spec must name things that exist: a format added by one registry line and nothing
else fails here with a message saying what to add.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

import xencfg
from conftest import FIXTURES, ROOT
from xencfg import discover, formats
from xencfg.document import TreeDocument
from xencfg.formats import spec
from xencfg.formats.spec import FormatSpec

SPECS = formats.specs()


# -- what derives from the specs stays what it was ---------------------------------------


def test_sniff_order_is_the_hand_written_one() -> None:
    """The two lists detect() used to keep by hand, as they were before the specs."""
    assert formats._SNIFF_ANYWHERE == (
        "cib",
        "cman",
        "proc-drbd",
        "multipath-ll",
        "crm-mon-xml",
        "drbd-status",
        "iscsi-session",
        "xl-list",
        "ip-addr",
        "ietd",
        "iscsid",
        "initiatorname",
        "lvm",
        "evms",
        "drbd",
        "multipath",
        "ocfs2",
        "corosync",
        "xend",
        "authkeys",
        "hacf",
        "xm",
        "xl",
    )
    first = {"cib", "xm", "xl", "ocfs2", "cman", "xend", "drbd", "shellvars"}
    assert sorted(formats._SNIFF_FIRST) == sorted(first)


def test_sniff_ranks_are_unique() -> None:
    ranks = [f.sniff_rank for f in SPECS if f.sniff_rank is not None]
    assert len(ranks) == len(set(ranks)), "two specs share a sniff_rank: the order is undefined"


#: discover.ETC_FILES and ROOT_FILES as they were typed before the specs.
_ETC_BEFORE = {
    "drbd": ["drbd.conf", "drbd.d/*.res", "drbd.d/*.conf"],
    "multipath": ["multipath.conf", "multipath/conf.d/*.conf"],
    "multipath-bindings": ["multipath/bindings"],
    "ietd": ["ietd.conf", "iet/ietd.conf"],
    "iet-allow": [
        "initiators.allow",
        "initiators.deny",
        "targets.allow",
        "iet/initiators.allow",
        "iet/initiators.deny",
        "iet/targets.allow",
    ],
    "iscsid": ["iscsid.conf", "iscsi/iscsid.conf"],
    "initiatorname": ["initiatorname.iscsi", "iscsi/initiatorname.iscsi"],
    # topo4: LIO's saveconfig.json, listed as "not checked" before it had a format
    "lio-saveconfig": ["target/saveconfig.json", "rtslib-fb-target/saveconfig.json"],
    "hacf": ["ha.d/ha.cf", "heartbeat/ha.cf"],
    "haresources": ["ha.d/haresources", "heartbeat/haresources"],
    "authkeys": ["ha.d/authkeys", "heartbeat/authkeys"],
    "logd": ["ha.d/ha_logd.cf", "heartbeat/ha_logd.cf", "ha_logd.cf", "logd.cf"],
    None: ["ocfs2/cluster.conf", "cluster/cluster.conf"],
    "corosync": ["corosync/corosync.conf", "ais/openais.conf"],
    "evms": ["evms.conf"],
    "lvm": ["lvm/lvm.conf", "lvm.conf"],
    "hosts": ["hosts"],
    "hostname": ["hostname"],
    "shellvars": [
        "sysconfig/o2cb",
        "default/o2cb",
        "sysconfig/xend",
        "sysconfig/xendomains",
        "default/xendomains",
        "sysconfig/sbd",
        "default/sbd",
    ],
    "modules": ["modules", "modprobe.conf", "modprobe.conf.local", "modprobe.d/*"],
    "xend": ["xen/xend-config.sxp"],
    "xl": ["xen/xl.conf"],
}


def test_discovery_reads_the_paths_it_read_before() -> None:
    got: dict[str | None, list[str]] = {}
    for pattern, fmt in discover.ETC_FILES:
        got.setdefault(fmt, []).append(pattern)
    assert got == _ETC_BEFORE
    assert {f.name for f in SPECS if f.loose} == {"cib", "xm", "xl"}  # beside node trees
    assert discover.ROOT_FILES == (
        ("var/lib/multipath/bindings", "multipath-bindings"),  # multipath-tools 0.4.8 and older
        ("var/lib/heartbeat/crm/cib.xml", "cib"),
        ("var/lib/pacemaker/cib/cib.xml", "cib"),
    )


def test_comment_styles_are_the_hand_written_ones() -> None:
    """suppress.py's two lists, as they were before the specs' ``comments``."""
    from xencfg.lint import suppress

    assert {
        "iscsid",
        "initiatorname",
        "ietd",
        "iet-allow",
        "authkeys",
        "modules",
        "ocfs2",
    } == suppress.NEXT_LINE_ONLY
    assert {"cib", "cman", "cib-live", "crm-mon-xml"} == suppress.XML


def test_membership_hooks_are_the_formats_that_declared_members() -> None:
    """cluster.py's if-chain named these five; now their specs do."""
    declaring = {f.name: f.members_source for f in SPECS if f.declares}
    assert declaring == {
        "drbd": "drbd",
        "ocfs2": "ocfs2",
        "cman": "cman",
        "hacf": "ha.cf",
        "cib": "cib",
    }


@pytest.mark.parametrize(
    "path",
    [
        "etc/xen/vm/web",
        "etc/xen/web.cfg",
        "etc/xen/auto/web.cfg",
        "etc/xen/auto/web",
        "etc/xen/web.xm",
        "etc/xen/xlexample.hvm",
        "etc/xen/xmexample1",
    ],
)
def test_domu_order_is_the_hand_written_one(path: str) -> None:
    """discover._detect asked xl first when the name said xl, else xm first; the
    fallback for a domU config neither parses was the first of those. Now the specs'
    etc_dirs and sniff ranks say it."""
    before = ("xl", "xm") if "xl" in formats.candidates(path) else ("xm", "xl")
    assert formats.by_content(formats.folder_formats("xen"), path) == before
    assert formats.by_content(("xl", "xm"), path) == before  # the order given is not used


def test_folders_read_by_content_are_the_hand_written_ones() -> None:
    assert formats.etc_dirs() == ("xen",)
    assert formats.folder_formats("xen") == ("xm", "xl")


def test_referenced_files_are_the_hand_written_ones() -> None:
    """discover._referenced followed drbd.conf includes and CIB xmfiles by an if on
    their names; now the specs' ``references`` hooks name the files."""
    assert {f.name for f in SPECS if f.references} == {"drbd", "cib", "multipath"}
    drbd = formats.references_hook("drbd")
    assert drbd is not None
    text = 'include "drbd.d/*.res";\n  include /etc/drbd.d/global_common.conf;\n# include x;\n'
    assert drbd(text) == [
        ("drbd.d/*.res", ("drbd",)),
        ("/etc/drbd.d/global_common.conf", ("drbd",)),
    ]
    cib = formats.references_hook("cib")
    assert cib is not None
    text = (
        '<nvpair id="a" name="xmfile" value="/etc/xen/vm/web"/>'
        '<nvpair value="vm/db" id="b" name="xmfile"/>'
        '<nvpair id="c" name="xmfile" value="/etc/xen/odd*name"/>'
        '<nvpair id="d" name="other" value="/etc/xen/no"/>'
    )
    assert cib(text) == [
        ("/etc/xen/vm/web", ("xm", "xl")),
        ("/vm/db", ("xm", "xl")),  # read from the root, as before
        ("/etc/xen/odd[*]name", ("xm", "xl")),  # one file, never a pattern
    ]
    # multipath.conf's bindings_file (up to 0.9.6) moves the bindings file
    multipath = formats.references_hook("multipath")
    assert multipath is not None
    text = 'defaults {\n  user_friendly_names yes\n  bindings_file "/srv/mp/bindings"\n}\n'
    assert multipath(text) == [("/srv/mp/bindings", ("multipath-bindings",))]
    assert multipath("defaults {\n#  bindings_file /x\n}\n") == []
    assert formats.references_hook("hosts") is None


def test_components_are_the_hand_written_ones() -> None:
    """versions.COMPONENTS and schema_for named formats by hand; now the specs'
    ``component`` and ``keyword_releases`` say it."""
    from xencfg import versions
    from xencfg.formats import drbd, multipath
    from xencfg.formats.lines import hacf
    from xencfg.formats.lvmlike import lvm

    assert versions.COMPONENTS == {
        "drbd": ("DRBD", ("drbd",)),
        "drbd-utils": ("drbd-utils", ()),  # (limits of drbdadm 9 by its release; DR026)
        "multipath-tools": ("multipath-tools", ("multipath", "multipath-bindings")),
        "heartbeat": ("heartbeat", ("hacf", "authkeys", "logd")),
        "corosync": ("corosync", ("corosync",)),
        "pacemaker": ("Pacemaker", ()),
        "xen": ("Xen", ("xend", "xm", "xl")),
        "iscsitarget": ("iSCSI Enterprise Target (IET)", ("ietd", "iet-allow")),
        "open-iscsi": ("open-iscsi", ("iscsid", "initiatorname")),
        "cman": ("cman", ()),  # (RHEL 5's cman 2 or RHEL 6's cman 3; CM002)
        "lvm2": ("LVM", ("lvm",)),  # (2.03 has no clvmd: XC004, LV002)
    }
    assert versions.schema_for("drbd") is drbd.SCHEMA
    assert versions.schema_for("multipath") is multipath.SCHEMA
    assert versions.schema_for("hacf") is hacf.SCHEMA  # (directives by release: gaps25)
    assert versions.schema_for("lvm") is lvm.SCHEMA  # (clvmd/lvmetad settings: lvmrel)
    for f in SPECS:
        if f.name not in ("drbd", "multipath", "hacf", "lvm"):
            assert versions.schema_for(f.name) is None, f.name
    assert versions.schema_for(None) is None and versions.schema_for("nope") is None
    for f in SPECS:  # a spec names only a component versions.py knows
        assert f.component is None or f.component in versions.COMPONENTS, f.name
        if f.keyword_releases:
            assert f.component is not None, f.name


def test_discovery_follows_references_and_reads_xen_by_content(tmp_path: Path) -> None:
    """What discover read before the specs' references/etc_dirs, on one node (the same
    list as main's discover.py gave, compared by hand): includes by glob and by absolute
    path, a CIB's xmfiles (a relative one from the node's root, one with a ``*`` as one
    file), domU configs under xen/ (a ``.cfg`` name says xl, also in auto/; one that
    neither style parses is still read, by its name's style), never xen/scripts."""
    files = {
        "etc/drbd.conf": 'include "drbd.d/*.res";\ninclude "/etc/drbd.d/x.conf";\n',
        "etc/drbd.d/a.res": "resource r0 {\n}\n",
        "etc/drbd.d/x.conf": "common {\n}\n",
        "etc/xen/vm/web": "name = 'web'\nmemory = 256\n",
        "vm/db": "name = 'db'\nmemory = 256\n",
        "etc/xen/auto/a.cfg": "name = 'a'\nmemory = 256\n",
        "etc/xen/auto/b": "name = 'b'\nmemory = 256\nimport os\n",
        "etc/xen/broken.cfg": "name = 'c'\nmemory = 256 +\n",
        "etc/xen/broken2": "name = 'c'\nmemory = 256 +\n",
        "etc/xen/odd*name": "name='x'\n",
        "etc/xen/scripts/s": "#!/bin/sh\n",
        "var/lib/heartbeat/crm/cib.xml": (
            '<cib><configuration><crm_config/><nodes/><resources><primitive id="w" '
            'class="ocf" provider="heartbeat" type="Xen"><instance_attributes id="i">'
            '<attributes><nvpair id="a" name="xmfile" value="/etc/xen/vm/web"/>'
            '<nvpair id="b" name="xmfile" value="vm/db"/>'
            '<nvpair id="c" name="xmfile" value="/etc/xen/odd*name"/></attributes>'
            "</instance_attributes></primitive></resources><constraints/></configuration>"
            "<status/></cib>"
        ),
    }
    node = tmp_path / "alpha"
    for name, text in files.items():
        (node / name).parent.mkdir(parents=True, exist_ok=True)
        (node / name).write_text(text, encoding="utf-8")
    found = discover.discover([str(node)])
    got = {str(f.path.relative_to(node)): f.format for f in found.files()}
    assert got == {
        "etc/drbd.conf": "drbd",
        "etc/drbd.d/a.res": "drbd",
        "etc/drbd.d/x.conf": "drbd",
        "etc/xen/broken.cfg": "xl",
        "etc/xen/broken2": "xm",
        "etc/xen/odd*name": "xm",
        "etc/xen/vm/web": "xm",
        "etc/xen/auto/a.cfg": "xl",
        "etc/xen/auto/b": "xm",
        "var/lib/heartbeat/crm/cib.xml": "cib",
        "vm/db": "xm",
    }


# -- generated files -----------------------------------------------------------------------


def test_docs_formats_index_is_current() -> None:
    page = (ROOT / "docs" / "formats" / "index.md").read_text(encoding="utf-8")
    assert page == spec.index_page(page), "run: xencfg formats --write-docs docs/formats"


def test_index_table_can_go_stale() -> None:
    """The staleness check fails on a table that misses a format (so it can fail)."""
    page = (ROOT / "docs" / "formats" / "index.md").read_text(encoding="utf-8")
    stale = page.replace("| `hosts` | /etc/hosts | [hosts](hosts.md) |\n", "")
    assert stale != page and spec.index_page(stale) == page
    with pytest.raises(ValueError, match="generated table"):
        spec.index_page("# Formats\n")


def test_write_docs_command(tmp_path: Path) -> None:
    from xencfg.cli import main

    page = (ROOT / "docs" / "formats" / "index.md").read_text(encoding="utf-8")
    (tmp_path / "index.md").write_text(page.replace("| `cib` |", "| `cab` |"), encoding="utf-8")
    assert main(["formats", "--write-docs", str(tmp_path)]) == 0
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == page


def test_readme_supported_today_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == spec.readme(readme), "run: xencfg formats --write-readme ."
    supported = readme.split("## Supported today", 1)[1].split("\n## ", 1)[0]
    for f in SPECS:  # every format is named there, in the README's words
        assert " ".join(f.readme.split()) in " ".join(supported.split()), f.name


def test_readme_list_can_go_stale() -> None:
    """A format added to the registry, or the markers lost, fails the check above."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    extra = FormatSpec("qdevice", "qdevice", "corosync-qdevice", readme="corosync-qdevice.conf")
    assert "corosync-qdevice.conf" in spec.readme_list((*SPECS, extra))
    assert "corosync-qdevice.conf" not in readme
    stale = readme.replace("modules/modprobe, ", "")
    assert stale != readme and spec.readme(stale) == readme
    with pytest.raises(ValueError, match=r"README\.md lacks"):
        spec.readme("# xencfg\n")


def test_xm_and_xl_share_their_readme_words() -> None:
    text = spec.readme_list()
    assert text.count("Xen domU configs (xm and xl)") == 1
    assert "`xl list` / `xm list`" in text  # a code span is never broken across lines
    assert all(len(line) <= 96 for line in text.splitlines())


def test_api_overloads_are_current() -> None:
    """api.py's load/loads overloads (mypy's per-format return types) are the specs'."""
    api = (ROOT / "src" / "xencfg" / "api.py").read_text(encoding="utf-8")
    assert api == spec.api_module(api), "run: xencfg formats --write-api ."


def test_api_overloads_can_go_stale() -> None:
    api = (ROOT / "src" / "xencfg" / "api.py").read_text(encoding="utf-8")
    line = 'def load(path: str | os.PathLike[str], format: Literal["hosts"]) -> HostsDocument: ...'
    assert api.count(line) == 1
    stale = api.replace(line, line.replace("HostsDocument", "HostnameDocument"))
    assert spec.api_module(stale) == api
    with pytest.raises(ValueError, match=r"api\.py lacks"):
        spec.api_module("def load(): ...\n")


def test_secret_formats_are_the_specs() -> None:
    """api.SECRET_FORMATS (written 0600 whatever they hold) as it was typed by hand."""
    from xencfg import api

    assert frozenset({"authkeys"}) == api.SECRET_FORMATS
    assert all(f.secrets for f in SPECS if f.secret_file)


def test_write_readme_and_api_commands(tmp_path: Path) -> None:
    from xencfg.cli import main

    (tmp_path / "src" / "xencfg").mkdir(parents=True)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    api = (ROOT / "src" / "xencfg" / "api.py").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(readme.replace(", ha.cf, ", ", "), encoding="utf-8")
    (tmp_path / "src/xencfg/api.py").write_text(api.replace('"xend"', '"xenD"'), encoding="utf-8")
    assert main(["formats", "--write-readme", str(tmp_path), "--write-api", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme
    assert (tmp_path / "src/xencfg/api.py").read_text(encoding="utf-8") == api


def test_write_hooks_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The pre-commit ``files:`` pattern (derived from discovery, so from the specs) is
    written back into the hooks file and docs/integration.md by one command."""
    from xencfg.cli import main

    (tmp_path / "docs").mkdir()
    for name in (".pre-commit-hooks.yaml", "docs/integration.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("hostname|hosts|", ""), encoding="utf-8")
    assert main(["formats", "--write-hooks", str(tmp_path)]) == 0
    for name in (".pre-commit-hooks.yaml", "docs/integration.md"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / name).read_text()
    assert main(["formats", "--write-docs", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


# -- every spec names things that exist ----------------------------------------------------


def _problems(f: FormatSpec) -> list[str]:
    """What is missing for ``f``, each said as what to add."""
    out: list[str] = []
    modname = f"xencfg.formats.{f.module}"
    if importlib.util.find_spec(modname) is None:
        path = f.module.replace(".", "/")
        return [f"add the module src/xencfg/formats/{path}.py (FORMAT, parse, sniff)"]
    mod = importlib.import_module(modname)
    if getattr(mod, "FORMAT", None) != f.name:
        out.append(f"set FORMAT = {f.name!r} in {modname}")
    if (f.sniff_first or f.sniff_rank is not None) and not callable(getattr(mod, "sniff", None)):
        out.append(f"add sniff(text) to {modname} (the spec has sniff_first or a sniff_rank)")
    if f.grammar is not None and not (ROOT / "grammars" / f"{f.grammar}.lark").is_file():
        out.append(f"add grammars/{f.grammar}.lark (or correct the spec's grammar)")
    valid = FIXTURES / f.name / "valid"
    samples = sorted(p for p in valid.glob("*") if p.is_file()) if valid.is_dir() else []
    if not samples:
        out.append(f"add fixtures: tests/fixtures/{f.name}/valid/<a real file>")
    if not (ROOT / "docs" / "formats" / f.docs).is_file():
        out.append(f"add the page docs/formats/{f.docs} (or name another in docs=)")
    if not f.files:
        out.append("say in files= what its files are (the docs index's column)")
    if not f.readme:
        out.append("say in readme= how README.md's 'Supported today' names it")
    cls = None
    if not f.document:
        out.append("name its document class in document= (api.py's overloads)")
    else:
        where, name = f.document_class
        cls = getattr(importlib.import_module(f"xencfg.formats.{where}"), name, None)
        if not isinstance(cls, type):
            out.append(f"document={f.document!r}: no such class in xencfg.formats.{where}")
            cls = None
    api = (ROOT / "docs" / "api-formats.md").read_text(encoding="utf-8")
    if not re.search(rf"^::: xencfg\.formats\.{f.module}(\.model)?$", api, re.M):
        out.append(f"add '::: xencfg.formats.{f.module}' to docs/api-formats.md")
    if f.declares is not None:
        try:
            hook = formats.declares_hook(f.name)
        except (ImportError, AttributeError) as exc:
            hook = None
            out.append(f"define the declares hook {f.declares!r} ({exc})")
        if hook is not None and not callable(hook):
            out.append(f"{f.declares!r} is not a function")
    if f.references is not None:
        try:
            refs = formats.references_hook(f.name)
        except (ImportError, AttributeError) as exc:
            refs = None
            out.append(f"define the references hook {f.references!r} ({exc})")
        if refs is not None and not callable(refs):
            out.append(f"{f.references!r} is not a function")
    for folder in f.etc_dirs:
        if f.sniff_rank is None:
            out.append(f"give it a sniff_rank: files in {folder}/ are read by content")
    for pattern in f.etc_files + f.root_files:
        shown = ("etc/" if pattern in f.etc_files else "") + pattern.replace("*", "x.conf")
        if f.name not in formats.candidates(shown):
            out.append(f"add a pattern matching {pattern!r} to patterns= (detection misses it)")
    if f.live and (f.etc_files or f.root_files):
        out.append("live state is found by live.py, not by etc_files/root_files")
    if samples:
        doc = xencfg.loads(samples[0].read_text(encoding="utf-8", errors="replace"), f.name)
        if cls is not None and not isinstance(doc, cls):
            out.append(f"document={f.document!r}, but loads() returns {type(doc).__name__}")
        overrides = type(doc).secrets is not TreeDocument.secrets  # the default both bases share
        if f.secrets and not overrides:
            out.append(f"{type(doc).__name__} must override secrets(), or drop secrets=True")
        if overrides and not f.secrets:
            out.append(f"{type(doc).__name__} has secrets(): set secrets=True in its spec")
    return out


@pytest.mark.parametrize("f", SPECS, ids=[f.name for f in SPECS])
def test_every_spec_names_what_exists(f: FormatSpec) -> None:
    problems = _problems(f)
    assert not problems, f"format {f.name!r}: " + "; ".join(problems)


def test_an_incomplete_spec_says_what_to_add() -> None:
    """One registry line alone (no module, fixtures or page) is refused, helpfully."""
    bare = FormatSpec("corosync-qdevice", "qdevice", "corosync-qdevice configuration")
    problems = _problems(bare)
    assert problems == ["add the module src/xencfg/formats/qdevice.py (FORMAT, parse, sniff)"]
    half = FormatSpec("hosts2", "lines.hosts", "hosts", etc_files=("hosts.equiv",), grammar="nope")
    said = " | ".join(_problems(half))
    for wanted in (
        "set FORMAT = 'hosts2'",
        "add grammars/nope.lark",
        "tests/fixtures/hosts2/valid",
        "docs/formats/hosts2.md",
        "'hosts.equiv' to patterns=",
        "say in files=",
        "say in readme=",
        "name its document class in document=",
    ):
        assert wanted in said


def test_secret_formats_are_fuzzed_for_leaks() -> None:
    """Every format whose files hold secrets has a leak-fuzzer seed (tests/fuzzkit.py),
    except those whose secrets are another format's (cib-live is a CIB) or which
    have no seed yet (written out, so that adding one is a decision)."""
    import fuzzkit

    seeded = {fmt for fmt, _ in fuzzkit.LEAK_SEEDS}
    secret = {f.name for f in SPECS if f.secrets}
    assert seeded <= secret
    assert secret - seeded == {"cib-live", "corosync"}


def test_fuzz_and_bench_lists_are_the_specs() -> None:
    import fuzzkit

    fuzzed = {fmt for p, fmt, _ in fuzzkit.seed_files() if FIXTURES in p.parents}
    assert fuzzed == {f.name for f in SPECS if f.fuzz}
    sys.path.insert(0, str(ROOT / "bench"))
    bench = pytest.importorskip("bench")
    assert list(bench.INPUTS) == [f.name for f in SPECS if f.bench]
    missing = set(bench._GENERATORS) - set(bench.INPUTS)
    assert not missing, f"set bench=True in the specs of {sorted(missing)} (bench has generators)"


def test_fast_paths_are_the_specs() -> None:
    """For the line family the fast path is a fact of syntax/lines_scan (a table for the
    format's grammar): the spec must say it."""
    from xencfg.formats.lines import _base as _lines
    from xencfg.syntax import lines_scan

    for f in SPECS:
        mod = formats.module(f.name)
        for v in vars(mod).values():
            if isinstance(v, type) and issubclass(v, _lines.LineDocument) and v.format == f.name:
                assert f.grammar == v.grammar, f.name
                assert f.fast == (v.grammar in lines_scan.TABLES), f.name
        if f.grammar in lines_scan.TABLES:
            assert f.fast, f.name


def test_live_formats_are_the_captured_ones() -> None:
    """``live=True`` is what ``xencfg capture`` reads back: every command whose output
    lint parses has a live spec, and every live spec such a command."""
    from xencfg import live

    captured = {c.format for c in live.COMMANDS if c.format is not None}
    assert captured == {f.name for f in SPECS if f.live}
