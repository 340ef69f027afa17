"""The Python API as a third-party tool uses it (``import xencfg``): linting texts held
in memory (:func:`xencfg.lint.lint_tree`, :func:`xencfg.lint.lint_text`), one exception
class for refused edits, and typed CIB elements under a caller's ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import ROOT
from xencfg.discover import display_path
from xencfg.formats.cib import CibDocument
from xencfg.lint import lint_text, lint_tree, run

EXAMPLES = ROOT / "examples"


def tree_of(top: Path) -> dict[str, dict[str, str]]:
    """A cluster folder of node roots read into ``{node: {path: text}}``."""
    return {
        node.name: {
            f.relative_to(node).as_posix(): f.read_text(errors="surrogateescape")
            for f in sorted(node.rglob("*"))
            if f.is_file() and not f.is_symlink()
        }
        for node in sorted(top.iterdir())
        if node.is_dir()
    }


# -- linting texts held in memory -----------------------------------------------------

R0_BROKEN = """\
resource r0 {
  protocol Z;
  on alpha {
    device /dev/drbd0;
    disk /dev/sdb1;
    address 10.0.0.1:7788;
    meta-disk internal;
  }
}
"""


@pytest.mark.parametrize("example", ["mistakes", "sles10-evms", "supportconfig", "two-node"])
def test_a_tree_in_memory_gets_the_findings_of_the_same_tree_on_disk(example: str) -> None:
    """The same engine path as ``xencfg lint``: each finding of the folder on disk, with
    its line and message, and no other; paths are the ones given (node/path)."""
    top = EXAMPLES / example
    on_disk = run([str(top)])
    in_memory = lint_tree(tree_of(top))
    prefix = f"{display_path(top)}/"
    expected = [
        (f.code, f.path.removeprefix(prefix), f.line, f.column, f.message.replace(prefix, ""))
        for f in on_disk.findings
    ]
    assert [(f.code, f.path, f.line, f.column, f.message) for f in in_memory.findings] == expected
    assert in_memory.cluster.nodes == on_disk.cluster.nodes
    assert example == "two-node" or expected  # the comparison compares findings


def test_a_multi_node_tree_names_its_files_as_given_with_their_lines() -> None:
    tree = tree_of(EXAMPLES / "two-node")
    tree["beta"]["etc/drbd.d/web.res"] = tree["beta"]["etc/drbd.d/web.res"].replace(
        "protocol C;", "protocol Z;"
    )
    res = lint_tree(tree)
    bad = [f for f in res.findings if f.code == "XC005"]
    assert [(f.path, f.line) for f in bad] == [("beta/etc/drbd.d/web.res", 5)]
    assert "'Z'" in bad[0].message
    assert res.exit_code() == 1
    assert res.cluster.nodes == ["alpha", "beta"]
    assert all(not f.path.startswith(("/", ".")) for f in res.findings)
    assert "beta/etc/drbd.d/web.res" in res.texts
    # the documents are there for queries; the temporary files are not
    for loaded in res.cluster.loaded:
        assert loaded.doc.path is None and not loaded.file.path.is_absolute()
    assert "xencfg-lint-" not in repr(res.findings)


def test_a_whole_tree_cleans_up_to_no_finding() -> None:
    res = lint_tree(tree_of(EXAMPLES / "two-node"))
    assert res.findings == [] and res.exit_code(strict=True) == 0
    assert len(res.cluster.loaded) == 24


def test_a_single_text_by_its_path_or_its_format() -> None:
    by_name = lint_text(R0_BROKEN, path="drbd.conf")
    assert [(f.code, f.path, f.line, f.column) for f in by_name.findings] == [
        ("XC005", "drbd.conf", 2, 3)
    ]
    by_format = lint_text(R0_BROKEN, "drbd")
    assert [(f.code, f.path, f.line) for f in by_format.findings] == [("XC005", "-", 2)]
    in_tree = lint_text(R0_BROKEN, path="alpha/etc/drbd.conf", select=["XC005"])
    assert [f.path for f in in_tree.findings] == ["alpha/etc/drbd.conf"]


def test_a_single_text_that_does_not_parse_is_an_xc001_at_its_line() -> None:
    res = lint_text("resource r0 {\n  on alpha {\n", "drbd", path="gen/drbd.conf")
    broken = [f for f in res.findings if f.code == "XC001"]
    assert [(f.path, f.line) for f in broken] == [("gen/drbd.conf", 2)]


def test_text_without_a_format_or_a_bad_path_or_code_is_refused() -> None:
    with pytest.raises(xencfg.UnknownFormatError):
        lint_text("hello world\n")
    with pytest.raises(xencfg.UnknownFormatError):
        lint_text(R0_BROKEN, "no-such-format")
    with pytest.raises(xencfg.XencfgError, match="select"):
        lint_text(R0_BROKEN, "drbd", select=["NOPE999"])
    for bad in ("../etc/drbd.conf", "etc/../../x", ""):
        with pytest.raises(ValueError):
            lint_tree({"alpha": {bad: R0_BROKEN}})
    for node in ("..", "a/b", "etc"):
        with pytest.raises(ValueError):
            lint_tree({node: {"etc/drbd.conf": R0_BROKEN}})
    with pytest.raises(ValueError, match="not a file name"):
        lint_tree({"alpha": {"etc/" + "x" * 300: R0_BROKEN}})
    with pytest.raises(ValueError, match="both a file and a folder"):
        lint_tree({"alpha": {"etc/drbd.d": "x", "etc/drbd.d/r0.res": R0_BROKEN}})


def test_a_path_given_to_lint_tree_is_refused_with_the_call_that_takes_it() -> None:
    """``lint_tree("/srv/cluster")`` (a folder on disk, the likely mistake) was an
    AttributeError from inside the loop; it is a TypeError naming lint.run."""
    for bad in (str(EXAMPLES / "two-node"), EXAMPLES / "two-node", ["alpha"]):
        with pytest.raises(TypeError, match=r"xencfg\.lint\.run"):
            lint_tree(bad)  # type: ignore[arg-type]  # (the wrong type is the test)
    with pytest.raises(TypeError, match="alpha: a node's files"):
        lint_tree({"alpha": "resource r0 {}"})  # type: ignore[dict-item]  # (the test)


def test_a_leading_slash_is_the_node_s_root() -> None:
    res = lint_tree({"alpha": {"/etc/drbd.conf": R0_BROKEN}}, select=["XC005"])
    assert [f.path for f in res.findings] == ["alpha/etc/drbd.conf"]


# -- one exception for refused edits -----------------------------------------------

R0 = """resource r0 {
\tprotocol C;
\ton alpha {
\t\tdevice /dev/drbd0;
\t\tdisk /dev/vg0/web;
\t\taddress 10.0.0.1:7788;
\t\tmeta-disk internal;
\t}
}
"""
IETD = "Target iqn.2026-11.net.example:storage.web\n\tLun 0 Path=/dev/vg0/web,Type=blockio\n"
OCFS2 = (
    "cluster:\n\tnode_count = 1\n\tname = ocfs2\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = alpha\n"
    "\tcluster = ocfs2\n"
)
COROSYNC = (
    "totem {\n    version: 2\n}\n\n"
    "nodelist {\n    node {\n        name: alpha\n        nodeid: 1\n    }\n}\n"
)
CMAN = '<?xml version="1.0"?>\n<cluster name="c" config_version="1">\n</cluster>\n'
TEXTS = {
    "authkeys": "auth 1\n1 sha1 secret\n",
    "corosync": COROSYNC,
    "drbd": R0,
    "evms": "engine {\n\tmode = readwrite\n}\n",
    "hacf": "node alpha\n",
    "haresources": "alpha 10.0.0.1 drbddisk::r0\n",
    "hostname": "alpha\n",
    "hosts": "10.0.0.1 alpha\n",
    "iet-allow": "ALL ALL\n",
    "ietd": IETD,
    "initiatorname": "InitiatorName=iqn.2026-01.net.example:a\n",
    "iscsid": "node.startup = automatic\n",
    "logd": "logfacility daemon\n",
    "lvm": 'devices {\n\tfilter = [ "a|.*|" ]\n}\n',
    "modules": "drbd\n",
    "multipath": "defaults {\n\tuser_friendly_names yes\n}\n",
    "multipath-bindings": "mpatha 3600a0b80001\n",
    "ocfs2": OCFS2,
    "shellvars": "A=1\n",
    "xl": 'name = "a"\n',
    "xm": 'name = "a"\nmemory = 256 * 2\n',
}


def _written(doc: xencfg.Document) -> object:
    """A value set is checked when the text is written: refused then."""
    return xencfg.dumps(doc)


def _cib_dup() -> object:
    cib = CibDocument.new()
    cib.add_resource(cib.make_primitive("vm-web", "ocf", "Xen", "heartbeat"))
    return cib.add_resource(cib.make_primitive("vm-web", "lsb", "x"))


def _cman_foreign() -> object:
    one, other = xencfg.loads(CMAN, "cman"), xencfg.loads(CMAN, "cman")
    # an element of another document's tree: not one this document can splice
    from xencfg.formats.cman import Element

    assert isinstance(one.cluster, Element) and isinstance(other.cluster, Element)
    foreign = Element("cluster", {}, -1)
    return one.set_attribute(foreign, "name", "x")


#: (format, what the edit is, the edit): each a refusal of the format's public API.
REFUSALS: list[tuple[str, str, Callable[[Any], object]]] = [
    ("authkeys", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("cib", "id already used", lambda d: _cib_dup()),
    ("cib", "id not an XML ID", lambda d: CibDocument.new().make_primitive("1x", "lsb", "x")),
    ("cman", "element of another tree", lambda d: _cman_foreign()),
    ("corosync", "nodeid already used", lambda d: d.add_node("bravo", 1, "10.0.0.2")),
    ("corosync", "value on two lines", lambda d: d.totem.set("x", "a\nb")),
    ("drbd", "resource exists", lambda d: d.add_resource("r0")),
    ("drbd", "host exists", lambda d: d.resources["r0"].add_host("alpha", "10.0.0.9:7788")),
    ("drbd", "no such option", lambda d: d.resources["r0"].set_option("net", "nope", "1")),
    (
        "drbd",
        "value on two lines",
        lambda d: (d.resources["r0"].set_option("net", "after-sb-0pri", "a\nb"), _written(d)),
    ),
    ("evms", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("hacf", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("haresources", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("hostname", "name of two words", lambda d: setattr(d, "name", "a b")),
    ("hosts", "not an address", lambda d: d.add_host("alpha", "alpha")),
    ("iet-allow", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("ietd", "target exists", lambda d: d.add_target("iqn.2026-11.net.example:storage.web")),
    ("ietd", "LUN exists", lambda d: d.targets[0].add_lun(0, "/dev/vg0/x")),
    ("ietd", "bad direction", lambda d: d.targets[0].add_user("u", "p", direction="up")),
    ("ietd", "unknown parameter", lambda d: d.targets[0].set_param("NoSuchParam", "1")),
    ("initiatorname", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("iscsid", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("logd", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("lvm", "filter action", lambda d: d.set_filter([("x", ".*")])),
    ("modules", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("multipath", "unknown rule kind", lambda d: d.add_blacklist("colour", "red")),
    ("multipath-bindings", "value on two lines", lambda d: (d.set("x", "a\nb"), _written(d))),
    ("ocfs2", "node exists", lambda d: d.add_node("alpha", 5, "10.0.0.5")),
    ("shellvars", "not a variable name", lambda d: (d.set("1 bad", "x"), _written(d))),
    ("xl", "value of no xl type", lambda d: (d.set("x", object()), _written(d))),
    ("xm", "value with no literal", lambda d: (d.set("x", set()), _written(d))),
    ("xm", "value the code computes", lambda d: d.append("memory", 1)),
    ("xend", "value of no S-expression", lambda d: xencfg.loads("", "xend").set("x", object())),
]

#: Formats whose documents take no edit that can be refused: captured command output
#: (read, never written) and LIO's saveconfig.json (read, never written: targetcli
#: owns it).
NO_REFUSAL = {
    "cib-live",
    "cman-nodes",
    "booth-list",
    "crm-mon-xml",
    "drbd-status",
    "iet-proc",
    "ip-addr",
    "iscsi-node",
    "iscsi-session",
    "lio-saveconfig",
    "multipath-ll",
    "proc-drbd",
    "uname",
    "xl-list",
}


def test_every_format_is_covered_by_the_refusal_table() -> None:
    assert {f for f, _, _ in REFUSALS} | NO_REFUSAL == set(xencfg.FORMATS)


@pytest.mark.parametrize(
    ("fmt", "edit"), [(f, e) for f, _, e in REFUSALS], ids=[f"{f}: {w}" for f, w, _ in REFUSALS]
)
def test_a_refused_edit_is_caught_as_value_error_and_as_validation_error(
    fmt: str, edit: Callable[[Any], object]
) -> None:
    """docs/api.md: a refused edit raises ValidationError, which is a ValueError and
    an XencfgError, whatever the format: each of the three ``except`` catches it."""
    for caught in (ValueError, xencfg.ValidationError, xencfg.XencfgError):
        doc = xencfg.loads(TEXTS[fmt], fmt) if fmt in TEXTS else None
        try:
            edit(doc)
        except caught as exc:
            assert isinstance(exc, xencfg.ValidationError) and isinstance(exc, ValueError)
            assert not str(exc).startswith("<string>:0:0")  # no place: the message alone
        else:
            pytest.fail(f"{fmt}: the edit was not refused")


# -- typed CIB elements under a caller's mypy --strict --------------------------------

#: Typical CIB code of a caller: walk elements, read attributes, build and add
#: resources and constraints, ask positions; and the in-memory lint calls. Under
#: ``--strict`` an ``Any`` leaking from xencfg is an error where it is returned or
#: passed on as a typed value (``warn_return_any``), so the script returns the
#: element types it gets.
CALLER = """\
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

import xencfg
from xencfg.formats.cib import CibDocument
from xencfg.lint import LintResult, lint_text, lint_tree


def primitive_ids(doc: CibDocument) -> list[str]:
    out: list[str] = []
    for el in doc.iter("primitive"):
        rid: str | None = el.get("id")
        if rid is not None:
            out.append(rid)
    return out


def first_section(doc: CibDocument) -> etree._Element | None:
    return doc.section("resources")


def top(doc: CibDocument) -> list[etree._Element]:
    return doc.roots


def elements(doc: CibDocument) -> Iterator[etree._Element]:
    return doc.iter()


def the_root_tag(doc: CibDocument) -> str:
    root = doc.root
    return "" if root is None else str(root.tag)


def build() -> CibDocument:
    doc = CibDocument.new()
    prim: etree._Element = doc.make_primitive("vm-web", "ocf", "Xen", "heartbeat")
    view = doc.add_resource(prim)
    element: etree._Element = view.el
    line, column = doc.element_position(element)
    assert line >= 0 and column >= 0
    for nvset in view.meta_sets:
        holder: etree._Element = nvset.container
        assert holder is not None
    same: dict[str, list[etree._Element]] = doc.duplicate_ids()
    assert not same
    return doc


def lint(drbd: str) -> int:
    res: LintResult = lint_tree({"alpha": {"etc/drbd.conf": drbd}})
    one = lint_text(drbd, "drbd", path="drbd.conf")
    return len(res.findings) + len(one.findings) + one.exit_code(strict=True)


def refused(doc: CibDocument) -> str:
    try:
        doc.add_resource(doc.make_primitive("vm-web", "lsb", "x"))
    except xencfg.ValidationError as exc:
        return exc.message
    return ""
"""


def _mypy_strict(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--warn-return-any",
            "--no-incremental",
            "--follow-imports=silent",
            "--config-file",
            "/dev/null",
            str(script),
        ],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.mark.slow
def test_cib_caller_code_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    """A caller's CIB code sees lxml elements (``etree._Element``), not ``Any``: mypy
    --strict accepts the script, and refuses it once it misuses an element (so the
    element is typed, and the check can fail)."""
    script = tmp_path / "caller.py"
    script.write_text(CALLER)
    proc = _mypy_strict(script)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script.write_text(CALLER + "\n\ndef wrong(doc: CibDocument) -> int:\n    return doc.roots\n")
    proc = _mypy_strict(script)
    assert proc.returncode == 1 and "list[_Element]" in proc.stdout, proc.stdout


def test_the_caller_script_runs() -> None:
    """The script the type check reads does what it says (not only type-checks)."""
    space: dict[str, Any] = {}
    exec(compile(CALLER, "caller.py", "exec"), space)
    doc = space["build"]()
    assert space["primitive_ids"](doc) == ["vm-web"]
    assert space["the_root_tag"](doc) == "cib"
    assert space["first_section"](doc) is not None
    assert "already used" in space["refused"](doc)
    assert space["lint"](R0) >= 0


def test_loads_and_dumps_given_the_wrong_kind_say_what_they_take() -> None:
    """``loads(bytes)`` failed deep in detection with "endswith first arg must be bytes",
    and ``dumps("text")`` with an AttributeError; docs/api.md: a TypeError means the
    wrong kind of argument, so it should say which kind is wanted."""
    with pytest.raises(TypeError, match=r"loads\(\) takes the text as str, not bytes"):
        xencfg.loads(b"resource r0 {}\n", "drbd")  # type: ignore[call-overload]  # (the test)
    with pytest.raises(TypeError, match=r"dumps\(\) takes a document"):
        xencfg.dumps("resource r0 {}\n")  # type: ignore[arg-type]  # (the wrong type is the test)
